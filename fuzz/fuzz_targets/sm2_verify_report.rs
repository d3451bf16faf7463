//! Report building on arbitrary key / signature / message triples.
//!
//! Input layout: `mode, key_len, sig_len, key[key_len], sig[sig_len], message[..]`
//! (lengths are clamped to what is there). `mode` bits:
//! - 1: sign the message with the fixed key and XOR the `sig` part over that signature
//!   (an empty or all-zero `sig` part leaves a valid signature, reaching the PASSED path);
//! - 2: with bit 1, sign in raw r‖s rather than DER;
//! - 4: use the `key` part as the distinguishing ID (and the fixed key).
//!
//! If the `key` part does not parse as a public key, the fixed key is used.
//! Invariants: the report is PASSED exactly when `Sm2Verifier::verify` succeeds, it
//! serialises to JSON that reads back equal, and its encoding detail matches `verify`'s.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::sm::sm2::{PublicKey, SignatureEncoding, Sm2Verifier, DEFAULT_DISTID};
use yinjian::{Report, Status};

#[path = "common.rs"]
mod common;

fn take<'a>(data: &mut &'a [u8], n: usize) -> &'a [u8] {
    let (head, tail) = data.split_at(n.min(data.len()));
    *data = tail;
    head
}

fuzz_target!(|input: &[u8]| {
    let fixed = common::fixed();
    let mut rest = input;
    let header = take(&mut rest, 3);
    let (mode, key_len, sig_len) = match *header {
        [m, k, s] => (m, k as usize, s as usize),
        _ => return,
    };
    let key_part = take(&mut rest, key_len);
    let sig_part = take(&mut rest, sig_len);
    let message = rest;

    let (key, distid): (PublicKey, &[u8]) = if mode & 4 != 0 {
        (fixed.public.clone(), key_part)
    } else {
        (PublicKey::parse(key_part).unwrap_or_else(|_| fixed.public.clone()), DEFAULT_DISTID)
    };
    let verifier = match Sm2Verifier::new(&key, distid) {
        Ok(v) => v,
        Err(_) => return,
    };

    let signature = if mode & 1 != 0 {
        let encoding = if mode & 2 != 0 { SignatureEncoding::Raw } else { SignatureEncoding::Der };
        let mut sig = fixed.signer.sign(message, encoding).expect("signing with the fixed key");
        for (b, x) in sig.iter_mut().zip(sig_part.iter()) {
            *b ^= x;
        }
        let untouched = sig_part.iter().take(sig.len()).all(|&x| x == 0);
        if untouched && key == fixed.public && distid == DEFAULT_DISTID {
            assert_eq!(verifier.verify(message, &sig), Ok(encoding), "a fresh signature must verify");
        }
        sig
    } else {
        sig_part.to_vec()
    };

    let verified = verifier.verify(message, &signature);
    let report = verifier.report(message, &signature);

    assert_eq!(
        report.status == Status::Passed,
        verified.is_ok(),
        "report status {:?} disagrees with verify {:?}",
        report.status,
        verified
    );
    assert_ne!(report.status, Status::Indeterminate, "an SM2 signature check always decides");
    assert_eq!(report.reason.is_none(), report.status == Status::Passed);
    if let Err(err) = &verified {
        assert_eq!(report.reason, Some(err.reason()));
    }
    if let Ok(encoding) = verified {
        let seen = report.check("sm2.signature.encoding").and_then(|c| c.details.get("encoding"));
        assert_eq!(seen.and_then(|v| v.as_str()), Some(encoding.as_str()));
    }

    let json = report.to_json_pretty();
    let value: serde_json::Value = serde_json::from_str(&json).expect("report JSON parses");
    assert_eq!(value["status"].as_str(), Some(report.status.as_str()));
    let back: Report = serde_json::from_str(&json).expect("report JSON reads back as a Report");
    assert_eq!(back, report);
});
