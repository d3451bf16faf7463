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


def exact_json_types(value) -> bool:
    """Whether `value` is made only of dict, list, str, int, bool and None (as JSON reads)."""
    if type(value) is dict:
        return all(type(k) is str and exact_json_types(v) for k, v in value.items())
    if type(value) is list:
        return all(exact_json_types(v) for v in value)
    return value is None or type(value) in (str, int, bool, float)


def scribble(report) -> None:
    """Changes a returned report in place everywhere it can (what must not reach the next one)."""
    if isinstance(report, dict):
        for key in list(report):
            scribble(report[key])
            report[key] = "changed"
        report["added"] = 1
    elif isinstance(report, list):
        for item in report:
            scribble(item)
        report.append("added")


def test_reports_converted_again_and_in_another_order_equal_the_native_ones(tmp_path):
    """The conversion keeps the last reports' strings and dict shapes (by position) to make the
    next ones from: every vector report, in reverse order, converted twice in a row with the
    first one scribbled over in between, equals the native JSON, key order included."""
    files = vector_files()
    extra = corpus_lines(tmp_path)
    if extra is not None:
        files.append(extra)
    native = native_vector_reports(files)
    lines = [line for file in files for line in file.read_text(encoding="utf-8").splitlines()]
    compared, differ = 0, []
    for line in reversed(lines):
        first = _native.vector_report(line)
        if first is None:
            continue
        case_id, report = first
        assert exact_json_types(report), case_id
        scribble(report)
        _, again = _native.vector_report(line)
        compared += 1
        if canonical(again) != native[case_id] or not exact_json_types(again):
            differ.append(case_id)
    print(f"parity: {compared} vector reports converted twice, {len(differ)} differ")
    assert differ == []
    assert compared == len(native)


def test_a_report_keeps_the_native_key_order_and_shares_no_container(sample_trust):
    """Against the JSON line `batch_record` writes natively: the same keys in the same order,
    the same values; two reports of one document are equal but share no dict or list."""
    verifier = yinjian.Verifier(sample_trust, at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    # (Not an e-invoice: its batch line is of kind `invoice`, not the verify report.)
    documents_ = [SAMPLE, VECTORS / "pdf" / "sm2-signed.pdf", VECTORS / "ofd" / "sealed.ofd"]
    for path in documents_ * 2 + documents_[::-1]:
        data = path.read_bytes()
        native = json.loads(verifier.batch_record(str(path), data))["report"]
        first, second = verifier.verify(data), verifier.verify(data)
        assert json.dumps(first, ensure_ascii=False) == json.dumps(native, ensure_ascii=False), path
        assert first == second

        def containers(value):
            if isinstance(value, (dict, list)):
                yield value
                for item in value.values() if isinstance(value, dict) else value:
                    yield from containers(item)

        assert not {id(c) for c in containers(first)} & {id(c) for c in containers(second)}
        scribble(first)
        assert second == native
        assert json.dumps(verifier.verify(data), ensure_ascii=False) == json.dumps(native, ensure_ascii=False)
