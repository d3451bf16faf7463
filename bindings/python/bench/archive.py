"""Throughput on an archive: the package in-process (1 and 2 threads, one shared Verifier) and
the Spark job in local[2] (session start-up and the first job's warm-up timed apart from the
warm jobs, best of two), over the same folder, and the warm Spark job over each further
archive given (a larger one gives the cost per document beyond the job's fixed cost).
Prints one JSON object. Run by scripts/bench-python.

Usage: python archive.py ARCHIVE ROOT.pem INT.pem AT [MORE_ARCHIVES...]
"""

import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yinjian

REPO = Path(__file__).resolve().parents[3]


def main() -> None:
    archive, root, int_, at = sys.argv[1:5]
    more = sys.argv[5:]
    files = sorted(p for p in Path(archive).rglob("*") if p.is_file())
    data = [(p.relative_to(archive).as_posix(), p.read_bytes()) for p in files]
    verifier = yinjian.Verifier(yinjian.TrustStore(root), at=at, intermediates=[int_], revocation_required=False)
    out = {"documents": len(data), "megabytes": round(sum(len(d) for _, d in data) / 1e6, 1)}
    for threads in (1, 2):
        start = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(lambda item: verifier.batch_record(*item), data))
        out[f"python_{threads}_threads_s"] = round(time.perf_counter() - start, 2)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    sys.path.insert(0, str(REPO / "examples" / "spark"))
    import verify_archive
    from pyspark.sql import SparkSession

    start = time.perf_counter()
    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    # The first job also starts the Python workers: count a trivial one as start-up.
    spark.sparkContext.parallelize(range(2), 2).map(lambda x: x).collect()
    out["spark_start_s"] = round(time.perf_counter() - start, 2)
    out["load_during"] = os.getloadavg()[0]

    def job(source: str) -> tuple[float, int]:
        with tempfile.TemporaryDirectory() as tmp:
            args = verify_archive.parse_args(
                [source, tmp, "--anchors", root, "--intermediates", int_, "--no-revocation", "--at", at]
            )
            start = time.perf_counter()
            _, summary = verify_archive.run(spark, args)
            return round(time.perf_counter() - start, 2), summary["documents"]

    out["spark_first_job_s"], out["spark_documents"] = job(archive)
    out["spark_warm_job_s"] = min(job(archive)[0] for _ in range(2))
    for i, source in enumerate(more, 2):
        out[f"spark_warm_job_{i}_s"], out[f"spark_documents_{i}"] = min(job(source) for _ in range(2))
    spark.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
