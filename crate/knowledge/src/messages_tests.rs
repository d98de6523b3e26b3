//! Every error variant of this crate renders fully in both languages: no leftover
//! `{placeholder}` (a missing argument), Japanese in Japanese, printable ASCII in English except
//! the range dash. That the two message files agree is checked by the build (`build.rs`,
//! `inkan-i18n-build`); that no text is unused, by the compiler (`dead_code`).
//!
//! The advice, issuance, reminder and calendar texts that advisor.rs and expiry.rs assemble
//! are rendered by their own tests, which compare them with the expected wording.

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

/// The assembled texts render fully: no `{placeholder}` left in any reason, document, issuance
/// estimate, reading or calendar entry, for a spread of answers and every product's plans.
#[test]
fn every_assembled_text_renders_in_both_languages() {
    use crate::advisor::{advise_on, parse_answers};
    use crate::catalog::products;
    use crate::expiry::{calendar_events, plan};

    let day = |s: &str| Date::parse(s).expect("date");
    let mut messages = Vec::new();
    let answers = [
        "{}",
        r#"{"applicant":"individual","own_domain":false,"purposes":["smime_sign","smime_encrypt","document_sign"],"mail_client":"gmail_free","os":"ios","profession":"lawyer"}"#,
        r#"{"applicant":"sole_proprietor","purposes":["client_auth","e_contract","vba_sign"],"mail_client":"other","org_name_on_certificate":true}"#,
        r#"{"applicant":"organisation","own_domain":true,"purposes":[],"mail_client":"webmail_other","profession":"employee"}"#,
    ];
    for json in answers {
        let answers = parse_answers(json).expect("valid answers");
        for today in [None, Some(day("2026-12-24"))] {
            let advice = advise_on(&answers, today);
            for product in &advice.products {
                messages.extend(product.reasons.iter().map(|r| (r.code, r.message.clone())));
                messages.push(("inkan_role", product.inkan.message.clone()));
                messages.extend(product.issuance.iter().map(|i| ("issuance", i.message.clone())));
            }
            messages.extend(advice.documents.iter().map(|d| (d.code, d.message.clone())));
        }
    }
    for product in products() {
        for downloaded in ["2025-03-31", "2025-06-15", "2025-12-31"] {
            let Ok(plan) = plan(product.id, day(downloaded), None, Some(day(downloaded))) else { continue };
            messages.extend(plan.readings.iter().map(|r| (r.code, r.message.clone())));
            messages.extend(calendar_events(&plan, product).into_iter().map(|e| (e.kind, e.summary)));
        }
    }
    assert!(messages.len() > 50, "too few texts rendered: {}", messages.len());
    // The English quotes Japanese headings and uses en dashes: not checked for ASCII.
    let problems: Vec<_> = messages.iter().filter_map(|(code, m)| check_rendered(code, m, false)).collect();
    assert_eq!(problems, Vec::<String>::new());
}
