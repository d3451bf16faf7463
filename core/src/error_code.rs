//! The stable error codes the bindings (WebAssembly, Python, the HTTP service) put on the errors
//! they raise, and the code of each library error: one table, so that a service answering in
//! several languages shares its error handling.
//!
//! ```
//! use yinjian::error_code::ErrorCode;
//! use yinjian::sm::sm2::PublicKey;
//!
//! let error = PublicKey::parse(b"not a key").unwrap_err();
//! assert_eq!(error.code(), ErrorCode::MalformedKey);
//! assert_eq!(error.code().as_str(), "MalformedKey"); // what JavaScript and Python see
//! ```

use crate::seal::SealError;
use crate::sm::sm2::Sm2Error;
use crate::x509::X509Error;

/// The stable `code` of an error a binding raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
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
    /// Signing failed.
    SigningFailed,
    /// Reading input failed.
    Io,
    /// An argument has the wrong type or value.
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
    /// Called before the binding's code was loaded (JavaScript: before `init()` loaded the
    /// WebAssembly module, or `init()` itself failed).
    NotInitialised,
    /// The native code failed unexpectedly (a bug), or an error of a kind added after the
    /// binding was written.
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

    /// The code as the bindings spell it (`error.code` in JavaScript and Python).
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

impl Sm2Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Sm2Error::MalformedKey(_) => ErrorCode::MalformedKey,
            Sm2Error::UnsupportedKey(_) => ErrorCode::UnsupportedKey,
            Sm2Error::MalformedSignature(_) => ErrorCode::MalformedSignature,
            Sm2Error::BadSignature(_) => ErrorCode::BadSignature,
            Sm2Error::DistIdTooLong(_) => ErrorCode::DistIdTooLong,
            Sm2Error::Signing(_) => ErrorCode::SigningFailed,
            Sm2Error::Io(_) => ErrorCode::Io,
        }
    }
}

impl X509Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            X509Error::Malformed(_) => ErrorCode::MalformedCertificate,
            // A path argument that cannot be read (the WebAssembly binding reads no files).
            X509Error::Io(_) => ErrorCode::Io,
            X509Error::TooLarge(_) => ErrorCode::TooLarge,
            X509Error::Unsupported(_) => ErrorCode::Unsupported,
        }
    }
}

#[cfg(feature = "pdf")]
impl crate::pdf::PdfError {
    /// The stable code of this error: a document that is not a usable signed PDF is a wrong
    /// argument.
    pub fn code(&self) -> ErrorCode {
        use crate::pdf::PdfError;
        match self {
            PdfError::Malformed(_) => ErrorCode::InvalidArgument,
            PdfError::TooLarge(_) => ErrorCode::TooLarge,
            PdfError::Unsupported(_) => ErrorCode::Unsupported,
        }
    }
}

impl SealError {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            SealError::Malformed(_) | SealError::Make(_) => ErrorCode::MalformedSeal,
            SealError::TooLarge(_) => ErrorCode::TooLarge,
            SealError::Unsupported(_) => ErrorCode::Unsupported,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_all_listed() {
        let names: std::collections::HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert_eq!(Sm2Error::DistIdTooLong(9000).code().as_str(), "DistIdTooLong");
        assert_eq!(X509Error::Io("x".into()).code(), ErrorCode::Io);
    }
}
