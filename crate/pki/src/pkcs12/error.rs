//! What can go wrong building or opening a `.p12`, with its code and both texts.

use crate::asn1::Asn1Error;
use crate::keys::KeyError;
use crate::pbe::PbeError;
use crate::texts;
use inkan_i18n::{Localized, Message};

/// Everything that can go wrong building or opening a `.p12`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// No bytes.
    EmptyInput,
    /// Larger than any real `.p12`.
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The most we read.
        limit: usize,
    },
    /// Not a PKCS#12 file at all (a certificate, a key, a picture...).
    NotPkcs12,
    /// The file ends early: an incomplete download or copy.
    Truncated,
    /// The structure is damaged.
    Corrupt {
        /// Where (for support staff; not shown to users on its own).
        detail: &'static str,
    },
    /// The password does not open the file.
    WrongPassword,
    /// The file uses an algorithm we do not implement.
    UnsupportedAlgorithm {
        /// Its name or OID.
        algorithm: String,
    },
    /// The file holds a key of a type we do not handle (Ed25519, DSA, P-521, ...).
    UnsupportedKeyType {
        /// The key type.
        algorithm: String,
    },
    /// Re-packing would silently drop something the file holds.
    RepackWouldLoseContent {
        /// What would be lost (`a second private key`, `2 other items`).
        what: String,
    },
    /// A number in the file (iterations, nesting, bags) is beyond our limits.
    LimitExceeded {
        /// What.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The most we accept.
        limit: u64,
    },
    /// The private key does not belong to the certificate.
    KeyCertificateMismatch,
    /// The file holds no certificate to build from, or no key to re-pack.
    Missing {
        /// `certificate` or `key`.
        what: &'static str,
    },
    /// An iteration count outside what we agree to write.
    InvalidIterations {
        /// Requested.
        value: u32,
        /// Fewest allowed.
        min: u32,
        /// Most allowed.
        max: u32,
    },
    /// The password is longer than any real one.
    PasswordTooLong {
        /// The most characters accepted.
        limit: usize,
    },
    /// A problem with the key itself.
    Key(KeyError),
}

impl From<Asn1Error> for Pkcs12Error {
    fn from(e: Asn1Error) -> Self {
        match e {
            Asn1Error::Truncated => Pkcs12Error::Truncated,
            Asn1Error::Malformed => Pkcs12Error::Corrupt { detail: "asn1" },
            Asn1Error::TooDeep | Asn1Error::TooLong => {
                let (what, value, limit) = e.limit().unwrap_or(("nesting", 0, 0));
                Pkcs12Error::LimitExceeded { what, value, limit }
            }
        }
    }
}

impl From<PbeError> for Pkcs12Error {
    fn from(e: PbeError) -> Self {
        match e {
            PbeError::Unsupported { algorithm } => Pkcs12Error::UnsupportedAlgorithm { algorithm },
            PbeError::Malformed => Pkcs12Error::Corrupt { detail: "pbe parameters" },
            PbeError::DecryptFailed => Pkcs12Error::WrongPassword,
            PbeError::LimitExceeded { what, value, limit } => Pkcs12Error::LimitExceeded { what, value, limit },
        }
    }
}

impl From<KeyError> for Pkcs12Error {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::WrongPassword => Pkcs12Error::WrongPassword,
            KeyError::UnsupportedAlgorithm { algorithm } => Pkcs12Error::UnsupportedKeyType { algorithm },
            KeyError::LimitExceeded { what, value, limit } => Pkcs12Error::LimitExceeded { what, value, limit },
            other => Pkcs12Error::Key(other),
        }
    }
}

impl core::fmt::Display for Pkcs12Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for Pkcs12Error {}

impl Localized for Pkcs12Error {
    fn code(&self) -> &'static str {
        match self {
            Pkcs12Error::EmptyInput => "empty_input",
            Pkcs12Error::TooLarge { .. } => "too_large",
            Pkcs12Error::NotPkcs12 => "not_pkcs12",
            Pkcs12Error::Truncated => "truncated",
            Pkcs12Error::Corrupt { .. } => "corrupt",
            Pkcs12Error::WrongPassword => "wrong_password",
            Pkcs12Error::UnsupportedAlgorithm { .. } | Pkcs12Error::UnsupportedKeyType { .. } => {
                "unsupported_algorithm"
            }
            Pkcs12Error::RepackWouldLoseContent { .. } => "repack_would_lose_content",
            Pkcs12Error::LimitExceeded { .. } => "limit_exceeded",
            Pkcs12Error::KeyCertificateMismatch => "key_certificate_mismatch",
            Pkcs12Error::Missing { what: "key" } => "missing_key",
            Pkcs12Error::Missing { .. } => "missing_certificate",
            Pkcs12Error::InvalidIterations { .. } => "invalid_iterations",
            Pkcs12Error::PasswordTooLong { .. } => "password_too_long",
            Pkcs12Error::Key(e) => e.code(),
        }
    }

    fn message(&self) -> Message {
        match self {
            Pkcs12Error::EmptyInput => texts::pkcs12::EMPTY_INPUT.render(),
            Pkcs12Error::TooLarge { size, limit } => {
                texts::pkcs12::TooLarge { size: size.into(), limit: limit.into() }.render()
            }
            Pkcs12Error::NotPkcs12 => texts::pkcs12::NOT_PKCS12.render(),
            Pkcs12Error::Truncated => texts::pkcs12::TRUNCATED.render(),
            Pkcs12Error::Corrupt { .. } => texts::pkcs12::CORRUPT.render(),
            Pkcs12Error::WrongPassword => texts::pkcs12::WRONG_PASSWORD.render(),
            Pkcs12Error::UnsupportedAlgorithm { algorithm } => {
                texts::pkcs12::UnsupportedAlgorithm { algorithm: algorithm.into() }.render()
            }
            Pkcs12Error::UnsupportedKeyType { algorithm } => {
                texts::pkcs12::UnsupportedKeyType { algorithm: algorithm.into() }.render()
            }
            Pkcs12Error::RepackWouldLoseContent { what } => {
                texts::pkcs12::RepackWouldLoseContent { what: what.into() }.render()
            }
            Pkcs12Error::LimitExceeded { what, value, limit } => {
                texts::pkcs12::LimitExceeded { what: (*what).into(), value: value.into(), limit: limit.into() }.render()
            }
            Pkcs12Error::KeyCertificateMismatch => texts::pkcs12::KEY_CERTIFICATE_MISMATCH.render(),
            Pkcs12Error::Missing { what: "key" } => texts::pkcs12::MISSING_KEY.render(),
            Pkcs12Error::Missing { .. } => texts::pkcs12::MISSING_CERTIFICATE.render(),
            Pkcs12Error::InvalidIterations { value, min, max } => {
                texts::pkcs12::InvalidIterations { value: value.into(), min: min.into(), max: max.into() }.render()
            }
            Pkcs12Error::PasswordTooLong { limit } => texts::pkcs12::PasswordTooLong { limit: limit.into() }.render(),
            Pkcs12Error::Key(e) => e.message(),
        }
    }
}
