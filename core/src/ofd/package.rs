//! The OFD package: a ZIP container read defensively. Entry names are normalised (backslashes,
//! a leading slash), unsafe names (`..`, drive letters, NUL) and duplicates are refused, and
//! every limit is a named constant: entry count, sizes, and the compression ratio that marks a
//! zip bomb. Entries are streamed; nothing but the small XML files is held in memory.

use std::collections::BTreeMap;
use std::io::{Read, Seek};

use super::OfdError;
use crate::alg::DigestAlgorithm;
use crate::sm::sm3::STREAM_CHUNK;

/// Most entries a package may have.
pub const MAX_ENTRIES: usize = 20_000;

/// Largest uncompressed entry.
pub const MAX_ENTRY_SIZE: u64 = 1024 * 1024 * 1024;

/// Largest uncompressed package (all entries together).
pub const MAX_TOTAL_SIZE: u64 = 4 * 1024 * 1024 * 1024;

/// Largest compression ratio of an entry above [`RATIO_FLOOR`] bytes (zip bombs reach
/// thousands; real OFD content stays far below).
pub const MAX_COMPRESSION_RATIO: u64 = 200;

/// Entries smaller than this are exempt from the ratio check (tiny XML compresses well).
pub const RATIO_FLOOR: u64 = 1024 * 1024;

/// Largest XML file read into memory (OFD.xml, Signatures.xml, Signature.xml, seals).
pub const MAX_XML_SIZE: u64 = 32 * 1024 * 1024;

/// One entry of the package.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The normalised name (no leading slash, forward slashes).
    pub name: String,
    /// Index in the ZIP central directory.
    index: usize,
    /// Declared uncompressed size.
    pub size: u64,
}

/// An opened package.
pub struct Package<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    entries: BTreeMap<String, Entry>,
    /// Lower-cased name → name, to resolve the case variants real files use.
    folded: BTreeMap<String, String>,
}

impl<R: Read + Seek> std::fmt::Debug for Package<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package").field("entries", &self.entries.len()).finish()
    }
}

/// A name made safe: forward slashes, no leading slash; `None` for names that climb out of
/// the package, are absolute in another way, or hold control characters.
pub fn normalise(name: &str) -> Option<String> {
    let name = name.replace('\\', "/");
    let trimmed = name.trim_start_matches('/');
    if trimmed.is_empty()
        || trimmed.chars().any(|c| c.is_control())
        || trimmed.as_bytes().get(1) == Some(&b':')
        || trimmed.split('/').any(|part| part == "..")
    {
        return None;
    }
    let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty() && *p != ".").collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

impl<R: Read + Seek> Package<R> {
    /// Opens a package, checking every entry's name and declared sizes.
    pub fn open(mut reader: R) -> Result<Package<R>, OfdError> {
        // Refuse a huge entry count from the end record, before the central directory is parsed.
        if let Some(count) = declared_entry_count(&mut reader) {
            if count > MAX_ENTRIES {
                return Err(OfdError::TooLarge(format!(
                    "{count} entries declared (limit {MAX_ENTRIES})"
                )));
            }
        }
        let mut zip =
            zip::ZipArchive::new(reader).map_err(|e| OfdError::Malformed(format!("not a ZIP package: {e}")))?;
        if zip.len() > MAX_ENTRIES {
            return Err(OfdError::TooLarge(format!(
                "{} entries (limit {MAX_ENTRIES})",
                zip.len()
            )));
        }
        // Two entries with one name: readers that take different copies show different
        // documents. The zip crate keeps one copy; its count of raw names tells.
        if zip.has_duplicate_names() {
            return Err(OfdError::Malformed("two entries have the same name".into()));
        }
        let mut entries = BTreeMap::new();
        let mut folded = BTreeMap::new();
        let mut total = 0u64;
        for index in 0..zip.len() {
            let file = zip
                .by_index_raw(index)
                .map_err(|e| OfdError::Malformed(format!("entry {index}: {e}")))?;
            let raw = file
                .name()
                .map_err(|e| OfdError::Malformed(format!("entry {index}: {e}")))?
                .into_owned();
            if file.is_dir() {
                continue;
            }
            let name = normalise(&raw).ok_or_else(|| OfdError::Malformed(format!("unsafe entry name {raw:?}")))?;
            let (size, compressed) = (file.size(), file.compressed_size());
            if size > MAX_ENTRY_SIZE {
                return Err(OfdError::TooLarge(format!(
                    "{name}: {size} bytes (limit {MAX_ENTRY_SIZE})"
                )));
            }
            if size > RATIO_FLOOR && size / compressed.max(1) > MAX_COMPRESSION_RATIO {
                return Err(OfdError::TooLarge(format!(
                    "{name}: compression ratio above {MAX_COMPRESSION_RATIO} (zip bomb?)"
                )));
            }
            total = total.saturating_add(size);
            if total > MAX_TOTAL_SIZE {
                return Err(OfdError::TooLarge(format!(
                    "package expands beyond {MAX_TOTAL_SIZE} bytes"
                )));
            }
            if folded.insert(name.to_lowercase(), name.clone()).is_some() {
                return Err(OfdError::Malformed(format!(
                    "duplicate entry {name} (names differing only in case count)"
                )));
            }
            entries.insert(name.clone(), Entry { name, index, size });
        }
        Ok(Package { zip, entries, folded })
    }

    /// Every entry, by name.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The entry a (normalised or not) name designates, matching case-insensitively when the
    /// exact name is absent.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        let name = normalise(name)?;
        self.entries
            .get(&name)
            .or_else(|| self.folded.get(&name.to_lowercase()).and_then(|n| self.entries.get(n)))
    }

    /// Resolves an ST_Loc (GB/T 33190 §7.3): absolute when it starts with `/`, else relative
    /// to the folder of `referring` (the file that contains it).
    pub fn resolve(referring: &str, loc: &str) -> Option<String> {
        let loc = loc.trim();
        if loc.starts_with('/') || loc.starts_with('\\') {
            return normalise(loc);
        }
        let folder = referring.rsplit_once('/').map_or("", |(dir, _)| dir);
        let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
        for part in loc.split(['/', '\\']) {
            match part {
                "" | "." => {}
                ".." => {
                    parts.pop()?;
                }
                p => parts.push(p),
            }
        }
        normalise(&parts.join("/"))
    }

    /// Reads a small entry whole (at most [`MAX_XML_SIZE`] bytes).
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, OfdError> {
        let mut out = Vec::new();
        self.stream(name, MAX_XML_SIZE, |chunk| out.extend_from_slice(chunk))?;
        Ok(out)
    }

    /// The digest of an entry, streamed.
    pub fn digest(&mut self, name: &str, alg: DigestAlgorithm) -> Result<Vec<u8>, OfdError> {
        let mut hasher = alg.hasher();
        self.stream(name, MAX_ENTRY_SIZE, |chunk| hasher.update(chunk))?;
        Ok(hasher.finalize())
    }

    /// Feeds an entry's bytes to `sink` in chunks, refusing more than `limit` bytes or more
    /// than the entry declared (a lying size is how zip bombs get past size checks).
    fn stream(&mut self, name: &str, limit: u64, mut sink: impl FnMut(&[u8])) -> Result<(), OfdError> {
        let entry = self
            .entry(name)
            .ok_or_else(|| OfdError::Missing(name.to_owned()))?
            .clone();
        if entry.size > limit {
            return Err(OfdError::TooLarge(format!(
                "{}: {} bytes (limit {limit})",
                entry.name, entry.size
            )));
        }
        let mut file = self
            .zip
            .by_index(entry.index)
            .map_err(|e| OfdError::Malformed(format!("{}: {e}", entry.name)))?;
        let mut buf = vec![0u8; STREAM_CHUNK];
        let mut seen = 0u64;
        loop {
            let n = file
                .read(&mut buf)
                .map_err(|e| OfdError::Malformed(format!("{}: {e}", entry.name)))?;
            if n == 0 {
                return Ok(());
            }
            seen += n as u64;
            if seen > entry.size || seen > limit {
                return Err(OfdError::TooLarge(format!(
                    "{}: more data than its declared {} bytes",
                    entry.name, entry.size
                )));
            }
            sink(&buf[..n]);
        }
    }
}

/// The entry count of the ZIP end-of-central-directory record (`None` when it cannot be
/// read cheaply, e.g. ZIP64: the zip crate's own parse then decides).
fn declared_entry_count<R: Read + Seek>(reader: &mut R) -> Option<usize> {
    use std::io::SeekFrom;
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    let tail_len = len.min(22 + 65_535);
    reader.seek(SeekFrom::Start(len - tail_len)).ok()?;
    let mut tail = vec![0u8; usize::try_from(tail_len).ok()?];
    let read = reader.read_exact(&mut tail);
    reader.seek(SeekFrom::Start(0)).ok()?;
    read.ok()?;
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    let count = u16::from_le_bytes([*tail.get(at + 10)?, *tail.get(at + 11)?]);
    (count != u16::MAX).then_some(usize::from(count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_normalised_or_refused() {
        assert_eq!(
            normalise("/Doc_0/Signs/Sign_0/Signature.xml").as_deref(),
            Some("Doc_0/Signs/Sign_0/Signature.xml")
        );
        assert_eq!(
            normalise("Doc_0\\Pages\\Page_0\\Content.xml").as_deref(),
            Some("Doc_0/Pages/Page_0/Content.xml")
        );
        assert_eq!(normalise("./a//b").as_deref(), Some("a/b"));
        for bad in ["../etc/passwd", "a/../../b", "C:/x", "", "/", "a\u{0}b"] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn st_loc_resolution() {
        let from = "Doc_0/Signs/Signatures.xml";
        assert_eq!(
            Package::<std::io::Cursor<&[u8]>>::resolve(from, "/Doc_0/Signs/Sign_0/Signature.xml").as_deref(),
            Some("Doc_0/Signs/Sign_0/Signature.xml")
        );
        assert_eq!(
            Package::<std::io::Cursor<&[u8]>>::resolve(from, "Sign_0/Signature.xml").as_deref(),
            Some("Doc_0/Signs/Sign_0/Signature.xml")
        );
        assert_eq!(
            Package::<std::io::Cursor<&[u8]>>::resolve(from, "../Pages/Page_0/Content.xml").as_deref(),
            Some("Doc_0/Pages/Page_0/Content.xml")
        );
        assert_eq!(Package::<std::io::Cursor<&[u8]>>::resolve("OFD.xml", "../../x"), None);
    }
}
