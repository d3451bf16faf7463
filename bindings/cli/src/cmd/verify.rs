//! `yinjian verify`: every signature of an OFD, PDF or CMS file.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use yinjian::{seal, x509};

use super::cms;
use crate::io::{emit_under, read_certs};
use crate::options::{OutputArgs, TrustArgs};

/// Maps a file read-only, so a large PDF is hashed in place without being copied into memory.
fn map_file(file: &File) -> io::Result<memmap2::Mmap> {
    // SAFETY: the mapping is read-only and private to this process. If another process
    // truncates the file while it is mapped, reads can fault: the CLI accepts that risk for
    // a verification (the alternative is holding the whole file in memory).
    #[allow(unsafe_code)]
    unsafe {
        memmap2::Mmap::map(file)
    }
}

/// Verifies `document` (OFD, PDF, or a CMS signature with its content beside it).
pub(crate) fn run(
    document: PathBuf,
    signer_cert: Vec<PathBuf>,
    trust: TrustArgs,
    output: OutputArgs,
) -> Result<ExitCode, String> {
    let (store, pool, chain, policy) = trust.load(output.validation_time()?, x509::Usage::DocumentSigning)?;
    let mut opts = yinjian::ofd::OfdOptions::new(seal::SealOptions {
        trust: &store,
        chain,
        intermediates: pool,
    });
    for file in &signer_cert {
        opts.signer_certificates.extend(read_certs(file)?);
    }
    let file = File::open(&document).map_err(|e| format!("{}: {e}", document.display()))?;
    let mut magic = [0u8; 5];
    let _ = (&file).read(&mut magic);
    if &magic[..4] == b"PK\x03\x04" {
        return Ok(emit_under(
            &policy,
            yinjian::ofd::verify_ofd(BufReader::new(file), &opts),
            output.json,
        ));
    }
    if &magic == b"%PDF-" {
        let mapped = map_file(&file).map_err(|e| format!("{}: {e}", document.display()))?;
        return Ok(emit_under(
            &policy,
            yinjian::pdf::verify_pdf(&mapped, &opts),
            output.json,
        ));
    }
    let mut head = [0u8; 64];
    let n = File::open(&document)
        .and_then(|mut f| f.read(&mut head))
        .map_err(|e| format!("{}: {e}", document.display()))?;
    if cms::looks_like_cms(&head[..n]) {
        // A CMS signature file: attached content, or the document name without .p7s.
        let der = cms::read_signature(&document)?;
        let detached =
            document.extension().is_some_and(|e| e == "p7s" || e == "sig") && document.with_extension("").is_file();
        let content = if detached {
            Some(cms::read_content(&document.with_extension(""))?)
        } else {
            None
        };
        let report = yinjian::cms::file::verify_report(
            &der,
            content.as_deref(),
            &store,
            &opts.seal.chain,
            &opts.seal.intermediates,
            &yinjian::cms::CmsOptions::default(),
        );
        return Ok(emit_under(&policy, report, output.json));
    }
    Err(format!(
        "{}: neither an OFD package, a PDF nor a CMS signature",
        document.display()
    ))
}
