//! Inkan's edge worker: the native and Cloudflare Workers adapters over the sans-I/O core
//! (`inkan-worker-core`, `worker/core/`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use inkan_worker_core::{
    DAY, JST_OFFSET, UnixTime, api, application, client, config, documents, http, ids, intake, issuer, jst_date,
    keycheck, lockout, mailbox, morning_jst, password, pkcs7, reminders, review, signature, signing, site, store,
    window,
};

#[cfg(not(target_arch = "wasm32"))]
pub mod native;

#[cfg(target_arch = "wasm32")]
pub mod workers;
