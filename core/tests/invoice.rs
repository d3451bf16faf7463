//! E-invoices: recognition and field extraction on real files (corpus), every invoice check,
//! and generated 2019-layout invoices sealed by yinjian with their spoiled variants, each
//! caught by its own check and reason.

#[allow(dead_code)] // the shared helpers this crate does not use
mod common;
#[path = "invoice/gen.rs"]
mod gen;

use common::{corpus, t, TestPki, VALIDATION_TIME};
use gen::Gen;
use yinjian::invoice::{mark_duplicates, read_invoice_ofd, verify_invoice_with_data, Invoice, InvoiceKind, InvoiceRow};
use yinjian::ofd::OfdOptions;
use yinjian::{Reason, Report, Status};

/// Verifies with the test root trusted (the corpus chains to no root given here) at `at`.
fn verify_at(bytes: &[u8], at: &str) -> (Report, Option<Invoice>) {
    let pki = TestPki::new();
    let mut seal = pki.seal_options();
    seal.chain.at = t(at);
    verify_invoice_with_data(bytes, &OfdOptions::new(seal))
}

fn verify(bytes: &[u8]) -> Report {
    verify_at(bytes, VALIDATION_TIME).0
}

fn outcome(report: &Report, check: &str) -> (Status, Option<Reason>) {
    let c = report
        .check(check)
        .unwrap_or_else(|| panic!("no {check} in {}", report.to_json_pretty()));
    (c.status, c.reason)
}

fn read(rel: &str) -> Option<Vec<u8>> {
    corpus(rel).map(|p| std::fs::read(p).unwrap())
}

#[test]
fn zhejiang_vat_invoice_1_ofd_gives_its_xml_fields() {
    let Some(bytes) = read("ofd/1.ofd") else { return };
    let (report, invoice) = verify_at(&bytes, "2020-07-24T00:00:00Z");
    let inv = invoice.expect("an invoice");
    assert_eq!(inv.kind, InvoiceKind::Vat2019);
    assert_eq!(inv.key().as_deref(), Some("033002000211/83089647"));
    assert_eq!(inv.issue_date.as_deref(), Some("2020-07-23"));
    assert_eq!(inv.check_code.as_deref(), Some("16197833567414507415"));
    assert_eq!(inv.seller.name.as_deref(), Some("兰溪市悦济舫餐厅"));
    assert_eq!(inv.seller.tax_id.as_deref(), Some("92330781MA2EDMFU50"));
    assert_eq!(inv.buyer.name.as_deref(), Some("江苏京利华新材料有限公司"));
    assert_eq!(inv.buyer.tax_id.as_deref(), Some("91320115MA202UKD7X"));
    assert_eq!(
        (
            inv.total_excluding_tax.as_deref(),
            inv.total_tax.as_deref(),
            inv.total_including_tax.as_deref()
        ),
        (Some("510.68"), Some("15.32"), Some("526.00"))
    );
    assert_eq!(inv.items.len(), 1);
    assert_eq!(inv.items[0].name.as_deref(), Some("*餐饮服务*餐费"));
    assert_eq!(inv.items[0].tax_rate.as_deref(), Some("3%"));
    assert_eq!(inv.machine_no.as_deref(), Some("927000236092"));
    assert!(inv
        .graph_code
        .as_deref()
        .unwrap()
        .starts_with("01,10,033002000211,83089647,510.68,20200723,"));
    // Unknown elements are kept.
    assert_eq!(inv.extra.get("DocID").map(String::as_str), Some("01"));

    for check in [
        "invoice.coverage",
        "invoice.data",
        "invoice.shown",
        "invoice.graph-code",
        "invoice.arithmetic",
        "invoice.tax-ids",
        "invoice.issuer",
    ] {
        assert_eq!(
            outcome(&report, check).0,
            Status::Passed,
            "{check}: {}",
            report.to_json_pretty()
        );
    }
    // The seal's certificates chain to no anchor given here.
    assert_eq!(
        outcome(&report, "invoice.document"),
        (Status::Indeterminate, Some(Reason::UntrustedChain))
    );
    // The tax-side signature carries no certificate: reported, never passed.
    let tax = report.check("invoice.tax-signature").unwrap();
    assert_eq!(
        (tax.status, tax.reason),
        (Status::Indeterminate, Some(Reason::UntrustedChain))
    );
    assert!(tax.message.contains("税务电子证书管理中心(SM2)"), "{}", tax.message);
    assert!(tax.message.contains("1603000003abef"), "{}", tax.message);
    assert_eq!(tax.details["format"], "GM/T 0010 SignedData");
    assert!(report
        .check("invoice.issuer")
        .unwrap()
        .message
        .contains("国家税务总局浙江省税务局"));
    assert_eq!(report.kind, "invoice");
    assert_eq!(report.parts[0].kind, "ofd");
    assert_eq!(report.status, Status::Indeterminate);
}

#[test]
fn sichuan_special_invoice_has_six_lines_and_a_jbig2_qr() {
    let Some(bytes) = read("invoice/vatspecial2019_sc_051002000113_18925756.ofd") else {
        return;
    };
    let (report, invoice) = verify_at(&bytes, "2022-01-25T00:00:00Z");
    let inv = invoice.unwrap();
    assert_eq!(inv.key().as_deref(), Some("051002000113/18925756"));
    assert_eq!(inv.issue_date.as_deref(), Some("2022-01-24"));
    assert_eq!(inv.seller.tax_id.as_deref(), Some("91510104MA6BWXBB27"));
    assert_eq!(inv.buyer.tax_id.as_deref(), Some("915107006823699713"));
    assert_eq!(inv.total_including_tax.as_deref(), Some("15478.00"));
    assert_eq!(inv.items.len(), 6);
    assert_eq!(outcome(&report, "invoice.shown").0, Status::Passed);
    assert_eq!(outcome(&report, "invoice.arithmetic").0, Status::Passed);
    let qr = report.check("invoice.graph-code").unwrap();
    assert_eq!(qr.status, Status::Passed);
    assert!(qr.details["notes"].to_string().contains("JBIG2"), "{qr:?}");
    assert!(report
        .check("invoice.issuer")
        .unwrap()
        .message
        .contains("国家税务总局四川省税务局"));
    // After the signer certificate expired (2024-10-21) nothing proves the signing time.
    let (late, _) = verify_at(&bytes, "2025-06-01T00:00:00Z");
    assert_ne!(late.status, Status::Passed);
}

#[test]
fn beijing_digital_invoice_is_read_from_tags_and_page_text_and_is_not_signed() {
    let Some(bytes) = read("invoice/sdp_bj_24112000000048542163.ofd") else {
        return;
    };
    let (report, invoice) = verify_at(&bytes, "2024-06-01T00:00:00Z");
    let inv = invoice.unwrap();
    assert_eq!(inv.kind, InvoiceKind::Digital);
    assert_eq!(inv.key().as_deref(), Some("24112000000048542163"));
    assert_eq!(inv.code, None);
    assert_eq!(inv.issue_date.as_deref(), Some("2024-05-28"));
    assert_eq!(inv.seller.name.as_deref(), Some("北京互联三六五科技有限公司"));
    assert_eq!(inv.seller.tax_id.as_deref(), Some("91110108690017781B"));
    assert_eq!(inv.buyer.name.as_deref(), Some("海南麒麟云服科技有限公司"));
    assert_eq!(inv.buyer.tax_id.as_deref(), Some("91460300MAA92DJN95"));
    assert_eq!(
        (
            inv.total_excluding_tax.as_deref(),
            inv.total_tax.as_deref(),
            inv.total_including_tax.as_deref()
        ),
        (Some("4197.17"), Some("251.83"), Some("4449.00"))
    );
    assert_eq!(inv.items.len(), 1);
    assert_eq!(inv.items[0].name.as_deref(), Some("*信息技术服务*技术服务费"));
    assert_eq!(inv.items[0].tax_rate.as_deref(), Some("6%"));
    // Not signed: never PASSED, never FAILED as tampered.
    assert_eq!(report.status, Status::Indeterminate);
    assert_eq!(report.reason, Some(Reason::NoSignature));
    assert_eq!(
        outcome(&report, "invoice.coverage"),
        (Status::Indeterminate, Some(Reason::NoSignature))
    );
    assert_eq!(outcome(&report, "invoice.shown").0, Status::Passed);
    // The PNG QR code decodes to the 数电票 QR text, whose amount is the inclusive total.
    let qr = report.check("invoice.graph-code").unwrap();
    assert_eq!(qr.status, Status::Passed, "{qr:?}");
    assert_eq!(
        qr.details["graph_code"],
        "01,31,,24112000000048542163,4449.00,20240528,,B2B6"
    );
}

#[test]
fn railway_invoice_reads_its_xbrl_and_names_the_bad_buyer_id() {
    let Some(bytes) = read("invoice/sdp_rail_sample_22119130671000000049.ofd") else {
        return;
    };
    let (report, invoice) = verify_at(&bytes, "2022-03-18T00:00:00Z");
    let inv = invoice.unwrap();
    assert_eq!(inv.kind, InvoiceKind::Railway);
    assert_eq!(inv.number.as_deref(), Some("22119130671000000049"));
    assert_eq!(inv.issue_date.as_deref(), Some("2022-03-17"));
    assert_eq!(inv.buyer.name.as_deref(), Some("铁路客票电子发票测试单位"));
    assert_eq!(inv.total_including_tax.as_deref(), Some("181.00"));
    assert_eq!(outcome(&report, "invoice.coverage").0, Status::Passed);
    assert_eq!(outcome(&report, "invoice.arithmetic").0, Status::Passed);
    // Sample data: the buyer's credit code has a wrong check character.
    assert_eq!(
        outcome(&report, "invoice.tax-ids"),
        (Status::Failed, Some(Reason::HashMismatch))
    );
    assert_eq!(outcome(&report, "invoice.issuer").0, Status::Passed);
    // No CustomTags: the key fields are found on the page by value (`发票号码:…`).
    assert_eq!(outcome(&report, "invoice.shown").0, Status::Passed);
    let qr = report.check("invoice.graph-code").unwrap();
    assert_eq!(qr.status, Status::Passed, "{qr:?}");
}

#[test]
fn jiangsu_digital_invoice_xml_reports_the_tax_bureau_signature_without_passing_it() {
    let Some(bytes) = read("invoice/sdp_js_25322000000365404822.xml") else {
        return;
    };
    let (report, invoice) = verify_at(&bytes, "2025-08-09T00:00:00Z");
    let inv = invoice.unwrap();
    assert_eq!(inv.key().as_deref(), Some("25322000000365404822"));
    assert_eq!(inv.seller.tax_id.as_deref(), Some("52320200509244470T"));
    assert_eq!(inv.buyer.tax_id.as_deref(), Some("9132020013590404XW"));
    assert_eq!(inv.total_including_tax.as_deref(), Some("250.00"));
    assert_eq!(inv.items[0].tax_rate.as_deref(), Some("0.06"));
    assert_eq!(outcome(&report, "invoice.arithmetic").0, Status::Passed);
    assert_eq!(outcome(&report, "invoice.tax-ids").0, Status::Passed);
    let tax = report.check("invoice.tax-signature").unwrap();
    assert_eq!(tax.status, Status::Indeterminate);
    assert_eq!(tax.details["signature_time"], "20250808 123434");
    assert_ne!(report.status, Status::Passed);
}

#[test]
fn a_plain_ofd_is_not_an_invoice() {
    let bytes = std::fs::read(common::vectors().join("ofd/sealed.ofd")).unwrap();
    let report = verify(&bytes);
    assert_eq!(
        outcome(&report, "invoice.data"),
        (Status::Failed, Some(Reason::Missing))
    );
    assert!(read_invoice_ofd(&bytes).is_err());
}

#[test]
fn a_generated_invoice_passes_every_check() {
    let bytes = Gen::default().build();
    let (report, invoice) = verify_at(&bytes, VALIDATION_TIME);
    assert_eq!(report.status, Status::Passed, "{}", report.to_json_pretty());
    let inv = invoice.unwrap();
    assert_eq!(inv.key().as_deref(), Some("044031900111/12345678"));
    assert_eq!(inv.items.len(), 2);
    assert_eq!(
        inv.extra.get("YinjianTestElement").map(String::as_str),
        Some("kept as extra")
    );
    assert!(report.check("invoice.tax-signature").is_none());
}

#[test]
fn amount_changed_in_the_xml_only() {
    let report = verify(
        &Gen {
            xml_incl: "615.00".into(),
            ..Gen::default()
        }
        .build(),
    );
    let shown = report.check("invoice.shown").unwrap();
    assert_eq!(
        (shown.status, shown.reason),
        (Status::Failed, Some(Reason::PolicyViolation))
    );
    assert!(shown.message.contains("TaxInclusiveTotalAmount"), "{}", shown.message);
    assert_eq!(
        outcome(&report, "invoice.arithmetic"),
        (Status::Failed, Some(Reason::PolicyViolation))
    );
}

#[test]
fn amount_changed_on_the_page_only() {
    let report = verify(
        &Gen {
            page_incl: "615.00".into(),
            ..Gen::default()
        }
        .build(),
    );
    let shown = report.check("invoice.shown").unwrap();
    assert_eq!(
        (shown.status, shown.reason),
        (Status::Failed, Some(Reason::PolicyViolation))
    );
    assert_eq!(shown.details["mismatches"][0]["shown"], "¥615.00");
    // The data itself still adds up: only what is shown is wrong.
    assert_eq!(outcome(&report, "invoice.arithmetic").0, Status::Passed);
}

#[test]
fn amount_changed_after_sealing() {
    let bytes = gen::replace(&Gen::default().build(), "Doc_0/Attachs/original_invoice.xml", |x| {
        x.replace(">515.00<", ">615.00<")
    });
    let report = verify(&bytes);
    assert_eq!(
        outcome(&report, "invoice.document"),
        (Status::Failed, Some(Reason::ModifiedAfterSigning))
    );
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn amount_changed_in_both_and_resealed_by_another_key() {
    let forged = Gen {
        xml_incl: "615.00".into(),
        page_incl: "615.00".into(),
        signer: "orphan-leaf",
        ..Gen::default()
    };
    let report = verify(&forged.build());
    // What is shown is what is signed, but the signer chains to no trusted root.
    assert_eq!(outcome(&report, "invoice.shown").0, Status::Passed);
    assert_eq!(
        outcome(&report, "invoice.document"),
        (Status::Indeterminate, Some(Reason::UntrustedChain))
    );
    assert_eq!(outcome(&report, "invoice.arithmetic").0, Status::Failed);
    assert_ne!(report.status, Status::Passed);
}

#[test]
fn custom_tag_pointing_elsewhere() {
    let report = verify(
        &Gen {
            buyer_name_object: 16,
            ..Gen::default()
        }
        .build(),
    );
    let shown = report.check("invoice.shown").unwrap();
    assert_eq!(
        (shown.status, shown.reason),
        (Status::Failed, Some(Reason::PolicyViolation))
    );
    assert!(shown.message.contains("Buyer/BuyerName"), "{}", shown.message);
    let report = verify(
        &Gen {
            buyer_name_object: 99,
            ..Gen::default()
        }
        .build(),
    );
    assert_eq!(
        outcome(&report, "invoice.shown"),
        (Status::Failed, Some(Reason::Missing))
    );
}

#[test]
fn graph_code_disagreeing() {
    let gc = "01,10,044031900111,12345678,900.00,20260520,12345678901234567890,A1B2,";
    let report = verify(
        &Gen {
            graph_code: gc.into(),
            ..Gen::default()
        }
        .build(),
    );
    let qr = report.check("invoice.graph-code").unwrap();
    assert_eq!((qr.status, qr.reason), (Status::Failed, Some(Reason::PolicyViolation)));
    assert_eq!(qr.details["mismatches"][0]["field"], "amount");
}

#[test]
fn bad_tax_id() {
    let report = verify(
        &Gen {
            buyer_tax_id: "91320115MA202UKD7Y".into(),
            ..Gen::default()
        }
        .build(),
    );
    let ids = report.check("invoice.tax-ids").unwrap();
    assert_eq!((ids.status, ids.reason), (Status::Failed, Some(Reason::HashMismatch)));
    assert!(ids.message.contains("buyer"), "{}", ids.message);
    assert_eq!(outcome(&report, "invoice.shown").0, Status::Passed);
}

#[test]
fn xml_not_covered_by_the_seal() {
    let report = verify(
        &Gen {
            xml_uncovered: true,
            ..Gen::default()
        }
        .build(),
    );
    let cov = report.check("invoice.coverage").unwrap();
    assert_eq!(
        (cov.status, cov.reason),
        (Status::Failed, Some(Reason::PolicyViolation))
    );
    assert!(cov.message.contains("original_invoice.xml"), "{}", cov.message);
    assert_eq!(report.status, Status::Failed);
}

#[test]
fn sealed_by_someone_other_than_a_tax_authority() {
    let report = verify(
        &Gen {
            seal_name: "某某科技有限公司合同专用章".into(),
            ..Gen::default()
        }
        .build(),
    );
    assert_eq!(outcome(&report, "invoice.document").0, Status::Passed);
    assert_eq!(
        outcome(&report, "invoice.issuer"),
        (Status::Failed, Some(Reason::PolicyViolation))
    );
}

#[test]
fn the_same_invoice_twice_is_a_duplicate() {
    let first = Gen::default().build();
    let second = Gen {
        at: "2026-06-02T09:00:00Z".into(),
        ..Gen::default()
    }
    .build();
    let other = Gen {
        number: "12345679".into(),
        graph_code: "01,10,044031900111,12345679,500.00,20260520,12345678901234567890,A1B2,".into(),
        ..Gen::default()
    }
    .build();
    assert_ne!(first, second);
    let mut rows: Vec<InvoiceRow> = [("a.ofd", &first), ("b/again.ofd", &second), ("c.ofd", &other)]
        .iter()
        .map(|(path, bytes)| {
            let (report, invoice) = verify_at(bytes, VALIDATION_TIME);
            InvoiceRow::new(*path, &report, invoice)
        })
        .collect();
    let dups = mark_duplicates(&mut rows);
    assert_eq!(dups.len(), 1);
    assert_eq!(dups["044031900111/12345678"], vec!["a.ofd", "b/again.ofd"]);
    assert_eq!(rows[0].duplicate_of, vec!["b/again.ofd"]);
    assert_eq!(rows[1].duplicate_of, vec!["a.ofd"]);
    assert!(rows[2].duplicate_of.is_empty());
    assert!(rows[1].csv().ends_with(",PASSED,,a.ofd"), "{}", rows[1].csv());
}

/// The generated invoices kept in `test-vectors/invoice` for the CLI, WASM and portal tests:
/// each gives its named reason. `YINJIAN_WRITE_INVOICES=1` rewrites them with the generator
/// (SM2 signatures are randomised, so the bytes change each time; the outcomes do not).
#[test]
fn committed_test_invoices_give_their_named_reasons() {
    let gc_off = "01,10,044031900111,12345678,900.00,20260520,12345678901234567890,A1B2,";
    let cases: Vec<(&str, Gen, &str, Status, Option<Reason>)> = vec![
        ("good.ofd", Gen::default(), "invoice.shown", Status::Passed, None),
        (
            "good-again.ofd",
            Gen {
                at: "2026-06-02T09:00:00Z".into(),
                ..Gen::default()
            },
            "invoice.data",
            Status::Passed,
            None,
        ),
        (
            "amount-xml-only.ofd",
            Gen {
                xml_incl: "615.00".into(),
                ..Gen::default()
            },
            "invoice.shown",
            Status::Failed,
            Some(Reason::PolicyViolation),
        ),
        (
            "amount-page-only.ofd",
            Gen {
                page_incl: "615.00".into(),
                ..Gen::default()
            },
            "invoice.shown",
            Status::Failed,
            Some(Reason::PolicyViolation),
        ),
        (
            "tag-elsewhere.ofd",
            Gen {
                buyer_name_object: 16,
                ..Gen::default()
            },
            "invoice.shown",
            Status::Failed,
            Some(Reason::PolicyViolation),
        ),
        (
            "graph-code-off.ofd",
            Gen {
                graph_code: gc_off.into(),
                ..Gen::default()
            },
            "invoice.graph-code",
            Status::Failed,
            Some(Reason::PolicyViolation),
        ),
        (
            "bad-tax-id.ofd",
            Gen {
                buyer_tax_id: "91320115MA202UKD7Y".into(),
                ..Gen::default()
            },
            "invoice.tax-ids",
            Status::Failed,
            Some(Reason::HashMismatch),
        ),
        (
            "xml-uncovered.ofd",
            Gen {
                xml_uncovered: true,
                ..Gen::default()
            },
            "invoice.coverage",
            Status::Failed,
            Some(Reason::PolicyViolation),
        ),
        (
            "not-tax-seal.ofd",
            Gen {
                seal_name: "某某科技有限公司合同专用章".into(),
                ..Gen::default()
            },
            "invoice.issuer",
            Status::Failed,
            Some(Reason::PolicyViolation),
        ),
    ];
    let dir = common::vectors().join("invoice");
    let write = std::env::var_os("YINJIAN_WRITE_INVOICES").is_some();
    for (name, gen, check, status, reason) in cases {
        let path = dir.join(name);
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, gen.build()).unwrap();
        }
        let report = verify(&std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())));
        assert_eq!(outcome(&report, check), (status, reason), "{name}: {}", report.summary);
        assert_eq!(
            report.status == Status::Passed,
            reason.is_none(),
            "{name}: {}",
            report.summary
        );
    }
}

#[test]
fn hostile_input_gives_a_report_not_a_panic() {
    let good = Gen::default().build();
    for cut in [0, 10, 100, good.len() / 2, good.len() - 10] {
        let report = verify(&good[..cut]);
        assert_ne!(report.status, Status::Passed);
    }
    for text in [
        &b"<"[..],
        b"<x/>",
        b"\xEF\xBB\xBF<EInvoice/>",
        b"<eInvoice><InvoiceNo>1</InvoiceNo></eInvoice>",
    ] {
        let report = verify(text);
        assert_ne!(report.status, Status::Passed);
    }
    // A tag naming an object that is not a number, a page that is not there.
    let odd = gen::replace(&good, "Doc_0/Tags/CustomTag.xml", |x| {
        x.replace("PageRef=\"1\">14<", "PageRef=\"7\">x<")
    });
    assert_eq!(verify(&odd).status, Status::Failed);
}
