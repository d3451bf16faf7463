//! `ofd::timestamp_signatures`: an RFC 3161 token added to each v4 seal signature proves it
//! existed while the signer's certificate was valid, so the signature still passes after that
//! certificate expired; nothing a signature covers changes; every case it cannot stamp is
//! named; the corpus's real products keep their verdicts.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use common::{cert, key, raw_entries, read_entry, replace_entry, t, vectors, TestPki};
use yinjian::cms::build::{CmsKey, Tsa, DEFAULT_TSA_POLICY};
use yinjian::ofd::{
    sign_ofd, timestamp_signatures, verify_ofd_bytes, OfdError, OfdOptions, OfdSigner, SkipReason, StampOutcome,
    TimestampSummary,
};
use yinjian::seal::SesSignature;
use yinjian::x509::{parse_all, Certificate};
use yinjian::{Reason, Report, Status};

/// When the test documents were sealed (sealed.ofd: 2026-06-01T08:00:00Z).
const GEN_TIME: &str = "2026-06-01T09:00:00Z";

/// After the signer certificate (leaf.pem, to 2029-01-01) and the seal-making certificate
/// expired, before the TSA's certificate does (2035-01-01).
const AFTER_EXPIRY: &str = "2030-01-01T00:00:00Z";

struct TsaFiles {
    key: CmsKey,
    cert: Certificate,
    chain: Vec<Certificate>,
}

impl TsaFiles {
    /// The SM2 TSA of gen-ofd-tsa.sh (issued by the test PKI's intermediate).
    fn sm2() -> TsaFiles {
        let dir = vectors().join("ofd/tsa");
        TsaFiles {
            key: CmsKey::parse(&std::fs::read(dir.join("tsa.key.pem")).unwrap()).unwrap(),
            cert: parse_all(&std::fs::read(dir.join("tsa.pem")).unwrap())
                .unwrap()
                .remove(0),
            chain: vec![cert("int")],
        }
    }

    /// The P-256 TSA of gen-cms.sh, under another root ("CMS Test Root").
    fn p256() -> TsaFiles {
        let dir = vectors().join("cms/pki");
        TsaFiles {
            key: CmsKey::parse(&std::fs::read(dir.join("ec-tsa.key.pem")).unwrap()).unwrap(),
            cert: parse_all(&std::fs::read(dir.join("ec-tsa.pem")).unwrap())
                .unwrap()
                .remove(0),
            chain: Vec::new(),
        }
    }

    fn tsa(&self) -> Tsa<'_> {
        Tsa {
            key: &self.key,
            cert: &self.cert,
            chain: &self.chain,
            policy: DEFAULT_TSA_POLICY,
        }
    }

    fn stamp(&self, doc: &[u8], at: &str) -> (Vec<u8>, TimestampSummary) {
        timestamp_signatures(doc, &self.tsa(), t(at)).unwrap()
    }
}

fn vector(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("ofd").join(name)).unwrap()
}

/// Verifies at `at` with the test PKI (root trusted, intermediate given, no revocation), and
/// `extra_anchor` trusted too.
fn verify_at(doc: &[u8], at: &str, extra_anchor: Option<Certificate>, signer: Option<Certificate>) -> Report {
    let mut pki = TestPki::new();
    if let Some(anchor) = extra_anchor {
        pki.trust.add_certificate(anchor, None);
    }
    let mut seal = pki.seal_options();
    seal.chain.at = t(at);
    let mut opts = OfdOptions::new(seal);
    opts.signer_certificates.extend(signer);
    verify_ofd_bytes(doc, &opts)
}

fn status(part: &Report, check: &str) -> Status {
    part.check(check)
        .unwrap_or_else(|| panic!("no {check} in\n{}", part.to_text()))
        .status
}

/// The entries that differ between two packages with the same names in the same order.
fn changed_entries(before: &[u8], after: &[u8]) -> Vec<String> {
    let (a, b) = (raw_entries(before), raw_entries(after));
    assert_eq!(
        a.iter().map(|e| &e.0).collect::<Vec<_>>(),
        b.iter().map(|e| &e.0).collect::<Vec<_>>(),
        "the entries and their order stay"
    );
    a.into_iter().zip(b).filter(|(x, y)| x != y).map(|(x, _)| x.0).collect()
}

fn skip_reasons(summary: &TimestampSummary) -> Vec<Option<SkipReason>> {
    summary
        .signatures
        .iter()
        .map(|s| match &s.outcome {
            StampOutcome::Skipped { why, .. } => Some(*why),
            _ => None,
        })
        .collect()
}

/// Seals `doc` once more with the v4 test seal (signer 张三) at `at`.
fn seal_again(doc: &[u8], at: &str) -> Vec<u8> {
    let seal = std::fs::read(vectors().join("seal/v4.esl")).unwrap();
    let (k, c) = (key("leaf"), cert("leaf"));
    let signer = OfdSigner::Seal {
        seal: &seal,
        key: &k,
        cert: c.der(),
    };
    sign_ofd(doc, &signer, None, t(at)).unwrap()
}

#[test]
fn a_stamped_seal_signature_passes_after_its_certificates_expired() {
    let sealed = vector("sealed.ofd");
    let tsa = TsaFiles::sm2();
    let (stamped, summary) = tsa.stamp(&sealed, GEN_TIME);
    assert_eq!(summary.stamped(), 1, "{summary:?}");
    let StampOutcome::Stamped {
        signed_value,
        imprint_algorithm,
        serial,
    } = &summary.signatures[0].outcome
    else {
        panic!("{summary:?}")
    };
    assert_eq!(signed_value, "Doc_0/Signs/Sign_0/SignedValue.dat");
    assert_eq!(*imprint_algorithm, "SM3");
    assert_eq!(serial.len(), 32);

    // Only the SignedValue changed; in it only the time-stamp was added.
    assert_eq!(changed_entries(&sealed, &stamped), vec![signed_value.clone()]);
    let (old, new) = (
        SesSignature::decode(&read_entry(&sealed, signed_value)).unwrap(),
        SesSignature::decode(&read_entry(&stamped, signed_value)).unwrap(),
    );
    assert!(old.time_stamp.is_none() && new.time_stamp.is_some());
    assert_eq!(
        (new.to_sign, new.cert, new.signature_alg, new.signature, new.extra),
        (old.to_sign, old.cert, old.signature_alg, old.signature, old.extra)
    );

    // While everything is valid: PASSED, the token's time proven.
    let report = verify_at(&stamped, "2027-06-01T00:00:00Z", None, None);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let part = &report.parts[0];
    let ts = part.check("seal.timestamp").unwrap();
    assert_eq!(ts.status, Status::Passed, "{}", part.to_text());
    assert_eq!(ts.details["gen_time"], GEN_TIME);
    assert_eq!(ts.details["claimed_time"], "2026-06-01T08:00:00Z");
    assert_eq!(part.subject.signing_time, Some(t(GEN_TIME)));
    assert_eq!(status(part, "ofd.references"), Status::Passed);

    // After the signer's and the seal maker's certificates expired: the unstamped document
    // has no proof of existence (INDETERMINATE), the stamped one passes by the token's time.
    let before = verify_at(&sealed, AFTER_EXPIRY, None, None);
    assert_eq!(before.status, Status::Indeterminate, "{}", before.to_text());
    let chain = before.parts[0].check("seal.signer.chain").unwrap();
    assert_eq!(chain.reason, Some(Reason::OutOfBoundsNoPoe), "{}", before.to_text());
    let after = verify_at(&stamped, AFTER_EXPIRY, None, None);
    assert_eq!(after.status, Status::Passed, "{}", after.to_text());
    let part = &after.parts[0];
    assert_eq!(status(part, "seal.timestamp"), Status::Passed);
    for name in ["seal.signer.chain", "seal.maker.chain"] {
        let check = part.check(name).unwrap();
        assert_eq!(check.status, Status::Passed, "{}", after.to_text());
        assert_eq!(check.details["validated_at"], GEN_TIME, "{name}");
    }

    // Once the TSA's certificate itself expired (2035), the token proves nothing at that
    // validation time and the signature is INDETERMINATE again, never PASSED.
    let late = verify_at(&stamped, "2036-01-01T00:00:00Z", None, None);
    assert_ne!(late.status, Status::Passed, "{}", late.to_text());
    assert_ne!(status(&late.parts[0], "seal.timestamp"), Status::Passed);
}

#[test]
fn a_tsa_under_another_root_counts_only_when_that_root_is_trusted() {
    let tsa = TsaFiles::p256();
    // Inside the P-256 TSA certificate's validity (made with gen-cms.sh, ten years).
    let gen = tsa.cert.not_before().to_string();
    let at = t(&gen).unix() + 86_400;
    let validate = yinjian::Time::from_unix(at).unwrap().to_string();
    let sealed = seal_again(&vector("unsigned.ofd"), &gen);
    let (stamped, summary) = tsa.stamp(&sealed, &gen);
    assert_eq!(summary.stamped(), 1, "{summary:?}");
    assert!(
        matches!(&summary.signatures[0].outcome, StampOutcome::Stamped { imprint_algorithm, .. } if *imprint_algorithm == "SHA-256"),
        "{summary:?}"
    );
    // OpenSSL, the independent oracle, verifies the token over the signature value.
    let signed_value = read_entry(&stamped, "Doc_0/Signs/Sign_0/SignedValue.dat");
    let wrapper = SesSignature::decode(&signed_value).unwrap().time_stamp.unwrap();
    let inner: der::asn1::Any = der::Decode::from_der(wrapper.value()).unwrap();
    let token = yinjian::seal::asn1::bits_of(&inner, "timeStamp").unwrap();
    let dir = common::scratch_dir("ofd-ts");
    std::fs::write(dir.join("token.der"), token).unwrap();
    std::fs::write(
        dir.join("value"),
        yinjian::seal::signature_value(&signed_value).unwrap(),
    )
    .unwrap();
    let out = std::process::Command::new("openssl")
        .args([
            "ts",
            "-verify",
            "-data",
            "value",
            "-in",
            "token.der",
            "-token_in",
            "-CAfile",
        ])
        .arg(vectors().join("cms/pki/root.pem"))
        .current_dir(&dir)
        .output()
        .expect("openssl 3");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Verification: OK"),
        "openssl ts -verify: {out:?}"
    );

    let untrusted = verify_at(&stamped, &validate, None, None);
    assert_ne!(status(&untrusted.parts[0], "seal.timestamp"), Status::Passed);
    assert_ne!(untrusted.status, Status::Passed, "{}", untrusted.to_text());
    let cms_root = parse_all(&std::fs::read(vectors().join("cms/pki/root.pem")).unwrap())
        .unwrap()
        .remove(0);
    let trusted = verify_at(&stamped, &validate, Some(cms_root), None);
    assert_eq!(trusted.status, Status::Passed, "{}", trusted.to_text());
    assert_eq!(status(&trusted.parts[0], "seal.timestamp"), Status::Passed);
}

#[test]
fn a_signed_value_another_signature_covers_is_left_alone() {
    // Two v4 seals: the second covers the first's folder, SignedValue.dat included.
    let twice = seal_again(&vector("sealed.ofd"), "2026-06-02T08:00:00Z");
    let tsa = TsaFiles::sm2();
    let (stamped, summary) = tsa.stamp(&twice, "2026-06-02T09:00:00Z");
    assert_eq!(
        skip_reasons(&summary),
        vec![Some(SkipReason::ProtectedByAnotherSignature), None],
        "{summary:?}"
    );
    let StampOutcome::Skipped { message, .. } = &summary.signatures[0].outcome else {
        unreachable!()
    };
    assert!(message.contains("Doc_0/Signs/Sign_1/Signature.xml"), "{message}");
    assert_eq!(
        changed_entries(&twice, &stamped),
        vec!["Doc_0/Signs/Sign_1/SignedValue.dat".to_owned()]
    );
    let report = verify_at(&stamped, "2027-06-01T00:00:00Z", None, None);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(status(&report.parts[1], "seal.timestamp"), Status::Passed);

    // Why: stamping the first anyway breaks the second signature's references.
    let first = "Doc_0/Signs/Sign_0/SignedValue.dat";
    let value = read_entry(&twice, first);
    let token = yinjian::cms::build::sign_timestamp_token(
        &tsa.tsa(),
        yinjian::alg::DigestAlgorithm::Sm3,
        &yinjian::alg::DigestAlgorithm::Sm3.digest(&yinjian::seal::signature_value(&value).unwrap()),
        &[1],
        t("2026-06-02T09:00:00Z"),
    )
    .unwrap();
    let forced = replace_entry(&twice, first, &yinjian::seal::add_time_stamp(&value, &token).unwrap());
    let report = verify_at(&forced, "2027-06-01T00:00:00Z", None, None);
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    let refs = report.parts[1].check("ofd.references").unwrap();
    assert_eq!(refs.reason, Some(Reason::ModifiedAfterSigning));
    assert!(refs.message.contains(first), "{}", refs.message);
}

#[test]
fn what_cannot_be_stamped_is_named_and_left_byte_for_byte() {
    let tsa = TsaFiles::sm2();
    // v4 covered by the later v1; the v1 has no timeStamp field.
    let twice = vector("sealed-twice.ofd");
    let (out, summary) = tsa.stamp(&twice, "2026-06-02T09:00:00Z");
    assert_eq!(
        skip_reasons(&summary),
        vec![Some(SkipReason::ProtectedByAnotherSignature), Some(SkipReason::V1Seal)]
    );
    assert!(changed_entries(&twice, &out).is_empty());

    // A plain SM2 signature.
    let signed = vector("signed.ofd");
    let (out, summary) = tsa.stamp(&signed, GEN_TIME);
    assert_eq!(skip_reasons(&summary), vec![Some(SkipReason::PlainSignature)]);
    assert!(changed_entries(&signed, &out).is_empty());

    // Stamped already: a second run changes nothing.
    let (once, _) = tsa.stamp(&vector("sealed.ofd"), GEN_TIME);
    let (again, summary) = tsa.stamp(&once, "2026-06-03T09:00:00Z");
    assert_eq!(skip_reasons(&summary), vec![Some(SkipReason::AlreadyTimeStamped)]);
    assert!(changed_entries(&once, &again).is_empty());

    // Times that prove nothing: before the claimed signing time, after the seal (2028-02-01)
    // or the signer certificate (2029-01-01) expired.
    for at in ["2026-06-01T07:59:59Z", "2028-03-01T00:00:00Z", "2029-06-01T00:00:00Z"] {
        let (out, summary) = tsa.stamp(&vector("sealed.ofd"), at);
        assert_eq!(skip_reasons(&summary), vec![Some(SkipReason::UnusableTime)], "{at}");
        assert!(changed_entries(&vector("sealed.ofd"), &out).is_empty());
    }

    // Unsigned: nothing to do.
    let (_, summary) = tsa.stamp(&vector("unsigned.ofd"), GEN_TIME);
    assert!(summary.signatures.is_empty());
}

#[test]
fn a_tsa_whose_key_is_not_its_certificates_is_refused() {
    let mut tsa = TsaFiles::sm2();
    tsa.key = CmsKey::parse(&std::fs::read(vectors().join("x509/sm2/keys/leaf.key.pem")).unwrap()).unwrap();
    let err = timestamp_signatures(&vector("sealed.ofd"), &tsa.tsa(), t(GEN_TIME)).unwrap_err();
    assert!(
        matches!(err, OfdError::Malformed(ref m) if m.contains("time-stamp authority")),
        "{err}"
    );
    // Not a package at all.
    let err = timestamp_signatures(b"not a zip", &tsa.tsa(), t(GEN_TIME)).unwrap_err();
    assert!(matches!(err, OfdError::Malformed(_)), "{err}");
}

/// The real products of the corpus (gomain, oesplugin, ofdrw-sign), each stamped an hour
/// after its claimed signing time — as an archive taking it in then would have — and verified
/// before and after at one validation time, the TSA's root trusted (the products' own roots
/// are not in the corpus, so their chains stay INDETERMINATE).
#[test]
fn corpus_products_keep_their_verdicts_and_gain_a_time_stamp() {
    let Some(dir) = common::corpus("ofd") else { return };
    let tsa = TsaFiles::sm2();
    // name → what each signature gets (None = stamped).
    let expected: &[(&str, &[Option<SkipReason>])] = &[
        ("1.ofd", &[None]),
        ("signedFile.ofd", &[None]),
        ("v4signed.ofd", &[None]),
        ("zsbk.ofd", &[Some(SkipReason::ProtectedByAnotherSignature), None]),
        (
            "keyword-tongz.ofd",
            &[
                Some(SkipReason::ProtectedByAnotherSignature),
                Some(SkipReason::PlainSignature),
            ],
        ),
        ("V4RideRight.ofd", &[None]),
        ("allprotected.ofd", &[None]),
        // Claimed 2026-08-04, the certificate and seal ended 2022: no usable time.
        ("SESV4SignDoc.ofd", &[Some(SkipReason::UnusableTime)]),
        ("h.ofd", &[Some(SkipReason::ProtectedByAnotherSignature), None]),
        ("DigitalSign.ofd", &[Some(SkipReason::PlainSignature)]),
    ];
    let validate = "2027-06-01T00:00:00Z";
    for (name, reasons) in expected {
        let doc = std::fs::read(dir.join(name)).unwrap();
        let before = verify_at(&doc, validate, None, None);
        let claimed = before
            .parts
            .iter()
            .filter_map(|p| p.subject.signing_time)
            .max()
            .unwrap_or_else(|| panic!("{name}: no signing time\n{}", before.to_text()));
        let gen = yinjian::Time::from_unix(claimed.unix() + 3600).unwrap();
        let (stamped, summary) = timestamp_signatures(&doc, &tsa.tsa(), gen).unwrap();
        assert_eq!(&skip_reasons(&summary), reasons, "{name}: {summary:#?}");
        let rewritten: Vec<String> = summary
            .signatures
            .iter()
            .filter_map(|s| match &s.outcome {
                StampOutcome::Stamped { signed_value, .. } => Some(signed_value.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(changed_entries(&doc, &stamped), rewritten, "{name}");

        let after = verify_at(&stamped, validate, None, None);
        assert_eq!(after.status, before.status, "{name}\n{}", after.to_text());
        assert_eq!(after.parts.len(), before.parts.len());
        for (i, (b, a)) in before.parts.iter().zip(&after.parts).enumerate() {
            assert_eq!(a.status, b.status, "{name} part {i}\n{}", a.to_text());
            let names = |r: &Report| r.checks.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
            assert_eq!(names(a), names(b), "{name} part {i}");
            for (cb, ca) in b.checks.iter().zip(&a.checks) {
                if ca.name == "seal.timestamp" {
                    continue;
                }
                assert_eq!(ca.status, cb.status, "{name} part {i} {}:\n{}", ca.name, a.to_text());
            }
            if reasons[i].is_none() {
                let ts = a.check("seal.timestamp").unwrap();
                assert_eq!(ts.status, Status::Passed, "{name} part {i}\n{}", a.to_text());
                assert_eq!(ts.details["gen_time"], gen.to_string());
            }
        }
        println!(
            "{name}: {:?} → {:?}, {} of {} signature(s) stamped",
            before.status,
            after.status,
            summary.stamped(),
            summary.signatures.len()
        );
    }
}

#[test]
fn a_token_over_something_else_proves_nothing() {
    // A token over the SM3 of the whole SignedValue file, not of the signature value.
    let sealed = vector("sealed.ofd");
    let name = "Doc_0/Signs/Sign_0/SignedValue.dat";
    let value = read_entry(&sealed, name);
    let tsa = TsaFiles::sm2();
    let sm3 = yinjian::alg::DigestAlgorithm::Sm3;
    let token =
        yinjian::cms::build::sign_timestamp_token(&tsa.tsa(), sm3, &sm3.digest(&value), &[7], t(GEN_TIME)).unwrap();
    let wrong = replace_entry(&sealed, name, &yinjian::seal::add_time_stamp(&value, &token).unwrap());
    let report = verify_at(&wrong, AFTER_EXPIRY, None, None);
    let part = &report.parts[0];
    let ts = part.check("seal.timestamp").unwrap();
    assert_eq!(ts.status, Status::Failed, "{}", part.to_text());
    assert_eq!(ts.reason, Some(Reason::HashMismatch));
    // No proof: the chains are judged at the validation time, after the expiry.
    assert_eq!(
        part.check("seal.signer.chain").unwrap().reason,
        Some(Reason::OutOfBoundsNoPoe),
        "{}",
        part.to_text()
    );
    assert_ne!(report.status, Status::Passed);
}
