"""The Spark job (examples/spark/verify_archive.py) in local[2] over a generated archive of at
least 2,000 documents: its records equal the in-process Python `batch_record` lines and, when
the CLI has `yinjian batch`, that command's lines, byte for byte, by path relative to the
archive root (the CLI's run-level `duplicate_of` taken out, and checked on its own against the
invoices the Python lines hold more than once)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yinjian

from conftest import AT, INTERMEDIATE, REPO, ROOT, cli, target_dir

DOCUMENTS = int(os.environ.get("YINJIAN_SPARK_DOCUMENTS", "2000"))
TRUST = ["--anchors", str(ROOT), "--intermediates", str(INTERMEDIATE), "--no-revocation", "--at", AT]

try:
    import pyspark  # noqa: F401
except ImportError:  # pragma: no cover - the CI venv has it
    if os.environ.get("CI") == "true":
        raise
    pytest.skip("pyspark is not installed (scripts/setup-python installs it)", allow_module_level=True)

sys.path.insert(0, str(REPO / "examples" / "spark"))
import verify_archive  # noqa: E402


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch") / "archive"
    subprocess.run([str(REPO / "scripts" / "make-batch-archive"), str(out), str(DOCUMENTS)], check=True)
    return out


def invoice_groups(lines: dict[str, str]) -> dict[str, list[str]]:
    """key -> the sorted paths of every e-invoice held by more than one line."""
    groups: dict[str, list[str]] = {}
    for path, line in lines.items():
        key = (json.loads(line).get("invoice") or {}).get("key")
        if key:
            groups.setdefault(key, []).append(path)
    return {key: sorted(paths) for key, paths in sorted(groups.items()) if len(paths) > 1}


def without_duplicate_of(line: str) -> tuple[str, list[str]]:
    """A `yinjian batch` line without its `duplicate_of` (written as serde_json writes it),
    and that list."""
    earlier = json.loads(line).get("duplicate_of", [])
    if not earlier:
        return line, []
    written = ',"duplicate_of":' + json.dumps(earlier, ensure_ascii=False, separators=(",", ":"))
    assert line.count(written) == 1, line[:300]
    return line.replace(written, "", 1), earlier


def files_of(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def python_lines(archive) -> dict[str, str]:
    """relative path -> the in-process batch line, two threads sharing one Verifier."""
    verifier = yinjian.Verifier(yinjian.TrustStore(ROOT), at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    files = files_of(archive)

    def line(path: Path) -> tuple[str, str]:
        rel = path.relative_to(archive).as_posix()
        return rel, verifier.batch_record(rel, path.read_bytes())

    start = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        lines = dict(pool.map(line, files))
    took = time.perf_counter() - start
    print(f"python: {len(lines)} documents in {took:.1f} s with 2 threads ({took / len(lines) * 1e3:.2f} ms each)")
    return lines


@pytest.fixture(scope="module")
def spark():
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    # Local mode: bind to the loopback, and say so (no warning about the host name).
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    from pyspark.sql import SparkSession

    start = time.perf_counter()
    session = (
        SparkSession.builder.master("local[2]")
        .appName("yinjian-test")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.driver.memory", "1g")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    print(f"spark: session started in {time.perf_counter() - start:.1f} s")
    yield session
    session.stop()


def test_the_archive_is_big_and_mixed(archive, python_lines):
    assert len(python_lines) >= 2000
    names = Counter(path.split("-")[2] for path in python_lines)
    assert {"copy", "tampered", "truncated", "junk"} <= set(names)
    statuses = Counter(json.loads(line)["status"] for line in python_lines.values())
    assert statuses["PASSED"] and statuses["FAILED"] and statuses["INDETERMINATE"], statuses
    # Copies of the generated invoices: invoice lines, the same invoices several times over.
    kinds = Counter(json.loads(line)["kind"] for line in python_lines.values())
    assert kinds["invoice"] and kinds["ofd"], kinds
    assert invoice_groups(python_lines), "the archive holds invoices more than once"
    assert not any("duplicate_of" in json.loads(line) for line in python_lines.values()), "one file, no run"
    # Every tampered copy of a document that passed fails (or is not verifiable at all).
    for path, line in python_lines.items():
        if "-tampered-" in path:
            copy = [p for p in python_lines if p.endswith("-copy-" + path.split("-tampered-", 1)[1])]
            if copy and json.loads(python_lines[copy[0]])["status"] == "PASSED":
                assert json.loads(line)["status"] != "PASSED", path


def test_spark_records_equal_the_python_lines(spark, archive, python_lines, tmp_path):
    out = tmp_path / "spark-out"
    args = verify_archive.parse_args([str(archive), str(out), *TRUST, "--partitions", "8"])
    start = time.perf_counter()
    reports, summary = verify_archive.run(spark, args)
    rows = reports.select("path", "record", "status", "kind", "reason").collect()
    took = time.perf_counter() - start
    print(f"spark: {len(rows)} documents in {took:.1f} s (local[2], after start-up)")
    spark_lines = {r["path"]: r["record"] for r in rows}
    assert len(rows) == len(spark_lines) == len(python_lines)
    differ = [p for p in python_lines if spark_lines.get(p) != python_lines[p]]
    assert differ == [], f"{len(differ)} differ, first {differ[:3]}"
    for r in rows:
        record = json.loads(r["record"])
        assert (r["status"], r["kind"], r["reason"]) == (record["status"], record["kind"], record.get("reason"))
    # Parquet partitioned by verdict, and the summary.
    assert {p.name for p in (out / "reports").iterdir() if p.is_dir()} <= {
        "status=PASSED",
        "status=FAILED",
        "status=INDETERMINATE",
    }
    written = json.loads((out / "summary.json").read_text())
    assert written == summary
    want = Counter(json.loads(line)["status"] for line in python_lines.values())
    assert summary["status"] == dict(want) and summary["documents"] == len(python_lines)
    reasons = Counter(json.loads(line).get("reason") for line in python_lines.values())
    assert summary["reason"] == {k: v for k, v in reasons.items() if k}
    # The invoices held more than once, each with all its paths.
    assert summary["duplicates"] == invoice_groups(python_lines)


def test_shipped_bytes_and_worker_reads_give_the_same_records(spark, archive, python_lines, tmp_path):
    """A local folder is read by the workers themselves unless --ship-bytes; both routes give
    the same records, for names with spaces and Chinese too (Spark's URIs for them are not
    percent-encoded)."""
    import shutil

    folder = tmp_path / "few docs"
    chosen = files_of(archive)[:60]
    for p in chosen:
        rel = p.relative_to(archive)
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(p, folder / rel)
    shutil.copyfile(chosen[0], folder / "发票 副本.ofd")
    want = {p.relative_to(archive).as_posix(): python_lines[p.relative_to(archive).as_posix()] for p in chosen}
    verifier = yinjian.Verifier(yinjian.TrustStore(ROOT), at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    want["发票 副本.ofd"] = verifier.batch_record("发票 副本.ofd", chosen[0].read_bytes())
    # Arrow batches of 7 documents: several per partition, the last one short.
    for route in ([], ["--ship-bytes"]):
        args = verify_archive.parse_args([str(folder), str(tmp_path / f"out{len(route)}"), *TRUST, "--batch-rows", "7", *route])
        reports, _ = verify_archive.run(spark, args)
        got = {r["path"]: r["record"] for r in reports.select("path", "record").collect()}
        assert got == want, route


def test_a_table_of_paths_gives_the_same_records(spark, archive, python_lines, tmp_path):
    chosen = files_of(archive)[:240]
    table = tmp_path / "paths.jsonl"
    table.write_text("".join(json.dumps({"path": str(p)}) + "\n" for p in chosen) + json.dumps({"path": str(archive / "gone.ofd")}) + "\n")
    args = verify_archive.parse_args([str(table), str(tmp_path / "out"), *TRUST, "--root", str(archive), "--partitions", "2"])
    reports, summary = verify_archive.run(spark, args)
    got = {r["path"]: r["record"] for r in reports.select("path", "record").collect()}
    for p in chosen:
        rel = p.relative_to(archive).as_posix()
        assert got[rel] == python_lines[rel], rel
    gone = json.loads(got["gone.ofd"])
    assert gone["status"] == "INDETERMINATE" and gone["report"]["checks"][0]["name"] == "input.read"
    assert summary["documents"] == len(chosen) + 1


def batch_cli() -> Path | None:
    """A built CLI that has `yinjian batch`: $YINJIAN_CLI, else target/debug (which
    scripts/test-python keeps fresh), else target/release."""
    candidates = [cli(), target_dir() / "release" / "yinjian"]
    for path in candidates:
        if path.exists() and subprocess.run([str(path), "batch", "--help"], capture_output=True).returncode == 0:
            return path
    return None


def test_yinjian_batch_writes_the_same_lines(archive, python_lines, tmp_path):
    path = batch_cli()
    if path is None:
        print("SKIPPED: no built CLI with `yinjian batch` (cargo build -p yinjian-cli)", file=sys.stderr)
        pytest.skip("no built CLI with `yinjian batch`")
    out = tmp_path / "batch.jsonl"
    parts = sorted(p.name for p in archive.iterdir())
    start = time.perf_counter()
    # Run inside the archive with its folders as inputs: the records' paths are relative to it.
    run = subprocess.run(
        [str(path), "batch", *parts, "--out", str(out), "--ordered", "--jobs", "2", *TRUST],
        cwd=archive,
        capture_output=True,
        text=True,
    )
    took = time.perf_counter() - start
    assert run.returncode in (0, 1, 2), run.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    print(f"yinjian batch: {len(lines)} documents in {took:.1f} s (--jobs 2)")
    # duplicate_of is the run's (the Python line is one file's): compared apart.
    stripped = [without_duplicate_of(line) for line in lines]
    batch = {json.loads(line)["path"]: line for line, _ in stripped}
    assert len(batch) == len(lines) == len(python_lines)
    # --ordered: the lines in the walk's order (folders and names sorted).
    assert [json.loads(line)["path"] for line in lines] == sorted(python_lines)
    differ = [p for p in python_lines if batch.get(p) != python_lines[p]]
    assert differ == [], f"{len(differ)} differ, first {differ[:3]}"
    # Each line of an invoice seen before names every earlier path of it, in input order; the
    # groups are those of equal invoice keys among the Python lines.
    groups = invoice_groups(python_lines)
    flagged = {json.loads(line)["path"]: earlier for line, earlier in stripped if earlier}
    for paths in groups.values():
        assert paths[0] not in flagged
        for i, path in enumerate(paths[1:], 1):
            # The first MAX_DUPLICATE_OF (16) earlier paths (bindings/cli/src/cmd/batch.rs).
            assert flagged.pop(path) == paths[: min(i, 16)], path
    assert flagged == {}, f"flagged outside the groups: {list(flagged)[:3]}"
    assert run.returncode == 1, "duplicates (and failures) make the exit code 1"
