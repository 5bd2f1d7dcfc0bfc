"""Python-Markdown extension: ```` ```derivation ```` fences checked and rendered.

The extension does the content work itself, so any builder that runs Python-Markdown
extensions (MkDocs, Zensical, plain ``markdown.markdown``) checks every derivation and fails
on a wrong one. A refuted step, a display that disagrees with its ``expr`` or a malformed block
raises :class:`DerivationBuildError`, whatever ``--strict`` says.

The thin MkDocs plugin (:mod:`derivnotes.site.plugin`) only tells the extension which file it is
rendering and where the page body starts in it, so messages name ``file:line``.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.fences import Fence
from derivnotes.checker.messages import failure_message
from derivnotes.checker.page import check_page
from derivnotes.checker.results import DerivationResult
from derivnotes.exhibits.fences import (
    ExhibitError,
    render_checker_output_block,
    render_figure_block,
    render_table_block,
)
from derivnotes.site.bundle import remember_source
from derivnotes.site.render import render_result, split_at_first_equals


class DerivationBuildError(Exception):
    """A page holds a wrong, mismatched or malformed derivation: the build must stop."""


@dataclass(frozen=True)
class PageSource:
    """Where the Markdown being converted comes from (set by the builder's adapter).

    *error* is the exception raised for a failed page: a builder may pass a subclass of
    :class:`DerivationBuildError` that it reports as a clean message (the MkDocs plugin passes
    one that is also MkDocs' ``BuildError``), so this module imports no builder."""

    file: str
    line_offset: int = 0  # lines before the page body (front matter stripped by the builder)
    cache_dir: str | None = None
    error: type[DerivationBuildError] = DerivationBuildError


#: The page being converted; None when the extension runs outside MkDocs.
current_page: contextvars.ContextVar[PageSource | None] = contextvars.ContextVar(
    "derivnotes_current_page", default=None
)

DEFAULT_CACHE_DIR = os.path.join(".cache", "derivnotes")


def zensical_page(md: Markdown, lines: list[str]) -> PageSource | None:
    """Under Zensical, which runs no MkDocs plugin: the page's file and where its body starts.

    Zensical registers its rendering context as the preprocessor ``rendering_context`` (its
    ``page.path`` is relative to ``docs_dir``) and strips the front matter before Markdown sees
    the page, so the body is the end of the source file. None under any other builder.
    """
    if "rendering_context" not in md.preprocessors:
        return None
    context = md.preprocessors["rendering_context"]
    try:
        root = context.config["root_dir"]
        path = os.path.join(root, context.config["docs_dir"], context.page.path)
    except (AttributeError, KeyError, TypeError):
        return None
    file = os.path.relpath(path, root)
    try:
        with open(path, encoding="utf-8-sig") as handle:
            source = handle.read().replace("\r\n", "\n").rstrip()
    except OSError:
        return PageSource(file=file)
    body = "\n".join(lines).rstrip()
    return PageSource(file=file, line_offset=max(source.count("\n") - body.count("\n"), 0))


@dataclass
class _Page:
    """What a fence's renderer needs to know about the page being converted."""

    md: Markdown
    file: str
    offset: int
    cache: ResultCache
    decided: dict[int, DerivationResult | str]


class _Failed(Exception):
    """A fence that cannot be rendered; its message names file:line."""


def _derivation(page: _Page, fence: Fence) -> list[str]:
    result = page.decided[fence.start]  # decided by check_page, as derivnotes check does
    if isinstance(result, str):
        raise _Failed(result)
    if not result.ok:
        raise _Failed(failure_message(result))
    # The block's source is kept by its key, for the "Edit and check" link the after-build jobs
    # add when the site has the page "Check your derivation".
    key = remember_source(page.cache.directory, fence.body)
    html = render_result(result).replace(
        "data-derivation=", f'data-dn-source="{key}" data-derivation=', 1
    )
    return [page.md.htmlStash.store(html)]


def _exhibit(page: _Page, fence: Fence) -> list[str]:
    render = render_figure_block if fence.language == "figure" else render_table_block
    line = page.offset + fence.start + 1
    try:
        rendered = page.cache.exhibit(
            fence.language, fence.body, lambda: render(fence.body, file=page.file, line=line)
        )
    except ExhibitError as exc:
        raise _Failed(str(exc)) from exc
    return [page.md.htmlStash.store(rendered)]


def _checker_output(page: _Page, fence: Fence) -> list[str]:
    """An example file and what ``derivnotes check`` prints for it."""
    try:
        source, rendered = render_checker_output_block(
            fence.body,
            file=page.file,
            line=page.offset + fence.start + 1,
            info=fence.info,
            cache=page.cache,
        )
    except ExhibitError as exc:
        raise _Failed(str(exc)) from exc
    return [*source, "", page.md.htmlStash.store(rendered)]


#: What each fence language of :data:`derivnotes.checker.fences.LANGUAGES` becomes: the lines
#: that replace the fence (stashed HTML, or Markdown the page goes on to convert).
RENDERERS: dict[str, Callable[[_Page, Fence], list[str]]] = {
    "derivation": _derivation,
    "figure": _exhibit,
    "table": _exhibit,
    "checker-output": _checker_output,
}


#: What a displayed equality in prose may be marked as, on the line before it, and the words
#: the page then shows above it.
DISPLAY_MARKS = {
    "definition": "Definition",
    "not checked": "Not checked by the build",
}
_DISPLAY_MARK = re.compile(r"\s*<!--\s*display:\s*(?P<kind>[a-z ]+?)\s*-->\s*\Z")
_OTHER_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")


def _display_end(lines: list[str], start: int, stop: int) -> int | None:
    """The index of the line that closes the display opened at *start* (``\\[`` or ``$$``)."""
    opener = lines[start].strip()
    closer = "\\]" if opener.startswith("\\[") else "$$"
    rest = opener[2:]
    if closer in rest:
        return start
    for index in range(start + 1, stop):
        if closer in lines[index]:
            return index
    return None


def prose_displays(
    lines: list[str], start: int, stop: int, file: str, offset: int, errors: list[str]
) -> list[str]:
    r"""*lines[start:stop]* (prose between fences), every displayed equality accounted for.

    A display (``\[ ... \]`` or ``$$ ... $$`` on lines of its own) that states an equality is
    not checked by the build unless it is in a derivation block. Outside one, the line before
    it must say what it is, ``<!-- display: definition -->`` or ``<!-- display: not checked
    -->``, and the page then shows those words above it; otherwise an error naming file:line
    is added to *errors*. Code blocks are skipped.
    """
    out: list[str] = []
    fence: str | None = None
    index = start
    while index < stop:
        line = lines[index]
        opened = _OTHER_FENCE.match(line)
        if fence is not None:
            if opened and line.strip().startswith(fence) and not line.strip()[len(fence) :].strip():
                fence = None
            out.append(line)
            index += 1
            continue
        if opened:
            fence = opened.group(1)
            out.append(line)
            index += 1
            continue
        stripped = line.strip()
        if not (stripped.startswith("\\[") or stripped.startswith("$$")):
            out.append(line)
            index += 1
            continue
        end = _display_end(lines, index, stop)
        if end is None:
            out.append(line)
            index += 1
            continue
        body = "\n".join(lines[index : end + 1])
        tex = body.strip()[2:-2]
        previous = next((i for i in range(len(out) - 1, -1, -1) if out[i].strip()), None)
        mark = _DISPLAY_MARK.match(out[previous]) if previous is not None else None
        if mark and mark.group("kind") in DISPLAY_MARKS:
            kind = mark.group("kind")
            out[previous] = (
                f'<p class="dn-display-note" data-display="{kind}">{DISPLAY_MARKS[kind]}</p>'
            )
        elif mark:
            errors.append(
                f"{file}:{offset + index}: unknown display mark {mark.group('kind')!r}; "
                "write <!-- display: definition --> or <!-- display: not checked -->"
            )
        elif _states_equality(tex):
            errors.append(
                f"{file}:{offset + index + 1}: this display states an equality in prose, which "
                "the build does not check. Put it in a derivation block, or say what it is on "
                "the line before it: <!-- display: definition --> (it defines a name) or "
                "<!-- display: not checked --> (the page then says so)."
            )
        out.extend(lines[index : end + 1])
        index = end + 1
    return out


def _states_equality(tex: str) -> bool:
    r"""Whether *tex* holds an ``=`` outside braces (``\sum_{i=1}`` is not an equality).

    Examples
    --------
    >>> _states_equality(r"z = w x + b"), _states_equality(r"\sum_{i=1}^{m} L_i")
    (True, False)
    """
    return split_at_first_equals(tex) is not None


class DerivationPreprocessor(Preprocessor):
    """Replace each derivation, figure, table and checker-output fence by what
    :data:`RENDERERS` makes of it; raise once, with every failure of the page."""

    def __init__(self, md: Markdown, extension: DerivnotesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        if not self.extension.getConfig("enabled"):
            return lines
        source = current_page.get() or zensical_page(self.md, lines)
        file = source.file if source else self.extension.getConfig("file") or "<page>"
        offset = source.line_offset if source else 0
        cache_dir = source.cache_dir if source and source.cache_dir else self.extension.cache_dir()
        failed = source.error if source else DerivationBuildError
        cache = ResultCache(cache_dir)
        checked = check_page(lines, name=file, cache=cache, offset=offset)
        if checked.fence_error is not None:
            raise failed(checked.fence_error)
        fences = checked.fences
        page = _Page(self.md, file, offset, cache, checked.decided)
        errors: list[str] = []
        out: list[str] = []
        position = 0
        for fence in fences:
            out.extend(prose_displays(lines, position, fence.start, file, offset, errors))
            position = fence.end + 1
            try:
                out.extend(["", *RENDERERS[fence.language](page, fence), ""])
            except _Failed as exc:
                errors.append(str(exc))
        out.extend(prose_displays(lines, position, len(lines), file, offset, errors))
        if errors:
            raise failed("\n".join(errors))
        return out


class DerivnotesExtension(Extension):
    """Register the derivation fence. Options: ``cache_dir`` ('' turns caching off), ``file``."""

    def __init__(self, **kwargs: object) -> None:
        self.config = {
            "cache_dir": [DEFAULT_CACHE_DIR, "Folder for cached decisions; '' for none."],
            "file": ["", "Name used for the source in messages when no builder tells it."],
            "enabled": [True, "False leaves the fences as plain code (a baseline for benchmarks)."],
        }
        super().__init__(**kwargs)

    def cache_dir(self) -> str | None:
        value = self.getConfig("cache_dir")
        return value or None

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # After whitespace normalisation (30), before fenced code and raw HTML handling.
        md.preprocessors.register(DerivationPreprocessor(md, self), "derivnotes", 29)


def makeExtension(**kwargs: object) -> DerivnotesExtension:
    """Entry point for ``markdown.Markdown(extensions=["derivnotes.site.extension"])``."""
    return DerivnotesExtension(**kwargs)
