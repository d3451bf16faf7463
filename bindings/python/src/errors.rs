//! Errors raised in Python: a subclass of `yinjian.YinjianError` per stable `code`, the same
//! code strings the WebAssembly binding throws (bindings/wasm/src/errors.rs).

use pyo3::prelude::*;
use pyo3::types::PyType;
use yinjian::pdf::PdfError;
use yinjian::seal::SealError;
use yinjian::sm::sm2::Sm2Error;
use yinjian::x509::X509Error;

/// The stable `code` of a raised error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    /// Key bytes could not be decoded, or the point is not on the curve.
    MalformedKey,
    /// A well-formed key that is not an SM2 key (or is encrypted).
    UnsupportedKey,
    /// Signature bytes are neither DER nor 64-byte r‖s, or not a CMS signature.
    MalformedSignature,
    /// A well-formed signature that does not verify.
    BadSignature,
    /// The distinguishing ID is too long.
    DistIdTooLong,
    /// Reading input failed (a file that cannot be read).
    Io,
    /// An argument has the wrong type or value.
    InvalidArgument,
    /// An option has a bad value.
    InvalidOption,
    /// A test-vector line is not a valid case.
    VectorMismatch,
    /// A certificate, CRL or OCSP response cannot be decoded.
    MalformedCertificate,
    /// A seal or seal signature cannot be decoded.
    MalformedSeal,
    /// An input is larger than a named limit.
    TooLarge,
    /// An input uses something this library does not implement.
    Unsupported,
    /// The native code failed unexpectedly (a bug).
    Internal,
}

impl ErrorCode {
    /// Every code this binding raises.
    pub(crate) const ALL: [ErrorCode; 14] = [
        ErrorCode::MalformedKey,
        ErrorCode::UnsupportedKey,
        ErrorCode::MalformedSignature,
        ErrorCode::BadSignature,
        ErrorCode::DistIdTooLong,
        ErrorCode::Io,
        ErrorCode::InvalidArgument,
        ErrorCode::InvalidOption,
        ErrorCode::VectorMismatch,
        ErrorCode::MalformedCertificate,
        ErrorCode::MalformedSeal,
        ErrorCode::TooLarge,
        ErrorCode::Unsupported,
        ErrorCode::Internal,
    ];

    /// The code as Python sees it (`error.code`), as in JavaScript.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedKey => "MalformedKey",
            ErrorCode::UnsupportedKey => "UnsupportedKey",
            ErrorCode::MalformedSignature => "MalformedSignature",
            ErrorCode::BadSignature => "BadSignature",
            ErrorCode::DistIdTooLong => "DistIdTooLong",
            ErrorCode::Io => "Io",
            ErrorCode::InvalidArgument => "InvalidArgument",
            ErrorCode::InvalidOption => "InvalidOption",
            ErrorCode::VectorMismatch => "VectorMismatch",
            ErrorCode::MalformedCertificate => "MalformedCertificate",
            ErrorCode::MalformedSeal => "MalformedSeal",
            ErrorCode::TooLarge => "TooLarge",
            ErrorCode::Unsupported => "Unsupported",
            ErrorCode::Internal => "Internal",
        }
    }
}

/// An error before it becomes a Python exception: made without the GIL, raised with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    /// The stable code.
    pub(crate) code: ErrorCode,
    /// The human-readable message.
    pub(crate) message: String,
}

impl Failure {
    /// A failure with this code and message.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Failure {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// An `InvalidArgument` failure.
    pub(crate) fn argument(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::InvalidArgument, message)
    }

    /// An `InvalidOption` failure.
    pub(crate) fn option(message: impl Into<String>) -> Failure {
        Failure::new(ErrorCode::InvalidOption, message)
    }
}

/// The exception class of `code`: `yinjian._errors.ERRORS[code]` (pure Python classes, so they
/// pickle, subclass ValueError/OSError where fitting, and carry docstrings).
fn exception_class(py: Python<'_>, code: ErrorCode) -> PyResult<Bound<'_, PyType>> {
    let errors = py.import("yinjian._errors")?;
    Ok(errors
        .getattr("ERRORS")?
        .get_item(code.as_str())?
        .cast_into::<PyType>()?)
}

impl From<Failure> for PyErr {
    fn from(failure: Failure) -> PyErr {
        Python::attach(|py| match exception_class(py, failure.code) {
            Ok(class) => PyErr::from_type(class, failure.message),
            // The package's Python half is missing (the extension imported on its own).
            Err(e) => e,
        })
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
            Sm2Error::Signing(_) => ErrorCode::Internal,
            Sm2Error::Io(_) => ErrorCode::Io,
            // The error enums are non-exhaustive: a kind added later.
            _ => ErrorCode::Internal,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<X509Error> for Failure {
    fn from(e: X509Error) -> Failure {
        let code = match &e {
            X509Error::Malformed(_) => ErrorCode::MalformedCertificate,
            // A path argument that cannot be read (the WASM binding reads no files).
            X509Error::Io(_) => ErrorCode::Io,
            X509Error::TooLarge(_) => ErrorCode::TooLarge,
            X509Error::Unsupported(_) => ErrorCode::Unsupported,
            // The error enums are non-exhaustive: a kind added later.
            _ => ErrorCode::Internal,
        };
        Failure::new(code, e.to_string())
    }
}

impl From<PdfError> for Failure {
    fn from(e: PdfError) -> Failure {
        let code = match &e {
            PdfError::Malformed(_) => ErrorCode::InvalidArgument,
            PdfError::TooLarge(_) => ErrorCode::TooLarge,
            PdfError::Unsupported(_) => ErrorCode::Unsupported,
            // The error enums are non-exhaustive: a kind added later.
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
            // The error enums are non-exhaustive: a kind added later.
            _ => ErrorCode::Internal,
        };
        Failure::new(code, e.to_string())
    }
}

/// Every code, for the tests that compare them with the exception classes and the WASM codes.
#[pyfunction]
pub(crate) fn error_codes() -> Vec<&'static str> {
    ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
}
