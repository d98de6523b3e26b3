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
//!
//! **Client verifier ("server relief").** The site derives the slow hash itself, with WebCrypto
//! on the applicant's machine, and sends `{salt, iterations, hash: "SHA-256", derived}` instead
//! of the password. The server checks the parameters (16–64-byte salt, 600,000 to 10,000,000
//! iterations, 32-byte result) and stores `$pbkdf2-sha256-client$i=<n>$<salt>$<SHA-256(derived)>`.
//! A stolen database costs an attacker the same 600,000 PBKDF2 iterations per guess as the
//! server-side hash, and the stored SHA-256 is not the derived value, so it cannot be replayed
//! as a verifier. At download the client sends either the password (the server derives with the
//! stored salt and count, then hashes) or the derived value (the server only hashes); both are
//! compared in constant time. The server never sees the password on this path, so it cannot
//! check its length: the page generates it (100 bits).

use crate::texts;
use base64ct::{Base64Unpadded, Encoding as _};
use inkan::i18n::{Localized, Message};
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

/// PBKDF2 iterations for new hashes.
pub const ITERATIONS: u32 = 600_000;
/// The only count a client verifier may use and a stored hash may claim: the server never
/// derives more than its own count (a client-chosen 10,000,000 would cost ~25 s of server CPU
/// per wrong download password), and a tampered row cannot make checks cheap either. The
/// status view and `/api/health` publish it.
pub const MIN_ITERATIONS: u32 = ITERATIONS;
/// See [`MIN_ITERATIONS`].
pub const MAX_ITERATIONS: u32 = ITERATIONS;
/// Salt length in bytes.
pub const SALT_BYTES: usize = 16;
/// Derived key length in bytes.
pub const HASH_BYTES: usize = 32;
/// Shortest accepted download password. The browser generates at least 80 bits in readable
/// groups (e.g. 4 groups of 5 base32 characters = 100 bits); 16 characters leave room for that.
pub const MIN_PASSWORD_CHARS: usize = 16;
/// Longest accepted download password.
pub const MAX_PASSWORD_CHARS: usize = 256;
/// Shortest salt a client verifier may bring.
pub const MIN_CLIENT_SALT_BYTES: usize = 16;
/// Longest salt a client verifier may bring.
pub const MAX_CLIENT_SALT_BYTES: usize = 64;
/// PHC identifier of the server-side hash.
const SERVER_SCHEME: &str = "pbkdf2-sha256";
/// PHC identifier of a client verifier: PBKDF2-HMAC-SHA256 in the browser, SHA-256 here.
const CLIENT_SCHEME: &str = "pbkdf2-sha256-client";

/// Password errors.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DownloadPasswordError {
    /// The password is shorter or longer than allowed.
    BadLength {
        /// Characters given.
        chars: usize,
    },
    /// A stored hash is not in the expected format.
    MalformedHash,
    /// Every derivation slot stayed busy for too long: try again shortly.
    Busy,
    /// The deriving backend failed.
    Backend {
        /// What failed.
        detail: String,
    },
    /// A client verifier is malformed (bad base64, salt or result length, hash other than SHA-256).
    InvalidVerifier {
        /// Which field.
        field: &'static str,
    },
    /// A client verifier was derived with fewer iterations than the server's [`ITERATIONS`].
    VerifierIterations,
    /// A client verifier was derived with more iterations than the server's [`ITERATIONS`]:
    /// the server only ever derives its own count.
    VerifierIterationsUnsupported,
    /// A derived value was sent for an application whose hash was made on the server: send the
    /// password instead.
    VerifierNotAccepted,
}

impl core::fmt::Display for DownloadPasswordError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for DownloadPasswordError {}

impl Localized for DownloadPasswordError {
    fn code(&self) -> &'static str {
        match self {
            DownloadPasswordError::BadLength { .. } => "weak_download_password",
            DownloadPasswordError::MalformedHash => "internal_error",
            DownloadPasswordError::Backend { .. } => "internal_error",
            DownloadPasswordError::Busy => "server_busy",
            DownloadPasswordError::InvalidVerifier { .. } => "invalid_password_verifier",
            DownloadPasswordError::VerifierIterations => "weak_password_verifier",
            DownloadPasswordError::VerifierIterationsUnsupported => "unsupported_verifier_iterations",
            DownloadPasswordError::VerifierNotAccepted => "password_verifier_not_accepted",
        }
    }
    fn message(&self) -> Message {
        match self {
            DownloadPasswordError::BadLength { .. } => texts::download_password::WeakDownloadPassword {
                min: MIN_PASSWORD_CHARS.into(),
                max: MAX_PASSWORD_CHARS.into(),
            }
            .render(),
            DownloadPasswordError::InvalidVerifier { field } => {
                texts::download_password::InvalidPasswordVerifier { field: (*field).into() }.render()
            }
            DownloadPasswordError::VerifierIterations => {
                texts::download_password::WeakPasswordVerifier { iterations: ITERATIONS.into() }.render()
            }
            DownloadPasswordError::VerifierIterationsUnsupported => {
                texts::download_password::UnsupportedVerifierIterations { iterations: ITERATIONS.into() }.render()
            }
            DownloadPasswordError::VerifierNotAccepted => {
                texts::download_password::PASSWORD_VERIFIER_NOT_ACCEPTED.render()
            }
            DownloadPasswordError::Busy => texts::download_password::SERVER_BUSY.render(),
            DownloadPasswordError::MalformedHash | DownloadPasswordError::Backend { .. } => {
                texts::download_password::INTERNAL_ERROR.render()
            }
        }
    }
}

impl DownloadPasswordError {
    /// The HTTP status for this refusal (request errors 400, server errors 500).
    pub fn status(&self) -> u16 {
        match self {
            DownloadPasswordError::MalformedHash | DownloadPasswordError::Backend { .. } => 500,
            DownloadPasswordError::Busy => 503,
            _ => 400,
        }
    }
}

/// Checks the length of a download password (in characters).
pub fn check_password(password: &str) -> Result<(), DownloadPasswordError> {
    let chars = password.chars().count();
    if (MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&chars) {
        Ok(())
    } else {
        Err(DownloadPasswordError::BadLength { chars })
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
    ) -> Result<Zeroizing<[u8; HASH_BYTES]>, DownloadPasswordError>;
}

/// PBKDF2 in software on the calling thread (the `pbkdf2` crate). Test-only: both adapters
/// move [`derive_in_software`] off their request path (a blocking thread, a Worker's CPU budget).
#[cfg(test)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SoftwarePbkdf2;

/// The software derivation, for adapters that move it to a thread of their own.
pub fn derive_in_software(password: &[u8], salt: &[u8], iterations: u32) -> Zeroizing<[u8; HASH_BYTES]> {
    let mut out = Zeroizing::new([0u8; HASH_BYTES]);
    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, iterations, out.as_mut());
    out
}

#[cfg(test)]
impl Pbkdf2 for SoftwarePbkdf2 {
    async fn derive(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<Zeroizing<[u8; HASH_BYTES]>, DownloadPasswordError> {
        Ok(derive_in_software(password, salt, iterations))
    }
}

/// Hashes a new password with a fresh salt; returns the PHC string to store.
pub async fn hash_password<P: Pbkdf2, R: rand_core::CryptoRng + ?Sized>(
    kdf: &P,
    password: &str,
    rng: &mut R,
) -> Result<String, DownloadPasswordError> {
    let mut salt = [0u8; SALT_BYTES];
    rng.fill_bytes(&mut salt);
    let hash = kdf.derive(password.as_bytes(), &salt, ITERATIONS).await?;
    Ok(format!(
        "${SERVER_SCHEME}$i={ITERATIONS}${}${}",
        Base64Unpadded::encode_string(&salt),
        Base64Unpadded::encode_string(hash.as_ref())
    ))
}

/// A stored hash, parsed.
struct Stored {
    client: bool,
    iterations: u32,
    salt: Vec<u8>,
    hash: Vec<u8>,
}

fn parse_stored(stored: &str) -> Result<Stored, DownloadPasswordError> {
    let mut parts = stored.split('$');
    let (Some(""), Some(scheme), Some(params), Some(salt), Some(hash), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DownloadPasswordError::MalformedHash);
    };
    let client = match scheme {
        SERVER_SCHEME => false,
        CLIENT_SCHEME => true,
        _ => return Err(DownloadPasswordError::MalformedHash),
    };
    let iterations: u32 =
        params.strip_prefix("i=").and_then(|i| i.parse().ok()).ok_or(DownloadPasswordError::MalformedHash)?;
    if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
        return Err(DownloadPasswordError::MalformedHash);
    }
    let salt = Base64Unpadded::decode_vec(salt).map_err(|_| DownloadPasswordError::MalformedHash)?;
    let hash = Base64Unpadded::decode_vec(hash).map_err(|_| DownloadPasswordError::MalformedHash)?;
    if hash.len() != HASH_BYTES {
        return Err(DownloadPasswordError::MalformedHash);
    }
    Ok(Stored { client, iterations, salt, hash })
}

/// Whether `password` matches the stored PHC string (constant-time comparison). Works for both
/// the server-side hash and a client verifier (derive with its salt and count, then SHA-256).
pub async fn verify_password<P: Pbkdf2>(kdf: &P, password: &str, stored: &str) -> Result<bool, DownloadPasswordError> {
    let stored = parse_stored(stored)?;
    let derived = kdf.derive(password.as_bytes(), &stored.salt, stored.iterations).await?;
    let candidate: [u8; HASH_BYTES] =
        if stored.client { sha2::Sha256::digest(derived.as_ref()).into() } else { *derived };
    Ok(bool::from(candidate.as_slice().ct_eq(stored.hash.as_slice())))
}

/// Whether a value derived by the client matches a stored client verifier (SHA-256, then a
/// constant-time comparison; no slow hash here). A server-side hash refuses this route: its
/// stored value *is* the derived value, so accepting it would let a stolen row open the download.
pub fn verify_derived(derived: &[u8], stored: &str) -> Result<bool, DownloadPasswordError> {
    let stored = parse_stored(stored)?;
    if !stored.client {
        return Err(DownloadPasswordError::VerifierNotAccepted);
    }
    if derived.len() != HASH_BYTES {
        return Err(DownloadPasswordError::InvalidVerifier { field: "download_password_verifier" });
    }
    let candidate: [u8; HASH_BYTES] = sha2::Sha256::digest(derived).into();
    Ok(bool::from(candidate.as_slice().ct_eq(stored.hash.as_slice())))
}

/// The public KDF parameters of a client verifier, `(salt, iterations)`, for the status view
/// (the browser needs them to derive at download). `None` for a server-side hash.
pub fn client_kdf_params(stored: &str) -> Option<(Vec<u8>, u32)> {
    parse_stored(stored).ok().filter(|s| s.client).map(|s| (s.salt, s.iterations))
}

/// Base64 as browsers and tools write it: standard or URL alphabet, padded or not.
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64ct::{Base64, Base64Url, Base64UrlUnpadded};
    let text = text.trim();
    Base64::decode_vec(text)
        .or_else(|_| Base64Unpadded::decode_vec(text))
        .or_else(|_| Base64Url::decode_vec(text))
        .or_else(|_| Base64UrlUnpadded::decode_vec(text))
        .ok()
}

/// Standard padded base64 (what `atob` reads).
pub fn encode_base64(bytes: &[u8]) -> String {
    base64ct::Base64::encode_string(bytes)
}

/// A client verifier as sent at intake (`download_password_verifier`).
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifierBody {
    /// The salt the browser chose, base64.
    pub salt: String,
    /// PBKDF2 iterations the browser ran.
    pub iterations: u64,
    /// The PRF hash: `SHA-256`.
    pub hash: String,
    /// PBKDF2-HMAC-SHA256(password, salt, iterations), 32 bytes, base64.
    pub derived: String,
}

/// A checked client verifier.
pub struct ClientVerifier {
    salt: Vec<u8>,
    iterations: u32,
    derived: Zeroizing<Vec<u8>>,
}

impl ClientVerifier {
    /// Checks the parameters: SHA-256, exactly [`ITERATIONS`], a 16–64-byte salt and a 32-byte
    /// result.
    pub fn check(body: &VerifierBody) -> Result<Self, DownloadPasswordError> {
        let invalid = |field| DownloadPasswordError::InvalidVerifier { field };
        if !body.hash.eq_ignore_ascii_case("SHA-256") {
            return Err(invalid("hash"));
        }
        let iterations = match body.iterations {
            n if n < u64::from(ITERATIONS) => return Err(DownloadPasswordError::VerifierIterations),
            n if n > u64::from(ITERATIONS) => return Err(DownloadPasswordError::VerifierIterationsUnsupported),
            _ => ITERATIONS,
        };
        let salt = decode_base64(&body.salt)
            .filter(|s| (MIN_CLIENT_SALT_BYTES..=MAX_CLIENT_SALT_BYTES).contains(&s.len()))
            .ok_or(invalid("salt"))?;
        let derived = Zeroizing::new(decode_base64(&body.derived).ok_or(invalid("derived"))?);
        if derived.len() != HASH_BYTES {
            return Err(invalid("derived"));
        }
        Ok(ClientVerifier { salt, iterations, derived })
    }

    /// The PHC string to store: the parameters and SHA-256 of the derived value.
    pub fn to_stored(&self) -> String {
        let hash = sha2::Sha256::digest(self.derived.as_slice());
        format!(
            "${CLIENT_SCHEME}$i={}${}${}",
            self.iterations,
            Base64Unpadded::encode_string(&self.salt),
            Base64Unpadded::encode_string(&hash)
        )
    }
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
        assert_eq!(block_on(verify_password(&SoftwarePbkdf2, "x", cheap)), Err(DownloadPasswordError::MalformedHash));
        let costly =
            "$pbkdf2-sha256-client$i=10000000$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(block_on(verify_password(&SoftwarePbkdf2, "x", costly)), Err(DownloadPasswordError::MalformedHash));
        assert_eq!(block_on(verify_password(&SoftwarePbkdf2, "x", "plain")), Err(DownloadPasswordError::MalformedHash));
    }

    fn verifier_body(password: &str, iterations: u32) -> VerifierBody {
        let salt = [7u8; 16];
        let derived = derive_in_software(password.as_bytes(), &salt, iterations);
        VerifierBody {
            salt: encode_base64(&salt),
            iterations: u64::from(iterations),
            hash: "SHA-256".into(),
            derived: encode_base64(derived.as_ref()),
        }
    }

    #[test]
    fn a_client_verifier_stores_only_a_hash_of_the_derived_value_and_verifies_both_ways() {
        let password = "ABCDE-FGHJK-LMNPQ-RSTUV";
        let body = verifier_body(password, ITERATIONS);
        let stored = ClientVerifier::check(&body).expect("valid").to_stored();
        assert!(stored.starts_with("$pbkdf2-sha256-client$i=600000$"));
        let derived = decode_base64(&body.derived).expect("b64");
        assert!(!stored.contains(&Base64Unpadded::encode_string(&derived)), "the derived value is not stored");
        assert_eq!(client_kdf_params(&stored), Some((vec![7u8; 16], ITERATIONS)));
        // The derived value (fast) and the password (slow, server derives) both open it.
        assert_eq!(verify_derived(&derived, &stored), Ok(true));
        assert_eq!(verify_derived(&[0u8; 32], &stored), Ok(false));
        assert!(block_on(verify_password(&SoftwarePbkdf2, password, &stored)).expect("verify"));
        assert!(!block_on(verify_password(&SoftwarePbkdf2, "ABCDE-FGHJK-LMNPQ-RSTUW", &stored)).expect("verify"));
    }

    #[test]
    fn a_server_hash_refuses_a_derived_value_so_a_stolen_row_cannot_be_replayed() {
        let stored =
            block_on(hash_password(&SoftwarePbkdf2, "ABCDE-FGHJK-LMNPQ-RSTUV", &mut inkan::os_rng())).expect("hash");
        let hash = Base64Unpadded::decode_vec(stored.rsplit('$').next().expect("hash")).expect("b64");
        assert_eq!(verify_derived(&hash, &stored), Err(DownloadPasswordError::VerifierNotAccepted));
        assert_eq!(client_kdf_params(&stored), None);
    }

    #[test]
    fn client_verifiers_with_weak_or_odd_parameters_are_refused() {
        let good = verifier_body("ABCDE-FGHJK-LMNPQ-RSTUV", 1);
        let with = |f: &dyn Fn(&mut VerifierBody)| {
            let mut body = good.clone();
            body.iterations = u64::from(ITERATIONS);
            f(&mut body);
            ClientVerifier::check(&body).map(|_| ())
        };
        assert_eq!(with(&|_| {}), Ok(()));
        let few = with(&|b| b.iterations = 599_999).expect_err("too few");
        assert_eq!((few.code(), few.status()), ("weak_password_verifier", 400));
        let many = with(&|b| b.iterations = 10_000_000).expect_err("the server's count only");
        assert_eq!((many.code(), many.status()), ("unsupported_verifier_iterations", 400));
        assert!(with(&|b| b.iterations = 600_001).is_err());
        assert!(with(&|b| b.iterations = u64::MAX).is_err());
        assert_eq!(with(&|b| b.hash = "SHA-1".into()), Err(DownloadPasswordError::InvalidVerifier { field: "hash" }));
        assert_eq!(
            with(&|b| b.salt = encode_base64(&[1; 8])),
            Err(DownloadPasswordError::InvalidVerifier { field: "salt" })
        );
        assert_eq!(
            with(&|b| b.salt = "not base64!".into()),
            Err(DownloadPasswordError::InvalidVerifier { field: "salt" })
        );
        let short = with(&|b| b.derived = encode_base64(&[1; 31])).expect_err("short");
        assert_eq!((short.code(), short.status()), ("invalid_password_verifier", 400));
        // URL-safe and unpadded base64 are read too.
        assert_eq!(decode_base64("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(decode_base64("+/8="), Some(vec![0xfb, 0xff]));
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
