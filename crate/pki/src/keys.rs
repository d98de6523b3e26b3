//! Key pairs: generation, PKCS#8 import/export and the encrypted PKCS#8 backup file.
//!
//! The private key is the one thing that must never leave the applicant's browser, so the
//! type that holds it zeroizes on drop and prints nothing of itself.

use der::Decode as _;
use pkcs8::{DecodePrivateKey as _, DecodePublicKey as _, EncodePrivateKey as _, EncodePublicKey as _};
use rand_core::CryptoRng;
use rsa::traits::PublicKeyParts as _;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::asn1::{self, DerReader, tag};
use crate::limits::MAX_INPUT_BYTES;
use crate::oid::{self, key_algorithm_name};
use crate::password::Password;
use crate::pbe::{PbeError, PbeScheme};
use crate::texts;
use inkan_i18n::{Localized, Message};

/// Iterations of PBKDF2-HMAC-SHA256 for the key backup file. OWASP's 2023 figure: the backup
/// sits in a downloads folder for weeks, so offline guessing is the threat that matters.
pub const BACKUP_ITERATIONS: u32 = 600_000;

/// The key types a client certificate may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyAlgorithm {
    /// RSA 2048 bits, e = 65537: the default, accepted by every issuer and mail client.
    Rsa2048,
    /// RSA 3072 bits.
    Rsa3072,
    /// RSA 4096 bits.
    Rsa4096,
    /// ECDSA on NIST P-256 with SHA-256.
    P256,
    /// ECDSA on NIST P-384 with SHA-384.
    P384,
}

impl KeyAlgorithm {
    /// All algorithms, in the order a user is offered them.
    pub const ALL: [KeyAlgorithm; 5] =
        [KeyAlgorithm::Rsa2048, KeyAlgorithm::Rsa3072, KeyAlgorithm::Rsa4096, KeyAlgorithm::P256, KeyAlgorithm::P384];

    /// The CLI and JS name: `rsa2048`, `rsa3072`, `rsa4096`, `p256`, `p384`.
    pub fn name(self) -> &'static str {
        match self {
            KeyAlgorithm::Rsa2048 => "rsa2048",
            KeyAlgorithm::Rsa3072 => "rsa3072",
            KeyAlgorithm::Rsa4096 => "rsa4096",
            KeyAlgorithm::P256 => "p256",
            KeyAlgorithm::P384 => "p384",
        }
    }

    /// Parses [`KeyAlgorithm::name`].
    pub fn from_name(name: &str) -> Result<Self, KeyError> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| KeyError::UnsupportedAlgorithm { algorithm: name.to_owned() })
    }

    /// The modulus size of an RSA algorithm; `None` for the EC ones. What to ask a key
    /// generator elsewhere for (WebCrypto in the browser): see
    /// [`PrivateKey::from_generated_pkcs8`].
    pub fn rsa_bits(self) -> Option<u32> {
        match self {
            KeyAlgorithm::Rsa2048 => Some(2048),
            KeyAlgorithm::Rsa3072 => Some(3072),
            KeyAlgorithm::Rsa4096 => Some(4096),
            KeyAlgorithm::P256 | KeyAlgorithm::P384 => None,
        }
    }
}

/// What went wrong with a key.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// No bytes at all.
    EmptyInput,
    /// More bytes than any key file has.
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The most we read.
        limit: usize,
    },
    /// Not a key in any format we read.
    NotAKey,
    /// A key of a kind we do not handle (e.g. Ed25519, DSA, P-521), or an unknown name.
    UnsupportedAlgorithm {
        /// The algorithm's name or OID.
        algorithm: String,
    },
    /// The structure is damaged.
    Corrupt,
    /// The encrypted key did not decrypt with this password.
    WrongPassword,
    /// A key too weak to certify (RSA below 2048 bits, or an exponent other than 65537).
    WeakKey {
        /// What is weak about it.
        reason: String,
    },
    /// The random number generator or the key generator failed.
    GenerationFailed,
    /// This build leaves RSA key generation out (the browser's PKI module, where WebCrypto
    /// makes RSA keys): the caller loads the `inkan_rsa_keygen` module instead.
    RsaKeygenNotBuiltIn {
        /// The modulus size asked for.
        bits: u32,
    },
    /// Iterations or salt beyond our limits.
    LimitExceeded {
        /// What was too large.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The most we accept.
        limit: u64,
    },
}

impl From<PbeError> for KeyError {
    fn from(e: PbeError) -> Self {
        match e {
            PbeError::Unsupported { algorithm } => KeyError::UnsupportedAlgorithm { algorithm },
            PbeError::Malformed => KeyError::Corrupt,
            PbeError::DecryptFailed => KeyError::WrongPassword,
            PbeError::LimitExceeded { what, value, limit } => KeyError::LimitExceeded { what, value, limit },
        }
    }
}

impl From<asn1::Asn1Error> for KeyError {
    fn from(e: asn1::Asn1Error) -> Self {
        match e {
            asn1::Asn1Error::Truncated | asn1::Asn1Error::Malformed => KeyError::Corrupt,
            asn1::Asn1Error::TooDeep | asn1::Asn1Error::TooLong => {
                let (what, value, limit) = e.limit().unwrap_or(("nesting", 0, 0));
                KeyError::LimitExceeded { what, value, limit }
            }
        }
    }
}

impl core::fmt::Display for KeyError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for KeyError {}

impl Localized for KeyError {
    fn code(&self) -> &'static str {
        match self {
            KeyError::EmptyInput => "empty_input",
            KeyError::TooLarge { .. } => "too_large",
            KeyError::NotAKey => "not_a_key",
            KeyError::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
            KeyError::Corrupt => "corrupt",
            KeyError::WrongPassword => "wrong_password",
            KeyError::WeakKey { .. } => "weak_key",
            KeyError::GenerationFailed => "key_generation_failed",
            KeyError::RsaKeygenNotBuiltIn { .. } => "rsa_keygen_not_built_in",
            KeyError::LimitExceeded { .. } => "limit_exceeded",
        }
    }

    fn message(&self) -> Message {
        match self {
            KeyError::EmptyInput => texts::key::EMPTY_INPUT.render(),
            KeyError::TooLarge { size, limit } => {
                texts::key::TooLarge { size: size.into(), limit: limit.into() }.render()
            }
            KeyError::NotAKey => texts::key::NOT_A_KEY.render(),
            KeyError::UnsupportedAlgorithm { algorithm } => {
                texts::key::UnsupportedAlgorithm { algorithm: algorithm.into() }.render()
            }
            KeyError::Corrupt => texts::key::CORRUPT.render(),
            KeyError::WrongPassword => texts::key::WRONG_PASSWORD.render(),
            KeyError::WeakKey { reason } => texts::key::WeakKey { reason: reason.into() }.render(),
            KeyError::GenerationFailed => texts::key::KEY_GENERATION_FAILED.render(),
            KeyError::RsaKeygenNotBuiltIn { bits } => texts::key::RsaKeygenNotBuiltIn { bits: bits.into() }.render(),
            KeyError::LimitExceeded { what, value, limit } => {
                texts::key::LimitExceeded { what: (*what).into(), value: value.into(), limit: limit.into() }.render()
            }
        }
    }
}

/// The smallest RSA modulus the product accepts, in bits (S/MIME Baseline Requirements 6.1.5).
pub const RSA_MIN_BITS: u32 = 2048;
/// The largest RSA modulus the product accepts, in bits: what every issuer in the seeds certifies.
pub const RSA_MAX_BITS: u32 = 4096;
/// The one RSA public exponent the product accepts (S/MIME Baseline Requirements 6.1.6).
pub const RSA_EXPONENT: u32 = 65_537;

/// How an RSA key breaks [`check_rsa_policy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RsaPolicyError {
    /// Modulus below [`RSA_MIN_BITS`].
    TooShort {
        /// The modulus size.
        bits: u32,
    },
    /// Modulus above [`RSA_MAX_BITS`].
    TooLong {
        /// The modulus size.
        bits: u32,
    },
    /// Public exponent other than [`RSA_EXPONENT`].
    Exponent,
}

/// The product's one RSA key policy: a modulus of [`RSA_MIN_BITS`] to [`RSA_MAX_BITS`] bits and
/// the exponent [`RSA_EXPONENT`] (`exponent` big-endian, leading zeros allowed). Keys we
/// generate always pass. [`PublicKey::check_strength`], the inspector's `weak_key` finding
/// ([`KeyInfo::is_short_rsa`]) and the worker's key checks (which add ROCA, small factors and
/// Fermat) all apply this one rule, each with its own error codes.
pub fn check_rsa_policy(bits: u32, exponent: &[u8]) -> Result<(), RsaPolicyError> {
    if bits < RSA_MIN_BITS {
        return Err(RsaPolicyError::TooShort { bits });
    }
    if bits > RSA_MAX_BITS {
        return Err(RsaPolicyError::TooLong { bits });
    }
    let significant = &exponent[exponent.iter().take_while(|&&b| b == 0).count()..];
    let wanted = RSA_EXPONENT.to_be_bytes();
    if significant != &wanted[wanted.iter().take_while(|&&b| b == 0).count()..] {
        return Err(RsaPolicyError::Exponent);
    }
    Ok(())
}

/// The kind of a key as reports name it. Serializes as `rsa`, `ec-p256`, `ec-p384`, or for keys
/// the product does not use (seen in certificates) the name of their algorithm or curve.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyType {
    /// RSA, any size.
    Rsa,
    /// ECDSA on P-256.
    EcP256,
    /// ECDSA on P-384.
    EcP384,
    /// Anything else, by name (`ec-p521`, `ed25519`, `dsa`, or a dotted OID).
    Other(String),
}

impl KeyType {
    /// The kind a report name stands for: `rsa`, `ec-p256` and `ec-p384` are the known kinds
    /// whatever produced the name (e.g. an RSA key too damaged to parse is still `rsa`).
    pub fn named(name: String) -> Self {
        match name.as_str() {
            "rsa" => KeyType::Rsa,
            "ec-p256" => KeyType::EcP256,
            "ec-p384" => KeyType::EcP384,
            _ => KeyType::Other(name),
        }
    }

    /// The name reports use.
    pub fn as_str(&self) -> &str {
        match self {
            KeyType::Rsa => "rsa",
            KeyType::EcP256 => "ec-p256",
            KeyType::EcP384 => "ec-p384",
            KeyType::Other(name) => name,
        }
    }
}

impl core::fmt::Display for KeyType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for KeyType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A short description of a key, safe to show and serialize.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    /// `rsa`, `ec-p256` or `ec-p384` (or the name of something else, for certificates).
    pub algorithm: KeyType,
    /// Key size in bits (modulus for RSA, field size for EC).
    pub bits: u32,
}

impl KeyInfo {
    /// An RSA key below [`RSA_MIN_BITS`]: what a certificate's or request's facts can tell of
    /// [`check_rsa_policy`] (the inspector's `weak_key` finding).
    pub fn is_short_rsa(&self) -> bool {
        self.algorithm == KeyType::Rsa && self.bits < RSA_MIN_BITS
    }
}

#[derive(Clone)]
enum Secret {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    P384(p384::SecretKey),
}

/// A private key. Zeroized on drop by the underlying crates; `Debug` never shows it.
pub struct PrivateKey {
    secret: Secret,
}

// Not derived: a derived `clone` is `#[inline]`, so each crate that clones a key (the bindings,
// the inspector) compiled its own copy into the wasm. One out-of-line copy, here; cloning a key
// is never on a hot path.
impl Clone for PrivateKey {
    #[inline(never)]
    fn clone(&self) -> Self {
        Self { secret: self.secret.clone() }
    }
}

impl core::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PrivateKey({} [secret key elided])", self.info().algorithm)
    }
}

#[cfg(feature = "rsa-keygen")]
fn generate_rsa<R: CryptoRng + ?Sized>(bits: usize, rng: &mut R) -> Result<rsa::RsaPrivateKey, KeyError> {
    // `new` uses e = 65537 and validates the result.
    rsa::RsaPrivateKey::new(rng, bits).map_err(|_| KeyError::GenerationFailed)
}

// Prime generation is ~40 KB of the browser's PKI module (crypto-primes' sieve tables and
// Miller-Rabin/Lucas code) for a path WebCrypto covers natively: see the `rsa-keygen` feature.
#[cfg(not(feature = "rsa-keygen"))]
fn generate_rsa<R: CryptoRng + ?Sized>(bits: usize, _rng: &mut R) -> Result<rsa::RsaPrivateKey, KeyError> {
    Err(KeyError::RsaKeygenNotBuiltIn { bits: u32::try_from(bits).unwrap_or(u32::MAX) })
}

impl PrivateKey {
    /// Generates a new key pair with randomness from `rng`.
    pub fn generate<R: CryptoRng + ?Sized>(algorithm: KeyAlgorithm, rng: &mut R) -> Result<Self, KeyError> {
        let secret = match algorithm {
            KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 | KeyAlgorithm::Rsa4096 => {
                let bits = match algorithm {
                    KeyAlgorithm::Rsa3072 => 3072,
                    KeyAlgorithm::Rsa4096 => 4096,
                    _ => 2048,
                };
                Secret::Rsa(Box::new(generate_rsa(bits, rng)?))
            }
            KeyAlgorithm::P256 => {
                Secret::P256(<p256::SecretKey as p256::elliptic_curve::Generate>::generate_from_rng(rng))
            }
            KeyAlgorithm::P384 => {
                Secret::P384(<p384::SecretKey as p384::elliptic_curve::Generate>::generate_from_rng(rng))
            }
        };
        Ok(Self { secret })
    }

    /// Which of our algorithms this key is.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.secret {
            Secret::Rsa(k) => match k.n().bits() {
                0..=2048 => KeyAlgorithm::Rsa2048,
                2049..=3072 => KeyAlgorithm::Rsa3072,
                _ => KeyAlgorithm::Rsa4096,
            },
            Secret::P256(_) => KeyAlgorithm::P256,
            Secret::P384(_) => KeyAlgorithm::P384,
        }
    }

    /// Algorithm family and size.
    pub fn info(&self) -> KeyInfo {
        self.public_key().info()
    }

    /// The public half.
    pub fn public_key(&self) -> PublicKey {
        match &self.secret {
            Secret::Rsa(k) => PublicKey::Rsa(k.to_public_key()),
            Secret::P256(k) => PublicKey::P256(k.public_key()),
            Secret::P384(k) => PublicKey::P384(k.public_key()),
        }
    }

    /// Reads an unencrypted PKCS#8 PrivateKeyInfo.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        check_size(der)?;
        let (alg, curve) = pkcs8_algorithm(der)?;
        let secret = if alg == oid::RSA_ENCRYPTION.as_bytes() {
            let key = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|_| KeyError::Corrupt)?;
            Secret::Rsa(Box::new(key))
        } else if alg == oid::EC_PUBLIC_KEY.as_bytes() {
            match curve.as_deref() {
                Some(c) if c == oid::SECP256R1.as_bytes() => {
                    Secret::P256(p256::SecretKey::from_pkcs8_der(der).map_err(|_| KeyError::Corrupt)?)
                }
                Some(c) if c == oid::SECP384R1.as_bytes() => {
                    Secret::P384(p384::SecretKey::from_pkcs8_der(der).map_err(|_| KeyError::Corrupt)?)
                }
                Some(c) => return Err(KeyError::UnsupportedAlgorithm { algorithm: key_algorithm_name(c) }),
                None => return Err(KeyError::UnsupportedAlgorithm { algorithm: "ec-explicit-parameters".into() }),
            }
        } else {
            return Err(KeyError::UnsupportedAlgorithm { algorithm: key_algorithm_name(&alg) });
        };
        Ok(Self { secret })
    }

    /// Takes a key generated elsewhere for `algorithm` (WebCrypto in the browser), as
    /// unencrypted PKCS#8. `None` unless it is that algorithm and passes
    /// [`PrivateKey::check_strength`] (size, e = 65537): a key made outside is checked like
    /// any imported key, and the caller generates one itself instead.
    pub fn from_generated_pkcs8(der: &[u8], algorithm: KeyAlgorithm) -> Option<Self> {
        let key = Self::from_pkcs8_der(der).ok()?;
        (key.algorithm() == algorithm && key.check_strength().is_ok()).then_some(key)
    }

    /// Reads an EncryptedPrivateKeyInfo (the backup file, or a PKCS#12 shrouded key bag).
    pub fn from_encrypted_pkcs8_der(der: &[u8], password: &Password) -> Result<Self, KeyError> {
        check_size(der)?;
        let plain = decrypt_pkcs8(der, password, &password.bmp())?;
        Self::from_pkcs8_der(&plain).map_err(|e| match e {
            // Garbage that happened to pass the padding check: a wrong password.
            KeyError::Corrupt | KeyError::NotAKey => KeyError::WrongPassword,
            other => other,
        })
    }

    /// Reads a PEM key: PKCS#8 (`PRIVATE KEY`), encrypted PKCS#8 (`ENCRYPTED PRIVATE KEY`,
    /// which needs `password`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`).
    /// DER input is accepted too, so users need not know which they have.
    pub fn from_pem_or_der(input: &[u8], password: Option<&Password>) -> Result<Self, KeyError> {
        check_size(input)?;
        let Some(pem) =
            crate::pem::find_blocks(input).into_iter().find(|b| crate::pem::mentions(&b.label, "PRIVATE KEY"))
        else {
            // Binary input: try PKCS#8, then encrypted PKCS#8.
            if crate::pem::looks_like_text(input) {
                return Err(KeyError::NotAKey);
            }
            return match Self::from_pkcs8_der(input) {
                Ok(k) => Ok(k),
                Err(KeyError::Corrupt) if password.is_some() => {
                    Self::from_encrypted_pkcs8_der(input, password.unwrap_or(&Password::default()))
                }
                Err(KeyError::Corrupt) if is_encrypted_pkcs8(input) => Err(KeyError::WrongPassword),
                Err(e) => Err(e),
            };
        };
        let der = Zeroizing::new(pem.der);
        match pem.label.as_str() {
            "PRIVATE KEY" => Self::from_pkcs8_der(&der),
            "ENCRYPTED PRIVATE KEY" => match password {
                Some(p) => Self::from_encrypted_pkcs8_der(&der, p),
                None => Err(KeyError::WrongPassword),
            },
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey as _;
                let key = rsa::RsaPrivateKey::from_pkcs1_der(&der).map_err(|_| KeyError::Corrupt)?;
                Ok(Self { secret: Secret::Rsa(Box::new(key)) })
            }
            "EC PRIVATE KEY" => {
                if let Ok(k) = p256::SecretKey::from_sec1_der(&der) {
                    Ok(Self { secret: Secret::P256(k) })
                } else if let Ok(k) = p384::SecretKey::from_sec1_der(&der) {
                    Ok(Self { secret: Secret::P384(k) })
                } else {
                    Err(KeyError::UnsupportedAlgorithm { algorithm: "ec (not P-256/P-384)".into() })
                }
            }
            _ => Err(KeyError::NotAKey),
        }
    }

    /// Refuses keys too weak to certify. Keys we generate always pass.
    pub fn check_strength(&self) -> Result<(), KeyError> {
        self.public_key().check_strength()
    }

    /// PKCS#8 PrivateKeyInfo DER (unencrypted: handle with care).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let doc = match &self.secret {
            Secret::Rsa(k) => k.to_pkcs8_der(),
            Secret::P256(k) => k.to_pkcs8_der(),
            Secret::P384(k) => k.to_pkcs8_der(),
        }
        .map_err(|_| KeyError::Corrupt)?;
        Ok(Zeroizing::new(doc.as_bytes().to_vec()))
    }

    /// PKCS#8 PEM (`PRIVATE KEY`).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, KeyError> {
        let der = self.to_pkcs8_der()?;
        Ok(Zeroizing::new(crate::pem::encode("PRIVATE KEY", &der)))
    }

    /// Encrypted PKCS#8 DER: PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC.
    pub fn to_encrypted_pkcs8_der<R: CryptoRng + ?Sized>(
        &self,
        password: &Password,
        iterations: u32,
        rng: &mut R,
    ) -> Result<Vec<u8>, KeyError> {
        self.to_encrypted_pkcs8_der_with(&backup_scheme(iterations, rng), password)
    }

    /// [`PrivateKey::to_encrypted_pkcs8_der`] under a scheme drawn ahead ([`backup_scheme`]),
    /// so that its PBKDF2 can be derived elsewhere first.
    pub fn to_encrypted_pkcs8_der_with(&self, scheme: &PbeScheme, password: &Password) -> Result<Vec<u8>, KeyError> {
        let plain = self.to_pkcs8_der()?;
        Ok(encrypt_pkcs8(scheme, &plain, password, &password.bmp()))
    }

    /// Encrypted PKCS#8 PEM (`ENCRYPTED PRIVATE KEY`): the applicant's backup file.
    pub fn to_encrypted_pkcs8_pem<R: CryptoRng + ?Sized>(
        &self,
        password: &Password,
        iterations: u32,
        rng: &mut R,
    ) -> Result<String, KeyError> {
        let der = self.to_encrypted_pkcs8_der(password, iterations, rng)?;
        Ok(crate::pem::encode("ENCRYPTED PRIVATE KEY", &der))
    }

    /// What signs with this key: the one place that dispatches on the algorithm for signing
    /// (as rcgen's `KeyPair` does), used for CSRs and by the local CA. RSA signs PKCS#1 v1.5
    /// with SHA-256, P-256 ECDSA with SHA-256, P-384 ECDSA with SHA-384.
    ///
    /// An ECDSA signing key computes its public point when it is made; the signer's public key
    /// is that point, not a second scalar multiplication (`public_key()` made one more, +13 %
    /// on P-256 key generation plus CSR).
    pub fn signer(&self) -> KeySigner {
        let (kind, public) = match &self.secret {
            Secret::Rsa(k) => {
                (SignerKind::Rsa(rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new((**k).clone())), self.public_key())
            }
            Secret::P256(k) => {
                let signing = p256::ecdsa::SigningKey::from(k);
                let public = PublicKey::P256(signing.verifying_key().into());
                (SignerKind::P256(signing), public)
            }
            Secret::P384(k) => {
                let signing = p384::ecdsa::SigningKey::from(k);
                let public = PublicKey::P384(signing.verifying_key().into());
                (SignerKind::P384(signing), public)
            }
        };
        KeySigner { kind, public }
    }
}

enum SignerKind {
    Rsa(rsa::pkcs1v15::SigningKey<sha2::Sha256>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
}

/// A [`PrivateKey`] ready to sign: implements the RustCrypto `Signer`, `Keypair` and
/// `DynSignatureAlgorithmIdentifier` traits, so `x509-cert`'s builders take it for any of our
/// algorithms. The signing key is zeroized on drop by the underlying crates.
pub struct KeySigner {
    kind: SignerKind,
    public: PublicKey,
}

/// A signature as a certificate or request carries it (the BIT STRING's bytes): PKCS#1 v1.5
/// for RSA, DER `ECDSA-Sig-Value` for ECDSA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeySignature(Vec<u8>);

impl spki::SignatureBitStringEncoding for KeySignature {
    fn to_bitstring(&self) -> der::Result<der::asn1::BitString> {
        der::asn1::BitString::from_bytes(&self.0)
    }
}

impl signature::Signer<KeySignature> for KeySigner {
    fn try_sign(&self, message: &[u8]) -> Result<KeySignature, signature::Error> {
        use signature::SignatureEncoding as _;
        Ok(KeySignature(match &self.kind {
            SignerKind::Rsa(k) => signature::Signer::<rsa::pkcs1v15::Signature>::try_sign(k, message)?.to_vec(),
            SignerKind::P256(k) => signature::Signer::<p256::ecdsa::DerSignature>::try_sign(k, message)?.to_vec(),
            SignerKind::P384(k) => signature::Signer::<p384::ecdsa::DerSignature>::try_sign(k, message)?.to_vec(),
        }))
    }
}

impl signature::Keypair for KeySigner {
    type VerifyingKey = PublicKey;
    fn verifying_key(&self) -> PublicKey {
        self.public.clone()
    }
}

impl spki::DynSignatureAlgorithmIdentifier for KeySigner {
    fn signature_algorithm_identifier(&self) -> spki::Result<spki::AlgorithmIdentifierOwned> {
        match &self.kind {
            SignerKind::Rsa(k) => k.signature_algorithm_identifier(),
            SignerKind::P256(k) => k.signature_algorithm_identifier(),
            SignerKind::P384(k) => k.signature_algorithm_identifier(),
        }
    }
}

impl pkcs8::EncodePublicKey for PublicKey {
    fn to_public_key_der(&self) -> spki::Result<der::Document> {
        match self {
            PublicKey::Rsa(k) => k.to_public_key_der(),
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
            PublicKey::Other { .. } => Err(spki::Error::KeyMalformed),
        }
    }
}

fn check_size(input: &[u8]) -> Result<(), KeyError> {
    if input.is_empty() {
        return Err(KeyError::EmptyInput);
    }
    if input.len() > MAX_INPUT_BYTES {
        return Err(KeyError::TooLarge { size: input.len(), limit: MAX_INPUT_BYTES });
    }
    Ok(())
}

/// (algorithm OID, namedCurve OID) of a PrivateKeyInfo.
fn pkcs8_algorithm(der: &[u8]) -> Result<(Vec<u8>, Option<Vec<u8>>), KeyError> {
    let mut r = DerReader::new(der);
    let mut info = r.sequence().map_err(|_| KeyError::NotAKey)?;
    info.expect(tag::INTEGER).map_err(|_| KeyError::NotAKey)?;
    let mut alg = info.sequence().map_err(|_| KeyError::NotAKey)?;
    let alg_oid = alg.oid()?.to_vec();
    let curve = match alg.peek_tag() {
        Some(tag::OID) => Some(alg.oid()?.to_vec()),
        _ => None,
    };
    Ok((alg_oid, curve))
}

fn is_encrypted_pkcs8(der: &[u8]) -> bool {
    let mut r = DerReader::new(der);
    r.sequence()
        .and_then(|mut s| s.sequence())
        .and_then(|mut a| a.oid().map(<[u8]>::to_vec))
        .is_ok_and(|o| o == oid::PBES2.as_bytes() || o.starts_with(&oid::PKCS12_3DES.as_bytes()[..9]))
}

/// The scheme of a key backup: PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC, fresh salt and IV.
pub fn backup_scheme<R: CryptoRng + ?Sized>(iterations: u32, rng: &mut R) -> PbeScheme {
    let mut salt = [0u8; 16];
    let mut iv = [0u8; 16];
    rng.fill_bytes(&mut salt);
    rng.fill_bytes(&mut iv);
    PbeScheme::pbes2_aes256(salt, iv, iterations)
}

/// The PBKDF2 derivation that decrypting an encrypted PKCS#8 key (PEM or DER) needs, when it
/// is a PBES2 one; `None` for anything else ([`PrivateKey::from_pem_or_der`] reports errors).
pub fn encrypted_key_derivation(input: &[u8]) -> Option<crate::password::Derivation> {
    encrypted_key_scheme(input)?.pbkdf2_derivation()
}

/// The encryption scheme of an encrypted PKCS#8 key (PEM or DER), read without the password:
/// what decrypting it will cost ([`PbeScheme::kdf_work`]) can be known before paying it.
/// `None` when the input is not an encrypted key we can read.
pub fn encrypted_key_scheme(input: &[u8]) -> Option<PbeScheme> {
    let pem;
    let der = match crate::pem::find_blocks(input).into_iter().find(|b| b.label == "ENCRYPTED PRIVATE KEY") {
        Some(b) => {
            pem = Zeroizing::new(b.der);
            &pem[..]
        }
        None => input,
    };
    let mut epki = DerReader::new(der).sequence().ok()?;
    PbeScheme::parse(&mut epki.sequence().ok()?).ok()
}

/// Decrypts an EncryptedPrivateKeyInfo into PrivateKeyInfo DER.
pub(crate) fn decrypt_pkcs8(der: &[u8], password: &Password, bmp: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    let mut r = DerReader::new(der);
    let mut epki = r.sequence().map_err(|_| KeyError::NotAKey)?;
    let mut alg = epki.sequence()?;
    let scheme = PbeScheme::parse(&mut alg)?;
    let data = epki.octet_string()?;
    epki.finish()?;
    Ok(scheme.decrypt(password, bmp, data)?)
}

/// Encrypts PrivateKeyInfo DER into an EncryptedPrivateKeyInfo.
pub(crate) fn encrypt_pkcs8(scheme: &PbeScheme, plain: &[u8], password: &Password, bmp: &[u8]) -> Vec<u8> {
    let enc = scheme.encrypt(password, bmp, plain);
    asn1::sequence(&[&scheme.encode(), &asn1::octet_string(&enc)])
}

/// A public key, from our own private key or from a certificate or CSR.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PublicKey {
    /// RSA.
    Rsa(rsa::RsaPublicKey),
    /// ECDSA P-256.
    P256(p256::PublicKey),
    /// ECDSA P-384.
    P384(p384::PublicKey),
    /// Something we can describe but not use (Ed25519, DSA, P-521, ...).
    Other {
        /// The algorithm's name.
        algorithm: String,
        /// The raw subjectPublicKey bits length, as a rough size.
        bits: u32,
    },
}

impl PublicKey {
    /// Reads a SubjectPublicKeyInfo.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der).map_err(|_| KeyError::Corrupt)?;
        let alg = spki.algorithm.oid;
        if alg == oid::RSA_ENCRYPTION {
            return rsa::RsaPublicKey::from_public_key_der(der).map(PublicKey::Rsa).map_err(|_| KeyError::Corrupt);
        }
        if alg == oid::EC_PUBLIC_KEY {
            let curve = spki.algorithm.parameters.and_then(|p| p.decode_as::<const_oid::ObjectIdentifier>().ok());
            return match curve {
                Some(c) if c == oid::SECP256R1 => {
                    p256::PublicKey::from_public_key_der(der).map(PublicKey::P256).map_err(|_| KeyError::Corrupt)
                }
                Some(c) if c == oid::SECP384R1 => {
                    p384::PublicKey::from_public_key_der(der).map(PublicKey::P384).map_err(|_| KeyError::Corrupt)
                }
                // Named but not handled: still say its size (the differential check against
                // pyca found P-521 reported as 0 bits).
                Some(c) => Ok(PublicKey::Other {
                    algorithm: key_algorithm_name(c.as_bytes()),
                    bits: if c == oid::SECP521R1 { 521 } else { 0 },
                }),
                None => Ok(PublicKey::Other { algorithm: "ec-explicit-parameters".into(), bits: 0 }),
            };
        }
        let bits = u32::try_from(spki.subject_public_key.raw_bytes().len() * 8).unwrap_or(u32::MAX);
        Ok(PublicKey::Other { algorithm: key_algorithm_name(alg.as_bytes()), bits })
    }

    /// SubjectPublicKeyInfo DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>, KeyError> {
        let doc = match self {
            PublicKey::Rsa(k) => k.to_public_key_der(),
            PublicKey::P256(k) => k.to_public_key_der(),
            PublicKey::P384(k) => k.to_public_key_der(),
            PublicKey::Other { algorithm, .. } => {
                return Err(KeyError::UnsupportedAlgorithm { algorithm: algorithm.clone() });
            }
        }
        .map_err(|_| KeyError::Corrupt)?;
        Ok(doc.as_bytes().to_vec())
    }

    /// Algorithm family and size.
    pub fn info(&self) -> KeyInfo {
        match self {
            PublicKey::Rsa(k) => KeyInfo { algorithm: KeyType::Rsa, bits: k.n().bits() },
            PublicKey::P256(_) => KeyInfo { algorithm: KeyType::EcP256, bits: 256 },
            PublicKey::P384(_) => KeyInfo { algorithm: KeyType::EcP384, bits: 384 },
            PublicKey::Other { algorithm, bits } => {
                KeyInfo { algorithm: KeyType::named(algorithm.clone()), bits: *bits }
            }
        }
    }

    /// Refuses RSA outside [`check_rsa_policy`] and unusable key types.
    pub fn check_strength(&self) -> Result<(), KeyError> {
        match self {
            PublicKey::Rsa(k) => check_rsa_policy(k.n().bits(), &k.e_bytes()).map_err(|e| match e {
                RsaPolicyError::TooShort { bits } => {
                    KeyError::WeakKey { reason: format!("RSA {bits} bits < {RSA_MIN_BITS}") }
                }
                RsaPolicyError::TooLong { bits } => KeyError::UnsupportedAlgorithm { algorithm: format!("rsa{bits}") },
                RsaPolicyError::Exponent => {
                    KeyError::WeakKey { reason: format!("RSA public exponent is not {RSA_EXPONENT}") }
                }
            }),
            PublicKey::P256(_) | PublicKey::P384(_) => Ok(()),
            PublicKey::Other { algorithm, .. } => Err(KeyError::UnsupportedAlgorithm { algorithm: algorithm.clone() }),
        }
    }
}

/// The digest an ECDSA signature algorithm names.
fn ecdsa_digest(alg: &const_oid::ObjectIdentifier, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
    use crate::oid as s;
    use digest::Digest as _;
    Ok(if *alg == s::ECDSA_SHA256 {
        sha2::Sha256::digest(message).to_vec()
    } else if *alg == s::ECDSA_SHA384 {
        sha2::Sha384::digest(message).to_vec()
    } else if *alg == s::ECDSA_SHA512 {
        sha2::Sha512::digest(message).to_vec()
    } else if *alg == s::ECDSA_SHA1 {
        sha1::Sha1::digest(message).to_vec()
    } else {
        return Err(SignatureError::Unsupported { algorithm: oid::signature_algorithm_name(alg) });
    })
}

macro_rules! verify_ecdsa {
    ($curve:ident, $key:expr, $alg:expr, $message:expr, $signature:expr) => {{
        use signature::hazmat::PrehashVerifier as _;
        let digest = ecdsa_digest($alg, $message)?;
        let sig = $curve::ecdsa::DerSignature::from_bytes($signature).map_err(|_| SignatureError::Invalid)?;
        let sig = $curve::ecdsa::Signature::try_from(sig).map_err(|_| SignatureError::Invalid)?;
        $curve::ecdsa::VerifyingKey::from($key).verify_prehash(&digest, &sig).map_err(|_| SignatureError::Invalid)
    }};
}

/// Why a signature did not verify.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signature algorithm is not one we verify, or does not fit the key.
    Unsupported {
        /// The algorithm's name.
        algorithm: String,
    },
    /// The signature is wrong.
    Invalid,
}

impl PublicKey {
    /// Verifies `signature` over `message` under the X.509 signature algorithm `alg`.
    pub fn verify(
        &self,
        alg: &const_oid::ObjectIdentifier,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        use crate::oid as s;
        use signature::Verifier as _;
        let unsupported = || SignatureError::Unsupported { algorithm: oid::signature_algorithm_name(alg) };
        match self {
            PublicKey::Rsa(k) => {
                let sig = rsa::pkcs1v15::Signature::try_from(signature).map_err(|_| SignatureError::Invalid)?;
                let ok = if *alg == s::SHA256_RSA {
                    rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(k.clone()).verify(message, &sig)
                } else if *alg == s::SHA384_RSA {
                    rsa::pkcs1v15::VerifyingKey::<sha2::Sha384>::new(k.clone()).verify(message, &sig)
                } else if *alg == s::SHA512_RSA {
                    rsa::pkcs1v15::VerifyingKey::<sha2::Sha512>::new(k.clone()).verify(message, &sig)
                } else if *alg == s::SHA1_RSA {
                    // Still needed to check old chains (and to say they use SHA-1).
                    rsa::pkcs1v15::VerifyingKey::<sha1::Sha1>::new(k.clone()).verify(message, &sig)
                } else {
                    return Err(unsupported());
                };
                ok.map_err(|_| SignatureError::Invalid)
            }
            PublicKey::P256(k) => verify_ecdsa!(p256, k, alg, message, signature),
            PublicKey::P384(k) => verify_ecdsa!(p384, k, alg, message, signature),
            PublicKey::Other { .. } => Err(unsupported()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{rng, test};

    #[test]
    fn the_rsa_policy_is_2048_to_4096_bits_with_e_65537() {
        let e = [0x01, 0x00, 0x01];
        assert_eq!(check_rsa_policy(2048, &e), Ok(()));
        assert_eq!(check_rsa_policy(4096, &[0, 0, 0x01, 0x00, 0x01]), Ok(()));
        assert_eq!(check_rsa_policy(2047, &e), Err(RsaPolicyError::TooShort { bits: 2047 }));
        assert_eq!(check_rsa_policy(4097, &e), Err(RsaPolicyError::TooLong { bits: 4097 }));
        assert_eq!(check_rsa_policy(2048, &[3]), Err(RsaPolicyError::Exponent));
        assert_eq!(check_rsa_policy(2048, &[0x01, 0x00, 0x01, 0x00]), Err(RsaPolicyError::Exponent));
        assert_eq!(check_rsa_policy(2048, &[]), Err(RsaPolicyError::Exponent));
    }

    #[test]
    fn every_algorithm_generates_and_round_trips_through_pkcs8() {
        for alg in [KeyAlgorithm::P256, KeyAlgorithm::P384, KeyAlgorithm::Rsa2048] {
            let key = PrivateKey::generate(alg, &mut rng()).expect("keygen");
            assert_eq!(key.algorithm(), alg);
            key.check_strength().expect("our keys are strong");
            let der = key.to_pkcs8_der().expect("pkcs8");
            let back = PrivateKey::from_pkcs8_der(&der).expect("reads back");
            assert_eq!(back.public_key(), key.public_key());
            let pem = key.to_pkcs8_pem().expect("pem");
            assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
            let back = PrivateKey::from_pem_or_der(pem.as_bytes(), None).expect("pem reads back");
            assert_eq!(back.public_key(), key.public_key());
        }
    }

    #[test]
    fn the_signer_names_its_keys_public_half_and_its_signatures_verify_with_it() {
        use signature::{Keypair as _, Signer as _};
        use spki::DynSignatureAlgorithmIdentifier as _;
        for alg in [KeyAlgorithm::P256, KeyAlgorithm::P384, KeyAlgorithm::Rsa2048] {
            let key = PrivateKey::generate(alg, &mut rng()).expect("keygen");
            let signer = key.signer();
            assert_eq!(signer.verifying_key(), key.public_key(), "{alg:?}");
            let signature = signer.try_sign(b"message").expect("signs");
            let algorithm = signer.signature_algorithm_identifier().expect("names its algorithm");
            assert_eq!(signer.verifying_key().verify(&algorithm.oid, b"message", &signature.0), Ok(()), "{alg:?}");
        }
    }

    #[test]
    fn a_key_generated_elsewhere_is_taken_only_as_the_algorithm_asked_for() {
        for alg in [KeyAlgorithm::P256, KeyAlgorithm::Rsa2048] {
            let key = PrivateKey::generate(alg, &mut rng()).expect("keygen");
            let der = key.to_pkcs8_der().expect("pkcs8");
            let taken = PrivateKey::from_generated_pkcs8(&der, alg).expect("taken");
            assert_eq!(taken.public_key(), key.public_key());
            for other in KeyAlgorithm::ALL.into_iter().filter(|a| *a != alg) {
                assert!(PrivateKey::from_generated_pkcs8(&der, other).is_none(), "{alg:?} as {other:?}");
            }
        }
        assert!(PrivateKey::from_generated_pkcs8(b"not a key", KeyAlgorithm::Rsa2048).is_none());
        assert_eq!(KeyAlgorithm::ALL.map(KeyAlgorithm::rsa_bits), [Some(2048), Some(3072), Some(4096), None, None]);
    }

    #[test]
    fn rsa_keys_have_the_requested_size_and_exponent() {
        let key = PrivateKey::generate(KeyAlgorithm::Rsa3072, &mut rng()).expect("keygen");
        assert_eq!(key.info(), KeyInfo { algorithm: KeyType::Rsa, bits: 3072 });
        let PublicKey::Rsa(pk) = key.public_key() else { panic!("rsa") };
        assert_eq!(pk.e().as_words()[0], 65_537);
    }

    #[test]
    fn the_backup_file_needs_the_right_pin() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("keygen");
        let pin = Password::new("山田の鍵 2026");
        let pem = key.to_encrypted_pkcs8_pem(&pin, 2048, &mut rng()).expect("encrypt");
        assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let back = PrivateKey::from_pem_or_der(pem.as_bytes(), Some(&pin)).expect("decrypts");
        assert_eq!(back.public_key(), key.public_key());
        let err = PrivateKey::from_pem_or_der(pem.as_bytes(), Some(&Password::new("違う"))).expect_err("wrong pin");
        assert_eq!(err, KeyError::WrongPassword);
        let err = PrivateKey::from_pem_or_der(pem.as_bytes(), None).expect_err("no pin");
        assert_eq!(err, KeyError::WrongPassword);
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("keygen");
        let der = key.to_pkcs8_der().expect("der");
        let shown = format!("{key:?}");
        assert!(shown.contains("elided"), "{shown}");
        let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!shown.contains(&hex[hex.len() - 16..]));
    }

    #[test]
    fn garbage_is_refused_with_specific_codes() {
        assert_eq!(PrivateKey::from_pem_or_der(b"", None).expect_err("empty").code(), "empty_input");
        assert_eq!(PrivateKey::from_pem_or_der(b"hello world", None).expect_err("text").code(), "not_a_key");
        assert_eq!(PrivateKey::from_pem_or_der(&[0x30, 0x03, 1, 2], None).expect_err("junk").code(), "not_a_key");
        let huge = vec![0u8; MAX_INPUT_BYTES + 1];
        assert_eq!(PrivateKey::from_pem_or_der(&huge, None).expect_err("huge").code(), "too_large");
        assert_eq!(KeyAlgorithm::from_name("ed25519").expect_err("unknown").code(), "unsupported_algorithm");
    }
}
