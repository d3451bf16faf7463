//! The Chinese commercial cryptography algorithms: SM2 signatures and SM3 digests.

pub mod sm2;
pub mod sm2_fast;
pub mod sm3;
