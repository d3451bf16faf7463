//! `verify-document`: verify every signature of an OFD or PDF file with `yinjian` and print
//! the verdict, one line per signature (or the JSON report with `--json`).
//!
//! ```sh
//! verify-document test-vectors/sample/notice.ofd --anchors test-vectors/x509/sm2/certs/root.pem \
//!     --intermediates test-vectors/x509/sm2/certs/int.pem [--at 2027-06-01T00:00:00Z] [--json]
//! ```
//!
//! Exit codes: 0 PASSED, 1 FAILED, 2 INDETERMINATE or a usage or input error.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use yinjian::report::deciding;
use yinjian::x509::RevocationPolicy;
use yinjian::{Report, Status, Time};
use yinjian_examples::{verify_document, DocumentKind, Trust};

/// Exit code for INDETERMINATE and for usage or input errors.
const EXIT_INDETERMINATE: u8 = 2;

/// Verify every signature of an OFD or PDF document.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// The document (OFD or PDF).
    document: PathBuf,
    /// Trust anchors: a PEM file (repeatable).
    #[arg(long, required = true)]
    anchors: Vec<PathBuf>,
    /// Intermediate CA certificates, PEM bundles (repeatable).
    #[arg(long)]
    intermediates: Vec<PathBuf>,
    /// Validation time, RFC 3339; default now.
    #[arg(long)]
    at: Option<String>,
    /// Require revocation status (this example supplies no CRLs, so chains become
    /// INDETERMINATE); by default it is reported without lowering the verdict.
    #[arg(long)]
    require_revocation: bool,
    /// Print the JSON report.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    match run(Args::parse()) {
        Ok(status) => ExitCode::from(match status {
            Status::Passed => 0,
            Status::Failed => 1,
            Status::Indeterminate => EXIT_INDETERMINATE,
        }),
        Err(message) => {
            eprintln!("verify-document: {message}");
            ExitCode::from(EXIT_INDETERMINATE)
        }
    }
}

fn run(args: Args) -> Result<Status, String> {
    let at = match &args.at {
        Some(text) => Time::parse(text).map_err(|e| format!("--at: {e}"))?,
        None => Time::now().map_err(|e| format!("clock: {e}"))?,
    };
    let trust = Trust::load(&args.anchors, &args.intermediates)?;
    let document = std::fs::read(&args.document).map_err(|e| format!("{}: {e}", args.document.display()))?;
    let kind = DocumentKind::detect(&document)
        .ok_or_else(|| format!("{}: neither an OFD package nor a PDF", args.document.display()))?;
    let revocation = if args.require_revocation {
        RevocationPolicy::Required
    } else {
        RevocationPolicy::NotRequired
    };
    let report = verify_document(&trust, kind, &document, at, revocation);
    if args.json {
        println!("{}", report.to_json_pretty());
    } else {
        print_summary(&report);
    }
    Ok(report.status)
}

/// The verdict, then a line per signature: status, signer, seal, and why when not PASSED.
fn print_summary(report: &Report) {
    println!("{}  {}", report.status, report.summary);
    for (i, part) in report.parts.iter().enumerate() {
        let mut line = format!("signature {}: {}", i + 1, part.status);
        if let Some(signer) = &part.subject.signer {
            line.push_str(&format!("  signer: {signer}"));
        }
        if let Some(seal) = &part.subject.seal {
            line.push_str(&format!("  seal: {seal}"));
        }
        if let Some(time) = &part.subject.signing_time {
            line.push_str(&format!("  signed: {time}"));
        }
        println!("{line}");
        if let Some(check) = deciding(&part.checks) {
            let reason = check.reason.map(|r| format!(" [{r}]")).unwrap_or_default();
            println!("  {}{reason}: {}", check.name, check.message);
        }
    }
}
