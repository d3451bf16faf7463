//! The Chinese commercial cryptography algorithms: SM2 signatures and SM3 digests.
//!
//! ```
//! use yinjian::sm::sm2::{PrivateKey, SignatureEncoding, Sm2Signer, DEFAULT_DISTID};
//! use yinjian::sm::sm3::sm3;
//!
//! // SM3 of "abc" (GB/T 32905 appendix A.1).
//! assert_eq!(hex::encode(sm3(b"abc")), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
//!
//! // An SM2 signature with SM3 and the default distinguishing ID, verified.
//! let key = PrivateKey::from_raw(&[7u8; 32])?;
//! let signer = Sm2Signer::new(&key, DEFAULT_DISTID)?;
//! let signature = signer.sign(b"message", SignatureEncoding::Der)?;
//! assert_eq!(signer.verifier().verify(b"message", &signature)?, SignatureEncoding::Der);
//! assert!(signer.verifier().verify(b"massage", &signature).is_err());
//! # Ok::<(), yinjian::sm::sm2::Sm2Error>(())
//! ```

pub mod sm2;
pub mod sm2_fast;
pub mod sm3;
// One of the modules with `unsafe` (with sm2_fast::{adx, ifma}, sm3::x86 and sm3::wasm): a
// call of its AVX2-compiled function after run-time detection.
#[allow(unsafe_code)]
pub mod sm3_multi;

/// A CPU check made once per process, then read from a cache: how the x86-64 modules
/// (`sm2_fast::{adx, ifma}`, `sm3::x86`) choose their code at run time.
#[cfg(target_arch = "x86_64")]
pub(crate) struct CpuCheck(std::sync::atomic::AtomicU8);

#[cfg(target_arch = "x86_64")]
impl CpuCheck {
    /// Not yet checked (0; then 1 for absent, 2 for present).
    pub(crate) const fn new() -> CpuCheck {
        CpuCheck(std::sync::atomic::AtomicU8::new(0))
    }

    /// `detect()`'s answer, asked the first time only.
    #[inline(always)]
    pub(crate) fn get(&self, detect: impl FnOnce() -> bool) -> bool {
        match self.0.load(std::sync::atomic::Ordering::Relaxed) {
            2 => true,
            1 => false,
            _ => self.first(detect),
        }
    }

    #[cold]
    fn first(&self, detect: impl FnOnce() -> bool) -> bool {
        let yes = detect();
        self.0
            .store(if yes { 2 } else { 1 }, std::sync::atomic::Ordering::Relaxed);
        yes
    }
}
