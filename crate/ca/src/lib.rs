//! A minimal certificate issuer: the worker's built-in local CA and the test suites' PKI.
//!
//! The CA/B Forum profiles in x509-cert refuse emailAddress in subjects and do not cover
//! personal S/MIME certificates, so this module has its own profiles.
//!
//! May use: `inkan-pki` (keys and their signers), `inkan-i18n`. Used by: the worker's embedded
//! issuer, the test suites (and the PKI core's own tests, as a dev-dependency), the bindings.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use inkan_pki::{PrivateKey, PublicKey};

use const_oid::db::rfc5280::{ID_KP_CLIENT_AUTH, ID_KP_EMAIL_PROTECTION};
use der::Encode as _;
use serde::Serialize;
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::builder::{Builder as _, CertificateBuilder, profile::BuilderProfile};
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName,
    SubjectKeyIdentifier,
};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use inkan_i18n::{Catalog, Localized, Message};

/// This crate's texts (`messages/ja.json`, `messages/en.json`), compiled in.
static MESSAGES: Catalog = Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

/// What went wrong issuing a certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssueError {
    /// The validity period is not representable or ends before it starts.
    InvalidValidity,
    /// Encoding or signing failed.
    SigningFailed,
    /// The subject key cannot be certified.
    Key(inkan_pki::KeyError),
}

impl core::fmt::Display for IssueError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for IssueError {}

impl Localized for IssueError {
    fn code(&self) -> &'static str {
        match self {
            IssueError::InvalidValidity => "invalid_validity",
            IssueError::SigningFailed => "signing_failed",
            IssueError::Key(e) => e.code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            IssueError::InvalidValidity => MESSAGES.message("issue.invalid_validity", &[]),
            IssueError::SigningFailed => MESSAGES.message("issue.signing_failed", &[]),
            IssueError::Key(e) => e.message(),
        }
    }
}

/// The kind of certificate to issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum CertificateProfile {
    /// A self-signed root CA.
    Root,
    /// A subordinate CA.
    Intermediate,
    /// A personal certificate for S/MIME and client authentication, conformant to the CA/B
    /// Forum S/MIME Baseline Requirements' individual-validated profile: emailProtection and
    /// clientAuth EKU, rfc822Name SAN, digitalSignature (+ keyEncipherment for RSA).
    Personal {
        /// The mailbox to put in the SAN.
        emails: Vec<String>,
    },
}

struct Profile {
    subject: Name,
    issuer: Option<Name>,
    kind: CertificateProfile,
    subject_is_rsa: bool,
}

fn key_id(spki: spki::SubjectPublicKeyInfoRef<'_>) -> Vec<u8> {
    use digest::Digest as _;
    // RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits.
    sha1::Sha1::digest(spki.subject_public_key.raw_bytes()).to_vec()
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, subject: &Name) -> Name {
        self.issuer.clone().unwrap_or_else(|| subject.clone())
    }

    fn get_subject(&self) -> Name {
        self.subject.clone()
    }

    fn build_extensions(
        &self,
        spk: spki::SubjectPublicKeyInfoRef<'_>,
        issuer_spk: spki::SubjectPublicKeyInfoRef<'_>,
        tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        use x509_cert::ext::ToExtension as _;
        let subject = tbs.subject();
        let mut exts: Vec<Extension> = Vec::new();
        let ski = SubjectKeyIdentifier(der::asn1::OctetString::new(key_id(spk))?);
        let aki = AuthorityKeyIdentifier {
            key_identifier: Some(der::asn1::OctetString::new(key_id(issuer_spk))?),
            ..Default::default()
        };
        match &self.kind {
            CertificateProfile::Root | CertificateProfile::Intermediate => {
                let bc = BasicConstraints {
                    ca: true,
                    path_len_constraint: if self.kind == CertificateProfile::Intermediate { Some(0) } else { None },
                };
                exts.push((true, &bc).to_extension(subject, &exts)?);
                let ku = KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign | KeyUsages::DigitalSignature);
                exts.push((true, &ku).to_extension(subject, &exts)?);
                exts.push((false, &ski).to_extension(subject, &exts)?);
                if self.kind == CertificateProfile::Intermediate {
                    exts.push((false, &aki).to_extension(subject, &exts)?);
                    // S/MIME BR 7.1.2.2(g): a subordinate CA issuing S/MIME certificates carries
                    // emailProtection and must not carry serverAuth; clientAuth is what the
                    // personal certificates are also sold for. A leaked issuing key then cannot
                    // mint TLS server certificates that EKU-chaining clients accept.
                    let eku = ExtendedKeyUsage(vec![ID_KP_EMAIL_PROTECTION, ID_KP_CLIENT_AUTH]);
                    exts.push((false, &eku).to_extension(subject, &exts)?);
                }
            }
            CertificateProfile::Personal { emails } => {
                let bc = BasicConstraints { ca: false, path_len_constraint: None };
                exts.push((true, &bc).to_extension(subject, &exts)?);
                let mut usages = KeyUsages::DigitalSignature.into();
                if self.subject_is_rsa {
                    usages |= KeyUsages::KeyEncipherment;
                } else {
                    // S/MIME BR 7.1.2.3(e): ECC keys may assert keyAgreement for encryption.
                    usages |= KeyUsages::KeyAgreement;
                }
                exts.push((true, &KeyUsage(usages)).to_extension(subject, &exts)?);
                let eku = ExtendedKeyUsage(vec![ID_KP_EMAIL_PROTECTION, ID_KP_CLIENT_AUTH]);
                exts.push((false, &eku).to_extension(subject, &exts)?);
                if !emails.is_empty() {
                    let mut names = Vec::new();
                    for e in emails {
                        names.push(GeneralName::Rfc822Name(der::asn1::Ia5String::new(e)?));
                    }
                    exts.push((false, &SubjectAltName(names)).to_extension(subject, &exts)?);
                }
                exts.push((false, &ski).to_extension(subject, &exts)?);
                exts.push((false, &aki).to_extension(subject, &exts)?);
            }
        }
        Ok(exts)
    }
}

fn time(unix: u64) -> Result<Time, IssueError> {
    let dt = der::DateTime::from_unix_duration(core::time::Duration::from_secs(unix))
        .map_err(|_| IssueError::InvalidValidity)?;
    // RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after.
    if dt.year() < 2050 {
        der::asn1::UtcTime::from_date_time(dt).map(Time::UtcTime).map_err(|_| IssueError::InvalidValidity)
    } else {
        Ok(Time::GeneralTime(der::asn1::GeneralizedTime::from_date_time(dt)))
    }
}

/// One certificate to issue.
pub struct IssueRequest<'a> {
    /// Subject name (DER-decoded).
    pub subject: Name,
    /// Subject public key.
    pub subject_key: &'a PublicKey,
    /// notBefore, seconds since the epoch.
    pub not_before: u64,
    /// notAfter, seconds since the epoch.
    pub not_after: u64,
    /// Serial number bytes (positive, at most 20 bytes; 16 random bytes recommended).
    pub serial: [u8; 16],
    /// The profile.
    pub profile: CertificateProfile,
}

/// Issues a certificate signed by `issuer_key`; `issuer` is `None` for a self-signed root.
pub fn issue(
    req: IssueRequest<'_>,
    issuer_key: &PrivateKey,
    issuer: Option<&Certificate>,
) -> Result<Certificate, IssueError> {
    if req.not_after <= req.not_before {
        return Err(IssueError::InvalidValidity);
    }
    let mut serial = req.serial;
    // Positive and non-zero leading bit cleared, so the DER INTEGER stays 16 bytes.
    serial[0] &= 0x7f;
    serial[0] |= 0x01;
    let serial = SerialNumber::new(&serial).map_err(|_| IssueError::SigningFailed)?;
    let validity = Validity::new(time(req.not_before)?, time(req.not_after)?);
    let spki_der = req.subject_key.to_spki_der().map_err(IssueError::Key)?;
    let spki =
        <SubjectPublicKeyInfoOwned as der::Decode>::from_der(&spki_der).map_err(|_| IssueError::SigningFailed)?;
    let profile = Profile {
        subject: req.subject,
        issuer: issuer.map(|c| c.tbs_certificate().subject().clone()),
        kind: req.profile,
        subject_is_rsa: matches!(req.subject_key, PublicKey::Rsa(_)),
    };
    let builder = CertificateBuilder::new(profile, serial, validity, spki).map_err(|_| IssueError::SigningFailed)?;
    let cert = builder.build::<_, inkan_pki::KeySignature>(&issuer_key.signer());
    let cert = cert.map_err(|_| IssueError::SigningFailed)?;
    // Catch an encoder bug here rather than in a user's mail client.
    cert.to_der().map_err(|_| IssueError::SigningFailed)?;
    Ok(cert)
}

/// Builds a Name from (short attribute name, value) pairs: `C` as PrintableString,
/// `emailAddress` as IA5String, everything else UTF8String ([`inkan_pki::distinguished_name`]).
pub fn name(parts: &[(&str, &str)]) -> Result<Name, IssueError> {
    inkan_pki::distinguished_name(parts).ok_or(IssueError::SigningFailed)
}

/// A certificate as the test suites use them, valid through 2026: a root when `issuer` is
/// `None`, else a personal certificate for taro@example.jp (or an intermediate when `cn`
/// contains "Intermediate") signed by the issuer's key and certificate.
pub fn test_certificate(
    key: &PrivateKey,
    cn: &str,
    issuer: Option<(&PrivateKey, &Certificate)>,
) -> Result<Certificate, IssueError> {
    let public = key.public_key();
    let profile = match (issuer, cn.contains("Intermediate")) {
        (None, _) => CertificateProfile::Root,
        (Some(_), true) => CertificateProfile::Intermediate,
        (Some(_), false) => CertificateProfile::Personal { emails: vec!["taro@example.jp".into()] },
    };
    let req = IssueRequest {
        subject: name(&[("C", "JP"), ("CN", cn)])?,
        subject_key: &public,
        not_before: 1_767_225_600, // 2026-01-01
        not_after: 1_798_761_600,  // 2027-01-01
        serial: [0x42; 16],
        profile,
    };
    match issuer {
        None => issue(req, key, None),
        Some((issuer_key, issuer_cert)) => issue(req, issuer_key, Some(issuer_cert)),
    }
}

#[cfg(test)]
mod messages_tests {
    use super::*;

    #[test]
    fn every_error_renders_in_both_languages_from_agreeing_catalogs() {
        assert_eq!(MESSAGES.problems(), Vec::<String>::new());
        assert_eq!(MESSAGES.unused_keys(&[include_str!("lib.rs")]), Vec::<String>::new());
        let errors = [
            IssueError::InvalidValidity,
            IssueError::SigningFailed,
            IssueError::Key(inkan_pki::KeyError::WeakKey { reason: "r".into() }),
        ];
        let problems: Vec<_> =
            errors.iter().filter_map(|e| MESSAGES.check_rendered(e.code(), &e.message(), true)).collect();
        assert_eq!(problems, Vec::<String>::new());
    }
}
