//! A cache of signature verifications, shared by every clone of one set of chain options:
//! validating a document whose signatures and time-stamps share CAs — and validating a chain
//! again at a proof of existence — checks each certificate's and CRL's signature once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::{verify_signature, DigestAlgorithm, SignatureAlgorithm};

/// Most results one cache keeps. The result that would go beyond it empties the cache first,
/// so a long-lived verifier (`yinjian serve`, a batch run) keeps caching what it meets now (a
/// new CA's certificates after a key rollover) instead of only what it met first.
pub const MAX_CACHED_SIGNATURES: usize = 4096;

/// Verification results by the SHA-256 of what was verified.
type Results = HashMap<[u8; 32], Result<(), String>>;

/// Signature verification results keyed by the SHA-256 of everything verified (algorithm,
/// key, message, signature), so a hit is exactly the verification it replaces. Clones share
/// the results.
#[derive(Clone, Default)]
pub struct SignatureCache(Arc<Mutex<Results>>);

impl std::fmt::Debug for SignatureCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.0.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "SignatureCache({n} results)")
    }
}

impl SignatureCache {
    /// An empty cache.
    pub fn new() -> SignatureCache {
        SignatureCache::default()
    }

    /// [`verify_signature`] through the cache; the error is its message.
    pub fn verify(
        &self,
        alg: SignatureAlgorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), String> {
        let key = cache_key(&[alg.name().as_bytes(), spki_der, message, signature]);
        self.verify_keyed(key, alg, spki_der, message, signature)
    }

    /// As [`SignatureCache::verify`] for a message and signature that `digest` already
    /// identifies: the SHA-256 of a whole certificate (its fingerprint) names its
    /// to-be-signed part, algorithm and signature, so the key is made from that instead of
    /// hashing the certificate again for every issuer tried and every verification.
    pub fn verify_identified(
        &self,
        digest: &[u8; 32],
        alg: SignatureAlgorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), String> {
        let key = cache_key(&[b"identified by SHA-256", alg.name().as_bytes(), spki_der, digest]);
        self.verify_keyed(key, alg, spki_der, message, signature)
    }

    fn verify_keyed(
        &self,
        key: [u8; 32],
        alg: SignatureAlgorithm,
        spki_der: &[u8],
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), String> {
        if let Some(known) = self.0.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return known;
        }
        let result = verify_signature(alg, spki_der, message, signature)
            .map(|_| ())
            .map_err(|e| e.to_string());
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= MAX_CACHED_SIGNATURES {
                map.clear();
            }
            map.insert(key, result.clone());
        }
        result
    }

    /// How many results the cache holds.
    pub fn len(&self) -> usize {
        self.0.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether the cache holds no result.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// SHA-256 of the parts, each after its length (so no two lists of parts share a key),
/// streamed: a message of any size is hashed where it lies.
fn cache_key(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = DigestAlgorithm::Sha256.hasher();
    for part in parts {
        h.update(&(part.len() as u64).to_be_bytes());
        h.update(part);
    }
    let mut key = [0u8; 32];
    key.copy_from_slice(&h.finalize());
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_cache_starts_again_and_keeps_the_latest_result() {
        let cache = SignatureCache::new();
        let verify = |n: usize| cache.verify(SignatureAlgorithm::Sm2Sm3, b"not a key", &n.to_be_bytes(), b"sig");
        for n in 0..MAX_CACHED_SIGNATURES {
            assert!(verify(n).is_err());
        }
        assert_eq!(cache.len(), MAX_CACHED_SIGNATURES);
        assert!(verify(0).is_err(), "a hit changes nothing");
        assert_eq!(cache.len(), MAX_CACHED_SIGNATURES);
        assert!(verify(MAX_CACHED_SIGNATURES).is_err());
        assert_eq!(cache.len(), 1, "the new result is kept in an emptied cache");
        assert!(verify(MAX_CACHED_SIGNATURES).is_err());
        assert_eq!(cache.len(), 1);
    }

    /// A certificate's signature checked by its fingerprint: the issuer's key verifies it,
    /// another key does not, each result kept apart and found again, the same as `verify`.
    #[test]
    fn a_certificate_signature_identified_by_its_fingerprint() {
        use crate::x509::cert::test_vector;
        use crate::x509::Certificate;
        let (leaf, int, root) = (test_vector("leaf.pem"), test_vector("int.pem"), test_vector("root.pem"));
        let alg = leaf.signature_algorithm().unwrap();
        let cache = SignatureCache::new();
        let check = |issuer: &Certificate| {
            cache.verify_identified(leaf.fingerprint(), alg, issuer.spki(), leaf.tbs_der(), leaf.signature())
        };
        for _ in 0..2 {
            assert_eq!(check(&int), Ok(()));
            assert!(check(&root).is_err(), "the root did not sign the leaf");
        }
        assert_eq!(cache.len(), 2, "one result per issuer key, found again the second time");
        for issuer in [&int, &root] {
            assert_eq!(
                check(issuer),
                cache.verify(alg, issuer.spki(), leaf.tbs_der(), leaf.signature()),
                "the same result as the key from the whole message"
            );
        }
        assert_eq!(cache.len(), 4, "the two kinds of key are kept apart");
    }
}
