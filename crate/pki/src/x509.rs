//! Reading certificates: the facts a user and the PKCS#12 code need.
//!
//! Decoding is x509-cert's; this module turns its types into plain facts (names decoded from
//! any string type, dates, e-mail addresses, key usage) and checks signatures.

use der::{Decode as _, Encode as _};
use serde::Serialize;
use x509_cert::Certificate;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage, KeyUsages, SubjectAltName};

use crate::keys::PublicKey;
use crate::limits::{MAX_CHAIN_CERTIFICATES, MAX_INPUT_BYTES};
pub use crate::oid::signature_algorithm_name;
use crate::oid::{self, key_algorithm_name};
use crate::texts;
use inkan_i18n::{Localized, Message};

/// What went wrong reading certificates.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateError {
    /// No bytes.
    EmptyInput,
    /// Larger than any certificate file.
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The most we read.
        limit: usize,
    },
    /// Neither a PEM certificate nor a DER one.
    NotACertificate,
    /// More certificates than any chain has ([`crate::limits::MAX_CHAIN_CERTIFICATES`]).
    TooManyCertificates {
        /// Certificates found.
        count: usize,
        /// The most we read.
        limit: usize,
    },
    /// A certificate whose encoding is damaged.
    Corrupt {
        /// Which certificate in the input (1-based).
        index: usize,
    },
}

impl core::fmt::Display for CertificateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for CertificateError {}

impl Localized for CertificateError {
    fn code(&self) -> &'static str {
        match self {
            CertificateError::EmptyInput => "empty_input",
            CertificateError::TooLarge { .. } => "too_large",
            CertificateError::NotACertificate => "not_a_certificate",
            CertificateError::TooManyCertificates { .. } => "too_many_certificates",
            CertificateError::Corrupt { .. } => "corrupt",
        }
    }

    fn message(&self) -> Message {
        match self {
            CertificateError::EmptyInput => texts::certificate::EMPTY_INPUT.render(),
            CertificateError::TooLarge { size, limit } => {
                texts::certificate::TooLarge { size: size.into(), limit: limit.into() }.render()
            }
            CertificateError::NotACertificate => texts::certificate::NOT_A_CERTIFICATE.render(),
            CertificateError::TooManyCertificates { count, limit } => {
                texts::certificate::TooManyCertificates { count: count.into(), limit: limit.into() }.render()
            }
            CertificateError::Corrupt { index } => texts::certificate::Corrupt { index: index.into() }.render(),
        }
    }
}

/// Parses one DER certificate or every certificate in PEM text, in input order.
pub fn parse_certificates(input: &[u8]) -> Result<Vec<Certificate>, CertificateError> {
    if input.is_empty() {
        return Err(CertificateError::EmptyInput);
    }
    if input.len() > MAX_INPUT_BYTES {
        return Err(CertificateError::TooLarge { size: input.len(), limit: MAX_INPUT_BYTES });
    }
    let blocks: Vec<_> = crate::pem::find_blocks(input)
        .into_iter()
        .filter(|b| matches!(b.label.as_str(), "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"))
        .collect();
    if blocks.len() > MAX_CHAIN_CERTIFICATES {
        return Err(CertificateError::TooManyCertificates { count: blocks.len(), limit: MAX_CHAIN_CERTIFICATES });
    }
    if blocks.is_empty() {
        if crate::pem::looks_like_text(input) || input[0] != 0x30 {
            return Err(CertificateError::NotACertificate);
        }
        return Certificate::from_der(input).map(|c| vec![c]).map_err(|_| CertificateError::NotACertificate);
    }
    blocks
        .iter()
        .enumerate()
        .map(|(i, b)| Certificate::from_der(&b.der).map_err(|_| CertificateError::Corrupt { index: i + 1 }))
        .collect()
}

/// Decodes an attribute value of any DirectoryString type (and IA5String) to text.
/// TeletexString is read as UTF-8 when valid (Japanese CAs put UTF-8 there) and Latin-1
/// otherwise; UniversalString is UTF-32BE; BMPString is UTF-16BE.
pub fn decode_string(any: &der::asn1::AnyRef<'_>) -> Option<String> {
    use der::Tagged as _;
    let v = any.value();
    let tag = any.tag();
    if tag.class() != der::Class::Universal {
        return None;
    }
    match tag.number().value() {
        // UTF8String, PrintableString, IA5String, VisibleString
        12 | 19 | 22 | 26 => core::str::from_utf8(v).ok().map(str::to_owned),
        // TeletexString
        20 => Some(
            core::str::from_utf8(v).map(str::to_owned).unwrap_or_else(|_| v.iter().map(|&b| char::from(b)).collect()),
        ),
        // BMPString
        30 => crate::asn1::decode_bmp(v),
        // UniversalString
        28 => {
            if v.len() % 4 != 0 {
                return None;
            }
            Some(
                v.chunks_exact(4)
                    .map(|c| char::from_u32(u32::from_be_bytes([c[0], c[1], c[2], c[3]])).unwrap_or('\u{fffd}'))
                    .collect(),
            )
        }
        _ => None,
    }
}

/// A short attribute name for display (`CN`, `O`, ...), or the dotted OID.
fn attribute_name(oid: &const_oid::ObjectIdentifier) -> String {
    const SHORT: &[(&str, &str)] = &[
        ("2.5.4.6", "C"),
        ("2.5.4.8", "ST"),
        ("2.5.4.7", "L"),
        ("2.5.4.10", "O"),
        ("2.5.4.11", "OU"),
        ("2.5.4.3", "CN"),
        ("2.5.4.5", "serialNumber"),
        ("2.5.4.4", "SN"),
        ("2.5.4.42", "GN"),
        ("2.5.4.12", "title"),
        ("1.2.840.113549.1.9.1", "emailAddress"),
        ("0.9.2342.19200300.100.1.25", "DC"),
        ("0.9.2342.19200300.100.1.1", "UID"),
    ];
    let dotted = oid.to_string();
    SHORT.iter().find(|(o, _)| *o == dotted).map_or(dotted, |(_, n)| (*n).to_owned())
}

/// The attributes of a name as (short name, text) pairs in encoding order.
pub fn name_attributes(name: &x509_cert::name::Name) -> Vec<(String, String)> {
    name.iter()
        .map(|atv| {
            let text = decode_string(&der::asn1::AnyRef::from(&atv.value)).unwrap_or_else(|| "(unreadable)".to_owned());
            (attribute_name(&atv.oid), text)
        })
        .collect()
}

/// A one-line rendering, most significant last as in RFC 4514 order reversed for reading:
/// `CN=山田 太郎, O=山田法律事務所, C=JP`.
pub fn name_to_string(name: &x509_cert::name::Name) -> String {
    let mut parts: Vec<String> =
        name_attributes(name).into_iter().map(|(k, v)| format!("{k}={}", escape_rfc4514(&v))).collect();
    parts.reverse();
    parts.join(", ")
}

/// RFC 4514 section 2.4 escaping, so a name like `Yamada, Taro` cannot be misread as two RDNs.
fn escape_rfc4514(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for (i, c) in v.chars().enumerate() {
        let edge = (i == 0 && (c == ' ' || c == '#')) || (i + 1 == v.chars().count() && c == ' ');
        if edge || matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The first value of an attribute, decoded.
pub fn name_value(name: &x509_cert::name::Name, oid: const_oid::ObjectIdentifier) -> Option<String> {
    name.iter().find(|atv| atv.oid == oid).and_then(|atv| decode_string(&der::asn1::AnyRef::from(&atv.value)))
}

/// Seconds since the Unix epoch, as a civil date `YYYY-MM-DD` (UTC).
pub fn unix_to_date(secs: u64) -> String {
    let days = i64::try_from(secs / 86_400).unwrap_or(i64::MAX);
    // X.509 times end at 9999-12-31 (GeneralizedTime's four-digit year): nothing read from a
    // certificate is beyond the calendar's range, and anything else is shown as that last day.
    let (y, m, d) = inkan_calendar::civil_from_days(days).unwrap_or((9999, 12, 31));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Plain facts about one certificate.
#[derive(Clone, Debug, Serialize)]
pub struct CertificateFacts {
    /// Subject common name (decoded), empty if none.
    pub subject_cn: String,
    /// Full subject, one line.
    pub subject: String,
    /// Full issuer, one line.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// notBefore, seconds since the epoch.
    pub not_before_unix: u64,
    /// notAfter, seconds since the epoch.
    pub not_after_unix: u64,
    /// notBefore as `YYYY-MM-DD` (UTC).
    pub not_before: String,
    /// notAfter as `YYYY-MM-DD` (UTC).
    pub not_after: String,
    /// E-mail addresses from the SAN and the subject's emailAddress, deduplicated.
    pub emails: Vec<String>,
    /// E-mail addresses from the SAN alone (rfc822Name): what S/MIME clients match.
    pub san_emails: Vec<String>,
    /// Public key algorithm and size.
    pub key: crate::keys::KeyInfo,
    /// Signature algorithm name, e.g. `sha256WithRSAEncryption`.
    pub signature_algorithm: String,
    /// Key usage bits by name, empty when the extension is absent.
    pub key_usage: Vec<String>,
    /// Extended key usage by name (or OID), empty when absent.
    pub extended_key_usage: Vec<String>,
    /// basicConstraints cA.
    pub is_ca: bool,
    /// Subject equals issuer.
    pub self_issued: bool,
}

/// Whether a signature algorithm is broken for new signatures (SHA-1, MD5).
pub fn is_weak_signature_algorithm(oid: &const_oid::ObjectIdentifier) -> bool {
    [oid::SHA1_RSA, oid::MD5_RSA, oid::ECDSA_SHA1, const_oid::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.2")]
        .contains(oid)
}

/// Extracts the plain facts.
pub fn facts(cert: &Certificate) -> CertificateFacts {
    let tbs = cert.tbs_certificate();
    let spki_der = tbs.subject_public_key_info().to_der().unwrap_or_default();
    let key = PublicKey::from_spki_der(&spki_der).map(|k| k.info()).unwrap_or(crate::keys::KeyInfo {
        algorithm: crate::keys::KeyType::named(key_algorithm_name(
            tbs.subject_public_key_info().algorithm.oid.as_bytes(),
        )),
        bits: 0,
    });
    let mut emails = Vec::new();
    if let Ok(Some(san)) = tbs.get_extension::<SubjectAltName>() {
        for gn in san.1.0.iter() {
            if let GeneralName::Rfc822Name(e) = gn {
                emails.push(e.to_string());
            }
        }
    }
    let san_emails = emails.clone();
    if let Some(e) = name_value(tbs.subject(), oid::EMAIL_ADDRESS)
        && !emails.iter().any(|x| x.eq_ignore_ascii_case(&e))
    {
        emails.push(e);
    }
    let key_usage = match tbs.get_extension::<KeyUsage>() {
        Ok(Some((_, ku))) => ku.0.into_iter().map(|f| lower_camel(key_usage_name(f))).collect(),
        _ => Vec::new(),
    };
    let extended_key_usage = match tbs.get_extension::<ExtendedKeyUsage>() {
        Ok(Some((_, eku))) => eku.0.iter().map(eku_name).collect(),
        _ => Vec::new(),
    };
    let is_ca = matches!(tbs.get_extension::<BasicConstraints>(), Ok(Some((_, bc))) if bc.ca);
    let nb = tbs.validity().not_before.to_unix_duration().as_secs();
    let na = tbs.validity().not_after.to_unix_duration().as_secs();
    CertificateFacts {
        subject_cn: name_value(tbs.subject(), oid::CN).unwrap_or_default(),
        subject: name_to_string(tbs.subject()),
        issuer: name_to_string(tbs.issuer()),
        serial: tbs.serial_number().as_bytes().iter().map(|b| format!("{b:02X}")).collect(),
        not_before_unix: nb,
        not_after_unix: na,
        not_before: unix_to_date(nb),
        not_after: unix_to_date(na),
        emails,
        san_emails,
        key,
        signature_algorithm: signature_algorithm_name(&cert.signature_algorithm().oid),
        key_usage,
        extended_key_usage,
        is_ca,
        self_issued: tbs.subject() == tbs.issuer(),
    }
}

/// A keyUsage bit's name as x509-cert spells the variant (what its `Debug` printed before):
/// spelled out so no output depends on `Debug`, which a size build may compile out.
pub(crate) fn key_usage_name(f: KeyUsages) -> &'static str {
    match f {
        KeyUsages::DigitalSignature => "DigitalSignature",
        KeyUsages::NonRepudiation => "NonRepudiation",
        KeyUsages::KeyEncipherment => "KeyEncipherment",
        KeyUsages::DataEncipherment => "DataEncipherment",
        KeyUsages::KeyAgreement => "KeyAgreement",
        KeyUsages::KeyCertSign => "KeyCertSign",
        KeyUsages::CRLSign => "CRLSign",
        KeyUsages::EncipherOnly => "EncipherOnly",
        KeyUsages::DecipherOnly => "DecipherOnly",
    }
}

fn lower_camel(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_ascii_lowercase().to_string() + c.as_str()).unwrap_or_default()
}

fn eku_name(o: &const_oid::ObjectIdentifier) -> String {
    let table = [
        (oid::EKU_CLIENT_AUTH, "clientAuth"),
        (oid::EKU_EMAIL_PROTECTION, "emailProtection"),
        (oid::EKU_CODE_SIGNING, "codeSigning"),
        (oid::EKU_DOCUMENT_SIGNING, "documentSigning"),
        (oid::EKU_ANY, "anyExtendedKeyUsage"),
        (const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.1"), "serverAuth"),
        (const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.10.3.12"), "msDocumentSigning"),
        (const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.311.20.2.2"), "msSmartcardLogon"),
        (const_oid::ObjectIdentifier::new_unwrap("1.2.840.113583.1.1.5"), "adobePdfSigning"),
    ];
    table.iter().find(|(k, _)| k == o).map_or_else(|| o.to_string(), |(_, n)| (*n).to_owned())
}

/// The public key of a certificate.
pub fn public_key(cert: &Certificate) -> Option<PublicKey> {
    let der = cert.tbs_certificate().subject_public_key_info().to_der().ok()?;
    PublicKey::from_spki_der(&der).ok()
}

/// Whether `issuer` signed `cert` (names chain and the signature verifies).
pub fn is_signed_by(cert: &Certificate, issuer: &Certificate) -> bool {
    if cert.tbs_certificate().issuer() != issuer.tbs_certificate().subject() {
        return false;
    }
    let (Ok(tbs), Some(key)) = (cert.tbs_certificate().to_der(), public_key(issuer)) else { return false };
    let Some(sig) = cert.signature().as_bytes() else { return false };
    key.verify(&cert.signature_algorithm().oid, &tbs, sig).is_ok()
}

/// Builds a Name from (short attribute name, value) pairs: `C` as PrintableString,
/// `emailAddress` as IA5String, `O`, `OU` and `CN` as UTF8String; `None` for any other
/// attribute or a value its string type cannot hold.
pub fn name(parts: &[(&str, &str)]) -> Option<x509_cert::name::Name> {
    use crate::asn1::{self, tag};
    let mut rdns = Vec::new();
    for (k, v) in parts {
        let (oid, t) = match *k {
            "C" => (oid::COUNTRY, tag::PRINTABLE_STRING),
            "O" => (oid::ORGANIZATION, tag::UTF8_STRING),
            "OU" => (oid::ORGANIZATIONAL_UNIT, tag::UTF8_STRING),
            "CN" => (oid::CN, tag::UTF8_STRING),
            "emailAddress" => (oid::EMAIL_ADDRESS, tag::IA5_STRING),
            _ => return None,
        };
        rdns.push(asn1::set_of(vec![asn1::sequence(&[&asn1::oid(oid.as_bytes()), &asn1::tlv(t, v.as_bytes())])]));
    }
    <x509_cert::name::Name as der::Decode>::from_der(&asn1::tlv(tag::SEQUENCE, &rdns.concat())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    #[test]
    fn keys_we_do_not_handle_are_still_named_with_their_size() {
        // tests/interop/fixtures/pki (gen.sh): certificates with a P-521 and an Ed25519 key.
        for (pem, algorithm, bits) in [
            (include_str!("../../../tests/interop/fixtures/pki/other-p521.pem"), "ec-p521", 521),
            (include_str!("../../../tests/interop/fixtures/pki/other-ed25519.pem"), "ed25519", 256),
        ] {
            let certs = parse_certificates(pem.as_bytes()).expect("certificate");
            let info = facts(&certs[0]).key;
            assert_eq!((info.algorithm.as_str(), info.bits), (algorithm, bits));
        }
    }

    #[test]
    fn key_usage_names_are_what_debug_printed() {
        use der::flagset::FlagSet;
        for f in FlagSet::<KeyUsages>::full() {
            assert_eq!(key_usage_name(f), format!("{f:?}"));
        }
    }

    #[test]
    fn civil_dates_are_exact() {
        assert_eq!(unix_to_date(0), "1970-01-01");
        assert_eq!(unix_to_date(951_782_400), "2000-02-29");
        assert_eq!(unix_to_date(1_798_675_200), "2026-12-31");
        assert_eq!(unix_to_date(253_402_300_799), "9999-12-31");
    }

    #[test]
    fn a_paste_holds_at_most_max_chain_certificates() {
        use crate::keys::{KeyAlgorithm, PrivateKey};
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut crate::test_support::rng()).expect("key");
        let cert = crate::test_support::self_signed(&key, "Inkan Test Root CA", None);
        let block = crate::pem::encode("CERTIFICATE", &cert.to_der().expect("der"));
        let at_limit = block.repeat(MAX_CHAIN_CERTIFICATES);
        assert_eq!(parse_certificates(at_limit.as_bytes()).expect("at the limit").len(), MAX_CHAIN_CERTIFICATES);
        let over = block.repeat(MAX_CHAIN_CERTIFICATES + 1);
        let err = parse_certificates(over.as_bytes()).expect_err("over the limit");
        assert_eq!(
            err,
            CertificateError::TooManyCertificates { count: MAX_CHAIN_CERTIFICATES + 1, limit: MAX_CHAIN_CERTIFICATES }
        );
        assert_eq!(err.code(), "too_many_certificates");
        assert!(!err.message().ja.is_ascii() && !err.message().en.is_empty());
        // The inspector reads certificates through the same door: see inspect's tests.
    }

    #[test]
    fn non_certificates_get_specific_errors() {
        assert_eq!(parse_certificates(b"").expect_err("empty").code(), "empty_input");
        assert_eq!(parse_certificates(b"hello").expect_err("text").code(), "not_a_certificate");
        let broken = crate::pem::encode("CERTIFICATE", &[0x30, 0x03, 1, 2, 3]);
        assert_eq!(parse_certificates(broken.as_bytes()).expect_err("broken"), CertificateError::Corrupt { index: 1 });
    }
}
