//! The structure of a signed PDF: its revisions (each incremental update ends with its own
//! `%%EOF`), the signature fields of a revision, certification (DocMDP) and field locks
//! (FieldMDP), and the document security store (DSS) of PAdES.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};
use memchr::memmem;

use super::{
    PdfError, KEEP_STREAM_BYTES, MAX_DECOMPRESSED_STREAM, MAX_FIELDS, MAX_FIELD_DEPTH, MAX_REVISIONS, MAX_SIGNATURES,
};

/// The key a stream dictionary gets when its content was dropped while loading (its value
/// is the content's length); see [`KEEP_STREAM_BYTES`].
pub const DROPPED_CONTENT_KEY: &[u8] = b"YinjianDroppedContentLength";

/// Keys of a trailer (or cross-reference stream dictionary) that describe its own
/// cross-reference section: every incremental update writes them anew.
pub const XREF_SECTION_KEYS: &[&[u8]] = &[
    b"Prev",
    b"XRefStm",
    b"Type",
    b"W",
    b"Index",
    b"Filter",
    b"DecodeParms",
    b"Length",
    b"DL",
    b"F",
    b"FFilter",
    b"FDecodeParms",
];

/// A PDF held in memory, with its revisions loaded on demand.
pub struct PdfDocument<'a> {
    bytes: &'a [u8],
    /// Offset of `%PDF-` (object offsets in the file are relative to it).
    base: usize,
    ends: Vec<usize>,
    loaded: Vec<Option<Result<Document, PdfError>>>,
}

impl std::fmt::Debug for PdfDocument<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PdfDocument")
            .field("len", &self.bytes.len())
            .field("revision_ends", &self.ends)
            .finish()
    }
}

impl<'a> PdfDocument<'a> {
    /// Finds the revisions of `bytes` and loads the last one.
    pub fn parse(bytes: &'a [u8]) -> Result<PdfDocument<'a>, PdfError> {
        let base = memmem::find(&bytes[..bytes.len().min(1024)], b"%PDF-")
            .ok_or_else(|| PdfError::Malformed("no %PDF- header in the first 1024 bytes".into()))?;
        let mut ends = revision_ends(bytes)?;
        // A linearized file's first-page trailer ends with its own %%EOF: part of the
        // original revision, not an update.
        let head = &bytes[base..bytes.len().min(base + 1024)];
        if ends.len() > 1 && memmem::find(head, b"/Linearized").is_some() {
            ends.remove(0);
        }
        let mut doc = PdfDocument {
            bytes,
            base,
            loaded: (0..ends.len()).map(|_| None).collect(),
            ends,
        };
        let last = doc.ends.len() - 1;
        doc.load(last)?;
        Ok(doc)
    }

    /// The whole file.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// Where each revision ends: the offset just after its `%%EOF` line.
    pub fn revision_ends(&self) -> &[usize] {
        &self.ends
    }

    /// Loads revision `index` (if not yet loaded).
    pub fn load(&mut self, index: usize) -> Result<(), PdfError> {
        let Some(slot) = self.loaded.get_mut(index) else {
            return Err(PdfError::Malformed(format!("no revision {index}")));
        };
        if slot.is_none() {
            *slot = Some(load_prefix(&self.bytes[..self.ends[index]]));
        }
        match slot {
            Some(Ok(_)) => Ok(()),
            Some(Err(e)) => Err(e.clone()),
            None => unreachable_none(),
        }
    }

    /// Revision `index`, when [`PdfDocument::load`] succeeded for it.
    pub fn revision(&self, index: usize) -> Option<&Document> {
        match self.loaded.get(index) {
            Some(Some(Ok(doc))) => Some(doc),
            _ => None,
        }
    }

    /// The last revision (always loaded).
    pub fn last(&self) -> &Document {
        match self.loaded.last() {
            Some(Some(Ok(doc))) => doc,
            _ => unreachable_last(),
        }
    }

    /// Absolute file offset of an object written uncompressed in revision `index`.
    pub fn object_offset(&self, index: usize, id: ObjectId) -> Option<usize> {
        match self.revision(index)?.reference_table.get(id.0)? {
            lopdf::xref::XrefEntry::Normal { offset, .. } => self.base.checked_add(usize::try_from(*offset).ok()?),
            _ => None,
        }
    }

    /// The revision a byte offset falls in (the first whose end is past it).
    pub fn revision_of(&self, offset: usize) -> usize {
        self.ends.partition_point(|end| *end <= offset).min(self.ends.len() - 1)
    }
}

// `load` fills the slot before matching on it, and `parse` loads the last revision before
// returning; these keep the impossible branches free of panics.
fn unreachable_none() -> Result<(), PdfError> {
    Err(PdfError::Malformed("revision not loaded".into()))
}

fn unreachable_last() -> &'static Document {
    static EMPTY: std::sync::OnceLock<Document> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Document::new)
}

/// Every `%%EOF` that closes a trailer (`startxref N` before it) ends a revision. Only line
/// ends may follow the marker within a revision.
fn revision_ends(bytes: &[u8]) -> Result<Vec<usize>, PdfError> {
    let mut ends = Vec::new();
    for pos in memmem::find_iter(bytes, b"%%EOF") {
        let window = &bytes[pos.saturating_sub(48)..pos];
        let Some(sx) = memmem::rfind(window, b"startxref") else {
            continue;
        };
        let between = &window[sx + 9..];
        if !between.iter().all(|b| b.is_ascii_digit() || b.is_ascii_whitespace())
            || !between.iter().any(u8::is_ascii_digit)
        {
            continue;
        }
        let mut end = pos + 5;
        if bytes.get(end) == Some(&b'\r') {
            end += 1;
        }
        if bytes.get(end) == Some(&b'\n') {
            end += 1;
        }
        if ends.len() == MAX_REVISIONS {
            return Err(PdfError::TooLarge(format!("more than {MAX_REVISIONS} revisions")));
        }
        ends.push(end);
    }
    if ends.is_empty() {
        return Err(PdfError::Malformed("no trailer ends with startxref and %%EOF".into()));
    }
    // Data after the last %%EOF belongs to no revision: it stays part of the file, so a
    // signature that covers "the last revision" does not cover it.
    Ok(ends)
}

/// Stream contents longer than [`KEEP_STREAM_BYTES`] are dropped (their length kept), except
/// object and cross-reference streams which lopdf expands itself.
fn drop_large_streams(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        let structural = stream.dict.has_type(b"ObjStm") || stream.dict.has_type(b"XRef");
        if !structural && stream.content.len() > KEEP_STREAM_BYTES {
            let len = i64::try_from(stream.content.len()).unwrap_or(i64::MAX);
            stream.content = Vec::new();
            stream.dict.set(DROPPED_CONTENT_KEY.to_vec(), len);
        }
    }
    // lopdf keeps a top-level object in place (modified) and only looks at whether this is
    // Some; for a member of an object stream it takes the returned object. Streams are never
    // members, so only non-streams (small) are cloned.
    match object {
        Object::Stream(_) => Some((id, Object::Null)),
        other => Some((id, other.clone())),
    }
}

fn load_prefix(prefix: &[u8]) -> Result<Document, PdfError> {
    let options = LoadOptions {
        filter: Some(drop_large_streams),
        max_decompressed_size: Some(MAX_DECOMPRESSED_STREAM),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(prefix, options).map_err(|e| match e {
        lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword => {
            PdfError::Unsupported(format!("encrypted document: {e}"))
        }
        other => PdfError::Malformed(other.to_string()),
    })?;
    if doc.objects.len() > super::MAX_OBJECTS {
        return Err(PdfError::TooLarge(format!("more than {} objects", super::MAX_OBJECTS)));
    }
    Ok(doc)
}

/// What a signature dictionary is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SignatureKind {
    /// `/Type /Sig` (or no /Type): an approval or certification signature.
    Signature,
    /// `/Type /DocTimeStamp`: an RFC 3161 document time-stamp (PAdES).
    DocTimeStamp,
}

/// A signature field and the signature dictionary in its /V.
#[derive(Debug, Clone)]
pub struct SignatureField {
    /// Fully qualified field name (`parent.child`).
    pub name: String,
    /// The field's object, when indirect.
    pub field_id: Option<ObjectId>,
    /// The signature dictionary's object, when /V is a reference.
    pub value_id: Option<ObjectId>,
    /// The signature dictionary (None for an empty signature field).
    pub value: Option<Dictionary>,
    /// The field's /Lock dictionary (the fields a signature here locks).
    pub lock: Option<Dictionary>,
}

/// The parts of a signature dictionary a verifier needs.
#[derive(Debug, Clone, Default)]
pub struct SignatureValue {
    /// `/Type` as written.
    pub type_name: Option<String>,
    /// `/Filter`.
    pub filter: Option<String>,
    /// `/SubFilter`.
    pub sub_filter: Option<String>,
    /// `/ByteRange` (None when absent or not an array of integers).
    pub byte_range: Option<Vec<i64>>,
    /// `/Contents` bytes (None when absent or not a string).
    pub contents: Option<Vec<u8>>,
    /// `/M`, the claimed signing time as written.
    pub m: Option<String>,
    /// `/Reason`.
    pub reason: Option<String>,
    /// `/Location`.
    pub location: Option<String>,
    /// `/Name`.
    pub name: Option<String>,
    /// DocMDP permission level (1–3) when this is a certification signature.
    pub docmdp: Option<i64>,
    /// FieldMDP: the action (`All`, `Include`, `Exclude`) and field names.
    pub fieldmdp: Option<(String, Vec<String>)>,
    /// FieldMDP /P (ISO 32000-2): the DocMDP-like permission a field lock sets for the whole
    /// document once this signature is made.
    pub fieldmdp_p: Option<i64>,
    /// `/Cert` (DER certificates, the signer's first): `adbe.x509.rsa_sha1` only.
    pub certs: Vec<Vec<u8>>,
}

impl SignatureValue {
    /// Reads a signature dictionary of `doc`.
    pub fn read(doc: &Document, dict: &Dictionary) -> SignatureValue {
        let name = |key: &[u8]| {
            dict.get(key)
                .and_then(Object::as_name)
                .ok()
                .map(|n| String::from_utf8_lossy(n).into_owned())
        };
        let text = |key: &[u8]| {
            deref(doc, dict.get(key).ok())
                .and_then(|o| o.as_str().ok())
                .map(decode_text)
        };
        let byte_range = deref(doc, dict.get(b"ByteRange").ok())
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.iter().map(|o| deref(doc, Some(o))?.as_i64().ok()).collect());
        let contents = deref(doc, dict.get(b"Contents").ok())
            .and_then(|o| o.as_str().ok())
            .map(<[u8]>::to_vec);
        let certs = match deref(doc, dict.get(b"Cert").ok()) {
            Some(Object::String(der, _)) => vec![der.clone()],
            Some(Object::Array(list)) => list
                .iter()
                .filter_map(|c| deref(doc, Some(c))?.as_str().ok().map(<[u8]>::to_vec))
                .collect(),
            _ => Vec::new(),
        };
        let mut value = SignatureValue {
            certs,
            type_name: name(b"Type"),
            filter: name(b"Filter"),
            sub_filter: name(b"SubFilter"),
            byte_range,
            contents,
            m: text(b"M"),
            reason: text(b"Reason"),
            location: text(b"Location"),
            name: text(b"Name"),
            ..SignatureValue::default()
        };
        let references = deref(doc, dict.get(b"Reference").ok()).and_then(|o| o.as_array().ok());
        for reference in references.into_iter().flatten() {
            let Some(Ok(r)) = deref(doc, Some(reference)).map(Object::as_dict) else {
                continue;
            };
            let method = r.get(b"TransformMethod").and_then(Object::as_name).unwrap_or(b"");
            let params = deref(doc, r.get(b"TransformParams").ok()).and_then(|o| o.as_dict().ok());
            match method {
                b"DocMDP" => {
                    let p = params
                        .and_then(|p| deref(doc, p.get(b"P").ok()))
                        .and_then(|o| o.as_i64().ok())
                        .unwrap_or(2);
                    value.docmdp = Some(p);
                }
                b"FieldMDP" => {
                    value.fieldmdp = params.map(|p| field_mdp(doc, p));
                    value.fieldmdp_p = params
                        .and_then(|p| deref(doc, p.get(b"P").ok()))
                        .and_then(|o| o.as_i64().ok());
                }
                _ => {}
            }
        }
        value
    }

    /// The kind, from /Type (a missing /Type is taken as /Sig). /SubFilter /ETSI.RFC3161 is a
    /// document time-stamp whatever /Type says: some products (@firma, SD-DSS) write /Type /Sig.
    pub fn kind(&self) -> Option<SignatureKind> {
        match (self.type_name.as_deref(), self.sub_filter.as_deref()) {
            (None | Some("Sig"), Some("ETSI.RFC3161")) => Some(SignatureKind::DocTimeStamp),
            (None | Some("Sig"), _) => Some(SignatureKind::Signature),
            (Some("DocTimeStamp"), _) => Some(SignatureKind::DocTimeStamp),
            (Some(_), _) => None,
        }
    }
}

/// `/Action` and `/Fields` of FieldMDP transform parameters (also a field's /Lock).
pub fn field_mdp(doc: &Document, params: &Dictionary) -> (String, Vec<String>) {
    let action = params
        .get(b"Action")
        .and_then(Object::as_name)
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_else(|_| "All".into());
    let fields = deref(doc, params.get(b"Fields").ok())
        .and_then(|o| o.as_array().ok())
        .map(|a| {
            a.iter()
                .filter_map(|f| deref(doc, Some(f))?.as_str().ok().map(decode_text))
                .collect()
        })
        .unwrap_or_default();
    (action, fields)
}

/// Follows references (lopdf bounds the chain).
pub fn deref<'d>(doc: &'d Document, object: Option<&'d Object>) -> Option<&'d Object> {
    doc.dereference(object?).ok().map(|(_, o)| o)
}

/// A PDF text string: UTF-16BE with a BOM, else PDFDocEncoding (read as Latin-1 here).
pub fn decode_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// The catalog's /AcroForm dictionary.
pub fn acro_form(doc: &Document) -> Option<&Dictionary> {
    let catalog = doc.catalog().ok()?;
    deref(doc, catalog.get(b"AcroForm").ok())?.as_dict().ok()
}

/// Every signature field of `doc`, in field-tree order (nested /Kids followed, loops and
/// depth bounded).
pub fn signature_fields(doc: &Document) -> Result<Vec<SignatureField>, PdfError> {
    let mut out = Vec::new();
    let Some(form) = acro_form(doc) else { return Ok(out) };
    let Some(fields) = deref(doc, form.get(b"Fields").ok()).and_then(|o| o.as_array().ok()) else {
        return Ok(out);
    };
    let mut walk = FieldWalk {
        doc,
        seen: BTreeSet::new(),
        visited: 0,
        out: &mut out,
    };
    for field in fields {
        walk.visit(field, "", None, 0)?;
    }
    Ok(out)
}

struct FieldWalk<'d, 'o> {
    doc: &'d Document,
    seen: BTreeSet<ObjectId>,
    visited: usize,
    out: &'o mut Vec<SignatureField>,
}

impl FieldWalk<'_, '_> {
    fn visit(
        &mut self,
        node: &Object,
        parent: &str,
        inherited_ft: Option<&[u8]>,
        depth: usize,
    ) -> Result<(), PdfError> {
        if depth > MAX_FIELD_DEPTH {
            return Err(PdfError::TooLarge(format!("field tree deeper than {MAX_FIELD_DEPTH}")));
        }
        self.visited += 1;
        if self.visited > MAX_FIELDS {
            return Err(PdfError::TooLarge(format!("more than {MAX_FIELDS} form fields")));
        }
        let id = node.as_reference().ok();
        if let Some(id) = id {
            if !self.seen.insert(id) {
                return Ok(());
            }
        }
        let doc = self.doc;
        let Some(Ok(dict)) = deref(doc, Some(node)).map(Object::as_dict) else {
            return Ok(());
        };
        let partial = deref(doc, dict.get(b"T").ok())
            .and_then(|o| o.as_str().ok())
            .map(decode_text);
        let name = match (&partial, parent.is_empty()) {
            (Some(t), true) => t.clone(),
            (Some(t), false) => format!("{parent}.{t}"),
            (None, _) => parent.to_owned(),
        };
        let ft = dict.get(b"FT").and_then(Object::as_name).ok().or(inherited_ft);
        let kids = deref(doc, dict.get(b"Kids").ok()).and_then(|o| o.as_array().ok());
        // Kids that are fields have /T; widget-only kids do not and belong to this field.
        let field_kids: Vec<&Object> = kids
            .into_iter()
            .flatten()
            .filter(|k| {
                deref(doc, Some(k))
                    .and_then(|o| o.as_dict().ok())
                    .is_some_and(|d| d.has(b"T"))
            })
            .collect();
        if ft == Some(b"Sig".as_slice()) && field_kids.is_empty() {
            if self.out.len() == MAX_SIGNATURES {
                return Err(PdfError::TooLarge(format!(
                    "more than {MAX_SIGNATURES} signature fields"
                )));
            }
            let v = dict.get(b"V").ok();
            let value_id = v.and_then(|o| o.as_reference().ok());
            let value = deref(doc, v).and_then(|o| o.as_dict().ok()).cloned();
            let lock = deref(doc, dict.get(b"Lock").ok())
                .and_then(|o| o.as_dict().ok())
                .cloned();
            self.out.push(SignatureField {
                name,
                field_id: id,
                value_id,
                value,
                lock,
            });
            return Ok(());
        }
        for kid in field_kids {
            self.visit(kid, &name, ft, depth + 1)?;
        }
        Ok(())
    }
}

/// The DSS (PAdES long-term validation data) of `doc`: DER of its certificates, CRLs and
/// OCSP responses, and how many entries could not be read.
#[derive(Debug, Clone, Default)]
pub struct Dss {
    /// Certificates (DER).
    pub certs: Vec<Vec<u8>>,
    /// CRLs (DER).
    pub crls: Vec<Vec<u8>>,
    /// OCSP responses (DER).
    pub ocsps: Vec<Vec<u8>>,
    /// Entries that were not streams or did not decode.
    pub unreadable: usize,
    /// The /VRI entries: upper-case hex SHA-1 of a signature's /Contents → the validation
    /// data given for that signature (ETSI EN 319 142-1 §5.4.2.2).
    pub vri: std::collections::BTreeMap<String, Dss>,
}

/// Most /VRI entries read from one DSS.
pub const MAX_VRI_ENTRIES: usize = 1024;

/// Reads the catalog's /DSS (None when there is none).
pub fn dss(doc: &Document) -> Option<Dss> {
    let catalog = doc.catalog().ok()?;
    let dss = deref(doc, catalog.get(b"DSS").ok())?.as_dict().ok()?;
    let mut out = dss_entries(doc, dss, [b"Certs".as_slice(), b"CRLs", b"OCSPs"]);
    if let Some(vri) = deref(doc, dss.get(b"VRI").ok()).and_then(|v| v.as_dict().ok()) {
        for (key, value) in vri.iter().take(MAX_VRI_ENTRIES) {
            if let Some(entry) = deref(doc, Some(value)).and_then(|v| v.as_dict().ok()) {
                let key = String::from_utf8_lossy(key).to_ascii_uppercase();
                out.vri
                    .insert(key, dss_entries(doc, entry, [b"Cert".as_slice(), b"CRL", b"OCSP"]));
            }
        }
    }
    Some(out)
}

/// The certificate, CRL and OCSP stream arrays of a DSS or VRI dictionary, under the keys
/// given in that order.
fn dss_entries(doc: &Document, dict: &lopdf::Dictionary, keys: [&[u8]; 3]) -> Dss {
    let mut out = Dss::default();
    let mut read = |key: &[u8], into: fn(&mut Dss) -> &mut Vec<Vec<u8>>| {
        let Some(arr) = deref(doc, dict.get(key).ok()).and_then(|o| o.as_array().ok()) else {
            return;
        };
        for item in arr {
            let bytes = deref(doc, Some(item))
                .and_then(|o| o.as_stream().ok())
                .and_then(|s| stream_bytes(s, MAX_DECOMPRESSED_STREAM));
            match bytes {
                Some(b) => into(&mut out).push(b),
                None => out.unreadable += 1,
            }
        }
    };
    read(keys[0], |d| &mut d.certs);
    read(keys[1], |d| &mut d.crls);
    read(keys[2], |d| &mut d.ocsps);
    out
}

/// Most embedded files looked at.
pub const MAX_EMBEDDED_FILES: usize = 64;

/// The document's embedded files (/Names /EmbeddedFiles, the name tree's /Names leaves and one
/// level of /Kids): each name (/UF, else /F, else the tree key) with its content decoded, when
/// it decodes within `max_size` bytes.
pub fn embedded_files(doc: &Document, max_size: usize) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let tree = doc
        .catalog()
        .ok()
        .and_then(|c| deref(doc, c.get(b"Names").ok()))
        .and_then(|n| n.as_dict().ok())
        .and_then(|n| deref(doc, n.get(b"EmbeddedFiles").ok()))
        .and_then(|e| e.as_dict().ok());
    let Some(tree) = tree else { return out };
    let mut nodes = vec![tree];
    if let Some(kids) = deref(doc, tree.get(b"Kids").ok()).and_then(|k| k.as_array().ok()) {
        nodes.extend(kids.iter().filter_map(|k| deref(doc, Some(k))?.as_dict().ok()));
    }
    for node in nodes {
        let Some(names) = deref(doc, node.get(b"Names").ok()).and_then(|n| n.as_array().ok()) else {
            continue;
        };
        for pair in names.chunks_exact(2) {
            if out.len() == MAX_EMBEDDED_FILES {
                return out;
            }
            let Some(spec) = deref(doc, Some(&pair[1])).and_then(|s| s.as_dict().ok()) else {
                continue;
            };
            let key = deref(doc, Some(&pair[0]))
                .and_then(|k| k.as_str().ok())
                .map(decode_text);
            let name = [b"UF".as_slice(), b"F"]
                .iter()
                .find_map(|k| deref(doc, spec.get(k).ok())?.as_str().ok().map(decode_text))
                .or(key)
                .unwrap_or_default();
            let content = deref(doc, spec.get(b"EF").ok())
                .and_then(|ef| ef.as_dict().ok())
                .and_then(|ef| deref(doc, ef.get(b"F").ok()))
                .and_then(|f| f.as_stream().ok())
                .and_then(|s| stream_bytes(s, max_size));
            if let Some(content) = content {
                out.push((name, content));
            }
        }
    }
    out
}

/// A stream's decoded content within `max_size` bytes (None when its content was dropped while
/// loading, or it does not decode).
pub(super) fn stream_bytes(stream: &lopdf::Stream, max_size: usize) -> Option<Vec<u8>> {
    if stream.dict.has(DROPPED_CONTENT_KEY) {
        return None;
    }
    if stream.dict.has(b"Filter") {
        return stream.decompressed_content_with_limit(max_size).ok();
    }
    (stream.content.len() <= max_size).then(|| stream.content.clone())
}
