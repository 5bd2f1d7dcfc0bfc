"""After the build: the jobs that work on the built HTML, for any generator.

MkDocs runs them page by page through the plugin (:mod:`derivnotes.site.plugin`, which calls
:meth:`PostBuild.page` and :meth:`PostBuild.finish`); any other generator runs them over the
finished site folder with ``derivnotes postbuild SITE_DIR`` (:func:`postbuild`):

- notebook pages (nbconvert's HTML): the loaders and the inlined theme CSS they do not need
  dropped, the math of their Markdown cells marked as arithmatex marks it;
- every page: its math typeset with the site's MathJax (:mod:`derivnotes.site.typeset`);
- the site: the math's stylesheet written (into ``math_css_into`` when given), the search
  index's TeX made readable (MkDocs' ``search/search_index.json`` and Zensical's
  ``search.json``), Material's palette-switching rule dropped, the files of the checker in the
  browser written (:mod:`derivnotes.site.bundle`).
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path

from derivnotes.site.bundle import finish_checker
from derivnotes.site.cssprune import prune_page_styles
from derivnotes.site.searchtext import strip_math
from derivnotes.site.typeset import STYLESHEET, Typesetter
from derivnotes.store import ContentStore, content_key, files_key, write_atomically

__all__ = [
    "MATH_CSS_MARK",
    "PostBuild",
    "clean_search_index",
    "drop_palette_switching_rule",
    "is_notebook_page",
    "mark_notebook_math",
    "postbuild",
]

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


#: Part of the cache key of a notebook page's jobs: the code that does them.
_NOTEBOOK_JOBS = files_key(Path(__file__), Path(__file__).with_name("cssprune.py"))

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


#: The line after which the typeset math's CSS follows the site's own stylesheet.
MATH_CSS_MARK = "/* The typeset math, added by derivnotes. */"


def is_notebook_page(html: str) -> bool:
    """Whether *html* is a notebook converted by nbconvert (its cells are jp-Cell elements)."""
    return 'class="jp-Notebook' in html or "jp-Cell" in html


def clean_search_index(site_dir: Path) -> int:
    """Make the math of the search index readable text; the number of entries changed.

    MkDocs writes ``search/search_index.json`` (``docs``), Zensical ``search.json``
    (``items``); each entry's ``title`` and ``text`` are cleaned.
    """
    changed = 0
    for name, entries in (("search/search_index.json", "docs"), ("search.json", "items")):
        index = site_dir / name
        if not index.is_file():
            continue
        data = json.loads(index.read_text(encoding="utf-8"))
        before = changed
        for entry in data.get(entries, []) if isinstance(data, dict) else []:
            for key in ("title", "text"):
                if isinstance(entry.get(key), str):
                    cleaned = strip_math(entry[key])
                    changed += cleaned != entry[key]
                    entry[key] = cleaned
        if changed > before:  # an index already clean (a second run) is left as it is
            write_atomically(index, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    return changed


class PostBuild:
    """One build's after-work. *cache_dir* holds the formula cache ('' or None: none);
    *math_css_into* is a stylesheet of the site (relative to the site folder) the math's CSS
    is appended to, so pages load one stylesheet fewer; without it the CSS goes to
    :data:`~derivnotes.site.typeset.STYLESHEET`."""

    def __init__(
        self,
        cache_dir: str | None,
        *,
        typeset: bool = True,
        math_css_into: str | None = None,
        output: str = "mathml",
    ) -> None:
        self.cache_dir = cache_dir
        self.math_css_into = math_css_into
        self.output = output
        self.typesetter = Typesetter(cache_dir, output=output) if typeset else None

    def page(self, html: str, where: str, notebook: bool | None = None) -> str:
        """*html* of one page after its jobs; raises :class:`TypesetError` for math MathJax
        cannot typeset (*where* names the page in the message)."""
        if notebook if notebook is not None else is_notebook_page(html):
            html = self._notebook(html)
        if self.typesetter is not None:
            html = self.typesetter.page(html, where)
        return html

    def _notebook(self, html: str) -> str:
        """A notebook page trimmed and its math marked, cached by the page's content (parsing
        a notebook page takes a sixth of a second, every build)."""
        store = ContentStore(self.cache_dir, "notebook-pages", ".html")
        key = content_key(_NOTEBOOK_JOBS, html)
        done = store.read(key)
        if done is None:
            # JupyterLab's whole theme is inlined in every notebook page: keep what it can use
            # (first, so that the math is then marked in a page a third of the size).
            done = prune_page_styles(html, cache_dir=self.cache_dir)
            done = mark_notebook_math(_NBCONVERT_EXTRAS.sub("", done))
            store.write(key, done)
        return done

    def finish(self, site_dir: Path) -> None:
        """The site-wide jobs, once every page is written; the formula cache is saved."""
        drop_palette_switching_rule(site_dir)
        if self.typesetter is not None:
            typeset = bool(self.typesetter.formulas)
            try:
                css = self.typesetter.stylesheet()
            finally:
                self.typesetter.close()
            if typeset or not self.math_css_into:  # a rerun keeps the CSS its pages need
                self._write_math_css(site_dir, css)
            for name, data in self.typesetter.files.items():  # the math font
                write_atomically(site_dir / name, data)
            self.typesetter.save()
            # A next build (mkdocs serve) starts from this one's cache, not its process.
            self.typesetter = Typesetter(self.cache_dir, output=self.output)
        clean_search_index(site_dir)
        finish_checker(site_dir, self.cache_dir or None)

    def close(self) -> None:
        if self.typesetter is not None:
            self.typesetter.close()

    def _write_math_css(self, site_dir: Path, css: str) -> None:
        """The math's CSS on its own (STYLESHEET) or after the site stylesheet math_css_into
        (as built, without what an earlier run appended), its font URLs rewritten for that
        file's folder."""
        if not self.math_css_into:
            write_atomically(site_dir / STYLESHEET, css)
            return
        into = self.math_css_into
        fonts = posixpath.relpath("assets/vendor/", posixpath.dirname(into) or ".")
        css = css.replace('url("../vendor/', f'url("{fonts}/')
        target = site_dir / into
        own = target.read_text(encoding="utf-8").split(MATH_CSS_MARK, 1)[0].rstrip("\n")
        write_atomically(target, f"{own}\n\n{MATH_CSS_MARK}\n{css}")


def postbuild(
    site_dir: Path,
    *,
    cache_dir: str | None,
    math_css_into: str | None = None,
    output: str = "mathml",
) -> list[str]:
    """Run every after-build job over the built site in *site_dir*; the pages changed.

    Raises :class:`TypesetError` (naming the page) when a page holds math MathJax cannot
    typeset; pages are rewritten only once every page succeeded.
    """
    if math_css_into and not (site_dir / math_css_into).is_file():
        raise FileNotFoundError(
            f"{site_dir / math_css_into}: no such stylesheet in the built site (math_css_into "
            "names a stylesheet every page loads, relative to the site folder)"
        )
    jobs = PostBuild(cache_dir, math_css_into=math_css_into, output=output)
    done: dict[Path, str] = {}
    try:
        for path in sorted(site_dir.rglob("*.html")):
            html = path.read_text(encoding="utf-8")
            new = jobs.page(html, str(path.relative_to(site_dir)))
            if new != html:
                done[path] = new
        for path, html in done.items():
            write_atomically(path, html)
        jobs.finish(site_dir)
    finally:
        jobs.close()
    return [str(p.relative_to(site_dir)) for p in done]
