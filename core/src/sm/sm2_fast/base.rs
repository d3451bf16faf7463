//! k·G in constant time for signing: a fixed-base comb over signed (Booth) windows of 6 bits,
//! with a table of 43 × 32 affine multiples of G computed once per process (88 KiB).
//!
//! k = Σ dᵢ·2⁶ⁱ with dᵢ ∈ [−32, 32], so k·G = Σ dᵢ·(2⁶ⁱ·G): 43 mixed additions and no
//! doubling. Everything that depends on k is branch-free: each window's digit is recoded
//! with arithmetic, its point is read by scanning all 32 entries of the window with masks
//! (no secret table index), negated by a masked select, and the cases "the accumulator is
//! still empty" and "the digit is 0" are resolved by masked selects after computing the
//! addition anyway. The field arithmetic is branch-free for all inputs (masked reductions;
//! the x86-64 assembly has no branches either), and the final inversion is Fermat's with a
//! fixed exponent.
//!
//! The mixed addition has no exceptional case here: before window i the accumulator holds
//! S·G with |S| < 2⁶ⁱ⁻¹ and the window adds dᵢ·2⁶ⁱ·G with |dᵢ·2⁶ⁱ| ≥ 2⁶ⁱ, so S ≢ ±dᵢ·2⁶ⁱ
//! (mod n) for every window below the top (both sides are below n/2 in magnitude); in the
//! top window, S ≡ dᵢ·2²⁵² would need k ≥ n and S ≡ −dᵢ·2²⁵² would need k ≡ 0 (mod n),
//! and k is in [1, n − 1]. S = 0 happens exactly while all digits so far are 0, which the
//! "empty" mask tracks.

use super::field::Field;
use super::point::{batch_to_affine, Affine, Jacobian};

/// Bits per window.
const WINDOW: u32 = 6;
/// Windows: 43 × 6 = 258 bits cover a 256-bit k and the carry of its top Booth digit.
const WINDOWS: usize = 43;
/// Points per window: 1·B … 32·B for B = 2⁶ⁱ·G.
pub(crate) const PER_WINDOW: usize = 1 << (WINDOW - 1);

/// Builds the comb table, `table[i][j]` = (j + 1)·2⁶ⁱ·G (once per process, through
/// [`Field::base_table`]).
pub(crate) fn build_table<F: Field>() -> Vec<[Affine<F>; PER_WINDOW]> {
    let mut jacobian = Vec::with_capacity(WINDOWS * PER_WINDOW);
    let mut base = Jacobian::from(&Affine::<F>::generator());
    for _ in 0..WINDOWS {
        jacobian.push(base);
        let mut multiple = base.double();
        jacobian.push(multiple);
        for _ in 2..PER_WINDOW {
            multiple = multiple.add(&base);
            jacobian.push(multiple);
        }
        // 2⁶·base = 2·(32·base).
        base = multiple.double();
    }
    // No multiple is at infinity: j·2⁶ⁱ with 0 < j ≤ 32 is not divisible by the prime n.
    let affine: Vec<Affine<F>> = batch_to_affine(&jacobian).into_iter().flatten().collect();
    affine
        .chunks_exact(PER_WINDOW)
        .map(|chunk| std::array::from_fn(|j| chunk[j]))
        .collect()
}

/// Bit `i` of k (little-endian limbs), 0 past the top.
#[inline(always)]
fn bit(k: &[u64; 4], i: i32) -> u32 {
    if !(0..256).contains(&i) {
        return 0;
    }
    ((k[(i / 64) as usize] >> (i % 64)) & 1) as u32
}

/// The affine x-coordinate of k·G (Montgomery form of the field `F`), for k in [1, n − 1]
/// given as little-endian 64-bit limbs; constant time in k.
pub(crate) fn mul_base_x<F: Field>(k: &[u64; 4]) -> F {
    let table = F::base_table();
    let mut acc = Jacobian {
        x: F::ONE,
        y: F::ONE,
        z: F::ZERO,
    };
    // All-ones while every digit so far was 0 (the accumulator is the point at infinity).
    let mut empty = true;
    for (i, window) in table.iter().enumerate() {
        // The 7 bits 6i − 1 … 6i + 5 (the bit positions are public, only their values are
        // secret; `bit` branches on the position only).
        let lo = 6 * i as i32 - 1;
        let mut w = 0u32;
        for j in 0..7 {
            w |= bit(k, lo + j) << j;
        }
        // dᵢ = w₀ + (w ≫ 1 mod 32) − 32·w₆, as sign and magnitude.
        let d = (w & 1) as i32 + ((w >> 1) & 31) as i32 - 32 * (w >> 6) as i32;
        let negative = (d >> 31) & 1;
        let magnitude = ((d ^ -negative) + negative) as u32;
        // Every entry read, the one for |dᵢ| kept by masks (none for dᵢ = 0).
        let mut q = F::lookup(window, magnitude);
        let neg_y = q.y.neg();
        q.y = F::select(&q.y, &neg_y, negative == 1);
        let zero_digit = ct_eq(magnitude, 0);
        let sum = add_affine_unchecked(&acc, &q);
        // acc empty: the sum is q itself; digit 0: acc unchanged.
        let with_q = Jacobian {
            x: F::select(&sum.x, &q.x, empty),
            y: F::select(&sum.y, &q.y, empty),
            z: F::select(&sum.z, &F::ONE, empty),
        };
        acc = Jacobian {
            x: F::select(&with_q.x, &acc.x, zero_digit),
            y: F::select(&with_q.y, &acc.y, zero_digit),
            z: F::select(&with_q.z, &acc.z, zero_digit),
        };
        empty &= zero_digit;
    }
    // k ≠ 0 mod n: acc is finite. Fermat's inversion is a fixed chain of 256 squarings and
    // 15 multiplications (constant time). crypto-bigint's constant-time safegcd
    // (`Uint::invert_odd_mod`) was measured at about the same cost here (5.7 µs), so it
    // brought nothing.
    let zinv = acc.z.invert();
    acc.x.mul(&zinv.square())
}

/// a == b as a bool computed without a branch on either.
#[inline(always)]
fn ct_eq(a: u32, b: u32) -> bool {
    let x = std::hint::black_box(a ^ b);
    // (x | −x) has its top bit set exactly when x ≠ 0.
    ((x | x.wrapping_neg()) >> 31) == 0
}

/// p + q for p possibly at infinity (garbage then, the caller selects) and q affine, with no
/// exceptional-case branch (madd-2007-bl shape: 7M + 4S).
#[inline(always)]
fn add_affine_unchecked<F: Field>(p: &Jacobian<F>, q: &Affine<F>) -> Jacobian<F> {
    let z1z1 = p.z.square();
    let u2 = q.x.mul(&z1z1);
    let s2 = q.y.mul(&p.z).mul(&z1z1);
    let h = u2.sub(&p.x);
    let r = s2.sub(&p.y);
    let hh = h.square();
    let hhh = h.mul(&hh);
    let v = p.x.mul(&hh);
    let x3 = r.square().sub(&hhh).sub(&v.double());
    let y3 = r.mul(&v.sub(&x3)).sub(&p.y.mul(&hhh));
    let z3 = p.z.mul(&h);
    Jacobian { x: x3, y: y3, z: z3 }
}
