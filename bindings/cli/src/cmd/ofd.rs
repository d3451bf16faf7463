//! `yinjian ofd`: sign, and time-stamp seal signatures (the archive's intake step).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::sm::sm2::PrivateKey;
use yinjian::Time;

use yinjian::x509;

use crate::io::{first_cert_der, now, read_certs, read_file, read_small};

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
    /// Add an RFC 3161 time-stamp (GB/T 38540 timeStamp) to every v4 seal signature that has
    /// none: the proof that it existed while its certificates were valid, which lets it be
    /// validated after they expired. Only the SignedValue files stamped change; signatures
    /// that cannot take one (v1 seals, Type=Sign, covered by a later signature, stamped
    /// already, expired at that time) are listed with the reason.
    Timestamp {
        /// The OFD document.
        input: PathBuf,
        /// Where to write the time-stamped document.
        #[arg(long, short)]
        out: PathBuf,
        /// The time-stamping authority's private key (PEM or DER; PKCS#8, or SEC1 for SM2).
        #[arg(long)]
        tsa_key: PathBuf,
        /// The TSA's certificate, with extKeyUsage timeStamping (the first in the file).
        #[arg(long)]
        tsa_cert: PathBuf,
        /// The TSA's intermediate certificates, put into every token (files, bundles allowed).
        #[arg(long, num_args = 1..)]
        tsa_chain: Vec<PathBuf>,
        /// The time the tokens prove (genTime; RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
        /// Print what was done as JSON.
        #[arg(long)]
        json: bool,
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
        OfdCommand::Timestamp {
            input,
            out,
            tsa_key,
            tsa_cert,
            tsa_chain,
            at,
            json,
        } => {
            let key = yinjian::cms::build::CmsKey::parse(&read_small(&tsa_key)?)
                .map_err(|e| format!("{}: {e}", tsa_key.display()))?;
            let cert = x509::Certificate::from_der(&first_cert_der(&tsa_cert)?)
                .map_err(|e| format!("{}: {e}", tsa_cert.display()))?;
            let mut chain = Vec::new();
            for file in &tsa_chain {
                chain.extend(read_certs(file)?);
            }
            let gen_time = match at {
                Some(t) => Time::parse(&t).map_err(|e| format!("--at: {e}"))?,
                None => now()?,
            };
            let tsa = yinjian::cms::build::Tsa {
                key: &key,
                cert: &cert,
                chain: &chain,
                policy: yinjian::cms::build::DEFAULT_TSA_POLICY,
            };
            let document = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let (stamped, summary) = yinjian::ofd::timestamp_signatures(&document, &tsa, gen_time)
                .map_err(|e| format!("{}: {e}", input.display()))?;
            std::fs::write(&out, stamped).map_err(|e| format!("{}: {e}", out.display()))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?);
            } else {
                print!("{}", summary_text(&summary, &out));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// What `ofd timestamp` did, one line per signature.
fn summary_text(summary: &yinjian::ofd::TimestampSummary, out: &std::path::Path) -> String {
    use yinjian::ofd::StampOutcome;
    if summary.signatures.is_empty() {
        return format!(
            "the document is not signed: nothing to time-stamp; written to {}\n",
            out.display()
        );
    }
    let mut text = format!(
        "time-stamped {} of {} signature(s) at {}; written to {}\n",
        summary.stamped(),
        summary.signatures.len(),
        summary.gen_time,
        out.display()
    );
    for sig in &summary.signatures {
        let what = match &sig.outcome {
            StampOutcome::Stamped {
                signed_value,
                imprint_algorithm,
                serial,
            } => format!("stamped: {signed_value} ({imprint_algorithm} imprint, serial {serial})"),
            StampOutcome::Skipped { why, message } => {
                let why = serde_json::to_value(why)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                format!("skipped ({why}): {message}")
            }
            other => format!("{other:?}"),
        };
        text.push_str(&format!("  {} [{}, {:?}] {what}\n", sig.signature, sig.id, sig.kind));
    }
    text
}
