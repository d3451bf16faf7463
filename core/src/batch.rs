//! One line of a batch run: the verdict on one file, the same whichever face made it
//! (`yinjian batch`, the Python package, a Spark job), so their outputs compare line by line.
//!
//! ```
//! use yinjian::batch::BatchRecord;
//! use yinjian::report::Status;
//! use yinjian::time::Time;
//! use yinjian::verifier::{Clock, Verifier};
//! use yinjian::x509::TrustStore;
//!
//! let verifier = Verifier::new(TrustStore::new(), Clock::Fixed(Time::parse("2026-01-01T00:00:00Z")?));
//! let record = BatchRecord::verify(&verifier, "inbox/readme.txt", b"not a signed document");
//! assert_eq!((record.kind.as_str(), record.status), ("unknown", Status::Indeterminate));
//! println!("{}", record.to_json_line()); // {"path":"inbox/readme.txt","kind":"unknown",…}
//! # Ok::<(), yinjian::time::TimeError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::report::{Check, Reason, Report, Status};
use crate::verifier::{DocumentKind, Verifier, UNKNOWN_REPORT_KIND};

/// The verdict on one file of a batch, written as one JSON line
/// (`{"path", "kind", "status", "reason", "report"}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[must_use]
pub struct BatchRecord {
    /// Where the file came from: its path, or `archive.zip!member` for a member of an archive.
    pub path: String,
    /// The kind of input it was taken for (`ofd`, `pdf`, `seal`, `cms`, `licence-qr`), or
    /// `unknown`.
    pub kind: String,
    /// The overall outcome.
    pub status: Status,
    /// The reason of the overall outcome, absent when PASSED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The whole report.
    pub report: Report,
}

impl BatchRecord {
    /// The record of `report`, made for the file at `path` taken as `kind`.
    pub fn new(path: impl Into<String>, kind: &str, report: Report) -> BatchRecord {
        BatchRecord {
            path: path.into(),
            kind: kind.to_string(),
            status: report.status,
            reason: report.reason,
            report,
        }
    }

    /// Verifies `bytes` (the contents of `path`) with `verifier`, its kind told by its first
    /// bytes ([`DocumentKind::detect`], run once).
    pub fn verify(verifier: &Verifier, path: impl Into<String>, bytes: &[u8]) -> BatchRecord {
        let kind = DocumentKind::detect(bytes);
        let report = match (kind, verifier.time()) {
            (Some(kind), Ok(at)) => verifier.verify_kind(kind, bytes, at),
            // Either way the verifier's own report says what went wrong.
            _ => verifier.verify(bytes),
        };
        BatchRecord::new(path, kind.map_or(UNKNOWN_REPORT_KIND, DocumentKind::name), report)
    }

    /// The record of a file that could not be read (`why`: the I/O or archive error):
    /// INDETERMINATE, reason `Unsupported`, check `input.read`.
    pub fn unreadable(path: impl Into<String>, why: impl Into<String>) -> BatchRecord {
        let report = crate::verifier::unrecognised(Check::failed("input.read", Reason::Unsupported, why));
        BatchRecord::new(path, UNKNOWN_REPORT_KIND, report)
    }

    /// The record as one line of JSON, without the newline.
    pub fn to_json_line(&self) -> String {
        // A record holds strings, numbers, times and enums only: serialising cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier::Clock;
    use crate::x509::TrustStore;

    fn verifier() -> Verifier {
        let at = crate::time::Time::from_unix(1_767_225_600).expect("a time");
        Verifier::new(TrustStore::new(), Clock::Fixed(at))
    }

    #[test]
    fn a_line_round_trips_and_names_the_kind() {
        let record = BatchRecord::verify(&verifier(), "a/b.txt", b"hello");
        assert_eq!(record.kind, UNKNOWN_REPORT_KIND);
        assert_eq!(record.status, Status::Indeterminate);
        assert_eq!(record.reason, Some(Reason::Unsupported));
        let line = record.to_json_line();
        assert!(!line.contains('\n'));
        let back: BatchRecord = serde_json::from_str(&line).expect("parses");
        assert_eq!(back, record);
        let value: serde_json::Value = serde_json::from_str(&line).expect("json");
        assert_eq!(value["path"], "a/b.txt");
        assert_eq!(value["status"], "INDETERMINATE");
        assert_eq!(value["reason"], "Unsupported");
    }

    #[test]
    fn an_unreadable_file_is_a_record_not_an_error() {
        let record = BatchRecord::unreadable("x.ofd", "permission denied");
        assert_eq!(record.status, Status::Indeterminate);
        assert_eq!(record.report.checks[0].name, "input.read");
        assert!(record.report.checks[0].message.contains("permission denied"));
    }

    #[test]
    fn a_pdf_is_taken_for_a_pdf() {
        let record = BatchRecord::verify(&verifier(), "x.pdf", b"%PDF-1.7\n%%EOF");
        assert_eq!(record.kind, "pdf");
        assert_ne!(record.status, Status::Passed);
    }
}
