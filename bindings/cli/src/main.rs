//! `yinjian`: the command-line face of the yinjian library.
//!
//! Exit codes: 0 = passed, 1 = failed, 2 = indeterminate, 3 = usage or input error.
//! Every verifying command prints a readable report, or the JSON report with `--json`.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use yinjian::codec::{decode_text_or_binary, Decoded, MAX_TEXT_INPUT};
use yinjian::sm::sm2::{self, PrivateKey, PublicKey, SignatureEncoding, Sm2Signer, Sm2Verifier};
use yinjian::sm::sm3::sm3_reader_with_progress;
use yinjian::{Report, Status, Time};

/// Files larger than this get a progress bar while they are hashed.
const PROGRESS_THRESHOLD: u64 = 64 * 1024 * 1024;

/// Exit code for usage and input errors.
const EXIT_USAGE: u8 = 3;

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
    /// SM3 digests of files, printed like sm3sum (`-` reads standard input).
    Sm3 {
        /// Files to hash.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// SM2 signatures: sign, verify, derive a public key.
    #[command(subcommand)]
    Sm2(Sm2Command),
}

#[derive(Subcommand)]
enum Sm2Command {
    /// Sign a message file; writes the signature (binary, or hex with --hex).
    Sign {
        /// Private key: PEM (PKCS#8 or SEC1), DER, hex, or a raw 32-byte scalar.
        #[arg(long)]
        key: PathBuf,
        #[command(flatten)]
        id: DistIdArgs,
        /// Signature encoding.
        #[arg(long, value_enum, default_value_t = Encoding::Der)]
        encoding: Encoding,
        /// Where to write the signature (default: standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
        /// Write the signature as hex text instead of bytes.
        #[arg(long)]
        hex: bool,
        /// The message file (`-` for standard input).
        message: PathBuf,
    },
    /// Verify a signature (DER or raw r‖s, binary or hex) over a message file.
    Verify {
        /// Public key: PEM, SPKI DER, SEC1 point, raw x‖y, or hex of any of these.
        #[arg(long)]
        key: PathBuf,
        /// The signature file.
        #[arg(long)]
        sig: PathBuf,
        #[command(flatten)]
        id: DistIdArgs,
        #[command(flatten)]
        output: OutputArgs,
        /// The message file (`-` for standard input).
        message: PathBuf,
    },
    /// Print the public key (PEM) of a private key.
    Pubkey {
        /// Private key in any supported form.
        #[arg(long)]
        key: PathBuf,
    },
}

#[derive(Args)]
struct DistIdArgs {
    /// Distinguishing ID as text (default 1234567812345678).
    #[arg(long, conflicts_with = "id_hex")]
    id: Option<String>,
    /// Distinguishing ID as hex bytes.
    #[arg(long)]
    id_hex: Option<String>,
}

impl DistIdArgs {
    fn bytes(&self) -> Result<Vec<u8>, String> {
        match (&self.id, &self.id_hex) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(h)) => hex::decode(h).map_err(|e| format!("--id-hex: {e}")),
            (None, None) => Ok(sm2::DEFAULT_DISTID.to_vec()),
        }
    }
}

#[derive(Args)]
struct OutputArgs {
    /// Print the JSON report.
    #[arg(long)]
    json: bool,
    /// Validation time (RFC 3339 or Unix seconds); default now.
    #[arg(long)]
    at: Option<String>,
}

impl OutputArgs {
    fn validation_time(&self) -> Result<Time, String> {
        match &self.at {
            Some(text) => Time::parse(text).map_err(|e| format!("--at: {e}")),
            None => now(),
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    /// DER SEQUENCE { r, s }.
    Der,
    /// 64-byte r‖s.
    Raw,
}

impl From<Encoding> for SignatureEncoding {
    fn from(e: Encoding) -> SignatureEncoding {
        match e {
            Encoding::Der => SignatureEncoding::Der,
            Encoding::Raw => SignatureEncoding::Raw,
        }
    }
}

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

fn run(command: Command) -> Result<ExitCode, String> {
    match command {
        Command::Sm3 { files } => sm3_files(&files),
        Command::Sm2(Sm2Command::Sign {
            key,
            id,
            encoding,
            out,
            hex,
            message,
        }) => {
            let private = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let signer = Sm2Signer::new(&private, &id.bytes()?).map_err(|e| e.to_string())?;
            let e = signer
                .verifier()
                .digest_reader(open(&message)?)
                .map_err(|e| e.to_string())?;
            let signature = signer
                .sign_digest(&e)
                .map_err(|e| e.to_string())?
                .encode(encoding.into());
            let bytes = if hex {
                format!("{}\n", hex::encode(&signature)).into_bytes()
            } else {
                signature
            };
            match out {
                Some(path) => std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?,
                None => io::stdout().write_all(&bytes).map_err(|e| e.to_string())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Sm2(Sm2Command::Verify {
            key,
            sig,
            id,
            output,
            message,
        }) => {
            let public = PublicKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let signature = match decode_text_or_binary(&read_small(&sig)?).map_err(|e| e.to_string())? {
                Decoded::Hex(bytes) | Decoded::Binary(bytes) => bytes,
                Decoded::Pem { label, .. } => {
                    return Err(format!("{}: PEM {label:?} is not a signature", sig.display()))
                }
            };
            let verifier = Sm2Verifier::new(&public, &id.bytes()?).map_err(|e| e.to_string())?;
            let at = output.validation_time()?;
            let e = verifier.digest_reader(open(&message)?).map_err(|e| e.to_string())?;
            let mut report = verifier.report_digest(&e, &signature);
            report.subject.validation_time = Some(at);
            Ok(emit(&report, output.json))
        }
        Command::Sm2(Sm2Command::Pubkey { key }) => {
            let private = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            print!("{}", private.public_key().to_pem());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Prints a report and turns its status into the exit code.
fn emit(report: &Report, json: bool) -> ExitCode {
    if json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", report.to_text());
    }
    ExitCode::from(match report.status {
        Status::Passed => 0,
        Status::Failed => 1,
        Status::Indeterminate => 2,
    })
}

fn sm3_files(files: &[PathBuf]) -> Result<ExitCode, String> {
    let mut status = ExitCode::SUCCESS;
    for path in files {
        let size = if is_stdin(path) {
            0
        } else {
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        };
        let bar = (size > PROGRESS_THRESHOLD).then(|| {
            let bar = ProgressBar::new(size);
            if let Ok(style) = ProgressStyle::with_template("{msg} {bar:40} {bytes}/{total_bytes} {bytes_per_sec}") {
                bar.set_style(style);
            }
            bar.set_message(path.display().to_string());
            bar
        });
        let result = open(path).and_then(|reader| {
            sm3_reader_with_progress(reader, |n| {
                if let Some(bar) = &bar {
                    bar.set_position(n);
                }
            })
            .map_err(|e| format!("{}: {e}", path.display()))
        });
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        match result {
            Ok(digest) => println!("{}  {}", hex::encode(digest), path.display()),
            Err(message) => {
                eprintln!("yinjian: {message}");
                status = ExitCode::from(EXIT_USAGE);
            }
        }
    }
    Ok(status)
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Opens a file (or standard input for `-`) for streaming.
fn open(path: &Path) -> Result<Box<dyn Read>, String> {
    if is_stdin(path) {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
}

/// Reads a key or signature file, refusing anything larger than a key could be.
fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    open(path)?
        .take(MAX_TEXT_INPUT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() > MAX_TEXT_INPUT {
        return Err(format!(
            "{}: larger than {MAX_TEXT_INPUT} bytes; not a key or signature",
            path.display()
        ));
    }
    Ok(bytes)
}

/// The CLI's default validation time: the system clock (the library never reads it).
fn now() -> Result<Time, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    Time::from_unix(secs as i64).map_err(|e| e.to_string())
}
