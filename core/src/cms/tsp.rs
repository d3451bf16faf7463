//! RFC 3161 time-stamp tokens: a SignedData whose eContent is a TSTInfo.
//!
//! [`TimeStampToken::verify`] checks the token's signature (signed attributes are mandatory,
//! messageDigest over the eContent), that messageImprint is the digest of the stamped data,
//! that the TSA certificate has extKeyUsage id-kp-timeStamping, and validates the TSA chain
//! with [`Usage::DocumentSigning`]. [`verify_signature_timestamp`] does the same for the
//! id-aa-signatureTimeStampToken unsigned attribute of a SignerInfo, which stamps that
//! SignerInfo's signature value.

use der::asn1::ObjectIdentifier;
use der::Decode;

use super::tlv::{self, read_single, Walker};
use super::{oid, parse_time, AlgorithmId, CmsError, Content, SignedData, MAX_CMS_SIZE};
use crate::alg::DigestAlgorithm;
use crate::report::{Check, PoeSource, ProofOfExistence, Reason, Report, Status};
use crate::time::Time;
use crate::x509::{Certificate, ChainOptions, TrustStore, Usage};

/// The report kind of [`timestamp_report`].
pub const REPORT_KIND: &str = "timestamp-token";

/// TSTInfo accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Accuracy {
    /// Seconds.
    pub seconds: u64,
    /// Milliseconds (1–999).
    pub millis: u64,
    /// Microseconds (1–999).
    pub micros: u64,
}

/// A decoded TSTInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TstInfo {
    /// Version (1).
    pub version: u64,
    /// The TSA policy.
    pub policy: ObjectIdentifier,
    /// messageImprint.hashAlgorithm.
    pub hash_algorithm: AlgorithmId,
    /// messageImprint.hashedMessage.
    pub hashed_message: Vec<u8>,
    /// serialNumber (content octets of the INTEGER).
    pub serial_number: Vec<u8>,
    /// genTime, to the second (fractions dropped).
    pub gen_time: Time,
    /// accuracy.
    pub accuracy: Option<Accuracy>,
    /// ordering.
    pub ordering: bool,
    /// nonce (content octets of the INTEGER).
    pub nonce: Option<Vec<u8>>,
    /// tsa, as text.
    pub tsa: Option<String>,
}

impl TstInfo {
    /// Decodes a DER TSTInfo.
    pub fn from_der(der: &[u8]) -> Result<TstInfo, CmsError> {
        let t = read_single(der, "TSTInfo")?;
        if t.tag != tlv::SEQUENCE {
            return Err(CmsError::Malformed("TSTInfo is not a SEQUENCE".into()));
        }
        let mut w = Walker::new(t.content, "TSTInfo");
        let version = tlv::small_uint(&w.expect(tlv::INTEGER, "version")?, "TSTInfo version")?;
        if version != 1 {
            return Err(CmsError::Unsupported(format!("TSTInfo version {version}")));
        }
        let policy = tlv::oid(&w.expect(tlv::OID, "policy")?, "policy")?;
        let imprint = w.expect(tlv::SEQUENCE, "messageImprint")?;
        let mut iw = Walker::new(imprint.content, "messageImprint");
        let hash_algorithm = super::algorithm_id(&iw.expect(tlv::SEQUENCE, "hashAlgorithm")?, "hashAlgorithm")?;
        let hashed_message = iw.expect(tlv::OCTET_STRING, "hashedMessage")?.content.to_vec();
        iw.finish()?;
        let serial_number = tlv::integer_bytes(&w.expect(tlv::INTEGER, "serialNumber")?, "serialNumber")?.to_vec();
        let gen = w.expect(tlv::GENERALIZED_TIME, "genTime")?;
        let gen_time =
            parse_time(&gen).ok_or_else(|| CmsError::Malformed("genTime is not a valid GeneralizedTime".into()))?;
        let accuracy = match w.optional(tlv::SEQUENCE)? {
            Some(a) => {
                let mut aw = Walker::new(a.content, "accuracy");
                let mut acc = Accuracy::default();
                if let Some(s) = aw.optional(tlv::INTEGER)? {
                    acc.seconds = tlv::small_uint(&s, "accuracy seconds")?;
                }
                for (tag, slot) in [(tlv::CTX0_PRIM, &mut acc.millis), (tlv::CTX1_PRIM, &mut acc.micros)] {
                    if let Some(v) = aw.optional(tag)? {
                        let as_int = tlv::Tlv {
                            tag: tlv::INTEGER,
                            content: v.content,
                            raw: v.raw,
                        };
                        *slot = tlv::small_uint(&as_int, "accuracy")?;
                    }
                }
                aw.finish()?;
                Some(acc)
            }
            None => None,
        };
        let ordering = match w.optional(tlv::BOOLEAN)? {
            Some(b) => match b.content {
                [0xff] => true,
                [0x00] => false,
                _ => return Err(CmsError::Malformed("ordering is not a DER BOOLEAN".into())),
            },
            None => false,
        };
        let nonce = match w.optional(tlv::INTEGER)? {
            Some(n) => Some(tlv::integer_bytes(&n, "nonce")?.to_vec()),
            None => None,
        };
        let tsa = w.optional(tlv::CTX0)?.map(|t| {
            x509_cert::ext::pkix::name::GeneralName::from_der(t.content)
                .map(|g| crate::x509::cert::general_name_text(&g))
                .unwrap_or_else(|_| format!("#{}", hex::encode(t.content)))
        });
        let _extensions = w.optional(tlv::CTX1)?;
        w.finish()?;
        Ok(TstInfo {
            version,
            policy,
            hash_algorithm,
            hashed_message,
            serial_number,
            gen_time,
            accuracy,
            ordering,
            nonce,
            tsa,
        })
    }

    /// The messageImprint hash algorithm, if known.
    pub fn imprint_digest(&self) -> Option<DigestAlgorithm> {
        DigestAlgorithm::from_oid(&self.hash_algorithm.oid)
    }
}

/// A time-stamp token: the SignedData and its TSTInfo.
#[derive(Debug, Clone)]
pub struct TimeStampToken {
    /// The SignedData.
    pub signed_data: SignedData,
    /// The decoded eContent.
    pub tst_info: TstInfo,
}

/// What [`TimeStampToken::verify`] found.
#[derive(Debug, Clone)]
#[must_use = "a time-stamp's outcome is in its checks: check its status"]
pub struct TimestampVerification {
    /// The checks: `cms.*` for the token's signature, `tsp.*`, and the TSA chain's `x509.*`.
    pub checks: Vec<Check>,
    /// The TSA certificate, when found.
    pub tsa_certificate: Option<Certificate>,
    /// genTime.
    pub gen_time: Time,
}

impl TimestampVerification {
    /// The proof of existence this time-stamp gives (when it verifies): its genTime, from
    /// `source`, naming the TSA.
    pub fn proof(&self, source: PoeSource) -> ProofOfExistence {
        let tsa = self
            .tsa_certificate
            .as_ref()
            .map(Certificate::subject)
            .unwrap_or_default();
        ProofOfExistence::new(self.gen_time, source, format!("TSA {tsa}"))
    }

    /// The worst status among the checks.
    pub fn status(&self) -> Status {
        crate::report::worst(&self.checks)
    }

    /// The first check with this name.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }
}

impl TimeStampToken {
    /// Decodes a DER TimeStampToken (a ContentInfo with SignedData over a TSTInfo).
    pub fn from_der(der: &[u8]) -> Result<TimeStampToken, CmsError> {
        let signed_data = SignedData::from_der(der)?;
        if signed_data.econtent_type != oid::TST_INFO {
            return Err(CmsError::Unsupported(format!(
                "eContentType {} is not id-ct-TSTInfo",
                signed_data.econtent_type
            )));
        }
        if signed_data.signers.len() != 1 {
            return Err(CmsError::Malformed(format!(
                "a time-stamp token has one signer, this one {}",
                signed_data.signers.len()
            )));
        }
        let econtent = signed_data
            .econtent
            .as_deref()
            .ok_or_else(|| CmsError::Missing("time-stamp token without TSTInfo".into()))?;
        let tst_info = TstInfo::from_der(econtent)?;
        Ok(TimeStampToken { signed_data, tst_info })
    }

    /// genTime.
    pub fn gen_time(&self) -> Time {
        self.tst_info.gen_time
    }

    /// Verifies the token as a stamp over `stamped_data` (see the module documentation).
    pub fn verify(&self, stamped_data: &[u8], trust: &TrustStore, opts: &ChainOptions) -> TimestampVerification {
        let imprint = self.tst_info.imprint_digest().map(|d| d.digest(stamped_data));
        self.verify_imprint(imprint, trust, opts, None)
    }

    /// As [`TimeStampToken::verify`], given the digest of the stamped data made with the
    /// token's messageImprint algorithm.
    pub fn verify_digest(&self, digest: &[u8], trust: &TrustStore, opts: &ChainOptions) -> TimestampVerification {
        self.verify_imprint(Some(digest.to_vec()), trust, opts, None)
    }

    /// As [`TimeStampToken::verify_digest`] for a token that a later proof of existence
    /// covers (a document or archive time-stamp over it): when the TSA's chain no longer
    /// validates at the validation time only because time has passed (expiry, revocation,
    /// stale revocation data, algorithms), it is validated at `later`'s time with revocation
    /// data fresh for the genTime ([`crate::ltv`]); a `tsp.poe` check says so.
    pub fn verify_digest_protected(
        &self,
        digest: &[u8],
        trust: &TrustStore,
        opts: &ChainOptions,
        later: Option<&ProofOfExistence>,
    ) -> TimestampVerification {
        self.verify_imprint(Some(digest.to_vec()), trust, opts, later)
    }

    /// As [`TimeStampToken::verify`], with a later proof of existence
    /// ([`TimeStampToken::verify_digest_protected`]).
    pub fn verify_protected(
        &self,
        stamped_data: &[u8],
        trust: &TrustStore,
        opts: &ChainOptions,
        later: Option<&ProofOfExistence>,
    ) -> TimestampVerification {
        let imprint = self.tst_info.imprint_digest().map(|d| d.digest(stamped_data));
        self.verify_imprint(imprint, trust, opts, later)
    }

    fn verify_imprint(
        &self,
        actual: Option<Vec<u8>>,
        trust: &TrustStore,
        opts: &ChainOptions,
        later: Option<&ProofOfExistence>,
    ) -> TimestampVerification {
        let sd = &self.signed_data;
        let mut v = sd.verify_signer(0, Content::Encapsulated, &[]);
        // The token's own signature is judged at the earliest time it is proven to exist.
        let proven_at = later.map_or(opts.at, |p| p.time);
        v.apply_constraints(&opts.crypto_constraints().at(proven_at));
        let mut checks = v.checks;
        let signed_attrs_present = sd.signers.first().is_some_and(|s| s.signed_attributes_der.is_some());
        if !signed_attrs_present {
            checks.push(Check::failed(
                "tsp.signed-attributes",
                Reason::Missing,
                "a time-stamp token must have signed attributes (RFC 3161 §2.4.2)",
            ));
        }
        // messageImprint.
        let imprint = match (self.tst_info.imprint_digest(), actual) {
            (None, _) | (_, None) => Check::failed(
                "tsp.message-imprint",
                Reason::Unsupported,
                format!(
                    "messageImprint hash {} is not supported",
                    self.tst_info.hash_algorithm.oid
                ),
            ),
            (Some(d), Some(actual)) if actual == self.tst_info.hashed_message => Check::passed(
                "tsp.message-imprint",
                format!("{} of the stamped data matches", d.name()),
            ),
            (Some(d), Some(actual)) => Check::failed(
                "tsp.message-imprint",
                Reason::HashMismatch,
                format!("messageImprint is not the {} of the stamped data", d.name()),
            )
            .with_detail("expected", hex::encode(&self.tst_info.hashed_message))
            .with_detail("actual", hex::encode(actual)),
        };
        checks.push(imprint.with_detail("gen_time", self.tst_info.gen_time.to_string()));
        // TSA certificate: EKU timeStamping, genTime within its validity, chain.
        if let Some(cert) = &v.signer_certificate {
            let eku = cert.extensions().ext_key_usage.as_ref();
            let critical = cert.extensions().critical.iter().any(|o| o.to_string() == "2.5.29.37");
            checks.push(match eku {
                Some(list) if list.contains(&oid::KP_TIME_STAMPING) => Check::passed(
                    "tsp.tsa-certificate",
                    format!("TSA {} has id-kp-timeStamping", cert.subject()),
                )
                .with_detail("eku_critical", critical),
                _ => Check::failed(
                    "tsp.tsa-certificate",
                    Reason::PolicyViolation,
                    format!("{} lacks extKeyUsage id-kp-timeStamping", cert.subject()),
                ),
            });
            let gen = self.tst_info.gen_time;
            checks.push(if gen < cert.not_before() || gen > cert.not_after() {
                Check::failed(
                    "tsp.gen-time",
                    Reason::PolicyViolation,
                    format!("genTime {gen} is outside the TSA certificate's validity"),
                )
            } else {
                Check::passed("tsp.gen-time", format!("genTime {gen}"))
            });
            let mut chain_opts = opts.clone();
            chain_opts.usage = Usage::DocumentSigning;
            chain_opts.crls.extend(sd.crls.iter().cloned());
            // Judged at the validation time, else (when time has passed) at the later proof.
            let times = crate::ltv::UseTimes {
                claimed: None,
                poe: later.cloned(),
                usage: Some(gen),
            };
            let (summary, decided) =
                crate::ltv::signer_validation("tsp.chain", cert, &sd.certificates, trust, &chain_opts, &times);
            if let (Some(poe), Some(at_validation_time)) = (later, summary.details.get("at_validation_time")) {
                let at_validation_time = at_validation_time.as_str().unwrap_or_default();
                checks.push(
                    Check::passed(
                        "tsp.poe",
                        format!(
                            "the TSA's chain is judged at {poe}, a later proof that this time-stamp existed; at the validation time: {at_validation_time}"
                        ),
                    )
                    .with_detail("poe", poe.to_json())
                    .with_detail("at_validation_time", at_validation_time),
                );
            }
            checks.extend(decided.checks);
        }
        TimestampVerification {
            checks,
            tsa_certificate: v.signer_certificate,
            gen_time: self.tst_info.gen_time,
        }
    }
}

/// Verifies the time-stamp token `token_der` over `stamped_data` as a [`Report`] of kind
/// [`REPORT_KIND`] (signing time = genTime).
pub fn timestamp_report(token_der: &[u8], stamped_data: &[u8], trust: &TrustStore, opts: &ChainOptions) -> Report {
    let mut report = Report::new(REPORT_KIND);
    report.subject.validation_time = Some(opts.at);
    match TimeStampToken::from_der(token_der) {
        Err(e) => {
            report.push(Check::failed("tsp.parse", e.reason(), e.to_string()));
        }
        Ok(token) => {
            let v = token.verify(stamped_data, trust, opts);
            report.subject.signing_time = Some(v.gen_time);
            report.subject.signer = v.tsa_certificate.as_ref().map(Certificate::subject);
            report.checks = v.checks;
        }
    }
    report.finish()
}

/// The signature time-stamp token (unsigned attribute id-aa-signatureTimeStampToken) of
/// SignerInfo `index`, if present.
pub fn signature_timestamp(signed_data: &SignedData, index: usize) -> Option<Result<TimeStampToken, CmsError>> {
    let attr = signed_data
        .signers
        .get(index)?
        .unsigned_attribute(&oid::SIGNATURE_TIME_STAMP_TOKEN)?;
    Some(match attr.values.as_slice() {
        [one] if one.len() <= MAX_CMS_SIZE => TimeStampToken::from_der(one),
        [_] => Err(CmsError::TooLarge("signature time-stamp token".into())),
        _ => Err(CmsError::Malformed(
            "signatureTimeStampToken must have exactly one value".into(),
        )),
    })
}

/// Finds and verifies the signature time-stamp of SignerInfo `index`: the token must stamp
/// that SignerInfo's signature value. `None` when there is none.
pub fn verify_signature_timestamp(
    signed_data: &SignedData,
    index: usize,
    trust: &TrustStore,
    opts: &ChainOptions,
) -> Option<Result<TimestampVerification, CmsError>> {
    let signer = signed_data.signers.get(index)?;
    let token = signature_timestamp(signed_data, index)?;
    Some(token.map(|t| t.verify(&signer.signature, trust, opts)))
}
