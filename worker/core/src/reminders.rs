//! Reminders and notices, delivered as HMAC-signed webhooks to the seller's mail system.
//!
//! Each reminder is a row with a unique key `<application id>:<kind>`, written when the event
//! that schedules it happens (issuance, download, window closing) with `INSERT OR IGNORE`, so
//! scheduling twice, or again after a restart, cannot duplicate it. A pass delivers due rows
//! and marks them delivered in the same store; a failed delivery is retried with exponential
//! backoff. The receiver also gets the key as `Inkan-Delivery`, to drop the rare repeat after a
//! crash between sending and marking (delivery is at-least-once, the key makes it idempotent).
//!
//! Kinds and sources:
//! - `download_reminder_15d`, `download_reminder_29d`: MCCI's reminders 15 and 30 days after
//!   issuance (seed: 003_8c0952f4faeac254.txt), the last moved to the day before the window
//!   closes so it reaches the applicant in time; `download_reminder_29d` alone for products
//!   whose seeds name no reminders. Only sent while the certificate is undownloaded.
//! - `download_window_expired` (seed: 000_83bab2e9cbe37489.txt: no download after 30 days, fee
//!   still due) or `auto_cancelled` (seed: 003_8c0952f4faeac254.txt).
//! - Expiry notices with the catalog's kinds, e.g. `expiry_notice_3_months`,
//!   `expiry_notice_1_month`, `expiry_notice_same_day` (seed: 003_8c0952f4faeac254.txt) or
//!   `expiry_notice_4_weeks`, `expiry_notice_2_weeks` (seed: 000_83bab2e9cbe37489.txt), dated by
//!   [`inkan::plan_expiry`] from the download day and sent at 09:00 JST on their day.

use hmac::{KeyInit as _, Mac as _};
use serde::{Deserialize, Serialize};

use crate::application::Application;
use crate::window::{Closing, WindowRule};
use crate::{UnixTime, jst_date, morning_jst};

/// Where a reminder stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderState {
    /// Waiting to be sent (or retried).
    Pending,
    /// Sent and acknowledged with a 2xx.
    Delivered,
    /// Not sent: no longer relevant (e.g. downloaded before a download reminder) or no
    /// receiver is configured.
    Skipped,
}

impl ReminderState {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderState::Pending => "pending",
            ReminderState::Delivered => "delivered",
            ReminderState::Skipped => "skipped",
        }
    }

    /// Parses a stable name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(ReminderState::Pending),
            "delivered" => Some(ReminderState::Delivered),
            "skipped" => Some(ReminderState::Skipped),
            _ => None,
        }
    }
}

/// One scheduled reminder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// `<application id>:<kind>`, unique.
    pub key: String,
    /// The application.
    pub application_id: String,
    /// Stable kind.
    pub kind: String,
    /// When it is due.
    pub due_at: UnixTime,
    /// State.
    pub state: ReminderState,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// The next attempt.
    pub next_attempt_at: UnixTime,
    /// When delivered.
    pub delivered_at: Option<UnixTime>,
    /// The last failure, if any (a status code or "unreachable").
    pub last_error: Option<String>,
}

impl Reminder {
    /// A pending reminder.
    pub fn new(application_id: &str, kind: &str, due_at: UnixTime) -> Self {
        Reminder {
            key: format!("{application_id}:{kind}"),
            application_id: application_id.to_owned(),
            kind: kind.to_owned(),
            due_at,
            state: ReminderState::Pending,
            attempts: 0,
            next_attempt_at: due_at,
            delivered_at: None,
            last_error: None,
        }
    }

    /// Whether this is a reminder to download (only meaningful while undownloaded).
    pub fn is_download_reminder(&self) -> bool {
        self.kind.starts_with("download_reminder_")
    }

    /// The admin listing's view.
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "key": self.key, "application_id": self.application_id, "kind": self.kind,
            "due_at": self.due_at, "state": self.state.as_str(), "attempts": self.attempts,
            "next_attempt_at": self.next_attempt_at, "delivered_at": self.delivered_at,
            "last_error": self.last_error,
        })
    }
}

/// The download reminders to schedule at issuance.
pub fn at_issuance(app: &Application, issued_at: UnixTime, rule: &WindowRule) -> Vec<Reminder> {
    crate::window::reminder_times(issued_at, rule)
        .into_iter()
        .map(|(days, due)| Reminder::new(&app.id, &format!("download_reminder_{days}d"), due))
        .collect()
}

/// The notice that the window closed without a download.
pub fn at_window_close(app: &Application, now: UnixTime, closing: Closing) -> Reminder {
    let kind = match closing {
        Closing::Expire => "download_window_expired",
        Closing::AutoCancel => "auto_cancelled",
    };
    Reminder::new(&app.id, kind, now)
}

/// The expiry notices to schedule at the first download: dated from the download day under the
/// product's validity rule (the certificate's life counts from the download day in the seeds).
pub fn at_download(app: &Application, downloaded_at: UnixTime) -> Vec<Reminder> {
    let (Ok(day), Some(issued)) = (jst_date(downloaded_at), app.issued_at) else { return Vec::new() };
    let issued_day = jst_date(issued).ok();
    let Ok(plan) = inkan::plan_expiry(&app.product, day, app.term_years, issued_day) else { return Vec::new() };
    plan.notices
        .iter()
        .map(|notice| Reminder::new(&app.id, notice.kind, morning_jst(notice.date)))
        .filter(|r| r.due_at > downloaded_at)
        .collect()
}

/// The JSON body of a reminder webhook. It carries the applicant's address because the
/// receiver mails the applicant; the worker's logs never do.
pub fn payload(reminder: &Reminder, app: &Application) -> serde_json::Value {
    serde_json::json!({
        "type": "reminder",
        "key": reminder.key,
        "kind": reminder.kind,
        "application_id": app.id,
        "product": app.product,
        "status": app.status.as_str(),
        "due_at": reminder.due_at,
        "download_deadline": app.window_closes_at,
        "applicant": {"name": app.applicant.name, "email": app.applicant.email},
    })
}

/// The signature header value: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<unix>." + body)>`.
/// Binding the timestamp lets a receiver refuse replays of old deliveries.
pub fn signature(secret: &[u8], timestamp: UnixTime, body: &[u8]) -> String {
    let mut mac = match hmac::Hmac::<sha2::Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm is unreachable.
        Err(_) => return String::new(),
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let tag = mac.finalize().into_bytes();
    format!("t={timestamp},v1={}", crate::hex::hex(&tag))
}

/// Backoff for delivery retries: 60 s doubling, at most 6 h.
pub fn retry_in(attempts: u32) -> i64 {
    (60i64 << attempts.min(12).saturating_sub(1)).min(6 * 3_600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::tests::sample;
    use inkan::product;

    #[test]
    fn mcci_reminders_at_15_and_30_days_with_unique_keys() {
        // seed: 003_8c0952f4faeac254.txt
        let app = sample("abc");
        let rule = crate::window::rule_for(product("jcan-mcci").expect("catalog"), 30);
        let list = at_issuance(&app, 1_000, &rule);
        let kinds: Vec<_> = list.iter().map(|r| (r.key.as_str(), r.due_at)).collect();
        assert_eq!(
            kinds,
            [("abc:download_reminder_15d", 1_000 + 15 * 86_400), ("abc:download_reminder_29d", 1_000 + 29 * 86_400)]
        );
        assert_eq!(at_window_close(&app, 5, Closing::AutoCancel).key, "abc:auto_cancelled");
    }

    #[test]
    fn mcci_expiry_notices_follow_the_catalog() {
        // seed: 003_8c0952f4faeac254.txt: 3 months, 1 month and the day itself.
        let mut app = sample("abc");
        // 2025-04-01 00:00 UTC = 09:00 JST.
        let downloaded = 1_743_465_600;
        app.issued_at = Some(downloaded - 86_400);
        let list = at_download(&app, downloaded);
        let kinds: Vec<_> = list.iter().map(|r| r.kind.as_str()).collect();
        assert_eq!(kinds, ["expiry_notice_3_months", "expiry_notice_1_month", "expiry_notice_same_day"]);
        assert!(list.iter().all(|r| r.due_at % 86_400 == 0), "09:00 JST");
    }

    #[test]
    fn signatures_bind_the_timestamp_and_the_body() {
        // RFC 4231 test case 2 key/data shape, checked against the HMAC with our framing.
        let a = signature(b"secret", 1, b"{}");
        assert!(a.starts_with("t=1,v1="));
        assert_eq!(a.len(), "t=1,v1=".len() + 64);
        assert_ne!(a, signature(b"secret", 2, b"{}"));
        assert_ne!(a, signature(b"secret", 1, b"{ }"));
        assert_eq!(retry_in(1), 60);
        assert_eq!(retry_in(3), 240);
        assert_eq!(retry_in(30), 6 * 3_600);
    }
}
