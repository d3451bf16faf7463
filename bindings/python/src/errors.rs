//! Errors raised in Python: a subclass of `yinjian.YinjianError` per stable `code`, the same
//! code strings the WebAssembly binding throws (bindings/wasm/src/errors.rs).

use pyo3::prelude::*;
use pyo3::types::PyType;
use yinjian::pdf::PdfError;
use yinjian::seal::SealError;
use yinjian::sm::sm2::Sm2Error;
use yinjian::x509::X509Error;

pub(crate) use yinjian::error_code::ErrorCode;

/// The codes Python raises: every code but `NotInitialised` (the extension module is loaded on
/// import, there is no `init()`).
pub(crate) fn python_codes() -> impl Iterator<Item = ErrorCode> {
    ErrorCode::ALL.into_iter().filter(|c| *c != ErrorCode::NotInitialised)
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
        Failure::new(e.code(), e.to_string())
    }
}

impl From<X509Error> for Failure {
    fn from(e: X509Error) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<PdfError> for Failure {
    fn from(e: PdfError) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

impl From<SealError> for Failure {
    fn from(e: SealError) -> Failure {
        Failure::new(e.code(), e.to_string())
    }
}

/// Every code, for the tests that compare them with the exception classes and the WASM codes.
#[pyfunction]
pub(crate) fn error_codes() -> Vec<&'static str> {
    python_codes().map(ErrorCode::as_str).collect()
}
