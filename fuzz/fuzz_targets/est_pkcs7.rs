//! The issuer's EST answer as the relay reads it: a base64 body (line breaks allowed), the
//! certs-only PKCS#7 inside, then each certificate. Raw DER is tried as well, so the PKCS#7
//! walker is reached without base64 in the way.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn read(der: &[u8]) {
    let Ok(certs) = inkan_worker_core::decode_certs_only(der) else { return };
    // What we read must write back and read again the same.
    let again = inkan_worker_core::encode_certs_only(&certs);
    assert_eq!(inkan_worker_core::decode_certs_only(&again).ok(), Some(certs.clone()));
    for cert in &certs {
        let _ = inkan::parse_certificates(cert);
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(der) = inkan_worker_core::decode_base64_body(data) {
        read(&der);
    }
    read(data);
});
