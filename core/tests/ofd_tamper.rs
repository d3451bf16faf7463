//! Tampered OFD packages, built in memory from good corpus documents (`../shared/corpus/ofd`)
//! with one change each: the verifier must give the right reason on the right signature, and
//! hostile ZIP containers (unsafe names, duplicates, bombs, lying sizes, huge entry counts)
//! must be refused by the package reader without panicking or allocating past its limits.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Read, Write};
use std::path::{Path, PathBuf};

use yinjian::ofd::package::{Package, MAX_ENTRIES, MAX_ENTRY_SIZE, MAX_XML_SIZE, RATIO_FLOOR};
use yinjian::ofd::{verify_ofd_bytes, OfdOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::TrustStore;
use yinjian::{Check, Reason, Report, Status, Time};

// ---------------------------------------------------------------------------------------
// Peak heap use of the current thread, so the hostile-package cases can show that nothing
// close to the sizes an archive claims is ever allocated. Counters are per thread because
// the test harness runs tests in parallel.

struct PeakCounting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

fn note(grow: usize, shrink: usize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get().saturating_add(grow).saturating_sub(shrink);
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is forwarded unchanged to the system allocator; the bookkeeping only
// touches `const`-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for PeakCounting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            note(layout.size(), 0);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            note(layout.size(), 0);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        note(0, layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            note(new_size, layout.size());
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: PeakCounting = PeakCounting;

/// Runs `f` and returns its result with the most heap it held at once beyond what was live
/// when it started.
fn peak_heap<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let out = f();
    (out, PEAK.with(Cell::get).saturating_sub(base))
}

const MIB: usize = 1024 * 1024;

// The limits the hostile cases rely on: 100,000 entries are too many, a 300-byte entry is
// under the ratio floor, and an XML file fits in an entry.
const _: () = assert!(MAX_ENTRIES < 100_000 && 300 < RATIO_FLOOR && MAX_XML_SIZE < MAX_ENTRY_SIZE);

// ---------------------------------------------------------------------------------------
// Corpus documents, re-zipped with one change.

/// A file of the corpus OFD folder; the tests that read one return early without it.
fn corpus(name: &str) -> PathBuf {
    common::corpus_root().join("ofd").join(name)
}

/// The entries of a corpus document, in archive order.
fn unpack(name: &str) -> Vec<(String, Vec<u8>)> {
    unpack_bytes(std::fs::read(corpus(name)).unwrap_or_else(|e| panic!("{name}: {e}")))
}

/// The entries of the OFD test vector `name` (`test-vectors/ofd`, made by this project).
fn unpack_vector(name: &str) -> Vec<(String, Vec<u8>)> {
    unpack_bytes(std::fs::read(common::vectors().join("ofd").join(name)).unwrap())
}

/// The entries of a package, in archive order.
fn unpack_bytes(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .filter_map(|i| {
            let mut file = zip.by_index(i).unwrap();
            if file.is_dir() {
                return None;
            }
            let mut data = Vec::new();
            file.read_to_end(&mut data).unwrap();
            Some((file.name().unwrap().into_owned(), data))
        })
        .collect()
}

/// A package with these entries, deflated, written by the `zip` crate.
fn rezip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(name.as_str(), options).unwrap();
        writer.write_all(data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

fn file<'a>(entries: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    entries
        .iter_mut()
        .find(|(n, _)| n == name)
        .map(|(_, d)| d)
        .unwrap_or_else(|| panic!("no {name} in the package"))
}

fn replace_text(data: &mut Vec<u8>, from: &str, to: &str) {
    let text = String::from_utf8(std::mem::take(data)).unwrap();
    assert!(text.contains(from), "{from:?} not found");
    *data = text.replacen(from, to, 1).into_bytes();
}

fn options(trust: &TrustStore) -> OfdOptions<'_> {
    OfdOptions::new(SealOptions::new(trust, Time::parse("2026-11-24T00:00:00Z").unwrap()))
}

fn verify(bytes: &[u8]) -> Report {
    verify_ofd_bytes(bytes, &options(&TrustStore::new()))
}

/// Verifies corpus document `name` after `change`.
fn tampered(name: &str, change: impl FnOnce(&mut Vec<(String, Vec<u8>)>)) -> Report {
    let mut entries = unpack(name);
    change(&mut entries);
    verify(&rezip(&entries))
}

fn check<'a>(report: &'a Report, name: &str) -> &'a Check {
    report
        .check(name)
        .unwrap_or_else(|| panic!("no {name} in\n{}", report.to_text()))
}

fn reason(report: &Report, name: &str) -> Option<Reason> {
    let c = check(report, name);
    assert_eq!(c.reason.map_or(Status::Passed, Reason::status), c.status, "{name}");
    c.reason
}

fn strings(value: Option<&serde_json::Value>) -> Vec<String> {
    value.and_then(|v| v.as_array()).map_or(Vec::new(), |list| {
        list.iter()
            .filter_map(|v| v.as_str().or_else(|| v["file"].as_str()).map(str::to_owned))
            .collect()
    })
}

/// Files `ofd.references` names as changed after signing.
fn changed(part: &Report) -> Vec<String> {
    strings(check(part, "ofd.references").details.get("changed"))
}

fn uncovered(report: &Report) -> Vec<String> {
    strings(check(report, "ofd.coverage").details.get("uncovered"))
}

/// The seal signature itself (signer and maker signatures, signed digest) is intact.
fn assert_seal_intact(part: &Report) {
    for name in ["seal.signature.value", "seal.data-hash", "seal.maker.signature"] {
        assert_eq!(reason(part, name), None, "{name}:\n{}", part.to_text());
    }
}

// ---------------------------------------------------------------------------------------
// Changes to the signed content.

#[test]
fn untouched_rezip_still_verifies() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // The baseline of every case below: re-zipping alone changes nothing.
    for name in ["allprotected.ofd", "V4RideRight.ofd", "h.ofd", "1.ofd"] {
        let report = tampered(name, |_| {});
        assert_eq!(report.status, Status::Indeterminate, "{name}:\n{}", report.to_text());
        for part in &report.parts {
            assert_eq!(reason(part, "ofd.references"), None, "{name}");
            assert_seal_intact(part);
        }
    }
}

#[test]
fn one_byte_of_a_page_changed_is_named() {
    if common::corpus("ofd").is_none() {
        return;
    }
    for (doc, page) in [
        ("allprotected.ofd", "Doc_0/Pages/Page_0/Content.xml"),
        ("V4RideRight.ofd", "Doc_0/Pages/Page_3/Content.xml"),
    ] {
        let report = tampered(doc, |e| {
            let data = file(e, page);
            let at = data.len() / 2;
            data[at] ^= 0x01;
        });
        let part = &report.parts[0];
        assert_eq!(
            reason(part, "ofd.references"),
            Some(Reason::ModifiedAfterSigning),
            "{doc}"
        );
        assert_eq!(changed(part), vec![page.to_owned()], "{doc}");
        assert_seal_intact(part);
        assert_eq!(report.status, Status::Failed);
        assert_eq!(report.reason, Some(Reason::ModifiedAfterSigning));
    }
}

#[test]
fn a_page_added_after_signing_names_document_xml() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = tampered("allprotected.ofd", |e| {
        replace_text(
            file(e, "Doc_0/Document.xml"),
            "</ofd:Pages>",
            r#"<ofd:Page ID="5" BaseLoc="Pages/Page_1/Content.xml"/></ofd:Pages>"#,
        );
        let page = file(e, "Doc_0/Pages/Page_0/Content.xml").clone();
        e.push(("Doc_0/Pages/Page_1/Content.xml".into(), page));
    });
    let part = &report.parts[0];
    assert_eq!(reason(part, "ofd.references"), Some(Reason::ModifiedAfterSigning));
    assert_eq!(changed(part), vec!["Doc_0/Document.xml"]);
    assert_seal_intact(part);
    // The new page itself is covered by no signature.
    assert_eq!(uncovered(&report), vec!["Doc_0/Pages/Page_1/Content.xml"]);
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn a_changed_picture_is_caught_wherever_it_lives() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // An image resource the signature references (the e-invoice's JBIG2 picture): named.
    let report = tampered("1.ofd", |e| file(e, "Doc_0/Res/image_78.jb2")[40] ^= 0x80);
    let part = &report.parts[0];
    assert_eq!(changed(part), vec!["Doc_0/Res/image_78.jb2"]);
    assert_seal_intact(part);

    // The seal's own picture sits inside SES_Signature → TBS_Sign → SESeal → SES_SealInfo:
    // both the signer's and the maker's signatures cover it.
    let report = tampered("allprotected.ofd", |e| {
        let value = file(e, "Doc_0/Signs/Sign_0/SignedValue.dat");
        let png = value
            .windows(4)
            .position(|w| w == b"\x89PNG")
            .expect("a PNG seal picture");
        value[png + 100] ^= 0x01;
    });
    let part = &report.parts[0];
    assert_eq!(
        reason(part, "ofd.references"),
        None,
        "SignedValue.dat is not a reference"
    );
    assert_eq!(reason(part, "seal.signature.value"), Some(Reason::BadSignature));
    assert_eq!(reason(part, "seal.maker.signature"), Some(Reason::BadSignature));
    assert_eq!(reason(part, "seal.data-hash"), None);
    // …and the Seal.esl file beside it no longer matches the seal inside the signature.
    assert_eq!(reason(part, "ofd.seal-file"), Some(Reason::ModifiedAfterSigning));
    assert_eq!(report.status, Status::Failed);

    // Another seal file (another picture) put in place of Seal.esl: a referenced file.
    let other_seal = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/seal/v4.esl")).unwrap();
    let report = tampered("allprotected.ofd", |e| {
        *file(e, "Doc_0/Signs/Sign_0/Seal.esl") = other_seal;
    });
    let part = &report.parts[0];
    assert_eq!(changed(part), vec!["Doc_0/Signs/Sign_0/Seal.esl"]);
    assert_eq!(reason(part, "ofd.seal-file"), Some(Reason::ModifiedAfterSigning));
    assert_seal_intact(part);
}

#[test]
fn swapping_the_signature_values_of_two_signatures() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let sv = |i: usize| format!("Doc_0/Signs/Sign_{i}/SignedValue.dat");
    let report = tampered("h.ofd", |e| {
        let first = std::mem::take(file(e, &sv(0)));
        let second = std::mem::replace(file(e, &sv(1)), first);
        *file(e, &sv(0)) = second;
    });
    assert_eq!(report.parts.len(), 2);
    for part in &report.parts {
        // Each SES_Signature now signs the other Signature.xml.
        assert_eq!(
            reason(part, "seal.data-hash"),
            Some(Reason::HashMismatch),
            "{}",
            part.to_text()
        );
        assert_eq!(
            reason(part, "seal.signature.value"),
            None,
            "the SES_Signature itself is intact"
        );
    }
    // Sign_0 references nothing of Sign_1; Sign_1 protects Sign_0's files, and names the one
    // that changed under it.
    assert_eq!(reason(&report.parts[0], "ofd.references"), None);
    assert_eq!(changed(&report.parts[1]), vec![sv(0)]);
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn swapping_the_signature_files_of_two_signatures() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // Signature.xml names its SignedValue by absolute path, so swapping the two Signature.xml
    // files swaps complete signatures: each still carries the value that signs it, and
    // seal.data-hash holds. The swap shows in the references instead, on both signatures.
    let sx = |i: usize| format!("Doc_0/Signs/Sign_{i}/Signature.xml");
    let report = tampered("h.ofd", |e| {
        let first = std::mem::take(file(e, &sx(0)));
        let second = std::mem::replace(file(e, &sx(1)), first);
        *file(e, &sx(0)) = second;
    });
    assert_eq!(report.parts.len(), 2);
    for part in &report.parts {
        assert_seal_intact(part);
        assert_eq!(
            reason(part, "ofd.references"),
            Some(Reason::ModifiedAfterSigning),
            "{}",
            part.to_text()
        );
    }
    // The first listed now holds Sign_1's content, which protected the old Sign_0 file.
    assert_eq!(changed(&report.parts[0]), vec![sx(0)]);
    // The last listed now holds Sign_0's content, whose reference to the signature list
    // (as it was before Sign_1) no later signature explains any more.
    assert_eq!(changed(&report.parts[1]), vec!["Doc_0/Signs/Signatures.xml"]);
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn editing_signature_xml_breaks_the_seal_data_hash() {
    if common::corpus("ofd").is_none() {
        return;
    }
    const SIG: &str = "Doc_0/Signs/Sign_0/Signature.xml";
    type Edit = fn(&mut Vec<u8>);
    let cases: [(&str, Edit); 3] = [
        ("a Reference removed", |xml| {
            replace_text(
                xml,
                r#"<ofd:Reference FileRef="/Doc_0/PublicRes.xml"><ofd:CheckValue>2Io47ukhAMhlxfsQ5ZvNixC8u41tz5cMrtIERsdyDiM=</ofd:CheckValue></ofd:Reference>"#,
                "",
            )
        }),
        ("a Reference pointed at another file", |xml| {
            replace_text(
                xml,
                r#"FileRef="/Doc_0/PublicRes.xml""#,
                r#"FileRef="/Doc_0/Document.xml""#,
            )
        }),
        ("a CheckValue replaced to match an edited page", |xml| {
            replace_text(
                xml,
                "5JttKNGiG/UyVR8PGGMRjU4vLUSbvcHCIm8gWRbPRNw=",
                "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            )
        }),
    ];
    for (what, edit) in cases {
        let report = tampered("allprotected.ofd", |e| edit(file(e, SIG)));
        let part = &report.parts[0];
        assert_eq!(reason(part, "seal.data-hash"), Some(Reason::HashMismatch), "{what}");
        assert_eq!(reason(part, "seal.signature.value"), None, "{what}");
        assert_eq!(report.status, Status::Failed, "{what}");
    }
}

#[test]
fn a_file_added_after_signing_is_uncovered_but_breaks_nothing() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = tampered("allprotected.ofd", |e| {
        e.push(("Doc_0/Attachs/added-later.xml".into(), b"<later/>".to_vec()));
    });
    let part = &report.parts[0];
    assert_eq!(reason(part, "ofd.references"), None);
    assert_seal_intact(part);
    assert_eq!(reason(&report, "ofd.coverage"), None);
    assert_eq!(uncovered(&report), vec!["Doc_0/Attachs/added-later.xml"]);
    assert_eq!(report.status, Status::Indeterminate, "only trust is unknown");
}

/// The first signature of a document.
const FIRST_SIG: &str = "Doc_0/Signs/Sign_0/Signature.xml";

const SM3_OID: &str = r#"CheckMethod="1.2.156.10197.1.401""#;

/// The CheckMethod `n.ofd`-style documents carry (the SM3 OID with `.2`): not supported.
const UNSUPPORTED_METHOD: &str = r#"CheckMethod="1.2.156.10197.1.401.2""#;

/// `ofd.coverage` when a signature's CheckMethod is not supported: not PASSED, and the
/// message says why rather than only listing files "no signature covers".
fn assert_coverage_unknown(report: &Report, signature: &str) {
    let coverage = check(report, "ofd.coverage");
    assert_eq!(coverage.status, Status::Indeterminate, "{}", report.to_text());
    assert_eq!(coverage.reason, Some(Reason::Unsupported));
    assert!(
        coverage
            .message
            .starts_with("what the signatures cover cannot be established")
            && coverage
                .message
                .contains("1.2.156.10197.1.401.2\", which is not supported"),
        "{}",
        coverage.message
    );
    assert_eq!(
        strings(coverage.details.get("unchecked_signatures")),
        vec![signature.to_owned()]
    );
    assert_ne!(report.status, Status::Passed);
}

#[test]
fn an_unsupported_check_method_leaves_coverage_unknown() {
    // A document this project made (no corpus needed).
    let mut entries = unpack_vector("sealed.ofd");
    let report = verify(&rezip(&entries));
    assert_eq!(reason(&report, "ofd.coverage"), None, "the baseline is covered");
    replace_text(file(&mut entries, FIRST_SIG), SM3_OID, UNSUPPORTED_METHOD);
    let report = verify(&rezip(&entries));
    assert_coverage_unknown(&report, FIRST_SIG);
    assert_eq!(reason(&report.parts[0], "ofd.references"), Some(Reason::Unsupported));
    // Before, the pages and OFD.xml were listed as files no signature covers.
    assert!(
        check(&report, "ofd.coverage")
            .message
            .contains("no checked signature covers: ")
            && uncovered(&report).contains(&"Doc_0/Pages/Page_0/Content.xml".to_owned()),
        "{}",
        check(&report, "ofd.coverage").message
    );

    // A real product's document, one of its two signatures so changed: still unknown.
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = tampered("zsbk.ofd", |e| {
        replace_text(file(e, "Doc_0/Signs/Sign_1/Signature.xml"), SM3_OID, UNSUPPORTED_METHOD)
    });
    assert_coverage_unknown(&report, "Doc_0/Signs/Sign_1/Signature.xml");
    assert_eq!(
        reason(&report.parts[0], "ofd.references"),
        Some(Reason::ModifiedAfterSigning)
    );
}

/// `ofd.stamp` shows the page number in document order; the page's object ID is a detail.
#[test]
fn stamps_show_the_page_number_not_the_page_object_id() {
    let stamp = |entries: &[(String, Vec<u8>)]| check(&verify(&rezip(entries)).parts[0], "ofd.stamp").clone();
    let mut entries = unpack_vector("sealed.ofd");
    // Page 1 given object ID 1021 (Document.xml and the stamp's PageRef alike), then a
    // second page before it.
    replace_text(
        file(&mut entries, "Doc_0/Document.xml"),
        r#"<ofd:Page ID="1" "#,
        r#"<ofd:Page ID="1021" "#,
    );
    replace_text(file(&mut entries, FIRST_SIG), r#"PageRef="1""#, r#"PageRef="1021""#);
    let one = stamp(&entries);
    assert_eq!(one.message, "stamp shown on page 1 at [120 60 40 40]");
    assert_eq!(one.details["annotations"][0]["page_ref"], "1021");
    assert_eq!(one.details["annotations"][0]["page"], 1);
    replace_text(
        file(&mut entries, "Doc_0/Document.xml"),
        r#"<ofd:Page ID="1021" "#,
        r#"<ofd:Page ID="7" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="1021" "#,
    );
    assert_eq!(stamp(&entries).message, "stamp shown on page 2 at [120 60 40 40]");
    // A PageRef no page has: said so, by its ID.
    replace_text(file(&mut entries, FIRST_SIG), r#"PageRef="1021""#, r#"PageRef="99""#);
    let stray = stamp(&entries);
    assert_eq!(
        stray.message,
        "stamp shown on page object 99 (not a page of the document) at [120 60 40 40]"
    );
    assert_eq!(stray.details["annotations"][0]["page"], serde_json::Value::Null);

    // Real documents: page objects 1, 21, 43, 63, 83 are pages 1 to 5; 677 is page 2.
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = tampered("V4RideRight.ofd", |_| {});
    let riding = check(&report.parts[0], "ofd.stamp");
    assert!(
        riding
            .message
            .starts_with("stamp shown on page 1 at [202 40 40 40]; page 2 at [194 40 40 40]; page 3 at")
            && riding.message.ends_with("page 5 at [170 40 40 40]"),
        "{}",
        riding.message
    );
    assert_eq!(riding.details["annotations"][4]["page_ref"], "83");
    let report = tampered("zsbk.ofd", |_| {});
    let zsbk = check(&report.parts[0], "ofd.stamp");
    assert_eq!(zsbk.message, "stamp shown on page 2 at [142.00 243.50 45.00 45.00]");
    assert_eq!(zsbk.details["annotations"][0]["page_ref"], "677");
}

// ---------------------------------------------------------------------------------------
// Hostile containers, written byte by byte: the `zip` crate's writer refuses most of them.

/// One entry of a hand-made archive.
struct Raw {
    name: Vec<u8>,
    /// 0 stored, 8 deflated.
    method: u16,
    /// The bytes as stored in the archive.
    data: Vec<u8>,
    crc: u32,
    /// The uncompressed size the headers claim.
    size: u64,
}

impl Raw {
    fn stored(name: &str, data: &[u8]) -> Raw {
        Raw {
            name: name.as_bytes().to_vec(),
            method: 0,
            data: data.to_vec(),
            crc: crc32(data),
            size: data.len() as u64,
        }
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xEDB8_8320 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

/// A ZIP archive of these entries. A claimed size of 4 GiB or more is written ZIP64-style
/// (0xFFFFFFFF in the header, the size in a ZIP64 extra field).
fn raw_zip(entries: &[Raw]) -> Vec<u8> {
    let u16le = |v: usize| u16::try_from(v).unwrap().to_le_bytes();
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let compressed = u32::try_from(e.data.len()).unwrap();
        let (size32, extra) = match u32::try_from(e.size) {
            Ok(s) if s != u32::MAX => (s, Vec::new()),
            _ => (
                u32::MAX,
                [&1u16.to_le_bytes()[..], &8u16.to_le_bytes(), &e.size.to_le_bytes()].concat(),
            ),
        };
        let common = [
            &20u16.to_le_bytes()[..], // version needed
            &0u16.to_le_bytes(),      // flags
            &e.method.to_le_bytes(),
            &0u32.to_le_bytes(), // time, date
            &e.crc.to_le_bytes(),
            &compressed.to_le_bytes(),
            &size32.to_le_bytes(),
            &u16le(e.name.len()),
            &u16le(extra.len()),
        ]
        .concat();
        out.extend_from_slice(b"PK\x03\x04");
        out.extend_from_slice(&common);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&extra);
        out.extend_from_slice(&e.data);
        central.extend_from_slice(b"PK\x01\x02");
        central.extend_from_slice(&20u16.to_le_bytes()); // version made by
        central.extend_from_slice(&common);
        // Comment length, first disk, internal and external attributes.
        central.extend_from_slice(&[0; 10]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(&e.name);
        central.extend_from_slice(&extra);
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let count = u16::try_from(entries.len()).unwrap_or(u16::MAX);
    let cd_len = u32::try_from(central.len()).unwrap();
    out.extend_from_slice(&central);
    if count == u16::MAX {
        // ZIP64 end of central directory record and locator, for the entry count.
        let zip64_eocd = u64::try_from(out.len()).unwrap();
        out.extend_from_slice(b"PK\x06\x06");
        out.extend_from_slice(&44u64.to_le_bytes());
        out.extend_from_slice(&[45, 0, 45, 0]);
        out.extend_from_slice(&[0; 8]); // this disk, disk with the directory
        let n = entries.len() as u64;
        for v in [n, n, u64::from(cd_len), u64::from(cd_offset)] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(b"PK\x06\x07");
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&zip64_eocd.to_le_bytes());
        out.extend_from_slice(&1u32.to_le_bytes());
    }
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Raw deflate of `data`, via the `zip` crate's writer (the one thing it is used for here).
fn deflate(data: &[u8]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    writer.start_file("x", options).unwrap();
    writer.write_all(data).unwrap();
    let mut archive = writer.finish_into_readable().unwrap();
    let mut raw = archive.by_index_raw(0).unwrap();
    let mut out = Vec::new();
    raw.read_to_end(&mut out).unwrap();
    out
}

const OFD_XML: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;

/// `ofd.package` failed with `want`, and verifying held little memory.
fn assert_package_refused(label: &str, bytes: &[u8], want: Reason) -> Report {
    let (report, peak) = peak_heap(|| verify(bytes));
    assert_eq!(report.parts.len(), 0, "{label}");
    assert_eq!(
        reason(&report, "ofd.package"),
        Some(want),
        "{label}:\n{}",
        report.to_text()
    );
    assert_eq!(report.status, Status::Failed, "{label}");
    assert!(peak < 64 * MIB, "{label}: {peak} bytes of heap");
    serde_json::to_string(&report).unwrap();
    report
}

#[test]
fn unsafe_entry_names_are_refused() {
    for name in [
        "../evil",
        "Doc_0/../../evil",
        "..\\..\\evil",
        "Doc_0\\..\\..\\evil",
        "C:/x",
        "c:\\windows\\evil",
        "D:evil",
        "a\u{0}b",
    ] {
        let bytes = raw_zip(&[Raw::stored("OFD.xml", OFD_XML), Raw::stored(name, b"x")]);
        let _ = assert_package_refused(name, &bytes, Reason::Malformed);
    }
}

#[test]
fn leading_slashes_are_normalised_not_refused() {
    // Products write `/Doc_0/...` style names; a verifier never extracts, so a leading slash
    // (or a UNC-like double slash) is read as package-relative, like ST_Loc paths are.
    for name in ["/abs", "//server/share/x", "\\abs"] {
        let bytes = raw_zip(&[Raw::stored("OFD.xml", OFD_XML), Raw::stored(name, b"x")]);
        let report = verify(&bytes);
        assert_eq!(reason(&report, "ofd.package"), None, "{name}");
        assert_eq!(report.reason, Some(Reason::NoSignature), "{name}");
    }
    // …but it cannot shadow the entry it normalises to.
    let bytes = raw_zip(&[Raw::stored("OFD.xml", OFD_XML), Raw::stored("/OFD.xml", OFD_XML)]);
    let _ = assert_package_refused("/OFD.xml beside OFD.xml", &bytes, Reason::Malformed);
}

#[test]
fn duplicate_names_are_refused() {
    if common::corpus("ofd").is_none() {
        return;
    }
    for (a, b) in [
        ("OFD.xml", "ofd.XML"),
        ("Doc_0/Document.xml", "Doc_0\\Document.xml"),
        ("Doc_0/Document.xml", "Doc_0//./Document.xml"),
        ("Doc_0/Signs/Sign_0/Signature.xml", "DOC_0/signs/sign_0/signature.xml"),
    ] {
        let bytes = raw_zip(&[
            Raw::stored("OFD.xml", OFD_XML),
            Raw::stored(a, b"1"),
            Raw::stored(b, b"2"),
        ]);
        let _ = assert_package_refused(&format!("{a} + {b}"), &bytes, Reason::Malformed);
    }
    // The same through a real document: a second OFD.xml appended to allprotected.ofd.
    let mut entries = unpack("allprotected.ofd");
    let ofd_xml = file(&mut entries, "OFD.xml").clone();
    let mut raw: Vec<Raw> = entries.iter().map(|(n, d)| Raw::stored(n, d)).collect();
    raw.push(Raw::stored("ofd.xml", &ofd_xml));
    let _ = assert_package_refused("allprotected + ofd.xml", &raw_zip(&raw), Reason::Malformed);
}

#[test]
fn exactly_duplicated_names_are_refused() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // Two readers that pick different duplicates see two different documents: one signed,
    // one shown. Found by this test: the zip crate keeps one copy, so Package::open now asks
    // it whether raw names repeated.
    let bytes = raw_zip(&[Raw::stored("OFD.xml", OFD_XML), Raw::stored("OFD.xml", b"<shadow/>")]);
    let _ = assert_package_refused("OFD.xml twice", &bytes, Reason::Malformed);
    let mut entries = unpack("allprotected.ofd");
    let page = file(&mut entries, "Doc_0/Pages/Page_0/Content.xml").clone();
    let mut raw: Vec<Raw> = entries.iter().map(|(n, d)| Raw::stored(n, d)).collect();
    let mut shadow = page.clone();
    shadow[page.len() / 2] ^= 1;
    raw.insert(0, Raw::stored("Doc_0/Pages/Page_0/Content.xml", &shadow));
    let _ = assert_package_refused("a page twice", &raw_zip(&raw), Reason::Malformed);
}

#[test]
fn entries_claiming_huge_sizes_are_refused_from_the_headers() {
    let lie = |name: &str, method: u16, data: Vec<u8>, size: u64| Raw {
        name: name.as_bytes().to_vec(),
        method,
        crc: 0,
        data,
        size,
    };
    let zeros = vec![0u8; 16 * MIB];
    let bomb = deflate(&zeros);
    let cases = [
        // 10 GB claimed (ZIP64 size field), 16 bytes present.
        (
            "10 GB claimed",
            lie("Doc_0/Res/big.png", 0, vec![7; 16], 10_000_000_000),
        ),
        (
            "one byte over the entry limit",
            lie("Doc_0/Res/big.png", 8, vec![3, 0], MAX_ENTRY_SIZE + 1),
        ),
        // A real deflate bomb: 16 MiB of zeros in about 16 KiB, sizes honest (the CRC is
        // never reached).
        ("deflate bomb", lie("Doc_0/Res/bomb.png", 8, bomb, zeros.len() as u64)),
        // Honest ratio limit at work: 100 MiB claimed from 1 KiB.
        ("ratio", lie("Doc_0/Res/r.png", 8, vec![0; 1024], 100 * MIB as u64)),
    ];
    drop(zeros);
    for (label, entry) in cases {
        let bytes = raw_zip(&[Raw::stored("OFD.xml", OFD_XML), entry]);
        let report = assert_package_refused(label, &bytes, Reason::TooLarge);
        assert!(check(&report, "ofd.package").message.contains("Doc_0/Res/"), "{label}");
    }
    // Many entries each under every per-entry limit, together over the package limit.
    let per = MAX_ENTRY_SIZE;
    let many: Vec<Raw> = (0..5)
        .map(|i| lie(&format!("Doc_0/Res/{i}.bin"), 8, vec![0; (per / 150) as usize], per))
        .collect();
    let report = assert_package_refused("total size", &raw_zip(&many), Reason::TooLarge);
    assert!(check(&report, "ofd.package").message.contains("expands beyond"));
}

#[test]
fn an_entry_with_more_data_than_it_declares_is_stopped_while_streaming() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // 4 MiB of XML comment inside OFD.xml, deflated to a few KiB, declared as 300 bytes: the
    // header checks pass (small size, under the ratio floor) and only reading finds the lie.
    let mut big = OFD_XML.to_vec();
    big.extend_from_slice(b"<!--");
    big.resize(4 * MIB, b'-');
    big.extend_from_slice(b"-->");
    let liar = |name: &str| Raw {
        name: name.as_bytes().to_vec(),
        method: 8,
        crc: 0,
        data: deflate(&big),
        size: 300,
    };
    let bytes = raw_zip(&[liar("OFD.xml")]);

    // The package opens (the headers are plausible); reading the entry is refused.
    let (read, peak) = peak_heap(|| {
        let mut pkg = Package::open(Cursor::new(&bytes[..])).unwrap();
        pkg.read("OFD.xml")
    });
    let err = read.unwrap_err();
    assert!(peak < 4 * MIB, "{peak} bytes of heap to refuse a 300-byte entry");
    // The zip crate's own reader stops at the declared size first ("larger than its declared
    // uncompressed size"), which the package reports as Malformed; the package's own check
    // would say TooLarge. Either way it is refused after at most one chunk past the size.
    assert!(matches!(err.reason(), Reason::Malformed | Reason::TooLarge), "{err}");
    assert!(err.to_string().contains("declared"), "{err}");

    let (report, peak) = peak_heap(|| verify(&bytes));
    assert!(peak < 4 * MIB, "{peak} bytes of heap");
    let signatures = check(&report, "ofd.signatures");
    assert!(
        matches!(signatures.reason, Some(Reason::Malformed | Reason::TooLarge)),
        "{}",
        report.to_text()
    );
    assert_eq!(report.status, Status::Failed);

    // The same lie in a file a signature references: the digest cannot be computed.
    let mut entries = unpack("allprotected.ofd");
    let mut raw: Vec<Raw> = entries
        .drain(..)
        .filter(|(n, _)| n != "Doc_0/Pages/Page_0/Content.xml")
        .map(|(n, d)| Raw::stored(&n, &d))
        .collect();
    raw.push(liar("Doc_0/Pages/Page_0/Content.xml"));
    let (report, peak) = peak_heap(|| verify(&raw_zip(&raw)));
    assert!(peak < 4 * MIB, "{peak} bytes of heap");
    let part = &report.parts[0];
    // Reported as unreadable with its own reason (not as "missing"), never hashed past the
    // declared size.
    assert!(
        matches!(
            reason(part, "ofd.references"),
            Some(Reason::Malformed | Reason::TooLarge)
        ),
        "{}",
        part.to_text()
    );
    let refs = check(part, "ofd.references");
    assert_eq!(
        strings(refs.details.get("unreadable")),
        vec!["Doc_0/Pages/Page_0/Content.xml"],
        "{}",
        part.to_text()
    );
}

#[test]
fn an_archive_of_100000_entries_is_refused() {
    let names: Vec<String> = (0..100_000).map(|i| format!("Doc_0/Res/{i:06}")).collect();
    let entries: Vec<Raw> = names.iter().map(|n| Raw::stored(n, b"")).collect();
    let bytes = raw_zip(&entries);
    drop(entries);
    let report = assert_package_refused("100000 entries", &bytes, Reason::TooLarge);
    assert!(
        check(&report, "ofd.package").message.contains(&MAX_ENTRIES.to_string()),
        "{}",
        report.to_text()
    );
    // The package reader alone, too.
    let err = Package::open(Cursor::new(&bytes[..])).unwrap_err();
    assert_eq!(err.reason(), Reason::TooLarge);
}

#[test]
fn what_is_not_a_package_is_malformed() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let good = std::fs::read(corpus("allprotected.ofd")).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("empty", Vec::new()),
        ("text", b"<ofd:OFD/>".to_vec()),
        (
            "a PDF",
            b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec(),
        ),
        ("only a local header", good[..64].to_vec()),
        ("truncated to half", good[..good.len() / 2].to_vec()),
        ("end record cut off", good[..good.len() - 10].to_vec()),
        (
            "end record only",
            b"PK\x05\x06\0\0\0\0\x05\0\x05\0\xff\xff\0\0\0\0\0\0\0\0".to_vec(),
        ),
    ];
    for (label, bytes) in cases {
        let _ = assert_package_refused(label, &bytes, Reason::Malformed);
    }
    // A directory that points past the data it describes: the entry fails when read.
    let mut cut = raw_zip(&[Raw::stored("OFD.xml", OFD_XML)]);
    let at = cut.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
    cut.drain(40..at);
    let report = verify(&cut);
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
}
