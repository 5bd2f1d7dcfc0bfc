"""Tables of numbers computed while the site builds (placed on a page by a ``table`` fence).

Each function returns a :class:`Table` whose every cell is formatted from a computed value;
nothing in a table is typed by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from derivnotes import numerics
from derivnotes.exhibits.figures import (
    computational_graph_values,
    format_number,
    gradient_check_data,
    naive_logistic_loss,
)

__all__ = ["TABLES", "Table", "render_table"]


@dataclass(frozen=True)
class Table:
    """Column headers, rows of formatted cells, and a caption."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str


def gradient_check_table(m: int = 10, n: int = 3, seed: int = 0, eps: float = 1e-6) -> Table:
    """Analytic gradient of the logistic cost next to central finite differences.

    Examples
    --------
    >>> table = gradient_check_table()
    >>> table.headers[0], len(table.rows)
    ('parameter', 4)
    """
    X, y, w, b = gradient_check_data(m=m, n=n, seed=seed)

    def cost(theta: np.ndarray) -> float:
        return numerics.logistic_cost(X, y, theta[:n], theta[n])

    def gradient(theta: np.ndarray) -> np.ndarray:
        dw, db = numerics.logistic_gradient(X, y, theta[:n], theta[n])
        return np.append(dw, db)

    theta = np.append(w, b)
    analytic = gradient(theta)
    numeric = numerics.numerical_gradient(cost, theta, eps=eps)
    error = numerics.gradient_check(cost, gradient, theta, eps=eps)
    names = [f"w{j + 1}" for j in range(n)] + ["b"]
    rows = tuple(
        (name, f"{a:.10f}", f"{d:.10f}", format_number(abs(a - d), 2))
        for name, a, d in zip(names, analytic, numeric, strict=True)
    )
    return Table(
        headers=("parameter", "analytic ∂J/∂θ", "finite differences", "|difference|"),
        rows=rows,
        caption=(
            f"The logistic cost of {m} examples with {n} features: the derived gradient and "
            f"central differences with step {format_number(eps)} agree to a relative error of "
            f"{format_number(error, 2)}."
        ),
    )


def stable_vs_naive_loss_table(y: int = 1) -> Table:
    """The textbook loss formula and the stable one at increasingly large |z|.

    Examples
    --------
    >>> table = stable_vs_naive_loss_table()
    >>> [row[0] for row in table.rows][:3]
    ['−1000', '−100', '−40']
    """
    zs = np.array([-1000.0, -100.0, -40.0, -10.0, 0.0, 10.0, 40.0, 100.0, 1000.0])
    naive = naive_logistic_loss(zs, float(y))
    stable = numerics.logistic_loss(zs, np.full_like(zs, y))

    def cell(value: float) -> str:
        if np.isnan(value):
            return "nan"
        if np.isinf(value):
            return "inf"
        return format_number(float(value), 4)

    rows = tuple(
        (format_number(z, 4), cell(n), cell(s)) for z, n, s in zip(zs, naive, stable, strict=True)
    )
    broken = int(np.sum(~np.isfinite(naive) | (naive == 0) & (stable > 0)))
    return Table(
        headers=("z", "naive −[y log σ(z) + (1−y) log(1−σ(z))]", "stable (logaddexp)"),
        rows=rows,
        caption=(
            f"The loss for label y = {y}. The naive formula breaks (inf, nan or a loss rounded to "
            f"0) at {broken} of these {len(zs)} logits; the stable one is finite and accurate "
            "at all of them."
        ),
    )


def computational_graph_table(**values: float) -> Table:
    """Forward value and backward gradient of every node of the two-feature graph.

    Examples
    --------
    >>> table = computational_graph_table()
    >>> table.rows[-1][0]
    'L = loss(a, y)'
    """
    nodes = computational_graph_values(**values)
    order = ["x1", "x2", "w1", "w2", "b", "p1", "p2", "z", "a", "L"]
    rows = tuple(
        (
            nodes[key].label,
            format_number(nodes[key].value, 4),
            "—" if nodes[key].grad is None else format_number(nodes[key].grad, 4),
        )
        for key in order
    )
    return Table(
        headers=("node", "forward value", "∂L/∂node (backward)"),
        rows=rows,
        caption=(
            f"The graph of the figure above with y = {format_number(nodes['y'].value)}: the "
            "forward pass fills the middle column from the inputs to the loss, the backward "
            "pass fills the last column from the loss back to the inputs."
        ),
    )


TABLES: dict[str, Callable[..., Table]] = {
    "gradient-check": gradient_check_table,
    "stable-vs-naive-loss": stable_vs_naive_loss_table,
    "computational-graph": computational_graph_table,
}


def render_table(name: str, **params: Any) -> Table:
    """The table called *name* in :data:`TABLES`, computed with *params*.

    Examples
    --------
    >>> render_table("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "no table named 'nope'; known: ..."
    """
    if name not in TABLES:
        raise KeyError(f"no table named '{name}'; known: {', '.join(sorted(TABLES))}")
    return TABLES[name](**params)
