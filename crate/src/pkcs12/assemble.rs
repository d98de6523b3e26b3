//! From the bags read to an [`OpenedPkcs12`]: which key and which certificate are the user's,
//! the chain in order, and the findings about what was found.

use crate::findings::{Finding, Severity};
use crate::password::PasswordEncoding;

use super::build::empty_password_finding;
use super::error::Pkcs12Error;
use super::report::{BagAttributes, CertificateEntry, EncryptionFacts, Mac, OpenedPkcs12, Role};
use super::state::{BagKind, OpenState};

pub(super) fn finish(
    state: OpenState<'_>,
    mut findings: Vec<Finding>,
    mac: Mac,
    mac_iterations: u32,
) -> Result<OpenedPkcs12, Pkcs12Error> {
    let mut keys = Vec::new();
    let mut certs = Vec::new();
    for (i, bag) in state.bags.into_iter().enumerate() {
        match bag.kind {
            BagKind::Key(k) => keys.push((k, bag.attributes)),
            BagKind::Cert(c) => certs.push((*c, bag.attributes, i)),
        }
    }
    // The leaf: the certificate of a key in the file; else one that issued nothing else.
    let mut key_index = None;
    let mut leaf_index = None;
    'outer: for (ki, (k, _)) in keys.iter().enumerate() {
        let pk = k.public_key();
        for (ci, (c, _, _)) in certs.iter().enumerate() {
            if crate::x509::public_key(c).as_ref() == Some(&pk) {
                key_index = Some(ki);
                leaf_index = Some(ci);
                break 'outer;
            }
        }
    }
    if leaf_index.is_none() {
        leaf_index = certs.iter().position(|(c, _, _)| {
            !certs.iter().any(|(o, _, _)| o != c && o.tbs_certificate().issuer() == c.tbs_certificate().subject())
        });
    }
    if !keys.is_empty() && key_index.is_none() && !certs.is_empty() {
        findings.push(Finding::new(
            "key_certificate_mismatch",
            Severity::Error,
            "ファイル内の秘密鍵が、どの証明書とも対応していません。このファイルではメールの署名・復号やログインができません。",
            "The private key in this file matches none of its certificates. This file cannot sign, decrypt or log in.",
        ));
    }
    if keys.len() > 1 {
        findings.push(Finding::new(
            "multiple_keys",
            Severity::Info,
            format!("秘密鍵が {} 個入っています。証明書に対応する鍵を使います。", keys.len()),
            format!("The file holds {} private keys; the one matching the certificate is used.", keys.len()),
        ));
    }
    let (key, key_attributes) = match key_index.or(if keys.is_empty() { None } else { Some(0) }) {
        Some(i) => {
            let (k, a) = keys.swap_remove(i);
            (Some(k), a)
        }
        None => (None, BagAttributes::default()),
    };

    // Order: leaf, then issuers by name, then the rest.
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
    if unrelated > 0 {
        findings.push(Finding::new(
            "unrelated_certificates",
            Severity::Info,
            format!("本人の証明書の発行経路に含まれない証明書が {unrelated} 枚入っています。"),
            format!("{unrelated} certificate(s) in the file are not part of the leaf's chain."),
        ));
    }
    if ordered.len() > 1 {
        let mut file_order: Vec<usize> = ordered.iter().map(|e| e.file_index).collect();
        let leaf_first = ordered.first().map(|e| e.file_index) == file_order.iter().min().copied();
        file_order.sort_unstable();
        if !leaf_first {
            findings.push(Finding::new(
                "chain_not_leaf_first",
                Severity::Info,
                "ファイル内の証明書が「本人の証明書が先頭」の順になっていません。多くのソフトは問題ありませんが、一部の古いソフトは別の証明書を本人のものと誤認します。再パックすると順序を直せます。",
                "The certificates in the file are not in leaf-first order. Most software copes, but some older software picks the wrong certificate. Re-packing fixes the order.",
            ));
        }
    }

    if state.legacy {
        findings.push(Finding::new(
            "legacy_encryption",
            Severity::Info,
            "古い暗号方式(3DES/RC2 と SHA-1)で保護されています。Mac・iPhone・Android・古い Windows との互換性のための方式です。Windows 10/11 や Firefox だけで使うなら、新しい方式(AES)への再パックで安全性が上がります。",
            "The file is protected with legacy encryption (3DES/RC2 and SHA-1), chosen for Mac, iPhone, Android and older Windows. If you only use Windows 10/11 or Firefox, re-packing with the modern profile (AES) is safer.",
        ));
    }
    if state.encoding == PasswordEncoding::WidenedUtf8 {
        findings.push(Finding::new(
            "legacy_password_encoding",
            Severity::Warning,
            "パスワードが古い方式で符号化されていました(OpenSSL 1.0 以前など)。他のソフトでは開けない可能性があるため、再パックをおすすめします。",
            "The password was encoded the old way (OpenSSL 1.0 and earlier). Other software may fail to open this file; re-pack it.",
        ));
    }
    if state.password.is_non_ascii() {
        findings.push(Finding::non_ascii_password());
    }
    if state.password.is_empty() && key.is_some() {
        findings.push(empty_password_finding());
    }
    if state.ignored_bags > 0 {
        findings.push(Finding::new(
            "ignored_bags",
            Severity::Info,
            format!("証明書・鍵以外のデータが {} 個入っていましたが、使いません。", state.ignored_bags),
            format!("{} items other than keys and certificates were ignored.", state.ignored_bags),
        ));
    }
    if key.is_none() {
        findings.push(Finding::new(
            "no_private_key",
            Severity::Warning,
            "秘密鍵が入っていません。このファイルだけでは署名・復号・ログインはできません。",
            "The file contains no private key; it cannot be used to sign, decrypt or log in on its own.",
        ));
    }

    let iterations = state.key_iterations.or(state.cert_iterations).unwrap_or(0);
    let encryption = EncryptionFacts {
        certificates: state.cert_scheme.unwrap_or_default(),
        key: state.key_scheme.unwrap_or_default(),
        mac,
        iterations,
        mac_iterations,
    };
    let other_keys = keys.into_iter().map(|(k, _)| k).collect();
    Ok(OpenedPkcs12 {
        key,
        key_attributes,
        certificates: ordered,
        encryption,
        findings,
        other_keys,
        ignored_bags: state.ignored_bags,
    })
}
