"""Throughput on an archive: the package in-process (1 and 2 threads, one shared Verifier) and
the Spark job in local[2] (session start-up and the first job's warm-up timed apart from the
warm jobs), over the same folder, and the warm Spark job over each further archive given (a
larger one gives the cost per document beyond the job's fixed cost).

Each warm job is timed on the wall clock and in CPU time: the CPU the JVM and its Python
workers (the whole process tree under the driver's JVM) and the driver used during the job,
which other work on the machine does not inflate the way it inflates the wall clock.

With `--job FILE` (repeatable) the jobs of those files (each a verify_archive.py, e.g. an
older one) run in the same session, alternated round by round, so that they compare under the
same conditions; the figures of the first are the unsuffixed keys, the others' carry `@i`.
Prints one JSON object. Run by scripts/bench-python.

Usage: python archive.py [--rounds R] [--no-threads] [--job FILE]... ARCHIVE ROOT.pem INT.pem AT
       [MORE_ARCHIVES...]
"""

import argparse
import importlib.util
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yinjian

REPO = Path(__file__).resolve().parents[3]
TICKS = os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> dict:
    """pid -> user + system CPU seconds of `pid` and of each live descendant."""
    parent, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        parent[int(entry)] = int(fields[1])
        # utime and stime (fields 14 and 15 of proc(5)).
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / TICKS
    tree, todo = {}, [pid]
    while todo:
        p = todo.pop()
        tree[p] = cpu.get(p, 0.0)
        todo.extend(c for c, pp in parent.items() if pp == p)
    return tree


def cpu_since(pid: int, before: dict) -> float:
    """CPU seconds the tree of `pid` used since `before` (a `tree_cpu`): what each process
    alive now used since then (PySpark's daemon lets its workers' times go when they end, so
    a worker ending in between would be lost either way: the figure is a lower bound)."""
    return sum(now - before.get(p, 0.0) for p, now in tree_cpu(pid).items())


def load_job(path: Path, index: int):
    """The module of a verify_archive.py, under a name of its own (the executors import it by
    the name its file gives: each is shipped with addPyFile)."""
    name = "verify_archive" if index == 0 else f"verify_archive_{index}"
    if path.name != f"{name}.py":
        copy = Path(tempfile.mkdtemp()) / f"{name}.py"
        copy.write_bytes(path.read_bytes())
        path = copy
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2, help="warm jobs per archive and job file (best kept)")
    parser.add_argument("--no-threads", action="store_true", help="skip the in-process runs")
    parser.add_argument("--job", action="append", type=Path, help="a verify_archive.py (default: examples/spark's)")
    parser.add_argument("archive")
    parser.add_argument("root")
    parser.add_argument("int_")
    parser.add_argument("at")
    parser.add_argument("more", nargs="*")
    opts = parser.parse_args()
    archive, root, int_, at, more = opts.archive, opts.root, opts.int_, opts.at, opts.more
    jobs = opts.job or [REPO / "examples" / "spark" / "verify_archive.py"]
    files = sorted(p for p in Path(archive).rglob("*") if p.is_file())
    out = {"documents": len(files), "megabytes": round(sum(p.stat().st_size for p in files) / 1e6, 1)}
    if not opts.no_threads:
        data = [(p.relative_to(archive).as_posix(), p.read_bytes()) for p in files]
        verifier = yinjian.Verifier(yinjian.TrustStore(root), at=at, intermediates=[int_], revocation_required=False)
        for threads in (1, 2):
            start = time.perf_counter()
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(lambda item: verifier.batch_record(*item), data))
            out[f"python_{threads}_threads_s"] = round(time.perf_counter() - start, 2)

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    modules = [load_job(path, i) for i, path in enumerate(jobs)]
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
    jvm = spark.sparkContext._gateway.proc.pid

    def job(module, source: str) -> tuple[float, float, int]:
        with tempfile.TemporaryDirectory() as tmp:
            args = module.parse_args([source, tmp, "--anchors", root, "--intermediates", int_, "--no-revocation", "--at", at])
            cpu, driver = tree_cpu(jvm), time.process_time()
            start = time.perf_counter()
            _, summary = module.run(spark, args)
            wall = time.perf_counter() - start
            cpu = cpu_since(jvm, cpu) + time.process_time() - driver
            return wall, cpu, summary["documents"]

    for i, module in enumerate(modules):
        suffix = f"@{i}" if i else ""
        wall, cpu, documents = job(module, archive)
        out[f"spark_first_job_s{suffix}"], out[f"spark_documents{suffix}"] = round(wall, 2), documents
    loads = []
    sources = [archive, *more]
    times: dict = {}
    for _ in range(opts.rounds):
        for s, source in enumerate(sources):
            for i, module in enumerate(modules):
                wall, cpu, documents = job(module, source)
                times.setdefault((s, i), []).append((wall, cpu))
                loads.append(os.getloadavg()[0])
    for (s, i), runs in times.items():
        suffix = ("" if s == 0 else f"_{s + 1}") + (f"@{i}" if i else "")
        out[f"spark_warm_job{suffix}_s"] = round(min(w for w, _ in runs), 2)
        out[f"spark_warm_job{suffix}_median_s"] = round(statistics.median(w for w, _ in runs), 2)
        out[f"spark_warm_job{suffix}_cpu_s"] = round(min(c for _, c in runs), 2)
    out["load_during"] = [min(loads), max(loads)]
    spark.stop()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
