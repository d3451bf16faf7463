//! Issuing tokens, for identity platforms' own services and for tests: any supported
//! algorithm, compact serialisation.

use base64::Engine;
use serde_json::Value;

use super::{JwsAlgorithm, TokenError};
use crate::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, DEFAULT_DISTID};

/// A key to sign tokens with.
#[non_exhaustive]
pub enum SigningKey {
    /// SM2 (alg `SM2SM3`).
    Sm2(PrivateKey),
    /// ECDSA P-256 or P-384 from PKCS#8 DER (alg ES256 / ES384).
    Ecdsa(JwsAlgorithm, Vec<u8>),
    /// RSA from PKCS#8 DER (RS* / PS*).
    Rsa(JwsAlgorithm, Vec<u8>),
    /// Ed25519 from PKCS#8 DER (EdDSA).
    Ed25519(Vec<u8>),
    /// A shared secret (HS*).
    Hmac(JwsAlgorithm, Vec<u8>),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.algorithm().name())
    }
}

impl SigningKey {
    /// The algorithm this key signs with.
    pub fn algorithm(&self) -> JwsAlgorithm {
        match self {
            SigningKey::Sm2(_) => JwsAlgorithm::Sm2Sm3,
            SigningKey::Ecdsa(a, _) | SigningKey::Rsa(a, _) | SigningKey::Hmac(a, _) => *a,
            SigningKey::Ed25519(_) => JwsAlgorithm::EdDsa,
        }
    }

    pub(crate) fn sign(&self, input: &[u8]) -> Result<Vec<u8>, TokenError> {
        use ring::signature as rs;
        let rng = ring::rand::SystemRandom::new();
        let err = |e: &dyn std::fmt::Display| TokenError::Sign(e.to_string());
        match self {
            SigningKey::Sm2(key) => Sm2Signer::new(key, DEFAULT_DISTID)
                .and_then(|s| s.sign(input, SignatureEncoding::Raw))
                .map_err(|e| err(&e)),
            SigningKey::Ecdsa(alg, pkcs8) => {
                let algorithm = match alg {
                    JwsAlgorithm::Es256 => &rs::ECDSA_P256_SHA256_FIXED_SIGNING,
                    JwsAlgorithm::Es384 => &rs::ECDSA_P384_SHA384_FIXED_SIGNING,
                    other => return Err(TokenError::Sign(format!("{} is not an ECDSA algorithm", other.name()))),
                };
                let pair = rs::EcdsaKeyPair::from_pkcs8(algorithm, pkcs8, &rng).map_err(|e| err(&e))?;
                pair.sign(&rng, input).map(|s| s.as_ref().to_vec()).map_err(|e| err(&e))
            }
            SigningKey::Rsa(alg, pkcs8) => {
                let padding: &'static dyn rs::RsaEncoding = match alg {
                    JwsAlgorithm::Rs256 => &rs::RSA_PKCS1_SHA256,
                    JwsAlgorithm::Rs384 => &rs::RSA_PKCS1_SHA384,
                    JwsAlgorithm::Rs512 => &rs::RSA_PKCS1_SHA512,
                    JwsAlgorithm::Ps256 => &rs::RSA_PSS_SHA256,
                    JwsAlgorithm::Ps384 => &rs::RSA_PSS_SHA384,
                    JwsAlgorithm::Ps512 => &rs::RSA_PSS_SHA512,
                    other => return Err(TokenError::Sign(format!("{} is not an RSA algorithm", other.name()))),
                };
                let pair = rs::RsaKeyPair::from_pkcs8(pkcs8).map_err(|e| err(&e))?;
                let mut out = vec![0u8; pair.public().modulus_len()];
                pair.sign(padding, &rng, input, &mut out).map_err(|e| err(&e))?;
                Ok(out)
            }
            SigningKey::Ed25519(pkcs8) => {
                let pair = rs::Ed25519KeyPair::from_pkcs8_maybe_unchecked(pkcs8).map_err(|e| err(&e))?;
                Ok(pair.sign(input).as_ref().to_vec())
            }
            SigningKey::Hmac(alg, secret) => {
                let algorithm = match alg {
                    JwsAlgorithm::Hs256 => ring::hmac::HMAC_SHA256,
                    JwsAlgorithm::Hs384 => ring::hmac::HMAC_SHA384,
                    JwsAlgorithm::Hs512 => ring::hmac::HMAC_SHA512,
                    other => return Err(TokenError::Sign(format!("{} is not an HMAC algorithm", other.name()))),
                };
                Ok(ring::hmac::sign(&ring::hmac::Key::new(algorithm, secret), input)
                    .as_ref()
                    .to_vec())
            }
        }
    }
}

/// Signs `claims` (a JSON object) into a compact JWS. `header` adds members (`kid`, `typ`,
/// `x5c`, …); `alg` is always set from the key.
pub fn sign_token(claims: &Value, header: &Value, key: &SigningKey) -> Result<String, TokenError> {
    if !claims.is_object() {
        return Err(TokenError::Sign("claims must be a JSON object".into()));
    }
    let mut head = match header {
        Value::Object(map) => map.clone(),
        Value::Null => serde_json::Map::new(),
        _ => return Err(TokenError::Sign("header must be a JSON object".into())),
    };
    head.insert("alg".into(), Value::String(key.algorithm().name().to_owned()));
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let encode = |v: &Value| {
        serde_json::to_vec(v)
            .map(|bytes| b64.encode(bytes))
            .map_err(|e| TokenError::Sign(e.to_string()))
    };
    let input = format!("{}.{}", encode(&Value::Object(head))?, encode(claims)?);
    let signature = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", b64.encode(signature)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{verify_token, Audience, Issuers, KeySet, TokenOptions};
    use crate::{Reason, Status, Time};

    #[test]
    fn sm2_and_hmac_round_trips_and_no_confusion() {
        let key = PrivateKey::from_raw(&[9u8; 32]).unwrap();
        let mut keys = KeySet::new();
        keys.add_jwk(&crate::token::jwk::sm2_jwk(&key.public_key(), Some("sm2-1")))
            .unwrap();
        let at = Time::parse("2026-11-24T10:00:00Z").unwrap();
        let claims = serde_json::json!({"iss": "https://id.example.gov.cn", "sub": "u1", "exp": at.unix() + 300});
        let token = sign_token(
            &claims,
            &serde_json::json!({"kid": "sm2-1", "typ": "JWT"}),
            &SigningKey::Sm2(key.clone()),
        )
        .unwrap();
        let opts = TokenOptions::new(
            at,
            &["SM2SM3"],
            Issuers::is("https://id.example.gov.cn"),
            Audience::Absent,
        )
        .unwrap();
        let report = verify_token(&token, &keys, None, &opts);
        assert_eq!(report.status, Status::Passed, "{}", report.to_text());

        // The SM2 public key's bytes as an HMAC secret: the key decides the family.
        let secret = key.public_key().to_sec1_uncompressed();
        let forged = sign_token(
            &claims,
            &serde_json::json!({"kid": "sm2-1"}),
            &SigningKey::Hmac(JwsAlgorithm::Hs256, secret.to_vec()),
        )
        .unwrap();
        let report = verify_token(
            &forged,
            &keys,
            None,
            &TokenOptions::new(at, &["SM2SM3", "HS256"], Issuers::Any, Audience::Absent).unwrap(),
        );
        assert_eq!(report.reason, Some(Reason::PolicyViolation), "{}", report.to_text());
        // Not allowed at all:
        assert_eq!(
            verify_token(&forged, &keys, None, &opts).reason,
            Some(Reason::PolicyViolation)
        );
        // The key set exports what it read, and reads back what it exports.
        let exported = keys.to_jwks();
        assert_eq!(exported["keys"][0]["crv"], "SM2");
        assert_eq!(
            KeySet::from_jwks(exported.to_string().as_bytes()).unwrap().to_jwks(),
            exported
        );
    }
}
