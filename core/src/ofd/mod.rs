//! OFD documents (GB/T 33190-2016): verify every seal and digital signature, and say what
//! changed after signing.
//!
//! - [`package`]: the ZIP container, read with named limits.
//! - [`xml`]: OFD.xml, Signatures.xml and Signature.xml.
//! - [`sign`]: adding a seal or digital signature to a document.
//! - [`timestamp`]: adding RFC 3161 time-stamps to its seal signatures (the archive's proof
//!   of existence).
//! - [`verify`]: references, signature values (SES seal signatures, bare SM2 signatures,
//!   CMS SignedData), the seal file, and the changes between signatures.
//!
//! ```no_run
//! use yinjian::ofd::verify_ofd_bytes;
//! use yinjian::time::Time;
//! use yinjian::verifier::{Clock, Verifier};
//! use yinjian::x509::TrustStore;
//!
//! let mut trust = TrustStore::new();
//! trust.add_pem(&std::fs::read("seal-ca.pem")?)?;
//! let at = Time::now()?;
//! let verifier = Verifier::new(trust, Clock::Fixed(at));
//! let report = verify_ofd_bytes(&std::fs::read("notice.ofd")?, &verifier.document_options(at));
//! for signature in &report.parts {
//!     println!("{:?}: {}", signature.status, signature.summary);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod package;
pub(crate) mod parts;
#[cfg(feature = "sign")]
pub mod sign;
#[cfg(feature = "sign")]
pub mod timestamp;
pub mod verify;
pub mod xml;

use thiserror::Error;

#[cfg(feature = "sign")]
pub use sign::{sign_ofd, OfdSigner, StampPlacement};
#[cfg(feature = "sign")]
pub use timestamp::{timestamp_signatures, SignatureStamp, SkipReason, StampOutcome, TimestampSummary};
pub use verify::{
    seal_pictures, verify_ofd, verify_ofd_bytes, OfdOptions, DOCUMENT_REPORT_KIND, SIGNATURE_REPORT_KIND,
};

use crate::report::Reason;

/// Why an OFD package or one of its files could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfdError {
    /// Not a valid package or file.
    #[error("malformed: {0}")]
    Malformed(String),
    /// Beyond a named limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// A file the document refers to is not in the package.
    #[error("missing file {0}")]
    Missing(String),
}

impl OfdError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            OfdError::Malformed(_) => Reason::Malformed,
            OfdError::TooLarge(_) => Reason::TooLarge,
            OfdError::Missing(_) => Reason::Missing,
        }
    }
}
