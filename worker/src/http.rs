//! Framework-neutral HTTP values: the adapters convert their own request and response types to
//! these, so the router in [`crate::api`] is the same code on both runtimes.

use inkan::i18n::{Localized, Message};

/// An incoming request, already read into memory (bodies are capped by the adapter).
#[derive(Clone, Debug, Default)]
pub struct ApiRequest {
    /// Upper-case method.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes (at most [`crate::api::MAX_BODY_BYTES`] + 1: the adapter stops reading there).
    pub body: Vec<u8>,
    /// The client's address as the adapter sees it (the socket peer, or the platform's header).
    pub client: String,
}

impl ApiRequest {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The first address in a forwarding header (`X-Forwarded-For: client, proxy1, ...`).
pub fn first_forwarded(headers: &[(String, String)], name: &str) -> Option<String> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .and_then(|(_, v)| v.split(',').next())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A response to send.
#[derive(Clone, Debug, Default)]
pub struct ApiResponse {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl ApiResponse {
    /// A JSON response.
    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json; charset=utf-8".into())],
            body: serde_json::to_vec(value).unwrap_or_default(),
        }
    }

    /// The uniform refusal body `{"error":{"code":..,"message":{"ja":..,"en":..}}}`.
    pub fn error(status: u16, code: &str, message: &Message) -> Self {
        Self::json(status, &serde_json::json!({"error": {"code": code, "message": message}}))
    }

    /// A refusal from any localized error.
    pub fn from_error(status: u16, error: &dyn Localized) -> Self {
        Self::error(status, error.code(), &error.message())
    }

    /// Adds a header.
    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// A request the worker sends (to an issuer or a webhook receiver).
#[derive(Clone, Debug)]
pub struct Outbound {
    /// Method.
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

/// The answer to an [`Outbound`] request.
#[derive(Clone, Debug)]
pub struct Inbound {
    /// Status code.
    pub status: u16,
    /// Headers (names in lower case).
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
}

impl Inbound {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why an outbound request got no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportError {
    /// Connection refused, DNS failure, TLS failure or timeout.
    Unreachable {
        /// What the HTTP client said (no secrets: URLs here carry none).
        detail: String,
    },
}

impl core::fmt::Display for TransportError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for TransportError {}

impl Localized for TransportError {
    fn code(&self) -> &'static str {
        match self {
            TransportError::Unreachable { .. } => "unreachable",
        }
    }
    fn message(&self) -> Message {
        match self {
            TransportError::Unreachable { detail } => {
                Message::new(format!("接続できませんでした({detail})。"), format!("Could not connect ({detail})."))
            }
        }
    }
}

/// An HTTP client: reqwest natively, `fetch` on Workers.
// No Send bound on the futures: the Workers runtime is single-threaded (its futures are not
// Send) and the native adapter calls through concrete types, whose futures the compiler
// checks for Send where axum needs it.
#[allow(async_fn_in_trait)]
pub trait HttpClient {
    /// Sends one request and reads the whole answer.
    async fn send(&self, request: Outbound) -> Result<Inbound, TransportError>;
}
