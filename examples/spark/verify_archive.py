"""Verify an archive of documents on Apache Spark with the yinjian Python package.

Reads the documents with Spark's ``binaryFile`` source (a folder, walked recursively; any
filesystem Spark reads: local, HDFS, S3…; for a local folder only the listing, each worker
reading its files itself unless ``--ship-bytes``) or a table of paths (Parquet, or JSONL of
``{"path": …}`` lines; the files read by the executors, so the paths must be readable there),
verifies each inside ``mapInArrow`` with one :class:`yinjian.Verifier` built per partition
(trust anchors and policy shipped from the driver as bytes), the rows going back to the JVM as
Arrow record batches (pyarrow on the driver and the executors; PySpark 3.5 also wants pandas on
the driver for ``mapInArrow``, though Arrow batches never become pandas frames), and writes:

- ``OUT/reports/``: Parquet partitioned by verdict (``status=PASSED/FAILED/INDETERMINATE``),
  one row per document: ``path`` (relative to the input folder), ``kind``, ``reason``,
  ``record`` (the ``yinjian batch`` JSON line, byte for byte, without the run-level
  ``duplicate_of``), ``bytes`` and ``invoice_key`` (an e-invoice's code/number, else null);
- ``OUT/summary.json``: documents per verdict and per reason, and ``duplicates``: each
  e-invoice held by more than one document, with all their paths (sorted).

Run locally (the package, pyarrow and pandas installed: ``pip install yinjian-*.whl pyarrow pandas``)::

    spark-submit --master 'local[2]' examples/spark/verify_archive.py ARCHIVE OUT \\
        --anchors root.pem --intermediates int.pem --no-revocation --at 2026-06-01T00:00:00Z

and on a cluster as docs/scale.md says (the wheel on every executor).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Optional

#: Columns of a report row (before Spark adds the partition column `status`), each with
#: whether it may be null.
REPORT_FIELDS = [
    ("path", False),
    ("kind", False),
    ("status", False),
    ("reason", True),
    ("record", False),
    ("bytes", False),
    ("invoice_key", True),
]
REPORT_COLUMNS = [name for name, _ in REPORT_FIELDS]
#: Arrow's type of each column (pyarrow's constructors, called where pyarrow is imported).
ARROW_TYPES = {name: "int64" if name == "bytes" else "string" for name in REPORT_COLUMNS}


def parse_args(argv: Optional[list[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Verify an archive of documents with yinjian on Spark.")
    parser.add_argument("input", help="a folder of documents, or a .parquet / .jsonl table with a `path` column")
    parser.add_argument("out", help="output folder (reports/ as Parquet, summary.json)")
    parser.add_argument("--anchors", nargs="*", default=[], help="trust anchors: PEM/DER files")
    parser.add_argument("--intermediates", nargs="*", default=[], help="intermediate certificates")
    parser.add_argument("--crl", nargs="*", default=[], help="CRL files")
    parser.add_argument("--ocsp", nargs="*", default=[], help="OCSP response files (DER)")
    parser.add_argument("--signer-cert", nargs="*", default=[], help="signer certificates for bare SM2 signatures")
    parser.add_argument("--policy", help="validation policy (JSON file, docs/POLICY.md)")
    parser.add_argument("--no-revocation", action="store_true", help="do not require revocation status")
    parser.add_argument("--at", help="validation time (RFC 3339 or Unix seconds); default: the job's start")
    parser.add_argument(
        "--root",
        help="prefix taken off each record's path (default: the input folder; for a table, none)",
    )
    parser.add_argument(
        "--partitions",
        type=int,
        help="partitions to verify in (default: the session's default parallelism, the paths dealt "
        "round-robin; with --ship-bytes or a remote folder, Spark's file splits)",
    )
    parser.add_argument(
        "--open-cost-bytes",
        type=int,
        default=64 * 1024,
        help="spark.sql.files.openCostInBytes for the binaryFile source (default 64 KiB: Spark's 4 MB "
        "counts each ~30 KB document as 4 MB and splits an archive into one task per few dozen files)",
    )
    parser.add_argument(
        "--ship-bytes",
        action="store_true",
        help="for a local folder too, read the files in Spark and ship their bytes to the Python "
        "workers (the only way for HDFS, S3…; by default each worker reads a local folder's "
        "files itself: the same files, without the JVM reading and pickling every byte)",
    )
    parser.add_argument(
        "--batch-rows",
        type=int,
        default=256,
        help="documents per Arrow batch between the JVM and the Python workers (default 256)",
    )
    parser.add_argument("--master", help="Spark master when not run by spark-submit (e.g. local[2])")
    return parser.parse_args(argv)


def read_all(paths: Iterable[str]) -> list[bytes]:
    return [Path(p).read_bytes() for p in paths]


class VerifierConfig:
    """What every partition needs to build its Verifier: plain bytes and strings, so it pickles
    and ships to executors without the files."""

    def __init__(self, args: argparse.Namespace, at: str):
        self.anchors = read_all(args.anchors)
        self.intermediates = read_all(args.intermediates)
        self.crls = read_all(args.crl)
        self.ocsp = read_all(args.ocsp)
        self.signer_certificates = read_all(args.signer_cert)
        self.policy = Path(args.policy).read_text(encoding="utf-8") if args.policy else None
        self.revocation_required = False if args.no_revocation else None
        self.at = at

    def verifier(self):
        import yinjian

        trust = yinjian.TrustStore()
        for anchor in self.anchors:
            trust.add_pem(anchor)
        return yinjian.Verifier(
            trust,
            at=self.at,
            policy=self.policy,
            revocation_required=self.revocation_required,
            intermediates=self.intermediates,
            crls=self.crls,
            ocsp=self.ocsp,
            signer_certificates=self.signer_certificates,
        )


def relative(path: str, root: str) -> str:
    """`path` (a URI or a plain path) relative to `root` (the same), else as it is."""
    prefix = root.rstrip("/") + "/"
    return path[len(prefix) :] if root and path.startswith(prefix) else path


def row_of(record: str, size: int) -> tuple:
    """A table row of an `unreadable_record` line (parsed: it is small and rare)."""
    fields = json.loads(record)
    return (fields["path"], fields["kind"], fields["status"], fields.get("reason"), record, size, None)


def row_from(shown: str, batch_row: tuple, size: int) -> tuple:
    """A table row of `Verifier.batch_row`'s `(line, kind, status, reason, invoice_key)`."""
    line, kind, status, reason, key = batch_row
    return (shown, kind, status, reason, line, size, key)


def verify_contents(verifier, root: str, paths: list, contents: list) -> Iterator[tuple]:
    """Rows of documents whose bytes came with them (`binaryFile`'s `path, content`)."""
    for path, data in zip(paths, contents):
        shown = relative(path, root)
        yield row_from(shown, verifier.batch_row(shown, data), len(data))


def verify_paths(verifier, root: str, paths: list, local_file=None) -> Iterator[tuple]:
    """Rows of documents read here (a table of paths, or `binaryFile` URIs that `local_file`
    turns into local paths): a file that cannot be read gets the `unreadable` record `yinjian
    batch` writes, never the end of the job."""
    import yinjian

    for path in paths:
        shown = relative(path, root)
        try:
            data = Path(local_file(path) if local_file else path).read_bytes()
        except OSError as e:
            yield row_of(yinjian.Verifier.unreadable_record(shown, e.strerror or str(e)), 0)
            continue
        yield row_from(shown, verifier.batch_row(shown, data), len(data))


def report_schema():
    """The Spark schema of the report rows."""
    from pyspark.sql import types as T

    return T.StructType(
        [
            T.StructField(name, T.LongType() if ARROW_TYPES[name] == "int64" else T.StringType(), nullable)
            for name, nullable in REPORT_FIELDS
        ]
    )


def arrow_schema():
    """The Arrow schema of the report rows (`report_schema` in Arrow's types)."""
    import pyarrow as pa

    return pa.schema([pa.field(name, getattr(pa, ARROW_TYPES[name])(), nullable) for name, nullable in REPORT_FIELDS])


def to_arrow(rows: list, schema):
    """Report rows (tuples in `REPORT_COLUMNS` order) as one Arrow record batch."""
    import pyarrow as pa

    columns = list(zip(*rows)) if rows else [()] * len(schema)
    return pa.RecordBatch.from_arrays([pa.array(c, type=f.type) for c, f in zip(columns, schema)], schema=schema)


def verify_batches(config: VerifierConfig, root: str, batches: Iterator, local_file=None) -> Iterator:
    """One partition for `mapInArrow`: Arrow batches of `path` (and `content` when the bytes
    were shipped) in, Arrow batches of report rows out, one for one; the Verifier built once
    per partition, the GIL released while each document is verified."""
    verifier = config.verifier()
    schema = arrow_schema()
    for batch in batches:
        names = batch.schema.names
        paths = batch.column(names.index("path")).to_pylist()
        if "content" in names:
            rows = verify_contents(verifier, root, paths, batch.column(names.index("content")).to_pylist())
        else:
            rows = verify_paths(verifier, root, paths, local_file)
        yield to_arrow(list(rows), schema)


def local_file(uri: str) -> str:
    """The local path of a `file:` URI as Spark's binaryFile source gives it (not
    percent-encoded: `file:/abs/path`, or `file:///abs/path`)."""
    path = uri[len("file:") :]
    return "/" + path.lstrip("/") if path.startswith("//") else path


def is_local(source: str) -> bool:
    """Whether a folder is on the local filesystem (a plain path or a `file:` URI) rather than
    one that only Spark reads (HDFS, S3…)."""
    return source.startswith("file:") or "://" not in source


def uri_of(path: str) -> str:
    """The URI Spark's binaryFile source gives a local path (`file:/abs/path`)."""
    if "://" in path or path.startswith("file:"):
        return path
    return "file:" + str(Path(path).resolve())


def run(spark, args: argparse.Namespace):
    """Runs the job; returns the report DataFrame (as written) and the summary (a dict)."""
    import pyarrow  # noqa: F401 - the executors need it too: say so before the job starts

    # One validation time for every document, as yinjian batch takes the run's start.
    at = args.at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    config = VerifierConfig(args, at)
    if __name__ != "__main__":
        # Imported (not run by spark-submit): the executors import this module by name.
        spark.sparkContext.addPyFile(__file__)
    # Documents per Arrow batch, each way: the bytes of a batch are in memory at once (with
    # --ship-bytes its documents' too).
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_rows))
    source = args.input
    source_is_table = source.endswith(".parquet") or source.endswith(".jsonl") or source.endswith(".json")
    if source_is_table:
        table = spark.read.parquet(source) if source.endswith(".parquet") else spark.read.json(source)
        files = table.select("path")
        root = args.root or ""
        # A table's paths are read as they are.
        path_of = None
    else:
        spark.conf.set("spark.sql.files.openCostInBytes", str(args.open_cost_bytes))
        listing = spark.read.format("binaryFile").option("recursiveFileLookup", "true").load(source)
        root = uri_of(args.root or source)
        # binaryFile's URIs; used only when the workers read the files themselves.
        path_of = local_file
        if is_local(source) and not args.ship_bytes:
            # Only the paths cross from the JVM (the source reads no content it is not asked
            # for); each worker reads its files, as for a table of paths.
            files = listing.select("path")
        else:
            files = listing.select("path", "content")
    verify = lambda batches: verify_batches(config, root, batches, path_of)  # noqa: E731
    shipped = "content" in files.columns
    if args.partitions or not shipped:
        # Only paths: dealt round-robin into one partition per core (the shuffle moves a few
        # bytes per file). Spark's file splits would put the largest files, the slowest to
        # verify, into the first partitions, and a table of paths comes as one partition.
        files = files.repartition(args.partitions or spark.sparkContext.defaultParallelism)
    reports = files.mapInArrow(verify, report_schema())
    out = args.out.rstrip("/")
    reports.write.mode("overwrite").partitionBy("status").parquet(f"{out}/reports")
    written = spark.read.parquet(f"{out}/reports")
    by_status: dict = {}
    by_reason: dict = {}
    for r in written.groupBy("status", "reason").count().collect():
        by_status[r["status"]] = by_status.get(r["status"], 0) + r["count"]
        if r["reason"]:
            by_reason[r["reason"]] = by_reason.get(r["reason"], 0) + r["count"]
    # The reimbursement-fraud check: an invoice held by several documents (yinjian batch flags
    # the later ones in `duplicate_of`; here the groups, whose paths are all known at the end).
    from pyspark.sql import functions as F

    duplicates = {
        r["invoice_key"]: sorted(r["paths"])
        for r in written.where(F.col("invoice_key").isNotNull())
        .groupBy("invoice_key")
        .agg(F.collect_list("path").alias("paths"))
        .where(F.size("paths") > 1)
        .collect()
    }
    summary = {
        "documents": sum(by_status.values()),
        "status": dict(sorted(by_status.items())),
        "reason": dict(sorted(by_reason.items())),
        "duplicates": dict(sorted(duplicates.items())),
        "at": at,
    }
    summary_path = f"{out}/summary.json"
    if "://" not in summary_path:
        Path(summary_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    else:
        spark.createDataFrame([(json.dumps(summary),)], ["summary"]).coalesce(1).write.mode("overwrite").text(summary_path)
    return written, summary


def main(argv: Optional[list[str]] = None) -> int:
    from pyspark.sql import SparkSession

    args = parse_args(argv)
    builder = SparkSession.builder.appName("yinjian-verify-archive")
    if args.master:
        builder = builder.master(args.master)
    spark = builder.getOrCreate()
    try:
        _, summary = run(spark, args)
    finally:
        spark.stop()
    print(json.dumps(summary, indent=2))
    status = summary["status"]
    # The exit code summarises as yinjian batch's: 1 any failed or any invoice held twice, 2 any
    # indeterminate, else 0.
    return 1 if status.get("FAILED") or summary["duplicates"] else 2 if status.get("INDETERMINATE") else 0


if __name__ == "__main__":
    sys.exit(main())
