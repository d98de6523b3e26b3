//! What is signed is what was reviewed: the certificate's subject is built from the applicant's
//! validated fields (the name on the certificate, the organisation) and its SAN from the
//! checked e-mail address, never copied from the CSR. The CSR proves possession of the key; its
//! subject is only checked, at intake, to agree with the fields, so that an issuer behind EST
//! (which signs the CSR as sent) signs the same subject the reviewer saw.
//!
//! The reviewer sees exactly this: [`to_be_signed`] is what the admin view shows and what the
//! local issuer signs.

use crate::texts;
use inkan::i18n::{Localized, Message};

use crate::application::{Applicant, Application};

/// Extended key usages every personal certificate carries (S/MIME BR 7.1.2.3: emailProtection;
/// clientAuth for client authentication, which the seeds' products are sold for).
pub const EXTENDED_KEY_USAGES: [&str; 2] = ["emailProtection", "clientAuth"];

/// Why a CSR's subject was refused at intake.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SubjectError {
    /// An attribute of the CSR's subject disagrees with the applicant's fields, or is one that
    /// review cannot vouch for (OU, locality, serial number, ...).
    Mismatch {
        /// The attribute's short name (`CN`, `O`, `OU`, ...), never its value.
        attribute: String,
    },
}

impl core::fmt::Display for SubjectError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for SubjectError {}

impl Localized for SubjectError {
    fn code(&self) -> &'static str {
        "csr_subject_mismatch"
    }
    fn message(&self) -> Message {
        match self {
            SubjectError::Mismatch { attribute } => {
                texts::subject::CsrSubjectMismatch { attribute: attribute.into() }.render()
            }
        }
    }
}

/// The subject's attributes, most significant first: `O` (when given), then `CN`.
pub fn subject_attributes(applicant: &Applicant) -> Vec<(&'static str, String)> {
    let mut parts = Vec::new();
    if let Some(organisation) = &applicant.organisation {
        parts.push(("O", organisation.clone()));
    }
    let common_name = applicant.common_name.as_deref().unwrap_or(&applicant.name);
    parts.push(("CN", common_name.to_owned()));
    parts
}

/// The subject as a DER name.
pub fn subject_name(applicant: &Applicant) -> Result<x509_cert::name::Name, inkan::IssueError> {
    let parts = subject_attributes(applicant);
    let refs: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    inkan::distinguished_name(&refs)
}

/// The subject as one line, `CN=Taro Yamada, O=山田法律事務所` (the reading order the inspector uses).
pub fn subject_line(applicant: &Applicant) -> String {
    subject_name(applicant).map_or_else(|_| String::new(), |name| inkan::name_to_string(&name))
}

/// Checks a CSR's subject against the fields: CN and O must be exactly the fields, an
/// emailAddress must be the applicant's mailbox, C is allowed (and not signed); anything else
/// is refused, since review cannot vouch for it.
pub fn check_csr_subject(subject: &x509_cert::name::Name, applicant: &Applicant) -> Result<(), SubjectError> {
    let common_name = applicant.common_name.as_deref().unwrap_or(&applicant.name);
    for (attribute, value) in inkan::name_attributes(subject) {
        let agrees = match attribute.as_str() {
            "CN" => value.trim() == common_name,
            "O" => applicant.organisation.as_deref() == Some(value.trim()),
            "emailAddress" => crate::mailbox::same_mailbox(&value, &applicant.email),
            "C" => true,
            _ => false,
        };
        if !agrees {
            return Err(SubjectError::Mismatch { attribute });
        }
    }
    Ok(())
}

/// Exactly what will be signed for an application, for the reviewer: subject, SAN, EKU, the
/// key, and the validity the local issuer would give if it signed at `now` (other issuers set
/// their own).
pub fn to_be_signed(app: &Application, validity: Option<(i64, i64)>) -> serde_json::Value {
    let key = app
        .csr_pem
        .as_deref()
        .and_then(|pem| inkan::parse_csr(pem.as_bytes()).ok())
        .map(|csr| serde_json::json!({"algorithm": csr.key.algorithm, "bits": csr.key.bits}));
    serde_json::json!({
        "subject": subject_line(&app.applicant),
        "subject_attributes": subject_attributes(&app.applicant)
            .into_iter()
            .map(|(k, v)| serde_json::json!({"type": k, "value": v}))
            .collect::<Vec<_>>(),
        "san": {"rfc822_names": [app.applicant.email]},
        "extended_key_usage": EXTENDED_KEY_USAGES,
        "key": key,
        // The local CA signs at the first download (the term counts from that day): the dates
        // are those of a collection now, and move with the day the applicant collects.
        "validity": validity.map(|(not_before, not_after)| serde_json::json!({
            "not_before": not_before, "not_after": not_after, "counts_from": "first_download"})),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant(organisation: Option<&str>) -> Applicant {
        Applicant {
            name: "山田 太郎 (Taro Yamada)".into(),
            common_name: Some("Taro Yamada".into()),
            email: "taro@example.jp".into(),
            organisation: organisation.map(str::to_owned),
        }
    }

    fn name(parts: &[(&str, &str)]) -> x509_cert::name::Name {
        inkan::distinguished_name(parts).expect("name")
    }

    #[test]
    fn the_subject_comes_from_the_fields() {
        assert_eq!(subject_line(&applicant(Some("山田法律事務所"))), "CN=Taro Yamada, O=山田法律事務所");
        assert_eq!(subject_line(&applicant(None)), "CN=Taro Yamada");
    }

    #[test]
    fn a_csr_subject_must_agree_or_it_is_refused_by_attribute() {
        let a = applicant(Some("山田法律事務所"));
        check_csr_subject(
            &name(&[("C", "JP"), ("O", "山田法律事務所"), ("CN", "Taro Yamada"), ("emailAddress", "taro@example.jp")]),
            &a,
        )
        .expect("agrees");
        check_csr_subject(&name(&[("CN", "Taro Yamada")]), &a).expect("fewer attributes are fine");
        let foreign = name(&[("O", "Mizuho Bank, Ltd."), ("OU", "Treasury Dept"), ("CN", "Taro Yamada")]);
        assert_eq!(check_csr_subject(&foreign, &a), Err(SubjectError::Mismatch { attribute: "O".into() }));
        let ou = name(&[("O", "山田法律事務所"), ("OU", "Treasury Dept"), ("CN", "Taro Yamada")]);
        let e = check_csr_subject(&ou, &a).expect_err("OU cannot be vouched for");
        assert_eq!((e.code(), e.message().en.contains("Treasury")), ("csr_subject_mismatch", false));
        let cn = name(&[("CN", "<img src=x onerror=alert(1)>")]);
        assert_eq!(check_csr_subject(&cn, &a), Err(SubjectError::Mismatch { attribute: "CN".into() }));
        let o_without_field = name(&[("O", "山田法律事務所"), ("CN", "Taro Yamada")]);
        assert!(check_csr_subject(&o_without_field, &applicant(None)).is_err());
    }
}
