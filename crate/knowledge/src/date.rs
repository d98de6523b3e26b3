//! A small civil (proleptic Gregorian) date, enough for expiry and holiday arithmetic.
//!
//! Written by hand instead of pulling in chrono to keep the wasm small. Dates are limited to
//! the years 1900–2200: certificate dates outside that range are input mistakes, and the
//! limit keeps every computation far from integer overflow, so nothing here can panic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::texts;
use inkan_i18n::{Localized, Message};

/// The first year a [`Date`] may have.
pub const MIN_YEAR: i32 = 1900;
/// The last year a [`Date`] may have.
pub const MAX_YEAR: i32 = 2200;

/// A valid calendar day between 1900-01-01 and 2200-12-31. Serializes as `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    // Field order makes the derived ordering chronological.
    year: i32,
    month: u8,
    day: u8,
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Weekday {
    /// 月曜日.
    Monday,
    /// 火曜日.
    Tuesday,
    /// 水曜日.
    Wednesday,
    /// 木曜日.
    Thursday,
    /// 金曜日.
    Friday,
    /// 土曜日.
    Saturday,
    /// 日曜日.
    Sunday,
}

impl Weekday {
    /// Saturday or Sunday.
    pub fn is_weekend(self) -> bool {
        matches!(self, Weekday::Saturday | Weekday::Sunday)
    }
}

/// Errors of date parsing and arithmetic.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DateError {
    /// The text is not of the form `YYYY-MM-DD`.
    Malformed {
        /// The text given.
        text: String,
    },
    /// The month or day does not exist (e.g. 2025-02-29).
    NoSuchDay {
        /// Year given.
        year: i64,
        /// Month given.
        month: i64,
        /// Day given.
        day: i64,
    },
    /// The date is before 1900-01-01 or after 2200-12-31 (given or as a result).
    OutOfRange {
        /// The year that was given or computed.
        year: i64,
    },
}

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for DateError {}

impl Localized for DateError {
    fn code(&self) -> &'static str {
        match self {
            DateError::Malformed { .. } | DateError::NoSuchDay { .. } => "invalid_date",
            DateError::OutOfRange { .. } => "date_out_of_range",
        }
    }

    fn message(&self) -> Message {
        match self {
            DateError::Malformed { text } => texts::date::Malformed { text: text.into() }.render(),
            DateError::NoSuchDay { year, month, day } => texts::date::NoSuchDay {
                year: format!("{year:04}").into(),
                month: format!("{month:02}").into(),
                day: format!("{day:02}").into(),
            }
            .render(),
            DateError::OutOfRange { year } => {
                texts::date::OutOfRange { year: year.into(), min: MIN_YEAR.into(), max: MAX_YEAR.into() }.render()
            }
        }
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Number of days in a month (0 for a month number that does not exist).
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

fn check_year(year: i64) -> Result<i32, DateError> {
    if (i64::from(MIN_YEAR)..=i64::from(MAX_YEAR)).contains(&year) {
        i32::try_from(year).map_err(|_| DateError::OutOfRange { year })
    } else {
        Err(DateError::OutOfRange { year })
    }
}

impl Date {
    /// The date with these components, checked.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        let year = check_year(i64::from(year))?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateError::NoSuchDay { year: year.into(), month: month.into(), day: day.into() });
        }
        Ok(Self { year, month, day })
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, 1–31.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let malformed = || DateError::Malformed { text: text.chars().take(40).collect() };
        let bytes = text.as_bytes();
        let shape_ok = bytes.len() == 10
            && bytes.get(4) == Some(&b'-')
            && bytes.get(7) == Some(&b'-')
            && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
        if !shape_ok {
            return Err(malformed());
        }
        let number = |range: std::ops::Range<usize>| -> Result<i64, DateError> {
            text.get(range).and_then(|s| s.parse::<i64>().ok()).ok_or_else(malformed)
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let year = check_year(year)?;
        let no_such_day = || DateError::NoSuchDay { year: year.into(), month, day };
        let month = u8::try_from(month).map_err(|_| no_such_day())?;
        let day = u8::try_from(day).map_err(|_| no_such_day())?;
        Self::new(year, month, day)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        inkan_calendar::days_from_civil(i64::from(self.year), self.month, self.day)
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days_since_epoch(days: i64) -> Result<Self, DateError> {
        let (year, month, day) =
            inkan_calendar::civil_from_days(days).ok_or(DateError::OutOfRange { year: 1970 + days / 365 })?;
        Self::new(check_year(year)?, month, day)
    }

    /// The date `days` days later (earlier when negative).
    pub fn add_days(self, days: i64) -> Result<Self, DateError> {
        let target = self.days_since_epoch().checked_add(days).ok_or(DateError::OutOfRange { year: i64::MAX })?;
        Self::from_days_since_epoch(target)
    }

    /// The same day `months` months later (earlier when negative). When that month is
    /// shorter, the result is its last day: 31 Jan + 1 month is 28 or 29 Feb.
    pub fn add_months(self, months: i32) -> Result<Self, DateError> {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let year = check_year(index.div_euclid(12))?;
        let month = u8::try_from(index.rem_euclid(12) + 1).map_err(|_| DateError::OutOfRange { year: year.into() })?;
        let day = self.day.min(days_in_month(year, month));
        Self::new(year, month, day)
    }

    /// The same month and day `years` years later; 29 Feb becomes 28 Feb in a common year.
    pub fn add_years(self, years: i32) -> Result<Self, DateError> {
        self.add_months(years.saturating_mul(12))
    }

    /// The day of the week.
    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        match (self.days_since_epoch() + 3).rem_euclid(7) {
            0 => Weekday::Monday,
            1 => Weekday::Tuesday,
            2 => Weekday::Wednesday,
            3 => Weekday::Thursday,
            4 => Weekday::Friday,
            5 => Weekday::Saturday,
            _ => Weekday::Sunday,
        }
    }

    /// The last day of this date's calendar quarter (31 Mar, 30 Jun, 30 Sep or 31 Dec).
    pub fn quarter_end(self) -> Self {
        let month = (self.month - 1) / 3 * 3 + 3;
        Self { year: self.year, month, day: days_in_month(self.year, month) }
    }

    /// Whether this date is the last day of a calendar quarter.
    pub fn is_quarter_end(self) -> bool {
        self.quarter_end() == self
    }

    /// Whether this date is the last day of its month.
    pub fn is_month_end(self) -> bool {
        self.day == days_in_month(self.year, self.month)
    }

    /// The date as `YYYYMMDD` (the iCalendar DATE form).
    pub fn to_basic_string(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("valid in test")
    }

    #[test]
    fn parse_and_format_round_trip() {
        assert_eq!(d("2025-02-28").to_string(), "2025-02-28");
        assert_eq!(d("2024-02-29").to_basic_string(), "20240229");
        assert_eq!(serde_json::to_string(&d("2000-01-01")).expect("valid in test"), "\"2000-01-01\"");
        let back: Date = serde_json::from_str("\"2031-12-31\"").expect("valid in test");
        assert_eq!(back, d("2031-12-31"));
    }

    #[test]
    fn rejects_bad_text_without_panicking() {
        for text in [
            "",
            "2025-2-28",
            "2025/02/28",
            "20250228",
            "2025-02-28T00",
            "２０２５-02-28",
            "2025-0a-01",
            "-025-01-01",
            "2025-02-2é",
        ] {
            let err = Date::parse(text).expect_err("must fail");
            assert_eq!(err.code(), "invalid_date", "{text}");
        }
        assert!(matches!(Date::parse("2025-02-29"), Err(DateError::NoSuchDay { .. })));
        assert!(matches!(Date::parse("2025-13-01"), Err(DateError::NoSuchDay { .. })));
        assert!(matches!(Date::parse("2025-04-31"), Err(DateError::NoSuchDay { .. })));
        assert!(matches!(Date::parse("2025-00-10"), Err(DateError::NoSuchDay { .. })));
        assert!(serde_json::from_str::<Date>("\"2025-02-30\"").is_err());
    }

    #[test]
    fn range_is_1900_to_2200() {
        assert!(Date::parse("1900-01-01").is_ok());
        assert!(Date::parse("2200-12-31").is_ok());
        assert_eq!(Date::parse("1899-12-31").expect_err("must fail").code(), "date_out_of_range");
        assert_eq!(Date::parse("2201-01-01").expect_err("must fail").code(), "date_out_of_range");
        assert!(Date::new(i32::MAX, 1, 1).is_err());
        assert!(d("2200-12-31").add_days(1).is_err());
        assert!(d("1900-01-01").add_days(-1).is_err());
        assert!(d("2200-06-30").add_months(7).is_err());
        assert!(d("2025-01-01").add_years(i32::MAX).is_err());
        assert!(d("2025-01-01").add_days(i64::MAX).is_err());
        assert!(d("2025-01-01").add_days(i64::MIN).is_err());
        assert!(Date::from_days_since_epoch(i64::MIN).is_err());
    }

    #[test]
    fn epoch_conversions() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("1900-01-01").days_since_epoch(), -25_567);
        let mut day = d("1900-01-01");
        let mut n = day.days_since_epoch();
        // Every day of the range converts both ways and steps by one.
        while let Ok(next) = day.add_days(1) {
            n += 1;
            assert_eq!(next.days_since_epoch(), n);
            assert_eq!(Date::from_days_since_epoch(n).expect("valid in test"), next);
            assert!(next > day);
            day = next;
        }
        assert_eq!(day, d("2200-12-31"));
    }

    #[test]
    fn month_ends_clamp() {
        assert_eq!(d("2025-01-31").add_months(1).expect("valid in test"), d("2025-02-28"));
        assert_eq!(d("2024-01-31").add_months(1).expect("valid in test"), d("2024-02-29"));
        assert_eq!(d("2025-03-31").add_months(-1).expect("valid in test"), d("2025-02-28"));
        assert_eq!(d("2025-05-31").add_months(-3).expect("valid in test"), d("2025-02-28"));
        assert_eq!(d("2025-06-30").add_months(-3).expect("valid in test"), d("2025-03-30"));
        assert_eq!(d("2025-08-31").add_months(1).expect("valid in test"), d("2025-09-30"));
        assert_eq!(d("2025-12-15").add_months(1).expect("valid in test"), d("2026-01-15"));
        assert_eq!(d("2026-01-15").add_months(-1).expect("valid in test"), d("2025-12-15"));
        assert_eq!(d("2025-11-30").add_months(14).expect("valid in test"), d("2027-01-30"));
    }

    #[test]
    fn leap_day_anniversaries() {
        assert_eq!(d("2024-02-29").add_years(1).expect("valid in test"), d("2025-02-28"));
        assert_eq!(d("2024-02-29").add_years(4).expect("valid in test"), d("2028-02-29"));
        assert_eq!(d("2023-02-28").add_years(1).expect("valid in test"), d("2024-02-28"));
        assert!(is_leap_year(2000) && !is_leap_year(1900) && !is_leap_year(2100) && is_leap_year(2024));
        assert_eq!(d("2025-12-31").add_days(1).expect("valid in test"), d("2026-01-01"));
        assert_eq!(d("2100-02-28").add_days(1).expect("valid in test"), d("2100-03-01"));
    }

    #[test]
    fn weekdays() {
        assert_eq!(d("1970-01-01").weekday(), Weekday::Thursday);
        assert_eq!(d("2025-01-01").weekday(), Weekday::Wednesday);
        assert_eq!(d("2026-09-22").weekday(), Weekday::Tuesday);
        assert_eq!(d("1900-01-01").weekday(), Weekday::Monday);
        assert!(d("2025-05-03").weekday().is_weekend());
    }

    #[test]
    fn quarter_ends() {
        assert_eq!(d("2025-01-01").quarter_end(), d("2025-03-31"));
        assert_eq!(d("2025-03-31").quarter_end(), d("2025-03-31"));
        assert_eq!(d("2025-04-01").quarter_end(), d("2025-06-30"));
        assert_eq!(d("2025-09-30").quarter_end(), d("2025-09-30"));
        assert_eq!(d("2025-11-11").quarter_end(), d("2025-12-31"));
        assert!(d("2025-06-30").is_quarter_end());
        assert!(!d("2025-06-29").is_quarter_end());
        assert!(d("2024-02-29").is_month_end());
    }
}
