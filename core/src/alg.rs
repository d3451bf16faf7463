//! The algorithm registry: digests and signature algorithms by OID and by name, and one
//! `verify_signature` that dispatches to the SM2 module or to `ring`.
//!
//! The key decides the algorithm family: an SM2 key never verifies an RSA signature and so
//! on, whatever the input claims.

use std::io::{self, Read};

use der::asn1::ObjectIdentifier;
use der::{Decode, Reader};
use ring::signature as rs;
use thiserror::Error;

use crate::report::Reason;
use crate::sm::sm2::{PublicKey as Sm2PublicKey, SignatureEncoding, Sm2Error, Sm2Verifier, DEFAULT_DISTID};
use crate::sm::sm3::{Sm3Hasher, STREAM_CHUNK};

mod dsa;
pub use dsa::{inherit_dsa_parameters, ID_DSA};

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
            AlgError::Sm2(e) => e.reason(),
        }
    }
}

/// A digest algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// ECDSA (P-256 or P-384 key) with SHA-256, DER signature.
    EcdsaSha256,
    /// ECDSA (P-256 or P-384 key) with SHA-384, DER signature.
    EcdsaSha384,
    /// Ed25519 (RFC 8032).
    Ed25519,
    /// DSA with SHA-1 (legacy certificates and CRLs only); flagged weak.
    DsaSha1,
    /// DSA with SHA-256.
    DsaSha256,
}

/// Every signature algorithm, for iteration.
pub const ALL_SIGNATURE_ALGORITHMS: [SignatureAlgorithm; 13] = [
    SignatureAlgorithm::Sm2Sm3,
    SignatureAlgorithm::RsaPkcs1Sha1,
    SignatureAlgorithm::RsaPkcs1Sha256,
    SignatureAlgorithm::RsaPkcs1Sha384,
    SignatureAlgorithm::RsaPkcs1Sha512,
    SignatureAlgorithm::RsaPssSha256,
    SignatureAlgorithm::RsaPssSha384,
    SignatureAlgorithm::RsaPssSha512,
    SignatureAlgorithm::EcdsaSha256,
    SignatureAlgorithm::EcdsaSha384,
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
            oid::SHA1_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha1,
            oid::SHA256_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha256,
            oid::SHA384_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha384,
            oid::SHA512_WITH_RSA => SignatureAlgorithm::RsaPkcs1Sha512,
            oid::ECDSA_WITH_SHA256 => SignatureAlgorithm::EcdsaSha256,
            oid::ECDSA_WITH_SHA384 => SignatureAlgorithm::EcdsaSha384,
            oid::ED25519 => SignatureAlgorithm::Ed25519,
            dsa::DSA_WITH_SHA1 => SignatureAlgorithm::DsaSha1,
            dsa::DSA_WITH_SHA256 => SignatureAlgorithm::DsaSha256,
            oid::RSASSA_PSS => {
                let params =
                    params.ok_or_else(|| AlgError::UnsupportedParameters("RSASSA-PSS without parameters".into()))?;
                pss_from_params(params)?
            }
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
            "ecdsasha256" | "sha256withecdsa" => SignatureAlgorithm::EcdsaSha256,
            "ecdsasha384" | "sha384withecdsa" => SignatureAlgorithm::EcdsaSha384,
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
            SignatureAlgorithm::EcdsaSha256 => "ECDSA-SHA256",
            SignatureAlgorithm::EcdsaSha384 => "ECDSA-SHA384",
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
            SignatureAlgorithm::RsaPssSha256 | SignatureAlgorithm::RsaPssSha384 | SignatureAlgorithm::RsaPssSha512 => {
                oid::RSASSA_PSS
            }
            SignatureAlgorithm::EcdsaSha256 => oid::ECDSA_WITH_SHA256,
            SignatureAlgorithm::EcdsaSha384 => oid::ECDSA_WITH_SHA384,
            SignatureAlgorithm::Ed25519 => oid::ED25519,
            SignatureAlgorithm::DsaSha1 => dsa::DSA_WITH_SHA1,
            SignatureAlgorithm::DsaSha256 => dsa::DSA_WITH_SHA256,
        }
    }

    /// The digest the algorithm applies (Ed25519 hashes internally: `None`).
    pub fn digest(self) -> Option<DigestAlgorithm> {
        Some(match self {
            SignatureAlgorithm::Sm2Sm3 => DigestAlgorithm::Sm3,
            SignatureAlgorithm::RsaPkcs1Sha1 | SignatureAlgorithm::DsaSha1 => DigestAlgorithm::Sha1,
            SignatureAlgorithm::DsaSha256 => DigestAlgorithm::Sha256,
            SignatureAlgorithm::RsaPkcs1Sha256 | SignatureAlgorithm::RsaPssSha256 | SignatureAlgorithm::EcdsaSha256 => {
                DigestAlgorithm::Sha256
            }
            SignatureAlgorithm::RsaPkcs1Sha384 | SignatureAlgorithm::RsaPssSha384 | SignatureAlgorithm::EcdsaSha384 => {
                DigestAlgorithm::Sha384
            }
            SignatureAlgorithm::RsaPkcs1Sha512 | SignatureAlgorithm::RsaPssSha512 => DigestAlgorithm::Sha512,
            SignatureAlgorithm::Ed25519 => return None,
        })
    }

    /// True when the algorithm is only fit for verifying old data (SHA-1).
    pub fn is_weak(self) -> bool {
        self.digest().is_some_and(DigestAlgorithm::is_weak)
    }
}

/// The result of a successful [`verify_signature`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    /// For SM2: which signature encoding was seen.
    pub sm2_encoding: Option<SignatureEncoding>,
    /// The algorithm is weak (SHA-1): the caller's policy decides whether that is acceptable.
    pub weak: bool,
}

/// Verifies `signature` over `message` with the key in DER SubjectPublicKeyInfo `spki_der`.
/// SM2 uses the default distinguishing ID (as GM/T 0015 prescribes for certificates and
/// CRLs); use [`Sm2Verifier`] directly for another ID.
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
    let weak = alg.is_weak();
    if let (SignatureAlgorithm::DsaSha1 | SignatureAlgorithm::DsaSha256, Some(digest)) = (alg, alg.digest()) {
        dsa::verify(digest, &spki, message, signature, alg.name())?;
        return Ok(Verified {
            sm2_encoding: None,
            weak,
        });
    }
    if alg == SignatureAlgorithm::Sm2Sm3 {
        let key = Sm2PublicKey::from_spki_der(spki_der).map_err(|e| match e {
            Sm2Error::UnsupportedKey(m) => AlgError::KeyMismatch(m),
            other => AlgError::Sm2(other),
        })?;
        let encoding = Sm2Verifier::new(&key, DEFAULT_DISTID)?.verify(message, signature)?;
        return Ok(Verified {
            sm2_encoding: Some(encoding),
            weak,
        });
    }
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| AlgError::MalformedKey("public key BIT STRING has unused bits".into()))?;
    let ring_alg: &dyn rs::VerificationAlgorithm = match (alg, key_alg, curve) {
        (SignatureAlgorithm::RsaPkcs1Sha1, oid::RSA_ENCRYPTION, _) => &rs::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
        (SignatureAlgorithm::RsaPkcs1Sha256, oid::RSA_ENCRYPTION, _) => &rs::RSA_PKCS1_2048_8192_SHA256,
        (SignatureAlgorithm::RsaPkcs1Sha384, oid::RSA_ENCRYPTION, _) => &rs::RSA_PKCS1_2048_8192_SHA384,
        (SignatureAlgorithm::RsaPkcs1Sha512, oid::RSA_ENCRYPTION, _) => &rs::RSA_PKCS1_2048_8192_SHA512,
        (SignatureAlgorithm::RsaPssSha256, oid::RSA_ENCRYPTION | oid::RSASSA_PSS, _) => &rs::RSA_PSS_2048_8192_SHA256,
        (SignatureAlgorithm::RsaPssSha384, oid::RSA_ENCRYPTION | oid::RSASSA_PSS, _) => &rs::RSA_PSS_2048_8192_SHA384,
        (SignatureAlgorithm::RsaPssSha512, oid::RSA_ENCRYPTION | oid::RSASSA_PSS, _) => &rs::RSA_PSS_2048_8192_SHA512,
        (SignatureAlgorithm::EcdsaSha256, oid::EC_PUBLIC_KEY, Some(oid::SECP256R1)) => &rs::ECDSA_P256_SHA256_ASN1,
        (SignatureAlgorithm::EcdsaSha256, oid::EC_PUBLIC_KEY, Some(oid::SECP384R1)) => &rs::ECDSA_P384_SHA256_ASN1,
        (SignatureAlgorithm::EcdsaSha384, oid::EC_PUBLIC_KEY, Some(oid::SECP256R1)) => &rs::ECDSA_P256_SHA384_ASN1,
        (SignatureAlgorithm::EcdsaSha384, oid::EC_PUBLIC_KEY, Some(oid::SECP384R1)) => &rs::ECDSA_P384_SHA384_ASN1,
        (SignatureAlgorithm::Ed25519, oid::ED25519, _) => &rs::ED25519,
        _ => {
            let curve = curve.map(|c| format!(" on curve {c}")).unwrap_or_default();
            return Err(AlgError::KeyMismatch(format!(
                "{} cannot use a key of algorithm {key_alg}{curve}",
                alg.name()
            )));
        }
    };
    rs::UnparsedPublicKey::new(ring_alg, key_bytes)
        .verify(message, signature)
        .map_err(|_| AlgError::BadSignature(alg.name()))?;
    Ok(Verified {
        sm2_encoding: None,
        weak,
    })
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
fn pss_from_params(params: &[u8]) -> Result<SignatureAlgorithm, AlgError> {
    let bad = |m: &str| AlgError::UnsupportedParameters(format!("RSASSA-PSS {m}"));
    let parsed = (|| -> der::Result<(Option<ObjectIdentifier>, Option<ObjectIdentifier>, Option<u32>)> {
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
            let _trailer = seq.context_specific::<u32>(der::TagNumber(3), der::TagMode::Explicit)?;
            if let Some((mgf_oid, _)) = mgf {
                if mgf_oid != oid::MGF1 {
                    return Err(der::Error::from(der::Tag::ObjectIdentifier.value_error()));
                }
            }
            Ok::<_, der::Error>((hash, mgf.and_then(|m| m.1), salt))
        })?;
        reader.finish()?;
        Ok(fields)
    })()
    .map_err(|e| bad(&format!("parameters: {e}")))?;
    let (hash, mgf_hash, salt) = parsed;
    let (alg, len) = match hash {
        Some(oid::SHA256) => (SignatureAlgorithm::RsaPssSha256, 32),
        Some(oid::SHA384) => (SignatureAlgorithm::RsaPssSha384, 48),
        Some(oid::SHA512) => (SignatureAlgorithm::RsaPssSha512, 64),
        other => {
            return Err(bad(&format!(
                "hash {}",
                other.map(|o| o.to_string()).unwrap_or("SHA-1 (default)".into())
            )))
        }
    };
    if mgf_hash != hash {
        return Err(bad("MGF1 hash differs from the message hash"));
    }
    if salt != Some(len) {
        return Err(bad(&format!("salt length {salt:?}, expected {len}")));
    }
    Ok(alg)
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
        assert!(matches!(
            SignatureAlgorithm::from_algorithm_identifier(&oid::RSASSA_PSS, Some(&[0x30, 0x00])),
            Err(AlgError::UnsupportedParameters(_))
        ));
    }
}
