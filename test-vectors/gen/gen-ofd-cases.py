#!/usr/bin/env python3
"""Writes test-vectors/ofd/cases.jsonl: `ofd` cases over the OFDs gen-ofd.sh made with
yinjian's own signer, plus a copy whose page content was edited after sealing.

Usage: test-vectors/gen/gen-ofd-cases.py   (after test-vectors/gen/gen-ofd.sh)
"""
import io
import json
import pathlib
import zipfile

here = pathlib.Path(__file__).resolve().parent.parent
pki = here / "x509" / "sm2" / "certs"
pem = lambda name: (pki / name).read_text()
ofd = lambda name: (here / "ofd" / name).read_bytes()


def edited(data: bytes, member: str) -> bytes:
    """The package with one more character in `member`; every other entry unchanged."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == member:
                body = body.replace(b"</", b" </", 1)
            dst.writestr(info, body)
    return out.getvalue()


base = {
    "op": "ofd", "anchors": [pem("root.pem")], "intermediates": [pem("int.pem")],
    "at": "2027-06-01T00:00:00Z", "revocation_required": False,
    "source": "made by yinjian ofd sign (gen/gen-ofd.sh) with the gen-x509.sh SM2 PKI; cases by gen/gen-ofd-cases.py",
}
ok = {"expect": "PASSED"}
cases = [
    ("ofd-sealed", ofd("sealed.ofd"), "PASSED", None, [ok], {}, "one v4 seal signature"),
    ("ofd-sealed-twice", ofd("sealed-twice.ofd"), "PASSED", None, [ok, ok], {}, "a second (v1) seal over the sealed document"),
    ("ofd-signed", ofd("signed.ofd"), "PASSED", None, [ok], {"signer_certificates": [pem("leaf.pem")]},
     "Type=Sign bare SM2 signature; the signer certificate supplied"),
    ("ofd-signed-no-cert", ofd("signed.ofd"), "INDETERMINATE", "UntrustedChain", [{"expect": "INDETERMINATE"}], {},
     "Type=Sign without the signer certificate: cannot be tied to anyone"),
    ("ofd-page-edited", edited(ofd("sealed.ofd"), "Doc_0/Pages/Page_0/Content.xml"), "FAILED", "ModifiedAfterSigning",
     [{"expect": "FAILED", "reason": "ModifiedAfterSigning"}], {}, "the page content changed after sealing"),
    ("ofd-no-anchor", ofd("sealed.ofd"), "INDETERMINATE", "UntrustedChain", [{"expect": "INDETERMINATE"}],
     {"anchors": []}, "no trust anchor"),
    ("ofd-sealed-after-expiry", ofd("sealed.ofd"), "INDETERMINATE", "OutOfBoundsNoPoe",
     [{"expect": "INDETERMINATE", "reason": "OutOfBoundsNoPoe"}], {"at": "2030-01-01T00:00:00Z"},
     "validated after the signer certificate (to 2029) expired, no time-stamp: no proof of existence"),
    ("ofd-stamped-after-expiry", ofd("sealed-stamped.ofd"), "PASSED", None, [ok], {"at": "2030-01-01T00:00:00Z"},
     "the same seal signature time-stamped an hour after sealing (yinjian ofd timestamp): proven, so PASSED after expiry"),
]
with open(here / "ofd" / "cases.jsonl", "w") as f:
    for cid, doc, expect, reason, parts, extra, note in cases:
        line = dict(base, id=cid, document_hex=doc.hex(), expect=expect, parts=parts, note=note, **extra)
        if reason:
            line["reason"] = reason
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
print("wrote", here / "ofd" / "cases.jsonl")
