//! Trust stores and X.509 chain verification.

use wasm_bindgen::prelude::*;
use yinjian::x509::{self, ChainOptions, TrustStore, Usage};

use crate::errors::{throw, ErrorCode, Failure};
use crate::options::*;
use crate::types::*;

/// Verifies a certificate chain and returns the report as JSON text.
pub fn chain_json(
    leaf: &[u8],
    intermediates: &[Vec<u8>],
    trust: &TrustStore,
    opts: &ChainOptions,
    policy: &yinjian::policy::ValidationPolicy,
) -> Result<String, Failure> {
    let leaf = x509::parse_all(leaf)?.remove(0);
    let mut pool = Vec::new();
    for der_or_pem in intermediates {
        pool.extend(x509::parse_all(der_or_pem)?);
    }
    let mut report = x509::chain_report(&leaf, &pool, trust, opts);
    policy.apply(&mut report);
    serde_json::to_string(&report).map_err(|e| Failure::new(ErrorCode::Io, format!("report to JSON: {e}")))
}

/// Trust anchors (from PEM) and token keys (from JWKS), built once and reused across
/// verifications.
#[wasm_bindgen(js_name = TrustStore)]
#[derive(Default)]
pub struct JsTrustStore {
    pub(crate) inner: TrustStore,
    pub(crate) keys: yinjian::token::KeySet,
}

#[wasm_bindgen(js_class = TrustStore)]
impl JsTrustStore {
    /// An empty store.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsTrustStore {
        JsTrustStore::default()
    }

    /// Adds every certificate of a PEM bundle (or DER bytes) as an anchor, optionally only for
    /// the given usages; returns how many were added.
    #[wasm_bindgen(js_name = addPem)]
    pub fn add_pem(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] pem: JsValue,
        usages: Option<JsUsageList>,
    ) -> Result<u32, JsValue> {
        let bytes = key_bytes(&pem, "pem").map_err(throw)?;
        let usages = match usages {
            None => None,
            Some(list) => Some(
                string_list(&list.into(), "usages", ErrorCode::InvalidArgument)
                    .map_err(throw)?
                    .iter()
                    .map(|n| parse_usage(n))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(throw)?,
            ),
        };
        let n = self.inner.add_restricted(&bytes, usages).map_err(throw)?;
        Ok(n as u32)
    }

    /// Adds the keys of a JWKS (JSON text or object) for `verifyTokenWithTrust`; returns how
    /// many were added.
    #[wasm_bindgen(js_name = addJwks)]
    pub fn add_jwks(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "string | object")] jwks: JsValue,
    ) -> Result<u32, JsValue> {
        let n = self
            .keys
            .add_jwks(json_text(&jwks, "jwks").map_err(throw)?.as_bytes())
            .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
        Ok(n as u32)
    }

    /// Refuses the certificate with this SHA-256 fingerprint (hex) wherever it appears.
    pub fn distrust(&mut self, sha256_hex: &str) -> Result<(), JsValue> {
        self.inner.distrust_hex(sha256_hex).map_err(throw)
    }

    /// How many anchors the store holds.
    #[wasm_bindgen(getter)]
    pub fn size(&self) -> u32 {
        self.inner.anchors().len() as u32
    }
}

/// Verifies a certificate chain: `leaf` (PEM or DER), `intermediates` (any order, PEM or
/// DER), against a `TrustStore` built once from PEM. Returns the report (kind `x509-chain`).
#[wasm_bindgen(js_name = verifyCertificateChain, unchecked_return_type = "Report")]
pub fn verify_certificate_chain(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array")] leaf: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Array<string | Uint8Array>")] intermediates: JsValue,
    anchors: &JsTrustStore,
    options: Option<JsChainOptions>,
) -> Result<JsValue, JsValue> {
    let options = optional(options);
    let leaf = key_bytes(&leaf, "leaf").map_err(throw)?;
    let pool = byte_list(&intermediates, "intermediates").map_err(throw)?;
    let options = options_object(
        Some(&options),
        &[
            "at",
            "usage",
            "policy",
            "revocationRequired",
            "crls",
            "ocsp",
            "allowSha1",
            "policies",
            "explicitPolicy",
            "inhibitPolicyMapping",
            "inhibitAnyPolicy",
            "strictProfile",
        ],
    )
    .map_err(throw)?;
    let usage = match string_option(options.as_ref(), "usage").map_err(throw)? {
        Some(name) => parse_usage(&name).map_err(throw)?,
        None => Usage::DocumentSigning,
    };
    let (opts, policy) = chain_options(options.as_ref(), usage).map_err(throw)?;
    let json = chain_json(&leaf, &pool, &anchors.inner, &opts, &policy).map_err(throw)?;
    js_sys::JSON::parse(&json)
}
