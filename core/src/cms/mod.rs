//! CMS SignedData (RFC 5652, and GM/T 0010 / GB/T 35275 with the SM2 OIDs): parsing and the
//! verification of one SignerInfo over detached or encapsulated content, RFC 3161
//! time-stamp tokens ([`tsp`]), and making a detached SignedData over a digest ([`build`],
//! for PDF signing).
//!
//! Input may be BER (indefinite lengths, content in segments, zero padding after the value):
//! [`ber::normalize`] turns it into DER first, and the own strict-DER walker (`tlv`) parses
//! that. The walker is kept rather than RustCrypto `cms` because verification needs the exact
//! bytes of elements (signed attributes, certificates, eContent), GM/T 0010 OIDs and raw
//! r‖s SM2 values that the typed decoders refuse. The signature is verified over the DER
//! SET OF the signed attributes (RFC 5652 §5.4: the `[0] IMPLICIT` tag turned back into
//! `0x31`, elements in DER order); when a signer signed its own non-DER encoding instead, that
//! is tried second and the check says so.
//!
//! Verification returns [`Check`]s for embedding into a caller's [`Report`](crate::report::Report) (seal, OFD, PDF):
//! `cms.encoding` (a note, for BER, zero padding or an empty eContent), `cms.algorithms`,
//! `cms.signer-certificate`, `cms.signed-attributes`, `cms.message-digest`, `cms.signature`,
//! `cms.signing-certificate` when an ESS signingCertificate(V2) attribute is present, and
//! `cms.counter-signature` per counter-signature. An SM2 signature that verifies only without
//! Z or with an empty ID is [`Reason::NonStandardSm2`] unless [`CmsOptions`] accepts the
//! no-Z variant. [`file::verify_report`] verifies a whole `.p7s`/`.p7m` (attached or detached)
//! with one report part per SignerInfo, its chain and signature time-stamp included.
//!
//! ```no_run
//! use yinjian::cms::SignedData;
//!
//! let signed = SignedData::from_der(&std::fs::read("document.p7s")?)?;
//! for signer in &signed.signers {
//!     println!("{:?} signed at {:?}", signer.signature_algorithm()?, signer.signing_time());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod ber;
#[cfg(feature = "sign")]
pub mod build;
pub mod file;
mod tlv;
pub mod tsp;

use std::io::Read;

use der::asn1::ObjectIdentifier;
use der::Decode;
use thiserror::Error;

use crate::alg::{self, verify_signature, CryptoConstraints, DigestAlgorithm, SignatureAlgorithm};
use crate::report::{Check, Reason, Status};
use crate::time::Time;
use crate::x509::{name, Certificate, Crl};
use tlv::{read_single, Tlv, Walker};

/// Largest CMS (or time-stamp token) accepted, in bytes.
pub const MAX_CMS_SIZE: usize = 32 * 1024 * 1024;
/// Most SignerInfos in one SignedData.
pub const MAX_SIGNERS: usize = 32;
/// Most certificates in the `certificates` field.
pub const MAX_CERTIFICATES: usize = 256;
/// Most CRLs in the `crls` field.
pub const MAX_CRLS: usize = 64;
/// Most digest algorithms in `digestAlgorithms`.
pub const MAX_DIGEST_ALGORITHMS: usize = 16;
/// Most attributes in one signed or unsigned attribute set.
pub const MAX_ATTRIBUTES: usize = 64;
/// Most values of one attribute.
pub const MAX_ATTRIBUTE_VALUES: usize = 16;
/// Largest content read from a stream when there are no signed attributes (the signature is
/// then over the content itself, which must be held in memory).
pub const MAX_CONTENT_WITHOUT_ATTRIBUTES: usize = 256 * 1024 * 1024;

/// The report kind of [`file::verify_report`].
pub const REPORT_KIND: &str = "cms-signature";

/// Object identifiers of CMS, ESS and TSP.
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// id-signedData (RFC 5652).
    pub const SIGNED_DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.2");
    /// id-data (RFC 5652).
    pub const DATA: Oid = Oid::new_unwrap("1.2.840.113549.1.7.1");
    /// signedData with SM2 (GM/T 0010, GB/T 35275).
    pub const SM2_SIGNED_DATA: Oid = Oid::new_unwrap("1.2.156.10197.6.1.4.2.2");
    /// data with SM2 (GM/T 0010, GB/T 35275).
    pub const SM2_DATA: Oid = Oid::new_unwrap("1.2.156.10197.6.1.4.2.1");
    /// id-ct-TSTInfo (RFC 3161).
    pub const TST_INFO: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.1.4");
    /// id-contentType attribute.
    pub const CONTENT_TYPE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.3");
    /// id-messageDigest attribute.
    pub const MESSAGE_DIGEST: Oid = Oid::new_unwrap("1.2.840.113549.1.9.4");
    /// id-signingTime attribute.
    pub const SIGNING_TIME: Oid = Oid::new_unwrap("1.2.840.113549.1.9.5");
    /// id-aa-signingCertificate (ESS, RFC 2634).
    pub const SIGNING_CERTIFICATE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.12");
    /// id-aa-signingCertificateV2 (ESS, RFC 5035).
    pub const SIGNING_CERTIFICATE_V2: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.47");
    /// id-countersignature (RFC 5652 §11.4).
    pub const COUNTER_SIGNATURE: Oid = Oid::new_unwrap("1.2.840.113549.1.9.6");
    /// id-aa-signatureTimeStampToken (RFC 3161 appendix A).
    pub const SIGNATURE_TIME_STAMP_TOKEN: Oid = Oid::new_unwrap("1.2.840.113549.1.9.16.2.14");
    /// id-kp-timeStamping.
    pub const KP_TIME_STAMPING: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.3.8");
    /// The SM2 key OID with the `.1` suffix, used by some products as a signature algorithm.
    pub const SM2_KEY_1: Oid = Oid::new_unwrap("1.2.156.10197.1.301.1");
}

/// Why CMS input could not be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CmsError {
    /// Not DER, or not the structure RFC 5652 / RFC 3161 describe.
    #[error("malformed CMS: {0}")]
    Malformed(String),
    /// Larger than a named limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// A content type, algorithm or form this crate does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// A required element is absent.
    #[error("missing: {0}")]
    Missing(String),
    /// Reading the content failed.
    #[error("reading the content: {0}")]
    Io(String),
}

impl CmsError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            CmsError::Malformed(_) | CmsError::Io(_) => Reason::Malformed,
            CmsError::TooLarge(_) => Reason::TooLarge,
            CmsError::Unsupported(_) => Reason::Unsupported,
            CmsError::Missing(_) => Reason::Missing,
        }
    }
}

/// An AlgorithmIdentifier: the OID and the DER of the parameters, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlgorithmId {
    /// The algorithm.
    pub oid: ObjectIdentifier,
    /// DER of the parameters (NULL included when present).
    pub parameters: Option<Vec<u8>>,
}

/// One attribute: its type and the DER of each value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// attrType.
    pub oid: ObjectIdentifier,
    /// The DER of each of attrValues.
    pub values: Vec<Vec<u8>>,
}

/// How a SignerInfo names its certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignerIdentifier {
    /// issuerAndSerialNumber.
    IssuerAndSerialNumber {
        /// DER of the issuer Name.
        issuer: Vec<u8>,
        /// The issuer, for display.
        issuer_text: String,
        /// Content octets of the serial INTEGER.
        serial: Vec<u8>,
    },
    /// subjectKeyIdentifier.
    SubjectKeyIdentifier(Vec<u8>),
}

impl std::fmt::Display for SignerIdentifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SignerIdentifier::IssuerAndSerialNumber {
                issuer_text, serial, ..
            } => write!(f, "issuer {issuer_text}, serial {}", hex::encode(serial)),
            SignerIdentifier::SubjectKeyIdentifier(ski) => write!(f, "subjectKeyIdentifier {}", hex::encode(ski)),
        }
    }
}

/// One SignerInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignerInfo {
    /// CMSVersion (1 with issuerAndSerialNumber, 3 with subjectKeyIdentifier).
    pub version: u64,
    /// The signer's certificate, named.
    pub sid: SignerIdentifier,
    /// digestAlgorithm.
    pub digest_algorithm: AlgorithmId,
    /// The DER of the signed attributes re-tagged as SET OF: what the signature covers.
    pub signed_attributes_der: Option<Vec<u8>>,
    /// The signed attributes as the signer encoded them (re-tagged as SET), when that is not
    /// their DER (BER lengths, SET OF not in DER order): tried second for the signature.
    pub signed_attributes_as_encoded: Option<Vec<u8>>,
    /// The signed attributes, decoded.
    pub signed_attributes: Vec<Attribute>,
    /// signatureAlgorithm.
    pub signature_algorithm: AlgorithmId,
    /// The signature value.
    pub signature: Vec<u8>,
    /// The unsigned attributes.
    pub unsigned_attributes: Vec<Attribute>,
}

impl SignerInfo {
    /// The signed attribute `oid`, if present.
    pub fn signed_attribute(&self, oid: &ObjectIdentifier) -> Option<&Attribute> {
        self.signed_attributes.iter().find(|a| &a.oid == oid)
    }

    /// The unsigned attribute `oid`, if present.
    pub fn unsigned_attribute(&self, oid: &ObjectIdentifier) -> Option<&Attribute> {
        self.unsigned_attributes.iter().find(|a| &a.oid == oid)
    }

    /// The digest algorithm, if known (a signature OID such as sha256WithRSAEncryption in
    /// digestAlgorithm is read as its digest, as Adobe and EU DSS do: see
    /// [`SignerInfo::algorithm_notes`]).
    pub fn digest(&self) -> Option<DigestAlgorithm> {
        alg::signer_info_digest(&self.digest_algorithm.oid).map(|(d, _)| d)
    }

    /// What was lenient in reading digestAlgorithm and signatureAlgorithm together, for the
    /// report (see [`alg::signer_info_signature_algorithm`]).
    pub fn algorithm_notes(&self) -> Vec<String> {
        let digest_note = alg::signer_info_digest(&self.digest_algorithm.oid).and_then(|(_, n)| n);
        let signature_note = alg::signer_info_signature_algorithm(
            &self.digest_algorithm.oid,
            &self.signature_algorithm.oid,
            self.signature_algorithm.parameters.as_deref(),
        )
        .ok()
        .and_then(|(_, n)| n);
        digest_note.into_iter().chain(signature_note).collect()
    }

    /// The signature algorithm, as the registry knows it: the SM2 key OIDs used as
    /// signatureAlgorithm mean SM2-with-SM3, rsaEncryption and id-ecPublicKey take their hash
    /// from digestAlgorithm.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, CmsError> {
        let oid = self.signature_algorithm.oid;
        match oid {
            alg::oid::SM2_SM3 | alg::oid::SM2_CURVE | oid::SM2_KEY_1 => Ok(SignatureAlgorithm::Sm2Sm3),
            _ => alg::signer_info_signature_algorithm(
                &self.digest_algorithm.oid,
                &oid,
                self.signature_algorithm.parameters.as_deref(),
            )
            .map(|(a, _)| a)
            .map_err(|e| match e {
                e @ alg::AlgError::InconsistentParameters(_) => CmsError::Malformed(e.to_string()),
                e => CmsError::Unsupported(format!("signature algorithm: {e}")),
            }),
        }
    }

    /// The signingTime attribute, if present and readable.
    pub fn signing_time(&self) -> Option<Time> {
        let value = self.signed_attribute(&oid::SIGNING_TIME)?.values.first()?;
        let tlv = read_single(value, "signingTime").ok()?;
        parse_time(&tlv)
    }
}

/// A decoded SignedData.
#[derive(Debug, Clone)]
pub struct SignedData {
    /// The ContentInfo's contentType (RFC 5652 or GM/T 0010 signedData).
    pub content_type: ObjectIdentifier,
    /// CMSVersion.
    pub version: u64,
    /// digestAlgorithms.
    pub digest_algorithms: Vec<AlgorithmId>,
    /// eContentType.
    pub econtent_type: ObjectIdentifier,
    /// eContent, when the content is encapsulated.
    pub econtent: Option<Vec<u8>>,
    /// The certificates of the `certificates` field that decode.
    pub certificates: Vec<Certificate>,
    /// Why other entries of `certificates` were not used (attribute certificates, undecodable).
    pub certificate_errors: Vec<String>,
    /// The CRLs of the `crls` field.
    pub crls: Vec<Crl>,
    /// The OCSP responses of the `crls` field (RFC 5940 OtherRevocationInfoFormat
    /// id-ri-ocsp-response), as DER OCSPResponse.
    pub ocsp_responses: Vec<Vec<u8>>,
    /// The signers.
    pub signers: Vec<SignerInfo>,
    /// True when the input was BER (indefinite lengths, constructed strings, long lengths).
    pub was_ber: bool,
    /// Zero bytes that followed the value (PDF `/Contents` padding), dropped.
    pub zero_padding: usize,
    /// True when the content was encapsulated but empty (an `eContent` of zero bytes), which
    /// some products write for detached signatures; `econtent` is then `None`.
    pub empty_econtent: bool,
}

/// The content a signature is verified over.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Content<'a> {
    /// The content bytes (detached content).
    Bytes(&'a [u8]),
    /// The digest of the content, made with the signer's digestAlgorithm. Enough only when
    /// there are signed attributes.
    Digest(&'a [u8]),
    /// The encapsulated eContent.
    Encapsulated,
}

/// Options of CMS signature verification (algorithm variants a caller accepts explicitly).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CmsOptions {
    /// Accept an SM2 signature that verifies only without the Z value (e = SM3(message)), as
    /// some legacy products and Tongsuo's `sm2-za:no` write: the check then passes and says
    /// so. Off by default: such a signature is INDETERMINATE [`Reason::NonStandardSm2`].
    pub accept_sm2_without_z: bool,
}

/// What [`SignedData::verify_signer`] found.
#[derive(Debug, Clone)]
#[must_use = "a signer's outcome is in its checks: check its status"]
pub struct SignerVerification {
    /// Which SignerInfo.
    pub index: usize,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// The signer's certificate, when found.
    pub signer_certificate: Option<Certificate>,
    /// The signingTime attribute.
    pub signing_time: Option<Time>,
    /// The digest algorithm.
    pub digest_algorithm: Option<DigestAlgorithm>,
    /// The signature algorithm.
    pub signature_algorithm: Option<SignatureAlgorithm>,
    /// The counter-signatures (unsigned attribute id-countersignature) of this SignerInfo,
    /// each verified over this SignerInfo's signature value.
    pub counter_signatures: Vec<SignerVerification>,
}

impl SignerVerification {
    /// The worst status among the checks.
    pub fn status(&self) -> Status {
        crate::report::worst(&self.checks)
    }

    /// The crypto-constraints check (`cms.crypto-constraints`) for a signature that verified:
    /// `None` when the constraints are met or the signature did not verify (then
    /// `cms.signature` already says why), else INDETERMINATE `CryptoConstraintsFailure`.
    pub fn constraints_check(&self, constraints: &CryptoConstraints) -> Option<Check> {
        let signature = self.check("cms.signature")?;
        if signature.status != Status::Passed {
            return None;
        }
        let cert = self.signer_certificate.as_ref()?;
        let used = signature
            .details
            .get("algorithm_used")
            .and_then(|a| a.as_str())
            .and_then(SignatureAlgorithm::from_name);
        constraints.failure_check(
            "cms.crypto-constraints",
            used.or(self.signature_algorithm)?,
            self.digest_algorithm,
            cert.spki(),
        )
    }

    /// Adds [`SignerVerification::constraints_check`]'s failure, if any, to the checks.
    pub fn apply_constraints(&mut self, constraints: &CryptoConstraints) {
        if let Some(check) = self.constraints_check(constraints) {
            self.checks.push(check);
        }
    }

    /// The first check with this name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

impl SignedData {
    /// Decodes a ContentInfo holding a SignedData (RFC 5652 or GM/T 0010 OIDs), DER or BER,
    /// with zero bytes allowed after it.
    pub fn from_der(input: &[u8]) -> Result<SignedData, CmsError> {
        if input.len() > MAX_CMS_SIZE {
            return Err(CmsError::TooLarge(format!(
                "CMS of {} bytes (limit {MAX_CMS_SIZE})",
                input.len()
            )));
        }
        let normalized = ber::normalize(input)?;
        let mut sd = Self::parse(&normalized.der)?;
        sd.was_ber = normalized.was_ber;
        sd.zero_padding = normalized.zero_padding;
        if normalized.was_ber {
            // The signed attributes as the signer wrote them, for the second try.
            let originals = original_signed_attributes(input).unwrap_or_default();
            for (signer, original) in sd.signers.iter_mut().zip(originals) {
                if let Some(mut raw) = original {
                    if let Some(first) = raw.first_mut() {
                        *first = tlv::SET;
                    }
                    if signer.signed_attributes_der.as_ref() != Some(&raw) {
                        signer.signed_attributes_as_encoded = Some(raw);
                    }
                }
            }
        }
        Ok(sd)
    }

    fn parse(der: &[u8]) -> Result<SignedData, CmsError> {
        let ci = read_single(der, "ContentInfo")?;
        if ci.tag != tlv::SEQUENCE {
            return Err(CmsError::Malformed("ContentInfo is not a SEQUENCE".into()));
        }
        let mut w = Walker::new(ci.content, "ContentInfo");
        let content_type = tlv::oid(&w.expect(tlv::OID, "contentType")?, "contentType")?;
        if content_type != oid::SIGNED_DATA && content_type != oid::SM2_SIGNED_DATA {
            return Err(CmsError::Unsupported(format!(
                "content type {content_type} is not signedData"
            )));
        }
        let explicit = w.expect(tlv::CTX0, "content")?;
        w.finish()?;
        let sd = read_single(explicit.content, "SignedData")?;
        if sd.tag != tlv::SEQUENCE {
            return Err(CmsError::Malformed("SignedData is not a SEQUENCE".into()));
        }
        let mut w = Walker::new(sd.content, "SignedData");
        let version = tlv::small_uint(&w.expect(tlv::INTEGER, "version")?, "SignedData version")?;
        let algs = w.expect(tlv::SET, "digestAlgorithms")?;
        let mut digest_algorithms = Vec::new();
        let mut aw = Walker::new(algs.content, "digestAlgorithms");
        while !aw.is_empty() {
            if digest_algorithms.len() >= MAX_DIGEST_ALGORITHMS {
                return Err(CmsError::TooLarge(format!(
                    "more than {MAX_DIGEST_ALGORITHMS} digest algorithms"
                )));
            }
            digest_algorithms.push(algorithm_id(&aw.next_any()?, "digestAlgorithm")?);
        }
        let eci = w.expect(tlv::SEQUENCE, "encapContentInfo")?;
        let mut ew = Walker::new(eci.content, "encapContentInfo");
        let econtent_type = tlv::oid(&ew.expect(tlv::OID, "eContentType")?, "eContentType")?;
        let mut empty_econtent = false;
        let econtent = match ew.optional(tlv::CTX0)? {
            Some(explicit) => {
                let octets = read_single(explicit.content, "eContent")?;
                if octets.tag != tlv::OCTET_STRING {
                    return Err(CmsError::Malformed(format!(
                        "eContent has tag 0x{:02x}, expected OCTET STRING{}",
                        octets.tag,
                        if octets.tag == 0x24 { " (BER constructed)" } else { "" }
                    )));
                }
                empty_econtent = octets.content.is_empty();
                (!empty_econtent).then(|| octets.content.to_vec())
            }
            None => None,
        };
        ew.finish()?;

        let mut certificates = Vec::new();
        let mut certificate_errors = Vec::new();
        if let Some(set) = w.optional(tlv::CTX0)? {
            let mut cw = Walker::new(set.content, "certificates");
            let mut count = 0usize;
            while !cw.is_empty() {
                count += 1;
                if count > MAX_CERTIFICATES {
                    return Err(CmsError::TooLarge(format!("more than {MAX_CERTIFICATES} certificates")));
                }
                let item = cw.next_any()?;
                if item.tag != tlv::SEQUENCE {
                    certificate_errors.push(format!(
                        "entry {count}: not an X.509 certificate (tag 0x{:02x})",
                        item.tag
                    ));
                    continue;
                }
                match Certificate::from_der_cached(item.raw) {
                    Ok(cert) => certificates.push(cert),
                    Err(e) => certificate_errors.push(format!("entry {count}: {e}")),
                }
            }
        }
        let mut crls = Vec::new();
        let mut ocsp_responses = Vec::new();
        if let Some(set) = w.optional(tlv::CTX1)? {
            let mut cw = Walker::new(set.content, "crls");
            while !cw.is_empty() {
                if crls.len() + ocsp_responses.len() >= MAX_CRLS {
                    return Err(CmsError::TooLarge(format!("more than {MAX_CRLS} CRLs")));
                }
                let item = cw.next_any()?;
                if item.tag != tlv::SEQUENCE {
                    // OtherRevocationInfoFormat [1]: OCSP responses (RFC 5940) are kept,
                    // other formats are not used.
                    if let Some(response) = other_revocation_info_ocsp(item.content) {
                        ocsp_responses.push(response);
                    }
                    continue;
                }
                crls.push(Crl::from_der(item.raw).map_err(|e| CmsError::Malformed(format!("CRL: {e}")))?);
            }
        }
        let infos = w.expect(tlv::SET, "signerInfos")?;
        w.finish()?;
        let mut signers = Vec::new();
        let mut sw = Walker::new(infos.content, "signerInfos");
        while !sw.is_empty() {
            if signers.len() >= MAX_SIGNERS {
                return Err(CmsError::TooLarge(format!("more than {MAX_SIGNERS} signers")));
            }
            signers.push(signer_info(&sw.next_any()?)?);
        }
        Ok(SignedData {
            content_type,
            version,
            digest_algorithms,
            econtent_type,
            econtent,
            certificates,
            certificate_errors,
            crls,
            ocsp_responses,
            signers,
            was_ber: false,
            zero_padding: 0,
            empty_econtent,
        })
    }

    /// True for GM/T 0010 OIDs.
    pub fn is_gmt_0010(&self) -> bool {
        self.content_type == oid::SM2_SIGNED_DATA
    }

    /// The certificate `signer` names, among the SignedData's certificates and `extra`.
    pub fn find_certificate<'a>(&'a self, signer: &SignerInfo, extra: &'a [Certificate]) -> Option<&'a Certificate> {
        let candidates = self.find_certificates(signer, extra);
        ess_choice(signer, &candidates).or(candidates.first().copied())
    }

    /// Verifies SignerInfo `index` over `content`; the signer certificate is looked for among
    /// the SignedData's certificates and `extra_certificates`. The chain is not validated here.
    pub fn verify_signer(
        &self,
        index: usize,
        content: Content<'_>,
        extra_certificates: &[Certificate],
    ) -> SignerVerification {
        self.verify_signer_with(index, content, extra_certificates, &CmsOptions::default())
    }

    /// [`SignedData::verify_signer`] with explicit [`CmsOptions`].
    pub fn verify_signer_with(
        &self,
        index: usize,
        content: Content<'_>,
        extra_certificates: &[Certificate],
        opts: &CmsOptions,
    ) -> SignerVerification {
        let content = match content {
            Content::Bytes(b) => Input::Bytes(b),
            Content::Digest(d) => Input::Digest(d.to_vec()),
            Content::Encapsulated => match &self.econtent {
                Some(b) => Input::Bytes(b),
                None if self.empty_econtent => Input::Bytes(&[]),
                None => {
                    return self.failed_early(
                        index,
                        Check::failed(
                            "cms.message-digest",
                            Reason::Missing,
                            "detached SignedData and no content given",
                        ),
                    )
                }
            },
        };
        self.verify_input(index, content, extra_certificates, opts)
    }

    /// [`SignedData::verify_signer`] over content read from `reader` (streamed through the
    /// digest when there are signed attributes; otherwise read into memory, up to
    /// [`MAX_CONTENT_WITHOUT_ATTRIBUTES`]).
    pub fn verify_signer_reader<R: Read>(
        &self,
        index: usize,
        reader: R,
        extra_certificates: &[Certificate],
    ) -> SignerVerification {
        let Some(signer) = self.signers.get(index) else {
            return self.failed_early(index, no_such_signer(index));
        };
        let io_fail = |e: std::io::Error| {
            Check::failed(
                "cms.message-digest",
                Reason::Malformed,
                format!("reading the content: {e}"),
            )
        };
        if signer.signed_attributes_der.is_some() {
            let Some(digest) = signer.digest() else {
                return self.verify_input(
                    index,
                    Input::Digest(Vec::new()),
                    extra_certificates,
                    &CmsOptions::default(),
                );
            };
            match digest.digest_reader(reader) {
                Ok(d) => self.verify_input(index, Input::Digest(d), extra_certificates, &CmsOptions::default()),
                Err(e) => self.failed_early(index, io_fail(e)),
            }
        } else {
            let mut buf = Vec::new();
            let limit = u64::try_from(MAX_CONTENT_WITHOUT_ATTRIBUTES).unwrap_or(u64::MAX);
            match reader.take(limit.saturating_add(1)).read_to_end(&mut buf) {
                Ok(n) if n > MAX_CONTENT_WITHOUT_ATTRIBUTES => self.failed_early(
                    index,
                    Check::failed(
                        "cms.message-digest",
                        Reason::TooLarge,
                        format!("content over {MAX_CONTENT_WITHOUT_ATTRIBUTES} bytes without signed attributes"),
                    ),
                ),
                Ok(_) => self.verify_input(index, Input::Bytes(&buf), extra_certificates, &CmsOptions::default()),
                Err(e) => self.failed_early(index, io_fail(e)),
            }
        }
    }

    fn failed_early(&self, index: usize, check: Check) -> SignerVerification {
        let signer = self.signers.get(index);
        SignerVerification {
            index,
            checks: vec![check],
            signer_certificate: None,
            signing_time: signer.and_then(SignerInfo::signing_time),
            digest_algorithm: signer.and_then(SignerInfo::digest),
            signature_algorithm: signer.and_then(|s| s.signature_algorithm().ok()),
            counter_signatures: Vec::new(),
        }
    }

    fn verify_input(
        &self,
        index: usize,
        content: Input<'_>,
        extra: &[Certificate],
        opts: &CmsOptions,
    ) -> SignerVerification {
        let Some(signer) = self.signers.get(index) else {
            return self.failed_early(index, no_such_signer(index));
        };
        let mut out = self.verify_info(index, signer, content, extra, opts, false);
        if let Some(note) = self.encoding_note() {
            out.checks.insert(0, note);
        }
        out
    }

    /// A note on how the input was encoded, when it was not plain DER with encapsulated or
    /// absent content.
    fn encoding_note(&self) -> Option<Check> {
        let mut notes = Vec::new();
        if self.was_ber {
            notes.push("BER (indefinite lengths or content in segments), read as RFC 5652 requires".to_owned());
        }
        if self.zero_padding > 0 {
            notes.push(format!("{} zero bytes of padding after the value", self.zero_padding));
        }
        if self.empty_econtent {
            notes.push("an empty encapsulated content, treated as a detached signature".to_owned());
        }
        (!notes.is_empty()).then(|| {
            Check::passed("cms.encoding", notes.join("; "))
                .with_detail("ber", self.was_ber)
                .with_detail("zero_padding", self.zero_padding)
                .with_detail("empty_econtent", self.empty_econtent)
        })
    }

    /// Verifies `signer` (SignerInfo `index`, or a counter-signature of it) over `content`.
    fn verify_info(
        &self,
        index: usize,
        signer: &SignerInfo,
        content: Input<'_>,
        extra: &[Certificate],
        opts: &CmsOptions,
        counter: bool,
    ) -> SignerVerification {
        let mut out = SignerVerification {
            index,
            checks: Vec::new(),
            signer_certificate: None,
            signing_time: signer.signing_time(),
            digest_algorithm: signer.digest(),
            signature_algorithm: None,
            counter_signatures: Vec::new(),
        };
        // Algorithms.
        let sig_alg = signer.signature_algorithm();
        let algorithms = match (&out.digest_algorithm, &sig_alg) {
            (Some(d), Ok(s)) => {
                out.signature_algorithm = Some(*s);
                let check = Check::passed("cms.algorithms", format!("digest {}, signature {}", d.name(), s.name()))
                    .with_detail("digest", d.name())
                    .with_detail("signature", s.name())
                    .with_detail("weak", d.is_weak() || s.is_weak());
                let notes = signer.algorithm_notes();
                if notes.is_empty() {
                    check
                } else {
                    check.with_detail("note", notes.join("; "))
                }
            }
            (None, _) => Check::failed(
                "cms.algorithms",
                Reason::Unsupported,
                format!("digest algorithm {} is not supported", signer.digest_algorithm.oid),
            ),
            (_, Err(e)) => Check::failed("cms.algorithms", e.reason(), e.to_string()),
        };
        out.checks.push(algorithms);
        // Signer certificate.
        let candidates = self.find_certificates(signer, extra);
        let cert = ess_choice(signer, &candidates).or(candidates.first().copied());
        out.checks.push(match cert {
            Some(c) => Check::passed("cms.signer-certificate", format!("signer {}", c.subject()))
                .with_detail("subject", c.subject())
                .with_detail("sid", signer.sid.to_string())
                .with_detail("candidates", candidates.len()),
            None => Check::failed(
                "cms.signer-certificate",
                Reason::Missing,
                format!("no certificate matches the signer ({})", signer.sid),
            ),
        });
        out.signer_certificate = cert.cloned();

        // Signed attributes and the message the signature covers.
        let message: Option<&[u8]> = match &signer.signed_attributes_der {
            Some(attrs_der) => {
                out.checks.push(self.signed_attributes_check(signer, counter));
                out.checks
                    .push(message_digest_check(signer, out.digest_algorithm, &content));
                Some(attrs_der)
            }
            None => {
                out.checks.push(
                    Check::passed(
                        "cms.signed-attributes",
                        "no signed attributes: the signature is over the content itself",
                    )
                    .with_detail("present", false),
                );
                match content {
                    Input::Bytes(b) => Some(b),
                    Input::Digest(_) => None,
                }
            }
        };
        // Among several certificates the SignerInfo names and no ESS attribute to tell them
        // apart, the one whose key verifies the signature.
        let mut cert = cert;
        if let (true, Some(m), Some(alg)) = (
            candidates.len() > 1 && ess_choice(signer, &candidates).is_none(),
            message,
            out.signature_algorithm,
        ) {
            if let Some(c) = candidates
                .iter()
                .copied()
                .find(|c| signature_check(signer, c, alg, m, opts).status == Status::Passed)
            {
                if let Some(check) = out.checks.iter_mut().find(|k| k.name == "cms.signer-certificate") {
                    *check = Check::passed("cms.signer-certificate", format!("signer {}", c.subject()))
                        .with_detail("subject", c.subject())
                        .with_detail("sid", signer.sid.to_string())
                        .with_detail("candidates", candidates.len())
                        .with_detail("chosen_by", "signature");
                }
                cert = Some(c);
                out.signer_certificate = Some(c.clone());
            }
        }
        // Signature.
        let signature = match (message, cert, out.signature_algorithm) {
            (None, _, _) => Check::failed(
                "cms.signature",
                Reason::Unsupported,
                "without signed attributes the signature covers the content itself; a digest is not enough",
            ),
            (_, None, _) => Check::failed("cms.signature", Reason::Missing, "no signer certificate to verify with"),
            (_, _, None) => Check::failed("cms.signature", Reason::Unsupported, "algorithm not supported"),
            (Some(message), Some(cert), Some(alg)) => signature_check(signer, cert, alg, message, opts),
        };
        out.checks.push(signature);
        // ESS signingCertificate(V2).
        if let Some(cert) = cert {
            if let Some(check) = ess_check(signer, cert, &self.certificates) {
                out.checks.push(check);
            }
        }
        // Counter-signatures (RFC 5652 §11.4): over this SignerInfo's signature value.
        if let Some(attr) = signer.unsigned_attribute(&oid::COUNTER_SIGNATURE) {
            for value in &attr.values {
                let v = match read_single(value, "counterSignature").and_then(|t| signer_info(&t)) {
                    Ok(cs) => self.verify_info(index, &cs, Input::Bytes(&signer.signature), extra, opts, true),
                    Err(e) => {
                        self.failed_early(index, Check::failed("cms.counter-signature", e.reason(), e.to_string()))
                    }
                };
                out.checks.push(crate::report::summarize(
                    "cms.counter-signature",
                    &v.checks,
                    format!(
                        "counter-signature by {} verifies over the signature value",
                        v.signer_certificate
                            .as_ref()
                            .map(Certificate::subject)
                            .unwrap_or_default()
                    ),
                ));
                out.counter_signatures.push(v);
            }
        }
        out
    }

    /// Every certificate `signer` names, among the SignedData's certificates and `extra`.
    pub fn find_certificates<'a>(&'a self, signer: &SignerInfo, extra: &'a [Certificate]) -> Vec<&'a Certificate> {
        let mut out: Vec<&Certificate> = Vec::new();
        for c in self.certificates.iter().chain(extra) {
            if matches_sid(c, &signer.sid) && !out.iter().any(|o| o.der() == c.der()) {
                out.push(c);
            }
        }
        out
    }

    fn signed_attributes_check(&self, signer: &SignerInfo, counter: bool) -> Check {
        const NAME: &str = "cms.signed-attributes";
        let attrs = &signer.signed_attributes;
        for (i, a) in attrs.iter().enumerate() {
            if attrs.iter().skip(i + 1).any(|b| b.oid == a.oid) {
                return Check::failed(NAME, Reason::Malformed, format!("attribute {} appears twice", a.oid));
            }
        }
        if counter {
            // RFC 5652 §11.4: a counter-signature has no contentType attribute.
            if signer.signed_attribute(&oid::CONTENT_TYPE).is_some() {
                return Check::failed(
                    NAME,
                    Reason::Malformed,
                    "a counter-signature must not carry a contentType attribute (RFC 5652 §11.4)",
                );
            }
            return match signer.signed_attribute(&oid::MESSAGE_DIGEST).map(|a| a.values.len()) {
                Some(1) => Check::passed(NAME, format!("{} signed attributes (counter-signature)", attrs.len())),
                None => Check::failed(NAME, Reason::Missing, "no messageDigest attribute"),
                Some(_) => Check::failed(NAME, Reason::Malformed, "messageDigest must have exactly one value"),
            };
        }
        let Some(ct) = signer.signed_attribute(&oid::CONTENT_TYPE) else {
            return Check::failed(
                NAME,
                Reason::Missing,
                "no contentType attribute (RFC 5652 §11.1 requires it with signed attributes)",
            );
        };
        let ct_value = match ct.values.as_slice() {
            [one] => read_single(one, "contentType").and_then(|t| tlv::oid(&t, "contentType")),
            _ => Err(CmsError::Malformed("contentType must have exactly one value".into())),
        };
        let ct_value = match ct_value {
            Ok(v) => v,
            Err(e) => return Check::failed(NAME, e.reason(), e.to_string()),
        };
        let is_data = |o: &ObjectIdentifier| *o == oid::DATA || *o == oid::SM2_DATA;
        if ct_value != self.econtent_type && !(is_data(&ct_value) && is_data(&self.econtent_type)) {
            return Check::failed(
                NAME,
                Reason::PolicyViolation,
                format!(
                    "contentType attribute {ct_value} differs from eContentType {}",
                    self.econtent_type
                ),
            );
        }
        match signer.signed_attribute(&oid::MESSAGE_DIGEST).map(|a| a.values.len()) {
            None => return Check::failed(NAME, Reason::Missing, "no messageDigest attribute"),
            Some(1) => {}
            Some(_) => return Check::failed(NAME, Reason::Malformed, "messageDigest must have exactly one value"),
        }
        let mut check = Check::passed(
            NAME,
            format!("{} signed attributes, contentType {ct_value}", attrs.len()),
        )
        .with_detail("present", true)
        .with_detail(
            "attributes",
            attrs.iter().map(|a| a.oid.to_string()).collect::<Vec<_>>(),
        );
        if let Some(t) = signer.signing_time() {
            check = check.with_detail("signing_time", t.to_string());
        }
        check
    }
}

/// What a signature is verified over, internally.
enum Input<'a> {
    Bytes(&'a [u8]),
    Digest(Vec<u8>),
}

fn no_such_signer(index: usize) -> Check {
    Check::failed("cms.signer", Reason::Missing, format!("no SignerInfo number {index}"))
}

fn message_digest_check(signer: &SignerInfo, digest: Option<DigestAlgorithm>, content: &Input<'_>) -> Check {
    const NAME: &str = "cms.message-digest";
    let Some(digest) = digest else {
        return Check::failed(NAME, Reason::Unsupported, "digest algorithm not supported");
    };
    let claimed = signer
        .signed_attribute(&oid::MESSAGE_DIGEST)
        .and_then(|a| a.values.first())
        .and_then(|v| read_single(v, "messageDigest").ok())
        .filter(|t| t.tag == tlv::OCTET_STRING)
        .map(|t| t.content);
    let Some(claimed) = claimed else {
        return Check::failed(NAME, Reason::Missing, "no readable messageDigest attribute");
    };
    let actual = match content {
        Input::Bytes(b) => digest.digest(b),
        Input::Digest(d) => d.clone(),
    };
    if actual.len() != digest.output_len() {
        return Check::failed(
            NAME,
            Reason::Malformed,
            format!(
                "given digest has {} bytes; {} has {}",
                actual.len(),
                digest.name(),
                digest.output_len()
            ),
        );
    }
    if claimed == actual.as_slice() {
        Check::passed(NAME, format!("{} of the content matches messageDigest", digest.name()))
            .with_detail("digest", hex::encode(&actual))
    } else {
        Check::failed(
            NAME,
            Reason::HashMismatch,
            format!("{} of the content differs from messageDigest", digest.name()),
        )
        .with_detail("expected", hex::encode(claimed))
        .with_detail("actual", hex::encode(&actual))
    }
}

fn signature_check(
    signer: &SignerInfo,
    cert: &Certificate,
    alg: SignatureAlgorithm,
    message: &[u8],
    opts: &CmsOptions,
) -> Check {
    const NAME: &str = "cms.signature";
    let spki = cert.spki();
    let attrs = signer.signed_attributes_der.is_some();
    let over = if attrs { "signed attributes" } else { "content" };
    let passed = |used: SignatureAlgorithm, v: alg::Verified, message: String| {
        let mut check = Check::passed(NAME, message)
            .with_detail("signed_input", over)
            .with_detail("key", v.key.describe());
        if let Some(enc) = v.sm2_encoding {
            check = check.with_detail("signature_encoding", enc.as_str());
        }
        if let Some(enc) = v.ecdsa_encoding {
            check = check.with_detail("signature_encoding", enc.as_str());
        }
        if let Some(note) = v.note {
            check = check.with_detail("note", note);
        }
        if used != alg {
            check = check.with_detail("algorithm_used", used.name()).with_detail(
                "note",
                format!(
                    "verifies with the hash signatureAlgorithm names ({}), not with digestAlgorithm's",
                    used.name()
                ),
            );
        }
        check
    };
    // When signatureAlgorithm names another hash than digestAlgorithm, the digestAlgorithm
    // reading (Adobe, EU DSS) is tried first, then the hash signatureAlgorithm names (as
    // OpenSSL and BouncyCastle sign).
    let named = SignatureAlgorithm::from_algorithm_identifier(
        &signer.signature_algorithm.oid,
        signer.signature_algorithm.parameters.as_deref(),
    )
    .ok()
    .filter(|n| *n != alg && n.digest().is_some());
    let verify = |input: &[u8]| -> Result<(SignatureAlgorithm, alg::Verified), alg::AlgError> {
        match verify_signature(alg, spki, input, &signer.signature) {
            Err(alg::AlgError::BadSignature(b)) => match named {
                Some(named) => verify_signature(named, spki, input, &signer.signature)
                    .map(|v| (named, v))
                    .map_err(|_| alg::AlgError::BadSignature(b)),
                None => Err(alg::AlgError::BadSignature(b)),
            },
            other => other.map(|v| (alg, v)),
        }
    };
    let error = match verify(message) {
        Ok((used, v)) => return passed(used, v, format!("{} signature over the {over} verifies", used.name())),
        Err(e) => e,
    };
    // RFC 5652 §5.4: the DER SET OF is what is signed. A signer that signed its own encoding
    // (BER lengths, unsorted SET OF) is accepted as a second try, and the check says so.
    let own = signer.signed_attributes_as_encoded.as_deref().filter(|_| attrs);
    if let Some(own) = own {
        if let Ok((used, v)) = verify(own) {
            return passed(
                used,
                v,
                format!(
                    "{} signature verifies over the signer's own (non-DER) encoding of the signed attributes, not their DER SET OF (RFC 5652 §5.4); accepted as a second try",
                    used.name()
                ),
            )
            .with_detail("signed_attributes_encoding", "as-encoded");
        }
    }
    if alg == SignatureAlgorithm::Sm2Sm3 {
        for m in std::iter::once(message).chain(own) {
            if let Some(check) = sm2_variants(spki, m, &signer.signature, attrs, opts) {
                return check;
            }
        }
    }
    Check::failed(NAME, error.reason(), format!("signature over the {over}: {error}"))
}

/// An SM2 signature that failed GB/T 32918 verification over `message` (Z with the default ID):
/// the variants products write. SM2 with Z over SM3(content) as the message (no signed
/// attributes) is a signed-input convention of OFD products whose eContent is that digest:
/// standard SM2, PASSED with a note. No Z (e = SM3(message)) and Z with the empty ID (OpenSSL
/// 3.0's default) are not GB/T 32918 signatures: INDETERMINATE [`Reason::NonStandardSm2`]
/// unless [`CmsOptions::accept_sm2_without_z`] accepts the first.
fn sm2_variants(spki: &[u8], message: &[u8], signature: &[u8], attrs: bool, opts: &CmsOptions) -> Option<Check> {
    use crate::sm::sm2::{Sm2Signature, Sm2Verifier, DEFAULT_DISTID};
    const NAME: &str = "cms.signature";
    let verifier = Sm2Verifier::cached_from_spki(spki, DEFAULT_DISTID).ok()?;
    let (sig, enc) = Sm2Signature::decode(signature).ok()?;
    let digest = crate::sm::sm3::sm3(message);
    if !attrs && verifier.verify(&digest, signature).is_ok() {
        return Some(
            Check::passed(
                NAME,
                "SM2 signature (Z with the default ID) verifies over SM3(content) as the message: the signed-input convention of products that sign the content's digest",
            )
            .with_detail("signed_input", "sm3-digest-as-message")
            .with_detail("signature_encoding", enc.as_str()),
        );
    }
    let input = if attrs { "signed attributes" } else { "content" };
    if verifier.verify_digest(&digest, &sig).is_ok() {
        let check = if opts.accept_sm2_without_z {
            Check::passed(
                NAME,
                format!("SM2 signature verifies only without the Z value (e = SM3({input})): a non-standard variant, accepted because the option accept_sm2_without_z is on"),
            )
            .with_detail("accepted_by_option", "accept_sm2_without_z")
        } else {
            Check::failed(
                NAME,
                Reason::NonStandardSm2,
                format!(
                    "SM2 signature verifies only without the Z value (e = SM3({input})), not as GB/T 32918 requires"
                ),
            )
        };
        return Some(
            check
                .with_detail("sm2_variant", "no-z")
                .with_detail(
                    "signed_input",
                    if attrs { "signed attributes" } else { "sm3-digest-as-e" },
                )
                .with_detail("signature_encoding", enc.as_str()),
        );
    }
    let empty_id = Sm2Verifier::new(verifier.key(), b"").ok()?;
    if empty_id.verify(message, signature).is_ok() {
        return Some(
            Check::failed(
                NAME,
                Reason::NonStandardSm2,
                format!("SM2 signature verifies only with an empty distinguishing ID (OpenSSL 3.0's default), not the default ID 1234567812345678 over the {input}"),
            )
            .with_detail("sm2_variant", "empty-id")
            .with_detail("signature_encoding", enc.as_str()),
        );
    }
    None
}

/// The first ESSCertID(v2) of a signingCertificate(V2) attribute.
struct EssCertId {
    v2: bool,
    digest: DigestAlgorithm,
    hash: Vec<u8>,
    /// issuerSerial: the serial's content octets (the issuer GeneralNames are not compared).
    serial: Option<Vec<u8>>,
}

impl EssCertId {
    fn attr_name(&self) -> &'static str {
        if self.v2 {
            "signingCertificateV2"
        } else {
            "signingCertificate"
        }
    }

    fn names(&self, cert: &Certificate) -> bool {
        self.digest.digest(cert.der()) == self.hash
    }
}

/// The ESS attribute of `signer`: None without one, Some(Err) when it cannot be read.
fn ess_cert_id(signer: &SignerInfo) -> Option<Result<EssCertId, CmsError>> {
    let (attr, v2) = match signer.signed_attribute(&oid::SIGNING_CERTIFICATE_V2) {
        Some(a) => (a, true),
        None => (signer.signed_attribute(&oid::SIGNING_CERTIFICATE)?, false),
    };
    Some((|| {
        let value = match attr.values.as_slice() {
            [one] => one,
            _ => {
                return Err(CmsError::Malformed(
                    "signingCertificate must have exactly one value".into(),
                ))
            }
        };
        let sc = read_single(value, "SigningCertificate")?;
        let mut w = Walker::new(sc.content, "SigningCertificate");
        let certs = w.expect(tlv::SEQUENCE, "certs")?;
        let mut cw = Walker::new(certs.content, "certs");
        let first = cw.expect(tlv::SEQUENCE, "ESSCertID")?;
        let mut iw = Walker::new(first.content, "ESSCertID");
        let digest = if v2 && iw.peek_tag() == Some(tlv::SEQUENCE) {
            let a = algorithm_id(&iw.next_any()?, "ESSCertIDv2 hashAlgorithm")?;
            DigestAlgorithm::from_oid(&a.oid)
                .ok_or_else(|| CmsError::Unsupported(format!("ESS hash algorithm {}", a.oid)))?
        } else if v2 {
            DigestAlgorithm::Sha256
        } else {
            DigestAlgorithm::Sha1
        };
        let hash = iw.expect(tlv::OCTET_STRING, "certHash")?.content.to_vec();
        let serial = match iw.optional(tlv::SEQUENCE)? {
            Some(is) => {
                let mut sw = Walker::new(is.content, "IssuerSerial");
                sw.expect(tlv::SEQUENCE, "issuer")?;
                Some(tlv::integer_bytes(&sw.expect(tlv::INTEGER, "serialNumber")?, "serialNumber")?.to_vec())
            }
            None => None,
        };
        Ok(EssCertId {
            v2,
            digest,
            hash,
            serial,
        })
    })())
}

/// Among several certificates the SignerInfo names, the one its ESS attribute names.
fn ess_choice<'a>(signer: &SignerInfo, candidates: &[&'a Certificate]) -> Option<&'a Certificate> {
    if candidates.len() < 2 {
        return None;
    }
    let id = ess_cert_id(signer)?.ok()?;
    candidates.iter().copied().find(|c| id.names(c))
}

/// The ESS signingCertificate / signingCertificateV2 check, when either is present: the
/// certHash must be the hash of the signer certificate, and issuerSerial, when present, its
/// serial number. A mismatch FAILS and says which certificate the attribute names instead.
fn ess_check(signer: &SignerInfo, cert: &Certificate, pool: &[Certificate]) -> Option<Check> {
    const NAME: &str = "cms.signing-certificate";
    let id = match ess_cert_id(signer)? {
        Ok(id) => id,
        Err(e) => return Some(Check::failed(NAME, e.reason(), format!("signingCertificate: {e}"))),
    };
    let attr_name = id.attr_name();
    let actual = id.digest.digest(cert.der());
    if actual != id.hash {
        let named = pool.iter().find(|c| id.names(c));
        let mut check = Check::failed(
            NAME,
            Reason::PolicyViolation,
            format!(
                "{attr_name} names another certificate than the signer's ({} certHash differs){}",
                id.digest.name(),
                named
                    .map(|c| format!("; it names {} (serial {})", c.subject(), c.serial_hex()))
                    .unwrap_or_default()
            ),
        )
        .with_detail("attribute", attr_name)
        .with_detail("hash_algorithm", id.digest.name())
        .with_detail("expected", hex::encode(&id.hash))
        .with_detail("actual", hex::encode(&actual));
        if let Some(c) = named {
            check = check.with_detail("named_certificate", c.subject());
        }
        return Some(check);
    }
    if let Some(serial) = &id.serial {
        if tlv::unsigned_magnitude(serial) != tlv::unsigned_magnitude(cert.serial_bytes()) {
            return Some(
                Check::failed(
                    NAME,
                    Reason::PolicyViolation,
                    format!(
                        "{attr_name}: certHash matches but issuerSerial names serial {}",
                        hex::encode(serial)
                    ),
                )
                .with_detail("attribute", attr_name)
                .with_detail("expected_serial", hex::encode(serial))
                .with_detail("actual_serial", cert.serial_hex()),
            );
        }
    }
    Some(
        Check::passed(
            NAME,
            format!("{attr_name} names the signer certificate ({})", id.digest.name()),
        )
        .with_detail("attribute", attr_name)
        .with_detail("hash_algorithm", id.digest.name()),
    )
}

fn matches_sid(cert: &Certificate, sid: &SignerIdentifier) -> bool {
    match sid {
        SignerIdentifier::SubjectKeyIdentifier(ski) => match cert.extensions().subject_key_id.as_deref() {
            Some(own) => own == ski.as_slice(),
            // RFC 5280 §4.2.1.2 method 1, for certificates without the extension.
            None => {
                DigestAlgorithm::Sha1.digest(
                    cert.inner()
                        .tbs_certificate()
                        .subject_public_key_info()
                        .subject_public_key
                        .raw_bytes(),
                ) == *ski
            }
        },
        SignerIdentifier::IssuerAndSerialNumber { issuer, serial, .. } => {
            if tlv::unsigned_magnitude(cert.serial_bytes()) != tlv::unsigned_magnitude(serial) {
                return false;
            }
            // RFC 5280 §7.1 comparison; the exact bytes when the name does not decode.
            match x509_cert::name::Name::from_der(issuer) {
                Ok(n) => &name::name_key(&n) == cert.issuer_key(),
                Err(_) => {
                    use der::Encode;
                    cert.inner()
                        .tbs_certificate()
                        .issuer()
                        .to_der()
                        .is_ok_and(|d| d == *issuer)
                }
            }
        }
    }
}

fn algorithm_id(t: &Tlv<'_>, what: &'static str) -> Result<AlgorithmId, CmsError> {
    if t.tag != tlv::SEQUENCE {
        return Err(CmsError::Malformed(format!("{what} is not a SEQUENCE")));
    }
    let mut w = Walker::new(t.content, what);
    let oid = tlv::oid(&w.expect(tlv::OID, "algorithm")?, what)?;
    let parameters = if w.is_empty() {
        None
    } else {
        Some(w.next_any()?.raw.to_vec())
    };
    w.finish()?;
    Ok(AlgorithmId { oid, parameters })
}

fn attributes(content: &[u8], what: &'static str) -> Result<Vec<Attribute>, CmsError> {
    let mut out = Vec::new();
    let mut w = Walker::new(content, what);
    while !w.is_empty() {
        if out.len() >= MAX_ATTRIBUTES {
            return Err(CmsError::TooLarge(format!(
                "{what}: more than {MAX_ATTRIBUTES} attributes"
            )));
        }
        let attr = w.expect(tlv::SEQUENCE, "Attribute")?;
        let mut aw = Walker::new(attr.content, "Attribute");
        let oid = tlv::oid(&aw.expect(tlv::OID, "attrType")?, "attrType")?;
        let set = aw.expect(tlv::SET, "attrValues")?;
        aw.finish()?;
        let mut values = Vec::new();
        let mut vw = Walker::new(set.content, "attrValues");
        while !vw.is_empty() {
            if values.len() >= MAX_ATTRIBUTE_VALUES {
                return Err(CmsError::TooLarge(format!(
                    "attribute {oid}: more than {MAX_ATTRIBUTE_VALUES} values"
                )));
            }
            values.push(vw.next_any()?.raw.to_vec());
        }
        out.push(Attribute { oid, values });
    }
    Ok(out)
}

fn signer_info(t: &Tlv<'_>) -> Result<SignerInfo, CmsError> {
    if t.tag != tlv::SEQUENCE {
        return Err(CmsError::Malformed("SignerInfo is not a SEQUENCE".into()));
    }
    let mut w = Walker::new(t.content, "SignerInfo");
    let version = tlv::small_uint(&w.expect(tlv::INTEGER, "version")?, "SignerInfo version")?;
    let sid_tlv = w.next_any()?;
    let sid = match sid_tlv.tag {
        tlv::SEQUENCE => {
            let mut iw = Walker::new(sid_tlv.content, "IssuerAndSerialNumber");
            let issuer = iw.expect(tlv::SEQUENCE, "issuer")?;
            let serial = iw.expect(tlv::INTEGER, "serialNumber")?;
            iw.finish()?;
            let name = x509_cert::name::Name::from_der(issuer.raw)
                .map_err(|e| CmsError::Malformed(format!("signer issuer name: {e}")))?;
            SignerIdentifier::IssuerAndSerialNumber {
                issuer: issuer.raw.to_vec(),
                issuer_text: name::display(&name),
                serial: tlv::integer_bytes(&serial, "serialNumber")?.to_vec(),
            }
        }
        tlv::CTX0_PRIM => SignerIdentifier::SubjectKeyIdentifier(sid_tlv.content.to_vec()),
        other => {
            return Err(CmsError::Malformed(format!("SignerIdentifier has tag 0x{other:02x}")));
        }
    };
    let digest_algorithm = algorithm_id(&w.expect(tlv::SEQUENCE, "digestAlgorithm")?, "digestAlgorithm")?;
    let mut as_encoded = None;
    let (signed_attributes_der, signed_attributes) = match w.optional(tlv::CTX0)? {
        Some(attrs) => {
            let mut elements = Vec::new();
            let mut ew = Walker::new(attrs.content, "signedAttrs");
            while !ew.is_empty() {
                elements.push(ew.next_any()?.raw);
            }
            let der = ber::der_set_of(tlv::SET, elements);
            let mut raw = attrs.raw.to_vec();
            if let Some(first) = raw.first_mut() {
                *first = tlv::SET;
            }
            if raw != der {
                as_encoded = Some(raw);
            }
            (Some(der), attributes(attrs.content, "signedAttrs")?)
        }
        None => (None, Vec::new()),
    };
    let signature_algorithm = algorithm_id(&w.expect(tlv::SEQUENCE, "signatureAlgorithm")?, "signatureAlgorithm")?;
    let signature = w.expect(tlv::OCTET_STRING, "signature")?.content.to_vec();
    let unsigned_attributes = match w.optional(tlv::CTX1)? {
        Some(attrs) => attributes(attrs.content, "unsignedAttrs")?,
        None => Vec::new(),
    };
    w.finish()?;
    Ok(SignerInfo {
        version,
        sid,
        digest_algorithm,
        signed_attributes_der,
        signed_attributes_as_encoded: as_encoded,
        signed_attributes,
        signature_algorithm,
        signature,
        unsigned_attributes,
    })
}

/// The raw `[0]` signed attributes of each SignerInfo in the BER `input` (None for a signer
/// without them), in order.
fn original_signed_attributes(input: &[u8]) -> Result<Vec<Option<Vec<u8>>>, CmsError> {
    let missing = || CmsError::Malformed("SignedData structure".into());
    let ci = ber::children(input)?;
    let explicit = ci.get(1).ok_or_else(missing)?;
    let sd = *ber::children(explicit)?.first().ok_or_else(missing)?;
    let parts = ber::children(sd)?;
    let infos = parts
        .iter()
        .rev()
        .find(|p| p.first() == Some(&tlv::SET))
        .ok_or_else(missing)?;
    ber::children(infos)?
        .into_iter()
        .map(|si| {
            Ok(ber::children(si)?
                .into_iter()
                .find(|p| p.first() == Some(&tlv::CTX0))
                .map(<[u8]>::to_vec))
        })
        .collect()
}

/// Reads a UTCTime or GeneralizedTime (fractional seconds allowed and dropped; `Z` required).
pub(crate) fn parse_time(t: &Tlv<'_>) -> Option<Time> {
    let text = std::str::from_utf8(t.content).ok()?;
    let text = text.strip_suffix('Z')?;
    let (year, rest) = match t.tag {
        tlv::UTC_TIME => {
            let yy: i32 = text.get(..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..)?)
        }
        tlv::GENERALIZED_TIME => (text.get(..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    if whole.len() != 10 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let field = |i: usize| -> Option<u8> { whole.get(i..i + 2)?.parse().ok() };
    Time::from_utc_fields(year, field(0)?, field(2)?, field(4)?, field(6)?, field(8)?)
}

/// CAdES id-aa-ets-certValues (ETSI EN 319 122-1 §5.5.1): certificates for validation.
pub const CERTIFICATE_VALUES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.23");

/// CAdES id-aa-ets-revocationValues (ETSI EN 319 122-1 §5.5.2): CRLs and OCSP responses.
pub const REVOCATION_VALUES: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.24");

/// The validation data a SignerInfo carries in CAdES unsigned attributes.
#[derive(Debug, Default, Clone)]
pub struct CadesValues {
    /// certificate-values.
    pub certificates: Vec<Certificate>,
    /// revocation-values crlVals.
    pub crls: Vec<Crl>,
    /// revocation-values ocspVals (BasicOCSPResponse).
    pub ocsp: Vec<crate::x509::OcspResponseInfo>,
    /// The genTime of each archive time-stamp (CAdES-A: archive-time-stamp v2 and v3)
    /// present. Their certificates and CRLs are in `certificates` and `crls`; they are not
    /// used as proofs of existence (their imprint, ETSI EN 319 122-1 §5.5.3, is not computed).
    pub archive_timestamps: Vec<crate::time::Time>,
}

/// CAdES archive time-stamp attributes: id-aa-ets-archiveTimestampV2 (RFC 5126) and
/// id-aa-ets-archiveTimestampV3 (ETSI EN 319 122-1).
pub const ARCHIVE_TIMESTAMPS: [ObjectIdentifier; 2] = [
    ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.48"),
    ObjectIdentifier::new_unwrap("0.4.0.1733.2.4"),
];

impl SignerInfo {
    /// The CAdES certificate-values and revocation-values of this signer (entries that do not
    /// decode are skipped; at most [`MAX_CERTIFICATES`] and [`MAX_CRLS`] of each).
    pub fn cades_values(&self) -> CadesValues {
        let mut out = CadesValues::default();
        if let Some(attr) = self.unsigned_attribute(&CERTIFICATE_VALUES) {
            for value in &attr.values {
                for item in sequence_items(value, MAX_CERTIFICATES) {
                    if let Ok(cert) = Certificate::from_der(item) {
                        out.certificates.push(cert);
                    }
                }
            }
        }
        for attr in self
            .unsigned_attributes
            .iter()
            .filter(|a| ARCHIVE_TIMESTAMPS.contains(&a.oid))
        {
            for token in attr.values.iter().filter_map(|v| tsp::TimeStampToken::from_der(v).ok()) {
                out.archive_timestamps.push(token.gen_time());
                out.certificates.extend(token.signed_data.certificates.iter().cloned());
                out.crls.extend(token.signed_data.crls.iter().cloned());
            }
        }
        if let Some(attr) = self.unsigned_attribute(&REVOCATION_VALUES) {
            for value in &attr.values {
                let Ok(seq) = tlv::read_single(value, "revocationValues") else {
                    continue;
                };
                let mut w = Walker::new(seq.content, "revocationValues");
                while let Ok(field) = w.next_any() {
                    // [0] EXPLICIT crlVals, [1] EXPLICIT ocspVals, each a SEQUENCE OF.
                    let items = sequence_items(field.content, MAX_CRLS);
                    match field.tag {
                        tlv::CTX0 => out.crls.extend(items.into_iter().filter_map(|d| Crl::from_der(d).ok())),
                        tlv::CTX1 => out.ocsp.extend(
                            items
                                .into_iter()
                                .filter_map(|d| crate::x509::OcspResponseInfo::from_basic_der(d).ok()),
                        ),
                        _ => {}
                    }
                }
            }
        }
        out
    }
}

/// The DER of each element of the SEQUENCE OF in `der` (at most `max`).
fn sequence_items(der: &[u8], max: usize) -> Vec<&[u8]> {
    let Ok(seq) = tlv::read_single(der, "SEQUENCE OF") else {
        return Vec::new();
    };
    let mut w = Walker::new(seq.content, "SEQUENCE OF");
    let mut out = Vec::new();
    while out.len() < max {
        match w.next_any() {
            Ok(item) => out.push(item.raw),
            Err(_) => break,
        }
    }
    out
}

/// id-ri-ocsp-response (RFC 5940): an OtherRevocationInfoFormat holding an OCSPResponse.
const RI_OCSP_RESPONSE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.16.2");

/// The OCSPResponse of an OtherRevocationInfoFormat's content (`otherRevInfoFormat`,
/// `otherRevInfo`), when it is one.
fn other_revocation_info_ocsp(content: &[u8]) -> Option<Vec<u8>> {
    let mut w = Walker::new(content, "otherRevocationInfo");
    let format = w.next_any().ok()?;
    if format.tag != tlv::OID || ObjectIdentifier::from_bytes(format.content).ok()? != RI_OCSP_RESPONSE {
        return None;
    }
    Some(w.next_any().ok()?.raw.to_vec())
}
