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
from collections.abc import Callable
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.fences import Fence, FenceError, iter_fences
from derivnotes.checker.messages import failure_message
from derivnotes.checker.results import DerivationError
from derivnotes.exhibits.fences import (
    ExhibitError,
    render_checker_output_block,
    render_figure_block,
    render_table_block,
)
from derivnotes.site.render import render_result


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


class _Failed(Exception):
    """A fence that cannot be rendered; its message names file:line."""


def _derivation(page: _Page, fence: Fence) -> list[str]:
    try:
        _, result = page.cache.check(fence.body, file=page.file, line=page.offset + fence.body_line)
    except DerivationError as exc:
        raise _Failed(str(exc)) from exc
    if not result.ok:
        raise _Failed(failure_message(result))
    return [page.md.htmlStash.store(render_result(result))]


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
        page = _Page(self.md, file, offset, ResultCache(cache_dir))
        try:
            fences = list(iter_fences(lines, file=file, offset=offset))
        except FenceError as exc:
            raise failed(str(exc)) from exc
        errors: list[str] = []
        out: list[str] = []
        position = 0
        for fence in fences:
            out.extend(lines[position : fence.start])
            position = fence.end + 1
            try:
                out.extend(["", *RENDERERS[fence.language](page, fence), ""])
            except _Failed as exc:
                errors.append(str(exc))
        out.extend(lines[position:])
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
