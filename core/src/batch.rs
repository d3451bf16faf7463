//! One line of a batch run: the verdict on one file, the same whichever face made it
//! (`yinjian batch`, the Python package, a Spark job, the WASM `batchRecord`), so their outputs
//! compare line by line.
//!
//! An OFD is verified once as an OFD; when it is an e-invoice (with the `invoice` feature:
//! [`crate::invoice::read_invoice_ofd`] reads one out of it) the invoice checks are run over that
//! OFD report and the line is the invoice's: kind `invoice`, the invoice report (the OFD report
//! its part, as [`crate::invoice::verify_invoice`] gives it) and the invoice's fields
//! ([`InvoiceFields`]). An OFD that is no invoice, or whose invoice parts cannot be read, keeps
//! its OFD report (kind `ofd`).
//!
//! The JSON keys come in this order, absent ones left out: `path`, `kind`, `status`, `reason`
//! (absent when PASSED), `invoice` (invoices only), `duplicate_of` (set by `yinjian batch` only,
//! absent when empty), `report`.
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
/// (`{"path", "kind", "status", "reason", "invoice", "duplicate_of", "report"}`; `reason`,
/// `invoice` and `duplicate_of` left out when empty).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
#[must_use]
pub struct BatchRecord {
    /// Where the file came from: its path, or `archive.zip!member` for a member of an archive.
    pub path: String,
    /// The kind of input it was taken for (`ofd`, `invoice`, `pdf`, `seal`, `cms`,
    /// `licence-qr`), or `unknown`.
    pub kind: String,
    /// The overall outcome.
    pub status: Status,
    /// The reason of the overall outcome, absent when PASSED.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// The invoice's fields, when the file is an e-invoice (kind `invoice`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<InvoiceFields>,
    /// The paths of the earlier lines of the same run holding the same invoice
    /// ([`InvoiceFields::key`]): filled by the writer of a run (`yinjian batch`), which sees
    /// every line; [`BatchRecord::verify`], which sees one file, leaves it empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub duplicate_of: Vec<String>,
    /// The whole report.
    pub report: Report,
}

/// An invoice's fields on its batch line: the columns of `yinjian invoice list --csv`, each
/// always written (`null` when the invoice does not give it), so that every invoice line has
/// the same keys in the same order. The whole invoice model is in the report (the `invoice`
/// detail of its `invoice.data` check).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InvoiceFields {
    /// What makes two files the same invoice: `code/number`, or the 20-digit number of a fully
    /// digital invoice; `null` when the invoice gives no number.
    pub key: Option<String>,
    /// The form: `vat-2019`, `digital` (数电票) or `railway`.
    pub kind: String,
    /// Invoice code (发票代码).
    pub code: Option<String>,
    /// Invoice number (发票号码).
    pub number: Option<String>,
    /// Issue date, `YYYY-MM-DD`.
    pub issue_date: Option<String>,
    /// Seller's name.
    pub seller: Option<String>,
    /// Seller's taxpayer ID.
    pub seller_tax_id: Option<String>,
    /// Buyer's name.
    pub buyer: Option<String>,
    /// Buyer's taxpayer ID.
    pub buyer_tax_id: Option<String>,
    /// Total excluding tax (合计金额), as written.
    pub total_excluding_tax: Option<String>,
    /// Total tax (合计税额), as written.
    pub total_tax: Option<String>,
    /// Total including tax (价税合计), as written.
    pub total_including_tax: Option<String>,
}

#[cfg(feature = "invoice")]
impl From<&crate::invoice::Invoice> for InvoiceFields {
    fn from(inv: &crate::invoice::Invoice) -> InvoiceFields {
        InvoiceFields {
            key: inv.key(),
            kind: inv.kind.as_str().to_owned(),
            code: inv.code.clone(),
            number: inv.number.clone(),
            issue_date: inv.issue_date.clone(),
            seller: inv.seller.name.clone(),
            seller_tax_id: inv.seller.tax_id.clone(),
            buyer: inv.buyer.name.clone(),
            buyer_tax_id: inv.buyer.tax_id.clone(),
            total_excluding_tax: inv.total_excluding_tax.clone(),
            total_tax: inv.total_tax.clone(),
            total_including_tax: inv.total_including_tax.clone(),
        }
    }
}

impl BatchRecord {
    /// The record of `report`, made for the file at `path` taken as `kind`.
    pub fn new(path: impl Into<String>, kind: &str, report: Report) -> BatchRecord {
        BatchRecord {
            path: path.into(),
            kind: kind.to_string(),
            status: report.status,
            reason: report.reason,
            invoice: None,
            duplicate_of: Vec::new(),
            report,
        }
    }

    /// Verifies `bytes` (the contents of `path`) with `verifier`, its kind told by its first
    /// bytes ([`DocumentKind::detect`], run once); an OFD that is an e-invoice gets the invoice
    /// report and fields (the module's documentation), the OFD verified once.
    pub fn verify(verifier: &Verifier, path: impl Into<String>, bytes: &[u8]) -> BatchRecord {
        let kind = DocumentKind::detect(bytes);
        match (kind, verifier.time()) {
            #[cfg(feature = "invoice")]
            (Some(DocumentKind::Ofd), Ok(at)) => BatchRecord::verify_ofd(verifier, path, bytes, at),
            (Some(kind), Ok(at)) => BatchRecord::new(path, kind.name(), verifier.verify_kind(kind, bytes, at)),
            // Either way the verifier's own report says what went wrong.
            _ => BatchRecord::new(
                path,
                kind.map_or(UNKNOWN_REPORT_KIND, DocumentKind::name),
                verifier.verify(bytes),
            ),
        }
    }

    /// An OFD: verified once; the invoice checks over that report when it holds an invoice.
    /// The reports equal `verify_kind(Invoice)`'s and `verify_kind(Ofd)`'s: the policy is
    /// applied once, to the report given.
    #[cfg(feature = "invoice")]
    fn verify_ofd(verifier: &Verifier, path: impl Into<String>, bytes: &[u8], at: crate::time::Time) -> BatchRecord {
        let opts = verifier.document_options(at);
        let (mut document, read) = crate::invoice::check::verify_and_read(bytes, &opts);
        let policy = verifier.validation_policy();
        match read {
            Ok(file) => {
                let (mut report, invoice) = crate::invoice::check_invoice_ofd(document, file, &opts);
                policy.apply(&mut report);
                let mut record = BatchRecord::new(path, crate::invoice::REPORT_KIND, report);
                record.invoice = Some(InvoiceFields::from(&invoice));
                record
            }
            // Not an invoice (or its invoice parts unreadable): the OFD report says it all.
            Err(_) => {
                policy.apply(&mut document);
                BatchRecord::new(path, DocumentKind::Ofd.name(), document)
            }
        }
    }

    /// The record of a file that could not be read (`why`: the I/O or archive error):
    /// INDETERMINATE, reason `Unsupported`, check `input.read`.
    pub fn unreadable(path: impl Into<String>, why: impl Into<String>) -> BatchRecord {
        let report = crate::verifier::unrecognised(Check::failed("input.read", Reason::Unsupported, why));
        BatchRecord::new(path, UNKNOWN_REPORT_KIND, report)
    }

    /// `line` (a record's JSON line whose `duplicate_of` is empty, its newline kept if it has
    /// one) with `duplicate_of` set to `earlier`: the line the record with `duplicate_of` set
    /// gives, made without the record — a run's writer holds lines only (`yinjian batch`
    /// serialises each record on the thread that verified it). The key goes right before
    /// `report`: the first `,"report":` of a line is that key, since a `"` inside a string
    /// value is written escaped. A line without `report` is given back unchanged.
    pub fn line_with_duplicate_of(line: &str, earlier: &[String]) -> String {
        let Some(at) = line.find(r#","report":"#).filter(|_| !earlier.is_empty()) else {
            return line.to_owned();
        };
        // A list of strings: serialising cannot fail.
        let list = serde_json::to_string(earlier).unwrap_or_default();
        let mut out = String::with_capacity(line.len() + list.len() + 16);
        out.push_str(&line[..at]);
        out.push_str(r#","duplicate_of":"#);
        out.push_str(&list);
        out.push_str(&line[at..]);
        out
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
    fn duplicate_of_goes_into_a_line_as_into_the_record() {
        let mut record = BatchRecord::verify(&verifier(), r#"x,"report":{}"#, b"hello");
        record.invoice = Some(InvoiceFields {
            key: Some(r#"1/2","report":"#.into()),
            kind: "vat-2019".into(),
            ..InvoiceFields::default()
        });
        let line = record.to_json_line();
        let earlier = vec![r#"a/"report".ofd"#.to_owned(), "b.ofd".to_owned()];
        let spliced = BatchRecord::line_with_duplicate_of(&line, &earlier);
        record.duplicate_of = earlier;
        assert_eq!(spliced, record.to_json_line());
        assert_eq!(BatchRecord::line_with_duplicate_of(&line, &[]), line);
        let with_newline = BatchRecord::line_with_duplicate_of(&format!("{line}\n"), &record.duplicate_of);
        assert_eq!(with_newline, record.to_json_line() + "\n");
    }

    #[test]
    fn an_unreadable_file_is_a_record_not_an_error() {
        let record = BatchRecord::unreadable("x.ofd", "permission denied");
        assert_eq!(record.status, Status::Indeterminate);
        assert_eq!(record.report.checks[0].name, "input.read");
        assert!(record.report.checks[0].message.contains("permission denied"));
    }

    #[cfg(feature = "invoice")]
    mod invoices {
        use super::*;
        use crate::policy::ValidationPolicy;
        use crate::x509::{parse_all, RevocationPolicy};

        const VECTORS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors/");

        fn read(rel: &str) -> Vec<u8> {
            std::fs::read(format!("{VECTORS}{rel}")).expect("a test vector")
        }

        /// The test PKI trusted at 2027-06-01, no revocation data (test-vectors/invoice/README.md).
        fn pki_verifier() -> Verifier {
            let mut trust = TrustStore::new();
            trust.add_pem(&read("x509/sm2/certs/root.pem")).expect("root");
            let at = crate::time::Time::parse("2027-06-01T00:00:00Z").expect("a time");
            Verifier::new(trust, Clock::Fixed(at))
                .intermediates(parse_all(&read("x509/sm2/certs/int.pem")).expect("int"))
                .revocation(RevocationPolicy::NotRequired)
        }

        /// The record, and the report `verify_kind` gives for `kind` (verifying a second time,
        /// for the comparison only).
        fn both(verifier: &Verifier, rel: &str, kind: DocumentKind) -> (BatchRecord, Report) {
            let bytes = read(rel);
            let at = verifier.time().expect("fixed");
            (
                BatchRecord::verify(verifier, rel, &bytes),
                verifier.verify_kind(kind, &bytes, at),
            )
        }

        #[test]
        fn an_invoice_ofd_is_an_invoice_line_with_its_fields() {
            let (record, alone) = both(&pki_verifier(), "invoice/good.ofd", DocumentKind::Invoice);
            assert_eq!(
                (record.kind.as_str(), record.status, record.reason),
                ("invoice", Status::Passed, None)
            );
            assert_eq!(record.report, alone, "the invoice report verify_kind(Invoice) gives");
            assert_eq!(record.report.parts.len(), 1, "the OFD report is its one part");
            assert_eq!(record.report.parts[0].kind, "ofd");
            let inv = record.invoice.as_ref().expect("the invoice's fields");
            assert_eq!(inv.key.as_deref(), Some("044031900111/12345678"));
            assert_eq!(inv.kind, "vat-2019");
            assert_eq!(inv.issue_date.as_deref(), Some("2026-05-20"));
            assert_eq!(
                (
                    inv.total_excluding_tax.as_deref(),
                    inv.total_tax.as_deref(),
                    inv.total_including_tax.as_deref()
                ),
                (Some("500.00"), Some("15.00"), Some("515.00"))
            );
            assert!(record.duplicate_of.is_empty());
            // Key order: path, kind, status, invoice, report; no reason (PASSED), no duplicate_of.
            let line = record.to_json_line();
            let at = |key: &str| line.find(&format!("\"{key}\":")).unwrap_or(usize::MAX);
            assert!(at("path") < at("kind") && at("kind") < at("status"), "{line}");
            assert!(at("status") < at("invoice") && at("invoice") < at("report"), "{line}");
            assert_eq!((at("reason"), at("duplicate_of")), (usize::MAX, usize::MAX));
            assert!(line.contains(r#""seller_tax_id":"#), "every invoice column is written");
            let back: BatchRecord = serde_json::from_str(&line).expect("parses");
            assert_eq!(back, record);
        }

        #[test]
        fn a_plain_ofd_keeps_its_ofd_report() {
            let (record, alone) = both(&pki_verifier(), "sample/notice.ofd", DocumentKind::Ofd);
            assert_eq!((record.kind.as_str(), record.status), ("ofd", Status::Passed));
            assert_eq!(record.report, alone, "the OFD report verify_kind(Ofd) gives");
            assert_eq!(record.invoice, None);
            assert!(!record.to_json_line().contains("\"invoice\""));
            // A ZIP that is no OFD at all: not an invoice either, its OFD report says why.
            let zip = BatchRecord::verify(&pki_verifier(), "x.zip", b"PK\x03\x04 truncated");
            assert_eq!((zip.kind.as_str(), zip.invoice.is_none()), ("ofd", true));
            assert_ne!(zip.status, Status::Passed);
        }

        #[test]
        fn a_spoiled_invoice_keeps_its_reason_and_its_fields() {
            let verifier = pki_verifier();
            for (rel, check, reason) in [
                ("invoice/amount-page-only.ofd", "invoice.shown", Reason::PolicyViolation),
                ("invoice/bad-tax-id.ofd", "invoice.tax-ids", Reason::HashMismatch),
                ("invoice/xml-uncovered.ofd", "invoice.coverage", Reason::PolicyViolation),
            ] {
                let (record, alone) = both(&verifier, rel, DocumentKind::Invoice);
                assert_eq!(record.report, alone, "{rel}");
                assert_eq!(
                    (record.kind.as_str(), record.status),
                    ("invoice", Status::Failed),
                    "{rel}"
                );
                let failed = record.report.check(check).expect(check);
                assert_eq!((failed.status, failed.reason), (Status::Failed, Some(reason)), "{rel}");
                assert_eq!(record.reason, record.report.reason);
                let key = record.invoice.as_ref().and_then(|i| i.key.as_deref());
                assert_eq!(key, Some("044031900111/12345678"), "{rel}");
            }
        }

        #[test]
        fn the_policy_is_applied_once_as_verify_kind_applies_it() {
            let policy = ValidationPolicy::from_json(r#"{"levels": {"invoice.shown": "WARN"}}"#).expect("policy");
            let verifier = pki_verifier().policy(policy);
            let (record, alone) = both(&verifier, "invoice/amount-page-only.ofd", DocumentKind::Invoice);
            assert_eq!(record.report, alone);
            let shown = record.report.check("invoice.shown").expect("shown");
            assert_eq!(shown.status, Status::Passed, "lifted to WARN");
            assert_eq!(shown.details["original_status"], "FAILED");
            assert_eq!(record.status, record.report.status);
        }
    }

    #[test]
    fn a_pdf_is_taken_for_a_pdf() {
        let record = BatchRecord::verify(&verifier(), "x.pdf", b"%PDF-1.7\n%%EOF");
        assert_eq!(record.kind, "pdf");
        assert_ne!(record.status, Status::Passed);
    }
}
