//! Licence QR payloads and licence data on hostile input: the bytes as QR text, as the Base45
//! body behind the `YJ1:` prefix (so zlib, COSE and the claims parser see them), as CWT
//! claims, and as licence data (JSON / metadata XML). Nothing may panic, and decompression
//! never passes its limit.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use yinjian::licence::data::LicenceData;
use yinjian::licence::qr::{self, claims, IssuerList, QrOptions};
use yinjian::Time;

#[path = "common.rs"]
mod common;

fn setup() -> &'static (IssuerList, QrOptions) {
    static SETUP: OnceLock<(IssuerList, QrOptions)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let mut list = IssuerList::new();
        list.add_public_key(common::fixed().public.to_pem().as_bytes(), "fuzz issuer", Some("11430000006122244L"))
            .expect("fixed key");
        let opts = QrOptions::new(Time::parse("2027-06-01T00:00:00Z").expect("fixed time"));
        (list, opts)
    })
}

fuzz_target!(|data: &[u8]| {
    let (list, opts) = setup();
    let text = String::from_utf8_lossy(data);
    let _ = qr::verify_qr(&text, list, opts).to_text();
    if let Ok(decoded) = qr::decode_payload(&text) {
        assert!(decoded.cose_len <= qr::MAX_PAYLOAD_SIZE);
    }
    let wrapped = format!("{}{}", qr::PREFIX, base45::encode(data));
    let report = qr::verify_qr(&wrapped, list, opts);
    assert_ne!(report.status, yinjian::Status::Passed, "unsigned fuzz bytes never verify");
    if let Ok(decoded) = qr::decode_payload(&wrapped) {
        assert!(decoded.cose_len <= qr::MAX_PAYLOAD_SIZE);
    }
    let _ = claims::decode(data);
    if let Ok(licence) = LicenceData::parse(data) {
        // What was read serialises and reads back the same.
        let again = LicenceData::from_json(licence.to_json().to_string().as_bytes()).expect("own JSON reads back");
        assert_eq!(again.holder_id, licence.holder_id);
    }
});
