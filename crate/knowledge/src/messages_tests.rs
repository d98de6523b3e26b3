//! Every error variant of this crate renders fully in both languages: no leftover
//! `{placeholder}` (a missing argument), Japanese in Japanese, printable ASCII in English except
//! the range dash. That the two message files agree is checked by the build (`build.rs`,
//! `inkan-i18n-build`); that no text is unused, by the compiler (`dead_code`).
//!
//! Not yet in the catalog: the advice, issuance, reminder and calendar texts that advisor.rs
//! and expiry.rs assemble from the product catalog (see CONTRIBUTING.md).

use inkan_i18n::{Localized, check_rendered};

use crate::advisor::AdvisorError;
use crate::catalog::{AfterDeadline, CatalogError};
use crate::date::{Date, DateError};
use crate::expiry::ExpiryError;
use crate::holidays::HolidayError;

#[test]
fn every_error_renders_in_both_languages() {
    let day = |s: &str| Date::parse(s).expect("date");
    let unknown = || CatalogError::UnknownProduct { id: "nope".into() };
    // (error, whether its English is printable ASCII: the year ranges use an en dash)
    let mut all: Vec<(Box<dyn Localized>, bool)> = vec![
        (Box::new(DateError::Malformed { text: "x".into() }), true),
        (Box::new(DateError::NoSuchDay { year: 2025, month: 2, day: 29 }), true),
        (Box::new(DateError::OutOfRange { year: 2300 }), false),
        (Box::new(HolidayError::OutOfRange { year: 1950 }), false),
        (Box::new(HolidayError::Date(DateError::OutOfRange { year: 2300 })), false),
        (Box::new(unknown()), true),
        (Box::new(ExpiryError::Catalog(unknown())), true),
        (Box::new(ExpiryError::Date(DateError::Malformed { text: "x".into() })), true),
        (Box::new(ExpiryError::UnsupportedTerm { product: "p".into(), years: 3, offered: vec![] }), true),
        (Box::new(ExpiryError::UnsupportedTerm { product: "p".into(), years: 3, offered: vec![1, 2] }), true),
        (
            Box::new(ExpiryError::DownloadBeforeIssuance { downloaded: day("2026-01-01"), issued: day("2026-01-05") }),
            true,
        ),
        (Box::new(ExpiryError::InvalidTimestamp { text: "t".into() }), true),
        (Box::new(AdvisorError::InvalidAnswer { detail: "d".into() }), true),
    ];
    for after_deadline in [AfterDeadline::NotDownloadableFeeCharged, AfterDeadline::AutoCancelled] {
        let e = ExpiryError::DownloadWindowClosed {
            product: "p".into(),
            days: 30,
            deadline: day("2026-02-01"),
            downloaded: day("2026-02-05"),
            after_deadline,
        };
        all.push((Box::new(e), true));
    }
    let problems: Vec<_> = all.iter().filter_map(|(e, ascii)| check_rendered(e.code(), &e.message(), *ascii)).collect();
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(
        DateError::NoSuchDay { year: 5, month: 2, day: 30 }.to_string(),
        "0005-02-30 does not exist in the calendar"
    );
}
