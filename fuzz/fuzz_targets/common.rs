// Shared by the fuzz targets (included with `#[path]`): one fixed key pair, its signer
// and verifier, built once per process.

use std::sync::OnceLock;

use yinjian::sm::sm2::{PrivateKey, PublicKey, Sm2Signer, Sm2Verifier, DEFAULT_DISTID};

// Each target uses only some of the fields.
#[allow(dead_code)]
pub struct Fixed {
    pub public: PublicKey,
    pub signer: Sm2Signer,
    pub verifier: Sm2Verifier,
}

pub fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let key = PrivateKey::from_raw(&[0x5a; 32]).expect("fixed scalar is a valid key");
        let public = key.public_key();
        let signer = Sm2Signer::new(&key, DEFAULT_DISTID).expect("signer");
        let verifier = Sm2Verifier::new(&public, DEFAULT_DISTID).expect("verifier");
        Fixed { public, signer, verifier }
    })
}
