//! A variable-time SM2 signature verification (GB/T 32918.2 §7) for sm2p256v1.
//!
//! Verification handles only public data (the key, the signature, the digest), so unlike
//! signing it may branch and index tables on its inputs. This module computes s·G + t·P with
//!
//! - a dedicated Montgomery field for the SM2 prime (`field`: 4×64-bit limbs natively;
//!   `fe29` on wasm32, where 64×64→128-bit products are not native: 9×29-bit limbs whose
//!   products sum into 64-bit columns without carries);
//! - Jacobian coordinates with the a = −3 doubling;
//! - a width-12 wNAF table of 1024 odd multiples of G in affine coordinates (64 KiB),
//!   computed once per process on first use with a single batched inversion (no binary size,
//!   no build step), added with mixed additions;
//! - a width-5 wNAF of the variable point: its 8 odd multiples in Jacobian coordinates with
//!   Z² and Z³ kept, computed once per key ([`FastPublicKey`]);
//! - both scalars interleaved over one chain of doublings (Straus/Shamir);
//! - from a key's second verification on (or after [`FastPublicKey::prepare`]), affine split
//!   tables of P, 2⁶⁴P, 2¹²⁸P, 2¹⁹²P (and of G likewise, once per process), so the chain
//!   has 64 doublings instead of 256;
//! - on x86-64 with BMI2 and ADX (detected at run time), the field multiplication and
//!   squaring in assembly (`adx`, one of the crate's few `unsafe` modules), the portable
//!   code otherwise;
//! - for batches, on x86-64 with AVX-512 IFMA (detected at run time), eight verifications
//!   at once in vector lanes (`ifma`, used by [`crate::sm::sm2::verify_batch`]); with BMI2
//!   and ADX but no IFMA, two at a time with their field operations interleaved
//!   (`verify_interleaved`: the assembly multiplication waits on its carries, and two
//!   independent ones adjacent in program order overlap);
//! - no inversion at the end: x₁ ≡ r − e (mod n) is checked as X = v·Z² for the one or two
//!   field values v below p congruent to r − e modulo n.
//!
//! Signing's k·G (`base`) is the one constant-time part: a fixed-base comb with masked table
//! scans and a constant-time inversion (`safegcd`), used by [`crate::sm::sm2::Sm2Signer`];
//! for a batch of signatures, one inversion shared by all of them.
//!
//! [`crate::sm::sm2::Sm2Verifier`] uses it for every SM2 verification in the crate;
//! [`crate::sm::sm2::Sm2Verifier::verify_digest_reference`] keeps the RustCrypto `sm2`
//! crate's constant-time verification as the reference it is tested against.

#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod adx;
mod base;
// wasm32's field; compiled everywhere so that the tests and the differential fuzz target
// (through `internals`) hold it to the 64-bit one.
mod fe29;
mod field;
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
pub(crate) mod ifma;
mod point;
#[cfg(any(test, not(target_arch = "wasm32")))]
mod safegcd;

use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

use thiserror::Error;

use field::Field;
use point::{Affine, Cached, Jacobian};

/// The field representation the verification uses on this target.
#[cfg(not(target_arch = "wasm32"))]
type Fe = field::Fe64;
/// The field representation the verification uses on this target.
#[cfg(target_arch = "wasm32")]
type Fe = fe29::Fe29;

/// Group order n, little-endian 64-bit limbs.
const N: [u64; 4] = [
    0x53bb_f409_39d5_4123,
    0x7203_df6b_21c6_052b,
    0xffff_ffff_ffff_ffff,
    0xffff_fffe_ffff_ffff,
];

/// Field prime p, little-endian 64-bit limbs.
const P: [u64; 4] = [
    0xffff_ffff_ffff_ffff,
    0xffff_ffff_0000_0000,
    0xffff_ffff_ffff_ffff,
    0xffff_fffe_ffff_ffff,
];

/// Why the fast path rejected a signature or a key.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum FastVerifyError {
    /// The public key's coordinates are not below p, or the point is not on the curve.
    #[error("the public key is not a point on sm2p256v1")]
    InvalidKey,
    /// r is 0 or not below n.
    #[error("r is not in [1, n-1]")]
    ROutOfRange,
    /// s is 0 or not below n.
    #[error("s is not in [1, n-1]")]
    SOutOfRange,
    /// t = (r + s) mod n is 0.
    #[error("t = (r + s) mod n is zero")]
    TIsZero,
    /// s·G + t·P is the point at infinity.
    #[error("s·G + t·P is the point at infinity")]
    Infinity,
    /// (e + x₁) mod n ≠ r.
    #[error("r does not match (e + x1) mod n")]
    Mismatch,
}

/// Points per part in a prepared key's split tables.
const P_SPLIT_LEN: usize = 1 << (point::WNAF_WIDTH_P_SPLIT - 2);

/// A public key prepared for the fast verification: its odd multiples P, 3P, …, 15P (the
/// wNAF table of the variable point), computed once per key; and, from the second
/// verification on (or after [`FastPublicKey::prepare`]), the odd multiples of 2⁶⁴·P, 2¹²⁸·P
/// and 2¹⁹²·P too, in affine coordinates, which cut the doublings of every later
/// verification from 256 to 64 (building them costs about one verification).
#[derive(Debug)]
pub struct FastPublicKey {
    point: Affine<Fe>,
    table: [Cached<Fe>; point::P_TABLE_LEN],
    /// Verifications so far, saturating (the split tables are built on the second).
    uses: AtomicU8,
    split: OnceLock<Vec<Vec<Affine<Fe>>>>,
}

impl Clone for FastPublicKey {
    fn clone(&self) -> FastPublicKey {
        FastPublicKey {
            point: self.point,
            table: self.table,
            uses: AtomicU8::new(self.uses.load(Ordering::Relaxed)),
            split: self.split.clone(),
        }
    }
}

impl FastPublicKey {
    /// The key with affine coordinates `x`, `y` (big-endian); they must be below p and the
    /// point on the curve.
    pub fn from_affine(x: &[u8; 32], y: &[u8; 32]) -> Result<FastPublicKey, FastVerifyError> {
        affine_from_bytes(x, y).map(|point| FastPublicKey {
            point,
            table: variable_point_table(&point),
            uses: AtomicU8::new(0),
            split: OnceLock::new(),
        })
    }

    /// Builds the split tables now, for a key about to verify many signatures (a CA's key in
    /// chain validation, a signer's key in a batch); otherwise the second verification does.
    pub fn prepare(&self) {
        self.split_tables();
    }

    fn split_tables(&self) -> &[Vec<Affine<Fe>>] {
        self.split.get_or_init(|| {
            #[cfg(target_arch = "x86_64")]
            if let Some(tables) = adx::split_tables(&self.point, P_SPLIT_LEN) {
                return tables;
            }
            point::split_tables(&self.point, P_SPLIT_LEN)
        })
    }

    /// Verifies (r, s) over e = SM3(Z ‖ M), all big-endian: GB/T 32918.2 §7.2 steps B1, B2
    /// and B4–B7 (e is reduced modulo n like the reference does).
    pub fn verify(&self, e: &[u8; 32], r: &[u8; 32], s: &[u8; 32]) -> Result<(), FastVerifyError> {
        match self.split_for_use() {
            Some(tables) => verify_with(e, r, s, |s, t| mul_g_add_mul_split(s, tables, t)),
            None => verify_with(e, r, s, |s, t| mul_g_add_mul_table(s, &self.table, t)),
        }
    }

    /// The split tables if this verification should use them (counting it: from the second
    /// on they are built), `None` for the wNAF table.
    fn split_for_use(&self) -> Option<&[Vec<Affine<Fe>>]> {
        match self.split.get() {
            Some(tables) => Some(tables.as_slice()),
            None if self.uses.fetch_add(1, Ordering::Relaxed) >= 1 => Some(self.split_tables()),
            None => None,
        }
    }
}

/// One (key, e, r, s) to verify, all big-endian.
pub(crate) type Job<'a> = (&'a FastPublicKey, &'a [u8; 32], &'a [u8; 32], &'a [u8; 32]);

/// A job of [`verify_interleaved`] on a prepared key: its index, s, t and the key's split
/// tables.
type SplitJob<'a> = (usize, [u64; 4], [u64; 4], &'a [Vec<Affine<Fe>>]);

/// Verifications [`verify_interleaved`] runs together.
pub(crate) const INTERLEAVE: usize = 2;

/// Verifies the jobs with exactly the verdicts of [`FastPublicKey::verify`] (and its use of
/// the split tables): with the assembly field, [`INTERLEAVE`] at a time, their s·G + t·P in
/// lanes (`point::…_lanes`), the prepared keys' together and the others' together (a
/// last one alone); on the portable field one by one.
pub(crate) fn verify_interleaved(jobs: &[Job<'_>]) -> Vec<Result<(), FastVerifyError>> {
    let mut verdicts: Vec<Option<Result<(), FastVerifyError>>> = vec![None; jobs.len()];
    // The scalar path's checks first: an error there is the verdict; otherwise the lanes
    // compute the sum, which `check_sum` judges.
    let mut split: Vec<SplitJob<'_>> = Vec::new();
    let mut table: Vec<(usize, [u64; 4], [u64; 4])> = Vec::new();
    for (i, &(key, _, r, s)) in jobs.iter().enumerate() {
        match signature_scalars(r, s) {
            Ok((s, t)) => match key.split_for_use() {
                Some(tables) => split.push((i, s, t, tables)),
                None => table.push((i, s, t)),
            },
            Err(err) => verdicts[i] = Some(Err(err)),
        }
    }
    let mut finish = |i: usize, point: Jacobian<Fe>| {
        let (_, e, r, _) = jobs[i];
        verdicts[i] = Some(check_sum(&point, e, r));
    };
    // Measured: the assembly field gains from the interleaving, the portable one loses
    // (its multiplication is already bound by its instruction count): one by one there.
    let width = if interleave() { INTERLEAVE } else { usize::MAX };
    let mut groups = split.chunks_exact(width);
    for group in &mut groups {
        let lanes: [_; INTERLEAVE] = std::array::from_fn(|l| (&group[l].1, group[l].3, &group[l].2));
        for (job, point) in group.iter().zip(mul_g_add_mul_split_lanes(lanes)) {
            finish(job.0, point);
        }
    }
    for &(i, s, t, tables) in groups.remainder() {
        finish(i, mul_g_add_mul_split(&s, tables, &t));
    }
    let mut groups = table.chunks_exact(width);
    for group in &mut groups {
        let lanes: [_; INTERLEAVE] = std::array::from_fn(|l| (&group[l].1, &jobs[group[l].0].0.table, &group[l].2));
        for (job, point) in group.iter().zip(mul_g_add_mul_table_lanes(lanes)) {
            finish(job.0, point);
        }
    }
    for &(i, s, t) in groups.remainder() {
        finish(i, mul_g_add_mul_table(&s, &jobs[i].0.table, &t));
    }
    verdicts
        .into_iter()
        .map(|v| v.unwrap_or(Err(FastVerifyError::Mismatch)))
        .collect()
}

// The verification's point arithmetic: with BMI2 and ADX on the assembly field (`adx::FeAdx`,
// checked for once per call), otherwise on `Fe` with the portable code.

/// P's wNAF table.
fn variable_point_table(p: &Affine<Fe>) -> [Cached<Fe>; point::P_TABLE_LEN] {
    #[cfg(target_arch = "x86_64")]
    if let Some(table) = adx::variable_point_table(p) {
        return table;
    }
    point::variable_point_table(p)
}

/// s·G + t·P from P's wNAF table.
fn mul_g_add_mul_table(s: &[u64; 4], table: &[Cached<Fe>; point::P_TABLE_LEN], t: &[u64; 4]) -> Jacobian<Fe> {
    #[cfg(target_arch = "x86_64")]
    if let Some(point) = adx::mul_g_add_mul_table(s, table, t) {
        return point;
    }
    point::mul_g_add_mul_table(s, table, t)
}

/// s·G + t·P from P's split tables.
fn mul_g_add_mul_split(s: &[u64; 4], tables: &[Vec<Affine<Fe>>], t: &[u64; 4]) -> Jacobian<Fe> {
    #[cfg(target_arch = "x86_64")]
    if let Some(point) = adx::mul_g_add_mul_split(s, tables, t) {
        return point;
    }
    point::mul_g_add_mul_split(s, tables, t)
}

/// Whether [`verify_interleaved`] interleaves: with the assembly field only.
fn interleave() -> bool {
    #[cfg(target_arch = "x86_64")]
    return adx::available();
    #[cfg(not(target_arch = "x86_64"))]
    return false;
}

/// sᵢ·G + tᵢ·Pᵢ for L new keys' wNAF tables, interleaved.
fn mul_g_add_mul_table_lanes<const L: usize>(jobs: [point::TableLane<'_, Fe>; L]) -> [Jacobian<Fe>; L] {
    #[cfg(target_arch = "x86_64")]
    if let Some(points) = adx::mul_g_add_mul_table_lanes(jobs) {
        return points;
    }
    point::mul_g_add_mul_table_lanes(jobs)
}

/// sᵢ·G + tᵢ·Pᵢ for L prepared keys' split tables, interleaved.
fn mul_g_add_mul_split_lanes<const L: usize>(jobs: [point::SplitLane<'_, Vec<Affine<Fe>>>; L]) -> [Jacobian<Fe>; L] {
    #[cfg(target_arch = "x86_64")]
    if let Some(points) = adx::mul_g_add_mul_split_lanes(jobs) {
        return points;
    }
    point::mul_g_add_mul_split_lanes(jobs)
}

fn affine_from_bytes<F: Field>(x: &[u8; 32], y: &[u8; 32]) -> Result<Affine<F>, FastVerifyError> {
    let (Some(x), Some(y)) = (F::from_be_bytes(x), F::from_be_bytes(y)) else {
        return Err(FastVerifyError::InvalidKey);
    };
    let point = Affine { x, y };
    if !point.is_on_curve() {
        return Err(FastVerifyError::InvalidKey);
    }
    Ok(point)
}

/// The verification on any field representation (the tests run both), with `mul(s, t)`
/// computing s·G + t·P for the key: [`signature_scalars`], then [`check_sum`].
fn verify_with<F: Field>(
    e: &[u8; 32],
    r: &[u8; 32],
    s: &[u8; 32],
    mul: impl FnOnce(&[u64; 4], &[u64; 4]) -> Jacobian<F>,
) -> Result<(), FastVerifyError> {
    let (s, t) = signature_scalars(r, s)?;
    check_sum(&mul(&s, &t), e, r)
}

/// Steps B1, B2 and B5 for a big-endian (r, s): s and t = (r + s) mod n as little-endian
/// limbs, or why the signature fails before any point arithmetic. The batch paths run this
/// for every triple first and [`check_sum`] on the sums they compute together.
fn signature_scalars(r: &[u8; 32], s: &[u8; 32]) -> Result<([u64; 4], [u64; 4]), FastVerifyError> {
    let r = limbs_from_be(r);
    let s = limbs_from_be(s);
    if is_zero(&r) || !lt(&r, &N) {
        return Err(FastVerifyError::ROutOfRange);
    }
    if is_zero(&s) || !lt(&s, &N) {
        return Err(FastVerifyError::SOutOfRange);
    }
    let t = add_mod_n(&r, &s);
    if is_zero(&t) {
        return Err(FastVerifyError::TIsZero);
    }
    Ok((s, t))
}

/// Steps B6 and B7 for the sum s·G + t·P of a signature whose scalars passed
/// [`signature_scalars`]: not infinity, and (e + x₁) mod n = r.
fn check_sum<F: Field>(point: &Jacobian<F>, e: &[u8; 32], r: &[u8; 32]) -> Result<(), FastVerifyError> {
    if point.is_infinity() {
        return Err(FastVerifyError::Infinity);
    }
    // (e + x₁) mod n = r  ⇔  x₁ ≡ v = (r − e) mod n  ⇔  x₁ ∈ {v, v + n} ∩ [0, p).
    let r = limbs_from_be(r);
    let e = reduce_once_mod_n(&limbs_from_be(e));
    let v = sub_mod_n(&r, &e);
    if x_equals(point, &v) {
        return Ok(());
    }
    let (v_plus_n, carry) = add_limbs(&v, &N);
    if carry == 0 && lt(&v_plus_n, &P) && x_equals(point, &v_plus_n) {
        return Ok(());
    }
    Err(FastVerifyError::Mismatch)
}

/// The affine x-coordinate of k·G, big-endian, for signing: constant time in k (see
/// `base`). k (big-endian) must be in [1, n − 1].
pub(crate) fn mul_base_x(k: &[u8; 32]) -> [u8; 32] {
    let k = limbs_from_be(k);
    // With BMI2 and ADX: the assembly field, checked for once per multiplication.
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = adx::mul_base_x(&k) {
        return x;
    }
    base::mul_base_x::<Fe>(&k).to_be_bytes()
}

/// Most nonces [`mul_base_x_many`] takes in one call (the signatures one inversion serves).
pub(crate) const BASE_BATCH: usize = base::BATCH;

/// x(kᵢ·G), big-endian, into `out[i]` for each big-endian kᵢ in [1, n − 1] of `ks` (at most
/// [`BASE_BATCH`], `out` as long): each the value [`mul_base_x`] gives, with one constant-time
/// inversion for the whole batch instead of one per scalar (see `base::mul_base_x_many`).
pub(crate) fn mul_base_x_many(ks: &[[u8; 32]], out: &mut [[u8; 32]]) {
    assert!(
        ks.len() <= BASE_BATCH && out.len() == ks.len(),
        "at most BASE_BATCH scalars, one output each"
    );
    let mut limbs = [[0u64; 4]; BASE_BATCH];
    for (l, k) in limbs.iter_mut().zip(ks) {
        *l = limbs_from_be(k);
    }
    let limbs = &limbs[..ks.len()];
    // With BMI2 and ADX: the assembly field, checked for once per batch.
    #[cfg(target_arch = "x86_64")]
    if adx::mul_base_x_many(limbs, out) {
        return;
    }
    base::mul_base_x_many::<Fe>(limbs, out);
}

/// X / Z² == v for an integer v below p, without inverting Z.
fn x_equals<F: Field>(point: &Jacobian<F>, v: &[u64; 4]) -> bool {
    match F::from_be_bytes(&be_from_limbs(v)) {
        Some(v) => point.x == v.mul(&point.z.square()),
        None => false,
    }
}

fn limbs_from_be(bytes: &[u8; 32]) -> [u64; 4] {
    let mut out = [0u64; 4];
    for (limb, chunk) in out.iter_mut().zip(bytes.rchunks_exact(8)) {
        let mut buf = [0u8; 8];
        buf.copy_from_slice(chunk);
        *limb = u64::from_be_bytes(buf);
    }
    out
}

fn be_from_limbs(limbs: &[u64; 4]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (limb, chunk) in limbs.iter().zip(out.rchunks_exact_mut(8)) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    out
}

fn is_zero(a: &[u64; 4]) -> bool {
    a.iter().all(|&l| l == 0)
}

/// a < b.
fn lt(a: &[u64; 4], b: &[u64; 4]) -> bool {
    for i in (0..4).rev() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
    }
    false
}

fn add_limbs(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], u64) {
    let mut out = [0u64; 4];
    let mut carry = 0u64;
    for i in 0..4 {
        let t = a[i] as u128 + b[i] as u128 + carry as u128;
        out[i] = t as u64;
        carry = (t >> 64) as u64;
    }
    (out, carry)
}

fn sub_limbs(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], u64) {
    let mut out = [0u64; 4];
    let mut borrow = 0u64;
    for i in 0..4 {
        let (d, b1) = a[i].overflowing_sub(b[i]);
        let (d, b2) = d.overflowing_sub(borrow);
        out[i] = d;
        borrow = (b1 | b2) as u64;
    }
    (out, borrow)
}

/// a mod n for any a below 2²⁵⁶ (< 2n).
fn reduce_once_mod_n(a: &[u64; 4]) -> [u64; 4] {
    if lt(a, &N) {
        *a
    } else {
        sub_limbs(a, &N).0
    }
}

/// (a + b) mod n for a, b below n.
fn add_mod_n(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (sum, carry) = add_limbs(a, b);
    if carry == 1 || !lt(&sum, &N) {
        sub_limbs(&sum, &N).0
    } else {
        sum
    }
}

/// (a − b) mod n for a, b below n.
fn sub_mod_n(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
    let (diff, borrow) = sub_limbs(a, b);
    if borrow == 1 {
        add_limbs(&diff, &N).0
    } else {
        diff
    }
}

#[cfg(test)]
mod tests;

/// The field multiplication's (and squaring's, addition's, subtraction's) two paths, for the
/// differential fuzz target and the
/// benchmarks (not an API: hidden from the docs, may change at any time). Values are 64-bit
/// little-endian limbs in Montgomery form; inputs at or above p are reduced first.
#[doc(hidden)]
#[cfg(not(target_arch = "wasm32"))]
pub mod internals {
    use super::field::Fe64;

    fn reduced(a: &[u64; 4]) -> [u64; 4] {
        if super::lt(a, &super::P) {
            *a
        } else {
            super::sub_limbs(a, &super::P).0
        }
    }

    /// a·b·2⁻²⁵⁶ mod p on the portable path.
    pub fn mul_portable(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
        Fe64::mul_limbs(&reduced(a), &reduced(b))
    }

    /// a²·2⁻²⁵⁶ mod p on the portable path.
    pub fn square_portable(a: &[u64; 4]) -> [u64; 4] {
        Fe64::square_limbs(&reduced(a))
    }

    /// a + b mod p on the portable path.
    pub fn add_portable(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
        Fe64::add_limbs(&reduced(a), &reduced(b))
    }

    /// a − b mod p on the portable path.
    pub fn sub_portable(a: &[u64; 4], b: &[u64; 4]) -> [u64; 4] {
        Fe64::sub_limbs(&reduced(a), &reduced(b))
    }

    /// a + b mod p on the accelerated path; `None` where this CPU has none.
    pub fn add_accelerated(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
        #[cfg(target_arch = "x86_64")]
        return super::adx::add(&reduced(a), &reduced(b));
        #[cfg(not(target_arch = "x86_64"))]
        return {
            let _ = (a, b);
            None
        };
    }

    /// a − b mod p on the accelerated path; `None` where this CPU has none.
    pub fn sub_accelerated(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
        #[cfg(target_arch = "x86_64")]
        return super::adx::sub(&reduced(a), &reduced(b));
        #[cfg(not(target_arch = "x86_64"))]
        return {
            let _ = (a, b);
            None
        };
    }

    /// a·b·2⁻²⁵⁶ mod p on the accelerated path; `None` where this CPU has none.
    pub fn mul_accelerated(a: &[u64; 4], b: &[u64; 4]) -> Option<[u64; 4]> {
        #[cfg(target_arch = "x86_64")]
        return super::adx::mul(&reduced(a), &reduced(b));
        #[cfg(not(target_arch = "x86_64"))]
        return {
            let _ = (a, b);
            None
        };
    }

    /// Eight field operations at once on the AVX-512 IFMA lanes of batch verification: `op` 0
    /// is a·b·2⁻²⁵⁶, 1 is a²·2⁻²⁵⁶, 2 is a + b, 3 is a − b, all modulo p and fully reduced;
    /// inputs may be any 256-bit values (below 2p). `None` where this CPU has no IFMA.
    pub fn lanes_accelerated(op: u8, a: &[[u64; 4]; 8], b: &[[u64; 4]; 8]) -> Option<[[u64; 4]; 8]> {
        #[cfg(target_arch = "x86_64")]
        return {
            use super::ifma::Ops;
            let op = [Ops::Mul, Ops::Square, Ops::Add, Ops::Sub][usize::from(op & 3)];
            super::ifma::field_op(op, a, b)
        };
        #[cfg(not(target_arch = "x86_64"))]
        return {
            let _ = (op, a, b);
            None
        };
    }

    /// a⁻¹ mod p (0 for 0) by the constant-time divsteps of signing (`safegcd`).
    pub fn invert_divsteps(a: &[u64; 4]) -> [u64; 4] {
        super::safegcd::invert(&reduced(a))
    }

    /// a⁻¹ mod p (0 for 0) by Fermat's addition chain on the portable field (plain integers
    /// in and out, as [`invert_divsteps`]).
    pub fn invert_fermat(a: &[u64; 4]) -> [u64; 4] {
        use super::field::Field;
        let a = Fe64::from_be_bytes(&super::be_from_limbs(&reduced(a))).unwrap_or(Fe64::ZERO);
        super::limbs_from_be(&super::field::fermat_invert(&a).to_be_bytes())
    }

    /// a²·2⁻²⁵⁶ mod p on the accelerated path; `None` where this CPU has none.
    pub fn square_accelerated(a: &[u64; 4]) -> Option<[u64; 4]> {
        #[cfg(target_arch = "x86_64")]
        return super::adx::square(&reduced(a));
        #[cfg(not(target_arch = "x86_64"))]
        return {
            let _ = a;
            None
        };
    }

    /// a·b, a², a + b, a − b, a/2 and a⁻¹ (0 for 0) modulo p, as big-endian values, on the
    /// field layout `F` (inputs reduced below p first).
    fn field_ops<F: super::field::Field>(a: &[u64; 4], b: &[u64; 4]) -> [[u8; 32]; 6] {
        let value = |x: &[u64; 4]| F::from_be_bytes(&super::be_from_limbs(&reduced(x))).unwrap_or(F::ZERO);
        let (a, b) = (value(a), value(b));
        [a.mul(&b), a.square(), a.add(&b), a.sub(&b), a.half(), a.invert()].map(|x| x.to_be_bytes())
    }

    /// `field_ops` on wasm32's field (nine 29-bit limbs) and on the 64-bit portable one, for
    /// the differential fuzz target: the two results must be equal.
    pub fn field_ops_29_and_64(a: &[u64; 4], b: &[u64; 4]) -> ([[u8; 32]; 6], [[u8; 32]; 6]) {
        (field_ops::<super::fe29::Fe29>(a, b), field_ops::<Fe64>(a, b))
    }
}
