//! Identity documents: sealed in the applicant's browser to the issuer's document key (HPKE,
//! RFC 9180: see `inkan::documents`), stored and served by the worker as ciphertext only, and
//! deleted `document_retention_days` after the decision.
//!
//! The desk publishes the key's 32-byte public half (`POST /api/admin/document-key`); the
//! apply view reads it from `GET /api/document-key`. Intake answers with a one-time upload
//! token; `POST /api/applications/{id}/documents` takes the sealed documents once, while the
//! application is submitted. The worker never sees a document's bytes in clear and never
//! echoes what it was sent.

use crate::texts;
use base64ct::{Base64, Encoding};
use inkan::i18n::{Localized, Message};
use serde::{Deserialize, Serialize};

/// The settings row holding the published public key (base64).
pub const KEY_SETTING: &str = "document_key";
/// Media types a document may be labelled with (the catalog's formats: JPEG, PNG, PDF).
pub const MEDIA_TYPES: &[&str] = &["image/jpeg", "image/png", "application/pdf"];
/// What sealing adds to a document (HPKE encapsulated key + AEAD tag).
pub const OVERHEAD: usize = 48;

/// One sealed document as stored and as the desk fetches it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedDocument {
    /// Position in the application, from 1.
    pub seq: i64,
    /// `image/jpeg`, `image/png` or `application/pdf` (also the HPKE `aad`).
    pub media_type: String,
    /// Base64 of the encapsulated key followed by the ciphertext.
    pub sealed: String,
}

/// Why documents or a document key were refused.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DocumentError {
    /// The issuer has not published a document key.
    NotEnabled,
    /// More documents than allowed.
    TooMany {
        /// How many were sent.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// A document is larger than allowed (sealed size).
    TooLarge {
        /// Which one, from 1.
        index: usize,
        /// Its sealed size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// The request body is larger than any allowed upload.
    BodyTooLarge {
        /// The limit.
        max: usize,
    },
    /// A media type outside [`MEDIA_TYPES`].
    TypeNotAccepted {
        /// Which one, from 1.
        index: usize,
    },
    /// A document is not base64, or too short to be sealed.
    NotSealed {
        /// Which one, from 1.
        index: usize,
    },
    /// The upload token is missing or wrong, or documents were already sent.
    TokenRefused,
    /// The public key is not 32 bytes of base64.
    BadKey,
    /// The body is not the expected JSON.
    BadBody,
}

impl core::fmt::Display for DocumentError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.message().en)
    }
}

impl std::error::Error for DocumentError {}

impl DocumentError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            DocumentError::NotEnabled | DocumentError::TokenRefused => 409,
            DocumentError::TooLarge { .. } | DocumentError::BodyTooLarge { .. } => 413,
            DocumentError::TooMany { .. }
            | DocumentError::TypeNotAccepted { .. }
            | DocumentError::NotSealed { .. }
            | DocumentError::BadKey
            | DocumentError::BadBody => 400,
        }
    }
}

impl Localized for DocumentError {
    fn code(&self) -> &'static str {
        match self {
            DocumentError::NotEnabled => "documents_not_enabled",
            DocumentError::TooMany { .. } => "documents_too_many",
            DocumentError::TooLarge { .. } => "document_too_large",
            DocumentError::BodyTooLarge { .. } => "documents_too_large",
            DocumentError::TypeNotAccepted { .. } => "document_type_not_accepted",
            DocumentError::NotSealed { .. } => "document_not_sealed",
            DocumentError::TokenRefused => "documents_token_refused",
            DocumentError::BadKey => "document_key_invalid",
            DocumentError::BadBody => "documents_bad_request",
        }
    }

    fn message(&self) -> Message {
        let mb = |n: usize| format!("{:.1} MB", n as f64 / 1024.0 / 1024.0);
        match self {
            DocumentError::NotEnabled => texts::documents::DOCUMENTS_NOT_ENABLED.render(),
            DocumentError::TooMany { count, max } => {
                texts::documents::DocumentsTooMany { count: count.into(), max: max.into() }.render()
            }
            DocumentError::TooLarge { index, size, max } => {
                texts::documents::DocumentTooLarge { index: index.into(), size: mb(*size).into(), max: mb(*max).into() }
                    .render()
            }
            DocumentError::BodyTooLarge { max } => {
                texts::documents::DocumentsTooLarge { max: mb(*max).into() }.render()
            }
            DocumentError::TypeNotAccepted { index } => {
                texts::documents::DocumentTypeNotAccepted { index: index.into() }.render()
            }
            DocumentError::NotSealed { index } => texts::documents::DocumentNotSealed { index: index.into() }.render(),
            DocumentError::TokenRefused => texts::documents::DOCUMENTS_TOKEN_REFUSED.render(),
            DocumentError::BadKey => texts::documents::DOCUMENT_KEY_INVALID.render(),
            DocumentError::BadBody => texts::documents::DOCUMENTS_BAD_REQUEST.render(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadBody {
    token: String,
    documents: Vec<UploadItem>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadItem {
    media_type: String,
    sealed: String,
}

/// The largest upload body for these limits (base64 and JSON framing included).
pub fn body_limit(max_bytes: usize, max_count: usize) -> usize {
    max_count.saturating_mul(max_bytes.div_ceil(3).saturating_mul(4).saturating_add(128)).saturating_add(1024)
}

/// Checks an upload: returns the token and the documents. Never echoes their bytes.
pub fn parse_upload(
    body: &[u8],
    max_bytes: usize,
    max_count: usize,
) -> Result<(String, Vec<SealedDocument>), DocumentError> {
    if body.len() > body_limit(max_bytes, max_count) {
        return Err(DocumentError::BodyTooLarge { max: body_limit(max_bytes, max_count) });
    }
    let body: UploadBody = serde_json::from_slice(body).map_err(|_| DocumentError::BadBody)?;
    if body.documents.len() > max_count {
        return Err(DocumentError::TooMany { count: body.documents.len(), max: max_count });
    }
    let mut out = Vec::with_capacity(body.documents.len());
    for (i, item) in body.documents.into_iter().enumerate() {
        let index = i + 1;
        if !MEDIA_TYPES.contains(&item.media_type.as_str()) {
            return Err(DocumentError::TypeNotAccepted { index });
        }
        let size = Base64::decode_vec(&item.sealed).map_err(|_| DocumentError::NotSealed { index })?.len();
        if size > max_bytes {
            return Err(DocumentError::TooLarge { index, size, max: max_bytes });
        }
        if size <= OVERHEAD {
            return Err(DocumentError::NotSealed { index });
        }
        out.push(SealedDocument { seq: index as i64, media_type: item.media_type, sealed: item.sealed });
    }
    Ok((body.token, out))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyBody {
    public_key: String,
}

/// Checks a published key: 32 bytes of base64; returns it re-encoded.
pub fn parse_key(body: &[u8]) -> Result<String, DocumentError> {
    let body: KeyBody = serde_json::from_slice(body).map_err(|_| DocumentError::BadKey)?;
    let raw = Base64::decode_vec(body.public_key.trim()).map_err(|_| DocumentError::BadKey)?;
    if raw.len() != 32 || raw.iter().all(|b| *b == 0) {
        return Err(DocumentError::BadKey);
    }
    Ok(Base64::encode_string(&raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upload(docs: &[(&str, usize)]) -> Vec<u8> {
        let documents: Vec<_> = docs
            .iter()
            .map(|(t, n)| serde_json::json!({"media_type": t, "sealed": Base64::encode_string(&vec![7u8; *n])}))
            .collect();
        serde_json::to_vec(&serde_json::json!({"token": "t", "documents": documents})).expect("json")
    }

    #[test]
    fn uploads_are_bounded_in_count_size_and_type() {
        let (token, docs) =
            parse_upload(&upload(&[("image/jpeg", 100), ("application/pdf", 200)]), 1000, 2).expect("ok");
        assert_eq!((token.as_str(), docs.len(), docs[1].seq), ("t", 2, 2));
        let many = upload(&[("image/png", 100), ("image/png", 100), ("image/png", 100)]);
        assert_eq!(parse_upload(&many, 1000, 2).err(), Some(DocumentError::TooMany { count: 3, max: 2 }));
        assert_eq!(
            parse_upload(&upload(&[("image/png", 1001)]), 1000, 2).err(),
            Some(DocumentError::TooLarge { index: 1, size: 1001, max: 1000 })
        );
        assert_eq!(
            parse_upload(&upload(&[("text/html", 100)]), 1000, 2).err(),
            Some(DocumentError::TypeNotAccepted { index: 1 })
        );
        assert_eq!(
            parse_upload(&upload(&[("image/png", 10)]), 1000, 2).err(),
            Some(DocumentError::NotSealed { index: 1 })
        );
        let huge = vec![b' '; body_limit(1000, 2) + 1];
        assert!(matches!(parse_upload(&huge, 1000, 2), Err(DocumentError::BodyTooLarge { .. })));
    }

    #[test]
    fn a_published_key_is_32_bytes() {
        let good = serde_json::json!({"public_key": Base64::encode_string(&[9u8; 32])}).to_string();
        assert!(parse_key(good.as_bytes()).is_ok());
        let short = serde_json::json!({"public_key": Base64::encode_string(&[9u8; 31])}).to_string();
        assert_eq!(parse_key(short.as_bytes()).err(), Some(DocumentError::BadKey));
    }
}
