//! `yinjian invoice verify|list`: one e-invoice's report, or a listing of many with the
//! invoices seen twice flagged (the reimbursement-fraud check).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::invoice::{mark_duplicates, model::cents, verify_invoice, verify_invoice_with_data, InvoiceRow};
use yinjian::{seal, x509, Status};

use crate::io::{emit_under, read_certs, read_limited};
use crate::options::{OutputArgs, TrustArgs};

/// Largest invoice file read (real ones are tens of KB).
const MAX_INVOICE_FILE: u64 = 64 * 1024 * 1024;

/// Most files one listing walks.
const MAX_LIST_FILES: usize = 100_000;

#[derive(Subcommand)]
pub(crate) enum InvoiceCommand {
    /// Verify one e-invoice (OFD, or a bare invoice XML): its seal, then what is signed against
    /// what is shown, the QR code, the arithmetic, the taxpayer IDs, the tax-side signature
    /// and the issuing tax authority.
    Verify {
        /// The invoice file.
        file: PathBuf,
        /// Certificates for the tax-side signature (fp:Signature), which carries none.
        #[arg(long, num_args = 1..)]
        signer_cert: Vec<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// List invoices (files, or folders walked for .ofd and .xml files): one row per invoice
    /// with its fields and verdict; an invoice seen twice is flagged with both paths.
    List {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// CSV rows (the default).
        #[arg(long, conflicts_with = "jsonl")]
        csv: bool,
        /// One JSON object a line.
        #[arg(long)]
        jsonl: bool,
        #[command(flatten)]
        trust: TrustArgs,
        /// Validation time (RFC 3339 or Unix seconds); default now.
        #[arg(long)]
        at: Option<String>,
    },
}

/// Runs an `invoice` subcommand.
pub(crate) fn run(command: InvoiceCommand) -> Result<ExitCode, String> {
    match command {
        InvoiceCommand::Verify {
            file,
            signer_cert,
            trust,
            output,
        } => {
            let (store, pool, chain, policy) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let mut opts = yinjian::ofd::OfdOptions::new(seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            });
            for path in &signer_cert {
                opts.signer_certificates.extend(read_certs(path)?);
            }
            let bytes = read_invoice(&file)?;
            Ok(emit_under(&policy, verify_invoice(&bytes, &opts), output.json))
        }
        InvoiceCommand::List {
            paths,
            csv: _,
            jsonl,
            trust,
            at,
        } => {
            let output = OutputArgs { json: jsonl, at };
            let (store, pool, chain, policy) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let opts = yinjian::ofd::OfdOptions::new(seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            });
            let mut files = Vec::new();
            for path in &paths {
                walk(path, &mut files)?;
            }
            // A file named twice (or found through two folders) is one file, not a duplicate.
            let mut once = std::collections::BTreeSet::new();
            files.retain(|f| once.insert(f.canonicalize().unwrap_or_else(|_| f.clone())));
            let mut rows: Vec<InvoiceRow> = files
                .iter()
                .map(|path| {
                    let name = path.display().to_string();
                    match read_invoice(path) {
                        Ok(bytes) => {
                            let (mut report, invoice) = verify_invoice_with_data(&bytes, &opts);
                            policy.apply(&mut report);
                            InvoiceRow::new(name, &report, invoice)
                        }
                        Err(e) => {
                            let mut report = yinjian::Report::new(yinjian::invoice::REPORT_KIND);
                            report.push(yinjian::Check::failed("invoice.data", yinjian::Reason::Missing, e));
                            InvoiceRow::new(name, &report.finish(), None)
                        }
                    }
                })
                .collect();
            let duplicates = mark_duplicates(&mut rows);
            if jsonl {
                for row in &rows {
                    println!("{}", serde_json::to_string(row).unwrap_or_default());
                }
            } else {
                println!("{}", InvoiceRow::CSV_HEADER);
                for row in &rows {
                    println!("{}", row.csv());
                }
            }
            let total: i64 = rows
                .iter()
                .filter_map(|r| r.invoice.as_ref()?.total_including_tax.as_deref().and_then(cents))
                .sum();
            eprintln!(
                "{} file(s), {} invoice(s), total incl. tax ¥{}.{:02}, {} passed, {} duplicated invoice(s){}",
                rows.len(),
                rows.iter().filter(|r| r.invoice.is_some()).count(),
                total / 100,
                total.rem_euclid(100),
                rows.iter().filter(|r| r.status == Status::Passed).count(),
                duplicates.len(),
                duplicates
                    .iter()
                    .map(|(k, p)| format!("\n  duplicate {k}: {}", p.join(", ")))
                    .collect::<String>()
            );
            let worst = rows.iter().map(|r| r.status).max().unwrap_or(Status::Indeterminate);
            Ok(ExitCode::from(match (worst, duplicates.is_empty()) {
                (Status::Failed, _) | (_, false) => 1,
                (Status::Indeterminate, _) => 2,
                (Status::Passed, true) => 0,
            }))
        }
    }
}

/// Reads an invoice file within [`MAX_INVOICE_FILE`].
fn read_invoice(path: &Path) -> Result<Vec<u8>, String> {
    read_limited(path, MAX_INVOICE_FILE)
}

/// A file as given, or a folder's .ofd and .xml files (recursively, sorted).
fn walk(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    if !path.is_dir() {
        out.push(path.to_owned());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| format!("{}: {e}", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for entry in entries {
        if out.len() >= MAX_LIST_FILES {
            return Err(format!("more than {MAX_LIST_FILES} files"));
        }
        let ext = entry
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        if entry.is_dir() {
            walk(&entry, out)?;
        } else if ext == "ofd" || ext == "xml" {
            out.push(entry);
        }
    }
    Ok(())
}
