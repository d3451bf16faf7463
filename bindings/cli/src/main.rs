//! `yinjian`: the command-line face of the yinjian library.
//!
//! Exit codes: 0 = passed, 1 = failed, 2 = indeterminate, 3 = usage or input error.
//! Every verifying command prints a readable report, or the JSON report with `--json`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;
mod io;
mod options;

/// mimalloc: a verification makes many small allocations (parsed XML, certificates, report
/// strings); with the system allocator they took about an eighth of `yinjian batch`'s time,
/// and threads freeing into each other's arenas slowed the pool (docs/PERFORMANCE.md, Batch).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use cmd::{batch, cert, cms, id, invoice, licence, ofd, pdf, policy, qr, seal, serve, sm2, token};
use options::{OutputArgs, TrustArgs};

/// Exit code for usage and input errors.
pub(crate) const EXIT_USAGE: u8 = 3;

#[derive(Parser)]
#[command(
    name = "yinjian",
    version,
    about = "Verify and make SM2/SM3 signatures, seals and signed documents"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run test-vector files (`test-vectors/*.jsonl`): every case must give its expected answer.
    Vectors {
        /// The `.jsonl` files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print `{"id", "report"}` per line for the cases that make a report, without judging
        /// them (the WASM tests compare these with their own).
        #[arg(long)]
        reports: bool,
    },
    /// Verify every signature of a signed document (OFD, PDF, CMS), a seal or a licence QR
    /// text, with a report per signature.
    Verify {
        /// The document.
        document: PathBuf,
        /// Certificates of signers whose signatures carry none (bare SM2 Type=Sign signatures).
        #[arg(long, num_args = 1..)]
        signer_cert: Vec<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Verify every document under folders, in ZIP/TAR archives and in lists on all cores: one
    /// JSON line per file (`{"path", "kind", "status", "reason", "invoice", "duplicate_of",
    /// "report"}`; an e-invoice OFD is kind `invoice` with its fields, and a later copy of an
    /// invoice already seen names the earlier paths in `duplicate_of`); exit 0 all passed, 1
    /// any failed or any invoice seen twice (as `invoice list`), 2 any indeterminate.
    Batch(Box<batch::BatchArgs>),
    /// SM3 digests of files, printed like sm3sum (`-` reads standard input).
    Sm3 {
        /// Files to hash.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// SM2 signatures: sign, verify, derive a public key.
    #[command(subcommand)]
    Sm2(sm2::Sm2Command),
    /// X.509 certificates: show, verify a chain.
    #[command(subcommand)]
    Cert(cert::CertCommand),
    /// Identity tokens (JWS/JWT/OIDC, SM2 and the standard algorithms): verify, sign, inspect.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Identifiers: resident identity number, unified social credit code, organisation code,
    /// national e-licence identifier.
    #[command(subcommand)]
    Id(id::IdCommand),
    /// Electronic seals (GB/T 38540 v4, GM/T 0031 v1): show, verify, make, sign.
    #[command(subcommand)]
    Seal(seal::SealCommand),
    /// OFD documents: sign, time-stamp seal signatures (verify with `yinjian verify`).
    #[command(subcommand)]
    Ofd(ofd::OfdCommand),
    /// PDF documents: sign, make LTV (DSS and document time-stamps; verify with `yinjian verify`).
    #[command(subcommand)]
    Pdf(pdf::PdfCommand),
    /// CMS / PKCS#7 signatures (.p7s, .p7m): verify, show.
    #[command(subcommand)]
    Cms(cms::CmsCommand),
    /// Signed licence QR codes (YJ1:): make from licence data, verify from text or an image.
    #[command(subcommand)]
    Qr(qr::QrCommand),
    /// E-licence files: verify an OFD licence (its seals, then the licence rules).
    #[command(subcommand)]
    Licence(licence::LicenceCommand),
    /// Serve verification over HTTP (`POST /v1/verify`, `GET /v1/health`, `GET /v1/openapi.json`)
    /// for backends in any language; loopback only unless told otherwise.
    Serve(serve::ServeArgs),
    /// Validation policies (docs/POLICY.md, `--policy FILE` of the verifying commands): print
    /// the default, check a file.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// E-invoices: verify one (seal, shown = signed, QR code, arithmetic, tax IDs), or list
    /// many with the invoices seen twice flagged.
    #[command(subcommand)]
    Invoice(invoice::InvoiceCommand),
}

/// Parses the command line and runs it; usage errors exit with [`EXIT_USAGE`].
fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match run(cli.command) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("yinjian: error: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Runs one subcommand: `Ok` with its exit code, `Err` for usage and input errors.
fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Sm3 { files } => cmd::sm3::run(&files),
        Command::Serve(args) => serve::run(args).map(|()| ExitCode::SUCCESS),
        Command::Batch(args) => batch::run(*args),
        Command::Vectors { files, reports } => cmd::vectors::run(&files, reports),
        Command::Verify {
            document,
            signer_cert,
            trust,
            output,
        } => cmd::verify::run(document, signer_cert, trust, output),
        Command::Sm2(command) => sm2::run(command),
        Command::Cert(command) => cert::run(command),
        Command::Seal(command) => seal::run(command),
        Command::Token(command) => token::run(command),
        Command::Id(command) => id::run(command),
        Command::Ofd(command) => ofd::run(command),
        Command::Pdf(command) => pdf::run(command),
        Command::Qr(command) => qr::run(command),
        Command::Cms(command) => cms::run(command),
        Command::Invoice(command) => invoice::run(command),
        Command::Licence(command) => licence::run(command),
        Command::Policy(command) => policy::run(command),
    }
}
