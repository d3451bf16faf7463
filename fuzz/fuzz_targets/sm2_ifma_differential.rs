//! Batch SM2 verification (the 8-lane AVX-512 IFMA kernel where the CPU has it) against single
//! verification on arbitrary inputs: `verify_batch` must give every triple exactly the verdict
//! `verify_digest` gives it, errors included. On a CPU without IFMA both sides run the scalar
//! path and the target checks only that they agree.
//!
//! Input layout: `count, triple*` with each triple `mode, k[32], e[32], r[32], s[32]` (short
//! inputs are padded with zeros); 1 + count % 12 triples are taken, so groups of 8 lanes, a
//! padded last group and a group too small for the kernel all occur. `mode` bits as in
//! `sm2_fast_differential`:
//! - 1: the key is k as a private scalar (when it is one in [1, n−2]), else the fixed key;
//! - 2: with bit 1 (or the fixed key), sign e first and XOR r, s over that signature (all-zero
//!   r and s leave a valid signature);
//! - 4: the key is the point with x = k (compressed, y parity from bit 16), when there is one;
//! - 8: replace r by n − s (t = 0) and 32: replace s by n − 1 or n (bit 64 picks);
//! - 128: the previous triple's verifier again (one key twice in the batch; the first triple
//!   always gets its own).
//!
//! Every input also checks the lanes' field multiplication and squaring against the portable
//! ones, on eight pairs of 256-bit values cut from the input (any 256-bit value: the lanes take
//! inputs below 2p unreduced).

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::sm::sm2::{verify_batch, Sm2Signature, Sm2Verifier, DEFAULT_DISTID};

#[path = "common.rs"]
mod common;

use common::{bytes32, limbs};

const TRIPLE: usize = 1 + 4 * 32;

fn check_field(data: &[u8]) {
    use yinjian::sm::sm2_fast::internals::{lanes_accelerated, mul_portable, square_portable};
    let a: [[u64; 4]; 8] = std::array::from_fn(|j| limbs(&bytes32(data, 1 + 32 * j)));
    let b: [[u64; 4]; 8] = std::array::from_fn(|j| limbs(&bytes32(data, 1 + 32 * (j + 8))));
    if let Some(product) = lanes_accelerated(0, &a, &b) {
        for j in 0..8 {
            assert_eq!(product[j], mul_portable(&a[j], &b[j]), "mul {:x?} {:x?}", a[j], b[j]);
        }
    }
    if let Some(square) = lanes_accelerated(1, &a, &b) {
        for j in 0..8 {
            assert_eq!(square[j], square_portable(&a[j]), "square {:x?}", a[j]);
        }
    }
}

/// The verifier (`None`: the previous triple's) and signature of one triple.
fn triple(chunk: &[u8], previous: Option<&Sm2Verifier>) -> (Option<Sm2Verifier>, [u8; 32], Sm2Signature) {
    let fixed = common::fixed();
    let mode = chunk.first().copied().unwrap_or(0);
    let (k, e, r, s) = (
        bytes32(chunk, 1),
        bytes32(chunk, 33),
        bytes32(chunk, 65),
        bytes32(chunk, 97),
    );
    let (mut key, signer) = common::key_of(mode, &k);
    let verifier = match previous {
        Some(previous) if mode & 128 != 0 => {
            key = previous.key().clone();
            None
        }
        // A new verifier each time (also for the fixed key): batches see unprepared keys.
        _ => Some(Sm2Verifier::new(&key, DEFAULT_DISTID).expect("a decoded point makes a verifier")),
    };
    let mut sig = Sm2Signature { r, s };
    if mode & 2 != 0 {
        let signer = signer.as_ref().unwrap_or(&fixed.signer);
        if signer.verifier().key() == &key {
            if let Ok(valid) = signer.sign_digest(&e) {
                sig.r = std::array::from_fn(|i| valid.r[i] ^ r[i]);
                sig.s = std::array::from_fn(|i| valid.s[i] ^ s[i]);
            }
        }
    }
    common::edge_signature(mode, &mut sig);
    (verifier, e, sig)
}

fuzz_target!(|data: &[u8]| {
    let Some(&count) = data.first() else { return };
    check_field(data);
    let count = 1 + usize::from(count) % 12;
    let mut verifiers: Vec<Sm2Verifier> = Vec::with_capacity(count);
    let mut triples: Vec<(usize, [u8; 32], Sm2Signature)> = Vec::with_capacity(count);
    for i in 0..count {
        let chunk = data.get(1 + i * TRIPLE..).unwrap_or(&[]);
        let (verifier, e, sig) = triple(chunk, verifiers.last());
        if let Some(verifier) = verifier {
            verifiers.push(verifier);
        }
        triples.push((verifiers.len() - 1, e, sig));
    }
    // Single verification on clones, so the batch below sees the verifiers unused.
    let clones = verifiers.clone();
    let expected: Vec<_> = triples
        .iter()
        .map(|(k, e, sig)| clones[*k].verify_digest(e, sig))
        .collect();
    let items: Vec<_> = triples.iter().map(|(k, e, sig)| (&verifiers[*k], e, sig)).collect();
    let got = verify_batch(&items);
    assert_eq!(got, expected, "batch and single verdicts differ");
});
