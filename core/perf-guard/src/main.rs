//! The speed regression guard (`scripts/perf-guard`, a step of `scripts/test`).
//!
//! Measures, in one process, ratios that cancel the machine's speed:
//!
//! - `ofd_einvoice_over_sm3`: verifying the corpus e-invoice (`ofd/1.ofd`, through the corpus
//!   resolver's `YINJIAN_CORPUS`, default `../shared/corpus`; left out when absent) divided by
//!   SM3 over the same bytes;
//! - `ofd_sealed_over_sm3`: the same for `test-vectors/ofd/sealed.ofd` (always there);
//! - `invoice_einvoice_over_sm3`: the corpus e-invoice verified as an invoice (the OFD, then
//!   reading and checking the invoice: `invoice::verify_invoice`) divided by SM3 over its bytes;
//! - `sm2_verify_over_p256`: an SM2 verification (verifier reused, Z cached) divided by a
//!   P-256 ECDSA verification through `ring`.
//!
//! Each ratio is the median of several rounds, each round timing both sides back to back, so
//! a shared busy machine moves both and the ratio holds. Every document is verified with the
//! thread's caches emptied first (`yinjian::forget_thread_caches`), as the first document of an
//! issuer is: a repeated document would meet its own seal, pages and certificates remembered.
//! Usage:
//!
//! ```text
//! yinjian-perf-guard --check BASELINE.json   # fails (exit 1) when a ratio > 1.5 x its baseline
//! yinjian-perf-guard --record BASELINE.json  # writes the ratios measured as the new baseline
//! ```
//!
//! It also prints, for information, each document's rate in thread CPU time (Linux), which a
//! busy machine does not inflate as it does wall time, cold and with the document repeated.
//!
//! Environment: `PERF_GUARD_ROUNDS` (default 9), `PERF_GUARD_FACTOR` (default 1.5).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_ASN1, ECDSA_P256_SHA256_ASN1_SIGNING,
};
use yinjian::invoice::verify_invoice;
use yinjian::ofd::{verify_ofd_bytes, OfdOptions};
use yinjian::seal::SealOptions;
use yinjian::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, Sm2Verifier, DEFAULT_DISTID};
use yinjian::sm::sm3::sm3;
use yinjian::x509::{RevocationPolicy, TrustStore};
use yinjian::Time;

/// Time given to each side of a ratio in one round.
const SLICE: Duration = Duration::from_millis(60);

/// Seconds per iteration of `f`, run for about [`SLICE`].
fn per_iter(mut f: impl FnMut()) -> f64 {
    // Calibrate: double the batch until it takes a tenth of the slice.
    let mut batch = 1u64;
    loop {
        let start = Instant::now();
        for _ in 0..batch {
            f();
        }
        if start.elapsed() >= SLICE / 10 || batch >= 1 << 24 {
            break;
        }
        batch *= 2;
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < SLICE {
        for _ in 0..batch {
            f();
        }
        n += batch;
    }
    start.elapsed().as_secs_f64() / n as f64
}

/// Nanoseconds this thread has run on a CPU, when the kernel says (Linux).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Runs of `f` per CPU-second of this thread, over `runs` runs (`None` without the counter).
fn per_cpu_second(runs: u32, mut f: impl FnMut()) -> Option<f64> {
    let start = thread_cpu_ns()?;
    for _ in 0..runs {
        f();
    }
    let spent = thread_cpu_ns()?.checked_sub(start)?;
    (spent > 0).then(|| f64::from(runs) * 1e9 / spent as f64)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The median over `rounds` of (time of `a`) / (time of `b`).
fn ratio(rounds: usize, mut a: impl FnMut(), mut b: impl FnMut()) -> f64 {
    median((0..rounds).map(|_| per_iter(&mut a) / per_iter(&mut b)).collect())
}

fn corpus(rel: &str) -> Option<PathBuf> {
    let root = std::env::var_os("YINJIAN_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus"));
    let path = root.join(rel);
    path.exists().then_some(path)
}

fn measure(rounds: usize) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    let store = TrustStore::new();
    let mut seal = SealOptions::new(&store, Time::parse("2026-11-24T12:00:00Z").expect("time"));
    seal.chain.revocation = RevocationPolicy::NotRequired;
    let opts = OfdOptions::new(seal);
    let vectors = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-vectors");
    let einvoice = corpus("ofd/1.ofd");
    let documents = [
        ("ofd_sealed_over_sm3", Some(vectors.join("ofd/sealed.ofd")), false),
        ("ofd_einvoice_over_sm3", einvoice.clone(), false),
        ("invoice_einvoice_over_sm3", einvoice, true),
    ];
    for (name, path, as_invoice) in documents {
        let Some(path) = path else {
            eprintln!("perf-guard: {name} skipped (corpus ofd/1.ofd not found; set YINJIAN_CORPUS)");
            continue;
        };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let verify_warm = || {
            if as_invoice {
                let _ = black_box(verify_invoice(black_box(&bytes), &opts));
            } else {
                let _ = black_box(verify_ofd_bytes(black_box(&bytes), &opts));
            }
        };
        // Each timed verification starts with this thread's caches empty: the path the first
        // document of an issuer takes, every part inflated, hashed and verified. A document
        // repeated would otherwise meet its own seal, pages and certificates remembered, and a
        // slower inflate or SM3 could not show in the ratio.
        let verify = || {
            yinjian::forget_thread_caches();
            verify_warm();
        };
        let r = ratio(rounds, verify, || {
            black_box(sm3(black_box(&bytes)));
        });
        out.insert(name.to_owned(), r);
        if let (Some(first), Some(repeated)) = (per_cpu_second(300, verify), per_cpu_second(300, verify_warm)) {
            eprintln!(
                "perf-guard: {name}: {first:.0} documents per CPU-second, {repeated:.0} with the same document repeated (for information)"
            );
        }
    }

    let msg = [0x5au8; 20];
    let key = PrivateKey::from_raw(&[7u8; 32]).expect("fixed scalar is a valid key");
    let sm2_sig = Sm2Signer::new(&key, DEFAULT_DISTID)
        .and_then(|s| s.sign(&msg, SignatureEncoding::Der))
        .expect("sign");
    let verifier = Sm2Verifier::new(&key.public_key(), DEFAULT_DISTID).expect("verifier");
    assert!(verifier.verify(&msg, &sm2_sig).is_ok());
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("P-256 key");
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).expect("P-256 key");
    let p256_sig = pair.sign(&rng, &msg).expect("P-256 sign");
    let p256 = UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, pair.public_key().as_ref().to_vec());
    assert!(p256.verify(&msg, p256_sig.as_ref()).is_ok());
    let r = ratio(
        rounds,
        || {
            black_box(verifier.verify(black_box(&msg), black_box(&sm2_sig)).is_ok());
        },
        || {
            black_box(p256.verify(black_box(&msg), black_box(p256_sig.as_ref())).is_ok());
        },
    );
    out.insert("sm2_verify_over_p256".to_owned(), r);
    out
}

/// The `"name": number` pairs of a flat JSON object (the baseline file).
fn read_baseline(path: &Path) -> BTreeMap<String, f64> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let value: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    value["ratios"]
        .as_object()
        .map(|o| o.iter().filter_map(|(k, v)| Some((k.clone(), v.as_f64()?))).collect())
        .unwrap_or_default()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, file) = match (args.get(1).map(String::as_str), args.get(2)) {
        (Some(m @ ("--check" | "--record")), Some(f)) => (m.to_owned(), PathBuf::from(f)),
        _ => {
            eprintln!("usage: perf_guard --check|--record BASELINE.json");
            std::process::exit(2);
        }
    };
    let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
    let rounds = env("PERF_GUARD_ROUNDS").map_or(9, |r| r.max(1.0) as usize);
    let factor = env("PERF_GUARD_FACTOR").unwrap_or(1.5);
    let start = Instant::now();
    let measured = measure(rounds);
    eprintln!("perf-guard: {rounds} rounds in {:.1} s", start.elapsed().as_secs_f64());
    if mode == "--record" {
        let json = serde_json::json!({
            "about": "Speed ratios (median of rounds, one process) that scripts/perf-guard checks: \
                      a ratio above 1.5 x its value here fails scripts/test. Re-record with scripts/perf-guard --record.",
            "ratios": measured,
        });
        let text = serde_json::to_string_pretty(&json).expect("json") + "\n";
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for (k, v) in &measured {
            println!("recorded {k} = {v:.3}");
        }
        return;
    }
    let baseline = read_baseline(&file);
    let mut failed = false;
    for (k, v) in &measured {
        match baseline.get(k) {
            Some(base) => {
                let verdict = if *v > base * factor {
                    failed = true;
                    "SLOWER than allowed"
                } else {
                    "ok"
                };
                println!(
                    "{k}: {v:.3} (baseline {base:.3}, limit {:.3}, {:.2}x) {verdict}",
                    base * factor,
                    v / base
                );
            }
            None => println!("{k}: {v:.3} (no baseline recorded)"),
        }
    }
    if failed {
        eprintln!(
            "perf-guard: a ratio exceeds {factor} x its baseline in {}: a speed regression \
             (re-record with scripts/perf-guard --record only if the change is intended)",
            file.display()
        );
        std::process::exit(1);
    }
}
