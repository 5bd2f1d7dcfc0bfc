"""The first paint waits for no style sheet: each page carries the rules it uses, inline.

A page links Material's style sheet, its palette and the site's own (with the typeset math's
CSS). Each is a request the browser must finish before it paints anything. Here, once every
page and style sheet is written, each page gets, in place of those links:

- one ``<style data-dn-critical>`` holding the rules of those sheets that can match the page's
  own HTML (:func:`derivnotes.site.cssprune.prune_css`: a rule whose every selector names a
  class the page never uses is left out), their ``url(...)`` rebased to the page;
- the same links, loaded without blocking and not applied (``media="print"``). The inline
  rules also cover every class the site's scripts name (``md-search-result__item``,
  ``md-tooltip``, ...: what the theme adds to a page later), so a page as loaded needs nothing
  more, and the browser does not restyle it once more after its first paint (on the longest
  page that was a third of a second of a phone's main thread). ``javascripts/stylesheets.js``
  applies the full sheets (``media="all"``) when Material's instant navigation shows another
  page in the same document (its <head>, so its inline rules, stay those of the first page),
  and at once on "Check your derivation", whose results come from the checker. Without
  JavaScript nothing is added later; a ``<noscript>`` copy of each link applies it anyway.

The sheets' full rules come after the inline ones, in the same order, so every element ends
with the same style as with the links alone. Results are cached by content.
"""

from __future__ import annotations

import html as html_module
import posixpath
import re
from pathlib import Path

from derivnotes.site.cssprune import PRUNER_VERSION, classes_in_html, prune_css
from derivnotes.store import ContentStore, content_key, write_atomically

__all__ = ["CRITICAL_MARK", "inline_critical_css", "page_with_critical_css", "rebase_urls"]

#: The attribute of the inline ``<style>`` (a page that has one is not done again).
CRITICAL_MARK = "data-dn-critical"
_LINK = re.compile(r"<link\b(?=[^>]*\brel=\"stylesheet\")(?![^>]*\bmedia=)[^>]*\bhref=\"([^\"]+)\"[^>]*>")
_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")


def rebase_urls(css: str, sheet: str, page: str) -> str:
    """*css* of the sheet at *sheet* (a path in the site) with its relative ``url(...)``
    rewritten for the page at *page*.

    Examples
    --------
    >>> rebase_urls('a{b:url("../fonts/x.woff")}c{d:url(data:x)}', "css/s.css", "index.html")
    'a{b:url("fonts/x.woff")}c{d:url(data:x)}'
    """
    here, there = posixpath.dirname(sheet), posixpath.dirname(page) or "."

    def rebase(match: re.Match[str]) -> str:
        quote, url = match.group(1), match.group(2)
        if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", url, re.IGNORECASE):
            return match.group(0)
        target = posixpath.normpath(posixpath.join(here, url))
        return f"url({quote}{posixpath.relpath(target, there)}{quote})"

    return _URL.sub(rebase, css)


#: Classes set on <html> by the head's first script, before anything is styled, or by the
#: browser's focus handling.
ALWAYS = frozenset({"js", "js-focus-visible", "focus-visible"})
_SCRIPT_CLASS = re.compile(r"(?<![\w-])((?:md|dn)-[a-z0-9]+(?:[-_]{1,2}[a-z0-9]+)*)")


def classes_in_scripts(site_dir: Path) -> frozenset[str]:
    """The theme's and the site's class names (``md-...``, ``dn-...``) that their scripts name:
    what they may add to a page after it is shown."""
    found: set[str] = set()
    for script in site_dir.rglob("*.js"):
        if "vendor" in script.parts or "checker" in script.parts:
            continue
        found.update(_SCRIPT_CLASS.findall(script.read_text(encoding="utf-8", errors="replace")))
    return frozenset(found)


def page_with_critical_css(
    page_html: str,
    page: str,
    sheets: dict[str, str],
    store: ContentStore,
    later: frozenset[str] = frozenset(),
) -> str:
    """*page_html* (the page at *page*) with its local style sheet links made non-blocking and
    the rules it uses inlined; *sheets* maps each sheet's path in the site to its text."""
    if CRITICAL_MARK in page_html:
        return page_html
    head_end = page_html.find("</head>")
    links = [
        m
        for m in _LINK.finditer(page_html, 0, head_end if head_end > 0 else len(page_html))
        if _resolve(m.group(1), page) in sheets
    ]
    if not links:
        return page_html
    classes = classes_in_html(page_html) | ALWAYS | later
    parts = []
    for link in links:
        path = _resolve(link.group(1), page)
        key = content_key(PRUNER_VERSION, "critical", sheets[path], path, page, *sorted(classes))
        css = store.read(key)
        if css is None:
            css = rebase_urls(prune_css(sheets[path], classes), path, page)
            css = re.sub(r'^@charset "[^"]*";\s*', "", css)  # only valid first in a sheet
            store.write(key, css)
        parts.append(css)
    style = f"<style {CRITICAL_MARK}>{chr(10).join(parts)}</style>"
    deferred = "".join(
        f'<link rel="stylesheet" href="{html_module.escape(m.group(1), quote=True)}" '
        'media="print" data-dn-deferred>'
        for m in links
    )
    fallback = "".join(f"<noscript>{m.group(0)}</noscript>" for m in links)
    out, position = [], 0
    for index, link in enumerate(links):
        out.append(page_html[position : link.start()])
        if index == 0:
            out.append(style + deferred + fallback)
        position = link.end()
    out.append(page_html[position:])
    return "".join(out)


def _resolve(href: str, page: str) -> str:
    """The path in the site of *href* written in the page at *page* ('' when not local)."""
    if re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", href, re.IGNORECASE):
        return ""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), href.split("?")[0]))


def inline_critical_css(site_dir: Path, cache_dir: str | None) -> int:
    """Do :func:`page_with_critical_css` for every page of the built site; the pages changed."""
    store = ContentStore(cache_dir, "css-critical", ".css")
    sheets: dict[str, str] = {}
    for css in site_dir.rglob("*.css"):
        if "vendor" not in css.parts:
            sheets[css.relative_to(site_dir).as_posix()] = css.read_text(encoding="utf-8")
    later = classes_in_scripts(site_dir)
    changed = 0
    for path in sorted(site_dir.rglob("*.html")):
        page = path.relative_to(site_dir).as_posix()
        text = path.read_text(encoding="utf-8")
        new = page_with_critical_css(text, page, sheets, store, later)
        if new != text:
            write_atomically(path, new)
            changed += 1
    return changed
