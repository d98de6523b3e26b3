//! The inspector ("is this certificate OK?") on anything a user drops on it, without a password
//! (certificates, chains, CSRs; a `.p12` stops at `password_required`, the `p12_*` targets
//! open those) and on a fixed day.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(at) = inkan::Date::new(2026, 6, 1) else { return };
    if let Ok(report) = inkan::inspect(data, None, at) {
        let _ = serde_json::to_string(&report);
    }
});
