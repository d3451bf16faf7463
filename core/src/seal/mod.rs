//! Electronic seals: GB/T 38540-2020 (v4) and GM/T 0031-2014 (v1) seals and seal
//! signatures — decode, verify fully, make.
//!
//! - [`asn1`]: the structures, decoded and re-encoded byte for byte.
//! - [`verify`]: the GB/T 38540 verification procedure, each step its own check.
//! - [`make`]: making seals and seal signatures (SM2 with SM3).
//!
//! ```no_run
//! use yinjian::seal::{verify_seal, Seal};
//! use yinjian::time::Time;
//! use yinjian::verifier::{Clock, Verifier};
//! use yinjian::x509::TrustStore;
//!
//! let der = std::fs::read("company.esl")?;
//! let seal = Seal::decode(&der)?; // GB/T 38540 (v4) or GM/T 0031 (v1)
//! println!("{:?}", seal.details()?);
//! let mut trust = TrustStore::new();
//! trust.add_pem(&std::fs::read("seal-ca.pem")?)?;
//! let at = Time::now()?;
//! let report = verify_seal(&der, &Verifier::new(trust, Clock::Fixed(at)).seal_options(at));
//! println!("{}", report.to_text());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod asn1;
#[cfg(feature = "sign")]
pub mod make;
pub mod picture;
pub mod verify;

use serde::Serialize;
use thiserror::Error;

pub use asn1::{CertList, Seal, SealVersion, SesSignature};
#[cfg(feature = "sign")]
pub use make::{add_time_stamp, make_seal, sign, signature_value, SealSpec, SignSpec};
pub use picture::{picture_of, SealPicture};
pub use verify::{
    verify_seal, verify_seal_signature, DocumentOptions, Progress, ProgressFn, ProtectedData, SealOptions,
};

use crate::report::Reason;
use crate::time::Time;

/// Why a seal or seal signature could not be decoded or made.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SealError {
    /// The bytes are not a seal structure (or a leaf has the wrong type).
    #[error("malformed: {0}")]
    Malformed(String),
    /// A variant this library does not implement.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// Larger than a named limit.
    #[error("too large: {0}")]
    TooLarge(String),
    /// Making a seal or signature failed.
    #[error("cannot make: {0}")]
    Make(String),
}

impl SealError {
    /// The report reason this error stands for.
    pub fn reason(&self) -> Reason {
        match self {
            SealError::Malformed(_) | SealError::Make(_) => Reason::Malformed,
            SealError::Unsupported(_) => Reason::Unsupported,
            SealError::TooLarge(_) => Reason::TooLarge,
        }
    }
}

/// What a seal says, for display.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SealDetails {
    /// v1 or v4.
    pub version: SealVersion,
    /// Header version number.
    pub header_version: u64,
    /// Vendor id (`Vid`).
    pub vendor: String,
    /// Seal identifier (`esID`).
    pub es_id: String,
    /// Seal name.
    pub name: String,
    /// Seal type number (1 organisation, 2 personal).
    pub seal_type: u64,
    /// `organisation`, `personal` or `other`.
    pub seal_type_name: &'static str,
    /// When the seal was made.
    pub created: Time,
    /// Start of validity.
    pub valid_from: Time,
    /// End of validity.
    pub valid_to: Time,
    /// Subject of the maker's certificate.
    pub maker: Option<String>,
    /// Subjects of the certificates allowed to use the seal (or digests when listed by digest).
    pub signers: Vec<String>,
    /// Picture format as written (`PNG`, `JPG`, `GIF`, `OFD`, …).
    pub picture_type: String,
    /// Picture size in bytes.
    pub picture_bytes: usize,
    /// Displayed width, millimetres.
    pub width_mm: u64,
    /// Displayed height, millimetres.
    pub height_mm: u64,
}

impl Seal {
    /// The seal's details (reading every leaf; errors are malformed leaves).
    pub fn details(&self) -> Result<SealDetails, SealError> {
        use asn1::{int_of, octets_of, text_of, time_of};
        let p = &self.info.property;
        let seal_type = int_of(&p.seal_type, "property.type")?;
        let signers = match p.cert_list()? {
            CertList::Certificates(certs) => certs
                .iter()
                .map(|der| {
                    crate::x509::Certificate::from_der(der)
                        .map(|c| c.subject())
                        .unwrap_or_else(|e| format!("(unreadable certificate: {e})"))
                })
                .collect(),
            CertList::Digests(digests) => digests
                .iter()
                .map(|(alg, d)| format!("{alg} digest {}", hex::encode(d)))
                .collect(),
        };
        Ok(SealDetails {
            version: self.version,
            header_version: int_of(&self.info.header.version, "header.version")?,
            vendor: text_of(&self.info.header.vid, "header.Vid")?,
            es_id: text_of(&self.info.es_id, "esID")?,
            name: text_of(&p.name, "property.name")?,
            seal_type,
            seal_type_name: match seal_type {
                1 => "organisation",
                2 => "personal",
                _ => "other",
            },
            created: time_of(&p.create_date, "property.createDate")?,
            valid_from: time_of(&p.valid_start, "property.validStart")?,
            valid_to: time_of(&p.valid_end, "property.validEnd")?,
            maker: crate::x509::Certificate::from_der(octets_of(&self.cert, "seal.cert")?)
                .ok()
                .map(|c| c.subject()),
            signers,
            picture_type: text_of(&self.info.picture.kind, "picture.type")?,
            picture_bytes: octets_of(&self.info.picture.data, "picture.data")?.len(),
            width_mm: int_of(&self.info.picture.width, "picture.width")?,
            height_mm: int_of(&self.info.picture.height, "picture.height")?,
        })
    }

    /// The picture bytes.
    pub fn picture(&self) -> Result<&[u8], SealError> {
        asn1::octets_of(&self.info.picture.data, "picture.data")
    }
}
