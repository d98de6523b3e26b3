//! The worker's certificate download body (`POST /api/applications/{id}/certificate`) through
//! its sans-I/O parser, `inkan_worker_core::parse_download_body`, then what a parsed proof meets:
//! the stored-hash check for a derived verifier and the password rules. A refusal must never
//! repeat the body's text (it may hold the password).
#![no_main]
use inkan_worker_core::{DownloadProof, parse_download_body};
use libfuzzer_sys::fuzz_target;

const STORED: &str =
    "$pbkdf2-sha256-client$i=600000$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

fuzz_target!(|data: &[u8]| {
    match parse_download_body(data) {
        Ok(DownloadProof::Derived(bytes)) => {
            assert_eq!(bytes.len(), inkan_worker_core::HASH_BYTES);
            let _ = inkan_worker_core::verify_derived(&bytes, STORED);
        }
        Ok(DownloadProof::Password(password)) => {
            let _ = inkan_worker_core::check_password(&password);
        }
        Err(refusal) => {
            assert!((400..500).contains(&refusal.status), "a bad body is the client's error: {}", refusal.status);
            // No echo: a password-like value from the body (8+ characters with a symbol no
            // refusal text holds) never appears in the answer.
            if let (Ok(text), Ok(answer)) = (std::str::from_utf8(data), std::str::from_utf8(&refusal.body)) {
                if let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(text) {
                    for value in map.values() {
                        if let Some(v) =
                            value.as_str().filter(|v| v.len() >= 8 && v.contains(['#', '%', '&', '|', '~']))
                        {
                            assert!(!answer.contains(v), "the refusal repeats a value of the body");
                        }
                    }
                }
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = inkan_worker_core::client_kdf_params(text);
        let _ = inkan_worker_core::verify_derived(&[0u8; 32], text);
    }
});
