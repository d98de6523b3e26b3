//! Identity documents sealed to the issuer: HPKE (RFC 9180) in base mode with
//! DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and ChaCha20Poly1305, from the `hpke` crate.
//!
//! The issuer's review desk makes one [`DocumentKey`] and keeps its private half in the
//! reviewers' browser as an encrypted PKCS#8 PEM (RFC 8410 X25519 `PrivateKeyInfo` under
//! PBES2, the same scheme as the applicant's key backup); the worker publishes the 32-byte
//! public half. The applicant's browser [`seal`]s each document to it; only the desk can
//! [`DocumentKey::open`] the result. The document's media type is the HPKE `aad`, so a sealed
//! PDF cannot be relabelled as an image on the way.
//!
//! Sealed form: the 32-byte encapsulated key, then the ciphertext (plaintext + 16-byte tag).

use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::CryptoRng;
use zeroize::Zeroizing;

use crate::keys::KeyError;
use crate::password::Password;
use crate::texts;
use inkan_i18n::{Localized, Message};

type Kem = hpke::kem::X25519HkdfSha256;
type Kdf = hpke::kdf::HkdfSha256;
type Aead = hpke::aead::ChaCha20Poly1305;

/// HPKE `info`: binds every sealed document to this use and format version.
const INFO: &[u8] = b"inkan identity document v1";
/// The encapsulated key's length (X25519 public key).
pub const ENCAPPED_LEN: usize = 32;
/// What sealing adds to a document: the encapsulated key and the AEAD tag.
pub const OVERHEAD: usize = ENCAPPED_LEN + 16;
/// The public key's length.
pub const PUBLIC_KEY_LEN: usize = 32;
/// DER of an RFC 8410 X25519 `PrivateKeyInfo` up to the 32 key bytes: version 0,
/// algorithm id-X25519 (1.3.101.110), privateKey OCTET STRING { OCTET STRING (32) }.
const PKCS8_PREFIX: [u8; 16] =
    [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20];
/// The PEM label of the desk's backup file.
const PEM_LABEL: &str = "ENCRYPTED PRIVATE KEY";

/// What went wrong with a document key or a sealed document.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentError {
    /// The published document key is not a 32-byte X25519 public key.
    BadPublicKey {
        /// The length given.
        length: usize,
    },
    /// The file is not an encrypted X25519 document key.
    NotADocumentKey,
    /// The passphrase does not open the document key, or the key file is damaged.
    Key(KeyError),
    /// The sealed document does not open with this key: sealed to another key, altered, or
    /// labelled with another media type.
    DoesNotOpen,
    /// Sealing failed (the public key is degenerate).
    SealFailed,
}

impl core::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for DocumentError {}

impl Localized for DocumentError {
    fn code(&self) -> &'static str {
        match self {
            DocumentError::BadPublicKey { .. } => "document_key_invalid",
            DocumentError::NotADocumentKey => "document_key_not_a_key",
            DocumentError::Key(e) => e.code(),
            DocumentError::DoesNotOpen => "document_does_not_open",
            DocumentError::SealFailed => "document_seal_failed",
        }
    }

    fn message(&self) -> Message {
        match self {
            DocumentError::BadPublicKey { length } => {
                texts::document::DocumentKeyInvalid { length: length.into() }.render()
            }
            DocumentError::NotADocumentKey => texts::document::DOCUMENT_KEY_NOT_A_KEY.render(),
            DocumentError::Key(e) => e.message(),
            DocumentError::DoesNotOpen => texts::document::DOCUMENT_DOES_NOT_OPEN.render(),
            DocumentError::SealFailed => texts::document::DOCUMENT_SEAL_FAILED.render(),
        }
    }
}

/// The issuer's document key pair. The private half is zeroized on drop and never printed.
pub struct DocumentKey {
    private: Zeroizing<[u8; 32]>,
    public: [u8; PUBLIC_KEY_LEN],
}

impl core::fmt::Debug for DocumentKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("DocumentKey([private key elided])")
    }
}

impl DocumentKey {
    /// A new key pair from the caller's randomness (RFC 9180 DeriveKeyPair of 32 random bytes).
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut ikm = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(ikm.as_mut());
        let (private, public) = Kem::derive_keypair(ikm.as_ref());
        Self::from_parts(&private, &public)
    }

    fn from_parts(private: &<Kem as hpke::Kem>::PrivateKey, public: &<Kem as hpke::Kem>::PublicKey) -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&private.to_bytes());
        let mut pk = [0u8; PUBLIC_KEY_LEN];
        pk.copy_from_slice(&public.to_bytes());
        Self { private: bytes, public: pk }
    }

    /// The public half, as published by the worker.
    pub fn public_key(&self) -> [u8; PUBLIC_KEY_LEN] {
        self.public
    }

    /// The private half as an encrypted PKCS#8 PEM under `passphrase` (PBES2,
    /// PBKDF2-HMAC-SHA256 with `iterations`, AES-256-CBC): the desk's stored copy and backup.
    pub fn to_encrypted_pem<R: CryptoRng + ?Sized>(
        &self,
        passphrase: &Password,
        iterations: u32,
        rng: &mut R,
    ) -> String {
        let mut plain = Zeroizing::new(Vec::with_capacity(48));
        plain.extend_from_slice(&PKCS8_PREFIX);
        plain.extend_from_slice(self.private.as_ref());
        let scheme = crate::keys::backup_scheme(iterations, rng);
        let der = crate::keys::encrypt_pkcs8(&scheme, &plain, passphrase, &passphrase.bmp());
        crate::pem::encode(PEM_LABEL, &der)
    }

    /// Opens the desk's encrypted PEM (or its DER) with the passphrase.
    pub fn from_encrypted(input: &[u8], passphrase: &Password) -> Result<Self, DocumentError> {
        let der = match crate::pem::find_blocks(input).into_iter().find(|b| b.label == PEM_LABEL) {
            Some(block) => Zeroizing::new(block.der),
            None if crate::pem::looks_like_text(input) => return Err(DocumentError::NotADocumentKey),
            None => Zeroizing::new(input.to_vec()),
        };
        let plain = crate::keys::decrypt_pkcs8(&der, passphrase, &passphrase.bmp()).map_err(|e| match e {
            KeyError::Corrupt => KeyError::WrongPassword,
            other => other,
        });
        let plain = plain.map_err(DocumentError::Key)?;
        if !crate::asn1::is_one_sequence(&plain) {
            // Garbage that passed the padding check, not some other key.
            return Err(DocumentError::Key(KeyError::WrongPassword));
        }
        let Some(raw) = plain.strip_prefix(&PKCS8_PREFIX[..]).filter(|raw| raw.len() == 32) else {
            return Err(DocumentError::NotADocumentKey);
        };
        let private = <Kem as hpke::Kem>::PrivateKey::from_bytes(raw).map_err(|_| DocumentError::NotADocumentKey)?;
        let public = Kem::sk_to_pk(&private);
        Ok(Self::from_parts(&private, &public))
    }

    /// Opens one sealed document labelled `media_type`.
    pub fn open(&self, media_type: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, DocumentError> {
        if sealed.len() < OVERHEAD {
            return Err(DocumentError::DoesNotOpen);
        }
        let (encapped, ciphertext) = sealed.split_at(ENCAPPED_LEN);
        let encapped = <Kem as hpke::Kem>::EncappedKey::from_bytes(encapped).map_err(|_| DocumentError::DoesNotOpen)?;
        let private = <Kem as hpke::Kem>::PrivateKey::from_bytes(self.private.as_ref())
            .map_err(|_| DocumentError::NotADocumentKey)?;
        hpke::single_shot_open::<Aead, Kdf, Kem>(
            &OpModeR::Base,
            &private,
            &encapped,
            INFO,
            ciphertext,
            media_type.as_bytes(),
        )
        .map(Zeroizing::new)
        .map_err(|_| DocumentError::DoesNotOpen)
    }
}

/// Seals `document` (labelled `media_type`) to the issuer's published `public_key`.
pub fn seal<R: CryptoRng>(
    public_key: &[u8],
    media_type: &str,
    document: &[u8],
    rng: &mut R,
) -> Result<Vec<u8>, DocumentError> {
    if public_key.len() != PUBLIC_KEY_LEN {
        return Err(DocumentError::BadPublicKey { length: public_key.len() });
    }
    let public = <Kem as hpke::Kem>::PublicKey::from_bytes(public_key)
        .map_err(|_| DocumentError::BadPublicKey { length: public_key.len() })?;
    let (encapped, ciphertext) = hpke::single_shot_seal_with_rng::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &public,
        INFO,
        document,
        media_type.as_bytes(),
        rng,
    )
    .map_err(|_| DocumentError::SealFailed)?;
    let mut out = Vec::with_capacity(OVERHEAD + document.len());
    out.extend_from_slice(&encapped.to_bytes());
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> impl CryptoRng {
        crate::os_rng()
    }

    #[test]
    fn a_sealed_document_opens_only_with_the_desk_key_and_its_media_type() {
        let key = DocumentKey::generate(&mut rng());
        let doc = b"%PDF-1.7 a passport scan";
        let sealed = seal(&key.public_key(), "application/pdf", doc, &mut rng()).expect("seals");
        assert_eq!(sealed.len(), doc.len() + OVERHEAD);
        assert!(!sealed.windows(doc.len()).any(|w| w == doc), "no plaintext in the sealed form");
        assert_eq!(key.open("application/pdf", &sealed).expect("opens").as_slice(), doc);
        assert_eq!(key.open("image/jpeg", &sealed).err(), Some(DocumentError::DoesNotOpen));
        let other = DocumentKey::generate(&mut rng());
        assert_eq!(other.open("application/pdf", &sealed).err(), Some(DocumentError::DoesNotOpen));
        let mut altered = sealed.clone();
        if let Some(last) = altered.last_mut() {
            *last ^= 1;
        }
        assert_eq!(key.open("application/pdf", &altered).err(), Some(DocumentError::DoesNotOpen));
        assert_eq!(key.open("application/pdf", &sealed[..10]).err(), Some(DocumentError::DoesNotOpen));
    }

    #[test]
    fn the_desk_key_survives_its_encrypted_backup_and_refuses_a_wrong_passphrase() {
        let key = DocumentKey::generate(&mut rng());
        let pass = Password::new("審査の合言葉 2026");
        let pem = key.to_encrypted_pem(&pass, 1_000, &mut rng());
        assert!(pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----"));
        let back = DocumentKey::from_encrypted(pem.as_bytes(), &pass).expect("opens");
        assert_eq!(back.public_key(), key.public_key());
        let sealed = seal(&key.public_key(), "image/png", b"png", &mut rng()).expect("seals");
        assert_eq!(back.open("image/png", &sealed).expect("opens").as_slice(), b"png");
        let wrong = DocumentKey::from_encrypted(pem.as_bytes(), &Password::new("nope")).err();
        assert_eq!(wrong.map(|e| e.code()), Some("wrong_password"));
        assert_eq!(DocumentKey::from_encrypted(b"hello", &pass).err(), Some(DocumentError::NotADocumentKey));
        // A wrong passphrase whose garbage passes the CBC padding check (about 1 in 256; the
        // CI run that found this hit one by chance) is still a wrong password.
        // One PBKDF2 iteration keeps the search for such a passphrase cheap.
        let cheap = key.to_encrypted_pem(&pass, 1, &mut rng());
        let der = crate::pem::find_blocks(cheap.as_bytes()).remove(0).der;
        let lucky = (0..20_000)
            .map(|i| Password::new(format!("wrong {i}")))
            .find(|p| crate::keys::decrypt_pkcs8(&der, p, &p.bmp()).is_ok())
            .expect("some wrong passphrase passes the padding check");
        let err = DocumentKey::from_encrypted(cheap.as_bytes(), &lucky).err();
        assert_eq!(err.map(|e| e.code()), Some("wrong_password"));
        // The right passphrase over a key of another kind is a key, just not the desk's.
        let other = crate::keys::encrypt_pkcs8(
            &crate::keys::backup_scheme(1, &mut rng()),
            &crate::asn1::sequence(&[&crate::asn1::uint(0)]),
            &pass,
            &pass.bmp(),
        );
        assert_eq!(DocumentKey::from_encrypted(&other, &pass).err(), Some(DocumentError::NotADocumentKey));
        assert!(!format!("{key:?}").contains(&format!("{:?}", key.private.as_ref())));
    }

    #[test]
    fn a_public_key_of_the_wrong_length_is_refused_with_its_length() {
        assert_eq!(
            seal(&[1u8; 31], "image/png", b"x", &mut rng()).err(),
            Some(DocumentError::BadPublicKey { length: 31 })
        );
    }
}
