#!/usr/bin/env python3
"""test-vectors/cms/cases.jsonl: `cms` op lines (yinjian's test-vector runner) over the BER and
DER CMS files of test-vectors/cms (gen-cms.sh, gen-cms-ber.sh), validated a week after the
OpenSSL test PKI was made."""
import json, pathlib
here = pathlib.Path(__file__).resolve().parent
cms = here.parent / "cms"
root = (cms / "pki/root.pem").read_text()
content = (cms / "content.bin").read_bytes().hex()
tampered = (cms / "content-tampered.bin").read_bytes().hex()
base = {"op": "cms", "anchors": [root], "at": "2026-12-01T00:00:00Z", "revocation_required": False,
        "source": "openssl cms -sign (-stream) over test-vectors/cms/pki (gen-cms.sh, gen-cms-ber.sh)"}
def case(id, file, expect, reason=None, content_hex=None, note=""):
    c = dict(base, id=id, signature_hex=(cms / file).read_bytes().hex(), expect=expect,
             parts=[{"expect": expect, **({"reason": reason} if reason else {})}], note=note)
    if reason:
        c["reason"] = reason
    if content_hex is not None:
        c["content_hex"] = content_hex
    return c
lines = [
    case("cms-rsa-ber-attached", "rsa-ber-attached.der", "PASSED", note="indefinite lengths, content in a constructed OCTET STRING"),
    case("cms-ec-ber-attached", "ec-ber-attached.der", "PASSED"),
    case("cms-rsa-ber-detached", "rsa-ber-detached.der", "PASSED", content_hex=content),
    case("cms-ec-ber-detached", "ec-ber-detached.der", "PASSED", content_hex=content),
    case("cms-rsa-der-detached", "rsa-detached.der", "PASSED", content_hex=content),
    case("cms-ec-ber-detached-tampered", "ec-ber-detached.der", "FAILED", "HashMismatch", content_hex=tampered,
         note="one byte of the content changed"),
]
no_content = case("cms-rsa-ber-detached-no-content", "rsa-ber-detached.der", "FAILED", "Missing",
                  note="a detached signature and no content")
lines.append(no_content)
(cms / "cases.jsonl").write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines))
