//! Verification keys: JWK / JWKS (RFC 7517) for EC P-256/P-384, RSA, OKP Ed25519 and SM2
//! (`kty: "EC", crv: "SM2"`), SPKI PEM/DER, certificates; HMAC secrets only when the caller
//! adds them explicitly. A [`KeySet`] is loaded once and consulted by `kid` / `x5t#S256`.

use base64::Engine;
use der::asn1::UintRef;
use der::Encode;
use serde_json::Value;

use super::{JwsAlgorithm, TokenError};
use crate::alg::{oid, DigestAlgorithm};
use crate::sm::sm2::PublicKey as Sm2PublicKey;
use crate::x509::Certificate;

/// Most keys in one set.
pub const MAX_KEYS: usize = 256;

/// A public (or shared) key, by family.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyKey {
    /// SM2 public key.
    Sm2(Sm2PublicKey),
    /// NIST P-256 point (SEC1 uncompressed).
    EcP256(Vec<u8>),
    /// NIST P-384 point (SEC1 uncompressed).
    EcP384(Vec<u8>),
    /// RSA public key (DER RSAPublicKey).
    Rsa(Vec<u8>),
    /// Ed25519 public key.
    Ed25519(Vec<u8>),
    /// A shared secret for HS256/384/512, added explicitly by the caller.
    Hmac(Vec<u8>),
}

impl VerifyKey {
    /// A short name of the family.
    pub fn family(&self) -> &'static str {
        match self {
            VerifyKey::Sm2(_) => "SM2",
            VerifyKey::EcP256(_) => "EC P-256",
            VerifyKey::EcP384(_) => "EC P-384",
            VerifyKey::Rsa(_) => "RSA",
            VerifyKey::Ed25519(_) => "Ed25519",
            VerifyKey::Hmac(_) => "HMAC secret",
        }
    }

    /// Whether this key can verify `alg` (the key decides the family: no confusion).
    pub fn fits(&self, alg: JwsAlgorithm) -> bool {
        use JwsAlgorithm as A;
        matches!(
            (self, alg),
            (VerifyKey::Sm2(_), A::Sm2Sm3)
                | (VerifyKey::EcP256(_), A::Es256)
                | (VerifyKey::EcP384(_), A::Es384)
                | (
                    VerifyKey::Rsa(_),
                    A::Rs256 | A::Rs384 | A::Rs512 | A::Ps256 | A::Ps384 | A::Ps512
                )
                | (VerifyKey::Ed25519(_), A::EdDsa)
                | (VerifyKey::Hmac(_), A::Hs256 | A::Hs384 | A::Hs512)
        )
    }

    /// The public JWK of this key (`None` for HMAC secrets, which are never published).
    pub fn to_jwk(&self, kid: Option<&str>) -> Option<Value> {
        let b64 = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let mut jwk = match self {
            VerifyKey::Sm2(key) => return Some(sm2_jwk(key, kid)),
            VerifyKey::EcP256(p) | VerifyKey::EcP384(p) => {
                let (crv, len) = if matches!(self, VerifyKey::EcP256(_)) {
                    ("P-256", 32)
                } else {
                    ("P-384", 48)
                };
                let (x, y) = (p.get(1..1 + len)?, p.get(1 + len..1 + 2 * len)?);
                serde_json::json!({"kty": "EC", "crv": crv, "x": b64(x), "y": b64(y)})
            }
            VerifyKey::Rsa(der) => {
                use der::{Decode, Reader};
                let mut reader = der::SliceReader::new(der).ok()?;
                let (n, e) = reader
                    .sequence(|seq| {
                        let n = UintRef::decode(seq)?;
                        let e = UintRef::decode(seq)?;
                        Ok::<_, der::Error>((n.as_bytes().to_vec(), e.as_bytes().to_vec()))
                    })
                    .ok()?;
                serde_json::json!({"kty": "RSA", "n": b64(&n), "e": b64(&e)})
            }
            VerifyKey::Ed25519(x) => serde_json::json!({"kty": "OKP", "crv": "Ed25519", "x": b64(x)}),
            VerifyKey::Hmac(_) => return None,
        };
        if let Some(kid) = kid {
            jwk["kid"] = Value::String(kid.to_owned());
        }
        Some(jwk)
    }

    /// The key of a certificate or SubjectPublicKeyInfo.
    pub fn from_spki_der(spki_der: &[u8]) -> Result<VerifyKey, TokenError> {
        use der::Decode;
        let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
            .map_err(|e| TokenError::Key(format!("bad SubjectPublicKeyInfo: {e}")))?;
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
        let bits = spki.subject_public_key.raw_bytes().to_vec();
        Ok(match (spki.algorithm.oid, curve) {
            (oid::EC_PUBLIC_KEY, Some(oid::SM2_CURVE)) | (oid::SM2_CURVE, _) => {
                VerifyKey::Sm2(Sm2PublicKey::from_spki_der(spki_der).map_err(|e| TokenError::Key(e.to_string()))?)
            }
            (oid::EC_PUBLIC_KEY, Some(oid::SECP256R1)) => VerifyKey::EcP256(bits),
            (oid::EC_PUBLIC_KEY, Some(oid::SECP384R1)) => VerifyKey::EcP384(bits),
            (oid::RSA_ENCRYPTION, _) => VerifyKey::Rsa(bits),
            (oid::ED25519, _) => VerifyKey::Ed25519(bits),
            (other, _) => {
                return Err(TokenError::Key(format!(
                    "key algorithm {other} is not usable for tokens"
                )))
            }
        })
    }
}

/// A key and what identifies it.
#[derive(Debug, Clone)]
pub struct KeyEntry {
    /// `kid`.
    pub kid: Option<String>,
    /// `x5t#S256`: base64url SHA-256 of the certificate.
    pub x5t_s256: Option<String>,
    /// The key.
    pub key: VerifyKey,
    /// The certificate the key came from, if any.
    pub certificate: Option<Certificate>,
}

/// The keys a service trusts for tokens. The library never fetches: load JWKS you fetched.
#[derive(Debug, Clone, Default)]
pub struct KeySet {
    entries: Vec<KeyEntry>,
}

fn b64url(v: &Value, field: &str) -> Result<Vec<u8>, TokenError> {
    let text = v
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| TokenError::Key(format!("JWK member {field} missing")))?;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| TokenError::Key(format!("JWK member {field}: {e}")))
}

fn der_uint(bytes: &[u8]) -> Result<Vec<u8>, TokenError> {
    let start = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len().saturating_sub(1));
    UintRef::new(&bytes[start..])
        .and_then(|u| u.to_der())
        .map_err(|e| TokenError::Key(e.to_string()))
}

impl KeySet {
    /// An empty set.
    pub fn new() -> KeySet {
        KeySet::default()
    }

    /// Reads a JWKS (`{"keys": [...]}`) or a single JWK. Symmetric (`oct`) keys are ignored:
    /// shared secrets are added only with [`KeySet::add_hmac_secret`].
    pub fn from_jwks(json: &[u8]) -> Result<KeySet, TokenError> {
        let mut set = KeySet::new();
        set.add_jwks(json)?;
        Ok(set)
    }

    /// Adds the keys of a JWKS or single JWK.
    pub fn add_jwks(&mut self, json: &[u8]) -> Result<usize, TokenError> {
        let value = super::json::parse_strict(json).map_err(|e| TokenError::Key(format!("JWKS: {e}")))?;
        let keys = match value.get("keys") {
            Some(Value::Array(keys)) => keys.clone(),
            Some(_) => return Err(TokenError::Key("JWKS keys is not an array".into())),
            None => vec![value],
        };
        let mut added = 0;
        for jwk in &keys {
            if jwk.get("kty").and_then(Value::as_str) == Some("oct") {
                continue;
            }
            self.add_jwk(jwk)?;
            added += 1;
        }
        Ok(added)
    }

    /// Adds one public JWK.
    pub fn add_jwk(&mut self, jwk: &Value) -> Result<(), TokenError> {
        let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
        let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or_default();
        let key = match (kty, crv) {
            ("EC", "SM2") => {
                let mut xy = b64url(jwk, "x")?;
                xy.extend(b64url(jwk, "y")?);
                VerifyKey::Sm2(Sm2PublicKey::from_raw_xy(&xy).map_err(|e| TokenError::Key(e.to_string()))?)
            }
            ("EC", "P-256" | "P-384") => {
                let (x, y) = (b64url(jwk, "x")?, b64url(jwk, "y")?);
                let len = if crv == "P-256" { 32 } else { 48 };
                if x.len() != len || y.len() != len {
                    return Err(TokenError::Key(format!("{crv} coordinates must be {len} bytes")));
                }
                let mut point = vec![0x04];
                point.extend(x);
                point.extend(y);
                if crv == "P-256" {
                    VerifyKey::EcP256(point)
                } else {
                    VerifyKey::EcP384(point)
                }
            }
            ("RSA", _) => {
                let mut body = der_uint(&b64url(jwk, "n")?)?;
                body.extend(der_uint(&b64url(jwk, "e")?)?);
                let mut der = vec![0x30];
                der.extend(
                    der::Length::try_from(body.len())
                        .and_then(|l| l.to_der())
                        .map_err(|e| TokenError::Key(e.to_string()))?,
                );
                der.extend(body);
                VerifyKey::Rsa(der)
            }
            ("OKP", "Ed25519") => VerifyKey::Ed25519(b64url(jwk, "x")?),
            _ => return Err(TokenError::Key(format!("unsupported JWK kty {kty:?} crv {crv:?}"))),
        };
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
        let x5t_s256 = jwk.get("x5t#S256").and_then(Value::as_str).map(str::to_owned);
        self.push(KeyEntry {
            kid,
            x5t_s256,
            key,
            certificate: None,
        })
    }

    /// Adds the key of a certificate (its `x5t#S256` is computed).
    pub fn add_certificate(&mut self, certificate: Certificate, kid: Option<String>) -> Result<(), TokenError> {
        let key = VerifyKey::from_spki_der(certificate.spki())?;
        let x5t =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(DigestAlgorithm::Sha256.digest(certificate.der()));
        self.push(KeyEntry {
            kid,
            x5t_s256: Some(x5t),
            key,
            certificate: Some(certificate),
        })
    }

    /// Adds a public key given as SPKI PEM/DER (or a certificate in PEM).
    pub fn add_public_key(&mut self, pem_or_der: &[u8], kid: Option<String>) -> Result<(), TokenError> {
        if let Ok(mut certs) = crate::x509::parse_all(pem_or_der) {
            return self.add_certificate(certs.remove(0), kid);
        }
        let der = match crate::codec::decode_text_or_binary(pem_or_der).map_err(|e| TokenError::Key(e.to_string()))? {
            crate::codec::Decoded::Pem { der, .. }
            | crate::codec::Decoded::Hex(der)
            | crate::codec::Decoded::Binary(der) => der,
        };
        let key = VerifyKey::from_spki_der(&der)?;
        self.push(KeyEntry {
            kid,
            x5t_s256: None,
            key,
            certificate: None,
        })
    }

    /// Adds a shared secret for HS256/384/512 — the only way an HMAC key enters a set.
    pub fn add_hmac_secret(&mut self, kid: Option<String>, secret: &[u8]) -> Result<(), TokenError> {
        self.push(KeyEntry {
            kid,
            x5t_s256: None,
            key: VerifyKey::Hmac(secret.to_vec()),
            certificate: None,
        })
    }

    fn push(&mut self, entry: KeyEntry) -> Result<(), TokenError> {
        if self.entries.len() == MAX_KEYS {
            return Err(TokenError::TooLarge(format!("more than {MAX_KEYS} keys")));
        }
        self.entries.push(entry);
        Ok(())
    }

    /// The public keys as a JWKS (`{"keys": [...]}`); HMAC secrets are left out.
    pub fn to_jwks(&self) -> Value {
        let keys: Vec<Value> = self
            .entries
            .iter()
            .filter_map(|e| e.key.to_jwk(e.kid.as_deref()))
            .collect();
        serde_json::json!({ "keys": keys })
    }

    /// The keys.
    pub fn entries(&self) -> &[KeyEntry] {
        &self.entries
    }

    /// The keys a token header designates: by `kid`, else by `x5t#S256`, else all.
    pub fn candidates(&self, kid: Option<&str>, x5t_s256: Option<&str>) -> Vec<&KeyEntry> {
        match (kid, x5t_s256) {
            (Some(kid), _) => self.entries.iter().filter(|e| e.kid.as_deref() == Some(kid)).collect(),
            (None, Some(t)) => self
                .entries
                .iter()
                .filter(|e| e.x5t_s256.as_deref() == Some(t))
                .collect(),
            (None, None) => self.entries.iter().collect(),
        }
    }
}

/// The public JWK of an SM2 key (`kty: "EC", crv: "SM2"`).
pub fn sm2_jwk(key: &Sm2PublicKey, kid: Option<&str>) -> Value {
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut jwk = serde_json::json!({"kty": "EC", "crv": "SM2", "x": b64.encode(key.x()), "y": b64.encode(key.y())});
    if let Some(kid) = kid {
        jwk["kid"] = Value::String(kid.to_owned());
    }
    jwk
}
