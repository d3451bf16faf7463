//! E-licences (电子证照): identifiers, licence data (GB/T 36903 metadata) and signed licence
//! QR codes for offline checking.
//!
//! ```
//! use yinjian::licence::check_identifier;
//! use yinjian::report::Status;
//!
//! // A resident identity number (GB 11643) with its check character.
//! assert_eq!(check_identifier("11010519491231002X").status, Status::Passed);
//! // One digit changed: the check character no longer fits.
//! assert_eq!(check_identifier("11010519491231003X").status, Status::Failed);
//! ```

pub mod data;
#[cfg(all(feature = "ofd", feature = "pdf", feature = "licence"))]
pub mod file;
pub mod id;
#[cfg(feature = "licence")]
pub mod qr;

pub use data::{DataError, LicenceData};
pub use id::{check_identifier, IdError, IdKind, Identifier};
#[cfg(all(feature = "licence", feature = "sign"))]
pub use qr::{make_payload, MakeOptions, QrSigner};
#[cfg(feature = "licence")]
pub use qr::{verify_qr, IssuerList, QrError, QrOptions};
