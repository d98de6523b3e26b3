//! Inkan's product knowledge: the product catalog (`data/products.toml`, every fact citing its
//! seed page, checked and compiled in by `build.rs`), Japanese calendar dates and holidays,
//! expiry plans with their reminders and iCalendar export, and the advisor (`data/advisor.toml`).
//!
//! Plain data and date arithmetic: no cryptography, no I/O, nothing of JavaScript.
//! May use: `inkan-i18n`, `inkan-calendar`. Used by: `inkan-inspect`, `inkan` (the bindings).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// This crate's texts (`messages/ja.json`, `messages/en.json`), compiled in.
pub(crate) static MESSAGES: inkan_i18n::Catalog =
    inkan_i18n::Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

mod advisor;
mod catalog;
mod date;
mod expiry;
mod holidays;

// The public surface: the modules above are private and this is the one list of what other
// crates may use (the bindings in `inkan`, `inkan-inspect`, the examples). `expiry::plan`
// takes its module's noun, so the flat name still says what it plans.
pub use {
    advisor::{Answers, advise, advise_on, parse_answers, questions},
    catalog::{
        AfterDeadline, CatalogError, Cited, Product, all_sources, identify_by_issuer, product, product_views, products,
    },
    date::{Date, DateError},
    expiry::{
        ExpiryError, calendar_events, download_reminder_days, not_after_unix, plan as plan_expiry, resolve_term,
        to_ics,
    },
    holidays::holidays_between,
};

#[cfg(test)]
mod messages_tests;

#[cfg(test)]
pub(crate) mod test_support {
    //! The test attribute for native and wasm runs alike.
    #[cfg(not(target_arch = "wasm32"))]
    pub(crate) use core::prelude::v1::test;
    #[cfg(target_arch = "wasm32")]
    pub(crate) use wasm_bindgen_test::wasm_bindgen_test as test;
}

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
