//! Certificate-module behaviour beyond the vector files: bounded work on a cross-certificate
//! mesh, Chinese names, report shape.

use std::path::Path;

use serde_json::Value;
use yinjian::x509::path::MAX_SIGNATURE_CHECKS;
use yinjian::x509::{chain_report, parse_all, verify_chain, ChainOptions, RevocationPolicy, TrustStore, Usage};
use yinjian::{Reason, Status, Time};

fn case(id: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/x509/sm2-chains.jsonl");
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|c| c["id"] == id)
        .unwrap()
}

/// Every certificate in the PEM list `field` of a vector case.
fn certs(c: &Value, field: &str) -> Vec<yinjian::x509::Certificate> {
    c[field]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| parse_all(p.as_str().unwrap().as_bytes()).unwrap())
        .collect()
}

fn run(id: &str) -> (yinjian::x509::ChainVerification, usize) {
    let c = case(id);
    let leaf = parse_all(c["leaf"].as_str().unwrap().as_bytes()).unwrap().remove(0);
    let pool = certs(&c, "intermediates");
    let mut trust = TrustStore::new();
    for a in certs(&c, "anchors") {
        trust.add_certificate(a, None);
    }
    let mut opts = ChainOptions::new(Time::parse(c["at"].as_str().unwrap()).unwrap(), Usage::DocumentSigning);
    opts.revocation = RevocationPolicy::NotRequired;
    (verify_chain(&leaf, &pool, &trust, &opts), pool.len())
}

#[test]
fn a_fifty_certificate_mesh_costs_few_signature_checks() {
    let (found, pool) = run("x509-sm2-mesh-long-path");
    assert!(pool >= 50, "mesh pool has {pool} certificates");
    assert_eq!(found.status(), Status::Passed);
    assert_eq!(found.path.len(), 6, "leaf, four intermediates, anchor");
    // Signatures are checked only on complete candidate paths.
    assert!(
        found.signature_checks <= 10,
        "{} signature checks",
        found.signature_checks
    );

    let (missing, _) = run("x509-sm2-mesh-no-path-deep");
    assert_eq!(missing.status(), Status::Indeterminate);
    assert_eq!(missing.failure.unwrap().reason, Reason::UntrustedChain);
    assert!(missing.signature_checks <= MAX_SIGNATURE_CHECKS);
}

#[test]
fn chinese_names_and_report_details() {
    let c = case("x509-sm2-cross-a-trusts-b");
    let leaf = parse_all(c["leaf"].as_str().unwrap().as_bytes()).unwrap().remove(0);
    assert_eq!(leaf.subject(), "C=CN, O=乙单位, CN=乙用户");
    assert_eq!(leaf.key_algorithm(), "SM2");
    let pool: Vec<_> = certs(&c, "intermediates");
    let mut trust = TrustStore::new();
    trust.add_pem(c["anchors"][0].as_str().unwrap().as_bytes()).unwrap();
    let opts = ChainOptions::new(Time::parse(c["at"].as_str().unwrap()).unwrap(), Usage::DocumentSigning);
    // Revocation required by default and no CRL given: the chain is fine but INDETERMINATE.
    let report = chain_report(&leaf, &pool, &trust, &opts);
    assert_eq!(report.status, Status::Indeterminate);
    assert_eq!(report.reason, Some(Reason::RevocationUnknown));
    let path = &report.check("x509.path").unwrap().details["path"];
    assert_eq!(
        path.as_array().unwrap().len(),
        4,
        "leaf, B's CA, the cross-certificate, A's root"
    );
    assert_eq!(path[3]["subject"], "C=CN, O=甲认证中心, CN=甲根CA");

    // Distrusting the anchor turns the same chain into UntrustedChain.
    let anchor = parse_all(c["anchors"][0].as_str().unwrap().as_bytes())
        .unwrap()
        .remove(0);
    trust.distrust(*anchor.fingerprint());
    let report = chain_report(&leaf, &pool, &trust, &opts);
    assert_eq!(report.reason, Some(Reason::UntrustedChain));
}

#[test]
fn anchors_restricted_to_other_usages_do_not_serve() {
    let c = case("x509-sm2-basic");
    let leaf = parse_all(c["leaf"].as_str().unwrap().as_bytes()).unwrap().remove(0);
    let pool: Vec<_> = certs(&c, "intermediates");
    let mut trust = TrustStore::new();
    trust
        .add_restricted(
            c["anchors"][0].as_str().unwrap().as_bytes(),
            Some(vec![Usage::TokenSigning]),
        )
        .unwrap();
    let mut opts = ChainOptions::new(Time::parse(c["at"].as_str().unwrap()).unwrap(), Usage::DocumentSigning);
    opts.revocation = RevocationPolicy::NotRequired;
    assert_eq!(
        chain_report(&leaf, &pool, &trust, &opts).reason,
        Some(Reason::PolicyViolation)
    );
    opts.usage = Usage::TokenSigning;
    assert_eq!(chain_report(&leaf, &pool, &trust, &opts).status, Status::Passed);
}

/// A crafted chain whose policy mappings would grow a valid_policy_tree to 12^6 nodes
/// (`test-vectors/x509/policy-blowup/make.sh`): validated at once, and valid only for the
/// policies it really carries.
#[test]
fn a_policy_mapping_blow_up_is_bounded() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/x509/policy-blowup/chain.pem");
    let mut chain = parse_all(&std::fs::read(path).unwrap()).unwrap();
    assert_eq!(chain.len(), 8, "root, six CAs, leaf");
    let leaf = chain.pop().unwrap();
    let root = chain.remove(0);
    let mut trust = TrustStore::new();
    trust.add_certificate(root, None);
    let mut opts = ChainOptions::new(Time::parse("2027-01-01T00:00:00Z").unwrap(), Usage::Any);
    opts.revocation = RevocationPolicy::NotRequired;
    let started = std::time::Instant::now();
    let report = chain_report(&leaf, &chain, &trust, &opts);
    let elapsed = started.elapsed();
    assert!(elapsed < std::time::Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(report.status, Status::Passed, "{:#?}", report.checks);
    let policy = report.check("x509.policy").unwrap();
    assert_eq!(policy.details["valid_policies"].as_array().unwrap().len(), 12);
    assert_eq!(
        policy.details["leaf_policies"],
        serde_json::json!(["1.3.6.1.4.1.55555.7.1"])
    );

    // The user asks for a policy no certificate carries: the explicit policy the first CA
    // requires is not met.
    opts.policies = vec!["1.3.6.1.4.1.55555.7.99".parse().unwrap()];
    let started = std::time::Instant::now();
    let report = chain_report(&leaf, &chain, &trust, &opts);
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.reason, Some(Reason::PolicyViolation));
    assert!(report.check("x509.policy").is_some());
}

/// The chain of a vector case, with its CRLs and revocation policy.
fn run_with_revocation(id: &str) -> yinjian::x509::ChainVerification {
    let c = case(id);
    let leaf = parse_all(c["leaf"].as_str().unwrap().as_bytes()).unwrap().remove(0);
    let mut trust = TrustStore::new();
    for a in certs(&c, "anchors") {
        trust.add_certificate(a, None);
    }
    let mut opts = ChainOptions::new(Time::parse(c["at"].as_str().unwrap()).unwrap(), Usage::DocumentSigning);
    if c["revocation_required"] != true {
        opts.revocation = RevocationPolicy::NotRequired;
    }
    for crl in c["crls"].as_array().into_iter().flatten() {
        opts.crls
            .extend(yinjian::x509::Crl::parse_all(crl.as_str().unwrap().as_bytes()).unwrap());
    }
    verify_chain(&leaf, &certs(&c, "intermediates"), &trust, &opts)
}

#[test]
fn chain_summaries_carry_a_revocation_entry() {
    use yinjian::x509::RevocationState as R;
    for (id, state, status, says) in [
        (
            "x509-sm2-not-revoked-crl-given",
            R::Checked,
            Status::Passed,
            "revocation checked: none revoked",
        ),
        (
            "x509-sm2-revocation-not-required",
            R::NotRequired,
            Status::Passed,
            "revocation status NOT checked",
        ),
        ("x509-sm2-revoked-leaf", R::Revoked, Status::Failed, "revoked"),
        (
            "x509-sm2-revocation-unknown",
            R::Unknown,
            Status::Indeterminate,
            "no usable CRL",
        ),
        ("x509-sm2-cross-missing", R::Unknown, Status::Indeterminate, ""),
    ] {
        let outcome = run_with_revocation(id);
        assert_eq!(outcome.revocation().0, state, "{id}");
        let check = outcome.summary_check("doc.chain");
        assert_eq!(check.status, status, "{id}: {}", check.message);
        assert!(check.message.contains(says), "{id}: {}", check.message);
        let entry = &check.details["revocation"];
        assert_eq!(entry["status"], state.as_str(), "{id}");
        assert!(!entry["message"].as_str().unwrap().is_empty(), "{id}");
    }
    // A chain report whose path did not validate still says revocation was not checked,
    // without changing its verdict or reason.
    let line =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../test-vectors/x509/sm2-chains.jsonl"))
            .unwrap()
            .lines()
            .find(|l| l.contains("\"x509-sm2-cross-missing\""))
            .unwrap()
            .to_owned();
    let (_, report) = yinjian::vectors::case_report(&line).unwrap().unwrap();
    assert_eq!(report.status, Status::Indeterminate);
    assert_eq!(report.reason, Some(Reason::UntrustedChain));
    let revocation = report.check("x509.revocation").expect("x509.revocation");
    assert_eq!(revocation.reason, Some(Reason::RevocationUnknown));
    assert!(revocation.message.contains("not checked"), "{}", revocation.message);
}
