//! Seals and seal signatures from real products (`../shared/corpus/ofd`, see its MANIFEST.md):
//! every one decodes, re-encodes byte for byte, and gives the outcome the manifest states.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use std::io::Read;
use std::path::PathBuf;

use yinjian::seal::{verify_seal, verify_seal_signature, ProtectedData, Seal, SealOptions, SealVersion, SesSignature};
use yinjian::x509::TrustStore;
use yinjian::{Reason, Report, Status, Time};

/// The corpus OFD folder; the tests that read it return early without it.
fn corpus() -> PathBuf {
    common::corpus_root().join("ofd")
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(corpus().join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn status_of(report: &Report, check: &str) -> (Status, Option<Reason>) {
    let c = report
        .check(check)
        .unwrap_or_else(|| panic!("no check {check} in {}", report.to_text()));
    (c.status, c.reason)
}

const PASSED: (Status, Option<Reason>) = (Status::Passed, None);

fn now() -> Time {
    Time::parse("2026-11-24T00:00:00Z").unwrap()
}

#[test]
fn standalone_seals_round_trip_and_maker_signatures_verify() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let trust = TrustStore::new();
    let opts = SealOptions::new(&trust, now());
    for (name, version) in [
        ("UserV1.esl", SealVersion::V1),
        ("UserV4.esl", SealVersion::V4),
        ("UserV5.esl", SealVersion::V4),
        ("UserV5_ts.esl", SealVersion::V4),
        ("SESealData.DER", SealVersion::V4),
    ] {
        let der = read(name);
        let seal = Seal::decode(&der).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(seal.version, version, "{name}");
        assert_eq!(seal.encode().unwrap(), der, "{name} re-encodes byte for byte");
        let details = seal.details().unwrap();
        assert!(
            !details.name.is_empty() && details.picture_bytes > 0,
            "{name}: {details:?}"
        );
        let report = verify_seal(&der, &opts);
        if name == "SESealData.DER" {
            // ofdrw's test data: decodes; its maker signature is not claimed to verify.
            continue;
        }
        assert_eq!(
            status_of(&report, "seal.maker.signature"),
            PASSED,
            "{name}: {}",
            report.to_text()
        );
        let signed_input = &report.check("seal.maker.signature").unwrap().details["signed_input"];
        let want = if version == SealVersion::V1 {
            "DER SEQUENCE{SES_SealInfo, cert, signatureAlgorithm}"
        } else {
            "DER(SES_SealInfo)"
        };
        assert_eq!(signed_input, want, "{name}");
        // No anchors here: the maker's chain cannot be trusted.
        assert_eq!(
            status_of(&report, "seal.maker.chain").1,
            Some(Reason::UntrustedChain),
            "{name}"
        );
    }
    let details = Seal::decode(&read("UserV4.esl")).unwrap().details().unwrap();
    assert_eq!(details.name, "OFD R&W 测试用印章");
    assert_eq!(
        (details.picture_type.as_str(), details.width_mm, details.height_mm),
        ("PNG", 40, 40)
    );
    assert!(
        Seal::decode(&read("UserV5_ts.esl")).unwrap().extra.len() == 1,
        "the [0] element is kept"
    );
}

#[test]
fn bare_signed_values_verify_apart_from_their_unknown_data() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let trust = TrustStore::new();
    let opts = SealOptions::new(&trust, now());
    for name in ["SignedValueV4.dat", "SignedValueV5.dat"] {
        let der = read(name);
        let sig = SesSignature::decode(&der).unwrap();
        assert_eq!(sig.encode().unwrap(), der, "{name} re-encodes byte for byte");
        // The Signature.xml these signed is not in the corpus: the data hash must not match other data.
        let report = verify_seal_signature(&der, ProtectedData::Bytes(b"not the signed file"), &opts);
        assert_eq!(
            status_of(&report, "seal.signature.value"),
            PASSED,
            "{name}: {}",
            report.to_text()
        );
        assert_eq!(status_of(&report, "seal.maker.signature"), PASSED, "{name}");
        assert_eq!(status_of(&report, "seal.signer-binding"), PASSED, "{name}");
        assert_eq!(
            status_of(&report, "seal.data-hash").1,
            Some(Reason::HashMismatch),
            "{name}"
        );
        assert_eq!(report.status, Status::Failed);
    }
}

/// (file, signature folder, what the manifest says)
const IN_DOCUMENTS: &[(&str, &str, Expect)] = &[
    ("1.ofd", "Sign_0", Expect::Good),
    ("signedFile.ofd", "Sign_0", Expect::Good),
    ("v4signed.ofd", "Sign_0", Expect::Good),
    ("zsbk.ofd", "Sign_0", Expect::Good),
    ("zsbk.ofd", "Sign_1", Expect::Good),
    ("keyword-tongz.ofd", "Sign_1", Expect::GoodRaw),
    ("V4RideRight.ofd", "Sign_0", Expect::Good),
    ("allprotected.ofd", "Sign_0", Expect::Good),
    ("h.ofd", "Sign_0", Expect::Good),
    ("h.ofd", "Sign_1", Expect::Good),
    ("SESV4SignDoc.ofd", "Sign_0", Expect::SignedWhenExpired),
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Good,
    GoodRaw,
    SignedWhenExpired,
}

fn entry(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_end(&mut out)
        .unwrap();
    out
}

#[test]
fn seal_signatures_inside_corpus_documents() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let trust = TrustStore::new();
    let opts = SealOptions::new(&trust, now());
    for (file, sign, expect) in IN_DOCUMENTS {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(corpus().join(file)).unwrap()).unwrap();
        let der = entry(&mut zip, &format!("Doc_0/Signs/{sign}/SignedValue.dat"));
        let xml = entry(&mut zip, &format!("Doc_0/Signs/{sign}/Signature.xml"));
        let sig = SesSignature::decode(&der).unwrap_or_else(|e| panic!("{file} {sign}: {e}"));
        assert_eq!(sig.encode().unwrap(), der, "{file} {sign} re-encodes byte for byte");
        let report = verify_seal_signature(&der, ProtectedData::Bytes(&xml), &opts);
        let ctx = format!("{file} {sign}:\n{}", report.to_text());
        for check in [
            "seal.signature.value",
            "seal.data-hash",
            "seal.maker.signature",
            "seal.signer-binding",
            "seal.header",
        ] {
            assert_eq!(status_of(&report, check), PASSED, "{check} {ctx}");
        }
        let encoding = &report.check("seal.signature.value").unwrap().details["encoding"];
        assert_eq!(
            encoding,
            if *expect == Expect::GoodRaw { "raw" } else { "der" },
            "{ctx}"
        );
        match expect {
            Expect::Good | Expect::GoodRaw => {
                assert_eq!(status_of(&report, "seal.validity"), PASSED, "{ctx}");
                assert_eq!(status_of(&report, "seal.signer.validity"), PASSED, "{ctx}");
                // Roots are not in the corpus: trust is indeterminate, never passed or failed.
                assert_eq!(report.status, Status::Indeterminate, "{ctx}");
            }
            Expect::SignedWhenExpired => {
                assert_eq!(status_of(&report, "seal.validity").1, Some(Reason::Expired), "{ctx}");
                assert_eq!(
                    status_of(&report, "seal.signer.validity").1,
                    Some(Reason::Expired),
                    "{ctx}"
                );
                assert_eq!(report.status, Status::Failed, "{ctx}");
            }
        }
    }
}

#[test]
fn plain_signatures_are_not_seal_signatures() {
    if common::corpus("ofd").is_none() {
        return;
    }
    for (file, name) in [
        ("DigitalSign.ofd", "Doc_0/Signs/Sign_0/SignedValue.dat"),
        ("keyword-tongz.ofd", "Doc_0/Signs/Sign_3/SignedValue.dat"),
    ] {
        let mut zip = zip::ZipArchive::new(std::fs::File::open(corpus().join(file)).unwrap()).unwrap();
        let der = entry(&mut zip, name);
        assert!(
            SesSignature::decode(&der).is_err(),
            "{file}: a Type=Sign value is not an SES_Signature"
        );
    }
}
