//! Whole OFD packages: the ZIP reader with its limits, every entry read back, and the full
//! verification of every signature (empty trust store, fixed time) down to a report that
//! serialises. Nothing may panic, whatever the archive claims about itself.

#![no_main]

use std::io::Cursor;

use libfuzzer_sys::fuzz_target;
use yinjian::alg::DigestAlgorithm;
use yinjian::ofd::package::Package;
use yinjian::ofd::{verify_ofd_bytes, OfdOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::TrustStore;
use yinjian::Time;

fuzz_target!(|data: &[u8]| {
    if let Ok(mut pkg) = Package::open(Cursor::new(data)) {
        let names: Vec<String> = pkg.entries().map(|e| e.name.clone()).collect();
        for name in &names {
            // `read` stops at the XML limit, `digest` streams up to the entry limit.
            let _ = pkg.read(name);
            let _ = pkg.digest(name, DigestAlgorithm::Sm3);
            let _ = pkg.entry(&name.to_uppercase());
        }
    }
    let trust = TrustStore::new();
    let opts = OfdOptions::new(SealOptions::new(
        &trust,
        Time::parse("2026-11-24T00:00:00Z").expect("fixed time"),
    ));
    let report = verify_ofd_bytes(data, &opts);
    let _ = serde_json::to_string(&report).expect("reports serialise");
});
