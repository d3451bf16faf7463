//! Long-term validation (issue 17): the PDFs of `test-vectors/ltv` (made by pyHanko,
//! `test-vectors/gen/gen-ltv.py`) validated years after signing, each against the verdict its
//! line in `test-vectors/ltv/cases.ndjson` expects: after the signer certificate expired with
//! and without a proof of existence, B-T / B-LT / B-LTA, signer revoked after and before the
//! signature time-stamp, an expired time-stamp chain with and without an archive time-stamp, a
//! CRL older than the signing time, SHA-1 proven before its end date or not, and a DSS update
//! that also changed the page.
//!
//! Every case is validated at its `at`, with its `anchors` trusted, revocation required and its
//! `crls` supplied (the CRLs a verifier fetches when it validates: those of the still-valid CAs
//! at `at`; the other CRLs come from the files' DSS). A mismatch is reported with the
//! signature's status, reason and the messages of its failing checks, every case at once.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use common::{t, vectors};
use serde_json::Value;
use yinjian::pdf::{verify_pdf, PdfOptions};
use yinjian::seal::SealOptions;
use yinjian::x509::{parse_all, Crl, RevocationPolicy, TrustStore};
use yinjian::{Report, Status};

/// The lines of `cases.ndjson`.
fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(vectors().join("ltv/cases.ndjson")).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn read(rel: &str) -> Vec<u8> {
    std::fs::read(vectors().join("ltv").join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn strings(case: &Value, field: &str) -> Vec<String> {
    case[field]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The library's report for one case.
fn verify_case(case: &Value) -> Report {
    let mut trust = TrustStore::new();
    for anchor in strings(case, "anchors") {
        for cert in parse_all(&read(&anchor)).unwrap() {
            trust.add_certificate(cert, None);
        }
    }
    let mut seal = SealOptions::new(&trust, t(case["at"].as_str().unwrap()));
    seal.chain.revocation = RevocationPolicy::Required;
    for crl in strings(case, "crls") {
        seal.chain.crls.extend(Crl::parse_all(&read(&crl)).unwrap());
    }
    let bytes = read(case["file"].as_str().unwrap());
    verify_pdf(&bytes, &PdfOptions::new(seal))
}

/// The signature's report: the first part (the oldest signature; document time-stamps follow).
fn signature_part(report: &Report) -> Option<&Report> {
    report.parts.first()
}

/// `Ok` when the signature's status, reason and (when the line names one) ETSI sub-indication
/// are the expected ones and the proof of existence the line names is named by a check;
/// otherwise what the library said, checks included.
fn judge(case: &Value) -> Result<(), String> {
    let file = case["file"].as_str().unwrap();
    let report = verify_case(case);
    let Some(part) = signature_part(&report) else {
        return Err(format!(
            "{file}: no signature part; document {:?} {:?}: {}",
            report.status, report.reason, report.summary
        ));
    };
    let status = part.status.as_str();
    let reason = part.reason.map(|r| r.as_str().to_owned());
    let want_status = case["expect"].as_str().unwrap();
    let want_reason = case["reason"].as_str().map(str::to_owned);
    let want_etsi = case["etsi"].as_str();
    let mut wrong = Vec::new();
    if status != want_status {
        wrong.push(format!("status {status}, expected {want_status}"));
    }
    if reason != want_reason {
        wrong.push(format!("reason {reason:?}, expected {want_reason:?}"));
    }
    if let Some(etsi) = want_etsi {
        if part.sub_indication.as_deref() != Some(etsi) {
            wrong.push(format!("sub-indication {:?}, expected {etsi:?}", part.sub_indication));
        }
    }
    // A verdict that rests on a proof of existence names it (its time) in the report.
    if let Some(poe) = case["poe"]["time"].as_str() {
        let named = part
            .checks
            .iter()
            .any(|c| c.message.contains(poe) || c.details.values().any(|v| v.to_string().contains(poe)));
        if !named {
            wrong.push(format!(
                "the POE {poe} ({}) is named by no check",
                case["poe"]["source"]
            ));
        }
        // …and lists it among the signature's proofs of existence, with its source.
        let source = case["poe"]["source"].as_str().unwrap_or_default();
        let listed = part
            .proofs_of_existence
            .iter()
            .any(|p| p.time.to_string() == poe && p.source.as_str() == source);
        if !listed {
            wrong.push(format!(
                "the POE {poe} ({source}) is not in proofs_of_existence {:?}",
                part.proofs_of_existence
            ));
        }
    }
    let checks: Vec<String> = part
        .checks
        .iter()
        .filter(|c| c.status != Status::Passed)
        .map(|c| {
            format!(
                "      {} {} {}: {}",
                c.name,
                c.status.as_str(),
                c.reason.map_or("-", |r| r.as_str()),
                c.message
            )
        })
        .collect();
    if wrong.is_empty() {
        println!(
            "ok {file}: {status} {}\n{}",
            reason.as_deref().unwrap_or("-"),
            checks.join("\n")
        );
        return Ok(());
    }
    Err(format!(
        "{file} ({}): {}\n    why: {}\n{}",
        case["at"].as_str().unwrap_or(""),
        wrong.join("; "),
        case["why"].as_str().unwrap_or(""),
        checks.join("\n")
    ))
}

/// Runs `cases`, failing with every mismatch in one message.
fn run(cases: &[Value]) {
    assert!(!cases.is_empty(), "no cases");
    let failures: Vec<String> = cases.iter().filter_map(|c| judge(c).err()).collect();
    println!(
        "{} of {} LTV cases as expected",
        cases.len() - failures.len(),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} LTV cases not as expected:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Every case of `cases.ndjson`.
#[test]
fn all_ltv_cases() {
    run(&cases());
}

/// The vectors are what the cases say: one line per PDF in the folder, every referenced file
/// there, the expectations well-formed.
#[test]
fn ltv_cases_are_complete() {
    let all = cases();
    let mut pdfs: Vec<String> = std::fs::read_dir(vectors().join("ltv"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".pdf"))
        .collect();
    pdfs.sort();
    let mut named: Vec<String> = all.iter().map(|c| c["file"].as_str().unwrap().to_owned()).collect();
    named.sort();
    assert_eq!(pdfs, named, "every PDF has exactly one line");
    for case in &all {
        for rel in strings(case, "anchors").iter().chain(&strings(case, "crls")) {
            read(rel);
        }
        let expect = case["expect"].as_str().unwrap();
        assert!(["PASSED", "FAILED", "INDETERMINATE"].contains(&expect), "{case}");
        assert_eq!(case["reason"].is_null(), expect == "PASSED", "{case}");
        t(case["at"].as_str().unwrap());
    }
}

/// The validation data of a B-LTA signature is listed with where each piece was found: the
/// signer's chain in the CMS, the TSA's inside the time-stamp token, CRLs in the DSS, the
/// caller's CRLs; a document time-stamp is among its proofs of existence.
#[test]
fn validation_data_and_proofs_are_listed_by_source() {
    let case = cases().into_iter().find(|c| c["file"] == "b-lta.pdf").unwrap();
    let report = verify_case(&case);
    let part = signature_part(&report).unwrap();
    let data = part.check("pdf.validation-data").expect("pdf.validation-data");
    assert_eq!(data.status, Status::Passed);
    let items = data.details["items"].as_array().unwrap();
    let has = |kind: &str, source: &str| items.iter().any(|i| i["type"] == kind && i["source"] == source);
    for (kind, source) in [
        ("certificate", "signature"),
        ("certificate", "timestamp"),
        ("crl", "dss"),
        ("crl", "caller"),
    ] {
        assert!(has(kind, source), "no {kind} from {source}: {}", data.message);
    }
    let sources: Vec<&str> = part.proofs_of_existence.iter().map(|p| p.source.as_str()).collect();
    assert_eq!(
        sources,
        ["signature-timestamp", "document-timestamp"],
        "{:?}",
        part.proofs_of_existence
    );
    assert!(part.proofs_of_existence[0].time < part.proofs_of_existence[1].time);
}
