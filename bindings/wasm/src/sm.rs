//! SM3 digests (one-shot and streaming) and SM2 signature verification.

use wasm_bindgen::prelude::*;
use yinjian::report::Report;
use yinjian::sm::sm2::{PublicKey, Sm2Verifier};
use yinjian::sm::sm3::{sm3 as sm3_digest, Sm3Hasher};

use crate::errors::{throw, ErrorCode, Failure};
use crate::options::*;
use crate::types::*;

/// Verifies an SM2 signature and returns the report as JSON text.
pub fn verify_json(key: &[u8], distid: &[u8], message: &[u8], signature: &[u8]) -> Result<String, Failure> {
    let key = PublicKey::parse(key)?;
    // The thread's verifier cache: a page that checks many signatures by one key (an identity
    // provider's tokens) prepares the key once.
    let report: Report = Sm2Verifier::cached_from_key(&key, distid)?.report(message, signature);
    serde_json::to_string(&report).map_err(|e| Failure::new(ErrorCode::Io, format!("report to JSON: {e}")))
}

/// The SM3 digest of `data` (32 bytes).
#[wasm_bindgen(js_name = sm3)]
pub fn sm3_js(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] data: JsValue,
) -> Result<Vec<u8>, JsValue> {
    Ok(sm3_digest(&bytes_arg(&data, "data").map_err(throw)?).to_vec())
}

/// The SM3 digest of `data` as lower-case hex.
#[wasm_bindgen(js_name = sm3Hex)]
pub fn sm3_hex(
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] data: JsValue,
) -> Result<String, JsValue> {
    Ok(sm3_hex_of(&bytes_arg(&data, "data").map_err(throw)?))
}

/// The SM3 digest of `data` as lower-case hex.
pub fn sm3_hex_of(data: &[u8]) -> String {
    hex_lower(&sm3_digest(data))
}

pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)] as char, DIGITS[usize::from(b & 15)] as char])
        .collect()
}

/// Streaming SM3 for large inputs: `update` with each chunk, then `digest` or `hexDigest`.
/// Reading the digest does not end the stream; later updates continue from where it was.
#[wasm_bindgen(js_name = Sm3)]
#[derive(Clone, Default)]
pub struct Sm3Stream {
    hasher: Sm3Hasher,
}

impl Sm3Stream {
    /// Absorbs one chunk (the Rust side of `update`).
    pub fn absorb(&mut self, chunk: &[u8]) {
        self.hasher.update(chunk);
    }
}

#[wasm_bindgen(js_class = Sm3)]
impl Sm3Stream {
    /// A fresh hasher.
    #[wasm_bindgen(constructor)]
    pub fn new() -> Sm3Stream {
        Sm3Stream::default()
    }

    /// Absorbs one chunk.
    pub fn update(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] chunk: JsValue,
    ) -> Result<(), JsValue> {
        self.absorb(&bytes_arg(&chunk, "chunk").map_err(throw)?);
        Ok(())
    }

    /// The digest of everything absorbed so far (32 bytes).
    pub fn digest(&self) -> Vec<u8> {
        self.hasher.clone().finalize().to_vec()
    }

    /// The digest of everything absorbed so far, as lower-case hex.
    #[wasm_bindgen(js_name = hexDigest)]
    pub fn hex_digest(&self) -> String {
        hex_lower(&self.hasher.clone().finalize())
    }
}

/// Verifies an SM2 signature (DER or 64-byte r‖s) over `message` and returns the report.
///
/// `publicKey` is PEM text, hex text, or the bytes of SPKI DER, a SEC1 point or raw x‖y.
/// A bad signature gives a FAILED report; a key that cannot be decoded throws.
#[wasm_bindgen(js_name = sm2Verify, unchecked_return_type = "Report")]
pub fn sm2_verify(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")]
    public_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] message: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] signature: JsValue,
    options: Option<Sm2VerifyOptions>,
) -> Result<JsValue, JsValue> {
    let key = key_bytes(&public_key, "publicKey").map_err(throw)?;
    let message = bytes_arg(&message, "message").map_err(throw)?;
    let signature = bytes_arg(&signature, "signature").map_err(throw)?;
    let options = options_object(options.as_ref().map(AsRef::as_ref), &["distid"]).map_err(throw)?;
    let distid = distid_option(options.as_ref()).map_err(throw)?;
    let json = verify_json(&key, &distid, &message, &signature).map_err(throw)?;
    js_sys::JSON::parse(&json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yinjian::sm::sm2::DEFAULT_DISTID;
    use yinjian::sm::sm3::sm3 as sm3_digest;

    const ABC_SM3: &str = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0";

    #[test]
    fn sm3_of_abc() {
        assert_eq!(sm3_hex_of(b"abc"), ABC_SM3);
        let mut stream = Sm3Stream::new();
        stream.absorb(b"a");
        stream.absorb(b"bc");
        assert_eq!(stream.hex_digest(), ABC_SM3);
        assert_eq!(stream.digest(), sm3_digest(b"abc").to_vec());
    }

    #[test]
    fn errors_carry_codes() {
        let err = verify_json(b"not a key", DEFAULT_DISTID, b"", b"").unwrap_err();
        assert_eq!(err.code, ErrorCode::MalformedKey);
    }
}
