"""Figure and table fences: numbers and drawings computed by the package while the page builds.

````markdown
```figure
name: sigmoid          # a key of derivnotes.exhibits.figures.FIGURES
params: {z_min: -6}    # optional keyword arguments of that function
```
````

``table`` fences work the same way with :data:`derivnotes.exhibits.tables.TABLES`. Any error — an
unknown name, a bad parameter, the computing code raising — is an :class:`ExhibitError` that
names the file and line, so the build stops instead of publishing a page without its figure.
"""

from __future__ import annotations

import hashlib
import html
import re
from typing import Any

import yaml


class ExhibitError(Exception):
    """A figure or table fence that cannot be rendered (message names file and line)."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


def _spec(kind: str, body: str, file: str, line: int, known: dict[str, Any]) -> tuple[str, dict]:
    try:
        data = yaml.safe_load(body) if body.strip() else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ExhibitError(
            file, line + (mark.line if mark else 0), f"the {kind} block is not valid YAML: {exc}"
        ) from exc
    if not isinstance(data, dict) or "name" not in data:
        raise ExhibitError(
            file,
            line,
            f"a {kind} block needs `name:` (one of "
            f"{', '.join(sorted(known))}) and optionally `params:`",
        )
    unknown = set(data) - {"name", "params"}
    if unknown:
        raise ExhibitError(
            file,
            line,
            f"unknown key(s) {', '.join(sorted(unknown))} in the "
            f"{kind} block; allowed: name, params",
        )
    name = str(data["name"])
    if name not in known:
        raise ExhibitError(
            file, line, f"there is no {kind} named '{name}'; known: {', '.join(sorted(known))}"
        )
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise ExhibitError(file, line, f"`params` of the {kind} '{name}' must be a mapping")
    return name, params


def render_figure_block(body: str, *, file: str, line: int) -> str:
    """The HTML of a ```` ```figure ```` block: inline SVG with its caption."""
    from derivnotes.exhibits.figures import (
        FIGURES,
        PHONE_SCROLL,
        PHONE_SCROLL_WIDTH,
        for_phones,
        render_figure,
    )

    name, params = _spec("figure", body, file, line, FIGURES)
    try:
        figure = render_figure(name, **params)
        if name in PHONE_SCROLL:  # a diagram: the same drawing, legible, scrolling sideways
            phone_svg = figure.svg.replace(
                'style="', f'style="min-width:{PHONE_SCROLL_WIDTH}px;', 1
            ).replace(f"dn-{name}-", f"dn-{name}-phone-")  # its ids, and references to them
            phone_class = "dn-figure-phone dn-figure-scroll"
        else:  # the same figure drawn narrow, so its text stays legible on a phone
            with for_phones():
                phone_svg = render_figure(name, **params).svg
            phone_class = "dn-figure-phone"
    except Exception as exc:
        raise ExhibitError(
            file, line, f"the figure '{name}' failed while drawing: {type(exc).__name__}: {exc}"
        ) from exc
    # a figure drawn with parameters of its own gets an anchor of its own
    suffix = f"-{hashlib.sha256(repr(sorted(params.items())).encode()).hexdigest()[:6]}"
    anchor = html.escape(f"figure-{name}{suffix if params else ''}", quote=True)
    return (
        f'<figure class="dn-figure" id="{anchor}">'
        f'<div class="dn-figure-wide">{figure.svg}</div>'
        f'<div class="{phone_class}">{phone_svg}</div>'
        f"<figcaption>{html.escape(figure.caption)}</figcaption></figure>"
    )


def render_table_block(body: str, *, file: str, line: int) -> str:
    """The HTML of a ```` ```table ```` block: a table of computed numbers with its caption."""
    from derivnotes.exhibits.tables import TABLES, render_table

    name, params = _spec("table", body, file, line, TABLES)
    try:
        table = render_table(name, **params)
    except Exception as exc:
        raise ExhibitError(
            file, line, f"the table '{name}' failed while computing: {type(exc).__name__}: {exc}"
        ) from exc
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in table.headers)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    return (
        f'<div class="dn-table" id="table-{html.escape(name, quote=True)}">'
        f"<table><caption>{html.escape(table.caption)}</caption>"
        f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
    )


#: The file a ```checker-output example stands for: its derivation fence opens on line 1.
EXAMPLE_FILE = "docs/example.md"


#: The line after which a checker-output block states what derivnotes check prints.
PRINTS = "# derivnotes check prints:"


def split_stated_output(body: str) -> tuple[str, str | None]:
    r"""(the example, the output it states or None): see :func:`render_checker_output_block`.

    Examples
    --------
    >>> split_stated_output("id: a\n# derivnotes check prints:\n#   ok   x\n#\n#   more\n")
    ('id: a', 'ok   x\n\nmore')
    """
    lines = body.splitlines(keepends=True)
    marks = [n for n, text in enumerate(lines) if text.rstrip() == PRINTS]
    if not marks:
        return body, None
    stated = [text.rstrip("\n") for text in lines[marks[0] + 1 :]]
    return "".join(lines[: marks[0]]).rstrip("\n"), "\n".join(
        text[4:] if text.startswith("#   ") else text.lstrip("#").strip() for text in stated
    )


def render_checker_output_block(
    body: str, *, file: str, line: int, info: str = "", cache: Any = None
) -> tuple[list[str], str]:
    """A ```` ```checker-output ```` block: an example file and what ``derivnotes check`` says.

    The *body* is a derivation block's YAML. It is checked as the only block of
    :data:`EXAMPLE_FILE` (its fence on line 1, so every line number is stable) by the same code
    as ``derivnotes check``, and the messages are those the command prints. Options after the
    language: ``exit=N`` stops the build (with *file*:*line*) unless the command's exit status
    is N, so an example of an error cannot silently turn into one that passes; ``unclosed``
    leaves the fence without its closing line.

    The block may end with what the command prints, as YAML comments after the line
    :data:`PRINTS` (each printed line after ``#   ``), so that the messages can be read in the
    page's Markdown source too; the build then stops unless that is exactly what it prints now,
    and the page shows the example without those lines.

    Returns the Markdown lines of the example file (a fenced code block, for the page's own
    highlighter) and the HTML of the output.

    Examples
    --------
    >>> body = "id: demo\\nsymbols:\\n  x: real\\nchains:\\n  - name: c\\n    steps:\\n" + (
    ...     "      - expr: x + x\\n      - expr: 3*x\\n")
    >>> source, output = render_checker_output_block(
    ...     body, file="p.md", line=5, info="checker-output exit=1")
    >>> print(source[0], source[1], source[-1], sep="\\n")
    ````{.markdown title="docs/example.md" linenums="1" data-search-exclude=""}
    ```derivation
    ````
    >>> print(output.split("<pre>")[1].split(">", 1)[1].split("</code>")[0])  # doctest: +ELLIPSIS
    FAIL docs/example.md:1: demo: 1 REFUTED
    docs/example.md:9: derivation 'demo', chain 'c', step 2 does not follow from the step before it.
        step before: x + x
        this step:   3*x
        At x = ..., the step before evaluates to ..., but this step evaluates to ....
    ...
    """
    from derivnotes.checker.cache import ResultCache
    from derivnotes.checker.page import check_page

    words = info.split()[1:]
    unknown = [w for w in words if w != "unclosed" and not re.fullmatch(r"exit=[012]", w)]
    if unknown:
        raise ExhibitError(
            file,
            line,
            f"unknown option(s) {' '.join(unknown)} of the checker-output block; "
            "allowed: exit=0, exit=1 or exit=2, and unclosed",
        )
    expected = next((int(w[5:]) for w in words if w.startswith("exit=")), None)
    example, stated = split_stated_output(body)
    lines = ["```derivation", *example.splitlines()]
    if "unclosed" not in words:
        lines.append("```")
    report = check_page(lines, name=EXAMPLE_FILE, cache=cache or ResultCache(None))
    printed = "\n".join(text for _, text in report.lines)
    if expected is not None and report.status != expected:
        raise ExhibitError(
            file,
            line,
            f"this checker-output example should make `derivnotes check` exit {expected}, "
            f"but it exits {report.status} and prints:\n{printed}\n"
            f"Fix the example, or change exit={expected}.",
        )
    if stated is not None and stated != printed:
        shown = "\n".join(f"#   {text}".rstrip() for text in printed.splitlines())
        raise ExhibitError(
            file,
            line,
            f"this checker-output example states what derivnotes check prints, but it prints "
            f"something else now. Replace the lines after '{PRINTS}' with:\n{shown}",
        )
    # Kept out of the search index (data-search-exclude): its results would show raw YAML/TeX.
    options = f'.markdown title="{EXAMPLE_FILE}" linenums="1" data-search-exclude=""'
    source = [f"````{{{options}}}", *lines, "````"]
    output = (
        f'<div class="dn-checker-output" data-search-exclude>'
        f"<p><code>derivnotes check {EXAMPLE_FILE}</code> "
        f"prints (exit status {report.status}):</p>"
        f'<pre><code style="white-space: pre-wrap">{html.escape(printed, quote=False)}</code></pre>'
        "</div>"
    )
    return source, output
