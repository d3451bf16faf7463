//! Every OFD of `../shared/corpus/ofd` gives the outcome its MANIFEST.md states, signature by
//! signature and file by file.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use std::path::PathBuf;

use yinjian::ofd::{verify_ofd_bytes, OfdOptions};
use yinjian::seal::{SealOptions, SesSignature};
use yinjian::x509::{parse_all, Certificate, TrustStore};
use yinjian::{Reason, Report, Status, Time};

/// A file of the corpus OFD folder; the tests that read one return early without it.
fn corpus(name: &str) -> PathBuf {
    common::corpus_root().join("ofd").join(name)
}

fn verify(name: &str, signer_cert: Option<Certificate>) -> Report {
    let bytes = std::fs::read(corpus(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let trust = TrustStore::new();
    let mut opts = OfdOptions::new(SealOptions::new(&trust, Time::parse("2026-11-24T00:00:00Z").unwrap()));
    opts.signer_certificates.extend(signer_cert);
    verify_ofd_bytes(&bytes, &opts)
}

/// The ofdrw test signer of 2020, as carried in the corpus seal signatures.
fn ofdrw_signer_2020() -> Certificate {
    let sig = SesSignature::decode(&std::fs::read(corpus("SignedValueV4.dat")).unwrap()).unwrap();
    Certificate::from_der(yinjian::seal::asn1::octets_of(sig.cert.as_ref().unwrap(), "cert").unwrap()).unwrap()
}

fn check<'a>(report: &'a Report, name: &str) -> &'a yinjian::Check {
    report
        .check(name)
        .unwrap_or_else(|| panic!("no {name} in\n{}", report.to_text()))
}

fn status(report: &Report, name: &str) -> (Status, Option<Reason>) {
    let c = check(report, name);
    (c.status, c.reason)
}

const OK: (Status, Option<Reason>) = (Status::Passed, None);

/// The seal-signature checks that the manifest says are fine in every Seal signature here.
fn assert_seal_intact(part: &Report, ctx: &str) {
    for name in [
        "seal.signature.value",
        "seal.data-hash",
        "seal.maker.signature",
        "seal.signer-binding",
    ] {
        assert_eq!(status(part, name), OK, "{ctx} {name}:\n{}", part.to_text());
    }
}

fn changed_files(part: &Report) -> Vec<String> {
    let details = &check(part, "ofd.references").details;
    details
        .get("changed")
        .and_then(|c| c.as_array())
        .map_or(Vec::new(), |list| {
            list.iter()
                .filter_map(|c| c["file"].as_str().map(str::to_owned))
                .collect()
        })
}

#[test]
fn intact_single_seal_documents() {
    if common::corpus("ofd").is_none() {
        return;
    }
    for name in [
        "1.ofd",
        "signedFile.ofd",
        "v4signed.ofd",
        "V4RideRight.ofd",
        "allprotected.ofd",
    ] {
        let report = verify(name, None);
        assert_eq!(report.parts.len(), 1, "{name}");
        let part = &report.parts[0];
        assert_eq!(status(part, "ofd.references"), OK, "{name}:\n{}", part.to_text());
        assert_seal_intact(part, name);
        assert_eq!(status(part, "seal.validity"), OK, "{name}");
        assert_eq!(status(part, "seal.signer.validity"), OK, "{name}");
        // The roots are not in the corpus: trust is indeterminate, nothing failed.
        assert_eq!(report.status, Status::Indeterminate, "{name}:\n{}", report.to_text());
        assert_eq!(
            status(part, "seal.signer.chain").1,
            Some(Reason::UntrustedChain),
            "{name}"
        );
    }
    // V4RideRight names its CheckMethod "SM3", 1.ofd by OID.
    assert!(check(&verify("V4RideRight.ofd", None).parts[0], "ofd.references")
        .message
        .contains("SM3"));
}

#[test]
fn pages_changed_after_sealing_are_named() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = verify("zsbk.ofd", None);
    assert_eq!(report.parts.len(), 2);
    for part in &report.parts {
        assert_eq!(status(part, "ofd.references").1, Some(Reason::ModifiedAfterSigning));
        assert_eq!(
            changed_files(part),
            vec!["Doc_0/Pages/Page_0/Content.xml", "Doc_0/Pages/Page_1/Content.xml"]
        );
        assert_seal_intact(part, "zsbk.ofd");
    }
    assert_eq!(report.status, Status::Failed);
    assert_eq!(report.reason, Some(Reason::ModifiedAfterSigning));
}

#[test]
fn edited_document_with_a_raw_seal_signature_and_a_cms_signature() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = verify("keyword-tongz.ofd", None);
    assert_eq!(report.parts.len(), 2);
    let (seal, sign) = (&report.parts[0], &report.parts[1]);
    let edited = vec!["Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml", "OFD.xml"];
    assert_eq!(changed_files(seal), edited);
    assert_eq!(changed_files(sign), edited);
    assert_seal_intact(seal, "keyword-tongz Sign_1");
    assert_eq!(check(seal, "seal.signature.value").details["encoding"], "raw");
    // Type=Sign: a GM/T 0010 SignedData over the SM3 digest of Signature.xml.
    assert_eq!(status(sign, "ofd.sign.content"), OK, "{}", sign.to_text());
    assert_eq!(status(sign, "cms.signature"), OK, "{}", sign.to_text());
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn a_seal_used_after_it_expired_fails() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = verify("SESV4SignDoc.ofd", None);
    let part = &report.parts[0];
    assert_eq!(status(part, "ofd.references"), OK);
    assert_seal_intact(part, "SESV4SignDoc");
    assert_eq!(status(part, "seal.validity").1, Some(Reason::Expired));
    assert_eq!(status(part, "seal.signer.validity").1, Some(Reason::Expired));
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn a_later_signature_rewriting_the_signature_list_is_allowed() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let report = verify("h.ofd", None);
    assert_eq!(report.parts.len(), 2);
    let (first, second) = (&report.parts[0], &report.parts[1]);
    assert_eq!(status(first, "ofd.references"), OK, "{}", first.to_text());
    assert_eq!(
        check(first, "ofd.references").details["changed_by_later_signature"][0],
        "Doc_0/Signs/Signatures.xml"
    );
    assert_eq!(status(second, "ofd.references"), OK);
    assert!(check(second, "ofd.references").details["changed_by_later_signature"]
        .as_array()
        .unwrap()
        .is_empty());
    for part in [first, second] {
        assert_seal_intact(part, "h.ofd");
    }
    assert_eq!(report.status, Status::Indeterminate, "only trust is unknown");
}

#[test]
fn a_bare_sm2_signature_verifies_with_the_signer_certificate_supplied() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let without = verify("DigitalSign.ofd", None);
    let part = &without.parts[0];
    assert_eq!(status(part, "ofd.references"), OK);
    assert_eq!(
        status(part, "ofd.sign.signature").1,
        Some(Reason::UntrustedChain),
        "no certificate: cannot tell"
    );
    let with = verify("DigitalSign.ofd", Some(ofdrw_signer_2020()));
    let part = &with.parts[0];
    assert_eq!(status(part, "ofd.sign.signature"), OK, "{}", part.to_text());
    assert_eq!(check(part, "ofd.sign.signature").details["encoding"], "der");
    // sign_cert.pem is ofdrw's 2021 test certificate, another key (OpenSSL agrees).
    let other = parse_all(&std::fs::read(corpus("sign_cert.pem")).unwrap())
        .unwrap()
        .remove(0);
    let wrong = verify("DigitalSign.ofd", Some(other));
    assert_eq!(
        status(&wrong.parts[0], "ofd.sign.signature").1,
        Some(Reason::BadSignature)
    );
}

#[test]
fn unsigned_documents_say_so() {
    if common::corpus("ofd").is_none() {
        return;
    }
    for name in ["helloworld.ofd", "hello-integrity.ofd"] {
        let report = verify(name, None);
        assert_eq!(report.status, Status::Indeterminate, "{name}");
        assert_eq!(report.reason, Some(Reason::NoSignature), "{name}");
        assert!(report.parts.is_empty());
    }
    let integrity = verify("hello-integrity.ofd", None);
    assert!(check(&integrity, "ofd.signatures")
        .details
        .contains_key("integrity_file"));
}

#[test]
fn every_corpus_document_reports_without_panicking() {
    if common::corpus("ofd").is_none() {
        return;
    }
    for entry in std::fs::read_dir(corpus("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "ofd") {
            let report = verify(path.file_name().unwrap().to_str().unwrap(), None);
            assert!(!report.checks.is_empty());
            serde_json::to_string(&report).unwrap();
        }
    }
}

/// The thread's caches (certificates, keys, seal signatures, package entries) change no
/// report: each corpus document verified cold, again with them filled, and again after
/// `forget_thread_caches`, gives the same JSON.
#[test]
fn reports_are_the_same_with_and_without_the_thread_caches() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let mut compared = 0;
    for entry in std::fs::read_dir(corpus("")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "ofd") {
            continue;
        }
        let name = path.file_name().unwrap().to_str().unwrap();
        yinjian::forget_thread_caches();
        let cold = serde_json::to_string(&verify(name, None)).unwrap();
        let warm = serde_json::to_string(&verify(name, None)).unwrap();
        yinjian::forget_thread_caches();
        let forgotten = serde_json::to_string(&verify(name, None)).unwrap();
        assert_eq!(cold, warm, "{name}: a cache changed the report");
        assert_eq!(cold, forgotten, "{name}");
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} corpus OFDs");
}
