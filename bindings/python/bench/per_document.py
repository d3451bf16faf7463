"""The Python side of the per-document figure: the package's Verifier built once, then the same
document verified N times in this process (verify -> dict, and batch_record -> the JSON line),
best of three rounds of the thread's CPU time (the machine is shared: wall time would
mostly measure waiting for a core), as examples/per_document.rs does natively. Run by scripts/bench-python.

Usage: python per_document.py DOCUMENT ROOT.pem INT.pem AT ITERATIONS
"""

import json
import sys
import time

import yinjian


def main() -> None:
    document, root, int_, at, iterations = sys.argv[1:6]
    n = int(iterations)
    data = open(document, "rb").read()
    verifier = yinjian.Verifier(yinjian.TrustStore(root), at=at, intermediates=[int_], revocation_required=False)
    status = verifier.verify(data)["status"]
    best = [float("inf")] * 2
    for _ in range(3):
        start = time.thread_time()
        for _ in range(n):
            verifier.verify(data)
        best[0] = min(best[0], (time.thread_time() - start) / n)
        start = time.thread_time()
        for _ in range(n):
            verifier.batch_record("doc.ofd", data)
        best[1] = min(best[1], (time.thread_time() - start) / n)
    print(json.dumps({"status": status, "verify_us": round(best[0] * 1e6, 1), "batch_record_us": round(best[1] * 1e6, 1)}))


if __name__ == "__main__":
    main()
