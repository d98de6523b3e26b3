//! An RFC 7030 (EST) client for the relay.
//!
//! `POST <base>/simpleenroll` with the PKCS#10 request in base64 (`application/pkcs10`,
//! section 4.2.1), HTTP Basic authentication when configured (section 3.2.3), and the answer
//! read as a base64 certs-only PKCS#7 (`application/pkcs7-mime; smime-type=certs-only`,
//! section 4.2.3). A `202 Accepted` with `Retry-After` means "come back later" (section 4.2.3)
//! and keeps the application queued. The CA certificates for the chain come from
//! `GET <base>/cacerts` (section 4.1). `<base>` is e.g. `https://ca.example/.well-known/est`.

use base64ct::{Base64, Encoding as _};
use der::Decode as _;
use x509_cert::Certificate;

use super::{IssueOutcome, IssueRequest, IssuerError};
use crate::http::{HttpClient, Inbound, Outbound};

/// The EST issuer.
pub struct EstIssuer<C> {
    /// Base URL ending in `/.well-known/est` (or with a CA label after it).
    pub base_url: String,
    /// Basic-auth user and password, when the server wants them.
    pub credentials: Option<(String, String)>,
    /// The HTTP client.
    pub http: C,
}

/// Base64 with line breaks every 64 characters (RFC 2045 style, as EST servers expect).
pub fn base64_lines(der: &[u8]) -> String {
    let text = Base64::encode_string(der);
    let mut out = String::with_capacity(text.len() + text.len() / 64 + 2);
    for chunk in text.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(chunk));
        out.push_str("\r\n");
    }
    out
}

/// Decodes base64 that may contain line breaks and spaces.
pub fn decode_base64_body(body: &[u8]) -> Option<Vec<u8>> {
    let compact: Vec<u8> = body.iter().copied().filter(|b| !b.is_ascii_whitespace()).collect();
    Base64::decode_vec(std::str::from_utf8(&compact).ok()?).ok()
}

/// The `Authorization` value for HTTP Basic.
pub fn basic_auth(user: &str, password: &str) -> String {
    format!("Basic {}", Base64::encode_string(format!("{user}:{password}").as_bytes()))
}

fn certificates_from(answer: &Inbound) -> Result<Vec<Certificate>, IssuerError> {
    let protocol = |detail: &str| IssuerError::Protocol { detail: detail.to_owned() };
    let der = decode_base64_body(&answer.body).ok_or_else(|| protocol("body is not base64"))?;
    let certs = crate::pkcs7::decode_certs_only(&der).map_err(|e| protocol(inkan::Localized::code(&e)))?;
    certs.iter().map(|c| Certificate::from_der(c).map_err(|_| protocol("certificate does not parse"))).collect()
}

fn status_error(answer: &Inbound) -> IssuerError {
    if (400..500).contains(&answer.status) {
        IssuerError::Refused { status: answer.status }
    } else {
        IssuerError::Unavailable { detail: format!("HTTP {}", answer.status) }
    }
}

impl<C: HttpClient> EstIssuer<C> {
    fn headers(&self) -> Vec<(String, String)> {
        let mut headers = Vec::new();
        if let Some((user, password)) = &self.credentials {
            headers.push(("authorization".into(), basic_auth(user, password)));
        }
        headers
    }

    /// One enrolment attempt.
    pub async fn issue(&self, request: &IssueRequest<'_>) -> Result<IssueOutcome, IssuerError> {
        let base = self.base_url.trim_end_matches('/');
        let mut headers = self.headers();
        headers.push(("content-type".into(), "application/pkcs10".into()));
        headers.push(("content-transfer-encoding".into(), "base64".into()));
        let enroll = Outbound {
            method: "POST",
            url: format!("{base}/simpleenroll"),
            headers,
            body: base64_lines(request.csr_der).into_bytes(),
        };
        let answer = self
            .http
            .send(enroll)
            .await
            .map_err(|e| IssuerError::Unavailable { detail: inkan::Localized::code(&e).to_owned() })?;
        if answer.status == 202 {
            let retry_after = answer.header("retry-after").and_then(|v| v.trim().parse::<i64>().ok());
            return Ok(IssueOutcome::Pending { retry_after });
        }
        if answer.status != 200 {
            return Err(status_error(&answer));
        }
        let issued = certificates_from(&answer)?;
        let csr = inkan::parse_csr(request.csr_der)
            .map_err(|_| IssuerError::Protocol { detail: "stored CSR does not parse".into() })?;
        let (leaves, mut others): (Vec<_>, Vec<_>) = issued.into_iter().partition(|c| {
            der::Encode::to_der(c.tbs_certificate().subject_public_key_info()).is_ok_and(|spki| spki == csr.spki_der)
        });
        let leaf = leaves
            .into_iter()
            .next()
            .ok_or_else(|| IssuerError::Protocol { detail: "no certificate for the CSR's key".into() })?;
        let cacerts =
            Outbound { method: "GET", url: format!("{base}/cacerts"), headers: self.headers(), body: Vec::new() };
        let answer = self
            .http
            .send(cacerts)
            .await
            .map_err(|e| IssuerError::Unavailable { detail: inkan::Localized::code(&e).to_owned() })?;
        if answer.status != 200 {
            return Err(status_error(&answer));
        }
        for cert in certificates_from(&answer)? {
            if !others.contains(&cert) {
                others.push(cert);
            }
        }
        let chain = super::order_chain(leaf, others);
        Ok(IssueOutcome::Issued { chain_pem: super::chain_to_pem(&chain)? })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_bodies_round_trip_with_line_breaks() {
        let der: Vec<u8> = (0..=255u8).collect();
        let text = base64_lines(&der);
        assert!(text.lines().all(|l| l.len() <= 64));
        assert_eq!(decode_base64_body(text.as_bytes()), Some(der));
        assert_eq!(basic_auth("est", "pw"), "Basic ZXN0OnB3");
    }
}
