//! SM3 (GB/T 32905-2016): one-shot and streaming.

use std::io::{self, Read};

use sm3::{Digest, Sm3};

/// Length of an SM3 digest in bytes.
pub const DIGEST_LEN: usize = 32;

/// Size of the buffer [`sm3_reader`] reads through; the input is never held whole.
pub const STREAM_CHUNK: usize = 64 * 1024;

/// An SM3 digest.
pub type Sm3Digest = [u8; DIGEST_LEN];

/// SM3 of `data`.
pub fn sm3(data: &[u8]) -> Sm3Digest {
    Sm3::digest(data).into()
}

/// Incremental SM3: feed pieces with [`Sm3Hasher::update`], then [`Sm3Hasher::finalize`].
#[derive(Clone, Default)]
pub struct Sm3Hasher(Sm3);

impl Sm3Hasher {
    /// A fresh hasher.
    pub fn new() -> Sm3Hasher {
        Sm3Hasher(Sm3::new())
    }

    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }

    /// The digest of everything absorbed.
    pub fn finalize(self) -> Sm3Digest {
        self.0.finalize().into()
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
}
