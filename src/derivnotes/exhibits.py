"""Figure and table fences: numbers and drawings computed by the package while the page builds.

````markdown
```figure
name: sigmoid          # a key of derivnotes.figures.FIGURES
params: {z_min: -6}    # optional keyword arguments of that function
```
````

``table`` fences work the same way with :data:`derivnotes.tables.TABLES`. Any error — an
unknown name, a bad parameter, the computing code raising — is an :class:`ExhibitError` that
names the file and line, so the build stops instead of publishing a page without its figure.
"""

from __future__ import annotations

import html
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
        raise ExhibitError(file, line + (mark.line if mark else 0),
                           f"the {kind} block is not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or "name" not in data:
        raise ExhibitError(file, line, f"a {kind} block needs `name:` (one of "
                           f"{', '.join(sorted(known))}) and optionally `params:`")
    unknown = set(data) - {"name", "params"}
    if unknown:
        raise ExhibitError(file, line, f"unknown key(s) {', '.join(sorted(unknown))} in the "
                           f"{kind} block; allowed: name, params")
    name = str(data["name"])
    if name not in known:
        raise ExhibitError(file, line, f"there is no {kind} named '{name}'; known: "
                           f"{', '.join(sorted(known))}")
    params = data.get("params") or {}
    if not isinstance(params, dict):
        raise ExhibitError(file, line, f"`params` of the {kind} '{name}' must be a mapping")
    return name, params


def render_figure_block(body: str, *, file: str, line: int) -> str:
    """The HTML of a ```` ```figure ```` block: inline SVG with its caption."""
    from derivnotes.figures import FIGURES, render_figure

    name, params = _spec("figure", body, file, line, FIGURES)
    try:
        figure = render_figure(name, **params)
    except Exception as exc:
        raise ExhibitError(file, line, f"the figure '{name}' failed while drawing: "
                           f"{type(exc).__name__}: {exc}") from exc
    anchor = html.escape(f"figure-{name}", quote=True)
    return (
        f'<figure class="dn-figure" id="{anchor}">{figure.svg}'
        f"<figcaption>{html.escape(figure.caption)}</figcaption></figure>"
    )


def render_table_block(body: str, *, file: str, line: int) -> str:
    """The HTML of a ```` ```table ```` block: a table of computed numbers with its caption."""
    from derivnotes.tables import TABLES, render_table

    name, params = _spec("table", body, file, line, TABLES)
    try:
        table = render_table(name, **params)
    except Exception as exc:
        raise ExhibitError(file, line, f"the table '{name}' failed while computing: "
                           f"{type(exc).__name__}: {exc}") from exc
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
