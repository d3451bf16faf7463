//! Arithmetic modulo the SM2 prime p = 2²⁵⁶ − 2²²⁴ − 2⁹⁶ + 2⁶⁴ − 1, in Montgomery form
//! (R = 2²⁵⁶), for the variable-time verification path.
//!
//! One macro writes the implementation twice: with four 64-bit limbs and `u128` products
//! (native targets) and, for the tests only, with eight 32-bit limbs and `u64` products
//! (`Fe32`, the 32-bit reference of wasm32's [`super::fe29::Fe29`]: wasm32 has no
//! 64×64→128-bit multiply, and Fe29's nine 29-bit limbs take about 1.5× fewer instructions per
//! verification in V8 than Fe32 did). The tests check the layouts against each other and
//! against an independent big-integer implementation on every target.
//!
//! The lowest limb of p is all ones in both layouts, so −p⁻¹ mod 2^limb = 1 and each
//! Montgomery reduction step multiplies by the current low limb itself.
//!
//! Nothing here is constant-time: it is only ever given public data (keys, signatures,
//! digests).

use super::point::Affine;

/// The accelerated 64-bit multiplication, squaring, addition and subtraction where there are
/// some (x86-64 with BMI2 and ADX, detected at run time): `None` means "use the portable
/// code".
#[cfg(target_arch = "x86_64")]
use super::adx as accel;

/// No accelerated 64-bit arithmetic on this architecture (wasm32 compiles the 64-bit layout for
/// the tests only).
#[cfg(all(not(target_arch = "x86_64"), any(test, not(target_arch = "wasm32"))))]
mod accel {
    #[inline(always)]
    pub(crate) fn mul(_: &[u64; 4], _: &[u64; 4]) -> Option<[u64; 4]> {
        None
    }
    #[inline(always)]
    pub(crate) fn square(_: &[u64; 4]) -> Option<[u64; 4]> {
        None
    }
    #[inline(always)]
    pub(crate) fn add(_: &[u64; 4], _: &[u64; 4]) -> Option<[u64; 4]> {
        None
    }
    #[inline(always)]
    pub(crate) fn sub(_: &[u64; 4], _: &[u64; 4]) -> Option<[u64; 4]> {
        None
    }
    #[inline(always)]
    pub(crate) fn mul_small(_: &[u64; 4], _: u64) -> Option<[u64; 4]> {
        None
    }
    #[inline(always)]
    pub(crate) fn lookup<A>(_: &[A], _: u32) -> Option<[u64; 8]> {
        None
    }
}

/// The field operations the point arithmetic needs. Values are always fully reduced (< p),
/// so the derived equality is equality in the field.
pub(crate) trait Field: Copy + PartialEq + core::fmt::Debug + 'static {
    /// 0.
    const ZERO: Self;
    /// 1 (R mod p in Montgomery form).
    const ONE: Self;
    /// The curve coefficient b.
    const B: Self;

    /// A big-endian integer below p; `None` if it is ≥ p.
    fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self>;
    /// The canonical big-endian encoding.
    fn to_be_bytes(&self) -> [u8; 32];
    /// `b` if `pick_b`, else `a`, without a branch on `pick_b` (for signing).
    fn select(a: &Self, b: &Self, pick_b: bool) -> Self;
    /// self |= other if `take`, without a branch on `take` (a constant-time table scan ORs
    /// the one matching entry into zero).
    fn or_masked(&mut self, other: &Self, take: bool);
    /// `table[index − 1]` for `index` in 1..=`table.len()`, (0, 0) for any other index,
    /// reading every entry and combining them with masks: which memory is read and which
    /// instructions run do not depend on `index` (the signing comb's secret digit).
    fn lookup(table: &[Affine<Self>], index: u32) -> Affine<Self> {
        let mut out = Affine {
            x: Self::ZERO,
            y: Self::ZERO,
        };
        for (j, entry) in table.iter().enumerate() {
            let d = std::hint::black_box(j as u32 + 1) ^ index;
            // (d | −d) has its top bit set exactly when d ≠ 0.
            let hit = ((d | d.wrapping_neg()) >> 31) == 0;
            out.x.or_masked(&entry.x, hit);
            out.y.or_masked(&entry.y, hit);
        }
        out
    }
    /// self + rhs.
    fn add(&self, rhs: &Self) -> Self;
    /// self − rhs.
    fn sub(&self, rhs: &Self) -> Self;
    /// self · rhs.
    fn mul(&self, rhs: &Self) -> Self;
    /// self².
    fn square(&self) -> Self;
    /// 2 · self.
    fn double(&self) -> Self {
        self.add(self)
    }
    /// k · self for a small k ≥ 1 (the doubling's 3, 4 and 8).
    fn mul_small(&self, k: u32) -> Self {
        small_multiple_by_additions(self, k)
    }
    /// −self.
    fn neg(&self) -> Self {
        Self::ZERO.sub(self)
    }
    /// self / 2 (the doubling's 8γ² as (4γ)²/2).
    fn half(&self) -> Self;
    /// −self if `negate`, else self, without a branch on `negate` (for signing).
    fn neg_if(&self, negate: bool) -> Self {
        Self::select(self, &self.neg(), negate)
    }
    /// self == 0.
    fn is_zero(&self) -> bool {
        *self == Self::ZERO
    }
    /// self^(2ⁿ) (n squarings).
    fn square_times(&self, n: u32) -> Self {
        let mut acc = *self;
        for _ in 0..n {
            acc = acc.square();
        }
        acc
    }
    /// self⁻¹; 0 for 0. Constant time. By default Fermat's (see [`fermat_invert`]).
    fn invert(&self) -> Self {
        fermat_invert(self)
    }
    /// The precomputed odd multiples of the generator for this field representation.
    fn generator_table() -> &'static [Affine<Self>];
    /// The generator's split tables (prepared-key verification) for this representation.
    fn generator_split_tables() -> &'static [Vec<Affine<Self>>];
    /// The fixed-base comb table of signing for this field representation.
    fn base_table() -> &'static [[Affine<Self>; super::base::PER_WINDOW]];
}

/// a⁻¹ (Fermat: a^(p−2)); 0 for 0. A fixed sequence of operations (so constant time): an
/// addition chain of 256 squarings and 15 multiplications (square-and-multiply with a 4-bit
/// window took 256 squarings and 79 multiplications).
///
/// p − 2 in binary is 1³¹ 0 1¹²⁸ 0³² 1³² 1³⁰ 0 1 (1ᵏ: k ones). With xₖ = a^(2ᵏ − 1) (k ones),
/// built as x₂, x₃, x₆, x₁₂, x₁₅, x₃₀, x₃₁, x₃₂, the exponent is read from the top: x₃₁, one
/// 0, four times 32 ones, 32 zeros, 32 ones, 30 ones, then 0 1.
pub(crate) fn fermat_invert<F: Field>(a: &F) -> F {
    let x1 = *a;
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
    acc = acc.square_times(32);
    acc = acc.square_times(32).mul(&x32);
    acc = acc.square_times(30).mul(&x30);
    acc.square_times(2).mul(&x1)
}

/// k · a by additions: two for 3 and 4, three for 8 (k − 1 for other k ≥ 1).
#[inline(always)]
pub(super) fn small_multiple_by_additions<F: Field>(a: &F, k: u32) -> F {
    match k {
        3 => a.double().add(a),
        4 => a.double().double(),
        8 => a.double().double().double(),
        _ => {
            let mut acc = *a;
            for _ in 1..k {
                acc = acc.add(a);
            }
            acc
        }
    }
}

/// The `Field` methods of a field type `$name` that hand out G's tables, each built once per
/// process on first use (a `static` per type and table).
macro_rules! generator_tables {
    ($name:ty) => {
        fn base_table() -> &'static [[Affine<Self>; super::base::PER_WINDOW]] {
            static TABLE: std::sync::OnceLock<Vec<[Affine<$name>; super::base::PER_WINDOW]>> =
                std::sync::OnceLock::new();
            TABLE.get_or_init(super::base::build_table::<$name>)
        }

        fn generator_split_tables() -> &'static [Vec<Affine<Self>>] {
            static TABLES: std::sync::OnceLock<Vec<Vec<Affine<$name>>>> = std::sync::OnceLock::new();
            TABLES.get_or_init(super::point::generator_split_tables::<$name>)
        }

        fn generator_table() -> &'static [Affine<Self>] {
            static TABLE: std::sync::OnceLock<Vec<Affine<$name>>> = std::sync::OnceLock::new();
            TABLE.get_or_init(super::point::generator_odd_multiples::<$name>)
        }
    };
}

/// For `montgomery_field!` (in this module and in `adx`) and for `fe29::Fe29`.
pub(super) use generator_tables;

/// Writes a Montgomery field type `$name` with `$n` limbs of type `$limb` and double-width
/// products of type `$wide`; `$p` is p in little-endian limbs and `$q(m)` is
/// m·(p + 1)/2^limb in limbs (see `montgomery_reduce`).
#[cfg(any(test, not(target_arch = "wasm32")))]
macro_rules! montgomery_field {
    ($(#[$meta:meta])* $name:ident, $limb:ty, $wide:ty, $n:expr, $p:expr, $q:ident, $accel_mul:path, $accel_square:path, $accel_add:path, $accel_sub:path, $accel_mul_small:path, $accel_lookup:path, $accel_neg_if:path, $accel_half:path, $invert_plain:path) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub(crate) struct $name([$limb; $n]);

        impl $name {
            const LIMB_BITS: u32 = <$limb>::BITS;
            const LIMB_BYTES: usize = (<$limb>::BITS / 8) as usize;
            /// p, little-endian limbs.
            const P: [$limb; $n] = $p;
            /// R mod p = 2²⁵⁶ − p.
            const R: [$limb; $n] = Self::neg_p();
            /// R² mod p: R doubled 256 times, modulo p.
            const R2: [$limb; $n] = {
                let mut v = Self::R;
                let mut i = 0;
                while i < 256 {
                    v = Self::add_limbs(&v, &v);
                    i += 1;
                }
                v
            };

            const fn neg_p() -> [$limb; $n] {
                let mut out = [0; $n];
                let mut borrow: $limb = 0;
                let mut i = 0;
                while i < $n {
                    let (d, b1) = (0 as $limb).overflowing_sub(Self::P[i]);
                    let (d, b2) = d.overflowing_sub(borrow);
                    out[i] = d;
                    borrow = (b1 | b2) as $limb;
                    i += 1;
                }
                out
            }

            /// v − p if v + carry·2²⁵⁶ ≥ p, else v; requires v + carry·2²⁵⁶ < 2p.
            #[inline(always)]
            const fn reduce_once(v: &[$limb; $n], carry: $limb) -> [$limb; $n] {
                let mut d = [0; $n];
                let mut borrow: $limb = 0;
                let mut i = 0;
                while i < $n {
                    let t = (v[i] as $wide).wrapping_sub(Self::P[i] as $wide + borrow as $wide);
                    d[i] = t as $limb;
                    borrow = (t >> (2 * Self::LIMB_BITS - 1)) as $limb;
                    i += 1;
                }
                // Keep v exactly when v < p: no carry out and a borrow from v − p.
                let keep_v = (0 as $limb).wrapping_sub(borrow & !carry & 1);
                let mut out = [0; $n];
                let mut i = 0;
                while i < $n {
                    out[i] = (v[i] & keep_v) | (d[i] & !keep_v);
                    i += 1;
                }
                out
            }

            /// The portable addition (the reference of the accelerated one).
            #[inline(always)]
            pub(super) const fn add_limbs(a: &[$limb; $n], b: &[$limb; $n]) -> [$limb; $n] {
                let mut s = [0; $n];
                let mut carry: $limb = 0;
                let mut i = 0;
                while i < $n {
                    let t = a[i] as $wide + b[i] as $wide + carry as $wide;
                    s[i] = t as $limb;
                    carry = (t >> Self::LIMB_BITS) as $limb;
                    i += 1;
                }
                Self::reduce_once(&s, carry)
            }

            /// The portable subtraction (the reference of the accelerated one).
            #[inline(always)]
            pub(super) fn sub_limbs(a: &[$limb; $n], b: &[$limb; $n]) -> [$limb; $n] {
                let mut d = [0; $n];
                let mut borrow: $limb = 0;
                for i in 0..$n {
                    let t = (a[i] as $wide).wrapping_sub(b[i] as $wide + borrow as $wide);
                    d[i] = t as $limb;
                    borrow = (t >> (2 * Self::LIMB_BITS - 1)) as $limb;
                }
                // Add p back if a < b.
                let mask = (0 as $limb).wrapping_sub(borrow);
                let mut carry: $limb = 0;
                for i in 0..$n {
                    let t = d[i] as $wide + (Self::P[i] & mask) as $wide + carry as $wide;
                    d[i] = t as $limb;
                    carry = (t >> Self::LIMB_BITS) as $limb;
                }
                d
            }

            /// The portable halving (the reference of the accelerated one): a, or a + p when
            /// a is odd (selected with a mask), shifted right by one with the carry on top.
            /// Below p either way.
            #[inline(always)]
            pub(super) fn half_limbs(a: &[$limb; $n]) -> [$limb; $n] {
                let mask = (0 as $limb).wrapping_sub(a[0] & 1);
                let mut t = [0; $n];
                let mut carry: $limb = 0;
                for i in 0..$n {
                    let v = a[i] as $wide + (Self::P[i] & mask) as $wide + carry as $wide;
                    t[i] = v as $limb;
                    carry = (v >> Self::LIMB_BITS) as $limb;
                }
                core::array::from_fn(|i| {
                    let above = if i + 1 < $n { t[i + 1] } else { carry };
                    (t[i] >> 1) | (above << (Self::LIMB_BITS - 1))
                })
            }

            /// Montgomery reduction of a double-width value t < p·R: t·R⁻¹ mod p.
            ///
            /// Each round divides by 2^limb: with m the low limb, (t + m·p) / 2^limb is
            /// (t >> limb) + m·(p + 1) / 2^limb, and `$q(m)` is that last product, which the
            /// shape of p makes a few shifts and subtractions instead of limb products.
            #[inline(always)]
            fn montgomery_reduce(t: &mut [$limb; 2 * $n]) -> [$limb; $n] {
                // Carry out of the top limb of the previous round, which belongs at the top
                // limb of this round's addition.
                let mut top: $limb = 0;
                for i in 0..$n {
                    let q = $q(t[i]);
                    let mut carry: $wide = 0;
                    for j in 0..$n {
                        let mut v = t[i + 1 + j] as $wide + q[j] as $wide + carry;
                        if j == $n - 1 {
                            v += top as $wide;
                        }
                        t[i + 1 + j] = v as $limb;
                        carry = v >> Self::LIMB_BITS;
                    }
                    top = carry as $limb;
                }
                let mut hi = [0; $n];
                hi.copy_from_slice(&t[$n..]);
                Self::reduce_once(&hi, top)
            }

            /// The portable multiplication (the reference of the accelerated one).
            #[inline(always)]
            pub(super) fn mul_limbs(a: &[$limb; $n], b: &[$limb; $n]) -> [$limb; $n] {
                let mut t = [0; 2 * $n];
                for i in 0..$n {
                    let mut carry: $wide = 0;
                    for j in 0..$n {
                        let v = t[i + j] as $wide + a[i] as $wide * b[j] as $wide + carry;
                        t[i + j] = v as $limb;
                        carry = v >> Self::LIMB_BITS;
                    }
                    t[i + $n] = carry as $limb;
                }
                Self::montgomery_reduce(&mut t)
            }

            /// The portable squaring (the reference of the accelerated one).
            #[inline(always)]
            pub(super) fn square_limbs(a: &[$limb; $n]) -> [$limb; $n] {
                // Products a[i]·a[j] with i < j once, doubled, then the squares a[i]².
                let mut t = [0; 2 * $n];
                for i in 0..$n {
                    let mut carry: $wide = 0;
                    for j in (i + 1)..$n {
                        let v = t[i + j] as $wide + a[i] as $wide * a[j] as $wide + carry;
                        t[i + j] = v as $limb;
                        carry = v >> Self::LIMB_BITS;
                    }
                    t[i + $n] = carry as $limb;
                }
                let mut shifted_out: $limb = 0;
                for limb in t.iter_mut() {
                    let next = *limb >> (Self::LIMB_BITS - 1);
                    *limb = (*limb << 1) | shifted_out;
                    shifted_out = next;
                }
                let mut carry: $wide = 0;
                for i in 0..$n {
                    let sq = a[i] as $wide * a[i] as $wide;
                    let v = t[2 * i] as $wide + (sq as $limb) as $wide + carry;
                    t[2 * i] = v as $limb;
                    let v = t[2 * i + 1] as $wide + (sq >> Self::LIMB_BITS) + (v >> Self::LIMB_BITS);
                    t[2 * i + 1] = v as $limb;
                    carry = v >> Self::LIMB_BITS;
                }
                Self::montgomery_reduce(&mut t)
            }

            /// The limbs as stored (Montgomery form), for moving a value to another type of
            /// the same layout (`Fe64` to and from `adx::FeAdx`).
            #[allow(dead_code)] // Used for the 64-bit layouts on x86-64 only.
            #[inline(always)]
            pub(super) const fn montgomery_limbs(&self) -> [$limb; $n] {
                self.0
            }

            /// The value whose stored limbs (Montgomery form, below p) are `limbs`.
            #[allow(dead_code)] // Used for the 64-bit layouts on x86-64 only.
            #[inline(always)]
            pub(super) const fn from_montgomery_limbs(limbs: [$limb; $n]) -> Self {
                $name(limbs)
            }

            /// Big-endian bytes to little-endian limbs, without reduction.
            fn limbs_from_be(bytes: &[u8; 32]) -> [$limb; $n] {
                let mut out = [0; $n];
                for (i, chunk) in bytes.rchunks_exact(Self::LIMB_BYTES).enumerate() {
                    let mut buf = [0u8; Self::LIMB_BYTES];
                    buf.copy_from_slice(chunk);
                    out[i] = <$limb>::from_be_bytes(buf);
                }
                out
            }
        }

        impl Field for $name {
            const ZERO: Self = $name([0; $n]);
            const ONE: Self = $name(Self::R);
            const B: Self = {
                // b·R mod p, as a const: Montgomery multiplication is not const, so b is
                // turned into Montgomery form by doubling it 256 times modulo p.
                let be = crate::sm::sm2::hex32("28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93");
                let mut v = [0; $n];
                let mut i = 0;
                while i < 32 {
                    let limb = (31 - i) / Self::LIMB_BYTES;
                    let shift = ((31 - i) % Self::LIMB_BYTES) * 8;
                    v[limb] |= (be[i] as $limb) << shift;
                    i += 1;
                }
                let mut k = 0;
                while k < 256 {
                    v = Self::add_limbs(&v, &v);
                    k += 1;
                }
                $name(v)
            };

            fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
                let limbs = Self::limbs_from_be(bytes);
                // Below p exactly when reducing once leaves it unchanged.
                if Self::reduce_once(&limbs, 0) != limbs {
                    return None;
                }
                Some($name(Self::mul_limbs(&limbs, &Self::R2)))
            }

            fn to_be_bytes(&self) -> [u8; 32] {
                let mut t = [0; 2 * $n];
                t[..$n].copy_from_slice(&self.0);
                let canonical = Self::montgomery_reduce(&mut t);
                let mut out = [0u8; 32];
                for (i, chunk) in out.rchunks_exact_mut(Self::LIMB_BYTES).enumerate() {
                    chunk.copy_from_slice(&canonical[i].to_be_bytes());
                }
                out
            }

            #[inline(always)]
            fn add(&self, rhs: &Self) -> Self {
                match $accel_add(&self.0, &rhs.0) {
                    Some(limbs) => $name(limbs),
                    None => $name(Self::add_limbs(&self.0, &rhs.0)),
                }
            }

            #[inline(always)]
            fn sub(&self, rhs: &Self) -> Self {
                match $accel_sub(&self.0, &rhs.0) {
                    Some(limbs) => $name(limbs),
                    None => $name(Self::sub_limbs(&self.0, &rhs.0)),
                }
            }

            #[inline(always)]
            fn mul(&self, rhs: &Self) -> Self {
                match $accel_mul(&self.0, &rhs.0) {
                    Some(limbs) => $name(limbs),
                    None => $name(Self::mul_limbs(&self.0, &rhs.0)),
                }
            }

            #[inline(always)]
            fn square(&self) -> Self {
                match $accel_square(&self.0) {
                    Some(limbs) => $name(limbs),
                    None => $name(Self::square_limbs(&self.0)),
                }
            }

            #[inline(always)]
            fn mul_small(&self, k: u32) -> Self {
                match $accel_mul_small(&self.0, k) {
                    Some(limbs) => $name(limbs),
                    None => small_multiple_by_additions(self, k),
                }
            }

            /// With a constant-time inversion of plain integers (`safegcd` for 64-bit
            /// limbs): (aR)⁻¹ from it, then times R³ by a Montgomery multiplication (two, from
            /// R²) gives a⁻¹R. Otherwise Fermat's.
            fn invert(&self) -> Self {
                match $invert_plain(&self.0) {
                    Some(inv) => {
                        let r2 = $name(Self::R2);
                        $name(inv).mul(&r2).mul(&r2)
                    }
                    None => fermat_invert(self),
                }
            }

            #[inline(always)]
            fn select(a: &Self, b: &Self, pick_b: bool) -> Self {
                // black_box keeps the optimiser from turning the mask back into a branch.
                let mask = core::hint::black_box((0 as $limb).wrapping_sub(pick_b as $limb));
                $name(core::array::from_fn(|i| (a.0[i] & !mask) | (b.0[i] & mask)))
            }

            #[inline(always)]
            fn half(&self) -> Self {
                match $accel_half(&self.0) {
                    Some(limbs) => $name(limbs),
                    None => $name(Self::half_limbs(&self.0)),
                }
            }

            #[inline(always)]
            fn neg_if(&self, negate: bool) -> Self {
                match $accel_neg_if(&self.0, negate) {
                    Some(limbs) => $name(limbs),
                    None => Self::select(self, &self.neg(), negate),
                }
            }

            #[inline(always)]
            fn or_masked(&mut self, other: &Self, take: bool) {
                let mask = core::hint::black_box((0 as $limb).wrapping_sub(take as $limb));
                for i in 0..$n {
                    self.0[i] |= other.0[i] & mask;
                }
            }

            /// One pass over the table with a limb mask per entry, the OR of every entry
            /// under its mask accumulated in plain limb arrays (kept in registers): the mask is
            /// all ones for the entry `index − 1` only, computed with arithmetic from `index`.
            /// Each mask passes through `black_box`, so the optimiser cannot see that it is
            /// 0 or all ones: without that, LLVM turned this very loop into a countdown and a
            /// branch that ORs only the matching entry (seen in the disassembly), a
            /// secret-dependent branch.
            #[inline(always)]
            fn lookup(table: &[Affine<Self>], index: u32) -> Affine<Self> {
                if let Some(limbs) = $accel_lookup(table, index) {
                    return Affine {
                        x: $name(core::array::from_fn(|i| limbs[i])),
                        y: $name(core::array::from_fn(|i| limbs[$n + i])),
                    };
                }
                let (mut x, mut y) = ([0 as $limb; $n], [0 as $limb; $n]);
                for (j, entry) in table.iter().enumerate() {
                    let d = (j as u32 + 1) ^ index;
                    // (d | −d) has its top bit set exactly when d ≠ 0: mask = 0 − [d = 0].
                    let mask = core::hint::black_box(
                        (((d | d.wrapping_neg()) >> 31) as $limb).wrapping_sub(1),
                    );
                    for i in 0..$n {
                        x[i] |= entry.x.0[i] & mask;
                        y[i] |= entry.y.0[i] & mask;
                    }
                }
                Affine { x: $name(x), y: $name(y) }
            }

            super::field::generator_tables!($name);
        }
    };
}

/// For `adx::FeAdx`, the same layout with the accelerated operations chosen once.
#[cfg(target_arch = "x86_64")]
pub(super) use montgomery_field;

#[cfg(any(test, not(target_arch = "wasm32")))]
montgomery_field!(
    /// An element of the SM2 field, four 64-bit limbs (native targets).
    Fe64,
    u64,
    u128,
    4,
    [0xffff_ffff_ffff_ffff, 0xffff_ffff_0000_0000, 0xffff_ffff_ffff_ffff, 0xffff_fffe_ffff_ffff],
    reduction_multiple_64,
    accel::mul,
    accel::square,
    accel::add,
    accel::sub,
    mul_small_64,
    accel::lookup,
    no_accel_neg_if,
    no_accel_half,
    safegcd_invert_64
);

#[cfg(test)]
montgomery_field!(
    /// An element of the SM2 field, eight 32-bit limbs (the tests' 32-bit reference for
    /// `Fe29`, which wasm32 verifies with).
    Fe32,
    u32,
    u64,
    8,
    [0xffff_ffff, 0xffff_ffff, 0x0000_0000, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_ffff, 0xffff_fffe],
    reduction_multiple_32,
    no_accel_mul,
    no_accel_square,
    no_accel_add,
    no_accel_sub,
    no_accel_mul_small,
    no_accel_lookup,
    no_accel_neg_if,
    no_accel_half,
    no_invert_plain_32
);

/// The constant-time divsteps inversion (`safegcd`) for the 64-bit layout.
#[cfg(any(test, not(target_arch = "wasm32")))]
#[inline(always)]
pub(super) fn safegcd_invert_64(a: &[u64; 4]) -> Option<[u64; 4]> {
    Some(super::safegcd::invert(a))
}

/// The 32-bit layout (wasm32) keeps Fermat's inversion.
#[cfg(test)]
#[inline(always)]
fn no_invert_plain_32(_: &[u32; 8]) -> Option<[u32; 8]> {
    None
}

/// The 32-bit layout has no accelerated multiplication.
#[cfg(test)]
#[inline(always)]
fn no_accel_mul(_: &[u32; 8], _: &[u32; 8]) -> Option<[u32; 8]> {
    None
}

/// The 32-bit layout has no accelerated squaring.
#[cfg(test)]
#[inline(always)]
fn no_accel_square(_: &[u32; 8]) -> Option<[u32; 8]> {
    None
}

/// The accelerated k·a for 1 ≤ k ≤ 8 (`None`, the additions, for other k or without one).
#[cfg(any(test, not(target_arch = "wasm32")))]
#[inline(always)]
fn mul_small_64(a: &[u64; 4], k: u32) -> Option<[u64; 4]> {
    if (1..=8).contains(&k) {
        accel::mul_small(a, k as u64)
    } else {
        None
    }
}

/// The 32-bit layout has no accelerated multiplication by a small constant.
#[cfg(test)]
#[inline(always)]
fn no_accel_mul_small(_: &[u32; 8], _: u32) -> Option<[u32; 8]> {
    None
}

/// No accelerated conditional negation: the masked select of the negation (the 64-bit
/// layout's only signing use is the fallback without BMI2/ADX; `adx::FeAdx` has one).
#[inline(always)]
#[cfg(any(test, not(target_arch = "wasm32")))]
fn no_accel_neg_if<L, const N: usize>(_: &[L; N], _: bool) -> Option<[L; N]> {
    None
}

/// No accelerated halving: the portable one (the doubling on `Fe64` runs only without
/// BMI2/ADX; `adx::FeAdx` has one).
#[inline(always)]
#[cfg(any(test, not(target_arch = "wasm32")))]
fn no_accel_half<L, const N: usize>(_: &[L; N]) -> Option<[L; N]> {
    None
}

/// The 32-bit layout has no accelerated table read.
#[cfg(test)]
#[inline(always)]
fn no_accel_lookup(_: &[Affine<Fe32>], _: u32) -> Option<[u32; 16]> {
    None
}

/// The 32-bit layout has no accelerated addition.
#[cfg(test)]
#[inline(always)]
fn no_accel_add(_: &[u32; 8], _: &[u32; 8]) -> Option<[u32; 8]> {
    None
}

/// The 32-bit layout has no accelerated subtraction.
#[cfg(test)]
#[inline(always)]
fn no_accel_sub(_: &[u32; 8], _: &[u32; 8]) -> Option<[u32; 8]> {
    None
}

/// a − b for little-endian limb arrays with a ≥ b.
#[cfg(any(test, not(target_arch = "wasm32")))]
macro_rules! sub_exact {
    ($a:expr, $b:expr, $limb:ty) => {{
        let (a, b) = ($a, $b);
        let mut out = a;
        let mut borrow = false;
        for i in 0..a.len() {
            let (d, b1) = a[i].overflowing_sub(b[i]);
            let (d, b2) = d.overflowing_sub(borrow as $limb);
            out[i] = d;
            borrow = b1 | b2;
        }
        out
    }};
}

/// m·(p + 1)/2⁶⁴ = m·(2¹⁹² − 2¹⁶⁰ − 2³² + 1) = m·(2¹⁹² + 1) − (m·2³²)·(2¹²⁸ + 1), in 64-bit limbs.
#[cfg(any(test, not(target_arch = "wasm32")))]
#[inline(always)]
pub(super) fn reduction_multiple_64(m: u64) -> [u64; 4] {
    let (lo, hi) = (m << 32, m >> 32);
    sub_exact!([m, 0, 0, m], [lo, hi, lo, hi], u64)
}

/// m·(p + 1)/2³² = m·(2²²⁴ − 2¹⁹² − 2⁶⁴ + 2³²), in 32-bit limbs: +m at limbs 1 and 7, −m at
/// limbs 2 and 6.
#[cfg(test)]
#[inline(always)]
fn reduction_multiple_32(m: u32) -> [u32; 8] {
    sub_exact!([0, m, 0, 0, 0, 0, 0, m], [0, 0, m, 0, 0, 0, m, 0], u32)
}
