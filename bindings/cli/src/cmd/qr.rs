//! `yinjian qr`: make, verify.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use yinjian::Time;

use crate::io::{emit, now, open, read_certs, read_file, read_small, revocation_list};
use crate::options::OutputArgs;

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum QrFormat {
    /// The QR text (`YJ1:…`).
    Text,
    /// A PNG image.
    Png,
    /// An SVG image.
    Svg,
}

#[derive(Subcommand)]
pub(crate) enum QrCommand {
    /// Sign licence data (JSON or metadata XML) into a QR code.
    Make {
        /// Licence data file, JSON or metadata XML (`-` for standard input).
        #[arg(long)]
        data: PathBuf,
        /// The issuing authority's private key: SM2 (any form) or P-256 PKCS#8 (ES256).
        #[arg(long)]
        key: PathBuf,
        /// The issuer's signing certificate: the kid is derived from it (without one, from
        /// the public key).
        #[arg(long)]
        cert: Option<PathBuf>,
        /// Issued-at (RFC 3339 or Unix seconds); default now.
        #[arg(long)]
        iat: Option<String>,
        /// Expiry (RFC 3339 or Unix seconds); default issued-at plus --valid-days.
        #[arg(long)]
        exp: Option<String>,
        /// Days the code is valid when --exp is not given.
        #[arg(long, default_value_t = 365)]
        valid_days: i64,
        /// `iss` (the authority's credit code); default the data's issuer code.
        #[arg(long)]
        iss: Option<String>,
        /// Bind the code to the full licence file (its SM3 digest goes into the code).
        #[arg(long)]
        bind: Option<PathBuf>,
        /// Do not zlib-compress.
        #[arg(long)]
        no_zlib: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = QrFormat::Text)]
        format: QrFormat,
        /// Pixels per module for PNG/SVG.
        #[arg(long, default_value_t = 4)]
        module_px: u32,
        /// Output file (default standard output).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// Verify a licence QR code: its text, a file holding the text, or a PNG/JPEG photo.
    Verify {
        /// QR text, a file (text, PNG or JPEG), or `-` for standard input.
        input: String,
        /// Trusted issuers: certificates and/or public keys (PEM or DER); repeatable.
        #[arg(long, num_args = 1.., required = true)]
        trust: Vec<PathBuf>,
        /// File listing revoked licence identifiers or numbers, one a line.
        #[arg(long)]
        revoked: Option<PathBuf>,
        /// Allowed algorithms (default SM2SM3 ES256).
        #[arg(long, num_args = 1..)]
        alg: Vec<String>,
        /// Clock skew tolerated, seconds.
        #[arg(long, default_value_t = yinjian::licence::qr::DEFAULT_LEEWAY)]
        leeway: i64,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs a `qr` subcommand.
pub(crate) fn run(command: QrCommand) -> Result<ExitCode, String> {
    use yinjian::licence::qr::{
        self, image as qr_image, render, IssuerList, MakeOptions, QrAlgorithm, QrOptions, QrSigner,
    };
    use yinjian::licence::LicenceData;
    match command {
        QrCommand::Make {
            data,
            key,
            cert,
            iat,
            exp,
            valid_days,
            iss,
            bind,
            no_zlib,
            format,
            module_px,
            out,
        } => {
            let licence = LicenceData::parse(&read_file(&data)?).map_err(|e| format!("{}: {e}", data.display()))?;
            let cert = match &cert {
                Some(path) => Some(read_certs(path)?.remove(0)),
                None => None,
            };
            let signer =
                QrSigner::from_key(&read_small(&key)?, cert.as_ref()).map_err(|e| format!("{}: {e}", key.display()))?;
            let issued_at = match iat {
                Some(t) => Time::parse(&t).map_err(|e| format!("--iat: {e}"))?,
                None => now()?,
            };
            let expires = match exp {
                Some(t) => Time::parse(&t).map_err(|e| format!("--exp: {e}"))?,
                None => Time::from_unix(issued_at.unix().saturating_add(valid_days.saturating_mul(86_400)))
                    .map_err(|e| format!("--valid-days: {e}"))?,
            };
            let mut opts = MakeOptions::new(issued_at, expires);
            opts.issuer = iss;
            opts.compress = !no_zlib;
            if let Some(path) = &bind {
                let digest = yinjian::sm::sm3::sm3_reader_with_progress(open(path)?, |_| {})
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                opts.binding = Some(digest.to_vec());
            }
            let text = qr::make_payload(&licence, &signer, &opts).map_err(|e| e.to_string())?;
            let bytes = match format {
                QrFormat::Text => format!("{text}\n").into_bytes(),
                QrFormat::Png => render::to_png(&text, module_px).map_err(|e| e.to_string())?,
                QrFormat::Svg => render::to_svg(&text, module_px)
                    .map_err(|e| e.to_string())?
                    .into_bytes(),
            };
            match out {
                Some(path) => std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?,
                None => io::stdout().write_all(&bytes).map_err(|e| e.to_string())?,
            }
            Ok(ExitCode::SUCCESS)
        }
        QrCommand::Verify {
            input,
            trust,
            revoked,
            alg,
            leeway,
            output,
        } => {
            let mut issuers = IssuerList::new();
            for path in &trust {
                issuers
                    .add_pem(&read_file(path)?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
            let mut opts = QrOptions::new(output.validation_time()?);
            opts.leeway = leeway;
            if !alg.is_empty() {
                opts.algorithms = alg
                    .iter()
                    .map(|a| match a.to_ascii_uppercase().as_str() {
                        "SM2SM3" | "SM2" => Ok(QrAlgorithm::Sm2Sm3),
                        "ES256" => Ok(QrAlgorithm::Es256),
                        other => Err(format!("--alg: unknown algorithm {other:?}")),
                    })
                    .collect::<Result<_, _>>()?;
            }
            if let Some(path) = &revoked {
                opts.revoked = revocation_list(path)?;
            }
            let path = Path::new(&input);
            let report = if input == "-" || path.is_file() {
                let mut bytes = Vec::new();
                open(path)?
                    .take(qr_image::MAX_IMAGE_FILE as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("{input}: {e}"))?;
                if qr_image::is_image(&bytes) {
                    qr_image::verify_qr_image(&bytes, &issuers, &opts)
                } else {
                    qr::verify_qr(&String::from_utf8_lossy(&bytes), &issuers, &opts)
                }
            } else {
                qr::verify_qr(&input, &issuers, &opts)
            };
            Ok(emit(&report, output.json))
        }
    }
}
