//! NIST PKITS (Public Key Interoperability Test Suite) over the corpus copy
//! (`x509/nist-pkits/`): every case of `vectors.json`, the anchor being the first of its
//! CertPath, the CRLs of its CRLPath, its four policy inputs, at 2020-01-01T00:00:00Z with
//! revocation required. Prints the agreement per PKITS section; fails on any false accept
//! and on any false reject not listed in [`KNOWN_REJECTS`].

#[allow(dead_code)] // the shared helpers serve several test files
mod common;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use yinjian::x509::policy::parse_policy;
use yinjian::x509::{chain_report, parse_all, ChainOptions, Crl, RevocationPolicy, TrustStore, Usage};
use yinjian::{Report, Status, Time};

/// Cases yinjian rejects though PKITS expects them to validate, each with the reason: none
/// today (249/249 agree). A case that ever needs listing must fail on revocation alone (the
/// test re-runs it without CRLs); any false reject not listed fails the test.
const KNOWN_REJECTS: &[(&str, &str)] = &[];

/// PKITS names its test policies; this is their OID.
fn policy_oid(name: &str) -> String {
    match name.strip_prefix("NIST-test-policy-") {
        Some(n) => format!("2.16.840.1.101.3.2.1.48.{n}"),
        None => name.to_owned(),
    }
}

/// The report on one case; with `RevocationPolicy::NotRequired` no CRLs are given either.
fn run(dir: &Path, case: &Value, at: Time, revocation: RevocationPolicy) -> Report {
    let read = |folder: &str, name: &Value| {
        let path = dir.join(folder).join(name.as_str().unwrap());
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let names = case["CertPath"].as_array().unwrap();
    let mut certs = Vec::new();
    for name in names {
        match parse_all(&read("certs", name)) {
            Ok(mut list) => certs.push(list.remove(0)),
            // A certificate that cannot be read rejects the path.
            Err(e) => {
                let mut report = Report::new("x509-chain");
                report.push(yinjian::Check::failed("x509.decode", e.reason(), e.to_string()));
                return report.finish();
            }
        }
    }
    let anchor = certs.remove(0);
    let leaf = certs.pop().unwrap();
    let mut trust = TrustStore::new();
    trust.add_certificate(anchor, None);
    let mut opts = ChainOptions::new(at, Usage::Any);
    // PKITS (2010) signs with SHA-1 and 1024-bit RSA/DSA keys: judged as legacy data.
    opts.constraints = yinjian::alg::CryptoConstraints::legacy();
    for name in case["CRLPath"].as_array().unwrap() {
        // A CRL yinjian cannot read is left out: the case then shows RevocationUnknown.
        if let Ok(list) = Crl::parse_all(&read("crls", name)) {
            opts.crls.extend(list);
        }
    }
    opts.policies = case["InitialPolicySet"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| parse_policy(&policy_oid(p.as_str().unwrap())).unwrap())
        .collect();
    opts.explicit_policy = case["InitialExplicitPolicy"] == true;
    opts.inhibit_policy_mapping = case["InitialPolicyMappingInhibit"] == true;
    opts.inhibit_any_policy = case["InitialAnyPolicyInhibit"] == true;
    opts.revocation = revocation;
    if revocation == RevocationPolicy::NotRequired {
        opts.crls.clear();
    }
    chain_report(&leaf, &certs, &trust, &opts)
}

/// "4.10.7 Invalid …" → "4.10".
fn section(name: &str) -> String {
    let number = name.split(' ').next().unwrap_or(name);
    number.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

#[test]
fn pkits_agreement() {
    // vectors.json comes from emmansun/gmsm, not from the PKITS data scripts/get-corpus fetches.
    let Some(dir) = common::corpus("x509/nist-pkits/vectors.json").and_then(|p| p.parent().map(Path::to_path_buf))
    else {
        return;
    };
    let suite: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    let at = Time::parse("2020-01-01T00:00:00Z").unwrap();
    let only = std::env::var("PKITS_CASE").ok();
    let mut table: BTreeMap<(u32, u32), (String, usize, usize)> = BTreeMap::new();
    let (mut agree, mut false_accepts, mut known, mut unexpected) = (0, Vec::new(), Vec::new(), Vec::new());
    let mut stale = Vec::new();
    for case in &suite {
        let name = case["Name"].as_str().unwrap();
        if only.as_deref().is_some_and(|o| !name.starts_with(o)) {
            continue;
        }
        let report = run(&dir, case, at, RevocationPolicy::Required);
        if only.is_some() {
            println!("{name}: {:?} {:?}", report.status, report.reason);
            for check in &report.checks {
                println!(
                    "  {} {:?} {} {}",
                    check.name,
                    check.status,
                    check.message,
                    serde_json::json!(check.details)
                );
            }
        }
        let expected = case["ShouldValidate"] == true;
        let accepted = report.status == Status::Passed;
        let sec = section(name);
        let mut parts = sec.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let entry = table
            .entry((parts.next().unwrap_or(0), parts.next().unwrap_or(0)))
            .or_insert((sec.clone(), 0, 0));
        entry.2 += 1;
        let why = report
            .checks
            .iter()
            .find(|c| c.status != Status::Passed)
            .map(|c| format!("{}: {}", c.name, c.message))
            .unwrap_or_default();
        if accepted == expected {
            agree += 1;
            entry.1 += 1;
            if KNOWN_REJECTS.iter().any(|(n, _)| *n == name) {
                stale.push(name.to_owned());
            }
        } else if accepted {
            false_accepts.push(name.to_owned());
        } else if let Some((_, reason)) = KNOWN_REJECTS.iter().find(|(n, _)| *n == name) {
            // A CRL-area case must fail on revocation alone: without CRLs and revocation not
            // required, the rest of the path validates.
            if report.check("x509.revocation").is_some() {
                let without = run(&dir, case, at, RevocationPolicy::NotRequired);
                if without.status != Status::Passed {
                    unexpected.push(format!("{name} — fails even without revocation: {:?}", without.reason));
                }
            }
            known.push(format!("{name} — {reason} — {why}"));
        } else {
            unexpected.push(format!("{name} — {why}"));
        }
    }
    println!("NIST PKITS: {agree}/{} cases agree", suite.len());
    println!("| section | agree | cases |");
    println!("|---|---|---|");
    for (sec, ok, n) in table.values() {
        println!("| {sec} | {ok} | {n} |");
    }
    println!("false accepts: {false_accepts:?}");
    println!("known false rejects ({} listed):", KNOWN_REJECTS.len());
    for k in &known {
        println!("  {k}");
    }
    println!("listed as disagreeing but now agreeing (take them off the lists): {stale:?}");
    println!("unexpected false rejects:");
    for u in &unexpected {
        println!("  {u}");
    }
    assert!(
        false_accepts.is_empty(),
        "PKITS cases accepted that must fail: {false_accepts:?}"
    );
    assert!(
        unexpected.is_empty(),
        "PKITS cases rejected that must validate: {unexpected:#?}"
    );
}
