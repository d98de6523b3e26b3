//! What can go wrong building or opening a `.p12`, with its code and both texts.

use crate::asn1::Asn1Error;
use crate::keys::KeyError;
use crate::pbe::PbeError;
use inkan_i18n::{Localized, Message};

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
