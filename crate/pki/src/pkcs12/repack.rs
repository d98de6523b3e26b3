//! Re-packing: open, check nothing would be lost, build again.

use rand_core::CryptoRng;
use x509_cert::Certificate;

use crate::keys::PrivateKey;
use crate::password::Password;

use super::build::{BuiltPkcs12, build};
use super::error::Pkcs12Error;
use super::open::open;
use super::plan::BuildOptions;
use super::report::{OpenedPkcs12, Role};

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
