//! Trust anchors, optionally restricted to usages, and a distrust list by fingerprint.

use std::collections::HashSet;
use std::path::Path;

use super::cert::{parse_all, Certificate};
use super::{Usage, X509Error};

/// A trusted certificate and what it may be trusted for.
#[derive(Debug, Clone)]
pub struct TrustAnchor {
    /// The anchor certificate (v1 certificates are accepted here and only here).
    pub certificate: Certificate,
    /// The usages chains ending here may serve; `None` means any.
    pub usages: Option<Vec<Usage>>,
}

impl TrustAnchor {
    /// True when chains ending at this anchor may serve `usage`.
    pub fn allows(&self, usage: Usage) -> bool {
        match &self.usages {
            None => true,
            Some(list) => usage == Usage::Any || list.contains(&usage),
        }
    }
}

/// The anchors a verification trusts, and the certificates it refuses whatever signs them.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    anchors: Vec<TrustAnchor>,
    distrusted: HashSet<[u8; 32]>,
}

impl TrustStore {
    /// An empty store (nothing is trusted).
    pub fn new() -> TrustStore {
        TrustStore::default()
    }

    /// Adds every certificate in `pem_or_der` (PEM bundle, DER, hex) as an anchor for any usage.
    pub fn add_pem(&mut self, pem_or_der: &[u8]) -> Result<usize, X509Error> {
        self.add_restricted(pem_or_der, None)
    }

    /// Adds every certificate in `pem_or_der`, restricted to `usages` (`None`: any).
    pub fn add_restricted(&mut self, pem_or_der: &[u8], usages: Option<Vec<Usage>>) -> Result<usize, X509Error> {
        let certs = parse_all(pem_or_der)?;
        let n = certs.len();
        for certificate in certs {
            self.add_certificate(certificate, usages.clone());
        }
        Ok(n)
    }

    /// Adds one decoded certificate.
    pub fn add_certificate(&mut self, certificate: Certificate, usages: Option<Vec<Usage>>) {
        if !self.anchors.iter().any(|a| a.certificate == certificate) {
            self.anchors.push(TrustAnchor { certificate, usages });
        }
    }

    /// Adds the anchors in a file, or in every `.pem`/`.crt`/`.cer`/`.der`/`.p7b`/`.p7c` file of
    /// a directory; errors name the file.
    pub fn add_path(&mut self, path: &Path) -> Result<usize, X509Error> {
        let io = |e: std::io::Error| X509Error::Io(format!("{}: {e}", path.display()));
        if path.is_dir() {
            let mut total = 0;
            let mut entries: Vec<_> = std::fs::read_dir(path)
                .map_err(io)?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            entries.sort();
            for file in entries {
                let ext = file
                    .extension()
                    .and_then(|e| e.to_str())
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if ["pem", "crt", "cer", "der", "p7b", "p7c"].contains(&ext.as_str()) {
                    total += self.add_path(&file)?;
                }
            }
            Ok(total)
        } else {
            self.add_pem(&std::fs::read(path).map_err(io)?)
                .map_err(|e| e.in_file(path))
        }
    }

    /// Refuses the certificate with this SHA-256 fingerprint, as anchor or anywhere in a path.
    pub fn distrust(&mut self, sha256_fingerprint: [u8; 32]) {
        self.distrusted.insert(sha256_fingerprint);
    }

    /// Refuses a certificate given by hex fingerprint (colons allowed).
    pub fn distrust_hex(&mut self, fingerprint: &str) -> Result<(), X509Error> {
        let bytes = crate::codec::decode_hex_text(fingerprint.as_bytes())
            .filter(|b| b.len() == 32)
            .ok_or_else(|| X509Error::Malformed(format!("not a SHA-256 fingerprint: {fingerprint:?}")))?;
        let mut fp = [0u8; 32];
        fp.copy_from_slice(&bytes);
        self.distrust(fp);
        Ok(())
    }

    /// True when `cert` is on the distrust list.
    pub fn is_distrusted(&self, cert: &Certificate) -> bool {
        self.distrusted.contains(cert.fingerprint())
    }

    /// The anchors.
    pub fn anchors(&self) -> &[TrustAnchor] {
        &self.anchors
    }

    /// True when nothing is trusted.
    pub fn is_empty(&self) -> bool {
        self.anchors.is_empty()
    }
}
