//! Token parsing and verification on hostile input: the bytes as a compact token (lossy
//! UTF-8) against a key set with an SM2 key, a P-256 key and an HMAC secret and every
//! algorithm allowed; as a JWKS; as strict JSON; and, when they are a JSON object, as the
//! claims of a token signed with the HMAC secret, so the claim checks see them too.
//! Nothing may panic.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yinjian::token::{self, json, Audience, Issuers, JwsAlgorithm, KeySet, SigningKey, TokenOptions};
use yinjian::Time;

#[path = "common.rs"]
mod common;

const SECRET: &[u8] = b"fuzz-hmac-secret-of-32-bytes-xx!";

fn setup() -> &'static (KeySet, TokenOptions) {
    static SETUP: OnceLock<(KeySet, TokenOptions)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut keys = KeySet::new();
        keys.add_jwk(&token::jwk::sm2_jwk(&common::fixed().public, Some("sm2")))
            .expect("SM2 JWK");
        // A fixed P-256 point (the generator), enough for parsing and a failing verification.
        keys.add_jwk(&serde_json::json!({
            "kty": "EC", "crv": "P-256", "kid": "p256",
            "x": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY",
            "y": "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU",
        }))
        .expect("P-256 JWK");
        keys.add_hmac_secret(Some("hs".into()), SECRET).expect("HMAC secret");
        let names: Vec<&str> = JwsAlgorithm::ALL.iter().map(|(n, _)| *n).collect();
        let mut opts = TokenOptions::new(
            Time::parse("2026-11-24T00:00:00Z").expect("fixed time"),
            &names,
            Issuers::is("https://id.example"),
            Audience::is("svc"),
        )
        .expect("known algorithms");
        opts.require_sub = true;
        opts.max_age = Some(3600);
        opts.max_auth_age = Some(3600);
        opts.nonce = Some("n".into());
        opts.azp = Some("svc".into());
        opts.access_token = Some("at".into());
        opts.code = Some("c".into());
        opts.jti_seen = Some(std::sync::Arc::new(|jti: &str| jti == "seen"));
        (keys, opts)
    })
}

fuzz_target!(|data: &[u8]| {
    let (keys, opts) = setup();
    let text = String::from_utf8_lossy(data);
    let _ = token::verify_token(&text, keys, None, opts).to_text();
    let _ = KeySet::from_jwks(data);
    if let Ok(value) = json::parse_strict(data) {
        if value.is_object() {
            let signing = SigningKey::Hmac(JwsAlgorithm::Hs256, SECRET.to_vec());
            if let Ok(signed) = token::sign_token(&value, &serde_json::json!({"kid": "hs"}), &signing) {
                let _ = token::verify_token(&signed, keys, None, opts);
            }
        }
    }
});
