//! SM3 and SM2 benchmarks (criterion).
//!
//! Run with `cargo bench -p yinjian --bench sm`; `scripts/bench-compare` runs these and
//! OpenSSL's `speed` on the same machine and prints the ratios. Benchmark ids (and so the
//! directories under `target/criterion/`) are part of that script's interface:
//!
//! - `sm3/16KiB`, `sm3/8MiB`: one-shot SM3, throughput in bytes; `sm3/16KiB_crate`,
//!   `sm3/8MiB_crate`: the same by the `sm3` crate (the portable path) for comparison;
//! - `sm3_multi/8x4KiB_one_by_one`, `sm3_multi/8x4KiB_multi`: eight 4 KiB messages hashed one
//!   after the other, and together by `sm3_multi::sm3_many` (aggregate throughput in bytes);
//!   `sm3_multi/einvoice_files_*`: the same for the sizes of the corpus e-invoice's files;
//! - `sm2/sign`: sign a 20-byte message (DER), Z precomputed in the signer;
//! - `sm2/sign_batch_32`: sign 32 distinct 20-byte messages (DER) with one call of
//!   `Sm2Signer::sign_many` (one batch: one inversion for the 32), throughput per signature
//!   (criterion's time is per call of 32);
//! - `sm2/verify`: verify a 20-byte message with a reused `Sm2Verifier` (Z cached), on the
//!   fast variable-time path every verification in the crate uses;
//! - `sm2/verify_new_verifier`: `Sm2Verifier::new` (Z computed) plus the verification;
//! - `sm2/verify_reference`: as `sm2/verify`, on the RustCrypto reference path
//!   (`Sm2Verifier::verify_digest_reference`), for the fast/reference ratio;
//! - `sm2_field/{mul,square}_{accelerated,portable}`: one Montgomery multiplication or
//!   squaring modulo the SM2 prime, on the x86-64 MULX/ADX path (when the CPU has it) and on
//!   the portable one (inputs through `black_box`, so each call is computed);
//! - `sm2_cpu/…`: the SM2 operations timed in CPU time of the benchmark thread (Linux's
//!   `/proc/thread-self/schedstat`; wall time elsewhere), which a machine shared with other
//!   jobs disturbs far less than wall time: `verify` (reused verifier, prepared key),
//!   `verify_new_verifier`, `sign`, `sign_batch_32` (as above), `sign_rfc6979` (a digest
//!   signed with RFC 6979's nonce, the `sm2` crate's signature), `verify_batch_64` (64 signatures by 64 keys through
//!   `verify_batch`, throughput per signature), and a chain of 1000 dependent field multiplications
//!   (`mul_chain_1000_{accelerated,portable}`; through the `internals` wrapper, which
//!   range-checks and copies both inputs, so it measures more than the multiplication).
//! - `sm2_batch/…` (CPU time, throughput per signature): 64 signatures by 64 keys, each run on
//!   fresh clones of verifiers never used (a batch of documents by different signers):
//!   `verify_batch_64_fresh` through `verify_batch` (the 8-lane AVX-512 IFMA kernel where the
//!   CPU has it, two verifications interleaved with BMI2 and ADX) against `verify_digest_64_fresh`, 64 calls of `verify_digest`; and
//!   `verify_digest_64_prepared` and `verify_batch_64_prepared`, the same on prepared
//!   verifiers (split tables built).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use yinjian::sm::sm2::{
    verify_batch, PrivateKey, SignatureEncoding, Sm2Signature, Sm2Signer, Sm2Verifier, DEFAULT_DISTID,
};
use yinjian::sm::sm3::{sm3, sm3_reference, Sm3Digest};
use yinjian::sm::sm3_multi::sm3_many;

/// Message size of the SM2 benches: OpenSSL's `speed sm2` signs and verifies 20 bytes
/// (and re-initialises its EVP context, so recomputes Z, for every operation).
const SM2_MSG_LEN: usize = 20;

fn filled(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(31).wrapping_add(7)).collect()
}

fn bench_sm3(c: &mut Criterion) {
    let mut group = c.benchmark_group("sm3");
    for (name, len) in [("16KiB", 16 * 1024), ("8MiB", 8 * 1024 * 1024)] {
        let data = filled(len);
        group.throughput(Throughput::Bytes(len as u64));
        if len > 1024 * 1024 {
            // One 8 MiB digest takes tens of milliseconds: fewer, flat samples keep the
            // run inside a few seconds.
            group.sample_size(10);
            group.sampling_mode(criterion::SamplingMode::Flat);
        }
        group.bench_function(name, |b| b.iter(|| sm3(black_box(&data))));
        // The portable path (the `sm3` crate) on the same input, for the x86-64 path's gain.
        group.bench_function(format!("{name}_crate"), |b| b.iter(|| sm3_reference(black_box(&data))));
    }
    group.finish();
}

fn bench_sm3_multi(c: &mut Criterion) {
    let mut group = c.benchmark_group("sm3_multi");
    // The sizes of the files the corpus e-invoice's signature references (ofd/1.ofd).
    let einvoice = [
        195, 309, 305, 2403, 646, 448, 5896, 463, 389, 212, 2024, 194, 14202, 1219,
    ];
    let sets: [(&str, Vec<usize>); 2] = [("8x4KiB", vec![4096; 8]), ("einvoice_files", einvoice.to_vec())];
    for (name, sizes) in sets {
        let data: Vec<Vec<u8>> = sizes.iter().map(|&n| filled(n)).collect();
        let inputs: Vec<&[u8]> = data.iter().map(Vec::as_slice).collect();
        group.throughput(Throughput::Bytes(sizes.iter().sum::<usize>() as u64));
        group.bench_function(format!("{name}_one_by_one"), |b| {
            b.iter(|| inputs.iter().map(|m| sm3(black_box(m))).collect::<Vec<_>>())
        });
        group.bench_function(format!("{name}_multi"), |b| b.iter(|| sm3_many(black_box(&inputs))));
    }
    group.finish();
}

fn bench_sm2(c: &mut Criterion) {
    let key = PrivateKey::from_raw(&filled(32)).expect("fixed test scalar is a valid key");
    let public = key.public_key();
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
    let msg = filled(SM2_MSG_LEN);
    let sig = signer.sign(&msg, SignatureEncoding::Der).expect("sign");
    let verifier = Sm2Verifier::new(&public, DEFAULT_DISTID).expect("verifier");
    assert!(verifier.verify(&msg, &sig).is_ok(), "benchmark signature must verify");

    let mut group = c.benchmark_group("sm2");
    group.throughput(Throughput::Elements(1));
    group.bench_function("sign", |b| {
        b.iter(|| signer.sign(black_box(&msg), SignatureEncoding::Der))
    });
    group.bench_function("verify", |b| {
        b.iter(|| verifier.verify(black_box(&msg), black_box(&sig)))
    });
    let messages = batch_messages();
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("sign_batch_32", |b| {
        b.iter(|| signer.sign_many(black_box(&messages), SignatureEncoding::Der))
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify_new_verifier", |b| {
        b.iter(|| {
            let v = Sm2Verifier::new(black_box(&public), DEFAULT_DISTID).expect("verifier");
            v.verify(black_box(&msg), black_box(&sig))
        })
    });
    group.bench_function("verify_reference", |b| {
        b.iter(|| {
            let (decoded, _) = Sm2Signature::decode(black_box(&sig)).expect("decodes");
            verifier.verify_digest_reference(&verifier.digest(black_box(&msg)), &decoded)
        })
    });
    group.finish();
}

fn bench_sm2_field(c: &mut Criterion) {
    use yinjian::sm::sm2_fast::internals::{mul_accelerated, mul_portable, square_accelerated, square_portable};
    let a = [
        0x0123_4567_89ab_cdef,
        0xfedc_ba98_7654_3210,
        0x0f1e_2d3c_4b5a_6978,
        0x7f6e_5d4c_3b2a_1908,
    ];
    let b = [
        0x1111_2222_3333_4444,
        0x5555_6666_7777_8888,
        0x9999_aaaa_bbbb_cccc,
        0x0ddd_eeee_ffff_0000,
    ];
    let mut group = c.benchmark_group("sm2_field");
    group.throughput(Throughput::Elements(1));
    group.bench_function("mul_portable", |bench| {
        bench.iter(|| mul_portable(black_box(&a), black_box(&b)))
    });
    group.bench_function("square_portable", |bench| bench.iter(|| square_portable(black_box(&a))));
    if mul_accelerated(&a, &b).is_some() {
        group.bench_function("mul_accelerated", |bench| {
            bench.iter(|| mul_accelerated(black_box(&a), black_box(&b)))
        });
        group.bench_function("square_accelerated", |bench| {
            bench.iter(|| square_accelerated(black_box(&a)))
        });
    }
    group.finish();
}

/// Nanoseconds this thread has run on a CPU, when the kernel says (Linux).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// `iters` runs of `f`, timed in thread CPU time where available, else in wall time.
fn cpu_timed<O>(iters: u64, mut f: impl FnMut() -> O) -> Duration {
    let (cpu0, wall0) = (thread_cpu_ns(), std::time::Instant::now());
    for _ in 0..iters {
        black_box(f());
    }
    let wall = wall0.elapsed();
    match (cpu0, thread_cpu_ns()) {
        (Some(a), Some(b)) if b >= a => Duration::from_nanos(b - a),
        _ => wall,
    }
}

fn bench_sm2_cpu(c: &mut Criterion) {
    use yinjian::sm::sm2_fast::internals::{mul_accelerated, mul_portable};
    let key = PrivateKey::from_raw(&filled(32)).expect("fixed test scalar is a valid key");
    let public = key.public_key();
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
    let msg = filled(SM2_MSG_LEN);
    let sig = signer.sign(&msg, SignatureEncoding::Der).expect("sign");
    let verifier = Sm2Verifier::new(&public, DEFAULT_DISTID).expect("verifier");
    let mut group = c.benchmark_group("sm2_cpu");
    // The kernel's per-thread CPU time advances in scheduler ticks: few, long, equal samples.
    group.sample_size(10);
    group.sampling_mode(criterion::SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(1));
    group.bench_function("verify", |b| {
        b.iter_custom(|n| cpu_timed(n, || verifier.verify(black_box(&msg), black_box(&sig))))
    });
    group.bench_function("verify_new_verifier", |b| {
        b.iter_custom(|n| {
            cpu_timed(n, || {
                let v = Sm2Verifier::new(black_box(&public), DEFAULT_DISTID).expect("verifier");
                v.verify(black_box(&msg), black_box(&sig))
            })
        })
    });
    group.bench_function("sign", |b| {
        b.iter_custom(|n| cpu_timed(n, || signer.sign(black_box(&msg), SignatureEncoding::Der)))
    });
    let messages = batch_messages();
    group.throughput(Throughput::Elements(messages.len() as u64));
    group.bench_function("sign_batch_32", |b| {
        b.iter_custom(|n| cpu_timed(n, || signer.sign_many(black_box(&messages), SignatureEncoding::Der)))
    });
    group.throughput(Throughput::Elements(1));
    // The same with RFC 6979's nonce (the `sm2` crate's signatures): 14 more SM3 compressions.
    let e = signer.verifier().digest(&msg);
    group.bench_function("sign_rfc6979", |b| {
        b.iter_custom(|n| cpu_timed(n, || signer.sign_digest_rfc6979(black_box(&e))))
    });
    // 64 signatures by 64 keys (verifiers made once), each triple with its own verdict.
    let batch = signatures_by_64_keys();
    let items: Vec<_> = batch.iter().map(|(v, e, s)| (v, e, s)).collect();
    group.throughput(Throughput::Elements(items.len() as u64));
    group.bench_function("verify_batch_64", |b| {
        b.iter_custom(|n| cpu_timed(n, || verify_batch(black_box(&items))))
    });
    let a = [
        0x0123_4567_89ab_cdef,
        0xfedc_ba98_7654_3210,
        0x0f1e_2d3c_4b5a_6978,
        0x7f6e_5d4c_3b2a_1908,
    ];
    group.throughput(Throughput::Elements(1000));
    group.bench_function("mul_chain_1000_portable", |b| {
        b.iter_custom(|n| {
            cpu_timed(n, || {
                let mut x = black_box(a);
                for _ in 0..1000 {
                    x = mul_portable(&x, &a);
                }
                x
            })
        })
    });
    if mul_accelerated(&a, &a).is_some() {
        group.bench_function("mul_chain_1000_accelerated", |b| {
            b.iter_custom(|n| {
                cpu_timed(n, || {
                    let mut x = black_box(a);
                    for _ in 0..1000 {
                        x = mul_accelerated(&x, &a).unwrap_or(x);
                    }
                    x
                })
            })
        });
    }
    group.finish();
}

/// The 32 distinct messages of [`SM2_MSG_LEN`] bytes of the `sign_batch_32` benches (one
/// batch of `Sm2Signer::sign_many`).
fn batch_messages() -> Vec<Vec<u8>> {
    (0..Sm2Signer::BATCH as u8)
        .map(|i| {
            let mut m = filled(SM2_MSG_LEN);
            m[0] = i;
            m
        })
        .collect()
}

/// 64 signatures, each by its own key, with the verifier of each.
fn signatures_by_64_keys() -> Vec<(Sm2Verifier, Sm3Digest, Sm2Signature)> {
    (1u8..=64)
        .map(|i| {
            let key = PrivateKey::from_raw(&[i; 32]).expect("valid scalar");
            let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
            let e = signer.verifier().digest(&[i]);
            let sig = signer.sign_digest(&e).expect("sign");
            (signer.verifier().clone(), e, sig)
        })
        .collect()
}

/// 64 signatures by 64 keys, in batch and one by one (see the module documentation).
fn bench_sm2_batch(c: &mut Criterion) {
    let batch = signatures_by_64_keys();
    let fresh = || -> Vec<Sm2Verifier> { batch.iter().map(|(v, _, _)| v.clone()).collect() };
    let mut group = c.benchmark_group("sm2_batch");
    group.sample_size(10);
    group.sampling_mode(criterion::SamplingMode::Flat);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(batch.len() as u64));
    group.bench_function("verify_batch_64_fresh", |b| {
        b.iter_custom(|n| {
            cpu_timed(n, || {
                let verifiers = fresh();
                let items: Vec<_> = verifiers.iter().zip(&batch).map(|(v, (_, e, s))| (v, e, s)).collect();
                let verdicts = verify_batch(black_box(&items));
                assert!(verdicts.iter().all(Result::is_ok));
                verdicts
            })
        })
    });
    group.bench_function("verify_digest_64_fresh", |b| {
        b.iter_custom(|n| {
            cpu_timed(n, || {
                let verifiers = fresh();
                let verdicts: Vec<_> = verifiers
                    .iter()
                    .zip(&batch)
                    .map(|(v, (_, e, s))| v.verify_digest(black_box(e), s))
                    .collect();
                assert!(verdicts.iter().all(Result::is_ok));
                verdicts
            })
        })
    });
    batch.iter().for_each(|(v, _, _)| v.prepare());
    group.bench_function("verify_digest_64_prepared", |b| {
        b.iter_custom(|n| {
            cpu_timed(n, || {
                batch
                    .iter()
                    .map(|(v, e, s)| v.verify_digest(black_box(e), s))
                    .collect::<Vec<_>>()
            })
        })
    });
    group.bench_function("verify_batch_64_prepared", |b| {
        let items: Vec<_> = batch.iter().map(|(v, e, s)| (v, e, s)).collect();
        b.iter_custom(|n| cpu_timed(n, || verify_batch(black_box(&items))))
    });
    group.finish();
}

/// Dependent 64-bit multiplications per iteration of `clock/imul_chain`.
const IMUL_CHAIN: u64 = 1000;

/// The core's clock while the benches run, for cycles per operation (`scripts/bench-compare`):
/// a chain of 64-bit squarings, each waiting for the last, takes 3 cycles a multiplication on
/// current x86-64 cores (Intel since Sandy Bridge, AMD since Zen), so the median time per
/// iteration is 3 × `IMUL_CHAIN` cycles whatever clock the host gives the core. (Squarings,
/// not a product by a constant: the compiler would regroup x·m·m·… into fewer steps.)
fn bench_clock(c: &mut Criterion) {
    let mut group = c.benchmark_group("clock");
    group.bench_function("imul_chain", |b| {
        b.iter(|| {
            let mut x = black_box(0x9e37_79b9_7f4a_7c15_u64);
            for _ in 0..IMUL_CHAIN {
                x = x.wrapping_mul(x);
            }
            x
        })
    });
    group.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench_clock, bench_sm3, bench_sm3_multi, bench_sm2, bench_sm2_field, bench_sm2_cpu, bench_sm2_batch
}
criterion_main!(benches);
