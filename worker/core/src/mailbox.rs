//! Mailbox control: before an application goes to the issuer, the applicant proves they read
//! the mailbox the certificate will name (CA/B Forum S/MIME Baseline Requirements §3.2.2: the
//! CA verifies control of every mailbox address it includes).
//!
//! At intake the worker mails a one-time code to the applicant's address; the applicant types
//! it into the page (`POST /api/applications/{id}/confirm`). The code is 8 characters from an
//! alphabet without look-alikes, shown as `XXXX-XXXX` (26^8 ≈ 2^37); the store keeps only its
//! SHA-256 bound to the application id; it is valid for [`CODE_VALID_SECONDS`]; wrong codes
//! count against the application's lockout like wrong passwords, so at most the lockout
//! threshold of guesses is ever checked per lock period. A new code can be asked for at most
//! [`MAX_SENDS`] times, at least [`RESEND_AFTER_SECONDS`] apart.
//!
//! Sending is behind [`Mailer`]: SMTP (lettre) or `.eml` files in the data directory natively,
//! a signed relay or the `outbox` table on Workers.

use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use crate::UnixTime;
use crate::texts;
use inkan::i18n::{Localized, Message};

/// How long a code stays valid after it was sent.
pub const CODE_VALID_SECONDS: i64 = 24 * 3_600;
/// Codes sent per application, the first included.
pub const MAX_SENDS: u32 = 4;
/// The shortest wait between two codes.
pub const RESEND_AFTER_SECONDS: i64 = 60;
/// The code alphabet: capitals and digits without 0/O, 1/I/L, 5/S, 8/B and Z (read aloud or
/// typed from a phone, these are the ones people confuse).
const ALPHABET: &[u8; 26] = b"ACDEFGHJKMNPQRTUVWXY234679";
/// Characters in a code (the hyphen in the middle is for reading only).
const CODE_CHARS: usize = 8;

/// Where the applicant's mailbox confirmation stands (stored with the application).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// SHA-256 of the current code bound to the application id, hex; gone once confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_sha256: Option<String>,
    /// When the current code was sent (or its sending was attempted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<UnixTime>,
    /// Codes sent so far.
    #[serde(default)]
    pub sends: u32,
    /// When the mailbox was confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<UnixTime>,
    /// The last sending failure's code, if the last send failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Why a confirmation was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfirmError {
    /// The code is wrong.
    WrongCode,
    /// The code is older than [`CODE_VALID_SECONDS`]: ask for a new one.
    CodeExpired,
    /// The code is not of the expected shape.
    MalformedCode,
    /// Too many codes were asked for, or the last one is too recent.
    ResendLimit {
        /// Seconds until another code may be sent (0: never again for this application).
        retry_after: i64,
    },
    /// The application is past the point where its mailbox matters.
    NotPending,
}

impl core::fmt::Display for ConfirmError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for ConfirmError {}

impl Localized for ConfirmError {
    fn code(&self) -> &'static str {
        match self {
            ConfirmError::WrongCode => "wrong_confirmation_code",
            ConfirmError::CodeExpired => "confirmation_code_expired",
            ConfirmError::MalformedCode => "invalid_confirmation_code",
            ConfirmError::ResendLimit { .. } => "confirmation_resend_limit",
            ConfirmError::NotPending => "mailbox_confirmation_closed",
        }
    }

    fn message(&self) -> Message {
        match self {
            ConfirmError::WrongCode => texts::mailbox::WRONG_CONFIRMATION_CODE.render(),
            ConfirmError::CodeExpired => texts::mailbox::CONFIRMATION_CODE_EXPIRED.render(),
            ConfirmError::MalformedCode => texts::mailbox::INVALID_CONFIRMATION_CODE.render(),
            ConfirmError::ResendLimit { retry_after: 0 } => texts::mailbox::CONFIRMATION_RESEND_LIMIT.render(),
            ConfirmError::ResendLimit { retry_after } => {
                texts::mailbox::ConfirmationResendWait { retry_after: retry_after.into() }.render()
            }
            ConfirmError::NotPending => texts::mailbox::MAILBOX_CONFIRMATION_CLOSED.render(),
        }
    }
}

impl ConfirmError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ConfirmError::WrongCode => 403,
            ConfirmError::CodeExpired => 410,
            ConfirmError::MalformedCode => 400,
            ConfirmError::ResendLimit { .. } => 429,
            ConfirmError::NotPending => 409,
        }
    }
}

/// A fresh code, `XXXX-XXXX`.
pub fn new_code<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> zeroize::Zeroizing<String> {
    let mut code = zeroize::Zeroizing::new(String::with_capacity(CODE_CHARS + 1));
    let mut byte = [0u8; 1];
    while code.len() < CODE_CHARS + 1 {
        rng.fill_bytes(&mut byte);
        // Rejection sampling: 234 = 9 × 26 keeps every character equally likely.
        if byte[0] >= 234 {
            continue;
        }
        if code.len() == CODE_CHARS / 2 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[usize::from(byte[0] % 26)]));
    }
    code
}

/// The code as typed, normalised: upper case, spaces and hyphens dropped; refused when it
/// cannot be a code (so junk is not counted as a guess).
pub fn normalise(typed: &str) -> Result<String, ConfirmError> {
    let code: String = typed.chars().filter(|c| !matches!(c, '-' | ' ' | '\u{3000}')).collect();
    let code = code.to_ascii_uppercase();
    if code.len() == CODE_CHARS && code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()) {
        Ok(code)
    } else {
        Err(ConfirmError::MalformedCode)
    }
}

/// What the store keeps of a code: SHA-256 over the application id and the normalised code.
pub fn code_digest(application_id: &str, code: &str) -> String {
    let normalised = normalise(code).unwrap_or_default();
    let mut hash = sha2::Sha256::new();
    hash.update(b"inkan-mailbox:");
    hash.update(application_id.as_bytes());
    hash.update(b":");
    hash.update(normalised.as_bytes());
    crate::hex::hex(&hash.finalize())
}

impl Mailbox {
    /// Whether the mailbox is confirmed.
    pub fn confirmed(&self) -> bool {
        self.confirmed_at.is_some()
    }

    /// Records a newly sent code (`error`: the sending failed, the code is kept so a delayed
    /// delivery still works, and the applicant may ask again).
    pub fn code_sent(&mut self, application_id: &str, code: &str, now: UnixTime, error: Option<String>) {
        self.code_sha256 = Some(code_digest(application_id, code));
        self.sent_at = Some(now);
        self.sends = self.sends.saturating_add(1);
        self.last_error = error;
    }

    /// Whether another code may be sent now.
    pub fn may_resend(&self, now: UnixTime) -> Result<(), ConfirmError> {
        if self.confirmed() {
            return Err(ConfirmError::NotPending);
        }
        if self.sends >= MAX_SENDS {
            return Err(ConfirmError::ResendLimit { retry_after: 0 });
        }
        match self.sent_at {
            Some(sent) if now < sent + RESEND_AFTER_SECONDS => {
                Err(ConfirmError::ResendLimit { retry_after: sent + RESEND_AFTER_SECONDS - now })
            }
            _ => Ok(()),
        }
    }

    /// Checks a typed code (already charged against the lockout) and confirms on a match.
    pub fn confirm(&mut self, application_id: &str, typed: &str, now: UnixTime) -> Result<(), ConfirmError> {
        if self.confirmed() {
            return Ok(());
        }
        let code = normalise(typed)?;
        let (Some(stored), Some(sent)) = (&self.code_sha256, self.sent_at) else {
            return Err(ConfirmError::WrongCode);
        };
        let given = code_digest(application_id, &code);
        if !bool::from(given.as_bytes().ct_eq(stored.as_bytes())) {
            return Err(ConfirmError::WrongCode);
        }
        if now >= sent + CODE_VALID_SECONDS {
            return Err(ConfirmError::CodeExpired);
        }
        self.confirmed_at = Some(now);
        self.code_sha256 = None;
        self.last_error = None;
        Ok(())
    }

    /// The applicant's view: whether confirmed, and until when the current code is valid.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "confirmed": self.confirmed(),
            "confirmed_at": self.confirmed_at,
            "code_sent_at": self.sent_at,
            "code_expires_at": self.sent_at.map(|t| t + CODE_VALID_SECONDS),
            "send_failed": self.last_error.is_some(),
        })
    }
}

/// One message to send: plain text, UTF-8.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct OutgoingMail {
    /// The recipient's address.
    pub to: String,
    /// Subject line (Japanese and English).
    pub subject: String,
    /// Body text.
    pub text: String,
    /// A stable key for receiver-side de-duplication (`<application>:<purpose>:<n>`).
    pub key: String,
}

/// The confirmation mail: the code on a line of its own, in Japanese and English.
pub fn confirmation_mail(to: &str, application_id: &str, code: &str, sends: u32) -> OutgoingMail {
    let title = texts::confirmation_mail::TITLE.render();
    let request = texts::confirmation_mail::REQUEST.render();
    let warning = texts::confirmation_mail::WARNING.render();
    let subject = texts::confirmation_mail::SUBJECT.render();
    let text = format!(
        "Inkan: {} / {}\n\n{}\n{}\n\n{code}\n\n{}\n{}\n",
        title.ja, title.en, request.ja, request.en, warning.ja, warning.en,
    );
    OutgoingMail {
        to: to.to_owned(),
        subject: format!("Inkan: {} / {}", subject.ja, subject.en),
        text,
        key: format!("{application_id}:mailbox_code:{sends}"),
    }
}

/// Why a mail could not be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MailError {
    /// The transport failed (connection, TLS, SMTP refusal, file system).
    Transport {
        /// What failed (no addresses, no message text).
        detail: String,
    },
}

impl core::fmt::Display for MailError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for MailError {}

impl Localized for MailError {
    fn code(&self) -> &'static str {
        "mail_not_sent"
    }
    fn message(&self) -> Message {
        texts::mail::MAIL_NOT_SENT.render()
    }
}

/// Sends mail.
#[allow(async_fn_in_trait)] // see crate::http::HttpClient for why there is no Send bound
pub trait Mailer {
    /// Sends one message (or hands it to a queue that will).
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
    /// `smtp`, `outbox`, `relay`, ...
    fn kind(&self) -> &'static str;
    /// Messages still held for `recipient`, newest first, where the mailer holds them (the test
    /// mode's `GET /api/admin/outbox`, for runtimes whose outbox a test cannot open as files).
    async fn queued(&self, recipient: &str) -> Result<Vec<serde_json::Value>, MailError> {
        let _ = recipient;
        Ok(Vec::new())
    }
}

/// Whether two addresses are the same mailbox: the local part exactly (RFC 5321 2.4 leaves its
/// case to the receiving host), the domain case-insensitively (domains are).
pub fn same_mailbox(a: &str, b: &str) -> bool {
    match (a.trim().rsplit_once('@'), b.trim().rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_have_the_documented_shape_and_differ() {
        let a = new_code(&mut inkan::os_rng());
        let b = new_code(&mut inkan::os_rng());
        assert_ne!(*a, *b);
        for code in [&a, &b] {
            assert_eq!(code.len(), 9);
            assert_eq!(&code[4..5], "-");
            assert!(code.bytes().all(|c| c == b'-' || ALPHABET.contains(&c)), "{}", code.as_str());
        }
    }

    #[test]
    fn a_code_confirms_once_within_a_day_and_only_its_own_application() {
        let code = new_code(&mut inkan::os_rng());
        let mut mailbox = Mailbox::default();
        mailbox.code_sent("app-1", &code, 1_000, None);
        assert_eq!(mailbox.clone().confirm("app-2", &code, 1_001), Err(ConfirmError::WrongCode));
        assert_eq!(mailbox.clone().confirm("app-1", "ZZZZ-ZZZZ", 1_001), Err(ConfirmError::WrongCode));
        assert_eq!(mailbox.clone().confirm("app-1", "x", 1_001), Err(ConfirmError::MalformedCode));
        assert_eq!(mailbox.clone().confirm("app-1", &code, 1_000 + CODE_VALID_SECONDS), Err(ConfirmError::CodeExpired));
        let typed = code.to_ascii_lowercase().replace('-', " ");
        assert_eq!(mailbox.confirm("app-1", &typed, 2_000), Ok(()), "case and separators do not matter");
        assert!(mailbox.confirmed() && mailbox.code_sha256.is_none());
        assert_eq!(mailbox.confirm("app-1", "ZZZZ-ZZZZ", 2_001), Ok(()), "confirmed stays confirmed");
    }

    #[test]
    fn resends_are_spaced_and_capped() {
        let mut mailbox = Mailbox::default();
        mailbox.code_sent("a", "ACDE-F347", 0, None);
        assert_eq!(mailbox.may_resend(10), Err(ConfirmError::ResendLimit { retry_after: 50 }));
        for n in 1..MAX_SENDS {
            mailbox.may_resend(i64::from(n) * 100).expect("allowed");
            mailbox.code_sent("a", "ACDE-F347", i64::from(n) * 100, None);
        }
        assert_eq!(mailbox.may_resend(10_000), Err(ConfirmError::ResendLimit { retry_after: 0 }));
    }

    #[test]
    fn the_mail_carries_the_code_on_its_own_line() {
        let mail = confirmation_mail("taro@example.jp", "id", "ACDE-F347", 1);
        assert!(mail.text.lines().any(|line| line == "ACDE-F347"));
        assert_eq!(mail.key, "id:mailbox_code:1");
    }
}
