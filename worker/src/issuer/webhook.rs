//! The webhook issuer: the CSR goes to the issuer's back office in an HMAC-signed POST; the
//! back office reviews and issues in its own time and posts the PEM chain back to
//! `POST /api/admin/applications/{id}/certificate` with the admin token.

use super::{IssueOutcome, IssueRequest, IssuerError};
use crate::http::{HttpClient, Outbound};

/// The webhook issuer.
pub struct WebhookIssuer<C> {
    /// The back office URL.
    pub url: String,
    /// The HMAC key shared with it.
    pub secret: String,
    /// The HTTP client.
    pub http: C,
}

impl<C: HttpClient> WebhookIssuer<C> {
    /// Hands one CSR over.
    pub async fn issue(&self, request: &IssueRequest<'_>) -> Result<IssueOutcome, IssuerError> {
        let app = request.application;
        let body = serde_json::to_vec(&serde_json::json!({
            "type": "csr",
            "application_id": app.id,
            "product": app.product,
            "csr": app.csr_pem,
            "applicant": app.applicant,
            "callback_path": format!("/api/admin/applications/{}/certificate", app.id),
        }))
        .map_err(|_| IssuerError::Protocol { detail: "encoding".into() })?;
        let signature = crate::reminders::signature(self.secret.as_bytes(), request.now, &body);
        let outbound = Outbound {
            method: "POST",
            url: self.url.clone(),
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("inkan-signature".into(), signature),
                ("inkan-delivery".into(), format!("{}:csr", app.id)),
            ],
            body,
        };
        let answer = self
            .http
            .send(outbound)
            .await
            .map_err(|e| IssuerError::Unavailable { detail: inkan::Localized::code(&e).to_owned() })?;
        match answer.status {
            200..=299 => Ok(IssueOutcome::HandedOver),
            400..=499 => Err(IssuerError::Refused { status: answer.status }),
            status => Err(IssuerError::Unavailable { detail: format!("HTTP {status}") }),
        }
    }
}
