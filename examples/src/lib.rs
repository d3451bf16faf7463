//! Examples of the `yinjian` library: the calls both example programs make, and the router of
//! the HTTP verification service (a library so the tests can drive it in-process).
//!
//! - `verify-document`: verify an OFD or PDF file and print the verdict per signature.
//! - `http-service`: the same verification behind `POST /verify` (see [`service`]).
//!
//! The library itself never reads a clock, a file or the network: these programs load the
//! trust anchors, read the document and take "now" from the system clock, then hand it all to
//! `yinjian` as inputs.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::path::Path;

use yinjian::x509::{self, Certificate, RevocationPolicy, TrustStore};
use yinjian::{Clock, Report, Time, Verifier};

pub mod service;

/// Trust anchors and the intermediate CA certificates to build chains with, loaded once into
/// the library's [`Verifier`] (shared by every request of the service).
#[derive(Debug)]
pub struct Trust {
    verifier: Verifier,
}

impl Trust {
    /// Trust from anchors and intermediates already parsed.
    pub fn new(anchors: TrustStore, intermediates: Vec<Certificate>) -> Trust {
        Trust {
            verifier: Verifier::new(anchors, Clock::System).intermediates(intermediates),
        }
    }

    /// Loads anchors and intermediates from files (PEM bundles or DER). Fails when a file
    /// cannot be read or does not decode as certificates.
    pub fn load(anchor_files: &[impl AsRef<Path>], intermediate_files: &[impl AsRef<Path>]) -> Result<Trust, String> {
        let mut anchors = TrustStore::new();
        for path in anchor_files.iter().map(AsRef::as_ref) {
            anchors.add_pem(&read(path)?).map_err(|e| in_file(path, e))?;
        }
        let mut intermediates = Vec::new();
        for path in intermediate_files.iter().map(AsRef::as_ref) {
            intermediates.extend(x509::parse_all(&read(path)?).map_err(|e| in_file(path, e))?);
        }
        Ok(Trust::new(anchors, intermediates))
    }
}

/// The bytes of a certificate file.
fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| in_file(path, e))
}

/// An error message naming the file it is about.
fn in_file(path: &Path, error: impl std::fmt::Display) -> String {
    format!("{}: {error}", path.display())
}

/// The kinds of signed document the examples verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// An OFD package (a ZIP archive).
    Ofd,
    /// A PDF file.
    Pdf,
}

impl DocumentKind {
    /// The kind told by the first bytes: `PK` (ZIP) is OFD, `%PDF` is PDF; `None` otherwise.
    pub fn detect(document: &[u8]) -> Option<DocumentKind> {
        if document.starts_with(b"PK") {
            Some(DocumentKind::Ofd)
        } else if document.starts_with(b"%PDF") {
            Some(DocumentKind::Pdf)
        } else {
            None
        }
    }
}

/// Verifies every signature of a document at the validation time `at`: the report has one
/// part per signature. With [`RevocationPolicy::NotRequired`] an unknown revocation status
/// is reported but does not lower the verdict (these examples pass no CRLs or OCSP responses).
pub fn verify_document(
    trust: &Trust,
    kind: DocumentKind,
    document: &[u8],
    at: Time,
    revocation: RevocationPolicy,
) -> Report {
    let mut options = trust.verifier.document_options(at);
    options.seal.chain.revocation = revocation;
    match kind {
        DocumentKind::Ofd => yinjian::ofd::verify_ofd_bytes(document, &options),
        DocumentKind::Pdf => yinjian::pdf::verify_pdf(document, &options),
    }
}
