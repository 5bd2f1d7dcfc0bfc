"""High-precision randomized refutation: are two expressions equal on the declared domains?

Both expressions are evaluated with mpmath (50 significant digits by default) at points drawn
from the symbols' domains; a disagreement is confirmed at three times the precision (so that
cancellation in one of the formulas cannot fake it) before it counts as a refutation.

* Finite sets (``y: "{0, 1}"``) are sampled exhaustively when their product is small, so a step
  that is right for ``y = 0`` and wrong for ``y = 1`` is always caught.
* Sizes (``m, n: size``) are made concrete (1, 2, 3), free indices (``k: index [1, n]``) take
  every value in their range, every element of an indexed symbol (``x[i, j]``) gets its own
  random value, and only then are sums expanded and derivatives taken.
* Points where both sides are undefined (a logarithm of a negative number, a division by zero)
  are skipped. Where exactly one side is undefined, the step is refuted only when that persists
  at higher precision and at nearby points (so a removable singularity is not a refutation).
"""

from __future__ import annotations

import itertools
import math
import random
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import mpmath
import sympy as sp
from sympy.core.parameters import evaluate
from sympy.printing.pycode import MpmathPrinter

from derivnotes.domains import Domain

__all__ = ["DIGITS", "SIZE_VALUES", "NumericComparer", "NumericError", "Outcome"]

DIGITS = 50  # significant digits of the first evaluation
HIGH_DIGITS = 150  # precision at which a disagreement is confirmed
MAX_DIGITS = 3000  # points needing more (exp of huge arguments) are never counterexamples
SIZE_VALUES = (1, 2, 3)  # concrete values given to each size
MAX_CONFIGS = 18  # size/index combinations per comparison
MAX_DISCRETE = 128  # finite-set combinations sampled exhaustively up to this many

UNDEFINED = None  # the value of an expression where it is singular


class NumericError(ValueError):
    """An expression that cannot be evaluated numerically (the message says why)."""


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

    def describe(self, digits: int = DIGITS) -> str:
        """``not refuted at 64 points, 50 significant digits[, sizes m, n in {1, 2, 3}]``."""
        noun = "point" if self.points == 1 else "points"
        text = f"not refuted at {self.points} {noun}, {digits} significant digits"
        if self.sizes:
            values = ", ".join(str(v) for v in SIZE_VALUES)
            text += f", sizes {', '.join(self.sizes)} in {{{values}}}"
        if self.of > 1:
            every = "every one" if self.configurations == self.of else f"{self.configurations}"
            text += f" ({every} of {self.of} size/index combinations)"
        if self.skipped:
            text += f" ({self.skipped} sampled points skipped: a side is undefined there)"
        return text


Point = dict[sp.Basic, str]  # variable -> decimal string


def _rename_bound(expr: sp.Basic) -> sp.Basic:
    """Give every summation variable a fresh dummy so substituting a free index cannot reach it.

    Examples
    --------
    >>> k, n = sp.symbols("k n")
    >>> e = _rename_bound(k + sp.Sum(k**2, (k, 1, n)))
    >>> k in e.free_symbols, len(e.atoms(sp.Dummy))
    (True, 1)
    """
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [_rename_bound(arg) for arg in expr.args]
    if isinstance(expr, (sp.Sum, sp.Product)):
        body, *limits = args
        new_limits = []
        for limit in limits:
            var = limit[0]
            dummy = sp.Dummy(str(var), **_facts(var))
            body = body.xreplace({var: dummy})
            new_limits.append((dummy, *limit[1:]))
        return type(expr)(body, *new_limits)
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
    return value is not None and value is not NOT_REAL


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
    args = [sp.Symbol(f"_a{n}") for n in range(len(symbols))]
    with evaluate(False):
        body = expr.xreplace(dict(zip(symbols, args, strict=True)))
    printer = _GuardedPrinter(
        {
            "fully_qualified_modules": False,
            "inline": True,
            "allow_unknown_functions": True,
            "order": "none",
        }
    )
    namespace = {**functions, **_GUARDED}
    return sp.lambdify(
        args, body, modules=[namespace, "mpmath"], dummify=False, printer=printer, docstring_limit=0
    )


_LARGEST_EXPONENT = [0.0]  # the largest |x| of exp(x) met during the current evaluation


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
    size = _size(mpmath.re(x)) if isinstance(x, mpmath.mpc) else _size(x)
    if size > _LARGEST_EXPONENT[0]:
        _LARGEST_EXPONENT[0] = size
    if size > HUGE:
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


_GUARDED: dict[str, Callable[..., object]] = {
    "exp": _tracked_exp,
    "_pow": _guarded_pow,
    **{
        name: _guard(getattr(mpmath, name))
        for name in ("sin", "cos", "tan", "sinh", "cosh", "tanh", "sec", "csc", "cot")
    },
}


class _GuardedPrinter(MpmathPrinter):
    """mpmath code in which powers go through :func:`_guarded_pow`."""

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.exp == sp.S.Half:
            return f"sqrt({self._print(expr.base)})"
        if expr.exp == -1:
            return f"1/({self._print(expr.base)})"
        return f"_pow({self._print(expr.base)}, {self._print(expr.exp)})"


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
        symbols = sorted(
            (s for s in expr.free_symbols if isinstance(s, sp.Symbol)), key=sp.default_sort_key
        )
        self.expr = expr
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
        with mpmath.workdps(dps):
            try:
                raw = self.function(*(_to_mpf(x) for x in key[1]))
            except (ZeroDivisionError, ValueError, OverflowError, TypeError, ArithmeticError):
                value = UNDEFINED
            else:
                value = _real(raw)
        self.cache[key] = value
        self.exponents[key[1]] = max(self.exponents.get(key[1], 0.0), _LARGEST_EXPONENT[0])
        return value

    def digits(self, point: Point) -> int:
        """Digits needed so that ``1 + exp(-x)`` keeps ``exp(-x)`` for the largest x met at
        *point* (0 when nothing large was met)."""
        largest = self.exponents.get(tuple(point[v] for v in self.variables), 0.0)
        return int(largest / math.log(10)) + 60


def expand_finite(expr: sp.Basic) -> sp.Basic:
    """Write out every sum and product whose limits are integers, innermost first.

    Examples
    --------
    >>> x = sp.IndexedBase("x")
    >>> j = sp.Symbol("j")
    >>> expand_finite(sp.Sum(x[j] ** 2, (j, 1, 3)))
    x[1]**2 + x[2]**2 + x[3]**2
    """
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    args = [expand_finite(arg) for arg in expr.args]
    if isinstance(expr, (sp.Sum, sp.Product)):
        body, *limits = args
        for number, (var, lo, hi) in enumerate(limits):
            if not (lo.is_Integer and hi.is_Integer):
                return type(expr)(body, *limits[number:])
            terms = [body.xreplace({var: sp.Integer(v)}) for v in range(int(lo), int(hi) + 1)]
            body = sp.Add(*terms) if isinstance(expr, sp.Sum) else sp.Mul(*terms)
        return body
    if any(a is not b for a, b in zip(args, expr.args, strict=True)):
        return expr.func(*args)
    return expr


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
    >>> from derivnotes.domains import parse_domain
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
        self.tol = mpmath.mpf(10) ** (-(digits // 2))
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
        self.last_total = 1

    # -- configurations ------------------------------------------------------------------
    def configurations(self, exprs: Iterable[sp.Basic]) -> tuple[list[dict], list[sp.Symbol]]:
        """The size/index assignments at which *exprs* are compared (``[{}]`` when none)."""
        free: set[sp.Basic] = set()
        for expr in exprs:
            free |= expr.free_symbols
        indices = sorted((s for s in free if s in self.indices), key=str)
        sizes = {s for s in free if s in self.sizes}
        for index in indices:
            domain = self.indices[index]
            sizes |= (domain.lo.free_symbols | domain.hi.free_symbols) & self.sizes
        size_list = sorted(sizes, key=str)
        combos = list(itertools.product(SIZE_VALUES, repeat=len(size_list)))
        configs: list[dict] = []
        total = 0
        for combo in combos:
            env = {s: sp.Integer(v) for s, v in zip(size_list, combo, strict=True)}
            ranges = []
            for index in indices:
                domain = self.indices[index]
                lo, hi = domain.lo.xreplace(env), domain.hi.xreplace(env)
                if not (lo.is_Integer and hi.is_Integer):
                    raise NumericError(
                        f"the range [{domain.lo}, {domain.hi}] of index {index} does not "
                        "become concrete when the sizes are"
                    )
                ranges.append([sp.Integer(v) for v in range(int(lo), int(hi) + 1)])
            for values in itertools.product(*ranges):
                configs.append({**env, **dict(zip(indices, values, strict=True))})
        total = len(configs)
        if len(configs) > MAX_CONFIGS:
            rng = random.Random(self.seed + 17)
            keep = sorted(rng.sample(range(len(configs)), MAX_CONFIGS))
            configs = [configs[n] for n in keep]
        configs.sort(key=lambda c: (sum(int(v) for v in c.values()), str(c)))
        self.last_total = total
        return configs or [{}], size_list

    def _prepared(self, expr: sp.Basic) -> sp.Basic:
        """*expr* with fresh summation variables and assumption-free symbols (cached)."""
        prepared = self._prepared_cache.get(expr)
        if prepared is None:
            prepared = _rename_bound(expr) if expr.has(sp.Sum, sp.Product) else expr
            with evaluate(False):
                prepared = prepared.xreplace(self._plain)
            self._prepared_cache[expr] = prepared
        return prepared

    def _original(self, plain: sp.Basic) -> sp.Basic:
        if isinstance(plain, sp.Indexed):
            return sp.Indexed(self._unplain.get(plain.base, plain.base), *plain.indices)
        return self._unplain.get(plain, plain)

    def compile(self, expr: sp.Basic, config: dict) -> _Compiled:
        """*expr* with sizes and indices made concrete, sums expanded, derivatives taken."""
        key = (expr, tuple(sorted(((str(k), int(v)) for k, v in config.items()))))
        if key in self._compiled:
            return self._compiled[key]
        concrete = self._prepared(expr)
        with evaluate(False):
            if config:
                concrete = concrete.xreplace({self._plain[k]: v for k, v in config.items()})
            if concrete.has(sp.Sum, sp.Product):
                concrete = expand_finite(concrete)
        compiled = _Compiled(concrete, self._original)
        for variable in compiled.variables:
            if self._domain(variable) is None:
                raise NumericError(
                    f"'{variable}' has no declared domain (is it a summation index used outside "
                    "its sum?)"
                )
        self._compiled[key] = compiled
        return compiled

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
    def points(self, variables: Sequence[sp.Basic], count: int, salt: str) -> list[Point]:
        """Reproducible points: finite sets exhaustively (when small), the rest at random."""
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
        if not continuous:
            count = len(combos)
        elif len(combos) > 1:
            count = max(count, len(combos) * (2 if len(combos) <= 32 else 1))
        points = []
        for n in range(count):
            combo = combos[n % len(combos)]
            point: Point = {v: _decimal(value) for v, value in zip(discrete, combo, strict=True)}
            for v in continuous:
                point[v] = f"{self._domain(v).sample(rng):.6g}"  # type: ignore[union-attr]
            points.append(point)
        return points

    # -- comparing -----------------------------------------------------------------------
    def compare(self, a: sp.Basic, b: sp.Basic, budget: int = 64, salt: str = "") -> Outcome:
        """Look for a point of the domains where *a* and *b* differ.

        Parameters
        ----------
        a, b:
            The expressions (as parsed: may contain sums over sizes and derivatives).
        budget:
            About how many points to compare in all (spread over the size configurations).
        """
        try:
            configs, sizes = self.configurations([a, b])
        except NumericError as exc:
            return Outcome("error", message=str(exc))
        per_config = max(8, math.ceil(budget / len(configs)))
        compared = skipped = 0
        for config in configs:
            try:
                fa, fb = self.compile(a, config), self.compile(b, config)
            except NumericError as exc:
                return Outcome("error", message=str(exc), sizes=[str(s) for s in sizes])
            variables = sorted(set(fa.variables) | set(fb.variables), key=self._sort_key)
            for point in self.points(variables, per_config, salt):
                va, vb = fa(point, self.digits), fb(point, self.digits)
                if _number(va) and _number(vb) and _agree(va, vb, self.tol):
                    compared += 1
                    continue
                if not _number(va) and not _number(vb):
                    skipped += 1
                    continue
                if self._confirmed(fa, fb, point, variables):
                    return self._refutation(fa, fb, point, variables, config, sizes, compared)
                if _number(va) and _number(vb):
                    compared += 1
                elif _number(fa(point, HIGH_DIGITS)) and _number(fb(point, HIGH_DIGITS)):
                    compared += 1  # singular only at the first precision, equal at the second
                else:
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
        return Outcome(
            "agree",
            points=compared,
            skipped=skipped,
            sizes=[str(s) for s in sizes],
            configurations=len(configs),
            of=max(self.last_total, len(configs)),
        )

    def _differs(self, fa: _Compiled, fb: _Compiled, point: Point) -> bool:
        """Whether *a* and *b* really differ at *point* (not a rounding artefact).

        Two numbers differ when they disagree at the first precision and at the confirming
        one, by the same amount (so the difference is not rounding noise). A number and a
        complex value (the other side is not real there) differ. A singular value (a division
        by zero, an overflow) is never taken as a difference: with random points it comes from
        a lack of precision, not from the formula.
        """
        va, vb = fa(point, self.digits), fb(point, self.digits)
        ha, hb = fa(point, HIGH_DIGITS), fb(point, HIGH_DIGITS)
        needed = max(fa.digits(point), fb.digits(point))
        if needed > HIGH_DIGITS:
            # exp of a large argument: 1 + exp(-x) == 1 at 150 digits; decide where it is not
            if needed > MAX_DIGITS:
                return False  # too extreme to decide at this point
            va, vb = ha, hb
            ha, hb = fa(point, needed), fb(point, needed)
        if _number(ha) and _number(hb):
            if _agree(ha, hb, self.high_tol):
                return False
            if not (_number(va) and _number(vb)):
                # singular at the first precision only: decide at a still higher one
                top = 2 * HIGH_DIGITS
                ta, tb = fa(point, top), fb(point, top)
                if not (_number(ta) and _number(tb)):
                    return False
                va, vb, ha, hb = ha, hb, ta, tb
            low, high = va - vb, ha - hb
            return abs(low - high) <= abs(high) * mpmath.mpf("1e-6")
        one_sided_low = (va is NOT_REAL and _number(vb)) or (vb is NOT_REAL and _number(va))
        one_sided_high = (ha is NOT_REAL and _number(hb)) or (hb is NOT_REAL and _number(ha))
        return one_sided_low and one_sided_high

    def _confirmed(
        self, fa: _Compiled, fb: _Compiled, point: Point, variables: Sequence[sp.Basic]
    ) -> bool:
        """A confirmed difference; where one side is not real, only if it persists nearby."""
        if not self._differs(fa, fb, point):
            return False
        if _number(fa(point, HIGH_DIGITS)) and _number(fb(point, HIGH_DIGITS)):
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
        values = (fmt(fa(point, self.digits)), fmt(fb(point, self.digits)))
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


def _decimal(value: sp.Basic) -> str:
    """A set element as text: an integer, a fraction p/q or a decimal (read by ``_to_mpf``)."""
    if isinstance(value, sp.Rational) and not value.is_Integer:
        return f"{value.p}/{value.q}"
    return str(value)
