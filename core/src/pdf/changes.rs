//! What an incremental update changed, and whether that is allowed after a signature.
//!
//! Two revisions are compared object by object. Every object that was added, changed or
//! deleted must be explained by an allowed kind of update; anything else can change what a
//! reader sees and is flagged ([`ChangeLevel::Other`]). Allowed are:
//!
//! - long-term validation data: the DSS and its streams, document time-stamps
//!   ([`ChangeLevel::LtaUpdates`]);
//! - signing and form filling: new signature fields and their widgets, a value put into an
//!   empty signature field, field values with their appearance streams, widgets appended to
//!   a page's /Annots ([`ChangeLevel::FormFilling`]).
//!
//! An object changed inside an allowed region must not also be used outside it in the
//! previous revision: an appearance stream that is also a page's XObject, a font shared
//! with page content, or an extension dictionary reachable another way would otherwise let
//! an "allowed" update change the page (the shadow-attack family).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use lopdf::{Dictionary, Document, Object, ObjectId};
use serde::Serialize;

use super::document::{acro_form, decode_text, deref, DROPPED_CONTENT_KEY, XREF_SECTION_KEYS};

/// How much of the file a signature's byte range covers (the classes pyHanko and EU DSS use).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Coverage {
    /// Everything but the /Contents hex string, to the end of the file.
    EntireFile,
    /// The whole revision the signature was made in; later incremental updates follow.
    EntireRevision,
    /// A block from the start of the file that does not end at a revision end.
    ContiguousBlockFromStart,
    /// The byte range is not the expected shape (gap not the /Contents string, one range, …).
    Unclear,
}

impl Coverage {
    /// The class as the report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Coverage::EntireFile => "ENTIRE_FILE",
            Coverage::EntireRevision => "ENTIRE_REVISION",
            Coverage::ContiguousBlockFromStart => "CONTIGUOUS_BLOCK_FROM_START",
            Coverage::Unclear => "UNCLEAR",
        }
    }
}

/// How far the updates after a signature went, least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum ChangeLevel {
    /// Nothing changed.
    None,
    /// Only long-term validation data (DSS, document time-stamps).
    LtaUpdates,
    /// Signing and form filling.
    FormFilling,
    /// Annotations created, changed or deleted (allowed only under DocMDP P=3).
    Annotations,
    /// Anything else: a change a verifier must flag.
    Other,
}

impl ChangeLevel {
    /// The level as the report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeLevel::None => "NONE",
            ChangeLevel::LtaUpdates => "LTA_UPDATES",
            ChangeLevel::FormFilling => "FORM_FILLING",
            ChangeLevel::Annotations => "ANNOTATIONS",
            ChangeLevel::Other => "OTHER",
        }
    }
}

/// What one incremental update changed.
#[derive(Debug, Clone, Serialize)]
pub struct RevisionChanges {
    /// The revision (0 = the original document).
    pub revision: usize,
    /// Objects added.
    pub added: usize,
    /// Objects changed.
    pub changed: usize,
    /// Objects deleted.
    pub deleted: usize,
    /// The level of the update.
    pub level: ChangeLevel,
    /// Form fields whose value was set or changed (signature fields included).
    pub fields_filled: Vec<String>,
    /// Why the update is [`ChangeLevel::Other`] (empty otherwise).
    pub disallowed: Vec<String>,
    /// Annotations created, changed or deleted (what makes the level
    /// [`ChangeLevel::Annotations`]: allowed only under DocMDP P=3).
    pub annotations: Vec<String>,
    /// The update added or changed the DSS (PAdES validation data).
    pub dss: bool,
    /// What was allowed, briefly.
    pub allowed: Vec<String>,
}

/// Stands for the trailer among the referrers of an object.
const TRAILER_ID: ObjectId = (0, u16::MAX);

/// Most disallowed findings listed per revision.
const MAX_FINDINGS: usize = 20;

/// Trailer keys a reader acts on besides /Size, /ID, /Info and the cross-reference section's
/// own ([`XREF_SECTION_KEYS`]), which every update writes anew: /Root is judged through the
/// catalog it points to, and a changed /Encrypt changes how every string and stream is read.
/// Every other trailer key (Adobe's /DocChecksum and /AdditionalStreams, private keys of other
/// writers) is read by no viewer: it cannot change what a reader sees or how a form behaves.
const TRAILER_EFFECTIVE: &[&[u8]] = &[b"Root", b"Encrypt"];

/// Trailer keys every update may rewrite: the size, the file identifier, the information
/// dictionary.
const TRAILER_UPDATED: &[&[u8]] = &[b"Size", b"ID", b"Info"];

/// What changing a catalog key after signing can do (ISO 32000-2 Table 29, every key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyEffect {
    /// Nothing a reader shows or a form does changes: allowed, at this level.
    Harmless(ChangeLevel),
    /// What a reader shows, or how the document or a form behaves, can change: flagged.
    Effective,
}

/// Every catalog key of ISO 32000-2 with what changing it after signing can do. Keys not
/// listed (private keys of a product) are ignored by conforming readers and are allowed,
/// named in the report.
const CATALOG_KEYS: &[(&[u8], KeyEffect)] = &[
    // Handled in detail: /AcroForm key by key and field by field.
    (b"AcroForm", KeyEffect::Harmless(ChangeLevel::LtaUpdates)),
    // Long-term validation data and the version it needs (PAdES, ISO 32000-2 §12.8.4).
    (b"DSS", KeyEffect::Harmless(ChangeLevel::LtaUpdates)),
    (b"Extensions", KeyEffect::Harmless(ChangeLevel::LtaUpdates)),
    (b"Version", KeyEffect::Harmless(ChangeLevel::LtaUpdates)),
    // Metadata about the document, not its content.
    (b"Metadata", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    (b"PieceInfo", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    (b"SpiderInfo", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    (b"Lang", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    (b"MarkInfo", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    // How a viewer opens its window, not what the pages show.
    (b"ViewerPreferences", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    (b"PageLayout", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    (b"PageMode", KeyEffect::Harmless(ChangeLevel::FormFilling)),
    // The page tree, page labels, optional content (what is visible), outlines, named
    // destinations, article threads, structure (what assistive technology reads).
    (b"Type", KeyEffect::Effective),
    (b"Pages", KeyEffect::Effective),
    (b"PageLabels", KeyEffect::Effective),
    (b"OCProperties", KeyEffect::Effective),
    (b"Outlines", KeyEffect::Effective),
    (b"Dests", KeyEffect::Effective),
    (b"Threads", KeyEffect::Effective),
    (b"StructTreeRoot", KeyEffect::Effective),
    // Actions and scripts (how the document behaves), link base, name trees (JavaScript,
    // embedded files, page templates), associated files, portfolio, XFA rendering.
    (b"OpenAction", KeyEffect::Effective),
    (b"AA", KeyEffect::Effective),
    (b"URI", KeyEffect::Effective),
    (b"Names", KeyEffect::Effective),
    (b"AF", KeyEffect::Effective),
    (b"Collection", KeyEffect::Effective),
    (b"NeedsRendering", KeyEffect::Effective),
    (b"DPartRoot", KeyEffect::Effective),
    // Permissions (a new certification after one), legal attestation, requirements.
    (b"Perms", KeyEffect::Effective),
    (b"Legal", KeyEffect::Effective),
    (b"Requirements", KeyEffect::Effective),
];

/// What changing catalog key `key` can do.
fn catalog_key_effect(key: &[u8]) -> Option<KeyEffect> {
    CATALOG_KEYS.iter().find(|(k, _)| *k == key).map(|(_, e)| *e)
}

/// Catalog keys whose values are allowed regions: an object reachable from another catalog key
/// is "used elsewhere" when it changes as part of a form update (object reuse).
const CATALOG_REGIONS: &[&[u8]] = &[b"AcroForm", b"DSS", b"Extensions", b"Metadata", b"Version"];

fn catalog_allowed(key: &[u8]) -> bool {
    CATALOG_REGIONS.contains(&key)
}

/// Largest XDP wrapper packet (the opening or closing tag) decoded to check it is a bare tag.
const MAX_XFA_WRAPPER: usize = 64 * 1024;

/// The ReadOnly bit of a field's /Ff (ISO 32000-1 Table 221): signing tools set it on the fields
/// a signature locks.
const FF_READ_ONLY: i64 = 1;

/// AcroForm keys an update may change.
const ACROFORM_ALLOWED: &[&[u8]] = &[b"Fields", b"SigFlags", b"DR", b"DA", b"NeedAppearances"];

/// Keys of a field or widget that form filling may change.
const FIELD_FILL_KEYS: &[&[u8]] = &[b"V", b"AP", b"AS"];

/// Further keys of a signature field's widget that signing it may change.
const SIGNING_KEYS: &[&[u8]] = &[b"F", b"MK", b"DA"];

/// Keys not followed when collecting an allowed region (they point back up the tree).
const BACK_LINKS: &[&[u8]] = &[b"P", b"Parent", b"Data", b"Dest", b"A"];

/// Compares revision `prev` with the revision `cur` that follows it.
pub fn compare(revision: usize, prev: &Document, cur: &Document) -> RevisionChanges {
    let mut a = Analysis::new(prev, cur);
    a.trailer();
    a.catalog();
    a.fields();
    a.pages();
    a.leftovers();
    let level = if a.disallowed.is_empty() {
        a.level
    } else {
        ChangeLevel::Other
    };
    RevisionChanges {
        revision,
        added: a.added.len(),
        changed: a.changed.len(),
        deleted: a.deleted.len(),
        level,
        fields_filled: a.filled,
        disallowed: a.disallowed,
        allowed: a.allowed,
        annotations: a.annotations,
        dss: a.dss,
    }
}

struct Analysis<'d> {
    prev: &'d Document,
    cur: &'d Document,
    added: BTreeSet<ObjectId>,
    changed: BTreeSet<ObjectId>,
    deleted: BTreeSet<ObjectId>,
    /// Objects inside allowed regions of `cur`.
    region: BTreeSet<ObjectId>,
    /// Touched objects that an allowed rule accounted for.
    explained: BTreeSet<ObjectId>,
    /// Form fields and widgets met in the field tree of `cur`.
    fields_seen: BTreeSet<ObjectId>,
    /// For each object of `prev`, the objects that reference it ([`TRAILER_ID`] for the trailer).
    referrers: BTreeMap<ObjectId, Vec<ObjectId>>,
    /// Touched objects accounted for as part of an allowed subtree (appearance streams,
    /// values, DSS, extensions): these must not be used elsewhere.
    claimed: BTreeSet<ObjectId>,
    level: ChangeLevel,
    filled: Vec<String>,
    disallowed: Vec<String>,
    allowed: Vec<String>,
    annotations: Vec<String>,
    /// Objects of `prev` whose deletion is accounted for (removed annotations).
    deleted_ok: BTreeSet<ObjectId>,
    dss: bool,
}

impl<'d> Analysis<'d> {
    fn new(prev: &'d Document, cur: &'d Document) -> Analysis<'d> {
        let mut added = BTreeSet::new();
        let mut changed = BTreeSet::new();
        let mut deleted = BTreeSet::new();
        for (id, object) in &cur.objects {
            match prev.objects.get(id) {
                None => {
                    added.insert(*id);
                }
                Some(old) if old != object || rewritten_dropped(prev, cur, *id, object) => {
                    changed.insert(*id);
                }
                Some(_) => {}
            }
        }
        for id in prev.objects.keys() {
            if !cur.objects.contains_key(id) {
                deleted.insert(*id);
            }
        }
        Analysis {
            prev,
            cur,
            added,
            changed,
            deleted,
            region: BTreeSet::new(),
            explained: BTreeSet::new(),
            claimed: BTreeSet::new(),
            fields_seen: BTreeSet::new(),
            referrers: referrers(prev),
            level: ChangeLevel::None,
            filled: Vec::new(),
            disallowed: Vec::new(),
            allowed: Vec::new(),
            annotations: Vec::new(),
            deleted_ok: BTreeSet::new(),
            dss: false,
        }
    }

    /// An annotation created, changed or deleted: level [`ChangeLevel::Annotations`].
    fn annotation(&mut self, what: String) {
        self.level = self.level.max(ChangeLevel::Annotations);
        if self.annotations.len() < MAX_FINDINGS && !self.annotations.contains(&what) {
            self.annotations.push(what);
        }
    }

    fn touched(&self, id: ObjectId) -> bool {
        self.added.contains(&id) || self.changed.contains(&id)
    }

    fn flag(&mut self, finding: String) {
        if self.disallowed.len() < MAX_FINDINGS {
            self.disallowed.push(finding);
        }
    }

    fn allow(&mut self, level: ChangeLevel, what: String) {
        self.level = self.level.max(level);
        if self.allowed.len() < MAX_FINDINGS && !self.allowed.contains(&what) {
            self.allowed.push(what);
        }
    }

    fn trailer(&mut self) {
        let (p, c) = (&self.prev.trailer, &self.cur.trailer);
        for key in differing_keys(p, c) {
            if XREF_SECTION_KEYS.contains(&key.as_slice()) || TRAILER_UPDATED.contains(&key.as_slice()) {
                continue;
            }
            let name = String::from_utf8_lossy(&key).into_owned();
            if key == b"Root" {
                // Judged through the catalog it points to.
                continue;
            }
            if TRAILER_EFFECTIVE.contains(&key.as_slice()) {
                self.flag(format!("trailer /{name} changed"));
                continue;
            }
            // Read by no viewer (e.g. Adobe's /DocChecksum, /AdditionalStreams).
            if let Ok(v) = c.get(&key) {
                let v = v.clone();
                self.claim_subtree(&v);
            }
            self.allow(
                ChangeLevel::LtaUpdates,
                format!("trailer /{name} updated (read by no viewer)"),
            );
        }
        if let Ok(Object::Reference(info)) = c.get(b"Info") {
            if self.touched(*info) {
                self.explained.insert(*info);
                self.allow(
                    ChangeLevel::FormFilling,
                    "document information dictionary updated".into(),
                );
            }
        }
    }

    fn catalog(&mut self) {
        let (Ok(Object::Reference(root)), Ok(Object::Reference(old_root))) =
            (self.cur.trailer.get(b"Root"), self.prev.trailer.get(b"Root"))
        else {
            return;
        };
        let (root, old_root) = (*root, *old_root);
        let (Ok(cat), Ok(old_cat)) = (self.cur.get_dictionary(root), self.prev.get_dictionary(old_root)) else {
            return;
        };
        // The catalog object itself (rewritten in place or under a new number) is judged key
        // by key below.
        if self.touched(root) {
            self.explained.insert(root);
        }
        for key in differing_keys(old_cat, cat) {
            let name = String::from_utf8_lossy(&key).into_owned();
            match catalog_key_effect(&key) {
                Some(KeyEffect::Harmless(level)) => {
                    self.dss |= key == b"DSS";
                    self.allow(level, format!("catalog /{name} updated"));
                }
                Some(KeyEffect::Effective) if key == b"Perms" && self.certification_added(old_cat, cat) => self.allow(
                    ChangeLevel::FormFilling,
                    "catalog /Perms /DocMDP: a certification signature added after document time-stamps only".into(),
                ),
                Some(KeyEffect::Effective) => self.flag(format!("catalog /{name} changed")),
                None => {
                    if let Ok(v) = cat.get(&key) {
                        let v = v.clone();
                        self.claim_subtree(&v);
                    }
                    self.allow(
                        ChangeLevel::FormFilling,
                        format!("catalog /{name} updated (not an ISO 32000 key: ignored by readers)"),
                    );
                }
            }
        }
        for (key, level) in [
            (b"DSS".as_slice(), ChangeLevel::LtaUpdates),
            (b"Extensions", ChangeLevel::LtaUpdates),
            (b"Metadata", ChangeLevel::LtaUpdates),
        ] {
            if let Ok(value) = cat.get(key) {
                let before = self.explained.len();
                self.claim_subtree(value);
                if self.explained.len() > before {
                    self.dss |= key == b"DSS";
                    self.allow(
                        level,
                        format!("/{} objects added or updated", String::from_utf8_lossy(key)),
                    );
                }
            }
        }
        if let Ok(Object::Reference(form)) = cat.get(b"AcroForm") {
            if self.touched(*form) {
                self.explained.insert(*form);
            }
            self.region.insert(*form);
        }
        if let (Some(form), Some(old_form)) = (acro_form(self.cur), acro_form(self.prev)) {
            self.xfa(old_form, form);
            for key in differing_keys(old_form, form) {
                if key == b"XFA" {
                    continue; // judged packet by packet in `xfa`
                }
                if ACROFORM_ALLOWED.contains(&key.as_slice()) {
                    // Adding fields is as much as the fields added; other keys are form filling.
                    let level = if key == b"Fields" || key == b"SigFlags" {
                        ChangeLevel::LtaUpdates
                    } else {
                        ChangeLevel::FormFilling
                    };
                    self.allow(level, format!("AcroForm /{} updated", String::from_utf8_lossy(&key)));
                } else {
                    self.flag(format!("AcroForm /{} changed", String::from_utf8_lossy(&key)));
                }
            }
            if let Ok(dr) = form.get(b"DR") {
                self.claim_subtree(dr);
            }
            self.fields_array(old_form, form);
        }
    }

    /// Whether the only change to the catalog's /Perms is a /DocMDP added for a signature
    /// dictionary this update adds, in a document that had no signature before it but document
    /// time-stamps (ISO 32000-2 §12.8.2.2.1: the certification is the first signature; document
    /// time-stamps may precede it).
    fn certification_added(&self, old_cat: &Dictionary, cat: &Dictionary) -> bool {
        let perms = |doc: &Document, c: &Dictionary| {
            deref(doc, c.get(b"Perms").ok())
                .and_then(|o| o.as_dict().ok())
                .cloned()
                .unwrap_or_default()
        };
        let (old, new) = (perms(self.prev, old_cat), perms(self.cur, cat));
        if old.has(b"DocMDP") {
            return false;
        }
        let Ok(Object::Reference(sig)) = new.get(b"DocMDP") else {
            return false;
        };
        let others_same = differing_keys(&old, &new).iter().all(|k| k == b"DocMDP");
        let signed_before = super::document::signature_fields(self.prev)
            .unwrap_or_default()
            .iter()
            .filter_map(|f| f.value.as_ref())
            .any(|v| {
                super::document::SignatureValue::read(self.prev, v).kind() != Some(super::SignatureKind::DocTimeStamp)
            });
        others_same && self.added.contains(sig) && !signed_before
    }

    /// An XFA form (AcroForm /XFA, ISO 32000-1 §12.7.8): filling it in rewrites its
    /// `datasets` packet (the form data), which is allowed as form filling; every other packet
    /// (template, config, …) must stay as it was. The packet array itself may be rewritten.
    fn xfa(&mut self, old_form: &Dictionary, form: &Dictionary) {
        let (Ok(new), Ok(old)) = (form.get(b"XFA"), old_form.get(b"XFA")) else {
            if form.get(b"XFA").ok() != old_form.get(b"XFA").ok() {
                self.flag("AcroForm /XFA added or removed".into());
            }
            return;
        };
        let packets = |doc: &Document, o: &Object| -> Option<Vec<(String, Object)>> {
            let arr = deref(doc, Some(o))?.as_array().ok()?;
            Some(
                arr.chunks_exact(2)
                    .map(|p| {
                        let name = deref(doc, Some(&p[0])).and_then(|n| n.as_str().ok()).map(decode_text);
                        (name.unwrap_or_default(), p[1].clone())
                    })
                    .collect(),
            )
        };
        if let Object::Reference(arr) = new {
            self.region.insert(*arr);
            if self.touched(*arr) {
                self.explained.insert(*arr);
            }
        }
        let (Some(new_packets), Some(old_packets)) = (packets(self.cur, new), packets(self.prev, old)) else {
            // A single XFA stream: any change is a change of the template too.
            if new != old || self.touched_in(new).is_some() {
                self.flag("AcroForm /XFA (single stream) changed".into());
            }
            return;
        };
        let names = |p: &[(String, Object)]| p.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        if names(&new_packets) != names(&old_packets) {
            self.flag("AcroForm /XFA packets added, removed or reordered".into());
            return;
        }
        let mut filled = false;
        for ((name, value), (_, old_value)) in new_packets.iter().zip(&old_packets) {
            let fill = name == "datasets" || name == "form";
            // The XDP wrapper's opening and closing tags (the opening one carries a time-stamp
            // and uuid that are rewritten on every save) may change while they stay bare tags:
            // XFA content smuggled into them would be part of the form.
            let wrapper = matches!(name.as_str(), "xdp:xdp" | "</xdp:xdp>") && self.bare_tag(value);
            if fill || wrapper {
                let before = self.explained.len();
                self.claim_subtree(value);
                filled |= self.explained.len() > before || value != old_value;
            } else if value != old_value || self.touched_in(value).is_some() {
                self.flag(format!("AcroForm /XFA packet {name} changed"));
            } else {
                self.region.extend(self.subtree(value));
            }
        }
        if filled {
            self.allow(
                ChangeLevel::FormFilling,
                "XFA form data (datasets, form state) filled in".into(),
            );
        }
    }

    /// Whether the stream `value` of `cur` holds one XML tag and nothing else (an XML
    /// declaration aside).
    fn bare_tag(&self, value: &Object) -> bool {
        let Some(Ok(stream)) = deref(self.cur, Some(value)).map(Object::as_stream) else {
            return false;
        };
        if stream.dict.has(DROPPED_CONTENT_KEY) {
            return false;
        }
        let content = if stream.dict.has(b"Filter") {
            match stream.decompressed_content_with_limit(MAX_XFA_WRAPPER) {
                Ok(c) => c,
                Err(_) => return false,
            }
        } else {
            stream.content.clone()
        };
        let text = String::from_utf8_lossy(&content);
        let mut body = text.trim();
        if body.starts_with("<?xml") {
            match body.find("?>") {
                Some(end) => body = body[end + 2..].trim(),
                None => return false,
            }
        }
        body.starts_with('<') && body.ends_with('>') && body.matches('<').count() == 1
    }

    /// The /Fields array: fields may be appended, never removed.
    fn fields_array(&mut self, old_form: &Dictionary, form: &Dictionary) {
        let ids = |doc: &Document, f: &Dictionary| -> Vec<Object> {
            deref(doc, f.get(b"Fields").ok())
                .and_then(|o| o.as_array().ok())
                .cloned()
                .unwrap_or_default()
        };
        if let Ok(Object::Reference(arr)) = form.get(b"Fields") {
            if self.touched(*arr) {
                self.explained.insert(*arr);
            }
            self.region.insert(*arr);
        }
        let (old, new) = (ids(self.prev, old_form), ids(self.cur, form));
        for field in &old {
            if !new.contains(field) {
                self.flag(format!("form field {} removed from /Fields", describe(field)));
            }
        }
    }

    /// Walks the field tree of `cur` and accounts for each field's changes.
    fn fields(&mut self) {
        let Some(form) = acro_form(self.cur) else { return };
        let Some(fields) = deref(self.cur, form.get(b"Fields").ok()).and_then(|o| o.as_array().ok()) else {
            return;
        };
        let mut queue: VecDeque<(Object, String, Option<Vec<u8>>, usize)> =
            fields.iter().map(|f| (f.clone(), String::new(), None, 0)).collect();
        let mut seen = BTreeSet::new();
        while let Some((node, parent, inherited_ft, depth)) = queue.pop_front() {
            if depth > super::MAX_FIELD_DEPTH || seen.len() > super::MAX_FIELDS {
                self.flag("field tree too large to analyse".into());
                return;
            }
            let id = node.as_reference().ok();
            if let Some(id) = id {
                if !seen.insert(id) {
                    continue;
                }
                self.region.insert(id);
                self.fields_seen.insert(id);
            }
            let Some(Ok(dict)) = deref(self.cur, Some(&node)).map(Object::as_dict) else {
                continue;
            };
            let dict = dict.clone();
            let name = match deref(self.cur, dict.get(b"T").ok()).and_then(|o| o.as_str().ok()) {
                Some(t) if parent.is_empty() => decode_text(t),
                Some(t) => format!("{parent}.{}", decode_text(t)),
                None => parent.clone(),
            };
            let ft = dict
                .get(b"FT")
                .and_then(Object::as_name)
                .ok()
                .map(<[u8]>::to_vec)
                .or(inherited_ft);
            self.field(id, &dict, &name, ft.as_deref());
            if let Ok(Object::Reference(kids)) = dict.get(b"Kids") {
                self.region.insert(*kids);
                if self.touched(*kids) {
                    self.explained.insert(*kids);
                }
            }
            if let Some(kids) = deref(self.cur, dict.get(b"Kids").ok()).and_then(|o| o.as_array().ok()) {
                for kid in kids {
                    queue.push_back((kid.clone(), name.clone(), ft.clone(), depth + 1));
                }
            }
        }
    }

    fn field(&mut self, id: Option<ObjectId>, dict: &Dictionary, name: &str, ft: Option<&[u8]>) {
        let is_sig = ft == Some(b"Sig".as_slice());
        let display = if name.is_empty() { "(unnamed)" } else { name };
        match id {
            Some(id) if self.added.contains(&id) => {
                self.explained.insert(id);
                let lta = is_sig && dict.get(b"V").is_ok_and(|v| self.is_doc_timestamp(v));
                let level = if lta {
                    ChangeLevel::LtaUpdates
                } else {
                    ChangeLevel::FormFilling
                };
                self.allow(level, format!("field {display} added"));
                if dict.has(b"V") {
                    self.filled.push(name.to_owned());
                }
                for key in [b"V".as_slice(), b"AP", b"MK"] {
                    if let Ok(v) = dict.get(key) {
                        self.claim_value(key, v, is_sig, display, level);
                    }
                }
            }
            Some(id) if self.changed.contains(&id) => {
                let Ok(old) = self.prev.get_dictionary(id) else { return };
                let old = old.clone();
                let mut ok = true;
                let signing = is_sig && !old.has(b"V") && dict.has(b"V");
                for key in differing_keys(&old, dict) {
                    if key == b"AP" {
                        if let Ok(Object::Reference(old_ap)) = old.get(b"AP") {
                            if let Some(user) = self.used_elsewhere(*old_ap, Some(id)) {
                                self.flag(format!(
                                    "field {display}: its appearance dictionary {} was replaced but is also used by {user}",
                                    old_ap.0
                                ));
                            }
                        }
                    }
                    if key == b"Ff" && only_read_only_set(&old, dict) {
                        self.allow(ChangeLevel::FormFilling, format!("field {display} made read-only"));
                        continue;
                    }
                    let fill = FIELD_FILL_KEYS.contains(&key.as_slice())
                        || (signing && SIGNING_KEYS.contains(&key.as_slice()));
                    if !fill || (is_sig && key == b"V" && old.has(b"V")) {
                        ok = false;
                        self.flag(format!(
                            "field {display}: /{} changed{}",
                            String::from_utf8_lossy(&key),
                            if is_sig && key == b"V" {
                                " (an existing signature replaced)"
                            } else {
                                ""
                            }
                        ));
                    } else if key == b"V" {
                        self.filled.push(name.to_owned());
                    }
                }
                if ok {
                    self.explained.insert(id);
                    self.allow(ChangeLevel::FormFilling, format!("field {display} filled"));
                }
                for key in [b"V".as_slice(), b"AP"] {
                    if let Ok(v) = dict.get(key) {
                        self.claim_value(key, v, is_sig, display, ChangeLevel::FormFilling);
                    }
                }
            }
            _ => {
                // An unchanged field object may still have indirect values that changed; a
                // signed signature field's value and appearance are frozen.
                let signed_before = id
                    .and_then(|id| self.prev.get_dictionary(id).ok())
                    .is_some_and(|old| old.has(b"V"));
                if is_sig && signed_before {
                    if let Some(obj) = dict.get(b"AP").ok().and_then(|ap| self.touched_in(ap)) {
                        self.flag(format!(
                            "field {display} is signed, but its appearance changed (object {})",
                            obj.0
                        ));
                    }
                }
                for key in [b"V".as_slice(), b"AP"] {
                    if let Ok(v) = dict.get(key) {
                        if key == b"V" && is_sig && v.as_reference().is_ok_and(|r| self.changed.contains(&r)) {
                            self.flag(format!("field {display}: its signature dictionary was rewritten"));
                            continue;
                        }
                        self.claim_value(key, v, is_sig, display, ChangeLevel::FormFilling);
                    }
                }
            }
        }
    }

    /// A field's /V or /AP (or /MK): claimed as part of form filling.
    fn claim_value(&mut self, key: &[u8], value: &Object, is_sig: bool, field: &str, level: ChangeLevel) {
        let before = self.explained.len();
        self.claim_subtree(value);
        if self.explained.len() > before {
            let level = if is_sig && key == b"V" && self.is_doc_timestamp(value) {
                ChangeLevel::LtaUpdates
            } else {
                level
            };
            let what = if is_sig && key == b"V" {
                format!("signature put into field {field}")
            } else {
                format!("field {field} /{} updated", String::from_utf8_lossy(key))
            };
            self.allow(level, what);
        }
    }

    /// The first touched object reachable from `root` (not following back links).
    fn touched_in(&self, root: &Object) -> Option<ObjectId> {
        self.subtree(root).into_iter().find(|id| self.touched(*id))
    }

    /// The objects reachable from `root` in `cur`, without following links back up the
    /// document (/P, /Parent, …) or entering pages, the page tree or the catalog.
    fn subtree(&self, root: &Object) -> Vec<ObjectId> {
        let mut stack = vec![root.clone()];
        let mut visited = BTreeSet::new();
        let mut out = Vec::new();
        while let Some(object) = stack.pop() {
            let resolved = match &object {
                Object::Reference(id) => {
                    if !visited.insert(*id) || visited.len() > super::MAX_OBJECTS {
                        continue;
                    }
                    match self.cur.objects.get(id) {
                        Some(o) if !is_structural(o) => {
                            out.push(*id);
                            o
                        }
                        _ => continue,
                    }
                }
                other => other,
            };
            push_children(resolved, &mut stack);
        }
        out
    }

    fn is_doc_timestamp(&self, value: &Object) -> bool {
        deref(self.cur, Some(value))
            .and_then(|o| o.as_dict().ok())
            .is_some_and(|d| {
                d.has_type(b"DocTimeStamp")
                    || d.get(b"SubFilter").and_then(Object::as_name).ok() == Some(b"ETSI.RFC3161")
            })
    }

    /// Marks every object reachable from `root` (without following links back up the
    /// document) as inside an allowed region; touched ones are explained, unless they are
    /// also used outside allowed regions in the previous revision (checked in `leftovers`).
    fn claim_subtree(&mut self, root: &Object) {
        for id in self.subtree(root) {
            self.region.insert(id);
            if self.touched(id) {
                self.explained.insert(id);
                self.claimed.insert(id);
            }
        }
    }

    /// Pages may only gain widget annotations of form fields.
    fn pages(&mut self) {
        let pages: Vec<ObjectId> = self.cur.get_pages().into_values().collect();
        for page in pages {
            let (Ok(new), Ok(old)) = (self.cur.get_dictionary(page), self.prev.get_dictionary(page)) else {
                continue;
            };
            let annots_new = annots(self.cur, new);
            let annots_old = annots(self.prev, old);
            let mut ok = true;
            for key in differing_keys(old, new) {
                if key != b"Annots" {
                    ok = false;
                    self.flag(format!(
                        "page object {} /{} changed",
                        page.0,
                        String::from_utf8_lossy(&key)
                    ));
                }
            }
            if let Ok(Object::Reference(arr)) = new.get(b"Annots") {
                if self.touched(*arr) {
                    self.explained.insert(*arr);
                }
            }
            // An annotation array dropped or replaced with the annotations it held.
            if let Ok(Object::Reference(old_arr)) = old.get(b"Annots") {
                if new.get(b"Annots").ok() != old.get(b"Annots").ok() {
                    self.deleted_ok.insert(*old_arr);
                }
            }
            for a in &annots_old {
                if !annots_new.contains(a) {
                    let widget = a.as_reference().is_ok_and(|id| self.is_widget(self.prev, id));
                    if widget {
                        ok = false;
                        self.flag(format!(
                            "page object {}: form field widget {} removed",
                            page.0,
                            describe(a)
                        ));
                    } else {
                        if let Ok(id) = a.as_reference() {
                            self.deleted_ok.extend(subtree_of(self.prev, &Object::Reference(id)));
                        }
                        self.annotation(format!("page object {}: annotation {} removed", page.0, describe(a)));
                    }
                }
            }
            for a in annots_new.iter().filter(|a| !annots_old.contains(a)) {
                let widget_of_field = a.as_reference().is_ok_and(|id| self.region.contains(&id));
                if !widget_of_field {
                    if a.as_reference().is_ok_and(|id| self.is_widget(self.cur, id)) {
                        ok = false;
                        self.flag(format!(
                            "page object {}: widget {} added that belongs to no form field",
                            page.0,
                            describe(a)
                        ));
                        continue;
                    }
                    self.claim_subtree(a);
                    self.annotation(format!("page object {}: annotation {} added", page.0, describe(a)));
                }
            }
            // Existing annotations (not form-field widgets) that changed.
            for a in annots_new.iter().filter(|a| annots_old.contains(a)) {
                let Ok(id) = a.as_reference() else { continue };
                if self.region.contains(&id) || self.is_widget(self.cur, id) {
                    continue;
                }
                if self.touched_in(a).is_some() {
                    self.claim_subtree(a);
                    self.annotation(format!("page object {}: annotation {} changed", page.0, describe(a)));
                }
            }
            if ok && self.changed.contains(&page) {
                self.explained.insert(page);
                // As much as the fields the widgets (or the annotations) belong to.
                self.allow(
                    ChangeLevel::LtaUpdates,
                    format!("annotation list of page object {} updated", page.0),
                );
            }
        }
    }

    /// Whether object `id` of `doc` is a widget annotation.
    fn is_widget(&self, doc: &Document, id: ObjectId) -> bool {
        doc.get_dictionary(id)
            .ok()
            .and_then(|d| d.get(b"Subtype").ok())
            .and_then(|o| o.as_name().ok())
            == Some(b"Widget".as_slice())
    }

    /// Whether `id` is referenced in `prev` from outside the allowed regions (other than
    /// from `owner`): by a page, the trailer, another catalog key, any unrelated object.
    fn used_elsewhere(&self, id: ObjectId, owner: Option<ObjectId>) -> Option<String> {
        let mut visited = BTreeSet::new();
        self.used_elsewhere_from(id, owner, &mut visited)
    }

    /// Follows the referrers up to form fields (whose own referrers are the form tree and the
    /// pages' annotation arrays): an intermediate object (an appearance dictionary, a DSS
    /// array) that is shared makes everything below it shared.
    fn used_elsewhere_from(
        &self,
        id: ObjectId,
        owner: Option<ObjectId>,
        visited: &mut BTreeSet<ObjectId>,
    ) -> Option<String> {
        if !visited.insert(id) || visited.len() > super::MAX_FIELDS {
            return None;
        }
        let old_root = self.prev.trailer.get(b"Root").and_then(Object::as_reference).ok();
        for r in self.referrers.get(&id).into_iter().flatten() {
            if Some(*r) == owner || self.fields_seen.contains(r) {
                continue;
            }
            if *r == TRAILER_ID {
                return Some("the trailer".into());
            }
            if Some(*r) == old_root {
                let catalog = self.prev.get_dictionary(*r).ok();
                let stray = catalog
                    .into_iter()
                    .flat_map(|c| c.iter())
                    .any(|(k, v)| (owner.is_some() || !catalog_allowed(k)) && references(v, id));
                if stray {
                    return Some(format!("another entry of the catalog (object {})", r.0));
                }
                continue;
            }
            if owner.is_none() && self.region.contains(r) {
                if let Some(user) = self.used_elsewhere_from(*r, None, visited) {
                    return Some(user);
                }
                continue;
            }
            return Some(format!("object {}", r.0));
        }
        None
    }

    /// Every touched object must be explained, and an explained object that existed before
    /// must not have been used outside allowed regions.
    fn leftovers(&mut self) {
        let reachable = reachable(self.cur);
        let touched: Vec<ObjectId> = self.added.iter().chain(&self.changed).copied().collect();
        for id in touched {
            if self.explained.contains(&id) {
                if self.changed.contains(&id) && self.claimed.contains(&id) {
                    if let Some(r) = self.used_elsewhere(id, None) {
                        self.flag(format!(
                            "object {} changed in an allowed place but is also used by {r} (object reuse)",
                            id.0
                        ));
                    }
                }
                continue;
            }
            if !reachable.contains(&id) {
                continue;
            }
            let what = describe_object(self.cur, id);
            let verb = if self.added.contains(&id) { "added" } else { "changed" };
            self.flag(format!("object {} ({what}) {verb}", id.0));
        }
        let deleted: Vec<ObjectId> = self.deleted.iter().copied().collect();
        let old_reachable = reachable_set(self.prev);
        for id in deleted {
            if old_reachable.contains(&id) && !self.deleted_ok.contains(&id) {
                self.flag(format!("object {} ({}) deleted", id.0, describe_object(self.prev, id)));
            }
        }
    }
}

/// Whether /Ff of `new` differs from that of `old` only by the ReadOnly bit being set.
fn only_read_only_set(old: &Dictionary, new: &Dictionary) -> bool {
    let ff = |d: &Dictionary| d.get(b"Ff").ok().map_or(Some(0), |o| o.as_i64().ok());
    match (ff(old), ff(new)) {
        (Some(o), Some(n)) => n == o | FF_READ_ONLY,
        _ => false,
    }
}

/// The objects of `doc` reachable from `root` without following links back up the document
/// or entering pages, the page tree or the catalog.
fn subtree_of(doc: &Document, root: &Object) -> Vec<ObjectId> {
    let mut stack = vec![root.clone()];
    let mut visited = BTreeSet::new();
    while let Some(object) = stack.pop() {
        let resolved = match &object {
            Object::Reference(id) => {
                if visited.len() > super::MAX_FIELDS || !visited.insert(*id) {
                    continue;
                }
                match doc.objects.get(id) {
                    Some(o) if !is_structural(o) => o,
                    _ => {
                        visited.remove(id);
                        continue;
                    }
                }
            }
            other => other,
        };
        push_children(resolved, &mut stack);
    }
    visited.into_iter().collect()
}

fn reachable_set(doc: &Document) -> BTreeSet<ObjectId> {
    reachable(doc)
}

/// Objects reachable from the trailer.
fn reachable(doc: &Document) -> BTreeSet<ObjectId> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<Object> = doc.trailer.iter().map(|(_, v)| v.clone()).collect();
    while let Some(object) = stack.pop() {
        if let Object::Reference(id) = &object {
            if !seen.insert(*id) || seen.len() > super::MAX_OBJECTS {
                continue;
            }
            if let Some(o) = doc.objects.get(id) {
                push_all_children(o, &mut stack);
            }
        } else {
            push_all_children(&object, &mut stack);
        }
    }
    seen
}

/// For each object, the objects whose value references it.
fn referrers(doc: &Document) -> BTreeMap<ObjectId, Vec<ObjectId>> {
    let mut map: BTreeMap<ObjectId, Vec<ObjectId>> = BTreeMap::new();
    for (key, value) in doc.trailer.iter() {
        // Conservatively, any trailer key but /Root and /Info makes an object shared: an
        // object changed "as a field's appearance" must not also hang off the trailer.
        if let (Object::Reference(r), false) = (value, key == b"Root" || key == b"Info") {
            map.entry(*r).or_default().push(TRAILER_ID);
        }
    }
    for (id, object) in &doc.objects {
        let mut stack = vec![object];
        while let Some(o) = stack.pop() {
            match o {
                Object::Reference(r) => map.entry(*r).or_default().push(*id),
                Object::Array(a) => stack.extend(a.iter()),
                Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
                Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v)),
                _ => {}
            }
        }
    }
    map
}

/// Whether `object` (direct parts only) references `id`.
fn references(object: &Object, id: ObjectId) -> bool {
    let mut stack = vec![object];
    while let Some(o) = stack.pop() {
        match o {
            Object::Reference(r) if *r == id => return true,
            Object::Array(a) => stack.extend(a.iter()),
            Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    false
}

fn push_children(object: &Object, stack: &mut Vec<Object>) {
    let dict = match object {
        Object::Array(a) => {
            stack.extend(a.iter().cloned());
            return;
        }
        Object::Dictionary(d) => d,
        Object::Stream(s) => &s.dict,
        _ => return,
    };
    for (k, v) in dict.iter() {
        if !BACK_LINKS.contains(&k.as_slice()) {
            stack.push(v.clone());
        }
    }
}

fn push_all_children(object: &Object, stack: &mut Vec<Object>) {
    match object {
        Object::Array(a) => stack.extend(a.iter().cloned()),
        Object::Dictionary(d) => stack.extend(d.iter().map(|(_, v)| v.clone())),
        Object::Stream(s) => stack.extend(s.dict.iter().map(|(_, v)| v.clone())),
        _ => {}
    }
}

/// Pages, the page tree and the catalog are never part of an allowed region.
fn is_structural(object: &Object) -> bool {
    object
        .as_dict()
        .ok()
        .is_some_and(|d| d.has_type(b"Page") || d.has_type(b"Pages") || d.has_type(b"Catalog"))
}

/// A stream whose content was dropped compares equal by dictionary alone: it changed if it
/// was written again at another place.
fn rewritten_dropped(prev: &Document, cur: &Document, id: ObjectId, object: &Object) -> bool {
    let dropped = object.as_stream().is_ok_and(|s| s.dict.has(DROPPED_CONTENT_KEY));
    dropped && entry_key(prev, id) != entry_key(cur, id)
}

/// Where the cross-reference table says an object is.
fn entry_key(doc: &Document, id: ObjectId) -> Option<(u32, u32)> {
    match doc.reference_table.get(id.0)? {
        lopdf::xref::XrefEntry::Normal { offset, .. } => Some((0, *offset)),
        lopdf::xref::XrefEntry::Compressed { container, index } => Some((*container, u32::from(*index))),
        _ => None,
    }
}

/// Keys whose values differ between two dictionaries (present in either).
fn differing_keys(old: &Dictionary, new: &Dictionary) -> Vec<Vec<u8>> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    for (k, v) in new.iter() {
        if old.get(k).ok() != Some(v) {
            keys.push(k.clone());
        }
    }
    for (k, _) in old.iter() {
        if !new.has(k) {
            keys.push(k.clone());
        }
    }
    keys
}

fn annots(doc: &Document, page: &Dictionary) -> Vec<Object> {
    deref(doc, page.get(b"Annots").ok())
        .and_then(|o| o.as_array().ok())
        .cloned()
        .unwrap_or_default()
}

fn describe(object: &Object) -> String {
    match object {
        Object::Reference(id) => format!("{} {} R", id.0, id.1),
        _ => "(direct)".into(),
    }
}

fn describe_object(doc: &Document, id: ObjectId) -> String {
    match doc.objects.get(&id) {
        Some(Object::Stream(s)) => match s.dict.get_type() {
            Ok(t) => format!("/{} stream", String::from_utf8_lossy(t)),
            Err(_) => "stream".into(),
        },
        Some(Object::Dictionary(d)) => match d.get_type() {
            Ok(t) => format!("/{} dictionary", String::from_utf8_lossy(t)),
            Err(_) => "dictionary".into(),
        },
        Some(other) => other.enum_variant().to_lowercase(),
        None => "missing".into(),
    }
}
