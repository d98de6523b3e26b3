//! "Is this certificate OK?": one report for a `.p12`, certificates (DER, PEM, PEM bundles)
//! or a CSR, in plain language, with stable finding codes.
//!
//! Verdicts:
//! - S/MIME capability follows the CA/B Forum S/MIME Baseline Requirements (v1.0.x, 7.1.2.3):
//!   the extKeyUsage must contain id-kp-emailProtection, the subjectAltName must carry an
//!   rfc822Name (an address only in the subject's emailAddress does not count), and keyUsage
//!   must be present with a bit the BR allow for S/MIME: digitalSignature (signing),
//!   keyEncipherment (RSA encryption) or keyAgreement (ECC encryption). Signing-only and
//!   encryption-only certificates are both S/MIME certificates under the BR; this is the
//!   reading DigiCert's pkilint applies, and `tests/inspect/test_pkilint.py` checks we agree.
//! - Client authentication (RFC 5280 4.2.1.12): no extKeyUsage, or one naming clientAuth or
//!   anyExtendedKeyUsage; and keyUsage absent or allowing digitalSignature.
//! - Import compatibility per platform is read from the encryption facts; each rule cites its
//!   source next to it in [`platforms`].
//!
//! This crate is where certificate facts meet product knowledge: it may use `inkan-pki`
//! (parsing, PKCS#12 facts) and `inkan-knowledge` (which product issued it, the calendar).
//! Used by: `inkan` (the bindings and the CLI through them).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use serde::Serialize;
use x509_cert::Certificate;

use inkan_i18n::{Catalog, Lang, Localized, Message};
use inkan_knowledge::{Date, identify_by_issuer, product};
use inkan_pki::{
    CertificateError, CertificateFacts, CertificateRole, EncryptionFacts, Finding, Hash, KeyReport, Password,
    Pkcs12Error, Pkcs12Mac, Pkcs12Profile, Severity, certificate_facts, is_signed_by, is_weak_signature_algorithm,
    looks_like_pkcs12, name_to_string, open_pkcs12, order_chain, parse_certificates,
};

/// This crate's texts (`messages/ja.json`, `messages/en.json`), compiled in.
static MESSAGES: Catalog = Catalog::new(include_str!("../messages/ja.json"), include_str!("../messages/en.json"));

/// Rendered items joined with the separator the catalog gives under `separator`, per language.
fn join(items: &[Message], separator: &str) -> Message {
    let join_in = |lang: Lang, text: fn(&Message) -> &str| {
        items.iter().map(text).collect::<Vec<_>>().join(&MESSAGES.text(lang, separator, &[]))
    };
    Message::new(join_in(Lang::Ja, |m| &m.ja), join_in(Lang::En, |m| &m.en))
}

/// Days before expiry from which `expires_soon` is reported.
pub const EXPIRES_SOON_DAYS: i64 = 30;

/// What went wrong inspecting a file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InspectError {
    /// A `.p12` that needs its password.
    PasswordRequired,
    /// Nothing we recognise: not a certificate, CSR or PKCS#12.
    UnknownFormat,
    /// Opening the `.p12` failed.
    Pkcs12(Pkcs12Error),
    /// Reading certificates failed.
    Certificate(CertificateError),
    /// Reading the CSR failed.
    Csr(inkan_pki::CsrError),
}

impl core::fmt::Display for InspectError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for InspectError {}

impl Localized for InspectError {
    fn code(&self) -> &'static str {
        match self {
            InspectError::PasswordRequired => "password_required",
            InspectError::UnknownFormat => "unknown_format",
            InspectError::Pkcs12(e) => e.code(),
            InspectError::Certificate(e) => e.code(),
            InspectError::Csr(e) => e.code(),
        }
    }

    fn message(&self) -> Message {
        match self {
            InspectError::PasswordRequired => MESSAGES.message("inspect.password_required", &[]),
            InspectError::UnknownFormat => MESSAGES.message("inspect.unknown_format", &[]),
            InspectError::Pkcs12(e) => e.message(),
            InspectError::Certificate(e) => e.message(),
            InspectError::Csr(e) => e.message(),
        }
    }
}

/// One certificate in the report: the `p12 open` fields plus the verdicts.
#[derive(Clone, Debug, Serialize)]
pub struct CertificateVerdict {
    /// The plain facts (subject, dates, key, usages...).
    #[serde(flatten)]
    pub facts: CertificateFacts,
    /// Role in the chain.
    pub role: CertificateRole,
    /// friendlyName from the `.p12` bag.
    pub friendly_name: Option<String>,
    /// Days from the inspection date to notAfter (negative when expired).
    pub days_left: i64,
    /// notAfter is before the inspection date.
    pub expired: bool,
    /// notBefore is after the inspection date.
    pub not_yet_valid: bool,
    /// Usable for S/MIME signing and encryption (S/MIME BR profile).
    pub smime: bool,
    /// Usable for TLS client authentication.
    pub client_auth: bool,
    /// Signed with SHA-1 or MD5.
    pub weak_signature: bool,
    /// Catalog products whose issuer this certificate names.
    pub products: Vec<&'static str>,
}

/// How one platform will take a `.p12`.
#[derive(Clone, Debug, Serialize)]
pub struct PlatformVerdict {
    /// Stable id, e.g. `macos_keychain`.
    pub platform: &'static str,
    /// Display name.
    pub name: Message,
    /// `ok`, `warning` or `fails`.
    pub verdict: &'static str,
    /// Why, when not `ok`.
    pub reason: Option<Message>,
}

/// The re-pack that makes the file work where it fails.
#[derive(Clone, Debug, Serialize)]
pub struct RepackSuggestion {
    /// The profile to re-pack with.
    pub profile: Pkcs12Profile,
    /// What it fixes.
    pub message: Message,
}

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct InspectReport {
    /// `pkcs12`, `certificates` or `csr`.
    pub kind: &'static str,
    /// The date the verdicts are for.
    pub at: Date,
    /// The private key (`.p12` only).
    pub key: Option<KeyReport>,
    /// Certificates, leaf first for a `.p12`, input order otherwise.
    pub certificates: Vec<CertificateVerdict>,
    /// Encryption facts (`.p12` only).
    pub encryption: Option<EncryptionFacts>,
    /// Import verdicts per platform (`.p12` only).
    pub platforms: Option<Vec<PlatformVerdict>>,
    /// The fix when a platform would fail.
    pub repack_suggestion: Option<RepackSuggestion>,
    /// The request (CSR only).
    pub csr: Option<inkan_pki::ParsedCsr>,
    /// Every finding, most severe first.
    pub findings: Vec<Finding>,
}

fn cert_date(unix: u64) -> Option<Date> {
    Date::from_days_since_epoch(i64::try_from(unix / 86_400).ok()?).ok()
}

/// S/MIME BR capability from the facts.
pub fn smime_capable(f: &CertificateFacts) -> bool {
    let eku = f.extended_key_usage.iter().any(|e| e == "emailProtection");
    let san = !f.san_emails.is_empty();
    let ku = f.key_usage.iter().any(|k| matches!(k.as_str(), "digitalSignature" | "keyEncipherment" | "keyAgreement"));
    eku && san && ku && !f.is_ca
}

/// Client-authentication capability from the facts.
pub fn client_auth_capable(f: &CertificateFacts) -> bool {
    let eku = f.extended_key_usage.is_empty()
        || f.extended_key_usage.iter().any(|e| e == "clientAuth" || e == "anyExtendedKeyUsage");
    let ku = f.key_usage.is_empty() || f.key_usage.iter().any(|k| k == "digitalSignature");
    eku && ku && !f.is_ca
}

fn verdict(
    cert: &Certificate,
    role: CertificateRole,
    friendly_name: Option<String>,
    at: Date,
    findings: &mut Vec<Finding>,
) -> CertificateVerdict {
    let facts = certificate_facts(cert);
    let not_after = cert_date(facts.not_after_unix).unwrap_or(at);
    let not_before = cert_date(facts.not_before_unix).unwrap_or(at);
    let days_left = not_after.days_since_epoch() - at.days_since_epoch();
    let expired = not_after < at;
    let not_yet_valid = not_before > at;
    let weak_signature = !facts.self_issued && is_weak_signature_algorithm(&cert.signature_algorithm().oid);
    let products: Vec<&'static str> = identify_by_issuer(&facts.issuer).into_iter().map(|p| p.id).collect();
    let who = if facts.subject_cn.is_empty() { facts.subject.clone() } else { facts.subject_cn.clone() };
    let is_user_cert = role == CertificateRole::Leaf;
    if expired {
        findings.push(Finding::localized(
            "expired",
            if is_user_cert { Severity::Error } else { Severity::Warning },
            MESSAGES.message("finding.expired", &[("who", (&who).into()), ("not_after", (&facts.not_after).into())]),
        ));
    } else if not_yet_valid {
        findings.push(Finding::localized(
            "not_yet_valid",
            Severity::Warning,
            MESSAGES.message(
                "finding.not_yet_valid",
                &[("who", (&who).into()), ("not_before", (&facts.not_before).into())],
            ),
        ));
    } else if is_user_cert && days_left <= EXPIRES_SOON_DAYS {
        // seed: 000_83bab2e9cbe37489.txt (notices 4 and 2 weeks before; re-apply 4–2 weeks
        // before), 003_8c0952f4faeac254.txt (notices 3 months, 1 month, same day).
        let notices: Vec<String> = products
            .iter()
            .filter_map(|id| product(id).ok())
            .map(|p| {
                let kinds: Vec<&str> =
                    p.expiry_notices.map(|n| n.value.iter().map(|o| o.kind).collect()).unwrap_or_default();
                format!("{} ({})", p.name.value.en, kinds.join(", "))
            })
            .collect();
        let notices = if notices.is_empty() {
            Message::new("", "")
        } else {
            let items: Vec<Message> = notices.into_iter().map(|n| Message::new(n.clone(), n)).collect();
            MESSAGES
                .message("finding.expires_soon_notices", &[("notices", join(&items, "list.notices_separator").into())])
        };
        findings.push(Finding::localized(
            "expires_soon",
            Severity::Warning,
            MESSAGES.message(
                "finding.expires_soon",
                &[
                    ("who", (&who).into()),
                    ("days_left", days_left.into()),
                    ("not_after", (&facts.not_after).into()),
                    ("notices", notices.into()),
                ],
            ),
        ));
    }
    if weak_signature {
        findings.push(Finding::localized(
            "weak_signature_algorithm",
            Severity::Warning,
            MESSAGES.message(
                "finding.weak_signature_algorithm",
                &[("who", (&who).into()), ("algorithm", (&facts.signature_algorithm).into())],
            ),
        ));
    }
    if facts.key.is_short_rsa() {
        findings.push(Finding::localized(
            "weak_key",
            Severity::Error,
            MESSAGES.message("finding.weak_key", &[("who", (&who).into()), ("bits", facts.key.bits.into())]),
        ));
    }
    let smime = smime_capable(&facts);
    let client_auth = client_auth_capable(&facts);
    if is_user_cert && !smime {
        let mut missing = Vec::new();
        if !facts.extended_key_usage.iter().any(|e| e == "emailProtection") {
            missing.push(MESSAGES.message("smime_missing.email_protection", &[]));
        }
        if facts.san_emails.is_empty() {
            missing.push(MESSAGES.message("smime_missing.email_address", &[]));
        }
        if facts.key_usage.is_empty() {
            missing.push(MESSAGES.message("smime_missing.key_usage", &[]));
        } else if !facts
            .key_usage
            .iter()
            .any(|k| matches!(k.as_str(), "digitalSignature" | "keyEncipherment" | "keyAgreement"))
        {
            missing.push(MESSAGES.message("smime_missing.key_usage_bits", &[]));
        }
        if facts.is_ca {
            missing.push(MESSAGES.message("smime_missing.is_ca", &[]));
        }
        findings.push(Finding::localized(
            "not_smime_capable",
            Severity::Warning,
            MESSAGES.message("finding.not_smime_capable", &[("missing", join(&missing, "list.separator").into())]),
        ));
    }
    if is_user_cert && !client_auth {
        findings.push(Finding::localized(
            "not_client_auth_capable",
            Severity::Info,
            MESSAGES.message("finding.not_client_auth_capable", &[]),
        ));
    }
    CertificateVerdict {
        facts,
        role,
        friendly_name,
        days_left,
        expired,
        not_yet_valid,
        smime,
        client_auth,
        weak_signature,
        products,
    }
}

/// Chain checks on certificates already ordered (leaf first) or in input order.
fn chain_findings(certs: &[Certificate], input_order_leaf_first: bool, findings: &mut Vec<Finding>) {
    if certs.len() > 1 && !input_order_leaf_first {
        findings.push(Finding::localized(
            "chain_not_leaf_first",
            Severity::Warning,
            MESSAGES.message("finding.chain_not_leaf_first", &[]),
        ));
    }
    for cert in certs {
        let tbs = cert.tbs_certificate();
        if tbs.subject() == tbs.issuer() {
            if !is_signed_by(cert, cert) {
                findings.push(chain_signature_invalid(cert));
            }
            continue;
        }
        match certs.iter().find(|c| c.tbs_certificate().subject() == tbs.issuer()) {
            Some(issuer) if !is_signed_by(cert, issuer) => findings.push(chain_signature_invalid(cert)),
            Some(_) => {}
            // A leaf without its issuer cannot be verified by anyone who does not already hold
            // the intermediate; a CA certificate whose root is absent is the normal case.
            None if !certificate_facts(cert).is_ca => {
                let issuer = name_to_string(tbs.issuer());
                findings.push(Finding::localized(
                    "chain_missing_issuer",
                    Severity::Info,
                    MESSAGES.message("finding.chain_missing_issuer", &[("issuer", (&issuer).into())]),
                ));
            }
            None => {}
        }
    }
}

fn chain_signature_invalid(cert: &Certificate) -> Finding {
    let who = certificate_facts(cert).subject;
    Finding::localized(
        "chain_signature_invalid",
        Severity::Error,
        MESSAGES.message("finding.chain_signature_invalid", &[("who", (&who).into())]),
    )
}

/// Import verdicts per platform from a `.p12`'s encryption facts and password.
pub fn platforms(enc: &EncryptionFacts, password: &Password) -> Vec<PlatformVerdict> {
    let schemes = [enc.certificates, enc.key];
    let pbes2 = schemes.iter().any(|s| s.is_pbes2());
    let rc2_or_rc4 = schemes.iter().any(|s| s.is_rc2_or_rc4());
    let sha1_mac = enc.mac == Pkcs12Mac::Hmac(Hash::Sha1);
    let pbmac1 = matches!(enc.mac, Pkcs12Mac::Pbmac1(_));
    let no_mac = enc.mac == Pkcs12Mac::None;
    let mut out = Vec::new();
    let mut push = |platform, name: &str, verdict, reason: Option<Message>| {
        out.push(PlatformVerdict { platform, name: MESSAGES.message(name, &[]), verdict, reason });
    };
    let m = |key: &str| MESSAGES.message(key, &[]);
    // Windows 10 1709+ / 11 import AES-256/SHA-256 PFX files (Microsoft Learn,
    // Export-PfxCertificate -CryptoAlgorithmOption AES256_SHA256); RFC 9579 PBMAC1 is not
    // documented for Windows.
    push(
        "windows",
        "platform.windows",
        if pbmac1 { "fails" } else { "ok" },
        pbmac1.then(|| m("platform_reason.windows_pbmac1")),
    );
    // Windows Server 2016 / Windows 10 before 1709: TripleDES_SHA1 only (same source).
    push(
        "windows_legacy",
        "platform.windows_legacy",
        if pbes2 || pbmac1 {
            "fails"
        } else if !sha1_mac && !no_mac {
            "warning"
        } else {
            "ok"
        },
        if pbes2 || pbmac1 {
            Some(m("platform_reason.windows_legacy_pbes2"))
        } else if !sha1_mac && !no_mac {
            Some(m("platform_reason.windows_legacy_mac"))
        } else {
            None
        },
    );
    // macOS Keychain / iOS: Apple's Security framework rejects OpenSSL 3's default
    // PBES2 + HMAC-SHA256 files ("MAC verification failed"); the widely documented fix is
    // `openssl pkcs12 -export -legacy`.
    for (id, name) in [("macos_keychain", "platform.macos_keychain"), ("ios", "platform.ios")] {
        push(
            id,
            name,
            if pbes2 || pbmac1 || (!sha1_mac && !no_mac) { "fails" } else { "ok" },
            (pbes2 || pbmac1 || (!sha1_mac && !no_mac)).then(|| m("platform_reason.apple_modern")),
        );
    }
    // Android before 12 imports through an old Bouncy Castle without PBES2 for PKCS#12.
    push(
        "android",
        "platform.android",
        if pbes2 || pbmac1 { "warning" } else { "ok" },
        (pbes2 || pbmac1).then(|| m("platform_reason.android_pbes2")),
    );
    // NSS (Firefox, Thunderbird) reads PBES2, 3DES, RC2 and RC4; PBMAC1 only in recent NSS.
    push(
        "firefox_nss",
        "platform.firefox_nss",
        if pbmac1 { "warning" } else { "ok" },
        pbmac1.then(|| m("platform_reason.firefox_pbmac1")),
    );
    // Java keytool refuses non-ASCII passwords ("Password is not ASCII", TOOLCHAIN.md) and
    // store passwords shorter than 6 characters.
    let java_bad_pw = password.is_non_ascii();
    push(
        "java",
        "platform.java",
        if java_bad_pw {
            "fails"
        } else if password.char_len() < 6 || pbmac1 {
            "warning"
        } else {
            "ok"
        },
        if java_bad_pw {
            Some(m("platform_reason.java_non_ascii_password"))
        } else if password.char_len() < 6 {
            Some(m("platform_reason.java_short_password"))
        } else {
            None
        },
    );
    // OpenSSL 1.1.1 reads PBES2; PBMAC1 arrived in OpenSSL 3.4.
    push(
        "openssl_1_1",
        "platform.openssl_1_1",
        if pbmac1 { "fails" } else { "ok" },
        pbmac1.then(|| m("platform_reason.openssl_1_1_pbmac1")),
    );
    // OpenSSL 3 needs `-legacy` (the legacy provider) for RC2 and RC4 (openssl-pkcs12(1)).
    push(
        "openssl_3",
        "platform.openssl_3",
        if rc2_or_rc4 { "warning" } else { "ok" },
        rc2_or_rc4.then(|| m("platform_reason.openssl_3_legacy")),
    );
    out
}

fn suggestion(platforms: &[PlatformVerdict], enc: &EncryptionFacts) -> Option<RepackSuggestion> {
    let fails = |id: &str| platforms.iter().any(|p| p.platform == id && p.verdict == "fails");
    if fails("macos_keychain") || fails("ios") || fails("windows_legacy") {
        return Some(RepackSuggestion {
            profile: Pkcs12Profile::Legacy,
            message: MESSAGES.message("repack.legacy", &[]),
        });
    }
    let weak = enc.certificates.is_broken() || enc.key.is_broken();
    if weak || fails("windows") {
        return Some(RepackSuggestion {
            profile: Pkcs12Profile::Modern,
            message: MESSAGES.message("repack.modern", &[]),
        });
    }
    None
}

fn sort_findings(findings: &mut Vec<Finding>) {
    findings.sort_by_key(|f| core::cmp::Reverse(f.severity));
    findings.dedup_by(|a, b| a.code == b.code && a.message == b.message);
}

/// Inspects `input` as of `at`. `password` is needed for a `.p12` only.
pub fn inspect(input: &[u8], password: Option<&Password>, at: Date) -> Result<InspectReport, InspectError> {
    if input.is_empty() {
        return Err(InspectError::Certificate(CertificateError::EmptyInput));
    }
    let text_blocks = inkan_pki::find_pem_blocks(input);
    let has_label = |l: &str| text_blocks.iter().any(|b| b.label == l);
    if has_label("CERTIFICATE REQUEST") || has_label("NEW CERTIFICATE REQUEST") {
        return inspect_csr(input, at);
    }
    if has_label("CERTIFICATE") || has_label("X509 CERTIFICATE") || has_label("TRUSTED CERTIFICATE") {
        return inspect_certificates(input, at);
    }
    if has_label("PKCS12") || looks_like_pkcs12(input) {
        let password = password.ok_or(InspectError::PasswordRequired)?;
        return inspect_pkcs12(input, password, at);
    }
    if inkan_pki::looks_like_text(input) {
        return Err(InspectError::UnknownFormat);
    }
    if parse_certificates(input).is_ok() {
        return inspect_certificates(input, at);
    }
    // A DER request that is one but cannot be used (a key we do not take, a bad signature) gets
    // its own error, not "unknown format": the differential check against pyca found P-521 and
    // Ed25519 requests reported as unknown files.
    match inkan_pki::parse_csr(input) {
        Ok(_) => inspect_csr(input, at),
        Err(inkan_pki::CsrError::NotACsr) => Err(InspectError::UnknownFormat),
        Err(e) => Err(InspectError::Csr(e)),
    }
}

fn inspect_certificates(input: &[u8], at: Date) -> Result<InspectReport, InspectError> {
    let certs = parse_certificates(input).map_err(InspectError::Certificate)?;
    let mut findings = Vec::new();
    // The leaf: an end-entity certificate that issued none of the others; a CA only when the
    // input has no end-entity certificate at all (a CA bundle).
    let issued_nothing = |c: &&Certificate| {
        !certs.iter().any(|o| o != *c && o.tbs_certificate().issuer() == c.tbs_certificate().subject())
    };
    let leaf = certs
        .iter()
        .filter(issued_nothing)
        .find(|c| !certificate_facts(c).is_ca)
        .or_else(|| certs.iter().find(issued_nothing))
        .unwrap_or(&certs[0]);
    let ordered = order_chain(leaf.clone(), certs.clone());
    let leaf_first = ordered.first() == certs.first();
    chain_findings(&ordered, leaf_first, &mut findings);
    let certificates = ordered
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let self_issued = c.tbs_certificate().subject() == c.tbs_certificate().issuer();
            let role = match (i, self_issued) {
                (0, _) if !certificate_facts(c).is_ca || ordered.len() > 1 => CertificateRole::Leaf,
                (_, true) => CertificateRole::Root,
                _ => CertificateRole::Intermediate,
            };
            verdict(c, role, None, at, &mut findings)
        })
        .collect();
    sort_findings(&mut findings);
    Ok(InspectReport {
        kind: "certificates",
        at,
        key: None,
        certificates,
        encryption: None,
        platforms: None,
        repack_suggestion: None,
        csr: None,
        findings,
    })
}

fn inspect_csr(input: &[u8], at: Date) -> Result<InspectReport, InspectError> {
    let csr = inkan_pki::parse_csr(input).map_err(InspectError::Csr)?;
    let mut findings = Vec::new();
    if csr.key.is_short_rsa() {
        findings.push(Finding::localized(
            "weak_key",
            Severity::Error,
            MESSAGES.message("csr.weak_key", &[("bits", csr.key.bits.into())]),
        ));
    }
    if csr.signature_algorithm.contains("SHA1")
        || csr.signature_algorithm.contains("sha1")
        || csr.signature_algorithm.contains("md5")
    {
        findings.push(Finding::localized(
            "weak_signature_algorithm",
            Severity::Error,
            MESSAGES.message("csr.weak_signature_algorithm", &[("algorithm", (&csr.signature_algorithm).into())]),
        ));
    }
    if csr.emails.is_empty() {
        findings.push(Finding::localized(
            "not_smime_capable",
            Severity::Warning,
            MESSAGES.message("csr.not_smime_capable", &[]),
        ));
    }
    sort_findings(&mut findings);
    Ok(InspectReport {
        kind: "csr",
        at,
        key: None,
        certificates: Vec::new(),
        encryption: None,
        platforms: None,
        repack_suggestion: None,
        csr: Some(csr),
        findings,
    })
}

fn inspect_pkcs12(input: &[u8], password: &Password, at: Date) -> Result<InspectReport, InspectError> {
    let opened = open_pkcs12(input, password).map_err(InspectError::Pkcs12)?;
    // `chain_findings` reports the order itself (as a warning, with the inspector's wording),
    // so the opener's info about the same thing is dropped: one finding per fact.
    let mut findings: Vec<Finding> =
        opened.findings.iter().filter(|f| f.code != "chain_not_leaf_first").cloned().collect();
    let ordered: Vec<Certificate> = opened
        .certificates
        .iter()
        .filter(|c| c.role != CertificateRole::Other)
        .map(|c| c.certificate.clone())
        .collect();
    let leaf_first = !opened.findings.iter().any(|f| f.code == "chain_not_leaf_first");
    chain_findings(&ordered, leaf_first, &mut findings);
    let certificates = opened
        .certificates
        .iter()
        .map(|c| verdict(&c.certificate, c.role, c.attributes.friendly_name.clone(), at, &mut findings))
        .collect();
    let platforms = platforms(&opened.encryption, password);
    let repack_suggestion = suggestion(&platforms, &opened.encryption);
    let report = opened.report();
    sort_findings(&mut findings);
    Ok(InspectReport {
        kind: "pkcs12",
        at,
        key: report.key,
        certificates,
        encryption: Some(opened.encryption.clone()),
        platforms: Some(platforms),
        repack_suggestion,
        csr: None,
        findings,
    })
}

#[cfg(test)]
mod messages_tests;

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(not(target_arch = "wasm32"))]
    use core::prelude::v1::test;
    use inkan_pki::BuildOptions;
    use inkan_pki::os_rng as rng;
    use inkan_pki::{KeyAlgorithm, PrivateKey};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn self_signed(key: &PrivateKey, cn: &str, issuer: Option<(&PrivateKey, &Certificate)>) -> Certificate {
        inkan_ca::test_certificate(key, cn, issuer).expect("issue")
    }
    use der::Encode as _;

    fn day(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    fn pki() -> (PrivateKey, Certificate, Certificate) {
        let ca_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let ca = self_signed(&ca_key, "JCAN Root CA GlobalSign", None);
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let leaf = self_signed(&key, "山田 太郎", Some((&ca_key, &ca)));
        (key, leaf, ca)
    }

    fn pem(certs: &[&Certificate]) -> Vec<u8> {
        certs
            .iter()
            .map(|c| inkan_pki::encode_pem("CERTIFICATE", &c.to_der().expect("der")))
            .collect::<String>()
            .into_bytes()
    }

    /// The report's finding codes, after checking that every finding and platform text rendered
    /// fully in both languages.
    fn codes(r: &InspectReport) -> Vec<&'static str> {
        let rendered = r
            .findings
            .iter()
            .map(|f| (f.code, &f.message))
            .chain(r.platforms.iter().flatten().flat_map(|p| p.reason.iter().map(|m| (p.platform, m))))
            .chain(r.repack_suggestion.iter().map(|s| ("repack", &s.message)));
        for (code, message) in rendered {
            assert_eq!(MESSAGES.check_rendered(code, message, false), None);
        }
        // Platform names such as "Android" or "Java(keytool)" need no Japanese characters.
        for p in r.platforms.iter().flatten() {
            assert!(!p.name.ja.starts_with("platform.") && !p.name.en.starts_with("platform."), "{p:?}");
        }
        r.findings.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_paste_over_max_chain_certificates_is_refused_like_x509_refuses_it() {
        use inkan_pki::MAX_CHAIN_CERTIFICATES;
        let (_, _, ca) = pki();
        let over = pem(&vec![&ca; MAX_CHAIN_CERTIFICATES + 1]);
        assert_eq!(inspect(&over, None, day("2026-06-01")).expect_err("inspect").code(), "too_many_certificates");
    }

    #[test]
    fn a_der_request_with_a_key_we_do_not_take_is_named_not_unknown() {
        // fuzz/fixtures/gen.sh: DER CSRs with a P-521 and an Ed25519 key.
        for der in [
            &include_bytes!("../../../fuzz/fixtures/csr-p521.der")[..],
            include_bytes!("../../../fuzz/fixtures/csr-ed25519.der"),
        ] {
            let err = inspect(der, None, day("2026-06-01")).expect_err("refused");
            assert_eq!(err.code(), "unsupported_algorithm", "{err:?}");
        }
        // Bytes that are no request at all are still an unknown format.
        assert_eq!(
            inspect(&[0x30, 0x03, 0x02, 0x01, 0x05], None, day("2026-06-01")).expect_err("junk").code(),
            "unknown_format"
        );
    }

    #[test]
    fn a_healthy_chain_has_days_left_and_capabilities() {
        let (_, leaf, ca) = pki();
        let r = inspect(&pem(&[&leaf, &ca]), None, day("2026-06-01")).expect("inspect");
        assert_eq!(r.kind, "certificates");
        let l = &r.certificates[0];
        assert_eq!(l.role, CertificateRole::Leaf);
        assert_eq!(l.facts.subject_cn, "山田 太郎");
        assert_eq!(l.days_left, 214); // to 2027-01-01
        assert!(l.smime && l.client_auth && !l.expired);
        assert_eq!(r.certificates[1].role, CertificateRole::Root);
        assert!(codes(&r).is_empty(), "{:?}", codes(&r));
    }

    #[test]
    fn dates_drive_expired_not_yet_valid_and_expires_soon() {
        let (_, leaf, ca) = pki();
        let input = pem(&[&leaf, &ca]);
        assert!(codes(&inspect(&input, None, day("2027-01-02")).expect("r")).contains(&"expired"));
        assert!(codes(&inspect(&input, None, day("2025-12-31")).expect("r")).contains(&"not_yet_valid"));
        let soon = inspect(&input, None, day("2026-12-20")).expect("r");
        assert!(codes(&soon).contains(&"expires_soon"));
        assert_eq!(soon.certificates[0].days_left, 12);
    }

    #[test]
    fn wrong_order_and_missing_issuer_are_reported() {
        let (_, leaf, ca) = pki();
        let r = inspect(&pem(&[&ca, &leaf]), None, day("2026-06-01")).expect("r");
        assert!(codes(&r).contains(&"chain_not_leaf_first"));
        assert_eq!(r.certificates[0].facts.subject_cn, "山田 太郎");
        let r = inspect(&pem(&[&leaf]), None, day("2026-06-01")).expect("r");
        assert!(codes(&r).contains(&"chain_missing_issuer"));
    }

    #[test]
    fn a_forged_issuer_fails_the_signature_check() {
        let (_, leaf, _) = pki();
        // A different key under the same root name.
        let other_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let fake_root = self_signed(&other_key, "JCAN Root CA GlobalSign", None);
        let r = inspect(&pem(&[&leaf, &fake_root]), None, day("2026-06-01")).expect("r");
        assert!(codes(&r).contains(&"chain_signature_invalid"), "{:?}", codes(&r));
    }

    #[test]
    fn a_p12_gets_platform_verdicts_and_a_repack_suggestion() {
        let (key, leaf, ca) = pki();
        let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
        let p12 = inkan_pki::build_pkcs12(&key, &leaf, &[ca], &Password::new("秘密"), &opts, &mut rng()).expect("b");
        assert!(matches!(inspect(&p12.der, None, day("2026-06-01")), Err(InspectError::PasswordRequired)));
        let r = inspect(&p12.der, Some(&Password::new("秘密")), day("2026-06-01")).expect("r");
        assert_eq!(r.kind, "pkcs12");
        let v = |id: &str| r.platforms.as_ref().and_then(|p| p.iter().find(|x| x.platform == id)).map(|x| x.verdict);
        assert_eq!(v("windows"), Some("ok"));
        assert_eq!(v("macos_keychain"), Some("fails"));
        assert_eq!(v("java"), Some("fails"));
        assert_eq!(r.repack_suggestion.as_ref().map(|s| s.profile), Some(Pkcs12Profile::Legacy));
        assert!(codes(&r).contains(&"non_ascii_password"));
        assert!(r.key.as_ref().is_some_and(|k| k.matches_certificate));
    }

    #[test]
    fn the_issuer_names_the_product() {
        let (_, leaf, ca) = pki();
        let r = inspect(&pem(&[&leaf, &ca]), None, day("2026-06-01")).expect("r");
        assert!(r.certificates[0].products.contains(&"jcan-123sign"), "{:?}", r.certificates[0].products);
    }

    #[test]
    fn a_ca_certificate_as_leaf_says_why_it_is_not_for_smime() {
        let (_, _, _) = pki();
        let ca_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let ca = self_signed(&ca_key, "Some Root", None);
        let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
        let p12 = inkan_pki::build_pkcs12(&ca_key, &ca, &[], &Password::new("pin-1234"), &opts, &mut rng()).expect("b");
        let r = inspect(&p12.der, Some(&Password::new("pin-1234")), day("2026-06-01")).expect("r");
        let f = r.findings.iter().find(|f| f.code == "not_smime_capable").expect("finding");
        assert!(f.message.en.contains("CA certificate") && !f.message.ja.contains(": 。"), "{:?}", f.message);
    }

    #[test]
    fn a_csr_is_inspected_too() {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let subject = inkan_pki::Subject { common_name: "Taro".into(), ..Default::default() };
        let csr = inkan_pki::build_csr(&key, &subject, &Default::default()).expect("csr");
        let r = inspect(csr.pem.as_bytes(), None, day("2026-06-01")).expect("r");
        assert_eq!(r.kind, "csr");
        assert!(codes(&r).contains(&"not_smime_capable"));
    }

    #[test]
    fn unknown_input_is_named() {
        assert_eq!(inspect(b"hello", None, day("2026-06-01")).expect_err("e").code(), "unknown_format");
        assert_eq!(inspect(&[0x89, 0x50], None, day("2026-06-01")).expect_err("e").code(), "unknown_format");
        assert_eq!(inspect(b"", None, day("2026-06-01")).expect_err("e").code(), "empty_input");
    }
}
