"""Every ```python block of the pages runs (with Sybil), so documentation code cannot rot.

The blocks of one page run in order in one namespace, as a reader would paste them. Only
```` ```python ```` fences are examples: ``derivation``, ``figure``, ``table``,
``checker-output``, ``yaml`` or ``sh`` blocks are not Python and are left alone (the first four
are checked by the build itself). A block that should not run can be preceded by
``<!-- skip: next -->``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser, SkipParser

from conftest import DOCS

SYBIL = Sybil(parsers=[PythonCodeBlockParser(), SkipParser()], path=str(DOCS))
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})\s*([\w+-]*)", re.MULTILINE)


def pages() -> list[Path]:
    return sorted(
        page
        for page in DOCS.rglob("*.md")
        if not any(
            part.startswith(".") or part == "assets" for part in page.relative_to(DOCS).parts
        )
    )


def python_fences(page: Path) -> int:
    """How many fences of a page open a Python-looking language."""
    text = page.read_text(encoding="utf-8")
    return sum(
        lang.lower() in ("python", "py", "python3", "pycon") for _, lang in _FENCE.findall(text)
    )


PAGES_WITH_PYTHON = [page for page in pages() if python_fences(page)]


def test_the_pages_hold_python_examples() -> None:
    """Guards against a vacuous pass: docs/gradient-checking.md has one at least."""
    assert DOCS / "gradient-checking.md" in PAGES_WITH_PYTHON


@pytest.mark.parametrize(
    "page", PAGES_WITH_PYTHON, ids=[p.relative_to(DOCS).as_posix() for p in PAGES_WITH_PYTHON]
)
def test_python_examples_of_the_page_run(page: Path) -> None:
    examples = list(SYBIL.parse(page))
    # Every Python fence is collected: one written ```py or ```pycon would silently not run.
    assert len(examples) == python_fences(page), (
        f"{page.name}: write Python examples as ```python fences so that they are run"
    )
    for example in examples:
        example.evaluate()  # raises with the page and line of the failing block


def test_only_python_fences_are_examples(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "```python\nx = 1\n```\n\n```derivation\nid: a\n```\n\n```yaml\na: [\n```\n\n"
        "```sh\nexit 1\n```\n\n```checker-output exit=0\nid: b\n```\n\n```figure\nname: x\n```\n"
        "\n```table\nname: y\n```\n\n```python\nassert x == 1\n```\n",
        encoding="utf-8",
    )
    examples = list(SYBIL.parse(page))
    assert [example.line for example in examples] == [1, 29]
    for example in examples:
        example.evaluate()


def test_a_failing_example_names_its_page_and_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Intro.\n\n```python\nassert 1 + 1 == 3, 'arithmetic'\n```\n", encoding="utf-8")
    (example,) = SYBIL.parse(page)
    with pytest.raises(AssertionError, match="arithmetic") as info:
        example.evaluate()
    assert any(entry.path == page and entry.lineno + 1 == 4 for entry in info.traceback), (
        "the traceback names the page's line"
    )
