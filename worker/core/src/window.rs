//! The download window: how long an issued certificate can be fetched, when reminders go out,
//! and what happens when the window closes. The rules come from the product catalog
//! (crate/knowledge/data/products.toml, each fact citing its seed):
//!
//! - 30 days after the issuance mail (seed: 000_83bab2e9cbe37489.txt, "発行メール…受領後30日"),
//!   after which the certificate can no longer be downloaded and the fee is still due: here the
//!   application becomes `expired`.
//! - MCCI: 30 days after issuance, reminders 15 and 30 days after issuance, then automatic
//!   cancellation (seed: 003_8c0952f4faeac254.txt): here the application becomes `cancelled`.
//! - Products whose seeds name no window (iPROVE, NJC) get the configured default, 30 days.
//!
//! Day 0 is the moment of issuance and a day is 24 hours, so "30 days" closes exactly 30 × 24
//! hours after the certificate was issued. The 30-day reminder and the closing coincide; the
//! reminder is sent first in the same pass.

use serde::Serialize;

use crate::{DAY, UnixTime};
use inkan::{AfterDeadline, Product};

/// What happens when the window closes without a download.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Closing {
    /// Not downloadable any more, fee still due (seed: 000_83bab2e9cbe37489.txt).
    Expire,
    /// Cancelled automatically (seed: 003_8c0952f4faeac254.txt).
    AutoCancel,
}

/// The window rule for one product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WindowRule {
    /// Days the certificate stays downloadable.
    pub days: u16,
    /// Reminder days after issuance.
    pub reminders_after_days: Vec<u16>,
    /// What the closing does.
    pub closing: Closing,
    /// Where the rule comes from (seed files), empty for the configured default.
    pub seeds: Vec<&'static str>,
}

/// The rule for `product`, or the default when its seeds name no window.
pub fn rule_for(product: &Product, default_days: u16) -> WindowRule {
    match product.download {
        Some(cited) => WindowRule {
            days: cited.value.days,
            // The seeds' reminder days, with the last one moved to the day before the window
            // closes (a reminder at the closing moment reminds nobody in time), plus such a
            // last-day reminder for products whose seeds name none (issue 14, point 5).
            reminders_after_days: inkan::download_reminder_days(product),
            closing: match cited.value.after_deadline {
                AfterDeadline::AutoCancelled => Closing::AutoCancel,
                _ => Closing::Expire,
            },
            seeds: cited.seed.to_vec(),
        },
        None => WindowRule {
            days: default_days,
            reminders_after_days: Vec::new(),
            closing: Closing::Expire,
            seeds: Vec::new(),
        },
    }
}

/// The moment the window closes.
pub fn closes_at(issued_at: UnixTime, rule: &WindowRule) -> UnixTime {
    issued_at + i64::from(rule.days) * DAY
}

/// Whether a download at `now` is inside the window (the closing moment itself is outside).
pub fn is_open(now: UnixTime, closes_at: UnixTime) -> bool {
    now < closes_at
}

/// When each reminder is due.
pub fn reminder_times(issued_at: UnixTime, rule: &WindowRule) -> Vec<(u16, UnixTime)> {
    rule.reminders_after_days.iter().map(|d| (*d, issued_at + i64::from(*d) * DAY)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan::product;

    #[test]
    fn mcci_has_30_days_two_reminders_and_auto_cancel() {
        // seed: 003_8c0952f4faeac254.txt
        let rule = rule_for(product("jcan-mcci").expect("catalog"), 30);
        assert_eq!(rule.days, 30);
        // The seed's 30-day reminder would coincide with the cancellation: it goes a day before.
        assert_eq!(rule.reminders_after_days, [15, 29]);
        assert_eq!(rule.closing, Closing::AutoCancel);
        assert_eq!(rule.seeds, ["003_8c0952f4faeac254.txt"]);
        let issued = 1_750_000_000;
        assert_eq!(reminder_times(issued, &rule), [(15, issued + 15 * DAY), (29, issued + 29 * DAY)]);
        assert!(reminder_times(issued, &rule).iter().all(|(_, due)| *due < closes_at(issued, &rule)));
    }

    #[test]
    fn sign123_expires_after_30_days_and_iprove_uses_the_default() {
        // seed: 000_83bab2e9cbe37489.txt
        let rule = rule_for(product("sign123").expect("catalog"), 30);
        assert_eq!((rule.days, rule.closing), (30, Closing::Expire));
        assert_eq!(rule.reminders_after_days, [29], "one reminder the day before the window closes");
        // seed: 001_d4e7ca17d72183de.txt names no window.
        let rule = rule_for(product("iprove-general").expect("catalog"), 21);
        assert_eq!((rule.days, rule.seeds.len()), (21, 0));
    }

    #[test]
    fn the_window_is_open_until_exactly_30_days_after_issuance() {
        let rule = rule_for(product("sign123").expect("catalog"), 30);
        let issued = 1_750_000_000;
        let closes = closes_at(issued, &rule);
        assert_eq!(closes - issued, 30 * 86_400);
        assert!(is_open(issued, closes));
        assert!(is_open(closes - 1, closes));
        assert!(!is_open(closes, closes));
    }
}
