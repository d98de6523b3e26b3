//! Helpers shared by the unit tests, native and wasm alike.

#[cfg(not(target_arch = "wasm32"))]
pub(crate) use core::prelude::v1::test;
#[cfg(target_arch = "wasm32")]
pub(crate) use wasm_bindgen_test::wasm_bindgen_test as test;

use x509_cert::Certificate;

use crate::ca::{CertificateProfile, IssueRequest, issue, name};
use crate::keys::PrivateKey;

/// The operating system's CSPRNG (crypto.getRandomValues in the browser).
pub(crate) fn rng() -> rand_core::UnwrapErr<getrandom::SysRng> {
    rand_core::UnwrapErr(getrandom::SysRng)
}

/// Issues a test certificate: a root when `issuer` is `None`, else a personal certificate
/// (or an intermediate when the CN says so) signed by it.
pub(crate) fn self_signed(key: &PrivateKey, cn: &str, issuer: Option<(&PrivateKey, &Certificate)>) -> Certificate {
    let public = key.public_key();
    let profile = match (issuer, cn.contains("Intermediate")) {
        (None, _) => CertificateProfile::Root,
        (Some(_), true) => CertificateProfile::Intermediate,
        (Some(_), false) => CertificateProfile::Personal { emails: vec!["taro@example.jp".into()] },
    };
    let req = IssueRequest {
        subject: name(&[("C", "JP"), ("CN", cn)]).expect("name"),
        subject_key: &public,
        not_before: 1_767_225_600, // 2026-01-01
        not_after: 1_798_761_600,  // 2027-01-01
        serial: [0x42; 16],
        profile,
    };
    match issuer {
        None => issue(req, key, None).expect("issue root"),
        Some((ik, ic)) => issue(req, ik, Some(ic)).expect("issue"),
    }
}
