//! Both seal decoders (GB/T 38540 v4 and GM/T 0031 v1, seals and seal signatures): no panic,
//! exact round trips, and the full verification procedure runs to a report.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::seal::{verify_seal, verify_seal_signature, ProtectedData, Seal, SealOptions, SesSignature};
use yinjian::x509::TrustStore;
use yinjian::Time;

fuzz_target!(|data: &[u8]| {
    let trust = TrustStore::new();
    let opts = SealOptions::new(&trust, Time::parse("2027-06-01T00:00:00Z").expect("fixed time"));
    if let Ok(seal) = Seal::decode(data) {
        assert_eq!(seal.encode().expect("a decoded seal encodes"), data, "seal round trip");
        let _ = seal.details();
        let _ = verify_seal(data, &opts);
    }
    if let Ok(sig) = SesSignature::decode(data) {
        assert_eq!(sig.encode().expect("a decoded signature encodes"), data, "SES_Signature round trip");
        let _ = sig.to_sign.time();
        let report = verify_seal_signature(data, ProtectedData::Bytes(b"fuzz"), &opts);
        let _ = serde_json::to_string(&report).expect("reports serialise");
    }
});
