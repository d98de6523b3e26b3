//! The built-in CA: a root and an issuing CA, made on first run. Natively the keys are files
//! in the data directory with mode 0600; on Workers they live in D1's settings table (a real
//! deployment would use the `est` or `webhook` issuer instead).
//!
//! Certificates follow the catalog: the S/MIME-BR personal profile of `inkan-ca` (rfc822Name
//! SAN, emailProtection + clientAuth), the subject built from the reviewed fields
//! ([`crate::signing`], never the CSR's), and the product's validity rule from
//! `inkan-knowledge` ([`inkan::not_after_unix`]). The issuing CA is limited to the same two EKUs, so a leak of its key
//! cannot mint server certificates; the root is not part of the chain the applicant receives
//! (clients that trust it have it; it is offered on its own at `GET /api/issuer/root`).
//!
//! The seeds count a certificate's life from the download day (seed: 000_83bab2e9cbe37489.txt
//! "ダウンロード日から"; seed: 004_d25a5a965b92ed0f.txt "取得した日"), so approval only makes the
//! application ready to collect and the local CA signs at the first download: `notAfter` is
//! exactly the expiry plan's date, 23:59:59 JST on that day. The CA certificates are valid 10 years (the CA certificate term of
//! seed: 001_d4e7ca17d72183de.txt).

use der::{Decode as _, Encode as _};
use x509_cert::Certificate;
use zeroize::Zeroizing;

use super::{IssueOutcome, IssueRequest, IssuerError};
use crate::{DAY, UnixTime, jst_date};
// `inkan::IssueRequest` (one certificate for the CA to sign) stays qualified: the worker's own
// `IssueRequest` is an applicant's request to an issuer.
use inkan::{CertificateProfile, KeyAlgorithm, PrivateKey, Product, distinguished_name, issue_certificate};

/// Ten years of CA validity (seed: 001_d4e7ca17d72183de.txt: CA certificate 10 years).
const CA_YEARS_SECONDS: i64 = 3_652 * DAY;
/// notBefore is set a little in the past so clients with a slow clock accept a fresh certificate.
const BACKDATE_SECONDS: i64 = 300;

/// The CA's keys and certificates as PEM text, for the adapter to persist.
pub struct CaMaterial {
    /// Root key, PKCS#8 PEM.
    pub root_key_pem: Zeroizing<String>,
    /// Root certificate PEM.
    pub root_cert_pem: String,
    /// Issuing CA key, PKCS#8 PEM.
    pub issuing_key_pem: Zeroizing<String>,
    /// Issuing CA certificate PEM.
    pub issuing_cert_pem: String,
}

/// A loaded local CA.
pub struct LocalCa {
    root: Certificate,
    issuing_key: PrivateKey,
    issuing: Certificate,
    /// Product used for EST enrolments, which carry no product.
    pub est_product: &'static Product,
}

fn local_err(e: impl inkan::i18n::Localized) -> IssuerError {
    IssuerError::Local { code: e.code() }
}

fn unix(t: UnixTime) -> u64 {
    u64::try_from(t).unwrap_or(0)
}

fn cert_from_pem(pem: &str) -> Result<Certificate, IssuerError> {
    inkan::parse_certificates(pem.as_bytes())
        .map_err(local_err)?
        .into_iter()
        .next()
        .ok_or(IssuerError::Local { code: "ca_certificate_missing" })
}

fn to_pem(cert: &Certificate) -> Result<String, IssuerError> {
    let der = cert.to_der().map_err(|_| IssuerError::Local { code: "encoding" })?;
    Ok(inkan::encode_pem("CERTIFICATE", &der))
}

impl LocalCa {
    /// Makes a new root (P-384) and issuing CA (P-256).
    pub fn create<R: rand_core::CryptoRng + ?Sized>(
        rng: &mut R,
        now: UnixTime,
        est_product: &'static Product,
    ) -> Result<(LocalCa, CaMaterial), IssuerError> {
        let root_key = PrivateKey::generate(KeyAlgorithm::P384, rng).map_err(local_err)?;
        let issuing_key = PrivateKey::generate(KeyAlgorithm::P256, rng).map_err(local_err)?;
        let mut serial = [0u8; 16];
        rng.fill_bytes(&mut serial);
        let root_name = distinguished_name(&[("C", "JP"), ("O", "Inkan Local CA"), ("CN", "Inkan Local Root CA")])
            .map_err(local_err)?;
        let root = issue_certificate(
            inkan::IssueRequest {
                subject: root_name,
                subject_key: &root_key.public_key(),
                not_before: unix(now - BACKDATE_SECONDS),
                not_after: unix(now + CA_YEARS_SECONDS),
                serial,
                profile: CertificateProfile::Root,
            },
            &root_key,
            None,
        )
        .map_err(local_err)?;
        rng.fill_bytes(&mut serial);
        let issuing_name =
            distinguished_name(&[("C", "JP"), ("O", "Inkan Local CA"), ("CN", "Inkan Local Issuing CA")])
                .map_err(local_err)?;
        let issuing = issue_certificate(
            inkan::IssueRequest {
                subject: issuing_name,
                subject_key: &issuing_key.public_key(),
                not_before: unix(now - BACKDATE_SECONDS),
                not_after: unix(now + CA_YEARS_SECONDS),
                serial,
                profile: CertificateProfile::Intermediate,
            },
            &root_key,
            Some(&root),
        )
        .map_err(local_err)?;
        let material = CaMaterial {
            root_key_pem: root_key.to_pkcs8_pem().map_err(local_err)?,
            root_cert_pem: to_pem(&root)?,
            issuing_key_pem: issuing_key.to_pkcs8_pem().map_err(local_err)?,
            issuing_cert_pem: to_pem(&issuing)?,
        };
        Ok((LocalCa { root, issuing_key, issuing, est_product }, material))
    }

    /// Loads a CA made earlier.
    pub fn from_material(material: &CaMaterial, est_product: &'static Product) -> Result<LocalCa, IssuerError> {
        let issuing_key = PrivateKey::from_pem_or_der(material.issuing_key_pem.as_bytes(), None).map_err(local_err)?;
        Ok(LocalCa {
            root: cert_from_pem(&material.root_cert_pem)?,
            issuing_key,
            issuing: cert_from_pem(&material.issuing_cert_pem)?,
            est_product,
        })
    }

    /// The CA certificates, issuing CA first (for EST `/cacerts` and the chain).
    pub fn ca_certificates(&self) -> Vec<Certificate> {
        vec![self.issuing.clone(), self.root.clone()]
    }

    /// The root certificate PEM (for trust stores and tests).
    pub fn root_pem(&self) -> Result<String, IssuerError> {
        to_pem(&self.root)
    }

    /// The validity a leaf signed at `now` gets under `product`'s rule: from five minutes ago to
    /// 23:59:59 JST on the expiry day.
    pub fn validity(
        product: &Product,
        term_years: Option<u8>,
        now: UnixTime,
    ) -> Result<(UnixTime, UnixTime), IssuerError> {
        let day = jst_date(now).map_err(|_| IssuerError::Local { code: "invalid_validity" })?;
        let not_after = inkan::not_after_unix(product, day, term_years).map_err(local_err)?;
        Ok((now - BACKDATE_SECONDS, not_after))
    }

    /// Issues a personal certificate for a verified CSR's key under `product`'s validity rule,
    /// with the given subject and mailboxes (the reviewed fields, not the CSR's).
    pub fn issue_certificate(
        &self,
        csr_der: &[u8],
        subject: x509_cert::name::Name,
        emails: Vec<String>,
        (product, term_years): (&Product, Option<u8>),
        now: UnixTime,
        serial: [u8; 16],
    ) -> Result<Certificate, IssuerError> {
        let parsed = inkan::parse_csr(csr_der).map_err(local_err)?;
        let (not_before, not_after) = Self::validity(product, term_years, now)?;
        issue_certificate(
            inkan::IssueRequest {
                subject,
                subject_key: &parsed.public_key,
                not_before: unix(not_before),
                not_after: unix(not_after),
                serial,
                profile: CertificateProfile::Personal { emails },
            },
            &self.issuing_key,
            Some(&self.issuing),
        )
        .map_err(local_err)
    }

    /// Issues for an EST client, which is trusted (Basic auth) to name its own subject.
    pub fn issue_for_est(&self, csr_der: &[u8], now: UnixTime, serial: [u8; 16]) -> Result<Certificate, IssuerError> {
        let parsed = inkan::parse_csr(csr_der).map_err(local_err)?;
        let request =
            x509_cert::request::CertReq::from_der(&parsed.der).map_err(|_| IssuerError::Local { code: "not_a_csr" })?;
        self.issue_certificate(csr_der, request.info.subject, parsed.emails, (self.est_product, None), now, serial)
    }

    /// The relay step for the local issuer: check now that the reviewed application can be
    /// signed (its product and subject), then sign when the applicant collects
    /// ([`LocalCa::collect`]): the certificate's term then counts from the download day, as the
    /// seeds state it, and `notAfter` is the plan's expiry.
    pub fn issue_for(&self, request: &IssueRequest<'_>) -> Result<IssueOutcome, IssuerError> {
        let app = request.application;
        inkan::product(&app.product).map_err(local_err)?;
        crate::signing::subject_name(&app.applicant).map_err(local_err)?;
        inkan::parse_csr(request.csr_der).map_err(local_err)?;
        Ok(IssueOutcome::ReadyToCollect)
    }

    /// Signs an application that was ready to collect, at its first download (`now`): exactly
    /// what was reviewed, valid until 23:59:59 JST on the plan's expiry day.
    pub fn collect(&self, request: &IssueRequest<'_>) -> Result<String, IssuerError> {
        let app = request.application;
        let product = inkan::product(&app.product).map_err(local_err)?;
        let subject = crate::signing::subject_name(&app.applicant).map_err(local_err)?;
        let emails = vec![app.applicant.email.clone()];
        let leaf = self.issue_certificate(
            request.csr_der,
            subject,
            emails,
            (product, app.term_years),
            request.now,
            request.serial,
        )?;
        super::chain_to_pem(&[leaf, self.issuing.clone()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use inkan::{CsrOptions, Subject, build_csr};

    #[test]
    fn issues_a_chain_that_names_the_applicant_and_follows_the_catalog() {
        let now = 1_767_225_600; // 2026-01-01 00:00 UTC
        let product = inkan::product("sign123").expect("catalog");
        let (ca, material) = LocalCa::create(&mut inkan::os_rng(), now, product).expect("ca");
        let again = LocalCa::from_material(&material, product).expect("reload");
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut inkan::os_rng()).expect("key");
        let subject = Subject {
            common_name: "山田 太郎".into(),
            email: Some("taro@example.jp".into()),
            country: Some("JP".into()),
            ..Subject::default()
        };
        let csr = build_csr(&key, &subject, &CsrOptions::default()).expect("csr");
        let subject = inkan::distinguished_name(&[("CN", "Taro Yamada")]).expect("name");
        let leaf = again
            .issue_certificate(&csr.der, subject, vec!["taro@example.jp".into()], (product, None), now, [7; 16])
            .expect("issue");
        let facts = inkan::certificate_facts(&leaf);
        assert!(facts.emails.contains(&"taro@example.jp".to_string()), "{facts:?}");
        assert_eq!(inkan::name_to_string(leaf.tbs_certificate().subject()), "CN=Taro Yamada");
        // seed: 000_83bab2e9cbe37489.txt: 1-2-3 expires on the same day one year later.
        let not_after = facts.not_after_unix as i64;
        assert_eq!(jst_date(not_after).expect("date").to_string(), "2027-01-01");
        assert!(material.root_key_pem.contains("PRIVATE KEY"));
        assert_eq!(ca.ca_certificates().len(), 2);
    }
}
