//! Verifying every signature of a PDF.
//!
//! The document report (kind [`DOCUMENT_REPORT_KIND`]) has the structure checks and one part
//! per signature field (kind [`SIGNATURE_REPORT_KIND`]) with:
//!
//! | check | what |
//! |---|---|
//! | `pdf.signature-dictionary` | /Type, /SubFilter, /ByteRange and /Contents are there and usable |
//! | `pdf.byte-range` | the ranges start at 0, skip exactly this signature's /Contents string, lie inside the file, do not overlap (coverage class in the details) |
//! | `pdf.contents` | the container fills /Contents, followed only by zero padding |
//! | `cms.*` | the CMS SignedData (RSA, ECDSA, Ed25519, SM2 per GM/T 0010) over the byte ranges |
//! | `seal.*` | a GB/T 38540 seal signature in /Contents |
//! | `tsp.*` | a document time-stamp (RFC 3161) over the byte ranges |
//! | `pdf.signature-timestamp` | the signature time-stamp (unsigned attribute), when present |
//! | `pdf.validation-data` | every certificate, CRL and OCSP response found for the signature, with its source (CMS, CAdES values, time-stamp, DSS, VRI, caller) |
//! | `pdf.chain` | the signer's certificate chain, judged at the validation time or, when time has passed, at the earliest proof of existence ([`crate::ltv`]) |
//! | `pdf.coverage` | the signature covers the whole file, or the revision it was made in |
//! | `pdf.modifications` | what later revisions changed is allowed (details list each revision) |

use std::collections::BTreeMap;

use super::changes::{compare, ChangeLevel, Coverage, RevisionChanges};
use super::document::{self, Dss, PdfDocument, SignatureField, SignatureKind, SignatureValue};
use super::PdfError;
use crate::alg::{verify_signature, DigestAlgorithm, Hasher, SignatureAlgorithm};
use crate::cms::tsp::TimeStampToken;
use crate::cms::{oid as cms_oid, Content, SignedData, MAX_CMS_SIZE, MAX_CONTENT_WITHOUT_ATTRIBUTES};
use crate::ltv::{DataSource, SignerData, ValidationData};
use crate::report::{Check, PoeSource, ProofOfExistence, Reason, Report, Status};
use crate::seal::{picture_of, verify_seal_signature, ProtectedData, SealPicture, SesSignature};
use crate::time::Time;
use crate::x509::{Certificate, Crl, OcspResponseInfo, Usage};

/// The report kind of a whole document.
pub const DOCUMENT_REPORT_KIND: &str = "pdf";

/// The report kind of one signature in it.
pub const SIGNATURE_REPORT_KIND: &str = "pdf-signature";

/// Trust, time and extra certificates for a PDF verification.
pub type PdfOptions<'a> = crate::seal::DocumentOptions<'a>;

/// Verifies every signature of a PDF held in memory (or memory-mapped): the byte ranges are
/// hashed in place, never copied.
pub fn verify_pdf(bytes: &[u8], opts: &PdfOptions<'_>) -> Report {
    let mut report = Report::new(DOCUMENT_REPORT_KIND);
    report.subject.validation_time = Some(opts.seal.chain.at);
    let (parsed, prehash) = super::prehash::overlapped(bytes, || PdfDocument::parse(bytes));
    let mut doc = match parsed {
        Ok(doc) => doc,
        Err(e) => {
            report.push(Check::failed("pdf.structure", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    let ends = doc.revision_ends().to_vec();
    report.push(
        Check::passed(
            "pdf.structure",
            format!("{} bytes, {} revision(s)", bytes.len(), ends.len()),
        )
        .with_detail("revision_ends", ends.clone()),
    );
    let signed = match signed_fields(&doc) {
        Ok(f) => f,
        Err(e) => {
            report.push(Check::failed("pdf.signatures", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    if signed.is_empty() && doc.last().trailer.has(b"Encrypt") {
        report.push(Check::failed(
            "pdf.signatures",
            Reason::Unsupported,
            "the document is encrypted and could not be opened without its key: its signatures cannot be found",
        ));
        return report.finish();
    }
    if signed.is_empty() {
        report.push(Check::failed(
            "pdf.signatures",
            Reason::NoSignature,
            "the document is not signed",
        ));
        return report.finish();
    }
    report.push(Check::passed(
        "pdf.signatures",
        format!("{} signature(s)", signed.len()),
    ));
    let dss = document::dss(doc.last()).unwrap_or_default();
    let mut context = Context::new(&dss, opts);
    context.prehash = prehash;
    // (is a document time-stamp, the revision its /Contents is in) of each field.
    let mut fields = Vec::with_capacity(signed.len());
    for field in &signed {
        let Some(dict) = &field.value else {
            fields.push((false, 0));
            continue;
        };
        let value = SignatureValue::read(doc.last(), dict);
        let at = value.byte_range.as_ref().and_then(|b| b.get(1).copied());
        if let (Some(p), Some(at), None) = (value.docmdp, at, context.certification) {
            context.certification = Some((p, at));
        }
        let revision = doc.revision_of(at.and_then(|a| usize::try_from(a).ok()).unwrap_or(0));
        let is_doc_ts = value.kind() == Some(SignatureKind::DocTimeStamp) && at.is_some();
        if is_doc_ts {
            context.doc_timestamps.push(revision);
        }
        fields.push((is_doc_ts, revision));
    }
    let mut changes: BTreeMap<usize, Result<RevisionChanges, PdfError>> = BTreeMap::new();
    let mut parts: Vec<Option<Report>> = vec![None; signed.len()];
    let total = signed.len() as u64;
    opts.report_progress("signature", 0, total);
    // Document time-stamps newest first, so that each is judged with the proof of existence
    // the later ones give it (ETSI EN 319 102-1 §5.6.2.2); then the signatures, with all of
    // them. The parts stay in file order.
    let doc_ts = (0..signed.len()).filter(|i| fields[*i].0).rev();
    let others = (0..signed.len()).filter(|i| !fields[*i].0);
    for (done, i) in doc_ts.chain(others).enumerate() {
        let (is_doc_ts, revision) = fields[i];
        let part = verify_field(&mut doc, &signed[i], revision, &context, &mut changes);
        if is_doc_ts && timestamp_usable(&part) {
            if let Some(time) = part.subject.signing_time {
                let detail = format!(
                    "{}, TSA {}",
                    signed[i].name,
                    part.subject.signer.as_deref().unwrap_or("unknown")
                );
                context.doc_poes.push((
                    revision,
                    ProofOfExistence::new(time, PoeSource::DocumentTimestamp, detail),
                ));
            }
        }
        parts[i] = Some(part);
        opts.report_progress("signature", done as u64 + 1, total);
    }
    report.parts = parts.into_iter().flatten().collect();
    report.finish()
}

/// The /VRI entry of the signature whose /Contents string is `contents`: keyed by the
/// upper-case hex SHA-1 of the string's bytes (ETSI EN 319 142-1 §5.4.2.2), as written with
/// or without the zero padding after the DER.
fn vri_entry<'d>(dss: &'d Dss, contents: &[u8]) -> Option<&'d Dss> {
    if dss.vri.is_empty() {
        return None;
    }
    let key = |b: &[u8]| hex::encode_upper(DigestAlgorithm::Sha1.digest(b));
    let trimmed = der_len(contents).map_or(contents, |n| &contents[..n.min(contents.len())]);
    dss.vri.get(&key(contents)).or_else(|| dss.vri.get(&key(trimmed)))
}

/// Whether a document time-stamp's report makes it a proof of existence: everything about
/// the token (its signature, imprint, TSA chain, byte ranges) passed; what later revisions
/// changed does not take away that the earlier bytes existed at its time.
fn timestamp_usable(part: &Report) -> bool {
    part.checks
        .iter()
        .filter(|c| !matches!(c.name.as_str(), "pdf.coverage" | "pdf.modifications" | "pdf.format"))
        .all(|c| c.status == Status::Passed)
}

/// The signed signature fields, in file order (oldest first: by where each /Contents
/// string starts), the order of the document report's parts.
fn signed_fields(doc: &PdfDocument) -> Result<Vec<SignatureField>, PdfError> {
    let mut signed: Vec<SignatureField> = document::signature_fields(doc.last())?
        .into_iter()
        .filter(|f| f.value.is_some())
        .collect();
    signed.sort_by_key(|f| {
        f.value
            .as_ref()
            .and_then(|v| SignatureValue::read(doc.last(), v).byte_range)
            .and_then(|br| br.get(1).copied())
            .unwrap_or(i64::MAX)
    });
    Ok(signed)
}

/// The seal picture of each signature of a PDF, in the order of the document report's
/// `parts`: `None` for a signature that holds no GB/T 38540 seal signature (CMS signatures,
/// document time-stamps).
pub fn seal_pictures(bytes: &[u8]) -> Result<Vec<Option<SealPicture>>, PdfError> {
    let doc = PdfDocument::parse(bytes)?;
    Ok(signed_fields(&doc)?
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let contents = SignatureValue::read(doc.last(), field.value.as_ref()?).contents?;
            let len = der_len(&contents)?;
            picture_of(i, contents.get(..len)?)
        })
        .collect())
}

/// Byte ranges longer than this are hashed in chunks of this size, with a progress report
/// after each.
pub const PROGRESS_CHUNK: usize = 8 * 1024 * 1024;

/// What the DSS and the options give every signature.
struct Context<'o, 'a> {
    opts: &'o PdfOptions<'a>,
    pool: Vec<Certificate>,
    crls: Vec<Crl>,
    ocsp: Vec<OcspResponseInfo>,
    /// A digest computed while the file was parsed ([`super::prehash`]).
    prehash: Option<super::prehash::Prehash>,
    /// The certification signature's DocMDP P and where its /Contents starts (the first
    /// certification in the file: ISO 32000 allows one, and only as the first signature).
    certification: Option<(i64, i64)>,
    /// The revision of each document time-stamp.
    doc_timestamps: Vec<usize>,
    /// The DSS as read (for the validation-data listing: DSS and VRI entries).
    dss: Dss,
    /// How many of `pool` (the first) came from the DSS.
    dss_certs: usize,
    /// Signature verifications of this document's chains ([`Context::chain_options`]).
    signature_cache: crate::alg::SignatureCache,
    /// The usable document time-stamps found so far (newest first are verified first): the
    /// revision each was added in and the time it proves for everything before it.
    doc_poes: Vec<(usize, ProofOfExistence)>,
}

impl<'o, 'a> Context<'o, 'a> {
    /// The digest of the byte ranges, streamed over the file in place (or taken from the
    /// digest computed during the parse, when it was for exactly these ranges).
    fn digest(&self, alg: DigestAlgorithm, bytes: &[u8], ranges: &[(usize, usize)]) -> Vec<u8> {
        if let Some(d) = self.prehash.as_ref().and_then(|p| p.get(alg, ranges)) {
            return d.to_vec();
        }
        let mut h: Hasher = alg.hasher();
        let total: usize = ranges.iter().map(|(_, n)| n).sum();
        let mut done = 0;
        for (start, n) in ranges {
            for chunk in bytes[*start..start + n].chunks(PROGRESS_CHUNK) {
                h.update(chunk);
                done += chunk.len();
                if total > PROGRESS_CHUNK {
                    self.opts.report_progress("hash", done as u64, total as u64);
                }
            }
        }
        h.finalize()
    }

    fn new(dss: &Dss, opts: &'o PdfOptions<'a>) -> Context<'o, 'a> {
        let mut pool: Vec<Certificate> = dss.certs.iter().filter_map(|d| Certificate::from_der(d).ok()).collect();
        let dss_certs = pool.len();
        pool.extend(opts.seal.intermediates.iter().cloned());
        Context {
            opts,
            pool,
            crls: dss.crls.iter().filter_map(|d| Crl::from_der(d).ok()).collect(),
            ocsp: dss
                .ocsps
                .iter()
                .filter_map(|d| OcspResponseInfo::from_der(d).ok())
                .collect(),
            prehash: None,
            certification: None,
            doc_timestamps: Vec::new(),
            doc_poes: Vec::new(),
            dss: dss.clone(),
            dss_certs,
            signature_cache: opts.seal.chain.signature_cache.clone(),
        }
    }

    /// The caller's chain options with the caller's signature cache (a [`crate::Verifier`]'s
    /// lives as long as it does): the signatures, time-stamps and validations in the past of
    /// one document, and the documents after it, check each certificate and CRL signature
    /// once.
    fn chain_options(&self) -> crate::x509::ChainOptions {
        let mut chain = self.opts.seal.chain.clone();
        chain.signature_cache = self.signature_cache.clone();
        chain
    }

    /// Lists the DSS's data, this signature's VRI entry and the caller's data in `data`.
    fn pool_items(&self, data: &mut ValidationData, value: &SignatureValue) {
        for c in self.pool.iter().take(self.dss_certs) {
            data.certificate(c, DataSource::Dss);
        }
        for c in &self.crls {
            data.crl(c, DataSource::Dss);
        }
        for r in &self.ocsp {
            data.ocsp(r, DataSource::Dss);
        }
        if let Some(vri) = value.contents.as_deref().and_then(|c| vri_entry(&self.dss, c)) {
            for c in vri.certs.iter().filter_map(|d| Certificate::from_der(d).ok()) {
                data.certificate(&c, DataSource::Vri);
            }
            for c in vri.crls.iter().filter_map(|d| Crl::from_der(d).ok()) {
                data.crl(&c, DataSource::Vri);
            }
            for r in vri.ocsps.iter().filter_map(|d| OcspResponseInfo::from_der(d).ok()) {
                data.ocsp(&r, DataSource::Vri);
            }
        }
        for c in &self.opts.seal.intermediates {
            data.certificate(c, DataSource::Caller);
        }
        for c in &self.opts.seal.chain.crls {
            data.crl(c, DataSource::Caller);
        }
        for r in &self.opts.seal.chain.ocsp {
            data.ocsp(r, DataSource::Caller);
        }
    }

    /// The earliest usable document time-stamp added after `revision`: a proof that
    /// everything in that revision existed at its time.
    fn poe_after(&self, revision: usize) -> Option<&ProofOfExistence> {
        self.doc_poes
            .iter()
            .filter(|(r, _)| *r > revision)
            .map(|(_, p)| p)
            .min_by_key(|p| p.time)
    }
}

/// The outcome of the byte-range checks.
struct Ranges {
    /// (start, length) pairs, validated to lie inside the file.
    ranges: Vec<(usize, usize)>,
    coverage: Coverage,
    /// The revision the signature covers (for EntireFile/EntireRevision).
    revision: Option<usize>,
}

fn verify_field(
    doc: &mut PdfDocument<'_>,
    field: &SignatureField,
    own_revision: usize,
    ctx: &Context<'_, '_>,
    changes: &mut BTreeMap<usize, Result<RevisionChanges, PdfError>>,
) -> Report {
    let mut report = Report::new(SIGNATURE_REPORT_KIND);
    report.subject.validation_time = Some(ctx.opts.seal.chain.at);
    let Some(dict) = &field.value else {
        return report.finish();
    };
    let value = SignatureValue::read(doc.last(), dict);
    let mut dict_check = Check::passed("pdf.signature-dictionary", format!("field {}", field.name))
        .with_detail("field", field.name.clone());
    for (key, v) in [
        ("sub_filter", &value.sub_filter),
        ("reason", &value.reason),
        ("location", &value.location),
        ("name", &value.name),
        ("m", &value.m),
    ] {
        if let Some(v) = v {
            dict_check = dict_check.with_detail(key, v.clone());
        }
    }
    if let Some(p) = value.docmdp {
        dict_check = dict_check.with_detail("docmdp", p);
    }
    let kind = value.kind();
    let problem = match (&kind, &value.contents, &value.byte_range) {
        (None, _, _) => Some((
            Reason::Malformed,
            format!(
                "/Type /{} is neither /Sig nor /DocTimeStamp",
                value.type_name.as_deref().unwrap_or("")
            ),
        )),
        (_, None, _) => Some((Reason::Missing, "no /Contents: nothing is signed".to_owned())),
        (_, Some(c), _) if c.iter().all(|b| *b == 0) => Some((Reason::Missing, "/Contents is empty".to_owned())),
        (_, _, None) => Some((Reason::Missing, "no /ByteRange: nothing is covered".to_owned())),
        _ => None,
    };
    if let Some((reason, message)) = problem {
        report
            .push(Check::failed("pdf.signature-dictionary", reason, message).with_detail("field", field.name.clone()));
        return report.finish();
    }
    let kind = kind.unwrap_or(SignatureKind::Signature);
    dict_check = dict_check.with_detail("type", serde_json::to_value(kind).unwrap_or_default());
    report.push(dict_check);
    let (Some(contents), Some(byte_range)) = (&value.contents, &value.byte_range) else {
        return report.finish();
    };

    let ranges = match check_byte_range(doc, field, byte_range, contents) {
        Ok((ranges, check)) => {
            report.push(check);
            ranges
        }
        Err(check) => {
            report.push(check);
            return report.finish();
        }
    };

    let container = match container_bytes(contents) {
        Ok((der, check)) => {
            report.push(check);
            der
        }
        Err(check) => {
            report.push(check);
            return report.finish();
        }
    };

    let bytes = doc.bytes();
    let mut facts = FormatFacts {
        container: Container::Other,
        ess: false,
        signature_timestamp: false,
    };
    match kind {
        SignatureKind::DocTimeStamp => doc_timestamp_checks(
            &mut report,
            container,
            bytes,
            &ranges.ranges,
            ctx,
            ctx.poe_after(own_revision),
        ),
        SignatureKind::Signature => {
            if value.sub_filter.as_deref() == Some("adbe.x509.rsa_sha1") {
                facts.container = Container::Pkcs1;
                rsa_sha1_checks(
                    &mut report,
                    container,
                    &value,
                    bytes,
                    &ranges.ranges,
                    ctx,
                    ctx.poe_after(own_revision),
                );
            } else if let Ok(sd) = SignedData::from_der(container) {
                facts.container = Container::Cms;
                if let Some(signer) = sd.signers.first() {
                    facts.ess = signer.signed_attribute(&cms_oid::SIGNING_CERTIFICATE_V2).is_some()
                        || signer.signed_attribute(&cms_oid::SIGNING_CERTIFICATE).is_some();
                    facts.signature_timestamp = signer
                        .unsigned_attribute(&cms_oid::SIGNATURE_TIME_STAMP_TOKEN)
                        .is_some();
                }
                cms_checks(
                    &mut report,
                    &sd,
                    &value,
                    bytes,
                    &ranges.ranges,
                    ctx,
                    ctx.poe_after(own_revision),
                );
            } else if SesSignature::decode(container).is_ok() {
                facts.container = Container::Seal;
                let digest = ctx.digest(DigestAlgorithm::Sm3, bytes, &ranges.ranges);
                let seal = verify_seal_signature(container, ProtectedData::Digest(&digest), &ctx.opts.seal);
                report.subject.seal = seal.subject.seal.clone();
                report.subject.signer = seal.subject.signer.clone();
                report.subject.signing_time = seal.subject.signing_time;
                report.checks.extend(seal.checks);
            } else {
                let err = SignedData::from_der(container)
                    .err()
                    .map(|e| (e.reason(), e.to_string()));
                let (reason, message) = err.unwrap_or((Reason::Malformed, "unreadable".into()));
                report.push(Check::failed(
                    "cms.parse",
                    reason,
                    format!("/Contents is neither a CMS SignedData nor a seal signature: {message}"),
                ));
            }
        }
    }
    let later = coverage_checks(&mut report, doc, &ranges, &value, ctx, changes);
    let revision = ranges.revision.unwrap_or_else(|| {
        let at = value.byte_range.as_ref().and_then(|b| b.get(1).copied()).unwrap_or(0);
        doc.revision_of(usize::try_from(at).unwrap_or(0))
    });
    report.push(format_check(kind, &value, &facts, &later, revision, ctx));
    report.finish()
}

/// ByteRange shape, the gap being exactly this signature's /Contents string, and coverage.
fn check_byte_range(
    doc: &mut PdfDocument<'_>,
    field: &SignatureField,
    br: &[i64],
    contents: &[u8],
) -> Result<(Ranges, Check), Check> {
    let bytes = doc.bytes();
    let len = bytes.len();
    let unclear = |message: String| {
        Check::failed("pdf.byte-range", Reason::Malformed, message)
            .with_detail("coverage", Coverage::Unclear.as_str())
            .with_detail("byte_range", br.to_vec())
    };
    if !br.len().is_multiple_of(2) || br.is_empty() {
        return Err(unclear(format!(
            "/ByteRange has {} numbers; pairs of offset and length are needed",
            br.len()
        )));
    }
    let mut ranges = Vec::new();
    for pair in br.chunks_exact(2) {
        let (Ok(start), Ok(n)) = (usize::try_from(pair[0]), usize::try_from(pair[1])) else {
            return Err(unclear("/ByteRange has a negative number".into()));
        };
        match start.checked_add(n) {
            Some(end) if end <= len => ranges.push((start, n)),
            _ => {
                return Err(unclear(format!(
                    "/ByteRange [{start} {n}] runs past the end of the file ({len} bytes)"
                )))
            }
        }
    }
    // From here on the ranges can be hashed: a bad shape makes the coverage UNCLEAR, and
    // the signature is still checked so the report says whether it is intact.
    let (covered_end, signed_revision, problem) = shape(doc, field, &ranges, contents);
    if let Some(problem) = problem {
        let check = unclear(problem);
        let ranges = Ranges {
            ranges,
            coverage: Coverage::Unclear,
            revision: None,
        };
        return Ok((ranges, check));
    }
    let revision = doc
        .revision_ends()
        .iter()
        .position(|e| *e == covered_end || trailing_eol(bytes, *e, covered_end));
    let coverage = if covered_end == len {
        Coverage::EntireFile
    } else if revision.is_some() {
        Coverage::EntireRevision
    } else {
        Coverage::ContiguousBlockFromStart
    };
    let check = Check::passed(
        "pdf.byte-range",
        format!(
            "covers {} of {len} bytes, all but the /Contents string",
            ranges[0].1 + ranges[1].1
        ),
    )
    .with_detail("coverage", coverage.as_str())
    .with_detail("byte_range", br.to_vec());
    Ok((
        Ranges {
            ranges,
            coverage,
            revision: revision.or(signed_revision),
        },
        check,
    ))
}

/// What is wrong with the shape of validated ranges, if anything; with the end of the
/// covered block and the revision it ends.
fn shape(
    doc: &mut PdfDocument<'_>,
    field: &SignatureField,
    ranges: &[(usize, usize)],
    contents: &[u8],
) -> (usize, Option<usize>, Option<String>) {
    let bytes = doc.bytes();
    let len = bytes.len();
    let last = doc.revision_ends().len() - 1;
    let covered_end = ranges.last().map_or(0, |(s, n)| s + n);
    if ranges[0].0 != 0 {
        return (covered_end, None, Some("/ByteRange does not start at offset 0".into()));
    }
    if ranges.len() != 2 {
        let message = format!(
            "/ByteRange has {} ranges; a signature covers two, around its /Contents",
            ranges.len()
        );
        return (covered_end, None, Some(message));
    }
    let (gap_start, gap_end) = (ranges[0].1, ranges[1].0);
    if gap_end < gap_start {
        return (covered_end, None, Some("the two ranges overlap".into()));
    }
    let gap = &bytes[gap_start..gap_end];
    let is_hex_string = gap.len() >= 2
        && gap[0] == b'<'
        && gap[gap.len() - 1] == b'>'
        && gap[1..gap.len() - 1].iter().all(u8::is_ascii_hexdigit);
    if !is_hex_string {
        let message = format!(
            "the bytes skipped ({gap_start}..{gap_end}) are not exactly a hex string: the gap must be the /Contents value and nothing else"
        );
        return (covered_end, None, Some(message));
    }
    let decoded = hex::decode(&gap[1..gap.len() - 1]).unwrap_or_default();
    if decoded != contents {
        let message = "the hex string the byte range skips is not this signature's /Contents".to_owned();
        return (covered_end, None, Some(message));
    }
    // The skipped string must sit inside this signature's dictionary object, in the
    // revision the signature covers: a copy elsewhere is the signature-wrapping attack.
    let revision = doc
        .revision_ends()
        .iter()
        .position(|e| *e == covered_end || trailing_eol(bytes, *e, covered_end));
    let signed_revision = revision.or(if covered_end == len { Some(last) } else { None });
    let holder = field.value_id.or(field.field_id);
    if let (Some(id), Some(rev)) = (holder, signed_revision) {
        let _ = doc.load(rev);
        let offset = doc.object_offset(rev, id).or_else(|| doc.object_offset(last, id));
        let inside = offset.is_some_and(|start| {
            start <= gap_start && memchr::memmem::find(&bytes[start..gap_start], b"endobj").is_none()
        });
        if !inside {
            let message = format!(
                "the /Contents string the byte range skips is not inside the signature dictionary (object {} {}): signature wrapping",
                id.0, id.1
            );
            return (covered_end, None, Some(message));
        }
    }
    (covered_end, signed_revision, None)
}

/// True when `covered_end` is `end` minus a final line end (some writers sign up to %%EOF).
fn trailing_eol(bytes: &[u8], end: usize, covered_end: usize) -> bool {
    covered_end < end && end - covered_end <= 2 && bytes[covered_end..end].iter().all(|b| *b == b'\r' || *b == b'\n')
}

/// The DER container at the start of /Contents; only zero bytes may follow it.
fn container_bytes(contents: &[u8]) -> Result<(&[u8], Check), Check> {
    let Some(len) = der_len(contents) else {
        return Err(Check::failed(
            "pdf.contents",
            Reason::Malformed,
            "/Contents does not start with a complete DER or BER value",
        ));
    };
    if len > MAX_CMS_SIZE {
        return Err(Check::failed(
            "pdf.contents",
            Reason::TooLarge,
            format!("container over {MAX_CMS_SIZE} bytes"),
        ));
    }
    let (der, rest) = contents.split_at(len);
    let trailing = rest.iter().rev().skip_while(|b| **b == 0).count();
    if trailing > 0 {
        // Bytes after the container are inside /Contents, which the byte range skips by
        // design: no reader renders them and the signature does not depend on them. Some
        // products leave them there (a stray byte after the CMS); a careful verifier ignores
        // them and says so. Anything in the gap *outside* /Contents is refused by the
        // byte-range check (signature wrapping).
        return Ok((
            der,
            Check::passed(
                "pdf.contents",
                format!(
                    "{len}-byte container; note: {trailing} byte(s) of other data follow it inside /Contents (ignored: not signed, not rendered)"
                ),
            )
            .with_detail("trailing_bytes", trailing),
        ));
    }
    Ok((
        der,
        Check::passed(
            "pdf.contents",
            format!("{len}-byte container, {} bytes of zero padding", rest.len()),
        ),
    ))
}

/// Length of the DER or BER value at the start of `bytes` (indefinite lengths followed to
/// their end-of-contents), if it fits.
pub(super) fn der_len(bytes: &[u8]) -> Option<usize> {
    crate::cms::ber::value_len(bytes)
}

/// The signer certificate not being in the CMS (nor among the certificates supplied) is ETSI
/// INDETERMINATE / NO_SIGNING_CERTIFICATE_FOUND: the signature may be fine, it cannot be
/// checked. The CMS checks say `Missing`; here they are given that reason.
fn signer_not_found(checks: &[Check], found: bool) -> Vec<Check> {
    checks
        .iter()
        .map(|c| {
            let no_cert = !found
                && c.reason == Some(Reason::Missing)
                && (c.name == "cms.signer-certificate" || c.name == "cms.signature");
            if no_cert {
                let mut check = Check::failed(c.name.clone(), Reason::SignerCertificateNotFound, c.message.clone());
                check.details = c.details.clone();
                check
            } else {
                c.clone()
            }
        })
        .collect()
}

/// CMS signature checks; returns the time a valid signature time-stamp proves.
fn cms_checks(
    report: &mut Report,
    sd: &SignedData,
    value: &SignatureValue,
    bytes: &[u8],
    ranges: &[(usize, usize)],
    ctx: &Context<'_, '_>,
    later: Option<&ProofOfExistence>,
) -> Option<Time> {
    let sha1_subfilter = value.sub_filter.as_deref() == Some("adbe.pkcs7.sha1");
    let content = match (&sd.econtent, sha1_subfilter) {
        (Some(econtent), true) => {
            let digest = ctx.digest(DigestAlgorithm::Sha1, bytes, ranges);
            if *econtent == digest {
                report.push(Check::passed(
                    "pdf.sha1-content",
                    "the encapsulated content is the SHA-1 of the byte ranges",
                ));
            } else {
                report.push(Check::failed(
                    "pdf.sha1-content",
                    Reason::HashMismatch,
                    "the encapsulated SHA-1 is not the digest of the byte ranges",
                ));
            }
            None
        }
        (None, true) => {
            report.push(Check::failed(
                "pdf.sha1-content",
                Reason::Missing,
                "adbe.pkcs7.sha1 needs the SHA-1 digest as encapsulated content",
            ));
            return None;
        }
        (Some(_), false) => {
            report.push(Check::failed(
                "cms.parse",
                Reason::Malformed,
                format!(
                    "{} is a detached signature but the CMS encapsulates content",
                    value.sub_filter.as_deref().unwrap_or("the /SubFilter")
                ),
            ));
            return None;
        }
        (None, false) => Some(()),
    };
    let Some(signer) = sd.signers.first() else {
        report.push(Check::failed(
            "cms.signer",
            Reason::Missing,
            "the SignedData has no signers",
        ));
        return None;
    };
    let joined;
    let mut verification = match (content, signer.signed_attributes_der.is_some(), signer.digest()) {
        (None, _, _) => sd.verify_signer(0, Content::Encapsulated, &ctx.opts.signer_certificates),
        (Some(()), true, Some(alg)) => {
            let digest = ctx.digest(alg, bytes, ranges);
            sd.verify_signer(0, Content::Digest(&digest), &ctx.opts.signer_certificates)
        }
        (Some(()), _, _) => {
            let total: usize = ranges.iter().map(|r| r.1).sum();
            if total > MAX_CONTENT_WITHOUT_ATTRIBUTES {
                report.push(Check::failed(
                    "cms.message-digest",
                    Reason::TooLarge,
                    format!("signed content over {MAX_CONTENT_WITHOUT_ATTRIBUTES} bytes without signed attributes"),
                ));
                return None;
            }
            joined = ranges
                .iter()
                .flat_map(|(s, n)| &bytes[*s..s + n])
                .copied()
                .collect::<Vec<u8>>();
            sd.verify_signer(0, Content::Bytes(&joined), &ctx.opts.signer_certificates)
        }
    };
    // Validation data: the signature's own, CAdES values, the signature time-stamp's (decoded
    // once: listed here, verified below), the DSS and this signature's VRI, and the caller's;
    // each listed with where it was found.
    let token = crate::cms::tsp::signature_timestamp(sd, 0);
    let own = SignerData::of(sd, 0, token.as_ref().and_then(|t| t.as_ref().ok()));
    if !own.archive_timestamps.is_empty() {
        let times: Vec<String> = own.archive_timestamps.iter().map(Time::to_string).collect();
        report.push(
            Check::passed(
                "pdf.archive-timestamp",
                format!(
                    "CAdES archive time-stamp(s) at {}: their certificates and CRLs are used; not taken as proofs of existence (their imprint is not computed)",
                    times.join(", ")
                ),
            )
            .with_detail("gen_times", times),
        );
    }
    let mut data = own.listing;
    let mut chain = ctx.chain_options();
    chain.usage = Usage::DocumentSigning;
    let mut pool = own.certificates;
    chain.crls.extend(own.crls);
    chain.ocsp.extend(own.ocsp);
    ctx.pool_items(&mut data, value);
    chain.crls.extend(ctx.crls.iter().cloned());
    chain.ocsp.extend(ctx.ocsp.iter().cloned());
    // Proofs of existence: the signature time-stamp (its TSA judged, when needed, at the
    // document time-stamp after it) and the document time-stamps after this revision.
    let mut poes: Vec<ProofOfExistence> = later.into_iter().cloned().collect();
    let mut timestamp_check = None;
    let stamped = sd.signers.first().map(|s| s.signature.as_slice()).unwrap_or_default();
    let verified = token.map(|t| t.map(|t| t.verify_protected(stamped, ctx.opts.seal.trust, &chain, later)));
    if let Some(ts) = verified {
        timestamp_check = Some(match ts {
            Ok(tv) => match crate::report::deciding(&tv.checks) {
                None => {
                    poes.push(tv.proof(PoeSource::SignatureTimestamp));
                    let mut check = Check::passed(
                        "pdf.signature-timestamp",
                        format!("signature time-stamped at {}: proof of existence", tv.gen_time),
                    )
                    .with_detail("used", true);
                    if let Some(p) = tv.checks.iter().find(|c| c.name == "tsp.poe") {
                        check.message = format!("{}; {}", check.message, p.message);
                    }
                    check
                }
                Some(c) => unusable_timestamp(c.status, c.reason, &format!("{}: {}", c.name, c.message)),
            }
            .with_detail("gen_time", tv.gen_time.to_string()),
            Err(e) => unusable_timestamp(e.reason().status(), Some(e.reason()), &e.to_string()),
        });
    }
    poes.sort_by_key(|p| p.time);
    let best = poes.first().cloned();
    // Algorithms are judged at the earliest time the signature is proven to exist.
    let constraints = ctx.opts.seal.chain.crypto_constraints();
    verification.apply_constraints(&best.as_ref().map_or(constraints, |p| constraints.at(p.time)));
    let mut checks = signer_not_found(&verification.checks, verification.signer_certificate.is_some());
    if best.is_none() {
        crate::ltv::mark_no_poe(&mut checks);
    }
    report.checks.extend(checks);
    if let Some(alg) = verification.signature_algorithm {
        if let Some(c) = report.checks.iter_mut().rev().find(|c| c.name == "cms.signature") {
            *c = c.clone().with_detail("algorithm", alg.name());
        }
    }
    if let Some(alg) = verification.digest_algorithm {
        if let Some(c) = report.checks.iter_mut().rev().find(|c| c.name == "cms.message-digest") {
            *c = c.clone().with_detail("digest", alg.name());
        }
    }
    let claimed = verification
        .signing_time
        .or_else(|| value.m.as_deref().and_then(parse_pdf_date));
    report.subject.signing_time = claimed;
    report.checks.extend(timestamp_check);
    report.push(data.check("pdf.validation-data"));
    match &verification.signer_certificate {
        Some(cert) => {
            report.subject.signer = Some(cert.subject());
            pool.extend(ctx.pool.iter().cloned());
            let times = crate::ltv::UseTimes {
                claimed,
                poe: best.clone(),
                usage: None,
            };
            report.push(crate::ltv::signer_check(
                "pdf.chain",
                cert,
                &pool,
                ctx.opts.seal.trust,
                &chain,
                &times,
            ));
        }
        None => {
            report.push(Check::failed(
                "pdf.chain",
                Reason::UntrustedChain,
                "no signer certificate found",
            ));
        }
    }
    let proven = poes
        .iter()
        .find(|p| p.source == PoeSource::SignatureTimestamp)
        .map(|p| p.time);
    if proven.is_some() {
        report.subject.signing_time = proven;
    }
    report.proofs_of_existence = poes;
    proven
}

/// A signature time-stamp that cannot serve as proof of time (its imprint or signature is
/// broken, its TSA certificate is not valid at genTime, its chain is not trusted, …): reported,
/// and the signature is judged as if it had none (ETSI EN 319 102-1 §5.5). It never makes the
/// signature FAILED or INDETERMINATE by itself; the details say what was wrong.
fn unusable_timestamp(status: Status, reason: Option<Reason>, message: &str) -> Check {
    let mut check = Check::passed(
        "pdf.signature-timestamp",
        format!("signature time-stamp not used as proof of time ({status}): {message}"),
    )
    .with_detail("used", false)
    .with_detail("problem_status", status.as_str());
    if let Some(r) = reason {
        check = check.with_detail("problem_reason", r.as_str());
    }
    check
}

/// The legacy `adbe.x509.rsa_sha1` SubFilter (ISO 32000-1 §12.8.3.2): /Contents holds a DER
/// OCTET STRING with a PKCS#1 v1.5 signature over the digest of the byte ranges, the signer's
/// certificate is the first of /Cert. Despite the name, the digest is the one the DigestInfo
/// inside the signature names (SHA-1, SHA-256, SHA-384 or SHA-512): each is tried and the one
/// that verifies is reported.
fn rsa_sha1_checks(
    report: &mut Report,
    container: &[u8],
    value: &SignatureValue,
    bytes: &[u8],
    ranges: &[(usize, usize)],
    ctx: &Context<'_, '_>,
    later: Option<&ProofOfExistence>,
) {
    const NAME: &str = "pdf.pkcs1-signature";
    let signature = match container {
        [0x04, ..] => {
            let header = container.len() - octet_string_len(container).unwrap_or(container.len());
            &container[header..]
        }
        _ => {
            report.push(Check::failed(
                NAME,
                Reason::Malformed,
                "adbe.x509.rsa_sha1: /Contents must hold a DER OCTET STRING with the PKCS#1 signature",
            ));
            return;
        }
    };
    let certs: Vec<Certificate> = value
        .certs
        .iter()
        .filter_map(|d| Certificate::from_der(d).ok())
        .collect();
    let Some(signer) = certs.first() else {
        report.push(
            Check::failed(
                NAME,
                Reason::SignerCertificateNotFound,
                "adbe.x509.rsa_sha1: no readable signer certificate in /Cert",
            )
            .with_detail("certificates", value.certs.len()),
        );
        return;
    };
    report.subject.signer = Some(signer.subject());
    report.subject.signing_time = value.m.as_deref().and_then(parse_pdf_date);
    let total: usize = ranges.iter().map(|r| r.1).sum();
    if total > MAX_CONTENT_WITHOUT_ATTRIBUTES {
        report.push(Check::failed(
            NAME,
            Reason::TooLarge,
            format!("signed content over {MAX_CONTENT_WITHOUT_ATTRIBUTES} bytes for a PKCS#1 signature"),
        ));
        return;
    }
    let joined: Vec<u8> = ranges.iter().flat_map(|(s, n)| &bytes[*s..s + n]).copied().collect();
    let spki = signer.spki();
    let mut last_error = None;
    let mut verified = None;
    for alg in [
        SignatureAlgorithm::RsaPkcs1Sha1,
        SignatureAlgorithm::RsaPkcs1Sha256,
        SignatureAlgorithm::RsaPkcs1Sha384,
        SignatureAlgorithm::RsaPkcs1Sha512,
    ] {
        match verify_signature(alg, spki, &joined, signature) {
            Ok(_) => {
                verified = Some(alg);
                break;
            }
            Err(e) => last_error = Some(e),
        }
    }
    match (verified, last_error) {
        (Some(alg), _) => {
            report.push(
                Check::passed(
                    NAME,
                    format!(
                        "{} signature over the byte ranges verifies (adbe.x509.rsa_sha1)",
                        alg.name()
                    ),
                )
                .with_detail("algorithm", alg.name()),
            );
            // The value verifies; whether SHA-1 or the key size is still acceptable is the
            // crypto constraints' question, as for CMS signatures.
            let constraints = ctx.opts.seal.chain.crypto_constraints();
            let constraints = later.map_or(constraints, |p| constraints.at(p.time));
            if let Some(mut check) = constraints.failure_check("pdf.crypto-constraints", alg, None, spki) {
                if later.is_none() {
                    crate::ltv::mark_no_poe(std::slice::from_mut(&mut check));
                }
                report.push(check);
            }
        }
        (None, Some(e)) => {
            report.push(Check::failed(
                NAME,
                e.reason(),
                format!("adbe.x509.rsa_sha1 signature does not verify with SHA-1, SHA-256, SHA-384 or SHA-512: {e}"),
            ));
        }
        (None, None) => {
            report.push(Check::failed(NAME, Reason::BadSignature, "no signature"));
        }
    }
    let mut chain = ctx.chain_options();
    chain.usage = Usage::DocumentSigning;
    chain.crls.extend(ctx.crls.iter().cloned());
    chain.ocsp.extend(ctx.ocsp.iter().cloned());
    let mut pool: Vec<Certificate> = certs[1..].to_vec();
    pool.extend(ctx.pool.iter().cloned());
    let times = crate::ltv::UseTimes {
        claimed: report.subject.signing_time,
        poe: later.cloned(),
        usage: None,
    };
    report.proofs_of_existence.extend(later.cloned());
    report.push(crate::ltv::signer_check(
        "pdf.chain",
        signer,
        &pool,
        ctx.opts.seal.trust,
        &chain,
        &times,
    ));
}

/// Length of the contents of the DER OCTET STRING at the start of `der` (which must fill it).
fn octet_string_len(der: &[u8]) -> Option<usize> {
    let total = der_len(der)?;
    let header = if der.get(1)? & 0x80 == 0 {
        2
    } else {
        2 + usize::from(der[1] & 0x7f)
    };
    (total == der.len()).then(|| total - header)
}

/// A document time-stamp: an RFC 3161 token over the byte ranges.
fn doc_timestamp_checks(
    report: &mut Report,
    der: &[u8],
    bytes: &[u8],
    ranges: &[(usize, usize)],
    ctx: &Context<'_, '_>,
    later: Option<&ProofOfExistence>,
) {
    let token = match TimeStampToken::from_der(der) {
        Ok(t) => t,
        Err(e) => {
            report.push(Check::failed("tsp.parse", e.reason(), e.to_string()));
            return;
        }
    };
    let Some(alg) = token.tst_info.imprint_digest() else {
        report.push(Check::failed(
            "tsp.imprint",
            Reason::Unsupported,
            "unsupported message imprint digest",
        ));
        return;
    };
    let digest = ctx.digest(alg, bytes, ranges);
    let mut chain = ctx.chain_options();
    chain.crls.extend(ctx.crls.iter().cloned());
    chain.ocsp.extend(ctx.ocsp.iter().cloned());
    let verification = token.verify_digest_protected(&digest, ctx.opts.seal.trust, &chain, later);
    report.subject.signing_time = Some(verification.gen_time);
    if let Some(poe) = later {
        report.proofs_of_existence.push(poe.clone());
    }
    if let Some(cert) = &verification.tsa_certificate {
        report.subject.signer = Some(cert.subject());
    }
    report.checks.extend(signer_not_found(
        &verification.checks,
        verification.tsa_certificate.is_some(),
    ));
}

/// The most a signature allows after it (ISO 32000-1 §12.8.2.2, ISO 32000-2 §12.8.2.2–3):
/// DocMDP or FieldMDP P=1 nothing but validation data and document time-stamps; P=2 form
/// filling, instantiating page templates and signing; P=3 also annotations created, changed and
/// deleted. Without any permission (an approval signature in an uncertified document) form
/// filling and signing.
fn ceiling(p: Option<i64>) -> ChangeLevel {
    match p {
        Some(1) => ChangeLevel::LtaUpdates,
        Some(3) => ChangeLevel::Annotations,
        _ => ChangeLevel::FormFilling,
    }
}

/// The permission that governs the revisions after a signature: the lowest of its own DocMDP
/// P, its own FieldMDP P (ISO 32000-2) and the certification signature's P when the document
/// was certified before it.
fn permission(value: &SignatureValue, contents_at: Option<i64>, ctx: &Context<'_, '_>) -> Option<i64> {
    let certified = ctx
        .certification
        .filter(|(_, at)| contents_at.is_some_and(|c| c >= *at))
        .map(|(p, _)| p);
    [value.docmdp, value.fieldmdp_p, certified].into_iter().flatten().min()
}

/// What the coverage analysis found that the format level needs.
struct Later {
    /// The first revision after the signature that added or changed the DSS.
    dss_revision: Option<usize>,
}

/// Coverage and the analysis of the revisions after the signed one, judged by this
/// signature's own permissions and locks (a lock another signature set, broken after it, is
/// that signature's finding, not this one's).
fn coverage_checks(
    report: &mut Report,
    doc: &mut PdfDocument<'_>,
    ranges: &Ranges,
    value: &SignatureValue,
    ctx: &Context<'_, '_>,
    cache: &mut BTreeMap<usize, Result<RevisionChanges, PdfError>>,
) -> Later {
    let last = doc.revision_ends().len() - 1;
    let p = permission(value, value.byte_range.as_ref().and_then(|b| b.get(1).copied()), ctx);
    let allowed = ceiling(p);
    let mut later = Later { dss_revision: None };
    let (level, revisions, disallowed) = match (ranges.coverage, ranges.revision) {
        (Coverage::EntireFile, _) => (ChangeLevel::None, Vec::new(), Vec::new()),
        (Coverage::EntireRevision, Some(signed)) => {
            let mut revisions = Vec::new();
            let mut level = ChangeLevel::None;
            let mut disallowed = Vec::new();
            for k in signed + 1..=last {
                let entry = cache.entry(k).or_insert_with(|| compare_revisions(doc, k));
                match entry {
                    Ok(c) => {
                        level = level.max(c.level);
                        disallowed.extend(c.disallowed.iter().map(|d| format!("revision {k}: {d}")));
                        if c.level < ChangeLevel::Other && c.level > allowed {
                            disallowed.push(beyond_permission(c, p));
                        }
                        if c.dss && later.dss_revision.is_none() {
                            later.dss_revision = Some(k);
                        }
                        revisions.push(c.clone());
                    }
                    Err(e) => {
                        level = ChangeLevel::Other;
                        disallowed.push(format!("revision {k} could not be analysed: {e}"));
                    }
                }
            }
            (level, revisions, disallowed)
        }
        _ => (
            ChangeLevel::Other,
            Vec::new(),
            vec!["the signed bytes do not end at a revision end: what follows them cannot be analysed".to_owned()],
        ),
    };
    let mut disallowed = disallowed;
    if let Some((action, locked)) = &value.fieldmdp {
        for rev in &revisions {
            for f in &rev.fields_filled {
                let is_locked = match action.as_str() {
                    "All" => true,
                    "Include" => locked.contains(f),
                    "Exclude" => !locked.contains(f),
                    _ => false,
                };
                if is_locked {
                    disallowed.push(format!(
                        "revision {}: field {f} is locked by this signature (FieldMDP)",
                        rev.revision
                    ));
                }
            }
        }
    }
    let level = if disallowed.is_empty() {
        level
    } else {
        ChangeLevel::Other
    };
    let coverage_check = match ranges.coverage {
        Coverage::EntireFile => Check::passed("pdf.coverage", "the signature covers the whole file"),
        Coverage::EntireRevision => Check::passed(
            "pdf.coverage",
            format!(
                "the signature covers its revision; {} later revision(s) follow",
                revisions.len()
            ),
        ),
        Coverage::ContiguousBlockFromStart => Check::failed(
            "pdf.coverage",
            Reason::ModifiedAfterSigning,
            "the signature covers only a block from the start of the file: data after it is unsigned",
        ),
        Coverage::Unclear => Check::failed(
            "pdf.coverage",
            Reason::ModifiedAfterSigning,
            "the byte range is irregular: which bytes the signature protects is unclear",
        ),
    };
    report.push(coverage_check.with_detail("coverage", ranges.coverage.as_str()));
    let mut check = if disallowed.is_empty() {
        Check::passed(
            "pdf.modifications",
            match level {
                ChangeLevel::None => "nothing was added after signing".to_owned(),
                ChangeLevel::LtaUpdates => "only validation data and time-stamps were added after signing".to_owned(),
                ChangeLevel::Annotations => {
                    "only annotations, signatures and form filling were added after signing (DocMDP P=3 allows them)"
                        .to_owned()
                }
                _ => "only signatures and form filling were added after signing".to_owned(),
            },
        )
    } else {
        Check::failed(
            "pdf.modifications",
            Reason::ModifiedAfterSigning,
            format!(
                "changed after signing: {}",
                disallowed.first().cloned().unwrap_or_default()
            ),
        )
        .with_detail("disallowed", disallowed)
    };
    if let Some(p) = p {
        check = check.with_detail("permission", p);
    }
    check = check
        .with_detail("level", level.as_str())
        .with_detail("allowed_level", allowed.as_str())
        .with_detail("revisions", serde_json::to_value(&revisions).unwrap_or_default());
    report.push(check);
    later
}

/// Why an update of an allowed kind still goes beyond what this signature permits.
fn beyond_permission(c: &RevisionChanges, p: Option<i64>) -> String {
    let k = c.revision;
    match c.level {
        ChangeLevel::Annotations => format!(
            "revision {k}: {} (annotations are allowed only under DocMDP P=3{})",
            c.annotations
                .first()
                .cloned()
                .unwrap_or_else(|| "annotations changed".into()),
            p.map(|p| format!("; this signature allows P={p}")).unwrap_or_default()
        ),
        _ => format!(
            "revision {k}: {} (the signature allows no changes: P=1)",
            c.allowed
                .iter()
                .find(|a| !a.contains("DSS") && !a.contains("read by no viewer"))
                .cloned()
                .unwrap_or_else(|| "form filling or signing".into())
        ),
    }
}

/// The ETSI EN 319 142-1 format level of a signature (PAdES baseline B-B, B-T, B-LT, B-LTA),
/// or PKCS7 (with the same suffixes) when the ETSI attributes are absent.
fn format_check(
    kind: SignatureKind,
    value: &SignatureValue,
    facts: &FormatFacts,
    later: &Later,
    revision: usize,
    ctx: &Context<'_, '_>,
) -> Check {
    let sub_filter = value.sub_filter.as_deref().unwrap_or("");
    let doc_ts_after: Vec<usize> = ctx.doc_timestamps.iter().copied().filter(|r| *r > revision).collect();
    let base = match (kind, facts.container) {
        (SignatureKind::DocTimeStamp, _) => {
            return Check::passed("pdf.format", "document time-stamp (PAdES, ETSI EN 319 142-1 §5.4)")
                .with_detail("level", "PAdES-DTS")
                .with_detail("sub_filter", sub_filter);
        }
        (_, Container::Pkcs1) => {
            return Check::passed("pdf.format", "legacy PKCS#1 signature (adbe.x509.rsa_sha1)")
                .with_detail("level", "PKCS1")
                .with_detail("sub_filter", sub_filter);
        }
        (_, Container::Seal) => {
            return Check::passed("pdf.format", "GB/T 38540 seal signature").with_detail("level", "SES");
        }
        (_, Container::Cms) if sub_filter == "ETSI.CAdES.detached" && facts.ess => "PAdES-B",
        _ => "PKCS7",
    };
    let t = facts.signature_timestamp || !doc_ts_after.is_empty();
    let lt = t && later.dss_revision.is_some();
    let lta = lt && later.dss_revision.is_some_and(|d| doc_ts_after.iter().any(|r| *r >= d));
    let suffix = match (t, lt, lta) {
        (_, _, true) => "-LTA",
        (_, true, _) => "-LT",
        (true, _, _) => "-T",
        _ => "",
    };
    let level = match (base, suffix) {
        ("PAdES-B", "") => "PAdES-B-B".to_owned(),
        ("PAdES-B", s) => format!("PAdES-B{s}"),
        (b, s) => format!("{b}{s}"),
    };
    let mut message = format!("{level} (ETSI EN 319 142-1)");
    if base == "PKCS7" && sub_filter == "ETSI.CAdES.detached" {
        message.push_str(": ETSI.CAdES.detached without the ESS signing-certificate attribute is not PAdES baseline");
    }
    Check::passed("pdf.format", message)
        .with_detail("level", level)
        .with_detail("sub_filter", sub_filter)
        .with_detail("signature_timestamp", facts.signature_timestamp)
        .with_detail("document_timestamp_after", !doc_ts_after.is_empty())
        .with_detail("dss_after", later.dss_revision.is_some())
}

/// What the container holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Cms,
    Pkcs1,
    Seal,
    Other,
}

/// Structural facts of a signature that decide its format level.
struct FormatFacts {
    container: Container,
    /// The ESS signing-certificate (v1 or v2) signed attribute is present.
    ess: bool,
    /// A signature time-stamp (unsigned attribute) is present.
    signature_timestamp: bool,
}

fn compare_revisions(doc: &mut PdfDocument<'_>, k: usize) -> Result<RevisionChanges, PdfError> {
    doc.load(k - 1)?;
    doc.load(k)?;
    let (Some(prev), Some(cur)) = (doc.revision(k - 1), doc.revision(k)) else {
        return Err(PdfError::Malformed(format!("revision {k} not loaded")));
    };
    Ok(compare(k, prev, cur))
}

/// A PDF date `D:YYYYMMDDHHmmSS+HH'mm'` (UTC offsets applied; missing parts default).
pub fn parse_pdf_date(text: &str) -> Option<Time> {
    let t = text.trim().strip_prefix("D:").unwrap_or(text.trim());
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.len() < 4 {
        return None;
    }
    let num = |from: usize, len: usize, default: u32| -> Option<u32> {
        match digits.get(from..from + len) {
            Some(s) => s.parse().ok(),
            None => Some(default),
        }
    };
    let year = i32::try_from(num(0, 4, 0)?).ok()?;
    let base = Time::from_utc_fields(
        year,
        u8::try_from(num(4, 2, 1)?).ok()?,
        u8::try_from(num(6, 2, 1)?).ok()?,
        u8::try_from(num(8, 2, 0)?).ok()?,
        u8::try_from(num(10, 2, 0)?).ok()?,
        u8::try_from(num(12, 2, 0)?).ok()?,
    )?;
    let rest = &t[digits.len()..];
    let sign = match rest.chars().next() {
        Some('+') => 1i64,
        Some('-') => -1,
        _ => return Some(base),
    };
    let off: String = rest[1..].chars().filter(char::is_ascii_digit).collect();
    let hours: i64 = off.get(0..2).and_then(|s| s.parse().ok()).unwrap_or(0);
    let minutes: i64 = off.get(2..4).and_then(|s| s.parse().ok()).unwrap_or(0);
    Time::from_unix(base.unix().checked_sub(sign * (hours * 3600 + minutes * 60))?).ok()
}
