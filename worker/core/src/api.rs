//! The routes, shared by both runtimes: the adapters turn their requests into [`ApiRequest`],
//! call [`Service::handle`] with the time and a random number generator, and send back the
//! [`ApiResponse`]. Background work (relay retries, window closing, reminders) is
//! [`Service::tick`], driven by a timer natively and by a Cron Trigger on Workers.
//!
//! | route | who |
//! |---|---|
//! | `GET /api/health` | anyone |
//! | `POST /api/applications` | applicant (intake) |
//! | `GET /api/applications/{id}` | applicant (status) |
//! | `POST /api/applications/{id}/certificate` | applicant (download, password or client verifier in the body) |
//! | `POST /api/applications/{id}/confirm`, `.../confirm/resend` | applicant (mailbox code from the mail) |
//! | `GET /api/issuer/root` | anyone (the local CA's root, for those who install it by hand) |
//! | `POST /api/issuer/applications/{id}/certificate` | webhook issuer's callback (per-application token) |
//! | `GET /api/admin/applications[?status=&limit=&offset=]`, `GET /api/admin/applications/{id}` | admin |
//! | `POST /api/admin/applications/{id}/{approve,reject,cancel}` | admin (bearer token) |
//! | `POST /api/admin/applications/{id}/certificate` | admin (uploads a chain by hand) |
//! | `GET /api/admin/reminders` | admin |
//! | `GET /api/admin/session` | admin (the desk's sign-in: the token's label) |
//! | `GET /api/admin/audit[?limit=&offset=]`, `GET /api/admin/audit.csv` | admin (the decisions log) |
//! | `GET /admin`, `/admin/desk.js`, `/admin/desk.css` | the review desk's page (it calls the admin routes) |
//! | `POST /api/admin/tick`, `POST /api/admin/clock`, `GET /api/admin/outbox` | admin, test mode only |
//! | `GET /.well-known/est/cacerts`, `POST /.well-known/est/simpleenroll` | EST clients (local issuer) |

use serde::Deserialize;
use sha2::Digest as _;
use subtle::ConstantTimeEq as _;

use crate::UnixTime;
use crate::application::{Application, Status};
use crate::config::Settings;
use crate::download_password::Pbkdf2;
use crate::http::{ApiRequest, ApiResponse, HttpClient, Outbound};
use crate::intake::DownloadSecret;
use crate::issuer::{AnyIssuer, IssueOutcome, IssueRequest, Issuer as _};
use crate::lockout::Charge;
use crate::mailbox::{ConfirmError, Mailer};
use crate::reminders::{Reminder, ReminderState};
use crate::store::{Inserted, Store, StoreError};
use crate::texts;
use inkan::i18n::{Localized, Message};

pub use crate::intake::MAX_BODY_BYTES;

/// The settings key of the test clock's offset from the system clock, seconds.
const CLOCK_OFFSET_KEY: &str = "test_clock_offset";
/// Applications looked at per background pass.
const TICK_BATCH: u32 = 200;
/// How often a write that lost a race is retried.
const CONFLICT_RETRIES: usize = 5;
/// The intake rate window.
const HOUR: i64 = 3_600;
/// Most applications one admin list page shows.
const MAX_PAGE: u32 = 200;

/// Refusals of the API itself (intake, password and store errors have their own enums).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiError {
    /// No such route or application.
    NotFound,
    /// The admin token is missing or wrong (or no token is configured).
    Unauthorized,
    /// The route exists only in test mode.
    TestModeOnly,
    /// The download password is wrong.
    WrongPassword,
    /// The download window has closed.
    WindowClosed,
    /// The certificate is not issued yet.
    NotIssuedYet {
        /// The current status.
        status: Status,
    },
    /// The application was rejected.
    Rejected,
    /// A returned certificate is not for the CSR's key.
    CertificateKeyMismatch,
    /// A returned certificate chain does not parse.
    BadCertificate,
    /// The origin is not allowed to call the API (CORS preflight, or a state-changing request
    /// whose `Origin` is neither this site nor a configured one).
    CorsOriginNotAllowed,
    /// A state-changing applicant route was called without `Content-Type: application/json`
    /// (what a cross-origin "simple" form or `text/plain` post would send).
    UnsupportedMediaType,
    /// The same CSR was sent with a different download password: the key belongs to an
    /// application whose id is not given out.
    DuplicateCsr,
    /// Too many applications from this address.
    RateLimited {
        /// Seconds to wait.
        retry_after: i64,
    },
    /// The request (headers or body) arrived too slowly.
    RequestTimeout,
    /// The body is not the expected JSON.
    BadRequest {
        /// What is wrong (for developers).
        detail: String,
    },
    /// Something failed inside.
    Internal,
}

impl core::fmt::Display for ApiError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for ApiError {}

impl Localized for ApiError {
    fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound => "not_found",
            ApiError::Unauthorized => "unauthorized",
            ApiError::TestModeOnly => "test_mode_only",
            ApiError::WrongPassword => "wrong_password",
            ApiError::WindowClosed => "download_window_closed",
            ApiError::NotIssuedYet { .. } => "not_issued_yet",
            ApiError::Rejected => "rejected",
            ApiError::CertificateKeyMismatch => "certificate_key_mismatch",
            ApiError::BadCertificate => "bad_certificate",
            ApiError::CorsOriginNotAllowed => "cors_origin_not_allowed",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::DuplicateCsr => "duplicate_csr",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::RequestTimeout => "request_timeout",
            ApiError::BadRequest { .. } => "invalid_request",
            ApiError::Internal => "internal_error",
        }
    }

    fn message(&self) -> Message {
        match self {
            ApiError::NotFound => texts::api::NOT_FOUND.render(),
            ApiError::Unauthorized => texts::api::UNAUTHORIZED.render(),
            ApiError::TestModeOnly => texts::api::TEST_MODE_ONLY.render(),
            ApiError::WrongPassword => texts::api::WRONG_PASSWORD.render(),
            // seed: 000_83bab2e9cbe37489.txt: after the window the certificate cannot be downloaded
            // and the fee is still charged; a new application is needed.
            ApiError::WindowClosed => texts::api::DOWNLOAD_WINDOW_CLOSED.render(),
            ApiError::NotIssuedYet { status } => texts::api::NotIssuedYet { status: status.as_str().into() }.render(),
            ApiError::Rejected => texts::api::REJECTED.render(),
            ApiError::CertificateKeyMismatch => texts::api::CERTIFICATE_KEY_MISMATCH.render(),
            ApiError::BadCertificate => texts::api::BAD_CERTIFICATE.render(),
            ApiError::CorsOriginNotAllowed => texts::api::CORS_ORIGIN_NOT_ALLOWED.render(),
            ApiError::UnsupportedMediaType => texts::api::UNSUPPORTED_MEDIA_TYPE.render(),
            ApiError::DuplicateCsr => texts::api::DUPLICATE_CSR.render(),
            ApiError::RateLimited { retry_after } => {
                texts::api::RateLimited { retry_after: retry_after.into() }.render()
            }
            ApiError::RequestTimeout => texts::api::REQUEST_TIMEOUT.render(),
            ApiError::BadRequest { detail } => texts::api::InvalidRequest { detail: detail.into() }.render(),
            ApiError::Internal => texts::api::INTERNAL_ERROR.render(),
        }
    }
}

impl ApiError {
    fn status(&self) -> u16 {
        match self {
            ApiError::NotFound => 404,
            ApiError::Unauthorized => 401,
            ApiError::TestModeOnly => 404,
            ApiError::WrongPassword => 403,
            ApiError::WindowClosed => 410,
            ApiError::NotIssuedYet { .. } | ApiError::Rejected => 409,
            ApiError::CertificateKeyMismatch | ApiError::BadCertificate => 422,
            ApiError::CorsOriginNotAllowed => 403,
            ApiError::UnsupportedMediaType => 415,
            ApiError::DuplicateCsr => 409,
            ApiError::RateLimited { .. } => 429,
            ApiError::RequestTimeout => 408,
            ApiError::BadRequest { .. } => 400,
            ApiError::Internal => 500,
        }
    }
}

/// A refusal on its way out.
type Refusal = ApiResponse;

/// Whether `path` is answered by the API service rather than by the static site: the JSON API,
/// the EST routes and the review desk (whose pages are compiled into the worker, so that the
/// desk can never be served with the site's looser framing policy). Both adapters route by this.
pub fn handles(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/.well-known/est/")
        || path == "/admin"
        || path.starts_with("/admin/")
}

/// The refusal for an [`ApiError`] (with Retry-After where it has one).
pub fn refuse(error: &ApiError) -> Refusal {
    let response = ApiResponse::from_error(error.status(), error);
    match error {
        ApiError::RateLimited { retry_after } => response.with_header("retry-after", retry_after.to_string()),
        _ => response,
    }
}

fn locked(error: &crate::lockout::LockoutError) -> Refusal {
    let crate::lockout::LockoutError::LockedOut { retry_after } = error;
    ApiResponse::from_error(429, error).with_header("retry-after", retry_after.to_string())
}

fn store_failure(error: &StoreError) -> Refusal {
    tracing::error!(code = error.code(), detail = ?error, "store failure");
    let status = if *error == StoreError::Conflict { 409 } else { 503 };
    ApiResponse::from_error(status, error)
}

fn ok_json(status: u16, value: serde_json::Value) -> ApiResponse {
    ApiResponse::json(status, &value)
}

/// The edge worker's logic over its five ports.
pub struct Service<S, C, P, M> {
    /// Settings.
    pub settings: Settings,
    /// Storage.
    pub store: S,
    /// The issuer.
    pub issuer: AnyIssuer<C>,
    /// The password KDF.
    pub kdf: P,
    /// HTTP client for reminder webhooks.
    pub http: C,
    /// The worker's own mail (mailbox confirmation codes).
    pub mailer: M,
    /// The key of the HMAC that turns client addresses into counter keys.
    pub address_key: zeroize::Zeroizing<Vec<u8>>,
}

#[derive(Deserialize)]
struct DownloadBody {
    #[serde(default)]
    download_password: Option<String>,
    /// PBKDF2-HMAC-SHA256(password, salt, iterations) derived by the client with the salt and
    /// count from the status view, base64.
    #[serde(default)]
    download_password_verifier: Option<String>,
}

/// What a resubmitted CSR brings to prove it is its applicant's.
enum Resubmission<'a> {
    /// The stored form of the new verifier (equal to the stored one for the same verifier).
    Verifier(&'a str),
    /// The download password.
    Password(&'a str),
}

/// What a download brings: the password, or the value the client derived from it.
pub enum DownloadProof {
    /// The download password as typed (checked against a server-side hash).
    Password(zeroize::Zeroizing<String>),
    /// PBKDF2-HMAC-SHA256 of the password, derived in the browser with the status view's salt
    /// and count.
    Derived(zeroize::Zeroizing<Vec<u8>>),
}

/// Reads the body of `POST /api/applications/{id}/certificate` before anything is looked up:
/// one proof (the password or the client's verifier), or the refusal to answer with. Pure (no
/// I/O), so the fuzzer drives it directly; a refusal never repeats what the body held.
pub fn parse_download_body(body: &[u8]) -> Result<DownloadProof, ApiResponse> {
    if body.len() > MAX_BODY_BYTES {
        let e = crate::intake::IntakeError::TooLarge { size: body.len() };
        return Err(ApiResponse::from_error(413, &e));
    }
    let body: DownloadBody = serde_json::from_slice(body)
        .map_err(|e| refuse(&ApiError::BadRequest { detail: crate::http::json_problem(&e) }))?;
    match (body.download_password, body.download_password_verifier) {
        (Some(password), None) => Ok(DownloadProof::Password(zeroize::Zeroizing::new(password))),
        (None, Some(derived)) => {
            let derived = zeroize::Zeroizing::new(derived);
            match crate::download_password::decode_base64(&derived) {
                Some(bytes) if bytes.len() == crate::download_password::HASH_BYTES => {
                    Ok(DownloadProof::Derived(zeroize::Zeroizing::new(bytes)))
                }
                _ => {
                    let e = crate::download_password::DownloadPasswordError::InvalidVerifier {
                        field: "download_password_verifier",
                    };
                    Err(ApiResponse::from_error(e.status(), &e))
                }
            }
        }
        (Some(password), Some(derived)) => {
            // Both given: refuse, and wipe both (serde built them as plain strings).
            drop((zeroize::Zeroizing::new(password), zeroize::Zeroizing::new(derived)));
            Err(refuse(&ApiError::BadRequest {
                detail: "give `download_password` or `download_password_verifier`".into(),
            }))
        }
        (None, None) => Err(refuse(&ApiError::BadRequest {
            detail: "give `download_password` or `download_password_verifier`".into(),
        })),
    }
}

#[derive(Deserialize)]
struct ConfirmBody {
    code: String,
}

#[derive(Deserialize)]
struct ClockBody {
    now: Option<UnixTime>,
    advance: Option<i64>,
}

impl<S: Store, C: HttpClient, P: Pbkdf2, M: Mailer> Service<S, C, P, M> {
    /// The configured issuer's kind.
    pub fn issuer_kind(&self) -> &'static str {
        self.issuer.kind()
    }

    /// The effective time: the system clock, shifted by the test clock in test mode.
    pub async fn clock(&self, system_now: UnixTime) -> UnixTime {
        if !self.settings.test_mode {
            return system_now;
        }
        match self.store.value(CLOCK_OFFSET_KEY).await {
            Ok(Some(offset)) => system_now + offset.parse::<i64>().unwrap_or(0),
            _ => system_now,
        }
    }

    /// Answers one request.
    pub async fn handle<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        system_now: UnixTime,
        rng: &mut R,
    ) -> ApiResponse {
        let now = self.clock(system_now).await;
        let is_api = request.path.starts_with("/api/");
        let mut response = if request.method == "OPTIONS" && is_api {
            self.preflight(request)
        } else if let Err(refusal) = self.hygiene(request) {
            refusal
        } else {
            self.route(request, now, system_now, rng).await.unwrap_or_else(|refusal| refusal)
        };
        self.finish(request, &mut response);
        response
    }

    /// Headers every API answer carries: never cached (status, certificates and errors are all
    /// per-applicant), no sniffing, no referrer, CORS for allowed origins.
    fn finish(&self, request: &ApiRequest, response: &mut ApiResponse) {
        let headers = &mut response.headers;
        headers.push(("cache-control".into(), "no-store".into()));
        headers.push(("x-content-type-options".into(), "nosniff".into()));
        headers.push(("referrer-policy".into(), "no-referrer".into()));
        if !headers.iter().any(|(name, _)| name == "content-security-policy") {
            headers.push(("content-security-policy".into(), "default-src 'none'; frame-ancestors 'none'".into()));
        }
        if request.path.starts_with("/api/") && !request.path.starts_with("/api/admin/") {
            headers.push(("vary".into(), "Origin".into()));
            if let Some(origin) = self.allowed_origin(request) {
                headers.push(("access-control-allow-origin".into(), origin.to_owned()));
            }
        }
    }

    /// The applicant's state-changing routes take only JSON (`text/plain`, form and multipart
    /// bodies are what a cross-origin page can post without a preflight) and, when the browser
    /// names an `Origin`, only this site's or a configured one. API clients that send no
    /// `Origin` (curl, the issuer's scripts) are unaffected; the admin routes need a bearer
    /// token, which no browser sends on its own.
    fn hygiene(&self, request: &ApiRequest) -> Result<(), Refusal> {
        let applicant_write = request.method == "POST"
            && (request.path == "/api/applications" || request.path.starts_with("/api/applications/"));
        if !applicant_write {
            return Ok(());
        }
        if let Some(origin) = request.header("origin")
            && !self.same_origin(request, origin)
            && self.allowed_origin(request).is_none()
        {
            return Err(refuse(&ApiError::CorsOriginNotAllowed));
        }
        let json = request.header("content-type").is_some_and(|value| {
            value.split(';').next().is_some_and(|media| media.trim().eq_ignore_ascii_case("application/json"))
        });
        if json { Ok(()) } else { Err(refuse(&ApiError::UnsupportedMediaType)) }
    }

    /// Whether `origin` is the site the request was sent to (`Host`), whatever the scheme in
    /// front of a TLS-terminating proxy.
    fn same_origin(&self, request: &ApiRequest, origin: &str) -> bool {
        let host = request.header("host").unwrap_or("");
        let origin_host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        !host.is_empty() && origin_host.is_some_and(|h| h.eq_ignore_ascii_case(host))
    }

    fn allowed_origin<'r>(&self, request: &'r ApiRequest) -> Option<&'r str> {
        request.header("origin").filter(|o| self.settings.cors_origins.iter().any(|allowed| allowed == o))
    }

    /// CORS preflight: only configured origins, only GET/POST with a JSON body, never the admin API
    /// (its bearer token is for servers, not browsers).
    fn preflight(&self, request: &ApiRequest) -> ApiResponse {
        let method_ok = matches!(request.header("access-control-request-method"), Some("GET" | "POST"));
        let headers_ok = request.header("access-control-request-headers").is_none_or(|h| {
            h.split(',').map(str::trim).filter(|h| !h.is_empty()).all(|h| h.eq_ignore_ascii_case("content-type"))
        });
        match self.allowed_origin(request) {
            Some(_) if method_ok && headers_ok && !request.path.starts_with("/api/admin/") => ApiResponse {
                status: 204,
                headers: vec![
                    ("access-control-allow-methods".into(), "GET, POST".into()),
                    ("access-control-allow-headers".into(), "Content-Type".into()),
                    ("access-control-max-age".into(), "600".into()),
                ],
                body: Vec::new(),
            },
            _ => refuse(&ApiError::CorsOriginNotAllowed),
        }
    }

    async fn route<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        now: UnixTime,
        system_now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET" | "HEAD", ["api", "health"]) => Ok(ok_json(
                200,
                serde_json::json!({"status": "ok", "issuer": self.issuer.kind(), "test_mode": self.settings.test_mode,
                                   "now": now, "mail": self.mailer.kind(),
                                   "download_password_kdf": {"algorithm": "PBKDF2", "hash": "SHA-256",
                                                             "iterations": crate::download_password::ITERATIONS}}),
            )),
            // The widget's frames ask which parent origins they may talk to (the same list
            // that is their CSP frame-ancestors): public, it is in every embed page's header.
            ("GET" | "HEAD", ["api", "embed"]) => {
                Ok(ok_json(200, serde_json::json!({"origins": self.settings.embed_origins})))
            }
            ("POST", ["api", "applications"]) => self.submit(request, now, rng).await,
            ("GET", ["api", "applications", id]) => {
                let app = self.load(id).await?;
                Ok(ok_json(200, app.public_view()))
            }
            ("POST", ["api", "applications", id, "certificate"]) => self.download(request, id, now, rng).await,
            ("POST", ["api", "applications", id, "confirm"]) => self.confirm(request, id, now).await,
            ("POST", ["api", "applications", id, "confirm", "resend"]) => self.resend(request, id, now, rng).await,
            ("POST", ["api", "applications", id, "documents"]) => self.receive_documents(request, id).await,
            ("GET", ["api", "document-key"]) => self.document_key().await,
            ("GET", ["api", "issuer", "root"]) => self.root_certificate(),
            ("POST", ["api", "issuer", "applications", id, "certificate"]) => {
                let app = self.load(id).await?;
                self.authorize_callback(request, &app)?;
                self.accept_certificate(request, app, now).await
            }
            ("GET" | "HEAD", ["admin"] | ["admin", "desk.js" | "desk.css"]) => self.desk_page(request),
            ("GET", ["api", "admin", "session"]) => {
                let label = self.authorize(request)?;
                let products: Vec<_> = inkan::products()
                    .iter()
                    .map(|p| serde_json::json!({"id": p.id, "name": {"ja": p.name.value.ja, "en": p.name.value.en}}))
                    .collect();
                Ok(ok_json(200, serde_json::json!({"label": label, "products": products})))
            }
            ("GET", ["api", "admin", "applications"]) => {
                self.authorize(request)?;
                self.list(request).await
            }
            ("GET", ["api", "admin", "applications", id]) => {
                self.authorize(request)?;
                let app = self.load(id).await?;
                Ok(ok_json(200, self.admin_view(&app, now)))
            }
            ("POST", ["api", "admin", "applications", id, action]) => {
                let by = self.authorize(request)?;
                match *action {
                    "approve" | "reject" | "cancel" => self.decide(request, id, action, &by, now, rng).await,
                    "certificate" => {
                        let app = self.load(id).await?;
                        let answer = self.accept_certificate(request, app, now).await?;
                        self.audit(id, "certificate", &by, None, now).await?;
                        Ok(answer)
                    }
                    _ => Err(refuse(&ApiError::NotFound)),
                }
            }
            ("GET", ["api", "admin", "applications", id, "documents"]) => {
                self.authorize(request)?;
                let app = self.load(id).await?;
                let documents = self.store.documents(&app.id).await.map_err(|e| store_failure(&e))?;
                Ok(ok_json(200, serde_json::json!({"documents": documents})))
            }
            ("POST", ["api", "admin", "document-key"]) => {
                let by = self.authorize(request)?;
                let key =
                    crate::documents::parse_key(&request.body).map_err(|e| ApiResponse::from_error(e.status(), &e))?;
                self.store.put_value(crate::documents::KEY_SETTING, &key).await.map_err(|e| store_failure(&e))?;
                tracing::info!(by, "document key published");
                self.audit("-", "document_key", &by, Some(&key), now).await?;
                self.document_key().await
            }
            ("GET", ["api", "admin", "audit"]) => {
                self.authorize(request)?;
                let number = |name: &str, default: u32| {
                    query_value(request, name).and_then(|v| v.parse::<u32>().ok()).unwrap_or(default)
                };
                let (limit, offset) = (number("limit", 50).clamp(1, MAX_PAGE), number("offset", 0));
                let entries = self.store.audit(limit, offset).await.map_err(|e| store_failure(&e))?;
                Ok(ok_json(200, serde_json::json!({"entries": entries, "limit": limit, "offset": offset})))
            }
            ("GET", ["api", "admin", "audit.csv"]) => {
                self.authorize(request)?;
                self.audit_csv().await
            }
            ("GET", ["api", "admin", "outbox"]) => {
                self.authorize(request)?;
                self.test_mode_only()?;
                let to = query_value(request, "to").unwrap_or_default();
                let mail = self.mailer.queued(&to).await.map_err(|e| ApiResponse::from_error(503, &e))?;
                Ok(ok_json(200, serde_json::json!({"mail": mail})))
            }
            ("GET", ["api", "admin", "reminders"]) => {
                self.authorize(request)?;
                let list = self.store.reminders(1_000).await.map_err(|e| store_failure(&e))?;
                Ok(ok_json(200, serde_json::json!({"reminders": list.iter().map(Reminder::view).collect::<Vec<_>>()})))
            }
            ("POST", ["api", "admin", "tick"]) => {
                self.authorize(request)?;
                self.test_mode_only()?;
                let summary = self.tick(now, rng).await.map_err(|e| store_failure(&e))?;
                Ok(ok_json(200, summary))
            }
            ("POST", ["api", "admin", "clock"]) => {
                self.authorize(request)?;
                self.test_mode_only()?;
                self.set_clock(request, now, system_now).await
            }
            ("GET", [".well-known", "est", "cacerts"]) => self.est_cacerts(),
            ("POST", [".well-known", "est", "simpleenroll"]) => self.est_enroll(request, now, rng),
            _ => Err(refuse(&ApiError::NotFound)),
        }
    }

    fn test_mode_only(&self) -> Result<(), Refusal> {
        if self.settings.test_mode { Ok(()) } else { Err(refuse(&ApiError::TestModeOnly)) }
    }

    /// The label of the reviewer whose bearer token the request carries.
    fn authorize(&self, request: &ApiRequest) -> Result<String, Refusal> {
        let given = request.header("authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
        match self.settings.admin_label(given) {
            Some(label) => Ok(label.to_owned()),
            None => Err(refuse(&ApiError::Unauthorized).with_header("www-authenticate", "Bearer")),
        }
    }

    /// The review desk's page and its files (compiled in; see [`crate::review::desk_file`]).
    fn desk_page(&self, request: &ApiRequest) -> Result<ApiResponse, Refusal> {
        let file = crate::review::desk_file(&request.path).ok_or_else(|| refuse(&ApiError::NotFound))?;
        let body = if request.method == "HEAD" { Vec::new() } else { file.body.as_bytes().to_vec() };
        let mut headers = vec![
            ("content-type".to_owned(), file.content_type.to_owned()),
            ("content-security-policy".to_owned(), crate::review::DESK_CSP.to_owned()),
            ("x-frame-options".to_owned(), "DENY".to_owned()),
            ("cross-origin-opener-policy".to_owned(), "same-origin".to_owned()),
            ("cross-origin-resource-policy".to_owned(), "same-origin".to_owned()),
        ];
        if self.settings.hsts {
            headers.push(("strict-transport-security".to_owned(), "max-age=63072000; includeSubDomains".to_owned()));
        }
        Ok(ApiResponse { status: 200, headers, body })
    }

    /// Appends one decision to the audit log.
    async fn audit(
        &self,
        id: &str,
        action: &str,
        by: &str,
        detail: Option<&str>,
        now: UnixTime,
    ) -> Result<(), Refusal> {
        let entry = crate::review::AuditEntry {
            seq: 0,
            at: now,
            actor: by.to_owned(),
            application_id: id.to_owned(),
            action: action.to_owned(),
            detail: detail.map(str::to_owned),
        };
        self.store.append_audit(&entry).await.map_err(|e| store_failure(&e))
    }

    /// `GET /api/admin/audit.csv`: the whole log, oldest first.
    async fn audit_csv(&self) -> Result<ApiResponse, Refusal> {
        let mut entries = Vec::new();
        loop {
            let page = self.store.audit(1_000, entries.len() as u32).await.map_err(|e| store_failure(&e))?;
            let done = page.len() < 1_000;
            entries.extend(page);
            if done {
                break;
            }
        }
        Ok(ApiResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "text/csv; charset=utf-8".into()),
                ("content-disposition".into(), "attachment; filename=\"inkan-audit.csv\"".into()),
            ],
            body: crate::review::audit_csv(&entries).into_bytes(),
        })
    }

    async fn load(&self, id: &str) -> Result<Application, Refusal> {
        if !crate::ids::is_valid_id(id) {
            return Err(refuse(&ApiError::NotFound));
        }
        self.store.application(id).await.map_err(|e| store_failure(&e))?.ok_or_else(|| refuse(&ApiError::NotFound))
    }

    /// The counter key of the request's client (see [`crate::client`]).
    fn client_key(&self, request: &ApiRequest) -> String {
        format!("client:{}", crate::client::counter_key(&self.address_key, request.client))
    }

    /// Charges one attempt against the client and against `key` (an application's counter),
    /// before any proof is checked; refuses while either is locked, with the longer of the two
    /// waits. The client is charged first, so the application's counter, whose limit must hold
    /// under any concurrency, is never charged and given back; when the application is locked,
    /// the client's charge is given back (waiting out a lock is not a guess).
    async fn charge(&self, client: &str, key: &str, now: UnixTime) -> Result<(), Refusal> {
        let settings = &self.settings;
        let wait = |until: UnixTime| crate::lockout::LockoutError::LockedOut { retry_after: (until - now).max(1) };
        // Per-address counts decay: a day without attempts starts the address afresh.
        let decay = Some(settings.lockout_max_seconds.max(crate::DAY));
        let charged = self.store.charge_attempt(client, now, &settings.client_lockout(), decay).await;
        if let Charge::Locked { until } = charged.map_err(|e| store_failure(&e))? {
            let app_until = self.store.locked_until(key).await.map_err(|e| store_failure(&e))?;
            return Err(locked(&wait(app_until.map_or(until, |t| t.max(until)))));
        }
        let charged = self.store.charge_attempt(key, now, &settings.application_lockout(), None).await;
        match charged.map_err(|e| store_failure(&e))? {
            Charge::Allowed { .. } => Ok(()),
            Charge::Locked { until } => {
                self.store.refund_attempt(client, &settings.client_lockout()).await.map_err(|e| store_failure(&e))?;
                Err(locked(&wait(until)))
            }
        }
    }

    /// Gives both charges back (the request turned out not to be a guess).
    async fn refund(&self, client: &str, key: &str) -> Result<(), Refusal> {
        let settings = &self.settings;
        self.store.refund_attempt(client, &settings.client_lockout()).await.map_err(|e| store_failure(&e))?;
        self.store.refund_attempt(key, &settings.application_lockout()).await.map_err(|e| store_failure(&e))
    }

    /// A right answer clears both counters.
    async fn cleared(&self, client: &str, key: &str) -> Result<(), Refusal> {
        self.store.clear_attempts(client).await.map_err(|e| store_failure(&e))?;
        self.store.clear_attempts(key).await.map_err(|e| store_failure(&e))
    }

    /// Whether a resubmission of an existing application's CSR comes from the applicant who made
    /// it: the same verifier (its stored form), or a password that opens the stored hash. This is
    /// a password check (whoever holds a CSR, which is public, could otherwise guess through
    /// intake), so it is charged against the same counters as a download.
    async fn same_applicant(
        &self,
        existing: &Application,
        proof: Resubmission<'_>,
        client: &str,
        now: UnixTime,
    ) -> Result<bool, Refusal> {
        let Some(stored) = existing.password_hash.as_deref() else { return Ok(false) };
        let key = format!("app:{}", existing.id);
        self.charge(client, &key, now).await?;
        let same = match proof {
            Resubmission::Verifier(stored_form) => bool::from(stored_form.as_bytes().ct_eq(stored.as_bytes())),
            Resubmission::Password(password) => {
                match crate::download_password::verify_password(&self.kdf, password, stored).await {
                    Ok(same) => same,
                    Err(e) => {
                        self.refund(client, &key).await?;
                        return Err(ApiResponse::from_error(e.status(), &e));
                    }
                }
            }
        };
        if same {
            self.cleared(client, &key).await?;
        }
        Ok(same)
    }

    /// The answer to a resubmission: the existing id for its own applicant, else `409` without it.
    async fn resubmission(
        &self,
        existing: &Application,
        proof: Resubmission<'_>,
        client: &str,
        now: UnixTime,
    ) -> Result<ApiResponse, Refusal> {
        if self.same_applicant(existing, proof, client, now).await? {
            tracing::info!(application = %crate::ids::log_ref(&existing.id), "resubmission by its applicant");
            Ok(ok_json(200, serde_json::json!({"id": existing.id, "status": existing.status.as_str()})))
        } else {
            tracing::info!("resubmission of a known CSR with another password refused");
            Err(refuse(&ApiError::DuplicateCsr))
        }
    }

    async fn submit<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        let client = self.client_key(request);
        // Counted before anything else, so a flood of junk costs one counter update each.
        self.count_intake(&client, now).await?;
        let intake = crate::intake::check(&request.body).map_err(|e| {
            tracing::info!(code = e.code(), "application refused at intake");
            ApiResponse::from_error(e.status(), &e)
        })?;
        let password_hash = match &intake.download_secret {
            // The browser derived the slow hash: storing its SHA-256 is cheap, so a resubmission
            // needs no early answer; the insert settles idempotency in one statement.
            DownloadSecret::Verifier(verifier) => verifier.to_stored(),
            DownloadSecret::Password(password) => {
                // A resubmission of the same CSR: answer before the slow hash.
                if let Some(existing) =
                    self.store.application_by_fingerprint(&intake.fingerprint).await.map_err(|e| store_failure(&e))?
                {
                    return self.resubmission(&existing, Resubmission::Password(password), &client, now).await;
                }
                crate::download_password::hash_password(&self.kdf, password, rng)
                    .await
                    .map_err(|e| ApiResponse::from_error(e.status(), &e))?
            }
        };
        let id = crate::ids::new_id(rng);
        let code = crate::mailbox::new_code(rng);
        let undecided_until = now + i64::from(self.settings.undecided_days) * crate::DAY;
        let legacy_password = match &intake.download_secret {
            DownloadSecret::Verifier(_) => None,
            DownloadSecret::Password(password) => Some(password.clone()),
        };
        let mut app = intake.into_application(crate::intake::Admission { id, password_hash, now, undecided_until });
        // The code is recorded with the row, so the insert stays one (group-committed) write.
        app.mailbox.code_sent(&app.id, &code, now, None);
        // The one-time capability to attach sealed documents (answered once, only its hash kept).
        let documents_token = crate::ids::new_id(rng);
        app.documents_token_sha256 = Some(crate::hex::hex(&sha2::Sha256::digest(documents_token.as_bytes())));
        match self.store.insert_application(&app).await.map_err(|e| store_failure(&e))? {
            Inserted::New => {
                tracing::info!(application = %crate::ids::log_ref(&app.id), product = %app.product, "application received");
                self.send_code(&mut app, &code).await;
                let mailbox = app.mailbox.view();
                Ok(ok_json(
                    201,
                    serde_json::json!({"id": app.id, "status": app.status.as_str(), "mailbox": mailbox,
                                       "documents_token": documents_token}),
                ))
            }
            Inserted::Existing(existing) => {
                let proof = match &legacy_password {
                    Some(password) => Resubmission::Password(password),
                    None => Resubmission::Verifier(app.password_hash.as_deref().unwrap_or_default()),
                };
                self.resubmission(&existing, proof, &client, now).await
            }
        }
    }

    /// Counts one intake (or code resend) against the client's hourly allowance.
    async fn count_intake(&self, client: &str, now: UnixTime) -> Result<(), Refusal> {
        let counted =
            self.store.count_event(&format!("intake:{client}"), now, HOUR, self.settings.intake_per_hour).await;
        match counted.map_err(|e| store_failure(&e))? {
            Ok(()) => Ok(()),
            Err(retry_after) => {
                tracing::info!("refused: intake rate limit");
                Err(refuse(&ApiError::RateLimited { retry_after }))
            }
        }
    }

    /// Mails the code; a failure is recorded on the application (the applicant can ask again).
    async fn send_code(&self, app: &mut Application, code: &str) {
        let mail = crate::mailbox::confirmation_mail(&app.applicant.email, &app.id, code, app.mailbox.sends);
        if let Err(e) = self.mailer.send(&mail).await {
            tracing::warn!(application = %crate::ids::log_ref(&app.id), code = e.code(), "confirmation mail not sent");
            app.mailbox.last_error = Some(e.code().to_owned());
            if let Err(e) = self.store.save_application(app).await {
                tracing::warn!(code = e.code(), "could not record the mail failure");
            }
        }
    }

    /// `POST /api/applications/{id}/confirm {"code"}`: the applicant proves the mailbox.
    async fn confirm(&self, request: &ApiRequest, id: &str, now: UnixTime) -> Result<ApiResponse, Refusal> {
        if request.body.len() > MAX_BODY_BYTES {
            return Err(ApiResponse::from_error(
                413,
                &crate::intake::IntakeError::TooLarge { size: request.body.len() },
            ));
        }
        let body: ConfirmBody = serde_json::from_slice(&request.body)
            .map_err(|e| refuse(&ApiError::BadRequest { detail: crate::http::json_problem(&e) }))?;
        let code = zeroize::Zeroizing::new(body.code);
        let mut app = self.load(id).await?;
        if app.mailbox.confirmed() {
            return Ok(ok_json(200, app.public_view()));
        }
        if app.status != Status::Submitted {
            let e = ConfirmError::NotPending;
            return Err(ApiResponse::from_error(e.status(), &e));
        }
        crate::mailbox::normalise(&code).map_err(|e| ApiResponse::from_error(e.status(), &e))?;
        let client = self.client_key(request);
        let key = format!("confirm:{id}");
        self.charge(&client, &key, now).await?;
        for _ in 0..CONFLICT_RETRIES {
            match app.mailbox.confirm(&app.id, &code, now) {
                Ok(()) => {}
                Err(e @ ConfirmError::WrongCode) => {
                    tracing::info!(application = %crate::ids::log_ref(&app.id), "wrong confirmation code");
                    return Err(ApiResponse::from_error(e.status(), &e));
                }
                Err(e) => {
                    // The right code, too late: not a guess.
                    self.cleared(&client, &key).await?;
                    return Err(ApiResponse::from_error(e.status(), &e));
                }
            }
            match self.store.save_application(&mut app).await {
                Ok(()) => {
                    self.cleared(&client, &key).await?;
                    tracing::info!(application = %crate::ids::log_ref(&app.id), "mailbox confirmed");
                    return Ok(ok_json(200, app.public_view()));
                }
                Err(StoreError::Conflict) => app = self.load(id).await?,
                Err(e) => return Err(store_failure(&e)),
            }
        }
        Err(store_failure(&StoreError::Conflict))
    }

    /// `POST /api/applications/{id}/confirm/resend`: a new code (spaced and capped per
    /// application, counted against the address like intake).
    async fn resend<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        id: &str,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        let mut app = self.load(id).await?;
        if app.status != Status::Submitted {
            let e = ConfirmError::NotPending;
            return Err(ApiResponse::from_error(e.status(), &e));
        }
        app.mailbox.may_resend(now).map_err(|e| {
            let response = ApiResponse::from_error(e.status(), &e);
            match e {
                ConfirmError::ResendLimit { retry_after } if retry_after > 0 => {
                    response.with_header("retry-after", retry_after.to_string())
                }
                _ => response,
            }
        })?;
        let client = self.client_key(request);
        self.count_intake(&client, now).await?;
        let code = crate::mailbox::new_code(rng);
        app.mailbox.code_sent(&app.id, &code, now, None);
        self.store.save_application(&mut app).await.map_err(|e| store_failure(&e))?;
        self.send_code(&mut app, &code).await;
        if app.mailbox.last_error.is_some() {
            return Err(ApiResponse::from_error(503, &crate::mailbox::MailError::Transport { detail: String::new() }));
        }
        tracing::info!(application = %crate::ids::log_ref(&app.id), sends = app.mailbox.sends, "confirmation code sent again");
        Ok(ok_json(200, app.public_view()))
    }

    async fn download<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        id: &str,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        let proof = parse_download_body(&request.body)?;
        let app = self.load(id).await?;
        if matches!(app.status, Status::Issued | Status::Downloaded) && !app.window_open(now) {
            self.close_window(app, now).await.map_err(|e| store_failure(&e))?;
            return Err(refuse(&ApiError::WindowClosed));
        }
        match app.status {
            Status::Issued | Status::Downloaded => {}
            Status::Expired | Status::Cancelled => return Err(refuse(&ApiError::WindowClosed)),
            Status::Rejected => return Err(refuse(&ApiError::Rejected)),
            status @ (Status::Submitted | Status::Approved) => return Err(refuse(&ApiError::NotIssuedYet { status })),
        }
        let (Some(hash), true) =
            (app.password_hash.clone(), app.certificate_pem.is_some() || app.signs_at_collection())
        else {
            return Err(refuse(&ApiError::WindowClosed));
        };
        // The attempt is counted before the proof is checked, in one statement per counter:
        // parallel guesses cannot slip past the limit (at most `lockout_threshold` wrong proofs
        // are ever checked per lock period), and while locked even the right password waits.
        let client = self.client_key(request);
        let key = format!("app:{id}");
        self.charge(&client, &key, now).await?;
        let right = match &proof {
            DownloadProof::Password(password) => {
                crate::download_password::verify_password(&self.kdf, password, &hash).await
            }
            DownloadProof::Derived(derived) => crate::download_password::verify_derived(derived, &hash),
        };
        let right = match right {
            Ok(right) => right,
            Err(e) => {
                // Not a guess (a derived value for a server-side hash, a busy server): give back.
                self.refund(&client, &key).await?;
                return Err(ApiResponse::from_error(e.status(), &e));
            }
        };
        if !right {
            tracing::info!(application = %crate::ids::log_ref(id), "wrong download password");
            return Err(refuse(&ApiError::WrongPassword));
        }
        self.cleared(&client, &key).await?;
        self.record_download(app, now, rng).await
    }

    /// A right password: sign if the certificate waits for its collection, mark the download
    /// (re-reading on a lost race, which must not cost the applicant the download; the race's
    /// winner signed, so the loser answers with that chain) and answer with the chain.
    async fn record_download<R: rand_core::CryptoRng + ?Sized>(
        &self,
        mut app: Application,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        for _ in 0..CONFLICT_RETRIES {
            if app.signs_at_collection() {
                let chain_pem = self.sign_at_collection(&app, now, rng)?;
                app.collected(chain_pem);
            }
            let first = app.downloaded(now).map_err(|_| refuse(&ApiError::WindowClosed))?;
            if first {
                for reminder in crate::reminders::at_download(&app, now) {
                    self.store.insert_reminder(&reminder).await.map_err(|e| store_failure(&e))?;
                }
            }
            match self.store.save_application(&mut app).await {
                Ok(()) => {
                    if first {
                        tracing::info!(application = %crate::ids::log_ref(&app.id), "certificate downloaded");
                    }
                    break;
                }
                Err(StoreError::Conflict) => app = self.load(&app.id).await?,
                Err(e) => return Err(store_failure(&e)),
            }
        }
        let chain = app.certificate_pem.clone().ok_or_else(|| refuse(&ApiError::WindowClosed))?;
        Ok(ApiResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "application/pem-certificate-chain".into()),
                ("content-disposition".into(), format!("attachment; filename=\"inkan-{}.pem\"", app.id)),
            ],
            body: chain.into_bytes(),
        })
    }

    /// The local CA signs an application at its first download, for exactly what was reviewed.
    fn sign_at_collection<R: rand_core::CryptoRng + ?Sized>(
        &self,
        app: &Application,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<String, Refusal> {
        let csr_der = app.csr_der().ok_or_else(|| store_failure(&StoreError::Corrupt { key: app.id.clone() }))?;
        let ca = self.issuer.local().ok_or_else(|| refuse(&ApiError::Internal))?;
        let mut serial = [0u8; 16];
        rng.fill_bytes(&mut serial);
        let request = IssueRequest { application: app, csr_der: &csr_der, now, serial, callback_token: None };
        ca.collect(&request).map_err(|e| {
            tracing::error!(application = %crate::ids::log_ref(&app.id), code = e.code(), "signing at collection failed");
            refuse(&ApiError::Internal)
        })
    }

    /// `GET /api/admin/applications?status=&product=&limit=&offset=`: newest first.
    async fn list(&self, request: &ApiRequest) -> Result<ApiResponse, Refusal> {
        let status = query_value(request, "status");
        if let Some(status) = &status
            && !["submitted", "approved", "rejected", "issued", "downloaded", "expired", "cancelled"]
                .contains(&status.as_str())
        {
            return Err(refuse(&ApiError::BadRequest { detail: "unknown status".into() }));
        }
        let number = |name: &str, default: u32| {
            query_value(request, name).and_then(|v| v.parse::<u32>().ok()).unwrap_or(default)
        };
        let limit = number("limit", 50).clamp(1, MAX_PAGE);
        let offset = number("offset", 0);
        let product = query_value(request, "product").filter(|p| !p.is_empty());
        if let Some(product) = &product
            && inkan::product(product).is_err()
        {
            return Err(refuse(&ApiError::BadRequest { detail: "unknown product".into() }));
        }
        let apps = self
            .store
            .applications(&crate::store::QueueFilter {
                status: status.as_deref(),
                product: product.as_deref(),
                limit,
                offset,
            })
            .await
            .map_err(|e| store_failure(&e))?;
        let list: Vec<_> = apps.iter().map(Application::admin_summary).collect();
        Ok(ok_json(200, serde_json::json!({"applications": list, "limit": limit, "offset": offset})))
    }

    /// Everything the reviewer needs about one application, and exactly what will be signed.
    fn admin_view(&self, app: &Application, now: UnixTime) -> serde_json::Value {
        let validity = match (&self.issuer, inkan::product(&app.product)) {
            (AnyIssuer::Local(_), Ok(product)) => {
                crate::issuer::local::LocalCa::validity(product, app.term_years, now).ok()
            }
            _ => None,
        };
        let mut view = app.admin_view();
        if let Some(map) = view.as_object_mut() {
            map.insert("to_be_signed".into(), crate::signing::to_be_signed(app, validity));
            map.insert("issuer".into(), self.issuer.kind().into());
            map.insert("rejection_reasons".into(), crate::review::reasons_view(&app.product));
        }
        view
    }

    /// The webhook issuer's credential for one application's callback.
    fn authorize_callback(&self, request: &ApiRequest, app: &Application) -> Result<(), Refusal> {
        let given = request.header("authorization").and_then(|h| h.strip_prefix("Bearer ")).unwrap_or("");
        let given_sha256 = crate::hex::hex(&sha2::Sha256::digest(given.as_bytes()));
        match &app.callback_token_sha256 {
            Some(stored) if !given.is_empty() && bool::from(given_sha256.as_bytes().ct_eq(stored.as_bytes())) => Ok(()),
            _ => Err(refuse(&ApiError::Unauthorized).with_header("www-authenticate", "Bearer")),
        }
    }

    fn root_certificate(&self) -> Result<ApiResponse, Refusal> {
        let ca = self.issuer.local().ok_or_else(|| refuse(&ApiError::NotFound))?;
        let pem = ca.root_pem().map_err(|_| refuse(&ApiError::Internal))?;
        Ok(ApiResponse {
            status: 200,
            headers: vec![
                ("content-type".into(), "application/x-pem-file".into()),
                ("content-disposition".into(), "attachment; filename=\"inkan-local-root.pem\"".into()),
            ],
            body: pem.into_bytes(),
        })
    }

    /// A reviewer's decision (`by`: the token's label). A rejection may carry a reason
    /// (`{"reason", "note"}`; an empty body rejects without one, as before the desk), which the
    /// applicant's status view shows and a mail carries. Every decision is audited.
    async fn decide<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        id: &str,
        action: &str,
        by: &str,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        let mut app = self.load(id).await?;
        let rejection = if action == "reject" && !request.body.iter().all(u8::is_ascii_whitespace) {
            if request.body.len() > MAX_BODY_BYTES {
                let e = crate::intake::IntakeError::TooLarge { size: request.body.len() };
                return Err(ApiResponse::from_error(413, &e));
            }
            let body: crate::review::RejectBody = serde_json::from_slice(&request.body)
                .map_err(|e| refuse(&ApiError::BadRequest { detail: crate::http::json_problem(&e) }))?;
            Some(crate::review::rejection(&app.product, body).map_err(|e| ApiResponse::from_error(400, &e))?)
        } else {
            None
        };
        let result = match action {
            "approve" => app.approve(now),
            "reject" => app.reject(now),
            _ => app.cancel(now),
        };
        result.map_err(|e| ApiResponse::from_error(409, &e))?;
        app.attribute_last_change(by);
        app.rejection.clone_from(&rejection);
        if app.documents > 0 {
            app.documents_purge_at = Some(now + i64::from(self.settings.document_retention_days) * crate::DAY);
        }
        self.store.save_application(&mut app).await.map_err(|e| store_failure(&e))?;
        tracing::info!(application = %crate::ids::log_ref(&app.id), action, by, "reviewer decision");
        self.audit(&app.id, action, by, rejection.as_ref().map(|r| r.reason.as_str()), now).await?;
        if let Some(rejection) = &rejection {
            let mail = crate::review::rejection_mail(&app.applicant.email, &app.id, rejection);
            if let Err(e) = self.mailer.send(&mail).await {
                tracing::warn!(application = %crate::ids::log_ref(&app.id), code = e.code(), "rejection mail not sent");
            }
        }
        if app.status == Status::Approved {
            app = self.relay(app, now, rng).await.map_err(|e| store_failure(&e))?;
        }
        Ok(ok_json(200, app.public_view()))
    }

    /// The largest body a route reads: the document upload's own bound, else [`MAX_BODY_BYTES`].
    pub fn body_limit(&self, method: &str, path: &str) -> usize {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match (method, segments.as_slice()) {
            ("POST", ["api", "applications", _, "documents"]) => self.documents_body_limit(),
            _ => MAX_BODY_BYTES,
        }
    }

    fn documents_body_limit(&self) -> usize {
        crate::documents::body_limit(
            self.settings.document_max_bytes as usize,
            usize::from(self.settings.document_max_count),
        )
    }

    /// The issuer's published document key and the upload limits (`enabled: false` when none).
    async fn document_key(&self) -> Result<ApiResponse, Refusal> {
        let key = self.store.value(crate::documents::KEY_SETTING).await.map_err(|e| store_failure(&e))?;
        Ok(ok_json(
            200,
            serde_json::json!({
                "enabled": key.is_some(), "public_key": key,
                "scheme": "HPKE base mode: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20Poly1305 (RFC 9180)",
                "max_bytes": self.settings.document_max_bytes, "max_count": self.settings.document_max_count,
                "media_types": crate::documents::MEDIA_TYPES,
            }),
        ))
    }

    /// Takes the sealed documents of a submitted application, once, with intake's token.
    async fn receive_documents(&self, request: &ApiRequest, id: &str) -> Result<ApiResponse, Refusal> {
        let refused = |e: crate::documents::DocumentError| {
            tracing::info!(code = e.code(), "documents refused");
            ApiResponse::from_error(e.status(), &e)
        };
        let mut app = self.load(id).await?;
        if self.store.value(crate::documents::KEY_SETTING).await.map_err(|e| store_failure(&e))?.is_none() {
            return Err(refused(crate::documents::DocumentError::NotEnabled));
        }
        let (token, documents) = crate::documents::parse_upload(
            &request.body,
            self.settings.document_max_bytes as usize,
            usize::from(self.settings.document_max_count),
        )
        .map_err(refused)?;
        let given = crate::hex::hex(&sha2::Sha256::digest(token.as_bytes()));
        let token_ok = app
            .documents_token_sha256
            .as_ref()
            .is_some_and(|stored| bool::from(given.as_bytes().ct_eq(stored.as_bytes())));
        if !token_ok || app.status != Status::Submitted || app.documents > 0 {
            return Err(refused(crate::documents::DocumentError::TokenRefused));
        }
        // The token is spent first: a second upload (or a replay) finds none.
        app.documents_token_sha256 = None;
        app.documents = u8::try_from(documents.len()).unwrap_or(u8::MAX);
        self.store.save_application(&mut app).await.map_err(|e| store_failure(&e))?;
        if let Err(e) = self.store.put_documents(&app.id, &documents).await {
            // Give the token back, so the applicant's browser can send the documents again.
            app.documents_token_sha256 = Some(given);
            app.documents = 0;
            if let Err(restore) = self.store.save_application(&mut app).await {
                tracing::error!(code = restore.code(), "the upload token could not be restored");
            }
            return Err(store_failure(&e));
        }
        tracing::info!(application = %crate::ids::log_ref(&app.id), count = documents.len(), "sealed documents received");
        Ok(ok_json(201, serde_json::json!({"id": app.id, "documents": documents.len()})))
    }

    /// One relay attempt for an approved application; returns the application as stored.
    async fn relay<R: rand_core::CryptoRng + ?Sized>(
        &self,
        mut app: Application,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<Application, StoreError> {
        let Some(csr_der) = app.csr_der() else {
            return Err(StoreError::Corrupt { key: app.id.clone() });
        };
        let mut serial = [0u8; 16];
        rng.fill_bytes(&mut serial);
        // A webhook issuer gets a credential for this application's callback alone; its hash is
        // stored before the hand-over, so a fast callback finds it.
        let callback_token = match self.issuer {
            AnyIssuer::Webhook(_) => {
                let mut token = [0u8; 32];
                rng.fill_bytes(&mut token);
                let token = <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string(&token);
                app.callback_token_sha256 = Some(crate::hex::hex(&sha2::Sha256::digest(token.as_bytes())));
                self.store.save_application(&mut app).await?;
                Some(zeroize::Zeroizing::new(token))
            }
            _ => None,
        };
        let request = IssueRequest {
            application: &app,
            csr_der: &csr_der,
            now,
            serial,
            callback_token: callback_token.as_deref().map(String::as_str),
        };
        let outcome = self.issuer.issue(&request).await;
        let backoff = |attempts: u32| {
            crate::issuer::backoff(
                attempts,
                self.settings.relay_backoff_base_seconds,
                self.settings.relay_backoff_max_seconds,
            )
        };
        match outcome {
            Ok(IssueOutcome::Issued { chain_pem }) => return self.issued(app, Some(chain_pem), now).await,
            Ok(IssueOutcome::ReadyToCollect) => return self.issued(app, None, now).await,
            Ok(IssueOutcome::Pending { retry_after }) => {
                let wait = retry_after.unwrap_or_else(|| backoff(app.relay.attempts + 1));
                app.relay_failed(now, "issuer_pending", wait);
                tracing::info!(application = %crate::ids::log_ref(&app.id), retry_in = wait, "issuer asked to come back later");
            }
            Ok(IssueOutcome::HandedOver) => {
                app.relay_handed_over();
                tracing::info!(application = %crate::ids::log_ref(&app.id), issuer = self.issuer.kind(), "CSR handed to the issuer");
            }
            Err(e) if e.is_retryable() => {
                let wait = backoff(app.relay.attempts + 1);
                app.relay_failed(now, e.code(), wait);
                tracing::warn!(application = %crate::ids::log_ref(&app.id), code = e.code(), attempts = app.relay.attempts, retry_in = wait, "relay failed; queued");
            }
            Err(e) => {
                app.relay.last_error = Some(e.code().to_owned());
                let _ = app.reject(now);
                tracing::warn!(application = %crate::ids::log_ref(&app.id), code = e.code(), "issuer refused the CSR; application rejected");
            }
        }
        self.store.save_application(&mut app).await?;
        Ok(app)
    }

    /// The issuer delivered (`chain_pem`), or will sign at collection (`None`): schedule the
    /// reminders, then open the window.
    async fn issued(
        &self,
        mut app: Application,
        chain_pem: Option<String>,
        now: UnixTime,
    ) -> Result<Application, StoreError> {
        let product = inkan::product(&app.product).map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        let rule = crate::window::rule_for(product, self.settings.default_window_days);
        // Reminders first: if the process dies before the application is saved, the reminders
        // find it still `approved` and are skipped, never lost for an issued certificate.
        for reminder in crate::reminders::at_issuance(&app, now, &rule) {
            self.store.insert_reminder(&reminder).await?;
        }
        let closes_at = crate::window::closes_at(now, &rule);
        match chain_pem {
            Some(chain_pem) => app.issue(chain_pem, now, closes_at),
            None => app.ready_to_collect(now, closes_at),
        }
        .map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        self.store.save_application(&mut app).await?;
        tracing::info!(application = %crate::ids::log_ref(&app.id), window_days = rule.days, "certificate issued; download window open");
        Ok(app)
    }

    async fn close_window(&self, mut app: Application, now: UnixTime) -> Result<Application, StoreError> {
        let product = inkan::product(&app.product).map_err(|_| StoreError::Corrupt { key: app.id.clone() })?;
        let rule = crate::window::rule_for(product, self.settings.default_window_days);
        if app.status == Status::Issued {
            self.store.insert_reminder(&crate::reminders::at_window_close(&app, now, rule.closing)).await?;
        }
        if app.close_window(now, rule.closing) {
            self.store.save_application(&mut app).await?;
            tracing::info!(application = %crate::ids::log_ref(&app.id), status = app.status.as_str(), "download window closed; secrets removed");
        }
        Ok(app)
    }

    /// A PEM chain for an approved application: the webhook issuer's callback, or an
    /// administrator's upload. The leaf must carry the CSR's key.
    async fn accept_certificate(
        &self,
        request: &ApiRequest,
        app: Application,
        now: UnixTime,
    ) -> Result<ApiResponse, Refusal> {
        if app.status != Status::Approved {
            let e = crate::application::TransitionError::NotAllowed { from: app.status, action: "issue" };
            return Err(ApiResponse::from_error(409, &e));
        }
        let certs = inkan::parse_certificates(&request.body).map_err(|_| refuse(&ApiError::BadCertificate))?;
        let csr_spki = app.spki_sha256.clone();
        let (leaves, others): (Vec<_>, Vec<_>) = certs.into_iter().partition(|c| {
            der::Encode::to_der(c.tbs_certificate().subject_public_key_info())
                .is_ok_and(|spki| crate::hex::hex(&sha2::Sha256::digest(&spki)) == csr_spki)
        });
        let leaf = leaves.into_iter().next().ok_or_else(|| refuse(&ApiError::CertificateKeyMismatch))?;
        let chain = crate::issuer::order_chain(leaf, others);
        let pem = crate::issuer::chain_to_pem(&chain).map_err(|_| refuse(&ApiError::BadCertificate))?;
        let app = self.issued(app, Some(pem), now).await.map_err(|e| store_failure(&e))?;
        Ok(ok_json(200, app.public_view()))
    }

    async fn set_clock(
        &self,
        request: &ApiRequest,
        now: UnixTime,
        system_now: UnixTime,
    ) -> Result<ApiResponse, Refusal> {
        let body: ClockBody = serde_json::from_slice(&request.body)
            .map_err(|e| refuse(&ApiError::BadRequest { detail: crate::http::json_problem(&e) }))?;
        let target = match (body.now, body.advance) {
            (Some(at), _) => at,
            (None, Some(seconds)) => now + seconds,
            (None, None) => return Err(refuse(&ApiError::BadRequest { detail: "give `now` or `advance`".into() })),
        };
        self.store
            .put_value(CLOCK_OFFSET_KEY, &(target - system_now).to_string())
            .await
            .map_err(|e| store_failure(&e))?;
        Ok(ok_json(200, serde_json::json!({"now": target})))
    }

    /// One background pass: deliver due reminders, retry the relay queue, close windows, then
    /// deliver what the closing scheduled. Reminders go first so a reminder due at the moment
    /// the window closes (MCCI's 30-day reminder, seed: 003_8c0952f4faeac254.txt) is sent
    /// before the cancellation.
    pub async fn tick<R: rand_core::CryptoRng + ?Sized>(
        &self,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<serde_json::Value, StoreError> {
        let budget = self.settings.deliveries_per_pass;
        let (mut delivered, mut failed) = self.deliver_reminders(now, budget).await?;
        let (mut relayed, mut closed, mut expired) = (0u32, 0u32, 0u32);
        let mut documents_deleted = 0u32;
        for mut app in self.store.due_applications(now, TICK_BATCH).await? {
            if app.documents_due(now) {
                documents_deleted += self.store.delete_documents(&app.id).await?;
                app.documents = 0;
                app.documents_purge_at = None;
                tracing::info!(application = %crate::ids::log_ref(&app.id), "identity documents deleted after retention");
                match self.store.save_application(&mut app).await {
                    Ok(()) => {}
                    Err(StoreError::Conflict) => continue,
                    Err(e) => return Err(e),
                }
            }
            if app.status_event_at().is_none_or(|at| at > now) {
                continue;
            }
            let result = match app.status {
                Status::Submitted => {
                    let mut app = app;
                    if app.expire_undecided(now) {
                        expired += 1;
                        // The documents go with the rest of what the applicant sent.
                        documents_deleted += self.store.delete_documents(&app.id).await?;
                        app.documents = 0;
                        app.documents_purge_at = None;
                        tracing::info!(application = %crate::ids::log_ref(&app.id), "undecided application expired; personal data deleted");
                        self.store.save_application(&mut app).await.map(|()| app)
                    } else {
                        continue;
                    }
                }
                Status::Approved => {
                    relayed += 1;
                    self.relay(app, now, rng).await
                }
                Status::Issued | Status::Downloaded => {
                    closed += 1;
                    self.close_window(app, now).await
                }
                _ => continue,
            };
            match result {
                Ok(_) | Err(StoreError::Conflict) => {}
                Err(e) => return Err(e),
            }
        }
        let (d, f) = self.deliver_reminders(now, budget.saturating_sub(delivered + failed)).await?;
        delivered += d;
        failed += f;
        // Counters nobody touched for a day (or the longest lock) hold nothing worth keeping.
        let retention = self.settings.lockout_max_seconds.max(crate::DAY);
        let purged = self.store.purge_counters(now, retention, HOUR).await?;
        Ok(serde_json::json!({
            "now": now, "relayed": relayed, "windows_closed": closed, "undecided_expired": expired,
            "reminders_delivered": delivered, "reminders_failed": failed, "counters_purged": purged,
            "documents_deleted": documents_deleted,
        }))
    }

    /// Delivers at most `budget` due reminders (oldest first); the rest wait for the next pass.
    async fn deliver_reminders(&self, now: UnixTime, budget: u32) -> Result<(u32, u32), StoreError> {
        let (mut delivered, mut failed) = (0, 0);
        if budget == 0 {
            return Ok((0, 0));
        }
        for mut reminder in self.store.due_reminders(now, budget).await? {
            let Some(app) = self.store.application(&reminder.application_id).await? else {
                reminder.state = ReminderState::Skipped;
                self.store.save_reminder(&reminder).await?;
                continue;
            };
            if reminder.is_download_reminder() && app.status != Status::Issued {
                reminder.state = ReminderState::Skipped;
                reminder.last_error = Some(format!("application {}", app.status.as_str()));
                self.store.save_reminder(&reminder).await?;
                continue;
            }
            let (Some(url), Some(secret)) = (&self.settings.reminder_url, &self.settings.reminder_secret) else {
                reminder.state = ReminderState::Skipped;
                reminder.last_error = Some("no receiver configured".into());
                self.store.save_reminder(&reminder).await?;
                continue;
            };
            let body = serde_json::to_vec(&crate::reminders::payload(&reminder, &app)).unwrap_or_default();
            let outbound = Outbound {
                method: "POST",
                url: url.clone(),
                headers: vec![
                    ("content-type".into(), "application/json".into()),
                    ("inkan-signature".into(), crate::reminders::signature(secret.as_bytes(), now, &body)),
                    ("inkan-delivery".into(), reminder.key.clone()),
                ],
                body,
            };
            reminder.attempts += 1;
            match self.http.send(outbound).await {
                Ok(answer) if (200..300).contains(&answer.status) => {
                    reminder.state = ReminderState::Delivered;
                    reminder.delivered_at = Some(now);
                    reminder.last_error = None;
                    delivered += 1;
                    tracing::info!(application = %crate::ids::log_ref(&app.id), kind = %reminder.kind, "reminder delivered");
                }
                outcome => {
                    let why = match outcome {
                        Ok(answer) => format!("HTTP {}", answer.status),
                        Err(crate::http::TransportError::Unreachable { detail }) => format!("unreachable: {detail}"),
                    };
                    reminder.next_attempt_at = now + crate::reminders::retry_in(reminder.attempts);
                    tracing::warn!(application = %crate::ids::log_ref(&app.id), kind = %reminder.kind, error = %why, "reminder delivery failed; will retry");
                    reminder.last_error = Some(why);
                    failed += 1;
                }
            }
            self.store.save_reminder(&reminder).await?;
        }
        Ok((delivered, failed))
    }

    fn local_ca(&self) -> Result<&crate::issuer::local::LocalCa, Refusal> {
        match self.issuer.local() {
            Some(ca) if self.settings.est_server => Ok(ca),
            _ => Err(refuse(&ApiError::NotFound)),
        }
    }

    fn est_cacerts(&self) -> Result<ApiResponse, Refusal> {
        let ca = self.local_ca()?;
        let ders: Result<Vec<Vec<u8>>, _> = ca.ca_certificates().iter().map(der::Encode::to_der).collect();
        let ders = ders.map_err(|_| refuse(&ApiError::Internal))?;
        Ok(est_answer("application/pkcs7-mime", &ders))
    }

    /// A minimal RFC 7030 simpleenroll on the local CA (Basic auth), for the `est` adapter's tests
    /// and for installations that want EST in front of the built-in CA.
    fn est_enroll<R: rand_core::CryptoRng + ?Sized>(
        &self,
        request: &ApiRequest,
        now: UnixTime,
        rng: &mut R,
    ) -> Result<ApiResponse, Refusal> {
        let ca = self.local_ca()?;
        let expected = self.settings.est_server_password.as_ref().map(|password| {
            crate::issuer::est::basic_auth(self.settings.est_server_username.as_deref().unwrap_or("est"), password)
        });
        let given = request.header("authorization").unwrap_or("");
        match expected {
            Some(expected) if bool::from(given.as_bytes().ct_eq(expected.as_bytes())) => {}
            _ => {
                return Err(
                    refuse(&ApiError::Unauthorized).with_header("www-authenticate", "Basic realm=\"inkan-est\"")
                );
            }
        }
        if request.body.len() > MAX_BODY_BYTES {
            let e = crate::intake::IntakeError::TooLarge { size: request.body.len() };
            return Err(ApiResponse::from_error(413, &e));
        }
        let der = crate::issuer::est::decode_base64_body(&request.body)
            .ok_or_else(|| refuse(&ApiError::BadRequest { detail: "body is not base64".into() }))?;
        let csr = crate::signature::parse_csr(&der).map_err(|e| ApiResponse::from_error(400, &e))?;
        if !crate::intake::SIGNATURE_ALLOWLIST.contains(&csr.signature_algorithm.as_str()) {
            let e = crate::intake::IntakeError::WeakSignatureAlgorithm { algorithm: csr.signature_algorithm.clone() };
            return Err(ApiResponse::from_error(400, &e));
        }
        crate::keycheck::check_public_key(&csr.public_key).map_err(|e| ApiResponse::from_error(400, &e))?;
        let mut serial = [0u8; 16];
        rng.fill_bytes(&mut serial);
        let leaf = ca.issue_for_est(&der, now, serial).map_err(|e| ApiResponse::from_error(500, &e))?;
        let leaf_der = der::Encode::to_der(&leaf).map_err(|_| refuse(&ApiError::Internal))?;
        tracing::info!("EST enrolment issued");
        Ok(est_answer("application/pkcs7-mime; smime-type=certs-only", &[leaf_der]))
    }
}

/// One query parameter's value, percent-decoded (`+` as a space).
fn query_value(request: &ApiRequest, name: &str) -> Option<String> {
    let query = request.query.as_deref()?;
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| {
        let bytes = v.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < bytes.len() => {
                    match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 2;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    })
}

fn est_answer(content_type: &str, certificates: &[Vec<u8>]) -> ApiResponse {
    let body = crate::issuer::est::base64_lines(&crate::pkcs7::encode_certs_only(certificates));
    ApiResponse {
        status: 200,
        headers: vec![
            ("content-type".into(), content_type.to_owned()),
            ("content-transfer-encoding".into(), "base64".into()),
        ],
        body: body.into_bytes(),
    }
}
