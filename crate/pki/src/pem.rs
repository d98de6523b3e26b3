//! Lenient PEM reading and strict PEM writing.
//!
//! People paste certificates out of e-mails and web pages: CRLF line endings, indentation,
//! text before and after, several blocks in a row. Reading tolerates all of that; writing
//! produces RFC 7468 output with 64-column lines and LF endings.

use base64ct::{Base64, Encoding as _};
use zeroize::Zeroizing;

/// One `-----BEGIN LABEL-----` ... `-----END LABEL-----` block, decoded.
#[derive(Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label, e.g. `CERTIFICATE`.
    pub label: String,
    /// The decoded bytes.
    pub der: Vec<u8>,
}

impl core::fmt::Debug for PemBlock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "PemBlock({}, {} bytes)", self.label, self.der.len())
    }
}

/// Whether the bytes look like text (so a failed PEM parse should not be retried as DER).
pub fn looks_like_text(input: &[u8]) -> bool {
    !input.is_empty()
        && input
            .iter()
            .take(512)
            .all(|&b| b == b'\t' || b == b'\n' || b == b'\r' || (0x20..0x7f).contains(&b) || b >= 0x80)
        && core::str::from_utf8(input).is_ok()
}

/// Every well-formed PEM block in `input`, in order. Malformed blocks are skipped.
pub fn find_blocks(input: &[u8]) -> Vec<PemBlock> {
    let Ok(text) = core::str::from_utf8(input) else { return Vec::new() };
    let mut blocks = Vec::new();
    let mut current: Option<(String, Zeroizing<String>)> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
            current = Some((label.trim().to_owned(), Zeroizing::new(String::new())));
        } else if let Some(label) = line.strip_prefix("-----END ").and_then(|l| l.strip_suffix("-----")) {
            if let Some((open, body)) = current.take()
                && open == label.trim()
                && let Ok(der) = Base64::decode_vec(&body)
            {
                blocks.push(PemBlock { label: open, der });
            }
        } else if let Some((_, body)) = current.as_mut() {
            // RFC 1421 headers (Proc-Type, DEK-Info) are not base64; skip them.
            if !line.contains(':') {
                body.push_str(line);
            }
        }
    }
    blocks
}

/// Encodes one PEM block.
pub fn encode(label: &str, der: &[u8]) -> String {
    let b64 = Zeroizing::new(Base64::encode_string(der));
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + label.len() * 2 + 40);
    out.push_str("-----BEGIN ");
    out.push_str(label);
    out.push_str("-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        // base64 output is ASCII, so every chunk is valid UTF-8.
        out.push_str(core::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

/// Whether `needle` occurs in `text` (an empty needle always does, as with `str::contains`).
/// Not `str::contains`: its two-way searcher is generic, so each crate that calls it compiled its
/// own ~1.4 KB copy into the wasm; the labels and names searched here are short.
pub fn mentions(text: &str, needle: &str) -> bool {
    needle.is_empty() || text.as_bytes().windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    #[test]
    fn blocks_are_found_in_pasted_mail_text() {
        let a = encode("CERTIFICATE", &[1, 2, 3]);
        let b = encode("CERTIFICATE", &[4; 100]);
        let pasted = format!("Dear customer,\r\n  {}\r\n\r\nand the CA:\n{}thanks", a.replace('\n', "\r\n  "), b);
        let blocks = find_blocks(pasted.as_bytes());
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].der, [1, 2, 3]);
        assert_eq!(blocks[1].der, [4; 100]);
    }

    #[test]
    fn mismatched_or_broken_blocks_are_skipped() {
        let text =
            "-----BEGIN CERTIFICATE-----\nAQID\n-----END PRIVATE KEY-----\n-----BEGIN X-----\n!!!\n-----END X-----\n";
        assert!(find_blocks(text.as_bytes()).is_empty());
        assert!(find_blocks(&[0xff, 0xfe, 0x00]).is_empty());
    }

    #[test]
    fn lines_are_64_columns() {
        let pem = encode("CERTIFICATE", &[0u8; 200]);
        assert!(pem.lines().all(|l| l.len() <= 64 || l.starts_with("-----")));
    }
}
