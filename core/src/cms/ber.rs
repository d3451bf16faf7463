//! BER input for CMS (RFC 5652 §1.2: receivers accept BER), turned into DER before parsing.
//!
//! Signers that stream (Adobe PPKLite, BouncyCastle's streaming generator, `openssl cms
//! -stream`) write indefinite lengths (`30 80 … 00 00`) and the content as a constructed OCTET
//! STRING in segments. [`normalize`] rewrites such input as DER: definite minimal lengths,
//! constructed strings joined into one primitive string. It does not reorder SET OF elements
//! (certificates and CRLs keep their bytes; the signed attributes are sorted separately where
//! their signature needs it). Nesting is capped at [`MAX_BER_DEPTH`], so hostile input cannot
//! recurse without bound, and the output is at most a few bytes per element larger than the
//! input. Zero bytes after the value (the padding of a PDF `/Contents` string) are counted and
//! dropped; anything else after it is malformed.

use std::borrow::Cow;

use super::CmsError;

/// Deepest nesting of BER elements accepted (a SignedData with a time-stamp token holding a
/// certificate nests about 25 deep).
pub const MAX_BER_DEPTH: usize = 64;

/// Input rewritten as DER.
#[derive(Debug, Clone)]
pub struct Normalized<'a> {
    /// The DER encoding (borrowed when the input was DER already).
    pub der: Cow<'a, [u8]>,
    /// True when the input was not DER (indefinite lengths, constructed strings, long lengths).
    pub was_ber: bool,
    /// How many zero bytes followed the value.
    pub zero_padding: usize,
}

/// The header of one element.
struct Header {
    tag: u8,
    header_len: usize,
    /// None for an indefinite length.
    len: Option<usize>,
}

fn malformed(m: impl Into<String>) -> CmsError {
    CmsError::Malformed(m.into())
}

fn header(input: &[u8], pos: usize) -> Result<Header, CmsError> {
    let tag = *input.get(pos).ok_or_else(|| malformed("truncated (no tag)"))?;
    if tag & 0x1f == 0x1f {
        return Err(malformed("multi-byte tags are not used by CMS"));
    }
    if tag == 0 {
        return Err(malformed("unexpected end-of-contents octets"));
    }
    let first = *input.get(pos + 1).ok_or_else(|| malformed("truncated (no length)"))?;
    if first < 0x80 {
        return Ok(Header {
            tag,
            header_len: 2,
            len: Some(usize::from(first)),
        });
    }
    if first == 0x80 {
        if tag & 0x20 == 0 {
            return Err(malformed("indefinite length on a primitive element"));
        }
        return Ok(Header {
            tag,
            header_len: 2,
            len: None,
        });
    }
    let n = usize::from(first & 0x7f);
    if n > 4 {
        return Err(CmsError::TooLarge(format!("length of {n} bytes")));
    }
    let bytes = input
        .get(pos + 2..pos + 2 + n)
        .ok_or_else(|| malformed("truncated length"))?;
    let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
    Ok(Header {
        tag,
        header_len: 2 + n,
        len: Some(len),
    })
}

/// The end of the definite content starting at `start`, checked against the input.
fn definite_end(input: &[u8], start: usize, len: usize) -> Result<usize, CmsError> {
    let end = start.checked_add(len).ok_or_else(|| malformed("length overflow"))?;
    if end > input.len() {
        return Err(malformed(format!("length {len} runs past the end of the data")));
    }
    Ok(end)
}

fn is_eoc(input: &[u8], pos: usize) -> bool {
    input.get(pos..pos + 2) == Some(&[0, 0][..])
}

/// Universal string types that BER may send constructed (BIT STRING, OCTET STRING and the
/// character strings).
fn is_constructed_string(tag: u8) -> bool {
    tag & 0xe0 == 0x20 && matches!(tag & 0x1f, 3 | 4 | 12 | 18..=30)
}

/// The end of the element at `pos` (definite or indefinite).
fn skip(input: &[u8], pos: usize, depth: usize) -> Result<usize, CmsError> {
    if depth > MAX_BER_DEPTH {
        return Err(CmsError::TooLarge(format!("BER nested deeper than {MAX_BER_DEPTH}")));
    }
    let h = header(input, pos)?;
    let start = pos + h.header_len;
    match h.len {
        Some(len) => definite_end(input, start, len),
        None => {
            let mut p = start;
            while !is_eoc(input, p) {
                p = skip(input, p, depth + 1)?;
            }
            Ok(p + 2)
        }
    }
}

/// The length of the BER value at the start of `input` (indefinite lengths followed to their
/// end-of-contents), if it is complete.
pub fn value_len(input: &[u8]) -> Option<usize> {
    skip(input, 0, 0).ok()
}

/// The raw BER of each element inside the constructed element `element` (whose encoding starts
/// the slice).
pub(crate) fn children(element: &[u8]) -> Result<Vec<&[u8]>, CmsError> {
    let h = header(element, 0)?;
    let mut out = Vec::new();
    let mut p = h.header_len;
    let end = match h.len {
        Some(len) => Some(definite_end(element, p, len)?),
        None => None,
    };
    loop {
        match end {
            Some(end) if p >= end => break,
            None if is_eoc(element, p) => break,
            _ => {}
        }
        let next = skip(element, p, 1)?;
        out.push(element.get(p..next).ok_or_else(|| malformed("truncated"))?);
        p = next;
    }
    Ok(out)
}

fn push_header(out: &mut Vec<u8>, tag: u8, len: usize) {
    out.push(tag);
    push_len(out, len);
}

/// Appends a DER definite length.
pub(super) fn push_len(out: &mut Vec<u8>, len: usize) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
}

/// Appends the content octets of the string element at `pos` (primitive or constructed) to
/// `out`; returns its end. `bit_string` strips each segment's unused-bits octet, keeping the
/// last one in `unused`.
fn string_content(
    input: &[u8],
    pos: usize,
    depth: usize,
    out: &mut Vec<u8>,
    bit_string: bool,
    unused: &mut u8,
) -> Result<usize, CmsError> {
    if depth > MAX_BER_DEPTH {
        return Err(CmsError::TooLarge(format!("BER nested deeper than {MAX_BER_DEPTH}")));
    }
    let h = header(input, pos)?;
    let start = pos + h.header_len;
    if h.tag & 0x20 == 0 {
        let end = definite_end(input, start, h.len.unwrap_or(0))?;
        let content = &input[start..end];
        if bit_string {
            let (&u, bits) = content
                .split_first()
                .ok_or_else(|| malformed("BIT STRING segment without its unused-bits octet"))?;
            if *unused != 0 {
                return Err(malformed("BIT STRING segment with unused bits before the last"));
            }
            *unused = u;
            out.extend_from_slice(bits);
        } else {
            out.extend_from_slice(content);
        }
        return Ok(end);
    }
    let mut p = start;
    match h.len {
        Some(len) => {
            let end = definite_end(input, start, len)?;
            while p < end {
                p = string_content(input, p, depth + 1, out, bit_string, unused)?;
            }
            if p != end {
                return Err(malformed("string segment runs past its parent"));
            }
            Ok(end)
        }
        None => {
            while !is_eoc(input, p) {
                p = string_content(input, p, depth + 1, out, bit_string, unused)?;
            }
            Ok(p + 2)
        }
    }
}

/// Writes the DER of the element at `pos` to `out`; returns the element's end in `input`.
fn convert(input: &[u8], pos: usize, depth: usize, out: &mut Vec<u8>) -> Result<usize, CmsError> {
    if depth > MAX_BER_DEPTH {
        return Err(CmsError::TooLarge(format!("BER nested deeper than {MAX_BER_DEPTH}")));
    }
    let h = header(input, pos)?;
    let start = pos + h.header_len;
    if h.tag & 0x20 == 0 {
        let end = definite_end(input, start, h.len.unwrap_or(0))?;
        push_header(out, h.tag, end - start);
        out.extend_from_slice(&input[start..end]);
        return Ok(end);
    }
    if is_constructed_string(h.tag) {
        let bit_string = h.tag & 0x1f == 3;
        let mut content = Vec::new();
        let mut unused = 0u8;
        if bit_string {
            content.push(0);
        }
        let end = string_content(input, pos, depth, &mut content, bit_string, &mut unused)?;
        if let Some(first) = content.first_mut().filter(|_| bit_string) {
            *first = unused;
        }
        push_header(out, h.tag & !0x20, content.len());
        out.extend_from_slice(&content);
        return Ok(end);
    }
    let out_start = out.len();
    let mut p = start;
    let end = match h.len {
        Some(len) => {
            let end = definite_end(input, start, len)?;
            while p < end {
                p = convert(input, p, depth + 1, out)?;
            }
            if p != end {
                return Err(malformed("element runs past its parent"));
            }
            end
        }
        None => {
            while !is_eoc(input, p) {
                p = convert(input, p, depth + 1, out)?;
            }
            p + 2
        }
    };
    let mut head = Vec::with_capacity(6);
    push_header(&mut head, h.tag, out.len() - out_start);
    out.splice(out_start..out_start, head);
    Ok(end)
}

/// Rewrites the BER value at the start of `input` as DER; only zero bytes may follow it.
pub fn normalize(input: &[u8]) -> Result<Normalized<'_>, CmsError> {
    let mut out = Vec::with_capacity(input.len().saturating_add(64));
    let end = convert(input, 0, 0, &mut out)?;
    let rest = &input[end..];
    if let Some(pos) = rest.iter().position(|b| *b != 0) {
        return Err(malformed(format!(
            "{} bytes after the end of the value (not zero padding; first non-zero at +{pos})",
            rest.len()
        )));
    }
    let was_ber = out.as_slice() != &input[..end];
    Ok(Normalized {
        der: if was_ber {
            Cow::Owned(out)
        } else {
            Cow::Borrowed(&input[..end])
        },
        was_ber,
        zero_padding: rest.len(),
    })
}

/// The DER of a SET OF given as its elements: sorted by their encodings (X.690 §11.6).
pub(crate) fn der_set_of(tag: u8, mut elements: Vec<&[u8]>) -> Vec<u8> {
    elements.sort();
    let len: usize = elements.iter().map(|e| e.len()).sum();
    let mut out = Vec::with_capacity(len + 6);
    push_header(&mut out, tag, len);
    for e in elements {
        out.extend_from_slice(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indefinite_and_segments() {
        // SEQUENCE(indef) { OCTET STRING(constructed, indef) { "ab", "c" }, INTEGER 5 }
        let ber = [
            0x30, 0x80, 0x24, 0x80, 0x04, 0x02, b'a', b'b', 0x04, 0x01, b'c', 0, 0, 0x02, 0x01, 5, 0, 0, 0, 0,
        ];
        let n = normalize(&ber).unwrap();
        assert!(n.was_ber);
        assert_eq!(n.zero_padding, 2);
        assert_eq!(&n.der[..], &[0x30, 0x08, 0x04, 0x03, b'a', b'b', b'c', 0x02, 0x01, 5]);
        assert_eq!(value_len(&ber), Some(18));
        let der = [0x30, 0x03, 0x02, 0x01, 5];
        let n = normalize(&der).unwrap();
        assert!(!n.was_ber && matches!(n.der, Cow::Borrowed(_)));
        // Long-form length that DER would write short.
        let n = normalize(&[0x04, 0x81, 0x01, 7]).unwrap();
        assert_eq!(&n.der[..], &[0x04, 0x01, 7]);
        assert_eq!(children(&ber).unwrap().len(), 2);
    }

    #[test]
    fn refusals() {
        assert!(normalize(&[0x30, 0x80, 0x02, 0x01, 5]).is_err(), "no end-of-contents");
        assert!(normalize(&[0x30, 0x03, 0x02, 0x01, 5, 1]).is_err(), "non-zero trailer");
        assert!(normalize(&[0x04, 0x80, 0, 0]).is_err(), "indefinite primitive");
        let mut deep = Vec::new();
        for _ in 0..(MAX_BER_DEPTH + 2) {
            deep.extend_from_slice(&[0x30, 0x80]);
        }
        for _ in 0..(MAX_BER_DEPTH + 2) {
            deep.extend_from_slice(&[0, 0]);
        }
        assert!(matches!(normalize(&deep), Err(CmsError::TooLarge(_))));
        assert!(value_len(&deep).is_none());
        let ok_depth = [0x30, 0x80, 0x30, 0x80, 0, 0, 0, 0];
        assert_eq!(&normalize(&ok_depth).unwrap().der[..], &[0x30, 0x02, 0x30, 0x00]);
    }

    #[test]
    fn bit_string_segments() {
        let ber = [0x23, 0x80, 0x03, 0x02, 0x00, 0xaa, 0x03, 0x02, 0x04, 0xb0, 0, 0];
        assert_eq!(&normalize(&ber).unwrap().der[..], &[0x03, 0x03, 0x04, 0xaa, 0xb0]);
    }
}
