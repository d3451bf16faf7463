//! A small strict-DER TLV walker for the CMS structures.
//!
//! CMS needs the exact bytes of some elements (the signed attributes, certificates,
//! eContent), so the outer structures are walked by hand; leaf values (OIDs, names,
//! certificates, CRLs) are handed to `der`/`x509-cert`. It reads DER only: BER input is first
//! rewritten as DER by [`super::ber::normalize`].

use der::asn1::ObjectIdentifier;
use der::Decode;

use super::CmsError;

/// SEQUENCE.
pub(crate) const SEQUENCE: u8 = 0x30;
/// SET.
pub(crate) const SET: u8 = 0x31;
/// OBJECT IDENTIFIER.
pub(crate) const OID: u8 = 0x06;
/// INTEGER.
pub(crate) const INTEGER: u8 = 0x02;
/// OCTET STRING.
pub(crate) const OCTET_STRING: u8 = 0x04;
/// BOOLEAN.
pub(crate) const BOOLEAN: u8 = 0x01;
/// UTCTime.
pub(crate) const UTC_TIME: u8 = 0x17;
/// GeneralizedTime.
pub(crate) const GENERALIZED_TIME: u8 = 0x18;
/// [0] constructed.
pub(crate) const CTX0: u8 = 0xa0;
/// [1] constructed.
pub(crate) const CTX1: u8 = 0xa1;
/// [0] primitive.
pub(crate) const CTX0_PRIM: u8 = 0x80;
/// [1] primitive.
pub(crate) const CTX1_PRIM: u8 = 0x81;

/// One decoded element: its (single-byte) tag, its content and its whole encoding.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
    pub raw: &'a [u8],
}

/// Reads one element from the front of `input`; returns it and what follows.
pub(crate) fn read_tlv<'a>(input: &'a [u8], what: &str) -> Result<(Tlv<'a>, &'a [u8]), CmsError> {
    let bad = |m: &str| CmsError::Malformed(format!("{what}: {m}"));
    let (&tag, after_tag) = input.split_first().ok_or_else(|| bad("truncated (no tag)"))?;
    if tag & 0x1f == 0x1f {
        return Err(bad("multi-byte tags are not used by CMS"));
    }
    let (&first, after_len) = after_tag.split_first().ok_or_else(|| bad("truncated (no length)"))?;
    let (len, header_len) = if first < 0x80 {
        (usize::from(first), 2usize)
    } else if first == 0x80 {
        return Err(bad("BER indefinite length; only DER (definite lengths) is supported"));
    } else {
        let n = usize::from(first & 0x7f);
        if n > 4 {
            return Err(CmsError::TooLarge(format!("{what}: length of {n} bytes")));
        }
        let bytes = after_len.get(..n).ok_or_else(|| bad("truncated length"))?;
        if bytes.first() == Some(&0) {
            return Err(bad("non-minimal length encoding (not DER)"));
        }
        let len = bytes.iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        if len < 0x80 {
            return Err(bad("non-minimal length encoding (not DER)"));
        }
        (len, 2 + n)
    };
    let total = header_len.checked_add(len).ok_or_else(|| bad("length overflow"))?;
    if total > input.len() {
        return Err(bad(&format!("length {len} runs past the end of the data")));
    }
    let raw = input.get(..total).ok_or_else(|| bad("truncated"))?;
    let content = raw.get(header_len..).ok_or_else(|| bad("truncated"))?;
    let rest = input.get(total..).ok_or_else(|| bad("truncated"))?;
    Ok((Tlv { tag, content, raw }, rest))
}

/// Reads exactly one element: `input` must hold nothing after it.
pub(crate) fn read_single<'a>(input: &'a [u8], what: &str) -> Result<Tlv<'a>, CmsError> {
    let (tlv, rest) = read_tlv(input, what)?;
    if !rest.is_empty() {
        return Err(CmsError::Malformed(format!(
            "{what}: {} bytes after the end",
            rest.len()
        )));
    }
    Ok(tlv)
}

/// Walks the elements of a constructed value's content.
pub(crate) struct Walker<'a> {
    rest: &'a [u8],
    what: &'static str,
}

impl<'a> Walker<'a> {
    /// A walker over `content`, naming `what` in errors.
    pub(crate) fn new(content: &'a [u8], what: &'static str) -> Walker<'a> {
        Walker { rest: content, what }
    }

    /// True when every element was read.
    pub(crate) fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// The tag of the next element, if any.
    pub(crate) fn peek_tag(&self) -> Option<u8> {
        self.rest.first().copied()
    }

    /// The next element, whatever its tag.
    pub(crate) fn next_any(&mut self) -> Result<Tlv<'a>, CmsError> {
        let (tlv, rest) = read_tlv(self.rest, self.what)?;
        self.rest = rest;
        Ok(tlv)
    }

    /// The next element, which must have `tag`.
    pub(crate) fn expect(&mut self, tag: u8, field: &str) -> Result<Tlv<'a>, CmsError> {
        if self.rest.is_empty() {
            return Err(CmsError::Malformed(format!("{}: {field} is missing", self.what)));
        }
        let tlv = self.next_any()?;
        if tlv.tag != tag {
            return Err(CmsError::Malformed(format!(
                "{}: {field} has tag 0x{:02x}, expected 0x{tag:02x}{}",
                self.what,
                tlv.tag,
                if tlv.tag == tag | 0x20 {
                    " (a BER constructed string)"
                } else {
                    ""
                }
            )));
        }
        Ok(tlv)
    }

    /// The next element if it has `tag`.
    pub(crate) fn optional(&mut self, tag: u8) -> Result<Option<Tlv<'a>>, CmsError> {
        if self.peek_tag() == Some(tag) {
            self.next_any().map(Some)
        } else {
            Ok(None)
        }
    }

    /// Fails unless every element was read.
    pub(crate) fn finish(&self) -> Result<(), CmsError> {
        if self.rest.is_empty() {
            Ok(())
        } else {
            Err(CmsError::Malformed(format!(
                "{}: unexpected element with tag 0x{:02x}",
                self.what,
                self.rest.first().copied().unwrap_or(0)
            )))
        }
    }
}

/// Decodes an OBJECT IDENTIFIER element.
pub(crate) fn oid(tlv: &Tlv<'_>, what: &str) -> Result<ObjectIdentifier, CmsError> {
    ObjectIdentifier::from_der(tlv.raw).map_err(|e| CmsError::Malformed(format!("{what}: {e}")))
}

/// A non-negative INTEGER that fits in a u64.
pub(crate) fn small_uint(tlv: &Tlv<'_>, what: &str) -> Result<u64, CmsError> {
    let bad = || CmsError::Malformed(format!("{what}: not a small non-negative INTEGER"));
    let digits = integer_bytes(tlv, what)?;
    if digits.first().is_some_and(|b| b & 0x80 != 0) {
        return Err(bad());
    }
    let trimmed: &[u8] = match digits {
        [0, rest @ ..] => rest,
        other => other,
    };
    if trimmed.len() > 8 {
        return Err(bad());
    }
    Ok(trimmed.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// The content octets of an INTEGER (checked minimal).
pub(crate) fn integer_bytes<'a>(tlv: &Tlv<'a>, what: &str) -> Result<&'a [u8], CmsError> {
    let bad = |m: &str| CmsError::Malformed(format!("{what}: {m}"));
    if tlv.tag != INTEGER {
        return Err(bad("not an INTEGER"));
    }
    match tlv.content {
        [] => Err(bad("empty INTEGER")),
        [0, next, ..] if next & 0x80 == 0 => Err(bad("non-minimal INTEGER")),
        [0xff, next, ..] if next & 0x80 != 0 => Err(bad("non-minimal INTEGER")),
        c => Ok(c),
    }
}

/// The value of an INTEGER without the sign byte, for comparing serial numbers.
pub(crate) fn unsigned_magnitude(bytes: &[u8]) -> &[u8] {
    let mut b = bytes;
    while let [0, rest @ ..] = b {
        if rest.is_empty() {
            break;
        }
        b = rest;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert!(read_tlv(&[0x30, 0x80, 0, 0], "x").is_err());
        assert!(read_tlv(&[0x04, 0x81, 0x05, 1, 2, 3, 4, 5], "x").is_err());
        assert!(read_tlv(&[0x04, 0x02, 1], "x").is_err());
        assert!(read_tlv(&[0x1f, 0x01, 0], "x").is_err());
        assert!(read_tlv(&[], "x").is_err());
        let (t, rest) = read_tlv(&[0x04, 0x01, 9, 7], "x").unwrap();
        assert_eq!((t.tag, t.content, rest), (0x04, &[9u8][..], &[7u8][..]));
        assert_eq!(unsigned_magnitude(&[0, 0x80]), &[0x80]);
        assert_eq!(unsigned_magnitude(&[0]), &[0]);
    }
}
