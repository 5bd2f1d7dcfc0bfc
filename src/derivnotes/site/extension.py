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
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.fences import FenceError, iter_fences
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


class DerivationPreprocessor(Preprocessor):
    """Replace each derivation, figure and table fence by its rendered HTML (stashed)."""

    def __init__(self, md: Markdown, extension: DerivnotesExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        if not self.extension.getConfig("enabled"):
            return lines
        page = current_page.get() or zensical_page(self.md, lines)
        file = page.file if page else self.extension.getConfig("file") or "<page>"
        offset = page.line_offset if page else 0
        cache_dir = page.cache_dir if page and page.cache_dir else self.extension.cache_dir()
        cache = ResultCache(cache_dir)
        failed = page.error if page else DerivationBuildError

        errors: list[str] = []
        out: list[str] = []
        position = 0
        try:
            fences = list(iter_fences(lines, file=file, offset=offset))
        except FenceError as exc:
            raise failed(str(exc)) from exc
        for fence in fences:
            out.extend(lines[position : fence.start])
            position = fence.end + 1
            if fence.language == "checker-output":  # an example file and what the check says
                try:
                    source, rendered = render_checker_output_block(
                        fence.body,
                        file=file,
                        line=offset + fence.start + 1,
                        info=fence.info,
                        cache=cache,
                    )
                except ExhibitError as exc:
                    errors.append(str(exc))
                    continue
                out.extend(["", *source, "", self.md.htmlStash.store(rendered), ""])
                continue
            if fence.language in ("figure", "table"):
                render = render_figure_block if fence.language == "figure" else render_table_block
                line = offset + fence.start + 1
                try:
                    rendered = cache.exhibit(
                        fence.language,
                        fence.body,
                        lambda: render(fence.body, file=file, line=line),  # noqa: B023
                    )
                except ExhibitError as exc:
                    errors.append(str(exc))
                    continue
                out.extend(["", self.md.htmlStash.store(rendered), ""])
                continue
            try:
                _, result = cache.check(fence.body, file=file, line=offset + fence.body_line)
            except DerivationError as exc:
                errors.append(str(exc))
                continue
            if not result.ok:
                errors.append(failure_message(result))
                continue
            placeholder = self.md.htmlStash.store(render_result(result))
            out.extend(["", placeholder, ""])
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
