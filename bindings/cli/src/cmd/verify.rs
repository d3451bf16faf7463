//! `yinjian verify`: every signature of an OFD, PDF or CMS file, a seal or a licence QR text,
//! through the library's one [`Verifier`](yinjian::Verifier) (built as `yinjian batch` and
//! `yinjian serve` build theirs).

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use yinjian::{Clock, DocumentKind};

use super::cms;
use crate::io::emit;
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

/// The content of a detached CMS signature `document` (`X.p7s` or `X.sig`): the file `X`
/// beside it, when there is one.
fn detached_content(document: &Path) -> Result<Option<Vec<u8>>, String> {
    let detached =
        document.extension().is_some_and(|e| e == "p7s" || e == "sig") && document.with_extension("").is_file();
    if detached {
        cms::read_content(&document.with_extension("")).map(Some)
    } else {
        Ok(None)
    }
}

/// Verifies `document` (OFD, PDF, a CMS signature with its content beside it, a seal or a
/// licence QR text).
pub(crate) fn run(
    document: PathBuf,
    signer_cert: Vec<PathBuf>,
    trust: TrustArgs,
    output: OutputArgs,
) -> Result<ExitCode, String> {
    let at = output.validation_time()?;
    let verifier = trust.verifier(Clock::Fixed(at), &signer_cert)?;
    let name = |e: &dyn std::fmt::Display| format!("{}: {e}", document.display());
    let file = File::open(&document).map_err(|e| name(&e))?;
    let empty = file.metadata().map_err(|e| name(&e))?.len() == 0;
    if empty {
        return Err(name(&"empty file"));
    }
    let mapped = map_file(&file).map_err(|e| name(&e))?;
    let report = match DocumentKind::detect(&mapped) {
        Some(DocumentKind::Cms) => verifier.verify_cms(&mapped, detached_content(&document)?.as_deref(), at),
        Some(kind) => verifier.verify_kind(kind, &mapped, at),
        // Base64 text of a CMS signature, which the first bytes do not tell.
        None if cms::looks_like_cms(&mapped[..mapped.len().min(64)]) => {
            let der = cms::read_signature(&document)?;
            verifier.verify_cms(&der, detached_content(&document)?.as_deref(), at)
        }
        None => {
            return Err(name(
                &"neither an OFD package, a PDF, a CMS signature, a seal nor a licence QR text",
            ))
        }
    };
    Ok(emit(&report, output.json))
}
