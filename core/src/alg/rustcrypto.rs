//! RSA and ECDSA where `ring` cannot: RSA below 2048 bits, DigestInfo without NULL
//! parameters, RSA-PSS with any salt length or MGF1 hash, ECDSA over P-521 and the brainpool
//! curves, with any SHA digest, DER or plain r‖s values (RustCrypto `rsa`, `ecdsa`, `p256`,
//! `p384`, `p521`, `bp256`, `bp384`).

use der::asn1::UintRef;
use der::{Decode, Sequence};
use rsa::hazmat::rsa_encrypt;
use rsa::traits::PublicKeyParts;
use rsa::BoxedUint;

use super::{AlgError, Curve, DigestAlgorithm, EcdsaEncoding};

/// Smallest RSA modulus verified at all, in bits (smaller keys are refused as malformed).
pub const MIN_RSA_BITS: u32 = 1024;
/// Largest RSA modulus verified, in bits (bounds the work a hostile key can cause).
pub const MAX_RSA_BITS: u32 = 16384;

/// RSAPublicKey (RFC 8017 A.1.1).
#[derive(Sequence)]
struct RsaPublicKeyDer<'a> {
    n: UintRef<'a>,
    e: UintRef<'a>,
}

/// An RSA public key as the registry needs it (the big-number form is built only when
/// RustCrypto verifies: `ring` and the constraints need only the size).
pub(super) struct RsaKey {
    /// The modulus, big-endian, without leading zeros.
    n: Vec<u8>,
    /// The public exponent, big-endian.
    e: Vec<u8>,
    /// Modulus size in bits.
    pub bits: u32,
    /// The encoding needed leniency (see [`RsaKey::from_der`]): the note for the report.
    pub leniency: Option<&'static str>,
}

/// The note for a key whose integers are not minimal, positive DER.
const LENIENT_RSA_KEY: &str = "the RSA key's integers are not DER (a modulus or exponent written as a negative or \
non-minimal INTEGER, as some ID-card certificates have): read as unsigned big-endian numbers, as OpenSSL does";

/// The two INTEGERs of an RSAPublicKey read as unsigned magnitudes whatever their sign bit
/// or leading zeros: a definite-length SEQUENCE of exactly two INTEGERs, nothing after it.
fn lenient_rsa_integers(key: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    fn tlv(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
        let (&t, rest) = input.split_first()?;
        let (&first, rest) = rest.split_first()?;
        if t != tag {
            return None;
        }
        let (len, rest) = match first {
            0..=0x7f => (usize::from(first), rest),
            0x81..=0x84 => {
                let n = usize::from(first & 0x7f);
                let (bytes, rest) = (rest.get(..n)?, rest.get(n..)?);
                (bytes.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)), rest)
            }
            _ => return None,
        };
        Some((rest.get(..len)?, rest.get(len..)?))
    }
    let (body, after) = tlv(key, 0x30)?;
    let (n, body) = tlv(body, 0x02)?;
    let (e, body) = tlv(body, 0x02)?;
    if !after.is_empty() || !body.is_empty() {
        return None;
    }
    let strip = |v: &[u8]| v[v.iter().position(|&b| b != 0).unwrap_or(v.len())..].to_vec();
    Some((strip(n), strip(e)))
}

/// Number of significant bits of a big-endian unsigned integer.
pub(super) fn bit_len(bytes: &[u8]) -> u32 {
    let trimmed: &[u8] = match bytes.iter().position(|&b| b != 0) {
        Some(i) => &bytes[i..],
        None => return 0,
    };
    let len = u32::try_from(trimmed.len()).unwrap_or(u32::MAX / 8);
    len.saturating_mul(8) - trimmed[0].leading_zeros()
}

impl RsaKey {
    /// Decodes the subjectPublicKey BIT STRING contents of an RSA key.
    /// A key whose integers are not DER (negative or non-minimal) is read as unsigned
    /// numbers with a note ([`RsaKey::leniency`]).
    pub(super) fn from_der(key_bytes: &[u8]) -> Result<RsaKey, AlgError> {
        let (n, e, leniency) = match RsaPublicKeyDer::from_der(key_bytes) {
            Ok(parsed) => (parsed.n.as_bytes().to_vec(), parsed.e.as_bytes().to_vec(), None),
            Err(error) => match lenient_rsa_integers(key_bytes) {
                Some((n, e)) => (n, e, Some(LENIENT_RSA_KEY)),
                None => return Err(AlgError::MalformedKey(format!("RSAPublicKey: {error}"))),
            },
        };
        let bits = bit_len(&n);
        if !(MIN_RSA_BITS..=MAX_RSA_BITS).contains(&bits) {
            return Err(AlgError::MalformedKey(format!(
                "RSA modulus of {bits} bits (verified: {MIN_RSA_BITS} to {MAX_RSA_BITS})"
            )));
        }
        Ok(RsaKey { n, e, bits, leniency })
    }

    /// Whether RustCrypto accepts the key (modulus odd, exponent in range).
    pub(super) fn validate(&self) -> Result<(), AlgError> {
        self.public_key()
            .map(|_| ())
            .ok_or_else(|| AlgError::MalformedKey("RSA key: invalid modulus or public exponent".into()))
    }

    fn public_key(&self) -> Option<rsa::PublicKey> {
        rsa::PublicKey::new_with_size_limits(
            BoxedUint::from_be_slice_vartime(&self.n),
            BoxedUint::from_be_slice_vartime(&self.e),
            MIN_RSA_BITS as usize..=MAX_RSA_BITS as usize,
        )
        .ok()
    }

    /// Modulus length in bytes.
    fn k(&self) -> usize {
        self.n.len()
    }

    /// RSAVP1 (RFC 8017 §5.2.2): the encoded message of `signature`, `k` bytes, or `None` when
    /// the value has the wrong length or is not below the modulus.
    fn open(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let k = self.k();
        if signature.len() != k || signature >= self.n.as_slice() {
            return None;
        }
        let key = self.public_key()?;
        let s = BoxedUint::from_be_slice(signature, key.n_bits_precision()).ok()?;
        let m = rsa_encrypt(&key, &s).ok()?.to_be_bytes();
        let start = m.len().checked_sub(k)?;
        if m[..start].iter().any(|&b| b != 0) {
            return None;
        }
        Some(m[start..].to_vec())
    }

    /// PKCS#1 v1.5 (RFC 8017 §8.2.2) over `digest` (the hash of the message under `hash`).
    /// `Ok(false)` means it verified with the DigestInfo as RFC 8017 writes it; `Ok(true)`
    /// that it verified only with the NULL parameters absent (as some products write it).
    pub(super) fn verify_pkcs1(&self, hash: DigestAlgorithm, digest: &[u8], signature: &[u8]) -> Result<bool, ()> {
        let em = self.open(signature).ok_or(())?;
        // 00 01 FF…FF 00 T, at least eight FF.
        if em.len() < 11 || em[0] != 0 || em[1] != 1 {
            return Err(());
        }
        let ff = em[2..].iter().take_while(|&&b| b == 0xff).count();
        if ff < 8 || em.get(2 + ff) != Some(&0) {
            return Err(());
        }
        let t = &em[3 + ff..];
        if t == digest_info(hash, digest, true).as_slice() {
            Ok(false)
        } else if t == digest_info(hash, digest, false).as_slice() {
            Ok(true)
        } else {
            Err(())
        }
    }

    /// EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with the hash, MGF1 hash and salt length given.
    pub(super) fn verify_pss(
        &self,
        hash: DigestAlgorithm,
        mgf1: DigestAlgorithm,
        salt_len: usize,
        m_hash: &[u8],
        signature: &[u8],
    ) -> bool {
        let Some(em) = self.open(signature) else {
            return false;
        };
        let em_bits = (self.bits - 1) as usize;
        let em_len = em_bits.div_ceil(8);
        // With modBits ≡ 1 (mod 8) the encoded message is one byte shorter than k.
        let (lead, em) = em.split_at(em.len() - em_len);
        if lead.iter().any(|&b| b != 0) {
            return false;
        }
        let h_len = hash.output_len();
        if em_len < h_len + salt_len + 2 || em[em_len - 1] != 0xbc {
            return false;
        }
        let (masked_db, h) = em[..em_len - 1].split_at(em_len - h_len - 1);
        let top_bits = 8 * em_len - em_bits;
        let top_mask = 0xffu8.checked_shr(top_bits as u32).unwrap_or(0);
        if masked_db[0] & !top_mask != 0 {
            return false;
        }
        let mut db = mgf1_mask(mgf1, h, masked_db.len());
        for (d, m) in db.iter_mut().zip(masked_db) {
            *d ^= m;
        }
        db[0] &= top_mask;
        let ps_len = em_len - h_len - salt_len - 2;
        if db[..ps_len].iter().any(|&b| b != 0) || db[ps_len] != 1 {
            return false;
        }
        let salt = &db[db.len() - salt_len..];
        let mut hasher = hash.hasher();
        hasher.update(&[0u8; 8]);
        hasher.update(m_hash);
        hasher.update(salt);
        hasher.finalize() == h
    }
}

/// MGF1 (RFC 8017 B.2.1).
fn mgf1_mask(hash: DigestAlgorithm, seed: &[u8], len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + hash.output_len());
    let mut counter = 0u32;
    while out.len() < len {
        let mut h = hash.hasher();
        h.update(seed);
        h.update(&counter.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        counter += 1;
    }
    out.truncate(len);
    out
}

/// The DER DigestInfo of `digest`, with or without the NULL parameters.
fn digest_info(hash: DigestAlgorithm, digest: &[u8], with_null: bool) -> Vec<u8> {
    let oid = hash.oid();
    let oid_der = oid.as_bytes();
    let mut alg = vec![0x06, oid_der.len() as u8];
    alg.extend_from_slice(oid_der);
    if with_null {
        alg.extend_from_slice(&[0x05, 0x00]);
    }
    let mut inner = vec![0x30, alg.len() as u8];
    inner.extend_from_slice(&alg);
    inner.extend_from_slice(&[0x04, digest.len() as u8]);
    inner.extend_from_slice(digest);
    let mut out = vec![0x30, inner.len() as u8];
    out.extend_from_slice(&inner);
    out
}

/// What an ECDSA verification with RustCrypto found.
pub(super) enum EcdsaOutcome {
    /// The key does not decode as a point of the curve.
    BadKey(String),
    /// The signature verifies, in this encoding.
    Verified(EcdsaEncoding),
    /// The signature does not verify (or decodes in neither encoding).
    Failed,
    /// The curve is not in this build.
    #[cfg_attr(feature = "extra-curves", allow(dead_code))]
    Unsupported(String),
}

macro_rules! ecdsa_verify {
    ($curve:ty, $key:expr, $prehash:expr, $sig:expr, $encoding:expr) => {{
        use ecdsa::signature::hazmat::PrehashVerifier;
        match ecdsa::VerifyingKey::<$curve>::from_sec1_bytes($key) {
            Err(e) => Err(format!("EC point: {e}")),
            Ok(vk) => {
                let sig = match $encoding {
                    EcdsaEncoding::Der => ecdsa::Signature::<$curve>::from_der($sig),
                    EcdsaEncoding::Plain => ecdsa::Signature::<$curve>::from_slice($sig),
                };
                Ok(sig.is_ok_and(|s| vk.verify_prehash($prehash, &s).is_ok()))
            }
        }
    }};
}

/// ECDSA over `curve` of the prehashed message, the value in `encoding`.
pub(super) fn verify_ecdsa(
    curve: Curve,
    key: &[u8],
    prehash: &[u8],
    sig: &[u8],
    encoding: EcdsaEncoding,
) -> EcdsaOutcome {
    let result: Result<bool, String> = match curve {
        Curve::P256 => ecdsa_verify!(p256::NistP256, key, prehash, sig, encoding),
        Curve::P384 => ecdsa_verify!(p384::NistP384, key, prehash, sig, encoding),
        #[cfg(feature = "extra-curves")]
        Curve::P521 => ecdsa_verify!(p521::NistP521, key, prehash, sig, encoding),
        #[cfg(feature = "extra-curves")]
        Curve::BrainpoolP256r1 => ecdsa_verify!(bp256::BrainpoolP256r1, key, prehash, sig, encoding),
        #[cfg(feature = "extra-curves")]
        Curve::BrainpoolP384r1 => ecdsa_verify!(bp384::BrainpoolP384r1, key, prehash, sig, encoding),
        #[cfg(not(feature = "extra-curves"))]
        Curve::P521 | Curve::BrainpoolP256r1 | Curve::BrainpoolP384r1 => {
            return EcdsaOutcome::Unsupported(format!(
                "ECDSA over {} is not in this build (yinjian feature extra-curves)",
                curve.name()
            ))
        }
    };
    match result {
        Err(e) => EcdsaOutcome::BadKey(e),
        Ok(true) => EcdsaOutcome::Verified(encoding),
        Ok(false) => EcdsaOutcome::Failed,
    }
}
