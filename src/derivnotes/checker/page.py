"""Checking one page: every derivation block of a Markdown file's lines, decided (through the
decision cache) and reported as ``derivnotes check`` prints it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.fences import Fence, FenceError, iter_fences
from derivnotes.checker.messages import failure_message, summary_of, unread_display_notes
from derivnotes.checker.results import (
    CHECKER_VERSION,
    DerivationError,
    DerivationResult,
    StepResult,
)

__all__ = [
    "EXIT_MALFORMED",
    "EXIT_OK",
    "EXIT_REFUTED",
    "FileReport",
    "check_page",
    "check_source",
    "json_document",
]

EXIT_OK, EXIT_REFUTED, EXIT_MALFORMED = 0, 1, 2


@dataclass
class FileReport:
    """What ``derivnotes check`` reports for one Markdown file.

    ``lines`` are ``(stream, text)`` pairs in the order they are printed, ``stream`` being
    ``"out"`` (the ok/FAIL line of each block) or ``"err"`` (what is wrong, with file:line).
    """

    status: int = EXIT_OK
    lines: list[tuple[str, str]] = field(default_factory=list)
    blocks: int = 0
    steps: int = 0
    #: every fenced block derivnotes handles, in order (empty when the fences cannot be read)
    fences: list[Fence] = field(default_factory=list)
    #: the fences could not be read: the message (file:line), and nothing else was checked
    fence_error: str | None = None
    #: each derivation fence (by its first line's index) -> its result, or why it is malformed
    decided: dict[int, DerivationResult | str] = field(default_factory=dict)
    #: lines of the file before the lines checked (see :func:`check_page`)
    offset: int = 0

    def to_json(self, name: str) -> dict:
        """What ``derivnotes check --json`` prints for this file (documented on "Write a
        derivation"): its status, every derivation block with every step, and every message.

        Examples
        --------
        >>> page = ["```derivation", "id: x2", "symbols:", "  x: real", "chains:",
        ...         "  - name: c", "    steps:", "      - expr: x + x", "      - expr: 3*x", "```"]
        >>> data = check_page(page, name="p.md", cache=ResultCache(None)).to_json("p.md")
        >>> data["status"], data["blocks"][0]["status"], data["blocks"][0]["steps"][1]["status"]
        (1, 'refuted', 'refuted')
        >>> sorted(data["blocks"][0]["steps"][1]["counterexample"])
        ['x']
        """
        blocks = []
        for fence in self.fences:
            decided = self.decided.get(fence.start)
            if decided is None:
                continue
            line = self.offset + fence.start + 1
            if isinstance(decided, str):
                blocks.append({"id": None, "line": line, "status": "malformed", "steps": []})
                continue
            status = "ok" if decided.ok else "malformed" if decided.malformed else "refuted"
            blocks.append(
                {
                    "id": decided.id,
                    "line": line,
                    "status": status,
                    "steps": [_step_json(step) for step in decided.steps],
                }
            )
        messages = [text for stream, text in self.lines if stream == "err"]
        return {"file": name, "status": self.status, "blocks": blocks, "messages": messages}


def _step_json(step: StepResult) -> dict:
    """One step in the JSON of ``derivnotes check --json`` (no timing: it is machine-bound)."""
    return {
        "chain": step.chain,
        "number": step.number,
        "line": step.line,
        "status": step.status,
        "wrong": step.wrong,
        "ok": step.ok,
        "method": step.method,
        "display": step.display,
        "display_detail": step.display_detail,
        "counterexample": step.counterexample,
        "where": step.where,
        "values": list(step.values) if step.values is not None else None,
        "tex": step.tex,
        "expr": step.expr,
        "why": step.why,
    }


def check_page(
    lines: list[str],
    *,
    name: str,
    cache: ResultCache,
    verbose_steps: bool = False,
    more_problems: Callable[[DerivationResult, list[str], int], list[str]] | None = None,
    offset: int = 0,
) -> FileReport:
    """Decide every derivation block of a file's *lines*; *name* is the file in messages.

    The one function that checks a page: ``derivnotes check`` reports with it, the Markdown
    extension renders the results it holds (``decided``), and the ``checker-output`` exhibit
    shows what it prints. *more_problems* (result, the fence's lines, the index of its first
    line) may add ``file:line`` errors of its own, such as a display the site's MathJax cannot
    typeset. *offset* is the number of lines before *lines* in the file (front matter a builder
    strips), so that every message names the file's own line.

    Examples
    --------
    >>> page = ["```derivation", "id: x2", "symbols:", "  x: real", "chains:", "  - name: c",
    ...         "    steps:", "      - expr: x + x", "      - expr: 2*x", "```"]
    >>> report = check_page(page, name="docs/example.md", cache=ResultCache(None))
    >>> report.status, report.lines
    (0, [('out', 'ok   docs/example.md:1: x2: 1 proved')])
    """
    report = FileReport(offset=offset)
    try:
        report.fences = list(iter_fences(lines, file=name, offset=offset))
    except FenceError as exc:
        report.fence_error = str(exc)
        report.lines.append(("err", str(exc)))
        report.status = EXIT_MALFORMED
        return report
    for fence in report.fences:
        if fence.language != "derivation":
            continue
        try:
            _, result = cache.check(fence.body, file=name, line=offset + fence.body_line)
        except DerivationError as exc:
            report.decided[fence.start] = str(exc)
            report.lines.append(("err", str(exc)))
            report.status = EXIT_MALFORMED
            continue
        except (RecursionError, ValueError, OverflowError, MemoryError, ArithmeticError) as exc:
            # A block beyond what the checker can compute (numbers of thousands of digits,
            # definitions nested hundreds deep): a message at its line, never a traceback.
            text = (
                f"{name}:{offset + fence.body_line}: the checker could not handle this block "
                f"({type(exc).__name__}: {_short_error(exc)}). Make its numbers smaller or its "
                "definitions less deeply nested, or split it into several blocks."
            )
            report.decided[fence.start] = text
            report.lines.append(("err", text))
            report.status = EXIT_MALFORMED
            continue
        report.decided[fence.start] = result
        report.blocks += 1
        report.steps += len(result.steps)
        problems = []
        if more_problems is not None:
            problems = more_problems(result, lines[fence.start : fence.end + 1], fence.start)
        mark = "ok  " if result.ok and not problems else "FAIL"
        report.lines.append(
            ("out", f"{mark} {name}:{offset + fence.start + 1}: {result.id}: {summary_of(result)}")
        )
        if verbose_steps:
            for step in result.steps:
                flag = "ok" if step.ok else "FAIL"
                status = step.status
                if step.display in ("mismatch", "unparsed"):  # never FAIL beside a bare "proved"
                    shown = "DISAGREES" if step.display == "mismatch" else "UNREADABLE"
                    status += f"; display {shown}"
                status += f"; {step.seconds * 1000:.0f} ms"
                text = f"       {flag:4} {step.chain} #{step.number} ({status}) {step.method}"
                report.lines.append(("out", text))
        report.lines.extend(("err", note) for note in unread_display_notes(result, name))
        for problem in problems:
            report.lines.append(("err", problem))
            report.status = EXIT_MALFORMED
        if not result.ok:
            report.lines.append(("err", failure_message(result)))
            worst = EXIT_MALFORMED if result.malformed else EXIT_REFUTED
            report.status = max(report.status, worst)
    return report


def _short_error(exc: BaseException, limit: int = 160) -> str:
    text = " ".join(str(exc).split()) or "no detail"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def json_document(status: int, files: list[dict]) -> dict:
    """The document ``derivnotes check --json`` prints: the files' JSON (see
    :meth:`FileReport.to_json`) with the exit status and the layout's version."""
    return {"format": 1, "checker_version": CHECKER_VERSION, "status": status, "files": files}


def check_source(
    source: str, *, name: str = "derivation.md", cache: ResultCache | None = None
) -> dict:
    r"""Check a page's Markdown given as text (what a reader pastes): the same document
    ``derivnotes check --json NAME`` prints for a file holding *source*. The entry point for
    tools and for the site's checker in the browser.

    Examples
    --------
    >>> source = "```derivation\nid: d\nsymbols:\n  x: real\nchains:\n  - name: c\n" + (
    ...     "    steps:\n      - tex: x + x\n      - tex: = 2x\n```\n")
    >>> document = check_source(source)
    >>> document["status"], document["files"][0]["blocks"][0]["steps"][1]["status"]
    (0, 'proved')
    """
    report = check_page(source.splitlines(), name=name, cache=cache or ResultCache(None))
    return json_document(report.status, [report.to_json(name)])
