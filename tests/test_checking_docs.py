"""The checker's figures that the pages state (limits, points, sizes, digits) are the code's own.

The pages cannot compute these numbers while they build, so this test ties each sentence to the
constant it describes: change one, and the page must change with it.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from derivnotes.checker import derivation
from derivnotes.checker import numeric as derivation_numeric

SIZES = derivation_numeric.LARGER_SIZES

DOCS = Path(__file__).resolve().parent.parent / "docs"
WRITE = (DOCS / "write-a-derivation.md").read_text(encoding="utf-8")
HOW = (DOCS / "how-checking-works.md").read_text(encoding="utf-8")


def _thousands(n: float) -> str:
    return f"{n:,.0f}"


@pytest.mark.parametrize(
    ("page", "sentence"),
    [
        (WRITE, f"longer than {_thousands(derivation.MAX_EXPR_CHARS)} characters"),
        (WRITE, f"nested more than {derivation.MAX_EXPR_DEPTH} brackets deep"),
        (WRITE, f"more than {_thousands(derivation.MAX_EXPR_NODES)} operations and names"),
        (WRITE, f"more than {_thousands(derivation_numeric.MAX_TERMS)} terms"),
        (WRITE, f"after {derivation_numeric.COMPARE_SECONDS:g}\nseconds of computing time"),
        (WRITE, f"more than {derivation_numeric.MAX_DIGITS} significant digits"),
        (HOW, f"(usually {derivation.POINTS}, more"),
        (HOW, f"up to {derivation_numeric.MAX_DISCRETE} of\n     them"),
        (HOW, f"with that many (up to {derivation_numeric.MAX_DIGITS})"),
        (HOW, f"at least {derivation_numeric.DIGITS} significant digits"),
        (HOW, f"in at most {derivation_numeric.CONFIRM_CONFIGS} of their"),
        (HOW, f"with about {derivation.CONFIRM_POINTS} points"),
        (HOW, f"sizes up to {max(derivation_numeric.SIZE_VALUES)} only"),
        (
            HOW,
            f"sizes 1, 2 and 3, then for sizes between {SIZES[0][0]} and {SIZES[-2][1]} and one "
            f"between {SIZES[-1][0]} and {SIZES[-1][1]}",
        ),
    ],
)
def test_the_pages_state_the_checkers_own_figures(page: str, sentence: str) -> None:
    assert " ".join(sentence.split()) in " ".join(page.split())


def test_the_sizes_sentence_covers_every_larger_range() -> None:
    assert SIZES[0][0] == max(derivation_numeric.SIZE_VALUES) + 1
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(SIZES))


def test_one_point_in_six_sits_at_a_threshold() -> None:
    words = {6: "six"}[derivation_numeric.THRESHOLD_EVERY]
    assert f"one point in {words} sits on" in " ".join(HOW.split()).lower()
