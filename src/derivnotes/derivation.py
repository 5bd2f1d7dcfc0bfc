"""The step checker: read a derivation block, decide every step, explain every failure.

A derivation block (the YAML inside a ```` ```derivation ```` fence) declares symbols with
their domains, definitions, and chains of steps; every step must equal the step before it on
the declared domains. Each step is decided by

1. a randomized numeric refutation in high precision (mpmath, 50 significant digits) at points
   drawn from the declared domains: finite sets are enumerated, intervals sampled strictly
   inside, sums over symbolic sizes checked at several concrete sizes with every index value;
   a difference found there is confirmed at twice the precision and reported as a
   counterexample (the point and both values);
2. when no counterexample exists at those points, a short symbolic proof attempt (sympy),
   case by case over small finite sets.

A step ends *proved*, *numeric* (not refuted at N points), *refuted* or *error*. The step's
displayed TeX is read back (:mod:`derivnotes.latex`) and compared with its ``expr`` the same way.

Sampling is seeded from the block's text, so a build decides and reports exactly the same way
every time.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import itertools
import keyword
import random
import re
import time
import tokenize
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import mpmath
import sympy as sp
import yaml
from sympy.parsing.sympy_parser import (
    auto_number,
    convert_xor,
    parse_expr,
    rationalize,
)

from derivnotes.latex import TexUnsupported, displayed_part, tex_to_sympy

__all__ = [
    "CHECKER_VERSION",
    "Chain",
    "Derivation",
    "DerivationError",
    "DerivationResult",
    "Domain",
    "Step",
    "StepResult",
    "check_derivation",
    "parse_derivation",
]

#: Bump whenever a decision could change: it is part of every cache key.
CHECKER_VERSION = "1"

DIGITS = 50  # working precision of the numeric refutation
CONFIRM_DIGITS = 100  # a difference must survive at this precision to count
PROOF_SECONDS = 0.4  # budget for the symbolic attempt of one step
MAX_POINTS = 160  # evaluation points per step, across all concrete sizes
SIZES = (1, 2, 3)  # concrete values tried for each `size` symbol

BLOCK_KEYS = ("id", "symbols", "define", "chains")
CHAIN_KEYS = ("name", "steps")
STEP_KEYS = ("tex", "expr", "why", "wrong")


# --------------------------------------------------------------------------------------------
# Errors and the block model
# --------------------------------------------------------------------------------------------
class DerivationError(Exception):
    """A malformed block: the message says what is wrong and what was expected."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(f"{file}:{line}: {message}")
        self.file = file
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Domain:
    """Where a symbol's values live.

    ``kind`` is one of ``real``, ``positive``, ``interval``, ``set``, ``size``, ``index``;
    ``indexed`` marks an indexed family (``x[i, j]``) whose elements all have this domain.
    """

    kind: str
    lo: sp.Expr | None = None
    hi: sp.Expr | None = None
    lo_open: bool = True
    hi_open: bool = True
    values: tuple[sp.Rational, ...] = ()
    indexed: bool = False

    def assumptions(self) -> dict[str, bool]:
        """sympy assumptions that hold on the whole domain."""
        if self.kind == "real":
            return {"real": True}
        if self.kind == "positive":
            return {"positive": True}
        if self.kind == "size":
            return {"integer": True, "positive": True}
        if self.kind == "index":
            lo = self.lo
            return (
                {"integer": True, "positive": True}
                if lo is not None and lo.is_positive
                else {"integer": True}
            )
        if self.kind == "set":
            out = {"real": True}
            if all(v.is_integer for v in self.values):
                out["integer"] = True
            if all(v >= 0 for v in self.values):
                out["nonnegative"] = True
            return out
        # interval
        out = {"real": True}
        if self.lo is not None and self.lo.is_finite:
            if self.lo > 0 or (self.lo == 0 and self.lo_open):
                out["positive"] = True
            elif self.lo >= 0:
                out["nonnegative"] = True
        return out


@dataclass
class Step:
    number: int
    line: int
    tex: str
    expr: str
    why: str | None
    wrong: bool
    value: sp.Expr = field(repr=False, default=None)  # the parsed expr


@dataclass
class Chain:
    name: str
    line: int
    steps: list[Step]


@dataclass
class Derivation:
    id: str
    file: str
    line: int
    symbols: dict[str, Domain]
    defines: dict[str, str]
    chains: list[Chain]
    text: str
    namespace: dict[str, Any] = field(repr=False, default_factory=dict)
    objects: dict[str, Any] = field(repr=False, default_factory=dict)  # declared sympy objects


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------
@dataclass
class StepResult:
    """The decision on one step (JSON-serialisable with :meth:`to_dict`)."""

    chain: str
    number: int
    line: int
    tex: str
    expr: str
    why: str | None
    wrong: bool
    status: str  # start | proved | numeric | refuted | error
    method: str
    points: int = 0
    digits: int = 0
    seconds: float = 0.0
    compared_with: str | None = None
    counterexample: dict[str, str] | None = None
    values: tuple[str, str] | None = None
    display: str = "matched"  # matched | mismatch | unparsed | generated
    display_detail: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """True when this step is what its block says it is."""
        if self.wrong:
            return self.status == "refuted" and self.display != "mismatch"
        return self.status in ("start", "proved", "numeric") and self.display != "mismatch"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepResult:
        data = dict(data)
        if data.get("values") is not None:
            data["values"] = tuple(data["values"])
        return cls(**data)


@dataclass
class DerivationResult:
    """Every step's decision for one block."""

    id: str
    file: str
    line: int
    steps: list[StepResult]
    seconds: float
    checker_version: str = CHECKER_VERSION

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)

    @property
    def failures(self) -> list[StepResult]:
        return [step for step in self.steps if not step.ok]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "file": self.file,
            "line": self.line,
            "seconds": self.seconds,
            "checker_version": self.checker_version,
            "steps": [step.to_dict() for step in self.steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DerivationResult:
        return cls(
            id=data["id"],
            file=data["file"],
            line=data["line"],
            seconds=data["seconds"],
            checker_version=data["checker_version"],
            steps=[StepResult.from_dict(step) for step in data["steps"]],
        )


# --------------------------------------------------------------------------------------------
# Parsing
# --------------------------------------------------------------------------------------------
def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    return sp.log(x) if base is None else sp.log(x, base)


def _diff(expr: sp.Expr, *variables: sp.Expr) -> sp.Expr:
    # Unevaluated: sums over symbolic sizes are differentiated once the sizes are concrete.
    if not variables:
        raise ValueError("diff needs a variable to differentiate by, e.g. diff(L, w)")
    return sp.Derivative(expr, *variables)


#: Functions and constants every expr may use without declaring them.
KNOWN: dict[str, Any] = {
    "exp": sp.exp,
    "log": _log,
    "ln": sp.log,
    "log10": lambda x: sp.log(x, 10),
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "atan": sp.atan,
    "Abs": sp.Abs,
    "Max": sp.Max,
    "Min": sp.Min,
    "Sum": sp.Sum,
    "diff": _diff,
    "Derivative": _diff,
    "KroneckerDelta": sp.KroneckerDelta,
    "Rational": sp.Rational,
    "pi": sp.pi,
    "E": sp.E,
    "oo": sp.oo,
}
# Names the parser's own transformations produce.
_PARSER_GLOBALS = {
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "Symbol": sp.Symbol,
}
_TRANSFORMS = (auto_number, rationalize, convert_xor)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _names_in(text: str) -> list[str]:
    """The names an expression uses (not keyword arguments), in order; raises on bad syntax."""
    names = []
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    for index, tok in enumerate(tokens):
        if tok.type == tokenize.OP and tok.string == ".":
            raise SyntaxError("attribute access ('.') is not allowed")
        if tok.type != tokenize.NAME or keyword.iskeyword(tok.string):
            continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if following is not None and following.string == "=":
            continue
        names.append(tok.string)
    return names


class _Parser:
    def __init__(self, text: str, file: str, line: int) -> None:
        self.text = text
        self.file = file
        self.base = line  # file line of the first YAML line

    def error(self, node: yaml.Node | None, message: str) -> DerivationError:
        line = self.base + (node.start_mark.line if node is not None else 0)
        return DerivationError(self.file, line, message)

    def line_of(self, node: yaml.Node) -> int:
        return self.base + node.start_mark.line

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(node, f"{what} must be a single value, not a list or mapping")
        return str(node.value)

    def mapping(
        self, node: yaml.Node, what: str, allowed: Iterable[str] | None = None
    ) -> list[tuple[str, yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(node, f"{what} must be a mapping of `key: value` lines")
        items = []
        seen = set()
        allowed = tuple(allowed) if allowed is not None else None
        for key_node, value_node in node.value:
            key = self.scalar(key_node, f"a key of {what}")
            if allowed is not None and key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise self.error(
                    key_node,
                    f"unknown key '{key}' in {what}{extra}; allowed keys: {', '.join(allowed)}",
                )
            if key in seen:
                raise self.error(key_node, f"'{key}' appears twice in {what}")
            seen.add(key)
            items.append((key, key_node, value_node))
        return items

    # -- domains -----------------------------------------------------------------------------
    def domain(self, node: yaml.Node, name: str, sizes: dict[str, sp.Symbol]) -> Domain:
        what = f"the domain of '{name}'"
        if isinstance(node, yaml.SequenceNode):  # [0, 1] unquoted
            return self._interval(
                "[" + ", ".join(self.scalar(n, what) for n in node.value) + "]", node, name
            )
        if isinstance(node, yaml.MappingNode):  # {0, 1} unquoted is a YAML set
            values = [
                self.scalar(k, what)
                for k, v in node.value
                if isinstance(v, yaml.ScalarNode) and v.value in ("", "null", "~")
            ]
            if len(values) != len(node.value):
                raise self.error(node, f'{what}: write a finite set as "{{0, 1}}"')
            return self._set(values, node, name)
        text = self.scalar(node, what).strip()
        indexed = False
        if text.startswith("indexed"):
            indexed = True
            text = text[len("indexed") :].strip() or "real"
        if text == "real":
            return Domain("real", indexed=indexed)
        if text == "positive":
            return Domain("positive", indexed=indexed)
        if text == "size":
            if indexed:
                raise self.error(node, f"{what}: a size cannot be indexed")
            return Domain("size")
        match = re.fullmatch(r"index\s*\[\s*([^,\]]+)\s*,\s*([^\]]+)\]", text)
        if match:
            lo = self._bound(match.group(1), node, name, sizes)
            hi = self._bound(match.group(2), node, name, sizes)
            return Domain("index", lo=lo, hi=hi, lo_open=False, hi_open=False)
        if text.startswith("{") and text.endswith("}"):
            items = [v.strip() for v in text[1:-1].split(",") if v.strip()]
            domain = self._set(items, node, name)
            return Domain("set", values=domain.values, indexed=indexed)
        if text[:1] in "([" and text[-1:] in ")]":
            domain = self._interval(text, node, name)
            return Domain(
                "interval",
                lo=domain.lo,
                hi=domain.hi,
                lo_open=domain.lo_open,
                hi_open=domain.hi_open,
                indexed=indexed,
            )
        raise self.error(
            node,
            f"{what} is '{text}'; expected real, positive, an interval such as (0, 1) or "
            "[0, 1], a finite set such as \"{0, 1}\", size, index [1, n], or 'indexed ' "
            "before one of these",
        )

    def _bound(self, text: str, node: yaml.Node, name: str, sizes: dict[str, sp.Symbol]) -> sp.Expr:
        try:
            value = parse_expr(
                text.strip(),
                local_dict=dict(sizes),
                global_dict=dict(_PARSER_GLOBALS),
                transformations=_TRANSFORMS,
            )
        except Exception as exc:
            raise self.error(
                node, f"the index bound '{text}' of '{name}' is not an integer or a declared size"
            ) from exc
        if not all(s in sizes.values() for s in value.free_symbols):
            raise self.error(
                node,
                f"the index bound '{text}' of '{name}' must use only "
                "integers and sizes declared before it",
            )
        return value

    def _set(self, items: list[str], node: yaml.Node, name: str) -> Domain:
        values = []
        for item in items:
            try:
                values.append(sp.Rational(item))
            except (TypeError, ValueError) as exc:
                raise self.error(
                    node, f"the set of '{name}' holds '{item}', which is not a number"
                ) from exc
        if not values:
            raise self.error(node, f"the set of '{name}' is empty")
        return Domain("set", values=tuple(sorted(set(values))))

    def _interval(self, text: str, node: yaml.Node, name: str) -> Domain:
        match = re.fullmatch(r"([\(\[])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\)\]])", text)
        if not match:
            raise self.error(node, f"the interval of '{name}' is '{text}'; expected e.g. (0, 1)")
        try:
            lo = sp.sympify(match.group(2).replace("inf", "oo"), rational=True)
            hi = sp.sympify(match.group(3).replace("inf", "oo"), rational=True)
        except (sp.SympifyError, TypeError) as exc:
            raise self.error(node, f"the bounds of '{name}' in '{text}' are not numbers") from exc
        if not (lo.is_number and hi.is_number) or not (lo < hi):
            raise self.error(
                node,
                f"the interval of '{name}' is '{text}'; its lower bound must "
                "be a number below its upper bound",
            )
        return Domain(
            "interval",
            lo=lo,
            hi=hi,
            lo_open=match.group(1) == "(" or lo == -sp.oo,
            hi_open=match.group(4) == ")" or hi == sp.oo,
        )

    # -- expressions -------------------------------------------------------------------------
    def expression(
        self, text: str, node: yaml.Node, namespace: dict[str, Any], where: str
    ) -> sp.Expr:
        try:
            names = _names_in(text)
        except (SyntaxError, tokenize.TokenError) as exc:
            raise self.error(
                node,
                f"{where}: cannot read the expression '{text}' ({exc}); "
                "write it in Python/sympy syntax, e.g. (sigma(z) - y)*x",
            ) from exc
        for name in names:
            if name not in namespace and name not in KNOWN:
                choices = list(namespace) + list(KNOWN)
                hint = difflib.get_close_matches(name, choices, n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                raise self.error(
                    node,
                    f"{where} uses '{name}', which is not declared{extra}. Declare it under "
                    "`symbols` or `define`, or use a function sympy knows (exp, log, sqrt, "
                    "Sum, diff, ...)",
                )
        try:
            value = parse_expr(
                text,
                local_dict=dict(namespace),
                global_dict={**_PARSER_GLOBALS, **KNOWN},
                transformations=_TRANSFORMS,
            )
        except Exception as exc:  # sympy raises many kinds here
            raise self.error(
                node, f"{where}: cannot read the expression '{text}' ({type(exc).__name__}: {exc})"
            ) from exc
        if not isinstance(value, sp.Basic):
            raise self.error(node, f"{where}: '{text}' is not a mathematical expression")
        if isinstance(value, sp.Lambda):
            raise self.error(node, f"{where}: '{text}' is a function; call it, e.g. sigma(z)")
        return sp.sympify(value)

    # -- the block ---------------------------------------------------------------------------
    def parse(self) -> Derivation:
        try:
            root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = self.base + (mark.line if mark is not None else 0)
            problem = getattr(exc, "problem", None) or str(exc)
            raise DerivationError(
                self.file,
                line,
                f"the block is not valid YAML: {problem}. "
                'Check the indentation and quote values such as "{0, 1}"',
            )
        if root is None:
            raise DerivationError(
                self.file,
                self.base,
                "the derivation block is empty; it needs id, symbols and chains",
            )
        items = {key: (k, v) for key, k, v in self.mapping(root, "the block", BLOCK_KEYS)}
        for required in ("id", "chains"):
            if required not in items:
                raise self.error(
                    root,
                    f"the block has no `{required}`; every derivation block "
                    "needs id and chains (and usually symbols)",
                )
        block_id = self.scalar(items["id"][1], "id").strip()
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", block_id):
            raise self.error(
                items["id"][1], f"the id '{block_id}' must be letters, digits, '-', '_' or '.'"
            )

        namespace: dict[str, Any] = {}
        objects: dict[str, Any] = {}
        domains: dict[str, Domain] = {}
        sizes: dict[str, sp.Symbol] = {}
        if "symbols" in items:
            for key, key_node, value_node in self.mapping(items["symbols"][1], "symbols"):
                names = [n.strip() for n in key.split(",")]
                for name in names:
                    if not _NAME.match(name) or name in KNOWN or keyword.iskeyword(name):
                        raise self.error(
                            key_node,
                            f"'{name}' cannot be a symbol name (it must "
                            "be an identifier that is not a known function)",
                        )
                    if name in domains:
                        raise self.error(key_node, f"'{name}' is declared twice")
                    domain = self.domain(value_node, name, sizes)
                    domains[name] = domain
                    if domain.indexed:
                        obj = sp.IndexedBase(name, **domain.assumptions())
                    else:
                        obj = sp.Symbol(name, **domain.assumptions())
                    if domain.kind == "size":
                        sizes[name] = obj
                    namespace[name] = obj
                    objects[name] = obj

        defines: dict[str, str] = {}
        if "define" in items:
            for key, key_node, value_node in self.mapping(items["define"][1], "define"):
                match = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*", key)
                if not match:
                    raise self.error(
                        key_node,
                        f"cannot read the definition '{key}'; expected "
                        "a name such as z or a function such as sigma(t)",
                    )
                name, params = match.group(1), match.group(2)
                if name in namespace or name in KNOWN:
                    raise self.error(
                        key_node,
                        f"'{name}' is defined but is already declared or is a known function",
                    )
                body_text = self.scalar(value_node, f"the definition of '{name}'")
                defines[key] = body_text
                if params is None:
                    namespace[name] = self.expression(
                        body_text, value_node, namespace, f"the definition of '{name}'"
                    )
                else:
                    param_names = [p.strip() for p in params.split(",") if p.strip()]
                    if not param_names or not all(_NAME.match(p) for p in param_names):
                        raise self.error(key_node, f"the parameters of '{key}' must be names")
                    local = dict(namespace)
                    params_sym = [sp.Symbol(p) for p in param_names]
                    local.update(zip(param_names, params_sym, strict=True))
                    body = self.expression(
                        body_text, value_node, local, f"the definition of '{name}'"
                    )
                    namespace[name] = sp.Lambda(tuple(params_sym), body)

        chains_node = items["chains"][1]
        if not isinstance(chains_node, yaml.SequenceNode) or not chains_node.value:
            raise self.error(
                chains_node, "`chains` must be a list of chains, each `- name: ...` with `steps:`"
            )
        chains = []
        for chain_node in chains_node.value:
            chain_items = {
                k: (kn, v) for k, kn, v in self.mapping(chain_node, "a chain", CHAIN_KEYS)
            }
            if "name" not in chain_items or "steps" not in chain_items:
                raise self.error(chain_node, "each chain needs a `name` and a list of `steps`")
            chain_name = self.scalar(chain_items["name"][1], "a chain's name").strip()
            if not _NAME.match(chain_name):
                raise self.error(
                    chain_items["name"][1],
                    f"the chain name '{chain_name}' must be "
                    "an identifier (letters, digits, _) so later exprs can use it",
                )
            if chain_name in namespace or chain_name in KNOWN:
                raise self.error(
                    chain_items["name"][1],
                    f"the chain name '{chain_name}' is already declared or defined; choose another",
                )
            steps_node = chain_items["steps"][1]
            if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
                raise self.error(steps_node, f"chain '{chain_name}' needs a list of steps")
            steps = []
            for number, step_node in enumerate(steps_node.value, start=1):
                where = f"step {number} of chain '{chain_name}'"
                fields = {k: (kn, v) for k, kn, v in self.mapping(step_node, where, STEP_KEYS)}
                if "expr" not in fields or "tex" not in fields:
                    raise self.error(
                        step_node,
                        f"{where} needs both `tex` (what the page shows) "
                        "and `expr` (what is checked)",
                    )
                expr_node = fields["expr"][1]
                expr_text = self.scalar(expr_node, f"the expr of {where}").strip()
                wrong = False
                if "wrong" in fields:
                    flag = self.scalar(fields["wrong"][1], "wrong").strip().lower()
                    if flag not in ("true", "false", "yes", "no"):
                        raise self.error(
                            fields["wrong"][1], f"`wrong` of {where} must be true or false"
                        )
                    wrong = flag in ("true", "yes")
                    if wrong and number == 1:
                        raise self.error(
                            fields["wrong"][1],
                            f"{where} is the first step of its "
                            "chain: there is nothing before it to be wrong about",
                        )
                why = None
                if "why" in fields:
                    why = self.scalar(fields["why"][1], f"the why of {where}").strip() or None
                step = Step(
                    number=number,
                    line=self.line_of(step_node),
                    tex=self.scalar(fields["tex"][1], f"the tex of {where}").strip(),
                    expr=expr_text,
                    why=why,
                    wrong=wrong,
                )
                step.value = self.expression(expr_text, expr_node, namespace, where)
                steps.append(step)
            namespace[chain_name] = steps[0].value
            chains.append(Chain(name=chain_name, line=self.line_of(chain_node), steps=steps))

        return Derivation(
            id=block_id,
            file=self.file,
            line=self.base,
            symbols=domains,
            defines=defines,
            chains=chains,
            text=self.text,
            namespace=namespace,
            objects=objects,
        )


def parse_derivation(text: str, *, file: str = "<string>", line: int = 1) -> Derivation:
    """Read a derivation block; *line* is the file line of its first YAML line.

    Raises :class:`DerivationError` (naming file and line) for a malformed block.

    Examples
    --------
    >>> d = parse_derivation('''
    ... id: demo
    ... symbols:
    ...   z: real
    ... chains:
    ...   - name: s
    ...     steps:
    ...       - tex: 2z
    ...         expr: 2*z
    ... ''', file="page.md", line=10)
    >>> d.id, d.chains[0].steps[0].line
    ('demo', 17)
    >>> parse_derivation("id: x\\nchains:\\n  - name: s\\n    steps:\\n      - tex: q\\n"
    ...                  "        expr: sigam(q)", file="p.md")
    Traceback (most recent call last):
    ...
    derivnotes.derivation.DerivationError: p.md:6: step 1 of chain 's' uses 'sigam', which is not declared. Declare it under `symbols` or `define`, or use a function sympy knows (exp, log, sqrt, Sum, diff, ...)
    """
    return _Parser(text, file, line).parse()


# --------------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------------
@dataclass
class _Verdict:
    equal: bool | None  # None: could not evaluate at enough points
    points: int
    counterexample: dict[str, str] | None = None
    values: tuple[str, str] | None = None
    note: str = ""
    sizes_tried: str = ""


def _fmt_value(value: Any) -> str:
    if isinstance(value, mpmath.mpc):
        if abs(value.imag) <= mpmath.mpf(10) ** (-DIGITS + 10) * max(1, abs(value)):
            value = value.real
        else:
            return f"{mpmath.nstr(value.real, 8)} + {mpmath.nstr(value.imag, 8)}i"
    return mpmath.nstr(value, 8)


def _fmt_point(value: sp.Rational) -> str:
    if value.is_integer:
        return str(int(value))
    text = f"{float(value):.6g}"
    return text


class _Sampler:
    """Concrete instances (sizes, free indices) and random points for a pair of expressions."""

    def __init__(self, derivation: Derivation, seed: str) -> None:
        self.derivation = derivation
        self.rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
        self.domains = derivation.symbols

    def domain_of(self, atom: sp.Basic) -> Domain:
        if isinstance(atom, sp.Indexed):
            return self.domains.get(str(atom.base.label), Domain("real"))
        return self.domains.get(str(atom), Domain("real"))

    def instances(self, exprs: list[sp.Expr]) -> list[dict[sp.Symbol, sp.Integer]]:
        free: set[sp.Symbol] = set()
        for expr in exprs:
            free |= {s for s in expr.free_symbols if isinstance(s, sp.Symbol)}
        sizes = sorted((s for s in free if self.domain_of(s).kind == "size"), key=str)
        # An index bound may name a size that does not appear itself.
        indices = sorted((s for s in free if self.domain_of(s).kind == "index"), key=str)
        for index in indices:
            dom = self.domain_of(index)
            for bound in (dom.lo, dom.hi):
                for s in bound.free_symbols:
                    if s not in sizes:
                        sizes.append(s)
        sizes.sort(key=str)
        size_choices = list(itertools.product(SIZES, repeat=len(sizes))) if sizes else [()]
        out: list[dict[sp.Symbol, sp.Integer]] = []
        for combo in size_choices:
            assignment = {s: sp.Integer(v) for s, v in zip(sizes, combo, strict=True)}
            ranges = []
            for index in indices:
                dom = self.domain_of(index)
                lo = int(dom.lo.subs(assignment))
                hi = int(dom.hi.subs(assignment))
                ranges.append(range(lo, hi + 1))
            if any(len(r) == 0 for r in ranges):
                continue
            for values in itertools.product(*ranges) if indices else [()]:
                inst = dict(assignment)
                inst.update({i: sp.Integer(v) for i, v in zip(indices, values, strict=True)})
                out.append(inst)
        if len(out) > 12:
            keep = sorted(self.rng.sample(range(len(out)), 12))
            out = [out[k] for k in keep]
        return out

    def continuous(self, dom: Domain) -> sp.Rational:
        rng = self.rng
        if dom.kind == "real":
            spread = 4 if rng.random() < 0.9 else 10
            return sp.Rational(round(rng.uniform(-spread, spread), 4)).limit_denominator(10**4)
        if dom.kind == "positive":
            return sp.Rational(f"{10 ** rng.uniform(-1.5, 1.2):.4g}")
        lo, hi = dom.lo, dom.hi
        if lo == -sp.oo and hi == sp.oo:
            return self.continuous(Domain("real"))
        if hi == sp.oo:
            return lo + sp.Rational(f"{10 ** rng.uniform(-1.5, 1.2):.4g}")
        if lo == -sp.oo:
            return hi - sp.Rational(f"{10 ** rng.uniform(-1.5, 1.2):.4g}")
        width = hi - lo
        for _ in range(50):
            u = sp.Rational(round(rng.uniform(0.01, 0.99), 4)).limit_denominator(10**4)
            value = lo + width * u
            if value != lo and value != hi:
                return value
        return (lo + hi) / 2

    def points(self, atoms: list[sp.Basic], budget: int) -> list[dict[sp.Basic, sp.Rational]]:
        discrete = [a for a in atoms if self.domain_of(a).kind == "set"]
        continuous = [a for a in atoms if a not in discrete]
        value_sets = [self.domain_of(a).values for a in discrete]
        combos = list(itertools.product(*value_sets)) if discrete else [()]
        if len(combos) > 64:
            combos = [tuple(self.rng.choice(vs) for vs in value_sets) for _ in range(64)]
        per_combo = max(3, -(-budget // len(combos))) if continuous else 1
        out = []
        for combo in combos:
            for _ in range(per_combo):
                point = dict(zip(discrete, combo, strict=True))
                for atom in continuous:
                    point[atom] = self.continuous(self.domain_of(atom))
                out.append(point)
        return out


def _atoms(expr: sp.Expr) -> list[sp.Basic]:
    """The variables of a concrete expression: plain symbols and indexed elements."""
    indexed = set(expr.atoms(sp.Indexed))
    labels = {item.base.label for item in indexed}
    symbols = {s for s in expr.free_symbols if isinstance(s, sp.Symbol) and s not in labels}
    return sorted(symbols | indexed, key=sp.default_sort_key)


def _concrete(expr: sp.Expr, instance: dict[sp.Symbol, sp.Integer]) -> sp.Expr:
    value = expr.subs(instance) if instance else expr
    return value.doit()


class _Compiled:
    """An expression compiled for mpmath evaluation over a fixed list of atoms."""

    def __init__(self, expr: sp.Expr, atoms: list[sp.Basic]) -> None:
        self.expr = expr
        self.atoms = atoms
        dummies = [sp.Dummy(f"a{k}") for k in range(len(atoms))]
        self.replaced = expr.xreplace(dict(zip(atoms, dummies, strict=True)))
        try:
            self.func: Callable[..., Any] | None = sp.lambdify(
                dummies, self.replaced, modules="mpmath"
            )
        except Exception:
            self.func = None
        self.dummies = dummies

    def __call__(self, point: dict[sp.Basic, sp.Rational]) -> Any:
        args = [mpmath.mpf(point[a].p) / point[a].q for a in self.atoms]
        if self.func is not None:
            return self.func(*args)
        value = self.replaced.xreplace(
            dict(zip(self.dummies, [point[a] for a in self.atoms], strict=True))
        )
        return mpmath.mpmathify(sp.N(value, mpmath.mp.dps))


def _evaluate(compiled: _Compiled, point: dict[sp.Basic, sp.Rational]) -> Any:
    try:
        value = compiled(point)
    except (ZeroDivisionError, ValueError, OverflowError, TypeError):
        return None
    if isinstance(value, (int, float)):
        value = mpmath.mpf(value)
    if not isinstance(value, (mpmath.mpf, mpmath.mpc)):
        try:
            value = mpmath.mpmathify(value)
        except (TypeError, ValueError):
            return None
    if not mpmath.isfinite(value):
        return None
    return value


def _relative_difference(a: Any, b: Any) -> Any:
    scale = max(abs(a), abs(b))
    return abs(a - b) / scale if scale else mpmath.mpf(0)


def _close(a: Any, b: Any, digits: int) -> bool:
    """Equal up to rounding at *digits* significant digits (relative, or absolute near 0)."""
    diff = abs(a - b)
    return diff <= mpmath.mpf(10) ** (-(digits - 15)) * max(abs(a), abs(b)) or diff <= mpmath.mpf(
        10
    ) ** (-(digits - 5))


def _really_differ(first: tuple[Any, Any], confirmed: tuple[Any, Any]) -> bool:
    """Whether a difference seen at DIGITS survives at CONFIRM_DIGITS.

    Rounding error (say, from 1 - sigma(z) at large z) shrinks by many orders of magnitude when
    the precision grows; a real difference between two expressions does not.
    """
    a2, b2 = confirmed
    if a2 is None or b2 is None:
        return False
    if _close(a2, b2, CONFIRM_DIGITS):
        return False
    before = _relative_difference(*first)
    after = _relative_difference(a2, b2)
    return after > mpmath.mpf(10) ** -30 and after > before * mpmath.mpf(10) ** -10


def _compare_numerically(
    left: sp.Expr, right: sp.Expr, sampler: _Sampler, cache: dict[Any, _Compiled]
) -> _Verdict:
    instances = sampler.instances([left, right])
    if not instances:
        return _Verdict(equal=None, points=0, note="no concrete size satisfies the index bounds")
    budget = max(6, MAX_POINTS // len(instances))
    evaluated = undefined = 0
    for instance in instances:
        try:
            lhs = _concrete(left, instance)
            rhs = _concrete(right, instance)
        except Exception as exc:  # sympy can fail to expand or differentiate
            return _Verdict(
                equal=None,
                points=evaluated,
                note=f"could not evaluate ({type(exc).__name__}: {exc})",
            )
        atoms = sorted(set(_atoms(lhs)) | set(_atoms(rhs)), key=sp.default_sort_key)
        keys = [(lhs, tuple(atoms)), (rhs, tuple(atoms))]
        compiled = []
        for key in keys:
            if key not in cache:
                cache[key] = _Compiled(key[0], atoms)
            compiled.append(cache[key])
        for point in sampler.points(atoms, budget):
            with mpmath.workdps(DIGITS):
                a = _evaluate(compiled[0], point)
                b = _evaluate(compiled[1], point)
            if a is None or b is None:
                if (a is None) != (b is None):
                    # One side is defined and the other is not: confirm at higher precision.
                    with mpmath.workdps(CONFIRM_DIGITS):
                        a2 = _evaluate(compiled[0], point)
                        b2 = _evaluate(compiled[1], point)
                    if (a2 is None) != (b2 is None):
                        return _counterexample(instance, point, a2, b2, evaluated + 1)
                undefined += 1
                continue
            evaluated += 1
            if not _close(a, b, DIGITS):
                with mpmath.workdps(CONFIRM_DIGITS):
                    a2 = _evaluate(compiled[0], point)
                    b2 = _evaluate(compiled[1], point)
                if _really_differ((a, b), (a2, b2)):
                    return _counterexample(instance, point, a2, b2, evaluated)
    needed = 1 if not any(_atoms(_concrete(e, instances[0])) for e in (left, right)) else 3
    if evaluated < max(needed, (evaluated + undefined) // 3):
        return _Verdict(
            equal=None,
            points=evaluated,
            note=f"both sides are undefined at {undefined} of "
            f"{evaluated + undefined} sample points",
        )
    sizes = sorted(
        {str(s) for inst in instances for s in inst if sampler.domain_of(s).kind == "size"}
    )
    tried = ""
    if sizes:
        tried = f", sizes {', '.join(sizes)} in {{{', '.join(map(str, SIZES))}}}"
    return _Verdict(equal=True, points=evaluated, sizes_tried=tried)


def _counterexample(instance: dict, point: dict, a: Any, b: Any, points: int) -> _Verdict:
    shown: dict[str, str] = {}
    for symbol, value in sorted(instance.items(), key=lambda kv: str(kv[0])):
        shown[str(symbol)] = str(value)
    for atom, value in sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0])):
        name = str(atom).replace(" ", "")
        shown[name] = _fmt_point(value)
    values = (
        "undefined" if a is None else _fmt_value(a),
        "undefined" if b is None else _fmt_value(b),
    )
    return _Verdict(equal=False, points=points, counterexample=shown, values=values)


def _attempt_proof(left: sp.Expr, right: sp.Expr, sampler: _Sampler, deadline: float) -> str | None:
    """A symbolic proof that left == right on the domains, or None. Returns the method."""
    try:
        difference = (left - right).doit()
    except Exception:
        return None
    if difference == 0:
        return "sympy: equal after evaluation"
    discrete = sorted(
        (
            s
            for s in difference.free_symbols
            if isinstance(s, sp.Symbol) and sampler.domain_of(s).kind == "set"
        ),
        key=str,
    )
    if difference.has(sp.Sum) or difference.has(sp.Indexed):
        cases = [difference]
        case_note = ""
    else:
        value_sets = [sampler.domain_of(s).values for s in discrete]
        combos = list(itertools.product(*value_sets))
        if discrete and len(combos) <= 8:
            cases = [difference.subs(dict(zip(discrete, c, strict=True))) for c in combos]
            case_note = f", case by case over {', '.join(map(str, discrete))}"
        else:
            cases = [difference]
            case_note = ""

    strategies: list[tuple[str, Callable[[sp.Expr], sp.Expr]]] = [
        ("expand", sp.expand),
        ("cancel", lambda e: sp.cancel(sp.together(e))),
        ("expand_log + cancel", lambda e: sp.cancel(sp.expand_log(e, force=False))),
        ("exp as a power + cancel", _cancel_exponentials),
        ("simplify", sp.simplify),
    ]
    for name, strategy in strategies:
        proven = True
        for case in cases:
            if time.perf_counter() > deadline:
                return None
            if name == "simplify" and sp.count_ops(case) > 60:
                proven = False
                break
            try:
                result = strategy(case)
            except Exception:
                proven = False
                break
            if result != 0:
                proven = False
                break
        if proven:
            return f"proved symbolically (sympy: {name}{case_note})"
    return None


def _cancel_exponentials(expr: sp.Expr) -> sp.Expr:
    """Write every exp(k*s + c) over one variable per argument family, then cancel."""
    expr = sp.expand_log(sp.powsimp(sp.expand(expr)), force=False)
    exps = expr.atoms(sp.exp)
    if not exps:
        return sp.cancel(sp.together(expr))
    # exp(-z), exp(z), exp(-w*x - b) ...: express through exp(u) for u the base arguments.
    replaced = expr.rewrite(sp.exp)
    replaced = sp.powsimp(sp.powdenest(replaced, force=False))
    return sp.cancel(sp.together(sp.expand(replaced)))


def _decide_step(
    prev: Step, step: Step, derivation: Derivation, chain: Chain, cache: dict[Any, _Compiled]
) -> StepResult:
    started = time.perf_counter()
    seed = f"{derivation.text}\0{chain.name}\0{step.number}"
    sampler = _Sampler(derivation, seed)
    result = StepResult(
        chain=chain.name,
        number=step.number,
        line=step.line,
        tex=step.tex,
        expr=step.expr,
        why=step.why,
        wrong=step.wrong,
        status="error",
        method="",
        digits=DIGITS,
        compared_with=prev.expr,
    )
    verdict = _compare_numerically(prev.value, step.value, sampler, cache)
    result.points = verdict.points
    if verdict.equal is False:
        result.status = "refuted"
        result.method = (
            f"counterexample found among {verdict.points} points, {DIGITS} digits, "
            f"confirmed at {CONFIRM_DIGITS}"
        )
        result.counterexample = verdict.counterexample
        result.values = verdict.values
    elif verdict.equal is None:
        result.status = "error"
        result.method = "not decided"
        result.message = verdict.note
    else:
        proof = None
        if not step.wrong:
            proof = _attempt_proof(
                prev.value, step.value, sampler, time.perf_counter() + PROOF_SECONDS
            )
        numeric = (
            f"not refuted at {verdict.points} points, {DIGITS} significant digits"
            f"{verdict.sizes_tried}"
        )
        if proof is not None:
            result.status = "proved"
            result.method = f"{proof}; {numeric}"
        else:
            result.status = "numeric"
            result.method = numeric
    result.seconds = time.perf_counter() - started
    return result


def _check_display(
    step: Step,
    derivation: Derivation,
    chain: Chain,
    result: StepResult,
    cache: dict[Any, _Compiled],
) -> None:
    shown = displayed_part(step.tex).strip()
    try:
        value = tex_to_sympy(shown, derivation.namespace)
    except TexUnsupported as exc:
        result.display = "unparsed"
        result.display_detail = str(exc)
        return
    except Exception as exc:  # defensive: a reader bug must not pass as a match
        result.display = "unparsed"
        result.display_detail = f"{type(exc).__name__}: {exc}"
        return
    sampler = _Sampler(derivation, f"display\0{derivation.text}\0{chain.name}\0{step.number}")
    verdict = _compare_numerically(value, step.value, sampler, cache)
    if verdict.equal is False:
        point = ", ".join(f"{k} = {v}" for k, v in (verdict.counterexample or {}).items())
        shown_value, expr_value = verdict.values or ("?", "?")
        result.display = "mismatch"
        result.display_detail = (
            f"the display reads as {sp.sstr(value)}; at {point} it is "
            f"{shown_value} but expr is {expr_value}"
        )
    elif verdict.equal is None:
        result.display = "unparsed"
        result.display_detail = f"could not compare the display with expr ({verdict.note})"
    else:
        result.display = "matched"


def check_derivation(derivation: Derivation) -> DerivationResult:
    """Decide every step of *derivation* and cross-check every display.

    Examples
    --------
    >>> d = parse_derivation('''
    ... id: demo
    ... symbols:
    ...   z: real
    ... define:
    ...   sigma(t): 1/(1 + exp(-t))
    ... chains:
    ...   - name: s
    ...     steps:
    ...       - tex: 1 - \\\\sigma(z)
    ...         expr: 1 - sigma(z)
    ...       - tex: = \\\\sigma(-z)
    ...         expr: sigma(-z)
    ... ''')
    >>> result = check_derivation(d)
    >>> [step.status for step in result.steps], result.ok
    (['start', 'proved'], True)
    """
    started = time.perf_counter()
    cache: dict[Any, _Compiled] = {}
    results: list[StepResult] = []
    for chain in derivation.chains:
        previous: Step | None = None
        for step in chain.steps:
            if previous is None:
                result = StepResult(
                    chain=chain.name,
                    number=step.number,
                    line=step.line,
                    tex=step.tex,
                    expr=step.expr,
                    why=step.why,
                    wrong=step.wrong,
                    status="start",
                    method="first expression of the chain",
                )
                t0 = time.perf_counter()
                _check_display(step, derivation, chain, result, cache)
                result.seconds = time.perf_counter() - t0
            else:
                result = _decide_step(previous, step, derivation, chain, cache)
                t0 = time.perf_counter()
                _check_display(step, derivation, chain, result, cache)
                result.seconds += time.perf_counter() - t0
            results.append(result)
            previous = step
    return DerivationResult(
        id=derivation.id,
        file=derivation.file,
        line=derivation.line,
        steps=results,
        seconds=time.perf_counter() - started,
    )
