//! One module per subcommand family.

pub(crate) mod batch;
pub(crate) mod cert;
pub(crate) mod cms;
pub(crate) mod id;
pub(crate) mod invoice;
pub(crate) mod licence;
pub(crate) mod ofd;
pub(crate) mod pdf;
pub(crate) mod policy;
pub(crate) mod qr;
pub(crate) mod seal;
pub(crate) mod serve;
pub(crate) mod sm2;
pub(crate) mod sm3;
pub(crate) mod token;
pub(crate) mod vectors;
pub(crate) mod verify;
