//! Signed documents: OFD, PDF, e-licence files.

use wasm_bindgen::prelude::*;
use yinjian::report::Report;
use yinjian::x509::TrustStore;

use crate::errors::{throw, to_js};
use crate::options::*;
use crate::trust::JsTrustStore;
use crate::types::*;

/// Verifies every signature of an OFD document (the file's bytes) against a `TrustStore`;
/// returns the document report (kind `ofd`) with one part per signature.
#[wasm_bindgen(js_name = verifyOfd, unchecked_return_type = "Report")]
pub fn verify_ofd(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(&document, &trust.inner, &options, yinjian::ofd::verify_ofd_bytes)
}

/// Verifies every signature of a PDF (the file's bytes) against a `TrustStore`: byte ranges,
/// the CMS or seal signature, document time-stamps, and what later revisions changed;
/// returns the document report (kind `pdf`) with one part per signature, oldest first.
#[wasm_bindgen(js_name = verifyPdf, unchecked_return_type = "Report")]
pub fn verify_pdf(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(&document, &trust.inner, &options, yinjian::pdf::verify_pdf)
}

/// `verify` run on a document with the options object read as `DocumentVerifyOptions`.
pub(crate) fn document_report(
    document: &JsValue,
    trust: &TrustStore,
    options: &JsValue,
    verify: fn(&[u8], &yinjian::seal::DocumentOptions<'_>) -> Report,
) -> Result<JsValue, JsValue> {
    let document = bytes_arg(document, "document").map_err(throw)?;
    let o = document_options(options, &[]).map_err(throw)?;
    to_js(&with_document_options(o, trust, |opts| verify(&document, &opts)))
}

/// Verifies an e-licence file (OFD or PDF, told apart by their first bytes): every
/// signature of the document, then the licence metadata it carries (identifier, holder,
/// validity, the caller's revocation list `revoked`). Returns the report (kind
/// `licence-file`) with the document report as its part.
#[wasm_bindgen(js_name = verifyLicenceFile, unchecked_return_type = "Report")]
pub fn verify_licence_file(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] file: JsValue,
    trust: &JsTrustStore,
    options: Option<JsLicenceFileOptions>,
) -> Result<JsValue, JsValue> {
    let file = bytes_arg(&file, "file").map_err(throw)?;
    let options = optional(options);
    let o = document_options(&options, &["revoked"]).map_err(throw)?;
    let revoked = string_list_option(o.object.as_ref(), "revoked").map_err(throw)?;
    to_js(&with_document_options(o, &trust.inner, |opts| {
        let mut licence = yinjian::licence::file::LicenceFileOptions::new(opts);
        licence.revoked = revoked;
        yinjian::licence::file::verify_licence_file(&file, &licence)
    }))
}
