"""Every displayed equality in the pages' prose is either checked (it sits in a derivation
block) or marked, on the page, as a definition or as not checked: the build enforces it
(:func:`derivnotes.site.extension.prose_displays`), and this lists every page's displays."""

from __future__ import annotations

from pathlib import Path

import pytest

from derivnotes.site.extension import DISPLAY_MARKS, prose_displays

DOCS = Path(__file__).resolve().parents[2] / "docs"


def run(text: str) -> tuple[list[str], list[str]]:
    lines = text.splitlines()
    errors: list[str] = []
    return prose_displays(lines, 0, len(lines), "page.md", 0, errors), errors


def test_an_unmarked_equality_is_an_error_naming_its_line() -> None:
    _, errors = run("Intro.\n\n\\[\nz = w x + b\n\\]\n")
    assert len(errors) == 1 and errors[0].startswith("page.md:3: this display states an equality")
    assert "<!-- display: definition -->" in errors[0]


def test_a_marked_display_shows_its_mark() -> None:
    out, errors = run("Intro.\n<!-- display: not checked -->\n$$a = b$$\n")
    assert errors == []
    assert (
        out[1]
        == '<p class="dn-display-note" data-display="not checked">Not checked by the build</p>'
    )


def test_displays_without_an_equality_and_code_blocks_need_no_mark() -> None:
    text = "\\[\n\\sum_{i=1}^{m} L_i\n\\]\n\n```text\n\\[ a = b \\]\n```\n"
    assert run(text)[1] == []


def test_an_unknown_mark_is_refused() -> None:
    _, errors = run("<!-- display: obvious -->\n\\[ a = b \\]\n")
    assert any("unknown display mark 'obvious'" in e for e in errors)


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_every_displayed_equality_of_the_site_is_checked_or_marked(page: Path) -> None:
    lines = page.read_text(encoding="utf-8").splitlines()
    errors: list[str] = []
    out = prose_displays(lines, 0, len(lines), str(page.name), 0, errors)
    assert errors == []
    marked = [line for line in out if 'class="dn-display-note"' in line]
    assert all(any(f'data-display="{kind}"' in line for kind in DISPLAY_MARKS) for line in marked)
