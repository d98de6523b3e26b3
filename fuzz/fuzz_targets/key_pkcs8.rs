//! Key import without a password: PKCS#8, PKCS#1 and SEC1 (PEM or DER), and SubjectPublicKeyInfo.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(key) = inkan::PrivateKey::from_pem_or_der(data, None) {
        let _ = key.info();
        let _ = key.check_strength();
    }
    let _ = inkan::PrivateKey::from_pkcs8_der(data);
    if let Ok(public) = inkan::PublicKey::from_spki_der(data) {
        let _ = public.info();
        let _ = public.check_strength();
    }
});
