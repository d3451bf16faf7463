//! The OFD package: a ZIP container read defensively. Entry names are normalised (backslashes,
//! a leading slash), unsafe names (`..`, drive letters, NUL) and duplicates are refused, and
//! every limit is a named constant: entry count, sizes, and the compression ratio that marks a
//! zip bomb. Entries are streamed; nothing but the small XML files is held in memory.

use std::collections::BTreeMap;
use std::io::{Read, Seek};
use std::rc::Rc;

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

/// Largest entry [`Package::read`] keeps after reading it, so that the same file read again or
/// digested (OFD.xml, Document.xml and Signatures.xml are parsed and also referenced by every
/// signature) is not decompressed twice. Only files read whole are kept, so what is kept is
/// bounded by what the caller already holds.
pub const MAX_KEPT_SIZE: u64 = 1024 * 1024;

/// Most bytes of entries one package keeps in memory once read (beyond, entries are read
/// again when asked for again).
pub const MAX_KEPT_TOTAL: u64 = 16 * 1024 * 1024;

/// Smallest streaming buffer; it grows to [`STREAM_CHUNK`] for larger entries.
const MIN_CHUNK: usize = 4096;

/// Entries each thread remembers, by how they are stored (method, CRC-32, sizes and the
/// stored bytes in full): their digests ([`Package::digest`] and the multi-buffer pass of the
/// OFD verifier) and, up to [`MAX_REMEMBERED_CONTENT`] bytes, their content when read whole.
/// A file that recurs byte for byte across documents — an issuer's page template, its
/// resources, the tag and attachment lists of one invoice layout — is then neither inflated
/// nor hashed again.
pub const MAX_REMEMBERED_ENTRIES: usize = 64;

/// Largest stored (compressed) entry remembered.
pub const MAX_REMEMBERED_STORED: u64 = 256 * 1024;

/// Largest content (inflated) remembered with an entry.
pub const MAX_REMEMBERED_CONTENT: u64 = 64 * 1024;

/// Most bytes (stored and inflated) the remembered entries of one thread hold together.
pub const MAX_REMEMBERED_BYTES: usize = 4 * 1024 * 1024;

/// Everything an entry's content follows from: the compression method, the declared CRC-32
/// and size, and the stored bytes in full. Two entries with the same key inflate to the same
/// bytes (inflating is deterministic) and pass or fail the size and CRC-32 checks alike, so
/// the content read, and any digest computed, for one is the other's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredEntry {
    method: zip::CompressionMethod,
    crc: u32,
    size: u64,
    stored: Box<[u8]>,
}

/// What this thread knows of the entries stored as `key`: their content when read whole, and
/// digests of it. Only successes are remembered: errors are met again.
struct Known {
    key: StoredEntry,
    content: Option<Rc<Vec<u8>>>,
    digests: Vec<(DigestAlgorithm, Vec<u8>)>,
}

impl Known {
    fn bytes(&self) -> usize {
        self.key.stored.len()
            + self.content.as_ref().map_or(0, |c| c.len())
            + self.digests.iter().map(|(_, d)| d.len()).sum::<usize>()
    }
}

thread_local! {
    /// Most recently used first, within [`MAX_REMEMBERED_ENTRIES`] and [`MAX_REMEMBERED_BYTES`].
    static KNOWN: std::cell::RefCell<Vec<Known>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Empties what this thread knows of package entries ([`crate::forget_thread_caches`]).
pub(crate) fn forget_known() {
    KNOWN.with_borrow_mut(Vec::clear);
}

/// What `look` finds in what this thread knows of entries stored as `key` (made the most
/// recently used).
fn recall<T>(key: &StoredEntry, look: impl FnOnce(&Known) -> Option<T>) -> Option<T> {
    KNOWN.with_borrow_mut(|all| {
        let i = all.iter().position(|k| k.key == *key)?;
        all[..=i].rotate_right(1);
        look(&all[0])
    })
}

/// Adds to what this thread knows of entries stored as `key` (`learn` sets the new fact),
/// dropping the least recently used beyond the bounds.
fn remember(key: &StoredEntry, learn: impl FnOnce(&mut Known)) {
    KNOWN.with_borrow_mut(|all| {
        match all.iter().position(|k| k.key == *key) {
            Some(i) => all[..=i].rotate_right(1),
            None => all.insert(
                0,
                Known {
                    key: key.clone(),
                    content: None,
                    digests: Vec::new(),
                },
            ),
        }
        learn(&mut all[0]);
        let mut held = 0;
        let keep = all
            .iter()
            .take(MAX_REMEMBERED_ENTRIES)
            .take_while(|k| {
                held += k.bytes();
                held <= MAX_REMEMBERED_BYTES
            })
            .count();
        all.truncate(keep.max(1));
    });
}

/// The digest by `alg` of the content of an entry stored as `key`, if this thread computed it.
pub(crate) fn remembered_digest(key: &StoredEntry, alg: DigestAlgorithm) -> Option<Vec<u8>> {
    recall(key, |k| {
        k.digests.iter().find(|(a, _)| *a == alg).map(|(_, d)| d.clone())
    })
}

/// Remembers `digest`, by `alg`, of the content of an entry stored as `key` (computed from
/// that content, its CRC-32 checked).
pub(crate) fn remember_digest(key: &StoredEntry, alg: DigestAlgorithm, digest: Vec<u8>) {
    remember(key, |k| {
        if !k.digests.iter().any(|(a, _)| *a == alg) {
            k.digests.push((alg, digest));
        }
    });
}

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
    /// Entries read whole (up to [`MAX_KEPT_SIZE`]), by index: read once, served again
    /// (shared, not copied).
    kept: BTreeMap<usize, Rc<Vec<u8>>>,
    /// Bytes in `kept` (at most [`MAX_KEPT_TOTAL`]).
    kept_bytes: u64,
    /// The output buffer, allocated once per package and sized to the entries streamed.
    chunk: Vec<u8>,
    /// The compressed input buffer, likewise.
    input: Vec<u8>,
    /// One raw-deflate decompressor for every entry, reset between them: a new one per entry
    /// allocated and cleared its window each time.
    inflater: Option<flate2::Decompress>,
}

impl<R: Read + Seek> std::fmt::Debug for Package<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package").field("entries", &self.entries.len()).finish()
    }
}

/// A name made safe: forward slashes, no leading slash; `None` for names that climb out of
/// the package, are absolute in another way, or hold control characters.
pub fn normalise(name: &str) -> Option<String> {
    // Already in normal form (as entry names and most locations are): itself, without the
    // leading slashes; the same answer as below, without rebuilding it.
    let plain = name.trim_start_matches('/');
    if is_plain(plain) {
        return Some(plain.to_owned());
    }
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

/// A name [`normalise`] gives back as it is, told in one pass over its bytes: printable ASCII
/// (so no control character), no backslash, no drive letter, and segments none of which is
/// empty, `.` or `..`. Any other name takes the full path (which gives `None` or a rebuilt
/// name).
fn is_plain(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.get(1) == Some(&b':') {
        return false;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'/' => {
                if matches!(&bytes[start..i], b"" | b"." | b"..") {
                    return false;
                }
                start = i + 1;
            }
            b'\\' => return false,
            0x20..=0x7e => {}
            _ => return false,
        }
    }
    !matches!(&bytes[start..], b"" | b"." | b"..")
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
        Ok(Package {
            zip,
            entries,
            folded,
            kept: BTreeMap::new(),
            kept_bytes: 0,
            chunk: Vec::new(),
            input: Vec::new(),
            inflater: None,
        })
    }

    /// How many bytes come before the package's first entry: zero for an OFD as products
    /// write it. More makes the file another format too (a PDF or an XML file with the package
    /// appended, which ZIP readers accept), and no signature covers those bytes.
    pub fn bytes_before(&self) -> u64 {
        self.zip.offset()
    }

    /// Every entry, by name.
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The entry a (normalised or not) name designates, matching case-insensitively when the
    /// exact name is absent.
    pub fn entry(&self, name: &str) -> Option<&Entry> {
        // A name already in normal form (as the entry names are, and most names asked for)
        // is found as it is: normalising is idempotent, so the answer is the same.
        if let Some(entry) = self.entries.get(name) {
            return Some(entry);
        }
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

    /// Reads a small entry whole (at most [`MAX_XML_SIZE`] bytes). An entry is decompressed
    /// once: one read again, or digested, is served from memory.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>, OfdError> {
        let shared = self.read_whole(name, true)?;
        Ok(Rc::try_unwrap(shared).unwrap_or_else(|kept| kept.as_ref().clone()))
    }

    /// As [`Package::read`], the bytes shared with the package's memory of them rather than
    /// copied.
    pub(crate) fn read_shared(&mut self, name: &str) -> Result<Rc<Vec<u8>>, OfdError> {
        self.read_whole(name, true)
    }

    /// As [`Package::read_shared`], without keeping the bytes (`keep` false): for files read
    /// once.
    pub(crate) fn read_whole(&mut self, name: &str, keep: bool) -> Result<Rc<Vec<u8>>, OfdError> {
        self.read_whole_stored(name, None, keep)
    }

    /// As [`Package::read_whole`]; `stored`, when given, is how the entry is stored, its bytes
    /// already read ([`Package::stored_entry_of`]). The content of a small entry
    /// ([`MAX_REMEMBERED_CONTENT`]) this thread read before, stored with the same bytes, is
    /// given again (shared, not inflated again); the content read is remembered.
    pub(crate) fn read_whole_stored(
        &mut self,
        name: &str,
        stored: Option<&StoredEntry>,
        keep: bool,
    ) -> Result<Rc<Vec<u8>>, OfdError> {
        let entry = self.checked_entry(name, MAX_XML_SIZE)?;
        if let Some(bytes) = self.kept.get(&entry.index) {
            return Ok(Rc::clone(bytes));
        }
        let read_here;
        let stored = match stored {
            Some(key) => Some(key),
            None if entry.size <= MAX_REMEMBERED_CONTENT => {
                read_here = self.stored_entry(&entry);
                read_here.as_ref()
            }
            None => None,
        };
        let small = entry.size <= MAX_REMEMBERED_CONTENT;
        if let Some(content) = stored
            .filter(|_| small)
            .and_then(|key| recall(key, |k| k.content.clone()))
        {
            return Ok(self.keep_read(&entry, content, keep));
        }
        let mut out = Vec::with_capacity(usize::try_from(entry.size).unwrap_or(0));
        match stored {
            Some(key) => self.inflate_stored(&entry, key, MAX_XML_SIZE, |chunk| out.extend_from_slice(chunk))?,
            None => self.stream(&entry, MAX_XML_SIZE, |chunk| out.extend_from_slice(chunk))?,
        }
        let out = Rc::new(out);
        if let Some(key) = stored.filter(|_| small) {
            remember(key, |k| k.content = Some(Rc::clone(&out)));
        }
        Ok(self.keep_read(&entry, out, keep))
    }

    /// The bytes of `entry` just read whole, kept when `keep` and within the bounds.
    fn keep_read(&mut self, entry: &Entry, out: Rc<Vec<u8>>, keep: bool) -> Rc<Vec<u8>> {
        let len = out.len() as u64;
        if keep && len <= MAX_KEPT_SIZE && self.kept_bytes + len <= MAX_KEPT_TOTAL {
            self.kept_bytes += len;
            self.kept.insert(entry.index, Rc::clone(&out));
        }
        out
    }

    /// The index (in the ZIP central directory) of the entry `name` designates.
    pub(crate) fn index_of(&self, name: &str) -> Option<usize> {
        self.entry(name).map(|e| e.index)
    }

    /// How many indices entries can have (the central directory's length, folders included).
    pub(crate) fn index_count(&self) -> usize {
        self.zip.len()
    }

    /// The digest of an entry, streamed (or from memory when it was read whole). A digest
    /// this thread computed for an entry stored with the same bytes is given again
    /// ([`MAX_REMEMBERED_ENTRIES`]).
    pub fn digest(&mut self, name: &str, alg: DigestAlgorithm) -> Result<Vec<u8>, OfdError> {
        let entry = self.checked_entry(name, MAX_ENTRY_SIZE)?;
        let stored = self.stored_entry(&entry);
        if let Some(digest) = stored.as_ref().and_then(|key| remembered_digest(key, alg)) {
            return Ok(digest);
        }
        let digest = if let Some(bytes) = self.kept.get(&entry.index) {
            alg.digest(bytes)
        } else {
            let mut hasher = alg.hasher();
            match &stored {
                Some(key) => self.inflate_stored(&entry, key, MAX_ENTRY_SIZE, |chunk| hasher.update(chunk))?,
                None => self.stream(&entry, MAX_ENTRY_SIZE, |chunk| hasher.update(chunk))?,
            }
            hasher.finalize()
        };
        if let Some(key) = &stored {
            remember_digest(key, alg, digest.clone());
        }
        Ok(digest)
    }

    /// How the entry `name` designates is stored ([`StoredEntry`]), its stored bytes read, when
    /// it is small enough to be remembered ([`MAX_REMEMBERED_STORED`]), stored or deflated,
    /// not encrypted, and its stored bytes can be read in full.
    pub(crate) fn stored_entry_of(&mut self, name: &str) -> Option<StoredEntry> {
        let entry = self.entry(name)?.clone();
        self.stored_entry(&entry)
    }

    fn stored_entry(&mut self, entry: &Entry) -> Option<StoredEntry> {
        let mut file = self.zip.by_index_raw(entry.index).ok()?;
        let method = file.compression();
        let known = matches!(
            method,
            zip::CompressionMethod::Stored | zip::CompressionMethod::Deflated
        );
        if file.encrypted() || !known || file.compressed_size() > MAX_REMEMBERED_STORED {
            return None;
        }
        let mut stored = Vec::with_capacity(usize::try_from(file.compressed_size()).ok()?);
        file.read_to_end(&mut stored).ok()?;
        if stored.len() as u64 != file.compressed_size() {
            return None;
        }
        Some(StoredEntry {
            method,
            crc: file.crc32(),
            size: file.size(),
            stored: stored.into_boxed_slice(),
        })
    }

    /// The entry `name` designates, when its declared size is within `limit`.
    fn checked_entry(&self, name: &str, limit: u64) -> Result<Entry, OfdError> {
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
        Ok(entry)
    }

    /// Feeds an entry's bytes to `sink` in chunks, refusing more than `limit` bytes or more
    /// than the entry declared (a lying size is how zip bombs get past size checks), and
    /// checking the CRC-32. Stored and deflated entries are read; others are refused.
    fn stream(&mut self, entry: &Entry, limit: u64, sink: impl FnMut(&[u8])) -> Result<(), OfdError> {
        let Package {
            zip,
            chunk,
            input,
            inflater,
            ..
        } = self;
        let mut file = zip
            .by_index_raw(entry.index)
            .map_err(|e| OfdError::Malformed(format!("{}: {e}", entry.name)))?;
        if file.encrypted() {
            return Err(OfdError::Malformed(format!(
                "{}: encrypted entries are not supported",
                entry.name
            )));
        }
        let how = (file.compression(), file.crc32(), file.compressed_size());
        let buffers = Buffers { chunk, input, inflater };
        decode(&mut file, how, entry, limit, buffers, sink)
    }

    /// As [`Package::stream`], from the stored bytes of the entry already read into `key`.
    fn inflate_stored(
        &mut self,
        entry: &Entry,
        key: &StoredEntry,
        limit: u64,
        sink: impl FnMut(&[u8]),
    ) -> Result<(), OfdError> {
        let Package {
            chunk, input, inflater, ..
        } = self;
        let how = (key.method, key.crc, key.stored.len() as u64);
        let buffers = Buffers { chunk, input, inflater };
        decode(&mut &key.stored[..], how, entry, limit, buffers, sink)
    }
}

/// The buffers and the inflater a package reuses from entry to entry.
struct Buffers<'p> {
    chunk: &'p mut Vec<u8>,
    input: &'p mut Vec<u8>,
    inflater: &'p mut Option<flate2::Decompress>,
}

/// Feeds the content of `entry`, whose stored bytes `file` yields, to `sink` in chunks:
/// `how` is (compression method, declared CRC-32, stored size). Refuses more than `limit`
/// bytes or more than the entry declared, and a CRC-32 that does not match.
fn decode<F: Read>(
    file: &mut F,
    (method, declared_crc, compressed_size): (zip::CompressionMethod, u32, u64),
    entry: &Entry,
    limit: u64,
    Buffers { chunk, input, inflater }: Buffers<'_>,
    mut sink: impl FnMut(&[u8]),
) -> Result<(), OfdError> {
    let bad = |e: &dyn std::fmt::Display| OfdError::Malformed(format!("{}: {e}", entry.name));
    // Buffers as large as the entry (+1 to see a lying size) up to STREAM_CHUNK, kept for
    // the next entry: small entries do not pay for zeroing large buffers.
    let fit = |n: u64| {
        usize::try_from(n.saturating_add(1))
            .unwrap_or(STREAM_CHUNK)
            .clamp(MIN_CHUNK, STREAM_CHUNK)
    };
    grow(chunk, fit(entry.size));
    let mut crc = crc32fast::Hasher::new();
    let mut seen = 0u64;
    let mut emit = |data: &[u8]| {
        seen += data.len() as u64;
        if seen > entry.size || seen > limit {
            return Err(too_much(entry));
        }
        crc.update(data);
        sink(data);
        Ok(())
    };
    let read = |file: &mut F, buf: &mut [u8]| loop {
        match file.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other.map_err(|e| bad(&e)),
        }
    };
    match method {
        zip::CompressionMethod::Stored => loop {
            let n = read(file, chunk)?;
            if n == 0 {
                break;
            }
            emit(&chunk[..n])?;
        },
        zip::CompressionMethod::Deflated => {
            grow(input, fit(compressed_size));
            let inflater = inflater.get_or_insert_with(|| flate2::Decompress::new(false));
            inflater.reset(false);
            let (mut pos, mut filled) = (0, 0);
            loop {
                if pos == filled {
                    filled = read(file, input)?;
                    pos = 0;
                }
                let (before_in, before_out) = (inflater.total_in(), inflater.total_out());
                let status = inflater
                    .decompress(&input[pos..filled], chunk, flate2::FlushDecompress::None)
                    .map_err(|e| bad(&e))?;
                let consumed = (inflater.total_in() - before_in) as usize;
                let produced = (inflater.total_out() - before_out) as usize;
                pos += consumed;
                emit(&chunk[..produced])?;
                if status == flate2::Status::StreamEnd {
                    break;
                }
                if consumed == 0 && produced == 0 {
                    // Nothing read (end of the entry's data), or nothing the inflater
                    // could take: the stream ends early or is broken.
                    let why = if filled == 0 {
                        "the compressed data ends early"
                    } else {
                        "the compressed data does not decode"
                    };
                    if filled == 0 || pos < filled {
                        return Err(bad(&why));
                    }
                }
            }
        }
        other => return Err(bad(&format!("compression method {other} is not supported"))),
    }
    if crc.finalize() != declared_crc {
        return Err(bad(&"CRC-32 mismatch: the entry is corrupt"));
    }
    Ok(())
}

/// Grows `buf` to at least `len` bytes (never shrinks it).
fn grow(buf: &mut Vec<u8>, len: usize) {
    if buf.len() < len {
        buf.resize(len, 0);
    }
}

fn too_much(entry: &Entry) -> OfdError {
    OfdError::TooLarge(format!(
        "{}: more data than its declared {} bytes",
        entry.name, entry.size
    ))
}

/// The entry count of the ZIP end-of-central-directory record (`None` when it cannot be
/// read cheaply, e.g. ZIP64: the zip crate's own parse then decides).
fn declared_entry_count<R: Read + Seek>(reader: &mut R) -> Option<usize> {
    use std::io::SeekFrom;
    let len = reader.seek(SeekFrom::End(0)).ok()?;
    // The record is the last 22 bytes of a package without a comment (most): the last
    // signature within them is the last one of the whole tail, so the tail (up to 64 KiB) is
    // read only when they hold none.
    let mut last = [0u8; 22];
    let last = &mut last[..usize::try_from(len.min(22)).ok()?];
    let count = match read_tail(reader, len, last).and_then(|()| entry_count(last)) {
        Some(count) => count,
        None => {
            let mut tail = vec![0u8; usize::try_from(len.min(22 + 65_535)).ok()?];
            read_tail(reader, len, &mut tail)?;
            entry_count(&tail)?
        }
    };
    (count != u16::MAX).then_some(usize::from(count))
}

/// Reads the last `into.len()` bytes of `reader` (`len` bytes long), seeking back to its start.
fn read_tail<R: Read + Seek>(reader: &mut R, len: u64, into: &mut [u8]) -> Option<()> {
    use std::io::SeekFrom;
    reader.seek(SeekFrom::Start(len - into.len() as u64)).ok()?;
    let read = reader.read_exact(into);
    reader.seek(SeekFrom::Start(0)).ok()?;
    read.ok()
}

/// The entry count of the last end-of-central-directory signature in `tail`, when the
/// record's count field is within it.
fn entry_count(tail: &[u8]) -> Option<u16> {
    let at = tail.windows(4).rposition(|w| w == b"PK\x05\x06")?;
    Some(u16::from_le_bytes([*tail.get(at + 10)?, *tail.get(at + 11)?]))
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
        for bad in [
            "../etc/passwd",
            "a/../../b",
            "C:/x",
            "",
            "/",
            "a\u{0}b",
            "a/\u{85}b",
            "x/..",
        ] {
            assert_eq!(normalise(bad), None, "{bad:?}");
        }
        // The one-pass test and the full path agree.
        assert_eq!(normalise("/a/./b/").as_deref(), Some("a/b"));
        assert_eq!(normalise("Doc_0/报告.xml").as_deref(), Some("Doc_0/报告.xml"));
        assert_eq!(normalise("a\\b").as_deref(), Some("a/b"));
    }

    /// A package of one deflated entry `a.xml` and one stored `b.bin`.
    fn package(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        zip.start_file("a.xml", deflated).unwrap();
        zip.write_all(data).unwrap();
        zip.start_file("b.bin", stored).unwrap();
        zip.write_all(data).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn entries_inflate_and_digest_once_and_alike() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8 ^ (i / 997) as u8).collect();
        let bytes = package(&data);
        let mut pkg = Package::open(std::io::Cursor::new(&bytes[..])).unwrap();
        let want = DigestAlgorithm::Sm3.digest(&data);
        // Streamed (not read before), then read whole, then digested from what was kept.
        assert_eq!(pkg.digest("a.xml", DigestAlgorithm::Sm3).unwrap(), want);
        assert_eq!(pkg.read("a.xml").unwrap(), data);
        assert_eq!(pkg.read("a.xml").unwrap(), data);
        assert_eq!(pkg.digest("a.xml", DigestAlgorithm::Sm3).unwrap(), want);
        assert_eq!(*pkg.read_whole("b.bin", false).unwrap(), data);
        assert_eq!(pkg.digest("b.bin", DigestAlgorithm::Sm3).unwrap(), want);
    }

    #[test]
    fn remembered_entries_are_reused_only_for_the_same_stored_bytes() {
        let data = b"<a>remembered across packages</a>".repeat(40);
        let good = package(&data);
        let want = DigestAlgorithm::Sm3.digest(&data);
        for _ in 0..2 {
            let mut pkg = Package::open(std::io::Cursor::new(&good[..])).unwrap();
            assert_eq!(pkg.digest("a.xml", DigestAlgorithm::Sm3).unwrap(), want);
            assert_eq!(*pkg.read_whole("a.xml", false).unwrap(), data);
            assert_eq!(*pkg.read_whole("b.bin", true).unwrap(), data);
            assert_eq!(pkg.digest("b.bin", DigestAlgorithm::Sm3).unwrap(), want);
        }
        // The same stored bytes under another declared CRC-32 (in both headers): not the
        // entry remembered, and its CRC-32 fails as it would have.
        let mut bad = good.clone();
        for at in [14, good.windows(4).position(|w| w == b"PK\x01\x02").unwrap() + 16] {
            bad[at] ^= 1;
        }
        let mut pkg = Package::open(std::io::Cursor::new(&bad[..])).unwrap();
        assert!(pkg
            .read_whole("a.xml", false)
            .unwrap_err()
            .to_string()
            .contains("CRC-32"));
        assert!(pkg.digest("a.xml", DigestAlgorithm::Sm3).is_err());
        // Other stored bytes of the same size: read, not taken for the entry remembered.
        let other = package(&b"<a>remembered across packages</b>".repeat(40));
        let mut pkg = Package::open(std::io::Cursor::new(&other[..])).unwrap();
        assert_ne!(pkg.digest("b.bin", DigestAlgorithm::Sm3).unwrap(), want);
    }

    #[test]
    fn corrupt_entries_are_errors() {
        let data = b"<a>hello hello hello hello hello hello</a>".repeat(50);
        let good = package(&data);
        // Any single-byte change in a.xml's compressed data is an error, or (when the inflater
        // cannot tell) the bytes are still exactly right: never a panic, never wrong bytes.
        let local = 30 + "a.xml".len();
        let end = good.windows(4).skip(4).position(|w| w == b"PK\x03\x04").unwrap() + 4;
        for at in local..end {
            let mut bad = good.clone();
            bad[at] ^= 0x55;
            let Ok(mut pkg) = Package::open(std::io::Cursor::new(&bad[..])) else {
                continue;
            };
            match pkg.read("a.xml") {
                Ok(read) => assert!(read == data, "byte {at} changed: wrong bytes accepted"),
                Err(OfdError::Malformed(_) | OfdError::TooLarge(_)) => {}
                Err(e) => panic!("byte {at}: {e}"),
            }
        }
        // The central directory's CRC-32 (the one readers trust) changed: refused.
        let central = good.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
        let mut bad = good.clone();
        bad[central + 16] ^= 1;
        let mut pkg = Package::open(std::io::Cursor::new(&bad[..])).unwrap();
        let err = pkg.read("a.xml").unwrap_err();
        assert!(err.to_string().contains("CRC-32"), "{err}");
        assert!(pkg.digest("a.xml", DigestAlgorithm::Sm3).is_err());
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
