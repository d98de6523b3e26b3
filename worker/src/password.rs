//! The download password: generated in the applicant's browser, sent once at intake and once at
//! download (in POST bodies only), and stored here only as a salted PBKDF2-HMAC-SHA256 hash.
//!
//! 600,000 iterations is OWASP's 2023 figure for PBKDF2-HMAC-SHA256. The hash is encoded as a
//! PHC string `$pbkdf2-sha256$i=600000$<salt>$<hash>` (base64 without padding), so a future
//! change of the count still verifies old hashes. Comparison is constant-time.
//!
//! Deriving is behind [`Pbkdf2`] because each runtime has its own fastest route: native code on
//! a blocking thread, and on Workers WebCrypto where the runtime allows the iteration count
//! (workerd refuses more than 100,000 today, cloudflare/workerd#1346, so the Workers adapter
//! falls back to this module's software PBKDF2 in wasm; both give identical bytes).

use base64ct::{Base64Unpadded, Encoding as _};
use inkan::i18n::{Localized, Message};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

/// PBKDF2 iterations for new hashes.
pub const ITERATIONS: u32 = 600_000;
/// The fewest iterations a stored hash may claim (a tampered row cannot make checks cheap).
pub const MIN_ITERATIONS: u32 = 600_000;
/// The most iterations a stored hash may claim (a tampered row cannot make checks hang).
pub const MAX_ITERATIONS: u32 = 10_000_000;
/// Salt length in bytes.
pub const SALT_BYTES: usize = 16;
/// Derived key length in bytes.
pub const HASH_BYTES: usize = 32;
/// Shortest accepted download password. The browser generates at least 80 bits in readable
/// groups (e.g. 4 groups of 5 base32 characters = 100 bits); 16 characters leave room for that.
pub const MIN_PASSWORD_CHARS: usize = 16;
/// Longest accepted download password.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Password errors.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PasswordError {
    /// The password is shorter or longer than allowed.
    BadLength {
        /// Characters given.
        chars: usize,
    },
    /// A stored hash is not in the expected format.
    MalformedHash,
    /// The deriving backend failed.
    Backend {
        /// What failed.
        detail: String,
    },
}

impl core::fmt::Display for PasswordError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for PasswordError {}

impl Localized for PasswordError {
    fn code(&self) -> &'static str {
        match self {
            PasswordError::BadLength { .. } => "weak_download_password",
            PasswordError::MalformedHash => "internal_error",
            PasswordError::Backend { .. } => "internal_error",
        }
    }
    fn message(&self) -> Message {
        match self {
            PasswordError::BadLength { chars } => Message::new(
                format!(
                    "ダウンロードパスワードの長さ({chars} 文字)が正しくありません。{MIN_PASSWORD_CHARS}〜{MAX_PASSWORD_CHARS} 文字が必要です。ページが自動で作ったパスワードを使ってください。"
                ),
                format!(
                    "The download password has {chars} characters; {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} are required. Use the password the page generated."
                ),
            ),
            PasswordError::MalformedHash | PasswordError::Backend { .. } => Message::new(
                "サーバー内部でエラーが発生しました。しばらくしてからもう一度お試しください。",
                "An internal error occurred. Please try again later.",
            ),
        }
    }
}

/// Checks the length of a download password (in characters).
pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(PasswordError::BadLength { chars })
    }
}

/// Something that computes PBKDF2-HMAC-SHA256.
#[allow(async_fn_in_trait)] // see crate::http::HttpClient for why there is no Send bound
pub trait Pbkdf2 {
    /// Derives [`HASH_BYTES`] bytes.
    async fn derive(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<[u8; HASH_BYTES]>, PasswordError>;
}

/// PBKDF2 in software on the calling thread (the `pbkdf2` crate).
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftwarePbkdf2;

/// The software derivation, for adapters that move it to a thread of their own.
pub fn derive_in_software(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; HASH_BYTES]> {
    let mut out = Zeroizing::new([0u8; HASH_BYTES]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, out.as_mut());
    out
}

impl Pbkdf2 for SoftwarePbkdf2 {
    async fn derive(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<[u8; HASH_BYTES]>, PasswordError> {
        Ok(derive_in_software(password, salt, iterations))
    }
}

/// Hashes a new password with a fresh salt; returns the PHC string to store.
pub async fn hash_password<P: Pbkdf2, R: rand_core::CryptoRng + ?Sized>(
    kdf: &P,
    password: &str,
    rng: &mut R,
) -> Result<String, PasswordError> {
    let mut salt = [0u8; SALT_BYTES];
    rng.fill_bytes(&mut salt);
    let hash = kdf.derive(password.as_bytes(), &salt, ITERATIONS).await?;
    Ok(format!(
        "$pbkdf2-sha256$i={ITERATIONS}${}${}",
        Base64Unpadded::encode_string(&salt),
        Base64Unpadded::encode_string(hash.as_ref())
    ))
}

/// Whether `password` matches the stored PHC string (constant-time comparison).
pub async fn verify_password<P: Pbkdf2>(kdf: &P, password: &str, stored: &str) -> Result<bool, PasswordError> {
    let mut parts = stored.split('$');
    let (Some(""), Some("pbkdf2-sha256"), Some(params), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(PasswordError::MalformedHash);
    };
    let iterations: u32 = params.strip_prefix("i=").and_then(|i| i.parse().ok()).ok_or(PasswordError::MalformedHash)?;
    if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
        return Err(PasswordError::MalformedHash);
    }
    let salt = Base64Unpadded::decode_vec(salt).map_err(|_| PasswordError::MalformedHash)?;
    let expected = Base64Unpadded::decode_vec(hash).map_err(|_| PasswordError::MalformedHash)?;
    if expected.len() != HASH_BYTES {
        return Err(PasswordError::MalformedHash);
    }
    let derived = kdf.derive(password.as_bytes(), &salt, iterations).await?;
    Ok(bool::from(derived.as_ref().ct_eq(expected.as_slice())))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Runs a future that never waits (the software KDF and the memory store never do).
    pub(crate) fn block_on<F: core::future::Future>(future: F) -> F::Output {
        use core::task::{Context, Poll, Waker};
        let mut future = core::pin::pin!(future);
        let mut cx = Context::from_waker(Waker::noop());
        loop {
            if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
                return out;
            }
        }
    }

    #[test]
    fn a_hash_verifies_only_the_right_password_and_never_contains_it() {
        let password = "ABCDE-FGHJK-LMNPQ-RSTUV";
        let stored = block_on(hash_password(&SoftwarePbkdf2, password, &mut inkan::os_rng())).expect("hash");
        assert!(stored.starts_with("$pbkdf2-sha256$i=600000$"));
        assert!(!stored.contains(password));
        assert!(block_on(verify_password(&SoftwarePbkdf2, password, &stored)).expect("verify"));
        assert!(!block_on(verify_password(&SoftwarePbkdf2, "ABCDE-FGHJK-LMNPQ-RSTUW", &stored)).expect("verify"));
    }

    #[test]
    fn salts_differ_so_equal_passwords_give_different_hashes() {
        let a = block_on(hash_password(&SoftwarePbkdf2, "same password 123", &mut inkan::os_rng())).expect("hash");
        let b = block_on(hash_password(&SoftwarePbkdf2, "same password 123", &mut inkan::os_rng())).expect("hash");
        assert_ne!(a, b);
    }

    #[test]
    fn a_tampered_iteration_count_is_refused() {
        let cheap = "$pbkdf2-sha256$i=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(block_on(verify_password(&SoftwarePbkdf2, "x", cheap)), Err(PasswordError::MalformedHash));
        assert_eq!(block_on(verify_password(&SoftwarePbkdf2, "x", "plain")), Err(PasswordError::MalformedHash));
    }

    #[test]
    fn rfc_7914_pbkdf2_sha256_vector() {
        // RFC 7914 section 11: PBKDF2-HMAC-SHA-256 (P="passwd", S="salt", c=1, dkLen=64), first 32 bytes.
        let out = derive_in_software(b"passwd", b"salt", 1);
        assert_eq!(out[..4], [0x55, 0xac, 0x04, 0x6e]);
    }

    #[test]
    fn password_length_limits() {
        assert!(check_password("short").is_err());
        assert_eq!(check_password("short").expect_err("short").code(), "weak_download_password");
        assert!(check_password("ABCDE-FGHJK-LMNPQ").is_ok());
        assert!(check_password(&"x".repeat(257)).is_err());
    }
}
