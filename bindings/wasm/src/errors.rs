//! Errors thrown to JavaScript: a stable `code` beside the message.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use yinjian::pdf::PdfError;
use yinjian::seal::SealError;
use yinjian::sm::sm2::Sm2Error;
use yinjian::x509::X509Error;

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
            // A variant added later (the library's errors are #[non_exhaustive]).
            _ => ErrorCode::Internal,
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
            _ => ErrorCode::Internal,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<PdfError> for Failure {
    fn from(e: PdfError) -> Failure {
        let code = match &e {
            // A document that is not a usable signed PDF: the argument is wrong.
            PdfError::Malformed(_) => ErrorCode::InvalidArgument,
            PdfError::TooLarge(_) => ErrorCode::TooLarge,
            PdfError::Unsupported(_) => ErrorCode::Unsupported,
            _ => ErrorCode::Internal,
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
            _ => ErrorCode::Internal,
        };
        Failure::new(code, e.to_string())
    }
}

/// A report (or any serialisable value) as the plain JS object of the same JSON.
pub(crate) fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| throw(Failure::new(ErrorCode::Io, e.to_string())))?;
    js_sys::JSON::parse(&json)
}

pub(crate) fn throw(failure: impl Into<Failure>) -> JsValue {
    failure.into().into_js()
}
