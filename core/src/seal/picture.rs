//! Seal pictures: what a page shows next to a signature's report.

use serde::Serialize;

use super::{Seal, SesSignature};

/// The picture of the seal behind one signature of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealPicture {
    /// Index of the signature in the document report's `parts`.
    pub index: usize,
    /// The seal's name.
    pub seal: String,
    /// The picture type the seal declares (`png`, `jpg`, `gif`, `bmp`, `ofd`, `svg`…), lower case.
    pub picture_type: String,
    /// Width the seal declares, millimetres.
    pub width_mm: u64,
    /// Height the seal declares, millimetres.
    pub height_mm: u64,
    /// The picture bytes, as the seal holds them.
    #[serde(skip)]
    pub data: Vec<u8>,
}

/// The picture of the seal in `der`: a seal signature (SES_Signature, v4 or v1) or a seal on
/// its own. `None` when `der` is neither or the seal has no readable picture.
pub fn picture_of(index: usize, der: &[u8]) -> Option<SealPicture> {
    let seal = match Seal::decode(der) {
        Ok(seal) => seal,
        Err(_) => SesSignature::decode(der).ok()?.to_sign.eseal,
    };
    let details = seal.details().ok()?;
    Some(SealPicture {
        index,
        seal: details.name,
        picture_type: details.picture_type.to_ascii_lowercase(),
        width_mm: details.width_mm,
        height_mm: details.height_mm,
        data: seal.picture().ok()?.to_vec(),
    })
}
