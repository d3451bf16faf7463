//! OCSP responses (RFC 6960) supplied by the caller: decoded, their signature verified
//! (by the CA itself or by a responder certificate it delegated with id-kp-OCSPSigning), and
//! consulted for a certificate's status. The library never fetches them.

use der::asn1::{BitString, GeneralizedTime, Null, ObjectIdentifier, OctetString};
use der::{Choice, Decode, Encode, Enumerated, Sequence};
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::Extensions;
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;

use super::cert::{x509_time, Certificate};
use super::X509Error;
use crate::alg::{verify_signature, DigestAlgorithm, SignatureAlgorithm};
use crate::time::Time;

/// Largest OCSP response accepted.
pub const MAX_OCSP_SIZE: usize = 1024 * 1024;

/// id-pkix-ocsp-basic.
const OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-kp-OCSPSigning.
const OCSP_SIGNING: &str = "1.3.6.1.5.5.7.3.9";

#[derive(Clone, Debug, Copy, PartialEq, Eq, Enumerated)]
#[asn1(type = "ENUMERATED")]
#[repr(u32)]
enum ResponseStatus {
    Successful = 0,
    MalformedRequest = 1,
    InternalError = 2,
    TryLater = 3,
    SigRequired = 5,
    Unauthorized = 6,
}

#[derive(Clone, Debug, Sequence)]
struct OcspResponse {
    status: ResponseStatus,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    bytes: Option<ResponseBytes>,
}

#[derive(Clone, Debug, Sequence)]
struct ResponseBytes {
    response_type: ObjectIdentifier,
    response: OctetString,
}

#[derive(Clone, Debug, Sequence)]
struct BasicOcspResponse {
    tbs_response_data: der::Any,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: BitString,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    certs: Option<Vec<x509_cert::Certificate>>,
}

#[derive(Clone, Debug, Sequence)]
struct ResponseData {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", default = "Default::default")]
    version: u8,
    responder_id: ResponderId,
    produced_at: GeneralizedTime,
    responses: Vec<SingleResponse>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Choice)]
enum ResponderId {
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", constructed = "true")]
    ByName(Name),
    #[asn1(context_specific = "2", tag_mode = "EXPLICIT", constructed = "true")]
    ByKey(OctetString),
}

#[derive(Clone, Debug, Sequence)]
struct SingleResponse {
    cert_id: CertId,
    cert_status: CertStatus,
    this_update: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    next_update: Option<GeneralizedTime>,
    #[asn1(context_specific = "1", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Extensions>,
}

#[derive(Clone, Debug, Sequence)]
struct CertId {
    hash_algorithm: AlgorithmIdentifierOwned,
    issuer_name_hash: OctetString,
    issuer_key_hash: OctetString,
    serial_number: SerialNumber,
}

#[derive(Clone, Debug, Choice)]
enum CertStatus {
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT")]
    Good(Null),
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", constructed = "true")]
    Revoked(RevokedInfo),
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT")]
    Unknown(Null),
}

#[derive(Clone, Debug, Sequence)]
struct RevokedInfo {
    revocation_time: GeneralizedTime,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    reason: Option<der::Any>,
}

/// A decoded, successful basic OCSP response.
#[derive(Debug, Clone)]
pub struct OcspResponseInfo {
    tbs_der: Vec<u8>,
    data: ResponseData,
    signature_algorithm: AlgorithmIdentifierOwned,
    signature: Vec<u8>,
    certs: Vec<Certificate>,
}

/// What an OCSP response says of one certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspStatus {
    /// Good at the validation time.
    Good,
    /// Revoked at this time.
    Revoked(Time),
    /// The responder does not know the certificate.
    Unknown,
}

impl OcspResponseInfo {
    /// Decodes a DER `OCSPResponse`; only `successful` basic responses are usable.
    pub fn from_der(der: &[u8]) -> Result<OcspResponseInfo, X509Error> {
        if der.len() > MAX_OCSP_SIZE {
            return Err(X509Error::TooLarge(format!("OCSP response of {} bytes", der.len())));
        }
        let bad = |e: der::Error| X509Error::Malformed(format!("OCSP response: {e}"));
        let outer = OcspResponse::from_der(der).map_err(bad)?;
        if outer.status != ResponseStatus::Successful {
            return Err(X509Error::Unsupported(format!(
                "OCSP response status {:?}",
                outer.status
            )));
        }
        let bytes = outer
            .bytes
            .ok_or_else(|| X509Error::Malformed("successful OCSP response without a body".into()))?;
        if bytes.response_type != OCSP_BASIC {
            return Err(X509Error::Unsupported(format!(
                "OCSP response type {}",
                bytes.response_type
            )));
        }
        OcspResponseInfo::from_basic_der(bytes.response.as_bytes())
    }

    /// Decodes a DER `BasicOCSPResponse` (as CAdES revocationValues and CMS
    /// revocationInfoChoices hold it, without the OCSPResponse wrapper).
    pub fn from_basic_der(der: &[u8]) -> Result<OcspResponseInfo, X509Error> {
        if der.len() > MAX_OCSP_SIZE {
            return Err(X509Error::TooLarge(format!("OCSP response of {} bytes", der.len())));
        }
        let bad = |e: der::Error| X509Error::Malformed(format!("OCSP response: {e}"));
        let basic = BasicOcspResponse::from_der(der).map_err(bad)?;
        let tbs_der = basic.tbs_response_data.to_der().map_err(bad)?;
        let data = ResponseData::from_der(&tbs_der).map_err(bad)?;
        let mut certs = Vec::new();
        for cert in basic.certs.unwrap_or_default() {
            certs.push(Certificate::from_der(&cert.to_der().map_err(bad)?)?);
        }
        let signature = basic
            .signature
            .as_bytes()
            .ok_or_else(|| X509Error::Malformed("OCSP signature BIT STRING has unused bits".into()))?
            .to_vec();
        Ok(OcspResponseInfo {
            tbs_der,
            data,
            signature_algorithm: basic.signature_algorithm,
            signature,
            certs,
        })
    }

    /// When the response was produced.
    pub fn produced_at(&self) -> Time {
        x509_time(&x509_cert::time::Time::GeneralTime(self.data.produced_at))
    }

    /// Whether one of the responses is about `cert`: same serial number and issuer name hash
    /// (the issuer key hash is not compared, so no issuer certificate is needed; nothing is
    /// verified). For choosing which responses to keep with a signature, not for validation.
    pub fn mentions(&self, cert: &Certificate) -> bool {
        let Ok(issuer_name) = cert.inner().tbs_certificate().issuer().to_der() else {
            return false;
        };
        self.data.responses.iter().any(|single| {
            let id = &single.cert_id;
            id.serial_number.as_bytes() == cert.serial_bytes()
                && DigestAlgorithm::from_oid(&id.hash_algorithm.oid)
                    .is_some_and(|d| d.digest(&issuer_name) == id.issuer_name_hash.as_bytes())
        })
    }

    /// The status of `cert` (issued by `issuer`) at `at`, after checking the response's
    /// signature and the responder's authority. `Err` says why the response cannot be used.
    /// `freshness` says when the response is usable (current at `at`, or fresh for a past time).
    pub fn status_of(
        &self,
        cert: &Certificate,
        issuer: &Certificate,
        at: Time,
        freshness: super::Freshness,
    ) -> Result<OcspStatus, String> {
        self.check_signer(issuer, at)?;
        let issuer_name = issuer
            .inner()
            .tbs_certificate()
            .subject()
            .to_der()
            .map_err(|e| e.to_string())?;
        let issuer_key = issuer
            .inner()
            .tbs_certificate()
            .subject_public_key_info()
            .subject_public_key
            .raw_bytes();
        for single in &self.data.responses {
            let id = &single.cert_id;
            if id.serial_number.as_bytes() != cert.serial_bytes() {
                continue;
            }
            let digest = DigestAlgorithm::from_oid(&id.hash_algorithm.oid)
                .ok_or_else(|| format!("CertID hash {} is not supported", id.hash_algorithm.oid))?;
            if digest.digest(&issuer_name) != id.issuer_name_hash.as_bytes()
                || digest.digest(issuer_key) != id.issuer_key_hash.as_bytes()
            {
                continue;
            }
            freshness
                .check(gt(&single.this_update), single.next_update.as_ref().map(gt))
                .map_err(|m| format!("OCSP response {m}"))?;
            return Ok(match &single.cert_status {
                CertStatus::Good(_) => OcspStatus::Good,
                CertStatus::Revoked(info) if gt(&info.revocation_time) <= at => {
                    OcspStatus::Revoked(gt(&info.revocation_time))
                }
                CertStatus::Revoked(_) => OcspStatus::Good,
                CertStatus::Unknown(_) => OcspStatus::Unknown,
            });
        }
        Err("the OCSP response does not cover this certificate".into())
    }

    /// The response is signed by the issuer, or by a certificate the issuer issued with
    /// id-kp-OCSPSigning that is valid at `at`.
    fn check_signer(&self, issuer: &Certificate, at: Time) -> Result<(), String> {
        let params = self
            .signature_algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.to_der().ok());
        let alg = SignatureAlgorithm::from_algorithm_identifier(&self.signature_algorithm.oid, params.as_deref())
            .map_err(|e| e.to_string())?;
        if verify_signature(alg, issuer.spki(), &self.tbs_der, &self.signature).is_ok() {
            return Ok(());
        }
        for responder in &self.certs {
            let delegated = responder.issuer_key() == issuer.subject_key()
                && responder
                    .extensions()
                    .ext_key_usage
                    .as_ref()
                    .is_some_and(|eku| eku.iter().any(|o| o.to_string() == OCSP_SIGNING))
                && responder.not_before() <= at
                && at <= responder.not_after();
            if !delegated {
                continue;
            }
            let responder_alg = responder.signature_algorithm().map_err(|e| e.to_string())?;
            verify_signature(responder_alg, issuer.spki(), responder.tbs_der(), responder.signature())
                .map_err(|e| format!("OCSP responder certificate: {e}"))?;
            return verify_signature(alg, responder.spki(), &self.tbs_der, &self.signature)
                .map(|_| ())
                .map_err(|e| format!("OCSP response signature: {e}"));
        }
        Err("the OCSP response is signed neither by the issuer nor by a responder it authorised".into())
    }
}

fn gt(t: &GeneralizedTime) -> Time {
    x509_time(&x509_cert::time::Time::GeneralTime(*t))
}
