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
pub mod file;
pub mod id;
pub mod qr;

pub use data::{DataError, LicenceData};
pub use id::{check_identifier, IdError, IdKind, Identifier};
pub use qr::{make_payload, verify_qr, IssuerList, MakeOptions, QrError, QrOptions, QrSigner};
