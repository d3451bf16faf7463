// Shared by the fuzz targets (included with `#[path]`): one fixed key pair, its signer
// and verifier, built once per process.

use std::sync::OnceLock;

use yinjian::sm::sm2::{PrivateKey, PublicKey, Sm2Signature, Sm2Signer, Sm2Verifier, DEFAULT_DISTID, ORDER_N};

// Each target uses only some of the fields.
#[allow(dead_code)]
pub struct Fixed {
    pub public: PublicKey,
    pub signer: Sm2Signer,
    pub verifier: Sm2Verifier,
}

pub fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let key = PrivateKey::from_raw(&[0x5a; 32]).expect("fixed scalar is a valid key");
        let public = key.public_key();
        let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
        let verifier = Sm2Verifier::new(&public, DEFAULT_DISTID).expect("verifier");
        Fixed {
            public,
            signer,
            verifier,
        }
    })
}

/// The 32 bytes of `data` from `start` (zero-padded past its end).
#[allow(dead_code)]
pub fn bytes32(data: &[u8], start: usize) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Some(bytes) = data.get(start..) {
        let n = bytes.len().min(32);
        out[..n].copy_from_slice(&bytes[..n]);
    }
    out
}

/// a − b on 32-byte big-endian numbers (modulo 2²⁵⁶).
#[allow(dead_code)]
pub fn sub_be(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = a[i] as i16 - b[i] as i16 - borrow;
        borrow = i16::from(d < 0);
        out[i] = d.rem_euclid(256) as u8;
    }
    out
}

/// A 32-byte big-endian number as little-endian 64-bit limbs.
#[allow(dead_code)]
pub fn limbs(bytes: &[u8; 32]) -> [u64; 4] {
    std::array::from_fn(|i| u64::from_be_bytes(bytes[24 - 8 * i..32 - 8 * i].try_into().expect("8 bytes")))
}

/// The key a differential input names by its mode byte: bit 0, the key of the private scalar
/// `k` (with its signer); else bit 2, the point of x = `k` (bit 4 its parity); else, or when
/// `k` is no valid key, the fixed key.
#[allow(dead_code)]
pub fn key_of(mode: u8, k: &[u8; 32]) -> (PublicKey, Option<Sm2Signer>) {
    if mode & 1 != 0 {
        if let Ok(private) = PrivateKey::from_raw(k) {
            return (private.public_key(), Sm2Signer::new(&private, DEFAULT_DISTID).ok());
        }
    } else if mode & 4 != 0 {
        let mut sec1 = [0u8; 33];
        sec1[0] = 2 + ((mode >> 4) & 1);
        sec1[1..].copy_from_slice(k);
        if let Ok(point) = PublicKey::from_sec1(&sec1) {
            return (point, None);
        }
    }
    (fixed().public.clone(), None)
}

/// The edge cases a differential input's mode byte asks of a signature: bit 3, r = n − s (so
/// r + s ≡ 0); bit 5, s = n − 1, or with bit 6 s = n (out of range).
#[allow(dead_code)]
pub fn edge_signature(mode: u8, sig: &mut Sm2Signature) {
    if mode & 8 != 0 {
        sig.r = sub_be(&ORDER_N, &sig.s);
    }
    if mode & 32 != 0 {
        let mut n_minus_1 = ORDER_N;
        n_minus_1[31] -= 1;
        sig.s = if mode & 64 != 0 { ORDER_N } else { n_minus_1 };
    }
}
