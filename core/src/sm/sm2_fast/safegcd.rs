//! Constant-time inversion modulo the SM2 prime by Bernstein and Yang's divsteps ("Fast
//! constant-time gcd computation and modular inversion", 2019), in the half-delta form
//! (δ starts at ½), for signing's x₁ = X/Z².
//!
//! One divstep maps (δ, f, g), f odd, to
//! - (1 − δ, g, (g − f)/2) when δ > 0 and g is odd,
//! - (1 + δ, f, (g + f)/2) when g is odd otherwise,
//! - (1 + δ, f, g/2) when g is even.
//!
//! From f = p and g = x, g reaches 0 and f ±gcd = ±1 within 590 half-delta divsteps for
//! 256-bit inputs (the bound computed for this variant); this code runs exactly 590: nine
//! batches of 62 and a last one of 32 (whose matrix is scaled by 2³⁰ to the others' 2⁶², so
//! the same division by 2⁶² applies). A batch only looks at the low 64 bits of f and g: it runs the 62 divsteps
//! on those and returns the transition matrix (u v; q r), scaled by 2⁶², that maps the full
//! (f, g) to 2⁶²·(f′, g′) (every entry is at most 2⁶² in absolute value, and so are |u| + |v|
//! and |q| + |r|). The same matrix maps (d, e), kept with f ≡ d·x and g ≡ e·x (mod p), and
//! the division by 2⁶² modulo p adds the multiple m·p that clears the low 62 bits: since
//! p ≡ −1 (mod 2⁶⁴), m is the low 62 bits of the sum itself. d and e are not reduced on the
//! way: each batch adds less than p to their magnitude, so after ten |d| < 11p, which the
//! five signed 62-bit limbs hold with room to spare; one normalisation at the end.
//!
//! Constant time: the number of divsteps and batches is fixed, every step computes both
//! branches' values and picks with masks, and the masks pass through an optimisation barrier
//! (`adx::opaque` on x86-64: an empty `asm!` block, no memory round trip) so the compiler
//! cannot turn them back into branches. Multiplications are 64×64→128-bit products of public
//! shape.

use super::P;

/// Low 62 bits.
const M62: u64 = (1 << 62) - 1;

/// A signed integer as Σ lᵢ·2⁶²ⁱ, limbs 0–3 in [0, 2⁶²), limb 4 signed.
type Signed62 = [i64; 5];

/// p in signed 62-bit limbs.
const P62: Signed62 = [
    0x3fff_ffff_ffff_ffff,
    0x3fff_fffc_0000_0003,
    0x3fff_ffff_ffff_ffff,
    0x3fff_ffbf_ffff_ffff,
    0xff,
];

/// 16·p in signed 62-bit limbs (added before the final reduction to make d positive).
const P62_X16: Signed62 = [
    0x3fff_ffff_ffff_fff0,
    0x3fff_ffc0_0000_003f,
    0x3fff_ffff_ffff_ffff,
    0x3fff_fbff_ffff_ffff,
    0xfff,
];

/// Batches: nine of [`STEPS`] divsteps and a last of [`LAST_STEPS`], 590 in all.
const BATCHES: usize = 10;
/// Divsteps per batch (the matrix entries, at most 2^STEPS, fit an i64).
const STEPS: u32 = 62;
/// Divsteps of the last batch: 9·62 + 32 = 590, the bound.
const LAST_STEPS: u32 = 32;

/// Divsteps of batch `batch` (a public count).
#[inline(always)]
const fn steps_of(batch: usize) -> u32 {
    if batch + 1 == BATCHES {
        LAST_STEPS
    } else {
        STEPS
    }
}

/// x without the compiler knowing anything about it (a mask stays a mask).
#[inline(always)]
fn opaque(x: u64) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        super::adx::opaque(x)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        core::hint::black_box(x)
    }
}

/// x⁻¹ mod p for x < p (plain integers, little-endian 64-bit limbs); 0 for 0. Constant time
/// in x.
pub(crate) fn invert(x: &[u64; 4]) -> [u64; 4] {
    let mut f = P62;
    let mut g = to_signed62(x);
    let mut d: Signed62 = [0; 5];
    let mut e: Signed62 = [1, 0, 0, 0, 0];
    // 2δ, odd: δ = ½.
    let mut delta2 = 1i64;
    for batch in 0..BATCHES {
        let low = |v: &Signed62| (v[0] as u64) | ((v[1] as u64) << 62);
        let (next, matrix) = divsteps(delta2, low(&f), low(&g), steps_of(batch));
        delta2 = next;
        apply(&mut f, &mut g, &matrix, false);
        apply(&mut d, &mut e, &matrix, true);
    }
    debug_assert!(g == [0; 5], "divsteps did not reach g = 0");
    // f = ±1 (for x = 0, f = p and d = 0): x⁻¹ ≡ d·f.
    let negative = (f[4] >> 63) as u64;
    normalize(&d, negative)
}

/// `steps` ≤ [`STEPS`] divsteps on the low 64 bits of f (odd) and g from 2δ = `delta2`: the
/// new 2δ and the matrix [u, v, q, r] with 2^STEPS·f′ = u·f + v·g and 2^STEPS·g′ = q·f + r·g
/// (for fewer steps than [`STEPS`], the matrix of those steps times 2^(STEPS − steps)).
#[inline(always)]
fn divsteps(mut delta2: i64, mut f: u64, mut g: u64, steps: u32) -> (i64, [i64; 4]) {
    let (mut u, mut v, mut q, mut r) = (1u64, 0u64, 0u64, 1u64);
    for _ in 0..steps {
        // All ones when g is odd, and when moreover δ > 0 (2δ ≥ 1): the swapping case.
        let odd = opaque((g & 1).wrapping_neg());
        let positive = !(((delta2 - 1) >> 63) as u64);
        let swap = opaque(odd & positive);
        // g′ = (g − f)/2 (swap), (g + f)/2 (odd), g/2 (even): f negated when swapping, added
        // when odd. Computed from the old f and g, so the chain from one g to the next is
        // short (parity, masks, one addition, one shift).
        let f_signed = (f ^ swap).wrapping_sub(swap);
        let next_g = g.wrapping_add(f_signed & odd) >> 1;
        // f′ = g when swapping.
        f ^= (f ^ g) & swap;
        g = next_g;
        // The scaled matrix likewise: (q, r) += ±(u, v) when odd (minus when swapping), then
        // (u, v) ← 2·(q, r) (the old ones) when swapping, else 2·(u, v).
        let u_signed = (u ^ swap).wrapping_sub(swap);
        let v_signed = (v ^ swap).wrapping_sub(swap);
        let next_u = u ^ ((u ^ q) & swap);
        let next_v = v ^ ((v ^ r) & swap);
        q = q.wrapping_add(u_signed & odd);
        r = r.wrapping_add(v_signed & odd);
        u = next_u << 1;
        v = next_v << 1;
        // 2δ ← 2 − 2δ (swap) or 2 + 2δ.
        delta2 = (delta2 ^ swap as i64).wrapping_sub(swap as i64) + 2;
    }
    let scale = STEPS - steps;
    (
        delta2,
        [
            (u << scale) as i64,
            (v << scale) as i64,
            (q << scale) as i64,
            (r << scale) as i64,
        ],
    )
}

/// (a, b) ← ((u·a + v·b)/2⁶², (q·a + r·b)/2⁶²) for the matrix [u, v, q, r].
///
/// For (f, g) (`modulo_p` false) the divisions are exact: the matrix was built so. For
/// (d, e) (`modulo_p` true) they are modulo p: m·p added to each sum clears its low 62 bits
/// with m = the sum mod 2⁶² (p ≡ −1 mod 2⁶²); each magnitude grows by less than p
/// (|u| + |v| ≤ 2⁶², m < 2⁶²).
#[inline(always)]
fn apply(a: &mut Signed62, b: &mut Signed62, m: &[i64; 4], modulo_p: bool) {
    let [u, v, q, r] = m.map(i128::from);
    let mut ca = u * a[0] as i128 + v * b[0] as i128;
    let mut cb = q * a[0] as i128 + r * b[0] as i128;
    let (ma, mb) = if modulo_p {
        ((ca as u64 & M62) as i128, (cb as u64 & M62) as i128)
    } else {
        (0, 0)
    };
    ca += ma * P62[0] as i128;
    cb += mb * P62[0] as i128;
    debug_assert!(ca as u64 & M62 == 0 && cb as u64 & M62 == 0);
    ca >>= 62;
    cb >>= 62;
    for i in 1..5 {
        ca += u * a[i] as i128 + v * b[i] as i128 + ma * P62[i] as i128;
        cb += q * a[i] as i128 + r * b[i] as i128 + mb * P62[i] as i128;
        a[i - 1] = (ca as u64 & M62) as i64;
        b[i - 1] = (cb as u64 & M62) as i64;
        ca >>= 62;
        cb >>= 62;
    }
    a[4] = ca as i64;
    b[4] = cb as i64;
}

/// (−1)^negative·d mod p in [0, p) for |d| < 11p (`negative` all ones or zero).
fn normalize(d: &Signed62, negative: u64) -> [u64; 4] {
    // Conditional negation: −d = !d + 1, limb by limb (lower limbs: 2⁶² − 1 − l).
    let mut v = *d;
    let neg = negative as i64;
    for limb in v.iter_mut().take(4) {
        *limb ^= neg & M62 as i64;
    }
    v[4] ^= neg;
    let mut carry = neg & 1;
    // Plus 16p (and the 1 of the negation): now in [5p, 27p) ⊂ [0, 2²⁶¹).
    for i in 0..4 {
        let t = v[i] + P62_X16[i] + carry;
        v[i] = t & M62 as i64;
        carry = t >> 62;
    }
    v[4] += P62_X16[4] + carry;
    // To 64-bit limbs plus the bits from 2²⁵⁶ up (below 2⁵).
    let l = v.map(|x| x as u64);
    let lo = [
        l[0] | (l[1] << 62),
        (l[1] >> 2) | (l[2] << 60),
        (l[2] >> 4) | (l[3] << 58),
        (l[3] >> 6) | (l[4] << 56),
    ];
    let hi = l[4] >> 8;
    // 2²⁵⁶ ≡ 2²²⁴ + 2⁹⁶ − 2⁶⁴ + 1 (mod p): add hi·that = [hi, hi·(2³² − 1), 0, hi·2³²].
    let add = [hi, (hi << 32) - hi, 0, hi << 32];
    let (sum, carry) = super::add_limbs(&lo, &add);
    // Below 2²⁵⁶ + 2²³⁰ < 2p: one conditional subtraction of p.
    let (diff, borrow) = super::sub_limbs(&sum, &P);
    // Keep the difference when there was a carry out or no borrow.
    let take = opaque((carry | (borrow ^ 1)).wrapping_neg());
    core::array::from_fn(|i| (diff[i] & take) | (sum[i] & !take))
}

fn to_signed62(x: &[u64; 4]) -> Signed62 {
    [
        (x[0] & M62) as i64,
        (((x[0] >> 62) | (x[1] << 2)) & M62) as i64,
        (((x[1] >> 60) | (x[2] << 4)) & M62) as i64,
        (((x[2] >> 58) | (x[3] << 6)) & M62) as i64,
        (x[3] >> 56) as i64,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be(x: &[u64; 4]) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (limb, chunk) in x.iter().zip(out.rchunks_exact_mut(8)) {
            chunk.copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    /// x⁻¹ mod p by crypto-bigint (through the `sm2` crate), an independent implementation.
    fn expected_inverse(x: &[u64; 4]) -> [u8; 32] {
        use sm2::elliptic_curve::bigint::{Odd, U256};
        let p = Odd::new(U256::from_be_slice(&be(&P))).unwrap();
        U256::from_be_slice(&be(x))
            .invert_odd_mod(&p)
            .unwrap()
            .to_be_bytes()
            .into()
    }

    /// Four limbs from a linear congruential generator (with its high bits folded down).
    fn random_limbs(state: &mut u64) -> [u64; 4] {
        core::array::from_fn(|_| {
            *state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *state ^ (*state >> 29)
        })
    }

    #[test]
    fn inverts_edges_and_random_values() {
        let mut cases: Vec<[u64; 4]> = vec![[1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0]];
        let p_minus = |k: u64| {
            let mut v = P;
            v[0] -= k;
            v
        };
        cases.extend([p_minus(1), p_minus(2), p_minus(3)]);
        // Every power of two below 2²⁵⁶ (all below p).
        for bit in 0..256 {
            let mut v = [0u64; 4];
            v[bit / 64] = 1 << (bit % 64);
            cases.push(v);
        }
        cases.push([u64::MAX, u64::MAX, u64::MAX, 0xffff_fffe_ffff_fffe]);
        cases.push([0, 0, 0, 0xffff_fffe_ffff_ffff]);
        let mut state = 0x5eed_2026_u64;
        for _ in 0..2000 {
            let mut v = random_limbs(&mut state);
            // Values of several sizes, all below p.
            v[3] &= 0xffff_fffe_ffff_ffff >> (1 + state % 3);
            cases.push(v);
        }
        for x in cases {
            assert_eq!(be(&invert(&x)), expected_inverse(&x), "inverse of {x:x?}");
        }
        assert_eq!(invert(&[0; 4]), [0; 4]);
    }

    /// The divsteps reach g = 0 within the fixed count (590, the bound) for inputs of every
    /// size, the largest below p included.
    #[test]
    fn divsteps_finish() {
        let mut state = 7u64;
        for _ in 0..500 {
            let mut v = random_limbs(&mut state);
            v[3] &= 0x7fff_ffff_ffff_ffff >> (state % 64);
            let mut f = P62;
            let mut g = to_signed62(&v);
            let mut delta2 = 1;
            let mut done_after = None;
            for batch in 0..BATCHES {
                let low = |x: &Signed62| (x[0] as u64) | ((x[1] as u64) << 62);
                let (next, m) = divsteps(delta2, low(&f), low(&g), steps_of(batch));
                delta2 = next;
                apply(&mut f, &mut g, &m, false);
                if g == [0; 5] && done_after.is_none() {
                    done_after = Some(batch);
                }
            }
            assert!(done_after.is_some(), "g = 0 after the last batch");
            assert!(f == [1, 0, 0, 0, 0] || f == [M62 as i64, M62 as i64, M62 as i64, M62 as i64, -1]);
        }
    }
}
