//! Every error variant and finding of this crate renders fully in both languages: no leftover
//! `{placeholder}` (a missing argument), Japanese in Japanese, printable ASCII in English.
//! That the two message files agree is checked by the build (`build.rs`, `inkan-i18n-build`);
//! that no text is unused, by the compiler (`dead_code` on the generated constants).

use inkan_i18n::{Localized, Message, check_rendered};

use crate::csr::CsrError;
use crate::keys::KeyError;
use crate::pkcs12::Pkcs12Error;
use crate::texts::finding;
use crate::x509::CertificateError;

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

/// Every finding text with the arguments its call site passes.
fn every_finding() -> Vec<(&'static str, Message)> {
    let plain = [
        ("key_certificate_mismatch", finding::KEY_CERTIFICATE_MISMATCH),
        ("chain_not_leaf_first", finding::CHAIN_NOT_LEAF_FIRST),
        ("legacy_encryption", finding::LEGACY_ENCRYPTION),
        ("legacy_password_encoding", finding::LEGACY_PASSWORD_ENCODING),
        ("no_private_key", finding::NO_PRIVATE_KEY),
        ("empty_password", finding::EMPTY_PASSWORD),
        ("no_mac", finding::NO_MAC),
    ];
    let mut all: Vec<_> = plain.into_iter().map(|(code, text)| (code, text.render())).collect();
    all.push(("multiple_keys", finding::MultipleKeys { count: 2usize.into() }.render()));
    all.push(("unrelated_certificates", finding::UnrelatedCertificates { count: 2usize.into() }.render()));
    all.push(("ignored_bags", finding::IgnoredBags { count: 2usize.into() }.render()));
    all.push(("non_ascii_password", crate::findings::Finding::non_ascii_password().message));
    all
}

#[test]
fn every_error_and_finding_renders_in_both_languages() {
    let problems: Vec<_> = every_error()
        .into_iter()
        .chain(every_finding())
        .filter_map(|(code, message)| check_rendered(code, &message, true))
        .collect();
    assert_eq!(problems, Vec::<String>::new());
}
