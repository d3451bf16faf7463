//! Batch against single SM2 verification in one process, for a shared machine:
//! `sm2_batch_ab [rounds] [passes]` verifies 64 signatures by 64 keys through
//! `verify_batch` and through 64 calls of `verify_digest`, alternating the two `rounds` times
//! (default 15), each sample `passes` times over the 64 (default 30), for fresh verifiers
//! (clones never used: the key's first verification, 256 doublings) and for prepared ones
//! (split tables, 64 doublings). It prints the median, lowest and highest CPU time of the
//! thread per signature of each, and the medians' ratio single / batch.
//!
//! CPU time is read from `/proc/thread-self/schedstat`, which advances at scheduler ticks:
//! a sample lasts about 0.1 s so that a tick is a few per cent of it, and the medians of
//! alternated samples keep the load of other processes out of the ratio.

use std::hint::black_box;

use yinjian::sm::sm2::{verify_batch, PrivateKey, Sm2Signature, Sm2Signer, Sm2Verifier, DEFAULT_DISTID};
use yinjian::sm::sm3::Sm3Digest;

fn thread_cpu_ns() -> u64 {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").expect("schedstat (Linux)");
    s.split_whitespace()
        .next()
        .and_then(|v| v.parse().ok())
        .expect("run time")
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let rounds: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(15);
    let passes: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(30);
    let batch: Vec<(Sm2Verifier, Sm3Digest, Sm2Signature)> = (1u8..=64)
        .map(|i| {
            let key = PrivateKey::from_raw(&[i; 32]).expect("valid scalar");
            let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
            let e = signer.verifier().digest(&[i]);
            let sig = signer.sign_digest(&e).expect("sign");
            (signer.verifier().clone(), e, sig)
        })
        .collect();
    let prepared: Vec<Sm2Verifier> = batch.iter().map(|(v, _, _)| v.clone()).collect();
    prepared.iter().for_each(Sm2Verifier::prepare);
    let n = batch.len() as f64;
    // One sample: CPU ns per signature of `passes` runs over the 64.
    let sample = |use_batch: bool, fresh: bool| -> f64 {
        // Fresh verifiers are cloned before the clock starts (a clone copies the key's table).
        let copies: Vec<Vec<Sm2Verifier>> = (0..passes)
            .map(|_| {
                if fresh {
                    batch.iter().map(|(v, _, _)| v.clone()).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let start = thread_cpu_ns();
        for copy in &copies {
            let verifiers: &[Sm2Verifier] = if fresh { copy } else { &prepared };
            let items: Vec<_> = verifiers.iter().zip(&batch).map(|(v, (_, e, s))| (v, e, s)).collect();
            let ok = if use_batch {
                verify_batch(black_box(&items)).iter().all(Result::is_ok)
            } else {
                items.iter().all(|(v, e, s)| v.verify_digest(black_box(e), s).is_ok())
            };
            assert!(ok);
        }
        (thread_cpu_ns() - start) as f64 / (passes as f64 * n)
    };
    for fresh in [true, false] {
        let (mut single, mut lanes) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            // Alternate which goes first.
            if round % 2 == 0 {
                single.push(sample(false, fresh));
                lanes.push(sample(true, fresh));
            } else {
                lanes.push(sample(true, fresh));
                single.push(sample(false, fresh));
            }
        }
        let (ms, mb) = (median(&mut single), median(&mut lanes));
        println!(
            "{}: single {:.1} µs (min {:.1}, max {:.1}), batch {:.1} µs (min {:.1}, max {:.1}), single/batch {:.3}",
            if fresh { "fresh" } else { "prepared" },
            ms / 1e3,
            single[0] / 1e3,
            single[single.len() - 1] / 1e3,
            mb / 1e3,
            lanes[0] / 1e3,
            lanes[lanes.len() - 1] / 1e3,
            ms / mb
        );
    }
}
