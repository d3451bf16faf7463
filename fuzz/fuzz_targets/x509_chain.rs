//! Certificate and revocation parsing, and path building over a hostile pool: input is a
//! count byte, then length-prefixed (u16 big-endian) DER certificates — the first is the
//! leaf, the last the anchor, the rest the pool. Nothing may panic and the search must stay
//! within its signature budget.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::x509::path::MAX_SIGNATURE_CHECKS;
use yinjian::x509::{parse_all, verify_chain, ChainOptions, Crl, OcspResponseInfo, TrustStore, Usage};
use yinjian::Time;

fuzz_target!(|data: &[u8]| {
    let _ = parse_all(data);
    let _ = Crl::from_der(data);
    let _ = OcspResponseInfo::from_der(data);

    let Some((&count, mut rest)) = data.split_first() else { return };
    let mut certs = Vec::new();
    for _ in 0..(count % 16) {
        if rest.len() < 2 {
            break;
        }
        let len = usize::from(u16::from_be_bytes([rest[0], rest[1]])).min(rest.len() - 2);
        if let Ok(mut list) = parse_all(&rest[2..2 + len]) {
            certs.append(&mut list);
        }
        rest = &rest[2 + len..];
    }
    if certs.len() < 2 {
        return;
    }
    let leaf = certs.remove(0);
    let anchor = certs.pop().expect("two or more");
    let mut trust = TrustStore::new();
    trust.add_certificate(anchor, None);
    for usage in [Usage::DocumentSigning, Usage::TlsServer] {
        let opts = ChainOptions::new(Time::parse("2027-06-01T00:00:00Z").expect("fixed time"), usage);
        let outcome = verify_chain(&leaf, &certs, &trust, &opts);
        assert!(outcome.signature_checks <= MAX_SIGNATURE_CHECKS);
        let _ = outcome.summary_check("fuzz");
    }
});
