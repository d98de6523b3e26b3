//! A deliberately small ASN.1 reader and writer for the PKCS#12 envelope.
//!
//! PKCS#12 files in the wild are often BER, not DER: NSS streams indefinite lengths and
//! Windows splits OCTET STRINGs into constructed chunks. The `der` crate rightly refuses both,
//! so the envelope is first re-encoded to DER here ([`ber_to_der`]), with hard limits on depth
//! and size, and then read with a strict [`DerReader`]. Certificates and keys inside are still
//! decoded by the RustCrypto crates.

use crate::limits::{MAX_ASN1_DEPTH, MAX_INPUT_BYTES};

/// Why an encoding could not be read. Callers map these onto their own module's error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Asn1Error {
    /// The data ends before a length says it should.
    Truncated,
    /// A tag, length or value is malformed, or an expected element is missing.
    Malformed,
    /// Nesting deeper than [`MAX_ASN1_DEPTH`].
    TooDeep,
    /// A length beyond [`MAX_INPUT_BYTES`].
    TooLong,
}

impl Asn1Error {
    /// The `(what, value, limit)` of a limit this error reports, if it is one.
    pub(crate) fn limit(self) -> Option<(&'static str, u64, u64)> {
        match self {
            Asn1Error::TooDeep => Some(("nesting", MAX_ASN1_DEPTH as u64 + 1, MAX_ASN1_DEPTH as u64)),
            Asn1Error::TooLong => Some(("length", MAX_INPUT_BYTES as u64 + 1, MAX_INPUT_BYTES as u64)),
            _ => None,
        }
    }
}

pub(crate) type Result<T> = core::result::Result<T, Asn1Error>;

/// Universal tags used by PKCS#12.
pub(crate) mod tag {
    pub const INTEGER: u8 = 0x02;
    pub const OCTET_STRING: u8 = 0x04;
    pub const NULL: u8 = 0x05;
    pub const OID: u8 = 0x06;
    pub const UTF8_STRING: u8 = 0x0c;
    pub const PRINTABLE_STRING: u8 = 0x13;
    pub const IA5_STRING: u8 = 0x16;
    pub const BMP_STRING: u8 = 0x1e;
    pub const SEQUENCE: u8 = 0x30;
    pub const SET: u8 = 0x31;
    /// `[0]` constructed, context-specific (EXPLICIT tagging).
    pub const CONTEXT_0_CONSTRUCTED: u8 = 0xa0;
    /// `[0]` primitive, context-specific (IMPLICIT OCTET STRING).
    pub const CONTEXT_0_PRIMITIVE: u8 = 0x80;
}

/// One element read from DER: its identifier octet and its content octets.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    /// The whole element, header included (needed to hand certificates to x509-cert).
    pub raw: &'a [u8],
}

/// Reads the identifier and length octets. Returns (tag, header length, Some(content length))
/// or None for an indefinite length.
fn header(data: &[u8]) -> Result<(u8, usize, Option<usize>)> {
    let &first = data.first().ok_or(Asn1Error::Truncated)?;
    if first & 0x1f == 0x1f {
        // High tag numbers never occur in PKCS#12; refusing them keeps the reader simple.
        return Err(Asn1Error::Malformed);
    }
    let &len0 = data.get(1).ok_or(Asn1Error::Truncated)?;
    if len0 < 0x80 {
        return Ok((first, 2, Some(usize::from(len0))));
    }
    if len0 == 0x80 {
        return Ok((first, 2, None));
    }
    let n = usize::from(len0 & 0x7f);
    if n > 4 {
        return Err(Asn1Error::TooLong);
    }
    let bytes = data.get(2..2 + n).ok_or(Asn1Error::Truncated)?;
    let len = bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
    if len > MAX_INPUT_BYTES {
        return Err(Asn1Error::TooLong);
    }
    Ok((first, 2 + n, Some(len)))
}

/// A strict DER reader over a byte slice.
#[derive(Clone, Debug)]
pub(crate) struct DerReader<'a> {
    data: &'a [u8],
}

impl<'a> DerReader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Self { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn peek_tag(&self) -> Option<u8> {
        self.data.first().copied()
    }

    /// Reads any element.
    pub fn read(&mut self) -> Result<Tlv<'a>> {
        let (tag, hlen, len) = header(self.data)?;
        let len = len.ok_or(Asn1Error::Malformed)?;
        let end = hlen.checked_add(len).ok_or(Asn1Error::Malformed)?;
        if end > self.data.len() {
            return Err(Asn1Error::Truncated);
        }
        let raw = &self.data[..end];
        let value = &self.data[hlen..end];
        self.data = &self.data[end..];
        Ok(Tlv { tag, value, raw })
    }

    /// Reads an element that must carry `tag`.
    pub fn expect(&mut self, tag: u8) -> Result<Tlv<'a>> {
        let tlv = self.read()?;
        if tlv.tag == tag { Ok(tlv) } else { Err(Asn1Error::Malformed) }
    }

    /// Reads an element only if the next one carries `tag`.
    pub fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>> {
        if self.peek_tag() == Some(tag) { self.expect(tag).map(Some) } else { Ok(None) }
    }

    /// Enters a SEQUENCE (or any constructed element with `tag`).
    pub fn nested(&mut self, tag: u8) -> Result<DerReader<'a>> {
        Ok(DerReader::new(self.expect(tag)?.value))
    }

    pub fn sequence(&mut self) -> Result<DerReader<'a>> {
        self.nested(tag::SEQUENCE)
    }

    pub fn oid(&mut self) -> Result<&'a [u8]> {
        let v = self.expect(tag::OID)?.value;
        if v.is_empty() || v.last().is_some_and(|b| b & 0x80 != 0) {
            return Err(Asn1Error::Malformed);
        }
        Ok(v)
    }

    pub fn octet_string(&mut self) -> Result<&'a [u8]> {
        Ok(self.expect(tag::OCTET_STRING)?.value)
    }

    /// A non-negative INTEGER that fits in a u64.
    pub fn uint(&mut self) -> Result<u64> {
        let v = self.expect(tag::INTEGER)?.value;
        uint_value(v)
    }

    /// Fails unless everything was read: trailing data inside a structure is a sign of tampering.
    pub fn finish(&self) -> Result<()> {
        if self.data.is_empty() { Ok(()) } else { Err(Asn1Error::Malformed) }
    }
}

/// Whether `data` is exactly one DER SEQUENCE, as every decrypted PrivateKeyInfo and
/// SafeContents is: a wrong password passes the CBC padding check about once in 256 tries,
/// and what it yields is almost never one.
pub(crate) fn is_one_sequence(data: &[u8]) -> bool {
    let mut reader = DerReader::new(data);
    reader.sequence().is_ok() && reader.finish().is_ok()
}

/// Decodes the content octets of a non-negative INTEGER.
pub(crate) fn uint_value(v: &[u8]) -> Result<u64> {
    match v {
        [] => Err(Asn1Error::Malformed),
        [first, ..] if first & 0x80 != 0 => Err(Asn1Error::Malformed),
        _ => {
            let v = if v.len() > 1 && v[0] == 0 { &v[1..] } else { v };
            if v.len() > 8 {
                return Err(Asn1Error::TooLong);
            }
            Ok(v.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b)))
        }
    }
}

/// Re-encodes BER as DER as far as PKCS#12 needs: indefinite lengths become definite and
/// constructed OCTET STRINGs become primitive ones. Content octets are kept byte for byte, so
/// a MAC computed over an OCTET STRING's content still verifies afterwards.
pub(crate) fn ber_to_der(input: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(input.len());
    let used = convert(input, 0, &mut out)?;
    if used != input.len() {
        return Err(Asn1Error::Malformed);
    }
    Ok(out)
}

/// Converts one element from the start of `data`, returning how many input bytes it used.
fn convert(data: &[u8], depth: usize, out: &mut Vec<u8>) -> Result<usize> {
    if depth > MAX_ASN1_DEPTH {
        return Err(Asn1Error::TooDeep);
    }
    let (tag, hlen, len) = header(data)?;
    let constructed = tag & 0x20 != 0;
    if !constructed {
        let len = len.ok_or(Asn1Error::Malformed)?;
        let end = hlen.checked_add(len).ok_or(Asn1Error::Malformed)?;
        let value = data.get(hlen..end).ok_or(Asn1Error::Truncated)?;
        write_tlv(out, tag, value);
        return Ok(end);
    }
    // Constructed: convert the children into a scratch buffer, then write the header.
    let mut children = Vec::new();
    let mut pos = hlen;
    let end = match len {
        Some(len) => Some(hlen.checked_add(len).ok_or(Asn1Error::Malformed)?),
        None => None,
    };
    if let Some(end) = end
        && end > data.len()
    {
        return Err(Asn1Error::Truncated);
    }
    loop {
        match end {
            Some(end) if pos == end => break,
            Some(end) if pos > end => return Err(Asn1Error::Malformed),
            None if data.get(pos..pos + 2) == Some(&[0, 0]) => {
                pos += 2;
                break;
            }
            _ => {}
        }
        let slice = match end {
            Some(end) => &data[pos..end],
            None => data.get(pos..).ok_or(Asn1Error::Truncated)?,
        };
        if slice.is_empty() {
            return Err(Asn1Error::Truncated);
        }
        pos += convert(slice, depth + 1, &mut children)?;
    }
    // A constructed OCTET STRING (0x24) is the concatenation of its primitive parts.
    if tag == 0x24 {
        let mut joined = Vec::with_capacity(children.len());
        let mut r = DerReader::new(&children);
        while !r.is_empty() {
            joined.extend_from_slice(r.expect(tag::OCTET_STRING)?.value);
        }
        write_tlv(out, tag::OCTET_STRING, &joined);
    } else {
        write_tlv(out, tag, &children);
    }
    Ok(pos)
}

/// Appends a DER element.
pub(crate) fn write_tlv(out: &mut Vec<u8>, tag: u8, value: &[u8]) {
    out.push(tag);
    let len = value.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|&&b| b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(value);
}

/// Encodes one element.
pub(crate) fn tlv(tag: u8, value: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(value.len() + 6);
    write_tlv(&mut out, tag, value);
    out
}

/// Encodes a constructed element from already-encoded children.
pub(crate) fn constructed(tag: u8, children: &[&[u8]]) -> Vec<u8> {
    tlv(tag, &children.concat())
}

pub(crate) fn sequence(children: &[&[u8]]) -> Vec<u8> {
    constructed(tag::SEQUENCE, children)
}

/// A DER SET OF: elements sorted by their encodings (X.690 11.6).
pub(crate) fn set_of(mut children: Vec<Vec<u8>>) -> Vec<u8> {
    children.sort();
    tlv(tag::SET, &children.concat())
}

pub(crate) fn octet_string(value: &[u8]) -> Vec<u8> {
    tlv(tag::OCTET_STRING, value)
}

pub(crate) fn oid(content: &[u8]) -> Vec<u8> {
    tlv(tag::OID, content)
}

pub(crate) fn uint(value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = bytes.iter().take_while(|&&b| b == 0).count().min(7);
    let mut v = bytes[skip..].to_vec();
    if v[0] & 0x80 != 0 {
        v.insert(0, 0);
    }
    tlv(tag::INTEGER, &v)
}

/// A BMPString (UTF-16BE) value, as PKCS#12 friendlyName wants.
pub(crate) fn bmp_string(s: &str) -> Vec<u8> {
    let units: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
    tlv(tag::BMP_STRING, &units)
}

/// Decodes BMPString content (UTF-16BE) leniently: unpaired surrogates become U+FFFD.
pub(crate) fn decode_bmp(value: &[u8]) -> Option<String> {
    if !value.len().is_multiple_of(2) {
        return None;
    }
    let units = value.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
    Some(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    #[test]
    fn indefinite_lengths_and_chunked_octet_strings_become_der() {
        // SEQUENCE (indefinite) { OCTET STRING (constructed, indefinite) { "ab", "c" } }
        let ber = [0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0, 0];
        let der = ber_to_der(&ber).expect("valid BER");
        assert_eq!(der, [0x30, 0x05, 0x04, 0x03, b'a', b'b', b'c']);
    }

    #[test]
    fn der_passes_through_unchanged() {
        let der = sequence(&[&uint(600_000), &octet_string(&[1, 2, 3]), &bmp_string("山田")]);
        assert_eq!(ber_to_der(&der).expect("valid"), der);
        let mut r = DerReader::new(&der);
        let mut s = r.sequence().expect("sequence");
        assert_eq!(s.uint().expect("int"), 600_000);
        assert_eq!(s.octet_string().expect("os"), &[1, 2, 3]);
        assert_eq!(decode_bmp(s.expect(tag::BMP_STRING).expect("bmp").value).as_deref(), Some("山田"));
        s.finish().expect("fully read");
    }

    #[test]
    fn truncation_is_reported_as_truncated() {
        let der = sequence(&[&octet_string(&[0u8; 300])]);
        for cut in 1..der.len() {
            let err = ber_to_der(&der[..cut]).expect_err("truncated input must fail");
            assert_eq!(err, Asn1Error::Truncated, "cut at {cut}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let mut ber = Vec::new();
        for _ in 0..10_000 {
            ber.extend_from_slice(&[0x30, 0x80]);
        }
        assert_eq!(ber_to_der(&ber), Err(Asn1Error::TooDeep));
    }

    #[test]
    fn absurd_lengths_are_refused() {
        assert_eq!(ber_to_der(&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff]), Err(Asn1Error::TooLong));
        assert_eq!(ber_to_der(&[0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9]), Err(Asn1Error::TooLong));
    }

    #[test]
    fn integers_round_trip() {
        for v in [0u64, 1, 127, 128, 255, 256, 2048, 600_000, u64::from(u32::MAX)] {
            let enc = uint(v);
            assert_eq!(DerReader::new(&enc).uint().expect("int"), v);
        }
    }
}
