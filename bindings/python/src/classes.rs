//! `TrustStore` (anchors and token keys, built once) and `Verifier` (trust, revocation data,
//! policy and time set once; documents verified with it from any thread, the GIL released).

use std::sync::Arc;

use pyo3::prelude::*;
use pyo3::types::PyString;
use yinjian::batch::BatchRecord;
use yinjian::licence::qr::IssuerList;
use yinjian::token::KeySet;
use yinjian::verifier::{Clock, DocumentKind, Verifier};
use yinjian::x509::{self, RevocationPolicy, TrustStore};
use yinjian::Reason;

use crate::args;
use crate::errors::{ErrorCode, Failure};

/// A batch line and the fields stored beside it: `(line, kind, status, reason, invoice_key)`.
type BatchRow = (String, String, &'static str, Option<&'static str>, Option<String>);

/// Trust anchors (PEM or DER certificates, files or folders of them) and token keys (JWKS),
/// built once and reused across verifications.
#[pyclass(name = "TrustStore", module = "yinjian", frozen)]
#[derive(Clone, Default)]
pub(crate) struct PyTrustStore {
    pub(crate) inner: Arc<std::sync::RwLock<(TrustStore, KeySet)>>,
}

impl PyTrustStore {
    /// A copy of the anchors.
    pub(crate) fn store(&self) -> TrustStore {
        self.inner.read().map(|g| g.0.clone()).unwrap_or_default()
    }

    /// A copy of the token keys.
    pub(crate) fn keys(&self) -> KeySet {
        self.inner.read().map(|g| g.1.clone()).unwrap_or_default()
    }

    fn with<T>(&self, f: impl FnOnce(&mut (TrustStore, KeySet)) -> Result<T, Failure>) -> Result<T, Failure> {
        let mut guard = self
            .inner
            .write()
            .map_err(|_| Failure::new(ErrorCode::Internal, "trust store lock poisoned"))?;
        f(&mut guard)
    }
}

#[pymethods]
impl PyTrustStore {
    /// A store with the anchors of `anchors`: PEM/DER bytes, PEM text, paths of files or
    /// folders, or a list of them (none: an empty store).
    #[new]
    #[pyo3(signature = (anchors = None))]
    fn new(anchors: Option<&Bound<'_, PyAny>>) -> PyResult<PyTrustStore> {
        let store = PyTrustStore::default();
        if let Some(anchors) = anchors.filter(|a| !a.is_none()) {
            store.add(anchors, None)?;
        }
        Ok(store)
    }

    /// A store from PEM or DER bytes (or PEM text).
    #[staticmethod]
    fn from_pem(data: &Bound<'_, PyAny>) -> PyResult<PyTrustStore> {
        let store = PyTrustStore::default();
        let bytes = args::data(data, "data").or_else(|_| args::material(data, "data").map(Into::into))?;
        store.with(|(trust, _)| Ok(trust.add_pem(&bytes)?))?;
        Ok(store)
    }

    /// A store from certificate files or folders of them (PEM or DER).
    #[staticmethod]
    #[pyo3(signature = (*paths))]
    fn from_files(paths: Vec<std::path::PathBuf>) -> PyResult<PyTrustStore> {
        let store = PyTrustStore::default();
        for path in paths {
            store.add_file(path)?;
        }
        Ok(store)
    }

    /// Adds every certificate of `anchors` (PEM/DER bytes, PEM text, a path, or a list of them),
    /// optionally only for the given usages (`"document-signing"`, `"token-signing"`, …);
    /// returns how many were added. A folder is read whole.
    #[pyo3(signature = (anchors, usages = None))]
    fn add(&self, anchors: &Bound<'_, PyAny>, usages: Option<Vec<String>>) -> PyResult<usize> {
        let usages = usages
            .map(|names| names.iter().map(|n| parse_usage(n)).collect::<Result<Vec<_>, _>>())
            .transpose()?;
        let mut added = 0;
        for item in paths_or_material(anchors)? {
            added += match item {
                Anchor::Path(path) if path.is_dir() => self.with(|(trust, _)| Ok(trust.add_path(&path)?))?,
                Anchor::Path(path) => {
                    let bytes = args::read_path(&path)?;
                    self.with(|(trust, _)| Ok(trust.add_restricted(&bytes, usages.clone())?))?
                }
                Anchor::Bytes(bytes) => self.with(|(trust, _)| Ok(trust.add_restricted(&bytes, usages.clone())?))?,
            };
        }
        Ok(added)
    }

    /// Adds every certificate of PEM/DER bytes or PEM text; returns how many were added.
    fn add_pem(&self, data: &Bound<'_, PyAny>) -> PyResult<usize> {
        let bytes = args::material(data, "data")?;
        Ok(self.with(|(trust, _)| Ok(trust.add_pem(&bytes)?))?)
    }

    /// Adds every certificate of a file, or of every file in a folder; returns how many.
    fn add_file(&self, path: std::path::PathBuf) -> PyResult<usize> {
        let added = self.with(|(trust, _)| Ok(trust.add_path(&path)?))?;
        if added == 0 {
            return Err(Failure::new(
                ErrorCode::MalformedCertificate,
                format!("{}: no certificate in it to use as a trust anchor", path.display()),
            )
            .into());
        }
        Ok(added)
    }

    /// Adds the keys of a JWKS (JSON text, bytes or a dict) for `verify_token`; returns how many.
    fn add_jwks(&self, jwks: &Bound<'_, PyAny>) -> PyResult<usize> {
        let text = args::json_text(jwks, "jwks")?;
        Ok(self.with(|(_, keys)| {
            keys.add_jwks(text.as_bytes())
                .map_err(|e| Failure::new(ErrorCode::MalformedKey, e.to_string()))
        })?)
    }

    /// Refuses the certificate with this SHA-256 fingerprint (hex) wherever it appears.
    fn distrust(&self, sha256_hex: &str) -> PyResult<()> {
        Ok(self.with(|(trust, _)| Ok(trust.distrust_hex(sha256_hex)?))?)
    }

    /// How many anchors the store holds.
    fn __len__(&self) -> usize {
        self.inner.read().map(|g| g.0.anchors().len()).unwrap_or(0)
    }

    fn __repr__(&self) -> String {
        format!("TrustStore({} anchors)", self.__len__())
    }
}

/// One item of an anchors argument.
enum Anchor {
    Path(std::path::PathBuf),
    Bytes(Vec<u8>),
}

/// The items of an anchors argument: one item, or a list of them.
fn paths_or_material(value: &Bound<'_, PyAny>) -> PyResult<Vec<Anchor>> {
    let one = |item: &Bound<'_, PyAny>| -> PyResult<Anchor> {
        if let Ok(text) = item.cast::<PyString>() {
            let text = text.to_cow()?;
            if !text.trim_start().starts_with("-----BEGIN") && std::path::Path::new(&*text).exists() {
                return Ok(Anchor::Path(text.as_ref().into()));
            }
        } else if item.hasattr("__fspath__")? {
            return Ok(Anchor::Path(item.extract()?));
        }
        Ok(Anchor::Bytes(args::material(item, "anchors")?))
    };
    let is_single = value.is_instance_of::<PyString>()
        || value.is_instance_of::<pyo3::types::PyBytes>()
        || value.is_instance_of::<pyo3::types::PyByteArray>()
        || value.hasattr("__fspath__")?;
    if is_single {
        return Ok(vec![one(value)?]);
    }
    value
        .try_iter()
        .map_err(|_| {
            Failure::argument(format!(
                "anchors must be bytes, text, a path or a list, not {}",
                args::type_name(value)
            ))
        })?
        .map(|item| one(&item?))
        .collect()
}

pub(crate) fn parse_usage(name: &str) -> Result<x509::Usage, Failure> {
    x509::Usage::parse(name).ok_or_else(|| {
        Failure::option(format!(
            "unknown usage {name:?} (known: document-signing, seal-making, token-signing, tls-server, tls-client, any)"
        ))
    })
}

/// The trust argument of a verifying function: a `TrustStore`, anything `TrustStore(...)`
/// takes, or `None` (no anchors: every chain ends untrusted).
pub(crate) fn trust_arg(value: Option<&Bound<'_, PyAny>>) -> PyResult<PyTrustStore> {
    match value.filter(|v| !v.is_none()) {
        None => Ok(PyTrustStore::default()),
        Some(v) => match v.cast::<PyTrustStore>() {
            Ok(store) => Ok(store.get().clone()),
            Err(_) => PyTrustStore::new(Some(v)),
        },
    }
}

/// The options every document verification takes, read into a library [`Verifier`].
#[allow(clippy::too_many_arguments)]
pub(crate) fn build_verifier(
    trust: Option<&Bound<'_, PyAny>>,
    at: Option<&Bound<'_, PyAny>>,
    policy: Option<&Bound<'_, PyAny>>,
    revocation_required: Option<bool>,
    intermediates: Option<&Bound<'_, PyAny>>,
    crls: Option<&Bound<'_, PyAny>>,
    ocsp: Option<&Bound<'_, PyAny>>,
    signer_certificates: Option<&Bound<'_, PyAny>>,
    licence_issuers: Option<&Bound<'_, PyAny>>,
) -> PyResult<Verifier> {
    let store = trust_arg(trust)?.store();
    let clock = match args::time(at)? {
        Some(t) => Clock::Fixed(t),
        None => Clock::System,
    };
    let mut issuers = IssuerList::new();
    for item in args::material_list(licence_issuers, "licence_issuers")? {
        issuers
            .add_pem(&item)
            .map_err(|e| Failure::new(ErrorCode::MalformedCertificate, e.to_string()))?;
    }
    let mut verifier = Verifier::new(store, clock)
        .policy(args::policy(policy)?)
        .intermediates(args::certificates(intermediates, "intermediates")?)
        .signer_certificates(args::certificates(signer_certificates, "signer_certificates")?)
        .crls(args::crls(crls)?)
        .ocsp(args::ocsp(ocsp)?)
        .licence_issuers(issuers);
    if let Some(required) = revocation_required {
        verifier = verifier.revocation(if required {
            RevocationPolicy::Required
        } else {
            RevocationPolicy::NotRequired
        });
    }
    Ok(verifier)
}

/// A kind name (`ofd`, `pdf`, `seal`, `cms`, `licence-qr`, `invoice`).
pub(crate) fn parse_kind(name: &str) -> Result<DocumentKind, Failure> {
    [
        DocumentKind::Ofd,
        DocumentKind::Pdf,
        DocumentKind::Seal,
        DocumentKind::Cms,
        DocumentKind::LicenceQr,
        DocumentKind::Invoice,
    ]
    .into_iter()
    .find(|k| k.name() == name)
    .ok_or_else(|| {
        Failure::argument(format!(
            "unknown kind {name:?} (known: ofd, pdf, seal, cms, licence-qr, invoice)"
        ))
    })
}

/// Verifies `input` as `kind` (or the kind its first bytes tell) at the verifier's time.
pub(crate) fn verify_with(verifier: &Verifier, input: &[u8], kind: Option<DocumentKind>) -> yinjian::Report {
    match (kind, verifier.time()) {
        (Some(kind), Ok(at)) => verifier.verify_kind(kind, input, at),
        _ => verifier.verify(input),
    }
}

/// Trust anchors, intermediates, revocation data, validation policy and time, set once; then
/// any number of documents verified with it, from any thread, the GIL released while each is
/// verified. The object a Spark partition builds once.
#[pyclass(name = "Verifier", module = "yinjian", frozen)]
pub(crate) struct PyVerifier {
    pub(crate) inner: Arc<Verifier>,
}

#[pymethods]
impl PyVerifier {
    /// A verifier: `trust` (a TrustStore, or what TrustStore() takes), `at` (datetime, RFC 3339
    /// text or Unix seconds; default: the clock at each verification), `policy` (dict, JSON
    /// text or path; docs/POLICY.md), `revocation_required` (default: the policy's, which
    /// requires it), `intermediates`, `crls`, `ocsp`, `signer_certificates` (lists of PEM/DER
    /// bytes, text or paths), `licence_issuers` (certificates or public keys of licence QR
    /// issuers).
    #[new]
    #[pyo3(signature = (trust = None, *, at = None, policy = None, revocation_required = None, intermediates = None, crls = None, ocsp = None, signer_certificates = None, licence_issuers = None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        trust: Option<&Bound<'_, PyAny>>,
        at: Option<&Bound<'_, PyAny>>,
        policy: Option<&Bound<'_, PyAny>>,
        revocation_required: Option<bool>,
        intermediates: Option<&Bound<'_, PyAny>>,
        crls: Option<&Bound<'_, PyAny>>,
        ocsp: Option<&Bound<'_, PyAny>>,
        signer_certificates: Option<&Bound<'_, PyAny>>,
        licence_issuers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyVerifier> {
        let verifier = build_verifier(
            trust,
            at,
            policy,
            revocation_required,
            intermediates,
            crls,
            ocsp,
            signer_certificates,
            licence_issuers,
        )?;
        Ok(PyVerifier {
            inner: Arc::new(verifier),
        })
    }

    /// Verifies a document (bytes, or a path) and returns the report as a dict: its kind told
    /// by its first bytes (OFD, PDF, seal, CMS with attached content, licence QR text), or
    /// `kind` when given (`"invoice"` verifies an OFD as an e-invoice).
    #[pyo3(signature = (document, kind = None))]
    fn verify<'py>(
        &self,
        py: Python<'py>,
        document: &Bound<'py, PyAny>,
        kind: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let kind = kind.map(parse_kind).transpose()?;
        let bytes = args::document(document, "document")?;
        let verifier = &self.inner;
        let report = py.detach(|| verify_with(verifier, &bytes, kind));
        args::to_python(py, &report)
    }

    /// Verifies a CMS / PKCS#7 signature (DER, BER, PEM or base64) over `content` (detached)
    /// or its encapsulated content.
    #[pyo3(signature = (signature, content = None))]
    fn verify_cms<'py>(
        &self,
        py: Python<'py>,
        signature: &Bound<'py, PyAny>,
        content: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let signature = args::document(signature, "signature")?;
        let content = content
            .filter(|c| !c.is_none())
            .map(|c| args::document(c, "content"))
            .transpose()?;
        let verifier = &self.inner;
        let report = py.detach(|| {
            verifier
                .time()
                .map(|at| verifier.verify_cms(&signature, content.as_deref(), at))
        });
        match report {
            Ok(report) => args::to_python(py, &report),
            Err(e) => Err(Failure::option(format!("no validation time: {e}")).into()),
        }
    }

    /// The `yinjian batch` JSON line (`{"path", "kind", "status", "reason", "report"}`,
    /// without the newline) of `data`, the contents of the file at `path`: byte for byte the
    /// line `yinjian batch` writes for it with the same trust and policy (an e-invoice OFD:
    /// kind `invoice` with its fields in `invoice`), less the run-level `duplicate_of`, which
    /// one file cannot know.
    fn batch_record(&self, py: Python<'_>, path: &str, data: &Bound<'_, PyAny>) -> PyResult<String> {
        let bytes = args::data(data, "data")?;
        let verifier = &self.inner;
        Ok(py.detach(|| BatchRecord::verify(verifier, path, &bytes).to_json_line()))
    }

    /// [`batch_record`](Self::batch_record) with the fields a table keeps beside the line:
    /// `(line, kind, status, reason, invoice_key)` (`reason` and `invoice_key` `None` when
    /// absent), so that a pipeline storing columns (the Spark job) does not parse the JSON back.
    fn batch_row(&self, py: Python<'_>, path: &str, data: &Bound<'_, PyAny>) -> PyResult<BatchRow> {
        let bytes = args::data(data, "data")?;
        let verifier = &self.inner;
        Ok(py.detach(|| {
            let record = BatchRecord::verify(verifier, path, &bytes);
            (
                record.to_json_line(),
                record.kind.clone(),
                record.status.as_str(),
                record.reason.map(Reason::as_str),
                record.invoice.and_then(|i| i.key),
            )
        }))
    }

    /// The batch lines of many `(path, data)` pairs, in order, the GIL released once for all.
    fn batch_records(&self, py: Python<'_>, items: &Bound<'_, PyAny>) -> PyResult<Vec<String>> {
        let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
        for item in items.try_iter()? {
            let item = item?;
            let (path, data): (String, Bound<'_, PyAny>) = item
                .extract()
                .map_err(|_| Failure::argument("items must be (path, data) pairs"))?;
            inputs.push((path, args::data(&data, "data")?.into_owned()));
        }
        let verifier = &self.inner;
        Ok(py.detach(|| {
            inputs
                .iter()
                .map(|(path, data)| BatchRecord::verify(verifier, path.as_str(), data).to_json_line())
                .collect()
        }))
    }

    /// The record of a file that could not be read (`why`: the error), as `yinjian batch`
    /// writes it.
    #[staticmethod]
    fn unreadable_record(path: &str, why: &str) -> String {
        BatchRecord::unreadable(path, why).to_json_line()
    }

    /// How many trust anchors the verifier holds.
    #[getter]
    fn anchors(&self) -> usize {
        self.inner.trust().anchors().len()
    }

    fn __repr__(&self) -> String {
        format!(
            "Verifier({} anchors, revocation {})",
            self.anchors(),
            match self.inner.revocation_policy() {
                RevocationPolicy::Required => "required",
                _ => "not required",
            }
        )
    }
}
