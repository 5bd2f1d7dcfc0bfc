"""A checked derivation -> the HTML (with TeX for MathJax) that the page shows.

Each chain is an ordered list of steps. A step shows its number, its formula (its ``tex``,
split at its first ``=`` so that the steps of a chain align there), its status mark in words
(not colour alone) and its reason (``why``) as prose. On a wide screen mark and reason sit
beside the formula; on a narrow one, under it; a formula wider than its room scrolls on its
own, the mark and reason stay in view. Under the chains, a collapsible "How this was checked"
says in words what was shown for each step; an intended mistake (``wrong: true``) is shown with
the checker's counterexample.

The HTML contract, documented on "Write a derivation" and stable for tests and tools: the
block carries ``data-derivation="ID"``; each step is an element with ``data-step="N"`` (the
number shown) holding its mark in an element with ``data-status`` (``start``, ``proved``,
``numeric``, ``wrong``, ``refuted`` or ``error``) and, when it has one, its reason in an
element with ``data-why``.
"""

from __future__ import annotations

import html
import re

from derivnotes.checker.messages import counterexample_text
from derivnotes.checker.results import DerivationResult, StepResult

#: The words each status is shown with (also read by screen readers).
STATUS_WORDS = {
    "start": "",
    "proved": "✓ proved",
    "numeric": "✓ checked numerically",
    "wrong": "✗ wrong (refuted)",
    "refuted": "✗ refuted",
    "error": "✗ not decided",
}


def split_at_first_equals(tex: str) -> tuple[str, str] | None:
    """Split *tex* at its first ``=`` outside braces; None when there is none.

    Examples
    --------
    >>> split_at_first_equals(r"L = -\\ln f")
    ('L ', ' -\\\\ln f')
    >>> split_at_first_equals(r"= x_{i=1}")
    ('', ' x_{i=1}')
    >>> split_at_first_equals(r"\\frac{a}{b}") is None
    True
    """
    depth = 0
    for index, char in enumerate(tex):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "=" and depth == 0 and not tex[:index].endswith(("\\", "<", ">", "!")):
            return tex[:index], tex[index + 1 :]
    return None


_INLINE = re.compile(r"(`[^`\n]+`)|(\$[^$\n]+\$)")
# (no * inside, so that a reason full of lone asterisks is read in linear time)
_STRONG = re.compile(r"\*\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*\*")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=[^\s*_])([^*_\n]+?)(?<=[^\s*_])\1(?![\w*])")


def why_html(text: str) -> str:
    r"""A reason's inline Markdown as HTML: ``code``, ``*emphasis*``, ``**strong**`` and
    ``$math$``; everything else is text (escaped: markup in a reason is shown, never run).

    Examples
    --------
    >>> print(why_html("factors $f(1-f)$ *cancel*; `diff` <b>"))
    factors <span class="arithmatex">\(f(1-f)\)</span> <em>cancel</em>; <code>diff</code> &lt;b&gt;
    """
    out = []
    position = 0
    for match in _INLINE.finditer(text):
        out.append(_prose(text[position : match.start()]))
        code, math = match.group(1), match.group(2)
        if code is not None:
            out.append(f"<code>{html.escape(code[1:-1], quote=False)}</code>")
        else:
            tex = html.escape(math[1:-1], quote=False)
            out.append(f'<span class="arithmatex">\\({tex}\\)</span>')
        position = match.end()
    out.append(_prose(text[position:]))
    return "".join(out)


def _prose(text: str) -> str:
    text = html.escape(text, quote=False)
    text = _STRONG.sub(r"<strong>\1</strong>", text)
    return _EMPHASIS.sub(r"<em>\2</em>", text)


def status_of(step: StepResult) -> str:
    """The ``data-status`` of a step: its checker status, ``wrong`` for an intended mistake."""
    return "wrong" if step.wrong and step.status == "refuted" else step.status


def _math(tex: str) -> str:
    """Inline math typeset in display style (a step's formula, one cell of its row)."""
    return f'<span class="arithmatex">\\(\\displaystyle {html.escape(tex, quote=False)}\\)</span>'


def step_html(step: StepResult) -> str:
    """One step: its number, its formula in two cells (before and from its first ``=``), its
    status mark and its reason. (Spans only: Material's search indexer loses count of a
    ``<div>`` inside a list item of a block it skips.)"""
    tex = step.tex.strip()
    split = split_at_first_equals(tex)
    left, right = (split[0].strip(), "= " + split[1].strip()) if split else (tex, "")
    status = status_of(step)
    words = STATUS_WORDS.get(status, status)
    # A formula cell scrolls when the formula is wider than its room, and must then take
    # keyboard focus; it cannot be measured here (nor while the browser skips laying out a block
    # far from view), so every formula cell starts focusable and scrollable.js drops the focus
    # from those that turn out not to scroll.
    focus = ' tabindex="0" data-dn-scrollable'
    cells = [f'<span class="dn-num" aria-hidden="true">{step.number}</span>']
    if split is None:  # no "=": the formula takes both cells, so it sets neither's width
        cells.append(f'<span class="dn-lhs dn-whole"{focus}>{_math(left)}</span>')
    else:
        cells += [
            f'<span class="dn-lhs"{focus if left else ""}>{_math(left) if left else ""}</span>',
            f'<span class="dn-rhs"{focus}>{_math(right)}</span>',
        ]
    note = []
    if words:
        label = f"step {step.number}: {words}"
        note.append(
            f'<span class="dn-mark dn-{status}" data-status="{status}" '
            f'aria-label="{html.escape(label, quote=True)}">{html.escape(words)}</span>'
        )
    else:
        note.append(f'<span class="dn-mark" data-status="{status}"></span>')
    if step.display in ("unparsed", "unchecked"):
        note.append('<span class="dn-unparsed">(display not checked)</span>')
    if step.why:
        note.append(f'<span class="dn-why" data-why>{why_html(step.why)}</span>')
    cells.append(f'<span class="dn-note">{" ".join(note)}</span>')
    return f'<li class="dn-step dn-step--{status}" data-step="{step.number}">{"".join(cells)}</li>'


def typeset_pieces(steps: list[StepResult]) -> list[str]:
    r"""Every piece of TeX the page typesets for a chain (``\(...\)``), in order: what
    ``derivnotes check`` typesets to find a display MathJax cannot."""
    found = re.findall(r'<span class="arithmatex">(.*?)</span>', "".join(map(step_html, steps)))
    return [html.unescape(piece) for piece in found]


def _verdict(step: StepResult) -> str:
    """What the checker showed for a step, in a reader's words."""
    if step.status == "start":
        return "the chain starts here"
    if step.status == "proved":
        return "proved equal to the step before, by computer algebra"
    if step.status == "numeric":
        return (
            f"checked: equal to the step before at {step.points:,} points, "
            f"to {step.digits} significant digits (no proof found)"
        )
    if step.status == "refuted":
        if step.wrong:
            return "refuted, as intended: " + counterexample_text(step)
        return "refuted: " + counterexample_text(step)
    return "not decided"


def _display_words(step: StepResult) -> str:
    """What became of a step's display, as HTML: a display read from its TeX (a step without an
    expr) says what it was read as."""
    if step.display == "read" and step.expr:
        return (
            "its display is what was checked, read from its TeX as "
            f"<code>{html.escape(step.expr, quote=False)}</code>"
        )
    return html.escape(
        {
            "matched": "its display says the same as what was checked",
            "read": "its display is what was checked (read from its TeX)",
            "generated": "its display was written from what was checked",
            "unchecked": "its display was not checked (its author marked it so)",
            "unparsed": "its display could not be read",
        }.get(step.display, "its display disagrees with what was checked")
    )


def _how_items(steps: list[StepResult]) -> list[str]:
    """The "How this was checked" lines of one chain: steps with the same verdict and the
    same display note are told once ("Steps 2–5: ...")."""
    items: list[tuple[list[int], str]] = []
    for step in steps[1:]:
        words = f"{html.escape(_verdict(step).rstrip('.'))}; {_display_words(step)}"
        if items and items[-1][1] == words and step.status != "refuted":
            items[-1][0].append(step.number)
        else:
            items.append(([step.number], words))
    lines = []
    for numbers, words in items:
        label = f"Step {numbers[0]}" if len(numbers) == 1 else f"Steps {numbers[0]}–{numbers[-1]}"
        lines.append(f"<li><strong>{label}</strong>: {words}.</li>")
    return lines


#: When the checker ran, as the "How this was checked" of a block says it.
CHECKED_WHEN = {
    "build": "When this site was built",
    "browser": "Just now, in your browser",
}


def render_result(
    result: DerivationResult, *, show_chain_names: bool = False, checked: str = "build"
) -> str:
    """The HTML of a checked derivation block (MathJax typesets the TeX inside it); *checked*
    says when the checker ran (a key of :data:`CHECKED_WHEN`)."""
    chains: dict[str, list[StepResult]] = {}
    for step in result.steps:
        chains.setdefault(step.chain, []).append(step)

    anchor = html.escape(f"derivation-{result.id}", quote=True)
    ident = html.escape(result.id, quote=True)
    # The search index gets the prose around a derivation, not its TeX and tables.
    parts = [
        f'<div class="dn-derivation" id="{anchor}" data-derivation="{ident}" data-search-exclude>'
    ]
    for name, steps in chains.items():
        parts.append(f'<div class="dn-chain" data-chain="{html.escape(name, quote=True)}">')
        if show_chain_names:
            parts.append(f'<p class="dn-chain-name">{html.escape(name)}</p>')
        parts.append('<ol class="dn-steps">')
        parts.extend(step_html(step) for step in steps)
        parts.append("</ol>")
        for step in steps:
            # An intended mistake, on the site; any refuted step, in a reader's browser.
            if step.status == "refuted" and (step.wrong or checked == "browser"):
                parts.append(
                    '<div class="admonition failure dn-counterexample">'
                    f'<p class="admonition-title">Step {step.number} is wrong — the checker\'s '
                    "counterexample</p>"
                    f"<p>{html.escape(counterexample_text(step))}</p></div>"
                )
        parts.append("</div>")

    parts.append('<details class="dn-how"><summary>How this was checked</summary>')
    parts.append(
        f"<p>{CHECKED_WHEN[checked]}, the derivnotes checker compared every step with the step "
        "before it, on the domains the block declares, and read every display back to make "
        "sure it says what was checked.</p>"
    )
    parts.append('<ul class="dn-how-list">')
    for steps in chains.values():
        # the start by what it names (L in "L = ..."), or whole; a long one scrolls
        split = split_at_first_equals(steps[0].tex.strip())
        named = split[0].strip() if split and split[0].strip() else steps[0].tex.strip()
        start = f'<span class="dn-how-start">{_math(named)}</span>'
        if len(steps) == 1:  # a named expression later chains start from
            parts.append(f"<li>{start}: an expression the chains below start from.</li>")
            continue
        reading = ""
        if steps[0].display == "read" and steps[0].expr:
            reading = (
                f" (read from its TeX as <code>{html.escape(steps[0].expr, quote=False)}</code>)"
            )
        parts.append(f"<li>From {start}{reading}:<ul>")
        parts.extend(_how_items(steps))
        parts.append("</ul></li>")
    parts.append("</ul></details></div>")
    return "\n".join(parts)
