//! Identity tokens (JWS / JWT / OIDC) and JWKs.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yinjian::sm::sm2::PublicKey;
use yinjian::x509::Usage;

use crate::errors::{throw, to_js, ErrorCode, Failure};
use crate::options::*;
use crate::trust::JsTrustStore;

/// Verifies a compact JWS / JWT / OIDC ID token against a JWKS (JSON text or object) and the
/// options; returns the report (kind `token`).
#[wasm_bindgen(js_name = verifyToken, unchecked_return_type = "Report")]
pub fn verify_token(
    token: &str,
    #[wasm_bindgen(unchecked_param_type = "string | object")] jwks: JsValue,
    #[wasm_bindgen(unchecked_param_type = "TokenVerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    token_report(token, jwks, options, None)
}

/// As `verifyToken`, also accepting tokens that carry an `x5c` chain to an anchor of `trust`
/// (validated for token signing, so a cross-certified issuer verifies with the home root).
/// With `jwks` null, the keys are the ones added to `trust` with `addJwks`.
#[wasm_bindgen(js_name = verifyTokenWithTrust, unchecked_return_type = "Report")]
pub fn verify_token_with_trust(
    token: &str,
    #[wasm_bindgen(unchecked_param_type = "string | object | null")] jwks: JsValue,
    trust: &JsTrustStore,
    #[wasm_bindgen(unchecked_param_type = "TokenVerifyOptions")] options: JsValue,
) -> Result<JsValue, JsValue> {
    token_report(token, jwks, options, Some(trust))
}

/// A token report with the keys of `jwks`, or of `trust` when `jwks` is null or undefined.
pub(crate) fn token_report(
    token: &str,
    jwks: JsValue,
    options: JsValue,
    trust: Option<&JsTrustStore>,
) -> Result<JsValue, JsValue> {
    use yinjian::token::{KeySet, TokenOptions};
    let known = [
        "at",
        "algorithms",
        "issuers",
        "anyIssuer",
        "audience",
        "anyAudience",
        "requireSub",
        "typ",
        "leeway",
        "maxAge",
        "nonce",
        "azp",
        "maxAuthAge",
        "accessToken",
        "code",
        "hmacSecrets",
    ];
    let options = options_object(Some(&options), &known).map_err(throw)?;
    let mut keys = match trust {
        Some(store) if jwks.is_undefined() || jwks.is_null() => store.keys.clone(),
        _ => {
            let mut keys = KeySet::new();
            keys.add_jwks(json_text(&jwks, "jwks").map_err(throw)?.as_bytes())
                .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
            keys
        }
    };
    let secrets = option_value(options.as_ref(), "hmacSecrets");
    if let Some(object) = secrets.dyn_ref::<Object>() {
        for kid in Object::keys(object).iter() {
            let value = Reflect::get(object, &kid).unwrap_or(JsValue::UNDEFINED);
            let secret = key_bytes(&value, "hmacSecrets value").map_err(throw)?;
            keys.add_hmac_secret(kid.as_string(), &secret)
                .map_err(|e| throw(Failure::new(ErrorCode::MalformedKey, e.to_string())))?;
        }
    }
    let at = chain_options(options.as_ref(), Usage::TokenSigning)
        .map_err(throw)?
        .0
        .at;
    let algorithms = string_list_option(options.as_ref(), "algorithms").map_err(throw)?;
    if algorithms.is_empty() {
        return Err(throw(Failure::new(
            ErrorCode::InvalidOption,
            "options.algorithms (the allow-list) is required",
        )));
    }
    let given = |name: &str| {
        let value = option_value(options.as_ref(), name);
        (!value.is_undefined() && !value.is_null()).then_some(value)
    };
    let issuers = match given("issuers") {
        Some(_) => Some(string_list_option(options.as_ref(), "issuers").map_err(throw)?),
        None => None,
    };
    let audience = match given("audience") {
        Some(one) if one.as_string().is_some() => one.as_string().map(|a| vec![a]),
        Some(_) => Some(string_list_option(options.as_ref(), "audience").map_err(throw)?),
        None => None,
    };
    let any = |name: &str| option_value(options.as_ref(), name).as_bool() == Some(true);
    let (issuers, audience) =
        claim_decisions(issuers, any("anyIssuer"), audience, any("anyAudience")).map_err(throw)?;
    let mut opts = TokenOptions::new(
        at,
        &algorithms.iter().map(String::as_str).collect::<Vec<_>>(),
        issuers,
        audience,
    )
    .map_err(|e| throw(Failure::new(ErrorCode::InvalidArgument, e.to_string())))?;
    opts.typ = string_list_option(options.as_ref(), "typ").map_err(throw)?;
    let text_opt = |name: &str| string_option(options.as_ref(), name).map_err(throw);
    opts.nonce = text_opt("nonce")?;
    opts.azp = text_opt("azp")?;
    opts.access_token = text_opt("accessToken")?;
    opts.code = text_opt("code")?;
    opts.require_sub = option_value(options.as_ref(), "requireSub").as_bool() == Some(true);
    if let Some(leeway) = number_option(options.as_ref(), "leeway") {
        opts.leeway = leeway;
    }
    opts.max_age = number_option(options.as_ref(), "maxAge");
    opts.max_auth_age = number_option(options.as_ref(), "maxAuthAge");
    let report = yinjian::token::verify_token(token, &keys, trust.map(|t| &t.inner), &opts);
    to_js(&report)
}

/// The issuer and audience decisions of token options: `issuers` or `anyIssuer: true` (one
/// is required); `audience` or `anyAudience: true`, or neither (no audience expected: a
/// token carrying `aud` is refused).
pub(crate) fn claim_decisions(
    issuers: Option<Vec<String>>,
    any_issuer: bool,
    audience: Option<Vec<String>>,
    any_audience: bool,
) -> Result<(yinjian::token::Issuers, yinjian::token::Audience), Failure> {
    use yinjian::token::{Audience, Issuers};
    let issuers = match (issuers, any_issuer) {
        (Some(list), false) => Issuers::OneOf(list),
        (None, true) => Issuers::Any,
        (Some(_), true) => {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                "options.issuers and options.anyIssuer exclude each other",
            ))
        }
        (None, false) => {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                "options.issuers (the accepted issuers) or options.anyIssuer: true is required",
            ))
        }
    };
    let audience = match (audience, any_audience) {
        (Some(list), false) => Audience::OneOf(list),
        (None, true) => Audience::Any,
        (None, false) => Audience::Absent,
        (Some(_), true) => {
            return Err(Failure::new(
                ErrorCode::InvalidOption,
                "options.audience and options.anyAudience exclude each other",
            ))
        }
    };
    Ok((issuers, audience))
}

/// The public JWK of a key given as PEM/DER SubjectPublicKeyInfo, a certificate, or an SM2
/// public key in any form, with an optional `kid`.
#[wasm_bindgen(js_name = publicJwk, unchecked_return_type = "Record<string, unknown>")]
pub fn public_jwk(
    #[wasm_bindgen(js_name = publicKey, unchecked_param_type = "string | ArrayBuffer | ArrayBufferView")]
    public_key: JsValue,
    kid: Option<String>,
) -> Result<JsValue, JsValue> {
    let bytes = key_bytes(&public_key, "publicKey").map_err(throw)?;
    let mut keys = yinjian::token::KeySet::new();
    if keys.add_public_key(&bytes, kid.clone()).is_err() {
        let sm2 = PublicKey::parse(&bytes).map_err(throw)?;
        return js_sys::JSON::parse(&yinjian::token::jwk::sm2_jwk(&sm2, kid.as_deref()).to_string());
    }
    js_sys::JSON::parse(&keys.to_jwks()["keys"][0].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::ErrorCode;

    #[test]
    fn token_issuer_and_audience_are_explicit() {
        use yinjian::token::{Audience, Issuers};
        let list = |s: &str| Some(vec![s.to_owned()]);
        let decided = claim_decisions(list("i"), false, None, false).unwrap();
        assert_eq!(decided, (Issuers::is("i"), Audience::Absent));
        let decided = claim_decisions(None, true, list("a"), false).unwrap();
        assert_eq!(decided, (Issuers::Any, Audience::is("a")));
        assert_eq!(claim_decisions(None, true, None, true).unwrap().1, Audience::Any);
        for (issuers, any_iss, audience, any_aud) in [
            (None, false, None, false),
            (list("i"), true, None, false),
            (list("i"), false, list("a"), true),
        ] {
            let err = claim_decisions(issuers, any_iss, audience, any_aud).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidOption, "{}", err.message);
        }
    }
}
