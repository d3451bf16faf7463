//! SM2 digital signatures (GB/T 32918.2-2016) on the recommended curve sm2p256v1.
//!
//! - Keys from SubjectPublicKeyInfo DER/PEM, SEC1 points (compressed or not), raw x‖y, hex;
//!   private keys from PKCS#8 DER/PEM (unencrypted), SEC1 DER/PEM, a raw 32-byte scalar.
//! - Signatures as DER `SEQUENCE { r INTEGER, s INTEGER }` or raw 64-byte r‖s; both are
//!   accepted and the caller is told which one was seen.
//! - The distinguishing ID is an input (default [`DEFAULT_DISTID`]); the signer's Z value is
//!   computed once per [`Sm2Verifier`]/[`Sm2Signer`] and `e = SM3(Z ‖ M)` is streamed.

use std::io::{self, Read};

use der::asn1::UintRef;
use der::{Decode, Encode, Reader};
use serde::{Deserialize, Serialize};
use sm2::dsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use sm2::elliptic_curve::sec1::ToSec1Point;
use sm2::elliptic_curve::zeroize::Zeroizing;
use thiserror::Error;

use crate::alg::oid;
use crate::codec::{decode_text_or_binary, Decoded};
use crate::report::{Check, Reason, Report};
use crate::sm::sm2_fast::{FastPublicKey, FastVerifyError};
use crate::sm::sm3::{sm3, Sm3Digest, Sm3Hasher, STREAM_CHUNK};

/// The distinguishing ID every product seen uses, and GM/T 0009 names as the default.
pub const DEFAULT_DISTID: &[u8] = b"1234567812345678";

/// Longest distinguishing ID: its bit length must fit the 16-bit ENTL field.
pub const MAX_DISTID_LEN: usize = (u16::MAX / 8) as usize;

/// Size of a raw r‖s signature.
pub const RAW_SIGNATURE_LEN: usize = 64;

/// Longest DER signature accepted (two 33-byte INTEGERs with headers, plus slack for
/// out-of-range values that are still well-formed DER).
pub const MAX_DER_SIGNATURE_LEN: usize = 2 + 2 * (2 + 33) + 8;

/// The report kind of [`Sm2Verifier::report`].
pub const REPORT_KIND: &str = "sm2-signature";

/// Group order n of sm2p256v1, big-endian.
pub const ORDER_N: [u8; 32] = hex32("fffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123");

/// The curve constants that enter the Z value: a, b and the generator (each 32 bytes for
/// the recommended curve; any length for test curves).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurveParams<'a> {
    /// Coefficient a of y² = x³ + ax + b.
    pub a: &'a [u8],
    /// Coefficient b.
    pub b: &'a [u8],
    /// Generator x.
    pub gx: &'a [u8],
    /// Generator y.
    pub gy: &'a [u8],
}

const SM2P256V1_A: [u8; 32] = hex32("fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc");
const SM2P256V1_B: [u8; 32] = hex32("28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93");
const SM2P256V1_GX: [u8; 32] = hex32("32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7");
const SM2P256V1_GY: [u8; 32] = hex32("bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0");

/// The recommended curve sm2p256v1 (GB/T 32918.5).
pub const SM2P256V1: CurveParams<'static> = CurveParams {
    a: &SM2P256V1_A,
    b: &SM2P256V1_B,
    gx: &SM2P256V1_GX,
    gy: &SM2P256V1_GY,
};

/// Why an SM2 operation failed.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sm2Error {
    /// Key bytes could not be decoded, or the point is not on the curve.
    #[error("malformed SM2 key: {0}")]
    MalformedKey(String),
    /// The key is well-formed but not an SM2 key (another curve, encrypted PKCS#8, …).
    #[error("unsupported key: {0}")]
    UnsupportedKey(String),
    /// Signature bytes are neither strict DER SEQUENCE{r,s} nor 64-byte r‖s.
    #[error("malformed SM2 signature: {0}")]
    MalformedSignature(String),
    /// A well-formed signature that does not verify.
    #[error("SM2 signature does not verify: {0}")]
    BadSignature(String),
    /// The distinguishing ID is too long for the ENTL field.
    #[error("distinguishing ID of {0} bytes exceeds {MAX_DISTID_LEN} bytes")]
    DistIdTooLong(usize),
    /// Signing failed (a private key outside [1, n−2], or a degenerate nonce).
    #[error("SM2 signing failed: {0}")]
    Signing(String),
    /// Reading the message failed.
    #[error("reading the message failed: {0}")]
    Io(String),
}

impl Sm2Error {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            Sm2Error::MalformedKey(_) | Sm2Error::MalformedSignature(_) | Sm2Error::DistIdTooLong(_) => {
                Reason::Malformed
            }
            Sm2Error::UnsupportedKey(_) => Reason::Unsupported,
            Sm2Error::BadSignature(_) => Reason::BadSignature,
            Sm2Error::Signing(_) | Sm2Error::Io(_) => Reason::Malformed,
        }
    }
}

/// How a signature was (or is to be) encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum SignatureEncoding {
    /// DER `SEQUENCE { r INTEGER, s INTEGER }` (GM/T 0009, what OpenSSL writes).
    Der,
    /// 64 bytes: r then s, each 32 bytes big-endian (several seal products, JOSE).
    Raw,
}

impl SignatureEncoding {
    /// `der` or `raw`.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureEncoding::Der => "der",
            SignatureEncoding::Raw => "raw",
        }
    }

    /// Reads `der` or `raw` (any case).
    pub fn parse(name: &str) -> Option<SignatureEncoding> {
        match name.to_ascii_lowercase().as_str() {
            "der" | "asn1" => Some(SignatureEncoding::Der),
            "raw" | "rs" => Some(SignatureEncoding::Raw),
            _ => None,
        }
    }
}

/// An SM2 signature (r, s), as 32-byte big-endian integers. Values are not range-checked
/// here: verification rejects r or s outside [1, n−1] as a bad signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sm2Signature {
    /// r, big-endian.
    pub r: [u8; 32],
    /// s, big-endian.
    pub s: [u8; 32],
}

impl Sm2Signature {
    /// Decodes a signature in either encoding and says which it was: exactly 64 bytes is
    /// raw r‖s; anything else must be strict DER with nothing after it.
    pub fn decode(bytes: &[u8]) -> Result<(Sm2Signature, SignatureEncoding), Sm2Error> {
        if bytes.len() == RAW_SIGNATURE_LEN {
            let (r, s) = bytes.split_at(32);
            return Ok((Sm2Signature { r: to32(r), s: to32(s) }, SignatureEncoding::Raw));
        }
        if bytes.first() != Some(&0x30) {
            return Err(Sm2Error::MalformedSignature(format!(
                "{} bytes: neither DER SEQUENCE{{r, s}} nor 64-byte r‖s",
                bytes.len()
            )));
        }
        if bytes.len() > MAX_DER_SIGNATURE_LEN {
            return Err(Sm2Error::MalformedSignature(format!(
                "{} bytes is too long for DER r, s",
                bytes.len()
            )));
        }
        let (r, s) = decode_der_pair(bytes).map_err(|e| Sm2Error::MalformedSignature(format!("bad DER: {e}")))?;
        let wide = |v: &[u8], name: &str| {
            if v.len() > 32 {
                Err(Sm2Error::BadSignature(format!(
                    "{name} is not in [1, n-1] (wider than 256 bits)"
                )))
            } else {
                Ok(to32(v))
            }
        };
        Ok((
            Sm2Signature {
                r: wide(r, "r")?,
                s: wide(s, "s")?,
            },
            SignatureEncoding::Der,
        ))
    }

    /// r‖s, 64 bytes.
    pub fn to_raw(&self) -> [u8; 64] {
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&self.r);
        out[32..].copy_from_slice(&self.s);
        out
    }

    /// Strict DER `SEQUENCE { r INTEGER, s INTEGER }`.
    pub fn to_der(&self) -> Vec<u8> {
        let int = |v: &[u8; 32]| {
            let start = v.iter().position(|&b| b != 0).unwrap_or(31);
            UintRef::new(&v[start..]).and_then(|u| u.to_der())
        };
        // Encoding two integers of at most 32 bytes cannot fail.
        let (r, s) = match (int(&self.r), int(&self.s)) {
            (Ok(r), Ok(s)) => (r, s),
            _ => return Vec::new(),
        };
        let mut out = vec![0x30, (r.len() + s.len()) as u8];
        out.extend_from_slice(&r);
        out.extend_from_slice(&s);
        out
    }

    /// The signature in the given encoding.
    pub fn encode(&self, encoding: SignatureEncoding) -> Vec<u8> {
        match encoding {
            SignatureEncoding::Der => self.to_der(),
            SignatureEncoding::Raw => self.to_raw().to_vec(),
        }
    }
}

fn decode_der_pair(bytes: &[u8]) -> der::Result<(&[u8], &[u8])> {
    let mut reader = der::SliceReader::new(bytes)?;
    let pair = reader.sequence(|seq| {
        let r = UintRef::decode(seq)?;
        let s = UintRef::decode(seq)?;
        Ok::<_, der::Error>((r.as_bytes(), s.as_bytes()))
    })?;
    reader.finish()?;
    Ok(pair)
}

/// An SM2 public key (a point on sm2p256v1, checked on decoding).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicKey {
    inner: sm2::PublicKey,
}

impl PublicKey {
    /// Decodes a public key in any supported form: PEM (`PUBLIC KEY`), hex text, SPKI DER,
    /// a SEC1 point (65 bytes uncompressed, 33 compressed) or raw 64-byte x‖y.
    pub fn parse(input: &[u8]) -> Result<PublicKey, Sm2Error> {
        match decode_text_or_binary(input).map_err(|e| Sm2Error::MalformedKey(e.to_string()))? {
            Decoded::Pem { label, der } if label == "PUBLIC KEY" => PublicKey::from_spki_der(&der),
            Decoded::Pem { label, .. } => Err(Sm2Error::UnsupportedKey(format!(
                "PEM label {label:?}, expected \"PUBLIC KEY\""
            ))),
            Decoded::Hex(bytes) | Decoded::Binary(bytes) => PublicKey::from_binary(&bytes),
        }
    }

    fn from_binary(bytes: &[u8]) -> Result<PublicKey, Sm2Error> {
        match (bytes.len(), bytes.first()) {
            (65, Some(0x04)) | (33, Some(0x02 | 0x03)) => PublicKey::from_sec1(bytes),
            (64, _) => PublicKey::from_raw_xy(bytes),
            (_, Some(0x30)) => PublicKey::from_spki_der(bytes),
            (n, _) => Err(Sm2Error::MalformedKey(format!(
                "{n} bytes: not SPKI DER, a SEC1 point (33/65 bytes) or raw x‖y (64 bytes)"
            ))),
        }
    }

    /// Decodes DER SubjectPublicKeyInfo. Accepts id-ecPublicKey with the sm2p256v1 curve
    /// (GM/T 0015, what OpenSSL writes) and, as some products write, the curve OID as the
    /// algorithm itself.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, Sm2Error> {
        let spki = spki::SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|e| Sm2Error::MalformedKey(format!("bad SubjectPublicKeyInfo: {e}")))?;
        let alg = spki.algorithm.oid;
        let param = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
        let is_sm2 = (alg == oid::EC_PUBLIC_KEY && param == Some(oid::SM2_CURVE)) || alg == oid::SM2_CURVE;
        if !is_sm2 {
            let what = match param {
                Some(p) => format!("{alg} with parameter {p}"),
                None => alg.to_string(),
            };
            return Err(Sm2Error::UnsupportedKey(format!("not an SM2 key: algorithm {what}")));
        }
        let point = spki
            .subject_public_key
            .as_bytes()
            .ok_or_else(|| Sm2Error::MalformedKey("public key BIT STRING has unused bits".into()))?;
        PublicKey::from_sec1(point)
    }

    /// Decodes a SEC1 point, compressed (0x02/0x03 ‖ x) or uncompressed (0x04 ‖ x ‖ y).
    pub fn from_sec1(bytes: &[u8]) -> Result<PublicKey, Sm2Error> {
        sm2::PublicKey::from_sec1_bytes(bytes)
            .map(|inner| PublicKey { inner })
            .map_err(|_| Sm2Error::MalformedKey(format!("{} bytes are not a point on sm2p256v1", bytes.len())))
    }

    /// Decodes raw x‖y (64 bytes).
    pub fn from_raw_xy(bytes: &[u8]) -> Result<PublicKey, Sm2Error> {
        if bytes.len() != 64 {
            return Err(Sm2Error::MalformedKey(format!(
                "raw x‖y must be 64 bytes, not {}",
                bytes.len()
            )));
        }
        let mut sec1 = [0u8; 65];
        sec1[0] = 0x04;
        sec1[1..].copy_from_slice(bytes);
        PublicKey::from_sec1(&sec1)
    }

    /// The uncompressed SEC1 encoding 0x04 ‖ x ‖ y.
    pub fn to_sec1_uncompressed(&self) -> [u8; 65] {
        let point = self.inner.to_sec1_point(false);
        let mut out = [0u8; 65];
        out.copy_from_slice(point.as_bytes());
        out
    }

    /// The affine x coordinate.
    pub fn x(&self) -> [u8; 32] {
        to32(&self.to_sec1_uncompressed()[1..33])
    }

    /// The affine y coordinate.
    pub fn y(&self) -> [u8; 32] {
        to32(&self.to_sec1_uncompressed()[33..])
    }

    /// DER SubjectPublicKeyInfo (id-ecPublicKey, sm2p256v1), as OpenSSL writes it.
    pub fn to_spki_der(&self) -> Vec<u8> {
        let point = self.to_sec1_uncompressed();
        // SEQUENCE { SEQUENCE { ecPublicKey, sm2p256v1 }, BIT STRING 0x00 ‖ point }
        let mut alg = Vec::with_capacity(21);
        alg.extend_from_slice(&[0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01]);
        alg.extend_from_slice(&[0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x82, 0x2d]);
        let mut out = vec![0x30, 0x59];
        out.extend_from_slice(&alg);
        out.extend_from_slice(&[0x03, 0x42, 0x00]);
        out.extend_from_slice(&point);
        out
    }

    /// PEM `PUBLIC KEY` of [`PublicKey::to_spki_der`].
    pub fn to_pem(&self) -> String {
        pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &self.to_spki_der()).unwrap_or_default()
    }

    /// Hex of SM3 over the uncompressed point: a short name for a bare key in reports.
    pub fn fingerprint(&self) -> String {
        hex::encode(sm3(&self.to_sec1_uncompressed()))
    }
}

/// An SM2 private key (a scalar d in [1, n−2]).
#[derive(Clone)]
pub struct PrivateKey {
    inner: sm2::SecretKey,
}

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(…)")
    }
}

impl PrivateKey {
    /// Decodes a private key in any supported form: PEM (`PRIVATE KEY` = PKCS#8,
    /// `EC PRIVATE KEY` = SEC1), hex text, PKCS#8 or SEC1 DER, or a raw 32-byte scalar.
    pub fn parse(input: &[u8]) -> Result<PrivateKey, Sm2Error> {
        match decode_text_or_binary(input).map_err(|e| Sm2Error::MalformedKey(e.to_string()))? {
            Decoded::Pem { label, der } => match label.as_str() {
                "PRIVATE KEY" => PrivateKey::from_pkcs8_der(&der),
                "EC PRIVATE KEY" => PrivateKey::from_sec1_der(&der),
                "ENCRYPTED PRIVATE KEY" => Err(Sm2Error::UnsupportedKey(
                    "encrypted PKCS#8: decrypt it first (openssl pkcs8)".into(),
                )),
                other => Err(Sm2Error::UnsupportedKey(format!(
                    "PEM label {other:?} is not a private key"
                ))),
            },
            Decoded::Hex(bytes) | Decoded::Binary(bytes) => match bytes.first() {
                _ if bytes.len() == 32 => PrivateKey::from_raw(&bytes),
                Some(0x30) => PrivateKey::from_pkcs8_der(&bytes)
                    .or_else(|pkcs8_err| PrivateKey::from_sec1_der(&bytes).map_err(|_| pkcs8_err)),
                _ => Err(Sm2Error::MalformedKey(format!(
                    "{} bytes: not PKCS#8 or SEC1 DER, nor a raw 32-byte scalar",
                    bytes.len()
                ))),
            },
        }
    }

    /// Decodes unencrypted PKCS#8 `PrivateKeyInfo` holding an SM2 key.
    pub fn from_pkcs8_der(der: &[u8]) -> Result<PrivateKey, Sm2Error> {
        let info =
            pkcs8::PrivateKeyInfoRef::from_der(der).map_err(|e| Sm2Error::MalformedKey(format!("bad PKCS#8: {e}")))?;
        let alg = info.algorithm.oid;
        let param = info
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.decode_as::<der::asn1::ObjectIdentifier>().ok());
        if !((alg == oid::EC_PUBLIC_KEY && param == Some(oid::SM2_CURVE)) || alg == oid::SM2_CURVE) {
            let what = param
                .map(|p| format!("{alg} with curve {p}"))
                .unwrap_or_else(|| alg.to_string());
            return Err(Sm2Error::UnsupportedKey(format!(
                "not an SM2 private key: algorithm {what}"
            )));
        }
        let key = PrivateKey::from_sec1_der(info.private_key.as_bytes())?;
        Ok(key)
    }

    /// Decodes SEC1 `ECPrivateKey`; a curve, if named, must be sm2p256v1, and an embedded
    /// public key must match the private scalar.
    pub fn from_sec1_der(der: &[u8]) -> Result<PrivateKey, Sm2Error> {
        let ec =
            sec1::EcPrivateKey::from_der(der).map_err(|e| Sm2Error::MalformedKey(format!("bad ECPrivateKey: {e}")))?;
        if let Some(curve) = ec.parameters.and_then(|p| p.named_curve()) {
            if curve != oid::SM2_CURVE {
                return Err(Sm2Error::UnsupportedKey(format!("not an SM2 key: curve {curve}")));
            }
        }
        let key = PrivateKey::from_raw(ec.private_key)?;
        if let Some(embedded) = ec.public_key {
            if PublicKey::from_sec1(embedded).ok() != Some(key.public_key()) {
                return Err(Sm2Error::MalformedKey(
                    "embedded public key does not match the private key".into(),
                ));
            }
        }
        Ok(key)
    }

    /// Decodes a raw big-endian scalar (up to 32 bytes).
    pub fn from_raw(bytes: &[u8]) -> Result<PrivateKey, Sm2Error> {
        if bytes.is_empty() || bytes.len() > 32 {
            return Err(Sm2Error::MalformedKey(format!(
                "a raw private key is 1–32 bytes, not {}",
                bytes.len()
            )));
        }
        let mut padded = [0u8; 32];
        padded[32 - bytes.len()..].copy_from_slice(bytes);
        let mut n_minus_1 = ORDER_N;
        n_minus_1[31] -= 1;
        if padded == n_minus_1 {
            // GB/T 32918.1 §6.1: d ∈ [1, n−2]; with d = n−1, 1 + d has no inverse and signing cannot work.
            return Err(Sm2Error::MalformedKey("private scalar n-1 is outside [1, n-2]".into()));
        }
        sm2::SecretKey::from_slice(&padded)
            .map(|inner| PrivateKey { inner })
            .map_err(|_| Sm2Error::MalformedKey("private scalar is zero or not below n".into()))
    }

    /// The matching public key.
    pub fn public_key(&self) -> PublicKey {
        PublicKey {
            inner: self.inner.public_key(),
        }
    }

    /// The scalar d, big-endian.
    pub fn to_raw(&self) -> [u8; 32] {
        to32(&self.inner.to_bytes())
    }
}

/// Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) on any curve (GB/T 32918.2 §5.5).
pub fn za_on_curve(curve: &CurveParams<'_>, distid: &[u8], x: &[u8], y: &[u8]) -> Result<Sm3Digest, Sm2Error> {
    if distid.len() > MAX_DISTID_LEN {
        return Err(Sm2Error::DistIdTooLong(distid.len()));
    }
    let mut h = za_prefix(curve, distid);
    h.update(x);
    h.update(y);
    Ok(h.finalize())
}

/// SM3 after ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG, the part of Z that is the same for every key
/// (`distid` at most [`MAX_DISTID_LEN`] bytes, which the callers check or know).
fn za_prefix(curve: &CurveParams<'_>, distid: &[u8]) -> Sm3Hasher {
    let entl = (distid.len() * 8) as u16;
    let mut h = Sm3Hasher::new();
    h.update(&entl.to_be_bytes());
    for part in [distid, curve.a, curve.b, curve.gx, curve.gy] {
        h.update(part);
    }
    h
}

/// Z of `key` with `distid` on sm2p256v1.
pub fn za(key: &PublicKey, distid: &[u8]) -> Result<Sm3Digest, Sm2Error> {
    za_of_point(distid, &key.to_sec1_uncompressed())
}

/// Z on sm2p256v1 for an uncompressed SEC1 point. With the default ID, the first 146 bytes
/// hashed (ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG) are the same for every key: the hasher that has
/// absorbed them (two of Z's four compressions) is made once per process and cloned.
fn za_of_point(distid: &[u8], sec1: &[u8; 65]) -> Result<Sm3Digest, Sm2Error> {
    if distid != DEFAULT_DISTID {
        return za_on_curve(&SM2P256V1, distid, &sec1[1..33], &sec1[33..]);
    }
    static PREFIX: std::sync::OnceLock<Sm3Hasher> = std::sync::OnceLock::new();
    let mut h = PREFIX.get_or_init(|| za_prefix(&SM2P256V1, DEFAULT_DISTID)).clone();
    h.update(&sec1[1..]);
    Ok(h.finalize())
}

/// Keys each thread keeps a verifier for: the SM2 keys that certificate, CRL, seal, CMS and
/// token signatures are verified with, most recently used first, so that a key met again keeps its
/// Z and prepared tables. A verifier with its prepared tables is about 30 KiB.
pub const MAX_CACHED_VERIFIERS: usize = 64;

/// A thread's most recently used verifiers, most recent first, by (key bytes, distinguishing
/// ID). The key bytes are an SPKI in DER (first byte 0x30) or an uncompressed SEC1 point (first
/// byte 0x04), so the two forms of one key are two entries, never confused with another key.
type VerifierCache = Vec<(Box<[u8]>, Box<[u8]>, std::rc::Rc<Sm2Verifier>)>;

thread_local! {
    static VERIFIERS: std::cell::RefCell<VerifierCache> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Empties this thread's prepared verifiers ([`crate::forget_thread_caches`]).
pub(crate) fn forget_verifiers() {
    VERIFIERS.with_borrow_mut(Vec::clear);
}

/// Verifies SM2 signatures made by one key with one distinguishing ID; Z is computed once.
///
/// Verification runs on the variable-time fast path of [`crate::sm::sm2_fast`] (all its
/// inputs are public); [`Sm2Verifier::verify_digest_reference`] runs the RustCrypto `sm2`
/// crate's verification instead, as the reference the fast path is tested against.
#[derive(Debug, Clone)]
pub struct Sm2Verifier {
    key: PublicKey,
    distid: Vec<u8>,
    za: Sm3Digest,
    fast: FastPublicKey,
}

impl Sm2Verifier {
    /// The verifier of the SM2 key in `spki_der` (DER SubjectPublicKeyInfo) with `distid`,
    /// taken from this thread's cache of the [`MAX_CACHED_VERIFIERS`] most recently used
    /// keys, or made and put there. A key met again — a CA's key across a chain, one seal or
    /// signer across the documents of a batch — keeps its decoded point and Z and, from its
    /// second verification on, its prepared tables: what it verifies is exactly what a new
    /// verifier verifies. Keys that cannot be decoded are not kept.
    pub(crate) fn cached_from_spki(spki_der: &[u8], distid: &[u8]) -> Result<std::rc::Rc<Sm2Verifier>, Sm2Error> {
        Self::cached(spki_der, distid, || {
            Sm2Verifier::new(&PublicKey::from_spki_der(spki_der)?, distid)
        })
    }

    /// The verifier of `key` with `distid`, taken from this thread's cache of the
    /// [`MAX_CACHED_VERIFIERS`] most recently used keys, or made and put there: the cache that
    /// certificate, seal, CMS and token signatures go through. For callers that verify many
    /// signatures by one key (an identity provider's tokens, a portal's repeated checks): from
    /// the key's second verification on, Z and the prepared tables are reused. What it
    /// verifies is exactly what [`Sm2Verifier::new`] verifies.
    pub fn cached_from_key(key: &PublicKey, distid: &[u8]) -> Result<std::rc::Rc<Sm2Verifier>, Sm2Error> {
        Self::cached(&key.to_sec1_uncompressed(), distid, || Sm2Verifier::new(key, distid))
    }

    /// The cached verifier under (`key_bytes`, `distid`), or the one `make` gives, kept.
    fn cached(
        key_bytes: &[u8],
        distid: &[u8],
        make: impl FnOnce() -> Result<Sm2Verifier, Sm2Error>,
    ) -> Result<std::rc::Rc<Sm2Verifier>, Sm2Error> {
        let hit = VERIFIERS.with_borrow_mut(|cache| {
            crate::mru::recall(cache, |(key, id, _)| **key == *key_bytes && **id == *distid)
                .map(|(_, _, verifier)| std::rc::Rc::clone(verifier))
        });
        if let Some(verifier) = hit {
            return Ok(verifier);
        }
        let verifier = std::rc::Rc::new(make()?);
        VERIFIERS.with_borrow_mut(|cache| {
            crate::mru::remember(
                cache,
                MAX_CACHED_VERIFIERS,
                (key_bytes.into(), distid.into(), std::rc::Rc::clone(&verifier)),
            )
        });
        Ok(verifier)
    }

    /// A verifier for `key` and `distid` (use [`DEFAULT_DISTID`] unless told otherwise).
    pub fn new(key: &PublicKey, distid: &[u8]) -> Result<Sm2Verifier, Sm2Error> {
        // One encoding of the point for Z and the fast path.
        let sec1 = key.to_sec1_uncompressed();
        let za = za_of_point(distid, &sec1)?;
        let fast = FastPublicKey::from_affine(&to32(&sec1[1..33]), &to32(&sec1[33..]))
            .map_err(|e| Sm2Error::MalformedKey(format!("point rejected by the fast SM2 verifier: {e}")))?;
        Ok(Sm2Verifier {
            key: key.clone(),
            distid: distid.to_vec(),
            za,
            fast,
        })
    }

    /// The public key.
    pub fn key(&self) -> &PublicKey {
        &self.key
    }

    /// The signer's Z value.
    pub fn za(&self) -> &Sm3Digest {
        &self.za
    }

    /// A hasher already holding Z: feed it the message, finalise to get e.
    pub fn message_hasher(&self) -> Sm3Hasher {
        let mut h = Sm3Hasher::new();
        h.update(&self.za);
        h
    }

    /// e = SM3(Z ‖ message).
    pub fn digest(&self, message: &[u8]) -> Sm3Digest {
        let mut h = self.message_hasher();
        h.update(message);
        h.finalize()
    }

    /// e = SM3(Z ‖ everything `reader` yields), streamed.
    pub fn digest_reader<R: Read>(&self, mut reader: R) -> Result<Sm3Digest, Sm2Error> {
        let mut h = self.message_hasher();
        io::copy(&mut reader, &mut BufferedSink(&mut h)).map_err(|e| Sm2Error::Io(e.to_string()))?;
        Ok(h.finalize())
    }

    /// Verifies `signature` (DER or raw) over `message`; returns the encoding seen.
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<SignatureEncoding, Sm2Error> {
        let (sig, encoding) = Sm2Signature::decode(signature)?;
        self.verify_digest(&self.digest(message), &sig)?;
        Ok(encoding)
    }

    /// Verifies a decoded signature against a precomputed e = SM3(Z ‖ M), on the fast
    /// variable-time path.
    pub fn verify_digest(&self, e: &Sm3Digest, sig: &Sm2Signature) -> Result<(), Sm2Error> {
        check_scalars(sig)?;
        self.fast.verify(e, &sig.r, &sig.s).map_err(fast_error)
    }

    /// Builds the key's split tables now (see [`FastPublicKey`]): for a verifier about to
    /// check many signatures (a CA's key in chain validation, one signer's documents). Without
    /// it the verifier's second verification builds them.
    pub fn prepare(&self) {
        self.fast.prepare();
    }

    /// As [`Sm2Verifier::verify_digest`], on the RustCrypto `sm2` crate's constant-time
    /// verification: the reference the fast path is tested and fuzzed against. Both accept
    /// exactly the same signatures; error messages may differ.
    pub fn verify_digest_reference(&self, e: &Sm3Digest, sig: &Sm2Signature) -> Result<(), Sm2Error> {
        check_scalars(sig)?;
        let sig = sm2::dsa::Signature::from_scalars(sig.r, sig.s)
            .map_err(|_| Sm2Error::BadSignature("r or s is not in [1, n-1]".into()))?;
        // Made per call: the reference path serves tests and fuzzing, not production. The
        // crate's own Z (here of an empty ID) is never used: it is given e = SM3(Z ‖ M).
        let inner = sm2::dsa::VerifyingKey::new("", self.key.inner)
            .map_err(|_| Sm2Error::MalformedKey("point rejected by the SM2 implementation".into()))?;
        inner
            .verify_prehash(e, &sig)
            .map_err(|_| Sm2Error::BadSignature("r does not match (e + x1) mod n".into()))
    }

    /// Verifies and returns a [`Report`] (kind [`REPORT_KIND`]) with a check for the
    /// signature's encoding and one for its value.
    pub fn report(&self, message: &[u8], signature: &[u8]) -> Report {
        self.report_digest(&self.digest(message), signature)
    }

    /// As [`Sm2Verifier::report`], with e already computed (e.g. by [`Sm2Verifier::digest_reader`]).
    pub fn report_digest(&self, e: &Sm3Digest, signature: &[u8]) -> Report {
        let mut report = Report::new(REPORT_KIND);
        report.subject.signer = Some(format!("SM2 key {}", self.key.fingerprint()));
        let distid = String::from_utf8_lossy(&self.distid).into_owned();
        match Sm2Signature::decode(signature) {
            Err(err) => {
                report.push(Check::failed("sm2.signature.encoding", err.reason(), err.to_string()));
            }
            Ok((sig, encoding)) => {
                report.push(
                    Check::passed(
                        "sm2.signature.encoding",
                        format!("{} signature", encoding.as_str().to_uppercase()),
                    )
                    .with_detail("encoding", encoding.as_str()),
                );
                let check = match self.verify_digest(e, &sig) {
                    Ok(()) => Check::passed("sm2.signature.value", "signature verifies"),
                    Err(err) => Check::failed("sm2.signature.value", err.reason(), err.to_string()),
                };
                report.push(check.with_detail("distid", distid).with_detail("e", hex::encode(e)));
            }
        }
        report.finish()
    }
}

/// The error [`Sm2Verifier::verify_digest`] reports for a fast-path rejection.
fn fast_error(err: FastVerifyError) -> Sm2Error {
    match err {
        FastVerifyError::Mismatch => Sm2Error::BadSignature("r does not match (e + x1) mod n".into()),
        other => Sm2Error::BadSignature(other.to_string()),
    }
}

/// Verifies many (verifier, e = SM3(Z ‖ M), signature) triples and returns each one's own
/// verdict, in the order given: a batch with one bad signature names it by its index.
///
/// On x86-64 CPUs with AVX-512 IFMA (detected at run time), the triples are verified eight at
/// a time, one per vector lane (`sm2_fast::ifma`: about 4× the throughput of single
/// verification, 2× that of a prepared verifier; verifiers with eight or more signatures in
/// the batch are prepared first and their groups run a quarter of the doublings). Elsewhere —
/// and for a last group of one or two — they go through the fast path, with verifiers that
/// appear more than once prepared first ([`Sm2Verifier::prepare`]), so every signature by a
/// repeated key (a chain's CA, one signer of many documents) is verified with 64 doublings
/// instead of 256; with the x86-64 assembly field (BMI2 and ADX) two at a time, their point
/// arithmetic interleaved (about 1.05–1.13× the throughput of single verification on Zen 3),
/// otherwise one after the other. Verdicts, errors included, are exactly those of
/// [`Sm2Verifier::verify_digest`].
pub fn verify_batch(items: &[(&Sm2Verifier, &Sm3Digest, &Sm2Signature)]) -> Vec<Result<(), Sm2Error>> {
    let mut verdicts: Vec<Option<Result<(), Sm2Error>>> = vec![None; items.len()];
    #[cfg(target_arch = "x86_64")]
    verify_batch_lanes(items, &mut verdicts);
    let mut seen = std::collections::HashMap::<*const Sm2Verifier, usize>::new();
    for ((verifier, _, _), _) in items.iter().zip(&verdicts).filter(|(_, v)| v.is_none()) {
        let count = seen.entry(*verifier as *const Sm2Verifier).or_default();
        *count += 1;
        if *count == 2 {
            verifier.prepare();
        }
    }
    // The rest: range errors as `verify_digest` gives them, the others verified interleaved
    // (`sm2_fast::verify_interleaved`, same verdicts as `FastPublicKey::verify`).
    let (mut indices, mut jobs) = (Vec::new(), Vec::new());
    for (i, ((verifier, e, sig), verdict)) in items.iter().zip(verdicts.iter_mut()).enumerate() {
        if verdict.is_some() {
            continue;
        }
        match check_scalars(sig) {
            Err(err) => *verdict = Some(Err(err)),
            Ok(()) => {
                indices.push(i);
                jobs.push((&verifier.fast, *e, &sig.r, &sig.s));
            }
        }
    }
    for (i, result) in indices.into_iter().zip(crate::sm::sm2_fast::verify_interleaved(&jobs)) {
        verdicts[i] = Some(result.map_err(fast_error));
    }
    verdicts
        .into_iter()
        .map(|v| v.unwrap_or_else(|| Err(fast_error(crate::sm::sm2_fast::FastVerifyError::Mismatch))))
        .collect()
}

/// Fewest triples worth one call of the 8-lane kernel, which costs the same for 1 or 8
/// (about 8 × 15 µs here, against 61 µs for one unprepared verification, 31 µs prepared).
#[cfg(target_arch = "x86_64")]
const MIN_LANES: usize = 3;

/// Signatures by one verifier from which [`verify_batch`] prepares it for the 8-lane kernel
/// (preparing costs about one verification and saves about half of each lane's work).
#[cfg(target_arch = "x86_64")]
const PREPARE_FOR_LANES: usize = 8;

/// The verdicts of the triples [`verify_batch`] gives the 8-lane kernel, where the CPU has
/// one: those with r and s in range (the range errors come first, as in
/// [`Sm2Verifier::verify_digest`]), in groups of prepared and of unprepared verifiers (a group
/// of prepared ones runs 64 doublings instead of 256); verifiers with many signatures in the
/// batch are prepared first.
#[cfg(target_arch = "x86_64")]
fn verify_batch_lanes(
    items: &[(&Sm2Verifier, &Sm3Digest, &Sm2Signature)],
    verdicts: &mut [Option<Result<(), Sm2Error>>],
) {
    use crate::sm::sm2_fast::ifma;
    if !ifma::available() {
        return;
    }
    let eligible: Vec<usize> = (0..items.len())
        .filter(|&i| check_scalars(items[i].2).is_ok())
        .collect();
    let mut seen = std::collections::HashMap::<*const Sm2Verifier, usize>::new();
    for &i in &eligible {
        let verifier = items[i].0;
        let count = seen.entry(verifier as *const Sm2Verifier).or_default();
        *count += 1;
        if *count == PREPARE_FOR_LANES {
            verifier.prepare();
        }
    }
    let (prepared, fresh): (Vec<usize>, Vec<usize>) =
        eligible.into_iter().partition(|&i| ifma::is_prepared(&items[i].0.fast));
    for group in prepared.chunks(ifma::LANES).chain(fresh.chunks(ifma::LANES)) {
        if group.len() < MIN_LANES {
            continue;
        }
        let jobs: Vec<ifma::Job<'_>> = group
            .iter()
            .map(|&i| {
                let (verifier, e, sig) = items[i];
                (&verifier.fast, e, &sig.r, &sig.s)
            })
            .collect();
        let Some(results) = ifma::verify_lanes(&jobs) else {
            return;
        };
        for (&i, result) in group.iter().zip(results) {
            verdicts[i] = Some(result.map_err(fast_error));
        }
    }
}

/// Signs with one SM2 key and distinguishing ID. Nonces are derived deterministically from
/// the private key and the digest (see [`Sm2Signer::sign_digest`]), so signing needs no
/// random source and the same key, ID and message always give the same signature (native
/// and WASM alike).
///
/// k·G is computed with the constant-time fixed-base comb of `sm2_fast` (a table of 43 × 32
/// odd multiples of G built once per process) and its x-coordinate with a constant-time
/// inversion, the scalar arithmetic modulo n with the `sm2` crate's constant-time scalars;
/// (1 + d)⁻¹ is computed once per signer.
#[derive(Clone)]
pub struct Sm2Signer {
    verifier: Sm2Verifier,
    inner: sm2::dsa::SigningKey,
    /// (1 + d)⁻¹ mod n, wiped on drop.
    d_plus_1_inv: Zeroizing<sm2::Scalar>,
    /// The keyed SM3 state of the signing nonce.
    nonce: KeyedNonce,
    /// The RFC 6979 generator's first HMAC with its fixed parts absorbed (for
    /// [`Sm2Signer::sign_digest_rfc6979`]).
    rfc6979: NonceBase,
}

/// The signing nonce of [`Sm2Signer::sign_digest`]: k = SM3(d ‖ L ‖ h ‖ c) read as a
/// big-endian integer, where d is the private key (32 bytes), L the 32-byte label
/// [`KeyedNonce::LABEL`], h the 32-byte digest being signed and c a counter byte, the first
/// c = 0, 1, … whose k lies in [1, n − 1] (c = 0 but with probability about 2⁻³²).
///
/// This is a pseudorandom function of h keyed by d, as Ed25519's nonce H(prefix ‖ M) is: the
/// first 64-byte block d ‖ L is absorbed once per signer, so each nonce costs one SM3
/// compression (RFC 6979's HMAC-DRBG costs 15). Every input has the same length (97 bytes),
/// so SM3's length extension does not apply, and k is never revealed. Equal digests give
/// equal nonces (and the same signature); different digests give independent nonces; no
/// random source is needed, so a broken one cannot leak the key. The hashing is constant
/// time; the only branch is on whether a candidate was rejected, which tells nothing about
/// the accepted k.
#[derive(Clone)]
struct KeyedNonce {
    /// SM3 with the block d ‖ L absorbed (compressed: nothing of d stays buffered).
    state: Sm3Hasher,
}

impl KeyedNonce {
    /// Domain separation from any other use of SM3 over the key.
    const LABEL: [u8; 32] = *b"yinjian SM2 signing nonce v1\0\0\0\0";

    fn new(d: &[u8; 32]) -> KeyedNonce {
        let mut block = Zeroizing::new([0u8; 64]);
        block[..32].copy_from_slice(d);
        block[32..].copy_from_slice(&Self::LABEL);
        let mut state = Sm3Hasher::new();
        state.update(&*block);
        KeyedNonce { state }
    }

    /// The candidate for counter c: SM3(d ‖ L ‖ h ‖ c), big-endian.
    fn candidate(&self, h: &[u8; 32], c: u8) -> Zeroizing<[u8; 32]> {
        let mut hasher = self.state.clone();
        hasher.update(h);
        hasher.update(&[c]);
        Zeroizing::new(hasher.finalize())
    }

    /// k for the digest h, in [1, n − 1]: as a scalar and as its big-endian bytes.
    fn nonce(&self, h: &[u8; 32]) -> (sm2::Scalar, Zeroizing<[u8; 32]>) {
        use sm2::elliptic_curve::PrimeField;
        let mut c = 0u8;
        loop {
            let t = self.candidate(h, c);
            let k = Option::<sm2::Scalar>::from(sm2::Scalar::from_repr((*t).into()));
            if let Some(k) = k.filter(|k| !bool::from(k.is_zero())) {
                return (k, t);
            }
            // t ≥ n or t = 0 (probability about 2⁻³² per candidate): the next counter. 256
            // rejections in a row have probability 2⁻⁸¹⁹²; the counter then wraps and the
            // loop goes on (the candidates repeat only if SM3 fails as a function).
            c = c.wrapping_add(1);
        }
    }
}

/// HMAC-SM3 (RFC 2104) under one 32-byte key, its two padded-key states computed once.
#[derive(Clone)]
struct HmacSm3 {
    inner: Sm3Hasher,
    outer: Sm3Hasher,
}

impl HmacSm3 {
    fn new(key: &[u8; 32]) -> HmacSm3 {
        let mut ipad = Zeroizing::new([0x36u8; 64]);
        let mut opad = Zeroizing::new([0x5cu8; 64]);
        for i in 0..32 {
            ipad[i] ^= key[i];
            opad[i] ^= key[i];
        }
        let (mut inner, mut outer) = (Sm3Hasher::new(), Sm3Hasher::new());
        inner.update(&*ipad);
        outer.update(&*opad);
        HmacSm3 { inner, outer }
    }

    /// The MAC of `inner` (a clone of `self.inner` with the message fed).
    fn finish(&self, inner: Sm3Hasher) -> Zeroizing<[u8; 32]> {
        let mut outer = self.outer.clone();
        outer.update(&inner.finalize());
        Zeroizing::new(outer.finalize())
    }

    fn mac(&self, parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
        let mut inner = self.inner.clone();
        for part in parts {
            inner.update(part);
        }
        self.finish(inner)
    }
}

/// The nonce generator of RFC 6979 §3.2 with HMAC-SM3 for one private key x: the value
/// `rfc6979::KGenerator::<Sm3, _>` gives (the `sm2` crate's signing nonce), in 15 SM3
/// compressions instead of about 30: the padded-key states of each K are computed once and
/// reused, the first HMAC (under the all-zero K) has V₀ ‖ 0x00 ‖ x absorbed per signer, and
/// the state update after an accepted k (needed only for a next k) is skipped.
#[derive(Clone)]
struct NonceBase {
    x: Zeroizing<[u8; 32]>,
    /// HMAC under K₀ = 0…0, inner state after V₀ ‖ 0x00 ‖ x.
    first: HmacSm3,
}

impl NonceBase {
    const V0: [u8; 32] = [0x01; 32];

    fn new(x: &[u8; 32]) -> NonceBase {
        let mut first = HmacSm3::new(&[0u8; 32]);
        first.inner.update(&Self::V0);
        first.inner.update(&[0x00]);
        first.inner.update(x);
        NonceBase {
            x: Zeroizing::new(*x),
            first,
        }
    }

    /// k for the digest h (already reduced modulo n), in [1, n − 1].
    fn nonce(&self, h: &[u8; 32]) -> sm2::Scalar {
        use sm2::elliptic_curve::PrimeField;
        // Step d: K = HMAC_K(V ‖ 0x00 ‖ x ‖ h); e: V = HMAC_K(V).
        let mut inner = self.first.inner.clone();
        inner.update(h);
        let k1 = self.first.finish(inner);
        let mac = HmacSm3::new(&k1);
        let v = mac.mac(&[&Self::V0]);
        // f: K = HMAC_K(V ‖ 0x01 ‖ x ‖ h); g: V = HMAC_K(V).
        let k2 = mac.mac(&[&*v, &[0x01], &*self.x, h]);
        let mut mac = HmacSm3::new(&k2);
        let mut v = mac.mac(&[&*v]);
        loop {
            // h: T = V = HMAC_K(V) (qlen = hlen = 256: one block), k = bits2int(T).
            v = mac.mac(&[&*v]);
            let k = Option::<sm2::Scalar>::from(sm2::Scalar::from_repr((*v).into()));
            if let Some(k) = k.filter(|k| !bool::from(k.is_zero())) {
                return k;
            }
            // k ∉ [1, n − 1] (probability about 2⁻³²): K = HMAC_K(V ‖ 0x00), V = HMAC_K(V).
            let k_next = mac.mac(&[&*v, &[0x00]]);
            mac = HmacSm3::new(&k_next);
            v = mac.mac(&[&*v]);
        }
    }
}

impl Sm2Signer {
    /// Signatures [`Sm2Signer::sign_many`] and [`Sm2Signer::sign_digests`] compute together
    /// (one field inversion for all of them); longer inputs go in chunks of this many. With
    /// 32 the shared inversion costs each signature about 1 % of its instructions, and the
    /// batch's state (the points and partial products) stays a few KiB on the stack.
    pub const BATCH: usize = crate::sm::sm2_fast::BASE_BATCH;

    /// A signer for `key` and `distid`.
    pub fn new(key: &PrivateKey, distid: &[u8]) -> Result<Sm2Signer, Sm2Error> {
        let verifier = Sm2Verifier::new(&key.public_key(), distid)?;
        let inner = sm2::dsa::SigningKey::new("", &key.inner)
            .map_err(|_| Sm2Error::Signing("private key is not in [1, n-2]".into()))?;
        let d: &sm2::Scalar = inner.as_nonzero_scalar();
        let d_plus_1_inv = Option::<sm2::Scalar>::from((*d + sm2::Scalar::ONE).invert())
            .ok_or_else(|| Sm2Error::Signing("private key is not in [1, n-2]".into()))?;
        let d_bytes: Zeroizing<[u8; 32]> = Zeroizing::new(d.to_bytes().into());
        Ok(Sm2Signer {
            verifier,
            inner,
            d_plus_1_inv: Zeroizing::new(d_plus_1_inv),
            nonce: KeyedNonce::new(&d_bytes),
            rfc6979: NonceBase::new(&d_bytes),
        })
    }

    /// The verifier for this signer's public key and ID.
    pub fn verifier(&self) -> &Sm2Verifier {
        &self.verifier
    }

    /// Signs `message` and encodes the signature.
    pub fn sign(&self, message: &[u8], encoding: SignatureEncoding) -> Result<Vec<u8>, Sm2Error> {
        Ok(self.sign_digest(&self.verifier.digest(message))?.encode(encoding))
    }

    /// Signs a precomputed e = SM3(Z ‖ M) (GB/T 32918.2 §6.1 steps A2–A7). The nonce k is
    /// SM3 keyed by the private key over e (one SM3 compression, see `KeyedNonce`): the same
    /// digest always gives the same signature, but not the `sm2` crate's, whose nonce is RFC
    /// 6979's ([`Sm2Signer::sign_digest_rfc6979`] gives that one).
    pub fn sign_digest(&self, e: &Sm3Digest) -> Result<Sm2Signature, Sm2Error> {
        let (k, k_bytes) = self.nonce.nonce(e);
        let k = Zeroizing::new(k);
        self.sign_with_nonce(&reduce_digest(e), &k, &k_bytes)
    }

    /// As [`Sm2Signer::sign_digest`] with the nonce of RFC 6979 §3.2 with HMAC-SM3 (the
    /// `sm2` crate's): the same signature as [`Sm2Signer::sign_digest_reference`], on the
    /// fast path. Fifteen SM3 compressions per nonce instead of one.
    pub fn sign_digest_rfc6979(&self, e: &Sm3Digest) -> Result<Sm2Signature, Sm2Error> {
        let e = reduce_digest(e);
        let k = Zeroizing::new(self.rfc6979.nonce(&e.to_bytes().into()));
        let k_bytes: Zeroizing<[u8; 32]> = Zeroizing::new(k.to_bytes().into());
        self.sign_with_nonce(&e, &k, &k_bytes)
    }

    /// Signs each of `messages` and encodes the signatures: the same bytes, in the same order,
    /// as [`Sm2Signer::sign`] gives for each message (the same keyed nonces), computed in
    /// batches of [`Sm2Signer::BATCH`] that share one field inversion (see
    /// [`Sm2Signer::sign_digests`]). For services that sign many documents or tokens with one
    /// key. An error (a degenerate nonce, probability about 2⁻²⁵⁵ per message) is the one
    /// `sign` gives for the first message that has it; no signatures are returned then.
    pub fn sign_many<M: AsRef<[u8]>>(
        &self,
        messages: &[M],
        encoding: SignatureEncoding,
    ) -> Result<Vec<Vec<u8>>, Sm2Error> {
        let digests: Vec<Sm3Digest> = messages.iter().map(|m| self.verifier.digest(m.as_ref())).collect();
        Ok(self
            .sign_digests(&digests)?
            .iter()
            .map(|sig| sig.encode(encoding))
            .collect())
    }

    /// Signs each of the precomputed digests e = SM3(Z ‖ M): the signatures
    /// [`Sm2Signer::sign_digest`] gives, in order (the same keyed nonces), computed
    /// [`Sm2Signer::BATCH`] at a time. Each k·G stays in Jacobian coordinates (X, Y, Z) until
    /// the batch is done; the Z of the whole batch are inverted together with one
    /// constant-time inversion and three multiplications per signature (Montgomery's trick)
    /// instead of one inversion each, about a quarter of a signature's instructions. Constant
    /// time as `sign_digest`: which operations run depends on the number of digests only (no
    /// Z can be zero for a nonce in [1, n − 1], see `sm2_fast`). Errors as
    /// [`Sm2Signer::sign_many`].
    pub fn sign_digests(&self, digests: &[Sm3Digest]) -> Result<Vec<Sm2Signature>, Sm2Error> {
        const BATCH: usize = Sm2Signer::BATCH;
        let mut out = Vec::with_capacity(digests.len());
        let mut ks = Zeroizing::new([sm2::Scalar::ZERO; BATCH]);
        let mut k_bytes = Zeroizing::new([[0u8; 32]; BATCH]);
        let mut x1 = [[0u8; 32]; BATCH];
        for chunk in digests.chunks(BATCH) {
            let m = chunk.len();
            for ((e, k), bytes) in chunk.iter().zip(ks.iter_mut()).zip(k_bytes.iter_mut()) {
                let (nonce, nonce_bytes) = self.nonce.nonce(e);
                *k = nonce;
                *bytes = *nonce_bytes;
            }
            // A4 for the whole chunk: x₁ of each k·G, one inversion.
            crate::sm::sm2_fast::mul_base_x_many(&k_bytes[..m], &mut x1[..m]);
            for ((e, k), x1) in chunk.iter().zip(ks.iter()).zip(&x1[..m]) {
                out.push(self.finish_signature(&reduce_digest(e), k, x1)?);
            }
        }
        Ok(out)
    }

    /// Steps A4–A7 for e (reduced modulo n) and the nonce k in [1, n − 1], also given as its
    /// big-endian bytes.
    fn sign_with_nonce(&self, e: &sm2::Scalar, k: &sm2::Scalar, k_bytes: &[u8; 32]) -> Result<Sm2Signature, Sm2Error> {
        // A4: x₁ of k·G, on the constant-time fixed-base table.
        let x1 = crate::sm::sm2_fast::mul_base_x(k_bytes);
        self.finish_signature(e, k, &x1)
    }

    /// Steps A5–A7 for e (reduced modulo n), the nonce k in [1, n − 1] and x₁ of k·G
    /// (big-endian).
    fn finish_signature(&self, e: &sm2::Scalar, k: &sm2::Scalar, x1: &[u8; 32]) -> Result<Sm2Signature, Sm2Error> {
        let degenerate = || Sm2Error::Signing("degenerate nonce".into());
        // A5: r = (e + x₁) mod n, neither 0 nor n − k.
        let r = *e + reduce_digest(x1);
        let r_plus_k = r + k;
        if bool::from(r.is_zero() | r_plus_k.is_zero()) {
            return Err(degenerate());
        }
        // A6: s = (1 + d)⁻¹·(k − r·d) = (1 + d)⁻¹·(k + r) − r mod n (k − r·d = (k + r) −
        // r·(1 + d)): one multiplication.
        let s = *self.d_plus_1_inv * r_plus_k - r;
        if bool::from(s.is_zero()) {
            return Err(degenerate());
        }
        Ok(Sm2Signature {
            r: r.to_bytes().into(),
            s: s.to_bytes().into(),
        })
    }

    /// As [`Sm2Signer::sign_digest`], on the RustCrypto `sm2` crate's signing: the reference
    /// the fast signing is tested against (both give the same signature).
    pub fn sign_digest_reference(&self, e: &Sm3Digest) -> Result<Sm2Signature, Sm2Error> {
        let sig: sm2::dsa::Signature = self
            .inner
            .sign_prehash(e)
            .map_err(|_| Sm2Error::Signing("degenerate nonce".into()))?;
        let raw = sig.to_bytes();
        Ok(Sm2Signature {
            r: to32(&raw[..32]),
            s: to32(&raw[32..]),
        })
    }
}

/// A 32-byte big-endian value modulo n.
fn reduce_digest(v: &[u8; 32]) -> sm2::Scalar {
    use sm2::elliptic_curve::ops::Reduce;
    <sm2::Scalar as Reduce<sm2::U256>>::reduce(&sm2::U256::from_be_slice(v))
}

/// r and s of `sig` each in [1, n − 1] (GB/T 32918.2 §7.2 B1, B2), r checked first.
fn check_scalars(sig: &Sm2Signature) -> Result<(), Sm2Error> {
    check_range(&sig.r, "r")?;
    check_range(&sig.s, "s")
}

fn check_range(v: &[u8; 32], name: &str) -> Result<(), Sm2Error> {
    if v.iter().all(|&b| b == 0) {
        return Err(Sm2Error::BadSignature(format!("{name} is zero")));
    }
    if *v >= ORDER_N {
        return Err(Sm2Error::BadSignature(format!("{name} is not below n")));
    }
    Ok(())
}

/// Forwards writes to a hasher in at most [`STREAM_CHUNK`] pieces.
struct BufferedSink<'a>(&'a mut Sm3Hasher);

impl io::Write for BufferedSink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = buf.len().min(STREAM_CHUNK);
        self.0.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Left-pads a big-endian value of at most 32 bytes.
fn to32(v: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[32 - v.len()..].copy_from_slice(v);
    out
}

pub(crate) const fn hex32(s: &str) -> [u8; 32] {
    let b = s.as_bytes();
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

/// Only ever evaluated at compile time on the literal constants above: a bad digit fails the
/// build, never a run.
const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("not a lower-case hex digit"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sm2::elliptic_curve::PrimeField;

    fn key() -> PrivateKey {
        PrivateKey::from_raw(&[7u8; 32]).unwrap()
    }

    /// Z from the default ID's precomputed prefix equals Z hashed from the start, computed
    /// independently (one buffer, one-shot SM3), for several keys; other IDs too.
    #[test]
    fn za_from_the_shared_prefix_equals_za_from_the_start() {
        for i in 1..=5u8 {
            let public = PrivateKey::from_raw(&[i; 32]).unwrap().public_key();
            for id in [DEFAULT_DISTID, b"ALICE123@YAHOO.COM".as_slice(), b"".as_slice()] {
                let mut all = Vec::new();
                all.extend_from_slice(&((id.len() * 8) as u16).to_be_bytes());
                for part in [id, &SM2P256V1_A, &SM2P256V1_B, &SM2P256V1_GX, &SM2P256V1_GY] {
                    all.extend_from_slice(part);
                }
                all.extend_from_slice(&public.to_sec1_uncompressed()[1..]);
                assert_eq!(za(&public, id).unwrap(), sm3(&all), "key {i}, id {id:?}");
                let verifier = Sm2Verifier::new(&public, id).unwrap();
                assert_eq!(verifier.za(), &sm3(&all));
            }
        }
    }

    #[test]
    fn constants_match_the_curve_implementation() {
        use primeorder::PrimeCurveParams;
        assert_eq!(SM2P256V1_A.as_slice(), sm2::Sm2::EQUATION_A.to_bytes().as_slice());
        assert_eq!(SM2P256V1_B.as_slice(), sm2::Sm2::EQUATION_B.to_bytes().as_slice());
        assert_eq!(SM2P256V1_GX.as_slice(), sm2::Sm2::GENERATOR.0.to_bytes().as_slice());
        assert_eq!(SM2P256V1_GY.as_slice(), sm2::Sm2::GENERATOR.1.to_bytes().as_slice());
        let n_minus_1 = -sm2::Scalar::ONE;
        let mut n = n_minus_1.to_repr();
        n[31] += 1;
        assert_eq!(n.as_slice(), ORDER_N.as_slice());
    }

    /// `sign_many` and `sign_digests` give, for 0, 1, 31, 32, 33 and 100 inputs (partial and
    /// whole batches of [`Sm2Signer::BATCH`]), exactly what `sign` and `sign_digest` give one
    /// by one, with equal messages among them; the signatures verify.
    #[test]
    fn batch_signing_equals_one_by_one() {
        assert_eq!(Sm2Signer::BATCH, 32);
        let signer = Sm2Signer::new(&key(), DEFAULT_DISTID).unwrap();
        let messages: Vec<Vec<u8>> = (0..100u32)
            .map(|i| {
                // Two equal messages (0 and 50), the rest distinct and of several lengths.
                let i = if i == 50 { 0 } else { i };
                let len = (i as usize * 7) % 90;
                (0..len).map(|j| (i as u8).wrapping_mul(31) ^ j as u8).collect()
            })
            .collect();
        for count in [0usize, 1, 31, 32, 33, 100] {
            let messages = &messages[..count];
            for enc in [SignatureEncoding::Der, SignatureEncoding::Raw] {
                let batch = signer.sign_many(messages, enc).unwrap();
                let one_by_one: Vec<Vec<u8>> = messages.iter().map(|m| signer.sign(m, enc).unwrap()).collect();
                assert_eq!(batch, one_by_one, "{count} messages");
            }
            let digests: Vec<Sm3Digest> = messages.iter().map(|m| signer.verifier().digest(m)).collect();
            let sigs = signer.sign_digests(&digests).unwrap();
            assert_eq!(sigs.len(), count);
            for (e, sig) in digests.iter().zip(&sigs) {
                assert_eq!(*sig, signer.sign_digest(e).unwrap());
                assert!(signer.verifier().verify_digest(e, sig).is_ok());
                assert!(signer.verifier().verify_digest_reference(e, sig).is_ok());
            }
        }
        let none: [&[u8]; 0] = [];
        assert!(signer.sign_many(&none, SignatureEncoding::Der).unwrap().is_empty());
        assert!(signer.sign_digests(&[]).unwrap().is_empty());
        // Digests at the edges (0, all ones, n, 1) in one batch, by a second key.
        let other = Sm2Signer::new(&PrivateKey::from_raw(&[0x42; 32]).unwrap(), b"ALICE").unwrap();
        let mut one = [0u8; 32];
        one[31] = 1;
        let edges = [[0u8; 32], [0xff; 32], ORDER_N, one];
        let sigs = other.sign_digests(&edges).unwrap();
        for (e, sig) in edges.iter().zip(&sigs) {
            assert_eq!(*sig, other.sign_digest(e).unwrap());
        }
    }

    #[test]
    fn sign_verify_both_encodings() {
        let signer = Sm2Signer::new(&key(), DEFAULT_DISTID).unwrap();
        for enc in [SignatureEncoding::Der, SignatureEncoding::Raw] {
            let sig = signer.sign(b"hello", enc).unwrap();
            assert_eq!(signer.verifier().verify(b"hello", &sig), Ok(enc));
            assert!(matches!(
                signer.verifier().verify(b"hellp", &sig),
                Err(Sm2Error::BadSignature(_))
            ));
            let other_id = Sm2Verifier::new(&key().public_key(), b"ALICE").unwrap();
            assert!(matches!(
                other_id.verify(b"hello", &sig),
                Err(Sm2Error::BadSignature(_))
            ));
        }
    }

    /// The fast signing with the RFC 6979 nonce gives the `sm2` crate's signatures (equal
    /// bytes), and with the keyed nonce other, deterministic signatures, over keys and digests
    /// at the edges (d = 1, d = n − 2, e = 0, e ≥ n); both verification paths accept both.
    #[test]
    fn fast_signing_equals_the_reference() {
        let mut n_minus_2 = ORDER_N;
        n_minus_2[31] -= 2;
        let mut one = [0u8; 32];
        one[31] = 1;
        let mut keys = vec![one, n_minus_2, [7u8; 32]];
        let mut digests = vec![[0u8; 32], [0xff; 32], ORDER_N, one];
        let mut seed = [0x5au8; 32];
        for _ in 0..12 {
            seed = sm3(&seed);
            keys.push(seed);
            digests.push(sm3(&keys[keys.len() - 1]));
        }
        for (i, raw) in keys.iter().enumerate() {
            let Ok(key) = PrivateKey::from_raw(raw) else { continue };
            let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
            for e in digests.iter().skip(i % 3).step_by(3) {
                let fast = signer.sign_digest_rfc6979(e).unwrap();
                let reference = signer.sign_digest_reference(e).unwrap();
                assert_eq!(fast, reference, "key {}", hex::encode(raw));
                assert!(signer.verifier().verify_digest_reference(e, &fast).is_ok());
                assert!(signer.verifier().verify_digest(e, &fast).is_ok());
                // The keyed nonce's signature: another nonce, a valid signature on both paths.
                let keyed = signer.sign_digest(e).unwrap();
                assert_ne!(keyed, reference);
                assert_eq!(signer.sign_digest(e).unwrap(), keyed, "deterministic");
                assert!(signer.verifier().verify_digest_reference(e, &keyed).is_ok());
                assert!(signer.verifier().verify_digest(e, &keyed).is_ok());
            }
        }
    }

    /// The keyed nonce: in [1, n − 1], the first candidate SM3(d ‖ L ‖ h ‖ 0) when that is in
    /// range, the same for the same digest, different for different digests and keys.
    #[test]
    fn keyed_nonce_is_in_range_and_differs_per_message() {
        use sm2::elliptic_curve::PrimeField;
        let a = KeyedNonce::new(&[7u8; 32]);
        let b = KeyedNonce::new(&[8u8; 32]);
        let mut seen = std::collections::HashSet::new();
        let mut h = [0u8; 32];
        for i in 0..200u32 {
            h[..4].copy_from_slice(&i.to_be_bytes());
            let (k, bytes) = a.nonce(&h);
            assert!(!bool::from(k.is_zero()));
            assert!(*bytes < ORDER_N, "k below n");
            assert_eq!(k.to_repr().as_slice(), bytes.as_slice());
            // SM3 over exactly d ‖ L ‖ h ‖ 0 (the first candidate is accepted but with
            // probability 2⁻³²).
            let mut input = [7u8; 32].to_vec();
            input.extend_from_slice(&KeyedNonce::LABEL);
            input.extend_from_slice(&h);
            input.push(0);
            assert_eq!(*bytes, sm3(&input));
            assert_eq!(*a.nonce(&h).1, *bytes, "deterministic");
            assert!(seen.insert(*bytes), "a nonce repeated for another digest");
            assert!(seen.insert(*b.nonce(&h).1), "another key gives another nonce");
        }
        // The edges of e: 0, n, 2²⁵⁶ − 1.
        for h in [[0u8; 32], ORDER_N, [0xff; 32]] {
            assert!(*a.nonce(&h).1 < ORDER_N);
        }
    }

    /// GB/T 32918.5-2017 Annex A: d_A, the nonce k and e as printed give the printed r, s.
    #[test]
    fn fixed_nonce_signature_of_the_standard() {
        use sm2::elliptic_curve::PrimeField;
        let key = PrivateKey::from_raw(&hex32(
            "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8",
        ))
        .unwrap();
        let signer = Sm2Signer::new(&key, DEFAULT_DISTID).unwrap();
        let e = hex32("f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640");
        assert_eq!(signer.verifier().digest(b"message digest"), e);
        let scalar = |h: &str| sm2::Scalar::from_repr(hex32(h).into()).unwrap();
        let k = scalar("59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21");
        let e_scalar = scalar("f0b43e94ba45accaace692ed534382eb17e6ab5a19ce7b31f4486fdfc0d28640");
        let k_bytes = hex32("59276e27d506861a16680f3ad9c02dccef3cc1fa3cdbe4ce6d54b80deac1bc21");
        let sig = signer.sign_with_nonce(&e_scalar, &k, &k_bytes).unwrap();
        assert_eq!(
            sig.r,
            hex32("f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3")
        );
        assert_eq!(
            sig.s,
            hex32("b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa")
        );
    }

    /// A batch's verdicts are the single verifications' ones, the bad signature named.
    #[test]
    fn batch_verdicts_equal_single_verification() {
        let keys: Vec<PrivateKey> = (1u8..4).map(|i| PrivateKey::from_raw(&[i; 32]).unwrap()).collect();
        let signers: Vec<Sm2Signer> = keys
            .iter()
            .map(|k| Sm2Signer::new(k, DEFAULT_DISTID).unwrap())
            .collect();
        let mut triples = Vec::new();
        for i in 0..12u8 {
            let signer = &signers[usize::from(i % 3)];
            let e = sm3(&[i]);
            let mut sig = signer.sign_digest(&e).unwrap();
            if i == 7 {
                sig.s[5] ^= 0x10;
            }
            if i == 10 {
                sig.r = [0u8; 32];
            }
            triples.push((signer.verifier(), e, sig));
        }
        let items: Vec<_> = triples.iter().map(|(v, e, s)| (*v, e, s)).collect();
        let verdicts = verify_batch(&items);
        let bad: Vec<usize> = verdicts
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_err())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(bad, vec![7, 10]);
        for ((v, e, s), verdict) in triples.iter().zip(&verdicts) {
            assert_eq!(verdict, &v.verify_digest(e, s));
            assert_eq!(verdict.is_ok(), v.verify_digest_reference(e, s).is_ok());
        }
    }

    #[test]
    fn der_and_raw_round_trip() {
        let sig = Sm2Signature {
            r: to32(&[0x80, 1]),
            s: to32(&[1]),
        };
        let der = sig.to_der();
        assert_eq!(der, vec![0x30, 0x08, 0x02, 0x03, 0x00, 0x80, 0x01, 0x02, 0x01, 0x01]);
        assert_eq!(Sm2Signature::decode(&der).unwrap(), (sig, SignatureEncoding::Der));
        assert_eq!(
            Sm2Signature::decode(&sig.to_raw()).unwrap(),
            (sig, SignatureEncoding::Raw)
        );
    }

    #[test]
    fn strict_der() {
        // needless leading zero, trailing byte, negative integer, truncated
        for bad in [
            &[0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01][..],
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x00][..],
            &[0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01][..],
            &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02][..],
            &[0x30, 0x81, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01][..],
            &[][..],
        ] {
            assert!(
                matches!(Sm2Signature::decode(bad), Err(Sm2Error::MalformedSignature(_))),
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn range_checks_are_bad_signatures() {
        let v = Sm2Verifier::new(&key().public_key(), DEFAULT_DISTID).unwrap();
        let e = v.digest(b"m");
        for (r, s) in [
            ([0u8; 32], [1u8; 32]),
            ([1u8; 32], [0u8; 32]),
            (ORDER_N, [1u8; 32]),
            ([1u8; 32], [0xff; 32]),
        ] {
            assert!(matches!(
                v.verify_digest(&e, &Sm2Signature { r, s }),
                Err(Sm2Error::BadSignature(_))
            ));
        }
    }

    #[test]
    fn key_forms_agree() {
        let public = key().public_key();
        let sec1 = public.to_sec1_uncompressed();
        assert_eq!(PublicKey::parse(&sec1).unwrap(), public);
        assert_eq!(PublicKey::parse(&sec1[1..]).unwrap(), public);
        assert_eq!(PublicKey::parse(hex::encode(sec1).as_bytes()).unwrap(), public);
        assert_eq!(PublicKey::parse(&public.to_spki_der()).unwrap(), public);
        assert_eq!(PublicKey::parse(public.to_pem().as_bytes()).unwrap(), public);
        let mut compressed = vec![2 + (sec1[64] & 1)];
        compressed.extend_from_slice(&sec1[1..33]);
        assert_eq!(PublicKey::parse(&compressed).unwrap(), public);
        let mut off_curve = sec1;
        off_curve[64] ^= 1;
        assert!(matches!(PublicKey::parse(&off_curve), Err(Sm2Error::MalformedKey(_))));
    }

    #[test]
    fn distid_length_limit() {
        let public = key().public_key();
        assert!(Sm2Verifier::new(&public, &vec![b'a'; MAX_DISTID_LEN]).is_ok());
        assert_eq!(
            Sm2Verifier::new(&public, &vec![b'a'; MAX_DISTID_LEN + 1]).err(),
            Some(Sm2Error::DistIdTooLong(MAX_DISTID_LEN + 1))
        );
    }

    #[test]
    fn streamed_digest_equals_one_shot() {
        let v = Sm2Verifier::new(&key().public_key(), DEFAULT_DISTID).unwrap();
        let msg = vec![9u8; 200_000];
        assert_eq!(v.digest_reader(&msg[..]).unwrap(), v.digest(&msg));
    }

    #[test]
    #[cfg(feature = "token")]
    fn a_key_met_again_gets_the_same_cached_verifier() {
        let signer = Sm2Signer::new(&key(), DEFAULT_DISTID).unwrap();
        let public = key().public_key();
        let first = Sm2Verifier::cached_from_key(&public, DEFAULT_DISTID).unwrap();
        let again = Sm2Verifier::cached_from_key(&public, DEFAULT_DISTID).unwrap();
        assert!(std::rc::Rc::ptr_eq(&first, &again));
        let other_id = Sm2Verifier::cached_from_key(&public, b"ALICE").unwrap();
        assert!(!std::rc::Rc::ptr_eq(&first, &other_id));
        let other_key = PrivateKey::from_raw(&[8u8; 32]).unwrap().public_key();
        let other = Sm2Verifier::cached_from_key(&other_key, DEFAULT_DISTID).unwrap();
        assert!(!std::rc::Rc::ptr_eq(&first, &other));
        // The cached verifier verifies as a new one does, prepared or not.
        let sig = signer.sign(b"token", SignatureEncoding::Raw).unwrap();
        for _ in 0..3 {
            let cached = Sm2Verifier::cached_from_key(&public, DEFAULT_DISTID).unwrap();
            assert_eq!(cached.verify(b"token", &sig), Ok(SignatureEncoding::Raw));
            assert!(cached.verify(b"tokem", &sig).is_err());
            assert!(other_id.verify(b"token", &sig).is_err());
        }
    }
}
