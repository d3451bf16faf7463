//! Eight SM2 verifications at once with AVX-512 IFMA: one signature per 64-bit lane of a
//! 512-bit vector, used by [`crate::sm::sm2::verify_batch`] where the CPU has AVX-512F and
//! AVX-512 IFMA (detected at run time, cached in an atomic).
//!
//! - **Field**: a value modulo p is five 52-bit limbs, limb i of all eight lanes in one vector;
//!   Montgomery form with R = 2²⁶⁰, every value kept below 2p (an "almost Montgomery"
//!   multiplication: inputs below 4p give an output below 2p, since 16p < R, so a sum or
//!   difference that only feeds a multiplication is not reduced); other sums and differences
//!   fold their bits from 2²⁵⁶ up back in as multiples of 2²⁵⁶ mod p, with no comparison. Products are
//!   `vpmadd52luq`/`vpmadd52huq` into ten 64-bit accumulators with the carries left for the
//!   end. The reduction uses the shape of p: its limbs 0, 2 and 3 are 2⁵² − 1, so
//!   −p⁻¹ mod 2⁵² = 1 (m is the low limb itself) and m·p needs only two of the five products
//!   (limbs 1 and 4); the rest are additions and subtractions of m.
//! - **Points**: Jacobian, the same a = −3 formulas as `point` (doubling, mixed addition with an
//!   affine point, addition of a point with Z² and Z³ kept), in lanes.
//! - **s·G + t·P**: fixed windows with odd digits (every digit is odd and nonzero, so every lane
//!   adds at the same places and no lane is ever "skip" or "at infinity"): t in 65 digits of
//!   4 bits against P's odd multiples 1P … 15P (built in lanes), s in 37 digits of 7 bits
//!   against G's odd multiples 1G … 127G (one shared table, built once per process), one chain
//!   of 256 doublings. An even scalar k is replaced by the odd n − k with its digits negated.
//!   Verification handles public data only: lookups index and branch freely.
//! - **Exceptions**: an addition whose two points have the same x (a doubling or a sum at
//!   infinity, which only crafted inputs reach) marks its lane, and that lane is verified again
//!   on the scalar path; so are lanes whose inputs fail the range checks (they never enter).
//!   The final (e + x₁) mod n = r check is the scalar code's, so verdicts are exactly those of
//!   [`super::FastPublicKey::verify`].
//!
//! `unsafe` here: the calls into `#[target_feature]` functions from code compiled without those
//! features, each after [`available`] confirmed them. The intrinsics themselves are safe
//! functions inside the feature-enabled functions; no pointer is read or written.

#![deny(unsafe_op_in_unsafe_fn)]
// Limb i of several values at once is the natural loop here (and the one that unrolls).
#![allow(clippy::needless_range_loop)]

use crate::sm::CpuCheck;
use core::arch::x86_64::*;
use std::sync::OnceLock;

use super::field::Field;
use super::point::{Affine, Jacobian};
use super::{FastPublicKey, FastVerifyError, Fe};

/// Signatures per kernel call.
pub(crate) const LANES: usize = 8;

const MASK52: u64 = (1 << 52) - 1;
/// p in 52-bit limbs.
const P52: [u64; 5] = [
    0xfffffffffffff,
    0xff00000000fff,
    0xfffffffffffff,
    0xfffffffffffff,
    0xfffffffeffff,
];
/// 2p in 52-bit limbs.
const P2_52: [u64; 5] = [
    0xffffffffffffe,
    0xfe00000001fff,
    0xfffffffffffff,
    0xfffffffffffff,
    0x1fffffffdffff,
];
/// 2p with limbs 0–3 raised by 2⁵² (borrowed from the limb above), so that a − b + 2p has no
/// negative limb for a, b below 2p.
const P2_BORROWED: [u64; 5] = [
    0x1ffffffffffffe,
    0x1fe00000001ffe,
    0x1ffffffffffffe,
    0x1ffffffffffffe,
    0x1fffffffdfffe,
];
/// R² mod p = 2⁵²⁰ mod p: multiplying by it enters Montgomery form.
const R2_52: [u64; 5] = [0x20000000300, 0xffffffff00000, 0x100000002, 0x200000001000, 0x4000000];
/// 2²⁶⁴ mod p: multiplying by it multiplies by 2⁴ (from R = 2²⁵⁶ Montgomery form to 2²⁶⁰).
const C264_52: [u64; 5] = [0x100, 0xffffffff00000, 0, 0, 0x1000000];
/// 1 in Montgomery form, R mod p = 2²⁶⁰ mod p.
const ONE_52: [u64; 5] = [0x10, 0xffffffff0000, 0, 0, 0x100000];

/// Window of t's digits (P's table: 2^(W_P − 1) odd multiples).
const W_P: u32 = 4;
/// Digits of t: positions 0, 4, …, 256.
const DIGITS_P: usize = 65;
/// P's table entries.
const TABLE_P: usize = 1 << (W_P - 1);
/// Window of s's digits (G's table: 2^(W_G − 1) odd multiples).
const W_G: u32 = 7;
/// Digits of s: positions 0, 7, …, 252.
const DIGITS_G: usize = 37;
/// G's table entries.
const TABLE_G: usize = 1 << (W_G - 1);

static IFMA: CpuCheck = CpuCheck::new();

/// Whether this CPU has AVX-512F and AVX-512 IFMA (detected once, then cached).
pub(crate) fn available() -> bool {
    IFMA.get(|| std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("avx512ifma"))
}

/// Eight field elements, limb i of every lane in vector i (52-bit limbs, value below 2p,
/// Montgomery form unless said otherwise).
#[derive(Clone, Copy)]
struct Fe8([__m512i; 5]);

/// Eight Jacobian points.
#[derive(Clone, Copy)]
struct Point8 {
    x: Fe8,
    y: Fe8,
    z: Fe8,
}

/// Eight points with Z² and Z³ kept (an entry of P's table).
#[derive(Clone, Copy)]
struct Cached8 {
    x: Fe8,
    y: Fe8,
    z: Fe8,
    zz: Fe8,
    zzz: Fe8,
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn splat(v: u64) -> __m512i {
    _mm512_set1_epi64(v as i64)
}

/// The same value in every lane.
#[target_feature(enable = "avx512f,avx512ifma")]
fn constant(limbs: &[u64; 5]) -> Fe8 {
    Fe8([
        splat(limbs[0]),
        splat(limbs[1]),
        splat(limbs[2]),
        splat(limbs[3]),
        splat(limbs[4]),
    ])
}

/// Lane j of the result is `lanes[j]`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn gather(lanes: &[u64; LANES]) -> __m512i {
    let l = lanes.map(|v| v as i64);
    _mm512_set_epi64(l[7], l[6], l[5], l[4], l[3], l[2], l[1], l[0])
}

/// The eight lanes of a vector.
#[target_feature(enable = "avx512f,avx512ifma")]
fn lanes_of(v: __m512i) -> [u64; LANES] {
    let lo = _mm512_extracti64x4_epi64::<0>(v);
    let hi = _mm512_extracti64x4_epi64::<1>(v);
    [
        _mm256_extract_epi64::<0>(lo) as u64,
        _mm256_extract_epi64::<1>(lo) as u64,
        _mm256_extract_epi64::<2>(lo) as u64,
        _mm256_extract_epi64::<3>(lo) as u64,
        _mm256_extract_epi64::<0>(hi) as u64,
        _mm256_extract_epi64::<1>(hi) as u64,
        _mm256_extract_epi64::<2>(hi) as u64,
        _mm256_extract_epi64::<3>(hi) as u64,
    ]
}

/// Eight integers (52-bit limbs each, not Montgomery) into vectors.
#[target_feature(enable = "avx512f,avx512ifma")]
fn load(values: &[[u64; 5]; LANES]) -> Fe8 {
    let mut out = [_mm512_setzero_si512(); 5];
    for (i, limb) in out.iter_mut().enumerate() {
        let mut lanes = [0u64; LANES];
        for j in 0..LANES {
            lanes[j] = values[j][i];
        }
        *limb = gather(&lanes);
    }
    Fe8(out)
}

/// The eight lanes' limbs.
#[target_feature(enable = "avx512f,avx512ifma")]
fn store(a: &Fe8) -> [[u64; 5]; LANES] {
    let mut out = [[0u64; 5]; LANES];
    for i in 0..5 {
        let lanes = lanes_of(a.0[i]);
        for j in 0..LANES {
            out[j][i] = lanes[j];
        }
    }
    out
}

/// Carries propagated so that limbs 0–3 are in [0, 2⁵²) (signed limbs allowed; the top limb
/// keeps the sign).
#[target_feature(enable = "avx512f,avx512ifma")]
fn normalize(mut l: [__m512i; 5]) -> [__m512i; 5] {
    let mask = splat(MASK52);
    for i in 0..4 {
        let carry = _mm512_srai_epi64::<52>(l[i]);
        l[i] = _mm512_and_si512(l[i], mask);
        l[i + 1] = _mm512_add_epi64(l[i + 1], carry);
    }
    l
}

/// A value below 4p in non-negative unnormalised limbs (limbs 0–3 below 2⁵⁴) brought below
/// 2p without a comparison: its bits from 2²⁵⁶ up, H ≤ 3, are folded back as
/// H·(2²⁵⁶ mod p) = H·(2²²⁴ + 2⁹⁶ − 2⁶⁴ + 1), which leaves less than 2²⁵⁶ + 2²³⁰ < 2p.
#[target_feature(enable = "avx512f,avx512ifma")]
fn fold(mut l: [__m512i; 5]) -> Fe8 {
    let h = _mm512_srli_epi64::<48>(l[4]);
    l[4] = _mm512_and_si512(l[4], splat((1 << 48) - 1));
    l[0] = _mm512_add_epi64(l[0], h);
    l[1] = _mm512_add_epi64(
        l[1],
        _mm512_sub_epi64(_mm512_slli_epi64::<44>(h), _mm512_slli_epi64::<12>(h)),
    );
    l[4] = _mm512_add_epi64(l[4], _mm512_slli_epi64::<16>(h));
    Fe8(normalize(l))
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn add(a: &Fe8, b: &Fe8) -> Fe8 {
    let mut l = a.0;
    for i in 0..5 {
        l[i] = _mm512_add_epi64(a.0[i], b.0[i]);
    }
    fold(l)
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn sub(a: &Fe8, b: &Fe8) -> Fe8 {
    let mut l = a.0;
    for i in 0..5 {
        l[i] = _mm512_add_epi64(_mm512_sub_epi64(a.0[i], b.0[i]), splat(P2_BORROWED[i]));
    }
    fold(l)
}

/// a + b as a multiplication's input only: limbs normalised, value below 4p, not reduced.
#[target_feature(enable = "avx512f,avx512ifma")]
fn add_lazy(a: &Fe8, b: &Fe8) -> Fe8 {
    let mut l = a.0;
    for i in 0..5 {
        l[i] = _mm512_add_epi64(a.0[i], b.0[i]);
    }
    Fe8(normalize(l))
}

/// a − b (as a − b + 2p) as a multiplication's input only: value below 4p, not reduced.
#[target_feature(enable = "avx512f,avx512ifma")]
fn sub_lazy(a: &Fe8, b: &Fe8) -> Fe8 {
    let mut l = a.0;
    for i in 0..5 {
        l[i] = _mm512_add_epi64(_mm512_sub_epi64(a.0[i], b.0[i]), splat(P2_52[i]));
    }
    Fe8(normalize(l))
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn double(a: &Fe8) -> Fe8 {
    add(a, a)
}

/// −a in the lanes of `lanes`, a elsewhere.
#[target_feature(enable = "avx512f,avx512ifma")]
fn neg_in(a: &Fe8, lanes: __mmask8) -> Fe8 {
    if lanes == 0 {
        return *a;
    }
    let n = sub(&Fe8([_mm512_setzero_si512(); 5]), a);
    let mut out = a.0;
    for i in 0..5 {
        out[i] = _mm512_mask_blend_epi64(lanes, a.0[i], n.0[i]);
    }
    Fe8(out)
}

/// Lanes whose value is 0 modulo p (0 or p, values being below 2p).
#[target_feature(enable = "avx512f,avx512ifma")]
fn zero_lanes(a: &Fe8) -> __mmask8 {
    let zero = _mm512_setzero_si512();
    let (mut is_0, mut is_p) = (0xffu8, 0xffu8);
    for i in 0..5 {
        is_0 &= _mm512_cmpeq_epi64_mask(a.0[i], zero);
        is_p &= _mm512_cmpeq_epi64_mask(a.0[i], splat(P52[i]));
    }
    is_0 | is_p
}

/// Montgomery reduction of the ten accumulators of a product below 4p·4p: t·2⁻²⁶⁰ mod p,
/// below 2p.
#[target_feature(enable = "avx512f,avx512ifma")]
fn montgomery_reduce(mut t: [__m512i; 10]) -> Fe8 {
    let mask = splat(MASK52);
    let (p1, p4) = (splat(P52[1]), splat(P52[4]));
    for i in 0..5 {
        // −p⁻¹ ≡ 1 (mod 2⁵²): m is t_i's low 52 bits. Adding m·p:
        // p₀ = 2⁵² − 1: t_i + m·p₀ = (t_i − m) + m·2⁵², so t_i's carry and m move up a limb;
        // p₂ = p₃ = 2⁵² − 1: m·(p₂·2¹⁰⁴ + p₃·2¹⁵⁶) = m·2²⁰⁸ − m·2¹⁰⁴ (relative to limb i);
        // p₁ and p₄ by products. Limbs may go negative in between (arithmetic shifts).
        let m = _mm512_and_si512(t[i], mask);
        let carry = _mm512_srai_epi64::<52>(t[i]);
        t[i + 1] = _mm512_add_epi64(t[i + 1], _mm512_add_epi64(carry, m));
        t[i + 1] = _mm512_madd52lo_epu64(t[i + 1], m, p1);
        t[i + 2] = _mm512_madd52hi_epu64(t[i + 2], m, p1);
        t[i + 2] = _mm512_sub_epi64(t[i + 2], m);
        t[i + 4] = _mm512_add_epi64(t[i + 4], m);
        t[i + 4] = _mm512_madd52lo_epu64(t[i + 4], m, p4);
        t[i + 5] = _mm512_madd52hi_epu64(t[i + 5], m, p4);
    }
    Fe8(normalize([t[5], t[6], t[7], t[8], t[9]]))
}

/// a·b·2⁻²⁶⁰ mod p.
#[target_feature(enable = "avx512f,avx512ifma")]
fn mul(a: &Fe8, b: &Fe8) -> Fe8 {
    let mut t = [_mm512_setzero_si512(); 10];
    for i in 0..5 {
        for j in 0..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.0[i], b.0[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.0[i], b.0[j]);
        }
    }
    montgomery_reduce(t)
}

/// a²·2⁻²⁶⁰ mod p: the cross products once, doubled, then the squares.
#[target_feature(enable = "avx512f,avx512ifma")]
fn square(a: &Fe8) -> Fe8 {
    let mut t = [_mm512_setzero_si512(); 10];
    for i in 0..5 {
        for j in (i + 1)..5 {
            t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.0[i], a.0[j]);
            t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.0[i], a.0[j]);
        }
    }
    for limb in t.iter_mut() {
        *limb = _mm512_add_epi64(*limb, *limb);
    }
    for i in 0..5 {
        t[2 * i] = _mm512_madd52lo_epu64(t[2 * i], a.0[i], a.0[i]);
        t[2 * i + 1] = _mm512_madd52hi_epu64(t[2 * i + 1], a.0[i], a.0[i]);
    }
    montgomery_reduce(t)
}

/// The value below p (a below 2p).
#[target_feature(enable = "avx512f,avx512ifma")]
fn reduce_below_p(a: &Fe8) -> Fe8 {
    let v = a.0;
    let mut t = v;
    for i in 0..5 {
        t[i] = _mm512_sub_epi64(v[i], splat(P52[i]));
    }
    let t = normalize(t);
    let negative = _mm512_cmplt_epi64_mask(t[4], _mm512_setzero_si512());
    let mut out = v;
    for i in 0..5 {
        out[i] = _mm512_mask_blend_epi64(negative, t[i], v[i]);
    }
    Fe8(out)
}

/// The canonical value (below p, out of Montgomery form).
#[target_feature(enable = "avx512f,avx512ifma")]
fn canonical(a: &Fe8) -> Fe8 {
    let raw_one = Fe8([splat(1), splat(0), splat(0), splat(0), splat(0)]);
    reduce_below_p(&mul(a, &raw_one))
}

/// Integers below p into Montgomery form.
#[target_feature(enable = "avx512f,avx512ifma")]
fn to_montgomery(a: &Fe8) -> Fe8 {
    mul(a, &constant(&R2_52))
}

/// 2·q (the a = −3 doubling of `point`, dbl-2001-b).
#[target_feature(enable = "avx512f,avx512ifma")]
fn point_double(q: &Point8) -> Point8 {
    let delta = square(&q.z);
    let gamma = square(&q.y);
    let beta = mul(&q.x, &gamma);
    let t = mul(&sub_lazy(&q.x, &delta), &add_lazy(&q.x, &delta));
    let alpha = add(&double(&t), &t);
    let beta4 = double(&double(&beta));
    let x3 = sub(&square(&alpha), &double(&beta4));
    let z3 = sub(&sub(&square(&add_lazy(&q.y, &q.z)), &gamma), &delta);
    let gamma2_8 = double(&double(&double(&square(&gamma))));
    let y3 = sub(&mul(&alpha, &sub_lazy(&beta4, &x3)), &gamma2_8);
    Point8 { x: x3, y: y3, z: z3 }
}

/// acc + (x, y) for affine (x, y); `exceptional` gains the lanes where both have the same x.
#[target_feature(enable = "avx512f,avx512ifma")]
fn point_add_affine(acc: &Point8, x: &Fe8, y: &Fe8, exceptional: &mut __mmask8) -> Point8 {
    let z1z1 = square(&acc.z);
    let u2 = mul(x, &z1z1);
    let s2 = mul(&mul(y, &acc.z), &z1z1);
    let h = sub(&u2, &acc.x);
    let r = sub(&s2, &acc.y);
    *exceptional |= zero_lanes(&h);
    let hh = square(&h);
    let hhh = mul(&h, &hh);
    let v = mul(&acc.x, &hh);
    let x3 = sub(&sub(&square(&r), &hhh), &double(&v));
    let y3 = sub(&mul(&r, &sub_lazy(&v, &x3)), &mul(&acc.y, &hhh));
    let z3 = mul(&acc.z, &h);
    Point8 { x: x3, y: y3, z: z3 }
}

/// acc + q; `exceptional` gains the lanes where both have the same x.
#[target_feature(enable = "avx512f,avx512ifma")]
fn point_add_cached(acc: &Point8, q: &Cached8, exceptional: &mut __mmask8) -> Point8 {
    let z1z1 = square(&acc.z);
    let u1 = mul(&acc.x, &q.zz);
    let u2 = mul(&q.x, &z1z1);
    let s1 = mul(&acc.y, &q.zzz);
    let s2 = mul(&mul(&q.y, &acc.z), &z1z1);
    let h = sub(&u2, &u1);
    let r = sub(&s2, &s1);
    *exceptional |= zero_lanes(&h);
    let hh = square(&h);
    let hhh = mul(&h, &hh);
    let v = mul(&u1, &hh);
    let x3 = sub(&sub(&square(&r), &hhh), &double(&v));
    let y3 = sub(&mul(&r, &sub_lazy(&v, &x3)), &mul(&s1, &hhh));
    let z3 = mul(&mul(&acc.z, &q.z), &h);
    Point8 { x: x3, y: y3, z: z3 }
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn cached(p: &Point8) -> Cached8 {
    let zz = square(&p.z);
    Cached8 {
        x: p.x,
        y: p.y,
        z: p.z,
        zz,
        zzz: mul(&zz, &p.z),
    }
}

/// P's odd multiples 1P, 3P, …, 15P per lane, from affine P (Montgomery form).
#[target_feature(enable = "avx512f,avx512ifma")]
fn p_table(x: &Fe8, y: &Fe8, exceptional: &mut __mmask8) -> [Cached8; TABLE_P] {
    let one = constant(&ONE_52);
    let p = Point8 { x: *x, y: *y, z: one };
    let first = Cached8 {
        x: *x,
        y: *y,
        z: one,
        zz: one,
        zzz: one,
    };
    let twice = cached(&point_double(&p));
    let mut table = [first; TABLE_P];
    let mut acc = p;
    for entry in table.iter_mut().skip(1) {
        acc = point_add_cached(&acc, &twice, exceptional);
        *entry = cached(&acc);
    }
    table
}

/// Per lane, entry `index[lane]` of `table`, negated in the lanes of `negate`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn select_p(table: &[Cached8; TABLE_P], index: &[u8; LANES], negate: __mmask8) -> Cached8 {
    let mut out = table[0];
    for (k, entry) in table.iter().enumerate().skip(1) {
        let mut lanes: __mmask8 = 0;
        for (j, &i) in index.iter().enumerate() {
            lanes |= u8::from(i as usize == k) << j;
        }
        if lanes == 0 {
            continue;
        }
        for (dst, src) in [
            (&mut out.x, &entry.x),
            (&mut out.y, &entry.y),
            (&mut out.z, &entry.z),
            (&mut out.zz, &entry.zz),
            (&mut out.zzz, &entry.zzz),
        ] {
            for i in 0..5 {
                dst.0[i] = _mm512_mask_blend_epi64(lanes, dst.0[i], src.0[i]);
            }
        }
    }
    out.y = neg_in(&out.y, negate);
    out
}

/// G's odd multiples 1G … 127G, affine, Montgomery form in 52-bit limbs: [x, y] per entry.
type GTable = [[[u64; 5]; 2]; TABLE_G];

/// Per lane, entry `index[lane]` of G's table, negated in the lanes of `negate`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn select_g(table: &GTable, index: &[u8; LANES], negate: __mmask8) -> (Fe8, Fe8) {
    let mut coords = [Fe8([_mm512_setzero_si512(); 5]); 2];
    for (c, coord) in coords.iter_mut().enumerate() {
        for i in 0..5 {
            let mut lanes = [0u64; LANES];
            for j in 0..LANES {
                lanes[j] = table[index[j] as usize][c][i];
            }
            coord.0[i] = gather(&lanes);
        }
    }
    (coords[0], neg_in(&coords[1], negate))
}

/// Integers below 2²⁵⁶ (little-endian 64-bit limbs) in 52-bit limbs.
fn limbs52(v: &[u64; 4]) -> [u64; 5] {
    [
        v[0] & MASK52,
        ((v[0] >> 52) | (v[1] << 12)) & MASK52,
        ((v[1] >> 40) | (v[2] << 24)) & MASK52,
        ((v[2] >> 28) | (v[3] << 36)) & MASK52,
        v[3] >> 16,
    ]
}

/// 52-bit limbs of a value below 2²⁵⁶ back to 64-bit limbs.
fn limbs64(v: &[u64; 5]) -> [u64; 4] {
    [
        v[0] | (v[1] << 52),
        (v[1] >> 12) | (v[2] << 40),
        (v[2] >> 24) | (v[3] << 28),
        (v[3] >> 36) | (v[4] << 16),
    ]
}

/// The field element's canonical value in 52-bit limbs.
fn fe_limbs52(f: &Fe) -> [u64; 5] {
    limbs52(&super::limbs_from_be(&f.to_be_bytes()))
}

/// G's table for the kernel (built once per process).
static G_TABLE: OnceLock<Box<GTable>> = OnceLock::new();

#[target_feature(enable = "avx512f,avx512ifma")]
fn build_g_table() -> Box<GTable> {
    let multiples: &[Affine<Fe>] = &Fe::generator_table()[..TABLE_G];
    let mut out = Box::new([[[0u64; 5]; 2]; TABLE_G]);
    for (chunk, dst) in multiples.chunks_exact(LANES).zip(out.chunks_exact_mut(LANES)) {
        let xs: [[u64; 5]; LANES] = std::array::from_fn(|j| fe_limbs52(&chunk[j].x));
        let ys: [[u64; 5]; LANES] = std::array::from_fn(|j| fe_limbs52(&chunk[j].y));
        let xs = store(&to_montgomery(&load(&xs)));
        let ys = store(&to_montgomery(&load(&ys)));
        for j in 0..LANES {
            dst[j] = [xs[j], ys[j]];
        }
    }
    out
}

/// The odd-digit fixed-window recoding of an odd k below 2²⁵⁶: k = Σ dᵢ·2^(w·i) with every dᵢ
/// odd, |dᵢ| < 2^w, the last one positive. `D` digits must cover k (w·(D − 1) ≥ 252 here).
fn recode<const D: usize>(k: &[u64; 4], w: u32) -> [i8; D] {
    debug_assert!(k[0] & 1 == 1);
    let mut k = [k[0], k[1], k[2], k[3]];
    let mut digits = [0i8; D];
    for digit in digits.iter_mut().take(D - 1) {
        // u = (k mod 2^(w+1)) − 2^w is odd; (k − u)/2^w is odd again.
        let u = (k[0] & ((1 << (w + 1)) - 1)) as i64 - (1 << w);
        *digit = u as i8;
        // k − u: u < 0 adds |u| (no overflow: k stays below 2²⁵⁶ + 2^w, and k's top part
        // has already been shifted down by then except in the first step, where k < n).
        let mut carry = if u < 0 { u.unsigned_abs() } else { 0 };
        let mut borrow = if u > 0 { u as u64 } else { 0 };
        for limb in k.iter_mut() {
            let (v, c) = limb.overflowing_add(carry);
            let (v, b) = v.overflowing_sub(borrow);
            *limb = v;
            carry = u64::from(c);
            borrow = u64::from(b);
        }
        for i in 0..4 {
            let next = if i < 3 { k[i + 1] } else { 0 };
            k[i] = (k[i] >> w) | (next << (64 - w));
        }
    }
    digits[D - 1] = k[0] as i8;
    digits
}

/// One lane's input: affine P (canonical, 52-bit limbs) and the digits of s and t (an even
/// scalar k recoded as the odd n − k, its digits negated).
#[derive(Clone, Copy)]
struct LaneInput {
    px: [u64; 5],
    py: [u64; 5],
    s: [i8; DIGITS_G],
    t: [i8; DIGITS_P],
}

/// Per lane, X and Z of s·G + t·P (canonical, 64-bit limbs), or `None` where an addition met
/// an exceptional case.
#[target_feature(enable = "avx512f,avx512ifma")]
fn kernel(inputs: &[LaneInput; LANES]) -> [Option<([u64; 4], [u64; 4])>; LANES] {
    let mut exceptional: __mmask8 = 0;
    let px = to_montgomery(&load(&inputs.each_ref().map(|l| l.px)));
    let py = to_montgomery(&load(&inputs.each_ref().map(|l| l.py)));
    let table = p_table(&px, &py, &mut exceptional);
    let g: &GTable = match G_TABLE.get() {
        Some(table) => table,
        None => {
            let built = build_g_table();
            G_TABLE.get_or_init(|| built)
        }
    };

    let digit = |d: i8| -> (u8, bool) { (d.unsigned_abs() >> 1, d < 0) };
    let p_digit = |pos: usize| -> ([u8; LANES], __mmask8) {
        let mut index = [0u8; LANES];
        let mut negate: __mmask8 = 0;
        for j in 0..LANES {
            let (i, n) = digit(inputs[j].t[pos]);
            index[j] = i;
            negate |= u8::from(n) << j;
        }
        (index, negate)
    };
    let g_digit = |pos: usize| -> ([u8; LANES], __mmask8) {
        let mut index = [0u8; LANES];
        let mut negate: __mmask8 = 0;
        for j in 0..LANES {
            let (i, n) = digit(inputs[j].s[pos]);
            index[j] = i;
            negate |= u8::from(n) << j;
        }
        (index, negate)
    };

    let (index, negate) = p_digit(DIGITS_P - 1);
    let top = select_p(&table, &index, negate);
    let mut acc = Point8 {
        x: top.x,
        y: top.y,
        z: top.z,
    };
    for pos in (0..(W_P as usize * (DIGITS_P - 1))).rev() {
        acc = point_double(&acc);
        if pos % W_G as usize == 0 && pos / (W_G as usize) < DIGITS_G {
            let (index, negate) = g_digit(pos / W_G as usize);
            let (x, y) = select_g(g, &index, negate);
            acc = point_add_affine(&acc, &x, &y, &mut exceptional);
        }
        if pos % W_P as usize == 0 {
            let (index, negate) = p_digit(pos / W_P as usize);
            acc = point_add_cached(&acc, &select_p(&table, &index, negate), &mut exceptional);
        }
    }
    exceptional |= zero_lanes(&acc.z);

    let x = store(&canonical(&acc.x));
    let z = store(&canonical(&acc.z));
    std::array::from_fn(|j| (exceptional & (1 << j) == 0).then(|| (limbs64(&x[j]), limbs64(&z[j]))))
}

/// n − k for k in [1, n − 1].
fn n_minus(k: &[u64; 4]) -> [u64; 4] {
    super::sub_limbs(&super::N, k).0
}

/// The lane input for P and the scalars s, t (both in [1, n − 1]).
fn lane_input(p: &Affine<Fe>, s: &[u64; 4], t: &[u64; 4]) -> LaneInput {
    let odd = |k: &[u64; 4]| if k[0] & 1 == 1 { (*k, false) } else { (n_minus(k), true) };
    let (s, negate_s) = odd(s);
    let (t, negate_t) = odd(t);
    let mut s = recode::<DIGITS_G>(&s, W_G);
    let mut t = recode::<DIGITS_P>(&t, W_P);
    if negate_s {
        s.iter_mut().for_each(|d| *d = -*d);
    }
    if negate_t {
        t.iter_mut().for_each(|d| *d = -*d);
    }
    LaneInput {
        px: fe_limbs52(&p.x),
        py: fe_limbs52(&p.y),
        s,
        t,
    }
}

/// Digits of a 64-bit part of s (plus one when even): positions 0, 7, …, 63.
const SPLIT_DIGITS_G: usize = 10;
/// Digits of a 64-bit part of t (plus one when even): positions 0, 4, …, 64.
const SPLIT_DIGITS_P: usize = 17;
/// Parts of a scalar in the prepared-key multiplication.
const PARTS: usize = super::point::SPLIT_PARTS;
/// Entries per part of a prepared key's split tables (odd multiples 1 … 15).
const SPLIT_P: usize = super::P_SPLIT_LEN;

/// An affine point, Montgomery form in 52-bit limbs: [x, y].
type Entry = [[u64; 5]; 2];

/// G's split tables for the kernel (odd multiples 1 … 127 of 2⁶⁴ʲ·G), built once per process.
static G_SPLIT: OnceLock<Box<[GTable; PARTS]>> = OnceLock::new();

/// Affine points of the scalar code in the kernel's form, eight at a time.
#[target_feature(enable = "avx512f,avx512ifma")]
fn convert(points: &[Affine<Fe>; LANES]) -> [Entry; LANES] {
    let xs = store(&to_montgomery(&load(&points.each_ref().map(|p| fe_limbs52(&p.x)))));
    let ys = store(&to_montgomery(&load(&points.each_ref().map(|p| fe_limbs52(&p.y)))));
    std::array::from_fn(|j| [xs[j], ys[j]])
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn build_g_split() -> Box<[GTable; PARTS]> {
    let tables = Fe::generator_split_tables();
    let mut out = Box::new([[[[0u64; 5]; 2]; TABLE_G]; PARTS]);
    for (part, table) in out.iter_mut().enumerate() {
        for (k, chunk) in table.chunks_exact_mut(LANES).enumerate() {
            let points: [Affine<Fe>; LANES] = std::array::from_fn(|j| tables[part][k * LANES + j]);
            chunk.copy_from_slice(&convert(&points));
        }
    }
    out
}

/// Per lane, the entry `entries[lane]`, negated in the lanes of `negate`.
#[target_feature(enable = "avx512f,avx512ifma")]
fn select_entries(entries: [&Entry; LANES], negate: __mmask8) -> (Fe8, Fe8) {
    let mut coords = [Fe8([_mm512_setzero_si512(); 5]); 2];
    for (c, coord) in coords.iter_mut().enumerate() {
        for i in 0..5 {
            coord.0[i] = gather(&entries.map(|e| e[c][i]));
        }
    }
    (coords[0], neg_in(&coords[1], negate))
}

/// `b` in the lanes of `lanes`, `a` elsewhere.
#[target_feature(enable = "avx512f,avx512ifma")]
fn blend_point(lanes: __mmask8, a: &Point8, b: &Point8) -> Point8 {
    let mut out = *a;
    for (dst, src) in [(&mut out.x, &b.x), (&mut out.y, &b.y), (&mut out.z, &b.z)] {
        for i in 0..5 {
            dst.0[i] = _mm512_mask_blend_epi64(lanes, dst.0[i], src.0[i]);
        }
    }
    out
}

/// One lane's input for a prepared key: its split tables and the digits of the 64-bit parts
/// of s and t, each part made odd by adding one (`fix_*`: subtract the part's base point at
/// the end).
struct SplitInput<'a> {
    tables: &'a [Vec<Affine<Fe>>],
    s: [[i8; SPLIT_DIGITS_G]; PARTS],
    t: [[i8; SPLIT_DIGITS_P]; PARTS],
    fix_s: __mmask8,
    fix_t: __mmask8,
}

/// Splits k into 64-bit parts made odd, their digits, and which parts had one added.
fn split_digits<const D: usize>(k: &[u64; 4], w: u32) -> ([[i8; D]; PARTS], [bool; PARTS]) {
    let mut fixed = [false; PARTS];
    let digits = std::array::from_fn(|j| {
        let part = if k[j] & 1 == 1 {
            [k[j], 0, 0, 0]
        } else {
            fixed[j] = true;
            super::add_limbs(&[k[j], 0, 0, 0], &[1, 0, 0, 0]).0
        };
        recode::<D>(&part, w)
    });
    (digits, fixed)
}

/// As [`kernel`] for keys with split tables: 64 doublings, the digits of the four 64-bit parts
/// of s and t added as it goes (the prepared-key verification of `point`, in lanes).
#[target_feature(enable = "avx512f,avx512ifma")]
fn kernel_split(inputs: &[SplitInput<'_>; LANES]) -> [Option<([u64; 4], [u64; 4])>; LANES] {
    let mut exceptional: __mmask8 = 0;
    let g: &[GTable; PARTS] = match G_SPLIT.get() {
        Some(tables) => tables,
        None => {
            let built = build_g_split();
            G_SPLIT.get_or_init(|| built)
        }
    };
    // Each lane's split tables in the kernel's form.
    let mut p = vec![[[[[0u64; 5]; 2]; SPLIT_P]; PARTS]; LANES];
    for part in 0..PARTS {
        for k in 0..SPLIT_P {
            let points: [Affine<Fe>; LANES] = std::array::from_fn(|j| inputs[j].tables[part][k]);
            let converted = convert(&points);
            for (lane, entry) in p.iter_mut().zip(converted) {
                lane[part][k] = entry;
            }
        }
    }
    let p_entry = |part: usize, pos: usize| -> ([&Entry; LANES], __mmask8) {
        let mut negate: __mmask8 = 0;
        let entries = std::array::from_fn(|j| {
            let d = inputs[j].t[part][pos];
            negate |= u8::from(d < 0) << j;
            &p[j][part][usize::from(d.unsigned_abs() >> 1)]
        });
        (entries, negate)
    };
    let g_entry = |part: usize, pos: usize| -> ([&Entry; LANES], __mmask8) {
        let mut negate: __mmask8 = 0;
        let entries = std::array::from_fn(|j| {
            let d = inputs[j].s[part][pos];
            negate |= u8::from(d < 0) << j;
            &g[part][usize::from(d.unsigned_abs() >> 1)]
        });
        (entries, negate)
    };

    // t's top digits (position 64) are 1 in every part.
    let (entries, negate) = p_entry(0, SPLIT_DIGITS_P - 1);
    let (x, y) = select_entries(entries, negate);
    let mut acc = Point8 {
        x,
        y,
        z: constant(&ONE_52),
    };
    for part in 1..PARTS {
        let (entries, negate) = p_entry(part, SPLIT_DIGITS_P - 1);
        let (x, y) = select_entries(entries, negate);
        acc = point_add_affine(&acc, &x, &y, &mut exceptional);
    }
    for pos in (0..(W_P as usize * (SPLIT_DIGITS_P - 1))).rev() {
        acc = point_double(&acc);
        if pos % W_G as usize == 0 && pos / (W_G as usize) < SPLIT_DIGITS_G {
            for part in 0..PARTS {
                let (entries, negate) = g_entry(part, pos / W_G as usize);
                let (x, y) = select_entries(entries, negate);
                acc = point_add_affine(&acc, &x, &y, &mut exceptional);
            }
        }
        if pos % W_P as usize == 0 {
            for part in 0..PARTS {
                let (entries, negate) = p_entry(part, pos / W_P as usize);
                let (x, y) = select_entries(entries, negate);
                acc = point_add_affine(&acc, &x, &y, &mut exceptional);
            }
        }
    }
    // Parts that had one added: subtract their base point 2⁶⁴ʲ·G or 2⁶⁴ʲ·P in those lanes.
    for part in 0..PARTS {
        let fix_s: __mmask8 = (0..LANES).fold(0, |m, j| m | (((inputs[j].fix_s >> part) & 1) << j));
        if fix_s != 0 {
            let (x, y) = select_entries([&g[part][0]; LANES], 0xff);
            let mut met: __mmask8 = 0;
            let sum = point_add_affine(&acc, &x, &y, &mut met);
            exceptional |= met & fix_s;
            acc = blend_point(fix_s, &acc, &sum);
        }
        let fix_t: __mmask8 = (0..LANES).fold(0, |m, j| m | (((inputs[j].fix_t >> part) & 1) << j));
        if fix_t != 0 {
            let (x, y) = select_entries(std::array::from_fn(|j| &p[j][part][0]), 0xff);
            let mut met: __mmask8 = 0;
            let sum = point_add_affine(&acc, &x, &y, &mut met);
            exceptional |= met & fix_t;
            acc = blend_point(fix_t, &acc, &sum);
        }
    }
    exceptional |= zero_lanes(&acc.z);

    let x = store(&canonical(&acc.x));
    let z = store(&canonical(&acc.z));
    std::array::from_fn(|j| (exceptional & (1 << j) == 0).then(|| (limbs64(&x[j]), limbs64(&z[j]))))
}

/// The prepared-key lane input for split tables and the scalars s, t.
fn split_input<'a>(tables: &'a [Vec<Affine<Fe>>], s: &[u64; 4], t: &[u64; 4]) -> SplitInput<'a> {
    let (s, fix_s) = split_digits::<SPLIT_DIGITS_G>(s, W_G);
    let (t, fix_t) = split_digits::<SPLIT_DIGITS_P>(t, W_P);
    let mask = |f: [bool; PARTS]| f.iter().enumerate().fold(0u8, |m, (i, &b)| m | (u8::from(b) << i));
    SplitInput {
        tables,
        s,
        t,
        fix_s: mask(fix_s),
        fix_t: mask(fix_t),
    }
}

/// Whether the key has its split tables (then the kernel takes the 64-doubling path).
pub(crate) fn is_prepared(key: &FastPublicKey) -> bool {
    key.split.get().is_some()
}

/// s and t of one verification, little-endian 64-bit limbs.
type Scalars = ([u64; 4], [u64; 4]);

/// One (key, e, r, s) to verify, all big-endian.
pub(crate) type Job<'a> = (&'a FastPublicKey, &'a [u8; 32], &'a [u8; 32], &'a [u8; 32]);

/// Verifies up to [`LANES`] signatures on the 8-lane kernel, each with exactly the verdict of
/// [`FastPublicKey::verify`]; `None` (nothing done) where the CPU lacks AVX-512F or IFMA. When
/// every key has its split tables ([`FastPublicKey::prepare`]) the chain has 64 doublings
/// instead of 256.
pub(crate) fn verify_lanes(jobs: &[Job<'_>]) -> Option<Vec<Result<(), FastVerifyError>>> {
    if !available() || jobs.len() > LANES {
        return None;
    }
    let mut verdicts: Vec<Option<Result<(), FastVerifyError>>> = vec![None; jobs.len()];
    let mut lanes: Vec<(usize, Scalars)> = Vec::with_capacity(LANES);
    for (i, &(_, _, r, s)) in jobs.iter().enumerate() {
        // The scalar path's own checks: an error here is the verdict; otherwise the kernel
        // computes the sum, which `check_sum` judges.
        match super::signature_scalars(r, s) {
            Ok(st) => lanes.push((i, st)),
            Err(err) => verdicts[i] = Some(Err(err)),
        }
    }
    if !lanes.is_empty() {
        // Lanes past the last job repeat the first one.
        let job = |j: usize| lanes.get(j).unwrap_or(&lanes[0]);
        let split: Option<Vec<&[Vec<Affine<Fe>>]>> = lanes
            .iter()
            .map(|&(i, _)| jobs[i].0.split.get().map(Vec::as_slice))
            .collect();
        let points = match split {
            Some(tables) => {
                let inputs: [SplitInput<'_>; LANES] = std::array::from_fn(|j| {
                    let (s, t) = &job(j).1;
                    split_input(tables.get(j).copied().unwrap_or(tables[0]), s, t)
                });
                // SAFETY: `available()` above confirmed AVX-512F and AVX-512 IFMA on this CPU.
                unsafe { kernel_split(&inputs) }
            }
            None => {
                let inputs: [LaneInput; LANES] = std::array::from_fn(|j| {
                    let (i, (s, t)) = job(j);
                    lane_input(&jobs[*i].0.point, s, t)
                });
                // SAFETY: `available()` above confirmed AVX-512F and AVX-512 IFMA on this CPU.
                unsafe { kernel(&inputs) }
            }
        };
        for (&(i, _), point) in lanes.iter().zip(points) {
            let (key, e, r, s) = jobs[i];
            let point = point.and_then(|(x, z)| {
                let x = Fe::from_be_bytes(&super::be_from_limbs(&x))?;
                let z = Fe::from_be_bytes(&super::be_from_limbs(&z))?;
                Some(Jacobian { x, y: Fe::ONE, z })
            });
            verdicts[i] = Some(match point {
                Some(point) => super::check_sum(&point, e, r),
                // A doubling or infinity inside the chain: the scalar path decides.
                None => key.verify(e, r, s),
            });
        }
    }
    Some(
        verdicts
            .into_iter()
            .map(|v| v.unwrap_or(Err(FastVerifyError::Mismatch)))
            .collect(),
    )
}

/// The field operations in lanes with the portable code's conventions, for the tests and the
/// differential fuzz target: inputs are 64-bit limbs below 2p (not reduced first), outputs are
/// below p; [`Ops::Mul`] and [`Ops::Square`] are Montgomery products with R = 2²⁵⁶ like
/// `field::Fe64`'s (a·b·2⁻²⁵⁶ mod p), [`Ops::Add`] and [`Ops::Sub`] plain a ± b mod p.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ops {
    /// a·b·2⁻²⁵⁶ mod p.
    Mul,
    /// a²·2⁻²⁵⁶ mod p.
    Square,
    /// (a + b) mod p.
    Add,
    /// (a − b) mod p.
    Sub,
}

/// `op` on eight lanes; `None` where the CPU lacks AVX-512F or IFMA.
pub(crate) fn field_op(op: Ops, a: &[[u64; 4]; LANES], b: &[[u64; 4]; LANES]) -> Option<[[u64; 4]; LANES]> {
    if !available() {
        return None;
    }
    // SAFETY: `available()` confirmed AVX-512F and AVX-512 IFMA on this CPU.
    Some(unsafe { field_op_lanes(op, a, b) })
}

#[target_feature(enable = "avx512f,avx512ifma")]
fn field_op_lanes(op: Ops, a: &[[u64; 4]; LANES], b: &[[u64; 4]; LANES]) -> [[u64; 4]; LANES] {
    let a = load(&a.each_ref().map(limbs52));
    let b = load(&b.each_ref().map(limbs52));
    // Montgomery products with R = 2²⁶⁰ take one factor times 2⁴ to give R = 2²⁵⁶'s.
    let r = match op {
        Ops::Mul => mul(&a, &mul(&b, &constant(&C264_52))),
        Ops::Square => mul(&square(&a), &constant(&C264_52)),
        Ops::Add => add(&a, &b),
        Ops::Sub => sub(&a, &b),
    };
    store(&reduce_below_p(&r)).map(|l| limbs64(&l))
}

#[cfg(test)]
mod tests;
