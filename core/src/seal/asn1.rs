//! The ASN.1 of GB/T 38540-2020 (v4) and GM/T 0031-2014 (v1) seals and seal signatures.
//!
//! Decoding keeps every leaf as the TLV it was read from and encoding writes those TLVs
//! back, so `encode(decode(x)) == x` byte for byte even where products deviate from strict
//! DER inside a leaf (a non-ASCII IA5String, an explicit BOOLEAN FALSE in extension data).
//! Typed accessors read the leaves; [`super::make`] builds new leaves from typed values.

use der::asn1::{Any, BitStringRef, GeneralizedTime, Ia5StringRef, ObjectIdentifier, UtcTime, Utf8StringRef};
use der::{Decode, Encode, Header, Length, Reader, Tag, Tagged};

use super::SealError;
use crate::time::Time;

/// Largest seal or seal signature accepted (pictures make seals tens of KiB; 16 MiB is ample).
pub const MAX_SEAL_SIZE: usize = 16 * 1024 * 1024;

/// Most certificates or digests in a seal's certificate list.
pub const MAX_CERT_LIST: usize = 64;

/// Which standard a structure follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum SealVersion {
    /// GM/T 0031-2014.
    V1,
    /// GB/T 38540-2020 (header version 4; products also write 5).
    V4,
}

/// `SES_Header ::= SEQUENCE { ID IA5String, version INTEGER, Vid IA5String }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesHeader {
    /// `ID`, "ES".
    pub id: Any,
    /// `version`.
    pub version: Any,
    /// `Vid`, the vendor id.
    pub vid: Any,
}

/// `SES_ESPropertyInfo`: v4 has `certListType` between `name` and `certList` and
/// GeneralizedTime dates; v1 has no `certListType` and UTCTime dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyInfo {
    /// `type`: 1 organisation seal, 2 personal seal (others are product-defined).
    pub seal_type: Any,
    /// `name` (UTF8String).
    pub name: Any,
    /// `certListType` (v4): 1 certificates, 2 certificate digests.
    pub cert_list_type: Option<Any>,
    /// `certList`.
    pub cert_list: Any,
    /// `createDate`.
    pub create_date: Any,
    /// `validStart`.
    pub valid_start: Any,
    /// `validEnd`.
    pub valid_end: Any,
}

/// `SES_ESPictrueInfo ::= SEQUENCE { type IA5String, data OCTET STRING, width INTEGER, height INTEGER }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureInfo {
    /// `type`: "PNG", "JPG", "GIF", "BMP", "SVG", "OFD", …
    pub kind: Any,
    /// `data`.
    pub data: Any,
    /// `width`, millimetres.
    pub width: Any,
    /// `height`, millimetres.
    pub height: Any,
}

/// `SES_SealInfo ::= SEQUENCE { header, esID IA5String, property, picture, extDatas OPTIONAL }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealInfo {
    /// `header`.
    pub header: SesHeader,
    /// `esID`.
    pub es_id: Any,
    /// `property`.
    pub property: PropertyInfo,
    /// `picture`.
    pub picture: PictureInfo,
    /// `extDatas`, kept as read (products put non-DER BOOLEANs inside).
    pub ext_datas: Option<Any>,
}

/// A seal: v4 `SES_Seal { esealInfo, cert, signAlgID, signedValue }` or v1
/// `SESeal { esealInfo, signInfo { cert, signatureAlgorithm, signData } }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    /// Which layout.
    pub version: SealVersion,
    /// `esealInfo`.
    pub info: SealInfo,
    /// The maker's certificate (OCTET STRING holding DER).
    pub cert: Any,
    /// The maker's signature algorithm OID.
    pub sign_alg: Any,
    /// The maker's signature (BIT STRING).
    pub signed_value: Any,
    /// Elements after the standard ones (a context-tagged `[0]` in some products).
    pub extra: Vec<Any>,
}

/// `TBS_Sign`: v4 `{ version, eseal, timeInfo GeneralizedTime, dataHash BIT STRING,
/// propertyInfo IA5String, extDatas OPTIONAL }`; v1 `{ version, eseal, timeInfo BIT STRING,
/// dataHash, propertyInfo, cert OCTET STRING, signatureAlgorithm OID }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TbsSign {
    /// `version`.
    pub version: Any,
    /// `eseal`, decoded.
    pub eseal: Seal,
    /// `timeInfo`.
    pub time_info: Any,
    /// `dataHash`.
    pub data_hash: Any,
    /// `propertyInfo`: where the signed data lives (for OFD, the Signature.xml path).
    pub property_info: Any,
    /// v1 `cert` (the signer's certificate).
    pub cert: Option<Any>,
    /// v1 `signatureAlgorithm`.
    pub signature_algorithm: Option<Any>,
    /// v4 `extDatas` and any further elements, kept as read.
    pub extra: Vec<Any>,
}

/// A seal signature: v4 `SES_Signature { toSign, cert, signatureAlgID, signature, timeStamp [0] OPTIONAL }`
/// or v1 `SES_Signature { toSign, signature }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSignature {
    /// Which layout.
    pub version: SealVersion,
    /// `toSign`.
    pub to_sign: TbsSign,
    /// v4 `cert` (the signer's certificate).
    pub cert: Option<Any>,
    /// v4 `signatureAlgID`.
    pub signature_alg: Option<Any>,
    /// `signature` (BIT STRING).
    pub signature: Any,
    /// v4 `timeStamp [0]`: an RFC 3161 time-stamp token over the signature value.
    pub time_stamp: Option<Any>,
    /// Further elements, kept as read.
    pub extra: Vec<Any>,
}

// ---------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------

fn bad(what: &str, e: impl std::fmt::Display) -> SealError {
    SealError::Malformed(format!("{what}: {e}"))
}

/// The top-level TLV, which must span all of `der`.
pub(crate) fn top(der: &[u8], what: &str) -> Result<Any, SealError> {
    if der.len() > MAX_SEAL_SIZE {
        return Err(SealError::TooLarge(format!(
            "{what} of {} bytes (limit {MAX_SEAL_SIZE})",
            der.len()
        )));
    }
    Any::from_der(der).map_err(|e| bad(what, e))
}

/// The elements of a SEQUENCE (or SET) TLV.
fn elements(tlv: &Any, what: &str) -> Result<Vec<Any>, SealError> {
    if tlv.tag() != Tag::Sequence {
        return Err(SealError::Malformed(format!(
            "{what}: expected a SEQUENCE, found {}",
            tlv.tag()
        )));
    }
    let mut reader = der::SliceReader::new(tlv.value()).map_err(|e| bad(what, e))?;
    let mut out = Vec::new();
    while !reader.is_finished() {
        out.push(Any::decode(&mut reader).map_err(|e| bad(what, e))?);
    }
    Ok(out)
}

fn expect_tag(any: &Any, tags: &[Tag], what: &str) -> Result<(), SealError> {
    if tags.contains(&any.tag()) {
        Ok(())
    } else {
        Err(SealError::Malformed(format!("{what}: unexpected {}", any.tag())))
    }
}

fn take(items: &mut std::vec::IntoIter<Any>, what: &str) -> Result<Any, SealError> {
    items
        .next()
        .ok_or_else(|| SealError::Malformed(format!("{what} is missing")))
}

const STRINGS: [Tag; 4] = [
    Tag::Ia5String,
    Tag::PrintableString,
    Tag::Utf8String,
    Tag::VisibleString,
];
const TIMES: [Tag; 2] = [Tag::GeneralizedTime, Tag::UtcTime];

impl SesHeader {
    fn decode(tlv: Any) -> Result<SesHeader, SealError> {
        let mut it = elements(&tlv, "SES_Header")?.into_iter();
        let header = SesHeader {
            id: take(&mut it, "SES_Header.ID")?,
            version: take(&mut it, "SES_Header.version")?,
            vid: take(&mut it, "SES_Header.Vid")?,
        };
        expect_tag(&header.id, &STRINGS, "SES_Header.ID")?;
        expect_tag(&header.version, &[Tag::Integer], "SES_Header.version")?;
        expect_tag(&header.vid, &STRINGS, "SES_Header.Vid")?;
        if it.next().is_some() {
            return Err(SealError::Malformed("SES_Header has extra elements".into()));
        }
        Ok(header)
    }
}

impl PropertyInfo {
    fn decode(tlv: Any) -> Result<PropertyInfo, SealError> {
        let items = elements(&tlv, "SES_ESPropertyInfo")?;
        let n = items.len();
        let mut it = items.into_iter();
        let seal_type = take(&mut it, "property.type")?;
        let name = take(&mut it, "property.name")?;
        // v4 has seven elements (certListType INTEGER before certList), v1 six.
        let cert_list_type = if n >= 7 {
            Some(take(&mut it, "property.certListType")?)
        } else {
            None
        };
        let property = PropertyInfo {
            seal_type,
            name,
            cert_list_type,
            cert_list: take(&mut it, "property.certList")?,
            create_date: take(&mut it, "property.createDate")?,
            valid_start: take(&mut it, "property.validStart")?,
            valid_end: take(&mut it, "property.validEnd")?,
        };
        if it.next().is_some() {
            return Err(SealError::Malformed("SES_ESPropertyInfo has extra elements".into()));
        }
        expect_tag(&property.seal_type, &[Tag::Integer], "property.type")?;
        expect_tag(&property.name, &STRINGS, "property.name")?;
        if let Some(t) = &property.cert_list_type {
            expect_tag(t, &[Tag::Integer], "property.certListType")?;
        }
        expect_tag(&property.cert_list, &[Tag::Sequence], "property.certList")?;
        for (date, what) in [
            (&property.create_date, "property.createDate"),
            (&property.valid_start, "property.validStart"),
            (&property.valid_end, "property.validEnd"),
        ] {
            expect_tag(date, &TIMES, what)?;
            time_of(date, what)?;
        }
        property.cert_list()?;
        Ok(property)
    }
}

impl PictureInfo {
    fn decode(tlv: Any) -> Result<PictureInfo, SealError> {
        let mut it = elements(&tlv, "SES_ESPictrueInfo")?.into_iter();
        let picture = PictureInfo {
            kind: take(&mut it, "picture.type")?,
            data: take(&mut it, "picture.data")?,
            width: take(&mut it, "picture.width")?,
            height: take(&mut it, "picture.height")?,
        };
        if it.next().is_some() {
            return Err(SealError::Malformed("SES_ESPictrueInfo has extra elements".into()));
        }
        expect_tag(&picture.kind, &STRINGS, "picture.type")?;
        expect_tag(&picture.data, &[Tag::OctetString], "picture.data")?;
        expect_tag(&picture.width, &[Tag::Integer], "picture.width")?;
        expect_tag(&picture.height, &[Tag::Integer], "picture.height")?;
        Ok(picture)
    }
}

impl SealInfo {
    fn decode(tlv: Any) -> Result<SealInfo, SealError> {
        let mut it = elements(&tlv, "SES_SealInfo")?.into_iter();
        let info = SealInfo {
            header: SesHeader::decode(take(&mut it, "SES_SealInfo.header")?)?,
            es_id: take(&mut it, "SES_SealInfo.esID")?,
            property: PropertyInfo::decode(take(&mut it, "SES_SealInfo.property")?)?,
            picture: PictureInfo::decode(take(&mut it, "SES_SealInfo.picture")?)?,
            ext_datas: it.next(),
        };
        if it.next().is_some() {
            return Err(SealError::Malformed("SES_SealInfo has extra elements".into()));
        }
        expect_tag(&info.es_id, &STRINGS, "SES_SealInfo.esID")?;
        Ok(info)
    }
}

impl Seal {
    /// Decodes a v4 or v1 seal (the layout is recognised from the structure).
    pub fn decode(der: &[u8]) -> Result<Seal, SealError> {
        Seal::from_any(top(der, "seal")?)
    }

    pub(crate) fn from_any(tlv: Any) -> Result<Seal, SealError> {
        let mut it = elements(&tlv, "seal")?.into_iter();
        let info = SealInfo::decode(take(&mut it, "seal.esealInfo")?)?;
        let second = take(&mut it, "seal.cert / seal.signInfo")?;
        let seal = match second.tag() {
            // v1: signInfo SEQUENCE { cert, signatureAlgorithm, signData }
            Tag::Sequence => {
                let mut sign = elements(&second, "SES_SignInfo")?.into_iter();
                let seal = Seal {
                    version: SealVersion::V1,
                    info,
                    cert: take(&mut sign, "SES_SignInfo.cert")?,
                    sign_alg: take(&mut sign, "SES_SignInfo.signatureAlgorithm")?,
                    signed_value: take(&mut sign, "SES_SignInfo.signData")?,
                    extra: it.collect(),
                };
                if sign.next().is_some() {
                    return Err(SealError::Malformed("SES_SignInfo has extra elements".into()));
                }
                seal
            }
            Tag::OctetString => Seal {
                version: SealVersion::V4,
                info,
                cert: second,
                sign_alg: take(&mut it, "SES_Seal.signAlgID")?,
                signed_value: take(&mut it, "SES_Seal.signedValue")?,
                extra: it.collect(),
            },
            other => {
                return Err(SealError::Malformed(format!(
                    "seal: unexpected {other} after esealInfo"
                )))
            }
        };
        expect_tag(&seal.cert, &[Tag::OctetString], "seal.cert")?;
        expect_tag(&seal.sign_alg, &[Tag::ObjectIdentifier], "seal.signAlgID")?;
        expect_tag(
            &seal.signed_value,
            &[Tag::BitString, Tag::OctetString],
            "seal.signedValue",
        )?;
        if seal.extra.iter().any(|e| e.tag().is_universal()) {
            return Err(SealError::Malformed(
                "seal: unexpected universal element after signedValue".into(),
            ));
        }
        Ok(seal)
    }
}

impl SesSignature {
    /// Decodes a v4 or v1 seal signature (the layout is recognised from the structure).
    pub fn decode(der: &[u8]) -> Result<SesSignature, SealError> {
        let tlv = top(der, "SES_Signature")?;
        let items = elements(&tlv, "SES_Signature")?;
        let n = items.len();
        let mut it = items.into_iter();
        let to_sign_tlv = take(&mut it, "SES_Signature.toSign")?;
        // v1 is { toSign, signature }; v4 is { toSign, cert, signatureAlgID, signature, [0]? }.
        let version = if n == 2 { SealVersion::V1 } else { SealVersion::V4 };
        let to_sign = TbsSign::decode(to_sign_tlv, version)?;
        let sig = match version {
            SealVersion::V1 => SesSignature {
                version,
                to_sign,
                cert: None,
                signature_alg: None,
                signature: take(&mut it, "SES_Signature.signature")?,
                time_stamp: None,
                extra: Vec::new(),
            },
            SealVersion::V4 => {
                let cert = take(&mut it, "SES_Signature.cert")?;
                let alg = take(&mut it, "SES_Signature.signatureAlgID")?;
                let signature = take(&mut it, "SES_Signature.signature")?;
                let rest: Vec<Any> = it.collect();
                let (time_stamp, extra) = match rest.split_first() {
                    Some((first, tail))
                        if first.tag()
                            == Tag::ContextSpecific {
                                constructed: true,
                                number: der::TagNumber(0),
                            } =>
                    {
                        (Some(first.clone()), tail.to_vec())
                    }
                    _ => (None, rest),
                };
                expect_tag(&cert, &[Tag::OctetString], "SES_Signature.cert")?;
                expect_tag(&alg, &[Tag::ObjectIdentifier], "SES_Signature.signatureAlgID")?;
                SesSignature {
                    version,
                    to_sign,
                    cert: Some(cert),
                    signature_alg: Some(alg),
                    signature,
                    time_stamp,
                    extra,
                }
            }
        };
        expect_tag(
            &sig.signature,
            &[Tag::BitString, Tag::OctetString],
            "SES_Signature.signature",
        )?;
        Ok(sig)
    }
}

impl TbsSign {
    fn decode(tlv: Any, version: SealVersion) -> Result<TbsSign, SealError> {
        let mut it = elements(&tlv, "TBS_Sign")?.into_iter();
        let tbs_version = take(&mut it, "TBS_Sign.version")?;
        expect_tag(&tbs_version, &[Tag::Integer], "TBS_Sign.version")?;
        let eseal = Seal::from_any(take(&mut it, "TBS_Sign.eseal")?)?;
        let time_info = take(&mut it, "TBS_Sign.timeInfo")?;
        let data_hash = take(&mut it, "TBS_Sign.dataHash")?;
        let property_info = take(&mut it, "TBS_Sign.propertyInfo")?;
        expect_tag(&data_hash, &[Tag::BitString, Tag::OctetString], "TBS_Sign.dataHash")?;
        expect_tag(&property_info, &STRINGS, "TBS_Sign.propertyInfo")?;
        let (cert, signature_algorithm) = match version {
            SealVersion::V1 => {
                let cert = take(&mut it, "TBS_Sign.cert")?;
                let alg = take(&mut it, "TBS_Sign.signatureAlgorithm")?;
                expect_tag(&cert, &[Tag::OctetString], "TBS_Sign.cert")?;
                expect_tag(&alg, &[Tag::ObjectIdentifier], "TBS_Sign.signatureAlgorithm")?;
                (Some(cert), Some(alg))
            }
            SealVersion::V4 => (None, None),
        };
        let tbs = TbsSign {
            version: tbs_version,
            eseal,
            time_info,
            data_hash,
            property_info,
            cert,
            signature_algorithm,
            extra: it.collect(),
        };
        tbs.time()?;
        Ok(tbs)
    }
}

// ---------------------------------------------------------------------------------------
// Encoding: the exact TLVs, reassembled.
// ---------------------------------------------------------------------------------------

/// A SEQUENCE holding `parts` (each already a complete TLV).
pub(crate) fn sequence(parts: &[&[u8]]) -> Result<Vec<u8>, SealError> {
    let len: usize = parts.iter().map(|p| p.len()).sum();
    let header = Header::new(Tag::Sequence, Length::try_from(len).map_err(|e| bad("length", e))?)
        .to_der()
        .map_err(|e| bad("header", e))?;
    let mut out = Vec::with_capacity(header.len() + len);
    out.extend_from_slice(&header);
    for p in parts {
        out.extend_from_slice(p);
    }
    Ok(out)
}

pub(crate) fn tlv(any: &Any) -> Result<Vec<u8>, SealError> {
    any.to_der().map_err(|e| bad("encode", e))
}

impl SesHeader {
    /// DER.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        sequence(&[&tlv(&self.id)?, &tlv(&self.version)?, &tlv(&self.vid)?])
    }
}

impl PropertyInfo {
    /// DER.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        let mut parts = vec![tlv(&self.seal_type)?, tlv(&self.name)?];
        if let Some(t) = &self.cert_list_type {
            parts.push(tlv(t)?);
        }
        for a in [&self.cert_list, &self.create_date, &self.valid_start, &self.valid_end] {
            parts.push(tlv(a)?);
        }
        sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
    }
}

impl PictureInfo {
    /// DER.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        sequence(&[
            &tlv(&self.kind)?,
            &tlv(&self.data)?,
            &tlv(&self.width)?,
            &tlv(&self.height)?,
        ])
    }
}

impl SealInfo {
    /// DER: what the v4 maker signs.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        let mut parts = vec![
            self.header.encode()?,
            tlv(&self.es_id)?,
            self.property.encode()?,
            self.picture.encode()?,
        ];
        if let Some(ext) = &self.ext_datas {
            parts.push(tlv(ext)?);
        }
        sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
    }
}

impl Seal {
    /// DER.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        let info = self.info.encode()?;
        let mut parts = match self.version {
            SealVersion::V1 => vec![
                info,
                sequence(&[&tlv(&self.cert)?, &tlv(&self.sign_alg)?, &tlv(&self.signed_value)?])?,
            ],
            SealVersion::V4 => vec![info, tlv(&self.cert)?, tlv(&self.sign_alg)?, tlv(&self.signed_value)?],
        };
        for e in &self.extra {
            parts.push(tlv(e)?);
        }
        sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
    }

    /// The bytes the maker signed: v4 DER(SES_SealInfo); v1 DER SEQUENCE{SES_SealInfo, cert,
    /// signatureAlgorithm} — as every product in the corpus does.
    pub fn maker_signed_bytes(&self) -> Result<Vec<u8>, SealError> {
        let info = self.info.encode()?;
        match self.version {
            SealVersion::V4 => Ok(info),
            SealVersion::V1 => sequence(&[&info, &tlv(&self.cert)?, &tlv(&self.sign_alg)?]),
        }
    }
}

impl TbsSign {
    /// DER: what the signer signs.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        Ok(self.encode_with_seal_end()?.0)
    }

    /// [`TbsSign::encode`], with where the embedded seal ends in it: the bytes before are the
    /// SEQUENCE header, the version and the seal, the same in every signature made with one
    /// seal whose TBS_Sign has the same length.
    pub(crate) fn encode_with_seal_end(&self) -> Result<(Vec<u8>, usize), SealError> {
        let mut parts = vec![
            tlv(&self.version)?,
            self.eseal.encode()?,
            tlv(&self.time_info)?,
            tlv(&self.data_hash)?,
            tlv(&self.property_info)?,
        ];
        for a in self
            .cert
            .iter()
            .chain(self.signature_algorithm.iter())
            .chain(self.extra.iter())
        {
            parts.push(tlv(a)?);
        }
        let bytes = sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
        let after: usize = parts[2..].iter().map(Vec::len).sum();
        let seal_end = bytes.len() - after;
        Ok((bytes, seal_end))
    }
}

impl SesSignature {
    /// DER.
    pub fn encode(&self) -> Result<Vec<u8>, SealError> {
        let mut parts = vec![self.to_sign.encode()?];
        for a in self
            .cert
            .iter()
            .chain(self.signature_alg.iter())
            .chain(std::iter::once(&self.signature))
            .chain(self.time_stamp.iter())
            .chain(self.extra.iter())
        {
            parts.push(tlv(a)?);
        }
        sequence(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>())
    }
}

// ---------------------------------------------------------------------------------------
// Typed views of the leaves.
// ---------------------------------------------------------------------------------------

/// Text of a string leaf; non-UTF-8 bytes (seen in IA5Strings) are an error.
pub fn text_of(any: &Any, what: &str) -> Result<String, SealError> {
    String::from_utf8(any.value().to_vec()).map_err(|_| SealError::Malformed(format!("{what} is not text")))
}

/// A small non-negative INTEGER.
pub fn int_of(any: &Any, what: &str) -> Result<u64, SealError> {
    let bytes = der::asn1::UintRef::try_from(any).map_err(|e| bad(what, e))?;
    let bytes = bytes.as_bytes();
    if bytes.len() > 8 {
        return Err(SealError::Malformed(format!("{what} is too large")));
    }
    Ok(bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// OCTET STRING contents.
pub fn octets_of<'a>(any: &'a Any, what: &str) -> Result<&'a [u8], SealError> {
    if any.tag() != Tag::OctetString {
        return Err(SealError::Malformed(format!(
            "{what}: {} is not an OCTET STRING",
            any.tag()
        )));
    }
    Ok(any.value())
}

/// BIT STRING contents (no unused bits), or OCTET STRING contents where products use one.
pub fn bits_of<'a>(any: &'a Any, what: &str) -> Result<&'a [u8], SealError> {
    if any.tag() == Tag::OctetString {
        return octets_of(any, what);
    }
    if any.tag() != Tag::BitString {
        return Err(SealError::Malformed(format!(
            "{what}: {} is not a BIT STRING",
            any.tag()
        )));
    }
    match any.value().split_first() {
        Some((0, bytes)) => Ok(bytes),
        Some(_) => Err(SealError::Malformed(format!("{what} has unused bits"))),
        None => Err(SealError::Malformed(format!("{what} is empty"))),
    }
}

/// An OBJECT IDENTIFIER.
pub fn oid_of(any: &Any, what: &str) -> Result<ObjectIdentifier, SealError> {
    ObjectIdentifier::try_from(any.value()).map_err(|e| bad(what, e))
}

/// A GeneralizedTime or UTCTime leaf as [`Time`]. Fractional seconds are ignored and a
/// missing `Z` is read as UTC, as products write both.
pub fn time_of(any: &Any, what: &str) -> Result<Time, SealError> {
    match any.tag() {
        Tag::GeneralizedTime | Tag::UtcTime => {
            parse_time_text(any.value(), any.tag() == Tag::UtcTime).ok_or_else(|| {
                SealError::Malformed(format!(
                    "{what}: unreadable time {:?}",
                    String::from_utf8_lossy(any.value())
                ))
            })
        }
        other => Err(SealError::Malformed(format!("{what}: {other} is not a time"))),
    }
}

/// `YYYYMMDDHHMMSS[.f…][Z]` or, for UTCTime, `YYMMDDHHMMSS[Z]` (years 50–99 are 19xx).
pub fn parse_time_text(text: &[u8], utc_time: bool) -> Option<Time> {
    let digits_len = if utc_time { 12 } else { 14 };
    let digits = text.get(..digits_len)?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let rest = &text[digits_len..];
    let rest = match rest.iter().position(|&b| b == b'Z') {
        Some(z) if z + 1 == rest.len() => &rest[..z],
        Some(_) => return None,
        None => rest,
    };
    if !(rest.is_empty() || (rest[0] == b'.' && rest.len() > 1 && rest[1..].iter().all(u8::is_ascii_digit))) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| digits[r].iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0'));
    let (year, off) = if utc_time {
        let yy = num(0..2) as i32;
        (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
    } else {
        (num(0..4) as i32, 4)
    };
    Time::from_utc_fields(
        year,
        num(off..off + 2) as u8,
        num(off + 2..off + 4) as u8,
        num(off + 4..off + 6) as u8,
        num(off + 6..off + 8) as u8,
        num(off + 8..off + 10) as u8,
    )
}

/// The certificate list of a seal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertList {
    /// DER certificates of the signers allowed to use the seal.
    Certificates(Vec<Vec<u8>>),
    /// Digests of those certificates: (algorithm name as written, digest).
    Digests(Vec<(String, Vec<u8>)>),
}

impl PropertyInfo {
    /// The certificate list, by `certListType` (v1 lists certificates).
    pub fn cert_list(&self) -> Result<CertList, SealError> {
        let list_type = match &self.cert_list_type {
            Some(t) => int_of(t, "property.certListType")?,
            None => 1,
        };
        let items = elements(&self.cert_list, "property.certList")?;
        if items.len() > MAX_CERT_LIST {
            return Err(SealError::TooLarge(format!(
                "{} entries in the certificate list",
                items.len()
            )));
        }
        match list_type {
            1 => items
                .iter()
                .map(|i| octets_of(i, "certList entry").map(<[u8]>::to_vec))
                .collect::<Result<_, _>>()
                .map(CertList::Certificates),
            2 => items
                .iter()
                .map(|i| {
                    let mut parts = elements(i, "CertDigestObj")?.into_iter();
                    let kind = take(&mut parts, "CertDigestObj.type")?;
                    let value = take(&mut parts, "CertDigestObj.value")?;
                    Ok((
                        text_of(&kind, "CertDigestObj.type")?,
                        octets_of(&value, "CertDigestObj.value")?.to_vec(),
                    ))
                })
                .collect::<Result<_, SealError>>()
                .map(CertList::Digests),
            other => Err(SealError::Unsupported(format!("certListType {other}"))),
        }
    }
}

impl TbsSign {
    /// The claimed signing time: v4 GeneralizedTime; v1 a BIT STRING holding time text.
    pub fn time(&self) -> Result<Time, SealError> {
        match self.time_info.tag() {
            Tag::GeneralizedTime | Tag::UtcTime => time_of(&self.time_info, "TBS_Sign.timeInfo"),
            Tag::BitString | Tag::OctetString => {
                let text = bits_of(&self.time_info, "TBS_Sign.timeInfo")?;
                parse_time_text(text, false)
                    .or_else(|| parse_time_text(text, true))
                    .or_else(|| {
                        parse_time_text(
                            &text
                                .iter()
                                .copied()
                                .filter(u8::is_ascii_digit)
                                .chain(*b"Z")
                                .collect::<Vec<_>>(),
                            false,
                        )
                    })
                    .ok_or_else(|| SealError::Malformed("TBS_Sign.timeInfo: unreadable time".into()))
            }
            other => Err(SealError::Malformed(format!(
                "TBS_Sign.timeInfo: {other} is not a time"
            ))),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Leaf builders, for making seals.
// ---------------------------------------------------------------------------------------

fn any_of(value: impl Encode, what: &str) -> Result<Any, SealError> {
    let der = value.to_der().map_err(|e| bad(what, e))?;
    Any::from_der(&der).map_err(|e| bad(what, e))
}

/// An IA5String leaf.
pub fn ia5(text: &str) -> Result<Any, SealError> {
    any_of(Ia5StringRef::new(text).map_err(|e| bad("IA5String", e))?, "IA5String")
}

/// A UTF8String leaf.
pub fn utf8(text: &str) -> Result<Any, SealError> {
    any_of(
        Utf8StringRef::new(text).map_err(|e| bad("UTF8String", e))?,
        "UTF8String",
    )
}

/// An INTEGER leaf.
pub fn integer(value: u64) -> Result<Any, SealError> {
    any_of(value, "INTEGER")
}

/// An OCTET STRING leaf.
pub fn octets(bytes: &[u8]) -> Result<Any, SealError> {
    any_of(
        der::asn1::OctetString::new(bytes.to_vec()).map_err(|e| bad("OCTET STRING", e))?,
        "OCTET STRING",
    )
}

/// A BIT STRING leaf with no unused bits.
pub fn bits(bytes: &[u8]) -> Result<Any, SealError> {
    any_of(
        BitStringRef::from_bytes(bytes).map_err(|e| bad("BIT STRING", e))?,
        "BIT STRING",
    )
}

/// An OBJECT IDENTIFIER leaf.
pub fn oid(value: ObjectIdentifier) -> Result<Any, SealError> {
    any_of(value, "OBJECT IDENTIFIER")
}

/// A time leaf: GeneralizedTime (v4) or UTCTime (v1).
pub fn time_leaf(t: Time, utc_time: bool) -> Result<Any, SealError> {
    let duration = std::time::Duration::from_secs(
        u64::try_from(t.unix()).map_err(|_| SealError::Malformed("time before 1970".into()))?,
    );
    if utc_time {
        any_of(
            UtcTime::from_unix_duration(duration).map_err(|e| bad("UTCTime", e))?,
            "UTCTime",
        )
    } else {
        any_of(
            GeneralizedTime::from_unix_duration(duration).map_err(|e| bad("GeneralizedTime", e))?,
            "GeneralizedTime",
        )
    }
}

/// A SEQUENCE leaf of complete TLVs.
pub fn sequence_of(parts: &[Any]) -> Result<Any, SealError> {
    let der: Vec<Vec<u8>> = parts.iter().map(tlv).collect::<Result<_, _>>()?;
    let seq = sequence(&der.iter().map(Vec::as_slice).collect::<Vec<_>>())?;
    Any::from_der(&seq).map_err(|e| bad("SEQUENCE", e))
}

/// A context-specific, constructed `[n]` leaf wrapping `inner`.
pub fn explicit(n: u8, inner: &[u8]) -> Result<Any, SealError> {
    let tag = Tag::ContextSpecific {
        constructed: true,
        number: der::TagNumber(u32::from(n)),
    };
    let header = Header::new(tag, Length::try_from(inner.len()).map_err(|e| bad("length", e))?)
        .to_der()
        .map_err(|e| bad("header", e))?;
    let mut der = header;
    der.extend_from_slice(inner);
    Any::from_der(&der).map_err(|e| bad("[n]", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_text_forms() {
        let t = Time::parse("2020-10-12T11:14:03Z").unwrap();
        assert_eq!(parse_time_text(b"20201012111403Z", false), Some(t));
        assert_eq!(parse_time_text(b"20201012111403.123Z", false), Some(t));
        assert_eq!(parse_time_text(b"20201012111403", false), Some(t));
        assert_eq!(parse_time_text(b"201012111403Z", true), Some(t));
        assert_eq!(parse_time_text(b"2020101211140", false), None);
        assert_eq!(parse_time_text(b"20201312111403Z", false), None);
        assert_eq!(parse_time_text(b"20201012111403Zx", false), None);
    }
}
