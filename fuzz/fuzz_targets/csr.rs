//! PKCS#10 request parsing and signature check (PEM or DER).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(csr) = inkan::parse_csr(data) {
        let _ = serde_json::to_string(&csr);
    }
});
