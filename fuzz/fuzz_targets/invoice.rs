//! E-invoices on hostile input: the bytes as a bare invoice XML, as an invoice OFD read on its
//! own, and verified as an invoice, down to the listing row, the duplicate check and the
//! `yinjian batch` line. Nothing may panic, and the two ways of reaching the invoice checks
//! of an OFD must agree: `verify_invoice_with_data` (one pass, the verification's parsed trees
//! reused for the reading) gives what `check_invoice_ofd` gives on a separate verification and
//! a separate reading of the same bytes. (Bytes that begin as XML are a bare invoice XML to
//! `verify_invoice_with_data`, even when a ZIP package follows: the fuzzer's first find.)

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yinjian::batch::BatchRecord;
use yinjian::invoice::{self, model, InvoiceRow};
use yinjian::ofd::verify_ofd_bytes;
use yinjian::verifier::{Clock, Verifier};
use yinjian::x509::TrustStore;
use yinjian::Time;

fn at() -> Time {
    Time::parse("2026-11-24T00:00:00Z").expect("fixed time")
}

/// One verifier (empty trust store, fixed time) for the invoice functions and the batch line.
fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| Verifier::new(TrustStore::new(), Clock::Fixed(at())))
}

fuzz_target!(|data: &[u8]| {
    let verifier = verifier();
    let opts = verifier.document_options(at());

    if let Ok(inv) = invoice::parse_invoice_xml(data) {
        let _ = (inv.key(), inv.summary(), inv.to_json());
    }
    let text = String::from_utf8_lossy(data);
    let _ = (
        model::cents(&text),
        model::decimal(&text),
        model::date(&text),
        model::parse_graph_code(&text),
    );
    let _ = invoice::check::same_value(&text, &text);

    let read = invoice::read_invoice_ofd(data);
    if let Ok(file) = &read {
        for tag in &file.tags {
            let _ = file.shown(tag);
        }
    }

    let (report, inv) = invoice::verify_invoice_with_data(data, &opts);
    let json = serde_json::to_string(&report).expect("reports serialise");
    if let (Ok(file), false) = (read, yinjian::codec::is_xml_text(data)) {
        let (apart, inv_apart) = invoice::check_invoice_ofd(verify_ofd_bytes(data, &opts), file, &opts);
        assert_eq!(
            inv.as_ref(),
            Some(&inv_apart),
            "the invoice read in one pass and apart differ"
        );
        assert_eq!(
            json,
            serde_json::to_string(&apart).expect("reports serialise"),
            "the reports differ"
        );
    }
    let mut rows = vec![
        InvoiceRow::new("a", &report, inv.clone()),
        InvoiceRow::new("b", &report, inv),
    ];
    let duplicates = invoice::mark_duplicates(&mut rows);
    assert_eq!(
        duplicates.is_empty(),
        rows[0].key.is_none(),
        "a keyed invoice seen twice is a duplicate"
    );
    let _ = rows.iter().map(InvoiceRow::csv).collect::<Vec<_>>();

    let _ = BatchRecord::verify(verifier, "fuzz.ofd", data).to_json_line();
});
