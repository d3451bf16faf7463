//! The GB/T 38540 verification procedure for seals and seal signatures — each step its own
//! check, so a report says exactly which part failed:
//!
//! | check | what |
//! |---|---|
//! | `seal.decode` | the structure decodes |
//! | `seal.signature.value` | (a) the signature over DER(TBS_Sign) with the signer certificate |
//! | `seal.data-hash` | (b) `dataHash` equals the digest of the protected data |
//! | `seal.header` | header ID "ES" and versions consistent with the layout |
//! | `seal.maker.signature` | (c) the maker's signature over the seal |
//! | `seal.signer-binding` | (d) the signer certificate is in the seal's certificate list |
//! | `seal.validity` | (e) the seal was valid at the signing time |
//! | `seal.signer.validity` | (e) the signer certificate was valid at the signing time |
//! | `seal.timestamp` | (f) the RFC 3161 time-stamp token over the signature value |
//! | `seal.maker.chain` / `seal.signer.chain` | (e) certificate chains to a trust anchor |

use super::asn1::{
    self, bits_of, int_of, octets_of, oid_of, text_of, time_of, CertList, Seal, SealVersion, SesSignature,
};
use super::SealError;
use crate::alg::{verify_signature_remembered, verify_signature_with_prefix, DigestAlgorithm, SignatureAlgorithm};
use crate::report::{Check, PoeSource, ProofOfExistence, Reason, Report, Status};
use crate::time::Time;
use crate::x509::{Certificate, ChainOptions, TrustStore, Usage};

/// The report kind of [`verify_seal_signature`].
pub const SIGNATURE_REPORT_KIND: &str = "seal-signature";

/// The report kind of [`verify_seal`].
pub const SEAL_REPORT_KIND: &str = "seal";

/// The data a seal signature protects.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ProtectedData<'a> {
    /// The bytes themselves (for OFD: the exact bytes of Signature.xml).
    Bytes(&'a [u8]),
    /// Their digest, computed by the caller (e.g. streamed over a large file).
    Digest(&'a [u8]),
}

/// Trust and time for a verification.
#[derive(Debug, Clone)]
pub struct SealOptions<'a> {
    /// Trust anchors.
    pub trust: &'a TrustStore,
    /// Validation time, revocation policy, CRLs and OCSP responses (the usage is set per
    /// certificate: seal making for the maker, document signing for the signer).
    pub chain: ChainOptions,
    /// Extra certificates to build paths with (intermediate CAs).
    pub intermediates: Vec<Certificate>,
}

impl<'a> SealOptions<'a> {
    /// Options for validation at `at` against `trust`, revocation required.
    pub fn new(trust: &'a TrustStore, at: Time) -> SealOptions<'a> {
        SealOptions {
            trust,
            chain: ChainOptions::new(at, Usage::DocumentSigning),
            intermediates: Vec::new(),
        }
    }
}

/// Options for verifying a signed document (OFD, PDF): the seal options (trust, time,
/// revocation data, intermediates) and the signer certificates the caller knows, for
/// signatures that carry none (a bare SM2 signature names no certificate).
#[derive(Debug, Clone)]
pub struct DocumentOptions<'a> {
    /// Trust anchors, validation time, revocation data, intermediates.
    pub seal: SealOptions<'a>,
    /// Signer certificates the caller knows.
    pub signer_certificates: Vec<Certificate>,
    /// Told how far the verification has got (none by default).
    pub progress: Option<ProgressFn<'a>>,
}

impl<'a> DocumentOptions<'a> {
    /// Options from seal options, with no extra signer certificates and no progress callback.
    pub fn new(seal: SealOptions<'a>) -> DocumentOptions<'a> {
        DocumentOptions {
            seal,
            signer_certificates: Vec::new(),
            progress: None,
        }
    }

    /// Tells the progress callback, if there is one.
    pub fn report_progress(&self, step: &'static str, done: u64, total: u64) {
        if let Some(ProgressFn(callback)) = self.progress {
            callback(Progress { step, done, total });
        }
    }
}

/// How far a document verification has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    /// `signature` (`done` of `total` signatures verified) or `hash` (`done` of `total`
    /// bytes of a signed byte range hashed, for large PDFs).
    pub step: &'static str,
    /// Units done.
    pub done: u64,
    /// Units in all.
    pub total: u64,
}

/// A progress callback of [`DocumentOptions`].
#[derive(Clone, Copy)]
pub struct ProgressFn<'a>(pub &'a dyn Fn(Progress));

impl std::fmt::Debug for ProgressFn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressFn")
    }
}

/// Verifies a seal on its own: structure, header, the maker's signature, validity at the
/// validation time and the maker's certificate chain.
pub fn verify_seal(der: &[u8], opts: &SealOptions<'_>) -> Report {
    let mut report = Report::new(SEAL_REPORT_KIND);
    report.subject.validation_time = Some(opts.chain.at);
    let seal = match Seal::decode(der) {
        Ok(seal) => seal,
        Err(e) => {
            report.push(Check::failed("seal.decode", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    report.push(Check::passed("seal.decode", format!("{:?} seal", seal.version)));
    report.subject.seal = asn1::text_of(&seal.info.property.name, "name").ok();
    report.checks.extend(seal_checks(
        &seal,
        &chain_pool(&seal, opts),
        None,
        opts.chain.at,
        false,
        opts,
    ));
    report.finish()
}

/// Verifies a seal signature (`SES_Signature`, v4 or v1) over `data`, by the full
/// GB/T 38540 procedure. `data` is what the signature protects (for OFD, Signature.xml).
pub fn verify_seal_signature(der: &[u8], data: ProtectedData<'_>, opts: &SealOptions<'_>) -> Report {
    let mut report = Report::new(SIGNATURE_REPORT_KIND);
    report.subject.validation_time = Some(opts.chain.at);
    let sig = match SesSignature::decode(der) {
        Ok(sig) => sig,
        Err(e) => {
            report.push(Check::failed("seal.decode", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    report.push(Check::passed(
        "seal.decode",
        format!("{:?} seal signature", sig.version),
    ));
    let tbs = &sig.to_sign;
    report.subject.seal = text_of(&tbs.eseal.info.property.name, "name").ok();

    // The signer's certificate: v4 SES_Signature.cert, v1 TBS_Sign.cert.
    let signer = sig
        .cert
        .as_ref()
        .or(tbs.cert.as_ref())
        .ok_or_else(|| SealError::Malformed("no signer certificate".into()))
        .and_then(|c| octets_of(c, "signer cert").map(<[u8]>::to_vec))
        .and_then(|der| {
            Certificate::from_der_cached(&der).map_err(|e| SealError::Malformed(format!("signer certificate: {e}")))
        });
    let signer = match signer {
        Ok(c) => c,
        Err(e) => {
            report.push(Check::failed("seal.signature.value", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    report.subject.signer = Some(signer.subject());

    // (a) the signature value over DER(TBS_Sign).
    let alg_leaf = sig.signature_alg.as_ref().or(tbs.signature_algorithm.as_ref());
    report.push(signature_check(
        "seal.signature.value",
        alg_leaf,
        &sig.signature,
        &signer,
        || {
            tbs.encode_with_seal_end()
                .map(|(bytes, seal_end)| Signed::Prefix(bytes, seal_end))
        },
    ));

    // (b) dataHash.
    report.push(data_hash_check(&sig, data));

    // The signing time: claimed by timeInfo; a verified time-stamp would prove it.
    let claimed = tbs.time();
    let signing_time = match &claimed {
        Ok(t) => *t,
        Err(e) => {
            report.push(Check::failed("seal.time", e.reason(), e.to_string()));
            return report.finish();
        }
    };
    report.subject.signing_time = Some(signing_time);
    let (time_checks, stamped) = timestamp_checks(&sig, signing_time, opts);
    report.checks.extend(time_checks);
    let proven = stamped.is_some();
    let signing_time = stamped.unwrap_or(signing_time);
    report.subject.signing_time = Some(signing_time);
    if let Some(time) = stamped {
        report.proofs_of_existence.push(ProofOfExistence::new(
            time,
            PoeSource::SealTimestamp,
            "timeStamp of the seal signature",
        ));
    }

    // (c) the embedded seal, (e) its validity at the signing time.
    report.push(header_check(&sig));
    let pool = chain_pool(&tbs.eseal, opts);
    report.checks.extend(seal_checks(
        &tbs.eseal,
        &pool,
        Some(&signer),
        signing_time,
        proven,
        opts,
    ));

    // (e) the signer certificate at the signing time, and its chain.
    report.push(validity_check(
        "seal.signer.validity",
        "signer certificate",
        signer.not_before(),
        signer.not_after(),
        signing_time,
    ));
    report.push(chain_check(
        "seal.signer.chain",
        &signer,
        &pool,
        Usage::DocumentSigning,
        signing_time,
        proven,
        opts,
    ));
    report.finish()
}

/// The checks of a seal: header, maker signature, (signer binding), validity, maker chain.
/// `at` is the time the seal must have been valid (signing time, or validation time).
fn seal_checks(
    seal: &Seal,
    pool: &[Certificate],
    signer: Option<&Certificate>,
    at: Time,
    proven: bool,
    opts: &SealOptions<'_>,
) -> Vec<Check> {
    let mut checks = Vec::new();
    let maker = octets_of(&seal.cert, "seal.cert")
        .map_err(|e| e.to_string())
        .and_then(|der| Certificate::from_der_cached(der).map_err(|e| format!("maker certificate: {e}")));
    match &maker {
        Ok(maker) => {
            let signed = seal.maker_signed_bytes();
            let what = match seal.version {
                SealVersion::V4 => "DER(SES_SealInfo)",
                SealVersion::V1 => "DER SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}",
            };
            checks.push(
                signature_check(
                    "seal.maker.signature",
                    Some(&seal.sign_alg),
                    &seal.signed_value,
                    maker,
                    || signed.map(Signed::Recurring),
                )
                .with_detail("signed_input", what),
            );
        }
        Err(e) => checks.push(Check::failed("seal.maker.signature", Reason::Malformed, e.clone())),
    }
    if let Some(signer) = signer {
        checks.push(binding_check(seal, signer));
    }
    let p = &seal.info.property;
    match (time_of(&p.valid_start, "validStart"), time_of(&p.valid_end, "validEnd")) {
        (Ok(start), Ok(end)) => {
            let what = if signer.is_some() {
                "seal at the signing time"
            } else {
                "seal at the validation time"
            };
            checks.push(validity_check("seal.validity", what, start, end, at));
        }
        (Err(e), _) | (_, Err(e)) => checks.push(Check::failed("seal.validity", e.reason(), e.to_string())),
    }
    if let Ok(maker) = &maker {
        checks.push(chain_check(
            "seal.maker.chain",
            maker,
            pool,
            Usage::SealMaking,
            at,
            proven || signer.is_none(),
            opts,
        ));
    }
    checks
}

/// What a signature of a seal signs, and what of it recurs across documents.
enum Signed {
    /// Bytes that recur whole: what the seal's maker signed, the same in every document sealed
    /// with that seal ([`crate::alg::verify_signature_remembered`]).
    Recurring(Vec<u8>),
    /// DER(TBS_Sign), whose first bytes (up to the end of the seal it embeds) recur
    /// ([`crate::alg::verify_signature_with_prefix`]).
    Prefix(Vec<u8>, usize),
}

/// A signature by `cert` over the bytes `signed()` yields, with the algorithm in `alg_leaf`.
fn signature_check(
    name: &str,
    alg_leaf: Option<&der::asn1::Any>,
    value: &der::asn1::Any,
    cert: &Certificate,
    signed: impl FnOnce() -> Result<Signed, SealError>,
) -> Check {
    let result = (|| -> Result<Check, (Reason, String)> {
        let malformed = |e: SealError| (e.reason(), e.to_string());
        let oid = oid_of(
            alg_leaf.ok_or((Reason::Malformed, "no signature algorithm".into()))?,
            "algorithm",
        )
        .map_err(malformed)?;
        let alg = signature_algorithm(&oid).map_err(|e| (Reason::Unsupported, e))?;
        let sig = bits_of(value, "signature").map_err(malformed)?;
        let spki = cert.spki();
        let verified = match signed().map_err(malformed)? {
            Signed::Recurring(message) => verify_signature_remembered(alg, spki, &message, sig),
            Signed::Prefix(message, shared) => verify_signature_with_prefix(alg, spki, &message, shared, sig),
        }
        .map_err(|e| (e.reason(), e.to_string()))?;
        let mut check = Check::passed(name, format!("{} signature by {} verifies", alg.name(), cert.subject()));
        if let Some(enc) = verified.sm2_encoding {
            check = check.with_detail("encoding", enc.as_str());
        }
        Ok(check)
    })();
    result.unwrap_or_else(|(reason, message)| Check::failed(name, reason, message))
}

/// SM2-with-SM3, also when products name it by the SM2 key or sign OIDs.
fn signature_algorithm(oid: &der::asn1::ObjectIdentifier) -> Result<SignatureAlgorithm, String> {
    match oid.to_string().as_str() {
        "1.2.156.10197.1.501" | "1.2.156.10197.1.301.1" | "1.2.156.10197.1.301" => Ok(SignatureAlgorithm::Sm2Sm3),
        _ => SignatureAlgorithm::from_algorithm_identifier(oid, None).map_err(|e| e.to_string()),
    }
}

fn data_hash_check(sig: &SesSignature, data: ProtectedData<'_>) -> Check {
    let name = "seal.data-hash";
    let signed = match bits_of(&sig.to_sign.data_hash, "dataHash") {
        Ok(h) => h,
        Err(e) => return Check::failed(name, e.reason(), e.to_string()),
    };
    // The digest follows the signature algorithm: SM3 for SM2 (every product seen).
    let alg_leaf = sig.signature_alg.as_ref().or(sig.to_sign.signature_algorithm.as_ref());
    let digest_alg = alg_leaf
        .and_then(|a| oid_of(a, "alg").ok())
        .and_then(|oid| signature_algorithm(&oid).ok())
        .and_then(SignatureAlgorithm::digest)
        .unwrap_or(DigestAlgorithm::Sm3);
    let actual = match data {
        ProtectedData::Bytes(bytes) => digest_alg.digest(bytes),
        ProtectedData::Digest(d) => d.to_vec(),
    };
    if actual == signed {
        Check::passed(
            name,
            format!("{} of the protected data matches dataHash", digest_alg.name()),
        )
    } else {
        Check::failed(
            name,
            Reason::HashMismatch,
            format!("{} of the protected data differs from dataHash", digest_alg.name()),
        )
        .with_detail("data_hash", hex::encode(signed))
        .with_detail("computed", hex::encode(actual))
    }
}

fn header_check(sig: &SesSignature) -> Check {
    let name = "seal.header";
    let seal = &sig.to_sign.eseal;
    let result = (|| -> Result<String, SealError> {
        let id = text_of(&seal.info.header.id, "header.ID")?;
        if id != "ES" {
            return Err(SealError::Malformed(format!("header ID is {id:?}, not \"ES\"")));
        }
        let seal_version = int_of(&seal.info.header.version, "header.version")?;
        let tbs_version = int_of(&sig.to_sign.version, "TBS_Sign.version")?;
        let allowed: &[u64] = match seal.version {
            SealVersion::V1 => &[1, 2],
            SealVersion::V4 => &[4, 5],
        };
        if !allowed.contains(&seal_version) || (sig.version == seal.version && !allowed.contains(&tbs_version)) {
            return Err(SealError::Malformed(format!(
                "{:?} layout with header version {seal_version} and TBS_Sign version {tbs_version}",
                seal.version
            )));
        }
        Ok(format!(
            "ES header, seal version {seal_version}, TBS_Sign version {tbs_version}"
        ))
    })();
    match result {
        Ok(m) => Check::passed(name, m),
        Err(e) => Check::failed(name, e.reason(), e.to_string()),
    }
}

/// (d) The signer certificate is listed in the seal (by certificate or by digest).
fn binding_check(seal: &Seal, signer: &Certificate) -> Check {
    let name = "seal.signer-binding";
    match seal.info.property.cert_list() {
        Ok(CertList::Certificates(list)) => {
            if list.iter().any(|c| c.as_slice() == signer.der()) {
                Check::passed(name, "the signer certificate is in the seal's certificate list")
            } else {
                Check::failed(
                    name,
                    Reason::PolicyViolation,
                    format!("{} is not allowed to use this seal", signer.subject()),
                )
            }
        }
        Ok(CertList::Digests(list)) => {
            let matched = list.iter().any(|(alg, digest)| {
                DigestAlgorithm::from_name(alg).is_some_and(|a| a.digest(signer.der()) == *digest)
            });
            if matched {
                Check::passed(name, "the signer certificate's digest is in the seal's list")
            } else {
                Check::failed(
                    name,
                    Reason::PolicyViolation,
                    format!("no digest in the seal matches {}", signer.subject()),
                )
            }
        }
        Err(e) => Check::failed(name, e.reason(), e.to_string()),
    }
}

fn validity_check(name: &str, what: &str, start: Time, end: Time, at: Time) -> Check {
    if at < start {
        Check::failed(
            name,
            Reason::NotYetValid,
            format!("{what}: {at} is before its validity ({start} .. {end})"),
        )
    } else if at > end {
        Check::failed(
            name,
            Reason::Expired,
            format!("{what}: {at} is after its validity ({start} .. {end})"),
        )
    } else {
        Check::passed(name, format!("{what}: {at} within {start} .. {end}"))
    }
}

/// (f) The time-stamp token over the signature value (GB/T 38540: `timeStamp [0]` holding
/// the DER TimeStampToken in a BIT STRING; the token directly is accepted too). Returns the
/// checks and, when the token verifies, the time it proves.
fn timestamp_checks(sig: &SesSignature, claimed: Time, opts: &SealOptions<'_>) -> (Vec<Check>, Option<Time>) {
    let name = "seal.timestamp";
    let Some(wrapper) = &sig.time_stamp else {
        return (
            vec![Check::passed(
                name,
                "no time-stamp token: the signing time is only claimed",
            )],
            None,
        );
    };
    let token = (|| -> Result<(Vec<u8>, Vec<u8>), SealError> {
        let mut reader =
            der::SliceReader::new(wrapper.value()).map_err(|e| SealError::Malformed(format!("timeStamp: {e}")))?;
        let inner: der::asn1::Any =
            der::Decode::decode(&mut reader).map_err(|e| SealError::Malformed(format!("timeStamp: {e}")))?;
        let token = match der::Tagged::tag(&inner) {
            der::Tag::BitString | der::Tag::OctetString => bits_of(&inner, "timeStamp")?.to_vec(),
            _ => asn1::tlv(&inner)?,
        };
        Ok((token, bits_of(&sig.signature, "signature")?.to_vec()))
    })();
    let (token, signature_value) = match token {
        Ok(t) => t,
        Err(e) => return (vec![Check::failed(name, e.reason(), e.to_string())], None),
    };
    let parsed = match crate::cms::tsp::TimeStampToken::from_der(&token) {
        Ok(t) => t,
        Err(e) => return (vec![Check::failed(name, e.reason(), e.to_string())], None),
    };
    let mut chain = opts.chain.clone();
    chain.usage = Usage::DocumentSigning;
    let verified = parsed.verify(&signature_value, opts.trust, &chain);
    let proven_time = format!("time-stamp token proves the signature existed at {}", verified.gen_time);
    let check = crate::report::summarize(name, &verified.checks, proven_time)
        .with_detail("gen_time", verified.gen_time.to_string())
        .with_detail("claimed_time", claimed.to_string());
    let proven = (check.status == Status::Passed).then_some(verified.gen_time);
    (vec![check], proven)
}

/// The chain of `cert` for `usage`, validated at the validation time; when that fails only
/// because something expired since, the signing time decides: proven (time-stamp) → validate
/// at the signing time; only claimed → INDETERMINATE (ETSI OUT_OF_BOUNDS_NO_POE).
fn chain_check(
    name: &str,
    cert: &Certificate,
    pool: &[Certificate],
    usage: Usage,
    signing_time: Time,
    proven: bool,
    opts: &SealOptions<'_>,
) -> Check {
    let mut chain = opts.chain.clone();
    chain.usage = usage;
    let times = crate::ltv::UseTimes {
        claimed: Some(signing_time),
        poe: proven.then(|| ProofOfExistence::new(signing_time, PoeSource::SealTimestamp, "")),
        usage: None,
    };
    crate::ltv::signer_check(name, cert, pool, opts.trust, &chain, &times)
}

/// The certificates paths may go through: the caller's intermediates and the seal's list,
/// parsed once per verification; a certificate this thread decoded recently (the signer's,
/// often also in the list, or the same seal's in an earlier document) is copied, not decoded
/// again ([`Certificate::from_der_cached`]).
fn chain_pool(seal: &Seal, opts: &SealOptions<'_>) -> Vec<Certificate> {
    let mut pool = opts.intermediates.clone();
    if let Ok(CertList::Certificates(list)) = seal.info.property.cert_list() {
        pool.extend(list.iter().filter_map(|der| Certificate::from_der_cached(der).ok()));
    }
    pool
}
