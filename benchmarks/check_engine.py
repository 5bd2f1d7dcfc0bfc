"""Time the checking engine: milliseconds per step over the site's blocks and the test tables.

Run: ``PYTHONPATH=src python benchmarks/check_engine.py`` (prints; asserts nothing).
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import time
from pathlib import Path

from derivnotes.checker.derivation import check_derivation, parse_derivation
from derivnotes.checker.fences import iter_fences

ROOT = Path(__file__).resolve().parent.parent


def site_blocks() -> list[tuple[str, str, int]]:
    blocks = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for fence in iter_fences(lines, file=str(page)):
            if fence.language == "derivation":
                blocks.append((str(page.relative_to(ROOT)), fence.body, fence.body_line))
    return blocks


def test_blocks() -> list[tuple[str, str, int]]:
    path = ROOT / "tests" / "test_derivation.py"
    spec = importlib.util.spec_from_file_location("test_derivation_tables", path)
    if spec is None or spec.loader is None:
        return []
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    blocks = [(f"tests:{key}", text, 1) for key, text in module.CORRECT.items()]
    blocks += [(f"tests:{key}", value[0], 1) for key, value in module.MISTAKES.items()]
    return blocks


def main() -> int:
    rows = []
    started, cpu_started = time.perf_counter(), time.process_time()
    for name, text, line in [*site_blocks(), *test_blocks()]:
        result = check_derivation(parse_derivation(text, file=name, line=line))
        for step in result.steps:
            rows.append((name, step))
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    compared = [step.seconds * 1000 for _, step in rows if step.status != "start"]
    every = [step.seconds * 1000 for _, step in rows]
    print(f"blocks' steps: {len(every)} ({len(compared)} compared with the step before)")
    print(f"median ms per compared step: {statistics.median(compared):.1f}")
    print(f"median ms per step (all):    {statistics.median(every):.1f}")
    print(f"90th percentile ms (compared): {statistics.quantiles(compared, n=10)[-1]:.1f}")
    print(f"slowest: {max(compared):.0f} ms; total {total:.1f} s wall, {cpu:.1f} s CPU")
    print(f"(CPU/wall = {cpu / total:.2f}: below 1 when other processes share the cores)")
    slow = sorted(rows, key=lambda r: -r[1].seconds)[:5]
    for name, step in slow:
        ms = step.seconds * 1000
        print(f"  {ms:7.0f} ms  {name} {step.chain} #{step.number} ({step.status})")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "tests"))
    raise SystemExit(main())
