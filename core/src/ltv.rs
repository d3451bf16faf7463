//! Long-term validation: judging a signature years after it was made, by what proves when it
//! existed (ETSI EN 319 102-1 §5.6, the model EU DSS implements).
//!
//! A signer's chain is first validated at the validation time. When that fails only because
//! time has passed since — a certificate expired, revocation data is no longer current, the
//! signer's certificate was revoked since, an algorithm is no longer acceptable — the
//! signature's earliest proof of existence (POE: a signature time-stamp, a later document or
//! archive time-stamp, a seal's time-stamp) decides:
//!
//! | at the validation time | with a POE at `t` | without a POE |
//! |---|---|---|
//! | expired / not yet valid | validated again at `t` | INDETERMINATE `OutOfBoundsNoPoe` |
//! | revoked at `r` | `r` after `t`: validated at `t`, PASSED naming the POE; `r` at or before `t`: FAILED `Revoked` | claimed signing time before `r`: INDETERMINATE `RevokedNoPoe`; after it: FAILED `Revoked` |
//! | revocation data not current | validated at `t` with data fresh for `t` | INDETERMINATE `RevocationUnknown` |
//! | crypto constraints broken | judged by the algorithm end dates at `t` | INDETERMINATE `CryptoConstraintsFailure` (CRYPTO_CONSTRAINTS_FAILURE_NO_POE) |
//!
//! Validated at `t` means: every certificate valid at `t`; revocation data fresh for the time
//! the certificate was used (issued no earlier than that, less the policy's window; its
//! nextUpdate does not matter) and only revocations dated up to `t` counting; algorithms
//! judged by [`CryptoConstraints::at`](crate::alg::CryptoConstraints::at). A time-stamp's own
//! chain is judged the same way at the time of the next proof that covers it (see
//! [`crate::cms::tsp::TimeStampToken::verify_digest_protected`]).
//!
//! When the policy lets claimed signing times count
//! ([`ChainOptions::claimed_time_counts`]), a claimed time stands in for a missing POE and the
//! check says so.
//!
//! ```
//! use yinjian::ltv::earliest;
//! use yinjian::report::{PoeSource, ProofOfExistence};
//! use yinjian::time::Time;
//!
//! let signature_ts = ProofOfExistence::new(Time::parse("2019-03-01T00:00:00Z")?, PoeSource::SignatureTimestamp, "TSA A");
//! let document_ts = ProofOfExistence::new(Time::parse("2024-03-01T00:00:00Z")?, PoeSource::DocumentTimestamp, "TSA B");
//! // The earliest proof is the time the signer's chain is judged at once it no longer holds now.
//! assert_eq!(earliest([document_ts, signature_ts.clone()]), Some(signature_ts));
//! # Ok::<(), yinjian::time::TimeError>(())
//! ```

use crate::report::{Check, ProofOfExistence, Reason, Status};
use crate::time::Time;
use crate::x509::crl::CrlStatus;
use crate::x509::{verify_chain, Certificate, ChainOptions, ChainVerification, TrustStore};

/// What is known about when a certificate was used.
#[derive(Debug, Clone, Default)]
pub struct UseTimes {
    /// The time the signer claims (signingTime attribute, /M, the seal's own time).
    pub claimed: Option<Time>,
    /// The earliest proof that the signature existed.
    pub poe: Option<ProofOfExistence>,
    /// The time the certificate was used when that differs from the POE (a time-stamp's
    /// genTime, proven by a later time-stamp): revocation data must be fresh for it.
    pub usage: Option<Time>,
}

/// Why the chain failed at the validation time, when validation in the past may settle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// A certificate expired (or was not yet valid).
    Validity,
    /// A certificate of the path was revoked at this time.
    Revoked(Option<Time>),
    /// No current revocation data.
    RevocationUnknown,
    /// A signature on a certificate, or a key, breaks today's crypto constraints.
    Crypto,
}

/// Why `now` failed, if past validation can help.
fn trigger(now: &ChainVerification) -> Option<Trigger> {
    if let Some(f) = &now.failure {
        return match (f.check, f.reason) {
            ("x509.validity", Reason::Expired | Reason::NotYetValid) => Some(Trigger::Validity),
            (_, Reason::Revoked) => {
                let at = now
                    .checks
                    .iter()
                    .find(|c| c.name == "x509.revocation")
                    .and_then(|c| c.details.get("revoked_at"))
                    .and_then(|v| v.as_str())
                    .and_then(|s| Time::parse(s).ok());
                Some(Trigger::Revoked(at))
            }
            (_, Reason::CryptoConstraintsFailure) => Some(Trigger::Crypto),
            _ => None,
        };
    }
    let unknown = now
        .checks
        .iter()
        .any(|c| c.name == "x509.revocation" && c.reason == Some(Reason::RevocationUnknown));
    unknown.then_some(Trigger::RevocationUnknown)
}

/// The options for validating at `at` in the past, the certificate having been used at
/// `usage`: revocation data fresh for `usage`, algorithms judged at `at`.
fn past_options(opts: &ChainOptions, at: Time, usage: Time) -> ChainOptions {
    let mut past = opts.clone();
    past.constraints = opts.crypto_constraints().at(at);
    past.at = at;
    past.revocation_fresh_for = Some(usage);
    past
}

/// The chain check of a signer's (or a time-stamping authority's) certificate, judged as
/// ETSI EN 319 102-1 does (see the module documentation): at the validation time, else at
/// the proof of existence in `times`. The check carries `validated_at` and `poe` when the
/// past decided, and `at_validation_time` with what failed then.
pub fn signer_check(
    name: &str,
    cert: &Certificate,
    pool: &[Certificate],
    trust: &TrustStore,
    opts: &ChainOptions,
    times: &UseTimes,
) -> Check {
    signer_validation(name, cert, pool, trust, opts, times).0
}

/// [`signer_check`], with the chain verification the check summarises (at the validation
/// time, or at the time the past was judged at) for reports that list its per-rule checks.
pub fn signer_validation(
    name: &str,
    cert: &Certificate,
    pool: &[Certificate],
    trust: &TrustStore,
    opts: &ChainOptions,
    times: &UseTimes,
) -> (Check, ChainVerification) {
    let now = verify_chain(cert, pool, trust, opts);
    let Some(trigger) = trigger(&now) else {
        return (now.summary_check(name), now);
    };
    let now_check = now.summary_check(name);
    if let Some(poe) = &times.poe {
        let past = past_options(opts, poe.time, times.usage.unwrap_or(poe.time));
        let then = verify_chain(cert, pool, trust, &past);
        let mut check = then
            .summary_check(name)
            .with_detail("validated_at", poe.time.to_string())
            .with_detail("poe", poe.to_json())
            .with_detail("at_validation_time", now_check.message.clone());
        if check.status == Status::Passed {
            let later = match trigger {
                Trigger::Revoked(Some(r)) => format!("; revoked at {r}, after the proof of existence"),
                _ => match revoked_after(cert, opts, poe.time) {
                    Some(r) => {
                        check = check.with_detail("revoked_after_poe", r.to_string());
                        format!("; listed as revoked at {r}, after the proof of existence")
                    }
                    None => String::new(),
                },
            };
            check.message = format!(
                "valid at its proof of existence {poe}: {}{later}; at the validation time {}",
                check.message, now_check.message
            );
        } else if check.reason == Some(Reason::Revoked) {
            check.message = format!("{} — before its proof of existence {poe}", check.message);
        }
        return (check, then);
    }
    if let (true, Some(claimed)) = (opts.claimed_time_counts, times.claimed) {
        let then = verify_chain(cert, pool, trust, &past_options(opts, claimed, claimed));
        let mut check = then
            .summary_check(name)
            .with_detail("validated_at", claimed.to_string())
            .with_detail("on_claimed_time", true)
            .with_detail("at_validation_time", now_check.message.clone());
        check.message = format!(
            "{} (validated at the claimed signing time {claimed}, which nothing proves; the policy lets claimed times count)",
            check.message
        );
        return (check, then);
    }
    let mut check = now_check;
    match trigger {
        Trigger::Validity => {
            check.status = Status::Indeterminate;
            check.reason = Some(Reason::OutOfBoundsNoPoe);
            check.sub_indication = Reason::OutOfBoundsNoPoe.etsi_sub_indication().map(str::to_owned);
            check.message = match times.claimed {
                Some(c) => format!(
                    "{}; only the claimed signing time {c} says it was valid when used",
                    check.message
                ),
                None => format!("{}; nothing proves when it was used", check.message),
            };
        }
        Trigger::Revoked(revoked) => match (times.claimed, revoked) {
            (Some(c), Some(r)) if c >= r => {
                check.message = format!("{}; the signing time it claims, {c}, is after that", check.message);
            }
            _ => {
                check.status = Status::Indeterminate;
                check.reason = Some(Reason::RevokedNoPoe);
                check.sub_indication = Reason::RevokedNoPoe.etsi_sub_indication().map(str::to_owned);
                check.message = format!(
                    "{}; nothing proves the signature existed before the revocation",
                    check.message
                );
            }
        },
        Trigger::Crypto => mark_no_poe(std::slice::from_mut(&mut check)),
        Trigger::RevocationUnknown => {}
    }
    (check, now)
}

/// Gives the crypto-constraints failures among `checks` the sub-indication ETSI has for a
/// signature that nothing proves existed while its algorithms were acceptable
/// (CRYPTO_CONSTRAINTS_FAILURE_NO_POE).
pub fn mark_no_poe(checks: &mut [Check]) {
    for c in checks
        .iter_mut()
        .filter(|c| c.reason == Some(Reason::CryptoConstraintsFailure))
    {
        c.sub_indication = Some("CRYPTO_CONSTRAINTS_FAILURE_NO_POE".into());
    }
}

/// When a CRL among the options lists `cert` as revoked after `t`, the revocation date (for
/// the report of a signature proven before it).
fn revoked_after(cert: &Certificate, opts: &ChainOptions, t: Time) -> Option<Time> {
    let end = Time::from_utc_fields(9999, 12, 31, 23, 59, 59)?;
    opts.crls.iter().find_map(|crl| match crl.status_of(cert, end) {
        CrlStatus::Revoked(when, _) if when > t => Some(when),
        _ => None,
    })
}

/// The earliest of some proofs of existence.
pub fn earliest(poes: impl IntoIterator<Item = ProofOfExistence>) -> Option<ProofOfExistence> {
    poes.into_iter().min_by_key(|p| p.time)
}

/// Where a piece of validation data (certificate, CRL, OCSP response) was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DataSource {
    /// The signature's own CMS `certificates` and `crls` (revocationInfoChoices) fields.
    Signature,
    /// CAdES `certificate-values` / `revocation-values` unsigned attributes.
    CadesValues,
    /// Inside a time-stamp token (its `certificates` and `crls`).
    Timestamp,
    /// The PDF document security store (/DSS).
    Dss,
    /// The DSS's validation-related information for this signature (/VRI).
    Vri,
    /// Supplied by the caller (trust options, fetched by the application).
    Caller,
}

impl DataSource {
    /// The name in reports (`signature`, `cades-values`, `timestamp`, `dss`, `vri`, `caller`).
    pub fn as_str(self) -> &'static str {
        match self {
            DataSource::Signature => "signature",
            DataSource::CadesValues => "cades-values",
            DataSource::Timestamp => "timestamp",
            DataSource::Dss => "dss",
            DataSource::Vri => "vri",
            DataSource::Caller => "caller",
        }
    }
}

/// The validation data one SignerInfo carries, for its chain: the CMS's own certificates,
/// CRLs and OCSP responses (revocationInfoChoices), its CAdES certificate-values and
/// revocation-values (archive time-stamps' included), and the CRLs inside its signature
/// time-stamp; with the listing of all of it by source (the time-stamp's certificates are
/// listed, and serve the time-stamp's own chain).
#[derive(Debug, Default)]
pub struct SignerData {
    /// Certificates paths may go through.
    pub certificates: Vec<Certificate>,
    /// CRLs.
    pub crls: Vec<crate::x509::Crl>,
    /// OCSP responses.
    pub ocsp: Vec<crate::x509::OcspResponseInfo>,
    /// The genTime of each CAdES archive time-stamp (not taken as a proof of existence).
    pub archive_timestamps: Vec<Time>,
    /// Everything above (and the time-stamp's certificates), by source.
    pub listing: ValidationData,
}

impl SignerData {
    /// The data of SignerInfo `index` of `sd`, with its decoded signature time-stamp `token`.
    pub fn of(
        sd: &crate::cms::SignedData,
        index: usize,
        token: Option<&crate::cms::tsp::TimeStampToken>,
    ) -> SignerData {
        let mut out = SignerData::default();
        let own_ocsp: Vec<crate::x509::OcspResponseInfo> = sd
            .ocsp_responses
            .iter()
            .filter_map(|d| crate::x509::OcspResponseInfo::from_der(d).ok())
            .collect();
        out.listing
            .extend(DataSource::Signature, &sd.certificates, &sd.crls, &own_ocsp);
        out.certificates.extend(sd.certificates.iter().cloned());
        out.crls.extend(sd.crls.iter().cloned());
        out.ocsp = own_ocsp;
        if let Some(signer) = sd.signers.get(index) {
            let cades = signer.cades_values();
            out.listing
                .extend(DataSource::CadesValues, &cades.certificates, &cades.crls, &cades.ocsp);
            out.certificates.extend(cades.certificates);
            out.crls.extend(cades.crls);
            out.ocsp.extend(cades.ocsp);
            out.archive_timestamps = cades.archive_timestamps;
        }
        if let Some(token) = token {
            let tsd = &token.signed_data;
            out.listing
                .extend(DataSource::Timestamp, &tsd.certificates, &tsd.crls, &[]);
            out.crls.extend(tsd.crls.iter().cloned());
        }
        out
    }
}

/// The validation data a signature's verification could use, each item with where it came
/// from: listed in the report (check `<prefix>.validation-data`).
#[derive(Debug, Default, Clone)]
pub struct ValidationData {
    items: Vec<serde_json::Value>,
}

impl ValidationData {
    /// Notes a certificate.
    pub fn certificate(&mut self, cert: &Certificate, source: DataSource) {
        self.items.push(serde_json::json!({
            "type": "certificate",
            "source": source.as_str(),
            "subject": cert.subject(),
            "sha256": hex::encode(cert.fingerprint()),
        }));
    }

    /// Notes a CRL.
    pub fn crl(&mut self, crl: &crate::x509::Crl, source: DataSource) {
        self.items.push(serde_json::json!({
            "type": "crl",
            "source": source.as_str(),
            "issuer": crl.issuer(),
            "this_update": crl.this_update().to_string(),
        }));
    }

    /// Notes an OCSP response.
    pub fn ocsp(&mut self, response: &crate::x509::OcspResponseInfo, source: DataSource) {
        self.items.push(serde_json::json!({
            "type": "ocsp",
            "source": source.as_str(),
            "produced_at": response.produced_at().to_string(),
        }));
    }

    /// Notes certificates, CRLs and OCSP responses from one source.
    pub fn extend(
        &mut self,
        source: DataSource,
        certificates: &[Certificate],
        crls: &[crate::x509::Crl],
        ocsp: &[crate::x509::OcspResponseInfo],
    ) {
        certificates.iter().for_each(|c| self.certificate(c, source));
        crls.iter().for_each(|c| self.crl(c, source));
        ocsp.iter().for_each(|r| self.ocsp(r, source));
    }

    /// The informational check listing the data: PASSED, with per-source counts in the
    /// message and every item in the `items` detail (duplicates across sources kept, so each
    /// place that carries an item is visible).
    pub fn check(&self, name: &str) -> Check {
        let mut counts: std::collections::BTreeMap<(&str, &str), usize> = std::collections::BTreeMap::new();
        for item in &self.items {
            let kind = item["type"].as_str().unwrap_or_default();
            let source = item["source"].as_str().unwrap_or_default();
            *counts.entry((source, kind)).or_default() += 1;
        }
        let message = if counts.is_empty() {
            "no certificates or revocation data beyond the trust anchors".to_owned()
        } else {
            counts
                .iter()
                .map(|((source, kind), n)| format!("{n} {kind}{} from {source}", if *n == 1 { "" } else { "s" }))
                .collect::<Vec<_>>()
                .join(", ")
        };
        Check::passed(name, message).with_detail("items", serde_json::Value::Array(self.items.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::PoeSource;
    use crate::x509::{Crl, RevocationPolicy, Usage};

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-vectors/x509/sm2/");

    fn cert(name: &str) -> Certificate {
        Certificate::from_pem(&std::fs::read(format!("{DIR}certs/{name}.pem")).unwrap()).unwrap()
    }

    fn t(s: &str) -> Time {
        Time::parse(s).unwrap()
    }

    /// root → int → leaves; CRLs of root and int issued 2027-01-01, next 2028-01-01; the
    /// int's CRL revokes `leaf-revoked` from 2026-12-01; `leaf-expired` ends 2027-01-01.
    fn check(leaf: &str, at: &str, times: UseTimes, tweak: impl Fn(&mut ChainOptions)) -> Check {
        let mut trust = TrustStore::new();
        trust.add_certificate(cert("root"), None);
        let mut opts = ChainOptions::new(t(at), Usage::DocumentSigning);
        opts.revocation = RevocationPolicy::Required;
        for f in ["int-crl", "root-crl"] {
            opts.crls
                .push(Crl::from_der(&pem_der(&format!("{DIR}crls/{f}.pem"))).unwrap());
        }
        tweak(&mut opts);
        signer_check("pdf.chain", &cert(leaf), &[cert("int")], &trust, &opts, &times)
    }

    fn pem_der(path: &str) -> Vec<u8> {
        let text = std::fs::read_to_string(path).unwrap();
        let b64: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
    }

    fn poe(at: &str) -> Option<ProofOfExistence> {
        Some(ProofOfExistence::new(t(at), PoeSource::SignatureTimestamp, "test TSA"))
    }

    fn claimed(at: &str) -> UseTimes {
        UseTimes {
            claimed: Some(t(at)),
            ..UseTimes::default()
        }
    }

    fn proven(at: &str) -> UseTimes {
        UseTimes {
            poe: poe(at),
            ..UseTimes::default()
        }
    }

    fn verdict(c: &Check) -> (Status, Option<Reason>) {
        (c.status, c.reason)
    }

    #[test]
    fn a_current_chain_needs_no_proof() {
        let c = check("leaf", "2027-06-01T00:00:00Z", UseTimes::default(), |_| {});
        assert_eq!(verdict(&c), (Status::Passed, None), "{c:?}");
        assert!(!c.details.contains_key("validated_at"));
    }

    #[test]
    fn revoked_after_the_proof_of_existence_passes_naming_it() {
        let c = check(
            "leaf-revoked",
            "2027-06-01T00:00:00Z",
            proven("2026-11-01T00:00:00Z"),
            |_| {},
        );
        assert_eq!(verdict(&c), (Status::Passed, None), "{c:?}");
        assert!(c.message.contains("after the proof of existence"), "{}", c.message);
        assert_eq!(c.details["validated_at"], "2026-11-01T00:00:00Z");
        assert_eq!(c.details["poe"]["source"], "signature-timestamp");
    }

    #[test]
    fn revoked_before_the_proof_of_existence_fails() {
        let c = check(
            "leaf-revoked",
            "2027-06-01T00:00:00Z",
            proven("2026-12-10T00:00:00Z"),
            |_| {},
        );
        assert_eq!(verdict(&c), (Status::Failed, Some(Reason::Revoked)), "{c:?}");
        assert!(c.message.contains("before its proof of existence"), "{}", c.message);
    }

    #[test]
    fn revoked_without_proof_is_indeterminate_unless_the_claim_is_later() {
        let before = check(
            "leaf-revoked",
            "2027-06-01T00:00:00Z",
            claimed("2026-11-01T00:00:00Z"),
            |_| {},
        );
        assert_eq!(
            verdict(&before),
            (Status::Indeterminate, Some(Reason::RevokedNoPoe)),
            "{before:?}"
        );
        assert_eq!(before.sub_indication.as_deref(), Some("REVOKED_NO_POE"));
        let after = check(
            "leaf-revoked",
            "2027-06-01T00:00:00Z",
            claimed("2026-12-15T00:00:00Z"),
            |_| {},
        );
        assert_eq!(verdict(&after), (Status::Failed, Some(Reason::Revoked)), "{after:?}");
    }

    #[test]
    fn stale_revocation_data_is_fresh_for_an_earlier_proof() {
        // 2028-06-01: the CRLs' nextUpdate (2028-01-01) has passed.
        let now = check("leaf", "2028-06-01T00:00:00Z", claimed("2026-11-01T00:00:00Z"), |_| {});
        assert_eq!(
            verdict(&now),
            (Status::Indeterminate, Some(Reason::RevocationUnknown)),
            "{now:?}"
        );
        let then = check("leaf", "2028-06-01T00:00:00Z", proven("2026-11-01T00:00:00Z"), |_| {});
        assert_eq!(verdict(&then), (Status::Passed, None), "{then:?}");
    }

    #[test]
    fn revocation_data_older_than_the_proof_is_not_fresh() {
        let c = check("leaf", "2028-06-01T00:00:00Z", proven("2027-03-01T00:00:00Z"), |_| {});
        assert_eq!(
            verdict(&c),
            (Status::Indeterminate, Some(Reason::RevocationUnknown)),
            "{c:?}"
        );
        assert!(c.message.contains("not fresh"), "{}", c.message);
        // A freshness window of 90 days lets the CRL of 2027-01-01 speak for 2027-03-01.
        let windowed = check("leaf", "2028-06-01T00:00:00Z", proven("2027-03-01T00:00:00Z"), |o| {
            o.revocation_freshness = 90 * 86_400;
        });
        assert_eq!(verdict(&windowed), (Status::Passed, None), "{windowed:?}");
    }

    #[test]
    fn expired_certificates_need_a_proof_or_a_policy_that_trusts_claims() {
        let at = "2027-06-01T00:00:00Z";
        let none = check("leaf-expired", at, claimed("2026-11-01T00:00:00Z"), |_| {});
        assert_eq!(
            verdict(&none),
            (Status::Indeterminate, Some(Reason::OutOfBoundsNoPoe)),
            "{none:?}"
        );
        let proof = check("leaf-expired", at, proven("2026-11-01T00:00:00Z"), |_| {});
        assert_eq!(verdict(&proof), (Status::Passed, None), "{proof:?}");
        let late_proof = check("leaf-expired", at, proven("2027-02-01T00:00:00Z"), |_| {});
        assert_eq!(
            verdict(&late_proof),
            (Status::Failed, Some(Reason::Expired)),
            "{late_proof:?}"
        );
        let trusted_claim = check("leaf-expired", at, claimed("2026-11-01T00:00:00Z"), |o| {
            o.claimed_time_counts = true;
        });
        assert_eq!(verdict(&trusted_claim), (Status::Passed, None), "{trusted_claim:?}");
        assert_eq!(trusted_claim.details["on_claimed_time"], true);
    }

    #[test]
    fn algorithm_end_dates_apply_at_the_proof() {
        let c = crate::alg::CryptoConstraints {
            sha1_until: Some(t("2017-01-01T00:00:00Z")),
            legacy_rsa: Some((1024, t("2014-01-01T00:00:00Z"))),
            ..crate::alg::CryptoConstraints::default()
        };
        assert!(c.at(t("2016-06-01T00:00:00Z")).allow_sha1);
        assert!(!c.at(t("2017-06-01T00:00:00Z")).allow_sha1);
        assert_eq!(c.at(t("2013-06-01T00:00:00Z")).min_rsa_bits, 1024);
        assert_eq!(c.at(t("2014-06-01T00:00:00Z")).min_rsa_bits, 2048);
    }
}
