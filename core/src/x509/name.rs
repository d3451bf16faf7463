//! Distinguished names: display (Chinese names shown as text whatever their ASN.1 string
//! type) and comparison for path building (RFC 5280 §7.1: case-insensitive, white space
//! folded for the string types).

use der::asn1::{Ia5StringRef, PrintableStringRef, TeletexStringRef, Utf8StringRef};
use der::oid::ObjectIdentifier;
use der::{Encode, Tag, Tagged};
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::name::Name;

/// commonName (2.5.4.3).
const COMMON_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.4.3");

/// The short names shown for the attribute types certificates carry.
const SHORT_NAMES: [(ObjectIdentifier, &str); 15] = [
    (COMMON_NAME, "CN"),
    (ObjectIdentifier::new_unwrap("2.5.4.4"), "SN"),
    (ObjectIdentifier::new_unwrap("2.5.4.5"), "serialNumber"),
    (ObjectIdentifier::new_unwrap("2.5.4.6"), "C"),
    (ObjectIdentifier::new_unwrap("2.5.4.7"), "L"),
    (ObjectIdentifier::new_unwrap("2.5.4.8"), "ST"),
    (ObjectIdentifier::new_unwrap("2.5.4.9"), "street"),
    (ObjectIdentifier::new_unwrap("2.5.4.10"), "O"),
    (ObjectIdentifier::new_unwrap("2.5.4.11"), "OU"),
    (ObjectIdentifier::new_unwrap("2.5.4.12"), "title"),
    (ObjectIdentifier::new_unwrap("2.5.4.42"), "GN"),
    (ObjectIdentifier::new_unwrap("2.5.4.97"), "organizationIdentifier"),
    (ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1"), "emailAddress"),
    (ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.25"), "DC"),
    (ObjectIdentifier::new_unwrap("0.9.2342.19200300.100.1.1"), "UID"),
];

/// The short name of an attribute type (compared as encoded: no OID is formatted as text for
/// a known type, which made displaying a name cost as much as a field multiplication chain).
fn short_name(oid: &ObjectIdentifier) -> Option<&'static str> {
    SHORT_NAMES
        .iter()
        .find(|(known, _)| known == oid)
        .map(|&(_, name)| name)
}

/// The text of a directory string value, whatever string type encodes it; `None` for
/// values that are not strings.
pub fn attribute_text(atv: &AttributeTypeAndValue) -> Option<String> {
    let value = &atv.value;
    let bytes = value.value();
    match value.tag() {
        Tag::Utf8String => Utf8StringRef::try_from(value).ok().map(|s| s.as_str().to_owned()),
        Tag::PrintableString => PrintableStringRef::try_from(value).ok().map(|s| s.as_str().to_owned()),
        // Products put UTF-8 (Chinese) into IA5String: show it as the text it is.
        Tag::Ia5String => Ia5StringRef::try_from(value)
            .ok()
            .map(|s| s.as_str().to_owned())
            .or_else(|| std::str::from_utf8(bytes).ok().map(str::to_owned)),
        // T.61: treated as Latin-1, as every major implementation does.
        Tag::TeletexString => TeletexStringRef::try_from(value)
            .ok()
            .map(|s| s.as_str().to_owned())
            .or_else(|| Some(bytes.iter().map(|&b| b as char).collect())),
        Tag::BmpString => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// A value that is not a string, as names show it: `#` and the hex of its DER.
fn not_a_string(atv: &AttributeTypeAndValue) -> String {
    format!("#{}", hex::encode(atv.value.to_der().unwrap_or_default()))
}

/// A name as people read it: `C=CN, O=某省数字证书认证中心, CN=张三`, in the order the
/// certificate lists the attributes. Values that are not strings are shown as `#hex`.
pub fn display(name: &Name) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (i, rdn) in name.iter_rdn().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        for (j, atv) in rdn.iter().enumerate() {
            if j > 0 {
                out.push('+');
            }
            match short_name(&atv.oid) {
                Some(key) => out.push_str(key),
                None => {
                    let _ = write!(out, "{}", atv.oid);
                }
            }
            out.push('=');
            match attribute_text(atv) {
                Some(value) => out.push_str(&value),
                None => out.push_str(&not_a_string(atv)),
            }
        }
    }
    out
}

/// The last common name, if any (the most specific one).
pub fn common_name(name: &Name) -> Option<String> {
    name.iter()
        .filter(|atv| atv.oid == COMMON_NAME)
        .filter_map(attribute_text)
        .last()
}

/// A comparable form of a name: each RDN as a sorted list of (type, folded value).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey(Vec<Vec<(ObjectIdentifier, String)>>);

/// The comparable form of `name` (RFC 5280 §7.1: string values compared case-insensitively
/// with white space folded; other values by their DER).
pub fn name_key(name: &Name) -> NameKey {
    NameKey(name.iter_rdn().map(rdn_key).collect())
}

fn rdn_key(rdn: &x509_cert::name::RelativeDistinguishedName) -> Vec<(ObjectIdentifier, String)> {
    let mut atvs: Vec<(ObjectIdentifier, String)> = rdn
        .iter()
        .map(|atv| {
            let value = match attribute_text(atv) {
                Some(text) => fold(&text),
                None => not_a_string(atv),
            };
            (atv.oid, value)
        })
        .collect();
    atvs.sort();
    atvs
}

impl NameKey {
    /// This name with one more RDN below it (a distribution point's
    /// nameRelativeToCRLIssuer, RFC 5280 §4.2.1.13).
    pub fn with_rdn(&self, rdn: &x509_cert::name::RelativeDistinguishedName) -> NameKey {
        let mut out = self.clone();
        out.0.push(rdn_key(rdn));
        out
    }

    /// True for the empty name.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// True when `self` lies within the subtree `base` (the RDNs of `base` are a prefix).
    pub fn is_within(&self, base: &NameKey) -> bool {
        self.0.len() >= base.0.len() && self.0[..base.0.len()] == base.0[..]
    }
}

fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use der::Decode;

    #[test]
    fn bmp_and_utf8_names_display_as_text_and_compare_equal() {
        // SEQUENCE { SET { SEQUENCE { CN, BMPString "张三" } } } and the same as UTF8String
        let bmp = hex::decode("300f310d300b06035504031e045f204e09").unwrap();
        let utf8 = hex::decode("3011310f300d0603550403 0c06 e5bca0e4b889".replace(' ', "")).unwrap();
        let (a, b) = (Name::from_der(&bmp).unwrap(), Name::from_der(&utf8).unwrap());
        assert_eq!(display(&a), "CN=张三");
        assert_eq!(display(&b), "CN=张三");
        assert_eq!(common_name(&a).as_deref(), Some("张三"));
        assert_eq!(name_key(&a), name_key(&b));
    }

    #[test]
    fn folding_ignores_case_and_spaces() {
        assert_eq!(fold("  Example   CA "), "example ca");
    }
}
