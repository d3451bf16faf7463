//! `yinjian serve`: the verifier over HTTP, for backends in any language (Java, Go, .NET,
//! Python) that cannot link the crate.
//!
//! | route | answer |
//! |---|---|
//! | `POST /v1/verify` | the document as the raw body, or as the `document` part of a `multipart/form-data` body; 200 with the report JSON (`docs/REPORT.md`) whatever the verdict |
//! | `GET /v1/health` | 200 `{"status":"ok","version":"…","anchors":N}` |
//! | `GET /v1/openapi.json` | the OpenAPI 3.1 description of these routes |
//!
//! Query parameters of `/v1/verify`: `at` (RFC 3339 validation time; default the clock at the
//! request), `revocation` (`required` | `not-required`; default as the server was started).
//!
//! Trust, revocation data and the validation policy (`--policy FILE`, docs/POLICY.md) are
//! loaded once at start. Verification runs on a bounded
//! blocking pool (`--workers`); each request has a time limit (`--timeout`), each body a size
//! limit (`--max-body`) and a time limit for arriving (`--body-timeout`); at most
//! `--max-requests` requests are in the server at once. Every refusal is a JSON error
//! `{"error": {"code", "message"}}` with its status: 400 BadRequest, 404 NotFound,
//! 405 MethodNotAllowed, 408 BodyTimeout, 413 TooLarge, 415 UnsupportedMedia, 503 Busy
//! (with `Retry-After`), 504 Timeout, 500 Internal. The server listens on loopback unless
//! `--allow-remote` is given (it has no TLS and no authentication: put a proxy in front).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use http_body_util::{BodyExt, Limited};
use serde::Deserialize;
use tokio::sync::Semaphore;
use yinjian::x509::RevocationPolicy;
use yinjian::{Clock, Report, Time, Verifier};

/// The OpenAPI 3.1 document served at `/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Default largest body accepted (64 MiB).
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;
/// Default time a whole request may take, body and verification (seconds).
pub const DEFAULT_TIMEOUT_SECS: u64 = 60;
/// Default time a body may take to arrive (seconds): a slow sender is cut off after it.
pub const DEFAULT_BODY_TIMEOUT_SECS: u64 = 20;

/// How the server is set up, from the command line or a `--config` JSON file.
#[derive(Debug, Clone, clap::Args, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; printed on the first line).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// A JSON file with any of these options (command-line options given too take precedence
    /// only for `--listen`); keys as the long options with `_` for `-`.
    #[arg(long)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Listen on a non-loopback address (no TLS, no authentication: behind a proxy only).
    #[arg(long)]
    pub allow_remote: bool,
    /// Verification threads (default: the number of cores).
    #[arg(long)]
    pub workers: Option<usize>,
    /// Requests in the server at once, waiting or verifying (default: 4 × workers); more get 503.
    #[arg(long)]
    pub max_requests: Option<usize>,
    /// Largest body accepted, bytes.
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// Seconds a whole request may take.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_SECS)]
    pub timeout: u64,
    /// Seconds a body may take to arrive.
    #[arg(long, default_value_t = DEFAULT_BODY_TIMEOUT_SECS)]
    pub body_timeout: u64,
    /// Trust anchors: PEM files or directories.
    #[arg(long, num_args = 1..)]
    pub anchors: Vec<PathBuf>,
    /// Files holding intermediate certificates.
    #[arg(long, num_args = 1..)]
    pub intermediates: Vec<PathBuf>,
    /// CRL files (PEM or DER).
    #[arg(long, num_args = 1..)]
    pub crl: Vec<PathBuf>,
    /// OCSP response files (DER).
    #[arg(long, num_args = 1..)]
    pub ocsp: Vec<PathBuf>,
    /// Do not require revocation status (reported, but does not lower the verdict).
    #[arg(long)]
    pub no_revocation: bool,
    /// Validation policy (JSON, docs/POLICY.md) for every request; default the shipped one.
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

impl Default for ServeArgs {
    fn default() -> ServeArgs {
        ServeArgs {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            config: None,
            allow_remote: false,
            workers: None,
            max_requests: None,
            max_body: DEFAULT_MAX_BODY,
            timeout: DEFAULT_TIMEOUT_SECS,
            body_timeout: DEFAULT_BODY_TIMEOUT_SECS,
            anchors: Vec::new(),
            intermediates: Vec::new(),
            crl: Vec::new(),
            ocsp: Vec::new(),
            no_revocation: false,
            policy: None,
        }
    }
}

impl ServeArgs {
    /// These options with a config file's read in, when one is named (`--listen` on the
    /// command line wins when it is not the default).
    pub fn resolve(self) -> Result<ServeArgs, String> {
        let Some(path) = &self.config else {
            return Ok(self);
        };
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut from_file: ServeArgs = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if self.listen != ServeArgs::default().listen {
            from_file.listen = self.listen;
        }
        from_file.config = self.config;
        Ok(from_file)
    }

    /// The verifier these options describe (trust loaded once), built as `yinjian verify`
    /// and `yinjian batch` build theirs ([`crate::options::TrustArgs::verifier`]).
    pub fn verifier(&self) -> Result<Verifier, String> {
        let trust = crate::options::TrustArgs {
            anchors: self.anchors.clone(),
            intermediates: self.intermediates.clone(),
            crl: self.crl.clone(),
            ocsp: self.ocsp.clone(),
            no_revocation: self.no_revocation,
            distrust: Vec::new(),
            policy: self.policy.clone(),
        };
        trust.verifier(Clock::System, &[])
    }

    fn workers(&self) -> usize {
        self.workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from))
            .max(1)
    }
}

/// Runs the server until interrupted (Ctrl-C or SIGTERM).
pub fn run(args: ServeArgs) -> Result<(), String> {
    let args = args.resolve()?;
    if !args.listen.ip().is_loopback() && !args.allow_remote {
        return Err(format!(
            "{}: not a loopback address; the server has no TLS and no authentication (add --allow-remote to listen there behind a proxy)",
            args.listen
        ));
    }
    let workers = args.workers();
    let limits = Limits::from_args(&args, workers);
    let state = Arc::new(ServerState::new(args.verifier()?, limits));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        // One thread for connections (HTTP parsing is light); the cores go to verification on
        // the blocking pool. Two I/O threads on a 2-core machine served 68 % of the in-process
        // rate, one serves 87 % (`cargo bench -p yinjian-cli --bench serve`).
        .worker_threads(1)
        .max_blocking_threads(workers)
        .enable_all()
        .build()
        .map_err(|e| format!("runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("{}: {e}", args.listen))?;
        let address = listener.local_addr().map_err(|e| e.to_string())?;
        println!("listening on http://{address}");
        eprintln!(
            "yinjian serve: {} trust anchor(s), {workers} worker(s), at most {} request(s) at once, bodies up to {} bytes",
            state.verifier.trust().anchors().len(),
            state.limits.max_requests,
            state.limits.max_body
        );
        axum::serve(listener, app(state))
            .with_graceful_shutdown(shutdown())
            .await
            .map_err(|e| e.to_string())
    })
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            term.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}

/// The limits a server applies to each request.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest body, bytes.
    pub max_body: usize,
    /// Requests in the server at once.
    pub max_requests: usize,
    /// Time for a whole request.
    pub timeout: Duration,
    /// Time for a body to arrive.
    pub body_timeout: Duration,
}

impl Limits {
    fn from_args(args: &ServeArgs, workers: usize) -> Limits {
        Limits {
            max_body: args.max_body,
            max_requests: args.max_requests.unwrap_or(4 * workers).max(1),
            timeout: Duration::from_secs(args.timeout.max(1)),
            body_timeout: Duration::from_secs(args.body_timeout.max(1)),
        }
    }
}

/// What every request shares: the verifier (as started, and with the other revocation
/// policy, for requests that ask for it) and the admission gate.
pub struct ServerState {
    verifier: Verifier,
    other_revocation: Verifier,
    limits: Limits,
    gate: Arc<Semaphore>,
}

impl ServerState {
    /// State for a server verifying with `verifier` under `limits`.
    pub fn new(verifier: Verifier, limits: Limits) -> ServerState {
        let other = if verifier.revocation_policy() == RevocationPolicy::Required {
            RevocationPolicy::NotRequired
        } else {
            RevocationPolicy::Required
        };
        ServerState {
            other_revocation: verifier.clone().revocation(other),
            verifier,
            gate: Arc::new(Semaphore::new(limits.max_requests)),
            limits,
        }
    }

    /// The verifier for a request's `revocation` parameter.
    fn verifier(&self, revocation: Option<Revocation>) -> &Verifier {
        let wanted = match revocation {
            None => return &self.verifier,
            Some(Revocation::Required) => RevocationPolicy::Required,
            Some(Revocation::NotRequired) => RevocationPolicy::NotRequired,
        };
        if self.verifier.revocation_policy() == wanted {
            &self.verifier
        } else {
            &self.other_revocation
        }
    }
}

/// The router (public so tests can serve it on a port of their own).
pub fn app(state: Arc<ServerState>) -> Router {
    Router::new()
        .route("/v1/verify", post(verify))
        .route("/v1/health", get(health))
        .route("/v1/openapi.json", get(openapi))
        .fallback(|| async {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                "no such route (see /v1/openapi.json)",
            )
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "MethodNotAllowed",
                "method not allowed here",
            )
        })
        .with_state(state)
}

/// Query parameters of `POST /v1/verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyQuery {
    at: Option<String>,
    revocation: Option<Revocation>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Revocation {
    Required,
    NotRequired,
}

async fn verify(State(state): State<Arc<ServerState>>, request: Request) -> Result<Json<Report>, ApiError> {
    // Admission first: a full server answers at once, before reading a byte of the body.
    let permit = state.gate.clone().try_acquire_owned().map_err(|_| ApiError::busy())?;
    let query = Query::<VerifyQuery>::try_from_uri(request.uri())
        .map_err(|e| ApiError::bad_request(e.body_text()))?
        .0;
    let at = match &query.at {
        Some(text) => Time::parse(text).map_err(|e| ApiError::bad_request(format!("at: {e}")))?,
        None => Time::now().map_err(|e| ApiError::internal(format!("clock: {e}")))?,
    };
    let limits = state.limits;
    let work = async move {
        let document = tokio::time::timeout(limits.body_timeout, document(request, limits.max_body))
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "BodyTimeout",
                    "the body did not arrive in time",
                )
            })??;
        if yinjian::DocumentKind::detect(&document).is_none() {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "UnsupportedMedia",
                "the body is not a document this server verifies (OFD, PDF, seal, CMS, licence QR text)",
            ));
        }
        let verifier_state = state.clone();
        // The permit lives as long as the verification, even one the client gave up on.
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            verifier_state.verifier(query.revocation).verify_at(&document, at)
        })
        .await
        .map_err(|e| ApiError::internal(format!("verification did not complete: {e}")))
    };
    match tokio::time::timeout(limits.timeout, work).await {
        Ok(result) => result.map(Json),
        Err(_) => Err(ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "Timeout",
            format!("verification took longer than {} s", limits.timeout.as_secs()),
        )),
    }
}

/// The document: the raw body, or the `document` part of a multipart body; at most `max` bytes.
async fn document(request: Request, max: usize) -> Result<Bytes, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|length| length > max as u64) {
        return Err(ApiError::too_large(max));
    }
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("multipart/form-data"));
    let (parts, body) = request.into_parts();
    let limited = Request::from_parts(parts, Body::new(Limited::new(body, max)));
    if !multipart {
        return match limited.into_body().collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(e) => {
                let inner = e.into_inner();
                if inner.is::<http_body_util::LengthLimitError>() {
                    Err(ApiError::too_large(max))
                } else {
                    Err(ApiError::bad_request(format!("body: {inner}")))
                }
            }
        };
    }
    let mut form = Multipart::from_request(limited, &())
        .await
        .map_err(|e| ApiError::bad_request(e.body_text()))?;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("document") => {
                return field.bytes().await.map_err(|e| multipart_error(e, max));
            }
            Ok(Some(_)) => continue,
            Ok(None) => return Err(ApiError::bad_request("multipart body without a `document` part")),
            Err(e) => return Err(multipart_error(e, max)),
        }
    }
}

fn multipart_error(e: axum::extract::multipart::MultipartError, max: usize) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::too_large(max)
    } else {
        ApiError::bad_request(e.body_text())
    }
}

async fn health(State(state): State<Arc<ServerState>>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "anchors": state.verifier.trust().anchors().len(),
    }))
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// An error answer: the status and a JSON body with a stable code and a message.
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

    fn too_large(max: usize) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "TooLarge",
            format!("the body is larger than {max} bytes"),
        )
    }

    fn busy() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Busy",
            "the server is at its request limit; retry shortly",
        )
    }

    fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if self.status == StatusCode::REQUEST_TIMEOUT || self.status == StatusCode::PAYLOAD_TOO_LARGE {
            // The rest of the body is not read: close rather than drain it.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}
