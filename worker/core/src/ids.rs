//! Application ids: 144 random bits, base64url without padding (24 characters), so ids can
//! be neither guessed nor enumerated and are safe in URLs.

use base64ct::{Base64UrlUnpadded, Encoding as _};

/// Random bytes in an id (≥ 128 bits as required, rounded up to a multiple of 3 bytes so the
/// base64 text has no partial group).
pub const ID_BYTES: usize = 18;

/// A fresh application id.
pub fn new_id<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> String {
    let mut bytes = [0u8; ID_BYTES];
    rng.fill_bytes(&mut bytes);
    Base64UrlUnpadded::encode_string(&bytes)
}

/// A short, stable reference to an id for logs: the first 12 hex digits of a SHA-256 over it.
/// An id is the applicant's capability (anyone holding it sees the status and may try
/// passwords), so info-level logs never carry it; an operator who has the id can compute the
/// reference to find its lines.
pub fn log_ref(id: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest([b"inkan-log:".as_slice(), id.as_bytes()].concat());
    crate::hex::hex(&digest[..6])
}

/// Whether a path segment has the shape of an id (checked before any store look-up).
pub fn is_valid_id(text: &str) -> bool {
    text.len() == 24 && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_24_url_safe_characters_and_differ() {
        let a = new_id(&mut inkan::os_rng());
        let b = new_id(&mut inkan::os_rng());
        assert!(is_valid_id(&a) && is_valid_id(&b));
        assert_ne!(a, b);
        assert!(!is_valid_id("../../etc/passwd"));
        assert!(!is_valid_id("short"));
        assert_eq!(log_ref(&a).len(), 12);
        assert!(!a.contains(&log_ref(&a)));
    }
}
