//! Crypto constraints: which algorithms and key sizes a verifier accepts for a signature that
//! verifies mathematically (ETSI EN 319 102-1 §5.2.8, defaults modelled on ETSI TS 119 312).
//!
//! A signature that verifies but breaks the constraints is INDETERMINATE with
//! [`Reason::CryptoConstraintsFailure`]; only a signature that does not verify is
//! [`Reason::BadSignature`].

use crate::report::{Check, Reason};
use crate::time::Time;

use super::{key_info, DigestAlgorithm, KeyInfo, SignatureAlgorithm};

/// Default end of SHA-1 for signatures: 2017-01-01T00:00:00Z (Unix seconds), when browsers and
/// the CA/Browser Forum had ended SHA-1 certificates; the default validation policy's date
/// (`core/src/policy/default.json`, which a test keeps equal).
pub const DEFAULT_SHA1_UNTIL: i64 = 1_483_228_800;

/// Default legacy RSA size: 1024-bit keys, acceptable until [`DEFAULT_LEGACY_RSA_UNTIL`].
pub const DEFAULT_LEGACY_RSA_BITS: u32 = 1024;

/// Default end of 1024-bit RSA: 2014-01-01T00:00:00Z (Unix seconds; NIST SP 800-131A
/// disallowed it for signature generation after 2013).
pub const DEFAULT_LEGACY_RSA_UNTIL: i64 = 1_388_534_400;

/// The algorithms and key sizes acceptable for signatures, used by every verifier (CMS,
/// X.509 chains, time-stamps, PDF, OFD). SM2/SM3 and Ed25519 are always acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CryptoConstraints {
    /// Smallest acceptable RSA modulus (and DSA prime), in bits (default 2048, ETSI TS 119 312).
    pub min_rsa_bits: u32,
    /// Smallest acceptable elliptic-curve size, in bits (default 256).
    pub min_ec_bits: u32,
    /// Whether SHA-1 is acceptable as the digest of a signature whatever its time (default no:
    /// ETSI TS 119 312 no longer lists it for signatures).
    pub allow_sha1: bool,
    /// SHA-1 is acceptable for a signature proven to exist before this time (a validation
    /// policy's end date for the algorithm; see [`CryptoConstraints::at`]; default
    /// 2017-01-01, as the default validation policy).
    pub sha1_until: Option<Time>,
    /// RSA (and DSA) keys of at least `.0` bits are acceptable for a signature proven to exist
    /// before `.1` (a validation policy's end date for the smaller size; default 1024 bits until
    /// 2014-01-01, as the default validation policy).
    pub legacy_rsa: Option<(u32, Time)>,
}

impl Default for CryptoConstraints {
    fn default() -> Self {
        CryptoConstraints {
            min_rsa_bits: 2048,
            min_ec_bits: 256,
            allow_sha1: false,
            sha1_until: Some(Time::from_unix(DEFAULT_SHA1_UNTIL).unwrap_or(Time::UNIX_EPOCH)),
            legacy_rsa: Some((
                DEFAULT_LEGACY_RSA_BITS,
                Time::from_unix(DEFAULT_LEGACY_RSA_UNTIL).unwrap_or(Time::UNIX_EPOCH),
            )),
        }
    }
}

impl CryptoConstraints {
    /// Everything this library can verify is acceptable (RSA from 1024 bits, SHA-1): for
    /// examining legacy data, never for deciding that a signature is valid today.
    pub fn legacy() -> CryptoConstraints {
        CryptoConstraints {
            min_rsa_bits: super::rustcrypto::MIN_RSA_BITS,
            min_ec_bits: 0,
            allow_sha1: true,
            sha1_until: None,
            legacy_rsa: None,
        }
    }

    /// The constraints for a signature proven to exist at `t` (ETSI EN 319 102-1 §5.6.2.5:
    /// an algorithm is judged at the time the signature is proven to have existed): SHA-1 is
    /// accepted before `sha1_until`, the legacy RSA size before its end date.
    pub fn at(&self, t: Time) -> CryptoConstraints {
        let mut c = *self;
        if self.sha1_until.is_some_and(|until| t < until) {
            c.allow_sha1 = true;
        }
        if let Some((bits, until)) = self.legacy_rsa {
            if t < until {
                c.min_rsa_bits = c.min_rsa_bits.min(bits);
            }
        }
        c
    }

    /// Whether `digest` is acceptable; the error says why not.
    pub fn check_digest(&self, digest: DigestAlgorithm) -> Result<(), String> {
        if digest == DigestAlgorithm::Sha1 && !self.allow_sha1 {
            return Err("SHA-1 is not acceptable for signatures (ETSI TS 119 312)".into());
        }
        Ok(())
    }

    /// Whether `key` is acceptable; the error says why not.
    pub fn check_key(&self, key: KeyInfo) -> Result<(), String> {
        match key {
            KeyInfo::Rsa { bits } if bits < self.min_rsa_bits => Err(format!(
                "an RSA key of {bits} bits is below the {} bits required (ETSI TS 119 312)",
                self.min_rsa_bits
            )),
            KeyInfo::Dsa { bits } if bits < self.min_rsa_bits => Err(format!(
                "a DSA key of {bits} bits is below the {} bits required of finite-field keys (ETSI TS 119 312)",
                self.min_rsa_bits
            )),
            KeyInfo::Ec(curve) if curve.bits() < self.min_ec_bits => Err(format!(
                "the curve {} ({} bits) is below the {} bits required",
                curve.name(),
                curve.bits(),
                self.min_ec_bits
            )),
            _ => Ok(()),
        }
    }

    /// Whether a signature made with `alg` (its message digest `digest`, when the container
    /// names another, e.g. a CMS SignerInfo) by `key` is acceptable; every broken rule, joined.
    pub fn check(&self, alg: SignatureAlgorithm, digest: Option<DigestAlgorithm>, key: KeyInfo) -> Result<(), String> {
        let mut broken = Vec::new();
        let mut digests = vec![alg.digest(), digest];
        digests.dedup();
        for d in digests.into_iter().flatten() {
            if let Err(e) = self.check_digest(d) {
                broken.push(e);
            }
        }
        if let Err(e) = self.check_key(key) {
            broken.push(e);
        }
        if broken.is_empty() {
            Ok(())
        } else {
            Err(broken.join("; "))
        }
    }

    /// [`CryptoConstraints::check`] with the key given as DER SubjectPublicKeyInfo (a key that
    /// does not decode is left to the signature check, which reports it).
    pub fn check_spki(
        &self,
        alg: SignatureAlgorithm,
        digest: Option<DigestAlgorithm>,
        spki_der: &[u8],
    ) -> Result<(), String> {
        match key_info(spki_der) {
            Ok(key) => self.check(alg, digest, key),
            Err(_) => self.check(alg, digest, KeyInfo::Unknown),
        }
    }

    /// A report check named `name` for a signature that verified: `None` when the constraints
    /// are met, else INDETERMINATE with [`Reason::CryptoConstraintsFailure`].
    pub fn failure_check(
        &self,
        name: &str,
        alg: SignatureAlgorithm,
        digest: Option<DigestAlgorithm>,
        spki_der: &[u8],
    ) -> Option<Check> {
        let why = self.check_spki(alg, digest, spki_der).err()?;
        Some(
            Check::failed(
                name,
                Reason::CryptoConstraintsFailure,
                format!("the signature verifies, but {why}"),
            )
            .with_detail("signature_algorithm", alg.name()),
        )
    }
}
