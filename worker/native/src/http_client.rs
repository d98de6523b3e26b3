//! Outbound HTTP with reqwest (rustls): to EST servers, webhook issuers and reminder receivers.

use inkan_worker_core::{HttpClient, Inbound, Outbound, TransportError};

/// reqwest behind the core's [`HttpClient`].
#[derive(Clone)]
pub struct ReqwestClient {
    client: reqwest::Client,
}

impl ReqwestClient {
    /// A client with a 10 s timeout: a slow issuer must not hold a background pass for long;
    /// the relay simply retries later.
    pub fn new() -> Result<Self, TransportError> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .connect_timeout(std::time::Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| TransportError::Unreachable { detail: e.to_string() })?;
        Ok(ReqwestClient { client })
    }
}

impl HttpClient for ReqwestClient {
    async fn send(&self, request: Outbound) -> Result<Inbound, TransportError> {
        let unreachable = |e: reqwest::Error| TransportError::Unreachable { detail: e.without_url().to_string() };
        let method = reqwest::Method::from_bytes(request.method.as_bytes())
            .map_err(|_| TransportError::Unreachable { detail: "bad method".into() })?;
        let mut builder = self.client.request(method, &request.url);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let response = builder.body(request.body).send().await.map_err(unreachable)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str().to_owned(), v.to_owned())))
            .collect();
        let body = response.bytes().await.map_err(unreachable)?.to_vec();
        Ok(Inbound { status, headers, body })
    }
}

/// PBKDF2 on tokio's blocking pool, so a 600,000-iteration hash does not stall other requests,
/// and at most `permits` at once: each costs ~85 ms of a core, so without a bound a burst of
/// legacy `download_password` requests would queue unbounded CPU work on the blocking pool
/// (up to 512 threads). A request waits up to [`KDF_WAIT`] for a slot, then gets 503.
#[derive(Clone, Debug)]
pub struct BlockingPbkdf2 {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
}

/// How long a derivation waits for a free slot.
pub const KDF_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

impl BlockingPbkdf2 {
    /// At most `permits` derivations at once (0: one per core).
    pub fn new(permits: usize) -> Self {
        let permits = if permits == 0 { std::thread::available_parallelism().map_or(2, usize::from) } else { permits };
        BlockingPbkdf2 { permits: std::sync::Arc::new(tokio::sync::Semaphore::new(permits)) }
    }
}

impl inkan_worker_core::Pbkdf2 for BlockingPbkdf2 {
    async fn derive(
        &self,
        password: &[u8],
        salt: &[u8],
        iterations: u32,
    ) -> Result<zeroize::Zeroizing<[u8; inkan_worker_core::HASH_BYTES]>, inkan_worker_core::DownloadPasswordError> {
        let permit = tokio::time::timeout(KDF_WAIT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| inkan_worker_core::DownloadPasswordError::Busy)?
            .map_err(|_| inkan_worker_core::DownloadPasswordError::Busy)?;
        let password = zeroize::Zeroizing::new(password.to_vec());
        let salt = salt.to_vec();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            inkan_worker_core::derive_in_software(&password, &salt, iterations)
        })
        .await
        .map_err(|e| inkan_worker_core::DownloadPasswordError::Backend { detail: e.to_string() })
    }
}
