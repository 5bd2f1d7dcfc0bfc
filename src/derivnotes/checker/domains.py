"""The domains a derivation block declares for its symbols, and how the checker samples them.

A domain is written after a symbol's name under ``symbols``:

==========================  ==================================================================
``real``                    any real number (sampled across magnitudes: half in [-8, 8], the
                            rest log-uniformly out to ±1e4 and down to ±1e-8 near 0)
``positive``                x > 0 (sampled log-uniformly across magnitudes 1e-8 .. 1e4)
``negative``                x < 0
``nonnegative``             x >= 0
``(lo, hi)``, ``[lo, hi]``  an interval; ``(`` is open, ``[`` closed; ``oo`` is infinity
``{v1, v2, ...}``           a finite set of numbers (sampled exhaustively when small)
``size``                    a positive integer such as m or n (checked at several sizes)
``index [lo, hi]``          an integer between lo and hi; lo, hi are integers or sizes
``indexed <domain>``        an array such as ``x[i, j]``; every element has *domain*
==========================  ==================================================================

Examples
--------
>>> parse_domain("(0, 1)").contains(0.5), parse_domain("(0, 1)").contains(1)
(True, False)
>>> parse_domain('indexed "{0, 1}"').values
(0, 1)
"""

from __future__ import annotations

import ast
import math
import random
from dataclasses import dataclass, field

import sympy as sp

__all__ = ["DOMAIN_FORMS", "Domain", "DomainError", "parse_domain"]

DOMAIN_FORMS = (
    "real, positive, negative, nonnegative, an interval such as (0, 1) or [0, 1] or (0, oo), "
    'a finite set such as "{0, 1}", size, index [1, n], or indexed followed by one of the '
    "first forms (e.g. indexed real)"
)

_WORDS = ("real", "positive", "negative", "nonnegative")


class DomainError(ValueError):
    """A domain that cannot be read (the message says what was expected)."""


@dataclass(frozen=True)
class Domain:
    """One declared domain.

    Attributes
    ----------
    kind:
        ``"interval"`` (``real``, ``positive``... are intervals too), ``"set"``, ``"size"`` or
        ``"index"``.
    lo, hi:
        Interval or index bounds (sympy numbers; ``-oo``/``oo`` for unbounded; for an index,
        expressions in sizes).
    lo_open, hi_open:
        Whether an interval excludes its bounds.
    values:
        The elements of a finite set.
    indexed:
        Whether the symbol is an array whose elements have this domain.
    text:
        The domain as written.
    """

    kind: str
    lo: sp.Expr = sp.S.NegativeInfinity
    hi: sp.Expr = sp.S.Infinity
    lo_open: bool = True
    hi_open: bool = True
    values: tuple[sp.Rational | sp.Float, ...] = ()
    indexed: bool = False
    text: str = field(default="", compare=False)

    # -- what sympy may assume -------------------------------------------------------------
    def assumptions(self) -> dict[str, bool]:
        """Sympy assumptions that hold on the whole domain.

        Examples
        --------
        >>> parse_domain("(0, 1)").assumptions()
        {'real': True, 'positive': True}
        >>> parse_domain("size").assumptions()
        {'integer': True, 'positive': True}
        """
        if self.kind in ("size",):
            return {"integer": True, "positive": True}
        if self.kind == "index":
            facts = {"integer": True}
            if self.lo.is_number and self.lo >= 1:
                facts["positive"] = True
            return facts
        if self.kind == "set":
            facts = {"real": True}
            if all(v == int(v) for v in self.values):
                facts["integer"] = True
            if all(v >= 0 for v in self.values):
                facts["nonnegative"] = True
            if all(v > 0 for v in self.values):
                facts["positive"] = True
            return facts
        facts = {"real": True}
        if self.lo >= 0 and (self.lo_open or self.lo > 0):
            facts["positive"] = True
        elif self.lo >= 0:
            facts["nonnegative"] = True
        if self.hi <= 0 and (self.hi_open or self.hi < 0):
            facts["negative"] = True
        elif self.hi <= 0:
            facts["nonpositive"] = True
        return facts

    @property
    def discrete(self) -> bool:
        """Whether the domain is a finite set (sampled exhaustively when small)."""
        return self.kind == "set"

    def contains(self, value: float) -> bool:
        """Whether a number lies in the domain (intervals and sets only)."""
        if self.kind == "set":
            return any(value == v for v in self.values)
        lo, hi = self._float_bounds()
        lo_ok = value > lo if self.lo_open else value >= lo
        hi_ok = value < hi if self.hi_open else value <= hi
        return bool(lo_ok and hi_ok)

    def _float_bounds(self) -> tuple[float, float]:
        bounds = self.__dict__.get("_bounds")
        if bounds is None:
            bounds = (float(self.lo), float(self.hi))
            object.__setattr__(self, "_bounds", bounds)
        return bounds

    # -- sampling ------------------------------------------------------------------------
    def sample(self, rng: random.Random, wide: bool = True) -> float:
        """One random value strictly inside the domain (endpoints of closed intervals rarely).

        *wide* spreads values across magnitudes (out to 1e4, down to 1e-8, near the ends of
        intervals); otherwise they are moderate (mostly within [-3, 3], or 0.05 to 20).

        Examples
        --------
        >>> import random
        >>> d = parse_domain("(0, 1)")
        >>> all(0 < d.sample(random.Random(s)) < 1 for s in range(100))
        True
        """
        if self.kind == "set":
            return float(rng.choice(self.values))
        lo, hi = self.lo, self.hi
        if lo.is_finite and not self.lo_open and rng.random() < 0.04:
            return float(lo)
        if hi.is_finite and not self.hi_open and rng.random() < 0.04:
            return float(hi)
        if lo.is_finite and hi.is_finite:
            width = float(hi - lo)
            roll = rng.random()
            if roll < 0.75 or not wide:
                return float(lo) + width * rng.uniform(0.003, 0.997)
            # near an end: open ends are approached to within 1e-8 of the width
            near = width * 10 ** rng.uniform(-8, -2.5)
            value = float(lo) + near if roll < 0.875 else float(hi) - near
            return value if self.contains(value) else float(lo) + width / 2
        if lo.is_finite:  # (lo, oo)
            return float(lo) + _magnitude(rng, wide)
        if hi.is_finite:  # (-oo, hi)
            return float(hi) - _magnitude(rng, wide)
        roll = rng.random()
        if not wide:
            return rng.uniform(-3.0, 3.0) if roll < 0.75 else rng.uniform(-8.0, 8.0)
        if roll < 0.15:
            return rng.uniform(-8.0, 8.0)
        sign = rng.choice((-1.0, 1.0))
        if roll < 0.9:
            return sign * 10 ** rng.uniform(-3, 4)  # across magnitudes, out to 1e4
        return sign * 10 ** rng.uniform(-8, -3)  # near 0

    def nudge(self, value: float, rng: random.Random, scale: float = 1e-3) -> float:
        """A value near *value* that is still inside the domain (for robustness re-checks)."""
        if self.kind == "set":
            return value
        step = scale * max(abs(value), 0.1) * rng.choice((-1.0, 1.0)) * rng.uniform(0.5, 1.5)
        for candidate in (value + step, value - step, value + step / 10, value - step / 10):
            if self.contains(candidate):
                return candidate
        return value


def _magnitude(rng: random.Random, wide: bool = True) -> float:
    """A positive number: between 0.05 and 20, or (*wide*) mostly from 1e-8 to 1e4."""
    roll = rng.random()
    if roll < (0.2 if wide else 1.0):
        return math.exp(rng.uniform(math.log(0.05), math.log(20.0)))
    if roll < 0.88:
        return 10 ** rng.uniform(-3, 4)
    return 10 ** rng.uniform(-8, -3)


# -- reading -----------------------------------------------------------------------------------
def _number(text: str, sizes: dict[str, sp.Symbol] | None = None) -> sp.Expr:
    """A bound: a number, ``oo``/``-oo``, a fraction, or (for an index) an expression in sizes."""
    text = text.strip()
    if text in ("oo", "+oo", "inf", "+inf", "infinity"):
        return sp.S.Infinity
    if text in ("-oo", "-inf", "-infinity"):
        return sp.S.NegativeInfinity
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise DomainError(f"cannot read the bound '{text}'") from exc
    allowed_names = set(sizes or ())
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in allowed_names:
                what = "a size declared before it" if sizes is not None else "a number"
                raise DomainError(f"the bound '{text}' uses '{node.id}', which is not {what}")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, (int, float)) or isinstance(node.value, bool):
                raise DomainError(f"the bound '{text}' is not a number")
        elif not isinstance(
            node,
            (
                ast.Expression,
                ast.BinOp,
                ast.UnaryOp,
                ast.Add,
                ast.Sub,
                ast.Mult,
                ast.Div,
                ast.USub,
                ast.UAdd,
                ast.Load,
            ),
        ):
            raise DomainError(f"cannot read the bound '{text}'")
    value = sp.sympify(text, locals=dict(sizes or {}), rational=True)
    return sp.nsimplify(value) if value.is_Float else value


def _split_pair(inner: str, text: str) -> tuple[str, str]:
    parts = [p for p in inner.split(",")]
    if len(parts) != 2:
        raise DomainError(f"'{text}' must have exactly two bounds, as in (0, 1)")
    return parts[0], parts[1]


def parse_domain(text: str, sizes: dict[str, sp.Symbol] | None = None) -> Domain:
    """Read one domain (see the module docstring for the forms).

    Parameters
    ----------
    text:
        The domain as written in the block.
    sizes:
        The sizes declared so far (``index [1, n]`` may name them).

    Raises
    ------
    DomainError
        When *text* is none of the forms; the message lists them.

    Examples
    --------
    >>> parse_domain("(0, oo)").assumptions()["positive"]
    True
    >>> import sympy as sp
    >>> parse_domain("index [1, n]", {"n": sp.Symbol("n")}).hi
    n
    >>> parse_domain("complex")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    derivnotes.checker.domains.DomainError: unknown domain 'complex'; expected real, positive, ...
    """
    original = text
    text = " ".join(str(text).split())
    if text.startswith("indexed"):
        rest = text[len("indexed") :].strip().strip('"').strip("'").strip()
        if not rest:
            raise DomainError("'indexed' needs the domain of the elements, e.g. indexed real")
        inner = parse_domain(rest, sizes)
        if inner.kind in ("size", "index") or inner.indexed:
            raise DomainError(f"the elements of an indexed symbol cannot be '{rest}'")
        return Domain(
            inner.kind,
            inner.lo,
            inner.hi,
            inner.lo_open,
            inner.hi_open,
            inner.values,
            indexed=True,
            text=original,
        )
    if text == "size":
        return Domain("size", sp.Integer(1), sp.S.Infinity, False, True, text=original)
    if text.startswith("index"):
        rest = text[len("index") :].strip()
        if not (rest.startswith("[") and rest.endswith("]")):
            raise DomainError(f"'{text}': write an index as index [lo, hi], e.g. index [1, n]")
        lo_text, hi_text = _split_pair(rest[1:-1], text)
        lo, hi = _number(lo_text, sizes or {}), _number(hi_text, sizes or {})
        for bound in (lo, hi):
            if not bound.is_finite and bound.is_number:
                raise DomainError(f"'{text}': an index needs finite bounds")
            if bound.is_number and not bound.is_integer:
                raise DomainError(f"'{text}': index bounds must be integers or sizes")
        return Domain("index", lo, hi, False, False, text=original)
    if text in _WORDS:
        bounds = {
            "real": (sp.S.NegativeInfinity, sp.S.Infinity, True, True),
            "positive": (sp.S.Zero, sp.S.Infinity, True, True),
            "negative": (sp.S.NegativeInfinity, sp.S.Zero, True, True),
            "nonnegative": (sp.S.Zero, sp.S.Infinity, False, True),
        }[text]
        return Domain("interval", *bounds, text=original)
    stripped = text.strip('"').strip("'")
    if stripped.startswith("{") and stripped.endswith("}"):
        items = [item.strip() for item in stripped[1:-1].split(",") if item.strip()]
        if not items:
            raise DomainError("an empty set {} is not a domain")
        values = []
        for item in items:
            value = _number(item)
            if not value.is_finite:
                raise DomainError(f"'{text}': the elements of a set must be finite numbers")
            values.append(value)
        return Domain("set", values=tuple(dict.fromkeys(values)), text=original)
    if stripped[:1] in "([" and stripped[-1:] in ")]" and len(stripped) >= 2:
        lo_text, hi_text = _split_pair(stripped[1:-1], text)
        lo, hi = _number(lo_text), _number(hi_text)
        lo_open, hi_open = stripped[0] == "(", stripped[-1] == ")"
        if (not lo.is_finite and not lo_open) or (not hi.is_finite and not hi_open):
            raise DomainError(f"'{text}': an infinite bound must be open, as in (0, oo)")
        if not lo < hi:
            raise DomainError(f"'{text}': the lower bound must be below the upper bound")
        return Domain("interval", lo, hi, lo_open, hi_open, text=original)
    raise DomainError(f"unknown domain '{text}'; expected {DOMAIN_FORMS}")
