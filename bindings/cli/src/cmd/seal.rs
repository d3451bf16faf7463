//! `yinjian seal`: show, verify, make, sign, pictures.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::sm::sm2::PrivateKey;
use yinjian::{seal, x509, Time};

use crate::io::{emit_under, first_cert_der, now, open, read_file, read_small};
use crate::options::{OutputArgs, TrustArgs};

#[derive(Subcommand)]
pub(crate) enum SealCommand {
    /// Print what a seal says (a seal file, or the seal inside a seal signature).
    Show {
        /// A seal (.esl) or seal signature (SignedValue.dat).
        file: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Write the seal picture to this file.
        #[arg(long)]
        picture: Option<PathBuf>,
    },
    /// Write the seal picture behind each signature of a document (OFD or PDF) to a folder,
    /// as `seal-<part>.<type>`, numbered like the parts of `yinjian verify`'s report.
    Pictures {
        /// The document.
        document: PathBuf,
        /// The folder to write into (made if missing).
        #[arg(long, short)]
        out: PathBuf,
        /// Print JSON (index, seal, picture_type, size, file) instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Verify a seal signature over its data (or a seal on its own).
    Verify {
        /// A seal signature (SignedValue.dat) or a seal (.esl).
        file: PathBuf,
        /// The data the signature protects (for OFD: Signature.xml).
        #[arg(long, conflicts_with = "hash")]
        data: Option<PathBuf>,
        /// The digest of that data, hex (SM3 for SM2 signatures).
        #[arg(long)]
        hash: Option<String>,
        #[command(flatten)]
        trust: TrustArgs,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Make a seal (v4 unless --v1), signed by the maker.
    Make {
        /// The maker's private key.
        #[arg(long)]
        maker_key: PathBuf,
        /// The maker's certificate.
        #[arg(long)]
        maker_cert: PathBuf,
        /// Certificates of the signers allowed to use the seal.
        #[arg(long, num_args = 1.., required = true)]
        signer_cert: Vec<PathBuf>,
        /// Seal name.
        #[arg(long)]
        name: String,
        /// Seal identifier (esID).
        #[arg(long)]
        es_id: String,
        /// Vendor id (Vid).
        #[arg(long, default_value = "yinjian")]
        vendor: String,
        /// 1 organisation, 2 personal.
        #[arg(long = "type", default_value_t = 1)]
        seal_type: u64,
        /// Picture file.
        #[arg(long)]
        picture: PathBuf,
        /// Picture format (PNG, JPG, GIF, OFD, …).
        #[arg(long, default_value = "PNG")]
        picture_type: String,
        /// Displayed width and height, millimetres.
        #[arg(long, default_value_t = 40)]
        size_mm: u64,
        /// Validity start (RFC 3339; default now).
        #[arg(long)]
        valid_from: Option<String>,
        /// Validity end (RFC 3339).
        #[arg(long)]
        valid_to: String,
        /// Make a GM/T 0031 (v1) seal.
        #[arg(long)]
        v1: bool,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Sign data with a seal, producing an SES_Signature.
    Sign {
        /// The seal.
        #[arg(long)]
        seal: PathBuf,
        /// The signer's private key.
        #[arg(long)]
        key: PathBuf,
        /// The signer's certificate (must be in the seal's certificate list to verify).
        #[arg(long)]
        cert: PathBuf,
        /// The data to sign.
        #[arg(long)]
        data: PathBuf,
        /// Where the data lives (written into propertyInfo).
        #[arg(long, default_value = "")]
        property_info: String,
        /// Signing time (RFC 3339; default now).
        #[arg(long)]
        at: Option<String>,
        /// Output file.
        #[arg(long, short)]
        out: PathBuf,
    },
}

/// `yinjian seal pictures`: the seal picture of each signature of a document, into `out`.
fn seal_pictures(document: &Path, out: &Path, json: bool) -> Result<ExitCode, String> {
    let bytes = read_file(document)?;
    let pictures = if bytes.starts_with(b"%PDF-") {
        yinjian::pdf::seal_pictures(&bytes).map_err(|e| e.to_string())
    } else {
        yinjian::ofd::seal_pictures(&bytes).map_err(|e| e.to_string())
    }
    .map_err(|e| format!("{}: {e}", document.display()))?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut listed = Vec::new();
    for picture in pictures.iter().flatten() {
        let ext: String = picture
            .picture_type
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let path = out.join(format!(
            "seal-{}.{}",
            picture.index,
            if ext.is_empty() { "bin" } else { &ext }
        ));
        std::fs::write(&path, &picture.data).map_err(|e| format!("{}: {e}", path.display()))?;
        if !json {
            println!(
                "part {}: {} ({}, {} bytes) -> {}",
                picture.index,
                picture.seal,
                picture.picture_type,
                picture.data.len(),
                path.display()
            );
        }
        let mut entry = serde_json::to_value(picture).map_err(|e| e.to_string())?;
        entry["bytes"] = picture.data.len().into();
        entry["file"] = path.display().to_string().into();
        listed.push(entry);
    }
    if json {
        println!("{}", serde_json::Value::Array(listed));
    } else if pictures.iter().all(Option::is_none) {
        println!("no seal pictures: {} signature(s), none with a seal", pictures.len());
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a `seal` subcommand.
pub(crate) fn run(command: SealCommand) -> Result<ExitCode, String> {
    match command {
        SealCommand::Pictures { document, out, json } => seal_pictures(&document, &out, json),
        SealCommand::Show { file, json, picture } => {
            let der = read_file(&file)?;
            let seal = match seal::Seal::decode(&der) {
                Ok(seal) => seal,
                Err(_) => {
                    seal::SesSignature::decode(&der)
                        .map_err(|e| format!("{}: {e}", file.display()))?
                        .to_sign
                        .eseal
                }
            };
            let details = seal.details().map_err(|e| e.to_string())?;
            if let Some(out) = picture {
                std::fs::write(&out, seal.picture().map_err(|e| e.to_string())?)
                    .map_err(|e| format!("{}: {e}", out.display()))?;
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&details).map_err(|e| e.to_string())?);
            } else {
                println!(
                    "name:      {}\nesID:      {}\ntype:      {} ({})\nversion:   {:?} (header {}), vendor {}",
                    details.name,
                    details.es_id,
                    details.seal_type,
                    details.seal_type_name,
                    details.version,
                    details.header_version,
                    details.vendor
                );
                println!(
                    "validity:  {} .. {} (made {})",
                    details.valid_from, details.valid_to, details.created
                );
                println!(
                    "maker:     {}",
                    details.maker.as_deref().unwrap_or("(unreadable certificate)")
                );
                for signer in &details.signers {
                    println!("signer:    {signer}");
                }
                println!(
                    "picture:   {} {} bytes, {} x {} mm",
                    details.picture_type, details.picture_bytes, details.width_mm, details.height_mm
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        SealCommand::Verify {
            file,
            data,
            hash,
            trust,
            output,
        } => {
            let der = read_file(&file)?;
            let (store, pool, chain, policy) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
            let opts = seal::SealOptions {
                trust: &store,
                chain,
                intermediates: pool,
            };
            if seal::SesSignature::decode(&der).is_err() && seal::Seal::decode(&der).is_ok() {
                return Ok(emit_under(&policy, seal::verify_seal(&der, &opts), output.json));
            }
            let digest;
            let content;
            let protected = match (data, hash) {
                (Some(path), _) => {
                    content = read_file(&path)?;
                    seal::ProtectedData::Bytes(&content)
                }
                (None, Some(h)) => {
                    digest = hex::decode(h.trim()).map_err(|e| format!("--hash: {e}"))?;
                    seal::ProtectedData::Digest(&digest)
                }
                (None, None) => return Err("a seal signature needs --data FILE or --hash HEX".into()),
            };
            Ok(emit_under(
                &policy,
                seal::verify_seal_signature(&der, protected, &opts),
                output.json,
            ))
        }
        SealCommand::Make {
            maker_key,
            maker_cert,
            signer_cert,
            name,
            es_id,
            vendor,
            seal_type,
            picture,
            picture_type,
            size_mm,
            valid_from,
            valid_to,
            v1,
            out,
        } => {
            let key =
                PrivateKey::parse(&read_small(&maker_key)?).map_err(|e| format!("{}: {e}", maker_key.display()))?;
            let cert = first_cert_der(&maker_cert)?;
            let signer_certificates = signer_cert
                .iter()
                .map(|p| first_cert_der(p))
                .collect::<Result<Vec<_>, _>>()?;
            let created = now()?;
            let spec = seal::SealSpec {
                version: if v1 {
                    seal::SealVersion::V1
                } else {
                    seal::SealVersion::V4
                },
                vendor,
                es_id,
                seal_type,
                name,
                signer_certificates,
                created,
                valid_from: match valid_from {
                    Some(t) => Time::parse(&t).map_err(|e| format!("--valid-from: {e}"))?,
                    None => created,
                },
                valid_to: Time::parse(&valid_to).map_err(|e| format!("--valid-to: {e}"))?,
                picture_type,
                picture: read_file(&picture)?,
                width_mm: size_mm,
                height_mm: size_mm,
            };
            let der = seal::make_seal(&spec, &key, &cert).map_err(|e| e.to_string())?;
            std::fs::write(&out, der).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        SealCommand::Sign {
            seal: seal_path,
            key,
            cert,
            data,
            property_info,
            at,
            out,
        } => {
            let key = PrivateKey::parse(&read_small(&key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            let time = match at {
                Some(t) => Time::parse(&t).map_err(|e| format!("--at: {e}"))?,
                None => now()?,
            };
            let e = yinjian::sm::sm3::sm3_reader(open(&data)?).map_err(|e| e.to_string())?;
            let spec = seal::SignSpec {
                time,
                property_info,
                data_hash: e,
            };
            let der =
                seal::sign(&read_file(&seal_path)?, &key, &first_cert_der(&cert)?, &spec).map_err(|e| e.to_string())?;
            std::fs::write(&out, der).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
