//! The webhook issuer: the CSR goes to the issuer's back office in an HMAC-signed POST; the
//! back office reviews and issues in its own time and posts the PEM chain back to
//! `POST /api/issuer/applications/{id}/certificate` with the per-application `callback_token`
//! from the payload as a bearer token (it opens that one callback and nothing else; the admin
//! token never leaves the worker's operators). The payload says exactly what to sign: the
//! subject and SAN built from the reviewed fields (`to_be_signed`), not the CSR's subject.

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
            "to_be_signed": crate::signing::to_be_signed(app, None),
            "callback_path": format!("/api/issuer/applications/{}/certificate", app.id),
            "callback_token": request.callback_token,
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
