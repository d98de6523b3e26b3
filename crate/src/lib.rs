//! Inkan: personal client certificates made in the browser.
//!
//! This crate is the edge of the library crates: `wasm` binds them for the browser, and its
//! root is the one facade (the list below) through which the CLI (`crate/cli`), the edge worker
//! and the fuzz targets use them. Each item below comes from one of these crates:
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

mod error;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

// The facade: exactly what the CLI, the edge worker, the fuzz targets and `wasm` use, flat, one
// group per feature. Each library crate chose its own surface in its root's list; this one
// picks from those.
pub use error::Error;
// The message machinery is re-exported whole as well: the CLI declares its own catalog with it
// (`i18n::Catalog`), the way each library crate does.
#[cfg(feature = "ca")]
pub use inkan_ca::{
    CertificateProfile, IssueError, IssueRequest, issue as issue_certificate, name as distinguished_name,
};
pub use inkan_i18n::{self as i18n, Localized, Message};
#[cfg(feature = "pki")]
pub use inkan_inspect::{InspectError, client_auth_capable, inspect, smime_capable};
#[cfg(any(feature = "knowledge", feature = "pki"))]
pub use inkan_knowledge::{
    AfterDeadline, Answers, CatalogError, Cited, Date, DateError, ExpiryError, Product, advise, advise_on, all_sources,
    calendar_events, download_reminder_days, identify_by_issuer, not_after_unix, parse_answers, plan_expiry, product,
    product_views, products, questions, resolve_term, to_ics,
};
#[cfg(feature = "pki-core")]
pub use inkan_pki::{
    BACKUP_ITERATIONS, BuildOptions, BuildPlan, BuiltPkcs12, CertificateError, CsrError, CsrOptions, Derivation,
    Derived, Finding, Hash, KeyAlgorithm, KeyError, KeyPurpose, MAX_WRITE_ITERATIONS, MIN_WRITE_ITERATIONS, OpenPlan,
    OpenedPkcs12, ParsedCsr, Password, Pkcs12Error, Pkcs12Profile, PrivateKey, PublicKey, RepackParts, RsaPolicyError,
    SignatureError, Subject, backup_scheme, build_csr, build_pkcs12, build_pkcs12_planned, certificate_facts,
    certificate_public_key, check_email, check_pkcs12_mac, check_pkcs12_mac_within, check_rsa_policy, encode_pem,
    encrypted_key_derivation, encrypted_key_scheme, find_pem_blocks, is_signed_by, looks_like_text, name_attributes,
    name_to_string, open_pkcs12, open_pkcs12_within, order_chain, os_rng, parse_certificates, parse_csr,
    parse_csr_with, pkcs12_pbkdf2_derivations, repack_pkcs12,
};
#[cfg(feature = "documents")]
pub use inkan_pki::{DocumentKey, seal_document};
