//! # yinjian (印鉴)
//!
//! Verify — and where needed make — the trust objects of Chinese digital government: OFD and
//! PDF documents with every seal and signature in them, electronic seals (GB/T 38540, GM/T
//! 0031), X.509 chains with cross-certified CAs, CRLs and OCSP, CMS and RFC 3161 time-stamps,
//! identity tokens (JWS/JWT with SM2), e-licences and their signed QR codes, SM2 and SM3.
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
//! The modules: [`ofd`], [`pdf`], [`seal`], [`x509`], [`cms`], [`token`], [`licence`], [`sm`]
//! (SM2, SM3), [`alg`] (every other algorithm), [`report`], [`verifier`].
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
//! ## Features
//! | feature | default | what it adds |
//! |---|---|---|
//! | `test-vectors` | no | [`vectors`]: the runner for `test-vectors/*.jsonl`, shared with the WASM tests |
//! | `qr-make` | no | `licence::qr::render`: licence QR codes as PNG and SVG (`qrcode`, `png`) |
//! | `qr-image` | no | `licence::qr::image`: reading licence QR codes from PNG/JPEG or pixels (`rxing`, `image`) |

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod alg;
pub mod cms;
pub mod codec;
pub mod invoice;
pub mod licence;
pub mod ltv;
pub mod ofd;
pub mod pdf;
pub mod policy;
pub mod report;
pub mod seal;
pub mod sm;
pub mod time;
pub mod token;
#[cfg(feature = "test-vectors")]
pub mod vectors;
pub mod verifier;
pub mod x509;

pub use policy::ValidationPolicy;
pub use report::{Check, PoeSource, ProofOfExistence, Reason, Report, Status};
pub use time::Time;
pub use verifier::{Clock, DocumentKind, Verifier};
