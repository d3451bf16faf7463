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
use yinjian::{seal, Report, Time};

pub mod service;

/// Trust anchors and the intermediate CA certificates to build chains with, loaded once.
#[derive(Debug, Default)]
pub struct Trust {
    anchors: TrustStore,
    intermediates: Vec<Certificate>,
}

impl Trust {
    /// Trust from anchors and intermediates already parsed.
    pub fn new(anchors: TrustStore, intermediates: Vec<Certificate>) -> Trust {
        Trust { anchors, intermediates }
    }

    /// Loads anchors and intermediates from files (PEM bundles or DER). Fails when a file
    /// cannot be read or does not decode as certificates.
    pub fn load(anchor_files: &[impl AsRef<Path>], intermediate_files: &[impl AsRef<Path>]) -> Result<Trust, String> {
        let mut trust = Trust::default();
        for path in anchor_files.iter().map(AsRef::as_ref) {
            let bytes = read(path)?;
            trust.anchors.add_pem(&bytes).map_err(|e| in_file(path, e))?;
        }
        for path in intermediate_files.iter().map(AsRef::as_ref) {
            let certs = x509::parse_all(&read(path)?).map_err(|e| in_file(path, e))?;
            trust.intermediates.extend(certs);
        }
        Ok(trust)
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
    let mut seal_options = seal::SealOptions::new(&trust.anchors, at);
    seal_options.chain.revocation = revocation;
    seal_options.intermediates = trust.intermediates.clone();
    let options = seal::DocumentOptions::new(seal_options);
    match kind {
        DocumentKind::Ofd => yinjian::ofd::verify_ofd_bytes(document, &options),
        DocumentKind::Pdf => yinjian::pdf::verify_pdf(document, &options),
    }
}

/// The current time from the system clock, as the validation time when none is given.
pub fn now() -> Result<Time, String> {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| format!("system clock: {e}"))?;
    let seconds = i64::try_from(since_epoch.as_secs()).map_err(|e| format!("system clock: {e}"))?;
    Time::from_unix(seconds).map_err(|e| format!("system clock: {e}"))
}
