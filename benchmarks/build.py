"""Build times: cold, warm, after editing one derivation page, and a plain baseline.

Run: ``.venv/bin/python benchmarks/build.py``. Works on a temporary copy of docs/, overrides/
and mkdocs.yml, so the checkout is never touched. In one run it times, each as a fresh
``mkdocs build`` process on the same pages:

* cold — no caches at all (derivation checks, figures, tables, typeset math, notebooks);
* warm — nothing changed since the previous build;
* one-page — one derivation block of one page edited (a step's ``why``, prose: the block's
  decision is taken from the cache with the new text, as nothing else of it changed);
* one-math — the same block's math line edited (trailing spaces), so exactly that block is
  decided again: the checker and sympy are imported and the block decided;
* plain — the same Markdown with derivnotes' work and notebook execution switched off
  (``DERIVNOTES_CHECKS/TYPESET/EXECUTE_NOTEBOOKS=false``): what MkDocs + Material cost alone.

Warm, one-page, one-math and plain are each measured REPEATS times, interleaved, and their
medians are compared. The last line reads
``warm/plain = X.XX; one-page/plain = Y.YY; one-math/plain = W.WW; cold = Z.Z s``.
Aims (issue 16): warm/plain <= 1.2, one-page/plain <= 1.3 (one-math has none).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 3
PAGE = "docs/sigmoid-derivative.md"
MARK = "why: the two minus signs cancel"
MATH_MARK = "expr: exp(-z)/(1 + exp(-z))**2"
PLAIN = {
    "DERIVNOTES_CHECKS": "false",
    "DERIVNOTES_TYPESET": "false",
    "DERIVNOTES_EXECUTE_NOTEBOOKS": "false",
}


def build(workdir: Path, extra_env: dict[str, str] | None = None) -> float:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", **(extra_env or {}))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(workdir / "site")],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stderr[-3000:]}")
    return elapsed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("docs", "overrides"):
            shutil.copytree(ROOT / name, work / name)
        shutil.copy2(ROOT / "mkdocs.yml", work / "mkdocs.yml")
        page = work / PAGE
        source = page.read_text(encoding="utf-8")
        for mark in (MARK, MATH_MARK):
            if mark not in source:
                sys.exit(f"{PAGE} no longer contains '{mark}': update benchmarks/build.py")

        cold = build(work)
        warm, one_page, one_math, plain = [], [], [], []
        for round_ in range(REPEATS):
            build(work, PLAIN)  # the plain build's own caches (Material's, MkDocs') are warm too
            plain.append(build(work, PLAIN))
            build(work)  # back to a full, warm state
            warm.append(build(work))
            page.write_text(source.replace(MARK, f"{MARK} (edit {round_})"), encoding="utf-8")
            one_page.append(build(work))
            edited = source.replace(MATH_MARK, MATH_MARK + " " * (round_ + 1))
            page.write_text(edited, encoding="utf-8")
            one_math.append(build(work))
        page.write_text(source, encoding="utf-8")

    runs = (("warm", warm), ("one-page", one_page), ("one-math", one_math), ("plain", plain))
    med = {name: statistics.median(values) for name, values in runs}
    print(f"cold build: {cold:.1f} s (no caches)")
    for name, values in runs:
        print(
            f"{name:9} build: median {med[name]:.2f} s of {', '.join(f'{v:.2f}' for v in values)}"
        )
    print(
        f"warm/plain = {med['warm'] / med['plain']:.2f}; "
        f"one-page/plain = {med['one-page'] / med['plain']:.2f}; "
        f"one-math/plain = {med['one-math'] / med['plain']:.2f}; cold = {cold:.1f} s"
    )


if __name__ == "__main__":
    main()
