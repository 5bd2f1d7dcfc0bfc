"""A time-bounded attempt to prove two expressions equal with sympy.

Cheap strategies run first (expansion, cancellation of a common denominator, logarithm rules
that hold under the declared assumptions, rewriting in exponentials); ``simplify`` runs last and
only on small expressions. The deadline is checked between strategies; a strategy is skipped
when its input is too large to finish quickly. No signal-based alarms: this runs in any thread.
The deadline counts this thread's CPU time, not wall time, so that a busy machine does not turn
a proof into a numeric verdict (decisions are cached and must not depend on the load).

A proof here is "equal wherever both sides are defined" in sympy's sense (removable
singularities are cancelled), which is why it only runs after the numeric refutation found
nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import sympy as sp
from sympy.core.parameters import global_parameters

from derivnotes.checker.clock import cpu_seconds

__all__ = ["canonical_bound", "constant_difference", "prove_equal"]

Strategy = tuple[str, Callable[[sp.Expr], sp.Expr], int]  # name, transform, max operations


def _cancel(expr: sp.Expr) -> sp.Expr:
    return sp.cancel(sp.together(expr))


def _logs(expr: sp.Expr) -> sp.Expr:
    return _cancel(sp.expand(sp.expand_log(expr)))


def _exp_powers(expr: sp.Expr) -> sp.Expr:
    """Write exp(a + b) as exp(a) exp(b) so that cancel sees the common generators."""
    expanded = sp.expand(expr, power_exp=True, mul=True, multinomial=False)
    expanded = sp.powsimp(expanded, combine="base")
    return _cancel(expanded)


def _rewrite_exp(expr: sp.Expr) -> sp.Expr:
    return _exp_powers(sp.expand_log(expr.rewrite(sp.exp)))


MAX_POWER = 12  # integer exponents above this are not expanded

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


def prove_equal(
    a: sp.Expr,
    b: sp.Expr,
    seconds: float = 0.3,
    index_ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]] | None = None,
) -> str | None:
    """Try to show ``a == b`` symbolically; the name of the strategy that did, or None.

    Parameters
    ----------
    a, b:
        Expressions; unevaluated derivatives are evaluated first.
    seconds:
        Budget; checked between strategies (a strategy already running is not interrupted, which
        is why each has a size limit).
    index_ranges:
        The declared range of each free index symbol (``k: index [1, n]``), used to collapse
        ``Sum(KroneckerDelta(j, k)*f(j), (j, 1, n))`` to ``f(k)``.

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
    deadline = cpu_seconds() + seconds
    if a.has(sp.Sum, sp.Product) or b.has(sp.Sum, sp.Product):
        try:
            return _prove_sums(a - b, index_ranges or {}, deadline)
        except Exception:
            return None
    try:
        diff = (a - b).doit() if (a.has(sp.Derivative) or b.has(sp.Derivative)) else a - b
    except Exception:
        return None
    if _is_zero(diff):
        return "the difference evaluates to 0"
    return _zero_by_strategies(diff, deadline)


def constant_difference(a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
    """``b - a`` when sympy's cheap rewritings show it is a nonzero constant, else None.

    Numeric sampling at 50 digits cannot see an offset of 1e-40; this can.

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> constant_difference(x, x + sp.Rational(1, 10**40))
    1/10000000000000000000000000000000000000000
    >>> constant_difference(x**2, x * x) is None
    True
    """
    diff = b - a
    if sp.count_ops(diff) > 200 or _max_power(diff) > MAX_POWER:
        return None
    for transform in (sp.expand, _cancel):
        try:
            value = transform(diff)
        except Exception:
            continue
        if value.is_number and value.is_zero is False and value.is_finite:
            return value
    return None


def _max_power(expr: sp.Expr) -> int:
    """The largest integer exponent in *expr* (expanding (1 + x)**500 would never finish)."""
    exponents = [abs(int(p.exp)) for p in expr.atoms(sp.Pow) if p.exp.is_Integer]
    return max(exponents, default=1)


def _zero_by_strategies(diff: sp.Expr, deadline: float) -> str | None:
    ops = sp.count_ops(diff)
    if _max_power(diff) > MAX_POWER:
        ops = max(ops, 10**6)  # only the cheap evaluation check is safe
    for name, transform, limit in STRATEGIES:
        if cpu_seconds() > deadline:
            return None
        if ops > limit:
            continue
        try:
            if _is_zero(transform(diff)):
                return name
        except Exception:
            continue
    return None


# -- sums over symbolic sizes ------------------------------------------------------------------
def canonical_bound(expr: sp.Basic, rebuild: bool = False) -> sp.Basic:
    """*expr* with its summation variables named by their nesting depth (see below); with
    *rebuild*, every node is also rebuilt with evaluation on, so that a form read unevaluated
    (``1*(1*x)``) compares equal to its evaluated form. Cached: a chain's start is compared with
    every display of the chain."""
    try:
        return _canonical_cached(expr, rebuild, bool(global_parameters.evaluate))
    except TypeError:  # not hashable: not cached
        return _canonical_cached.__wrapped__(expr, rebuild, bool(global_parameters.evaluate))


@functools.lru_cache(maxsize=1024)
def _canonical_cached(expr: sp.Basic, rebuild: bool, evaluating: bool) -> sp.Basic:
    try:
        return _canonical_bound(expr, 0, rebuild)
    except Exception:  # a class that cannot be rebuilt from its args: compare it as it is
        if not rebuild:
            raise
        return _canonical_bound(expr)


def _canonical_bound(expr: sp.Basic, depth: int = 0, rebuild: bool = False) -> sp.Basic:
    """Name every summation variable after its nesting depth, so equal sums compare equal.

    Examples
    --------
    >>> i, j, n = sp.symbols("i j n", integer=True)
    >>> x = sp.IndexedBase("x")
    >>> _canonical_bound(sp.Sum(x[i], (i, 1, n))) == _canonical_bound(sp.Sum(x[j], (j, 1, n)))
    True
    """
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    if isinstance(expr, (sp.Sum, sp.Product)):
        body = expr.function
        limits = [tuple(limit) for limit in expr.limits]
        for number, (var, _, _) in enumerate(expr.limits):
            new = sp.Symbol(f"_b{depth}_{number}", integer=True)
            body = body.xreplace({var: new})
            # inner limits (listed before this one) may run up to this variable: j <= i
            limits = [
                (v, lo.xreplace({var: new}), hi.xreplace({var: new})) if n < number else lim
                for n, lim in enumerate(limits)
                for v, lo, hi in [lim]
            ]
            limits[number] = (new, *limits[number][1:])
        limits = [
            (v, _canonical_bound(lo, depth, rebuild), _canonical_bound(hi, depth, rebuild))
            for v, lo, hi in limits
        ]
        return type(expr)(_canonical_bound(body, depth + 1, rebuild), *limits)
    args = [_canonical_bound(arg, depth, rebuild) for arg in expr.args]
    if rebuild or any(x is not y for x, y in zip(args, expr.args, strict=True)):
        return expr.func(*args)
    return expr


def _within(
    value: sp.Expr, lo: sp.Expr, hi: sp.Expr, ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]
) -> bool:
    """Whether *value* (an index or an integer) surely lies in [lo, hi]."""
    if value in ranges:
        v_lo, v_hi = ranges[value]
    elif value.is_Integer:
        v_lo = v_hi = value
    else:
        return False
    return bool((v_lo - lo).is_nonnegative and (hi - v_hi).is_nonnegative)


def _resolve_deltas(expr: sp.Basic, ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]]) -> sp.Basic:
    """``Sum(KroneckerDelta(j, k)*f(j), (j, lo, hi))`` -> ``f(k)`` when k surely lies in range."""
    if not isinstance(expr, sp.Basic) or not expr.args or not expr.has(sp.KroneckerDelta):
        return expr
    args = [_resolve_deltas(arg, ranges) for arg in expr.args]
    if any(x is not y for x, y in zip(args, expr.args, strict=True)):
        expr = expr.func(*args)
    if not (isinstance(expr, sp.Sum) and len(expr.limits) == 1):
        return expr
    var, lo, hi = expr.limits[0]
    kept, collapsed = [], []
    for term in sp.Add.make_args(sp.expand_mul(expr.function)):
        deltas = [
            f
            for f in sp.Mul.make_args(term)
            if isinstance(f, sp.KroneckerDelta) and var in f.free_symbols
        ]
        if len(deltas) == 1:
            first, second = deltas[0].args
            other = second if first == var else first
            if var not in other.free_symbols and _within(other, lo, hi, ranges):
                collapsed.append((term / deltas[0]).xreplace({var: other}))
                continue
        kept.append(term)
    rest = sp.Sum(sp.Add(*kept), (var, lo, hi)) if kept else sp.S.Zero
    return sp.Add(*collapsed) + rest


def _opaque(expr: sp.Expr) -> sp.Expr:
    """Replace every remaining sum by a symbol (equal sums by the same one)."""
    sums = sorted(expr.atoms(sp.Sum, sp.Product), key=sp.default_sort_key)
    return expr.xreplace({s: sp.Symbol(f"_s{n}", real=True) for n, s in enumerate(sums)})


def _prove_sums(
    diff: sp.Expr, ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]], deadline: float
) -> str | None:
    """Sums over symbolic sizes: differentiate under the sum, collapse Kronecker deltas, gather
    the sums with the same range into one, and cancel each summand."""
    expr = _canonical_bound(diff)
    if expr.has(sp.Derivative):
        expr = expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit(deep=False))
        expr = _canonical_bound(expr)
    if cpu_seconds() > deadline:
        return None
    expr = _resolve_deltas(expr, ranges)
    groups: dict[tuple, list[sp.Expr]] = {}
    rest: list[sp.Expr] = []
    for term in sp.Add.make_args(sp.expand(expr, deep=False)):
        factors = sp.Mul.make_args(term)
        sums = [f for f in factors if isinstance(f, sp.Sum)]
        if len(sums) == 1 and len(sums[0].limits) == 1:
            total = sums[0]
            coefficient = sp.Mul(*(f for f in factors if f is not total))
            if not coefficient.has(total.limits[0][0]):
                groups.setdefault(tuple(total.limits[0]), []).append(coefficient * total.function)
                continue
        rest.append(term)
    if cpu_seconds() > deadline:
        return None
    parts = [sp.Add(*rest)] + [sp.Add(*body) for body in groups.values()]
    for part in parts:
        part = _opaque(part)
        if _is_zero(part):
            continue
        if part.has(sp.Derivative):
            part = part.doit()
        if _zero_by_strategies(part, deadline) is None:
            return None
    return "sums gathered, Kronecker deltas collapsed, summands cancelled"
