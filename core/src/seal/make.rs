//! Making seals and seal signatures with SM2/SM3 — for backend services that issue them and
//! for producing test documents. The output decodes with [`super::asn1`] and verifies with
//! [`super::verify`]; its signatures verify with OpenSSL.

use super::asn1::{
    bits, explicit, ia5, integer, octets, oid, sequence_of, time_leaf, utf8, PictureInfo, PropertyInfo, Seal, SealInfo,
    SealVersion, SesHeader, SesSignature, TbsSign,
};
use super::SealError;
use crate::alg::oid as oids;
use crate::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
use crate::sm::sm3::sm3;
use crate::time::Time;
use crate::x509::Certificate;

/// What a new seal says.
#[derive(Debug, Clone)]
pub struct SealSpec {
    /// v4 (default) or v1.
    pub version: SealVersion,
    /// Vendor id (`Vid`).
    pub vendor: String,
    /// Seal identifier (`esID`).
    pub es_id: String,
    /// 1 organisation, 2 personal.
    pub seal_type: u64,
    /// The seal's name.
    pub name: String,
    /// DER certificates of the signers allowed to use the seal.
    pub signer_certificates: Vec<Vec<u8>>,
    /// When it was made.
    pub created: Time,
    /// Validity start.
    pub valid_from: Time,
    /// Validity end.
    pub valid_to: Time,
    /// Picture format (`PNG`, `JPG`, `GIF`, `OFD`, …).
    pub picture_type: String,
    /// Picture bytes.
    pub picture: Vec<u8>,
    /// Displayed width, millimetres.
    pub width_mm: u64,
    /// Displayed height, millimetres.
    pub height_mm: u64,
}

/// What a new seal signature says.
#[derive(Debug, Clone)]
pub struct SignSpec {
    /// The signing time written into `timeInfo`.
    pub time: Time,
    /// Where the signed data lives (for OFD, the path of Signature.xml).
    pub property_info: String,
    /// SM3 digest of the protected data.
    pub data_hash: [u8; 32],
}

impl SignSpec {
    /// A spec for `data` signed at `time`.
    pub fn for_data(data: &[u8], time: Time, property_info: &str) -> SignSpec {
        SignSpec {
            time,
            property_info: property_info.to_owned(),
            data_hash: sm3(data),
        }
    }
}

fn sm2_sign(key: &PrivateKey, message: &[u8]) -> Result<Vec<u8>, SealError> {
    Sm2Signer::new(key, DEFAULT_DISTID)
        .and_then(|s| s.sign(message, SignatureEncoding::Der))
        .map_err(|e| SealError::Make(e.to_string()))
}

fn check_key_matches(key: &PrivateKey, cert_der: &[u8], who: &str) -> Result<(), SealError> {
    let cert = Certificate::from_der(cert_der).map_err(|e| SealError::Make(format!("{who} certificate: {e}")))?;
    if cert.spki_der() != key.public_key().to_spki_der() {
        return Err(SealError::Make(format!(
            "the {who} key does not match the {who} certificate"
        )));
    }
    Ok(())
}

/// Makes a seal signed by `maker_key`, whose certificate is `maker_cert` (DER). Returns DER.
pub fn make_seal(spec: &SealSpec, maker_key: &PrivateKey, maker_cert: &[u8]) -> Result<Vec<u8>, SealError> {
    check_key_matches(maker_key, maker_cert, "maker")?;
    let v1 = spec.version == SealVersion::V1;
    let certs = spec
        .signer_certificates
        .iter()
        .map(|c| octets(c))
        .collect::<Result<Vec<_>, _>>()?;
    let info = SealInfo {
        header: SesHeader {
            id: ia5("ES")?,
            version: integer(if v1 { 1 } else { 4 })?,
            vid: ia5(&spec.vendor)?,
        },
        es_id: ia5(&spec.es_id)?,
        property: PropertyInfo {
            seal_type: integer(spec.seal_type)?,
            name: utf8(&spec.name)?,
            cert_list_type: if v1 { None } else { Some(integer(1)?) },
            cert_list: sequence_of(&certs)?,
            create_date: time_leaf(spec.created, v1)?,
            valid_start: time_leaf(spec.valid_from, v1)?,
            valid_end: time_leaf(spec.valid_to, v1)?,
        },
        picture: PictureInfo {
            kind: ia5(&spec.picture_type)?,
            data: octets(&spec.picture)?,
            width: integer(spec.width_mm)?,
            height: integer(spec.height_mm)?,
        },
        ext_datas: None,
    };
    let mut seal = Seal {
        version: spec.version,
        info,
        cert: octets(maker_cert)?,
        sign_alg: oid(oids::SM2_SM3)?,
        signed_value: bits(&[])?,
        extra: Vec::new(),
    };
    seal.signed_value = bits(&sm2_sign(maker_key, &seal.maker_signed_bytes()?)?)?;
    seal.encode()
}

/// Signs with a seal: builds the `SES_Signature` (layout of the seal's version) for the data
/// whose SM3 digest is in `spec`, signed by `signer_key` (certificate `signer_cert`, DER).
pub fn sign(
    seal_der: &[u8],
    signer_key: &PrivateKey,
    signer_cert: &[u8],
    spec: &SignSpec,
) -> Result<Vec<u8>, SealError> {
    check_key_matches(signer_key, signer_cert, "signer")?;
    let seal = Seal::decode(seal_der)?;
    let v1 = seal.version == SealVersion::V1;
    let time_text = spec.time.to_string().replace(['-', ':', 'T'], "");
    let to_sign = TbsSign {
        version: integer(if v1 { 1 } else { 4 })?,
        time_info: if v1 {
            bits(time_text.as_bytes())?
        } else {
            time_leaf(spec.time, false)?
        },
        eseal: seal,
        data_hash: bits(&spec.data_hash)?,
        property_info: ia5(&spec.property_info)?,
        cert: if v1 { Some(octets(signer_cert)?) } else { None },
        signature_algorithm: if v1 { Some(oid(oids::SM2_SM3)?) } else { None },
        extra: Vec::new(),
    };
    let signature = bits(&sm2_sign(signer_key, &to_sign.encode()?)?)?;
    let sig = SesSignature {
        version: if v1 { SealVersion::V1 } else { SealVersion::V4 },
        cert: if v1 { None } else { Some(octets(signer_cert)?) },
        signature_alg: if v1 { None } else { Some(oid(oids::SM2_SM3)?) },
        to_sign,
        signature,
        time_stamp: None,
        extra: Vec::new(),
    };
    sig.encode()
}

/// The bytes a time-stamp authority must stamp for a seal signature: its signature value.
pub fn signature_value(sig_der: &[u8]) -> Result<Vec<u8>, SealError> {
    let sig = SesSignature::decode(sig_der)?;
    Ok(super::asn1::bits_of(&sig.signature, "signature")?.to_vec())
}

/// Adds an RFC 3161 time-stamp token (DER TimeStampToken over [`signature_value`]) to a v4
/// seal signature, as `timeStamp [0]` holding the token in a BIT STRING (GB/T 38540).
pub fn add_time_stamp(sig_der: &[u8], token: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut sig = SesSignature::decode(sig_der)?;
    if sig.version == SealVersion::V1 {
        return Err(SealError::Make("v1 seal signatures carry no time-stamp".into()));
    }
    sig.time_stamp = Some(explicit(0, &super::asn1::tlv(&bits(token)?)?)?);
    sig.encode()
}
