//! Python arguments read into the library's inputs, in one place: bytes, paths, PEM text, times,
//! policies, lists of certificates.

use std::borrow::Cow;
use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};
use yinjian::policy::ValidationPolicy;
use yinjian::time::Time;
use yinjian::x509::{self, Certificate, Crl, OcspResponseInfo};

use crate::errors::{ErrorCode, Failure};

/// The largest file this binding reads for a path argument (1 GiB, the CLI's document limit).
pub(crate) const MAX_FILE_BYTES: u64 = 1 << 30;

/// What a Python value is, for error messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map_or_else(|_| "object".to_owned(), |n| n.to_string())
}

/// Reads the file at `path` (at most [`MAX_FILE_BYTES`]); an `Io` failure names it.
pub(crate) fn read_path(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    let io = |e: std::io::Error| Failure::new(ErrorCode::Io, format!("{}: {e}", path.display()));
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(Failure::new(
            ErrorCode::TooLarge,
            format!(
                "{}: {size} bytes, more than the {MAX_FILE_BYTES} this binding reads",
                path.display()
            ),
        ));
    }
    std::fs::read(path).map_err(io)
}

/// The path of an `os.PathLike`, or `None` for anything else.
fn path_like(value: &Bound<'_, PyAny>) -> Option<PathBuf> {
    if value.is_instance_of::<PyString>() || !value.hasattr("__fspath__").unwrap_or(false) {
        return None;
    }
    value.extract::<PathBuf>().ok()
}

/// The bytes of a bytes-like object: `bytes` borrowed, `bytearray`, `memoryview` and other
/// buffers copied; `None` for anything else.
fn bytes_like<'a>(value: &'a Bound<'_, PyAny>) -> PyResult<Option<Cow<'a, [u8]>>> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Ok(Some(Cow::Borrowed(bytes.as_bytes())));
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Ok(Some(Cow::Owned(array.to_vec())));
    }
    if value.is_instance_of::<pyo3::types::PyMemoryView>() || value.hasattr("__buffer__").unwrap_or(false) {
        let bytes = value.py().import("builtins")?.getattr("bytes")?.call1((value,))?;
        return Ok(Some(Cow::Owned(bytes.cast::<PyBytes>()?.as_bytes().to_vec())));
    }
    Ok(None)
}

/// A document: bytes-like (its contents) or a path (`str` or `os.PathLike`: the file is read).
pub(crate) fn document<'a>(value: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    if let Some(bytes) = bytes_like(value)? {
        return Ok(bytes);
    }
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Cow::Owned(read_path(std::path::Path::new(&*text.to_cow()?))?));
    }
    if let Some(path) = path_like(value) {
        return Ok(Cow::Owned(read_path(&path)?));
    }
    Err(Failure::argument(format!(
        "{what} must be bytes, bytearray, memoryview, or a path (str or os.PathLike), not {}",
        type_name(value)
    ))
    .into())
}

/// Plain bytes: bytes-like only (a message, a signature, content).
pub(crate) fn data<'a>(value: &'a Bound<'_, PyAny>, what: &str) -> PyResult<Cow<'a, [u8]>> {
    bytes_like(value)?.ok_or_else(|| {
        Failure::argument(format!(
            "{what} must be bytes, bytearray or memoryview, not {}",
            type_name(value)
        ))
        .into()
    })
}

/// Key or certificate material: bytes (PEM or DER), PEM or hex text (`str` that is not a
/// path), or a path (`os.PathLike`; or a `str` naming an existing file).
pub(crate) fn material(value: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<u8>> {
    if let Some(bytes) = bytes_like(value)? {
        return Ok(bytes.into_owned());
    }
    if let Ok(text) = value.cast::<PyString>() {
        let text = text.to_cow()?;
        let trimmed = text.trim_start();
        if !trimmed.starts_with("-----BEGIN") && std::path::Path::new(&*text).is_file() {
            return Ok(read_path(std::path::Path::new(&*text))?);
        }
        return Ok(text.as_bytes().to_vec());
    }
    if let Some(path) = path_like(value) {
        return Ok(read_path(&path)?);
    }
    Err(Failure::argument(format!(
        "{what} must be bytes, PEM text, or a path, not {}",
        type_name(value)
    ))
    .into())
}

/// A list of [`material`] items (`None`: empty; one item alone is taken as a list of one).
pub(crate) fn material_list(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<Vec<u8>>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    if value.is_instance_of::<PyBytes>() || value.is_instance_of::<PyString>() || path_like(value).is_some() {
        return Ok(vec![material(value, what)?]);
    }
    let mut out = Vec::new();
    for item in value
        .try_iter()
        .map_err(|_| Failure::argument(format!("{what} must be a list, not {}", type_name(value))))?
    {
        out.push(material(&item?, what)?);
    }
    Ok(out)
}

/// Every certificate of a list of PEM/DER items.
pub(crate) fn certificates(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<Certificate>> {
    let mut out = Vec::new();
    for item in material_list(value, what)? {
        out.extend(x509::parse_all(&item).map_err(Failure::from)?);
    }
    Ok(out)
}

/// Every CRL of a list of PEM/DER items.
pub(crate) fn crls(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<Crl>> {
    let mut out = Vec::new();
    for item in material_list(value, "crls")? {
        out.extend(Crl::parse_all(&item).map_err(Failure::from)?);
    }
    Ok(out)
}

/// Every OCSP response (DER) of a list.
pub(crate) fn ocsp(value: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<OcspResponseInfo>> {
    let mut out = Vec::new();
    for item in material_list(value, "ocsp")? {
        out.push(OcspResponseInfo::from_der(&item).map_err(Failure::from)?);
    }
    Ok(out)
}

/// A validation time: `None` (absent), a timezone-aware `datetime`, RFC 3339 text, or Unix
/// seconds (`int`).
pub(crate) fn time(value: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Time>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    let bad = |e: yinjian::time::TimeError| Failure::option(format!("at: {e}"));
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(Some(Time::parse(&text.to_cow()?).map_err(bad)?));
    }
    if value.is_instance_of::<pyo3::types::PyBool>() {
        return Err(Failure::option("at must be a datetime, RFC 3339 text or Unix seconds, not bool").into());
    }
    if let Ok(seconds) = value.extract::<i64>() {
        return Ok(Some(Time::from_unix(seconds).map_err(bad)?));
    }
    if value.hasattr("utcoffset")? && value.hasattr("timestamp")? {
        if value.call_method0("utcoffset")?.is_none() {
            return Err(
                Failure::option("at: a naive datetime has no time zone; give one (datetime.timezone.utc)").into(),
            );
        }
        let seconds: f64 = value.call_method0("timestamp")?.extract()?;
        return Ok(Some(Time::from_unix(seconds.floor() as i64).map_err(bad)?));
    }
    Err(Failure::option(format!(
        "at must be a datetime, RFC 3339 text or Unix seconds, not {}",
        type_name(value)
    ))
    .into())
}

/// JSON text of a `str` (JSON text), `bytes` (UTF-8 JSON), or any object `json.dumps` takes.
pub(crate) fn json_text(value: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(text.to_cow()?.into_owned());
    }
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec())
            .map_err(|_| Failure::argument(format!("{what} is not UTF-8")).into());
    }
    let dumped = value
        .py()
        .import("json")?
        .call_method1("dumps", (value,))
        .map_err(|e| Failure::argument(format!("{what} is not JSON: {e}")))?;
    dumped.extract()
}

/// A validation policy: `None` (the default), a `dict`, JSON text, or a path to a JSON file
/// (docs/POLICY.md).
pub(crate) fn policy(value: Option<&Bound<'_, PyAny>>) -> PyResult<ValidationPolicy> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(ValidationPolicy::default());
    };
    let text = if let Some(path) = path_like(value) {
        String::from_utf8(read_path(&path)?)
            .map_err(|_| Failure::option(format!("policy {}: not UTF-8", path.display())))?
    } else if value.is_instance_of::<PyDict>() || value.is_instance_of::<PyString>() {
        json_text(value, "policy")?
    } else {
        return Err(Failure::option(format!(
            "policy must be a dict, JSON text or a path, not {}",
            type_name(value)
        ))
        .into());
    };
    Ok(ValidationPolicy::from_json(&text).map_err(|e| Failure::option(format!("policy: {e}")))?)
}

/// A list of strings (`None`: empty; one `str` alone: a list of one).
pub(crate) fn strings(value: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<String>> {
    let Some(value) = value.filter(|v| !v.is_none()) else {
        return Ok(Vec::new());
    };
    if let Ok(text) = value.cast::<PyString>() {
        return Ok(vec![text.to_cow()?.into_owned()]);
    }
    if value.is_instance_of::<PyList>() || value.hasattr("__iter__")? {
        let mut out = Vec::new();
        for item in value.try_iter()? {
            let item = item?;
            out.push(
                item.extract::<String>()
                    .map_err(|_| Failure::option(format!("{what} must hold strings, not {}", type_name(&item))))?,
            );
        }
        return Ok(out);
    }
    Err(Failure::option(format!("{what} must be a list of strings, not {}", type_name(value))).into())
}

/// A report (or any serialisable value) as the Python object of the same JSON: dicts (keys in
/// the library's order), lists, str, int, float, bool, None, made by serde straight into Python
/// objects ([`crate::topy`]), the serialisation that makes the documented JSON.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &impl serde::Serialize) -> PyResult<Bound<'py, PyAny>> {
    crate::topy::to_python(py, value)
        .map_err(|e| Failure::new(ErrorCode::Internal, format!("report to Python: {e}")).into())
}
