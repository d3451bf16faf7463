//! Signing from JavaScript (feature `sign`, on by default): SM2 signatures, tokens, licence
//! QR codes and a PDF's validation data (making it LTV). The verify-only build (`scripts/build-wasm --verify-only`) leaves this
//! module out.

use wasm_bindgen::prelude::*;
use yinjian::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer};
use yinjian::x509;

use crate::errors::{throw, ErrorCode, Failure};
use crate::options::{
    bytes_arg, distid_option, key_bytes, now_js, option_value, options_object, string_option, time_option,
};
use crate::types::Sm2SignOptions;

/// Signs `message` with an SM2 private key in any form `PrivateKey::parse` takes.
pub fn sign(key: &[u8], distid: &[u8], message: &[u8], encoding: SignatureEncoding) -> Result<Vec<u8>, Failure> {
    let key = PrivateKey::parse(key)?;
    Ok(Sm2Signer::new(&key, distid)?.sign(message, encoding)?)
}

/// The PEM public key of a private key.
pub fn public_key_pem(key: &[u8]) -> Result<String, Failure> {
    Ok(PrivateKey::parse(key)?.public_key().to_pem())
}

/// Reads a signature encoding name as the options spell it.
pub fn parse_encoding(name: &str) -> Result<SignatureEncoding, Failure> {
    match name {
        "der" => Ok(SignatureEncoding::Der),
        "raw" => Ok(SignatureEncoding::Raw),
        other => Err(Failure::new(
            ErrorCode::InvalidOption,
            format!("encoding must be \"der\" or \"raw\", not {other:?}"),
        )),
    }
}

/// Signs `message` with an SM2 private key (PEM, hex, PKCS#8 or SEC1 DER, or a raw
/// 32-byte scalar). Nonces are deterministic, so the same input gives the same signature.
#[wasm_bindgen(js_name = sm2Sign)]
pub fn sm2_sign(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")] private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ArrayBuffer | ArrayBufferView")] message: JsValue,
    options: Option<Sm2SignOptions>,
) -> Result<Vec<u8>, JsValue> {
    let key = key_bytes(&private_key, "privateKey").map_err(throw)?;
    let message = bytes_arg(&message, "message").map_err(throw)?;
    let options = options_object(options.as_ref().map(AsRef::as_ref), &["distid", "encoding"]).map_err(throw)?;
    let distid = distid_option(options.as_ref()).map_err(throw)?;
    let encoding = match string_option(options.as_ref(), "encoding").map_err(throw)? {
        Some(name) => parse_encoding(&name).map_err(throw)?,
        None => SignatureEncoding::Der,
    };
    sign(&key, &distid, &message, encoding).map_err(throw)
}

/// The public key (PEM `PUBLIC KEY`) of an SM2 private key.
#[wasm_bindgen(js_name = sm2PublicKey)]
pub fn sm2_public_key(
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")] private_key: JsValue,
) -> Result<String, JsValue> {
    let key = key_bytes(&private_key, "privateKey").map_err(throw)?;
    public_key_pem(&key).map_err(throw)
}

/// Signs `claims` (an object) into a compact token. SM2 keys in any form sign `SM2SM3`;
/// PKCS#8 keys sign the algorithm named in `options.alg`.
#[wasm_bindgen(js_name = signToken)]
pub fn sign_token(
    #[wasm_bindgen(unchecked_param_type = "Record<string, unknown>")] claims: JsValue,
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")] private_key: JsValue,
    options: Option<crate::types::JsTokenSignOptions>,
) -> Result<String, JsValue> {
    let options = crate::options::optional(options);
    use yinjian::token::{JwsAlgorithm, SigningKey};
    let options = options_object(Some(&options), &["alg", "kid", "header"]).map_err(throw)?;
    let alg_name = string_option(options.as_ref(), "alg")
        .map_err(throw)?
        .unwrap_or_else(|| "SM2SM3".into());
    let alg = JwsAlgorithm::from_name(&alg_name).ok_or_else(|| {
        throw(Failure::new(
            ErrorCode::InvalidOption,
            format!("unknown alg {alg_name:?}"),
        ))
    })?;
    let key = key_bytes(&private_key, "privateKey").map_err(throw)?;
    let der = || match yinjian::codec::decode_text_or_binary(&key) {
        Ok(
            yinjian::codec::Decoded::Pem { der, .. }
            | yinjian::codec::Decoded::Hex(der)
            | yinjian::codec::Decoded::Binary(der),
        ) => Ok(der),
        Ok(other) => Err(throw(Failure::new(
            ErrorCode::MalformedKey,
            format!("unexpected key form {other:?}"),
        ))),
        Err(e) => Err(throw(Failure::new(ErrorCode::MalformedKey, e.to_string()))),
    };
    let signing = match alg {
        JwsAlgorithm::Sm2Sm3 => SigningKey::Sm2(PrivateKey::parse(&key).map_err(throw)?),
        JwsAlgorithm::Es256 | JwsAlgorithm::Es384 => SigningKey::Ecdsa(alg, der()?),
        JwsAlgorithm::EdDsa => SigningKey::Ed25519(der()?),
        JwsAlgorithm::Hs256 | JwsAlgorithm::Hs384 | JwsAlgorithm::Hs512 => SigningKey::Hmac(alg, key.clone()),
        _ => SigningKey::Rsa(alg, der()?),
    };
    let to_json = |v: &JsValue| -> Result<serde_json::Value, JsValue> {
        let text = js_sys::JSON::stringify(v)
            .map(String::from)
            .map_err(|_| throw(Failure::new(ErrorCode::InvalidArgument, "not JSON")))?;
        serde_json::from_str(&text).map_err(|e| throw(Failure::new(ErrorCode::InvalidArgument, e.to_string())))
    };
    let claims = to_json(&claims)?;
    let header_value = option_value(options.as_ref(), "header");
    let mut header = if header_value.is_undefined() {
        serde_json::json!({})
    } else {
        to_json(&header_value)?
    };
    header["typ"] = serde_json::Value::String("JWT".into());
    if let Some(kid) = string_option(options.as_ref(), "kid").map_err(throw)? {
        header["kid"] = serde_json::Value::String(kid);
    }
    yinjian::token::sign_token(&claims, &header, &signing)
        .map_err(|e| throw(Failure::new(ErrorCode::SigningFailed, e.to_string())))
}

/// Signs licence data (an object with the licence fields, or JSON / metadata XML text) into
/// a licence QR code. `privateKey`: SM2 in any form, or P-256 PKCS#8 (ES256). Options:
/// `certificate` (the issuer's signing certificate, PEM or DER: the kid comes from it),
/// `iat` and `exp` (RFC 3339; `exp` required), `issuer`, `compress` (default true),
/// `format`: `"text"` (default) or `"svg"` (builds with rendering).
#[wasm_bindgen(js_name = makeLicenceQr)]
pub fn make_licence_qr(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string> | string")] data: JsValue,
    #[wasm_bindgen(js_name = privateKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")] private_key: JsValue,
    #[wasm_bindgen(unchecked_param_type = "LicenceQrMakeOptions")] options: JsValue,
) -> Result<String, JsValue> {
    use yinjian::licence::qr::{make_payload, MakeOptions, QrSigner};
    use yinjian::licence::LicenceData;
    let options = options_object(
        Some(&options),
        &["certificate", "iat", "exp", "issuer", "compress", "format"],
    )
    .map_err(throw)?;
    let text = match data.as_string() {
        Some(text) => text,
        None => js_sys::JSON::stringify(&data).map(String::from).map_err(|_| {
            throw(Failure::new(
                ErrorCode::InvalidArgument,
                "data must be an object or text",
            ))
        })?,
    };
    let licence = LicenceData::parse(text.as_bytes())
        .map_err(|e| throw(Failure::new(ErrorCode::InvalidArgument, e.to_string())))?;
    let cert_value = option_value(options.as_ref(), "certificate");
    let cert = if cert_value.is_undefined() {
        None
    } else {
        let bytes = key_bytes(&cert_value, "certificate").map_err(throw)?;
        Some(x509::parse_all(&bytes).map_err(throw)?.remove(0))
    };
    let key = key_bytes(&private_key, "privateKey").map_err(throw)?;
    let signer = QrSigner::from_key(&key, cert.as_ref())
        .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
    let iat = match time_option(options.as_ref(), "iat").map_err(throw)? {
        Some(t) => t,
        None => now_js().map_err(throw)?,
    };
    let exp = time_option(options.as_ref(), "exp")
        .map_err(throw)?
        .ok_or_else(|| throw(Failure::new(ErrorCode::InvalidOption, "option \"exp\" is required")))?;
    let mut opts = MakeOptions::new(iat, exp);
    opts.issuer = string_option(options.as_ref(), "issuer").map_err(throw)?;
    if option_value(options.as_ref(), "compress").as_bool() == Some(false) {
        opts.compress = false;
    }
    let code = make_payload(&licence, &signer, &opts)
        .map_err(|e| throw(Failure::new(ErrorCode::SigningFailed, e.to_string())))?;
    match string_option(options.as_ref(), "format").map_err(throw)?.as_deref() {
        None | Some("text") => Ok(code),
        Some("svg") => render_svg(&code),
        Some(other) => Err(throw(Failure::new(
            ErrorCode::InvalidOption,
            format!("format must be \"text\" or \"svg\", not {other:?}"),
        ))),
    }
}

#[cfg(feature = "qr-make")]
fn render_svg(code: &str) -> Result<String, JsValue> {
    yinjian::licence::qr::render::to_svg(code, 4)
        .map_err(|e| throw(Failure::new(ErrorCode::SigningFailed, e.to_string())))
}

#[cfg(not(feature = "qr-make"))]
fn render_svg(_code: &str) -> Result<String, JsValue> {
    Err(throw(Failure::new(
        ErrorCode::Unsupported,
        "this build makes QR text only: SVG needs the qr-make feature",
    )))
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
    data: Option<crate::types::JsPdfValidationData>,
) -> Result<Vec<u8>, JsValue> {
    let pdf = crate::options::bytes_arg(&pdf, "pdf").map_err(throw)?;
    let data = crate::options::optional(data);
    let o = crate::options::options_object(Some(&data), &["certs", "crls", "ocsps", "at"]).map_err(throw)?;
    let mut supplied = yinjian::pdf::ValidationData::default();
    for der in crate::options::byte_list(&crate::options::option_value(o.as_ref(), "certs"), "certs").map_err(throw)? {
        supplied.certs.extend(yinjian::x509::parse_all(&der).map_err(throw)?);
    }
    for crl in crate::options::byte_list(&crate::options::option_value(o.as_ref(), "crls"), "crls").map_err(throw)? {
        supplied
            .crls
            .extend(yinjian::x509::Crl::parse_all(&crl).map_err(throw)?);
    }
    for der in crate::options::byte_list(&crate::options::option_value(o.as_ref(), "ocsps"), "ocsps").map_err(throw)? {
        yinjian::x509::OcspResponseInfo::from_der(&der).map_err(throw)?;
        supplied.ocsps.push(der);
    }
    let at = crate::options::time_option(o.as_ref(), "at").map_err(throw)?;
    yinjian::pdf::add_validation_data(&pdf, &supplied, at)
        .map(|(out, _)| out)
        .map_err(throw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify_json;
    use yinjian::sm::sm2::DEFAULT_DISTID;

    #[test]
    fn sign_then_verify() {
        let private = [7u8; 32];
        let pem = public_key_pem(&private).unwrap();
        for encoding in [SignatureEncoding::Der, SignatureEncoding::Raw] {
            let sig = sign(&private, DEFAULT_DISTID, b"hello", encoding).unwrap();
            let report: serde_json::Value =
                serde_json::from_str(&verify_json(pem.as_bytes(), DEFAULT_DISTID, b"hello", &sig).unwrap()).unwrap();
            assert_eq!(report["status"], "PASSED");
            let bad: serde_json::Value =
                serde_json::from_str(&verify_json(pem.as_bytes(), DEFAULT_DISTID, b"hellO", &sig).unwrap()).unwrap();
            assert_eq!(bad["status"], "FAILED");
            assert_eq!(bad["reason"], "BadSignature");
        }
        assert_eq!(parse_encoding("pem").unwrap_err().code, ErrorCode::InvalidOption);
    }
}
