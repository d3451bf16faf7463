//! `pdf::ltv`: making a signed PDF LTV. A PDF signed with the CMS test PKI
//! (test-vectors/cms/pki) gets a DSS with the chain, the root's CRL and an OCSP response
//! (test-vectors/gen/gen-pdf-ltv.sh) and document time-stamps by the test TSAs; every step is
//! append-only, the change analysis calls it LTA updates, every signature still verifies (with
//! revocation data required: the DSS supplies it), and the format level goes B-T → B-LT →
//! B-LTA. Running it again (archive renewal) keeps the earlier DSS data.

#[allow(dead_code)] // each test crate uses part of the shared helpers
mod common;

use common::{t, vectors};
use lopdf::Object;
use yinjian::alg::DigestAlgorithm;
use yinjian::cms::build::{sign_timestamp_token, CmsKey, Tsa, DEFAULT_TSA_POLICY};
use yinjian::pdf::document::{self, signature_fields, PdfDocument, SignatureValue};
use yinjian::pdf::ltv::vri_key;
use yinjian::pdf::{
    add_document_timestamp, add_validation_data, embed_document_timestamp, prepare_document_timestamp, sign_pdf,
    verify_pdf, PdfOptions, PdfSignOptions, PdfSigner, ValidationData,
};
use yinjian::seal::SealOptions;
use yinjian::x509::{parse_all, Certificate, Crl, RevocationPolicy, TrustStore};
use yinjian::{Report, Status};

const SIGNING_TIME: &str = "2027-05-01T08:00:00Z";
const VALIDATION_TIME: &str = "2027-06-01T00:00:00Z";

fn read(path: &str) -> Vec<u8> {
    std::fs::read(vectors().join(path)).unwrap()
}

fn pem_cert(name: &str) -> Certificate {
    parse_all(&read(&format!("cms/pki/{name}.pem"))).unwrap().remove(0)
}

fn pem_key(name: &str) -> CmsKey {
    CmsKey::parse(&read(&format!("cms/pki/{name}.key.pem"))).unwrap()
}

/// test-vectors/pdf/unsigned.pdf signed by the RSA signer (no chain in the CMS: the root
/// comes from the certificates given to the LTV step).
fn signed() -> Vec<u8> {
    let (key, cert) = (pem_key("rsa-signer"), pem_cert("rsa-signer"));
    let signer = PdfSigner {
        key: &key,
        certificate: &cert,
        chain: &[],
    };
    sign_pdf(
        &read("pdf/unsigned.pdf"),
        &signer,
        &PdfSignOptions::new(t(SIGNING_TIME)),
    )
    .unwrap()
}

/// The root, its CRL and the RSA signer's OCSP response.
fn validation_data() -> ValidationData {
    ValidationData {
        certs: vec![pem_cert("root")],
        crls: vec![Crl::from_der(&read("pdf/ltv/root.crl")).unwrap()],
        ocsps: vec![read("pdf/ltv/rsa-signer-ocsp.der")],
    }
}

fn timestamp(input: &[u8], tsa: &str, at: &str) -> Vec<u8> {
    let (key, cert) = (pem_key(tsa), pem_cert(tsa));
    let tsa = Tsa {
        key: &key,
        cert: &cert,
        chain: &[],
        policy: DEFAULT_TSA_POLICY,
    };
    let out = add_document_timestamp(input, &tsa, at.as_bytes(), t(at)).unwrap();
    assert_eq!(&out[..input.len()], input, "the input must be an exact prefix");
    out
}

fn dss(input: &[u8], data: &ValidationData) -> Vec<u8> {
    let (out, summary) = add_validation_data(input, data, Some(t(VALIDATION_TIME))).unwrap();
    assert_eq!(&out[..input.len()], input, "the input must be an exact prefix");
    for sig in &summary.signatures {
        assert!(sig.gaps.is_empty(), "{sig:?}");
    }
    out
}

/// Verifies with "CMS Test Root" trusted and revocation data required (only the DSS has it).
fn verify(doc: &[u8]) -> Report {
    let mut trust = TrustStore::new();
    trust.add_certificate(pem_cert("root"), None);
    let mut opts = SealOptions::new(&trust, t(VALIDATION_TIME));
    opts.chain.revocation = RevocationPolicy::Required;
    verify_pdf(doc, &PdfOptions::new(opts))
}

fn detail(part: &Report, check: &str, key: &str) -> String {
    let c = part
        .check(check)
        .unwrap_or_else(|| panic!("no {check}: {}", part.to_json_pretty()));
    match &c.details[key] {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Every signature PASSED; the format level of each; the modification level of the first.
fn levels(doc: &[u8]) -> (Vec<String>, String) {
    let report = verify(doc);
    assert_eq!(report.status, Status::Passed, "{}", report.to_json_pretty());
    for part in &report.parts {
        assert_eq!(part.status, Status::Passed, "{}", part.to_json_pretty());
    }
    let formats = report.parts.iter().map(|p| detail(p, "pdf.format", "level")).collect();
    (formats, detail(&report.parts[0], "pdf.modifications", "level"))
}

/// The DSS of the last revision, and the /VRI keys.
fn dss_of(doc: &[u8]) -> (document::Dss, Vec<String>) {
    let parsed = PdfDocument::parse(doc).unwrap();
    let last = parsed.last();
    let dss = document::dss(last).expect("a DSS");
    let vri = last
        .catalog()
        .ok()
        .and_then(|c| document::deref(last, c.get(b"DSS").ok()))
        .and_then(|d| d.as_dict().ok())
        .and_then(|d| document::deref(last, d.get(b"VRI").ok()))
        .and_then(|v| v.as_dict().ok())
        .map(|v| v.iter().map(|(k, _)| String::from_utf8_lossy(k).into_owned()).collect())
        .unwrap_or_default();
    (dss, vri)
}

/// The /Contents of every signature, in field order.
fn contents(doc: &[u8]) -> Vec<Vec<u8>> {
    let parsed = PdfDocument::parse(doc).unwrap();
    let last = parsed.last();
    signature_fields(last)
        .unwrap()
        .iter()
        .filter_map(|f| SignatureValue::read(last, f.value.as_ref()?).contents)
        .collect()
}

#[test]
fn without_revocation_data_the_signature_is_not_passed() {
    let report = verify(&signed());
    assert_ne!(report.status, Status::Passed, "{}", report.to_json_pretty());
}

#[test]
fn b_t_then_b_lt_then_b_lta() {
    let signed = signed();
    // A document time-stamp first: B-T.
    let b_t = timestamp(&signed, "ec-tsa", "2027-05-02T08:00:00Z");
    // The DSS: B-LT.
    let b_lt = dss(&b_t, &validation_data());
    let (formats, modifications) = levels(&b_lt);
    assert_eq!(formats, ["PAdES-B-LT", "PAdES-DTS"]);
    assert_eq!(modifications, "LTA_UPDATES");
    let (dss, vri) = dss_of(&b_lt);
    let root = pem_cert("root");
    for c in [pem_cert("rsa-signer"), pem_cert("ec-tsa"), root] {
        assert!(dss.certs.iter().any(|d| d == c.der()), "{} in /Certs", c.subject());
    }
    assert_eq!(dss.crls, [read("pdf/ltv/root.crl")]);
    assert_eq!(dss.ocsps, [read("pdf/ltv/rsa-signer-ocsp.der")]);
    let keys: Vec<String> = contents(&b_lt).iter().map(|c| vri_key(c)).collect();
    assert_eq!(keys.len(), 2);
    for key in &keys {
        assert!(vri.contains(key), "VRI {key} in {vri:?}");
        assert_eq!(key.len(), 40);
        assert!(key.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
    }
    // Another document time-stamp over the DSS: B-LTA.
    let b_lta = timestamp(&b_lt, "rsa-tsa", "2027-05-03T08:00:00Z");
    let (formats, modifications) = levels(&b_lta);
    assert_eq!(formats, ["PAdES-B-LTA", "PAdES-DTS", "PAdES-DTS"]);
    assert_eq!(modifications, "LTA_UPDATES");
}

#[test]
fn dss_then_timestamp_is_b_lta_and_renewal_keeps_the_first_dss() {
    let signed = signed();
    let with_dss = dss(&signed, &validation_data());
    // No time-stamp yet: B-B with a DSS, still PASSED (the DSS supplies the revocation data).
    let (formats, modifications) = levels(&with_dss);
    assert_eq!(formats, ["PAdES-B-B"]);
    assert_eq!(modifications, "LTA_UPDATES");
    let first = timestamp(&with_dss, "rsa-tsa", "2027-05-02T08:00:00Z");
    assert_eq!(levels(&first).0, ["PAdES-B-LTA", "PAdES-DTS"]);
    let (dss1, vri1) = dss_of(&first);

    // Renewal: new data for the first time-stamp's TSA (nothing new to give: the same CRL
    // covers it), then a new time-stamp over everything.
    let renewed_dss = dss(&first, &validation_data());
    let renewed = timestamp(&renewed_dss, "ec-tsa", "2027-05-20T08:00:00Z");
    let (formats, modifications) = levels(&renewed);
    assert_eq!(formats, ["PAdES-B-LTA", "PAdES-DTS", "PAdES-DTS"]);
    assert_eq!(modifications, "LTA_UPDATES");
    let (dss2, vri2) = dss_of(&renewed);
    for der in &dss1.certs {
        assert!(dss2.certs.contains(der), "an earlier DSS certificate kept");
    }
    assert!(
        dss2.certs.iter().any(|d| d == pem_cert("rsa-tsa").der()),
        "the first time-stamp's TSA added"
    );
    assert_eq!(dss2.crls, dss1.crls, "the CRL is not written twice");
    for key in &vri1 {
        assert!(vri2.contains(key), "an earlier /VRI entry kept");
    }
    assert_eq!(vri2.len(), 2, "the signature and the first time-stamp: {vri2:?}");
    // The earlier DSS streams were not rewritten: the renewal only appended.
    assert_eq!(&renewed[..first.len()], &first[..]);
}

#[test]
fn a_tampered_byte_in_the_first_revision_still_fails() {
    let signed = signed();
    let signed_len = signed.len();
    let mut doc = timestamp(&dss(&signed, &validation_data()), "rsa-tsa", "2027-05-02T08:00:00Z");
    // A byte of the page content (inside the first revision, outside /Contents).
    let at = doc.windows(6).position(|w| w == b"stream").unwrap() + 8;
    assert!(at < signed_len);
    doc[at] ^= 0x01;
    let report = verify(&doc);
    assert_eq!(report.status, Status::Failed, "{}", report.to_json_pretty());
    assert_eq!(report.parts[0].status, Status::Failed);
}

#[test]
fn two_step_timestamp_with_an_outside_token() {
    let with_dss = dss(&signed(), &validation_data());
    let (prepared, digest) =
        prepare_document_timestamp(&with_dss, DigestAlgorithm::Sha256, 8192, t("2027-05-02T08:00:00Z")).unwrap();
    assert_eq!(&prepared[..with_dss.len()], &with_dss[..]);
    let (key, cert) = (pem_key("rsa-tsa"), pem_cert("rsa-tsa"));
    let tsa = Tsa {
        key: &key,
        cert: &cert,
        chain: &[],
        policy: DEFAULT_TSA_POLICY,
    };
    let token = sign_timestamp_token(
        &tsa,
        DigestAlgorithm::Sha256,
        &digest,
        b"\x01",
        t("2027-05-02T08:00:00Z"),
    )
    .unwrap();
    let done = embed_document_timestamp(&prepared, &token).unwrap();
    assert_eq!(done.len(), prepared.len());
    assert_eq!(levels(&done).0, ["PAdES-B-LTA", "PAdES-DTS"]);
    // A token over other data is refused.
    let other = sign_timestamp_token(
        &tsa,
        DigestAlgorithm::Sha256,
        &DigestAlgorithm::Sha256.digest(b"other"),
        b"\x02",
        t("2027-05-02T08:00:00Z"),
    )
    .unwrap();
    assert!(embed_document_timestamp(&prepared, &other).is_err());
    // A file without an empty time-stamp is refused.
    assert!(embed_document_timestamp(&done, &token).is_err());
}

#[test]
fn refusals_and_gaps() {
    // No signature: nothing to add data for.
    assert!(add_validation_data(&read("pdf/unsigned.pdf"), &validation_data(), None).is_err());
    // No root and no revocation data given: the gaps are named.
    let (_, summary) = add_validation_data(&signed(), &ValidationData::default(), None).unwrap();
    let gaps = &summary.signatures[0].gaps;
    assert!(gaps.iter().any(|g| g.contains("no issuer certificate")), "{gaps:?}");
    assert!(gaps.iter().any(|g| g.contains("no CRL or OCSP")), "{gaps:?}");
    // A CRL of another CA goes into the DSS, in no /VRI entry.
    let mut data = validation_data();
    data.crls.extend(
        Crl::parse_all(&read("x509/sm2/crls/int-crl.pem"))
            .unwrap()
            .into_iter()
            .take(1),
    );
    let (out, summary) = add_validation_data(&signed(), &data, None).unwrap();
    assert_eq!(summary.unmatched, 1);
    assert_eq!(summary.crls_added, 2);
    assert_eq!(dss_of(&out).0.crls.len(), 2);
    // The VRI entry lists only the matching CRL.
    let parsed = PdfDocument::parse(&out).unwrap();
    let last = parsed.last();
    let key = vri_key(&contents(&out)[0]);
    let entry = last
        .catalog()
        .ok()
        .and_then(|c| document::deref(last, c.get(b"DSS").ok()))
        .and_then(|d| d.as_dict().ok())
        .and_then(|d| d.get(b"VRI").ok())
        .and_then(|v| v.as_dict().ok())
        .and_then(|v| v.get(key.as_bytes()).ok())
        .and_then(|e| e.as_dict().ok())
        .cloned()
        .unwrap();
    let crls = entry.get(b"CRL").and_then(Object::as_array).unwrap();
    assert_eq!(crls.len(), 1);
}

#[test]
fn data_given_twice_is_listed_once() {
    let mut data = validation_data();
    data.crls.push(data.crls[0].clone());
    data.ocsps.push(data.ocsps[0].clone());
    let once = dss(&signed(), &data);
    // Again, with the same data already in the DSS.
    let (twice, summary) = add_validation_data(&once, &data, None).unwrap();
    assert_eq!(
        (summary.crls_added, summary.ocsps_added, summary.certs_added),
        (0, 0, 0)
    );
    assert_eq!((summary.signatures[0].crls, summary.signatures[0].ocsps), (1, 1));
    let (dss, vri) = dss_of(&twice);
    assert_eq!((dss.crls.len(), dss.ocsps.len(), vri.len()), (1, 1, 1));
}

#[test]
fn a_certification_allowing_no_changes_stays_passed() {
    // pyHanko certified it with DocMDP P=1 and a signature time-stamp (B-T).
    let certified = read("pdf/ltv/pyhanko-certified-p1.pdf");
    let report = verify(&certified);
    assert_ne!(report.status, Status::Passed, "no revocation data yet");
    // The DSS after a signature time-stamp: B-LT at once.
    let b_lt = dss(&certified, &validation_data());
    let (formats, modifications) = levels(&b_lt);
    assert_eq!(formats, ["PAdES-B-LT"]);
    assert_eq!(modifications, "LTA_UPDATES");
    assert_eq!(detail(&verify(&b_lt).parts[0], "pdf.modifications", "permission"), "1");
    // The signature time-stamp's TSA is in the /VRI entry's chain.
    let (dss, _) = dss_of(&b_lt);
    assert!(dss.certs.iter().any(|d| d == pem_cert("rsa-tsa").der()));
    let b_lta = timestamp(&b_lt, "ec-tsa", "2027-05-02T08:00:00Z");
    let (formats, modifications) = levels(&b_lta);
    assert_eq!(formats, ["PAdES-B-LTA", "PAdES-DTS"]);
    assert_eq!(modifications, "LTA_UPDATES");
    // Signing it is refused (P=1 allows validation data and time-stamps only).
    let (key, cert) = (pem_key("ec-signer"), pem_cert("ec-signer"));
    let signer = PdfSigner {
        key: &key,
        certificate: &cert,
        chain: &[],
    };
    assert!(sign_pdf(&b_lta, &signer, &PdfSignOptions::new(t(SIGNING_TIME))).is_err());
}

#[test]
fn an_ocsp_response_mentions_only_its_certificate() {
    let ocsp = yinjian::x509::OcspResponseInfo::from_der(&read("pdf/ltv/rsa-signer-ocsp.der")).unwrap();
    assert!(ocsp.mentions(&pem_cert("rsa-signer")));
    for other in ["ec-signer", "rsa-tsa", "root"] {
        assert!(!ocsp.mentions(&pem_cert(other)), "{other}");
    }
}
