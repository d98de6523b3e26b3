//! The sans-I/O core of Inkan's edge worker: it takes an applicant's CSR and download password,
//! relays the CSR to an issuer, holds the certificate during the download window and sends the
//! reminders.
//!
//! Every module here takes time (unix seconds) and randomness from its caller and reaches
//! storage, the issuer and the network only through the [`store::Store`], [`issuer::Issuer`],
//! [`password::Pbkdf2`], [`mailbox::Mailer`] and [`http::HttpClient`] traits. Two thin adapter
//! crates bind it: `inkan-worker` (`worker/native/`: axum + tokio + SQLite, the embedded
//! default) and `inkan-worker-workers` (`worker/workers/`: Cloudflare Workers + D1, wasm32).
//!
//! What this crate may depend on: the `inkan` library and pure computation crates (RustCrypto,
//! serde, tracing's macros; `ring` natively, for the fast CSR signature check). No runtime, no
//! server, no database, no socket: it compiles for native targets and for wasm32 alike, and
//! the adapters are not reachable from here (a dependency cycle the compiler refuses).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod api;
pub mod application;
pub mod client;
pub mod config;
pub mod documents;
pub mod http;
pub mod ids;
pub mod intake;
pub mod issuer;
pub mod keycheck;
pub mod lockout;
pub mod mailbox;
pub mod password;
pub mod pkcs7;
pub mod reminders;
pub mod review;
pub mod signature;
pub mod signing;
pub mod site;
pub mod store;
pub mod window;

#[cfg(test)]
mod messages_tests;

/// The worker's texts in Japanese and English (`messages/ja.json`, `messages/en.json`): each
/// error's `message()` and the mails only name a key and its arguments.
pub(crate) static MESSAGES: inkan::i18n::Catalog =
    inkan::i18n::Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

/// Seconds since the Unix epoch (UTC).
pub type UnixTime = i64;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Japan Standard Time's offset from UTC (no daylight saving): calendar days in this worker are
/// Japanese days, as in every seed (the sellers count days in Japan).
pub const JST_OFFSET: i64 = 9 * 3_600;

/// The Japanese calendar day a moment falls on.
pub fn jst_date(at: UnixTime) -> Result<inkan::date::Date, inkan::date::DateError> {
    inkan::date::Date::from_days_since_epoch((at + JST_OFFSET).div_euclid(DAY))
}

/// 09:00 JST on a day (00:00 UTC): when a dated notice is sent.
pub fn morning_jst(date: inkan::date::Date) -> UnixTime {
    date.days_since_epoch() * DAY
}
