//! Verifying an e-licence file (OFD per GB/T 36905, or PDF): the document's signatures
//! through [`crate::ofd`] or [`crate::pdf`], then the licence checks, in one report (kind
//! `licence-file`):
//!
//! | check | reason when it fails |
//! |---|---|
//! | `licence.document` | the document report's reason (its report is the part) |
//! | `licence.data` | Missing (no licence data given or found in the file), PolicyViolation (the only metadata in an OFD is covered by no signature), Malformed |
//! | `licence.issuer` | Missing (the data names no issuing authority), PolicyViolation (no verified signature's certificate or seal names it) |
//! | `licence.id` … `licence.status` | as for QR codes ([`crate::licence::qr::licence_checks`]) |
//!
//! Licence data comes from the caller, or from metadata XML in the file: the first `.xml`
//! entry of the OFD package, or embedded file of the PDF (/Names /EmbeddedFiles), whose name
//! says metadata (`metadata`, `元数据`, `licence`/`license`, `证照`) and that reads to data
//! naming a licence or a holder. In an OFD only metadata a signature covers counts (anyone can
//! add a file to a package); in a PDF, an embedded file added after signing is a change the
//! PDF verifier reports, which fails `licence.document`.

use std::io::Cursor;

use crate::licence::data::{LicenceData, MAX_DATA_SIZE};
use crate::licence::qr::{licence_checks, trust::credit_code_in};
use crate::ofd::package::Package;
use crate::ofd::{verify_ofd, OfdOptions};
use crate::pdf::{verify_pdf, PdfDocument};
use crate::report::{Check, Reason, Report, Status};

/// The report kind of [`verify_licence_ofd`].
pub const REPORT_KIND: &str = "licence-file";

/// What a licence file is checked with.
#[derive(Debug, Clone)]
pub struct LicenceFileOptions<'a> {
    /// Trust, time and revocation data for the document's signatures.
    pub ofd: OfdOptions<'a>,
    /// The licence data, when the caller has it (otherwise read from the file).
    pub data: Option<LicenceData>,
    /// Revoked licence identifiers or numbers (a caller-supplied list).
    pub revoked: Vec<String>,
}

impl<'a> LicenceFileOptions<'a> {
    /// Options with the data read from the file and no revocation list.
    pub fn new(ofd: OfdOptions<'a>) -> LicenceFileOptions<'a> {
        LicenceFileOptions {
            ofd,
            data: None,
            revoked: Vec::new(),
        }
    }
}

fn is_metadata_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower.ends_with(".xml")
        && ["metadata", "元数据", "licence", "license", "证照"]
            .iter()
            .any(|w| lower.contains(w))
}

/// Licence metadata XML found in an OFD package, if any.
pub fn find_metadata(ofd: &[u8]) -> Option<(String, LicenceData)> {
    find_metadata_where(ofd, |_| true)
}

/// Licence metadata XML in an OFD package, from the files whose name `keep` accepts.
fn find_metadata_where(ofd: &[u8], keep: impl Fn(&str) -> bool) -> Option<(String, LicenceData)> {
    let mut pkg = Package::open(Cursor::new(ofd)).ok()?;
    let names: Vec<String> = pkg
        .entries()
        .filter(|e| is_metadata_name(&e.name) && e.size <= MAX_DATA_SIZE as u64 && keep(&e.name))
        .map(|e| e.name.clone())
        .collect();
    names.into_iter().find_map(|name| {
        let data = LicenceData::from_xml(&pkg.read(&name).ok()?).ok()?;
        (data.licence_id.is_some() || data.holder_name.is_some()).then_some((name, data))
    })
}

/// Licence metadata XML embedded in a PDF (/Names /EmbeddedFiles), if any.
pub fn find_pdf_metadata(pdf: &[u8]) -> Option<(String, LicenceData)> {
    let doc = PdfDocument::parse(pdf).ok()?;
    crate::pdf::document::embedded_files(doc.last(), MAX_DATA_SIZE)
        .into_iter()
        .filter(|(name, _)| is_metadata_name(name))
        .find_map(|(name, bytes)| {
            let data = LicenceData::from_xml(&bytes).ok()?;
            (data.licence_id.is_some() || data.holder_name.is_some()).then_some((name, data))
        })
}

/// Verifies an e-licence file held in memory: an OFD package or a PDF, told apart by their
/// first bytes.
pub fn verify_licence_file(file: &[u8], opts: &LicenceFileOptions<'_>) -> Report {
    if file.starts_with(b"%PDF-") {
        return verify_licence_pdf(file, opts);
    }
    verify_licence_ofd(file, opts)
}

/// Verifies a PDF e-licence file held in memory.
pub fn verify_licence_pdf(pdf: &[u8], opts: &LicenceFileOptions<'_>) -> Report {
    let document = verify_pdf(pdf, &opts.ofd);
    // An embedded file added after signing is a change the PDF verifier reports, which
    // fails the document check.
    let found = match &opts.data {
        Some(data) => Ok(("the caller".to_owned(), data.clone())),
        None => find_pdf_metadata(pdf).ok_or_else(no_data),
    };
    licence_report(document, found, opts)
}

/// Verifies an OFD e-licence file held in memory.
pub fn verify_licence_ofd(ofd: &[u8], opts: &LicenceFileOptions<'_>) -> Report {
    let document = verify_ofd(Cursor::new(ofd), &opts.ofd);
    let found = match &opts.data {
        Some(data) => Ok(("the caller".to_owned(), data.clone())),
        None => {
            // Only metadata a signature covers counts: anyone can add a file to a package.
            let uncovered: Vec<String> = document
                .check("ofd.coverage")
                .and_then(|c| c.details.get("uncovered"))
                .and_then(serde_json::Value::as_array)
                .map(|l| l.iter().filter_map(|v| v.as_str().map(str::to_lowercase)).collect())
                .unwrap_or_default();
            let covered = |name: &str| !uncovered.contains(&name.to_lowercase());
            find_metadata_where(ofd, covered).ok_or_else(|| match find_metadata(ofd) {
                Some((name, _)) => Check::failed(
                    "licence.data",
                    Reason::PolicyViolation,
                    format!("the licence metadata {name} is covered by no signature: anyone could have written it"),
                )
                .with_detail("file", name),
                None => no_data(),
            })
        }
    };
    licence_report(document, found, opts)
}

/// The failed `licence.data` check when the file carries no licence data.
fn no_data() -> Check {
    Check::failed(
        "licence.data",
        Reason::Missing,
        "no licence data given and no licence metadata XML in the file",
    )
}

/// The licence checks over a verified document's report and the licence data found.
/// `found` is the licence data and where it came from, or the failed `licence.data` check.
fn licence_report(
    document: Report,
    found: Result<(String, LicenceData), Check>,
    opts: &LicenceFileOptions<'_>,
) -> Report {
    let at = opts.ofd.seal.chain.at;
    let mut report = Report::new(REPORT_KIND);
    report.subject.validation_time = Some(at);
    report.push(match document.status {
        Status::Passed => Check::passed(
            "licence.document",
            format!("{} signature(s) verified", document.parts.len()),
        ),
        status => {
            let mut check = Check::failed(
                "licence.document",
                document.reason.unwrap_or(Reason::Malformed),
                document.summary.clone(),
            )
            .with_detail(crate::report::DETAIL_FAILING_CHECKS, document.failing_checks());
            check.status = status;
            check
        }
    });

    let (source, data) = match found {
        Ok(found) => found,
        Err(check) => {
            report.push(check);
            report.parts.push(document);
            return report.finish();
        }
    };
    report.push(
        Check::passed("licence.data", format!("licence data from {source}")).with_detail("licence", data.to_json()),
    );

    // The issuing authority must be who sealed or signed: its name or credit code in a
    // verified signature's certificate subject or seal name.
    let wanted: Vec<&str> = [data.issuer_name.as_deref(), data.issuer_code.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if wanted.is_empty() {
        report.push(Check::failed(
            "licence.issuer",
            Reason::Missing,
            "the licence data names no issuing authority",
        ));
    } else {
        let matched = document
            .parts
            .iter()
            .filter(|p| p.status == Status::Passed)
            .find_map(|p| {
                let signer = p.subject.signer.as_deref().unwrap_or_default();
                let seal = p.subject.seal.as_deref().unwrap_or_default();
                let code = credit_code_in(signer);
                wanted
                    .iter()
                    .find(|w| signer.contains(**w) || seal.contains(**w) || code.as_deref() == Some(**w))
                    .map(|w| format!("{w} in {}", if seal.contains(*w) { seal } else { signer }))
            });
        report.push(match matched {
            Some(how) => Check::passed("licence.issuer", format!("sealed by the issuing authority: {how}")),
            None => Check::failed(
                "licence.issuer",
                Reason::PolicyViolation,
                format!(
                    "no verified signature's certificate or seal names the issuing authority ({})",
                    wanted.join(" / ")
                ),
            ),
        });
    }
    licence_checks(&data, at, &opts.revoked, &mut report);
    report.subject.signer = document.parts.iter().find_map(|p| p.subject.signer.clone());
    report.subject.seal = document.parts.iter().find_map(|p| p.subject.seal.clone());
    report.parts.push(document);
    report.finish()
}
