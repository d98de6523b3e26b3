//! The pure pieces the worker's certificate download (`POST /api/applications/{id}/download`)
//! runs on the body, until api.rs exposes its body parser: the base64 reader for
//! `download_password_verifier`, the download password check, and the stored-hash readers a
//! crafted verifier meets. The input is a JSON string value's text.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(bytes) = inkan_worker::password::decode_base64(text) {
        // What we decode must encode back to bytes that decode the same.
        let again = inkan_worker::password::encode_base64(&bytes);
        assert_eq!(inkan_worker::password::decode_base64(&again).as_deref(), Some(&bytes[..]));
        let _ = inkan_worker::password::verify_derived(
            &bytes,
            "$pbkdf2-sha256-client$i=600000$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        );
    }
    let _ = inkan_worker::password::check_password(text);
    let _ = inkan_worker::password::client_kdf_params(text);
    let _ = inkan_worker::password::verify_derived(&[0u8; 32], text);
});
