"""Find the derivnotes fences (```` ```derivation ````) in Markdown source.

The same scanner serves the Markdown extension and the command line, so both see exactly the
same blocks at exactly the same lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Fence languages handled by derivnotes (``checker-output``: :mod:`derivnotes.exhibits.fences`).
LANGUAGES = ("derivation", "figure", "table", "checker-output")

_FENCE_OPEN = re.compile(r"(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\Z")


class FenceError(ValueError):
    """A derivnotes fence that is opened but never closed."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


def _swallowed_language(line: str, outer: str) -> str | None:
    """The derivnotes language *line* opens a fence of, when that fence is no shorter than the
    *outer* one it stands in and made of the same character."""
    match = _FENCE_OPEN.match(line)
    if not match:
        return None
    inner = match.group("fence")
    if inner[0] != outer[0] or len(inner) < len(outer):
        return None
    name = re.match(r"[{.\s]*([\w-]*)", match.group("info").strip(" \t"))
    language = name.group(1) if name else ""
    return language if language in LANGUAGES else None


@dataclass(frozen=True)
class Fence:
    """One derivnotes fence: its language, body and where it stands (lines count from 1)."""

    language: str
    body: str
    start: int  # index of the opening fence line in the list of lines (0-based)
    end: int  # index of the closing fence line (0-based)
    info: str

    @property
    def body_line(self) -> int:
        """The 1-based line number of the first body line (relative to the lines scanned)."""
        return self.start + 2


def iter_fences(lines: list[str], *, file: str = "<page>", offset: int = 0) -> Iterator[Fence]:
    """Yield every derivnotes fence in *lines*, skipping fences of other languages.

    A fence of another language (say a Markdown example that shows a derivation block) is
    passed over whole, so a derivation shown as an example is not checked.

    Examples
    --------
    >>> text = "Intro\\n```derivation\\nid: x\\n```\\n````yaml\\n```derivation\\n````\\n"
    >>> [(f.language, f.body, f.body_line) for f in iter_fences(text.splitlines())]
    [('derivation', 'id: x', 3)]
    """
    i = 0
    while i < len(lines):
        match = _FENCE_OPEN.match(lines[i])
        if not match:
            i += 1
            continue
        fence = match.group("fence")
        info = match.group("info").strip(" \t")  # linear, whatever the line's length
        name = re.match(r"[{.\s]*([\w-]*)", info)
        language = name.group(1) if name else ""
        closing = re.compile(rf"^ {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        if language not in LANGUAGES:
            # a derivnotes fence inside another fence of the same kind and length is one the
            # author meant to open after closing this one (a longer outer fence is an example)
            swallowed = next(
                (k for k in range(i + 1, j) if _swallowed_language(lines[k], fence)), None
            )
            if swallowed is not None:
                raise FenceError(
                    file,
                    offset + i + 1,
                    f"the {fence}{language} fence opened here is not closed before the "
                    f"```{_swallowed_language(lines[swallowed], fence)} fence at line "
                    f"{offset + swallowed + 1}, which it swallows (that block would be neither "
                    f"checked nor shown): close it with a line holding only {fence}",
                )
        if language in LANGUAGES:
            if j >= len(lines):
                raise FenceError(
                    file,
                    offset + i + 1,
                    f"the ```{language} fence opened here is never closed: "
                    f"end the block with a line holding only {fence}",
                )
            indent = len(match.group("indent"))
            body = "\n".join(
                line[indent:] if line[:indent].isspace() else line for line in lines[i + 1 : j]
            )
            yield Fence(language=language, body=body, start=i, end=j, info=info)
        i = j + 1
