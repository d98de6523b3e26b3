//! What a build will use, decided before anything is derived: the profile, its iteration
//! count, and the salts and IVs ([`BuildPlan`]), so the PBKDF2 runs can happen elsewhere; and
//! its twin for opening ([`OpenPlan`]).

use rand_core::CryptoRng;
use serde::Serialize;

use crate::limits::{MAX_WRITE_ITERATIONS, MIN_WRITE_ITERATIONS};
use crate::password::{Derivation, Derived, Password};
use crate::pbe::{Hash, KdfPurpose, PbeScheme};

use super::error::Pkcs12Error;
use super::open::{check_mac, pbkdf2_derivations};

/// Default iterations for [`Pkcs12Profile::Modern`]: OWASP's 600,000 for PBKDF2-HMAC-SHA256
/// (Password Storage Cheat Sheet, 2023), the count Bouncy Castle also uses. A `.p12` is a
/// long-lived file guarded by a human-chosen PIN, so offline guessing is the threat; the cost
/// is about a second once when the file is built or imported (measured in `BENCHMARKS.md`).
pub const MODERN_DEFAULT_ITERATIONS: u32 = 600_000;

/// Default iterations for [`Pkcs12Profile::Legacy`]: OpenSSL's 2048 (PKCS12_DEFAULT_ITER).
/// The legacy profile exists for old importers, which are also the slowest and least tested
/// with large counts; its SHA-1 KDF is weak whatever the count.
pub const LEGACY_DEFAULT_ITERATIONS: u32 = 2048;

/// Which encryption a built `.p12` uses. See the module documentation for why both exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pkcs12Profile {
    /// PBES2 AES-256-CBC + PBKDF2-HMAC-SHA256, HMAC-SHA256 MAC. Windows 10 1709+/11,
    /// Firefox/NSS, Java 12+, OpenSSL 1.1.1+/3, Python `cryptography`.
    Modern,
    /// pbeWithSHAAnd3-KeyTripleDES-CBC, HMAC-SHA1 MAC. macOS Keychain, iOS, Android, Windows
    /// Server 2016 and older, and everything else.
    Legacy,
}

impl Pkcs12Profile {
    /// `modern` or `legacy`.
    pub fn name(self) -> &'static str {
        match self {
            Pkcs12Profile::Modern => "modern",
            Pkcs12Profile::Legacy => "legacy",
        }
    }

    /// Parses [`Pkcs12Profile::name`].
    pub fn from_name(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "modern" => Some(Pkcs12Profile::Modern),
            "legacy" => Some(Pkcs12Profile::Legacy),
            _ => None,
        }
    }

    /// The default iteration count.
    pub fn default_iterations(self) -> u32 {
        match self {
            Pkcs12Profile::Modern => MODERN_DEFAULT_ITERATIONS,
            Pkcs12Profile::Legacy => LEGACY_DEFAULT_ITERATIONS,
        }
    }
}

/// How to build a `.p12`.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// Which encryption.
    pub profile: Pkcs12Profile,
    /// KDF and MAC iterations; `None` takes the profile's default.
    pub iterations: Option<u32>,
    /// The friendlyName shown by Windows and Keychain; `None` takes the leaf's CN.
    pub friendly_name: Option<String>,
}

impl BuildOptions {
    /// The defaults of a profile.
    pub fn new(profile: Pkcs12Profile) -> Self {
        Self { profile, iterations: None, friendly_name: None }
    }
}

/// The salts, IVs and iteration counts of a `.p12` about to be built, chosen before any key
/// is derived so that the derivations can run elsewhere (WebCrypto) while the PKCS#12 MAC key
/// is derived here.
#[derive(Clone, Debug)]
pub struct BuildPlan {
    pub(super) cert_scheme: PbeScheme,
    pub(super) key_scheme: PbeScheme,
    pub(super) mac_hash: Hash,
    pub(super) mac_salt: Vec<u8>,
    pub(super) iterations: u32,
}

impl BuildPlan {
    /// Draws the salts and IVs for `options`' profile and checks its iteration count.
    pub fn new<R: CryptoRng + ?Sized>(options: &BuildOptions, rng: &mut R) -> Result<Self, Pkcs12Error> {
        let iterations = options.iterations.unwrap_or(options.profile.default_iterations());
        if !(MIN_WRITE_ITERATIONS..=MAX_WRITE_ITERATIONS).contains(&iterations) {
            return Err(Pkcs12Error::InvalidIterations {
                value: iterations,
                min: MIN_WRITE_ITERATIONS,
                max: MAX_WRITE_ITERATIONS,
            });
        }
        Ok(match options.profile {
            Pkcs12Profile::Modern => {
                let mut s = [[0u8; 16]; 5];
                for x in &mut s {
                    rng.fill_bytes(x);
                }
                BuildPlan {
                    cert_scheme: PbeScheme::pbes2_aes256(s[0], s[1], iterations),
                    key_scheme: PbeScheme::pbes2_aes256(s[2], s[3], iterations),
                    mac_hash: Hash::Sha256,
                    mac_salt: s[4].to_vec(),
                    iterations,
                }
            }
            Pkcs12Profile::Legacy => {
                let mut s = [[0u8; 8]; 3];
                for x in &mut s {
                    rng.fill_bytes(x);
                }
                BuildPlan {
                    cert_scheme: PbeScheme::pkcs12_3des(s[0], iterations),
                    key_scheme: PbeScheme::pkcs12_3des(s[1], iterations),
                    mac_hash: Hash::Sha1,
                    mac_salt: s[2].to_vec(),
                    iterations,
                }
            }
        })
    }

    /// The PBKDF2 derivations the build will need (none for the legacy profile).
    pub fn pbkdf2_derivations(&self) -> Vec<Derivation> {
        [&self.cert_scheme, &self.key_scheme].into_iter().filter_map(PbeScheme::pbkdf2_derivation).collect()
    }

    /// The MAC key derivation (PKCS#12 KDF over the password's BMPString).
    pub fn mac_derivation(&self, password: &Password) -> Derivation {
        Derivation::Pkcs12 {
            hash: self.mac_hash,
            encoded: password.bmp(),
            salt: self.mac_salt.clone(),
            purpose: KdfPurpose::Mac,
            iterations: self.iterations,
            len: self.mac_hash.output_len(),
        }
    }
}

/// Opening a `.p12` with its PBKDF2 derivations run elsewhere (WebCrypto): the twin of
/// [`BuildPlan`]. The caller starts [`OpenPlan::pbkdf2_derivations`] elsewhere, then makes
/// the plan, which checks the password against the MAC here in the meantime (a wrong password
/// fails at once, before any wait), hands the outputs back with [`OpenPlan::add_derived`], and
/// finishes with [`OpenPlan::finish`].
pub struct OpenPlan {
    /// The password with the MAC key and every derivation handed back.
    delegated: Password,
    /// The password as typed: what [`OpenPlan::finish`] falls back to.
    plain: Password,
}

impl OpenPlan {
    /// The PBKDF2 derivations opening `input` needs that can run elsewhere (see
    /// [`pbkdf2_derivations`]); empty for the PKCS#12 schemes and for unreadable input.
    pub fn pbkdf2_derivations(input: &[u8]) -> Vec<Derivation> {
        pbkdf2_derivations(input)
    }

    /// Checks `password` against the MAC of `input` and keeps the MAC key for the open.
    pub fn new(input: &[u8], password: Password) -> Result<Self, Pkcs12Error> {
        let delegated = match check_mac(input, &password)? {
            Some((derivation, output)) => password.clone().with_derived(derivation, output),
            None => password.clone(),
        };
        Ok(Self { delegated, plain: password })
    }

    /// Hands back one derivation computed elsewhere.
    pub fn add_derived(&mut self, (derivation, output): Derived) {
        let delegated = core::mem::take(&mut self.delegated);
        self.delegated = delegated.with_derived(derivation, output);
    }

    /// Runs `operation` (an open, an inspection) with the derivations handed back, and once more
    /// with the password alone if that fails: an output from elsewhere that is wrong must not make
    /// a good file look damaged. Errors are the plain run's, as if nothing had been delegated.
    pub fn finish<T, E>(&self, operation: impl Fn(&Password) -> Result<T, E>) -> Result<T, E> {
        operation(&self.delegated).or_else(|_| operation(&self.plain))
    }
}
