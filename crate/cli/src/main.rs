//! `inkan`: the PKI core on the command line, for issuer staff and interop tests.
//!
//! Passwords never come from argv (visible in `ps` and shell history): they come from a file
//! (`--password-file`), an environment variable, or a prompt.

use std::io::{IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use inkan::{
    BuildOptions, CsrOptions, Error, KeyAlgorithm, KeyPurpose, Localized, Message, Password, Pkcs12Profile, PrivateKey,
    Subject,
};
use serde_json::{Value, json};

#[derive(Parser)]
#[command(name = "inkan", version, about = "Personal client certificates: keys, CSRs and PKCS#12 files")]
struct Cli {
    /// Print results and errors as JSON on stdout.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a private key (PKCS#8 PEM; encrypted when a password is given).
    Keygen(KeygenArgs),
    /// Create a PKCS#10 certificate signing request.
    Csr(CsrArgs),
    /// Build, open or re-pack PKCS#12 (.p12/.pfx) files.
    #[command(subcommand)]
    P12(P12Command),
    /// Check a .p12, certificate(s) or CSR: expiry, usages, chain, platform compatibility.
    Inspect(InspectArgs),
    /// When a product's certificate expires, the seller's notices, the re-application window.
    Expiry(ExpiryArgs),
    /// Which certificate to buy: answers in, recommendations out.
    Advise(AdviseArgs),
}

#[derive(Args)]
struct InspectArgs {
    /// The file (.p12/.pfx, .cer/.der/.pem, PEM bundle, CSR).
    file: PathBuf,
    /// Password of a .p12 (else INKAN_PASSWORD, else a prompt).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// The date to judge expiry at (default: today, UTC).
    #[arg(long)]
    at: Option<String>,
}

#[derive(Args)]
struct ExpiryArgs {
    /// Product id (sign123, jcan-123sign, jcan-mcci, iprove-general, iprove-dim, njc-secure-mail,
    /// njc-access-control, njc-class2-standard).
    #[arg(long)]
    product: String,
    /// The day the certificate was (or will be) downloaded, YYYY-MM-DD.
    #[arg(long)]
    downloaded: String,
    /// Term in years where the product offers a choice.
    #[arg(long)]
    years: Option<u8>,
    /// The day of the issuance mail, for the download deadline and reminders.
    #[arg(long)]
    issued: Option<String>,
    /// Also write an iCalendar file with every date.
    #[arg(long)]
    ics: Option<PathBuf>,
}

#[derive(Args)]
struct AdviseArgs {
    /// The answers as JSON (keys: applicant, own_domain, purposes, profession,
    /// org_name_on_certificate, os, mail_client; any may be missing).
    #[arg(long)]
    answers: PathBuf,
    /// The application day (YYYY-MM-DD) to date each product's issuance from.
    #[arg(long)]
    today: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum AlgorithmArg {
    Rsa2048,
    Rsa3072,
    Rsa4096,
    P256,
    P384,
}

impl From<AlgorithmArg> for KeyAlgorithm {
    fn from(a: AlgorithmArg) -> Self {
        match a {
            AlgorithmArg::Rsa2048 => KeyAlgorithm::Rsa2048,
            AlgorithmArg::Rsa3072 => KeyAlgorithm::Rsa3072,
            AlgorithmArg::Rsa4096 => KeyAlgorithm::Rsa4096,
            AlgorithmArg::P256 => KeyAlgorithm::P256,
            AlgorithmArg::P384 => KeyAlgorithm::P384,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum ProfileArg {
    Modern,
    Legacy,
}

impl From<ProfileArg> for Pkcs12Profile {
    fn from(p: ProfileArg) -> Self {
        match p {
            ProfileArg::Modern => Pkcs12Profile::Modern,
            ProfileArg::Legacy => Pkcs12Profile::Legacy,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum EkuArg {
    EmailProtection,
    ClientAuth,
}

#[derive(Args)]
struct KeygenArgs {
    /// Key type.
    #[arg(long, value_enum, default_value = "rsa2048")]
    algorithm: AlgorithmArg,
    /// Where to write the key (created with mode 0600).
    #[arg(long)]
    out: PathBuf,
    /// Encrypt the key with the password in this file (else INKAN_PASSWORD; else unencrypted).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// PBKDF2 iterations for the encrypted key.
    #[arg(long, default_value_t = inkan::BACKUP_ITERATIONS)]
    iterations: u32,
}

#[derive(Args)]
struct CsrArgs {
    /// The private key (PEM or DER; PKCS#8, encrypted PKCS#8, PKCS#1 or SEC1).
    #[arg(long)]
    key: PathBuf,
    /// Password of an encrypted key (else INKAN_KEY_PASSWORD, else a prompt).
    #[arg(long)]
    key_password_file: Option<PathBuf>,
    /// Common name, e.g. "山田 太郎".
    #[arg(long)]
    cn: String,
    /// Organisation.
    #[arg(long)]
    o: Option<String>,
    /// Organisational unit.
    #[arg(long)]
    ou: Option<String>,
    /// Country (two capital letters).
    #[arg(long)]
    c: Option<String>,
    /// E-mail address (goes into the SAN and, unless --no-email-in-subject, the subject).
    #[arg(long)]
    email: Option<String>,
    /// Keep the e-mail address out of the subject (SAN only).
    #[arg(long)]
    no_email_in_subject: bool,
    /// Request keyUsage digitalSignature (+ keyEncipherment for RSA).
    #[arg(long)]
    key_usage: bool,
    /// Request extended key usages.
    #[arg(long, value_enum, value_delimiter = ',')]
    eku: Vec<EkuArg>,
    /// Where to write the PEM request.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Subcommand)]
enum P12Command {
    /// Build a .p12 from a key, its certificate and the chain.
    Build(P12BuildArgs),
    /// Open a .p12 and report what is inside.
    Open(P12OpenArgs),
    /// Open a .p12 and write it again with a new password and/or profile.
    Repack(P12RepackArgs),
}

#[derive(Args)]
struct P12BuildArgs {
    /// The private key.
    #[arg(long)]
    key: PathBuf,
    /// Password of an encrypted key.
    #[arg(long)]
    key_password_file: Option<PathBuf>,
    /// The leaf certificate (PEM or DER).
    #[arg(long)]
    cert: PathBuf,
    /// Issuing certificates (PEM bundle), any order.
    #[arg(long)]
    chain: Option<PathBuf>,
    /// Encryption profile.
    #[arg(long, value_enum)]
    profile: ProfileArg,
    /// KDF/MAC iterations (default: 600000 modern, 2048 legacy).
    #[arg(long)]
    iterations: Option<u32>,
    /// The .p12 password (else INKAN_PASSWORD, else a prompt).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// friendlyName shown by Windows and Keychain (default: the certificate's CN).
    #[arg(long)]
    name: Option<String>,
    /// Where to write the .p12.
    #[arg(long)]
    out: PathBuf,
}

#[derive(Args)]
struct P12OpenArgs {
    /// The .p12/.pfx file.
    file: PathBuf,
    /// The password (else INKAN_PASSWORD, else a prompt).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// Also write the private key (unencrypted PKCS#8 PEM, mode 0600) here.
    #[arg(long)]
    key_out: Option<PathBuf>,
    /// Also write the certificates (PEM, leaf first) here.
    #[arg(long)]
    certs_out: Option<PathBuf>,
}

#[derive(Args)]
struct P12RepackArgs {
    /// The .p12/.pfx file.
    file: PathBuf,
    /// Its current password (else INKAN_PASSWORD, else a prompt).
    #[arg(long)]
    password_file: Option<PathBuf>,
    /// The new password (else INKAN_NEW_PASSWORD, else a prompt).
    #[arg(long)]
    new_password_file: Option<PathBuf>,
    /// Encryption profile of the new file.
    #[arg(long, value_enum, default_value = "modern")]
    profile: ProfileArg,
    /// KDF/MAC iterations of the new file.
    #[arg(long)]
    iterations: Option<u32>,
    /// Where to write the new .p12.
    #[arg(long)]
    out: PathBuf,
}

// The CLI's own texts: `texts::<area>::<NAME>`, generated by build.rs from messages/{ja,en}.json.
include!(concat!(env!("OUT_DIR"), "/texts.rs"));

/// Errors of the CLI itself, on top of the library's.
enum CliError {
    Lib(Error),
    Other { code: &'static str, message: Message },
    Io { path: PathBuf, error: std::io::Error },
    NoPassword { what: &'static str, env: &'static str },
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Lib(e)
    }
}

macro_rules! lib_err {
    ($($t:ty),*) => {$(
        impl From<$t> for CliError {
            fn from(e: $t) -> Self { CliError::Lib(e.into()) }
        }
    )*};
}
fn other<E: Localized>(e: E) -> CliError {
    CliError::Other { code: e.code(), message: e.message() }
}

fn parse_date(s: &str) -> Result<inkan::Date, CliError> {
    inkan::Date::parse(s).map_err(other)
}

fn today() -> inkan::Date {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    inkan::Date::from_days_since_epoch((secs / 86_400) as i64)
        .unwrap_or_else(|_| unreachable!("the clock is within 1900..2200"))
}

lib_err!(inkan::KeyError, inkan::CsrError, inkan::Pkcs12Error, inkan::CertificateError);

impl CliError {
    fn code(&self) -> &'static str {
        match self {
            CliError::Lib(e) => e.code(),
            CliError::Other { code, .. } => code,
            CliError::Io { .. } => "io_error",
            CliError::NoPassword { .. } => "password_required",
        }
    }
    fn message(&self) -> Message {
        match self {
            CliError::Lib(e) => e.message(),
            CliError::Other { message, .. } => message.clone(),
            CliError::Io { path, error } => {
                texts::cli::IoError { path: path.display().to_string().into(), error: error.to_string().into() }
                    .render()
            }
            CliError::NoPassword { what, env } => {
                texts::cli::PasswordRequired { what: (*what).into(), env: (*env).into() }.render()
            }
        }
    }
}

fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|error| CliError::Io { path: path.to_owned(), error })
}

fn write(path: &Path, bytes: &[u8], secret: bool) -> Result<(), CliError> {
    let io = |error| CliError::Io { path: path.to_owned(), error };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    let _ = secret;
    let mut f = opts.open(path).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)
}

/// A password from a file (one trailing newline removed), an environment variable, or a
/// prompt on the terminal. `None` when none of them is available.
fn password(file: Option<&Path>, env: &str, prompt: &str) -> Result<Option<Password>, CliError> {
    if let Some(path) = file {
        let bytes = zeroize::Zeroizing::new(read(path)?);
        let mut text = String::from_utf8(bytes.to_vec()).map_err(|_| CliError::Io {
            path: path.to_owned(),
            error: std::io::Error::new(std::io::ErrorKind::InvalidData, "password file is not UTF-8"),
        })?;
        if text.ends_with('\n') {
            text.pop();
            if text.ends_with('\r') {
                text.pop();
            }
        }
        return Ok(Some(Password::new(text)));
    }
    if let Ok(v) = std::env::var(env) {
        return Ok(Some(Password::new(v)));
    }
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password(prompt).map_err(|error| CliError::Io { path: "/dev/tty".into(), error })?;
        return Ok(Some(Password::new(p)));
    }
    Ok(None)
}

fn require(p: Option<Password>, what: &'static str, env: &'static str) -> Result<Password, CliError> {
    p.ok_or(CliError::NoPassword { what, env })
}

fn load_key(path: &Path, password_file: Option<&Path>) -> Result<PrivateKey, CliError> {
    let bytes = zeroize::Zeroizing::new(read(path)?);
    match PrivateKey::from_pem_or_der(&bytes, None) {
        Err(inkan::KeyError::WrongPassword) => {
            let pw =
                require(password(password_file, "INKAN_KEY_PASSWORD", "Key password: ")?, "key", "INKAN_KEY_PASSWORD")?;
            Ok(PrivateKey::from_pem_or_der(&bytes, Some(&pw))?)
        }
        other => Ok(other?),
    }
}

fn lang_is_ja() -> bool {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|s| !s.is_empty()))
        .is_some_and(|v| v.starts_with("ja"))
}

fn say(m: &Message) -> &str {
    if lang_is_ja() { &m.ja } else { &m.en }
}

fn run(cli: &Cli) -> Result<Value, CliError> {
    let mut rng = inkan::os_rng();
    match &cli.command {
        Command::Keygen(a) => {
            let key = PrivateKey::generate(a.algorithm.into(), &mut rng)?;
            // An unencrypted key is a valid choice here, so keygen never prompts: the password
            // comes from the file or the environment, and an unreadable file is an error rather
            // than a silent fallback to an unencrypted key.
            let pw = match (&a.password_file, std::env::var("INKAN_PASSWORD")) {
                (Some(_), _) => password(a.password_file.as_deref(), "INKAN_PASSWORD", "")?,
                (None, Ok(v)) => Some(Password::new(v)),
                (None, Err(_)) => None,
            };
            if pw.as_ref().is_some_and(Password::is_empty) {
                return Err(CliError::Lib(Error::InvalidArgument {
                    name: "password".into(),
                    reason: "an encrypted key needs a non-empty password".into(),
                }));
            }
            let (pem, encrypted) = match pw {
                Some(pw) => (zeroize::Zeroizing::new(key.to_encrypted_pkcs8_pem(&pw, a.iterations, &mut rng)?), true),
                None => (zeroize::Zeroizing::new(key.to_pkcs8_pem()?.to_string()), false),
            };
            write(&a.out, pem.as_bytes(), true)?;
            let info = key.info();
            Ok(json!({"algorithm": info.algorithm, "bits": info.bits, "encrypted": encrypted, "out": a.out}))
        }
        Command::Csr(a) => {
            let key = load_key(&a.key, a.key_password_file.as_deref())?;
            let subject = Subject {
                common_name: a.cn.clone(),
                organization: a.o.clone(),
                organizational_unit: a.ou.clone(),
                country: a.c.clone(),
                email: a.email.clone(),
            };
            let options = CsrOptions {
                email_in_subject: !a.no_email_in_subject,
                key_usage: a.key_usage,
                extended_key_usage: a
                    .eku
                    .iter()
                    .map(|e| match e {
                        EkuArg::EmailProtection => KeyPurpose::EmailProtection,
                        EkuArg::ClientAuth => KeyPurpose::ClientAuth,
                    })
                    .collect(),
            };
            let csr = inkan::build_csr(&key, &subject, &options)?;
            write(&a.out, csr.pem.as_bytes(), false)?;
            let parsed = inkan::parse_csr(&csr.der)?;
            Ok(
                json!({"subject": parsed.subject, "emails": parsed.emails, "key": parsed.key, "signature_algorithm": parsed.signature_algorithm, "out": a.out}),
            )
        }
        Command::P12(P12Command::Build(a)) => {
            let key = load_key(&a.key, a.key_password_file.as_deref())?;
            let mut certs = inkan::parse_certificates(&read(&a.cert)?)?;
            let leaf = certs.remove(0);
            if let Some(chain) = &a.chain {
                certs.extend(inkan::parse_certificates(&read(chain)?)?);
            }
            let pw = require(
                password(a.password_file.as_deref(), "INKAN_PASSWORD", "New .p12 password: ")?,
                ".p12",
                "INKAN_PASSWORD",
            )?;
            let options =
                BuildOptions { profile: a.profile.into(), iterations: a.iterations, friendly_name: a.name.clone() };
            let built = inkan::build_pkcs12(&key, &leaf, &certs, &pw, &options, &mut rng)?;
            write(&a.out, &built.der, false)?;
            Ok(json!({"out": a.out, "profile": options.profile, "bytes": built.der.len(), "findings": built.findings}))
        }
        Command::P12(P12Command::Open(a)) => {
            let bytes = read(&a.file)?;
            let pw = require(
                password(a.password_file.as_deref(), "INKAN_PASSWORD", ".p12 password: ")?,
                ".p12",
                "INKAN_PASSWORD",
            )?;
            let opened = inkan::open_pkcs12(&bytes, &pw)?;
            if let (Some(path), Some(key)) = (&a.key_out, &opened.key) {
                write(path, key.to_pkcs8_pem()?.as_bytes(), true)?;
            }
            if let Some(path) = &a.certs_out {
                let mut pem = String::new();
                for c in &opened.certificates {
                    let der = der::Encode::to_der(&c.certificate).map_err(|_| {
                        CliError::Lib(inkan::Pkcs12Error::Corrupt { detail: "certificate encoding" }.into())
                    })?;
                    pem.push_str(&inkan::encode_pem("CERTIFICATE", &der));
                }
                write(path, pem.as_bytes(), false)?;
            }
            Ok(serde_json::to_value(opened.report()).unwrap_or_default())
        }
        Command::P12(P12Command::Repack(a)) => {
            let bytes = read(&a.file)?;
            let old = require(
                password(a.password_file.as_deref(), "INKAN_PASSWORD", "Current password: ")?,
                ".p12",
                "INKAN_PASSWORD",
            )?;
            let new = require(
                password(a.new_password_file.as_deref(), "INKAN_NEW_PASSWORD", "New password: ")?,
                "new .p12",
                "INKAN_NEW_PASSWORD",
            )?;
            let options = BuildOptions { profile: a.profile.into(), iterations: a.iterations, friendly_name: None };
            let built = inkan::repack_pkcs12(&bytes, &old, &new, &options, &mut rng)?;
            write(&a.out, &built.der, false)?;
            Ok(json!({"out": a.out, "profile": options.profile, "bytes": built.der.len(), "findings": built.findings}))
        }
        Command::Inspect(a) => {
            let bytes = read(&a.file)?;
            let at = match &a.at {
                Some(s) => parse_date(s)?,
                None => today(),
            };
            let pw = password(a.password_file.as_deref(), "INKAN_PASSWORD", ".p12 password: ")?;
            let report = inkan::inspect(&bytes, pw.as_ref(), at).map_err(other)?;
            Ok(serde_json::to_value(report).unwrap_or_default())
        }
        Command::Expiry(a) => {
            let downloaded = parse_date(&a.downloaded)?;
            let issued = a.issued.as_deref().map(parse_date).transpose()?;
            let plan = inkan::plan_expiry(&a.product, downloaded, a.years, issued).map_err(other)?;
            if let Some(path) = &a.ics {
                let product = inkan::product(&a.product).map_err(other)?;
                let stamp = {
                    let now = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.as_secs())
                        .unwrap_or(0);
                    let d = today();
                    format!("{}T{:02}{:02}{:02}Z", d.to_basic_string(), now % 86_400 / 3600, now % 3600 / 60, now % 60)
                };
                let ics = inkan::to_ics(&plan, product, &stamp, &a.downloaded).map_err(other)?;
                write(path, ics.as_bytes(), false)?;
            }
            Ok(serde_json::to_value(plan).unwrap_or_default())
        }
        Command::Advise(a) => {
            let text = String::from_utf8(read(&a.answers)?).map_err(|_| CliError::Io {
                path: a.answers.clone(),
                error: std::io::Error::new(std::io::ErrorKind::InvalidData, "answers file is not UTF-8"),
            })?;
            let answers = inkan::parse_answers(&text).map_err(other)?;
            let today = a.today.as_deref().map(parse_date).transpose()?;
            Ok(serde_json::to_value(inkan::advise_on(&answers, today)).unwrap_or_default())
        }
    }
}

fn human(value: &Value) -> String {
    // A readable rendering for people: the JSON, minus nulls, pretty-printed, plus findings
    // in the user's language.
    let mut out = String::new();
    if let Some(findings) = value.get("findings").and_then(Value::as_array) {
        for f in findings {
            let sev = f.get("severity").and_then(Value::as_str).unwrap_or("info");
            let msg = f
                .get("message")
                .and_then(|m| m.get(if lang_is_ja() { "ja" } else { "en" }))
                .and_then(Value::as_str)
                .unwrap_or("");
            out.push_str(&format!("[{sev}] {msg}\n"));
        }
    }
    let mut v = value.clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("findings");
    }
    strip_seed_names(&mut v);
    out.push_str(&serde_json::to_string_pretty(&v).unwrap_or_default());
    out
}

/// People read the sellers' page titles (`sources`), not the seed file names the JSON carries
/// for tools (`seed`, `seeds`).
fn strip_seed_names(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("seed");
            map.remove("seeds");
            map.values_mut().for_each(strip_seed_names);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_seed_names),
        _ => {}
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A closed stdout (`inkan ... | head -c0`) is the reader's choice, not a crash: write with
    // error handling instead of println!, which panics on EPIPE.
    let mut out = std::io::stdout().lock();
    match run(&cli) {
        Ok(value) => {
            let text = if cli.json { value.to_string() } else { human(&value) };
            let _ = writeln!(out, "{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            let message = e.message();
            if cli.json {
                let _ = writeln!(out, "{}", json!({"error": {"code": e.code(), "message": message}}));
            } else {
                let _ = writeln!(std::io::stderr(), "inkan: {} [{}]", say(&message), e.code());
            }
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_renders_in_both_languages() {
        let errors = [
            CliError::Io { path: PathBuf::from("a.p12"), error: std::io::Error::other("denied") },
            CliError::NoPassword { what: "key", env: "INKAN_PASSWORD" },
        ];
        let problems: Vec<_> =
            errors.iter().filter_map(|e| inkan::i18n::check_rendered(e.code(), &e.message(), true)).collect();
        assert_eq!(problems, Vec::<String>::new());
    }
}
