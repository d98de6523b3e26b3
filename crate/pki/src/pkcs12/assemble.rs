//! From the bags read to an [`OpenedPkcs12`]: which key and which certificate are the user's,
//! the chain in order, and the findings about what was found.

use x509_cert::Certificate;

use crate::findings::{Finding, Severity};
use crate::keys::PrivateKey;
use crate::password::PasswordEncoding;

use super::build::empty_password_finding;
use super::error::Pkcs12Error;
use super::report::{BagAttributes, CertificateEntry, EncryptionFacts, Mac, OpenedPkcs12, Role};
use super::state::{BagKind, OpenState};

/// A key bag's key and attributes.
type KeyBag = (PrivateKey, BagAttributes);
/// A certificate bag's certificate, attributes and position among the file's bags.
type CertBag = (Certificate, BagAttributes, usize);

/// Turns what opening read into an [`OpenedPkcs12`]. The findings keep a fixed order: the
/// key's, the chain's, then the file's protection and contents.
pub(super) fn finish(
    mut state: OpenState<'_>,
    mut findings: Vec<Finding>,
    mac: Mac,
    mac_iterations: u32,
) -> Result<OpenedPkcs12, Pkcs12Error> {
    let (mut keys, certs) = split_bags(&mut state);
    let (key_index, leaf_index) = find_leaf(&keys, &certs);
    findings.extend(key_findings(&keys, key_index, !certs.is_empty()));
    let (key, key_attributes) = take_key(&mut keys, key_index);
    let (certificates, unrelated) = order_certificates(certs, leaf_index);
    findings.extend(chain_findings(&certificates, unrelated));
    findings.extend(file_findings(&state, key.is_some()));
    Ok(OpenedPkcs12 {
        key,
        key_attributes,
        certificates,
        encryption: encryption_facts(&state, mac, mac_iterations),
        findings,
        other_keys: keys.into_iter().map(|(k, _)| k).collect(),
        ignored_bags: state.ignored_bags,
    })
}

/// The keys and the certificates, each certificate with its position among the bags.
fn split_bags(state: &mut OpenState<'_>) -> (Vec<KeyBag>, Vec<CertBag>) {
    let mut keys = Vec::new();
    let mut certs = Vec::new();
    for (i, bag) in core::mem::take(&mut state.bags).into_iter().enumerate() {
        match bag.kind {
            BagKind::Key(k) => keys.push((k, bag.attributes)),
            BagKind::Cert(c) => certs.push((*c, bag.attributes, i)),
        }
    }
    (keys, certs)
}

/// (the key, the leaf) as indexes: the leaf is the certificate of a key in the file; else one
/// that issued nothing else. The key is the one matching the leaf, if any does.
fn find_leaf(keys: &[KeyBag], certs: &[CertBag]) -> (Option<usize>, Option<usize>) {
    for (ki, (k, _)) in keys.iter().enumerate() {
        let pk = k.public_key();
        if let Some(ci) = certs.iter().position(|(c, _, _)| crate::x509::public_key(c).as_ref() == Some(&pk)) {
            return (Some(ki), Some(ci));
        }
    }
    let leaf_index = certs.iter().position(|(c, _, _)| {
        !certs.iter().any(|(o, _, _)| o != c && o.tbs_certificate().issuer() == c.tbs_certificate().subject())
    });
    (None, leaf_index)
}

/// A key that matches no certificate; more than one key.
fn key_findings(keys: &[KeyBag], key_index: Option<usize>, has_certificates: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    if !keys.is_empty() && key_index.is_none() && has_certificates {
        findings.push(Finding::localized(
            "key_certificate_mismatch",
            Severity::Error,
            crate::texts::finding::KEY_CERTIFICATE_MISMATCH.render(),
        ));
    }
    if keys.len() > 1 {
        findings.push(Finding::localized(
            "multiple_keys",
            Severity::Info,
            crate::texts::finding::MultipleKeys { count: keys.len().into() }.render(),
        ));
    }
    findings
}

/// Removes and returns the user's key: the leaf's, else the first.
fn take_key(keys: &mut Vec<KeyBag>, key_index: Option<usize>) -> (Option<PrivateKey>, BagAttributes) {
    match key_index.or(if keys.is_empty() { None } else { Some(0) }) {
        Some(i) => {
            let (k, a) = keys.swap_remove(i);
            (Some(k), a)
        }
        None => (None, BagAttributes::default()),
    }
}

/// Leaf, then issuers by name, then the rest; and how many of the rest are outside the leaf's
/// chain (none when there is no leaf: a trust store).
fn order_certificates(mut certs: Vec<CertBag>, leaf_index: Option<usize>) -> (Vec<CertificateEntry>, usize) {
    let mut ordered: Vec<CertificateEntry> = Vec::new();
    if let Some(li) = leaf_index {
        let (c, a, idx) = certs.remove(li);
        ordered.push(CertificateEntry { certificate: c, attributes: a, role: Role::Leaf, file_index: idx });
        while let Some(last) = ordered.last() {
            let tbs = last.certificate.tbs_certificate();
            if tbs.subject() == tbs.issuer() {
                break;
            }
            let issuer = tbs.issuer().clone();
            let Some(pos) = certs.iter().position(|(c, _, _)| *c.tbs_certificate().subject() == issuer) else { break };
            let (c, a, idx) = certs.remove(pos);
            ordered.push(CertificateEntry { certificate: c, attributes: a, role: Role::Intermediate, file_index: idx });
        }
    }
    for entry in ordered.iter_mut().skip(1) {
        let tbs = entry.certificate.tbs_certificate();
        if tbs.subject() == tbs.issuer() {
            entry.role = Role::Root;
        }
    }
    let has_leaf = !ordered.is_empty();
    let unrelated = if has_leaf { certs.len() } else { 0 };
    for (c, a, idx) in certs {
        // Without a leaf (a trust store), each certificate is described by what it is.
        let role = if has_leaf {
            Role::Other
        } else if c.tbs_certificate().subject() == c.tbs_certificate().issuer() {
            Role::Root
        } else {
            Role::Intermediate
        };
        ordered.push(CertificateEntry { certificate: c, attributes: a, role, file_index: idx });
    }
    (ordered, unrelated)
}

/// Certificates outside the leaf's chain; a file whose first certificate is not the leaf.
fn chain_findings(ordered: &[CertificateEntry], unrelated: usize) -> Vec<Finding> {
    let mut findings = Vec::new();
    if unrelated > 0 {
        findings.push(Finding::localized(
            "unrelated_certificates",
            Severity::Info,
            crate::texts::finding::UnrelatedCertificates { count: unrelated.into() }.render(),
        ));
    }
    if ordered.len() > 1 {
        let leaf_first = ordered.first().map(|e| e.file_index) == ordered.iter().map(|e| e.file_index).min();
        if !leaf_first {
            findings.push(Finding::localized(
                "chain_not_leaf_first",
                Severity::Info,
                crate::texts::finding::CHAIN_NOT_LEAF_FIRST.render(),
            ));
        }
    }
    findings
}

/// What the user should know about the file's protection and contents: legacy encryption or
/// password encoding, the password itself, bags not read, no key.
fn file_findings(state: &OpenState<'_>, has_key: bool) -> Vec<Finding> {
    let mut findings = Vec::new();
    if state.legacy {
        findings.push(Finding::localized(
            "legacy_encryption",
            Severity::Info,
            crate::texts::finding::LEGACY_ENCRYPTION.render(),
        ));
    }
    if state.encoding == PasswordEncoding::WidenedUtf8 {
        findings.push(Finding::localized(
            "legacy_password_encoding",
            Severity::Warning,
            crate::texts::finding::LEGACY_PASSWORD_ENCODING.render(),
        ));
    }
    if state.password.is_non_ascii() {
        findings.push(Finding::non_ascii_password());
    }
    if state.password.is_empty() && has_key {
        findings.push(empty_password_finding());
    }
    if state.ignored_bags > 0 {
        findings.push(Finding::localized(
            "ignored_bags",
            Severity::Info,
            crate::texts::finding::IgnoredBags { count: state.ignored_bags.into() }.render(),
        ));
    }
    if !has_key {
        findings.push(Finding::localized(
            "no_private_key",
            Severity::Warning,
            crate::texts::finding::NO_PRIVATE_KEY.render(),
        ));
    }
    findings
}

/// How the file is protected, as reported.
fn encryption_facts(state: &OpenState<'_>, mac: Mac, mac_iterations: u32) -> EncryptionFacts {
    EncryptionFacts {
        certificates: state.cert_scheme.unwrap_or_default(),
        key: state.key_scheme.unwrap_or_default(),
        mac,
        iterations: state.key_iterations.or(state.cert_iterations).unwrap_or(0),
        mac_iterations,
    }
}
