//! Verifying a compact JWS / JWT / OIDC ID token. Each rule is its own check:
//!
//! | check | reason when it fails |
//! |---|---|
//! | `token.size` | TooLarge |
//! | `token.format` | Malformed (parts, strict base64url, UTF-8 JSON objects, duplicate members, depth) |
//! | `token.header` | Malformed (no alg), PolicyViolation (`none`, not allowed, typ), Unsupported (`crit`, `b64:false`) |
//! | `token.key` | UntrustedChain (no trusted key), PolicyViolation (key of another family) |
//! | `token.chain` | the chain's reason (x5c validated against the trust store) |
//! | `token.signature` | BadSignature |
//! | `token.exp` / `token.nbf` / `token.iat` / `token.max-age` / `token.auth-time` | Expired / NotYetValid |
//! | `token.iss` / `token.aud` (always present: "any" is recorded with details `accepted: "any"`, `checked: false`) / `token.typ` / `token.nonce` / `token.azp` / `token.jti` | PolicyViolation |
//! | `token.sub` | Missing |
//! | `token.at-hash` / `token.c-hash` | HashMismatch |

use std::sync::Arc;

use base64::Engine;
use serde_json::Value;

use super::jwk::{KeySet, VerifyKey};
use super::{JwsAlgorithm, TokenError, MAX_TOKEN_SIZE};
use crate::report::{Check, Reason, Report};
use crate::sm::sm2::{SignatureEncoding, Sm2Signature, Sm2Verifier, DEFAULT_DISTID};
use crate::time::Time;
use crate::x509::{verify_chain, Certificate, ChainOptions, TrustStore, Usage};

/// The report kind of [`verify_token`].
pub const REPORT_KIND: &str = "token";

/// A replay hook: called with a token's `jti`, returns true when it was seen before.
pub type ReplayCheck = Arc<dyn Fn(&str) -> bool + Send + Sync>;

/// What a token must satisfy.
#[derive(Clone)]
pub struct TokenOptions {
    /// Validation time.
    pub at: Time,
    /// Seconds of clock skew tolerated for exp/nbf/iat/auth_time (default 60).
    pub leeway: i64,
    /// Allowed algorithm names and what they mean (aliases such as `SM3withSM2` included
    /// only when listed). `none` can never be allowed.
    pub algorithms: Vec<(String, JwsAlgorithm)>,
    /// Which issuers are accepted: a decision made in [`TokenOptions::new`], never a default.
    pub issuers: Issuers,
    /// Which audience is expected: a decision made in [`TokenOptions::new`], never a default.
    pub audience: Audience,
    /// Require `sub`.
    pub require_sub: bool,
    /// Accepted `typ` header values; empty = not checked.
    pub typ: Vec<String>,
    /// Largest token age in seconds since `iat`.
    pub max_age: Option<i64>,
    /// Largest token size in bytes (default [`MAX_TOKEN_SIZE`]).
    pub max_size: usize,
    /// OIDC: the expected `nonce`.
    pub nonce: Option<String>,
    /// OIDC: the expected authorised party.
    pub azp: Option<String>,
    /// OIDC: most seconds since `auth_time` (the request's `max_age`).
    pub max_auth_age: Option<i64>,
    /// OIDC: the access token `at_hash` must bind.
    pub access_token: Option<String>,
    /// OIDC: the authorisation code `c_hash` must bind.
    pub code: Option<String>,
    /// Replay hook: called with `jti`; returns true when it was seen before.
    pub jti_seen: Option<ReplayCheck>,
    /// Chain options for an `x5c` header (usage set to token signing).
    pub chain: Option<ChainOptions>,
}

/// Which `iss` values a verifier accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Issuers {
    /// `iss` must be one of these (exact match; at least one).
    OneOf(Vec<String>),
    /// Any issuer, or none: `iss` is not checked, and the `token.iss` check says so (details
    /// `accepted: "any"`, `checked: false`).
    Any,
}

impl Issuers {
    /// Exactly this issuer.
    pub fn is(issuer: impl Into<String>) -> Issuers {
        Issuers::OneOf(vec![issuer.into()])
    }
}

/// Which `aud` values a verifier expects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Audience {
    /// `aud` must be, or contain, one of these (at least one): this service's names.
    OneOf(Vec<String>),
    /// The verifier names no audience: a token that carries `aud` is refused, since it was
    /// issued for someone (PyJWT does the same); a token without `aud` passes.
    Absent,
    /// Any audience, or none: `aud` is not checked, and the `token.aud` check says so
    /// (details `accepted: "any"`, `checked: false`).
    Any,
}

impl Audience {
    /// This service's one audience.
    pub fn is(audience: impl Into<String>) -> Audience {
        Audience::OneOf(vec![audience.into()])
    }
}

impl std::fmt::Debug for TokenOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenOptions")
            .field("at", &self.at)
            .field("algorithms", &self.algorithms)
            .field("issuers", &self.issuers)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl TokenOptions {
    /// Options at `at` allowing exactly the algorithms named, with the issuer and audience
    /// decisions made explicitly: configured values, or [`Issuers::Any`] / [`Audience::Any`]
    /// (which the report records), so that a token issued for service A never passes at
    /// service B by default.
    ///
    /// An empty algorithm list, an unknown name (`"SM2-SM3"`) or `none` is an error that names
    /// it and lists the accepted names, so a typo shows here and not later as "not in the
    /// allow-list"; so is an empty issuer or audience list.
    pub fn new(
        at: Time,
        algorithms: &[&str],
        issuers: Issuers,
        audience: Audience,
    ) -> Result<TokenOptions, TokenError> {
        if matches!(&issuers, Issuers::OneOf(list) if list.is_empty()) {
            return Err(TokenError::Options(
                "the issuer list is empty; name the accepted issuers or choose Issuers::Any".into(),
            ));
        }
        if matches!(&audience, Audience::OneOf(list) if list.is_empty()) {
            return Err(TokenError::Options(
                "the audience list is empty; name this service's audience, or choose Audience::Absent or Audience::Any"
                    .into(),
            ));
        }
        Ok(TokenOptions {
            at,
            leeway: 60,
            algorithms: allow_list(algorithms)?,
            issuers,
            audience,
            require_sub: false,
            typ: Vec::new(),
            max_age: None,
            max_size: MAX_TOKEN_SIZE,
            nonce: None,
            azp: None,
            max_auth_age: None,
            access_token: None,
            code: None,
            jti_seen: None,
            chain: None,
        })
    }
}

/// The allow-list of `names`: each a known algorithm name or SM2 alias.
fn allow_list(names: &[&str]) -> Result<Vec<(String, JwsAlgorithm)>, TokenError> {
    if names.is_empty() {
        return Err(TokenError::Options(format!(
            "the algorithm allow-list is empty; name at least one of {}",
            JwsAlgorithm::accepted_names()
        )));
    }
    names
        .iter()
        .map(|name| match JwsAlgorithm::from_name(name) {
            Some(alg) => Ok(((*name).to_owned(), alg)),
            None if name.eq_ignore_ascii_case("none") => Err(TokenError::Options(format!(
                "algorithm {name:?} can never be allowed: unsigned tokens are refused"
            ))),
            None => Err(TokenError::Options(format!(
                "unknown algorithm {name:?} in the allow-list; accepted names: {}",
                JwsAlgorithm::accepted_names()
            ))),
        })
        .collect()
}

fn b64url(part: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|e| format!("bad base64url: {e}"))
}

/// Verifies `token` with `keys` (and, for an `x5c` header, `trust`).
pub fn verify_token(token: &str, keys: &KeySet, trust: Option<&TrustStore>, opts: &TokenOptions) -> Report {
    let mut report = Report::new(REPORT_KIND);
    report.subject.validation_time = Some(opts.at);
    let token = token.trim();
    if token.len() > opts.max_size {
        report.push(Check::failed(
            "token.size",
            Reason::TooLarge,
            format!("{} bytes (limit {})", token.len(), opts.max_size),
        ));
        return report.finish();
    }
    let parts: Vec<&str> = token.split('.').collect();
    let decoded = (|| -> Result<(Value, Value, Vec<u8>), String> {
        if parts.len() != 3 {
            return Err(format!("{} parts, a compact JWS has 3", parts.len()));
        }
        let header = super::json::parse_strict(&b64url(parts[0])?).map_err(|e| format!("header: {e}"))?;
        let payload = super::json::parse_strict(&b64url(parts[1])?).map_err(|e| format!("payload: {e}"))?;
        if !header.is_object() || !payload.is_object() {
            return Err("header and payload must be JSON objects".into());
        }
        Ok((header, payload, b64url(parts[2])?))
    })();
    let (header, claims, signature) = match decoded {
        Ok(d) => d,
        Err(e) => {
            report.push(Check::failed("token.format", Reason::Malformed, e));
            return report.finish();
        }
    };
    report.push(Check::passed("token.format", "compact JWS with JSON header and claims"));
    report.subject.signer = claims.get("iss").and_then(Value::as_str).map(str::to_owned);

    // Header: algorithm allow-list, crit, b64, typ.
    let alg = match header_check(&header, opts) {
        Ok((alg, check)) => {
            report.push(check);
            alg
        }
        Err(check) => {
            report.push(check);
            return report.finish();
        }
    };

    // Key: from the key set (kid / x5t#S256), or an x5c chain to a trust anchor.
    let key = match select_key(&header, alg, keys, trust, opts, &mut report) {
        Some(key) => key,
        None => return report.finish(),
    };

    // Signature over the signing input.
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    report.push(
        match verify_signature(alg, &key, signing_input.as_bytes(), &signature) {
            Ok(()) => Check::passed("token.signature", format!("{} signature verifies", alg.name())),
            Err(e) => Check::failed("token.signature", Reason::BadSignature, e),
        },
    );
    if report
        .checks
        .iter()
        .any(|c| c.name == "token.signature" && c.reason.is_some())
    {
        return report.finish();
    }
    claim_checks(&claims, alg, opts, &mut report);
    report.finish()
}

fn header_check(header: &Value, opts: &TokenOptions) -> Result<(JwsAlgorithm, Check), Check> {
    let name = "token.header";
    let alg_name = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or_else(|| Check::failed(name, Reason::Malformed, "no alg"))?;
    if alg_name.eq_ignore_ascii_case("none") {
        return Err(Check::failed(
            name,
            Reason::PolicyViolation,
            format!("alg {alg_name:?}: unsigned tokens are never accepted"),
        ));
    }
    let alg = opts
        .algorithms
        .iter()
        .find(|(n, _)| n == alg_name)
        .map(|(_, a)| *a)
        .ok_or_else(|| {
            Check::failed(
                name,
                Reason::PolicyViolation,
                format!("alg {alg_name:?} is not in the allow-list"),
            )
        })?;
    if let Some(crit) = header.get("crit") {
        return Err(Check::failed(
            name,
            Reason::Unsupported,
            format!("crit {crit} names headers this verifier does not process"),
        ));
    }
    if header.get("b64") == Some(&Value::Bool(false)) {
        return Err(Check::failed(
            name,
            Reason::Unsupported,
            "unencoded payloads (b64: false) are not supported",
        ));
    }
    if !opts.typ.is_empty() {
        let typ = header.get("typ").and_then(Value::as_str).unwrap_or_default();
        if !opts.typ.iter().any(|t| t.eq_ignore_ascii_case(typ)) {
            return Err(Check::failed(
                name,
                Reason::PolicyViolation,
                format!("typ {typ:?} is not one of {:?}", opts.typ),
            ));
        }
    }
    Ok((
        alg,
        Check::passed(name, format!("alg {alg_name} ({}) allowed", alg.name())),
    ))
}

fn select_key(
    header: &Value,
    alg: JwsAlgorithm,
    keys: &KeySet,
    trust: Option<&TrustStore>,
    opts: &TokenOptions,
    report: &mut Report,
) -> Option<VerifyKey> {
    let name = "token.key";
    // x5c: only through the trust store, validated for token signing.
    if let (Some(Value::Array(chain)), Some(trust)) = (header.get("x5c"), trust) {
        let b64 = base64::engine::general_purpose::STANDARD;
        let certs: Result<Vec<Certificate>, String> = chain
            .iter()
            .map(|c| {
                let der = b64.decode(c.as_str().unwrap_or_default()).map_err(|e| e.to_string())?;
                Certificate::from_der(&der).map_err(|e| e.to_string())
            })
            .collect();
        let certs = match certs {
            Ok(c) if !c.is_empty() => c,
            Ok(_) => {
                report.push(Check::failed(name, Reason::Malformed, "empty x5c"));
                return None;
            }
            Err(e) => {
                report.push(Check::failed(name, Reason::Malformed, format!("x5c: {e}")));
                return None;
            }
        };
        let mut chain_opts = opts
            .chain
            .clone()
            .unwrap_or_else(|| ChainOptions::new(opts.at, Usage::TokenSigning));
        chain_opts.usage = Usage::TokenSigning;
        let outcome = verify_chain(&certs[0], &certs[1..], trust, &chain_opts);
        report.push(outcome.summary_check("token.chain"));
        if outcome.status() != crate::report::Status::Passed {
            return None;
        }
        return match VerifyKey::from_spki_der(certs[0].spki()) {
            Ok(key) if key.fits(alg) => {
                report.push(Check::passed(name, format!("x5c leaf {}", certs[0].subject())));
                Some(key)
            }
            Ok(key) => {
                report.push(Check::failed(
                    name,
                    Reason::PolicyViolation,
                    format!("{} key cannot verify {}", key.family(), alg.name()),
                ));
                None
            }
            Err(e) => {
                report.push(Check::failed(name, e.reason(), e.to_string()));
                None
            }
        };
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let x5t = header.get("x5t#S256").and_then(Value::as_str);
    let candidates = keys.candidates(kid, x5t);
    let fitting: Vec<_> = candidates.iter().filter(|e| e.key.fits(alg)).collect();
    match fitting.first() {
        Some(entry) if fitting.len() == 1 || kid.is_some() => {
            report.push(Check::passed(
                name,
                format!(
                    "{} key{}",
                    entry.key.family(),
                    kid.map(|k| format!(" {k:?}")).unwrap_or_default()
                ),
            ));
            Some(entry.key.clone())
        }
        Some(_) => {
            // No kid and several keys of the family: use the only one the signature fits later
            // would be guesswork; require a kid.
            report.push(Check::failed(
                name,
                Reason::UntrustedChain,
                "several keys fit and the token names no kid",
            ));
            None
        }
        None if !candidates.is_empty() => {
            let families: Vec<&str> = candidates.iter().map(|e| e.key.family()).collect();
            report.push(Check::failed(
                name,
                Reason::PolicyViolation,
                format!(
                    "the key for this token is {} and cannot verify {}",
                    families.join("/"),
                    alg.name()
                ),
            ));
            None
        }
        None => {
            let header_keys: Vec<&str> = ["jwk", "jku", "x5u", "x5c"]
                .into_iter()
                .filter(|h| header.get(*h).is_some())
                .collect();
            let why = if header_keys.is_empty() {
                format!(
                    "no trusted key{}",
                    kid.map(|k| format!(" with kid {k:?}")).unwrap_or_default()
                )
            } else {
                format!(
                    "no trusted key; keys in the token's own headers ({}) are never trusted",
                    header_keys.join(", ")
                )
            };
            report.push(Check::failed(name, Reason::UntrustedChain, why));
            None
        }
    }
}

/// Verifies a JWS signature value (raw r‖s for SM2 and ECDSA, as JOSE writes them).
pub fn verify_signature(alg: JwsAlgorithm, key: &VerifyKey, input: &[u8], signature: &[u8]) -> Result<(), String> {
    use ring::signature as rs;
    use JwsAlgorithm as A;
    let ring_verify = |algorithm: &'static dyn rs::VerificationAlgorithm, public: &[u8]| {
        rs::UnparsedPublicKey::new(algorithm, public)
            .verify(input, signature)
            .map_err(|_| "signature does not verify".to_owned())
    };
    match (alg, key) {
        (A::Sm2Sm3, VerifyKey::Sm2(public)) => {
            let (sig, encoding) = Sm2Signature::decode(signature).map_err(|e| e.to_string())?;
            if encoding != SignatureEncoding::Raw {
                return Err("SM2 token signatures are raw 64-byte r||s".into());
            }
            // One identity provider's key signs every token a service sees: kept prepared.
            let verifier = Sm2Verifier::cached_from_key(public, DEFAULT_DISTID).map_err(|e| e.to_string())?;
            verifier
                .verify_digest(&verifier.digest(input), &sig)
                .map_err(|e| e.to_string())
        }
        (A::Es256, VerifyKey::EcP256(p)) => ring_verify(&rs::ECDSA_P256_SHA256_FIXED, p),
        (A::Es384, VerifyKey::EcP384(p)) => ring_verify(&rs::ECDSA_P384_SHA384_FIXED, p),
        (A::Rs256, VerifyKey::Rsa(p)) => ring_verify(&rs::RSA_PKCS1_2048_8192_SHA256, p),
        (A::Rs384, VerifyKey::Rsa(p)) => ring_verify(&rs::RSA_PKCS1_2048_8192_SHA384, p),
        (A::Rs512, VerifyKey::Rsa(p)) => ring_verify(&rs::RSA_PKCS1_2048_8192_SHA512, p),
        (A::Ps256, VerifyKey::Rsa(p)) => ring_verify(&rs::RSA_PSS_2048_8192_SHA256, p),
        (A::Ps384, VerifyKey::Rsa(p)) => ring_verify(&rs::RSA_PSS_2048_8192_SHA384, p),
        (A::Ps512, VerifyKey::Rsa(p)) => ring_verify(&rs::RSA_PSS_2048_8192_SHA512, p),
        (A::EdDsa, VerifyKey::Ed25519(p)) => ring_verify(&rs::ED25519, p),
        (A::Hs256 | A::Hs384 | A::Hs512, VerifyKey::Hmac(secret)) => {
            let algorithm = match alg {
                A::Hs256 => ring::hmac::HMAC_SHA256,
                A::Hs384 => ring::hmac::HMAC_SHA384,
                _ => ring::hmac::HMAC_SHA512,
            };
            ring::hmac::verify(&ring::hmac::Key::new(algorithm, secret), input, signature)
                .map_err(|_| "HMAC does not verify".to_owned())
        }
        (alg, key) => Err(format!("a {} key cannot verify {}", key.family(), alg.name())),
    }
}

fn numeric(claims: &Value, name: &str) -> Result<Option<i64>, String> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => v
            .as_i64()
            .or_else(|| v.as_f64().map(|f| f as i64))
            .map(Some)
            .ok_or_else(|| format!("{name} is not a number")),
    }
}

fn claim_checks(claims: &Value, alg: JwsAlgorithm, opts: &TokenOptions, report: &mut Report) {
    let at = opts.at.unix();
    let leeway = opts.leeway;
    let mut time_claim = |check: &str, claim: &str, late: bool, limit: Option<i64>| {
        match numeric(claims, claim) {
            Err(e) => report.push(Check::failed(check, Reason::Malformed, e)),
            Ok(None) => report,
            Ok(Some(v)) => {
                let bound = v.saturating_add(limit.unwrap_or(0));
                let bad = if late {
                    bound.saturating_add(leeway) < at
                } else {
                    bound.saturating_sub(leeway) > at
                };
                match (bad, late) {
                    (false, _) => report.push(Check::passed(
                        check,
                        format!("{claim} {v} fits {} within {leeway} s", opts.at),
                    )),
                    (true, true) => report.push(Check::failed(
                        check,
                        Reason::Expired,
                        format!(
                            "{claim} {v}{} is before {}",
                            limit.map(|l| format!(" + {l} s")).unwrap_or_default(),
                            opts.at
                        ),
                    )),
                    (true, false) => report.push(Check::failed(
                        check,
                        Reason::NotYetValid,
                        format!("{claim} {v} is after {}", opts.at),
                    )),
                }
            }
        };
    };
    time_claim("token.exp", "exp", true, None);
    time_claim("token.nbf", "nbf", false, None);
    time_claim("token.iat", "iat", false, None);
    if let Some(max_age) = opts.max_age {
        time_claim("token.max-age", "iat", true, Some(max_age));
    }
    if let Some(max_auth_age) = opts.max_auth_age {
        time_claim("token.auth-time", "auth_time", true, Some(max_auth_age));
    }
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    report.push(issuer_check(text("iss"), &opts.issuers));
    report.push(audience_check(claims.get("aud"), &opts.audience));
    if opts.require_sub {
        report.push(match text("sub") {
            Some(sub) => Check::passed("token.sub", format!("subject {sub}")),
            None => Check::failed("token.sub", Reason::Missing, "no sub"),
        });
    }
    for (check, claim, want) in [("token.nonce", "nonce", &opts.nonce), ("token.azp", "azp", &opts.azp)] {
        if let Some(want) = want {
            report.push(match text(claim) {
                Some(v) if v == want => Check::passed(check, format!("{claim} matches")),
                other => Check::failed(
                    check,
                    Reason::PolicyViolation,
                    format!("{claim} {other:?} is not the expected one"),
                ),
            });
        }
    }
    if let (Some(seen), Some(jti)) = (&opts.jti_seen, text("jti")) {
        report.push(if seen(jti) {
            Check::failed(
                "token.jti",
                Reason::PolicyViolation,
                format!("jti {jti:?} was seen before (replay)"),
            )
        } else {
            Check::passed("token.jti", "jti not seen before")
        });
    }
    for (check, claim, value) in [
        ("token.at-hash", "at_hash", &opts.access_token),
        ("token.c-hash", "c_hash", &opts.code),
    ] {
        if let Some(value) = value {
            let digest = alg.claim_hash().digest(value.as_bytes());
            let want = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2]);
            report.push(match text(claim) {
                Some(v) if v == want => Check::passed(check, format!("{claim} binds the value")),
                other => Check::failed(
                    check,
                    Reason::HashMismatch,
                    format!("{claim} {other:?} does not bind the value"),
                ),
            });
        }
    }
    if let Some(id) = looks_like_resident_id(claims) {
        report.push(
            Check::passed("token.privacy", format!("claim {id:?} looks like a resident identity number: GB/T 39786 asks not to carry these in plain tokens"))
                .with_detail("warning", true),
        );
    }
}

/// Details of a claim the options accept whatever it says.
fn not_checked(check: Check) -> Check {
    check.with_detail("accepted", "any").with_detail("checked", false)
}

/// `token.iss`: the issuer against the accepted ones.
fn issuer_check(iss: Option<&str>, issuers: &Issuers) -> Check {
    let name = "token.iss";
    match (issuers, iss) {
        (Issuers::Any, iss) => not_checked(Check::passed(
            name,
            format!("issuer {iss:?} NOT checked: the options accept any issuer"),
        )),
        (Issuers::OneOf(list), Some(iss)) if list.iter().any(|i| i == iss) => {
            Check::passed(name, format!("issuer {iss}"))
        }
        (Issuers::OneOf(_), other) => Check::failed(
            name,
            Reason::PolicyViolation,
            format!("issuer {other:?} is not accepted"),
        ),
    }
}

/// `token.aud`: the audience claim against the expected one.
fn audience_check(aud: Option<&Value>, audience: &Audience) -> Check {
    let name = "token.aud";
    let shown = || aud.map_or("(absent)".to_owned(), Value::to_string);
    match audience {
        Audience::Any => not_checked(Check::passed(
            name,
            format!("aud {} NOT checked: the options accept any audience", shown()),
        )),
        Audience::Absent if aud.is_none() => Check::passed(name, "no aud, and the options expect none"),
        Audience::Absent => Check::failed(
            name,
            Reason::PolicyViolation,
            format!(
                "the token is for aud {} but the options name no audience: name this service's audience, or accept any explicitly",
                shown()
            ),
        ),
        Audience::OneOf(list) => {
            let contains = |want: &String| match aud {
                Some(Value::String(a)) => a == want,
                Some(Value::Array(items)) => items.iter().any(|a| a.as_str() == Some(want)),
                _ => false,
            };
            match list.iter().find(|want| contains(want)) {
                Some(want) => Check::passed(name, format!("audience includes {want}")),
                None => Check::failed(
                    name,
                    Reason::PolicyViolation,
                    format!("aud {} does not include {}", shown(), list.join(" or ")),
                ),
            }
        }
    }
}

/// The name of a string claim that looks like an 18-character resident identity number.
fn looks_like_resident_id(claims: &Value) -> Option<String> {
    claims.as_object()?.iter().find_map(|(k, v)| {
        let s = v.as_str()?;
        let looks = s.len() == 18
            && s.as_bytes()[..17].iter().all(u8::is_ascii_digit)
            && matches!(s.as_bytes()[17], b'0'..=b'9' | b'X' | b'x');
        looks.then(|| k.clone())
    })
}
