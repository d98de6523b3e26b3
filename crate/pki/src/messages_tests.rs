//! Every text of this crate exists in both languages: the two catalogs agree, no key is
//! unused, and every error variant and finding renders fully (no fallback to its key, no
//! leftover `{placeholder}`, Japanese in Japanese, printable ASCII in English).

use inkan_i18n::{Localized, Message};

use crate::csr::CsrError;
use crate::keys::KeyError;
use crate::pkcs12::Pkcs12Error;
use crate::x509::CertificateError;
use crate::{KEY_MESSAGES, MESSAGES};

/// Every file that renders from the catalog.
const SOURCES: &[&str] = &[
    include_str!("keys.rs"),
    include_str!("csr.rs"),
    include_str!("x509.rs"),
    include_str!("documents.rs"),
    include_str!("findings.rs"),
    include_str!("pkcs12/error.rs"),
    include_str!("pkcs12/assemble.rs"),
    include_str!("pkcs12/build.rs"),
    include_str!("pkcs12/open.rs"),
];

fn every_error() -> Vec<(&'static str, Message)> {
    let keys = [
        KeyError::EmptyInput,
        KeyError::TooLarge { size: 2, limit: 1 },
        KeyError::NotAKey,
        KeyError::UnsupportedAlgorithm { algorithm: "x".into() },
        KeyError::Corrupt,
        KeyError::WrongPassword,
        KeyError::WeakKey { reason: "r".into() },
        KeyError::GenerationFailed,
        KeyError::RsaKeygenNotBuiltIn { bits: 2048 },
        KeyError::LimitExceeded { what: "w", value: 1, limit: 0 },
    ];
    let mut all: Vec<Box<dyn Localized>> = Vec::new();
    for k in keys {
        all.push(Box::new(CsrError::Key(k.clone())));
        all.push(Box::new(Pkcs12Error::Key(k.clone())));
        all.push(Box::new(k));
    }
    for field in ["commonName", "organization", "organizationalUnit", "country", "email"] {
        all.push(Box::new(CsrError::MissingField { field }));
        all.push(Box::new(CsrError::FieldTooLong { field, limit: 64 }));
        all.push(Box::new(CsrError::InvalidCharacters { field }));
    }
    let csr = [
        CsrError::InvalidCountry { value: "XX".into() },
        CsrError::InvalidEmail { value: "a@".into() },
        CsrError::SigningFailed,
        CsrError::EmptyInput,
        CsrError::TooLarge { size: 3, limit: 2 },
        CsrError::NotACsr,
        CsrError::SignatureInvalid,
        CsrError::UnsupportedAlgorithm { algorithm: "md5".into() },
    ];
    all.extend(csr.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    let certificate = [
        CertificateError::EmptyInput,
        CertificateError::TooLarge { size: 3, limit: 2 },
        CertificateError::NotACertificate,
        CertificateError::TooManyCertificates { count: 3, limit: 2 },
        CertificateError::Corrupt { index: 2 },
    ];
    all.extend(certificate.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    #[cfg(feature = "documents")]
    {
        use crate::documents::DocumentError;
        let documents = [
            DocumentError::BadPublicKey { length: 3 },
            DocumentError::NotADocumentKey,
            DocumentError::Key(KeyError::WrongPassword),
            DocumentError::DoesNotOpen,
            DocumentError::SealFailed,
        ];
        all.extend(documents.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    }
    let pkcs12 = [
        Pkcs12Error::EmptyInput,
        Pkcs12Error::TooLarge { size: 1, limit: 0 },
        Pkcs12Error::NotPkcs12,
        Pkcs12Error::Truncated,
        Pkcs12Error::Corrupt { detail: "x" },
        Pkcs12Error::WrongPassword,
        Pkcs12Error::UnsupportedAlgorithm { algorithm: "rc5".into() },
        Pkcs12Error::UnsupportedKeyType { algorithm: "ed25519".into() },
        Pkcs12Error::RepackWouldLoseContent { what: "x".into() },
        Pkcs12Error::LimitExceeded { what: "iterations", value: 2, limit: 1 },
        Pkcs12Error::KeyCertificateMismatch,
        Pkcs12Error::Missing { what: "key" },
        Pkcs12Error::Missing { what: "certificate" },
        Pkcs12Error::InvalidIterations { value: 1, min: 2, max: 3 },
        Pkcs12Error::PasswordTooLong { limit: 1 },
    ];
    all.extend(pkcs12.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    all.into_iter().map(|e| (e.code(), e.message())).collect()
}

/// Every finding key with the arguments its call site passes.
fn every_finding() -> Vec<(&'static str, Message)> {
    let plain = [
        "finding.key_certificate_mismatch",
        "finding.chain_not_leaf_first",
        "finding.legacy_encryption",
        "finding.legacy_password_encoding",
        "finding.no_private_key",
        "finding.empty_password",
        "finding.no_mac",
    ];
    let mut all: Vec<_> = plain.into_iter().map(|key| (key, MESSAGES.message(key, &[]))).collect();
    for key in ["finding.multiple_keys", "finding.unrelated_certificates", "finding.ignored_bags"] {
        all.push((key, MESSAGES.message(key, &[("count", 2usize.into())])));
    }
    all.push(("finding.non_ascii_password", crate::findings::Finding::non_ascii_password().message));
    all
}

#[test]
fn the_catalogs_agree_and_every_key_is_used() {
    for catalog in [&MESSAGES, &KEY_MESSAGES] {
        assert_eq!(catalog.problems(), Vec::<String>::new());
        assert_eq!(catalog.unused_keys(SOURCES), Vec::<String>::new());
    }
    // Each catalog holds its own keys: the key errors' texts only in KEY_MESSAGES.
    assert!(MESSAGES.keys().iter().all(|k| !k.starts_with("key.")));
    assert!(KEY_MESSAGES.keys().iter().all(|k| k.starts_with("key.")));
}

#[test]
fn every_error_and_finding_renders_in_both_languages() {
    let problems: Vec<_> = every_error()
        .into_iter()
        .chain(every_finding())
        .filter_map(|(code, message)| MESSAGES.check_rendered(code, &message, true))
        .collect();
    assert_eq!(problems, Vec::<String>::new());
}
