//! E-invoices.

use wasm_bindgen::prelude::*;

use crate::documents::*;
use crate::options::*;
use crate::trust::JsTrustStore;
use crate::types::*;

/// Verifies an e-invoice (an OFD, or a bare invoice XML): every seal/signature of the OFD,
/// then the invoice checks (the data covered by a signature, what the page shows equal to the
/// XML, the QR text, the arithmetic, the taxpayer IDs, the tax-side signature, a tax
/// authority's seal). Returns the report (kind `invoice`) with the OFD report as its part;
/// the invoice's fields are the `invoice` detail of the `invoice.data` check.
/// `signerCertificates` may hold the certificate of the invoice's tax-side signature.
#[wasm_bindgen(js_name = verifyInvoice, unchecked_return_type = "Report")]
pub fn verify_invoice(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] file: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(
        &file,
        &trust.inner,
        &options,
        Some(yinjian::verifier::DocumentKind::Invoice),
    )
}
