//! The algorithm registry: digests and signature algorithms by OID and by name, and one
//! `verify_signature` that dispatches to the SM2 module, to `ring` (where it applies and is
//! faster) or to RustCrypto (RSA from 1024 bits, DigestInfo without NULL parameters, RSA-PSS
//! with any parameters, ECDSA over P-521 and brainpool curves, any SHA digest, DER or plain
//! r‖s values).
//!
//! The key decides the algorithm family: an SM2 key never verifies an RSA signature and so
//! on, whatever the input claims; the curve comes from the key, the digest from the algorithm.
//! Whether an algorithm and key size are *acceptable* is a separate question, answered by
//! [`CryptoConstraints`].
//!
//! ```
//! use yinjian::alg::DigestAlgorithm;
//!
//! let sha256 = DigestAlgorithm::from_name("SHA-256").expect("a known name");
//! assert_eq!(sha256.output_len(), 32);
//! assert_eq!(sha256.oid().to_string(), "2.16.840.1.101.3.4.2.1");
//! assert!(DigestAlgorithm::from_name("SHA-1").is_some_and(|sha1| sha1.is_weak()));
//! ```

use std::io::{self, Read};

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader};
use ring::signature as rs;
use thiserror::Error;

use crate::report::Reason;
use crate::sm::sm2::{SignatureEncoding, Sm2Error, Sm2Verifier, DEFAULT_DISTID};
use crate::sm::sm3::{Sm3Hasher, STREAM_CHUNK};

mod dsa;
pub use dsa::{inherit_dsa_parameters, ID_DSA};
mod cache;
mod constraints;
mod rustcrypto;

pub use cache::{SignatureCache, MAX_CACHED_SIGNATURES};
pub use constraints::CryptoConstraints;
pub use rustcrypto::{MAX_RSA_BITS, MIN_RSA_BITS};

/// Object identifiers used across the crate.
pub mod oid {
    use der::asn1::ObjectIdentifier as Oid;

    /// sm2p256v1, the SM2 curve (GM/T 0006); some products also use it as a key algorithm.
    pub const SM2_CURVE: Oid = Oid::new_unwrap("1.2.156.10197.1.301");
    /// SM2 signature with SM3 (GM/T 0006: sm2sign-with-sm3).
    pub const SM2_SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.501");
    /// SM3 hash.
    pub const SM3: Oid = Oid::new_unwrap("1.2.156.10197.1.401");
    /// SM3 with the `.1` suffix (sm3Hash without key), seen in products.
    pub const SM3_1: Oid = Oid::new_unwrap("1.2.156.10197.1.401.1");
    /// id-ecPublicKey (RFC 5480).
    pub const EC_PUBLIC_KEY: Oid = Oid::new_unwrap("1.2.840.10045.2.1");
    /// NIST P-256.
    pub const SECP256R1: Oid = Oid::new_unwrap("1.2.840.10045.3.1.7");
    /// NIST P-384.
    pub const SECP384R1: Oid = Oid::new_unwrap("1.3.132.0.34");
    /// NIST P-521.
    pub const SECP521R1: Oid = Oid::new_unwrap("1.3.132.0.35");
    /// brainpoolP256r1 (RFC 5639).
    pub const BRAINPOOL_P256R1: Oid = Oid::new_unwrap("1.3.36.3.3.2.8.1.1.7");
    /// brainpoolP384r1 (RFC 5639).
    pub const BRAINPOOL_P384R1: Oid = Oid::new_unwrap("1.3.36.3.3.2.8.1.1.11");
    /// brainpoolP512r1 (RFC 5639): recognised, not verified.
    pub const BRAINPOOL_P512R1: Oid = Oid::new_unwrap("1.3.36.3.3.2.8.1.1.13");
    /// sha1WithRSASignature (OIW), an old alias of sha1WithRSAEncryption.
    pub const SHA1_WITH_RSA_OIW: Oid = Oid::new_unwrap("1.3.14.3.2.29");
    /// ecdsa-with-SHA1.
    pub const ECDSA_WITH_SHA1: Oid = Oid::new_unwrap("1.2.840.10045.4.1");
    /// ecdsa-with-SHA512.
    pub const ECDSA_WITH_SHA512: Oid = Oid::new_unwrap("1.2.840.10045.4.3.4");
    /// ecdsa-plain-SHA1 (BSI TR-03111: r‖s, not DER).
    pub const ECDSA_PLAIN_SHA1: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.1");
    /// ecdsa-plain-SHA256 (BSI TR-03111).
    pub const ECDSA_PLAIN_SHA256: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.3");
    /// ecdsa-plain-SHA384 (BSI TR-03111).
    pub const ECDSA_PLAIN_SHA384: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.4");
    /// ecdsa-plain-SHA512 (BSI TR-03111).
    pub const ECDSA_PLAIN_SHA512: Oid = Oid::new_unwrap("0.4.0.127.0.7.1.1.4.1.5");
    /// rsaEncryption.
    pub const RSA_ENCRYPTION: Oid = Oid::new_unwrap("1.2.840.113549.1.1.1");
    /// id-RSASSA-PSS (signature algorithm, also a key algorithm).
    pub const RSASSA_PSS: Oid = Oid::new_unwrap("1.2.840.113549.1.1.10");
    /// id-mgf1.
    pub const MGF1: Oid = Oid::new_unwrap("1.2.840.113549.1.1.8");
    /// sha1WithRSAEncryption.
    pub const SHA1_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.5");
    /// sha256WithRSAEncryption.
    pub const SHA256_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.11");
    /// sha384WithRSAEncryption.
    pub const SHA384_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.12");
    /// sha512WithRSAEncryption.
    pub const SHA512_WITH_RSA: Oid = Oid::new_unwrap("1.2.840.113549.1.1.13");
    /// ecdsa-with-SHA256.
    pub const ECDSA_WITH_SHA256: Oid = Oid::new_unwrap("1.2.840.10045.4.3.2");
    /// ecdsa-with-SHA384.
    pub const ECDSA_WITH_SHA384: Oid = Oid::new_unwrap("1.2.840.10045.4.3.3");
    /// id-Ed25519.
    pub const ED25519: Oid = Oid::new_unwrap("1.3.101.112");
    /// SHA-1.
    pub const SHA1: Oid = Oid::new_unwrap("1.3.14.3.2.26");
    /// SHA-256.
    pub const SHA256: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.1");
    /// SHA-384.
    pub const SHA384: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.2");
    /// SHA-512.
    pub const SHA512: Oid = Oid::new_unwrap("2.16.840.1.101.3.4.2.3");
}

/// Why an algorithm lookup or a signature verification failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AlgError {
    /// An algorithm this crate does not implement (its name and OID, or the OID alone).
    #[error("unsupported algorithm {0}")]
    Unknown(String),
    /// The algorithm is known but its parameters are not supported (e.g. PSS with another MGF).
    #[error("unsupported algorithm parameters: {0}")]
    UnsupportedParameters(String),
    /// The key is not of the family the algorithm needs.
    #[error("key does not fit the algorithm: {0}")]
    KeyMismatch(String),
    /// The key could not be decoded.
    #[error("malformed public key: {0}")]
    MalformedKey(String),
    /// The signature does not verify (or cannot be decoded).
    #[error("signature does not verify with {0}")]
    BadSignature(&'static str),
    /// The algorithm parameters contradict each other or the standard (e.g. RSA-PSS with an
    /// MGF1 hash other than the message hash, a trailer field other than 1); the message says
    /// whether the value verifies with the parameters as given.
    #[error("inconsistent signature parameters: {0}")]
    InconsistentParameters(String),
    /// An SM2-specific failure.
    #[error(transparent)]
    Sm2(#[from] Sm2Error),
}

impl AlgError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            AlgError::Unknown(_) | AlgError::UnsupportedParameters(_) => Reason::Unsupported,
            AlgError::KeyMismatch(_) => Reason::PolicyViolation,
            AlgError::MalformedKey(_) => Reason::Malformed,
            AlgError::BadSignature(_) => Reason::BadSignature,
            AlgError::InconsistentParameters(_) => Reason::InconsistentAlgorithmParameters,
            AlgError::Sm2(e) => e.reason(),
        }
    }
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DigestAlgorithm {
    /// SM3 (GB/T 32905).
    Sm3,
    /// SHA-1: verification of old data only; flagged weak.
    Sha1,
    /// SHA-256.
    Sha256,
    /// SHA-384.
    Sha384,
    /// SHA-512.
    Sha512,
}

/// Every digest algorithm, for iteration.
pub const ALL_DIGESTS: [DigestAlgorithm; 5] = [
    DigestAlgorithm::Sm3,
    DigestAlgorithm::Sha1,
    DigestAlgorithm::Sha256,
    DigestAlgorithm::Sha384,
    DigestAlgorithm::Sha512,
];

impl DigestAlgorithm {
    /// By OID (SM3 with or without the `.1` suffix).
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<DigestAlgorithm> {
        Some(match *oid {
            oid::SM3 | oid::SM3_1 => DigestAlgorithm::Sm3,
            oid::SHA1 => DigestAlgorithm::Sha1,
            oid::SHA256 => DigestAlgorithm::Sha256,
            oid::SHA384 => DigestAlgorithm::Sha384,
            oid::SHA512 => DigestAlgorithm::Sha512,
            _ => return None,
        })
    }

    /// By name (`SM3`, `SHA-256`, `sha256`, …) or by dotted OID text.
    pub fn from_name(name: &str) -> Option<DigestAlgorithm> {
        // SM3's OID, as every OFD signature's CheckMethod spells it: known without parsing.
        if name.trim() == "1.2.156.10197.1.401" {
            return Some(DigestAlgorithm::Sm3);
        }
        let folded = name.trim().to_ascii_lowercase().replace(['-', '_'], "");
        Some(match folded.as_str() {
            "sm3" => DigestAlgorithm::Sm3,
            "sha1" => DigestAlgorithm::Sha1,
            "sha256" => DigestAlgorithm::Sha256,
            "sha384" => DigestAlgorithm::Sha384,
            "sha512" => DigestAlgorithm::Sha512,
            _ => {
                return ObjectIdentifier::new(name.trim())
                    .ok()
                    .and_then(|o| DigestAlgorithm::from_oid(&o))
            }
        })
    }

    /// The OID.
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            DigestAlgorithm::Sm3 => oid::SM3,
            DigestAlgorithm::Sha1 => oid::SHA1,
            DigestAlgorithm::Sha256 => oid::SHA256,
            DigestAlgorithm::Sha384 => oid::SHA384,
            DigestAlgorithm::Sha512 => oid::SHA512,
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            DigestAlgorithm::Sm3 => "SM3",
            DigestAlgorithm::Sha1 => "SHA-1",
            DigestAlgorithm::Sha256 => "SHA-256",
            DigestAlgorithm::Sha384 => "SHA-384",
            DigestAlgorithm::Sha512 => "SHA-512",
        }
    }

    /// Digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            DigestAlgorithm::Sm3 | DigestAlgorithm::Sha256 => 32,
            DigestAlgorithm::Sha1 => 20,
            DigestAlgorithm::Sha384 => 48,
            DigestAlgorithm::Sha512 => 64,
        }
    }

    /// True for algorithms no longer fit for new signatures (SHA-1).
    pub fn is_weak(self) -> bool {
        self == DigestAlgorithm::Sha1
    }

    /// A streaming hasher.
    pub fn hasher(self) -> Hasher {
        let ring_alg = match self {
            DigestAlgorithm::Sm3 => return Hasher::Sm3(Sm3Hasher::new()),
            DigestAlgorithm::Sha1 => &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
            DigestAlgorithm::Sha256 => &ring::digest::SHA256,
            DigestAlgorithm::Sha384 => &ring::digest::SHA384,
            DigestAlgorithm::Sha512 => &ring::digest::SHA512,
        };
        Hasher::Ring(ring::digest::Context::new(ring_alg))
    }

    /// One-shot digest.
    pub fn digest(self, data: &[u8]) -> Vec<u8> {
        let mut h = self.hasher();
        h.update(data);
        h.finalize()
    }

    /// Digest of everything `reader` yields, streamed.
    pub fn digest_reader<R: Read>(self, mut reader: R) -> io::Result<Vec<u8>> {
        let mut h = self.hasher();
        let mut buf = vec![0u8; STREAM_CHUNK];
        loop {
            match reader.read(&mut buf) {
                Ok(0) => return Ok(h.finalize()),
                Ok(n) => h.update(&buf[..n]),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

/// A streaming digest of any [`DigestAlgorithm`].
#[derive(Clone)]
#[non_exhaustive]
pub enum Hasher {
    /// SM3 (RustCrypto).
    Sm3(Sm3Hasher),
    /// SHA-1/SHA-2 (`ring`).
    Ring(ring::digest::Context),
}

impl Hasher {
    /// Absorbs `data`.
    pub fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sm3(h) => h.update(data),
            Hasher::Ring(h) => h.update(data),
        }
    }

    /// The digest.
    pub fn finalize(self) -> Vec<u8> {
        match self {
            Hasher::Sm3(h) => h.finalize().to_vec(),
            Hasher::Ring(h) => h.finish().as_ref().to_vec(),
        }
    }
}

/// A signature algorithm. ECDSA names the hash; the curve comes from the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureAlgorithm {
    /// SM2 with SM3 and the default distinguishing ID (GM/T 0015 for certificates).
    Sm2Sm3,
    /// RSA PKCS#1 v1.5 with SHA-1: verification of old data only; flagged weak.
    RsaPkcs1Sha1,
    /// RSA PKCS#1 v1.5 with SHA-256.
    RsaPkcs1Sha256,
    /// RSA PKCS#1 v1.5 with SHA-384.
    RsaPkcs1Sha384,
    /// RSA PKCS#1 v1.5 with SHA-512.
    RsaPkcs1Sha512,
    /// RSA-PSS, MGF1 with SHA-256, salt 32.
    RsaPssSha256,
    /// RSA-PSS, MGF1 with SHA-384, salt 48.
    RsaPssSha384,
    /// RSA-PSS, MGF1 with SHA-512, salt 64.
    RsaPssSha512,
    /// RSA-PSS with other parameters than the three above (SHA-1 defaults, another salt
    /// length, an MGF1 hash other than the message hash).
    RsaPss(PssParams),
    /// ECDSA (any supported curve, from the key) with SHA-1, DER signature.
    EcdsaSha1,
    /// ECDSA (any supported curve, from the key) with SHA-256, DER signature.
    EcdsaSha256,
    /// ECDSA (any supported curve, from the key) with SHA-384, DER signature.
    EcdsaSha384,
    /// ECDSA (any supported curve, from the key) with SHA-512, DER signature.
    EcdsaSha512,
    /// ECDSA with this digest, the value plain r‖s (BSI TR-03111 ecdsa-plain-*).
    EcdsaPlain(DigestAlgorithm),
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// DSA with SHA-1 (legacy certificates and CRLs only); flagged weak.
    DsaSha1,
    /// DSA with SHA-256.
    DsaSha256,
}

/// RSASSA-PSS-params (RFC 4055 §3.1) as the registry verifies them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PssParams {
    /// The message hash.
    pub hash: DigestAlgorithm,
    /// The hash MGF1 uses (RFC 8017 recommends the message hash).
    pub mgf1_hash: DigestAlgorithm,
    /// Salt length in bytes.
    pub salt_len: u16,
}

/// How an ECDSA signature value is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum EcdsaEncoding {
    /// ECDSA-Sig-Value, a DER SEQUENCE of two INTEGERs (RFC 5480, ANSI X9.62).
    Der,
    /// r‖s, each the size of the curve order (BSI TR-03111, IEEE P1363).
    Plain,
}

impl EcdsaEncoding {
    /// `der` or `plain`, as reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            EcdsaEncoding::Der => "der",
            EcdsaEncoding::Plain => "plain",
        }
    }
}

/// An elliptic curve ECDSA is verified on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Curve {
    /// NIST P-256 (secp256r1).
    P256,
    /// NIST P-384 (secp384r1).
    P384,
    /// NIST P-521 (secp521r1).
    P521,
    /// brainpoolP256r1 (RFC 5639).
    BrainpoolP256r1,
    /// brainpoolP384r1 (RFC 5639).
    BrainpoolP384r1,
}

impl Curve {
    /// By the namedCurve OID of an id-ecPublicKey key.
    pub fn from_oid(oid: &ObjectIdentifier) -> Option<Curve> {
        Some(match *oid {
            oid::SECP256R1 => Curve::P256,
            oid::SECP384R1 => Curve::P384,
            oid::SECP521R1 => Curve::P521,
            oid::BRAINPOOL_P256R1 => Curve::BrainpoolP256r1,
            oid::BRAINPOOL_P384R1 => Curve::BrainpoolP384r1,
            _ => return None,
        })
    }

    /// The curve's name.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
            Curve::P521 => "P-521",
            Curve::BrainpoolP256r1 => "brainpoolP256r1",
            Curve::BrainpoolP384r1 => "brainpoolP384r1",
        }
    }

    /// Size of the curve order in bits.
    pub fn bits(self) -> u32 {
        match self {
            Curve::P256 | Curve::BrainpoolP256r1 => 256,
            Curve::P384 | Curve::BrainpoolP384r1 => 384,
            Curve::P521 => 521,
        }
    }

    /// Bytes of r (or s) in a plain r‖s value.
    pub fn scalar_len(self) -> usize {
        (self.bits() as usize).div_ceil(8)
    }
}

/// What a public key is, as far as verification and crypto constraints care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyInfo {
    /// RSA with a modulus of this many bits.
    Rsa {
        /// Modulus size.
        bits: u32,
    },
    /// ECDSA on this curve.
    Ec(Curve),
    /// SM2 (sm2p256v1).
    Sm2,
    /// Ed25519.
    Ed25519,
    /// DSA (legacy), with the size of its prime p.
    Dsa {
        /// Bits of p.
        bits: u32,
    },
    /// A key the registry does not classify.
    Unknown,
}

impl KeyInfo {
    /// A short description: `RSA-2048`, `EC P-384`, `SM2`, …
    pub fn describe(self) -> String {
        match self {
            KeyInfo::Rsa { bits } => format!("RSA-{bits}"),
            KeyInfo::Ec(c) => format!("EC {}", c.name()),
            KeyInfo::Sm2 => "SM2".into(),
            KeyInfo::Ed25519 => "Ed25519".into(),
            KeyInfo::Dsa { bits } => format!("DSA-{bits}"),
            KeyInfo::Unknown => "unknown".into(),
        }
    }
}

/// The family and size of the key in DER SubjectPublicKeyInfo `spki_der`.
pub fn key_info(spki_der: &[u8]) -> Result<KeyInfo, AlgError> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| AlgError::MalformedKey(format!("bad SubjectPublicKeyInfo: {e}")))?;
    key_info_of(&spki)
}

fn key_info_of(spki: &spki::SubjectPublicKeyInfoRef<'_>) -> Result<KeyInfo, AlgError> {
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    Ok(match (spki.algorithm.oid, curve) {
        (oid::RSA_ENCRYPTION | oid::RSASSA_PSS, _) => {
            let bytes = spki
                .subject_public_key
                .as_bytes()
                .ok_or_else(|| AlgError::MalformedKey("public key BIT STRING has unused bits".into()))?;
            KeyInfo::Rsa {
                bits: rustcrypto::RsaKey::from_der(bytes)?.bits,
            }
        }
        (oid::EC_PUBLIC_KEY, Some(oid::SM2_CURVE)) | (oid::SM2_CURVE, _) => KeyInfo::Sm2,
        (oid::EC_PUBLIC_KEY, Some(c)) => match Curve::from_oid(&c) {
            Some(curve) => KeyInfo::Ec(curve),
            None => KeyInfo::Unknown,
        },
        (oid::ED25519, _) => KeyInfo::Ed25519,
        (dsa::ID_DSA, _) => match dsa::prime_bits(spki) {
            Some(bits) => KeyInfo::Dsa { bits },
            None => KeyInfo::Unknown,
        },
        _ => KeyInfo::Unknown,
    })
}

/// Every signature algorithm without parameters, for iteration.
pub const ALL_SIGNATURE_ALGORITHMS: [SignatureAlgorithm; 19] = [
    SignatureAlgorithm::Sm2Sm3,
    SignatureAlgorithm::RsaPkcs1Sha1,
    SignatureAlgorithm::RsaPkcs1Sha256,
    SignatureAlgorithm::RsaPkcs1Sha384,
    SignatureAlgorithm::RsaPkcs1Sha512,
    SignatureAlgorithm::RsaPssSha256,
    SignatureAlgorithm::RsaPssSha384,
    SignatureAlgorithm::RsaPssSha512,
    SignatureAlgorithm::EcdsaSha1,
    SignatureAlgorithm::EcdsaSha256,
    SignatureAlgorithm::EcdsaSha384,
    SignatureAlgorithm::EcdsaSha512,
    SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha1),
    SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha256),
    SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha384),
    SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha512),
    SignatureAlgorithm::Ed25519,
    SignatureAlgorithm::DsaSha1,
    SignatureAlgorithm::DsaSha256,
];

impl SignatureAlgorithm {
    /// By AlgorithmIdentifier: the OID and, for RSASSA-PSS, the DER of its parameters.
    pub fn from_algorithm_identifier(
        alg: &ObjectIdentifier,
        params: Option<&[u8]>,
    ) -> Result<SignatureAlgorithm, AlgError> {
        Ok(match *alg {
            oid::SM2_SM3 => SignatureAlgorithm::Sm2Sm3,
            oid::SHA1_WITH_RSA | oid::SHA1_WITH_RSA_OIW => SignatureAlgorithm::RsaPkcs1Sha1,
            oid::SHA256_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha256,
            oid::SHA384_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha384,
            oid::SHA512_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha512,
            oid::ECDSA_WITH_SHA1 => SignatureAlgorithm::EcdsaSha1,
            oid::ECDSA_WITH_SHA256 => SignatureAlgorithm::EcdsaSha256,
            oid::ECDSA_WITH_SHA384 => SignatureAlgorithm::EcdsaSha384,
            oid::ECDSA_WITH_SHA512 => SignatureAlgorithm::EcdsaSha512,
            oid::ECDSA_PLAIN_SHA1 => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha1),
            oid::ECDSA_PLAIN_SHA256 => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha256),
            oid::ECDSA_PLAIN_SHA384 => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha384),
            oid::ECDSA_PLAIN_SHA512 => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha512),
            oid::ED25519 => SignatureAlgorithm::Ed25519,
            dsa::DSA_WITH_SHA1 => SignatureAlgorithm::DsaSha1,
            dsa::DSA_WITH_SHA256 => SignatureAlgorithm::DsaSha256,
            // Absent parameters: every field at its default (SHA-1, MGF1-SHA-1, salt 20).
            oid::RSASSA_PSS => pss_from_params(params.unwrap_or(&[0x30, 0x00]))?,
            _ => return Err(AlgError::Unknown(describe_unsupported(alg))),
        })
    }

    /// By name, case-insensitive: `SM2-SM3` (also `SM3withSM2`, `SM2`, `SM2SM3`),
    /// `RSA-SHA256`, `RSA-PSS-SHA256`, `ECDSA-SHA256`, `Ed25519`, …, or dotted OID text.
    pub fn from_name(name: &str) -> Option<SignatureAlgorithm> {
        let folded = name.trim().to_ascii_lowercase().replace(['-', '_'], "");
        Some(match folded.as_str() {
            "sm2sm3" | "sm3withsm2" | "sm2withsm3" | "sm2" => SignatureAlgorithm::Sm2Sm3,
            "rsasha1" | "sha1withrsa" => SignatureAlgorithm::RsaPkcs1Sha1,
            "rsasha256" | "sha256withrsa" | "rs256" => SignatureAlgorithm::RsaPkcs1Sha256,
            "rsasha384" | "sha384withrsa" | "rs384" => SignatureAlgorithm::RsaPkcs1Sha384,
            "rsasha512" | "sha512withrsa" | "rs512" => SignatureAlgorithm::RsaPkcs1Sha512,
            "rsapsssha256" | "ps256" => SignatureAlgorithm::RsaPssSha256,
            "rsapsssha384" | "ps384" => SignatureAlgorithm::RsaPssSha384,
            "rsapsssha512" | "ps512" => SignatureAlgorithm::RsaPssSha512,
            "ecdsasha1" | "sha1withecdsa" => SignatureAlgorithm::EcdsaSha1,
            "ecdsasha256" | "sha256withecdsa" => SignatureAlgorithm::EcdsaSha256,
            "ecdsasha384" | "sha384withecdsa" => SignatureAlgorithm::EcdsaSha384,
            "ecdsasha512" | "sha512withecdsa" => SignatureAlgorithm::EcdsaSha512,
            "ecdsaplainsha1" => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha1),
            "ecdsaplainsha256" => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha256),
            "ecdsaplainsha384" => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha384),
            "ecdsaplainsha512" => SignatureAlgorithm::EcdsaPlain(DigestAlgorithm::Sha512),
            "ed25519" | "eddsa" => SignatureAlgorithm::Ed25519,
            "dsasha1" | "dsawithsha1" => SignatureAlgorithm::DsaSha1,
            "dsasha256" | "dsawithsha256" => SignatureAlgorithm::DsaSha256,
            _ => {
                let oid = ObjectIdentifier::new(name.trim()).ok()?;
                return SignatureAlgorithm::from_algorithm_identifier(&oid, None).ok();
            }
        })
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            SignatureAlgorithm::Sm2Sm3 => "SM2-SM3",
            SignatureAlgorithm::RsaPkcs1Sha1 => "RSA-SHA1",
            SignatureAlgorithm::RsaPkcs1Sha256 => "RSA-SHA256",
            SignatureAlgorithm::RsaPkcs1Sha384 => "RSA-SHA384",
            SignatureAlgorithm::RsaPkcs1Sha512 => "RSA-SHA512",
            SignatureAlgorithm::RsaPssSha256 => "RSA-PSS-SHA256",
            SignatureAlgorithm::RsaPssSha384 => "RSA-PSS-SHA384",
            SignatureAlgorithm::RsaPssSha512 => "RSA-PSS-SHA512",
            SignatureAlgorithm::RsaPss(p) => match p.hash {
                DigestAlgorithm::Sm3 => "RSA-PSS-SM3",
                DigestAlgorithm::Sha1 => "RSA-PSS-SHA1",
                DigestAlgorithm::Sha256 => "RSA-PSS-SHA256",
                DigestAlgorithm::Sha384 => "RSA-PSS-SHA384",
                DigestAlgorithm::Sha512 => "RSA-PSS-SHA512",
            },
            SignatureAlgorithm::EcdsaSha1 => "ECDSA-SHA1",
            SignatureAlgorithm::EcdsaSha256 => "ECDSA-SHA256",
            SignatureAlgorithm::EcdsaSha384 => "ECDSA-SHA384",
            SignatureAlgorithm::EcdsaSha512 => "ECDSA-SHA512",
            SignatureAlgorithm::EcdsaPlain(d) => match d {
                DigestAlgorithm::Sm3 => "ECDSA-PLAIN-SM3",
                DigestAlgorithm::Sha1 => "ECDSA-PLAIN-SHA1",
                DigestAlgorithm::Sha256 => "ECDSA-PLAIN-SHA256",
                DigestAlgorithm::Sha384 => "ECDSA-PLAIN-SHA384",
                DigestAlgorithm::Sha512 => "ECDSA-PLAIN-SHA512",
            },
            SignatureAlgorithm::Ed25519 => "Ed25519",
            SignatureAlgorithm::DsaSha1 => "DSA-SHA1",
            SignatureAlgorithm::DsaSha256 => "DSA-SHA256",
        }
    }

    /// The signature OID (RSA-PSS variants share id-RSASSA-PSS; their hash is in the parameters).
    pub fn oid(self) -> ObjectIdentifier {
        match self {
            SignatureAlgorithm::Sm2Sm3 => oid::SM2_SM3,
            SignatureAlgorithm::RsaPkcs1Sha1 => oid::SHA1_WITH_RSA,
            SignatureAlgorithm::RsaPkcs1Sha256 => oid::SHA256_WITH_RSA,
            SignatureAlgorithm::RsaPkcs1Sha384 => oid::SHA384_WITH_RSA,
            SignatureAlgorithm::RsaPkcs1Sha512 => oid::SHA512_WITH_RSA,
            SignatureAlgorithm::RsaPssSha256
            | SignatureAlgorithm::RsaPssSha384
            | SignatureAlgorithm::RsaPssSha512
            | SignatureAlgorithm::RsaPss(_) => oid::RSASSA_PSS,
            SignatureAlgorithm::EcdsaSha1 => oid::ECDSA_WITH_SHA1,
            SignatureAlgorithm::EcdsaSha256 => oid::ECDSA_WITH_SHA256,
            SignatureAlgorithm::EcdsaSha384 => oid::ECDSA_WITH_SHA384,
            SignatureAlgorithm::EcdsaSha512 => oid::ECDSA_WITH_SHA512,
            SignatureAlgorithm::EcdsaPlain(d) => match d {
                DigestAlgorithm::Sha1 => oid::ECDSA_PLAIN_SHA1,
                DigestAlgorithm::Sha384 => oid::ECDSA_PLAIN_SHA384,
                DigestAlgorithm::Sha512 => oid::ECDSA_PLAIN_SHA512,
                DigestAlgorithm::Sha256 | DigestAlgorithm::Sm3 => oid::ECDSA_PLAIN_SHA256,
            },
            SignatureAlgorithm::Ed25519 => oid::ED25519,
            SignatureAlgorithm::DsaSha1 => dsa::DSA_WITH_SHA1,
            SignatureAlgorithm::DsaSha256 => dsa::DSA_WITH_SHA256,
        }
    }

    /// The digest the algorithm applies (Ed25519 hashes internally: `None`).
    pub fn digest(self) -> Option<DigestAlgorithm> {
        Some(match self {
            SignatureAlgorithm::Sm2Sm3 => DigestAlgorithm::Sm3,
            SignatureAlgorithm::RsaPkcs1Sha1 | SignatureAlgorithm::EcdsaSha1 | SignatureAlgorithm::DsaSha1 => {
                DigestAlgorithm::Sha1
            }
            SignatureAlgorithm::DsaSha256 => DigestAlgorithm::Sha256,
            SignatureAlgorithm::RsaPkcs1Sha256 | SignatureAlgorithm::RsaPssSha256 | SignatureAlgorithm::EcdsaSha256 => {
                DigestAlgorithm::Sha256
            }
            SignatureAlgorithm::RsaPkcs1Sha384 | SignatureAlgorithm::RsaPssSha384 | SignatureAlgorithm::EcdsaSha384 => {
                DigestAlgorithm::Sha384
            }
            SignatureAlgorithm::RsaPkcs1Sha512 | SignatureAlgorithm::RsaPssSha512 | SignatureAlgorithm::EcdsaSha512 => {
                DigestAlgorithm::Sha512
            }
            SignatureAlgorithm::RsaPss(p) => p.hash,
            SignatureAlgorithm::EcdsaPlain(d) => d,
            SignatureAlgorithm::Ed25519 => return None,
        })
    }

    /// True when the algorithm is only fit for verifying old data (SHA-1).
    pub fn is_weak(self) -> bool {
        self.digest().is_some_and(DigestAlgorithm::is_weak)
    }
    /// RSA PKCS#1 v1.5 with `digest`, if there is such an algorithm.
    pub fn rsa_pkcs1(digest: DigestAlgorithm) -> Option<SignatureAlgorithm> {
        Some(match digest {
            DigestAlgorithm::Sha1 => SignatureAlgorithm::RsaPkcs1Sha1,
            DigestAlgorithm::Sha256 => SignatureAlgorithm::RsaPkcs1Sha256,
            DigestAlgorithm::Sha384 => SignatureAlgorithm::RsaPkcs1Sha384,
            DigestAlgorithm::Sha512 => SignatureAlgorithm::RsaPkcs1Sha512,
            DigestAlgorithm::Sm3 => return None,
        })
    }

    /// ECDSA (DER value) with `digest`, if there is such an algorithm.
    pub fn ecdsa(digest: DigestAlgorithm) -> Option<SignatureAlgorithm> {
        Some(match digest {
            DigestAlgorithm::Sha1 => SignatureAlgorithm::EcdsaSha1,
            DigestAlgorithm::Sha256 => SignatureAlgorithm::EcdsaSha256,
            DigestAlgorithm::Sha384 => SignatureAlgorithm::EcdsaSha384,
            DigestAlgorithm::Sha512 => SignatureAlgorithm::EcdsaSha512,
            DigestAlgorithm::Sm3 => return None,
        })
    }
}

/// The digest a CMS SignerInfo's `digestAlgorithm` stands for. Besides digest OIDs, a
/// signature OID such as sha256WithRSAEncryption is read as its digest, as Adobe Acrobat and
/// EU DSS do; the second value is then a note saying so.
pub fn signer_info_digest(digest_oid: &ObjectIdentifier) -> Option<(DigestAlgorithm, Option<String>)> {
    if let Some(d) = DigestAlgorithm::from_oid(digest_oid) {
        return Some((d, None));
    }
    let d = SignatureAlgorithm::from_algorithm_identifier(digest_oid, None)
        .ok()?
        .digest()?;
    Some((
        d,
        Some(format!(
            "digestAlgorithm names the signature algorithm {digest_oid}; read as {} (as Adobe and EU DSS do)",
            d.name()
        )),
    ))
}

/// The signature algorithm of a CMS SignerInfo (or any container that names a digest and a
/// signature algorithm apart), read as Adobe and EU DSS read it, with a note where that
/// reading is lenient:
/// - rsaEncryption, id-ecPublicKey as signatureAlgorithm take the digest from digestAlgorithm;
/// - an RSA PKCS#1 or ECDSA signature OID naming another digest than digestAlgorithm follows
///   digestAlgorithm (the hash the signer applied to the signed attributes);
/// - anything else is read from its OID and parameters.
///
/// SM2 key OIDs used as signatureAlgorithm are for the caller (the CMS module) to map.
pub fn signer_info_signature_algorithm(
    digest_oid: &ObjectIdentifier,
    signature_oid: &ObjectIdentifier,
    signature_params: Option<&[u8]>,
) -> Result<(SignatureAlgorithm, Option<String>), AlgError> {
    let digest = signer_info_digest(digest_oid).map(|(d, _)| d);
    let unsupported = |what: &str| {
        AlgError::Unknown(format!(
            "{what} with digest {}",
            digest
                .map(|d| d.name().to_owned())
                .unwrap_or_else(|| digest_oid.to_string())
        ))
    };
    match *signature_oid {
        oid::RSA_ENCRYPTION => digest
            .and_then(SignatureAlgorithm::rsa_pkcs1)
            .map(|a| (a, None))
            .ok_or_else(|| unsupported("rsaEncryption")),
        oid::EC_PUBLIC_KEY => digest
            .and_then(SignatureAlgorithm::ecdsa)
            .map(|a| (a, None))
            .ok_or_else(|| unsupported("id-ecPublicKey")),
        _ => {
            let alg = SignatureAlgorithm::from_algorithm_identifier(signature_oid, signature_params)?;
            let (Some(named), Some(d)) = (alg.digest(), digest) else {
                return Ok((alg, None));
            };
            if named == d {
                return Ok((alg, None));
            }
            let followed = match alg {
                SignatureAlgorithm::RsaPkcs1Sha1
                | SignatureAlgorithm::RsaPkcs1Sha256
                | SignatureAlgorithm::RsaPkcs1Sha384
                | SignatureAlgorithm::RsaPkcs1Sha512 => SignatureAlgorithm::rsa_pkcs1(d),
                SignatureAlgorithm::EcdsaSha1
                | SignatureAlgorithm::EcdsaSha256
                | SignatureAlgorithm::EcdsaSha384
                | SignatureAlgorithm::EcdsaSha512 => SignatureAlgorithm::ecdsa(d),
                _ => None,
            };
            Ok(match followed {
                Some(f) => (
                    f,
                    Some(format!(
                        "signatureAlgorithm {} names {} but digestAlgorithm is {}: following digestAlgorithm (as Adobe and EU DSS do)",
                        alg.name(),
                        named.name(),
                        d.name()
                    )),
                ),
                None => (alg, None),
            })
        }
    }
}

/// The result of a successful [`verify_signature`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// For SM2: which signature encoding was seen.
    pub sm2_encoding: Option<SignatureEncoding>,
    /// The algorithm is weak (SHA-1): the caller's [`CryptoConstraints`] decide whether that
    /// is acceptable.
    pub weak: bool,
    /// The key that verified: family and size, for [`CryptoConstraints`].
    pub key: KeyInfo,
    /// For ECDSA: how the value was encoded.
    pub ecdsa_encoding: Option<EcdsaEncoding>,
    /// A leniency the verification needed, for the report (a DigestInfo without NULL
    /// parameters, a plain r‖s value under a DER algorithm identifier, …).
    pub note: Option<&'static str>,
}

impl Verified {
    fn new(key: KeyInfo, alg: SignatureAlgorithm) -> Verified {
        Verified {
            sm2_encoding: None,
            weak: alg.is_weak(),
            key,
            ecdsa_encoding: None,
            note: None,
        }
    }
}

/// Signatures each thread remembers having verified: the maker's signature inside a seal,
/// which every document sealed with it carries ([`crate::forget_thread_caches`] empties them).
pub const MAX_REMEMBERED_SIGNATURES: usize = 16;

/// Largest message whose verified signature is remembered, and largest recurring prefix
/// (the seal at the start of a seal signature's signed data) whose SM3 state is.
pub const MAX_REMEMBERED_MESSAGE: usize = 256 * 1024;

/// SM3 states after a recurring prefix (Z and a seal) each thread keeps.
pub const MAX_REMEMBERED_PREFIXES: usize = 16;

/// A signature verified: every input in full, and the outcome.
struct RememberedSignature {
    alg: SignatureAlgorithm,
    spki: Box<[u8]>,
    message: Box<[u8]>,
    signature: Box<[u8]>,
    verified: Verified,
}

/// The SM3 state after Z ‖ `prefix`.
struct RememberedPrefix {
    za: [u8; 32],
    prefix: Box<[u8]>,
    state: Sm3Hasher,
}

thread_local! {
    /// Most recently used first.
    static VERIFIED: std::cell::RefCell<Vec<RememberedSignature>> = const { std::cell::RefCell::new(Vec::new()) };
    /// Most recently used first.
    static PREFIXES: std::cell::RefCell<Vec<RememberedPrefix>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Empties this thread's remembered signatures and SM3 prefix states ([`crate::forget_thread_caches`]).
pub(crate) fn forget_remembered() {
    VERIFIED.with_borrow_mut(Vec::clear);
    PREFIXES.with_borrow_mut(Vec::clear);
}

/// [`verify_signature`], for a signature that recurs byte for byte across documents: the
/// maker's signature inside a seal, which every document sealed with that seal carries. A
/// success is remembered by this thread (the [`MAX_REMEMBERED_SIGNATURES`] most recent, of
/// messages up to [`MAX_REMEMBERED_MESSAGE`] bytes) under every input in full — algorithm, key,
/// message and signature — so a hit is exactly the verification it replaces. Failures are not
/// remembered.
pub(crate) fn verify_signature_remembered(
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<Verified, AlgError> {
    let hit = VERIFIED.with_borrow_mut(|all| {
        crate::mru::recall(all, |r| {
            r.alg == alg && *r.signature == *signature && *r.spki == *spki_der && *r.message == *message
        })
        .map(|r| r.verified)
    });
    if let Some(verified) = hit {
        return Ok(verified);
    }
    let verified = verify_signature(alg, spki_der, message, signature)?;
    if message.len() <= MAX_REMEMBERED_MESSAGE {
        VERIFIED.with_borrow_mut(|all| {
            crate::mru::remember(
                all,
                MAX_REMEMBERED_SIGNATURES,
                RememberedSignature {
                    alg,
                    spki: spki_der.into(),
                    message: message.into(),
                    signature: signature.into(),
                    verified,
                },
            );
        });
    }
    Ok(verified)
}

/// [`verify_signature`], for a message whose first `shared` bytes recur across documents while
/// the rest does not: a seal signature's TBS_Sign begins with the whole seal (its picture
/// included), the same in every document sealed with it, and ends with what this document
/// adds (time, data hash). For SM2, whose e is SM3(Z ‖ message), this thread keeps the SM3
/// state after Z ‖ those bytes (the [`MAX_REMEMBERED_PREFIXES`] most recent, prefixes up to
/// [`MAX_REMEMBERED_MESSAGE`] bytes), keyed by Z and the bytes in full, and a later message
/// that begins with them resumes from it: the same e, so the same verification. Other
/// algorithms verify as [`verify_signature`] does.
pub(crate) fn verify_signature_with_prefix(
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    message: &[u8],
    shared: usize,
    signature: &[u8],
) -> Result<Verified, AlgError> {
    if alg != SignatureAlgorithm::Sm2Sm3 || shared > message.len() || shared > MAX_REMEMBERED_MESSAGE {
        return verify_signature(alg, spki_der, message, signature);
    }
    // As verify_signature checks the key, then Sm2Verifier::verify: decode, e, verify.
    spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| AlgError::MalformedKey(format!("bad SubjectPublicKeyInfo: {e}")))?;
    let verifier = Sm2Verifier::cached_from_spki(spki_der, DEFAULT_DISTID).map_err(|e| match e {
        Sm2Error::UnsupportedKey(m) => AlgError::KeyMismatch(m),
        other => AlgError::Sm2(other),
    })?;
    let (sig, encoding) = crate::sm::sm2::Sm2Signature::decode(signature)?;
    let (prefix, rest) = message.split_at(shared);
    let za = *verifier.za();
    let hit = PREFIXES.with_borrow_mut(|all| {
        crate::mru::recall(all, |r| r.za == za && *r.prefix == *prefix).map(|r| r.state.clone())
    });
    let mut hasher = match hit {
        Some(state) => state,
        None => {
            let mut state = verifier.message_hasher();
            state.update(prefix);
            PREFIXES.with_borrow_mut(|all| {
                crate::mru::remember(
                    all,
                    MAX_REMEMBERED_PREFIXES,
                    RememberedPrefix {
                        za,
                        prefix: prefix.into(),
                        state: state.clone(),
                    },
                );
            });
            state
        }
    };
    hasher.update(rest);
    verifier.verify_digest(&hasher.finalize(), &sig)?;
    Ok(Verified {
        sm2_encoding: Some(encoding),
        ..Verified::new(KeyInfo::Sm2, alg)
    })
}

/// Verifies `signature` over `message` with the key in DER SubjectPublicKeyInfo `spki_der`.
/// SM2 uses the default distinguishing ID (as GM/T 0015 prescribes for certificates and
/// CRLs); use [`Sm2Verifier`] directly for another ID. This is the mathematics only: whether
/// the algorithm and key size are acceptable is [`CryptoConstraints`]'s question.
pub fn verify_signature(
    alg: SignatureAlgorithm,
    spki_der: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<Verified, AlgError> {
    let spki = spki::SubjectPublicKeyInfoRef::from_der(spki_der)
        .map_err(|e| AlgError::MalformedKey(format!("bad SubjectPublicKeyInfo: {e}")))?;
    let key_alg = spki.algorithm.oid;
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
    if let (SignatureAlgorithm::DsaSha1 | SignatureAlgorithm::DsaSha256, Some(digest)) = (alg, alg.digest()) {
        let bits = dsa::verify(digest, &spki, message, signature, alg.name())?;
        return Ok(Verified::new(KeyInfo::Dsa { bits }, alg));
    }
    if alg == SignatureAlgorithm::Sm2Sm3 {
        let verifier = Sm2Verifier::cached_from_spki(spki_der, DEFAULT_DISTID).map_err(|e| match e {
            Sm2Error::UnsupportedKey(m) => AlgError::KeyMismatch(m),
            other => AlgError::Sm2(other),
        })?;
        let encoding = verifier.verify(message, signature)?;
        return Ok(Verified {
            sm2_encoding: Some(encoding),
            ..Verified::new(KeyInfo::Sm2, alg)
        });
    }
    let mismatch = || {
        let curve = curve.map(|c| format!(" on curve {c}")).unwrap_or_default();
        AlgError::KeyMismatch(format!("{} cannot use a key of algorithm {key_alg}{curve}", alg.name()))
    };
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| AlgError::MalformedKey("public key BIT STRING has unused bits".into()))?;
    match alg {
        // Both verified above; a DSA algorithm always has a digest.
        SignatureAlgorithm::Sm2Sm3 | SignatureAlgorithm::DsaSha1 | SignatureAlgorithm::DsaSha256 => Err(mismatch()),
        SignatureAlgorithm::Ed25519 => {
            if key_alg != oid::ED25519 {
                return Err(mismatch());
            }
            rs::UnparsedPublicKey::new(&rs::ED25519, key_bytes)
                .verify(message, signature)
                .map_err(|_| AlgError::BadSignature(alg.name()))?;
            Ok(Verified::new(KeyInfo::Ed25519, alg))
        }
        SignatureAlgorithm::RsaPkcs1Sha1
        | SignatureAlgorithm::RsaPkcs1Sha256
        | SignatureAlgorithm::RsaPkcs1Sha384
        | SignatureAlgorithm::RsaPkcs1Sha512 => {
            if key_alg != oid::RSA_ENCRYPTION {
                return Err(mismatch());
            }
            verify_rsa(alg, None, key_bytes, message, signature)
        }
        SignatureAlgorithm::RsaPssSha256
        | SignatureAlgorithm::RsaPssSha384
        | SignatureAlgorithm::RsaPssSha512
        | SignatureAlgorithm::RsaPss(_) => {
            if key_alg != oid::RSA_ENCRYPTION && key_alg != oid::RSASSA_PSS {
                return Err(mismatch());
            }
            let params = match alg {
                SignatureAlgorithm::RsaPss(p) => p,
                _ => {
                    let hash = alg.digest().unwrap_or(DigestAlgorithm::Sha256);
                    PssParams {
                        hash,
                        mgf1_hash: hash,
                        salt_len: hash.output_len() as u16,
                    }
                }
            };
            verify_rsa(alg, Some(params), key_bytes, message, signature)
        }
        SignatureAlgorithm::EcdsaSha1
        | SignatureAlgorithm::EcdsaSha256
        | SignatureAlgorithm::EcdsaSha384
        | SignatureAlgorithm::EcdsaSha512
        | SignatureAlgorithm::EcdsaPlain(_) => {
            let curve = match (key_alg, curve) {
                (oid::EC_PUBLIC_KEY, Some(c)) => Curve::from_oid(&c).ok_or_else(|| {
                    if c == oid::SM2_CURVE {
                        mismatch()
                    } else {
                        AlgError::Unknown(format!("elliptic curve {c}"))
                    }
                })?,
                _ => return Err(mismatch()),
            };
            verify_ecdsa(alg, curve, key_bytes, message, signature)
        }
    }
}

/// "name (OID)" for signature algorithms met in the wild that this crate does not implement,
/// the OID alone for others.
fn describe_unsupported(alg: &ObjectIdentifier) -> String {
    let name = match alg.to_string().as_str() {
        "1.2.840.113549.1.1.2" => "md2WithRSAEncryption",
        "1.2.840.113549.1.1.4" => "md5WithRSAEncryption",
        "1.2.840.113549.1.1.14" => "sha224WithRSAEncryption",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        "1.2.840.10045.4.3.4" => "ecdsa-with-SHA512",
        "2.16.840.1.101.3.4.3.1" => "dsa-with-sha224",
        "2.16.840.1.101.3.4.3.3" => "dsa-with-sha384",
        "2.16.840.1.101.3.4.3.4" => "dsa-with-sha512",
        "1.3.101.113" => "Ed448",
        "1.2.643.7.1.1.3.2" => "GOST R 34.10-2012 with Streebog-256",
        "1.2.156.10197.1.504" => "SM2 with SHA-256",
        "1.2.156.10197.1.502" => "SM2 with SHA-1",
        _ => return alg.to_string(),
    };
    format!("{name} ({alg})")
}

/// RSASSA-PSS-params (RFC 4055): ring supports MGF1 with the same hash and salt = hash length.
/// RSA: `ring` for 2048–8192-bit keys with the standard encodings, RustCrypto otherwise and
/// to tell a lenient encoding (DigestInfo without NULL) from a bad signature.
fn verify_rsa(
    alg: SignatureAlgorithm,
    pss: Option<PssParams>,
    key_bytes: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<Verified, AlgError> {
    let key = rustcrypto::RsaKey::from_der(key_bytes)?;
    let mut verified = Verified::new(KeyInfo::Rsa { bits: key.bits }, alg);
    verified.note = key.leniency;
    let ring_alg: Option<&dyn rs::VerificationAlgorithm> = match alg {
        SignatureAlgorithm::RsaPkcs1Sha1 => Some(&rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY),
        SignatureAlgorithm::RsaPkcs1Sha256 => Some(&rs::RSA_PKCS1_2048_8192_SHA256),
        SignatureAlgorithm::RsaPkcs1Sha384 => Some(&rs::RSA_PKCS1_2048_8192_SHA384),
        SignatureAlgorithm::RsaPkcs1Sha512 => Some(&rs::RSA_PKCS1_2048_8192_SHA512),
        SignatureAlgorithm::RsaPssSha256 => Some(&rs::RSA_PSS_2048_8192_SHA256),
        SignatureAlgorithm::RsaPssSha384 => Some(&rs::RSA_PSS_2048_8192_SHA384),
        SignatureAlgorithm::RsaPssSha512 => Some(&rs::RSA_PSS_2048_8192_SHA512),
        _ => None,
    };
    if let Some(ring_alg) = ring_alg.filter(|_| (2048..=8192).contains(&key.bits)) {
        if rs::UnparsedPublicKey::new(ring_alg, key_bytes)
            .verify(message, signature)
            .is_ok()
        {
            return Ok(verified);
        }
    }
    key.validate()?;
    let hash = alg.digest().ok_or(AlgError::BadSignature(alg.name()))?;
    let digest = hash.digest(message);
    match pss {
        None => {
            let no_null = key
                .verify_pkcs1(hash, &digest, signature)
                .map_err(|()| AlgError::BadSignature(alg.name()))?;
            if no_null {
                verified.note =
                    Some("the DigestInfo omits the NULL algorithm parameters (accepted, as most verifiers do)");
            }
            Ok(verified)
        }
        Some(p) => {
            if !key.verify_pss(p.hash, p.mgf1_hash, usize::from(p.salt_len), &digest, signature) {
                return Err(AlgError::BadSignature(alg.name()));
            }
            if p.mgf1_hash != p.hash {
                return Err(AlgError::InconsistentParameters(format!(
                    "RSASSA-PSS uses MGF1 with {} but hashes the message with {} (RFC 8017 §9.1, RFC 4056 §2): \
                     the value verifies with the parameters as given, but they contradict each other",
                    p.mgf1_hash.name(),
                    p.hash.name()
                )));
            }
            Ok(verified)
        }
    }
}

/// ECDSA: `ring` for P-256/P-384 with SHA-256/SHA-384 DER values, RustCrypto otherwise. A value
/// in the other encoding than the algorithm names (plain r‖s under ecdsa-with-SHA*, DER under
/// ecdsa-plain-*) is accepted with a note.
fn verify_ecdsa(
    alg: SignatureAlgorithm,
    curve: Curve,
    key_bytes: &[u8],
    message: &[u8],
    signature: &[u8],
) -> Result<Verified, AlgError> {
    let mut verified = Verified::new(KeyInfo::Ec(curve), alg);
    let named = match alg {
        SignatureAlgorithm::EcdsaPlain(_) => EcdsaEncoding::Plain,
        _ => EcdsaEncoding::Der,
    };
    let ring_alg: Option<&dyn rs::VerificationAlgorithm> = match (alg, curve) {
        (SignatureAlgorithm::EcdsaSha256, Curve::P256) => Some(&rs::ECDSA_P256_SHA256_ASN1),
        (SignatureAlgorithm::EcdsaSha256, Curve::P384) => Some(&rs::ECDSA_P384_SHA256_ASN1),
        (SignatureAlgorithm::EcdsaSha384, Curve::P256) => Some(&rs::ECDSA_P256_SHA384_ASN1),
        (SignatureAlgorithm::EcdsaSha384, Curve::P384) => Some(&rs::ECDSA_P384_SHA384_ASN1),
        _ => None,
    };
    if let Some(ring_alg) = ring_alg {
        if rs::UnparsedPublicKey::new(ring_alg, key_bytes)
            .verify(message, signature)
            .is_ok()
        {
            verified.ecdsa_encoding = Some(EcdsaEncoding::Der);
            return Ok(verified);
        }
    }
    let hash = alg.digest().ok_or(AlgError::BadSignature(alg.name()))?;
    let prehash = hash.digest(message);
    let other = match named {
        EcdsaEncoding::Der => EcdsaEncoding::Plain,
        EcdsaEncoding::Plain => EcdsaEncoding::Der,
    };
    // The other encoding only when the value has its shape: exactly 2 × the scalar size for
    // plain, a SEQUENCE for DER.
    let other_fits = match other {
        EcdsaEncoding::Plain => signature.len() == 2 * curve.scalar_len(),
        EcdsaEncoding::Der => signature.first() == Some(&0x30),
    };
    for encoding in [Some(named), other_fits.then_some(other)].into_iter().flatten() {
        match rustcrypto::verify_ecdsa(curve, key_bytes, &prehash, signature, encoding) {
            rustcrypto::EcdsaOutcome::BadKey(m) => return Err(AlgError::MalformedKey(m)),
            rustcrypto::EcdsaOutcome::Unsupported(m) => return Err(AlgError::UnsupportedParameters(m)),
            rustcrypto::EcdsaOutcome::Verified(e) => {
                verified.ecdsa_encoding = Some(e);
                if e != named {
                    verified.note = Some(match e {
                        EcdsaEncoding::Plain => {
                            "the ECDSA value is plain r‖s although the algorithm identifier calls for DER (accepted)"
                        }
                        EcdsaEncoding::Der => {
                            "the ECDSA value is DER although the algorithm identifier calls for plain r‖s (accepted)"
                        }
                    });
                }
                return Ok(verified);
            }
            rustcrypto::EcdsaOutcome::Failed => {}
        }
    }
    Err(AlgError::BadSignature(alg.name()))
}

/// RSASSA-PSS-params (RFC 4055 §3.1), each field defaulting as the RFC says (SHA-1, MGF1 with
/// SHA-1, salt 20, trailer field 1). The three common shapes map to `RsaPssSha256/384/512`.
fn pss_from_params(params: &[u8]) -> Result<SignatureAlgorithm, AlgError> {
    let bad = |m: &str| AlgError::UnsupportedParameters(format!("RSASSA-PSS {m}"));
    type Fields = (
        Option<ObjectIdentifier>,
        Option<(ObjectIdentifier, Option<ObjectIdentifier>)>,
        Option<u32>,
        Option<u32>,
    );
    let parsed = (|| -> der::Result<Fields> {
        let mut reader = der::SliceReader::new(params)?;
        let fields = reader.sequence(|seq| {
            let hash = seq
                .context_specific::<spki::AlgorithmIdentifierRef<'_>>(der::TagNumber(0), der::TagMode::Explicit)?
                .map(|a| a.oid);
            let mgf = seq
                .context_specific::<spki::AlgorithmIdentifierRef<'_>>(der::TagNumber(1), der::TagMode::Explicit)?
                .map(|a| {
                    (
                        a.oid,
                        a.parameters
                            .and_then(|p| p.decode_as::<spki::AlgorithmIdentifierRef<'_>>().ok())
                            .map(|h| h.oid),
                    )
                });
            let salt = seq.context_specific::<u32>(der::TagNumber(2), der::TagMode::Explicit)?;
            let trailer = seq.context_specific::<u32>(der::TagNumber(3), der::TagMode::Explicit)?;
            Ok::<_, der::Error>((hash, mgf, salt, trailer))
        })?;
        reader.finish()?;
        Ok(fields)
    })()
    .map_err(|e| bad(&format!("parameters: {e}")))?;
    let (hash, mgf, salt, trailer) = parsed;
    let digest_of = |o: Option<ObjectIdentifier>, what: &str| -> Result<DigestAlgorithm, AlgError> {
        match o {
            None => Ok(DigestAlgorithm::Sha1),
            Some(o) => DigestAlgorithm::from_oid(&o)
                .filter(|d| *d != DigestAlgorithm::Sm3)
                .ok_or_else(|| bad(&format!("{what} {o}"))),
        }
    };
    let hash = digest_of(hash, "hash")?;
    let mgf1_hash = match mgf {
        None => DigestAlgorithm::Sha1,
        Some((mgf_oid, _)) if mgf_oid != oid::MGF1 => return Err(bad(&format!("mask generation function {mgf_oid}"))),
        Some((_, None)) => return Err(bad("MGF1 without its hash algorithm")),
        Some((_, h)) => digest_of(h, "MGF1 hash")?,
    };
    if let Some(t) = trailer.filter(|t| *t != 1) {
        return Err(AlgError::InconsistentParameters(format!(
            "RSASSA-PSS trailerField {t} (RFC 4055 §3.1 allows only 1, trailerFieldBC)"
        )));
    }
    let salt_len = salt.unwrap_or(20);
    let salt_len = u16::try_from(salt_len).map_err(|_| bad(&format!("salt length {salt_len}")))?;
    let params = PssParams {
        hash,
        mgf1_hash,
        salt_len,
    };
    let standard = mgf1_hash == hash && usize::from(salt_len) == hash.output_len();
    Ok(match hash {
        DigestAlgorithm::Sha256 if standard => SignatureAlgorithm::RsaPssSha256,
        DigestAlgorithm::Sha384 if standard => SignatureAlgorithm::RsaPssSha384,
        DigestAlgorithm::Sha512 if standard => SignatureAlgorithm::RsaPssSha512,
        _ => SignatureAlgorithm::RsaPss(params),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sm::sm2::{PrivateKey, Sm2Signer};

    #[test]
    fn names_and_oids_round_trip() {
        for alg in ALL_SIGNATURE_ALGORITHMS {
            assert_eq!(SignatureAlgorithm::from_name(alg.name()), Some(alg), "{alg:?}");
        }
        for d in ALL_DIGESTS {
            assert_eq!(DigestAlgorithm::from_oid(&d.oid()), Some(d));
            assert_eq!(DigestAlgorithm::from_name(d.name()), Some(d));
            assert_eq!(d.digest(b"abc").len(), d.output_len());
        }
        assert_eq!(
            DigestAlgorithm::from_name("1.2.156.10197.1.401.1"),
            Some(DigestAlgorithm::Sm3)
        );
        assert_eq!(
            SignatureAlgorithm::from_name("SM3WithSM2"),
            Some(SignatureAlgorithm::Sm2Sm3)
        );
        assert_eq!(
            SignatureAlgorithm::from_name("1.2.156.10197.1.501"),
            Some(SignatureAlgorithm::Sm2Sm3)
        );
        assert!(SignatureAlgorithm::RsaPkcs1Sha1.is_weak());
        assert!(!SignatureAlgorithm::Sm2Sm3.is_weak());
        assert_eq!(SignatureAlgorithm::from_name("none"), None);
    }

    #[test]
    fn unimplemented_algorithms_are_unsupported_by_name() {
        let md5 = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.4");
        let err = SignatureAlgorithm::from_algorithm_identifier(&md5, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unsupported algorithm md5WithRSAEncryption (1.2.840.113549.1.1.4)"
        );
        assert_eq!(err.reason(), Reason::Unsupported);
        let odd = ObjectIdentifier::new_unwrap("1.2.3.4");
        assert_eq!(
            SignatureAlgorithm::from_algorithm_identifier(&odd, None)
                .unwrap_err()
                .to_string(),
            "unsupported algorithm 1.2.3.4"
        );
        assert!(SignatureAlgorithm::DsaSha1.is_weak());
        assert!(!SignatureAlgorithm::DsaSha256.is_weak());
    }

    #[test]
    fn dsa_parameters_are_inherited_only_by_a_dsa_key_without_them() {
        // SPKI DSA with parameters (p, q, g tiny, only the structure matters here) and without.
        let with = hex::decode("301d301406072a8648ce380401300902010102010102010103050002020102").unwrap();
        let without = hex::decode("3012300906072a8648ce38040103050002020102").unwrap();
        let inherited = inherit_dsa_parameters(&without, &with).unwrap();
        let parsed = spki::SubjectPublicKeyInfoRef::from_der(&inherited).unwrap();
        assert_eq!(parsed.algorithm.oid, ID_DSA);
        assert!(parsed.algorithm.parameters.is_some());
        assert_eq!(inherit_dsa_parameters(&with, &with), None, "has its own");
        assert_eq!(inherit_dsa_parameters(&without, &without), None, "nothing to inherit");
        // A DSA key without parameters cannot verify on its own.
        let err = verify_signature(SignatureAlgorithm::DsaSha1, &without, b"m", &[0x30, 0x00]).unwrap_err();
        assert!(matches!(err, AlgError::MalformedKey(_)), "{err}");
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            hex::encode(DigestAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let streamed = DigestAlgorithm::Sm3.digest_reader(&b"abc"[..]).unwrap();
        assert_eq!(streamed, DigestAlgorithm::Sm3.digest(b"abc"));
    }

    #[test]
    fn sm2_through_the_registry_and_no_family_confusion() {
        let key = PrivateKey::from_raw(&[3u8; 32]).unwrap();
        let sig = Sm2Signer::new(&key, DEFAULT_DISTID)
            .unwrap()
            .sign(b"m", SignatureEncoding::Der)
            .unwrap();
        let spki = key.public_key().to_spki_der();
        let ok = verify_signature(SignatureAlgorithm::Sm2Sm3, &spki, b"m", &sig).unwrap();
        assert_eq!(ok.sm2_encoding, Some(SignatureEncoding::Der));
        assert_eq!(
            verify_signature(SignatureAlgorithm::Sm2Sm3, &spki, b"x", &sig)
                .unwrap_err()
                .reason(),
            Reason::BadSignature
        );
        let err = verify_signature(SignatureAlgorithm::EcdsaSha256, &spki, b"m", &sig).unwrap_err();
        assert!(matches!(err, AlgError::KeyMismatch(_)), "{err}");
    }

    /// The outcome of a verification, to compare the remembering variants with the plain one.
    fn outcome(r: Result<Verified, AlgError>) -> Result<Verified, String> {
        r.map_err(|e| e.to_string())
    }

    #[test]
    fn remembered_and_prefixed_verifications_are_the_plain_ones() {
        let key = PrivateKey::from_raw(&[9u8; 32]).unwrap();
        let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
        let spki = key.public_key().to_spki_der();
        let other = PrivateKey::from_raw(&[10u8; 32]).unwrap().public_key().to_spki_der();
        let seal: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 251) as u8).collect();
        let alg = SignatureAlgorithm::Sm2Sm3;
        for tail in [
            &b"document one"[..],
            b"document two",
            b"",
            b"a longer tail than the others",
        ] {
            let message = [&seal[..], tail].concat();
            let sig = signer.sign(&message, SignatureEncoding::Der).unwrap();
            let mut wrong = message.clone();
            wrong[message.len() - tail.len().max(1)] ^= 1;
            let mut bad_sig = sig.clone();
            let last = bad_sig.len() - 1;
            bad_sig[last] ^= 1;
            for (m, k, s) in [
                (&message, &spki, &sig),
                (&wrong, &spki, &sig),
                (&message, &other, &sig),
                (&message, &spki, &bad_sig),
            ] {
                let plain = outcome(verify_signature(alg, k, m, s));
                // Twice each: the second meets what the first remembered.
                for _ in 0..2 {
                    assert_eq!(outcome(verify_signature_remembered(alg, k, m, s)), plain);
                    for shared in [0, 1, 63, 64, 65, seal.len(), m.len()] {
                        assert_eq!(
                            outcome(verify_signature_with_prefix(alg, k, m, shared, s)),
                            plain,
                            "shared {shared}"
                        );
                    }
                }
            }
        }
        // Beyond the message: the plain verification.
        let sig = signer.sign(b"m", SignatureEncoding::Raw).unwrap();
        assert_eq!(
            outcome(verify_signature_with_prefix(alg, &spki, b"m", 5, &sig)),
            outcome(verify_signature(alg, &spki, b"m", &sig))
        );
        assert!(outcome(verify_signature_with_prefix(alg, b"not a key", b"m", 0, &sig)).is_err());
    }

    #[test]
    fn ed25519_and_ecdsa_via_ring() {
        use ring::rand::SystemRandom;
        use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair};
        let rng = SystemRandom::new();
        let ed = Ed25519KeyPair::from_seed_unchecked(&[5u8; 32]).unwrap();
        let mut spki = vec![0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00];
        spki.extend_from_slice(ed.public_key().as_ref());
        let sig = ed.sign(b"m");
        assert!(verify_signature(SignatureAlgorithm::Ed25519, &spki, b"m", sig.as_ref()).is_ok());
        assert!(verify_signature(SignatureAlgorithm::Ed25519, &spki, b"n", sig.as_ref()).is_err());

        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&rs::ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let pair = EcdsaKeyPair::from_pkcs8(&rs::ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng).unwrap();
        let mut spki = hex::decode("3059301306072a8648ce3d020106082a8648ce3d030107034200").unwrap();
        spki.extend_from_slice(pair.public_key().as_ref());
        let sig = pair.sign(&rng, b"m").unwrap();
        assert!(verify_signature(SignatureAlgorithm::EcdsaSha256, &spki, b"m", sig.as_ref()).is_ok());
        assert!(matches!(
            verify_signature(SignatureAlgorithm::Sm2Sm3, &spki, b"m", sig.as_ref()),
            Err(AlgError::KeyMismatch(_))
        ));
    }

    #[test]
    fn pss_parameters() {
        // RSASSA-PSS-params for SHA-256 / MGF1-SHA-256 / salt 32 (RFC 4055 §3.1 shape).
        let params = hex::decode(
            "3034a00f300d06096086480165030402010500a11c301a06092a864886f70d010108300d06096086480165030402010500a203020120",
        )
        .unwrap();
        assert_eq!(
            SignatureAlgorithm::from_algorithm_identifier(&oid::RSASSA_PSS, Some(&params)),
            Ok(SignatureAlgorithm::RsaPssSha256)
        );
        // Empty parameters: every default (SHA-1, MGF1-SHA-1, salt 20).
        assert_eq!(
            SignatureAlgorithm::from_algorithm_identifier(&oid::RSASSA_PSS, Some(&[0x30, 0x00])),
            Ok(SignatureAlgorithm::RsaPss(PssParams {
                hash: DigestAlgorithm::Sha1,
                mgf1_hash: DigestAlgorithm::Sha1,
                salt_len: 20
            }))
        );
        // trailerField 2: inconsistent with RFC 4055.
        assert!(matches!(
            SignatureAlgorithm::from_algorithm_identifier(
                &oid::RSASSA_PSS,
                Some(&hex::decode("3005a303020102").unwrap())
            ),
            Err(AlgError::InconsistentParameters(_))
        ));
        // An unknown mask generation function stays unsupported.
        assert!(matches!(
            SignatureAlgorithm::from_algorithm_identifier(
                &oid::RSASSA_PSS,
                Some(&hex::decode("300ba109300706032a03040500").unwrap())
            ),
            Err(AlgError::UnsupportedParameters(_))
        ));
    }

    fn vector(name: &str) -> Vec<u8> {
        let path = format!("{}/../test-vectors/alg/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn der_to_plain(der: &[u8], curve: Curve) -> Vec<u8> {
        let mut r = der::SliceReader::new(der).unwrap();
        let (a, b) = r
            .sequence(|s| Ok::<_, der::Error>((der::asn1::UintRef::decode(s)?, der::asn1::UintRef::decode(s)?)))
            .unwrap();
        let n = curve.scalar_len();
        let mut out = vec![0u8; 2 * n];
        out[n - a.as_bytes().len()..n].copy_from_slice(a.as_bytes());
        out[2 * n - b.as_bytes().len()..].copy_from_slice(b.as_bytes());
        out
    }

    #[test]
    fn ecdsa_every_curve_and_digest_der_and_plain() {
        let msg = vector("msg.txt");
        let curves = [
            ("p256", Curve::P256),
            ("p384", Curve::P384),
            ("p521", Curve::P521),
            ("bp256", Curve::BrainpoolP256r1),
            ("bp384", Curve::BrainpoolP384r1),
        ];
        for (name, curve) in curves {
            let spki = vector(&format!("{name}.spki"));
            assert_eq!(key_info(&spki), Ok(KeyInfo::Ec(curve)));
            for digest in [
                DigestAlgorithm::Sha1,
                DigestAlgorithm::Sha256,
                DigestAlgorithm::Sha384,
                DigestAlgorithm::Sha512,
            ] {
                let sig = vector(&format!(
                    "{name}-{}.sig",
                    digest.name().to_ascii_lowercase().replace('-', "")
                ));
                let alg = SignatureAlgorithm::ecdsa(digest).unwrap();
                let ok = verify_signature(alg, &spki, &msg, &sig).unwrap_or_else(|e| panic!("{name} {alg:?}: {e}"));
                assert_eq!(ok.ecdsa_encoding, Some(EcdsaEncoding::Der));
                assert_eq!(ok.note, None);
                assert_eq!(ok.key, KeyInfo::Ec(curve));
                let err = verify_signature(alg, &spki, b"other", &sig).unwrap_err();
                assert_eq!(err.reason(), Reason::BadSignature, "{name} {alg:?}");
                // Plain r||s under the BSI OID, and under the DER OID (accepted with a note).
                let plain = der_to_plain(&sig, curve);
                let ok = verify_signature(SignatureAlgorithm::EcdsaPlain(digest), &spki, &msg, &plain).unwrap();
                assert_eq!((ok.ecdsa_encoding, ok.note), (Some(EcdsaEncoding::Plain), None));
                let ok = verify_signature(alg, &spki, &msg, &plain).unwrap();
                assert_eq!(ok.ecdsa_encoding, Some(EcdsaEncoding::Plain));
                assert!(ok.note.is_some());
                assert!(verify_signature(SignatureAlgorithm::EcdsaPlain(digest), &spki, b"x", &plain).is_err());
                // The wrong digest does not verify.
                let wrong = if digest == DigestAlgorithm::Sha256 {
                    SignatureAlgorithm::EcdsaSha384
                } else {
                    SignatureAlgorithm::EcdsaSha256
                };
                assert!(verify_signature(wrong, &spki, &msg, &sig).is_err());
            }
        }
    }

    #[test]
    fn rsa_from_1024_bits_pkcs1_and_pss() {
        let msg = vector("msg.txt");
        let k1024 = vector("rsa1024.spki");
        let k2048 = vector("rsa2048.spki");
        assert_eq!(key_info(&k1024), Ok(KeyInfo::Rsa { bits: 1024 }));
        for (sig, alg) in [
            ("rsa1024-pkcs1-sha1.sig", SignatureAlgorithm::RsaPkcs1Sha1),
            ("rsa1024-pkcs1-sha256.sig", SignatureAlgorithm::RsaPkcs1Sha256),
        ] {
            let sig = vector(sig);
            let ok = verify_signature(alg, &k1024, &msg, &sig).unwrap();
            assert_eq!(ok.key, KeyInfo::Rsa { bits: 1024 });
            assert_eq!(
                verify_signature(alg, &k1024, b"x", &sig).unwrap_err().reason(),
                Reason::BadSignature
            );
        }
        // DigestInfo without NULL parameters: verifies with a note.
        let nonull = vector("rsa2048-pkcs1-sha1-nonull.sig");
        let ok = verify_signature(SignatureAlgorithm::RsaPkcs1Sha1, &k2048, &msg, &nonull).unwrap();
        assert!(ok.note.unwrap().contains("NULL"));
        assert!(verify_signature(SignatureAlgorithm::RsaPkcs1Sha1, &k2048, b"x", &nonull).is_err());
        // PSS, salt 20 with SHA-256 (not ring's shape) and SHA-1 defaults on RSA-1024.
        let pss = |hash, mgf1_hash, salt_len| {
            SignatureAlgorithm::RsaPss(PssParams {
                hash,
                mgf1_hash,
                salt_len,
            })
        };
        let sha256 = DigestAlgorithm::Sha256;
        let s20 = vector("rsa2048-pss-sha256-salt20.sig");
        assert!(verify_signature(pss(sha256, sha256, 20), &k2048, &msg, &s20).is_ok());
        assert!(verify_signature(pss(sha256, sha256, 32), &k2048, &msg, &s20).is_err());
        assert!(verify_signature(SignatureAlgorithm::RsaPssSha256, &k2048, &msg, &s20).is_err());
        let s32 = vector("rsa2048-pss-sha256-salt32.sig");
        assert!(verify_signature(SignatureAlgorithm::RsaPssSha256, &k2048, &msg, &s32).is_ok());
        let defaults = SignatureAlgorithm::from_algorithm_identifier(&oid::RSASSA_PSS, None).unwrap();
        let s1024 = vector("rsa1024-pss-sha1-salt20.sig");
        assert!(verify_signature(defaults, &k1024, &msg, &s1024).is_ok());
        assert!(verify_signature(defaults, &k1024, b"x", &s1024).is_err());
        // MGF1 hash differs from the message hash: verifies, but inconsistent.
        let mgf = vector("rsa2048-pss-sha256-mgf512.sig");
        let err = verify_signature(pss(sha256, DigestAlgorithm::Sha512, 32), &k2048, &msg, &mgf).unwrap_err();
        assert!(
            matches!(err, AlgError::InconsistentParameters(ref m) if m.contains("verifies")),
            "{err}"
        );
        assert_eq!(err.reason(), Reason::InconsistentAlgorithmParameters);
        let err = verify_signature(pss(sha256, DigestAlgorithm::Sha512, 32), &k2048, b"x", &mgf).unwrap_err();
        assert!(matches!(err, AlgError::BadSignature(_)), "{err}");
    }

    /// ring and RustCrypto agree where both apply (P-256, P-384, RSA-2048 PKCS#1 and PSS).
    #[test]
    fn ring_and_rustcrypto_agree() {
        let msg = vector("msg.txt");
        for (name, curve, ring_algs) in [
            (
                "p256",
                Curve::P256,
                [&rs::ECDSA_P256_SHA256_ASN1, &rs::ECDSA_P256_SHA384_ASN1],
            ),
            (
                "p384",
                Curve::P384,
                [&rs::ECDSA_P384_SHA256_ASN1, &rs::ECDSA_P384_SHA384_ASN1],
            ),
        ] {
            let spki = vector(&format!("{name}.spki"));
            let key = spki::SubjectPublicKeyInfoRef::from_der(&spki).unwrap();
            let point = key.subject_public_key.as_bytes().unwrap();
            for (digest, ring_alg) in [DigestAlgorithm::Sha256, DigestAlgorithm::Sha384]
                .into_iter()
                .zip(ring_algs)
            {
                let sig = vector(&format!(
                    "{name}-{}.sig",
                    digest.name().to_ascii_lowercase().replace('-', "")
                ));
                for m in [&msg[..], b"tampered"] {
                    let by_ring = rs::UnparsedPublicKey::new(ring_alg, point).verify(m, &sig).is_ok();
                    let by_rc = matches!(
                        rustcrypto::verify_ecdsa(curve, point, &digest.digest(m), &sig, EcdsaEncoding::Der),
                        rustcrypto::EcdsaOutcome::Verified(_)
                    );
                    assert_eq!(by_ring, by_rc, "{name} {digest:?}");
                    assert_eq!(by_ring, m == &msg[..]);
                }
            }
        }
        let spki = vector("rsa2048.spki");
        let key = spki::SubjectPublicKeyInfoRef::from_der(&spki).unwrap();
        let bytes = key.subject_public_key.as_bytes().unwrap();
        let rc = rustcrypto::RsaKey::from_der(bytes).unwrap();
        let sha256 = DigestAlgorithm::Sha256;
        let pkcs1 = vector("rsa2048-pkcs1-sha256.sig");
        let pss = vector("rsa2048-pss-sha256-salt32.sig");
        for m in [&msg[..], b"tampered"] {
            let d = sha256.digest(m);
            let ring_pkcs1 = rs::UnparsedPublicKey::new(&rs::RSA_PKCS1_2048_8192_SHA256, bytes)
                .verify(m, &pkcs1)
                .is_ok();
            assert_eq!(ring_pkcs1, rc.verify_pkcs1(sha256, &d, &pkcs1) == Ok(false));
            let ring_pss = rs::UnparsedPublicKey::new(&rs::RSA_PSS_2048_8192_SHA256, bytes)
                .verify(m, &pss)
                .is_ok();
            assert_eq!(ring_pss, rc.verify_pss(sha256, sha256, 32, &d, &pss));
            assert_eq!(ring_pss, m == &msg[..]);
        }
    }

    #[test]
    fn crypto_constraints_defaults() {
        let c = CryptoConstraints::default();
        let rsa1024 = KeyInfo::Rsa { bits: 1024 };
        let rsa2048 = KeyInfo::Rsa { bits: 2048 };
        assert!(c.check(SignatureAlgorithm::RsaPkcs1Sha256, None, rsa2048).is_ok());
        assert!(c
            .check(SignatureAlgorithm::RsaPkcs1Sha256, None, rsa1024)
            .unwrap_err()
            .contains("1024"));
        assert!(c
            .check(SignatureAlgorithm::RsaPkcs1Sha1, None, rsa2048)
            .unwrap_err()
            .contains("SHA-1"));
        let both = c.check(SignatureAlgorithm::RsaPkcs1Sha1, None, rsa1024).unwrap_err();
        assert!(both.contains("SHA-1") && both.contains("1024"), "{both}");
        // A SHA-1 message digest under a SHA-256 signature algorithm is caught too.
        assert!(c
            .check(
                SignatureAlgorithm::EcdsaSha256,
                Some(DigestAlgorithm::Sha1),
                KeyInfo::Ec(Curve::P256)
            )
            .is_err());
        assert!(c
            .check(SignatureAlgorithm::EcdsaSha512, None, KeyInfo::Ec(Curve::P521))
            .is_ok());
        assert!(c.check(SignatureAlgorithm::Sm2Sm3, None, KeyInfo::Sm2).is_ok());
        let legacy = CryptoConstraints::legacy();
        assert!(legacy.check(SignatureAlgorithm::RsaPkcs1Sha1, None, rsa1024).is_ok());
        let spki = vector("rsa1024.spki");
        let check = c
            .failure_check("x.crypto-constraints", SignatureAlgorithm::RsaPkcs1Sha256, None, &spki)
            .unwrap();
        assert_eq!(check.reason, Some(Reason::CryptoConstraintsFailure));
        assert_eq!(check.status, crate::report::Status::Indeterminate);
    }

    #[test]
    fn signer_info_readings() {
        let (d, note) = signer_info_digest(&oid::SHA256_WITH_RSA).unwrap();
        assert_eq!(d, DigestAlgorithm::Sha256);
        assert!(note.is_some());
        assert_eq!(signer_info_digest(&oid::SHA256), Some((DigestAlgorithm::Sha256, None)));
        // signatureAlgorithm sha1WithRSA, digestAlgorithm SHA-256: follow digestAlgorithm.
        let (alg, note) = signer_info_signature_algorithm(&oid::SHA256, &oid::SHA1_WITH_RSA, None).unwrap();
        assert_eq!(alg, SignatureAlgorithm::RsaPkcs1Sha256);
        assert!(note.unwrap().contains("digestAlgorithm"));
        let (alg, note) = signer_info_signature_algorithm(&oid::SHA512, &oid::EC_PUBLIC_KEY, None).unwrap();
        assert_eq!((alg, note), (SignatureAlgorithm::EcdsaSha512, None));
        let (alg, _) = signer_info_signature_algorithm(&oid::SHA256_WITH_RSA, &oid::RSA_ENCRYPTION, None).unwrap();
        assert_eq!(alg, SignatureAlgorithm::RsaPkcs1Sha256);
        let (alg, note) = signer_info_signature_algorithm(&oid::SHA512, &oid::ECDSA_WITH_SHA512, None).unwrap();
        assert_eq!((alg, note), (SignatureAlgorithm::EcdsaSha512, None));
    }
}
