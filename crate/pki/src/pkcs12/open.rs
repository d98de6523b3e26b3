//! Reading a `.p12`: the PFX wrapper, encrypted and plain safes, bags and their attributes,
//! within the size and KDF-work limits. The bags read are handed to `assemble`.

use der::Decode as _;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::asn1::{self, Asn1Error, DerReader, tag};
use crate::findings::{Finding, Severity};
use crate::keys::{KeyError, PrivateKey};
use crate::limits::{MAX_BAG_NESTING, MAX_INPUT_BYTES, MAX_KDF_WORK, MAX_SAFE_BAGS};
use crate::password::{Derivation, Derived, Password};
use crate::pbe::{PbeError, PbeScheme};

use super::assemble::finish;
use super::check_password;
use super::error::Pkcs12Error;
use super::is;
use super::mac::{pbmac1_derivation, verify_mac};
use super::oid;
use super::report::{BagAttributes, Mac, OpenedPkcs12, Scheme};
use super::state::{BagKind, OpenState, RawBag};

/// Opens a `.p12` with a password. The file may cost at most [`MAX_KDF_WORK`] KDF iterations
/// in total.
pub fn open(input: &[u8], password: &Password) -> Result<OpenedPkcs12, Pkcs12Error> {
    open_within(input, password, MAX_KDF_WORK)
}

/// [`open`] with a smaller total KDF budget (iterations, summed over every derivation and
/// retry; capped at [`MAX_KDF_WORK`]), for callers that must answer quickly, such as the fuzz
/// harness, where a timeout has to mean a parser bug rather than the budgeted KDF work.
pub fn open_within(input: &[u8], password: &Password, kdf_budget: u64) -> Result<OpenedPkcs12, Pkcs12Error> {
    check_password(password)?;
    let kdf_budget = kdf_budget.min(MAX_KDF_WORK);
    with_pfx(input, |auth_safe, mac_data| open_pfx(auth_safe, mac_data, password, kdf_budget))
}

/// Checks `password` against the MAC only, without decrypting anything: a wrong password
/// fails here. Returns the MAC key's derivation and output, so that a following [`open`] with
/// [`Password::with_derived`] does not derive it again. `None` when the file has no MAC.
pub fn check_mac(input: &[u8], password: &Password) -> Result<Option<Derived>, Pkcs12Error> {
    check_mac_within(input, password, MAX_KDF_WORK)
}

/// [`check_mac`] with a smaller KDF budget, as [`open_within`].
pub fn check_mac_within(input: &[u8], password: &Password, kdf_budget: u64) -> Result<Option<Derived>, Pkcs12Error> {
    check_password(password)?;
    let kdf_budget = kdf_budget.min(MAX_KDF_WORK);
    with_pfx(input, |auth_safe, mac_data| {
        let Some(mac_data) = mac_data else { return Ok(None) };
        let mut state = OpenState::new(password, kdf_budget);
        verify_mac(mac_data, auth_safe, &mut state)?;
        Ok(state.mac_derived.take())
    })
}

/// The PBKDF2 derivations opening `input` will need that can be read without the password:
/// PBMAC1's, each encrypted safe's and each shrouded key bag's in a plain safe (bags inside an
/// encrypted safe are out of sight until it is decrypted). Empty for the PKCS#12 schemes and
/// for anything unreadable: [`open`] reports the errors.
pub fn pbkdf2_derivations(input: &[u8]) -> Vec<Derivation> {
    let mut out = Vec::new();
    let _ = with_pfx(input, |auth_safe, mac_data| {
        if let Some(d) = mac_data.and_then(pbmac1_derivation) {
            out.push(d);
        }
        let auth_der = asn1::ber_to_der(auth_safe)?;
        let mut cis = DerReader::new(&auth_der).sequence()?;
        while !cis.is_empty() {
            let mut ci = cis.sequence()?;
            let ct = ci.oid()?;
            let content = ci.expect(tag::CONTEXT_0_CONSTRUCTED)?.value;
            if is(ct, oid::ENCRYPTED_DATA) {
                let mut ed = DerReader::new(content).sequence()?;
                ed.uint()?;
                let mut eci = ed.sequence()?;
                eci.oid()?;
                out.extend(PbeScheme::parse(&mut eci.sequence()?)?.pbkdf2_derivation());
            } else if is(ct, oid::DATA) {
                let safe = asn1::ber_to_der(DerReader::new(content).octet_string()?)?;
                let mut bags = DerReader::new(&safe).sequence()?;
                while !bags.is_empty() {
                    let mut bag = bags.sequence()?;
                    if is(bag.oid()?, oid::SHROUDED_KEY_BAG) {
                        let epki =
                            DerReader::new(bag.expect(tag::CONTEXT_0_CONSTRUCTED)?.value).expect(tag::SEQUENCE)?;
                        let scheme = PbeScheme::parse(&mut DerReader::new(epki.value).sequence()?)?;
                        out.extend(scheme.pbkdf2_derivation());
                    }
                }
            }
        }
        Ok(())
    });
    out.dedup();
    out
}

/// Whether the bytes start like a PFX (`SEQUENCE { INTEGER 3, ...`), however the rest reads.
pub fn looks_like_pkcs12(input: &[u8]) -> bool {
    // PFX ::= SEQUENCE { INTEGER 3, ... }: 30 len 02 01 03.
    let body = match input {
        [0x30, 0x80, rest @ ..] => rest,
        [0x30, l, rest @ ..] if *l < 0x80 => rest,
        [0x30, l, rest @ ..] => rest.get(usize::from(l & 0x7f)..).unwrap_or(&[]),
        _ => return false,
    };
    body.starts_with(&[0x02, 0x01, 0x03])
}

/// Unwraps the PFX around `f`: size limits, PEM armour, BER, version and content type.
/// `f` gets the authenticated safe's bytes and the MacData's content.
pub(super) fn with_pfx<T>(
    input: &[u8],
    f: impl FnOnce(&[u8], Option<&[u8]>) -> Result<T, Pkcs12Error>,
) -> Result<T, Pkcs12Error> {
    if input.is_empty() {
        return Err(Pkcs12Error::EmptyInput);
    }
    if input.len() > MAX_INPUT_BYTES {
        return Err(Pkcs12Error::TooLarge { size: input.len(), limit: MAX_INPUT_BYTES });
    }
    // A PEM-armoured PKCS12 is rare but exists; anything else textual is not ours.
    let unarmoured;
    let input = if crate::pem::looks_like_text(input) {
        match crate::pem::find_blocks(input).into_iter().find(|b| b.label == "PKCS12") {
            Some(b) => {
                unarmoured = b.der;
                &unarmoured[..]
            }
            None => return Err(Pkcs12Error::NotPkcs12),
        }
    } else {
        input
    };
    if input[0] != tag::SEQUENCE {
        return Err(Pkcs12Error::NotPkcs12);
    }
    let der = asn1::ber_to_der(input).map_err(|e| match e {
        // It starts like a PFX: a damaged one (e.g. bytes appended after it), not another kind
        // of file (found comparing with pyca, which reads up to the end of the first object).
        Asn1Error::Malformed if looks_like_pkcs12(input) => Pkcs12Error::Corrupt { detail: "pfx encoding" },
        Asn1Error::Malformed => Pkcs12Error::NotPkcs12,
        other => other.into(),
    })?;

    // PFX ::= SEQUENCE { version INTEGER {v3(3)}, authSafe ContentInfo, macData MacData OPTIONAL }
    let mut r = DerReader::new(&der);
    let mut pfx = r.sequence().map_err(|_| Pkcs12Error::NotPkcs12)?;
    let version = pfx.uint().map_err(|_| Pkcs12Error::NotPkcs12)?;
    let mut auth_ci = pfx.sequence().map_err(|_| Pkcs12Error::NotPkcs12)?;
    let ct = auth_ci.oid().map_err(|_| Pkcs12Error::NotPkcs12)?;
    if is(ct, oid::SIGNED_DATA) {
        return Err(Pkcs12Error::UnsupportedAlgorithm { algorithm: "public-key integrity mode (signedData)".into() });
    }
    if !is(ct, oid::DATA) {
        return Err(Pkcs12Error::NotPkcs12);
    }
    if version != 3 {
        return Err(Pkcs12Error::Corrupt { detail: "pfx version" });
    }
    let auth_safe = DerReader::new(auth_ci.expect(tag::CONTEXT_0_CONSTRUCTED)?.value).octet_string()?;
    let mac_data = pfx.optional(tag::SEQUENCE)?;
    pfx.finish()?;
    f(auth_safe, mac_data.map(|m| m.value))
}

fn open_pfx(
    auth_safe: &[u8],
    mac_data: Option<&[u8]>,
    password: &Password,
    kdf_budget: u64,
) -> Result<OpenedPkcs12, Pkcs12Error> {
    let mut findings = Vec::new();
    let mut state = OpenState::new(password, kdf_budget);
    let (mac_name, mac_iterations) = match mac_data {
        Some(m) => verify_mac(m, auth_safe, &mut state)?,
        None => {
            findings.push(Finding::localized("no_mac", Severity::Warning, crate::texts::finding::NO_MAC.render()));
            (Mac::None, 0)
        }
    };

    let auth_der = asn1::ber_to_der(auth_safe)?;
    let mut seq = DerReader::new(&auth_der);
    let mut cis = seq.sequence()?;
    seq.finish()?;
    while !cis.is_empty() {
        let mut ci = cis.sequence()?;
        let ct = ci.oid()?;
        let content = ci.expect(tag::CONTEXT_0_CONSTRUCTED)?.value;
        ci.finish()?;
        if is(ct, oid::DATA) {
            let bytes = DerReader::new(content).octet_string()?;
            if state.cert_scheme.is_none() {
                state.cert_scheme = Some(Scheme::None);
            }
            read_safe_contents(bytes, &mut state, 0, None)?;
        } else if is(ct, oid::ENCRYPTED_DATA) {
            read_encrypted_data(content, &mut state)?;
        } else if is(ct, oid::ENVELOPED_DATA) {
            return Err(Pkcs12Error::UnsupportedAlgorithm {
                algorithm: "public-key privacy mode (envelopedData)".into(),
            });
        } else {
            return Err(Pkcs12Error::Corrupt { detail: "authenticated safe content type" });
        }
    }

    finish(state, findings, mac_name, mac_iterations)
}

/// Decrypts with the password encoding already found, or, with no MAC to tell, each
/// candidate in turn. A failure after the MAC verified means damage, not a wrong password.
pub(super) fn decrypt(
    scheme: &PbeScheme,
    data: &[u8],
    state: &mut OpenState<'_>,
) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    state.charge_kdf(scheme.kdf_work())?;
    // Without a verified MAC, only a plaintext of the right shape tells a right password
    // from one whose garbage passed the padding check; the next encoding may still be right.
    let mac_verified = state.mac_verified;
    let plausible = |p: &Zeroizing<Vec<u8>>| mac_verified || crate::asn1::is_one_sequence(p);
    match scheme.decrypt(state.password, &state.bmp, data) {
        Ok(p) if plausible(&p) => return Ok(p),
        Ok(_) => {}
        Err(PbeError::DecryptFailed) if state.mac_verified => {
            return Err(Pkcs12Error::Corrupt { detail: "bag decryption after mac" });
        }
        Err(PbeError::DecryptFailed) => {}
        Err(e) => return Err(e.into()),
    }
    if matches!(scheme, PbeScheme::Pkcs12 { .. }) {
        for (encoding, bmp) in state.password.bmp_alternatives() {
            state.charge_kdf(scheme.kdf_work())?;
            if let Some(p) = scheme.decrypt(state.password, &bmp, data).ok().filter(plausible) {
                state.bmp = bmp;
                state.encoding = encoding;
                return Ok(p);
            }
        }
    }
    Err(Pkcs12Error::WrongPassword)
}

fn read_encrypted_data(content: &[u8], state: &mut OpenState<'_>) -> Result<(), Pkcs12Error> {
    // EncryptedData ::= SEQUENCE { version, EncryptedContentInfo, [1] unprotectedAttrs OPTIONAL }
    let mut r = DerReader::new(content);
    let mut ed = r.sequence()?;
    ed.uint()?;
    let mut eci = ed.sequence()?;
    eci.oid()?;
    let scheme = PbeScheme::parse(&mut eci.sequence()?)?;
    let encrypted = match eci.read()? {
        t if t.tag == tag::CONTEXT_0_PRIMITIVE => t.value.to_vec(),
        // Constructed [0]: the BER normaliser left OCTET STRING chunks inside.
        t if t.tag == tag::CONTEXT_0_CONSTRUCTED => {
            let mut parts = DerReader::new(t.value);
            let mut joined = Vec::new();
            while !parts.is_empty() {
                joined.extend_from_slice(parts.octet_string()?);
            }
            joined
        }
        _ => return Err(Pkcs12Error::Corrupt { detail: "encrypted content" }),
    };
    state.legacy |= scheme.is_legacy();
    let plain = decrypt(&scheme, &encrypted, state)?;
    let normalised = asn1::ber_to_der(&plain).map_err(|e| match e {
        // Padding happened to look valid with a wrong password and no MAC to tell.
        Asn1Error::Malformed | Asn1Error::Truncated if !state.mac_verified => Pkcs12Error::WrongPassword,
        other => other.into(),
    })?;
    let before = state.bags.len();
    read_safe_contents(&normalised, state, 0, Some(&scheme))?;
    // The scheme protecting certificates is what the report calls "certificates".
    if state.bags[before..].iter().any(|b| matches!(b.kind, BagKind::Cert(_))) || state.cert_scheme.is_none() {
        state.cert_scheme = Some(Scheme::from(&scheme));
        state.cert_iterations = Some(scheme.iterations());
    }
    Ok(())
}

fn read_safe_contents(
    bytes: &[u8],
    state: &mut OpenState<'_>,
    depth: usize,
    outer: Option<&PbeScheme>,
) -> Result<(), Pkcs12Error> {
    if depth > MAX_BAG_NESTING {
        return Err(Pkcs12Error::LimitExceeded {
            what: "bag nesting",
            value: depth as u64,
            limit: MAX_BAG_NESTING as u64,
        });
    }
    let der = asn1::ber_to_der(bytes)?;
    let mut r = DerReader::new(&der);
    let mut bags = r.sequence()?;
    r.finish()?;
    while !bags.is_empty() {
        if state.bags.len() + state.ignored_bags >= MAX_SAFE_BAGS {
            return Err(Pkcs12Error::LimitExceeded {
                what: "bags",
                value: MAX_SAFE_BAGS as u64 + 1,
                limit: MAX_SAFE_BAGS as u64,
            });
        }
        let mut bag = bags.sequence()?;
        let bag_id = bag.oid()?;
        let value = bag.expect(tag::CONTEXT_0_CONSTRUCTED)?.value;
        let attributes = match bag.optional(tag::SET)? {
            Some(set) => read_attributes(set.value)?,
            None => BagAttributes::default(),
        };
        bag.finish()?;
        if is(bag_id, oid::CERT_BAG) {
            let mut cb = DerReader::new(value).sequence()?;
            let cert_type = cb.oid()?;
            if !is(cert_type, oid::X509_CERTIFICATE) {
                state.ignored_bags += 1;
                continue;
            }
            let der = DerReader::new(cb.expect(tag::CONTEXT_0_CONSTRUCTED)?.value).octet_string()?;
            let cert = Certificate::from_der(der).map_err(|_| Pkcs12Error::Corrupt { detail: "certificate" })?;
            if outer.is_none() && state.cert_scheme.is_none() {
                state.cert_scheme = Some(Scheme::None);
            }
            state.bags.push(RawBag { kind: BagKind::Cert(Box::new(cert)), attributes });
        } else if is(bag_id, oid::SHROUDED_KEY_BAG) {
            let mut r = DerReader::new(value);
            let epki = r.expect(tag::SEQUENCE)?;
            let mut alg_reader = DerReader::new(epki.value);
            let scheme = PbeScheme::parse(&mut alg_reader.sequence()?)?;
            state.legacy |= scheme.is_legacy();
            let encrypted = alg_reader.octet_string()?;
            let plain = decrypt(&scheme, encrypted, state)?;
            let key = PrivateKey::from_pkcs8_der(&plain).map_err(|e| match e {
                KeyError::Corrupt | KeyError::NotAKey if !state.mac_verified => Pkcs12Error::WrongPassword,
                other => other.into(),
            })?;
            state.key_iterations.get_or_insert(scheme.iterations());
            state.key_scheme.get_or_insert(Scheme::from(&scheme));
            state.bags.push(RawBag { kind: BagKind::Key(key), attributes });
        } else if is(bag_id, oid::KEY_BAG) {
            let key = PrivateKey::from_pkcs8_der(DerReader::new(value).expect(tag::SEQUENCE)?.raw)?;
            state.key_scheme.get_or_insert(outer.map_or(Scheme::None, Scheme::from));
            if let Some(s) = outer {
                state.key_iterations.get_or_insert(s.iterations());
            }
            state.bags.push(RawBag { kind: BagKind::Key(key), attributes });
        } else if is(bag_id, oid::SAFE_CONTENTS_BAG) {
            read_safe_contents(DerReader::new(value).expect(tag::SEQUENCE)?.raw, state, depth + 1, outer)?;
        } else {
            // CRL and secret bags carry nothing the user needs here.
            state.ignored_bags += 1;
        }
    }
    Ok(())
}

fn read_attributes(set: &[u8]) -> Result<BagAttributes, Pkcs12Error> {
    let mut out = BagAttributes::default();
    let mut r = DerReader::new(set);
    while !r.is_empty() {
        let mut attr = r.sequence()?;
        let id = attr.oid()?;
        let mut values = attr.nested(tag::SET)?;
        if values.is_empty() {
            continue;
        }
        let v = values.read()?;
        if is(id, oid::FRIENDLY_NAME) && v.tag == tag::BMP_STRING {
            out.friendly_name = asn1::decode_bmp(v.value);
        } else if is(id, oid::LOCAL_KEY_ID) && v.tag == tag::OCTET_STRING {
            out.local_key_id = Some(v.value.iter().map(|b| format!("{b:02x}")).collect());
        }
    }
    Ok(out)
}
