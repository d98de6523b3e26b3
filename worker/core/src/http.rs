//! Framework-neutral HTTP values: the adapters convert their own request and response types to
//! these, so the router in [`crate::api`] is the same code on both runtimes.

use crate::texts;
use inkan::i18n::{Localized, Message};

/// An incoming request, already read into memory (bodies are capped by the adapter).
#[derive(Clone, Debug, Default)]
pub struct ApiRequest {
    /// Upper-case method.
    pub method: String,
    /// Path without the query string.
    pub path: String,
    /// The query string (after `?`), if any.
    pub query: Option<String>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The body bytes (at most [`crate::api::MAX_BODY_BYTES`] + 1: the adapter stops reading there).
    pub body: Vec<u8>,
    /// The client's address as the adapter resolved it (the socket peer, or the right-most
    /// untrusted hop behind trusted proxies, see [`crate::client`]); `None` when unknown.
    pub client: Option<std::net::IpAddr>,
}

impl ApiRequest {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// What is wrong with a JSON body, for a refusal, without what serde_json's own message would
/// quote from it (`invalid type: integer 1234…`): the position, and the name of a missing field
/// (our names, never the sender's).
pub fn json_problem(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let at = format!("line {}, column {}", error.line(), error.column());
    match error.classify() {
        Category::Syntax | Category::Eof | Category::Io => format!("not valid JSON ({at})"),
        Category::Data => {
            let text = error.to_string();
            match text.strip_prefix("missing field `").and_then(|rest| rest.split('`').next()) {
                Some(field) if field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') => {
                    format!("missing field `{field}`")
                }
                _ => format!("a field has the wrong type or value ({at})"),
            }
        }
    }
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
#[cfg(test)]
mod tests {
    #[test]
    fn json_problems_never_quote_the_body() {
        let problem = |body: &str| {
            let error = serde_json::from_str::<std::collections::BTreeMap<String, String>>(body).expect_err("bad");
            super::json_problem(&error)
        };
        let echoed = problem(r#"{"name": 1234567890123}"#);
        assert!(!echoed.contains("1234567890123"), "{echoed}");
        assert!(echoed.contains("wrong type"), "{echoed}");
        assert!(!problem("{\"secret-value").contains("secret-value"));
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Body {
            product: String,
        }
        let missing = serde_json::from_str::<Body>("{}").expect_err("missing");
        assert_eq!(super::json_problem(&missing), "missing field `product`");
        let variant = serde_json::from_str::<Body>(r#"{"product": ["my-secret"]}"#).expect_err("type");
        assert!(!super::json_problem(&variant).contains("my-secret"));
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
            TransportError::Unreachable { detail } => texts::transport::Unreachable { detail: detail.into() }.render(),
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
