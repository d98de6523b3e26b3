//! The CSR signature check on the intake path.
//!
//! Verifying the CSR's signature is most of an intake's CPU: with the `rsa` crate an RSA-2048
//! verify took ~70 µs and a P-256 one ~330 µs here (`examples/intake_profile.rs`), against
//! ~16 µs for OpenSSL. Natively the worker therefore asks `ring` first (assembly bignum and
//! curve code; ~15 µs RSA-2048, ~40 µs P-256, already in the tree through rustls). The verdict
//! stays the core's: a signature ring accepts is valid, and anything ring refuses or does not
//! cover (RSA outside 2048..=8192 bits or with an exponent ring rejects, ECDSA with SHA-512,
//! a malformed signature) is checked again by [`PublicKey::verify`], so ring can only make a
//! valid request faster, never change which requests pass. The Workers build (wasm32) uses the
//! core's check alone.

use inkan::{CsrError, ParsedCsr, PublicKey, SignatureError};

/// [`inkan::parse_csr`] with the fast native signature check.
pub fn parse_csr(input: &[u8]) -> Result<ParsedCsr, CsrError> {
    inkan::parse_csr_with(input, &check)
}

/// Same verdict as [`PublicKey::verify`], faster where ring covers the key and algorithm.
pub fn check(
    key: &PublicKey,
    algorithm: &const_oid::ObjectIdentifier,
    signed: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    #[cfg(not(target_arch = "wasm32"))]
    if native::verify(key, algorithm, signed, signature) {
        return Ok(());
    }
    key.verify(algorithm, signed, signature)
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use const_oid::db::rfc5912 as oid;
    use inkan::PublicKey;
    use ring::signature as r;

    /// Whether ring accepts the signature (false also when ring does not cover the case).
    pub(super) fn verify(
        key: &PublicKey,
        algorithm: &const_oid::ObjectIdentifier,
        signed: &[u8],
        signature: &[u8],
    ) -> bool {
        match key {
            PublicKey::Rsa(k) => {
                use rsa::traits::PublicKeyParts as _;
                let scheme: &r::RsaParameters = match *algorithm {
                    a if a == oid::SHA_256_WITH_RSA_ENCRYPTION => &r::RSA_PKCS1_2048_8192_SHA256,
                    a if a == oid::SHA_384_WITH_RSA_ENCRYPTION => &r::RSA_PKCS1_2048_8192_SHA384,
                    a if a == oid::SHA_512_WITH_RSA_ENCRYPTION => &r::RSA_PKCS1_2048_8192_SHA512,
                    _ => return false,
                };
                let (n, e) = (k.n_bytes(), k.e_bytes());
                r::RsaPublicKeyComponents { n: &n[..], e: &e[..] }.verify(scheme, signed, signature).is_ok()
            }
            PublicKey::P256(k) => ecdsa(&k.to_sec1_bytes(), algorithm, signed, signature, false),
            PublicKey::P384(k) => ecdsa(&k.to_sec1_bytes(), algorithm, signed, signature, true),
            _ => false,
        }
    }

    fn ecdsa(
        point: &[u8],
        algorithm: &const_oid::ObjectIdentifier,
        signed: &[u8],
        signature: &[u8],
        p384: bool,
    ) -> bool {
        let scheme: &r::EcdsaVerificationAlgorithm = match (*algorithm, p384) {
            (a, false) if a == oid::ECDSA_WITH_SHA_256 => &r::ECDSA_P256_SHA256_ASN1,
            (a, false) if a == oid::ECDSA_WITH_SHA_384 => &r::ECDSA_P256_SHA384_ASN1,
            (a, true) if a == oid::ECDSA_WITH_SHA_256 => &r::ECDSA_P384_SHA256_ASN1,
            (a, true) if a == oid::ECDSA_WITH_SHA_384 => &r::ECDSA_P384_SHA384_ASN1,
            _ => return false,
        };
        // ring reads the uncompressed SEC1 form only, which is what the key types write.
        point.first() == Some(&0x04) && r::UnparsedPublicKey::new(scheme, point).verify(signed, signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan::{CsrOptions, KeyAlgorithm, PrivateKey, Subject, build_csr};

    /// The pieces of a request that its signature covers, as `parse_csr_with` hands them over.
    #[cfg(not(target_arch = "wasm32"))]
    fn pieces(der: &[u8]) -> (PublicKey, const_oid::ObjectIdentifier, Vec<u8>, Vec<u8>) {
        use der::{Decode as _, Encode as _};
        let req = x509_cert::request::CertReq::from_der(der).expect("csr");
        let key = PublicKey::from_spki_der(&req.info.public_key.to_der().expect("spki")).expect("key");
        let tbs = req.info.to_der().expect("tbs");
        (key, req.algorithm.oid, tbs, req.signature.as_bytes().expect("bits").to_vec())
    }

    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn ring_and_the_core_agree_on_good_and_tampered_requests() {
        let subject =
            Subject {
                common_name: "山田 太郎".into(), email: Some("taro@example.jp".into()), ..Subject::default()
            };
        for algorithm in [KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072, KeyAlgorithm::P256, KeyAlgorithm::P384] {
            let key = PrivateKey::generate(algorithm, &mut inkan::os_rng()).expect("key");
            let csr = build_csr(&key, &subject, &CsrOptions::default()).expect("csr");
            let (public, alg, tbs, sig) = pieces(&csr.der);
            assert!(native::verify(&public, &alg, &tbs, &sig), "{algorithm:?}: ring verifies what we signed");
            assert_eq!(public.verify(&alg, &tbs, &sig), Ok(()), "{algorithm:?}: so does the core");
            assert_eq!(check(&public, &alg, &tbs, &sig), Ok(()));

            let mut bad_sig = sig.clone();
            let last = bad_sig.len() - 1;
            bad_sig[last] ^= 1;
            let mut bad_tbs = tbs.clone();
            bad_tbs[tbs.len() / 2] ^= 0x20;
            for (what, t, s) in [("signature", &tbs, &bad_sig), ("signed bytes", &bad_tbs, &sig)] {
                assert!(!native::verify(&public, &alg, t, s), "{algorithm:?}: ring refuses tampered {what}");
                assert_eq!(check(&public, &alg, t, s), public.verify(&alg, t, s), "{algorithm:?} {what}");
                assert_eq!(check(&public, &alg, t, s), Err(SignatureError::Invalid), "{algorithm:?} {what}");
            }
            // A signature made under another algorithm than the one named fails both ways.
            let other = if alg == const_oid::db::rfc5912::SHA_256_WITH_RSA_ENCRYPTION {
                const_oid::db::rfc5912::SHA_384_WITH_RSA_ENCRYPTION
            } else if alg == const_oid::db::rfc5912::ECDSA_WITH_SHA_256 {
                const_oid::db::rfc5912::ECDSA_WITH_SHA_384
            } else {
                const_oid::db::rfc5912::ECDSA_WITH_SHA_256
            };
            assert!(!native::verify(&public, &other, &tbs, &sig));
            assert_eq!(check(&public, &other, &tbs, &sig), public.verify(&other, &tbs, &sig));
        }
    }

    #[test]
    fn parse_csr_gives_the_cores_answers() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut inkan::os_rng()).expect("key");
        let subject =
            Subject { common_name: "Taro".into(), email: Some("taro@example.jp".into()), ..Subject::default() };
        let csr = build_csr(&key, &subject, &CsrOptions::default()).expect("csr");
        let ours = parse_csr(csr.pem.as_bytes()).expect("verifies");
        let core = inkan::parse_csr(csr.pem.as_bytes()).expect("verifies");
        assert_eq!((ours.der, ours.emails, ours.public_key), (core.der, core.emails, core.public_key));
        let mut der = csr.der.clone();
        let last = der.len() - 1;
        der[last] ^= 1;
        assert_eq!(parse_csr(&der).map(|_| ()), inkan::parse_csr(&der).map(|_| ()));
        assert_eq!(inkan::i18n::Localized::code(&parse_csr(&der).expect_err("tampered")), "csr_signature_invalid");
    }
}
