//! A loop of SM2 operations for instruction counts (`valgrind --tool=callgrind`):
//! `sm2_loop <sign|sign_many|sign6979|verify|verify_new|verify_new_many> <count>` signs or
//! verifies a 20-byte message `count` times (sign: DER, keyed nonce; sign_many: the same in
//! calls of `Sm2Signer::sign_many` on 32 distinct messages, `count` rounded down to a multiple
//! of 32; sign6979: RFC 6979's nonce; verify: a reused verifier, Z cached; verify_new: a new
//! verifier, Z computed, each time; verify_new_many: the same over 64 signatures of 64
//! messages in turn, signed in the set-up, so that a cost that depends on the signature is
//! averaged). Subtract the counts of two runs with different `count` to drop the set-up
//! (tables built once per process).

use std::hint::black_box;

use yinjian::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, Sm2Verifier, DEFAULT_DISTID};
use yinjian::sm::sm3::Sm3Digest;

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "sign".to_owned());
    let count: usize = args.next().and_then(|c| c.parse().ok()).unwrap_or(1000);
    let msg = [0x5au8; 20];
    let key = PrivateKey::from_raw(&[7u8; 32]).expect("fixed scalar is a valid key");
    let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
    let sig = signer.sign(&msg, SignatureEncoding::Der).expect("sign");
    let public = key.public_key();
    let verifier = Sm2Verifier::new(&public, DEFAULT_DISTID).expect("verifier");
    assert!(verifier.verify(&msg, &sig).is_ok());
    let digest: Sm3Digest = [0x33u8; 32];
    let many: Vec<([u8; 20], Vec<u8>)> = if mode == "verify_new_many" {
        (0..64u8)
            .map(|i| {
                let mut m = msg;
                m[1] = i;
                let sig = signer.sign(&m, SignatureEncoding::Der).expect("sign");
                (m, sig)
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut ok = 0usize;
    if mode == "sign_many" {
        let mut batch: Vec<[u8; 20]> = (0..Sm2Signer::BATCH)
            .map(|j| {
                let mut m = msg;
                m[0] = j as u8;
                m
            })
            .collect();
        for call in 0..count / Sm2Signer::BATCH {
            for m in &mut batch {
                m[1] = call as u8;
            }
            let sigs = black_box(signer.sign_many(black_box(&batch), SignatureEncoding::Der)).expect("sign_many");
            ok += sigs.iter().map(Vec::len).sum::<usize>();
        }
        println!("{mode} {count}: {ok}");
        return;
    }
    for i in 0..count {
        match mode.as_str() {
            "sign" => {
                let mut m = msg;
                m[0] = i as u8;
                ok += black_box(signer.sign(black_box(&m), SignatureEncoding::Der)).map_or(0, |s| s.len());
            }
            "sign6979" => {
                ok += black_box(signer.sign_digest_rfc6979(black_box(&digest))).map_or(0, |_| 1);
            }
            "verify" => ok += usize::from(black_box(verifier.verify(black_box(&msg), black_box(&sig))).is_ok()),
            "verify_new" => {
                let v = Sm2Verifier::new(black_box(&public), DEFAULT_DISTID).expect("verifier");
                ok += usize::from(black_box(v.verify(black_box(&msg), black_box(&sig))).is_ok());
            }
            "verify_new_many" => {
                let (m, sig) = &many[i % many.len()];
                let v = Sm2Verifier::new(black_box(&public), DEFAULT_DISTID).expect("verifier");
                ok += usize::from(black_box(v.verify(black_box(m), black_box(sig))).is_ok());
            }
            other => panic!("unknown mode {other}"),
        }
    }
    println!("{mode} {count}: {ok}");
}
