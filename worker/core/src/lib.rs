//! The sans-I/O core of Inkan's edge worker: it takes an applicant's CSR and download password,
//! relays the CSR to an issuer, holds the certificate during the download window and sends the
//! reminders.
//!
//! Every module here takes time (unix seconds) and randomness from its caller and reaches
//! storage, the issuer and the network only through the [`Store`], `Issuer`, [`Pbkdf2`],
//! [`Mailer`] and [`HttpClient`] traits. Two thin adapter
//! crates bind it: `inkan-worker` (`worker/native/`: axum + tokio + SQLite, the embedded
//! default) and `inkan-worker-workers` (`worker/workers/`: Cloudflare Workers + D1, wasm32).
//!
//! What this crate may depend on: the `inkan` library and pure computation crates (RustCrypto,
//! serde, tracing's macros; `ring` natively, for the fast CSR signature check). No runtime, no
//! server, no database, no socket: it compiles for native targets and for wasm32 alike, and
//! the adapters are not reachable from here (a dependency cycle the compiler refuses).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod api;
mod application;
mod client;
mod config;
mod documents;
mod hex;
mod http;
mod ids;
mod intake;
mod issuer;
mod keycheck;
mod lockout;
mod mailbox;
mod password;
mod pkcs7;
mod reminders;
mod review;
mod signature;
mod signing;
mod site;
mod store;
mod window;

// The public surface: every module above is private and this is the one list of what the two
// adapters (`worker/native`, `worker/workers`), their examples and the fuzz targets use.
// Functions whose name only made sense under their module take its noun (`intake::check` ->
// `check_intake`, `api::handles` -> `api_handles`, `reminders::signature` ->
// `reminder_signature`); `signature::parse_csr` is `parse_csr_fast`, apart from the core's
// `inkan::parse_csr` it wraps.
pub use {
    api::{ApiError, DownloadProof, Service, handles as api_handles, parse_download_body, refuse},
    application::Application,
    client::{Cidr, client_address},
    config::{ConfigError, Settings, SmtpTls},
    documents::SealedDocument,
    hex::hex,
    http::{ApiRequest, ApiResponse, HttpClient, Inbound, Outbound, TransportError},
    ids::log_ref,
    intake::{Admission, check as check_intake},
    issuer::{
        AnyIssuer,
        est::decode_base64_body,
        local::{CaMaterial, LocalCa},
    },
    lockout::{Charge, LockoutPolicy},
    mailbox::{MailError, Mailer, OutgoingMail},
    password::{
        ClientVerifier, HASH_BYTES, PasswordError, Pbkdf2, VerifierBody, check_password, client_kdf_params,
        derive_in_software, verify_derived,
    },
    pkcs7::{decode_certs_only, encode_certs_only},
    reminders::{Reminder, ReminderState, signature as reminder_signature},
    review::AuditEntry,
    signature::parse_csr as parse_csr_fast,
    site::{file_headers, security_headers},
    // The storage contract both stores implement, with the SQL the SQLite and D1 stores share.
    store::{
        AUDIT_APPEND_SQL, AUDIT_LIST_SQL, CHARGE_SQL, CLEAR_SQL, COUNT_EVENT_SQL, DOCUMENT_PUT_SQL,
        DOCUMENTS_DELETE_SQL, DOCUMENTS_SQL, Inserted, LIST_SQL, LOCKED_UNTIL_SQL, NO_DECAY, PURGE_ATTEMPTS_SQL,
        PURGE_WINDOWS_SQL, QueueFilter, REFUND_SQL, SCHEMA, Store, StoreError, count_in_window, event_outcome,
        schema_statements, settle_save,
    },
};
// Each step of the key check on its own, for the intake profile
// (`worker/native/examples/intake_profile.rs`), which times them apart.
pub use keycheck::{FERMAT_STEPS, check_public_key, check_rsa, fermat_factor, has_roca_fingerprint, small_factor};

/// Seconds since the Unix epoch (UTC).
pub type UnixTime = i64;

/// Seconds in a day.
pub const DAY: i64 = 86_400;

/// Japan Standard Time's offset from UTC (no daylight saving): calendar days in this worker are
/// Japanese days, as in every seed (the sellers count days in Japan).
pub const JST_OFFSET: i64 = 9 * 3_600;

/// The Japanese calendar day a moment falls on.
pub fn jst_date(at: UnixTime) -> Result<inkan::Date, inkan::DateError> {
    inkan::Date::from_days_since_epoch((at + JST_OFFSET).div_euclid(DAY))
}

/// 09:00 JST on a day (00:00 UTC): when a dated notice is sent.
pub fn morning_jst(date: inkan::Date) -> UnixTime {
    date.days_since_epoch() * DAY
}
