//! `yinjian ofd`: sign.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::sm::sm2::PrivateKey;
use yinjian::Time;

use crate::io::{first_cert_der, now, read_file, read_small};

#[derive(Subcommand)]
pub(crate) enum OfdCommand {
    /// Add a seal signature (--seal) or a plain SM2 digital signature (--plain) to an OFD
    /// document; the existing files are kept byte for byte and the new signature covers them all.
    #[command(group(clap::ArgGroup::new("kind").required(true).args(["seal", "plain"])))]
    Sign {
        /// The OFD document to sign.
        input: PathBuf,
        /// Where to write the signed document.
        #[arg(long, short)]
        out: PathBuf,
        /// Sign with this seal (.esl): Type=Seal.
        #[arg(long)]
        seal: Option<PathBuf>,
        /// A plain digital signature: Type=Sign (bare DER SM2 signature over Signature.xml).
        #[arg(long)]
        plain: bool,
        /// The signer's private key.
        #[arg(long)]
        key: PathBuf,
        /// The signer's certificate.
        #[arg(long)]
        cert: PathBuf,
        /// Show the stamp on this page (counted from 0).
        #[arg(long, requires_all = ["x", "y"])]
        page: Option<usize>,
        /// Left edge of the stamp, millimetres.
        #[arg(long, requires = "page")]
        x: Option<f64>,
        /// Top edge of the stamp, millimetres.
        #[arg(long, requires = "page")]
        y: Option<f64>,
        /// Width and height of the stamp, millimetres.
        #[arg(long, default_value_t = 40.0)]
        size: f64,
        /// Signing time (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
    },
}

/// Runs an `ofd` subcommand.
pub(crate) fn run(command: OfdCommand) -> Result<ExitCode, String> {
    match command {
        OfdCommand::Sign {
            input,
            out,
            seal: seal_path,
            plain,
            key,
            cert,
            page,
            x,
            y,
            size,
            at,
        } => {
            let key = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let cert = first_cert_der(&cert)?;
            let time = match at {
                Some(t) => Time::parse(&t).map_err(|e| format!("--at: {e}"))?,
                None => now()?,
            };
            let seal_der = match &seal_path {
                Some(path) => Some(read_file(path)?),
                None => None,
            };
            let signer = match (&seal_der, plain) {
                (Some(seal), false) => yinjian::ofd::OfdSigner::Seal {
                    seal,
                    key: &key,
                    cert: &cert,
                },
                _ => yinjian::ofd::OfdSigner::Plain { key: &key, cert: &cert },
            };
            let placement = match (page, x, y) {
                (Some(page_index), Some(x), Some(y)) => Some(yinjian::ofd::StampPlacement {
                    page_index,
                    x,
                    y,
                    width: size,
                    height: size,
                }),
                _ => None,
            };
            let document = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let signed = yinjian::ofd::sign_ofd(&document, &signer, placement, time)
                .map_err(|e| format!("{}: {e}", input.display()))?;
            std::fs::write(&out, signed).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
