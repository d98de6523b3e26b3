//! The password-candidates check (`checkPkcs12Password` in the browser): the MAC alone, the full
//! open for files without a MAC, and the PBKDF2 derivations read before any password is known
//! (what the site hands to WebCrypto).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (password, file) = inkan_fuzz::password_and_file(data);
    let _ = inkan::pkcs12_pbkdf2_derivations(file);
    match inkan::check_pkcs12_mac_within(file, &password, inkan_fuzz::FUZZ_KDF_WORK) {
        Ok(None) => {
            let _ = inkan::open_pkcs12_within(file, &password, inkan_fuzz::FUZZ_KDF_WORK);
        }
        Ok(Some((derivation, output))) => {
            // The derivation handed back must be what the next open uses.
            let again = password.clone().with_derived(derivation, output);
            let _ = inkan::open_pkcs12_within(file, &again, inkan_fuzz::FUZZ_KDF_WORK);
        }
        Err(_) => {}
    }
});
