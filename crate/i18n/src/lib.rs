//! Messages in the user's language.
//!
//! Every error and finding carries a stable machine code plus a Japanese and an English text.
//! The core renders both; the edge (CLI, wasm, worker, site) picks one.
//!
//! The texts themselves live in per-language message files, one pair per crate
//! (`crate/<crate>/messages/ja.json` and `en.json`). The crate's `build.rs` runs
//! `inkan-i18n-build` over them, which checks them and writes one item per key: a [`Texts`]
//! constant for a text without placeholders (`key.wrong_password` becomes
//! `texts::key::WRONG_PASSWORD`, rendered with `.render()`), and for a text with placeholders a
//! struct whose fields are the placeholders (`key.too_large` becomes
//! `texts::key::TooLarge { size: size.into(), limit: limit.into() }.render()`), so a missing or
//! misspelt argument does not compile, and the binary carries neither argument names nor a
//! placeholder parser ([`Template`]).
//!
//! Why flat JSON files: the site can load the very same files with `import`/`fetch` and no
//! parser, and a translator edits one file per language, not Rust. Not Fluent (or gettext):
//! its crates would add ~100 KB to the wasm modules for plural/select features our texts do not
//! need. A key is `<enum or area>.<code>` (`key.wrong_password`, `finding.no_mac`), so a code
//! shared by several enums keeps its own texts; placeholders are `{name}`.
//!
//! Why constants generated at build time, not the files read at run time: a wasm module then
//! carries only the texts its code can show (the linker drops every unused constant; a file
//! read at run time is linked whole, so the RSA key module carried every PKI text) and no
//! JSON reader (serde_json's parser cost 30–70 KB per module, a small scanner still a few KB);
//! a key nobody renders is an unused `pub(crate)` constant, which the compiler reports; and a
//! broken file fails the build, naming the file and the key, instead of reaching a user.
//!
//! Depends on nothing of Inkan's: every other crate may use it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod texts;

use serde::Serialize;
pub use texts::{ARGUMENT_MARK, Arg, Lang, Template, Texts, check_rendered, placeholders};

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
