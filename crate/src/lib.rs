//! Inkan: personal client certificates made in the browser.
//!
//! The PKI core (keys, PKCS#10 requests, PKCS#12 files, certificate facts) does no I/O and
//! knows nothing of JavaScript: bytes and values in, bytes and values out, with time and
//! randomness supplied by the caller. [`wasm`] binds it for the browser; the `inkan` CLI
//! (feature `cli`) binds it for the command line.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod advisor;
pub(crate) mod asn1;
pub mod ca;
pub mod catalog;
pub mod csr;
pub mod date;
#[cfg(feature = "documents")]
pub mod documents;
pub mod error;
pub mod expiry;
pub mod findings;
pub mod holidays;
pub mod i18n;
pub mod inspect;
pub(crate) mod kdf;
pub mod keys;
pub mod limits;
pub(crate) mod oid;
pub mod password;
pub mod pbe;
pub mod pem;
pub mod pkcs12;
pub mod x509;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

#[cfg(test)]
pub(crate) mod test_support;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

pub use error::Error;
pub use i18n::{Localized, Message};
pub use keys::{KeyAlgorithm, PrivateKey, PublicKey};
pub use password::Password;
pub use pkcs12::Pkcs12Profile;

/// The operating system's random number generator: `getrandom` (the OS on native targets,
/// `crypto.getRandomValues` in the browser). A failure here means the platform cannot make
/// keys at all; getrandom documents it as not happening on supported targets.
pub fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}
