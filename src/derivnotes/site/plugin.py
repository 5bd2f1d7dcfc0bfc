"""Thin MkDocs plugin: an adapter of a few lines per hook, and the only module that imports
mkdocs.

The checking and rendering live in the Markdown extension (:mod:`derivnotes.site.extension`),
the work on the built HTML in :mod:`derivnotes.site.postbuild`; other builders run both (the
second as ``derivnotes postbuild SITE_DIR``). This plugin tells the extension which source file
each page comes from and where its body starts (MkDocs strips the front matter before Markdown
sees the page), so errors name ``docs/page.md:LINE``; places the decision cache next to
``mkdocs.yml``; and runs the after-build jobs page by page, so that ``mkdocs serve`` shows
typeset math.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import BuildError, PluginError
from mkdocs.plugins import BasePlugin

from derivnotes.site.extension import (
    DEFAULT_CACHE_DIR,
    DerivationBuildError,
    PageSource,
    current_page,
)
from derivnotes.site.postbuild import PostBuild
from derivnotes.site.typeset import TypesetError, locate

log = logging.getLogger("mkdocs.plugins.derivnotes")


class MkDocsPageError(DerivationBuildError, BuildError):
    """A failed page as MkDocs reports it: its message, without a traceback."""


class DerivnotesConfig(Config):
    cache = config_options.Type(bool, default=True)
    cache_dir = config_options.Type(str, default=DEFAULT_CACHE_DIR)
    #: Typeset math at build time (MathJax in Node); off, the browser loads MathJax instead.
    typeset_math = config_options.Type(bool, default=True)
    #: The site stylesheet (one of ``extra_css``) that the typeset math's CSS is appended to,
    #: so pages load one stylesheet fewer; empty: it is written to its own file, STYLESHEET.
    math_css_into = config_options.Type(str, default="")
    #: What the typeset math is: MathML Core laid out by the browser in one served math font
    #: (the site's choice, measured in the README), or MathJax's CHTML.
    math_output = config_options.Choice(("mathml", "chtml"), default="mathml")


def body_line_offset(source: str, body: str) -> int:
    """How many lines of *source* come before *body* (the page without its front matter).

    Examples
    --------
    >>> body_line_offset("---\\ntitle: x\\n---\\n\\n# Hi\\n", "# Hi\\n")
    4
    >>> body_line_offset("# Hi\\n", "# Hi\\n")
    0
    """
    if body and source.endswith(body):
        return source[: len(source) - len(body)].count("\n")
    return 0


def coalesce_notebook_streams() -> bool:
    """Make mkdocs-jupyter's executed notebooks merge each cell's consecutive stream outputs.

    A cell that prints twice yields one ``stdout`` output or two, depending on how the kernel's
    messages happen to be batched, and the two render differently: unmerged, two builds of the
    same notebook are not byte-identical. nbconvert's ``CoalesceStreamsPreprocessor`` merges
    them, but by default it is off and runs *before* execution. mkdocs-jupyter has no option
    for this, so its app factory is wrapped once to enable it and move it after
    ``ExecutePreprocessor``. Returns whether the wrap is in place (False without mkdocs-jupyter
    or if its factory moved).
    """
    try:
        from mkdocs_jupyter import nbconvert2
        from nbconvert.exporters.exporter import Exporter
    except ImportError:
        return False
    factory = getattr(nbconvert2, "get_nbconvert_app", None)
    if factory is None:
        return False
    if getattr(factory, "_derivnotes_coalesces", False):
        return True
    coalesce = "nbconvert.preprocessors.CoalesceStreamsPreprocessor"
    defaults = Exporter.class_traits()["default_preprocessors"].default()
    order = [name for name in defaults if name != coalesce]
    order.insert(order.index("nbconvert.preprocessors.ExecutePreprocessor") + 1, coalesce)

    def get_nbconvert_app(*args, **kwargs):
        app = factory(*args, **kwargs)
        app.config.Exporter.default_preprocessors = order
        app.config.CoalesceStreamsPreprocessor.enabled = True
        return app

    get_nbconvert_app._derivnotes_coalesces = True
    nbconvert2.get_nbconvert_app = get_nbconvert_app
    return True


class DerivnotesPlugin(BasePlugin[DerivnotesConfig]):
    def on_config(self, config):
        if "mkdocs-jupyter" in config.plugins and not coalesce_notebook_streams():
            log.warning(
                "derivnotes: could not ask mkdocs-jupyter to merge notebook stream outputs; "
                "builds of notebooks that print more than once per cell may differ"
            )
        root = Path(config.config_file_path).resolve().parent
        self._root = root
        self._cache_dir = str(root / self.config.cache_dir) if self.config.cache else None
        self._post = PostBuild(
            self._cache_dir,
            typeset=self.config.typeset_math,
            math_css_into=self.config.math_css_into or None,
            output=self.config.math_output,
        )
        return config

    def on_files(self, files, config):
        into = self.config.math_css_into
        if into and self.config.typeset_math:
            if into not in [str(css) for css in config.extra_css]:
                raise PluginError(
                    f"derivnotes: math_css_into is {into!r}, which is not in extra_css: the "
                    "typeset math's CSS must go into a stylesheet every page loads"
                )
            found = files.get_file_from_path(into)
            if found is None or not found.abs_src_path:
                raise PluginError(
                    f"derivnotes: math_css_into is {into!r}, but docs/ has no such file"
                )
        return files

    def _source(self, page) -> tuple[str, str]:
        """The page's source file as errors name it (relative to mkdocs.yml) and its text
        ("" when it cannot be read)."""
        file, source = page.file.src_uri, ""
        if page.file.abs_src_path:
            path = Path(page.file.abs_src_path)
            try:
                file = str(path.resolve().relative_to(self._root))
            except ValueError:
                file = str(path)
            with contextlib.suppress(OSError):
                source = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        return file, source

    def on_page_markdown(self, markdown, page, config, files):
        file, source = self._source(page)
        offset = body_line_offset(source, markdown) if source else 0
        self._token = current_page.set(
            PageSource(
                file=file, line_offset=offset, cache_dir=self._cache_dir, error=MkDocsPageError
            )
        )
        return markdown

    def on_page_content(self, html, page, config, files):
        token = getattr(self, "_token", None)
        if token is not None:
            current_page.reset(token)
            self._token = None
        return html

    def on_post_page(self, output, page, config):
        """The page's after-build jobs (:mod:`derivnotes.site.postbuild`): notebook pages
        trimmed and their math marked, math typeset."""
        try:
            return self._post.page(output, page.file.src_uri, page.file.src_uri.endswith(".ipynb"))
        except TypesetError as exc:
            raise PluginError(self._typeset_failure(page, exc)) from exc

    def _typeset_failure(self, page, exc: TypesetError) -> str:
        """``file:line: what MathJax said`` for each formula of *page* it could not typeset."""
        file, source = self._source(page)
        if not exc.failures:
            return f"{file}: math typesetting failed:\n{exc}"
        lines = []
        for tex, message in exc.failures:
            number = locate(tex, message, source)
            where = f"{file}:{number}" if number else file
            shown = " ".join(tex.split())
            shown = shown if len(shown) <= 160 else shown[:157] + "..."
            lines.append(f"{where}: MathJax cannot typeset this math: {message}\n    in: {shown}")
        lines.append(
            "  What to do: correct the TeX on that line (in a derivation block, a step's tex or "
            "its why); a misspelt command such as \\tahn for \\tanh is the usual cause. "
            "`derivnotes check` also notes displays it cannot read."
        )
        return "\n".join(lines)

    def on_build_error(self, error):
        self._post.close()

    def on_post_build(self, config):
        """The site-wide jobs: the math's stylesheet, a readable search index, Material's
        palette-switching rule dropped (:meth:`PostBuild.finish`)."""
        try:
            self._post.finish(Path(config.site_dir))
        except TypesetError as exc:
            raise PluginError(f"math typesetting failed:\n{exc}") from exc
