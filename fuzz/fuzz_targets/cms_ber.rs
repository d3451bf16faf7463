//! BER CMS input (indefinite lengths, constructed strings, zero padding): the BER-to-DER
//! normaliser never panics, stays within MAX_BER_DEPTH, gives DER that normalises to itself,
//! and a parsed SignedData verifies (with every option) to checks.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::cms::{ber, file, CmsOptions, Content, SignedData};
use yinjian::x509::{ChainOptions, TrustStore, Usage};

fuzz_target!(|data: &[u8]| {
    let _ = ber::value_len(data);
    if let Ok(n) = ber::normalize(data) {
        // DER out is a fixed point.
        let again = ber::normalize(&n.der).expect("normalised DER must parse");
        assert_eq!(again.der, n.der);
        assert!(!again.was_ber);
    }
    if let Ok(signed) = SignedData::from_der(data) {
        let lenient = CmsOptions { accept_sm2_without_z: true };
        for index in 0..signed.signers.len().min(4) {
            let _ = signed.verify_signer_with(index, Content::Bytes(b"fuzz"), &[], &lenient).status();
        }
        let _ = file::describe(&signed);
    }
    let at = yinjian::Time::from_unix(1_800_000_000).expect("a valid time");
    let _ = file::verify_report(data, None, &TrustStore::new(), &ChainOptions::new(at, Usage::DocumentSigning), &[], &CmsOptions::default());
});
