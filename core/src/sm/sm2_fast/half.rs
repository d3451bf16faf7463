//! A key's first verification with half-size scalars (the idea of Antipa, Brown, Gallant,
//! Lambert, Struik and Vanstone, "Accelerated verification of ECDSA signatures", 2005,
//! applied to SM2's equation; written here from the mathematics, not from their text).
//!
//! GB/T 32918.2 accepts (r, s) over e iff r, s ∈ [1, n − 1], t = (r + s) mod n ≠ 0, and
//! Q = s·G + t·P is finite with (e + x(Q)) mod n = r. With v = (r − e) mod n, the last
//! condition is x(Q) ∈ {v, v + n} ∩ [0, p). This module decides the common case v + n ≥ p,
//! where it is x(Q) = v; the caller keeps the full-size path for v + n < p (v < p − n ≈ 2¹²⁸:
//! never met by chance, but r can be chosen so).
//!
//! **The points with x = v.** Let w = v³ − 3v + b. If w is not a square modulo p there is no
//! such point (the full-size path runs, so its error is reported). Otherwise y = w^((p+1)/4)
//! (p ≡ 3 mod 4) is a root, y ≠ 0 (a point with y = 0 would have order 2, and the group's
//! order n is an odd prime), R = (v, y), and the points with x = v are exactly R and −R ≠ R.
//!
//! **Half-size scalars.** [`short_ratio`] finds a, b with a ≡ b·t (mod n), 0 < |a|, |b| < 2¹²⁸
//! (so b ≢ 0 mod n). Let c = b·s mod n. Then c·G + a·P = b·s·G + b·t·P = b·Q, and
//!
//!   W = c·G + a·P − b·R = b·(Q − R)
//!
//! is one chain of 128 doublings (the digits of c, a and b added in as it goes) instead of the
//! 256 of s·G + t·P. Because n is prime and b ≢ 0: W = ∞ ⟺ Q = R ⟹ accept.
//!
//! **The other root.** A signature carries x(Q) only, so for half of the valid signatures
//! Q = −R, not R. If W ≠ ∞, then Q ≠ R and, with B = b·R (a second chain of 128 doublings
//! over R's table alone):
//!
//! - Q = −R ⟺ b·Q = −B ⟺ W = −2B: accept;
//! - Q = ∞ ⟺ b·Q = ∞ ⟺ W = −B: reject, as the full-size path does, with `Infinity`;
//! - otherwise Q is finite and not ±R, so x(Q) ≠ v: reject with `Mismatch`.
//!
//! (−B ≠ −2B, as B ≠ ∞.) So the verdicts, errors included, are exactly the full-size path's.
//! The second chain cannot be folded into the first: one chain of doublings accumulates one
//! sum, a test of b·Q = ±B needs either b·Q or B on its own, and which of ±R is Q is not known
//! before Q is. (ECDSA variants that fix the sign of R's y let a verifier stop after the first
//! chain; SM2's signatures do not.) Valid signatures take one chain or two, half each.
//!
//! Everything here is public (key, signature, digest): variable time is fine.

use super::field::Field;
use super::point::{self, Affine, Cached, Jacobian, P_TABLE_LEN, SPLIT_BITS};
use super::{add_limbs, be_from_limbs, lt, reduce_once_mod_n, sub_limbs, FastVerifyError, N};

/// 2²⁵⁶ − n, little-endian 64-bit limbs (below 2²²⁵).
const N_COMPLEMENT: [u64; 4] = [0xac44_0bf6_c62a_bedd, 0x8dfc_2094_de39_fad4, 0, 0x0000_0001_0000_0000];

/// Highest wNAF digit index of a number below 2¹²⁸.
const HALF_TOP: usize = 128;

/// What the half-size verification concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// Accepted: Q = R (`first`: the first chain decided) or Q = −R (the second chain did).
    Accept {
        /// Decided by the first chain alone (read by the tests).
        #[cfg_attr(not(test), allow(dead_code))]
        first: bool,
    },
    /// Rejected, with the error the full-size path gives.
    Reject(FastVerifyError),
    /// v is not the x of a point: the full-size path must decide (and name the error).
    Fallback,
}

/// (a, |b|, b < 0) with a ≡ b·t (mod n), 1 ≤ a < 2¹²⁸ and 1 ≤ |b| < 2¹²⁸, for t in [1, n − 1].
///
/// The extended Euclidean algorithm on (r₀, r₁) = (n, t) with b₀ = 0, b₁ = 1,
/// rᵢ₊₁ = rᵢ₋₁ − qᵢ·rᵢ, bᵢ₊₁ = bᵢ₋₁ − qᵢ·bᵢ keeps rᵢ ≡ bᵢ·t (mod n) (true for i = 0, 1 and
/// preserved by the step). The signs of bᵢ alternate (bᵢ = (−1)ⁱ⁺¹·|bᵢ| for i ≥ 1), so
/// |bᵢ₊₁| = |bᵢ₋₁| + qᵢ·|bᵢ|, and rᵢ·|bᵢ₊₁| + rᵢ₊₁·|bᵢ| = n for every i (true for i = 0:
/// n·1 + t·0; the step gives rᵢ₊₁·(|bᵢ| + qᵢ₊₁|bᵢ₊₁|) + (rᵢ − qᵢ₊₁rᵢ₊₁)·|bᵢ₊₁|, the same sum).
/// It stops at the first rₖ < 2¹²⁸ and returns (rₖ, bₖ). Every step is taken with
/// rᵢ ≥ 2¹²⁸, so |bᵢ₊₁| ≤ n / rᵢ < 2²⁵⁶ / 2¹²⁸: every |b| fits in a `u128` (the partial sums
/// of one step's binary long division are below the step's result). rₖ ≥ 1: the remainders
/// reach 0 only after gcd(n, t) = 1, itself below 2¹²⁸. |bₖ| ≥ 1: b₁ = 1 and |b| grows.
pub(crate) fn short_ratio(t: &[u64; 4]) -> (u128, u128, bool) {
    debug_assert!(t.iter().any(|&l| l != 0) && lt(t, &N));
    let (mut r0, mut r1) = (N, *t);
    let (mut m0, mut m1) = (0u128, 1u128);
    let mut negative = false; // the sign of b₁ = +1
    while r1[2] != 0 || r1[3] != 0 {
        // r0 = q·r1 + remainder, one quotient bit at a time from the top; m0 += q·m1.
        let shift = bit_length(&r0) - bit_length(&r1);
        for j in (0..=shift).rev() {
            let d = shl(&r1, j);
            if !lt(&r0, &d) {
                r0 = sub_limbs(&r0, &d).0;
                m0 += m1 << j;
            }
        }
        debug_assert!(lt(&r0, &r1));
        std::mem::swap(&mut r0, &mut r1);
        std::mem::swap(&mut m0, &mut m1);
        negative = !negative;
    }
    (u128::from(r1[0]) | (u128::from(r1[1]) << 64), m1, negative)
}

/// Bits of a (0 for 0).
fn bit_length(a: &[u64; 4]) -> u32 {
    for i in (0..4).rev() {
        if a[i] != 0 {
            return 64 * i as u32 + 64 - a[i].leading_zeros();
        }
    }
    0
}

/// a·2^k for a result below 2²⁵⁶ (the caller's bit lengths guarantee it).
fn shl(a: &[u64; 4], k: u32) -> [u64; 4] {
    let (limbs, bits) = ((k / 64) as usize, k % 64);
    std::array::from_fn(|i| {
        if i < limbs {
            0
        } else if bits != 0 && i > limbs {
            (a[i - limbs] << bits) | (a[i - limbs - 1] >> (64 - bits))
        } else {
            a[i - limbs] << bits
        }
    })
}

/// The 512-bit product a·b.
fn mul_wide(a: &[u64; 4], b: &[u64; 4]) -> [u64; 8] {
    let mut out = [0u64; 8];
    for (i, &ai) in a.iter().enumerate() {
        let mut carry = 0u128;
        for (j, &bj) in b.iter().enumerate() {
            let t = u128::from(ai) * u128::from(bj) + u128::from(out[i + j]) + carry;
            out[i + j] = t as u64;
            carry = t >> 64;
        }
        out[i + 4] = carry as u64;
    }
    out
}

/// a·b mod n for any a, b below 2²⁵⁶: x = H·2²⁵⁶ + L ≡ H·(2²⁵⁶ − n) + L (mod n), folded
/// until H = 0 (each fold takes at least 31 bits off H, as 2²⁵⁶ − n < 2²²⁵), then one
/// subtraction (L < 2²⁵⁶ < 2n).
pub(crate) fn mul_mod_n(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let mut x = mul_wide(a, b);
    loop {
        let high = [x[4], x[5], x[6], x[7]];
        let low = [x[0], x[1], x[2], x[3]];
        if high == [0; 4] {
            return reduce_once_mod_n(&low);
        }
        let folded = mul_wide(&high, &N_COMPLEMENT);
        let (sum, carry) = add_limbs(&low, &[folded[0], folded[1], folded[2], folded[3]]);
        // folded < 2⁴⁸¹: its top limbs plus the carry do not overflow.
        let (top, _) = add_limbs(&[folded[4], folded[5], folded[6], folded[7]], &[carry, 0, 0, 0]);
        x = [sum[0], sum[1], sum[2], sum[3], top[0], top[1], top[2], top[3]];
    }
}

/// w^((p+1)/4): a square root of w when w is a square modulo p (p ≡ 3 mod 4); otherwise its
/// square is −w. (p + 1)/4 in binary is 1³¹ 0 1¹²⁸ 0³¹ 1 0⁶² (1ᵏ: k ones), read from the top
/// with xₖ = w^(2ᵏ − 1) built as in `field::fermat_invert`: 253 squarings, 13 multiplications.
pub(crate) fn sqrt_candidate<F: Field>(w: &F) -> F {
    let x1 = *w;
    let x2 = x1.square().mul(&x1);
    let x3 = x2.square().mul(&x1);
    let x6 = x3.square_times(3).mul(&x3);
    let x12 = x6.square_times(6).mul(&x6);
    let x15 = x12.square_times(3).mul(&x3);
    let x30 = x15.square_times(15).mul(&x15);
    let x31 = x30.square().mul(&x1);
    let x32 = x31.square().mul(&x1);
    let mut acc = x31.square();
    for _ in 0..4 {
        acc = acc.square_times(32).mul(&x32);
    }
    acc = acc.square_times(32).mul(&x1);
    acc.square_times(62)
}

/// Little-endian limbs of a `u128`.
fn limbs(k: u128) -> [u64; 4] {
    [k as u64, (k >> 64) as u64, 0, 0]
}

/// Adds (or, with `negate`, subtracts) the table entry for a wNAF digit.
#[inline(always)]
fn add_cached_digit<F: Field>(
    acc: &Jacobian<F>,
    table: &[Cached<F>; P_TABLE_LEN],
    d: i16,
    negate: bool,
) -> Jacobian<F> {
    if d == 0 {
        return *acc;
    }
    let entry = &table[(d.unsigned_abs() >> 1) as usize];
    if (d < 0) != negate {
        acc.add_cached(&entry.neg())
    } else {
        acc.add_cached(entry)
    }
}

/// c·G + (±a)·P − b·R (`a_negative` picks −a) for c below 2²⁵⁶ and a, b below 2¹²⁸: one chain
/// of 128 doublings. c = c₀ + 2¹²⁸·c₁: c₀'s digits (width 12) from G's wNAF table, c₁'s
/// (width 8) from the odd multiples of 2¹²⁸·G among G's split tables (both built once per
/// process already); P's and R's from their wNAF tables.
pub(crate) fn first_chain<F: Field>(
    c: &[u64; 4],
    p_table: &[Cached<F>; P_TABLE_LEN],
    a: u128,
    a_negative: bool,
    r_table: &[Cached<F>; P_TABLE_LEN],
    b: u128,
) -> Jacobian<F> {
    let g_low = F::generator_table();
    // The split tables' part j holds multiples of 2^(64·j)·G.
    let g_high = &F::generator_split_tables()[HALF_TOP / SPLIT_BITS];
    let dc_low = point::wnaf(&[c[0], c[1], 0, 0], point::WNAF_WIDTH_G);
    let dc_high = point::wnaf(&[c[2], c[3], 0, 0], point::WNAF_WIDTH_G_SPLIT);
    let da = point::wnaf(&limbs(a), point::WNAF_WIDTH_P);
    let db = point::wnaf(&limbs(b), point::WNAF_WIDTH_P);
    let mut acc = Jacobian::infinity();
    for i in (0..=HALF_TOP).rev() {
        if !acc.is_infinity() {
            acc = acc.double();
        }
        acc = point::add_digit(&acc, g_low, dc_low[i]);
        acc = point::add_digit(&acc, g_high, dc_high[i]);
        acc = add_cached_digit(&acc, p_table, da[i], a_negative);
        acc = add_cached_digit(&acc, r_table, db[i], true);
    }
    acc
}

/// b·R from R's wNAF table, b below 2¹²⁸ (128 doublings).
pub(crate) fn table_multiple<F: Field>(table: &[Cached<F>; P_TABLE_LEN], b: u128) -> Jacobian<F> {
    let digits = point::wnaf(&limbs(b), point::WNAF_WIDTH_P);
    let mut acc = Jacobian::infinity();
    for i in (0..=HALF_TOP).rev() {
        if !acc.is_infinity() {
            acc = acc.double();
        }
        acc = add_cached_digit(&acc, table, digits[i], false);
    }
    acc
}

/// u == −w for finite u, w, compared without an inversion: X_u·Z_w² = X_w·Z_u² and
/// Y_u·Z_w³ = −Y_w·Z_u³.
fn is_negation<F: Field>(u: &Jacobian<F>, w: &Jacobian<F>) -> bool {
    let (zu2, zw2) = (u.z.square(), w.z.square());
    if u.x.mul(&zw2) != w.x.mul(&zu2) {
        return false;
    }
    u.y.mul(&zw2.mul(&w.z)) == w.y.mul(&zu2.mul(&u.z)).neg()
}

/// The verdict for s, t = (r + s) mod n (both in [1, n − 1]) and v = (r − e) mod n with
/// v + n ≥ p (the caller's checks), for the key with wNAF table `p_table`; see the module
/// documentation for why it is exactly the full-size verdict.
pub(crate) fn verify<F: Field>(
    p_table: &[Cached<F>; P_TABLE_LEN],
    s: &[u64; 4],
    t: &[u64; 4],
    v: &[u64; 4],
) -> Outcome {
    // v < n < p: it decodes.
    let Some(x) = F::from_be_bytes(&be_from_limbs(v)) else {
        return Outcome::Fallback;
    };
    let w = x.square().mul(&x).sub(&x.double().add(&x)).add(&F::B);
    let y = sqrt_candidate(&w);
    // y = 0 only for w = 0, which no x on this curve gives (see the module documentation);
    // leave it to the full-size path all the same.
    if y.is_zero() || y.square() != w {
        return Outcome::Fallback;
    }
    let r_table = point::variable_point_table(&Affine { x, y });
    let (a, b, b_negative) = short_ratio(t);
    // With b < 0, (−a, −b) is the pair: −a ≡ −b·t, and −b > 0.
    let c = mul_mod_n(&limbs(b), s);
    let w_point = first_chain(&c, p_table, a, b_negative, &r_table, b);
    if w_point.is_infinity() {
        return Outcome::Accept { first: true };
    }
    let b_r = table_multiple(&r_table, b);
    if is_negation(&w_point, &b_r.double()) {
        Outcome::Accept { first: false }
    } else if is_negation(&w_point, &b_r) {
        Outcome::Reject(FastVerifyError::Infinity)
    } else {
        Outcome::Reject(FastVerifyError::Mismatch)
    }
}
