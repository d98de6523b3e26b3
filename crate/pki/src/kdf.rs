//! The key-derivation functions under every password: PBKDF2 (RFC 8018) and the PKCS#12 KDF
//! (RFC 7292 appendix B), and the HMAC they and the PKCS#12 MAC use.
//!
//! Bytes in, bytes out: this module knows nothing of passwords' encodings (`password`) or of
//! the ASN.1 that names these functions (`pbe`). Depends on nothing else in the crate.

use digest::{Digest, FixedOutputReset, block_api::BlockSizeUser};
use zeroize::Zeroizing;

/// The pseudo-random function of PBKDF2, also the HMAC of a MAC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    /// SHA-1: still the default PRF of PBKDF2 and the legacy PKCS#12 MAC.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

impl Hash {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Hash::Sha1 => "sha1",
            Hash::Sha256 => "sha256",
            Hash::Sha384 => "sha384",
            Hash::Sha512 => "sha512",
        }
    }

    pub(crate) fn output_len(self) -> usize {
        match self {
            Hash::Sha1 => 20,
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }

    /// PBKDF2 with HMAC over this hash.
    pub(crate) fn pbkdf2(self, password: &[u8], salt: &[u8], iterations: u32, out: &mut [u8]) {
        match self {
            Hash::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, iterations, out),
            Hash::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, out),
            Hash::Sha384 => pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, salt, iterations, out),
            Hash::Sha512 => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, salt, iterations, out),
        }
    }

    /// The PKCS#12 KDF over this hash.
    pub(crate) fn pkcs12_kdf(
        self,
        password_bmp: &[u8],
        salt: &[u8],
        id: KdfPurpose,
        iterations: u32,
        len: usize,
    ) -> Zeroizing<Vec<u8>> {
        match self {
            Hash::Sha1 => pkcs12_kdf::<sha1::Sha1>(password_bmp, salt, id, iterations, len),
            Hash::Sha256 => pkcs12_kdf::<sha2::Sha256>(password_bmp, salt, id, iterations, len),
            Hash::Sha384 => pkcs12_kdf::<sha2::Sha384>(password_bmp, salt, id, iterations, len),
            Hash::Sha512 => pkcs12_kdf::<sha2::Sha512>(password_bmp, salt, id, iterations, len),
        }
    }

    /// HMAC over `data`, compared in constant time against `expected` when given.
    pub(crate) fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        use hmac::Mac;
        macro_rules! run {
            ($d:ty) => {{
                // HMAC accepts keys of any length, so this cannot fail.
                let mut mac = <hmac::Hmac<$d> as hmac::KeyInit>::new_from_slice(key)
                    .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
                mac.update(data);
                mac.finalize().into_bytes().to_vec()
            }};
        }
        match self {
            Hash::Sha1 => run!(sha1::Sha1),
            Hash::Sha256 => run!(sha2::Sha256),
            Hash::Sha384 => run!(sha2::Sha384),
            Hash::Sha512 => run!(sha2::Sha512),
        }
    }
}

/// The diversifier ID of the PKCS#12 KDF (RFC 7292 B.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KdfPurpose {
    /// Encryption key material.
    Key = 1,
    /// An IV.
    Iv = 2,
    /// A MAC key.
    Mac = 3,
}

/// RFC 7292 appendix B.2. `password_bmp` is already BMP-encoded with its NUL terminator.
fn pkcs12_kdf<D>(password_bmp: &[u8], salt: &[u8], id: KdfPurpose, iterations: u32, len: usize) -> Zeroizing<Vec<u8>>
where
    D: Digest + FixedOutputReset + BlockSizeUser,
{
    let u = <D as Digest>::output_size();
    let v = <D as BlockSizeUser>::block_size();
    let fill = |src: &[u8]| -> Zeroizing<Vec<u8>> {
        if src.is_empty() {
            return Zeroizing::new(Vec::new());
        }
        let n = v * src.len().div_ceil(v);
        Zeroizing::new(src.iter().copied().cycle().take(n).collect())
    };
    let mut i_block = Zeroizing::new([fill(salt).as_slice(), fill(password_bmp).as_slice()].concat());
    let d = vec![id as u8; v];
    let mut out = Zeroizing::new(Vec::with_capacity(len + u));
    let mut hasher = D::new();
    while out.len() < len {
        Digest::update(&mut hasher, &d);
        Digest::update(&mut hasher, i_block.as_slice());
        let mut a = Zeroizing::new(hasher.finalize_reset().to_vec());
        for _ in 1..iterations {
            Digest::update(&mut hasher, a.as_slice());
            let next = hasher.finalize_reset();
            a.copy_from_slice(&next);
        }
        out.extend_from_slice(&a);
        if out.len() >= len {
            break;
        }
        // I_j = (I_j + B + 1) mod 2^(8v), with B = A repeated to v bytes.
        let b: Zeroizing<Vec<u8>> = Zeroizing::new(a.iter().copied().cycle().take(v).collect());
        for chunk in i_block.chunks_mut(v) {
            let mut carry = 1u16;
            for (x, y) in chunk.iter_mut().rev().zip(b.iter().rev()) {
                let sum = u16::from(*x) + u16::from(*y) + carry;
                *x = sum as u8;
                carry = sum >> 8;
            }
        }
    }
    out.truncate(len);
    out
}
