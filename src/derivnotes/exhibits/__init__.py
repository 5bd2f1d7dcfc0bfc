"""Exhibits: the figures and tables a page shows, computed by the package while it builds,
and the fences (```` ```figure ````, ```` ```table ````, ```` ```checker-output ````) that place
them on a page. They use :mod:`derivnotes.numerics` and the checker; never the site."""

from derivnotes.exhibits.fences import (
    ExhibitError,
    render_checker_output_block,
    render_figure_block,
    render_table_block,
)

__all__ = [
    "ExhibitError",
    "render_checker_output_block",
    "render_figure_block",
    "render_table_block",
]
