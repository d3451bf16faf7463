//! `yinjian cert`: show, verify a chain.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use yinjian::x509;

use crate::io::{emit_under, read_certs};
use crate::options::{OutputArgs, PolicyArgs, TrustArgs};

#[derive(Subcommand)]
pub(crate) enum CertCommand {
    /// Print what certificates say (PEM bundle, DER, or hex).
    Show {
        /// Certificate file(s).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Verify a certificate chain to trust anchors.
    Verify {
        /// The leaf certificate.
        leaf: PathBuf,
        /// What the leaf must be fit for.
        #[arg(long, default_value = "document-signing", value_parser = ["document-signing", "seal-making", "token-signing", "tls-server", "tls-client", "any"])]
        usage: String,
        #[command(flatten)]
        policy: Box<PolicyArgs>,
        #[command(flatten)]
        trust: Box<TrustArgs>,
        #[command(flatten)]
        output: OutputArgs,
    },
}

/// Runs a `cert` subcommand.
pub(crate) fn run(command: CertCommand) -> Result<ExitCode, String> {
    match command {
        CertCommand::Show { files, json } => {
            for file in &files {
                let certs = read_certs(file)?;
                for cert in certs {
                    let info = cert.info();
                    if json {
                        println!("{}", serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?);
                    } else {
                        print!("{}", cert_text(&info));
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        CertCommand::Verify {
            leaf,
            usage,
            policy,
            trust,
            output,
        } => {
            let leaf_cert = read_certs(&leaf)?.remove(0);
            let usage = x509::Usage::parse(&usage).ok_or("unknown usage")?;
            let (store, pool, mut opts, judge) = trust.load(output.validation_time()?, usage)?;
            policy.apply(&mut opts)?;
            Ok(emit_under(
                &judge,
                x509::chain_report(&leaf_cert, &pool, &store, &opts),
                output.json,
            ))
        }
    }
}

fn cert_text(info: &x509::CertificateInfo) -> String {
    let mut out = format!(
        "subject:   {}\nissuer:    {}\nserial:    {}\nvalidity:  {} .. {}\nkey:       {}\nsignature: {}\nsha256:    {}\nsm3:       {}\n",
        info.subject, info.issuer, info.serial, info.not_before, info.not_after, info.key_algorithm,
        info.signature_algorithm, info.sha256_fingerprint, info.sm3_fingerprint
    );
    if let Some(bc) = info.basic_constraints {
        out.push_str(&format!(
            "basic constraints: CA={}{}\n",
            bc.ca,
            bc.path_len.map(|l| format!(", pathLen={l}")).unwrap_or_default()
        ));
    }
    if let Some(ku) = info.key_usage {
        out.push_str(&format!("key usage: {}\n", ku.names().join(", ")));
    }
    if let Some(eku) = &info.extended_key_usage {
        out.push_str(&format!("extended key usage: {}\n", eku.join(", ")));
    }
    for (label, value) in [
        ("subject key id", &info.subject_key_id),
        ("authority key id", &info.authority_key_id),
    ] {
        if let Some(v) = value {
            out.push_str(&format!("{label}: {v}\n"));
        }
    }
    if !info.subject_alt_names.is_empty() {
        out.push_str(&format!("subject alt names: {}\n", info.subject_alt_names.join(", ")));
    }
    if !info.crl_distribution_points.is_empty() {
        out.push_str(&format!(
            "CRL distribution points: {}\n",
            info.crl_distribution_points.join(", ")
        ));
    }
    out.push('\n');
    out
}
