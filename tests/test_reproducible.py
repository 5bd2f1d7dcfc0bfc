"""Two clean builds with the same SOURCE_DATE_EPOCH produce byte-identical sites."""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _clean_build(workdir: Path) -> Path:
    workdir.mkdir()
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, workdir / name)
    shutil.copy2(ROOT / "mkdocs.yml", workdir / "mkdocs.yml")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    env.pop("DERIVNOTES_SITE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    assert done.returncode == 0, done.stderr
    return workdir / "site"


def _differences(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right)
    out = [f"only in one build: {name}" for name in comparison.left_only + comparison.right_only]
    for name in comparison.common_files:
        if not filecmp.cmp(left / name, right / name, shallow=False):
            out.append(f"differs: {(left / name).relative_to(left.parents[0])}")
    for name in comparison.common_dirs:
        out.extend(_differences(left / name, right / name))
    return out


def test_two_clean_builds_are_byte_identical(tmp_path: Path) -> None:
    first = _clean_build(tmp_path / "one")
    second = _clean_build(tmp_path / "two")
    assert (first / "index.html").is_file()
    assert not (tmp_path / "one" / ".cache").samefile(tmp_path / "two" / ".cache")
    assert _differences(first, second) == []
