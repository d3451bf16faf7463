//! NIST PKITS, the sections about revocation, DSA and time encoding (4.1.4–4.1.6, 4.2.3, 4.4
//! CRLs, 4.5 self-issued key rollover, 4.14 distribution points, 4.15 delta CRLs): every case
//! must agree with its ShouldValidate. Anchor = first of CertPath, the rest a pool, CRLs =
//! CRLPath, validation at 2020-01-01T00:00:00Z, revocation required, SHA-1 allowed (PKITS's
//! DSA certificates are dsa-with-SHA1). `PKITS_ALL=1` also prints the other sections.

#[allow(dead_code)] // the shared helpers serve several test files
mod common;

use serde_json::Value;
use yinjian::report::Check;
use yinjian::x509::revocation::MAX_CRLS_PER_CERTIFICATE;
use yinjian::x509::{
    parse_all, verify_chain, ChainOptions, ChainVerification, Crl, RevocationPolicy, TrustStore, Usage,
};
use yinjian::{Reason, Status, Time};

const SECTIONS: [&str; 8] = ["4.1.4 ", "4.1.5 ", "4.1.6 ", "4.2.3 ", "4.4.", "4.5.", "4.14.", "4.15."];

/// The case's chain verified as the module doc says, with `extra_crls` supplied first.
fn verify(dir: &std::path::Path, case: &Value, extra_crls: &[Crl]) -> ChainVerification {
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
    // PKITS (2010) signs with SHA-1 and 1024-bit RSA/DSA keys: judged as legacy data.
    opts.constraints = yinjian::alg::CryptoConstraints::legacy();
    opts.crls.extend_from_slice(extra_crls);
    for crl in case["CRLPath"].as_array().unwrap() {
        opts.crls
            .extend(Crl::parse_all(&std::fs::read(dir.join("crls").join(crl.as_str().unwrap())).unwrap()).unwrap());
    }
    verify_chain(&leaf, &pool, &trust, &opts)
}

/// Whether yinjian validates the case, and the deciding message.
fn run(dir: &std::path::Path, case: &Value) -> (bool, String) {
    let outcome = verify(dir, case, &[]);
    let message = outcome
        .checks
        .iter()
        .find(|c| c.status != Status::Passed)
        .map(|c| c.message.clone())
        .unwrap_or_default();
    (outcome.status() == Status::Passed, message)
}

fn case<'a>(cases: &'a [Value], prefix: &str) -> &'a Value {
    cases
        .iter()
        .find(|c| c["Name"].as_str().unwrap().starts_with(prefix))
        .unwrap()
}

/// The revocation check of an outcome.
fn revocation(outcome: &ChainVerification) -> Check {
    outcome
        .checks
        .iter()
        .find(|c| c.name == "x509.revocation")
        .cloned()
        .unwrap()
}

#[test]
fn revoked_is_failed_and_unknown_is_indeterminate() {
    // vectors.json comes from emmansun/gmsm, not from the PKITS data scripts/get-corpus fetches.
    let Some(dir) =
        common::corpus("x509/nist-pkits/vectors.json").and_then(|p| p.parent().map(std::path::Path::to_path_buf))
    else {
        return;
    };
    let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    let revoked = revocation(&verify(&dir, case(&cases, "4.4.3 "), &[]));
    assert_eq!(
        (revoked.status, revoked.reason),
        (Status::Failed, Some(Reason::Revoked))
    );
    let missing = revocation(&verify(&dir, case(&cases, "4.4.1 "), &[]));
    assert_eq!(
        (missing.status, missing.reason),
        (Status::Indeterminate, Some(Reason::RevocationUnknown))
    );
    let entry_ext = revocation(&verify(&dir, case(&cases, "4.4.8 "), &[]));
    assert_eq!(entry_ext.reason, Some(Reason::RevocationUnknown));
    assert!(
        entry_ext.message.contains("unknown critical CRL entry extension"),
        "{}",
        entry_ext.message
    );
    let stale = revocation(&verify(&dir, case(&cases, "4.4.11 "), &[]));
    assert!(stale.message.contains("stale"), "{}", stale.message);
}

#[test]
fn crls_considered_are_bounded() {
    // vectors.json comes from emmansun/gmsm, not from the PKITS data scripts/get-corpus fetches.
    let Some(dir) =
        common::corpus("x509/nist-pkits/vectors.json").and_then(|p| p.parent().map(std::path::Path::to_path_buf))
    else {
        return;
    };
    let cases: Vec<Value> = serde_json::from_slice(&std::fs::read(dir.join("vectors.json")).unwrap()).unwrap();
    // 4.4.7 Valid Two CRLs, preceded by many copies of its CA's good CRL with the last
    // signature byte altered.
    let mut der = std::fs::read(dir.join("crls/TwoCRLsCAGoodCRL.crl")).unwrap();
    *der.last_mut().unwrap() ^= 1;
    let bad = Crl::from_der(&der).unwrap();
    let flood: Vec<Crl> = std::iter::repeat_n(bad, MAX_CRLS_PER_CERTIFICATE + 5).collect();
    let started = std::time::Instant::now();
    let outcome = verify(&dir, case(&cases, "4.4.7 "), &flood);
    let check = revocation(&outcome);
    assert_eq!(check.reason, Some(Reason::RevocationUnknown), "{}", check.message);
    assert!(check.message.contains("candidate CRLs"), "{}", check.message);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(verify(&dir, case(&cases, "4.4.7 "), &[]).status(), Status::Passed);
}

#[test]
fn real_world_certificate_inputs() {
    if let Some(leaf) = common::corpus("x509/sm2-tongsuo/sm2-leaf.crt") {
        let certs = parse_all(&std::fs::read(leaf).unwrap()).unwrap();
        assert_eq!(certs.len(), 1, "OpenSSL -text output before the PEM block");
        assert!(certs[0].subject().contains("*.alipay.com"));
    }
    if let Some(p7b) = common::corpus("cms/gmssl-cn-certchain.p7b.pem") {
        let certs = parse_all(&std::fs::read(p7b).unwrap()).unwrap();
        assert_eq!(certs.len(), 2, "PKCS#7 certs-only bundle");
    }
    if let Some(dir) = common::corpus("x509/sm2-national") {
        // The national root's SM2-signed CRL: its signature, its window, its entries.
        let read = |n: &str| std::fs::read(dir.join(n)).unwrap();
        let root = parse_all(&read("ROOTCA.pem")).unwrap().remove(0);
        let taier = parse_all(&read("Taier_CA.pem")).unwrap().remove(0);
        let crl = Crl::parse_all(&read("ROOTCA.crl")).unwrap().remove(0);
        assert_eq!(crl.unusable(), None);
        crl.verify_signature(&root.spki_der(), false).unwrap();
        assert!(crl.verify_signature(&taier.spki_der(), false).is_err());
        let at = Time::parse("2022-05-10T00:00:00Z").unwrap();
        crl.check_current(at).unwrap();
        assert!(crl.check_current(Time::parse("2026-01-01T00:00:00Z").unwrap()).is_err());
        assert_eq!(crl.status_of(&taier, at), yinjian::x509::crl::CrlStatus::NotListed);
    }
    if let Some(dir) = common::corpus("x509/nist-pkits/certs") {
        let cert = |n: &str| parse_all(&std::fs::read(dir.join(n)).unwrap()).unwrap().remove(0);
        let early = cert("Validpre2000UTCnotBeforeDateTest3EE.crt");
        assert_eq!(early.not_before().to_string(), "1950-01-01T12:01:00Z");
        let late = cert("Invalidpre2000UTCEEnotAfterDateTest7EE.crt");
        assert!(
            late.not_after().to_string().starts_with("1999-"),
            "{}",
            late.not_after()
        );
    }
}

#[test]
fn pkits_revocation_dsa_and_time_sections_agree() {
    // vectors.json comes from emmansun/gmsm, not from the PKITS data scripts/get-corpus fetches.
    let Some(dir) =
        common::corpus("x509/nist-pkits/vectors.json").and_then(|p| p.parent().map(std::path::Path::to_path_buf))
    else {
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
