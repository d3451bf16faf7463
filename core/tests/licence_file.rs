//! E-licence files (OFD): the document's seals verify, and the licence checks run on the
//! data — the sealing authority must be the issuing authority the data names.

#[allow(dead_code)] // the shared helpers serve several test files
mod common;

use std::io::Write;

use common::{vectors, TestPki};
use yinjian::licence::data::LicenceData;
use yinjian::licence::file::{find_metadata, verify_licence_ofd, LicenceFileOptions};
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
