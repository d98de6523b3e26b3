//! The issuer's review desk: the reasons a reviewer can give for a rejection, the mail that
//! carries it to the applicant, the append-only audit log of decisions, and the desk page
//! itself (served at `/admin` by both runtimes, from files compiled into the worker, so the
//! Workers build serves it without a static-site binding).

use serde::{Deserialize, Serialize};

use crate::UnixTime;
use crate::mailbox::OutgoingMail;
use crate::texts;
use inkan::i18n::{Localized, Message};

/// Longest free-text note a reviewer may add to a rejection, in characters.
pub const MAX_NOTE_CHARS: usize = 1_000;

/// One reason for a rejection.
#[derive(Clone, Copy, Debug)]
pub struct Reason {
    /// Stable code (stored and in the audit log).
    pub code: &'static str,
    /// Which products it applies to.
    pub applies: Applies,
    /// Its text, addressed to the applicant (see [`Reason::message`]).
    text: fn() -> Message,
}

/// Which products a reason applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// Every product.
    All,
    /// Products whose catalog rules ask for identity documents.
    Documents,
    /// Products that require an organisation.
    Organisation,
}

/// The short list the desk offers.
pub const REASONS: &[Reason] = &[
    Reason {
        code: "documents_unreadable",
        applies: Applies::Documents,
        text: || texts::reason::DOCUMENTS_UNREADABLE.render(),
    },
    Reason {
        code: "documents_mismatch",
        applies: Applies::Documents,
        text: || texts::reason::DOCUMENTS_MISMATCH.render(),
    },
    Reason {
        code: "documents_missing",
        applies: Applies::Documents,
        text: || texts::reason::DOCUMENTS_MISSING.render(),
    },
    Reason {
        code: "organisation_unverified",
        applies: Applies::Organisation,
        text: || texts::reason::ORGANISATION_UNVERIFIED.render(),
    },
    Reason { code: "details_incorrect", applies: Applies::All, text: || texts::reason::DETAILS_INCORRECT.render() },
    Reason {
        code: "payment_not_confirmed",
        applies: Applies::All,
        text: || texts::reason::PAYMENT_NOT_CONFIRMED.render(),
    },
    Reason { code: "not_eligible", applies: Applies::All, text: || texts::reason::NOT_ELIGIBLE.render() },
    Reason { code: "other", applies: Applies::All, text: || texts::reason::OTHER.render() },
];

impl Reason {
    /// The reason's text in Japanese and English, addressed to the applicant.
    pub fn message(&self) -> Message {
        (self.text)()
    }
}

fn applies_to(reason: &Reason, product: Option<&inkan::Product>) -> bool {
    match (reason.applies, product) {
        (Applies::All, _) => true,
        (_, None) => false,
        (Applies::Documents, Some(p)) => !p.documents.is_empty() || p.upload.is_some(),
        (Applies::Organisation, Some(p)) => {
            let required = |rule: &Option<inkan::Cited<bool>>| rule.as_ref().is_some_and(|c| c.value);
            required(&p.eligibility.organisation_required) || required(&p.eligibility.corporate_profile_required)
        }
    }
}

/// The reasons the desk offers for one product, in list order.
pub fn reasons_for(product_id: &str) -> Vec<&'static Reason> {
    let product = inkan::product(product_id).ok();
    REASONS.iter().filter(|r| applies_to(r, product)).collect()
}

/// The reasons as JSON (`[{code, ja, en}]`).
pub fn reasons_view(product_id: &str) -> serde_json::Value {
    reasons_for(product_id)
        .into_iter()
        .map(|r| {
            let Message { ja, en } = r.message();
            serde_json::json!({"code": r.code, "ja": ja, "en": en})
        })
        .collect::<Vec<_>>()
        .into()
}

/// A rejection's reason: one of [`REASONS`] plus the reviewer's own words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The reason's code.
    pub reason: String,
    /// Free text from the reviewer to the applicant (may be empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A rejection as the applicant's status view shows it: the reason's text and the note.
pub fn rejection_view(rejection: &Rejection) -> serde_json::Value {
    let message = reason_message(&rejection.reason);
    serde_json::json!({
        "reason": rejection.reason,
        "message": {"ja": message.ja, "en": message.en},
        "note": rejection.note,
    })
}

/// What a reviewer may send with `POST /api/admin/applications/{id}/reject`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RejectBody {
    /// One of the product's reason codes.
    pub reason: String,
    /// Free text to the applicant.
    #[serde(default)]
    pub note: Option<String>,
}

/// A rejection the desk cannot record.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReviewError {
    /// The reason is not one of the product's.
    UnknownReason,
    /// The note is too long or holds control characters.
    BadNote,
}

impl core::fmt::Display for ReviewError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for ReviewError {}

impl Localized for ReviewError {
    fn code(&self) -> &'static str {
        match self {
            ReviewError::UnknownReason => "unknown_reason",
            ReviewError::BadNote => "invalid_note",
        }
    }
    fn message(&self) -> Message {
        match self {
            ReviewError::UnknownReason => texts::review::UNKNOWN_REASON.render(),
            ReviewError::BadNote => texts::review::InvalidNote { limit: MAX_NOTE_CHARS.into() }.render(),
        }
    }
}

/// Checks a rejection against the product's reasons.
pub fn rejection(product_id: &str, body: RejectBody) -> Result<Rejection, ReviewError> {
    if !reasons_for(product_id).iter().any(|r| r.code == body.reason) {
        return Err(ReviewError::UnknownReason);
    }
    let note = body.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
    if let Some(note) = &note
        && (note.chars().count() > MAX_NOTE_CHARS || note.chars().any(|c| c.is_control() && c != '\n'))
    {
        return Err(ReviewError::BadNote);
    }
    Ok(Rejection { reason: body.reason, note })
}

/// The text of the reason with this code, empty for a code no longer in [`REASONS`].
fn reason_message(code: &str) -> Message {
    REASONS.iter().find(|r| r.code == code).map_or_else(|| Message::new("", ""), Reason::message)
}

/// The mail that tells the applicant about a rejection and its reason.
pub fn rejection_mail(to: &str, application_id: &str, rejection: &Rejection) -> OutgoingMail {
    let reason = reason_message(&rejection.reason);
    let note = rejection.note.as_deref().map(|n| format!("\n{n}\n")).unwrap_or_default();
    let title = texts::rejection_mail::TITLE.render();
    let application = texts::rejection_mail::APPLICATION.render();
    let status_view = texts::rejection_mail::STATUS_VIEW.render();
    let text = format!(
        "Inkan: {} / {}\n\n{} / {}: {application_id}\n\n{}\n{}\n{note}\n{}\n{}\n",
        title.ja, title.en, application.ja, application.en, reason.ja, reason.en, status_view.ja, status_view.en,
    );
    OutgoingMail {
        to: to.to_owned(),
        subject: format!("Inkan: {} / {}", title.ja, title.en),
        text,
        key: format!("{application_id}:decision:rejected"),
    }
}

/// One decision in the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log (assigned by the store; 0 before it is stored).
    pub seq: i64,
    /// When.
    pub at: UnixTime,
    /// The reviewer's token label.
    pub actor: String,
    /// The application.
    pub application_id: String,
    /// `approve`, `reject`, `cancel` or `certificate` (a chain uploaded by hand).
    pub action: String,
    /// The rejection reason's code, where there is one.
    pub detail: Option<String>,
}

/// The audit log as CSV (RFC 4180, CRLF), oldest first; the time in UTC (ISO 8601).
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("seq,at_utc,actor,application_id,action,detail\r\n");
    for e in entries {
        let fields = [
            e.seq.to_string(),
            iso_utc(e.at),
            e.actor.clone(),
            e.application_id.clone(),
            e.action.clone(),
            e.detail.clone().unwrap_or_default(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// One CSV field: quoted when it holds a separator, a quote or a line break, and prefixed with
/// `'` when a spreadsheet would read it as a formula.
fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\r', '\n']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

/// `2026-12-04T01:02:03Z`.
pub fn iso_utc(at: UnixTime) -> String {
    let (days, seconds) = (at.div_euclid(crate::DAY), at.rem_euclid(crate::DAY));
    match inkan::Date::from_days_since_epoch(days) {
        Ok(date) => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            date.year(),
            date.month(),
            date.day(),
            seconds / 3_600,
            seconds % 3_600 / 60,
            seconds % 60
        ),
        Err(_) => at.to_string(),
    }
}

/// One file of the desk page.
pub struct DeskFile {
    /// MIME type.
    pub content_type: &'static str,
    /// Contents.
    pub body: &'static str,
}

/// The desk's files by URL path.
pub fn desk_file(path: &str) -> Option<DeskFile> {
    match path {
        "/admin" | "/admin/" => {
            Some(DeskFile { content_type: "text/html; charset=utf-8", body: include_str!("../../desk/index.html") })
        }
        "/admin/desk.js" => {
            Some(DeskFile { content_type: "text/javascript; charset=utf-8", body: include_str!("../../desk/desk.js") })
        }
        "/admin/desk.css" => {
            Some(DeskFile { content_type: "text/css; charset=utf-8", body: include_str!("../../desk/desk.css") })
        }
        _ => None,
    }
}

/// The desk's CSP: the site's, and never framed.
pub const DESK_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_follow_the_product() {
        assert!(!reasons_for("no-such-product").iter().any(|r| r.applies != Applies::All));
        assert!(reasons_for("no-such-product").iter().any(|r| r.code == "other"));
        for product in inkan::products() {
            let codes: Vec<_> = reasons_for(product.id).iter().map(|r| r.code).collect();
            assert!(codes.contains(&"other"), "{}", product.id);
        }
    }

    #[test]
    fn rejections_are_checked() {
        let ok = rejection("sign123", RejectBody { reason: "other".into(), note: Some("  see us  ".into()) });
        assert_eq!(ok.expect("ok").note.as_deref(), Some("see us"));
        let unknown = rejection("sign123", RejectBody { reason: "made_up".into(), note: None });
        assert_eq!(unknown.expect_err("unknown").code(), "unknown_reason");
        let long = rejection("sign123", RejectBody { reason: "other".into(), note: Some("あ".repeat(1_001)) });
        assert_eq!(long.expect_err("long").code(), "invalid_note");
        let control = rejection("sign123", RejectBody { reason: "other".into(), note: Some("a\u{7}b".into()) });
        assert_eq!(control.expect_err("control").code(), "invalid_note");
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let entry = AuditEntry {
            seq: 1,
            at: 0,
            actor: "=cmd".into(),
            application_id: "a,b".into(),
            action: "reject".into(),
            detail: Some("say \"hi\"".into()),
        };
        let csv = audit_csv(&[entry]);
        assert_eq!(
            csv,
            "seq,at_utc,actor,application_id,action,detail\r\n1,1970-01-01T00:00:00Z,'=cmd,\"a,b\",reject,\"say \"\"hi\"\"\"\r\n"
        );
    }
}
