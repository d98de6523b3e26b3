//! When a certificate expires, when the seller will remind you, when to re-apply, and by when
//! an issued certificate must be downloaded; plus an iCalendar export of those dates.
//!
//! Conventions (each tested below):
//!
//! - **Same day** (1-2-3, seed: 000_83bab2e9cbe37489.txt; NJC, seed: 004_d25a5a965b92ed0f.txt):
//!   the expiry date is the same month and day N years after the download (NJC: "取得した日")
//!   day. When that day does not exist (a 29 February download into a common year) it is the
//!   last day of that month, 28 February.
//! - **Quarter end after** (JCAN, seed: 000_83bab2e9cbe37489.txt: "1年 (または 2年) を超えた
//!   四半期末"): take the anniversary A (same rule as above); the expiry date is the first
//!   quarter end (31 Mar, 30 Jun, 30 Sep, 31 Dec) *strictly after* A. "超えた" means
//!   "exceeding": a period ending on A itself would be exactly N years, not more, so an
//!   anniversary that falls on a quarter end moves to the next one (download 2025-03-31, one
//!   year: 2026-06-30; download 2025-03-30: 2026-03-31). Under this reading the certificate
//!   always lives longer than N years, which is what the seller's advice to re-apply without
//!   waste relies on.
//! - **Days** (iPROVE, seed: 001_d4e7ca17d72183de.txt: "396日"): the expiry date is the download
//!   day plus 396 days. The download day is day 0, not day 1: an X.509 validity period runs
//!   from the moment of issue, so 396 × 24 hours from a moment on the download day end on the
//!   day 396 days later, just as "1 year" of a 1-2-3 certificate ends on the anniversary day.
//! - **Notices** are the seller's own mails, dated backwards from the expiry date: weeks are 7
//!   days; months use the last-day rule (3 months before 30 June is 30 March, before 31 May
//!   is 28/29 February); "same day" is the expiry date.
//! - **Re-application window**: the seller's advice when there is some (1-2-3 and JCAN via
//!   123sign: 4 to 2 weeks before expiry, seed: 000_83bab2e9cbe37489.txt, `reapply_basis` =
//!   `seller_advice`). Without advice but with advance notices (MCCI,
//!   seed: 003_8c0952f4faeac254.txt) the window runs from the first to the last advance notice
//!   (3 months to 1 month before), because MCCI's review alone takes more than a week
//!   (`notice_schedule`). With neither (iPROVE, NJC) both dates are `null` and the basis is
//!   `none_in_seeds`: the seeds give nothing to base a date on.
//! - **Download window** (seed: 000_83bab2e9cbe37489.txt, 003_8c0952f4faeac254.txt): the
//!   deadline is the issue day plus 30 days (the issue day, or the day of the issuance mail,
//!   is day 0); MCCI reminders are issue + 15 and issue + 30 days, after which MCCI cancels
//!   automatically (`auto_cancel` = true). 123sign does not cancel but the certificate can no
//!   longer be downloaded and the fee is still due (`auto_cancel` = false).
//!   A download after the deadline is `download_window_closed`, whose text states the
//!   seller's consequence (123sign: no download, the fee is still charged — 後払い, so the
//!   invoice still comes; MCCI: cancelled). Inkan's own reminders
//!   ([`download_reminder_days`]) all fall strictly before the deadline day: the seller's
//!   "30日経過" mail is dated on the last day itself, too late to act on.
//! - **Term**: `years = None` picks the shortest term offered; a term not offered is
//!   `unsupported_term`. iPROVE offers no choice in years, so any `years` is rejected.
//! - **Certificate times**: a certificate downloaded on day D is valid until 23:59:59 Japan
//!   time on its expiry day ([`not_after_unix`]).
//! - **Readings** the plan states ([`Reading`]): a JCAN anniversary on a quarter end (the
//!   other reading would end on the anniversary itself), and MCCI's "3ヶ月前 / 1ヶ月前" before
//!   a month-end expiry: Inkan reads "N months before" as the same day number N months earlier
//!   (the last day of a shorter month), so 3 months before 30 June is 30 March; the other
//!   reading, month end to month end, would give 31 March. Both are stated with the other date.
//! - **No waste**: re-applying early wastes the rest of the current certificate, since the new
//!   one counts from its own download day; for JCAN a download anywhere in the current
//!   certificate's final quarter ends on the same quarter end N years on, so nothing is wasted
//!   from the quarter's first day (`no_waste_from`).

use std::fmt;

use serde::Serialize;

use crate::catalog::{self, AfterDeadline, CatalogError, OffsetUnit, Product, Source, Validity};
use crate::date::{Date, DateError};
use crate::texts;
use inkan_i18n::{Arg, Localized, Message};

/// One dated notice the seller sends before expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The day the notice is due.
    pub date: Date,
    /// Stable kind, e.g. `expiry_notice_4_weeks`, `expiry_notice_3_months`,
    /// `expiry_notice_same_day`.
    pub kind: &'static str,
}

/// What the re-application window was derived from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReapplyBasis {
    /// The seller's explicit advice.
    SellerAdvice,
    /// The seller's advance notices (first to last).
    NoticeSchedule,
    /// The seeds give nothing; the dates are absent.
    NoneInSeeds,
}

/// A reading of ambiguous seed text that decided a date, stated with the date the other
/// reading would give.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// Stable code: `jcan_quarter_end_strictly_after` or `months_before_same_day_number`.
    pub code: &'static str,
    /// Inkan's reading and the other one, in words.
    pub message: Message,
    /// The dates the other reading would give.
    pub alternative_dates: Vec<Date>,
    /// The seed files whose wording is read.
    #[serde(skip)]
    pub seed: &'static [&'static str],
}

/// The dates around one certificate's life.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpiryPlan {
    /// Product id.
    pub product: &'static str,
    /// The last day of validity.
    pub expires: Date,
    /// The seller's notices, by date.
    pub notices: Vec<Notice>,
    /// Earliest sensible day to apply for the next certificate.
    pub reapply_from: Option<Date>,
    /// Latest sensible day to apply for the next certificate.
    pub reapply_until: Option<Date>,
    /// Last day the issued certificate can be downloaded, when `issued` was given and the
    /// seller has a window.
    pub download_deadline: Option<Date>,
    /// Days the seller re-sends the download mail.
    pub download_reminders: Vec<Date>,
    /// Whether the seller cancels automatically after the deadline (`None`: unknown or no
    /// issue day given).
    pub auto_cancel: Option<bool>,
    /// What the re-application window is based on.
    pub reapply_basis: ReapplyBasis,
    /// The term used, in years (`None` for a term counted in days).
    pub term_years: Option<u8>,
    /// The download day the plan starts from.
    pub downloaded: Date,
    /// The issue day given, if any.
    pub issued: Option<Date>,
    /// The seed files the plan's rules come from (for tools; applicants see `sources`).
    pub seeds: Vec<&'static str>,
    /// Readings of ambiguous seed text that decided a date in this plan.
    pub readings: Vec<Reading>,
    /// For JCAN: from this day on, re-applying wastes nothing (the new certificate ends on the
    /// same quarter end whatever day of the final quarter it is downloaded).
    pub no_waste_from: Option<Date>,
    /// The sellers' pages the rules come from, by title.
    pub sources: Vec<&'static Source>,
}

/// Errors of expiry planning.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExpiryError {
    /// The product id is not in the catalog.
    Catalog(CatalogError),
    /// The product is not sold with this term.
    UnsupportedTerm {
        /// Product id.
        product: String,
        /// The term asked for.
        years: u8,
        /// The terms offered, in years (empty when the term is fixed in days).
        offered: Vec<u8>,
    },
    /// The download day is before the issue day.
    DownloadBeforeIssuance {
        /// Download day given.
        downloaded: Date,
        /// Issue day given.
        issued: Date,
    },
    /// A computed date fell outside the supported range.
    Date(DateError),
    /// The timestamp for the calendar is not `YYYYMMDDTHHMMSSZ`.
    InvalidTimestamp {
        /// The text given.
        text: String,
    },
    /// The download day is after the last day of the download window.
    DownloadWindowClosed {
        /// Product id.
        product: String,
        /// Days in the window.
        days: u16,
        /// The last day a download was possible.
        deadline: Date,
        /// The download day given.
        downloaded: Date,
        /// What the seller does after the deadline.
        after_deadline: AfterDeadline,
    },
}

impl fmt::Display for ExpiryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

fn list_years(offered: &[u8]) -> String {
    offered.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
}

impl std::error::Error for ExpiryError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExpiryError::Catalog(inner) => Some(inner),
            ExpiryError::Date(inner) => Some(inner),
            _ => None,
        }
    }
}

impl Localized for ExpiryError {
    fn code(&self) -> &'static str {
        match self {
            ExpiryError::Catalog(inner) => inner.code(),
            ExpiryError::UnsupportedTerm { .. } => "unsupported_term",
            ExpiryError::DownloadBeforeIssuance { .. } => "download_before_issuance",
            ExpiryError::Date(inner) => inner.code(),
            ExpiryError::InvalidTimestamp { .. } => "invalid_timestamp",
            ExpiryError::DownloadWindowClosed { .. } => DOWNLOAD_WINDOW_CLOSED,
        }
    }

    fn message(&self) -> Message {
        match self {
            ExpiryError::Catalog(inner) => inner.message(),
            ExpiryError::Date(inner) => inner.message(),
            ExpiryError::UnsupportedTerm { product, years, offered } if offered.is_empty() => {
                texts::expiry::UnsupportedTermFixed { product: product.into(), years: years.into() }.render()
            }
            ExpiryError::UnsupportedTerm { product, years, offered } => texts::expiry::UnsupportedTerm {
                product: product.into(),
                years: years.into(),
                offered: list_years(offered).into(),
            }
            .render(),
            ExpiryError::DownloadBeforeIssuance { downloaded, issued } => texts::expiry::DownloadBeforeIssuance {
                downloaded: downloaded.to_string().into(),
                issued: issued.to_string().into(),
            }
            .render(),
            ExpiryError::InvalidTimestamp { text } => texts::expiry::InvalidTimestamp { text: text.into() }.render(),
            ExpiryError::DownloadWindowClosed { product, days, deadline, downloaded, after_deadline } => {
                let consequence = match after_deadline {
                    AfterDeadline::NotDownloadableFeeCharged => texts::after_deadline::NOT_DOWNLOADABLE_FEE_CHARGED,
                    AfterDeadline::AutoCancelled => texts::after_deadline::AUTO_CANCELLED,
                };
                texts::expiry::DownloadWindowClosed {
                    product: product.into(),
                    deadline: deadline.to_string().into(),
                    days: days.into(),
                    downloaded: downloaded.to_string().into(),
                    consequence: Arg::Texts(consequence),
                }
                .render()
            }
        }
    }
}

impl From<DateError> for ExpiryError {
    fn from(inner: DateError) -> Self {
        ExpiryError::Date(inner)
    }
}

impl From<CatalogError> for ExpiryError {
    fn from(inner: CatalogError) -> Self {
        ExpiryError::Catalog(inner)
    }
}

/// The stable code of a download after the window closed (also the worker's API error code).
pub const DOWNLOAD_WINDOW_CLOSED: &str = "download_window_closed";

/// Japan Standard Time is UTC+9 all year.
const JST_OFFSET_SECONDS: i64 = 9 * 3600;

/// The term a product is bought for: `None` gives the shortest term offered (`None` again for a
/// validity counted in days); a term not offered is `unsupported_term`. For intake.
pub fn resolve_term(product: &Product, years: Option<u8>) -> Result<Option<u8>, ExpiryError> {
    let offered = product.validity.value.terms_years();
    match (years, offered.first()) {
        (Some(y), _) if offered.contains(&y) => Ok(Some(y)),
        (Some(y), _) => {
            Err(ExpiryError::UnsupportedTerm { product: product.id.to_owned(), years: y, offered: offered.to_vec() })
        }
        (None, first) => Ok(first.copied()),
    }
}

/// The certificate's `notAfter` as Unix seconds: 23:59:59 Japan time on the expiry day of a
/// certificate of `product` for `years` (see [`resolve_term`]) downloaded on `downloaded`.
pub fn not_after_unix(product: &Product, downloaded: Date, years: Option<u8>) -> Result<i64, ExpiryError> {
    let (expires, _) = expiry_date(product, downloaded, years)?;
    Ok((expires.days_since_epoch() + 1) * 86_400 - JST_OFFSET_SECONDS - 1)
}

/// The last day a certificate issued (or announced) on `issued` can be downloaded, when the
/// seller has a download window.
pub fn download_deadline(product: &Product, issued: Date) -> Result<Option<Date>, ExpiryError> {
    match product.download {
        Some(window) => Ok(Some(issued.add_days(i64::from(window.value.days))?)),
        None => Ok(None),
    }
}

/// `Err(download_window_closed)` when `downloaded` is after the product's download deadline
/// for a certificate issued on `issued`; the error's text states the seller's consequence.
pub fn check_download(product: &Product, issued: Date, downloaded: Date) -> Result<(), ExpiryError> {
    let (Some(window), Some(deadline)) = (product.download, download_deadline(product, issued)?) else {
        return Ok(());
    };
    if downloaded > deadline {
        return Err(ExpiryError::DownloadWindowClosed {
            product: product.id.to_owned(),
            days: window.value.days,
            deadline,
            downloaded,
            after_deadline: window.value.after_deadline,
        });
    }
    Ok(())
}

/// The days after issuance on which Inkan reminds the applicant to download: the seller's
/// reminder days (seed: 003_8c0952f4faeac254.txt: 15 and 30 days), each moved to fall strictly
/// before the deadline day, and at least one on the day before the deadline, so the last
/// reminder always leaves time to act. Empty without a download window.
pub fn download_reminder_days(product: &Product) -> Vec<u16> {
    let Some(window) = product.download else { return Vec::new() };
    let last = window.value.days.saturating_sub(1).max(1);
    let mut days: Vec<u16> = window.value.reminders_after_days.iter().map(|d| (*d).min(last)).collect();
    days.push(last);
    days.sort_unstable();
    days.dedup();
    days
}

fn before(expires: Date, amount: u8, unit: OffsetUnit) -> Result<Date, DateError> {
    match unit {
        OffsetUnit::Days => expires.add_days(-i64::from(amount)),
        OffsetUnit::Weeks => expires.add_days(-7 * i64::from(amount)),
        OffsetUnit::Months => expires.add_months(-i32::from(amount)),
    }
}

/// The expiry date of a certificate downloaded on `downloaded`, under the product's rule.
/// Returns the date and the term in years (`None` for day-counted validity).
pub fn expiry_date(product: &Product, downloaded: Date, years: Option<u8>) -> Result<(Date, Option<u8>), ExpiryError> {
    let validity = product.validity.value;
    let offered = validity.terms_years();
    let unsupported =
        |years: u8| ExpiryError::UnsupportedTerm { product: product.id.to_owned(), years, offered: offered.to_vec() };
    match validity {
        Validity::Days { days } => match years {
            Some(years) => Err(unsupported(years)),
            None => Ok((downloaded.add_days(i64::from(days))?, None)),
        },
        Validity::SameDay { .. } | Validity::QuarterEndAfter { .. } => {
            let term = match years {
                Some(years) if offered.contains(&years) => years,
                Some(years) => return Err(unsupported(years)),
                None => offered.first().copied().ok_or_else(|| unsupported(0))?,
            };
            let anniversary = downloaded.add_years(i32::from(term))?;
            let expires = if matches!(validity, Validity::QuarterEndAfter { .. }) {
                // "超えた": strictly after the anniversary (see the module doc).
                if anniversary.is_quarter_end() {
                    anniversary.add_days(1)?.quarter_end()
                } else {
                    anniversary.quarter_end()
                }
            } else {
                anniversary
            };
            Ok((expires, Some(term)))
        }
    }
}

/// The plan for a certificate of `product_id` downloaded on `downloaded`, for a term of
/// `years` (`None`: the shortest offered), and, when `issued` is given, its download window.
/// See the module documentation for the conventions.
pub fn plan(
    product_id: &str,
    downloaded: Date,
    years: Option<u8>,
    issued: Option<Date>,
) -> Result<ExpiryPlan, ExpiryError> {
    let product = catalog::product(product_id)?;
    if let Some(issued) = issued
        && downloaded < issued
    {
        return Err(ExpiryError::DownloadBeforeIssuance { downloaded, issued });
    }
    if let Some(issued) = issued {
        check_download(product, issued, downloaded)?;
    }
    let (expires, term_years) = expiry_date(product, downloaded, years)?;
    let mut seeds: Vec<&'static str> = product.validity.seed.to_vec();
    let mut readings = Vec::new();
    let mut no_waste_from = None;
    if let (Validity::QuarterEndAfter { .. }, Some(term)) = (product.validity.value, term_years) {
        let anniversary = downloaded.add_years(i32::from(term))?;
        if anniversary.is_quarter_end() {
            readings.push(Reading {
                code: "jcan_quarter_end_strictly_after",
                message: texts::reading::JcanQuarterEndStrictlyAfter {
                    term: term.into(),
                    anniversary: anniversary.to_string().into(),
                    expires: expires.to_string().into(),
                }
                .render(),
                alternative_dates: vec![anniversary],
                seed: product.validity.seed,
            });
        }
        // The first day of the expiry's quarter.
        no_waste_from = Some(Date::new(expires.year(), expires.month() - 2, 1)?);
    }

    let mut notices = Vec::new();
    if let Some(schedule) = product.expiry_notices {
        for offset in schedule.value {
            notices.push(Notice { date: before(expires, offset.before, offset.unit)?, kind: offset.kind });
        }
        seeds.extend(schedule.seed);
    }
    notices.sort_by_key(|n| n.date);
    if let Some(schedule) = product.expiry_notices
        && expires.is_month_end()
    {
        let mut alternatives = Vec::new();
        for offset in schedule.value.iter().filter(|o| o.unit == OffsetUnit::Months && o.before > 0) {
            let same_number = before(expires, offset.before, offset.unit)?;
            let month_end = same_number.add_days(i64::from(
                crate::date::days_in_month(same_number.year(), same_number.month()) - same_number.day(),
            ))?;
            if month_end != same_number {
                alternatives.push(month_end);
            }
        }
        if !alternatives.is_empty() {
            let dates: Vec<Message> = alternatives.iter().map(|d| Message::new(d.to_string(), d.to_string())).collect();
            let list = texts::separator::DATES.join(&dates);
            readings.push(Reading {
                code: "months_before_same_day_number",
                message: texts::reading::MonthsBeforeSameDayNumber {
                    expires: expires.to_string().into(),
                    list: list.into(),
                }
                .render(),
                alternative_dates: alternatives,
                seed: schedule.seed,
            });
        }
    }

    let advance: Vec<Date> = notices.iter().map(|n| n.date).filter(|date| *date < expires).collect();
    let (reapply_from, reapply_until, reapply_basis) = match (product.reapply, advance.first(), advance.last()) {
        (Some(window), _, _) => {
            seeds.extend(window.seed);
            let w = window.value;
            (
                Some(before(expires, w.from_before, w.unit)?),
                Some(before(expires, w.until_before, w.unit)?),
                ReapplyBasis::SellerAdvice,
            )
        }
        (None, Some(first), Some(last)) => (Some(*first), Some(*last), ReapplyBasis::NoticeSchedule),
        _ => (None, None, ReapplyBasis::NoneInSeeds),
    };

    let (mut download_deadline, mut download_reminders, mut auto_cancel) = (None, Vec::new(), None);
    if let (Some(issued), Some(window)) = (issued, product.download) {
        let w = window.value;
        download_deadline = Some(issued.add_days(i64::from(w.days))?);
        for days in w.reminders_after_days {
            download_reminders.push(issued.add_days(i64::from(*days))?);
        }
        auto_cancel = Some(w.after_deadline == AfterDeadline::AutoCancelled);
        seeds.extend(window.seed);
    }
    seeds.sort_unstable();
    seeds.dedup();

    Ok(ExpiryPlan {
        product: product.id,
        expires,
        notices,
        reapply_from,
        reapply_until,
        download_deadline,
        download_reminders,
        auto_cancel,
        reapply_basis,
        term_years,
        downloaded,
        issued,
        sources: catalog::sources(&seeds),
        seeds,
        readings,
        no_waste_from,
    })
}

// ---------------------------------------------------------------------------------------
// iCalendar (RFC 5545) export.

/// One calendar entry derived from a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CalendarEvent {
    /// The day.
    pub date: Date,
    /// Stable kind: a notice kind, `expires`, `download_reminder` or `download_deadline`.
    pub kind: &'static str,
    /// Title in Japanese and English.
    pub summary: Message,
}

/// "4 weeks before" from the notice kind `expiry_notice_4_weeks` (build.rs checks the kinds).
fn notice_phrase(kind: &str) -> Message {
    let rest = kind.strip_prefix("expiry_notice_").unwrap_or(kind);
    let mut parts = rest.splitn(2, '_');
    let (amount, unit) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let unit = match unit {
        "week" => texts::unit::WEEK.render(),
        "weeks" => texts::unit::WEEKS.render(),
        "month" => texts::unit::MONTH.render(),
        "months" => texts::unit::MONTHS.render(),
        "day" => texts::unit::DAY.render(),
        "days" => texts::unit::DAYS.render(),
        // Not a kind build.rs lets through: the code as it is, in English only.
        _ => Message::new("", unit),
    };
    texts::calendar::Before { amount: amount.into(), unit: unit.into() }.render()
}

/// The calendar entries of a plan: every notice, the expiry day itself when no notice falls
/// on it, the download reminders and the download deadline; sorted by date.
pub fn calendar_events(plan: &ExpiryPlan, product: &Product) -> Vec<CalendarEvent> {
    let name = || -> Arg<'static> { product.name.value.message().into() };
    let expires = plan.expires;
    let mut events = Vec::new();
    for notice in &plan.notices {
        let on = expires.to_string().into();
        let summary = if notice.kind == "expiry_notice_same_day" {
            texts::calendar::ExpiresTodayNotice { product: name(), expires: on }.render()
        } else {
            texts::calendar::Notice { product: name(), expires: on, before: notice_phrase(notice.kind).into() }.render()
        };
        events.push(CalendarEvent { date: notice.date, kind: notice.kind, summary });
    }
    if !plan.notices.iter().any(|n| n.date == expires) {
        events.push(CalendarEvent {
            date: expires,
            kind: "expires",
            summary: texts::calendar::ExpiresToday { product: name() }.render(),
        });
    }
    for (index, date) in plan.download_reminders.iter().enumerate() {
        events.push(CalendarEvent {
            date: *date,
            kind: "download_reminder",
            summary: texts::calendar::DownloadReminder { product: name(), count: (index + 1).into() }.render(),
        });
    }
    if let Some(deadline) = plan.download_deadline {
        events.push(CalendarEvent {
            date: deadline,
            kind: "download_deadline",
            summary: texts::calendar::DownloadDeadline { product: name() }.render(),
        });
    }
    events.sort_by_key(|e| e.date);
    events
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends one content line, folded so that no physical line exceeds 75 octets (§3.1),
/// never splitting a UTF-8 character, and ends it with CRLF.
fn push_line(out: &mut String, line: &str) {
    const LIMIT: usize = 75;
    let mut used = 0;
    for c in line.chars() {
        let width = c.len_utf8();
        if used + width > LIMIT {
            out.push_str("\r\n ");
            // The leading space of a continuation line counts towards its 75 octets.
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out.push_str("\r\n");
}

fn is_utc_stamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let shape = bytes.len() == 16
        && bytes.get(8) == Some(&b'T')
        && bytes.get(15) == Some(&b'Z')
        && bytes.iter().enumerate().all(|(i, b)| i == 8 || i == 15 || b.is_ascii_digit());
    if !shape {
        return false;
    }
    let part = |range: std::ops::Range<usize>| text.get(range).unwrap_or("");
    let number = |range: std::ops::Range<usize>| part(range).parse::<u8>().unwrap_or(u8::MAX);
    Date::parse(&format!("{}-{}-{}", part(0..4), part(4..6), part(6..8))).is_ok()
        && number(9..11) <= 23
        && number(11..13) <= 59
        // 60 allows a leap second.
        && number(13..15) <= 60
}

fn uid_part(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .take(64)
        .map(|c| if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') { c } else { '-' })
        .collect();
    if cleaned.is_empty() { "default".to_owned() } else { cleaned }
}

/// The plan as an iCalendar file: one all-day VEVENT per [`calendar_events`] entry, each with
/// a display alarm at 09:00 on the day. `now_utc_stamp` (`YYYYMMDDTHHMMSSZ`) becomes DTSTAMP;
/// UIDs are built from the product, the event kind and date, and `uid_seed` (for example a
/// certificate fingerprint), so re-importing an updated file replaces rather than duplicates.
pub fn to_ics(
    plan: &ExpiryPlan,
    product: &Product,
    now_utc_stamp: &str,
    uid_seed: &str,
) -> Result<String, ExpiryError> {
    if !is_utc_stamp(now_utc_stamp) {
        return Err(ExpiryError::InvalidTimestamp { text: now_utc_stamp.chars().take(40).collect() });
    }
    let seed = uid_part(uid_seed);
    let name = product.name.value;
    let mut out = String::new();
    push_line(&mut out, "BEGIN:VCALENDAR");
    push_line(&mut out, "VERSION:2.0");
    push_line(&mut out, "PRODID:-//Inkan//Certificate expiry plan//JA");
    push_line(&mut out, "CALSCALE:GREGORIAN");
    push_line(&mut out, "METHOD:PUBLISH");
    push_line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(&format!("{} / {}", name.ja, name.en))));
    // The file is read in either language: every text in it is both, Japanese first.
    let both = |m: &Message| format!("{} / {}", m.ja, m.en);
    let titles: Vec<Message> = plan.sources.iter().map(|s| s.title.message()).collect();
    let sources = texts::separator::ITEMS.join(&titles);
    let term = plan
        .term_years
        .map(|n| format!("({})", both(&texts::calendar::Term { years: n.into() }.render())))
        .unwrap_or_default();
    let readings: String = plan.readings.iter().map(|r| format!("\n{}\n{}", r.message.ja, r.message.en)).collect();
    let (expires_label, source_label) =
        (both(&texts::calendar::EXPIRES.render()), both(&texts::calendar::SOURCE.render()));
    for event in calendar_events(plan, product) {
        let summary = both(&event.summary);
        let description = format!(
            "{}\n{}\n{expires_label}: {}{term}{readings}\n{source_label}: {}\n{}",
            name.ja, name.en, plan.expires, sources.ja, sources.en
        );
        let end = event.date.add_days(1)?;
        push_line(&mut out, "BEGIN:VEVENT");
        push_line(
            &mut out,
            &format!("UID:{}-{}-{}-{}@inkan", plan.product, event.kind, event.date.to_basic_string(), seed),
        );
        push_line(&mut out, &format!("DTSTAMP:{now_utc_stamp}"));
        push_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", event.date.to_basic_string()));
        push_line(&mut out, &format!("DTEND;VALUE=DATE:{}", end.to_basic_string()));
        push_line(&mut out, &format!("SUMMARY:{}", escape_text(&summary)));
        push_line(&mut out, &format!("DESCRIPTION:{}", escape_text(&description)));
        push_line(&mut out, &format!("X-INKAN-KIND:{}", event.kind));
        push_line(&mut out, "TRANSP:TRANSPARENT");
        push_line(&mut out, "BEGIN:VALARM");
        push_line(&mut out, "ACTION:DISPLAY");
        push_line(&mut out, &format!("DESCRIPTION:{}", escape_text(&summary)));
        push_line(&mut out, "TRIGGER;RELATED=START:PT9H");
        push_line(&mut out, "END:VALARM");
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("valid in test")
    }

    fn expires(id: &str, downloaded: &str, years: Option<u8>) -> Date {
        plan(id, d(downloaded), years, None).expect("valid in test").expires
    }

    // seed: 000_83bab2e9cbe37489.txt ("ちょうど 1年 (または 2年) 後の同日").
    #[test]
    fn sign123_same_day_one_or_two_years() {
        assert_eq!(expires("sign123", "2025-06-15", None), d("2026-06-15"));
        assert_eq!(expires("sign123", "2025-06-15", Some(2)), d("2027-06-15"));
        assert_eq!(expires("sign123", "2025-12-31", Some(1)), d("2026-12-31"));
        assert_eq!(expires("sign123", "2025-01-31", Some(1)), d("2026-01-31"));
    }

    // seed: 000_83bab2e9cbe37489.txt; 29 Feb into a common year gives 28 Feb.
    #[test]
    fn leap_day_download() {
        assert_eq!(expires("sign123", "2024-02-29", Some(1)), d("2025-02-28"));
        assert_eq!(expires("sign123", "2024-02-29", Some(2)), d("2026-02-28"));
        assert_eq!(expires("sign123", "2023-02-28", Some(1)), d("2024-02-28"));
        // seed: 004_d25a5a965b92ed0f.txt (Class2 Standard: 2 years from the day obtained).
        assert_eq!(expires("njc-class2-standard", "2026-02-28", None), d("2028-02-28"));
        assert_eq!(expires("njc-class2-standard", "2028-02-29", Some(2)), d("2030-02-28"));
        // seed: 000_83bab2e9cbe37489.txt (JCAN: anniversary 2025-02-28 → 2025-03-31).
        assert_eq!(expires("jcan-123sign", "2024-02-29", Some(1)), d("2025-03-31"));
    }

    // seed: 000_83bab2e9cbe37489.txt ("1年 (または 2年) を超えた四半期末").
    #[test]
    fn jcan_quarter_end_exactly_on_and_either_side() {
        assert_eq!(expires("jcan-123sign", "2025-03-30", Some(1)), d("2026-03-31"));
        // Anniversary exactly on a quarter end: "超えた" moves it to the next quarter end.
        assert_eq!(expires("jcan-123sign", "2025-03-31", Some(1)), d("2026-06-30"));
        assert_eq!(expires("jcan-123sign", "2025-04-01", Some(1)), d("2026-06-30"));
        assert_eq!(expires("jcan-123sign", "2025-06-29", Some(1)), d("2026-06-30"));
        assert_eq!(expires("jcan-123sign", "2025-06-30", Some(1)), d("2026-09-30"));
        assert_eq!(expires("jcan-123sign", "2025-12-30", Some(2)), d("2027-12-31"));
        // Year end: the next quarter end is in the following year.
        assert_eq!(expires("jcan-123sign", "2025-12-31", Some(1)), d("2027-03-31"));
        assert_eq!(expires("jcan-123sign", "2026-01-01", Some(1)), d("2027-03-31"));
        assert_eq!(expires("jcan-mcci", "2025-09-30", Some(2)), d("2027-12-31"));
    }

    // seed: 001_d4e7ca17d72183de.txt ("396日"); the download day is day 0.
    #[test]
    fn iprove_396_days() {
        assert_eq!(expires("iprove-general", "2025-01-01", None), d("2026-02-01"));
        assert_eq!(expires("iprove-dim", "2024-01-01", None), d("2025-01-31"));
        assert_eq!(expires("iprove-general", "2025-12-31", None), d("2027-01-31"));
        let err = plan("iprove-general", d("2025-01-01"), Some(1), None).expect_err("must fail");
        assert_eq!(err.code(), "unsupported_term");
    }

    // seed: 004_d25a5a965b92ed0f.txt (Secure Mail is a 1-year product).
    #[test]
    fn unsupported_term_carries_data() {
        let err = plan("njc-secure-mail", d("2025-01-01"), Some(2), None).expect_err("must fail");
        assert_eq!(err.code(), "unsupported_term");
        assert_eq!(err, ExpiryError::UnsupportedTerm { product: "njc-secure-mail".into(), years: 2, offered: vec![1] });
        assert!(err.message().ja.contains("2年"));
        assert!(plan("njc-class2-standard", d("2025-01-01"), Some(1), None).is_err());
        assert_eq!(plan("nope", d("2025-01-01"), None, None).expect_err("must fail").code(), "unknown_product");
    }

    // seed: 000_83bab2e9cbe37489.txt (notices 4 and 2 weeks before; apply 4–2 weeks before).
    #[test]
    fn sign123_notices_and_reapply_window() {
        let p = plan("sign123", d("2025-06-15"), Some(1), None).expect("valid in test");
        let got: Vec<_> = p.notices.iter().map(|n| (n.date.to_string(), n.kind)).collect();
        assert_eq!(
            got,
            [("2026-05-18".to_owned(), "expiry_notice_4_weeks"), ("2026-06-01".to_owned(), "expiry_notice_2_weeks")]
        );
        assert_eq!(p.reapply_from, Some(d("2026-05-18")));
        assert_eq!(p.reapply_until, Some(d("2026-06-01")));
        assert_eq!(p.reapply_basis, ReapplyBasis::SellerAdvice);
        assert_eq!(p.download_deadline, None);
    }

    // seed: 003_8c0952f4faeac254.txt (3 months, 1 month, same day; 15/30-day reminders).
    #[test]
    fn mcci_notices_use_the_last_day_rule() {
        // Expires 2026-06-30: 3 months before is 30 March, not 31 March.
        let p = plan("jcan-mcci", d("2025-05-10"), Some(1), Some(d("2025-05-01"))).expect("valid in test");
        assert_eq!(p.expires, d("2026-06-30"));
        let got: Vec<_> = p.notices.iter().map(|n| (n.date.to_string(), n.kind)).collect();
        assert_eq!(
            got,
            [
                ("2026-03-30".to_owned(), "expiry_notice_3_months"),
                ("2026-05-30".to_owned(), "expiry_notice_1_month"),
                ("2026-06-30".to_owned(), "expiry_notice_same_day"),
            ]
        );
        assert_eq!(p.reapply_from, Some(d("2026-03-30")));
        assert_eq!(p.reapply_until, Some(d("2026-05-30")));
        assert_eq!(p.reapply_basis, ReapplyBasis::NoticeSchedule);
        assert_eq!(p.download_deadline, Some(d("2025-05-31")));
        assert_eq!(p.download_reminders, [d("2025-05-16"), d("2025-05-31")]);
        assert_eq!(p.auto_cancel, Some(true));
        // Expiry on 31 May (never a JCAN date, but the rule): 3 months before is 28 Feb.
        assert_eq!(before(d("2026-05-31"), 3, OffsetUnit::Months).expect("valid in test"), d("2026-02-28"));
        assert_eq!(before(d("2028-05-31"), 3, OffsetUnit::Months).expect("valid in test"), d("2028-02-29"));
        assert_eq!(before(d("2026-03-31"), 1, OffsetUnit::Months).expect("valid in test"), d("2026-02-28"));
    }

    // seed: 000_83bab2e9cbe37489.txt (30 days after the issuance mail; no cancellation).
    #[test]
    fn sign123_download_window() {
        let p = plan("jcan-123sign", d("2025-12-20"), None, Some(d("2025-12-10"))).expect("valid in test");
        assert_eq!(p.download_deadline, Some(d("2026-01-09")));
        assert!(p.download_reminders.is_empty());
        assert_eq!(p.auto_cancel, Some(false));
        let err = plan("jcan-123sign", d("2025-12-01"), None, Some(d("2025-12-10"))).expect_err("must fail");
        assert_eq!(err.code(), "download_before_issuance");
    }

    // seed: 001_d4e7ca17d72183de.txt, 004_d25a5a965b92ed0f.txt (no notices or windows stated).
    #[test]
    fn products_without_schedules_say_so() {
        let p = plan("njc-secure-mail", d("2025-03-01"), None, Some(d("2025-03-01"))).expect("valid in test");
        assert!(p.notices.is_empty());
        assert_eq!((p.reapply_from, p.reapply_until), (None, None));
        assert_eq!(p.reapply_basis, ReapplyBasis::NoneInSeeds);
        assert_eq!(p.download_deadline, None);
        assert_eq!(p.auto_cancel, None);
    }

    #[test]
    fn json_shape() {
        let p = plan("jcan-mcci", d("2025-05-10"), Some(1), Some(d("2025-05-01"))).expect("valid in test");
        let json = serde_json::to_value(&p).expect("valid in test");
        assert_eq!(json["product"], "jcan-mcci");
        assert_eq!(json["expires"], "2026-06-30");
        assert_eq!(json["notices"][0], serde_json::json!({"date": "2026-03-30", "kind": "expiry_notice_3_months"}));
        assert_eq!(json["reapply_from"], "2026-03-30");
        assert_eq!(json["reapply_until"], "2026-05-30");
        assert_eq!(json["download_deadline"], "2025-05-31");
        assert_eq!(json["download_reminders"], serde_json::json!(["2025-05-16", "2025-05-31"]));
        let text = serde_json::to_string(&p).expect("valid in test");
        assert!(text.starts_with(r#"{"product":"jcan-mcci","expires":"2026-06-30","notices":[{"date":"#), "{text}");
        let no_issue = serde_json::to_value(plan("sign123", d("2025-05-10"), None, None).expect("valid in test"))
            .expect("valid in test");
        assert!(no_issue["download_deadline"].is_null());
        assert_eq!(no_issue["download_reminders"], serde_json::json!([]));
    }

    #[test]
    fn never_panics_over_the_whole_date_range() {
        let mut day = d("1900-01-01");
        loop {
            for product in catalog::products() {
                for years in [None, Some(0), Some(1), Some(2), Some(u8::MAX)] {
                    if let Ok(p) = plan(product.id, day, years, Some(day)) {
                        assert!(p.expires > day);
                        assert!(p.notices.iter().all(|n| n.date <= p.expires));
                    }
                }
            }
            match day.add_days(97) {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
    }

    #[test]
    fn dates_near_the_range_end_are_errors() {
        assert_eq!(plan("sign123", d("2200-06-01"), Some(1), None).expect_err("must fail").code(), "date_out_of_range");
        assert!(plan("jcan-123sign", d("2199-12-31"), Some(1), None).is_err());
        assert!(plan("iprove-general", d("2200-01-01"), None, None).is_err());
    }

    #[test]
    fn ics_is_folded_escaped_and_crlf() {
        let product = catalog::product("jcan-mcci").expect("valid in test");
        let p = plan("jcan-mcci", d("2025-05-10"), Some(1), Some(d("2025-05-01"))).expect("valid in test");
        let ics = to_ics(&p, product, "20250510T000000Z", "fp:ab,cd").expect("valid in test");
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'));
        for line in ics.split("\r\n") {
            assert!(line.len() <= 75, "{line}");
        }
        // 3 notices (one on the expiry day) + 2 reminders + 1 deadline.
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 6);
        assert_eq!(ics.matches("BEGIN:VALARM").count(), 6);
        assert!(ics.contains("DTSTART;VALUE=DATE:20260330\r\n"));
        assert!(ics.contains("UID:jcan-mcci-expiry_notice_3_months-20260330-fp-ab-cd@inkan\r\n"));
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("\\n"));
        // Applicants see the sellers' page titles, never the seed file names.
        assert!(!unfolded.contains(".txt"), "{unfolded}");
        assert!(
            unfolded
                .contains("根拠 / Source: インフラウェア 1-2-3 Signature「初めての方・更新の方へ」、松本商工会議所")
        );
        assert_eq!(to_ics(&p, product, "2025-05-10", "x").expect_err("must fail").code(), "invalid_timestamp");
        assert!(to_ics(&p, product, "20251310T000000Z", "x").is_err());
        assert!(to_ics(&p, product, "20251010T240000Z", "x").is_err());
    }

    // seed: 000_83bab2e9cbe37489.txt ("受領後30日 … ダウンロード不能 … 料金は発生いたします");
    // 003_8c0952f4faeac254.txt ("発行後30日まで", then 自動キャンセル).
    #[test]
    fn a_download_after_the_window_is_download_window_closed_with_the_sellers_consequence() {
        let err = plan("jcan-123sign", d("2026-01-10"), None, Some(d("2025-12-10"))).expect_err("must fail");
        assert_eq!(err.code(), "download_window_closed");
        assert_eq!(err.code(), DOWNLOAD_WINDOW_CLOSED);
        let m = err.message();
        assert!(m.ja.contains("2026-01-09") && m.ja.contains("料金は発生します"), "{}", m.ja);
        assert!(m.en.contains("the fee is still charged") && !m.en.contains("refund"), "{}", m.en);
        // The last day itself is still inside the window.
        assert!(plan("jcan-123sign", d("2026-01-09"), None, Some(d("2025-12-10"))).is_ok());
        let err = plan("sign123", d("2025-02-01"), None, Some(d("2025-01-01"))).expect_err("must fail");
        assert!(err.message().en.contains("fee is still charged"));
        let err = plan("jcan-mcci", d("2025-06-01"), None, Some(d("2025-05-01"))).expect_err("must fail");
        assert_eq!(err.code(), "download_window_closed");
        assert!(
            err.message().ja.contains("自動的にキャンセル") && err.message().en.contains("cancelled automatically")
        );
        // Products without a window stated have no deadline to miss.
        assert!(plan("njc-secure-mail", d("2026-01-01"), None, Some(d("2025-01-01"))).is_ok());
        let product = catalog::product("jcan-mcci").expect("valid in test");
        assert_eq!(
            check_download(product, d("2025-05-01"), d("2025-05-31")),
            Ok(()),
            "day 30 is the last day of the window"
        );
    }

    // seed: 003_8c0952f4faeac254.txt (reminders on days 15 and 30; the window ends on day 30).
    #[test]
    fn inkan_download_reminders_fall_before_the_window_closes() {
        let mcci = catalog::product("jcan-mcci").expect("valid in test");
        assert_eq!(download_reminder_days(mcci), [15, 29]);
        let jcan = catalog::product("jcan-123sign").expect("valid in test");
        assert_eq!(download_reminder_days(jcan), [29]);
        assert!(download_reminder_days(catalog::product("iprove-general").expect("valid in test")).is_empty());
    }

    // Issue 14 point 2 and 3: the term bought travels to the certificate's notAfter.
    #[test]
    fn term_and_not_after_for_the_worker() {
        let jcan = catalog::product("jcan-123sign").expect("valid in test");
        assert_eq!(resolve_term(jcan, None), Ok(Some(1)));
        assert_eq!(resolve_term(jcan, Some(2)), Ok(Some(2)));
        assert_eq!(resolve_term(jcan, Some(3)).expect_err("must fail").code(), "unsupported_term");
        let iprove = catalog::product("iprove-general").expect("valid in test");
        assert_eq!(resolve_term(iprove, None), Ok(None));
        assert_eq!(resolve_term(iprove, Some(1)).expect_err("must fail").code(), "unsupported_term");
        // Downloaded 2025-06-15, 2 years: expires 2027-06-30, 23:59:59 JST = 14:59:59 UTC.
        assert_eq!(expires("jcan-123sign", "2025-06-15", Some(2)), d("2027-06-30"));
        assert_eq!(not_after_unix(jcan, d("2025-06-15"), Some(2)), Ok(1_814_367_599));
        let sign = catalog::product("sign123").expect("valid in test");
        assert_eq!(not_after_unix(sign, d("2025-06-15"), Some(2)), Ok(1_813_071_599));
    }

    // seed: 000_83bab2e9cbe37489.txt ("1年 (または 2年) を超えた四半期末").
    #[test]
    fn the_quarter_end_reading_is_stated_when_the_anniversary_is_a_quarter_end() {
        let p = plan("jcan-123sign", d("2025-03-31"), Some(1), None).expect("valid in test");
        assert_eq!(p.expires, d("2026-06-30"));
        let reading = p.readings.iter().find(|r| r.code == "jcan_quarter_end_strictly_after").expect("stated");
        assert_eq!(reading.alternative_dates, [d("2026-03-31")]);
        assert!(reading.message.en.contains("2026-03-31") && reading.message.en.contains("2026-06-30"));
        assert!(reading.message.ja.contains("を超えた"));
        let p = plan("jcan-123sign", d("2025-03-30"), Some(1), None).expect("valid in test");
        assert!(p.readings.is_empty(), "no ambiguity when the anniversary is not a quarter end");
        let product = catalog::product("jcan-123sign").expect("valid in test");
        let p = plan("jcan-123sign", d("2025-03-31"), Some(1), None).expect("valid in test");
        let unfolded = to_ics(&p, product, "20250331T000000Z", "x").expect("valid in test").replace("\r\n ", "");
        assert!(unfolded.contains("The other reading would end on 2026-03-31"), "{unfolded}");
    }

    // seed: 003_8c0952f4faeac254.txt (【期限切れ3ヶ月前】 / 【期限切れ1ヶ月前】).
    #[test]
    fn the_months_before_reading_is_stated_with_the_month_end_alternative() {
        let p = plan("jcan-mcci", d("2025-05-10"), Some(1), None).expect("valid in test");
        assert_eq!(p.expires, d("2026-06-30"));
        let reading = p.readings.iter().find(|r| r.code == "months_before_same_day_number").expect("stated");
        assert_eq!(reading.alternative_dates, [d("2026-03-31"), d("2026-05-31")]);
        // Expiry 31 December: both readings agree (30 Sep, 30 Nov), nothing to state.
        let p = plan("jcan-mcci", d("2025-10-10"), Some(1), None).expect("valid in test");
        assert_eq!(p.expires, d("2026-12-31"));
        assert!(p.readings.is_empty());
    }

    // seed: 000_83bab2e9cbe37489.txt (JCAN: quarter end; re-apply "無駄の生じないよう").
    #[test]
    fn jcan_wastes_nothing_within_the_final_quarter() {
        let p = plan("jcan-123sign", d("2025-05-10"), Some(1), None).expect("valid in test");
        assert_eq!(p.expires, d("2026-06-30"));
        assert_eq!(p.no_waste_from, Some(d("2026-04-01")));
        // Any download from that day to the day before expiry ends on the same quarter end.
        for day in ["2026-04-01", "2026-05-15", "2026-06-29"] {
            assert_eq!(expires("jcan-123sign", day, Some(1)), d("2027-06-30"), "{day}");
        }
        assert_eq!(plan("sign123", d("2025-05-10"), Some(1), None).expect("valid in test").no_waste_from, None);
    }

    #[test]
    fn folding_never_splits_a_character() {
        let mut out = String::new();
        let line = format!("SUMMARY:{}", "有効期限".repeat(40));
        push_line(&mut out, &line);
        for physical in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(physical.len() <= 75);
        }
        assert_eq!(out.replace("\r\n ", "").trim_end_matches("\r\n"), line);
        assert_eq!(escape_text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn ics_adds_the_expiry_day_when_no_notice_falls_on_it() {
        let product = catalog::product("iprove-general").expect("valid in test");
        let p = plan("iprove-general", d("2025-01-01"), None, None).expect("valid in test");
        let ics = to_ics(&p, product, "20250101T000000Z", "").expect("valid in test");
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 1);
        assert!(ics.contains("X-INKAN-KIND:expires"));
        assert!(ics.contains("-default@inkan"));
    }
}
