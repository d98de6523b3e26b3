//! Writing a `.p12`: certificate and key bags, the two content infos and the MAC.

use const_oid::ObjectIdentifier;
use der::Encode as _;
use rand_core::CryptoRng;
use x509_cert::Certificate;

use crate::asn1::{self, tag};
use crate::findings::{Finding, Severity};
use crate::keys::PrivateKey;
use crate::password::Password;

use super::check_password;
use super::error::Pkcs12Error;
use super::mac::mac_data;
use super::oid;
use super::plan::{BuildOptions, BuildPlan};

/// A built file and the warnings that go with it.
#[derive(Clone, Debug)]
pub struct BuiltPkcs12 {
    /// The `.p12` bytes.
    pub der: Vec<u8>,
    /// Warnings (e.g. `non_ascii_password`).
    pub findings: Vec<Finding>,
}

/// Puts the leaf first and each issuer after the certificate it signed (by name), keeping any
/// unrelated extras at the end, and drops duplicates.
pub fn order_chain(leaf: Certificate, others: Vec<Certificate>) -> Vec<Certificate> {
    let mut rest: Vec<Certificate> = Vec::new();
    for c in others {
        if c != leaf && !rest.contains(&c) {
            rest.push(c);
        }
    }
    let mut chain = vec![leaf];
    while let Some(last) = chain.last() {
        if last.tbs_certificate().subject() == last.tbs_certificate().issuer() {
            break;
        }
        let issuer = last.tbs_certificate().issuer().clone();
        let Some(pos) = rest.iter().position(|c| *c.tbs_certificate().subject() == issuer) else { break };
        chain.push(rest.remove(pos));
    }
    chain.extend(rest);
    chain
}

fn attributes(friendly_name: &str, local_key_id: &[u8]) -> Vec<u8> {
    asn1::set_of(vec![
        asn1::sequence(&[
            &asn1::oid(oid::FRIENDLY_NAME.as_bytes()),
            &asn1::set_of(vec![asn1::bmp_string(friendly_name)]),
        ]),
        asn1::sequence(&[
            &asn1::oid(oid::LOCAL_KEY_ID.as_bytes()),
            &asn1::set_of(vec![asn1::octet_string(local_key_id)]),
        ]),
    ])
}

fn safe_bag(bag_oid: ObjectIdentifier, value: &[u8], attrs: Option<&[u8]>) -> Vec<u8> {
    let explicit = asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, value);
    match attrs {
        Some(a) => asn1::sequence(&[&asn1::oid(bag_oid.as_bytes()), &explicit, a]),
        None => asn1::sequence(&[&asn1::oid(bag_oid.as_bytes()), &explicit]),
    }
}

fn data_content_info(content: &[u8]) -> Vec<u8> {
    asn1::sequence(&[
        &asn1::oid(oid::DATA.as_bytes()),
        &asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, &asn1::octet_string(content)),
    ])
}

/// Builds a `.p12` from a key, its certificate and (optionally) the issuing chain.
/// Refuses with [`Pkcs12Error::KeyCertificateMismatch`] when the key is not the leaf's.
pub fn build<R: CryptoRng + ?Sized>(
    key: &PrivateKey,
    leaf: &Certificate,
    chain: &[Certificate],
    password: &Password,
    options: &BuildOptions,
    rng: &mut R,
) -> Result<BuiltPkcs12, Pkcs12Error> {
    let plan = BuildPlan::new(options, rng)?;
    build_planned(key, leaf, chain, password, options, &plan)
}

/// [`build`] with the salts, IVs and iterations already drawn.
pub fn build_planned(
    key: &PrivateKey,
    leaf: &Certificate,
    chain: &[Certificate],
    password: &Password,
    options: &BuildOptions,
    plan: &BuildPlan,
) -> Result<BuiltPkcs12, Pkcs12Error> {
    check_password(password)?;
    let BuildPlan { cert_scheme, key_scheme, mac_hash, mac_salt, iterations } = plan;
    let (mac_hash, iterations) = (*mac_hash, *iterations);
    if crate::x509::public_key(leaf).as_ref() != Some(&key.public_key()) {
        return Err(Pkcs12Error::KeyCertificateMismatch);
    }
    let certs = order_chain(leaf.clone(), chain.to_vec());
    let leaf_der = leaf.to_der().map_err(|_| Pkcs12Error::Corrupt { detail: "leaf encoding" })?;
    let local_key_id = {
        use digest::Digest as _;
        sha1::Sha1::digest(&leaf_der).to_vec()
    };
    let friendly_name = options
        .friendly_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| crate::x509::facts(leaf).subject_cn)
        .chars()
        .take(64)
        .collect::<String>();
    let attrs = attributes(&friendly_name, &local_key_id);

    // Certificates: leaf first with its attributes, the chain without (Windows shows a
    // friendlyName on every certificate that has one, which confuses users).
    let mut cert_bags = Vec::with_capacity(certs.len());
    for (i, cert) in certs.iter().enumerate() {
        let der = cert.to_der().map_err(|_| Pkcs12Error::Corrupt { detail: "certificate encoding" })?;
        let cert_bag = asn1::sequence(&[
            &asn1::oid(oid::X509_CERTIFICATE.as_bytes()),
            &asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, &asn1::octet_string(&der)),
        ]);
        cert_bags.push(safe_bag(oid::CERT_BAG, &cert_bag, (i == 0).then_some(attrs.as_slice())));
    }
    let cert_safe_contents = asn1::tlv(tag::SEQUENCE, &cert_bags.concat());

    let bmp = password.bmp();

    let encrypted_certs = cert_scheme.encrypt(password, &bmp, &cert_safe_contents);
    let encrypted_data = asn1::sequence(&[
        &asn1::uint(0),
        &asn1::sequence(&[
            &asn1::oid(oid::DATA.as_bytes()),
            &cert_scheme.encode(),
            &asn1::tlv(tag::CONTEXT_0_PRIMITIVE, &encrypted_certs),
        ]),
    ]);
    let certs_ci = asn1::sequence(&[
        &asn1::oid(oid::ENCRYPTED_DATA.as_bytes()),
        &asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, &encrypted_data),
    ]);

    let pkcs8 = key.to_pkcs8_der()?;
    let epki = crate::keys::encrypt_pkcs8(key_scheme, &pkcs8, password, &bmp);
    let key_bag = safe_bag(oid::SHROUDED_KEY_BAG, &epki, Some(&attrs));
    let key_ci = data_content_info(&asn1::tlv(tag::SEQUENCE, &key_bag));

    let auth_safe = asn1::sequence(&[&certs_ci, &key_ci]);
    let mac_data = mac_data(password, &bmp, mac_hash, mac_salt, iterations, &auth_safe);
    let der = asn1::sequence(&[&asn1::uint(3), &data_content_info(&auth_safe), &mac_data]);

    let mut findings = Vec::new();
    if password.is_non_ascii() {
        findings.push(Finding::non_ascii_password());
    }
    if password.is_empty() {
        findings.push(empty_password_finding());
    }
    Ok(BuiltPkcs12 { der, findings })
}

pub(super) fn empty_password_finding() -> Finding {
    Finding::localized("empty_password", Severity::Warning, crate::texts::finding::EMPTY_PASSWORD.render())
}
