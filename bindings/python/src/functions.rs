//! The module's functions: one call per verification, each building its options from keyword
//! arguments and releasing the GIL while the library works.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};
use yinjian::batch::BatchRecord;
use yinjian::sm::sm2::{PublicKey, Sm2Verifier, DEFAULT_DISTID};
use yinjian::token::{Audience, Issuers, KeySet, TokenOptions};
use yinjian::verifier::DocumentKind;
use yinjian::x509::{self, ChainOptions};

use crate::args;
use crate::classes::{build_verifier, parse_usage, trust_arg, verify_with, PyVerifier};
use crate::errors::{ErrorCode, Failure};

/// One document function: `verify_document` (kind told by the first bytes) and the kind-fixed
/// `verify_ofd`, `verify_pdf`, `verify_invoice`.
macro_rules! document_function {
    ($(#[$doc:meta])* $name:ident, $kind:expr) => {
        $(#[$doc])*
        #[pyfunction]
        #[pyo3(signature = (document, trust = None, *, at = None, policy = None, revocation_required = None, intermediates = None, crls = None, ocsp = None, signer_certificates = None, licence_issuers = None))]
        #[allow(clippy::too_many_arguments)]
        pub(crate) fn $name<'py>(
            py: Python<'py>,
            document: &Bound<'py, PyAny>,
            trust: Option<&Bound<'py, PyAny>>,
            at: Option<&Bound<'py, PyAny>>,
            policy: Option<&Bound<'py, PyAny>>,
            revocation_required: Option<bool>,
            intermediates: Option<&Bound<'py, PyAny>>,
            crls: Option<&Bound<'py, PyAny>>,
            ocsp: Option<&Bound<'py, PyAny>>,
            signer_certificates: Option<&Bound<'py, PyAny>>,
            licence_issuers: Option<&Bound<'py, PyAny>>,
        ) -> PyResult<Bound<'py, PyAny>> {
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
            let bytes = args::document(document, "document")?;
            let kind: Option<DocumentKind> = $kind;
            let report = py.detach(|| verify_with(&verifier, &bytes, kind));
            args::to_python(py, &report)
        }
    };
}

document_function!(
    /// Verifies a document (bytes, or a path: `str` or `os.PathLike`) of whatever kind its first
    /// bytes tell: OFD, PDF, electronic seal, CMS with attached content, licence QR text.
    /// Anything else gives an INDETERMINATE report (reason `Unsupported`), never an exception.
    verify_document,
    None
);
document_function!(
    /// Verifies every signature of an OFD document; the report (kind `ofd`) has one part per
    /// signature.
    verify_ofd,
    Some(DocumentKind::Ofd)
);
document_function!(
    /// Verifies every signature of a PDF; the report (kind `pdf`) has one part per signature,
    /// oldest first.
    verify_pdf,
    Some(DocumentKind::Pdf)
);
document_function!(
    /// Verifies an e-invoice OFD: its signatures, then the invoice checks.
    verify_invoice,
    Some(DocumentKind::Invoice)
);

/// Verifies a CMS / PKCS#7 signature (`.p7s`, `.p7m`; DER, BER, PEM or base64; bytes or a
/// path) over `content` (detached; bytes or a path) or its encapsulated content; one report
/// part per SignerInfo.
#[pyfunction]
#[pyo3(signature = (signature, content = None, trust = None, *, at = None, policy = None, revocation_required = None, intermediates = None, crls = None, ocsp = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_cms<'py>(
    py: Python<'py>,
    signature: &Bound<'py, PyAny>,
    content: Option<&Bound<'py, PyAny>>,
    trust: Option<&Bound<'py, PyAny>>,
    at: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
    revocation_required: Option<bool>,
    intermediates: Option<&Bound<'py, PyAny>>,
    crls: Option<&Bound<'py, PyAny>>,
    ocsp: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let verifier = build_verifier(
        trust,
        at,
        policy,
        revocation_required,
        intermediates,
        crls,
        ocsp,
        None,
        None,
    )?;
    let signature = args::document(signature, "signature")?;
    if yinjian::cms::file::decode_input(&signature).is_err() {
        return Err(Failure::new(
            ErrorCode::MalformedSignature,
            "signature is not a CMS / PKCS#7 signature (DER, BER, PEM or base64)",
        )
        .into());
    }
    let content = content
        .filter(|c| !c.is_none())
        .map(|c| args::document(c, "content"))
        .transpose()?;
    let at = verifier
        .time()
        .map_err(|e| Failure::option(format!("no validation time: {e}")))?;
    let report = py.detach(|| verifier.verify_cms(&signature, content.as_deref(), at));
    args::to_python(py, &report)
}

/// The `yinjian batch` line of `data` (the contents of `path`) verified with `verifier`.
#[pyfunction]
pub(crate) fn batch_record(
    py: Python<'_>,
    verifier: &PyVerifier,
    path: &str,
    data: &Bound<'_, PyAny>,
) -> PyResult<String> {
    let bytes = args::data(data, "data")?;
    let verifier = &verifier.inner;
    Ok(py.detach(|| BatchRecord::verify(verifier, path, &bytes).to_json_line()))
}

/// Verifies a certificate chain: `leaf` (PEM or DER), `intermediates` (any order), against
/// `trust`, for `usage`; the report has kind `x509-chain`.
#[pyfunction]
#[pyo3(signature = (leaf, intermediates = None, trust = None, *, at = None, usage = "document-signing", policy = None, revocation_required = None, crls = None, ocsp = None, allow_sha1 = false, policies = None, explicit_policy = false, inhibit_policy_mapping = false, inhibit_any_policy = false, strict_profile = false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_certificate_chain<'py>(
    py: Python<'py>,
    leaf: &Bound<'py, PyAny>,
    intermediates: Option<&Bound<'py, PyAny>>,
    trust: Option<&Bound<'py, PyAny>>,
    at: Option<&Bound<'py, PyAny>>,
    usage: &str,
    policy: Option<&Bound<'py, PyAny>>,
    revocation_required: Option<bool>,
    crls: Option<&Bound<'py, PyAny>>,
    ocsp: Option<&Bound<'py, PyAny>>,
    allow_sha1: bool,
    policies: Option<&Bound<'py, PyAny>>,
    explicit_policy: bool,
    inhibit_policy_mapping: bool,
    inhibit_any_policy: bool,
    strict_profile: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let leaf = x509::parse_all(&args::material(leaf, "leaf")?)
        .map_err(Failure::from)?
        .into_iter()
        .next()
        .ok_or_else(|| Failure::new(ErrorCode::MalformedCertificate, "leaf holds no certificate"))?;
    let pool = args::certificates(intermediates, "intermediates")?;
    let store = trust_arg(trust)?.store();
    let at = match args::time(at)? {
        Some(t) => t,
        None => now()?,
    };
    let validation_policy = args::policy(policy)?;
    let mut opts = ChainOptions::new(at, parse_usage(usage)?);
    validation_policy.configure(&mut opts);
    if let Some(required) = revocation_required {
        opts.revocation = if required {
            x509::RevocationPolicy::Required
        } else {
            x509::RevocationPolicy::NotRequired
        };
    }
    opts.crls = args::crls(crls)?;
    opts.ocsp = args::ocsp(ocsp)?;
    for text in args::strings(policies, "policies")? {
        opts.policies
            .push(x509::policy::parse_policy(&text).map_err(Failure::option)?);
    }
    opts.explicit_policy = explicit_policy;
    opts.inhibit_policy_mapping = inhibit_policy_mapping;
    opts.inhibit_any_policy = inhibit_any_policy;
    opts.strict_profile |= strict_profile;
    opts.allow_sha1 |= allow_sha1;
    let report = py.detach(|| {
        let mut report = x509::chain_report(&leaf, &pool, &store, &opts);
        validation_policy.apply(&mut report);
        report
    });
    args::to_python(py, &report)
}

fn now() -> Result<yinjian::time::Time, Failure> {
    yinjian::time::Time::now().map_err(|e| Failure::option(format!("no validation time: {e}")))
}

/// Verifies a compact JWS / JWT / OIDC ID token against `jwks` (JSON text, bytes or a dict;
/// `None`: the keys added to `trust` with `add_jwks`). `algorithms` (the allow-list) is
/// required, and so is one of `issuers` and `any_issuer=True`; `audience` (one or a list) or
/// `any_audience=True`, or neither (a token carrying `aud` is refused). A token with an `x5c`
/// chain is accepted when the chain leads to an anchor of `trust`.
#[pyfunction]
#[pyo3(signature = (token, jwks = None, *, algorithms, issuers = None, any_issuer = false, audience = None, any_audience = false, at = None, trust = None, typ = None, leeway = None, max_age = None, nonce = None, azp = None, max_auth_age = None, access_token = None, code = None, require_sub = false, hmac_secrets = None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn verify_token<'py>(
    py: Python<'py>,
    token: &str,
    jwks: Option<&Bound<'py, PyAny>>,
    algorithms: Vec<String>,
    issuers: Option<&Bound<'py, PyAny>>,
    any_issuer: bool,
    audience: Option<&Bound<'py, PyAny>>,
    any_audience: bool,
    at: Option<&Bound<'py, PyAny>>,
    trust: Option<&Bound<'py, PyAny>>,
    typ: Option<&Bound<'py, PyAny>>,
    leeway: Option<i64>,
    max_age: Option<i64>,
    nonce: Option<String>,
    azp: Option<String>,
    max_auth_age: Option<i64>,
    access_token: Option<String>,
    code: Option<String>,
    require_sub: bool,
    hmac_secrets: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let trust = trust.filter(|t| !t.is_none()).map(|t| trust_arg(Some(t))).transpose()?;
    let mut keys = match (jwks.filter(|j| !j.is_none()), &trust) {
        (Some(jwks), _) => {
            let mut keys = KeySet::new();
            keys.add_jwks(args::json_text(jwks, "jwks")?.as_bytes())
                .map_err(|e| Failure::new(ErrorCode::MalformedKey, e.to_string()))?;
            keys
        }
        (None, Some(store)) => store.keys(),
        (None, None) => KeySet::new(),
    };
    if let Some(secrets) = hmac_secrets {
        for (kid, secret) in secrets.iter() {
            let kid: String = kid
                .extract()
                .map_err(|_| Failure::option("hmac_secrets keys must be str (the kid)"))?;
            let secret = args::material(&secret, "hmac_secrets value")?;
            keys.add_hmac_secret(Some(kid), &secret)
                .map_err(|e| Failure::new(ErrorCode::MalformedKey, e.to_string()))?;
        }
    }
    let issuers = match (issuers.filter(|i| !i.is_none()), any_issuer) {
        (Some(list), false) => Issuers::OneOf(args::strings(Some(list), "issuers")?),
        (None, true) => Issuers::Any,
        (Some(_), true) => return Err(Failure::option("issuers and any_issuer exclude each other").into()),
        (None, false) => {
            return Err(Failure::option("issuers (the accepted issuers) or any_issuer=True is required").into())
        }
    };
    let audience = match (audience.filter(|a| !a.is_none()), any_audience) {
        (Some(list), false) => Audience::OneOf(args::strings(Some(list), "audience")?),
        (None, true) => Audience::Any,
        (None, false) => Audience::Absent,
        (Some(_), true) => return Err(Failure::option("audience and any_audience exclude each other").into()),
    };
    let at = match args::time(at)? {
        Some(t) => t,
        None => now()?,
    };
    let names: Vec<&str> = algorithms.iter().map(String::as_str).collect();
    let mut opts = TokenOptions::new(at, &names, issuers, audience).map_err(|e| Failure::option(e.to_string()))?;
    opts.typ = args::strings(typ, "typ")?;
    opts.nonce = nonce;
    opts.azp = azp;
    opts.access_token = access_token;
    opts.code = code;
    opts.require_sub = require_sub;
    if let Some(leeway) = leeway {
        opts.leeway = leeway;
    }
    opts.max_age = max_age;
    opts.max_auth_age = max_auth_age;
    let store = trust.map(|t| t.store());
    let report = py.detach(|| yinjian::token::verify_token(token, &keys, store.as_ref(), &opts));
    args::to_python(py, &report)
}

/// Validates a resident identity number, unified social credit code, organisation code or
/// national e-licence identifier; the report has kind `identifier`.
#[pyfunction]
pub(crate) fn check_identifier<'py>(py: Python<'py>, value: &str) -> PyResult<Bound<'py, PyAny>> {
    args::to_python(py, &yinjian::licence::check_identifier(value))
}

/// Verifies a signed licence QR text (`YJ1:…`) against the trusted issuers (certificates or
/// public keys: PEM/DER bytes, PEM text, paths, or a list of them). Options: `at`, `leeway`
/// (seconds), `algorithms` (`["SM2SM3", "ES256"]`), `revoked` (licence identifiers or numbers).
#[pyfunction]
#[pyo3(signature = (text, issuers, *, at = None, leeway = None, algorithms = None, revoked = None))]
pub(crate) fn verify_licence_qr<'py>(
    py: Python<'py>,
    text: &Bound<'py, PyAny>,
    issuers: &Bound<'py, PyAny>,
    at: Option<&Bound<'py, PyAny>>,
    leeway: Option<i64>,
    algorithms: Option<&Bound<'py, PyAny>>,
    revoked: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    use yinjian::licence::qr::{IssuerList, QrAlgorithm, QrOptions};
    let text = if let Ok(s) = text.cast::<PyString>() {
        s.to_cow()?.into_owned()
    } else {
        String::from_utf8_lossy(&args::data(text, "text")?).into_owned()
    };
    let mut list = IssuerList::new();
    for item in args::material_list(Some(issuers), "issuers")? {
        list.add_pem(&item)
            .map_err(|e| Failure::new(ErrorCode::MalformedCertificate, e.to_string()))?;
    }
    let at = match args::time(at)? {
        Some(t) => t,
        None => now()?,
    };
    let mut opts = QrOptions::new(at);
    if let Some(leeway) = leeway {
        opts.leeway = leeway;
    }
    let algorithms = args::strings(algorithms, "algorithms")?;
    if !algorithms.is_empty() {
        opts.algorithms = algorithms
            .iter()
            .map(|a| match a.as_str() {
                "SM2SM3" => Ok(QrAlgorithm::Sm2Sm3),
                "ES256" => Ok(QrAlgorithm::Es256),
                other => Err(Failure::option(format!(
                    "unknown algorithm {other:?} (known: SM2SM3, ES256)"
                ))),
            })
            .collect::<Result<_, _>>()?;
    }
    opts.revoked = args::strings(revoked, "revoked")?;
    let report = py.detach(|| yinjian::licence::qr::verify_qr(&text, &list, &opts));
    args::to_python(py, &report)
}

/// The SM3 digest of `data` (32 bytes).
#[pyfunction]
pub(crate) fn sm3<'py>(py: Python<'py>, data: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
    let data = args::data(data, "data")?;
    let digest = py.detach(|| yinjian::sm::sm3::sm3(&data));
    Ok(PyBytes::new(py, &digest))
}

/// Verifies an SM2 signature (DER or 64-byte r‖s) over `message` with `public_key` (PEM or hex
/// text, or the bytes of SPKI DER, a SEC1 point or raw x‖y) and the distinguishing ID
/// `distid` (default `1234567812345678`). A signature that does not verify gives a FAILED
/// report; a key that cannot be decoded raises `MalformedKeyError`.
#[pyfunction]
#[pyo3(signature = (public_key, message, signature, *, distid = None))]
pub(crate) fn sm2_verify<'py>(
    py: Python<'py>,
    public_key: &Bound<'py, PyAny>,
    message: &Bound<'py, PyAny>,
    signature: &Bound<'py, PyAny>,
    distid: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let key = args::material(public_key, "public_key")?;
    let message = args::data(message, "message")?;
    let signature = args::data(signature, "signature")?;
    let distid = match distid.filter(|d| !d.is_none()) {
        None => DEFAULT_DISTID.to_vec(),
        Some(d) => match d.cast::<PyString>() {
            Ok(s) => s.to_cow()?.as_bytes().to_vec(),
            Err(_) => args::data(d, "distid")?.into_owned(),
        },
    };
    let key = PublicKey::parse(&key).map_err(Failure::from)?;
    // The thread's verifier cache: a service checking many signatures by one key prepares it once.
    let report = py
        .detach(|| Sm2Verifier::cached_from_key(&key, &distid).map(|verifier| verifier.report(&message, &signature)))
        .map_err(Failure::from)?;
    args::to_python(py, &report)
}

/// The report the library gives for one line of a `test-vectors/*.jsonl` file, without judging
/// it: `(id, report)`, or `None` for comments and cases that make no report. The parity tests
/// compare these with the native CLI's (`yinjian vectors --reports`).
#[pyfunction]
pub(crate) fn vector_report<'py>(py: Python<'py>, line: &str) -> PyResult<Option<(String, Bound<'py, PyAny>)>> {
    match py.detach(|| yinjian::vectors::case_report(line)) {
        Ok(Some((id, report))) => Ok(Some((id, args::to_python(py, &report)?))),
        Ok(None) => Ok(None),
        Err(message) => Err(Failure::new(ErrorCode::VectorMismatch, message).into()),
    }
}
