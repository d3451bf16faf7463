//! Reading an invoice out of an OFD package: OFD.xml `CustomData`, the document's pages and
//! their text objects, the CustomTags that map invoice fields to those objects, the invoice
//! attachment (2019 XML, 数电票 XML, railway XBRL), and the images on the page (the QR code).
//!
//! Template and attachment paths in real files may differ in letter case from the ZIP entry
//! names: they are resolved case-insensitively, as readers do ([`Package::entry`]).

use std::collections::BTreeMap;
use std::io::Cursor;
use std::rc::Rc;

use serde::Serialize;

use super::model::{
    child_paths, date, from_2019_paths, invoice_and_paths, parse_root, squeeze, strip_currency, xml_kind, Invoice,
    InvoiceKind, Source, MAX_INVOICE_XML,
};
use super::InvoiceError;
use crate::ofd::package::Package;
use crate::ofd::parts::{PartBytes, Parts};
use crate::ofd::xml::{self, Node};

/// Most pages whose text is read.
pub const MAX_PAGES: usize = 64;

/// Most attachments or tag files looked at.
pub const MAX_PARTS: usize = 64;

/// Largest image file read for its QR code.
pub const MAX_QR_IMAGE: u64 = 2 * 1024 * 1024;

/// Most text objects kept from one page.
pub const MAX_TEXT_OBJECTS: usize = 100_000;

/// One CustomTag entry: the field (path of element names, as
/// [`flatten`](super::model::flatten) writes them) and the page objects that show it, as
/// (page ID, object ID).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TagRef {
    /// Field path (`Buyer/BuyerName`, `GoodsInfos/GoodsInfo[1]/Amount`).
    pub path: String,
    /// (PageRef, object ID) of each ObjectRef, in order.
    pub refs: Vec<(String, String)>,
}

/// An image object on a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PageImage {
    /// Page ID.
    pub page: String,
    /// The package entry of the image file.
    pub file: String,
    /// Format as declared (`PNG`, `GBIG2`, …) or from the file name.
    pub format: String,
    /// The file's bytes, for PNG and JPEG images up to [`MAX_QR_IMAGE`] bytes.
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

/// Everything an invoice OFD says about the invoice, with where it was read from.
#[derive(Debug, Clone)]
pub struct InvoiceFile {
    /// The invoice.
    pub invoice: Invoice,
    /// The package entry of the invoice XML the fields came from, if any.
    pub data_file: Option<String>,
    /// The data XML flattened (path → value), for the comparison with the page.
    pub data_paths: Vec<(String, String)>,
    /// OFD.xml (always first), the Document.xml, the attachment list.
    pub structure_files: Vec<String>,
    /// The CustomTags and CustomTag files.
    pub tag_files: Vec<String>,
    /// The field → page object map.
    pub tags: Vec<TagRef>,
    /// OFD.xml `CustomData` (name, value).
    pub custom_data: Vec<(String, String)>,
    /// Page ID → Content.xml entry, in document order.
    pub pages: Vec<(String, String)>,
    /// Page ID → text object ID → text (the concatenated TextCode of the object).
    pub page_text: BTreeMap<String, BTreeMap<String, String>>,
    /// Images drawn on the pages read.
    pub images: Vec<PageImage>,
}

impl InvoiceFile {
    /// The page text of a tag's objects, concatenated; `None` when an object is not on the
    /// page (object ID 0, as some files write for an empty field, gives the empty text).
    pub fn shown(&self, tag: &TagRef) -> Result<String, String> {
        let mut out = String::new();
        for (page, id) in &tag.refs {
            if id.trim() == "0" {
                continue;
            }
            match self.page_text.get(page).and_then(|p| p.get(id.trim())) {
                Some(text) => out.push_str(text),
                None => return Err(format!("object {id} on page {page}")),
            }
        }
        Ok(out)
    }
}

/// The bytes of an XML part, within the invoice XML size limit (parsed with [`parse_xml`]).
fn read_xml(pkg: &mut Package<Cursor<&[u8]>>, name: &str) -> Result<Rc<Vec<u8>>, InvoiceError> {
    within_limit(pkg, name)?;
    Ok(pkg.read_shared(name)?)
}

/// An XML part larger than the invoice XML size limit is an error.
fn within_limit(pkg: &Package<Cursor<&[u8]>>, name: &str) -> Result<(), InvoiceError> {
    if pkg.entry(name).is_some_and(|e| e.size > MAX_INVOICE_XML as u64) {
        return Err(InvoiceError::Malformed(format!(
            "{name}: larger than {MAX_INVOICE_XML} bytes"
        )));
    }
    Ok(())
}

/// As [`read_xml`], the bytes held in `parts` (for a tree that outlives the reading).
fn read_held<'s>(pkg: &mut Package<Cursor<&[u8]>>, parts: &Parts<'s>, name: &str) -> Result<&'s [u8], InvoiceError> {
    within_limit(pkg, name)?;
    Ok(parts.read(pkg, name)?)
}

/// The root element of an XML part: the tree the OFD verification left in `parts` (parsed
/// from the same bytes: [`parse_xml`] gives the same tree, a UTF-8 BOM being skipped by the
/// XML reader either way), else parsed here. Read errors and the size limit are those of
/// [`read_xml`].
fn tree<'s>(pkg: &mut Package<Cursor<&[u8]>>, parts: &mut Parts<'s>, name: &str) -> Result<Node<'s>, InvoiceError> {
    let bytes = read_held(pkg, parts, name)?;
    match pkg.index_of(name).and_then(|i| parts.take(i)) {
        Some(tree) => Ok(tree),
        None => parse_xml(bytes, name),
    }
}

/// The root element of an XML part read by [`read_xml`].
fn parse_xml<'a>(bytes: &'a [u8], name: &str) -> Result<Node<'a>, InvoiceError> {
    Ok(parse_root(bytes, name)?.1)
}

/// The real entry name of a location, resolved against the file that names it.
fn locate(pkg: &Package<Cursor<&[u8]>>, referring: &str, loc: &str) -> Option<String> {
    let path = Package::<Cursor<&[u8]>>::resolve(referring, loc)?;
    pkg.entry(&path).map(|e| e.name.clone())
}

/// Reads an OFD invoice held in memory. Fails with [`InvoiceError::NotInvoice`] when the
/// document carries no invoice XML, no invoice CustomTags and no invoice CustomData.
pub fn read_invoice_ofd(bytes: &[u8]) -> Result<InvoiceFile, InvoiceError> {
    let mut pkg = Package::open(Cursor::new(bytes))?;
    let held = PartBytes::new(pkg.index_count());
    read_invoice_package(&mut pkg, &mut Parts::new(&held))
}

/// As [`read_invoice_ofd`], from a package already open (the one the OFD verification kept
/// its files in, with the trees it parsed left in `parts`: see
/// [`crate::ofd::verify::verify_opened`]).
pub(crate) fn read_invoice_package<'s>(
    pkg: &mut Package<Cursor<&[u8]>>,
    parts: &mut Parts<'s>,
) -> Result<InvoiceFile, InvoiceError> {
    let root_name = pkg
        .entry("OFD.xml")
        .map(|e| e.name.clone())
        .ok_or_else(|| InvoiceError::NotInvoice("no OFD.xml".into()))?;
    let root = tree(pkg, parts, &root_name)?;
    let body = xml::doc_bodies(&root)?
        .into_iter()
        .next()
        .ok_or_else(|| InvoiceError::Malformed("OFD.xml has no DocBody".into()))?;
    let custom_data: Vec<(String, String)> = root
        .children_named("DocBody")
        .filter_map(|b| b.child("DocInfo")?.child("CustomDatas"))
        .flat_map(|c| c.children_named("CustomData"))
        .filter_map(|c| Some((c.attr("Name")?.to_owned(), c.text.trim().to_owned())))
        .take(MAX_PARTS * 4)
        .collect();
    let doc_name = locate(pkg, &root_name, &body.doc_root)
        .ok_or_else(|| InvoiceError::Malformed(format!("DocRoot {} is not in the package", body.doc_root)))?;
    let doc = tree(pkg, parts, &doc_name)?;
    let mut structure_files = vec![root_name.clone(), doc_name.clone()];

    // Pages.
    let pages: Vec<(String, String)> = doc
        .child("Pages")
        .map(|p| {
            p.children_named("Page")
                .filter_map(|page| {
                    Some((
                        page.attr("ID")?.to_owned(),
                        locate(pkg, &doc_name, page.attr("BaseLoc")?)?,
                    ))
                })
                .take(MAX_PAGES)
                .collect()
        })
        .unwrap_or_default();

    // Attachments: the first that is invoice data. The first XML attachment (the invoice
    // data, in the files met) is held in `parts`, so that its tree outlives the loop that
    // recognises it; one found later is parsed again after the loop (holding every candidate
    // would hold up to MAX_PARTS of them).
    let mut data_first: Option<(String, Node<'s>)> = None;
    let mut data_later: Option<(String, Rc<Vec<u8>>)> = None;
    if let Some(list_name) = doc.child_text("Attachments").and_then(|l| locate(pkg, &doc_name, l)) {
        structure_files.push(list_name.clone());
        let list_bytes = read_xml(pkg, &list_name)?;
        let list = parse_xml(&list_bytes, &list_name)?;
        let mut first = true;
        for att in list.children_named("Attachment").take(MAX_PARTS) {
            let Some(file) = att.child_text("FileLoc").and_then(|l| locate(pkg, &list_name, l)) else {
                continue;
            };
            if !file.to_lowercase().ends_with(".xml") {
                continue;
            }
            if std::mem::take(&mut first) {
                let Ok(bytes) = read_held(pkg, parts, &file) else {
                    continue;
                };
                if let Ok(node) = parse_xml(bytes, &file) {
                    if xml_kind(&node).is_some() {
                        data_first = Some((file, node));
                        break;
                    }
                }
                continue;
            }
            let Ok(bytes) = read_xml(pkg, &file) else { continue };
            if parse_xml(&bytes, &file).is_ok_and(|node| xml_kind(&node).is_some()) {
                data_later = Some((file, bytes));
                break;
            }
        }
    }
    let data: Option<(String, Node<'_>)> = match (data_first, &data_later) {
        (Some(first), _) => Some(first),
        (None, Some((file, bytes))) => parse_xml(bytes, file).ok().map(|node| (file.clone(), node)),
        (None, None) => None,
    };

    // CustomTags.
    let mut tag_files = Vec::new();
    let mut tags = Vec::new();
    if let Some(list_name) = doc.child_text("CustomTags").and_then(|l| locate(pkg, &doc_name, l)) {
        tag_files.push(list_name.clone());
        let list_bytes = read_xml(pkg, &list_name)?;
        let list = parse_xml(&list_bytes, &list_name)?;
        for tag in list.children_named("CustomTag").take(MAX_PARTS) {
            let Some(file) = tag.child_text("FileLoc").and_then(|l| locate(pkg, &list_name, l)) else {
                continue;
            };
            tag_files.push(file.clone());
            // An empty or unreadable tag file maps nothing (seen in the wild).
            if let Ok(bytes) = read_xml(pkg, &file) {
                if let Some(map) = tag_map(&bytes, &file) {
                    // As collecting into `tags` itself: the first MAX_TEXT_OBJECTS in order.
                    tags.extend(
                        map.iter()
                            .take(MAX_TEXT_OBJECTS - tags.len().min(MAX_TEXT_OBJECTS))
                            .cloned(),
                    );
                }
            }
        }
    }

    // Neither invoice data, nor tags, nor a CustomData invoice number: no invoice (what
    // `from_page` would say once the pages were read). Known before reading any page, so a
    // plain OFD met in a batch costs two small XML files here, not its pages.
    if data.is_none() && tags.is_empty() && !custom_data.iter().any(|(n, v)| n == "发票号码" && !v.trim().is_empty())
    {
        return Err(InvoiceError::NotInvoice(
            "no invoice XML attached, and neither CustomTags nor CustomData give an invoice number".into(),
        ));
    }

    // Page text: the pages the tags name, else the first page.
    let mut wanted: Vec<&(String, String)> = pages
        .iter()
        .filter(|(id, _)| tags.iter().any(|t| t.refs.iter().any(|(p, _)| p == id)))
        .collect();
    if wanted.is_empty() {
        wanted.extend(pages.first());
    }
    let resources = media_files(pkg, &doc, &doc_name);
    let mut page_text = BTreeMap::new();
    let mut images = Vec::new();
    for (id, file) in wanted {
        let bytes = read_xml(pkg, file)?;
        let node = parse_xml(&bytes, file)?;
        let mut texts = BTreeMap::new();
        let mut image_ids = Vec::new();
        walk_page(&node, &mut texts, &mut image_ids);
        for res in image_ids {
            if let Some((file, format)) = resources.get(&res) {
                let upper = format.to_uppercase();
                let small = pkg.entry(file).is_some_and(|e| e.size <= MAX_QR_IMAGE);
                let bytes = (small && ["PNG", "JPG", "JPEG"].contains(&upper.as_str()))
                    .then(|| pkg.read(file).ok())
                    .flatten();
                images.push(PageImage {
                    page: id.clone(),
                    file: file.clone(),
                    format: format.clone(),
                    bytes,
                });
            }
        }
        page_text.insert(id.clone(), texts);
    }

    let mut file = InvoiceFile {
        invoice: Invoice::new(InvoiceKind::Digital, Source::PageText),
        data_file: None,
        data_paths: Vec::new(),
        structure_files,
        tag_files,
        tags,
        custom_data,
        pages,
        page_text,
        images,
    };
    file.invoice = match data {
        Some((name, node)) => {
            let (invoice, paths) = invoice_and_paths(&node)?;
            if invoice.source == Source::Xml2019 {
                file.data_paths = paths;
            }
            file.data_file = Some(name);
            invoice
        }
        None => from_page(&file)?,
    };
    Ok(file)
}

/// The invoice read from the CustomTags and the page text (a 数电票 OFD carries no XML), the
/// CustomData filling what the tags do not map.
fn from_page(file: &InvoiceFile) -> Result<Invoice, InvoiceError> {
    let flat: Vec<(String, String)> = file
        .tags
        .iter()
        .filter_map(|t| Some((t.path.clone(), file.shown(t).ok()?)))
        .collect();
    let number_like = flat
        .iter()
        .any(|(p, v)| p.ends_with("InvoiceNo") && !v.trim().is_empty())
        || custom(file, "发票号码").is_some();
    if !number_like {
        return Err(InvoiceError::NotInvoice(
            "no invoice XML attached, and neither CustomTags nor CustomData give an invoice number".into(),
        ));
    }
    let mut inv = from_2019_paths(InvoiceKind::Digital, Source::PageText, &flat);
    let fill = |slot: &mut Option<String>, name: &str, f: fn(&str) -> String| {
        if slot.is_none() {
            *slot = custom(file, name).map(f);
        }
    };
    fill(&mut inv.number, "发票号码", squeeze);
    fill(&mut inv.code, "发票代码", squeeze);
    fill(&mut inv.issue_date, "开票日期", |s| {
        date(s).unwrap_or_else(|| s.to_owned())
    });
    fill(&mut inv.total_excluding_tax, "合计金额", strip_currency);
    fill(&mut inv.total_tax, "合计税额", strip_currency);
    fill(&mut inv.check_code, "校验码", squeeze);
    fill(&mut inv.buyer.tax_id, "购买方纳税人识别号", squeeze);
    fill(&mut inv.seller.tax_id, "销售方纳税人识别号", squeeze);
    if inv.code.is_some() {
        inv.kind = InvoiceKind::Vat2019;
    }
    Ok(inv)
}

/// A CustomData value by name.
pub fn custom<'a>(file: &'a InvoiceFile, name: &str) -> Option<&'a str> {
    file.custom_data
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

/// CustomTag files each thread remembers the field map of (by their bytes in full).
pub const MAX_REMEMBERED_TAG_FILES: usize = 8;

/// Largest CustomTag file whose field map is remembered.
pub const MAX_REMEMBERED_TAG_FILE: usize = 64 * 1024;

/// (a CustomTag file's bytes, its field map), most recently used first.
type TagMaps = Vec<(Box<[u8]>, Rc<Vec<TagRef>>)>;

thread_local! {
    static TAG_MAPS: std::cell::RefCell<TagMaps> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Empties this thread's CustomTag field maps ([`crate::forget_thread_caches`]).
pub(crate) fn forget_tag_maps() {
    TAG_MAPS.with_borrow_mut(Vec::clear);
}

/// The field map of a CustomTag file ([`collect_tags`] from its root; `None` when it does not
/// parse). The map follows from the bytes alone, so each thread remembers it for the
/// [`MAX_REMEMBERED_TAG_FILES`] most recent files (up to [`MAX_REMEMBERED_TAG_FILE`] bytes),
/// keyed by the bytes in full: the invoices of one issuing system share one tag file.
fn tag_map(bytes: &[u8], file: &str) -> Option<Rc<Vec<TagRef>>> {
    let hit =
        TAG_MAPS.with_borrow_mut(|all| crate::mru::recall(all, |(b, _)| **b == *bytes).map(|(_, map)| Rc::clone(map)));
    if hit.is_some() {
        return hit;
    }
    let node = parse_xml(bytes, file).ok()?;
    let mut map = Vec::new();
    collect_tags(&node, "", &mut map);
    let map = Rc::new(map);
    if bytes.len() <= MAX_REMEMBERED_TAG_FILE {
        TAG_MAPS.with_borrow_mut(|all| {
            crate::mru::remember(all, MAX_REMEMBERED_TAG_FILES, (bytes.into(), Rc::clone(&map)))
        });
    }
    Some(map)
}

/// Walks a CustomTag file: every element holding ObjectRef children is a field.
fn collect_tags(node: &Node<'_>, prefix: &str, out: &mut Vec<TagRef>) {
    for (child, path) in child_paths(node, prefix, |c| c.name != "ObjectRef") {
        if out.len() >= MAX_TEXT_OBJECTS {
            return;
        }
        let refs: Vec<(String, String)> = child
            .children_named("ObjectRef")
            .map(|r| {
                (
                    r.attr("PageRef").unwrap_or_default().to_owned(),
                    r.text.trim().to_owned(),
                )
            })
            .collect();
        if !refs.is_empty() {
            out.push(TagRef {
                path: path.clone(),
                refs,
            });
        }
        collect_tags(child, &path, out);
    }
}

/// Text objects (ID → text) and image resource IDs of a page, nested blocks included.
fn walk_page(node: &Node<'_>, texts: &mut BTreeMap<String, String>, images: &mut Vec<String>) {
    for child in &node.children {
        match child.name {
            "TextObject" => {
                if texts.len() < MAX_TEXT_OBJECTS {
                    if let Some(id) = child.attr("ID") {
                        let text: String = child.children_named("TextCode").map(|t| &*t.text).collect();
                        texts.insert(id.to_owned(), text);
                    }
                }
            }
            "ImageObject" => images.extend(child.attr("ResourceID").map(str::to_owned)),
            _ => walk_page(child, texts, images),
        }
    }
}

/// MultiMedia resources of the document (DocumentRes and PublicRes): ID → (entry, format).
fn media_files(pkg: &mut Package<Cursor<&[u8]>>, doc: &Node<'_>, doc_name: &str) -> BTreeMap<String, (String, String)> {
    let mut out = BTreeMap::new();
    let Some(common) = doc.child("CommonData") else {
        return out;
    };
    for kind in ["DocumentRes", "PublicRes"] {
        for loc in common.children_named(kind) {
            let Some(res_name) = locate(pkg, doc_name, loc.text.trim()) else {
                continue;
            };
            let Ok(res_bytes) = read_xml(pkg, &res_name) else {
                continue;
            };
            let Ok(res) = parse_xml(&res_bytes, &res_name) else {
                continue;
            };
            // BaseLoc: the folder resource files are relative to.
            let base = res.attr("BaseLoc").map_or_else(
                || res_name.clone(),
                |b| {
                    Package::<Cursor<&[u8]>>::resolve(&res_name, b)
                        .map_or_else(|| res_name.clone(), |folder| format!("{folder}/x"))
                },
            );
            for media in res
                .children_named("MultiMedias")
                .flat_map(|m| m.children_named("MultiMedia"))
            {
                let (Some(id), Some(file)) = (media.attr("ID"), media.child_text("MediaFile")) else {
                    continue;
                };
                if let Some(entry) = locate(pkg, &base, file) {
                    let format = media
                        .attr("Format")
                        .map(str::to_owned)
                        .unwrap_or_else(|| entry.rsplit('.').next().unwrap_or_default().to_uppercase());
                    out.insert(id.to_owned(), (entry, format));
                }
            }
        }
    }
    out
}
