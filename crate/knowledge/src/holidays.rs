//! Japanese public holidays, computed from the rules of 国民の祝日に関する法律 (the Public
//! Holiday Act) as in force for each year, for the years 2000–2099.
//!
//! The seeds count issuance in business days (JCAN: "最大で 3営業日",
//! seed: 000_83bab2e9cbe37489.txt), so deadlines need the holiday calendar. It is computed
//! rather than tabulated so that the wasm stays small and the years ahead are covered.
//!
//! The holidays of the Act, each under its legal name with how its date is found and the years
//! it applies to, are data: `data/holidays.toml`, checked and compiled in by `build.rs`. This
//! file computes from them, and adds the substitute and citizens' holidays. The rules:
//! - fixed-date holidays, and the "Happy Monday" holidays (成人の日 and 体育の日 from 2000,
//!   海の日 and 敬老の日 from 2003);
//! - 春分の日 and 秋分の日 by the standard approximation formula, valid 1980–2099. The legal
//!   dates are fixed each February by the cabinet's announcement of the next year's equinoxes,
//!   so dates far ahead are predictions;
//! - 振替休日: until 2006 the Monday after a holiday on a Sunday; from 2007 the first day
//!   after it that is not itself a holiday;
//! - 国民の休日: a day that is not a holiday but lies between two holidays (until 2006 not on a
//!   Sunday or a substitute holiday);
//! - the special years: 2019 (no Emperor's Birthday; 5/1 accession day and 10/22
//!   enthronement ceremony by special act, which made 4/30 and 5/2 国民の休日), the Emperor's
//!   Birthday moving from 12/23 to 2/23 from 2020, and the Olympic moves of 海の日, スポーツの日
//!   and 山の日 in 2020 and 2021.
//!
//! Business days are the days that are neither Saturday, Sunday nor a public holiday. The
//! seeds do not say whether sellers close over the New Year (12/29–1/3), so those days count.

use std::fmt;

use serde::Serialize;

use crate::catalog::{HolidayDate, HolidayRule};
use crate::date::{Date, DateError, Weekday};
use crate::texts;
use inkan_i18n::{Localized, Message};

/// The first year whose holidays are computed.
pub const FIRST_YEAR: i32 = 2000;
/// The last year whose holidays are computed (the equinox formula ends in 2099).
pub const LAST_YEAR: i32 = 2099;

// SUBSTITUTE_HOLIDAY, CITIZENS_HOLIDAY and HOLIDAY_RULES, from data/holidays.toml.
include!(concat!(env!("OUT_DIR"), "/holidays.rs"));

/// One holiday.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Holiday {
    /// The day.
    pub date: Date,
    /// Its Japanese name, as in the Act.
    pub name: &'static str,
}

/// Errors of the holiday calendar.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HolidayError {
    /// The year is outside the years whose holidays are computed.
    OutOfRange {
        /// The year asked about.
        year: i32,
    },
    /// Date arithmetic failed.
    Date(DateError),
}

impl fmt::Display for HolidayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for HolidayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            HolidayError::Date(inner) => Some(inner),
            HolidayError::OutOfRange { .. } => None,
        }
    }
}

impl Localized for HolidayError {
    fn code(&self) -> &'static str {
        match self {
            HolidayError::OutOfRange { .. } => "holiday_year_out_of_range",
            HolidayError::Date(inner) => inner.code(),
        }
    }

    fn message(&self) -> Message {
        match self {
            HolidayError::OutOfRange { year } => {
                texts::holiday::OutOfRange { first: FIRST_YEAR.into(), last: LAST_YEAR.into(), year: year.into() }
                    .render()
            }
            HolidayError::Date(inner) => inner.message(),
        }
    }
}

impl From<DateError> for HolidayError {
    fn from(inner: DateError) -> Self {
        HolidayError::Date(inner)
    }
}

fn check_year(year: i32) -> Result<(), HolidayError> {
    if (FIRST_YEAR..=LAST_YEAR).contains(&year) { Ok(()) } else { Err(HolidayError::OutOfRange { year }) }
}

/// The `n`-th Monday of a month (the "Happy Monday" rule).
fn nth_monday(year: i32, month: u8, n: u8) -> Result<Date, DateError> {
    let first = Date::new(year, month, 1)?;
    let offset = (7 - weekday_index(first.weekday())) % 7;
    Date::new(year, month, 1 + offset + 7 * (n - 1))
}

fn weekday_index(weekday: Weekday) -> u8 {
    match weekday {
        Weekday::Monday => 0,
        Weekday::Tuesday => 1,
        Weekday::Wednesday => 2,
        Weekday::Thursday => 3,
        Weekday::Friday => 4,
        Weekday::Saturday => 5,
        Weekday::Sunday => 6,
    }
}

/// Day of March of the vernal equinox, by the standard formula for 1980–2099:
/// floor(20.8431 + 0.242194 (y − 1980) − floor((y − 1980) / 4)), in integer millionths so
/// that no floating-point rounding can move a date.
fn vernal_equinox_day(year: i32) -> u8 {
    equinox_day(20_843_100, year)
}

/// Day of September of the autumnal equinox: the same formula with 23.2488.
fn autumnal_equinox_day(year: i32) -> u8 {
    equinox_day(23_248_800, year)
}

fn equinox_day(base_millionths: i64, year: i32) -> u8 {
    let elapsed = i64::from(year) - 1980;
    let day = (base_millionths + 242_194 * elapsed) / 1_000_000 - elapsed.div_euclid(4);
    u8::try_from(day).unwrap_or(0)
}

/// The holidays established by the Act itself (国民の祝日) in a year, without substitute
/// and citizens' holidays, sorted by date.
fn national_holidays(year: i32) -> Result<Vec<Holiday>, HolidayError> {
    check_year(year)?;
    let mut days = Vec::with_capacity(20);
    for rule in HOLIDAY_RULES.iter().filter(|rule| rule.applies_in(year)) {
        let date = match rule.date {
            HolidayDate::Fixed { month, day } => Date::new(year, month, day)?,
            HolidayDate::NthMonday { month, n } => nth_monday(year, month, n)?,
            HolidayDate::VernalEquinox => Date::new(year, 3, vernal_equinox_day(year))?,
            HolidayDate::AutumnalEquinox => Date::new(year, 9, autumnal_equinox_day(year))?,
        };
        days.push(Holiday { date, name: rule.name });
    }
    days.sort_by_key(|h| h.date);
    Ok(days)
}

/// Every public holiday of a year (national, substitute and citizens' holidays), sorted.
pub fn holidays_in_year(year: i32) -> Result<Vec<Holiday>, HolidayError> {
    let national = national_holidays(year)?;
    let is_national = |date: Date| national.iter().any(|h| h.date == date);
    let mut all = national.clone();

    let mut substitutes = Vec::new();
    for holiday in national.iter().filter(|h| h.date.weekday() == Weekday::Sunday) {
        let mut day = holiday.date.add_days(1)?;
        // From 2007 the substitute moves past following holidays (e.g. 5/3 on a Sunday gives
        // 5/6); before, it was the Monday only, which no holiday of 2000–2006 occupied.
        if year >= 2007 {
            while is_national(day) {
                day = day.add_days(1)?;
            }
        }
        if day.year() == year && !is_national(day) {
            substitutes.push(Holiday { date: day, name: SUBSTITUTE_HOLIDAY });
        }
    }

    for pair in national.windows(2) {
        let [first, second] = pair else { continue };
        let (before, after) = (first.date, second.date);
        if after.days_since_epoch() - before.days_since_epoch() != 2 {
            continue;
        }
        let between = before.add_days(1)?;
        // A day that is already a substitute holiday keeps that name.
        let is_substitute = substitutes.iter().any(|s| s.date == between);
        let sunday_before_2007 = year <= 2006 && between.weekday() == Weekday::Sunday;
        if !is_substitute && !sunday_before_2007 {
            all.push(Holiday { date: between, name: CITIZENS_HOLIDAY });
        }
    }
    all.extend(substitutes);
    all.sort_by_key(|h| h.date);
    Ok(all)
}

/// The holidays from `from` to `to`, both included.
pub fn holidays_between(from: Date, to: Date) -> Result<Vec<Holiday>, HolidayError> {
    let mut result = Vec::new();
    for year in from.year()..=to.year() {
        result.extend(holidays_in_year(year)?.into_iter().filter(|h| h.date >= from && h.date <= to));
    }
    Ok(result)
}

/// The holiday's Japanese name when `date` is a public holiday, `None` otherwise.
pub fn is_holiday(date: Date) -> Result<Option<&'static str>, HolidayError> {
    Ok(holidays_in_year(date.year())?.into_iter().find(|h| h.date == date).map(|h| h.name))
}

/// Whether `date` is a weekday that is not a public holiday.
pub fn is_business_day(date: Date) -> Result<bool, HolidayError> {
    Ok(!date.weekday().is_weekend() && is_holiday(date)?.is_none())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("valid in test")
    }

    fn name(text: &str) -> Option<&'static str> {
        is_holiday(d(text)).expect("valid in test")
    }

    #[test]
    fn fixed_and_happy_monday_days() {
        assert_eq!(name("2025-01-01"), Some("元日"));
        assert_eq!(name("2025-01-13"), Some("成人の日"));
        assert_eq!(name("2025-02-11"), Some("建国記念の日"));
        assert_eq!(name("2025-07-21"), Some("海の日"));
        assert_eq!(name("2025-09-15"), Some("敬老の日"));
        assert_eq!(name("2025-10-13"), Some("スポーツの日"));
        assert_eq!(name("2019-10-14"), Some("体育の日"));
        assert_eq!(name("2002-07-20"), Some("海の日"));
        assert_eq!(name("2002-09-15"), Some("敬老の日"));
        assert_eq!(name("2025-11-03"), Some("文化の日"));
        assert_eq!(name("2025-11-23"), Some("勤労感謝の日"));
        assert_eq!(name("2025-11-24"), Some(SUBSTITUTE_HOLIDAY));
        assert_eq!(name("2025-01-02"), None);
    }

    #[test]
    fn golden_week() {
        assert_eq!(name("2025-04-29"), Some("昭和の日"));
        assert_eq!(name("2025-05-03"), Some("憲法記念日"));
        assert_eq!(name("2025-05-04"), Some("みどりの日"));
        assert_eq!(name("2025-05-05"), Some("こどもの日"));
        // 5/4 is a Sunday in 2025, so the substitute goes to the first non-holiday: 5/6.
        assert_eq!(name("2025-05-06"), Some(SUBSTITUTE_HOLIDAY));
        // 2009: 5/3 on a Sunday; 5/4 and 5/5 are holidays, so 5/6 (post-2007 rule).
        assert_eq!(name("2009-05-06"), Some(SUBSTITUTE_HOLIDAY));
        // Before 2007 4/29 was みどりの日 and 5/4 a citizens' holiday.
        assert_eq!(name("2006-04-29"), Some("みどりの日"));
        assert_eq!(name("2006-05-04"), Some(CITIZENS_HOLIDAY));
        // 2003-05-04 was a Sunday: no citizens' holiday before 2007.
        assert_eq!(name("2003-05-04"), None);
    }

    #[test]
    fn new_year_is_only_the_first() {
        assert_eq!(name("2023-01-01"), Some("元日"));
        assert_eq!(name("2023-01-02"), Some(SUBSTITUTE_HOLIDAY));
        assert_eq!(name("2024-12-31"), None);
        assert!(!is_business_day(d("2023-01-02")).expect("valid in test"));
        assert!(is_business_day(d("2024-12-31")).expect("valid in test"));
    }

    #[test]
    fn equinoxes() {
        assert_eq!(name("2025-03-20"), Some("春分の日"));
        assert_eq!(name("2025-09-23"), Some("秋分の日"));
        assert_eq!(name("2012-09-22"), Some("秋分の日"));
        assert_eq!(name("2024-03-20"), Some("春分の日"));
        assert_eq!(name("2000-03-20"), Some("春分の日"));
        assert_eq!(name("2099-09-23"), Some("秋分の日"));
    }

    #[test]
    fn citizens_holidays_in_silver_week() {
        for day in ["2009-09-22", "2015-09-22", "2026-09-22", "2032-09-21", "2037-09-22"] {
            assert_eq!(name(day), Some(CITIZENS_HOLIDAY), "{day}");
        }
        assert_eq!(name("2026-09-21"), Some("敬老の日"));
        assert_eq!(name("2026-09-23"), Some("秋分の日"));
        assert_eq!(name("2020-09-21"), Some("敬老の日"));
        assert_eq!(name("2020-09-22"), Some("秋分の日"));
    }

    #[test]
    fn imperial_transition_2019() {
        assert_eq!(name("2019-04-29"), Some("昭和の日"));
        assert_eq!(name("2019-04-30"), Some(CITIZENS_HOLIDAY));
        assert_eq!(name("2019-05-01"), Some("天皇の即位の日"));
        assert_eq!(name("2019-05-02"), Some(CITIZENS_HOLIDAY));
        assert_eq!(name("2019-05-06"), Some(SUBSTITUTE_HOLIDAY));
        assert_eq!(name("2019-10-22"), Some("即位礼正殿の儀"));
        assert_eq!(name("2019-12-23"), None);
        assert_eq!(name("2019-02-23"), None);
        assert_eq!(name("2018-12-23"), Some("天皇誕生日"));
        assert_eq!(name("2018-12-24"), Some(SUBSTITUTE_HOLIDAY));
        assert_eq!(name("2020-02-23"), Some("天皇誕生日"));
        assert_eq!(name("2020-02-24"), Some(SUBSTITUTE_HOLIDAY));
    }

    #[test]
    fn olympic_moves_2020_2021() {
        assert_eq!(name("2020-07-23"), Some("海の日"));
        assert_eq!(name("2020-07-24"), Some("スポーツの日"));
        assert_eq!(name("2020-08-10"), Some("山の日"));
        assert_eq!(name("2020-07-20"), None);
        assert_eq!(name("2020-08-11"), None);
        assert_eq!(name("2020-10-12"), None);
        assert_eq!(name("2021-07-22"), Some("海の日"));
        assert_eq!(name("2021-07-23"), Some("スポーツの日"));
        assert_eq!(name("2021-08-08"), Some("山の日"));
        assert_eq!(name("2021-08-09"), Some(SUBSTITUTE_HOLIDAY));
        assert_eq!(name("2021-07-19"), None);
        assert_eq!(name("2021-08-11"), None);
        assert_eq!(name("2021-10-11"), None);
        assert_eq!(name("2015-08-11"), None);
        assert_eq!(name("2016-08-11"), Some("山の日"));
    }

    #[test]
    fn counts_per_year() {
        assert_eq!(holidays_in_year(2019).expect("valid in test").len(), 22);
        assert_eq!(holidays_in_year(2025).expect("valid in test").len(), 19);
        let between = holidays_between(d("2024-12-30"), d("2025-01-13")).expect("valid in test");
        assert_eq!(between.len(), 2);
    }

    #[test]
    fn out_of_range_is_an_error() {
        assert_eq!(is_holiday(d("1999-12-31")).expect_err("must fail").code(), "holiday_year_out_of_range");
        assert!(is_holiday(d("2100-01-01")).is_err());
        assert!(holidays_in_year(i32::MIN).is_err());
    }
}
