#!/usr/bin/env python3
"""PDFs signed by pyHanko, for the cross-check in core/tests/pdf_sign.rs and
scripts/pyhanko-crosscheck: yinjian must verify them with the same coverage verdict pyHanko
gives. Signs test-vectors/pdf/unsigned.pdf with the CMS test PKI (test-vectors/cms/pki: RSA-2048
and ECDSA P-256 signers under "CMS Test Root"):

- pdf/pyhanko-rsa.pdf             RSA PKCS#1 v1.5 / SHA-256, /SubFilter /ETSI.CAdES.detached
- pdf/pyhanko-ecdsa.pdf           ECDSA P-256 / SHA-256, /SubFilter /adbe.pkcs7.detached
- pdf/pyhanko-rsa-then-ecdsa.pdf  pyhanko-rsa.pdf with a second (ECDSA, PAdES) signature in a
                                  new field: the first then covers its revision only

Needs pyHanko (`pip install pyhanko`). The signing time is the time the script runs; the
certificates are valid from 2026-11-24 for ten years.
"""
import io
import os
import sys

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

HERE = os.path.dirname(os.path.abspath(__file__))
VEC = os.path.normpath(os.path.join(HERE, ".."))
PKI = os.path.join(VEC, "cms", "pki")
PDF = os.path.join(VEC, "pdf")


def signer(name):
    return signers.SimpleSigner.load(
        os.path.join(PKI, name + ".key.pem"),
        os.path.join(PKI, name + ".pem"),
        ca_chain_files=(os.path.join(PKI, "root.pem"),),
    )


def sign(data, who, field, subfilter):
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(
        field_name=field, md_algorithm="sha256", subfilter=subfilter, reason="pyHanko cross-check"
    )
    out = io.BytesIO()
    signers.sign_pdf(w, meta, signer=signer(who), output=out)
    return out.getvalue()


def main():
    with open(os.path.join(PDF, "unsigned.pdf"), "rb") as f:
        unsigned = f.read()
    rsa = sign(unsigned, "rsa-signer", "Signature1", fields.SigSeedSubFilter.PADES)
    ecdsa = sign(unsigned, "ec-signer", "Signature1", fields.SigSeedSubFilter.ADOBE_PKCS7_DETACHED)
    both = sign(rsa, "ec-signer", "Signature2", fields.SigSeedSubFilter.PADES)
    for name, data in [("pyhanko-rsa.pdf", rsa), ("pyhanko-ecdsa.pdf", ecdsa), ("pyhanko-rsa-then-ecdsa.pdf", both)]:
        with open(os.path.join(PDF, name), "wb") as f:
            f.write(data)
        print(name, len(data), "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
