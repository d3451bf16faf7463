//! Electronic seals: details, seal signatures, the seal pictures of documents.

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use yinjian::seal::{self};
use yinjian::x509::{self, Usage};

use crate::errors::{throw, to_js, ErrorCode, Failure};
use crate::options::*;
use crate::trust::JsTrustStore;
use crate::types::*;

/// What a seal says: a seal (.esl) or the seal inside a seal signature.
#[wasm_bindgen(js_name = parseSeal, unchecked_return_type = "SealDetails")]
pub fn parse_seal(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] bytes: JsValue,
) -> Result<JsValue, JsValue> {
    let bytes = bytes_arg(&bytes, "bytes").map_err(throw)?;
    let seal = match seal::Seal::decode(&bytes) {
        Ok(seal) => seal,
        Err(_) => seal::SesSignature::decode(&bytes).map_err(throw)?.to_sign.eseal,
    };
    let details = seal.details().map_err(throw)?;
    to_js(&details)
}

/// Verifies a seal signature (SignedValue.dat, v4 or v1) over `data` (for OFD: the bytes of
/// Signature.xml) by the full GB/T 38540 procedure; returns the report (kind `seal-signature`).
#[wasm_bindgen(js_name = verifySealSignature, unchecked_return_type = "Report")]
pub fn verify_seal_signature(
    #[wasm_bindgen(js_name = signedValue, unchecked_param_type = "ArrayBuffer | ArrayBufferView")]
    signed_value: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] data: JsValue,
    trust: &JsTrustStore,
    options: Option<JsSealVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let signed_value = bytes_arg(&signed_value, "signedValue").map_err(throw)?;
    let data = bytes_arg(&data, "data").map_err(throw)?;
    let options = optional(options);
    let options = options_object(
        Some(&options),
        &["at", "policy", "revocationRequired", "intermediates", "crls", "ocsp"],
    )
    .map_err(throw)?;
    let (chain, policy) = chain_options(options.as_ref(), Usage::DocumentSigning).map_err(throw)?;
    let mut intermediates = Vec::new();
    for der in byte_list(&option_value(options.as_ref(), "intermediates"), "intermediates").map_err(throw)? {
        intermediates.extend(x509::parse_all(&der).map_err(throw)?);
    }
    let opts = seal::SealOptions {
        trust: &trust.inner,
        chain,
        intermediates,
    };
    let report = seal::verify_seal_signature(&signed_value, seal::ProtectedData::Bytes(&data), &opts);
    to_js(&judged(&policy, report))
}

/// The seal picture behind each signature of an OFD or PDF document, in the order of the
/// document report's `parts`: `{ index, seal, picture_type, width_mm, height_mm, data }`, or
/// `null` for a signature without a seal (a CMS signature, a time-stamp, a bare SM2
/// signature). Throws `MalformedSeal` when the document cannot be opened.
#[wasm_bindgen(js_name = sealPictures, unchecked_return_type = "Array<SealPicture | null>")]
pub fn seal_pictures(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
) -> Result<js_sys::Array, JsValue> {
    let document = bytes_arg(&document, "document").map_err(throw)?;
    let pictures = if document.starts_with(b"%PDF-") {
        yinjian::pdf::seal_pictures(&document).map_err(|e| e.to_string())
    } else {
        yinjian::ofd::seal_pictures(&document).map_err(|e| e.to_string())
    }
    .map_err(|e| throw(Failure::new(ErrorCode::MalformedSeal, e)))?;
    let out = js_sys::Array::new();
    for picture in pictures {
        let Some(picture) = picture else {
            out.push(&JsValue::NULL);
            continue;
        };
        let object = to_js(&picture)?;
        Reflect::set(
            &object,
            &JsValue::from_str("data"),
            &Uint8Array::from(picture.data.as_slice()),
        )?;
        out.push(&object);
    }
    Ok(out)
}
