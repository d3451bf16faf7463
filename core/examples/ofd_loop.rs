//! Profiling aid: verifies one OFD file N times (`cargo run --release -p yinjian --example
//! ofd_loop -- FILE N [invoice]`), for callgrind or perf; with `invoice`, verifies it as an
//! e-invoice (`invoice::verify_invoice`: the OFD, then the invoice checks).
use yinjian::ofd::{verify_ofd_bytes, OfdOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::{RevocationPolicy, TrustStore};
use yinjian::Time;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).unwrap();
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let as_invoice = args.get(3).is_some_and(|a| a == "invoice");
    let store = TrustStore::new();
    let mut seal = SealOptions::new(&store, Time::parse("2026-11-24T12:00:00Z").unwrap());
    seal.chain.revocation = RevocationPolicy::NotRequired;
    let opts = OfdOptions::new(seal);
    let t = std::time::Instant::now();
    for _ in 0..n {
        if as_invoice {
            let _ = std::hint::black_box(yinjian::invoice::verify_invoice(&bytes, &opts));
        } else {
            let _ = std::hint::black_box(verify_ofd_bytes(&bytes, &opts));
        }
    }
    let el = t.elapsed();
    eprintln!("{n} in {el:?}: {:?}/doc", el / n as u32);
}
