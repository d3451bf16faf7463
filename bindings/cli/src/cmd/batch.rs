//! `yinjian batch`: every document under folders, in archives and in lists, verified on all
//! cores with one [`Verifier`], one JSON line per file ([`BatchRecord`], the line the Python
//! package and the Spark job write too).
//!
//! One producer thread walks the inputs in order and reads each file (archive members one by
//! one, never unpacked to disk); a bounded channel and a budget of files and bytes in flight
//! hand them to a rayon pool; the calling thread writes each line as it comes, or in input
//! order with `--ordered` (a reorder buffer the same budget bounds). Memory stays under
//! [`MAX_BYTES_IN_FLIGHT`] + [`MAX_FILE_BYTES`] of documents whatever the inputs' size, plus
//! the duplicate index: one key and path per e-invoice seen (about 250 bytes each).
//!
//! Duplicates: the writer keeps every e-invoice's key ([`yinjian::batch::InvoiceFields::key`])
//! with the paths written under it; a line whose invoice was already written (or already in the
//! output a `--resume` continues) gets `duplicate_of`: the earlier paths (the first
//! [`MAX_DUPLICATE_OF`]). With `--ordered` the flagged line is always the later one in input
//! order, and a resumed run flags exactly as an uninterrupted one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::iter::{ParallelBridge, ParallelIterator};
use serde::Deserialize;
use yinjian::batch::BatchRecord;
use yinjian::licence::qr::IssuerList;
use yinjian::{Clock, Reason, Status, Verifier};

use crate::options::{validation_time, TrustArgs};

/// Largest file (or archive member) verified; a larger one gets a record saying so.
pub(crate) const MAX_FILE_BYTES: u64 = 128 << 20;
/// Most bytes read and not yet verified at once (a single larger file still goes, alone).
pub(crate) const MAX_BYTES_IN_FLIGHT: u64 = 128 << 20;
/// Most files read and not yet written at once: bounds the `--ordered` reorder buffer.
pub(crate) const MAX_FILES_IN_FLIGHT: usize = 1024;
/// Longest a written line stays in the output buffer while the writer waits for the next:
/// a killed run loses at most the lines of its last moments (and `--resume` verifies those
/// files again), without a write call per line.
const FLUSH_EVERY: Duration = Duration::from_millis(50);
/// The output buffer: a line is a whole report (about 5 KB for an e-invoice), so the default
/// 8 KB buffer made a write call per line.
const OUTPUT_BUFFER: usize = 1 << 20;
/// How long the writer sleeps when no line is waiting.
const WRITER_POLL: Duration = Duration::from_millis(2);
/// Files read ahead for the pool (at least two per thread): enough that a thread never waits
/// for the reader between two small files; the budget still bounds their bytes. A producer
/// that filled the queue waits until the pool has taken half of it, so that it is woken once
/// per half queue rather than once per file (each wake-up is a system call and a context
/// switch on a core the pool needs).
const JOBS_QUEUED: usize = 64;
/// Longest line of a list file or of standard input.
const MAX_LIST_LINE: u64 = 64 * 1024;
/// Slowest files named by `--summary`.
const SLOWEST_SHOWN: usize = 5;
/// Most earlier paths a line's `duplicate_of` names (the first ones written): a line stays
/// small when one invoice is in thousands of files; `--summary` lists every path.
pub(crate) const MAX_DUPLICATE_OF: usize = 16;

/// `yinjian batch` options.
#[derive(Args)]
pub(crate) struct BatchArgs {
    /// Files; folders (walked recursively in name order); ZIP, TAR and TAR.GZ archives (read
    /// member by member, records named `archive.zip!member`); `@LIST` (a file of paths, one a
    /// line); `-` (JSONL `{"path": …}` lines on standard input). Put them before the options
    /// that take several values (`--anchors`…).
    #[arg(required = true, value_name = "PATH")]
    inputs: Vec<PathBuf>,
    /// Verifying threads (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Write the lines to this file (default: standard output).
    #[arg(long, value_name = "FILE.jsonl")]
    out: Option<PathBuf>,
    /// Skip the paths already in --out and append to it (a truncated last line, from a run
    /// that was killed, is dropped and its file verified again).
    #[arg(long, requires = "out")]
    resume: bool,
    /// Write the lines in input order (default: as each file finishes).
    #[arg(long)]
    ordered: bool,
    /// End with a table: files per verdict and per reason, the e-invoices seen more than once
    /// (each with all its paths), the slowest files (on standard output with --out, else on
    /// standard error).
    #[arg(long)]
    summary: bool,
    /// Validation time of every file (RFC 3339 or Unix seconds); default the run's start.
    #[arg(long)]
    at: Option<String>,
    /// Certificates of signers whose signatures carry none (bare SM2 Type=Sign signatures).
    #[arg(long, num_args = 1..)]
    signer_cert: Vec<PathBuf>,
    /// Issuers whose signed licence QR codes are trusted: certificates or public keys (PEM or
    /// DER), as `yinjian qr verify --trust` takes them.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    licence_issuers: Vec<PathBuf>,
    #[command(flatten)]
    trust: TrustArgs,
}

/// One file read by the producer, for the pool.
struct Job {
    seq: u64,
    path: String,
    input: Result<Vec<u8>, String>,
}

/// One file verified, for the writer: its JSON line and what the summary counts. The record is
/// serialised and dropped on the verifying thread, so the writer only writes, the work spreads
/// over every core, and no report is freed by another thread than the one that built it.
struct Done {
    seq: u64,
    path: String,
    status: Status,
    reason: Option<Reason>,
    /// The e-invoice's key, for the duplicate check (the writer puts `duplicate_of` into the
    /// line).
    invoice_key: Option<String>,
    line: String,
    bytes: u64,
    took: Duration,
}

/// Files and bytes read and not yet done with; the producer waits while either is at its cap,
/// or while the pool's queue is full (then until it is half empty).
struct Budget {
    state: Mutex<InFlight>,
    freed: Condvar,
    /// Most files read and not yet taken by a verifying thread.
    queue: usize,
}

/// What [`Budget`] counts.
#[derive(Default)]
struct InFlight {
    /// Files read and not yet written.
    files: usize,
    /// Bytes read and not yet verified.
    bytes: u64,
    /// Files read and not yet taken by a verifying thread.
    queued: usize,
    /// Whether the producer waits for room (only then is it woken: a wake-up is a system
    /// call, and this is done three times per file).
    waiting: bool,
}

impl InFlight {
    /// Whether one more file of `bytes` must wait; a producer already waiting for the queue
    /// waits until half of it is taken.
    fn full(&self, bytes: u64, queue: usize) -> bool {
        let queue_full = if self.waiting {
            self.queued > queue / 2
        } else {
            self.queued >= queue
        };
        queue_full || self.files >= MAX_FILES_IN_FLIGHT || (self.bytes > 0 && self.bytes + bytes > MAX_BYTES_IN_FLIGHT)
    }
}

impl Budget {
    /// A budget for a pool that should have `queue` files waiting for it.
    fn new(queue: usize) -> Budget {
        Budget {
            state: Mutex::default(),
            freed: Condvar::new(),
            queue,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, InFlight> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for room for one more file of `bytes`, then takes it.
    fn take(&self, bytes: u64) {
        let mut state = self.lock();
        while state.full(bytes, self.queue) {
            state.waiting = true;
            state = self.freed.wait(state).unwrap_or_else(PoisonError::into_inner);
        }
        state.waiting = false;
        state.files += 1;
        state.bytes += bytes;
        state.queued += 1;
    }

    /// Frees room, waking the producer if it waits and now has room (for a file of the
    /// smallest size: it looks again itself).
    fn free(&self, change: impl FnOnce(&mut InFlight)) {
        let mut state = self.lock();
        change(&mut state);
        if state.waiting && !state.full(0, self.queue) {
            self.freed.notify_all();
        }
    }

    /// A verifying thread took a file.
    fn started(&self) {
        self.free(|s| s.queued -= 1);
    }

    /// A file's bytes are verified and dropped.
    fn free_bytes(&self, bytes: u64) {
        self.free(|s| s.bytes -= bytes);
    }

    /// A file's line is written.
    fn free_file(&self) {
        self.free(|s| s.files -= 1);
    }
}

/// What the producer, the pool and the writer share.
struct Shared {
    budget: Budget,
    /// Set when the output cannot be written: the producer stops.
    stop: AtomicBool,
    /// Files handed to the pool so far.
    found: AtomicU64,
    /// Files the inputs hold, counted beside the run for the progress line (0 until known).
    counted: Arc<AtomicU64>,
}

/// How an input file is read: by its name's ending.
#[derive(Clone, Copy)]
enum Container {
    Zip,
    Tar,
    TarGz,
}

impl Container {
    fn of(path: &Path) -> Option<Container> {
        let name = path.file_name()?.to_string_lossy().to_ascii_lowercase();
        if name.ends_with(".zip") {
            Some(Container::Zip)
        } else if name.ends_with(".tar") {
            Some(Container::Tar)
        } else if name.ends_with(".tar.gz") || name.ends_with(".tgz") {
            Some(Container::TarGz)
        } else {
            None
        }
    }
}

/// A `{"path": …}` line of standard input (other keys ignored).
#[derive(Deserialize)]
struct PathLine {
    path: String,
}

/// Reads up to [`MAX_FILE_BYTES`] of `reader` (`size`: what the file or archive says).
fn read_capped(reader: impl Read, size: u64) -> Result<Vec<u8>, String> {
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The reason given for a pipe, socket or device met in a folder.
const NOT_A_FILE: &str = "not a regular file (a pipe, socket or device): not opened";

fn too_large(size: u64) -> String {
    format!("{size} bytes, over the batch limit of {MAX_FILE_BYTES} per file (verify it alone with yinjian verify)")
}

/// Walks the inputs in order and hands every file to the pool.
struct Producer<'a> {
    /// The pool's queue (bounded by the budget, not by the channel).
    tx: Sender<Job>,
    shared: &'a Shared,
    done_before: &'a HashSet<String>,
    /// The output file, not to be verified when a walk meets it.
    out: Option<PathBuf>,
    seq: u64,
    skipped: u64,
}

impl Producer<'_> {
    /// One command-line input.
    fn input(&mut self, input: &Path) {
        if crate::io::is_stdin(input) {
            self.list(io::stdin().lock(), "-", true);
            return;
        }
        if let Some(list) = input.to_str().and_then(|s| s.strip_prefix('@')) {
            match File::open(list) {
                Ok(file) => self.list(BufReader::new(file), list, false),
                Err(e) => self.send(input.to_string_lossy().into_owned(), Err(e.to_string())),
            }
            return;
        }
        self.walk(input);
    }

    /// Whether `path` was verified by the run being resumed (counted as skipped).
    fn done_before(&mut self, path: &str) -> bool {
        let skip = self.done_before.contains(path);
        self.skipped += u64::from(skip);
        skip
    }

    /// Hands one file to the pool, unless it was done before.
    fn send(&mut self, path: String, input: Result<Vec<u8>, String>) {
        if self.done_before(&path) {
            return;
        }
        self.shared.budget.take(input.as_ref().map_or(0, |b| b.len() as u64));
        self.shared.found.fetch_add(1, Ordering::Relaxed);
        let seq = self.seq;
        self.seq += 1;
        // The pool only goes away once this sender is dropped.
        let _ = self.tx.send(Job { seq, path, input });
    }

    /// A file, a folder (recursively, in name order) or an archive, as named on the command
    /// line or in a list.
    fn walk(&mut self, path: &Path) {
        if self.shared.stop.load(Ordering::Relaxed) {
            return;
        }
        let shown = path.to_string_lossy().into_owned();
        match fs::metadata(path) {
            Ok(meta) if meta.is_dir() => self.folder(path, shown),
            // Named, so opened whatever it is (`<(command)` gives a pipe).
            Ok(_) => self.file(path, shown),
            Err(e) => self.send(shown, Err(e.to_string())),
        }
    }

    /// A folder's entries in name order, folders walked; each entry's kind comes with the
    /// listing, so a file costs no lookup of its path beyond the one that opens it (which
    /// counts on network file systems, where every lookup is a round trip).
    fn folder(&mut self, path: &Path, shown: String) {
        let entries = match fs::read_dir(path) {
            Ok(entries) => entries,
            Err(e) => return self.send(shown, Err(e.to_string())),
        };
        let mut children = Vec::new();
        for entry in entries {
            match entry {
                Ok(entry) => children.push((entry.path(), entry.file_type().ok())),
                Err(e) => self.send(shown.clone(), Err(format!("listing the folder: {e}"))),
            }
        }
        children.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for (child, kind) in children {
            if self.shared.stop.load(Ordering::Relaxed) {
                return;
            }
            if self.is_out(&child) {
                continue;
            }
            let shown = child.to_string_lossy().into_owned();
            // A link is judged by what it points to; an entry the listing gave no kind for is
            // looked up by path.
            let linked = kind.is_some_and(|k| k.is_symlink());
            let kind = match kind {
                Some(kind) if !linked => Ok(kind),
                _ => fs::metadata(&child).map(|m| m.file_type()),
            };
            match kind {
                // Links to folders are not followed (they can loop).
                Ok(kind) if kind.is_dir() && linked => {
                    eprintln!("yinjian batch: {}: a link to a folder, not followed", child.display());
                }
                Ok(kind) if kind.is_dir() => self.folder(&child, shown),
                Ok(kind) if kind.is_file() => self.file(&child, shown),
                // A pipe, socket or device met in a folder is not opened (a pipe would wait
                // forever for a writer).
                Ok(_) => self.send(shown, Err(NOT_A_FILE.to_owned())),
                Err(e) => self.send(shown, Err(e.to_string())),
            }
        }
    }

    /// A file that is not a folder: a document, or an archive whose members are.
    fn file(&mut self, path: &Path, shown: String) {
        if self.done_before(&shown) {
            return;
        }
        match Container::of(path) {
            Some(Container::Zip) => self.zip(path, shown),
            Some(Container::Tar) => match File::open(path) {
                Ok(file) => self.tar(BufReader::new(file), &shown),
                Err(e) => self.send(shown, Err(e.to_string())),
            },
            Some(Container::TarGz) => match File::open(path) {
                Ok(file) => self.tar(flate2::read::MultiGzDecoder::new(BufReader::new(file)), &shown),
                Err(e) => self.send(shown, Err(e.to_string())),
            },
            None => {
                let input = File::open(path).map_err(|e| e.to_string()).and_then(|file| {
                    let size = file.metadata().map_err(|e| e.to_string())?.len();
                    read_capped(file, size)
                });
                self.send(shown, input);
            }
        }
    }

    /// Whether `path` is the output file.
    fn is_out(&self, path: &Path) -> bool {
        let Some(out) = &self.out else { return false };
        out.file_name() == path.file_name() && fs::canonicalize(path).is_ok_and(|p| &p == out)
    }

    /// The members of a ZIP archive, in its central directory's order; a ZIP that is an OFD
    /// package (an `OFD.xml` at its root) is verified whole.
    fn zip(&mut self, path: &Path, shown: String) {
        let opened = File::open(path)
            .map_err(|e| e.to_string())
            .and_then(|file| zip::ZipArchive::new(BufReader::new(file)).map_err(|e| format!("not a ZIP archive: {e}")));
        let mut archive = match opened {
            Ok(archive) => archive,
            Err(e) => return self.send(shown, Err(e)),
        };
        if archive.index_for_name("OFD.xml").is_some() {
            let size = fs::metadata(path).map_or(0, |m| m.len());
            let input = File::open(path)
                .map_err(|e| e.to_string())
                .and_then(|file| read_capped(file, size));
            return self.send(shown, input);
        }
        for index in 0..archive.len() {
            if self.shared.stop.load(Ordering::Relaxed) {
                return;
            }
            let name = match archive.name_for_index(index) {
                Some(Ok(name)) => name.into_owned(),
                _ => format!("#{index}"),
            };
            if name.ends_with('/') {
                continue;
            }
            let member = format!("{shown}!{name}");
            if self.done_before(&member) {
                continue;
            }
            let input = match archive.by_index(index) {
                Ok(file) if file.is_dir() => continue,
                Ok(file) => {
                    let size = file.size();
                    read_capped(file, size)
                }
                Err(e) => Err(e.to_string()),
            };
            self.send(member, input);
        }
    }

    /// The regular files of a TAR stream, in its order.
    fn tar(&mut self, reader: impl Read, shown: &str) {
        let mut archive = tar::Archive::new(reader);
        let entries = match archive.entries() {
            Ok(entries) => entries,
            Err(e) => return self.send(shown.to_string(), Err(format!("not a TAR archive: {e}"))),
        };
        for entry in entries {
            if self.shared.stop.load(Ordering::Relaxed) {
                return;
            }
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => return self.send(shown.to_string(), Err(format!("reading the TAR archive: {e}"))),
            };
            if !entry.header().entry_type().is_file() {
                continue;
            }
            let name = match entry.path() {
                Ok(name) => name.to_string_lossy().into_owned(),
                Err(e) => return self.send(shown.to_string(), Err(format!("a TAR member's name: {e}"))),
            };
            let member = format!("{shown}!{name}");
            if self.done_before(&member) {
                continue;
            }
            let size = entry.size();
            let input = read_capped(entry, size);
            self.send(member, input);
        }
    }

    /// The paths of a list file (`json`: `{"path": …}` lines), each walked; blank lines and,
    /// in a plain list, `#` lines skipped.
    fn list(&mut self, mut reader: impl BufRead, source: &str, json: bool) {
        let mut line = Vec::new();
        for number in 1.. {
            if self.shared.stop.load(Ordering::Relaxed) {
                return;
            }
            line.clear();
            match (&mut reader).take(MAX_LIST_LINE).read_until(b'\n', &mut line) {
                Ok(0) => return,
                Ok(_) => {}
                Err(e) => return self.send(source.to_string(), Err(e.to_string())),
            }
            let at = format!("{source}:{number}");
            if !line.ends_with(b"\n") && line.len() as u64 == MAX_LIST_LINE {
                // Skip the rest of the over-long line.
                let mut rest = Vec::new();
                let _ = reader.read_until(b'\n', &mut rest);
                self.send(at, Err(format!("a line longer than {MAX_LIST_LINE} bytes")));
                continue;
            }
            let text = String::from_utf8_lossy(&line);
            let text = text.trim();
            if text.is_empty() || (!json && text.starts_with('#')) {
                continue;
            }
            if !json {
                self.walk(Path::new(text));
                continue;
            }
            match serde_json::from_str::<PathLine>(text) {
                Ok(PathLine { path }) => self.walk(Path::new(&path)),
                Err(e) => self.send(at, Err(format!("not a {{\"path\": …}} line: {e}"))),
            }
        }
    }
}

/// Verifies one file (a panic in the library becomes a record, never the end of the run).
fn verify(verifier: &Verifier, budget: &Budget, job: Job) -> Done {
    budget.started();
    let start = Instant::now();
    let (record, bytes) = match job.input {
        Ok(input) => {
            let record = catch_unwind(AssertUnwindSafe(|| {
                BatchRecord::verify(verifier, job.path.clone(), &input)
            }))
            .unwrap_or_else(|_| {
                BatchRecord::unreadable(
                    job.path.clone(),
                    "the verifier failed on this file (a bug: please report it)",
                )
            });
            (record, input.len() as u64)
        }
        Err(why) => (BatchRecord::unreadable(job.path.clone(), why), 0),
    };
    budget.free_bytes(bytes);
    // The library call every face makes per file: the record, its line and the record freed
    // (the Python package's `batch_record` returns the same line and frees the same record).
    let mut line = record.to_json_line();
    let (status, reason, path) = (record.status, record.reason, record.path);
    let invoice_key = record.invoice.and_then(|i| i.key);
    drop(record.report);
    let took = start.elapsed();
    line.push('\n');
    Done {
        seq: job.seq,
        status,
        reason,
        invoice_key,
        path,
        line,
        bytes,
        took,
    }
}

/// What the run saw: verdicts, reasons, the slowest files.
#[derive(Default)]
struct Tally {
    /// Files per verdict: PASSED, INDETERMINATE, FAILED (in [`Status`] order).
    statuses: BTreeMap<Status, u64>,
    reasons: BTreeMap<String, u64>,
    slowest: Vec<(Duration, String)>,
    verified: u64,
    /// Time spent in the library call (`BatchRecord::verify`, its JSON line and the record
    /// freed, as the Python package's `batch_record` makes it), summed over the files.
    verifying: Duration,
    bytes: u64,
    kept: u64,
    /// E-invoice key → the paths written under it, in the order written.
    invoices: HashMap<String, Vec<Arc<str>>>,
    /// The paths of the invoice lines written (a path met again is not its own duplicate).
    invoice_paths: HashSet<Arc<str>>,
}

impl Tally {
    fn count(&mut self, status: Status, reason: Option<&str>) {
        *self.statuses.entry(status).or_default() += 1;
        if let Some(reason) = reason {
            *self.reasons.entry(reason.to_string()).or_default() += 1;
        }
    }

    /// Notes that `path` holds the invoice `key`; gives the paths written under that key
    /// before, the first [`MAX_DUPLICATE_OF`] (a path met again, as when an input is named
    /// twice, is not its own duplicate).
    fn invoice(&mut self, key: &str, path: &str) -> Vec<String> {
        if self.invoice_paths.contains(path) {
            return Vec::new();
        }
        let path: Arc<str> = Arc::from(path);
        self.invoice_paths.insert(Arc::clone(&path));
        let paths = self.invoices.entry(key.to_owned()).or_default();
        let earlier = paths.iter().take(MAX_DUPLICATE_OF).map(|p| p.to_string()).collect();
        paths.push(path);
        earlier
    }

    /// The invoices written under more than one path, by key.
    fn duplicates(&self) -> BTreeMap<&str, &[Arc<str>]> {
        self.invoices
            .iter()
            .filter(|(_, paths)| paths.len() > 1)
            .map(|(key, paths)| (key.as_str(), paths.as_slice()))
            .collect()
    }

    fn add(&mut self, done: &Done) {
        self.count(done.status, done.reason.map(|r| r.as_str()));
        self.verified += 1;
        self.verifying += done.took;
        self.bytes += done.bytes;
        if self.slowest.len() < SLOWEST_SHOWN || self.slowest.last().is_some_and(|(t, _)| *t < done.took) {
            self.slowest.push((done.took, done.path.clone()));
            self.slowest.sort_by_key(|(took, _)| std::cmp::Reverse(*took));
            self.slowest.truncate(SLOWEST_SHOWN);
        }
    }

    /// 0 all PASSED, 1 any FAILED or any e-invoice seen twice, 2 any INDETERMINATE (FAILED
    /// and duplicates win), as `yinjian invoice list`.
    fn exit_code(&self) -> ExitCode {
        if !self.duplicates().is_empty() {
            return ExitCode::from(1);
        }
        ExitCode::from(match self.statuses.keys().max() {
            Some(Status::Failed) => 1,
            Some(Status::Indeterminate) => 2,
            _ => 0,
        })
    }

    fn table(&self) -> String {
        let mut t = String::from("verdict                     files\n");
        for (status, n) in &self.statuses {
            t += &format!("{:<24}{n:>9}\n", status.as_str());
        }
        let total: u64 = self.statuses.values().sum();
        t += &format!("{:<24}{total:>9}\n", "total");
        if self.kept > 0 {
            t += &format!("  of which {} from the run resumed\n", self.kept);
        }
        if !self.reasons.is_empty() {
            t += "\nreason                      files\n";
            let mut reasons: Vec<_> = self.reasons.iter().collect();
            reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
            for (reason, n) in reasons {
                t += &format!("{reason:<24}{n:>9}\n");
            }
        }
        let duplicates = self.duplicates();
        if !duplicates.is_empty() {
            let files: usize = duplicates.values().map(|p| p.len()).sum();
            t += &format!("\nduplicated invoices: {} ({files} files)\n", duplicates.len());
            for (key, paths) in duplicates {
                t += &format!("  {key}  {} files\n", paths.len());
                for path in paths {
                    t += &format!("    {path}\n");
                }
            }
        }
        if self.verified > 0 {
            t += &format!(
                "\nverified in this run: {} file(s), {:.1} MB; library call {:.1} µs/file on average\n",
                self.verified,
                self.bytes as f64 / 1e6,
                self.verifying.as_secs_f64() * 1e6 / self.verified as f64
            );
        }
        if !self.slowest.is_empty() {
            t += "\nslowest files                 ms\n";
            for (took, path) in &self.slowest {
                t += &format!("{:>10.1}  {path}\n", took.as_secs_f64() * 1e3);
            }
        }
        t
    }
}

/// A line of an earlier run's output, as far as resuming needs it.
#[derive(Deserialize)]
struct Seen {
    path: String,
    status: Status,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    invoice: Option<SeenInvoice>,
}

/// The invoice of an earlier line, as far as duplicates need it.
#[derive(Deserialize)]
struct SeenInvoice {
    #[serde(default)]
    key: Option<String>,
}

/// The paths an earlier run wrote to `out` (counted into `tally`, their invoices' keys too,
/// so that this run flags duplicates of them); a truncated last line (a run killed while
/// writing it) is cut off the file, so that its file is verified again.
fn read_done(out: &Path, tally: &mut Tally) -> Result<HashSet<String>, String> {
    let name = |e: &dyn std::fmt::Display| format!("{}: {e}", out.display());
    let file = match File::open(out) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(HashSet::new()),
        Err(e) => return Err(name(&e)),
    };
    let mut reader = BufReader::new(file);
    let (mut done, mut good, mut line, mut bad) = (HashSet::new(), 0u64, Vec::new(), None);
    for number in 1.. {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| name(&e))?;
        if n == 0 {
            break;
        }
        if let Some(number) = bad {
            return Err(name(&format!(
                "line {number} is not a batch record (only the last line may be cut short); not resuming over it"
            )));
        }
        match serde_json::from_slice::<Seen>(&line) {
            Ok(seen) if line.ends_with(b"\n") => {
                tally.count(seen.status, seen.reason.as_deref());
                tally.kept += 1;
                if let Some(key) = seen.invoice.and_then(|i| i.key) {
                    tally.invoice(&key, &seen.path);
                }
                done.insert(seen.path);
                good += n as u64;
            }
            _ => bad = Some(number),
        }
    }
    if bad.is_some() {
        eprintln!(
            "yinjian batch: {}: dropping the cut-off last line; its file is verified again",
            out.display()
        );
        OpenOptions::new()
            .write(true)
            .open(out)
            .and_then(|f| f.set_len(good))
            .map_err(|e| name(&e))?;
    }
    Ok(done)
}

/// How many files `input` holds, for the progress line's ETA: folders walked, ZIP members
/// counted from the central directory, a TAR or a list counted as one (their count is known
/// only once read), standard input as none.
fn count(input: &Path) -> u64 {
    if crate::io::is_stdin(input) {
        return 0;
    }
    if input.to_str().is_some_and(|s| s.starts_with('@')) {
        return 1;
    }
    match fs::metadata(input) {
        Ok(meta) if meta.is_dir() => fs::read_dir(input).map_or(0, |entries| {
            entries
                .flatten()
                .filter(|e| !e.file_type().is_ok_and(|t| t.is_symlink()) || e.path().is_file())
                .map(|e| count(&e.path()))
                .sum()
        }),
        Ok(_) if matches!(Container::of(input), Some(Container::Zip)) => File::open(input)
            .ok()
            .and_then(|f| zip::ZipArchive::new(BufReader::new(f)).ok())
            .map_or(1, |z| z.len() as u64),
        _ => 1,
    }
}

/// The progress line on a terminal: files, MB, rate, ETA.
fn progress_bar() -> Option<ProgressBar> {
    if !io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{pos}/{len} files  {msg}  {elapsed} elapsed, ETA {eta}") {
        bar.set_style(style);
    }
    Some(bar)
}

/// Writes each line as it comes (or in input order), until the pool is done, flushing when no
/// line is waiting, at most every [`FLUSH_EVERY`] (a killed run loses the lines of its last
/// moments, which `--resume` verifies again, and lines go out in large writes); the progress
/// line's total is what the producer `found` or, when larger, what the inputs were `counted`
/// to hold. A write error stops the producer and is returned once the pool has drained.
fn write_lines(
    done: Receiver<Done>,
    sink: &mut dyn Write,
    ordered: bool,
    tally: &mut Tally,
    shared: &Shared,
) -> io::Result<()> {
    let bar = progress_bar();
    let start = Instant::now();
    let mut waiting = BTreeMap::new();
    let mut next = 0u64;
    let mut failed: Option<io::Error> = None;
    // The first write error stops the producer; later lines are still counted, not written.
    let keep = |result: io::Result<()>, failed: &mut Option<io::Error>| {
        if let (Err(e), None) = (result, &failed) {
            shared.stop.store(true, Ordering::Relaxed);
            *failed = Some(e);
        }
    };
    let write = |mut d: Done, sink: &mut dyn Write, failed: &mut Option<io::Error>, tally: &mut Tally| {
        if let Some(key) = &d.invoice_key {
            let earlier = tally.invoice(key, &d.path);
            if !earlier.is_empty() {
                d.line = BatchRecord::line_with_duplicate_of(&d.line, &earlier);
            }
        }
        if failed.is_none() {
            keep(sink.write_all(d.line.as_bytes()), failed);
        }
        tally.add(&d);
        shared.budget.free_file();
        if let Some(bar) = &bar {
            let counted = shared.counted.load(Ordering::Relaxed);
            bar.set_length(shared.found.load(Ordering::Relaxed).max(counted));
            bar.set_position(tally.verified);
            let (mb, secs) = (tally.bytes as f64 / 1e6, start.elapsed().as_secs_f64().max(1e-3));
            bar.set_message(format!(
                "{mb:.1} MB  {:.0} files/s  {:.1} MB/s",
                tally.verified as f64 / secs,
                mb / secs
            ));
        }
    };
    let mut flushed = Instant::now();
    loop {
        let d = match done.try_recv() {
            Ok(d) => d,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                // Nothing waiting: flush what was written (at most every FLUSH_EVERY), then
                // look again after a short sleep rather than be woken for every line (a
                // wake-up per file cost the pool more than the writing).
                if flushed.elapsed() >= FLUSH_EVERY {
                    keep(sink.flush(), &mut failed);
                    flushed = Instant::now();
                }
                std::thread::sleep(WRITER_POLL);
                continue;
            }
        };
        if !ordered {
            write(d, sink, &mut failed, tally);
            continue;
        }
        waiting.insert(d.seq, d);
        while let Some(d) = waiting.remove(&next) {
            write(d, sink, &mut failed, tally);
            next += 1;
        }
    }
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    keep(sink.flush(), &mut failed);
    failed.map_or(Ok(()), Err)
}

/// Runs `yinjian batch`.
pub(crate) fn run(args: BatchArgs) -> Result<ExitCode, String> {
    let at = validation_time(args.at.as_deref())?;
    let mut issuers = IssuerList::new();
    for path in &args.licence_issuers {
        issuers
            .add_pem(&crate::io::read_file(path)?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let verifier = args
        .trust
        .verifier(Clock::Fixed(at), &args.signer_cert)?
        .licence_issuers(issuers);
    let jobs = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(|i| format!("yinjian-batch-{i}"))
        .build()
        .map_err(|e| format!("thread pool: {e}"))?;
    let mut tally = Tally::default();
    let done_before = match (&args.out, args.resume) {
        (Some(out), true) => read_done(out, &mut tally)?,
        _ => HashSet::new(),
    };
    let mut sink: Box<dyn Write> = match &args.out {
        Some(out) => Box::new(BufWriter::with_capacity(
            OUTPUT_BUFFER,
            OpenOptions::new()
                .create(true)
                .write(true)
                .append(args.resume)
                .truncate(!args.resume)
                .open(out)
                .map_err(|e| format!("{}: {e}", out.display()))?,
        )),
        None => Box::new(BufWriter::with_capacity(OUTPUT_BUFFER, io::stdout().lock())),
    };
    let out = args.out.as_ref().and_then(|p| fs::canonicalize(p).ok());
    let shared = Shared {
        budget: Budget::new(JOBS_QUEUED.max(2 * jobs)),
        stop: AtomicBool::new(false),
        found: AtomicU64::new(0),
        counted: Arc::default(),
    };
    if io::stderr().is_terminal() {
        // Counted beside the run, for the progress line's ETA only.
        let (inputs, counted) = (args.inputs.clone(), Arc::clone(&shared.counted));
        std::thread::spawn(move || counted.store(inputs.iter().map(|i| count(i)).sum(), Ordering::Relaxed));
    }

    let (job_tx, job_rx) = mpsc::channel::<Job>();
    let (done_tx, done_rx) = mpsc::channel::<Done>();
    let (written, skipped) = std::thread::scope(|scope| {
        let (shared, done_before, inputs) = (&shared, &done_before, &args.inputs);
        let producer = scope.spawn(move || {
            let mut producer = Producer {
                tx: job_tx,
                shared,
                done_before,
                out,
                seq: 0,
                skipped: 0,
            };
            for input in inputs {
                producer.input(input);
            }
            producer.skipped
        });
        let verifier = &verifier;
        let pool = &pool;
        scope.spawn(move || {
            pool.install(|| {
                job_rx.into_iter().par_bridge().for_each_with(done_tx, |tx, job| {
                    let _ = tx.send(verify(verifier, &shared.budget, job));
                });
            });
        });
        let written = write_lines(done_rx, &mut *sink, args.ordered, &mut tally, shared);
        (written, producer.join().unwrap_or(0))
    });
    written.map_err(|e| format!("writing the lines: {e}"))?;
    drop(sink);
    if skipped > 0 {
        eprintln!("yinjian batch: {skipped} file(s) already in the output, skipped");
    }
    if tally.statuses.is_empty() {
        eprintln!("yinjian batch: no files found");
    }
    if args.summary {
        if args.out.is_some() {
            print!("{}", tally.table());
        } else {
            eprint!("{}", tally.table());
        }
    }
    Ok(tally.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_producer_that_filled_the_queue_waits_until_half_of_it_is_taken() {
        let mut state = InFlight {
            queued: 4,
            ..InFlight::default()
        };
        assert!(state.full(0, 4), "a full queue makes the producer wait");
        state.waiting = true;
        state.queued = 3;
        assert!(state.full(0, 4), "one file taken is not enough to wake it");
        state.queued = 2;
        assert!(!state.full(0, 4), "half the queue taken wakes it");
        state.waiting = false;
        state.queued = 3;
        assert!(!state.full(0, 4), "a producer not waiting fills the queue up");
    }

    #[test]
    fn files_and_bytes_in_flight_are_capped_but_one_large_file_still_goes() {
        let files = InFlight {
            files: MAX_FILES_IN_FLIGHT,
            ..InFlight::default()
        };
        assert!(files.full(0, 64));
        let bytes = InFlight {
            bytes: MAX_BYTES_IN_FLIGHT,
            ..InFlight::default()
        };
        assert!(bytes.full(1, 64));
        assert!(!bytes.full(0, 64));
        assert!(
            !InFlight::default().full(MAX_BYTES_IN_FLIGHT * 2, 64),
            "alone, a large file goes"
        );
    }
}
