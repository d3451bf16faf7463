//! One row per invoice for `invoice list`, and the duplicate check finance departments run
//! before reimbursing: the same invoice (code + number, or the 20-digit number) seen twice.

use std::collections::BTreeMap;

use serde::Serialize;

use super::model::Invoice;
use crate::batch::InvoiceFields;
use crate::report::{Report, Status};

/// One invoice of a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InvoiceRow {
    /// The file it was read from.
    pub path: String,
    /// `code/number`, or the 20-digit number ([`Invoice::key`]).
    pub key: Option<String>,
    /// The invoice read, if any.
    pub invoice: Option<Invoice>,
    /// The verification's outcome.
    pub status: Status,
    /// Its reason, when not PASSED.
    pub reason: Option<String>,
    /// The summary line of the report.
    pub summary: String,
    /// The other files holding the same invoice (empty when it is seen once).
    pub duplicate_of: Vec<String>,
}

impl InvoiceRow {
    /// A row from a verification's report and the invoice it read.
    pub fn new(path: impl Into<String>, report: &Report, invoice: Option<Invoice>) -> InvoiceRow {
        InvoiceRow {
            path: path.into(),
            key: invoice.as_ref().and_then(Invoice::key),
            invoice,
            status: report.status,
            reason: report.reason.map(|r| r.as_str().to_owned()),
            summary: report.summary.clone(),
            duplicate_of: Vec::new(),
        }
    }

    /// The CSV header of [`InvoiceRow::csv`] (the invoice columns are [`InvoiceFields`], as
    /// `yinjian batch` lines carry them).
    pub const CSV_HEADER: &'static str = "path,kind,code,number,issue_date,seller,seller_tax_id,buyer,buyer_tax_id,\
total_excluding_tax,total_tax,total_including_tax,status,reason,duplicate_of";

    /// The row as one CSV line (RFC 4180 quoting).
    pub fn csv(&self) -> String {
        let f = self.invoice.as_ref().map(InvoiceFields::from).unwrap_or_default();
        let cells = [
            self.path.clone(),
            f.kind,
            f.code.unwrap_or_default(),
            f.number.unwrap_or_default(),
            f.issue_date.unwrap_or_default(),
            f.seller.unwrap_or_default(),
            f.seller_tax_id.unwrap_or_default(),
            f.buyer.unwrap_or_default(),
            f.buyer_tax_id.unwrap_or_default(),
            f.total_excluding_tax.unwrap_or_default(),
            f.total_tax.unwrap_or_default(),
            f.total_including_tax.unwrap_or_default(),
            self.status.as_str().to_owned(),
            self.reason.clone().unwrap_or_default(),
            self.duplicate_of.join(";"),
        ];
        cells.iter().map(|c| csv_cell(c)).collect::<Vec<_>>().join(",")
    }
}

fn csv_cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

/// Marks every row whose invoice is also in another row: each lists the other paths.
/// Returns the duplicated keys with their paths.
pub fn mark_duplicates(rows: &mut [InvoiceRow]) -> BTreeMap<String, Vec<String>> {
    let mut seen: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        if let Some(key) = &row.key {
            seen.entry(key.clone()).or_default().push(i);
        }
    }
    seen.retain(|_, rows| rows.len() > 1);
    for indices in seen.values() {
        for &i in indices {
            let others = indices
                .iter()
                .filter(|j| **j != i)
                .map(|j| rows[*j].path.clone())
                .collect();
            rows[i].duplicate_of = others;
        }
    }
    seen.into_iter()
        .map(|(key, indices)| (key, indices.iter().map(|i| rows[*i].path.clone()).collect()))
        .collect()
}
