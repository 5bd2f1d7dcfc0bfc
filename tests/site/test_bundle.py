"""The checker shipped to the browser: the archive's content, what it leaves out, and the
after-build work on the site (run twice, it changes nothing)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from derivnotes.site.bundle import SYMPY_LEFT_OUT, checker_bundle, finish_checker

ROOT = Path(__file__).resolve().parents[2]


def _names(data: bytes) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:xz") as archive:
        return archive.getnames()


@pytest.fixture(scope="module")
def fresh_bundle() -> bytes:
    return checker_bundle(None)  # built from scratch, kept nowhere


def test_the_bundle_holds_the_checker_and_its_libraries_and_nothing_compiled(
    fresh_bundle: bytes, tmp_path: Path
) -> None:
    data = checker_bundle(str(tmp_path))
    assert data == fresh_bundle  # built twice, the same bytes (its name is its hash)
    assert checker_bundle(str(tmp_path)) == data  # and read back from the cache
    names = _names(data)
    for needed in (
        "derivnotes/checker/page.py",
        "derivnotes/site/render.py",
        "derivnotes/site/reader.py",
        "sympy/__init__.py",
        "mpmath/__init__.py",
        "yaml/__init__.py",
    ):
        assert needed in names
    assert not [n for n in names if n.endswith((".so", ".pyc")) or "/tests/" in n]
    assert not [
        n
        for n in names
        if n.startswith("derivnotes/") and ("exhibits" in n or "plugin" in n or "extension" in n)
    ]
    for folder in SYMPY_LEFT_OUT:
        assert not [n for n in names if n.startswith(f"sympy/{folder}/")], folder


PROBE = r"""
import glob, json, sys
from derivnotes.checker.cache import ResultCache
from derivnotes.site.reader import check_for_reader, read_display
pages = sorted(glob.glob("docs/*.md")) + sorted(glob.glob("tests/checker/adversarial/*.md"))
for page in pages:
    check_for_reader(open(page, encoding="utf-8").read(), name=page)
read_display(r"\frac{\partial L}{\partial w} = \frac{\partial}{\partial w}(-y \ln f) \\ = x")
print(json.dumps(sorted(getattr(m, "__file__", "") or "" for m in list(sys.modules.values()))))
"""


def test_no_left_out_part_of_sympy_is_imported_while_checking_every_page() -> None:
    """What the browser lacks, checking the site's pages and the adversarial pages never
    imports (checked in CPython, fresh; the browser test checks the site's pages there too)."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    files = json.loads(done.stdout)
    hit = [
        f for f in files for folder in SYMPY_LEFT_OUT if f"/sympy/{folder}/" in f.replace("\\", "/")
    ]
    assert hit == []


def test_the_after_build_work_done_twice_changes_nothing(built_site: Path, tmp_path: Path) -> None:
    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    assert finish_checker(copy, None)
    changed = [
        p
        for p in sorted(copy.rglob("*"))
        if p.is_file() and p.read_bytes() != (built_site / p.relative_to(copy)).read_bytes()
    ]
    assert changed == []


def test_a_site_without_the_checkers_page_gets_nothing(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html><head></head><body>hi</body></html>")
    assert finish_checker(tmp_path, None) is False
    assert not (tmp_path / "assets").exists()


def test_the_browsers_packages_are_the_builds_versions() -> None:
    """requirements-browser.lock pins (by hash) the releases requirements.lock pins for the
    build: the browser runs the checker with the same sympy, mpmath and PyYAML."""
    from importlib.metadata import version

    from derivnotes.site.bundle import pinned_packages

    pinned = {name.lower(): v for name, v, _ in pinned_packages()}
    assert pinned == {
        "sympy": version("sympy"),
        "mpmath": version("mpmath"),
        "pyyaml": version("PyYAML"),
    }
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8").lower()
    for name, v in pinned.items():
        assert f"{name}=={v}" in lock


def test_a_downloaded_file_with_another_hash_is_refused(tmp_path) -> None:
    from derivnotes.site.bundle import _archive_of

    fake = tmp_path / "mpmath-1.3.0-py3-none-any.whl"
    fake.write_bytes(b"not the wheel PyPI serves")
    with pytest.raises(ValueError, match="sha256"):
        _archive_of("mpmath", "1.3.0", "0" * 64, tmp_path)
    with pytest.raises(FileNotFoundError, match="make setup"):
        _archive_of("sympy", "1.14.0", "0" * 64, tmp_path)
