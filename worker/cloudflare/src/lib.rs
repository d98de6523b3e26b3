//! `inkan-worker-cloudflare`, the Cloudflare Workers adapter of Inkan's edge worker: the same
//! [`Service`] over D1, `fetch` and WebCrypto, with a Cron Trigger for the background pass.
//! Built with worker-build (`worker/build-workers.sh`) into `worker/build/`, which
//! `worker/wrangler.toml` serves.
//!
//! Time comes from `Date.now()` (`SystemTime::now()` traps on wasm32-unknown-unknown) and
//! randomness from `crypto.getRandomValues` (getrandom's `wasm_js` backend).
//!
//! May depend on the sans-I/O core (`inkan-worker-core`, `worker/core/`), `inkan`, and the
//! Workers runtime crates (worker-rs, wasm-bindgen, js-sys, web-sys). Compiled for wasm32
//! only: on any other target the crate is empty (the `cfg` below), so `cargo build
//! --workspace` natively passes over it.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![cfg(target_arch = "wasm32")]

mod d1;

use worker::{Context, Env, Request, Response, ScheduleContext, ScheduledEvent, event};

use d1::D1Store;
use inkan::i18n::Localized as _;
use inkan_worker_core::Store as _;
use inkan_worker_core::{
    AnyIssuer, ApiError, ApiRequest, CaMaterial, DownloadPasswordError, HASH_BYTES, HttpClient, Inbound, LocalCa,
    Outbound, Pbkdf2, Service, Settings, TransportError,
};

fn now() -> inkan_worker_core::UnixTime {
    (js_sys::Date::now() / 1000.0) as inkan_worker_core::UnixTime
}

/// Outbound HTTP through the runtime's `fetch`.
#[derive(Clone, Copy, Default)]
pub struct FetchClient;

impl HttpClient for FetchClient {
    async fn send(&self, request: Outbound) -> Result<Inbound, TransportError> {
        let unreachable = |e: worker::Error| TransportError::Unreachable { detail: e.to_string() };
        let headers = worker::Headers::new();
        for (name, value) in &request.headers {
            headers.set(name, value).map_err(unreachable)?;
        }
        let mut init = worker::RequestInit::new();
        init.with_method(worker::Method::from(request.method.to_owned())).with_headers(headers);
        if !request.body.is_empty() {
            init.with_body(Some(js_sys::Uint8Array::from(request.body.as_slice()).into()));
        }
        let outbound = Request::new_with_init(&request.url, &init).map_err(unreachable)?;
        let mut response = worker::Fetch::Request(outbound).send().await.map_err(unreachable)?;
        let headers = response.headers().entries().collect();
        let body = response.bytes().await.map_err(unreachable)?;
        Ok(Inbound { status: response.status_code(), headers, body })
    }
}

/// PBKDF2 through WebCrypto when the runtime allows the iteration count, else in software.
///
/// workerd refuses PBKDF2 above 100,000 iterations (cloudflare/workerd#1346), below the
/// 600,000 this worker requires, so today the software path (the `pbkdf2` crate in wasm)
/// computes the hash. Both give the same bytes, so hashes made either way verify either way,
/// and the fast path takes over when the cap is lifted.
#[derive(Clone, Copy, Default)]
pub struct WebCryptoPbkdf2;

async fn webcrypto_pbkdf2(password: &[u8], salt: &[u8], iterations: u32) -> Result<Vec<u8>, wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast as _;
    let crypto: web_sys::Crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into())?.dyn_into()?;
    let subtle = crypto.subtle();
    let usages = js_sys::Array::of1(&"deriveBits".into());
    let key_data = js_sys::Uint8Array::from(password);
    let key =
        wasm_bindgen_futures::JsFuture::from(subtle.import_key_with_str("raw", &key_data, "PBKDF2", false, &usages)?)
            .await?
            .dyn_into::<web_sys::CryptoKey>()?;
    let params = js_sys::Object::new();
    js_sys::Reflect::set(&params, &"name".into(), &"PBKDF2".into())?;
    js_sys::Reflect::set(&params, &"hash".into(), &"SHA-256".into())?;
    js_sys::Reflect::set(&params, &"salt".into(), &js_sys::Uint8Array::from(salt))?;
    js_sys::Reflect::set(&params, &"iterations".into(), &iterations.into())?;
    let bits =
        wasm_bindgen_futures::JsFuture::from(subtle.derive_bits_with_object(&params, &key, 8 * HASH_BYTES as u32)?)
            .await?;
    Ok(js_sys::Uint8Array::new(&bits).to_vec())
}

impl Pbkdf2 for WebCryptoPbkdf2 {
    async fn derive(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<zeroize::Zeroizing<[u8; HASH_BYTES]>, DownloadPasswordError> {
        if let Ok(bytes) = webcrypto_pbkdf2(password, salt, iterations).await
            && let Ok(array) = <[u8; HASH_BYTES]>::try_from(bytes.as_slice())
        {
            return Ok(zeroize::Zeroizing::new(array));
        }
        Ok(inkan_worker_core::derive_in_software(password, salt, iterations))
    }
}

/// The Workers mailer: an HMAC-signed POST to `mail_url` (the platform's mail route: an Email
/// Worker or the seller's mail API), or, without one, the `outbox` table (local development
/// and the test suite, which reads it through the test mode's `GET /api/admin/outbox`).
pub struct WorkersMailer {
    relay: Option<(String, String)>,
    store: D1Store,
}

impl inkan_worker_core::Mailer for WorkersMailer {
    async fn send(&self, mail: &inkan_worker_core::OutgoingMail) -> Result<(), inkan_worker_core::MailError> {
        let failed = |detail: String| inkan_worker_core::MailError::Transport { detail };
        match &self.relay {
            None => self.store.queue_mail(mail, now()).await.map_err(|e| failed(inkan::Localized::code(&e).to_owned())),
            Some((url, secret)) => {
                let body = serde_json::to_vec(mail).map_err(|_| failed("encoding".into()))?;
                let outbound = Outbound {
                    method: "POST",
                    url: url.clone(),
                    headers: vec![
                        ("content-type".into(), "application/json".into()),
                        (
                            "inkan-signature".into(),
                            inkan_worker_core::reminder_signature(secret.as_bytes(), now(), &body),
                        ),
                        ("inkan-delivery".into(), mail.key.clone()),
                    ],
                    body,
                };
                match FetchClient.send(outbound).await {
                    Ok(answer) if (200..300).contains(&answer.status) => Ok(()),
                    Ok(answer) => Err(failed(format!("HTTP {}", answer.status))),
                    Err(e) => Err(failed(inkan::Localized::code(&e).to_owned())),
                }
            }
        }
    }

    fn kind(&self) -> &'static str {
        if self.relay.is_some() { "relay" } else { "outbox" }
    }

    async fn queued(&self, recipient: &str) -> Result<Vec<serde_json::Value>, inkan_worker_core::MailError> {
        self.store
            .queued_mail(recipient)
            .await
            .map_err(|e| inkan_worker_core::MailError::Transport { detail: inkan::Localized::code(&e).to_owned() })
    }
}

type WorkersService = Service<D1Store, FetchClient, WebCryptoPbkdf2, WorkersMailer>;

/// The settings key of the address HMAC key, when no `INKAN_ADDRESS_KEY` secret is set.
const ADDRESS_KEY: &str = "address_key";

/// The key for client-address HMACs: the secret, or one made on first use and kept in D1.
async fn address_key(settings: &Settings, store: &D1Store) -> Result<zeroize::Zeroizing<Vec<u8>>, String> {
    if let Some(key) = &settings.address_key {
        return Ok(zeroize::Zeroizing::new(key.as_bytes().to_vec()));
    }
    if let Some(key) = store.value(ADDRESS_KEY).await.map_err(|e| e.to_string())? {
        return Ok(zeroize::Zeroizing::new(key.into_bytes()));
    }
    let mut bytes = [0u8; 32];
    rand_core::Rng::fill_bytes(&mut inkan::os_rng(), &mut bytes);
    store.put_value_if_absent(ADDRESS_KEY, &inkan_worker_core::hex(&bytes)).await.map_err(|e| e.to_string())?;
    let key = store.value(ADDRESS_KEY).await.map_err(|e| e.to_string())?.ok_or("address key not stored")?;
    Ok(zeroize::Zeroizing::new(key.into_bytes()))
}

fn settings(env: &Env) -> Result<Settings, String> {
    let mut settings = Settings::default();
    settings
        .apply_env(|name| {
            env.secret(name).map(|s| s.to_string()).ok().or_else(|| env.var(name).map(|v| v.to_string()).ok())
        })
        .map_err(|e| e.to_string())?;
    settings.validate().map_err(|e| e.to_string())?;
    Ok(settings)
}

/// The local CA from D1, made on first use. Creation is idempotent across isolates: the first
/// insert wins and everyone reads what was stored.
async fn local_ca(store: &D1Store, product: &'static inkan::Product) -> Result<LocalCa, String> {
    if let Some(material) = store.ca_material().await.map_err(|e| e.to_string())? {
        return LocalCa::from_material(&material, product).map_err(|e| e.to_string());
    }
    let (_, material) = LocalCa::create(&mut inkan::os_rng(), now(), product).map_err(|e| e.to_string())?;
    store.put_ca_material_if_absent(&material).await.map_err(|e| e.to_string())?;
    let material: CaMaterial = store.ca_material().await.map_err(|e| e.to_string())?.ok_or("local CA not stored")?;
    LocalCa::from_material(&material, product).map_err(|e| e.to_string())
}

async fn service(env: &Env) -> Result<WorkersService, String> {
    let settings = settings(env)?;
    let store = D1Store::new(env.d1("DB").map_err(|e| e.to_string())?);
    store.ensure_schema().await.map_err(|e| e.to_string())?;
    let issuer = AnyIssuer::from_settings(&settings, FetchClient, |product| local_ca(&store, product)).await?;
    let address_key = address_key(&settings, &store).await?;
    let relay = settings.mail_url.clone().zip(settings.mail_secret.clone());
    let mailer = WorkersMailer { relay, store: D1Store::new(env.d1("DB").map_err(|e| e.to_string())?) };
    Ok(Service { settings, store, issuer, kdf: WebCryptoPbkdf2, http: FetchClient, mailer, address_key })
}

/// Reads a body as a stream, keeping at most `limit + 1` bytes: a chunked body (no
/// Content-Length) is cut off there instead of being read whole first.
async fn bounded_body(request: &mut Request, limit: usize) -> Vec<u8> {
    use futures_util::StreamExt as _;
    let Ok(mut stream) = request.stream() else { return Vec::new() };
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        let Ok(chunk) = chunk else { break };
        body.extend_from_slice(&chunk);
        if body.len() > limit {
            body.truncate(limit + 1);
            break;
        }
    }
    body
}

fn internal_error(detail: &str) -> worker::Result<Response> {
    tracing_error(detail);
    let error = ApiError::Internal;
    let body = serde_json::json!({"error": {"code": error.code(), "message": error.message()}});
    let mut response = Response::from_json(&body)?.with_status(500);
    response.headers_mut().set("cache-control", "no-store")?;
    Ok(response)
}

fn tracing_error(detail: &str) {
    // Workers logs are the console; one structured line, no request data.
    worker::console_error!("{}", serde_json::json!({"level": "error", "message": "worker failure", "detail": detail}));
}

/// The headers an asset answer keeps from the assets service; everything else (CSP, caching,
/// CORS, nosniff, COOP) is set by [`inkan_worker_core::file_headers`], the policy the native server applies too.
const ASSET_HEADERS: [&str; 5] = ["content-type", "content-length", "etag", "location", "last-modified"];

/// The site and the widget's embed pages from the `ASSETS` binding (`[assets]` in
/// wrangler.toml, `run_worker_first`, so every answer passes here and gets the same headers as
/// the native server's).
async fn static_asset(request: Request, env: &Env, path: &str) -> worker::Result<Response> {
    let settings = match settings(env) {
        Ok(settings) => settings,
        Err(e) => return internal_error(&e),
    };
    let method = request.method();
    let headers = worker::Headers::new();
    if !matches!(method, worker::Method::Get | worker::Method::Head) {
        for (name, value) in inkan_worker_core::security_headers(&settings, path) {
            headers.set(&name, &value)?;
        }
        headers.set("allow", "GET, HEAD")?;
        return Ok(Response::empty()?.with_status(405).with_headers(headers));
    }
    let upstream = env.assets("ASSETS")?.fetch_request(request).await?;
    let status = upstream.status_code();
    for (name, value) in upstream.headers().entries() {
        if ASSET_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            headers.set(&name, &value)?;
        }
    }
    let policy = if (200..400).contains(&status) {
        inkan_worker_core::file_headers(&settings, path)
    } else {
        let mut policy = inkan_worker_core::security_headers(&settings, path);
        policy.push(("cache-control".into(), "no-store".into()));
        policy
    };
    for (name, value) in policy {
        headers.set(&name, &value)?;
    }
    let (_, body) = upstream.into_parts();
    Ok(Response::from_body(body)?.with_status(status).with_headers(headers))
}

#[event(fetch)]
async fn fetch(mut request: Request, env: Env, _context: Context) -> worker::Result<Response> {
    let path = request.path();
    if !inkan_worker_core::api_handles(&path) && env.assets("ASSETS").is_ok() {
        return static_asset(request, &env, &path).await;
    }
    let service = match service(&env).await {
        Ok(service) => service,
        Err(e) => return internal_error(&e),
    };
    let headers: Vec<(String, String)> = request.headers().entries().collect();
    let declared = request.headers().get("content-length")?.and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    // An oversize body reaches the core as "limit + 1 bytes" and is refused with 413 there.
    let max = service.body_limit(request.method().as_ref(), &request.path());
    let body = if declared > max { vec![0u8; max + 1] } else { bounded_body(&mut request, max).await };
    // The peer is Cloudflare's edge, which names the client in `cf-connecting-ip` (a client
    // cannot set it). A further forwarding header is believed only when that address is a
    // trusted proxy (the operator's own proxy in front of the Worker, or the test suite).
    let peer = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("cf-connecting-ip"))
        .and_then(|(_, v)| v.trim().parse::<std::net::IpAddr>().ok());
    let forwarded =
        service.settings.client_ip_header.as_deref().filter(|h| !h.eq_ignore_ascii_case("cf-connecting-ip"));
    let client = inkan_worker_core::client_address(peer, &headers, forwarded, &service.settings.trusted_proxy_ranges());
    let url = request.url()?;
    let api_request = ApiRequest {
        method: request.method().to_string(),
        path: url.path().to_owned(),
        query: url.query().map(str::to_owned),
        headers,
        body,
        client,
    };
    let answer = service.handle(&api_request, now(), &mut inkan::os_rng()).await;
    let mut response = Response::from_bytes(answer.body)?.with_status(answer.status);
    for (name, value) in answer.headers {
        response.headers_mut().set(&name, &value)?;
    }
    Ok(response)
}

#[event(scheduled)]
async fn scheduled(_event: ScheduledEvent, env: Env, _context: ScheduleContext) {
    match service(&env).await {
        Ok(service) => {
            let now = service.clock(now()).await;
            if let Err(e) = service.tick(now, &mut inkan::os_rng()).await {
                tracing_error(&e.to_string());
            }
        }
        Err(e) => tracing_error(&e),
    }
}
