#!/usr/bin/env python3
"""Unsigned one-page test PDFs for the PDF signing tests (core/tests/pdf_sign.rs), written
byte by byte with no dependencies so the files never change:

- test-vectors/pdf/unsigned.pdf: a classic cross-reference table;
- test-vectors/pdf/unsigned-xref-stream.pdf: the same objects indexed by an uncompressed
  cross-reference stream (PDF 1.5), so signing must append a stream too.
"""
import os
import struct

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pdf")

CONTENT = b"BT /F1 18 Tf 72 720 Td (yinjian PDF signing test) Tj ET\n"
OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
    b" /Resources << /Font << /F1 5 0 R >> >> >>",
    b"<< /Length %d >>\nstream\n" % len(CONTENT) + CONTENT + b"endstream",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Producer (yinjian test-vectors/gen/gen-pdf.py) >>",
]
ID = b"<0123456789ABCDEF0123456789ABCDEF>"


def body(version):
    out = b"%PDF-" + version + b"\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for i, obj in enumerate(OBJECTS, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    return out, offsets


def classic():
    out, offsets = body(b"1.7")
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(OBJECTS) + 1)
    for off in offsets:
        out += b"%010d 00000 n\r\n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R /ID [%s %s] >>\n" % (len(OBJECTS) + 1, ID, ID)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return out


def xref_stream():
    out, offsets = body(b"1.7")
    n = len(OBJECTS) + 1
    xref = len(out)
    rows = struct.pack(">BIH", 0, 0, 65535)
    rows += b"".join(struct.pack(">BIH", 1, off, 0) for off in offsets)
    rows += struct.pack(">BIH", 1, xref, 0)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Info 6 0 R /ID [%s %s] /Length %d >>\nstream\n" % (
        n, n + 1, ID, ID, len(rows))
    out += rows + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return out


os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "unsigned.pdf"), "wb") as f:
    f.write(classic())
with open(os.path.join(OUT, "unsigned-xref-stream.pdf"), "wb") as f:
    f.write(xref_stream())
