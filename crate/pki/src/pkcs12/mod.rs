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
//!
//! Layout: `plan` (profiles, options, salts and IVs), `build` (writing), `mac` (the MAC, written
//! and verified), `open` (reading the PFX and its bags), `assemble` (bags to an opened file),
//! `state` (what opening has learnt so far), `report` (what an opened file says), `repack`,
//! `error`. Every public item is re-exported here.

mod assemble;
mod build;
mod error;
mod mac;
mod open;
mod plan;
mod repack;
mod report;
mod state;
#[cfg(test)]
mod tests;

pub use build::{BuiltPkcs12, build, build_planned, order_chain};
pub use error::Pkcs12Error;
pub use open::looks_like_pkcs12;
pub use open::{check_mac, check_mac_within, open, open_within, pbkdf2_derivations};
pub use plan::{BuildOptions, BuildPlan, OpenPlan, Pkcs12Profile};
pub use repack::{RepackParts, repack};
pub use report::{EncryptionFacts, KeyReport, Mac, OpenedPkcs12, Role};

use const_oid::ObjectIdentifier;

use crate::limits::MAX_PASSWORD_CHARS;
use crate::password::Password;

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

fn is(o: &[u8], known: ObjectIdentifier) -> bool {
    o == known.as_bytes()
}

fn check_password(password: &Password) -> Result<(), Pkcs12Error> {
    if password.char_len() > MAX_PASSWORD_CHARS {
        return Err(Pkcs12Error::PasswordTooLong { limit: MAX_PASSWORD_CHARS });
    }
    Ok(())
}
