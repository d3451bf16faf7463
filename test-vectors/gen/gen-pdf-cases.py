#!/usr/bin/env python3
"""Writes test-vectors/pdf/cases.jsonl: `pdf` cases run by the native tests and, through the
npm package, by the node and Chromium tests. The signed PDFs are made here by yinjian's own
signer (`yinjian pdf sign`, a debug build of the CLI) from pdf/unsigned.pdf with the SM2 test
PKI (x509/sm2) and the ECDSA signer of the CMS test PKI (cms/pki), and kept next to the cases:

- pdf/sm2-signed.pdf        one SM2 (GM/T 0010) signature
- pdf/sm2-then-ecdsa.pdf    a second, ECDSA signature on top: the first covers its revision
- (in the cases only) sm2-signed.pdf with an update rewriting the page content afterwards

Usage: test-vectors/gen/gen-pdf-cases.py   (from the repository root, after `cargo build`)
"""
import json
import pathlib
import re
import subprocess

here = pathlib.Path(__file__).resolve().parent.parent
root = here.parent
cli = root / "target" / "debug" / "yinjian"
sm2 = here / "x509" / "sm2"
cms = here / "cms" / "pki"
pdf = here / "pdf"
TIME = "2027-05-01T08:00:00Z"


def sign(src, dst, key, cert, chain=None, field=None):
    cmd = [str(cli), "pdf", "sign", str(src), "-o", str(dst), "--key", str(key), "--cert", str(cert),
           "--time", TIME, "--reason", "approved"]
    if chain:
        cmd += ["--chain", str(chain)]
    if field:
        cmd += ["--field", field]
    subprocess.run(cmd, check=True)
    return dst.read_bytes()


def page_rewritten(data: bytes) -> bytes:
    """An incremental update after the signatures that redefines page content stream 4 0 R."""
    prev = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.findall(rb"/Size\s+(\d+)", data)[-1])
    body = b"BT /F1 24 Tf 20 60 Td (PAY 1000000) Tj ET"
    at = len(data)
    obj = b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(body), body)
    xref = at + len(obj)
    tail = b"xref\n0 1\n0000000000 65535 f \n4 1\n%010d 00000 n \ntrailer\n<< /Root 1 0 R /Size %d /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (at, size, prev, xref)
    return data + obj + tail


signed = sign(pdf / "unsigned.pdf", pdf / "sm2-signed.pdf", sm2 / "keys" / "leaf.key.pem", sm2 / "certs" / "leaf.pem",
              chain=sm2 / "certs" / "int.pem", field="审批")
twice = sign(pdf / "sm2-signed.pdf", pdf / "sm2-then-ecdsa.pdf", cms / "ec-signer.key.pem", cms / "ec-signer.pem")

anchors = [(sm2 / "certs" / "root.pem").read_text(), (cms / "root.pem").read_text()]
base = {
    "op": "pdf", "anchors": anchors, "at": "2027-06-01T00:00:00Z", "revocation_required": False,
    "source": "made by yinjian pdf sign (gen/gen-pdf-cases.py) with the x509/sm2 and cms/pki test PKIs",
}
ok = {"expect": "PASSED"}
cases = [
    ("pdf-sm2-signed", signed, "PASSED", None, [ok], {}, "one SM2 (GM/T 0010 CMS) signature over the whole file"),
    ("pdf-sm2-then-ecdsa", twice, "PASSED", None, [ok, ok], {},
     "an ECDSA signature on top: the first covers its revision, the update is allowed (FORM_FILLING)"),
    ("pdf-page-rewritten", page_rewritten(signed), "FAILED", "ModifiedAfterSigning",
     [{"expect": "FAILED", "reason": "ModifiedAfterSigning"}], {}, "the page content rewritten after signing"),
    ("pdf-no-anchor", signed, "INDETERMINATE", "UntrustedChain", [{"expect": "INDETERMINATE"}], {"anchors": []},
     "no trust anchor"),
    ("pdf-not-signed", (pdf / "unsigned.pdf").read_bytes(), "INDETERMINATE", "NoSignature", [], {}, "no signature"),
]
with open(pdf / "cases.jsonl", "w") as f:
    for cid, doc, expect, reason, parts, extra, note in cases:
        line = dict(base, id=cid, document_hex=doc.hex(), expect=expect, parts=parts, note=note, **extra)
        if reason:
            line["reason"] = reason
        f.write(json.dumps(line, ensure_ascii=False) + "\n")
print("wrote", pdf / "cases.jsonl")
