//! PKCS#10 certificate requests (RFC 2986) for personal client certificates.
//!
//! Japanese names are UTF8String so `山田 太郎` survives every hop; the country stays
//! PrintableString as RFC 5280 requires; the e-mail address goes into the SAN (what S/MIME
//! clients read, CA/B Forum S/MIME BR 7.1.2.3) and, by default, into the subject's
//! emailAddress too, as the seed issuers' certificates carry it.

use der::{Decode as _, Encode as _, asn1::BitString};
use serde::{Deserialize, Serialize};
use signature::{Keypair, Signer};
use spki::{DynSignatureAlgorithmIdentifier, SignatureBitStringEncoding as _, SubjectPublicKeyInfoOwned};
use x509_cert::attr::{Attribute, Attributes};
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName};
use x509_cert::ext::{Extension, ToExtension as _};
use x509_cert::name::Name;
use x509_cert::request::{CertReq, CertReqInfo, ExtensionReq};

use crate::keys::{KeyAlgorithm, KeySignature, KeySigner, PrivateKey, PublicKey};
use crate::oid as x509_oid;
use crate::texts;
use inkan_i18n::{Arg, Localized, Message};

/// RFC 5280 upper bounds (ub-common-name and friends), in characters.
const MAX_NAME_CHARS: usize = 64;
/// PKCS#9 ub-emailaddress-length.
const MAX_EMAIL_CHARS: usize = 255;
/// The largest CSR we accept for parsing (the worker's intake limit is the same).
pub const MAX_CSR_BYTES: usize = 16 * 1024;

/// The subject of a request, as the applicant typed it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Subject {
    /// Common name: the person's name, e.g. `山田 太郎` or `Taro Yamada`.
    pub common_name: String,
    /// Organisation, e.g. `山田法律事務所`.
    pub organization: Option<String>,
    /// Organisational unit.
    pub organizational_unit: Option<String>,
    /// Two-letter country code, e.g. `JP`.
    pub country: Option<String>,
    /// E-mail address (ASCII).
    pub email: Option<String>,
}

/// Extended key usages (RFC 5280 KeyPurposeId) the applicant asks for; not the catalog's
/// `Purpose`, which is what a person uses a certificate for. Issuers decide, but asking for
/// S/MIME and client authentication makes the intent visible to their review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum KeyPurpose {
    /// id-kp-emailProtection (S/MIME).
    EmailProtection,
    /// id-kp-clientAuth (TLS client authentication).
    ClientAuth,
}

/// How to build the request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CsrOptions {
    /// Put the e-mail address into the subject (emailAddress) as well as the SAN.
    pub email_in_subject: bool,
    /// Request keyUsage: digitalSignature, plus keyEncipherment for RSA keys.
    pub key_usage: bool,
    /// Request these extended key usages (none: no EKU extension).
    pub extended_key_usage: Vec<KeyPurpose>,
}

impl Default for CsrOptions {
    fn default() -> Self {
        Self { email_in_subject: true, key_usage: false, extended_key_usage: Vec::new() }
    }
}

/// What went wrong building or reading a request.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CsrError {
    /// A required field is empty.
    MissingField {
        /// Which field (`commonName`, ...).
        field: &'static str,
    },
    /// A field is too long.
    FieldTooLong {
        /// Which field.
        field: &'static str,
        /// The most characters allowed.
        limit: usize,
    },
    /// A field holds characters that cannot go into a certificate (control characters).
    InvalidCharacters {
        /// Which field.
        field: &'static str,
    },
    /// The country is not two capital letters.
    InvalidCountry {
        /// What was given.
        value: String,
    },
    /// The e-mail address is not a plain ASCII `local@domain` address.
    InvalidEmail {
        /// What was given.
        value: String,
    },
    /// The key cannot sign a request.
    Key(crate::keys::KeyError),
    /// Encoding or signing failed.
    SigningFailed,
    /// No bytes.
    EmptyInput,
    /// Larger than any CSR.
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The most we read.
        limit: usize,
    },
    /// Not a PKCS#10 request.
    NotACsr,
    /// The request's signature does not verify: it was altered or never signed by its key.
    SignatureInvalid,
    /// The request is signed with an algorithm we do not accept.
    UnsupportedAlgorithm {
        /// Its name.
        algorithm: String,
    },
}

impl From<crate::keys::KeyError> for CsrError {
    fn from(e: crate::keys::KeyError) -> Self {
        CsrError::Key(e)
    }
}

impl core::fmt::Display for CsrError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for CsrError {}

/// A field's name in the message's own language: a key of the catalog for the fields
/// `check_text` knows, the identifier itself for any other.
fn field_name(field: &'static str) -> Arg<'static> {
    match field {
        "commonName" => Arg::Texts(texts::field::COMMON_NAME),
        "organization" => Arg::Texts(texts::field::ORGANIZATION),
        "organizationalUnit" => Arg::Texts(texts::field::ORGANIZATIONAL_UNIT),
        "country" => Arg::Texts(texts::field::COUNTRY),
        "email" => Arg::Texts(texts::field::EMAIL),
        other => Arg::from(other),
    }
}

impl Localized for CsrError {
    fn code(&self) -> &'static str {
        match self {
            CsrError::MissingField { .. } => "missing_field",
            CsrError::FieldTooLong { .. } => "field_too_long",
            CsrError::InvalidCharacters { .. } => "invalid_characters",
            CsrError::InvalidCountry { .. } => "invalid_country",
            CsrError::InvalidEmail { .. } => "invalid_email",
            CsrError::Key(e) => e.code(),
            CsrError::SigningFailed => "signing_failed",
            CsrError::EmptyInput => "empty_input",
            CsrError::TooLarge { .. } => "too_large",
            CsrError::NotACsr => "not_a_csr",
            CsrError::SignatureInvalid => "csr_signature_invalid",
            CsrError::UnsupportedAlgorithm { .. } => "unsupported_algorithm",
        }
    }

    fn message(&self) -> Message {
        match self {
            CsrError::MissingField { field } => texts::csr::MissingField { field: field_name(field) }.render(),
            CsrError::FieldTooLong { field, limit } => {
                texts::csr::FieldTooLong { field: field_name(field), limit: limit.into() }.render()
            }
            CsrError::InvalidCharacters { field } => {
                texts::csr::InvalidCharacters { field: field_name(field) }.render()
            }
            CsrError::InvalidCountry { value } => texts::csr::InvalidCountry { value: value.into() }.render(),
            CsrError::InvalidEmail { value } => texts::csr::InvalidEmail { value: value.into() }.render(),
            CsrError::Key(e) => e.message(),
            CsrError::SigningFailed => texts::csr::SIGNING_FAILED.render(),
            CsrError::EmptyInput => texts::csr::EMPTY_INPUT.render(),
            CsrError::TooLarge { size, limit } => {
                texts::csr::TooLarge { size: size.into(), limit: limit.into() }.render()
            }
            CsrError::NotACsr => texts::csr::NOT_A_CSR.render(),
            CsrError::SignatureInvalid => texts::csr::CSR_SIGNATURE_INVALID.render(),
            CsrError::UnsupportedAlgorithm { algorithm } => {
                texts::csr::UnsupportedAlgorithm { algorithm: algorithm.into() }.render()
            }
        }
    }
}

fn check_text(field: &'static str, value: &str, required: bool) -> Result<Option<String>, CsrError> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(CsrError::MissingField { field }) } else { Ok(None) };
    }
    if v.chars().any(char::is_control) {
        return Err(CsrError::InvalidCharacters { field });
    }
    if v.chars().count() > MAX_NAME_CHARS {
        return Err(CsrError::FieldTooLong { field, limit: MAX_NAME_CHARS });
    }
    Ok(Some(v.to_owned()))
}

/// Checks an e-mail address: ASCII, one `@`, non-empty local part and a dotted domain.
/// Internationalised addresses (SmtpUTF8Mailbox) are not issued by the seed issuers.
pub fn check_email(value: &str) -> Result<String, CsrError> {
    let v = value.trim();
    let bad = || CsrError::InvalidEmail { value: v.to_owned() };
    if v.is_empty() {
        return Err(CsrError::MissingField { field: "email" });
    }
    if v.len() > MAX_EMAIL_CHARS {
        return Err(CsrError::FieldTooLong { field: "email", limit: MAX_EMAIL_CHARS });
    }
    if !v.is_ascii() || v.chars().any(|c| c.is_ascii_control() || c.is_ascii_whitespace()) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
        || crate::pem::mentions(domain, "..")
        || domain.starts_with('-')
    {
        return Err(bad());
    }
    Ok(v.to_owned())
}

/// Builds the subject Name in the order C, O, OU, CN, emailAddress ([`crate::x509::name`]).
fn subject_name(subject: &Subject, options: &CsrOptions) -> Result<(Name, Option<String>), CsrError> {
    let mut parts: Vec<(&str, String)> = Vec::new();
    if let Some(c) = subject.country.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(CsrError::InvalidCountry { value: c.to_owned() });
        }
        parts.push(("C", c.to_owned()));
    }
    if let Some(o) = check_text("organization", subject.organization.as_deref().unwrap_or(""), false)? {
        parts.push(("O", o));
    }
    if let Some(ou) = check_text("organizationalUnit", subject.organizational_unit.as_deref().unwrap_or(""), false)? {
        parts.push(("OU", ou));
    }
    let cn = check_text("commonName", &subject.common_name, true)?.unwrap_or_default();
    parts.push(("CN", cn));
    let email = match subject.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(e) => Some(check_email(e)?),
        None => None,
    };
    if let (Some(e), true) = (&email, options.email_in_subject) {
        parts.push(("emailAddress", e.clone()));
    }
    let parts: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let name = crate::x509::name(&parts).ok_or(CsrError::SigningFailed)?;
    Ok((name, email))
}

/// A signed request.
#[derive(Clone, Debug)]
pub struct Csr {
    /// DER.
    pub der: Vec<u8>,
    /// PEM (`CERTIFICATE REQUEST`).
    pub pem: String,
}

/// Builds and signs a request with `key`: SHA-256 for RSA (PKCS#1 v1.5) and P-256, SHA-384
/// for P-384.
pub fn build_csr(key: &PrivateKey, subject: &Subject, options: &CsrOptions) -> Result<Csr, CsrError> {
    key.check_strength()?;
    let (name, email) = subject_name(subject, options)?;
    let mut extensions: Vec<Extension> = Vec::new();
    let ext = |e: Result<Extension, der::Error>| e.map_err(|_| CsrError::SigningFailed);
    if let Some(e) = &email {
        let ia5 = der::asn1::Ia5String::new(e).map_err(|_| CsrError::InvalidEmail { value: e.clone() })?;
        let san = SubjectAltName(vec![GeneralName::Rfc822Name(ia5)]);
        extensions.push(ext((&san).to_extension(&name, &extensions))?);
    }
    if options.key_usage {
        let mut usages = KeyUsages::DigitalSignature.into();
        if matches!(key.algorithm(), KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 | KeyAlgorithm::Rsa4096) {
            usages |= KeyUsages::KeyEncipherment;
        }
        extensions.push(ext((&KeyUsage(usages)).to_extension(&name, &extensions))?);
    }
    if !options.extended_key_usage.is_empty() {
        let oids = options
            .extended_key_usage
            .iter()
            .map(|p| match p {
                KeyPurpose::EmailProtection => x509_oid::EKU_EMAIL_PROTECTION,
                KeyPurpose::ClientAuth => x509_oid::EKU_CLIENT_AUTH,
            })
            .collect();
        extensions.push(ext((&ExtendedKeyUsage(oids)).to_extension(&name, &extensions))?);
    }
    let mut attributes = Attributes::new();
    if !extensions.is_empty() {
        let attr = Attribute::try_from(ExtensionReq(extensions)).map_err(|_| CsrError::SigningFailed)?;
        attributes.insert(attr).map_err(|_| CsrError::SigningFailed)?;
    }
    let der = sign_request(&key.signer(), name, attributes)?;
    let pem = crate::pem::encode("CERTIFICATE REQUEST", &der);
    Ok(Csr { der, pem })
}

/// Signs CertificationRequestInfo with any signer that names its own algorithm, so a request
/// can only be assembled with the key whose public half it carries.
fn sign_request(signer: &KeySigner, subject: Name, attributes: Attributes) -> Result<Vec<u8>, CsrError> {
    let public_key =
        SubjectPublicKeyInfoOwned::from_key(&signer.verifying_key()).map_err(|_| CsrError::SigningFailed)?;
    let info = CertReqInfo { version: x509_cert::request::Version::V1, subject, public_key, attributes };
    let tbs = info.to_der().map_err(|_| CsrError::SigningFailed)?;
    let signature: KeySignature = signer.try_sign(&tbs).map_err(|_| CsrError::SigningFailed)?;
    let signature: BitString = signature.to_bitstring().map_err(|_| CsrError::SigningFailed)?;
    let algorithm = signer.signature_algorithm_identifier().map_err(|_| CsrError::SigningFailed)?;
    CertReq { info, algorithm, signature }.to_der().map_err(|_| CsrError::SigningFailed)
}

/// A request read back and verified.
#[derive(Clone, Debug, Serialize)]
pub struct ParsedCsr {
    /// Subject common name.
    pub subject_cn: String,
    /// Subject, one line.
    pub subject: String,
    /// E-mail addresses from the requested SAN and the subject.
    pub emails: Vec<String>,
    /// Key algorithm and size.
    pub key: crate::keys::KeyInfo,
    /// Signature algorithm name.
    pub signature_algorithm: String,
    /// Requested key usages.
    pub key_usage: Vec<String>,
    /// Requested extended key usages.
    pub extended_key_usage: Vec<String>,
    /// DER of the SubjectPublicKeyInfo (to match a certificate or a stored key).
    #[serde(skip)]
    pub spki_der: Vec<u8>,
    /// DER of the whole request.
    #[serde(skip)]
    pub der: Vec<u8>,
    /// The request's public key, parsed once (its signature was checked with it).
    #[serde(skip)]
    pub public_key: PublicKey,
}

/// Checks a request's signature: the request's public key, the signature algorithm, the signed
/// bytes (the CertificationRequestInfo DER) and the signature. [`parse_csr`] uses
/// [`PublicKey::verify`]; a server may hand the check to a faster native library.
pub type SignatureCheck<'a> =
    &'a dyn Fn(&PublicKey, &const_oid::ObjectIdentifier, &[u8], &[u8]) -> Result<(), crate::keys::SignatureError>;

/// Reads a PEM or DER request and verifies its signature.
pub fn parse_csr(input: &[u8]) -> Result<ParsedCsr, CsrError> {
    parse_csr_with(input, &|key, algorithm, signed, signature| key.verify(algorithm, signed, signature))
}

/// [`parse_csr`] with the signature checked by `check`, which must give the same verdict as
/// [`PublicKey::verify`].
pub fn parse_csr_with(input: &[u8], check: SignatureCheck<'_>) -> Result<ParsedCsr, CsrError> {
    if input.is_empty() {
        return Err(CsrError::EmptyInput);
    }
    if input.len() > MAX_CSR_BYTES {
        return Err(CsrError::TooLarge { size: input.len(), limit: MAX_CSR_BYTES });
    }
    let der = match crate::pem::find_blocks(input)
        .into_iter()
        .find(|b| b.label == "CERTIFICATE REQUEST" || b.label == "NEW CERTIFICATE REQUEST")
    {
        Some(b) => b.der,
        None if crate::pem::looks_like_text(input) => return Err(CsrError::NotACsr),
        None => input.to_vec(),
    };
    let req = CertReq::from_der(&der).map_err(|_| CsrError::NotACsr)?;
    let spki_der = req.info.public_key.to_der().map_err(|_| CsrError::NotACsr)?;
    let key = PublicKey::from_spki_der(&spki_der)?;
    let tbs = req.info.to_der().map_err(|_| CsrError::NotACsr)?;
    let sig = req.signature.as_bytes().ok_or(CsrError::SignatureInvalid)?;
    check(&key, &req.algorithm.oid, &tbs, sig).map_err(|e| match e {
        crate::keys::SignatureError::Unsupported { algorithm } => CsrError::UnsupportedAlgorithm { algorithm },
        _ => CsrError::SignatureInvalid,
    })?;
    let mut emails = Vec::new();
    let mut key_usage = Vec::new();
    let mut extended_key_usage = Vec::new();
    for attr in req.info.attributes.iter().filter(|a| a.oid == const_oid::db::rfc5912::ID_EXTENSION_REQ) {
        for value in attr.values.iter() {
            let Ok(exts) = value.decode_as::<Vec<Extension>>() else { continue };
            for e in exts {
                let bytes = e.extn_value.as_bytes();
                if e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_ALT_NAME {
                    if let Ok(san) = SubjectAltName::from_der(bytes) {
                        for gn in san.0 {
                            if let GeneralName::Rfc822Name(m) = gn {
                                emails.push(m.to_string());
                            }
                        }
                    }
                } else if e.extn_id == const_oid::db::rfc5280::ID_CE_KEY_USAGE {
                    if let Ok(ku) = KeyUsage::from_der(bytes) {
                        key_usage = ku.0.into_iter().map(|f| crate::x509::key_usage_name(f).to_owned()).collect();
                    }
                } else if e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE
                    && let Ok(eku) = ExtendedKeyUsage::from_der(bytes)
                {
                    extended_key_usage = eku.0.iter().map(|o| o.to_string()).collect();
                }
            }
        }
    }
    if let Some(e) = crate::x509::name_value(&req.info.subject, x509_oid::EMAIL_ADDRESS)
        && !emails.iter().any(|x| x.eq_ignore_ascii_case(&e))
    {
        emails.push(e);
    }
    Ok(ParsedCsr {
        subject_cn: crate::x509::name_value(&req.info.subject, x509_oid::CN).unwrap_or_default(),
        subject: crate::x509::name_to_string(&req.info.subject),
        emails,
        key: key.info(),
        signature_algorithm: crate::x509::signature_algorithm_name(&req.algorithm.oid),
        key_usage,
        extended_key_usage,
        spki_der,
        der,
        public_key: key,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{rng, test};

    fn yamada() -> Subject {
        Subject {
            common_name: "山田 太郎".into(),
            organization: Some("山田法律事務所".into()),
            organizational_unit: None,
            country: Some("JP".into()),
            email: Some("taro@yamada-law.example.jp".into()),
        }
    }

    #[test]
    fn japanese_names_round_trip_and_the_signature_verifies() {
        for alg in [KeyAlgorithm::P256, KeyAlgorithm::P384, KeyAlgorithm::Rsa2048] {
            let key = PrivateKey::generate(alg, &mut rng()).expect("keygen");
            let opts = CsrOptions {
                key_usage: true,
                extended_key_usage: vec![KeyPurpose::EmailProtection, KeyPurpose::ClientAuth],
                ..CsrOptions::default()
            };
            let csr = build_csr(&key, &yamada(), &opts).expect("csr");
            let parsed = parse_csr(csr.pem.as_bytes()).expect("parses and verifies");
            assert_eq!(parsed.subject_cn, "山田 太郎");
            assert_eq!(parsed.subject, "emailAddress=taro@yamada-law.example.jp, CN=山田 太郎, O=山田法律事務所, C=JP");
            assert_eq!(parsed.emails, ["taro@yamada-law.example.jp"]);
            assert_eq!(parsed.extended_key_usage, ["1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.2"]);
            assert_eq!(parsed.key, key.info());
            let expected_sig = match alg {
                KeyAlgorithm::P256 => "ecdsa-with-SHA256",
                KeyAlgorithm::P384 => "ecdsa-with-SHA384",
                _ => "sha256WithRSAEncryption",
            };
            assert_eq!(parsed.signature_algorithm, expected_sig);
        }
    }

    #[test]
    fn a_tampered_request_is_refused() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("keygen");
        let csr = build_csr(&key, &yamada(), &CsrOptions::default()).expect("csr");
        let mut der = csr.der.clone();
        // Flip a byte inside the UTF-8 common name.
        let pos = der.windows(3).position(|w| w == "太".as_bytes()).expect("name present");
        der[pos + 2] ^= 1;
        assert_eq!(parse_csr(&der).expect_err("tampered").code(), "csr_signature_invalid");
    }

    #[test]
    fn bad_fields_get_specific_errors() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("keygen");
        let cases: Vec<(Subject, &str)> = vec![
            (Subject { common_name: " ".into(), ..yamada() }, "missing_field"),
            (Subject { common_name: "a\nb".into(), ..yamada() }, "invalid_characters"),
            (Subject { common_name: "長".repeat(65), ..yamada() }, "field_too_long"),
            (Subject { country: Some("Japan".into()), ..yamada() }, "invalid_country"),
            (Subject { email: Some("taro@".into()), ..yamada() }, "invalid_email"),
            (Subject { email: Some("山田@example.jp".into()), ..yamada() }, "invalid_email"),
            (Subject { email: Some("a@b@c.jp".into()), ..yamada() }, "invalid_email"),
        ];
        for (subject, code) in cases {
            let err = build_csr(&key, &subject, &CsrOptions::default()).expect_err(code);
            assert_eq!(err.code(), code, "{subject:?}");
        }
    }

    #[test]
    fn without_email_or_usages_there_is_no_empty_extension_request() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("keygen");
        let subject = Subject { common_name: "Taro Yamada".into(), ..Subject::default() };
        let csr = build_csr(&key, &subject, &CsrOptions::default()).expect("csr");
        let req = CertReq::from_der(&csr.der).expect("der");
        assert!(req.info.attributes.is_empty());
        parse_csr(&csr.der).expect("verifies");
    }

    #[test]
    fn garbage_is_not_a_csr() {
        assert_eq!(parse_csr(b"").expect_err("empty").code(), "empty_input");
        assert_eq!(parse_csr(b"hello").expect_err("text").code(), "not_a_csr");
        assert_eq!(parse_csr(&[0x30, 0x80, 0, 0]).expect_err("junk").code(), "not_a_csr");
        assert_eq!(parse_csr(&vec![0; MAX_CSR_BYTES + 1]).expect_err("big").code(), "too_large");
    }
}
