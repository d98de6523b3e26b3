//! Inkan: personal client certificates made in the browser.
//!
//! This crate is the edge of the library crates: [`wasm`] binds them for the browser, and its
//! root is the one facade (the list below) through which the CLI (`crate/cli`), the edge worker
//! and the fuzz targets use them. Each module below lives in its own crate:
//!
//! - `inkan-pki` (`crate/pki`): keys, PKCS#10, PKCS#12, PBE, PEM, X.509 facts, sealed documents.
//!   No I/O, no JS, no product knowledge.
//! - `inkan-knowledge` (`crate/knowledge`): catalog, dates, holidays, expiry, advisor. No
//!   cryptography.
//! - `inkan-inspect` (`crate/inspect`): the inspector, where certificate facts meet the catalog.
//! - `inkan-ca` (`crate/ca`): the local CA.
//! - `inkan-i18n` (`crate/i18n`): the bilingual message every error carries.
//! - `inkan-calendar` (`crate/calendar`): the one days ↔ civil date arithmetic.
//!
//! The features choose which crates a wasm module is built from (see `Cargo.toml`).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

pub use error::Error;
#[cfg(feature = "ca")]
pub use inkan_ca as ca;
pub use inkan_i18n as i18n;
pub use inkan_i18n::{Localized, Message};
#[cfg(feature = "pki")]
pub use inkan_inspect as inspect;
#[cfg(any(feature = "knowledge", feature = "pki"))]
pub use inkan_knowledge::{advisor, catalog, date, expiry, holidays};
#[cfg(feature = "documents")]
pub use inkan_pki::documents;
#[cfg(feature = "pki-core")]
pub use inkan_pki::{
    KeyAlgorithm, Password, Pkcs12Profile, PrivateKey, PublicKey, csr, findings, keys, limits, os_rng, password, pbe,
    pem, pkcs12, x509,
};
