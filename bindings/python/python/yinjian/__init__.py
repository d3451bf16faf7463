"""yinjian: verify Chinese e-government trust objects from Python.

SM2/SM3, electronic seals, OFD/PDF/CMS signatures, certificate chains, identity tokens and
e-licences, verified by the Rust library ``yinjian``. Reports are ``dict``s holding exactly the
JSON the library documents (docs/REPORT.md); errors are subclasses of :class:`YinjianError`
with a stable ``code``. Every verification releases the GIL, so threads verify in parallel.

    import yinjian
    trust = yinjian.TrustStore("root.pem")
    report = yinjian.verify_document("notice.ofd", trust, at="2026-06-01T00:00:00Z")
    print(report["status"], report.get("reason"))

For many documents build a :class:`Verifier` once and reuse it (from any thread).
"""

from __future__ import annotations

from ._errors import (
    ERRORS,
    BadSignatureError,
    DistIdTooLongError,
    InternalError,
    InvalidArgumentError,
    InvalidOptionError,
    IoError,
    MalformedCertificateError,
    MalformedKeyError,
    MalformedSealError,
    MalformedSignatureError,
    SigningFailedError,
    TooLargeError,
    UnsupportedError,
    UnsupportedKeyError,
    VectorMismatchError,
    YinjianError,
)
from ._native import (
    TrustStore,
    Verifier,
    __version__,
    batch_record,
    check_identifier,
    sm2_verify,
    sm3,
    verify_certificate_chain,
    verify_cms,
    verify_document,
    verify_invoice,
    verify_licence_qr,
    verify_ofd,
    verify_pdf,
    verify_token,
)


def sm3_hex(data: bytes) -> str:
    """The SM3 digest of ``data`` as lower-case hex."""
    return sm3(data).hex()


__all__ = [
    "ERRORS",
    "BadSignatureError",
    "DistIdTooLongError",
    "InternalError",
    "InvalidArgumentError",
    "InvalidOptionError",
    "IoError",
    "MalformedCertificateError",
    "MalformedKeyError",
    "MalformedSealError",
    "MalformedSignatureError",
    "SigningFailedError",
    "TooLargeError",
    "TrustStore",
    "UnsupportedError",
    "UnsupportedKeyError",
    "Verifier",
    "VectorMismatchError",
    "YinjianError",
    "__version__",
    "batch_record",
    "check_identifier",
    "sm2_verify",
    "sm3",
    "sm3_hex",
    "verify_certificate_chain",
    "verify_cms",
    "verify_document",
    "verify_invoice",
    "verify_licence_qr",
    "verify_ofd",
    "verify_pdf",
    "verify_token",
]
