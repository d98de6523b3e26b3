//! `.p12` open with a password taken from the input: seeded with each fixture under its right
//! password and, where the fixtures have one, a wrong one. Everything the opener hands back is
//! read (the report walks every certificate's facts).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (password, file) = inkan_fuzz::password_and_file(data);
    if let Ok(opened) = inkan::open_pkcs12_within(file, &password, inkan_fuzz::FUZZ_KDF_WORK) {
        let report = opened.report();
        let _ = serde_json::to_string(&report);
        let _ = opened.key_matches_certificate();
        let _ = opened.key_info();
    }
});
