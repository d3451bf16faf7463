//! # yinjian (印鉴)
//!
//! Verify — and where needed make — the trust objects of Chinese digital government: OFD and
//! PDF documents with every seal and signature in them, electronic seals (GB/T 38540, GM/T
//! 0031), X.509 chains with cross-certified CAs, CRLs and OCSP, CMS and RFC 3161 time-stamps,
//! identity tokens (JWS/JWT with SM2), e-licences and their signed QR codes, e-invoices, SM2
//! and SM3 — and, years later, long-term validation by proofs of existence.
//!
//! Every verification returns a [`Report`]: PASSED / FAILED / INDETERMINATE with a list of
//! checks and machine-readable [`Reason`]s (`docs/REPORT.md`). Parsers take bytes only; no
//! verifier reads a clock, a trust store or the network — the validation [`Time`] is an input.
//!
//! A service builds one [`Verifier`] and verifies whatever it is handed:
//!
//! ```
//! use yinjian::x509::{parse_all, RevocationPolicy, TrustStore};
//! use yinjian::{Clock, Status, Time, Verifier};
//!
//! let mut trust = TrustStore::new();
//! trust.add_pem(include_bytes!("../../test-vectors/x509/sm2/certs/root.pem"))?;
//! let verifier = Verifier::new(trust, Clock::Fixed(Time::parse("2027-06-01T00:00:00Z")?))
//!     .intermediates(parse_all(include_bytes!("../../test-vectors/x509/sm2/certs/int.pem"))?)
//!     .revocation(RevocationPolicy::NotRequired); // no CRLs here: reported, not required
//! let report = verifier.verify(include_bytes!("../../test-vectors/sample/notice.ofd")); // or a PDF
//! assert_eq!(report.status, Status::Passed);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Verification is CPU work: in an async service call it inside
//! `tokio::task::spawn_blocking` (or another blocking pool), never on the threads that serve
//! connections — one large PDF verified inline stalls every other request on that thread.
//! `Clock::System` takes "now" at each call; `Clock::Fixed` validates as of a given time.
//!
//! SM2 on its own:
//!
//! ```
//! use yinjian::sm::sm2::{PrivateKey, Sm2Signer, SignatureEncoding, DEFAULT_DISTID};
//! use yinjian::Status;
//!
//! let key = PrivateKey::from_raw(&[7u8; 32])?;
//! let signer = Sm2Signer::new(&key, DEFAULT_DISTID)?;
//! let signature = signer.sign(b"hello", SignatureEncoding::Der)?;
//! let report = signer.verifier().report(b"hello", &signature);
//! assert_eq!(report.status, Status::Passed);
//! assert_eq!(yinjian::sm::sm3::sm3(b"abc")[0], 0x66);
//! # Ok::<(), yinjian::sm::sm2::Sm2Error>(())
//! ```
//!
//! ## Modules
//! | module | what is there |
//! |---|---|
//! | [`verifier`] | [`Verifier`]: trust, revocation data, policy and clock set once; any document verified with it |
//! | [`batch`] | one JSON line per file of a batch run, the same from `yinjian batch`, Python and Spark |
//! | [`ofd`] | OFD documents (GB/T 33190): every seal and signature verified, what changed after signing; sealing and signing |
//! | [`pdf`] | PDF signatures (PAdES, GB/T 38540 seals in PDF): byte ranges, CMS and seal signatures, what later revisions changed, document time-stamps; signing |
//! | [`seal`] | electronic seals (GB/T 38540 v4, GM/T 0031 v1): decode, verify, make |
//! | [`x509`] | certificates, path building over cross-certified CAs, trust stores, CRL and OCSP revocation |
//! | [`cms`] | CMS SignedData (RFC 5652, GM/T 0010), RFC 3161 time-stamp tokens, detached signing |
//! | [`ltv`] | long-term validation (ETSI EN 319 102-1 §5.6): judging a signature by its proofs of existence |
//! | [`policy`] | the validation policy: check levels, algorithm end dates, revocation freshness |
//! | [`token`] | JWS/JWT/OIDC ID tokens with SM2 and the standard algorithms |
//! | [`licence`] | e-licences: identifiers (resident number, credit code, licence ID), licence data, signed QR codes |
//! | [`invoice`] | e-invoices: fields of an invoice OFD checked against what is signed and shown |
//! | [`sm`] | SM2 signatures and SM3 digests |
//! | [`alg`] | every other digest and signature algorithm, by OID and name |
//! | [`error_code`] | the stable error codes the bindings raise, and each library error's code |
//! | [`codec`] | input forms shared by the parsers: PEM, hex or raw bytes |
//! | [`report`] | the one result shape: [`Report`], [`Status`], [`Reason`] |
//! | [`time`] | the validation time, [`Time`] |
//!
//! ## Features
//! Every format and signing are on by default; trim with `default-features = false` and the
//! ones needed (`docs/FEATURES.md`). A kind whose feature is off is still recognised by the
//! [`Verifier`], which reports it INDETERMINATE [`Reason::Unsupported`], naming the feature.
//!
//! | feature | default | what it adds |
//! |---|---|---|
//! | `ofd` | yes | `ofd`: OFD documents (zip, quick-xml) |
//! | `pdf` | yes | `pdf`: PDF signatures and seals (lopdf) |
//! | `cms` | yes | `cms::file::verify_report`, [`Verifier::verify_cms`]: `.p7s`/`.p7m` files |
//! | `token` | yes | `token`: JWS/JWT/OIDC ID tokens |
//! | `licence` | yes | `licence::qr`: signed licence QR codes (COSE, CBOR, Base45); `licence::file` with `ofd` and `pdf` |
//! | `invoice` | yes | `invoice`: e-invoices (needs `ofd`) |
//! | `sign` | yes | making seals, OFD/PDF signatures and time-stamps, PDF LTV data, CMS, tokens, licence QR codes |
//! | `extra-curves` | yes | ECDSA over P-521 and brainpool |
//! | `test-vectors` | no | `vectors`: the runner for `test-vectors/*.jsonl`, shared with the WASM tests (every format) |
//! | `qr-make` | no | `licence::qr::render`: licence QR codes as PNG and SVG (`qrcode`, `png`) |
//! | `qr-image` | no | `licence::qr::image`: reading licence QR codes from PNG/JPEG or pixels (`rxing`, `image`) |

#![deny(missing_docs)]
// Denied, not forbidden: five modules are allowed `unsafe`, each for CPU features. On
// x86-64, found at run time: `sm::sm2_fast::adx` (the SM2 field multiplication in assembly,
// MULX/ADX), `sm::sm2_fast::ifma` (eight SM2 verifications in the lanes of AVX-512 IFMA
// vectors), `sm::sm3_multi` (eight SM3 messages in the lanes of one AVX2 vector) and
// `sm::sm3::x86` (one SM3 message: AVX2 message expansion, BMI1/BMI2 rounds); on wasm32,
// `sm::sm3::wasm` (the 16-byte `simd128` loads of SM3's message expansion).
#![deny(unsafe_code)]

pub mod alg;
pub mod batch;
pub mod cms;
pub mod codec;
pub mod error_code;
#[cfg(feature = "invoice")]
pub mod invoice;
pub mod licence;
pub mod ltv;
mod mru;
#[cfg(feature = "ofd")]
pub mod ofd;
#[cfg(feature = "pdf")]
pub mod pdf;
pub mod policy;
pub mod report;
pub mod seal;
pub mod sm;
pub mod time;
#[cfg(feature = "token")]
pub mod token;
#[cfg(feature = "test-vectors")]
pub mod vectors;
pub mod verifier;
pub mod x509;

pub use policy::ValidationPolicy;
pub use report::{Check, PoeSource, ProofOfExistence, Reason, Report, Status};
pub use time::Time;
pub use verifier::{Clock, DocumentKind, Verifier};

/// Empties the caches this thread keeps across verifications: decoded certificates, prepared
/// SM2 keys, seal signatures verified and SM3 states of recurring seals, and (with `ofd` and
/// `invoice`) the digests and contents of package entries and the CustomTag field maps that
/// recur across an issuer's documents. Every cache is bounded and keyed by its inputs in full,
/// so no report depends on them; this gives the memory back (a few MiB at most) or lets a
/// benchmark time the path a first document takes.
pub fn forget_thread_caches() {
    alg::forget_remembered();
    x509::cert::forget_decoded();
    sm::sm2::forget_verifiers();
    #[cfg(feature = "ofd")]
    ofd::package::forget_known();
    #[cfg(feature = "invoice")]
    invoice::package::forget_tag_maps();
}

#[cfg(test)]
mod tests {
    /// The crate's front page names every public module (the module table must grow with them).
    #[test]
    fn front_page_names_every_module() {
        let source = include_str!("lib.rs");
        let doc: String = source.lines().filter_map(|l| l.strip_prefix("//!")).collect();
        let lines: Vec<&str> = source.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let Some(module) = line.strip_prefix("pub mod ") else {
                continue;
            };
            let name = module.trim_end_matches(';');
            // A module behind a feature is named, not linked: the link would not resolve in
            // a documentation build without the feature.
            let gated = i > 0 && lines[i - 1].starts_with("#[cfg(feature");
            let named = if gated {
                format!("`{name}`")
            } else {
                format!("[`{name}`]")
            };
            assert!(doc.contains(&named), "module {name} is not on the front page");
        }
    }
}
