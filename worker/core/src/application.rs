//! One application and its life:
//!
//! ```text
//! submitted ──approve──▶ approved ──issuer delivers──▶ issued ──download──▶ downloaded
//!     │                     │  (queued, retried with        │
//!     └──reject──▶ rejected ◀┘   exponential backoff)       └─window closes─▶ expired | cancelled
//! any non-final state ──cancel──▶ cancelled
//! ```
//!
//! Secrets die with the window: the password hash and the stored certificate are removed when
//! the window closes (or at rejection/cancellation). A downloaded certificate stays fetchable
//! with the password until then, so a download lost in transit can be repeated; the certificate
//! is public data, the password still guards it.

use serde::{Deserialize, Serialize};

use crate::UnixTime;
use crate::mailbox::Mailbox;
use crate::review::{Rejection, rejection_view};
use crate::texts;
use crate::window::Closing;
use inkan::i18n::{Localized, Message};

/// Where an application stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received, waiting for review.
    Submitted,
    /// Approved; the CSR is with the issuer or queued for it.
    Approved,
    /// Refused by review.
    Rejected,
    /// The certificate is ready for download.
    Issued,
    /// Downloaded at least once.
    Downloaded,
    /// The window closed without a download.
    Expired,
    /// Cancelled (automatically after the window, or by an administrator).
    Cancelled,
}

impl Status {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Issued => "issued",
            Status::Downloaded => "downloaded",
            Status::Expired => "expired",
            Status::Cancelled => "cancelled",
        }
    }
}

/// The applicant, as sent at intake.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Applicant {
    /// Name as the applicant writes it (e.g. `山田 太郎 (Taro Yamada)`).
    pub name: String,
    /// The name on the certificate (CN), in Latin letters as the site asks for it; the name
    /// itself when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_name: Option<String>,
    /// E-mail address (matches the CSR).
    pub email: String,
    /// Organisation, if any.
    #[serde(default)]
    pub organisation: Option<String>,
}

/// The relay to the issuer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relay {
    /// Attempts so far.
    pub attempts: u32,
    /// The next attempt, when one is queued.
    pub next_attempt_at: Option<UnixTime>,
    /// The last failure's code.
    pub last_error: Option<String>,
    /// The CSR went to a webhook issuer, which will post the certificate back.
    pub awaiting_callback: bool,
}

/// One application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    /// Random id (see [`crate::ids`]).
    pub id: String,
    /// Catalog product id.
    pub product: String,
    /// The term bought, in years (see [`inkan::resolve_term`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub term_years: Option<u8>,
    /// Current state.
    pub status: Status,
    /// SHA-256 of the CSR's DER, hex: the idempotency key.
    pub fingerprint: String,
    /// SHA-256 of the CSR's SubjectPublicKeyInfo, hex: a returned certificate must carry this key.
    pub spki_sha256: String,
    /// The CSR (PEM) until the issuer has it back as a certificate.
    pub csr_pem: Option<String>,
    /// The applicant.
    pub applicant: Applicant,
    /// PHC string of the download password (server-side hash or client verifier, see
    /// [`crate::download_password`]); removed when the window closes.
    pub password_hash: Option<String>,
    /// The PEM chain (leaf first) during the window.
    pub certificate_pem: Option<String>,
    /// When received.
    pub created_at: UnixTime,
    /// When approved.
    pub approved_at: Option<UnixTime>,
    /// When issued.
    pub issued_at: Option<UnixTime>,
    /// When the window closes.
    pub window_closes_at: Option<UnixTime>,
    /// First download.
    pub downloaded_at: Option<UnixTime>,
    /// When it reached rejected, expired or cancelled.
    pub closed_at: Option<UnixTime>,
    /// Relay state.
    pub relay: Relay,
    /// The mailbox confirmation.
    #[serde(default)]
    pub mailbox: Mailbox,
    /// An undecided application expires at this moment (its personal data and CSR deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undecided_until: Option<UnixTime>,
    /// SHA-256 (hex) of the webhook issuer's per-application callback token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback_token_sha256: Option<String>,
    /// Every state change after intake, oldest first (the desk's history; intake itself is
    /// `created_at`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Change>,
    /// Why review refused it (shown to the applicant and mailed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejection: Option<Rejection>,
    /// How many sealed identity documents are stored for it (see [`crate::documents`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub documents: u8,
    /// SHA-256 (hex) of the one-time token that lets the applicant's browser send documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_token_sha256: Option<String>,
    /// When the documents are deleted (set at the decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_purge_at: Option<UnixTime>,
    /// Optimistic-concurrency version, bumped by every store write.
    pub version: i64,
}

fn is_zero(n: &u8) -> bool {
    *n == 0
}

/// One state change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// When.
    pub at: UnixTime,
    /// The state entered.
    pub status: Status,
    /// The reviewer's token label, for a decision; none for the applicant or the worker itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

/// A transition that the current state does not allow.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransitionError {
    /// `action` is not possible in state `from`.
    NotAllowed {
        /// The state.
        from: Status,
        /// What was asked.
        action: &'static str,
    },
    /// Approval needs the applicant's mailbox confirmed first.
    MailboxNotConfirmed,
}

impl core::fmt::Display for TransitionError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for TransitionError {}

impl Localized for TransitionError {
    fn code(&self) -> &'static str {
        match self {
            TransitionError::NotAllowed { .. } => "invalid_state",
            TransitionError::MailboxNotConfirmed => "mailbox_not_confirmed",
        }
    }
    fn message(&self) -> Message {
        match self {
            TransitionError::NotAllowed { from, action } => {
                texts::transition::InvalidState { status: from.as_str().into(), action: (*action).into() }.render()
            }
            TransitionError::MailboxNotConfirmed => texts::transition::MAILBOX_NOT_CONFIRMED.render(),
        }
    }
}

impl Application {
    /// Moves to `status`, recording the change.
    fn enter(&mut self, status: Status, now: UnixTime) {
        self.status = status;
        self.history.push(Change { at: now, status, by: None });
    }

    /// Names the reviewer behind the last state change (a decision).
    pub fn attribute_last_change(&mut self, by: &str) {
        if let Some(change) = self.history.last_mut() {
            change.by = Some(by.to_owned());
        }
    }

    /// The history as the desk shows it: intake, then every change.
    pub fn history_view(&self) -> serde_json::Value {
        let mut list = vec![serde_json::json!({"at": self.created_at, "status": "submitted"})];
        list.extend(
            self.history.iter().map(|c| serde_json::json!({"at": c.at, "status": c.status.as_str(), "by": c.by})),
        );
        serde_json::Value::Array(list)
    }

    fn not_allowed(&self, action: &'static str) -> TransitionError {
        TransitionError::NotAllowed { from: self.status, action }
    }

    /// Review approved it: queue the relay now.
    pub fn approve(&mut self, now: UnixTime) -> Result<(), TransitionError> {
        if self.status != Status::Submitted {
            return Err(self.not_allowed("approve"));
        }
        if !self.mailbox.confirmed() {
            return Err(TransitionError::MailboxNotConfirmed);
        }
        self.enter(Status::Approved, now);
        self.approved_at = Some(now);
        self.relay.next_attempt_at = Some(now);
        Ok(())
    }

    /// Review refused it, before issuance.
    pub fn reject(&mut self, now: UnixTime) -> Result<(), TransitionError> {
        if !matches!(self.status, Status::Submitted | Status::Approved) {
            return Err(self.not_allowed("reject"));
        }
        self.enter(Status::Rejected, now);
        self.close(now);
        Ok(())
    }

    /// Nobody decided in time: the application expires and what the applicant sent (name,
    /// address, organisation, CSR) is deleted. Returns whether anything changed.
    pub fn expire_undecided(&mut self, now: UnixTime) -> bool {
        if self.status != Status::Submitted || self.undecided_until.is_none_or(|until| now < until) {
            return false;
        }
        self.enter(Status::Expired, now);
        self.applicant = Applicant { name: String::new(), common_name: None, email: String::new(), organisation: None };
        self.mailbox = Mailbox::default();
        self.close(now);
        true
    }

    /// An administrator cancelled it.
    pub fn cancel(&mut self, now: UnixTime) -> Result<(), TransitionError> {
        if !matches!(self.status, Status::Submitted | Status::Approved | Status::Issued) {
            return Err(self.not_allowed("cancel"));
        }
        self.enter(Status::Cancelled, now);
        self.close(now);
        Ok(())
    }

    /// The issuer delivered the chain: open the window.
    pub fn issue(&mut self, chain_pem: String, now: UnixTime, closes_at: UnixTime) -> Result<(), TransitionError> {
        self.open_window(now, closes_at)?;
        self.certificate_pem = Some(chain_pem);
        self.csr_pem = None;
        Ok(())
    }

    /// The issuer signs when the applicant collects (the local CA: the seeds count the term
    /// from the download day): open the window and keep the CSR until then.
    pub fn ready_to_collect(&mut self, now: UnixTime, closes_at: UnixTime) -> Result<(), TransitionError> {
        self.open_window(now, closes_at)
    }

    /// The chain signed at collection, for an application that was ready to collect.
    pub fn collected(&mut self, chain_pem: String) {
        self.certificate_pem = Some(chain_pem);
        self.csr_pem = None;
    }

    /// The stored CSR's DER, while the application keeps one (until it is signed).
    pub fn csr_der(&self) -> Option<Vec<u8>> {
        let pem = self.csr_pem.as_deref()?;
        inkan::find_pem_blocks(pem.as_bytes()).into_iter().next().map(|block| block.der)
    }

    /// Whether the certificate is signed only when the applicant first collects it.
    pub fn signs_at_collection(&self) -> bool {
        self.status == Status::Issued && self.certificate_pem.is_none() && self.csr_pem.is_some()
    }

    fn open_window(&mut self, now: UnixTime, closes_at: UnixTime) -> Result<(), TransitionError> {
        if self.status != Status::Approved {
            return Err(self.not_allowed("issue"));
        }
        self.enter(Status::Issued, now);
        self.issued_at = Some(now);
        self.window_closes_at = Some(closes_at);
        self.relay.next_attempt_at = None;
        self.relay.awaiting_callback = false;
        self.relay.last_error = None;
        Ok(())
    }

    /// The relay failed (or the issuer asked to come back later): queue the next attempt.
    pub fn relay_failed(&mut self, now: UnixTime, code: &str, retry_in: i64) {
        self.relay.attempts = self.relay.attempts.saturating_add(1);
        self.relay.last_error = Some(code.to_owned());
        self.relay.next_attempt_at = Some(now + retry_in.max(1));
    }

    /// The CSR reached a webhook issuer, which will post the certificate back.
    pub fn relay_handed_over(&mut self) {
        self.relay.attempts = self.relay.attempts.saturating_add(1);
        self.relay.awaiting_callback = true;
        self.relay.next_attempt_at = None;
        self.relay.last_error = None;
    }

    /// Whether the window is open at `now`.
    pub fn window_open(&self, now: UnixTime) -> bool {
        matches!(self.status, Status::Issued | Status::Downloaded)
            && self.window_closes_at.is_some_and(|closes| crate::window::is_open(now, closes))
    }

    /// A successful download.
    pub fn downloaded(&mut self, now: UnixTime) -> Result<bool, TransitionError> {
        if !self.window_open(now) {
            return Err(self.not_allowed("download"));
        }
        let first = self.status == Status::Issued;
        if first {
            self.enter(Status::Downloaded, now);
            self.downloaded_at = Some(now);
        }
        Ok(first)
    }

    /// The window closed: drop the secrets; undownloaded applications expire or are cancelled.
    /// Returns whether anything changed.
    pub fn close_window(&mut self, now: UnixTime, closing: Closing) -> bool {
        let due = self.window_closes_at.is_some_and(|closes| !crate::window::is_open(now, closes));
        match self.status {
            Status::Issued if due => {
                let next = match closing {
                    Closing::Expire => Status::Expired,
                    Closing::AutoCancel => Status::Cancelled,
                };
                self.enter(next, now);
                self.close(now);
                true
            }
            Status::Downloaded if due && (self.password_hash.is_some() || self.certificate_pem.is_some()) => {
                self.password_hash = None;
                self.certificate_pem = None;
                true
            }
            _ => false,
        }
    }

    fn close(&mut self, now: UnixTime) {
        self.closed_at = Some(now);
        self.password_hash = None;
        self.certificate_pem = None;
        self.csr_pem = None;
        self.relay.next_attempt_at = None;
        self.callback_token_sha256 = None;
        self.documents_token_sha256 = None;
    }

    /// When a background pass must look at this application next (indexed by the store): its
    /// state's next event or its documents' deletion, whichever comes first.
    pub fn next_event_at(&self) -> Option<UnixTime> {
        let purge = self.documents_purge_at.filter(|_| self.documents > 0);
        match (self.status_event_at(), purge) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Whether the documents are due for deletion.
    pub fn documents_due(&self, now: UnixTime) -> bool {
        self.documents > 0 && self.documents_purge_at.is_some_and(|at| at <= now)
    }

    /// When the state's own next event is (relay retry, window end, undecided expiry).
    pub fn status_event_at(&self) -> Option<UnixTime> {
        match self.status {
            Status::Submitted => self.undecided_until,
            Status::Approved if !self.relay.awaiting_callback => self.relay.next_attempt_at,
            Status::Issued => self.window_closes_at,
            Status::Downloaded if self.password_hash.is_some() || self.certificate_pem.is_some() => {
                self.window_closes_at
            }
            _ => None,
        }
    }

    /// The name on the certificate.
    pub fn common_name(&self) -> &str {
        self.applicant.common_name.as_deref().unwrap_or(&self.applicant.name)
    }

    /// One row of the reviewer's queue.
    pub fn admin_summary(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.id,
            "status": self.status.as_str(),
            "product": self.product,
            "created_at": self.created_at,
            "applicant": {"name": self.applicant.name, "email": self.applicant.email,
                          "organisation": self.applicant.organisation},
            "mailbox_confirmed": self.mailbox.confirmed(),
        })
    }

    /// Everything a reviewer sees of one application (never the password hash or the code).
    pub fn admin_view(&self) -> serde_json::Value {
        let mut view = self.public_view();
        if let Some(map) = view.as_object_mut() {
            map.insert(
                "applicant".into(),
                serde_json::json!({"name": self.applicant.name, "common_name": self.common_name(),
                                   "email": self.applicant.email, "organisation": self.applicant.organisation}),
            );
            map.insert("csr".into(), self.csr_pem.clone().into());
            map.insert("mailbox_confirmed".into(), self.mailbox.confirmed().into());
            map.insert("history".into(), self.history_view());
            map.insert("documents".into(), self.documents.into());
            if let Some(at) = self.documents_purge_at.filter(|_| self.documents > 0) {
                map.insert("documents_purge_at".into(), at.into());
            }
            for (name, value) in [
                ("approved_at", self.approved_at),
                ("closed_at", self.closed_at),
                ("undecided_until", self.undecided_until),
            ] {
                if let Some(t) = value {
                    map.insert(name.into(), t.into());
                }
            }
        }
        view
    }

    /// What anyone holding the id may see: the state of the application and nothing personal
    /// (an id can travel in a URL, a screenshot, a host page's script), and no secrets.
    pub fn public_view(&self) -> serde_json::Value {
        let mut view = serde_json::json!({
            "id": self.id,
            "status": self.status.as_str(),
            "product": self.product,
            "term_years": self.term_years,
            "created_at": self.created_at,
            "mailbox": self.mailbox.view(),
        });
        if let Some(map) = view.as_object_mut() {
            if let Some(t) = self.issued_at {
                map.insert("issued_at".into(), t.into());
            }
            if let Some(t) = self.window_closes_at {
                map.insert("download_deadline".into(), t.into());
            }
            if let Some(t) = self.downloaded_at {
                map.insert("downloaded_at".into(), t.into());
            }
            // The public half of a client verifier: what the browser needs to derive again at
            // download. Salt and count are not secret; the stored hash never leaves.
            if let Some((salt, iterations)) =
                self.password_hash.as_deref().and_then(crate::download_password::client_kdf_params)
            {
                map.insert(
                    "download_password_kdf".into(),
                    serde_json::json!({"algorithm": "PBKDF2", "hash": "SHA-256",
                                       "salt": crate::download_password::encode_base64(&salt), "iterations": iterations}),
                );
            }
            if let (Status::Rejected, Some(rejection)) = (self.status, &self.rejection) {
                map.insert("rejection".into(), rejection_view(rejection));
            }
            if self.status == Status::Approved {
                map.insert(
                    "relay".into(),
                    serde_json::json!({
                        "state": if self.relay.awaiting_callback { "awaiting_issuer" } else { "queued" },
                        "attempts": self.relay.attempts,
                        "next_attempt_at": self.relay.next_attempt_at,
                        "last_error": self.relay.last_error,
                    }),
                );
            }
        }
        view
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn sample(id: &str) -> Application {
        Application {
            id: id.into(),
            product: "jcan-mcci".into(),
            term_years: Some(1),
            status: Status::Submitted,
            fingerprint: format!("fp-{id}"),
            spki_sha256: "00".into(),
            csr_pem: Some("-----BEGIN CERTIFICATE REQUEST-----".into()),
            applicant: Applicant {
                name: "山田 太郎".into(),
                common_name: Some("Taro Yamada".into()),
                email: "taro@example.jp".into(),
                organisation: None,
            },
            password_hash: Some("$pbkdf2-sha256$i=600000$x$y".into()),
            certificate_pem: None,
            created_at: 100,
            approved_at: None,
            issued_at: None,
            window_closes_at: None,
            downloaded_at: None,
            closed_at: None,
            relay: Relay::default(),
            mailbox: Mailbox { confirmed_at: Some(50), ..Mailbox::default() },
            undecided_until: Some(100 + 90 * 86_400),
            callback_token_sha256: None,
            history: Vec::new(),
            rejection: None,
            documents: 0,
            documents_token_sha256: None,
            documents_purge_at: None,
            version: 0,
        }
    }

    #[test]
    fn the_happy_path_ends_downloaded_and_forgets_the_secrets_at_window_end() {
        let mut app = sample("a");
        assert!(app.issue("x".into(), 1, 2).is_err(), "cannot issue before approval");
        app.approve(10).expect("approve");
        assert_eq!(app.next_event_at(), Some(10));
        app.issue("CHAIN".into(), 20, 20 + 30 * 86_400).expect("issue");
        assert_eq!(app.csr_pem, None);
        assert_eq!(app.next_event_at(), Some(20 + 30 * 86_400));
        assert_eq!(app.downloaded(30), Ok(true));
        assert_eq!(app.downloaded(40), Ok(false), "a second download is allowed in the window");
        assert_eq!(app.status, Status::Downloaded);
        assert!(!app.close_window(20 + 30 * 86_400 - 1, Closing::Expire));
        assert!(app.close_window(20 + 30 * 86_400, Closing::Expire));
        assert_eq!(
            (app.status, app.password_hash.as_deref(), app.certificate_pem.as_deref()),
            (Status::Downloaded, None, None)
        );
        assert_eq!(app.next_event_at(), None);
        assert!(app.downloaded(20 + 30 * 86_400).is_err());
    }

    #[test]
    fn undownloaded_certificates_expire_or_are_cancelled_per_product() {
        for (closing, end) in [(Closing::Expire, Status::Expired), (Closing::AutoCancel, Status::Cancelled)] {
            let mut app = sample("b");
            app.approve(0).expect("approve");
            app.issue("CHAIN".into(), 0, 100).expect("issue");
            assert!(app.close_window(100, closing));
            assert_eq!(app.status, end);
            assert_eq!(app.password_hash, None, "the hash dies with the window");
            assert_eq!(app.certificate_pem, None);
        }
    }

    #[test]
    fn rejection_and_cancellation_only_from_open_states() {
        let mut app = sample("c");
        app.reject(5).expect("reject");
        assert_eq!(app.status, Status::Rejected);
        assert_eq!(app.password_hash, None);
        assert_eq!(app.approve(6).expect_err("final").code(), "invalid_state");
        assert!(app.cancel(6).is_err());
        let mut app = sample("d");
        app.cancel(1).expect("cancel");
        assert_eq!(app.status, Status::Cancelled);
    }

    #[test]
    fn relay_failures_queue_the_next_attempt() {
        let mut app = sample("e");
        app.approve(0).expect("approve");
        app.relay_failed(0, "issuer_unavailable", 30);
        app.relay_failed(30, "issuer_unavailable", 60);
        assert_eq!(app.relay.attempts, 2);
        assert_eq!(app.next_event_at(), Some(90));
        app.relay_handed_over();
        assert_eq!(app.next_event_at(), None, "a webhook issuer answers by callback");
        let view = app.public_view();
        assert_eq!(view["relay"]["state"], "awaiting_issuer");
        assert!(view.get("password_hash").is_none());
    }

    #[test]
    fn the_public_view_holds_nothing_personal() {
        let view = sample("f").public_view().to_string();
        for personal in ["山田", "Taro", "taro@example.jp", "fp-f", "pbkdf2", "CERTIFICATE REQUEST"] {
            assert!(!view.contains(personal), "{personal} in {view}");
        }
    }

    #[test]
    fn approval_needs_a_confirmed_mailbox() {
        let mut app = sample("g");
        app.mailbox = Mailbox::default();
        assert_eq!(app.approve(1), Err(TransitionError::MailboxNotConfirmed));
        assert_eq!(TransitionError::MailboxNotConfirmed.code(), "mailbox_not_confirmed");
        app.mailbox.confirmed_at = Some(1);
        app.approve(2).expect("approve");
    }

    #[test]
    fn undecided_applications_expire_and_forget_the_applicant() {
        let mut app = sample("h");
        let until = app.undecided_until.expect("set");
        assert_eq!(app.next_event_at(), Some(until));
        assert!(!app.expire_undecided(until - 1));
        assert!(app.expire_undecided(until));
        assert_eq!(app.status, Status::Expired);
        assert_eq!((app.applicant.name.as_str(), app.applicant.email.as_str()), ("", ""));
        assert_eq!((app.csr_pem.as_deref(), app.password_hash.as_deref()), (None, None));
        assert_eq!(app.next_event_at(), None);
    }
}
