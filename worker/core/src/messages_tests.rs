//! Every text of the worker exists in both languages: the two catalogs agree, no key is
//! unused, and every error variant, rejection reason and mail renders fully (no fallback to
//! its key, no leftover `{placeholder}`, Japanese in Japanese).

use inkan::i18n::{Localized, Message};

use crate::MESSAGES;
use crate::api::ApiError;
use crate::application::{Rejection, Status, TransitionError};
use crate::config::ConfigError;
use crate::documents::DocumentError;
use crate::http::TransportError;
use crate::intake::IntakeError;
use crate::issuer::IssuerError;
use crate::keycheck::KeyCheckError;
use crate::lockout::LockoutError;
use crate::mailbox::{ConfirmError, MailError};
use crate::password::PasswordError;
use crate::pkcs7::Pkcs7Error;
use crate::review::{REASONS, ReviewError};
use crate::signing::SubjectError;
use crate::store::StoreError;

/// Every file that renders from the catalog.
const SOURCES: &[&str] = &[
    include_str!("api.rs"),
    include_str!("application.rs"),
    include_str!("config.rs"),
    include_str!("documents.rs"),
    include_str!("http.rs"),
    include_str!("intake.rs"),
    include_str!("issuer/mod.rs"),
    include_str!("keycheck.rs"),
    include_str!("lockout.rs"),
    include_str!("mailbox.rs"),
    include_str!("password.rs"),
    include_str!("pkcs7.rs"),
    include_str!("review.rs"),
    include_str!("signing.rs"),
    include_str!("store.rs"),
];

/// Every variant of every worker error, each wrapped the ways intake wraps it, as
/// `(code, message)`.
pub(crate) fn every_error() -> Vec<(&'static str, Message)> {
    let keys = [
        KeyCheckError::RsaKeySize { bits: 1024 },
        KeyCheckError::RsaExponent,
        KeyCheckError::SmallFactor { prime: 3 },
        KeyCheckError::RocaVulnerable,
        KeyCheckError::FermatFactorable,
        KeyCheckError::UnsupportedKey { algorithm: "Ed25519".into() },
    ];
    let passwords = [
        PasswordError::BadLength { chars: 3 },
        PasswordError::MalformedHash,
        PasswordError::Busy,
        PasswordError::Backend { detail: "d".into() },
        PasswordError::InvalidVerifier { field: "salt" },
        PasswordError::VerifierIterations,
        PasswordError::VerifierIterationsUnsupported,
        PasswordError::VerifierNotAccepted,
    ];
    let subject = SubjectError::Mismatch { attribute: "OU".into() };
    let mut all: Vec<Box<dyn Localized>> = Vec::new();
    for k in keys {
        all.push(Box::new(IntakeError::Key(k.clone())));
        all.push(Box::new(k));
    }
    for p in passwords {
        all.push(Box::new(IntakeError::Password(p.clone())));
        all.push(Box::new(p));
    }
    all.push(Box::new(IntakeError::Subject(subject.clone())));
    all.push(Box::new(subject));
    let intake = [
        IntakeError::TooLarge { size: 70_000 },
        IntakeError::InvalidRequest { detail: "missing field `csr`".into() },
        IntakeError::InvalidApplicant { field: "name" },
        IntakeError::WeakSignatureAlgorithm { algorithm: "sha1WithRSAEncryption".into() },
        IntakeError::CsrEmailMissing,
        IntakeError::EmailMismatch,
    ];
    all.extend(intake.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    let api = [
        ApiError::NotFound,
        ApiError::Unauthorized,
        ApiError::TestModeOnly,
        ApiError::WrongPassword,
        ApiError::WindowClosed,
        ApiError::NotIssuedYet { status: Status::Approved },
        ApiError::Rejected,
        ApiError::CertificateKeyMismatch,
        ApiError::BadCertificate,
        ApiError::CorsOriginNotAllowed,
        ApiError::UnsupportedMediaType,
        ApiError::DuplicateCsr,
        ApiError::RateLimited { retry_after: 120 },
        ApiError::RequestTimeout,
        ApiError::BadRequest { detail: "expected value".into() },
        ApiError::Internal,
    ];
    all.extend(api.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    let documents = [
        DocumentError::NotEnabled,
        DocumentError::TooMany { count: 6, max: 5 },
        DocumentError::TooLarge { index: 2, size: 3_500_000, max: 3_145_728 },
        DocumentError::BodyTooLarge { max: 16_777_216 },
        DocumentError::TypeNotAccepted { index: 1 },
        DocumentError::NotSealed { index: 3 },
        DocumentError::TokenRefused,
        DocumentError::BadKey,
        DocumentError::BadBody,
    ];
    all.extend(documents.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    let confirm = [
        ConfirmError::WrongCode,
        ConfirmError::CodeExpired,
        ConfirmError::MalformedCode,
        ConfirmError::ResendLimit { retry_after: 0 },
        ConfirmError::ResendLimit { retry_after: 42 },
        ConfirmError::NotPending,
    ];
    all.extend(confirm.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    all.push(Box::new(MailError::Transport { detail: "smtp".into() }));
    all.push(Box::new(TransitionError::NotAllowed { from: Status::Issued, action: "approve" }));
    all.push(Box::new(TransitionError::MailboxNotConfirmed));
    all.push(Box::new(ConfigError::Parse { detail: "line 3".into() }));
    all.push(Box::new(ConfigError::Invalid { setting: "issuer.kind", reason: "unknown".into() }));
    all.push(Box::new(Pkcs7Error::Malformed));
    all.push(Box::new(Pkcs7Error::NoCertificates));
    all.push(Box::new(ReviewError::UnknownReason));
    all.push(Box::new(ReviewError::BadNote));
    all.push(Box::new(StoreError::Backend { detail: "disk".into() }));
    all.push(Box::new(StoreError::Conflict));
    all.push(Box::new(StoreError::Corrupt { key: "k".into() }));
    all.push(Box::new(TransportError::Unreachable { detail: "dns".into() }));
    all.push(Box::new(LockoutError::LockedOut { retry_after: 900 }));
    let issuer = [
        IssuerError::Unavailable { detail: "503".into() },
        IssuerError::Refused { status: 400 },
        IssuerError::Protocol { detail: "no chain".into() },
        IssuerError::Local { code: "issue_failed" },
    ];
    all.extend(issuer.into_iter().map(|e| Box::new(e) as Box<dyn Localized>));
    all.into_iter().map(|e| (e.code(), e.message())).collect()
}

/// Every rejection reason's text, and the two mails' subjects and bodies (each one text in
/// both languages at once), as `(what, message)`.
pub(crate) fn every_text() -> Vec<(String, Message)> {
    let mut all: Vec<(String, Message)> = REASONS.iter().map(|r| (format!("reason {}", r.code), r.message())).collect();
    let bilingual = |what: String, text: &str| (what, Message::new(text, text));
    let mail = crate::mailbox::confirmation_mail("taro@example.jp", "app1", "ACDE-F347", 1);
    all.push(bilingual("confirmation mail subject".into(), &mail.subject));
    all.push(bilingual("confirmation mail".into(), &mail.text));
    for reason in REASONS {
        for note in [None, Some("別の書類をお送りください。".to_owned())] {
            let rejection = Rejection { reason: reason.code.into(), note };
            let mail = crate::review::rejection_mail("taro@example.jp", "app1", &rejection);
            all.push(bilingual(format!("rejection mail subject {}", reason.code), &mail.subject));
            all.push(bilingual(format!("rejection mail {}", reason.code), &mail.text));
        }
    }
    all
}

#[test]
fn the_catalog_is_sound_and_every_key_is_used() {
    assert_eq!(MESSAGES.problems(), Vec::<String>::new());
    assert_eq!(MESSAGES.unused_keys(SOURCES), Vec::<String>::new());
}

#[test]
fn every_japanese_text_is_japanese() {
    let ja: std::collections::BTreeMap<String, String> =
        serde_json::from_str(include_str!("../messages/ja.json")).expect("ja.json parses");
    let ascii: Vec<&String> = ja.iter().filter(|(_, text)| text.is_ascii()).map(|(key, _)| key).collect();
    assert_eq!(ascii, Vec::<&String>::new());
}

#[test]
fn every_error_reason_and_mail_renders_in_both_languages() {
    let mut problems: Vec<String> =
        every_error().into_iter().filter_map(|(code, message)| MESSAGES.check_rendered(code, &message, true)).collect();
    problems
        .extend(every_text().into_iter().filter_map(|(what, message)| MESSAGES.check_rendered(&what, &message, false)));
    // A slip renders the catalog key itself (not the error's code), alone or inside a mail.
    let keys = MESSAGES.keys();
    for (what, message) in every_error().into_iter().map(|(c, m)| (c.to_owned(), m)).chain(every_text()) {
        if let Some(key) = keys.iter().find(|k| message.ja.contains(k.as_str()) || message.en.contains(k.as_str())) {
            problems.push(format!("{what} falls back to {key}: {message:?}"));
        }
    }
    assert_eq!(problems, Vec::<String>::new());
}
