"""Thin MkDocs plugin: only what needs the build's life cycle.

The checking and rendering live in the Markdown extension (:mod:`derivnotes.site.extension`), which
other builders run too. This plugin tells the extension which source file each page comes from
and where its body starts (MkDocs strips the front matter before Markdown sees the page), so
errors name ``docs/page.md:LINE``, and it places the decision cache next to ``mkdocs.yml``.
"""

from __future__ import annotations

import contextlib
import json
import logging
import posixpath
import re
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.config.base import Config
from mkdocs.exceptions import BuildError, PluginError
from mkdocs.plugins import BasePlugin

from derivnotes.site.cssprune import prune_page_styles
from derivnotes.site.extension import (
    DEFAULT_CACHE_DIR,
    DerivationBuildError,
    PageSource,
    current_page,
)
from derivnotes.site.searchtext import strip_math
from derivnotes.site.typeset import STYLESHEET, TypesetError, Typesetter, locate

log = logging.getLogger("mkdocs.plugins.derivnotes")

# What nbconvert's template puts in every notebook page and the site must not ship: a MathJax 2
# loader (the site's own MathJax 3 typesets notebooks), a Mermaid loader that imports from a
# CDN (the notebooks have no Mermaid diagrams), and a <style> holding the Python repr of a list
# of style sheets (['pre { ... }\ntd.linenos ...']): no rule of it can match, the code
# highlighting it means to carry is in the <style> before it.
_NBCONVERT_EXTRAS = re.compile(
    r"<style>\s*\[(['\"]).*?\1\]\s*</style>"
    r"|<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->"
    r"|<script type=\"module\">\s*"
    r"document\.addEventListener\(\"DOMContentLoaded\", async \(\) => \{\s*"
    r"const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid"
    r".*?<!-- End of mermaid configuration -->",
    re.DOTALL,
)


_INLINE_OR_DISPLAY = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", re.DOTALL)


def mark_notebook_math(html: str) -> str:
    r"""Wrap ``$...$`` and ``$$...$$`` in notebooks' rendered Markdown cells as arithmatex does.

    The site's MathJax typesets only ``arithmatex`` elements (so a stray dollar sign in prose or
    code is never taken for math); notebook cells written for Jupyter use dollar delimiters.

    Examples
    --------
    >>> print(mark_notebook_math('<p class="jp-RenderedMarkdown">$a$, <code>$x$</code></p>'))
    <p class="jp-RenderedMarkdown"><span class="arithmatex">\(a\)</span>, <code>$x$</code></p>
    """
    from bs4 import BeautifulSoup, NavigableString

    soup = BeautifulSoup(html, "html.parser")
    for cell in soup.select(".jp-RenderedMarkdown, .jp-RenderedLatex"):  # text, LaTeX outputs
        for text in list(cell.find_all(string=True)):
            if text.find_parent(["code", "pre", "script", "style"]) or "$" not in text:
                continue
            pieces, position = [], 0
            for match in _INLINE_OR_DISPLAY.finditer(text):
                pieces.append(NavigableString(text[position : match.start()]))
                display, inline = match.group(1), match.group(2)
                if display is not None:
                    node = soup.new_tag("div", attrs={"class": "arithmatex"})
                    node.string = f"\\[{display}\\]"
                else:
                    node = soup.new_tag("span", attrs={"class": "arithmatex"})
                    node.string = f"\\({inline}\\)"
                pieces.append(node)
                position = match.end()
            if not pieces:
                continue
            pieces.append(NavigableString(text[position:]))
            text.replace_with(*pieces)
    return str(soup)


# Material marks <body> with this attribute while the palette changes, which its bundle also does
# on every page load; the rule that switches transitions off during the change selects every
# element under <body>, so the browser restyles the whole page when the attribute is set and
# again when it is removed a frame later. Without the rule, a reader's palette toggle lets links
# and buttons fade to their new colours over 125-250 ms (their own transitions) instead.
_PALETTE_SWITCHING_RULE = re.compile(
    r"(?:^|(?<=[{};]))[^{};]*\[data-md-color-switching\][^{}]*\{[^{}]*\}"
)


def drop_palette_switching_rule(site_dir: Path) -> int:
    """Remove the rule above from Material's palette stylesheet(s) in *site_dir*; the number of
    rules removed (0 when the theme has none: then there is nothing to do)."""
    removed = 0
    for css in sorted((site_dir / "assets" / "stylesheets").glob("palette.*.css")):
        text = css.read_text(encoding="utf-8")
        new, count = _PALETTE_SWITCHING_RULE.subn("", text)
        if count:
            css.write_text(new, encoding="utf-8")
            removed += count
    return removed


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
        self._typesetter = Typesetter(self._cache_dir) if self.config.typeset_math else None
        return config

    def on_files(self, files, config):
        self._math_css_source = None
        into = self.config.math_css_into
        if into and self._typesetter is not None:
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
            self._math_css_source = Path(found.abs_src_path)
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
        """Notebook pages: drop nbconvert's MathJax 2 and Mermaid loaders (see above), mark the
        math of Markdown cells the way arithmatex marks it on the other pages and prune the
        inlined CSS (:mod:`derivnotes.site.cssprune`)."""
        if page.file.src_uri.endswith(".ipynb"):
            # JupyterLab's whole theme is inlined in every notebook page: keep what it can use
            # (first, so that the math is then marked in a page a third of the size).
            output = prune_page_styles(output, cache_dir=self._cache_dir)
            output = mark_notebook_math(_NBCONVERT_EXTRAS.sub("", output))
        if self._typesetter is not None:
            try:
                output = self._typesetter.page(output, page.file.src_uri)
            except TypesetError as exc:
                raise PluginError(self._typeset_failure(page, exc)) from exc
        return output

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

    def _write_math_css(self, site_dir: Path, css: str) -> None:
        """The math's CSS on its own (STYLESHEET) or after the site stylesheet math_css_into,
        its font URLs rewritten for that file's folder."""
        if self._math_css_source is None:
            target = site_dir / STYLESHEET
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(css, encoding="utf-8")
            return
        into = self.config.math_css_into
        fonts = posixpath.relpath("assets/vendor/", posixpath.dirname(into) or ".")
        css = css.replace('url("../vendor/', f'url("{fonts}/')
        own = self._math_css_source.read_text(encoding="utf-8").rstrip("\n")
        target = site_dir / into
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            f"{own}\n\n/* The typeset math (MathJax CHTML), added by the derivnotes plugin. */\n"
            f"{css}",
            encoding="utf-8",
        )

    def on_build_error(self, error):
        if self._typesetter is not None:
            self._typesetter.close()

    def on_post_build(self, config):
        """Write the stylesheet of the typeset math; make the search index's math readable;
        drop Material's palette-switching rule (see above)."""
        drop_palette_switching_rule(Path(config.site_dir))
        if self._typesetter is not None:
            try:
                css = self._typesetter.stylesheet()
            except TypesetError as exc:
                raise PluginError(f"math typesetting failed:\n{exc}") from exc
            finally:
                self._typesetter.close()
            self._write_math_css(Path(config.site_dir), css)
            self._typesetter.save()
            # The next build (mkdocs serve) starts from this one's cache, not its process.
            self._typesetter = Typesetter(self._cache_dir)
        index = Path(config.site_dir) / "search" / "search_index.json"
        if not index.is_file():
            return
        data = json.loads(index.read_text(encoding="utf-8"))
        for doc in data.get("docs", []):
            for key in ("title", "text"):
                if isinstance(doc.get(key), str):
                    doc[key] = strip_math(doc[key])
        index.write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
