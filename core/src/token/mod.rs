//! Identity tokens: compact JWS (RFC 7515), JWT claims (RFC 7519) and OIDC ID tokens, with
//! SM2 and the standard algorithms.
//!
//! SM2 has no registered JOSE name. yinjian emits **`SM2SM3`** (it names both algorithms, as
//! DNSSEC's mnemonic does) with a raw 64-byte r‖s signature over the signing input, SM3 and
//! the default distinguishing ID; names other products use (`SM2`, `SM3withSM2`, `GmSM2`, …)
//! are accepted only when the verifier's allow-list names them.
//!
//! The verifier needs an explicit allow-list and explicit issuer and audience decisions
//! ([`Issuers`], [`Audience`]: configured values, or an "any" the report records; a token
//! carrying `aud` is refused when the verifier names no audience), never accepts `none`,
//! lets the key decide the algorithm family (an RSA or SM2 key is never an HMAC secret), never trusts keys from the
//! token's own headers (`jwk`, `jku`, `x5u`; `x5c` only through a trust store), and rejects
//! `crit` and `b64: false`.
//!
//! ```no_run
//! use yinjian::token::{verify_token, Audience, Issuers, KeySet, TokenOptions};
//! use yinjian::time::Time;
//!
//! let keys = KeySet::from_jwks(&std::fs::read("jwks.json")?)?;
//! let options = TokenOptions::new(
//!     Time::now()?,
//!     &["SM2SM3", "ES256"],
//!     Issuers::OneOf(vec!["https://id.gov.example".into()]),
//!     Audience::OneOf(vec!["portal".into()]),
//! )?;
//! let report = verify_token(&std::fs::read_to_string("token.jwt")?, &keys, None, &options);
//! println!("{:?}: {}", report.status, report.summary);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod json;
pub mod jwk;
#[cfg(feature = "sign")]
pub mod sign;
pub mod verify;

use thiserror::Error;

pub use jwk::{KeyEntry, KeySet, VerifyKey};
#[cfg(feature = "sign")]
pub use sign::{sign_token, SigningKey};
pub use verify::{verify_token, Audience, Issuers, ReplayCheck, TokenOptions, REPORT_KIND};

use crate::report::Reason;

/// Default largest token accepted (a setting of [`TokenOptions`]).
pub const MAX_TOKEN_SIZE: usize = 64 * 1024;

/// The JOSE name yinjian writes for SM2 with SM3.
pub const SM2_ALG: &str = "SM2SM3";

/// Why a key or token could not be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// A key (JWK, PEM, secret) could not be read or used.
    #[error("key: {0}")]
    Key(String),
    /// The token or key set is beyond a named limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Signing failed.
    #[error("signing: {0}")]
    Sign(String),
    /// Verification options that cannot be right (an unknown algorithm name, an empty list).
    #[error("options: {0}")]
    Options(String),
}

impl TokenError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            TokenError::Key(_) | TokenError::Sign(_) => Reason::Malformed,
            TokenError::TooLarge(_) => Reason::TooLarge,
            TokenError::Options(_) => Reason::PolicyViolation,
        }
    }
}

/// A JWS algorithm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwsAlgorithm {
    /// SM2 with SM3, raw r‖s (yinjian's name: `SM2SM3`).
    Sm2Sm3,
    /// ECDSA P-256 SHA-256.
    Es256,
    /// ECDSA P-384 SHA-384.
    Es384,
    /// RSA PKCS#1 v1.5 SHA-256.
    Rs256,
    /// RSA PKCS#1 v1.5 SHA-384.
    Rs384,
    /// RSA PKCS#1 v1.5 SHA-512.
    Rs512,
    /// RSA-PSS SHA-256.
    Ps256,
    /// RSA-PSS SHA-384.
    Ps384,
    /// RSA-PSS SHA-512.
    Ps512,
    /// Ed25519.
    EdDsa,
    /// HMAC SHA-256 (explicit shared secrets only).
    Hs256,
    /// HMAC SHA-384.
    Hs384,
    /// HMAC SHA-512.
    Hs512,
}

impl JwsAlgorithm {
    /// Every algorithm, with its registered (or, for SM2, yinjian's) name.
    pub const ALL: [(&'static str, JwsAlgorithm); 13] = [
        (SM2_ALG, JwsAlgorithm::Sm2Sm3),
        ("ES256", JwsAlgorithm::Es256),
        ("ES384", JwsAlgorithm::Es384),
        ("RS256", JwsAlgorithm::Rs256),
        ("RS384", JwsAlgorithm::Rs384),
        ("RS512", JwsAlgorithm::Rs512),
        ("PS256", JwsAlgorithm::Ps256),
        ("PS384", JwsAlgorithm::Ps384),
        ("PS512", JwsAlgorithm::Ps512),
        ("EdDSA", JwsAlgorithm::EdDsa),
        ("HS256", JwsAlgorithm::Hs256),
        ("HS384", JwsAlgorithm::Hs384),
        ("HS512", JwsAlgorithm::Hs512),
    ];

    /// The name yinjian writes.
    pub fn name(self) -> &'static str {
        JwsAlgorithm::ALL
            .iter()
            .find(|(_, a)| *a == self)
            .map_or("?", |(n, _)| n)
    }

    /// Names other products give SM2 with SM3; they count only when an allow-list names them.
    pub const SM2_ALIASES: [&'static str; 5] = ["SM2", "SM3withSM2", "SM3WithSM2", "SM3withSm2", "GmSM2"];

    /// By its exact name, or a known SM2 alias ([`JwsAlgorithm::SM2_ALIASES`]) — aliases
    /// count only when an allow-list names them.
    pub fn from_name(name: &str) -> Option<JwsAlgorithm> {
        JwsAlgorithm::ALL
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, a)| *a)
            .or_else(|| {
                JwsAlgorithm::SM2_ALIASES
                    .contains(&name)
                    .then_some(JwsAlgorithm::Sm2Sm3)
            })
    }

    /// Every name an allow-list may hold, comma-separated (for error messages).
    pub fn accepted_names() -> String {
        let names: Vec<&str> = JwsAlgorithm::ALL
            .iter()
            .map(|(n, _)| *n)
            .chain(JwsAlgorithm::SM2_ALIASES)
            .collect();
        names.join(", ")
    }

    /// The hash OIDC's `at_hash` / `c_hash` use with this algorithm.
    pub fn claim_hash(self) -> crate::alg::DigestAlgorithm {
        use crate::alg::DigestAlgorithm as D;
        match self {
            JwsAlgorithm::Sm2Sm3 => D::Sm3,
            JwsAlgorithm::Es384 | JwsAlgorithm::Rs384 | JwsAlgorithm::Ps384 | JwsAlgorithm::Hs384 => D::Sha384,
            JwsAlgorithm::Rs512 | JwsAlgorithm::Ps512 | JwsAlgorithm::Hs512 | JwsAlgorithm::EdDsa => D::Sha512,
            _ => D::Sha256,
        }
    }
}
