//! Signed documents: OFD, PDF, e-licence files.

use wasm_bindgen::prelude::*;
use yinjian::verifier::{Clock, DocumentKind, Verifier};
use yinjian::x509::TrustStore;

use crate::errors::{throw, to_js, ErrorCode, Failure};
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
    document_report(&document, &trust.inner, &options, Some(DocumentKind::Ofd))
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
    document_report(&document, &trust.inner, &options, Some(DocumentKind::Pdf))
}

/// Verifies a document of any kind the library knows, told by its first bytes as `yinjian
/// verify` tells them (OFD, PDF, electronic seal, CMS signature with attached content,
/// licence QR text), or of the kind named by the option `kind` (`invoice` is never detected:
/// an e-invoice is an OFD). Returns that kind's report; input of no known kind gives an
/// INDETERMINATE report of kind `unknown` (reason `Unsupported`), not an error. Licence QR
/// text is checked against no issuer here: use `verifyLicenceQr` with the issuers.
#[wasm_bindgen(js_name = verifyDocument, unchecked_return_type = "Report")]
pub fn verify_document(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] document: JsValue,
    trust: &JsTrustStore,
    options: Option<JsVerifyDocumentOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    document_report(&document, &trust.inner, &options, None)
}

/// The kind named by `verifyDocument`'s option `kind`.
fn kind_option(o: &DocumentOptions) -> Result<Option<DocumentKind>, Failure> {
    const KINDS: [DocumentKind; 6] = [
        DocumentKind::Ofd,
        DocumentKind::Pdf,
        DocumentKind::Seal,
        DocumentKind::Cms,
        DocumentKind::Invoice,
        DocumentKind::LicenceQr,
    ];
    let Some(name) = string_option(o.object.as_ref(), "kind")? else {
        return Ok(None);
    };
    KINDS.into_iter().find(|k| k.name() == name).map(Some).ok_or_else(|| {
        let known: Vec<&str> = KINDS.iter().map(|k| k.name()).collect();
        Failure::new(
            ErrorCode::InvalidOption,
            format!("unknown kind {name:?} (known: {})", known.join(", ")),
        )
    })
}

/// A document verified through the library's `Verifier`, built from the trust store and the
/// options object (`DocumentVerifyOptions`, and `kind` where `kind` is `None`): as `kind`, or
/// as the kind its first bytes tell.
pub(crate) fn document_report(
    document: &JsValue,
    trust: &TrustStore,
    options: &JsValue,
    kind: Option<DocumentKind>,
) -> Result<JsValue, JsValue> {
    let document = bytes_arg(document, "document").map_err(throw)?;
    let more: &[&str] = if kind.is_none() { &["kind"] } else { &[] };
    let mut o = document_options(options, more).map_err(throw)?;
    let kind = match kind {
        Some(kind) => Some(kind),
        None => kind_option(&o).map_err(throw)?,
    };
    let at = o.chain.at;
    let verifier = Verifier::new(trust.clone(), Clock::Fixed(at))
        .policy(o.policy.clone())
        .revocation(o.chain.revocation)
        .intermediates(std::mem::take(&mut o.intermediates))
        .signer_certificates(std::mem::take(&mut o.signer_certificates))
        .crls(std::mem::take(&mut o.chain.crls))
        .ocsp(std::mem::take(&mut o.chain.ocsp));
    let report = match (kind.or_else(|| DocumentKind::detect(&document)), &o.on_progress) {
        // The verifier's own document options, with the progress callback added.
        (Some(kind @ (DocumentKind::Ofd | DocumentKind::Pdf | DocumentKind::Invoice)), Some(callback)) => {
            let tell = progress_reporter(callback);
            let mut opts = verifier.document_options(at);
            opts.progress = Some(yinjian::seal::ProgressFn(&tell));
            let report = match kind {
                DocumentKind::Ofd => yinjian::ofd::verify_ofd_bytes(&document, &opts),
                DocumentKind::Pdf => yinjian::pdf::verify_pdf(&document, &opts),
                _ => yinjian::invoice::verify_invoice(&document, &opts),
            };
            judged(verifier.validation_policy(), report)
        }
        (Some(kind), _) => verifier.verify_kind(kind, &document, at),
        (None, _) => verifier.verify_at(&document, at),
    };
    to_js(&report)
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
