//! k·G in constant time for signing: a fixed-base comb over odd signed windows of 6 bits,
//! with a table of 43 × 32 affine odd multiples of G computed once per process (88 KiB).
//!
//! Only x(k·G) is needed, and x(k·G) = x((n − k)·G), so an even k is replaced by the odd
//! n − k (a masked select). An odd k < 2²⁵⁶ is Σᵢ dᵢ·2⁶ⁱ with 43 odd digits, none zero: for
//! i < 42, dᵢ = 2·vᵢ − 63 ∈ {±1, ±3, …, ±63} where vᵢ = bits 6i + 1 … 6i + 6 of k, and
//! d₄₂ = 2·(k ≫ 253) + 1 ∈ {1, 3, …, 15}. (With kᵢ = 2·(k ≫ (6i + 1)) + 1, k₀ = k since k is
//! odd, kᵢ = dᵢ + 2⁶·kᵢ₊₁ and k₄₂ = d₄₂.) So k·G = Σ dᵢ·(2⁶ⁱ·G): the top window's entry, then
//! 42 mixed additions, no doubling, and no digit is ever 0: no "skip" or "empty
//! accumulator" case to mask. Everything that depends on k is branch-free: the digits are
//! shifts and masks, each window's entry is read by scanning all of its entries with masks
//! (no secret table index), negated by a masked select. The field arithmetic is branch-free
//! for all inputs (masked reductions; the x86-64 assembly has no branches either), and the
//! final inversion is constant time (`safegcd`'s fixed divsteps natively, Fermat's fixed
//! exponent on wasm32). [`mul_base_x_many`] runs the comb for up to [`BATCH`] scalars and
//! shares one inversion among them (Montgomery's trick), for batch signing.
//!
//! The windows are added from the top down, which makes every mixed addition regular. Before
//! window i − 1 the accumulator is Tᵢ·G with Tᵢ = Σ_{j ≥ i} dⱼ·2⁶ʲ = k − Sᵢ, Sᵢ = Σ_{j < i} dⱼ·2⁶ʲ,
//! |Sᵢ| < 2⁶ⁱ, so |Tᵢ| < n + 2⁶ⁱ < 2n; Tᵢ is 2⁶ⁱ times an odd number. The addition of
//! dᵢ₋₁·2⁶⁽ⁱ⁻¹⁾·G is exceptional only if D = Tᵢ ∓ dᵢ₋₁·2⁶⁽ⁱ⁻¹⁾ ≡ 0 (mod n). D is 2⁶⁽ⁱ⁻¹⁾ times
//! an odd number, so D ≠ 0, and |D| < 2n, so D = ±n, impossible for i ≥ 2 (n is odd). For
//! i = 1: with "−", D = k − 2·d₀ = ±n gives k = n + 2·d₀ (d₀ < 0), whose own d₀ is
//! (k mod 128) − 64 ≡ (n mod 128) + 2·d₀ − 64, i.e. d₀ ≡ 29 (mod 128): not negative; with
//! "+", D = k = ±n, impossible. The accumulator is never at infinity either (Tᵢ is a nonzero
//! multiple of 2⁶ⁱ below 2n in magnitude, and T₀ = k).

use super::field::Field;
use super::point::{batch_to_affine, Affine, Jacobian};

/// Bits per window.
const WINDOW: u32 = 6;
/// Windows: 42 of 6 bits (bits 1 … 252) and the top one (bits 253 … 255).
const WINDOWS: usize = 43;
/// Points per window: 1·B, 3·B, …, 63·B for B = 2⁶ⁱ·G.
pub(crate) const PER_WINDOW: usize = 1 << (WINDOW - 1);
/// Entries of the top window that can be read: d₄₂ ∈ {1, 3, …, 15}.
const TOP_ENTRIES: usize = 8;

/// Builds the comb table, `table[i][j]` = (2j + 1)·2⁶ⁱ·G (once per process, through
/// [`Field::base_table`]).
pub(crate) fn build_table<F: Field>() -> Vec<[Affine<F>; PER_WINDOW]> {
    let mut jacobian = Vec::with_capacity(WINDOWS * PER_WINDOW);
    let mut base = Jacobian::from(&Affine::<F>::generator());
    for _ in 0..WINDOWS {
        let twice = base.double();
        let mut multiple = base;
        jacobian.push(multiple);
        for _ in 1..PER_WINDOW {
            multiple = multiple.add(&twice);
            jacobian.push(multiple);
        }
        // 2⁶·base = 63·base + base.
        base = multiple.add(&base);
    }
    // No multiple is at infinity: (2j + 1)·2⁶ⁱ with 2j + 1 ≤ 63 is not divisible by the
    // prime n.
    let affine: Vec<Affine<F>> = batch_to_affine(&jacobian).into_iter().flatten().collect();
    affine
        .chunks_exact(PER_WINDOW)
        .map(|chunk| std::array::from_fn(|j| chunk[j]))
        .collect()
}

/// `count` ≤ 8 bits of k from bit `at` (positions public: the branch is on `at` only).
#[inline(always)]
fn bits(k: &[u64; 4], at: usize, count: u32) -> u32 {
    let (limb, shift) = (at / 64, at % 64);
    let mut v = k[limb] >> shift;
    if shift + count as usize > 64 && limb < 3 {
        v |= k[limb + 1] << (64 - shift);
    }
    (v & ((1 << count) - 1)) as u32
}

/// k if k is odd, else n − k (for k in [1, n − 1]: in [1, n − 1] and odd either way),
/// selected with a mask.
#[inline(always)]
fn odd_equivalent(k: &[u64; 4]) -> [u64; 4] {
    let (n_minus_k, _) = super::sub_limbs(&super::N, k);
    // All ones when k is even.
    let even = std::hint::black_box((k[0] & 1).wrapping_sub(1));
    std::array::from_fn(|i| (n_minus_k[i] & even) | (k[i] & !even))
}

/// The affine x-coordinate of k·G (Montgomery form of the field `F`), for k in [1, n − 1]
/// given as little-endian 64-bit limbs; constant time in k.
pub(crate) fn mul_base_x<F: Field>(k: &[u64; 4]) -> F {
    let acc = mul_base_jacobian::<F>(k);
    // k ≠ 0 mod n: acc is finite. The inversion is constant time: divsteps (`safegcd`, a
    // fixed 590 steps) for the 64-bit layout, Fermat's fixed addition chain for the 32-bit
    // one. (crypto-bigint's constant-time safegcd, `Uint::invert_odd_mod`, was measured at
    // 5.7 µs against 3.5 µs for Fermat's chain; `safegcd` is written for p.)
    let zinv = acc.z.invert();
    acc.x.mul(&zinv.square())
}

/// Most scalars [`mul_base_x_many`] (and [`invert_all`]) take in one call.
pub(crate) const BATCH: usize = 32;

/// x(kᵢ·G), big-endian, into `out[i]` for each kᵢ in [1, n − 1] of `ks` (at most [`BATCH`],
/// `out` as long), with one inversion for all of them (Montgomery's trick, [`invert_all`]):
/// per scalar the comb of [`mul_base_x`], three multiplications of the trick, and the
/// squaring and multiplication of X/Z², instead of a whole inversion each.
///
/// Constant time in the scalars: the operations and memory accesses depend on `ks.len()`
/// only. Every Z is nonzero, so no Z can spoil the others' inverses (a zero factor would
/// make the product 0, and every "inverse" 0): the comb's accumulator starts at a table
/// entry (Z = 1) and each mixed addition sets Z₃ = Z₁·H with H = x_q·Z₁² − X₁, which is 0
/// only when the added entry is ± the accumulator, an exceptional addition the module doc
/// shows never occurs for k in [1, n − 1]; p is prime, so a product of nonzero Z is nonzero.
pub(crate) fn mul_base_x_many<F: Field>(ks: &[[u64; 4]], out: &mut [[u8; 32]]) {
    assert!(
        ks.len() <= BATCH && out.len() == ks.len(),
        "at most BATCH scalars, one output each"
    );
    let mut xs = [F::ZERO; BATCH];
    let mut zs = [F::ONE; BATCH];
    for ((k, x), z) in ks.iter().zip(&mut xs).zip(&mut zs) {
        let acc = mul_base_jacobian::<F>(k);
        *x = acc.x;
        *z = acc.z;
    }
    let zs = &mut zs[..ks.len()];
    invert_all(zs);
    for ((x, zinv), out) in xs.iter().zip(zs.iter()).zip(out.iter_mut()) {
        *out = x.mul(&zinv.square()).to_be_bytes();
    }
}

/// Replaces each of `values` (at most [`BATCH`], none zero) by its inverse with one
/// inversion and 3·(m − 1) multiplications for m values (Montgomery's trick): the prefix
/// products a₀, a₀a₁, …, a₀⋯aₘ₋₁, one inversion of the last, then from the top down
/// aᵢ⁻¹ = (a₀⋯aᵢ)⁻¹·(a₀⋯aᵢ₋₁) and (a₀⋯aᵢ₋₁)⁻¹ = (a₀⋯aᵢ)⁻¹·aᵢ. The same operations for
/// every input of a given length (constant time: the inversion is). Were a value zero,
/// every result would be zero.
pub(crate) fn invert_all<F: Field>(values: &mut [F]) {
    assert!(values.len() <= BATCH, "at most BATCH values");
    let Some((first, rest)) = values.split_first() else {
        return;
    };
    let mut prefix = [F::ONE; BATCH];
    prefix[0] = *first;
    for (i, v) in rest.iter().enumerate() {
        prefix[i + 1] = prefix[i].mul(v);
    }
    // inv = (a₀⋯aᵢ)⁻¹ at step i.
    let mut inv = prefix[values.len() - 1].invert();
    for i in (1..values.len()).rev() {
        let inverse = inv.mul(&prefix[i - 1]);
        inv = inv.mul(&values[i]);
        values[i] = inverse;
    }
    values[0] = inv;
}

/// k·G in Jacobian coordinates for k in [1, n − 1] (little-endian limbs), Z ≠ 0: the comb
/// (see the module doc); constant time in k.
#[inline(always)]
fn mul_base_jacobian<F: Field>(k: &[u64; 4]) -> Jacobian<F> {
    let table = F::base_table();
    let k = odd_equivalent(k);
    // The top digit 2·v + 1 is positive: entry v.
    let top = F::lookup(&table[WINDOWS - 1][..TOP_ENTRIES], bits(&k, 253, 3) + 1);
    let mut acc = Jacobian::from(&top);
    for i in (0..WINDOWS - 1).rev() {
        // dᵢ = 2·v − 63: negative exactly when v < 32, and its entry (|dᵢ| − 1)/2 is v − 32
        // or 31 − v, i.e. the low 5 bits of v, complemented when negative.
        let v = bits(&k, 6 * i + 1, WINDOW);
        let negative = 1 - (v >> 5);
        let entry = (v ^ (negative.wrapping_neg() & 31)) & 31;
        // Every entry read, the one for |dᵢ| kept by masks.
        let mut q = F::lookup(&table[i], entry + 1);
        q.y = q.y.neg_if(ct_eq(negative, 1));
        acc = add_affine_unchecked(&acc, &q);
    }
    acc
}

/// a == b as a bool computed without a branch on either.
#[inline(always)]
fn ct_eq(a: u32, b: u32) -> bool {
    let x = std::hint::black_box(a ^ b);
    // (x | −x) has its top bit set exactly when x ≠ 0.
    ((x | x.wrapping_neg()) >> 31) == 0
}

/// p + q for q affine, p ≠ ±q and neither at infinity (the comb never adds otherwise, see
/// the module doc), with no exceptional-case branch (madd-2007-bl shape: 7M + 4S). The steps
/// come in the order their inputs become ready, in pairs that do not wait for each other:
/// Z₁² and y_q·Z₁; U₂ and S₂; then Z₃ = Z₁·H, which the next addition's Z₁² waits for,
/// before H² and R²; H³ and X₁·H²; Y₁·H³ and R·(V − X₃). With the formula's own order (Z₃
/// last) a k·G took about 10 % longer on the x86-64 assembly for the same operations. Running the
/// combs of 2–4 scalars in lockstep did not pay on top of this (docs/PERFORMANCE.md,
/// "Session of 2026-12-07 (4)").
#[inline(always)]
fn add_affine_unchecked<F: Field>(p: &Jacobian<F>, q: &Affine<F>) -> Jacobian<F> {
    let z1z1 = p.z.square();
    let yz = q.y.mul(&p.z);
    let u2 = q.x.mul(&z1z1);
    let s2 = yz.mul(&z1z1);
    let h = u2.sub(&p.x);
    let r = s2.sub(&p.y);
    let z3 = p.z.mul(&h);
    let hh = h.square();
    let rr = r.square();
    let hhh = h.mul(&hh);
    let v = p.x.mul(&hh);
    let x3 = rr.sub(&hhh).sub(&v.double());
    let yhhh = p.y.mul(&hhh);
    Jacobian {
        x: x3,
        y: r.mul(&v.sub(&x3)).sub(&yhhh),
        z: z3,
    }
}
