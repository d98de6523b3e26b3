//! Password-based encryption: PBES2 (PKCS#5 v2.1, RFC 8018) and the PKCS#12 PBE schemes
//! (RFC 7292 appendix C), plus the PKCS#12 key-derivation function (appendix B).
//!
//! One implementation serves the PKCS#12 bags, the PKCS#12 MAC and the encrypted PKCS#8 key
//! backup file, so every place agrees on names, limits and errors.

use cbc::cipher::{BlockModeDecrypt, BlockModeEncrypt, InnerIvInit, KeyIvInit, block_padding::Pkcs7};
use const_oid::ObjectIdentifier;
use zeroize::Zeroizing;

use crate::asn1::{self, DerReader, tag};
pub use crate::kdf::{Hash, KdfPurpose};
use crate::limits::{MAX_KDF_ITERATIONS, MAX_SALT_BYTES};
use crate::oid::{self, algorithm_name};
use crate::password::{Derivation, Password};

/// What went wrong with password-based encryption.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PbeError {
    /// The algorithm is known to exist but this product does not implement it.
    Unsupported {
        /// A readable name (or the dotted OID when we do not know the name).
        algorithm: String,
    },
    /// The parameters are not well formed.
    Malformed,
    /// Decryption produced garbage: almost always a wrong password.
    DecryptFailed,
    /// An iteration count or salt length beyond our limits.
    LimitExceeded {
        /// What was too large.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The most we accept.
        limit: u64,
    },
}

impl From<asn1::Asn1Error> for PbeError {
    fn from(_: asn1::Asn1Error) -> Self {
        PbeError::Malformed
    }
}

fn is(oid: &[u8], known: ObjectIdentifier) -> bool {
    oid == known.as_bytes()
}

// The OIDs that name each hash in PBES2, PBMAC1 and the PKCS#12 MAC: the hash itself and its
// KDFs live in `kdf`, which knows nothing of ASN.1.
impl Hash {
    fn hmac_oid(self) -> ObjectIdentifier {
        match self {
            Hash::Sha1 => oid::HMAC_SHA1,
            Hash::Sha256 => oid::HMAC_SHA256,
            Hash::Sha384 => oid::HMAC_SHA384,
            Hash::Sha512 => oid::HMAC_SHA512,
        }
    }

    pub(crate) fn digest_oid(self) -> ObjectIdentifier {
        match self {
            Hash::Sha1 => oid::SHA1,
            Hash::Sha256 => oid::SHA256,
            Hash::Sha384 => oid::SHA384,
            Hash::Sha512 => oid::SHA512,
        }
    }

    pub(crate) fn from_hmac_oid(o: &[u8]) -> Result<Self, PbeError> {
        [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512]
            .into_iter()
            .find(|h| is(o, h.hmac_oid()))
            .ok_or_else(|| PbeError::Unsupported { algorithm: algorithm_name(o) })
    }

    pub(crate) fn from_digest_oid(o: &[u8]) -> Result<Self, PbeError> {
        [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512]
            .into_iter()
            .find(|h| is(o, h.digest_oid()))
            .ok_or_else(|| PbeError::Unsupported { algorithm: algorithm_name(o) })
    }
}

/// The block cipher inside a PBES2 scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pbes2Cipher {
    /// AES-128-CBC.
    Aes128Cbc,
    /// AES-192-CBC.
    Aes192Cbc,
    /// AES-256-CBC: what we write.
    Aes256Cbc,
    /// Triple DES (EDE3) in CBC mode, seen in some Java and Windows exports.
    DesEde3Cbc,
}

impl Pbes2Cipher {
    fn key_len(self) -> usize {
        match self {
            Pbes2Cipher::Aes128Cbc => 16,
            Pbes2Cipher::Aes192Cbc => 24,
            Pbes2Cipher::Aes256Cbc => 32,
            Pbes2Cipher::DesEde3Cbc => 24,
        }
    }
    fn iv_len(self) -> usize {
        match self {
            Pbes2Cipher::DesEde3Cbc => 8,
            _ => 16,
        }
    }
    fn oid(self) -> ObjectIdentifier {
        match self {
            Pbes2Cipher::Aes128Cbc => oid::AES_128_CBC,
            Pbes2Cipher::Aes192Cbc => oid::AES_192_CBC,
            Pbes2Cipher::Aes256Cbc => oid::AES_256_CBC,
            Pbes2Cipher::DesEde3Cbc => oid::DES_EDE3_CBC,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Pbes2Cipher::Aes128Cbc => "aes-128-cbc",
            Pbes2Cipher::Aes192Cbc => "aes-192-cbc",
            Pbes2Cipher::Aes256Cbc => "aes-256-cbc",
            Pbes2Cipher::DesEde3Cbc => "des-ede3-cbc",
        }
    }
}

/// The cipher of a PKCS#12 PBE scheme (RFC 7292 appendix C).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pkcs12Cipher {
    /// pbeWithSHAAnd3-KeyTripleDES-CBC: the legacy profile, understood everywhere.
    TripleDes3Key,
    /// pbeWithSHAAnd2-KeyTripleDES-CBC.
    TripleDes2Key,
    /// pbeWithSHAAnd128BitRC2-CBC.
    Rc2_128,
    /// pbeWithSHAAnd40BitRC2-CBC: OpenSSL's old default for certificates; trivially breakable.
    Rc2_40,
    /// pbeWithSHAAnd128BitRC4.
    Rc4_128,
    /// pbeWithSHAAnd40BitRC4.
    Rc4_40,
}

impl Pkcs12Cipher {
    fn from_oid(o: &[u8]) -> Option<Self> {
        [
            (oid::PKCS12_3DES, Pkcs12Cipher::TripleDes3Key),
            (oid::PKCS12_2DES, Pkcs12Cipher::TripleDes2Key),
            (oid::PKCS12_RC2_128, Pkcs12Cipher::Rc2_128),
            (oid::PKCS12_RC2_40, Pkcs12Cipher::Rc2_40),
            (oid::PKCS12_RC4_128, Pkcs12Cipher::Rc4_128),
            (oid::PKCS12_RC4_40, Pkcs12Cipher::Rc4_40),
        ]
        .into_iter()
        .find_map(|(k, c)| is(o, k).then_some(c))
    }
    fn oid(self) -> ObjectIdentifier {
        match self {
            Pkcs12Cipher::TripleDes3Key => oid::PKCS12_3DES,
            Pkcs12Cipher::TripleDes2Key => oid::PKCS12_2DES,
            Pkcs12Cipher::Rc2_128 => oid::PKCS12_RC2_128,
            Pkcs12Cipher::Rc2_40 => oid::PKCS12_RC2_40,
            Pkcs12Cipher::Rc4_128 => oid::PKCS12_RC4_128,
            Pkcs12Cipher::Rc4_40 => oid::PKCS12_RC4_40,
        }
    }
    fn key_len(self) -> usize {
        match self {
            Pkcs12Cipher::TripleDes3Key => 24,
            Pkcs12Cipher::TripleDes2Key | Pkcs12Cipher::Rc2_128 | Pkcs12Cipher::Rc4_128 => 16,
            Pkcs12Cipher::Rc2_40 | Pkcs12Cipher::Rc4_40 => 5,
        }
    }
    fn iv_len(self) -> usize {
        match self {
            Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40 => 0,
            _ => 8,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Pkcs12Cipher::TripleDes3Key => "pbe-sha1-3des",
            Pkcs12Cipher::TripleDes2Key => "pbe-sha1-2des",
            Pkcs12Cipher::Rc2_128 => "pbe-sha1-rc2-128",
            Pkcs12Cipher::Rc2_40 => "pbe-sha1-rc2-40",
            Pkcs12Cipher::Rc4_128 => "pbe-sha1-rc4-128",
            Pkcs12Cipher::Rc4_40 => "pbe-sha1-rc4-40",
        }
    }
}

/// Which password-based encryption a scheme is, without its parameters. Displays as the name
/// reports use (`pbes2-pbkdf2-hmac-sha256-aes-256-cbc`, `pbe-sha1-3des`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SchemeKind {
    /// PBES2 with PBKDF2 over `prf` and the block cipher `cipher`.
    Pbes2 {
        /// The PBKDF2 PRF.
        prf: Hash,
        /// The block cipher.
        cipher: Pbes2Cipher,
    },
    /// One of the PKCS#12 PBE schemes (SHA-1 KDF).
    Pkcs12(Pkcs12Cipher),
}

impl SchemeKind {
    /// RC2 or RC4, at any key size: ciphers some platforms no longer import.
    pub fn is_rc2_or_rc4(self) -> bool {
        matches!(
            self,
            SchemeKind::Pkcs12(
                Pkcs12Cipher::Rc2_128 | Pkcs12Cipher::Rc2_40 | Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40
            )
        )
    }

    /// 40-bit RC2 or any RC4: encryption broken in practice.
    pub fn is_broken(self) -> bool {
        matches!(self, SchemeKind::Pkcs12(Pkcs12Cipher::Rc2_40 | Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40))
    }
}

impl core::fmt::Display for SchemeKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            SchemeKind::Pkcs12(cipher) => f.write_str(cipher.name()),
            SchemeKind::Pbes2 { prf, cipher } => write!(f, "pbes2-pbkdf2-hmac-{}-{}", prf.name(), cipher.name()),
        }
    }
}

/// A fully parameterised password-based encryption scheme: an AlgorithmIdentifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PbeScheme {
    /// PBES2 with PBKDF2.
    Pbes2 {
        /// PBKDF2's PRF.
        prf: Hash,
        /// The cipher.
        cipher: Pbes2Cipher,
        /// PBKDF2 salt.
        salt: Vec<u8>,
        /// PBKDF2 iteration count.
        iterations: u32,
        /// The CBC IV.
        iv: Vec<u8>,
    },
    /// A PKCS#12 PBE scheme (SHA-1 PKCS#12 KDF).
    Pkcs12 {
        /// The cipher.
        cipher: Pkcs12Cipher,
        /// KDF salt.
        salt: Vec<u8>,
        /// KDF iteration count.
        iterations: u32,
    },
}

fn check_iterations(n: u64) -> Result<u32, PbeError> {
    if n == 0 {
        return Err(PbeError::Malformed);
    }
    if n > MAX_KDF_ITERATIONS {
        return Err(PbeError::LimitExceeded { what: "iterations", value: n, limit: MAX_KDF_ITERATIONS });
    }
    u32::try_from(n).map_err(|_| PbeError::Malformed)
}

pub(crate) fn check_salt(salt: &[u8]) -> Result<(), PbeError> {
    if salt.len() > MAX_SALT_BYTES {
        return Err(PbeError::LimitExceeded { what: "salt", value: salt.len() as u64, limit: MAX_SALT_BYTES as u64 });
    }
    Ok(())
}

impl PbeScheme {
    /// PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: what the modern profile and the key
    /// backup write.
    pub fn pbes2_aes256(salt: [u8; 16], iv: [u8; 16], iterations: u32) -> Self {
        PbeScheme::Pbes2 {
            prf: Hash::Sha256,
            cipher: Pbes2Cipher::Aes256Cbc,
            salt: salt.to_vec(),
            iterations,
            iv: iv.to_vec(),
        }
    }

    /// pbeWithSHAAnd3-KeyTripleDES-CBC: what the legacy profile writes.
    pub fn pkcs12_3des(salt: [u8; 8], iterations: u32) -> Self {
        PbeScheme::Pkcs12 { cipher: Pkcs12Cipher::TripleDes3Key, salt: salt.to_vec(), iterations }
    }

    /// Reads an AlgorithmIdentifier (the SEQUENCE's content).
    pub(crate) fn parse(alg: &mut DerReader<'_>) -> Result<Self, PbeError> {
        let alg_oid = alg.oid()?;
        if let Some(cipher) = Pkcs12Cipher::from_oid(alg_oid) {
            let mut p = alg.sequence()?;
            let salt = p.octet_string()?.to_vec();
            check_salt(&salt)?;
            let iterations = check_iterations(p.uint()?)?;
            p.finish()?;
            alg.finish()?;
            return Ok(PbeScheme::Pkcs12 { cipher, salt, iterations });
        }
        if !is(alg_oid, oid::PBES2) {
            return Err(PbeError::Unsupported { algorithm: algorithm_name(alg_oid) });
        }
        let mut params = alg.sequence()?;
        let mut kdf = params.sequence()?;
        let kdf_oid = kdf.oid()?;
        if !is(kdf_oid, oid::PBKDF2) {
            return Err(PbeError::Unsupported { algorithm: algorithm_name(kdf_oid) });
        }
        let (prf, salt, iterations, key_length) = parse_pbkdf2_params(&mut kdf.sequence()?)?;
        kdf.finish()?;
        let mut enc = params.sequence()?;
        let enc_oid = enc.oid()?;
        let cipher = [Pbes2Cipher::Aes128Cbc, Pbes2Cipher::Aes192Cbc, Pbes2Cipher::Aes256Cbc, Pbes2Cipher::DesEde3Cbc]
            .into_iter()
            .find(|c| is(enc_oid, c.oid()))
            .ok_or_else(|| PbeError::Unsupported { algorithm: algorithm_name(enc_oid) })?;
        let iv = enc.octet_string()?.to_vec();
        if iv.len() != cipher.iv_len() {
            return Err(PbeError::Malformed);
        }
        if key_length.is_some_and(|k| k != cipher.key_len() as u64) {
            return Err(PbeError::Malformed);
        }
        enc.finish()?;
        params.finish()?;
        alg.finish()?;
        Ok(PbeScheme::Pbes2 { prf, cipher, salt, iterations, iv })
    }

    /// Encodes the AlgorithmIdentifier.
    pub(crate) fn encode(&self) -> Vec<u8> {
        match self {
            PbeScheme::Pkcs12 { cipher, salt, iterations } => asn1::sequence(&[
                &asn1::oid(cipher.oid().as_bytes()),
                &asn1::sequence(&[&asn1::octet_string(salt), &asn1::uint(u64::from(*iterations))]),
            ]),
            PbeScheme::Pbes2 { prf, cipher, salt, iterations, iv } => asn1::sequence(&[
                &asn1::oid(oid::PBES2.as_bytes()),
                &asn1::sequence(&[
                    &encode_pbkdf2(*prf, salt, *iterations),
                    &asn1::sequence(&[&asn1::oid(cipher.oid().as_bytes()), &asn1::octet_string(iv)]),
                ]),
            ]),
        }
    }

    /// The name used in reports, e.g. `pbes2-pbkdf2-hmac-sha256-aes-256-cbc`.
    pub fn name(&self) -> String {
        self.kind().to_string()
    }

    /// The scheme without its salt, IV and iteration count: what reports name and judge.
    pub fn kind(&self) -> SchemeKind {
        match self {
            PbeScheme::Pkcs12 { cipher, .. } => SchemeKind::Pkcs12(*cipher),
            PbeScheme::Pbes2 { prf, cipher, .. } => SchemeKind::Pbes2 { prf: *prf, cipher: *cipher },
        }
    }

    /// The PBKDF2 derivation of a PBES2 scheme (`None` for the PKCS#12 schemes).
    pub fn pbkdf2_derivation(&self) -> Option<Derivation> {
        match self {
            PbeScheme::Pbes2 { prf, cipher, salt, iterations, .. } => Some(Derivation::Pbkdf2 {
                prf: *prf,
                salt: salt.clone(),
                iterations: *iterations,
                len: cipher.key_len(),
            }),
            PbeScheme::Pkcs12 { .. } => None,
        }
    }

    /// The KDF iteration count.
    pub fn iterations(&self) -> u32 {
        match self {
            PbeScheme::Pkcs12 { iterations, .. } | PbeScheme::Pbes2 { iterations, .. } => *iterations,
        }
    }

    /// KDF iterations one decryption runs: PBKDF2 once for PBES2, the PKCS#12 KDF twice (key
    /// and IV) for the PKCS#12 schemes. What [`crate::limits::MAX_KDF_WORK`] counts.
    pub fn kdf_work(&self) -> u64 {
        match self {
            PbeScheme::Pbes2 { iterations, .. } => u64::from(*iterations),
            PbeScheme::Pkcs12 { iterations, .. } => 2 * u64::from(*iterations),
        }
    }

    /// Whether this scheme is one of the old PKCS#12 ones (weak, but what old platforms need).
    pub fn is_legacy(&self) -> bool {
        matches!(self, PbeScheme::Pkcs12 { .. })
            || matches!(self, PbeScheme::Pbes2 { cipher: Pbes2Cipher::DesEde3Cbc, .. })
    }

    /// Derives key and IV. For the PKCS#12 schemes `bmp` selects the password encoding.
    fn derive(&self, password: &Password, bmp: &[u8]) -> (Zeroizing<Vec<u8>>, Vec<u8>) {
        match self {
            PbeScheme::Pbes2 { prf, cipher, salt, iterations, iv } => {
                let mut key = Zeroizing::new(vec![0u8; cipher.key_len()]);
                password.pbkdf2(*prf, salt, *iterations, &mut key);
                (key, iv.clone())
            }
            PbeScheme::Pkcs12 { cipher, salt, iterations } => {
                let key = password.pkcs12_kdf(Hash::Sha1, bmp, salt, KdfPurpose::Key, *iterations, cipher.key_len());
                let iv =
                    password.pkcs12_kdf(Hash::Sha1, bmp, salt, KdfPurpose::Iv, *iterations, cipher.iv_len()).to_vec();
                (key, iv)
            }
        }
    }

    /// Decrypts. `bmp` is the password's PKCS#12 KDF encoding (ignored by PBES2).
    pub(crate) fn decrypt(&self, password: &Password, bmp: &[u8], data: &[u8]) -> Result<Zeroizing<Vec<u8>>, PbeError> {
        let (key, iv) = self.derive(password, bmp);
        let cipher = match self {
            PbeScheme::Pbes2 { cipher, .. } => Cipher::from(*cipher),
            PbeScheme::Pkcs12 { cipher, .. } => Cipher::from(*cipher),
        };
        cipher.decrypt(&key, &iv, data).map(Zeroizing::new)
    }

    /// Encrypts. `bmp` as for [`PbeScheme::decrypt`].
    pub(crate) fn encrypt(&self, password: &Password, bmp: &[u8], data: &[u8]) -> Vec<u8> {
        let (key, iv) = self.derive(password, bmp);
        let cipher = match self {
            PbeScheme::Pbes2 { cipher, .. } => Cipher::from(*cipher),
            PbeScheme::Pkcs12 { cipher, .. } => Cipher::from(*cipher),
        };
        cipher.encrypt(&key, &iv, data)
    }
}

/// Reads PBKDF2-params: (prf, salt, iterations, keyLength).
pub(crate) fn parse_pbkdf2_params(p: &mut DerReader<'_>) -> Result<(Hash, Vec<u8>, u32, Option<u64>), PbeError> {
    // The salt may also be an AlgorithmIdentifier ("otherSource"), which nobody uses.
    let salt = match p.peek_tag() {
        Some(tag::OCTET_STRING) => p.octet_string()?.to_vec(),
        _ => return Err(PbeError::Unsupported { algorithm: "pbkdf2-salt-otherSource".into() }),
    };
    check_salt(&salt)?;
    let iterations = check_iterations(p.uint()?)?;
    let key_length = match p.peek_tag() {
        Some(tag::INTEGER) => Some(p.uint()?),
        _ => None,
    };
    let prf = match p.optional(tag::SEQUENCE)? {
        Some(prf) => {
            let mut prf = DerReader::new(prf.value);
            let h = Hash::from_hmac_oid(prf.oid()?)?;
            // Parameters are NULL or absent.
            let _ = prf.optional(tag::NULL)?;
            prf.finish()?;
            h
        }
        None => Hash::Sha1,
    };
    p.finish()?;
    Ok((prf, salt, iterations, key_length))
}

/// Encodes the PBKDF2 AlgorithmIdentifier.
pub(crate) fn encode_pbkdf2(prf: Hash, salt: &[u8], iterations: u32) -> Vec<u8> {
    let prf_alg = asn1::sequence(&[&asn1::oid(prf.hmac_oid().as_bytes()), &asn1::tlv(tag::NULL, &[])]);
    let mut fields: Vec<&[u8]> = Vec::new();
    let salt = asn1::octet_string(salt);
    let iter = asn1::uint(u64::from(iterations));
    fields.push(&salt);
    fields.push(&iter);
    // The PRF defaults to HMAC-SHA1 and DER omits defaults.
    if prf != Hash::Sha1 {
        fields.push(&prf_alg);
    }
    asn1::sequence(&[&asn1::oid(oid::PBKDF2.as_bytes()), &asn1::sequence(&fields)])
}

/// The concrete cipher behind a scheme.
#[derive(Clone, Copy)]
enum Cipher {
    Aes128,
    Aes192,
    Aes256,
    Des3,
    Des2,
    Rc2 { effective_bits: usize },
    Rc4,
}

impl From<Pbes2Cipher> for Cipher {
    fn from(c: Pbes2Cipher) -> Self {
        match c {
            Pbes2Cipher::Aes128Cbc => Cipher::Aes128,
            Pbes2Cipher::Aes192Cbc => Cipher::Aes192,
            Pbes2Cipher::Aes256Cbc => Cipher::Aes256,
            Pbes2Cipher::DesEde3Cbc => Cipher::Des3,
        }
    }
}

impl From<Pkcs12Cipher> for Cipher {
    fn from(c: Pkcs12Cipher) -> Self {
        match c {
            Pkcs12Cipher::TripleDes3Key => Cipher::Des3,
            Pkcs12Cipher::TripleDes2Key => Cipher::Des2,
            Pkcs12Cipher::Rc2_128 => Cipher::Rc2 { effective_bits: 128 },
            Pkcs12Cipher::Rc2_40 => Cipher::Rc2 { effective_bits: 40 },
            Pkcs12Cipher::Rc4_128 | Pkcs12Cipher::Rc4_40 => Cipher::Rc4,
        }
    }
}

macro_rules! cbc_decrypt {
    ($c:ty, $key:expr, $iv:expr, $data:expr) => {
        cbc::Decryptor::<$c>::new_from_slices($key, $iv)
            .map_err(|_| PbeError::Malformed)?
            .decrypt_padded_vec::<Pkcs7>($data)
            .map_err(|_| PbeError::DecryptFailed)
    };
}

macro_rules! cbc_encrypt {
    ($c:ty, $key:expr, $iv:expr, $data:expr) => {
        match cbc::Encryptor::<$c>::new_from_slices($key, $iv) {
            Ok(enc) => enc.encrypt_padded_vec::<Pkcs7>($data),
            // Key and IV lengths come from our own tables above.
            Err(_) => unreachable!("key and IV sizes are fixed per cipher"),
        }
    };
}

impl Cipher {
    fn decrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, PbeError> {
        match self {
            Cipher::Aes128 => cbc_decrypt!(aes::Aes128, key, iv, data),
            Cipher::Aes192 => cbc_decrypt!(aes::Aes192, key, iv, data),
            Cipher::Aes256 => cbc_decrypt!(aes::Aes256, key, iv, data),
            Cipher::Des3 => cbc_decrypt!(des::TdesEde3, key, iv, data),
            Cipher::Des2 => cbc_decrypt!(des::TdesEde2, key, iv, data),
            Cipher::Rc2 { effective_bits } => {
                let rc2 = rc2::Rc2::new_with_eff_key_len(key, effective_bits);
                cbc::Decryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, iv)
                    .map_err(|_| PbeError::Malformed)?
                    .decrypt_padded_vec::<Pkcs7>(data)
                    .map_err(|_| PbeError::DecryptFailed)
            }
            Cipher::Rc4 => Ok(rc4(key, data)),
        }
    }

    fn encrypt(self, key: &[u8], iv: &[u8], data: &[u8]) -> Vec<u8> {
        match self {
            Cipher::Aes128 => cbc_encrypt!(aes::Aes128, key, iv, data),
            Cipher::Aes192 => cbc_encrypt!(aes::Aes192, key, iv, data),
            Cipher::Aes256 => cbc_encrypt!(aes::Aes256, key, iv, data),
            Cipher::Des3 => cbc_encrypt!(des::TdesEde3, key, iv, data),
            Cipher::Des2 => cbc_encrypt!(des::TdesEde2, key, iv, data),
            Cipher::Rc2 { effective_bits } => {
                let rc2 = rc2::Rc2::new_with_eff_key_len(key, effective_bits);
                match cbc::Encryptor::<rc2::Rc2>::inner_iv_slice_init(rc2, iv) {
                    Ok(enc) => enc.encrypt_padded_vec::<Pkcs7>(data),
                    Err(_) => unreachable!("RC2 IV is 8 bytes"),
                }
            }
            Cipher::Rc4 => rc4(key, data),
        }
    }
}

/// RC4, only to read very old files (it is never written). Small enough to keep here rather
/// than pull in a crate for one legacy path.
fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = core::array::from_fn(|i| i as u8);
    if key.is_empty() {
        return data.to_vec();
    }
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    let out = data
        .iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            b ^ s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect();
    zeroize::Zeroize::zeroize(&mut s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex")).collect()
    }

    // Test vectors for the PKCS#12 KDF as published with BouncyCastle's PKCS12 tests
    // (PKCS12ParametersGenerator): password "smeg", salt 0A58CF64530D823F, SHA-1.
    #[test]
    fn pkcs12_kdf_matches_published_vectors() {
        let pw = Password::new("smeg");
        let salt = hex("0A58CF64530D823F");
        let key = Hash::Sha1.pkcs12_kdf(&pw.bmp(), &salt, KdfPurpose::Key, 1, 24);
        assert_eq!(key.as_slice(), hex("8AAAE6297B6CB04642AB5B077851284EB7128F1A2A7FBCA3").as_slice());
        let iv = Hash::Sha1.pkcs12_kdf(&pw.bmp(), &salt, KdfPurpose::Iv, 1, 8);
        assert_eq!(iv.as_slice(), hex("79993DFE048D3B76").as_slice());
        let salt2 = hex("3D83C0E4546AC140");
        let mac = Hash::Sha1.pkcs12_kdf(&pw.bmp(), &salt2, KdfPurpose::Mac, 1, 20);
        assert_eq!(mac.as_slice(), hex("8D967D88F6CAA9D714800AB3D48051D63F73A312").as_slice());
        let pw2 = Password::new("queeg");
        let salt3 = hex("05DEC959ACFF72F7");
        let key = Hash::Sha1.pkcs12_kdf(&pw2.bmp(), &salt3, KdfPurpose::Key, 1000, 24);
        assert_eq!(key.as_slice(), hex("ED2034E36328830FF09DF1E1A07DD357185DAC0D4F9EB3D4").as_slice());
    }

    // RFC 6070 PBKDF2-HMAC-SHA1 vector.
    #[test]
    fn pbkdf2_matches_rfc6070() {
        let mut out = [0u8; 20];
        Hash::Sha1.pbkdf2(b"password", b"salt", 4096, &mut out);
        assert_eq!(out.to_vec(), hex("4b007901b765489abead49d926f721d065a429c1"));
    }

    #[test]
    fn every_scheme_round_trips_and_detects_a_wrong_password() {
        let pw = Password::new("秘密のパスワード");
        let wrong = Password::new("ひみつ");
        let plain = b"a private key would be here, forty-two bytes";
        let schemes = [
            PbeScheme::pbes2_aes256([7; 16], [9; 16], 1000),
            PbeScheme::pkcs12_3des([3; 8], 1000),
            PbeScheme::Pkcs12 { cipher: Pkcs12Cipher::Rc2_40, salt: vec![1; 8], iterations: 2048 },
            PbeScheme::Pkcs12 { cipher: Pkcs12Cipher::Rc2_128, salt: vec![1; 8], iterations: 2048 },
            PbeScheme::Pkcs12 { cipher: Pkcs12Cipher::TripleDes2Key, salt: vec![1; 8], iterations: 1 },
            PbeScheme::Pbes2 {
                prf: Hash::Sha1,
                cipher: Pbes2Cipher::DesEde3Cbc,
                salt: vec![2; 8],
                iterations: 10,
                iv: vec![4; 8],
            },
        ];
        for scheme in schemes {
            let enc = scheme.encrypt(&pw, &pw.bmp(), plain);
            let parsed = {
                let encoded = scheme.encode();
                let mut r = DerReader::new(&encoded);
                PbeScheme::parse(&mut r.sequence().expect("seq")).expect("parse own encoding")
            };
            assert_eq!(parsed, scheme);
            let dec = parsed.decrypt(&pw, &pw.bmp(), &enc).expect("decrypts");
            assert_eq!(dec.as_slice(), plain, "{}", scheme.name());
            // A wrong password either fails the padding check or yields other bytes.
            if let Ok(bad) = parsed.decrypt(&wrong, &wrong.bmp(), &enc) {
                assert_ne!(bad.as_slice(), plain, "{}", scheme.name());
            }
        }
    }

    #[test]
    fn rc4_matches_the_classic_vector() {
        // "Key" / "Plaintext" from the Wikipedia RC4 test vectors.
        assert_eq!(rc4(b"Key", b"Plaintext"), hex("BBF316E8D940AF0AD3"));
    }

    #[test]
    fn absurd_iteration_counts_are_refused() {
        let huge = PbeScheme::Pkcs12 { cipher: Pkcs12Cipher::TripleDes3Key, salt: vec![0; 8], iterations: u32::MAX };
        let enc = huge.encode();
        let mut r = DerReader::new(&enc);
        let err = PbeScheme::parse(&mut r.sequence().expect("seq")).expect_err("too many iterations");
        assert!(matches!(err, PbeError::LimitExceeded { what: "iterations", .. }), "{err:?}");
    }

    #[test]
    fn unknown_schemes_are_named() {
        let alg = asn1::sequence(&[&asn1::oid(oid::PKCS12_RC4_40.as_bytes()), &asn1::sequence(&[])]);
        let mut r = DerReader::new(&alg);
        // RC4 is known; a scrypt PBES2 is not implemented and must be named.
        assert!(PbeScheme::parse(&mut r.sequence().expect("seq")).is_err());
        let scrypt = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11591.4.11");
        let alg = asn1::sequence(&[
            &asn1::oid(oid::PBES2.as_bytes()),
            &asn1::sequence(&[&asn1::sequence(&[&asn1::oid(scrypt.as_bytes()), &asn1::sequence(&[])])]),
        ]);
        let mut r = DerReader::new(&alg);
        let err = PbeScheme::parse(&mut r.sequence().expect("seq")).expect_err("scrypt unsupported");
        assert_eq!(err, PbeError::Unsupported { algorithm: "scrypt".into() });
    }
}
