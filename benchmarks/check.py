"""How fast the derivation checker decides: per step, and for the whole site cold and warm.

Run: ``.venv/bin/python benchmarks/check.py [docs]``. Prints the median milliseconds to decide
one step (every step of every block under the folder, decided afresh), and the wall-clock
seconds of ``derivnotes check`` on the folder with ``--no-cache`` (cold) and with a cache that
the cold run filled (warm), each in a fresh process as a contributor would run it.

Aims (issue 3): median step <= 50 ms, cold <= 15 s, warm <= 1 s on a 2-core machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from derivnotes.checker.derivation import check_derivation, parse_derivation
from derivnotes.checker.fences import iter_fences


def step_times(folder: Path) -> list[float]:
    """Seconds each non-first step took to decide (display cross-check included)."""
    times = []
    for path in sorted(folder.rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for fence in iter_fences(lines, file=str(path)):
            if fence.language != "derivation":
                continue
            derivation = parse_derivation(fence.body, file=str(path), line=fence.body_line)
            result = check_derivation(derivation)
            times.extend(step.seconds for step in result.steps if step.status != "start")
    return times


def timed_cli(*args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "derivnotes", "check", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"derivnotes check {' '.join(args)} failed:\n{done.stderr}")
    return elapsed


def main() -> None:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    times = step_times(folder)
    median_ms = statistics.median(times) * 1000
    p90_ms = statistics.quantiles(times, n=10)[-1] * 1000 if len(times) > 1 else median_ms
    with tempfile.TemporaryDirectory() as cache:
        cold = timed_cli("--no-cache", str(folder))
        timed_cli("--cache-dir", cache, str(folder))  # fill the cache
        warm = timed_cli("--cache-dir", cache, str(folder))
    print(f"steps decided: {len(times)}; slowest: {max(times) * 1000:.0f} ms; p90: {p90_ms:.0f} ms")
    print(
        f"median step = {median_ms:.1f} ms (aim <= 50); "
        f"cold check = {cold:.2f} s (aim <= 15); warm check = {warm:.2f} s (aim <= 1)"
    )


if __name__ == "__main__":
    main()
