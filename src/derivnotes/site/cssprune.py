"""Drop the CSS rules a page cannot use: the style sheets nbconvert inlines in notebook pages.

mkdocs-jupyter puts JupyterLab's whole theme (about 570 kB of CSS, for every widget JupyterLab
has) into each notebook page, where the browser must parse it and match it against every element
before the first paint. A rule whose every selector names a class that the page's HTML never
uses can match nothing there (the pages are static: no script adds those classes), so it is
left out. Everything else is kept as it is: at-rules such as ``@font-face`` and ``@keyframes``,
rules whose selectors name no class, and selectors this module does not take apart
(``:is()``, ``:where()``, ``:has()``).
"""

from __future__ import annotations

import re
from pathlib import Path

from derivnotes.store import ContentStore, content_key

_CLASS_ATTR = re.compile(r'\bclass\s*=\s*(?:"([^"]*)"|\'([^\']*)\')', re.IGNORECASE)
_CLASS_IN_SELECTOR = re.compile(r"\.(-?[_a-zA-Z][\w-]*)")
_NOT = re.compile(r":not\((?:[^()]|\([^()]*\))*\)")
_OPAQUE = (":is(", ":where(", ":has(", ":matches(", ":-webkit-any(", ":-moz-any(")
#: Part of the cache key: bump when what is pruned changes.
PRUNER_VERSION = "2: descendant :root"
_ROOT_AFTER_COMBINATOR = re.compile(r"[\s>+~]\s*(?:[\w*|.#:-]*?):root\b")
_GROUPING_AT_RULES = ("@media", "@supports", "@layer", "@container", "@document")


def classes_in_html(html: str) -> set[str]:
    """Every class name used in *html*'s ``class`` attributes.

    Examples
    --------
    >>> sorted(classes_in_html('<div class="a b"><p class=\\'c\\'>x</p></div>'))
    ['a', 'b', 'c']
    """
    found: set[str] = set()
    for match in _CLASS_ATTR.finditer(html):
        found.update((match.group(1) or match.group(2) or "").split())
    return found


def _split_top(text: str, separator: str) -> list[str]:
    """Split *text* on *separator* outside parentheses, brackets and strings."""
    parts, depth, quote, start = [], 0, "", 0
    for i, char in enumerate(text):
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def selector_can_match(selector: str, classes: set[str]) -> bool:
    """False only if *selector* needs a class that is not in *classes*.

    Examples
    --------
    >>> selector_can_match(".jp-Cell .jp-InputArea", {"jp-Cell", "jp-InputArea"})
    True
    >>> selector_can_match(".jp-Toolbar button", {"jp-Cell"})
    False
    >>> selector_can_match("body:not(.jp-mod-x) pre", set())
    True
    >>> selector_can_match(":is(.a, .b) p", set())
    True

    The root element has no ancestor, so a selector that puts ``:root`` after a combinator
    (JupyterLab's ``.jupyter-wrapper :root``, 80 kB of icon variables) matches nothing:

    >>> selector_can_match(".jp-Cell :root", {"jp-Cell"}), selector_can_match(":root .x", {"x"})
    (False, True)
    """
    if any(opaque in selector for opaque in _OPAQUE):
        return True
    without_not = _NOT.sub("", selector)
    if _ROOT_AFTER_COMBINATOR.search(re.sub(r"\[[^\]]*\]", "", without_not)):
        return False
    # Attribute values ([href$=".css"]) are not classes.
    without_attributes = re.sub(r"\[[^\]]*\]", "", without_not)
    return all(name in classes for name in _CLASS_IN_SELECTOR.findall(without_attributes))


# What matters to the structure of CSS: strings and comments (skipped whole), braces and
# semicolons. Everything between two of these is copied as it is.
_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'|/\*.*?(?:\*/|$)|[{};]', re.DOTALL)


def _blocks(css: str):
    """Yield ``(prelude, body)`` for each top-level item; ``body`` is None for ``@x ...;``."""
    start, depth, opened = 0, 0, 0
    for token in _TOKEN.finditer(css):
        char = token.group()
        if char == ";" and depth == 0:
            yield css[start : token.end()], None
            start = token.end()
        elif char == "{":
            depth += 1
            opened = opened or token.end()
        elif char == "}" and depth:
            depth -= 1
            if depth == 0:
                yield css[start : opened - 1], css[opened : token.start()]
                start, opened = token.end(), 0
    if css[start:].strip():
        yield css[start:], None


_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def prune_css(css: str, classes: set[str]) -> str:
    """*css* without the rules that need a class absent from *classes*.

    Examples
    --------
    >>> prune_css(".a{color:red}.b,.a p{margin:0}@media (min-width:1px){.c{x:y}.a{x:z}}", {"a"})
    '.a{color:red}\\n.a p{margin:0}\\n@media (min-width:1px){.a{x:z}}'
    >>> prune_css("@font-face{font-family:F}.zz{a:b}", set())
    '@font-face{font-family:F}'
    """
    out: list[str] = []
    for prelude, body in _blocks(css):
        head = _COMMENT.sub("", prelude).strip()
        if not head:
            continue
        if body is None:
            out.append(head)
        elif head.startswith("@"):
            if head.lower().startswith(_GROUPING_AT_RULES):
                inner = prune_css(body, classes)
                if inner:
                    out.append(f"{head}{{{inner}}}")
            else:
                out.append(f"{head}{{{body}}}")  # @font-face, @keyframes, @page, ...
        else:
            kept = [s.strip() for s in _split_top(head, ",") if selector_can_match(s, classes)]
            if kept:
                out.append(f"{','.join(kept)}{{{body}}}")
    return "\n".join(out)


_STYLE = re.compile(r"(<style\b[^>]*>)(.*?)(</style>)", re.DOTALL | re.IGNORECASE)


def prune_page_styles(html: str, min_size: int = 20_000, cache_dir: Path | None = None) -> str:
    """*html* with each inline ``<style>`` of at least *min_size* characters pruned to the
    classes the page uses; with *cache_dir*, each result is kept there by content hash (the
    same style sheet and classes give the same result), so a rebuild does not prune again.

    Examples
    --------
    >>> page = '<style>' + '.used{a:b}' + '.unused{c:d}' * 5 + '</style><p class="used">x</p>'
    >>> prune_page_styles(page, min_size=10)
    '<style>.used{a:b}</style><p class="used">x</p>'
    """
    classes = classes_in_html(html)
    store = ContentStore(cache_dir, "css-prune", ".css")

    def prune(match: re.Match[str]) -> str:
        css = match.group(2)
        if len(css) < min_size:
            return match.group(0)
        key = content_key(PRUNER_VERSION, css, " ".join(sorted(classes)))
        pruned = store.read(key)
        if pruned is None:
            pruned = prune_css(css, classes)
            store.write(key, pruned)
        return match.group(1) + pruned + match.group(3)

    return _STYLE.sub(prune, html)
