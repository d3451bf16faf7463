//! The native side of the Python package's per-document figure (docs/PERFORMANCE.md, "Python
//! and Spark"): one `Verifier` built once, then the same document verified N times in this
//! process, as `bench/per_document.py` does through the package; the best of three rounds of the
//! thread's CPU time per document. Run by scripts/bench-python.
//!
//! Usage: per_document DOCUMENT ROOT.pem INT.pem AT ITERATIONS

/// CPU time of this thread in seconds: on a machine shared with other jobs the wall clock
/// mostly measures waiting for a core, the thread's CPU time what the work costs.
fn cpu_seconds() -> f64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime writes the timespec it is given and reads nothing else.
    #[allow(unsafe_code)]
    unsafe {
        libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t);
    }
    t.tv_sec as f64 + t.tv_nsec as f64 * 1e-9
}

/// The package's allocator (src/lib.rs), so that the two sides differ by the binding only.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
        let start = cpu_seconds();
        for _ in 0..n {
            let _ = std::hint::black_box(verifier.verify(std::hint::black_box(&data)));
        }
        best[0] = best[0].min((cpu_seconds() - start) / f64::from(n));
        let start = cpu_seconds();
        for _ in 0..n {
            std::hint::black_box(BatchRecord::verify(&verifier, "doc.ofd", std::hint::black_box(&data)).to_json_line());
        }
        best[1] = best[1].min((cpu_seconds() - start) / f64::from(n));
    }
    println!(
        "{{\"status\": \"{status}\", \"verify_us\": {:.1}, \"batch_record_us\": {:.1}}}",
        best[0] * 1e6,
        best[1] * 1e6
    );
    Ok(())
}
