//! Adding a signature to an OFD document (GB/T 33190-2016 §18): an electronic seal
//! (`Type="Seal"`, an SES_Signature by GB/T 38540 or GM/T 0031) or a plain digital signature
//! (`Type="Sign"`, a bare DER SM2 signature over Signature.xml).
//!
//! The signature is appended: every entry of the input package is copied into the output as
//! it was (its compressed bytes untouched); only the signature list (`Signatures.xml`) is
//! written anew, and `OFD.xml` gains its `Signatures` element the first time a document is
//! signed. The new signature protects every file of the package — earlier signatures' folders
//! included, so a second signature covers the first — except the signature list, which each
//! later signature rewrites, and its own folder.
//!
//! Layout written (K is the first free signature folder number):
//!
//! ```text
//! Doc_0/Signs/Signatures.xml          the list, with MaxSignId and one Signature entry per signature
//! Doc_0/Signs/Sign_K/Signature.xml    SignedInfo (Provider, SignatureMethod, SignatureDateTime,
//!                                     References with SM3 CheckValues, StampAnnot, Seal) + SignedValue
//! Doc_0/Signs/Sign_K/SignedValue.dat  SES_Signature (Type=Seal) or DER SM2 signature (Type=Sign)
//! Doc_0/Signs/Sign_K/Seal.esl         the seal (Type=Seal only)
//! ```

use std::io::{Cursor, Write};

use base64::Engine;
use quick_xml::events::Event;

use super::package::{normalise, Package};
use super::xml::{self, SignatureType};
use super::OfdError;
use crate::alg::DigestAlgorithm;
use crate::seal::{self, SesSignature, SignSpec};
use crate::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
use crate::sm::sm3::sm3;
use crate::time::Time;
use crate::x509::Certificate;

/// The OFD namespace written on every new file.
pub const OFD_NAMESPACE: &str = "http://www.ofdspec.org/2016";

/// `References/@CheckMethod` written: the OID of SM3.
pub const SM3_CHECK_METHOD: &str = "1.2.156.10197.1.401";

/// `SignatureMethod` written: the OID of SM2 with SM3.
pub const SM2_SM3_SIGNATURE_METHOD: &str = "1.2.156.10197.1.501";

/// `Provider/@ProviderName` written.
pub const PROVIDER_NAME: &str = "yinjian";

/// Who signs, and how.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum OfdSigner<'a> {
    /// An electronic seal: `Type="Seal"`. SignedValue.dat is an SES_Signature in the layout of
    /// the seal's version (GB/T 38540 v4 or GM/T 0031 v1), and the seal is written next to it
    /// as Seal.esl.
    Seal {
        /// The seal (SES_Seal, DER).
        seal: &'a [u8],
        /// The signer's private key.
        key: &'a PrivateKey,
        /// The signer's certificate (DER); the seal must list it.
        cert: &'a [u8],
    },
    /// A plain digital signature: `Type="Sign"`. SignedValue.dat is the DER SM2 signature
    /// (SM3, default distinguishing ID) over the bytes of Signature.xml; it names no
    /// certificate, so verifiers must be given the signer's.
    Plain {
        /// The signer's private key.
        key: &'a PrivateKey,
        /// The signer's certificate (DER), checked against the key.
        cert: &'a [u8],
    },
}

impl OfdSigner<'_> {
    /// The `Type` this signer writes.
    pub fn signature_type(&self) -> SignatureType {
        match self {
            OfdSigner::Seal { .. } => SignatureType::Seal,
            OfdSigner::Plain { .. } => SignatureType::Sign,
        }
    }
}

/// Where the stamp shows: a `StampAnnot` on one page. Lengths are millimetres in the page's
/// coordinate space (origin top left).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StampPlacement {
    /// The page, counted from 0 in the order of Document.xml.
    pub page_index: usize,
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

/// Adds one signature to the OFD package `input` and returns the new package.
///
/// `time` is the signing time written into Signature.xml (`SignatureDateTime`) and, for a
/// seal, into the SES_Signature (`timeInfo`). The seal signature's `dataHash` is SM3 of the
/// exact Signature.xml bytes written and its `propertyInfo` the absolute path of that file.
/// Only the first document of the package (`DocBody`) is signed.
///
/// # Errors
///
/// [`OfdError::Malformed`] when the package or its XML cannot be read, the key does not match
/// the certificate, the seal does not list the signer or the placement is not a finite, positive
/// box; [`OfdError::Missing`] when OFD.xml, Document.xml or the placement's page is absent;
/// [`OfdError::TooLarge`] beyond the package reader's limits ([`super::package`]).
pub fn sign_ofd(
    input: &[u8],
    signer: &OfdSigner<'_>,
    placement: Option<StampPlacement>,
    time: Time,
) -> Result<Vec<u8>, OfdError> {
    let mut pkg = Package::open(Cursor::new(input))?;
    let ofd_name = pkg
        .entry("OFD.xml")
        .map(|e| e.name.clone())
        .ok_or_else(|| OfdError::Missing("OFD.xml".into()))?;
    let ofd_bytes = pkg.read(&ofd_name)?;
    let body = xml::doc_bodies(&xml::parse(&ofd_bytes, &ofd_name)?)?
        .into_iter()
        .next()
        .ok_or_else(|| OfdError::Malformed("OFD.xml has no DocBody".into()))?;
    let doc_root = Package::<Cursor<&[u8]>>::resolve(&ofd_name, &body.doc_root)
        .ok_or_else(|| OfdError::Malformed(format!("bad DocRoot {:?}", body.doc_root)))?;

    // The signature list: where OFD.xml says, else Signs/ next to Document.xml.
    let (list, new_ofd) = match &body.signatures {
        Some(loc) => (
            Package::<Cursor<&[u8]>>::resolve(&ofd_name, loc)
                .ok_or_else(|| OfdError::Malformed(format!("bad Signatures location {loc:?}")))?,
            None,
        ),
        None => {
            let list = join(parent(&doc_root), "Signs/Signatures.xml");
            (list.clone(), Some(add_signatures_to_ofd_xml(&ofd_bytes, &list)?))
        }
    };
    let list_name = pkg.entry(&list).map(|e| e.name.clone());
    let old_list = match &list_name {
        Some(name) => Some(pkg.read(name)?),
        None => None,
    };

    // IDs: one past the largest number in MaxSignId and in every signature's ID.
    let mut last_id = 0u64;
    if let Some(bytes) = &old_list {
        let root = xml::parse(bytes, &list)?;
        for entry in xml::signature_entries(&root)? {
            last_id = last_id.max(id_number(&entry.id));
        }
        for max in root.children_named("MaxSignId") {
            last_id = last_id.max(id_number(&max.text));
        }
    }
    let signature_id = format_id(last_id.saturating_add(1));
    let stamp_id = placement.map(|_| format_id(last_id.saturating_add(2)));
    let max_sign_id = stamp_id.clone().unwrap_or_else(|| signature_id.clone());

    // The new signature's folder: the first Sign_K no entry lives in.
    let names = raw_names(input)?;
    let signs = parent(&list).to_owned();
    let folder = (0..=names.len())
        .map(|k| join(&signs, &format!("Sign_{k}")))
        .find(|f| {
            let prefix = format!("{}/", f.to_lowercase());
            !names.iter().any(|n| n.to_lowercase().starts_with(&prefix))
        })
        .ok_or_else(|| OfdError::Malformed("no free signature folder".into()))?;
    let signature_path = join(&folder, "Signature.xml");
    let signed_value_path = join(&folder, "SignedValue.dat");
    let seal_path = join(&folder, "Seal.esl");

    let stamp = match (placement, stamp_id) {
        (Some(p), Some(id)) => Some(stamp_annot(&mut pkg, &doc_root, &p, &id)?),
        _ => None,
    };

    // References: every file but the signature list (and the new folder, not yet there).
    let mut references = String::new();
    let entries: Vec<String> = pkg.entries().map(|e| e.name.clone()).collect();
    for name in entries {
        if list_name.as_deref() == Some(name.as_str()) || name.eq_ignore_ascii_case(&list) {
            continue;
        }
        let digest = match (&new_ofd, name == ofd_name) {
            (Some(bytes), true) => sm3(bytes).to_vec(),
            _ => pkg.digest(&name, DigestAlgorithm::Sm3)?,
        };
        references.push_str(&format!(
            "<ofd:Reference FileRef=\"/{}\"><ofd:CheckValue>{}</ofd:CheckValue></ofd:Reference>",
            escape(&name),
            base64::engine::general_purpose::STANDARD.encode(digest)
        ));
    }

    let is_seal = matches!(signer, OfdSigner::Seal { .. });
    let signature_xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<ofd:Signature xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:SignedInfo>\
<ofd:Provider ProviderName=\"{PROVIDER_NAME}\" Company=\"{PROVIDER_NAME}\" Version=\"{version}\"/>\
<ofd:SignatureMethod>{SM2_SM3_SIGNATURE_METHOD}</ofd:SignatureMethod>\
<ofd:SignatureDateTime>{date}</ofd:SignatureDateTime>\
<ofd:References CheckMethod=\"{SM3_CHECK_METHOD}\">{references}</ofd:References>{stamp}{seal}\
</ofd:SignedInfo><ofd:SignedValue>/{signed_value}</ofd:SignedValue></ofd:Signature>",
        version = env!("CARGO_PKG_VERSION"),
        date = time.to_string().replace(['-', ':', 'T'], ""),
        stamp = stamp.unwrap_or_default(),
        seal = if is_seal {
            format!(
                "<ofd:Seal><ofd:BaseLoc>/{}</ofd:BaseLoc></ofd:Seal>",
                escape(&seal_path)
            )
        } else {
            String::new()
        },
        signed_value = escape(&signed_value_path),
    )
    .into_bytes();

    let (signed_value, seal_file) = match signer {
        OfdSigner::Seal {
            seal: seal_der,
            key,
            cert,
        } => {
            let spec = SignSpec::for_data(&signature_xml, time, &format!("/{signature_path}"));
            let value =
                seal::sign(seal_der, key, cert, &spec).map_err(|e| OfdError::Malformed(format!("signer: {e}")))?;
            // The seal file is the seal exactly as the signature embeds it.
            let embedded = SesSignature::decode(&value)
                .and_then(|s| s.to_sign.eseal.encode())
                .map_err(|e| OfdError::Malformed(format!("signer: {e}")))?;
            (value, Some(embedded))
        }
        OfdSigner::Plain { key, cert } => {
            let cert =
                Certificate::from_der(cert).map_err(|e| OfdError::Malformed(format!("signer certificate: {e}")))?;
            if cert.spki_der() != key.public_key().to_spki_der() {
                return Err(OfdError::Malformed(
                    "signer: the key does not match the certificate".into(),
                ));
            }
            let value = Sm2Signer::new(key, DEFAULT_DISTID)
                .and_then(|s| s.sign(&signature_xml, SignatureEncoding::Der))
                .map_err(|e| OfdError::Malformed(format!("signer: {e}")))?;
            (value, None)
        }
    };

    let entry_xml = format!(
        "<{p}Signature ID=\"{signature_id}\" Type=\"{kind}\" BaseLoc=\"/{loc}\"/>",
        p = "{P}",
        kind = if is_seal { "Seal" } else { "Sign" },
        loc = escape(&signature_path),
    );
    let new_list = match &old_list {
        Some(bytes) => append_to_list(bytes, &list, &entry_xml, &max_sign_id)?,
        None => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<ofd:Signatures xmlns:ofd=\"{OFD_NAMESPACE}\"><ofd:MaxSignId>{max_sign_id}</ofd:MaxSignId>{entry}</ofd:Signatures>",
            entry = entry_xml.replace("{P}", "ofd:"),
        )
        .into_bytes(),
    };

    let mut new_files = vec![
        (list.clone(), new_list),
        (signature_path, signature_xml),
        (signed_value_path, signed_value),
    ];
    if let Some(seal_bytes) = seal_file {
        new_files.push((seal_path, seal_bytes));
    }
    let rewrite = Rewrite {
        replace: new_ofd.map(|bytes| (ofd_name, bytes)).into_iter().collect(),
        drop: list_name,
        append: new_files,
    };
    write_package(input, rewrite, time)
}

/// How a package written anew differs from its input; every entry not named here is copied
/// raw (its compressed bytes, CRC and name untouched), in the input's order.
#[derive(Debug, Default)]
pub(super) struct Rewrite {
    /// Entries whose content is replaced where they stand, by normalised name.
    pub replace: std::collections::BTreeMap<String, Vec<u8>>,
    /// An entry left out (normalised name).
    pub drop: Option<String>,
    /// New entries, written after the copied ones.
    pub append: Vec<(String, Vec<u8>)>,
}

/// Writes the package `input` with the changes of `rewrite`; written entries are deflated and
/// dated `time`.
pub(super) fn write_package(input: &[u8], rewrite: Rewrite, time: Time) -> Result<Vec<u8>, OfdError> {
    let zip_err = |e: zip::result::ZipError| OfdError::Malformed(format!("writing the package: {e}"));
    let io_err = |e: std::io::Error| OfdError::Malformed(format!("writing the package: {e}"));
    let mut archive =
        zip::ZipArchive::new(Cursor::new(input)).map_err(|e| OfdError::Malformed(format!("not a ZIP package: {e}")))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip_time(time));
    for index in 0..archive.len() {
        let file = archive.by_index_raw(index).map_err(zip_err)?;
        let name = file.name().ok().and_then(|n| normalise(&n)).unwrap_or_default();
        if rewrite.drop.as_deref() == Some(name.as_str()) {
            continue;
        }
        match rewrite.replace.get(&name) {
            Some(bytes) if !file.is_dir() => {
                drop(file);
                out.start_file(name, options).map_err(zip_err)?;
                out.write_all(bytes).map_err(io_err)?;
            }
            _ => out.raw_copy_file(file).map_err(zip_err)?,
        }
    }
    for (name, bytes) in rewrite.append {
        out.start_file(name, options).map_err(zip_err)?;
        out.write_all(&bytes).map_err(io_err)?;
    }
    Ok(out.finish().map_err(zip_err)?.into_inner())
}

/// Every entry name of the archive (directories included), normalised.
fn raw_names(input: &[u8]) -> Result<Vec<String>, OfdError> {
    let archive =
        zip::ZipArchive::new(Cursor::new(input)).map_err(|e| OfdError::Malformed(format!("not a ZIP package: {e}")))?;
    Ok(archive
        .file_names()
        .filter_map(|n| n.ok().and_then(|n| normalise(&n)))
        .collect())
}

/// The `StampAnnot` element for a placement: the page's ID comes from Document.xml.
fn stamp_annot(
    pkg: &mut Package<Cursor<&[u8]>>,
    doc_root: &str,
    p: &StampPlacement,
    id: &str,
) -> Result<String, OfdError> {
    let numbers = [p.x, p.y, p.width, p.height];
    if numbers.iter().any(|n| !n.is_finite()) || p.width <= 0.0 || p.height <= 0.0 {
        return Err(OfdError::Malformed(format!(
            "stamp placement {numbers:?}: lengths must be finite and the size positive"
        )));
    }
    let document_bytes = pkg.read(doc_root)?;
    let document = xml::parse(&document_bytes, doc_root)?;
    let pages = xml::page_ids(&document);
    let page_id = pages.get(p.page_index).filter(|id| !id.is_empty()).ok_or_else(|| {
        OfdError::Missing(format!(
            "page {} (the document has {} page(s), counted from 0)",
            p.page_index,
            pages.len()
        ))
    })?;
    Ok(format!(
        "<ofd:StampAnnot ID=\"{id}\" PageRef=\"{}\" Boundary=\"{} {} {} {}\"/>",
        escape(page_id),
        p.x,
        p.y,
        p.width,
        p.height
    ))
}

/// A start, end or empty tag, with its nesting depth (0 = the root) and byte range.
struct Tag {
    kind: TagKind,
    depth: usize,
    qname: String,
    start: usize,
    end: usize,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum TagKind {
    Start,
    End,
    Empty,
}

/// The tags of a document with their byte positions.
fn tags(bytes: &[u8], file: &str) -> Result<Vec<Tag>, OfdError> {
    let bad = |e: &dyn std::fmt::Display| OfdError::Malformed(format!("{file}: {e}"));
    let pos = |p: u64| usize::try_from(p).map_err(|e| OfdError::Malformed(format!("{file}: {e}")));
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut buf = Vec::new();
    let mut depth = 0usize;
    let mut out = Vec::new();
    loop {
        let start = pos(reader.buffer_position())?;
        let event = reader.read_event_into(&mut buf).map_err(|e| bad(&e))?;
        let end = pos(reader.buffer_position())?;
        let (kind, qname) = match &event {
            Event::Start(e) => (TagKind::Start, e.name().as_ref().to_owned()),
            Event::Empty(e) => (TagKind::Empty, e.name().as_ref().to_owned()),
            Event::End(e) => (TagKind::End, e.name().as_ref().to_owned()),
            Event::Eof => break,
            Event::DocType(_) => return Err(bad(&"DOCTYPE is not allowed")),
            _ => {
                buf.clear();
                continue;
            }
        };
        if kind == TagKind::End {
            depth = depth.checked_sub(1).ok_or_else(|| bad(&"unbalanced end tag"))?;
        }
        out.push(Tag {
            kind,
            depth,
            qname,
            start,
            end,
        });
        if kind == TagKind::Start {
            depth += 1;
            if depth > xml::MAX_DEPTH {
                return Err(OfdError::TooLarge(format!(
                    "{file}: deeper than {} levels",
                    xml::MAX_DEPTH
                )));
            }
        }
        buf.clear();
    }
    Ok(out)
}

/// The `prefix:` of a qualified name (empty when there is none).
fn prefix_of(qname: &str) -> &str {
    qname.rsplit_once(':').map_or("", |(p, _)| p)
}

fn local_of(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, l)| l)
}

fn with_prefix(prefix: &str) -> String {
    if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}:")
    }
}

/// OFD.xml with `<Signatures>list</Signatures>` as the last child of the first DocBody (its
/// place in the schema), written with DocBody's prefix.
fn add_signatures_to_ofd_xml(ofd: &[u8], list: &str) -> Result<Vec<u8>, OfdError> {
    let tags = tags(ofd, "OFD.xml")?;
    let body_end = tags
        .iter()
        .find(|t| t.kind == TagKind::End && t.depth == 1 && local_of(&t.qname) == "DocBody")
        .ok_or_else(|| OfdError::Malformed("OFD.xml: no DocBody to add the signature list to".into()))?;
    let p = with_prefix(prefix_of(&body_end.qname));
    let element = format!("<{p}Signatures>{}</{p}Signatures>", escape(list));
    splice(ofd, &[(body_end.start, body_end.start, element)])
}

/// Signatures.xml with `entry` appended as the last child and MaxSignId set to `max_id` (the
/// first MaxSignId updated, any further one removed; one added first when there was none).
fn append_to_list(list: &[u8], file: &str, entry: &str, max_id: &str) -> Result<Vec<u8>, OfdError> {
    let tags = tags(list, file)?;
    let root = tags
        .iter()
        .find(|t| t.depth == 0 && t.kind == TagKind::Start)
        .ok_or_else(|| OfdError::Malformed(format!("{file}: no root element to append to")))?;
    let root_end = tags
        .iter()
        .rev()
        .find(|t| t.depth == 0 && t.kind == TagKind::End)
        .ok_or_else(|| OfdError::Malformed(format!("{file}: the root element is not closed")))?;
    let p = with_prefix(prefix_of(&root.qname));
    let max_element = format!("<{p}MaxSignId>{}</{p}MaxSignId>", escape(max_id));
    let mut edits = Vec::new();
    let mut first = true;
    let mut open: Option<usize> = None;
    for tag in tags
        .iter()
        .filter(|t| t.depth == 1 && local_of(&t.qname) == "MaxSignId")
    {
        let range = match tag.kind {
            TagKind::Empty => Some((tag.start, tag.end)),
            TagKind::Start => {
                open = Some(tag.start);
                None
            }
            TagKind::End => open.take().map(|s| (s, tag.end)),
        };
        if let Some((start, end)) = range {
            edits.push((start, end, if first { max_element.clone() } else { String::new() }));
            first = false;
        }
    }
    if first {
        edits.push((root.end, root.end, max_element));
    }
    edits.push((root_end.start, root_end.start, entry.replace("{P}", &p)));
    splice(list, &edits)
}

/// Replaces byte ranges (in increasing order, not overlapping) with text.
fn splice(bytes: &[u8], edits: &[(usize, usize, String)]) -> Result<Vec<u8>, OfdError> {
    let mut out = Vec::with_capacity(bytes.len() + 256);
    let mut at = 0usize;
    for (start, end, text) in edits {
        let kept = bytes
            .get(at..*start)
            .ok_or_else(|| OfdError::Malformed("XML edit out of range".into()))?;
        out.extend_from_slice(kept);
        out.extend_from_slice(text.as_bytes());
        at = *end;
    }
    out.extend_from_slice(
        bytes
            .get(at..)
            .ok_or_else(|| OfdError::Malformed("XML edit out of range".into()))?,
    );
    Ok(out)
}

/// The number at the end of an ID (`s007` → 7, `12` → 12); 0 when there is none.
fn id_number(id: &str) -> u64 {
    let digits: String = id
        .trim()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .unwrap_or(if digits.is_empty() { 0 } else { u64::MAX / 2 })
}

fn format_id(n: u64) -> String {
    format!("s{n:03}")
}

/// The folder of a path (empty at the root).
fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_owned()
    } else {
        format!("{dir}/{name}")
    }
}

/// Escapes text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The signing time as a ZIP timestamp (1980-01-01 when out of the ZIP range).
fn zip_time(time: Time) -> zip::DateTime {
    time::OffsetDateTime::from_unix_timestamp(time.unix())
        .ok()
        .and_then(|t| {
            let year = u16::try_from(t.year()).ok()?;
            zip::DateTime::from_date_and_time(year, t.month().into(), t.day(), t.hour(), t.minute(), t.second()).ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_escaping() {
        assert_eq!(id_number("s007"), 7);
        assert_eq!(id_number("12"), 12);
        assert_eq!(id_number("abc"), 0);
        assert_eq!(format_id(3), "s003");
        assert_eq!(escape("a&b<\"c\">"), "a&amp;b&lt;&quot;c&quot;&gt;");
    }

    #[test]
    fn the_list_gets_its_entry_and_one_max_sign_id() {
        let list = br#"<?xml version="1.0"?><ofd:Signatures xmlns:ofd="x"><ofd:Signature ID="s001" BaseLoc="a"/><ofd:MaxSignId>s006</ofd:MaxSignId><ofd:Signature ID="s007" BaseLoc="b"/><ofd:MaxSignId>s008</ofd:MaxSignId></ofd:Signatures>"#;
        let out = append_to_list(list, "l", "<{P}Signature ID=\"s009\"/>", "s010").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<?xml version="1.0"?><ofd:Signatures xmlns:ofd="x"><ofd:Signature ID="s001" BaseLoc="a"/><ofd:MaxSignId>s010</ofd:MaxSignId><ofd:Signature ID="s007" BaseLoc="b"/><ofd:Signature ID="s009"/></ofd:Signatures>"#
        );
        let bare = append_to_list(b"<Signatures></Signatures>", "l", "<{P}Signature/>", "s001").unwrap();
        assert_eq!(
            bare,
            b"<Signatures><MaxSignId>s001</MaxSignId><Signature/></Signatures>"
        );
    }

    #[test]
    fn ofd_xml_gets_its_signature_list() {
        let ofd = br#"<ofd:OFD xmlns:ofd="x"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;
        let out = add_signatures_to_ofd_xml(ofd, "Doc_0/Signs/Signatures.xml").unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"<ofd:OFD xmlns:ofd="x"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot><ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody></ofd:OFD>"#
        );
    }
}
