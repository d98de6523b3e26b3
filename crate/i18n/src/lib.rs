//! Messages in the user's language.
//!
//! Every error and finding carries a stable machine code plus a Japanese and an English text.
//! The core renders both; the edge (CLI, wasm, worker, site) picks one.
//!
//! The texts themselves live in per-language message catalogs, one pair per crate
//! (`crate/<crate>/messages/ja.json` and `en.json`), compiled in with `include_str!` and read
//! through a [`Catalog`]; each error's `message()` only maps its variant to a key and arguments.
//!
//! Why flat JSON and not Fluent (or TOML, or gettext): the site can load the very same files
//! with `import`/`fetch` and no parser; a flat object of strings needs only the few dozen lines
//! of scanner in [`Catalog`] (measured: serde_json's parser cost the wasm modules 30–70 KB
//! each); and Fluent's crates would add ~100 KB to the wasm modules for plural/select features
//! our texts do not need. A key is `<enum or area>.<code>` (`key.wrong_password`, `finding.no_mac`), so a
//! code shared by several enums keeps its own texts; placeholders are `{name}`.
//!
//! Depends on nothing of Inkan's: every other crate may use it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod catalog;

pub use catalog::{Arg, Catalog, Lang};
use serde::Serialize;

/// A message in Japanese and English.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Message {
    /// Japanese text (the default for Japanese users).
    pub ja: String,
    /// English text.
    pub en: String,
}

impl Message {
    /// Builds a message from its two texts.
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self { ja: ja.into(), en: en.into() }
    }

    /// The text for a BCP 47 language tag: Japanese for `ja*`, English otherwise.
    pub fn for_lang(&self, lang: &str) -> &str {
        if lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("ja")) { &self.ja } else { &self.en }
    }
}

/// Something with a stable code and a bilingual explanation: every error type in the crate.
pub trait Localized {
    /// The stable machine-readable code (snake_case), a contract with the site and the worker.
    fn code(&self) -> &'static str;
    /// The explanation in Japanese and English, saying what to do next where there is something.
    fn message(&self) -> Message;
}
