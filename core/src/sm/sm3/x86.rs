//! SM3's compression for x86-64 CPUs with AVX2, BMI1 and BMI2, found at run time.
//!
//! The 64 rounds of one block are a serial chain, so the gain is in what surrounds that chain:
//!
//! - the message expansion runs in SSE registers (VEX-encoded), four words at a time, on the
//!   vector units, while the integer units run the rounds. W\[j\] needs W\[j−3\], so the fourth
//!   word of each group is first computed without the W\[j\] it depends on and then corrected:
//!   P1 is linear over XOR, so the missing term is P1(W\[j\] ⋘ 15) = (W\[j\] ⋘ 15) ⊕
//!   (W\[j\] ⋘ 30) ⊕ (W\[j\] ⋘ 6), added in the top lane;
//! - W\[j\] and W′\[j\] = W\[j\] ⊕ W\[j+4\] are stored to a small array a few rounds ahead of
//!   their use (the expansion of group g+4 sits beside the rounds of group g in the code, so the
//!   out-of-order core overlaps them; expanding the whole block first made the rounds wait);
//! - BMI2's `rorx` rotates into another register without touching flags (no copy before each
//!   rotation of a value still needed) and BMI1's `andn` gives GG's ¬E ∧ G in one instruction;
//!   GG₂ = (E ∧ F) + (¬E ∧ G) (the two terms share no bit, so + equals ∨ and folds into TT2's
//!   sum);
//! - the rounds read W and W′ from that array with memory operands (see `expand`);
//! - T_j ⋘ j is read from a table the compiler cannot see through (`black_box`), so that
//!   (A ⋘ 12) + T_j is formed before E arrives and SS1 waits for one addition after E, not two.
//!
//! The state words stay in registers across rounds (the round macro renames them instead of
//! moving them). Padding and buffering are `super::Blocks`'. The `sm3` crate stays the portable
//! path, and the reference that the tests and the `sm3_single` fuzz target compare this one
//! with.
//!
//! `unsafe` here: the unaligned loads of a block and the aligned stores into the word array
//! (raw-pointer intrinsics), and the one call of the `target_feature` function, through an
//! [`Avx2Bmi2`], which is made only after [`available`] saw the features.

#![deny(unsafe_op_in_unsafe_fn)]

use crate::sm::CpuCheck;
use core::arch::x86_64::*;

use super::{p0, xor3, T};

static AVX2_BMI: CpuCheck = CpuCheck::new();

/// Whether this CPU has AVX2, BMI1 and BMI2 (detected once, then cached).
#[inline(always)]
pub(super) fn available() -> bool {
    AVX2_BMI.get(|| {
        std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("bmi1")
            && std::is_x86_feature_detected!("bmi2")
    })
}

/// FF for rounds 16..64: the majority of the three words.
#[inline(always)]
fn majority(a: u32, b: u32, c: u32) -> u32 {
    (a & b) | (c & (a | b))
}

/// GG for rounds 16..64: F where E has a one, G where it has a zero.
#[inline(always)]
fn choose(e: u32, f: u32, g: u32) -> u32 {
    (e & f).wrapping_add(!e & g)
}

/// `x ⋘ l` in each 32-bit lane (`r` = 32 − `l`).
macro_rules! rotl_lanes {
    ($x:expr, $l:literal, $r:literal) => {
        _mm_or_si128(_mm_slli_epi32::<$l>($x), _mm_srli_epi32::<$r>($x))
    };
}

/// W\[4m..4m+4\] from the four groups before it, W\[4m−16..4m\].
macro_rules! expand_group {
    ($v16:expr, $v12:expr, $v8:expr, $v4:expr) => {{
        let (v16, v12, v8, v4) = ($v16, $v12, $v8, $v4);
        let w13 = _mm_alignr_epi8::<12>(v12, v16); // W[j-13..j-9]
        let w9 = _mm_alignr_epi8::<12>(v8, v12); // W[j-9..j-5]
        let w6 = _mm_alignr_epi8::<8>(v4, v8); // W[j-6..j-2]
        let w3 = _mm_srli_si128::<4>(v4); // W[j-3..j], the last lane 0 for now
        let x = _mm_xor_si128(_mm_xor_si128(v16, w9), rotl_lanes!(w3, 15, 17));
        let p1 = _mm_xor_si128(_mm_xor_si128(x, rotl_lanes!(x, 15, 17)), rotl_lanes!(x, 23, 9));
        let y = _mm_xor_si128(_mm_xor_si128(p1, rotl_lanes!(w13, 7, 25)), w6);
        // The last lane lacks P1(W[j] <<< 15); W[j] is lane 0 of y, moved up to lane 3.
        let z = _mm_slli_si128::<12>(y);
        let missing = _mm_xor_si128(
            _mm_xor_si128(rotl_lanes!(z, 15, 17), rotl_lanes!(z, 30, 2)),
            rotl_lanes!(z, 6, 26),
        );
        _mm_xor_si128(y, missing)
    }};
}

/// The message words of one block: W\[0..68\] and W′\[0..64\], 16-byte aligned for the stores.
#[repr(C, align(16))]
struct Words {
    w: [u32; 68],
    w1: [u32; 64],
}

#[target_feature(enable = "avx2,bmi1,bmi2")]
fn compress_avx2_bmi2(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    // Each 32-bit lane's bytes reversed: the block's words are big-endian.
    let byte_swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    let t: &[u32; 64] = core::hint::black_box(&T);
    let mut words = Words {
        w: [0; 68],
        w1: [0; 64],
    };
    for block in blocks {
        let mut v = [_mm_setzero_si128(); 17];
        for (i, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
            // SAFETY: `chunk` is 16 readable bytes; the load has no alignment requirement.
            let raw = unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) };
            v[i] = _mm_shuffle_epi8(raw, byte_swap);
        }
        // Stores W[4m..4m+4].
        macro_rules! store_w {
            ($m:expr) => {
                // SAFETY: `words` is 16-byte aligned and 4m + 4 <= 68, so the 16-byte store is
                // aligned and inside the array.
                unsafe { _mm_store_si128(words.w.as_mut_ptr().add(4 * $m).cast(), v[$m]) };
            };
        }
        // Stores W'[4m..4m+4] = W[4m..4m+4] ^ W[4m+4..4m+8].
        macro_rules! store_w1 {
            ($m:expr) => {
                let w1 = _mm_xor_si128(v[$m], v[$m + 1]);
                // SAFETY: `words` is 16-byte aligned and 4m + 4 <= 64, so the 16-byte store is
                // aligned and inside the array.
                unsafe { _mm_store_si128(words.w1.as_mut_ptr().add(4 * $m).cast(), w1) };
            };
        }
        // Group m of W, and group m - 1 of W', written four groups of rounds before their use.
        macro_rules! expand {
            ($m:expr) => {
                v[$m] = expand_group!(v[$m - 4], v[$m - 3], v[$m - 2], v[$m - 1]);
                store_w!($m);
                store_w1!($m - 1);
                // The rounds read the words back from memory (an addition with a memory
                // operand each). Without this the compiler sees through the stores and takes
                // each word out of its vector register instead (`vpextrd`, two micro-ops):
                // 382 against 339 MB/s in a standalone test (16 KiB messages).
                core::hint::black_box(&mut words);
            };
        }
        store_w!(0);
        store_w!(1);
        store_w!(2);
        store_w!(3);
        store_w1!(0);
        store_w1!(1);
        store_w1!(2);
        // The rounds read T, W and W' from memory (T through `black_box`: an addition with a
        // memory operand each).
        macro_rules! t_of {
            ($j:expr) => {
                t[$j]
            };
        }
        macro_rules! w_of {
            ($j:expr) => {
                words.w[$j]
            };
        }
        macro_rules! w1_of {
            ($j:expr) => {
                words.w1[$j]
            };
        }
        macro_rules! rounds {
            ($ff:ident, $gg:ident, $j:expr) => {
                four_rounds!($ff, $gg, t_of, w_of, w1_of, $j, a, b, c, d, e, f, g, h);
            };
        }
        block_rounds!(expand, rounds, a, b, c, d, e, f, g, h);
    }
    *state = [a, b, c, d, e, f, g, h];
}

/// The AVX2/BMI2 compression as a [`Compression`](super::Compression): a value exists only
/// where [`available`] held (its field is private), so calling the compression through it is
/// sound.
#[derive(Clone, Copy)]
pub(super) struct Avx2Bmi2(());

impl Avx2Bmi2 {
    /// The compression, or `None` on a CPU without AVX2, BMI1 and BMI2.
    pub(super) fn new() -> Option<Avx2Bmi2> {
        available().then_some(Avx2Bmi2(()))
    }
}

impl super::Compression for Avx2Bmi2 {
    fn compress(self, state: &mut [u32; 8], blocks: &[[u8; 64]]) {
        // SAFETY: an `Avx2Bmi2` is made only where `available` saw AVX2, BMI1 and BMI2 on this
        // CPU, all that `compress_avx2_bmi2` is compiled for.
        unsafe { compress_avx2_bmi2(state, blocks) };
    }
}
