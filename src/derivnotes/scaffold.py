r"""``derivnotes new SLUG --title "..."``: a new derivation page, ready to edit, check and build.

The page ``docs/SLUG.md`` gets front matter, an introduction and a small, correct derivation
(:math:`1 - \sigma(z) = \sigma(-z)`) whose YAML comments explain every key; the contributor's
instructions sit in an HTML comment, so the page as scaffolded passes ``derivnotes check`` and
``mkdocs build --strict`` and does not read as a placeholder. The page is added to the ``nav`` of
``mkdocs.yml`` under "Derivations" (before "Common mistakes, refuted") by inserting one line: the
rest of the file is kept byte for byte (it holds ``!ENV`` tags that a YAML dumper would lose).

Examples
--------
>>> check_slug("softmax-gradient")
>>> check_slug("Softmax gradient")
Traceback (most recent call last):
...
derivnotes.scaffold.ScaffoldError: 'Softmax gradient' is not a valid slug: use only lowercase
letters, digits and hyphens, not starting with a hyphen (e.g. derivnotes new softmax-gradient
--title "...")
>>> config = "nav:\n  - Derivations:\n      - A: a.md\n      - B: common-mistakes.md\n"
>>> print(add_to_nav(config, "new-page", "New: page"), end="")
nav:
  - Derivations:
      - A: a.md
      - "New: page": new-page.md
      - B: common-mistakes.md
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import yaml

__all__ = [
    "ScaffoldError",
    "add_to_nav",
    "check_slug",
    "create_page",
    "new_command",
    "page_text",
]

SLUG = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
SECTION = "Derivations"  # the nav section a new page joins...
BEFORE = "common-mistakes.md"  # ...before this page, which closes the section


class ScaffoldError(Exception):
    """Why a page cannot be scaffolded, and what to do instead."""


@dataclass(frozen=True)
class Created:
    """What :func:`create_page` wrote."""

    page: Path
    config: Path
    nav_line: str  # the line added to the nav ('' when the config has no nav)
    preview: str  # the page's address under `make serve`


def check_slug(slug: str) -> None:
    """Raise :class:`ScaffoldError` unless *slug* is lowercase letters, digits and hyphens."""
    if SLUG.match(slug):
        return
    if slug.endswith(".md") and SLUG.match(slug[:-3]):
        raise ScaffoldError(
            f"'{slug}' is not a valid slug: give the name without .md "
            f'(derivnotes new {slug[:-3]} --title "...")'
        )
    suggestion = re.sub(r"[^a-z0-9]+", "-", slug.lower()).strip("-")
    example = suggestion if SLUG.match(suggestion or "-") else "softmax-gradient"
    raise ScaffoldError(
        f"'{slug}' is not a valid slug: use only lowercase letters, digits and hyphens, not "
        f'starting with a hyphen (e.g. derivnotes new {example} --title "...")'
    )


def _yaml_scalar(text: str, context: str) -> str:
    """*text* as YAML that reads back as the same string in *context* (``{}`` marks the spot).

    Plain when that reads back right, else double-quoted (JSON is YAML): ``Yes`` would be a
    boolean and ``a: b`` a mapping.
    """
    quoted = json.dumps(text, ensure_ascii=False)
    try:
        if yaml.safe_load(context.format(text)) == yaml.safe_load(context.format(quoted)):
            return text
    except yaml.YAMLError:
        pass
    return quoted


def page_text(
    slug: str, title: str, block_id: str | None = None, preview: str | None = None
) -> str:
    """The Markdown of a new page: front matter, an introduction and a checked example."""
    preview = preview or f"http://127.0.0.1:8000/{slug}/"
    description = _yaml_scalar(
        f"{title}: a derivation whose every step is machine-checked while the site builds.",
        "description: {}",
    )
    id_line = f"id: {block_id or slug}".ljust(25) + " "
    return f"""\
---
# One sentence about this page, shown by search engines and link previews: replace it.
description: {description}
---

# {title}

<!--
  Made by `derivnotes new`. What to do next (this comment is not shown on the site):
  1. Replace the paragraph below by your introduction: what is derived, and why a reader cares.
  2. Replace the example derivation by yours; the comments in it explain every key, and the
     site's page "Write a derivation" (docs/write-a-derivation.md) is the full reference.
  3. Check it:    .venv/bin/derivnotes check docs/{slug}.md
     Preview it:  make serve, then open {preview}
  4. Run make test, then commit docs/{slug}.md and mkdocs.yml and open a pull request.
  Delete this comment when you are done.
-->

The sigmoid \\(\\sigma(z) = 1/(1 + e^{{-z}})\\) treats the two classes alike: what it leaves for
the other class at \\(z\\), \\(1 - \\sigma(z)\\), is exactly what it gives at \\(-z\\). Each line
below was checked against the line before it when this page was built.

```derivation
{id_line}# unique on the site: names the block in messages
symbols:                  # every variable with its domain: real, positive, (0, 1), "{{0, 1}}"...
  z: real
define:                   # functions and abbreviations every expr may use
  sigma(t): 1/(1 + exp(-t))
chains:                   # one chain is one display; each step must equal the step before it
  - name: s               # later chains may use this name for the chain's first expression
    steps:
      - tex: 1 - \\sigma(z)                  # what the reader sees (TeX)...
        expr: 1 - sigma(z)                  # ...and what is checked (* for products, ** powers)
      - tex: = \\frac{{(1 + e^{{-z}}) - 1}}{{1 + e^{{-z}}}}
        expr: ((1 + exp(-z)) - 1)/(1 + exp(-z))
        why: put $1$ and $\\sigma(z)$ over $1 + e^{{-z}}$   # the reason, shown beside the step
      - tex: = \\frac{{e^{{-z}}}}{{1 + e^{{-z}}}}
        expr: exp(-z)/(1 + exp(-z))
      - tex: = \\frac{{1}}{{e^{{z}} + 1}}
        expr: 1/(exp(z) + 1)
        why: multiply above and below by $e^{{z}}$
        # wrong: true   <- only for an intended mistake: the build then needs it refuted
      - tex: = \\sigma(-z)
        expr: sigma(-z)
        why: the definition of $\\sigma$, at $-z$
```
"""


# -- the nav of mkdocs.yml -----------------------------------------------------------------------
class _AnyTagLoader(yaml.SafeLoader):
    """A safe loader for mkdocs.yml: ``!ENV`` as MkDocs reads it, any other tag as null."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    """``!ENV NAME`` or ``!ENV [NAME, ..., default]``: the first variable set, else the default."""
    if isinstance(node, yaml.ScalarNode):
        names, default = [loader.construct_scalar(node)], None
    else:
        items = loader.construct_sequence(node)  # type: ignore[arg-type]
        names, default = (items[:-1], items[-1]) if len(items) > 1 else (items, None)
    return next((os.environ[str(n)] for n in names if str(n) in os.environ), default)


_AnyTagLoader.add_constructor("!ENV", _env_tag)
_AnyTagLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _load_config(text: str, where: str) -> dict:
    try:
        data = yaml.load(text, Loader=_AnyTagLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise ScaffoldError(f"{where} is not valid YAML ({exc}); fix it first") from None
    return data if isinstance(data, dict) else {}


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_filler(line: str) -> bool:
    """A blank line or a comment only: it ends no block."""
    return not line.strip() or line.lstrip().startswith("#")


def _nav_pages(nav: object) -> list[str]:
    """Every page file named in a loaded nav."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, list):
        return [page for item in nav for page in _nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in _nav_pages(value)]
    return []


def add_to_nav(text: str, slug: str, title: str, *, where: str = "mkdocs.yml") -> str:
    """*text* (an mkdocs.yml) with ``TITLE: SLUG.md`` added to its nav, every other byte kept.

    The page goes into the "Derivations" section, before ``common-mistakes.md`` when the section
    holds it (else last in the section), or last in the nav when there is no such section. A
    config without ``nav`` is returned unchanged (MkDocs then lists every page by itself).
    """
    config = _load_config(text, where)
    if "nav" not in config:
        return text
    page = f"{slug}.md"
    if page in _nav_pages(config["nav"]):
        raise ScaffoldError(f"the nav of {where} already lists {page}; choose another slug")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, ln in enumerate(lines) if re.match(r"nav\s*:\s*(#.*)?$", ln)), None)
    if start is None:
        raise ScaffoldError(
            f"the nav of {where} is not a block list under a line 'nav:'; add "
            f"'- {title}: {page}' to it by hand"
        )
    # The nav's lines: indented (or '- ' items at column 0) up to the next top-level key.
    end = start + 1
    while end < len(lines) and (
        _is_filler(lines[end]) or lines[end][0] in " -" or lines[end].startswith("\t")
    ):
        end += 1
    while end > start + 1 and _is_filler(lines[end - 1]):
        end -= 1
    section = re.compile(rf"""(\s*)-\s+(["']?){SECTION}\2\s*:\s*(#.*)?$""")
    at = next((i for i in range(start + 1, end) if section.match(lines[i])), None)
    if at is None:  # no section: a top-level item at the end of the nav
        items = [ln for ln in lines[start + 1 : end] if ln.lstrip().startswith("- ")]
        indent = min((_indent(ln) for ln in items), default=2)
        insert = end
    else:
        own = _indent(lines[at])
        children = at + 1
        while children < end and (_is_filler(lines[children]) or _indent(lines[children]) > own):
            children += 1
        while children > at + 1 and _is_filler(lines[children - 1]):
            children -= 1
        items = [ln for ln in lines[at + 1 : children] if ln.lstrip().startswith("- ")]
        indent = _indent(items[0]) if items else own + 4
        before = re.compile(rf"\s*-\s.*:\s*{re.escape(BEFORE)}\s*(#.*)?$")
        insert = next(
            (i for i in range(at + 1, children) if before.match(lines[i].rstrip("\r\n"))),
            children,
        )
    entry = f"{' ' * indent}- {_yaml_scalar(title, '- {}: x.md')}: {page}{newline}"
    if insert == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
        entry = newline + entry
    result = "".join([*lines[:insert], entry, *lines[insert:]])
    # The edit must read back as the same configuration with this one page added to the nav.
    after = _load_config(result, where)
    pages = _nav_pages(after.get("nav"))
    if (
        {**after, "nav": None} != {**config, "nav": None}
        or pages.count(page) != 1
        or [p for p in pages if p != page] != _nav_pages(config["nav"])
    ):  # pragma: no cover - a layout the text edit does not understand
        raise ScaffoldError(
            f"could not add {page} to the nav of {where} safely; add '- {title}: {page}' by hand"
        )
    return result


def preview_url(config_text: str, slug: str, address: str = "127.0.0.1:8000") -> str:
    """Where ``make serve`` (``mkdocs serve --dev-addr 127.0.0.1:8000``) shows the page.

    MkDocs serves the site under the path of its ``site_url``.

    Examples
    --------
    >>> preview_url('site_url: !ENV [NOT_SET_ANYWHERE, "https://x.github.io/notes/"]', "a")
    'http://127.0.0.1:8000/notes/a/'
    >>> preview_url("site_name: x", "a")
    'http://127.0.0.1:8000/a/'
    """
    try:
        site_url = _load_config(config_text, "mkdocs.yml").get("site_url")
    except ScaffoldError:
        site_url = None
    path = urlsplit(str(site_url or "")).path.strip("/")
    return f"http://{address}/{path + '/' if path else ''}{slug}/"


# -- the command ---------------------------------------------------------------------------------
def _block_ids(docs: Path) -> set[str]:
    """The ids of the derivation blocks already on the site."""
    from derivnotes.checker.fences import FenceError, iter_fences

    ids = set()
    for path in docs.rglob("*.md"):
        try:
            fences = list(iter_fences(path.read_text(encoding="utf-8-sig").splitlines()))
        except (FenceError, OSError, UnicodeDecodeError):
            continue
        for fence in fences:
            match = re.search(r"^id:\s*(\S+)", fence.body, re.MULTILINE)
            if fence.language == "derivation" and match:
                ids.add(match.group(1))
    return ids


def create_page(slug: str, title: str, *, docs: Path, config: Path) -> Created:
    """Write ``docs/SLUG.md`` and add it to the nav of *config*; raise :class:`ScaffoldError`."""
    check_slug(slug)
    title = title.strip()
    if not title or "\n" in title or "\r" in title:
        raise ScaffoldError('give the page a one-line title, e.g. --title "The softmax gradient"')
    if not docs.is_dir():
        raise ScaffoldError(
            f"there is no folder {docs}: run derivnotes new from the root of your clone, or "
            "name the pages' folder with --docs"
        )
    if not config.is_file():
        raise ScaffoldError(
            f"there is no {config}: run derivnotes new from the root of your clone, or name "
            "the site's configuration with --config"
        )
    page = docs / f"{slug}.md"
    for taken in (page, docs / slug, docs / f"{slug}.ipynb"):
        if taken.exists():
            raise ScaffoldError(
                f"{taken} already exists: choose another slug, or edit that page instead"
            )
    old = config.read_bytes().decode("utf-8")
    new = add_to_nav(old, slug, title, where=str(config))
    ids = _block_ids(docs)
    block_id = next(
        candidate
        for candidate in (slug, *(f"{slug}-{n}" for n in range(2, 1000)))
        if candidate not in ids
    )
    preview = preview_url(old, slug)
    page.write_text(page_text(slug, title, block_id, preview), encoding="utf-8")
    if new != old:
        config.write_bytes(new.encode("utf-8"))
    added = [ln for ln in new.splitlines() if f": {slug}.md" in ln]
    nav_line = added[0].strip() if added else ""
    return Created(page=page, config=config, nav_line=nav_line, preview=preview)


def new_command(slug: str, title: str, *, docs: str, config: str, out: TextIO, err: TextIO) -> int:
    """``derivnotes new``: scaffold the page and say what to do next; exit status 0 or 2."""
    try:
        created = create_page(slug, title, docs=Path(docs), config=Path(config))
    except ScaffoldError as exc:
        print(f"derivnotes new: {exc}", file=err)
        return 2
    print(f"created {created.page}", file=out)
    if created.nav_line:
        print(f"added '{created.nav_line}' to the nav in {created.config}", file=out)
    else:
        print(f"{created.config} has no nav: MkDocs lists the page by itself", file=out)
    print(
        "next: replace the introduction and the example derivation (the comments in the page "
        "say how), then\n"
        f"  .venv/bin/derivnotes check {created.page}\n"
        f"  make serve    # preview with live reload on {created.preview}",
        file=out,
    )
    return 0
