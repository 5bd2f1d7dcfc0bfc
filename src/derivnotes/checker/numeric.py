"""High-precision randomized refutation: are two expressions equal on the declared domains?

Both expressions are evaluated with mpmath (50 significant digits by default) at points drawn
from the symbols' domains; a disagreement is confirmed at three times the precision (so that
cancellation in one of the formulas cannot fake it) before it counts as a refutation.

* Real symbols are sampled across magnitudes (see :mod:`derivnotes.checker.domains`), and on
  both sides of, and exactly at, every threshold the expressions contain: the kinks of ``Abs``,
  ``Max``, ``Min``, ``Heaviside`` and ``sign``, the zeros of denominators and of logarithms'
  arguments.
* Finite sets (``y: "{0, 1}"``) are sampled exhaustively when their product is small, so a step
  that is right for ``y = 0`` and wrong for ``y = 1`` is always caught.
* Sizes (``m, n: size``) are made concrete: every combination of 1, 2 and 3, then several
  configurations between 4 and 12 and one between 13 and 24; free indices (``k: index [1, n]``)
  take every value in small ranges and their ends plus random values in larger ones; every
  element of an indexed symbol (``x[i, j]``) gets its own random value, and only then are sums
  expanded (at most :data:`MAX_TERMS` terms) and derivatives taken.
* A point agrees only when the two values agree at a precision that resolves them: where an
  exponential of a large argument needs more digits than the first 50, the point is decided
  again with enough digits (up to :data:`MAX_DIGITS`); a point beyond that is skipped, never
  counted as agreement.
* Points where both sides are undefined (a logarithm of a negative number, a division by zero)
  are skipped; so are points where only the step before is undefined (a step may extend the
  domain). Where this step is undefined and the step before it is defined, persisting at higher
  precision, the step is refuted there: undefined is not agreement.
"""

from __future__ import annotations

import functools
import itertools
import math
import random
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import mpmath
import sympy as sp
from sympy.core.parameters import evaluate
from sympy.printing.pycode import MpmathPrinter

from derivnotes.checker.clock import cpu_seconds
from derivnotes.checker.domains import Domain

__all__ = [
    "DIGITS",
    "SIZE_VALUES",
    "NumericComparer",
    "NumericError",
    "Outcome",
    "free_symbols",
    "huge_constant",
    "rename_bound",
    "singular_parts",
]

DIGITS = 50  # significant digits of the first evaluation
HIGH_DIGITS = 150  # precision at which a disagreement is confirmed
MAX_DIGITS = 400  # points needing more digits (exp of large arguments) are skipped
SIZE_VALUES = (1, 2, 3)  # every combination of these is tried for the sizes
LARGER_SIZES = ((4, 8), (9, 12), (13, 24))  # then one configuration from each range
MAX_CONFIGS = 18  # size/index combinations per comparison
MAX_INDEX_VALUES = 6  # values of one free index per configuration (ends and random ones)
MAX_TERMS = 20000  # terms written out when sums are expanded
COMPARE_SECONDS = 6.0  # CPU time one comparison may take (then it stops with what it has)
MIN_POINTS = 8  # points a comparison needs to say anything
CONFIRM_CONFIGS = 6  # size/index configurations of the numeric second opinion on a proved step
LARGE_TERMS = 300  # ... at the larger sizes (a configuration needing more is left out)
MAX_DISCRETE = 512  # finite-set combinations sampled exhaustively up to this many

UNDEFINED = None  # the value of an expression where it is singular


class NumericError(ValueError):
    """An expression that cannot be evaluated numerically (the message says why)."""


class NotWhole(NumericError):
    """A sum's limit that is not a whole number at some sizes (``m/2`` at odd m)."""


class _Nowhere:
    """An expression undefined at every point of a configuration (a sum up to m/2, m odd)."""

    def __init__(self) -> None:
        self.variables: list[sp.Basic] = []
        self.symbols: list[sp.Symbol] = []
        self.expr = sp.S.Zero

    def __call__(self, point: Point, dps: int) -> None:
        return None

    def digits(self, point: Point) -> int:
        return 0


@dataclass
class Outcome:
    """What the numeric comparison of two expressions found.

    ``status`` is ``"agree"`` (no counterexample), ``"refuted"`` (see ``counterexample`` and
    ``values``) or ``"error"`` (see ``message``).
    """

    status: str
    points: int = 0
    skipped: int = 0
    counterexample: dict[str, str] | None = None
    values: tuple[str, str] | None = None
    message: str | None = None
    sizes: list[str] = field(default_factory=list)
    configurations: int = 1  # size/index combinations compared
    of: int = 1  # size/index combinations there are

    largest: int = 0  # the largest value a size took

    def describe(self, digits: int = DIGITS) -> str:
        """``not refuted at 64 points, 50 significant digits[, sizes m, n from 1 to 17]``."""
        noun = "point" if self.points == 1 else "points"
        text = f"not refuted at {self.points} {noun}, {digits} significant digits or more"
        if self.sizes:
            text += f", sizes {', '.join(self.sizes)} from 1 to {self.largest or max(SIZE_VALUES)}"
        if self.of > 1:
            every = "every one" if self.configurations == self.of else f"{self.configurations}"
            text += f" ({every} of {self.of} size/index combinations)"
        if self.skipped:
            text += (
                f" ({self.skipped} sampled points skipped: a side is undefined there, or more "
                "digits than the checker uses would be needed)"
            )
        return text


Point = dict[sp.Basic, str]  # variable -> decimal string


def rename_bound(expr: sp.Basic, integer: bool = False) -> sp.Basic:
    """Give every summation variable a fresh dummy so substituting a free index cannot reach it
    (an integer one with *integer*, else with the variable's own integer fact).

    Examples
    --------
    >>> k, n = sp.symbols("k n")
    >>> e = rename_bound(k + sp.Sum(k**2, (k, 1, n)))
    >>> k in e.free_symbols, len(e.atoms(sp.Dummy))
    (True, 1)
    """
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [rename_bound(arg, integer) for arg in expr.args]
    if isinstance(expr, (sp.Sum, sp.Product)):
        body, *limits = args
        limits = [tuple(limit) for limit in limits]
        for number, limit in enumerate(limits):
            var = limit[0]
            name = var.name if isinstance(var, sp.Symbol) else str(var)  # a Dummy's own name
            dummy = sp.Dummy(name, **({"integer": True} if integer else _facts(var)))
            body = body.xreplace({var: dummy})
            # inner limits (listed before this one) may run up to this variable: j <= i
            limits = [
                (v, lo.xreplace({var: dummy}), hi.xreplace({var: dummy})) if n < number else lim
                for n, lim in enumerate(limits)
                for v, lo, hi in [lim]
            ]
            limits[number] = (dummy, *limit[1:])
        return type(expr)(body, *limits)
    if any(a is not b for a, b in zip(args, expr.args, strict=True)):
        return expr.func(*args)
    return expr


def _facts(symbol: sp.Basic) -> dict[str, bool]:
    facts = {}
    if getattr(symbol, "is_integer", None):
        facts["integer"] = True
    return facts


def _to_mpf(text: str) -> mpmath.mpf:
    """A point coordinate (decimal text or a fraction p/q) at the working precision."""
    if "/" in text:
        p, q = text.split("/")
        return mpmath.mpf(p) / mpmath.mpf(q)
    return mpmath.mpf(text)


class _TooBig:
    """The value at a point beyond the evaluation guards (exp of an astronomic argument)."""

    def __repr__(self) -> str:
        return "TOO_BIG"


TOO_BIG = _TooBig()


class _NotReal:
    """The value of an expression that is complex there (log or root of a negative number)."""

    def __repr__(self) -> str:
        return "NOT_REAL"


NOT_REAL = _NotReal()


def _real(value: object) -> mpmath.mpf | _NotReal | None:
    """The value as a finite real mpf; NOT_REAL when complex; None when singular."""
    if isinstance(value, mpmath.mpc):
        if value.imag == 0 or abs(value.imag) <= abs(value) * mpmath.mpf(10) ** (
            -(mpmath.mp.dps * 4 // 5)
        ):
            value = value.real
        else:
            return NOT_REAL
    try:
        value = mpmath.mpf(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if not mpmath.isfinite(value):
        return None
    return value


def _number(value: object) -> bool:
    return value is not None and value is not NOT_REAL and value is not TOO_BIG


def _agree(a: mpmath.mpf, b: mpmath.mpf, tol: mpmath.mpf) -> bool:
    if a == b:
        return True
    return abs(a - b) <= tol * max(abs(a), abs(b))


def fmt(value: object, digits: int = 12) -> str:
    """A value for people: 12 significant digits, ``not a real number`` or ``undefined``.

    Examples
    --------
    >>> fmt(mpmath.mpf(1) / 3), fmt(None), fmt(NOT_REAL)
    ('0.333333333333', 'undefined', 'not a real number')
    """
    if value is None:
        return "undefined"
    if value is NOT_REAL:
        return "not a real number"
    return mpmath.nstr(value, digits)


def _numeric_derivative(
    inner: Callable[..., object], positions: list[int], orders: list[int]
) -> Callable[..., object]:
    """A function of the inner expression's arguments returning its partial derivative.

    The derivative is taken numerically by :func:`mpmath.diff`, which raises the working
    precision internally, so the result is accurate to about the working precision.
    """

    def call(*values: mpmath.mpf) -> object:
        def moved(*coords: mpmath.mpf) -> object:
            args = list(values)
            for position, coord in zip(positions, coords, strict=True):
                args[position] = coord
            return inner(*args)

        if len(positions) == 1:
            return mpmath.diff(moved, values[positions[0]], orders[0])
        return mpmath.diff(moved, tuple(values[p] for p in positions), tuple(orders))

    return call


def _lambdify(expr: sp.Expr, symbols: list[sp.Symbol]) -> Callable[..., object]:
    """Compile *expr* (a function of *symbols*) for mpmath; derivatives are taken numerically."""
    functions: dict[str, Callable[..., object]] = {}

    def replace(node: sp.Derivative) -> sp.Expr:
        inner = node.expr
        inner_symbols = sorted(inner.free_symbols, key=sp.default_sort_key)
        positions, orders = [], []
        for variable, count in node.variable_count:
            if variable not in inner.free_symbols:
                return sp.S.Zero
            if not isinstance(variable, sp.Symbol):
                raise NumericError(f"cannot differentiate with respect to {variable}")
            positions.append(inner_symbols.index(variable))
            orders.append(int(count))
        name = f"_d{len(functions)}"
        functions[name] = _numeric_derivative(_lambdify(inner, inner_symbols), positions, orders)
        return sp.Function(name)(*inner_symbols)

    if expr.has(sp.Derivative):
        expr = _replace_outer(expr, replace)
    names = {symbol: f"_a{n}" for n, symbol in enumerate(symbols)}
    text = _GuardedPrinter(names).doprint(expr)
    source = f"def _compiled({', '.join(names.values())}):\n    return ({text})\n"
    namespace = {**_namespace(), **functions}
    # what lambdify would do: the source is our printer's output, with every symbol renamed to
    # _aN and every function a sympy class or a declared (identifier-checked) name
    exec(compile(source, "<derivnotes step>", "exec"), namespace)
    return namespace["_compiled"]  # type: ignore[no-any-return]


@functools.cache
def _namespace() -> dict[str, object]:
    """The names compiled steps see: mpmath's, as ``lambdify`` gives them, and the guards."""
    probe = sp.lambdify([], sp.Integer(0), modules=[dict(_GUARDED), "mpmath"])
    return {**probe.__globals__, **_GUARDED, "_one": mpmath.mpf(1)}


_LARGEST_EXPONENT = [0.0]  # the largest |x| of exp(x) met during the current evaluation
_EXPONENT_RANGE = [0.0, 0.0]  # the smallest and largest real x of exp(x) met


def _note_exponent(x: object) -> float:
    """Remember the size of an exponential's argument; return |x|."""
    real = mpmath.re(x) if isinstance(x, mpmath.mpc) else x
    size = _size(real)
    if size > _LARGEST_EXPONENT[0]:
        _LARGEST_EXPONENT[0] = size
    if size <= HUGE:
        value = float(real)  # type: ignore[arg-type]
        _EXPONENT_RANGE[0] = min(_EXPONENT_RANGE[0], value)
        _EXPONENT_RANGE[1] = max(_EXPONENT_RANGE[1], value)
    return size


HUGE = 1e15  # larger arguments of exp, sin, ... (or exponents) make a point singular


def _size(x: object) -> float:
    """|x| as a float (inf when it does not fit)."""
    try:
        return float(abs(x))  # type: ignore[arg-type]
    except (OverflowError, TypeError, ValueError):
        return math.inf


def _tracked_exp(x: object) -> object:
    """mpmath's exp, remembering how large an argument was met (see :meth:`_Compiled.digits`).

    An astronomically large argument would make mpmath work for hours; such a point is
    singular (skipped), which is harmless: it could never be decided anyway.
    """
    if _note_exponent(x) > HUGE:
        raise OverflowError("exp of a huge argument")
    return mpmath.exp(x)


def _guard(function: Callable[[object], object]) -> Callable[[object], object]:
    """*function* refusing astronomically large arguments (argument reduction would hang)."""

    def guarded(x: object) -> object:
        if _size(x) > HUGE:
            raise OverflowError("a huge argument")
        return function(x)

    return guarded


def _guarded_pow(base: object, exponent: object) -> object:
    """``base ** exponent`` unless the result's exponent is astronomically large."""
    if isinstance(exponent, int) or (
        isinstance(exponent, mpmath.mpf) and exponent == int(exponent) and abs(exponent) <= 64
    ):
        return base**exponent  # type: ignore[operator]
    if base != 0 and _size(exponent) * abs(_size(mpmath.log(_size(base)))) > HUGE:
        raise OverflowError("a power with a huge exponent")
    return base**exponent  # type: ignore[operator]


def _tracked(function: Callable[[object], object], scale: int = 1) -> Callable[[object], object]:
    """*function* (sinh, cosh, tanh) remembering the size of the exponential it takes, as exp
    does (tanh(x) holds exp(2x): *scale* 2)."""

    def tracked(x: object) -> object:
        if _note_exponent(x * scale if scale != 1 else x) > HUGE:  # type: ignore[operator]
            raise OverflowError("a huge argument")
        return function(x)

    return tracked


_GUARDED: dict[str, Callable[..., object]] = {
    "exp": _tracked_exp,
    "_pow": _guarded_pow,
    **{name: _guard(getattr(mpmath, name)) for name in ("sin", "cos", "tan", "sec", "csc", "cot")},
    **{name: _tracked(getattr(mpmath, name)) for name in ("sinh", "cosh", "sech", "csch")},
    "tanh": _tracked(mpmath.tanh, 2),  # 1 - tanh(x) is about 2 exp(-2x)
}


class _GuardedPrinter(MpmathPrinter):
    """mpmath code in which powers go through :func:`_guarded_pow` and symbols print as the
    argument names given (no substitution over the expression needed). Sums and products are
    printed fully parenthesized, without sympy's ordering and precedence work: the code is read
    by Python only."""

    def __init__(self, names: dict[sp.Basic, str]) -> None:
        super().__init__(
            {
                "fully_qualified_modules": False,
                "inline": True,
                "allow_unknown_functions": True,
                "order": "none",
            }
        )
        self._names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = self._names.get(expr)
        return name if name is not None else super()._print_Symbol(expr)

    def _print_Add(self, expr: sp.Add, order: object = None) -> str:
        return "(" + " + ".join(self._print(arg) for arg in expr.args) + ")"

    def _print_Mul(self, expr: sp.Mul) -> str:
        return "(" + "*".join(self._print(arg) for arg in expr.args) + ")"

    def _print_Integer(self, expr: sp.Integer) -> str:
        return f"({expr.p})"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.exp == sp.S.Half:
            return f"sqrt({self._print(expr.base)})"
        if expr.exp == -1:  # _one is mpmath's 1: 1/3 stays exact to the working precision
            return f"_one/({self._print(expr.base)})"
        # an integer base as mpmath's: Python's 3**-2 would be a double
        base = f"mpf({expr.base.p})" if expr.base.is_Integer else self._print(expr.base)
        return f"_pow({base}, {self._print(expr.exp)})"


def _replace_outer(expr: sp.Basic, replace: Callable[[sp.Derivative], sp.Expr]) -> sp.Basic:
    """Replace the outermost derivatives of *expr* (their insides are compiled recursively)."""
    if isinstance(expr, sp.Derivative):
        return replace(expr)
    if not expr.args or not expr.has(sp.Derivative):
        return expr
    with evaluate(False):
        return expr.func(*(_replace_outer(arg, replace) for arg in expr.args))


class _Compiled:
    """One expression made concrete for one configuration, ready to evaluate.

    *expr* is free of sums and uses assumption-free symbols; ``Indexed`` elements (``x[1, 2]``)
    become plain symbols, derivatives are taken numerically (:func:`mpmath.diff`, at the working
    precision) and the rest is compiled with ``lambdify(..., modules="mpmath")``.
    ``variables`` are the block's own objects, in argument order.
    """

    def __init__(self, expr: sp.Expr, original: Callable[[sp.Basic], sp.Basic]) -> None:
        elements = sorted(expr.atoms(sp.Indexed), key=sp.default_sort_key)
        plain = {e: sp.Symbol(f"_e{n}") for n, e in enumerate(elements)}
        if plain:
            with evaluate(False):
                expr = expr.xreplace(plain)
        left = [cls.__name__ for cls in (sp.Sum, sp.Product, sp.Integral, sp.Subs) if expr.has(cls)]
        if left:
            raise NumericError(
                f"cannot evaluate {expr}: a {left[0]} is left after making sizes concrete "
                "(sum limits must be sizes or numbers)"
            )
        back = {v: k for k, v in plain.items()}
        self.symbols: list[sp.Symbol] = []
        symbols = sorted(
            (s for s in expr.free_symbols if isinstance(s, sp.Symbol)), key=sp.default_sort_key
        )
        self.expr = expr
        self.symbols = symbols
        self.variables: list[sp.Basic] = [original(back.get(s, s)) for s in symbols]
        try:
            self.function = _lambdify(expr, symbols)
        except NumericError:
            raise
        except Exception as exc:
            raise NumericError(f"cannot evaluate {expr}: {exc}") from exc
        self.cache: dict[tuple[int, tuple[str, ...]], object] = {}
        self.exponents: dict[tuple[str, ...], float] = {}

    def __call__(self, point: Point, dps: int) -> mpmath.mpf | _NotReal | None:
        key = (dps, tuple(point[v] for v in self.variables))
        if key in self.cache:
            return self.cache[key]
        _LARGEST_EXPONENT[0] = 0.0
        _EXPONENT_RANGE[:] = [0.0, 0.0]
        with mpmath.workdps(dps):
            try:
                raw = self.function(*(_to_mpf(x) for x in key[1]))
            except OverflowError:
                value = TOO_BIG
            except (ZeroDivisionError, ValueError, TypeError, ArithmeticError):
                value = UNDEFINED
            except RecursionError:
                value = TOO_BIG
            else:
                value = _real(raw)
        self.cache[key] = value
        spread = max(_LARGEST_EXPONENT[0], _EXPONENT_RANGE[1] - _EXPONENT_RANGE[0])
        self.exponents[key[1]] = max(self.exponents.get(key[1], 0.0), spread)
        return value

    def digits(self, point: Point) -> int:
        """Digits needed so that ``1 + exp(-x)`` keeps ``exp(-x)`` for the largest x met at
        *point* (0 when nothing large was met)."""
        largest = self.exponents.get(tuple(point[v] for v in self.variables), 0.0)
        return int(largest / math.log(10)) + 60


def singular_parts(expr: sp.Basic) -> set[sp.Basic]:
    """The denominators and logarithms' arguments of *expr*, where it may be undefined.

    Examples
    --------
    >>> a, y = sp.symbols("a y")
    >>> written = sp.Mul(a - y, sp.Pow(a, -1, evaluate=False), a, evaluate=False)
    >>> singular_parts(written), singular_parts(a - y)
    ({a}, set())
    """
    found = set()
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Pow) and node.exp.is_negative:
            found.add(node.base)
        elif isinstance(node, sp.log):
            found.add(node.args[0])
    return found


def free_symbols(expr: sp.Basic) -> set[sp.Basic]:
    """The free symbols of *expr*, counting those in the variables of derivatives (sympy's own
    ``free_symbols`` leaves out the ``k`` of ``Derivative(J, w[k])``).

    Examples
    --------
    >>> k, t = sp.symbols("k t")
    >>> w = sp.IndexedBase("w")
    >>> sorted(free_symbols(sp.Derivative(t * w[1], w[k])), key=str)
    [k, t, w, w[1], w[k]]
    """
    found = set(expr.free_symbols)
    for node in expr.atoms(sp.Derivative):
        for variable in node.variables:
            found |= variable.free_symbols
    return found


def huge_constant(expr: sp.Basic) -> sp.Basic | None:
    """A constant part of *expr* (such as ``exp(exp(exp(100)))``) too large to evaluate, or None.

    Examples
    --------
    >>> z = sp.Symbol("z")
    >>> huge_constant(sp.exp(sp.exp(sp.exp(100))) * z)
    exp(exp(exp(100)))
    >>> huge_constant(sp.exp(100) * z) is None
    True
    """
    stack = [expr]
    while stack:
        node = stack.pop()
        if not isinstance(node, sp.Basic) or not node.args:
            continue
        if not node.free_symbols and isinstance(node, (sp.exp, sp.Pow)):
            try:
                with mpmath.workdps(15):
                    _lambdify(node, [])()
            except OverflowError:
                return node
            except Exception:
                continue
            continue
        stack.extend(node.args)
    return None


def expand_finite(expr: sp.Basic, budget: list[int] | None = None) -> sp.Basic:
    """Write out every sum and product whose limits are integers, innermost first.

    *budget* (a one-element list) counts down the terms written; past it, :class:`NumericError`.

    Examples
    --------
    >>> x = sp.IndexedBase("x")
    >>> j = sp.Symbol("j")
    >>> expand_finite(sp.Sum(x[j] ** 2, (j, 1, 3)))
    x[1]**2 + x[2]**2 + x[3]**2
    >>> expand_finite(sp.Sum(x[j], (j, 1, 10**6)))
    Traceback (most recent call last):
    ...
    derivnotes.checker.numeric.NumericError: a sum or product of 1000000 terms is more than
    the 20000 the checker writes out; use a size (m: size) as its limit
    """
    if budget is None:
        budget = [MAX_TERMS]
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    if isinstance(expr, (sp.Sum, sp.Product)):
        body, *limits = expr.args
        if len(limits) > 1:  # Sum(f, (j, ...), (i, ...)): i is the outer variable
            body = type(expr)(body, *limits[:-1])  # (sympy would merge Sum(Sum(f, j), i) back)
        var, lo, hi = limits[-1]
        lo, hi = _concrete(expand_finite(lo, budget)), _concrete(expand_finite(hi, budget))
        if lo is None or hi is None:
            return type(expr)(expand_finite(body, budget), limits[-1])
        count = max(0, hi - lo + 1)
        budget[0] -= count
        if budget[0] < 0:
            raise NumericError(
                f"a sum or product of {count} terms is more than the {MAX_TERMS} the checker "
                "writes out; use a size (m: size) as its limit"
            )
        # outermost first, so that inner limits may depend on this variable (j <= i)
        terms = [
            expand_finite(body.xreplace({var: sp.Integer(v)}), budget) for v in range(lo, hi + 1)
        ]
        return sp.Add(*terms) if isinstance(expr, sp.Sum) else sp.Mul(*terms)
    args = [expand_finite(arg, budget) for arg in expr.args]
    if any(a is not b for a, b in zip(args, expr.args, strict=True)):
        return expr.func(*args)
    return expr


def _concrete(limit: sp.Basic) -> int | None:
    """A sum's limit as an int when it is a number (``T - 1`` once T is 3), else None."""
    if limit.is_Integer:
        return int(limit)
    if limit.free_symbols:
        return None
    with evaluate(True):
        value = limit.doit()
    if not value.is_Integer:
        if value.is_number:
            raise NotWhole(f"the sum limit {limit} is not a whole number")
        return None
    return int(value)


class NumericComparer:
    """Compares expressions numerically on the domains of one derivation block.

    Parameters
    ----------
    domains:
        Domain of every declared symbol (``Symbol``) and array (``IndexedBase``).
    labels:
        How each of them is named in counterexamples.
    seed:
        Makes the sampled points reproducible.

    Examples
    --------
    >>> from derivnotes.checker.domains import parse_domain
    >>> z = sp.Symbol("z", real=True)
    >>> cmp = NumericComparer({z: parse_domain("real")}, {z: "z"})
    >>> cmp.compare(1 - 1 / (1 + sp.exp(-z)), 1 / (1 + sp.exp(z))).status
    'agree'
    >>> cmp.compare(sp.log(z**2), 2 * sp.log(z)).status
    'refuted'
    """

    def __init__(
        self,
        domains: dict[sp.Basic, Domain],
        labels: dict[sp.Basic, str] | None = None,
        seed: int = 0,
        digits: int = DIGITS,
    ) -> None:
        self.domains = domains
        self.labels = labels or {k: str(k) for k in domains}
        self.seed = seed
        self.digits = digits
        self.tol = mpmath.mpf(10) ** (-(digits - 15))
        self.high_tol = mpmath.mpf(10) ** (-(digits // 2))
        self.sizes = {s for s, d in domains.items() if d.kind == "size"}
        self.indices = {s: d for s, d in domains.items() if d.kind == "index"}
        self.arrays = {s: d for s, d in domains.items() if isinstance(s, sp.IndexedBase)}
        self._compiled: dict[tuple[sp.Basic, tuple], _Compiled] = {}
        self._order = {k: n for n, k in enumerate(domains)}
        self._plain: dict[sp.Basic, sp.Basic] = {}
        for obj in domains:
            if isinstance(obj, sp.IndexedBase):
                self._plain[obj] = sp.IndexedBase(str(obj.label))
            else:
                self._plain[obj] = sp.Symbol(obj.name)
        self._unplain = {v: k for k, v in self._plain.items()}
        self._prepared_cache: dict[sp.Basic, sp.Basic] = {}
        self._threshold_cache: dict[tuple[_Compiled, ...], list[Threshold]] = {}
        self.last_total = 1

    # -- configurations ------------------------------------------------------------------
    def configurations(self, exprs: Iterable[sp.Basic]) -> tuple[list[dict], list[sp.Symbol]]:
        """The size/index assignments at which *exprs* are compared (``[{}]`` when none).

        Every combination of the sizes in {1, 2, 3} first, then a few larger configurations
        (:data:`LARGER_SIZES`); free indices take the ends of their ranges and a few values
        between.
        """
        free: set[sp.Basic] = set()
        for expr in exprs:
            free |= free_symbols(expr)
        indices = sorted((s for s in free if s in self.indices), key=str)
        sizes = {s for s in free if s in self.sizes}
        for index in indices:
            domain = self.indices[index]
            sizes |= (domain.lo.free_symbols | domain.hi.free_symbols) & self.sizes
        size_list = sorted(sizes, key=str)
        rng = random.Random(self.seed + 17)
        combos = list(itertools.product(SIZE_VALUES, repeat=len(size_list)))
        if len(combos) > MAX_CONFIGS // 2:
            combos = combos[:1] + rng.sample(combos[1:], MAX_CONFIGS // 2 - 1)
        if size_list:
            for lo, hi in LARGER_SIZES:
                combos.append(tuple(rng.randint(lo, hi) for _ in size_list))
            for value in _size_thresholds(exprs):  # just past a kink such as min(t, 50)
                combos.append(tuple(value for _ in size_list))
        configs: list[dict] = []
        for combo in combos:
            env = {s: sp.Integer(v) for s, v in zip(size_list, combo, strict=True)}
            ranges = []
            for index in indices:
                domain = self.indices[index]
                lo, hi = _concrete(domain.lo.xreplace(env)), _concrete(domain.hi.xreplace(env))
                if lo is None or hi is None:
                    raise NumericError(
                        f"the range [{domain.lo}, {domain.hi}] of index {index} does not "
                        "become concrete when the sizes are"
                    )
                if hi - lo + 1 <= MAX_INDEX_VALUES:
                    values = list(range(lo, hi + 1))
                else:
                    middle = rng.sample(range(lo + 1, hi), MAX_INDEX_VALUES - 2)
                    values = [lo, *sorted(middle), hi]
                ranges.append([sp.Integer(v) for v in values])
            assignments = list(itertools.product(*ranges))
            if max(combo, default=0) > max(SIZE_VALUES) and len(assignments) > 2:
                assignments = [assignments[0], assignments[-1]]  # larger sizes: two each
            for values in assignments:
                configs.append({**env, **dict(zip(indices, values, strict=True))})
        total = len(configs)
        if len(configs) > MAX_CONFIGS:
            small = [c for c in configs if max((int(v) for v in c.values()), default=0) <= 3]
            large = [c for c in configs if c not in small]
            keep = max(MAX_CONFIGS - len(large), MAX_CONFIGS // 2)
            if len(small) > keep:
                small = small[:1] + rng.sample(small[1:], keep - 1)
            configs = small + large[: MAX_CONFIGS - len(small)]
        configs.sort(key=lambda c: (sum(int(v) for v in c.values()), str(c)))
        self.last_total = total
        return configs or [{}], size_list

    def _prepared(self, expr: sp.Basic) -> sp.Basic:
        """*expr* with fresh summation variables and assumption-free symbols (cached)."""
        prepared = self._prepared_cache.get(expr)
        if prepared is None:
            with evaluate(False):  # an expression as written keeps its a/a
                prepared = rename_bound(expr) if expr.has(sp.Sum, sp.Product) else expr
                prepared = prepared.xreplace(self._plain)
            self._prepared_cache[expr] = prepared
        return prepared

    def _original(self, plain: sp.Basic) -> sp.Basic:
        if isinstance(plain, sp.Indexed):
            return sp.Indexed(self._unplain.get(plain.base, plain.base), *plain.indices)
        return self._unplain.get(plain, plain)

    def compile(self, expr: sp.Basic, config: dict, terms: int = MAX_TERMS) -> _Compiled:
        """*expr* with sizes and indices made concrete, sums expanded (at most *terms* terms),
        derivatives taken."""
        key = (expr, tuple(sorted(((str(k), int(v)) for k, v in config.items()))))
        if key in self._compiled:
            return self._compiled[key]
        concrete = self._prepared(expr)
        with evaluate(False):
            if config:
                concrete = concrete.xreplace({self._plain[k]: v for k, v in config.items()})
            if concrete.has(sp.Sum, sp.Product):
                try:
                    concrete = expand_finite(concrete, [terms])
                except NotWhole:
                    self._compiled[key] = _Nowhere()  # type: ignore[assignment]
                    return self._compiled[key]
            # x[t + 1] at t = 1 is the element x[2]: evaluate every concrete index
            uneven = {
                e: e.indices
                for e in concrete.atoms(sp.Indexed)
                if any(not i.is_Integer and not i.free_symbols for i in e.indices)
            }
            if uneven:
                with evaluate(True):
                    fixes = {e: e.base[tuple(i.doit() for i in idx)] for e, idx in uneven.items()}
                concrete = concrete.xreplace(fixes)
        compiled = _Compiled(concrete, self._original)
        for variable in compiled.variables:
            if self._domain(variable) is None:
                raise NumericError(
                    f"'{variable}' has no declared domain (is it a summation index used outside "
                    "its sum?)"
                )
        self._compiled[key] = compiled
        return compiled

    def _thresholds_of(self, *compiled: _Compiled) -> list[Threshold]:
        """:func:`_thresholds` of compiled expressions, once per pair (compiled objects are
        cached, so a chain's steps and their displays meet the same pairs again)."""
        found = self._threshold_cache.get(compiled)
        if found is None:
            found = self._threshold_cache[compiled] = _thresholds(*compiled)
        return found

    def _domain(self, variable: sp.Basic) -> Domain | None:
        if isinstance(variable, sp.Indexed):
            return self.arrays.get(variable.base)
        domain = self.domains.get(variable)
        if domain is not None and domain.kind in ("size", "index"):
            return None
        return domain

    def _label(self, variable: sp.Basic) -> str:
        if isinstance(variable, sp.Indexed):
            base = self.labels.get(variable.base, str(variable.base))
            return f"{base}[{','.join(str(i) for i in variable.indices)}]"
        return self.labels.get(variable, str(variable))

    def _sort_key(self, variable: sp.Basic) -> tuple:
        if isinstance(variable, sp.Indexed):
            return (self._order.get(variable.base, 10**6), [str(i) for i in variable.indices])
        return (self._order.get(variable, 10**6), [])

    # -- points --------------------------------------------------------------------------
    def points(
        self,
        variables: Sequence[sp.Basic],
        count: int,
        salt: str,
        thresholds: Sequence[Threshold] = (),
        exhaustive: bool = True,
        twice: bool = True,
    ) -> list[Point]:
        """Reproducible points: finite sets exhaustively (when small; each combination *twice*
        when there are few), the rest at random, and one point in :data:`THRESHOLD_EVERY` placed
        at or beside one of the *thresholds*."""
        names = ",".join(self._label(v) for v in variables)
        rng = random.Random(self.seed ^ zlib.crc32(f"{names}|{salt}".encode()))
        discrete = [v for v in variables if self._domain(v).discrete]  # type: ignore[union-attr]
        continuous = [v for v in variables if v not in discrete]
        total = math.prod(len(self._domain(v).values) for v in discrete)  # type: ignore[union-attr]
        if total <= MAX_DISCRETE:
            combos = list(
                itertools.product(*(self._domain(v).values for v in discrete))  # type: ignore[union-attr]
            )
        elif total <= 64 * MAX_DISCRETE:
            every = list(
                itertools.product(*(self._domain(v).values for v in discrete))  # type: ignore[union-attr]
            )
            combos = rng.sample(every, MAX_DISCRETE)
        else:
            combos = [
                tuple(rng.choice(self._domain(v).values) for v in discrete)  # type: ignore[union-attr]
                for _ in range(MAX_DISCRETE)
            ]
        if not exhaustive:
            rng.shuffle(combos)
        elif not continuous:
            count = len(combos)
        elif len(combos) > 1:
            count = max(count, len(combos) * (2 if twice and len(combos) <= 32 else 1))
        points = []
        for n in range(count):
            combo = combos[n % len(combos)]
            point: Point = {v: _decimal(value) for v, value in zip(discrete, combo, strict=True)}
            # every other point is moderate; the others send one or two coordinates across
            # magnitudes, so each variable's extremes are met while the rest stay evaluable
            wide = set()
            if n % 2 == 1 and continuous:
                wide = {rng.choice(continuous)}
                wide |= {v for v in continuous if rng.random() < 1.0 / len(continuous)}
            for v in continuous:
                value = self._domain(v).sample(rng, v in wide)  # type: ignore[union-attr]
                text = f"{value:.6g}"
                if not self._domain(v).contains(float(text)):  # type: ignore[union-attr]
                    text = repr(value)  # 0.99999999 near the end of (0, 1) stays inside
                point[v] = text
            if thresholds and continuous and n % THRESHOLD_EVERY == THRESHOLD_EVERY - 1:
                self._at_threshold(point, thresholds[(n // THRESHOLD_EVERY) % len(thresholds)], rng)
            points.append(point)
        return points

    def _at_threshold(self, point: Point, threshold: Threshold, rng: random.Random) -> None:
        """Move one coordinate of *point* onto, or just beside, a threshold (in place)."""
        variable, _, inputs, singular = threshold
        domain = self._domain(variable)
        found = _root_at(threshold, point)
        if found is None and inputs:
            found = self._scaled_to_threshold(threshold, point)
        if domain is None or domain.discrete or found is None:
            return
        exact, at = found
        # exactly on a singularity (a zero of a denominator); beside a kink, where a derivative
        # does not exist and Heaviside(0) is a convention
        scale = abs(at) if at != 0 else 1.0
        offsets = (1e-3, -1e-3, 1e-7, -1e-7, 0.3, -0.3)
        if singular and rng.random() < 0.4:
            if domain.contains(at):
                point[variable] = exact
            return
        value = at + rng.choice(offsets) * scale
        if domain.contains(value):
            point[variable] = repr(value)

    def _scaled_to_threshold(self, threshold: Threshold, point: Point) -> tuple[str, float] | None:
        """A threshold that lies on a curve (``sqrt(x**2 + y**2) = 1e-12``) has no root in one
        variable at most values of the others: scale the others down by powers of 100 until it
        has, and move them there (in place). The root at the new point, or None."""
        _, _, inputs, _ = threshold
        for power in range(2, 24, 2):
            trial = dict(point)
            for other in inputs:
                domain = self._domain(other)
                value = float(point[other]) * 10.0**-power
                if domain is None or domain.discrete or not domain.contains(value):
                    return None
                trial[other] = repr(value)
            found = _root_at(threshold, trial)
            if found is not None:
                point.update((other, trial[other]) for other in inputs)
                return found
        return None

    # -- comparing -----------------------------------------------------------------------
    def compare(
        self, a: sp.Basic, b: sp.Basic, budget: int = 64, salt: str = "", confirm: bool = False
    ) -> Outcome:
        """Look for a point of the domains where *a* and *b* differ.

        *a* is the reference (the step before, or a step's expr); *b* is refuted where it
        differs from *a*, and also where it is undefined while *a* is defined.

        Parameters
        ----------
        a, b:
            The expressions (as parsed: may contain sums over sizes and derivatives).
        budget:
            About how many points to compare in all (spread over the size configurations).
        confirm:
            A second opinion on a step sympy has proved: sizes up to 3 only, at most
            :data:`CONFIRM_CONFIGS` of their configurations, fewer points per configuration.
        """
        try:
            configs, sizes = self.configurations([a, b])
        except NumericError as exc:
            return Outcome("error", message=str(exc))
        small = [c for c in configs if max((int(v) for v in c.values()), default=0) <= 3]
        per_config = max(8, math.ceil(budget / max(1, len(small))))
        if confirm:
            if len(small) > CONFIRM_CONFIGS:  # the smallest, the largest and a few between
                rng = random.Random(self.seed ^ zlib.crc32(f"confirm|{salt}".encode()))
                between = rng.sample(small[1:-1], CONFIRM_CONFIGS - 2)
                small = [small[0], *(c for c in small[1:-1] if c in between), small[-1]]
            configs = small
            per_config = max(MIN_POINTS // 2, math.ceil(budget / max(1, len(small))))
        compared = skipped = 0
        deadline = cpu_seconds() + COMPARE_SECONDS
        for config in configs:
            if cpu_seconds() > deadline:
                break
            large = config not in small
            try:
                terms = LARGE_TERMS if large else MAX_TERMS
                fa, fb = self.compile(a, config, terms), self.compile(b, config, terms)
            except NumericError as exc:
                if large:
                    continue  # too many terms at this size: the smaller sizes decide
                return Outcome("error", message=str(exc), sizes=[str(s) for s in sizes])
            variables = sorted(set(fa.variables) | set(fb.variables), key=self._sort_key)
            thresholds = self._thresholds_of(fa, fb)
            count = 4 if large else per_config
            points = self.points(
                variables, count, salt, thresholds, exhaustive=not large, twice=not confirm
            )
            for point in points:
                if cpu_seconds() > deadline and compared >= MIN_POINTS:
                    break
                verdict = self._judge(fa, fb, point)
                if verdict == "agree":
                    compared += 1
                    continue
                if verdict == "skip":
                    skipped += 1
                    continue
                if self._confirmed(fa, fb, point, variables):
                    return self._refutation(fa, fb, point, variables, config, sizes, compared)
                skipped += 1
        if compared == 0:
            return Outcome(
                "error",
                skipped=skipped,
                message=(
                    f"no sampled point ({skipped}) has both sides defined (a real, finite value); "
                    "check the declared domains"
                ),
                sizes=[str(s) for s in sizes],
            )
        if compared < MIN_POINTS and cpu_seconds() > deadline:
            return Outcome(
                "error",
                message=(
                    f"only {compared} point(s) could be compared in {COMPARE_SECONDS:g} s of CPU "
                    "time; make the step smaller (split it, or name parts of it under define)"
                ),
                sizes=[str(s) for s in sizes],
            )
        return Outcome(
            "agree",
            points=compared,
            skipped=skipped,
            sizes=[str(s) for s in sizes],
            configurations=len(configs),
            of=max(self.last_total, len(configs)),
            largest=max(
                (int(v) for c in configs for k, v in c.items() if k in self.sizes), default=0
            ),
        )

    def undefined_as_written(self, a: sp.Basic, written: sp.Basic, salt: str = "") -> Outcome:
        """Refuted where *written* (a step as written, unsimplified) is undefined exactly at a
        zero of one of its denominators or logarithms' arguments while *a* is defined there."""
        try:
            configs, sizes = self.configurations([a, written])
        except NumericError as exc:
            return Outcome("error", message=str(exc))
        # a denominator made of sizes and indices, zero at some configuration: m - 1 at m = 1
        discrete = set(self.sizes) | set(self.indices)
        parts = [
            g for g in singular_parts(written) if g.free_symbols and g.free_symbols <= discrete
        ]
        for config in configs:
            with evaluate(True):
                if not any(g.xreplace(config).doit() == 0 for g in parts):
                    continue
            try:
                fa = self.compile(a, config, LARGE_TERMS)
                fb = self.compile(written, config, LARGE_TERMS)
            except NumericError:
                continue
            variables = sorted(set(fa.variables) | set(fb.variables), key=self._sort_key)
            for point in self.points(variables, 4, salt, exhaustive=False):
                if _number(fa(point, self.digits)) and self._differs(fa, fb, point):
                    return self._refutation(fa, fb, point, variables, config, sizes, 0)
        for config in configs[:6]:
            try:
                fa, fb = (
                    self.compile(a, config, LARGE_TERMS),
                    self.compile(written, config, LARGE_TERMS),
                )
            except NumericError:
                continue
            singular = [t for t in self._thresholds_of(fb) if t[3]]
            if not singular:
                continue
            variables = sorted(set(fa.variables) | set(fb.variables), key=self._sort_key)
            rng = random.Random(self.seed ^ zlib.crc32(f"written|{salt}".encode()))
            for point in self.points(variables, 4 * len(singular), salt, exhaustive=False):
                threshold = singular[rng.randrange(len(singular))]
                variable = threshold[0]
                domain = self._domain(variable)
                found = _root_at(threshold, point)
                if domain is None or domain.discrete or found is None:
                    continue
                if not domain.contains(found[1]):
                    continue
                point[variable] = found[0]
                va, vb = fa(point, self.digits), fb(point, self.digits)
                if _number(va) and vb is None and self._differs(fa, fb, point):
                    return self._refutation(fa, fb, point, variables, config, sizes, 0)
        return Outcome("agree")

    def _judge(self, fa: _Compiled, fb: _Compiled, point: Point) -> str:
        """``agree``, ``differ`` (to be confirmed) or ``skip`` (nothing can be said here)."""
        va, vb = fa(point, self.digits), fb(point, self.digits)
        if va is TOO_BIG or vb is TOO_BIG:
            return "skip"
        needed = max(fa.digits(point), fb.digits(point))
        if _number(va) and _number(vb):
            if needed <= self.digits + 30 and _agree(va, vb, self.tol):  # at most 20 digits lost
                return "agree"
            if needed > MAX_DIGITS:
                return "skip"  # too extreme to resolve: never counted as agreement
            digits = max(HIGH_DIGITS, needed + 40)
            ha, hb = fa(point, digits), fb(point, digits)
            if _number(ha) and _number(hb) and _agree(ha, hb, self._tolerance(digits, needed)):
                return "agree"
            return "differ"
        if not _number(va) and not _number(vb):
            return "skip"
        if not _number(va):
            # the reference is undefined here: this side may extend it, unless only rounding
            # made the reference undefined; then compare at the higher precision
            digits = max(HIGH_DIGITS, min(needed + 40, MAX_DIGITS))
            ha, hb = fa(point, digits), fb(point, digits)
            if _number(ha) and _number(hb):
                return "agree" if _agree(ha, hb, self._tolerance(digits, needed)) else "differ"
            return "skip"
        return "differ"  # defined before, undefined (or not real) here

    def _tolerance(self, digits: int, needed: int) -> mpmath.mpf:
        """Relative agreement at *digits*, when up to *needed* - 60 digits cancel."""
        lost = max(0, needed - 60)
        return mpmath.mpf(10) ** (-max(self.digits // 2, digits - lost - 30))

    def _differs(self, fa: _Compiled, fb: _Compiled, point: Point) -> bool:
        """Whether *a* and *b* really differ at *point* (not a rounding artefact).

        Both are evaluated at two precisions that resolve the point (more digits where an
        exponential of a large argument is met); two numbers differ when they disagree at both
        by the same amount (so the difference is not rounding noise). Where *a* is defined, *b*
        differs when it is undefined or not real at both precisions. A point beyond the
        evaluation guards, or needing more than :data:`MAX_DIGITS`, is never a difference.
        """
        fa(point, self.digits)
        fb(point, self.digits)
        needed = max(fa.digits(point), fb.digits(point))
        if needed > MAX_DIGITS:
            return False
        low = max(HIGH_DIGITS, needed + 40)
        high = low + 60
        va, vb = fa(point, low), fb(point, low)
        ha, hb = fa(point, high), fb(point, high)
        if any(v is TOO_BIG for v in (va, vb, ha, hb)):
            return False
        if _number(ha) and _number(hb):
            if _agree(ha, hb, self._tolerance(high, needed)):
                return False
            if not (_number(va) and _number(vb)):
                # singular at the lower precision only: decide at a still higher one
                top = 2 * high
                ta, tb = fa(point, top), fb(point, top)
                if not (_number(ta) and _number(tb)):
                    return False
                va, vb, ha, hb = ha, hb, ta, tb
            first, second = va - vb, ha - hb
            return abs(first - second) <= abs(second) * mpmath.mpf("1e-6")
        # a defined, b undefined or not real, at both precisions
        return _number(va) and _number(ha) and not _number(vb) and not _number(hb)

    def _confirmed(
        self, fa: _Compiled, fb: _Compiled, point: Point, variables: Sequence[sp.Basic]
    ) -> bool:
        """A confirmed difference; where *b* is not real (rather than undefined), only if that
        persists nearby (a root of a number that is negative only by rounding)."""
        if not self._differs(fa, fb, point):
            return False
        hb = fb(point, HIGH_DIGITS)
        if _number(hb) or hb is None:
            return True
        continuous = [v for v in variables if not self._domain(v).discrete]  # type: ignore[union-attr]
        if not continuous:
            return True
        rng = random.Random(zlib.crc32(repr(sorted(point.values())).encode()))
        for _ in range(3):
            near = dict(point)
            for v in continuous:
                value = self._domain(v).nudge(float(point[v]), rng)  # type: ignore[union-attr]
                near[v] = f"{value:.8g}"
            if not self._differs(fa, fb, near):
                return False
        return True

    def _refutation(
        self,
        fa: _Compiled,
        fb: _Compiled,
        point: Point,
        variables: Sequence[sp.Basic],
        config: dict,
        sizes: list[sp.Symbol],
        compared: int,
    ) -> Outcome:
        point = self._rounder(fa, fb, point, variables)
        counterexample = {
            str(k): str(v)
            for k, v in sorted(config.items(), key=lambda kv: (kv[0] not in self.sizes, str(kv[0])))
        }
        for v in variables:
            counterexample[self._label(v)] = point[v]
        values = _distinct(fa, fb, point)
        return Outcome(
            "refuted",
            points=compared + 1,
            counterexample=counterexample,
            values=values,
            sizes=[str(s) for s in sizes],
        )

    def _rounder(
        self, fa: _Compiled, fb: _Compiled, point: Point, variables: Sequence[sp.Basic]
    ) -> Point:
        """The counterexample with its coordinates rounded as far as it stays one."""
        continuous = [v for v in variables if not self._domain(v).discrete]  # type: ignore[union-attr]
        for digits in (1, 2, 3):
            rounded = dict(point)
            for v in continuous:
                value = float(f"{float(point[v]):.{digits}g}")
                if not self._domain(v).contains(value):  # type: ignore[union-attr]
                    break
                rounded[v] = f"{value:g}"
            else:
                if self._confirmed(fa, fb, rounded, variables):
                    return rounded
        return point


# variable, root, its inputs, whether the expression is undefined there (not a kink)
Threshold = tuple[sp.Basic, Callable[..., float], list[sp.Basic], bool]
MAX_THRESHOLDS = 12
THRESHOLD_EVERY = 6  # one point in this many sits on or beside a threshold


def _thresholds(*compiled: _Compiled) -> list[Threshold]:
    """Where the expressions change behaviour: kinks of Abs, Max, Min, Heaviside and sign, zeros
    of denominators and of logarithms' arguments. Each as (variable, root, inputs): the value
    of *variable* that puts the expression on its threshold, given the other *inputs*.

    Examples
    --------
    >>> z, w = sp.symbols("z w")
    >>> compiled = _Compiled(sp.Max(z, 30) + 1 / (w - 1), lambda s: s)
    >>> sorted((str(t[0]), int(t[1](*[2.0] * len(t[2])))) for t in _thresholds(compiled))
    [('w', 1), ('z', 30)]
    """
    found: list[Threshold] = []
    seen: dict[sp.Basic, int] = {}
    for fc in compiled:
        to_variable = dict(zip(fc.symbols, fc.variables, strict=True))
        for g, singular in _kinks(fc.expr):
            if len(found) >= MAX_THRESHOLDS:
                return found
            if g in seen:
                if singular:  # a kink that is also a singularity: compare exactly there too
                    variable, function, inputs, _ = found[seen[g]]
                    found[seen[g]] = (variable, function, inputs, True)
                continue
            if not g.free_symbols or len(g.free_symbols) > 4 or g.count_ops() > 30:
                continue
            solved = _solved(g)
            if solved is not None and all(s in to_variable for s in (solved[0], *solved[2])):
                symbol, function, inputs = solved
                seen[g] = len(found)
                found.append(
                    (to_variable[symbol], function, [to_variable[i] for i in inputs], singular)
                )
    return found


@functools.lru_cache(maxsize=4096)
def _solved(g: sp.Expr) -> tuple[sp.Symbol, Callable[..., float], list[sp.Symbol]] | None:
    """(symbol, root, inputs): the value of one of *g*'s symbols that makes it zero, as a
    function of the other *inputs* (cached: a chain meets the same thresholds at every size)."""
    # prefer a symbol whose root needs no division (y = w*x is exact in decimals)
    symbols = {s for s in g.free_symbols if isinstance(s, sp.Symbol)}
    candidates = sorted(symbols, key=lambda s: (not sp.diff(g, s).is_number, str(s)))
    for symbol in candidates:
        root = _root(g, symbol)
        if root is None:
            continue
        inputs = sorted(root.free_symbols & symbols, key=str)
        try:
            function = sp.lambdify(inputs, root, modules="mpmath")
        except Exception:
            continue
        return symbol, function, inputs
    return None


def _size_thresholds(exprs: Iterable[sp.Basic]) -> list[int]:
    """Whole numbers just past the numeric thresholds of kinks whose variables are sizes or
    summation variables (``Min(t, 50)`` in a sum up to T: T = 51), at most three."""
    found: set[int] = set()
    for expr in exprs:
        for g, _ in _kinks(expr):
            symbols = g.free_symbols
            if not symbols or len(symbols) > 1 or g.count_ops() > 30:
                continue
            (symbol,) = symbols
            if not getattr(symbol, "is_integer", False):
                continue
            root = _root(g, symbol)
            if root is None or not root.is_number:
                continue
            try:
                value = float(root)
            except (TypeError, ValueError):
                continue
            if max(SIZE_VALUES) < value < MAX_TERMS:
                found.add(math.floor(value) + 1)
    return sorted(found)[:3]


def _root_at(threshold: Threshold, point: Point) -> tuple[str, float] | None:
    """Where *threshold* puts its variable, given the rest of *point*: as 60-digit text (exact
    when the root is a product of the point's decimals) and as a float; None if it cannot."""
    _, root, inputs, _ = threshold
    if any(i not in point for i in inputs):
        return None
    try:
        with mpmath.workdps(60):
            value = root(*(_to_mpf(point[i]) for i in inputs))
            if isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
                return None
            text = mpmath.nstr(mpmath.mpf(value), 60, strip_zeros=True)
        return text, float(value)
    except (ArithmeticError, ValueError, TypeError, OverflowError):
        return None


def _root(g: sp.Expr, symbol: sp.Symbol) -> sp.Expr | None:
    """The value of *symbol* at which *g* is zero, as an expression of the other symbols: by
    hand when *g* is linear in it, else by sympy's solver (small expressions only)."""
    slope = sp.diff(g, symbol)
    if slope != 0 and symbol not in slope.free_symbols:
        root = sp.expand(symbol - g / slope)
        return None if symbol in root.free_symbols else root
    if g.count_ops() > 15 or len(g.free_symbols) > 2:
        return None
    powers = [q.exp for q in g.atoms(sp.Pow)]
    if any(not (e.is_Rational and abs(e) <= 4) for e in powers):
        return None  # p**(10**10) has ten billion roots: sympy's solver would never finish
    try:
        roots = sp.solve(g, symbol)
    except Exception:
        return None
    real = [r for r in roots if r.is_real is not False and symbol not in r.free_symbols]
    return real[0] if real else None


def _kinks(expr: sp.Basic) -> Iterator[tuple[sp.Basic, bool]]:
    """The expressions whose zeros are thresholds of *expr*, each with whether the threshold
    itself is a point to compare at: yes for a zero of a denominator or of a logarithm's
    argument (the expression is undefined there) and for a kink of Abs or sign; not for a kink
    of Max, Min or Heaviside, nor any kink under a derivative (where Heaviside(0) and the
    derivative at a corner are conventions)."""
    derivative = expr.has(sp.Derivative)
    for node in sp.preorder_traversal(expr):
        if isinstance(node, (sp.Abs, sp.sign)):
            yield node.args[0], not derivative
        elif isinstance(node, sp.Heaviside):
            yield node.args[0], False
        elif isinstance(node, (sp.Max, sp.Min)):
            for first, second in itertools.combinations(node.args, 2):
                yield first - second, False
        elif isinstance(node, sp.Pow) and node.exp.is_negative:
            base = node.base
            yield (base.args[0] if isinstance(base, sp.Abs) else base), True
        elif isinstance(node, sp.log):
            yield node.args[0], True


def _distinct(fa: _Compiled, fb: _Compiled, point: Point) -> tuple[str, str]:
    """The two values at a counterexample, with as many digits as it takes to tell them apart
    (values that round alike at 12 digits get 40, then their difference)."""
    needed = max(fa.digits(point), fb.digits(point))
    digits = max(HIGH_DIGITS, needed + 40) if needed <= MAX_DIGITS else HIGH_DIGITS
    va, vb = fa(point, digits), fb(point, digits)
    shown = (fmt(va), fmt(vb))
    if shown[0] != shown[1] or not (_number(va) and _number(vb)):
        return shown
    shown = (fmt(va, 40), fmt(vb, 40))
    if shown[0] != shown[1]:
        return shown
    return shown[0], f"{shown[1]} (they differ by {fmt(vb - va)})"  # type: ignore[operator]


def _decimal(value: sp.Basic) -> str:
    """A set element as text: an integer, a fraction p/q or a decimal (read by ``_to_mpf``)."""
    if isinstance(value, sp.Rational) and not value.is_Integer:
        return f"{value.p}/{value.q}"
    return str(value)
