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

/// Whether a chain outcome at the validation time is one that validation in the past may
/// settle (expiry, revocation, stale revocation data, crypto constraints).
pub fn needs_past_validation(now: &ChainVerification) -> bool {
    trigger(now).is_some()
}

/// The options for validating at `at` in the past, the certificate having been used at
/// `usage`: revocation data fresh for `usage`, algorithms judged at `at`.
pub fn past_options(opts: &ChainOptions, at: Time, usage: Time) -> ChainOptions {
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
    let now = verify_chain(cert, pool, trust, opts);
    let Some(trigger) = trigger(&now) else {
        return now.summary_check(name);
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
        return check;
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
        return check;
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
        Trigger::Crypto => {
            check.sub_indication = Some("CRYPTO_CONSTRAINTS_FAILURE_NO_POE".into());
        }
        Trigger::RevocationUnknown => {}
    }
    check
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
