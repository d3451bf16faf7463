//! The fast SM2 verification against the RustCrypto reference on arbitrary inputs: both must
//! accept exactly the same (key, e, r, s).
//!
//! Input layout: `mode, k[32], e[32], r[32], s[32]` (short inputs are padded with zeros).
//! `mode` bits:
//! - 1: the key is k as a private scalar (when it is one in [1, n−2]), else the fixed key;
//! - 2: with bit 1 (or the fixed key), sign e first and XOR r, s over that signature (all-zero
//!   r and s leave a valid signature, so the accepting path is reached without seeds);
//! - 4: the key is the point with x = k (compressed, y parity from bit 16), when there is one:
//!   keys whose discrete logarithm nobody knows;
//! - 8: replace r by n − s (t = 0) and 32: replace s by n − 1 or n (bit 64 picks).
//!
//! Every input also checks the field arithmetic's two paths (x86-64 MULX/ADX assembly where
//! the CPU has it, portable) on k and e as field values (reduced below p first), wasm32's
//! field (nine 29-bit limbs) against the 64-bit one (multiplication, squaring, addition,
//! subtraction, halving, inversion), signing's
//! divsteps inversion against Fermat's on k, and, when
//! there is a signer, the fast constant-time signing with the RFC 6979 nonce against the `sm2`
//! crate's (the same signature), the keyed-nonce signature (`sign_digest`) on both
//! verification paths, and batch signing (`sign_digests` of e, r, s and e again) against
//! `sign_digest` of each.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::sm::sm2::{Sm2Signature, Sm2Verifier, DEFAULT_DISTID};

#[path = "common.rs"]
mod common;

use common::{bytes32, limbs};

fn check_field(a: &[u8; 32], b: &[u8; 32]) {
    use yinjian::sm::sm2_fast::internals::{
        field_ops_29_and_64, invert_divsteps, invert_fermat, mul_accelerated, mul_portable, square_accelerated,
        square_portable,
    };
    let (a, b) = (limbs(a), limbs(b));
    assert_eq!(invert_divsteps(&a), invert_fermat(&a), "invert {a:x?}");
    let (ops29, ops64) = field_ops_29_and_64(&a, &b);
    assert_eq!(ops29, ops64, "wasm32's 29-bit field against the 64-bit one, {a:x?} {b:x?}");
    if let Some(product) = mul_accelerated(&a, &b) {
        assert_eq!(product, mul_portable(&a, &b), "mul {a:x?} {b:x?}");
    }
    if let Some(square) = square_accelerated(&a) {
        assert_eq!(square, square_portable(&a), "square {a:x?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let fixed = common::fixed();
    let Some(&mode) = data.first() else { return };
    let (k, e, r, s) = (
        bytes32(data, 1),
        bytes32(data, 33),
        bytes32(data, 65),
        bytes32(data, 97),
    );
    check_field(&k, &e);

    let (key, signer) = common::key_of(mode, &k);
    let verifier = if key == fixed.public {
        fixed.verifier.clone()
    } else {
        Sm2Verifier::new(&key, DEFAULT_DISTID).expect("a decoded point makes a verifier")
    };

    let mut sig = Sm2Signature { r, s };
    if mode & 2 != 0 {
        let signer = signer.as_ref().unwrap_or(&fixed.signer);
        if signer.verifier().key() == &key {
            assert_eq!(
                signer.sign_digest_rfc6979(&e).ok(),
                signer.sign_digest_reference(&e).ok(),
                "fast and reference signatures differ"
            );
            // Batch signing (one inversion for the batch) gives each digest the single
            // signature: e, r and s as three digests, e twice.
            let digests = [e, r, s, e];
            let one_by_one: Vec<_> = digests.iter().map(|d| signer.sign_digest(d).ok()).collect();
            if one_by_one.iter().all(Option::is_some) {
                let batch = signer.sign_digests(&digests).expect("the single signatures exist");
                assert_eq!(batch.into_iter().map(Some).collect::<Vec<_>>(), one_by_one, "batch signing differs");
            }
            if let Ok(valid) = signer.sign_digest(&e) {
                if r == [0u8; 32] && s == [0u8; 32] {
                    assert!(
                        verifier.verify_digest(&e, &valid).is_ok(),
                        "a fresh signature must verify"
                    );
                    assert!(
                        verifier.verify_digest_reference(&e, &valid).is_ok(),
                        "a fresh signature must verify on the reference path"
                    );
                }
                sig.r = std::array::from_fn(|i| valid.r[i] ^ r[i]);
                sig.s = std::array::from_fn(|i| valid.s[i] ^ s[i]);
            }
        }
    }
    common::edge_signature(mode, &mut sig);

    let fast = verifier.verify_digest(&e, &sig);
    let reference = verifier.verify_digest_reference(&e, &sig);
    assert_eq!(
        fast.is_ok(),
        reference.is_ok(),
        "fast {fast:?} / reference {reference:?}\nkey {}\ne {}\nr {}\ns {}",
        hex(&key.to_sec1_uncompressed()),
        hex(&e),
        hex(&sig.r),
        hex(&sig.s)
    );
});

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
