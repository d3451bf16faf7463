//! One file of a batch, verified as `yinjian batch` verifies it.

use wasm_bindgen::prelude::*;
use yinjian::batch::BatchRecord;
use yinjian::{Clock, Verifier};

use crate::errors::{throw, to_js};
use crate::options::*;
use crate::trust::JsTrustStore;
use crate::types::*;

/// Verifies one file of a batch as `yinjian batch` does (its kind told by its first bytes:
/// OFD, PDF, seal, CMS with attached content, licence QR text; anything else INDETERMINATE
/// `Unsupported`; an OFD that is an e-invoice gets kind `invoice`, the invoice report and its
/// fields) and returns its line `{ path, kind, status, reason, invoice, report }`, the JSON
/// `yinjian batch`, the Python package and the Spark job write. Takes the document options
/// (time, policy, revocation data, intermediates, signer certificates; not `onProgress`).
#[wasm_bindgen(js_name = batchRecord, unchecked_return_type = "BatchRecord")]
pub fn batch_record(
    path: String,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] file: JsValue,
    trust: &JsTrustStore,
    options: Option<JsDocumentVerifyOptions>,
) -> Result<JsValue, JsValue> {
    let file = bytes_arg(&file, "file").map_err(throw)?;
    let o = document_options(&optional(options), &[]).map_err(throw)?;
    let verifier = Verifier::new(trust.inner.clone(), Clock::Fixed(o.chain.at))
        .intermediates(o.intermediates)
        .signer_certificates(o.signer_certificates)
        .crls(o.chain.crls)
        .ocsp(o.chain.ocsp)
        .policy(o.policy)
        .revocation(o.chain.revocation);
    to_js(&BatchRecord::verify(&verifier, path, &file))
}
