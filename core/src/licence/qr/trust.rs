//! The issuing authorities a verifier trusts for licence QR codes: their signing certificates
//! or bare public keys, looked up by the 8-byte `kid`.
//!
//! `kid` = the first 8 bytes of SHA-256 over the issuer's signing certificate (DER), as the EU
//! DCC does; for an issuer known only by its key, over the key's SubjectPublicKeyInfo (DER).
//! Several entries may share a kid (8 bytes can collide): the verifier tries each.

use crate::licence::id;
use crate::token::VerifyKey;
use crate::x509::{parse_all, Certificate};

use super::QrError;

/// Length of a licence QR `kid`.
pub const KID_LEN: usize = 8;

/// Most issuers in one list.
pub const MAX_ISSUERS: usize = 4096;

/// DER prefix of a P-256 SubjectPublicKeyInfo before the 65-byte uncompressed point.
const P256_SPKI_PREFIX: [u8; 26] = [
    0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce,
    0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
];

/// An 8-byte key identifier.
pub type Kid = [u8; KID_LEN];

fn kid_of(bytes: &[u8]) -> Kid {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut kid = [0u8; KID_LEN];
    kid.copy_from_slice(&digest.as_ref()[..KID_LEN]);
    kid
}

/// The kid of a signing certificate.
pub fn certificate_kid(cert: &Certificate) -> Kid {
    kid_of(cert.der())
}

/// The SubjectPublicKeyInfo (DER) of an SM2 or P-256 key; `None` for other families.
pub fn key_spki(key: &VerifyKey) -> Option<Vec<u8>> {
    match key {
        VerifyKey::Sm2(k) => Some(k.to_spki_der()),
        VerifyKey::EcP256(point) if point.len() == 65 => {
            let mut spki = P256_SPKI_PREFIX.to_vec();
            spki.extend_from_slice(point);
            Some(spki)
        }
        _ => None,
    }
}

/// The kid of an issuer known only by its key (SHA-256 of its SubjectPublicKeyInfo).
pub fn key_kid(key: &VerifyKey) -> Option<Kid> {
    key_spki(key).map(|spki| kid_of(&spki))
}

/// A unified social credit code written in a certificate subject (any attribute), if one is.
pub fn credit_code_in(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| t.len() == 18)
        .find_map(|t| id::credit_code(t).ok())
        .map(|i| i.value)
}

/// One trusted issuing authority.
#[derive(Debug, Clone)]
pub struct Issuer {
    /// The kid codes signed with this key carry.
    pub kid: Kid,
    /// The verification key (SM2 or P-256).
    pub key: VerifyKey,
    /// The signing certificate, when the issuer is known by one.
    pub certificate: Option<Certificate>,
    /// A display name (certificate subject, or what the caller gave).
    pub name: String,
    /// The authority's unified social credit code, when known: `iss` must then equal it.
    pub credit_code: Option<String>,
}

/// The trusted issuing authorities.
#[derive(Debug, Clone, Default)]
pub struct IssuerList {
    issuers: Vec<Issuer>,
}

impl IssuerList {
    /// An empty list.
    pub fn new() -> IssuerList {
        IssuerList::default()
    }

    fn push(&mut self, issuer: Issuer) -> Result<(), QrError> {
        if self.issuers.len() >= MAX_ISSUERS {
            return Err(QrError::Trust(format!("more than {MAX_ISSUERS} issuers")));
        }
        self.issuers.push(issuer);
        Ok(())
    }

    /// Trusts an issuer's signing certificate; its credit code is taken from the subject
    /// when one is written there.
    pub fn add_certificate(&mut self, cert: Certificate) -> Result<(), QrError> {
        let key = VerifyKey::from_spki_der(cert.spki()).map_err(|e| QrError::Trust(e.to_string()))?;
        if !matches!(key, VerifyKey::Sm2(_) | VerifyKey::EcP256(_)) {
            return Err(QrError::Trust(format!(
                "{} keys cannot sign licence QR codes",
                key.family()
            )));
        }
        self.push(Issuer {
            kid: certificate_kid(&cert),
            key,
            name: cert.subject(),
            credit_code: credit_code_in(&cert.subject()),
            certificate: Some(cert),
        })
    }

    /// Trusts a bare public key (SM2 or P-256, SPKI PEM or DER) under a name and, optionally,
    /// the authority's credit code.
    pub fn add_public_key(&mut self, pem_or_der: &[u8], name: &str, credit_code: Option<&str>) -> Result<(), QrError> {
        let der = match pem_rfc7468::decode_vec(pem_or_der) {
            Ok((_, der)) => der,
            Err(_) => pem_or_der.to_vec(),
        };
        let key = VerifyKey::from_spki_der(&der).map_err(|e| QrError::Trust(e.to_string()))?;
        let kid = key_kid(&key)
            .ok_or_else(|| QrError::Trust(format!("{} keys cannot sign licence QR codes", key.family())))?;
        self.push(Issuer {
            kid,
            key,
            certificate: None,
            name: name.to_owned(),
            credit_code: credit_code.map(str::to_owned),
        })
    }

    /// Trusts every certificate and public key in PEM text, or the DER certificates or DER
    /// public key given.
    /// Returns how many issuers were added.
    pub fn add_pem(&mut self, pem_or_der: &[u8]) -> Result<usize, QrError> {
        let text = String::from_utf8_lossy(pem_or_der);
        let mut added = 0;
        if text.contains("-----BEGIN PUBLIC KEY-----") {
            for block in text.split("-----END PUBLIC KEY-----") {
                if let Some(start) = block.find("-----BEGIN PUBLIC KEY-----") {
                    let pem = format!("{}-----END PUBLIC KEY-----\n", &block[start..]);
                    self.add_public_key(pem.as_bytes(), "public key", None)?;
                    added += 1;
                }
            }
        }
        if text.contains("-----BEGIN CERTIFICATE-----") {
            for cert in parse_all(pem_or_der).map_err(|e| QrError::Trust(e.to_string()))? {
                self.add_certificate(cert)?;
                added += 1;
            }
        } else if !text.contains("-----BEGIN") {
            // DER: one or more certificates, or one SubjectPublicKeyInfo.
            match parse_all(pem_or_der) {
                Ok(certs) => {
                    for cert in certs {
                        self.add_certificate(cert)?;
                        added += 1;
                    }
                }
                Err(cert_error) => {
                    self.add_public_key(pem_or_der, "public key", None)
                        .map_err(|_| QrError::Trust(format!("neither certificates nor a public key: {cert_error}")))?;
                    added += 1;
                }
            }
        }
        if added == 0 {
            return Err(QrError::Trust("no certificate or public key found".into()));
        }
        Ok(added)
    }

    /// The issuers whose kid is `kid`.
    pub fn candidates(&self, kid: &[u8]) -> Vec<&Issuer> {
        self.issuers.iter().filter(|i| i.kid[..] == *kid).collect()
    }

    /// Every issuer.
    pub fn issuers(&self) -> &[Issuer] {
        &self.issuers
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.issuers.is_empty()
    }
}
