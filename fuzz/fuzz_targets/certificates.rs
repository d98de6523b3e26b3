//! Certificate and chain parsing (PEM or DER) and every fact the product shows of each.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(certs) = inkan::parse_certificates(data) else { return };
    for c in &certs {
        let facts = inkan::certificate_facts(c);
        let _ = inkan::smime_capable(&facts);
        let _ = inkan::client_auth_capable(&facts);
        let _ = inkan::identify_by_issuer(&facts.issuer);
        if let Some(key) = inkan::certificate_public_key(c) {
            let _ = key.info();
            let _ = key.check_strength();
        }
        let _ = inkan::is_signed_by(c, c);
    }
    if let Some((leaf, rest)) = certs.split_first() {
        let _ = inkan::order_chain(leaf.clone(), rest.to_vec());
    }
});
