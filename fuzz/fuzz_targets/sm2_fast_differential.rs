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
//! the CPU has it, portable) on k and e as field values (reduced below p first), and, when
//! there is a signer, the fast constant-time signing against the `sm2` crate's (same RFC 6979
//! nonce, so the same signature).

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::sm::sm2::{PrivateKey, PublicKey, Sm2Signature, Sm2Signer, Sm2Verifier, DEFAULT_DISTID, ORDER_N};

#[path = "common.rs"]
mod common;

fn part(data: &[u8], index: usize) -> [u8; 32] {
    let mut out = [0u8; 32];
    let start = 1 + 32 * index;
    if let Some(bytes) = data.get(start..) {
        let n = bytes.len().min(32);
        out[..n].copy_from_slice(&bytes[..n]);
    }
    out
}

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

fn limbs(bytes: &[u8; 32]) -> [u64; 4] {
    std::array::from_fn(|i| u64::from_be_bytes(bytes[24 - 8 * i..32 - 8 * i].try_into().expect("8 bytes")))
}

fn check_field(a: &[u8; 32], b: &[u8; 32]) {
    use yinjian::sm::sm2_fast::internals::{mul_accelerated, mul_portable, square_accelerated, square_portable};
    let (a, b) = (limbs(a), limbs(b));
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
    let (k, e, r, s) = (part(data, 0), part(data, 1), part(data, 2), part(data, 3));
    check_field(&k, &e);

    let mut signer: Option<Sm2Signer> = None;
    let mut key: PublicKey = fixed.public.clone();
    if mode & 1 != 0 {
        if let Ok(private) = PrivateKey::from_raw(&k) {
            key = private.public_key();
            signer = Sm2Signer::new(&private, DEFAULT_DISTID).ok();
        }
    } else if mode & 4 != 0 {
        let mut sec1 = [0u8; 33];
        sec1[0] = 2 + ((mode >> 4) & 1);
        sec1[1..].copy_from_slice(&k);
        if let Ok(point) = PublicKey::from_sec1(&sec1) {
            key = point;
        }
    }
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
                signer.sign_digest(&e).ok(),
                signer.sign_digest_reference(&e).ok(),
                "fast and reference signatures differ"
            );
            if let Ok(valid) = signer.sign_digest(&e) {
                if r == [0u8; 32] && s == [0u8; 32] {
                    assert!(verifier.verify_digest(&e, &valid).is_ok(), "a fresh signature must verify");
                }
                sig.r = std::array::from_fn(|i| valid.r[i] ^ r[i]);
                sig.s = std::array::from_fn(|i| valid.s[i] ^ s[i]);
            }
        }
    }
    if mode & 8 != 0 {
        sig.r = sub_be(&ORDER_N, &sig.s);
    }
    if mode & 32 != 0 {
        let mut n_minus_1 = ORDER_N;
        n_minus_1[31] -= 1;
        sig.s = if mode & 64 != 0 { ORDER_N } else { n_minus_1 };
    }

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
