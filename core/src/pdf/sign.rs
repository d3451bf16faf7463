//! Adding a signature to a PDF as an incremental update (ISO 32000-1 §7.5.6, §12.8).
//!
//! The input is never rewritten: the output is the input followed by one update section
//! holding
//!
//! - the signature dictionary (`/Type /Sig /Filter /Adobe.PPKLite`, `/SubFilter
//!   /adbe.pkcs7.detached` for SM2 per GM/T 0010, `/ETSI.CAdES.detached` for ECDSA and RSA),
//!   with a fixed-width `/ByteRange` and a zero-filled `/Contents` hex string reserved for the
//!   CMS;
//! - a new signature field merged with its widget (`/FT /Sig /Subtype /Widget /F 132`, on the
//!   chosen page, invisible with `/Rect [0 0 0 0]` unless an appearance is asked for);
//! - the appearance stream, when visible;
//! - only what must change to reach the new field: the `/Fields` array (or the AcroForm
//!   holding it, or the catalog when the AcroForm is new or direct) and the page's `/Annots`
//!   array (or the page when the array is direct or absent);
//! - a cross-reference section of the same kind as the input's last one (a table, or an
//!   uncompressed cross-reference stream), whose trailer points back with `/Prev`.
//!
//! The byte ranges cover everything but the `/Contents` string; the CMS is made over their
//! digest (see [`crate::cms::build`]) and written into the reserved space. Earlier signatures
//! stay valid: a verifier sees this update as adding a signature field (form filling).

use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use memchr::memmem;

use super::document::{acro_form, decode_text, signature_fields, PdfDocument, SignatureValue, XREF_SECTION_KEYS};
use super::PdfError;
use crate::alg::DigestAlgorithm;
use crate::cms::build::{sign_detached_digest, CmsKey};
use crate::time::Time;
use crate::x509::Certificate;

/// Bytes reserved for the CMS in `/Contents` by default (written as twice as many hex digits).
pub const DEFAULT_RESERVED_BYTES: usize = 8 * 1024;

/// Most bytes that may be reserved for the CMS.
pub const MAX_RESERVED_BYTES: usize = 1024 * 1024;

/// Longest field name, reason, location or signer name accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 1024;

/// Digits of each /ByteRange number slot (enough for files up to 10 GB).
const BYTE_RANGE_DIGITS: usize = 10;

/// Who signs: the key, its certificate and the chain certificates to include.
#[derive(Debug, Clone, Copy)]
pub struct PdfSigner<'a> {
    /// The private key (SM2, ECDSA P-256 or RSA).
    pub key: &'a CmsKey,
    /// The signer's certificate; the key must belong to it.
    pub certificate: &'a Certificate,
    /// Intermediate certificates to include in the CMS.
    pub chain: &'a [Certificate],
}

impl PdfSigner<'_> {
    /// The /SubFilter written: `adbe.pkcs7.detached` for SM2 (GM/T 0010 CMS),
    /// `ETSI.CAdES.detached` for ECDSA and RSA.
    pub fn sub_filter(&self) -> &'static str {
        if self.key.is_sm2() {
            "adbe.pkcs7.detached"
        } else {
            "ETSI.CAdES.detached"
        }
    }
}

/// A visible signature: a box on one page, in PDF user-space units (points, origin bottom left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignatureAppearance {
    /// The page, counted from 0.
    pub page: usize,
    /// Left edge.
    pub x: f64,
    /// Bottom edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// How to sign.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfSignOptions {
    /// The signing time: the signingTime attribute and /M. The library never reads the clock.
    pub time: Time,
    /// The new field's name (default `Signature1`, `Signature2`, … the first one unused).
    pub field_name: Option<String>,
    /// /Reason.
    pub reason: Option<String>,
    /// /Location.
    pub location: Option<String>,
    /// /Name (the signer's name as shown; default none).
    pub name: Option<String>,
    /// A visible box; invisible (on the first page, zero rectangle) when None.
    pub appearance: Option<SignatureAppearance>,
    /// Bytes reserved for the CMS ([`DEFAULT_RESERVED_BYTES`]).
    pub reserved_bytes: usize,
}

impl PdfSignOptions {
    /// Options with the signing time and defaults for the rest.
    pub fn new(time: Time) -> PdfSignOptions {
        PdfSignOptions {
            time,
            field_name: None,
            reason: None,
            location: None,
            name: None,
            appearance: None,
            reserved_bytes: DEFAULT_RESERVED_BYTES,
        }
    }
}

/// Adds one signature to `input` as an incremental update and returns the signed file (the
/// input is an exact prefix of it).
///
/// # Errors
///
/// [`PdfError::Malformed`] when the document cannot be read, has no pages, the page or name
/// asked for is not usable, or the key does not belong to the certificate;
/// [`PdfError::Unsupported`] for an encrypted document or one certified with no changes
/// allowed (DocMDP P=1); [`PdfError::TooLarge`] when the CMS
/// does not fit the reserved space or a named limit is exceeded.
pub fn sign_pdf(input: &[u8], signer: &PdfSigner<'_>, opts: &PdfSignOptions) -> Result<Vec<u8>, PdfError> {
    let parsed = PdfDocument::parse(input)?;
    let doc = parsed.last();
    // A certification signature allowing no changes (DocMDP P=1) forbids adding signatures.
    for field in signature_fields(doc)? {
        if let Some(dict) = &field.value {
            if SignatureValue::read(doc, dict).docmdp == Some(1) {
                return Err(PdfError::Unsupported(format!(
                    "the document is certified by {} with no changes allowed (DocMDP P=1)",
                    field.name
                )));
            }
        }
    }
    let prepared = prepare_field(input, doc, FieldValue::Signature(signer), opts)?;
    let digest = prepared.digest(signer.key.digest_algorithm());
    let cms = sign_detached_digest(signer.key, signer.certificate, signer.chain, &digest, opts.time)
        .map_err(|e| PdfError::Malformed(format!("making the CMS: {e}")))?;
    prepared.fill(&cms)
}

/// What a new signature field holds.
#[derive(Clone, Copy)]
pub(super) enum FieldValue<'s> {
    /// A CMS signature by this signer (`/Type /Sig`).
    Signature(&'s PdfSigner<'s>),
    /// An RFC 3161 document time-stamp (`/Type /DocTimeStamp /SubFilter /ETSI.RFC3161`).
    DocTimeStamp,
}

/// A file with a new signature field whose `/Contents` is reserved (zeros) and whose
/// `/ByteRange` is final: what remains is to make the signature over [`Prepared::digest`]
/// and [`Prepared::fill`] it in.
#[derive(Debug, Clone)]
pub(super) struct Prepared {
    /// The whole file.
    pub out: Vec<u8>,
    /// Offsets of the `/Contents` hex string: `<` and just after `>`.
    pub contents: (usize, usize),
}

impl Prepared {
    /// The digest of the byte ranges (everything but the `/Contents` string).
    pub fn digest(&self, alg: DigestAlgorithm) -> Vec<u8> {
        let mut h = alg.hasher();
        h.update(&self.out[..self.contents.0]);
        h.update(&self.out[self.contents.1..]);
        h.finalize()
    }

    /// Writes `der` into the reserved `/Contents` space.
    pub fn fill(mut self, der: &[u8]) -> Result<Vec<u8>, PdfError> {
        let reserved = (self.contents.1 - self.contents.0 - 2) / 2;
        if der.len() > reserved {
            return Err(PdfError::TooLarge(format!(
                "the signature has {} bytes but only {reserved} are reserved in /Contents",
                der.len()
            )));
        }
        let hex = hex::encode_upper(der);
        let at = self.contents.0 + 1;
        self.out[at..at + hex.len()].copy_from_slice(hex.as_bytes());
        Ok(self.out)
    }
}

/// Adds a signature field holding `value` to `input` (whose last revision is `doc`) as one
/// incremental update, `/Contents` reserved and `/ByteRange` final.
pub(super) fn prepare_field(
    input: &[u8],
    doc: &Document,
    value: FieldValue<'_>,
    opts: &PdfSignOptions,
) -> Result<Prepared, PdfError> {
    if opts.reserved_bytes == 0 || opts.reserved_bytes > MAX_RESERVED_BYTES {
        return Err(PdfError::TooLarge(format!(
            "reserved /Contents size must be 1..={MAX_RESERVED_BYTES} bytes"
        )));
    }
    for text in [&opts.field_name, &opts.reason, &opts.location, &opts.name]
        .into_iter()
        .flatten()
    {
        if text.chars().count() > MAX_TEXT_CHARS {
            return Err(PdfError::TooLarge(format!("a text over {MAX_TEXT_CHARS} characters")));
        }
    }
    let appearance = match value {
        FieldValue::Signature(signer) => opts.appearance.map(|a| (a, signer.certificate)),
        FieldValue::DocTimeStamp => None,
    };
    let mut update = Increment::new(input, doc)?;
    let root_id = update.root_id;
    let catalog = doc
        .get_dictionary(root_id)
        .map_err(|_| PdfError::Malformed("the catalog is not a dictionary".into()))?
        .clone();
    let page_index = appearance.map(|(a, _)| a.page).unwrap_or(0);
    let pages = doc.get_pages();
    let page_id = *pages.values().nth(page_index).ok_or_else(|| {
        PdfError::Malformed(format!(
            "no page {page_index} (the document has {} page(s), counted from 0)",
            pages.len()
        ))
    })?;
    let field_name = field_name(doc, opts.field_name.as_deref())?;

    let sig_id = update.new_id();
    let field_id = update.new_id();
    let ap_id = appearance.map(|_| update.new_id());

    // What changes to reach the new field.
    let mut changed: Vec<(ObjectId, Object)> = Vec::new();
    let field_ref = Object::Reference(field_id);
    let mut new_catalog = None;
    match catalog.get(b"AcroForm") {
        Ok(Object::Reference(form_id)) => {
            let form = doc
                .get_dictionary(*form_id)
                .map_err(|_| PdfError::Malformed("/AcroForm is not a dictionary".into()))?
                .clone();
            if let Some(form) = add_field(doc, form, &field_ref, &mut changed)? {
                changed.push((*form_id, Object::Dictionary(form)));
            }
        }
        Ok(Object::Dictionary(form)) => {
            if let Some(form) = add_field(doc, form.clone(), &field_ref, &mut changed)? {
                let mut cat = catalog.clone();
                cat.set("AcroForm", Object::Dictionary(form));
                new_catalog = Some(cat);
            }
        }
        _ => {
            let form_id = update.new_id();
            let mut form = Dictionary::new();
            form.set("Fields", Object::Array(vec![field_ref.clone()]));
            form.set("SigFlags", 3);
            changed.push((form_id, Object::Dictionary(form)));
            let mut cat = catalog.clone();
            cat.set("AcroForm", Object::Reference(form_id));
            new_catalog = Some(cat);
        }
    }
    if let Some(cat) = new_catalog {
        changed.push((root_id, Object::Dictionary(cat)));
    }
    let page = doc
        .get_dictionary(page_id)
        .map_err(|_| PdfError::Malformed("the page is not a dictionary".into()))?
        .clone();
    match page.get(b"Annots") {
        Ok(Object::Reference(arr_id)) => {
            let mut arr = doc
                .get_object(*arr_id)
                .and_then(Object::as_array)
                .map_err(|_| PdfError::Malformed("the page's /Annots is not an array".into()))?
                .clone();
            arr.push(field_ref.clone());
            changed.push((*arr_id, Object::Array(arr)));
        }
        Ok(Object::Array(arr)) => {
            let mut arr = arr.clone();
            arr.push(field_ref.clone());
            let mut page = page.clone();
            page.set("Annots", Object::Array(arr));
            changed.push((page_id, Object::Dictionary(page)));
        }
        _ => {
            let mut page = page.clone();
            page.set("Annots", Object::Array(vec![field_ref.clone()]));
            changed.push((page_id, Object::Dictionary(page)));
        }
    }

    // The field, merged with its widget.
    let rect = match appearance {
        Some((a, _)) => {
            let ok = [a.x, a.y, a.width, a.height]
                .iter()
                .all(|v| v.is_finite() && v.abs() < 1e6);
            if !ok || a.width <= 0.0 || a.height <= 0.0 {
                return Err(PdfError::Malformed(
                    "the signature box must have finite coordinates and a positive size".into(),
                ));
            }
            [a.x, a.y, a.x + a.width, a.y + a.height]
        }
        None => [0.0; 4],
    };
    let mut field = Dictionary::new();
    field.set("FT", Object::Name(b"Sig".to_vec()));
    field.set("T", text_string(&field_name));
    field.set("V", Object::Reference(sig_id));
    field.set("Type", Object::Name(b"Annot".to_vec()));
    field.set("Subtype", Object::Name(b"Widget".to_vec()));
    field.set("Rect", Object::Array(rect.iter().map(|v| number(*v)).collect()));
    field.set("P", Object::Reference(page_id));
    field.set("F", 132);
    if let Some(ap) = ap_id {
        let mut n = Dictionary::new();
        n.set("N", Object::Reference(ap));
        field.set("AP", Object::Dictionary(n));
    }

    // Write the update.
    let slots = update.w.signature_dictionary(sig_id, value, opts)?;
    update.w.object(field_id, &Object::Dictionary(field))?;
    if let (Some(ap), Some((a, cert))) = (ap_id, appearance) {
        update.w.appearance(ap, a, cert, opts.time)?;
    }
    for (id, object) in &changed {
        update.w.object(*id, object)?;
    }
    let mut out = update.finish(doc, &format!("{} {field_name}", opts.time))?;

    // Byte ranges.
    let (contents_start, contents_end, range_slot) = slots;
    let total = out.len();
    let ranges = [0, contents_start, contents_end, total - contents_end];
    let mut text = format!("[{} {} {} {}", ranges[0], ranges[1], ranges[2], ranges[3]);
    let slot_len = range_slot.1 - range_slot.0;
    if text.len() + 1 > slot_len {
        return Err(PdfError::TooLarge(
            "the file is too large for the /ByteRange slot".into(),
        ));
    }
    while text.len() + 1 < slot_len {
        text.push(' ');
    }
    text.push(']');
    out[range_slot.0..range_slot.1].copy_from_slice(text.as_bytes());
    Ok(Prepared {
        out,
        contents: (contents_start, contents_end),
    })
}

/// One incremental update being written: the input copied, new object numbers handed out
/// from the previous /Size, and on [`Increment::finish`] a cross-reference section of the
/// same kind as the input's last one (a table, or an uncompressed cross-reference stream)
/// whose trailer points back with `/Prev`.
pub(super) struct Increment {
    /// The output so far.
    pub w: UpdateWriter,
    /// The catalog.
    pub root_id: ObjectId,
    prev: usize,
    prev_is_stream: bool,
    next_id: u32,
}

impl Increment {
    /// Starts an update of `input`, whose last revision is `doc`.
    pub fn new(input: &[u8], doc: &Document) -> Result<Increment, PdfError> {
        if doc.trailer.has(b"Encrypt") {
            return Err(PdfError::Unsupported("updating an encrypted document".into()));
        }
        let base = memmem::find(&input[..input.len().min(1024)], b"%PDF-").unwrap_or(0);
        let prev = last_startxref(input)?;
        let prev_is_stream = !input
            .get(base + prev..)
            .map(|rest| {
                let start = rest.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(rest.len());
                rest[start..].starts_with(b"xref")
            })
            .unwrap_or(false);
        let root_id = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(|_| PdfError::Malformed("the trailer has no /Root reference".into()))?;
        let next_id = doc
            .trailer
            .get(b"Size")
            .and_then(Object::as_i64)
            .ok()
            .and_then(|s| u32::try_from(s).ok())
            .unwrap_or(0)
            .max(doc.max_id.saturating_add(1))
            .max(1);
        Ok(Increment {
            w: UpdateWriter::new(input, base),
            root_id,
            prev,
            prev_is_stream,
            next_id,
        })
    }

    /// A new object number.
    pub fn new_id(&mut self) -> ObjectId {
        let id = (self.next_id, 0u16);
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    /// Writes the cross-reference section and trailer (the previous trailer's entries carried
    /// over, a new second /ID made from `seed`) and returns the file.
    pub fn finish(mut self, doc: &Document, seed: &str) -> Result<Vec<u8>, PdfError> {
        // The previous trailer's entries carry over (a verifier flags a dropped key as a
        // change), but not its cross-reference bookkeeping.
        let mut trailer = doc.trailer.clone();
        for key in XREF_SECTION_KEYS {
            trailer.remove(key);
        }
        trailer.set("Root", Object::Reference(self.root_id));
        let fresh_id = DigestAlgorithm::Sha256.digest(format!("{} {seed}", self.prev).as_bytes());
        let fresh_id = Object::String(fresh_id[..16].to_vec(), StringFormat::Hexadecimal);
        let first_id = match doc.trailer.get(b"ID").and_then(Object::as_array) {
            Ok(ids) if !ids.is_empty() => ids[0].clone(),
            _ => fresh_id.clone(),
        };
        trailer.set("ID", Object::Array(vec![first_id, fresh_id]));
        trailer.set("Prev", i64::try_from(self.prev).unwrap_or(i64::MAX));
        let xref_id = self.prev_is_stream.then(|| self.new_id());
        self.w.finish(trailer, self.next_id, xref_id)?;
        Ok(self.w.out)
    }
}

/// Appends the field to the form's /Fields; returns the form dictionary when it changed
/// (otherwise the indirect /Fields array was queued in `changed`).
fn add_field(
    doc: &Document,
    mut form: Dictionary,
    field: &Object,
    changed: &mut Vec<(ObjectId, Object)>,
) -> Result<Option<Dictionary>, PdfError> {
    let mut form_changed = false;
    match form.get(b"Fields") {
        Ok(Object::Reference(arr_id)) => {
            let mut arr = doc
                .get_object(*arr_id)
                .and_then(Object::as_array)
                .map_err(|_| PdfError::Malformed("/Fields is not an array".into()))?
                .clone();
            arr.push(field.clone());
            changed.push((*arr_id, Object::Array(arr)));
        }
        Ok(Object::Array(arr)) => {
            let mut arr = arr.clone();
            arr.push(field.clone());
            form.set("Fields", Object::Array(arr));
            form_changed = true;
        }
        _ => {
            form.set("Fields", Object::Array(vec![field.clone()]));
            form_changed = true;
        }
    }
    let flags = form.get(b"SigFlags").and_then(Object::as_i64).unwrap_or(0);
    if flags & 3 != 3 {
        form.set("SigFlags", flags | 3);
        form_changed = true;
    }
    Ok(form_changed.then_some(form))
}

/// The new field's name: the one asked for (refused if taken or containing a period), else
/// the first free `SignatureN`.
fn field_name(doc: &Document, wanted: Option<&str>) -> Result<String, PdfError> {
    let taken: Vec<String> = acro_form(doc)
        .and_then(|f| super::document::deref(doc, f.get(b"Fields").ok()))
        .and_then(|o| o.as_array().ok())
        .map(|fields| {
            fields
                .iter()
                .take(super::MAX_FIELDS)
                .filter_map(|f| super::document::deref(doc, Some(f))?.as_dict().ok())
                .filter_map(|d| d.get(b"T").and_then(Object::as_str).ok())
                .map(decode_text)
                .collect()
        })
        .unwrap_or_default();
    match wanted {
        Some(name) => {
            if name.is_empty() || name.contains('.') {
                return Err(PdfError::Malformed(format!(
                    "field name {name:?} must be non-empty and without a period"
                )));
            }
            if taken.iter().any(|t| t == name) {
                return Err(PdfError::Malformed(format!(
                    "the document already has a field {name:?}"
                )));
            }
            Ok(name.to_owned())
        }
        None => Ok((1..)
            .map(|n| format!("Signature{n}"))
            .find(|n| !taken.contains(n))
            .unwrap_or_default()),
    }
}

/// The offset just after the last `startxref` keyword's number: the previous section.
fn last_startxref(input: &[u8]) -> Result<usize, PdfError> {
    let tail_start = input.len().saturating_sub(2048);
    let at = memmem::rfind(&input[tail_start..], b"startxref")
        .ok_or_else(|| PdfError::Malformed("no startxref near the end of the file".into()))?;
    let rest = &input[tail_start + at + b"startxref".len()..];
    let digits: String = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|b| char::from(*b))
        .collect();
    digits
        .parse()
        .map_err(|_| PdfError::Malformed("startxref is not followed by an offset".into()))
}

/// A PDF text string: as is when printable ASCII, else UTF-16BE with a byte order mark.
fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// An integer when whole, else a real.
fn number(v: f64) -> Object {
    if v.fract() == 0.0 {
        Object::Integer(v as i64)
    } else {
        Object::Real(v as f32)
    }
}

/// `D:YYYYMMDDHHmmSSZ`.
pub(super) fn pdf_date(t: Time) -> String {
    let digits: String = t.to_string().chars().filter(char::is_ascii_digit).take(14).collect();
    format!("D:{digits}Z")
}

/// Appends objects and the cross-reference section to a copy of the input.
pub(super) struct UpdateWriter {
    out: Vec<u8>,
    base: usize,
    /// (object number, generation, offset from `%PDF-`).
    entries: Vec<(u32, u16, usize)>,
}

impl UpdateWriter {
    fn new(input: &[u8], base: usize) -> UpdateWriter {
        let mut out = Vec::with_capacity(input.len() + 32 * 1024);
        out.extend_from_slice(input);
        if !matches!(out.last(), Some(b'\n' | b'\r')) {
            out.push(b'\n');
        }
        UpdateWriter {
            out,
            base,
            entries: Vec::new(),
        }
    }

    fn begin(&mut self, id: ObjectId) {
        self.entries.push((id.0, id.1, self.out.len() - self.base));
        let _ = writeln!(self.out, "{} {} obj", id.0, id.1);
    }

    fn end(&mut self) {
        self.out.extend_from_slice(b"\nendobj\n");
    }

    fn value(&mut self, object: &Object) -> Result<(), PdfError> {
        lopdf::Writer::write_object(&mut self.out, object).map_err(|e| PdfError::Malformed(format!("writing: {e}")))
    }

    /// Writes one indirect object.
    pub(super) fn object(&mut self, id: ObjectId, object: &Object) -> Result<(), PdfError> {
        self.begin(id);
        self.value(object)?;
        self.end();
        Ok(())
    }

    /// Writes the signature dictionary; returns the offsets of the /Contents string (`<` and
    /// just after `>`) and of the /ByteRange array slot.
    fn signature_dictionary(
        &mut self,
        id: ObjectId,
        value: FieldValue<'_>,
        opts: &PdfSignOptions,
    ) -> Result<(usize, usize, (usize, usize)), PdfError> {
        self.begin(id);
        let (type_name, sub_filter) = match value {
            FieldValue::Signature(signer) => ("Sig", signer.sub_filter()),
            FieldValue::DocTimeStamp => ("DocTimeStamp", "ETSI.RFC3161"),
        };
        let _ = write!(
            self.out,
            "<</Type /{type_name} /Filter /Adobe.PPKLite /SubFilter /{sub_filter} /ByteRange "
        );
        let range_start = self.out.len();
        let placeholder = format!("[0 {0} {0} {0}]", "0".repeat(BYTE_RANGE_DIGITS));
        self.out.extend_from_slice(placeholder.as_bytes());
        let range_end = self.out.len();
        self.out.extend_from_slice(b" /Contents ");
        let contents_start = self.out.len();
        self.out.push(b'<');
        self.out.resize(self.out.len() + 2 * opts.reserved_bytes, b'0');
        self.out.push(b'>');
        let contents_end = self.out.len();
        if matches!(value, FieldValue::DocTimeStamp) {
            // The token's genTime is the time; a document time-stamp has no /M or names.
            self.out.extend_from_slice(b">>");
            self.end();
            return Ok((contents_start, contents_end, (range_start, range_end)));
        }
        self.out.extend_from_slice(b" /M ");
        self.value(&Object::String(pdf_date(opts.time).into_bytes(), StringFormat::Literal))?;
        for (key, text) in [
            ("Reason", &opts.reason),
            ("Location", &opts.location),
            ("Name", &opts.name),
        ] {
            if let Some(text) = text {
                let _ = write!(self.out, " /{key} ");
                self.value(&text_string(text))?;
            }
        }
        self.out.extend_from_slice(b">>");
        self.end();
        Ok((contents_start, contents_end, (range_start, range_end)))
    }

    /// A Form XObject: a frame and three lines of text (who, when).
    fn appearance(
        &mut self,
        id: ObjectId,
        a: SignatureAppearance,
        cert: &Certificate,
        time: Time,
    ) -> Result<(), PdfError> {
        let who = cert.subject_common_name().unwrap_or_default();
        let who: String = who.chars().filter(|c| (' '..='~').contains(c)).collect();
        let escape = |s: &str| s.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
        let size = (a.height / 4.0).clamp(4.0, 12.0);
        let mut content = format!(
            "q 0.6 0 0 RG 1 w 0.5 0.5 {:.2} {:.2} re S BT /F1 {size:.1} Tf 0.6 0 0 rg {:.2} {:.2} Td (Digitally signed) Tj",
            a.width - 1.0,
            a.height - 1.0,
            size / 2.0,
            a.height - size * 1.3
        );
        if !who.is_empty() {
            content.push_str(&format!(" 0 {:.2} Td ({}) Tj", -size * 1.2, escape(&who)));
        }
        content.push_str(&format!(
            " 0 {:.2} Td ({}) Tj ET Q",
            -size * 1.2,
            escape(&time.to_string())
        ));
        let mut font = Dictionary::new();
        font.set("Type", Object::Name(b"Font".to_vec()));
        font.set("Subtype", Object::Name(b"Type1".to_vec()));
        font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
        let mut fonts = Dictionary::new();
        fonts.set("F1", Object::Dictionary(font));
        let mut resources = Dictionary::new();
        resources.set("Font", Object::Dictionary(fonts));
        let mut dict = Dictionary::new();
        dict.set("Type", Object::Name(b"XObject".to_vec()));
        dict.set("Subtype", Object::Name(b"Form".to_vec()));
        dict.set(
            "BBox",
            Object::Array(vec![0.into(), 0.into(), number(a.width), number(a.height)]),
        );
        dict.set("Resources", Object::Dictionary(resources));
        dict.set("Length", i64::try_from(content.len()).unwrap_or(0));
        self.begin(id);
        self.value(&Object::Dictionary(dict))?;
        self.out.extend_from_slice(b"\nstream\n");
        self.out.extend_from_slice(content.as_bytes());
        self.out.extend_from_slice(b"\nendstream");
        self.end();
        Ok(())
    }

    /// The cross-reference section (a table, or a stream object `xref_id`), trailer,
    /// startxref and %%EOF.
    fn finish(&mut self, mut trailer: Dictionary, size: u32, xref_id: Option<ObjectId>) -> Result<(), PdfError> {
        let start = self.out.len() - self.base;
        if let Some(id) = xref_id {
            self.entries.push((id.0, id.1, start));
        }
        self.entries.sort();
        self.entries.dedup_by_key(|e| e.0);
        // Subsections of consecutive object numbers.
        let mut subsections: Vec<(u32, Vec<(u16, usize)>)> = Vec::new();
        for (num, gen, offset) in &self.entries {
            match subsections.last_mut() {
                Some((first, list)) if *first + list.len() as u32 == *num => list.push((*gen, *offset)),
                _ => subsections.push((*num, vec![(*gen, *offset)])),
            }
        }
        trailer.set("Size", i64::from(size));
        match xref_id {
            None => {
                self.out.extend_from_slice(b"xref\n");
                for (first, list) in &subsections {
                    let _ = writeln!(self.out, "{first} {}", list.len());
                    for (gen, offset) in list {
                        let _ = write!(self.out, "{offset:010} {gen:05} n\r\n");
                    }
                }
                self.out.extend_from_slice(b"trailer\n");
                self.value(&Object::Dictionary(trailer))?;
                self.out.push(b'\n');
            }
            Some(id) => {
                let mut data = Vec::new();
                let mut index = Vec::new();
                for (first, list) in &subsections {
                    index.push(Object::Integer(i64::from(*first)));
                    index.push(Object::Integer(list.len() as i64));
                    for (gen, offset) in list {
                        let offset = u32::try_from(*offset)
                            .map_err(|_| PdfError::TooLarge("offsets past 4 GiB in a cross-reference stream".into()))?;
                        data.push(1);
                        data.extend_from_slice(&offset.to_be_bytes());
                        data.extend_from_slice(&gen.to_be_bytes());
                    }
                }
                trailer.set("Type", Object::Name(b"XRef".to_vec()));
                trailer.set("Index", Object::Array(index));
                trailer.set("W", Object::Array(vec![1.into(), 4.into(), 2.into()]));
                trailer.set("Length", data.len() as i64);
                let _ = writeln!(self.out, "{} {} obj", id.0, id.1);
                self.value(&Object::Dictionary(trailer))?;
                self.out.extend_from_slice(b"\nstream\n");
                self.out.extend_from_slice(&data);
                self.out.extend_from_slice(b"\nendstream\nendobj\n");
            }
        }
        let _ = write!(self.out, "startxref\n{start}\n%%EOF\n");
        Ok(())
    }
}
