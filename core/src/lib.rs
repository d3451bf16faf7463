//! # yinjian (印鉴)
//!
//! Verify — and where needed make — the trust objects of Chinese digital government:
//! SM2 signatures and SM3 digests, and (as the project grows) certificates, electronic
//! seals, OFD and PDF signatures, identity tokens and e-licences.
//!
//! Every verification returns a [`Report`]: PASSED / FAILED / INDETERMINATE with a list of
//! checks and machine-readable [`Reason`]s. Parsers take bytes only; nothing here reads a
//! clock, a trust store or the network — the validation [`Time`] is always an argument.
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
pub mod ofd;
pub mod pdf;
pub mod report;
pub mod seal;
pub mod sm;
pub mod time;
pub mod token;
#[cfg(feature = "test-vectors")]
pub mod vectors;
pub mod x509;

pub use report::{Check, Reason, Report, Status};
pub use time::Time;
