//! The crate-wide error: one of the module errors, for edges (CLI, wasm) that handle any.

use crate::i18n::{Catalog, Localized, Message};

/// This crate's texts (`messages/ja.json`, `messages/en.json`), compiled in.
static MESSAGES: Catalog = Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

/// Any error from the library, keeping its module's stable code and messages.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// From the keys (`inkan-pki`).
    #[cfg(feature = "pki-core")]
    Key(crate::KeyError),
    /// From PKCS#10 requests (`inkan-pki`).
    #[cfg(feature = "pki-core")]
    Csr(crate::CsrError),
    /// From PKCS#12 files (`inkan-pki`).
    #[cfg(feature = "pki-core")]
    Pkcs12(crate::Pkcs12Error),
    /// From certificate parsing (`inkan-pki`).
    #[cfg(feature = "pki-core")]
    Certificate(crate::CertificateError),
    /// From the local CA (`inkan-ca`).
    #[cfg(feature = "ca")]
    Issue(crate::IssueError),
    /// A caller passed an argument the API does not accept.
    InvalidArgument {
        /// Which argument.
        name: String,
        /// Why, in English (arguments are for developers).
        reason: String,
    },
}

#[cfg(feature = "pki-core")]
macro_rules! from {
    ($($v:ident($t:ty)),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self { Error::$v(e) }
        }
    )*};
}
#[cfg(feature = "pki-core")]
from!(Key(crate::KeyError), Csr(crate::CsrError), Pkcs12(crate::Pkcs12Error), Certificate(crate::CertificateError));
#[cfg(feature = "ca")]
from!(Issue(crate::IssueError));

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for Error {}

impl Localized for Error {
    fn code(&self) -> &'static str {
        match self {
            #[cfg(feature = "pki-core")]
            Error::Key(e) => e.code(),
            #[cfg(feature = "pki-core")]
            Error::Csr(e) => e.code(),
            #[cfg(feature = "pki-core")]
            Error::Pkcs12(e) => e.code(),
            #[cfg(feature = "pki-core")]
            Error::Certificate(e) => e.code(),
            #[cfg(feature = "ca")]
            Error::Issue(e) => e.code(),
            Error::InvalidArgument { .. } => "invalid_argument",
        }
    }

    fn message(&self) -> Message {
        match self {
            #[cfg(feature = "pki-core")]
            Error::Key(e) => e.message(),
            #[cfg(feature = "pki-core")]
            Error::Csr(e) => e.message(),
            #[cfg(feature = "pki-core")]
            Error::Pkcs12(e) => e.message(),
            #[cfg(feature = "pki-core")]
            Error::Certificate(e) => e.message(),
            #[cfg(feature = "ca")]
            Error::Issue(e) => e.message(),
            Error::InvalidArgument { name, reason } => {
                MESSAGES.message("error.invalid_argument", &[("name", name.into()), ("reason", reason.into())])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_renders_in_both_languages_from_agreeing_catalogs() {
        assert_eq!(MESSAGES.problems(), Vec::<String>::new());
        assert_eq!(MESSAGES.unused_keys(&[include_str!("error.rs")]), Vec::<String>::new());
        let e = Error::InvalidArgument { name: "profile".into(), reason: "unknown".into() };
        assert_eq!(MESSAGES.check_rendered(e.code(), &e.message(), true), None);
        assert_eq!(e.message().en, "Invalid argument profile: unknown");
    }
}
