//! The relay to the issuer, behind one trait with three adapters:
//!
//! - [`local::LocalCa`]: a built-in two-level CA (created on first run), for the embedded
//!   default and for tests; it also serves a minimal EST server ([`crate::api`]).
//! - [`est::EstIssuer`]: an RFC 7030 client (simpleenroll, certs-only PKCS#7, Basic auth,
//!   202 + Retry-After).
//! - [`webhook::WebhookIssuer`]: hands the CSR to the issuer's back office with an HMAC-signed
//!   POST; the back office posts the chain back later to the admin API.
//!
//! An issuer that is down or slow is not an error for the applicant: the application stays
//! `approved`, queued, and the background pass retries it with exponential backoff.

pub mod est;
pub mod local;
pub mod webhook;

use crate::texts;
use inkan::i18n::{Localized, Message};

use crate::UnixTime;
use crate::application::Application;
use crate::config::{IssuerKind, Settings};
use crate::http::HttpClient;

/// What the issuer did with a CSR.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IssueOutcome {
    /// Issued: the PEM chain, leaf first.
    Issued {
        /// PEM chain.
        chain_pem: String,
    },
    /// Accepted but not ready (EST 202): ask again later.
    Pending {
        /// Seconds the issuer asked us to wait.
        retry_after: Option<i64>,
    },
    /// Handed over; the issuer posts the certificate back (webhook).
    HandedOver,
    /// Approved; the issuer signs when the applicant first collects, so the term counts from
    /// the download day as the seeds state it (the local CA).
    ReadyToCollect,
}

/// What one relay attempt needs.
pub struct IssueRequest<'a> {
    /// The application (its CSR, product and applicant).
    pub application: &'a Application,
    /// The CSR's DER.
    pub csr_der: &'a [u8],
    /// Now.
    pub now: UnixTime,
    /// Random serial number bytes (for the local CA).
    pub serial: [u8; 16],
    /// The webhook issuer's credential for posting the certificate back for this application
    /// alone (its SHA-256 is stored before the hand-over).
    pub callback_token: Option<&'a str>,
}

/// Why a relay attempt failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IssuerError {
    /// The issuer could not be reached or failed (5xx): retry later.
    Unavailable {
        /// What happened (status or transport error).
        detail: String,
    },
    /// The issuer refused the request (4xx): retrying will not help.
    Refused {
        /// The status code.
        status: u16,
    },
    /// The issuer answered something we cannot use: retry later, an operator must look.
    Protocol {
        /// What was wrong.
        detail: String,
    },
    /// The local CA could not issue.
    Local {
        /// The inner code.
        code: &'static str,
    },
}

impl IssuerError {
    /// Whether a later attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, IssuerError::Refused { .. })
    }
}

impl core::fmt::Display for IssuerError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for IssuerError {}

impl Localized for IssuerError {
    fn code(&self) -> &'static str {
        match self {
            IssuerError::Unavailable { .. } => "issuer_unavailable",
            IssuerError::Refused { .. } => "issuer_refused",
            IssuerError::Protocol { .. } => "issuer_protocol_error",
            IssuerError::Local { .. } => "issuer_local_error",
        }
    }
    fn message(&self) -> Message {
        match self {
            IssuerError::Unavailable { .. } => texts::issuer::ISSUER_UNAVAILABLE.render(),
            IssuerError::Refused { status } => texts::issuer::IssuerRefused { status: status.into() }.render(),
            IssuerError::Protocol { detail } => texts::issuer::IssuerProtocolError { detail: detail.into() }.render(),
            IssuerError::Local { code } => texts::issuer::IssuerLocalError { code: (*code).into() }.render(),
        }
    }
}

/// An issuer.
#[allow(async_fn_in_trait)] // see crate::http::HttpClient for why there is no Send bound
pub trait Issuer {
    /// `local`, `est` or `webhook`.
    fn kind(&self) -> &'static str;
    /// One relay attempt.
    async fn issue(&self, request: &IssueRequest<'_>) -> Result<IssueOutcome, IssuerError>;
}

/// The issuer chosen by the configuration.
pub enum AnyIssuer<C> {
    /// The built-in CA.
    Local(Box<local::LocalCa>),
    /// An EST server.
    Est(est::EstIssuer<C>),
    /// A back office behind a webhook.
    Webhook(webhook::WebhookIssuer<C>),
}

impl<C> AnyIssuer<C> {
    /// The issuer `settings` choose: the one place that reads the issuer settings, for both
    /// runtimes. Only the built-in CA's material lives in a runtime-specific place (a file
    /// natively, a D1 row on Workers): `local_ca` loads or creates it for the catalog product
    /// the CA signs as.
    pub async fn from_settings<F, Fut>(settings: &Settings, http: C, local_ca: F) -> Result<Self, String>
    where
        F: FnOnce(&'static inkan::Product) -> Fut,
        Fut: core::future::Future<Output = Result<local::LocalCa, String>>,
    {
        Ok(match settings.issuer {
            IssuerKind::Local => {
                let product =
                    inkan::product(&settings.est_server_product).map_err(|e| format!("est_server_product: {e}"))?;
                Self::Local(Box::new(local_ca(product).await?))
            }
            IssuerKind::Est => Self::Est(est::EstIssuer {
                base_url: settings.est_url.clone().unwrap_or_default(),
                credentials: settings
                    .est_password
                    .clone()
                    .map(|password| (settings.est_username.clone().unwrap_or_else(|| "est".into()), password)),
                http,
            }),
            IssuerKind::Webhook => Self::Webhook(webhook::WebhookIssuer {
                url: settings.webhook_url.clone().unwrap_or_default(),
                secret: settings.webhook_secret.clone().unwrap_or_default(),
                http,
            }),
        })
    }
}

impl<C: HttpClient> Issuer for AnyIssuer<C> {
    fn kind(&self) -> &'static str {
        match self {
            AnyIssuer::Local(_) => "local",
            AnyIssuer::Est(_) => "est",
            AnyIssuer::Webhook(_) => "webhook",
        }
    }

    async fn issue(&self, request: &IssueRequest<'_>) -> Result<IssueOutcome, IssuerError> {
        match self {
            AnyIssuer::Local(ca) => ca.issue_for(request),
            AnyIssuer::Est(est) => est.issue(request).await,
            AnyIssuer::Webhook(hook) => hook.issue(request).await,
        }
    }
}

impl<C> AnyIssuer<C> {
    /// The local CA, when this is one (it also serves EST).
    pub fn local(&self) -> Option<&local::LocalCa> {
        match self {
            AnyIssuer::Local(ca) => Some(ca),
            _ => None,
        }
    }
}

/// Exponential backoff for relay retries: `base · 2^(attempts-1)`, at most `max`.
pub fn backoff(attempts: u32, base: i64, max: i64) -> i64 {
    base.saturating_mul(1i64 << attempts.clamp(1, 30).saturating_sub(1)).min(max).max(1)
}

/// Orders a set of certificates into a chain from `leaf` by issuer/subject names; certificates
/// that do not chain are appended in their given order. Self-signed certificates (roots) are
/// left out: the chain goes into the applicant's `.p12`, where a root adds nothing a relying
/// party may use (it must already trust it) and teaches people to install roots from files.
pub fn order_chain(leaf: x509_cert::Certificate, others: Vec<x509_cert::Certificate>) -> Vec<x509_cert::Certificate> {
    let self_signed = |c: &x509_cert::Certificate| c.tbs_certificate().subject() == c.tbs_certificate().issuer();
    let mut chain = order_with_roots(leaf, others);
    let mut index = 0;
    chain.retain(|c| {
        index += 1;
        index == 1 || !self_signed(c)
    });
    chain
}

fn order_with_roots(leaf: x509_cert::Certificate, others: Vec<x509_cert::Certificate>) -> Vec<x509_cert::Certificate> {
    let mut chain = vec![leaf];
    let mut rest = others;
    while let Some(last) = chain.last() {
        let issuer = last.tbs_certificate().issuer().clone();
        if last.tbs_certificate().subject() == &issuer {
            break; // self-signed: the root
        }
        match rest.iter().position(|c| c.tbs_certificate().subject() == &issuer) {
            Some(i) => chain.push(rest.remove(i)),
            None => break,
        }
    }
    chain.extend(rest);
    chain
}

/// PEM chain text.
pub fn chain_to_pem(chain: &[x509_cert::Certificate]) -> Result<String, IssuerError> {
    use der::Encode as _;
    let mut out = String::new();
    for cert in chain {
        let der = cert.to_der().map_err(|_| IssuerError::Protocol { detail: "certificate encoding".into() })?;
        out.push_str(&inkan::encode_pem("CERTIFICATE", &der));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1, 30, 3_600), 30);
        assert_eq!(backoff(2, 30, 3_600), 60);
        assert_eq!(backoff(5, 30, 3_600), 480);
        assert_eq!(backoff(20, 30, 3_600), 3_600);
    }
}
