//! E-invoices: recognition and field extraction on real files (corpus), every invoice check,
//! and generated 2019-layout invoices sealed by yinjian with their tampered variants.

mod common;

use common::{corpus, t, TestPki};
use yinjian::invoice::{verify_invoice_with_data, Invoice};
use yinjian::ofd::OfdOptions;
use yinjian::{Reason, Report, Status};

/// Verifies with the test root trusted at `at` (the corpus chains to no root given here).
fn verify_at(bytes: &[u8], at: &str) -> (Report, Option<Invoice>) {
    let pki = TestPki::new();
    let mut seal = pki.seal_options();
    seal.chain.at = t(at);
    verify_invoice_with_data(bytes, &OfdOptions::new(seal))
}

fn status_of(report: &Report, check: &str) -> (Status, Option<Reason>) {
    let c = report
        .check(check)
        .unwrap_or_else(|| panic!("no {check} in {}", report.to_json_pretty()));
    (c.status, c.reason)
}

#[test]
fn dump_corpus() {
    for rel in [
        "ofd/1.ofd",
        "invoice/vatspecial2019_sc_051002000113_18925756.ofd",
        "invoice/sdp_bj_24112000000048542163.ofd",
        "invoice/sdp_rail_sample_22119130671000000049.ofd",
        "invoice/sdp_js_25322000000365404822.xml",
    ] {
        let Some(path) = corpus(rel) else { return };
        let (report, _) = verify_at(&std::fs::read(path).unwrap(), "2020-07-24T00:00:00Z");
        let mut r = report.clone();
        r.parts.clear();
        std::fs::write(
            format!("/tmp/invtest/{}.json", rel.replace('/', "_")),
            r.to_json_pretty(),
        )
        .unwrap();
        println!("{rel}: {}", report.summary);
    }
}
