"""A checked derivation -> the HTML (with TeX for MathJax) that the page shows.

Each chain becomes one aligned display: the steps' own ``tex``, aligned on their first ``=``,
each followed by its reason (``why``) and a status mark in words (not colour alone). Under the
displays, a collapsible "How this was checked" table gives method, points and timing for every
step; an intended mistake (``wrong: true``) is shown with the checker's counterexample.
"""

from __future__ import annotations

import html
import os
import re

from derivnotes.checker.messages import counterexample_text
from derivnotes.checker.results import DerivationResult, StepResult

#: The words each status is shown with (also read by screen readers).
STATUS_WORDS = {
    "start": "",
    "proved": "✓ proved",
    "numeric": "✓ checked numerically",
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


def tex_text(text: str) -> str:
    r"""Make plain prose safe inside ``\text{...}``; ``$...$`` spans stay math.

    Examples
    --------
    >>> tex_text("cancel {common} factors & tidy")
    'cancel \\{common\\} factors and tidy'
    """
    parts = re.split(r"(\$[^$]*\$)", text)
    out = []
    for part in parts:
        if part.startswith("$") and part.endswith("$") and len(part) > 1:
            out.append(part)
        else:
            part = part.replace("\\", "/").replace("&", "and").replace("#", "no.")
            out.append(part.replace("{", r"\{").replace("}", r"\}").replace("%", r"\%"))
    return "".join(out)


def step_mark(step: StepResult) -> str:
    """The TeX status mark of a step, e.g. ``\\class{dn-proved}{\\text{✓ proved}}``."""
    if step.wrong and step.status == "refuted":
        return r"\class{dn-wrong}{\text{✗ wrong (refuted)}}"
    words = STATUS_WORDS.get(step.status, step.status)
    if not words:
        return ""
    mark = rf"\class{{dn-{step.status}}}{{\text{{{words}}}}}"
    if step.display in ("unparsed", "unchecked"):
        mark += r"\;\class{dn-unparsed}{\text{(display not checked)}}"
    return mark


def _row_notes(step: StepResult) -> str:
    notes = []
    mark = step_mark(step)
    if mark:
        notes.append(mark)
    if step.why:
        notes.append(rf"{{\small\text{{{tex_text(step.why)}}}}}")
    return r"\quad ".join(notes)


def chain_tex(steps: list[StepResult]) -> str:
    """The aligned display of one chain: status mark first, then the reason, per row.

    A first step without ``=`` (say ``\\frac{\\partial L}{\\partial w}``) shares its row with
    the second step, so the display reads ``∂L/∂w = ...`` on one line.
    """
    rows = []
    pending_left: str | None = None
    for index, step in enumerate(steps):
        tex = step.tex.strip()
        split = split_at_first_equals(tex)
        if split is None:
            if index == 0 and len(steps) > 1 and not _row_notes(step):
                pending_left = tex
                continue
            row = tex
        else:
            left, right = split
            left = left.strip()
            if pending_left is not None and not left:
                left, pending_left = pending_left, None
            row = f"{left} &= {right.strip()}"
        notes = _row_notes(step)
        if notes:
            row += r" && " + notes
        rows.append(row)
    if pending_left is not None:
        rows.insert(0, pending_left)
    body = " \\\\\n".join(rows)
    return f"\\[\n\\begin{{aligned}}\n{body}\n\\end{{aligned}}\n\\]"


def _verdict(step: StepResult) -> str:
    if step.status == "start":
        return "first expression of the chain"
    if step.status == "proved":
        return "proved"
    if step.status == "numeric":
        return f"not refuted at {step.points:,} points, {step.digits} significant digits"
    if step.status == "refuted":
        return "refuted (an intended mistake)" if step.wrong else "refuted"
    return f"not decided: {step.message or 'error'}"


def _display_note(step: StepResult) -> str:
    if step.display == "matched":
        return "display matches expr"
    if step.display == "generated":
        return "display generated from expr"
    if step.display == "unchecked":
        return "display not checked: its author marked it display: unchecked (the expr was checked)"
    if step.display == "unparsed":
        return f"display could not be read: {step.display_detail or 'unknown reason'}"
    return f"display disagrees with expr: {step.display_detail or ''}"


def render_result(result: DerivationResult, *, show_chain_names: bool = False) -> str:
    """The HTML of a checked derivation block (MathJax typesets the TeX inside it)."""
    chains: dict[str, list[StepResult]] = {}
    for step in result.steps:
        chains.setdefault(step.chain, []).append(step)

    anchor = html.escape(f"derivation-{result.id}", quote=True)
    # The search index gets the prose around a derivation, not its TeX and tables.
    parts = [f'<div class="dn-derivation" id="{anchor}" data-search-exclude>']
    for name, steps in chains.items():
        parts.append(f'<div class="dn-chain" data-chain="{html.escape(name, quote=True)}">')
        if show_chain_names:
            parts.append(f'<p class="dn-chain-name">{html.escape(name)}</p>')
        parts.append(f'<div class="arithmatex">{html.escape(chain_tex(steps), quote=False)}</div>')
        for step in steps:
            if step.wrong and step.status == "refuted":
                parts.append(
                    '<div class="admonition failure dn-counterexample">'
                    f'<p class="admonition-title">Step {step.number} is wrong — the checker\'s '
                    "counterexample</p>"
                    f"<p>{html.escape(counterexample_text(step))}</p></div>"
                )
        parts.append("</div>")

    total_ms = sum(step.seconds for step in result.steps) * 1000
    # A reproducible build (SOURCE_DATE_EPOCH set) must not depend on how fast the machine was.
    timed = not os.environ.get("SOURCE_DATE_EPOCH")
    when = f"in {total_ms:.0f} ms " if timed else ""
    parts.append('<details class="dn-how"><summary>How this was checked</summary>')
    parts.append(
        f"<p>Block <code>{html.escape(result.id)}</code>: every step was compared with the step "
        f"before it by the derivnotes checker (version {html.escape(result.checker_version)}) "
        f"{when}when this site was built.</p>"
    )
    parts.append(
        '<table><thead><tr><th scope="col">Chain</th><th scope="col">Step</th>'
        '<th scope="col">Verdict</th><th scope="col">Method</th>'
        '<th scope="col">Display</th><th scope="col">Time</th></tr></thead><tbody>'
    )
    for step in result.steps:
        parts.append(
            "<tr>"
            f"<td>{html.escape(step.chain)}</td><td>{step.number}</td>"
            f"<td>{html.escape(_verdict(step))}</td>"
            f"<td>{html.escape(step.method or '')}</td>"
            f"<td><code>{html.escape(_display_note(step))}</code></td>"
            f"<td>{f'{step.seconds * 1000:.1f} ms' if timed else 'not recorded'}</td>"
            "</tr>"
        )
    parts.append("</tbody></table></details></div>")
    return "\n".join(parts)
