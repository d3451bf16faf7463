//! `ofd::sign_ofd` against the OFD verifier and OpenSSL: what it signs verifies, a second
//! signature covers the first, the input's entries survive byte for byte, and a page changed
//! afterwards is named.

mod common;

use common::{cert, key, openssl_sm2_verify, raw_entries, read_entry, replace_entry, t, vectors, TestPki};
use yinjian::ofd::{sign_ofd, verify_ofd_bytes, OfdOptions, OfdSigner, StampPlacement};
use yinjian::x509::Certificate;
use yinjian::{Reason, Report, Status};

fn corpus(name: &str) -> Vec<u8> {
    // The tests that read one return early without the corpus.
    let path = common::corpus_root().join("ofd").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn seal(name: &str) -> Vec<u8> {
    std::fs::read(vectors().join("seal").join(name)).unwrap()
}

fn unsigned() -> Vec<u8> {
    std::fs::read(vectors().join("ofd/unsigned.ofd")).unwrap()
}

const STAMP: StampPlacement = StampPlacement {
    page_index: 0,
    x: 120.0,
    y: 60.0,
    width: 40.0,
    height: 40.0,
};

/// Seals `doc` with the v4 or v1 test seal, signer 张三 (leaf.pem).
fn seal_with(doc: &[u8], seal_file: &str, placement: Option<StampPlacement>, at: &str) -> Vec<u8> {
    let (k, c, s) = (key("leaf"), cert("leaf"), seal(seal_file));
    let signer = OfdSigner::Seal {
        seal: &s,
        key: &k,
        cert: c.der(),
    };
    sign_ofd(doc, &signer, placement, t(at)).unwrap()
}

fn sign_plain(doc: &[u8]) -> Vec<u8> {
    let (k, c) = (key("leaf"), cert("leaf"));
    let signer = OfdSigner::Plain { key: &k, cert: c.der() };
    sign_ofd(doc, &signer, None, t("2026-06-01T08:00:00Z")).unwrap()
}

/// Verifies with the test root trusted, the intermediate given, at 2027-06-01, no revocation.
fn verify(doc: &[u8], signer: Option<Certificate>) -> Report {
    let pki = TestPki::new();
    let mut opts = OfdOptions::new(pki.seal_options());
    opts.signer_certificates.extend(signer);
    verify_ofd_bytes(doc, &opts)
}

fn references_detail(part: &Report, key: &str) -> Vec<String> {
    let check = part.check("ofd.references").expect("ofd.references");
    check
        .details
        .get(key)
        .and_then(|v| v.as_array())
        .map_or(Vec::new(), |list| {
            list.iter()
                .filter_map(|v| v.as_str().or_else(|| v["file"].as_str()).map(str::to_owned))
                .collect()
        })
}

#[test]
fn one_seal_passes_with_its_stamp() {
    let doc = seal_with(&unsigned(), "v4.esl", Some(STAMP), "2026-06-01T08:00:00Z");
    let report = verify(&doc, None);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.parts.len(), 1);
    let part = &report.parts[0];
    assert_eq!(part.check("ofd.seal-file").unwrap().status, Status::Passed);
    let stamp = part.check("ofd.stamp").expect("stamp");
    assert!(stamp.message.contains("page 1 at [120 60 40 40]"), "{}", stamp.message);
    assert_eq!(
        report.check("ofd.coverage").unwrap().details["uncovered"],
        serde_json::json!([])
    );

    // The layout written.
    let sig_xml = String::from_utf8(read_entry(&doc, "Doc_0/Signs/Sign_0/Signature.xml")).unwrap();
    for needle in [
        r#"<ofd:References CheckMethod="1.2.156.10197.1.401">"#,
        r#"<ofd:Reference FileRef="/Doc_0/Pages/Page_0/Content.xml">"#,
        r#"<ofd:Reference FileRef="/OFD.xml">"#,
        r#"<ofd:StampAnnot ID="s002" PageRef="1" Boundary="120 60 40 40"/>"#,
        "<ofd:Seal><ofd:BaseLoc>/Doc_0/Signs/Sign_0/Seal.esl</ofd:BaseLoc></ofd:Seal>",
        "<ofd:SignedValue>/Doc_0/Signs/Sign_0/SignedValue.dat</ofd:SignedValue>",
    ] {
        assert!(sig_xml.contains(needle), "{needle} not in {sig_xml}");
    }
    assert!(!sig_xml.contains("Signatures.xml"), "the list is not referenced");
    let ofd_xml = String::from_utf8(read_entry(&doc, "OFD.xml")).unwrap();
    assert!(ofd_xml.contains("<ofd:Signatures>Doc_0/Signs/Signatures.xml</ofd:Signatures></ofd:DocBody>"));
    let list = String::from_utf8(read_entry(&doc, "Doc_0/Signs/Signatures.xml")).unwrap();
    assert!(list.contains(r#"<ofd:MaxSignId>s002</ofd:MaxSignId><ofd:Signature ID="s001" Type="Seal" BaseLoc="/Doc_0/Signs/Sign_0/Signature.xml"/>"#), "{list}");

    // The seal signature's propertyInfo and dataHash.
    let sv = yinjian::seal::SesSignature::decode(&read_entry(&doc, "Doc_0/Signs/Sign_0/SignedValue.dat")).unwrap();
    let info = yinjian::seal::asn1::text_of(&sv.to_sign.property_info, "propertyInfo").unwrap();
    assert_eq!(info, "/Doc_0/Signs/Sign_0/Signature.xml");
}

#[test]
fn a_second_signature_covers_the_first() {
    let once = seal_with(&unsigned(), "v4.esl", Some(STAMP), "2026-06-01T08:00:00Z");
    let twice = seal_with(&once, "v1.esl", None, "2026-06-02T08:00:00Z");
    let report = verify(&twice, None);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.parts.len(), 2);
    for part in &report.parts {
        assert_eq!(part.status, Status::Passed, "{}", part.to_text());
    }
    // The first signature never referenced the list, so the rewritten list is no change to it.
    assert_eq!(
        references_detail(&report.parts[0], "changed_by_later_signature"),
        Vec::<String>::new()
    );
    let second = String::from_utf8(read_entry(&twice, "Doc_0/Signs/Sign_1/Signature.xml")).unwrap();
    for file in ["Seal.esl", "Signature.xml", "SignedValue.dat"] {
        assert!(
            second.contains(&format!(r#"FileRef="/Doc_0/Signs/Sign_0/{file}""#)),
            "{file} not covered: {second}"
        );
    }
    let list = String::from_utf8(read_entry(&twice, "Doc_0/Signs/Signatures.xml")).unwrap();
    assert!(list.contains("<ofd:MaxSignId>s003</ofd:MaxSignId>"), "{list}");
    assert!(
        list.contains(
            r#"<ofd:Signature ID="s003" Type="Seal" BaseLoc="/Doc_0/Signs/Sign_1/Signature.xml"/></ofd:Signatures>"#
        ),
        "{list}"
    );
    assert_eq!(list.matches("MaxSignId>").count(), 2, "one MaxSignId element: {list}");
}

#[test]
fn a_second_signature_over_an_ofdrw_document_is_an_allowed_list_rewrite() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // ofdrw's Sign_0 references Signatures.xml, which the new signature rewrites.
    let doc = seal_with(&corpus("allprotected.ofd"), "v4.esl", None, "2026-06-01T08:00:00Z");
    let report = verify(&doc, None);
    assert_eq!(report.parts.len(), 2, "{}", report.to_text());
    let first = &report.parts[0];
    assert_eq!(
        first.check("ofd.references").unwrap().status,
        Status::Passed,
        "{}",
        first.to_text()
    );
    assert_eq!(
        references_detail(first, "changed_by_later_signature"),
        vec!["Doc_0/Signs/Signatures.xml".to_owned()]
    );
    // The 2020 signer expired long ago (INDETERMINATE); ours passes.
    assert_eq!(report.parts[1].status, Status::Passed, "{}", report.parts[1].to_text());
    // ofdrw wrote a MaxSignId "002"; the next IDs follow it.
    let list = String::from_utf8(read_entry(&doc, "Doc_0/Signs/Signatures.xml")).unwrap();
    assert!(
        list.contains(r#"ID="s003""#) && list.contains("<ofd:MaxSignId>s003</ofd:MaxSignId>"),
        "{list}"
    );
}

#[test]
fn a_plain_signature_passes_with_the_signer_certificate_and_in_openssl() {
    let doc = sign_plain(&unsigned());
    let report = verify(&doc, Some(cert("leaf")));
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let without = verify(&doc, None);
    assert_ne!(without.status, Status::Passed, "a bare signature names no certificate");

    let list = String::from_utf8(read_entry(&doc, "Doc_0/Signs/Signatures.xml")).unwrap();
    assert!(list.contains(r#"Type="Sign""#), "{list}");
    let names: Vec<String> = raw_entries(&doc).into_iter().map(|e| e.0).collect();
    assert!(!names.iter().any(|n| n.ends_with("Seal.esl")), "{names:?}");

    // OpenSSL 3 verifies the bare DER SM2 signature over Signature.xml.
    let pubkey = std::fs::read(vectors().join("x509/sm2/keys/leaf.pub.pem")).unwrap();
    let xml = read_entry(&doc, "Doc_0/Signs/Sign_0/Signature.xml");
    let sig = read_entry(&doc, "Doc_0/Signs/Sign_0/SignedValue.dat");
    assert!(
        openssl_sm2_verify(&pubkey, &xml, &sig),
        "OpenSSL rejects the bare signature"
    );
}

#[test]
fn existing_entries_are_copied_byte_for_byte() {
    if common::corpus("ofd").is_none() {
        return;
    }
    // Unsigned input: everything but OFD.xml (which gains its Signatures element) is kept raw.
    let input = unsigned();
    let once = seal_with(&input, "v4.esl", None, "2026-06-01T08:00:00Z");
    let after = raw_entries(&once);
    for entry in raw_entries(&input) {
        if entry.0 == "OFD.xml" {
            continue;
        }
        assert!(after.contains(&entry), "{} changed", entry.0);
    }
    // Signed input: everything but the signature list is kept raw, OFD.xml included.
    let twice = sign_plain(&once);
    let after = raw_entries(&twice);
    for entry in raw_entries(&once) {
        if entry.0 == "Doc_0/Signs/Signatures.xml" {
            continue;
        }
        assert!(after.contains(&entry), "{} changed", entry.0);
    }
    assert_eq!(after.len(), raw_entries(&once).len() + 2);
    // A corpus file with directory entries keeps them too.
    let hello = corpus("helloworld.ofd");
    let signed = seal_with(&hello, "v4.esl", None, "2026-06-01T08:00:00Z");
    let after = raw_entries(&signed);
    for entry in raw_entries(&hello).into_iter().filter(|e| e.0 != "OFD.xml") {
        assert!(after.contains(&entry), "{} changed", entry.0);
    }
}

#[test]
fn a_corpus_document_signs_and_verifies() {
    if common::corpus("ofd").is_none() {
        return;
    }
    let doc = seal_with(&corpus("helloworld.ofd"), "v4.esl", Some(STAMP), "2026-06-01T08:00:00Z");
    let report = verify(&doc, None);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let doc = sign_plain(&corpus("helloworld.ofd"));
    assert_eq!(verify(&doc, Some(cert("leaf"))).status, Status::Passed);
}

#[test]
fn a_page_changed_after_signing_is_named() {
    let doc = seal_with(&unsigned(), "v4.esl", Some(STAMP), "2026-06-01T08:00:00Z");
    let page = "Doc_0/Pages/Page_0/Content.xml";
    let content = String::from_utf8(read_entry(&doc, page)).unwrap();
    assert!(content.contains(r#"Boundary="25 "#));
    let content = content.replacen(r#"Boundary="25 "#, r#"Boundary="26 "#, 1); // one byte differs
    let tampered = replace_entry(&doc, page, content.as_bytes());
    let report = verify(&tampered, None);
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    let refs = report.parts[0].check("ofd.references").unwrap();
    assert_eq!(refs.status, Status::Failed);
    assert_eq!(refs.reason, Some(Reason::ModifiedAfterSigning));
    assert_eq!(references_detail(&report.parts[0], "changed"), vec![page.to_owned()]);
}

#[test]
fn bad_inputs_are_errors_not_panics() {
    let (k, c, s) = (key("leaf"), cert("leaf"), seal("v4.esl"));
    let signer = OfdSigner::Seal {
        seal: &s,
        key: &k,
        cert: c.der(),
    };
    let at = t("2026-06-01T08:00:00Z");
    assert!(sign_ofd(b"not a zip", &signer, None, at).is_err());
    let far = StampPlacement { page_index: 3, ..STAMP };
    assert!(matches!(
        sign_ofd(&unsigned(), &signer, Some(far), at),
        Err(yinjian::ofd::OfdError::Missing(_))
    ));
    let nan = StampPlacement { x: f64::NAN, ..STAMP };
    assert!(sign_ofd(&unsigned(), &signer, Some(nan), at).is_err());
    // A key that is not the certificate's.
    let other = key("leaf-seal");
    let wrong = OfdSigner::Plain {
        key: &other,
        cert: c.der(),
    };
    assert!(sign_ofd(&unsigned(), &wrong, None, at).is_err());
}

#[test]
fn the_committed_vectors_verify() {
    for (file, signer, parts) in [
        ("ofd/sealed.ofd", None, 1),
        ("ofd/sealed-twice.ofd", None, 2),
        ("ofd/signed.ofd", Some(cert("leaf")), 1),
        ("sample/notice.ofd", None, 1),
    ] {
        let report = verify(&std::fs::read(vectors().join(file)).unwrap(), signer);
        assert_eq!(report.status, Status::Passed, "{file}:\n{}", report.to_text());
        assert_eq!(report.parts.len(), parts, "{file}");
    }
    let report = verify(&unsigned(), None);
    assert_eq!(
        report.check("ofd.signatures").unwrap().reason,
        Some(Reason::NoSignature)
    );
    assert!(std::fs::metadata(vectors().join("ofd/unsigned.ofd")).unwrap().len() < 10 * 1024);
}

/// A sealed OFD behind a PDF header (a file that is a PDF and an OFD at once): the package
/// still verifies, as ZIP readers read it, and `ofd.package` names the bytes before it, which
/// no signature covers; without them the detail is absent.
#[test]
fn bytes_before_the_package_are_named() {
    let sealed = std::fs::read(vectors().join("ofd/sealed.ofd")).unwrap();
    let prefix = b"%PDF-1.7\n% not what the signature covers\n".to_vec();
    let report = verify(&[prefix.clone(), sealed.clone()].concat(), None);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    let check = report.check("ofd.package").unwrap();
    assert_eq!(
        check.details.get("bytes_before_package"),
        Some(&serde_json::json!(prefix.len()))
    );
    assert!(
        check.message.contains(&format!("after {} bytes", prefix.len())),
        "{}",
        check.message
    );
    let plain = verify(&sealed, None);
    assert!(!plain
        .check("ofd.package")
        .unwrap()
        .details
        .contains_key("bytes_before_package"));
}
