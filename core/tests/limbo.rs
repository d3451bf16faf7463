//! The x509-limbo path-validation suite (`x509-limbo/limbo.json` of the corpus, `$YINJIAN_CORPUS`;
//! skipped without it).
//!
//! Host-name matching is not part of a document-signing verifier: cases that only test it
//! are declared not applicable in `test-vectors/x509/limbo-exclusions.md`, each with its
//! reason. Target: ≥ 95 % agreement on the applicable cases and no expected FAILURE accepted.

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;
use yinjian::vectors::limbo_report;
use yinjian::Status;

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

fn exclusions() -> HashSet<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/x509/limbo-exclusions.md");
    let text = std::fs::read_to_string(path).expect("limbo-exclusions.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_owned)
        .collect()
}

/// Whether yinjian accepts the case's chain (the report the vector runner gives).
fn run(case: &Value) -> bool {
    let report = limbo_report(case);
    if std::env::var("LIMBO_CASE").is_ok_and(|id| case["id"] == id.as_str()) {
        eprintln!("{:#?}", report.checks);
    }
    report.status == Status::Passed
}

#[test]
fn limbo_agreement() {
    let Some(path) = common::corpus("x509-limbo/limbo.json") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
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
        let accepted = run(case);
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
