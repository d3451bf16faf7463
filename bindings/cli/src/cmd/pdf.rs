//! `yinjian pdf`: sign; ltv (the archive intake step: DSS and document time-stamps).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::{x509, Time};

use crate::io::{first_cert_der, now, read_certs, read_file, read_small};

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
    /// Make a signed PDF LTV (PAdES B-LT, then B-LTA): one incremental update adding or
    /// extending the DSS with the chain certificates, CRLs and OCSP responses of every
    /// signature and document time-stamp (a /VRI entry each), then, with a TSA, a second one
    /// with a document time-stamp over everything. Run it again later to renew (a new DSS
    /// revision merging the old data, a new time-stamp). Nothing is fetched: the data comes
    /// from the files given (and the certificates the signatures carry).
    ///
    /// With an outside TSA, in two steps: `--prepare-timestamp` writes the DSS and an empty
    /// document time-stamp and prints the SHA-256 digest to have stamped (hex); then
    /// `yinjian pdf ltv PREPARED -o OUT --tsa-token TOKEN.tsr` puts the token in.
    Ltv {
        /// The signed PDF (with --tsa-token: the file --prepare-timestamp wrote).
        input: PathBuf,
        /// Where to write the result.
        #[arg(long, short)]
        out: PathBuf,
        /// Certificates to add and to build chains with: intermediates, roots, TSA
        /// certificates (PEM or DER, bundles allowed).
        #[arg(long, num_args = 1..)]
        certs: Vec<PathBuf>,
        /// CRLs (PEM or DER).
        #[arg(long, num_args = 1..)]
        crl: Vec<PathBuf>,
        /// OCSP responses (DER OCSPResponse).
        #[arg(long, num_args = 1..)]
        ocsp: Vec<PathBuf>,
        /// The TSA's private key: add a document time-stamp made with it.
        #[arg(long, requires = "tsa_cert", conflicts_with_all = ["prepare_timestamp", "tsa_token"])]
        tsa_key: Option<PathBuf>,
        /// The TSA's certificate (extKeyUsage timeStamping).
        #[arg(long, requires = "tsa_key")]
        tsa_cert: Option<PathBuf>,
        /// Chain certificates to put in the time-stamp token.
        #[arg(long, num_args = 1.., requires = "tsa_key")]
        tsa_chain: Vec<PathBuf>,
        /// The time-stamp's genTime and the /VRI entries' /TU (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
        /// Add the DSS and an empty document time-stamp; print the digest to stamp.
        #[arg(long, conflicts_with = "tsa_token")]
        prepare_timestamp: bool,
        /// Put this RFC 3161 token (DER TimeStampToken) into the empty
        /// document time-stamp of a prepared file; nothing else is added.
        #[arg(long, conflicts_with_all = ["certs", "crl", "ocsp"])]
        tsa_token: Option<PathBuf>,
        /// Print what the DSS update added as JSON.
        #[arg(long)]
        json: bool,
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
        PdfCommand::Ltv {
            input,
            out,
            certs,
            crl,
            ocsp,
            tsa_key,
            tsa_cert,
            tsa_chain,
            at,
            prepare_timestamp,
            tsa_token,
            json,
        } => {
            let document = std::fs::read(&input).map_err(|e| format!("{}: {e}", input.display()))?;
            let fail = |e: yinjian::pdf::PdfError| format!("{}: {e}", input.display());
            let write = |bytes: &[u8]| std::fs::write(&out, bytes).map_err(|e| format!("{}: {e}", out.display()));
            if let Some(token) = tsa_token {
                let token_der =
                    timestamp_token(&read_small(&token)?).map_err(|e| format!("{}: {e}", token.display()))?;
                write(&yinjian::pdf::embed_document_timestamp(&document, &token_der).map_err(fail)?)?;
                return Ok(ExitCode::SUCCESS);
            }
            let at = match at {
                Some(t) => Time::parse(&t).map_err(|e| format!("--at: {e}"))?,
                None => now()?,
            };
            let mut data = yinjian::pdf::ValidationData::default();
            for file in &certs {
                data.certs.extend(read_certs(file)?);
            }
            for file in &crl {
                data.crls
                    .extend(x509::Crl::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?);
            }
            for file in &ocsp {
                let der = read_file(file)?;
                x509::OcspResponseInfo::from_der(&der).map_err(|e| format!("{}: {e}", file.display()))?;
                data.ocsps.push(der);
            }
            let (with_dss, summary) = yinjian::pdf::add_validation_data(&document, &data, Some(at)).map_err(fail)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&summary).map_err(|e| e.to_string())?);
            } else {
                print_summary(&summary);
            }
            if prepare_timestamp {
                let (prepared, digest) = yinjian::pdf::prepare_document_timestamp(
                    &with_dss,
                    yinjian::alg::DigestAlgorithm::Sha256,
                    yinjian::pdf::sign::DEFAULT_RESERVED_BYTES,
                    at,
                )
                .map_err(fail)?;
                write(&prepared)?;
                eprintln!("digest to time-stamp (SHA-256), e.g. `openssl ts -query -digest HEX -sha256 -cert`:");
                println!("{}", hex::encode(digest));
                return Ok(ExitCode::SUCCESS);
            }
            let (Some(key), Some(cert)) = (tsa_key, tsa_cert) else {
                write(&with_dss)?;
                return Ok(ExitCode::SUCCESS);
            };
            let tsa_key = yinjian::cms::build::CmsKey::parse(&read_small(&key)?)
                .map_err(|e| format!("{}: {e}", key.display()))?;
            let tsa_cert =
                x509::Certificate::from_der(&first_cert_der(&cert)?).map_err(|e| format!("{}: {e}", cert.display()))?;
            let mut chain = Vec::new();
            for file in &tsa_chain {
                chain.extend(read_certs(file)?);
            }
            let tsa = yinjian::cms::build::Tsa {
                key: &tsa_key,
                cert: &tsa_cert,
                chain: &chain,
                policy: yinjian::cms::build::DEFAULT_TSA_POLICY,
            };
            let stamped =
                yinjian::pdf::add_document_timestamp(&with_dss, &tsa, &serial_number(&with_dss), at).map_err(fail)?;
            write(&stamped)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A time-stamp token's DER, checked to decode.
fn timestamp_token(bytes: &[u8]) -> Result<Vec<u8>, String> {
    yinjian::cms::tsp::TimeStampToken::from_der(bytes)
        .map(|_| bytes.to_vec())
        .map_err(|e| format!("{e} (a DER TimeStampToken is needed: `openssl ts -reply ... -token_out`)"))
}

/// A time-stamp serial number unique enough for one TSA: the clock in nanoseconds, the
/// process and the document, hashed.
fn serial_number(document: &[u8]) -> Vec<u8> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seed = format!("{nanos} {} {}", std::process::id(), document.len());
    let mut h = yinjian::alg::DigestAlgorithm::Sha256.hasher();
    h.update(seed.as_bytes());
    h.update(&document[document.len().saturating_sub(4096)..]);
    h.finalize()[..16].to_vec()
}

fn print_summary(summary: &yinjian::pdf::DssSummary) {
    for s in &summary.signatures {
        println!(
            "{} ({:?}): VRI {}: {} certificate(s), {} CRL(s), {} OCSP response(s)",
            s.field, s.kind, s.vri_key, s.certs, s.crls, s.ocsps
        );
        for gap in &s.gaps {
            println!("  gap: {gap}");
        }
    }
    for skipped in &summary.skipped {
        println!("skipped: {skipped}");
    }
    println!(
        "DSS: {} certificate(s), {} CRL(s), {} OCSP response(s) added; {} CRL/OCSP concerning no signature",
        summary.certs_added, summary.crls_added, summary.ocsps_added, summary.unmatched
    );
}
