//! PDF signatures (ISO 32000 §12.8, PAdES): finding them, checking what their byte ranges
//! cover, verifying the CMS (RFC 5652, GM/T 0010 with SM2) or GB/T 38540 seal signature
//! they carry, document time-stamps (RFC 3161), and — the hard part of PDF — deciding
//! whether what was added after each signature is allowed.
//!
//! - [`document`]: revisions, signature fields, DocMDP/FieldMDP, the DSS.
//! - [`changes`]: what each incremental update changed, classified.
//! - [`verify`]: the document report ([`verify_pdf`]).
//! - [`prehash`]: the digest of a large file computed while it is parsed.
//! - [`sign`]: adding a signature as an incremental update.
//! - [`ltv`]: making a signed PDF LTV: the DSS and document time-stamps (PAdES B-LT, B-LTA).
//!
//! Parsing uses `lopdf` (see `docs/pdf.md` for why it was chosen over `pdf`): each revision
//! is loaded from its own prefix of the file, so every revision is seen exactly as a reader
//! saw it when the signature over it was made.
//!
//! ```no_run
//! use yinjian::pdf::verify_pdf;
//! use yinjian::time::Time;
//! use yinjian::verifier::{Clock, Verifier};
//! use yinjian::x509::TrustStore;
//!
//! let mut trust = TrustStore::new();
//! trust.add_pem(&std::fs::read("root.pem")?)?;
//! let at = Time::now()?;
//! let verifier = Verifier::new(trust, Clock::Fixed(at));
//! let report = verify_pdf(&std::fs::read("contract.pdf")?, &verifier.document_options(at));
//! // One part per signature, with what changed after it ("pdf.changes").
//! for signature in &report.parts {
//!     println!("{:?}: {}", signature.status, signature.summary);
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod changes;
pub mod document;
#[cfg(feature = "sign")]
pub mod ltv;
pub mod prehash;
#[cfg(feature = "sign")]
pub mod sign;
pub mod verify;

use thiserror::Error;

use crate::report::Reason;

pub use changes::{ChangeLevel, Coverage};
pub use document::{PdfDocument, SignatureField, SignatureKind};
#[cfg(feature = "sign")]
pub use ltv::{
    add_document_timestamp, add_validation_data, embed_document_timestamp, prepare_document_timestamp, DssSummary,
    ValidationData,
};
#[cfg(feature = "sign")]
pub use sign::{sign_pdf, PdfSignOptions, PdfSigner, SignatureAppearance};
pub use verify::{seal_pictures, verify_pdf, PdfOptions, DOCUMENT_REPORT_KIND, SIGNATURE_REPORT_KIND};

/// Most revisions (incremental updates, counting the original) analysed in one file.
pub const MAX_REVISIONS: usize = 64;
/// Most signature fields in one document.
pub const MAX_SIGNATURES: usize = 256;
/// Most form fields visited while looking for signature fields.
pub const MAX_FIELDS: usize = 20_000;
/// Deepest field tree (/Kids nesting) followed.
pub const MAX_FIELD_DEPTH: usize = 32;
/// Streams longer than this are kept only as a digest while a revision is loaded (enough to
/// tell whether a later revision changed them), so memory does not grow with the file.
pub const KEEP_STREAM_BYTES: usize = 256 * 1024;
/// Largest stream decompressed while loading (object and cross-reference streams).
pub const MAX_DECOMPRESSED_STREAM: usize = 64 * 1024 * 1024;
/// Most objects compared between two revisions.
pub const MAX_OBJECTS: usize = 2_000_000;

/// Why a PDF could not be read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PdfError {
    /// The file is not a PDF or its structure is broken.
    #[error("malformed PDF: {0}")]
    Malformed(String),
    /// A named limit was exceeded.
    #[error("PDF too large: {0}")]
    TooLarge(String),
    /// Something this library does not implement (e.g. an encrypted document).
    #[error("unsupported PDF: {0}")]
    Unsupported(String),
}

impl PdfError {
    /// The report reason for this error.
    pub fn reason(&self) -> Reason {
        match self {
            PdfError::Malformed(_) => Reason::Malformed,
            PdfError::TooLarge(_) => Reason::TooLarge,
            PdfError::Unsupported(_) => Reason::Unsupported,
        }
    }
}
