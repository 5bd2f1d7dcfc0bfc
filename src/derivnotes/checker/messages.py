"""Every message the checker gives about a block: one line per block for ``derivnotes check``,
and for each failed step what is wrong (``file:line``, the counterexample) and what to write
instead. The build, the CLI and the pages all word their messages here."""

from __future__ import annotations

from collections import Counter

from derivnotes.checker.results import DerivationResult, StepResult

__all__ = [
    "counterexample_text",
    "describe_failure",
    "failure_message",
    "summary_of",
    "unread_display_notes",
]


def summary_of(result: DerivationResult) -> str:
    counts = Counter(
        "intended mistake refuted" if step.wrong and step.status == "refuted" else step.status
        for step in result.steps
        if step.status != "start"
    )
    words = {
        "proved": "proved",
        "numeric": "checked numerically",
        "refuted": "REFUTED",
        "error": "undecided",
    }
    parts = [f"{n} {words.get(k, k)}" for k, n in sorted(counts.items())]
    unparsed = sum(step.display == "unparsed" for step in result.steps)
    if unparsed:
        parts.append(f"{unparsed} display(s) UNREADABLE")
    unchecked = sum(step.display == "unchecked" for step in result.steps)
    if unchecked:
        parts.append(f"{unchecked} display(s) not checked (display: unchecked)")
    mismatched = sum(step.display == "mismatch" for step in result.steps)
    if mismatched:
        parts.append(f"{mismatched} display(s) DISAGREE with expr")
    unrefuted = sum(step.wrong and step.status != "refuted" for step in result.steps)
    if unrefuted:
        parts.append(f"{unrefuted} marked wrong but NOT refuted")
    return ", ".join(parts) or "no steps to decide"


def counterexample_text(step: StepResult) -> str:
    """A sentence naming the counterexample point and both values."""
    if step.counterexample == {} and step.values:
        return f"At every point, this step is the step before plus {step.values[1]}."
    if not step.counterexample:
        return "The checker found no counterexample."
    point = ", ".join(f"{name} = {value}" for name, value in step.counterexample.items())
    if step.where:
        point += " (there " + ", ".join(f"{n} = {v}" for n, v in step.where.items()) + ")"
    if step.values:
        before, after = step.values
        return (
            f"At {point}, the step before evaluates to {before}, "
            f"but this step evaluates to {after}."
        )
    return f"At {point}, the two sides differ."


def describe_failure(step: StepResult) -> str:
    """The lines of an error message for one failed step: what is wrong and what to do."""
    where = f"{step.chain!r}, step {step.number}"
    if step.wrong and step.status == "start":
        return (
            f"chain {where} is marked `wrong: true`, but the checker could not refute it: the "
            "first step of a chain has no step before it to disagree with. Put `wrong: true` on "
            "the later step that makes the mistake."
        )
    if step.wrong and step.status in ("proved", "numeric"):
        return (
            f"chain {where} is marked `wrong: true`, but the checker could not refute it: it "
            f"equals the step before it ({step.method}). A step shown as a mistake must really "
            "be wrong: make the step wrong, or remove `wrong: true`."
        )
    if step.wrong and step.status != "refuted":
        return (
            f"chain {where} is marked `wrong: true`, but the checker could not refute it (it "
            f"could not decide it: {step.message or step.method}). Make the mistake one the "
            "checker can show: a step defined on the declared domains that differs from the "
            "step before it."
        )
    if step.status == "refuted":
        return (
            f"chain {where} does not follow from the step before it.\n"
            f"    step before: {step.compared_with}\n"
            f"    this step:   {step.expr}\n"
            f"    {counterexample_text(step)}\n"
            "    Fix the step. If it only holds on a narrower domain, declare that domain under "
            "symbols (e.g. x: positive); if the mistake is intended, mark the step `wrong: true`."
        )
    if step.display == "mismatch":
        return (
            f"chain {where}: the displayed TeX does not match its expr.\n"
            f"    tex:  {step.tex}\n"
            f"    expr: {step.expr}\n"
            f"    {step.display_detail or ''}\n"
            "    The page must show what was checked: make `tex` and `expr` say the same thing. "
            "(In tex, a(1-a) is a product; a function is applied only when it is declared "
            "under define, such as \\sigma(z), or is one of TeX's, such as \\ln or \\tanh.)"
        )
    if step.display == "unparsed" and step.status != "error":
        return (
            f"chain {where}: the checker cannot read this step's displayed TeX.\n"
            f"    tex:    {step.tex}\n"
            f"    reason: {step.display_detail or 'unknown'}\n"
            "    Every part of a display is read and checked against expr (a left-hand side "
            "against the\n    chain's start). Write it in the notation listed on 'Write a "
            "derivation', put words in the\n    step's why, or, when the display truly cannot be "
            "read, add `display: unchecked` to the\n    step: the page then marks it "
            '"display not checked".'
        )
    return (
        f"chain {where} could not be decided: {step.message or step.method}. Check that this "
        "step and the one before it are defined at the points of the declared domains (a log "
        "or a square root may need a domain such as positive or (0, 1)), or split the step into "
        "smaller ones."
    )


def failure_message(result: DerivationResult) -> str:
    """A readable error for every failed step of a checked block."""
    lines = []
    for step in result.failures:
        lines.append(
            f"{result.file}:{step.line}: derivation {result.id!r}, {describe_failure(step)}"
        )
    return "\n".join(lines)


def unread_display_notes(result: DerivationResult, name: str) -> list[str]:
    r"""A ``file:line:`` note for each step whose author marked it ``display: unchecked``.

    Not an error (the exit status stays 0), but the page marks such a display "display not
    checked": the list says where every one is, so that none goes unnoticed.

    Examples
    --------
    >>> page = ["```derivation", "id: t", "symbols:", "  z: real", "chains:", "  - name: c",
    ...         "    steps:", "      - tex: \\tanh z \\text{, as plotted}", "        expr: tanh(z)",
    ...         "        display: unchecked", "```"]
    >>> from derivnotes.checker import ResultCache
    >>> from derivnotes.checker.page import check_page
    >>> report = check_page(page, name="docs/example.md", cache=ResultCache(None))
    >>> report.status
    0
    >>> print(report.lines[1][1])
    docs/example.md:8: note: derivation 't', chain 'c', step 1: display not checked (the step
    says display: unchecked); its expr was checked, the page marks the display.
    """
    return [
        f"{name}:{step.line}: note: derivation '{result.id}', chain '{step.chain}', "
        f"step {step.number}: display not checked (the step says display: unchecked); its expr "
        "was checked, the page marks the display."
        for step in result.steps
        if step.display == "unchecked"
    ]
