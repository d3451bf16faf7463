//! Whole PDF files: revision finding, lopdf loading of every revision, signature fields,
//! byte ranges, the CMS / seal / time-stamp containers in /Contents, and the comparison of
//! revisions, down to a report that serialises. Nothing may panic, whatever the file claims.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::pdf::{verify_pdf, PdfOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::TrustStore;
use yinjian::Time;

fuzz_target!(|data: &[u8]| {
    let trust = TrustStore::new();
    let opts = PdfOptions::new(SealOptions::new(
        &trust,
        Time::parse("2026-12-01T00:00:00Z").expect("fixed time"),
    ));
    let report = verify_pdf(data, &opts);
    let _ = serde_json::to_string(&report).expect("reports serialise");
});
