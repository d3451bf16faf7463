//! E-licence files (OFD): the document's seals verify, and the licence checks run on the
//! data — the sealing authority must be the issuing authority the data names.

#[allow(dead_code)] // the shared helpers serve several test files
mod common;

use std::io::Write;

use common::{vectors, TestPki};
use yinjian::licence::data::LicenceData;
use yinjian::licence::file::{
    find_metadata, find_pdf_metadata, verify_licence_file, verify_licence_ofd, LicenceFileOptions,
};
use yinjian::ofd::OfdOptions;
use yinjian::{Reason, Status};

fn notice() -> Vec<u8> {
    std::fs::read(vectors().join("sample/notice.ofd")).unwrap()
}

/// The sample notice is sealed by 某市人民政府办公厅: licence data naming that office.
fn data() -> LicenceData {
    let mut data =
        LicenceData::from_json(&std::fs::read(vectors().join("licence/business-licence.json")).unwrap()).unwrap();
    data.issuer_name = Some("某市人民政府办公厅".into());
    data.issuer_code = None;
    data
}

#[test]
fn a_sealed_file_of_the_named_authority_passes_and_every_licence_rule_bites() {
    let pki = TestPki::new();
    let mut opts = LicenceFileOptions::new(OfdOptions::new(pki.seal_options()));
    opts.data = Some(data());
    let report = verify_licence_ofd(&notice(), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.parts.len(), 1);
    assert!(report
        .check("licence.issuer")
        .unwrap()
        .message
        .contains("某市人民政府办公厅"));

    // Another authority named: the seal is not theirs.
    let mut other = data();
    other.issuer_name = Some("长沙市市场监督管理局".into());
    other.issuer_code = Some("11430000006122244L".into());
    opts.data = Some(other);
    let report = verify_licence_ofd(&notice(), &opts);
    assert_eq!(report.reason, Some(Reason::PolicyViolation), "{}", report.to_text());
    assert_eq!(
        report.check("licence.issuer").unwrap().reason,
        Some(Reason::PolicyViolation)
    );

    // Revoked by the caller's list; expired licence.
    opts.data = Some(data());
    opts.revoked = vec![data().licence_number.unwrap()];
    assert_eq!(verify_licence_ofd(&notice(), &opts).reason, Some(Reason::Revoked));
    opts.revoked.clear();
    let mut expired = data();
    expired.valid_until = Some("2027-01-01".into());
    opts.data = Some(expired);
    assert_eq!(verify_licence_ofd(&notice(), &opts).reason, Some(Reason::Expired));

    // No data given and none in the file.
    opts.data = None;
    let report = verify_licence_ofd(&notice(), &opts);
    assert_eq!(report.check("licence.data").unwrap().reason, Some(Reason::Missing));

    // A broken document: its failure is the file's.
    opts.data = Some(data());
    let mut broken = notice();
    let n = broken.len();
    broken.truncate(n / 2);
    let report = verify_licence_ofd(&broken, &opts);
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    assert_ne!(report.check("licence.document").unwrap().status, Status::Passed);
}

#[test]
fn metadata_xml_inside_the_package_is_found() {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("OFD.xml", options).unwrap();
    zip.write_all(b"<ofd:OFD xmlns:ofd=\"x\"/>").unwrap();
    zip.start_file("Doc_0/Attachs/\u{8bc1}\u{7167}\u{5143}\u{6570}\u{636e}.xml", options)
        .unwrap();
    zip.write_all(&std::fs::read(vectors().join("licence/business-licence-metadata.xml")).unwrap())
        .unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    let (name, found) = find_metadata(&bytes).unwrap();
    assert!(name.ends_with("证照元数据.xml"), "{name}");
    assert_eq!(found.holder_name.as_deref(), Some("长沙示例智能科技有限公司"));
    assert!(find_metadata(&notice()).is_none());
}

/// Metadata no signature covers is not the licence's: a forged file added to a genuinely
/// sealed package (found by the portal's tests) must not pass as the licence data.
#[test]
fn metadata_no_signature_covers_is_refused() {
    let pki = TestPki::new();
    let opts = LicenceFileOptions::new(OfdOptions::new(pki.seal_options()));
    let forged = std::fs::read_to_string(vectors().join("licence/business-licence-metadata.xml"))
        .unwrap()
        .replace("长沙示例智能科技有限公司", "伪造的公司");
    let mut zip = zip::ZipWriter::new_append(std::io::Cursor::new(notice())).unwrap();
    zip.start_file("a-licence-metadata.xml", zip::write::SimpleFileOptions::default())
        .unwrap();
    zip.write_all(forged.as_bytes()).unwrap();
    let bytes = zip.finish().unwrap().into_inner();
    assert_eq!(
        find_metadata(&bytes).unwrap().1.holder_name.as_deref(),
        Some("伪造的公司"),
        "the forged file is there to be found"
    );
    let report = verify_licence_ofd(&bytes, &opts);
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    let check = report.check("licence.data").unwrap();
    assert_eq!(check.reason, Some(Reason::PolicyViolation));
    assert!(check.message.contains("a-licence-metadata.xml"), "{}", check.message);
}

// ---- PDF licence files ---------------------------------------------------------------------

/// test-vectors/pdf/sm2-signed.pdf: signed by 张三 of 某市人民政府办公厅 (the SM2 test leaf).
fn signed_pdf() -> Vec<u8> {
    std::fs::read(vectors().join("pdf/sm2-signed.pdf")).unwrap()
}

#[test]
fn a_signed_pdf_licence_of_the_named_authority_passes() {
    let pki = TestPki::new();
    let mut opts = LicenceFileOptions::new(OfdOptions::new(pki.seal_options()));
    opts.data = Some(data());
    let report = verify_licence_file(&signed_pdf(), &opts);
    assert_eq!(report.status, Status::Passed, "{}", report.to_text());
    assert_eq!(report.parts[0].kind, "pdf");
    assert!(report
        .check("licence.issuer")
        .unwrap()
        .message
        .contains("某市人民政府办公厅"));

    // Another authority named: the signer is not the issuer.
    let mut other = data();
    other.issuer_name = Some("长沙市市场监督管理局".into());
    opts.data = Some(other);
    let report = verify_licence_file(&signed_pdf(), &opts);
    assert_eq!(report.status, Status::Failed);
    assert_eq!(
        report.check("licence.issuer").unwrap().reason,
        Some(Reason::PolicyViolation)
    );
}

/// `base` with licence-metadata.xml embedded by an incremental update that adds
/// /Names /EmbeddedFiles to the catalog.
fn embed_metadata(base: &[u8]) -> Vec<u8> {
    let xml = std::fs::read(vectors().join("licence/business-licence-metadata.xml")).unwrap();
    let text = String::from_utf8_lossy(base).into_owned();
    let prev: usize = text[text.rfind("startxref").unwrap() + 9..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let doc = lopdf::Document::load_mem(base).unwrap();
    let root = doc.trailer.get(b"Root").unwrap().as_reference().unwrap();
    let mut catalog = doc.get_dictionary(root).unwrap().clone();
    let next = doc.max_id + 1;
    catalog.set("Names", lopdf::Object::Reference((next, 0)));
    let mut out = base.to_vec();
    let mut offsets = Vec::new();
    let mut object = |out: &mut Vec<u8>, id: u32, body: Vec<u8>| {
        offsets.push((id, out.len()));
        out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\nendobj\n");
    };
    let mut cat = Vec::new();
    lopdf::Writer::write_object(&mut cat, &lopdf::Object::Dictionary(catalog)).unwrap();
    object(&mut out, root.0, cat);
    object(
        &mut out,
        next,
        format!(
            "<< /EmbeddedFiles << /Names [ (licence-metadata.xml) {} 0 R ] >> >>",
            next + 1
        )
        .into_bytes(),
    );
    object(
        &mut out,
        next + 1,
        format!(
            "<< /Type /Filespec /F (licence-metadata.xml) /EF << /F {} 0 R >> >>",
            next + 2
        )
        .into_bytes(),
    );
    let mut stream = format!("<< /Type /EmbeddedFile /Length {} >>\nstream\n", xml.len()).into_bytes();
    stream.extend_from_slice(&xml);
    stream.extend_from_slice(b"\nendstream");
    object(&mut out, next + 2, stream);
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f \n");
    for (id, off) in &offsets {
        out.extend_from_slice(format!("{id} 1\n{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Root {} 0 R /Size {} /Prev {prev} >>\nstartxref\n{xref}\n%%EOF\n",
            root.0,
            next + 3
        )
        .as_bytes(),
    );

    out
}

#[test]
fn licence_metadata_embedded_in_a_pdf_is_found() {
    // unsigned.pdf with an embedded licence-metadata.xml, then signed: the data is read from
    // the file.
    let out = embed_metadata(&std::fs::read(vectors().join("pdf/unsigned.pdf")).unwrap());
    let (name, found) = find_pdf_metadata(&out).expect("embedded metadata found");
    assert_eq!(name, "licence-metadata.xml");
    assert!(found.licence_id.is_some() || found.holder_name.is_some());

    // Signed by the SM2 leaf; the metadata names 长沙市市场监督管理局 as issuer, so the data is
    // read from the file and the issuer check is what fails.
    let key = yinjian::cms::build::CmsKey::Sm2(common::key("leaf"));
    let signer = yinjian::pdf::PdfSigner {
        key: &key,
        certificate: &common::cert("leaf"),
        chain: &[common::cert("int")],
    };
    let signed = yinjian::pdf::sign_pdf(
        &out,
        &signer,
        &yinjian::pdf::PdfSignOptions::new(common::t("2027-05-01T00:00:00Z")),
    )
    .unwrap();
    let pki = TestPki::new();
    let report = verify_licence_file(&signed, &LicenceFileOptions::new(OfdOptions::new(pki.seal_options())));
    assert_eq!(report.parts[0].status, Status::Passed, "{}", report.parts[0].to_text());
    let data_check = report.check("licence.data").unwrap();
    assert_eq!(data_check.status, Status::Passed);
    assert!(
        data_check.message.contains("licence-metadata.xml"),
        "{}",
        data_check.message
    );
    assert_eq!(
        report.check("licence.issuer").unwrap().reason,
        Some(Reason::PolicyViolation)
    );

    // The same metadata embedded after signing: a change the PDF verifier reports, so the
    // licence document fails whatever the data says.
    let late = embed_metadata(
        &yinjian::pdf::sign_pdf(
            &std::fs::read(vectors().join("pdf/unsigned.pdf")).unwrap(),
            &signer,
            &yinjian::pdf::PdfSignOptions::new(common::t("2027-05-01T00:00:00Z")),
        )
        .unwrap(),
    );
    assert!(find_pdf_metadata(&late).is_some());
    let report = verify_licence_file(&late, &LicenceFileOptions::new(OfdOptions::new(pki.seal_options())));
    assert_eq!(report.status, Status::Failed, "{}", report.to_text());
    assert_eq!(report.check("licence.document").unwrap().status, Status::Failed);
}
