//! Points of sm2p256v1 (y² = x³ − 3x + b) in affine and Jacobian coordinates, and the
//! interleaved double-scalar multiplication s·G + t·P of the verification path.
//!
//! Jacobian (X, Y, Z) stands for (X/Z², Y/Z³); Z = 0 is the point at infinity. Formulas are
//! the usual ones for a = −3 (doubling 4M + 4S, mixed addition 8M + 3S, addition 12M + 4S),
//! with the exceptional cases (an input at infinity, equal or opposite inputs) handled by
//! branches: everything here is public data, so variable time is fine.

use super::field::Field;

/// wNAF width for the generator: digits are odd and |d| < 2^(W_G − 1), so the table holds
/// 2^(W_G − 2) points. 12 gives 1024 affine points (64 KiB with 64-bit limbs, nothing in the
/// binary), built once per process in well under a millisecond, and about 20 mixed additions
/// per verification (28 with a width of 8).
pub(crate) const WNAF_WIDTH_G: u32 = 12;

/// Widest wNAF [`wnaf`] computes (its digits are `i16`; the window must fit a 64-bit read).
pub(crate) const WNAF_MAX_WIDTH: u32 = 16;

/// wNAF width for the variable point: its 2^(W_P − 2) odd multiples are computed per
/// verification, so a small table is cheapest overall (5: eight points, about 43 additions).
pub(crate) const WNAF_WIDTH_P: u32 = 5;

/// Digits of a wNAF recoding of a number below 2²⁵⁶ (one more than its bit length, for the
/// final carry).
pub(crate) const WNAF_DIGITS: usize = 257;

/// The generator's coordinates, big-endian.
const GX: [u8; 32] = crate::sm::sm2::hex32("32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7");
const GY: [u8; 32] = crate::sm::sm2::hex32("bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0");

/// A finite point in affine coordinates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Affine<F> {
    pub(crate) x: F,
    pub(crate) y: F,
}

impl<F: Field> Affine<F> {
    /// The generator G.
    pub(crate) fn generator() -> Affine<F> {
        // The constants are below p: decoding cannot fail (checked by the tests).
        Affine {
            x: F::from_be_bytes(&GX).unwrap_or(F::ZERO),
            y: F::from_be_bytes(&GY).unwrap_or(F::ZERO),
        }
    }

    /// y² == x³ − 3x + b.
    pub(crate) fn is_on_curve(&self) -> bool {
        let x3 = self.x.square().mul(&self.x);
        let three_x = self.x.double().add(&self.x);
        self.y.square() == x3.sub(&three_x).add(&F::B)
    }

    /// The same point in another field type (`f` moves one coordinate).
    #[inline(always)]
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))] // For the x86-64 assembly paths.
    pub(crate) fn map<G>(&self, f: impl Fn(&F) -> G) -> Affine<G> {
        Affine {
            x: f(&self.x),
            y: f(&self.y),
        }
    }

    /// −self.
    pub(crate) fn neg(&self) -> Affine<F> {
        Affine {
            x: self.x,
            y: self.y.neg(),
        }
    }
}

/// A point in Jacobian coordinates; Z = 0 is the point at infinity.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Jacobian<F> {
    pub(crate) x: F,
    pub(crate) y: F,
    pub(crate) z: F,
}

impl<F: Field> Jacobian<F> {
    /// The point at infinity.
    pub(crate) fn infinity() -> Jacobian<F> {
        Jacobian {
            x: F::ONE,
            y: F::ONE,
            z: F::ZERO,
        }
    }

    /// The same point in another field type (`f` moves one coordinate).
    #[inline(always)]
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))] // For the x86-64 assembly paths.
    pub(crate) fn map<G>(&self, f: impl Fn(&F) -> G) -> Jacobian<G> {
        Jacobian {
            x: f(&self.x),
            y: f(&self.y),
            z: f(&self.z),
        }
    }

    /// Z == 0.
    pub(crate) fn is_infinity(&self) -> bool {
        self.z.is_zero()
    }

    /// −self.
    #[cfg(test)]
    pub(crate) fn neg(&self) -> Jacobian<F> {
        Jacobian {
            x: self.x,
            y: self.y.neg(),
            z: self.z,
        }
    }

    /// The affine point, or `None` at infinity (one inversion).
    #[cfg(test)]
    pub(crate) fn to_affine(self) -> Option<Affine<F>> {
        if self.is_infinity() {
            return None;
        }
        let zinv = self.z.invert();
        let zinv2 = zinv.square();
        Some(Affine {
            x: self.x.mul(&zinv2),
            y: self.y.mul(&zinv2).mul(&zinv),
        })
    }

    /// 2·self (dbl-2001-b for a = −3, with Z₃ = 2·Y·Z in place of (Y + Z)² − γ − δ: 4M + 4S,
    /// one multiplication instead of a squaring and two subtractions, which pays where a
    /// squaring costs about what a multiplication does). Infinity doubles to infinity (Z
    /// stays 0); there are no points of order 2 on this curve.
    ///
    /// With 2Y computed first: 4γ = (2Y)², 4β = X·4γ, Z₃ = 2Y·Z and 8γ² = (4γ)²/2 (γ = Y²,
    /// β = X·γ), one addition and one halving in place of two small multiples and a
    /// doubling; 8β is 4β doubled.
    pub(crate) fn double(&self) -> Jacobian<F> {
        let delta = self.z.square();
        let y2 = self.y.double();
        let gamma4 = y2.square();
        let beta4 = self.x.mul(&gamma4);
        let t = self.x.sub(&delta).mul(&self.x.add(&delta));
        let alpha = t.mul_small(3);
        let x3 = alpha.square().sub(&beta4.double());
        let z3 = y2.mul(&self.z);
        let gamma2_8 = gamma4.square().half();
        let y3 = alpha.mul(&beta4.sub(&x3)).sub(&gamma2_8);
        Jacobian { x: x3, y: y3, z: z3 }
    }

    /// self + q for an affine q (8M + 3S).
    pub(crate) fn add_affine(&self, q: &Affine<F>) -> Jacobian<F> {
        if self.is_infinity() {
            return Jacobian {
                x: q.x,
                y: q.y,
                z: F::ONE,
            };
        }
        let z1z1 = self.z.square();
        let u2 = q.x.mul(&z1z1);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&self.x);
        let r = s2.sub(&self.y);
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Jacobian::infinity()
            };
        }
        let hh = h.square();
        let hhh = h.mul(&hh);
        let v = self.x.mul(&hh);
        let x3 = r.square().sub(&hhh).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&self.y.mul(&hhh));
        let z3 = self.z.mul(&h);
        Jacobian { x: x3, y: y3, z: z3 }
    }

    /// self + q for a finite q with Z², Z³ known (11M + 3S).
    pub(crate) fn add_cached(&self, q: &Cached<F>) -> Jacobian<F> {
        if self.is_infinity() {
            return Jacobian { x: q.x, y: q.y, z: q.z };
        }
        let z1z1 = self.z.square();
        let u1 = self.x.mul(&q.zz);
        let u2 = q.x.mul(&z1z1);
        let s1 = self.y.mul(&q.zzz);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1);
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Jacobian::infinity()
            };
        }
        let hh = h.square();
        let hhh = h.mul(&hh);
        let v = u1.mul(&hh);
        let x3 = r.square().sub(&hhh).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&hhh));
        let z3 = self.z.mul(&q.z).mul(&h);
        Jacobian { x: x3, y: y3, z: z3 }
    }

    /// self + q (12M + 4S).
    pub(crate) fn add(&self, q: &Jacobian<F>) -> Jacobian<F> {
        if self.is_infinity() {
            return *q;
        }
        if q.is_infinity() {
            return *self;
        }
        let z1z1 = self.z.square();
        let z2z2 = q.z.square();
        let u1 = self.x.mul(&z2z2);
        let u2 = q.x.mul(&z1z1);
        let s1 = self.y.mul(&q.z).mul(&z2z2);
        let s2 = q.y.mul(&self.z).mul(&z1z1);
        let h = u2.sub(&u1);
        let r = s2.sub(&s1);
        if h.is_zero() {
            return if r.is_zero() {
                self.double()
            } else {
                Jacobian::infinity()
            };
        }
        let hh = h.square();
        let hhh = h.mul(&hh);
        let v = u1.mul(&hh);
        let x3 = r.square().sub(&hhh).sub(&v.double());
        let y3 = r.mul(&v.sub(&x3)).sub(&s1.mul(&hhh));
        let z3 = self.z.mul(&q.z).mul(&h);
        Jacobian { x: x3, y: y3, z: z3 }
    }
}

impl<F: Field> From<&Affine<F>> for Jacobian<F> {
    fn from(p: &Affine<F>) -> Jacobian<F> {
        Jacobian {
            x: p.x,
            y: p.y,
            z: F::ONE,
        }
    }
}

/// Affine forms of many Jacobian points with one inversion (Montgomery's trick); `None`
/// for points at infinity.
pub(crate) fn batch_to_affine<F: Field>(points: &[Jacobian<F>]) -> Vec<Option<Affine<F>>> {
    // prefix[i] = z_0 · … · z_(i−1), skipping points at infinity.
    let mut prefix = Vec::with_capacity(points.len());
    let mut acc = F::ONE;
    for p in points {
        prefix.push(acc);
        if !p.is_infinity() {
            acc = acc.mul(&p.z);
        }
    }
    let mut inv = acc.invert();
    let mut out = vec![None; points.len()];
    for (i, p) in points.iter().enumerate().rev() {
        if p.is_infinity() {
            continue;
        }
        // inv = (z_0 · … · z_i)⁻¹ here.
        let zinv = inv.mul(&prefix[i]);
        inv = inv.mul(&p.z);
        let zinv2 = zinv.square();
        out[i] = Some(Affine {
            x: p.x.mul(&zinv2),
            y: p.y.mul(&zinv2).mul(&zinv),
        });
    }
    out
}

/// 1·G, 3·G, …, (2^(W_G − 1) − 1)·G in affine coordinates.
pub(crate) fn generator_odd_multiples<F: Field>() -> Vec<Affine<F>> {
    let g = Affine::<F>::generator();
    let jacobian = odd_multiples(&g, 1 << (WNAF_WIDTH_G - 2));
    // None of them is at infinity (the group order is a large prime).
    batch_to_affine(&jacobian).into_iter().flatten().collect()
}

/// The first `count` odd multiples 1·p, 3·p, 5·p, … in Jacobian coordinates (`count` below
/// n / 2).
///
/// With co-Z additions: 2p and p are put on one Z (the doubling of (x, y, 1) has Z = 2y;
/// p is rescaled to it), then each (2k + 1)·p = 2p + (2k − 1)·p is [`co_z_add_update`] of the
/// two, which also gives 2p on the sum's Z for the next step: 5M + 2S per multiple instead of
/// a general addition's 12M + 4S. No step is exceptional: x(2p) = x((2k − 1)·p) would need
/// (2k + 1)·p or (2k − 3)·p at infinity, and the group's order n is a prime above 2k + 1.
pub(crate) fn odd_multiples<F: Field>(p: &Affine<F>, count: usize) -> Vec<Jacobian<F>> {
    let mut out = Vec::with_capacity(count);
    out.push(Jacobian::from(p));
    if count < 2 {
        return out;
    }
    let mut twice = Jacobian::from(p).double();
    let zz = twice.z.square();
    let mut last = Jacobian {
        x: p.x.mul(&zz),
        y: p.y.mul(&zz.mul(&twice.z)),
        z: twice.z,
    };
    for _ in 1..count {
        let (sum, twice_rescaled) = co_z_add_update(&twice, &last);
        out.push(sum);
        last = sum;
        twice = twice_rescaled;
    }
    out
}

/// (a + b, a) for a, b on the same Z with x(a) ≠ x(b), both results on the sum's Z
/// (Z₃ = Z·(X_a − X_b)): with λ = (Y_a − Y_b)/Z₃, X₃ = λ²Z₃² − X_a·C − X_b·C for
/// C = (X_a − X_b)², and X_a·C, Y_a·(X_a − X_b)³ are a's coordinates on Z₃. 5M + 2S.
fn co_z_add_update<F: Field>(a: &Jacobian<F>, b: &Jacobian<F>) -> (Jacobian<F>, Jacobian<F>) {
    let dx = a.x.sub(&b.x);
    debug_assert!(!dx.is_zero());
    let c = dx.square();
    let w1 = a.x.mul(&c);
    let w2 = b.x.mul(&c);
    let dy = a.y.sub(&b.y);
    let a1 = a.y.mul(&w1.sub(&w2));
    let x3 = dy.square().sub(&w1).sub(&w2);
    let y3 = dy.mul(&w1.sub(&x3)).sub(&a1);
    let z3 = a.z.mul(&dx);
    (Jacobian { x: x3, y: y3, z: z3 }, Jacobian { x: w1, y: a1, z: z3 })
}

/// The width-`w` non-adjacent form of a 256-bit number (little-endian 64-bit limbs): digits
/// d_i, each 0 or odd with |d_i| < 2^(w−1), such that Σ d_i·2^i is the number.
pub(crate) fn wnaf(k: &[u64; 4], w: u32) -> [i16; WNAF_DIGITS] {
    debug_assert!((2..=WNAF_MAX_WIDTH).contains(&w));
    // Two zero limbs past the top let the window read past bit 255 without a bounds check.
    let limbs = [k[0], k[1], k[2], k[3], 0, 0];
    let width = 1u64 << w;
    let mask = width - 1;
    let mut digits = [0i16; WNAF_DIGITS];
    let mut carry = 0u64;
    let mut pos = 0usize;
    while pos < WNAF_DIGITS {
        let (idx, bit) = (pos / 64, pos % 64);
        let bits = if bit == 0 {
            limbs[idx]
        } else {
            (limbs[idx] >> bit) | (limbs[idx + 1] << (64 - bit))
        };
        let window = carry + (bits & mask);
        if window & 1 == 0 {
            pos += 1;
            continue;
        }
        if window < width / 2 {
            carry = 0;
            digits[pos] = window as i16;
        } else {
            carry = 1;
            digits[pos] = (window as i64 - width as i64) as i16;
        }
        pos += w as usize;
    }
    digits
}

/// Entries of the variable point's table: its odd multiples 1·P … (2^(W_P − 1) − 1)·P.
pub(crate) const P_TABLE_LEN: usize = 1 << (WNAF_WIDTH_P - 2);

/// A finite point in Jacobian coordinates with Z² and Z³ kept (Chudnovsky), so adding it
/// costs two multiplications less.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cached<F> {
    x: F,
    y: F,
    z: F,
    zz: F,
    zzz: F,
}

impl<F: Field> Cached<F> {
    fn new(p: &Jacobian<F>) -> Cached<F> {
        let zz = p.z.square();
        Cached {
            x: p.x,
            y: p.y,
            z: p.z,
            zz,
            zzz: zz.mul(&p.z),
        }
    }

    /// The same point in another field type (`f` moves one coordinate).
    #[inline(always)]
    #[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))] // For the x86-64 assembly paths.
    pub(crate) fn map<G>(&self, f: impl Fn(&F) -> G) -> Cached<G> {
        Cached {
            x: f(&self.x),
            y: f(&self.y),
            z: f(&self.z),
            zz: f(&self.zz),
            zzz: f(&self.zzz),
        }
    }

    fn neg(&self) -> Cached<F> {
        Cached {
            y: self.y.neg(),
            ..*self
        }
    }
}

/// The table of odd multiples of the variable point, kept with its key.
pub(crate) fn variable_point_table<F: Field>(p: &Affine<F>) -> [Cached<F>; P_TABLE_LEN] {
    let multiples = odd_multiples(p, P_TABLE_LEN);
    std::array::from_fn(|i| Cached::new(&multiples[i]))
}

/// s·G + t·P (Straus/Shamir: one chain of doublings, wNAF digits of both scalars added in as
/// it goes), for scalars given as little-endian 64-bit limbs below 2²⁵⁶.
#[cfg(test)]
pub(crate) fn mul_g_add_mul_p<F: Field>(s: &[u64; 4], p: &Affine<F>, t: &[u64; 4]) -> Jacobian<F> {
    mul_g_add_mul_table(s, &variable_point_table(p), t)
}

/// As `mul_g_add_mul_p`, with P's table of odd multiples ([`variable_point_table`]) given.
pub(crate) fn mul_g_add_mul_table<F: Field>(
    s: &[u64; 4],
    p_table: &[Cached<F>; P_TABLE_LEN],
    t: &[u64; 4],
) -> Jacobian<F> {
    let g_table = F::generator_table();
    let ds = wnaf(s, WNAF_WIDTH_G);
    let dt = wnaf(t, WNAF_WIDTH_P);
    let top = (0..WNAF_DIGITS).rev().find(|&i| ds[i] != 0 || dt[i] != 0);
    let mut acc = Jacobian::infinity();
    let Some(top) = top else { return acc };
    for i in (0..=top).rev() {
        if !acc.is_infinity() {
            acc = acc.double();
        }
        if let Some(q) = digit_entry(g_table, ds[i], Affine::neg) {
            acc = acc.add_affine(&q);
        }
        if let Some(q) = digit_entry(p_table, dt[i], Cached::neg) {
            acc = acc.add_cached(&q);
        }
    }
    acc
}

/// Parts a 256-bit scalar is split into by the prepared-key verification (k = Σ kⱼ·2⁶⁴ʲ):
/// 64 doublings instead of 256, for four tables per point.
pub(crate) const SPLIT_PARTS: usize = 4;

/// Bits per part.
const SPLIT_BITS: usize = 64;

/// wNAF width for the generator's parts (4 tables of 64 affine points, 16 KiB).
pub(crate) const WNAF_WIDTH_G_SPLIT: u32 = 8;

/// wNAF width for the prepared key's parts (4 tables of 8 affine points).
pub(crate) const WNAF_WIDTH_P_SPLIT: u32 = 5;

/// Odd multiples of 2⁰·Q, 2⁶⁴·Q, 2¹²⁸·Q, 2¹⁹²·Q for a finite Q, in affine coordinates (one
/// batched inversion for all of them), `count` per part.
pub(crate) fn split_tables<F: Field>(q: &Affine<F>, count: usize) -> Vec<Vec<Affine<F>>> {
    let mut jacobian = Vec::with_capacity(SPLIT_PARTS * count);
    let mut base = *q;
    for part in 0..SPLIT_PARTS {
        jacobian.extend(odd_multiples(&base, count));
        if part + 1 < SPLIT_PARTS {
            let mut next = Jacobian::from(&base);
            for _ in 0..SPLIT_BITS {
                next = next.double();
            }
            // 2⁶⁴ʲ·Q is finite (n is prime): this normalisation cannot fail.
            base = batch_to_affine(&[next])[0].unwrap_or(base);
        }
    }
    let affine: Vec<Affine<F>> = batch_to_affine(&jacobian).into_iter().flatten().collect();
    affine.chunks_exact(count).map(<[Affine<F>]>::to_vec).collect()
}

/// The generator's split tables for this field representation (built once per process).
pub(crate) fn generator_split_tables<F: Field>() -> Vec<Vec<Affine<F>>> {
    split_tables(&Affine::generator(), 1 << (WNAF_WIDTH_G_SPLIT - 2))
}

/// The wNAF digits of the four 64-bit parts of a scalar.
fn split_wnaf(k: &[u64; 4], w: u32) -> [[i16; WNAF_DIGITS]; SPLIT_PARTS] {
    std::array::from_fn(|j| wnaf(&[k[j], 0, 0, 0], w))
}

/// Adds the table entry for a wNAF digit (nothing for 0).
#[inline(always)]
fn add_digit<F: Field>(acc: &Jacobian<F>, table: &[Affine<F>], d: i16) -> Jacobian<F> {
    digit_entry(table, d, Affine::neg).map_or(*acc, |q| acc.add_affine(&q))
}

/// s·G + t·P with P given by its split tables ([`split_tables`] with 2^(W − 2) points per
/// part for W = [`WNAF_WIDTH_P_SPLIT`]): one chain of 65 doublings, the digits of all eight
/// 64-bit parts added in as it goes.
pub(crate) fn mul_g_add_mul_split<F: Field, T: AsRef<[Affine<F>]>>(
    s: &[u64; 4],
    p_tables: &[T],
    t: &[u64; 4],
) -> Jacobian<F> {
    let g_tables = F::generator_split_tables();
    let ds = split_wnaf(s, WNAF_WIDTH_G_SPLIT);
    let dt = split_wnaf(t, WNAF_WIDTH_P_SPLIT);
    // A 64-bit part's wNAF has at most 65 digits.
    let mut acc = Jacobian::infinity();
    for i in (0..=SPLIT_BITS).rev() {
        if !acc.is_infinity() {
            acc = acc.double();
        }
        for j in 0..SPLIT_PARTS {
            acc = add_digit(&acc, &g_tables[j], ds[j][i]);
            acc = add_digit(&acc, p_tables[j].as_ref(), dt[j][i]);
        }
    }
    acc
}

// Several verifications interleaved ("lanes"): the same formulas as above, each step computed
// for every lane before the next step, so the field operations of different lanes stand
// next to each other in program order. A dependent multiplication waits on its carries; with
// two or more independent ones adjacent, the out-of-order core overlaps them.

/// 2·pᵢ for every lane ([`Jacobian::double`]'s formula, step by step across the lanes;
/// infinity stays infinity).
#[inline(always)]
pub(crate) fn double_lanes<F: Field, const L: usize>(p: &[Jacobian<F>; L]) -> [Jacobian<F>; L] {
    use std::array::from_fn;
    let delta: [F; L] = from_fn(|i| p[i].z.square());
    let y2: [F; L] = from_fn(|i| p[i].y.double());
    let gamma4: [F; L] = from_fn(|i| y2[i].square());
    let xm: [F; L] = from_fn(|i| p[i].x.sub(&delta[i]));
    let xp: [F; L] = from_fn(|i| p[i].x.add(&delta[i]));
    let beta4: [F; L] = from_fn(|i| p[i].x.mul(&gamma4[i]));
    let t: [F; L] = from_fn(|i| xm[i].mul(&xp[i]));
    let z3: [F; L] = from_fn(|i| y2[i].mul(&p[i].z));
    let alpha: [F; L] = from_fn(|i| t[i].mul_small(3));
    let gamma2_16: [F; L] = from_fn(|i| gamma4[i].square());
    let alpha2: [F; L] = from_fn(|i| alpha[i].square());
    let beta8: [F; L] = from_fn(|i| beta4[i].double());
    let gamma2_8: [F; L] = from_fn(|i| gamma2_16[i].half());
    let x3: [F; L] = from_fn(|i| alpha2[i].sub(&beta8[i]));
    let w: [F; L] = from_fn(|i| beta4[i].sub(&x3[i]));
    let aw: [F; L] = from_fn(|i| alpha[i].mul(&w[i]));
    from_fn(|i| Jacobian {
        x: x3[i],
        y: aw[i].sub(&gamma2_8[i]),
        z: z3[i],
    })
}

/// accᵢ + qᵢ for N finite accumulators ([`Jacobian::add_affine`] step by step across them);
/// `None` for a lane whose sum is exceptional (equal x: a doubling or infinity), which the
/// caller computes with `add_affine`.
#[inline(always)]
fn add_affine_n<F: Field, const N: usize>(acc: &[Jacobian<F>; N], q: &[Affine<F>; N]) -> [Option<Jacobian<F>>; N] {
    use std::array::from_fn;
    let z1z1: [F; N] = from_fn(|i| acc[i].z.square());
    let yz: [F; N] = from_fn(|i| q[i].y.mul(&acc[i].z));
    let u2: [F; N] = from_fn(|i| q[i].x.mul(&z1z1[i]));
    let s2: [F; N] = from_fn(|i| yz[i].mul(&z1z1[i]));
    let h: [F; N] = from_fn(|i| u2[i].sub(&acc[i].x));
    let r: [F; N] = from_fn(|i| s2[i].sub(&acc[i].y));
    let (u1, s1, zz): ([F; N], [F; N], [F; N]) = (from_fn(|i| acc[i].x), from_fn(|i| acc[i].y), from_fn(|i| acc[i].z));
    add_tail_n(&h, &r, &u1, &s1, &zz)
}

/// accᵢ + qᵢ for N finite accumulators ([`Jacobian::add_cached`] step by step across them);
/// `None` for a lane whose sum is exceptional, as [`add_affine_n`].
#[inline(always)]
fn add_cached_n<F: Field, const N: usize>(acc: &[Jacobian<F>; N], q: &[Cached<F>; N]) -> [Option<Jacobian<F>>; N] {
    use std::array::from_fn;
    let z1z1: [F; N] = from_fn(|i| acc[i].z.square());
    let u1: [F; N] = from_fn(|i| acc[i].x.mul(&q[i].zz));
    let s1: [F; N] = from_fn(|i| acc[i].y.mul(&q[i].zzz));
    let yz: [F; N] = from_fn(|i| q[i].y.mul(&acc[i].z));
    let u2: [F; N] = from_fn(|i| q[i].x.mul(&z1z1[i]));
    let s2: [F; N] = from_fn(|i| yz[i].mul(&z1z1[i]));
    let zz: [F; N] = from_fn(|i| acc[i].z.mul(&q[i].z));
    let h: [F; N] = from_fn(|i| u2[i].sub(&u1[i]));
    let r: [F; N] = from_fn(|i| s2[i].sub(&s1[i]));
    add_tail_n(&h, &r, &u1, &s1, &zz)
}

/// The common end of [`add_affine_n`] and [`add_cached_n`]: with H = U₂ − U₁ and R = S₂ − S₁,
/// X₃ = R² − H³ − 2·U₁H², Y₃ = R·(U₁H² − X₃) − S₁H³, Z₃ = Z₁Z₂·H (`zz`; Z₁ for an affine
/// q); `None` for a lane with H = 0 (equal x: a doubling or infinity).
#[inline(always)]
fn add_tail_n<F: Field, const N: usize>(
    h: &[F; N],
    r: &[F; N],
    u1: &[F; N],
    s1: &[F; N],
    zz: &[F; N],
) -> [Option<Jacobian<F>>; N] {
    use std::array::from_fn;
    let hh: [F; N] = from_fn(|i| h[i].square());
    let rr: [F; N] = from_fn(|i| r[i].square());
    let hhh: [F; N] = from_fn(|i| h[i].mul(&hh[i]));
    let v: [F; N] = from_fn(|i| u1[i].mul(&hh[i]));
    let z3: [F; N] = from_fn(|i| zz[i].mul(&h[i]));
    let sh: [F; N] = from_fn(|i| s1[i].mul(&hhh[i]));
    let x3: [F; N] = from_fn(|i| rr[i].sub(&hhh[i]).sub(&v[i].double()));
    let vx: [F; N] = from_fn(|i| v[i].sub(&x3[i]));
    let rv: [F; N] = from_fn(|i| r[i].mul(&vx[i]));
    from_fn(|i| {
        (!h[i].is_zero()).then(|| Jacobian {
            x: x3[i],
            y: rv[i].sub(&sh[i]),
            z: z3[i],
        })
    })
}

/// A point the lanes add: affine (G's tables, a prepared key's) or with Z², Z³ (a new key's).
pub(crate) trait LaneAddend<F: Field>: Copy {
    /// acc + self, exceptional cases included.
    fn add_to(&self, acc: &Jacobian<F>) -> Jacobian<F>;
    /// accᵢ + qᵢ for N finite accumulators, `None` for exceptional sums.
    fn add_n<const N: usize>(acc: &[Jacobian<F>; N], q: &[Self; N]) -> [Option<Jacobian<F>>; N];
}

impl<F: Field> LaneAddend<F> for Affine<F> {
    #[inline(always)]
    fn add_to(&self, acc: &Jacobian<F>) -> Jacobian<F> {
        acc.add_affine(self)
    }
    #[inline(always)]
    fn add_n<const N: usize>(acc: &[Jacobian<F>; N], q: &[Self; N]) -> [Option<Jacobian<F>>; N] {
        add_affine_n(acc, q)
    }
}

impl<F: Field> LaneAddend<F> for Cached<F> {
    #[inline(always)]
    fn add_to(&self, acc: &Jacobian<F>) -> Jacobian<F> {
        acc.add_cached(self)
    }
    #[inline(always)]
    fn add_n<const N: usize>(acc: &[Jacobian<F>; N], q: &[Self; N]) -> [Option<Jacobian<F>>; N] {
        add_cached_n(acc, q)
    }
}

/// Adds to the N accumulators `lanes` names their points `q` together (all finite
/// accumulators in one interleaved addition; an accumulator at infinity takes its point, an
/// exceptional sum goes through the one-lane formula).
#[inline(always)]
fn add_group<F: Field, Q: LaneAddend<F>, const L: usize, const N: usize>(
    acc: &mut [Jacobian<F>; L],
    lanes: [usize; N],
    q: [Q; N],
) {
    if lanes.iter().any(|&l| acc[l].is_infinity()) {
        for (&l, q) in lanes.iter().zip(&q) {
            acc[l] = q.add_to(&acc[l]);
        }
        return;
    }
    let sums = Q::add_n(&lanes.map(|l| acc[l]), &q);
    for ((&l, q), sum) in lanes.iter().zip(&q).zip(sums) {
        acc[l] = match sum {
            Some(sum) => sum,
            None => q.add_to(&acc[l]),
        };
    }
}

/// Adds `q[l]` to `acc[l]` for every lane l that has one, the lanes with one together in
/// groups of up to four (nothing when no lane has one).
#[inline(always)]
fn add_lanes<F: Field, Q: LaneAddend<F>, const L: usize>(acc: &mut [Jacobian<F>; L], q: &[Option<Q>; L]) {
    let Some(&first) = q.iter().flatten().next() else {
        return;
    };
    // The lanes that add and their points, packed to the front (`first` only fills the
    // array; entries from `n` on are never read).
    let mut lanes = [0usize; L];
    let mut points = [first; L];
    let mut n = 0;
    for (l, q) in q.iter().enumerate() {
        if let Some(q) = q {
            lanes[n] = l;
            points[n] = *q;
            n += 1;
        }
    }
    let mut at = 0;
    while at < n {
        let take = (n - at).min(4);
        let p = |k: usize| points[at + k];
        let l = |k: usize| lanes[at + k];
        match take {
            1 => acc[l(0)] = p(0).add_to(&acc[l(0)]),
            2 => add_group(acc, [l(0), l(1)], [p(0), p(1)]),
            3 => add_group(acc, [l(0), l(1), l(2)], [p(0), p(1), p(2)]),
            _ => add_group(acc, [l(0), l(1), l(2), l(3)], [p(0), p(1), p(2), p(3)]),
        }
        at += take;
    }
}

/// The table entry for a wNAF digit d (odd multiples: entry |d| ≫ 1, negated for a negative
/// d), `None` for 0.
#[inline(always)]
fn digit_entry<Q: Copy>(table: &[Q], d: i16, neg: impl Fn(&Q) -> Q) -> Option<Q> {
    match d {
        0 => None,
        d if d > 0 => Some(table[(d >> 1) as usize]),
        d => Some(neg(&table[((-d) >> 1) as usize])),
    }
}

/// One lane of [`mul_g_add_mul_table_lanes`]: s, the key's wNAF table, t.
pub(crate) type TableLane<'a, F> = (&'a [u64; 4], &'a [Cached<F>; P_TABLE_LEN], &'a [u64; 4]);

/// One lane of [`mul_g_add_mul_split_lanes`]: s, the key's split tables, t.
pub(crate) type SplitLane<'a, T> = (&'a [u64; 4], &'a [T], &'a [u64; 4]);

/// sᵢ·G + tᵢ·Pᵢ for L verifications by new keys at once ([`mul_g_add_mul_table`] in lanes):
/// one chain of doublings for all, the lanes' doublings interleaved, each lane's wNAF digits
/// added where it has one (lanes with a digit at the same position added together).
pub(crate) fn mul_g_add_mul_table_lanes<F: Field, const L: usize>(jobs: [TableLane<'_, F>; L]) -> [Jacobian<F>; L] {
    let g_table = F::generator_table();
    let ds: [[i16; WNAF_DIGITS]; L] = jobs.map(|(s, _, _)| wnaf(s, WNAF_WIDTH_G));
    let dt: [[i16; WNAF_DIGITS]; L] = jobs.map(|(_, _, t)| wnaf(t, WNAF_WIDTH_P));
    let mut acc = [Jacobian::infinity(); L];
    let top = (0..WNAF_DIGITS)
        .rev()
        .find(|&i| (0..L).any(|l| ds[l][i] != 0 || dt[l][i] != 0));
    let Some(top) = top else { return acc };
    for i in (0..=top).rev() {
        // Lanes still at infinity double to infinity: no test needed.
        acc = double_lanes(&acc);
        let g: [Option<Affine<F>>; L] = std::array::from_fn(|l| digit_entry(g_table, ds[l][i], Affine::neg));
        add_lanes(&mut acc, &g);
        let p: [Option<Cached<F>>; L] = std::array::from_fn(|l| digit_entry(jobs[l].1, dt[l][i], Cached::neg));
        add_lanes(&mut acc, &p);
    }
    acc
}

/// sᵢ·G + tᵢ·Pᵢ for L verifications by prepared keys at once ([`mul_g_add_mul_split`] in
/// lanes): 65 interleaved doublings; at each position every lane's nonzero digits of its eight
/// parts are added, the k-th addition of every lane that has one together.
pub(crate) fn mul_g_add_mul_split_lanes<F: Field, T: AsRef<[Affine<F>]>, const L: usize>(
    jobs: [SplitLane<'_, T>; L],
) -> [Jacobian<F>; L] {
    let g_tables = F::generator_split_tables();
    let ds: [[[i16; WNAF_DIGITS]; SPLIT_PARTS]; L] = jobs.map(|(s, _, _)| split_wnaf(s, WNAF_WIDTH_G_SPLIT));
    let dt: [[[i16; WNAF_DIGITS]; SPLIT_PARTS]; L] = jobs.map(|(_, _, t)| split_wnaf(t, WNAF_WIDTH_P_SPLIT));
    let mut acc = [Jacobian::infinity(); L];
    for i in (0..=SPLIT_BITS).rev() {
        acc = double_lanes(&acc);
        // Each lane's additions at this position, in the single path's order: the k-th of
        // every lane in `pending[k]`.
        let mut pending = [[None::<Affine<F>>; L]; 2 * SPLIT_PARTS];
        let mut count = [0usize; L];
        for l in 0..L {
            for j in 0..SPLIT_PARTS {
                for (table, d) in [
                    (g_tables[j].as_slice(), ds[l][j][i]),
                    (jobs[l].1[j].as_ref(), dt[l][j][i]),
                ] {
                    if let Some(q) = digit_entry(table, d, Affine::neg) {
                        pending[count[l]][l] = Some(q);
                        count[l] += 1;
                    }
                }
            }
        }
        let rounds = count.iter().copied().max().unwrap_or(0);
        for q in &pending[..rounds] {
            add_lanes(&mut acc, q);
        }
    }
    acc
}
