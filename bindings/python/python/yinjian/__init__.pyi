"""Type stubs of the yinjian package (the Rust extension yinjian._native and its Python half)."""

import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Literal, Optional, Union

__version__: str

#: A report: exactly the JSON the library writes (docs/REPORT.md), as plain dicts and lists.
Report = dict[str, Any]
#: Bytes-like input.
Buffer = Union[bytes, bytearray, memoryview]
#: A document: its bytes, or a path (``str`` or ``os.PathLike``) of the file to read.
Document = Union[Buffer, str, "os.PathLike[str]"]
#: Key, certificate, CRL or OCSP material: PEM/DER bytes, PEM text, or a path.
Material = Union[Buffer, str, "os.PathLike[str]"]
#: One item of material or a sequence of them.
Materials = Union[Material, Sequence[Material]]
#: Validation time: a timezone-aware datetime, RFC 3339 text, or Unix seconds.
At = Union[datetime, str, int]
#: Validation policy (docs/POLICY.md): a dict, JSON text, or a path to a JSON file.
Policy = Union[dict[str, Any], str, "os.PathLike[str]"]
#: A kind of document ``Verifier.verify`` can be told to take an input for.
Kind = Literal["ofd", "pdf", "seal", "cms", "licence-qr", "invoice"]
#: Usage a certificate chain is validated for.
Usage = Literal["document-signing", "seal-making", "token-signing", "tls-server", "tls-client", "any"]

class YinjianError(Exception):
    """Base class of every error this package raises; ``code`` is the stable code."""

    code: str

class MalformedKeyError(YinjianError, ValueError): ...
class UnsupportedKeyError(YinjianError, ValueError): ...
class MalformedSignatureError(YinjianError, ValueError): ...
class BadSignatureError(YinjianError, ValueError): ...
class DistIdTooLongError(YinjianError, ValueError): ...
class SigningFailedError(YinjianError): ...
class IoError(YinjianError, OSError): ...
class InvalidArgumentError(YinjianError, ValueError): ...
class InvalidOptionError(YinjianError, ValueError): ...
class VectorMismatchError(YinjianError, ValueError): ...
class MalformedCertificateError(YinjianError, ValueError): ...
class MalformedSealError(YinjianError, ValueError): ...
class TooLargeError(YinjianError, ValueError): ...
class UnsupportedError(YinjianError, ValueError): ...
class InternalError(YinjianError): ...

#: The exception class of each code.
ERRORS: dict[str, type[YinjianError]]

class TrustStore:
    """Trust anchors (certificates) and token keys (JWKS), built once and reused."""

    def __init__(self, anchors: Optional[Materials] = None) -> None: ...
    @staticmethod
    def from_pem(data: Union[Buffer, str]) -> "TrustStore": ...
    @staticmethod
    def from_files(*paths: Union[str, "os.PathLike[str]"]) -> "TrustStore": ...
    def add(self, anchors: Materials, usages: Optional[Sequence[Usage]] = None) -> int: ...
    def add_pem(self, data: Material) -> int: ...
    def add_file(self, path: Union[str, "os.PathLike[str]"]) -> int: ...
    def add_jwks(self, jwks: Union[str, bytes, dict[str, Any]]) -> int: ...
    def distrust(self, sha256_hex: str) -> None: ...
    def __len__(self) -> int: ...

TrustArg = Union[TrustStore, Materials, None]

class Verifier:
    """Trust, revocation data, policy and time set once; documents verified with it from any
    thread, the GIL released while each is verified."""

    def __init__(
        self,
        trust: TrustArg = None,
        *,
        at: Optional[At] = None,
        policy: Optional[Policy] = None,
        revocation_required: Optional[bool] = None,
        intermediates: Optional[Materials] = None,
        crls: Optional[Materials] = None,
        ocsp: Optional[Materials] = None,
        signer_certificates: Optional[Materials] = None,
        licence_issuers: Optional[Materials] = None,
    ) -> None: ...
    def verify(self, document: Document, kind: Optional[Kind] = None) -> Report: ...
    def verify_cms(self, signature: Document, content: Optional[Document] = None) -> Report: ...
    def batch_record(self, path: str, data: Buffer) -> str: ...
    def batch_row(self, path: str, data: Buffer) -> tuple[str, str, str, Optional[str], Optional[str]]: ...
    def batch_records(self, items: Iterable[tuple[str, Buffer]]) -> list[str]: ...
    @staticmethod
    def unreadable_record(path: str, why: str) -> str: ...
    @property
    def anchors(self) -> int: ...

def verify_document(
    document: Document,
    trust: TrustArg = None,
    *,
    at: Optional[At] = None,
    policy: Optional[Policy] = None,
    revocation_required: Optional[bool] = None,
    intermediates: Optional[Materials] = None,
    crls: Optional[Materials] = None,
    ocsp: Optional[Materials] = None,
    signer_certificates: Optional[Materials] = None,
    licence_issuers: Optional[Materials] = None,
) -> Report: ...
def verify_ofd(
    document: Document,
    trust: TrustArg = None,
    *,
    at: Optional[At] = None,
    policy: Optional[Policy] = None,
    revocation_required: Optional[bool] = None,
    intermediates: Optional[Materials] = None,
    crls: Optional[Materials] = None,
    ocsp: Optional[Materials] = None,
    signer_certificates: Optional[Materials] = None,
    licence_issuers: Optional[Materials] = None,
) -> Report: ...
def verify_pdf(
    document: Document,
    trust: TrustArg = None,
    *,
    at: Optional[At] = None,
    policy: Optional[Policy] = None,
    revocation_required: Optional[bool] = None,
    intermediates: Optional[Materials] = None,
    crls: Optional[Materials] = None,
    ocsp: Optional[Materials] = None,
    signer_certificates: Optional[Materials] = None,
    licence_issuers: Optional[Materials] = None,
) -> Report: ...
def verify_invoice(
    document: Document,
    trust: TrustArg = None,
    *,
    at: Optional[At] = None,
    policy: Optional[Policy] = None,
    revocation_required: Optional[bool] = None,
    intermediates: Optional[Materials] = None,
    crls: Optional[Materials] = None,
    ocsp: Optional[Materials] = None,
    signer_certificates: Optional[Materials] = None,
    licence_issuers: Optional[Materials] = None,
) -> Report: ...
def verify_cms(
    signature: Document,
    content: Optional[Document] = None,
    trust: TrustArg = None,
    *,
    at: Optional[At] = None,
    policy: Optional[Policy] = None,
    revocation_required: Optional[bool] = None,
    intermediates: Optional[Materials] = None,
    crls: Optional[Materials] = None,
    ocsp: Optional[Materials] = None,
) -> Report: ...
def verify_certificate_chain(
    leaf: Material,
    intermediates: Optional[Materials] = None,
    trust: TrustArg = None,
    *,
    at: Optional[At] = None,
    usage: Usage = "document-signing",
    policy: Optional[Policy] = None,
    revocation_required: Optional[bool] = None,
    crls: Optional[Materials] = None,
    ocsp: Optional[Materials] = None,
    allow_sha1: bool = False,
    policies: Optional[Sequence[str]] = None,
    explicit_policy: bool = False,
    inhibit_policy_mapping: bool = False,
    inhibit_any_policy: bool = False,
    strict_profile: bool = False,
) -> Report: ...
def verify_token(
    token: str,
    jwks: Union[str, bytes, dict[str, Any], None] = None,
    *,
    algorithms: Sequence[str],
    issuers: Union[str, Sequence[str], None] = None,
    any_issuer: bool = False,
    audience: Union[str, Sequence[str], None] = None,
    any_audience: bool = False,
    at: Optional[At] = None,
    trust: TrustArg = None,
    typ: Union[str, Sequence[str], None] = None,
    leeway: Optional[int] = None,
    max_age: Optional[int] = None,
    nonce: Optional[str] = None,
    azp: Optional[str] = None,
    max_auth_age: Optional[int] = None,
    access_token: Optional[str] = None,
    code: Optional[str] = None,
    require_sub: bool = False,
    hmac_secrets: Optional[dict[str, Material]] = None,
) -> Report: ...
def check_identifier(value: str) -> Report: ...
def verify_licence_qr(
    text: Union[str, Buffer],
    issuers: Materials,
    *,
    at: Optional[At] = None,
    leeway: Optional[int] = None,
    algorithms: Optional[Sequence[Literal["SM2SM3", "ES256"]]] = None,
    revoked: Optional[Sequence[str]] = None,
) -> Report: ...
def sm3(data: Buffer) -> bytes: ...
def sm3_hex(data: Buffer) -> str: ...
def sm2_verify(
    public_key: Material,
    message: Buffer,
    signature: Buffer,
    *,
    distid: Union[str, Buffer, None] = None,
) -> Report: ...
def batch_record(verifier: Verifier, path: str, data: Buffer) -> str: ...
