//! NIST PKITS, the sections about revocation, DSA and time encoding (4.1.4–4.1.6, 4.2.3, 4.4
//! CRLs, 4.5 self-issued key rollover, 4.14 distribution points, 4.15 delta CRLs): every case
//! must agree with its ShouldValidate. Anchor = first of CertPath, the rest a pool, CRLs =
//! CRLPath, validation at 2020-01-01T00:00:00Z, revocation required, SHA-1 allowed (PKITS's
//! DSA certificates are dsa-with-SHA1). `PKITS_ALL=1` also prints the other sections.

mod common;

use serde_json::Value;
use yinjian::x509::{parse_all, verify_chain, ChainOptions, Crl, RevocationPolicy, TrustStore, Usage};
use yinjian::{Status, Time};

const SECTIONS: [&str; 8] = ["4.1.4 ", "4.1.5 ", "4.1.6 ", "4.2.3 ", "4.4.", "4.5.", "4.14.", "4.15."];

/// Whether yinjian validates the case, and the deciding message.
fn run(dir: &std::path::Path, case: &Value) -> (bool, String) {
    let names: Vec<&str> = case["CertPath"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let cert = |n: &str| {
        parse_all(&std::fs::read(dir.join("certs").join(n)).unwrap())
            .unwrap()
            .remove(0)
    };
    let mut trust = TrustStore::new();
    trust.add_certificate(cert(names[0]), None);
    let pool: Vec<_> = names[1..names.len() - 1].iter().map(|n| cert(n)).collect();
    let leaf = cert(names[names.len() - 1]);
    let mut opts = ChainOptions::new(Time::parse("2020-01-01T00:00:00Z").unwrap(), Usage::Any);
    opts.revocation = RevocationPolicy::Required;
    opts.allow_sha1 = true;
    for crl in case["CRLPath"].as_array().unwrap() {
        let bytes = std::fs::read(dir.join("crls").join(crl.as_str().unwrap())).unwrap();
        opts.crls.extend(Crl::parse_all(&bytes).unwrap());
    }
    let outcome = verify_chain(&leaf, &pool, &trust, &opts);
    let message = outcome
        .checks
        .iter()
        .find(|c| c.status != Status::Passed)
        .map(|c| c.message.clone())
        .unwrap_or_default();
    (outcome.status() == Status::Passed, message)
}

#[test]
fn pkits_revocation_dsa_and_time_sections_agree() {
    let Some(dir) = common::corpus("x509/nist-pkits") else {
        return;
    };
    let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    let all = std::env::var("PKITS_ALL").is_ok();
    let (mut agree, mut total, mut wrong) = (0, 0, Vec::new());
    for case in &cases {
        let name = case["Name"].as_str().unwrap();
        let mine = SECTIONS.iter().any(|s| name.starts_with(s));
        if !mine && !all {
            continue;
        }
        let expected = case["ShouldValidate"].as_bool().unwrap();
        let (got, message) = run(&dir, case);
        if mine {
            total += 1;
        }
        if got == expected {
            agree += usize::from(mine);
        } else {
            eprintln!(
                "DISAGREE{} {name}: expected {expected}, got {got}: {message}",
                if mine { "" } else { " (other section)" }
            );
            if mine {
                wrong.push(name.to_owned());
            }
        }
    }
    eprintln!("PKITS revocation/DSA/time sections: {agree}/{total} agree");
    assert!(total >= 78, "only {total} cases in the sections");
    assert!(wrong.is_empty(), "disagreeing: {wrong:?}");
}
