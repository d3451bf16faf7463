"""Each function of the package: what passes, what fails, what raises (with its code)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yinjian

from conftest import AT, INTERMEDIATE, REPO, ROOT, SAMPLE, VECTORS

SAMPLE_DIR = VECTORS / "sample"
CMS = VECTORS / "cms"
CERTS = VECTORS / "x509" / "sm2" / "certs"
LICENCE = VECTORS / "licence"
LICENCE_AT = "2027-06-01T00:00:00Z"
DOCUMENT_OPTIONS = dict(at=AT, intermediates=[INTERMEDIATE], revocation_required=False)


def raises_code(code: str, call, *args, **kwargs) -> yinjian.YinjianError:
    with pytest.raises(yinjian.YinjianError) as raised:
        call(*args, **kwargs)
    assert raised.value.code == code, f"{raised.value!r}"
    assert isinstance(raised.value, yinjian.ERRORS[code])
    return raised.value


# --- errors -------------------------------------------------------------------------------

def test_every_code_has_its_class_and_is_a_library_code():
    native = set(yinjian._native.error_codes())
    assert native == set(yinjian.ERRORS)
    # The one table both bindings use; only NotInitialised (JavaScript's init()) is not raised here.
    table = set(re.findall(r'=> "(\w+)"', (REPO / "core/src/error_code.rs").read_text()))
    assert table - native == {"NotInitialised"}, f"codes without a class: {table - native}"
    for code, cls in yinjian.ERRORS.items():
        assert issubclass(cls, yinjian.YinjianError) and cls.code == code
    assert issubclass(yinjian.IoError, OSError)
    assert issubclass(yinjian.InvalidArgumentError, ValueError)


# --- sm3, sm2 -----------------------------------------------------------------------------

def test_sm3():
    abc = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    assert yinjian.sm3(b"abc").hex() == abc
    assert yinjian.sm3(bytearray(b"abc")) == yinjian.sm3(memoryview(b"abc")) == bytes.fromhex(abc)
    assert yinjian.sm3_hex(b"") == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"
    raises_code("InvalidArgument", yinjian.sm3, "abc")
    raises_code("InvalidArgument", yinjian.sm3, 3)


def test_sm2_verify():
    key = (SAMPLE_DIR / "signer.pub.pem").read_text()
    message = (SAMPLE_DIR / "notice.txt").read_bytes()
    signature = (SAMPLE_DIR / "notice.txt.sig").read_bytes()
    report = yinjian.sm2_verify(key, message, signature)
    assert report["status"] == "PASSED", report["summary"]
    assert report["kind"] == "sm2-signature"
    assert yinjian.sm2_verify(SAMPLE_DIR / "signer.pub.pem", message, signature) == report
    altered = yinjian.sm2_verify(key, (SAMPLE_DIR / "notice-altered.txt").read_bytes(), signature)
    assert altered["status"] == "FAILED"
    assert yinjian.sm2_verify(key, message, signature, distid="another id")["status"] == "FAILED"
    raises_code("MalformedKey", yinjian.sm2_verify, b"not a key", message, signature)
    raises_code("DistIdTooLong", yinjian.sm2_verify, key, message, signature, distid=b"x" * 9000)
    raises_code("InvalidArgument", yinjian.sm2_verify, key, "text is not bytes", signature)


# --- documents ----------------------------------------------------------------------------

def test_verify_document_takes_bytes_and_paths_alike(sample_trust):
    by_path = yinjian.verify_document(str(SAMPLE), sample_trust, **DOCUMENT_OPTIONS)
    assert by_path["status"] == "PASSED", by_path["summary"]
    assert by_path["kind"] == "ofd"
    data = SAMPLE.read_bytes()
    for document in (SAMPLE, data, bytearray(data), memoryview(data)):
        assert yinjian.verify_document(document, sample_trust, **DOCUMENT_OPTIONS) == by_path
    # The trust argument as a path, PEM bytes or a list of them.
    for trust in (ROOT, str(ROOT), ROOT.read_bytes(), [ROOT]):
        assert yinjian.verify_document(data, trust, **DOCUMENT_OPTIONS) == by_path


def test_a_tampered_document_fails_and_junk_is_indeterminate(sample_trust):
    # One digit of the signed page content changed, as scripts/make-batch-archive tampers.
    import importlib.util
    from importlib.machinery import SourceFileLoader

    loader = SourceFileLoader("make_batch_archive", str(REPO / "scripts" / "make-batch-archive"))
    archive = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(archive)
    data = archive.tamper_ofd(SAMPLE.read_bytes())
    assert data != SAMPLE.read_bytes()
    report = yinjian.verify_document(data, sample_trust, **DOCUMENT_OPTIONS)
    assert report["status"] == "FAILED", report["summary"]
    truncated = yinjian.verify_document(SAMPLE.read_bytes()[:3000], sample_trust, **DOCUMENT_OPTIONS)
    assert truncated["status"] != "PASSED"
    junk = yinjian.verify_document(b"just some text", sample_trust, **DOCUMENT_OPTIONS)
    assert junk["status"] == "INDETERMINATE" and junk["reason"] == "Unsupported"
    assert junk["kind"] == "unknown"
    untrusted = yinjian.verify_document(SAMPLE, None, **DOCUMENT_OPTIONS)
    assert untrusted["status"] == "INDETERMINATE" and untrusted["reason"] == "UntrustedChain"


def test_document_argument_errors(tmp_path):
    error = raises_code("Io", yinjian.verify_document, tmp_path / "missing.ofd")
    assert isinstance(error, OSError) and "missing.ofd" in str(error)
    raises_code("InvalidArgument", yinjian.verify_document, 42)
    raises_code("InvalidOption", yinjian.verify_document, SAMPLE, at="yesterday")
    raises_code("InvalidOption", yinjian.verify_document, SAMPLE, at=datetime(2026, 6, 1))
    raises_code("InvalidOption", yinjian.verify_document, SAMPLE, policy={"no such key": 1})
    raises_code("InvalidOption", yinjian.verify_document, SAMPLE, policy=3)
    raises_code("MalformedCertificate", yinjian.verify_document, SAMPLE, b"not a certificate")
    raises_code("MalformedCertificate", yinjian.verify_document, SAMPLE, intermediates=[b"junk"])
    raises_code("InvalidArgument", yinjian.Verifier(at=AT).verify, SAMPLE, kind="docx")


def test_times_and_policies_are_read_every_way(sample_trust, tmp_path):
    base = yinjian.verify_document(SAMPLE, sample_trust, **DOCUMENT_OPTIONS)
    options = dict(DOCUMENT_OPTIONS)
    for at in (datetime(2026, 6, 1, tzinfo=timezone.utc), 1780272000):
        options["at"] = at
        assert yinjian.verify_document(SAMPLE, sample_trust, **options) == base
    policy = {"revocation": {"required": False}}
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    for given in (policy, json.dumps(policy), path):
        report = yinjian.verify_document(SAMPLE, sample_trust, at=AT, intermediates=[INTERMEDIATE], policy=given)
        assert report == base
    # The default policy requires revocation status: without CRLs the sample is not PASSED.
    required = yinjian.verify_document(SAMPLE, sample_trust, at=AT, intermediates=[INTERMEDIATE])
    assert required["status"] == "INDETERMINATE" and required["reason"] == "RevocationUnknown"


def test_verify_ofd_and_pdf():
    ofd = yinjian.verify_ofd(VECTORS / "ofd" / "signed.ofd", ROOT, **DOCUMENT_OPTIONS)
    assert ofd["kind"] == "ofd" and ofd["parts"]
    pdf = yinjian.verify_pdf(VECTORS / "pdf" / "unsigned.pdf", ROOT, **DOCUMENT_OPTIONS)
    assert pdf["kind"] == "pdf" and pdf["status"] != "PASSED"
    # A PDF taken for an OFD is not an OFD.
    assert yinjian.verify_ofd(VECTORS / "pdf" / "unsigned.pdf", ROOT, **DOCUMENT_OPTIONS)["status"] != "PASSED"


def test_verify_cms():
    # The CMS test PKI is valid from 2026-11-24.
    AT = "2026-12-01T00:00:00Z"
    trust = yinjian.TrustStore(CMS / "pki" / "root.pem")
    signature = (CMS / "rsa-detached.der").read_bytes()
    content = (CMS / "content.bin").read_bytes()
    passed = yinjian.verify_cms(signature, content, trust, at=AT, revocation_required=False)
    assert passed["status"] == "PASSED", passed["summary"]
    assert passed["kind"] == "cms-signature"
    assert yinjian.verify_cms(CMS / "rsa-detached.der", CMS / "content.bin", trust, at=AT, revocation_required=False) == passed
    tampered = yinjian.verify_cms(signature, (CMS / "content-tampered.bin").read_bytes(), trust, at=AT, revocation_required=False)
    assert tampered["status"] == "FAILED"
    verifier = yinjian.Verifier(trust, at=AT, revocation_required=False)
    assert verifier.verify_cms(signature, content) == passed
    raises_code("MalformedSignature", yinjian.verify_cms, b"not a signature", content, trust)


def test_verify_certificate_chain():
    trust = yinjian.TrustStore(ROOT)
    leaf = CERTS / "leaf.pem"
    report = yinjian.verify_certificate_chain(leaf, [INTERMEDIATE], trust, at=AT, revocation_required=False)
    assert report["kind"] == "x509-chain"
    assert report["status"] == "PASSED", report["summary"]
    expired = yinjian.verify_certificate_chain(leaf, [INTERMEDIATE], trust, at="2060-01-01T00:00:00Z", revocation_required=False)
    assert expired["status"] != "PASSED"
    untrusted = yinjian.verify_certificate_chain(leaf, [INTERMEDIATE], None, at=AT, revocation_required=False)
    assert untrusted["status"] == "INDETERMINATE"
    raises_code("MalformedCertificate", yinjian.verify_certificate_chain, b"junk")
    raises_code("InvalidOption", yinjian.verify_certificate_chain, leaf, usage="everything")


def token_case(case_id: str) -> dict:
    for line in (VECTORS / "token" / "tokens.jsonl").read_text().splitlines():
        if line.startswith("{") and json.loads(line)["id"] == case_id:
            return json.loads(line)
    raise KeyError(case_id)


def test_verify_token():
    case = token_case("token-es256-pass")
    o = case["options"]
    kwargs = dict(algorithms=o["algorithms"], issuers=o.get("issuers"), audience=o.get("audience"), at=o["at"])
    report = yinjian.verify_token(case["token"], case["jwks"], **kwargs)
    assert report["kind"] == "token" and report["status"] == "PASSED", report["summary"]
    store = yinjian.TrustStore()
    assert store.add_jwks(case["jwks"]) == len(case["jwks"]["keys"])
    assert yinjian.verify_token(case["token"], None, trust=store, **kwargs) == report
    wrong_audience = yinjian.verify_token(case["token"], json.dumps(case["jwks"]), **{**kwargs, "audience": "svc-b"})
    assert wrong_audience["status"] == "FAILED"
    flipped = case["token"][:-2] + ("A" if case["token"][-2] != "A" else "B") + case["token"][-1]
    assert yinjian.verify_token(flipped, case["jwks"], **kwargs)["status"] == "FAILED"
    raises_code("InvalidOption", yinjian.verify_token, case["token"], case["jwks"], algorithms=["ES256"], at=o["at"])
    raises_code("InvalidOption", yinjian.verify_token, case["token"], case["jwks"], **{**kwargs, "algorithms": ["none"]})
    raises_code("MalformedKey", yinjian.verify_token, case["token"], "{not json", **kwargs)


def test_check_identifier():
    valid = yinjian.check_identifier("91350100M000100Y43")
    assert valid["kind"] == "identifier" and valid["status"] == "PASSED", valid["summary"]
    assert yinjian.check_identifier("91350100M000100Y44")["status"] == "FAILED"


def test_verify_licence_qr():
    text = (LICENCE / "sample-code.txt").read_text().strip()
    report = yinjian.verify_licence_qr(text, LICENCE / "issuer.pem", at=LICENCE_AT)
    assert report["kind"] == "licence-qr" and report["status"] == "PASSED", report["summary"]
    assert yinjian.verify_licence_qr(text.encode(), [(LICENCE / "issuer.pem").read_bytes()], at=LICENCE_AT) == report
    assert yinjian.verify_licence_qr(text, LICENCE / "other.pem", at=LICENCE_AT)["status"] != "PASSED"
    assert yinjian.verify_licence_qr(text, LICENCE / "issuer.pem", at="2030-01-01T00:00:00Z")["status"] != "PASSED"
    # A licence QR text is a document too, with its issuers on the verifier.
    verifier = yinjian.Verifier(at=LICENCE_AT, licence_issuers=[LICENCE / "issuer.pem"])
    assert verifier.verify(text.encode()) == report
    raises_code("MalformedCertificate", yinjian.verify_licence_qr, text, b"junk", at=LICENCE_AT)
    raises_code("InvalidOption", yinjian.verify_licence_qr, text, LICENCE / "issuer.pem", algorithms=["RSA"])


# --- TrustStore, Verifier, batch lines ----------------------------------------------------

def test_trust_store():
    store = yinjian.TrustStore()
    assert len(store) == 0
    assert store.add_pem(ROOT.read_text()) == 1
    assert len(yinjian.TrustStore.from_files(ROOT, CMS / "pki" / "root.pem")) == 2
    assert len(yinjian.TrustStore.from_pem(ROOT.read_bytes())) == 1
    assert len(yinjian.TrustStore([ROOT, CMS / "pki" / "root.pem"])) == 2
    assert store.add(ROOT, usages=["token-signing"]) == 1
    raises_code("InvalidOption", store.add, ROOT, usages=["nothing"])
    raises_code("MalformedCertificate", store.add_pem, b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
    raises_code("MalformedCertificate", store.distrust, "not hex")
    raises_code("Io", yinjian.TrustStore.from_files, "/nonexistent/root.pem")


def test_batch_record_is_the_yinjian_batch_line(sample_trust):
    verifier = yinjian.Verifier(sample_trust, **DOCUMENT_OPTIONS)
    line = yinjian.batch_record(verifier, "a/notice.ofd", SAMPLE.read_bytes())
    record = json.loads(line)
    assert list(record) == ["path", "kind", "status", "report"]
    assert record["path"] == "a/notice.ofd" and record["kind"] == "ofd" and record["status"] == "PASSED"
    assert record["report"] == verifier.verify(SAMPLE)
    assert "\n" not in line
    assert verifier.batch_record("a/notice.ofd", SAMPLE.read_bytes()) == line
    junk = json.loads(verifier.batch_record("junk.bin", b"\x00\x01"))
    assert (junk["kind"], junk["status"], junk["reason"]) == ("unknown", "INDETERMINATE", "Unsupported")
    assert verifier.batch_records([("a/notice.ofd", SAMPLE.read_bytes()), ("junk.bin", b"\x00\x01")]) == [
        line,
        json.dumps(junk, ensure_ascii=False, separators=(",", ":")),
    ]
    unreadable = json.loads(yinjian.Verifier.unreadable_record("x.ofd", "permission denied"))
    assert unreadable["report"]["checks"][0]["name"] == "input.read"


def test_batch_row_gives_the_line_and_its_fields(sample_trust):
    verifier = yinjian.Verifier(sample_trust, **DOCUMENT_OPTIONS)
    for path, data in [
        ("a/notice.ofd", SAMPLE.read_bytes()),
        ("junk.bin", b"\x00\x01"),
        ("good.ofd", (VECTORS / "invoice" / "good.ofd").read_bytes()),
    ]:
        line, kind, status, reason, key = verifier.batch_row(path, data)
        assert line == verifier.batch_record(path, data)
        record = json.loads(line)
        want_key = (record.get("invoice") or {}).get("key")
        assert (kind, status, reason, key) == (record["kind"], record["status"], record.get("reason"), want_key)
    assert (kind, key) == ("invoice", want_key) and key, "the invoice gives its key"


def test_an_invoice_ofd_is_an_invoice_line_with_its_fields(sample_trust):
    verifier = yinjian.Verifier(sample_trust, **DOCUMENT_OPTIONS)
    good = VECTORS / "invoice" / "good.ofd"
    record = json.loads(verifier.batch_record("good.ofd", good.read_bytes()))
    assert list(record)[-2:] == ["invoice", "report"] and "duplicate_of" not in record
    assert record["kind"] == "invoice" and record["report"] == verifier.verify(good, kind="invoice")
    assert record["invoice"]["key"] == "044031900111/12345678"
    assert record["invoice"]["total_including_tax"] == "515.00"
