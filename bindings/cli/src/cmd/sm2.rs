//! `yinjian sm2`: sign, verify, public key.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::codec::{decode_text_or_binary, Decoded};
use yinjian::sm::sm2::{PrivateKey, PublicKey, Sm2Signer, Sm2Verifier};

use crate::io::{emit, open, read_small};
use crate::options::{DistIdArgs, Encoding, OutputArgs};

#[derive(Subcommand)]
pub(crate) enum Sm2Command {
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

/// Runs an `sm2` subcommand.
pub(crate) fn run(command: Sm2Command) -> Result<ExitCode, String> {
    match command {
        Sm2Command::Sign {
            key,
            id,
            encoding,
            out,
            hex,
            message,
        } => {
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
        Sm2Command::Verify {
            key,
            sig,
            id,
            output,
            message,
        } => {
            let public = PublicKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let signature = match decode_text_or_binary(&read_small(&sig)?).map_err(|e| e.to_string())? {
                Decoded::Hex(bytes) | Decoded::Binary(bytes) => bytes,
                Decoded::Pem { label, .. } => {
                    return Err(format!("{}: PEM {label:?} is not a signature", sig.display()))
                }
                other => return Err(format!("{}: {other:?} is not a signature", sig.display())),
            };
            let verifier = Sm2Verifier::new(&public, &id.bytes()?).map_err(|e| e.to_string())?;
            let at = output.validation_time()?;
            let e = verifier.digest_reader(open(&message)?).map_err(|e| e.to_string())?;
            let mut report = verifier.report_digest(&e, &signature);
            report.subject.validation_time = Some(at);
            Ok(emit(&report, output.json))
        }
        Sm2Command::Pubkey { key } => {
            let private = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            print!("{}", private.public_key().to_pem());
            Ok(ExitCode::SUCCESS)
        }
    }
}
