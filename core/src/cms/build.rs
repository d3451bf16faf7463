//! Making a detached CMS SignedData (RFC 5652) over a precomputed digest, as PDF signatures
//! need: one SignerInfo named by issuer and serial number, signed attributes contentType,
//! messageDigest, signingTime and ESS signingCertificateV2 (RFC 5035), the signer's
//! certificate and any chain certificates included.
//!
//! Three key kinds ([`CmsKey`]):
//!
//! | key | SignedData / data OIDs | digest | signatureAlgorithm | ESS certHash |
//! |---|---|---|---|---|
//! | SM2 | GM/T 0010 `1.2.156.10197.6.1.4.2.2` / `.2.1` | SM3 | `1.2.156.10197.1.501` (DER signature, default ID) | SM3 (hashAlgorithm written) |
//! | ECDSA P-256 | RFC 5652 | SHA-256 | ecdsa-with-SHA256 | SHA-256 (default, omitted) |
//! | RSA | RFC 5652 | SHA-256 | sha256WithRSAEncryption (PKCS#1 v1.5) | SHA-256 (default, omitted) |
//!
//! The DER is written by the small helpers at the bottom of this file; the output is checked
//! by parsing it back with [`SignedData::from_der`](super::SignedData::from_der) in the tests.

use der::asn1::ObjectIdentifier;
use der::{Decode, Encode};

use super::{oid, CmsError};
use crate::alg::{self, DigestAlgorithm};
use crate::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
use crate::time::Time;
use crate::x509::Certificate;

/// Largest private key file accepted by [`CmsKey::parse`], in bytes.
pub const MAX_KEY_SIZE: usize = 64 * 1024;

/// Most chain certificates included in one SignedData.
pub const MAX_CHAIN: usize = 16;

/// A signing key for CMS.
#[non_exhaustive]
pub enum CmsKey {
    /// SM2 with SM3 (GM/T 0010 OIDs).
    Sm2(PrivateKey),
    /// ECDSA P-256 with SHA-256; PKCS#8 DER.
    EcdsaP256(Vec<u8>),
    /// RSA PKCS#1 v1.5 with SHA-256; PKCS#8 DER.
    Rsa(Vec<u8>),
}

impl std::fmt::Debug for CmsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CmsKey({})", self.name())
    }
}

impl CmsKey {
    /// Reads a private key (PEM or DER: PKCS#8 of SM2, P-256 or RSA; SEC1 `EC PRIVATE KEY` of
    /// SM2) and tells its kind from the algorithm identifier inside.
    ///
    /// # Errors
    ///
    /// [`CmsError::Unsupported`] for another algorithm or curve, [`CmsError::Malformed`] when
    /// the key cannot be read, [`CmsError::TooLarge`] over [`MAX_KEY_SIZE`].
    pub fn parse(input: &[u8]) -> Result<CmsKey, CmsError> {
        if input.len() > MAX_KEY_SIZE {
            return Err(CmsError::TooLarge(format!("key file over {MAX_KEY_SIZE} bytes")));
        }
        let (label, der) = if input.starts_with(b"-----") || input.windows(11).any(|w| w == b"-----BEGIN ") {
            let text = std::str::from_utf8(input).map_err(|_| CmsError::Malformed("PEM key is not text".into()))?;
            let start = text
                .find("-----BEGIN ")
                .ok_or_else(|| CmsError::Malformed("no PEM block".into()))?;
            let (label, der) = pem_rfc7468::decode_vec(&text.as_bytes()[start..])
                .map_err(|e| CmsError::Malformed(format!("PEM key: {e}")))?;
            (label.to_owned(), der)
        } else {
            ("PRIVATE KEY".to_owned(), input.to_vec())
        };
        match label.as_str() {
            "PRIVATE KEY" => {
                let info = pkcs8::PrivateKeyInfoRef::from_der(&der)
                    .map_err(|e| CmsError::Malformed(format!("PKCS#8 key: {e}")))?;
                let algorithm = info.algorithm.oid;
                let curve = info
                    .algorithm
                    .parameters
                    .as_ref()
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
                match (algorithm, curve) {
                    (alg::oid::RSA_ENCRYPTION, _) => Ok(CmsKey::Rsa(der)),
                    (alg::oid::EC_PUBLIC_KEY, Some(alg::oid::SECP256R1)) => Ok(CmsKey::EcdsaP256(der)),
                    (alg::oid::EC_PUBLIC_KEY, Some(alg::oid::SM2_CURVE)) | (alg::oid::SM2_CURVE, _) => {
                        PrivateKey::from_pkcs8_der(&der)
                            .map(CmsKey::Sm2)
                            .map_err(|e| CmsError::Malformed(format!("SM2 key: {e}")))
                    }
                    (a, c) => Err(CmsError::Unsupported(format!(
                        "key algorithm {a}{}",
                        c.map(|c| format!(" on curve {c}")).unwrap_or_default()
                    ))),
                }
            }
            "EC PRIVATE KEY" => PrivateKey::from_sec1_der(&der)
                .map(CmsKey::Sm2)
                .map_err(|e| CmsError::Unsupported(format!("SEC1 key (only SM2 is read in this form): {e}"))),
            other => Err(CmsError::Unsupported(format!("PEM label {other:?}"))),
        }
    }

    /// A short name of the kind: `SM2`, `ECDSA-P256`, `RSA`.
    pub fn name(&self) -> &'static str {
        match self {
            CmsKey::Sm2(_) => "SM2",
            CmsKey::EcdsaP256(_) => "ECDSA-P256",
            CmsKey::Rsa(_) => "RSA",
        }
    }

    /// The digest algorithm signatures with this key use.
    pub fn digest_algorithm(&self) -> DigestAlgorithm {
        match self {
            CmsKey::Sm2(_) => DigestAlgorithm::Sm3,
            CmsKey::EcdsaP256(_) | CmsKey::Rsa(_) => DigestAlgorithm::Sha256,
        }
    }

    /// Whether this is an SM2 key (GM/T 0010 output).
    pub fn is_sm2(&self) -> bool {
        matches!(self, CmsKey::Sm2(_))
    }

    /// The public key as a certificate's subjectPublicKey BIT STRING carries it (SEC1 point
    /// or RSAPublicKey DER).
    pub fn public_key_bits(&self) -> Result<Vec<u8>, CmsError> {
        use ring::signature::KeyPair;
        let rng = ring::rand::SystemRandom::new();
        match self {
            CmsKey::Sm2(key) => Ok(key.public_key().to_sec1_uncompressed().to_vec()),
            CmsKey::EcdsaP256(pkcs8) => {
                ring::signature::EcdsaKeyPair::from_pkcs8(&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng)
                    .map(|p| p.public_key().as_ref().to_vec())
                    .map_err(|e| CmsError::Malformed(format!("P-256 key: {e}")))
            }
            CmsKey::Rsa(pkcs8) => ring::signature::RsaKeyPair::from_pkcs8(pkcs8)
                .map(|p| p.public().as_ref().to_vec())
                .map_err(|e| CmsError::Malformed(format!("RSA key: {e}"))),
        }
    }

    /// Signs `message` (the DER of the signed attributes): SM2 DER signature with the default
    /// ID, ECDSA ASN.1 signature, RSA PKCS#1 v1.5.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CmsError> {
        use ring::signature as rs;
        let rng = ring::rand::SystemRandom::new();
        let failed = |e: &dyn std::fmt::Display| CmsError::Unsupported(format!("signing failed: {e}"));
        match self {
            CmsKey::Sm2(key) => Sm2Signer::new(key, DEFAULT_DISTID)
                .and_then(|s| s.sign(message, SignatureEncoding::Der))
                .map_err(|e| failed(&e)),
            CmsKey::EcdsaP256(pkcs8) => {
                let pair = rs::EcdsaKeyPair::from_pkcs8(&rs::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8, &rng)
                    .map_err(|e| failed(&e))?;
                pair.sign(&rng, message)
                    .map(|s| s.as_ref().to_vec())
                    .map_err(|e| failed(&e))
            }
            CmsKey::Rsa(pkcs8) => {
                let pair = rs::RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| failed(&e))?;
                let mut out = vec![0u8; pair.public().modulus_len()];
                pair.sign(&rs::RSA_PKCS1_SHA256, &rng, message, &mut out)
                    .map_err(|e| failed(&e))?;
                Ok(out)
            }
        }
    }

    /// DER AlgorithmIdentifier of the signature algorithm.
    fn signature_algorithm(&self) -> Vec<u8> {
        match self {
            CmsKey::Sm2(_) => algorithm_id(&alg::oid::SM2_SM3, None),
            CmsKey::EcdsaP256(_) => algorithm_id(&alg::oid::ECDSA_WITH_SHA256, None),
            CmsKey::Rsa(_) => algorithm_id(&alg::oid::SHA256_WITH_RSA, Some(&NULL)),
        }
    }
}

/// Makes a detached SignedData (DER ContentInfo) over content whose digest — with
/// [`CmsKey::digest_algorithm`] — is `digest`.
///
/// `signing_time` goes into the signingTime attribute; `chain` certificates (intermediates)
/// are included after the signer's.
///
/// # Errors
///
/// [`CmsError::Malformed`] when the key does not belong to `cert` or the digest has the wrong
/// length, [`CmsError::TooLarge`] over [`MAX_CHAIN`], [`CmsError::Unsupported`] when signing
/// fails.
pub fn sign_detached_digest(
    key: &CmsKey,
    cert: &Certificate,
    chain: &[Certificate],
    digest: &[u8],
    signing_time: Time,
) -> Result<Vec<u8>, CmsError> {
    let digest_alg = key.digest_algorithm();
    if digest.len() != digest_alg.output_len() {
        return Err(CmsError::Malformed(format!(
            "a {} digest has {} bytes, not {}",
            digest_alg.name(),
            digest_alg.output_len(),
            digest.len()
        )));
    }
    let data_oid = if key.is_sm2() { oid::SM2_DATA } else { oid::DATA };
    sign(key, cert, chain, &data_oid, None, digest, signing_time)
}

/// A time-stamping authority's signing material.
#[derive(Debug, Clone, Copy)]
pub struct Tsa<'a> {
    /// The TSA's private key.
    pub key: &'a CmsKey,
    /// Its certificate (extKeyUsage id-kp-timeStamping, critical).
    pub cert: &'a Certificate,
    /// Chain certificates to include.
    pub chain: &'a [Certificate],
    /// The TSA policy written into every TSTInfo.
    pub policy: ObjectIdentifier,
}

/// The TSA policy [`Tsa`] uses when none is given: yinjian's own arc under the private
/// enterprise number space is not registered, so the ETSI baseline time-stamp policy
/// (ETSI EN 319 421 `0.4.0.2023.1.1`) is written, the policy of a TSA issuing qualified-style
/// baseline time-stamps.
pub const DEFAULT_TSA_POLICY: ObjectIdentifier = ObjectIdentifier::new_unwrap("0.4.0.2023.1.1");

/// Makes an RFC 3161 TimeStampToken (RFC 3161 §2.4.2, ESS signingCertificateV2 per RFC 5816):
/// a SignedData over a TSTInfo with `imprint` (the digest of the stamped data made with
/// `imprint_alg`), `serial`, `gen_time` and the TSA's policy, signed by the TSA's key, its
/// certificate (with extKeyUsage id-kp-timeStamping) and chain included. This
/// is the TSA side an archive's intake step needs for documents it time-stamps itself; the
/// time is an input (the library reads no clock).
///
/// # Errors
///
/// As [`sign_detached_digest`]; [`CmsError::Malformed`] when `imprint` does not have the
/// length of `imprint_alg`'s output or `serial` (an unsigned big-endian magnitude) is zero.
pub fn sign_timestamp_token(
    tsa: &Tsa<'_>,
    imprint_alg: DigestAlgorithm,
    imprint: &[u8],
    serial: &[u8],
    gen_time: Time,
) -> Result<Vec<u8>, CmsError> {
    if imprint.len() != imprint_alg.output_len() {
        return Err(CmsError::Malformed(format!(
            "a {} imprint has {} bytes, not {}",
            imprint_alg.name(),
            imprint_alg.output_len(),
            imprint.len()
        )));
    }
    // A positive INTEGER in minimal DER: the magnitude's leading zero bytes dropped (a
    // serial drawn at random starts with one in 1 of 256 draws, and strict readers, ours
    // included, refuse the token then), a zero byte put back when the top bit is set.
    let magnitude = &serial[serial.iter().position(|&b| b != 0).unwrap_or(serial.len())..];
    if magnitude.is_empty() {
        return Err(CmsError::Malformed(
            "a time-stamp needs a positive serial number".into(),
        ));
    }
    let mut serial_content = magnitude.to_vec();
    if serial_content[0] & 0x80 != 0 {
        serial_content.insert(0, 0);
    }
    let tst_info = seq(&[
        &tlv(INTEGER, &[1]),
        &object_id(&tsa.policy),
        &seq(&[&algorithm_id(&imprint_alg.oid(), None), &tlv(OCTET_STRING, imprint)]),
        &tlv(INTEGER, &serial_content),
        &generalized_time(gen_time),
    ]);
    let content_digest = tsa.key.digest_algorithm().digest(&tst_info);
    sign(
        tsa.key,
        tsa.cert,
        tsa.chain,
        &oid::TST_INFO,
        Some(&tst_info),
        &content_digest,
        gen_time,
    )
}

/// A SignedData with one SignerInfo over content of type `content_type`: encapsulated when
/// `content` is given (its digest is `digest`), else detached (`digest` of the external
/// content). Signed attributes: contentType, signingTime, messageDigest, ESS
/// signingCertificateV2.
fn sign(
    key: &CmsKey,
    cert: &Certificate,
    chain: &[Certificate],
    content_type: &ObjectIdentifier,
    content: Option<&[u8]>,
    digest: &[u8],
    signing_time: Time,
) -> Result<Vec<u8>, CmsError> {
    let digest_alg = key.digest_algorithm();
    if chain.len() > MAX_CHAIN {
        return Err(CmsError::TooLarge(format!("more than {MAX_CHAIN} chain certificates")));
    }
    let cert_key = cert
        .inner()
        .tbs_certificate()
        .subject_public_key_info()
        .subject_public_key
        .raw_bytes()
        .to_vec();
    if key.public_key_bits()? != cert_key {
        return Err(CmsError::Malformed(
            "the private key does not belong to the signer certificate".into(),
        ));
    }
    let signed_data_oid = if key.is_sm2() {
        oid::SM2_SIGNED_DATA
    } else {
        oid::SIGNED_DATA
    };
    let digest_alg_id = algorithm_id(&digest_alg.oid(), None);
    let issuer = cert
        .inner()
        .tbs_certificate()
        .issuer()
        .to_der()
        .map_err(|e| CmsError::Malformed(format!("issuer name: {e}")))?;
    let serial = tlv(INTEGER, cert.serial_bytes());

    // ESS signingCertificateV2: certHash of the signer certificate, with issuerSerial.
    let ess_hash_alg = if key.is_sm2() {
        algorithm_id(&alg::oid::SM3, None)
    } else {
        Vec::new() // SHA-256 is the DEFAULT and so is omitted in DER.
    };
    let cert_hash = digest_alg.digest(cert.der());
    let general_names = seq(&[&tlv(0xa4, &issuer)]);
    let issuer_serial = seq(&[&general_names, &serial]);
    let ess_cert_id = seq(&[&ess_hash_alg, &tlv(OCTET_STRING, &cert_hash), &issuer_serial]);
    let signing_certificate = seq(&[&seq(&[&ess_cert_id])]);

    let attributes = vec![
        attribute(&oid::CONTENT_TYPE, &object_id(content_type)),
        attribute(&oid::SIGNING_TIME, &asn1_time(signing_time)),
        attribute(&oid::MESSAGE_DIGEST, &tlv(OCTET_STRING, digest)),
        attribute(&oid::SIGNING_CERTIFICATE_V2, &signing_certificate),
    ];
    let signed_attrs = set_of(attributes);
    let signature = key.sign(&signed_attrs)?;
    // In the SignerInfo the SET OF is tagged [0] IMPLICIT.
    let mut implicit_attrs = signed_attrs;
    implicit_attrs[0] = 0xa0;

    let signer_info = seq(&[
        &tlv(INTEGER, &[1]),
        &seq(&[&issuer, &serial]),
        &digest_alg_id,
        &implicit_attrs,
        &key.signature_algorithm(),
        &tlv(OCTET_STRING, &signature),
    ]);
    let mut certs = cert.der().to_vec();
    for c in chain.iter().filter(|c| c.der() != cert.der()) {
        certs.extend_from_slice(c.der());
    }
    let encapsulated = match content {
        Some(c) => seq(&[&object_id(content_type), &tlv(0xa0, &tlv(OCTET_STRING, c))]),
        None => seq(&[&object_id(content_type)]),
    };
    let signed_data = seq(&[
        // RFC 5652 §5.1: version 3 when the eContentType is not id-data.
        &tlv(
            INTEGER,
            &[if matches!(*content_type, oid::DATA | oid::SM2_DATA) {
                1
            } else {
                3
            }],
        ),
        &tlv(SET, &digest_alg_id),
        &encapsulated,
        &tlv(0xa0, &certs),
        &tlv(SET, &signer_info),
    ]);
    Ok(seq(&[&object_id(&signed_data_oid), &tlv(0xa0, &signed_data)]))
}

const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;
const SEQUENCE: u8 = 0x30;
const SET: u8 = 0x31;
const NULL: [u8; 2] = [0x05, 0x00];

/// One DER TLV with a definite length.
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    super::ber::push_len(&mut out, content.len());
    out.extend_from_slice(content);
    out
}

/// A SEQUENCE of already encoded parts (empty parts are skipped: omitted OPTIONAL fields).
fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(SEQUENCE, &parts.concat())
}

/// A DER SET OF: the encodings sorted.
fn set_of(mut parts: Vec<Vec<u8>>) -> Vec<u8> {
    parts.sort();
    tlv(SET, &parts.concat())
}

fn object_id(oid: &ObjectIdentifier) -> Vec<u8> {
    tlv(OID, oid.as_bytes())
}

fn algorithm_id(oid: &ObjectIdentifier, parameters: Option<&[u8]>) -> Vec<u8> {
    seq(&[&object_id(oid), parameters.unwrap_or_default()])
}

/// Attribute ::= SEQUENCE { attrType, attrValues SET OF } with one value.
fn attribute(oid: &ObjectIdentifier, value: &[u8]) -> Vec<u8> {
    seq(&[&object_id(oid), &tlv(SET, value)])
}

/// GeneralizedTime `YYYYMMDDHHMMSSZ` (RFC 3161 genTime, RFC 5280 form).
fn generalized_time(t: Time) -> Vec<u8> {
    let digits: String = t.to_string().chars().filter(char::is_ascii_digit).take(14).collect();
    tlv(0x18, format!("{digits}Z").as_bytes())
}

/// UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5652 §11.3).
fn asn1_time(t: Time) -> Vec<u8> {
    // Display is RFC 3339 in UTC: `YYYY-MM-DDTHH:MM:SSZ`.
    let digits: String = t.to_string().chars().filter(char::is_ascii_digit).take(14).collect();
    let year: i32 = digits.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    if (1950..2050).contains(&year) {
        tlv(0x17, format!("{}Z", &digits[2..]).as_bytes())
    } else {
        tlv(0x18, format!("{digits}Z").as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_use_the_short_and_long_forms() {
        assert_eq!(tlv(0x04, &[1, 2]), vec![0x04, 2, 1, 2]);
        let long = tlv(0x04, &[0u8; 300]);
        assert_eq!(&long[..4], &[0x04, 0x82, 0x01, 0x2c]);
        assert_eq!(long.len(), 304);
    }

    #[test]
    fn timestamp_tokens_verify_as_rfc_3161_tokens() {
        let vec = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors/cms/pki/");
        let read = |f: &str| std::fs::read(format!("{vec}{f}")).unwrap();
        let root = Certificate::from_pem(&read("root.pem")).unwrap();
        let data = b"stamped by yinjian's TSA";
        for name in ["rsa-tsa", "ec-tsa"] {
            let key = CmsKey::parse(&read(&format!("{name}.key.pem"))).unwrap();
            let cert = Certificate::from_pem(&read(&format!("{name}.pem"))).unwrap();
            let tsa = Tsa {
                key: &key,
                cert: &cert,
                chain: &[],
                policy: DEFAULT_TSA_POLICY,
            };
            let at = Time::parse("2027-03-01T08:00:00Z").unwrap();
            let imprint = DigestAlgorithm::Sha256.digest(data);
            let token = sign_timestamp_token(&tsa, DigestAlgorithm::Sha256, &imprint, &[0x80, 1], at).unwrap();
            let parsed = super::super::tsp::TimeStampToken::from_der(&token).unwrap();
            assert_eq!(parsed.gen_time(), at);
            assert_eq!(parsed.tst_info.serial_number, vec![0, 0x80, 1]);
            // Leading zero bytes of the magnitude are dropped: the token stays strict DER.
            for (serial, content) in [(&[0, 0x05, 1][..], &[0x05, 1][..]), (&[0, 0, 0x90][..], &[0, 0x90][..])] {
                let token = sign_timestamp_token(&tsa, DigestAlgorithm::Sha256, &imprint, serial, at).unwrap();
                let parsed = super::super::tsp::TimeStampToken::from_der(&token).unwrap();
                assert_eq!(parsed.tst_info.serial_number, content);
            }
            for zero in [&[][..], &[0, 0][..]] {
                assert!(sign_timestamp_token(&tsa, DigestAlgorithm::Sha256, &imprint, zero, at).is_err());
            }
            let mut trust = crate::x509::TrustStore::new();
            trust.add_certificate(root.clone(), None);
            let mut opts = crate::x509::ChainOptions::new(at, crate::x509::Usage::DocumentSigning);
            opts.revocation = crate::x509::RevocationPolicy::NotRequired;
            let good = parsed.verify(data, &trust, &opts);
            assert_eq!(
                good.status(),
                crate::report::Status::Passed,
                "{name}: {:#?}",
                good.checks
            );
            let bad = parsed.verify(b"other data", &trust, &opts);
            assert_eq!(bad.status(), crate::report::Status::Failed, "{name}");
            // An imprint of the wrong length, an empty serial: refused.
            assert!(sign_timestamp_token(&tsa, DigestAlgorithm::Sha256, &[0; 20], &[1], at).is_err());
            assert!(sign_timestamp_token(&tsa, DigestAlgorithm::Sha256, &[0; 32], &[], at).is_err());
        }
    }

    #[test]
    fn set_of_is_sorted() {
        assert_eq!(set_of(vec![vec![2], vec![1]]), vec![0x31, 2, 1, 2]);
    }

    #[test]
    fn times_pick_utc_or_generalized() {
        let t = Time::parse("2027-06-01T12:34:56Z").unwrap();
        assert_eq!(asn1_time(t), tlv(0x17, b"270601123456Z"));
        let late = Time::parse("2051-01-02T03:04:05Z").unwrap();
        assert_eq!(asn1_time(late), tlv(0x18, b"20510102030405Z"));
    }
}
