//! Inkan's PKI core: keys (RSA, P-256, P-384), PKCS#10 requests, PKCS#12 files (build, plan,
//! open, re-pack), password-based encryption, the DER reader/writer, X.509 certificate facts and
//! (feature `documents`) identity documents sealed with HPKE.
//!
//! It does no I/O and knows nothing of JavaScript, of the product catalog or of the CLI: bytes
//! and values in, bytes and values out, with time and randomness supplied by the caller.
//! May use: `inkan-i18n`, `inkan-calendar`. Used by: `inkan-ca`, `inkan-inspect`, `inkan` (the bindings).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub(crate) mod asn1;
pub mod csr;
#[cfg(feature = "documents")]
pub mod documents;
pub mod findings;
pub(crate) mod kdf;
pub mod keys;
pub mod limits;
pub(crate) mod oid;
pub mod password;
pub mod pbe;
pub mod pem;
pub mod pkcs12;
pub mod x509;

#[cfg(test)]
mod messages_tests;
#[cfg(test)]
pub(crate) mod test_support;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// This crate's texts (`messages/ja.json`, `messages/en.json`), compiled in.
pub(crate) static MESSAGES: inkan_i18n::Catalog =
    inkan_i18n::Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

/// The key errors' texts (`messages/keys/`), apart: a catalog is linked whole, and the RSA key
/// generation module, which needs only these, would otherwise carry every text of the crate.
pub(crate) static KEY_MESSAGES: inkan_i18n::Catalog =
    inkan_i18n::Catalog::new(include_str!("../messages/keys/ja.json"), include_str!("../messages/keys/en.json"));

pub use keys::{KeyAlgorithm, PrivateKey, PublicKey};
pub use password::Password;
pub use pkcs12::Pkcs12Profile;

/// The operating system's random number generator: `getrandom` (the OS on native targets,
/// `crypto.getRandomValues` in the browser). A failure here means the platform cannot make
/// keys at all; getrandom documents it as not happening on supported targets.
pub fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}
