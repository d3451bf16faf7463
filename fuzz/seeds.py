#!/usr/bin/env python3
"""Writes seed inputs for the fuzz targets from test-vectors/*.jsonl.

Usage: fuzz/seeds.py TEST_VECTOR_DIR OUT_DIR
Creates OUT_DIR/<target>/ for sm2_parse, sm2_verify_report, x509_chain, seal_decode,
cms_parse, ofd_package, pdf_document, invoice and licence_qr (one file per seed, named by content
hash). ofd_package and pdf_document seeds are the files of ../shared/corpus/ofd and /pdf (next
to the repository holding TEST_VECTOR_DIR), when those folders exist. Input layout of
sm2_verify_report: mode, key_len, sig_len, key, sig, message
(see fuzz/fuzz_targets/sm2_verify_report.rs).
"""

import base64
import glob
import hashlib
import io
import json
import os
import sys
import zipfile


def unhex(text):
    try:
        return bytes.fromhex(text)
    except (TypeError, ValueError):
        return None


def key_bytes(text):
    """Binary form of a key field (hex) or the text itself (PEM)."""
    if not isinstance(text, str):
        return None
    return unhex(text.strip()) or text.encode()


def message(case):
    if "msg_hex" in case:
        msg = unhex(case["msg_hex"]) or b""
    else:
        msg = case.get("msg_ascii", "").encode()
    return (msg * max(1, min(int(case.get("repeat", 1)), 64)))[:4096]


def pem_der(text):
    """The DER of the first PEM block in text."""
    body = [l for l in text.splitlines() if l and not l.startswith("-----")]
    try:
        return base64.b64decode("".join(body))
    except ValueError:
        return b""


def add_structured_seeds(src, seeds):
    """Chains (count byte + u16-length-prefixed DER: leaf, pool, anchor), seal signatures
    and CMS containers from the vector files below src."""
    for path in sorted(glob.glob(os.path.join(src, "**", "*.jsonl"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    case = json.loads(line)
                except ValueError:
                    continue
                if case.get("op") == "x509_chain":
                    ders = [pem_der(case["leaf"])] + [pem_der(p) for p in case.get("intermediates", [])][:6]
                    ders += [pem_der(p) for p in case.get("anchors", [])][:1]
                    ders = [d for d in ders if 0 < len(d) < 65536]
                    seeds["x509_chain"].add(bytes([len(ders)]) + b"".join(len(d).to_bytes(2, "big") + d for d in ders))
                if case.get("op") == "seal_signature":
                    seeds["seal_decode"].add(bytes.fromhex(case["signed_value_hex"]))
    for path in glob.glob(os.path.join(src, "seal", "*.esl")):
        seeds["seal_decode"].add(open(path, "rb").read())
    for path in glob.glob(os.path.join(src, "cms", "*.der")):
        seeds["cms_parse"].add(open(path, "rb").read())


def corpus_root(src):
    """$YINJIAN_CORPUS, by default <repo>/../shared/corpus, where <repo> is the folder holding
    the test-vector directory src (it may not exist)."""
    repo = os.path.dirname(os.path.abspath(src))
    return os.environ.get("YINJIAN_CORPUS") or os.path.join(os.path.dirname(repo), "shared", "corpus")


def add_document_seeds(src, seeds):
    """Whole documents from the corpus: $YINJIAN_CORPUS/{ofd,pdf}, by default
    <repo>/../shared/corpus (none when absent), where <repo>
    is the folder holding the test-vector directory src. PDFs over the fuzzer's input limit
    are left out."""
    root = corpus_root(src)
    for kind, target in (("ofd", "ofd_package"), ("pdf", "pdf_document")):
        folder = os.path.join(root, kind)
        for path in sorted(glob.glob(os.path.join(folder, "*." + kind))):
            with open(path, "rb") as f:
                data = f.read()
            if len(data) <= 65536:
                seeds[target].add(data)


def stored(data):
    """An OFD package rewritten with every entry stored uncompressed (None when it is not a
    ZIP), so that the fuzzer's byte mutations reach the XML inside."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zin:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zout:
                for info in zin.infolist():
                    # The entry's own header (its date, not today's): the seeds are the same
                    # from run to run.
                    zout.writestr(info, zin.read(info), compress_type=zipfile.ZIP_STORED)
            return buf.getvalue()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        return None


def add_invoice_seeds(src, seeds):
    """Invoices: test-vectors/invoice and $YINJIAN_CORPUS/invoice (OFDs and bare XML), each
    OFD also stored uncompressed; the entries of every OFD that are XML, alone (the bare-XML
    path and the model's parsers see them)."""
    paths = sorted(glob.glob(os.path.join(src, "invoice", "*")))
    paths += sorted(glob.glob(os.path.join(corpus_root(src), "invoice", "*")))
    target = seeds["invoice"]
    for path in paths:
        if not path.endswith((".ofd", ".xml")):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if len(data) > 65536:
            continue
        target.add(data)
        flat = stored(data) if path.endswith(".ofd") else None
        if flat and len(flat) <= 65536:
            target.add(flat)
        if flat:
            with zipfile.ZipFile(io.BytesIO(flat)) as z:
                for info in z.infolist():
                    if info.filename.lower().endswith(".xml") and "Attachs" in info.filename:
                        target.add(z.read(info))


def main(src, out):
    seeds = {
        "sm2_parse": set(),
        "sm2_verify_report": set(),
        "x509_chain": set(),
        "seal_decode": set(),
        "cms_parse": set(),
        "ofd_package": set(),
        "pdf_document": set(),
        "invoice": set(),
    }
    parse, report = seeds["sm2_parse"], seeds["sm2_verify_report"]
    add_structured_seeds(src, seeds)
    add_document_seeds(src, seeds)
    add_invoice_seeds(src, seeds)
    for path in sorted(glob.glob(os.path.join(src, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                try:
                    case = json.loads(line)
                except ValueError:
                    continue
                key = key_bytes(case.get("key"))
                sig = unhex(case.get("sig_hex", "")) or b""
                for field in ("key", "private_key"):
                    if isinstance(case.get(field), str):
                        parse.add(case[field].encode())
                        if key_bytes(case[field]):
                            parse.add(key_bytes(case[field]))
                if sig:
                    parse.add(sig)
                if "pub_x_hex" in case and "pub_y_hex" in case:
                    xy = (unhex(case["pub_x_hex"]) or b"") + (unhex(case["pub_y_hex"]) or b"")
                    parse.add(xy)
                    parse.add(b"\x04" + xy)
                msg = message(case)
                if key and len(key) < 256 and len(sig) < 256:
                    report.add(bytes([0, len(key), len(sig)]) + key + sig + msg)
                distid = case.get("distid", "").encode()[:255]
                # Fixed-key signatures over the message: DER, raw, and with the case's ID.
                report.add(bytes([1, 0, 0]) + msg)
                report.add(bytes([3, 0, 0]) + msg)
                if distid:
                    report.add(bytes([5, len(distid), 0]) + distid + msg)
    # Licence QR: a real code, its Base45 body, and the licence data files.
    licence = seeds.setdefault("licence_qr", set())
    for path in glob.glob(os.path.join(src, "licence", "*")):
        if path.endswith((".txt", ".json", ".xml")):
            with open(path, "rb") as f:
                data = f.read()
            licence.add(data)
            if data.startswith(b"YJ1:"):
                licence.add(data.strip()[4:])
    for target, items in seeds.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for item in items:
            name = hashlib.sha1(item).hexdigest()
            with open(os.path.join(d, name), "wb") as f:
                f.write(item)
    print("seeds: " + ", ".join(f"{t} {len(i)}" for t, i in seeds.items()), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
