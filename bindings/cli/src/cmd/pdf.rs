//! `yinjian pdf`: sign.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::{x509, Time};

use crate::io::{first_cert_der, now, read_certs, read_small};

#[derive(Subcommand)]
pub(crate) enum PdfCommand {
    /// Add a signature as an incremental update (the input stays a byte-exact prefix): SM2
    /// keys make a GM/T 0010 CMS (/SubFilter adbe.pkcs7.detached), ECDSA P-256 and RSA keys a
    /// CAdES one (ETSI.CAdES.detached); the key kind is read from the key file.
    Sign {
        /// The PDF to sign.
        input: PathBuf,
        /// Where to write the signed PDF.
        #[arg(long, short)]
        out: PathBuf,
        /// The signer's private key (PEM or DER; PKCS#8, or SEC1 for SM2).
        #[arg(long)]
        key: PathBuf,
        /// The signer's certificate (the first in the file).
        #[arg(long)]
        cert: PathBuf,
        /// Intermediate certificates to include (files, bundles allowed).
        #[arg(long, num_args = 1..)]
        chain: Vec<PathBuf>,
        /// The new signature field's name (default Signature1, Signature2, …).
        #[arg(long)]
        field: Option<String>,
        /// /Reason.
        #[arg(long)]
        reason: Option<String>,
        /// /Location.
        #[arg(long)]
        location: Option<String>,
        /// /Name: the signer's name as shown.
        #[arg(long)]
        name: Option<String>,
        /// Signing time (RFC 3339; default now).
        #[arg(long, alias = "at")]
        time: Option<String>,
        /// Show the signature on this page (counted from 0); invisible without it.
        #[arg(long, requires = "rect")]
        page: Option<usize>,
        /// The visible box, x,y,width,height in points from the bottom left of the page.
        #[arg(long, requires = "page")]
        rect: Option<String>,
        /// Bytes reserved for the CMS in /Contents.
        #[arg(long, default_value_t = yinjian::pdf::sign::DEFAULT_RESERVED_BYTES)]
        reserve: usize,
    },
}

/// Runs a `pdf` subcommand.
pub(crate) fn run(command: PdfCommand) -> Result<ExitCode, String> {
    match command {
        PdfCommand::Sign {
            input,
            out,
            key,
            cert,
            chain,
            field,
            reason,
            location,
            name,
            time,
            page,
            rect,
            reserve,
        } => {
            let key_bytes = read_small(&key)?;
            let signing_key =
                yinjian::cms::build::CmsKey::parse(&key_bytes).map_err(|e| format!("{}: {e}", key.display()))?;
            let certificate =
                x509::Certificate::from_der(&first_cert_der(&cert)?).map_err(|e| format!("{}: {e}", cert.display()))?;
            let mut intermediates = Vec::new();
            for file in &chain {
                intermediates.extend(read_certs(file)?);
            }
            let mut opts = yinjian::pdf::PdfSignOptions::new(match time {
                Some(t) => Time::parse(&t).map_err(|e| format!("--time: {e}"))?,
                None => now()?,
            });
            opts.field_name = field;
            opts.reason = reason;
            opts.location = location;
            opts.name = name;
            opts.reserved_bytes = reserve;
            if let (Some(page), Some(rect)) = (page, rect) {
                let numbers: Vec<f64> = rect
                    .split(',')
                    .map(|n| n.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("--rect {rect:?}: four numbers x,y,width,height"))?;
                let [x, y, width, height] = numbers[..] else {
                    return Err(format!("--rect {rect:?}: four numbers x,y,width,height"));
                };
                opts.appearance = Some(yinjian::pdf::SignatureAppearance {
                    page,
                    x,
                    y,
                    width,
                    height,
                });
            }
            let signer = yinjian::pdf::PdfSigner {
                key: &signing_key,
                certificate: &certificate,
                chain: &intermediates,
            };
            let document = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let signed =
                yinjian::pdf::sign_pdf(&document, &signer, &opts).map_err(|e| format!("{}: {e}", input.display()))?;
            std::fs::write(&out, signed).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
