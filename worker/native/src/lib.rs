//! `inkan-worker`, the native adapter of Inkan's edge worker (the embedded default): axum +
//! tokio, SQLite in the data directory, the local CA's key files (mode 0600) beside it, and a
//! timer that runs the background pass. The binary `inkan-worker` (src/bin) starts [`run`].
//!
//! What lives here is only the I/O the sans-I/O core (`inkan-worker-core`, `worker/core/`)
//! leaves to its caller: the clock, the socket, the database file, outbound HTTP and mail.
//! May depend on the core, `inkan`, and the native runtime crates (axum, hyper, tokio,
//! rusqlite, reqwest, lettre, tracing-subscriber, toml); never compiled for wasm32.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod http_client;
mod mail;
mod site;
mod sqlite;

// The public surface besides the functions below (which the binary `src/bin` calls): the store,
// which the intake profile (`examples/intake_profile.rs`) opens directly.
pub use sqlite::SqliteStore;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::Response;

use http_client::{BlockingPbkdf2, ReqwestClient};
use inkan_worker_core::{AnyIssuer, ApiRequest, ApiResponse, CaMaterial, LocalCa, Service, Settings};
use mail::NativeMailer;
use site::Site;

/// The service as the native adapter assembles it.
pub type NativeService = Service<SqliteStore, ReqwestClient, BlockingPbkdf2, NativeMailer>;

struct AppState {
    service: NativeService,
    site: Option<Site>,
    trusted_proxies: Vec<inkan_worker_core::Cidr>,
}

/// Errors starting the server (reported in English to the operator).
pub type StartError = Box<dyn std::error::Error + Send + Sync>;

fn now() -> inkan_worker_core::UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Reads settings: the TOML file (if any) then the `INKAN_*` environment.
pub fn load_settings(config_file: Option<&Path>) -> Result<Settings, StartError> {
    let mut settings = match config_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            toml::from_str::<Settings>(&text)
                .map_err(|e| inkan_worker_core::ConfigError::Parse { detail: e.message().to_owned() })?
        }
        None => Settings::default(),
    };
    settings.apply_env(|name| std::env::var(name).ok())?;
    settings.validate()?;
    Ok(settings)
}

fn write_secret(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// Loads the local CA from `<data>/ca`, or makes one. The four files are written into a fresh
/// folder that is renamed into place, so a crash never leaves half a CA behind.
fn load_or_create_ca(data_dir: &Path, est_product: &'static inkan::Product) -> Result<LocalCa, StartError> {
    let dir = data_dir.join("ca");
    let files = ["root.key.pem", "root.crt.pem", "issuing.key.pem", "issuing.crt.pem"];
    if dir.is_dir() {
        let read = |name: &str| std::fs::read_to_string(dir.join(name));
        let material = CaMaterial {
            root_key_pem: zeroize::Zeroizing::new(read(files[0])?),
            root_cert_pem: read(files[1])?,
            issuing_key_pem: zeroize::Zeroizing::new(read(files[2])?),
            issuing_cert_pem: read(files[3])?,
        };
        return Ok(LocalCa::from_material(&material, est_product)?);
    }
    let (ca, material) = LocalCa::create(&mut inkan::os_rng(), now(), est_product)?;
    let staging = data_dir.join(format!("ca.tmp-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&staging);
    std::fs::create_dir(&staging)?;
    write_secret(&staging.join(files[0]), &material.root_key_pem)?;
    std::fs::write(staging.join(files[1]), &material.root_cert_pem)?;
    write_secret(&staging.join(files[2]), &material.issuing_key_pem)?;
    std::fs::write(staging.join(files[3]), &material.issuing_cert_pem)?;
    std::fs::rename(&staging, &dir)?;
    tracing::info!("local CA created");
    Ok(ca)
}

/// The key for client-address HMACs: the setting, or `<data>/address.key` (made on first start,
/// 32 random bytes, mode 0600).
fn load_or_create_address_key(settings: &Settings, data_dir: &Path) -> Result<zeroize::Zeroizing<Vec<u8>>, StartError> {
    if let Some(key) = &settings.address_key {
        return Ok(zeroize::Zeroizing::new(key.as_bytes().to_vec()));
    }
    let path = data_dir.join("address.key");
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(zeroize::Zeroizing::new(text.trim().as_bytes().to_vec())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut bytes = [0u8; 32];
            rand_core::Rng::fill_bytes(&mut inkan::os_rng(), &mut bytes);
            let text = zeroize::Zeroizing::new(inkan_worker_core::hex(&bytes));
            write_secret(&path, &text)?;
            Ok(zeroize::Zeroizing::new(text.as_bytes().to_vec()))
        }
        Err(e) => Err(format!("cannot read {}: {e}", path.display()).into()),
    }
}

/// Assembles the service from settings (opens the store, loads the issuer).
pub async fn build_service(settings: Settings) -> Result<NativeService, StartError> {
    let data_dir = PathBuf::from(&settings.data_dir);
    std::fs::create_dir_all(&data_dir)?;
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&data_dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let store = SqliteStore::open(&data_dir.join("inkan.sqlite3"))?;
    let http = ReqwestClient::new()?;
    let issuer = AnyIssuer::from_settings(&settings, http.clone(), |product| {
        std::future::ready(load_or_create_ca(&data_dir, product).map_err(|e| e.to_string()))
    })
    .await?;
    let mailer = NativeMailer::from_settings(&settings).map_err(|e| format!("mail: {e:?}"))?;
    let address_key = load_or_create_address_key(&settings, &data_dir)?;
    let kdf = BlockingPbkdf2::new(settings.max_concurrent_kdf);
    Ok(Service { settings, store, issuer, kdf, http, mailer, address_key })
}

fn to_response(status: u16, headers: Vec<(String, String)>, body: Vec<u8>) -> Response {
    let mut builder = Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(body)).unwrap_or_else(|_| {
        let mut fallback = Response::new(Body::empty());
        *fallback.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}

async fn handle(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let method = parts.method.as_str().to_owned();
    if inkan_worker_core::api_handles(&path) {
        let headers: Vec<(String, String)> = parts
            .headers
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_owned(), v.to_owned())))
            .collect();
        let settings = &state.service.settings;
        // Read at most one byte more than the limit: an oversize body reaches the core as
        // "limit + 1 bytes", which it refuses with 413 `too_large` like any other. A body that
        // trickles in slower than the body timeout is cut off with 408 (and the connection closed).
        let limit = std::time::Duration::from_secs(settings.body_timeout_seconds);
        let max = state.service.body_limit(&method, &path);
        // The rest of an oversize body is never read, so the connection cannot carry another
        // request: the refusal says `Connection: close` (a keep-alive client would otherwise send
        // its next request into a socket the server is about to drop).
        let mut unread_body = false;
        let body = match tokio::time::timeout(limit, axum::body::to_bytes(body, max + 1)).await {
            Ok(Ok(bytes)) => bytes.to_vec(),
            Ok(Err(_)) => {
                unread_body = true;
                vec![0u8; max + 1]
            }
            Err(_) => {
                tracing::info!("request body too slow; connection closed");
                let refusal = inkan_worker_core::refuse(&inkan_worker_core::ApiError::RequestTimeout)
                    .with_header("connection", "close");
                return to_response(refusal.status, refusal.headers, refusal.body);
            }
        };
        let client = inkan_worker_core::client_address(
            Some(peer.ip()),
            &headers,
            settings.client_ip_header.as_deref(),
            &state.trusted_proxies,
        );
        let query = parts.uri.query().map(str::to_owned);
        if settings.test_mode
            && let Some(file) = &settings.test_capture_bodies
        {
            capture_body(file, &method, &path, query.as_deref(), &body);
        }
        let request = ApiRequest { method, path, query, headers, body, client };
        let mut response = state.service.handle(&request, now(), &mut inkan::os_rng()).await;
        if unread_body {
            response = response.with_header("connection", "close");
        }
        let ApiResponse { status, headers, body } = response;
        return to_response(status, headers, body);
    }
    let settings = &state.service.settings;
    match (&state.site, method.as_str()) {
        (Some(site), "GET" | "HEAD") => {
            let etag = parts.headers.get("if-none-match").and_then(|v| v.to_str().ok());
            let answer = site.serve(&path, etag, method == "HEAD", settings);
            to_response(answer.status, answer.headers, answer.body)
        }
        (Some(_), _) => {
            let mut headers = site::security_headers(settings, &path);
            headers.push(("allow".into(), "GET, HEAD".into()));
            to_response(405, headers, Vec::new())
        }
        (None, _) => {
            let mut headers = site::security_headers(settings, &path);
            headers.push(("cache-control".into(), "no-store".into()));
            to_response(404, headers, b"Not found\n".to_vec())
        }
    }
}

/// Test mode only: appends one request as a JSON line to the capture file (see
/// `Settings::test_capture_bodies`). A write failure is logged and the request still served: the
/// test that reads the file then fails on what is missing.
fn capture_body(file: &str, method: &str, path: &str, query: Option<&str>, body: &[u8]) {
    use base64ct::Encoding as _;
    use std::io::Write as _;
    let mut line = serde_json::json!({
        "method": method, "path": path, "query": query, "body": base64ct::Base64::encode_string(body),
    })
    .to_string();
    line.push('\n');
    let written =
        std::fs::OpenOptions::new().create(true).append(true).open(file).and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = written {
        tracing::warn!("test_capture_bodies: cannot append to {file}: {e}");
    }
}

/// Runs the server until Ctrl-C / SIGTERM.
///
/// Connections are served by hyper directly (not `axum::serve`) so that the limits a public
/// server needs can be set: a client must send a request's headers within
/// `header_timeout_seconds` (which also ends an idle kept-alive connection), its body within
/// `body_timeout_seconds` (in [`handle`]), and at most `max_connections` are served at once
/// (the rest wait in the listen backlog, costing the worker nothing).
pub async fn run(settings: Settings) -> Result<(), StartError> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use tower_service::Service as _;

    let listen = settings.listen.clone();
    let interval = settings.tick_interval_seconds.max(1);
    let header_timeout = std::time::Duration::from_secs(settings.header_timeout_seconds);
    let connections = Arc::new(tokio::sync::Semaphore::new(settings.max_connections));
    let site = match &settings.site_dir {
        Some(dir) => Some(Site::new(Path::new(dir)).map_err(|e| format!("site_dir {dir}: {e}"))?),
        None => None,
    };
    let trusted_proxies = settings.trusted_proxy_ranges();
    let state = Arc::new(AppState { service: build_service(settings).await?, site, trusted_proxies });
    if let Some(dir) = state.service.mailer.outbox_dir() {
        tracing::info!(outbox = %dir.display(), "no SMTP server configured: mail is written to the outbox folder");
    }
    let listener =
        tokio::net::TcpListener::bind(&listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let address = listener.local_addr()?;
    {
        use std::io::Write as _;
        let mut out = std::io::stdout().lock();
        writeln!(out, "inkan-worker listening on http://{address}")?;
        out.flush()?;
    }
    tracing::info!(%address, issuer = state.service.issuer_kind(), "listening");

    let background = state.clone();
    tokio::spawn(async move {
        let mut timer = tokio::time::interval(std::time::Duration::from_secs(interval));
        timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            timer.tick().await;
            let now = background.service.clock(now()).await;
            if let Err(e) = background.service.tick(now, &mut inkan::os_rng()).await {
                tracing::error!(code = inkan::Localized::code(&e), "background pass failed");
            }
        }
    });

    let router = axum::Router::new().fallback(handle).with_state(state);
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown_signal());
    loop {
        let permit = tokio::select! {
            permit = connections.clone().acquire_owned() => permit?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let Ok(tower) = make_service.call(peer).await;
        let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            tower.clone().call(request.map(axum::body::Body::new))
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(header_timeout)
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            let _permit = permit;
            let _ = connection.await;
        });
    }
    drop(listener);
    // Requests in flight get a moment to finish; kept-alive idle connections are closed.
    let _ = tokio::time::timeout(std::time::Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}

async fn shutdown_signal() {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(signal) => signal,
        Err(_) => return std::future::pending().await,
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

/// Structured logs on stderr: JSON lines (default) or key=value text. `RUST_LOG` filters.
pub fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false);
    if format == "text" {
        builder.init();
    } else {
        builder.json().flatten_event(true).init();
    }
}
