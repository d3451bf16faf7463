//! The runner for `test-vectors/*.jsonl` (format: `test-vectors/README.md`).
//!
//! One runner for every face: the native tests call [`run_case`] on each line, and the WASM
//! binding exports the same function to the node and Chromium tests.
//!
//! ```
//! use yinjian::vectors::{run_case, Outcome};
//!
//! let line = r#"{"id":"abc","op":"sm3","msg_ascii":"abc","digest_hex":"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}"#;
//! assert!(matches!(run_case(line), Ok(Outcome::Passed(id)) if id == "abc"));
//! // A wrong expectation is a failure naming the case.
//! assert!(run_case(&line.replace("66c7", "76c7")).is_err_and(|e| e.starts_with("abc:")));
//! ```

use serde_json::Value;

use crate::report::{Report, Status};
use crate::sm::sm2::{self, CurveParams, PrivateKey, PublicKey, SignatureEncoding, Sm2Signer, Sm2Verifier};
use crate::sm::sm3::sm3;

/// What running one line did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The line was a case and the library's answer matched; carries the case id.
    Passed(String),
    /// Blank line or comment.
    Skipped,
}

/// Runs one JSON line; `Err` says how the library's answer differed from the expectation
/// (or what is wrong with the line).
pub fn run_case(line: &str) -> Result<Outcome, String> {
    let Some(case) = parse_line(line)? else {
        return Ok(Outcome::Skipped);
    };
    let id = text(&case, "id")?.to_owned();
    let op = text(&case, "op")?;
    let result = match op {
        "sm3" => run_sm3(&case),
        "sm2_za" => run_za(&case),
        "sm2_key" => run_key(&case),
        "sm2_sign" => run_sign(&case),
        "token_options" => run_token_options(&case),
        other => match report_of(other, &case) {
            Some(report) => report.and_then(|report| check_report(other, &case, &report)),
            None => Err(format!("unknown op {other:?}")),
        },
    };
    result
        .map(|()| Outcome::Passed(id.clone()))
        .map_err(|e| format!("{id}: {e}"))
}

/// The report the library gives for one JSON line, without comparing it with the
/// expectation: `Ok(None)` for blank lines, comments and cases that make no report (digests,
/// keys, signing). The WASM tests compare these with the native ones, byte for byte.
pub fn case_report(line: &str) -> Result<Option<(String, Report)>, String> {
    let Some(case) = parse_line(line)? else {
        return Ok(None);
    };
    let id = text(&case, "id")?.to_owned();
    match report_of(text(&case, "op")?, &case) {
        Some(Ok(report)) => Ok(Some((id, report))),
        Some(Err(e)) => Err(format!("{id}: {e}")),
        None => Ok(None),
    }
}

/// The case of a line; `None` for blank lines and comments.
fn parse_line(line: &str) -> Result<Option<Value>, String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    serde_json::from_str(line)
        .map(Some)
        .map_err(|e| format!("not JSON: {e}"))
}

/// The report of a case whose op makes one; `None` for other ops.
fn report_of(op: &str, case: &Value) -> Option<Result<Report, String>> {
    Some(match op {
        "sm2_verify" => verify_report(case),
        "x509_chain" => chain_report(case),
        "seal_signature" => seal_report(case),
        "ofd" => document_report(case, crate::ofd::verify_ofd_bytes),
        "pdf" => document_report(case, crate::pdf::verify_pdf),
        "cms" => cms_report(case),
        "token" => token_report(case),
        "x509_limbo" => Ok(limbo_report(case.get("case").unwrap_or(&Value::Null))),
        _ => return None,
    })
}

/// Compares a case's report with what the case expects.
fn check_report(op: &str, case: &Value, report: &Report) -> Result<(), String> {
    match op {
        "sm2_verify" => check_verify(case, report),
        "seal_signature" => check_seal(case, report),
        "ofd" | "pdf" | "cms" => check_document(case, report),
        "token" => check_token(case, report),
        _ => expect_report(case, report),
    }
}

fn text<'a>(case: &'a Value, field: &str) -> Result<&'a str, String> {
    case.get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("missing text field {field:?}"))
}

fn hex_field(case: &Value, field: &str) -> Result<Vec<u8>, String> {
    hex::decode(text(case, field)?).map_err(|e| format!("{field}: bad hex: {e}"))
}

/// The message: `msg_hex` or `msg_ascii`, times `repeat`.
fn message(case: &Value) -> Result<Vec<u8>, String> {
    let once = match (case.get("msg_hex"), case.get("msg_ascii")) {
        (Some(_), _) => hex_field(case, "msg_hex")?,
        (None, Some(Value::String(s))) => s.as_bytes().to_vec(),
        _ => return Err("needs msg_hex or msg_ascii".into()),
    };
    let repeat = case.get("repeat").and_then(Value::as_u64).unwrap_or(1);
    if repeat > 16 * 1024 * 1024 {
        return Err("repeat too large".into());
    }
    Ok(once.repeat(repeat as usize))
}

fn distid(case: &Value) -> Vec<u8> {
    case.get("distid")
        .and_then(Value::as_str)
        .map_or(sm2::DEFAULT_DISTID.to_vec(), |s| s.as_bytes().to_vec())
}

fn expect_eq(what: &str, got: &[u8], want: &[u8]) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("{what}: got {}, want {}", hex::encode(got), hex::encode(want)))
    }
}

fn run_sm3(case: &Value) -> Result<(), String> {
    expect_eq("digest", &sm3(&message(case)?), &hex_field(case, "digest_hex")?)
}

fn run_za(case: &Value) -> Result<(), String> {
    let curve = case.get("curve").ok_or("missing curve")?;
    let (a, b, gx, gy) = (
        hex_field(curve, "a_hex")?,
        hex_field(curve, "b_hex")?,
        hex_field(curve, "gx_hex")?,
        hex_field(curve, "gy_hex")?,
    );
    let params = CurveParams {
        a: &a,
        b: &b,
        gx: &gx,
        gy: &gy,
    };
    let (x, y) = (hex_field(case, "pub_x_hex")?, hex_field(case, "pub_y_hex")?);
    let za = sm2::za_on_curve(&params, &distid(case), &x, &y).map_err(|e| e.to_string())?;
    expect_eq("Z", &za, &hex_field(case, "za_hex")?)?;
    let mut zm = za.to_vec();
    zm.extend_from_slice(&message(case)?);
    expect_eq("e", &sm3(&zm), &hex_field(case, "e_hex")?)
}

fn verify_report(case: &Value) -> Result<Report, String> {
    let key = PublicKey::parse(text(case, "key")?.as_bytes()).map_err(|e| format!("key: {e}"))?;
    let verifier = Sm2Verifier::new(&key, &distid(case)).map_err(|e| e.to_string())?;
    Ok(verifier.report(&message(case)?, &hex_field(case, "sig_hex")?))
}

fn check_verify(case: &Value, report: &Report) -> Result<(), String> {
    let want = text(case, "expect")?;
    if report.status.as_str() != want {
        return Err(format!("status {} ({}), want {want}", report.status, report.summary));
    }
    if report.status == Status::Passed {
        if let Some(enc) = case.get("encoding").and_then(Value::as_str) {
            let seen = report
                .check("sm2.signature.encoding")
                .and_then(|c| c.details.get("encoding"))
                .and_then(Value::as_str);
            if seen != Some(enc) {
                return Err(format!("encoding {seen:?}, want {enc}"));
            }
        }
    } else if let Some(reason) = case.get("reason").and_then(Value::as_str) {
        let got = report.reason.map(|r| r.as_str());
        if got != Some(reason) {
            return Err(format!("reason {got:?}, want {reason} ({})", report.summary));
        }
    }
    Ok(())
}

fn run_key(case: &Value) -> Result<(), String> {
    let decoded = match (case.get("key"), case.get("private_key")) {
        (Some(_), _) => PublicKey::parse(text(case, "key")?.as_bytes()),
        (None, Some(_)) => PrivateKey::parse(text(case, "private_key")?.as_bytes()).map(|k| k.public_key()),
        _ => return Err("needs key or private_key".into()),
    };
    match (text(case, "expect")?, decoded) {
        ("ok", Ok(key)) => {
            expect_eq("x", &key.x(), &hex_field(case, "pub_x_hex")?)?;
            expect_eq("y", &key.y(), &hex_field(case, "pub_y_hex")?)
        }
        ("ok", Err(e)) => Err(format!("decoding failed: {e}")),
        ("error", Ok(_)) => Err("decoded, but an error was expected".into()),
        ("error", Err(_)) => Ok(()),
        (other, _) => Err(format!("unknown expect {other:?}")),
    }
}

fn run_sign(case: &Value) -> Result<(), String> {
    let private = PrivateKey::parse(text(case, "private_key")?.as_bytes()).map_err(|e| format!("private_key: {e}"))?;
    let encoding = SignatureEncoding::parse(text(case, "encoding")?).ok_or("encoding must be der or raw")?;
    let id = distid(case);
    let msg = message(case)?;
    let sig = Sm2Signer::new(&private, &id)
        .and_then(|s| s.sign(&msg, encoding))
        .map_err(|e| e.to_string())?;
    let shape_ok = match encoding {
        SignatureEncoding::Raw => sig.len() == sm2::RAW_SIGNATURE_LEN,
        SignatureEncoding::Der => sig.first() == Some(&0x30) && sig.len() != sm2::RAW_SIGNATURE_LEN,
    };
    if !shape_ok {
        return Err(format!(
            "{} signature has the wrong shape: {}",
            encoding.as_str(),
            hex::encode(&sig)
        ));
    }
    let mut keys = vec![private.public_key()];
    if case.get("key").is_some() {
        keys.push(PublicKey::parse(text(case, "key")?.as_bytes()).map_err(|e| format!("key: {e}"))?);
    }
    for key in keys {
        let verifier = Sm2Verifier::new(&key, &id).map_err(|e| e.to_string())?;
        match verifier.verify(&msg, &sig) {
            Ok(seen) if seen == encoding => {}
            other => {
                return Err(format!(
                    "own signature did not verify as {}: {other:?}",
                    encoding.as_str()
                ))
            }
        }
    }
    Ok(())
}

/// The PEM texts of a list field (absent: none).
fn pem_list<'a>(case: &'a Value, field: &str) -> Vec<&'a str> {
    case.get(field)
        .and_then(Value::as_array)
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Every certificate in a PEM list field.
fn certificates(case: &Value, field: &str) -> Result<Vec<crate::x509::Certificate>, String> {
    let mut out = Vec::new();
    for pem in pem_list(case, field) {
        out.extend(crate::x509::parse_all(pem.as_bytes()).map_err(|e| format!("{field}: {e}"))?);
    }
    Ok(out)
}

/// The trust store of the `anchors` field.
fn trust_store(case: &Value) -> Result<crate::x509::TrustStore, String> {
    let mut trust = crate::x509::TrustStore::new();
    for pem in pem_list(case, "anchors") {
        trust.add_pem(pem.as_bytes()).map_err(|e| format!("anchor: {e}"))?;
    }
    Ok(trust)
}

/// Seal options from `at`, `intermediates` and `revocation_required` (default false).
fn seal_options<'a>(case: &Value, trust: &'a crate::x509::TrustStore) -> Result<crate::seal::SealOptions<'a>, String> {
    let at = crate::time::Time::parse(text(case, "at")?).map_err(|e| e.to_string())?;
    let mut opts = crate::seal::SealOptions::new(trust, at);
    opts.intermediates = certificates(case, "intermediates")?;
    if case.get("revocation_required").and_then(Value::as_bool) != Some(true) {
        opts.chain.revocation = crate::x509::RevocationPolicy::NotRequired;
    }
    Ok(opts)
}

fn seal_report(case: &Value) -> Result<Report, String> {
    use crate::seal::{verify_seal_signature, ProtectedData};
    let trust = trust_store(case)?;
    let opts = seal_options(case, &trust)?;
    let data = hex_field(case, "data_hex")?;
    Ok(verify_seal_signature(
        &hex_field(case, "signed_value_hex")?,
        ProtectedData::Bytes(&data),
        &opts,
    ))
}

fn check_seal(case: &Value, report: &Report) -> Result<(), String> {
    expect_report(case, report)?;
    if let Some(check) = case.get("failing_check").and_then(Value::as_str) {
        let failing: Vec<&str> = report
            .checks
            .iter()
            .filter(|c| c.status == report.status)
            .map(|c| c.name.as_str())
            .collect();
        if failing.first() != Some(&check) {
            return Err(format!(
                "first check giving {} is {failing:?}, want {check}",
                report.status
            ));
        }
    }
    Ok(())
}

/// A signed document (`ofd`, `pdf`): the document report and each signature's.
fn document_report(
    case: &Value,
    verify: impl Fn(&[u8], &crate::seal::DocumentOptions<'_>) -> Report,
) -> Result<Report, String> {
    let trust = trust_store(case)?;
    let mut opts = crate::seal::DocumentOptions::new(seal_options(case, &trust)?);
    opts.signer_certificates = certificates(case, "signer_certificates")?;
    Ok(verify(&hex_field(case, "document_hex")?, &opts))
}

/// A CMS signature (`signature_hex`, DER or BER) over `content_hex` (detached) or its
/// encapsulated content; one part per SignerInfo. `allow_sha1` and `accept_sm2_without_z`
/// are the options of the same names (default false).
fn cms_report(case: &Value) -> Result<Report, String> {
    let trust = trust_store(case)?;
    let opts = seal_options(case, &trust)?;
    let mut chain = opts.chain.clone();
    chain.allow_sha1 = case.get("allow_sha1").and_then(Value::as_bool) == Some(true);
    let content = match case.get("content_hex") {
        Some(_) => Some(hex_field(case, "content_hex")?),
        None => None,
    };
    let cms = crate::cms::CmsOptions {
        accept_sm2_without_z: case.get("accept_sm2_without_z").and_then(Value::as_bool) == Some(true),
    };
    Ok(crate::cms::file::verify_report(
        &hex_field(case, "signature_hex")?,
        content.as_deref(),
        &trust,
        &chain,
        &opts.intermediates,
        &cms,
    ))
}

fn check_document(case: &Value, report: &Report) -> Result<(), String> {
    expect_report(case, report)?;
    let parts = case
        .get("parts")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    if parts.len() != report.parts.len() {
        return Err(format!("{} signatures, want {}", report.parts.len(), parts.len()));
    }
    for (i, (want, got)) in parts.iter().zip(&report.parts).enumerate() {
        expect_report(want, got).map_err(|e| format!("signature {i}: {e}"))?;
    }
    Ok(())
}

fn token_report(case: &Value) -> Result<Report, String> {
    use crate::token::{verify_token, KeySet};
    let mut keys = KeySet::new();
    if let Some(jwks) = case.get("jwks") {
        keys.add_jwks(jwks.to_string().as_bytes())
            .map_err(|e| format!("jwks: {e}"))?;
    }
    if let Some(Value::Object(secrets)) = case.get("hmac_secrets") {
        for (kid, secret) in secrets {
            let secret = hex::decode(secret.as_str().unwrap_or_default()).map_err(|e| format!("hmac secret: {e}"))?;
            keys.add_hmac_secret(Some(kid.clone()), &secret)
                .map_err(|e| e.to_string())?;
        }
    }
    let opts = token_options(case.get("options").unwrap_or(&Value::Null))?.map_err(|e| e.to_string())?;
    Ok(verify_token(text(case, "token")?, &keys, None, &opts))
}

/// A `token_options` case: making the options must fail with an error naming `error`.
fn run_token_options(case: &Value) -> Result<(), String> {
    let want = text(case, "error")?;
    match token_options(case.get("options").unwrap_or(&Value::Null))? {
        Ok(_) => Err(format!("options accepted, want an error naming {want:?}")),
        Err(e) if e.to_string().contains(want) => Ok(()),
        Err(e) => Err(format!("error {e:?} does not name {want:?}")),
    }
}

/// The token options of a case's `options` object: `Err` when the case is not readable, the
/// inner `Err` when the library refuses the options.
fn token_options(o: &Value) -> Result<Result<crate::token::TokenOptions, crate::token::TokenError>, String> {
    use crate::token::{Audience, Issuers, TokenOptions};
    let strings = |field: &str| -> Vec<String> {
        match o.get(field) {
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
            _ => Vec::new(),
        }
    };
    let flag = |field: &str| o.get(field).and_then(Value::as_bool).unwrap_or(false);
    let at = crate::time::Time::parse(o.get("at").and_then(Value::as_str).ok_or("options.at missing")?)
        .map_err(|e| e.to_string())?;
    let algorithms = strings("algorithms");
    // The issuer decision: `issuers` or `any_issuer`; the audience: `audience`, `any_audience`,
    // or neither (no audience expected: a token carrying aud is refused).
    let issuers = match (o.get("issuers"), flag("any_issuer")) {
        (None, true) => Issuers::Any,
        (Some(_), false) => Issuers::OneOf(strings("issuers")),
        _ => return Err("options need exactly one of issuers and any_issuer".into()),
    };
    let audience = match (o.get("audience"), flag("any_audience")) {
        (None, true) => Audience::Any,
        (None, false) => Audience::Absent,
        (Some(_), false) => Audience::OneOf(strings("audience")),
        (Some(_), true) => return Err("options name both audience and any_audience".into()),
    };
    let names: Vec<&str> = algorithms.iter().map(String::as_str).collect();
    let mut opts = match TokenOptions::new(at, &names, issuers, audience) {
        Ok(opts) => opts,
        Err(e) => return Ok(Err(e)),
    };
    opts.typ = strings("typ");
    let text_opt = |field: &str| o.get(field).and_then(Value::as_str).map(str::to_owned);
    opts.nonce = text_opt("nonce");
    opts.azp = text_opt("azp");
    opts.access_token = text_opt("access_token");
    opts.code = text_opt("code");
    opts.require_sub = o.get("require_sub").and_then(Value::as_bool).unwrap_or(false);
    if let Some(leeway) = o.get("leeway").and_then(Value::as_i64) {
        opts.leeway = leeway;
    }
    opts.max_age = o.get("max_age").and_then(Value::as_i64);
    opts.max_auth_age = o.get("max_auth_age").and_then(Value::as_i64);
    Ok(Ok(opts))
}

fn check_token(case: &Value, report: &Report) -> Result<(), String> {
    expect_report(case, report)?;
    if let Some(check) = case.get("failing_check").and_then(Value::as_str) {
        let deciding = crate::report::deciding(&report.checks).map(|c| c.name.as_str());
        if deciding != Some(check) {
            return Err(format!(
                "deciding check {deciding:?}, want {check} ({})",
                report.summary
            ));
        }
    }
    Ok(())
}

/// Compares a report with the case's `expect` status and, when not PASSED, `reason`.
fn expect_report(case: &Value, report: &Report) -> Result<(), String> {
    let want = text(case, "expect")?;
    if report.status.as_str() != want {
        return Err(format!("status {} ({}), want {want}", report.status, report.summary));
    }
    if let Some(reason) = case.get("reason").and_then(Value::as_str) {
        let got = report.reason.map(|r| r.as_str());
        if report.status != Status::Passed && got != Some(reason) {
            return Err(format!("reason {got:?}, want {reason} ({})", report.summary));
        }
    }
    Ok(())
}

fn chain_report(case: &Value) -> Result<Report, String> {
    use crate::x509::{chain_report, parse_all, ChainOptions, Crl, RevocationPolicy, Usage};
    let leaf = parse_all(text(case, "leaf")?.as_bytes())
        .map_err(|e| format!("leaf: {e}"))?
        .remove(0);
    let pool = certificates(case, "intermediates")?;
    let trust = trust_store(case)?;
    let at = crate::time::Time::parse(text(case, "at")?).map_err(|e| e.to_string())?;
    let usage = Usage::parse(text(case, "usage")?).ok_or("unknown usage")?;
    let mut opts = ChainOptions::new(at, usage);
    opts.revocation = match case.get("revocation_required").and_then(Value::as_bool) {
        Some(true) => RevocationPolicy::Required,
        _ => RevocationPolicy::NotRequired,
    };
    for pem in pem_list(case, "crls") {
        opts.crls
            .extend(Crl::parse_all(pem.as_bytes()).map_err(|e| format!("crl: {e}"))?);
    }
    // `ocsp` holds hex DER responses; the other lists hold PEM text.
    for der_hex in pem_list(case, "ocsp") {
        let der = hex::decode(der_hex).map_err(|e| format!("ocsp: {e}"))?;
        opts.ocsp
            .push(crate::x509::OcspResponseInfo::from_der(&der).map_err(|e| format!("ocsp: {e}"))?);
    }
    Ok(chain_report(&leaf, &pool, &trust, &opts))
}

/// Validation time of x509-limbo cases that name none, so runs are repeatable.
pub const LIMBO_DEFAULT_TIME: &str = "2026-11-01T00:00:00Z";

/// The chain report for one x509-limbo test case (the corpus `x509-limbo/limbo.json`), as a
/// document-signing verifier reads it: TLS server or client usage by `validation_kind`,
/// revocation required only when CRLs are given, `max_chain_depth` as the intermediate
/// limit, and a `x509.leaf.digital-signature` check when the case asks for that key usage.
/// Undecodable leaves or CRLs fail the report; undecodable anchors or intermediates are
/// left out, as a verifier would.
pub fn limbo_report(case: &Value) -> Report {
    use crate::report::{Check, Reason};
    use crate::x509::{chain_report, parse_all, ChainOptions, Crl, RevocationPolicy, TrustStore, Usage};
    // A report of the one check that stopped the case before path building.
    let stopped = |check: Check| {
        let mut report = Report::new(crate::x509::path::REPORT_KIND);
        report.push(check);
        report.finish()
    };
    let pem = |v: &Value| v.as_str().unwrap_or_default().as_bytes().to_vec();
    let pems = |field: &str| case[field].as_array().cloned().unwrap_or_default();
    let leaf = match parse_all(&pem(&case["peer_certificate"])) {
        Ok(mut v) => v.remove(0),
        Err(e) => {
            return stopped(Check::failed("x509.decode", e.reason(), e.to_string()));
        }
    };
    let mut trust = TrustStore::new();
    for anchor in pems("trusted_certs") {
        let _ = trust.add_pem(&pem(&anchor));
    }
    let pool: Vec<_> = pems("untrusted_intermediates")
        .iter()
        .filter_map(|c| parse_all(&pem(c)).ok())
        .flatten()
        .collect();
    let at = case["validation_time"].as_str().unwrap_or(LIMBO_DEFAULT_TIME);
    let at = match crate::time::Time::parse(at) {
        Ok(at) => at,
        Err(e) => {
            return stopped(Check::failed("x509.validation-time", Reason::Malformed, e.to_string()));
        }
    };
    let usage = if case["validation_kind"] == "CLIENT" {
        Usage::TlsClient
    } else {
        Usage::TlsServer
    };
    let mut opts = ChainOptions::new(at, usage);
    opts.revocation = RevocationPolicy::NotRequired;
    // x509-limbo tests the CA/B Forum and RFC 5280 issuer profile as rustls-webpki
    // enforces it: judged strictly here (the default only notes those rules).
    opts.strict_profile = true;
    for crl in pems("crls") {
        match Crl::parse_all(&pem(&crl)) {
            Ok(list) => opts.crls.extend(list),
            Err(e) => {
                return stopped(Check::failed("x509.crl", e.reason(), e.to_string()));
            }
        }
        opts.revocation = RevocationPolicy::Required;
    }
    if let Some(depth) = case["max_chain_depth"].as_u64() {
        opts.max_intermediates = usize::try_from(depth).unwrap_or(usize::MAX);
    }
    let mut report = chain_report(&leaf, &pool, &trust, &opts);
    if case["key_usage"]
        .as_array()
        .is_some_and(|v| v.iter().any(|k| k == "digitalSignature"))
    {
        report.push(match leaf.extensions().key_usage {
            Some(k) if !k.digital_signature => Check::failed(
                "x509.leaf.digital-signature",
                Reason::PolicyViolation,
                "the case asks for digitalSignature; the leaf's key usage does not allow it",
            ),
            _ => Check::passed("x509.leaf.digital-signature", "digitalSignature allowed"),
        });
    }
    report.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mismatches_are_reported() {
        let good = r#"{"id":"a","op":"sm3","msg_ascii":"abc","digest_hex":"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"}"#;
        assert_eq!(run_case(good), Ok(Outcome::Passed("a".into())));
        let bad = good.replace("66c7", "66c8");
        assert!(run_case(&bad).unwrap_err().contains("digest"));
        assert_eq!(run_case("# comment"), Ok(Outcome::Skipped));
        assert!(run_case(r#"{"id":"b","op":"nope"}"#).is_err());
    }

    #[test]
    fn reports_of_cases() {
        let sm3 = r#"{"id":"a","op":"sm3","msg_ascii":"abc","digest_hex":"00"}"#;
        assert_eq!(case_report(sm3), Ok(None), "sm3 makes no report");
        assert_eq!(case_report("  "), Ok(None));
        let line = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../test-vectors/sm2-standard.jsonl"
        ))
        .unwrap()
        .lines()
        .find(|l| l.contains(r#""op":"sm2_verify""#))
        .unwrap()
        .to_owned();
        let (id, report) = case_report(&line).unwrap().unwrap();
        assert!(line.contains(&id));
        assert_eq!(report.kind, "sm2-signature");
        assert!(run_case(&line).is_ok());
    }
}
