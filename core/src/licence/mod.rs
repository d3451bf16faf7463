//! E-licences (电子证照): identifiers today; licence data, licence files and signed QR
//! codes arrive with the rest of the e-licence issue.

pub mod id;

pub use id::{check_identifier, IdError, IdKind, Identifier};
