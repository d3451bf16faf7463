#!/usr/bin/env python3
"""DER surgery for gen-cms.sh: negative cases and a signature time-stamp attribute.

  tamper.py OUT                          rsa-detached-badattr.der, rsa-tst-tampered.der
  tamper.py OUT --signature-value CMS F  write the first SignerInfo's signature value to F
  tamper.py OUT --add-sig-ts CMS TST NEW add TST as id-aa-signatureTimeStampToken to CMS
"""
import sys
from pathlib import Path


def header(buf, pos):
    tag = buf[pos]
    n = buf[pos + 1]
    if n < 0x80:
        return tag, 2, n
    k = n & 0x7F
    return tag, 2 + k, int.from_bytes(buf[pos + 2:pos + 2 + k], "big")


def children(buf):
    """(tag, whole TLV bytes, content bytes) for each element of a constructed content."""
    out, pos = [], 0
    while pos < len(buf):
        tag, hl, ln = header(buf, pos)
        out.append((tag, buf[pos:pos + hl + ln], buf[pos + hl:pos + hl + ln]))
        pos += hl + ln
    return out


def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content


def signed_data(cms):
    (_, _, ci), = children(cms)
    oid, explicit = children(ci)
    (_, _, sd), = children(explicit[2])
    return oid[1], children(sd)


def first_signer(cms):
    _, sd = signed_data(cms)
    _, _, infos = sd[-1]
    return children(infos)[0]


def signature_value(cms):
    _, _, si = first_signer(cms)
    parts = children(si)
    sig = [p for p in parts if p[0] == 0x04]
    return sig[0][2]


def add_unsigned(cms, attr):
    oid_tlv, sd = signed_data(cms)
    _, _, si = first_signer(cms)
    parts = children(si)
    parts = [p for p in parts if p[0] != 0xA1] + [(0xA1, tlv(0xA1, attr), attr)]
    new_si = tlv(0x30, b"".join(p[1] for p in parts))
    _, _, infos = sd[-1]
    others = children(infos)[1:]
    new_infos = tlv(0x31, new_si + b"".join(o[1] for o in others))
    new_sd = tlv(0x30, b"".join(p[1] for p in sd[:-1]) + new_infos)
    return tlv(0x30, oid_tlv + tlv(0xA0, new_sd))


def flip_first(data, needle, replacement, what):
    i = data.find(needle)
    if i < 0:
        sys.exit(f"tamper.py: {what} not found")
    return data[:i] + replacement + data[i + len(needle):]


def main():
    out = Path(sys.argv[1])
    if len(sys.argv) == 2:
        cms = (out / "rsa-detached.der").read_bytes()
        # signingTime (1.2.840.113549.1.9.5): change the first digit of the UTCTime's year.
        oid = bytes.fromhex("06092a864886f70d010905")
        i = cms.find(oid)
        if i < 0:
            sys.exit("tamper.py: no signingTime")
        t = i + len(oid) + 2 + 2  # SET header, UTCTime header
        digit = cms[t]
        cms = cms[:t] + bytes([digit ^ 0x01]) + cms[t + 1:]
        (out / "rsa-detached-badattr.der").write_bytes(cms)
        tst = (out / "rsa-tst.der").read_bytes()
        # TSTInfo policy 1.2.3.4.1 -> 1.2.3.4.2 (inside the signed eContent).
        tst = flip_first(tst, bytes.fromhex("06042a030401"), bytes.fromhex("06042a030402"), "policy")
        (out / "rsa-tst-tampered.der").write_bytes(tst)
    elif sys.argv[2] == "--signature-value":
        Path(sys.argv[4]).write_bytes(signature_value(Path(sys.argv[3]).read_bytes()))
    elif sys.argv[2] == "--add-sig-ts":
        cms = Path(sys.argv[3]).read_bytes()
        token = Path(sys.argv[4]).read_bytes()
        attr = tlv(0x30, bytes.fromhex("060b2a864886f70d010910020e") + tlv(0x31, token))
        Path(sys.argv[5]).write_bytes(add_unsigned(cms, attr))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
