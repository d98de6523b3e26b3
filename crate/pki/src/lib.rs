//! Inkan's PKI core: keys (RSA, P-256, P-384), PKCS#10 requests, PKCS#12 files (build, plan,
//! open, re-pack), password-based encryption, the DER reader/writer, X.509 certificate facts and
//! (feature `documents`) identity documents sealed with HPKE.
//!
//! It does no I/O and knows nothing of JavaScript, of the product catalog or of the CLI: bytes
//! and values in, bytes and values out, with time and randomness supplied by the caller.
//! May use: `inkan-i18n`, `inkan-calendar`. Used by: `inkan-ca`, `inkan-inspect`, `inkan` (the bindings).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod asn1;
mod csr;
#[cfg(feature = "documents")]
mod documents;
mod findings;
mod kdf;
mod keys;
mod limits;
mod oid;
mod password;
mod pbe;
mod pem;
mod pkcs12;
mod x509;

#[cfg(test)]
mod messages_tests;
#[cfg(test)]
mod test_support;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// This crate's texts (`messages/ja.json`, `messages/en.json`), compiled in.
pub(crate) static MESSAGES: inkan_i18n::Catalog =
    inkan_i18n::Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

/// The key errors' texts (`messages/keys/`), apart: a catalog is linked whole, and the RSA key
/// generation module, which needs only these, would otherwise carry every text of the crate.
pub(crate) static KEY_MESSAGES: inkan_i18n::Catalog =
    inkan_i18n::Catalog::new(include_str!("../messages/keys/ja.json"), include_str!("../messages/keys/en.json"));

// The public surface: every module above is private and this is the one list of what other
// crates may use (the bindings in `inkan`, `inkan-ca`, `inkan-inspect`, the tests). Functions
// whose name only made sense under their module (`pkcs12::open`, `pem::encode`, `x509::facts`)
// take the module's noun here, so a flat name still says what it reads or writes.
#[cfg(feature = "documents")]
pub use documents::{DocumentKey, seal as seal_document};
pub use {
    csr::{CsrError, CsrOptions, KeyPurpose, ParsedCsr, Subject, build_csr, check_email, parse_csr, parse_csr_with},
    findings::{Finding, Severity},
    keys::{
        BACKUP_ITERATIONS, KeyAlgorithm, KeyError, KeySignature, PrivateKey, PublicKey, RsaPolicyError, SignatureError,
        backup_scheme, check_rsa_policy, encrypted_key_derivation, encrypted_key_scheme,
    },
    limits::{MAX_CHAIN_CERTIFICATES, MAX_WRITE_ITERATIONS, MIN_WRITE_ITERATIONS},
    password::{Derivation, Derived, Password},
    // A scheme with its parts: `backup_scheme` hands one out, and a caller may match on it.
    pbe::{Hash, PbeScheme, Pbes2Cipher, Pkcs12Cipher},
    pem::{encode as encode_pem, find_blocks as find_pem_blocks, looks_like_text},
    pkcs12::{
        BuildOptions, BuildPlan, BuiltPkcs12, EncryptionFacts, KeyReport, Mac as Pkcs12Mac, OpenPlan, OpenedPkcs12,
        Pkcs12Error, Pkcs12Profile, RepackParts, Role as CertificateRole, build as build_pkcs12,
        build_planned as build_pkcs12_planned, check_mac as check_pkcs12_mac,
        check_mac_within as check_pkcs12_mac_within, looks_like_pkcs12, open as open_pkcs12,
        open_within as open_pkcs12_within, order_chain, pbkdf2_derivations as pkcs12_pbkdf2_derivations,
        repack as repack_pkcs12,
    },
    x509::{
        CertificateError, CertificateFacts, facts as certificate_facts, is_signed_by, is_weak_signature_algorithm,
        name as distinguished_name, name_attributes, name_to_string, parse_certificates,
        public_key as certificate_public_key,
    },
};

/// The operating system's random number generator: `getrandom` (the OS on native targets,
/// `crypto.getRandomValues` in the browser). A failure here means the platform cannot make
/// keys at all; getrandom documents it as not happening on supported targets.
pub fn os_rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}
