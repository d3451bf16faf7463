//! WebAssembly binding of `yinjian` for browsers and node.
//!
//! Built with `scripts/build-wasm` into two `wasm-bindgen` outputs: `pkg-web` (an ES module
//! for browsers and bundlers) and `pkg-node` (for node). The JavaScript names are camelCase:
//!
//! - `sm3(data)`, `sm3Hex(data)` and the streaming class `Sm3`;
//! - `sm2Verify(publicKey, message, signature, options?)`, which returns the library's
//!   verification report as a plain object, exactly as the Rust library writes it in JSON;
//! - `sm2Sign(privateKey, message, options?)` and `sm2PublicKey(privateKey)`;
//! - `runVector(line)`, the shared test-vector runner;
//! - `verifyLicenceQr(textOrImageData, trust, options?)`, `makeLicenceQr(data, privateKey,
//!   options)` and `licenceQrFeatures()` for signed licence QR codes (reading `ImageData`
//!   needs the `qr-image` feature, SVG output the `qr-make` feature);
//! - `version()`.
//!
//! Errors are thrown as JavaScript `Error` objects with a stable string `code` property
//! (see [`ErrorCode`]) next to the human-readable message.
#![deny(missing_docs)]

#[cfg(feature = "sign")]
mod sign;
#[cfg(feature = "vectors")]
mod vectors;

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yinjian::report::Report;
use yinjian::seal::{self, SealError};
use yinjian::sm::sm2::{PublicKey, Sm2Error, Sm2Verifier, DEFAULT_DISTID};
use yinjian::sm::sm3::{sm3 as sm3_digest, Sm3Hasher};
use yinjian::time::Time;
use yinjian::x509::{self, ChainOptions, Crl, OcspResponseInfo, RevocationPolicy, TrustStore, Usage, X509Error};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** Outcome of a verification or of one check (ETSI EN 319 102-1 main indication). */
export type Status = "PASSED" | "FAILED" | "INDETERMINATE";

/** Machine-readable reason of a check that did not pass. */
export type Reason =
  | "HashMismatch"
  | "BadSignature"
  | "NotYetValid"
  | "Expired"
  | "UntrustedChain"
  | "Revoked"
  | "RevocationUnknown"
  | "Malformed"
  | "Unsupported"
  | "WeakAlgorithm"
  | "ModifiedAfterSigning"
  | "TooLarge"
  | "Missing"
  | "PolicyViolation"
  | "OutOfBoundsNoPoe"
  | "NoSignature"
  | "CryptoConstraintsFailure"
  | "NonStandardSm2"
  | "InconsistentAlgorithmParameters"
  | "SignerCertificateNotFound";

/** ETSI EN 319 102-1 main indication, reported beside `status`. */
export type EtsiIndication = "TOTAL-PASSED" | "TOTAL-FAILED" | "INDETERMINATE";

/**
 * Format level of a PDF signature (the `level` detail of its `pdf.format` check): PAdES
 * baseline per ETSI EN 319 142-1, PKCS7 with the same suffixes when the ETSI attributes are
 * absent, a document time-stamp, a legacy PKCS#1 (`adbe.x509.rsa_sha1`) or a GB/T 38540 seal.
 */
export type PdfFormatLevel =
  | "PAdES-B-B"
  | "PAdES-B-T"
  | "PAdES-B-LT"
  | "PAdES-B-LTA"
  | "PKCS7"
  | "PKCS7-T"
  | "PKCS7-LT"
  | "PKCS7-LTA"
  | "PAdES-DTS"
  | "PKCS1"
  | "SES";

/** One step of a verification and its outcome. */
export interface Check {
  /** Stable dotted name of the step, e.g. `sm2.signature`. */
  name: string;
  status: Status;
  /** Why the step did not pass; absent when it passed. */
  reason?: Reason;
  /** ETSI EN 319 102-1 sub-indication derived from `reason`. */
  sub_indication?: string;
  /** Human-readable explanation. */
  message: string;
  /** Extra machine-readable facts (e.g. `encoding` of a signature). */
  details?: Record<string, unknown>;
}

/** Options of `verifyLicenceQr`. */
export interface LicenceQrOptions {
  /** Validation time, RFC 3339 (default now). */
  at?: string;
  /** Clock skew tolerated for iat/exp, seconds (default 60). */
  leeway?: number;
  /** Allowed algorithms (default ["SM2SM3", "ES256"]). */
  algorithms?: string[];
  /** Revoked licence identifiers or numbers. */
  revoked?: string[];
}

/** Options of `makeLicenceQr`. */
export interface LicenceQrMakeOptions {
  /** The issuer's signing certificate (PEM or DER): the kid comes from it. */
  certificate?: string | Uint8Array;
  /** Issued-at, RFC 3339 (default now). */
  iat?: string;
  /** Expiry, RFC 3339. */
  exp: string;
  /** `iss` (default the data's issuer code). */
  issuer?: string;
  /** zlib-compress (default true). */
  compress?: boolean;
  /** "text" (default) or "svg". */
  format?: "text" | "svg";
}

/** What was verified. Times are RFC 3339 text. */
export interface Subject {
  signer?: string;
  seal?: string;
  signing_time?: string;
  validation_time?: string;
}

/** The result of one verification: the same object the Rust library writes as JSON. */
export interface Report {
  /** Layout version of the report. */
  version: number;
  /** What kind of object was verified, e.g. `sm2-signature`. */
  kind: string;
  /** The overall outcome: the worst status among the checks. */
  status: Status;
  /** The reason of the check that decided a non-PASSED status. */
  reason?: Reason;
  /** The ETSI EN 319 102-1 main indication beside `status`. */
  indication?: EtsiIndication;
  /** The ETSI EN 319 102-1 sub-indication beside `reason` (e.g. `HASH_FAILURE`). */
  sub_indication?: string;
  /** One-line human summary. */
  summary: string;
  subject: Subject;
  /** Every step, in the order it ran. */
  checks: Check[];
  /** Reports of parts verified one by one (each signature of a document). */
  parts?: Report[];
}

/** How an SM2 signature is encoded: DER `SEQUENCE { r, s }` or 64 bytes r‖s. */
export type SignatureEncoding = "der" | "raw";

/** Options of `sm2Verify`. */
export interface Sm2VerifyOptions {
  /** The signer's distinguishing ID (UTF-8); default `1234567812345678`. */
  distid?: string;
}

/** Options of `sm2Sign`. */
export interface Sm2SignOptions {
  /** The signer's distinguishing ID (UTF-8); default `1234567812345678`. */
  distid?: string;
  /** Encoding of the returned signature; default `der`. */
  encoding?: SignatureEncoding;
}

/** What `runVector` did with one line. */
export interface VectorOutcome {
  /** The case id, when the line was a case (and it passed). */
  id?: string;
  /** True for blank lines and comments. */
  skipped: boolean;
}

/** The `code` property of every error this module throws. */
export type ErrorCode =
  | "MalformedKey"
  | "UnsupportedKey"
  | "MalformedSignature"
  | "BadSignature"
  | "DistIdTooLong"
  | "SigningFailed"
  | "Io"
  | "InvalidArgument"
  | "InvalidOption"
  | "VectorMismatch"
  | "MalformedCertificate"
  | "MalformedSeal"
  | "TooLarge"
  | "Unsupported"
  | "NotInitialised"
  | "Internal";

/** What the leaf certificate must be fit for. */
export type Usage = "document-signing" | "seal-making" | "token-signing" | "tls-server" | "tls-client" | "any";

/** What a seal says (`parseSeal`). Times are RFC 3339 text. */
export interface SealDetails {
  version: "V1" | "V4";
  header_version: number;
  vendor: string;
  es_id: string;
  name: string;
  seal_type: number;
  seal_type_name: "organisation" | "personal" | "other";
  created: string;
  valid_from: string;
  valid_to: string;
  maker?: string;
  signers: string[];
  picture_type: string;
  picture_bytes: number;
  width_mm: number;
  height_mm: number;
}

/** Options of `verifySealSignature` (also accepted by `verifySeal`). */
export interface SealVerifyOptions {
  /** Validation time, RFC 3339; default now. */
  at?: string;
  /** Require revocation status; default true. */
  revocationRequired?: boolean;
  /** Intermediate CA certificates (PEM text or DER). */
  intermediates?: Array<string | Uint8Array>;
  /** CRLs (PEM text or DER bytes). */
  crls?: Array<string | Uint8Array>;
  /** OCSP responses (DER bytes). */
  ocsp?: Uint8Array[];
}

/** Options of `verifyCms`. */
export interface CmsVerifyOptions extends SealVerifyOptions {
  /** Accept SM2 signatures made without the Z value (legacy products): the check passes and
   * says so. Off by default: such a signature is INDETERMINATE `NonStandardSm2`. */
  acceptSm2WithoutZ?: boolean;
  /** Accept SHA-1 (otherwise INDETERMINATE `CryptoConstraintsFailure`). */
  allowSha1?: boolean;
}

/** Options of `verifyOfd` and `verifyPdf`. */
export interface DocumentVerifyOptions extends SealVerifyOptions {
  /** Certificates of signers whose signatures carry none (bare SM2 Type=Sign signatures). */
  signerCertificates?: Array<string | Uint8Array>;
  /** Called as the verification goes on (synchronously, from inside the call). */
  onProgress?: (progress: Progress) => void;
}

/** How far a document verification has got (`onProgress`). */
export interface Progress {
  /** `signature`: `done` of `total` signatures verified; `hash`: `done` of `total` bytes of
   * a large signed byte range hashed. */
  step: "signature" | "hash";
  done: number;
  total: number;
}

/** Options of `verifyLicenceFile`. */
export interface LicenceFileOptions extends DocumentVerifyOptions {
  /** Revoked licence identifiers or numbers (a caller-supplied list). */
  revoked?: string[];
}

/** The seal picture behind one signature of a document (`sealPictures`). */
export interface SealPicture {
  /** Index of the signature in the document report's `parts`. */
  index: number;
  /** The seal's name. */
  seal: string;
  /** The picture type the seal declares, lower case: `png`, `jpg`, `gif`, `bmp`, `ofd`, `svg`… */
  picture_type: string;
  width_mm: number;
  height_mm: number;
  /** The picture bytes. */
  data: Uint8Array;
}

/** What `vectorReport` gives for a line that makes a report. */
export interface VectorReport {
  id: string;
  report: Report;
}

/** Which optional parts this build has (`buildFeatures`). */
export interface BuildFeatures {
  /** sm2Sign, sm2PublicKey, signToken, makeLicenceQr (feature `sign`). */
  sign: boolean;
  /** runVector, vectorReport (feature `vectors`). */
  vectors: boolean;
  /** Reading QR codes from ImageData (feature `qr-image`). */
  qrImage: boolean;
  /** SVG output of makeLicenceQr (feature `qr-make`). */
  qrMake: boolean;
}

/** Former name of `DocumentVerifyOptions`. */
export type OfdVerifyOptions = DocumentVerifyOptions;

/** Options of `verifyToken`. The issuer decision is required (`issuers` or `anyIssuer`);
 * without `audience` or `anyAudience` a token carrying `aud` is refused; other absent fields
 * are not checked. */
export interface TokenVerifyOptions {
  /** Validation time, RFC 3339; default now. */
  at?: string;
  /** Allowed algorithm names (required): e.g. ["SM2SM3", "ES256"]; `none` is never allowed, and
   * an unknown name (`"SM2-SM3"`) throws an `InvalidArgument` error that lists the accepted ones. */
  algorithms: string[];
  /** Accepted issuers (exact match); this or `anyIssuer: true` is required. */
  issuers?: string[];
  /** Accept any issuer: `iss` is not checked, and the report's `token.iss` check says so. */
  anyIssuer?: boolean;
  /** This service's audience (or several names of it): `aud` must contain one. */
  audience?: string | string[];
  /** Accept any audience: `aud` is not checked, and the report's `token.aud` check says so. */
  anyAudience?: boolean;
  requireSub?: boolean;
  typ?: string[];
  /** Clock skew tolerated, seconds (default 60). */
  leeway?: number;
  maxAge?: number;
  nonce?: string;
  azp?: string;
  maxAuthAge?: number;
  accessToken?: string;
  code?: string;
  /** Shared HMAC secrets by kid (HS256/384/512 only when given here). */
  hmacSecrets?: Record<string, Uint8Array>;
}

/** Options of `signToken`. */
export interface TokenSignOptions {
  /** SM2SM3 (default; SM2 key in any form) or ES256/ES384/RS256…/PS256…/EdDSA (PKCS#8 key). */
  alg?: string;
  kid?: string;
  /** Extra header members. */
  header?: Record<string, unknown>;
}

/** Options of `verifyCertificateChain`. */
export interface ChainOptions {
  /** Validation time, RFC 3339; default now. */
  at?: string;
  /** What the leaf must be fit for; default `document-signing`. */
  usage?: Usage;
  /** Require revocation status for every certificate below the anchor; default true. */
  revocationRequired?: boolean;
  /** CRLs (PEM text or DER bytes). */
  crls?: Array<string | Uint8Array>;
  /** OCSP responses (DER bytes). */
  ocsp?: Uint8Array[];
  /** Accept SHA-1 signatures on certificates; default false. */
  allowSha1?: boolean;
  /** RFC 5280 user-initial-policy-set: policy OIDs (dotted) or `anyPolicy`; default any. */
  policies?: string[];
  /** initial-explicit-policy: the path must be valid for one of `policies`; default false. */
  explicitPolicy?: boolean;
  /** initial-policy-mapping-inhibit: refuse policy mappings; default false. */
  inhibitPolicyMapping?: boolean;
  /** initial-any-policy-inhibit: do not honour anyPolicy in certificates; default false. */
  inhibitAnyPolicy?: boolean;
  /** Fail on RFC 5280 issuer rules and CA/B Forum rules instead of noting them; default false. */
  strictProfile?: boolean;
}

"#;

#[wasm_bindgen]
extern "C" {
    /// The options object of `sm2Verify` (TypeScript `Sm2VerifyOptions`).
    #[wasm_bindgen(typescript_type = "Sm2VerifyOptions")]
    pub type Sm2VerifyOptions;

    /// The options object of `sm2Sign` (TypeScript `Sm2SignOptions`).
    #[wasm_bindgen(typescript_type = "Sm2SignOptions")]
    pub type Sm2SignOptions;

    /// The options object of `verifyOfd` and `verifyPdf`.
    #[wasm_bindgen(typescript_type = "DocumentVerifyOptions")]
    pub type JsDocumentVerifyOptions;

    /// The options object of `verifyCms`.
    #[wasm_bindgen(typescript_type = "CmsVerifyOptions")]
    pub type JsCmsVerifyOptions;

    /// The options object of `verifyLicenceFile`.
    #[wasm_bindgen(typescript_type = "LicenceFileOptions")]
    pub type JsLicenceFileOptions;

    /// The options object of `verifyCertificateChain`.
    #[wasm_bindgen(typescript_type = "ChainOptions")]
    pub type JsChainOptions;

    /// The options object of `verifySealSignature`.
    #[wasm_bindgen(typescript_type = "SealVerifyOptions")]
    pub type JsSealVerifyOptions;

    /// The options object of `verifyLicenceQr`.
    #[wasm_bindgen(typescript_type = "LicenceQrOptions")]
    pub type JsLicenceQrOptions;

    /// The options object of `signToken`.
    #[wasm_bindgen(typescript_type = "TokenSignOptions")]
    pub type JsTokenSignOptions;

    /// A list of certificate usages (`addPem`).
    #[wasm_bindgen(typescript_type = "Usage[]")]
    pub type JsUsageList;
}

/// An optional options argument as the JsValue the option readers take.
fn optional(options: Option<impl Into<JsValue>>) -> JsValue {
    options.map_or(JsValue::UNDEFINED, Into::into)
}

/// The stable `code` of a thrown error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// Key bytes could not be decoded, or the point is not on the curve.
    MalformedKey,
    /// A well-formed key that is not an SM2 key (or is encrypted).
    UnsupportedKey,
    /// Signature bytes are neither DER nor 64-byte r‖s.
    MalformedSignature,
    /// A well-formed signature that does not verify.
    BadSignature,
    /// The distinguishing ID is too long.
    DistIdTooLong,
    /// Signing failed.
    SigningFailed,
    /// Reading input failed.
    Io,
    /// An argument has the wrong JavaScript type.
    InvalidArgument,
    /// An options object has an unknown key or a bad value.
    InvalidOption,
    /// A test-vector line did not give the expected answer (or is not a valid case).
    VectorMismatch,
    /// A certificate, CRL or OCSP response cannot be decoded.
    MalformedCertificate,
    /// A seal or seal signature cannot be decoded.
    MalformedSeal,
    /// An input is larger than a named limit.
    TooLarge,
    /// An input uses something this library does not implement.
    Unsupported,
    /// Called before `init()` loaded the WebAssembly module (thrown by the package's
    /// JavaScript entry, or by `init()` when loading fails).
    NotInitialised,
    /// The WebAssembly code failed unexpectedly (a bug; thrown by the package's JavaScript
    /// entry for errors that carry no code).
    Internal,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::MalformedKey,
        ErrorCode::UnsupportedKey,
        ErrorCode::MalformedSignature,
        ErrorCode::BadSignature,
        ErrorCode::DistIdTooLong,
        ErrorCode::SigningFailed,
        ErrorCode::Io,
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidOption,
        ErrorCode::VectorMismatch,
        ErrorCode::MalformedCertificate,
        ErrorCode::MalformedSeal,
        ErrorCode::TooLarge,
        ErrorCode::Unsupported,
        ErrorCode::NotInitialised,
        ErrorCode::Internal,
    ];

    /// The code as JavaScript sees it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedKey => "MalformedKey",
            ErrorCode::UnsupportedKey => "UnsupportedKey",
            ErrorCode::MalformedSignature => "MalformedSignature",
            ErrorCode::BadSignature => "BadSignature",
            ErrorCode::DistIdTooLong => "DistIdTooLong",
            ErrorCode::SigningFailed => "SigningFailed",
            ErrorCode::Io => "Io",
            ErrorCode::InvalidArgument => "InvalidArgument",
            ErrorCode::InvalidOption => "InvalidOption",
            ErrorCode::VectorMismatch => "VectorMismatch",
            ErrorCode::MalformedCertificate => "MalformedCertificate",
            ErrorCode::MalformedSeal => "MalformedSeal",
            ErrorCode::TooLarge => "TooLarge",
            ErrorCode::Unsupported => "Unsupported",
            ErrorCode::NotInitialised => "NotInitialised",
            ErrorCode::Internal => "Internal",
        }
    }
}

/// An error before it becomes a JavaScript `Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The stable code.
    pub code: ErrorCode,
    /// The human-readable message.
    pub message: String,
}

impl Failure {
    /// A failure with this code and message.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// The JavaScript `Error` (with its `code` property) to throw.
    pub fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("YinjianError");
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(
            &error,
            &JsValue::from_str("code"),
            &JsValue::from_str(self.code.as_str()),
        );
        error.into()
    }
}

impl From<Sm2Error> for Failure {
    fn from(e: Sm2Error) -> Failure {
        let code = match &e {
            Sm2Error::MalformedKey(_) => ErrorCode::MalformedKey,
            Sm2Error::UnsupportedKey(_) => ErrorCode::UnsupportedKey,
            Sm2Error::MalformedSignature(_) => ErrorCode::MalformedSignature,
            Sm2Error::BadSignature(_) => ErrorCode::BadSignature,
            Sm2Error::DistIdTooLong(_) => ErrorCode::DistIdTooLong,
            Sm2Error::Signing(_) => ErrorCode::SigningFailed,
            Sm2Error::Io(_) => ErrorCode::Io,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<X509Error> for Failure {
    fn from(e: X509Error) -> Failure {
        let code = match &e {
            X509Error::Malformed(_) | X509Error::Io(_) => ErrorCode::MalformedCertificate,
            X509Error::TooLarge(_) => ErrorCode::TooLarge,
            X509Error::Unsupported(_) => ErrorCode::Unsupported,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<SealError> for Failure {
    fn from(e: SealError) -> Failure {
        let code = match &e {
            SealError::Malformed(_) | SealError::Make(_) => ErrorCode::MalformedSeal,
            SealError::TooLarge(_) => ErrorCode::TooLarge,
            SealError::Unsupported(_) => ErrorCode::Unsupported,
        };
        Failure::new(code, e.to_string())
    }
}

/// A report (or any serialisable value) as the plain JS object of the same JSON.
fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| throw(Failure::new(ErrorCode::Io, e.to_string())))?;
    js_sys::JSON::parse(&json)
}

fn throw(failure: impl Into<Failure>) -> JsValue {
    failure.into().into_js()
}

// ---------------------------------------------------------------------------------------
// The Rust side, free of JavaScript types (unit-tested natively).
// ---------------------------------------------------------------------------------------

/// Verifies an SM2 signature and returns the report as JSON text.
pub fn verify_json(key: &[u8], distid: &[u8], message: &[u8], signature: &[u8]) -> Result<String, Failure> {
    let key = PublicKey::parse(key)?;
    let report: Report = Sm2Verifier::new(&key, distid)?.report(message, signature);
    serde_json::to_string(&report).map_err(|e| Failure::new(ErrorCode::Io, format!("report to JSON: {e}")))
}

/// Verifies a certificate chain and returns the report as JSON text.
pub fn chain_json(
    leaf: &[u8],
    intermediates: &[Vec<u8>],
    trust: &TrustStore,
    opts: &ChainOptions,
) -> Result<String, Failure> {
    let leaf = x509::parse_all(leaf)?.remove(0);
    let mut pool = Vec::new();
    for der_or_pem in intermediates {
        pool.extend(x509::parse_all(der_or_pem)?);
    }
    let report = x509::chain_report(&leaf, &pool, trust, opts);
    serde_json::to_string(&report).map_err(|e| Failure::new(ErrorCode::Io, format!("report to JSON: {e}")))
}

// ---------------------------------------------------------------------------------------
// JavaScript glue.
// ---------------------------------------------------------------------------------------

/// The bytes of a `Uint8Array`, an `ArrayBuffer` or any other `ArrayBufferView` (a
/// `DataView` or another typed array: the bytes it views); `None` for anything else.
fn js_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Some(bytes.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(Uint8Array::new(buffer).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(value) {
        let get = |key: &str| Reflect::get(value, &JsValue::from_str(key)).ok();
        let buffer = get("buffer")?;
        let offset = get("byteOffset")?.as_f64()? as u32;
        let length = get("byteLength")?.as_f64()? as u32;
        return Some(Uint8Array::new_with_byte_offset_and_length(&buffer, offset, length).to_vec());
    }
    None
}

/// What a JavaScript value is, for error messages: its constructor's name, or its type.
fn js_type(value: &JsValue) -> String {
    let constructor = || {
        let constructor = Reflect::get(value, &JsValue::from_str("constructor")).ok()?;
        Reflect::get(&constructor, &JsValue::from_str("name")).ok()?.as_string()
    };
    match value.is_object().then(constructor).flatten() {
        Some(name) if !name.is_empty() => name,
        _ if value.is_null() => "null".to_owned(),
        _ => value.js_typeof().as_string().unwrap_or_default(),
    }
}

/// Bytes from a `Uint8Array`, `ArrayBuffer` or other `ArrayBufferView`; anything else (a
/// `Blob`, a string, a number…) is an `InvalidArgument` error, never an empty input.
fn bytes_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, Failure> {
    js_bytes(value).ok_or_else(|| {
        Failure::new(
            ErrorCode::InvalidArgument,
            format!(
                "{what} must be a Uint8Array, ArrayBuffer or other ArrayBufferView, not {}",
                js_type(value)
            ),
        )
    })
}

/// Key bytes from a string (PEM or hex text) or bytes as [`bytes_arg`] takes them.
fn key_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, Failure> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    js_bytes(value).ok_or_else(|| {
        Failure::new(
            ErrorCode::InvalidArgument,
            format!(
                "{what} must be a string, Uint8Array, ArrayBuffer or other ArrayBufferView, not {}",
                js_type(value)
            ),
        )
    })
}

/// The options object's own keys, checked against the allowed ones.
fn options_object(options: Option<&JsValue>, allowed: &[&str]) -> Result<Option<Object>, Failure> {
    let Some(value) = options.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(None);
    };
    if !value.is_object() {
        return Err(Failure::new(ErrorCode::InvalidOption, "options must be an object"));
    }
    let object: &Object = value.unchecked_ref();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                format!("unknown option {key:?} (known: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(Some(object.clone()))
}

/// A string option, absent when undefined.
fn string_option(options: Option<&Object>, name: &str) -> Result<Option<String>, Failure> {
    let Some(object) = options else {
        return Ok(None);
    };
    let value = Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| Failure::new(ErrorCode::InvalidOption, format!("cannot read option {name:?}")))?;
    if value.is_undefined() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| Failure::new(ErrorCode::InvalidOption, format!("option {name:?} must be a string")))
}

fn distid_option(options: Option<&Object>) -> Result<Vec<u8>, Failure> {
    Ok(string_option(options, "distid")?.map_or_else(|| DEFAULT_DISTID.to_vec(), String::into_bytes))
}

/// The SM3 digest of `data` (32 bytes).
#[wasm_bindgen(js_name = sm3)]
pub fn sm3_js(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] data: JsValue,
) -> Result<Vec<u8>, JsValue> {
    Ok(sm3_digest(&bytes_arg(&data, "data").map_err(throw)?).to_vec())
}

/// The SM3 digest of `data` as lower-case hex.
#[wasm_bindgen(js_name = sm3Hex)]
pub fn sm3_hex(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] data: JsValue,
) -> Result<String, JsValue> {
    Ok(sm3_hex_of(&bytes_arg(&data, "data").map_err(throw)?))
}

/// The SM3 digest of `data` as lower-case hex.
pub fn sm3_hex_of(data: &[u8]) -> String {
    hex_lower(&sm3_digest(data))
}

fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char])
        .collect()
}

/// Streaming SM3 for large inputs: `update` with each chunk, then `digest` or `hexDigest`.
/// Reading the digest does not end the stream; later updates continue from where it was.
#[wasm_bindgen(js_name = Sm3)]
#[derive(Clone, Default)]
pub struct Sm3Stream {
    hasher: Sm3Hasher,
}

impl Sm3Stream {
    /// Absorbs one chunk (the Rust side of `update`).
    pub fn absorb(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }
}

#[wasm_bindgen(js_class = Sm3)]
impl Sm3Stream {
    /// A fresh hasher.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sm3Stream {
        Sm3Stream::default()
    }

    /// Absorbs one chunk.
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        self.absorb(&bytes_arg(&chunk, "chunk").map_err(throw)?);
        Ok(())
    }

    /// The digest of everything absorbed so far (32 bytes).
    pub fn digest(&self) -> Vec<u8> {
        self.hasher.clone().finalize().to_vec()
    }

    /// The digest of everything absorbed so far, as lower-case hex.
    #[wasm_bindgen(js_name = hexDigest)]
    pub fn hex_digest(&self) -> String {
        hex_lower(&self.hasher.clone().finalize())
    }
}

/// Verifies an SM2 signature (DER or 64-byte r‖s) over `message` and returns the report.
///
/// `publicKey` is PEM text, hex text, or the bytes of SPKI DER, a SEC1 point or raw x‖y.
/// A bad signature gives a FAILED report; a key that cannot be decoded throws.
#[wasm_bindgen(js_name = sm2Verify, unchecked_return_type = "Report")]
pub fn sm2_verify(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] message: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] signature: JsValue,
    options: Option<Sm2VerifyOptions>,
) -> Result<JsValue, JsValue> {
    let key = key_bytes(&public_key, "publicKey").map_err(throw)?;
    let message = bytes_arg(&message, "message").map_err(throw)?;
    let signature = bytes_arg(&signature, "signature").map_err(throw)?;
    let options = options_object(options.as_ref().map(AsRef::as_ref), &["distid"]).map_err(throw)?;
    let distid = distid_option(options.as_ref()).map_err(throw)?;
    let json = verify_json(&key, &distid, &message, &signature).map_err(throw)?;
    js_sys::JSON::parse(&json)
}

/// Trust anchors (from PEM) and token keys (from JWKS), built once and reused across
/// verifications.
#[wasm_bindgen(js_name = TrustStore)]
#[derive(Default)]
pub struct JsTrustStore {
    inner: TrustStore,
    keys: yinjian::token::KeySet,
}

#[wasm_bindgen(js_class = TrustStore)]
impl JsTrustStore {
    /// An empty store.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsTrustStore {
        JsTrustStore::default()
    }

    /// Adds every certificate of a PEM bundle (or DER bytes) as an anchor, optionally only for
    /// the given usages; returns how many were added.
    #[wasm_bindgen(js_name = addPem)]
    pub fn add_pem(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] pem: JsValue,
        usages: Option<JsUsageList>,
    ) -> Result<u32, JsValue> {
        let bytes = key_bytes(&pem, "pem").map_err(throw)?;
        let usages = match usages {
            None => None,
            Some(list) => Some(
                string_list(&list.into(), "usages", ErrorCode::InvalidArgument)
                    .map_err(throw)?
                    .iter()
                    .map(|n| parse_usage(n))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(throw)?,
            ),
        };
        let n = self.inner.add_restricted(&bytes, usages).map_err(throw)?;
        Ok(n as u32)
    }

    /// Adds the keys of a JWKS (JSON text or object) for `verifyTokenWithTrust`; returns how
    /// many were added.
    #[wasm_bindgen(js_name = addJwks)]
    pub fn add_jwks(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | object")] jwks: JsValue,
    ) -> Result<u32, JsValue> {
        let n = self
            .keys
            .add_jwks(json_text(&jwks, "jwks").map_err(throw)?.as_bytes())
            .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
        Ok(n as u32)
    }

    /// Refuses the certificate with this SHA-256 fingerprint (hex) wherever it appears.
    pub fn distrust(&mut self, sha256_hex: &str) -> Result<(), JsValue> {
        self.inner.distrust_hex(sha256_hex).map_err(throw)
    }

    /// How many anchors the store holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.inner.anchors().len() as u32
    }
}

fn parse_usage(name: &str) -> Result<Usage, Failure> {
    Usage::parse(name).ok_or_else(|| Failure::new(ErrorCode::InvalidOption, format!("unknown usage {name:?}")))
}

/// Byte strings from an array of strings / `Uint8Array`s (absent: empty).
fn byte_list(value: &JsValue, what: &str) -> Result<Vec<Vec<u8>>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let array = value
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| Failure::new(ErrorCode::InvalidArgument, format!("{what} must be an array")))?;
    array.iter().map(|item| key_bytes(&item, what)).collect()
}

fn option_value(options: Option<&Object>, name: &str) -> JsValue {
    options
        .and_then(|o| Reflect::get(o, &JsValue::from_str(name)).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// Verifies a certificate chain: `leaf` (PEM or DER), `intermediates` (any order, PEM or
/// DER), against a `TrustStore` built once from PEM. Returns the report (kind `x509-chain`).
#[wasm_bindgen(js_name = verifyCertificateChain, unchecked_return_type = "Report")]
pub fn verify_certificate_chain(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] leaf: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Array<string | Uint8Array>")] intermediates: JsValue,
    anchors: &JsTrustStore,
    options: Option<JsChainOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    let leaf = key_bytes(&leaf, "leaf").map_err(throw)?;
    let pool = byte_list(&intermediates, "intermediates").map_err(throw)?;
    let options = options_object(
        Some(&options),
        &[
            "at",
            "usage",
            "revocationRequired",
            "crls",
            "ocsp",
            "allowSha1",
            "policies",
            "explicitPolicy",
            "inhibitPolicyMapping",
            "inhibitAnyPolicy",
            "strictProfile",
        ],
    )
    .map_err(throw)?;
    let usage = match string_option(options.as_ref(), "usage").map_err(throw)? {
        Some(name) => parse_usage(&name).map_err(throw)?,
        None => Usage::DocumentSigning,
    };
    let mut opts = chain_options(options.as_ref(), usage).map_err(throw)?;
    opts.allow_sha1 = option_value(options.as_ref(), "allowSha1").as_bool() == Some(true);
    let json = chain_json(&leaf, &pool, &anchors.inner, &opts).map_err(throw)?;
    js_sys::JSON::parse(&json)
}

/// Validation time and revocation data from an options object.
fn chain_options(options: Option<&Object>, usage: Usage) -> Result<ChainOptions, Failure> {
    let at = match string_option(options, "at")? {
        Some(text) => Time::parse(&text).map_err(|e| Failure::new(ErrorCode::InvalidOption, e.to_string()))?,
        None => Time::from_unix((js_sys::Date::now() / 1000.0) as i64)
            .map_err(|e| Failure::new(ErrorCode::InvalidOption, e.to_string()))?,
    };
    let mut opts = ChainOptions::new(at, usage);
    if option_value(options, "revocationRequired").as_bool() == Some(false) {
        opts.revocation = RevocationPolicy::NotRequired;
    }
    for crl in byte_list(&option_value(options, "crls"), "crls")? {
        opts.crls.extend(Crl::parse_all(&crl)?);
    }
    for der in byte_list(&option_value(options, "ocsp"), "ocsp")? {
        opts.ocsp.push(OcspResponseInfo::from_der(&der)?);
    }
    for text in string_list_option(options, "policies")? {
        opts.policies
            .push(x509::policy::parse_policy(&text).map_err(|e| Failure::new(ErrorCode::InvalidOption, e))?);
    }
    let flag = |name: &str| option_value(options, name).as_bool() == Some(true);
    opts.explicit_policy = flag("explicitPolicy");
    opts.inhibit_policy_mapping = flag("inhibitPolicyMapping");
    opts.inhibit_any_policy = flag("inhibitAnyPolicy");
    opts.strict_profile = flag("strictProfile");
    Ok(opts)
}

/// What a seal says: a seal (.esl) or the seal inside a seal signature.
#[wasm_bindgen(js_name = parseSeal, unchecked_return_type = "SealDetails")]
pub fn parse_seal(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] bytes: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = bytes_arg(&bytes, "bytes").map_err(throw)?;
    let seal = match seal::Seal::decode(&bytes) {
        Ok(seal) => seal,
        Err(_) => seal::SesSignature::decode(&bytes).map_err(throw)?.to_sign.eseal,
    };
    let details = seal.details().map_err(throw)?;
    to_js(&details)
}

/// Verifies a seal signature (SignedValue.dat, v4 or v1) over `data` (for OFD: the bytes of
/// Signature.xml) by the full GB/T 38540 procedure; returns the report (kind `seal-signature`).
#[wasm_bindgen(js_name = verifySealSignature, unchecked_return_type = "Report")]
pub fn verify_seal_signature(
    #[wasm_bindgen(js_name = signedValue, unchecked_param_type = "ArrayBuffer | ArrayBufferView")]
    signed_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] data: JsValue,
    trust: &JsTrustStore,
    options: Option<JsSealVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let signed_value = bytes_arg(&signed_value, "signedValue").map_err(throw)?;
    let data = bytes_arg(&data, "data").map_err(throw)?;
    let options = optional(options);
    let options = options_object(
        Some(&options),
        &["at", "revocationRequired", "intermediates", "crls", "ocsp"],
    )
    .map_err(throw)?;
    let chain = chain_options(options.as_ref(), Usage::DocumentSigning).map_err(throw)?;
    let mut intermediates = Vec::new();
    for der in byte_list(&option_value(options.as_ref(), "intermediates"), "intermediates").map_err(throw)? {
        intermediates.extend(x509::parse_all(&der).map_err(throw)?);
    }
    let opts = seal::SealOptions {
        trust: &trust.inner,
        chain,
        intermediates,
    };
    let report = seal::verify_seal_signature(&signed_value, seal::ProtectedData::Bytes(&data), &opts);
    to_js(&report)
}

/// Trust, time, certificates and the progress callback for a signed document (OFD or PDF),
/// from the options object.
struct DocumentOptions {
    chain: ChainOptions,
    intermediates: Vec<x509::Certificate>,
    signer_certificates: Vec<x509::Certificate>,
    on_progress: Option<js_sys::Function>,
    /// The options object itself, for the options a caller takes beyond the document ones
    /// (`revoked` of `verifyLicenceFile`).
    object: Option<Object>,
}

/// The option names every document verification takes.
const DOCUMENT_OPTIONS: [&str; 7] = [
    "at",
    "revocationRequired",
    "intermediates",
    "crls",
    "ocsp",
    "signerCertificates",
    "onProgress",
];

fn document_options(options: &JsValue, more: &[&str]) -> Result<DocumentOptions, Failure> {
    let allowed: Vec<&str> = DOCUMENT_OPTIONS.iter().chain(more).copied().collect();
    let options = options_object(Some(options), &allowed)?;
    let chain = chain_options(options.as_ref(), Usage::DocumentSigning)?;
    let certs = |name: &str| -> Result<Vec<x509::Certificate>, Failure> {
        let mut out = Vec::new();
        for der in byte_list(&option_value(options.as_ref(), name), name)? {
            out.extend(x509::parse_all(&der)?);
        }
        Ok(out)
    };
    let on_progress = option_value(options.as_ref(), "onProgress");
    let on_progress = if on_progress.is_undefined() || on_progress.is_null() {
        None
    } else {
        Some(
            on_progress
                .dyn_into::<js_sys::Function>()
                .map_err(|_| Failure::new(ErrorCode::InvalidOption, "option \"onProgress\" must be a function"))?,
        )
    };
    Ok(DocumentOptions {
        chain,
        intermediates: certs("intermediates")?,
        signer_certificates: certs("signerCertificates")?,
        on_progress,
        object: options,
    })
}

/// Runs `verify` with the library's document options made from `o` and `trust`; the
/// progress callback, if any, is called as `onProgress({ step, done, total })` (a throwing
/// callback is ignored: it cannot stop the verification).
fn with_document_options<T>(
    o: DocumentOptions,
    trust: &TrustStore,
    verify: impl FnOnce(yinjian::seal::DocumentOptions<'_>) -> T,
) -> T {
    let callback = o.on_progress;
    let tell = |p: yinjian::seal::Progress| {
        if let (Some(f), Ok(value)) = (&callback, to_js(&p)) {
            let _ = f.call1(&JsValue::NULL, &value);
        }
    };
    let mut opts = yinjian::seal::DocumentOptions::new(seal::SealOptions {
        trust,
        chain: o.chain,
        intermediates: o.intermediates,
    });
    opts.signer_certificates = o.signer_certificates;
    if callback.is_some() {
        opts.progress = Some(yinjian::seal::ProgressFn(&tell));
    }
    verify(opts)
}

/// Verifies every signature of an OFD document (the file's bytes) against a `TrustStore`;
/// returns the document report (kind `ofd`) with one part per signature.
#[wasm_bindgen(js_name = verifyOfd, unchecked_return_type = "Report")]
pub fn verify_ofd(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(&document, &trust.inner, &options, yinjian::ofd::verify_ofd_bytes)
}

/// Verifies every signature of a PDF (the file's bytes) against a `TrustStore`: byte ranges,
/// the CMS or seal signature, document time-stamps, and what later revisions changed;
/// returns the document report (kind `pdf`) with one part per signature, oldest first.
#[wasm_bindgen(js_name = verifyPdf, unchecked_return_type = "Report")]
pub fn verify_pdf(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(&document, &trust.inner, &options, yinjian::pdf::verify_pdf)
}

/// Verifies a CMS / PKCS#7 signature (`.p7s`, `.p7m`; DER, BER, PEM or base64 text) over
/// `content` (detached; `null`/`undefined` for an attached signature) against a `TrustStore`;
/// returns the report (kind `cms-signature`) with one part per SignerInfo.
#[wasm_bindgen(js_name = verifyCms, unchecked_return_type = "Report")]
pub fn verify_cms(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] signature: JsValue,
    content: Option<Vec<u8>>,
    trust: &JsTrustStore,
    options: Option<JsCmsVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    let raw = key_bytes(&signature, "signature").map_err(throw)?;
    let der = yinjian::cms::file::decode_input(&raw)
        .map_err(|e| throw(Failure::new(ErrorCode::MalformedSignature, e.to_string())))?;
    let o = document_options(&options, &["acceptSm2WithoutZ", "allowSha1"]).map_err(throw)?;
    let cms = yinjian::cms::CmsOptions {
        accept_sm2_without_z: option_value(o.object.as_ref(), "acceptSm2WithoutZ").as_bool() == Some(true),
    };
    let mut chain = o.chain;
    chain.allow_sha1 = option_value(o.object.as_ref(), "allowSha1").as_bool() == Some(true);
    let report =
        yinjian::cms::file::verify_report(&der, content.as_deref(), &trust.inner, &chain, &o.intermediates, &cms);
    to_js(&report)
}

/// `verify` run on a document with the options object read as `DocumentVerifyOptions`.
fn document_report(
    document: &JsValue,
    trust: &TrustStore,
    options: &JsValue,
    verify: fn(&[u8], &yinjian::seal::DocumentOptions<'_>) -> Report,
) -> Result<JsValue, JsValue> {
    let document = bytes_arg(document, "document").map_err(throw)?;
    let o = document_options(options, &[]).map_err(throw)?;
    to_js(&with_document_options(o, trust, |opts| verify(&document, &opts)))
}

/// Verifies an e-licence file (OFD or PDF, told apart by their first bytes): every
/// signature of the document, then the licence metadata it carries (identifier, holder,
/// validity, the caller's revocation list `revoked`). Returns the report (kind
/// `licence-file`) with the document report as its part.
#[wasm_bindgen(js_name = verifyLicenceFile, unchecked_return_type = "Report")]
pub fn verify_licence_file(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] file: JsValue,
    trust: &JsTrustStore,
    options: Option<JsLicenceFileOptions>,
) -> Result<JsValue, JsValue> {
    let file = bytes_arg(&file, "file").map_err(throw)?;
    let options = optional(options);
    let o = document_options(&options, &["revoked"]).map_err(throw)?;
    let revoked = string_list_option(o.object.as_ref(), "revoked").map_err(throw)?;
    to_js(&with_document_options(o, &trust.inner, |opts| {
        let mut licence = yinjian::licence::file::LicenceFileOptions::new(opts);
        licence.revoked = revoked;
        yinjian::licence::file::verify_licence_file(&file, &licence)
    }))
}

/// Verifies an e-invoice (an OFD, or a bare invoice XML): every seal/signature of the OFD,
/// then the invoice checks (the data covered by a signature, what the page shows equal to the
/// XML, the QR text, the arithmetic, the taxpayer IDs, the tax-side signature, a tax
/// authority's seal). Returns the report (kind `invoice`) with the OFD report as its part;
/// the invoice's fields are the `invoice` detail of the `invoice.data` check.
/// `signerCertificates` may hold the certificate of the invoice's tax-side signature.
#[wasm_bindgen(js_name = verifyInvoice, unchecked_return_type = "Report")]
pub fn verify_invoice(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] file: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(&file, &trust.inner, &options, yinjian::invoice::verify_invoice)
}

/// The seal picture behind each signature of an OFD or PDF document, in the order of the
/// document report's `parts`: `{ index, seal, picture_type, width_mm, height_mm, data }`, or
/// `null` for a signature without a seal (a CMS signature, a time-stamp, a bare SM2
/// signature). Throws `MalformedSeal` when the document cannot be opened.
#[wasm_bindgen(js_name = sealPictures, unchecked_return_type = "Array<SealPicture | null>")]
pub fn seal_pictures(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
) -> Result<js_sys::Array, JsValue> {
    let document = bytes_arg(&document, "document").map_err(throw)?;
    let pictures = if document.starts_with(b"%PDF-") {
        yinjian::pdf::seal_pictures(&document).map_err(|e| e.to_string())
    } else {
        yinjian::ofd::seal_pictures(&document).map_err(|e| e.to_string())
    }
    .map_err(|e| throw(Failure::new(ErrorCode::MalformedSeal, e)))?;
    let out = js_sys::Array::new();
    for picture in pictures {
        let Some(picture) = picture else {
            out.push(&JsValue::NULL);
            continue;
        };
        let object = to_js(&picture)?;
        Reflect::set(
            &object,
            &JsValue::from_str("data"),
            &Uint8Array::from(picture.data.as_slice()),
        )?;
        out.push(&object);
    }
    Ok(out)
}

fn number_option(options: Option<&Object>, name: &str) -> Option<i64> {
    option_value(options, name).as_f64().map(|f| f as i64)
}

fn string_list_option(options: Option<&Object>, name: &str) -> Result<Vec<String>, Failure> {
    string_list(
        &option_value(options, name),
        &format!("option {name:?}"),
        ErrorCode::InvalidOption,
    )
}

/// The strings of an array (absent: none); anything else fails with `code`.
fn string_list(value: &JsValue, what: &str, code: ErrorCode) -> Result<Vec<String>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let array = value
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| Failure::new(code, format!("{what} must be an array of strings")))?;
    array
        .iter()
        .map(|v| {
            v.as_string()
                .ok_or_else(|| Failure::new(code, format!("{what} must hold strings")))
        })
        .collect()
}

/// Verifies a compact JWS / JWT / OIDC ID token against a JWKS (JSON text or object) and the
/// options; returns the report (kind `token`).
#[wasm_bindgen(js_name = verifyToken, unchecked_return_type = "Report")]
pub fn verify_token(
    token: &str,
    #[wasm_bindgen(unchecked_param_type = "string | object")] jwks: JsValue,
    #[wasm_bindgen(unchecked_param_type = "TokenVerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    token_report(token, jwks, options, None)
}

/// As `verifyToken`, also accepting tokens that carry an `x5c` chain to an anchor of `trust`
/// (validated for token signing, so a cross-certified issuer verifies with the home root).
/// With `jwks` null, the keys are the ones added to `trust` with `addJwks`.
#[wasm_bindgen(js_name = verifyTokenWithTrust, unchecked_return_type = "Report")]
pub fn verify_token_with_trust(
    token: &str,
    #[wasm_bindgen(unchecked_param_type = "string | object | null")] jwks: JsValue,
    trust: &JsTrustStore,
    #[wasm_bindgen(unchecked_param_type = "TokenVerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    token_report(token, jwks, options, Some(trust))
}

/// JSON text of a string, or of an object stringified.
fn json_text(value: &JsValue, what: &str) -> Result<String, Failure> {
    match value.as_string() {
        Some(text) => Ok(text),
        None => js_sys::JSON::stringify(value)
            .map(String::from)
            .map_err(|_| Failure::new(ErrorCode::InvalidArgument, format!("{what} is not JSON"))),
    }
}

/// A token report with the keys of `jwks`, or of `trust` when `jwks` is null or undefined.
fn token_report(
    token: &str,
    jwks: JsValue,
    options: JsValue,
    trust: Option<&JsTrustStore>,
) -> Result<JsValue, JsValue> {
    use yinjian::token::{KeySet, TokenOptions};
    let known = [
        "at",
        "algorithms",
        "issuers",
        "anyIssuer",
        "audience",
        "anyAudience",
        "requireSub",
        "typ",
        "leeway",
        "maxAge",
        "nonce",
        "azp",
        "maxAuthAge",
        "accessToken",
        "code",
        "hmacSecrets",
    ];
    let options = options_object(Some(&options), &known).map_err(throw)?;
    let mut keys = match trust {
        Some(store) if jwks.is_undefined() || jwks.is_null() => store.keys.clone(),
        _ => {
            let mut keys = KeySet::new();
            keys.add_jwks(json_text(&jwks, "jwks").map_err(throw)?.as_bytes())
                .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
            keys
        }
    };
    let secrets = option_value(options.as_ref(), "hmacSecrets");
    if let Some(object) = secrets.dyn_ref::<Object>() {
        for kid in Object::keys(object).iter() {
            let value = Reflect::get(object, &kid).unwrap_or(JsValue::UNDEFINED);
            let secret = key_bytes(&value, "hmacSecrets value").map_err(throw)?;
            keys.add_hmac_secret(kid.as_string(), &secret)
                .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
        }
    }
    let at = chain_options(options.as_ref(), Usage::TokenSigning).map_err(throw)?.at;
    let algorithms = string_list_option(options.as_ref(), "algorithms").map_err(throw)?;
    if algorithms.is_empty() {
        return Err(throw(Failure::new(
            ErrorCode::InvalidOption,
            "options.algorithms (the allow-list) is required",
        )));
    }
    let given = |name: &str| {
        let value = option_value(options.as_ref(), name);
        (!value.is_undefined() && !value.is_null()).then_some(value)
    };
    let issuers = match given("issuers") {
        Some(_) => Some(string_list_option(options.as_ref(), "issuers").map_err(throw)?),
        None => None,
    };
    let audience = match given("audience") {
        Some(one) if one.as_string().is_some() => one.as_string().map(|a| vec![a]),
        Some(_) => Some(string_list_option(options.as_ref(), "audience").map_err(throw)?),
        None => None,
    };
    let any = |name: &str| option_value(options.as_ref(), name).as_bool() == Some(true);
    let (issuers, audience) =
        claim_decisions(issuers, any("anyIssuer"), audience, any("anyAudience")).map_err(throw)?;
    let mut opts = TokenOptions::new(
        at,
        &algorithms.iter().map(String::as_str).collect::<Vec<_>>(),
        issuers,
        audience,
    )
    .map_err(|e| throw(Failure::new(ErrorCode::InvalidArgument, e.to_string())))?;
    opts.typ = string_list_option(options.as_ref(), "typ").map_err(throw)?;
    let text_opt = |name: &str| string_option(options.as_ref(), name).map_err(throw);
    opts.nonce = text_opt("nonce")?;
    opts.azp = text_opt("azp")?;
    opts.access_token = text_opt("accessToken")?;
    opts.code = text_opt("code")?;
    opts.require_sub = option_value(options.as_ref(), "requireSub").as_bool() == Some(true);
    if let Some(leeway) = number_option(options.as_ref(), "leeway") {
        opts.leeway = leeway;
    }
    opts.max_age = number_option(options.as_ref(), "maxAge");
    opts.max_auth_age = number_option(options.as_ref(), "maxAuthAge");
    let report = yinjian::token::verify_token(token, &keys, trust.map(|t| &t.inner), &opts);
    to_js(&report)
}

/// The issuer and audience decisions of token options: `issuers` or `anyIssuer: true` (one
/// is required); `audience` or `anyAudience: true`, or neither (no audience expected: a
/// token carrying `aud` is refused).
fn claim_decisions(
    issuers: Option<Vec<String>>,
    any_issuer: bool,
    audience: Option<Vec<String>>,
    any_audience: bool,
) -> Result<(yinjian::token::Issuers, yinjian::token::Audience), Failure> {
    use yinjian::token::{Audience, Issuers};
    let issuers = match (issuers, any_issuer) {
        (Some(list), false) => Issuers::OneOf(list),
        (None, true) => Issuers::Any,
        (Some(_), true) => {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                "options.issuers and options.anyIssuer exclude each other",
            ))
        }
        (None, false) => {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                "options.issuers (the accepted issuers) or options.anyIssuer: true is required",
            ))
        }
    };
    let audience = match (audience, any_audience) {
        (Some(list), false) => Audience::OneOf(list),
        (None, true) => Audience::Any,
        (None, false) => Audience::Absent,
        (Some(_), true) => {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                "options.audience and options.anyAudience exclude each other",
            ))
        }
    };
    Ok((issuers, audience))
}

/// The public JWK of a key given as PEM/DER SubjectPublicKeyInfo, a certificate, or an SM2
/// public key in any form, with an optional `kid`.
#[wasm_bindgen(js_name = publicJwk, unchecked_return_type = "Record<string, unknown>")]
pub fn public_jwk(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")]
    public_key: JsValue,
    kid: Option<String>,
) -> Result<JsValue, JsValue> {
    let bytes = key_bytes(&public_key, "publicKey").map_err(throw)?;
    let mut keys = yinjian::token::KeySet::new();
    if keys.add_public_key(&bytes, kid.clone()).is_err() {
        let sm2 = PublicKey::parse(&bytes).map_err(throw)?;
        return js_sys::JSON::parse(&yinjian::token::jwk::sm2_jwk(&sm2, kid.as_deref()).to_string());
    }
    js_sys::JSON::parse(&keys.to_jwks()["keys"][0].to_string())
}

/// Validates a resident identity number, unified social credit code, organisation code or
/// national e-licence identifier; returns the report (kind `identifier`) with the parts.
#[wasm_bindgen(js_name = checkIdentifier, unchecked_return_type = "Report")]
pub fn check_identifier(value: &str) -> Result<JsValue, JsValue> {
    let report = yinjian::licence::check_identifier(value);
    to_js(&report)
}

// ---------------------------------------------------------------------------------------
// Licence QR codes.
// ---------------------------------------------------------------------------------------

/// Which optional parts of licence QR support this build has: `image` (reading codes from
/// `ImageData`, feature `qr-image`) and `render` (SVG output of `makeLicenceQr`, feature
/// `qr-make`). Verifying and making QR text are always there.
#[wasm_bindgen(js_name = licenceQrFeatures, unchecked_return_type = "{ image: boolean; render: boolean }")]
pub fn licence_qr_features() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "image": cfg!(feature = "qr-image"),
        "render": cfg!(feature = "qr-make"),
    }))
}

/// The trusted issuers from PEM/DER certificates and public keys: one value or an array.
fn issuer_list(trust: &JsValue) -> Result<yinjian::licence::qr::IssuerList, Failure> {
    let items = if js_sys::Array::is_array(trust) {
        byte_list(trust, "trust")?
    } else {
        vec![key_bytes(trust, "trust")?]
    };
    let mut list = yinjian::licence::qr::IssuerList::new();
    for item in items {
        list.add_pem(&item)
            .map_err(|e| Failure::new(ErrorCode::MalformedCertificate, e.to_string()))?;
    }
    Ok(list)
}

fn time_option(options: Option<&Object>, name: &str) -> Result<Option<Time>, Failure> {
    string_option(options, name)?
        .map(|t| Time::parse(&t).map_err(|e| Failure::new(ErrorCode::InvalidOption, format!("{name}: {e}"))))
        .transpose()
}

fn now_js() -> Result<Time, Failure> {
    Time::from_unix((js_sys::Date::now() / 1000.0) as i64)
        .map_err(|e| Failure::new(ErrorCode::InvalidOption, e.to_string()))
}

/// Verifies a licence QR code against trusted issuing authorities: `input` is the QR text,
/// or an `ImageData`-like `{data, width, height}` (RGBA) in builds with image support.
/// `trust` is certificates and/or public keys (PEM string or DER bytes, or an array of
/// them). Options: `at` (RFC 3339; default now), `leeway` (seconds), `algorithms`
/// (`["SM2SM3", "ES256"]`), `revoked` (licence identifiers or numbers). Returns the report
/// (kind `licence-qr`); the licence data is in the `qr.claims` check's `details.licence`.
#[wasm_bindgen(js_name = verifyLicenceQr, unchecked_return_type = "Report")]
pub fn verify_licence_qr(
    #[wasm_bindgen(
        unchecked_param_type = "string | { data: Uint8Array | Uint8ClampedArray; width: number; height: number }"
    )]
    input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | Array<string | Uint8Array>")] trust: JsValue,
    options: Option<JsLicenceQrOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    use yinjian::licence::qr::{QrAlgorithm, QrOptions};
    let options = options_object(Some(&options), &["at", "leeway", "algorithms", "revoked"]).map_err(throw)?;
    let issuers = issuer_list(&trust).map_err(throw)?;
    let at = match time_option(options.as_ref(), "at").map_err(throw)? {
        Some(t) => t,
        None => now_js().map_err(throw)?,
    };
    let mut opts = QrOptions::new(at);
    if let Some(leeway) = number_option(options.as_ref(), "leeway") {
        opts.leeway = leeway;
    }
    let algorithms = string_list_option(options.as_ref(), "algorithms").map_err(throw)?;
    if !algorithms.is_empty() {
        opts.algorithms = algorithms
            .iter()
            .map(|a| match a.as_str() {
                "SM2SM3" => Ok(QrAlgorithm::Sm2Sm3),
                "ES256" => Ok(QrAlgorithm::Es256),
                other => Err(throw(Failure::new(
                    ErrorCode::InvalidOption,
                    format!("unknown algorithm {other:?} (known: SM2SM3, ES256)"),
                ))),
            })
            .collect::<Result<_, _>>()?;
    }
    opts.revoked = string_list_option(options.as_ref(), "revoked").map_err(throw)?;
    if let Some(text) = input.as_string() {
        return to_js(&yinjian::licence::qr::verify_qr(&text, &issuers, &opts));
    }
    if !input.is_object() {
        return Err(throw(Failure::new(
            ErrorCode::InvalidArgument,
            "input must be the QR text or an ImageData {data, width, height}",
        )));
    }
    let object: &Object = input.unchecked_ref();
    let dimension = |name: &str| -> Result<u32, JsValue> {
        option_value(Some(object), name)
            .as_f64()
            .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= f64::from(u32::MAX))
            .map(|v| v as u32)
            .ok_or_else(|| {
                throw(Failure::new(
                    ErrorCode::InvalidArgument,
                    format!("ImageData {name} must be a whole number"),
                ))
            })
    };
    let (width, height) = (dimension("width")?, dimension("height")?);
    let data = option_value(Some(object), "data");
    let pixels = if let Some(clamped) = data.dyn_ref::<js_sys::Uint8ClampedArray>() {
        clamped.to_vec()
    } else if let Some(bytes) = data.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else {
        return Err(throw(Failure::new(
            ErrorCode::InvalidArgument,
            "ImageData data must be a Uint8ClampedArray or Uint8Array of RGBA pixels",
        )));
    };
    verify_rgba(&pixels, width, height, &issuers, &opts)
}

#[cfg(feature = "qr-image")]
fn verify_rgba(
    pixels: &[u8],
    width: u32,
    height: u32,
    issuers: &yinjian::licence::qr::IssuerList,
    opts: &yinjian::licence::qr::QrOptions,
) -> Result<JsValue, JsValue> {
    to_js(&yinjian::licence::qr::image::verify_qr_rgba(
        pixels, width, height, issuers, opts,
    ))
}

#[cfg(not(feature = "qr-image"))]
fn verify_rgba(
    _pixels: &[u8],
    _width: u32,
    _height: u32,
    _issuers: &yinjian::licence::qr::IssuerList,
    _opts: &yinjian::licence::qr::QrOptions,
) -> Result<JsValue, JsValue> {
    Err(throw(Failure::new(
        ErrorCode::Unsupported,
        "this build reads QR text only: reading images needs the qr-image feature",
    )))
}

/// Which optional parts this build has: `sign` (sm2Sign, sm2PublicKey, signToken,
/// makeLicenceQr), `vectors` (runVector, vectorReport), `qrImage` (reading QR codes from
/// ImageData), `qrMake` (SVG output). The verify-only build has none of them.
#[wasm_bindgen(js_name = buildFeatures, unchecked_return_type = "BuildFeatures")]
pub fn build_features() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "sign": cfg!(feature = "sign"),
        "vectors": cfg!(feature = "vectors"),
        "qrImage": cfg!(feature = "qr-image"),
        "qrMake": cfg!(feature = "qr-make"),
    }))
}

/// The version of this package (and of the yinjian library it was built from).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ABC_SM3: &str = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

    #[test]
    fn token_issuer_and_audience_are_explicit() {
        use yinjian::token::{Audience, Issuers};
        let list = |s: &str| Some(vec![s.to_owned()]);
        let decided = claim_decisions(list("i"), false, None, false).unwrap();
        assert_eq!(decided, (Issuers::is("i"), Audience::Absent));
        let decided = claim_decisions(None, true, list("a"), false).unwrap();
        assert_eq!(decided, (Issuers::Any, Audience::is("a")));
        assert_eq!(claim_decisions(None, true, None, true).unwrap().1, Audience::Any);
        for (issuers, any_iss, audience, any_aud) in [
            (None, false, None, false),
            (list("i"), true, None, false),
            (list("i"), false, list("a"), true),
        ] {
            let err = claim_decisions(issuers, any_iss, audience, any_aud).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption, "{}", err.message);
        }
    }

    #[test]
    fn sm3_of_abc() {
        assert_eq!(sm3_hex_of(b"abc"), ABC_SM3);
        let mut stream = Sm3Stream::new();
        stream.absorb(b"a");
        stream.absorb(b"bc");
        assert_eq!(stream.hex_digest(), ABC_SM3);
        assert_eq!(stream.digest(), sm3_digest(b"abc").to_vec());
    }

    /// The TypeScript unions name every reason the library reports and every error code.
    #[test]
    fn typescript_unions_are_complete() {
        // The TS_TYPES section is the macro's, not a constant: read it from this file.
        let source = include_str!("lib.rs");
        let union = |name: &str| {
            let start = source.find(&format!("export type {name} =")).unwrap();
            let end = start + source[start..].find(';').unwrap();
            source[start..end].to_owned()
        };
        let reasons = union("Reason");
        for reason in yinjian::report::Reason::ALL {
            assert!(
                reasons.contains(&format!("\"{reason}\"")),
                "Reason {reason} missing from the TS types"
            );
        }
        let codes = union("ErrorCode");
        for code in ErrorCode::ALL {
            assert!(
                codes.contains(&format!("\"{}\"", code.as_str())),
                "{code:?} missing from the TS types"
            );
        }
        assert_eq!(reasons.matches('"').count(), 2 * yinjian::report::Reason::ALL.len());
        assert_eq!(codes.matches('"').count(), 2 * ErrorCode::ALL.len());
    }

    #[test]
    fn errors_carry_codes() {
        let err = verify_json(b"not a key", DEFAULT_DISTID, b"", b"").unwrap_err();
        assert_eq!(err.code, ErrorCode::MalformedKey);
    }
}
