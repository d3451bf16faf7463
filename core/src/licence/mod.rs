//! E-licences (电子证照): identifiers, licence data (GB/T 36903 metadata) and signed licence
//! QR codes for offline checking.

pub mod data;
pub mod file;
pub mod id;
pub mod qr;

pub use data::{DataError, LicenceData};
pub use id::{check_identifier, IdError, IdKind, Identifier};
pub use qr::{make_payload, verify_qr, IssuerList, MakeOptions, QrError, QrOptions, QrSigner};
