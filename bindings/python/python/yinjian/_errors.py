"""Exceptions raised by yinjian: one subclass of YinjianError per stable ``code``.

The codes are the strings the WebAssembly binding puts on its errors' ``code`` property, so a
service that answers in both languages can share its error handling.
"""

from __future__ import annotations


class YinjianError(Exception):
    """Base class of every error this package raises; ``code`` is the stable code."""

    code: str = "Internal"


class MalformedKeyError(YinjianError, ValueError):
    """Key bytes could not be decoded, or the point is not on the curve."""

    code = "MalformedKey"


class UnsupportedKeyError(YinjianError, ValueError):
    """A well-formed key that is not an SM2 key (or is encrypted)."""

    code = "UnsupportedKey"


class MalformedSignatureError(YinjianError, ValueError):
    """Signature bytes are neither DER nor 64-byte r||s, or not a CMS signature."""

    code = "MalformedSignature"


class BadSignatureError(YinjianError, ValueError):
    """A well-formed signature that does not verify."""

    code = "BadSignature"


class DistIdTooLongError(YinjianError, ValueError):
    """The SM2 distinguishing ID is too long."""

    code = "DistIdTooLong"


class SigningFailedError(YinjianError):
    """Signing failed (a key the signer cannot use)."""

    code = "SigningFailed"


class IoError(YinjianError, OSError):
    """A file named by a path argument could not be read."""

    code = "Io"


class InvalidArgumentError(YinjianError, ValueError):
    """An argument has the wrong type or value."""

    code = "InvalidArgument"


class InvalidOptionError(YinjianError, ValueError):
    """An option (keyword argument) has a bad value."""

    code = "InvalidOption"


class VectorMismatchError(YinjianError, ValueError):
    """A test-vector line is not a valid case."""

    code = "VectorMismatch"


class MalformedCertificateError(YinjianError, ValueError):
    """A certificate, CRL or OCSP response cannot be decoded."""

    code = "MalformedCertificate"


class MalformedSealError(YinjianError, ValueError):
    """A seal or seal signature cannot be decoded."""

    code = "MalformedSeal"


class TooLargeError(YinjianError, ValueError):
    """An input is larger than a named limit."""

    code = "TooLarge"


class UnsupportedError(YinjianError, ValueError):
    """An input uses something this library does not implement."""

    code = "Unsupported"


class InternalError(YinjianError):
    """The native code failed unexpectedly (a bug: please report it)."""

    code = "Internal"


#: The exception class of each code.
ERRORS: dict[str, type[YinjianError]] = {
    cls.code: cls
    for cls in (
        MalformedKeyError,
        UnsupportedKeyError,
        MalformedSignatureError,
        BadSignatureError,
        DistIdTooLongError,
        SigningFailedError,
        IoError,
        InvalidArgumentError,
        InvalidOptionError,
        VectorMismatchError,
        MalformedCertificateError,
        MalformedSealError,
        TooLargeError,
        UnsupportedError,
        InternalError,
    )
}
