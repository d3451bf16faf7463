//! SM3's compression for wasm32, with the message expansion in `simd128` vectors.
//!
//! The design of the x86-64 path (`x86`), carried over to WebAssembly as V8 compiles it:
//!
//! - the message expansion runs in 128-bit vectors, four words of W at a time; the fourth word
//!   of a group is first computed without the W\[j\] it needs and then corrected (P1 is linear
//!   over XOR, so the missing term is (W\[j\] ⋘ 15) ⊕ (W\[j\] ⋘ 30) ⊕ (W\[j\] ⋘ 6), added in
//!   the top lane); W′ = W\[j\] ⊕ W\[j+4\] is one vector XOR per group;
//! - the rounds stay scalar, the eight state words in locals renamed from round to round, and
//!   take W\[j\] and W′\[j\] out of the vectors (`i32x4.extract_lane`, one `vpextrd` or `vmovd`
//!   each in V8's x64 code). Unlike the x86-64 path, the words do not go through memory: a
//!   word array in linear memory made LLVM load a group's words together, ahead of their
//!   rounds, and V8 then spilled about eight values a round to its stack (2,908 x64
//!   instructions per block in node 20 against 2,451 now; the `sm3` crate's: 3,174);
//! - T_j ⋘ j is a constant (V8 11.3 folds A ⋘ 12, E and the constant into one `lea`; a table
//!   read, as on x86-64, cost more than it saved);
//! - the expansion of group g + 4 is written beside the rounds of group g (V8 schedules the
//!   vector operations freely, so the distance changes nothing in its code: 1, 2 and 4 groups
//!   gave the same instructions).
//!
//! docs/PERFORMANCE.md ("WASM: SM3 with a simd128 message expansion") has the figures and what
//! did not pay.
//!
//! WebAssembly has no run-time feature detection: a module with SIMD instructions fails to
//! compile on an engine without `simd128`. The attribute below enables it for this function only
//! (nothing else in the build is vectorised), but the whole module then needs an engine with
//! `simd128`: every current one has it (Chrome and Edge 91, Firefox 89, Safari 16.4, node 16.4
//! and later); bindings/wasm/README.md says so.
//!
//! `unsafe` here: the four 16-byte loads of each block (a raw-pointer intrinsic).

#![deny(unsafe_op_in_unsafe_fn)]

use core::arch::wasm32::*;

use super::{p0, xor3, T};

/// FF for rounds 16..64: the majority of the three words. B and C are older than A (B is the
/// previous round's A), so B ∨ C and B ∧ C are ready before A and two operations wait for it
/// (llvm-mca on V8's code: 454 against 473 cycles a block with (A ∧ B) ∨ (C ∧ (A ∨ B))).
#[inline(always)]
fn majority(a: u32, b: u32, c: u32) -> u32 {
    (a & (b | c)) | (b & c)
}

/// GG for rounds 16..64: F where E has a one, G where it has a zero (wasm has no and-not).
#[inline(always)]
fn choose(e: u32, f: u32, g: u32) -> u32 {
    ((f ^ g) & e) ^ g
}

/// `x ⋘ l` in each 32-bit lane (`r` = 32 − `l`). A macro, not a function: the intrinsics are
/// inlined only into code compiled with `simd128`.
macro_rules! rotl_lanes {
    ($x:expr, $l:literal, $r:literal) => {
        v128_or(u32x4_shl($x, $l), u32x4_shr($x, $r))
    };
}

/// W\[4m..4m+4\] from the four groups before it, W\[4m−16..4m\].
macro_rules! expand_group {
    ($v16:expr, $v12:expr, $v8:expr, $v4:expr) => {{
        let (v16, v12, v8, v4) = ($v16, $v12, $v8, $v4);
        let zero = u32x4_splat(0);
        let w13 = i32x4_shuffle::<3, 4, 5, 6>(v16, v12); // W[j-13..j-9]
        let w9 = i32x4_shuffle::<3, 4, 5, 6>(v12, v8); // W[j-9..j-5]
        let w6 = i32x4_shuffle::<2, 3, 4, 5>(v8, v4); // W[j-6..j-2]
        let w3 = i32x4_shuffle::<1, 2, 3, 4>(v4, zero); // W[j-3..j], the last lane 0 for now
        let x = v128_xor(v128_xor(v16, w9), rotl_lanes!(w3, 15, 17));
        let p1 = v128_xor(v128_xor(x, rotl_lanes!(x, 15, 17)), rotl_lanes!(x, 23, 9));
        let y = v128_xor(v128_xor(p1, rotl_lanes!(w13, 7, 25)), w6);
        // The last lane lacks P1(W[j] <<< 15); W[j] is lane 0 of y, moved up to lane 3.
        let z = i32x4_shuffle::<4, 5, 6, 0>(y, zero);
        let missing = v128_xor(
            v128_xor(rotl_lanes!(z, 15, 17), rotl_lanes!(z, 30, 2)),
            rotl_lanes!(z, 6, 26),
        );
        v128_xor(y, missing)
    }};
}

/// Word `j` of the block's schedule, taken from `v`, the groups of four words.
macro_rules! lane {
    ($v:ident, $j:expr) => {
        match $j % 4 {
            0 => u32x4_extract_lane::<0>($v[$j / 4]),
            1 => u32x4_extract_lane::<1>($v[$j / 4]),
            2 => u32x4_extract_lane::<2>($v[$j / 4]),
            _ => u32x4_extract_lane::<3>($v[$j / 4]),
        }
    };
}

/// The compression of `blocks` into `state`. Safe to call: a wasm engine without `simd128`
/// refuses the whole module before anything runs.
#[target_feature(enable = "simd128")]
fn compress_simd(state: &mut [u32; 8], blocks: &[[u8; 64]]) {
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    for block in blocks {
        // W[4m..4m+4] in v[m], W'[4m..4m+4] in w1[m].
        let mut v = [u32x4_splat(0); 17];
        let mut w1 = [u32x4_splat(0); 16];
        for (i, chunk) in block.as_chunks::<16>().0.iter().enumerate() {
            // SAFETY: `chunk` is 16 readable bytes; `v128.load` has no alignment requirement.
            let raw = unsafe { v128_load(chunk.as_ptr().cast()) };
            // Each 32-bit lane's bytes reversed: the block's words are big-endian.
            v[i] = i8x16_shuffle::<3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12>(raw, raw);
        }
        w1[0] = v128_xor(v[0], v[1]);
        w1[1] = v128_xor(v[1], v[2]);
        w1[2] = v128_xor(v[2], v[3]);
        // Group m of W, and group m - 1 of W'.
        macro_rules! expand {
            ($m:expr) => {
                v[$m] = expand_group!(v[$m - 4], v[$m - 3], v[$m - 2], v[$m - 1]);
                w1[$m - 1] = v128_xor(v[$m - 1], v[$m]);
            };
        }
        // T as constants, W and W' out of the vectors' lanes.
        macro_rules! t_of {
            ($j:expr) => {
                T[$j]
            };
        }
        macro_rules! w_of {
            ($j:expr) => {
                lane!(v, $j)
            };
        }
        macro_rules! w1_of {
            ($j:expr) => {
                lane!(w1, $j)
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

/// The simd128 compression as a [`Compression`](super::Compression).
#[derive(Clone, Copy)]
pub(super) struct Simd128;

impl super::Compression for Simd128 {
    fn compress(self, state: &mut [u32; 8], blocks: &[[u8; 64]]) {
        compress_simd(state, blocks);
    }
}
