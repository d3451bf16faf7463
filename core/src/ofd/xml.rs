//! A small element tree over `quick-xml`, and the OFD files yinjian reads: OFD.xml,
//! Signatures.xml, Signature.xml. Elements are matched by local name, so the `ofd:` prefix
//! (present, absent, or another one) does not matter, as real files vary.

use std::borrow::Cow;

use base64::Engine;
use quick_xml::events::Event;

use super::OfdError;

/// Deepest element nesting accepted.
pub const MAX_DEPTH: usize = 64;

/// Most elements in one file.
pub const MAX_NODES: usize = 200_000;

/// An element: local name, attributes (local names), text, children. Names, and attribute
/// values and text written without entities or line ends to normalise, borrow from the
/// parsed bytes: a tree costs an allocation per element with children or attributes, not one
/// per name and value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node<'a> {
    /// Local name (no prefix).
    pub name: &'a str,
    /// Attributes by local name.
    pub attrs: Vec<(&'a str, Cow<'a, str>)>,
    /// Concatenated text content.
    pub text: Cow<'a, str>,
    /// Child elements.
    pub children: Vec<Node<'a>>,
}

impl<'a> Node<'a> {
    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Node<'a>> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child element with this local name.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Node<'a>> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// An attribute by local name.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| &**v)
    }

    /// Trimmed text of the first child with this name.
    pub fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.trim())
    }
}

/// The local part of a qualified name (after the last `:`).
fn local(name: &str) -> &str {
    match name.bytes().rposition(|b| b == b':') {
        Some(at) => name.get(at + 1..).unwrap_or(name),
        None => name,
    }
}

/// The parsed bytes, as text when they are UTF-8 throughout (checked once), so that a slice
/// of them need not be checked again.
#[derive(Clone, Copy)]
enum Input<'a> {
    Text(&'a str),
    Bytes(&'a [u8]),
}

impl<'a> Input<'a> {
    /// `part` (a slice the reader handed out for a shorter lifetime) as a slice of the input,
    /// when it lies within it (the reader gives slices of its input for names and for values
    /// it did not have to rewrite); `None` otherwise.
    fn within(self, part: &str) -> Option<&'a str> {
        let (base, len) = match self {
            Input::Text(t) => (t.as_ptr() as usize, t.len()),
            Input::Bytes(b) => (b.as_ptr() as usize, b.len()),
        };
        let start = (part.as_ptr() as usize).checked_sub(base)?;
        let end = start.checked_add(part.len()).filter(|end| *end <= len)?;
        match self {
            Input::Text(t) => t.get(start..end),
            Input::Bytes(b) => std::str::from_utf8(b.get(start..end)?).ok(),
        }
    }

    /// `part` borrowed from the input when it is a slice of it, else copied.
    fn keep(self, part: &str) -> Cow<'a, str> {
        self.within(part)
            .map_or_else(|| Cow::Owned(part.to_owned()), Cow::Borrowed)
    }
}

/// Appends text to an element's text: the first piece is kept as it came (borrowed when it
/// is a slice of the input), later ones are concatenated.
fn append<'a>(text: &mut Cow<'a, str>, piece: Cow<'a, str>) {
    if text.is_empty() {
        *text = piece;
    } else if !piece.is_empty() {
        text.to_mut().push_str(&piece);
    }
}

/// Parses a document into its root element, which borrows from `xml`.
pub fn parse<'a>(xml: &'a [u8], file: &str) -> Result<Node<'a>, OfdError> {
    let bad = |e: &dyn std::fmt::Display| OfdError::Malformed(format!("{file}: {e}"));
    let input = std::str::from_utf8(xml).map_or(Input::Bytes(xml), Input::Text);
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut stack: Vec<Node<'a>> = Vec::new();
    let mut root = None;
    let mut nodes = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| bad(&e))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                nodes += 1;
                if nodes > MAX_NODES || stack.len() >= MAX_DEPTH {
                    return Err(OfdError::TooLarge(format!(
                        "{file}: more than {MAX_NODES} elements or {MAX_DEPTH} levels"
                    )));
                }
                let name = e.name().0;
                let mut node = Node {
                    name: local(
                        input
                            .within(name)
                            .ok_or_else(|| bad(&"element name outside the input"))?,
                    ),
                    ..Node::default()
                };
                for attr in e.attributes() {
                    let attr = attr.map_err(|e| bad(&e))?;
                    let key = local(
                        input
                            .within(attr.key.0)
                            .ok_or_else(|| bad(&"attribute name outside the input"))?,
                    );
                    let value = match attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map_err(|e| bad(&e))?
                    {
                        Cow::Borrowed(v) => input.keep(v),
                        Cow::Owned(v) => Cow::Owned(v),
                    };
                    node.attrs.push((key, value));
                }
                if matches!(event, Event::Empty(_)) {
                    close(&mut stack, &mut root, node);
                } else {
                    stack.push(node);
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| bad(&"unbalanced end tag"))?;
                close(&mut stack, &mut root, node);
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    append(&mut top.text, t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    append(&mut top.text, t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(top) = stack.last_mut() {
                    let text: String = match r.resolve_char_ref().map_err(|e| bad(&e))? {
                        Some(c) => c.to_string(),
                        None => match &*r {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => return Err(bad(&format!("unknown entity &{other};"))),
                        },
                    };
                    append(&mut top.text, Cow::Owned(text));
                }
            }
            Event::Eof => break,
            Event::DocType(_) => return Err(bad(&"DOCTYPE is not allowed")),
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(bad(&"unclosed element"));
    }
    root.ok_or_else(|| bad(&"no root element"))
}

fn close<'a>(stack: &mut [Node<'a>], root: &mut Option<Node<'a>>, node: Node<'a>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(node),
        None => {
            if root.is_none() {
                *root = Some(node);
            }
        }
    }
}

/// A `DocBody` of OFD.xml: the document root and its signature list, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocBody {
    /// `DocRoot`.
    pub doc_root: String,
    /// `Signatures`, when the document is signed.
    pub signatures: Option<String>,
}

/// The `DocBody` elements of OFD.xml.
pub fn doc_bodies(root: &Node<'_>) -> Result<Vec<DocBody>, OfdError> {
    if root.name != "OFD" {
        return Err(OfdError::Malformed(format!(
            "OFD.xml root is <{}>, not <OFD>",
            root.name
        )));
    }
    root.children_named("DocBody")
        .map(|body| {
            Ok(DocBody {
                doc_root: body
                    .child_text("DocRoot")
                    .ok_or_else(|| OfdError::Malformed("DocBody without DocRoot".into()))?
                    .to_owned(),
                signatures: body
                    .child_text("Signatures")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
            })
        })
        .collect()
}

/// The `ID` of each `Pages/Page` of a Document.xml, in document order (page 1 first).
pub fn page_ids(document: &Node<'_>) -> Vec<String> {
    document.child("Pages").map_or(Vec::new(), |pages| {
        pages
            .children_named("Page")
            .map(|page| page.attr("ID").unwrap_or_default().trim().to_owned())
            .collect()
    })
}

/// Seal or plain digital signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub enum SignatureType {
    /// `Type="Seal"` (the default): SignedValue is an SES_Signature.
    Seal,
    /// `Type="Sign"`: a bare SM2 signature or a CMS SignedData.
    Sign,
}

/// An entry of Signatures.xml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureEntry {
    /// `ID`.
    pub id: String,
    /// `Type`.
    pub kind: SignatureType,
    /// `BaseLoc` (the Signature.xml), as written.
    pub base_loc: String,
}

/// The entries of Signatures.xml, in document order.
pub fn signature_entries(root: &Node<'_>) -> Result<Vec<SignatureEntry>, OfdError> {
    root.children_named("Signature")
        .map(|s| {
            Ok(SignatureEntry {
                id: s.attr("ID").unwrap_or_default().to_owned(),
                kind: match s.attr("Type") {
                    Some("Sign") => SignatureType::Sign,
                    _ => SignatureType::Seal,
                },
                base_loc: s
                    .attr("BaseLoc")
                    .ok_or_else(|| OfdError::Malformed("Signature entry without BaseLoc".into()))?
                    .to_owned(),
            })
        })
        .collect()
}

/// A `Reference` of Signature.xml.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// `FileRef`, as written.
    pub file_ref: String,
    /// `CheckValue`, base64-decoded; `None` when it is not valid base64.
    pub check_value: Option<Vec<u8>>,
}

/// A `StampAnnot`: where the seal picture shows.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StampAnnot {
    /// `ID`.
    pub id: String,
    /// `PageRef` (the page's object ID).
    pub page_ref: String,
    /// `Boundary` (x y width height, millimetres).
    pub boundary: String,
}

/// What Signature.xml says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureXml {
    /// `Provider/@ProviderName`.
    pub provider: Option<String>,
    /// `Provider/@Company`.
    pub company: Option<String>,
    /// `SignatureMethod`.
    pub method: Option<String>,
    /// `SignatureDateTime`, as written.
    pub date_time: Option<String>,
    /// `References/@CheckMethod`.
    pub check_method: String,
    /// The references.
    pub references: Vec<Reference>,
    /// Stamp annotations.
    pub stamp_annots: Vec<StampAnnot>,
    /// `Seal/BaseLoc`: the seal file, when present.
    pub seal_loc: Option<String>,
    /// `SignedValue`: the signature value file.
    pub signed_value_loc: String,
}

/// Reads Signature.xml.
pub fn signature_xml(root: &Node<'_>) -> Result<SignatureXml, OfdError> {
    if root.name != "Signature" {
        return Err(OfdError::Malformed(format!(
            "Signature.xml root is <{}>, not <Signature>",
            root.name
        )));
    }
    let info = root
        .child("SignedInfo")
        .ok_or_else(|| OfdError::Malformed("Signature.xml without SignedInfo".into()))?;
    let refs = info
        .child("References")
        .ok_or_else(|| OfdError::Malformed("SignedInfo without References".into()))?;
    let provider = info.child("Provider");
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(SignatureXml {
        provider: provider.and_then(|p| p.attr("ProviderName")).map(str::to_owned),
        company: provider.and_then(|p| p.attr("Company")).map(str::to_owned),
        method: info.child_text("SignatureMethod").map(str::to_owned),
        date_time: info.child_text("SignatureDateTime").map(str::to_owned),
        check_method: refs.attr("CheckMethod").unwrap_or("MD5").trim().to_owned(),
        references: refs
            .children_named("Reference")
            .map(|r| Reference {
                file_ref: r.attr("FileRef").unwrap_or_default().to_owned(),
                check_value: r
                    .child_text("CheckValue")
                    .and_then(|v| b64.decode(v.split_whitespace().collect::<String>()).ok()),
            })
            .collect(),
        stamp_annots: info
            .children_named("StampAnnot")
            .map(|a| StampAnnot {
                id: a.attr("ID").unwrap_or_default().to_owned(),
                page_ref: a.attr("PageRef").unwrap_or_default().to_owned(),
                boundary: a.attr("Boundary").unwrap_or_default().to_owned(),
            })
            .collect(),
        seal_loc: info
            .child("Seal")
            .and_then(|s| s.child_text("BaseLoc"))
            .map(str::to_owned),
        signed_value_loc: root
            .child_text("SignedValue")
            .ok_or_else(|| OfdError::Malformed("Signature.xml without SignedValue".into()))?
            .to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_do_not_matter_and_entities_resolve() {
        let a = parse(br#"<ofd:OFD xmlns:ofd="x"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#, "a").unwrap();
        let b = parse(br#"<OFD><DocBody><DocRoot>Doc_0/Document.xml</DocRoot><Signatures>S&amp;x.xml</Signatures></DocBody></OFD>"#, "b").unwrap();
        assert_eq!(doc_bodies(&a).unwrap()[0].doc_root, "Doc_0/Document.xml");
        assert_eq!(doc_bodies(&b).unwrap()[0].signatures.as_deref(), Some("S&x.xml"));
    }

    #[test]
    fn text_and_values_borrow_or_are_rebuilt_alike() {
        let xml = "<r a=\"plain\" p:b=\"x&amp;y\"><t>one</t><t>a &lt; b<![CDATA[ & c]]></t><t>line\r\nend</t>tail</r>";
        let root = parse(xml.as_bytes(), "x").unwrap();
        assert_eq!(root.attr("a"), Some("plain"));
        assert!(matches!(root.attrs[0].1, Cow::Borrowed(_)));
        assert_eq!(root.attr("b"), Some("x&y"));
        let texts: Vec<&str> = root.children_named("t").map(|t| &*t.text).collect();
        assert_eq!(texts, ["one", "a < b & c", "line\nend"]);
        assert!(matches!(root.children[0].text, Cow::Borrowed(_)));
        assert_eq!(root.text, "tail");
        // Not UTF-8 (a Latin-1 byte, even in a comment): the reader refuses it.
        assert!(parse(b"<r><!-- \xe9 --><s k=\"v\">t</s></r>", "x").is_err());
    }

    #[test]
    fn hostile_xml_is_refused() {
        assert!(parse(b"<a><b></a>", "x").is_err());
        assert!(parse(b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>", "x").is_err());
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(deep.as_bytes(), "x"), Err(OfdError::TooLarge(_))));
        assert!(parse(b"", "x").is_err());
    }
}
