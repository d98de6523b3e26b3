//! PKCS#12 (RFC 7292): building the `.p12` a mail client imports, and opening any `.p12`.
//!
//! Two profiles, because no single encryption is accepted everywhere:
//! - [`Pkcs12Profile::Modern`]: PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) for both bags and an
//!   HMAC-SHA256 MAC, what OpenSSL 3 writes by default (openssl-pkcs12(1), "-legacy": the
//!   default algorithms changed in 3.0) and what RFC 9579 recommends.
//! - [`Pkcs12Profile::Legacy`]: pbeWithSHAAnd3-KeyTripleDES-CBC for both bags and an
//!   HMAC-SHA1 MAC. Needed because (a) Windows before Windows 10 1709 / Server 2019 cannot
//!   import AES-256 PFX files (Microsoft Learn, Export-PfxCertificate: "-CryptoAlgorithmOption
//!   AES256_SHA256 ... Windows 10 1709 and later"; TripleDES_SHA1 is the option for older
//!   systems), (b) macOS Keychain Access and iOS reject OpenSSL 3's default PBES2/SHA-256-MAC
//!   files with "MAC verification failed" (the common OpenSSL 3 migration advice is
//!   `openssl pkcs12 -export -legacy` for Apple devices), and (c) Android before 12 imports
//!   through a Bouncy Castle build that lacks PBES2 for PKCS#12. 3DES rather than OpenSSL's
//!   old RC2-40 default, because RC2-40 is breakable in hours and OpenSSL 3 itself needs the
//!   legacy provider to read it.
//!
//! Opening accepts what real tools write (OpenSSL, Java keytool, NSS, Windows, Python
//! `cryptography`), including BER encodings, empty and Japanese passwords, PBMAC1 (RFC 9579)
//! and files without a MAC (with a warning finding, never silently).

use const_oid::ObjectIdentifier;
use der::{Decode as _, Encode as _};
use rand_core::CryptoRng;
use serde::Serialize;
use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::asn1::{self, Asn1Error, DerReader, tag};
use crate::findings::{Finding, Severity};
use crate::i18n::{Localized, Message};
use crate::keys::{KeyError, KeyInfo, KeyType, PrivateKey};
use crate::limits::{
    MAX_BAG_NESTING, MAX_INPUT_BYTES, MAX_KDF_ITERATIONS, MAX_KDF_WORK, MAX_PASSWORD_CHARS, MAX_SAFE_BAGS,
    MAX_WRITE_ITERATIONS, MIN_WRITE_ITERATIONS,
};
use crate::password::{Derivation, Derived, Password, PasswordEncoding};
use crate::pbe::{self, Hash, KdfPurpose, PbeError, PbeScheme, SchemeKind};

mod oid {
    use const_oid::ObjectIdentifier as Oid;
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    pub const ENVELOPED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.3");
    pub const ENCRYPTED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.6");
    pub const KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.1");
    pub const SHROUDED_KEY_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.2");
    pub const CERT_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.3");
    pub const SAFE_CONTENTS_BAG: Oid = Oid::new_unwrap("1.2.840.113549.1.12.10.1.6");
    pub const X509_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.22.1");
    pub const FRIENDLY_NAME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.20");
    pub const LOCAL_KEY_ID: Oid = Oid::new_unwrap("1.2.840.113549.1.9.21");
}

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

/// Everything that can go wrong building or opening a `.p12`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkcs12Error {
    /// No bytes.
    EmptyInput,
    /// Larger than any real `.p12`.
    TooLarge {
        /// Bytes given.
        size: usize,
        /// The most we read.
        limit: usize,
    },
    /// Not a PKCS#12 file at all (a certificate, a key, a picture...).
    NotPkcs12,
    /// The file ends early: an incomplete download or copy.
    Truncated,
    /// The structure is damaged.
    Corrupt {
        /// Where (for support staff; not shown to users on its own).
        detail: &'static str,
    },
    /// The password does not open the file.
    WrongPassword,
    /// The file uses an algorithm we do not implement.
    UnsupportedAlgorithm {
        /// Its name or OID.
        algorithm: String,
    },
    /// The file holds a key of a type we do not handle (Ed25519, DSA, P-521, ...).
    UnsupportedKeyType {
        /// The key type.
        algorithm: String,
    },
    /// Re-packing would silently drop something the file holds.
    RepackWouldLoseContent {
        /// What would be lost (`a second private key`, `2 other items`).
        what: String,
    },
    /// A number in the file (iterations, nesting, bags) is beyond our limits.
    LimitExceeded {
        /// What.
        what: &'static str,
        /// The value found.
        value: u64,
        /// The most we accept.
        limit: u64,
    },
    /// The private key does not belong to the certificate.
    KeyCertificateMismatch,
    /// The file holds no certificate to build from, or no key to re-pack.
    Missing {
        /// `certificate` or `key`.
        what: &'static str,
    },
    /// An iteration count outside what we agree to write.
    InvalidIterations {
        /// Requested.
        value: u32,
        /// Fewest allowed.
        min: u32,
        /// Most allowed.
        max: u32,
    },
    /// The password is longer than any real one.
    PasswordTooLong {
        /// The most characters accepted.
        limit: usize,
    },
    /// A problem with the key itself.
    Key(KeyError),
}

impl From<Asn1Error> for Pkcs12Error {
    fn from(e: Asn1Error) -> Self {
        match e {
            Asn1Error::Truncated => Pkcs12Error::Truncated,
            Asn1Error::Malformed => Pkcs12Error::Corrupt { detail: "asn1" },
            Asn1Error::TooDeep | Asn1Error::TooLong => {
                let (what, value, limit) = e.limit().unwrap_or(("nesting", 0, 0));
                Pkcs12Error::LimitExceeded { what, value, limit }
            }
        }
    }
}

impl From<PbeError> for Pkcs12Error {
    fn from(e: PbeError) -> Self {
        match e {
            PbeError::Unsupported { algorithm } => Pkcs12Error::UnsupportedAlgorithm { algorithm },
            PbeError::Malformed => Pkcs12Error::Corrupt { detail: "pbe parameters" },
            PbeError::DecryptFailed => Pkcs12Error::WrongPassword,
            PbeError::LimitExceeded { what, value, limit } => Pkcs12Error::LimitExceeded { what, value, limit },
        }
    }
}

impl From<KeyError> for Pkcs12Error {
    fn from(e: KeyError) -> Self {
        match e {
            KeyError::WrongPassword => Pkcs12Error::WrongPassword,
            KeyError::UnsupportedAlgorithm { algorithm } => Pkcs12Error::UnsupportedKeyType { algorithm },
            KeyError::LimitExceeded { what, value, limit } => Pkcs12Error::LimitExceeded { what, value, limit },
            other => Pkcs12Error::Key(other),
        }
    }
}

impl core::fmt::Display for Pkcs12Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for Pkcs12Error {}

impl Localized for Pkcs12Error {
    fn code(&self) -> &'static str {
        match self {
            Pkcs12Error::EmptyInput => "empty_input",
            Pkcs12Error::TooLarge { .. } => "too_large",
            Pkcs12Error::NotPkcs12 => "not_pkcs12",
            Pkcs12Error::Truncated => "truncated",
            Pkcs12Error::Corrupt { .. } => "corrupt",
            Pkcs12Error::WrongPassword => "wrong_password",
            Pkcs12Error::UnsupportedAlgorithm { .. } | Pkcs12Error::UnsupportedKeyType { .. } => {
                "unsupported_algorithm"
            }
            Pkcs12Error::RepackWouldLoseContent { .. } => "repack_would_lose_content",
            Pkcs12Error::LimitExceeded { .. } => "limit_exceeded",
            Pkcs12Error::KeyCertificateMismatch => "key_certificate_mismatch",
            Pkcs12Error::Missing { what: "key" } => "missing_key",
            Pkcs12Error::Missing { .. } => "missing_certificate",
            Pkcs12Error::InvalidIterations { .. } => "invalid_iterations",
            Pkcs12Error::PasswordTooLong { .. } => "password_too_long",
            Pkcs12Error::Key(e) => e.code(),
        }
    }

    fn message(&self) -> Message {
        match self {
            Pkcs12Error::EmptyInput => Message::new(
                "ファイルが空です(0 バイト)。ダウンロードをやり直してください。",
                "The file is empty (0 bytes). Download it again.",
            ),
            Pkcs12Error::TooLarge { size, limit } => Message::new(
                format!(
                    "ファイルが大きすぎます({size} バイト、上限 {limit} バイト)。証明書ファイル(.p12/.pfx)を選んでください。"
                ),
                format!(
                    "The file is too large ({size} bytes, limit {limit}). Choose the certificate file (.p12/.pfx)."
                ),
            ),
            Pkcs12Error::NotPkcs12 => Message::new(
                "PKCS#12 ファイル(.p12/.pfx)ではありません。証明書だけのファイル(.cer/.pem)や別のファイルを選んでいないか確認してください。",
                "This is not a PKCS#12 file (.p12/.pfx). Check that you did not choose a certificate-only file (.cer/.pem) or another file.",
            ),
            Pkcs12Error::Truncated => Message::new(
                "ファイルが途中で切れています。ダウンロードやコピーが完了していない可能性があります。もう一度ダウンロードしてください。",
                "The file is cut short: the download or copy did not finish. Download it again.",
            ),
            Pkcs12Error::Corrupt { .. } => Message::new(
                "ファイルが壊れています。元のファイルやバックアップがあればそちらを使ってください。",
                "The file is damaged. Use the original file or a backup if you have one.",
            ),
            Pkcs12Error::WrongPassword => Message::new(
                "パスワード(PIN)が違います。大文字・小文字、全角・半角、前後の空白を確かめてもう一度入力してください。",
                "The password (PIN) is wrong. Check upper/lower case, full-width/half-width characters and spaces, and try again.",
            ),
            Pkcs12Error::UnsupportedAlgorithm { algorithm } => Message::new(
                format!(
                    "このファイルの暗号方式({algorithm})には対応していません。発行元のツールで「3DES」または「AES」で書き出し直してください。"
                ),
                format!(
                    "This file uses an encryption we do not support ({algorithm}). Export it again with 3DES or AES in the tool that made it."
                ),
            ),
            Pkcs12Error::UnsupportedKeyType { algorithm } => Message::new(
                format!(
                    "このファイルの秘密鍵の種類({algorithm})には対応していません。Inkan が扱えるのは RSA と ECDSA(P-256/P-384)の鍵です。"
                ),
                format!(
                    "The private key in this file is of a type we do not support ({algorithm}). Inkan handles RSA and ECDSA (P-256/P-384) keys."
                ),
            ),
            Pkcs12Error::RepackWouldLoseContent { what } => Message::new(
                format!("再パックすると {what} が失われるため、中止しました。元のファイルはそのまま保管してください。"),
                format!("Re-packing stopped: it would lose {what}. Keep the original file as it is."),
            ),
            Pkcs12Error::LimitExceeded { what, value, limit } => Message::new(
                format!(
                    "ファイル内の値が上限を超えています({what}: {value}、上限 {limit})。不正なファイルの可能性があります。"
                ),
                format!(
                    "A value in the file exceeds our limit ({what}: {value}, limit {limit}). The file may be malicious."
                ),
            ),
            Pkcs12Error::KeyCertificateMismatch => Message::new(
                "秘密鍵と証明書が対応していません。この証明書を申請したときの鍵(またはバックアップファイル)を使ってください。",
                "The private key does not belong to this certificate. Use the key (or backup file) from the application for this certificate.",
            ),
            Pkcs12Error::Missing { what: "key" } => Message::new(
                "ファイルに秘密鍵が入っていません。証明書だけでは署名や復号はできません。",
                "The file contains no private key. A certificate alone cannot sign or decrypt.",
            ),
            Pkcs12Error::Missing { .. } => Message::new(
                "証明書が見つかりません。発行された証明書を貼り付けるか、ファイルを選んでください。",
                "No certificate found. Paste the issued certificate or choose its file.",
            ),
            Pkcs12Error::InvalidIterations { value, min, max } => Message::new(
                format!("反復回数 {value} は使えません({min}〜{max} の範囲で指定してください)。"),
                format!("An iteration count of {value} is not allowed (use {min} to {max})."),
            ),
            Pkcs12Error::PasswordTooLong { limit } => Message::new(
                format!("パスワードが長すぎます({limit} 文字まで)。"),
                format!("The password is too long (at most {limit} characters)."),
            ),
            Pkcs12Error::Key(e) => e.message(),
        }
    }
}

fn is(o: &[u8], known: ObjectIdentifier) -> bool {
    o == known.as_bytes()
}

// ---------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------

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

/// A built file and the warnings that go with it.
#[derive(Clone, Debug)]
pub struct BuiltPkcs12 {
    /// The `.p12` bytes.
    pub der: Vec<u8>,
    /// Warnings (e.g. `non_ascii_password`).
    pub findings: Vec<Finding>,
}

/// Puts the leaf first and each issuer after the certificate it signed (by name), keeping any
/// unrelated extras at the end, and drops duplicates.
pub fn order_chain(leaf: Certificate, others: Vec<Certificate>) -> Vec<Certificate> {
    let mut rest: Vec<Certificate> = Vec::new();
    for c in others {
        if c != leaf && !rest.contains(&c) {
            rest.push(c);
        }
    }
    let mut chain = vec![leaf];
    while let Some(last) = chain.last() {
        if last.tbs_certificate().subject() == last.tbs_certificate().issuer() {
            break;
        }
        let issuer = last.tbs_certificate().issuer().clone();
        let Some(pos) = rest.iter().position(|c| *c.tbs_certificate().subject() == issuer) else { break };
        chain.push(rest.remove(pos));
    }
    chain.extend(rest);
    chain
}

fn attributes(friendly_name: &str, local_key_id: &[u8]) -> Vec<u8> {
    asn1::set_of(vec![
        asn1::sequence(&[
            &asn1::oid(oid::FRIENDLY_NAME.as_bytes()),
            &asn1::set_of(vec![asn1::bmp_string(friendly_name)]),
        ]),
        asn1::sequence(&[
            &asn1::oid(oid::LOCAL_KEY_ID.as_bytes()),
            &asn1::set_of(vec![asn1::octet_string(local_key_id)]),
        ]),
    ])
}

fn safe_bag(bag_oid: ObjectIdentifier, value: &[u8], attrs: Option<&[u8]>) -> Vec<u8> {
    let explicit = asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, value);
    match attrs {
        Some(a) => asn1::sequence(&[&asn1::oid(bag_oid.as_bytes()), &explicit, a]),
        None => asn1::sequence(&[&asn1::oid(bag_oid.as_bytes()), &explicit]),
    }
}

fn data_content_info(content: &[u8]) -> Vec<u8> {
    asn1::sequence(&[
        &asn1::oid(oid::DATA.as_bytes()),
        &asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, &asn1::octet_string(content)),
    ])
}

fn check_password(password: &Password) -> Result<(), Pkcs12Error> {
    if password.char_len() > MAX_PASSWORD_CHARS {
        return Err(Pkcs12Error::PasswordTooLong { limit: MAX_PASSWORD_CHARS });
    }
    Ok(())
}

/// Builds a `.p12` from a key, its certificate and (optionally) the issuing chain.
/// Refuses with [`Pkcs12Error::KeyCertificateMismatch`] when the key is not the leaf's.
pub fn build<R: CryptoRng + ?Sized>(
    key: &PrivateKey,
    leaf: &Certificate,
    chain: &[Certificate],
    password: &Password,
    options: &BuildOptions,
    rng: &mut R,
) -> Result<BuiltPkcs12, Pkcs12Error> {
    let plan = BuildPlan::new(options, rng)?;
    build_planned(key, leaf, chain, password, options, &plan)
}

/// The salts, IVs and iteration counts of a `.p12` about to be built, chosen before any key
/// is derived so that the derivations can run elsewhere (WebCrypto) while the PKCS#12 MAC key
/// is derived here.
#[derive(Clone, Debug)]
pub struct BuildPlan {
    cert_scheme: PbeScheme,
    key_scheme: PbeScheme,
    mac_hash: Hash,
    mac_salt: Vec<u8>,
    iterations: u32,
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

/// [`build`] with the salts, IVs and iterations already drawn.
pub fn build_planned(
    key: &PrivateKey,
    leaf: &Certificate,
    chain: &[Certificate],
    password: &Password,
    options: &BuildOptions,
    plan: &BuildPlan,
) -> Result<BuiltPkcs12, Pkcs12Error> {
    check_password(password)?;
    let BuildPlan { cert_scheme, key_scheme, mac_hash, mac_salt, iterations } = plan;
    let (mac_hash, iterations) = (*mac_hash, *iterations);
    if crate::x509::public_key(leaf).as_ref() != Some(&key.public_key()) {
        return Err(Pkcs12Error::KeyCertificateMismatch);
    }
    let certs = order_chain(leaf.clone(), chain.to_vec());
    let leaf_der = leaf.to_der().map_err(|_| Pkcs12Error::Corrupt { detail: "leaf encoding" })?;
    let local_key_id = {
        use digest::Digest as _;
        sha1::Sha1::digest(&leaf_der).to_vec()
    };
    let friendly_name = options
        .friendly_name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| crate::x509::facts(leaf).subject_cn)
        .chars()
        .take(64)
        .collect::<String>();
    let attrs = attributes(&friendly_name, &local_key_id);

    // Certificates: leaf first with its attributes, the chain without (Windows shows a
    // friendlyName on every certificate that has one, which confuses users).
    let mut cert_bags = Vec::with_capacity(certs.len());
    for (i, cert) in certs.iter().enumerate() {
        let der = cert.to_der().map_err(|_| Pkcs12Error::Corrupt { detail: "certificate encoding" })?;
        let cert_bag = asn1::sequence(&[
            &asn1::oid(oid::X509_CERTIFICATE.as_bytes()),
            &asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, &asn1::octet_string(&der)),
        ]);
        cert_bags.push(safe_bag(oid::CERT_BAG, &cert_bag, (i == 0).then_some(attrs.as_slice())));
    }
    let cert_safe_contents = asn1::tlv(tag::SEQUENCE, &cert_bags.concat());

    let bmp = password.bmp();

    let encrypted_certs = cert_scheme.encrypt(password, &bmp, &cert_safe_contents);
    let encrypted_data = asn1::sequence(&[
        &asn1::uint(0),
        &asn1::sequence(&[
            &asn1::oid(oid::DATA.as_bytes()),
            &cert_scheme.encode(),
            &asn1::tlv(tag::CONTEXT_0_PRIMITIVE, &encrypted_certs),
        ]),
    ]);
    let certs_ci = asn1::sequence(&[
        &asn1::oid(oid::ENCRYPTED_DATA.as_bytes()),
        &asn1::tlv(tag::CONTEXT_0_CONSTRUCTED, &encrypted_data),
    ]);

    let pkcs8 = key.to_pkcs8_der()?;
    let epki = crate::keys::encrypt_pkcs8(key_scheme, &pkcs8, password, &bmp);
    let key_bag = safe_bag(oid::SHROUDED_KEY_BAG, &epki, Some(&attrs));
    let key_ci = data_content_info(&asn1::tlv(tag::SEQUENCE, &key_bag));

    let auth_safe = asn1::sequence(&[&certs_ci, &key_ci]);
    let mac_key = password.pkcs12_kdf(mac_hash, &bmp, mac_salt, KdfPurpose::Mac, iterations, mac_hash.output_len());
    let mac = mac_hash.hmac(&mac_key, &auth_safe);
    let mac_data = asn1::sequence(&[
        &asn1::sequence(&[
            &asn1::sequence(&[&asn1::oid(mac_hash.digest_oid().as_bytes()), &asn1::tlv(tag::NULL, &[])]),
            &asn1::octet_string(&mac),
        ]),
        &asn1::octet_string(mac_salt),
        &asn1::uint(u64::from(iterations)),
    ]);
    let der = asn1::sequence(&[&asn1::uint(3), &data_content_info(&auth_safe), &mac_data]);

    let mut findings = Vec::new();
    if password.is_non_ascii() {
        findings.push(Finding::non_ascii_password());
    }
    if password.is_empty() {
        findings.push(empty_password_finding());
    }
    Ok(BuiltPkcs12 { der, findings })
}

fn empty_password_finding() -> Finding {
    Finding::new(
        "empty_password",
        Severity::Warning,
        "パスワードが空です。ファイルを手に入れた人は誰でも秘密鍵を使えます。PIN を設定して作り直すことを強くおすすめします。",
        "The password is empty: anyone who gets the file can use the private key. Re-pack it with a PIN.",
    )
}

// ---------------------------------------------------------------------------------------
// Opening
// ---------------------------------------------------------------------------------------

/// A bag's attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BagAttributes {
    /// friendlyName, decoded.
    pub friendly_name: Option<String>,
    /// localKeyID as hex.
    pub local_key_id: Option<String>,
}

/// Where a certificate sits in the chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The certificate of the key: the user's own.
    Leaf,
    /// An issuing CA below the root.
    Intermediate,
    /// A self-signed root.
    Root,
    /// A certificate outside the leaf's chain (e.g. belonging to a second key).
    Other,
}

/// One certificate from the file.
#[derive(Clone, Debug)]
pub struct CertificateEntry {
    /// The certificate.
    pub certificate: Certificate,
    /// Its bag attributes.
    pub attributes: BagAttributes,
    /// Its role.
    pub role: Role,
    /// Its index in the file (0-based), to report order problems.
    pub file_index: usize,
}

/// What protects one part of a file. Serializes as `none` or the scheme's name
/// (`pbes2-pbkdf2-hmac-sha256-aes-256-cbc`, `pbe-sha1-3des`, ...).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Scheme {
    /// In the clear.
    #[default]
    None,
    /// Password-based encryption.
    Encrypted(SchemeKind),
}

impl Scheme {
    /// PBES2 (PBKDF2 and a block cipher).
    pub fn is_pbes2(self) -> bool {
        matches!(self, Scheme::Encrypted(SchemeKind::Pbes2 { .. }))
    }

    /// RC2 or RC4 at any size.
    pub fn is_rc2_or_rc4(self) -> bool {
        matches!(self, Scheme::Encrypted(k) if k.is_rc2_or_rc4())
    }

    /// 40-bit RC2 or any RC4.
    pub fn is_broken(self) -> bool {
        matches!(self, Scheme::Encrypted(k) if k.is_broken())
    }
}

impl From<&PbeScheme> for Scheme {
    fn from(scheme: &PbeScheme) -> Self {
        Scheme::Encrypted(scheme.kind())
    }
}

impl core::fmt::Display for Scheme {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Scheme::None => f.write_str("none"),
            Scheme::Encrypted(kind) => kind.fmt(f),
        }
    }
}

impl Serialize for Scheme {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The integrity check of a file. Serializes as `none`, `hmac-sha256`, `pbmac1-hmac-sha256`, ...
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mac {
    /// No MacData.
    #[default]
    None,
    /// The RFC 7292 MAC: HMAC keyed by the PKCS#12 KDF.
    Hmac(Hash),
    /// RFC 9579 PBMAC1: HMAC keyed by PBKDF2.
    Pbmac1(Hash),
}

impl core::fmt::Display for Mac {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Mac::None => f.write_str("none"),
            Mac::Hmac(hash) => write!(f, "hmac-{}", hash.name()),
            Mac::Pbmac1(hash) => write!(f, "pbmac1-hmac-{}", hash.name()),
        }
    }
}

impl Serialize for Mac {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The encryption facts, as the CLI and the site report them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EncryptionFacts {
    /// Scheme protecting the certificates (`none` when they are in the clear).
    pub certificates: Scheme,
    /// Scheme protecting the key (`none` for a plain keyBag or no key).
    pub key: Scheme,
    /// MAC algorithm (`hmac-sha256`, `pbmac1-hmac-sha256`, `none`).
    pub mac: Mac,
    /// KDF iterations of the key (or of the certificates when there is no key).
    pub iterations: u32,
    /// MAC KDF iterations (0 without a MAC).
    pub mac_iterations: u32,
}

/// An opened `.p12`.
#[derive(Debug)]
pub struct OpenedPkcs12 {
    /// The private key (the one matching the leaf when there are several).
    pub key: Option<PrivateKey>,
    /// The key's bag attributes.
    pub key_attributes: BagAttributes,
    /// Certificates ordered leaf first, then issuers.
    pub certificates: Vec<CertificateEntry>,
    /// How the file is protected.
    pub encryption: EncryptionFacts,
    /// What the user should know.
    pub findings: Vec<Finding>,
    /// Private keys other than [`OpenedPkcs12::key`], kept so nothing is dropped unseen.
    pub other_keys: Vec<PrivateKey>,
    /// How many bags (CRLs, secrets, other certificate types) were not read.
    pub ignored_bags: usize,
}

impl OpenedPkcs12 {
    /// The leaf certificate, if any.
    pub fn leaf(&self) -> Option<&CertificateEntry> {
        self.certificates.iter().find(|c| c.role == Role::Leaf)
    }

    /// Whether the key belongs to the leaf.
    pub fn key_matches_certificate(&self) -> bool {
        match (&self.key, self.leaf()) {
            (Some(k), Some(l)) => crate::x509::public_key(&l.certificate).as_ref() == Some(&k.public_key()),
            _ => false,
        }
    }

    /// Key description, when there is a key.
    pub fn key_info(&self) -> Option<KeyInfo> {
        self.key.as_ref().map(PrivateKey::info)
    }

    /// Whether a finding with this code is present.
    pub fn has_finding(&self, code: &str) -> bool {
        self.findings.iter().any(|f| f.code == code)
    }
}

/// The report of an opened file: the shape the CLI's `--json` and the wasm API share.
#[derive(Clone, Debug, Serialize)]
pub struct Pkcs12Report {
    /// The key, if any.
    pub key: Option<KeyReport>,
    /// The key bag's attributes.
    pub key_attributes: BagAttributes,
    /// Certificates, leaf first.
    pub certificates: Vec<CertificateReport>,
    /// How the file is protected.
    pub encryption: EncryptionFacts,
    /// What the user should know.
    pub findings: Vec<Finding>,
}

/// The key part of a [`Pkcs12Report`].
#[derive(Clone, Debug, Serialize)]
pub struct KeyReport {
    /// `rsa`, `ec-p256`, `ec-p384`.
    pub algorithm: KeyType,
    /// Size in bits.
    pub bits: u32,
    /// Whether it belongs to the leaf certificate.
    pub matches_certificate: bool,
}

/// One certificate of a [`Pkcs12Report`].
#[derive(Clone, Debug, Serialize)]
pub struct CertificateReport {
    /// Subject CN.
    pub subject_cn: String,
    /// Subject, one line.
    pub subject: String,
    /// Issuer, one line.
    pub issuer: String,
    /// Serial, hex.
    pub serial: String,
    /// notBefore `YYYY-MM-DD`.
    pub not_before: String,
    /// notAfter `YYYY-MM-DD`.
    pub not_after: String,
    /// E-mail addresses.
    pub emails: Vec<String>,
    /// Role in the chain.
    pub role: Role,
    /// friendlyName of its bag.
    pub friendly_name: Option<String>,
    /// localKeyID of its bag (hex).
    pub local_key_id: Option<String>,
}

impl OpenedPkcs12 {
    /// The serializable report.
    pub fn report(&self) -> Pkcs12Report {
        Pkcs12Report {
            key: self.key.as_ref().map(|k| {
                let info = k.info();
                KeyReport {
                    algorithm: info.algorithm,
                    bits: info.bits,
                    matches_certificate: self.key_matches_certificate(),
                }
            }),
            key_attributes: self.key_attributes.clone(),
            certificates: self
                .certificates
                .iter()
                .map(|c| {
                    let f = crate::x509::facts(&c.certificate);
                    CertificateReport {
                        subject_cn: f.subject_cn,
                        subject: f.subject,
                        issuer: f.issuer,
                        serial: f.serial,
                        not_before: f.not_before,
                        not_after: f.not_after,
                        emails: f.emails,
                        role: c.role,
                        friendly_name: c.attributes.friendly_name.clone(),
                        local_key_id: c.attributes.local_key_id.clone(),
                    }
                })
                .collect(),
            encryption: self.encryption.clone(),
            findings: self.findings.clone(),
        }
    }
}

struct RawBag {
    kind: BagKind,
    attributes: BagAttributes,
}

enum BagKind {
    Key(PrivateKey),
    Cert(Box<Certificate>),
}

struct OpenState<'p> {
    password: &'p Password,
    bmp: Zeroizing<Vec<u8>>,
    encoding: PasswordEncoding,
    bags: Vec<RawBag>,
    cert_scheme: Option<Scheme>,
    key_scheme: Option<Scheme>,
    key_iterations: Option<u32>,
    cert_iterations: Option<u32>,
    legacy: bool,
    ignored_bags: usize,
    mac_verified: bool,
    /// The MAC key's derivation, once verified (for [`check_mac`]).
    mac_derived: Option<Derived>,
    /// KDF iterations run (or asked for) so far, and the most this open may spend.
    kdf_work: u64,
    kdf_budget: u64,
}

impl<'p> OpenState<'p> {
    fn new(password: &'p Password, kdf_budget: u64) -> Self {
        OpenState {
            password,
            bmp: password.bmp(),
            encoding: PasswordEncoding::Bmp,
            bags: Vec::new(),
            cert_scheme: None,
            key_scheme: None,
            key_iterations: None,
            cert_iterations: None,
            legacy: false,
            ignored_bags: 0,
            mac_verified: false,
            mac_derived: None,
            kdf_work: 0,
            kdf_budget,
        }
    }

    /// Books `iterations` of KDF work before running them: refuses once the file's total
    /// would pass the budget ([`MAX_KDF_WORK`] unless the caller chose less).
    fn charge_kdf(&mut self, iterations: u64) -> Result<(), Pkcs12Error> {
        let total = self.kdf_work.saturating_add(iterations);
        if total > self.kdf_budget {
            return Err(Pkcs12Error::LimitExceeded {
                what: "total kdf iterations",
                value: total,
                limit: self.kdf_budget,
            });
        }
        self.kdf_work = total;
        Ok(())
    }
}

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

fn pbmac1_derivation(mac_data: &[u8]) -> Option<Derivation> {
    let mut m = DerReader::new(mac_data);
    let mut alg = m.sequence().ok()?.sequence().ok()?;
    if !is(alg.oid().ok()?, crate::oid::PBMAC1) {
        return None;
    }
    let mut params = alg.sequence().ok()?;
    let mut kdf = params.sequence().ok()?;
    if !is(kdf.oid().ok()?, crate::oid::PBKDF2) {
        return None;
    }
    let (prf, salt, iterations, key_len) = pbe::parse_pbkdf2_params(&mut kdf.sequence().ok()?).ok()?;
    let hmac = Hash::from_hmac_oid(params.sequence().ok()?.oid().ok()?).ok()?;
    let len = usize::try_from(key_len.unwrap_or(hmac.output_len() as u64)).ok()?;
    Some(Derivation::Pbkdf2 { prf, salt, iterations, len })
}

/// Whether the bytes start like a PFX (`SEQUENCE { INTEGER 3, ...`), however the rest reads.
pub(crate) fn looks_like_pkcs12(input: &[u8]) -> bool {
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
fn with_pfx<T>(input: &[u8], f: impl FnOnce(&[u8], Option<&[u8]>) -> Result<T, Pkcs12Error>) -> Result<T, Pkcs12Error> {
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
            findings.push(Finding::new(
                "no_mac",
                Severity::Warning,
                "このファイルには改ざん検知(MAC)がありません。途中で書き換えられても気づけません。信頼できる入手元のファイルか確認し、Inkan で作り直す(再パック)ことをおすすめします。",
                "This file has no integrity check (MAC): tampering would go unnoticed. Make sure it came from a trusted source, and re-pack it with Inkan.",
            ));
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

/// Verifies the MAC, trying the password encodings real tools use. Returns (name, iterations).
fn verify_mac(mac_data: &[u8], auth_safe: &[u8], state: &mut OpenState<'_>) -> Result<(Mac, u32), Pkcs12Error> {
    let mut m = DerReader::new(mac_data);
    let mut digest_info = m.sequence()?;
    let mut alg = digest_info.sequence()?;
    let alg_oid = alg.oid()?;
    let expected = digest_info.octet_string()?;
    let salt = m.octet_string()?;
    pbe::check_salt(salt)?;
    let iterations = match m.peek_tag() {
        Some(tag::INTEGER) => m.uint()?,
        _ => 1,
    };
    if iterations == 0 {
        return Err(Pkcs12Error::Corrupt { detail: "mac iterations" });
    }
    if iterations > MAX_KDF_ITERATIONS {
        return Err(Pkcs12Error::LimitExceeded {
            what: "mac iterations",
            value: iterations,
            limit: MAX_KDF_ITERATIONS,
        });
    }
    let iterations = u32::try_from(iterations).map_err(|_| Pkcs12Error::Corrupt { detail: "mac iterations" })?;

    if is(alg_oid, crate::oid::PBMAC1) {
        // RFC 9579: the key comes from PBKDF2 over the UTF-8 password; MacData's own salt and
        // iterations are ignored.
        let mut params = alg.sequence()?;
        let mut kdf = params.sequence()?;
        let kdf_oid = kdf.oid()?;
        if !is(kdf_oid, crate::oid::PBKDF2) {
            return Err(Pkcs12Error::UnsupportedAlgorithm { algorithm: crate::oid::algorithm_name(kdf_oid) });
        }
        let (prf, kdf_salt, kdf_iter, key_len) = pbe::parse_pbkdf2_params(&mut kdf.sequence()?)?;
        let mut scheme = params.sequence()?;
        let hmac = Hash::from_hmac_oid(scheme.oid()?)?;
        let key_len = usize::try_from(key_len.unwrap_or(hmac.output_len() as u64))
            .ok()
            .filter(|&l| (1..=64).contains(&l))
            .ok_or(Pkcs12Error::Corrupt { detail: "pbmac1 key length" })?;
        let derivation = Derivation::Pbkdf2 { prf, salt: kdf_salt, iterations: kdf_iter, len: key_len };
        state.charge_kdf(u64::from(kdf_iter))?;
        let key = state.password.derive(&derivation);
        if !constant_time_eq(&hmac.hmac(&key, auth_safe), expected) {
            return Err(Pkcs12Error::WrongPassword);
        }
        state.mac_verified = true;
        state.mac_derived = Some((derivation, key));
        return Ok((Mac::Pbmac1(hmac), kdf_iter));
    }

    let hash = Hash::from_digest_oid(alg_oid)?;
    let mut candidates = vec![(PasswordEncoding::Bmp, state.password.bmp())];
    candidates.extend(state.password.bmp_alternatives());
    for (encoding, bmp) in candidates {
        let derivation = Derivation::Pkcs12 {
            hash,
            encoded: bmp.clone(),
            salt: salt.to_vec(),
            purpose: KdfPurpose::Mac,
            iterations,
            len: hash.output_len(),
        };
        state.charge_kdf(u64::from(iterations))?;
        let key = state.password.derive(&derivation);
        if constant_time_eq(&hash.hmac(&key, auth_safe), expected) {
            state.mac_derived = Some((derivation, key));
            state.bmp = bmp;
            state.encoding = encoding;
            state.mac_verified = true;
            if hash == Hash::Sha1 {
                state.legacy = true;
            }
            return Ok((Mac::Hmac(hash), iterations));
        }
    }
    Err(Pkcs12Error::WrongPassword)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Decrypts with the password encoding already found, or, with no MAC to tell, each
/// candidate in turn. A failure after the MAC verified means damage, not a wrong password.
fn decrypt(scheme: &PbeScheme, data: &[u8], state: &mut OpenState<'_>) -> Result<Zeroizing<Vec<u8>>, Pkcs12Error> {
    state.charge_kdf(scheme.kdf_work())?;
    match scheme.decrypt(state.password, &state.bmp, data) {
        Ok(p) => return Ok(p),
        Err(PbeError::DecryptFailed) if state.mac_verified => {
            return Err(Pkcs12Error::Corrupt { detail: "bag decryption after mac" });
        }
        Err(PbeError::DecryptFailed) => {}
        Err(e) => return Err(e.into()),
    }
    if matches!(scheme, PbeScheme::Pkcs12 { .. }) {
        for (encoding, bmp) in state.password.bmp_alternatives() {
            state.charge_kdf(scheme.kdf_work())?;
            if let Ok(p) = scheme.decrypt(state.password, &bmp, data) {
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

fn finish(
    state: OpenState<'_>,
    mut findings: Vec<Finding>,
    mac: Mac,
    mac_iterations: u32,
) -> Result<OpenedPkcs12, Pkcs12Error> {
    let mut keys = Vec::new();
    let mut certs = Vec::new();
    for (i, bag) in state.bags.into_iter().enumerate() {
        match bag.kind {
            BagKind::Key(k) => keys.push((k, bag.attributes)),
            BagKind::Cert(c) => certs.push((*c, bag.attributes, i)),
        }
    }
    // The leaf: the certificate of a key in the file; else one that issued nothing else.
    let mut key_index = None;
    let mut leaf_index = None;
    'outer: for (ki, (k, _)) in keys.iter().enumerate() {
        let pk = k.public_key();
        for (ci, (c, _, _)) in certs.iter().enumerate() {
            if crate::x509::public_key(c).as_ref() == Some(&pk) {
                key_index = Some(ki);
                leaf_index = Some(ci);
                break 'outer;
            }
        }
    }
    if leaf_index.is_none() {
        leaf_index = certs.iter().position(|(c, _, _)| {
            !certs.iter().any(|(o, _, _)| o != c && o.tbs_certificate().issuer() == c.tbs_certificate().subject())
        });
    }
    if !keys.is_empty() && key_index.is_none() && !certs.is_empty() {
        findings.push(Finding::new(
            "key_certificate_mismatch",
            Severity::Error,
            "ファイル内の秘密鍵が、どの証明書とも対応していません。このファイルではメールの署名・復号やログインができません。",
            "The private key in this file matches none of its certificates. This file cannot sign, decrypt or log in.",
        ));
    }
    if keys.len() > 1 {
        findings.push(Finding::new(
            "multiple_keys",
            Severity::Info,
            format!("秘密鍵が {} 個入っています。証明書に対応する鍵を使います。", keys.len()),
            format!("The file holds {} private keys; the one matching the certificate is used.", keys.len()),
        ));
    }
    let (key, key_attributes) = match key_index.or(if keys.is_empty() { None } else { Some(0) }) {
        Some(i) => {
            let (k, a) = keys.swap_remove(i);
            (Some(k), a)
        }
        None => (None, BagAttributes::default()),
    };

    // Order: leaf, then issuers by name, then the rest.
    let mut ordered: Vec<CertificateEntry> = Vec::new();
    if let Some(li) = leaf_index {
        let (c, a, idx) = certs.remove(li);
        ordered.push(CertificateEntry { certificate: c, attributes: a, role: Role::Leaf, file_index: idx });
        while let Some(last) = ordered.last() {
            let tbs = last.certificate.tbs_certificate();
            if tbs.subject() == tbs.issuer() {
                break;
            }
            let issuer = tbs.issuer().clone();
            let Some(pos) = certs.iter().position(|(c, _, _)| *c.tbs_certificate().subject() == issuer) else { break };
            let (c, a, idx) = certs.remove(pos);
            ordered.push(CertificateEntry { certificate: c, attributes: a, role: Role::Intermediate, file_index: idx });
        }
    }
    for entry in ordered.iter_mut().skip(1) {
        let tbs = entry.certificate.tbs_certificate();
        if tbs.subject() == tbs.issuer() {
            entry.role = Role::Root;
        }
    }
    let has_leaf = !ordered.is_empty();
    let unrelated = if has_leaf { certs.len() } else { 0 };
    for (c, a, idx) in certs {
        // Without a leaf (a trust store), each certificate is described by what it is.
        let role = if has_leaf {
            Role::Other
        } else if c.tbs_certificate().subject() == c.tbs_certificate().issuer() {
            Role::Root
        } else {
            Role::Intermediate
        };
        ordered.push(CertificateEntry { certificate: c, attributes: a, role, file_index: idx });
    }
    if unrelated > 0 {
        findings.push(Finding::new(
            "unrelated_certificates",
            Severity::Info,
            format!("本人の証明書の発行経路に含まれない証明書が {unrelated} 枚入っています。"),
            format!("{unrelated} certificate(s) in the file are not part of the leaf's chain."),
        ));
    }
    if ordered.len() > 1 {
        let mut file_order: Vec<usize> = ordered.iter().map(|e| e.file_index).collect();
        let leaf_first = ordered.first().map(|e| e.file_index) == file_order.iter().min().copied();
        file_order.sort_unstable();
        if !leaf_first {
            findings.push(Finding::new(
                "chain_not_leaf_first",
                Severity::Info,
                "ファイル内の証明書が「本人の証明書が先頭」の順になっていません。多くのソフトは問題ありませんが、一部の古いソフトは別の証明書を本人のものと誤認します。再パックすると順序を直せます。",
                "The certificates in the file are not in leaf-first order. Most software copes, but some older software picks the wrong certificate. Re-packing fixes the order.",
            ));
        }
    }

    if state.legacy {
        findings.push(Finding::new(
            "legacy_encryption",
            Severity::Info,
            "古い暗号方式(3DES/RC2 と SHA-1)で保護されています。Mac・iPhone・Android・古い Windows との互換性のための方式です。Windows 10/11 や Firefox だけで使うなら、新しい方式(AES)への再パックで安全性が上がります。",
            "The file is protected with legacy encryption (3DES/RC2 and SHA-1), chosen for Mac, iPhone, Android and older Windows. If you only use Windows 10/11 or Firefox, re-packing with the modern profile (AES) is safer.",
        ));
    }
    if state.encoding == PasswordEncoding::WidenedUtf8 {
        findings.push(Finding::new(
            "legacy_password_encoding",
            Severity::Warning,
            "パスワードが古い方式で符号化されていました(OpenSSL 1.0 以前など)。他のソフトでは開けない可能性があるため、再パックをおすすめします。",
            "The password was encoded the old way (OpenSSL 1.0 and earlier). Other software may fail to open this file; re-pack it.",
        ));
    }
    if state.password.is_non_ascii() {
        findings.push(Finding::non_ascii_password());
    }
    if state.password.is_empty() && key.is_some() {
        findings.push(empty_password_finding());
    }
    if state.ignored_bags > 0 {
        findings.push(Finding::new(
            "ignored_bags",
            Severity::Info,
            format!("証明書・鍵以外のデータが {} 個入っていましたが、使いません。", state.ignored_bags),
            format!("{} items other than keys and certificates were ignored.", state.ignored_bags),
        ));
    }
    if key.is_none() {
        findings.push(Finding::new(
            "no_private_key",
            Severity::Warning,
            "秘密鍵が入っていません。このファイルだけでは署名・復号・ログインはできません。",
            "The file contains no private key; it cannot be used to sign, decrypt or log in on its own.",
        ));
    }

    let iterations = state.key_iterations.or(state.cert_iterations).unwrap_or(0);
    let encryption = EncryptionFacts {
        certificates: state.cert_scheme.unwrap_or_default(),
        key: state.key_scheme.unwrap_or_default(),
        mac,
        iterations,
        mac_iterations,
    };
    let other_keys = keys.into_iter().map(|(k, _)| k).collect();
    Ok(OpenedPkcs12 {
        key,
        key_attributes,
        certificates: ordered,
        encryption,
        findings,
        other_keys,
        ignored_bags: state.ignored_bags,
    })
}

/// Opens a `.p12` and writes it again: new password and/or other profile, chain in order.
pub fn repack<R: CryptoRng + ?Sized>(
    input: &[u8],
    old_password: &Password,
    new_password: &Password,
    options: &BuildOptions,
    rng: &mut R,
) -> Result<BuiltPkcs12, Pkcs12Error> {
    let opened = open(input, old_password)?;
    let parts = RepackParts::of(&opened, options)?;
    build(&parts.key, &parts.leaf, &parts.chain, new_password, &parts.options, rng)
}

/// What a repack writes: an opened file's key, leaf and chain, checked to lose nothing.
#[derive(Debug)]
pub struct RepackParts {
    /// The private key.
    pub key: PrivateKey,
    /// The key's certificate.
    pub leaf: Certificate,
    /// The rest of the chain.
    pub chain: Vec<Certificate>,
    /// The build options, with the old friendly name kept when none is given.
    pub options: BuildOptions,
}

impl RepackParts {
    /// Takes what a repack of `opened` writes, or says what it would lose.
    pub fn of(opened: &OpenedPkcs12, options: &BuildOptions) -> Result<Self, Pkcs12Error> {
        let key = opened.key.as_ref().ok_or(Pkcs12Error::Missing { what: "key" })?;
        if !opened.other_keys.is_empty() {
            return Err(Pkcs12Error::RepackWouldLoseContent {
                what: format!("{} other private key(s)", opened.other_keys.len()),
            });
        }
        if opened.ignored_bags > 0 {
            return Err(Pkcs12Error::RepackWouldLoseContent { what: format!("{} other item(s)", opened.ignored_bags) });
        }
        if opened.certificates.iter().any(|c| c.role == Role::Other) {
            return Err(Pkcs12Error::RepackWouldLoseContent { what: "certificates outside the key's chain".into() });
        }
        if !opened.key_matches_certificate() {
            return Err(Pkcs12Error::KeyCertificateMismatch);
        }
        let leaf = opened.leaf().ok_or(Pkcs12Error::Missing { what: "certificate" })?;
        let chain: Vec<Certificate> =
            opened.certificates.iter().filter(|c| c.role != Role::Leaf).map(|c| c.certificate.clone()).collect();
        let mut options = options.clone();
        if options.friendly_name.is_none() {
            options.friendly_name =
                opened.key_attributes.friendly_name.clone().or_else(|| leaf.attributes.friendly_name.clone());
        }
        Ok(RepackParts { key: key.clone(), leaf: leaf.certificate.clone(), chain, options })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyAlgorithm;
    use crate::test_support::{rng, self_signed, test};

    fn fixture(alg: KeyAlgorithm) -> (PrivateKey, Certificate, Vec<Certificate>) {
        let ca_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("ca key");
        let ca = self_signed(&ca_key, "Inkan Test Root CA", None);
        let key = PrivateKey::generate(alg, &mut rng()).expect("key");
        let leaf = self_signed(&key, "山田 太郎", Some((&ca_key, &ca)));
        (key, leaf, vec![ca])
    }

    #[test]
    fn both_profiles_round_trip_with_japanese_ascii_and_empty_passwords() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        for profile in [Pkcs12Profile::Modern, Pkcs12Profile::Legacy] {
            for pw in ["correct horse", "秘密のパスワード", ""] {
                let password = Password::new(pw);
                let opts = BuildOptions { profile, iterations: Some(1000), friendly_name: None };
                let built = build(&key, &leaf, &chain, &password, &opts, &mut rng()).expect("build");
                let opened = open(&built.der, &password).expect("open");
                assert!(opened.key_matches_certificate());
                assert_eq!(opened.certificates.len(), 2);
                assert_eq!(opened.certificates[0].role, Role::Leaf);
                assert_eq!(opened.certificates[1].role, Role::Root);
                assert_eq!(opened.certificates[0].attributes.friendly_name.as_deref(), Some("山田 太郎"));
                assert!(opened.certificates[0].attributes.local_key_id.is_some());
                assert_eq!(opened.certificates[1].attributes, BagAttributes::default());
                assert_eq!(opened.key_attributes.local_key_id, opened.certificates[0].attributes.local_key_id);
                let expected_scheme = match profile {
                    Pkcs12Profile::Modern => "pbes2-pbkdf2-hmac-sha256-aes-256-cbc",
                    Pkcs12Profile::Legacy => "pbe-sha1-3des",
                };
                assert_eq!(opened.encryption.certificates.to_string(), expected_scheme);
                assert_eq!(opened.encryption.key.to_string(), expected_scheme);
                assert_eq!(opened.encryption.iterations, 1000);
                assert_eq!(opened.encryption.mac_iterations, 1000);
                assert_eq!(opened.has_finding("legacy_encryption"), profile == Pkcs12Profile::Legacy);
                assert_eq!(opened.has_finding("non_ascii_password"), pw == "秘密のパスワード");
                let err = open(&built.der, &Password::new("wrong")).expect_err("wrong password");
                assert_eq!(err, Pkcs12Error::WrongPassword);
            }
        }
    }

    #[test]
    fn a_key_that_is_not_the_leafs_is_refused() {
        let (_, leaf, chain) = fixture(KeyAlgorithm::P256);
        let other = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("key");
        let err =
            build(&other, &leaf, &chain, &Password::new("x"), &BuildOptions::new(Pkcs12Profile::Legacy), &mut rng())
                .expect_err("mismatch");
        assert_eq!(err.code(), "key_certificate_mismatch");
    }

    #[test]
    fn the_chain_is_put_leaf_first_whatever_order_it_came_in() {
        let root_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let root = self_signed(&root_key, "Root", None);
        let int_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let int = self_signed(&int_key, "Intermediate", Some((&root_key, &root)));
        let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("k");
        let leaf = self_signed(&key, "Leaf", Some((&int_key, &int)));
        let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
        let built =
            build(&key, &leaf, &[root.clone(), leaf.clone(), int.clone()], &Password::new("p"), &opts, &mut rng())
                .expect("build");
        let opened = open(&built.der, &Password::new("p")).expect("open");
        let roles: Vec<_> =
            opened.certificates.iter().map(|c| (crate::x509::facts(&c.certificate).subject_cn, c.role)).collect();
        assert_eq!(
            roles,
            [
                ("Leaf".to_owned(), Role::Leaf),
                ("Intermediate".to_owned(), Role::Intermediate),
                ("Root".to_owned(), Role::Root)
            ]
        );
        assert!(!opened.has_finding("chain_not_leaf_first"));
    }

    #[test]
    fn repack_switches_profile_and_password() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts =
            BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: Some("Mine".into()) };
        let built = build(&key, &leaf, &chain, &Password::new("old"), &opts, &mut rng()).expect("build");
        let legacy = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
        let repacked =
            repack(&built.der, &Password::new("old"), &Password::new("新しい"), &legacy, &mut rng()).expect("repack");
        let opened = open(&repacked.der, &Password::new("新しい")).expect("open");
        assert_eq!(opened.encryption.key.to_string(), "pbe-sha1-3des");
        assert_eq!(opened.key_attributes.friendly_name.as_deref(), Some("Mine"));
        assert_eq!(opened.key.expect("key").public_key(), key.public_key());
    }

    #[test]
    fn derivations_made_elsewhere_are_used_and_give_the_same_file() {
        // The browser binding derives PBKDF2 in WebCrypto and the MAC key here; this is the
        // sans-I/O half of it: the plan names the derivations, the password carries outputs.
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let pw = Password::new("秘密-pin");
        let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
        let plan = BuildPlan::new(&opts, &mut rng()).expect("plan");
        let pbkdf2 = plan.pbkdf2_derivations();
        assert_eq!(pbkdf2.len(), 2, "certificate safe and key bag");
        let mut carried = pw.clone();
        for d in pbkdf2.iter().chain([&plan.mac_derivation(&pw)]) {
            carried = carried.with_derived(d.clone(), d.compute(&pw));
        }
        let built = build_planned(&key, &leaf, &chain, &carried, &opts, &plan).expect("build");
        assert_eq!(open(&built.der, &pw).expect("plain open").key.expect("key").public_key(), key.public_key());

        // Opening: the file names the same PBKDF2 derivations, and check_mac the MAC's.
        let wanted = pbkdf2_derivations(&built.der);
        assert_eq!(wanted.len(), 2);
        assert!(wanted.iter().all(|d| pbkdf2.contains(d)), "{wanted:?}");
        let (mac, mac_key) = check_mac(&built.der, &pw).expect("mac").expect("has a mac");
        assert_eq!(mac, plan.mac_derivation(&pw));
        let mut carried = pw.clone().with_derived(mac, mac_key);
        for d in &wanted {
            carried = carried.with_derived(d.clone(), d.compute(&pw));
        }
        assert!(open(&built.der, &carried).expect("open").key_matches_certificate());

        // The outputs really are used: a wrong one breaks decryption after the MAC passed.
        let mut wrong = pw.clone();
        for d in &wanted {
            wrong = wrong.with_derived(d.clone(), Zeroizing::new(vec![0u8; 32]));
        }
        assert!(matches!(open(&built.der, &wrong), Err(Pkcs12Error::Corrupt { .. })));
        assert!(open(&built.der, &wrong.without_derived()).is_ok());

        assert!(matches!(check_mac(&built.der, &Password::new("wrong")), Err(Pkcs12Error::WrongPassword)));
    }

    #[test]
    fn legacy_files_need_no_pbkdf2_and_junk_names_none() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
        let built = build(&key, &leaf, &chain, &Password::new("pw"), &opts, &mut rng()).expect("build");
        assert!(pbkdf2_derivations(&built.der).is_empty());
        assert!(BuildPlan::new(&opts, &mut rng()).expect("plan").pbkdf2_derivations().is_empty());
        for junk in [&b""[..], b"\x30\x03\x02\x01\x03", b"not a p12", &built.der[..built.der.len() / 2]] {
            assert!(pbkdf2_derivations(junk).is_empty());
        }
    }

    #[test]
    fn every_truncation_is_an_error_never_a_panic() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
        let built = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build");
        for cut in (1..built.der.len()).step_by(7) {
            let err = open(&built.der[..cut], &Password::new("p")).expect_err("truncated");
            assert!(
                matches!(err, Pkcs12Error::Truncated | Pkcs12Error::Corrupt { .. } | Pkcs12Error::NotPkcs12),
                "{cut}: {err:?}"
            );
        }
        assert_eq!(
            open(&built.der[..built.der.len() - 10], &Password::new("p")).expect_err("t"),
            Pkcs12Error::Truncated
        );
    }

    #[test]
    fn bit_flips_are_errors_never_panics() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1000), friendly_name: None };
        let built = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build");
        for i in (0..built.der.len()).step_by(13) {
            let mut bad = built.der.clone();
            bad[i] ^= 0x5a;
            // Every flip must be caught (the MAC covers the contents; the rest is structure).
            assert!(open(&bad, &Password::new("p")).is_err(), "flip at {i} went unnoticed");
        }
    }

    #[test]
    fn non_pkcs12_inputs_get_specific_codes() {
        let (_, leaf, _) = fixture(KeyAlgorithm::P256);
        let cert_der = leaf.to_der().expect("der");
        let pw = Password::new("p");
        assert_eq!(open(b"", &pw).expect_err("e").code(), "empty_input");
        assert_eq!(open(&cert_der, &pw).expect_err("cert").code(), "not_pkcs12");
        assert_eq!(open(b"-----BEGIN CERTIFICATE-----\n", &pw).expect_err("pem").code(), "not_pkcs12");
        assert_eq!(open(&[0x89, b'P', b'N', b'G'], &pw).expect_err("png").code(), "not_pkcs12");
        assert_eq!(open(&vec![0x30; MAX_INPUT_BYTES + 1], &pw).expect_err("big").code(), "too_large");
    }

    #[test]
    fn total_kdf_work_of_one_file_is_capped() {
        // Every derivation counts towards one budget: the MAC (N), then per encrypted part PBKDF2
        // once (modern) or the PKCS#12 KDF for key and IV (legacy, 2N each).
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let password = Password::new("秘密");
        for (profile, work) in [(Pkcs12Profile::Modern, 3_000), (Pkcs12Profile::Legacy, 5_000)] {
            let opts = BuildOptions { profile, iterations: Some(1000), friendly_name: None };
            let built = build(&key, &leaf, &chain, &password, &opts, &mut rng()).expect("build");
            open_within(&built.der, &password, work).expect("opens within exactly its work");
            let err = open_within(&built.der, &password, work - 1).expect_err("one iteration short");
            assert_eq!(err, Pkcs12Error::LimitExceeded { what: "total kdf iterations", value: work, limit: work - 1 });
            assert_eq!(err.code(), "limit_exceeded");
            // The MAC check alone books the MAC's derivation only.
            assert!(check_mac_within(&built.der, &password, 1000).expect("mac").is_some());
            let err = check_mac_within(&built.der, &password, 999).expect_err("mac over budget");
            assert_eq!(err.code(), "limit_exceeded");
        }
    }

    #[test]
    fn retried_password_encodings_are_charged_too() {
        // A wrong non-ASCII password is tried as BMPString, then as widened UTF-8 (old OpenSSL):
        // each candidate costs the MAC's iterations.
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
        let built = build(&key, &leaf, &chain, &Password::new("正しい"), &opts, &mut rng()).expect("build");
        let wrong = Password::new("違う");
        assert_eq!(open_within(&built.der, &wrong, 2_000).expect_err("wrong"), Pkcs12Error::WrongPassword);
        let err = open_within(&built.der, &wrong, 1_999).expect_err("budget");
        assert_eq!(err, Pkcs12Error::LimitExceeded { what: "total kdf iterations", value: 2_000, limit: 1_999 });
    }

    #[test]
    fn what_we_write_at_the_most_iterations_we_write_opens() {
        // limits.rs: five derivations (legacy) at MAX_WRITE_ITERATIONS fit in MAX_KDF_WORK. Run
        // with a budget of exactly five times a small count, the count the profiles scale by.
        assert!(5 * u64::from(MAX_WRITE_ITERATIONS) <= MAX_KDF_WORK);
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts = BuildOptions { profile: Pkcs12Profile::Legacy, iterations: Some(1234), friendly_name: None };
        let built = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build");
        open_within(&built.der, &Password::new("p"), 5 * 1234).expect("opens");
    }

    #[test]
    fn bytes_after_the_pfx_make_it_corrupt_not_another_kind_of_file() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(1000), friendly_name: None };
        let mut der = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect("build").der;
        der.extend_from_slice(&[0x00, 0x42]);
        assert_eq!(
            open(&der, &Password::new("p")).expect_err("trailing"),
            Pkcs12Error::Corrupt { detail: "pfx encoding" }
        );
    }

    #[test]
    fn iteration_bounds_are_enforced_on_write() {
        let (key, leaf, chain) = fixture(KeyAlgorithm::P256);
        for bad in [1, 999, MAX_WRITE_ITERATIONS + 1] {
            let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(bad), friendly_name: None };
            let err = build(&key, &leaf, &chain, &Password::new("p"), &opts, &mut rng()).expect_err("bounds");
            assert_eq!(err.code(), "invalid_iterations");
        }
    }

    #[test]
    fn encryption_facts_serialize_to_the_names_reports_always_used() {
        use crate::pbe::{Pbes2Cipher, Pkcs12Cipher};
        let modern = EncryptionFacts {
            certificates: Scheme::Encrypted(SchemeKind::Pbes2 { prf: Hash::Sha256, cipher: Pbes2Cipher::Aes256Cbc }),
            key: Scheme::Encrypted(SchemeKind::Pbes2 { prf: Hash::Sha1, cipher: Pbes2Cipher::DesEde3Cbc }),
            mac: Mac::Pbmac1(Hash::Sha512),
            iterations: 600_000,
            mac_iterations: 600_000,
        };
        assert_eq!(
            serde_json::to_string(&modern).expect("json"),
            r#"{"certificates":"pbes2-pbkdf2-hmac-sha256-aes-256-cbc","key":"pbes2-pbkdf2-hmac-sha1-des-ede3-cbc","mac":"pbmac1-hmac-sha512","iterations":600000,"mac_iterations":600000}"#
        );
        let legacy = EncryptionFacts {
            certificates: Scheme::Encrypted(SchemeKind::Pkcs12(Pkcs12Cipher::Rc2_40)),
            key: Scheme::Encrypted(SchemeKind::Pkcs12(Pkcs12Cipher::TripleDes3Key)),
            mac: Mac::Hmac(Hash::Sha1),
            iterations: 2048,
            mac_iterations: 2048,
        };
        assert_eq!(
            serde_json::to_string(&legacy).expect("json"),
            r#"{"certificates":"pbe-sha1-rc2-40","key":"pbe-sha1-3des","mac":"hmac-sha1","iterations":2048,"mac_iterations":2048}"#
        );
        assert_eq!(
            serde_json::to_string(&EncryptionFacts::default()).expect("json"),
            r#"{"certificates":"none","key":"none","mac":"none","iterations":0,"mac_iterations":0}"#
        );
        let names: Vec<String> =
            [Pkcs12Cipher::TripleDes2Key, Pkcs12Cipher::Rc2_128, Pkcs12Cipher::Rc4_128, Pkcs12Cipher::Rc4_40]
                .into_iter()
                .map(|c| Scheme::Encrypted(SchemeKind::Pkcs12(c)).to_string())
                .collect();
        assert_eq!(names, ["pbe-sha1-2des", "pbe-sha1-rc2-128", "pbe-sha1-rc4-128", "pbe-sha1-rc4-40"]);
        assert_eq!(Mac::Hmac(Hash::Sha256).to_string(), "hmac-sha256");
    }

    #[test]
    fn key_reports_serialize_key_types_by_their_old_names() {
        let report = |algorithm| KeyReport { algorithm, bits: 1, matches_certificate: true };
        let json: Vec<String> = [
            KeyType::Rsa,
            KeyType::EcP256,
            KeyType::EcP384,
            KeyType::named("ed25519".into()),
            KeyType::named("rsa".into()),
        ]
        .into_iter()
        .map(|t| serde_json::to_string(&report(t)).expect("json"))
        .collect();
        assert_eq!(
            json,
            [
                r#"{"algorithm":"rsa","bits":1,"matches_certificate":true}"#,
                r#"{"algorithm":"ec-p256","bits":1,"matches_certificate":true}"#,
                r#"{"algorithm":"ec-p384","bits":1,"matches_certificate":true}"#,
                r#"{"algorithm":"ed25519","bits":1,"matches_certificate":true}"#,
                r#"{"algorithm":"rsa","bits":1,"matches_certificate":true}"#,
            ]
        );
    }

    #[test]
    fn every_error_has_both_languages() {
        let errors = [
            Pkcs12Error::EmptyInput,
            Pkcs12Error::TooLarge { size: 1, limit: 0 },
            Pkcs12Error::NotPkcs12,
            Pkcs12Error::Truncated,
            Pkcs12Error::Corrupt { detail: "x" },
            Pkcs12Error::WrongPassword,
            Pkcs12Error::UnsupportedAlgorithm { algorithm: "rc5".into() },
            Pkcs12Error::LimitExceeded { what: "iterations", value: 2, limit: 1 },
            Pkcs12Error::KeyCertificateMismatch,
            Pkcs12Error::Missing { what: "key" },
            Pkcs12Error::Missing { what: "certificate" },
            Pkcs12Error::InvalidIterations { value: 1, min: 2, max: 3 },
            Pkcs12Error::PasswordTooLong { limit: 1 },
            Pkcs12Error::UnsupportedKeyType { algorithm: "ed25519".into() },
            Pkcs12Error::RepackWouldLoseContent { what: "x".into() },
        ];
        let mut codes = std::collections::BTreeSet::new();
        for e in errors {
            let m = e.message();
            assert!(!m.ja.is_ascii() && !m.en.is_empty(), "{}", e.code());
            codes.insert(e.code());
        }
        for required in [
            "wrong_password",
            "truncated",
            "corrupt",
            "not_pkcs12",
            "unsupported_algorithm",
            "empty_input",
            "too_large",
            "limit_exceeded",
            "key_certificate_mismatch",
        ] {
            assert!(codes.contains(required), "{required}");
        }
    }
}
