//! E-licences (电子证照): identifiers, licence data (GB/T 36903 metadata) and signed licence
//! QR codes for offline checking.

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
