//! The native side of the Python package's per-document figure (docs/PERFORMANCE.md, "Python
//! and Spark"): one `Verifier` built once, then the same document verified N times in this
//! process, as `bench/per_document.py` does through the package. Run by scripts/bench-python.
//!
//! Usage: per_document DOCUMENT ROOT.pem INT.pem AT ITERATIONS

use std::time::Instant;

use yinjian::batch::BatchRecord;
use yinjian::time::Time;
use yinjian::verifier::{Clock, Verifier};
use yinjian::x509::{self, RevocationPolicy, TrustStore};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, document, root, int, at, iterations] = args.as_slice() else {
        return Err("usage: per_document DOCUMENT ROOT.pem INT.pem AT ITERATIONS".into());
    };
    let data = std::fs::read(document)?;
    let mut trust = TrustStore::new();
    trust.add_pem(&std::fs::read(root)?)?;
    let verifier = Verifier::new(trust, Clock::Fixed(Time::parse(at)?))
        .intermediates(x509::parse_all(&std::fs::read(int)?)?)
        .revocation(RevocationPolicy::NotRequired);
    let n: u32 = iterations.parse()?;
    // Warm up (lazy tables, caches), then the best of three rounds of n, as the Python side.
    let status = verifier.verify(&data).status;
    let mut best = [f64::MAX; 2];
    for _ in 0..3 {
        let start = Instant::now();
        for _ in 0..n {
            let _ = std::hint::black_box(verifier.verify(std::hint::black_box(&data)));
        }
        best[0] = best[0].min(start.elapsed().as_secs_f64() / f64::from(n));
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(BatchRecord::verify(&verifier, "doc.ofd", std::hint::black_box(&data)).to_json_line());
        }
        best[1] = best[1].min(start.elapsed().as_secs_f64() / f64::from(n));
    }
    println!(
        "{{\"status\": \"{status}\", \"verify_us\": {:.1}, \"batch_record_us\": {:.1}}}",
        best[0] * 1e6,
        best[1] * 1e6
    );
    Ok(())
}
