"""The Markdown extension: checked blocks rendered, wrong ones stop any build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from derivnotes.site.extension import DerivationBuildError
from test_cli import GOOD, MISMATCHED, REFUTED, TYPO

WRONG_ON_PURPOSE = GOOD.replace(
    "      - tex: = \\sigma(-z)\n        expr: sigma(-z)\n",
    "      - tex: = \\sigma(z)\n        expr: sigma(z)\n        wrong: true\n",
)


def convert(text: str) -> str:
    return markdown.markdown(
        text,
        extensions=["derivnotes.site.extension"],
        extension_configs={"derivnotes.site.extension": {"cache_dir": ""}},
    )


def test_checked_block_renders_its_steps_with_status_words() -> None:
    html = convert(GOOD)
    assert 'class="dn-derivation"' in html
    assert 'data-step="2"' in html and 'data-status="start"' in html
    assert "symmetry of the sigmoid" in html
    assert "proved" in html or "checked numerically" in html
    assert "How this was checked" in html
    assert "```derivation" not in html


@pytest.mark.parametrize("text", [REFUTED, MISMATCHED, TYPO], ids=["refuted", "mismatch", "typo"])
def test_wrong_block_raises_without_any_strict_mode(text: str) -> None:
    with pytest.raises(DerivationBuildError):
        convert(text)


def test_intended_mistake_is_shown_with_the_counterexample() -> None:
    html = convert(WRONG_ON_PURPOSE)
    assert "wrong (refuted)" in html
    assert "counterexample" in html and "At z = " in html


def test_wrong_true_on_a_correct_step_fails() -> None:
    with pytest.raises(DerivationBuildError, match="could not refute"):
        convert(GOOD.replace("why: symmetry of the sigmoid", "why: x\n        wrong: true"))


def _site(tmp_path: Path, page: str) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - derivnotes\nmarkdown_extensions:\n"
        "  - derivnotes.site.extension\n",
        encoding="utf-8",
    )
    return tmp_path


def test_mkdocs_build_without_strict_fails_naming_file_and_line(tmp_path: Path) -> None:
    front_matter = "---\ntitle: A page\n---\n\n"
    page = front_matter + REFUTED
    root = _site(tmp_path, page)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    line = page.splitlines().index("      - tex: = \\sigma(z)") + 1
    assert f"docs/index.md:{line}:" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_mkdocs_build_of_a_good_page_succeeds(tmp_path: Path) -> None:
    root = _site(tmp_path, GOOD)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "--strict"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "dn-derivation" in (root / "site" / "index.html").read_text(encoding="utf-8")


def test_every_fence_language_the_finder_knows_has_a_renderer() -> None:
    from derivnotes.checker.fences import LANGUAGES
    from derivnotes.site.extension import RENDERERS

    assert set(RENDERERS) == set(LANGUAGES)
