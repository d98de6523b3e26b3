//! Intake: every check on an application happens here, before anything is stored, and every
//! refusal carries a stable code and a Japanese and English message.
//!
//! Order (cheap before expensive, so junk costs little): body size, JSON shape, product, the
//! applicant's fields, the download password's length, then the CSR: size, PEM/DER, signature
//! (verified by [`inkan::parse_csr`]), signature algorithm allowlist, key checks
//! ([`crate::keycheck`]) and the e-mail match. The slow password hash comes last, in the API
//! (and only when the password itself was sent; a client verifier is checked here, cheaply).

use serde::Deserialize;
use sha2::Digest as _;
use zeroize::Zeroizing;

use crate::application::Applicant;
use crate::download_password::{ClientVerifier, DownloadPasswordError, VerifierBody};
use crate::keycheck::KeyCheckError;
use crate::mailbox::same_mailbox;
use crate::signing::SubjectError;
use crate::texts;
use inkan::i18n::{Localized, Message};
use inkan::{CatalogError, CsrError, Product};

/// The largest request body accepted (413 `too_large` above it).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Signature algorithms accepted on a CSR: SHA-2 only; SHA-1 and MD5 are broken for signatures
/// (CA/B Forum S/MIME BR 7.1.3.2 allows only SHA-256/384/512 based algorithms).
pub const SIGNATURE_ALLOWLIST: [&str; 6] = [
    "sha256WithRSAEncryption",
    "sha384WithRSAEncryption",
    "sha512WithRSAEncryption",
    "ecdsa-with-SHA256",
    "ecdsa-with-SHA384",
    "ecdsa-with-SHA512",
];

/// Longest applicant name (RFC 5280 ub-common-name is 64; organisation ub is 64 too).
const MAX_NAME_CHARS: usize = 64;

/// Why an application is refused at intake.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntakeError {
    /// The body is larger than [`MAX_BODY_BYTES`].
    TooLarge {
        /// Bytes received (at least).
        size: usize,
    },
    /// The body is not the expected JSON.
    InvalidRequest {
        /// What is wrong, in English (for developers).
        detail: String,
    },
    /// An applicant field is missing or too long.
    InvalidApplicant {
        /// Which field.
        field: &'static str,
    },
    /// The product id is not in the catalog.
    Product(CatalogError),
    /// The CSR does not parse, does not verify or is too large.
    Csr(CsrError),
    /// The CSR is signed with a broken or unknown algorithm.
    WeakSignatureAlgorithm {
        /// Its name.
        algorithm: String,
    },
    /// The key is refused.
    Key(KeyCheckError),
    /// The CSR carries no e-mail address.
    CsrEmailMissing,
    /// An e-mail address in the CSR differs from the applicant's.
    EmailMismatch,
    /// The download password is refused.
    Password(DownloadPasswordError),
    /// The CSR's subject disagrees with the applicant's fields.
    Subject(SubjectError),
    /// The term is not one the product sells (`unsupported_term`).
    Term(inkan::ExpiryError),
}

impl core::fmt::Display for IntakeError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for IntakeError {}

impl Localized for IntakeError {
    fn code(&self) -> &'static str {
        match self {
            IntakeError::TooLarge { .. } => "too_large",
            IntakeError::InvalidRequest { .. } => "invalid_request",
            IntakeError::InvalidApplicant { .. } => "invalid_applicant",
            IntakeError::Product(e) => e.code(),
            IntakeError::Csr(e) => e.code(),
            IntakeError::WeakSignatureAlgorithm { .. } => "weak_signature_algorithm",
            IntakeError::Key(e) => e.code(),
            IntakeError::CsrEmailMissing => "csr_email_missing",
            IntakeError::EmailMismatch => "email_mismatch",
            IntakeError::Password(e) => e.code(),
            IntakeError::Subject(e) => e.code(),
            IntakeError::Term(e) => e.code(),
        }
    }

    fn message(&self) -> Message {
        match self {
            IntakeError::TooLarge { size } => {
                texts::intake::TooLarge { size: size.into(), limit: MAX_BODY_BYTES.into() }.render()
            }
            IntakeError::InvalidRequest { detail } => texts::intake::InvalidRequest { detail: detail.into() }.render(),
            IntakeError::InvalidApplicant { field } => {
                texts::intake::InvalidApplicant { field: (*field).into(), limit: MAX_NAME_CHARS.into() }.render()
            }
            IntakeError::Product(e) => e.message(),
            IntakeError::Csr(e) => e.message(),
            IntakeError::WeakSignatureAlgorithm { algorithm } => {
                texts::intake::WeakSignatureAlgorithm { algorithm: algorithm.into() }.render()
            }
            IntakeError::Key(e) => e.message(),
            IntakeError::CsrEmailMissing => texts::intake::CSR_EMAIL_MISSING.render(),
            IntakeError::EmailMismatch => texts::intake::EMAIL_MISMATCH.render(),
            IntakeError::Password(e) => e.message(),
            IntakeError::Subject(e) => e.message(),
            IntakeError::Term(e) => e.message(),
        }
    }
}

impl IntakeError {
    /// The HTTP status for this refusal.
    pub fn status(&self) -> u16 {
        match self {
            IntakeError::TooLarge { .. } => 413,
            IntakeError::Csr(CsrError::TooLarge { .. }) => 413,
            IntakeError::InvalidRequest { .. } | IntakeError::InvalidApplicant { .. } | IntakeError::Password(_) => 400,
            _ => 422,
        }
    }
}

#[derive(Deserialize)]
struct ApplicantBody {
    name: String,
    #[serde(default)]
    common_name: Option<String>,
    email: String,
    #[serde(default)]
    organisation: Option<String>,
}

#[derive(Deserialize)]
struct IntakeBody {
    product: String,
    csr: String,
    applicant: ApplicantBody,
    #[serde(default)]
    download_password: Option<String>,
    #[serde(default)]
    download_password_verifier: Option<VerifierBody>,
    /// The term bought, in years (one of the product's terms; its shortest when absent).
    #[serde(default)]
    term_years: Option<u8>,
}

/// What the applicant sent to guard the download: the password itself (the server runs the slow
/// hash) or a verifier the browser derived (the server stores its SHA-256).
pub enum DownloadSecret {
    /// The download password (wiped on drop).
    Password(Zeroizing<String>),
    /// A checked client verifier.
    Verifier(ClientVerifier),
}

/// An application that passed every check.
pub struct ValidIntake {
    /// The product.
    pub product: &'static Product,
    /// The CSR as PEM.
    pub csr_pem: String,
    /// SHA-256 of the CSR DER, hex.
    pub fingerprint: String,
    /// SHA-256 of the CSR's SubjectPublicKeyInfo, hex.
    pub spki_sha256: String,
    /// The applicant.
    pub applicant: Applicant,
    /// The download password or its client verifier.
    pub download_secret: DownloadSecret,
    /// The term bought (the product's shortest when the applicant named none; `None` for
    /// products sold by days, such as iPROVE's 396).
    pub term_years: Option<u8>,
}

/// What intake adds to a valid application when it stores it.
pub struct Admission {
    /// The new id.
    pub id: String,
    /// The stored form of the download password (see [`crate::download_password`]).
    pub password_hash: String,
    /// Now.
    pub now: crate::UnixTime,
    /// When it expires if nobody decides.
    pub undecided_until: crate::UnixTime,
}

impl ValidIntake {
    /// The application intake stores: `Submitted`, mailbox unconfirmed.
    pub fn into_application(self, admission: Admission) -> crate::application::Application {
        use crate::application::{Application, Relay, Status};
        let Admission { id, password_hash, now, undecided_until } = admission;
        Application {
            id,
            product: self.product.id.to_owned(),
            term_years: self.term_years,
            status: Status::Submitted,
            fingerprint: self.fingerprint,
            spki_sha256: self.spki_sha256,
            csr_pem: Some(self.csr_pem),
            applicant: self.applicant,
            password_hash: Some(password_hash),
            certificate_pem: None,
            created_at: now,
            approved_at: None,
            issued_at: None,
            window_closes_at: None,
            downloaded_at: None,
            closed_at: None,
            relay: Relay::default(),
            mailbox: crate::mailbox::Mailbox::default(),
            undecided_until: Some(undecided_until),
            callback_token_sha256: None,
            history: Vec::new(),
            rejection: None,
            documents: 0,
            documents_token_sha256: None,
            documents_purge_at: None,
            version: 0,
        }
    }
}

fn text_field(field: &'static str, value: &str, required: bool) -> Result<Option<String>, IntakeError> {
    let v = value.trim();
    if v.is_empty() {
        return if required { Err(IntakeError::InvalidApplicant { field }) } else { Ok(None) };
    }
    // No control characters; no < > (never part of a name, and the reviewer's screen must not
    // be the first place markup is caught); no bidirectional overrides, which make a name read
    // differently from what it is (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C).
    let bidi =
        |c: char| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}');
    if v.chars().count() > MAX_NAME_CHARS || v.chars().any(|c| c.is_control() || c == '<' || c == '>' || bidi(c)) {
        return Err(IntakeError::InvalidApplicant { field });
    }
    Ok(Some(v.to_owned()))
}

/// The key-type refusal for a CSR whose key is of a type we do not take, if it is one.
fn unsupported_key(input: &[u8]) -> Option<KeyCheckError> {
    use der::{Decode as _, Encode as _};
    let der = inkan::find_pem_blocks(input)
        .into_iter()
        .find(|b| b.label.contains("CERTIFICATE REQUEST"))
        .map_or_else(|| input.to_vec(), |b| b.der);
    let request = x509_cert::request::CertReq::from_der(&der).ok()?;
    let spki = request.info.public_key.to_der().ok()?;
    match inkan::PublicKey::from_spki_der(&spki) {
        Ok(key) => {
            crate::keycheck::check_public_key(&key).err().filter(|e| matches!(e, KeyCheckError::UnsupportedKey { .. }))
        }
        Err(_) => None,
    }
}

/// Runs every intake check on a request body.
pub fn check(body: &[u8]) -> Result<ValidIntake, IntakeError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(IntakeError::TooLarge { size: body.len() });
    }
    let parsed: IntakeBody = serde_json::from_slice(body)
        .map_err(|e| IntakeError::InvalidRequest { detail: crate::http::json_problem(&e) })?;
    let download_password = parsed.download_password.map(Zeroizing::new);
    let product = inkan::product(parsed.product.trim()).map_err(IntakeError::Product)?;
    let term_years = inkan::resolve_term(product, parsed.term_years).map_err(IntakeError::Term)?;
    let name = text_field("name", &parsed.applicant.name, true)?.unwrap_or_default();
    let common_name = match &parsed.applicant.common_name {
        Some(cn) => text_field("common_name", cn, false)?,
        None => None,
    };
    let organisation = match &parsed.applicant.organisation {
        Some(o) => text_field("organisation", o, false)?,
        None => None,
    };
    let email = inkan::check_email(&parsed.applicant.email).map_err(IntakeError::Csr)?;
    let download_secret = match (download_password, &parsed.download_password_verifier) {
        (Some(password), None) => {
            crate::download_password::check_password(&password).map_err(IntakeError::Password)?;
            DownloadSecret::Password(password)
        }
        (None, Some(verifier)) => {
            DownloadSecret::Verifier(ClientVerifier::check(verifier).map_err(IntakeError::Password)?)
        }
        (None, None) => {
            return Err(IntakeError::InvalidRequest {
                detail: "missing field `download_password` (or `download_password_verifier`)".into(),
            });
        }
        (Some(_), Some(_)) => {
            return Err(IntakeError::InvalidRequest {
                detail: "give `download_password` or `download_password_verifier`, not both".into(),
            });
        }
    };

    let csr = crate::signature::parse_csr(parsed.csr.as_bytes()).map_err(|e| match e {
        CsrError::UnsupportedAlgorithm { algorithm } => match unsupported_key(parsed.csr.as_bytes()) {
            // A key the verifier does not know (P-521, Ed25519, DSA) surfaces as an unsupported
            // algorithm; name the key instead, which is what the applicant has to change.
            Some(key_error) => IntakeError::Key(key_error),
            // parse_csr cannot verify MD5 (and names it): a weak algorithm, not an unknown one.
            None if algorithm.to_ascii_lowercase().contains("md5")
                || algorithm.to_ascii_lowercase().contains("sha1") =>
            {
                IntakeError::WeakSignatureAlgorithm { algorithm }
            }
            None => IntakeError::Csr(CsrError::UnsupportedAlgorithm { algorithm }),
        },
        other => IntakeError::Csr(other),
    })?;
    if !SIGNATURE_ALLOWLIST.contains(&csr.signature_algorithm.as_str()) {
        return Err(IntakeError::WeakSignatureAlgorithm { algorithm: csr.signature_algorithm.clone() });
    }
    crate::keycheck::check_public_key(&csr.public_key).map_err(IntakeError::Key)?;
    if csr.emails.is_empty() {
        return Err(IntakeError::CsrEmailMissing);
    }
    if !csr.emails.iter().all(|e| same_mailbox(e, &email)) {
        return Err(IntakeError::EmailMismatch);
    }
    let applicant = Applicant { name, common_name, email, organisation };
    let request = <x509_cert::request::CertReq as der::Decode>::from_der(&csr.der)
        .map_err(|_| IntakeError::Csr(CsrError::NotACsr))?;
    crate::signing::check_csr_subject(&request.info.subject, &applicant).map_err(IntakeError::Subject)?;
    Ok(ValidIntake {
        product,
        csr_pem: inkan::encode_pem("CERTIFICATE REQUEST", &csr.der),
        fingerprint: crate::hex::hex(&sha2::Sha256::digest(&csr.der)),
        spki_sha256: crate::hex::hex(&sha2::Sha256::digest(&csr.spki_der)),
        applicant,
        download_secret,
        term_years,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use inkan::{CsrOptions, KeyAlgorithm, PrivateKey, Subject, build_csr};

    pub(crate) fn csr_for(email: &str) -> String {
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut inkan::os_rng()).expect("key");
        let subject = Subject { common_name: "Taro Yamada".into(), email: Some(email.into()), ..Subject::default() };
        build_csr(&key, &subject, &CsrOptions::default()).expect("csr").pem
    }

    pub(crate) fn body(product: &str, csr: &str, email: &str) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "product": product, "csr": csr,
            "applicant": {"name": "山田 太郎", "common_name": "Taro Yamada", "email": email, "organisation": "山田法律事務所"},
            "download_password": "ABCDE-FGHJK-LMNPQ-RSTUV",
        }))
        .expect("json")
    }

    #[test]
    fn a_good_application_passes_and_is_fingerprinted() {
        let csr = csr_for("taro@example.jp");
        let ok = check(&body("jcan-mcci", &csr, "taro@EXAMPLE.jp")).expect("valid");
        assert_eq!(ok.product.id, "jcan-mcci");
        assert_eq!(ok.fingerprint.len(), 64);
        let again = check(&body("jcan-mcci", &csr, "taro@example.jp")).expect("valid");
        assert_eq!(ok.fingerprint, again.fingerprint, "same CSR, same key");
    }

    #[test]
    fn refusals_have_stable_codes_and_statuses() {
        let csr = csr_for("taro@example.jp");
        let cases: Vec<(Vec<u8>, &str, u16)> = vec![
            (vec![b' '; MAX_BODY_BYTES + 1], "too_large", 413),
            (b"{".to_vec(), "invalid_request", 400),
            (body("no-such-product", &csr, "taro@example.jp"), "unknown_product", 422),
            (body("sign123", &csr, "Taro@example.jp"), "email_mismatch", 422),
            (body("sign123", &csr, "hanako@example.jp"), "email_mismatch", 422),
            (body("sign123", &csr_for("taro@example.jp"), "not-an-email"), "invalid_email", 422),
        ];
        for (input, code, status) in cases {
            let err = check(&input).err().unwrap_or_else(|| panic!("{code} should be refused"));
            assert_eq!((err.code(), err.status()), (code, status), "{err:?}");
            assert!(!err.message().ja.is_empty() && !err.message().en.is_empty());
        }
    }

    #[test]
    fn a_client_verifier_replaces_the_password_and_one_of_them_is_required() {
        let csr = csr_for("taro@example.jp");
        let mut value: serde_json::Value =
            serde_json::from_slice(&body("sign123", &csr, "taro@example.jp")).expect("json");
        let verifier = serde_json::json!({"salt": "AAAAAAAAAAAAAAAAAAAAAA==", "iterations": 600_000, "hash": "SHA-256",
                                          "derived": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="});
        value["download_password_verifier"] = verifier;
        let both = check(&serde_json::to_vec(&value).expect("json")).err().expect("both refused");
        assert_eq!(both.code(), "invalid_request");
        value.as_object_mut().expect("object").remove("download_password");
        let ok = check(&serde_json::to_vec(&value).expect("json")).expect("verifier accepted");
        assert!(matches!(ok.download_secret, DownloadSecret::Verifier(_)));
        value["download_password_verifier"]["iterations"] = 100_000.into();
        let weak = check(&serde_json::to_vec(&value).expect("json")).err().expect("weak");
        assert_eq!((weak.code(), weak.status()), ("weak_password_verifier", 400));
        value.as_object_mut().expect("object").remove("download_password_verifier");
        let none = check(&serde_json::to_vec(&value).expect("json")).err().expect("none");
        assert_eq!((none.code(), none.status()), ("invalid_request", 400));
    }

    #[test]
    fn mailbox_comparison_ignores_only_the_domain_case() {
        assert!(same_mailbox("taro@Example.JP", "taro@example.jp"));
        assert!(!same_mailbox("Taro@example.jp", "taro@example.jp"));
        assert!(!same_mailbox("taro", "taro"));
    }
}
