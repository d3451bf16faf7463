//! Chinese e-invoices (电子发票): recognise an invoice OFD (or a bare invoice XML), extract its
//! fields into a typed model, and check them against what is signed and what is shown.
//!
//! - [`model`]: the invoice model and the parsers of the forms found in the wild: the 2019
//!   e-invoice schema (`http://www.edrm.org.cn/schema/e-invoice/2019`, VAT e-invoices
//!   2019–2023), the fully digital invoice (数电票) XML (`<EInvoice>`), the 财政部 XBRL of
//!   railway e-ticket invoices, and — where no XML is attached — the OFD's CustomTags with the
//!   page text and OFD.xml `CustomData`.
//! - [`package`]: reading those parts out of an OFD package (pages' text objects, tags,
//!   attachments, custom data, the QR image).
//! - [`check`]: the invoice checks (report kind [`REPORT_KIND`], the OFD report as a part).
//! - [`list`]: one row per invoice for `invoice list`, and duplicate detection.
//!
//! docs/invoice.md describes the formats, the checks and what is not established.
//!
//! ```no_run
//! use yinjian::invoice::verify_invoice_with_data;
//! use yinjian::time::Time;
//! use yinjian::verifier::{Clock, Verifier};
//! use yinjian::x509::TrustStore;
//!
//! let mut trust = TrustStore::new();
//! trust.add_pem(&std::fs::read("tax-seal-ca.pem")?)?;
//! let at = Time::now()?;
//! let verifier = Verifier::new(trust, Clock::Fixed(at));
//! let (report, invoice) = verify_invoice_with_data(&std::fs::read("invoice.ofd")?, &verifier.document_options(at));
//! if let Some(invoice) = invoice {
//!     println!("{:?} {:?} {:?}", invoice.code, invoice.number, invoice.total_including_tax);
//! }
//! println!("{:?}: {}", report.status, report.summary);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod check;
pub mod list;
pub mod model;
pub mod package;

use thiserror::Error;

pub use check::{check_invoice_ofd, verify_invoice, verify_invoice_with_data, REPORT_KIND};
pub use list::{mark_duplicates, InvoiceRow};
pub use model::{parse_invoice_xml, Invoice, InvoiceKind, Item, Party, Source};
pub use package::{read_invoice_ofd, InvoiceFile};

use crate::report::Reason;

/// Why a file could not be read as an invoice.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvoiceError {
    /// The file is not (recognised as) an invoice.
    #[error("not an invoice: {0}")]
    NotInvoice(String),
    /// The file is malformed.
    #[error("malformed: {0}")]
    Malformed(String),
    /// The OFD package could not be read.
    #[error(transparent)]
    Ofd(#[from] crate::ofd::OfdError),
}

impl InvoiceError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            InvoiceError::NotInvoice(_) => Reason::Missing,
            InvoiceError::Malformed(_) => Reason::Malformed,
            InvoiceError::Ofd(e) => e.reason(),
        }
    }
}
