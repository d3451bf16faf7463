"""Shared paths and helpers of the yinjian Python tests (run by scripts/test-python)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Optional

import pytest

REPO = Path(__file__).resolve().parents[3]
VECTORS = REPO / "test-vectors"
SAMPLE = VECTORS / "sample" / "notice.ofd"
ROOT = VECTORS / "x509" / "sm2" / "certs" / "root.pem"
INTERMEDIATE = VECTORS / "x509" / "sm2" / "certs" / "int.pem"
#: The validation time of the tests: every vector is valid then.
AT = "2026-06-01T00:00:00Z"


def target_dir() -> Path:
    return (REPO / os.environ.get("CARGO_TARGET_DIR", "target")).resolve()


def cli() -> Path:
    """The native CLI the reports are compared with: $YINJIAN_CLI, else target/debug/yinjian."""
    return Path(os.environ.get("YINJIAN_CLI") or target_dir() / "debug" / "yinjian")


def run_cli(*args: str) -> subprocess.CompletedProcess:
    path = cli()
    if not path.exists():
        pytest.fail(f"{path} is missing: cargo build -p yinjian-cli (or set YINJIAN_CLI)")
    return subprocess.run([str(path), *args], capture_output=True, text=True, check=False)


def corpus(rel: str, what: str) -> Optional[Path]:
    """`rel` inside the third-party corpus, found as the Rust tests find it ($YINJIAN_CORPUS, by
    default ../shared/corpus beside the repository), or None with one SKIPPED line, logged in
    target/tmp/corpus-skipped.txt for scripts/test; under CI=true a missing corpus fails."""
    root = Path(os.environ["YINJIAN_CORPUS"]).resolve() if os.environ.get("YINJIAN_CORPUS") else REPO.parent / "shared" / "corpus"
    path = root / rel
    if path.exists():
        return path
    if os.environ.get("CI") == "true":
        pytest.fail(f"{path} is missing: CI must have the corpus (set YINJIAN_CORPUS)")
    print(f"SKIPPED: {what}: {path} not found (set YINJIAN_CORPUS to the corpus folder)", file=sys.stderr)
    try:
        log = target_dir() / "tmp" / "corpus-skipped.txt"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a") as f:
            f.write(f"python::{what}\t{path}\n")
    except OSError:
        pass
    return None


def vector_files() -> list[Path]:
    """Every *.jsonl below test-vectors/, sorted: the set the native runner reads."""
    return sorted(VECTORS.rglob("*.jsonl"))


def canonical(value) -> str:
    """JSON text with sorted keys, so key order neither hides nor fakes a difference."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


@pytest.fixture(scope="session")
def sample_trust():
    import yinjian

    return yinjian.TrustStore(ROOT)
