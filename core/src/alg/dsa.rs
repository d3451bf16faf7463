//! DSA (FIPS 186-4) signature verification with RustCrypto `dsa`, for legacy certificates
//! and CRLs (NIST PKITS 4.1.4–4.1.6): dsa-with-SHA1 and dsa-with-SHA256, and the RFC 5280
//! §6.1.4 (a)(1) inheritance of DSA domain parameters from the issuer's key.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier, UintRef};
use der::{Decode, Encode};
use dsa::signature::hazmat::PrehashVerifier;
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

use super::{AlgError, DigestAlgorithm};

/// id-dsa (RFC 3279 §2.3.2), the DSA key algorithm.
pub const ID_DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");
/// id-dsa-with-sha1 (RFC 3279 §2.2.2).
pub const DSA_WITH_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.3");
/// id-dsa-with-sha256 (RFC 5758 §3.1).
pub const DSA_WITH_SHA256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.3.2");

/// Verifies a DER `Dss-Sig-Value` over `message` hashed with `digest`, with the DSA key in
/// `spki` (which must carry its domain parameters: see [`inherit_dsa_parameters`]).
pub(super) fn verify(
    digest: DigestAlgorithm,
    spki: &SubjectPublicKeyInfoRef<'_>,
    message: &[u8],
    signature: &[u8],
    name: &'static str,
) -> Result<u32, AlgError> {
    if spki.algorithm.oid != ID_DSA {
        return Err(AlgError::KeyMismatch(format!(
            "{name} cannot use a key of algorithm {}",
            spki.algorithm.oid
        )));
    }
    let params = spki.algorithm.parameters.as_ref().ok_or_else(|| {
        AlgError::MalformedKey("DSA key without domain parameters (none inherited from an issuer)".into())
    })?;
    let params = params
        .to_der()
        .map_err(|e| AlgError::MalformedKey(format!("DSA parameters: {e}")))?;
    let components = dsa::Components::from_der(&params)
        .map_err(|e| AlgError::MalformedKey(format!("DSA parameters (p, q, g) unusable: {e}")))?;
    let key_bytes = spki
        .subject_public_key
        .as_bytes()
        .ok_or_else(|| AlgError::MalformedKey("public key BIT STRING has unused bits".into()))?;
    let y = UintRef::from_der(key_bytes).map_err(|e| AlgError::MalformedKey(format!("DSA public key: {e}")))?;
    let key = dsa::VerifyingKey::from_components(components, dsa::BoxedUint::from_be_slice_vartime(y.as_bytes()))
        .map_err(|_| AlgError::MalformedKey("DSA public key y is not in the group".into()))?;
    let sig = dsa::Signature::from_der(signature).map_err(|_| AlgError::BadSignature(name))?;
    key.verify_prehash(&digest.digest(message), &sig)
        .map_err(|_| AlgError::BadSignature(name))?;
    prime_bits(spki).ok_or_else(|| AlgError::MalformedKey("DSA parameters: no prime p".into()))
}

/// The size in bits of the prime p of a DSA key's domain parameters, when it carries them.
pub(super) fn prime_bits(spki: &SubjectPublicKeyInfoRef<'_>) -> Option<u32> {
    let params = spki.algorithm.parameters.as_ref()?.to_der().ok()?;
    let components = dsa::Components::from_der(&params).ok()?;
    Some(components.p().bit_width())
}

/// When `spki` is a DSA key without domain parameters and `issuer_spki` a DSA key with them,
/// `spki` with the issuer's parameters (RFC 5280 §6.1.4 (a)(1), RFC 3279 §2.3.2); else `None`.
pub fn inherit_dsa_parameters(spki: &[u8], issuer_spki: &[u8]) -> Option<Vec<u8>> {
    let child = SubjectPublicKeyInfoRef::from_der(spki).ok()?;
    if child.algorithm.oid != ID_DSA || child.algorithm.parameters.is_some() {
        return None;
    }
    let issuer = SubjectPublicKeyInfoRef::from_der(issuer_spki).ok()?;
    let params: AnyRef<'_> = issuer.algorithm.parameters?;
    if issuer.algorithm.oid != ID_DSA {
        return None;
    }
    let key: BitStringRef<'_> = child.subject_public_key;
    SubjectPublicKeyInfoRef {
        algorithm: AlgorithmIdentifierRef {
            oid: ID_DSA,
            parameters: Some(params),
        },
        subject_public_key: key,
    }
    .to_der()
    .ok()
}
