//! The 8-lane kernel against the scalar code: field operations against `field::Fe64`'s
//! portable multiplication and against crypto-bigint, point operations and s·G + t·P against
//! `point`. Every test returns early (and says so) on a CPU without AVX-512 IFMA.

use sm2::elliptic_curve::bigint::{NonZero, U256};

use super::super::field::{Fe64, Field};
use super::super::point::{self, Affine};
use super::super::tests::Rng;
use super::super::{add_limbs, be_from_limbs, lt, sub_limbs, N, P};
use super::*;

impl Rng {
    fn limbs(&mut self) -> [u64; 4] {
        [self.next(), self.next(), self.next(), self.next()]
    }

    fn uniform_below_n(&mut self) -> [u64; 4] {
        loop {
            let v = self.limbs();
            if lt(&v, &N) && v != [0; 4] {
                return v;
            }
        }
    }

    /// Below `top`, often near 0 or `top` or with all-ones or all-zero limbs.
    fn below(&mut self, top: &[u64; 4]) -> [u64; 4] {
        loop {
            let mut v = self.limbs();
            match self.next() % 6 {
                0 => v[1..].fill(0),
                1 => v[..3].fill(u64::MAX),
                2 => v = sub_limbs(top, &[v[0] & 0xff, 0, 0, 0]).0,
                3 => v[2] = 0,
                _ => {}
            }
            if lt(&v, top) {
                return v;
            }
        }
    }
}

fn skip() -> bool {
    if available() {
        return false;
    }
    eprintln!("SKIPPED: this CPU has no AVX-512 IFMA");
    true
}

fn reduced(a: &[u64; 4]) -> [u64; 4] {
    if lt(a, &P) {
        *a
    } else {
        sub_limbs(a, &P).0
    }
}

fn modulus() -> NonZero<U256> {
    NonZero::new(U256::from_be_slice(&be_from_limbs(&P))).unwrap()
}

fn big(a: &[u64; 4]) -> U256 {
    U256::from_be_slice(&be_from_limbs(&reduced(a)))
}

fn limbs_of(v: &U256) -> [u64; 4] {
    super::super::limbs_from_be(&v.to_be_bytes().into())
}

/// Values where carries, borrows and reductions happen: 0, 1, 2, p − 1, p, p + 1, 2²⁵⁶ − 1
/// (inputs may be anything below 2p), R mod p, limb boundaries of both layouts.
fn edges() -> Vec<[u64; 4]> {
    let mut v = vec![
        [0, 0, 0, 0],
        [1, 0, 0, 0],
        [2, 0, 0, 0],
        sub_limbs(&P, &[1, 0, 0, 0]).0,
        P,
        add_limbs(&P, &[1, 0, 0, 0]).0,
        [u64::MAX; 4],
        sub_limbs(&[0; 4], &P).0,
        [MASK52, 0, 0, 0],
        [1 << 52, 0, 0, 0],
        [0, 1 << 40, 0, 0],
        [0, 0, 0, 1 << 48],
        [u64::MAX, u64::MAX, 0, 0],
        [0, 0, u64::MAX, u64::MAX],
    ];
    let mut rng = Rng(0x1f3a);
    for _ in 0..200 {
        v.push(rng.below(&P));
    }
    v
}

fn lanes_from(values: &[[u64; 4]], start: usize) -> [[u64; 4]; LANES] {
    std::array::from_fn(|j| values[(start + j) % values.len()])
}

#[test]
fn field_operations_match_the_portable_code() {
    if skip() {
        return;
    }
    let m = modulus();
    let values = edges();
    for start in 0..values.len() {
        let a = lanes_from(&values, start);
        let b = lanes_from(&values, start * 7 + 3);
        let mul = field_op(Ops::Mul, &a, &b).unwrap();
        let square = field_op(Ops::Square, &a, &b).unwrap();
        let sum = field_op(Ops::Add, &a, &b).unwrap();
        let diff = field_op(Ops::Sub, &a, &b).unwrap();
        for j in 0..LANES {
            let (x, y) = (reduced(&a[j]), reduced(&b[j]));
            assert_eq!(mul[j], Fe64::mul_limbs(&x, &y), "mul {:x?} {:x?}", a[j], b[j]);
            assert_eq!(square[j], Fe64::square_limbs(&x), "square {:x?}", a[j]);
            assert_eq!(
                sum[j],
                limbs_of(&big(&x).add_mod(&big(&y), &m)),
                "add {:x?} {:x?}",
                a[j],
                b[j]
            );
            assert_eq!(
                diff[j],
                limbs_of(&big(&x).sub_mod(&big(&y), &m)),
                "sub {:x?} {:x?}",
                a[j],
                b[j]
            );
        }
    }
}

#[test]
fn limb_conversions_round_trip() {
    let mut rng = Rng(7);
    for _ in 0..1000 {
        let v = rng.limbs();
        assert_eq!(limbs64(&limbs52(&v)), v);
        assert!(limbs52(&v).iter().all(|&l| l <= MASK52));
    }
}

#[test]
fn recoding_gives_the_scalar() {
    let mut rng = Rng(11);
    let n_minus_1 = sub_limbs(&N, &[1, 0, 0, 0]).0;
    let mut cases = vec![[1, 0, 0, 0], [3, 0, 0, 0], n_minus_1, sub_limbs(&N, &[2, 0, 0, 0]).0];
    for _ in 0..300 {
        cases.push(rng.below(&N));
    }
    for k in cases {
        let k = if k[0] & 1 == 1 { k } else { n_minus(&k) };
        for (digits, w) in [
            (recode::<DIGITS_P>(&k, W_P).to_vec(), W_P),
            (recode::<DIGITS_G>(&k, W_G).to_vec(), W_G),
        ] {
            // Σ dᵢ·2^(w·i) modulo 2²⁵⁶, from the top digit down.
            let mut acc = [0u64; 4];
            for &d in digits.iter().rev() {
                assert!(d & 1 == 1 && u32::from(d.unsigned_abs()) < (1 << w), "digit {d}");
                acc = std::array::from_fn(|i| (acc[i] << w) | if i == 0 { 0 } else { acc[i - 1] >> (64 - w) });
                let small = [u64::from(d.unsigned_abs()), 0, 0, 0];
                acc = if d > 0 {
                    add_limbs(&acc, &small).0
                } else {
                    sub_limbs(&acc, &small).0
                };
            }
            assert!(*digits.last().unwrap() > 0);
            assert_eq!(acc, k, "w {w}");
        }
    }
}

/// The affine x of X/Z² (canonical 64-bit limbs), through Fe64.
fn affine_x(x: &[u64; 4], z: &[u64; 4]) -> [u8; 32] {
    let x = Fe64::from_be_bytes(&be_from_limbs(x)).unwrap();
    let z = Fe64::from_be_bytes(&be_from_limbs(z)).unwrap();
    x.mul(&z.square().invert()).to_be_bytes()
}

/// d·G for d ≥ 1, affine, through the scalar code.
fn key(d: &[u64; 4]) -> Affine<Fe> {
    let g = Affine::<Fe>::generator();
    point::mul_g_add_mul_p(d, &g, &[0, 0, 0, 0]).to_affine().unwrap()
}

#[test]
fn double_scalar_multiplication_matches_the_scalar_code() {
    if skip() {
        return;
    }
    let mut rng = Rng(0xbeef);
    let n_minus_1 = sub_limbs(&N, &[1, 0, 0, 0]).0;
    let g = Affine::<Fe>::generator();
    let fixed = [
        [1, 0, 0, 0],
        [2, 0, 0, 0],
        [3, 0, 0, 0],
        n_minus_1,
        sub_limbs(&N, &[2, 0, 0, 0]).0,
        [0, 0, 0, 1 << 63],
    ];
    for round in 0..16 {
        let cases: Vec<(Affine<Fe>, [u64; 4], [u64; 4])> = (0..LANES)
            .map(|j| {
                // Keys that are small multiples of G (and scalars biased to small values) in
                // rounds below 6, where the chain can meet its own table entries near the top
                // (its partial sums are then small multiples of G too); random ones after.
                let p = match (round + j) % 4 {
                    0 if round < 6 => key(&[5 + j as u64, 0, 0, 0]),
                    1 if round < 6 => g.neg(),
                    _ => key(&rng.uniform_below_n()),
                };
                let (mut s, mut t) = if round < 6 {
                    (rng.below(&N), rng.below(&N))
                } else {
                    (rng.uniform_below_n(), rng.uniform_below_n())
                };
                if round < 2 {
                    s = fixed[(round * LANES + j) % fixed.len()];
                    t = fixed[(round * LANES + j + 3) % fixed.len()];
                }
                if s == [0; 4] {
                    s[0] = 1;
                }
                if t == [0; 4] {
                    t[0] = 1;
                }
                (p, s, t)
            })
            .collect();
        let inputs: [LaneInput; LANES] = std::array::from_fn(|j| lane_input(&cases[j].0, &cases[j].1, &cases[j].2));
        // SAFETY: `skip()` returned false: the CPU has AVX-512F and IFMA.
        let got = unsafe { kernel(&inputs) };
        for (j, (p, s, t)) in cases.iter().enumerate() {
            let want = point::mul_g_add_mul_p(s, p, t).to_affine();
            match got[j] {
                Some((x, z)) => assert_eq!(
                    Some(affine_x(&x, &z)),
                    want.map(|a| a.x.to_be_bytes()),
                    "round {round} lane {j}"
                ),
                // Only a chain that meets its own table entry or infinity may give up.
                None => assert!(round < 6, "round {round} lane {j} gave up"),
            }
        }
    }
}

#[test]
fn infinity_gives_up_the_lane() {
    if skip() {
        return;
    }
    let g = Affine::<Fe>::generator();
    let one = [1u64, 0, 0, 0];
    let n_minus_1 = sub_limbs(&N, &[1, 0, 0, 0]).0;
    // 1·G + (n − 1)·G = ∞ and 1·G + 1·(−G) = ∞ in alternate lanes; others ordinary.
    let cases: [(Affine<Fe>, [u64; 4], [u64; 4]); LANES] = std::array::from_fn(|j| match j % 3 {
        0 => (g, one, n_minus_1),
        1 => (g.neg(), one, one),
        _ => (key(&[9, 0, 0, 0]), [j as u64, 7, 0, 0], [3, 0, j as u64, 0]),
    });
    let inputs: [LaneInput; LANES] = std::array::from_fn(|j| lane_input(&cases[j].0, &cases[j].1, &cases[j].2));
    // SAFETY: `skip()` returned false: the CPU has AVX-512F and IFMA.
    let got = unsafe { kernel(&inputs) };
    for (j, (p, s, t)) in cases.iter().enumerate() {
        let want = point::mul_g_add_mul_p(s, p, t).to_affine();
        match want {
            None => assert!(got[j].is_none(), "lane {j} at infinity must give up"),
            Some(a) => assert_eq!(
                got[j].map(|(x, z)| affine_x(&x, &z)),
                Some(a.x.to_be_bytes()),
                "lane {j}"
            ),
        }
    }
}

#[test]
fn prepared_key_multiplication_matches_the_scalar_code() {
    if skip() {
        return;
    }
    let mut rng = Rng(0x5911);
    let n_minus_1 = sub_limbs(&N, &[1, 0, 0, 0]).0;
    // Parts that are even, odd, 0, 2⁶⁴ − 1 (one added: a 65-bit part), and random.
    let fixed = [
        [1, 0, 0, 0],
        [2, 0, 0, 0],
        n_minus_1,
        [u64::MAX, u64::MAX - 1, 0, 1],
        [0, 0, 0, 1 << 63],
        [u64::MAX - 1, 2, u64::MAX, 4],
    ];
    for round in 0..10 {
        let cases: Vec<(Affine<Fe>, [u64; 4], [u64; 4])> = (0..LANES)
            .map(|j| {
                let p = key(&rng.uniform_below_n());
                let (mut s, mut t) = (rng.uniform_below_n(), rng.uniform_below_n());
                if round < 2 {
                    s = fixed[(round * LANES + j) % fixed.len()];
                    t = fixed[(round * LANES + j + 2) % fixed.len()];
                }
                (p, s, t)
            })
            .collect();
        let tables: Vec<Vec<Vec<Affine<Fe>>>> = cases.iter().map(|(p, _, _)| point::split_tables(p, SPLIT_P)).collect();
        let inputs: [SplitInput<'_>; LANES] =
            std::array::from_fn(|j| split_input(&tables[j], &cases[j].1, &cases[j].2));
        // SAFETY: `skip()` returned false: the CPU has AVX-512F and IFMA.
        let got = unsafe { kernel_split(&inputs) };
        for (j, (p, s, t)) in cases.iter().enumerate() {
            let want = point::mul_g_add_mul_p(s, p, t).to_affine().map(|a| a.x.to_be_bytes());
            let got = got[j].map(|(x, z)| affine_x(&x, &z));
            assert_eq!(got, want, "round {round} lane {j}");
        }
    }
}

#[test]
fn verify_lanes_gives_the_scalar_verdicts() {
    use crate::sm::sm2::{PrivateKey, Sm2Signer, DEFAULT_DISTID};
    if skip() {
        return;
    }
    let mut keys = Vec::new();
    let mut triples = Vec::new();
    for i in 1..=LANES as u8 {
        let signer = Sm2Signer::new(&PrivateKey::from_raw(&[i; 32]).unwrap(), DEFAULT_DISTID).unwrap();
        let key = signer.verifier().key();
        keys.push(FastPublicKey::from_affine(&key.x(), &key.y()).unwrap());
        let mut e = signer.verifier().digest(&[i]);
        let mut sig = signer.sign_digest(&e).unwrap();
        match i {
            2 => e[5] ^= 1,
            3 => sig.s[31] ^= 4,
            5 => sig.r = [0; 32],
            _ => {}
        }
        triples.push((e, sig.r, sig.s));
    }
    for (take, good) in [(1, 1), (2, 1), (LANES, LANES - 3)] {
        let jobs: Vec<Job<'_>> = keys
            .iter()
            .zip(&triples)
            .take(take)
            .map(|(k, (e, r, s))| (k, e, r, s))
            .collect();
        let want: Vec<_> = jobs.iter().map(|(k, e, r, s)| k.verify(e, r, s)).collect();
        assert_eq!(verify_lanes(&jobs), Some(want.clone()), "{take} jobs");
        assert_eq!(want.iter().filter(|v| v.is_ok()).count(), good);
    }
    // Prepared keys: the 64-doubling kernel.
    keys.iter().for_each(FastPublicKey::prepare);
    let jobs: Vec<Job<'_>> = keys.iter().zip(&triples).map(|(k, (e, r, s))| (k, e, r, s)).collect();
    let want: Vec<_> = jobs.iter().map(|(k, e, r, s)| k.verify(e, r, s)).collect();
    assert_eq!(verify_lanes(&jobs), Some(want));
}
