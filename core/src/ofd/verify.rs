//! Verifying every signature of an OFD document.
//!
//! The document report (kind [`DOCUMENT_REPORT_KIND`]) has the package checks and one part
//! per signature (kind [`SIGNATURE_REPORT_KIND`]), each with:
//!
//! | check | what |
//! |---|---|
//! | `ofd.signature-file` | Signature.xml is there and readable |
//! | `ofd.references` | every referenced file exists and has its CheckValue; a file changed after signing is named, and a signature list rewritten by a later signature is told apart as allowed |
//! | `seal.*` | Type=Seal: the GB/T 38540 procedure over the exact bytes of Signature.xml |
//! | `cms.*`, `ofd.sign.*` | Type=Sign: a CMS SignedData or a bare SM2 signature over Signature.xml, and the signer's chain |
//! | `ofd.seal-file` | the Seal.esl named in Signature.xml is the seal inside the signature |
//! | `ofd.stamp` | where the stamp shows (page number in document order, boundary), for display; detail `annotations` keeps each `PageRef` (the page's object ID) |
//!
//! The document report's `ofd.coverage` lists the files no signature covers; when a
//! signature's references cannot be checked (an unsupported CheckMethod, an unreadable
//! Signature.xml) what is covered is not known, and the check is not PASSED (`Unsupported`,
//! or the reason Signature.xml cannot be read), its message saying why.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Read, Seek};
use std::rc::Rc;

use super::package::{remember_digest, remembered_digest, Package, StoredEntry};
use super::parts::{PartBytes, Parts};
use super::xml::{self, SignatureEntry, SignatureType, SignatureXml};
use super::OfdError;
use crate::alg::{verify_signature, DigestAlgorithm, SignatureAlgorithm};
use crate::cms::{Content, SignedData};
use crate::report::{Check, Reason, Report};
use crate::seal::{picture_of, verify_seal_signature, ProtectedData, SealPicture, SesSignature};
use crate::time::Time;
use crate::x509::{signer_chain_check, Certificate, Usage};

/// The report kind of a whole document.
pub const DOCUMENT_REPORT_KIND: &str = "ofd";

/// The report kind of one signature in it.
pub const SIGNATURE_REPORT_KIND: &str = "ofd-signature";

/// Most signatures verified in one document.
pub const MAX_SIGNATURES: usize = 256;

/// Trust, time and extra certificates for an OFD verification.
pub type OfdOptions<'a> = crate::seal::DocumentOptions<'a>;

/// Verifies an OFD document held in memory.
pub fn verify_ofd_bytes(bytes: &[u8], opts: &OfdOptions<'_>) -> Report {
    verify_ofd(Cursor::new(bytes), opts)
}

/// What happened to one referenced file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RefStatus {
    Matches,
    Differs,
    Missing,
    /// Present but not readable within the limits (the reason).
    Unreadable(Reason),
}

/// One signature as found in the package.
pub(super) struct Found {
    pub(super) entry: SignatureEntry,
    /// Resolved path of Signature.xml.
    pub(super) path: String,
    /// Resolved path of the Signatures.xml that lists it.
    pub(super) list: String,
    /// Signature.xml's bytes and what they say.
    pub(super) xml: Result<(Rc<Vec<u8>>, SignatureXml), OfdError>,
    /// Referenced file → status; `None` when CheckMethod is not supported.
    refs: Option<BTreeMap<String, RefStatus>>,
    /// The page object IDs of the signature's document, in page order (empty when its
    /// Document.xml cannot be read: stamps then show by page object ID alone).
    pages: Rc<[String]>,
}

/// Verifies an OFD document read from `reader` (a file is streamed, never held whole).
pub fn verify_ofd<R: Read + Seek>(reader: R, opts: &OfdOptions<'_>) -> Report {
    verify_opened(Package::open(reader), opts, None).0
}

/// [`verify_ofd`] of a package opened (or not). With `parts`, the verification keeps the
/// referenced files it reads whole in the package (up to [`super::package::MAX_KEPT_TOTAL`])
/// and leaves its trees of OFD.xml and the first Document.xml in `parts`, so that a reader of
/// the same document afterwards (the invoice checks) inflates and parses nothing twice; the
/// package is given back, `None` when it could not be opened.
pub(crate) fn verify_opened<'s, R: Read + Seek>(
    opened: Result<Package<R>, OfdError>,
    opts: &OfdOptions<'_>,
    parts: Option<&mut Parts<'s>>,
) -> (Report, Option<Package<R>>) {
    let mut report = Report::new(DOCUMENT_REPORT_KIND);
    report.subject.validation_time = Some(opts.seal.chain.at);
    let mut pkg = match opened {
        Ok(pkg) => pkg,
        Err(e) => {
            report.push(Check::failed("ofd.package", e.reason(), e.to_string()));
            return (report.finish(), None);
        }
    };
    report.push(package_check(&pkg));
    let keep = parts.is_some();
    let located = match parts {
        Some(parts) => locate_in(&mut pkg, parts, true),
        None => locate(&mut pkg),
    };
    let found = match located {
        Ok(found) => found,
        Err(e) => {
            report.push(Check::failed("ofd.signatures", e.reason(), e.to_string()));
            return (report.finish(), Some(pkg));
        }
    };
    if found.is_empty() {
        let mut check = Check::failed("ofd.signatures", Reason::NoSignature, "the document is not signed");
        if pkg.entry("OFDEntries.xml").is_some() {
            check = check.with_detail(
                "integrity_file",
                "OFDEntries.xml is present: an integrity-protection file, not a GB/T 33190 signature; not verified",
            );
        }
        report.push(check);
        return (report.finish(), Some(pkg));
    }
    report.push(Check::passed("ofd.signatures", format!("{} signature(s)", found.len())));
    let found = digest_references(&mut pkg, found, keep);
    report.push(coverage_check(&pkg, &found));
    let total = found.len() as u64;
    opts.report_progress("signature", 0, total);
    for i in 0..found.len() {
        report.parts.push(verify_one(&mut pkg, &found, i, opts));
        opts.report_progress("signature", i as u64 + 1, total);
    }
    (report.finish(), Some(pkg))
}

/// `ofd.package`: the package opened. Bytes before its first entry are named (they pass, as
/// files no signature covers do in `ofd.coverage`): a file that is a PDF or an XML file as well
/// shows them to that format's readers, and what they show is not what was verified.
fn package_check<R: Read + Seek>(pkg: &Package<R>) -> Check {
    let files = pkg.entries().count();
    match pkg.bytes_before() {
        0 => Check::passed("ofd.package", format!("{files} files")),
        n => Check::passed(
            "ofd.package",
            format!("{files} files, after {n} bytes that are not part of the package and that no signature covers"),
        )
        .with_detail("bytes_before_package", n),
    }
}

/// The seal picture of each signature of an OFD document held in memory, in the order of
/// the document report's `parts`: `None` for a signature without a readable seal (a
/// `Type="Sign"` signature, an unreadable SignedValue).
pub fn seal_pictures(bytes: &[u8]) -> Result<Vec<Option<SealPicture>>, OfdError> {
    let mut pkg = Package::open(Cursor::new(bytes))?;
    let found = locate(&mut pkg)?;
    Ok(found
        .iter()
        .enumerate()
        .map(|(i, sig)| {
            let (_, parsed) = sig.xml.as_ref().ok()?;
            if sig.entry.kind != SignatureType::Seal {
                return None;
            }
            let path = Package::<Cursor<&[u8]>>::resolve(&sig.path, &parsed.signed_value_loc)?;
            picture_of(i, &pkg.read_shared(&path).ok()?)
        })
        .collect())
}

/// OFD.xml → DocBody → Signatures.xml → each Signature entry.
pub(super) fn locate<R: Read + Seek>(pkg: &mut Package<R>) -> Result<Vec<Found>, OfdError> {
    let bytes = PartBytes::new(pkg.index_count());
    locate_in(pkg, &mut Parts::new(&bytes), false)
}

/// [`locate`], reading OFD.xml and the Document.xml files through `parts`; when `share`, the
/// trees of OFD.xml and of the first DocBody's Document.xml are left in `parts`.
fn locate_in<'s, R: Read + Seek>(
    pkg: &mut Package<R>,
    parts: &mut Parts<'s>,
    share: bool,
) -> Result<Vec<Found>, OfdError> {
    let root_name = pkg
        .entry("OFD.xml")
        .map(|e| e.name.clone())
        .ok_or_else(|| OfdError::Missing("OFD.xml".into()))?;
    let root = xml::parse(parts.read(pkg, &root_name)?, &root_name)?;
    let mut found = Vec::new();
    for (n, body) in xml::doc_bodies(&root)?.into_iter().enumerate() {
        let Some(loc) = body.signatures else { continue };
        // Display only: a Document.xml that cannot be read costs the page numbers, nothing else.
        let pages: Rc<[String]> = Package::<R>::resolve(&root_name, &body.doc_root)
            .and_then(|doc| {
                if share && n == 0 {
                    let document = xml::parse(parts.read(pkg, &doc).ok()?, &doc).ok()?;
                    let ids = xml::page_ids(&document);
                    if let Some(index) = pkg.index_of(&doc) {
                        parts.put(index, document);
                    }
                    return Some(ids);
                }
                let bytes = pkg.read_shared(&doc).ok()?;
                let document = xml::parse(&bytes, &doc).ok()?;
                Some(xml::page_ids(&document))
            })
            .unwrap_or_default()
            .into();
        let list = Package::<R>::resolve(&root_name, &loc)
            .ok_or_else(|| OfdError::Malformed(format!("bad Signatures location {loc:?}")))?;
        let list_bytes = pkg.read_shared(&list)?;
        let list_xml = xml::parse(&list_bytes, &list)?;
        for entry in xml::signature_entries(&list_xml)? {
            if found.len() == MAX_SIGNATURES {
                return Err(OfdError::TooLarge(format!("more than {MAX_SIGNATURES} signatures")));
            }
            let path = Package::<R>::resolve(&list, &entry.base_loc)
                .ok_or_else(|| OfdError::Malformed(format!("bad BaseLoc {:?}", entry.base_loc)))?;
            let xml = pkg.read_shared(&path).and_then(|bytes| {
                let parsed = xml::signature_xml(&xml::parse(&bytes, &path)?)?;
                Ok((bytes, parsed))
            });
            found.push(Found {
                entry,
                path,
                list: list.clone(),
                xml,
                refs: None,
                pages: Rc::clone(&pages),
            });
        }
    }
    if share {
        if let Some(index) = pkg.index_of(&root_name) {
            parts.put(index, root);
        }
    }
    Ok(found)
}

/// The files a signature references, each resolved once: (the reference's path, resolved
/// against Signature.xml, and the package entry it designates, if any).
fn targets<R: Read + Seek>(pkg: &Package<R>, sig: &Found, parsed: &SignatureXml) -> Vec<(String, Option<String>)> {
    parsed
        .references
        .iter()
        .map(|reference| {
            let file =
                Package::<R>::resolve(&sig.path, &reference.file_ref).unwrap_or_else(|| reference.file_ref.clone());
            let name = pkg.entry(&file).map(|e| e.name.clone());
            (file, name)
        })
        .collect()
}

/// Digests every referenced file once per algorithm, and records how each compares.
fn digest_references<R: Read + Seek>(pkg: &mut Package<R>, mut found: Vec<Found>, keep: bool) -> Vec<Found> {
    let resolved: Vec<Vec<(String, Option<String>)>> = found
        .iter()
        .map(|sig| match &sig.xml {
            Ok((_, parsed)) => targets(pkg, sig, parsed),
            Err(_) => Vec::new(),
        })
        .collect();
    let mut cache: BTreeMap<(String, &'static str), Result<Vec<u8>, Reason>> = BTreeMap::new();
    sm3_small_files(pkg, &found, &resolved, &mut cache, keep);
    for (sig, targets) in found.iter_mut().zip(resolved) {
        let Ok((_, parsed)) = &sig.xml else { continue };
        let Some(alg) = DigestAlgorithm::from_name(&parsed.check_method) else {
            continue;
        };
        let mut refs = BTreeMap::new();
        for (reference, (file, name)) in parsed.references.iter().zip(targets) {
            let actual = match name {
                Some(name) => cache
                    .entry((name.clone(), alg.name()))
                    .or_insert_with(|| pkg.digest(&name, alg).map_err(|e| e.reason()))
                    .clone(),
                None => Err(Reason::Missing),
            };
            let status = match (actual, &reference.check_value) {
                (Err(Reason::Missing), _) => RefStatus::Missing,
                (Err(reason), _) => RefStatus::Unreadable(reason),
                (Ok(a), Some(expected)) if &a == expected => RefStatus::Matches,
                (Ok(_), _) => RefStatus::Differs,
            };
            refs.insert(file, status);
        }
        sig.refs = Some(refs);
    }
    found
}

/// Largest referenced file hashed with others at once (multi-buffer SM3); larger ones are
/// streamed alone.
const MULTI_MAX_FILE: u64 = 1024 * 1024;

/// Bytes read into memory for one multi-buffer SM3 batch.
const MULTI_BATCH_BYTES: usize = 8 * 1024 * 1024;

/// The SM3 digests of the small files SM3 references name (`resolved`: each signature's
/// [`targets`]) into `cache`: those this thread remembers ([`super::package::remembered_digest`],
/// a file stored with the same bytes in an earlier document), the others hashed together
/// ([`crate::sm::sm3_multi`]) and remembered. A file that cannot be read is left out: the
/// one-by-one pass then meets the same error and records it. The files read are kept in the
/// package when `keep`.
fn sm3_small_files<R: Read + Seek>(
    pkg: &mut Package<R>,
    found: &[Found],
    resolved: &[Vec<(String, Option<String>)>],
    cache: &mut BTreeMap<(String, &'static str), Result<Vec<u8>, Reason>>,
    keep: bool,
) {
    let sm3 = DigestAlgorithm::Sm3;
    let mut names = BTreeSet::new();
    for (sig, targets) in found.iter().zip(resolved) {
        let Ok((_, parsed)) = &sig.xml else { continue };
        if DigestAlgorithm::from_name(&parsed.check_method) != Some(sm3) {
            continue;
        }
        for name in targets.iter().filter_map(|(_, name)| name.as_ref()) {
            if pkg.entry(name).is_some_and(|e| e.size <= MULTI_MAX_FILE) {
                names.insert(name.clone());
            }
        }
    }
    // Remembered digests first: what is left is hashed together.
    let mut left = Vec::new();
    for name in names {
        let stored = pkg.stored_entry_of(&name);
        match stored.as_ref().and_then(|key| remembered_digest(key, sm3)) {
            Some(digest) => {
                cache.insert((name, sm3.name()), Ok(digest));
            }
            None => left.push((name, stored)),
        }
    }
    if left.len() < crate::sm::sm3_multi::MIN_MESSAGES {
        return;
    }
    type Pending = (String, Option<StoredEntry>, Rc<Vec<u8>>);
    let mut batch: Vec<Pending> = Vec::new();
    let mut held = 0usize;
    let flush = |batch: &mut Vec<Pending>, cache: &mut BTreeMap<_, _>| {
        let inputs: Vec<&[u8]> = batch.iter().map(|(_, _, bytes)| bytes.as_slice()).collect();
        let digests = crate::sm::sm3_multi::sm3_many(&inputs);
        for ((name, stored, _), digest) in batch.drain(..).zip(digests) {
            if let Some(key) = &stored {
                remember_digest(key, sm3, digest.to_vec());
            }
            cache.insert((name, sm3.name()), Ok(digest.to_vec()));
        }
    };
    for (name, stored) in left {
        let read = pkg.read_whole_stored(&name, stored.as_ref(), keep);
        let Ok(bytes) = read else {
            continue;
        };
        held += bytes.len();
        batch.push((name, stored, bytes));
        if held >= MULTI_BATCH_BYTES {
            flush(&mut batch, cache);
            held = 0;
        }
    }
    flush(&mut batch, cache);
}

/// Files no signature covers (each signature's own files and the signature lists aside).
fn coverage_check<R: Read + Seek>(pkg: &Package<R>, found: &[Found]) -> Check {
    let mut covered: BTreeSet<String> = BTreeSet::new();
    for sig in found {
        covered.insert(sig.path.clone());
        covered.insert(sig.list.clone());
        if let Ok((_, parsed)) = &sig.xml {
            covered.extend(Package::<R>::resolve(&sig.path, &parsed.signed_value_loc));
            covered.extend(
                parsed
                    .seal_loc
                    .as_ref()
                    .and_then(|l| Package::<R>::resolve(&sig.path, l)),
            );
        }
        covered.extend(sig.refs.iter().flat_map(|r| r.keys().cloned()));
    }
    let covered: BTreeSet<String> = covered.iter().map(|c| c.to_lowercase()).collect();
    let uncovered: Vec<String> = pkg
        .entries()
        .map(|e| e.name.clone())
        .filter(|n| !covered.contains(&n.to_lowercase()))
        .collect();
    // Signatures whose references could not be checked: what they cover is not known.
    let mut unchecked = Vec::new();
    let mut why = Vec::new();
    let mut reason = None;
    for sig in found {
        match &sig.xml {
            Ok((_, parsed)) if sig.refs.is_none() => {
                why.push(format!(
                    "{} uses CheckMethod {:?}, which is not supported, so the files it references cannot be checked",
                    sig.path, parsed.check_method
                ));
                reason = Some(Reason::Unsupported);
            }
            Ok(_) => continue,
            Err(e) => {
                why.push(format!("{} cannot be read ({e})", sig.path));
                reason = reason.or(Some(e.reason()));
            }
        }
        unchecked.push(sig.path.clone());
    }
    let files = |n: usize, whom: &str| format!("{n} file(s) no {whom} covers: {}", uncovered.join(", "));
    let Some(reason) = reason else {
        let message = match uncovered.len() {
            0 => "every file of the package is covered by a signature".to_owned(),
            n => files(n, "signature"),
        };
        return Check::passed("ofd.coverage", message).with_detail("uncovered", uncovered);
    };
    let mut message = format!("what the signatures cover cannot be established: {}", why.join("; "));
    if !uncovered.is_empty() {
        message = format!("{message}; {}", files(uncovered.len(), "checked signature"));
    }
    Check::failed("ofd.coverage", reason, message)
        .with_detail("uncovered", uncovered)
        .with_detail("unchecked_signatures", unchecked)
}

fn verify_one<R: Read + Seek>(pkg: &mut Package<R>, found: &[Found], i: usize, opts: &OfdOptions<'_>) -> Report {
    let sig = &found[i];
    let mut report = Report::new(SIGNATURE_REPORT_KIND);
    report.subject.validation_time = Some(opts.seal.chain.at);
    let id = sig
        .path
        .rsplit_once('/')
        .map_or(sig.path.as_str(), |(dir, _)| dir)
        .to_owned();
    let (xml_bytes, parsed) = match &sig.xml {
        Ok(x) => x,
        Err(e) => {
            report.push(
                Check::failed("ofd.signature-file", e.reason(), format!("{}: {e}", sig.path))
                    .with_detail("signature", id),
            );
            return report.finish();
        }
    };
    report.push(
        Check::passed(
            "ofd.signature-file",
            format!(
                "{} ({:?}, by {})",
                sig.path,
                sig.entry.kind,
                parsed.provider.as_deref().unwrap_or("unknown provider")
            ),
        )
        .with_detail("signature", id)
        .with_detail("id", sig.entry.id.clone()),
    );
    report.push(references_check(found, i, parsed));

    let signed_value = Package::<R>::resolve(&sig.path, &parsed.signed_value_loc)
        .ok_or_else(|| OfdError::Malformed(format!("bad SignedValue location {:?}", parsed.signed_value_loc)))
        .and_then(|p| pkg.read_shared(&p));
    let signed_value = match signed_value {
        Ok(v) => v,
        Err(e) => {
            report.push(Check::failed("ofd.signed-value", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    match sig.entry.kind {
        SignatureType::Seal => {
            let seal_report = verify_seal_signature(&signed_value, ProtectedData::Bytes(&xml_bytes[..]), &opts.seal);
            report.subject = seal_report.subject.clone();
            report.checks.extend(seal_report.checks);
            if let Some(loc) = &parsed.seal_loc {
                report.push(seal_file_check(pkg, &sig.path, loc, &signed_value));
            }
        }
        SignatureType::Sign => sign_checks(&mut report, &signed_value, &xml_bytes[..], parsed, opts),
    }
    if !parsed.stamp_annots.is_empty() {
        report.push(stamp_check(&parsed.stamp_annots, &sig.pages));
    }
    report.finish()
}

/// `ofd.stamp`: where the stamp shows, by page number (1-based, in document order); the
/// page object ID `PageRef` names is kept in the `annotations` detail (`page_ref`, with
/// `page` the number, or null when no page of the document has that ID).
fn stamp_check(annots: &[xml::StampAnnot], pages: &[String]) -> Check {
    let mut where_ = Vec::new();
    let mut details = Vec::new();
    for annot in annots {
        let page = pages.iter().position(|id| *id == annot.page_ref.trim()).map(|i| i + 1);
        where_.push(match page {
            Some(n) => format!("page {n} at [{}]", annot.boundary),
            None => format!(
                "page object {} (not a page of the document) at [{}]",
                annot.page_ref, annot.boundary
            ),
        });
        let mut detail = serde_json::to_value(annot).unwrap_or_default();
        detail["page"] = serde_json::json!(page);
        details.push(detail);
    }
    Check::passed("ofd.stamp", format!("stamp shown on {}", where_.join("; "))).with_detail("annotations", details)
}

/// `ofd.references`: changed files named; a signature list rewritten by a later signature
/// (which appended itself) is allowed; anything else changed means tampering.
fn references_check(found: &[Found], i: usize, parsed: &SignatureXml) -> Check {
    let name = "ofd.references";
    let Some(refs) = &found[i].refs else {
        return Check::failed(
            name,
            Reason::Unsupported,
            format!(
                "CheckMethod {:?} is not supported: the references cannot be checked",
                parsed.check_method
            ),
        );
    };
    if refs.is_empty() {
        return Check::failed(name, Reason::Missing, "the signature references no file");
    }
    let later = &found[i + 1..];
    let mut benign = Vec::new();
    let mut changed = Vec::new();
    let mut missing = Vec::new();
    let mut unreadable = Vec::new();
    for (file, status) in refs {
        match status {
            RefStatus::Matches => {}
            RefStatus::Missing => missing.push(file.clone()),
            RefStatus::Unreadable(reason) => unreadable.push((file.clone(), *reason)),
            RefStatus::Differs => {
                let is_list = found.iter().any(|f| f.list.eq_ignore_ascii_case(file));
                if is_list && !later.is_empty() {
                    benign.push(file.clone());
                } else {
                    let signed_later = later
                        .iter()
                        .filter(|f| f.refs.as_ref().and_then(|r| r.get(file)) == Some(&RefStatus::Matches))
                        .map(|f| f.path.clone())
                        .collect::<Vec<_>>();
                    changed.push(serde_json::json!({ "file": file, "covered_as_changed_by": signed_later }));
                }
            }
        }
    }
    let method = DigestAlgorithm::from_name(&parsed.check_method).map_or("?", DigestAlgorithm::name);
    if let Some((file, reason)) = unreadable.first() {
        let files: Vec<&str> = unreadable.iter().map(|(f, _)| f.as_str()).collect();
        return Check::failed(
            name,
            *reason,
            format!("referenced file {file} cannot be read within the limits"),
        )
        .with_detail("unreadable", files);
    }
    if changed.is_empty() && missing.is_empty() {
        let mut message = format!("all {} referenced files match their {method} CheckValue", refs.len());
        if !benign.is_empty() {
            message = format!(
                "{} referenced files match; {} rewritten by a later signature that appended itself (allowed)",
                refs.len() - benign.len(),
                benign.join(", ")
            );
        }
        return Check::passed(name, message).with_detail("changed_by_later_signature", benign);
    }
    let files: Vec<String> = changed
        .iter()
        .filter_map(|c| c["file"].as_str().map(str::to_owned))
        .chain(missing.iter().cloned())
        .collect();
    Check::failed(
        name,
        Reason::ModifiedAfterSigning,
        format!("changed after signing: {}", files.join(", ")),
    )
    .with_detail("changed", changed)
    .with_detail("missing", missing)
    .with_detail("changed_by_later_signature", benign)
}

/// (d) the seal file next to the signature is the seal inside it.
fn seal_file_check<R: Read + Seek>(pkg: &mut Package<R>, sig_path: &str, loc: &str, signed_value: &[u8]) -> Check {
    let name = "ofd.seal-file";
    let seal_file = match Package::<R>::resolve(sig_path, loc)
        .ok_or(OfdError::Malformed(format!("bad Seal location {loc:?}")))
        .and_then(|p| pkg.read_shared(&p))
    {
        Ok(bytes) => bytes,
        Err(e) => return Check::failed(name, e.reason(), e.to_string()),
    };
    let inner = SesSignature::decode(signed_value).and_then(|s| s.to_sign.eseal.encode());
    match inner {
        Ok(inner) if inner == *seal_file => Check::passed(name, format!("{loc} is the seal inside the signature")),
        Ok(_) => Check::failed(
            name,
            Reason::ModifiedAfterSigning,
            format!("{loc} is not the seal inside the signature"),
        ),
        Err(e) => Check::failed(name, e.reason(), e.to_string()),
    }
}

/// Type=Sign: a CMS SignedData, else a bare SM2 signature, over Signature.xml.
fn sign_checks(report: &mut Report, value: &[u8], xml_bytes: &[u8], parsed: &SignatureXml, opts: &OfdOptions<'_>) {
    let claimed = parsed.date_time.as_deref().and_then(parse_signature_time);
    report.subject.signing_time = claimed;
    let signing_time = claimed.unwrap_or(opts.seal.chain.at);
    let mut chain = opts.seal.chain.clone();
    chain.usage = Usage::DocumentSigning;
    if let Ok(signed) = SignedData::from_der(value) {
        // Products either sign Signature.xml detached, or encapsulate its digest.
        let content = match &signed.econtent {
            Some(econtent) => {
                let digest = signed
                    .signers
                    .first()
                    .and_then(|s| s.digest())
                    .unwrap_or(DigestAlgorithm::Sm3);
                if econtent.as_slice() == xml_bytes || *econtent == digest.digest(xml_bytes) {
                    report.push(Check::passed(
                        "ofd.sign.content",
                        "the signed content is Signature.xml (or its digest)",
                    ));
                } else {
                    report.push(Check::failed(
                        "ofd.sign.content",
                        Reason::HashMismatch,
                        "the encapsulated content is not Signature.xml nor its digest",
                    ));
                }
                Content::Encapsulated
            }
            None => Content::Bytes(xml_bytes),
        };
        let mut verified = signed.verify_signer(0, content, &opts.signer_certificates);
        verified.apply_constraints(&opts.seal.chain.crypto_constraints());
        report.checks.extend(verified.checks.iter().cloned());
        match verified.signer_certificate {
            Some(cert) => {
                report.subject.signer = Some(cert.subject());
                let signing_time = verified.signing_time.unwrap_or(signing_time);
                let mut pool = signed.certificates.clone();
                pool.extend(opts.seal.intermediates.iter().cloned());
                chain.crls.extend(signed.crls.iter().cloned());
                report.push(signer_chain_check(
                    "ofd.sign.chain",
                    &cert,
                    &pool,
                    opts.seal.trust,
                    &chain,
                    signing_time,
                    false,
                ));
            }
            None => {
                report.push(Check::failed(
                    "ofd.sign.chain",
                    Reason::UntrustedChain,
                    "no signer certificate found",
                ));
            }
        }
        return;
    }
    // A bare SM2 signature (DER or raw) carries no certificate: try the ones the caller gave.
    let candidates: Vec<&Certificate> = opts
        .signer_certificates
        .iter()
        .filter(|c| c.key_algorithm() == "SM2")
        .collect();
    if candidates.is_empty() {
        report.push(Check::failed(
            "ofd.sign.signature",
            Reason::UntrustedChain,
            "a bare SM2 signature names no certificate; supply the signer's certificate to verify it",
        ));
        return;
    }
    let hit = candidates.iter().find_map(|cert| {
        verify_signature(SignatureAlgorithm::Sm2Sm3, cert.spki(), xml_bytes, value)
            .ok()
            .map(|v| (cert, v))
    });
    match hit {
        Some((cert, verified)) => {
            let mut check = Check::passed(
                "ofd.sign.signature",
                format!("SM2 signature over Signature.xml by {}", cert.subject()),
            );
            if let Some(enc) = verified.sm2_encoding {
                check = check.with_detail("encoding", enc.as_str());
            }
            report.push(check);
            report.subject.signer = Some(cert.subject());
            report.push(signer_chain_check(
                "ofd.sign.chain",
                cert,
                &opts.seal.intermediates,
                opts.seal.trust,
                &chain,
                signing_time,
                false,
            ));
        }
        None => {
            report.push(Check::failed(
                "ofd.sign.signature",
                Reason::BadSignature,
                format!(
                    "the signature verifies with none of the {} certificate(s) supplied",
                    candidates.len()
                ),
            ));
        }
    }
}

/// `SignatureDateTime` as products write it: `20200723130907.763Z` or `2020-06-20 17:18:49`.
fn parse_signature_time(text: &str) -> Option<Time> {
    let digits: Vec<u8> = text
        .bytes()
        .take_while(|b| *b != b'.')
        .filter(u8::is_ascii_digit)
        .collect();
    (digits.len() >= 14)
        .then(|| crate::seal::asn1::parse_time_text(&digits[..14], false))
        .flatten()
}
