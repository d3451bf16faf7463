//! X.509 certificates and trust: parsing (DER, PEM, bundles), signatures on certificates
//! and CRLs (SM2-with-SM3 per GM/T 0015, RSA, RSA-PSS, ECDSA, Ed25519), path building over
//! cross-certified CAs, usage policies, trust stores and CRL revocation checking.
//!
//! The crate uses RustCrypto `x509-cert` (on `der`) rather than `x509-parser`: it shares the
//! strict-DER `der`/`spki` stack the SM2 keys already use, gives exact round trips (so the
//! signed TBS bytes are the bytes decoded), and its `cms` sibling serves GM/T 0010 CMS later.
//!
//! ```no_run
//! use yinjian::time::Time;
//! use yinjian::x509::{chain_report, parse_all, ChainOptions, TrustStore, Usage};
//!
//! let mut trust = TrustStore::new();
//! trust.add_pem(&std::fs::read("root.pem")?)?; // PEM bundle or DER
//! let chain = parse_all(&std::fs::read("signer-and-intermediates.pem")?)?;
//! let options = ChainOptions::new(Time::now()?, Usage::DocumentSigning);
//! let report = chain_report(&chain[0], &chain[1..], &trust, &options);
//! println!("{}", report.to_text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod cert;
pub mod crl;
pub mod name;
pub mod ocsp;
pub mod path;
pub mod policy;
pub mod profile;
pub mod revocation;
pub mod trust;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use cert::{parse_all, Certificate, CertificateInfo};
pub use crl::Crl;
pub use ocsp::OcspResponseInfo;
pub use path::{
    chain_report, signer_chain_check, verify_chain, ChainOptions, ChainVerification, PathFailure, RevocationState,
};
pub use trust::{TrustAnchor, TrustStore};

use crate::report::Reason;
use crate::time::Time;

/// How revocation data (a CRL, an OCSP response) is judged usable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Freshness {
    /// Current at this time: issued by then, its nextUpdate not passed (validation at the
    /// present).
    Current(Time),
    /// Fresh for `time` (ETSI EN 319 102-1 §5.2.5, validation in the past): issued no earlier
    /// than `time` less `window` seconds; its nextUpdate does not matter, since revocation is
    /// for good and later data speaks for earlier times.
    FreshFor {
        /// The time the data must speak for (a signing time, a time-stamp's genTime).
        time: Time,
        /// Seconds before `time` the data may have been issued.
        window: u64,
    },
}

impl Freshness {
    /// Whether data with these update times is usable; the error says why not.
    pub fn check(self, this_update: Time, next_update: Option<Time>) -> Result<(), String> {
        match self {
            Freshness::Current(at) => {
                if this_update > at {
                    return Err(format!("issued {this_update}, after the validation time {at}"));
                }
                match next_update {
                    Some(next) if next < at => Err(format!("stale: nextUpdate {next} is before {at}")),
                    _ => Ok(()),
                }
            }
            Freshness::FreshFor { time, window } => {
                let earliest = time.unix().saturating_sub(i64::try_from(window).unwrap_or(i64::MAX));
                if this_update.unix() < earliest {
                    return Err(format!(
                        "issued {this_update}, before {time}{}: not fresh for that time",
                        if window > 0 {
                            format!(" less the freshness window of {window} s")
                        } else {
                            String::new()
                        }
                    ));
                }
                Ok(())
            }
        }
    }
}

/// Why certificate or CRL input could not be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum X509Error {
    /// Not valid DER/PEM, or violates the certificate profile.
    #[error("malformed: {0}")]
    Malformed(String),
    /// Larger than a named limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// An algorithm or form this crate does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Reading a file failed.
    #[error("{0}")]
    Io(String),
}

impl X509Error {
    /// The same error, its message prefixed with the file it came from.
    pub fn in_file(self, path: &std::path::Path) -> X509Error {
        let at = |m: String| format!("{}: {m}", path.display());
        match self {
            X509Error::Malformed(m) => X509Error::Malformed(at(m)),
            X509Error::TooLarge(m) => X509Error::TooLarge(at(m)),
            X509Error::Unsupported(m) => X509Error::Unsupported(at(m)),
            X509Error::Io(m) => X509Error::Io(m),
        }
    }

    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            X509Error::Malformed(_) | X509Error::Io(_) => Reason::Malformed,
            X509Error::TooLarge(_) => Reason::TooLarge,
            X509Error::Unsupported(_) => Reason::Unsupported,
        }
    }
}

/// What the leaf certificate must be fit for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Usage {
    /// Signing documents and seal signatures: digitalSignature or nonRepudiation, and a
    /// document-signing purpose when extKeyUsage is present.
    DocumentSigning,
    /// Making seals (the seal maker's certificate): as document signing.
    SealMaking,
    /// Signing identity tokens: digitalSignature; serverAuth/clientAuth/documentSigning when
    /// extKeyUsage is present.
    TokenSigning,
    /// A TLS server (for conformance suites).
    TlsServer,
    /// A TLS client (for conformance suites).
    TlsClient,
    /// No usage requirement.
    Any,
}

impl Usage {
    /// The name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Usage::DocumentSigning => "document-signing",
            Usage::SealMaking => "seal-making",
            Usage::TokenSigning => "token-signing",
            Usage::TlsServer => "tls-server",
            Usage::TlsClient => "tls-client",
            Usage::Any => "any",
        }
    }

    /// Reads a usage name.
    pub fn parse(name: &str) -> Option<Usage> {
        [
            Usage::DocumentSigning,
            Usage::SealMaking,
            Usage::TokenSigning,
            Usage::TlsServer,
            Usage::TlsClient,
            Usage::Any,
        ]
        .into_iter()
        .find(|u| u.name() == name)
    }
}

/// Whether revocation status must be established for every certificate below the anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RevocationPolicy {
    /// Unknown status makes the chain INDETERMINATE (`RevocationUnknown`).
    Required,
    /// Unknown status is reported but does not lower the verdict.
    NotRequired,
}

/// The byte range of the signed part (the first element) of a signed DER structure
/// (`Certificate`, `CertificateList`).
pub(crate) fn signed_part_range(der: &[u8]) -> der::Result<std::ops::Range<usize>> {
    use der::{Encode, Header};
    let outer_len = usize::try_from(Header::peek(&der::SliceReader::new(der)?)?.encoded_len()?)?;
    let body = der.get(outer_len..).ok_or(der::ErrorKind::Failed)?;
    let tbs = Header::peek(&der::SliceReader::new(body)?)?;
    let tbs_len = usize::try_from((tbs.encoded_len()? + tbs.length())?)?;
    if tbs_len > body.len() {
        return Err(der::ErrorKind::Failed.into());
    }
    Ok(outer_len..outer_len + tbs_len)
}
