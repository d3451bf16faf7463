//! The SM2 field for wasm32: nine 29-bit limbs ("unsaturated": 9 × 29 = 261 bits for a
//! 256-bit value) in 32-bit words, Montgomery form with R = 2²⁶¹.
//!
//! Why not eight 32-bit limbs ([`super::field::Fe32`])? wasm32 has a 64×64→64-bit multiply
//! but no carry flag, so a 32×32→64-bit product added into a saturated accumulator costs a
//! widening, the product, two additions, a split and a shift each, and the Montgomery rounds
//! as many again. With 29-bit limbs a product is below 2⁵⁸ and a column of nine of them below
//! 2⁶², so the 81 products of a multiplication are each one multiply and one add into a 64-bit
//! column, with the carries taken once per column. The Montgomery reduction uses p's shape:
//! p ≡ −1 (mod 2²⁹), so −p⁻¹ ≡ 1 and each round's multiplier q is the low 29 bits of the
//! current column; q·(p + 1) = q·(2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴) is four shifted copies of q added
//! into signed columns (2⁶⁴ = 2⁶·2⁵⁸ is limb 2 shifted by 6, 2⁹⁶ limb 3 by 9, 2²²⁴ limb 7
//! by 21, 2²⁵⁶ limb 8 by 24). Nine rounds divide by 2²⁶¹, hence that R.
//!
//! Values are kept fully reduced (every limb < 2²⁹, the value < p), so the derived equality is
//! equality in the field, as [`Field`] requires. As in `Fe32`, the arithmetic has no branches
//! on values (carries and the final subtraction of p are masks), and `select`, `or_masked`
//! and the table scan are masked: signing's fixed-base comb runs on this type on wasm32.

use super::field::Field;
use super::point::Affine;

/// 2²⁹ − 1.
const MASK: u32 = (1 << 29) - 1;
/// Limbs.
const N: usize = 9;

/// p in 32-bit words, little-endian.
const P32: [u32; 8] = [
    0xffff_ffff,
    0xffff_ffff,
    0x0000_0000,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_ffff,
    0xffff_fffe,
];
/// p in 29-bit limbs.
const P: [u32; N] = from_words(&P32);
/// R mod p = 2²⁶¹ mod p: 1 doubled 261 times modulo p.
const R: [u32; N] = doubled(&one_plain(), 261);
/// R² mod p.
const R2: [u32; N] = doubled(&R, 261);

const fn one_plain() -> [u32; N] {
    let mut v = [0; N];
    v[0] = 1;
    v
}

/// 2ⁿ·a mod p.
const fn doubled(a: &[u32; N], n: u32) -> [u32; N] {
    let mut v = *a;
    let mut i = 0;
    while i < n {
        v = add_limbs(&v, &v);
        i += 1;
    }
    v
}

/// 32-bit words (little-endian, value < 2²⁵⁶) to 29-bit limbs.
const fn from_words(w: &[u32; 8]) -> [u32; N] {
    let mut out = [0; N];
    let mut acc: u64 = 0;
    let mut bits = 0;
    let mut k = 0;
    let mut i = 0;
    while i < 8 {
        acc |= (w[i] as u64) << bits;
        bits += 32;
        while bits >= 29 {
            out[k] = acc as u32 & MASK;
            acc >>= 29;
            bits -= 29;
            k += 1;
        }
        i += 1;
    }
    out[k] = acc as u32;
    out
}

/// 29-bit limbs (value < 2²⁵⁶) to 32-bit words, little-endian.
const fn to_words(l: &[u32; N]) -> [u32; 8] {
    let mut out = [0; 8];
    let mut acc: u64 = 0;
    let mut bits = 0;
    let mut w = 0;
    let mut k = 0;
    while k < N {
        acc |= (l[k] as u64) << bits;
        bits += 29;
        while bits >= 32 && w < 8 {
            out[w] = acc as u32;
            acc >>= 32;
            bits -= 32;
            w += 1;
        }
        k += 1;
    }
    out
}

/// s − p if s ≥ p, else s; s normalised (limbs < 2²⁹), below 2p.
#[inline(always)]
const fn reduce_once(s: &[u32; N]) -> [u32; N] {
    let mut d = [0; N];
    let mut borrow: i32 = 0;
    let mut i = 0;
    while i < N {
        let v = s[i] as i32 - P[i] as i32 + borrow;
        d[i] = v as u32 & MASK;
        borrow = v >> 29;
        i += 1;
    }
    // borrow is −1 exactly when s < p: keep s then.
    let keep_s = borrow as u32;
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = (s[i] & keep_s) | (d[i] & !keep_s);
        i += 1;
    }
    out
}

/// a + b mod p.
#[inline(always)]
const fn add_limbs(a: &[u32; N], b: &[u32; N]) -> [u32; N] {
    let mut s = [0; N];
    let mut carry = 0;
    let mut i = 0;
    while i < N {
        let v = a[i] + b[i] + carry;
        s[i] = v & MASK;
        carry = v >> 29;
        i += 1;
    }
    reduce_once(&s)
}

/// a − b mod p.
#[inline(always)]
fn sub_limbs(a: &[u32; N], b: &[u32; N]) -> [u32; N] {
    let mut d = [0; N];
    let mut borrow: i32 = 0;
    for i in 0..N {
        let v = a[i] as i32 - b[i] as i32 + borrow;
        d[i] = v as u32 & MASK;
        borrow = v >> 29;
    }
    // Add p back if a < b (borrow = −1).
    let mask = borrow as u32;
    let mut carry = 0;
    for i in 0..N {
        let v = d[i] + (P[i] & mask) + carry;
        d[i] = v & MASK;
        carry = v >> 29;
    }
    d
}

/// a / 2 mod p: a, or a + p when a is odd, shifted right by one.
#[inline(always)]
fn half_limbs(a: &[u32; N]) -> [u32; N] {
    let mask = 0u32.wrapping_sub(a[0] & 1);
    let mut t = [0; N];
    let mut carry = 0;
    for i in 0..N {
        let v = a[i] + (P[i] & mask) + carry;
        t[i] = v & MASK;
        carry = v >> 29;
    }
    core::array::from_fn(|i| {
        let above = if i + 1 < N { t[i + 1] } else { 0 };
        (t[i] >> 1) | ((above & 1) << 28)
    })
}

/// `$body` nine times, with `$i` = 0, 1, …, 8: the loops of the multiplication written out
/// in the source, so that they are straight-line code with constant indices (the columns in
/// locals) also where the crate is optimised for size (the verify-only WASM build, at
/// opt-level "z", does not unroll loops).
macro_rules! unroll9 {
    ($i:ident => $body:expr) => {{
        unroll9!(@ $i => $body; 0 1 2 3 4 5 6 7 8)
    }};
    (@ $i:ident => $body:expr; $($k:literal)*) => {{
        $({
            let $i: usize = $k;
            $body;
        })*
    }};
}

/// Montgomery reduction of the product columns `t` (t[0..17], signed 64-bit, the value below
/// p·2²⁶¹): t·2⁻²⁶¹ mod p, fully reduced.
#[inline(always)]
fn montgomery_reduce(t: &mut [i64; 2 * N]) -> [u32; N] {
    const M: i64 = MASK as i64;
    unroll9!(i => {
        // t + q·p = (t − q) + q·(p + 1); t[i] − q is a multiple of 2²⁹, carried up whole.
        let q = t[i] & M;
        t[i + 1] += t[i] >> 29;
        t[i + 2] += q << 6;
        t[i + 3] -= q << 9;
        t[i + 7] -= q << 21;
        t[i + 8] += q << 24;
    });
    // (t + Q·p) / 2²⁶¹ < p + p²/2²⁶¹ < 2p: normalise, then subtract p once if needed.
    let mut r = [0u32; N];
    let mut carry = 0i64;
    unroll9!(i => {
        let v = t[N + i] + carry;
        r[i] = (v & M) as u32;
        carry = v >> 29;
    });
    // Below 2p < 2²⁶¹: nothing carries out of the top limb.
    debug_assert_eq!(carry, 0);
    reduce_once(&r)
}

/// a·b·2⁻²⁶¹ mod p.
#[inline(always)]
fn mul_limbs(a: &[u32; N], b: &[u32; N]) -> [u32; N] {
    let a: [i64; N] = core::array::from_fn(|i| a[i] as i64);
    let b: [i64; N] = core::array::from_fn(|i| b[i] as i64);
    let mut t = [0i64; 2 * N];
    unroll9!(i => unroll9!(j => t[i + j] += a[i] * b[j]));
    montgomery_reduce(&mut t)
}

/// a²·2⁻²⁶¹ mod p: the products a[i]·a[j] with i < j once, against 2·a[i].
#[inline(always)]
fn square_limbs(a: &[u32; N]) -> [u32; N] {
    let a: [i64; N] = core::array::from_fn(|i| a[i] as i64);
    let mut t = [0i64; 2 * N];
    unroll9!(i => {
        t[2 * i] += a[i] * a[i];
        let twice = 2 * a[i];
        unroll9!(j => if j > i {
            t[i + j] += twice * a[j];
        });
    });
    montgomery_reduce(&mut t)
}

/// An element of the SM2 field, nine 29-bit limbs in Montgomery form (R = 2²⁶¹): wasm32.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fe29([u32; N]);

impl Field for Fe29 {
    const ZERO: Self = Fe29([0; N]);
    const ONE: Self = Fe29(R);
    /// b·R mod p: b doubled 261 times modulo p.
    const B: Self = {
        let be = crate::sm::sm2::hex32("28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93");
        let mut w = [0u32; 8];
        let mut i = 0;
        while i < 32 {
            w[(31 - i) / 4] |= (be[i] as u32) << (((31 - i) % 4) * 8);
            i += 1;
        }
        Fe29(doubled(&from_words(&w), 261))
    };

    fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let mut w = [0u32; 8];
        for (i, chunk) in bytes.rchunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        }
        let limbs = from_words(&w);
        // Below p exactly when reducing once leaves it unchanged.
        if reduce_once(&limbs) != limbs {
            return None;
        }
        Some(Fe29(mul_limbs(&limbs, &R2)))
    }

    fn to_be_bytes(&self) -> [u8; 32] {
        let canonical = to_words(&mul_limbs(&self.0, &one_plain()));
        let mut out = [0u8; 32];
        for (i, chunk) in out.rchunks_exact_mut(4).enumerate() {
            chunk.copy_from_slice(&canonical[i].to_be_bytes());
        }
        out
    }

    #[inline(always)]
    fn select(a: &Self, b: &Self, pick_b: bool) -> Self {
        // black_box keeps the optimiser from turning the mask back into a branch.
        let mask = core::hint::black_box(0u32.wrapping_sub(pick_b as u32));
        Fe29(core::array::from_fn(|i| (a.0[i] & !mask) | (b.0[i] & mask)))
    }

    #[inline(always)]
    fn or_masked(&mut self, other: &Self, take: bool) {
        let mask = core::hint::black_box(0u32.wrapping_sub(take as u32));
        for i in 0..N {
            self.0[i] |= other.0[i] & mask;
        }
    }

    #[inline(always)]
    fn add(&self, rhs: &Self) -> Self {
        Fe29(add_limbs(&self.0, &rhs.0))
    }

    #[inline(always)]
    fn sub(&self, rhs: &Self) -> Self {
        Fe29(sub_limbs(&self.0, &rhs.0))
    }

    #[inline(always)]
    fn mul(&self, rhs: &Self) -> Self {
        Fe29(mul_limbs(&self.0, &rhs.0))
    }

    #[inline(always)]
    fn square(&self) -> Self {
        Fe29(square_limbs(&self.0))
    }

    #[inline(always)]
    fn half(&self) -> Self {
        Fe29(half_limbs(&self.0))
    }

    super::field::generator_tables!(Fe29);
}
