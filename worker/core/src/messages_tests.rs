//! Every error variant, rejection reason and mail of the worker renders fully in both
//! languages: no leftover `{placeholder}` (a missing argument), Japanese in Japanese, printable
//! ASCII in the errors' English. That the two message files agree (same keys, same
//! placeholders, no empty text, no plain-ASCII Japanese) is checked by the build (`build.rs`,
//! `inkan-i18n-build`); that no text is unused, by the compiler (`dead_code` on the generated
//! constants).

use inkan_i18n::{Localized, Message, check_rendered};

use crate::api::ApiError;
use crate::application::{Status, TransitionError};
use crate::config::ConfigError;
use crate::documents::DocumentError;
use crate::download_password::DownloadPasswordError;
use crate::http::TransportError;
use crate::intake::IntakeError;
use crate::issuer::IssuerError;
use crate::keycheck::KeyCheckError;
use crate::lockout::LockoutError;
use crate::mailbox::{ConfirmError, MailError};
use crate::pkcs7::Pkcs7Error;
use crate::review::{REASONS, Rejection, ReviewError};
use crate::signing::SubjectError;
use crate::store::StoreError;

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
        DownloadPasswordError::BadLength { chars: 3 },
        DownloadPasswordError::MalformedHash,
        DownloadPasswordError::Busy,
        DownloadPasswordError::Backend { detail: "d".into() },
        DownloadPasswordError::InvalidVerifier { field: "salt" },
        DownloadPasswordError::VerifierIterations,
        DownloadPasswordError::VerifierIterationsUnsupported,
        DownloadPasswordError::VerifierNotAccepted,
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
fn every_error_reason_and_mail_renders_in_both_languages() {
    let mut problems: Vec<String> =
        every_error().into_iter().filter_map(|(code, message)| check_rendered(code, &message, true)).collect();
    problems.extend(every_text().into_iter().filter_map(|(what, message)| check_rendered(&what, &message, false)));
    assert_eq!(problems, Vec::<String>::new());
}
