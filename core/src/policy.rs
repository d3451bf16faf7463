//! The validation policy: which checks decide the verdict and which only warn, which
//! algorithms are acceptable until when, whether revocation status is required and how fresh it
//! must be, whether claimed signing times count, and whether certificate profile rules fail.
//!
//! Modelled on the constraint levels of EU DSS's `constraint.xml` (FAIL / WARN / INFORM /
//! IGNORE), as JSON; every key is documented in `docs/POLICY.md`. The shipped default
//! ([`ValidationPolicy::default`], the file `policy/default.json` beside this module) is what
//! every verifier uses when no policy is given, and what the bare library options
//! ([`crate::x509::ChainOptions::new`], [`crate::alg::CryptoConstraints::default`]) already are.
//!
//! A policy acts twice: [`ValidationPolicy::configure`] writes its knobs into the chain options
//! before verifying, [`ValidationPolicy::apply`] applies its levels to the report after.
//!
//! ```
//! use yinjian::policy::ValidationPolicy;
//!
//! let default = ValidationPolicy::default();
//! assert_eq!(ValidationPolicy::from_json(&default.to_json_pretty())?, default);
//! // A misspelt key is an error naming it, never silently ignored.
//! assert!(ValidationPolicy::from_json(r#"{"revocaton": {}}"#).is_err());
//! # Ok::<(), yinjian::policy::PolicyError>(())
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::alg::CryptoConstraints;
use crate::report::{Report, Status};
use crate::time::Time;
use crate::x509::{ChainOptions, RevocationPolicy};

/// The shipped default policy, as JSON (printed by `yinjian policy default`).
pub const DEFAULT_POLICY_JSON: &str = include_str!("policy/default.json");

/// Largest policy text accepted, in bytes.
pub const MAX_POLICY_BYTES: usize = 256 * 1024;

/// Most entries in `levels`.
pub const MAX_LEVELS: usize = 1000;

/// Largest RSA minimum a policy may ask for, in bits (what the library verifies at most).
pub const MAX_RSA_BITS: u32 = 16384;

/// Largest elliptic-curve minimum a policy may ask for, in bits (P-521).
pub const MAX_EC_BITS: u32 = 521;

/// Longest revocation freshness window, in seconds (100 years).
pub const MAX_FRESHNESS_SECONDS: u64 = 100 * 366 * 24 * 3600;

/// Detail a check changed by a level carries: the level (`WARN`, `INFORM`, `IGNORE`).
pub const DETAIL_LEVEL: &str = "policy_level";
/// Detail a check changed by a level carries: its status before (`FAILED`, `INDETERMINATE`).
pub const DETAIL_ORIGINAL_STATUS: &str = "original_status";
/// Detail a check changed by a level carries: its reason before, when it had one.
pub const DETAIL_ORIGINAL_REASON: &str = "original_reason";

/// How much a check that does not pass counts (EU DSS constraint levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[non_exhaustive]
pub enum Level {
    /// The check decides: its status enters the verdict (the default for every check).
    Fail,
    /// The check is reported as a warning: PASSED, its message and original status kept.
    Warn,
    /// The check is reported as information: PASSED, its message and original status kept.
    Inform,
    /// The check is not wanted: PASSED, marked as ignored, its message kept.
    Ignore,
}

impl Level {
    /// The level as the JSON spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Fail => "FAIL",
            Level::Warn => "WARN",
            Level::Inform => "INFORM",
            Level::Ignore => "IGNORE",
        }
    }
}

/// An RSA key size acceptable until a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LegacyRsa {
    /// Smallest acceptable modulus before `until`, in bits.
    pub bits: u32,
    /// Signatures proven to exist before this time may use `bits`.
    pub until: Time,
}

/// Algorithm acceptance (SM2/SM3 and Ed25519 are always acceptable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Algorithms {
    /// Smallest acceptable RSA (and DSA) modulus, in bits.
    pub min_rsa_bits: u32,
    /// Smallest acceptable elliptic-curve size, in bits.
    pub min_ec_bits: u32,
    /// SHA-1 acceptable whatever the time (legacy data only).
    pub allow_sha1: bool,
    /// SHA-1 acceptable for signatures proven to exist before this time; `null`: never.
    pub sha1_until: Option<Time>,
    /// A smaller RSA size acceptable before an end date; `null`: none.
    pub legacy_rsa: Option<LegacyRsa>,
}

impl Algorithms {
    /// These rules as the library's crypto constraints.
    pub fn constraints(&self) -> CryptoConstraints {
        CryptoConstraints {
            min_rsa_bits: self.min_rsa_bits,
            min_ec_bits: self.min_ec_bits,
            allow_sha1: self.allow_sha1,
            sha1_until: self.sha1_until,
            legacy_rsa: self.legacy_rsa.map(|l| (l.bits, l.until)),
        }
    }
}

/// Revocation rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// Whether revocation status must be established (else unknown status is only reported).
    pub required: bool,
    /// How long before the time it speaks for a CRL or OCSP response may have been issued.
    pub freshness_seconds: u64,
}

/// Signing-time rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigningTime {
    /// Whether a signing time the signer only claims may stand in for a proof of existence.
    pub claimed_time_counts: bool,
}

/// Certificate rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificates {
    /// Whether RFC 5280 issuer rules and CA/B Forum rules fail the chain (else lints).
    pub strict_profile: bool,
}

/// A validation policy (see the module documentation and `docs/POLICY.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationPolicy {
    /// A name for the policy.
    pub name: String,
    /// What the policy is for.
    pub description: String,
    /// Level per check name (`pdf.modifications`) or name pattern (`x509.*`, `*`); checks no
    /// entry names are FAIL.
    pub levels: BTreeMap<String, Level>,
    /// Algorithm acceptance.
    pub algorithms: Algorithms,
    /// Revocation rules.
    pub revocation: Revocation,
    /// Signing-time rules.
    pub signing_time: SigningTime,
    /// Certificate rules.
    pub certificates: Certificates,
}

/// Why a policy text was refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is larger than [`MAX_POLICY_BYTES`].
    #[error("the policy is {len} bytes, more than the {MAX_POLICY_BYTES} accepted")]
    TooLarge {
        /// The text's length.
        len: usize,
    },
    /// The text is not JSON.
    #[error("the policy is not JSON: {0}")]
    Syntax(serde_json::Error),
    /// A key or value is wrong: which one, and why.
    #[error("policy key {key}: {message}")]
    Invalid {
        /// The dotted path of the key (`algorithms.min_rsa_bits`; `.` for the whole policy).
        key: String,
        /// What is wrong with it.
        message: String,
    },
}

impl PolicyError {
    fn invalid(key: impl Into<String>, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            key: key.into(),
            message: message.into(),
        }
    }
}

impl Default for ValidationPolicy {
    /// The shipped default policy ([`DEFAULT_POLICY_JSON`]), parsed once.
    fn default() -> Self {
        static DEFAULT: std::sync::OnceLock<ValidationPolicy> = std::sync::OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                // The shipped file is valid: a unit test parses it.
                ValidationPolicy::parse_complete(DEFAULT_POLICY_JSON).unwrap_or_else(|_| ValidationPolicy::fallback())
            })
            .clone()
    }
}

impl ValidationPolicy {
    /// Reads a policy from JSON. Keys left out take their value from the default policy
    /// (objects are merged key by key; `levels` entries are added to the default's); unknown
    /// keys, wrong types and values out of range are refused, naming the key.
    pub fn from_json(text: &str) -> Result<ValidationPolicy, PolicyError> {
        if text.len() > MAX_POLICY_BYTES {
            return Err(PolicyError::TooLarge { len: text.len() });
        }
        let given: serde_json::Value = serde_json::from_str(text).map_err(PolicyError::Syntax)?;
        if !given.is_object() {
            return Err(PolicyError::invalid(".", "a policy is a JSON object"));
        }
        let mut merged: serde_json::Value = serde_json::from_str(DEFAULT_POLICY_JSON).map_err(PolicyError::Syntax)?;
        merge(&mut merged, given);
        ValidationPolicy::from_value(merged)
    }

    /// The policy as pretty-printed JSON.
    pub fn to_json_pretty(&self) -> String {
        // Plain data with string keys always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// Writes every knob this policy governs into `chain`: the crypto constraints (and
    /// `allow_sha1`), revocation required and its freshness window, whether claimed signing
    /// times count, strict certificate profile. Call it before setting any option the caller
    /// wants to override the policy with.
    pub fn configure(&self, chain: &mut ChainOptions) {
        chain.constraints = self.algorithms.constraints();
        chain.allow_sha1 = self.algorithms.allow_sha1;
        chain.revocation = if self.revocation.required {
            RevocationPolicy::Required
        } else {
            RevocationPolicy::NotRequired
        };
        chain.revocation_freshness = self.revocation.freshness_seconds;
        chain.claimed_time_counts = self.signing_time.claimed_time_counts;
        chain.strict_profile = self.certificates.strict_profile;
    }

    /// Applies the levels to `report` and its parts (recursively), then recomputes each
    /// report's verdict ([`Report::finish`]). A check that did not pass and is at WARN or
    /// INFORM becomes PASSED, keeping its message, with details `policy_level`,
    /// `original_status` and `original_reason`; at IGNORE likewise, marked `IGNORE` (kept in
    /// the report so that what was not judged stays visible). A FAIL check is left as it is.
    /// A report the levels change nowhere is left exactly as it is (not even re-finished).
    pub fn apply(&self, report: &mut Report) {
        self.apply_levels(report);
    }

    /// [`ValidationPolicy::apply`]; whether anything in `report` changed.
    fn apply_levels(&self, report: &mut Report) -> bool {
        let mut changed = false;
        for part in &mut report.parts {
            changed |= self.apply_levels(part);
        }
        for check in &mut report.checks {
            if check.status == Status::Passed {
                continue;
            }
            let level = self.level_of(&check.name).or_else(|| self.level_of_group(check));
            let level = match level {
                None | Some(Level::Fail) => continue,
                Some(level) => level,
            };
            changed = true;
            let original_status = check.status;
            let original_reason = check.reason.take();
            check.status = Status::Passed;
            check.sub_indication = None;
            check.details.insert(DETAIL_LEVEL.to_owned(), level.as_str().into());
            check
                .details
                .insert(DETAIL_ORIGINAL_STATUS.to_owned(), original_status.as_str().into());
            if let Some(reason) = original_reason {
                check
                    .details
                    .insert(DETAIL_ORIGINAL_REASON.to_owned(), reason.as_str().into());
            }
        }
        if changed {
            let taken = std::mem::replace(report, Report::new(String::new()));
            *report = taken.finish();
        }
        changed
    }

    /// The level a rule of `levels` gives the check `name`: an exact entry, else the longest
    /// matching pattern (`x509.*` matches names beginning `x509.`; `*` matches every name);
    /// `None` when no entry matches (the check is then FAIL).
    pub fn level_of(&self, name: &str) -> Option<Level> {
        if let Some(level) = self.levels.get(name) {
            return Some(*level);
        }
        self.levels
            .iter()
            .filter_map(|(pattern, level)| {
                let prefix = pattern.strip_suffix('*')?;
                name.starts_with(prefix).then_some((prefix.len(), *level))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, level)| level)
    }

    /// The level of a summary check no entry names: that of the checks of its group that did
    /// not pass (detail `failing_checks`), when none of them is FAIL (the most telling of
    /// them: WARN, else INFORM, else IGNORE); `None` when one is FAIL or there is no group.
    fn level_of_group(&self, check: &crate::report::Check) -> Option<Level> {
        let names = check.details.get(crate::report::DETAIL_FAILING_CHECKS)?.as_array()?;
        let mut levels = Vec::with_capacity(names.len());
        for name in names {
            match name.as_str().and_then(|n| self.level_of(n)) {
                None | Some(Level::Fail) => return None,
                Some(level) => levels.push(level),
            }
        }
        [Level::Warn, Level::Inform, Level::Ignore]
            .into_iter()
            .find(|l| levels.contains(l))
    }

    /// A complete policy text (every key present), as the shipped default is.
    fn parse_complete(text: &str) -> Result<ValidationPolicy, PolicyError> {
        ValidationPolicy::from_value(serde_json::from_str(text).map_err(PolicyError::Syntax)?)
    }

    fn from_value(value: serde_json::Value) -> Result<ValidationPolicy, PolicyError> {
        let policy: ValidationPolicy = serde_path_to_error::deserialize(value).map_err(|e| {
            let key = e.path().to_string();
            PolicyError::invalid(key, e.into_inner().to_string())
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// The range and pattern rules serde cannot state.
    fn validate(&self) -> Result<(), PolicyError> {
        if self.levels.len() > MAX_LEVELS {
            return Err(PolicyError::invalid(
                "levels",
                format!("{} entries, more than the {MAX_LEVELS} accepted", self.levels.len()),
            ));
        }
        for name in self.levels.keys() {
            check_pattern(name).map_err(|why| PolicyError::invalid(format!("levels.{name}"), why))?;
        }
        let a = &self.algorithms;
        if !(1..=MAX_RSA_BITS).contains(&a.min_rsa_bits) {
            return Err(PolicyError::invalid(
                "algorithms.min_rsa_bits",
                format!("{} is not between 1 and {MAX_RSA_BITS}", a.min_rsa_bits),
            ));
        }
        if a.min_ec_bits > MAX_EC_BITS {
            return Err(PolicyError::invalid(
                "algorithms.min_ec_bits",
                format!("{} is more than {MAX_EC_BITS}", a.min_ec_bits),
            ));
        }
        if let Some(legacy) = a.legacy_rsa {
            if legacy.bits == 0 || legacy.bits > a.min_rsa_bits {
                return Err(PolicyError::invalid(
                    "algorithms.legacy_rsa.bits",
                    format!(
                        "{} is not between 1 and min_rsa_bits ({}): a legacy size is a smaller one",
                        legacy.bits, a.min_rsa_bits
                    ),
                ));
            }
        }
        if self.revocation.freshness_seconds > MAX_FRESHNESS_SECONDS {
            return Err(PolicyError::invalid(
                "revocation.freshness_seconds",
                format!(
                    "{} is more than {MAX_FRESHNESS_SECONDS}",
                    self.revocation.freshness_seconds
                ),
            ));
        }
        Ok(())
    }

    /// The default policy written out, should the shipped file ever fail to parse (a unit test
    /// guarantees it does not, and that the two agree).
    fn fallback() -> ValidationPolicy {
        let constraints = CryptoConstraints::default();
        ValidationPolicy {
            name: "yinjian default".to_owned(),
            description: String::new(),
            levels: BTreeMap::new(),
            algorithms: Algorithms {
                min_rsa_bits: constraints.min_rsa_bits,
                min_ec_bits: constraints.min_ec_bits,
                allow_sha1: constraints.allow_sha1,
                sha1_until: constraints.sha1_until,
                legacy_rsa: constraints.legacy_rsa.map(|(bits, until)| LegacyRsa { bits, until }),
            },
            revocation: Revocation {
                required: true,
                freshness_seconds: 0,
            },
            signing_time: SigningTime {
                claimed_time_counts: false,
            },
            certificates: Certificates { strict_profile: false },
        }
    }
}

/// Whether `name` is a valid `levels` key: a check name, or a pattern ending in `.*`, or `*`.
fn check_pattern(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("an empty check name".to_owned());
    }
    if name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a check name has no spaces or control characters".to_owned());
    }
    let stem = name.strip_suffix('*').unwrap_or(name);
    if stem.contains('*') || (name.ends_with('*') && !stem.is_empty() && !stem.ends_with('.')) {
        return Err("`*` stands only as a whole key or after a final dot (`x509.*`)".to_owned());
    }
    Ok(())
}

/// Merges `given` into `base`: objects key by key (recursively), anything else replaced.
fn merge(base: &mut serde_json::Value, given: serde_json::Value) {
    match (base, given) {
        (serde_json::Value::Object(base), serde_json::Value::Object(given)) => {
            for (key, value) in given {
                match base.get_mut(&key) {
                    Some(slot) => merge(slot, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (slot, value) => *slot = value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Check, Reason};
    use crate::x509::Usage;

    fn t(text: &str) -> Time {
        Time::parse(text).unwrap()
    }

    fn invalid_key(text: &str) -> String {
        match ValidationPolicy::from_json(text) {
            Err(PolicyError::Invalid { key, .. }) => key,
            other => panic!("expected an invalid key, got {other:?}"),
        }
    }

    #[test]
    fn the_shipped_default_parses_and_is_complete() {
        let policy = ValidationPolicy::parse_complete(DEFAULT_POLICY_JSON).unwrap();
        assert_eq!(policy, ValidationPolicy::default());
        assert_eq!(ValidationPolicy::from_json("{}").unwrap(), policy);
        assert_eq!(policy.algorithms.sha1_until, Some(t("2017-01-01T00:00:00Z")));
        assert_eq!(
            policy.algorithms.legacy_rsa,
            Some(LegacyRsa {
                bits: 1024,
                until: t("2014-01-01T00:00:00Z")
            })
        );
        assert!(policy.levels.is_empty());
        // The written-out fallback agrees with the file (apart from the description).
        let mut fallback = ValidationPolicy::fallback();
        fallback.description = policy.description.clone();
        assert_eq!(fallback, policy);
        // What it prints reads back as itself.
        assert_eq!(ValidationPolicy::from_json(&policy.to_json_pretty()).unwrap(), policy);
    }

    #[test]
    fn bare_library_options_are_the_default_policy() {
        let at = t("2026-12-01T00:00:00Z");
        let bare = ChainOptions::new(at, Usage::DocumentSigning);
        let mut configured = ChainOptions::new(at, Usage::DocumentSigning);
        // Start from the opposite of every knob, so that configure must write each one.
        configured.constraints = CryptoConstraints::legacy();
        configured.allow_sha1 = true;
        configured.revocation = RevocationPolicy::NotRequired;
        configured.revocation_freshness = 99;
        configured.claimed_time_counts = true;
        configured.strict_profile = true;
        ValidationPolicy::default().configure(&mut configured);
        assert_eq!(configured.constraints, bare.constraints);
        assert_eq!(configured.constraints, CryptoConstraints::default());
        assert_eq!(configured.allow_sha1, bare.allow_sha1);
        assert_eq!(configured.revocation, bare.revocation);
        assert_eq!(configured.revocation_freshness, bare.revocation_freshness);
        assert_eq!(configured.claimed_time_counts, bare.claimed_time_counts);
        assert_eq!(configured.strict_profile, bare.strict_profile);
    }

    #[test]
    fn configure_writes_every_knob() {
        let policy = ValidationPolicy::from_json(
            r#"{
                "algorithms": {"min_rsa_bits": 3072, "min_ec_bits": 384, "allow_sha1": true,
                               "sha1_until": null, "legacy_rsa": {"bits": 2048, "until": "2030-01-01T00:00:00Z"}},
                "revocation": {"required": false, "freshness_seconds": 86400},
                "signing_time": {"claimed_time_counts": true},
                "certificates": {"strict_profile": true}
            }"#,
        )
        .unwrap();
        let mut chain = ChainOptions::new(t("2026-12-01T00:00:00Z"), Usage::DocumentSigning);
        policy.configure(&mut chain);
        assert_eq!(
            chain.constraints,
            CryptoConstraints {
                min_rsa_bits: 3072,
                min_ec_bits: 384,
                allow_sha1: true,
                sha1_until: None,
                legacy_rsa: Some((2048, t("2030-01-01T00:00:00Z"))),
            }
        );
        assert!(chain.allow_sha1);
        assert_eq!(chain.revocation, RevocationPolicy::NotRequired);
        assert_eq!(chain.revocation_freshness, 86400);
        assert!(chain.claimed_time_counts);
        assert!(chain.strict_profile);
    }

    #[test]
    fn the_default_end_dates_work_through_at() {
        let c = CryptoConstraints::default();
        let before = c.at(t("2016-06-01T00:00:00Z"));
        assert!(before.allow_sha1);
        assert_eq!(c.at(t("2013-06-01T00:00:00Z")).min_rsa_bits, 1024);
        assert_eq!(before.min_rsa_bits, 2048);
        let after = c.at(t("2017-01-01T00:00:00Z"));
        assert!(!after.allow_sha1);
    }

    #[test]
    fn errors_name_the_key() {
        assert_eq!(
            invalid_key(r#"{"algorithms": {"min_rsa_bits": "big"}}"#),
            "algorithms.min_rsa_bits"
        );
        assert_eq!(
            invalid_key(r#"{"algorithms": {"min_rsa_bits": 0}}"#),
            "algorithms.min_rsa_bits"
        );
        assert_eq!(
            invalid_key(r#"{"levels": {"pdf.modifications": "WARNING"}}"#),
            "levels.pdf.modifications"
        );
        assert_eq!(invalid_key(r#"{"levels": {"x509*": "WARN"}}"#), "levels.x509*");
        assert_eq!(invalid_key(r#"{"levels": {"*.chain": "WARN"}}"#), "levels.*.chain");
        assert_eq!(
            invalid_key(r#"{"algorithms": {"sha1_until": "next year"}}"#),
            "algorithms.sha1_until"
        );
        assert_eq!(
            invalid_key(r#"{"algorithms": {"legacy_rsa": {"bits": 4096, "until": "2014-01-01T00:00:00Z"}}}"#),
            "algorithms.legacy_rsa.bits"
        );
        assert_eq!(
            invalid_key(r#"{"revocation": {"required": "yes"}}"#),
            "revocation.required"
        );
        assert_eq!(invalid_key("[]"), ".");
        let e = ValidationPolicy::from_json(r#"{"levels": {"a": "WARNING"}}"#).unwrap_err();
        assert!(e.to_string().contains("WARNING"), "{e}");
        assert!(matches!(ValidationPolicy::from_json("{"), Err(PolicyError::Syntax(_))));
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert_eq!(invalid_key(r#"{"levelz": {}}"#), "levelz");
        let e = ValidationPolicy::from_json(r#"{"levelz": {}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("levelz"), "{e}");
        assert_eq!(
            invalid_key(r#"{"revocation": {"freshness": 10}}"#),
            "revocation.freshness"
        );
        let e = ValidationPolicy::from_json(r#"{"revocation": {"freshness": 10}}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("freshness"), "{e}");
    }

    #[test]
    fn input_size_is_bounded() {
        let text = format!("{{\"name\": \"{}\"}}", "a".repeat(MAX_POLICY_BYTES));
        assert!(matches!(
            ValidationPolicy::from_json(&text),
            Err(PolicyError::TooLarge { .. })
        ));
    }

    fn report() -> Report {
        let mut part = Report::new("pdf-signature");
        part.push(Check::passed("pdf.byte-range", "ok"));
        part.push(Check::failed(
            "pdf.modifications",
            Reason::ModifiedAfterSigning,
            "page 2 changed",
        ));
        part.push(Check::failed("x509.revocation", Reason::RevocationUnknown, "no CRL"));
        let mut doc = Report::new("pdf");
        doc.push(Check::passed("pdf.signatures", "1 signature(s)"));
        doc.parts.push(part.finish());
        doc.finish()
    }

    #[test]
    fn without_levels_nothing_changes() {
        let mut r = report();
        let before = r.clone();
        ValidationPolicy::default().apply(&mut r);
        assert_eq!(r, before);
        assert_eq!(r.status, Status::Failed);
        // Not even a report whose verdict its verifier set otherwise than `finish` would.
        let mut odd = report();
        odd.summary = "set by its verifier".to_owned();
        let before = odd.clone();
        ValidationPolicy::default().apply(&mut odd);
        assert_eq!(odd, before);
    }

    #[test]
    fn warn_turns_a_failed_check_into_a_passed_one_that_says_so() {
        let policy = ValidationPolicy::from_json(r#"{"levels": {"pdf.modifications": "WARN"}}"#).unwrap();
        let mut r = report();
        policy.apply(&mut r);
        // Still INDETERMINATE: the revocation check decides now.
        assert_eq!(r.status, Status::Indeterminate);
        assert_eq!(r.reason, Some(Reason::RevocationUnknown));
        let check = r.parts[0].check("pdf.modifications").unwrap();
        assert_eq!(check.status, Status::Passed);
        assert_eq!(check.reason, None);
        assert_eq!(check.message, "page 2 changed");
        assert_eq!(check.details[DETAIL_LEVEL], "WARN");
        assert_eq!(check.details[DETAIL_ORIGINAL_STATUS], "FAILED");
        assert_eq!(check.details[DETAIL_ORIGINAL_REASON], "ModifiedAfterSigning");

        let policy =
            ValidationPolicy::from_json(r#"{"levels": {"pdf.modifications": "INFORM", "x509.*": "WARN"}}"#).unwrap();
        let mut r = report();
        policy.apply(&mut r);
        assert_eq!(r.status, Status::Passed, "{}", r.to_text());
        assert_eq!(r.parts[0].status, Status::Passed);
        assert_eq!(r.indication.as_deref(), Some("TOTAL-PASSED"));
        let check = r.parts[0].check("x509.revocation").unwrap();
        assert_eq!(check.details[DETAIL_LEVEL], "WARN");
        assert_eq!(check.details[DETAIL_ORIGINAL_STATUS], "INDETERMINATE");
        assert_eq!(
            r.parts[0].check("pdf.modifications").unwrap().details[DETAIL_LEVEL],
            "INFORM"
        );
    }

    #[test]
    fn ignore_keeps_the_check_marked() {
        let policy = ValidationPolicy::from_json(r#"{"levels": {"*": "IGNORE"}}"#).unwrap();
        let mut r = report();
        policy.apply(&mut r);
        assert_eq!(r.status, Status::Passed);
        let check = r.parts[0].check("pdf.modifications").unwrap();
        assert_eq!(check.details[DETAIL_LEVEL], "IGNORE");
        // Passed checks are left alone.
        assert!(r.parts[0].check("pdf.byte-range").unwrap().details.is_empty());
        assert_eq!(r.parts[0].checks.len(), 3);
    }

    #[test]
    fn a_check_standing_for_a_whole_report_follows_its_parts() {
        // As invoice.document / licence.document stand for the document report.
        let document = report();
        let mut outer = Report::new("invoice");
        let mut check = Check::failed("invoice.document", Reason::ModifiedAfterSigning, "the document failed")
            .with_detail(crate::report::DETAIL_FAILING_CHECKS, document.failing_checks());
        check.status = document.status;
        outer.push(check);
        outer.parts.push(document);
        let outer = outer.finish();
        assert_eq!(
            outer.checks[0].details[crate::report::DETAIL_FAILING_CHECKS],
            serde_json::json!(["pdf.modifications", "x509.revocation"])
        );
        let mut half = outer.clone();
        ValidationPolicy::from_json(r#"{"levels": {"pdf.modifications": "WARN"}}"#)
            .unwrap()
            .apply(&mut half);
        assert_eq!(half.status, Status::Failed);
        assert_eq!(half.parts[0].status, Status::Indeterminate);
        let mut all = outer;
        ValidationPolicy::from_json(r#"{"levels": {"pdf.modifications": "WARN", "x509.*": "INFORM"}}"#)
            .unwrap()
            .apply(&mut all);
        assert_eq!(all.status, Status::Passed, "{}", all.to_text());
    }

    #[test]
    fn the_most_specific_entry_wins() {
        let policy = ValidationPolicy::from_json(
            r#"{"levels": {"*": "IGNORE", "x509.*": "WARN", "x509.revocation": "FAIL", "pdf.*": "INFORM"}}"#,
        )
        .unwrap();
        assert_eq!(policy.level_of("x509.revocation"), Some(Level::Fail));
        assert_eq!(policy.level_of("x509.path"), Some(Level::Warn));
        assert_eq!(policy.level_of("x509"), Some(Level::Ignore));
        assert_eq!(policy.level_of("pdf.modifications"), Some(Level::Inform));
        let mut r = report();
        policy.apply(&mut r);
        assert_eq!(r.status, Status::Indeterminate);
        assert_eq!(r.reason, Some(Reason::RevocationUnknown));
        let none = ValidationPolicy::from_json(r#"{"levels": {"x509.*": "WARN"}}"#).unwrap();
        assert_eq!(none.level_of("pdf.modifications"), None);
        assert_eq!(none.level_of("x509"), None);
    }

    #[test]
    fn a_summary_check_takes_the_levels_of_the_checks_that_failed_in_it() {
        let inner = [
            Check::passed("x509.path", "ok"),
            Check::failed("x509.revocation", Reason::RevocationUnknown, "no CRL"),
        ];
        let mut r = Report::new("seal");
        r.push(crate::report::summarize("seal.certificate", &inner, "ok".into()));
        let mut r = r.finish();
        assert_eq!(r.status, Status::Indeterminate);
        let policy = ValidationPolicy::from_json(r#"{"levels": {"x509.revocation": "WARN"}}"#).unwrap();
        policy.apply(&mut r);
        assert_eq!(r.status, Status::Passed);
        assert_eq!(r.checks[0].details[DETAIL_LEVEL], "WARN");
        // Every check that failed in the group must be below FAIL, nested summaries included.
        let inner = [
            Check::failed("x509.revocation", Reason::RevocationUnknown, "no CRL"),
            Check::failed("x509.trust", Reason::UntrustedChain, "no anchor"),
        ];
        let nested = [crate::report::summarize("tsp.chain", &inner, "ok".into())];
        let summary = crate::report::summarize("cms.signature-timestamp", &nested, "ok".into());
        assert_eq!(
            summary.details[crate::report::DETAIL_FAILING_CHECKS],
            serde_json::json!(["x509.revocation", "x509.trust"])
        );
        let mut r = Report::new("cms");
        r.push(summary);
        let r = r.finish();
        let mut warned = r.clone();
        policy.apply(&mut warned);
        assert_eq!(warned.status, Status::Indeterminate);
        let policy =
            ValidationPolicy::from_json(r#"{"levels": {"x509.revocation": "WARN", "x509.trust": "IGNORE"}}"#).unwrap();
        let mut warned = r.clone();
        policy.apply(&mut warned);
        assert_eq!(warned.status, Status::Passed);
        assert_eq!(warned.checks[0].details[DETAIL_LEVEL], "WARN");
        // Its own name's entry comes first.
        let mut r = Report::new("seal");
        r.push(crate::report::summarize("seal.certificate", &inner, "ok".into()));
        let mut r = r.finish();
        let policy =
            ValidationPolicy::from_json(r#"{"levels": {"x509.revocation": "WARN", "seal.certificate": "FAIL"}}"#)
                .unwrap();
        policy.apply(&mut r);
        assert_eq!(r.status, Status::Indeterminate);
    }
}
