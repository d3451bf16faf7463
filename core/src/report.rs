//! The one result shape every verifier returns.
//!
//! A [`Report`] has an overall [`Status`] (ETSI EN 319 102-1 "main indication": PASSED,
//! FAILED or INDETERMINATE), the list of [`Check`]s that led to it, each with its own status
//! and machine-readable [`Reason`], and a [`Subject`] naming what was verified (signer, seal,
//! times). It serialises to the stable JSON documented in `docs/REPORT.md`.
//!
//! ```
//! use yinjian::report::{Check, Reason, Report, Status};
//!
//! let mut report = Report::new("example");
//! report.push(Check::passed("format", "well formed"));
//! report.push(Check::failed("signature", Reason::BadSignature, "the value does not verify"));
//! let report = report.finish();
//! assert_eq!(report.status, Status::Failed);
//! assert_eq!(report.reason, Some(Reason::BadSignature));
//! // The JSON carries the reason and the ETSI EN 319 102-1 sub-indication beside it.
//! let json = report.to_json_pretty();
//! assert!(json.contains(r#""reason": "BadSignature""#));
//! assert!(json.contains(r#""sub_indication": "SIG_CRYPTO_FAILURE""#));
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::time::Time;

/// Version of the JSON report layout; bumped only on incompatible changes.
pub const REPORT_FORMAT_VERSION: u32 = 1;

/// Outcome of a whole verification or of one check (ETSI EN 319 102-1 main indication).
///
/// Deliberately exhaustive (no `#[non_exhaustive]`, unlike the other public enums): these three
/// main indications are all there are, and code should match each of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Every check that was required succeeded.
    Passed,
    /// Not enough information to decide either way (unknown revocation, no trust anchor, …).
    Indeterminate,
    /// The data is not what it claims to be (cryptographic or format failure, revoked, …).
    Failed,
}

impl Status {
    /// The more severe of two statuses: FAILED > INDETERMINATE > PASSED.
    pub fn worst(self, other: Status) -> Status {
        self.max(other)
    }

    /// The ETSI EN 319 102-1 main indication this status stands for.
    pub fn etsi_indication(self) -> &'static str {
        match self {
            Status::Passed => "TOTAL-PASSED",
            Status::Failed => "TOTAL-FAILED",
            Status::Indeterminate => "INDETERMINATE",
        }
    }

    /// The status as the JSON spells it (`PASSED`, `FAILED`, `INDETERMINATE`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Passed => "PASSED",
            Status::Failed => "FAILED",
            Status::Indeterminate => "INDETERMINATE",
        }
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Machine-readable reason of a check that did not pass.
///
/// Each reason implies the status it gives a check ([`Reason::status`]) and, where ETSI
/// EN 319 102-1 has one, the sub-indication users of EU-style validators know
/// ([`Reason::etsi_sub_indication`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Reason {
    /// A digest of the protected data differs from the one that was signed.
    HashMismatch,
    /// A signature value does not verify with the given key.
    BadSignature,
    /// A certificate, seal or token is not valid yet at the validation time.
    NotYetValid,
    /// A certificate, seal or token has expired at the validation time.
    Expired,
    /// No path to a trust anchor was found.
    UntrustedChain,
    /// A certificate was revoked.
    Revoked,
    /// Revocation status could not be established from the supplied data.
    RevocationUnknown,
    /// The input could not be decoded (bad DER, wrong length, not canonical, …).
    Malformed,
    /// The input uses something this library does not implement.
    Unsupported,
    /// The input uses an algorithm too weak for the policy in force (e.g. SHA-1).
    WeakAlgorithm,
    /// Data protected by a signature changed after it was signed.
    ModifiedAfterSigning,
    /// The input is larger than a named limit allows.
    TooLarge,
    /// A required element is absent.
    Missing,
    /// A policy rule (usage, constraint, allow-list) was not met.
    PolicyViolation,
    /// A certificate or seal has expired (or is not yet valid) at the validation time and
    /// nothing proves the signature existed while it was valid: the claimed signing time is
    /// not proof (ETSI OUT_OF_BOUNDS_NO_POE).
    OutOfBoundsNoPoe,
    /// The document carries no signature to verify.
    NoSignature,
    /// A signature verifies mathematically but its algorithm, digest or key size is not
    /// acceptable under the crypto-constraints policy in force (RSA below 2048 bits, SHA-1 for
    /// new signatures, …) (ETSI CRYPTO_CONSTRAINTS_FAILURE).
    CryptoConstraintsFailure,
    /// An SM2 signature verifies only in a non-standard variant (no Z value, or an ID other than
    /// the one required): not a GB/T 32918 signature; which variant matched is in the details.
    NonStandardSm2,
    /// The signature algorithm's parameters contradict each other or their standard (RSA-PSS
    /// with an MGF1 hash other than the message hash, a trailer field other than 1); the
    /// message says whether the value verifies with them as given (ETSI FORMAT_FAILURE).
    InconsistentAlgorithmParameters,
    /// The signer's certificate is not in the signature (nor among the certificates supplied):
    /// the signature cannot be checked (ETSI NO_SIGNING_CERTIFICATE_FOUND).
    SignerCertificateNotFound,
    /// The signer's certificate is revoked, and nothing proves the signature existed before
    /// the revocation: the claimed signing time is not proof (ETSI REVOKED_NO_POE).
    RevokedNoPoe,
}

impl Reason {
    /// The status a check with this reason has.
    pub fn status(self) -> Status {
        match self {
            Reason::UntrustedChain
            | Reason::RevocationUnknown
            | Reason::Unsupported
            | Reason::OutOfBoundsNoPoe
            | Reason::NoSignature
            | Reason::CryptoConstraintsFailure
            | Reason::NonStandardSm2
            | Reason::SignerCertificateNotFound
            | Reason::RevokedNoPoe => Status::Indeterminate,
            _ => Status::Failed,
        }
    }

    /// The ETSI EN 319 102-1 sub-indication closest to this reason, if there is one.
    pub fn etsi_sub_indication(self) -> Option<&'static str> {
        Some(match self {
            Reason::HashMismatch => "HASH_FAILURE",
            Reason::BadSignature => "SIG_CRYPTO_FAILURE",
            Reason::NotYetValid => "NOT_YET_VALID",
            Reason::Expired => "EXPIRED",
            Reason::UntrustedChain => "NO_CERTIFICATE_CHAIN_FOUND",
            Reason::Revoked => "REVOKED",
            Reason::RevocationUnknown => "TRY_LATER",
            Reason::Malformed | Reason::TooLarge | Reason::Missing => "FORMAT_FAILURE",
            Reason::Unsupported => "SIGNATURE_POLICY_NOT_AVAILABLE",
            Reason::WeakAlgorithm => "CRYPTO_CONSTRAINTS_FAILURE",
            Reason::PolicyViolation => "CHAIN_CONSTRAINTS_FAILURE",
            Reason::OutOfBoundsNoPoe => "OUT_OF_BOUNDS_NO_POE",
            Reason::CryptoConstraintsFailure | Reason::NonStandardSm2 => "CRYPTO_CONSTRAINTS_FAILURE",
            Reason::InconsistentAlgorithmParameters => "FORMAT_FAILURE",
            Reason::SignerCertificateNotFound => "NO_SIGNING_CERTIFICATE_FOUND",
            Reason::RevokedNoPoe => "REVOKED_NO_POE",
            // Changes after signing that the signature does not allow: the format checks of
            // ETSI EN 319 102-1 (and EU DSS's PDF modification checks) fail.
            Reason::ModifiedAfterSigning => "FORMAT_FAILURE",
            Reason::NoSignature => return None,
        })
    }

    /// Every reason, in declaration order.
    pub const ALL: [Reason; 21] = [
        Reason::HashMismatch,
        Reason::BadSignature,
        Reason::NotYetValid,
        Reason::Expired,
        Reason::UntrustedChain,
        Reason::Revoked,
        Reason::RevocationUnknown,
        Reason::Malformed,
        Reason::Unsupported,
        Reason::WeakAlgorithm,
        Reason::ModifiedAfterSigning,
        Reason::TooLarge,
        Reason::Missing,
        Reason::PolicyViolation,
        Reason::OutOfBoundsNoPoe,
        Reason::NoSignature,
        Reason::CryptoConstraintsFailure,
        Reason::NonStandardSm2,
        Reason::InconsistentAlgorithmParameters,
        Reason::SignerCertificateNotFound,
        Reason::RevokedNoPoe,
    ];

    /// The reason's name as the JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::HashMismatch => "HashMismatch",
            Reason::BadSignature => "BadSignature",
            Reason::NotYetValid => "NotYetValid",
            Reason::Expired => "Expired",
            Reason::UntrustedChain => "UntrustedChain",
            Reason::Revoked => "Revoked",
            Reason::RevocationUnknown => "RevocationUnknown",
            Reason::Malformed => "Malformed",
            Reason::Unsupported => "Unsupported",
            Reason::WeakAlgorithm => "WeakAlgorithm",
            Reason::ModifiedAfterSigning => "ModifiedAfterSigning",
            Reason::TooLarge => "TooLarge",
            Reason::Missing => "Missing",
            Reason::PolicyViolation => "PolicyViolation",
            Reason::OutOfBoundsNoPoe => "OutOfBoundsNoPoe",
            Reason::NoSignature => "NoSignature",
            Reason::CryptoConstraintsFailure => "CryptoConstraintsFailure",
            Reason::NonStandardSm2 => "NonStandardSm2",
            Reason::InconsistentAlgorithmParameters => "InconsistentAlgorithmParameters",
            Reason::SignerCertificateNotFound => "SignerCertificateNotFound",
            Reason::RevokedNoPoe => "RevokedNoPoe",
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of a verification and its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[must_use = "a check's outcome is its status and reason"]
pub struct Check {
    /// Stable dotted name of the step, e.g. `sm2.signature`.
    pub name: String,
    /// Outcome of this step.
    pub status: Status,
    /// Why the step did not pass; absent when it passed.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<Reason>,
    /// ETSI sub-indication derived from `reason`, for EU-style consumers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_indication: Option<String>,
    /// Human-readable explanation.
    pub message: String,
    /// Extra machine-readable facts (e.g. `signature_encoding`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty", default)]
    pub details: BTreeMap<String, serde_json::Value>,
}

impl Check {
    /// A passed check.
    pub fn passed(name: impl Into<String>, message: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: Status::Passed,
            reason: None,
            sub_indication: None,
            message: message.into(),
            details: BTreeMap::new(),
        }
    }

    /// A check that did not pass; its status follows from the reason.
    pub fn failed(name: impl Into<String>, reason: Reason, message: impl Into<String>) -> Check {
        Check {
            name: name.into(),
            status: reason.status(),
            reason: Some(reason),
            sub_indication: reason.etsi_sub_indication().map(str::to_owned),
            message: message.into(),
            details: BTreeMap::new(),
        }
    }

    /// Adds a machine-readable detail.
    pub fn with_detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Check {
        self.details.insert(key.to_owned(), value.into());
        self
    }
}

/// What was verified: the signer, the seal and the relevant times.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    /// The signer (certificate subject, or key fingerprint when there is no certificate).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signer: Option<String>,
    /// The seal's name, for seal signatures.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub seal: Option<String>,
    /// The time the signature claims (or a time-stamp proves) it was made.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signing_time: Option<Time>,
    /// The time the verification was made for (always an input).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub validation_time: Option<Time>,
}

/// The result of one verification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[must_use = "a verification's outcome is its report: check its status"]
pub struct Report {
    /// Layout version of this JSON ([`REPORT_FORMAT_VERSION`]).
    pub version: u32,
    /// What kind of object was verified, e.g. `sm2-signature`.
    pub kind: String,
    /// The overall outcome: the worst status among the checks (INDETERMINATE if none ran).
    pub status: Status,
    /// The reason of the first check that gave the overall status, if it is not PASSED.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<Reason>,
    /// The ETSI EN 319 102-1 main indication beside `status`: `TOTAL-PASSED`, `TOTAL-FAILED`
    /// or `INDETERMINATE` (set by [`Report::finish`]).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub indication: Option<String>,
    /// The ETSI EN 319 102-1 sub-indication beside `reason` (that of the deciding check or part;
    /// absent when PASSED or when ETSI has none for the reason).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_indication: Option<String>,
    /// One-line human summary.
    pub summary: String,
    /// What was verified.
    pub subject: Subject,
    /// Every step, in the order it ran.
    pub checks: Vec<Check>,
    /// Reports of the parts verified one by one (each signature of a document).
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub parts: Vec<Report>,
    /// The proofs that the signature existed at some time (ETSI EN 319 102-1 §5.6.2.2): each
    /// usable time-stamp over it, earliest first. The earliest is the time its certificates,
    /// revocation data and algorithms are judged at when they no longer hold at the
    /// validation time.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub proofs_of_existence: Vec<ProofOfExistence>,
}

/// A proof that an object existed at a time: a time-stamp that verifies and covers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProofOfExistence {
    /// The time proven (the time-stamp's genTime).
    pub time: Time,
    /// What proves it.
    pub source: PoeSource,
    /// Which one: the time-stamping authority, and for a document time-stamp its field.
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub detail: String,
}

/// Where a proof of existence comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PoeSource {
    /// A time-stamp over the signature value (CAdES/PAdES signature-time-stamp).
    SignatureTimestamp,
    /// A PDF document time-stamp (ETSI.RFC3161) in a later revision.
    DocumentTimestamp,
    /// A CAdES archive time-stamp.
    ArchiveTimestamp,
    /// The time-stamp of a GB/T 38540 seal signature (`timeStamp`).
    SealTimestamp,
}

impl PoeSource {
    /// The name in reports (`signature-timestamp`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            PoeSource::SignatureTimestamp => "signature-timestamp",
            PoeSource::DocumentTimestamp => "document-timestamp",
            PoeSource::ArchiveTimestamp => "archive-timestamp",
            PoeSource::SealTimestamp => "seal-timestamp",
        }
    }
}

impl ProofOfExistence {
    /// A proof at `time` from `source`.
    pub fn new(time: Time, source: PoeSource, detail: impl Into<String>) -> ProofOfExistence {
        ProofOfExistence {
            time,
            source,
            detail: detail.into(),
        }
    }

    /// As JSON, for check details.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

impl std::fmt::Display for ProofOfExistence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}", self.time, self.source.as_str())?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        f.write_str(")")
    }
}

impl Report {
    /// An empty report for an object of the given kind; add checks, then [`Report::finish`].
    pub fn new(kind: impl Into<String>) -> Report {
        Report {
            version: REPORT_FORMAT_VERSION,
            kind: kind.into(),
            status: Status::Indeterminate,
            reason: None,
            indication: None,
            sub_indication: None,
            summary: String::new(),
            subject: Subject::default(),
            checks: Vec::new(),
            parts: Vec::new(),
            proofs_of_existence: Vec::new(),
        }
    }

    /// Appends a check.
    pub fn push(&mut self, check: Check) -> &mut Report {
        self.checks.push(check);
        self
    }

    /// Computes the overall status, reason and summary from the checks.
    pub fn finish(mut self) -> Report {
        let own = worst(&self.checks);
        let parts = self.parts.iter().map(|p| p.status).max();
        self.status = match parts {
            Some(p) if self.checks.is_empty() => p,
            Some(p) => own.max(p),
            None => own,
        };
        let check = self
            .checks
            .iter()
            .find(|c| c.status == self.status && self.status != Status::Passed);
        let part = self
            .parts
            .iter()
            .find(|p| p.status == self.status && self.status != Status::Passed);
        self.reason = check.and_then(|c| c.reason).or_else(|| part.and_then(|p| p.reason));
        self.indication = Some(self.status.etsi_indication().to_owned());
        self.sub_indication = match (check, part) {
            (Some(c), _) => c.sub_indication.clone(),
            (None, Some(p)) => p.sub_indication.clone(),
            (None, None) => None,
        };
        self.summary = match (self.status, check, part) {
            (Status::Passed, _, _) => match self.parts.len() {
                0 => format!("{}: all {} checks passed", self.kind, self.checks.len()),
                n => format!("{}: all {} checks and {n} parts passed", self.kind, self.checks.len()),
            },
            (_, Some(check), _) => format!("{}: {} at {}: {}", self.kind, self.status, check.name, check.message),
            (_, None, Some(part)) => format!("{}: {} in {}", self.kind, self.status, part.summary),
            (_, None, None) => format!("{}: nothing was checked", self.kind),
        };
        self
    }

    /// The names of the checks that did not pass, in this report and its parts, once each
    /// (the value of [`DETAIL_FAILING_CHECKS`] for a check standing for this whole report).
    pub fn failing_checks(&self) -> Vec<serde_json::Value> {
        fn walk(report: &Report, out: &mut Vec<serde_json::Value>) {
            collect_failing(&report.checks, out);
            for part in &report.parts {
                walk(part, out);
            }
        }
        let mut out = Vec::new();
        walk(self, &mut out);
        out
    }

    /// The first check with this name, if any.
    pub fn check(&self, name: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The report as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        // Serialising plain data with string keys cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Human-readable multi-line text for terminals.
    pub fn to_text(&self) -> String {
        let mut out = format!("{}  {}\n", self.status, self.summary);
        if let Some(signer) = &self.subject.signer {
            out.push_str(&format!("  signer: {signer}\n"));
        }
        if let Some(seal) = &self.subject.seal {
            out.push_str(&format!("  seal: {seal}\n"));
        }
        if let Some(t) = &self.subject.signing_time {
            out.push_str(&format!("  signing time: {t}\n"));
        }
        if let Some(t) = &self.subject.validation_time {
            out.push_str(&format!("  validated at: {t}\n"));
        }
        if !self.proofs_of_existence.is_empty() {
            out.push_str("  proofs of existence:\n");
            for poe in &self.proofs_of_existence {
                out.push_str(&format!("    {poe}\n"));
            }
        }
        for check in &self.checks {
            let reason = check.reason.map(|r| format!(" [{r}]")).unwrap_or_default();
            out.push_str(&format!(
                "  {:<13} {}{}: {}\n",
                check.status.as_str(),
                check.name,
                reason,
                check.message
            ));
        }
        for part in &self.parts {
            for line in part.to_text().lines() {
                out.push_str(&format!("  | {line}\n"));
            }
        }
        out
    }
}

/// Adds to `out`, once each, the names of the checks of `checks` that did not pass (for a
/// summary check, the names it lists in [`DETAIL_FAILING_CHECKS`]).
fn collect_failing(checks: &[Check], out: &mut Vec<serde_json::Value>) {
    for check in checks.iter().filter(|c| c.status != Status::Passed) {
        let names = match check.details.get(DETAIL_FAILING_CHECKS).and_then(|v| v.as_array()) {
            Some(inner) => inner.clone(),
            None => vec![check.name.clone().into()],
        };
        for name in names {
            if !out.contains(&name) {
                out.push(name);
            }
        }
    }
}

/// The worst status among `checks`: FAILED > INDETERMINATE > PASSED; INDETERMINATE when
/// nothing was checked.
pub fn worst(checks: &[Check]) -> Status {
    checks.iter().map(|c| c.status).max().unwrap_or(Status::Indeterminate)
}

/// The first check that gives `checks` their worst status, unless that status is PASSED.
pub fn deciding(checks: &[Check]) -> Option<&Check> {
    let status = worst(checks);
    checks.iter().find(|c| c.status == status && status != Status::Passed)
}

/// Detail of a check made by [`summarize`] that did not pass: the names of the checks of the
/// group that did not pass, the deciding one first (those of an inner summary in its place),
/// so that a validation policy's levels for them reach the summary.
pub const DETAIL_FAILING_CHECKS: &str = "failing_checks";

/// One check named `name` standing for a group of checks (a chain, a time-stamp): the
/// deciding check's status, reason and message (and the names of the group's checks that did
/// not pass as the detail [`DETAIL_FAILING_CHECKS`]), or PASSED with `passed_message`.
pub fn summarize(name: &str, checks: &[Check], passed_message: String) -> Check {
    match deciding(checks) {
        Some(c) => {
            let mut failing = Vec::new();
            collect_failing(std::slice::from_ref(c), &mut failing);
            collect_failing(checks, &mut failing);
            let mut check = Check::failed(
                name,
                c.reason.unwrap_or(Reason::Malformed),
                format!("{}: {}", c.name, c.message),
            )
            .with_detail(DETAIL_FAILING_CHECKS, failing);
            check.status = c.status;
            check
        }
        None => Check::passed(name, passed_message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_status_is_the_worst_check() {
        let mut report = Report::new("test");
        report.push(Check::passed("a", "ok"));
        report.push(Check::failed("b", Reason::UntrustedChain, "no anchor"));
        let r = report.clone().finish();
        assert_eq!(r.status, Status::Indeterminate);
        assert_eq!(r.reason, Some(Reason::UntrustedChain));

        report.push(Check::failed("c", Reason::BadSignature, "bad"));
        let r = report.finish();
        assert_eq!(r.status, Status::Failed);
        assert_eq!(r.reason, Some(Reason::BadSignature));
        assert!(r.summary.contains("at c"), "{}", r.summary);
    }

    #[test]
    fn no_checks_is_indeterminate() {
        assert_eq!(Report::new("x").finish().status, Status::Indeterminate);
    }

    #[test]
    fn json_spelling_is_stable() {
        let mut report = Report::new("sm2-signature");
        report.push(Check::failed("sm2.signature", Reason::HashMismatch, "m").with_detail("k", 1));
        let json: serde_json::Value = serde_json::from_str(&report.finish().to_json_pretty()).unwrap();
        assert_eq!(json["status"], "FAILED");
        assert_eq!(json["reason"], "HashMismatch");
        assert_eq!(json["version"], 1);
        assert_eq!(json["checks"][0]["sub_indication"], "HASH_FAILURE");
        assert_eq!(json["indication"], "TOTAL-FAILED");
        assert_eq!(json["sub_indication"], "HASH_FAILURE");
        assert_eq!(json["checks"][0]["details"]["k"], 1);
    }

    #[test]
    fn reason_spelling_matches_serde() {
        for reason in [
            Reason::HashMismatch,
            Reason::ModifiedAfterSigning,
            Reason::RevocationUnknown,
        ] {
            assert_eq!(serde_json::to_value(reason).unwrap(), reason.as_str());
        }
    }
}
