//! Lower-case hex, the one encoding of hashes and MACs in this crate's text (log references,
//! fingerprints, token and code hashes, webhook signatures). A leaf: it uses no other module.

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
