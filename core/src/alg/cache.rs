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
        let mut h = DigestAlgorithm::Sha256.hasher();
        for part in [alg.name().as_bytes(), spki_der, message, signature] {
            h.update(&(part.len() as u64).to_be_bytes());
            h.update(part);
        }
        let mut key = [0u8; 32];
        key.copy_from_slice(&h.finalize());
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
}
