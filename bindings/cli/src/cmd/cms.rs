//! `yinjian cms verify` and `yinjian cms show`: CMS / PKCS#7 signature files (`.p7s`, `.p7m`),
//! DER, BER, PEM or base64, attached or detached (`-` reads standard input).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::cms::{self, file, CmsOptions, SignedData, MAX_CMS_SIZE};
use yinjian::x509;

use crate::io::{emit_under, read_limited};
use crate::options::{OutputArgs, TrustArgs};

/// Largest detached content read into memory by `cms verify`.
const MAX_CONTENT: u64 = cms::MAX_CONTENT_WITHOUT_ATTRIBUTES as u64;

#[derive(Subcommand)]
pub(crate) enum CmsCommand {
    /// Verify every SignerInfo of a CMS signature (a report part per signer).
    Verify {
        /// The signature (DER, BER, PEM or base64; `-` for standard input).
        signature: PathBuf,
        /// The signed content, for a detached signature.
        #[arg(long)]
        content: Option<PathBuf>,
        /// Accept SM2 signatures made without the Z value (legacy products); reported as such.
        #[arg(long)]
        accept_sm2_without_z: bool,
        #[command(flatten)]
        trust: Box<TrustArgs>,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Show what a CMS signature holds: content, certificates, signers and their attributes.
    Show {
        /// The signature (DER, BER, PEM or base64; `-` for standard input).
        signature: PathBuf,
    },
}

/// The detached content of a signature (up to the content limit).
pub(crate) fn read_content(path: &Path) -> Result<Vec<u8>, String> {
    read_limited(path, MAX_CONTENT)
}

/// The CMS bytes of a signature file.
pub(crate) fn read_signature(path: &Path) -> Result<Vec<u8>, String> {
    let raw = read_limited(path, 2 * MAX_CMS_SIZE as u64)?;
    file::decode_input(&raw).map_err(|e| format!("{}: {e}", path.display()))
}

/// True when `bytes` (a file's start) look like a CMS signature: a DER/BER SEQUENCE whose first
/// element is an OID, or PEM/base64 text of one.
pub(crate) fn looks_like_cms(bytes: &[u8]) -> bool {
    let text = bytes.trim_ascii_start();
    text.starts_with(b"-----BEGIN PKCS7")
        || text.starts_with(b"-----BEGIN CMS")
        || text.starts_with(b"MI")
        || (bytes.first() == Some(&0x30) && bytes.windows(3).take(8).any(|w| w == [0x06, 0x09, 0x2a]))
}

pub(crate) fn run(command: CmsCommand) -> Result<ExitCode, String> {
    match command {
        CmsCommand::Verify {
            signature,
            content,
            accept_sm2_without_z,
            trust,
            output,
        } => {
            if content.as_deref().is_some_and(crate::io::is_stdin) && crate::io::is_stdin(&signature) {
                return Err("the signature and the content cannot both be standard input".into());
            }
            let der = read_signature(&signature)?;
            let content = content.map(|p| read_content(&p)).transpose()?;
            let (store, pool, chain, policy) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let opts = CmsOptions { accept_sm2_without_z };
            let report = file::verify_report(&der, content.as_deref(), &store, &chain, &pool, &opts);
            Ok(emit_under(&policy, report, output.json))
        }
        CmsCommand::Show { signature } => {
            let der = read_signature(&signature)?;
            let sd = SignedData::from_der(&der).map_err(|e| format!("{}: {e}", signature.display()))?;
            let text = serde_json::to_string_pretty(&file::describe(&sd)).map_err(|e| e.to_string())?;
            // A closed pipe (`| head`) is not an error worth a panic.
            let _ = writeln!(std::io::stdout(), "{text}");
            Ok(ExitCode::SUCCESS)
        }
    }
}
