//! The x509-limbo path-validation suite (`../shared/corpus/x509-limbo/limbo.json`).
//!
//! Host-name matching is not part of a document-signing verifier: cases that only test it
//! are declared not applicable in `test-vectors/x509/limbo-exclusions.md`, each with its
//! reason. Target: ≥ 95 % agreement on the applicable cases and no expected FAILURE accepted.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;
use yinjian::x509::{parse_all, verify_chain, ChainOptions, Crl, RevocationPolicy, TrustStore, Usage};
use yinjian::{Status, Time};

/// Fixed "now" for cases without a validation time, so the run is repeatable.
const DEFAULT_TIME: &str = "2026-11-01T00:00:00Z";

fn exclusions() -> HashSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/x509/limbo-exclusions.md");
    let text = std::fs::read_to_string(path).expect("limbo-exclusions.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

/// Runs one case; `Ok(accepted)` says whether yinjian accepted the chain.
fn run(case: &Value) -> Result<bool, String> {
    let pem = |v: &Value| v.as_str().unwrap_or_default().as_bytes().to_vec();
    let leaf = match parse_all(&pem(&case["peer_certificate"])) {
        Ok(mut v) => v.remove(0),
        Err(_) => return Ok(false), // an undecodable leaf is rejected
    };
    let mut trust = TrustStore::new();
    for anchor in case["trusted_certs"].as_array().into_iter().flatten() {
        if trust.add_pem(&pem(anchor)).is_err() {
            continue; // an undecodable anchor is simply not trusted
        }
    }
    let pool: Vec<_> = case["untrusted_intermediates"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| parse_all(&pem(c)).ok())
        .flatten()
        .collect();
    let at = case["validation_time"].as_str().unwrap_or(DEFAULT_TIME);
    let usage = if case["validation_kind"] == "CLIENT" {
        Usage::TlsClient
    } else {
        Usage::TlsServer
    };
    let mut opts = ChainOptions::new(Time::parse(at).map_err(|e| e.to_string())?, usage);
    opts.revocation = RevocationPolicy::NotRequired;
    for crl in case["crls"].as_array().into_iter().flatten() {
        match Crl::parse_all(&pem(crl)) {
            Ok(list) => opts.crls.extend(list),
            Err(_) => return Ok(false),
        }
        opts.revocation = RevocationPolicy::Required;
    }
    if let Some(depth) = case["max_chain_depth"].as_u64() {
        opts.max_intermediates = depth as usize;
    }
    let outcome = verify_chain(&leaf, &pool, &trust, &opts);
    if std::env::var("LIMBO_CASE").is_ok_and(|id| case["id"] == id.as_str()) {
        eprintln!("{:#?}", outcome.checks);
    }
    let mut accepted = outcome.status() == Status::Passed;
    if accepted
        && case["key_usage"]
            .as_array()
            .is_some_and(|v| v.iter().any(|k| k == "digitalSignature"))
    {
        accepted = leaf.extensions().key_usage.is_none_or(|k| k.digital_signature);
    }
    Ok(accepted)
}

#[test]
fn limbo_agreement() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/x509-limbo/limbo.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        panic!("{} is missing: CI has ../shared/corpus", path.display());
    };
    let suite: Value = serde_json::from_str(&text).unwrap();
    let excluded = exclusions();
    let (mut agree, mut applicable, mut false_accepts, mut false_rejects) = (0, 0, Vec::new(), Vec::new());
    let mut by_family: std::collections::BTreeMap<String, (usize, usize)> = Default::default();
    for case in suite["testcases"].as_array().unwrap() {
        let id = case["id"].as_str().unwrap();
        if excluded.contains(id) {
            continue;
        }
        applicable += 1;
        let expected = case["expected_result"] == "SUCCESS";
        let accepted = run(case).unwrap_or(false);
        let family = id.split("::").next().unwrap_or(id).to_owned();
        let entry = by_family.entry(family).or_default();
        entry.1 += 1;
        if accepted == expected {
            agree += 1;
            entry.0 += 1;
        } else if accepted {
            false_accepts.push(id.to_owned());
        } else {
            false_rejects.push(id.to_owned());
        }
    }
    println!(
        "x509-limbo: {agree}/{applicable} applicable cases agree ({} excluded)",
        excluded.len()
    );
    for (family, (ok, n)) in &by_family {
        println!("  {family:<14} {ok:>3}/{n:<3}");
    }
    println!("expected FAILURE but accepted: {false_accepts:?}");
    println!("expected SUCCESS but rejected: {false_rejects:?}");
    assert!(
        false_accepts.is_empty(),
        "accepted chains limbo expects to fail: {false_accepts:?}"
    );
    assert!(agree * 100 >= applicable * 95, "only {agree}/{applicable} agree");
}
