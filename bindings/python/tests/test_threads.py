"""The GIL is released while verifying: two threads verify at the same time."""

from __future__ import annotations

import threading
import time

import yinjian

from conftest import AT, INTERMEDIATE, ROOT, SAMPLE

# Documents per native call: enough that a call lasts tens of milliseconds with a release wheel
# too (a repeated document verifies in about 0.2 ms there, and 5-10 ms in the dev wheel CI builds).
ITEMS = 96


def test_two_threads_verify_concurrently():
    verifier = yinjian.Verifier(yinjian.TrustStore(ROOT), at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    data = SAMPLE.read_bytes()
    items = [(f"{i}.ofd", data) for i in range(ITEMS)]
    want = verifier.batch_records(items[:1])[0]
    barrier = threading.Barrier(2)
    spans: dict[int, tuple[float, float]] = {}
    results: dict[int, list[str]] = {}

    def work(n: int) -> None:
        barrier.wait()
        start = time.perf_counter()
        # One native call verifying ITEMS documents: were the GIL held during it, the other
        # thread could run no Python at all until it returned, so the calls could not overlap.
        results[n] = verifier.batch_records(items)
        spans[n] = (start, time.perf_counter())

    threads = [threading.Thread(target=work, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = spans[0], spans[1]
    overlap = min(a1, b1) - max(a0, b0)
    print(f"threads: calls of {a1 - a0:.3f} s and {b1 - b0:.3f} s overlapped for {overlap:.3f} s")
    assert overlap > 0.5 * min(a1 - a0, b1 - b0), (spans, overlap)
    assert results[0] == results[1]
    assert results[0][0] == want


def test_python_runs_while_a_verification_is_in_native_code():
    verifier = yinjian.Verifier(yinjian.TrustStore(ROOT), at=AT, intermediates=[INTERMEDIATE], revocation_required=False)
    items = [(f"{i}.ofd", SAMPLE.read_bytes()) for i in range(ITEMS)]
    done = threading.Event()
    worker = threading.Thread(target=lambda: (verifier.batch_records(items), done.set()))
    ticks = 0
    worker.start()
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    worker.join()
    # With the GIL held for the whole call this loop would tick about once.
    assert ticks > 5, ticks
