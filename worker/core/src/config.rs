//! Settings: one TOML file (native) plus environment overrides (native and Workers). Every
//! setting is documented in worker/README.md.

use serde::Deserialize;

use crate::lockout::LockoutPolicy;
use crate::texts;
use inkan::i18n::{Localized, Message};

/// Which issuer the relay uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IssuerKind {
    /// The built-in CA.
    Local,
    /// An RFC 7030 EST server.
    Est,
    /// A back office behind a signed webhook.
    Webhook,
}

/// How the SMTP connection is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpTls {
    /// STARTTLS on the submission port (587), required.
    Starttls,
    /// TLS from the first byte (465).
    Tls,
    /// No TLS: only for a mail relay on the same host (and the tests' local sink).
    None,
}

/// One reviewer's bearer token and the label the audit log records for it.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AdminToken {
    /// Who holds it (`alice`, `back-office`): letters, digits, `.`, `_`, `-`, `@`.
    pub label: String,
    /// The secret (at least 16 characters).
    pub token: String,
    /// A revoked token is refused like an unknown one.
    #[serde(default)]
    pub revoked: bool,
}

/// All settings. `Debug` prints every secret as `[redacted]` (settings are logged at start-up
/// and show up in panics).
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address to listen on (native).
    pub listen: String,
    /// Directory for the database and the local CA (native).
    pub data_dir: String,
    /// Directory of the built site to serve (native); none: API only.
    pub site_dir: Option<String>,
    /// Bearer token for `/api/admin/*` and the review desk, recorded as `admin` in the audit
    /// log; none (and no `admin_tokens`): the admin API is disabled.
    pub admin_token: Option<String>,
    /// The reviewers' tokens, each with the label the audit log records. Revoking one is
    /// removing its entry (or setting `revoked = true`); the others stay valid.
    pub admin_tokens: Vec<AdminToken>,
    /// The issuer.
    pub issuer: IssuerKind,
    /// EST base URL, e.g. `https://ca.example/.well-known/est`.
    pub est_url: Option<String>,
    /// EST Basic-auth user.
    pub est_username: Option<String>,
    /// EST Basic-auth password.
    pub est_password: Option<String>,
    /// Webhook issuer URL.
    pub webhook_url: Option<String>,
    /// Webhook issuer HMAC key.
    pub webhook_secret: Option<String>,
    /// Where reminders are posted.
    pub reminder_url: Option<String>,
    /// HMAC key for reminders.
    pub reminder_secret: Option<String>,
    /// Browser origins allowed to call `/api/*` (the widget's sites).
    pub cors_origins: Vec<String>,
    /// CSP frame-ancestors value.
    pub frame_ancestors: String,
    /// Origins whose pages may embed the widget's frames (`/embed/*`): their CSP
    /// `frame-ancestors`, and the only origins the frames talk to with `postMessage`.
    pub embed_origins: Vec<String>,
    /// Send HSTS (only when the site is served over TLS, e.g. behind a TLS proxy).
    pub hsts: bool,
    /// Test mode: enables `POST /api/admin/clock` and `POST /api/admin/tick`.
    pub test_mode: bool,
    /// Test mode only (native): a file to which every `/api/*` request is appended as one JSON
    /// line (method, path, query, body in base64), so the browser tests can scan what the worker
    /// received in engines that do not expose request bodies to the test (WebKit). Refused at
    /// start without `test_mode`: a real server must never keep what applicants send.
    pub test_capture_bodies: Option<String>,
    /// Download window for products whose seeds name none, days.
    pub default_window_days: u16,
    /// Wrong passwords allowed per application before a lock.
    pub lockout_threshold: u32,
    /// Wrong passwords allowed per client address before a lock.
    pub client_lockout_threshold: u32,
    /// First lock, seconds (doubling after each further failure).
    pub lockout_base_seconds: i64,
    /// Longest lock, seconds.
    pub lockout_max_seconds: i64,
    /// First relay retry delay, seconds (doubling).
    pub relay_backoff_base_seconds: i64,
    /// Longest relay retry delay, seconds.
    pub relay_backoff_max_seconds: i64,
    /// Seconds between background passes (native).
    pub tick_interval_seconds: u64,
    /// Reminder webhooks sent per background pass; the rest wait for the next pass. Workers
    /// allow 50 subrequests per invocation on the free plan, hence 40.
    pub deliveries_per_pass: u32,
    /// Serve the minimal EST server with the local issuer.
    pub est_server: bool,
    /// Basic-auth user of the local EST server.
    pub est_server_username: Option<String>,
    /// Basic-auth password of the local EST server; none: EST enrolment is refused.
    pub est_server_password: Option<String>,
    /// Catalog product whose validity EST enrolments get.
    pub est_server_product: String,
    /// Log format: `json` or `text`.
    pub log_format: String,
    /// Header naming the client address behind a reverse proxy (e.g. `x-forwarded-for`). It is
    /// honoured only on requests whose peer is one of `trusted_proxies`, and its right-most
    /// address that is not a trusted proxy is the client. None: the socket peer natively,
    /// `cf-connecting-ip` (set by Cloudflare's edge) on Workers.
    pub client_ip_header: Option<String>,
    /// The reverse proxies whose forwarding header is believed, as CIDRs (`10.0.0.0/8`,
    /// `::1/128`). Empty: no header is believed natively.
    pub trusted_proxies: Vec<String>,
    /// The key of the HMAC that turns client addresses into counter keys (at least 32
    /// characters). None: a random key made on first start (natively the file `address.key` in
    /// the data directory, mode 0600; on Workers a row of the settings table).
    pub address_key: Option<String>,
    /// Applications accepted per client address per hour (429 with Retry-After beyond).
    pub intake_per_hour: u32,
    /// Days an application may wait undecided (submitted, mailbox unconfirmed or unreviewed)
    /// before it expires and its personal data and CSR are deleted.
    pub undecided_days: u16,
    /// Days the identity documents (sealed to the issuer's document key) are kept after the
    /// decision (approve, reject, cancel); then they are deleted by the background pass.
    pub document_retention_days: u16,
    /// The largest sealed document accepted, in bytes (the document plus 48 bytes of HPKE).
    pub document_max_bytes: u32,
    /// The most documents one application may carry.
    pub document_max_count: u8,
    /// SMTP server for the worker's own mail (the mailbox confirmation code, decisions). None:
    /// natively each message is written to `<data_dir>/outbox/` as an `.eml` file; on Workers
    /// it goes to `mail_url`, or to the `outbox` table when that is unset too.
    pub smtp_host: Option<String>,
    /// SMTP port (587 for STARTTLS, 465 for TLS).
    pub smtp_port: u16,
    /// SMTP security.
    pub smtp_tls: SmtpTls,
    /// SMTP user.
    pub smtp_username: Option<String>,
    /// SMTP password.
    pub smtp_password: Option<String>,
    /// The From address of the worker's mail.
    pub mail_from: String,
    /// Workers: a mail relay that takes `{"to","subject","text"}` in an HMAC-signed POST (the
    /// platform's mail route: an Email Worker or the seller's mail API).
    pub mail_url: Option<String>,
    /// HMAC key for `mail_url`.
    pub mail_secret: Option<String>,
    /// Seconds a client may take to send a request's headers (native); also the idle limit of
    /// a kept-alive connection.
    pub header_timeout_seconds: u64,
    /// Seconds a client may take to send a request's body (native).
    pub body_timeout_seconds: u64,
    /// Connections served at once (native); further connections wait in the kernel's backlog.
    pub max_connections: usize,
    /// Server-side PBKDF2 derivations at once (native; the legacy `download_password` body);
    /// 0: one per CPU core.
    pub max_concurrent_kdf: usize,
}

impl core::fmt::Debug for Settings {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let secret = |value: &Option<String>| if value.is_some() { "Some([redacted])" } else { "None" };
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("site_dir", &self.site_dir)
            .field("admin_token", &secret(&self.admin_token))
            .field("admin_tokens", &self.admin_tokens.iter().map(|t| t.label.as_str()).collect::<Vec<_>>())
            .field("issuer", &self.issuer)
            .field("est_url", &self.est_url)
            .field("est_username", &self.est_username)
            .field("est_password", &secret(&self.est_password))
            .field("webhook_url", &self.webhook_url)
            .field("webhook_secret", &secret(&self.webhook_secret))
            .field("reminder_url", &self.reminder_url)
            .field("reminder_secret", &secret(&self.reminder_secret))
            .field("cors_origins", &self.cors_origins)
            .field("frame_ancestors", &self.frame_ancestors)
            .field("embed_origins", &self.embed_origins)
            .field("test_mode", &self.test_mode)
            .field("test_capture_bodies", &self.test_capture_bodies)
            .field("est_server_password", &secret(&self.est_server_password))
            .field("client_ip_header", &self.client_ip_header)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("address_key", &secret(&self.address_key))
            .field("intake_per_hour", &self.intake_per_hour)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &secret(&self.smtp_password))
            .field("mail_url", &self.mail_url)
            .field("mail_secret", &secret(&self.mail_secret))
            .finish_non_exhaustive()
    }
}

/// Whether `value` is a plain web origin: `http(s)://host[:port]`, no path, no wildcard, nothing
/// a header could be split with.
fn is_origin(value: &str) -> bool {
    let Some(rest) = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://")) else {
        return false;
    };
    !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8787".into(),
            data_dir: "inkan-data".into(),
            site_dir: None,
            admin_token: None,
            admin_tokens: Vec::new(),
            issuer: IssuerKind::Local,
            est_url: None,
            est_username: None,
            est_password: None,
            webhook_url: None,
            webhook_secret: None,
            reminder_url: None,
            reminder_secret: None,
            cors_origins: Vec::new(),
            frame_ancestors: "'self'".into(),
            embed_origins: Vec::new(),
            hsts: false,
            test_mode: false,
            test_capture_bodies: None,
            default_window_days: 30,
            lockout_threshold: 5,
            client_lockout_threshold: 20,
            lockout_base_seconds: 60,
            lockout_max_seconds: 24 * 3_600,
            relay_backoff_base_seconds: 30,
            relay_backoff_max_seconds: 3_600,
            tick_interval_seconds: 60,
            deliveries_per_pass: 40,
            est_server: true,
            est_server_username: None,
            est_server_password: None,
            est_server_product: "sign123".into(),
            log_format: "json".into(),
            client_ip_header: None,
            trusted_proxies: Vec::new(),
            address_key: None,
            intake_per_hour: 20,
            undecided_days: 90,
            document_retention_days: 30,
            document_max_bytes: 5 * 1024 * 1024,
            document_max_count: 4,
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            mail_from: "Inkan <no-reply@inkan.invalid>".into(),
            mail_url: None,
            mail_secret: None,
            header_timeout_seconds: 10,
            body_timeout_seconds: 20,
            max_connections: 512,
            max_concurrent_kdf: 0,
        }
    }
}

/// The audit label of the single `admin_token` (kept from before there were several).
pub const LEGACY_ADMIN_LABEL: &str = "admin";

/// Configuration errors (reported at start, in English: operators read them).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The TOML does not parse.
    Parse {
        /// The parser's message.
        detail: String,
    },
    /// A value is invalid.
    Invalid {
        /// Which setting.
        setting: &'static str,
        /// Why.
        reason: String,
    },
}

impl core::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for ConfigError {}

impl Localized for ConfigError {
    fn code(&self) -> &'static str {
        match self {
            ConfigError::Parse { .. } => "config_parse",
            ConfigError::Invalid { .. } => "config_invalid",
        }
    }
    fn message(&self) -> Message {
        match self {
            ConfigError::Parse { detail } => texts::config::ConfigParse { detail: detail.into() }.render(),
            ConfigError::Invalid { setting, reason } => {
                texts::config::ConfigInvalid { setting: (*setting).into(), reason: reason.into() }.render()
            }
        }
    }
}

fn invalid(setting: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError::Invalid { setting, reason: reason.into() }
}

fn parse<T: std::str::FromStr>(setting: &'static str, value: &str) -> Result<T, ConfigError> {
    value.trim().parse().map_err(|_| invalid(setting, format!("`{value}` is not a valid value")))
}

fn flag(setting: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.trim() {
        "1" | "true" | "yes" => Ok(true),
        "0" | "false" | "no" | "" => Ok(false),
        _ => Err(invalid(setting, "use 1 or 0")),
    }
}

impl Settings {
    /// Applies `INKAN_*` environment overrides; `get` reads one variable.
    pub fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let some = |v: String| if v.is_empty() { None } else { Some(v) };
        if let Some(v) = get("INKAN_LISTEN") {
            self.listen = v;
        }
        if let Some(v) = get("INKAN_DATA_DIR") {
            self.data_dir = v;
        }
        if let Some(v) = get("INKAN_SITE_DIR") {
            self.site_dir = some(v);
        }
        if let Some(v) = get("INKAN_ADMIN_TOKEN") {
            self.admin_token = some(v);
        }
        // `label:token,label:token` (tokens are URL-safe base64 or hex, so `:` and `,` divide).
        if let Some(v) = get("INKAN_ADMIN_TOKENS") {
            self.admin_tokens = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|entry| match entry.split_once(':') {
                    Some((label, token)) => Ok(AdminToken {
                        label: label.trim().to_owned(),
                        token: token.trim().to_owned(),
                        revoked: false,
                    }),
                    None => Err(invalid("admin_tokens", "entries like `alice:<token>`, separated by commas")),
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = get("INKAN_ISSUER") {
            self.issuer = match v.trim() {
                "local" => IssuerKind::Local,
                "est" => IssuerKind::Est,
                "webhook" => IssuerKind::Webhook,
                other => return Err(invalid("issuer", format!("`{other}` is not local, est or webhook"))),
            };
        }
        let strings: [(&str, &mut Option<String>); 14] = [
            ("INKAN_EST_URL", &mut self.est_url),
            ("INKAN_EST_USERNAME", &mut self.est_username),
            ("INKAN_EST_PASSWORD", &mut self.est_password),
            ("INKAN_WEBHOOK_URL", &mut self.webhook_url),
            ("INKAN_WEBHOOK_SECRET", &mut self.webhook_secret),
            ("INKAN_REMINDER_URL", &mut self.reminder_url),
            ("INKAN_REMINDER_SECRET", &mut self.reminder_secret),
            ("INKAN_EST_SERVER_PASSWORD", &mut self.est_server_password),
            ("INKAN_ADDRESS_KEY", &mut self.address_key),
            ("INKAN_SMTP_HOST", &mut self.smtp_host),
            ("INKAN_SMTP_USERNAME", &mut self.smtp_username),
            ("INKAN_SMTP_PASSWORD", &mut self.smtp_password),
            ("INKAN_MAIL_URL", &mut self.mail_url),
            ("INKAN_MAIL_SECRET", &mut self.mail_secret),
        ];
        for (name, slot) in strings {
            if let Some(v) = get(name) {
                *slot = some(v);
            }
        }
        if let Some(v) = get("INKAN_EST_SERVER_USERNAME") {
            self.est_server_username = some(v);
        }
        if let Some(v) = get("INKAN_CORS_ORIGINS") {
            self.cors_origins = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        }
        if let Some(v) = get("INKAN_EMBED_ORIGINS") {
            self.embed_origins = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        }
        if let Some(v) = get("INKAN_FRAME_ANCESTORS") {
            self.frame_ancestors = v;
        }
        if let Some(v) = get("INKAN_HSTS") {
            self.hsts = flag("hsts", &v)?;
        }
        if let Some(v) = get("INKAN_TEST_MODE") {
            self.test_mode = flag("test_mode", &v)?;
        }
        if let Some(v) = get("INKAN_TEST_CAPTURE_BODIES") {
            self.test_capture_bodies = some(v);
        }
        if let Some(v) = get("INKAN_DEFAULT_WINDOW_DAYS") {
            self.default_window_days = parse("default_window_days", &v)?;
        }
        if let Some(v) = get("INKAN_LOCKOUT_THRESHOLD") {
            self.lockout_threshold = parse("lockout_threshold", &v)?;
        }
        if let Some(v) = get("INKAN_CLIENT_LOCKOUT_THRESHOLD") {
            self.client_lockout_threshold = parse("client_lockout_threshold", &v)?;
        }
        if let Some(v) = get("INKAN_LOCKOUT_BASE_SECONDS") {
            self.lockout_base_seconds = parse("lockout_base_seconds", &v)?;
        }
        if let Some(v) = get("INKAN_RELAY_BACKOFF_BASE_SECONDS") {
            self.relay_backoff_base_seconds = parse("relay_backoff_base_seconds", &v)?;
        }
        if let Some(v) = get("INKAN_TICK_INTERVAL_SECONDS") {
            self.tick_interval_seconds = parse("tick_interval_seconds", &v)?;
        }
        if let Some(v) = get("INKAN_DELIVERIES_PER_PASS") {
            self.deliveries_per_pass = parse("deliveries_per_pass", &v)?;
        }
        if let Some(v) = get("INKAN_EST_SERVER_PRODUCT") {
            self.est_server_product = v;
        }
        if let Some(v) = get("INKAN_CLIENT_IP_HEADER") {
            self.client_ip_header = some(v.to_ascii_lowercase());
        }
        if let Some(v) = get("INKAN_LOCKOUT_MAX_SECONDS") {
            self.lockout_max_seconds = parse("lockout_max_seconds", &v)?;
        }
        if let Some(v) = get("INKAN_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = get("INKAN_TRUSTED_PROXIES") {
            self.trusted_proxies = v.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect();
        }
        if let Some(v) = get("INKAN_INTAKE_PER_HOUR") {
            self.intake_per_hour = parse("intake_per_hour", &v)?;
        }
        if let Some(v) = get("INKAN_UNDECIDED_DAYS") {
            self.undecided_days = parse("undecided_days", &v)?;
        }
        if let Some(v) = get("INKAN_DOCUMENT_RETENTION_DAYS") {
            self.document_retention_days = parse("document_retention_days", &v)?;
        }
        if let Some(v) = get("INKAN_DOCUMENT_MAX_BYTES") {
            self.document_max_bytes = parse("document_max_bytes", &v)?;
        }
        if let Some(v) = get("INKAN_DOCUMENT_MAX_COUNT") {
            self.document_max_count = parse("document_max_count", &v)?;
        }
        if let Some(v) = get("INKAN_SMTP_PORT") {
            self.smtp_port = parse("smtp_port", &v)?;
        }
        if let Some(v) = get("INKAN_SMTP_TLS") {
            self.smtp_tls = match v.trim() {
                "starttls" => SmtpTls::Starttls,
                "tls" => SmtpTls::Tls,
                "none" => SmtpTls::None,
                _ => return Err(invalid("smtp_tls", "starttls, tls or none")),
            };
        }
        if let Some(v) = get("INKAN_MAIL_FROM") {
            self.mail_from = v;
        }
        if let Some(v) = get("INKAN_HEADER_TIMEOUT_SECONDS") {
            self.header_timeout_seconds = parse("header_timeout_seconds", &v)?;
        }
        if let Some(v) = get("INKAN_BODY_TIMEOUT_SECONDS") {
            self.body_timeout_seconds = parse("body_timeout_seconds", &v)?;
        }
        if let Some(v) = get("INKAN_MAX_CONNECTIONS") {
            self.max_connections = parse("max_connections", &v)?;
        }
        if let Some(v) = get("INKAN_MAX_CONCURRENT_KDF") {
            self.max_concurrent_kdf = parse("max_concurrent_kdf", &v)?;
        }
        Ok(())
    }

    /// Checks the settings together.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(token) = &self.admin_token
            && token.len() < 16
        {
            return Err(invalid("admin_token", "use at least 16 characters"));
        }
        let mut labels = std::collections::BTreeSet::new();
        for entry in &self.admin_tokens {
            let label_ok = !entry.label.is_empty()
                && entry.label.len() <= 40
                && entry.label.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-@".contains(&b));
            if !label_ok {
                return Err(invalid("admin_tokens", "labels are 1-40 letters, digits, `.`, `_`, `-` or `@`"));
            }
            if entry.token.len() < 16 {
                return Err(invalid(
                    "admin_tokens",
                    format!("the token of `{}` is shorter than 16 characters", entry.label),
                ));
            }
            if !labels.insert(entry.label.as_str()) {
                return Err(invalid("admin_tokens", format!("the label `{}` is used twice", entry.label)));
            }
        }
        if self.admin_token.is_some() && labels.contains(LEGACY_ADMIN_LABEL) {
            return Err(invalid("admin_tokens", "the label `admin` belongs to admin_token"));
        }
        match self.issuer {
            IssuerKind::Est if self.est_url.is_none() => return Err(invalid("est_url", "required with issuer = est")),
            IssuerKind::Webhook if self.webhook_url.is_none() || self.webhook_secret.is_none() => {
                return Err(invalid(
                    "webhook_url",
                    "webhook_url and webhook_secret are required with issuer = webhook",
                ));
            }
            _ => {}
        }
        if self.reminder_url.is_some() && self.reminder_secret.is_none() {
            return Err(invalid("reminder_secret", "required with reminder_url"));
        }
        if inkan::product(&self.est_server_product).is_err() {
            return Err(invalid("est_server_product", "not a catalog product id"));
        }
        if self.lockout_threshold == 0 || self.client_lockout_threshold == 0 {
            return Err(invalid("lockout_threshold", "must be at least 1"));
        }
        if self.default_window_days == 0 {
            return Err(invalid("default_window_days", "must be at least 1"));
        }
        // A frame-ancestors value is spliced into a header: refuse anything that could end it.
        if self.frame_ancestors.chars().any(|c| c.is_control() || c == ';' || c == ',') {
            return Err(invalid("frame_ancestors", "sources separated by spaces, no ';' or ','"));
        }
        for origin in &self.cors_origins {
            if !is_origin(origin) {
                return Err(invalid("cors_origins", format!("`{origin}` is not an origin like https://example.jp")));
            }
        }
        // Embed origins go into a CSP header and into the frames' postMessage checks: only
        // plain origins (scheme, host, optional port), nothing that could end a directive.
        for origin in &self.embed_origins {
            if !is_origin(origin) {
                return Err(invalid("embed_origins", format!("`{origin}` is not an origin like https://example.jp")));
            }
        }
        if self.log_format != "json" && self.log_format != "text" {
            return Err(invalid("log_format", "json or text"));
        }
        for proxy in &self.trusted_proxies {
            if crate::client::Cidr::parse(proxy).is_none() {
                return Err(invalid("trusted_proxies", format!("`{proxy}` is not a CIDR like 10.0.0.0/8 or ::1/128")));
            }
        }
        if self.address_key.as_ref().is_some_and(|key| key.len() < 32) {
            return Err(invalid("address_key", "use at least 32 characters"));
        }
        if self.intake_per_hour == 0 || self.undecided_days == 0 {
            return Err(invalid("intake_per_hour", "intake_per_hour and undecided_days must be at least 1"));
        }
        if self.mail_url.is_some() && self.mail_secret.is_none() {
            return Err(invalid("mail_secret", "required with mail_url"));
        }
        if self.header_timeout_seconds == 0 || self.body_timeout_seconds == 0 || self.max_connections == 0 {
            return Err(invalid("header_timeout_seconds", "timeouts and max_connections must be at least 1"));
        }
        if self.test_capture_bodies.is_some() && !self.test_mode {
            return Err(invalid("test_capture_bodies", "only with test_mode = true"));
        }
        if self.mail_from.chars().any(char::is_control) || !self.mail_from.contains('@') {
            return Err(invalid("mail_from", "an address like `Inkan <no-reply@example.jp>`"));
        }
        Ok(())
    }

    /// The label of the reviewer whose token `given` is, comparing against every configured
    /// token in constant time (a miss takes as long as a hit on the last one); none for an
    /// unknown, revoked or empty token.
    pub fn admin_label(&self, given: &str) -> Option<&str> {
        use subtle::ConstantTimeEq as _;
        let legacy = self.admin_token.as_deref().map(|token| (LEGACY_ADMIN_LABEL, token, false));
        let listed = self.admin_tokens.iter().map(|t| (t.label.as_str(), t.token.as_str(), t.revoked));
        let mut found = None;
        for (label, token, revoked) in legacy.into_iter().chain(listed) {
            let same = bool::from(given.as_bytes().ct_eq(token.as_bytes()));
            if same && !revoked && !given.is_empty() && found.is_none() {
                found = Some(label);
            }
        }
        found
    }

    /// Whether any reviewer can sign in.
    pub fn admin_enabled(&self) -> bool {
        self.admin_token.is_some() || self.admin_tokens.iter().any(|t| !t.revoked)
    }

    /// The per-application lockout policy.
    pub fn application_lockout(&self) -> LockoutPolicy {
        LockoutPolicy {
            threshold: self.lockout_threshold,
            base_seconds: self.lockout_base_seconds,
            max_seconds: self.lockout_max_seconds,
        }
    }

    /// The per-client lockout policy.
    pub fn client_lockout(&self) -> LockoutPolicy {
        LockoutPolicy { threshold: self.client_lockout_threshold, ..self.application_lockout() }
    }

    /// The trusted proxies, parsed (validated at start, so nothing is dropped here).
    pub fn trusted_proxy_ranges(&self) -> Vec<crate::client::Cidr> {
        self.trusted_proxies.iter().filter_map(|p| crate::client::Cidr::parse(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_and_validation() {
        let mut s = Settings::default();
        let env = |k: &str| match k {
            "INKAN_ISSUER" => Some("est".to_owned()),
            "INKAN_EST_URL" => Some("http://127.0.0.1:1/.well-known/est".to_owned()),
            "INKAN_CORS_ORIGINS" => Some("https://a.example, https://b.example".to_owned()),
            "INKAN_TEST_MODE" => Some("1".to_owned()),
            _ => None,
        };
        s.apply_env(env).expect("env");
        assert_eq!(s.issuer, IssuerKind::Est);
        assert_eq!(s.cors_origins, ["https://a.example", "https://b.example"]);
        assert!(s.test_mode);
        s.validate().expect("valid");
        s.frame_ancestors = "'self'; script-src *".into();
        assert_eq!(s.validate().expect_err("injection").code(), "config_invalid");
        let mut s = Settings::default();
        assert!(s.apply_env(|k| (k == "INKAN_ISSUER").then(|| "nope".to_owned())).is_err());
        s.admin_token = Some("short".into());
        assert!(s.validate().is_err());
    }

    #[test]
    fn debug_never_prints_a_secret() {
        let s = Settings {
            admin_token: Some("admin-token-that-must-not-leak".into()),
            webhook_secret: Some("webhook-secret-that-must-not-leak".into()),
            smtp_password: Some("smtp-password-that-must-not-leak".into()),
            est_server_password: Some("est-password-that-must-not-leak".into()),
            address_key: Some("address-key-that-must-not-leak-0123456789".into()),
            ..Settings::default()
        };
        let printed = format!("{s:?}");
        assert!(!printed.contains("must-not-leak"), "{printed}");
        assert!(printed.contains("[redacted]"));
    }

    #[test]
    fn several_labelled_tokens_each_revocable() {
        let mut s = Settings { admin_token: Some("legacy-token-0123456789".into()), ..Settings::default() };
        s.apply_env(|k| {
            (k == "INKAN_ADMIN_TOKENS").then(|| "alice:alice-token-0123456789, bob:bob-token-0123456789abc".to_owned())
        })
        .expect("env");
        s.validate().expect("valid");
        assert_eq!(s.admin_label("alice-token-0123456789"), Some("alice"));
        assert_eq!(s.admin_label("bob-token-0123456789abc"), Some("bob"));
        assert_eq!(s.admin_label("legacy-token-0123456789"), Some("admin"));
        assert_eq!(s.admin_label("alice-token-012345678"), None);
        assert_eq!(s.admin_label(""), None);
        s.admin_tokens[0].revoked = true;
        assert_eq!(s.admin_label("alice-token-0123456789"), None);
        assert_eq!(s.admin_label("bob-token-0123456789abc"), Some("bob"));
        let printed = format!("{s:?}");
        assert!(printed.contains("alice") && !printed.contains("alice-token"), "{printed}");
        let bad = |v: &str| {
            let mut s = Settings::default();
            s.apply_env(|k| (k == "INKAN_ADMIN_TOKENS").then(|| v.to_owned())).and_then(|()| s.validate()).is_err()
        };
        assert!(bad("no-colon-here-0123456789"));
        assert!(bad("alice:short"));
        assert!(bad("a b:alice-token-0123456789"));
        assert!(bad("x:alice-token-0123456789,x:other-token-0123456789"));
    }

    #[test]
    fn trusted_proxies_must_be_cidrs() {
        let mut s = Settings::default();
        s.apply_env(|k| (k == "INKAN_TRUSTED_PROXIES").then(|| "10.0.0.0/8, ::1/128".to_owned())).expect("env");
        s.validate().expect("valid");
        assert_eq!(s.trusted_proxy_ranges().len(), 2);
        s.trusted_proxies.push("example.jp".into());
        assert_eq!(s.validate().expect_err("not a CIDR").code(), "config_invalid");
    }

    #[test]
    fn body_capture_only_in_test_mode() {
        let mut s = Settings::default();
        s.apply_env(|k| (k == "INKAN_TEST_CAPTURE_BODIES").then(|| "/tmp/bodies.jsonl".to_owned())).expect("env");
        assert_eq!(s.validate().expect_err("not in test mode").code(), "config_invalid");
        s.test_mode = true;
        s.validate().expect("valid in test mode");
    }
}
