"""Displays pasted as learners write them, split into steps that the checker reads and checks."""

from __future__ import annotations

import pytest

from derivnotes.checker.page import check_source
from derivnotes.checker.paste import split_display

# (pasted display, the steps expected)
PASTES = {
    "aligned-in-dollars": (
        "$$\\begin{aligned}\nL &= -\\ln(\\sigma(z)) \\\\\n&= \\ln(1 + e^{-z})\n\\end{aligned}$$",
        ["L = -\\ln(\\sigma(z))", "= \\ln(1 + e^{-z})"],
    ),
    "eqalign": (
        "\\eqalign{ a(1-a) &= a - a^2 \\cr }".replace("\\cr", "\\\\"),
        ["a(1-a) = a - a^2"],
    ),
    "bare-ln-and-stars": (
        "\\[ L = -ln(f) \\\\ = -ln(1/(1+e^{-z})) \\\\ = ln(1 + e^{-z}) \\]",
        ["L = -\\ln(f)", "= -\\ln(1/(1+e^{-z}))", "= \\ln(1 + e^{-z})"],
    ),
    "rows-by-lines-tags-and-spacing": (
        "a*b + a*c \\nonumber\n  = a*(b + c) \\tag{1}\n",
        ["a*b + a*c", "= a*(b + c)"],
    ),
    "row-without-its-equals": (
        "x^2 - 1 \\\\ (x-1)(x+1) = x^2 - 1",
        ["x^2 - 1", "= (x-1)(x+1) = x^2 - 1"],
    ),
    "row-break-with-spacing": (
        "\\begin{align*} s &= 1 - \\sigma(z) \\\\[4pt] &= \\sigma(-z) \\end{align*}",
        ["s = 1 - \\sigma(z)", "= \\sigma(-z)"],
    ),
}


@pytest.mark.parametrize("name", sorted(PASTES))
def test_a_pasted_display_is_split_into_steps(name: str) -> None:
    pasted, steps = PASTES[name]
    assert split_display(pasted) == steps


def _block(steps: list[str], symbols: str) -> str:
    lines = ["```derivation", "id: pasted", "symbols:", *symbols.splitlines(), "define:"]
    lines += ["  sigma(t): 1/(1 + exp(-t))", "chains:", "  - name: c", "    steps:"]
    lines += [f"      - tex: '{tex}'" for tex in steps]
    return "\n".join([*lines, "```", ""])


def test_the_forum_derivation_with_its_mistake_is_checked_step_by_step() -> None:
    # a learner's derivation of dL/da in the forum's notation, with the wrong last line
    pasted = (
        "$$\\begin{aligned}\n"
        "&-\\left[y \\frac{1}{a} + (1-y) \\frac{-1}{1-a}\\right] \\\\\n"
        "&= -\\frac{y}{a} + \\frac{1-y}{1-a} \\\\\n"
        "&= \\frac{a - y}{a(1-a)} \\\\\n"
        "&= \\frac{a - y}{a}\n"
        "\\end{aligned}$$"
    )
    steps = split_display(pasted)
    document = check_source(_block(steps, '  a: (0, 1)\n  y: "{0, 1}"'))
    statuses = [s["status"] for s in document["files"][0]["blocks"][0]["steps"]]
    assert statuses == ["start", "proved", "proved", "refuted"]
    assert document["status"] == 1
