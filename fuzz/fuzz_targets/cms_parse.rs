//! CMS SignedData (RFC 5652 / GM/T 0010), TSTInfo and time-stamp tokens: no panic on any
//! input, and verification of every signer runs to checks.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::cms::tsp::{TimeStampToken, TstInfo};
use yinjian::cms::{Content, SignedData};

fuzz_target!(|data: &[u8]| {
    let _ = TstInfo::from_der(data);
    let _ = TimeStampToken::from_der(data);
    if let Ok(signed) = SignedData::from_der(data) {
        for index in 0..signed.signers.len().min(4) {
            let _ = signed.verify_signer(index, Content::Bytes(b"fuzz"), &[]).status();
            let _ = signed.verify_signer(index, Content::Encapsulated, &[]).status();
        }
    }
});
