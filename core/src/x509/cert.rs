//! One certificate: strict DER decoding (x509-cert), the exact TBS bytes for signature
//! checks, and the extensions path validation and display need.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};
use serde::Serialize;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{
    AuthorityKeyIdentifier, BasicConstraints, CertificatePolicies, CrlDistributionPoints, ExtendedKeyUsage, KeyUsage,
    KeyUsages, NameConstraints, SubjectAltName, SubjectKeyIdentifier,
};

use super::name::{self, NameKey};
use super::X509Error;
use crate::alg::{DigestAlgorithm, SignatureAlgorithm};
use crate::codec::decode_hex_text;
use crate::time::Time;

/// Largest certificate accepted (real ones are a few KiB; some carry logos).
pub const MAX_CERTIFICATE_SIZE: usize = 256 * 1024;

/// Most certificates read from one bundle.
pub const MAX_BUNDLE_CERTIFICATES: usize = 1024;

/// Certificates each thread keeps decoded, most recently used first: a seal's maker and
/// signer certificates recur in every document one issuer seals, and decoding one (with its
/// names, extensions and SHA-256 fingerprint) costs far more than copying it.
pub const MAX_CACHED_CERTIFICATES: usize = 16;

/// Largest certificate (DER) the thread's cache keeps.
pub const MAX_CACHED_CERTIFICATE_SIZE: usize = 16 * 1024;

thread_local! {
    static DECODED: std::cell::RefCell<Vec<Certificate>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Empties this thread's decoded certificates ([`crate::forget_thread_caches`]).
pub(crate) fn forget_decoded() {
    DECODED.with_borrow_mut(Vec::clear);
}

/// Extension OIDs this crate understands (an unknown one marked critical fails validation).
pub mod ext_oid {
    use der::asn1::ObjectIdentifier as Oid;
    /// subjectKeyIdentifier
    pub const SUBJECT_KEY_ID: Oid = Oid::new_unwrap("2.5.29.14");
    /// keyUsage
    pub const KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.15");
    /// subjectAltName
    pub const SUBJECT_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.17");
    /// issuerAltName
    pub const ISSUER_ALT_NAME: Oid = Oid::new_unwrap("2.5.29.18");
    /// basicConstraints
    pub const BASIC_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.19");
    /// nameConstraints
    pub const NAME_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.30");
    /// cRLDistributionPoints
    pub const CRL_DISTRIBUTION_POINTS: Oid = Oid::new_unwrap("2.5.29.31");
    /// certificatePolicies
    pub const CERTIFICATE_POLICIES: Oid = Oid::new_unwrap("2.5.29.32");
    /// policyMappings
    pub const POLICY_MAPPINGS: Oid = Oid::new_unwrap("2.5.29.33");
    /// authorityKeyIdentifier
    pub const AUTHORITY_KEY_ID: Oid = Oid::new_unwrap("2.5.29.35");
    /// policyConstraints
    pub const POLICY_CONSTRAINTS: Oid = Oid::new_unwrap("2.5.29.36");
    /// extKeyUsage
    pub const EXT_KEY_USAGE: Oid = Oid::new_unwrap("2.5.29.37");
    /// inhibitAnyPolicy
    pub const INHIBIT_ANY_POLICY: Oid = Oid::new_unwrap("2.5.29.54");
    /// authorityInfoAccess
    pub const AUTHORITY_INFO_ACCESS: Oid = Oid::new_unwrap("1.3.6.1.5.5.7.1.1");
}

/// Key usage bits, as named by RFC 5280 §4.2.1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct KeyUsageBits {
    /// digitalSignature
    pub digital_signature: bool,
    /// nonRepudiation (contentCommitment)
    pub non_repudiation: bool,
    /// keyEncipherment
    pub key_encipherment: bool,
    /// dataEncipherment
    pub data_encipherment: bool,
    /// keyAgreement
    pub key_agreement: bool,
    /// keyCertSign
    pub key_cert_sign: bool,
    /// cRLSign
    pub crl_sign: bool,
}

impl KeyUsageBits {
    /// The names of the bits that are set, as RFC 5280 spells them.
    pub fn names(&self) -> Vec<&'static str> {
        [
            (self.digital_signature, "digitalSignature"),
            (self.non_repudiation, "nonRepudiation"),
            (self.key_encipherment, "keyEncipherment"),
            (self.data_encipherment, "dataEncipherment"),
            (self.key_agreement, "keyAgreement"),
            (self.key_cert_sign, "keyCertSign"),
            (self.crl_sign, "cRLSign"),
        ]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect()
    }
}

/// The extensions of a certificate, decoded.
#[derive(Debug, Clone, Default)]
pub struct Extensions {
    /// basicConstraints: (cA, pathLenConstraint).
    pub basic_constraints: Option<(bool, Option<u8>)>,
    /// keyUsage.
    pub key_usage: Option<KeyUsageBits>,
    /// extKeyUsage purposes.
    pub ext_key_usage: Option<Vec<ObjectIdentifier>>,
    /// subjectKeyIdentifier.
    pub subject_key_id: Option<Vec<u8>>,
    /// authorityKeyIdentifier's keyIdentifier.
    pub authority_key_id: Option<Vec<u8>>,
    /// certificatePolicies OIDs.
    pub policies: Option<Vec<ObjectIdentifier>>,
    /// nameConstraints.
    pub name_constraints: Option<NameConstraints>,
    /// cRLDistributionPoints URIs.
    pub crl_distribution_points: Vec<String>,
    /// subjectAltName entries.
    pub subject_alt_names: Vec<GeneralName>,
    /// Critical extensions this crate does not understand.
    pub unknown_critical: Vec<ObjectIdentifier>,
    /// Every extension marked critical.
    pub critical: Vec<ObjectIdentifier>,
    /// authorityKeyIdentifier carries authorityCertIssuer or authorityCertSerialNumber.
    pub authority_key_id_has_issuer: bool,
    /// authorityKeyIdentifier is present (with or without keyIdentifier).
    pub has_authority_key_id: bool,
}

/// A decoded certificate. Holds its DER. Shared, not copied: a clone is a reference count
/// (paths, caches and reports hold the same decoded certificate).
#[derive(Debug, Clone)]
pub struct Certificate(Arc<Decoded>);

/// What decoding a certificate gives, kept once behind [`Certificate`].
#[derive(Debug)]
struct Decoded {
    der: Vec<u8>,
    tbs: std::ops::Range<usize>,
    inner: x509_cert::Certificate,
    subject_key: NameKey,
    issuer_key: NameKey,
    extensions: Extensions,
    fingerprint: [u8; 32],
    not_before: Time,
    not_after: Time,
    /// Subject and issuer as people read them ([`name::display`]), made once: reports and
    /// messages name the certificates of a path many times per verification.
    subject_text: String,
    issuer_text: String,
    /// The SubjectPublicKeyInfo, DER (path building and every signature check use it).
    spki: Vec<u8>,
    /// Hex of the serial number and of the fingerprint, for reports.
    serial_hex: String,
    fingerprint_hex: String,
}

impl PartialEq for Certificate {
    fn eq(&self, other: &Certificate) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.der == other.0.der
    }
}

impl Eq for Certificate {}

impl Certificate {
    /// Decodes one DER certificate (strict DER, nothing after it).
    pub fn from_der(der: &[u8]) -> Result<Certificate, X509Error> {
        if der.len() > MAX_CERTIFICATE_SIZE {
            return Err(X509Error::TooLarge(format!("certificate of {} bytes", der.len())));
        }
        // `der` cannot represent years before 1970, which RFC 5280 UTCTime can (1950–1969):
        // such validity times are read here and replaced by 1970 in the copy x509-cert decodes.
        let validity = raw_validity(der);
        let patched = validity.as_ref().and_then(|v| patch_pre_1970(der, v));
        let inner = x509_cert::Certificate::from_der(patched.as_deref().unwrap_or(der))
            .map_err(|e| X509Error::Malformed(format!("certificate: {e}")))?;
        let (not_before, not_after) = match &validity {
            Some([(_, _, Some(nb)), (_, _, Some(na))]) => (*nb, *na),
            _ => (
                x509_time(&inner.tbs_certificate().validity().not_before),
                x509_time(&inner.tbs_certificate().validity().not_after),
            ),
        };
        let tbs = super::signed_part_range(der).map_err(|e| X509Error::Malformed(format!("certificate: {e}")))?;
        let extensions = decode_extensions(
            inner
                .tbs_certificate()
                .extensions()
                .map(|v| v.as_slice())
                .unwrap_or(&[]),
        )?;
        let tbs_cert = inner.tbs_certificate();
        let fingerprint = sha256(der);
        if tbs_cert.signature() != inner.signature_algorithm() {
            return Err(X509Error::Malformed(
                "signature algorithm differs from the one inside TBSCertificate".into(),
            ));
        }
        Ok(Certificate(Arc::new(Decoded {
            subject_key: name::name_key(tbs_cert.subject()),
            issuer_key: name::name_key(tbs_cert.issuer()),
            subject_text: name::display(tbs_cert.subject()),
            issuer_text: name::display(tbs_cert.issuer()),
            spki: tbs_cert.subject_public_key_info().to_der().unwrap_or_default(),
            serial_hex: hex::encode(tbs_cert.serial_number().as_bytes()),
            fingerprint_hex: hex::encode(fingerprint),
            fingerprint,
            not_before,
            not_after,
            der: der.to_vec(),
            tbs,
            inner,
            extensions,
        })))
    }

    /// As [`Certificate::from_der`], a certificate this thread decoded recently (up to
    /// [`MAX_CACHED_CERTIFICATES`] of at most [`MAX_CACHED_CERTIFICATE_SIZE`] bytes) copied
    /// rather than decoded again. Decoding is a function of the bytes, so the copy is what
    /// decoding gives; certificates that do not decode are not kept.
    pub(crate) fn from_der_cached(der: &[u8]) -> Result<Certificate, X509Error> {
        if der.len() > MAX_CACHED_CERTIFICATE_SIZE {
            return Certificate::from_der(der);
        }
        let hit = DECODED.with_borrow_mut(|cache| crate::mru::recall(cache, |c| c.0.der == der).cloned());
        if let Some(cert) = hit {
            return Ok(cert);
        }
        let cert = Certificate::from_der(der)?;
        DECODED.with_borrow_mut(|cache| crate::mru::remember(cache, MAX_CACHED_CERTIFICATES, cert.clone()));
        Ok(cert)
    }

    /// Decodes a PEM `CERTIFICATE` block.
    pub fn from_pem(pem: &[u8]) -> Result<Certificate, X509Error> {
        let mut all = parse_all(pem)?;
        match all.len() {
            1 => Ok(all.remove(0)),
            n => Err(X509Error::Malformed(format!("expected one certificate, found {n}"))),
        }
    }

    /// The whole certificate, DER.
    pub fn der(&self) -> &[u8] {
        &self.0.der
    }

    /// The exact TBSCertificate bytes the issuer signed.
    pub fn tbs_der(&self) -> &[u8] {
        &self.0.der[self.0.tbs.clone()]
    }

    /// The x509-cert structure (crate-internal: the public API does not expose x509-cert types,
    /// so that crate can be upgraded without breaking users; [`Certificate::der`] gives the
    /// bytes to parse with it).
    pub(crate) fn inner(&self) -> &x509_cert::Certificate {
        &self.0.inner
    }

    /// SHA-256 of the DER: the fingerprint trust stores and distrust lists use.
    pub fn fingerprint(&self) -> &[u8; 32] {
        &self.0.fingerprint
    }

    /// Hex of [`Certificate::fingerprint`].
    pub fn fingerprint_hex(&self) -> String {
        self.0.fingerprint_hex.clone()
    }

    /// Subject, as people read it.
    pub fn subject(&self) -> String {
        self.0.subject_text.clone()
    }

    /// Issuer, as people read it.
    pub fn issuer(&self) -> String {
        self.0.issuer_text.clone()
    }

    /// Subject common name.
    pub fn subject_common_name(&self) -> Option<String> {
        name::common_name(self.0.inner.tbs_certificate().subject())
    }

    /// Comparable subject.
    pub fn subject_key(&self) -> &NameKey {
        &self.0.subject_key
    }

    /// Comparable issuer.
    pub fn issuer_key(&self) -> &NameKey {
        &self.0.issuer_key
    }

    /// Serial number, hex.
    pub fn serial_hex(&self) -> String {
        self.0.serial_hex.clone()
    }

    /// Raw serial number bytes (as encoded, sign byte included).
    pub fn serial_bytes(&self) -> &[u8] {
        self.0.inner.tbs_certificate().serial_number().as_bytes()
    }

    /// notBefore (UTCTime years 50–99 are 1950–1999, RFC 5280 §4.1.2.5.1).
    pub fn not_before(&self) -> Time {
        self.0.not_before
    }

    /// notAfter.
    pub fn not_after(&self) -> Time {
        self.0.not_after
    }

    /// 1, 2 or 3.
    pub fn version(&self) -> u8 {
        self.0.inner.tbs_certificate().version() as u8 + 1
    }

    /// SubjectPublicKeyInfo, DER.
    pub fn spki_der(&self) -> Vec<u8> {
        self.0.spki.clone()
    }

    /// [`Certificate::spki_der`] without the copy.
    pub fn spki(&self) -> &[u8] {
        &self.0.spki
    }

    /// A short name for the public key's algorithm (`SM2`, `EC P-256`, `RSA`, `Ed25519`, or the OID).
    pub fn key_algorithm(&self) -> String {
        use crate::alg::oid;
        let spki = self.0.inner.tbs_certificate().subject_public_key_info();
        let param = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
        match (spki.algorithm.oid, param) {
            (oid::EC_PUBLIC_KEY, Some(oid::SM2_CURVE)) | (oid::SM2_CURVE, _) => "SM2".into(),
            (oid::EC_PUBLIC_KEY, Some(oid::SECP256R1)) => "EC P-256".into(),
            (oid::EC_PUBLIC_KEY, Some(oid::SECP384R1)) => "EC P-384".into(),
            (oid::RSA_ENCRYPTION, _) | (oid::RSASSA_PSS, _) => "RSA".into(),
            (oid::ED25519, _) => "Ed25519".into(),
            (crate::alg::ID_DSA, _) => "DSA".into(),
            (other, _) => other.to_string(),
        }
    }

    /// The algorithm the issuer signed with.
    pub fn signature_algorithm(&self) -> Result<SignatureAlgorithm, X509Error> {
        let alg = self.0.inner.signature_algorithm();
        let params = alg.parameters.as_ref().and_then(|p| p.to_der().ok());
        SignatureAlgorithm::from_algorithm_identifier(&alg.oid, params.as_deref())
            .map_err(|e| X509Error::Unsupported(e.to_string()))
    }

    /// The signature OID, as text (also for algorithms this crate does not know).
    pub fn signature_algorithm_oid(&self) -> String {
        self.0.inner.signature_algorithm().oid.to_string()
    }

    /// The signature bytes.
    pub fn signature(&self) -> &[u8] {
        self.0.inner.signature().raw_bytes()
    }

    /// The decoded extensions.
    pub fn extensions(&self) -> &Extensions {
        &self.0.extensions
    }

    /// True when subject and issuer are the same name.
    pub fn is_self_issued(&self) -> bool {
        self.0.subject_key == self.0.issuer_key
    }

    /// True when basicConstraints says cA.
    pub fn is_ca(&self) -> bool {
        matches!(self.0.extensions.basic_constraints, Some((true, _)))
    }

    /// A serialisable summary (what `yinjian cert show` prints).
    pub fn info(&self) -> CertificateInfo {
        let e = &self.0.extensions;
        CertificateInfo {
            subject: self.subject(),
            issuer: self.issuer(),
            serial: self.serial_hex(),
            version: self.version(),
            not_before: self.not_before(),
            not_after: self.not_after(),
            key_algorithm: self.key_algorithm(),
            signature_algorithm: self
                .signature_algorithm()
                .map(|a| a.name().to_owned())
                .unwrap_or_else(|_| self.signature_algorithm_oid()),
            sha256_fingerprint: self.fingerprint_hex(),
            sm3_fingerprint: hex::encode(DigestAlgorithm::Sm3.digest(&self.0.der)),
            basic_constraints: e
                .basic_constraints
                .map(|(ca, path_len)| BasicConstraintsInfo { ca, path_len }),
            key_usage: e.key_usage,
            extended_key_usage: e.ext_key_usage.as_ref().map(|v| v.iter().map(eku_name).collect()),
            subject_key_id: e.subject_key_id.as_ref().map(hex::encode),
            authority_key_id: e.authority_key_id.as_ref().map(hex::encode),
            policies: e.policies.as_ref().map(|v| v.iter().map(ToString::to_string).collect()),
            name_constraints: e.name_constraints.is_some(),
            crl_distribution_points: e.crl_distribution_points.clone(),
            subject_alt_names: e.subject_alt_names.iter().map(general_name_text).collect(),
            unknown_critical_extensions: e.unknown_critical.iter().map(ToString::to_string).collect(),
        }
    }
}

/// What a certificate says, for display and JSON.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CertificateInfo {
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Serial number, hex.
    pub serial: String,
    /// X.509 version (1–3).
    pub version: u8,
    /// Start of validity.
    pub not_before: Time,
    /// End of validity.
    pub not_after: Time,
    /// Public key algorithm.
    pub key_algorithm: String,
    /// Signature algorithm name or OID.
    pub signature_algorithm: String,
    /// SHA-256 of the DER, hex.
    pub sha256_fingerprint: String,
    /// SM3 of the DER, hex.
    pub sm3_fingerprint: String,
    /// basicConstraints.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub basic_constraints: Option<BasicConstraintsInfo>,
    /// keyUsage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_usage: Option<KeyUsageBits>,
    /// extKeyUsage (names where known, else OIDs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_key_usage: Option<Vec<String>>,
    /// subjectKeyIdentifier, hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_key_id: Option<String>,
    /// authorityKeyIdentifier keyIdentifier, hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority_key_id: Option<String>,
    /// certificatePolicies OIDs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policies: Option<Vec<String>>,
    /// Whether nameConstraints is present.
    pub name_constraints: bool,
    /// CRL distribution point URIs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crl_distribution_points: Vec<String>,
    /// subjectAltName entries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subject_alt_names: Vec<String>,
    /// Critical extensions not understood.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_critical_extensions: Vec<String>,
}

/// basicConstraints, for display.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct BasicConstraintsInfo {
    /// cA.
    pub ca: bool,
    /// pathLenConstraint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path_len: Option<u8>,
}

/// Reads every certificate in `input`: PEM blocks (any number; explanatory text around
/// them, RFC 7468 §5.2, and blocks of other types are skipped; `PKCS7`/`CMS` blocks are read
/// as certificate bundles), hex text, one or more concatenated DER certificates, or a DER
/// PKCS#7/CMS SignedData (a `.p7b`/`.p7c` certs-only bundle).
pub fn parse_all(input: &[u8]) -> Result<Vec<Certificate>, X509Error> {
    if let Some(text) = pem_text(input) {
        let mut out = Vec::new();
        for block in pem_blocks(&text) {
            let (label, der) =
                pem_rfc7468::decode_vec(block.as_bytes()).map_err(|e| X509Error::Malformed(format!("PEM: {e}")))?;
            let found = match label {
                "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE" => vec![Certificate::from_der(&der)?],
                "PKCS7" | "CMS" => bundle_certificates(&der)?,
                _ => continue,
            };
            if out.len() + found.len() > MAX_BUNDLE_CERTIFICATES {
                return Err(X509Error::TooLarge(format!(
                    "more than {MAX_BUNDLE_CERTIFICATES} certificates"
                )));
            }
            out.extend(found);
        }
        if out.is_empty() {
            return Err(X509Error::Malformed("no CERTIFICATE or PKCS7 block".into()));
        }
        return Ok(out);
    }
    let trimmed = input.trim_ascii_start();
    let der = match decode_hex_text(trimmed) {
        Some(bytes) => bytes,
        None => input.to_vec(),
    };
    if is_content_info(&der) {
        return bundle_certificates(&der);
    }
    let mut out = Vec::new();
    let mut rest = &der[..];
    while !rest.is_empty() {
        let len = der::SliceReader::new(rest)
            .and_then(|r| der::Header::peek(&r).and_then(|h| h.encoded_len()? + h.length()))
            .map_err(|e| X509Error::Malformed(format!("DER: {e}")))?;
        let len = usize::try_from(len).map_err(|_| X509Error::Malformed("length".into()))?;
        if len > rest.len() {
            return Err(X509Error::Malformed("truncated DER certificate".into()));
        }
        if out.len() == MAX_BUNDLE_CERTIFICATES {
            return Err(X509Error::TooLarge(format!(
                "more than {MAX_BUNDLE_CERTIFICATES} certificates"
            )));
        }
        out.push(Certificate::from_der(&rest[..len])?);
        rest = &rest[len..];
    }
    if out.is_empty() {
        return Err(X509Error::Malformed("empty input".into()));
    }
    Ok(out)
}

/// True when `der` starts like a ContentInfo (a SEQUENCE whose first element is an OID),
/// not like a certificate (whose first element is the TBSCertificate SEQUENCE).
fn is_content_info(der: &[u8]) -> bool {
    (|| -> der::Result<bool> {
        let outer = der::Header::peek(&der::SliceReader::new(der)?)?;
        let skip = usize::try_from(outer.encoded_len()?)?;
        Ok(outer.tag() == der::Tag::Sequence && der.get(skip) == Some(&0x06))
    })()
    .unwrap_or(false)
}

/// The certificates of a PKCS#7/CMS SignedData (a certs-only bundle or any signed message).
fn bundle_certificates(der: &[u8]) -> Result<Vec<Certificate>, X509Error> {
    let sd = crate::cms::SignedData::from_der(der)
        .map_err(|e| X509Error::Malformed(format!("PKCS#7 certificate bundle: {e}")))?;
    if let Some(first) = sd.certificate_errors.first() {
        return Err(X509Error::Malformed(format!("PKCS#7 certificate bundle: {first}")));
    }
    if sd.certificates.is_empty() {
        return Err(X509Error::Malformed("PKCS#7 bundle holds no certificate".into()));
    }
    Ok(sd.certificates)
}

/// The input as PEM text when it holds a `-----BEGIN ` line (wherever it starts: RFC 7468
/// §5.2 lets explanatory text precede and follow the blocks), `None` for binary DER.
pub(crate) fn pem_text(input: &[u8]) -> Option<std::borrow::Cow<'_, str>> {
    if input.trim_ascii_start().first() == Some(&0x30) {
        return None;
    }
    memchr::memmem::find(input, b"-----BEGIN ")?;
    Some(String::from_utf8_lossy(input))
}

/// Splits PEM text into its `-----BEGIN … -----END …-----` blocks.
pub(crate) fn pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end();
        if line.starts_with("-----BEGIN ") {
            current = Some(String::new());
        }
        if let Some(block) = current.as_mut() {
            block.push_str(line);
            block.push('\n');
            if line.starts_with("-----END ") {
                blocks.extend(current.take());
            }
        }
    }
    blocks
}

fn decode_extensions(list: &[x509_cert::ext::Extension]) -> Result<Extensions, X509Error> {
    let mut out = Extensions::default();
    let mut seen = HashSet::new();
    for ext in list {
        if !seen.insert(ext.extn_id) {
            return Err(X509Error::Malformed(format!("extension {} appears twice", ext.extn_id)));
        }
        if ext.critical {
            out.critical.push(ext.extn_id);
        }
        let value = ext.extn_value.as_bytes();
        let bad = |e: der::Error| X509Error::Malformed(format!("extension {}: {e}", ext.extn_id));
        match ext.extn_id {
            ext_oid::BASIC_CONSTRAINTS => {
                let bc = BasicConstraints::from_der(value).map_err(bad)?;
                out.basic_constraints = Some((bc.ca, bc.path_len_constraint));
            }
            ext_oid::KEY_USAGE => {
                let ku = KeyUsage::from_der(value).map_err(bad)?;
                if ku.0.is_empty() {
                    return Err(X509Error::Malformed("keyUsage with no bit set".into()));
                }
                out.key_usage = Some(KeyUsageBits {
                    digital_signature: ku.0.contains(KeyUsages::DigitalSignature),
                    non_repudiation: ku.0.contains(KeyUsages::NonRepudiation),
                    key_encipherment: ku.0.contains(KeyUsages::KeyEncipherment),
                    data_encipherment: ku.0.contains(KeyUsages::DataEncipherment),
                    key_agreement: ku.0.contains(KeyUsages::KeyAgreement),
                    key_cert_sign: ku.0.contains(KeyUsages::KeyCertSign),
                    crl_sign: ku.0.contains(KeyUsages::CRLSign),
                });
            }
            ext_oid::EXT_KEY_USAGE => {
                let eku = ExtendedKeyUsage::from_der(value).map_err(bad)?;
                if eku.0.is_empty() {
                    return Err(X509Error::Malformed("extKeyUsage with no purpose".into()));
                }
                out.ext_key_usage = Some(eku.0);
            }
            ext_oid::SUBJECT_KEY_ID => {
                out.subject_key_id = Some(
                    SubjectKeyIdentifier::from_der(value)
                        .map_err(bad)?
                        .0
                        .as_bytes()
                        .to_vec(),
                );
            }
            ext_oid::AUTHORITY_KEY_ID => {
                let aki = AuthorityKeyIdentifier::from_der(value).map_err(bad)?;
                out.has_authority_key_id = true;
                out.authority_key_id_has_issuer =
                    aki.authority_cert_issuer.is_some() || aki.authority_cert_serial_number.is_some();
                out.authority_key_id = aki.key_identifier.map(|k| k.as_bytes().to_vec());
            }
            ext_oid::CERTIFICATE_POLICIES => {
                let p = CertificatePolicies::from_der(value).map_err(bad)?;
                out.policies = Some(p.0.into_iter().map(|pi| pi.policy_identifier).collect());
            }
            ext_oid::NAME_CONSTRAINTS => {
                let nc = NameConstraints::from_der(value).map_err(bad)?;
                if nc.permitted_subtrees.is_none() && nc.excluded_subtrees.is_none() {
                    return Err(X509Error::Malformed("nameConstraints with no subtrees".into()));
                }
                out.name_constraints = Some(nc);
            }
            ext_oid::CRL_DISTRIBUTION_POINTS => {
                let dps = CrlDistributionPoints::from_der(value).map_err(bad)?;
                for dp in dps.0 {
                    if let Some(x509_cert::ext::pkix::name::DistributionPointName::FullName(names)) =
                        dp.distribution_point
                    {
                        out.crl_distribution_points.extend(names.iter().filter_map(|n| match n {
                            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
                            _ => None,
                        }));
                    }
                }
            }
            ext_oid::SUBJECT_ALT_NAME => {
                let san = SubjectAltName::from_der(value).map_err(bad)?;
                if san.0.is_empty() {
                    return Err(X509Error::Malformed("subjectAltName with no names".into()));
                }
                out.subject_alt_names = san.0;
            }
            ext_oid::AUTHORITY_INFO_ACCESS => {
                let aia = x509_cert::ext::pkix::AuthorityInfoAccessSyntax::from_der(value).map_err(bad)?;
                if aia.0.is_empty() {
                    return Err(X509Error::Malformed("authorityInfoAccess with no entries".into()));
                }
            }
            // Understood here; the policy ones are applied by RFC 5280 §6.1 policy processing
            // (`x509::policy`), which reads them from the certificate itself.
            ext_oid::ISSUER_ALT_NAME
            | ext_oid::POLICY_MAPPINGS
            | ext_oid::POLICY_CONSTRAINTS
            | ext_oid::INHIBIT_ANY_POLICY => {}
            other if ext.critical => out.unknown_critical.push(other),
            _ => {}
        }
    }
    Ok(out)
}

/// A readable form of a general name (`DNS:…`, `email:…`, `IP:…`, `URI:…`, `DirName:…`).
pub fn general_name_text(name: &GeneralName) -> String {
    match name {
        GeneralName::DnsName(s) => format!("DNS:{s}"),
        GeneralName::Rfc822Name(s) => format!("email:{s}"),
        GeneralName::UniformResourceIdentifier(s) => format!("URI:{s}"),
        GeneralName::DirectoryName(n) => format!("DirName:{}", name::display(n)),
        GeneralName::IpAddress(ip) => match ip.as_bytes() {
            [a, b, c, d] => format!("IP:{a}.{b}.{c}.{d}"),
            bytes if bytes.len() == 16 => {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(bytes);
                format!("IP:{}", std::net::Ipv6Addr::from(octets))
            }
            bytes => format!("IP:#{}", hex::encode(bytes)),
        },
        GeneralName::RegisteredId(oid) => format!("RID:{oid}"),
        GeneralName::OtherName(o) => format!("otherName:{}", o.type_id),
        GeneralName::EdiPartyName(_) => "ediPartyName".into(),
    }
}

/// Well-known extended key usage names.
pub fn eku_name(oid: &ObjectIdentifier) -> String {
    match oid.to_string().as_str() {
        "1.3.6.1.5.5.7.3.1" => "serverAuth".into(),
        "1.3.6.1.5.5.7.3.2" => "clientAuth".into(),
        "1.3.6.1.5.5.7.3.3" => "codeSigning".into(),
        "1.3.6.1.5.5.7.3.4" => "emailProtection".into(),
        "1.3.6.1.5.5.7.3.8" => "timeStamping".into(),
        "1.3.6.1.5.5.7.3.9" => "OCSPSigning".into(),
        "1.3.6.1.5.5.7.3.36" => "documentSigning".into(),
        "2.5.29.37.0" => "anyExtendedKeyUsage".into(),
        "1.2.840.113583.1.1.5" => "adobePdfSigning".into(),
        "1.3.6.1.4.1.311.10.3.12" => "msDocumentSigning".into(),
        other => other.into(),
    }
}

/// The public key of each certificate of a path `[leaf, …, anchor]`, DER
/// SubjectPublicKeyInfo, with DSA domain parameters inherited down the path where a key
/// omits them (RFC 5280 §6.1.4 (a)(1)).
pub(crate) fn path_spkis<'a>(path: &[&'a Certificate]) -> Vec<Cow<'a, [u8]>> {
    let mut out: Vec<Cow<'a, [u8]>> = path.iter().map(|c| Cow::Borrowed(c.spki())).collect();
    for i in (0..out.len().saturating_sub(1)).rev() {
        if let Some(inherited) = crate::alg::inherit_dsa_parameters(&out[i], &out[i + 1]) {
            out[i] = Cow::Owned(inherited);
        }
    }
    out
}

/// Where the two validity times sit in a DER certificate: (tag byte, value range, the time
/// when it reads as RFC 5280 UTCTime/GeneralizedTime).
type RawValidity = [(u8, std::ops::Range<usize>, Option<Time>); 2];

fn raw_validity(der: &[u8]) -> Option<RawValidity> {
    use der::{Decode as _, Header, Reader as _};
    let mut r = der::SliceReader::new(der).ok()?;
    Header::decode(&mut r).ok()?; // Certificate
    Header::decode(&mut r).ok()?; // TBSCertificate
    let skip = |r: &mut der::SliceReader<'_>| -> Option<()> {
        let h = Header::decode(r).ok()?;
        r.read_slice(h.length()).ok()?;
        Some(())
    };
    if Header::peek(&r).ok()?.tag().is_context_specific() {
        skip(&mut r)?; // [0] version
    }
    skip(&mut r)?; // serialNumber
    skip(&mut r)?; // signature
    skip(&mut r)?; // issuer
    Header::decode(&mut r).ok()?; // Validity
    let mut one = || -> Option<(u8, std::ops::Range<usize>, Option<Time>)> {
        let h = Header::decode(&mut r).ok()?;
        let start = usize::try_from(r.position()).ok()?;
        let value = r.read_slice(h.length()).ok()?;
        let tag = match h.tag() {
            der::Tag::UtcTime => 0x17,
            der::Tag::GeneralizedTime => 0x18,
            _ => 0,
        };
        Some((tag, start..start + value.len(), time_text(tag, value)))
    };
    Some([one()?, one()?])
}

/// Reads `YYMMDDHHMMSSZ` (UTCTime, tag 0x17; YY ≥ 50 is 19YY) or `YYYYMMDDHHMMSSZ`
/// (GeneralizedTime, tag 0x18).
fn time_text(tag: u8, value: &[u8]) -> Option<Time> {
    let digits = value.strip_suffix(b"Z")?;
    if !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let num =
        |range: std::ops::Range<usize>| -> Option<u32> { std::str::from_utf8(digits.get(range)?).ok()?.parse().ok() };
    let (year, rest) = match (tag, digits.len()) {
        (0x17, 12) => {
            let yy = num(0..2)? as i32;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, 2)
        }
        (0x18, 14) => (num(0..4)? as i32, 4),
        _ => return None,
    };
    let field = |i: usize| num(rest + 2 * i..rest + 2 * i + 2).and_then(|v| u8::try_from(v).ok());
    Time::from_utc_fields(year, field(0)?, field(1)?, field(2)?, field(3)?, field(4)?)
}

/// A copy of `der` whose pre-1970 validity times read 1970-01-01T00:00:00Z (for decoding
/// only: the signature is checked over the original bytes), or `None` when none is.
fn patch_pre_1970(der: &[u8], validity: &RawValidity) -> Option<Vec<u8>> {
    let early = |t: &Option<Time>| t.is_some_and(|t| t < Time::UNIX_EPOCH);
    if !validity.iter().any(|(_, _, t)| early(t)) {
        return None;
    }
    let mut out = der.to_vec();
    for (tag, range, time) in validity {
        if early(time) {
            let text: &[u8] = if *tag == 0x17 {
                b"700101000000Z"
            } else {
                b"19700101000000Z"
            };
            out.get_mut(range.clone())?.copy_from_slice(text);
        }
    }
    Some(out)
}

/// A validity time as [`Time`] (x509 times are 1950–9999, all representable).
pub(crate) fn x509_time(t: &x509_cert::time::Time) -> Time {
    let dt = t.to_date_time();
    Time::from_utc_fields(
        dt.year() as i32,
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minutes(),
        dt.seconds(),
    )
    .unwrap_or(Time::UNIX_EPOCH)
}

fn sha256(data: &[u8]) -> [u8; 32] {
    let digest = DigestAlgorithm::Sha256.digest(data);
    let mut out = [0u8; 32];
    out.copy_from_slice(&digest);
    out
}

/// A certificate of the test PKI (`test-vectors/x509/sm2/certs/`), for unit tests.
#[cfg(test)]
pub(crate) fn test_vector(file: &str) -> Certificate {
    let path = format!("{}/../test-vectors/x509/sm2/certs/{file}", env!("CARGO_MANIFEST_DIR"));
    Certificate::from_pem(&std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utctime_years_follow_rfc_5280() {
        let t = |tag, s: &str| time_text(tag, s.as_bytes()).map(|t| t.to_string());
        assert_eq!(t(0x17, "500101120100Z").as_deref(), Some("1950-01-01T12:01:00Z"));
        assert_eq!(t(0x17, "491231235959Z").as_deref(), Some("2049-12-31T23:59:59Z"));
        assert_eq!(t(0x18, "19491231000000Z").as_deref(), Some("1949-12-31T00:00:00Z"));
        assert_eq!(t(0x17, "5001011201Z"), None, "seconds are mandatory");
        assert_eq!(t(0x17, "500101120100+0800"), None, "only Z");
        assert_eq!(t(0x18, "500101120100Z"), None, "GeneralizedTime has four year digits");
    }

    /// What decoding keeps (names as text, the SPKI, hex of serial and fingerprint) equals
    /// what the x509-cert structure gives when asked again, and a clone is the same decoding.
    #[test]
    fn kept_texts_and_spki_equal_the_decoded_structure() {
        for file in ["root.pem", "int.pem", "leaf.pem", "v1-leaf.pem", "xa-cross-b.pem"] {
            let cert = test_vector(file);
            let tbs = cert.inner().tbs_certificate();
            assert_eq!(cert.subject(), name::display(tbs.subject()), "{file}");
            assert_eq!(cert.issuer(), name::display(tbs.issuer()), "{file}");
            assert_eq!(cert.spki(), tbs.subject_public_key_info().to_der().unwrap(), "{file}");
            assert_eq!(cert.spki_der(), cert.spki(), "{file}");
            assert_eq!(cert.serial_hex(), hex::encode(tbs.serial_number().as_bytes()), "{file}");
            assert_eq!(cert.fingerprint_hex(), hex::encode(sha256(cert.der())), "{file}");
            let copy = cert.clone();
            assert!(Arc::ptr_eq(&copy.0, &cert.0) && copy == cert, "{file}");
        }
        let (root, int) = (test_vector("root.pem"), test_vector("int.pem"));
        assert_ne!(root, int);
        assert_ne!(root.spki(), int.spki());
    }

    #[test]
    fn pre_1970_validity_is_patched_for_decoding_only() {
        let der = b"\x17\x0d500101120100Z\x17\x0d301231083000Z".to_vec();
        let validity: RawValidity = [
            (0x17, 2..15, time_text(0x17, b"500101120100Z")),
            (0x17, 17..30, time_text(0x17, b"301231083000Z")),
        ];
        let patched = patch_pre_1970(&der, &validity).unwrap();
        assert_eq!(&patched[2..15], b"700101000000Z");
        assert_eq!(&patched[17..30], b"301231083000Z");
        let later: RawValidity = [validity[1].clone(), validity[1].clone()];
        assert_eq!(patch_pre_1970(&der, &later), None);
    }

    #[test]
    fn pem_text_finds_blocks_after_explanatory_text() {
        assert!(pem_text(b"Certificate:\n  Data: ...\n-----BEGIN CERTIFICATE-----\n").is_some());
        assert!(pem_text(b"\x30\x82\x01\x00-----BEGIN ").is_none(), "DER stays DER");
        assert!(pem_text(b"no block here").is_none());
        assert!(!is_content_info(b"\x30\x03\x30\x01\x00"));
        assert!(is_content_info(b"\x30\x05\x06\x03\x2a\x03\x04"));
    }
}
