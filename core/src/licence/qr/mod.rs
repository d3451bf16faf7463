//! Signed licence QR codes, checkable offline (format: `docs/qr-format.md`).
//!
//! ```text
//! YJ1: + Base45( zlib?( COSE_Sign1( protected {1: alg, 4: kid}, payload = CWT claims ) ) )
//! ```
//! Modelled on the EU Digital COVID Certificate (prefix, Base45, zlib, COSE_Sign1 with CWT
//! claims) and ICAO VDS (issuer identified by a short key reference resolved against a trust
//! list). SM2 with SM3 is the default algorithm (a private-use COSE value,
//! [`COSE_ALG_SM2_SM3`]; never −48, which is ML-DSA-44); ES256 is supported too.
//!
//! Verification is a [`Report`] with one check per step, in this order, stopping at the first
//! step that fails (nothing of the claims is believed before the signature verified):
//!
//! | check | reason when it fails |
//! |---|---|
//! | `qr.format` | NoSignature (plain URL or other unsigned text), Unsupported (another version), TooLarge |
//! | `qr.base45` | Malformed |
//! | `qr.decompress` | Malformed, TooLarge ([`MAX_PAYLOAD_SIZE`]: zip bombs stop here) |
//! | `qr.cose` | Malformed, NoSignature (bare claims, empty signature), Unsupported (crit) |
//! | `qr.algorithm` | Unsupported (unknown alg), PolicyViolation (not allowed) |
//! | `qr.issuer` | UntrustedChain (no trusted issuer with this kid), PolicyViolation (key of another family) |
//! | `qr.signature` | BadSignature |
//! | `qr.claims` | Malformed |
//! | `qr.iss` | PolicyViolation (`iss` is not the trusted issuer's credit code) |
//! | `qr.iat` / `qr.exp` | Missing, NotYetValid / Expired (validation time ± leeway) |
//! | `qr.issuer-validity` | NotYetValid / Expired (issuer certificate at `iat`) |
//! | `licence.id` / `licence.holder-id` | Malformed, HashMismatch (check character) |
//! | `licence.validity` | NotYetValid / Expired (licence validity period at the validation time) |
//! | `licence.status` | Revoked (status withdrawn, or listed in [`QrOptions::revoked`]) |

pub mod claims;
#[cfg(feature = "qr-image")]
pub mod image;
#[cfg(feature = "qr-make")]
pub mod render;
pub mod trust;

use coset::iana::{self, EnumI64};
use coset::{CoseSign1, RegisteredLabelWithPrivate, TaggedCborSerializable};
use thiserror::Error;
#[cfg(feature = "sign")]
use {
    crate::sm::sm2::PrivateKey,
    crate::token::{SigningKey, VerifyKey},
    crate::x509::Certificate,
    coset::{CoseSign1Builder, HeaderBuilder},
};

pub use claims::{LicenceClaims, LICENCE_CLAIM};
pub use trust::{certificate_kid, Issuer, IssuerList, Kid, KID_LEN};

use crate::licence::data::LicenceData;
use crate::licence::id;
use crate::report::{Check, Reason, Report};
use crate::time::Time;
use crate::token::JwsAlgorithm;

/// The report kind of [`verify_qr`].
pub const REPORT_KIND: &str = "licence-qr";

/// What every yinjian licence QR text starts with (format version 1).
pub const PREFIX: &str = "YJ1:";

/// yinjian's private-use COSE algorithm value for SM2 with SM3 (raw 64-byte r‖s over the
/// Sig_structure, default distinguishing ID). No COSE value is registered for SM2; −48, used
/// by an old proposal, now means ML-DSA-44.
pub const COSE_ALG_SM2_SM3: i64 = -70_000;

/// Longest QR text read: the capacity of a version-40 QR code in alphanumeric mode.
pub const MAX_QR_TEXT: usize = 4296;

/// Largest COSE_Sign1 accepted after decompression (a licence code is a few hundred bytes).
pub const MAX_PAYLOAD_SIZE: usize = 4096;

/// Default clock-skew tolerance for `iat` / `exp`, in seconds.
pub const DEFAULT_LEEWAY: i64 = 60;

/// Why a QR payload could not be made or read.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum QrError {
    /// Not a yinjian licence code of a supported version.
    #[error("format: {0}")]
    Format(String),
    /// A plain URL or other unsigned content.
    #[error("unsigned: {0}")]
    Unsigned(String),
    /// Beyond a named limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Bad Base45.
    #[error("base45: {0}")]
    Base45(String),
    /// Bad zlib stream.
    #[error("decompression: {0}")]
    Decompress(String),
    /// Not a well-formed COSE_Sign1 of this format.
    #[error("COSE: {0}")]
    Cose(String),
    /// A COSE header uses something not supported.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The claims cannot be read.
    #[error("claims: {0}")]
    Claims(String),
    /// A trust-list entry cannot be used.
    #[error("trust list: {0}")]
    Trust(String),
    /// A key cannot sign.
    #[error("signing: {0}")]
    Sign(String),
    /// Encoding failed.
    #[error("encoding: {0}")]
    Encode(String),
    /// An image could not be read or holds no readable QR code.
    #[error("image: {0}")]
    Image(String),
}

impl QrError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            QrError::Unsigned(_) => Reason::NoSignature,
            QrError::TooLarge(_) => Reason::TooLarge,
            QrError::Unsupported(_) => Reason::Unsupported,
            QrError::Image(_) => Reason::Missing,
            _ => Reason::Malformed,
        }
    }

    /// The check of [`verify_qr`] this error stops at.
    pub fn check_name(&self) -> &'static str {
        match self {
            QrError::Format(_) | QrError::Unsigned(_) => "qr.format",
            QrError::Base45(_) => "qr.base45",
            QrError::Decompress(_) | QrError::TooLarge(_) => "qr.decompress",
            QrError::Cose(_) | QrError::Unsupported(_) => "qr.cose",
            QrError::Claims(_) => "qr.claims",
            QrError::Image(_) => "qr.image",
            QrError::Trust(_) | QrError::Sign(_) | QrError::Encode(_) => "qr.input",
        }
    }
}

/// A signature algorithm of licence QR codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum QrAlgorithm {
    /// SM2 with SM3 ([`COSE_ALG_SM2_SM3`]), the default.
    Sm2Sm3,
    /// ECDSA P-256 with SHA-256 (COSE −7).
    Es256,
}

impl QrAlgorithm {
    /// The COSE algorithm value.
    pub fn cose_value(self) -> i64 {
        match self {
            QrAlgorithm::Sm2Sm3 => COSE_ALG_SM2_SM3,
            QrAlgorithm::Es256 => iana::Algorithm::ES256.to_i64(),
        }
    }

    /// The algorithm a COSE value stands for.
    pub fn from_cose_value(value: i64) -> Option<QrAlgorithm> {
        [QrAlgorithm::Sm2Sm3, QrAlgorithm::Es256]
            .into_iter()
            .find(|a| a.cose_value() == value)
    }

    /// A short name (`SM2SM3`, `ES256`).
    pub fn name(self) -> &'static str {
        self.jws().name()
    }

    fn jws(self) -> JwsAlgorithm {
        match self {
            QrAlgorithm::Sm2Sm3 => JwsAlgorithm::Sm2Sm3,
            QrAlgorithm::Es256 => JwsAlgorithm::Es256,
        }
    }

    #[cfg(feature = "sign")]
    fn label(self) -> coset::Algorithm {
        match self {
            QrAlgorithm::Sm2Sm3 => RegisteredLabelWithPrivate::PrivateUse(COSE_ALG_SM2_SM3),
            QrAlgorithm::Es256 => RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256),
        }
    }
}

#[cfg(feature = "sign")]
/// An issuing authority's signing key for QR codes, with the kid codes will carry.
#[derive(Debug)]
pub struct QrSigner {
    key: SigningKey,
    kid: Kid,
}

#[cfg(feature = "sign")]
impl QrSigner {
    /// An SM2 signer; the kid comes from `certificate` (the issuer's signing certificate,
    /// which verifiers trust), or from the public key when there is none.
    pub fn sm2(key: PrivateKey, certificate: Option<&Certificate>) -> QrSigner {
        let kid = match certificate {
            Some(cert) => certificate_kid(cert),
            None => trust::key_kid(&VerifyKey::Sm2(key.public_key())).unwrap_or_default(),
        };
        QrSigner {
            key: SigningKey::Sm2(key),
            kid,
        }
    }

    /// An ES256 signer from a PKCS#8 P-256 key; the kid as for [`QrSigner::sm2`].
    pub fn es256(pkcs8_der: Vec<u8>, certificate: Option<&Certificate>) -> Result<QrSigner, QrError> {
        let rng = ring::rand::SystemRandom::new();
        let pair = ring::signature::EcdsaKeyPair::from_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_FIXED_SIGNING,
            &pkcs8_der,
            &rng,
        )
        .map_err(|e| QrError::Sign(format!("not a PKCS#8 P-256 key: {e}")))?;
        use ring::signature::KeyPair;
        let kid = match certificate {
            Some(cert) => certificate_kid(cert),
            None => trust::key_kid(&VerifyKey::EcP256(pair.public_key().as_ref().to_vec())).unwrap_or_default(),
        };
        Ok(QrSigner {
            key: SigningKey::Ecdsa(JwsAlgorithm::Es256, pkcs8_der),
            kid,
        })
    }

    /// A signer from a private key in PEM or DER: SM2 (PKCS#8, SEC1 or raw) or P-256 PKCS#8.
    pub fn from_key(key: &[u8], certificate: Option<&Certificate>) -> Result<QrSigner, QrError> {
        if let Ok(sm2) = PrivateKey::parse(key) {
            return Ok(QrSigner::sm2(sm2, certificate));
        }
        let der = match pem_rfc7468::decode_vec(key) {
            Ok((_, der)) => der,
            Err(_) => key.to_vec(),
        };
        QrSigner::es256(der, certificate).map_err(|_| QrError::Sign("not an SM2 or P-256 private key".into()))
    }

    /// The kid codes signed by this signer carry.
    pub fn kid(&self) -> Kid {
        self.kid
    }

    /// The algorithm.
    pub fn algorithm(&self) -> QrAlgorithm {
        match self.key {
            SigningKey::Sm2(_) => QrAlgorithm::Sm2Sm3,
            _ => QrAlgorithm::Es256,
        }
    }
}

#[cfg(feature = "sign")]
/// What goes into a code besides the licence data.
#[derive(Debug, Clone)]
pub struct MakeOptions {
    /// `iat`.
    pub issued_at: Time,
    /// `exp`.
    pub expires: Time,
    /// `iss`; defaults to the licence data's issuer code.
    pub issuer: Option<String>,
    /// zlib-compress the COSE_Sign1 (default true; skipped when it would not be smaller).
    pub compress: bool,
    /// SM3 digest of the full licence file, to bind the code to it.
    pub binding: Option<Vec<u8>>,
}

#[cfg(feature = "sign")]
impl MakeOptions {
    /// Options with the given issue and expiry times, compression on, no binding.
    pub fn new(issued_at: Time, expires: Time) -> MakeOptions {
        MakeOptions {
            issued_at,
            expires,
            issuer: None,
            compress: true,
            binding: None,
        }
    }
}

#[cfg(feature = "sign")]
/// Signs licence data into a QR text (`YJ1:…`).
pub fn make_payload(data: &LicenceData, signer: &QrSigner, opts: &MakeOptions) -> Result<String, QrError> {
    if opts.expires < opts.issued_at {
        return Err(QrError::Encode("expiry before issue time".into()));
    }
    let issuer = opts.issuer.as_deref().or(data.issuer_code.as_deref());
    let claims = claims::encode(data, issuer, opts.issued_at, opts.expires, opts.binding.as_deref())?;
    let protected = HeaderBuilder::new()
        .algorithm_label(signer.algorithm().label())
        .key_id(signer.kid.to_vec())
        .build();
    let sign1 = CoseSign1Builder::new()
        .protected(protected)
        .payload(claims)
        .try_create_signature(&[], |tbs| {
            signer.key.sign(tbs).map_err(|e| QrError::Sign(e.to_string()))
        })?
        .build();
    let cose = sign1.to_tagged_vec().map_err(|e| QrError::Encode(e.to_string()))?;
    let body = if opts.compress {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut z, &cose).map_err(|e| QrError::Encode(e.to_string()))?;
        let zipped = z.finish().map_err(|e| QrError::Encode(e.to_string()))?;
        if zipped.len() < cose.len() {
            zipped
        } else {
            cose
        }
    } else {
        cose
    };
    if body.len() > MAX_PAYLOAD_SIZE {
        return Err(QrError::TooLarge(format!(
            "{} bytes (limit {MAX_PAYLOAD_SIZE})",
            body.len()
        )));
    }
    Ok(format!("{PREFIX}{}", base45::encode(&body)))
}

/// A QR text decoded down to its COSE_Sign1, nothing verified yet.
#[derive(Debug, Clone)]
pub struct DecodedQr {
    /// Whether the body was zlib-compressed.
    pub compressed: bool,
    /// Size of the COSE_Sign1 in bytes.
    pub cose_len: usize,
    /// The COSE algorithm value.
    pub alg: i64,
    /// The kid.
    pub kid: Vec<u8>,
    /// The COSE_Sign1.
    pub sign1: CoseSign1,
}

impl DecodedQr {
    /// The signed claims, unverified.
    pub fn payload(&self) -> &[u8] {
        self.sign1.payload.as_deref().unwrap_or_default()
    }
}

fn strip_prefix(text: &str) -> Result<&str, QrError> {
    let text = text.trim();
    if text.len() > MAX_QR_TEXT {
        return Err(QrError::TooLarge(format!(
            "{} characters (limit {MAX_QR_TEXT})",
            text.len()
        )));
    }
    if let Some(body) = text.strip_prefix(PREFIX) {
        return Ok(body);
    }
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        return Err(QrError::Unsigned(format!(
            "a plain URL ({}): it carries no signature and can only be checked online",
            text.chars().take(120).collect::<String>()
        )));
    }
    if text.len() > 3
        && text.as_bytes()[..2] == *b"YJ"
        && text[2..]
            .split_once(':')
            .is_some_and(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(QrError::Unsupported(format!(
            "format version {:?}: this verifier reads {PREFIX}",
            text.split(':').next().unwrap_or_default()
        )));
    }
    Err(QrError::Unsigned(format!(
        "not a signed licence code (no {PREFIX} prefix): {:?}",
        text.chars().take(60).collect::<String>()
    )))
}

fn inflate(body: &[u8]) -> Result<(Vec<u8>, bool), QrError> {
    // A zlib stream starts with CMF 0x78 (deflate, 32 KiB window); COSE with its tag 0xD2.
    if body.first() != Some(&0x78) {
        if body.len() > MAX_PAYLOAD_SIZE {
            return Err(QrError::TooLarge(format!(
                "{} bytes (limit {MAX_PAYLOAD_SIZE})",
                body.len()
            )));
        }
        return Ok((body.to_vec(), false));
    }
    // Inflate into a buffer one byte larger than the limit: filling it means a bomb. The
    // stream must end (Adler-32 checked) exactly where the data ends.
    let mut inflater = flate2::Decompress::new(true);
    let mut out = Vec::with_capacity(MAX_PAYLOAD_SIZE + 1);
    let status = inflater
        .decompress_vec(body, &mut out, flate2::FlushDecompress::Finish)
        .map_err(|e| QrError::Decompress(e.to_string()))?;
    if out.len() > MAX_PAYLOAD_SIZE {
        return Err(QrError::TooLarge(format!(
            "decompresses to more than {MAX_PAYLOAD_SIZE} bytes"
        )));
    }
    if status != flate2::Status::StreamEnd {
        return Err(QrError::Decompress("truncated zlib stream".into()));
    }
    if inflater.total_in() != body.len() as u64 {
        return Err(QrError::Decompress("bytes after the zlib stream".into()));
    }
    Ok((out, true))
}

fn parse_cose(bytes: &[u8]) -> Result<CoseSign1, QrError> {
    match bytes.first() {
        Some(0xD2) => CoseSign1::from_tagged_slice(bytes).map_err(|e| QrError::Cose(e.to_string())),
        // The tag is not covered by the signature: accepting both forms would let two
        // different texts carry one signed code. yinjian always writes the tag.
        Some(0x84) => Err(QrError::Cose("untagged COSE_Sign1: tag 18 is required".into())),
        Some(0xA0..=0xBF) => Err(QrError::Unsigned(
            "bare CBOR claims without a COSE_Sign1 signature".into(),
        )),
        Some(b) => Err(QrError::Cose(format!("starts with 0x{b:02x}, not a COSE_Sign1"))),
        None => Err(QrError::Cose("empty".into())),
    }
}

/// Decodes a QR text down to its COSE_Sign1: prefix, Base45, bounded zlib, COSE structure.
/// Pure (no keys, no time); what the fuzz target drives.
pub fn decode_payload(text: &str) -> Result<DecodedQr, QrError> {
    let body = strip_prefix(text)?;
    let bytes = base45::decode(body).map_err(|e| QrError::Base45(format!("{e:?}")))?;
    let (cose, compressed) = inflate(&bytes)?;
    cose_structure(&cose, compressed)
}

fn cose_structure(cose: &[u8], compressed: bool) -> Result<DecodedQr, QrError> {
    let sign1 = parse_cose(cose)?;
    let header = &sign1.protected.header;
    if !sign1.unprotected.is_empty() {
        return Err(QrError::Cose("the unprotected header must be empty".into()));
    }
    if !header.crit.is_empty() {
        return Err(QrError::Unsupported(
            "crit names header parameters this verifier does not process".into(),
        ));
    }
    let alg = match &header.alg {
        Some(RegisteredLabelWithPrivate::Assigned(a)) => a.to_i64(),
        Some(RegisteredLabelWithPrivate::PrivateUse(v)) => *v,
        Some(RegisteredLabelWithPrivate::Text(t)) => {
            return Err(QrError::Unsupported(format!("text algorithm {t:?}")));
        }
        None => return Err(QrError::Cose("no alg in the protected header".into())),
    };
    if header.key_id.is_empty() {
        return Err(QrError::Cose("no kid in the protected header".into()));
    }
    if sign1.payload.is_none() {
        return Err(QrError::Cose("detached payload".into()));
    }
    if sign1.signature.is_empty() {
        return Err(QrError::Unsigned("the COSE_Sign1 has an empty signature".into()));
    }
    Ok(DecodedQr {
        compressed,
        cose_len: cose.len(),
        alg,
        kid: header.key_id.clone(),
        sign1,
    })
}

/// What a code must satisfy.
#[derive(Debug, Clone)]
pub struct QrOptions {
    /// Validation time.
    pub at: Time,
    /// Seconds of clock skew tolerated for `iat` / `exp` (default [`DEFAULT_LEEWAY`]).
    pub leeway: i64,
    /// Allowed algorithms (default: SM2SM3 and ES256).
    pub algorithms: Vec<QrAlgorithm>,
    /// Licence identifiers or numbers that are revoked (a caller-supplied list).
    pub revoked: Vec<String>,
}

impl QrOptions {
    /// Options at `at` with the defaults.
    pub fn new(at: Time) -> QrOptions {
        QrOptions {
            at,
            leeway: DEFAULT_LEEWAY,
            algorithms: vec![QrAlgorithm::Sm2Sm3, QrAlgorithm::Es256],
            revoked: Vec::new(),
        }
    }
}

/// Verifies a QR text against the trusted issuers at `opts.at`. The licence data read from
/// a code whose signature verified is in the `qr.claims` check's `licence` detail.
pub fn verify_qr(text: &str, issuers: &IssuerList, opts: &QrOptions) -> Report {
    let mut report = Report::new(REPORT_KIND);
    report.subject.validation_time = Some(opts.at);
    verify_into(text, issuers, opts, &mut report);
    report.finish()
}

/// The checks of [`verify_qr`], appended to `report` (for callers that ran checks before,
/// such as reading the code from an image).
pub fn verify_into(text: &str, issuers: &IssuerList, opts: &QrOptions, report: &mut Report) {
    let body = match strip_prefix(text) {
        Ok(b) => b,
        Err(e) => {
            let mut check = Check::failed("qr.format", e.reason(), e.to_string());
            if matches!(e, QrError::Unsigned(_)) && text.trim().to_ascii_lowercase().starts_with("http") {
                check = check.with_detail("url", text.trim().chars().take(512).collect::<String>());
            }
            report.push(check);
            return;
        }
    };
    report.push(Check::passed(
        "qr.format",
        format!("{PREFIX} licence code, {} characters", text.trim().len()),
    ));
    let bytes = match base45::decode(body) {
        Ok(b) => b,
        Err(e) => {
            report.push(Check::failed(
                "qr.base45",
                Reason::Malformed,
                format!("not Base45: {e:?}"),
            ));
            return;
        }
    };
    report.push(Check::passed("qr.base45", format!("{} bytes", bytes.len())));
    let (cose, compressed) = match inflate(&bytes) {
        Ok(x) => x,
        Err(e) => {
            report.push(Check::failed("qr.decompress", e.reason(), e.to_string()));
            return;
        }
    };
    report.push(Check::passed(
        "qr.decompress",
        if compressed {
            format!("zlib, {} → {} bytes", bytes.len(), cose.len())
        } else {
            "not compressed".to_owned()
        },
    ));
    let decoded = match cose_structure(&cose, compressed) {
        Ok(d) => d,
        Err(e) => {
            report.push(Check::failed("qr.cose", e.reason(), e.to_string()));
            return;
        }
    };
    report.push(
        Check::passed("qr.cose", "COSE_Sign1 with alg and kid in the protected header")
            .with_detail("kid", hex::encode(&decoded.kid)),
    );
    let alg = match QrAlgorithm::from_cose_value(decoded.alg) {
        Some(a) if opts.algorithms.contains(&a) => a,
        Some(a) => {
            report.push(Check::failed(
                "qr.algorithm",
                Reason::PolicyViolation,
                format!("{} is not allowed", a.name()),
            ));
            return;
        }
        None => {
            let note = if decoded.alg == -48 {
                " (−48 is ML-DSA-44, not SM2)"
            } else {
                ""
            };
            report.push(Check::failed(
                "qr.algorithm",
                Reason::Unsupported,
                format!("COSE algorithm {}{note}", decoded.alg),
            ));
            return;
        }
    };
    report.push(Check::passed("qr.algorithm", alg.name()));

    let candidates = issuers.candidates(&decoded.kid);
    let fitting: Vec<&Issuer> = candidates.iter().copied().filter(|i| i.key.fits(alg.jws())).collect();
    if candidates.is_empty() {
        report.push(Check::failed(
            "qr.issuer",
            Reason::UntrustedChain,
            format!("no trusted issuer with kid {}", hex::encode(&decoded.kid)),
        ));
        return;
    }
    if fitting.is_empty() {
        report.push(Check::failed(
            "qr.issuer",
            Reason::PolicyViolation,
            format!(
                "the issuer with this kid has a {} key, not {}",
                candidates[0].key.family(),
                alg.name()
            ),
        ));
        return;
    }
    report.push(Check::passed(
        "qr.issuer",
        format!(
            "{} trusted issuer(s) with kid {}",
            fitting.len(),
            hex::encode(&decoded.kid)
        ),
    ));
    let tbs = decoded.sign1.tbs_data(&[]);
    let signer = fitting.iter().find(|issuer| {
        crate::token::verify::verify_signature(alg.jws(), &issuer.key, &tbs, &decoded.sign1.signature).is_ok()
    });
    let Some(issuer) = signer else {
        report.push(Check::failed(
            "qr.signature",
            Reason::BadSignature,
            format!("the {} signature does not verify with the trusted key(s)", alg.name()),
        ));
        return;
    };
    report.subject.signer = Some(issuer.name.clone());
    report.push(Check::passed(
        "qr.signature",
        format!("{} signature by {}", alg.name(), issuer.name),
    ));

    let claims = match claims::decode(decoded.payload()) {
        Ok(c) => c,
        Err(e) => {
            report.push(Check::failed("qr.claims", Reason::Malformed, e.to_string()));
            return;
        }
    };
    report.subject.signing_time = claims.issued_at;
    let mut check = Check::passed(
        "qr.claims",
        format!(
            "{} of {}",
            claims.licence.licence_type_name.as_deref().unwrap_or("licence"),
            claims.licence.holder_name.as_deref().unwrap_or("?")
        ),
    )
    .with_detail("licence", claims.licence.to_json());
    if let Some(iss) = &claims.issuer {
        check = check.with_detail("iss", iss.clone());
    }
    if let Some(b) = &claims.binding {
        check = check.with_detail("binding_sm3", hex::encode(b));
    }
    report.push(check);
    claim_checks(&claims, issuer, opts, report);
}

fn claim_checks(claims: &LicenceClaims, issuer: &Issuer, opts: &QrOptions, report: &mut Report) {
    let at = opts.at.unix();
    if let (Some(expected), Some(iss)) = (&issuer.credit_code, &claims.issuer) {
        report.push(if expected.eq_ignore_ascii_case(iss) {
            Check::passed("qr.iss", format!("iss {iss} is the signing authority"))
        } else {
            Check::failed(
                "qr.iss",
                Reason::PolicyViolation,
                format!("iss {iss} is not the signing authority ({expected})"),
            )
        });
    }
    report.push(match claims.issued_at {
        None => Check::failed("qr.iat", Reason::Missing, "no issued-at"),
        Some(iat) if iat.unix() > at + opts.leeway => Check::failed(
            "qr.iat",
            Reason::NotYetValid,
            format!("issued at {iat}, after {}", opts.at),
        ),
        Some(iat) => Check::passed("qr.iat", format!("issued at {iat}")),
    });
    report.push(match (claims.expires, claims.issued_at) {
        (None, _) => Check::failed("qr.exp", Reason::Missing, "no expiry"),
        (Some(exp), Some(iat)) if exp < iat => Check::failed(
            "qr.exp",
            Reason::Malformed,
            format!("expires {exp}, before it was issued"),
        ),
        (Some(exp), _) if at > exp.unix() + opts.leeway => {
            Check::failed("qr.exp", Reason::Expired, format!("expired at {exp}"))
        }
        (Some(exp), _) => Check::passed("qr.exp", format!("valid until {exp}")),
    });
    if let (Some(cert), Some(iat)) = (&issuer.certificate, claims.issued_at) {
        report.push(if iat < cert.not_before() {
            Check::failed(
                "qr.issuer-validity",
                Reason::NotYetValid,
                format!(
                    "issued {iat}, before the issuer certificate's validity ({})",
                    cert.not_before()
                ),
            )
        } else if iat > cert.not_after() {
            Check::failed(
                "qr.issuer-validity",
                Reason::Expired,
                format!(
                    "issued {iat}, after the issuer certificate expired ({})",
                    cert.not_after()
                ),
            )
        } else {
            Check::passed("qr.issuer-validity", "issued while the issuer certificate was valid")
        });
    }
    licence_checks(&claims.licence, opts.at, &opts.revoked, report);
}

/// The checks on licence data shared by QR codes and licence files: identifier validity,
/// holder identifier, validity period at `at`, status and the caller's revocation list.
pub fn licence_checks(data: &LicenceData, at: Time, revoked: &[String], report: &mut Report) {
    if let Some(lid) = &data.licence_id {
        report.push(match id::licence_id(lid) {
            Ok(i) => Check::passed("licence.id", format!("valid e-licence identifier {}", i.value)),
            Err(e) => Check::failed("licence.id", e.reason(), format!("e-licence identifier {lid}: {e}")),
        });
    }
    if let Some(holder) = &data.holder_id {
        let kind = data.holder_id_type.as_deref().unwrap_or_default().to_lowercase();
        let validator: Option<id::Validator> = if kind.contains("信用代码") || kind.contains("credit") {
            Some(id::credit_code)
        } else if kind.contains("身份证") || kind.contains("居民") || kind.contains("resident") {
            Some(id::resident_id)
        } else if kind.contains("组织机构") || kind.contains("organi") {
            Some(id::organisation_code)
        } else {
            None
        };
        let outcome = match validator {
            Some(v) => Some(v(holder).map(|i| i.value).map_err(|e| (e.reason(), e.to_string()))),
            // Unknown type: check what has the shape of a Chinese identifier, leave the rest.
            None if kind.is_empty() && matches!(holder.trim().len(), 15 | 18) => {
                let r = id::check_identifier(holder);
                Some(match r.reason {
                    None => Ok(holder.trim().to_ascii_uppercase()),
                    Some(reason) => Err((reason, r.summary)),
                })
            }
            None => None,
        };
        match outcome {
            Some(Ok(v)) => report.push(Check::passed(
                "licence.holder-id",
                format!("valid holder identifier {v}"),
            )),
            Some(Err((reason, why))) => report.push(Check::failed(
                "licence.holder-id",
                reason,
                format!("holder identifier {holder}: {why}"),
            )),
            None => report,
        };
    }
    if data.validity_end_unreadable() {
        report.push(Check::failed(
            "licence.validity",
            Reason::Malformed,
            format!(
                "validity end {:?} is not a date",
                data.valid_until.as_deref().unwrap_or_default()
            ),
        ));
    } else if data.validity_start().is_some_and(|s| at < s) {
        report.push(Check::failed(
            "licence.validity",
            Reason::NotYetValid,
            format!(
                "the licence is valid from {}",
                data.valid_from.as_deref().unwrap_or_default()
            ),
        ));
    } else if data.validity_end().is_some_and(|e| at >= e) {
        report.push(Check::failed(
            "licence.validity",
            Reason::Expired,
            format!(
                "the licence expired after {}",
                data.valid_until.as_deref().unwrap_or_default()
            ),
        ));
    } else if data.valid_from.is_some() || data.valid_until.is_some() {
        report.push(Check::passed(
            "licence.validity",
            format!(
                "valid {} to {}",
                data.valid_from.as_deref().unwrap_or("?"),
                data.valid_until.as_deref().unwrap_or("?")
            ),
        ));
    }
    let listed = revoked.iter().map(|r| r.trim()).find(|r| {
        !r.is_empty()
            && (data.licence_id.as_deref().is_some_and(|l| l.eq_ignore_ascii_case(r))
                || data.licence_number.as_deref() == Some(*r))
    });
    report.push(if let Some(r) = listed {
        Check::failed(
            "licence.status",
            Reason::Revoked,
            format!("{r} is on the revocation list"),
        )
    } else if data.is_withdrawn() {
        Check::failed(
            "licence.status",
            Reason::Revoked,
            format!("status {:?}", data.status.as_deref().unwrap_or_default()),
        )
    } else {
        Check::passed(
            "licence.status",
            match &data.status {
                Some(s) => format!("status {s:?}, not on the revocation list"),
                None => "not on the revocation list".to_owned(),
            },
        )
    });
}
