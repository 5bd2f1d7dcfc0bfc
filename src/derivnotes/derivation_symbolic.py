"""A time-bounded attempt to prove two expressions equal with sympy.

Cheap strategies run first (expansion, cancellation of a common denominator, logarithm rules
that hold under the declared assumptions, rewriting in exponentials); ``simplify`` runs last and
only on small expressions. The deadline is checked between strategies; a strategy is skipped
when its input is too large to finish quickly. No signal-based alarms: this runs in any thread.

A proof here is "equal wherever both sides are defined" in sympy's sense (removable
singularities are cancelled), which is why it only runs after the numeric refutation found
nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import sympy as sp

__all__ = ["prove_equal"]

Strategy = tuple[str, Callable[[sp.Expr], sp.Expr], int]  # name, transform, max operations


def _cancel(expr: sp.Expr) -> sp.Expr:
    return sp.cancel(sp.together(expr))


def _logs(expr: sp.Expr) -> sp.Expr:
    return _cancel(sp.expand(sp.expand_log(expr)))


def _exp_powers(expr: sp.Expr) -> sp.Expr:
    """Write exp(a + b) as exp(a) exp(b) so that cancel sees the common generators."""
    expanded = sp.powsimp(sp.expand(expr, power_exp=True, mul=True, multinomial=False), combine="base")
    return _cancel(expanded)


def _rewrite_exp(expr: sp.Expr) -> sp.Expr:
    return _exp_powers(sp.expand_log(expr.rewrite(sp.exp)))


STRATEGIES: list[Strategy] = [
    ("expand", sp.expand, 400),
    ("cancel", _cancel, 300),
    ("expand_log + cancel", _logs, 250),
    ("exp(a+b) = exp(a) exp(b), cancel", _exp_powers, 250),
    ("rewrite in exp, cancel", _rewrite_exp, 150),
    ("simplify", sp.simplify, 60),
]


def _is_zero(expr: sp.Expr) -> bool:
    return expr == 0 or (expr.is_number and expr.is_zero is True)


def prove_equal(a: sp.Expr, b: sp.Expr, seconds: float = 0.3) -> str | None:
    """Try to show ``a == b`` symbolically; the name of the strategy that did, or None.

    Parameters
    ----------
    a, b:
        Expressions; unevaluated derivatives and sums are evaluated first.
    seconds:
        Budget; checked between strategies (a strategy already running is not interrupted, which
        is why each has a size limit).

    Examples
    --------
    >>> z = sp.Symbol("z", real=True)
    >>> sigma = lambda t: 1 / (1 + sp.exp(-t))
    >>> prove_equal(1 - sigma(z), sigma(-z))
    'cancel'
    >>> u, v = sp.symbols("u v", positive=True)
    >>> prove_equal(sp.log(u * v), sp.log(u) + sp.log(v))
    'expand'
    >>> x, y = sp.symbols("x y", real=True)
    >>> prove_equal(sp.log(x * y), sp.log(x) + sp.log(y)) is None
    True
    """
    deadline = time.perf_counter() + seconds
    try:
        diff = (a - b).doit() if (a.has(sp.Derivative, sp.Sum) or b.has(sp.Derivative, sp.Sum)) \
            else a - b
    except Exception:  # noqa: BLE001 - sympy raises many kinds here
        return None
    if _is_zero(diff):
        return "the difference evaluates to 0"
    if diff.has(sp.Sum, sp.Product, sp.Derivative, sp.Integral):
        return _prove_sums(diff, deadline)
    ops = sp.count_ops(diff)
    for name, transform, limit in STRATEGIES:
        if time.perf_counter() > deadline:
            return None
        if ops > limit:
            continue
        try:
            if _is_zero(transform(diff)):
                return name
        except Exception:  # noqa: BLE001,S112 - a failed strategy is just not a proof
            continue
    return None


def _prove_sums(diff: sp.Expr, deadline: float) -> str | None:
    """Sums over symbolic sizes: collect everything under one sum per index range and cancel."""
    try:
        combined = sp.simplify(diff) if sp.count_ops(diff) < 80 else None
    except Exception:  # noqa: BLE001
        combined = None
    if combined is not None and _is_zero(combined):
        return "simplify (sums)"
    if time.perf_counter() > deadline:
        return None
    return None
