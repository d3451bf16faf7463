//! Identifiers and signed licence QR codes.

use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::errors::{throw, to_js, ErrorCode, Failure};
use crate::options::*;
use crate::types::*;

/// Validates a resident identity number, unified social credit code, organisation code or
/// national e-licence identifier; returns the report (kind `identifier`) with the parts.
#[wasm_bindgen(js_name = checkIdentifier, unchecked_return_type = "Report")]
pub fn check_identifier(value: &str) -> Result<JsValue, JsValue> {
    let report = yinjian::licence::check_identifier(value);
    to_js(&report)
}

/// Which optional parts of licence QR support this build has: `image` (reading codes from
/// `ImageData`, feature `qr-image`) and `render` (SVG output of `makeLicenceQr`, feature
/// `qr-make`). Verifying and making QR text are always there.
#[wasm_bindgen(js_name = licenceQrFeatures, unchecked_return_type = "{ image: boolean; render: boolean }")]
pub fn licence_qr_features() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "image": cfg!(feature = "qr-image"),
        "render": cfg!(feature = "qr-make"),
    }))
}

/// The trusted issuers from PEM/DER certificates and public keys: one value or an array.
pub(crate) fn issuer_list(trust: &JsValue) -> Result<yinjian::licence::qr::IssuerList, Failure> {
    let items = if js_sys::Array::is_array(trust) {
        byte_list(trust, "trust")?
    } else {
        vec![key_bytes(trust, "trust")?]
    };
    let mut list = yinjian::licence::qr::IssuerList::new();
    for item in items {
        list.add_pem(&item)
            .map_err(|e| Failure::new(ErrorCode::MalformedCertificate, e.to_string()))?;
    }
    Ok(list)
}

/// Verifies a licence QR code against trusted issuing authorities: `input` is the QR text,
/// or an `ImageData`-like `{data, width, height}` (RGBA) in builds with image support.
/// `trust` is certificates and/or public keys (PEM string or DER bytes, or an array of
/// them). Options: `at` (RFC 3339; default now), `leeway` (seconds), `algorithms`
/// (`["SM2SM3", "ES256"]`), `revoked` (licence identifiers or numbers). Returns the report
/// (kind `licence-qr`); the licence data is in the `qr.claims` check's `details.licence`.
#[wasm_bindgen(js_name = verifyLicenceQr, unchecked_return_type = "Report")]
pub fn verify_licence_qr(
    #[wasm_bindgen(
        unchecked_param_type = "string | { data: Uint8Array | Uint8ClampedArray; width: number; height: number }"
    )]
    input: JsValue,
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | Array<string | Uint8Array>")] trust: JsValue,
    options: Option<JsLicenceQrOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    use yinjian::licence::qr::{QrAlgorithm, QrOptions};
    let options = options_object(Some(&options), &["at", "leeway", "algorithms", "revoked"]).map_err(throw)?;
    let issuers = issuer_list(&trust).map_err(throw)?;
    let at = match time_option(options.as_ref(), "at").map_err(throw)? {
        Some(t) => t,
        None => now_js().map_err(throw)?,
    };
    let mut opts = QrOptions::new(at);
    if let Some(leeway) = number_option(options.as_ref(), "leeway") {
        opts.leeway = leeway;
    }
    let algorithms = string_list_option(options.as_ref(), "algorithms").map_err(throw)?;
    if !algorithms.is_empty() {
        opts.algorithms = algorithms
            .iter()
            .map(|a| match a.as_str() {
                "SM2SM3" => Ok(QrAlgorithm::Sm2Sm3),
                "ES256" => Ok(QrAlgorithm::Es256),
                other => Err(throw(Failure::new(
                    ErrorCode::InvalidOption,
                    format!("unknown algorithm {other:?} (known: SM2SM3, ES256)"),
                ))),
            })
            .collect::<Result<_, _>>()?;
    }
    opts.revoked = string_list_option(options.as_ref(), "revoked").map_err(throw)?;
    if let Some(text) = input.as_string() {
        return to_js(&yinjian::licence::qr::verify_qr(&text, &issuers, &opts));
    }
    if !input.is_object() {
        return Err(throw(Failure::new(
            ErrorCode::InvalidArgument,
            "input must be the QR text or an ImageData {data, width, height}",
        )));
    }
    let object: &Object = input.unchecked_ref();
    let dimension = |name: &str| -> Result<u32, JsValue> {
        option_value(Some(object), name)
            .as_f64()
            .filter(|v| v.fract() == 0.0 && *v >= 0.0 && *v <= f64::from(u32::MAX))
            .map(|v| v as u32)
            .ok_or_else(|| {
                throw(Failure::new(
                    ErrorCode::InvalidArgument,
                    format!("ImageData {name} must be a whole number"),
                ))
            })
    };
    let (width, height) = (dimension("width")?, dimension("height")?);
    let data = option_value(Some(object), "data");
    let pixels = if let Some(clamped) = data.dyn_ref::<js_sys::Uint8ClampedArray>() {
        clamped.to_vec()
    } else if let Some(bytes) = data.dyn_ref::<Uint8Array>() {
        bytes.to_vec()
    } else {
        return Err(throw(Failure::new(
            ErrorCode::InvalidArgument,
            "ImageData data must be a Uint8ClampedArray or Uint8Array of RGBA pixels",
        )));
    };
    verify_rgba(&pixels, width, height, &issuers, &opts)
}

#[cfg(feature = "qr-image")]
pub(crate) fn verify_rgba(
    pixels: &[u8],
    width: u32,
    height: u32,
    issuers: &yinjian::licence::qr::IssuerList,
    opts: &yinjian::licence::qr::QrOptions,
) -> Result<JsValue, JsValue> {
    to_js(&yinjian::licence::qr::image::verify_qr_rgba(
        pixels, width, height, issuers, opts,
    ))
}

#[cfg(not(feature = "qr-image"))]
pub(crate) fn verify_rgba(
    _pixels: &[u8],
    _width: u32,
    _height: u32,
    _issuers: &yinjian::licence::qr::IssuerList,
    _opts: &yinjian::licence::qr::QrOptions,
) -> Result<JsValue, JsValue> {
    Err(throw(Failure::new(
        ErrorCode::Unsupported,
        "this build reads QR text only: reading images needs the qr-image feature",
    )))
}
