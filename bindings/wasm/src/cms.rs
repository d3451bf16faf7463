//! CMS / PKCS#7 signatures.

use wasm_bindgen::prelude::*;

use crate::errors::{throw, to_js, ErrorCode, Failure};
use crate::options::*;
use crate::trust::JsTrustStore;
use crate::types::*;

/// Verifies a CMS / PKCS#7 signature (`.p7s`, `.p7m`; DER, BER, PEM or base64 text) over
/// `content` (detached; `null`/`undefined` for an attached signature) against a `TrustStore`;
/// returns the report (kind `cms-signature`) with one part per SignerInfo.
#[wasm_bindgen(js_name = verifyCms, unchecked_return_type = "Report")]
pub fn verify_cms(
    #[wasm_bindgen(unchecked_param_type = "Uint8Array | string")] signature: JsValue,
    content: Option<Vec<u8>>,
    trust: &JsTrustStore,
    options: Option<JsCmsVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    let raw = key_bytes(&signature, "signature").map_err(throw)?;
    let der = yinjian::cms::file::decode_input(&raw)
        .map_err(|e| throw(Failure::new(ErrorCode::MalformedSignature, e.to_string())))?;
    let o = document_options(&options, &["acceptSm2WithoutZ", "allowSha1"]).map_err(throw)?;
    let cms = yinjian::cms::CmsOptions {
        accept_sm2_without_z: option_value(o.object.as_ref(), "acceptSm2WithoutZ").as_bool() == Some(true),
    };
    // `allowSha1` is read with the chain options.
    let report =
        yinjian::cms::file::verify_report(&der, content.as_deref(), &trust.inner, &o.chain, &o.intermediates, &cms);
    to_js(&judged(&o.policy, report))
}
