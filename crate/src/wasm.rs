//! The browser binding: converts types and errors, nothing else.
//!
//! Every export returns `Result<_, JsValue>`; an error becomes a JS `Error` whose `message`
//! is English and which carries `code` (stable), `ja` and `en`. No function panics on user
//! input, because a panic in wasm kills the module for the rest of the page's life.
//! Time comes from JS (`Date.now()`): `SystemTime` traps on wasm32-unknown-unknown.
//!
//! The exports are split by cargo feature so the site ships two modules (scripts/build-wasm.sh):
//! `pki` (the `Key` class, PKCS#12, certificates, CSRs, `inspectAsync`) and `knowledge` (`products`,
//! `expiryPlan`, `expiryIcs`, `advise`, `advisorQuestions`); `version` is in both. A page that
//! only plans or advises never downloads the cryptography. A third, `rsa-keygen`, is RSA key
//! generation alone (`generateRsaPkcs8`): the PKI module's `Key.generateAsync` has WebCrypto
//! make RSA keys, so the prime-generation code is fetched only where WebCrypto is missing or
//! refuses (`www/js/inkan.worker.js` loads it on `rsa_keygen_not_built_in`).

#[cfg(any(feature = "pki", feature = "rsa-keygen"))]
use js_sys::Uint8Array;
use js_sys::{Object, Reflect};
#[cfg(any(feature = "pki", feature = "knowledge"))]
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "pki")]
use js_sys::Promise;
#[cfg(feature = "pki")]
use wasm_bindgen_futures::future_to_promise;
#[cfg(feature = "pki")]
use x509_cert::Certificate;

use crate::i18n::{Localized, Message};
#[cfg(feature = "pki")]
use crate::{BuildOptions, Pkcs12Profile};
// The PKI exports read their option objects by hand rather than with serde: serde's
// deserialisation errors format floats, and core's float formatting alone is 14 KB of the
// module. Same rules as the serde derive with `#[serde(default)]`: `undefined`/`null` (or a
// missing field) means the default, unknown fields are ignored, a wrong type is an error.
#[cfg(feature = "pki")]
mod read {
    use js_sys::{Array, Reflect};
    use wasm_bindgen::JsValue;

    use super::invalid;
    use crate::{CsrOptions, KeyPurpose, Subject};

    /// The object, or `None` for `undefined`/`null`.
    pub fn object(value: &JsValue, name: &str) -> Result<Option<JsValue>, JsValue> {
        if value.is_undefined() || value.is_null() {
            Ok(None)
        } else if value.is_object() && !Array::is_array(value) {
            Ok(Some(value.clone()))
        } else {
            Err(invalid(name, "expected an object"))
        }
    }

    fn field(obj: &JsValue, key: &str) -> Option<JsValue> {
        let v = Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        if v.is_undefined() || v.is_null() { None } else { Some(v) }
    }

    pub fn string(obj: &JsValue, name: &str, key: &str) -> Result<Option<String>, JsValue> {
        field(obj, key)
            .map(|v| v.as_string().ok_or_else(|| invalid(name, format!("{key}: expected a string"))))
            .transpose()
    }

    pub fn boolean(obj: &JsValue, name: &str, key: &str) -> Result<Option<bool>, JsValue> {
        field(obj, key)
            .map(|v| v.as_bool().ok_or_else(|| invalid(name, format!("{key}: expected true or false"))))
            .transpose()
    }

    pub fn uint(obj: &JsValue, name: &str, key: &str) -> Result<Option<u32>, JsValue> {
        field(obj, key)
            .map(|v| match v.as_f64() {
                Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => Ok(n as u32),
                _ => Err(invalid(name, format!("{key}: expected a whole number from 0 to 4294967295"))),
            })
            .transpose()
    }

    pub fn subject(value: &JsValue) -> Result<Subject, JsValue> {
        let Some(o) = object(value, "subject")? else { return Ok(Subject::default()) };
        let s = |key| string(&o, "subject", key);
        Ok(Subject {
            common_name: s("commonName")?.unwrap_or_default(),
            organization: s("organization")?,
            organizational_unit: s("organizationalUnit")?,
            country: s("country")?,
            email: s("email")?,
        })
    }

    pub fn csr_options(value: &JsValue) -> Result<CsrOptions, JsValue> {
        let mut out = CsrOptions::default();
        let Some(o) = object(value, "options")? else { return Ok(out) };
        if let Some(b) = boolean(&o, "options", "emailInSubject")? {
            out.email_in_subject = b;
        }
        if let Some(b) = boolean(&o, "options", "keyUsage")? {
            out.key_usage = b;
        }
        if let Some(list) = field(&o, "extendedKeyUsage") {
            if !Array::is_array(&list) {
                return Err(invalid("options", "extendedKeyUsage: expected an array"));
            }
            for item in Array::from(&list).iter() {
                out.extended_key_usage.push(match item.as_string().as_deref() {
                    Some("emailProtection") => KeyPurpose::EmailProtection,
                    Some("clientAuth") => KeyPurpose::ClientAuth,
                    _ => {
                        return Err(invalid(
                            "options",
                            "extendedKeyUsage: expected \"emailProtection\" or \"clientAuth\"",
                        ));
                    }
                });
            }
        }
        Ok(out)
    }
}

#[cfg(feature = "pki")]
use crate::Password;
#[cfg(any(feature = "pki", feature = "rsa-keygen"))]
use crate::{KeyAlgorithm, PrivateKey};

fn error(code: &str, message: &Message) -> JsValue {
    let e = js_sys::Error::new(&message.en);
    let o: &Object = e.as_ref();
    // Setting plain data properties on a fresh Error cannot fail.
    let _ = Reflect::set(o, &"code".into(), &code.into());
    let _ = Reflect::set(o, &"ja".into(), &message.ja.as_str().into());
    let _ = Reflect::set(o, &"en".into(), &message.en.as_str().into());
    let _ = Reflect::set(o, &"name".into(), &"InkanError".into());
    e.into()
}

fn js_err<E: Localized>(e: E) -> JsValue {
    error(e.code(), &e.message())
}

#[cfg(any(feature = "pki", feature = "knowledge"))]
fn invalid(name: &str, reason: impl Into<String>) -> JsValue {
    js_err(crate::Error::InvalidArgument { name: name.to_owned(), reason: reason.into() })
}

#[cfg(any(feature = "pki", feature = "knowledge"))]
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|e| invalid("result", e.to_string()))
}

#[cfg(feature = "knowledge")]
fn from_js<T: serde::de::DeserializeOwned + Default>(value: JsValue, name: &str) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| invalid(name, e.to_string()))
}

#[cfg(feature = "pki")]
/// A key backup's PIN (required) and iteration count (default [`crate::BACKUP_ITERATIONS`]).
fn backup_pin(pin: String, iterations: Option<u32>) -> Result<(Password, u32), JsValue> {
    let pin = Password::new(pin);
    if pin.is_empty() {
        return Err(invalid("pin", "a PIN is required to protect the key"));
    }
    let iterations = iterations.unwrap_or(crate::BACKUP_ITERATIONS);
    if !(crate::MIN_WRITE_ITERATIONS..=crate::MAX_WRITE_ITERATIONS).contains(&iterations) {
        return Err(invalid("iterations", "out of range"));
    }
    Ok((pin, iterations))
}

/// A private key living in wasm memory. Call `free()` when done: it zeroizes the key.
#[cfg(feature = "pki")]
#[wasm_bindgen(js_name = Key)]
pub struct WasmKey {
    inner: PrivateKey,
}

#[cfg(feature = "pki")]
#[derive(Default)]
struct Pkcs12Options {
    profile: Option<String>,
    iterations: Option<u32>,
    friendly_name: Option<String>,
}

#[cfg(feature = "pki")]
impl Pkcs12Options {
    /// `{profile?, iterations?, friendlyName?}`.
    fn from_js(value: &JsValue) -> Result<Self, JsValue> {
        let Some(o) = read::object(value, "options")? else { return Ok(Self::default()) };
        Ok(Self {
            profile: read::string(&o, "options", "profile")?,
            iterations: read::uint(&o, "options", "iterations")?,
            friendly_name: read::string(&o, "options", "friendlyName")?,
        })
    }

    fn build_options(self) -> Result<BuildOptions, JsValue> {
        let profile = match self.profile.as_deref() {
            None => Pkcs12Profile::Modern,
            Some(p) => Pkcs12Profile::from_name(p).ok_or_else(|| invalid("profile", "use \"modern\" or \"legacy\""))?,
        };
        Ok(BuildOptions { profile, iterations: self.iterations, friendly_name: self.friendly_name })
    }
}

#[cfg(feature = "pki")]
#[derive(Serialize)]
struct BuiltFile<'a> {
    findings: &'a [crate::Finding],
}

#[cfg(feature = "pki")]
fn built_to_js(built: crate::BuiltPkcs12) -> Result<JsValue, JsValue> {
    let out = to_js(&BuiltFile { findings: &built.findings })?;
    let _ = Reflect::set(&out, &"bytes".into(), &Uint8Array::from(built.der.as_slice()));
    Ok(out)
}

#[cfg(feature = "pki")]
#[wasm_bindgen(js_class = Key)]
impl WasmKey {
    /// `rsa2048`, `rsa3072`, `rsa4096`, `p256` or `p384`.
    #[wasm_bindgen(getter)]
    pub fn algorithm(&self) -> String {
        self.inner.algorithm().name().to_owned()
    }

    /// The SubjectPublicKeyInfo DER (public; safe to send).
    #[wasm_bindgen(js_name = publicKeyDer)]
    pub fn public_key_der(&self) -> Result<Vec<u8>, JsValue> {
        self.inner.public_key().to_spki_der().map_err(js_err)
    }

    /// Builds and signs a CSR. `subject`: `{commonName, organization?, organizationalUnit?,
    /// country?, email?}`; `options`: `{emailInSubject?, keyUsage?, extendedKeyUsage?:
    /// ["emailProtection","clientAuth"]}`. Returns `{pem, der: Uint8Array, parsed}`.
    #[wasm_bindgen(js_name = createCsr)]
    pub fn create_csr(&self, subject: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let subject = read::subject(&subject)?;
        let options = read::csr_options(&options)?;
        let csr = crate::build_csr(&self.inner, &subject, &options).map_err(js_err)?;
        let parsed = crate::parse_csr(&csr.der).map_err(js_err)?;
        let out = Object::new();
        let _ = Reflect::set(&out, &"pem".into(), &csr.pem.as_str().into());
        let _ = Reflect::set(&out, &"der".into(), &Uint8Array::from(csr.der.as_slice()));
        let _ = Reflect::set(&out, &"parsed".into(), &to_js(&parsed)?);
        Ok(out.into())
    }

    /// Whether this key belongs to the first certificate in `certificates` (PEM or DER).
    #[wasm_bindgen(js_name = matchesCertificate)]
    pub fn matches_certificate(&self, certificates: &[u8]) -> Result<bool, JsValue> {
        let certs = crate::parse_certificates(certificates).map_err(js_err)?;
        Ok(certs.first().and_then(crate::certificate_public_key).as_ref() == Some(&self.inner.public_key()))
    }

    /// The leaf is the certificate of this key, wherever it stands in the paste.
    fn leaf_and_chain(&self, certificates: &[u8]) -> Result<(Certificate, Vec<Certificate>), JsValue> {
        let mut certs = crate::parse_certificates(certificates).map_err(js_err)?;
        let public = self.inner.public_key();
        let Some(pos) = certs.iter().position(|c| crate::certificate_public_key(c).as_ref() == Some(&public)) else {
            return Err(js_err(crate::Pkcs12Error::KeyCertificateMismatch));
        };
        let leaf = certs.remove(pos);
        Ok((leaf, certs))
    }
}

#[cfg(feature = "pki")]
/// Whether `password` opens a `.p12`, checked on the MAC alone (one KDF, nothing decrypted);
/// files without a MAC are opened in full. `false` only for a wrong password: a damaged file
/// throws, because no candidate will ever open it.
#[wasm_bindgen(js_name = checkPkcs12Password)]
pub fn check_pkcs12_password(bytes: &[u8], password: String) -> Result<bool, JsValue> {
    use crate::Pkcs12Error;
    let password = Password::new(password);
    let result = match crate::check_pkcs12_mac(bytes, &password) {
        Ok(None) => crate::open_pkcs12(bytes, &password).map(|_| ()),
        other => other.map(|_| ()),
    };
    match result {
        Ok(()) => Ok(true),
        Err(Pkcs12Error::WrongPassword) => Ok(false),
        Err(e) => Err(js_err(e)),
    }
}

#[cfg(feature = "pki")]
/// Reads certificates (PEM bundle or DER) into plain facts, in input order.
#[wasm_bindgen(js_name = parseCertificates)]
pub fn parse_certificates(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let certs = crate::parse_certificates(bytes).map_err(js_err)?;
    let facts: Vec<_> = certs.iter().map(crate::certificate_facts).collect();
    to_js(&facts)
}

#[cfg(feature = "pki")]
/// Reads and verifies a CSR.
#[wasm_bindgen(js_name = parseCsr)]
pub fn parse_csr(bytes: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&crate::parse_csr(bytes).map_err(js_err)?)
}

/// Generates an RSA key (`rsa2048`, `rsa3072` or `rsa4096`) in wasm and returns it as
/// unencrypted PKCS#8 DER, for `Key.fromBytesAsync` in the PKI module. The caller overwrites the
/// returned bytes with zeros once imported; the wasm-side copy is zeroized before returning.
#[cfg(feature = "rsa-keygen")]
#[wasm_bindgen(js_name = generateRsaPkcs8)]
pub fn generate_rsa_pkcs8(algorithm: Option<String>) -> Result<Uint8Array, JsValue> {
    let alg = KeyAlgorithm::from_name(algorithm.as_deref().unwrap_or("rsa2048")).map_err(js_err)?;
    if !matches!(alg, KeyAlgorithm::Rsa2048 | KeyAlgorithm::Rsa3072 | KeyAlgorithm::Rsa4096) {
        return Err(js_err(crate::KeyError::UnsupportedAlgorithm { algorithm: alg.name().to_owned() }));
    }
    let key = PrivateKey::generate(alg, &mut crate::os_rng()).map_err(js_err)?;
    let der = key.to_pkcs8_der().map_err(js_err)?;
    Ok(Uint8Array::from(der.as_slice()))
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(any(feature = "pki", feature = "knowledge"))]
fn parse_date(s: &str, name: &str) -> Result<crate::Date, JsValue> {
    crate::Date::parse(s).map_err(|e| {
        let _ = name;
        js_err(e)
    })
}

#[cfg(feature = "pki")]
/// Today's date (UTC) from the JS clock: `SystemTime` traps on wasm32.
fn today() -> Result<crate::Date, JsValue> {
    let days = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
    crate::Date::from_days_since_epoch(days).map_err(js_err)
}

#[cfg(feature = "knowledge")]
/// The expiry plan of a product's certificate: same shape as `inkan expiry --json`.
#[wasm_bindgen(js_name = expiryPlan)]
pub fn expiry_plan(
    product: &str,
    downloaded: &str,
    years: Option<u8>,
    issued: Option<String>,
) -> Result<JsValue, JsValue> {
    let downloaded = parse_date(downloaded, "downloaded")?;
    let issued = issued.map(|s| parse_date(&s, "issued")).transpose()?;
    let plan = crate::plan_expiry(product, downloaded, years, issued).map_err(js_err)?;
    to_js(&plan)
}

#[cfg(feature = "knowledge")]
/// The expiry plan as an iCalendar file (RFC 5545 text).
#[wasm_bindgen(js_name = expiryIcs)]
pub fn expiry_ics(
    product: &str,
    downloaded: &str,
    years: Option<u8>,
    issued: Option<String>,
) -> Result<String, JsValue> {
    let downloaded_date = parse_date(downloaded, "downloaded")?;
    let issued = issued.map(|s| parse_date(&s, "issued")).transpose()?;
    let plan = crate::plan_expiry(product, downloaded_date, years, issued).map_err(js_err)?;
    let p = crate::product(product).map_err(js_err)?;
    let now = js_sys::Date::new_0();
    let stamp = format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        now.get_utc_full_year(),
        now.get_utc_month() + 1,
        now.get_utc_date(),
        now.get_utc_hours(),
        now.get_utc_minutes(),
        now.get_utc_seconds()
    );
    crate::to_ics(&plan, p, &stamp, downloaded).map_err(js_err)
}

#[cfg(feature = "knowledge")]
/// Recommendations for the advisor's answers (an object with any of the answer keys); with
/// `today` (YYYY-MM-DD) each product's issuance is also given as dates.
#[wasm_bindgen]
pub fn advise(answers: JsValue, today: Option<String>) -> Result<JsValue, JsValue> {
    let answers: crate::Answers = from_js(answers, "answers")?;
    let today = today.map(|s| parse_date(&s, "today")).transpose()?;
    to_js(&crate::advise_on(&answers, today))
}

#[cfg(feature = "knowledge")]
/// The sellers' pages the catalog cites, by title (what the site shows instead of file names).
#[wasm_bindgen]
pub fn sources() -> Result<JsValue, JsValue> {
    to_js(&crate::all_sources())
}

#[cfg(feature = "knowledge")]
/// The advisor's questions, as data for the page to render.
#[wasm_bindgen(js_name = advisorQuestions)]
pub fn advisor_questions() -> Result<JsValue, JsValue> {
    to_js(&crate::questions())
}

#[cfg(feature = "knowledge")]
/// The product catalog, with seed citations and each product's troubleshooting.
#[wasm_bindgen]
pub fn products() -> Result<JsValue, JsValue> {
    to_js(&crate::product_views())
}

// ---- WebCrypto delegation -----------------------------------------------------------------
//
// The browser has native PBKDF2 and RSA key generation in WebCrypto. Measured in Chromium
// (BENCHMARKS.md): PBKDF2-HMAC-SHA256 at 600,000 iterations takes ~70 ms there against ~230 ms
// in this module, and WebCrypto's RSA-2048 generation ~50 ms against ~190 ms. The `*Async`
// exports use WebCrypto where it exists and fall back to the wasm code when it is missing or
// refuses (e.g. an empty PBKDF2 password in some engines). The key material WebCrypto returns
// is copied into wasm memory and the JS copy is overwritten with zeros.
//
// Each of these operations is exported once, as a Promise. `setWebCrypto(false)` makes all of them
// compute in wasm alone, as where WebCrypto is missing: the benchmark's "wasm only" rows and
// the tests that check both routes agree use it, instead of a synchronous twin per export.

/// The `*Async` exports (PKI module).
#[cfg(feature = "pki")]
mod delegated {
    use super::*;
    use crate::{OpenPlan, Pkcs12Error};

    /// Whether the `*Async` exports may hand work to WebCrypto (default `true`). With `false`
    /// they compute everything in wasm, exactly as where WebCrypto is missing (RSA key
    /// generation then rejects with `rsa_keygen_not_built_in`): for measuring and testing the
    /// fallback, not for the site.
    #[wasm_bindgen(js_name = setWebCrypto)]
    pub fn set_web_crypto(enabled: bool) {
        webcrypto::set_enabled(enabled);
    }

    mod webcrypto {
        use core::sync::atomic::{AtomicBool, Ordering};

        use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
        use wasm_bindgen::{JsCast, JsValue};
        use wasm_bindgen_futures::JsFuture;
        use web_sys::{CryptoKey, SubtleCrypto};
        use zeroize::Zeroizing;

        use crate::Hash;
        use crate::{Derivation, Derived, Password};

        /// [`set_web_crypto`](super::set_web_crypto)'s switch. The module is single-threaded;
        /// an atomic is simply the safe way to keep a mutable static.
        static ENABLED: AtomicBool = AtomicBool::new(true);

        pub(super) fn set_enabled(enabled: bool) {
            ENABLED.store(enabled, Ordering::Relaxed);
        }

        /// WebCrypto's `SubtleCrypto`, unless it is missing or switched off.
        pub(super) fn subtle() -> Option<SubtleCrypto> {
            if !ENABLED.load(Ordering::Relaxed) {
                return None;
            }
            let crypto = Reflect::get(&js_sys::global(), &"crypto".into()).ok().filter(|c| c.is_object())?;
            let subtle = Reflect::get(&crypto, &"subtle".into()).ok().filter(|s| s.is_object())?;
            Some(subtle.unchecked_into())
        }

        fn hash_name(h: Hash) -> &'static str {
            match h {
                Hash::Sha1 => "SHA-1",
                Hash::Sha256 => "SHA-256",
                Hash::Sha384 => "SHA-384",
                Hash::Sha512 => "SHA-512",
            }
        }

        fn object(pairs: &[(&str, JsValue)]) -> Object {
            let o = Object::new();
            for (k, v) in pairs {
                let _ = Reflect::set(&o, &(*k).into(), v);
            }
            o
        }

        /// Copies an ArrayBuffer of key material into zeroizing memory and wipes the JS copy.
        pub(super) fn take_bytes(buffer: &JsValue) -> Zeroizing<Vec<u8>> {
            let view = Uint8Array::new(buffer);
            let out = Zeroizing::new(view.to_vec());
            view.fill(0, 0, view.length());
            out
        }

        /// Starts every PBKDF2 derivation in `derivations` in WebCrypto and returns at once with
        /// the pending promises: the browser derives on its own threads while the caller goes on.
        /// Derivations that cannot be started are left out (the wasm computes them).
        pub(super) async fn start_pbkdf2(
            password: &Password,
            derivations: &[Derivation],
        ) -> Vec<(Derivation, Promise)> {
            let mut out = Vec::new();
            if derivations.is_empty() {
                return out;
            }
            let Some(subtle) = subtle() else { return out };
            let raw = Uint8Array::from(password.as_str().as_bytes());
            let usages = Array::of1(&"deriveBits".into());
            let imported = subtle.import_key_with_str("raw", &raw, "PBKDF2", false, &usages);
            let key = match imported {
                Ok(p) => JsFuture::from(p).await,
                Err(e) => Err(e),
            };
            raw.fill(0, 0, raw.length());
            let Ok(key) = key else { return out };
            let key: CryptoKey = key.unchecked_into();
            for d in derivations {
                let Derivation::Pbkdf2 { prf, salt, iterations, len } = d else { continue };
                let algorithm = object(&[
                    ("name", "PBKDF2".into()),
                    ("hash", hash_name(*prf).into()),
                    ("salt", Uint8Array::from(salt.as_slice()).into()),
                    ("iterations", (*iterations).into()),
                ]);
                let Ok(bits) = u32::try_from(len * 8) else { continue };
                if let Ok(p) = subtle.derive_bits_with_object(&algorithm, &key, bits) {
                    out.push((d.clone(), p));
                }
            }
            out
        }

        /// Waits for the derivations started by [`start_pbkdf2`]; a refused one is left out (the
        /// wasm computes it later).
        pub(super) async fn finish_pbkdf2(pending: Vec<(Derivation, Promise)>) -> Vec<Derived> {
            let mut out = Vec::new();
            for (d, p) in pending {
                if let Ok(buffer) = JsFuture::from(p).await {
                    out.push((d, take_bytes(&buffer)));
                }
            }
            out
        }

        /// `password` with the outputs of the derivations started by [`start_pbkdf2`].
        pub(super) async fn derived_password(password: Password, pending: Vec<(Derivation, Promise)>) -> Password {
            finish_pbkdf2(pending).await.into_iter().fold(password, |p, (d, out)| p.with_derived(d, out))
        }

        /// An RSA private key generated by WebCrypto, as PKCS#8 DER. `None` when WebCrypto is
        /// missing or refuses.
        pub(super) async fn generate_rsa(bits: u32) -> Option<Zeroizing<Vec<u8>>> {
            let subtle = subtle()?;
            let algorithm = object(&[
                ("name", "RSASSA-PKCS1-v1_5".into()),
                ("modulusLength", bits.into()),
                ("publicExponent", Uint8Array::from(&[1u8, 0, 1][..]).into()),
                ("hash", "SHA-256".into()),
            ]);
            let usages = Array::of1(&"sign".into());
            let pair = JsFuture::from(subtle.generate_key_with_object(&algorithm, true, &usages).ok()?).await.ok()?;
            let private: CryptoKey = Reflect::get(&pair, &"privateKey".into()).ok()?.dyn_into().ok()?;
            let pkcs8 = JsFuture::from(subtle.export_key("pkcs8", &private).ok()?).await.ok()?;
            Some(take_bytes(&pkcs8))
        }
    }

    /// The open plan for `bytes` with its PBKDF2 derivations computed by WebCrypto while the
    /// wasm checks the MAC (a wrong password fails there, before waiting for WebCrypto).
    async fn open_plan(bytes: &[u8], password: Password) -> Result<OpenPlan, Pkcs12Error> {
        let pending = webcrypto::start_pbkdf2(&password, &OpenPlan::pbkdf2_derivations(bytes)).await;
        let mut plan = OpenPlan::new(bytes, password)?;
        for derived in webcrypto::finish_pbkdf2(pending).await {
            plan.add_derived(derived);
        }
        Ok(plan)
    }

    /// Opens with PBKDF2 delegated ([`OpenPlan::finish`] retries in wasm alone if that fails).
    async fn open_delegated(bytes: &[u8], password: String) -> Result<crate::OpenedPkcs12, JsValue> {
        let plan = open_plan(bytes, Password::new(password)).await.map_err(js_err)?;
        plan.finish(|p| crate::open_pkcs12(bytes, p)).map_err(js_err)
    }

    /// Opens a `.p12`: returns the report (same shape as `inkan p12 open --json`).
    #[wasm_bindgen(js_name = openPkcs12Async)]
    pub async fn open_pkcs12_async(bytes: Vec<u8>, password: String) -> Result<JsValue, JsValue> {
        to_js(&open_delegated(&bytes, password).await?.report())
    }

    /// Opens a `.p12` and returns its key as a [`WasmKey`] (to re-use a key the user already has).
    #[wasm_bindgen(js_name = keyFromPkcs12Async)]
    pub async fn key_from_pkcs12_async(bytes: Vec<u8>, password: String) -> Result<WasmKey, JsValue> {
        let opened = open_delegated(&bytes, password).await?;
        opened.key.map(|inner| WasmKey { inner }).ok_or_else(|| js_err(crate::Pkcs12Error::Missing { what: "key" }))
    }

    // In the PKI module, not the knowledge one: inspecting needs the whole read side of the PKI
    // core (PKCS#12 opening with every cipher and KDF, certificate/CSR signature checks, key
    // parsing), and the page that inspects also opens and re-packs `.p12` files.
    /// Inspects a `.p12` (with `password`), certificates or a CSR as of `at` (`YYYY-MM-DD`,
    /// default today): same shape as `inkan inspect --json`.
    #[wasm_bindgen(js_name = inspectAsync)]
    pub async fn inspect_async(
        bytes: Vec<u8>,
        password: Option<String>,
        at: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let at = match at {
            Some(s) => parse_date(&s, "at")?,
            None => today()?,
        };
        let run = |p: Option<&Password>| {
            let report = crate::inspect(&bytes, p, at).map_err(js_err)?;
            to_js(&report)
        };
        match password {
            // Errors (a wrong password, or not a .p12 at all) come from the plain path, so that
            // they read exactly as `inkan inspect` puts them.
            Some(pw) => match open_plan(&bytes, Password::new(pw.clone())).await {
                Ok(plan) => plan.finish(|p| run(Some(p))),
                Err(e @ Pkcs12Error::WrongPassword) => Err(js_err(crate::InspectError::Pkcs12(e))),
                Err(_) => run(Some(&Password::new(pw))),
            },
            None => run(None),
        }
    }

    /// Builds a `.p12` with its PBKDF2 derivations delegated to WebCrypto while the MAC key (the
    /// PKCS#12 KDF, which WebCrypto lacks) is derived here.
    async fn build_delegated(parts: crate::RepackParts, password: Password) -> Result<crate::BuiltPkcs12, JsValue> {
        let plan = crate::BuildPlan::new(&parts.options, &mut crate::os_rng()).map_err(js_err)?;
        let pending = webcrypto::start_pbkdf2(&password, &plan.pbkdf2_derivations()).await;
        let mac = plan.mac_derivation(&password);
        let mac_key = mac.compute(&password);
        let password = webcrypto::derived_password(password.with_derived(mac, mac_key), pending).await;
        crate::build_pkcs12_planned(&parts.key, &parts.leaf, &parts.chain, &password, &parts.options, &plan)
            .map_err(js_err)
    }

    #[wasm_bindgen(js_class = Key)]
    impl WasmKey {
        /// Generates a key: `rsa2048` (default), `rsa3072`, `rsa4096`, `p256` or `p384`. RSA keys
        /// are generated by WebCrypto (native code, ~4× faster than RSA in wasm) and imported;
        /// EC keys are generated in wasm. Where WebCrypto is missing or refuses, RSA rejects with
        /// `rsa_keygen_not_built_in`: the `inkan_rsa_keygen` module makes the key then.
        #[wasm_bindgen(js_name = generateAsync)]
        pub async fn generate_async(algorithm: Option<String>) -> Result<WasmKey, JsValue> {
            let alg = KeyAlgorithm::from_name(algorithm.as_deref().unwrap_or("rsa2048")).map_err(js_err)?;
            if let Some(bits) = alg.rsa_bits()
                && let Some(der) = webcrypto::generate_rsa(bits).await
                && let Some(inner) = PrivateKey::from_generated_pkcs8(&der, alg)
            {
                return Ok(WasmKey { inner });
            }
            let inner = PrivateKey::generate(alg, &mut crate::os_rng()).map_err(js_err)?;
            Ok(WasmKey { inner })
        }

        /// Reads a key from PEM or DER (PKCS#8, encrypted PKCS#8 with `pin`, PKCS#1, SEC1); an
        /// encrypted key's PBKDF2 is delegated to WebCrypto.
        #[wasm_bindgen(js_name = fromBytesAsync)]
        pub async fn from_bytes_async(bytes: Vec<u8>, pin: Option<String>) -> Result<WasmKey, JsValue> {
            let Some(pin) = pin.map(Password::new) else {
                let inner = PrivateKey::from_pem_or_der(&bytes, None).map_err(js_err)?;
                return Ok(WasmKey { inner });
            };
            let derivations: Vec<_> = crate::encrypted_key_derivation(&bytes).into_iter().collect();
            let pending = webcrypto::start_pbkdf2(&pin, &derivations).await;
            let pin = webcrypto::derived_password(pin, pending).await;
            let inner = PrivateKey::from_pem_or_der(&bytes, Some(&pin)).map_err(js_err)?;
            Ok(WasmKey { inner })
        }

        /// The encrypted PKCS#8 PEM (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) under `pin`: the
        /// backup file and the IndexedDB copy. PBKDF2 is delegated to WebCrypto.
        #[wasm_bindgen(js_name = toEncryptedPemAsync)]
        pub fn to_encrypted_pem_async(&self, pin: String, iterations: Option<u32>) -> Result<Promise, JsValue> {
            let (pin, iterations) = backup_pin(pin, iterations)?;
            let scheme = crate::backup_scheme(iterations, &mut crate::os_rng());
            // The future outlives this borrow of the key: it works on its own copy, zeroized on drop.
            let key = self.inner.clone();
            Ok(future_to_promise(async move {
                let derivations: Vec<_> = scheme.pbkdf2_derivation().into_iter().collect();
                let pending = webcrypto::start_pbkdf2(&pin, &derivations).await;
                let pin = webcrypto::derived_password(pin, pending).await;
                let der = key.to_encrypted_pkcs8_der_with(&scheme, &pin).map_err(js_err)?;
                Ok(crate::encode_pem("ENCRYPTED PRIVATE KEY", &der).into())
            }))
        }

        /// Builds a `.p12` from this key and `certificates` (PEM text or DER: the leaf, then any
        /// chain, in any order). `options`: `{profile: "modern"|"legacy", iterations?,
        /// friendlyName?}`. Returns `{bytes: Uint8Array, findings}`. PBKDF2 is delegated to
        /// WebCrypto while the MAC key is derived here: about the time of one PKCS#12 KDF
        /// instead of three.
        #[wasm_bindgen(js_name = buildPkcs12Async)]
        pub fn build_pkcs12_async(
            &self,
            certificates: &[u8],
            password: String,
            options: JsValue,
        ) -> Result<Promise, JsValue> {
            let options = Pkcs12Options::from_js(&options)?.build_options()?;
            let (leaf, chain) = self.leaf_and_chain(certificates)?;
            let parts = crate::RepackParts { key: self.inner.clone(), leaf, chain, options };
            Ok(future_to_promise(async move { built_to_js(build_delegated(parts, Password::new(password)).await?) }))
        }
    }

    /// Re-packs a `.p12` with a new password and/or profile; the chain comes out leaf first.
    /// Both the opening and the building delegate PBKDF2.
    #[wasm_bindgen(js_name = repackPkcs12Async)]
    pub async fn repack_pkcs12_async(
        bytes: Vec<u8>,
        old_password: String,
        new_password: String,
        options: JsValue,
    ) -> Result<JsValue, JsValue> {
        let options = Pkcs12Options::from_js(&options)?.build_options()?;
        let opened = open_delegated(&bytes, old_password).await?;
        let parts = crate::RepackParts::of(&opened, &options).map_err(js_err)?;
        built_to_js(build_delegated(parts, Password::new(new_password)).await?)
    }

    /// In a real browser (wasm-bindgen-test runs these in headless Chromium): WebCrypto's PBKDF2
    /// agrees with ours, and the delegated exports agree with the wasm-only ones.
    #[cfg(all(test, target_arch = "wasm32"))]
    mod tests {
        use wasm_bindgen_futures::JsFuture;
        use wasm_bindgen_test::wasm_bindgen_test;

        use super::*;
        use crate::os_rng as rng;
        use crate::{BuildOptions, Pkcs12Profile};

        fn self_signed(key: &PrivateKey, cn: &str, issuer: Option<(&PrivateKey, &Certificate)>) -> Certificate {
            inkan_ca::test_certificate(key, cn, issuer).expect("issue")
        }

        fn p12(password: &str) -> Vec<u8> {
            let ca_key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("ca key");
            let ca = self_signed(&ca_key, "Inkan Test Root CA", None);
            let key = PrivateKey::generate(KeyAlgorithm::P256, &mut rng()).expect("key");
            let leaf = self_signed(&key, "山田 太郎", Some((&ca_key, &ca)));
            let opts = BuildOptions { profile: Pkcs12Profile::Modern, iterations: Some(20_000), friendly_name: None };
            crate::build_pkcs12(&key, &leaf, &[ca], &Password::new(password), &opts, &mut rng()).expect("build").der
        }

        fn json(v: &JsValue) -> String {
            js_sys::JSON::stringify(v).expect("stringify").as_string().expect("string")
        }

        #[wasm_bindgen_test]
        async fn webcrypto_pbkdf2_agrees_with_ours() {
            for pw in ["秘密-PIN", "ascii pin"] {
                let der = p12(pw);
                let password = Password::new(pw);
                let derivations = crate::pkcs12_pbkdf2_derivations(&der);
                let pending = webcrypto::start_pbkdf2(&password, &derivations).await;
                assert_eq!(pending.len(), 2, "the browser takes both derivations");
                for (d, p) in pending {
                    let out = JsFuture::from(p).await.expect("derived");
                    assert_eq!(*webcrypto::take_bytes(&out), *d.compute(&password));
                }
            }
        }

        #[wasm_bindgen_test]
        async fn delegated_exports_agree_with_the_wasm_ones() {
            for pw in ["秘密-PIN", ""] {
                let der = p12(pw);
                let delegated = open_pkcs12_async(der.clone(), pw.into()).await.expect("async open");
                // The core alone, no WebCrypto anywhere: what `setWebCrypto(false)` computes.
                let in_wasm = crate::open_pkcs12(&der, &Password::new(pw)).expect("open");
                assert_eq!(json(&delegated), json(&to_js(&in_wasm.report()).expect("report")));
                let wrong = open_pkcs12_async(der, "wrong".into()).await.expect_err("wrong password");
                assert_eq!(
                    Reflect::get(&wrong, &"code".into()).expect("code").as_string().as_deref(),
                    Some("wrong_password")
                );
            }
        }

        #[wasm_bindgen_test]
        fn the_switch_turns_webcrypto_off_and_on() {
            // No await between the two calls: no other test can run while it is off.
            assert!(webcrypto::subtle().is_some(), "the browser has WebCrypto");
            set_web_crypto(false);
            let off = webcrypto::subtle().is_none();
            set_web_crypto(true);
            assert!(off, "switched off, every export computes in wasm");
            assert!(webcrypto::subtle().is_some());
        }

        #[wasm_bindgen_test]
        async fn webcrypto_rsa_keys_import_and_sign() {
            let key = WasmKey::generate_async(Some("rsa2048".into())).await.expect("generate");
            assert_eq!(key.algorithm(), "rsa2048");
            let csr = key.create_csr(
                js_sys::JSON::parse(r#"{"commonName": "Taro", "email": "taro@example.jp"}"#).expect("subject"),
                JsValue::UNDEFINED,
            );
            assert!(csr.is_ok(), "a CSR signed with the imported key verifies");
        }
    }
}

/// The issuer's document key (HPKE X25519, see [`crate::seal_document`]) in wasm memory: the desk
/// makes or unlocks it and opens sealed documents with it. Call `free()` when done: it
/// zeroizes the private half.
#[cfg(all(feature = "pki", feature = "documents"))]
#[wasm_bindgen(js_name = DocumentKey)]
pub struct WasmDocumentKey {
    inner: crate::DocumentKey,
}

#[cfg(all(feature = "pki", feature = "documents"))]
#[wasm_bindgen(js_class = DocumentKey)]
impl WasmDocumentKey {
    /// A new key pair (randomness from `crypto.getRandomValues`).
    pub fn generate() -> WasmDocumentKey {
        WasmDocumentKey { inner: crate::DocumentKey::generate(&mut crate::os_rng()) }
    }

    /// Opens the desk's encrypted PEM with its passphrase.
    pub fn unlock(pem: String, passphrase: String) -> Result<WasmDocumentKey, JsValue> {
        let passphrase = crate::Password::new(passphrase);
        let inner = crate::DocumentKey::from_encrypted(pem.as_bytes(), &passphrase).map_err(js_err)?;
        Ok(WasmDocumentKey { inner })
    }

    /// The 32-byte public half (what the worker publishes).
    #[wasm_bindgen(js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.inner.public_key().to_vec()
    }

    /// The private half as an encrypted PKCS#8 PEM under `passphrase` (stored copy and backup).
    #[wasm_bindgen(js_name = toEncryptedPem)]
    pub fn to_encrypted_pem(&self, passphrase: String, iterations: Option<u32>) -> Result<String, JsValue> {
        let (passphrase, iterations) = backup_pin(passphrase, iterations)?;
        Ok(self.inner.to_encrypted_pem(&passphrase, iterations, &mut crate::os_rng()))
    }

    /// Opens one sealed document labelled `mediaType`; returns its bytes.
    pub fn open(&self, media_type: String, sealed: &[u8]) -> Result<Vec<u8>, JsValue> {
        self.inner.open(&media_type, sealed).map(|plain| plain.to_vec()).map_err(js_err)
    }
}

/// Seals a document (labelled `mediaType`) to the issuer's published 32-byte document key.
#[cfg(all(feature = "pki", feature = "documents"))]
#[wasm_bindgen(js_name = sealDocument)]
pub fn seal_document(public_key: &[u8], media_type: String, document: &[u8]) -> Result<Vec<u8>, JsValue> {
    crate::seal_document(public_key, &media_type, document, &mut crate::os_rng()).map_err(js_err)
}
