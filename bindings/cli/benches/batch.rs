//! The library call `yinjian batch` makes per file, timed in process on one thread: the
//! baseline of batch's per-file overhead (scripts/bench-batch, docs/PERFORMANCE.md "Batch").
//!
//! Environment: `YINJIAN_BENCH_FILE` (default test-vectors/invoice/good.ofd), `YINJIAN_BENCH_N`
//! (default 2000). Trust as the script gives the CLI: the SM2 test PKI at 2027-06-01, no
//! revocation data required.

use std::path::Path;
use std::time::Instant;

use yinjian::batch::BatchRecord;
use yinjian::x509::{parse_all, RevocationPolicy, TrustStore};
use yinjian::{Clock, Status, Time, Verifier};

fn main() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = std::env::var("YINJIAN_BENCH_FILE")
        .map(Into::into)
        .unwrap_or_else(|_| repo.join("test-vectors/invoice/good.ofd"));
    let n: usize = std::env::var("YINJIAN_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let certs = repo.join("test-vectors/x509/sm2/certs");
    let mut trust = TrustStore::new();
    trust
        .add_pem(&std::fs::read(certs.join("root.pem")).expect("root.pem"))
        .expect("root");
    let intermediates = parse_all(&std::fs::read(certs.join("int.pem")).expect("int.pem")).expect("int");
    let at = Time::parse("2027-06-01T00:00:00Z").expect("time");
    let verifier = Verifier::new(trust, Clock::Fixed(at))
        .intermediates(intermediates)
        .revocation(RevocationPolicy::NotRequired);
    let bytes = std::fs::read(&file).expect("the bench file");
    let first = BatchRecord::verify(&verifier, "warm-up", &bytes);
    assert_eq!(first.status, Status::Passed, "{}", first.report.to_text());
    for _ in 0..n / 20 {
        let _ = BatchRecord::verify(&verifier, "warm-up", &bytes);
    }

    let start = Instant::now();
    for i in 0..n {
        let record = BatchRecord::verify(&verifier, format!("f{i}.ofd"), &bytes);
        let _ = std::hint::black_box(record);
    }
    let verify = start.elapsed().as_secs_f64() / n as f64;
    let start = Instant::now();
    for i in 0..n {
        let line = BatchRecord::verify(&verifier, format!("f{i}.ofd"), &bytes).to_json_line();
        let _ = std::hint::black_box(line);
    }
    let with_line = start.elapsed().as_secs_f64() / n as f64;
    println!(
        "library: {} files of {} bytes, BatchRecord::verify {:.1} µs/file, with to_json_line {:.1} µs/file",
        n,
        bytes.len(),
        verify * 1e6,
        with_line * 1e6
    );
}
