//! Errors thrown to JavaScript: a stable `code` beside the message.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use yinjian::pdf::PdfError;
use yinjian::seal::SealError;
use yinjian::sm::sm2::Sm2Error;
use yinjian::x509::X509Error;

pub use yinjian::error_code::ErrorCode;

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

/// A report (or any serialisable value) as the plain JS object of the same JSON.
pub(crate) fn to_js(value: &impl serde::Serialize) -> Result<JsValue, JsValue> {
    let json = serde_json::to_string(value).map_err(|e| throw(Failure::new(ErrorCode::Io, e.to_string())))?;
    js_sys::JSON::parse(&json)
}

pub(crate) fn throw(failure: impl Into<Failure>) -> JsValue {
    failure.into().into_js()
}
