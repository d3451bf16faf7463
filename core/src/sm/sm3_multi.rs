//! Multi-buffer SM3: [`LANES`] messages hashed at once, one per SIMD lane.
//!
//! SM3's compression is a serial chain of 64 rounds within one message, so one message cannot
//! use wide vectors; many messages can. Each round here works on [`LANES`] 32-bit words at
//! once: with AVX2 (found at run time) one 256-bit register holds a word of all eight
//! messages (`core::arch` intrinsics). Elsewhere portable lane code (`[u32; LANES]`, written
//! lane by lane for the compiler to vectorise) is compiled for the baseline target (two SSE2 registers on x86-64, NEON on aarch64),
//! with fewer lanes to a register. Messages go longest first, and a lane whose message ends
//! takes the next one, so messages of different lengths keep the lanes busy.
//!
//! Used where many small inputs are hashed together: the files an OFD signature references.
//! The digests equal the `sm3` crate's ([`super::sm3::sm3`]); tests and the `sm3_multi` fuzz
//! target compare the two.
//!
//! WebAssembly: the same lane code would vectorise with `simd128` (`-C target-feature=+simd128`
//! for the whole build, as wasm has no run-time detection); not enabled yet.
//!
//! `unsafe` is confined to the AVX2 copy (register intrinsics, one store into an array) and
//! its one call, after `is_x86_feature_detected!` has confirmed the CPU has AVX2.

#![deny(unsafe_op_in_unsafe_fn)]

use super::sm3::{Sm3Digest, DIGEST_LEN, IV, T};

/// Messages hashed at once.
pub const LANES: usize = 8;

/// Fewest messages worth the multi-buffer path: below this, one message at a time is faster.
pub const MIN_MESSAGES: usize = 3;

type Lane = [u32; LANES];

#[inline(always)]
fn map(a: Lane, f: impl Fn(u32) -> u32) -> Lane {
    let mut r = [0u32; LANES];
    for i in 0..LANES {
        r[i] = f(a[i]);
    }
    r
}

#[inline(always)]
fn zip(a: Lane, b: Lane, f: impl Fn(u32, u32) -> u32) -> Lane {
    let mut r = [0u32; LANES];
    for i in 0..LANES {
        r[i] = f(a[i], b[i]);
    }
    r
}

#[inline(always)]
fn zip3(a: Lane, b: Lane, c: Lane, f: impl Fn(u32, u32, u32) -> u32) -> Lane {
    let mut r = [0u32; LANES];
    for i in 0..LANES {
        r[i] = f(a[i], b[i], c[i]);
    }
    r
}

#[inline(always)]
fn p0(x: u32) -> u32 {
    x ^ x.rotate_left(9) ^ x.rotate_left(17)
}

#[inline(always)]
fn p1(x: u32) -> u32 {
    x ^ x.rotate_left(15) ^ x.rotate_left(23)
}

/// One compression of every lane: `state[w][lane]`, `blocks[lane]` the lane's 64-byte block.
#[inline(always)]
fn compress_lanes(state: &mut [Lane; 8], blocks: &[&[u8; 64]; LANES]) {
    let mut w = [[0u32; LANES]; 68];
    for (j, word) in w.iter_mut().take(16).enumerate() {
        for lane in 0..LANES {
            let b = &blocks[lane][4 * j..4 * j + 4];
            word[lane] = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        }
    }
    for j in 16..68 {
        let x = zip3(w[j - 16], w[j - 9], w[j - 3], |a, b, c| p1(a ^ b ^ c.rotate_left(15)));
        w[j] = zip3(x, w[j - 13], w[j - 6], |x, b, c| x ^ b.rotate_left(7) ^ c);
    }
    let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = *state;
    // One round; `FF`/`GG` are XOR in rounds 0-15 and majority/choice after (two loops, so
    // neither carries a branch).
    macro_rules! round {
        ($j:expr, $ff:expr, $gg:expr) => {{
            let j = $j;
            let a12 = map(a, |x| x.rotate_left(12));
            let ss1 = zip(a12, e, |x, y| x.wrapping_add(y).wrapping_add(T[j]).rotate_left(7));
            let ss2 = zip(ss1, a12, |x, y| x ^ y);
            let w1 = zip(w[j], w[j + 4], |x, y| x ^ y);
            let tt1 = zip3(zip3(a, b, c, $ff), d, ss2, |x, y, z| x.wrapping_add(y).wrapping_add(z));
            let tt1 = zip(tt1, w1, u32::wrapping_add);
            let tt2 = zip3(zip3(e, f, g, $gg), h, ss1, |x, y, z| x.wrapping_add(y).wrapping_add(z));
            let tt2 = zip(tt2, w[j], u32::wrapping_add);
            d = c;
            c = map(b, |x| x.rotate_left(9));
            b = a;
            a = tt1;
            h = g;
            g = map(f, |x| x.rotate_left(19));
            f = e;
            e = map(tt2, p0);
        }};
    }
    for j in 0..16 {
        round!(j, |x, y, z| x ^ y ^ z, |x, y, z| x ^ y ^ z);
    }
    for j in 16..64 {
        round!(j, |x, y, z| (x & y) | (x & z) | (y & z), |x, y, z| (x & y) | (!x & z));
    }
    for (s, v) in state.iter_mut().zip([a, b, c, d, e, f, g, h]) {
        *s = zip(*s, v, |x, y| x ^ y);
    }
}

/// The compression in AVX2 registers: one `__m256i` holds a word of all eight lanes.
///
/// # Safety
/// The CPU must have AVX2.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
// The intrinsics are safe to call inside an AVX2 function from Rust 1.87; the block below is
// for older compilers (the crate's rust-version is 1.85).
#[allow(unused_unsafe)]
unsafe fn compress_avx2(state: &mut [Lane; 8], blocks: &[&[u8; 64]; LANES]) {
    use std::arch::x86_64::*;
    // SAFETY: register-only AVX2 intrinsics, this function requiring AVX2 of its caller; the
    // one memory access, `_mm256_storeu_si256`, writes 32 bytes into a `[u32; 8]` (32 bytes,
    // unaligned stores allowed).
    unsafe {
        macro_rules! rotl {
            ($x:expr, $n:literal) => {{
                let x = $x;
                _mm256_or_si256(_mm256_slli_epi32::<$n>(x), _mm256_srli_epi32::<{ 32 - $n }>(x))
            }};
        }
        let xor = |a, b| _mm256_xor_si256(a, b);
        let add = |a, b| _mm256_add_epi32(a, b);
        let lane = |v: &Lane| {
            let v = v.map(|x| x as i32);
            _mm256_setr_epi32(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
        };
        let word = |j: usize, l: usize| {
            let b = &blocks[l][4 * j..4 * j + 4];
            i32::from_be_bytes([b[0], b[1], b[2], b[3]])
        };
        let mut w = [_mm256_setzero_si256(); 68];
        for (j, wj) in w.iter_mut().take(16).enumerate() {
            *wj = _mm256_setr_epi32(
                word(j, 0),
                word(j, 1),
                word(j, 2),
                word(j, 3),
                word(j, 4),
                word(j, 5),
                word(j, 6),
                word(j, 7),
            );
        }
        for j in 16..68 {
            let x = xor(xor(w[j - 16], w[j - 9]), rotl!(w[j - 3], 15));
            let p1 = xor(xor(x, rotl!(x, 15)), rotl!(x, 23));
            w[j] = xor(xor(p1, rotl!(w[j - 13], 7)), w[j - 6]);
        }
        let start: [__m256i; 8] = std::array::from_fn(|i| lane(&state[i]));
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut h] = start;
        macro_rules! round {
            ($j:expr, $ff:expr, $gg:expr) => {{
                let j = $j;
                let a12 = rotl!(a, 12);
                let ss1 = rotl!(add(add(a12, e), _mm256_set1_epi32(T[j] as i32)), 7);
                let ss2 = xor(ss1, a12);
                let tt1 = add(add($ff, d), add(ss2, xor(w[j], w[j + 4])));
                let tt2 = add(add($gg, h), add(ss1, w[j]));
                d = c;
                c = rotl!(b, 9);
                b = a;
                a = tt1;
                h = g;
                g = rotl!(f, 19);
                f = e;
                e = xor(xor(tt2, rotl!(tt2, 9)), rotl!(tt2, 17));
            }};
        }
        for j in 0..16 {
            round!(j, xor(xor(a, b), c), xor(xor(e, f), g));
        }
        for j in 16..64 {
            let ff = _mm256_or_si256(_mm256_and_si256(a, b), _mm256_and_si256(c, _mm256_or_si256(a, b)));
            let gg = _mm256_or_si256(_mm256_and_si256(e, f), _mm256_andnot_si256(e, g));
            round!(j, ff, gg);
        }
        for (i, v) in [a, b, c, d, e, f, g, h].into_iter().enumerate() {
            let mut out = [0u32; LANES];
            _mm256_storeu_si256(out.as_mut_ptr().cast(), xor(v, start[i]));
            state[i] = out;
        }
    }
}

fn compress_portable(state: &mut [Lane; 8], blocks: &[&[u8; 64]; LANES]) {
    compress_lanes(state, blocks);
}

/// The compression for this CPU, chosen once per call of [`sm3_many`].
fn compressor() -> fn(&mut [Lane; 8], &[&[u8; 64]; LANES]) {
    #[cfg(target_arch = "x86_64")]
    if std::is_x86_feature_detected!("avx2") {
        return |state, blocks| {
            // SAFETY: `compress_avx2` requires AVX2, which `is_x86_feature_detected!` has just
            // confirmed this CPU has.
            unsafe { compress_avx2(state, blocks) }
        };
    }
    compress_portable
}

/// One message in a lane: where it is, and its last one or two padded blocks.
struct Job<'a> {
    index: usize,
    data: &'a [u8],
    /// Blocks taken whole from `data`.
    full: usize,
    /// The padded tail: the rest of `data`, 0x80, zeros, the bit length (1 or 2 blocks).
    tail: [u8; 128],
    /// Blocks in all (full + 1 or 2).
    blocks: usize,
    next: usize,
}

impl<'a> Job<'a> {
    fn new(index: usize, data: &'a [u8]) -> Job<'a> {
        let full = data.len() / 64;
        let rest = &data[full * 64..];
        let mut tail = [0u8; 128];
        tail[..rest.len()].copy_from_slice(rest);
        tail[rest.len()] = 0x80;
        let tail_blocks = if rest.len() < 56 { 1 } else { 2 };
        let bits = (data.len() as u64).wrapping_mul(8);
        tail[tail_blocks * 64 - 8..tail_blocks * 64].copy_from_slice(&bits.to_be_bytes());
        Job {
            index,
            data,
            full,
            tail,
            blocks: full + tail_blocks,
            next: 0,
        }
    }

    fn block(&self, k: usize) -> &[u8; 64] {
        let bytes = if k < self.full {
            &self.data[64 * k..64 * k + 64]
        } else {
            let t = k - self.full;
            &self.tail[64 * t..64 * t + 64]
        };
        bytes.try_into().unwrap_or(&[0u8; 64])
    }
}

const IDLE: [u8; 64] = [0u8; 64];

/// The SM3 digest of every input, in order: equal to hashing each with
/// [`super::sm3::sm3`], faster when there are several (at least [`MIN_MESSAGES`]).
pub fn sm3_many(inputs: &[&[u8]]) -> Vec<Sm3Digest> {
    if inputs.len() < MIN_MESSAGES {
        return inputs.iter().map(|input| super::sm3::sm3(input)).collect();
    }
    // The longest messages bound the number of steps: those that would leave most lanes idle
    // are hashed alone, the rest together (see `split`).
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(inputs[i].len()));
    let alone = split(&order.iter().map(|&i| blocks_of(inputs[i].len())).collect::<Vec<_>>());
    let mut out = vec![[0u8; DIGEST_LEN]; inputs.len()];
    for &i in &order[..alone] {
        out[i] = super::sm3::sm3(inputs[i]);
    }
    let rest: Vec<&[u8]> = order[alone..].iter().map(|&i| inputs[i]).collect();
    for (&i, digest) in order[alone..].iter().zip(hash_all(&rest, compressor())) {
        out[i] = digest;
    }
    out
}

/// One multi-buffer step costs about this many single-message blocks: measured on x86-64 with
/// AVX2, 8 × 4 KiB messages take 1/3.4 of the time one by one (a step ≈ 2.4 blocks,
/// docs/PERFORMANCE.md); 3 leaves a margin, and covers the slower portable lanes.
const STEP_COST: usize = 3;

/// Compression blocks of an SM3 message of `len` bytes.
fn blocks_of(len: usize) -> usize {
    len / 64 + if len % 64 < 56 { 1 } else { 2 }
}

/// How many of the messages (block counts, longest first) to hash alone so that the estimated
/// cost, blocks alone + [`STEP_COST`] × steps of the rest, is least; the steps of a set are at
/// least its longest message and its blocks over [`LANES`].
fn split(blocks: &[usize]) -> usize {
    let total: usize = blocks.iter().sum();
    let mut best = (total, blocks.len());
    let mut alone = 0;
    for (k, &longest) in blocks.iter().enumerate() {
        let rest = total - alone;
        let steps = longest.max(rest.div_ceil(LANES));
        let cost = alone + STEP_COST * steps;
        if cost < best.0 {
            best = (cost, k);
        }
        alone += longest;
    }
    best.1
}

/// Every input through the lanes of `compress`.
fn hash_all<'a>(inputs: &[&'a [u8]], compress: fn(&mut [Lane; 8], &[&[u8; 64]; LANES])) -> Vec<Sm3Digest> {
    let mut out = vec![[0u8; DIGEST_LEN]; inputs.len()];
    let mut pending = inputs.iter().enumerate();
    let mut jobs: [Option<Job<'a>>; LANES] = Default::default();
    let mut state = [[0u32; LANES]; 8];
    let mut start = |lane: usize, jobs: &mut [Option<Job<'a>>; LANES], state: &mut [Lane; 8]| {
        jobs[lane] = pending.next().map(|(i, d)| Job::new(i, d));
        for (w, iv) in state.iter_mut().zip(IV) {
            w[lane] = iv;
        }
    };
    for lane in 0..LANES {
        start(lane, &mut jobs, &mut state);
    }
    while jobs.iter().any(Option::is_some) {
        let mut blocks = [&IDLE; LANES];
        for (slot, job) in blocks.iter_mut().zip(&jobs) {
            if let Some(job) = job {
                *slot = job.block(job.next);
            }
        }
        compress(&mut state, &blocks);
        for lane in 0..LANES {
            let Some(job) = &mut jobs[lane] else { continue };
            job.next += 1;
            if job.next == job.blocks {
                let digest = &mut out[job.index];
                for (w, chunk) in state.iter().zip(digest.chunks_exact_mut(4)) {
                    chunk.copy_from_slice(&w[lane].to_be_bytes());
                }
                start(lane, &mut jobs, &mut state);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sm::sm3::sm3;

    /// Deterministic bytes (xorshift).
    fn bytes(seed: u64, len: usize) -> Vec<u8> {
        let mut x = seed | 1;
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect()
    }

    fn check(inputs: &[Vec<u8>]) {
        let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
        let expected: Vec<Sm3Digest> = inputs.iter().map(|input| sm3(input)).collect();
        assert_eq!(sm3_many(&refs), expected, "this CPU's path");
        // Both copies, whatever the count: the AVX2 one (when the CPU has it) and the portable.
        assert_eq!(hash_all(&refs, compressor()), expected, "detected compressor");
        assert_eq!(hash_all(&refs, compress_portable), expected, "portable compressor");
    }

    #[test]
    fn standard_examples() {
        let inputs = [b"abc".to_vec(), b"abcd".repeat(16), Vec::new(), b"abc".to_vec()];
        check(&inputs);
        let refs: Vec<&[u8]> = inputs.iter().map(Vec::as_slice).collect();
        assert_eq!(
            hex::encode(sm3_many(&refs)[1]),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    #[test]
    fn every_length_around_block_boundaries() {
        // 0…300 bytes covers one- and two-block tails, 55/56/63/64 and their multiples.
        let inputs: Vec<Vec<u8>> = (0..300).map(|n| bytes(n as u64 + 1, n)).collect();
        check(&inputs);
    }

    #[test]
    fn random_lengths_and_counts() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for round in 0..40 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let count = (x >> 59) as usize + 1; // 1..=32 messages
            let inputs: Vec<Vec<u8>> = (0..count)
                .map(|i| {
                    let len = ((x >> (i % 48)) % 1500) as usize;
                    bytes(round * 100 + i as u64, len)
                })
                .collect();
            check(&inputs);
        }
    }

    #[test]
    fn long_messages_go_alone_when_they_would_idle_the_lanes() {
        // Eight equal messages: all together. One long beside short ones: the long alone.
        assert_eq!(split(&[64; 8]), 0);
        assert_eq!(split(&[222, 93, 38, 32, 20, 11, 8, 8, 7, 5, 5, 4, 4, 4]), 2);
        assert_eq!(split(&[5]), 1);
        let inputs = [vec![1u8; 20_000], vec![2u8; 100], vec![3u8; 200], vec![4u8; 300]];
        check(&inputs);
    }

    #[test]
    fn empty_list() {
        assert!(sm3_many(&[]).is_empty());
    }
}
