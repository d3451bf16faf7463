//! SM3 (GB/T 32905-2016): one-shot and streaming.
//!
//! Three implementations behind one API: on x86-64 CPUs with AVX2, BMI1 and BMI2 (found at run
//! time) our own compression (module `x86`, about 23 % faster than the crate on AMD Zen 3, see
//! docs/PERFORMANCE.md); on wasm32 our own compression with the message expansion in `simd128`
//! vectors (module `wasm`, about 1.2–1.4× the crate in V8); everywhere else the RustCrypto `sm3`
//! crate, which is also the reference the tests and the `sm3_single` fuzz target compare the
//! x86-64 path with (the wasm32 path is compared with node's OpenSSL SM3 by the WASM binding's
//! node tests).

use std::io::{self, Read};

use sm3::{Digest, Sm3};

/// P0 of GB/T 32905 §4.4.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
#[inline(always)]
fn p0(x: u32) -> u32 {
    x ^ x.rotate_left(9) ^ x.rotate_left(17)
}

/// FF and GG for rounds 0..16.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
#[inline(always)]
fn xor3(x: u32, y: u32, z: u32) -> u32 {
    x ^ y ^ z
}

/// One round of our own compressions (`x86`, `wasm`): `$t!(j)`, `$w!(j)` and `$w1!(j)` are the
/// caller's macros giving T_j ⋘ j, W_j and W′_j. The new A goes into D's variable and the new E
/// into H's, and `four_rounds!` rotates the names for the next round.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
macro_rules! round {
    ($ff:ident, $gg:ident, $t:ident, $w:ident, $w1:ident, $j:expr,
     $a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident) => {{
        let a12 = $a.rotate_left(12);
        let ss1 = a12.wrapping_add($t!($j)).wrapping_add($e).rotate_left(7);
        let ss2 = ss1 ^ a12;
        let tt1 = $ff($a, $b, $c)
            .wrapping_add($d)
            .wrapping_add($w1!($j))
            .wrapping_add(ss2);
        let tt2 = $gg($e, $f, $g).wrapping_add($h).wrapping_add($w!($j)).wrapping_add(ss1);
        $b = $b.rotate_left(9);
        $f = $f.rotate_left(19);
        $d = tt1;
        $h = p0(tt2);
    }};
}

/// Four rounds, after which the names are back in place.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
macro_rules! four_rounds {
    ($ff:ident, $gg:ident, $t:ident, $w:ident, $w1:ident, $j:expr,
     $a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident) => {
        round!($ff, $gg, $t, $w, $w1, $j, $a, $b, $c, $d, $e, $f, $g, $h);
        round!($ff, $gg, $t, $w, $w1, $j + 1, $d, $a, $b, $c, $h, $e, $f, $g);
        round!($ff, $gg, $t, $w, $w1, $j + 2, $c, $d, $a, $b, $g, $h, $e, $f);
        round!($ff, $gg, $t, $w, $w1, $j + 3, $b, $c, $d, $a, $f, $g, $h, $e);
    };
}

/// One block's 64 rounds in the order both of our own compressions (`x86`, `wasm`) run them:
/// the expansion of W's group m + 4 (and W′'s group m + 3) beside the rounds of group m, FF and
/// GG as XOR in rounds 0–15 and as majority and choice after, then the chaining value (the
/// eight state words as they came in) XOR-ed into them. `$expand!(m)` and `$rounds!(ff, gg, j)` are the caller's.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
macro_rules! block_rounds {
    ($expand:ident, $rounds:ident, $a:ident, $b:ident, $c:ident, $d:ident, $e:ident, $f:ident, $g:ident, $h:ident) => {
        let saved = [$a, $b, $c, $d, $e, $f, $g, $h];
        $expand!(4);
        $rounds!(xor3, xor3, 0);
        $expand!(5);
        $rounds!(xor3, xor3, 4);
        $expand!(6);
        $rounds!(xor3, xor3, 8);
        $expand!(7);
        $rounds!(xor3, xor3, 12);
        $expand!(8);
        $rounds!(majority, choose, 16);
        $expand!(9);
        $rounds!(majority, choose, 20);
        $expand!(10);
        $rounds!(majority, choose, 24);
        $expand!(11);
        $rounds!(majority, choose, 28);
        $expand!(12);
        $rounds!(majority, choose, 32);
        $expand!(13);
        $rounds!(majority, choose, 36);
        $expand!(14);
        $rounds!(majority, choose, 40);
        $expand!(15);
        $rounds!(majority, choose, 44);
        $expand!(16);
        $rounds!(majority, choose, 48);
        $rounds!(majority, choose, 52);
        $rounds!(majority, choose, 56);
        $rounds!(majority, choose, 60);
        $a ^= saved[0];
        $b ^= saved[1];
        $c ^= saved[2];
        $d ^= saved[3];
        $e ^= saved[4];
        $f ^= saved[5];
        $g ^= saved[6];
        $h ^= saved[7];
    };
}

// `unsafe`: SIMD loads and stores and the call of the AVX2/BMI2-compiled compression after
// run-time detection.
#[cfg(target_arch = "x86_64")]
#[allow(unsafe_code)]
mod x86;

// `unsafe` only for the 16-byte SIMD loads of each block.
#[cfg(target_arch = "wasm32")]
#[allow(unsafe_code)]
mod wasm;

/// Length of an SM3 digest in bytes.
pub const DIGEST_LEN: usize = 32;

/// Size of the buffer [`sm3_reader`] reads through; the input is never held whole.
pub const STREAM_CHUNK: usize = 64 * 1024;

/// An SM3 digest.
pub type Sm3Digest = [u8; DIGEST_LEN];

/// The initial chaining value (GB/T 32905 §4.1), for our own compressions (`x86`, `wasm` and
/// `sm3_multi`).
pub(crate) const IV: [u32; 8] = [
    0x7380_166f,
    0x4914_b2b9,
    0x1724_42d7,
    0xda8a_0600,
    0xa96f_30bc,
    0x1631_38aa,
    0xe38d_ee4d,
    0xb0fb_0e4e,
];

/// The round constants rotated by the round number, `T_j <<< (j mod 32)`.
const fn round_constants() -> [u32; 64] {
    let mut t = [0u32; 64];
    let mut j = 0;
    while j < 64 {
        let base: u32 = if j < 16 { 0x79cc_4519 } else { 0x7a87_9d8a };
        t[j] = base.rotate_left((j % 32) as u32);
        j += 1;
    }
    t
}

/// `T_j <<< (j mod 32)` for j in 0..64.
pub(crate) const T: [u32; 64] = round_constants();

/// SM3 of `data`.
pub fn sm3(data: &[u8]) -> Sm3Digest {
    let mut hasher = Sm3Hasher::new();
    hasher.update(data);
    hasher.finalize()
}

/// SM3 of `data` by the `sm3` crate alone, whatever the CPU: the reference the faster path is
/// tested against (also by the fuzz targets).
#[doc(hidden)]
pub fn sm3_reference(data: &[u8]) -> Sm3Digest {
    Sm3::digest(data).into()
}

/// Incremental SM3: feed pieces with [`Sm3Hasher::update`], then [`Sm3Hasher::finalize`].
#[derive(Clone)]
pub struct Sm3Hasher(Inner);

#[derive(Clone)]
enum Inner {
    #[cfg(not(target_arch = "wasm32"))]
    Crate(Sm3),
    #[cfg(target_arch = "x86_64")]
    X86(Blocks<x86::Avx2Bmi2>),
    #[cfg(target_arch = "wasm32")]
    Wasm(Blocks<wasm::Simd128>),
}

impl Default for Sm3Hasher {
    fn default() -> Sm3Hasher {
        Sm3Hasher::new()
    }
}

impl Sm3Hasher {
    /// A fresh hasher.
    pub fn new() -> Sm3Hasher {
        #[cfg(target_arch = "x86_64")]
        if let Some(fast) = x86::Avx2Bmi2::new() {
            return Sm3Hasher(Inner::X86(Blocks::new(fast)));
        }
        #[cfg(target_arch = "wasm32")]
        return Sm3Hasher(Inner::Wasm(Blocks::new(wasm::Simd128)));
        #[cfg(not(target_arch = "wasm32"))]
        Sm3Hasher(Inner::Crate(Sm3::new()))
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        match &mut self.0 {
            #[cfg(not(target_arch = "wasm32"))]
            Inner::Crate(h) => h.update(data),
            #[cfg(target_arch = "x86_64")]
            Inner::X86(h) => h.update(data),
            #[cfg(target_arch = "wasm32")]
            Inner::Wasm(h) => h.update(data),
        }
    }

    /// The digest of everything absorbed.
    pub fn finalize(self) -> Sm3Digest {
        match self.0 {
            #[cfg(not(target_arch = "wasm32"))]
            Inner::Crate(h) => h.finalize().into(),
            #[cfg(target_arch = "x86_64")]
            Inner::X86(h) => h.finalize(),
            #[cfg(target_arch = "wasm32")]
            Inner::Wasm(h) => h.finalize(),
        }
    }
}

impl io::Write for Sm3Hasher {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// SM3 of everything `reader` yields, read in [`STREAM_CHUNK`] pieces.
pub fn sm3_reader<R: Read>(reader: R) -> io::Result<Sm3Digest> {
    sm3_reader_with_progress(reader, |_| {})
}

/// As [`sm3_reader`], calling `progress` with the running byte count after every chunk.
pub fn sm3_reader_with_progress<R: Read>(mut reader: R, mut progress: impl FnMut(u64)) -> io::Result<Sm3Digest> {
    let mut hasher = Sm3Hasher::new();
    let mut buf = vec![0u8; STREAM_CHUNK];
    let mut total = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        total += n as u64;
        progress(total);
    }
    Ok(hasher.finalize())
}

/// One of our own compressions of whole 64-byte blocks into the chaining value (`x86`, `wasm`).
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
trait Compression: Copy {
    /// Compresses `blocks` into `state`, in order.
    fn compress(self, state: &mut [u32; 8], blocks: &[[u8; 64]]);
}

/// Streaming SM3 over a [`Compression`]: the chaining value, a partial block and the count of
/// bytes absorbed; the padding of GB/T 32905 §5.2 at the end.
#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
#[derive(Clone)]
struct Blocks<C> {
    compression: C,
    state: [u32; 8],
    pending: [u8; 64],
    pending_len: usize,
    total: u64,
}

#[cfg(any(target_arch = "x86_64", target_arch = "wasm32"))]
impl<C: Compression> Blocks<C> {
    fn new(compression: C) -> Blocks<C> {
        Blocks {
            compression,
            state: IV,
            pending: [0; 64],
            pending_len: 0,
            total: 0,
        }
    }

    fn update(&mut self, mut data: &[u8]) {
        self.total = self.total.wrapping_add(data.len() as u64);
        if self.pending_len > 0 {
            let take = (64 - self.pending_len).min(data.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&data[..take]);
            self.pending_len += take;
            data = &data[take..];
            if self.pending_len < 64 {
                return;
            }
            let block = self.pending;
            self.compression.compress(&mut self.state, &[block]);
            self.pending_len = 0;
        }
        let (blocks, rest) = data.as_chunks::<64>();
        if !blocks.is_empty() {
            self.compression.compress(&mut self.state, blocks);
        }
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    fn finalize(mut self) -> Sm3Digest {
        // Padding: 0x80, zeros, then the length in bits as a big-endian u64, ending a block.
        let bits = self.total.wrapping_mul(8);
        let mut tail = [0u8; 128];
        tail[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
        tail[self.pending_len] = 0x80;
        let end = if self.pending_len < 56 { 64 } else { 128 };
        tail[end - 8..end].copy_from_slice(&bits.to_be_bytes());
        self.compression
            .compress(&mut self.state, tail[..end].as_chunks::<64>().0);
        let mut out = [0u8; DIGEST_LEN];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_examples() {
        // GB/T 32905-2016, Annex A.
        assert_eq!(
            hex::encode(sm3(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        assert_eq!(
            hex::encode(sm3(&b"abcd".repeat(16))),
            "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
        );
    }

    #[test]
    fn streaming_equals_one_shot() {
        let data: Vec<u8> = (0..(3 * STREAM_CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let mut seen = Vec::new();
        let streamed = sm3_reader_with_progress(&data[..], |n| seen.push(n)).unwrap();
        assert_eq!(streamed, sm3(&data));
        assert_eq!(seen.last().copied(), Some(data.len() as u64));
        let mut h = Sm3Hasher::new();
        data.chunks(7).for_each(|c| h.update(c));
        assert_eq!(h.finalize(), sm3(&data));
    }

    /// Bytes from a small xorshift generator (deterministic, no dependency).
    fn pseudo_random(seed: u64) -> impl FnMut() -> u64 {
        let mut x = seed | 1;
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    #[test]
    fn equals_the_crate_for_every_length_to_300() {
        let data: Vec<u8> = (0..300u32).map(|i| (i.wrapping_mul(167) ^ (i >> 3)) as u8).collect();
        for len in 0..=300 {
            assert_eq!(sm3(&data[..len]), sm3_reference(&data[..len]), "length {len}");
        }
    }

    #[test]
    fn equals_the_crate_for_random_lengths_and_splits() {
        let mut next = pseudo_random(0x0005_eed0_f5e3);
        let data: Vec<u8> = (0..(1 << 20) + 64).map(|_| next() as u8).collect();
        for _ in 0..40 {
            let len = (next() % (1 << 20) as u64) as usize;
            let start = (next() % 64) as usize;
            let message = &data[start..start + len];
            let want = sm3_reference(message);
            assert_eq!(sm3(message), want, "length {len}");
            // The same message fed in pieces cut at random points, some empty, some short.
            let mut h = Sm3Hasher::new();
            let mut at = 0;
            while at < len {
                let step = match next() % 4 {
                    0 => (next() % 3) as usize,
                    1 => (next() % 130) as usize,
                    _ => (next() % 70_000) as usize,
                };
                let end = (at + step).min(len);
                h.update(&message[at..end]);
                at = end;
            }
            assert_eq!(h.clone().finalize(), want, "length {len}, split");
            h.update(b"more");
            let mut longer = message.to_vec();
            longer.extend_from_slice(b"more");
            assert_eq!(h.finalize(), sm3_reference(&longer), "length {len} + 4");
        }
    }

    #[test]
    fn standard_examples_by_both_paths() {
        for (message, digest) in [
            (
                b"abc".to_vec(),
                "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
            ),
            (
                b"abcd".repeat(16),
                "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
            ),
        ] {
            assert_eq!(hex::encode(sm3_reference(&message)), digest);
            let mut h = Sm3Hasher::default();
            message.iter().for_each(|b| h.update(std::slice::from_ref(b)));
            assert_eq!(hex::encode(h.finalize()), digest);
        }
    }

    /// Says which path this machine takes, so a test log shows whether the x86-64 code ran.
    #[test]
    fn reports_the_path() {
        let path = match Sm3Hasher::new().0 {
            #[cfg(not(target_arch = "wasm32"))]
            Inner::Crate(_) => "the sm3 crate",
            #[cfg(target_arch = "x86_64")]
            Inner::X86(_) => "x86-64 AVX2/BMI2",
            #[cfg(target_arch = "wasm32")]
            Inner::Wasm(_) => "wasm32 simd128",
        };
        eprintln!("SM3 path: {path}");
    }
}
