"""Exercises with answers: each answer folded away (a closed <details>) and holding a checked
derivation, at least eight on the site, each derivation page ending with its exercises."""

from __future__ import annotations

import re

from conftest import DOCS
from derivnotes.checker.fences import iter_fences

ANSWER = re.compile(
    r'<details class="dn-answer" markdown="1">\n<summary>Answer</summary>\n(.*?)\n</details>',
    re.DOTALL,
)


def answers() -> dict[str, list[str]]:
    found = {}
    for page in sorted(DOCS.glob("*.md")):
        bodies = ANSWER.findall(page.read_text(encoding="utf-8"))
        if bodies:
            found[page.name] = bodies
    return found


def test_at_least_eight_exercises_each_answered_by_a_checked_derivation() -> None:
    every = [body for bodies in answers().values() for body in bodies]
    assert len(every) >= 8
    for body in every:
        fences = [f.language for f in iter_fences(body.splitlines())]
        assert "derivation" in fences, body[:200]


def test_each_page_with_exercises_ends_with_them() -> None:
    for name in answers():
        text = (DOCS / name).read_text(encoding="utf-8")
        headings = re.findall(r"^## (.+)$", text, re.MULTILINE)
        assert headings[-1] == "Exercises", name
