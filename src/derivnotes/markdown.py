"""Python-Markdown extension: ```` ```derivation ```` fences checked and rendered.

The extension does the content work itself, so any builder that runs Python-Markdown
extensions (MkDocs, Zensical, plain ``markdown.markdown``) checks every derivation and fails
on a wrong one. A refuted step, a display that disagrees with its ``expr`` or a malformed block
raises :class:`DerivationBuildError`, whatever ``--strict`` says.

The thin MkDocs plugin (:mod:`derivnotes.plugin`) only tells the extension which file it is
rendering and where the page body starts in it, so messages name ``file:line``.
"""

from __future__ import annotations

import contextvars
import os
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from derivnotes.blocks import FenceError, iter_fences
from derivnotes.cache import ResultCache
from derivnotes.exhibits import (
    ExhibitError,
    render_checker_output_block,
    render_figure_block,
    render_table_block,
)
from derivnotes.render import counterexample_text, render_result
from derivnotes.results import DerivationError, DerivationResult, StepResult

try:  # Under MkDocs, a BuildError is reported as a clean message instead of a traceback.
    from mkdocs.exceptions import BuildError as _BuildErrorBase
except ImportError:  # pragma: no cover - other builders
    _BuildErrorBase = Exception  # type: ignore[assignment,misc]


class DerivationBuildError(_BuildErrorBase):
    """A page holds a wrong, mismatched or malformed derivation: the build must stop."""


@dataclass(frozen=True)
class PageSource:
    """Where the Markdown being converted comes from (set by the MkDocs plugin)."""

    file: str
    line_offset: int = 0  # lines before the page body (front matter stripped by the builder)
    cache_dir: str | None = None


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

        errors: list[str] = []
        out: list[str] = []
        position = 0
        try:
            fences = list(iter_fences(lines, file=file, offset=offset))
        except FenceError as exc:
            raise DerivationBuildError(str(exc)) from exc
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
            raise DerivationBuildError("\n".join(errors))
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
    """Entry point for ``markdown.Markdown(extensions=["derivnotes.markdown"])``."""
    return DerivnotesExtension(**kwargs)
