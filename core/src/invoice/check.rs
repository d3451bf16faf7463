//! Verifying an invoice: the OFD's signatures through [`crate::ofd`], then the invoice checks,
//! in one report (kind [`REPORT_KIND`], the OFD report as its part):
//!
//! | check | what | reason when it does not pass |
//! |---|---|---|
//! | `invoice.document` | every seal/signature of the OFD verifies | the OFD report's reason (NoSignature for an unsigned 数电票 OFD or a bare XML) |
//! | `invoice.coverage` | the invoice XML, the CustomTags, OFD.xml, Document.xml and the pages read are covered by a signature | PolicyViolation (data nobody signed is never trusted), NoSignature |
//! | `invoice.data` | the file is an invoice; its fields (detail `invoice`) | Missing (not an invoice), Malformed |
//! | `invoice.shown` | each CustomTag ObjectRef shows the XML value on its page; OFD.xml CustomData equal the fields | PolicyViolation (detail `mismatches`), Missing (an object not on the page), Unsupported (nothing maps the data to the page). Without CustomTags (railway) the number, date, total and buyer ID must each be a text on the page |
//! | `invoice.graph-code` | the QR text's code, number, amount, date and check code equal the fields; a PNG/JPEG QR image decodes to the same text | PolicyViolation, Unsupported (no QR text and no decodable image) |
//! | `invoice.arithmetic` | excluding tax + tax = including tax; lines sum to the totals; each line's tax is its amount × rate within one cent | PolicyViolation, Missing |
//! | `invoice.tax-ids` | seller and buyer taxpayer IDs are valid (unified social credit code, resident ID, 15/20-character tax registration number) | the identifier's reason (HashMismatch for a wrong check character, Malformed) |
//! | `invoice.tax-signature` | the tax-side signature (`fp:Signature`, `TaxBureauSignature`) parsed and reported | never PASSED: UntrustedChain (its certificate is not in the file), Unsupported (what it signs is not established), Malformed |
//! | `invoice.issuer` | a signature whose value verified is by a tax authority (seal name or signer subject) | PolicyViolation, NoSignature |

use std::collections::BTreeMap;
use std::io::Cursor;

use serde_json::json;

use super::model::{
    cents, date, decimal, parse_graph_code, parse_invoice_xml, squeeze, strip_currency, Invoice, InvoiceKind, Source,
};
use super::package::{custom, read_invoice_ofd, read_invoice_package, InvoiceFile};
use super::InvoiceError;
use crate::cms::SignedData;
use crate::licence::id::{credit_code, organisation_code, resident_id, IdError};
use crate::ofd::package::Package;
use crate::ofd::parts::{PartBytes, Parts};
use crate::ofd::OfdOptions;
use crate::report::{Check, Reason, Report, Status};
use crate::x509::Certificate;

/// The report kind of [`verify_invoice`].
pub const REPORT_KIND: &str = "invoice";

/// What the 2019 `fp:Signature` is believed to sign (docs/invoice.md has the sources).
pub const FP_SIGNATURE_CONTENT: &str = "not established: public reverse-engineered tax-device code suggests the \
     issuing taxpayer's tax-control device signs a GBK concatenation of invoice fields, whose exact rendering is not \
     published";

/// Verifies an invoice file held in memory: an OFD package, or a bare invoice XML.
pub fn verify_invoice(bytes: &[u8], opts: &OfdOptions<'_>) -> Report {
    verify_invoice_with_data(bytes, opts).0
}

/// As [`verify_invoice`], also giving the invoice read (for listings), if one was.
pub fn verify_invoice_with_data(bytes: &[u8], opts: &OfdOptions<'_>) -> (Report, Option<Invoice>) {
    if crate::codec::is_xml_text(bytes) {
        let mut report = Report::new(REPORT_KIND);
        report.subject.validation_time = Some(opts.seal.chain.at);
        return verify_xml(bytes, report);
    }
    let (document, read) = verify_and_read(bytes, opts);
    match read {
        Ok(file) => {
            let (report, invoice) = check_invoice_ofd(document, file, opts);
            (report, Some(invoice))
        }
        Err(e) => {
            let mut report = Report::new(REPORT_KIND);
            report.subject.validation_time = Some(opts.seal.chain.at);
            report.push(document_check(&document));
            report.push(Check::failed("invoice.data", e.reason(), e.to_string()));
            report.parts.push(document);
            (report.finish(), None)
        }
    }
}

/// Verifies an OFD held in memory and reads the invoice out of it, through the package the
/// verification read (its small files kept in memory): what both read is inflated once.
pub(crate) fn verify_and_read(bytes: &[u8], opts: &OfdOptions<'_>) -> (Report, Result<InvoiceFile, InvoiceError>) {
    let opened = Package::open(Cursor::new(bytes));
    let held = PartBytes::new(opened.as_ref().map_or(0, Package::index_count));
    let mut parts = Parts::new(&held);
    let (document, package) = crate::ofd::verify::verify_opened(opened, opts, Some(&mut parts));
    let read = match package {
        Some(mut package) => read_invoice_package(&mut package, &mut parts),
        None => read_invoice_ofd(bytes),
    };
    (document, read)
}

/// The invoice checks of an OFD already verified: `document` is its OFD report
/// ([`verify_ofd_bytes`](crate::ofd::verify_ofd_bytes) with `opts`, no policy applied) and `file` the invoice read from the
/// same bytes ([`read_invoice_ofd`]). Gives the invoice report (kind [`REPORT_KIND`], `document`
/// its part) and the invoice, exactly as [`verify_invoice_with_data`] does, without verifying
/// the OFD a second time (`yinjian batch` verifies every OFD once, then sees whether it is an
/// invoice).
pub fn check_invoice_ofd(document: Report, file: InvoiceFile, opts: &OfdOptions<'_>) -> (Report, Invoice) {
    let mut report = Report::new(REPORT_KIND);
    report.subject.validation_time = Some(opts.seal.chain.at);
    report.push(document_check(&document));
    report.push(coverage_check(&document, &file));
    report.push(data_check(
        &file.invoice,
        file.data_file.as_deref().unwrap_or("the CustomTags and page text"),
    ));
    report.push(shown_check(&file));
    report.push(graph_code_check(&file.invoice, Some(&file)));
    report.push(arithmetic_check(&file.invoice));
    report.push(tax_ids_check(&file.invoice));
    if let Some(check) = tax_signature_check(&file.invoice, &opts.signer_certificates) {
        report.push(check);
    }
    report.push(issuer_check(&document, &file.invoice));
    report.subject.signer = document.parts.iter().find_map(|p| p.subject.signer.clone());
    report.subject.seal = document.parts.iter().find_map(|p| p.subject.seal.clone());
    report.subject.signing_time = document.parts.iter().find_map(|p| p.subject.signing_time);
    report.parts.push(document);
    (report.finish(), file.invoice)
}

/// A bare invoice XML (a 数电票 XML download): nothing in the file verifies it.
fn verify_xml(bytes: &[u8], mut report: Report) -> (Report, Option<Invoice>) {
    report.push(Check::failed(
        "invoice.document",
        Reason::NoSignature,
        "a bare invoice XML: no seal or document signature verifies it",
    ));
    let invoice = match parse_invoice_xml(bytes) {
        Ok(invoice) => invoice,
        Err(e) => {
            report.push(Check::failed("invoice.data", e.reason(), e.to_string()));
            return (report.finish(), None);
        }
    };
    report.push(data_check(&invoice, "the XML"));
    if invoice.graph_code.is_some() {
        report.push(graph_code_check(&invoice, None));
    }
    report.push(arithmetic_check(&invoice));
    report.push(tax_ids_check(&invoice));
    if let Some(check) = tax_signature_check(&invoice, &[]) {
        report.push(check);
    }
    (report.finish(), Some(invoice))
}

/// `invoice.document`: the OFD report's outcome.
fn document_check(document: &Report) -> Check {
    if document.status == Status::Passed {
        return Check::passed(
            "invoice.document",
            format!("{} signature(s) verified", document.parts.len()),
        );
    }
    let reason = document.reason.unwrap_or(Reason::Malformed);
    let message = if reason == Reason::NoSignature {
        "the document is not signed: nothing proves who issued it or that it is unchanged".to_owned()
    } else {
        document.summary.clone()
    };
    let mut check = Check::failed("invoice.document", reason, message)
        .with_detail(crate::report::DETAIL_FAILING_CHECKS, document.failing_checks());
    check.status = document.status;
    check
}

/// `invoice.coverage`: the files the invoice is read from are covered by a signature.
fn coverage_check(document: &Report, file: &InvoiceFile) -> Check {
    let name = "invoice.coverage";
    let Some(coverage) = document.check("ofd.coverage") else {
        return Check::failed(
            name,
            Reason::NoSignature,
            "no signature covers the invoice data: its fields are shown, not trusted",
        );
    };
    let uncovered: Vec<String> = coverage
        .details
        .get("uncovered")
        .and_then(serde_json::Value::as_array)
        .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_lowercase)).collect())
        .unwrap_or_default();
    // OFD.xml counts when its CustomData are read; a new DocRoot would point to a new,
    // uncovered Document.xml anyway.
    let mut needed: Vec<&String> = file
        .structure_files
        .iter()
        .skip(usize::from(file.custom_data.is_empty()))
        .chain(&file.tag_files)
        .collect();
    needed.extend(&file.data_file);
    needed.extend(
        file.pages
            .iter()
            .filter(|(id, _)| file.page_text.contains_key(id))
            .map(|(_, f)| f),
    );
    needed.sort();
    needed.dedup();
    let bare: Vec<&String> = needed
        .iter()
        .copied()
        .filter(|f| uncovered.contains(&f.to_lowercase()))
        .collect();
    if bare.is_empty() {
        Check::passed(
            name,
            format!(
                "the {} file(s) the invoice is read from are all covered by a signature",
                needed.len()
            ),
        )
        .with_detail("files", needed.iter().map(|s| s.as_str()).collect::<Vec<_>>())
    } else {
        Check::failed(
            name,
            Reason::PolicyViolation,
            format!(
                "{} covered by no signature: anyone could have written it, so the invoice data is not trusted",
                bare.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )
        .with_detail("uncovered", bare.iter().map(|s| s.as_str()).collect::<Vec<_>>())
    }
}

fn data_check(invoice: &Invoice, from: &str) -> Check {
    Check::passed("invoice.data", format!("{} (read from {from})", invoice.summary()))
        .with_detail("invoice", invoice.to_json())
        .with_detail("kind", invoice.kind.as_str())
}

/// Whether a shown text and a data value say the same: whitespace and currency signs aside,
/// dates compared as dates and decimals as numbers.
pub fn same_value(data: &str, shown: &str) -> bool {
    if data == shown {
        return true;
    }
    let (a, b) = (strip_currency(data), strip_currency(shown));
    if a == b {
        return true;
    }
    if let (Some(x), Some(y)) = (date(&a), date(&b)) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (decimal(&a), decimal(&b)) {
        return x == y;
    }
    false
}

/// CustomData names of OFD.xml and the invoice field each states.
fn custom_fields(inv: &Invoice) -> [(&'static str, Option<&str>); 8] {
    [
        ("发票代码", inv.code.as_deref()),
        ("发票号码", inv.number.as_deref()),
        ("开票日期", inv.issue_date.as_deref()),
        ("合计金额", inv.total_excluding_tax.as_deref()),
        ("合计税额", inv.total_tax.as_deref()),
        ("校验码", inv.check_code.as_deref()),
        ("购买方纳税人识别号", inv.buyer.tax_id.as_deref()),
        ("销售方纳税人识别号", inv.seller.tax_id.as_deref()),
    ]
}

/// `invoice.shown`: what a person sees equals what is signed.
fn shown_check(file: &InvoiceFile) -> Check {
    let name = "invoice.shown";
    let mut compared = 0usize;
    let mut mismatches = Vec::new();
    let mut missing = Vec::new();
    if file.invoice.source == Source::Xml2019 {
        let data: BTreeMap<&str, &str> = file.data_paths.iter().map(|(p, v)| (p.as_str(), v.as_str())).collect();
        for tag in &file.tags {
            let Some(value) = data.get(tag.path.as_str()) else {
                continue;
            };
            match file.shown(tag) {
                Ok(shown) => {
                    compared += 1;
                    if !same_value(value, &shown) {
                        mismatches
                            .push(json!({ "field": tag.path, "data": value, "shown": shown, "objects": tag.refs }));
                    }
                }
                Err(_) if value.trim().is_empty() => {}
                Err(where_) => missing.push(json!({ "field": tag.path, "data": value, "missing": where_ })),
            }
        }
    }
    for (cd_name, field) in custom_fields(&file.invoice) {
        let (Some(cd), Some(field)) = (custom(file, cd_name), field) else {
            continue;
        };
        compared += 1;
        if !same_value(field, cd) {
            mismatches.push(json!({ "field": format!("CustomData {cd_name}"), "data": field, "shown": cd }));
        }
    }
    if !mismatches.is_empty() {
        let fields: Vec<&str> = mismatches.iter().filter_map(|m| m["field"].as_str()).collect();
        return Check::failed(
            name,
            Reason::PolicyViolation,
            format!(
                "what the page or OFD.xml shows differs from the invoice data: {}",
                fields.join(", ")
            ),
        )
        .with_detail("mismatches", mismatches)
        .with_detail("missing", missing);
    }
    if !missing.is_empty() {
        return Check::failed(
            name,
            Reason::Missing,
            format!("{} field(s) point to objects not on their page", missing.len()),
        )
        .with_detail("missing", missing);
    }
    if compared == 0 && file.invoice.source != Source::PageText {
        if let Some(check) = shown_by_value(file) {
            return check;
        }
    }
    if compared == 0 {
        return Check::failed(
            name,
            Reason::Unsupported,
            "nothing in the file maps the invoice data to the page (no CustomTags, no CustomData): what is shown was not compared",
        );
    }
    let what = if file.invoice.source == Source::PageText {
        "OFD.xml CustomData equal the fields the CustomTags show"
    } else {
        "every field the CustomTags show on the page, and OFD.xml CustomData, equal the invoice data"
    };
    Check::passed(name, format!("{what} ({compared} compared)")).with_detail("compared", compared)
}

/// `invoice.shown` without CustomTags (a railway invoice): the key fields must each be some
/// text object of the page, whole or after a label (`发票号码:…`). `None` when no page text
/// was read.
fn shown_by_value(file: &InvoiceFile) -> Option<Check> {
    let texts: Vec<&str> = file
        .page_text
        .values()
        .flat_map(|p| p.values().map(String::as_str))
        .collect();
    if texts.is_empty() {
        return None;
    }
    let inv = &file.invoice;
    let fields = [
        ("number", inv.number.as_deref()),
        ("issue_date", inv.issue_date.as_deref()),
        ("total_including_tax", inv.total_including_tax.as_deref()),
        ("buyer.tax_id", inv.buyer.tax_id.as_deref()),
    ];
    let shows = |value: &str| {
        texts.iter().any(|t| {
            let after = t.rsplit([':', '：']).next().unwrap_or(t);
            same_value(value, t) || same_value(value, after)
        })
    };
    let present: Vec<(&str, &str)> = fields.iter().filter_map(|(n, v)| Some((*n, (*v)?))).collect();
    let missing: Vec<serde_json::Value> = present
        .iter()
        .filter(|(_, v)| !shows(v))
        .map(|(n, v)| json!({ "field": n, "data": v }))
        .collect();
    let name = "invoice.shown";
    Some(if missing.is_empty() {
        Check::passed(
            name,
            format!(
                "no CustomTags: the {} key fields were each found as a text on the page",
                present.len()
            ),
        )
    } else {
        let list: Vec<&str> = missing.iter().filter_map(|m| m["field"].as_str()).collect();
        Check::failed(
            name,
            Reason::PolicyViolation,
            format!("the page shows no text equal to the invoice's {}", list.join(", ")),
        )
        .with_detail("mismatches", missing)
    })
}

/// `invoice.graph-code`: the QR text against the fields, and the QR image against the text.
fn graph_code_check(inv: &Invoice, file: Option<&InvoiceFile>) -> Check {
    let name = "invoice.graph-code";
    let mut notes = Vec::new();
    let mut image_text: Option<(String, String)> = None;
    let mut image_fail: Option<String> = None;
    for image in file.map(|f| f.images.as_slice()).unwrap_or_default() {
        let format = image.format.to_uppercase();
        if format.contains("BIG2") || format == "JB2" {
            notes.push(format!(
                "{}: a JBIG2 image, not decoded (yinjian has no pure-Rust JBIG2 decoder)",
                image.file
            ));
            continue;
        }
        match decode_qr(file, &image.file) {
            Some(Ok(text)) if text.starts_with("01,") => {
                image_text = Some((image.file.clone(), text));
                break;
            }
            Some(Ok(_)) | Some(Err(_)) => {}
            None => notes.push(format!(
                "{}: not decoded (built without the qr-image feature)",
                image.file
            )),
        }
    }
    let text = match (&inv.graph_code, &image_text) {
        (Some(text), Some((file, shown))) => {
            if squeeze(text).trim_end_matches(',') != squeeze(shown).trim_end_matches(',') {
                image_fail = Some(format!(
                    "the QR image {file} reads {shown:?}, the data's GraphCode {text:?}"
                ));
            } else {
                notes.push(format!("the QR image {file} decodes to the GraphCode text"));
            }
            text.clone()
        }
        (Some(text), None) => text.clone(),
        (None, Some((file, shown))) => {
            notes.push(format!("QR text read from the image {file}"));
            shown.clone()
        }
        (None, None) => {
            return Check::failed(
                name,
                Reason::Unsupported,
                "no QR text in the data and no decodable QR image: the QR code was not compared",
            )
            .with_detail("notes", notes);
        }
    };
    let Some(g) = parse_graph_code(&text) else {
        return Check::failed(
            name,
            Reason::Malformed,
            format!("the QR text {text:?} is not an invoice QR code"),
        );
    };
    let digital = g.code.is_empty() && g.number.len() == 20 && inv.kind != InvoiceKind::Railway;
    let amount = if digital {
        &inv.total_including_tax
    } else {
        &inv.total_excluding_tax
    };
    let pairs: [(&str, &str, Option<&String>); 5] = [
        ("code", &g.code, inv.code.as_ref()),
        ("number", &g.number, inv.number.as_ref()),
        ("amount", &g.amount, amount.as_ref()),
        ("date", &g.date, inv.issue_date.as_ref()),
        ("check_code", &g.check_code, inv.check_code.as_ref()),
    ];
    let mut mismatches = Vec::new();
    let mut compared = 0;
    for (field, qr, data) in pairs {
        if qr.is_empty() && data.is_none_or(|d| d.is_empty()) {
            continue;
        }
        compared += 1;
        if !data.is_some_and(|d| same_value(d, qr)) {
            mismatches.push(json!({ "field": field, "qr": qr, "data": data }));
        }
    }
    if let Some(why) = image_fail {
        return Check::failed(name, Reason::PolicyViolation, why).with_detail("mismatches", mismatches);
    }
    if !mismatches.is_empty() {
        let fields: Vec<&str> = mismatches.iter().filter_map(|m| m["field"].as_str()).collect();
        return Check::failed(
            name,
            Reason::PolicyViolation,
            format!("the QR code's {} differ from the invoice data", fields.join(", ")),
        )
        .with_detail("mismatches", mismatches)
        .with_detail("graph_code", text);
    }
    Check::passed(name, format!("the QR code's {compared} fields equal the invoice data"))
        .with_detail("graph_code", text)
        .with_detail("notes", notes)
}

/// The text of a QR image in the package: `None` without the `qr-image` feature.
#[allow(unused_variables)]
fn decode_qr(file: Option<&InvoiceFile>, entry: &str) -> Option<Result<String, String>> {
    #[cfg(feature = "qr-image")]
    {
        let bytes = file?.images.iter().find(|i| i.file == entry)?.bytes.as_deref()?;
        Some(crate::licence::qr::image::decode_image(bytes).map_err(|e| e.to_string()))
    }
    #[cfg(not(feature = "qr-image"))]
    None
}

/// A tax rate in basis points (`3%` → 300, `0.06` → 600); `None` for 免税, `***`, ….
fn rate_bp(text: &str) -> Option<i64> {
    let t = squeeze(text);
    let bp = match t.strip_suffix('%') {
        Some(p) => cents(p)?,
        None => {
            decimal(&t)?;
            (t.parse::<f64>().ok()? * 10_000.0).round() as i64
        }
    };
    Some(bp).filter(|v| (0..=10_000).contains(v))
}

/// `invoice.arithmetic`: excluding + tax = including; lines sum to totals; rates.
fn arithmetic_check(inv: &Invoice) -> Check {
    let name = "invoice.arithmetic";
    // A tax written `***` or `*` means not taxed (zero-rated, exempt).
    let tax_of = |t: &Option<String>| -> Option<i64> {
        let t = t.as_deref()?;
        if !t.is_empty() && t.chars().all(|c| c == '*') {
            Some(0)
        } else {
            cents(t)
        }
    };
    let (excl, tax, incl) = (
        inv.total_excluding_tax.as_deref().and_then(cents),
        tax_of(&inv.total_tax),
        inv.total_including_tax.as_deref().and_then(cents),
    );
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    match (excl, tax, incl) {
        (Some(e), Some(t), Some(i)) => {
            if e.saturating_add(t) != i {
                problems.push(format!("{} + {} ≠ {}", fmt_cents(e), fmt_cents(t), fmt_cents(i)));
            }
        }
        (Some(_), Some(_), None) => notes.push("no total including tax".to_owned()),
        _ => {
            return Check::failed(
                name,
                Reason::Missing,
                "the totals excluding tax and of tax are not both given",
            );
        }
    }
    if !inv.items.is_empty() {
        let amounts: Option<Vec<i64>> = inv.items.iter().map(|i| i.amount.as_deref().and_then(cents)).collect();
        let taxes: Option<Vec<i64>> = inv.items.iter().map(|i| tax_of(&i.tax_amount)).collect();
        if let (Some(amounts), Some(e)) = (&amounts, excl) {
            let sum = amounts.iter().fold(0i64, |a, b| a.saturating_add(*b));
            if sum.saturating_sub(e).unsigned_abs() > 1 {
                problems.push(format!(
                    "the lines' amounts sum to {}, the total is {}",
                    fmt_cents(sum),
                    fmt_cents(e)
                ));
            }
        }
        if let (Some(taxes), Some(t)) = (&taxes, tax) {
            let sum = taxes.iter().fold(0i64, |a, b| a.saturating_add(*b));
            if sum.saturating_sub(t).unsigned_abs() > 1 {
                problems.push(format!(
                    "the lines' tax sums to {}, the total is {}",
                    fmt_cents(sum),
                    fmt_cents(t)
                ));
            }
        }
        if let (Some(amounts), Some(taxes)) = (&amounts, &taxes) {
            for (n, item) in inv.items.iter().enumerate() {
                let Some(bp) = item.tax_rate.as_deref().and_then(rate_bp) else {
                    continue;
                };
                let expected = ((i128::from(amounts[n]) * i128::from(bp) + 5_000).div_euclid(10_000)) as i64;
                match taxes[n].saturating_sub(expected).unsigned_abs() {
                    0 => {}
                    1 => notes.push(format!(
                        "line {}: tax {} is one cent off {} × {} (allowed: tax derived from the inclusive amount)",
                        n + 1,
                        fmt_cents(taxes[n]),
                        fmt_cents(amounts[n]),
                        item.tax_rate.as_deref().unwrap_or_default()
                    )),
                    _ => problems.push(format!(
                        "line {}: tax {} is not {} × {} = {}",
                        n + 1,
                        fmt_cents(taxes[n]),
                        fmt_cents(amounts[n]),
                        item.tax_rate.as_deref().unwrap_or_default(),
                        fmt_cents(expected)
                    )),
                }
            }
        }
    }
    if problems.is_empty() {
        Check::passed(
            name,
            format!(
                "totals add up ({} lines){}",
                inv.items.len(),
                if notes.is_empty() {
                    String::new()
                } else {
                    format!("; {}", notes.join("; "))
                }
            ),
        )
        .with_detail("notes", notes)
    } else {
        Check::failed(name, Reason::PolicyViolation, problems.join("; "))
            .with_detail("problems", problems)
            .with_detail("notes", notes)
    }
}

fn fmt_cents(v: i64) -> String {
    let a = v.unsigned_abs();
    format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, a / 100, a % 100)
}

/// A taxpayer identification number: its form's name, or why it is none.
pub fn taxpayer_id(value: &str) -> Result<&'static str, IdError> {
    let v = squeeze(value).to_uppercase();
    if !v.is_ascii() {
        return Err(IdError::Format("a taxpayer ID is letters and digits".into()));
    }
    match v.len() {
        18 => match credit_code(&v) {
            Ok(_) => Ok("unified social credit code"),
            Err(e) => resident_id(&v).map(|_| "resident identity card number").map_err(|_| e),
        },
        15 if v[..6].bytes().all(|b| b.is_ascii_digit()) => {
            organisation_code(&v[6..]).map(|_| "tax registration number (region + organisation code)")
        }
        20 => resident_id(&v[..18]).map(|_| "tax registration number (resident ID + 2)"),
        n => Err(IdError::Format(format!(
            "{n} characters: not a taxpayer ID (18-character credit code, 15 or 20 characters)"
        ))),
    }
}

/// `invoice.tax-ids`: seller's and buyer's taxpayer IDs.
fn tax_ids_check(inv: &Invoice) -> Check {
    let name = "invoice.tax-ids";
    let mut details = serde_json::Map::new();
    let mut failed: Option<(Reason, String)> = None;
    for (role, party) in [("seller", &inv.seller), ("buyer", &inv.buyer)] {
        let Some(id) = party.tax_id.as_deref().filter(|s| !s.trim().is_empty()) else {
            details.insert(
                role.into(),
                json!({ "id": null, "note": "none given (individuals and some sellers have none)" }),
            );
            continue;
        };
        match taxpayer_id(id) {
            Ok(form) => {
                details.insert(role.into(), json!({ "id": id, "form": form }));
            }
            Err(e) => {
                details.insert(role.into(), json!({ "id": id, "error": e.to_string() }));
                failed.get_or_insert((e.reason(), format!("the {role}'s taxpayer ID {id} is not valid: {e}")));
            }
        }
    }
    let check = match failed {
        Some((reason, message)) => Check::failed(name, reason, message),
        None => Check::passed(name, "the taxpayer IDs given are valid"),
    };
    details.into_iter().fold(check, |c, (k, v)| c.with_detail(&k, v))
}

/// `invoice.tax-signature`: the tax-side signature, parsed and reported, never PASSED.
fn tax_signature_check(inv: &Invoice, certificates: &[Certificate]) -> Option<Check> {
    let name = "invoice.tax-signature";
    let raw = inv.signature.as_deref()?;
    use base64::Engine;
    let (der, time) = match raw.split_once('&') {
        Some((h, t)) => (
            hex::decode(squeeze(h)).ok(),
            base64::engine::general_purpose::STANDARD
                .decode(squeeze(t))
                .ok()
                .and_then(|t| String::from_utf8(t).ok()),
        ),
        None => (
            base64::engine::general_purpose::STANDARD
                .decode(squeeze(raw))
                .ok()
                .or_else(|| hex::decode(squeeze(raw)).ok()),
            None,
        ),
    };
    let what = match inv.source {
        Source::DigitalXml => "TaxBureauSignature",
        _ => "fp:Signature",
    };
    let Some(der) = der else {
        return Some(Check::failed(
            name,
            Reason::Malformed,
            format!("{what} is neither base64 nor hex"),
        ));
    };
    let signed = match SignedData::from_der(&der) {
        Ok(s) => s,
        Err(e) => return Some(Check::failed(name, e.reason(), format!("{what}: {e}"))),
    };
    let signers: Vec<serde_json::Value> = signed
        .signers
        .iter()
        .map(|s| {
            json!({
                "signer": s.sid.to_string(),
                "digest_algorithm": s.digest_algorithm.oid.to_string(),
                "signature_algorithm": s.signature_algorithm.oid.to_string(),
                "signed_attributes": s.signed_attributes.len(),
            })
        })
        .collect();
    let first = signed.signers.first().map(|s| s.sid.to_string()).unwrap_or_default();
    let known = signed
        .signers
        .first()
        .and_then(|s| signed.find_certificate(s, certificates))
        .is_some();
    let content = match inv.source {
        Source::DigitalXml => "not established publicly (which bytes its messageDigest covers is unknown)",
        _ => FP_SIGNATURE_CONTENT,
    };
    let format = if signed.is_gmt_0010() {
        "GM/T 0010 SignedData"
    } else {
        "PKCS#7 SignedData"
    };
    let check = if known {
        Check::failed(
            name,
            Reason::Unsupported,
            format!("{what} ({format}, {first}): its certificate is known, but what it signs is {content}"),
        )
    } else {
        Check::failed(
            name,
            Reason::UntrustedChain,
            format!(
                "{what} ({format}, {first}) carries no certificate, so it cannot be verified; what it signs is {content}"
            ),
        )
    };
    Some(
        check
            .with_detail("format", format)
            .with_detail("signers", signers)
            .with_detail("certificates", signed.certificates.len())
            .with_detail("signature_time", time),
    )
}

/// Seal names and signer subjects that mark a tax authority.
fn is_tax_authority(text: &str) -> bool {
    text.contains("税务")
}

/// `invoice.issuer`: a signature whose value verified is by a tax authority.
fn issuer_check(document: &Report, inv: &Invoice) -> Check {
    let name = "invoice.issuer";
    let signers: Vec<(String, String)> = document
        .parts
        .iter()
        .filter(|p| p.status != Status::Failed)
        .map(|p| {
            (
                p.subject.seal.clone().unwrap_or_default(),
                p.subject.signer.clone().unwrap_or_default(),
            )
        })
        .collect();
    if document.parts.is_empty() {
        return Check::failed(name, Reason::NoSignature, "no seal or signature names the issuer");
    }
    let by_tax = signers
        .iter()
        .find(|(seal, signer)| is_tax_authority(seal) || is_tax_authority(signer));
    if let Some((seal, signer)) = by_tax {
        return Check::passed(
            name,
            format!(
                "sealed by a tax authority: {}",
                if seal.is_empty() {
                    signer.as_str()
                } else {
                    seal.as_str()
                }
            ),
        )
        .with_detail("seal", seal.as_str())
        .with_detail("signer", signer.as_str());
    }
    if inv.kind == InvoiceKind::Railway {
        if let Some((seal, signer)) = signers.iter().find(|(s, g)| s.contains("铁路") || g.contains("铁路")) {
            return Check::passed(
                name,
                format!(
                    "signed by China Railway ({}), which issues railway e-ticket invoices",
                    if seal.is_empty() {
                        signer.as_str()
                    } else {
                        seal.as_str()
                    }
                ),
            )
            .with_detail("signer", signer.as_str());
        }
    }
    let who: Vec<String> = signers
        .iter()
        .map(|(seal, signer)| {
            if seal.is_empty() {
                signer.clone()
            } else {
                format!("{seal} ({signer})")
            }
        })
        .collect();
    Check::failed(
        name,
        Reason::PolicyViolation,
        format!(
            "no verified seal or signer is a tax authority{}",
            if who.is_empty() {
                String::new()
            } else {
                format!(": {}", who.join("; "))
            }
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoice::model::Item;

    #[test]
    fn taxpayer_id_forms() {
        assert_eq!(taxpayer_id("91320115MA202UKD7X").unwrap(), "unified social credit code");
        assert!(matches!(
            taxpayer_id("91320115MA202UKD7Y"),
            Err(IdError::CheckCharacter { .. })
        ));
        assert!(taxpayer_id("a中中中中中中中中中中中中中z").is_err());
        assert!(taxpayer_id("1234567").is_err());
    }

    #[test]
    fn values_compare_normalised() {
        assert!(same_value("2020年07月23日", "20200723"));
        assert!(same_value("526.00", "¥526.00"));
        assert!(same_value("510.680", "510.68"));
        assert!(same_value("16197833567414507415", "16197 83356 74145 07415"));
        assert!(!same_value("526.00", "626.00"));
        assert!(!same_value("江苏", "浙江"));
        assert_eq!(rate_bp("3%"), Some(300));
        assert_eq!(rate_bp("0.06"), Some(600));
        assert_eq!(rate_bp("免税"), None);
        assert_eq!(rate_bp("***"), None);
    }

    #[test]
    fn arithmetic_names_what_is_off_and_survives_huge_amounts() {
        let mut inv = Invoice::new(InvoiceKind::Vat2019, Source::Xml2019);
        inv.total_excluding_tax = Some("100.00".into());
        inv.total_tax = Some("3.00".into());
        inv.total_including_tax = Some("104.00".into());
        inv.items = vec![Item {
            amount: Some("100.00".into()),
            tax_rate: Some("3%".into()),
            tax_amount: Some("3.00".into()),
            ..Item::default()
        }];
        let check = arithmetic_check(&inv);
        assert_eq!(check.reason, Some(Reason::PolicyViolation));
        assert!(check.message.contains("100.00 + 3.00 ≠ 104.00"), "{}", check.message);
        inv.total_including_tax = Some("103.00".into());
        assert_eq!(arithmetic_check(&inv).status, Status::Passed);
        inv.items[0].tax_amount = Some("5.00".into());
        assert!(arithmetic_check(&inv).message.contains("line 1"));

        let huge = "-999999999999999.99";
        inv.total_excluding_tax = Some(huge.into());
        inv.total_tax = Some(huge.into());
        inv.total_including_tax = Some("999999999999999.99".into());
        inv.items = vec![
            Item {
                amount: Some(huge.into()),
                tax_rate: Some("100%".into()),
                tax_amount: Some(huge.into()),
                ..Item::default()
            };
            64
        ];
        assert_eq!(arithmetic_check(&inv).status, Status::Failed);
    }
}
