r"""What the checker in a reader's browser runs: the site's own checker and renderer, on text.

The page "Check your derivation" sends the text of its editor here (in a Web Worker, under
Pyodide) and shows what comes back: the same document ``derivnotes check --json`` prints, and
each block's HTML exactly as a page of the site renders it. Nothing here imports
Python-Markdown, a documentation builder, numpy or matplotlib: only the checker, sympy, mpmath
and PyYAML, which is what the browser is sent.

Text without a fence is taken for one derivation block (what a reader types in the editor):
messages then name the editor's own lines.

Examples
--------
>>> answer = check_for_reader("id: d\nsymbols:\n  x: real\nchains:\n  - name: c\n"
...                           "    steps:\n      - tex: x + x\n      - tex: = 3x\n")
>>> answer["document"]["status"], answer["blocks"][0]["status"]
(1, 'refuted')
>>> 'data-status="refuted"' in answer["blocks"][0]["html"]
True
>>> answer["blocks"][0]["message"].splitlines()[0]
"your derivation:8: derivation 'd', chain 'c', step 2 does not follow from the step before it."
>>> check_for_reader("id: d\nsymbols: [")["blocks"][0]["message"].split(":")[:2]
['your derivation', '2']
"""

from __future__ import annotations

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.page import check_page, json_document
from derivnotes.checker.paste import (
    block_from_display,
    display_names,
    guess_domains,
    is_logistic,
    one_claim_per_step,
    split_display,
)
from derivnotes.checker.results import DerivationResult
from derivnotes.site.render import render_result

__all__ = [
    "EDITOR_NAME",
    "MAX_SOURCE_CHARS",
    "block_from_display",
    "check_for_reader",
    "read_display",
]

#: How messages name the editor's text.
EDITOR_NAME = "your derivation"
#: The longest text the page sends to the checker (the longest page of the site is ~25,000).
MAX_SOURCE_CHARS = 40_000


def _has_fence(lines: list[str]) -> bool:
    return any(line.lstrip().startswith(("```", "~~~")) for line in lines)


def check_for_reader(source: str, name: str = EDITOR_NAME) -> dict:
    """Check *source* (a page, or one block's YAML without its fence): the JSON document of
    ``derivnotes check --json`` and, per block, its status, its HTML and its message."""
    lines = source.splitlines()
    offset = 0
    if not _has_fence(lines):
        # One block typed without its fence: fenced here, and numbered as the editor shows it.
        lines, offset = ["```derivation", *lines, "```"], -1
    report = check_page(lines, name=name, cache=ResultCache(None), offset=offset)
    document = json_document(report.status, [report.to_json(name)])
    blocks = []
    for fence in report.fences:
        decided = report.decided.get(fence.start)
        if decided is None:
            continue
        line = offset + fence.start + 1
        if isinstance(decided, DerivationResult):
            status = "ok" if decided.ok else "malformed" if decided.malformed else "refuted"
            last = offset + fence.end + 1
            messages = [m for m in document["files"][0]["messages"] if _within(m, name, line, last)]
            blocks.append(
                {
                    "line": line,
                    "id": decided.id,
                    "status": status,
                    "html": render_result(decided, checked="browser"),
                    "message": "\n".join(messages) or None,
                }
            )
        else:
            blocks.append(
                {"line": line, "id": None, "status": "malformed", "html": None, "message": decided}
            )
    if report.fence_error:
        blocks.append(
            {
                "line": None,
                "id": None,
                "status": "malformed",
                "html": None,
                "message": report.fence_error,
            }
        )
    if not blocks and not report.fence_error:
        document["files"][0]["messages"].append(
            f"{name}: no derivation block found: write one between ```derivation and ```"
        )
    return {"document": document, "blocks": blocks}


def _within(message: str, name: str, first: int, last: int) -> bool:
    """Whether *message* (``name:line: ...``) names a line from *first* to *last*."""
    head = message.split("\n", 1)[0]
    if not head.startswith(name + ":"):
        return False
    number = head[len(name) + 1 :].split(":", 1)[0]
    return number.isdigit() and first <= int(number) <= last


def read_display(display: str) -> dict:
    """A display pasted from a forum, read for the page: its steps (one per equality), every name it
    uses with the domain guessed for it ('' when none can be guessed), and a block built from
    those guesses (see :func:`~derivnotes.checker.paste.block_from_display`)."""
    steps = one_claim_per_step(split_display(display))
    if not steps:
        raise ValueError("the display is empty: paste the lines of a derivation, such as a = b")
    names = display_names(steps)
    # a log, the sigmoid, or a label y with a prediction (f, a, \hat{y}): the logistic loss
    predictions = {"f", "a", "y_hat", "p", "h"}
    logistic = is_logistic(display) or ("y" in names and bool(predictions & set(names)))
    guesses = guess_domains(names, logistic=logistic)
    return {
        "steps": steps,
        "names": [{"name": name, "domain": domain} for name, domain in guesses.items()],
        "block": block_from_display(steps, guesses),
    }
