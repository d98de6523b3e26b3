//! What an opened file is and says: its key, certificates in chain order, how it is protected
//! ([`Scheme`], [`Mac`]), and the serializable [`Pkcs12Report`] the CLI and the site share.

use serde::Serialize;
use x509_cert::Certificate;

use crate::findings::Finding;
use crate::keys::{KeyInfo, KeyType, PrivateKey};
use crate::pbe::{Hash, PbeScheme, SchemeKind};

/// A bag's attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BagAttributes {
    /// friendlyName, decoded.
    pub friendly_name: Option<String>,
    /// localKeyID as hex.
    pub local_key_id: Option<String>,
}

/// Where a certificate sits in the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The certificate of the key: the user's own.
    Leaf,
    /// An issuing CA below the root.
    Intermediate,
    /// A self-signed root.
    Root,
    /// A certificate outside the leaf's chain (e.g. belonging to a second key).
    Other,
}

/// One certificate from the file.
#[derive(Clone, Debug)]
pub struct CertificateEntry {
    /// The certificate.
    pub certificate: Certificate,
    /// Its bag attributes.
    pub attributes: BagAttributes,
    /// Its role.
    pub role: Role,
    /// Its index in the file (0-based), to report order problems.
    pub file_index: usize,
}

/// What protects one part of a file. Serializes as `none` or the scheme's name
/// (`pbes2-pbkdf2-hmac-sha256-aes-256-cbc`, `pbe-sha1-3des`, ...).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheme {
    /// In the clear.
    #[default]
    None,
    /// Password-based encryption.
    Encrypted(SchemeKind),
}

impl Scheme {
    /// PBES2 (PBKDF2 and a block cipher).
    pub fn is_pbes2(self) -> bool {
        matches!(self, Scheme::Encrypted(SchemeKind::Pbes2 { .. }))
    }

    /// RC2 or RC4 at any size.
    pub fn is_rc2_or_rc4(self) -> bool {
        matches!(self, Scheme::Encrypted(k) if k.is_rc2_or_rc4())
    }

    /// 40-bit RC2 or any RC4.
    pub fn is_broken(self) -> bool {
        matches!(self, Scheme::Encrypted(k) if k.is_broken())
    }
}

impl From<&PbeScheme> for Scheme {
    fn from(scheme: &PbeScheme) -> Self {
        Scheme::Encrypted(scheme.kind())
    }
}

impl core::fmt::Display for Scheme {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Scheme::None => f.write_str("none"),
            Scheme::Encrypted(kind) => kind.fmt(f),
        }
    }
}

impl Serialize for Scheme {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The integrity check of a file. Serializes as `none`, `hmac-sha256`, `pbmac1-hmac-sha256`, ...
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mac {
    /// No MacData.
    #[default]
    None,
    /// The RFC 7292 MAC: HMAC keyed by the PKCS#12 KDF.
    Hmac(Hash),
    /// RFC 9579 PBMAC1: HMAC keyed by PBKDF2.
    Pbmac1(Hash),
}

impl core::fmt::Display for Mac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Mac::None => f.write_str("none"),
            Mac::Hmac(hash) => write!(f, "hmac-{}", hash.name()),
            Mac::Pbmac1(hash) => write!(f, "pbmac1-hmac-{}", hash.name()),
        }
    }
}

impl Serialize for Mac {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The encryption facts, as the CLI and the site report them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EncryptionFacts {
    /// Scheme protecting the certificates (`none` when they are in the clear).
    pub certificates: Scheme,
    /// Scheme protecting the key (`none` for a plain keyBag or no key).
    pub key: Scheme,
    /// MAC algorithm (`hmac-sha256`, `pbmac1-hmac-sha256`, `none`).
    pub mac: Mac,
    /// KDF iterations of the key (or of the certificates when there is no key).
    pub iterations: u32,
    /// MAC KDF iterations (0 without a MAC).
    pub mac_iterations: u32,
}

/// An opened `.p12`.
#[derive(Debug)]
pub struct OpenedPkcs12 {
    /// The private key (the one matching the leaf when there are several).
    pub key: Option<PrivateKey>,
    /// The key's bag attributes.
    pub key_attributes: BagAttributes,
    /// Certificates ordered leaf first, then issuers.
    pub certificates: Vec<CertificateEntry>,
    /// How the file is protected.
    pub encryption: EncryptionFacts,
    /// What the user should know.
    pub findings: Vec<Finding>,
    /// Private keys other than [`OpenedPkcs12::key`], kept so nothing is dropped unseen.
    pub other_keys: Vec<PrivateKey>,
    /// How many bags (CRLs, secrets, other certificate types) were not read.
    pub ignored_bags: usize,
}

impl OpenedPkcs12 {
    /// The leaf certificate, if any.
    pub fn leaf(&self) -> Option<&CertificateEntry> {
        self.certificates.iter().find(|c| c.role == Role::Leaf)
    }

    /// Whether the key belongs to the leaf.
    pub fn key_matches_certificate(&self) -> bool {
        match (&self.key, self.leaf()) {
            (Some(k), Some(l)) => crate::x509::public_key(&l.certificate).as_ref() == Some(&k.public_key()),
            _ => false,
        }
    }

    /// Key description, when there is a key.
    pub fn key_info(&self) -> Option<KeyInfo> {
        self.key.as_ref().map(PrivateKey::info)
    }

    /// Whether a finding with this code is present.
    pub fn has_finding(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// The report of an opened file: the shape the CLI's `--json` and the wasm API share.
#[derive(Clone, Debug, Serialize)]
pub struct Pkcs12Report {
    /// The key, if any.
    pub key: Option<KeyReport>,
    /// The key bag's attributes.
    pub key_attributes: BagAttributes,
    /// Certificates, leaf first.
    pub certificates: Vec<CertificateReport>,
    /// How the file is protected.
    pub encryption: EncryptionFacts,
    /// What the user should know.
    pub findings: Vec<Finding>,
}

/// The key part of a [`Pkcs12Report`].
#[derive(Clone, Debug, Serialize)]
pub struct KeyReport {
    /// `rsa`, `ec-p256`, `ec-p384`.
    pub algorithm: KeyType,
    /// Size in bits.
    pub bits: u32,
    /// Whether it belongs to the leaf certificate.
    pub matches_certificate: bool,
}

/// One certificate of a [`Pkcs12Report`].
#[derive(Clone, Debug, Serialize)]
pub struct CertificateReport {
    /// Subject CN.
    pub subject_cn: String,
    /// Subject, one line.
    pub subject: String,
    /// Issuer, one line.
    pub issuer: String,
    /// Serial, hex.
    pub serial: String,
    /// notBefore `YYYY-MM-DD`.
    pub not_before: String,
    /// notAfter `YYYY-MM-DD`.
    pub not_after: String,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Role in the chain.
    pub role: Role,
    /// friendlyName of its bag.
    pub friendly_name: Option<String>,
    /// localKeyID of its bag (hex).
    pub local_key_id: Option<String>,
}

impl OpenedPkcs12 {
    /// The serializable report.
    pub fn report(&self) -> Pkcs12Report {
        Pkcs12Report {
            key: self.key.as_ref().map(|k| {
                let info = k.info();
                KeyReport {
                    algorithm: info.algorithm,
                    bits: info.bits,
                    matches_certificate: self.key_matches_certificate(),
                }
            }),
            key_attributes: self.key_attributes.clone(),
            certificates: self
                .certificates
                .iter()
                .map(|c| {
                    let f = crate::x509::facts(&c.certificate);
                    CertificateReport {
                        subject_cn: f.subject_cn,
                        subject: f.subject,
                        issuer: f.issuer,
                        serial: f.serial,
                        not_before: f.not_before,
                        not_after: f.not_after,
                        emails: f.emails,
                        role: c.role,
                        friendly_name: c.attributes.friendly_name.clone(),
                        local_key_id: c.attributes.local_key_id.clone(),
                    }
                })
                .collect(),
            encryption: self.encryption.clone(),
            findings: self.findings.clone(),
        }
    }
}
