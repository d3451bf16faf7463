//! The field against crypto-bigint's modular arithmetic, the points against the `sm2`
//! crate's, both limb layouts, and the verification's edge cases.

use sm2::elliptic_curve::bigint::{NonZero, U256};
use sm2::elliptic_curve::group::Group;
use sm2::elliptic_curve::ops::Reduce;
use sm2::elliptic_curve::sec1::ToSec1Point;
use sm2::{ProjectivePoint, Scalar};

use super::fe29::Fe29;
use super::field::{Fe32, Fe64, Field};
use super::point::{self, Affine, Jacobian, WNAF_DIGITS};
use super::*;

/// Random cases per property (the unit tests run unoptimised in CI).
const CASES: usize = 300;

/// splitmix64: reproducible test inputs without a dependency (the IFMA kernel's tests use it
/// too).
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn bytes32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_exact_mut(8) {
            chunk.copy_from_slice(&self.next().to_be_bytes());
        }
        out
    }

    /// Mostly uniform, sometimes a value near 0, p or n (where carries and borrows happen).
    fn interesting(&mut self, top: &[u8; 32]) -> [u8; 32] {
        let mut v = self.bytes32();
        match self.next() % 8 {
            0 => v[..24].fill(0),
            1 => {
                v[..24].copy_from_slice(&top[..24]);
            }
            2 => v[8..].fill(0xff),
            _ => {}
        }
        v
    }
}

const P_BE: [u8; 32] = crate::sm::sm2::hex32("fffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffff");

fn p() -> NonZero<U256> {
    NonZero::new(U256::from_be_slice(&P_BE)).unwrap()
}

fn big(bytes: &[u8; 32]) -> U256 {
    U256::from_be_slice(bytes)
}

fn bytes(v: &U256) -> [u8; 32] {
    v.to_be_bytes().into()
}

/// A random value below p (big-endian), biased towards the edges.
fn below_p(rng: &mut Rng) -> [u8; 32] {
    loop {
        let v = rng.interesting(&P_BE);
        if big(&v) < *p().as_ref() {
            return v;
        }
    }
}

fn check_field<F: Field>() {
    let modulus = p();
    let mut rng = Rng(0x5eed_f1e1d);
    let mut p_minus_1 = P_BE;
    p_minus_1[31] -= 1;
    let mut edges = vec![[0u8; 32], p_minus_1];
    let mut one = [0u8; 32];
    one[31] = 1;
    edges.push(one);
    for _ in 0..CASES {
        edges.push(below_p(&mut rng));
    }
    assert_eq!(F::from_be_bytes(&P_BE), None, "p itself is not a field element");
    assert_eq!(F::from_be_bytes(&[0xff; 32]), None);
    assert_eq!(F::ONE.to_be_bytes(), one);
    assert_eq!(
        F::B.to_be_bytes(),
        crate::sm::sm2::hex32("28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93")
    );
    for (i, a_be) in edges.iter().enumerate() {
        let b_be = &edges[(i * 7 + 3) % edges.len()];
        let (a, b) = (F::from_be_bytes(a_be).unwrap(), F::from_be_bytes(b_be).unwrap());
        let (x, y) = (big(a_be), big(b_be));
        assert_eq!(a.to_be_bytes(), *a_be);
        assert_eq!(a.add(&b).to_be_bytes(), bytes(&x.add_mod(&y, &modulus)), "add");
        assert_eq!(a.sub(&b).to_be_bytes(), bytes(&x.sub_mod(&y, &modulus)), "sub");
        assert_eq!(a.mul(&b).to_be_bytes(), bytes(&x.mul_mod(&y, &modulus)), "mul");
        assert_eq!(a.square().to_be_bytes(), bytes(&x.mul_mod(&x, &modulus)), "square");
        assert_eq!(a.neg().to_be_bytes(), bytes(&U256::ZERO.sub_mod(&x, &modulus)), "neg");
        assert_eq!(a.double(), a.add(&a));
        assert_eq!(a.half().double(), a, "half");
        for k in 1..=9u32 {
            let expected = x.mul_mod(&U256::from_u32(k), &modulus);
            assert_eq!(a.mul_small(k).to_be_bytes(), bytes(&expected), "{k}·a");
        }
        if i % 10 == 0 {
            let inv = a.invert();
            if a.is_zero() {
                assert!(inv.is_zero());
            } else {
                assert_eq!(inv.mul(&a), F::ONE, "invert");
            }
        }
    }
}

#[test]
fn field_64_bit_limbs_match_bigint() {
    check_field::<Fe64>();
}

#[test]
fn field_32_bit_limbs_match_bigint() {
    check_field::<Fe32>();
}

#[test]
fn field_29_bit_limbs_match_bigint() {
    check_field::<Fe29>();
}

#[test]
fn limb_layouts_agree() {
    let mut rng = Rng(42);
    for _ in 0..CASES {
        let (a, b) = (below_p(&mut rng), below_p(&mut rng));
        let (a64, b64) = (Fe64::from_be_bytes(&a).unwrap(), Fe64::from_be_bytes(&b).unwrap());
        let (a32, b32) = (Fe32::from_be_bytes(&a).unwrap(), Fe32::from_be_bytes(&b).unwrap());
        assert_eq!(a64.mul(&b64).to_be_bytes(), a32.mul(&b32).to_be_bytes());
        assert_eq!(a64.sub(&b64).to_be_bytes(), a32.sub(&b32).to_be_bytes());
    }
}

/// The 29-bit layout (wasm32) against the 32-bit one, every operation, on values whose
/// 29-bit limbs are all at their maximum or zero as well as random ones and the edges.
#[test]
fn limb_layouts_29_and_32_agree() {
    let mut rng = Rng(29);
    let mut p_minus_1 = P_BE;
    p_minus_1[31] -= 1;
    let mut values = vec![[0u8; 32], p_minus_1, [0u8; 32]];
    values[2][31] = 1;
    // 2²⁵⁶ − 2²²⁴ − 1 (just below p's top), 2²⁵⁵, 2²⁶¹⁻²⁹·ᵏ − 1 patterns (runs of ones).
    let mut below_top = [0xffu8; 32];
    below_top[3] = 0xfe;
    below_top[4..8].fill(0x00);
    values.push(below_top);
    let mut half = [0u8; 32];
    half[0] = 0x80;
    values.push(half);
    for k in 1..9 {
        let mut v = [0u8; 32];
        let bits = 29 * k;
        for bit in 0..bits.min(255) {
            v[31 - bit / 8] |= 1 << (bit % 8);
        }
        values.push(v);
    }
    for _ in 0..CASES {
        values.push(below_p(&mut rng));
    }
    for (i, a) in values.iter().enumerate() {
        let b = &values[(i * 5 + 1) % values.len()];
        let (a29, b29) = (Fe29::from_be_bytes(a).unwrap(), Fe29::from_be_bytes(b).unwrap());
        let (a32, b32) = (Fe32::from_be_bytes(a).unwrap(), Fe32::from_be_bytes(b).unwrap());
        assert_eq!(a29.to_be_bytes(), *a);
        assert_eq!(a29.mul(&b29).to_be_bytes(), a32.mul(&b32).to_be_bytes(), "mul");
        assert_eq!(a29.square().to_be_bytes(), a32.square().to_be_bytes(), "square");
        assert_eq!(a29.add(&b29).to_be_bytes(), a32.add(&b32).to_be_bytes(), "add");
        assert_eq!(a29.sub(&b29).to_be_bytes(), a32.sub(&b32).to_be_bytes(), "sub");
        assert_eq!(a29.neg().to_be_bytes(), a32.neg().to_be_bytes(), "neg");
        assert_eq!(a29.half().to_be_bytes(), a32.half().to_be_bytes(), "half");
        assert_eq!(a29.mul_small(8).to_be_bytes(), a32.mul_small(8).to_be_bytes(), "8a");
        // Equality is equality in the field: the same value reached two ways compares equal.
        assert_eq!(a29.add(&b29).sub(&b29), a29);
        assert_eq!(a29.mul(&b29), b29.mul(&a29));
    }
}

fn scalar(bytes: &[u8; 32]) -> Scalar {
    <Scalar as Reduce<sm2::FieldBytes>>::reduce(&sm2::FieldBytes::from(*bytes))
}

/// The reference point as affine big-endian (x, y), `None` at infinity.
fn reference_xy(point: &ProjectivePoint) -> Option<([u8; 32], [u8; 32])> {
    if bool::from(point.is_identity()) {
        return None;
    }
    let enc = point.to_affine().to_sec1_point(false);
    let b = enc.as_bytes();
    Some((b[1..33].try_into().unwrap(), b[33..65].try_into().unwrap()))
}

fn ours_xy<F: Field>(point: &Jacobian<F>) -> Option<([u8; 32], [u8; 32])> {
    (*point).to_affine().map(|a| (a.x.to_be_bytes(), a.y.to_be_bytes()))
}

fn affine_of<F: Field>(point: &ProjectivePoint) -> Affine<F> {
    let (x, y) = reference_xy(point).unwrap();
    affine_from_bytes(&x, &y).unwrap()
}

#[test]
fn wnaf_digits_recode_the_scalar() {
    let mut rng = Rng(7);
    let n_be = be_from_limbs(&N);
    for case in 0..CASES {
        let k_be = match case {
            0 => [0u8; 32],
            1 => [0xff; 32],
            2 => n_be,
            _ => rng.interesting(&n_be),
        };
        let k = limbs_from_be(&k_be);
        for w in [2, 3, 4, 5, 6, 7, 8, 12, point::WNAF_MAX_WIDTH] {
            let digits = point::wnaf(&k, w);
            let mut acc = Scalar::ZERO;
            let mut last_nonzero: Option<usize> = None;
            for i in (0..WNAF_DIGITS).rev() {
                let d = digits[i];
                acc = acc.double();
                let magnitude = Scalar::from(u64::from(d.unsigned_abs()));
                acc = if d >= 0 { acc + magnitude } else { acc - magnitude };
                if d != 0 {
                    assert!(d % 2 != 0 && d.unsigned_abs() < (1 << (w - 1)), "digit {d} for w = {w}");
                    if let Some(prev) = last_nonzero {
                        assert!(prev - i >= w as usize, "digits too close for w = {w}");
                    }
                    last_nonzero = Some(i);
                }
            }
            assert_eq!(acc, scalar(&k_be), "w = {w}");
        }
    }
}

fn check_double_scalar<F: Field>() {
    let mut rng = Rng(99);
    let g = ProjectivePoint::generator();
    let n_be = be_from_limbs(&N);
    let mut n_minus_1 = N;
    n_minus_1[0] -= 1;
    let fixed_scalars = [[0u64; 4], [1, 0, 0, 0], [2, 0, 0, 0], n_minus_1];
    for case in 0..CASES / 3 {
        let d = scalar(&rng.bytes32());
        let key = match case % 5 {
            0 => g,
            1 => -g,
            _ => g * d,
        };
        let mut s = limbs_from_be(&rng.interesting(&n_be));
        let mut t = limbs_from_be(&rng.interesting(&n_be));
        if case < fixed_scalars.len() * fixed_scalars.len() {
            s = fixed_scalars[case % fixed_scalars.len()];
            t = fixed_scalars[case / fixed_scalars.len()];
        }
        let want = g * scalar(&be_from_limbs(&s)) + key * scalar(&be_from_limbs(&t));
        let got = point::mul_g_add_mul_p(&s, &affine_of::<F>(&key), &t);
        assert_eq!(ours_xy(&got), reference_xy(&want), "case {case}");
        let split = point::split_tables(&affine_of::<F>(&key), 1 << (point::WNAF_WIDTH_P_SPLIT - 2));
        let got = point::mul_g_add_mul_split(&s, &split, &t);
        assert_eq!(ours_xy(&got), reference_xy(&want), "split, case {case}");
    }
}

/// The odd multiples (co-Z additions) against the reference's k·Q, for G and another point,
/// at the counts the tables use.
fn check_odd_multiples<F: Field>() {
    let g = ProjectivePoint::generator();
    for q in [g, g * scalar(&[0x5c; 32])] {
        let multiples = point::odd_multiples(&affine_of::<F>(&q), 64);
        for (k, m) in multiples.iter().enumerate() {
            let want = q * Scalar::from(2 * k as u64 + 1);
            assert_eq!(ours_xy(m), reference_xy(&want), "{}·Q", 2 * k + 1);
        }
        assert_eq!(point::odd_multiples(&affine_of::<F>(&q), 1).len(), 1);
    }
}

#[test]
fn odd_multiples_match_reference() {
    check_odd_multiples::<Fe64>();
    check_odd_multiples::<Fe32>();
    check_odd_multiples::<Fe29>();
}

#[test]
fn double_scalar_multiplication_matches_reference_64() {
    check_double_scalar::<Fe64>();
}

#[test]
fn double_scalar_multiplication_matches_reference_32() {
    check_double_scalar::<Fe32>();
}

#[test]
fn double_scalar_multiplication_matches_reference_29() {
    check_double_scalar::<Fe29>();
}

/// The verification's dispatched point arithmetic (on `adx::FeAdx`, checked for BMI2/ADX
/// once per call, where the CPU has them) against the portable `Fe64` code: the key tables
/// equal, and s·G + t·P from both kinds of table equal the reference's, infinity included.
#[test]
fn double_scalar_multiplication_dispatched_matches_portable() {
    let mut rng = Rng(1234);
    let g = ProjectivePoint::generator();
    let n_be = be_from_limbs(&N);
    let mut n_minus_1 = N;
    n_minus_1[0] -= 1;
    let one = [1u64, 0, 0, 0];
    let fixed = [(one, g, n_minus_1), (one, -g, one), (n_minus_1, g, one), (one, g, one)];
    for case in 0..CASES / 3 {
        let (s, key, t) = match fixed.get(case) {
            Some(&triple) => triple,
            None => (
                limbs_from_be(&rng.interesting(&n_be)),
                g * scalar(&rng.bytes32()),
                limbs_from_be(&rng.interesting(&n_be)),
            ),
        };
        let want = reference_xy(&(g * scalar(&be_from_limbs(&s)) + key * scalar(&be_from_limbs(&t))));
        let p = affine_of::<Fe64>(&key);
        let table = super::variable_point_table(&p);
        let portable = point::variable_point_table(&p);
        // Fully reduced limbs: equal values print equally.
        assert_eq!(format!("{table:?}"), format!("{portable:?}"), "case {case}");
        assert_eq!(
            ours_xy(&super::mul_g_add_mul_table(&s, &table, &t)),
            want,
            "table, case {case}"
        );
        let split = match case % 2 {
            0 => point::split_tables(&p, P_SPLIT_LEN),
            _ => FastPublicKey::from_affine(&p.x.to_be_bytes(), &p.y.to_be_bytes())
                .unwrap()
                .split_tables()
                .to_vec(),
        };
        assert_eq!(
            ours_xy(&super::mul_g_add_mul_split(&s, &split, &t)),
            want,
            "split, case {case}"
        );
    }
}

/// The interleaved s·G + t·P of L verifications (`point::…_lanes`) against the one-lane
/// code and the reference, lane by lane: keys ±G and small multiples of G with small scalars
/// (additions that meet their own input or infinity, in one lane while the others add
/// ordinary points), sums at infinity, and random keys and scalars.
fn check_lanes<F: Field, const L: usize>() {
    let mut rng = Rng(0x1a7e + L as u64);
    let g = ProjectivePoint::generator();
    let n_be = be_from_limbs(&N);
    let mut n_minus_1 = N;
    n_minus_1[0] -= 1;
    let fixed = [
        [1u64, 0, 0, 0],
        [2, 0, 0, 0],
        [3, 0, 0, 0],
        n_minus_1,
        [0, 0, 0, 1 << 63],
        [0; 4],
    ];
    for round in 0..CASES / 10 {
        let cases: [(ProjectivePoint, [u64; 4], [u64; 4]); L] = std::array::from_fn(|l| {
            let key = match (round + l) % 4 {
                0 if round < 12 => g,
                1 if round < 12 => -g,
                2 if round < 12 => g * Scalar::from(3 + l as u64),
                _ => g * scalar(&rng.bytes32()),
            };
            if round < 8 {
                (
                    key,
                    fixed[(round + l) % fixed.len()],
                    fixed[(round / 2 + 2 * l) % fixed.len()],
                )
            } else {
                (
                    key,
                    limbs_from_be(&rng.interesting(&n_be)),
                    limbs_from_be(&rng.interesting(&n_be)),
                )
            }
        });
        let keys: [Affine<F>; L] = std::array::from_fn(|l| affine_of::<F>(&cases[l].0));
        let tables: [_; L] = std::array::from_fn(|l| point::variable_point_table(&keys[l]));
        let splits: [_; L] = std::array::from_fn(|l| point::split_tables(&keys[l], P_SPLIT_LEN));
        let table_lanes: [Jacobian<F>; L] =
            point::mul_g_add_mul_table_lanes(std::array::from_fn(|l| (&cases[l].1, &tables[l], &cases[l].2)));
        let split_lanes: [Jacobian<F>; L] = point::mul_g_add_mul_split_lanes(std::array::from_fn(|l| {
            (&cases[l].1, splits[l].as_slice(), &cases[l].2)
        }));
        for (l, (key, s, t)) in cases.iter().enumerate() {
            let want = reference_xy(&(g * scalar(&be_from_limbs(s)) + *key * scalar(&be_from_limbs(t))));
            assert_eq!(ours_xy(&point::mul_g_add_mul_table(s, &tables[l], t)), want);
            assert_eq!(
                ours_xy(&table_lanes[l]),
                want,
                "table, L = {L}, round {round}, lane {l}"
            );
            assert_eq!(
                ours_xy(&split_lanes[l]),
                want,
                "split, L = {L}, round {round}, lane {l}"
            );
        }
    }
}

#[test]
fn interleaved_multiplication_matches_one_lane() {
    check_lanes::<Fe64, 2>();
    check_lanes::<Fe64, 3>();
    check_lanes::<Fe64, 4>();
    check_lanes::<Fe32, 2>();
    check_lanes::<Fe32, 4>();
    check_lanes::<Fe29, 2>();
}

/// The interleaved doubling and additions on their own: every lane equals the one-lane
/// formula's point, exceptional sums (a doubling, infinity) and infinite inputs included.
#[test]
fn interleaved_steps_match_one_lane() {
    let g = ProjectivePoint::generator();
    let pts: Vec<Jacobian<Fe64>> = [g, -g, g.double(), g * scalar(&[7; 32])]
        .iter()
        .map(|p| Jacobian::from(&affine_of::<Fe64>(p)))
        .collect();
    let inf = Jacobian::<Fe64>::infinity();
    let doubled = point::double_lanes(&[pts[0], inf, pts[3]]);
    assert_eq!(ours_xy(&doubled[0]), ours_xy(&pts[0].double()));
    assert!(doubled[1].is_infinity());
    assert_eq!(ours_xy(&doubled[2]), ours_xy(&pts[3].double()));
}

#[test]
fn infinity_in_and_out_of_the_chain() {
    let g = ProjectivePoint::generator();
    let one = [1u64, 0, 0, 0];
    let mut n_minus_1 = N;
    n_minus_1[0] -= 1;
    // 1·G + (n−1)·G = ∞, 1·G + 1·(−G) = ∞, (n−1)·G + 1·G through the generator table.
    for (s, key, t) in [(one, g, n_minus_1), (one, -g, one), (n_minus_1, g, one)] {
        let got = point::mul_g_add_mul_p::<Fe64>(&s, &affine_of(&key), &t);
        assert!(got.is_infinity());
        let got = point::mul_g_add_mul_p::<Fe32>(&s, &affine_of(&key), &t);
        assert!(got.is_infinity());
        let got = point::mul_g_add_mul_p::<Fe29>(&s, &affine_of(&key), &t);
        assert!(got.is_infinity());
    }
    let split = |key: &ProjectivePoint| point::split_tables::<Fe64>(&affine_of(key), 8);
    for (s, key, t) in [(one, g, n_minus_1), (one, -g, one), (n_minus_1, g, one)] {
        assert!(point::mul_g_add_mul_split(&s, &split(&key), &t).is_infinity());
    }
    let got = point::mul_g_add_mul_split(&one, &split(&g), &one);
    assert_eq!(ours_xy(&got), reference_xy(&g.double()));
    // Additions that meet their own input (P = G, equal digits) go through doubling.
    let got = point::mul_g_add_mul_p::<Fe64>(&one, &affine_of(&g), &one);
    assert_eq!(ours_xy(&got), reference_xy(&g.double()));
    // Jacobian and mixed additions with infinity and with the negated point.
    let a = Jacobian::from(&affine_of::<Fe64>(&g));
    assert!(a.add(&a.neg()).is_infinity());
    assert!(a.add_affine(&affine_of::<Fe64>(&-g)).is_infinity());
    assert_eq!(ours_xy(&Jacobian::infinity().add(&a)), reference_xy(&g));
    assert_eq!(ours_xy(&a.add(&Jacobian::infinity())), reference_xy(&g));
    assert!(Jacobian::<Fe64>::infinity().double().is_infinity());
}

#[test]
fn key_must_be_on_the_curve() {
    let g = Affine::<Fe64>::generator();
    let (x, y) = (g.x.to_be_bytes(), g.y.to_be_bytes());
    assert!(FastPublicKey::from_affine(&x, &y).is_ok());
    let mut bad_y = y;
    bad_y[31] ^= 1;
    assert_eq!(
        FastPublicKey::from_affine(&x, &bad_y).err(),
        Some(FastVerifyError::InvalidKey)
    );
    assert_eq!(
        FastPublicKey::from_affine(&P_BE, &y).err(),
        Some(FastVerifyError::InvalidKey)
    );
}

#[test]
fn scalar_range_errors() {
    let g = Affine::<Fe>::generator();
    let key = FastPublicKey::from_affine(&g.x.to_be_bytes(), &g.y.to_be_bytes()).unwrap();
    let n = be_from_limbs(&N);
    let one = be_from_limbs(&[1, 0, 0, 0]);
    let zero = [0u8; 32];
    let e = [5u8; 32];
    assert_eq!(key.verify(&e, &zero, &one), Err(FastVerifyError::ROutOfRange));
    assert_eq!(key.verify(&e, &n, &one), Err(FastVerifyError::ROutOfRange));
    assert_eq!(key.verify(&e, &[0xff; 32], &one), Err(FastVerifyError::ROutOfRange));
    assert_eq!(key.verify(&e, &one, &zero), Err(FastVerifyError::SOutOfRange));
    assert_eq!(key.verify(&e, &one, &n), Err(FastVerifyError::SOutOfRange));
    // r + s = n: t = 0.
    let n_minus_1 = be_from_limbs(&sub_limbs(&N, &[1, 0, 0, 0]).0);
    assert_eq!(key.verify(&e, &one, &n_minus_1), Err(FastVerifyError::TIsZero));
}

/// A key and signature for which x₁ of s·G + t·P lies in [n, p), so (e + x₁) mod n = r only
/// through the second candidate v + n: the point R with that x is chosen first and the key
/// solved for (P = t⁻¹·(R − s·G)).
fn signature_with_x1_above_n() -> (Affine<Fe64>, [u8; 32], [u8; 32], [u8; 32]) {
    let mut x = N;
    let r_point = loop {
        x = add_limbs(&x, &[1, 0, 0, 0]).0;
        let mut sec1 = [2u8; 33];
        sec1[1..].copy_from_slice(&be_from_limbs(&x));
        if let Ok(pk) = crate::sm::sm2::PublicKey::from_sec1(&sec1) {
            break pk;
        }
    };
    let r_proj = {
        let sec1 = r_point.to_sec1_uncompressed();
        let a: sm2::AffinePoint = sm2::PublicKey::from_sec1_bytes(&sec1).unwrap().into();
        ProjectivePoint::from(a)
    };
    let s = scalar(&[0x11; 32]);
    let t = scalar(&[0x22; 32]);
    let key = (r_proj - ProjectivePoint::generator() * s) * t.invert().unwrap();
    let r = t - s;
    // e = r − x₁ mod n.
    let e = r - scalar(&be_from_limbs(&x));
    let to_be = |v: Scalar| -> [u8; 32] { v.to_bytes().into() };
    (affine_of(&key), to_be(e), to_be(r), to_be(s))
}

#[test]
fn x1_at_or_above_n_uses_the_second_candidate() {
    let (key, e, r, s) = signature_with_x1_above_n();
    let mut e2 = e;
    e2[31] ^= 1;
    // Through the public key, three times: the first verifications on the plain table, the
    // later ones on the split tables.
    let fast = FastPublicKey::from_affine(&key.x.to_be_bytes(), &key.y.to_be_bytes()).unwrap();
    for _ in 0..3 {
        assert_eq!(fast.verify(&e, &r, &s), Ok(()));
        assert_eq!(fast.verify(&e2, &r, &s), Err(FastVerifyError::Mismatch));
    }
    // The same through the 32-bit layout.
    let key32: Affine<Fe32> = affine_from_bytes(&key.x.to_be_bytes(), &key.y.to_be_bytes()).unwrap();
    let table32 = point::variable_point_table(&key32);
    let mul32 = |s: &[u64; 4], t: &[u64; 4]| point::mul_g_add_mul_table(s, &table32, t);
    assert_eq!(verify_with(&e, &r, &s, mul32), Ok(()));
    assert_eq!(verify_with(&e2, &r, &s, mul32), Err(FastVerifyError::Mismatch));
    // And the 29-bit layout (wasm32).
    let key29: Affine<Fe29> = affine_from_bytes(&key.x.to_be_bytes(), &key.y.to_be_bytes()).unwrap();
    let table29 = point::variable_point_table(&key29);
    let mul29 = |s: &[u64; 4], t: &[u64; 4]| point::mul_g_add_mul_table(s, &table29, t);
    assert_eq!(verify_with(&e, &r, &s, mul29), Ok(()));
    assert_eq!(verify_with(&e2, &r, &s, mul29), Err(FastVerifyError::Mismatch));
}

#[test]
fn signature_whose_point_is_infinity_is_rejected() {
    // P = d·G and s·G + (r + s)·d·G = ∞: s = −r·d / (1 + d).
    let d = scalar(&[0x33; 32]);
    let r = scalar(&[0x44; 32]);
    let s = -(r * d) * (Scalar::ONE + d).invert().unwrap();
    let key = affine_of::<Fe64>(&(ProjectivePoint::generator() * d));
    let to_be = |v: Scalar| -> [u8; 32] { v.to_bytes().into() };
    let fast = FastPublicKey::from_affine(&key.x.to_be_bytes(), &key.y.to_be_bytes()).unwrap();
    for _ in 0..3 {
        assert_eq!(
            fast.verify(&[1u8; 32], &to_be(r), &to_be(s)),
            Err(FastVerifyError::Infinity)
        );
    }
}

/// The accelerated multiplication and squaring (x86-64 MULX/ADX where this CPU has them)
/// against the portable ones, on edge values and random ones.
#[test]
fn accelerated_field_matches_portable() {
    use super::internals::{
        add_accelerated, add_portable, mul_accelerated, mul_portable, square_accelerated, square_portable,
        sub_accelerated, sub_portable,
    };
    let p_minus = |d: u64| sub_limbs(&P, &[d, 0, 0, 0]).0;
    let mut values = vec![
        [0u64; 4],
        [1, 0, 0, 0],
        [2, 0, 0, 0],
        p_minus(1),
        p_minus(2),
        [u64::MAX, 0, 0, 0],
        [0, 0, 0, 1 << 63],
        [u64::MAX, u64::MAX, u64::MAX, 0],
        [0, 0xffff_ffff_0000_0000, u64::MAX, 0xffff_fffe_ffff_ffff],
        // R mod p and R² mod p (1 and R in Montgomery form).
        sub_limbs(&[0; 4], &P).0,
    ];
    let mut rng = Rng(0xad_0c);
    for _ in 0..2000 {
        let mut v = [rng.next(), rng.next(), rng.next(), rng.next()];
        match rng.next() % 4 {
            0 => v[3] = u64::MAX,
            1 => v[0] = u64::MAX,
            _ => {}
        }
        if lt(&v, &P) {
            values.push(v);
        }
    }
    let Some(_) = mul_accelerated(&[0; 4], &[0; 4]) else {
        eprintln!("no accelerated field arithmetic on this CPU: only the portable path runs");
        return;
    };
    for (i, a) in values.iter().enumerate() {
        for b in [&values[(i * 13 + 5) % values.len()], &values[i % 10], a] {
            let expected = mul_portable(a, b);
            assert!(lt(&expected, &P));
            assert_eq!(mul_accelerated(a, b), Some(expected), "mul {a:x?} {b:x?}");
            assert_eq!(add_accelerated(a, b), Some(add_portable(a, b)), "add {a:x?} {b:x?}");
            assert_eq!(sub_accelerated(a, b), Some(sub_portable(a, b)), "sub {a:x?} {b:x?}");
            assert_eq!(sub_accelerated(b, a), Some(sub_portable(b, a)), "sub {b:x?} {a:x?}");
        }
        assert_eq!(square_accelerated(a), Some(square_portable(a)), "square {a:x?}");
    }
}

fn check_base_multiplication<F: Field>() {
    check_base_multiplication_with(|k| super::base::mul_base_x::<F>(&limbs_from_be(k)).to_be_bytes());
}

/// `mul_x(k)` is x(k·G), big-endian, for the comb's edge scalars and random ones.
fn check_base_multiplication_with(mul_x: impl Fn(&[u8; 32]) -> [u8; 32]) {
    for k in base_scalars() {
        let expected = ProjectivePoint::mul_by_generator(&scalar(&k));
        let (x, _) = reference_xy(&expected).unwrap();
        assert_eq!(mul_x(&k), x, "k = {k:02x?}");
    }
}

/// The comb's edge scalars (small, near n, across window borders, the odd-digit extremes)
/// and random ones, big-endian, all in [1, n − 1].
fn base_scalars() -> Vec<[u8; 32]> {
    let n_be = be_from_limbs(&N);
    let mut ks: Vec<[u8; 32]> = Vec::new();
    for small in [1u64, 2, 3, 31, 32, 33, 63, 64, 65, 127, 4096] {
        ks.push(be_from_limbs(&[small, 0, 0, 0]));
    }
    for d in [1u64, 2, 32, 64] {
        ks.push(be_from_limbs(&sub_limbs(&N, &[d, 0, 0, 0]).0));
    }
    // Top windows: 2²⁵², 2²⁵⁵ and runs of ones across window borders.
    ks.push(be_from_limbs(&[0, 0, 0, 1 << 60]));
    ks.push(be_from_limbs(&[0, 0, 0, 1 << 63]));
    ks.push(be_from_limbs(&[u64::MAX, u64::MAX, u64::MAX, 0]));
    // The odd-digit comb: every digit +63 (2²⁵³ − 1), every digit −63 (2²⁵³ + 1), and
    // k = 15·2²⁵³ − n with its even partner n − k, the one k whose last addition would be a
    // doubling if the windows were added from the bottom up (see `base`).
    ks.push(be_from_limbs(&[u64::MAX, u64::MAX, u64::MAX, (1 << 61) - 1]));
    ks.push(be_from_limbs(&[1, 0, 0, 1 << 61]));
    ks.push(be_from_limbs(&[
        0xac44_0bf6_c62a_bedd,
        0x8dfc_2094_de39_fad4,
        0,
        0xe000_0001_0000_0000,
    ]));
    ks.push(be_from_limbs(&[
        0xa777_e812_73aa_8246,
        0xe407_bed6_438c_0a56,
        0xffff_ffff_ffff_fffe,
        0x1fff_fffd_ffff_ffff,
    ]));
    let mut rng = Rng(0xba5e);
    for _ in 0..40 {
        let k = rng.interesting(&n_be);
        if lt(&limbs_from_be(&k), &N) && k != [0u8; 32] {
            ks.push(k);
        }
    }
    ks
}

/// `mul_many(ks, out)` (a batch of k·G with one inversion) gives each k what `mul_base_x`
/// gives, in batches of every size up to a whole one and a few lengths between, the edge
/// scalars in every position.
fn check_base_batch_with(mul_many: impl Fn(&[[u8; 32]], &mut [[u8; 32]])) {
    let ks = base_scalars();
    assert!(ks.len() > super::BASE_BATCH);
    let expected: Vec<[u8; 32]> = ks.iter().map(super::mul_base_x).collect();
    for len in [0, 1, 2, 3, 7, 16, 31, super::BASE_BATCH] {
        for start in (0..ks.len().saturating_sub(len)).step_by(len.max(1)) {
            let mut out = vec![[0u8; 32]; len];
            mul_many(&ks[start..start + len], &mut out);
            assert_eq!(out, expected[start..start + len], "batch of {len} from {start}");
        }
    }
}

#[test]
fn base_multiplication_in_batches_matches_one_by_one() {
    let limbs_of = |ks: &[[u8; 32]]| ks.iter().map(limbs_from_be).collect::<Vec<_>>();
    check_base_batch_with(super::mul_base_x_many);
    check_base_batch_with(|ks, out| super::base::mul_base_x_many::<Fe64>(&limbs_of(ks), out));
    check_base_batch_with(|ks, out| super::base::mul_base_x_many::<Fe32>(&limbs_of(ks), out));
    check_base_batch_with(|ks, out| super::base::mul_base_x_many::<Fe29>(&limbs_of(ks), out));
}

/// Montgomery's trick (`base::invert_all`) against one inversion per value, for every length
/// up to a batch, both layouts; and the documented zero case.
fn check_invert_all<F: Field>() {
    let mut rng = Rng(0x0a11);
    let mut p_minus_1 = P_BE;
    p_minus_1[31] -= 1;
    let mut one = [0u8; 32];
    one[31] = 1;
    let mut values: Vec<F> = vec![F::from_be_bytes(&one).unwrap(), F::from_be_bytes(&p_minus_1).unwrap()];
    while values.len() < super::BASE_BATCH {
        values.push(F::from_be_bytes(&below_p(&mut rng)).unwrap());
    }
    for len in 0..=super::BASE_BATCH {
        let mut batch = values[..len].to_vec();
        super::base::invert_all(&mut batch);
        for (v, inverse) in values.iter().zip(&batch) {
            assert_eq!(*inverse, v.invert(), "batch of {len}");
            assert_eq!(inverse.mul(v), F::ONE);
        }
    }
    let mut with_zero = values[..5].to_vec();
    with_zero[2] = F::ZERO;
    super::base::invert_all(&mut with_zero);
    assert!(with_zero.iter().all(Field::is_zero));
}

#[test]
fn inversion_of_the_product_inverts_each() {
    check_invert_all::<Fe64>();
    check_invert_all::<Fe32>();
    check_invert_all::<Fe29>();
}

#[test]
fn base_multiplication_matches_reference_64() {
    check_base_multiplication::<Fe64>();
}

/// The dispatched k·G of signing (on `adx::FeAdx`, checked for BMI2/ADX once, where the CPU
/// has them).
#[test]
fn base_multiplication_matches_reference_dispatched() {
    check_base_multiplication_with(super::mul_base_x);
}

#[test]
fn base_multiplication_matches_reference_32() {
    check_base_multiplication::<Fe32>();
}

#[test]
fn base_multiplication_matches_reference_29() {
    check_base_multiplication::<Fe29>();
}

/// `verify_batch` (on the 8-lane AVX-512 IFMA kernel where this CPU has one) gives every
/// triple exactly the verdict of `verify_digest`, errors included: good and bad signatures
/// mixed (r or e altered, r or s out of range, t = 0), a sum at infinity, x₁ in [n, p), keys
/// used more than once, groups of every size and a padded last group.
#[test]
fn batch_verdicts_equal_single_verification() {
    use crate::sm::sm2::{
        verify_batch, PrivateKey, PublicKey, Sm2Signature, Sm2Signer, Sm2Verifier, DEFAULT_DISTID, ORDER_N,
    };
    let verifier_of = |key: &Affine<Fe64>| {
        let mut sec1 = [4u8; 65];
        sec1[1..33].copy_from_slice(&key.x.to_be_bytes());
        sec1[33..].copy_from_slice(&key.y.to_be_bytes());
        Sm2Verifier::new(&PublicKey::from_sec1(&sec1).unwrap(), DEFAULT_DISTID).unwrap()
    };
    let mut verifiers = Vec::new();
    let mut cases: Vec<(usize, [u8; 32], Sm2Signature)> = Vec::new();
    for i in 1..=24u8 {
        let signer = Sm2Signer::new(&PrivateKey::from_raw(&[i; 32]).unwrap(), DEFAULT_DISTID).unwrap();
        let mut e = signer.verifier().digest(&[i]);
        let mut sig = signer.sign_digest(&e).unwrap();
        verifiers.push(signer.verifier().clone());
        match i % 8 {
            0 => sig.r[31] ^= 1,
            1 => e[0] ^= 0x80,
            2 => sig.s = ORDER_N,
            3 => sig.r = be_from_limbs(&sub_limbs(&N, &limbs_from_be(&sig.s)).0),
            4 => sig.r = [0; 32],
            _ => {}
        }
        cases.push((verifiers.len() - 1, e, sig));
        if i % 5 == 0 {
            // The same key again, with its own good signature.
            let e = signer.verifier().digest(b"again");
            cases.push((verifiers.len() - 1, e, signer.sign_digest(&e).unwrap()));
        }
    }
    let (key, e, r, s) = signature_with_x1_above_n();
    verifiers.push(verifier_of(&key));
    cases.insert(3, (verifiers.len() - 1, e, Sm2Signature { r, s }));
    let d = scalar(&[0x33; 32]);
    let r = scalar(&[0x44; 32]);
    let s = -(r * d) * (Scalar::ONE + d).invert().unwrap();
    verifiers.push(verifier_of(&affine_of(&(ProjectivePoint::generator() * d))));
    let to_be = |v: Scalar| -> [u8; 32] { v.to_bytes().into() };
    cases.insert(
        10,
        (
            verifiers.len() - 1,
            [1; 32],
            Sm2Signature {
                r: to_be(r),
                s: to_be(s),
            },
        ),
    );

    // Clones of verifiers never used: each batch sees unprepared keys, as a fresh batch does.
    let fresh = || verifiers.to_vec();
    let expected: Vec<_> = {
        let vs = fresh();
        cases.iter().map(|(k, e, sig)| vs[*k].verify_digest(e, sig)).collect()
    };
    let vs = fresh();
    for ((k, e, sig), want) in cases.iter().zip(&expected) {
        assert_eq!(vs[*k].verify_digest_reference(e, sig).is_ok(), want.is_ok());
    }
    assert!(expected.iter().filter(|v| v.is_ok()).count() >= 12);
    assert!(expected
        .iter()
        .any(|v| v.as_ref().is_err_and(|e| e.to_string().contains("infinity"))));
    for take in [1, 2, 3, 7, 8, 9, 16, 17, cases.len()] {
        let vs = fresh();
        let items: Vec<_> = cases[..take].iter().map(|(k, e, sig)| (&vs[*k], e, sig)).collect();
        assert_eq!(verify_batch(&items), expected[..take], "first {take}");
    }
    // Prepared keys (the kernel's 64-doubling path), some or all: the verdicts stay the same.
    for step in [2, 1] {
        let vs = fresh();
        vs.iter().step_by(step).for_each(Sm2Verifier::prepare);
        let items: Vec<_> = cases.iter().map(|(k, e, sig)| (&vs[*k], e, sig)).collect();
        assert_eq!(verify_batch(&items), expected, "every {step}th key prepared");
    }
}

/// The signing comb's masked table read: every index of a window, 0 and past the end.
fn check_lookup<F: Field>() {
    let window = &F::base_table()[5];
    let zero = Affine { x: F::ZERO, y: F::ZERO };
    assert_eq!(F::lookup(window, 0), zero);
    for (j, entry) in window.iter().enumerate() {
        assert_eq!(F::lookup(window, j as u32 + 1), *entry);
    }
    assert_eq!(F::lookup(window, window.len() as u32 + 1), zero);
    assert_eq!(F::lookup(window, u32::MAX), zero);
}

#[test]
fn lookup_reads_the_indexed_entry() {
    check_lookup::<Fe64>();
    check_lookup::<Fe32>();
    check_lookup::<Fe29>();
    #[cfg(target_arch = "x86_64")]
    {
        assert!(super::adx::lookup_matches_fe64());
        // And signing's conditional negation of the entry read.
        assert!(super::adx::neg_if_matches_fe64(2_000));
        // And the doubling's halving.
        assert!(super::adx::half_matches_fe64(2_000));
    }
}

/// Fermat's inversion (the addition chain) on the edges and random values, both layouts.
fn check_invert<F: Field>() {
    let mut rng = Rng(0x1_0e7);
    let mut p_minus_1 = P_BE;
    p_minus_1[31] -= 1;
    let (mut one, mut two) = ([0u8; 32], [0u8; 32]);
    one[31] = 1;
    two[31] = 2;
    let mut values = vec![one, two, p_minus_1];
    for _ in 0..CASES / 10 {
        values.push(below_p(&mut rng));
    }
    assert!(F::ZERO.invert().is_zero());
    let odd_p = sm2::elliptic_curve::bigint::Odd::new(*p().as_ref()).unwrap();
    for v in values {
        let a = F::from_be_bytes(&v).unwrap();
        let inverse = a.invert();
        assert_eq!(inverse.mul(&a), F::ONE, "{v:02x?}");
        let expected: [u8; 32] = big(&v).invert_odd_mod(&odd_p).unwrap().to_be_bytes().into();
        assert_eq!(inverse.to_be_bytes(), expected);
    }
}

#[test]
fn inversion_chain_inverts() {
    check_invert::<Fe64>();
    check_invert::<Fe32>();
    check_invert::<Fe29>();
}
