//! Input forms shared by every parser: PEM text, hex text, or raw bytes.
//!
//! ```
//! use yinjian::codec::decode_hex_text;
//!
//! // Hex as people paste it: any case, spaces, colons or line breaks between bytes.
//! assert_eq!(decode_hex_text(b"DE:AD be ef"), Some(vec![0xde, 0xad, 0xbe, 0xef]));
//! assert_eq!(decode_hex_text(b"not hex"), None);
//! ```

use thiserror::Error;

/// Largest PEM or hex text accepted for a single key or signature (keys are tiny; this only
/// stops hostile input from being decoded at length).
pub const MAX_TEXT_INPUT: usize = 64 * 1024;

/// What a byte string turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decoded {
    /// A PEM block: its label (e.g. `PUBLIC KEY`) and the DER it carried.
    Pem {
        /// The label between `-----BEGIN ` and `-----`.
        label: String,
        /// The decoded body.
        der: Vec<u8>,
    },
    /// Hex text (whitespace, `:` separators and a `0x` prefix allowed), decoded.
    Hex(Vec<u8>),
    /// Anything else, as it was.
    Binary(Vec<u8>),
}

/// Why text could not be decoded.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum CodecError {
    /// The input is longer than [`MAX_TEXT_INPUT`].
    #[error("input of {0} bytes is longer than the {MAX_TEXT_INPUT}-byte limit for a key or signature")]
    TooLarge(usize),
    /// A PEM block could not be decoded.
    #[error("bad PEM: {0}")]
    Pem(String),
}

/// Recognises PEM, then hex text, else returns the bytes unchanged.
pub fn decode_text_or_binary(input: &[u8]) -> Result<Decoded, CodecError> {
    if input.len() > MAX_TEXT_INPUT {
        return Err(CodecError::TooLarge(input.len()));
    }
    let trimmed = input.trim_ascii();
    if trimmed.starts_with(b"-----BEGIN ") {
        let (label, der) = pem_rfc7468::decode_vec(trimmed).map_err(|e| CodecError::Pem(e.to_string()))?;
        return Ok(Decoded::Pem {
            label: label.to_owned(),
            der,
        });
    }
    if let Some(bytes) = decode_hex_text(trimmed) {
        return Ok(Decoded::Hex(bytes));
    }
    Ok(Decoded::Binary(input.to_vec()))
}

/// `input` without a leading UTF-8 byte order mark, if it has one.
pub fn without_bom(input: &[u8]) -> &[u8] {
    input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input)
}

/// Whether `input` is XML text by its first byte: after an optional UTF-8 byte order mark and
/// blanks, a `<` (where invoice and licence-data readers tell XML from JSON or a package).
pub fn is_xml_text(input: &[u8]) -> bool {
    without_bom(input).iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Decodes hex text, allowing a `0x` prefix, whitespace and `:` separators; `None` if the
/// text is not entirely hex or is empty.
pub fn decode_hex_text(text: &[u8]) -> Option<Vec<u8>> {
    let text = text
        .strip_prefix(b"0x")
        .or_else(|| text.strip_prefix(b"0X"))
        .unwrap_or(text);
    let digits: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace() && *b != b':')
        .collect();
    if digits.is_empty() || !digits.len().is_multiple_of(2) || !digits.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    hex::decode(digits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_forms() {
        assert_eq!(
            decode_text_or_binary(b" 0xAB:cd\n").unwrap(),
            Decoded::Hex(vec![0xab, 0xcd])
        );
        assert_eq!(
            decode_text_or_binary(&[0x30, 0x01]).unwrap(),
            Decoded::Binary(vec![0x30, 0x01])
        );
        let pem = b"-----BEGIN PUBLIC KEY-----\nAAEC\n-----END PUBLIC KEY-----\n";
        assert_eq!(
            decode_text_or_binary(pem).unwrap(),
            Decoded::Pem {
                label: "PUBLIC KEY".into(),
                der: vec![0, 1, 2]
            }
        );
        assert!(matches!(
            decode_text_or_binary(b"-----BEGIN X-----\n!!\n"),
            Err(CodecError::Pem(_))
        ));
        assert!(matches!(
            decode_text_or_binary(&vec![b'a'; MAX_TEXT_INPUT + 1]),
            Err(CodecError::TooLarge(_))
        ));
    }

    #[test]
    fn odd_or_non_hex_is_not_hex() {
        assert_eq!(decode_hex_text(b"abc"), None);
        assert_eq!(decode_hex_text(b"zz"), None);
        assert_eq!(decode_hex_text(b""), None);
    }
}
