//! The option groups several subcommands share: trust and validation policy, certificate
//! policy, output and time, SM2 IDs.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use yinjian::policy::{ValidationPolicy, MAX_POLICY_BYTES};
use yinjian::sm::sm2::{self, SignatureEncoding};
use yinjian::{x509, Clock, Time, Verifier};

use crate::io::{now, read_certs, read_file, read_limited};

#[derive(Args)]
pub(crate) struct PolicyArgs {
    /// Certificate policy the path must be valid for (RFC 5280 user-initial-policy-set;
    /// dotted OID or anyPolicy; repeatable). Default: any policy.
    #[arg(long = "cert-policy", value_name = "OID")]
    pub(crate) policies: Vec<String>,
    /// Require the path to be valid for a policy of --cert-policy (initial-explicit-policy).
    #[arg(long)]
    pub(crate) explicit_policy: bool,
    /// Refuse policy mappings (initial-policy-mapping-inhibit).
    #[arg(long)]
    pub(crate) inhibit_policy_mapping: bool,
    /// Do not honour anyPolicy in certificates (initial-any-policy-inhibit).
    #[arg(long)]
    pub(crate) inhibit_any_policy: bool,
    /// Fail on RFC 5280 issuer rules and CA/B Forum rules instead of noting them (as the
    /// validation policy's `certificates.strict_profile` does).
    #[arg(long)]
    pub(crate) strict_profile: bool,
}

impl PolicyArgs {
    /// Sets these inputs on `opts`.
    pub(crate) fn apply(&self, opts: &mut x509::ChainOptions) -> Result<(), String> {
        opts.policies = self
            .policies
            .iter()
            .map(|p| x509::policy::parse_policy(p))
            .collect::<Result<_, _>>()?;
        opts.explicit_policy = self.explicit_policy;
        opts.inhibit_policy_mapping = self.inhibit_policy_mapping;
        opts.inhibit_any_policy = self.inhibit_any_policy;
        opts.strict_profile |= self.strict_profile;
        Ok(())
    }
}

/// Trust anchors, extra certificates and revocation data, shared by every verifying command.
#[derive(Args)]
pub(crate) struct TrustArgs {
    /// Trust anchors: PEM files or directories.
    #[arg(long, num_args = 1..)]
    pub(crate) anchors: Vec<PathBuf>,
    /// Files holding intermediate certificates (any order, bundles allowed).
    #[arg(long, num_args = 1..)]
    pub(crate) intermediates: Vec<PathBuf>,
    /// CRL files (PEM or DER).
    #[arg(long, num_args = 1..)]
    pub(crate) crl: Vec<PathBuf>,
    /// OCSP response files (DER).
    #[arg(long, num_args = 1..)]
    pub(crate) ocsp: Vec<PathBuf>,
    /// Do not require revocation status (reported, but does not lower the verdict).
    #[arg(long)]
    pub(crate) no_revocation: bool,
    /// SHA-256 fingerprints (hex) of certificates to refuse.
    #[arg(long, num_args = 1..)]
    pub(crate) distrust: Vec<String>,
    /// Validation policy (JSON, docs/POLICY.md): check levels, algorithm end dates, revocation
    /// and signing-time rules. Default: the shipped policy (`yinjian policy default`).
    #[arg(long, value_name = "FILE")]
    pub(crate) policy: Option<PathBuf>,
}

/// What [`TrustArgs::load`] gives: the trust store, the extra certificates, chain options
/// configured by the validation policy, and the policy (to apply to the report).
pub(crate) type Loaded = (
    x509::TrustStore,
    Vec<x509::Certificate>,
    x509::ChainOptions,
    ValidationPolicy,
);

/// Reads a validation policy file; the error names the file and the key that is wrong.
pub(crate) fn read_policy(path: &std::path::Path) -> Result<ValidationPolicy, String> {
    let bytes = read_limited(path, MAX_POLICY_BYTES as u64)?;
    let text = std::str::from_utf8(&bytes).map_err(|_| format!("{}: the policy is not UTF-8", path.display()))?;
    ValidationPolicy::from_json(text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Adds every certificate of each `--anchors` file or folder to `trust`; a file or folder that
/// holds none is an error naming it (an empty folder is not silently "no trust anchors").
pub(crate) fn add_anchors(trust: &mut x509::TrustStore, paths: &[std::path::PathBuf]) -> Result<(), String> {
    for path in paths {
        let added = trust.add_path(path).map_err(|e| e.to_string())?;
        if added == 0 {
            return Err(format!(
                "{}: no certificate in it to use as a trust anchor (--anchors takes PEM or DER files, or folders of them)",
                path.display()
            ));
        }
    }
    Ok(())
}

impl TrustArgs {
    /// The validation policy: `--policy`'s file, else the default.
    pub(crate) fn validation_policy(&self) -> Result<ValidationPolicy, String> {
        match &self.policy {
            Some(path) => read_policy(path),
            None => Ok(ValidationPolicy::default()),
        }
    }

    /// What the options name, read once: the trust store (distrusted certificates marked),
    /// the extra certificates, CRLs, OCSP responses and the validation policy.
    fn read_sources(&self) -> Result<Sources, String> {
        let policy = self.validation_policy()?;
        let mut trust = x509::TrustStore::new();
        add_anchors(&mut trust, &self.anchors)?;
        for fp in &self.distrust {
            trust.distrust_hex(fp).map_err(|e| e.to_string())?;
        }
        let mut intermediates = Vec::new();
        for file in &self.intermediates {
            intermediates.extend(read_certs(file)?);
        }
        let mut crls = Vec::new();
        for file in &self.crl {
            crls.extend(x509::Crl::parse_all(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?);
        }
        let mut ocsp = Vec::new();
        for file in &self.ocsp {
            ocsp.push(
                x509::OcspResponseInfo::from_der(&read_file(file)?).map_err(|e| format!("{}: {e}", file.display()))?,
            );
        }
        Ok(Sources {
            trust,
            intermediates,
            crls,
            ocsp,
            policy,
        })
    }

    /// The trust store, the extra certificates, and chain options for `usage` at `at`
    /// configured by the validation policy (then by `--no-revocation`), and the policy.
    pub(crate) fn load(&self, at: Time, usage: x509::Usage) -> Result<Loaded, String> {
        let Sources {
            trust,
            intermediates,
            crls,
            ocsp,
            policy,
        } = self.read_sources()?;
        let mut opts = x509::ChainOptions::new(at, usage);
        policy.configure(&mut opts);
        if self.no_revocation {
            opts.revocation = x509::RevocationPolicy::NotRequired;
        }
        opts.crls = crls;
        opts.ocsp = ocsp;
        Ok((trust, intermediates, opts, policy))
    }

    /// The one [`Verifier`] these options describe (trust, revocation data and policy read
    /// once), with the certificates of `signer_certs` for signatures that carry none: what
    /// `yinjian verify`, `yinjian batch` and `yinjian serve` verify with.
    pub(crate) fn verifier(&self, clock: Clock, signer_certs: &[PathBuf]) -> Result<Verifier, String> {
        let Sources {
            trust,
            intermediates,
            crls,
            ocsp,
            policy,
        } = self.read_sources()?;
        let mut signers = Vec::new();
        for file in signer_certs {
            signers.extend(read_certs(file)?);
        }
        let verifier = Verifier::new(trust, clock)
            .intermediates(intermediates)
            .signer_certificates(signers)
            .crls(crls)
            .ocsp(ocsp)
            .policy(policy);
        Ok(if self.no_revocation {
            verifier.revocation(x509::RevocationPolicy::NotRequired)
        } else {
            verifier
        })
    }
}

/// What [`TrustArgs`] name, read from their files.
struct Sources {
    trust: x509::TrustStore,
    intermediates: Vec<x509::Certificate>,
    crls: Vec<x509::Crl>,
    ocsp: Vec<x509::OcspResponseInfo>,
    policy: ValidationPolicy,
}

#[derive(Args)]
pub(crate) struct DistIdArgs {
    /// Distinguishing ID as text (default 1234567812345678).
    #[arg(long, conflicts_with = "id_hex")]
    pub(crate) id: Option<String>,
    /// Distinguishing ID as hex bytes.
    #[arg(long)]
    pub(crate) id_hex: Option<String>,
}

impl DistIdArgs {
    pub(crate) fn bytes(&self) -> Result<Vec<u8>, String> {
        match (&self.id, &self.id_hex) {
            (Some(text), _) => Ok(text.as_bytes().to_vec()),
            (None, Some(h)) => hex::decode(h).map_err(|e| format!("--id-hex: {e}")),
            (None, None) => Ok(sm2::DEFAULT_DISTID.to_vec()),
        }
    }
}

#[derive(Args)]
pub(crate) struct OutputArgs {
    /// Print the JSON report.
    #[arg(long)]
    pub(crate) json: bool,
    /// Validation time (RFC 3339 or Unix seconds); default now.
    #[arg(long)]
    pub(crate) at: Option<String>,
}

impl OutputArgs {
    pub(crate) fn validation_time(&self) -> Result<Time, String> {
        validation_time(self.at.as_deref())
    }
}

/// The validation time `--at` gives (RFC 3339 or Unix seconds), else now.
pub(crate) fn validation_time(at: Option<&str>) -> Result<Time, String> {
    match at {
        Some(text) => Time::parse(text).map_err(|e| format!("--at: {e}")),
        None => now(),
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum Encoding {
    /// DER SEQUENCE { r, s }.
    Der,
    /// 64-byte r‖s.
    Raw,
}

impl From<Encoding> for SignatureEncoding {
    fn from(e: Encoding) -> SignatureEncoding {
        match e {
            Encoding::Der => SignatureEncoding::Der,
            Encoding::Raw => SignatureEncoding::Raw,
        }
    }
}
