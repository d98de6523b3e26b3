//! The browser binding: converts types and errors, nothing else.
//!
//! Every export returns `Result<_, JsValue>`; an error becomes a JS `Error` whose `message`
//! is English and which carries `code` (stable), `ja` and `en`. No function panics on user
//! input, because a panic in wasm kills the module for the rest of the page's life.
//! Time comes from JS (`Date.now()`): `SystemTime` traps on wasm32-unknown-unknown.
//!
//! The exports are split by cargo feature so the site ships two modules (scripts/build-wasm.sh):
//! `pki` (the `Key` class, PKCS#12, certificates, CSRs, `inspect`) and `knowledge` (`products`,
//! `expiryPlan`, `expiryIcs`, `advise`, `advisorQuestions`); `version` is in both. A page that
//! only plans or advises never downloads the cryptography.

#[cfg(feature = "pki")]
use js_sys::Uint8Array;
use js_sys::{Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::i18n::{Localized, Message};
#[cfg(feature = "pki")]
use crate::pkcs12::{BuildOptions, Pkcs12Profile};
// The PKI exports read their option objects by hand rather than with serde: serde's
// deserialisation errors format floats, and core's float formatting alone is 14 KB of the
// module. Same rules as the serde derive with `#[serde(default)]`: `undefined`/`null` (or a
// missing field) means the default, unknown fields are ignored, a wrong type is an error.
#[cfg(feature = "pki")]
mod read {
    use js_sys::{Array, Reflect};
    use wasm_bindgen::JsValue;

    use super::invalid;
    use crate::csr::{CsrOptions, Purpose, Subject};

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
                    Some("emailProtection") => Purpose::EmailProtection,
                    Some("clientAuth") => Purpose::ClientAuth,
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
use crate::{KeyAlgorithm, Password, PrivateKey};

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

fn invalid(name: &str, reason: impl Into<String>) -> JsValue {
    js_err(crate::Error::InvalidArgument { name: name.to_owned(), reason: reason.into() })
}

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
    findings: &'a [crate::findings::Finding],
}

#[cfg(feature = "pki")]
fn built_to_js(built: crate::pkcs12::BuiltPkcs12) -> Result<JsValue, JsValue> {
    let out = to_js(&BuiltFile { findings: &built.findings })?;
    let _ = Reflect::set(&out, &"bytes".into(), &Uint8Array::from(built.der.as_slice()));
    Ok(out)
}

#[cfg(feature = "pki")]
#[wasm_bindgen(js_class = Key)]
impl WasmKey {
    /// Generates a key: `rsa2048` (default), `rsa3072`, `rsa4096`, `p256` or `p384`.
    /// RSA takes a fraction of a second to seconds: call it from a Web Worker.
    pub fn generate(algorithm: Option<String>) -> Result<WasmKey, JsValue> {
        let alg = KeyAlgorithm::from_name(algorithm.as_deref().unwrap_or("rsa2048")).map_err(js_err)?;
        let inner = PrivateKey::generate(alg, &mut crate::os_rng()).map_err(js_err)?;
        Ok(WasmKey { inner })
    }

    /// Reads a key from PEM or DER (PKCS#8, encrypted PKCS#8 with `pin`, PKCS#1, SEC1).
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8], pin: Option<String>) -> Result<WasmKey, JsValue> {
        let pin = pin.map(Password::new);
        let inner = PrivateKey::from_pem_or_der(bytes, pin.as_ref()).map_err(js_err)?;
        Ok(WasmKey { inner })
    }

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

    /// The encrypted PKCS#8 PEM (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC) under `pin`: the
    /// backup file and the IndexedDB copy.
    #[wasm_bindgen(js_name = toEncryptedPem)]
    pub fn to_encrypted_pem(&self, pin: String, iterations: Option<u32>) -> Result<String, JsValue> {
        let pin = Password::new(pin);
        if pin.is_empty() {
            return Err(invalid("pin", "a PIN is required to protect the key"));
        }
        let iterations = iterations.unwrap_or(crate::keys::BACKUP_ITERATIONS);
        if !(crate::limits::MIN_WRITE_ITERATIONS..=crate::limits::MAX_WRITE_ITERATIONS).contains(&iterations) {
            return Err(invalid("iterations", "out of range"));
        }
        self.inner.to_encrypted_pkcs8_pem(&pin, iterations, &mut crate::os_rng()).map_err(js_err)
    }

    /// Builds and signs a CSR. `subject`: `{commonName, organization?, organizationalUnit?,
    /// country?, email?}`; `options`: `{emailInSubject?, keyUsage?, extendedKeyUsage?:
    /// ["emailProtection","clientAuth"]}`. Returns `{pem, der: Uint8Array, parsed}`.
    #[wasm_bindgen(js_name = createCsr)]
    pub fn create_csr(&self, subject: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
        let subject = read::subject(&subject)?;
        let options = read::csr_options(&options)?;
        let csr = crate::csr::build_csr(&self.inner, &subject, &options).map_err(js_err)?;
        let parsed = crate::csr::parse_csr(&csr.der).map_err(js_err)?;
        let out = Object::new();
        let _ = Reflect::set(&out, &"pem".into(), &csr.pem.as_str().into());
        let _ = Reflect::set(&out, &"der".into(), &Uint8Array::from(csr.der.as_slice()));
        let _ = Reflect::set(&out, &"parsed".into(), &to_js(&parsed)?);
        Ok(out.into())
    }

    /// Whether this key belongs to the first certificate in `certificates` (PEM or DER).
    #[wasm_bindgen(js_name = matchesCertificate)]
    pub fn matches_certificate(&self, certificates: &[u8]) -> Result<bool, JsValue> {
        let certs = crate::x509::parse_certificates(certificates).map_err(js_err)?;
        Ok(certs.first().and_then(crate::x509::public_key).as_ref() == Some(&self.inner.public_key()))
    }

    /// Builds a `.p12` from this key and `certificates` (PEM text or DER: the leaf, then any
    /// chain, in any order). `options`: `{profile: "modern"|"legacy", iterations?,
    /// friendlyName?}`. Returns `{bytes: Uint8Array, findings}`.
    #[wasm_bindgen(js_name = buildPkcs12)]
    pub fn build_pkcs12(&self, certificates: &[u8], password: String, options: JsValue) -> Result<JsValue, JsValue> {
        let password = Password::new(password);
        let options = Pkcs12Options::from_js(&options)?.build_options()?;
        let mut certs = crate::x509::parse_certificates(certificates).map_err(js_err)?;
        // The leaf is the certificate of this key, wherever it stands in the paste.
        let public = self.inner.public_key();
        let Some(pos) = certs.iter().position(|c| crate::x509::public_key(c).as_ref() == Some(&public)) else {
            return Err(js_err(crate::pkcs12::Pkcs12Error::KeyCertificateMismatch));
        };
        let leaf = certs.remove(pos);
        let built = crate::pkcs12::build(&self.inner, &leaf, &certs, &password, &options, &mut crate::os_rng())
            .map_err(js_err)?;
        built_to_js(built)
    }
}

#[cfg(feature = "pki")]
/// Opens a `.p12`: returns the report (same shape as `inkan p12 open --json`).
#[wasm_bindgen(js_name = openPkcs12)]
pub fn open_pkcs12(bytes: &[u8], password: String) -> Result<JsValue, JsValue> {
    let opened = crate::pkcs12::open(bytes, &Password::new(password)).map_err(js_err)?;
    to_js(&opened.report())
}

#[cfg(feature = "pki")]
/// Opens a `.p12` and returns its key as a [`WasmKey`] (to re-use a key the user already has).
#[wasm_bindgen(js_name = keyFromPkcs12)]
pub fn key_from_pkcs12(bytes: &[u8], password: String) -> Result<WasmKey, JsValue> {
    let opened = crate::pkcs12::open(bytes, &Password::new(password)).map_err(js_err)?;
    opened.key.map(|inner| WasmKey { inner }).ok_or_else(|| js_err(crate::pkcs12::Pkcs12Error::Missing { what: "key" }))
}

#[cfg(feature = "pki")]
/// Re-packs a `.p12` with a new password and/or profile; the chain comes out leaf first.
#[wasm_bindgen(js_name = repackPkcs12)]
pub fn repack_pkcs12(
    bytes: &[u8],
    old_password: String,
    new_password: String,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let options = Pkcs12Options::from_js(&options)?.build_options()?;
    let built = crate::pkcs12::repack(
        bytes,
        &Password::new(old_password),
        &Password::new(new_password),
        &options,
        &mut crate::os_rng(),
    )
    .map_err(js_err)?;
    built_to_js(built)
}

#[cfg(feature = "pki")]
/// Reads certificates (PEM bundle or DER) into plain facts, in input order.
#[wasm_bindgen(js_name = parseCertificates)]
pub fn parse_certificates(bytes: &[u8]) -> Result<JsValue, JsValue> {
    let certs = crate::x509::parse_certificates(bytes).map_err(js_err)?;
    let facts: Vec<_> = certs.iter().map(crate::x509::facts).collect();
    to_js(&facts)
}

#[cfg(feature = "pki")]
/// Reads and verifies a CSR.
#[wasm_bindgen(js_name = parseCsr)]
pub fn parse_csr(bytes: &[u8]) -> Result<JsValue, JsValue> {
    to_js(&crate::csr::parse_csr(bytes).map_err(js_err)?)
}

/// The library version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(any(feature = "pki", feature = "knowledge"))]
fn parse_date(s: &str, name: &str) -> Result<crate::date::Date, JsValue> {
    crate::date::Date::parse(s).map_err(|e| {
        let _ = name;
        js_err(e)
    })
}

#[cfg(feature = "pki")]
/// Today's date (UTC) from the JS clock: `SystemTime` traps on wasm32.
fn today() -> Result<crate::date::Date, JsValue> {
    let days = (js_sys::Date::now() / 86_400_000.0).floor() as i64;
    crate::date::Date::from_days_since_epoch(days).map_err(js_err)
}

// In the PKI module, not the knowledge one: inspecting needs the whole read side of the PKI
// core (PKCS#12 opening with every cipher and KDF, certificate/CSR signature checks, key
// parsing), and the page that inspects also opens and re-packs `.p12` files.
#[cfg(feature = "pki")]
/// Inspects a `.p12` (with `password`), certificates or a CSR as of `at` (`YYYY-MM-DD`,
/// default today): same shape as `inkan inspect --json`.
#[wasm_bindgen]
pub fn inspect(bytes: &[u8], password: Option<String>, at: Option<String>) -> Result<JsValue, JsValue> {
    let at = match at {
        Some(s) => parse_date(&s, "at")?,
        None => today()?,
    };
    let password = password.map(Password::new);
    let report = crate::inspect::inspect(bytes, password.as_ref(), at).map_err(js_err)?;
    to_js(&report)
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
    let plan = crate::expiry::plan(product, downloaded, years, issued).map_err(js_err)?;
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
    let plan = crate::expiry::plan(product, downloaded_date, years, issued).map_err(js_err)?;
    let p = crate::catalog::product(product).map_err(js_err)?;
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
    crate::expiry::to_ics(&plan, p, &stamp, downloaded).map_err(js_err)
}

#[cfg(feature = "knowledge")]
/// Recommendations for the advisor's answers (an object with any of the answer keys).
#[wasm_bindgen]
pub fn advise(answers: JsValue) -> Result<JsValue, JsValue> {
    let answers: crate::advisor::Answers = from_js(answers, "answers")?;
    to_js(&crate::advisor::advise(&answers))
}

#[cfg(feature = "knowledge")]
/// The advisor's questions, as data for the page to render.
#[wasm_bindgen(js_name = advisorQuestions)]
pub fn advisor_questions() -> Result<JsValue, JsValue> {
    to_js(&crate::advisor::questions())
}

#[cfg(feature = "knowledge")]
/// The product catalog, with seed citations.
#[wasm_bindgen]
pub fn products() -> Result<JsValue, JsValue> {
    to_js(&crate::catalog::products())
}
