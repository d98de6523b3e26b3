//! Findings: facts about a file worth telling the user, each with a stable code.

use serde::Serialize;

use inkan_i18n::Message;

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing.
    Info,
    /// Something will fail somewhere or is risky.
    Warning,
    /// The file is not usable as it is.
    Error,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, e.g. `no_mac`.
    pub code: &'static str,
    /// How much it matters.
    pub severity: Severity,
    /// What it means and what to do, in Japanese and English.
    pub message: Message,
}

impl Finding {
    /// Builds a finding.
    pub fn new(code: &'static str, severity: Severity, ja: impl Into<String>, en: impl Into<String>) -> Self {
        Self { code, severity, message: Message::new(ja, en) }
    }

    /// Builds a finding whose message is already rendered (from one of a crate's message texts).
    pub fn localized(code: &'static str, severity: Severity, message: Message) -> Self {
        Self { code, severity, message }
    }

    /// The warning every non-ASCII password gets: Java keytool refuses such passwords
    /// ("Password is not ASCII") and some JavaScript libraries fail on AES files with them.
    pub fn non_ascii_password() -> Self {
        Finding::localized("non_ascii_password", Severity::Warning, crate::texts::finding::NON_ASCII_PASSWORD.render())
    }
}
