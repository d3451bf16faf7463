//! `yinjian licence`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::{seal, x509};

use crate::io::{emit_under, read_file, revocation_list};
use crate::options::{OutputArgs, TrustArgs};

#[derive(Subcommand)]
pub(crate) enum LicenceCommand {
    /// Verify an OFD e-licence: every seal/signature, the sealing authority against the
    /// issuing authority the licence data names, validity, identifiers, revocation.
    Verify {
        /// The licence file (OFD or PDF).
        file: PathBuf,
        /// Licence data (JSON or metadata XML); default the metadata XML inside the file.
        #[arg(long)]
        data: Option<PathBuf>,
        /// File listing revoked licence identifiers or numbers, one a line.
        #[arg(long)]
        revoked: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs a `licence` subcommand.
pub(crate) fn run(command: LicenceCommand) -> Result<ExitCode, String> {
    match command {
        LicenceCommand::Verify {
            file,
            data,
            revoked,
            trust,
            output,
        } => {
            use yinjian::licence::file::{verify_licence_file, LicenceFileOptions};
            let (store, pool, chain, policy) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let mut opts = LicenceFileOptions::new(yinjian::ofd::OfdOptions::new(seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            }));
            if let Some(path) = &data {
                opts.data = Some(
                    yinjian::licence::LicenceData::parse(&read_file(path)?)
                        .map_err(|e| format!("{}: {e}", path.display()))?,
                );
            }
            if let Some(path) = &revoked {
                opts.revoked = revocation_list(path)?;
            }
            let bytes = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            if !bytes.starts_with(b"PK\x03\x04") && !bytes.starts_with(b"%PDF-") {
                return Err(format!("{}: neither an OFD package nor a PDF", file.display()));
            }
            Ok(emit_under(&policy, verify_licence_file(&bytes, &opts), output.json))
        }
    }
}
