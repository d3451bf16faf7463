//! The HTTP verification service: an axum router over [`verify_document`].
//!
//! | route | answer |
//! |---|---|
//! | `POST /verify` | the body is the document (OFD or PDF, told by its first bytes); 200 with the report JSON exactly as `yinjian` writes it (`docs/REPORT.md`) whatever the verdict: the verdict is its `status` |
//! | `GET /health` | 200 `{"status":"ok","version":"…"}` |
//!
//! Query parameters of `/verify`:
//! - `at`: the validation time, RFC 3339; default the server's clock at the request.
//! - `revocation`: `required` (an unknown revocation status makes a chain INDETERMINATE) or
//!   `not-required` (reported, does not lower the verdict); default `not-required`, since
//!   the service is given no CRLs or OCSP responses.
//!
//! Errors are JSON `{"error": {"code": "…", "message": "…"}}`: 400 `BadRequest` (bad query),
//! 404 `NotFound`, 405 `MethodNotAllowed`, 413 `TooLarge` (a body, declared or sent, over
//! [`MAX_BODY`]), 415 `UnsupportedMedia` (neither OFD nor PDF), 500 `Internal`.
//!
//! Verification is CPU-bound and runs on tokio's blocking pool, off the threads that serve
//! connections. The service has no TLS and no authentication: bind it to loopback, behind a
//! proxy that adds both and caps concurrent uploads.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use yinjian::x509::RevocationPolicy;
use yinjian::{Report, Time};

use crate::{verify_document, DocumentKind, Trust};

/// Largest request body accepted (64 MiB); larger ones get 413.
pub const MAX_BODY: usize = 64 * 1024 * 1024;

/// The router of the service, answering with the given trust anchors and intermediates.
pub fn app(trust: Arc<Trust>) -> Router {
    Router::new()
        .route("/verify", post(verify))
        .route("/health", get(health))
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "NotFound", "no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "method not allowed here",
            )
        })
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(trust)
}

/// Query parameters of `POST /verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyQuery {
    /// Validation time, RFC 3339.
    at: Option<String>,
    /// Whether revocation status must be established.
    #[serde(default)]
    revocation: Revocation,
}

/// The `revocation` query parameter.
#[derive(Debug, Default, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Revocation {
    /// `required`: an unknown revocation status makes a chain INDETERMINATE.
    Required,
    /// `not-required`: reported, does not lower the verdict.
    #[default]
    NotRequired,
}

impl From<Revocation> for RevocationPolicy {
    fn from(revocation: Revocation) -> RevocationPolicy {
        match revocation {
            Revocation::Required => RevocationPolicy::Required,
            Revocation::NotRequired => RevocationPolicy::NotRequired,
        }
    }
}

/// `POST /verify`: the report of the body's document, or a JSON error.
async fn verify(
    State(trust): State<Arc<Trust>>,
    query: Result<Query<VerifyQuery>, QueryRejection>,
    Document(document): Document,
) -> Result<Json<Report>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let at = match &query.at {
        Some(text) => Time::parse(text).map_err(|e| ApiError::bad_request(format!("at: {e}")))?,
        None => Time::now().map_err(|e| ApiError::internal(format!("clock: {e}")))?,
    };
    let kind = DocumentKind::detect(&document).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "UnsupportedMedia",
            "the body is neither an OFD package (PK…) nor a PDF (%PDF…)",
        )
    })?;
    let revocation = query.revocation.into();
    let report = tokio::task::spawn_blocking(move || verify_document(&trust, kind, &document, at, revocation))
        .await
        .map_err(|e| ApiError::internal(format!("verification did not complete: {e}")))?;
    Ok(Json(report))
}

/// `GET /health`.
async fn health() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok", "version": env!("CARGO_PKG_VERSION") }))
}

/// The request body, refused before it is read when its declared length is over
/// [`MAX_BODY`], and while it is read when more arrives.
struct Document(Bytes);

impl<S: Send + Sync> FromRequest<S> for Document {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Document, ApiError> {
        let declared = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|length| length > MAX_BODY as u64) {
            return Err(ApiError::too_large());
        }
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Document(bytes)),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => Err(ApiError::too_large()),
            Err(e) => Err(ApiError::bad_request(e.body_text())),
        }
    }
}

/// An error answer: the HTTP status and a JSON body with a stable code and a message.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }

    fn too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TooLarge",
            format!("the body is larger than {MAX_BODY} bytes"),
        )
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        (self.status, Json(body)).into_response()
    }
}
