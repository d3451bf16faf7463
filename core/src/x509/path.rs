//! Path building and validation (RFC 5280 §6): from a leaf and an unordered pool of
//! certificates to any trust anchor, trying every candidate path until one validates, with a
//! budget on signature checks and building steps so a hostile mesh cannot explode.

use std::collections::HashMap;
use std::net::IpAddr;

use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::NameConstraints;

use super::cert::{general_name_text, Certificate};
use super::crl::Crl;
use super::name::{self, NameKey};
use super::ocsp::OcspResponseInfo;
use super::policy::{self, CertPolicies, PolicyInputs};
use super::profile::{self, Role};
use super::trust::TrustStore;
use super::{RevocationPolicy, Usage};
use crate::alg::CryptoConstraints;
use crate::report::{Check, Reason, Report};
use crate::time::Time;

/// Default for [`ChainOptions::max_intermediates`].
pub const MAX_INTERMEDIATES: usize = 6;

/// Longest path considered, in certificates below the anchor, self-issued ones included.
pub const MAX_PATH_LENGTH: usize = 12;

/// Most name-against-constraint comparisons one path may need (hostile name constraints
/// times hostile names would otherwise grow quadratically).
pub const MAX_NAME_CONSTRAINT_CHECKS: usize = 250_000;

/// Most signature verifications one path search may spend.
pub const MAX_SIGNATURE_CHECKS: usize = 100;

/// Most issuer candidates one path search may consider (name matching only; signatures
/// are checked on complete paths and counted by [`MAX_SIGNATURE_CHECKS`]).
pub const MAX_BUILD_STEPS: usize = 100_000;

/// The report kind of [`chain_report`].
pub const REPORT_KIND: &str = "x509-chain";

/// What a chain verification is asked to do.
#[derive(Debug, Clone)]
pub struct ChainOptions {
    /// The time to validate for.
    pub at: Time,
    /// What the leaf must be fit for.
    pub usage: Usage,
    /// Whether revocation status must be established.
    pub revocation: RevocationPolicy,
    /// CRLs the caller supplies (from the document, a DSS, or fetched by the caller).
    pub crls: Vec<Crl>,
    /// OCSP responses the caller supplies.
    pub ocsp: Vec<OcspResponseInfo>,
    /// Accept SHA-1 signatures (legacy data only): overrides `constraints.allow_sha1`.
    pub allow_sha1: bool,
    /// The algorithms and key sizes acceptable in signatures: on certificates here, and in the
    /// CMS, time-stamp, PDF and OFD verifiers that take these options. A signature that
    /// verifies but breaks them is INDETERMINATE (`CryptoConstraintsFailure`).
    pub constraints: CryptoConstraints,
    /// Most intermediate CAs between leaf and anchor (self-issued ones not counted).
    pub max_intermediates: usize,
    /// Enforce the issuer and profile rules of [`profile`] (RFC 5280 §4 "MUST"s on how a CA
    /// writes certificates, CA/B Forum rules for the TLS usages) as failures. By default
    /// they are lints: listed in the `x509.profile` check, not lowering the verdict.
    pub strict_profile: bool,
    /// user-initial-policy-set (RFC 5280 §6.1.1 c); empty means any policy.
    pub policies: Vec<der::asn1::ObjectIdentifier>,
    /// initial-explicit-policy: the path must be valid for a policy of `policies`.
    pub explicit_policy: bool,
    /// initial-policy-mapping-inhibit: policy mappings are refused.
    pub inhibit_policy_mapping: bool,
    /// initial-any-policy-inhibit: anyPolicy in a certificate is not honoured.
    pub inhibit_any_policy: bool,
    /// Validation in the past (ETSI EN 319 102-1 §5.6.2.1): when set, `at` is a proof of
    /// existence and revocation data is judged by its freshness for this time (the time the
    /// certificate was used: a signing time, a time-stamp's genTime) instead of by being
    /// current at `at`: a CRL or OCSP response is usable when issued no earlier than this time
    /// less [`ChainOptions::revocation_freshness`], whatever its nextUpdate. Entries dated
    /// after `at` never count.
    pub revocation_fresh_for: Option<Time>,
    /// How long before the time it speaks for revocation data may have been issued, in seconds
    /// (a validation policy's freshness window; 0: issued at or after that time).
    pub revocation_freshness: u64,
    /// Whether a signing time the signer only claims (no time-stamp proves it) may stand in
    /// for a proof of existence when the chain is no longer valid at the validation time: the
    /// chain is then validated at the claimed time and the check says so. Off by default
    /// (ETSI: INDETERMINATE, OUT_OF_BOUNDS_NO_POE).
    pub claimed_time_counts: bool,
    /// Signature verifications already made (certificates, CRLs), shared by every clone of
    /// these options: one document's signatures, time-stamps and validations in the past
    /// check each signature once.
    pub signature_cache: crate::alg::SignatureCache,
}

impl ChainOptions {
    /// Options for `usage` at `at`, revocation required, no CRLs, no SHA-1.
    pub fn new(at: Time, usage: Usage) -> ChainOptions {
        ChainOptions {
            at,
            usage,
            revocation: RevocationPolicy::Required,
            crls: Vec::new(),
            ocsp: Vec::new(),
            allow_sha1: false,
            constraints: CryptoConstraints::default(),
            max_intermediates: MAX_INTERMEDIATES,
            strict_profile: false,
            policies: Vec::new(),
            explicit_policy: false,
            inhibit_policy_mapping: false,
            inhibit_any_policy: false,
            revocation_fresh_for: None,
            revocation_freshness: 0,
            claimed_time_counts: false,
            signature_cache: crate::alg::SignatureCache::new(),
        }
    }

    /// The certificate-policy inputs of these options.
    pub fn policy_inputs(&self) -> PolicyInputs {
        PolicyInputs {
            initial_policies: self.policies.clone(),
            explicit_policy: self.explicit_policy,
            inhibit_policy_mapping: self.inhibit_policy_mapping,
            inhibit_any_policy: self.inhibit_any_policy,
        }
    }

    /// How revocation data is judged: current at `at`, or fresh for
    /// [`ChainOptions::revocation_fresh_for`] when validating in the past.
    pub fn freshness(&self) -> super::Freshness {
        match self.revocation_fresh_for {
            Some(time) => super::Freshness::FreshFor {
                time,
                window: self.revocation_freshness,
            },
            None => super::Freshness::Current(self.at),
        }
    }

    /// The crypto constraints in force: `constraints`, with SHA-1 accepted when `allow_sha1`
    /// is set.
    pub fn crypto_constraints(&self) -> CryptoConstraints {
        CryptoConstraints {
            allow_sha1: self.constraints.allow_sha1 || self.allow_sha1,
            ..self.constraints
        }
    }
}

/// A rule a path broke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathFailure {
    /// The check name it belongs to (`x509.validity`, …).
    pub check: &'static str,
    /// The report reason.
    pub reason: Reason,
    /// What happened.
    pub message: String,
    /// Subject of the certificate concerned.
    pub certificate: Option<String>,
}

/// The result of a chain search.
#[derive(Debug, Clone)]
#[must_use = "a chain's outcome is in its checks and failure: check them"]
pub struct ChainVerification {
    /// The validated path, leaf first, then intermediates; the anchor last.
    pub path: Vec<Certificate>,
    /// Whether `path` is a validated chain (`failure` is `None`) or the best partial one.
    pub failure: Option<PathFailure>,
    /// The per-rule checks, for embedding into another verifier's report.
    pub checks: Vec<Check>,
    /// Signature checks spent.
    pub signature_checks: usize,
}

impl ChainVerification {
    /// True when a path validated and nothing in it is revoked (revocation may still be
    /// unknown: see [`ChainVerification::status`]).
    pub fn is_valid(&self) -> bool {
        self.failure.is_none()
    }

    /// One check summarising the chain (for embedding in a seal, document or token report):
    /// the worst status, the deciding reason and message, the path as a detail, and the
    /// revocation entry (detail `revocation`: [`ChainVerification::revocation`]), which a
    /// passing chain also states in its message, and the `x509.profile` lints, when there
    /// are any, as `profile_lints`.
    pub fn summary_check(&self, name: &str) -> Check {
        let anchor = self.path.last().map(|c| c.subject()).unwrap_or_default();
        let (state, why) = self.revocation();
        let passed = match state {
            RevocationState::NotRequired => {
                format!("chains to {anchor}; revocation status NOT checked: not required by the policy")
            }
            RevocationState::Checked => format!("chains to {anchor}; revocation checked: none revoked"),
            state => format!("chains to {anchor}; revocation {}", state.as_str()),
        };
        let check = crate::report::summarize(name, &self.checks, passed)
            .with_detail("path", path_detail(&self.path))
            .with_detail(
                "revocation",
                serde_json::json!({ "status": state.as_str(), "message": why }),
            );
        // Issuer/profile rules the path breaks stay visible in the embedding report.
        let lints = self
            .checks
            .iter()
            .find(|c| c.name == "x509.profile")
            .and_then(|c| c.details.get("lints"))
            .filter(|l| l.as_array().is_some_and(|a| !a.is_empty()));
        match lints {
            Some(lints) => check.with_detail("profile_lints", lints.clone()),
            None => check,
        }
    }

    /// What the chain established about revocation, and why (the `x509.revocation` check's
    /// message, or why there is none).
    pub fn revocation(&self) -> (RevocationState, String) {
        let Some(check) = self.checks.iter().find(|c| c.name == "x509.revocation") else {
            return (RevocationState::Unknown, REVOCATION_NOT_REACHED.to_owned());
        };
        let state = match check.reason {
            Some(Reason::Revoked) => RevocationState::Revoked,
            Some(_) => RevocationState::Unknown,
            None if check.details.get("revocation_checked") == Some(&serde_json::Value::Bool(false)) => {
                RevocationState::NotRequired
            }
            None => RevocationState::Checked,
        };
        (state, check.message.clone())
    }
}

/// Why a chain that validated no path has no revocation status.
const REVOCATION_NOT_REACHED: &str = "not checked: no certificate path was validated";

/// The revocation entry of a chain (detail `revocation.status` of a chain summary check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevocationState {
    /// Established for every certificate below the anchor: none is revoked.
    Checked,
    /// A certificate of the path is revoked.
    Revoked,
    /// NOT established for some certificate, and the policy does not require it: the status
    /// was not checked (this does not lower the verdict).
    NotRequired,
    /// Required but not established, or not reached (no path validated).
    Unknown,
}

impl RevocationState {
    /// The name in reports: `checked`, `revoked`, `not-required`, `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            RevocationState::Checked => "checked",
            RevocationState::Revoked => "revoked",
            RevocationState::NotRequired => "not-required",
            RevocationState::Unknown => "unknown",
        }
    }
}

impl ChainVerification {
    /// The worst status among the checks.
    pub fn status(&self) -> crate::report::Status {
        crate::report::worst(&self.checks)
    }
}

/// Verifies `leaf` against `trust`, building a path through `pool` (any order, may hold
/// distractors and cross-certificates), and returns the checks of the best path found.
pub fn verify_chain(
    leaf: &Certificate,
    pool: &[Certificate],
    trust: &TrustStore,
    opts: &ChainOptions,
) -> ChainVerification {
    verify_chain_at_depth(leaf, pool, trust, opts, 0)
}

/// [`verify_chain`] for a certificate met while checking revocation `depth` levels down (a
/// CRL signer's own path; see [`super::revocation`]).
pub(crate) fn verify_chain_at_depth(
    leaf: &Certificate,
    pool: &[Certificate],
    trust: &TrustStore,
    opts: &ChainOptions,
    depth: usize,
) -> ChainVerification {
    if let Some(anchor) = trust.anchors().iter().find(|a| a.certificate == *leaf) {
        return anchor_itself(leaf, anchor, trust, opts);
    }
    if trust.is_empty() {
        let path = vec![leaf.clone()];
        let failure = PathFailure {
            check: "x509.path",
            reason: Reason::UntrustedChain,
            message: format!("no trust anchors were given: {} cannot chain to one", leaf.subject()),
            certificate: Some(leaf.subject()),
        };
        let checks = vec![Check::failed(failure.check, failure.reason, failure.message.clone())
            .with_detail("path", path_detail(&path))];
        return ChainVerification {
            path,
            failure: Some(failure),
            checks,
            signature_checks: 0,
        };
    }
    let mut search = Search {
        pool,
        trust,
        opts,
        depth,
        sig_checks: 0,
        steps: 0,
        sig_cache: HashMap::new(),
        best: None,
    };
    let mut path = vec![leaf];
    let found = search.extend(&mut path);
    let signature_checks = search.sig_checks;
    match found {
        Some(valid) => {
            // A revoked certificate leaves the path built but not valid.
            let failure = valid
                .checks
                .iter()
                .find(|c| c.status == crate::report::Status::Failed)
                .map(|c| PathFailure {
                    check: "x509.revocation",
                    reason: c.reason.unwrap_or(Reason::Revoked),
                    message: c.message.clone(),
                    certificate: None,
                });
            let path = valid.path.into_iter().cloned().collect();
            ChainVerification {
                path,
                failure,
                checks: valid.checks,
                signature_checks,
            }
        }
        None => {
            let (path, failure) = match search.best {
                Some(best) => (best.path.into_iter().cloned().collect(), best.failure),
                None => (
                    vec![leaf.clone()],
                    PathFailure {
                        check: "x509.path",
                        reason: Reason::UntrustedChain,
                        message: format!("no issuer of {} among the pool or the trust anchors", leaf.subject()),
                        certificate: Some(leaf.subject()),
                    },
                ),
            };
            let checks = vec![Check::failed(failure.check, failure.reason, failure.message.clone())
                .with_detail("path", path_detail(&path))];
            ChainVerification {
                path,
                failure: Some(failure),
                checks,
                signature_checks,
            }
        }
    }
}

/// A leaf that is itself a trust anchor (the same certificate): trusted as configured, as
/// OpenSSL and Go treat it — its validity, the distrust list, the anchor's usage restriction
/// and what `usage` asks of a leaf apply; nothing below an anchor needs revocation status.
fn anchor_itself(
    leaf: &Certificate,
    anchor: &super::trust::TrustAnchor,
    trust: &TrustStore,
    opts: &ChainOptions,
) -> ChainVerification {
    let fail = |check: &'static str, reason: Reason, message: String| PathFailure {
        check,
        reason,
        message: format!("{}: {message}", leaf.subject()),
        certificate: Some(leaf.subject()),
    };
    // Issuer/profile rules: a failure when strict, else noted (as for any other path).
    let (profile_failure, lints) = match profile::check(leaf, Role::Leaf, opts.usage) {
        Err(message) => (Some(message), Vec::new()),
        Ok(broken) if opts.strict_profile && !broken.is_empty() => (broken.into_iter().next(), Vec::new()),
        Ok(broken) => (
            None,
            broken
                .into_iter()
                .map(|rule| serde_json::json!({ "certificate": leaf.subject(), "rule": rule }))
                .collect(),
        ),
    };
    let failure = if trust.is_distrusted(leaf) || trust.is_distrusted(&anchor.certificate) {
        Some(fail(
            "x509.trust",
            Reason::UntrustedChain,
            "on the distrust list".into(),
        ))
    } else if !anchor.allows(opts.usage) {
        Some(fail(
            "x509.trust",
            Reason::PolicyViolation,
            format!("the anchor is not trusted for {}", opts.usage.name()),
        ))
    } else if let Some(message) = profile_failure {
        Some(fail("x509.profile", Reason::PolicyViolation, message))
    } else if let Err(message) = check_usage(leaf, opts.usage) {
        Some(fail("x509.usage", Reason::PolicyViolation, message))
    } else {
        check_validity(leaf, opts.at)
            .err()
            .map(|(reason, message)| fail("x509.validity", reason, message))
    };
    let path = vec![leaf.clone()];
    let checks = match &failure {
        Some(f) => vec![Check::failed(f.check, f.reason, f.message.clone()).with_detail("path", path_detail(&path))],
        None => vec![
            Check::passed("x509.path", "the certificate is itself a trust anchor")
                .with_detail("path", path_detail(&path)),
            Check::passed("x509.validity", format!("the anchor is valid at {}", opts.at)),
            profile_check(lints, opts.usage),
            Check::passed("x509.revocation", "a trust anchor needs no revocation status"),
        ],
    };
    ChainVerification {
        path,
        failure,
        checks,
        signature_checks: 0,
    }
}

/// The chain check of a signer's certificate, judged as ETSI EN 319 102-1 does: validated at
/// `opts.at`; when that fails only because time has passed since (expiry, revocation, stale
/// revocation data, crypto constraints), the signing time decides — proven by a signature
/// time-stamp (`proven`): validated again at the signing time; only claimed: INDETERMINATE.
/// [`crate::ltv::signer_check`] does this with any proof of existence.
pub fn signer_chain_check(
    name: &str,
    cert: &Certificate,
    pool: &[Certificate],
    trust: &TrustStore,
    opts: &ChainOptions,
    signing_time: Time,
    proven: bool,
) -> Check {
    let times = crate::ltv::UseTimes {
        claimed: Some(signing_time),
        poe: proven.then(|| {
            crate::report::ProofOfExistence::new(signing_time, crate::report::PoeSource::SignatureTimestamp, "")
        }),
        usage: None,
    };
    crate::ltv::signer_check(name, cert, pool, trust, opts, &times)
}

/// [`verify_chain`] as a complete [`Report`] of kind [`REPORT_KIND`].
pub fn chain_report(leaf: &Certificate, pool: &[Certificate], trust: &TrustStore, opts: &ChainOptions) -> Report {
    let outcome = verify_chain(leaf, pool, trust, opts);
    let mut report = Report::new(REPORT_KIND);
    report.subject.signer = Some(leaf.subject());
    report.subject.validation_time = Some(opts.at);
    let not_reached = outcome.status() != crate::report::Status::Passed
        && !outcome.checks.iter().any(|c| c.name == "x509.revocation");
    report.checks = outcome.checks;
    if not_reached {
        // Every chain report has a revocation entry; here it was never reached.
        report.push(
            Check::failed("x509.revocation", Reason::RevocationUnknown, REVOCATION_NOT_REACHED)
                .with_detail("revocation_checked", false),
        );
    }
    report.finish()
}

/// One complete, validated path.
struct Valid<'a> {
    path: Vec<&'a Certificate>,
    checks: Vec<Check>,
}

/// A failed attempt, ranked: paths that reached an anchor beat those that did not, then
/// signature failures, then longer paths.
struct Attempt<'a> {
    rank: (u8, usize),
    path: Vec<&'a Certificate>,
    failure: PathFailure,
}

struct Search<'a> {
    pool: &'a [Certificate],
    trust: &'a TrustStore,
    opts: &'a ChainOptions,
    sig_checks: usize,
    steps: usize,
    sig_cache: HashMap<([u8; 32], [u8; 32]), Result<(), String>>,
    best: Option<Attempt<'a>>,
    depth: usize,
}

impl<'a> Search<'a> {
    fn record(&mut self, rank: (u8, usize), path: Vec<&'a Certificate>, failure: PathFailure) {
        if self.best.as_ref().is_none_or(|b| rank > b.rank) {
            self.best = Some(Attempt { rank, path, failure });
        }
    }

    fn budget_left(&mut self) -> bool {
        self.steps += 1;
        if self.steps > MAX_BUILD_STEPS || self.sig_checks >= MAX_SIGNATURE_CHECKS {
            let failure = PathFailure {
                check: "x509.path",
                reason: Reason::UntrustedChain,
                message: format!(
                    "path search stopped: budget of {MAX_BUILD_STEPS} steps / {MAX_SIGNATURE_CHECKS} signature checks spent"
                ),
                certificate: None,
            };
            if self.best.is_none() {
                self.best = Some(Attempt {
                    rank: (0, 0),
                    path: Vec::new(),
                    failure,
                });
            }
            return false;
        }
        true
    }

    /// Whether the key `issuer_spki` (DER, DSA parameters inherited) signed `child` (cached
    /// per pair; counts against the budget).
    fn signed_by(&mut self, child: &Certificate, issuer_spki: &[u8]) -> Result<(), String> {
        let mut spki_hash = [0u8; 32];
        spki_hash.copy_from_slice(&crate::alg::DigestAlgorithm::Sha256.digest(issuer_spki));
        let key = (*child.fingerprint(), spki_hash);
        if let Some(cached) = self.sig_cache.get(&key) {
            return cached.clone();
        }
        self.sig_checks += 1;
        let result = child.signature_algorithm().map_err(|e| e.to_string()).and_then(|alg| {
            self.opts.signature_cache.verify_identified(
                child.fingerprint(),
                alg,
                issuer_spki,
                child.tbs_der(),
                child.signature(),
            )?;
            self.opts
                .crypto_constraints()
                .check_spki(alg, None, issuer_spki)
                .map_err(|why| format!("the {} signature verifies, but {why} ({CONSTRAINTS})", alg.name()))
        });
        self.sig_cache.insert(key, result.clone());
        result
    }

    fn extend(&mut self, path: &mut Vec<&'a Certificate>) -> Option<Valid<'a>> {
        let child: &'a Certificate = path[path.len() - 1];
        // Anchors first: the shortest path wins.
        for anchor in self.trust.anchors() {
            let anchor_cert = &anchor.certificate;
            if !may_issue(anchor_cert, child) || path.contains(&anchor_cert) {
                continue;
            }
            if !self.budget_left() {
                return None;
            }
            let mut full = path.clone();
            full.push(anchor_cert);
            if let Err((at, message)) = self.signatures(&full) {
                let failure = sig_failure(full[at], message);
                self.record((3, full.len()), full, failure);
                continue;
            }
            if self.trust.is_distrusted(anchor_cert) {
                let failure = PathFailure {
                    check: "x509.trust",
                    reason: Reason::UntrustedChain,
                    message: format!("anchor {} is on the distrust list", anchor_cert.subject()),
                    certificate: Some(anchor_cert.subject()),
                };
                self.record((2, full.len()), full, failure);
                continue;
            }
            if !anchor.allows(self.opts.usage) {
                let failure = PathFailure {
                    check: "x509.trust",
                    reason: Reason::PolicyViolation,
                    message: format!(
                        "anchor {} is not trusted for {}",
                        anchor_cert.subject(),
                        self.opts.usage.name()
                    ),
                    certificate: Some(anchor_cert.subject()),
                };
                self.record((2, full.len()), full, failure);
                continue;
            }
            match validate(&full, self.trust, self.opts) {
                Ok(mut checks) => {
                    checks.push(super::revocation::check(&full, self.pool, self.opts, self.depth));
                    return Some(Valid { path: full, checks });
                }
                Err(failure) => self.record((3, full.len()), full, failure),
            }
        }
        if path.len() >= MAX_PATH_LENGTH {
            return None;
        }
        let intermediates = path[1..].iter().filter(|c| !c.is_self_issued()).count();
        for candidate in self.pool {
            if !may_issue(candidate, child) || path.iter().any(|c| same_entity(c, candidate)) {
                continue;
            }
            if intermediates + usize::from(!candidate.is_self_issued()) > self.opts.max_intermediates {
                let failure = PathFailure {
                    check: "x509.path",
                    reason: Reason::UntrustedChain,
                    message: format!(
                        "no trust anchor within {} intermediate CAs",
                        self.opts.max_intermediates
                    ),
                    certificate: Some(candidate.subject()),
                };
                self.record((0, path.len() + 1), path.clone(), failure);
                continue;
            }
            if !self.budget_left() {
                return None;
            }
            path.push(candidate);
            let found = self.extend(path);
            path.pop();
            if found.is_some() {
                return found;
            }
        }
        if self.best.is_none() {
            let failure = PathFailure {
                check: "x509.path",
                reason: Reason::UntrustedChain,
                message: format!("no trust anchor reached from {}", child.subject()),
                certificate: Some(child.subject()),
            };
            self.record((0, path.len()), path.clone(), failure);
        }
        None
    }

    /// Checks every signature of a complete path `[leaf, …, anchor]`, bottom-up; on failure
    /// returns the index of the certificate whose signature failed.
    fn signatures(&mut self, path: &[&'a Certificate]) -> Result<(), (usize, String)> {
        let spkis = super::cert::path_spkis(path);
        for (i, child) in path[..path.len() - 1].iter().enumerate() {
            self.signed_by(child, &spkis[i + 1]).map_err(|m| (i, m))?;
        }
        Ok(())
    }
}

/// Whether the certificate's key is acceptable under the crypto constraints in force.
fn key_constraints(cert: &Certificate, opts: &ChainOptions) -> Result<(), String> {
    match crate::alg::key_info(cert.spki()) {
        Ok(key) => opts.crypto_constraints().check_key(key),
        Err(_) => Ok(()), // undecodable keys are the profile's and the signature's to report
    }
}

/// Marks a signature failure that is a crypto-constraints failure.
const CONSTRAINTS: &str = "crypto constraints";

fn sig_failure(child: &Certificate, message: String) -> PathFailure {
    let reason = if message.contains(CONSTRAINTS) {
        Reason::CryptoConstraintsFailure
    } else if message.contains("unknown algorithm") || message.contains("unsupported") {
        Reason::Unsupported
    } else {
        Reason::BadSignature
    };
    PathFailure {
        check: "x509.signature",
        reason,
        message: format!("signature on {}: {message}", child.subject()),
        certificate: Some(child.subject()),
    }
}

/// Name chaining (RFC 5280 §6.1.3 a.4) and, when both are present, key identifiers.
fn may_issue(issuer: &Certificate, child: &Certificate) -> bool {
    if issuer.subject_key() != child.issuer_key() {
        return false;
    }
    match (
        &issuer.extensions().subject_key_id,
        &child.extensions().authority_key_id,
    ) {
        (Some(ski), Some(aki)) => ski == aki,
        _ => true,
    }
}

/// The same CA entity: same subject and same key (a loop, whatever certificate expresses it).
fn same_entity(a: &Certificate, b: &Certificate) -> bool {
    a == b || (a.subject_key() == b.subject_key() && a.spki() == b.spki())
}

/// RFC 5280 §6.1 processing of a complete path `[leaf, …, anchor]`, top-down.
fn validate(path: &[&Certificate], trust: &TrustStore, opts: &ChainOptions) -> Result<Vec<Check>, PathFailure> {
    let anchor = path[path.len() - 1];
    let fail = |check: &'static str, reason: Reason, cert: &Certificate, message: String| PathFailure {
        check,
        reason,
        message: format!("{}: {message}", cert.subject()),
        certificate: Some(cert.subject()),
    };
    let mut checks = Vec::new();
    // Issuer/profile rules broken: failures when strict, else lints in the report.
    let mut lints = Vec::new();
    let mut check_profile = |cert: &Certificate, role: Role| -> Result<(), PathFailure> {
        let broken = profile::check(cert, role, opts.usage)
            .map_err(|m| fail("x509.profile", Reason::PolicyViolation, cert, m))?;
        if let (true, Some(first)) = (opts.strict_profile, broken.first()) {
            return Err(fail("x509.profile", Reason::PolicyViolation, cert, first.clone()));
        }
        lints.extend(
            broken
                .into_iter()
                .map(|rule| serde_json::json!({ "certificate": cert.subject(), "rule": rule })),
        );
        Ok(())
    };

    // The anchor: its validity, and the constraints it carries (applied as rustls-webpki
    // and OpenSSL do: a v3 anchor's basicConstraints, keyUsage and nameConstraints bind).
    let mut max_path_len = usize::MAX;
    let mut nc_budget = MAX_NAME_CONSTRAINT_CHECKS;
    let mut constraints: Vec<&NameConstraints> = Vec::new();
    check_validity(anchor, opts.at).map_err(|(r, m)| fail("x509.validity", r, anchor, m))?;
    check_profile(anchor, Role::Anchor)?;
    key_constraints(anchor, opts)
        .map_err(|m| fail("x509.crypto-constraints", Reason::CryptoConstraintsFailure, anchor, m))?;
    if anchor.version() == 3 {
        if let Some(ku) = anchor.extensions().key_usage {
            if !ku.key_cert_sign {
                return Err(fail(
                    "x509.key-usage",
                    Reason::PolicyViolation,
                    anchor,
                    "anchor keyUsage lacks keyCertSign".into(),
                ));
            }
        }
        if let Some((ca, len)) = anchor.extensions().basic_constraints {
            if !ca {
                return Err(fail(
                    "x509.basic-constraints",
                    Reason::PolicyViolation,
                    anchor,
                    "anchor is not a CA".into(),
                ));
            }
            if let Some(len) = len {
                max_path_len = len as usize;
            }
        }
        constraints.extend(anchor.extensions().name_constraints.as_ref());
        if let Some(oid) = anchor.extensions().unknown_critical.first() {
            return Err(fail(
                "x509.extensions",
                Reason::PolicyViolation,
                anchor,
                format!("unknown critical extension {oid}"),
            ));
        }
    }

    // Certificates below the anchor, from the top down to the leaf.
    let below = &path[..path.len() - 1];
    for (depth_from_top, cert) in below.iter().rev().enumerate() {
        let is_leaf = depth_from_top == below.len() - 1;
        if trust.is_distrusted(cert) {
            return Err(fail(
                "x509.trust",
                Reason::UntrustedChain,
                cert,
                "on the distrust list".into(),
            ));
        }
        check_validity(cert, opts.at).map_err(|(r, m)| fail("x509.validity", r, cert, m))?;
        let role = if is_leaf { Role::Leaf } else { Role::Intermediate };
        check_profile(cert, role)?;
        key_constraints(cert, opts)
            .map_err(|m| fail("x509.crypto-constraints", Reason::CryptoConstraintsFailure, cert, m))?;
        if let Some(oid) = cert.extensions().unknown_critical.first() {
            return Err(fail(
                "x509.extensions",
                Reason::PolicyViolation,
                cert,
                format!("unknown critical extension {oid}"),
            ));
        }
        if !cert.is_self_issued() || is_leaf {
            for nc in &constraints {
                check_name_constraints(cert, nc, &mut nc_budget)
                    .map_err(|m| fail("x509.name-constraints", Reason::PolicyViolation, cert, m))?;
            }
        }
        if is_leaf {
            check_usage(cert, opts.usage).map_err(|m| fail("x509.usage", Reason::PolicyViolation, cert, m))?;
            continue;
        }
        // An intermediate CA.
        if cert.version() != 3 {
            return Err(fail(
                "x509.basic-constraints",
                Reason::PolicyViolation,
                cert,
                format!("a v{} certificate cannot be an intermediate CA", cert.version()),
            ));
        }
        let (ca, len) = cert.extensions().basic_constraints.unwrap_or((false, None));
        if !ca {
            return Err(fail(
                "x509.basic-constraints",
                Reason::PolicyViolation,
                cert,
                "not a CA (basicConstraints cA is false or absent)".into(),
            ));
        }
        if let Some(ku) = cert.extensions().key_usage {
            if !ku.key_cert_sign {
                return Err(fail(
                    "x509.key-usage",
                    Reason::PolicyViolation,
                    cert,
                    "keyUsage lacks keyCertSign".into(),
                ));
            }
        }
        if !cert.is_self_issued() {
            if max_path_len == 0 {
                return Err(fail(
                    "x509.basic-constraints",
                    Reason::PolicyViolation,
                    cert,
                    "pathLenConstraint of a CA above is exceeded".into(),
                ));
            }
            max_path_len -= 1;
        }
        if let Some(len) = len {
            max_path_len = max_path_len.min(len as usize);
        }
        constraints.extend(cert.extensions().name_constraints.as_ref());
    }
    // Certificate policies (RFC 5280 §6.1.3 d–f, §6.1.4 a–b, h–j, §6.1.5 a–b, g).
    let policy_failure = |cert: &Certificate, m: String| fail("x509.policy", Reason::PolicyViolation, cert, m);
    let mut per_cert = Vec::with_capacity(below.len());
    for cert in below.iter().rev() {
        per_cert.push(CertPolicies::of(cert).map_err(|m| policy_failure(cert, m))?);
    }
    let policies = policy::process(&per_cert, &opts.policy_inputs()).map_err(|m| policy_failure(path[0], m))?;
    let chain = path_detail(path);
    checks.push(
        Check::passed(
            "x509.path",
            format!("{} certificate(s) to anchor {}", below.len(), anchor.subject()),
        )
        .with_detail("path", chain),
    );
    checks.push(Check::passed(
        "x509.signature",
        "every certificate is signed by the next one",
    ));
    checks.push(Check::passed(
        "x509.validity",
        format!("every certificate valid at {}", opts.at),
    ));
    checks.push(Check::passed(
        "x509.constraints",
        "basic constraints, key usage, path length and name constraints hold",
    ));
    checks.push(Check::passed(
        "x509.usage",
        format!("the leaf is fit for {}", opts.usage.name()),
    ));
    checks.push(policy_check(&policies));
    checks.push(profile_check(lints, opts.usage));
    Ok(checks)
}

/// The `x509.policy` check of a valid path: the policies it is valid for.
fn policy_check(outcome: &policy::PolicyOutcome) -> Check {
    let message = if outcome.valid_policies.is_empty() {
        "valid for no certificate policy (none required)".to_owned()
    } else {
        format!("valid for certificate policies {}", outcome.valid_policies.join(", "))
    };
    Check::passed("x509.policy", message)
        .with_detail("valid_policies", outcome.valid_policies.clone())
        .with_detail("leaf_policies", outcome.leaf_policies.clone())
}

/// The `x509.profile` check: PASSED, listing the issuer/profile rules the path breaks.
fn profile_check(lints: Vec<serde_json::Value>, usage: Usage) -> Check {
    let rules = if matches!(usage, Usage::TlsServer | Usage::TlsClient) {
        "RFC 5280 issuer rules and CA/B Forum rules"
    } else {
        "RFC 5280 issuer rules"
    };
    let message = match lints.first() {
        None => format!("every certificate follows the {rules}"),
        Some(first) => format!(
            "{} of the {rules} not followed (first: {}: {}); noted, not enforced: RFC 5280 §6 path validation does not require them",
            lints.len(),
            first["certificate"].as_str().unwrap_or_default(),
            first["rule"].as_str().unwrap_or_default()
        ),
    };
    Check::passed("x509.profile", message).with_detail("lints", serde_json::Value::Array(lints))
}

fn check_validity(cert: &Certificate, at: Time) -> Result<(), (Reason, String)> {
    if at < cert.not_before() {
        return Err((Reason::NotYetValid, format!("not valid before {}", cert.not_before())));
    }
    if at > cert.not_after() {
        return Err((Reason::Expired, format!("expired at {}", cert.not_after())));
    }
    Ok(())
}

/// Extended key usages that mean "may sign documents".
const DOCUMENT_EKUS: [&str; 6] = [
    "1.3.6.1.5.5.7.3.36",      // id-kp-documentSigning (RFC 9336)
    "1.3.6.1.5.5.7.3.4",       // emailProtection (S/MIME, CMS signing)
    "1.2.840.113583.1.1.5",    // Adobe PDF signing
    "1.3.6.1.4.1.311.10.3.12", // Microsoft document signing
    "1.3.6.1.5.5.7.3.8",       // timeStamping (time-stamp tokens on documents)
    "2.5.29.37.0",             // anyExtendedKeyUsage
];

/// Whether the leaf's keyUsage / extKeyUsage fit `usage`.
pub fn check_usage(cert: &Certificate, usage: Usage) -> Result<(), String> {
    let ku = cert.extensions().key_usage;
    let eku: Option<Vec<String>> = cert
        .extensions()
        .ext_key_usage
        .as_ref()
        .map(|v| v.iter().map(|o| o.to_string()).collect());
    let has_eku = |wanted: &[&str]| {
        eku.as_ref()
            .is_none_or(|list| list.iter().any(|o| wanted.contains(&o.as_str())))
    };
    let signs = ku.is_none_or(|k| k.digital_signature || k.non_repudiation);
    match usage {
        Usage::Any => Ok(()),
        Usage::DocumentSigning | Usage::SealMaking => {
            if !signs {
                return Err("keyUsage allows neither digitalSignature nor nonRepudiation".into());
            }
            if !has_eku(&DOCUMENT_EKUS) {
                return Err("extKeyUsage names no document-signing purpose".into());
            }
            Ok(())
        }
        Usage::TokenSigning => {
            if !ku.is_none_or(|k| k.digital_signature) {
                return Err("keyUsage lacks digitalSignature".into());
            }
            if !has_eku(&[
                "1.3.6.1.5.5.7.3.1",
                "1.3.6.1.5.5.7.3.2",
                "1.3.6.1.5.5.7.3.36",
                "2.5.29.37.0",
            ]) {
                return Err("extKeyUsage names no purpose fit for token signing".into());
            }
            Ok(())
        }
        Usage::TlsServer | Usage::TlsClient => {
            let (wanted, wanted_name) = match usage {
                Usage::TlsServer => ("1.3.6.1.5.5.7.3.1", "serverAuth"),
                _ => ("1.3.6.1.5.5.7.3.2", "clientAuth"),
            };
            if !has_eku(&[wanted, "2.5.29.37.0"]) {
                return Err(format!("extKeyUsage lacks {wanted_name}"));
            }
            Ok(())
        }
    }
}

fn path_detail(path: &[impl AsRef<Certificate>]) -> serde_json::Value {
    serde_json::Value::Array(
        path.iter()
            .map(|c| {
                let c = c.as_ref();
                serde_json::json!({
                    "subject": c.subject(),
                    "issuer": c.issuer(),
                    "serial": c.serial_hex(),
                    "sha256": c.fingerprint_hex(),
                    "signature_algorithm": c.signature_algorithm().map(|a| a.name().to_owned()).unwrap_or_else(|_| c.signature_algorithm_oid()),
                })
            })
            .collect(),
    )
}

impl AsRef<Certificate> for Certificate {
    fn as_ref(&self) -> &Certificate {
        self
    }
}

/// Name constraints (RFC 5280 §4.2.1.10) on the subject DN and subjectAltName entries.
fn check_name_constraints(cert: &Certificate, nc: &NameConstraints, budget: &mut usize) -> Result<(), String> {
    let subject = name::name_key(cert.inner().tbs_certificate().subject());
    let mut names: Vec<GeneralName> = cert.extensions().subject_alt_names.clone();
    // Mailboxes in the subject's emailAddress attribute are constrained like rfc822Name.
    let email_oid = der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.1");
    for atv in cert.inner().tbs_certificate().subject().iter() {
        if atv.oid == email_oid {
            if let Some(text) = name::attribute_text(atv) {
                if let Ok(ia5) = der::asn1::Ia5String::new(&text) {
                    names.push(GeneralName::Rfc822Name(ia5));
                }
            }
        }
    }
    let dn = (!subject.is_empty()).then_some(subject);
    let subtrees =
        nc.permitted_subtrees.as_ref().map_or(0, Vec::len) + nc.excluded_subtrees.as_ref().map_or(0, Vec::len);
    let cost = (names.len() + 1).saturating_mul(subtrees);
    if cost > *budget {
        return Err(format!(
            "refusing {cost} name-constraint comparisons (limit {MAX_NAME_CONSTRAINT_CHECKS})"
        ));
    }
    *budget -= cost;
    if let Some(excluded) = &nc.excluded_subtrees {
        for subtree in excluded {
            if let Some(dn) = &dn {
                if let GeneralName::DirectoryName(base) = &subtree.base {
                    if dn.is_within(&name::name_key(base)) {
                        return Err(format!(
                            "subject is in an excluded subtree {}",
                            general_name_text(&subtree.base)
                        ));
                    }
                }
            }
            for n in &names {
                let hit = match (n, &subtree.base) {
                    // A wildcard may stand for a name inside the excluded subtree (CVE-2025-61727).
                    (GeneralName::DnsName(d), GeneralName::DnsName(b)) if d.as_str().starts_with("*.") => {
                        dns_within(d.as_str(), b.as_str()) || dns_within(b.as_str(), &d.as_str()[2..])
                    }
                    // Forms this crate cannot compare: an exclusion of the same form rejects.
                    _ if is_unsupported_form(n) => std::mem::discriminant(n) == std::mem::discriminant(&subtree.base),
                    _ => matches(n, &subtree.base) == Some(true),
                };
                if hit {
                    return Err(format!(
                        "{} is in an excluded subtree {}",
                        general_name_text(n),
                        general_name_text(&subtree.base)
                    ));
                }
            }
        }
    }
    if let Some(permitted) = &nc.permitted_subtrees {
        let forms = |pred: fn(&GeneralName) -> bool| permitted.iter().filter(|s| pred(&s.base)).count();
        if let Some(dn) = &dn {
            let bases: Vec<NameKey> = permitted
                .iter()
                .filter_map(|s| match &s.base {
                    GeneralName::DirectoryName(b) => Some(name::name_key(b)),
                    _ => None,
                })
                .collect();
            if !bases.is_empty() && !bases.iter().any(|b| dn.is_within(b)) {
                return Err("subject is outside the permitted directory-name subtrees".into());
            }
        }
        for n in &names {
            let same_form = permitted.iter().filter(|s| matches(n, &s.base).is_some()).count();
            if same_form == 0 {
                if forms(is_unsupported_form) > 0 && is_unsupported_form(n) {
                    return Err(format!(
                        "cannot check {} against unsupported constraint forms",
                        general_name_text(n)
                    ));
                }
                continue;
            }
            if !permitted.iter().any(|s| matches(n, &s.base) == Some(true)) {
                return Err(format!("{} is outside the permitted subtrees", general_name_text(n)));
            }
        }
    }
    Ok(())
}

fn is_unsupported_form(n: &GeneralName) -> bool {
    matches!(
        n,
        GeneralName::OtherName(_) | GeneralName::EdiPartyName(_) | GeneralName::RegisteredId(_)
    )
}

/// `None` when `base` is of another form than `name`; else whether `name` is within `base`.
fn matches(name: &GeneralName, base: &GeneralName) -> Option<bool> {
    match (name, base) {
        (GeneralName::DnsName(n), GeneralName::DnsName(b)) => Some(dns_within(n.as_str(), b.as_str())),
        (GeneralName::Rfc822Name(n), GeneralName::Rfc822Name(b)) => Some(email_within(n.as_str(), b.as_str())),
        (GeneralName::UniformResourceIdentifier(n), GeneralName::UniformResourceIdentifier(b)) => {
            Some(uri_host(n.as_str()).is_some_and(|host| host_within(&host, b.as_str())))
        }
        (GeneralName::IpAddress(n), GeneralName::IpAddress(b)) => Some(ip_within(n.as_bytes(), b.as_bytes())),
        (GeneralName::DirectoryName(n), GeneralName::DirectoryName(b)) => {
            Some(name::name_key(n).is_within(&name::name_key(b)))
        }
        (GeneralName::OtherName(_), GeneralName::OtherName(_))
        | (GeneralName::RegisteredId(_), GeneralName::RegisteredId(_))
        | (GeneralName::EdiPartyName(_), GeneralName::EdiPartyName(_)) => Some(false),
        _ => None,
    }
}

fn dns_within(name: &str, base: &str) -> bool {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    if base.is_empty() {
        return true;
    }
    if let Some(stripped) = base.strip_prefix('.') {
        return name.ends_with(&format!(".{stripped}"));
    }
    name == base || name.ends_with(&format!(".{base}"))
}

fn host_within(host: &str, base: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let base = base.to_ascii_lowercase();
    match base.strip_prefix('.') {
        Some(stripped) => host.ends_with(&format!(".{stripped}")),
        None => host == base,
    }
}

fn email_within(mailbox: &str, base: &str) -> bool {
    let Some((_, host)) = mailbox.rsplit_once('@') else {
        return false;
    };
    if base.contains('@') {
        return mailbox.eq_ignore_ascii_case(base);
    }
    host_within(host, base)
}

fn uri_host(uri: &str) -> Option<String> {
    let rest = uri.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if host_port.starts_with('[') {
        host_port.split(']').next()?.trim_start_matches('[')
    } else {
        host_port.split(':').next()?
    };
    (!host.is_empty() && host.parse::<IpAddr>().is_err()).then(|| host.to_owned())
}

fn ip_within(ip: &[u8], base: &[u8]) -> bool {
    if base.len() != ip.len() * 2 {
        return false;
    }
    let (addr, mask) = base.split_at(ip.len());
    ip.iter().zip(addr).zip(mask).all(|((i, a), m)| i & m == a & m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_and_email_constraints() {
        assert!(dns_within("a.example.com", "example.com"));
        assert!(dns_within("example.com", "example.com"));
        assert!(!dns_within("badexample.com", "example.com"));
        assert!(!dns_within("example.com", ".example.com"));
        assert!(dns_within("anything", ""));
        assert!(email_within("u@example.com", "example.com"));
        assert!(!email_within("u@a.example.com", "example.com"));
        assert!(email_within("u@a.example.com", ".example.com"));
        assert!(email_within("U@example.com", "u@example.com"));
        assert_eq!(
            uri_host("https://user@Host.example.com:8443/x").as_deref(),
            Some("Host.example.com")
        );
        assert!(ip_within(&[10, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
        assert!(!ip_within(&[11, 1, 2, 3], &[10, 0, 0, 0, 255, 0, 0, 0]));
    }
}
