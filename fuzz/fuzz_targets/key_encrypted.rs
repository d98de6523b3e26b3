//! Encrypted PKCS#8 and the key backup file (`ENCRYPTED PRIVATE KEY` PEM), with a password
//! taken from the input. Inputs whose KDF would run more than FUZZ_KDF_WORK iterations are
//! parsed but not decrypted: their time is the KDF's, which `MAX_KDF_ITERATIONS` bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (password, file) = inkan_fuzz::password_and_file(data);
    let _ = inkan::encrypted_key_derivation(file);
    if inkan::encrypted_key_scheme(file).is_some_and(|s| s.kdf_work() > inkan_fuzz::FUZZ_KDF_WORK) {
        return;
    }
    let _ = inkan::PrivateKey::from_pem_or_der(file, Some(&password));
    let _ = inkan::PrivateKey::from_encrypted_pkcs8_der(file, &password);
});
