//! Helpers shared by the unit tests, native and wasm alike.

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use core::prelude::v1::test;
#[cfg(target_arch = "wasm32")]
pub(crate) use wasm_bindgen_test::wasm_bindgen_test as test;

use x509_cert::Certificate;

use crate::keys::PrivateKey;

/// The operating system's CSPRNG (crypto.getRandomValues in the browser).
pub(crate) fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// Issues a test certificate with the local CA ([`inkan_ca::test_certificate`]): a root when
/// `issuer` is `None`, else a personal certificate (or an intermediate when the CN says so).
pub(crate) fn self_signed(key: &PrivateKey, cn: &str, issuer: Option<(&PrivateKey, &Certificate)>) -> Certificate {
    // inkan-ca links its own build of this crate, whose key type is not ours: hand it the keys
    // as PKCS#8 (certificates are x509-cert's type on both sides).
    let theirs = |k: &PrivateKey| {
        inkan_ca::PrivateKey::from_pkcs8_der(&k.to_pkcs8_der().expect("pkcs8")).expect("the CA reads our key")
    };
    let key = theirs(key);
    let issuer = issuer.map(|(k, c)| (theirs(k), c.clone()));
    inkan_ca::test_certificate(&key, cn, issuer.as_ref().map(|(k, c)| (k, c))).expect("issue")
}
