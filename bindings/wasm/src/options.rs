//! JavaScript arguments and options objects read into the library's inputs, in one place.

use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yinjian::policy::ValidationPolicy;
use yinjian::seal::{self};
use yinjian::sm::sm2::DEFAULT_DISTID;
use yinjian::time::Time;
use yinjian::x509::{self, ChainOptions, Crl, OcspResponseInfo, RevocationPolicy, TrustStore, Usage};

use crate::errors::{to_js, ErrorCode, Failure};

/// An optional options argument as the JsValue the option readers take.
pub(crate) fn optional(options: Option<impl Into<JsValue>>) -> JsValue {
    options.map_or(JsValue::UNDEFINED, Into::into)
}

/// The bytes of a `Uint8Array`, an `ArrayBuffer` or any other `ArrayBufferView` (a
/// `DataView` or another typed array: the bytes it views); `None` for anything else.
pub(crate) fn js_bytes(value: &JsValue) -> Option<Vec<u8>> {
    if let Some(bytes) = value.dyn_ref::<Uint8Array>() {
        return Some(bytes.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<js_sys::ArrayBuffer>() {
        return Some(Uint8Array::new(buffer).to_vec());
    }
    if js_sys::ArrayBuffer::is_view(value) {
        let get = |key: &str| Reflect::get(value, &JsValue::from_str(key)).ok();
        let buffer = get("buffer")?;
        let offset = get("byteOffset")?.as_f64()? as u32;
        let length = get("byteLength")?.as_f64()? as u32;
        return Some(Uint8Array::new_with_byte_offset_and_length(&buffer, offset, length).to_vec());
    }
    None
}

/// What a JavaScript value is, for error messages: its constructor's name, or its type.
pub(crate) fn js_type(value: &JsValue) -> String {
    let constructor = || {
        let constructor = Reflect::get(value, &JsValue::from_str("constructor")).ok()?;
        Reflect::get(&constructor, &JsValue::from_str("name")).ok()?.as_string()
    };
    match value.is_object().then(constructor).flatten() {
        Some(name) if !name.is_empty() => name,
        _ if value.is_null() => "null".to_owned(),
        _ => value.js_typeof().as_string().unwrap_or_default(),
    }
}

/// Bytes from a `Uint8Array`, `ArrayBuffer` or other `ArrayBufferView`; anything else (a
/// `Blob`, a string, a number…) is an `InvalidArgument` error, never an empty input.
pub(crate) fn bytes_arg(value: &JsValue, what: &str) -> Result<Vec<u8>, Failure> {
    js_bytes(value).ok_or_else(|| {
        Failure::new(
            ErrorCode::InvalidArgument,
            format!(
                "{what} must be a Uint8Array, ArrayBuffer or other ArrayBufferView, not {}",
                js_type(value)
            ),
        )
    })
}

/// Key bytes from a string (PEM or hex text) or bytes as [`bytes_arg`] takes them.
pub(crate) fn key_bytes(value: &JsValue, what: &str) -> Result<Vec<u8>, Failure> {
    if let Some(text) = value.as_string() {
        return Ok(text.into_bytes());
    }
    js_bytes(value).ok_or_else(|| {
        Failure::new(
            ErrorCode::InvalidArgument,
            format!(
                "{what} must be a string, Uint8Array, ArrayBuffer or other ArrayBufferView, not {}",
                js_type(value)
            ),
        )
    })
}

/// The options object's own keys, checked against the allowed ones.
pub(crate) fn options_object(options: Option<&JsValue>, allowed: &[&str]) -> Result<Option<Object>, Failure> {
    let Some(value) = options.filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(None);
    };
    if !value.is_object() {
        return Err(Failure::new(ErrorCode::InvalidOption, "options must be an object"));
    }
    let object: &Object = value.unchecked_ref();
    for key in Object::keys(object).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                format!("unknown option {key:?} (known: {})", allowed.join(", ")),
            ));
        }
    }
    Ok(Some(object.clone()))
}

/// A string option, absent when undefined.
pub(crate) fn string_option(options: Option<&Object>, name: &str) -> Result<Option<String>, Failure> {
    let Some(object) = options else {
        return Ok(None);
    };
    let value = Reflect::get(object, &JsValue::from_str(name))
        .map_err(|_| Failure::new(ErrorCode::InvalidOption, format!("cannot read option {name:?}")))?;
    if value.is_undefined() {
        return Ok(None);
    }
    value
        .as_string()
        .map(Some)
        .ok_or_else(|| Failure::new(ErrorCode::InvalidOption, format!("option {name:?} must be a string")))
}

pub(crate) fn distid_option(options: Option<&Object>) -> Result<Vec<u8>, Failure> {
    Ok(string_option(options, "distid")?.map_or_else(|| DEFAULT_DISTID.to_vec(), String::into_bytes))
}

pub(crate) fn parse_usage(name: &str) -> Result<Usage, Failure> {
    Usage::parse(name).ok_or_else(|| Failure::new(ErrorCode::InvalidOption, format!("unknown usage {name:?}")))
}

/// Byte strings from an array of strings / `Uint8Array`s (absent: empty).
pub(crate) fn byte_list(value: &JsValue, what: &str) -> Result<Vec<Vec<u8>>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let array = value
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| Failure::new(ErrorCode::InvalidArgument, format!("{what} must be an array")))?;
    array.iter().map(|item| key_bytes(&item, what)).collect()
}

pub(crate) fn option_value(options: Option<&Object>, name: &str) -> JsValue {
    options
        .and_then(|o| Reflect::get(o, &JsValue::from_str(name)).ok())
        .unwrap_or(JsValue::UNDEFINED)
}

/// The validation policy of an options object (`policy`: JSON text or an object, completed
/// with the default; docs/POLICY.md), else the default policy.
pub(crate) fn policy_option(options: Option<&Object>) -> Result<ValidationPolicy, Failure> {
    let value = option_value(options, "policy");
    if value.is_undefined() || value.is_null() {
        return Ok(ValidationPolicy::default());
    }
    let text = json_text(&value, "option \"policy\"")?;
    ValidationPolicy::from_json(&text)
        .map_err(|e| Failure::new(ErrorCode::InvalidOption, format!("option \"policy\": {e}")))
}

/// Validation time, revocation data and the other chain inputs from an options object, with
/// the validation policy (`policy`) that configured them and is to judge the report.
pub(crate) fn chain_options(
    options: Option<&Object>,
    usage: Usage,
) -> Result<(ChainOptions, ValidationPolicy), Failure> {
    let policy = policy_option(options)?;
    let at = match string_option(options, "at")? {
        Some(text) => Time::parse(&text).map_err(|e| Failure::new(ErrorCode::InvalidOption, e.to_string()))?,
        None => Time::from_unix((js_sys::Date::now() / 1000.0) as i64)
            .map_err(|e| Failure::new(ErrorCode::InvalidOption, e.to_string()))?,
    };
    let mut opts = ChainOptions::new(at, usage);
    policy.configure(&mut opts);
    if option_value(options, "revocationRequired").as_bool() == Some(false) {
        opts.revocation = RevocationPolicy::NotRequired;
    }
    for crl in byte_list(&option_value(options, "crls"), "crls")? {
        opts.crls.extend(Crl::parse_all(&crl)?);
    }
    for der in byte_list(&option_value(options, "ocsp"), "ocsp")? {
        opts.ocsp.push(OcspResponseInfo::from_der(&der)?);
    }
    for text in string_list_option(options, "policies")? {
        opts.policies
            .push(x509::policy::parse_policy(&text).map_err(|e| Failure::new(ErrorCode::InvalidOption, e))?);
    }
    let flag = |name: &str| option_value(options, name).as_bool() == Some(true);
    opts.explicit_policy = flag("explicitPolicy");
    opts.inhibit_policy_mapping = flag("inhibitPolicyMapping");
    opts.inhibit_any_policy = flag("inhibitAnyPolicy");
    opts.strict_profile |= flag("strictProfile");
    opts.allow_sha1 |= flag("allowSha1");
    Ok((opts, policy))
}

/// Trust, time, certificates and the progress callback for a signed document (OFD or PDF),
/// from the options object.
pub(crate) struct DocumentOptions {
    pub(crate) chain: ChainOptions,
    /// The validation policy, to judge the report with ([`judged`]).
    pub(crate) policy: ValidationPolicy,
    pub(crate) intermediates: Vec<x509::Certificate>,
    pub(crate) signer_certificates: Vec<x509::Certificate>,
    pub(crate) on_progress: Option<js_sys::Function>,
    /// The options object itself, for the options a caller takes beyond the document ones
    /// (`revoked` of `verifyLicenceFile`).
    pub(crate) object: Option<Object>,
}

/// The option names every document verification takes.
pub(crate) const DOCUMENT_OPTIONS: [&str; 8] = [
    "at",
    "policy",
    "revocationRequired",
    "intermediates",
    "crls",
    "ocsp",
    "signerCertificates",
    "onProgress",
];

pub(crate) fn document_options(options: &JsValue, more: &[&str]) -> Result<DocumentOptions, Failure> {
    let allowed: Vec<&str> = DOCUMENT_OPTIONS.iter().chain(more).copied().collect();
    let options = options_object(Some(options), &allowed)?;
    let (chain, policy) = chain_options(options.as_ref(), Usage::DocumentSigning)?;
    let certs = |name: &str| -> Result<Vec<x509::Certificate>, Failure> {
        let mut out = Vec::new();
        for der in byte_list(&option_value(options.as_ref(), name), name)? {
            out.extend(x509::parse_all(&der)?);
        }
        Ok(out)
    };
    let on_progress = option_value(options.as_ref(), "onProgress");
    let on_progress = if on_progress.is_undefined() || on_progress.is_null() {
        None
    } else {
        Some(
            on_progress
                .dyn_into::<js_sys::Function>()
                .map_err(|_| Failure::new(ErrorCode::InvalidOption, "option \"onProgress\" must be a function"))?,
        )
    };
    Ok(DocumentOptions {
        chain,
        policy,
        intermediates: certs("intermediates")?,
        signer_certificates: certs("signerCertificates")?,
        on_progress,
        object: options,
    })
}

/// `report` judged by the validation policy's levels.
pub(crate) fn judged(policy: &ValidationPolicy, mut report: yinjian::report::Report) -> yinjian::report::Report {
    policy.apply(&mut report);
    report
}

/// Runs `verify` with the library's document options made from `o` and `trust`, its report
/// judged by the options' validation policy; the progress callback, if any, is called as `onProgress({ step, done, total })` (a throwing
/// callback is ignored: it cannot stop the verification).
pub(crate) fn with_document_options(
    o: DocumentOptions,
    trust: &TrustStore,
    verify: impl FnOnce(yinjian::seal::DocumentOptions<'_>) -> yinjian::report::Report,
) -> yinjian::report::Report {
    let callback = o.on_progress;
    let tell = |p: yinjian::seal::Progress| {
        if let Some(f) = &callback {
            progress_reporter(f)(p);
        }
    };
    let mut opts = yinjian::seal::DocumentOptions::new(seal::SealOptions {
        trust,
        chain: o.chain,
        intermediates: o.intermediates,
    });
    opts.signer_certificates = o.signer_certificates;
    if callback.is_some() {
        opts.progress = Some(yinjian::seal::ProgressFn(&tell));
    }
    judged(&o.policy, verify(opts))
}

/// The progress callback as the library calls it: `callback({ step, done, total })`; a
/// throwing callback is ignored (it cannot stop the verification).
pub(crate) fn progress_reporter(callback: &js_sys::Function) -> impl Fn(yinjian::seal::Progress) + '_ {
    move |p| {
        if let Ok(value) = to_js(&p) {
            let _ = callback.call1(&JsValue::NULL, &value);
        }
    }
}

pub(crate) fn number_option(options: Option<&Object>, name: &str) -> Option<i64> {
    option_value(options, name).as_f64().map(|f| f as i64)
}

pub(crate) fn string_list_option(options: Option<&Object>, name: &str) -> Result<Vec<String>, Failure> {
    string_list(
        &option_value(options, name),
        &format!("option {name:?}"),
        ErrorCode::InvalidOption,
    )
}

/// The strings of an array (absent: none); anything else fails with `code`.
pub(crate) fn string_list(value: &JsValue, what: &str, code: ErrorCode) -> Result<Vec<String>, Failure> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let array = value
        .dyn_ref::<js_sys::Array>()
        .ok_or_else(|| Failure::new(code, format!("{what} must be an array of strings")))?;
    array
        .iter()
        .map(|v| {
            v.as_string()
                .ok_or_else(|| Failure::new(code, format!("{what} must hold strings")))
        })
        .collect()
}

/// JSON text of a string, or of an object stringified.
pub(crate) fn json_text(value: &JsValue, what: &str) -> Result<String, Failure> {
    match value.as_string() {
        Some(text) => Ok(text),
        None => js_sys::JSON::stringify(value)
            .map(String::from)
            .map_err(|_| Failure::new(ErrorCode::InvalidArgument, format!("{what} is not JSON"))),
    }
}

pub(crate) fn time_option(options: Option<&Object>, name: &str) -> Result<Option<Time>, Failure> {
    string_option(options, name)?
        .map(|t| Time::parse(&t).map_err(|e| Failure::new(ErrorCode::InvalidOption, format!("{name}: {e}"))))
        .transpose()
}

pub(crate) fn now_js() -> Result<Time, Failure> {
    Time::from_unix((js_sys::Date::now() / 1000.0) as i64)
        .map_err(|e| Failure::new(ErrorCode::InvalidOption, e.to_string()))
}
