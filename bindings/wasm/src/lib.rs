//! WebAssembly binding of `yinjian` for browsers and node.
//!
//! Built with `scripts/build-wasm` into two `wasm-bindgen` outputs: `pkg-web` (an ES module
//! for browsers and bundlers) and `pkg-node` (for node). The JavaScript names are camelCase:
//!
//! - `sm3(data)`, `sm3Hex(data)` and the streaming class `Sm3`;
//! - `sm2Verify(publicKey, message, signature, options?)`, which returns the library's
//!   verification report as a plain object, exactly as the Rust library writes it in JSON;
//! - `sm2Sign(privateKey, message, options?)` and `sm2PublicKey(privateKey)`;
//! - `verifyDocument(bytes, trust, options?)`: any document (OFD, PDF, seal, CMS, licence QR
//!   text; its kind told by the first bytes, or named), through the library's `Verifier`;
//! - `runVector(line)`, the shared test-vector runner (npm subpath `yinjian/test-vectors`);
//! - `verifyLicenceQr(textOrImageData, trust, options?)`, `makeLicenceQr(data, privateKey,
//!   options)` and `licenceQrFeatures()` for signed licence QR codes (reading `ImageData`
//!   needs the `qr-image` feature, SVG output the `qr-make` feature);
//! - `version()`.
//!
//! Errors are thrown as JavaScript `Error` objects with a stable string `code` property
//! (see [`ErrorCode`]) next to the human-readable message.
//!
//! One module per domain (`sm`, `trust`, `seal`, `documents`, `cms`, `invoice`, `token`,
//! `licence`; `sign` and `vectors` behind their features); JavaScript arguments and options
//! are read in `options`, errors made in `errors`, and the TypeScript declarations live in
//! `types`. Everything public is re-exported here.
#![deny(missing_docs)]

#[cfg(feature = "sign")]
mod sign;
#[cfg(feature = "vectors")]
mod vectors;

mod batch;
mod cms;
mod documents;
mod errors;
mod invoice;
mod licence;
mod options;
mod seal;
mod sm;
mod token;
mod trust;
mod types;

pub use batch::*;
pub use cms::*;
pub use documents::*;
pub use errors::*;
pub use invoice::*;
pub use licence::*;
pub use seal::*;
pub use sm::*;
pub use token::*;
pub use trust::*;
pub use types::*;

use wasm_bindgen::prelude::*;

/// Which optional parts this build has: `sign` (sm2Sign, sm2PublicKey, signToken,
/// makeLicenceQr), `vectors` (runVector, vectorReport), `qrImage` (reading QR codes from
/// ImageData), `qrMake` (SVG output). The verify-only build has none of them.
#[wasm_bindgen(js_name = buildFeatures, unchecked_return_type = "BuildFeatures")]
pub fn build_features() -> Result<JsValue, JsValue> {
    to_js(&serde_json::json!({
        "sign": cfg!(feature = "sign"),
        "vectors": cfg!(feature = "vectors"),
        "qrImage": cfg!(feature = "qr-image"),
        "qrMake": cfg!(feature = "qr-make"),
    }))
}

/// The version of this package (and of the yinjian library it was built from).
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
