//! Civil dates: days since 1970-01-01 to and from (year, month, day) in the proleptic Gregorian
//! calendar, by Howard Hinnant's algorithms (<https://howardhinnant.github.io/date_algorithms.html>),
//! exact over the whole range either caller needs: X.509 validity reaches 9999-12-31, product
//! knowledge works in 1900–2200.
//!
//! The one date arithmetic of the workspace. Depends on nothing; used by `inkan-pki`
//! (certificate dates) and `inkan-knowledge` (its `Date` type, which adds the range product
//! rules accept and everything calendar-aware on top).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// Days from 1970-01-01 to 0000-03-01, the start of the 400-year era the algorithms count in.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in 400 Gregorian years.
const DAYS_PER_ERA: i64 = 146_097;

/// The furthest from 1970 (in days, either way) these functions accept: about ±2.7 million
/// years, far beyond any date a certificate or a product rule can hold, and small enough that
/// no intermediate value overflows.
pub const MAX_DAYS: i64 = 1_000_000_000;

/// The civil date `days` days after 1970-01-01 (before it when negative), as (year, month 1–12,
/// day 1–31); `None` beyond [`MAX_DAYS`].
pub fn civil_from_days(days: i64) -> Option<(i64, u8, u8)> {
    if !(-MAX_DAYS..=MAX_DAYS).contains(&days) {
        return None;
    }
    let z = days + EPOCH_SHIFT;
    let era = z.div_euclid(DAYS_PER_ERA);
    let day_of_era = z - era * DAYS_PER_ERA;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    // Years start in March here, so the leap day is the last day of the year.
    let march_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * march_month + 2) / 5 + 1;
    let month = if march_month < 10 { march_month + 3 } else { march_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Some((year, u8::try_from(month).ok()?, u8::try_from(day).ok()?))
}

/// Days from 1970-01-01 to the civil date (negative before it). The caller has checked that
/// `month` is 1–12 and `day` exists in it; `year` may be any value a `Date` or a certificate holds.
pub fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let month = i64::from(month);
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT
}

#[cfg(test)]
mod tests {
    #[cfg(not(target_arch = "wasm32"))]
    use core::prelude::v1::test;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(civil_from_days(0), Some((1970, 1, 1)));
        assert_eq!(civil_from_days(11_016), Some((2000, 2, 29)));
        assert_eq!(civil_from_days(-1), Some((1969, 12, 31)));
        assert_eq!(civil_from_days(2_932_896), Some((9999, 12, 31)));
        assert_eq!(days_from_civil(9999, 12, 31), 2_932_896);
        assert_eq!(days_from_civil(1900, 3, 1), -25_508);
    }

    #[test]
    fn both_ways_agree_day_by_day_across_eras() {
        let mut expected = (1599, 12, 31);
        for days in days_from_civil(1599, 12, 31)..=days_from_civil(2401, 3, 1) {
            let (y, m, d) = civil_from_days(days).expect("in range");
            assert_eq!(days_from_civil(y, m, d), days);
            // Each day follows the one before it.
            let (py, pm, pd) = expected;
            assert!((y, m, d) > (py, pm, pd) || days == days_from_civil(1599, 12, 31), "{y}-{m}-{d}");
            expected = (y, m, d);
        }
    }

    #[test]
    fn the_range_ends_are_refused_not_overflowed() {
        assert!(civil_from_days(MAX_DAYS).is_some());
        assert_eq!(civil_from_days(MAX_DAYS + 1), None);
        assert_eq!(civil_from_days(i64::MIN), None);
        assert_eq!(civil_from_days(i64::MAX), None);
    }
}
