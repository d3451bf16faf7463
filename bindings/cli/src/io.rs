//! Reading inputs (files or standard input, with size limits), printing reports, the clock.

use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::process::ExitCode;

use yinjian::codec::MAX_TEXT_INPUT;
use yinjian::x509;
use yinjian::{Report, Status, Time};

/// Revoked licence identifiers or numbers, one a line (`#` starts a comment line).
pub(crate) fn revocation_list(path: &Path) -> Result<Vec<String>, String> {
    Ok(String::from_utf8_lossy(&read_file(path)?)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

/// The DER of the first certificate in a file.
pub(crate) fn first_cert_der(path: &Path) -> Result<Vec<u8>, String> {
    let certs = read_certs(path)?;
    certs
        .first()
        .map(|c| c.der().to_vec())
        .ok_or_else(|| format!("{}: no certificate", path.display()))
}

/// Prints a report and turns its status into the exit code.
pub(crate) fn emit(report: &Report, json: bool) -> ExitCode {
    if json {
        println!("{}", report.to_json_pretty());
    } else {
        print!("{}", report.to_text());
    }
    ExitCode::from(match report.status {
        Status::Passed => 0,
        Status::Failed => 1,
        Status::Indeterminate => 2,
    })
}

/// Applies the validation policy's levels to a report, then prints it as [`emit`] does.
pub(crate) fn emit_under(policy: &yinjian::ValidationPolicy, mut report: Report, json: bool) -> ExitCode {
    policy.apply(&mut report);
    emit(&report, json)
}

pub(crate) fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Opens a file (or standard input for `-`) for streaming.
pub(crate) fn open(path: &Path) -> Result<Box<dyn Read>, String> {
    if is_stdin(path) {
        return Ok(Box::new(io::stdin().lock()));
    }
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, file)))
}

/// Reads up to `limit` bytes of `path` (or standard input), refusing anything larger.
pub(crate) fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    open(path)?
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() as u64 > limit {
        return Err(format!("{}: larger than {limit} bytes", path.display()));
    }
    Ok(bytes)
}

/// Reads a certificate or CRL file, refusing anything beyond the CRL size limit.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    read_limited(path, x509::crl::MAX_CRL_SIZE as u64)
}

/// The certificates of a file (PEM or DER, bundles allowed).
pub(crate) fn read_certs(path: &Path) -> Result<Vec<x509::Certificate>, String> {
    x509::parse_all(&read_file(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn read_small(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    open(path)?
        .take(MAX_TEXT_INPUT as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if bytes.len() > MAX_TEXT_INPUT {
        return Err(format!(
            "{}: larger than {MAX_TEXT_INPUT} bytes; not a key or signature",
            path.display()
        ));
    }
    Ok(bytes)
}

/// The CLI's default validation time: the system clock (the library never reads it).
pub(crate) fn now() -> Result<Time, String> {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?
        .as_secs();
    Time::from_unix(secs as i64).map_err(|e| e.to_string())
}
