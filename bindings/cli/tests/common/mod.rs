//! Helpers shared by the CLI's integration tests.
#![allow(dead_code)] // not every test crate uses every helper

use std::path::{Path, PathBuf};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A path as a command-line argument.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Arguments that trust the test PKI (its root as anchor, with `extra_anchors` — paths below
/// the repository — and its intermediate) at a time inside every one of its certificates'
/// validity, without revocation data.
pub fn test_pki_trust(extra_anchors: &[&str]) -> Vec<String> {
    let root = repo();
    let certs = root.join("test-vectors/x509/sm2/certs");
    let mut args = vec!["--anchors".to_string(), s(&certs.join("root.pem")).to_string()];
    args.extend(extra_anchors.iter().map(|a| s(&root.join(a)).to_string()));
    args.extend([
        "--intermediates".to_string(),
        s(&certs.join("int.pem")).to_string(),
        "--no-revocation".to_string(),
        "--at".to_string(),
        "2027-06-01T00:00:00Z".to_string(),
    ]);
    args
}
