//! The "certs-only" PKCS#7 / CMS SignedData of RFC 7030 (EST) section 4.1.3: a SignedData with
//! no content and no signers, only certificates. Read and written here with a small DER walker
//! rather than a CMS library, because nothing else of CMS is needed.

use crate::texts;
use inkan::i18n::{Localized, Message};

/// id-signedData (1.2.840.113549.1.7.2), DER content octets.
const ID_SIGNED_DATA: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// id-data (1.2.840.113549.1.7.1), DER content octets.
const ID_DATA: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];

/// Why a certs-only message could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkcs7Error {
    /// Not a DER SignedData with certificates.
    Malformed,
    /// A SignedData without any certificate.
    NoCertificates,
}

impl core::fmt::Display for Pkcs7Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for Pkcs7Error {}

impl Localized for Pkcs7Error {
    fn code(&self) -> &'static str {
        match self {
            Pkcs7Error::Malformed => "pkcs7_malformed",
            Pkcs7Error::NoCertificates => "pkcs7_no_certificates",
        }
    }
    fn message(&self) -> Message {
        match self {
            Pkcs7Error::Malformed => texts::pkcs7::PKCS7_MALFORMED.render(),
            Pkcs7Error::NoCertificates => texts::pkcs7::PKCS7_NO_CERTIFICATES.render(),
        }
    }
}

fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len.to_be_bytes().iter().copied().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// Encodes certificates (DER, leaf first) as a certs-only SignedData.
pub fn encode_certs_only(certificates: &[Vec<u8>]) -> Vec<u8> {
    let signed_data = tlv(
        0x30,
        &[
            tlv(0x02, &[1]),                 // version 1
            tlv(0x31, &[]),                  // digestAlgorithms: none
            tlv(0x30, &tlv(0x06, &ID_DATA)), // encapContentInfo: id-data, no content
            tlv(0xa0, &certificates.concat()),
            tlv(0x31, &[]), // signerInfos: none
        ]
        .concat(),
    );
    tlv(0x30, &[tlv(0x06, &ID_SIGNED_DATA), tlv(0xa0, &signed_data)].concat())
}

/// One DER element: (tag, content, whole element, rest).
type Element<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

fn next(input: &[u8]) -> Result<Element<'_>, Pkcs7Error> {
    let (&tag, rest) = input.split_first().ok_or(Pkcs7Error::Malformed)?;
    let (&first, rest) = rest.split_first().ok_or(Pkcs7Error::Malformed)?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        // Definite lengths of at most 4 bytes (4 GiB); indefinite BER lengths are refused.
        if n == 0 || n > 4 || rest.len() < n {
            return Err(Pkcs7Error::Malformed);
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return Err(Pkcs7Error::Malformed);
    }
    let header = input.len() - rest.len();
    Ok((tag, &rest[..len], &input[..header + len], &rest[len..]))
}

/// The certificates (DER) of a certs-only SignedData, in the order they appear.
pub fn decode_certs_only(der: &[u8]) -> Result<Vec<Vec<u8>>, Pkcs7Error> {
    let (tag, content_info, _, _) = next(der)?;
    if tag != 0x30 {
        return Err(Pkcs7Error::Malformed);
    }
    let (tag, oid, _, rest) = next(content_info)?;
    if tag != 0x06 || oid != ID_SIGNED_DATA {
        return Err(Pkcs7Error::Malformed);
    }
    let (tag, explicit, _, _) = next(rest)?;
    if tag != 0xa0 {
        return Err(Pkcs7Error::Malformed);
    }
    let (tag, signed_data, _, _) = next(explicit)?;
    if tag != 0x30 {
        return Err(Pkcs7Error::Malformed);
    }
    // version, digestAlgorithms, encapContentInfo
    let (_, _, _, rest) = next(signed_data)?;
    let (_, _, _, rest) = next(rest)?;
    let (_, _, _, rest) = next(rest)?;
    let (tag, mut certs, _, _) = next(rest)?;
    if tag != 0xa0 {
        return Err(Pkcs7Error::NoCertificates);
    }
    let mut out = Vec::new();
    while !certs.is_empty() {
        let (tag, _, whole, rest) = next(certs)?;
        // CertificateChoices: only plain certificates (SEQUENCE); skip the other choices.
        if tag == 0x30 {
            out.push(whole.to_vec());
        }
        certs = rest;
    }
    if out.is_empty() {
        return Err(Pkcs7Error::NoCertificates);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_the_order() {
        let a = tlv(0x30, &[0x02, 0x01, 0x01]);
        let b = tlv(0x30, &vec![0x04; 300]);
        let der = encode_certs_only(&[a.clone(), b.clone()]);
        assert_eq!(decode_certs_only(&der), Ok(vec![a, b]));
    }

    #[test]
    fn refuses_other_content_and_empty_sets() {
        assert_eq!(decode_certs_only(&[0x30, 0x00]), Err(Pkcs7Error::Malformed));
        assert_eq!(decode_certs_only(&encode_certs_only(&[])), Err(Pkcs7Error::NoCertificates));
        assert_eq!(decode_certs_only(b"garbage"), Err(Pkcs7Error::Malformed));
    }
}
