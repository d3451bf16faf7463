//! The Chinese commercial cryptography algorithms: SM2 signatures and SM3 digests.

pub mod sm2;
pub mod sm2_fast;
pub mod sm3;
// The one module with `unsafe`: a call of its AVX2-compiled function after run-time detection.
#[allow(unsafe_code)]
pub mod sm3_multi;
