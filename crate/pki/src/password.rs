//! Passwords and PINs, held so they do not linger in memory.

use zeroize::{Zeroize, Zeroizing};

use crate::kdf::{Hash, KdfPurpose};

/// A password or PIN typed by a person. Zeroized on drop; `Debug` prints nothing of it.
///
/// It may also carry key-derivation outputs of itself computed elsewhere ahead of time
/// ([`Password::with_derived`]): the browser's native PBKDF2 in WebCrypto is about three times
/// faster than PBKDF2 compiled to wasm, and runs on another thread while the wasm computes the
/// PKCS#12 MAC key, which WebCrypto cannot.
#[derive(Default, Zeroize)]
#[zeroize(drop)]
pub struct Password {
    text: String,
    // Each output is `Zeroizing` and wiped on drop by itself.
    #[zeroize(skip)]
    derived: Vec<Derived>,
}

// Not derived: a derived `clone` is `#[inline]`, so each crate that clones a password (the
// bindings, the inspector) compiled its own copy into the wasm. One out-of-line copy, here.
impl Clone for Password {
    #[inline(never)]
    fn clone(&self) -> Self {
        Self { text: self.text.clone(), derived: self.derived.clone() }
    }
}

/// A derivation and its output.
pub type Derived = (Derivation, Zeroizing<Vec<u8>>);

/// One key derivation of a password: the inputs besides the password itself.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Derivation {
    /// PBKDF2 (RFC 8018) over the password's UTF-8 bytes, as PBES2 and PBMAC1 use it.
    Pbkdf2 {
        /// The HMAC hash.
        prf: Hash,
        /// The salt.
        salt: Vec<u8>,
        /// The iteration count.
        iterations: u32,
        /// Output length in bytes.
        len: usize,
    },
    /// The PKCS#12 KDF (RFC 7292 appendix B) over one encoding of the password.
    Pkcs12 {
        /// The hash.
        hash: Hash,
        /// The encoded password bytes (BMPString or one of the alternatives real tools use).
        encoded: Zeroizing<Vec<u8>>,
        /// The salt.
        salt: Vec<u8>,
        /// The diversifier (key, IV or MAC).
        purpose: KdfPurpose,
        /// The iteration count.
        iterations: u32,
        /// Output length in bytes.
        len: usize,
    },
}

impl Derivation {
    /// Computes the derivation here, in this process (or wasm module).
    pub fn compute(&self, password: &Password) -> Zeroizing<Vec<u8>> {
        match self {
            Derivation::Pbkdf2 { prf, salt, iterations, len } => {
                let mut out = Zeroizing::new(vec![0u8; *len]);
                prf.pbkdf2(password.utf8(), salt, *iterations, &mut out);
                out
            }
            Derivation::Pkcs12 { hash, encoded, salt, purpose, iterations, len } => {
                hash.pkcs12_kdf(encoded, salt, *purpose, *iterations, *len)
            }
        }
    }
}

impl core::fmt::Debug for Password {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Password([elided])")
    }
}

impl Password {
    /// Takes ownership of the text. Line endings at the end are *not* removed here: the
    /// CLI strips a single trailing newline from password files, the browser never adds one.
    pub fn new(text: impl Into<String>) -> Self {
        Self { text: text.into(), derived: Vec::new() }
    }

    /// Adds a derivation of this password computed elsewhere (e.g. by WebCrypto). It is used
    /// in place of computing the same derivation here. A wrong `output` makes decryption fail
    /// like a wrong password would: callers that delegate retry without it.
    pub fn with_derived(mut self, derivation: Derivation, output: Zeroizing<Vec<u8>>) -> Self {
        self.derived.push((derivation, output));
        self
    }

    /// The same password without any derivations computed elsewhere.
    pub fn without_derived(&self) -> Self {
        Self::new(self.text.clone())
    }

    /// The output of `derivation`: carried along if it was computed ahead, else computed now.
    pub(crate) fn derive(&self, derivation: &Derivation) -> Zeroizing<Vec<u8>> {
        match self.derived.iter().find(|(d, _)| d == derivation) {
            Some((_, out)) => out.clone(),
            None => derivation.compute(self),
        }
    }

    /// PBKDF2 of this password's UTF-8 bytes (precomputed when available).
    pub(crate) fn pbkdf2(&self, prf: Hash, salt: &[u8], iterations: u32, out: &mut [u8]) {
        let d = Derivation::Pbkdf2 { prf, salt: salt.to_vec(), iterations, len: out.len() };
        out.copy_from_slice(&self.derive(&d));
    }

    /// The PKCS#12 KDF over `encoded` (an encoding of this password; precomputed when available).
    pub(crate) fn pkcs12_kdf(
        &self,
        hash: Hash,
        encoded: &[u8],
        salt: &[u8],
        purpose: KdfPurpose,
        iterations: u32,
        len: usize,
    ) -> Zeroizing<Vec<u8>> {
        if self.derived.is_empty() {
            return hash.pkcs12_kdf(encoded, salt, purpose, iterations, len);
        }
        self.derive(&Derivation::Pkcs12 {
            hash,
            encoded: Zeroizing::new(encoded.to_vec()),
            salt: salt.to_vec(),
            purpose,
            iterations,
            len,
        })
    }

    /// The password as UTF-8 text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether any character is outside ASCII. Java keytool refuses such passwords
    /// ("Password is not ASCII"), so the product warns before a user picks one.
    pub fn is_non_ascii(&self) -> bool {
        !self.text.is_ascii()
    }

    /// Whether the password is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Length in characters.
    pub fn char_len(&self) -> usize {
        self.text.chars().count()
    }

    /// The bytes PBES2/PBKDF2 takes: UTF-8, as OpenSSL, NSS and Python `cryptography` do.
    pub(crate) fn utf8(&self) -> &[u8] {
        self.text.as_bytes()
    }

    /// The bytes the PKCS#12 KDF takes (RFC 7292 appendix B.1): BMPString, UTF-16BE with a
    /// terminating NUL. An empty password is the two NUL bytes alone.
    pub(crate) fn bmp(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.text.len() * 2 + 2));
        for unit in self.text.encode_utf16() {
            out.extend_from_slice(&unit.to_be_bytes());
        }
        out.extend_from_slice(&[0, 0]);
        out
    }

    /// Other byte strings that real tools have fed the PKCS#12 KDF for this password, tried
    /// only after [`Password::bmp`] failed: a truly empty string (OpenSSL's NULL password)
    /// and each UTF-8 byte widened to 16 bits (OpenSSL before 1.1.0 and some Windows tools).
    pub(crate) fn bmp_alternatives(&self) -> Vec<(PasswordEncoding, Zeroizing<Vec<u8>>)> {
        let mut alts = Vec::new();
        if self.text.is_empty() {
            alts.push((PasswordEncoding::Absent, Zeroizing::new(Vec::new())));
        } else if !self.text.is_ascii() {
            let mut widened = Zeroizing::new(Vec::with_capacity(self.text.len() * 2 + 2));
            for &b in self.text.as_bytes() {
                widened.extend_from_slice(&[0, b]);
            }
            widened.extend_from_slice(&[0, 0]);
            alts.push((PasswordEncoding::WidenedUtf8, widened));
        }
        alts
    }
}

/// How a password was turned into bytes for the PKCS#12 KDF.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordEncoding {
    /// RFC 7292: BMPString with a terminating NUL. What we write.
    Bmp,
    /// No bytes at all: OpenSSL's "no password", distinct from the empty string.
    Absent,
    /// UTF-8 bytes widened one by one: pre-1.1.0 OpenSSL's reading of non-ASCII passwords.
    WidenedUtf8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::test;

    #[test]
    fn bmp_encoding_follows_rfc7292() {
        assert_eq!(&*Password::new("").bmp(), &[0, 0]);
        assert_eq!(&*Password::new("ab").bmp(), &[0, b'a', 0, b'b', 0, 0]);
        // 秘 is U+79D8; 𠮷 is outside the BMP and becomes a surrogate pair.
        assert_eq!(&*Password::new("秘").bmp(), &[0x79, 0xd8, 0, 0]);
        assert_eq!(&*Password::new("𠮷").bmp(), &[0xd8, 0x42, 0xdf, 0xb7, 0, 0]);
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = Password::new("hunter2-秘密");
        let shown = format!("{p:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn non_ascii_is_detected_for_the_keytool_warning() {
        assert!(Password::new("秘密のパスワード").is_non_ascii());
        assert!(!Password::new("correct horse").is_non_ascii());
    }
}
