//! What opening has learnt so far: the bags read, which schemes protected what, how the
//! password was encoded, and the KDF work spent against the file's budget. `open` and `mac`
//! fill it in; `assemble` turns it into an [`super::OpenedPkcs12`].

use x509_cert::Certificate;
use zeroize::Zeroizing;

use crate::keys::PrivateKey;
use crate::password::{Derived, Password, PasswordEncoding};

use super::error::Pkcs12Error;
use super::report::{BagAttributes, Scheme};

pub(super) struct RawBag {
    pub(super) kind: BagKind,
    pub(super) attributes: BagAttributes,
}

pub(super) enum BagKind {
    Key(PrivateKey),
    Cert(Box<Certificate>),
}

pub(super) struct OpenState<'p> {
    pub(super) password: &'p Password,
    pub(super) bmp: Zeroizing<Vec<u8>>,
    pub(super) encoding: PasswordEncoding,
    pub(super) bags: Vec<RawBag>,
    pub(super) cert_scheme: Option<Scheme>,
    pub(super) key_scheme: Option<Scheme>,
    pub(super) key_iterations: Option<u32>,
    pub(super) cert_iterations: Option<u32>,
    pub(super) legacy: bool,
    pub(super) ignored_bags: usize,
    pub(super) mac_verified: bool,
    /// The MAC key's derivation, once verified (for [`check_mac`]).
    pub(super) mac_derived: Option<Derived>,
    /// KDF iterations run (or asked for) so far, and the most this open may spend.
    pub(super) kdf_work: u64,
    pub(super) kdf_budget: u64,
}

impl<'p> OpenState<'p> {
    pub(super) fn new(password: &'p Password, kdf_budget: u64) -> Self {
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
    /// would pass the budget ([`crate::limits::MAX_KDF_WORK`] unless the caller chose less).
    pub(super) fn charge_kdf(&mut self, iterations: u64) -> Result<(), Pkcs12Error> {
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
