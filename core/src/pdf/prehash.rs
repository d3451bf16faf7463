//! Hashing a large file while it is parsed.
//!
//! Verifying a large PDF costs one pass of the digest over the signed bytes plus the parse of
//! the file's structure. The newest signature's byte range and digest algorithm can be read
//! from the file's tail before the parse: its /ByteRange array and the CMS in the /Contents
//! string it skips. On native targets the digest of that guess runs on a second thread while
//! the main thread parses; the verifier then uses it only if the parsed signature has exactly
//! the guessed ranges and algorithm ([`Prehash::get`]), so a wrong guess costs time, never
//! correctness. (WASM has no threads: nothing is guessed there.)

use memchr::memmem;

use crate::alg::DigestAlgorithm;
use crate::cms::SignedData;

/// Files smaller than this are hashed after the parse (the overlap would not pay).
pub const PREHASH_MIN_FILE: usize = 8 * 1024 * 1024;
/// How far from the end of the file the newest /ByteRange is looked for.
pub const PREHASH_WINDOW: usize = 256 * 1024;

/// A digest of guessed byte ranges.
#[derive(Debug, Clone)]
pub struct Prehash {
    ranges: Vec<(usize, usize)>,
    alg: DigestAlgorithm,
    digest: Vec<u8>,
}

impl Prehash {
    /// The digest, if it was computed for exactly these ranges with this algorithm.
    pub fn get(&self, alg: DigestAlgorithm, ranges: &[(usize, usize)]) -> Option<&[u8]> {
        (self.alg == alg && self.ranges == ranges).then_some(self.digest.as_slice())
    }
}

/// The newest signature's byte ranges and digest algorithm as the tail of the file says.
pub fn guess(bytes: &[u8]) -> Option<(Vec<(usize, usize)>, DigestAlgorithm)> {
    let tail_start = bytes.len().saturating_sub(PREHASH_WINDOW);
    let at = tail_start + memmem::rfind(&bytes[tail_start..], b"/ByteRange")?;
    let open = at + memchr::memchr(b'[', bytes.get(at..at + 32)?)?;
    let close = open + memchr::memchr(b']', bytes.get(open..open + 128)?)?;
    let text = std::str::from_utf8(&bytes[open + 1..close]).ok()?;
    let numbers: Vec<usize> = text.split_whitespace().map(|n| n.parse().ok()).collect::<Option<_>>()?;
    let [a, b, c, d] = numbers[..] else { return None };
    if a != 0 || c < b || c.checked_add(d)? > bytes.len() {
        return None;
    }
    let gap = &bytes[b..c];
    let hex_digits = gap.strip_prefix(b"<")?.strip_suffix(b">")?;
    // Only the container's header and its signer are needed: decode the DER prefix.
    let der = hex::decode(hex_digits).ok()?;
    let len = super::verify::der_len(&der)?;
    let sd = SignedData::from_der(&der[..len]).ok()?;
    let alg = sd.signers.first()?.digest()?;
    Some((vec![(a, b), (c, d)], alg))
}

/// Runs `parse` while the newest signature's guessed ranges are hashed on another thread
/// (native targets, files of at least [`PREHASH_MIN_FILE`] bytes).
pub fn overlapped<T: Send>(bytes: &[u8], parse: impl FnOnce() -> T + Send) -> (T, Option<Prehash>) {
    let guessed = if bytes.len() >= PREHASH_MIN_FILE && cfg!(not(target_arch = "wasm32")) {
        guess(bytes)
    } else {
        None
    };
    let Some((ranges, alg)) = guessed else {
        return (parse(), None);
    };
    std::thread::scope(|scope| {
        let hashing = scope.spawn(|| {
            let mut h = alg.hasher();
            for (start, n) in &ranges {
                h.update(&bytes[*start..start + n]);
            }
            h.finalize()
        });
        let parsed = parse();
        let prehash = hashing.join().ok().map(|digest| Prehash {
            ranges: ranges.clone(),
            alg,
            digest,
        });
        (parsed, prehash)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed() -> Vec<u8> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors/pdf/pyhanko-rsa.pdf");
        std::fs::read(path).expect("test-vectors/pdf/pyhanko-rsa.pdf")
    }

    #[test]
    fn the_guess_is_the_newest_signatures_ranges_and_digest() {
        let bytes = signed();
        let (ranges, alg) = guess(&bytes).expect("a guess");
        assert_eq!(alg, DigestAlgorithm::Sha256);
        assert_eq!(ranges[0].0, 0);
        assert_eq!(ranges[1].0 + ranges[1].1, bytes.len());
        assert_eq!(bytes[ranges[0].1], b'<');
        assert_eq!(bytes[ranges[1].0 - 1], b'>');
    }

    #[test]
    fn a_prehash_is_used_only_for_exactly_its_ranges_and_algorithm() {
        let p = Prehash {
            ranges: vec![(0, 10), (20, 5)],
            alg: DigestAlgorithm::Sha256,
            digest: vec![1, 2, 3],
        };
        assert_eq!(
            p.get(DigestAlgorithm::Sha256, &[(0, 10), (20, 5)]),
            Some(&[1u8, 2, 3][..])
        );
        assert_eq!(p.get(DigestAlgorithm::Sm3, &[(0, 10), (20, 5)]), None);
        assert_eq!(p.get(DigestAlgorithm::Sha256, &[(0, 10), (20, 6)]), None);
    }

    #[test]
    fn nonsense_tails_give_no_guess() {
        for tail in [
            &b"/ByteRange [0 10 20 30]"[..],
            b"/ByteRange [1 2 3 4]",
            b"/ByteRange [0 5 3 1]",
            b"/ByteRange [0 99999999999999999999999 0 0]",
            b"/ByteRange",
            b"%%EOF",
        ] {
            let mut bytes = vec![b' '; 40];
            bytes.extend_from_slice(tail);
            assert!(guess(&bytes).is_none(), "{}", String::from_utf8_lossy(tail));
        }
        // Small files are never overlapped.
        let (value, pre) = overlapped(&signed(), || 7);
        assert_eq!((value, pre.is_none()), (7, true));
    }
}
