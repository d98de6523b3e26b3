//! The PKCS#12 MAC (RFC 7292 section 5, HMAC keyed by the PKCS#12 KDF) and PBMAC1 (RFC 9579):
//! written on build, and verified on open trying the password encodings real tools use.

use crate::asn1::{self, DerReader, tag};
use crate::limits::MAX_KDF_ITERATIONS;
use crate::password::{Derivation, Password, PasswordEncoding};
use crate::pbe::{self, Hash, KdfPurpose};

use super::error::Pkcs12Error;
use super::is;
use super::report::Mac;
use super::state::OpenState;

pub(super) fn pbmac1_derivation(mac_data: &[u8]) -> Option<Derivation> {
    let mut m = DerReader::new(mac_data);
    let mut alg = m.sequence().ok()?.sequence().ok()?;
    if !is(alg.oid().ok()?, crate::oid::PBMAC1) {
        return None;
    }
    let mut params = alg.sequence().ok()?;
    let mut kdf = params.sequence().ok()?;
    if !is(kdf.oid().ok()?, crate::oid::PBKDF2) {
        return None;
    }
    let (prf, salt, iterations, key_len) = pbe::parse_pbkdf2_params(&mut kdf.sequence().ok()?).ok()?;
    let hmac = Hash::from_hmac_oid(params.sequence().ok()?.oid().ok()?).ok()?;
    let len = usize::try_from(key_len.unwrap_or(hmac.output_len() as u64)).ok()?;
    Some(Derivation::Pbkdf2 { prf, salt, iterations, len })
}

/// The MacData of a file we write (RFC 7292 section 4): HMAC over the authenticated safe, keyed
/// by the PKCS#12 KDF over the password's BMPString `bmp`.
pub(super) fn mac_data(
    password: &Password,
    bmp: &[u8],
    hash: Hash,
    salt: &[u8],
    iterations: u32,
    auth_safe: &[u8],
) -> Vec<u8> {
    let key = password.pkcs12_kdf(hash, bmp, salt, KdfPurpose::Mac, iterations, hash.output_len());
    let mac = hash.hmac(&key, auth_safe);
    asn1::sequence(&[
        &asn1::sequence(&[
            &asn1::sequence(&[&asn1::oid(hash.digest_oid().as_bytes()), &asn1::tlv(tag::NULL, &[])]),
            &asn1::octet_string(&mac),
        ]),
        &asn1::octet_string(salt),
        &asn1::uint(u64::from(iterations)),
    ])
}

/// Verifies the MAC, trying the password encodings real tools use. Returns (name, iterations).
pub(super) fn verify_mac(
    mac_data: &[u8],
    auth_safe: &[u8],
    state: &mut OpenState<'_>,
) -> Result<(Mac, u32), Pkcs12Error> {
    let mut m = DerReader::new(mac_data);
    let mut digest_info = m.sequence()?;
    let mut alg = digest_info.sequence()?;
    let alg_oid = alg.oid()?;
    let expected = digest_info.octet_string()?;
    let salt = m.octet_string()?;
    pbe::check_salt(salt)?;
    let iterations = match m.peek_tag() {
        Some(tag::INTEGER) => m.uint()?,
        _ => 1,
    };
    if iterations == 0 {
        return Err(Pkcs12Error::Corrupt { detail: "mac iterations" });
    }
    if iterations > MAX_KDF_ITERATIONS {
        return Err(Pkcs12Error::LimitExceeded {
            what: "mac iterations",
            value: iterations,
            limit: MAX_KDF_ITERATIONS,
        });
    }
    let iterations = u32::try_from(iterations).map_err(|_| Pkcs12Error::Corrupt { detail: "mac iterations" })?;

    if is(alg_oid, crate::oid::PBMAC1) {
        // RFC 9579: the key comes from PBKDF2 over the UTF-8 password; MacData's own salt and
        // iterations are ignored.
        let mut params = alg.sequence()?;
        let mut kdf = params.sequence()?;
        let kdf_oid = kdf.oid()?;
        if !is(kdf_oid, crate::oid::PBKDF2) {
            return Err(Pkcs12Error::UnsupportedAlgorithm { algorithm: crate::oid::algorithm_name(kdf_oid) });
        }
        let (prf, kdf_salt, kdf_iter, key_len) = pbe::parse_pbkdf2_params(&mut kdf.sequence()?)?;
        let mut scheme = params.sequence()?;
        let hmac = Hash::from_hmac_oid(scheme.oid()?)?;
        let key_len = usize::try_from(key_len.unwrap_or(hmac.output_len() as u64))
            .ok()
            .filter(|&l| (1..=64).contains(&l))
            .ok_or(Pkcs12Error::Corrupt { detail: "pbmac1 key length" })?;
        let derivation = Derivation::Pbkdf2 { prf, salt: kdf_salt, iterations: kdf_iter, len: key_len };
        state.charge_kdf(u64::from(kdf_iter))?;
        let key = state.password.derive(&derivation);
        if !constant_time_eq(&hmac.hmac(&key, auth_safe), expected) {
            return Err(Pkcs12Error::WrongPassword);
        }
        state.mac_verified = true;
        state.mac_derived = Some((derivation, key));
        return Ok((Mac::Pbmac1(hmac), kdf_iter));
    }

    let hash = Hash::from_digest_oid(alg_oid)?;
    let mut candidates = vec![(PasswordEncoding::Bmp, state.password.bmp())];
    candidates.extend(state.password.bmp_alternatives());
    for (encoding, bmp) in candidates {
        let derivation = Derivation::Pkcs12 {
            hash,
            encoded: bmp.clone(),
            salt: salt.to_vec(),
            purpose: KdfPurpose::Mac,
            iterations,
            len: hash.output_len(),
        };
        state.charge_kdf(u64::from(iterations))?;
        let key = state.password.derive(&derivation);
        if constant_time_eq(&hash.hmac(&key, auth_safe), expected) {
            state.mac_derived = Some((derivation, key));
            state.bmp = bmp;
            state.encoding = encoding;
            state.mac_verified = true;
            if hash == Hash::Sha1 {
                state.legacy = true;
            }
            return Ok((Mac::Hmac(hash), iterations));
        }
    }
    Err(Pkcs12Error::WrongPassword)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
