//! Every decoder that takes untrusted SM2 bytes, on the raw input: none may panic.
//! Round trips are checked where the input decodes.

#![no_main]

use libfuzzer_sys::fuzz_target;
use yinjian::alg::{verify_signature, SignatureAlgorithm};
use yinjian::codec::decode_text_or_binary;
use yinjian::sm::sm2::{PrivateKey, PublicKey, SignatureEncoding, Sm2Signature, RAW_SIGNATURE_LEN};

#[path = "common.rs"]
mod common;

const MESSAGE: &[u8] = b"yinjian fuzz: fixed message";

fuzz_target!(|data: &[u8]| {
    let fixed = common::fixed();

    let _ = decode_text_or_binary(data);

    if let Ok(key) = PublicKey::parse(data) {
        // Every output form must decode back to the same point.
        assert_eq!(PublicKey::parse(&key.to_sec1_uncompressed()).as_ref(), Ok(&key));
        assert_eq!(PublicKey::parse(&key.to_spki_der()).as_ref(), Ok(&key));
        assert_eq!(PublicKey::parse(key.to_pem().as_bytes()).as_ref(), Ok(&key));
    }

    if let Ok(key) = PrivateKey::parse(data) {
        let again = PrivateKey::from_raw(&key.to_raw()).expect("a decoded scalar re-decodes");
        assert_eq!(again.public_key(), key.public_key());
    }

    if let Ok((sig, encoding)) = Sm2Signature::decode(data) {
        let encoded = sig.encode(encoding);
        let (again, again_encoding) = Sm2Signature::decode(&encoded).expect("re-encoded signature decodes");
        assert_eq!(again, sig);
        // Exactly 64 bytes always reads as raw r‖s, by design, even when those bytes were
        // written as DER (possible only for r, s with many leading zero bytes).
        let expected = if encoded.len() == RAW_SIGNATURE_LEN { SignatureEncoding::Raw } else { encoding };
        assert_eq!(again_encoding, expected);
        if encoding == SignatureEncoding::Der {
            // Strict DER: the canonical re-encoding is the input itself.
            assert_eq!(encoded, data);
        }
    }

    // The input as a signature over a fixed message, and as a message under the fixed key.
    let as_sig = fixed.verifier.verify(MESSAGE, data);
    assert_eq!(as_sig.is_ok(), Sm2Signature::decode(data).is_ok_and(|(s, _)| {
        fixed.verifier.verify_digest(&fixed.verifier.digest(MESSAGE), &s).is_ok()
    }));
    let _ = fixed.verifier.verify(data, &[0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]);

    // The algorithm dispatcher, with the input as the key (SPKI DER) and as the signature.
    let _ = verify_signature(SignatureAlgorithm::Sm2Sm3, data, MESSAGE, data);
    let _ = verify_signature(SignatureAlgorithm::Sm2Sm3, &fixed.public.to_spki_der(), MESSAGE, data);
});
