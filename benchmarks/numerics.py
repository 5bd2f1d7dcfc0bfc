"""logistic_gradient against its floor: the two matrix-vector products it cannot avoid.

Run from the repository root::

    PYTHONPATH=src .venv/bin/python benchmarks/numerics.py [--pairs 21] [--settle 0.3]

On a float64 ``X`` of 1,000,000 x 32 (256 MB), the script times, in one process and pair by
pair, the floor -- ``X @ w`` followed by ``X.T @ r``, each read of ``X`` streaming 256 MB from
memory -- and ``logistic_gradient(X, y, w, b, lambda_)``, validation included. The order
alternates from pair to pair (floor first, then gradient first) so that drifting machine load
falls on both, and the result is the median over pairs of the ratio within a pair. It then
measures, with tracemalloc (numpy reports its allocations to it; OpenBLAS's internal buffers
are not traced), the peak memory one call allocates beyond its inputs.

Before each timed call the script sleeps ``--settle`` seconds. After a multithreaded BLAS call,
OpenBLAS's worker threads busy-wait for about 2**28 cycles (~0.1 s) before they sleep; on a
2-core machine with other work on it, whatever runs next loses a core to them (measured here:
logistic_gradient right after the floor took about 3x as long as on its own). The sleep gives
both sides the same quiet start.

logistic_gradient reads ``X`` block by block (``numerics._BLOCK_BYTES`` each): a block goes
through ``X_blk @ w`` and, while still in the CPU cache, ``X_blk.T @ r``. So it reads ``X`` from
memory once where the floor reads it twice, and it can come in under the floor (ratio < 1);
what it adds is the sigmoid of 1,000,000 logits (mostly ``exp``, about 10 ns each here).

Aim (issue 4): ratio <= 1.3 and no temporary the size of ``X``. The numbers swing on a shared
machine; the load average is printed with them. With OpenBLAS, ``OPENBLAS_NUM_THREADS=1``
times both sides with a single-threaded BLAS (logistic_gradient's blocks are single-threaded
either way: OpenBLAS does not split a matrix-vector product this small).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from derivnotes.numerics import logistic_gradient

MB = 1e6


def _timed(func: Callable[[], object], settle: float = 0.0) -> float:
    time.sleep(settle)  # let BLAS worker threads stop spinning (see the module docstring)
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def _peak_extra_bytes(func: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--features", type=int, default=32)
    parser.add_argument("--pairs", type=int, default=21)
    parser.add_argument(
        "--settle", type=float, default=0.3, help="seconds of sleep before each timed call"
    )
    args = parser.parse_args()
    m, n, pairs, settle = args.rows, args.features, args.pairs, args.settle

    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, n))
    y = (rng.random(m) < 0.5).astype(np.float64)
    w = rng.standard_normal(n) * 0.3
    b, lambda_ = 0.1, 0.5
    r = rng.standard_normal(m)
    z_out, g_out = np.empty(m), np.empty(n)

    def floor() -> None:
        np.matmul(X, w, out=z_out)
        np.matmul(X.T, r, out=g_out)

    def gradient() -> None:
        logistic_gradient(X, y, w, b, lambda_=lambda_)

    # Correctness against the textbook formula (unblocked; fine at this size).
    dj_dw, dj_db = logistic_gradient(X, y, w, b, lambda_=lambda_)
    f = 1.0 / (1.0 + np.exp(-(X @ w + b)))
    error = np.abs(dj_dw - (X.T @ (f - y) / m + lambda_ / m * w)).max()
    error = max(error, abs(dj_db - float(np.mean(f - y))))
    del f

    for _ in range(2):  # warm up: page in X, start BLAS threads
        floor()
        gradient()
    load_before = os.getloadavg()[0]
    floor_times, gradient_times, ratios = [], [], []
    for pair in range(pairs):
        if pair % 2 == 0:
            t_floor, t_gradient = _timed(floor, settle), _timed(gradient, settle)
        else:
            t_gradient, t_floor = _timed(gradient, settle), _timed(floor, settle)
        floor_times.append(t_floor)
        gradient_times.append(t_gradient)
        ratios.append(t_gradient / t_floor)
    load_after = os.getloadavg()[0]
    x_alone = statistics.median(
        _timed(lambda: np.matmul(X, w, out=z_out), settle) for _ in range(5)
    )
    xt_alone = statistics.median(
        _timed(lambda: np.matmul(X.T, r, out=g_out), settle) for _ in range(5)
    )

    peak = _peak_extra_bytes(gradient)
    floor_peak = _peak_extra_bytes(lambda: (X @ w, X.T @ r))

    ms = 1000.0
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "default")
    print(
        f"X: {m:,} x {n} float64 ({X.nbytes / MB:.0f} MB); BLAS threads: {threads}; "
        f"{settle:g} s settle before each timed call; load average {load_before:.1f} -> "
        f"{load_after:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"max |logistic_gradient - textbook formula| = {error:.1e}")
    print(
        f"floor: X @ w {x_alone * ms:.1f} ms + X.T @ r {xt_alone * ms:.1f} ms alone; "
        f"paired: floor median {statistics.median(floor_times) * ms:.1f} ms "
        f"(min {min(floor_times) * ms:.1f}), logistic_gradient median "
        f"{statistics.median(gradient_times) * ms:.1f} ms (min {min(gradient_times) * ms:.1f}); "
        f"min/min = {min(gradient_times) / min(floor_times):.2f}"
    )
    print(
        f"ratio per pair: min {min(ratios):.2f}, quartiles "
        f"{' / '.join(f'{q:.2f}' for q in statistics.quantiles(ratios, n=4))}, "
        f"max {max(ratios):.2f}; the floor's own peak extra memory = {floor_peak / MB:.1f} MB"
    )
    print(
        f"logistic_gradient/floor = {statistics.median(ratios):.2f} (median of {pairs} "
        f"interleaved pairs; aim <= 1.3); peak extra memory = {peak / MB:.1f} MB "
        f"(X is {X.nbytes / MB:.0f} MB)"
    )


if __name__ == "__main__":
    main()
