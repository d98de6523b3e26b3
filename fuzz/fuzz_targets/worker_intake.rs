//! The worker's intake body (`POST /api/applications`) through the sans-I/O check: JSON, the
//! applicant's fields, the download password or client verifier, the CSR and its key checks.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = inkan_worker_core::check_intake(data);
});
