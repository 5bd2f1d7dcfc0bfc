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
    "eqalign-with-cr": (r"\eqalign{a &= b \cr &= c}", ["a = b", "= c"]),
    "equation-label-and-comment": (
        "\\begin{equation} a = b \\label{eq:1} % from my notes\n = c \\end{equation}",
        ["a = b", "= c"],
    ),
    "one-dollar-piece-per-row": ("$a = b$ \\\\ $= c$", ["a = b", "= c"]),
    "display-dollars-in-a-row": ("$$a=b$$ $$=c$$", ["a=b", "=c"]),
    "unicode-from-a-rendered-page": ("σ(z) − 1 = −σ(−z)", ["\\sigma (z) - 1 = -\\sigma (-z)"]),
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


# Displays as learners post them, read with the page's guesses and checked: (display, marks).
# Each is what a learner would paste to ask "is my derivation right?".
LEARNERS = {
    "forum-missing-factor": (
        r"""\begin{aligned}
\frac{\partial L}{\partial w} &= \frac{\partial}{\partial w}\left(-\left[y \ln f + (1-y)\ln(1-f)\right]\right) \\
&= \left(-\frac{y}{f} + \frac{1-y}{1-f}\right) x \\
&= \frac{f - y}{f(1-f)}\, x
\end{aligned}""",
        ["start", "proved", "refuted", "proved"],
    ),
    "sigmoid-derivative": (
        r"$$\frac{d}{dz}\sigma(z) = \frac{e^{-z}}{(1+e^{-z})^2} \\ = \sigma(z)(1-\sigma(z))$$",
        ["start", "proved", "proved"],
    ),
    "dz-with-a-for-the-activation": (
        r"\frac{\partial L}{\partial z} &= \frac{\partial}{\partial z}\left(-y \ln a - (1-y) \ln(1-a)\right) \\ &= a - y",
        ["start", "proved", "proved"],
    ),
    "y-hat-and-log": (
        r"\frac{\partial L}{\partial w} = \frac{\partial}{\partial w}\left(-y\log\hat{y} - (1-y)\log(1-\hat{y})\right) \\ = (\hat{y} - y)x",
        ["start", "proved", "proved"],
    ),
    "stars-and-bare-ln": (
        r"\frac{d}{dw} (-y*ln(f) - (1-y)*ln(1-f)) \\ = (f-y)*x",
        ["start", "proved"],
    ),
    "eqalign-bias-sign-error": (
        r"\eqalign{\frac{\partial L}{\partial b} &= \frac{\partial}{\partial b}\left(-y\ln f-(1-y)\ln(1-f)\right) \\ &= y - f}",
        ["start", "proved", "refuted"],
    ),
    "squared-error": (
        r"\frac{\partial}{\partial w}\frac{1}{2}(wx + b - y)^2 \\ = (wx + b - y)x",
        ["start", "proved"],
    ),
    "sigma-of-z-with-z-defined": (
        r"\frac{\partial L}{\partial w} &= \frac{\partial}{\partial w}\left(-y\ln\sigma(z) - (1-y)\ln(1-\sigma(z))\right) \\ &= (\sigma(z) - y)\,x",
        ["start", "proved", "proved"],
    ),
    "dropped-x": (
        r"\begin{align*} \frac{\partial L}{\partial w} &= \frac{\partial}{\partial w}\left(-y\ln\sigma(z) - (1-y)\ln(1-\sigma(z))\right) \\ &= \sigma(z) - y \end{align*}",
        ["start", "proved", "refuted"],
    ),
    "one-minus-sigma": (
        r"1 - \sigma(z) = \frac{e^{-z}}{1 + e^{-z}} \\ = \sigma(-z) \\ = \sigma(z) - 1",
        ["start", "proved", "proved", "refuted"],
    ),
    "one-line-claim": (
        r"\frac{\partial L}{\partial w} = \frac{f - y}{f(1-f)}\, x",
        ["start", "refuted"],
    ),
    "regression-is-not-a-label": (  # y is real here: +y is wrong (it is +y^2)
        r"(wx - y)^2 = w^2x^2 - 2wxy + y",
        ["start", "refuted"],
    ),
    "label-identity-outside-logistic": (r"y(1-y) = 0", ["start", "refuted"]),
    "log-of-a-sum": (r"\ln(a + b) = \ln a + \ln b", ["start", "refuted"]),
    "lambda-penalty": (
        r"\frac{\partial}{\partial w}\left(\frac{\lambda}{2} w^2\right) = \lambda w",
        ["start", "proved"],
    ),
}


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_a_learners_display_is_checked_with_the_guessed_domains(name: str) -> None:
    from derivnotes.site.reader import check_for_reader, read_display

    display, marks = LEARNERS[name]
    read = read_display(display)
    assert all(entry["domain"] for entry in read["names"]), read["names"]  # nothing to ask
    document = check_for_reader(read["block"])["document"]
    (block,) = document["files"][0]["blocks"]
    assert [step["status"] for step in block["steps"]] == marks, document["files"][0]["messages"]


def test_names_nobody_can_guess_are_left_to_the_reader() -> None:
    from derivnotes.checker.paste import display_names, guess_domains

    names = display_names(split_display(r"g^2 - 1 = (g - 1)(g + 1) \\ = \mu \cdot L"))
    assert names == ["g", "mu", "L"]
    assert guess_domains(names) == {"g": "", "mu": "", "L": ""}


def test_a_block_from_a_display_keeps_every_backslash_and_quote() -> None:
    import yaml

    from derivnotes.checker.paste import block_from_display

    steps = [r"\frac{a'}{b} = \text{it's} \\", r"= {0, 1}: #"]
    block = yaml.safe_load(block_from_display(steps, {"a": "{0, 1}", "b": "= a + 1"}))
    assert [s["tex"] for s in block["chains"][0]["steps"]] == steps
    assert block["symbols"] == {"a": "{0, 1}"} and block["define"] == {"b": "a + 1"}
    assert block["chains"][0]["label"] == r"\frac{a'}{b}"


def test_a_display_the_guesser_cannot_complete_is_asked_about() -> None:
    from derivnotes.site.reader import read_display

    read = read_display(r"\frac{\partial L}{\partial w}")  # no loss, no prediction: L unknown
    assert {entry["name"]: entry["domain"] for entry in read["names"]} == {"w": "real", "L": ""}
    with pytest.raises(ValueError, match="empty"):
        read_display("  $$ $$ ")
