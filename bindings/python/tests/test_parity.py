"""The Python package gives the native library's reports, byte for byte (as JSON): every case of
every shared test-vector file, and the public functions on every signed document of the
vectors and the corpus, compared with the native CLI (`yinjian vectors --reports`, `yinjian
verify --json`)."""

from __future__ import annotations

import json

import pytest
import yinjian
from yinjian import _native

from conftest import AT, INTERMEDIATE, ROOT, SAMPLE, VECTORS, canonical, corpus, run_cli, vector_files


def native_vector_reports(files) -> dict[str, str]:
    run = run_cli("vectors", "--reports", *map(str, files))
    assert run.returncode == 0, run.stderr
    out = {}
    for line in run.stdout.splitlines():
        if line:
            case = json.loads(line)
            out[case["id"]] = canonical(case["report"])
    return out


def corpus_lines(tmp_path):
    """The corpus as runner cases, as the WASM parity test makes them: one line per OFD, PDF and
    x509-limbo case (no anchors: chains end untrusted, the same on both sides); a file of them, or
    None without the corpus."""
    folders = [corpus(rel, "python parity: corpus runner cases") for rel in ("ofd", "pdf", "x509-limbo/limbo.json")]
    if None in folders:
        return None
    lines = []
    for folder, op, ext in ((folders[0], "ofd", ".ofd"), (folders[1], "pdf", ".pdf")):
        for path in sorted(p for p in folder.iterdir() if p.suffix == ext):
            case = {"id": f"corpus/{op}/{path.name}", "op": op, "document_hex": path.read_bytes().hex(), "at": AT, "expect": "any"}
            lines.append(json.dumps(case))
    for case in json.loads(folders[2].read_text(encoding="utf-8"))["testcases"]:
        lines.append(json.dumps({"id": f"limbo/{case['id']}", "op": "x509_limbo", "case": case}))
    out = tmp_path / "corpus.jsonl"
    out.write_text("\n".join(lines), encoding="utf-8")
    return out


def test_every_vector_report_equals_the_native_one(tmp_path):
    files = vector_files()
    extra = corpus_lines(tmp_path)
    if extra is not None:
        files.append(extra)
    native = native_vector_reports(files)
    compared, differ = 0, []
    for file in files:
        for line in file.read_text(encoding="utf-8").splitlines():
            got = _native.vector_report(line)
            if got is None:
                continue
            case_id, report = got
            compared += 1
            if native.get(case_id) != canonical(report):
                differ.append(case_id)
    print(f"parity: {compared} vector reports compared ({len(native)} native), {len(differ)} differ")
    assert differ == []
    assert compared == len(native)
    assert compared > (400 if extra is not None else 250), f"only {compared} reports"


def test_a_vector_line_that_is_not_json_raises_vector_mismatch():
    assert _native.vector_report("# a comment") is None
    with pytest.raises(yinjian.VectorMismatchError) as raised:
        _native.vector_report("{not json")
    assert raised.value.code == "VectorMismatch"


def documents():
    """Every signed document of the vectors (OFD, PDF, attached CMS), and the corpus OFDs/PDFs."""
    found = [SAMPLE]
    for pattern in ("ofd/*.ofd", "invoice/*.ofd", "pdf/*.pdf", "ltv/*.pdf", "cms/*attached*.der"):
        found += sorted(VECTORS.glob(pattern))
    for rel, ext in (("ofd", ".ofd"), ("pdf", ".pdf")):
        folder = corpus(rel, f"python parity: corpus {rel}")
        if folder is not None:
            found += sorted(p for p in folder.iterdir() if p.suffix == ext)
    return found


TRUST_ARGS = ["--anchors", str(ROOT), "--intermediates", str(INTERMEDIATE), "--no-revocation", "--at", AT]


def test_verify_document_equals_yinjian_verify_on_every_document():
    trust = yinjian.TrustStore(ROOT)
    verifier = yinjian.Verifier(trust, at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    compared, differ = 0, []
    for path in documents():
        run = run_cli("verify", str(path), "--json", *TRUST_ARGS)
        assert run.stdout.startswith("{"), f"{path}: {run.stderr}"
        native = canonical(json.loads(run.stdout))
        by_function = yinjian.verify_document(
            path, trust, at=AT, intermediates=[INTERMEDIATE], revocation_required=False
        )
        by_verifier = verifier.verify(path.read_bytes())
        compared += 1
        if canonical(by_function) != native or canonical(by_verifier) != native:
            differ.append(str(path))
    print(f"parity: {compared} documents through verify_document and Verifier.verify, {len(differ)} differ")
    assert differ == []
    assert compared >= 30


def test_the_kind_fixed_functions_equal_verify_document():
    ofd = VECTORS / "ofd" / "sealed.ofd"
    pdf = VECTORS / "pdf" / "sm2-signed.pdf"
    options = dict(at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    assert yinjian.verify_ofd(ofd, ROOT, **options) == yinjian.verify_document(ofd, ROOT, **options)
    assert yinjian.verify_pdf(pdf, ROOT, **options) == yinjian.verify_document(pdf, ROOT, **options)
