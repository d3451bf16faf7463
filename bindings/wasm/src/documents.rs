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

/// Adds the validation data of every signature and document time-stamp of a signed PDF as
/// an incremental update (the DSS with a /VRI entry each, PAdES B-LT; what an earlier DSS
/// had is kept): the certificates (`certs`: intermediates, roots, TSA certificates), CRLs
/// (`crls`) and OCSP responses (`ocsps`) the caller supplies — nothing is fetched. `at`
/// (RFC 3339), when given, is written as the /VRI entries' /TU. Returns the new file; the
/// input is an exact prefix of it. No document time-stamp is added here (the CLI's
/// `yinjian pdf ltv --tsa-key` does that).
#[wasm_bindgen(js_name = pdfAddValidationData)]
pub fn pdf_add_validation_data(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] pdf: JsValue,
    data: Option<JsPdfValidationData>,
) -> Result<Vec<u8>, JsValue> {
    let pdf = bytes_arg(&pdf, "pdf").map_err(throw)?;
    let data = optional(data);
    let o = options_object(Some(&data), &["certs", "crls", "ocsps", "at"]).map_err(throw)?;
    let mut supplied = yinjian::pdf::ValidationData::default();
    for der in byte_list(&option_value(o.as_ref(), "certs"), "certs").map_err(throw)? {
        supplied.certs.extend(yinjian::x509::parse_all(&der).map_err(throw)?);
    }
    for crl in byte_list(&option_value(o.as_ref(), "crls"), "crls").map_err(throw)? {
        supplied
            .crls
            .extend(yinjian::x509::Crl::parse_all(&crl).map_err(throw)?);
    }
    for der in byte_list(&option_value(o.as_ref(), "ocsps"), "ocsps").map_err(throw)? {
        yinjian::x509::OcspResponseInfo::from_der(&der).map_err(throw)?;
        supplied.ocsps.push(der);
    }
    let at = time_option(o.as_ref(), "at").map_err(throw)?;
    yinjian::pdf::add_validation_data(&pdf, &supplied, at)
        .map(|(out, _)| out)
        .map_err(throw)
}
