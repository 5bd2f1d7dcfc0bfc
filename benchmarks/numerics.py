"""logistic_gradient against its floor: the two matrix-vector products it cannot avoid.

Run: ``.venv/bin/python benchmarks/numerics.py``. On a 1,000,000 x 32 float64 X, times
``logistic_gradient`` and the pair ``X @ w`` + ``X.T @ r`` alternately in one process (so both
see the same machine load), and prints the median ratio and the peak memory the gradient
allocates beyond its inputs (numpy reports its allocations to tracemalloc).

Aim (issue 4): ratio <= 1.3 and no temporary the size of X.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc

import numpy as np

from derivnotes.numerics import logistic_gradient

M, N, PAIRS = 1_000_000, 32, 9


def main() -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((M, N))
    y = (rng.random(M) < 0.5).astype(np.float64)
    w = rng.standard_normal(N) * 0.1
    r = rng.standard_normal(M)

    def floor() -> None:
        X @ w
        X.T @ r

    def ours() -> None:
        logistic_gradient(X, y, w, 0.1, lambda_=0.5)

    floor()
    ours()  # warm up BLAS threads and caches
    ratios, ours_times, floor_times = [], [], []
    for _ in range(PAIRS):
        t0 = time.perf_counter()
        floor()
        t1 = time.perf_counter()
        ours()
        t2 = time.perf_counter()
        floor_times.append(t1 - t0)
        ours_times.append(t2 - t1)
        ratios.append((t2 - t1) / (t1 - t0))

    tracemalloc.start()
    base, _ = tracemalloc.get_traced_memory()
    ours()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print(f"X: {M:,} x {N} float64 ({X.nbytes / 2**20:.0f} MiB)")
    print(f"floor (X @ w + X.T @ r): median {statistics.median(floor_times) * 1000:.1f} ms; "
          f"logistic_gradient: median {statistics.median(ours_times) * 1000:.1f} ms")
    print(f"logistic_gradient/floor = {statistics.median(ratios):.2f} "
          f"(median of {PAIRS} interleaved pairs; aim <= 1.3); "
          f"peak extra memory = {(peak - base) / 2**20:.1f} MiB "
          f"(X is {X.nbytes / 2**20:.0f} MiB)")


if __name__ == "__main__":
    main()
