//! The fast SM2 verification (`Sm2Verifier::verify_digest`) against the RustCrypto reference
//! (`Sm2Verifier::verify_digest_reference`): every `sm2_verify` test vector, random
//! (key, message, signature) triples both valid and corrupted, and the edge cases.
//!
//! The large run is ignored by default; run it in release mode with
//! `SM2_EQUIVALENCE_COUNT=1000000 cargo test --release -p yinjian --test sm2_fast -- --ignored --nocapture`.

use std::time::Instant;

use serde_json::Value;
use yinjian::sm::sm2::{PrivateKey, PublicKey, Sm2Signature, Sm2Signer, Sm2Verifier, DEFAULT_DISTID, ORDER_N};
use yinjian::sm::sm3::Sm3Digest;

/// Random triples checked on every `cargo test`: unoptimised builds (CI's `cargo test`) sign
/// and verify slowly, about 17 ms per triple, most of it in the reference path and signing.
const CI_TRIPLES: u64 = if cfg!(debug_assertions) { 1_000 } else { 5_000 };

/// Default size of the ignored large run.
const LARGE_RUN_TRIPLES: u64 = 1_000_000;

/// Triples signed by one key before the next key is drawn (signing dominates the setup).
const TRIPLES_PER_KEY: u64 = 4;

/// splitmix64: reproducible inputs without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_exact_mut(8) {
            chunk.copy_from_slice(&self.next().to_be_bytes());
        }
        out
    }

    fn flip_bit(&mut self, v: &mut [u8; 32]) {
        let bit = (self.next() % 256) as usize;
        v[bit / 8] ^= 1 << (bit % 8);
    }
}

/// What a case does to a valid (e, r, s) before both verifiers see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    None,
    FlipR,
    FlipS,
    FlipE,
    OtherKey,
    RandomRs,
    /// r + s = n, so t = 0.
    TZero,
    /// r or s at or next to n.
    NearN,
}

const MUTATIONS: [Mutation; 10] = [
    Mutation::None,
    Mutation::None,
    Mutation::None,
    Mutation::FlipR,
    Mutation::FlipS,
    Mutation::FlipE,
    Mutation::OtherKey,
    Mutation::RandomRs,
    Mutation::TZero,
    Mutation::NearN,
];

fn sub_be(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = a[i] as i16 - b[i] as i16 - borrow;
        borrow = i16::from(d < 0);
        out[i] = d.rem_euclid(256) as u8;
    }
    out
}

/// Counts of one run.
#[derive(Debug, Default)]
struct Tally {
    cases: u64,
    accepted: u64,
}

/// Checks `count` random triples from `seed`; panics on the first disagreement.
fn run_random(seed: u64, count: u64) -> Tally {
    let mut rng = Rng(seed);
    let mut tally = Tally::default();
    let mut other = Sm2Verifier::new(&PrivateKey::from_raw(&[3u8; 32]).unwrap().public_key(), DEFAULT_DISTID).unwrap();
    let mut signer: Option<Sm2Signer> = None;
    let mut n_minus_1 = ORDER_N;
    n_minus_1[31] -= 1;
    for i in 0..count {
        if i % TRIPLES_PER_KEY == 0 {
            let fresh = loop {
                if let Ok(key) = PrivateKey::from_raw(&rng.bytes32()) {
                    break key;
                }
            };
            let fresh = Sm2Signer::new(&fresh, DEFAULT_DISTID).unwrap();
            if let Some(previous) = signer.replace(fresh) {
                other = previous.verifier().clone();
            }
        }
        let signer = signer.as_ref().unwrap();
        let msg_len = (rng.next() % 64) as usize;
        let msg: Vec<u8> = (0..msg_len).map(|_| rng.next() as u8).collect();
        let mut verifier = signer.verifier();
        let mut e: Sm3Digest = verifier.digest(&msg);
        let mut sig = signer.sign_digest(&e).unwrap();
        let mutation = MUTATIONS[(rng.next() % MUTATIONS.len() as u64) as usize];
        match mutation {
            Mutation::None => {}
            Mutation::FlipR => rng.flip_bit(&mut sig.r),
            Mutation::FlipS => rng.flip_bit(&mut sig.s),
            Mutation::FlipE => rng.flip_bit(&mut e),
            Mutation::OtherKey => verifier = &other,
            Mutation::RandomRs => {
                sig = Sm2Signature {
                    r: rng.bytes32(),
                    s: rng.bytes32(),
                }
            }
            Mutation::TZero => sig.r = sub_be(&ORDER_N, &sig.s),
            Mutation::NearN => {
                let near = [ORDER_N, n_minus_1][(rng.next() % 2) as usize];
                if rng.next().is_multiple_of(2) {
                    sig.r = near;
                } else {
                    sig.s = near;
                }
            }
        }
        let fast = verifier.verify_digest(&e, &sig);
        let reference = verifier.verify_digest_reference(&e, &sig);
        assert_eq!(
            fast.is_ok(),
            reference.is_ok(),
            "case {i} ({mutation:?}): fast {fast:?}, reference {reference:?}\nkey {}\ne {}\nr {}\ns {}",
            hex::encode(verifier.key().to_sec1_uncompressed()),
            hex::encode(e),
            hex::encode(sig.r),
            hex::encode(sig.s)
        );
        if mutation == Mutation::None {
            assert!(fast.is_ok(), "case {i}: a fresh signature must verify: {fast:?}");
        }
        tally.cases += 1;
        tally.accepted += u64::from(fast.is_ok());
    }
    tally
}

#[test]
fn fast_and_reference_agree_on_random_triples() {
    let tally = run_random(0x00c0_ffee, CI_TRIPLES);
    // About three in ten cases are unmodified signatures; corrupted ones essentially never verify.
    assert!(tally.accepted > CI_TRIPLES / 5, "{tally:?}");
    assert!(tally.accepted < CI_TRIPLES / 2, "{tally:?}");
}

#[test]
#[ignore = "large run: minutes in release mode"]
fn fast_and_reference_agree_on_a_large_run() {
    let count = std::env::var("SM2_EQUIVALENCE_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LARGE_RUN_TRIPLES);
    let seed = std::env::var("SM2_EQUIVALENCE_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_2026);
    let start = Instant::now();
    let tally = run_random(seed, count);
    println!(
        "sm2 fast/reference equivalence: {} triples ({} accepted, {} rejected), seed {seed:#x}, {:.1} s",
        tally.cases,
        tally.accepted,
        tally.cases - tally.accepted,
        start.elapsed().as_secs_f64()
    );
}

/// `msg_hex` or `msg_ascii`, times `repeat`, as the vector runner reads them.
fn vector_message(case: &Value) -> Vec<u8> {
    let once = match (case.get("msg_hex"), case.get("msg_ascii")) {
        (Some(Value::String(h)), _) => hex::decode(h).unwrap(),
        (None, Some(Value::String(s))) => s.as_bytes().to_vec(),
        _ => panic!("vector without a message: {case}"),
    };
    let repeat = case.get("repeat").and_then(Value::as_u64).unwrap_or(1) as usize;
    once.repeat(repeat)
}

#[test]
fn fast_and_reference_agree_on_every_vector() {
    let mut compared = 0;
    let mut files: Vec<_> = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    files.sort();
    for file in files {
        for line in std::fs::read_to_string(&file).unwrap().lines() {
            let Ok(case) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if case.get("op").and_then(Value::as_str) != Some("sm2_verify") {
                continue;
            }
            let Some(key) = case
                .get("key")
                .and_then(Value::as_str)
                .and_then(|k| PublicKey::parse(k.as_bytes()).ok())
            else {
                continue;
            };
            let distid = case
                .get("distid")
                .and_then(Value::as_str)
                .map_or(DEFAULT_DISTID.to_vec(), |s| s.as_bytes().to_vec());
            let Ok(verifier) = Sm2Verifier::new(&key, &distid) else {
                continue;
            };
            let sig_bytes = hex::decode(case["sig_hex"].as_str().unwrap()).unwrap();
            let Ok((sig, _)) = Sm2Signature::decode(&sig_bytes) else {
                continue;
            };
            let e = verifier.digest(&vector_message(&case));
            let fast = verifier.verify_digest(&e, &sig);
            let reference = verifier.verify_digest_reference(&e, &sig);
            assert_eq!(
                fast.is_ok(),
                reference.is_ok(),
                "{}: {fast:?} / {reference:?}",
                case["id"]
            );
            compared += 1;
        }
    }
    assert!(compared >= 80, "only {compared} sm2_verify vectors compared");
}

#[test]
fn edge_keys_and_signatures() {
    // P = G (private key 1) and P = −G (private key n − 1 is refused for signing, so −G is
    // built from its coordinates): valid signatures by G, and t = 0.
    let g_key = PrivateKey::from_raw(&[1]).unwrap();
    let g = g_key.public_key();
    let signer = Sm2Signer::new(&g_key, DEFAULT_DISTID).unwrap();
    let e = signer.verifier().digest(b"edge");
    let sig = signer.sign_digest(&e).unwrap();
    let mut minus_g_xy = [0u8; 64];
    minus_g_xy[..32].copy_from_slice(&g.x());
    minus_g_xy[32..].copy_from_slice(&sub_be(&hex32_p(), &g.y()));
    let minus_g = PublicKey::from_raw_xy(&minus_g_xy).unwrap();
    for key in [&g, &minus_g] {
        let v = Sm2Verifier::new(key, DEFAULT_DISTID).unwrap();
        let mut t_zero = sig;
        t_zero.r = sub_be(&ORDER_N, &sig.s);
        for candidate in [sig, t_zero, Sm2Signature { r: sig.s, s: sig.r }] {
            assert_eq!(
                v.verify_digest(&e, &candidate).is_ok(),
                v.verify_digest_reference(&e, &candidate).is_ok()
            );
        }
        assert_eq!(v.verify_digest(&e, &sig).is_ok(), *key == g);
    }
    // r or s = 0 or ≥ n: both reject.
    let v = signer.verifier();
    for (r, s) in [
        ([0u8; 32], sig.s),
        (sig.r, [0u8; 32]),
        (ORDER_N, sig.s),
        (sig.r, [0xff; 32]),
    ] {
        let bad = Sm2Signature { r, s };
        assert!(v.verify_digest(&e, &bad).is_err());
        assert!(v.verify_digest_reference(&e, &bad).is_err());
    }
}

/// The field prime p, big-endian.
fn hex32_p() -> [u8; 32] {
    let mut p = [0xffu8; 32];
    p[3] = 0xfe;
    p[20..24].fill(0);
    p
}

/// Rough speed of both paths that survives a busy machine: the best of many short batches
/// (a batch that ran undisturbed on a core). Run in release mode:
/// `cargo test --release -p yinjian --test sm2_fast speed_probe -- --ignored --nocapture`.
#[test]
#[ignore = "timing probe: run in release mode"]
fn speed_probe() {
    const BATCH: u32 = 5;
    const BATCHES: u32 = 2_000;
    let key = PrivateKey::from_raw(&[0x42; 32]).unwrap();
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
    let verifier = signer.verifier();
    let public = key.public_key();
    let e = verifier.digest(b"speed probe");
    let sig = signer.sign_digest(&e).unwrap();
    let best = |f: &dyn Fn() -> bool| {
        let mut best = f64::MAX;
        for _ in 0..BATCHES {
            let start = Instant::now();
            for _ in 0..BATCH {
                assert!(std::hint::black_box(f()));
            }
            best = best.min(start.elapsed().as_secs_f64() / f64::from(BATCH));
        }
        best
    };
    let fast = best(&|| verifier.verify_digest(&e, &sig).is_ok());
    let reference = best(&|| verifier.verify_digest_reference(&e, &sig).is_ok());
    let new_verifier = best(&|| {
        Sm2Verifier::new(&public, DEFAULT_DISTID)
            .unwrap()
            .verify_digest(&e, &sig)
            .is_ok()
    });
    println!(
        "best batch: fast {:.1} µs ({:.0}/s), fast with a new verifier {:.1} µs ({:.0}/s), reference {:.1} µs ({:.0}/s), ratio {:.2}x",
        fast * 1e6,
        1.0 / fast,
        new_verifier * 1e6,
        1.0 / new_verifier,
        reference * 1e6,
        1.0 / reference,
        reference / fast
    );
}
