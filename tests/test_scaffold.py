"""`derivnotes new`: a page that checks and builds as scaffolded, a careful nav edit, refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from derivnotes.cli import main
from derivnotes.scaffold import ScaffoldError, _AnyTagLoader, add_to_nav, page_text

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "mkdocs.yml"


def new(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["new", *args])
    out, err = capsys.readouterr()
    return code, out, err


def nav_of(text: str) -> list:
    return yaml.load(text, Loader=_AnyTagLoader)["nav"]


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the site's sources (pages, config, templates) with the decisions cached so far."""
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns(".cache"))
    shutil.copy2(CONFIG, tmp_path / "mkdocs.yml")
    cache = ROOT / ".cache" / "derivnotes"
    if cache.is_dir():  # a warm cache only saves time: every decision is keyed by content
        shutil.copytree(cache, tmp_path / ".cache" / "derivnotes")
    return tmp_path


def test_new_page_checks_and_builds_with_strict_as_scaffolded(
    site_copy: Path, capsys, monkeypatch
) -> None:
    monkeypatch.delenv("DERIVNOTES_SITE_URL", raising=False)
    docs, config = site_copy / "docs", site_copy / "mkdocs.yml"
    before = config.read_bytes()
    code, out, err = new(
        "softmax-gradient",
        "--title",
        "The softmax gradient",
        "--docs",
        str(docs),
        "--config",
        str(config),
        capsys=capsys,
    )
    assert (code, err) == (0, "")
    page = docs / "softmax-gradient.md"
    assert f"created {page}" in out and "derivnotes check" in out and "make serve" in out
    # mkdocs serve serves under site_url's path: the address printed is the page's.
    preview = "http://127.0.0.1:8000/derivnotes/softmax-gradient/"
    assert preview in out and preview in page.read_text(encoding="utf-8")
    # mkdocs.yml: one line more, every other byte as it was (its !ENV tags included).
    after = config.read_bytes()
    entry = b"      - The softmax gradient: softmax-gradient.md\n"
    assert after.replace(entry, b"", 1) == before
    assert after.index(entry) + len(entry) == after.index(b"      - Common mistakes, refuted:")
    derivations = next(item for item in nav_of(after.decode()) if "Derivations" in item)
    titles = [next(iter(entry)) for entry in derivations["Derivations"]]
    assert titles[-2:] == ["The softmax gradient", "Common mistakes, refuted"]

    code, out, err = (main(["check", "--no-cache", str(page)]), *capsys.readouterr())
    assert code == 0, err
    assert "softmax-gradient: 4 proved" in out and "not cross-checked" not in out

    env = {**os.environ, "DERIVNOTES_EXECUTE_NOTEBOOKS": "false", "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", "site"],
        cwd=site_copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    html = (site_copy / "site" / "softmax-gradient" / "index.html").read_text(encoding="utf-8")
    assert html.count("dn-proved") >= 4  # the example is checked and shown with its marks
    assert "The softmax gradient" in html
    neighbour = (site_copy / "site" / "common-mistakes" / "index.html").read_text("utf-8")
    assert "softmax-gradient/" in neighbour  # in the nav of the other pages


def test_scaffolded_page_reads_as_a_page_and_explains_every_key() -> None:
    text = page_text("softmax", "The softmax gradient")
    front, body = text.split("---\n", 2)[1:]
    assert yaml.safe_load(front)["description"].startswith("The softmax gradient")
    assert body.lstrip().startswith("# The softmax gradient\n")
    visible = body.split("-->", 1)[1]  # the instructions are in an HTML comment
    for placeholder in ("TODO", "Replace", "replace", "Lorem", "FIXME"):
        assert placeholder not in visible.split("```derivation")[0]
    block = visible.split("```derivation\n", 1)[1].split("```", 1)[0]
    for key in ("id:", "symbols:", "define:", "chains:", "name:", "tex:", "expr:", "why:"):
        line = next(ln for ln in block.splitlines() if ln.strip().lstrip("- ").startswith(key))
        assert "#" in line, f"{key} has no comment"
    assert "wrong: true" in block


@pytest.mark.parametrize(
    ("title", "written"),
    [
        ("The softmax gradient", "- The softmax gradient: new.md"),
        ("Softmax: the gradient", '- "Softmax: the gradient": new.md'),
        ("Yes", '- "Yes": new.md'),
        ("# of steps", '- "# of steps": new.md'),
        ("Ψ — a “quoted” title", "- Ψ — a “quoted” title: new.md"),
    ],
)
def test_nav_entry_reads_back_as_the_title(title: str, written: str) -> None:
    text = add_to_nav(CONFIG.read_text(encoding="utf-8"), "new", title)
    assert written in text
    derivations = next(item for item in nav_of(text) if "Derivations" in item)["Derivations"]
    assert {title: "new.md"} in derivations


NAV_CASES = {
    "section-without-common-mistakes": (
        "nav:\n  - Home: index.md\n  - Derivations:\n      - A: a.md\n\n  - Other: o.md\n",
        "nav:\n  - Home: index.md\n  - Derivations:\n      - A: a.md\n      - New: new.md\n\n"
        "  - Other: o.md\n",
    ),
    "no-section": (
        "site_name: x\nnav:\n  - Home: index.md\n# end of nav\ntheme: material\n",
        "site_name: x\nnav:\n  - Home: index.md\n  - New: new.md\n# end of nav\ntheme: material\n",
    ),
    "items-at-column-0": (
        "nav:\n- Home: index.md\n- Derivations:\n  - A: a.md\n  - B: common-mistakes.md\n",
        "nav:\n- Home: index.md\n- Derivations:\n  - A: a.md\n  - New: new.md\n"
        "  - B: common-mistakes.md\n",
    ),
    "crlf-and-no-final-newline": (
        "nav:\r\n  - Derivations:\r\n      - A: a.md",
        "nav:\r\n  - Derivations:\r\n      - A: a.md\r\n      - New: new.md\r\n",
    ),
    "no-nav": ("site_name: x\n", "site_name: x\n"),
}


@pytest.mark.parametrize(("before", "after"), NAV_CASES.values(), ids=NAV_CASES.keys())
def test_nav_edit_adds_one_line_and_keeps_the_rest(before: str, after: str) -> None:
    assert add_to_nav(before, "new", "New") == after


def test_nav_that_already_lists_the_page_is_refused() -> None:
    with pytest.raises(ScaffoldError, match=r"already lists sigmoid-derivative\.md"):
        add_to_nav(CONFIG.read_text(encoding="utf-8"), "sigmoid-derivative", "Again")


@pytest.fixture
def small_site(tmp_path: Path) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "taken.md").write_text("# Taken\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nnav:\n  - Derivations:\n      - Taken: taken.md\n", encoding="utf-8"
    )
    return tmp_path


def run_new_in(site: Path, slug: str, capsys, title: str = "A title") -> tuple[int, str, str]:
    return new(
        "--title",
        title,
        "--docs",
        str(site / "docs"),
        "--config",
        str(site / "mkdocs.yml"),
        "--",
        slug,
        capsys=capsys,
    )


def test_existing_slug_is_refused_and_nothing_is_written(small_site: Path, capsys) -> None:
    config = (small_site / "mkdocs.yml").read_bytes()
    code, out, err = run_new_in(small_site, "taken", capsys)
    assert code == 2 and out == ""
    assert "taken.md already exists" in err and "choose another slug" in err
    assert (small_site / "mkdocs.yml").read_bytes() == config
    assert (small_site / "docs" / "taken.md").read_text(encoding="utf-8") == "# Taken\n"


@pytest.mark.parametrize(
    ("slug", "advice"),
    [
        ("Softmax", "derivnotes new softmax "),
        ("soft max", "derivnotes new soft-max "),
        ("soft_max", "derivnotes new soft-max "),
        ("-softmax", "derivnotes new softmax "),
        ("softmax.md", "without .md"),
        ("", "lowercase letters, digits and hyphens"),
    ],
)
def test_invalid_slug_is_refused_with_what_to_write(
    small_site: Path, capsys, slug: str, advice: str
) -> None:
    config = (small_site / "mkdocs.yml").read_bytes()
    code, _, err = run_new_in(small_site, slug, capsys)
    assert code == 2
    assert f"'{slug}' is not a valid slug" in err and advice in err
    assert sorted(p.name for p in (small_site / "docs").iterdir()) == ["taken.md"]
    assert (small_site / "mkdocs.yml").read_bytes() == config


def test_missing_folder_or_config_is_named(tmp_path: Path, capsys) -> None:
    code, _, err = new("x", "--title", "X", "--docs", str(tmp_path / "nope"), capsys=capsys)
    assert code == 2 and "nope" in err and "--docs" in err
    (tmp_path / "docs").mkdir()
    code, _, err = new(
        "x",
        "--title",
        "X",
        "--docs",
        str(tmp_path / "docs"),
        "--config",
        str(tmp_path / "m.yml"),
        capsys=capsys,
    )
    assert code == 2 and "m.yml" in err and "--config" in err


def test_empty_title_is_refused(small_site: Path, capsys) -> None:
    code, _, err = run_new_in(small_site, "fine", capsys, title="  ")
    assert code == 2 and "one-line title" in err


def test_example_id_does_not_repeat_an_id_of_the_site(small_site: Path, capsys) -> None:
    (small_site / "docs" / "taken.md").write_text(
        "```derivation\nid: fresh\n```\n", encoding="utf-8"
    )
    code, _, _ = run_new_in(small_site, "fresh", capsys)
    assert code == 0
    assert "\nid: fresh-2 " in (small_site / "docs" / "fresh.md").read_text(encoding="utf-8")
