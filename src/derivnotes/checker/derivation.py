r"""The step checker: parse a derivation block, decide every step, explain every failure.

A block (the YAML inside a ```` ```derivation ```` fence) declares symbols with domains,
functions and abbreviations, and chains of steps; every step must equal the step before it on
the declared domains. The contract, for authors, is the site's page "Write a derivation"
(``docs/write-a-derivation.md``).

Each step ends as

``start``
    the first step of a chain (nothing to compare with);
``proved``
    shown equal to the step before it by sympy (and not refuted numerically either);
``numeric``
    not refuted at many random points of the domains in high precision (no symbolic proof
    within the time bound);
``refuted``
    a concrete point where the two steps differ (both values are given);
``error``
    the step could not be decided (e.g. undefined at every sampled point).

Every ``=``-separated part of the displayed TeX of every step is read back
(:mod:`derivnotes.checker.tex`) and compared with its ``expr`` (a left-hand side with the chain's
start, or matched against the chain's declared ``label``): ``matched``, ``mismatch`` (fails,
exit 1), ``unparsed`` (cannot be read: fails, exit 2), ``unchecked`` (the step says
``display: unchecked``; the page marks it) or ``generated`` (no ``tex`` was given: it was
generated from ``expr``).

Conventions
-----------
* ``expr`` is sympy/Python syntax: products need ``*``, powers are ``**`` or ``^``; ``log`` and
  ``ln`` are natural, ``log(x, 10)`` and ``log10(x)`` base 10; decimals are exact rationals;
  ``diff``/``Derivative`` stay unevaluated until sizes are concrete. Every name must be declared
  (or be one of :data:`FUNCTIONS`, ``pi``, ``E``, ``oo``); a summation variable may be left
  undeclared, and every summation variable is made fresh, so ``z(j)`` of a ``define`` summing
  over ``j`` does not capture it. Names the parser relies on (:data:`RESERVED`) cannot be
  declared.
* A chain's name stands for its first expression in later chains (``diff(L, w)``).
* In displays, ``x_j`` is ``x[j]`` when ``x`` is indexed; on a symbol declared without an index
  a subscript is an error (it would not be read); a name such as ``w_1`` or ``J_{\\text{reg}}``
  is looked up as ``w_1``/``w1``/``J_reg`` first. A name declared as a function in ``define``
  followed by parentheses is applied (``\\sigma(z)``); any other name followed by parentheses is
  a product (``a(1-a)``).
* Numbers: see :mod:`derivnotes.checker.numeric` for how points are hunted for. A step is
  refuted at a point where the two sides differ at two precisions that resolve it, or where it
  is undefined (also as written, before sympy cancels a factor) while the step before is
  defined.

Examples
--------
>>> block = '''
... id: demo
... symbols:
...   z: real
... define:
...   sigma(t): 1/(1+exp(-t))
... chains:
...   - name: s
...     steps:
...       - tex: 1 - \\sigma(z)
...         expr: 1 - sigma(z)
...       - tex: = \\sigma(-z)
...         expr: sigma(-z)
... '''
>>> result = check_derivation(parse_derivation(block))
>>> [(s.status, s.display) for s in result.steps]
[('start', 'matched'), ('proved', 'matched')]
>>> result.ok
True
"""

from __future__ import annotations

import ast
import builtins
import difflib
import keyword
import re
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

import sympy as sp
import yaml
from sympy.core.parameters import evaluate
from sympy.parsing.sympy_parser import auto_number, convert_xor, parse_expr, rationalize

from derivnotes.checker.domains import Domain, DomainError, parse_domain
from derivnotes.checker.numeric import (
    DIGITS,
    NumericComparer,
    Outcome,
    huge_constant,
    rename_bound,
    singular_parts,
)
from derivnotes.checker.results import (
    CHECKER_VERSION,
    DerivationError,
    DerivationResult,
    StepResult,
)
from derivnotes.checker.symbolic import canonical_bound, constant_difference, prove_equal
from derivnotes.checker.tex import (
    SubscriptError,
    TexUnsupported,
    annotation,
    split_parts,
    tex_to_sympy,
    unwrap_equations,
)
from derivnotes.checker.texsafety import unsafe_tex

__all__ = [
    "CHECKER_VERSION",
    "Chain",
    "Derivation",
    "DerivationError",
    "DerivationResult",
    "Step",
    "StepResult",
    "check_derivation",
    "parse_derivation",
]


PROOF_SECONDS = 0.4  # budget of the symbolic proof attempt per step
POINTS = 64  # points per step comparison (spread over size configurations)
CONFIRM_POINTS = 24  # points of the numeric second opinion on a step with sums sympy proved
DISPLAY_POINTS = 24  # points per display cross-check

TOP_KEYS = ("id", "symbols", "define", "chains")
CHAIN_KEYS = ("name", "steps", "label")
STEP_KEYS = ("tex", "expr", "why", "wrong", "display")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_DEFINE_KEY = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*(?:\(([^()]*)\))?\s*\Z")


def _log10(x: sp.Expr) -> sp.Expr:
    return sp.log(x, 10)


def _log2(x: sp.Expr) -> sp.Expr:
    return sp.log(x, 2)


def _log1p(x: sp.Expr) -> sp.Expr:
    return sp.log(1 + x)


class _DiffError(ValueError):
    pass


def _diff(expr: Any, *variables: Any) -> sp.Expr:
    """``diff``/``Derivative`` in an expr: kept unevaluated until sizes are concrete."""
    expr = sp.sympify(expr)
    if not isinstance(expr, sp.Expr):
        raise _DiffError(f"cannot differentiate {expr}: it is not an expression")
    if not variables:
        raise _DiffError("diff needs the variable to differentiate by, e.g. diff(L, w)")
    for variable in variables:
        target = variable[0] if isinstance(variable, (tuple, sp.Tuple)) else variable
        if isinstance(target, (int, sp.Integer)) and not isinstance(variable, tuple):
            continue  # diff(f, x, 2)
        if not isinstance(target, (sp.Symbol, sp.Indexed)):
            raise _DiffError(
                f"cannot differentiate with respect to {target}: differentiate by a declared "
                "symbol such as w or w[k] (an abbreviation stands for its definition)"
            )
    return sp.Derivative(expr, *variables)


# Functions every expr may use (sympy's own names, plus ln and log10 for the course's notation).
FUNCTIONS: dict[str, Any] = {
    "exp": sp.exp,
    "log": sp.log,
    "ln": sp.log,
    "log10": _log10,
    "log2": _log2,
    "sqrt": sp.sqrt,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "atan": sp.atan,
    "asin": sp.asin,
    "acos": sp.acos,
    "atan2": sp.atan2,
    "Abs": sp.Abs,
    "abs": sp.Abs,
    "sign": sp.sign,
    "Max": sp.Max,
    "Min": sp.Min,
    "erf": sp.erf,
    "Heaviside": sp.Heaviside,
    "log1p": _log1p,
    "Sum": sp.Sum,
    "Product": sp.Product,
    "diff": _diff,
    "Derivative": _diff,
    "KroneckerDelta": sp.KroneckerDelta,
    "Rational": sp.Rational,
}
CONSTANTS: dict[str, Any] = {"pi": sp.pi, "E": sp.E, "oo": sp.oo}
_GLOBALS: dict[str, Any] = {
    "Integer": sp.Integer,
    "Float": sp.Float,
    "Rational": sp.Rational,
    "__builtins__": {},
}
_BINDERS = ("Sum", "Product")
# Names the expression parser itself relies on, and Python's builtins: never declarable.
RESERVED = frozenset(
    {
        "Integer",
        "Float",
        "Rational",
        "Symbol",
        "Function",
        "Lambda",
        "Dummy",
        "Indexed",
        "IndexedBase",
        "Derivative",
        "Sum",
        "Product",
        "Tuple",
        "Basic",
        "Expr",
        "nan",
        "zoo",
    }
    | {name for name in dir(builtins) if not name.startswith("_")}
)
MAX_EXPR_CHARS = 4000  # an expr longer than this is refused: split it with define
MAX_EXPR_DEPTH = 40  # brackets nested deeper than this are refused
MAX_EXPR_NODES = 1500  # operations in one expr


# -- the model -----------------------------------------------------------------------------------
@dataclass
class Define:
    """One entry of ``define``: a function (``params`` non-empty) or an abbreviation."""

    name: str
    params: tuple[str, ...]
    body: str
    line: int
    value: Any = field(default=None, repr=False, compare=False)  # sympy Lambda or Expr


@dataclass
class Step:
    """One step of a chain, as written, with its parsed sympy expression in ``value``."""

    number: int
    line: int
    tex: str
    expr: str
    why: str | None = None
    wrong: bool = False
    value: Any = field(default=None, repr=False, compare=False)  # sympy Expr
    expr_line: int = 0
    tex_generated: bool = False
    display_unchecked: bool = False
    written: Any = field(default=None, repr=False, compare=False)  # see Parser.as_written
    tex_read: bool = False  # no expr: the value is the reading of the display's last part


@dataclass
class Chain:
    """A named chain of steps; its first expression is bound to its name for later chains."""

    name: str
    line: int
    steps: list[Step]
    label: str | None = None  # TeX that names the chain's start on the left of an '='


@dataclass
class Scope:
    """The sympy objects a block declares (what exprs and displays may name)."""

    objects: dict[str, Any] = field(default_factory=dict)  # name -> Symbol/IndexedBase/...
    domains: dict[sp.Basic, Domain] = field(default_factory=dict)
    labels: dict[sp.Basic, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> symbol/array/function/...


@dataclass
class Derivation:
    """A parsed derivation block."""

    id: str
    file: str
    line: int
    symbols: dict[str, Domain]
    defines: dict[str, Define]
    chains: list[Chain]
    text: str
    scope: Scope = field(default_factory=Scope, repr=False, compare=False)


class _Parser:
    def __init__(self, text: str, file: str, line: int) -> None:
        self.text = text
        self.file = file
        self.line0 = line

    def error(self, message: str, node: yaml.Node | int | None = None) -> DerivationError:
        if isinstance(node, yaml.Node):
            line = self.line0 + node.start_mark.line
        elif isinstance(node, int):
            line = node
        else:
            line = self.line0
        return DerivationError(message, file=self.file, line=line)

    def at(self, node: yaml.Node) -> int:
        return self.line0 + node.start_mark.line

    # -- YAML shapes ---------------------------------------------------------------------
    def mapping(
        self, node: yaml.Node, what: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.error(f"{what} must be a mapping with the keys {', '.join(allowed)}", node)
        entries: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, f"a key of {what}")
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.error(
                    f"{what}: unknown key '{key}'{hint}; the allowed keys are {', '.join(allowed)}",
                    key_node,
                )
            if key in entries:
                raise self.error(f"{what}: the key '{key}' is given twice", key_node)
            entries[key] = (key_node, value_node)
        for key in required:
            if key not in entries:
                raise self.error(
                    f"{what} has no '{key}' (required keys: {', '.join(required)})", node
                )
        return entries

    def scalar(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.error(
                f"{what} must be a single value, not a list or mapping (a value that starts with "
                "'{', '[' or '- ' is read as one: put it in single quotes)",
                node,
            )
        return str(node.value)

    def boolean(self, node: yaml.Node, what: str) -> bool:
        value = self.scalar(node, what).strip().lower()
        if value in ("true", "yes", "on"):
            return True
        if value in ("false", "no", "off", ""):
            return False
        raise self.error(f"{what} must be true or false, not '{value}'", node)

    def domain_text(self, node: yaml.Node) -> str:
        if isinstance(node, yaml.ScalarNode):
            return str(node.value)
        if isinstance(node, yaml.SequenceNode):  # [0, 1] unquoted is a YAML list
            return "[" + ", ".join(self.scalar(n, "an interval bound") for n in node.value) + "]"
        if isinstance(node, yaml.MappingNode) and all(  # {0, 1} unquoted is a YAML mapping
            isinstance(v, yaml.ScalarNode) and v.tag.endswith(":null") for _, v in node.value
        ):
            items = ", ".join(self.scalar(k, "a set element") for k, _ in node.value)
            return "{" + items + "}"
        raise self.error('cannot read this domain; write it as text, e.g. real or "{0, 1}"', node)

    # -- the block -----------------------------------------------------------------------
    def parse(self) -> Derivation:
        try:
            root = yaml.compose(self.text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = self.line0 + (mark.line if mark is not None else 0)
            problem = " ".join(str(p) for p in (exc.context, exc.problem) if p)
            tab = "'\\t'" in problem  # the scanner met a tab where YAML wants spaces
            raise DerivationError(
                f"the derivation block is not valid YAML ({problem}).\n"
                + ("    This line holds a tab: indent with spaces only.\n" if tab else "")
                + "    Look at this line and the one before it. Indent with spaces only, each\n"
                "    key of a mapping in the same column as its neighbours. Put in single quotes\n"
                "    a value that contains ': ' or ' #', or starts with '{', '[', '*', '&', '!',\n"
                "    '|', '>' or '- ', writing a ' inside it as '' (in double quotes, a backslash\n"
                "    starts an escape).",
                file=self.file,
                line=line,
            ) from None
        except yaml.YAMLError as exc:
            raise DerivationError(
                f"the derivation block is not valid YAML: {exc}", file=self.file, line=self.line0
            ) from None
        except RecursionError:
            raise DerivationError(
                "the derivation block nests lists or mappings too deeply to read; a derivation "
                "needs only the keys id, symbols, define and chains, each a level or two deep",
                file=self.file,
                line=self.line0 + _deepest_line(self.text),
            ) from None
        if root is None:
            raise self.error(f"the derivation block is empty; expected {', '.join(TOP_KEYS)}")
        top = self.mapping(root, "the derivation block", TOP_KEYS, ("id", "chains"))
        id_node = top["id"][1]
        block_id = self.scalar(id_node, "id").strip()
        if not block_id or any(ch.isspace() for ch in block_id):
            raise self.error(
                f"id '{block_id}' must be one word without spaces (e.g. logistic-dw)", id_node
            )
        self.scope = Scope()
        self.names_at: dict[str, int] = {}
        symbols = self.parse_symbols(top["symbols"][1]) if "symbols" in top else {}
        defines = self.parse_defines(top["define"][1]) if "define" in top else {}
        chains = self.parse_chains(top["chains"][1])
        return Derivation(
            id=block_id,
            file=self.file,
            line=self.line0,
            symbols=symbols,
            defines=defines,
            chains=chains,
            text=self.text,
            scope=self.scope,
        )

    def claim(self, name: str, node: yaml.Node, what: str) -> None:
        if keyword.iskeyword(name):
            raise self.error(
                f"{what}: '{name}' is a Python keyword and cannot be a name; write {name}_ "
                f"(it is still shown as \\{name} in TeX)",
                node,
            )
        if not _NAME.match(name):
            raise self.error(
                f"{what}: '{name}' is not a valid name (letters, digits and _, starting with a "
                "letter)",
                node,
            )
        if name in FUNCTIONS or name in CONSTANTS or name in RESERVED:
            raise self.error(
                f"{what}: '{name}' is a built-in function, constant or name of the expression "
                f"language; choose another name (e.g. {name}_ or {name.lower()}1)",
                node,
            )
        if name in self.scope.objects:
            raise self.error(
                f"{what}: '{name}' is already declared (line {self.names_at[name]})", node
            )
        self.names_at[name] = self.at(node)

    def parse_symbols(self, node: yaml.Node) -> dict[str, Domain]:
        if isinstance(node, yaml.ScalarNode) and node.value == "":
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise self.error(
                "symbols must be a mapping of names to domains, e.g. 'w, b: real'", node
            )
        entries = []
        sizes: dict[str, sp.Symbol] = {}
        for key_node, value_node in node.value:
            names = [n.strip() for n in self.scalar(key_node, "a symbol name").split(",")]
            text = self.domain_text(value_node)
            entries.append((key_node, value_node, names, text))
            if text.strip() == "size":
                for name in names:
                    sizes[name] = sp.Symbol(name, integer=True, positive=True)
        domains: dict[str, Domain] = {}
        for key_node, value_node, names, text in entries:
            try:
                domain = parse_domain(text, sizes)
            except DomainError as exc:
                raise self.error(f"symbols: '{', '.join(names)}': {exc}", value_node) from None
            for name in names:
                self.claim(name, key_node, "symbols")
                if domain.kind == "size":
                    obj: Any = sizes[name]
                    kind = "size"
                elif domain.indexed:
                    obj = sp.IndexedBase(name, **domain.assumptions())
                    kind = "array"
                else:
                    obj = sp.Symbol(name, **domain.assumptions())
                    kind = "index" if domain.kind == "index" else "symbol"
                self.scope.objects[name] = obj
                self.scope.kinds[name] = kind
                self.scope.domains[obj] = domain
                self.scope.labels[obj] = name
                domains[name] = domain
        return domains

    def parse_defines(self, node: yaml.Node) -> dict[str, Define]:
        if isinstance(node, yaml.ScalarNode) and node.value == "":
            return {}
        if not isinstance(node, yaml.MappingNode):
            raise self.error(
                "define must be a mapping such as 'sigma(t): 1/(1+exp(-t))' or 'z: w*x + b'", node
            )
        defines: dict[str, Define] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node, "a define name")
            match = _DEFINE_KEY.match(key)
            if not match:
                raise self.error(
                    f"define: cannot read '{key}'; write a function as name(t) or name(a, b) "
                    "and an abbreviation as a bare name",
                    key_node,
                )
            name, params_text = match.group(1), match.group(2)
            self.claim(name, key_node, "define")
            params: tuple[str, ...] = ()
            if params_text is not None:
                params = tuple(p.strip() for p in params_text.split(","))
                for param in params:
                    if not _NAME.match(param) or keyword.iskeyword(param):
                        raise self.error(
                            f"define: '{param}' in '{key}' is not a valid parameter name",
                            key_node,
                        )
                if len(set(params)) != len(params):
                    raise self.error(f"define: '{key}' repeats a parameter", key_node)
            body = self.scalar(value_node, f"the definition of '{name}'")
            dummies = {p: sp.Dummy(p, real=True) for p in params}
            value = self.expression(body, f"define '{key}'", self.at(value_node), extra=dummies)
            value = _fresh_bound(value)  # z(j) must not capture a sum's own j
            if params:
                value = sp.Lambda(tuple(dummies[p] for p in params), value)
                kind = "function"
            else:
                kind = "abbreviation"
            self.scope.objects[name] = value
            self.scope.kinds[name] = kind
            defines[name] = Define(name, params, body, self.at(key_node), value)
        return defines

    def parse_chains(self, node: yaml.Node) -> list[Chain]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.error(
                "chains must be a list of chains, each '- name: ...' with 'steps:'", node
            )
        chains = []
        for chain_node in node.value:
            entries = self.mapping(chain_node, "a chain", CHAIN_KEYS, ("name", "steps"))
            name_node = entries["name"][1]
            name = self.scalar(name_node, "a chain's name").strip()
            self.claim(name, name_node, "chain name")
            steps_node = entries["steps"][1]
            if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
                raise self.error(
                    f"chain '{name}': steps must be a list of steps, each '- tex: ...' with "
                    "'expr: ...'",
                    steps_node,
                )
            steps = []
            for number, step_node in enumerate(steps_node.value, start=1):
                steps.append(self.parse_step(step_node, name, number))
            label = None
            if "label" in entries:
                label = self.scalar(entries["label"][1], f"chain '{name}': label").strip()
                if not label or "=" in label or "$" in label:
                    raise self.error(
                        f"chain '{name}': label is the TeX that names the chain's start on the "
                        "left of an '=', such as \\frac{\\partial f}{\\partial z} (no '=' or "
                        "'$' in it)",
                        entries["label"][1],
                    )
            chains.append(Chain(name, self.at(chain_node), steps, label))
            self.scope.objects[name] = steps[0].value
            self.scope.kinds[name] = "chain"
        return chains

    def parse_step(self, node: yaml.Node, chain: str, number: int) -> Step:
        where = f"step {number} of chain '{chain}'"
        entries = self.mapping(node, where, STEP_KEYS, ())
        tex = self.scalar(entries["tex"][1], f"{where}: tex").strip() if "tex" in entries else ""
        if "expr" in entries:
            expr_node = entries["expr"][1]
            expr = self.scalar(expr_node, f"{where}: expr").strip()
            local = self.names_of(expr, where, self.at(expr_node))
            value = self.evaluate(expr, local, where, self.at(expr_node))
            written = self.as_written(expr, local, value)
        elif tex:
            expr_node = entries["tex"][1]
            value = self.read_tex(tex, where, expr_node)
            expr, written = sp.sstr(value), None
        else:
            raise self.error(
                f"{where}: a step needs an expr (what is checked, in sympy syntax) or a tex (the "
                "checker then reads it); write at least one of them",
                node,
            )
        why = self.scalar(entries["why"][1], f"{where}: why") if "why" in entries else None
        wrong = (
            self.boolean(entries["wrong"][1], f"{where}: wrong") if "wrong" in entries else False
        )
        unchecked = False
        if "display" in entries:
            display_node = entries["display"][1]
            if self.scalar(display_node, f"{where}: display").strip() != "unchecked":
                raise self.error(
                    f"{where}: display can only be 'unchecked' (the display is then shown as "
                    "not checked); leave the key out to have the display read and checked",
                    display_node,
                )
            if not tex:
                raise self.error(f"{where}: display: unchecked needs a tex to show", display_node)
            unchecked = True
        for text, key in ((tex, "tex"), (why or "", "why")):
            problem = _tex_problem(text, math=key == "tex")
            if problem:
                raise self.error(f"{where}: {key} {problem}", self.at(entries[key][1]))
        if "$" in tex.replace("\\$", ""):
            raise self.error(
                f"{where}: tex holds a '$'; a step's tex is already math, so write it without "
                "$ or $$ (a dollar sign itself is \\$)",
                self.at(entries["tex"][1]),
            )
        generated = not tex
        if generated:
            # summation variables are fresh dummies: shown by their own names
            named = value.xreplace(
                {d: sp.Symbol(d.name.lstrip("_") or "i") for d in value.atoms(sp.Dummy)}
            )
            tex = ("= " if number > 1 else "") + sp.latex(named)
        return Step(
            number=number,
            line=self.at(node),
            tex=tex,
            expr=expr,
            why=why,
            wrong=wrong,
            value=value,
            expr_line=self.at(expr_node),
            tex_generated=generated,
            display_unchecked=unchecked,
            written=written,
            tex_read="expr" not in entries,
        )

    def read_tex(self, tex: str, where: str, node: yaml.Node) -> sp.Expr:
        """The value of a step that has a tex and no expr: the reading of the display's last
        ``=``-part, with the block's names (and the chains before this one); refused when it
        cannot be read, or can be read in two ways (``\\ln 2x``)."""
        line = self.at(node)
        problem = _tex_problem(tex, math=True)
        if problem:
            raise self.error(f"{where}: tex {problem}", line)
        unwrapped = unwrap_equations(tex)
        if annotation(unwrapped) is not None:
            raise self.error(
                f"{where}: the step has no expr, so the checker reads its tex, which holds words "
                "(\\text{...}); say them in the step's why",
                line,
            )
        last = split_parts(unwrapped)[-1].strip()
        if not last:
            raise self.error(f"{where}: the tex ends with '=': there is nothing to read", line)
        names = dict(self.scope.objects)
        labels = {name for name, kind in self.scope.kinds.items() if kind == "chain"}
        advice = (
            "Write it in the notation listed on 'Write a derivation', or give the step an expr "
            "in sympy syntax."
        )
        try:
            value = tex_to_sympy(last, names, labels=labels)
            greedy = tex_to_sympy(last, names, greedy=True, labels=labels)
        except (SubscriptError, TexUnsupported) as exc:
            raise self.error(
                f"{where}: the step has no expr, so the checker reads its tex, but cannot read "
                f"'{_short(last, 80)}': {exc}. {advice}",
                line,
            ) from None
        except Exception as exc:
            raise self.error(
                f"{where}: the step has no expr, so the checker reads its tex, but cannot read "
                f"'{_short(last, 80)}' ({type(exc).__name__}: {exc}). {advice}",
                line,
            ) from None
        if not isinstance(value, sp.Expr):
            raise self.error(f"{where}: the tex '{_short(last, 80)}' is not an expression", line)
        if greedy != value and isinstance(greedy, sp.Expr) and sp.expand(greedy - value) != 0:
            raise self.error(
                f"{where}: the tex '{_short(last, 80)}' can be read as {sp.sstr(value)} or as "
                f"{sp.sstr(greedy)}; put the function's argument in parentheses, e.g. \\ln(2x) "
                "or \\ln(2)\\,x",
                line,
            )
        if value.has(sp.Sum, sp.Product):
            value = _fresh_bound(value)
        return value

    def as_written(self, text: str, local: dict[str, Any], value: sp.Expr) -> sp.Expr | None:
        """The expr as written, unsimplified, when it divides by (or takes the log of) something
        its simplified value does not: sympy cancels ``a/a`` as it reads, but the step as written
        is undefined where ``a = 0``. None when there is no such difference."""
        try:
            written = parse_expr(
                text,
                local_dict=local,
                global_dict={**_GLOBALS, "Mul": sp.Mul, "Add": sp.Add, "Pow": sp.Pow},
                transformations=(auto_number, rationalize, convert_xor),
                evaluate=False,
            )
        except Exception:
            return None
        if not isinstance(written, sp.Expr):
            return None
        if written.has(sp.Sum, sp.Product):
            with evaluate(False):  # renaming must not cancel what was written
                written = _fresh_bound(written)
        # parts compared with bound variables named alike and evaluated: 1*(1*a) and a are one
        with evaluate(False):
            forms = canonical_bound(written), canonical_bound(value)
        mine, theirs = (
            {canonical_bound(g, rebuild=True) for g in singular_parts(form)} for form in forms
        )
        extra = mine - theirs
        return written if extra else None

    # -- expressions ---------------------------------------------------------------------
    def expression(
        self, text: str, where: str, line: int, extra: dict[str, Any] | None = None
    ) -> sp.Expr:
        """Parse one expr after checking every name it uses is declared."""
        return self.evaluate(text, self.names_of(text, where, line, extra), where, line)

    def names_of(
        self, text: str, where: str, line: int, extra: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The objects an expr's names stand for, after checking its size and syntax."""
        if not text:
            raise self.error(f"{where}: expr is empty; write the step's expression", line)
        if len(text) > MAX_EXPR_CHARS:
            raise self.error(
                f"{where}: expr is {len(text)} characters long, more than the {MAX_EXPR_CHARS} "
                "the checker reads; name parts of it under define, or split the step",
                line,
            )
        depth = deepest = 0
        for char in text:
            depth += (char in "([") - (char in ")]")
            deepest = max(deepest, depth)
        if deepest > MAX_EXPR_DEPTH:
            raise self.error(
                f"{where}: expr nests brackets {deepest} deep, more than the {MAX_EXPR_DEPTH} the "
                "checker reads; name inner parts under define",
                line,
            )
        source = text.replace("^", "**")
        try:
            tree = ast.parse(source, mode="eval")
        except (SyntaxError, ValueError):
            raise self.error(
                f"{where}: cannot read expr '{_short(text, 120)}': {_expr_advice(text)}",
                line,
            ) from None
        except (RecursionError, MemoryError):
            raise self.error(f"{where}: expr is too deeply nested to read", line) from None
        nodes = sum(1 for _ in ast.walk(tree))
        if nodes > MAX_EXPR_NODES:
            raise self.error(
                f"{where}: expr has {nodes} operations and names, more than the "
                f"{MAX_EXPR_NODES} the checker reads; name parts of it under define",
                line,
            )
        return self.check_names(tree, text, where, line, extra or {})

    def evaluate(self, text: str, local: dict[str, Any], where: str, line: int) -> sp.Expr:
        """The expr *text* as sympy evaluates it, its names standing for *local*."""
        try:
            value = parse_expr(
                text,
                local_dict=local,
                global_dict=dict(_GLOBALS),
                transformations=(auto_number, rationalize, convert_xor),
                evaluate=True,
            )
        except _DiffError as exc:
            raise self.error(f"{where}: {exc}", line) from None
        except Exception as exc:
            raise self.error(f"{where}: cannot parse expr '{text}': {exc}", line) from None
        if isinstance(value, (int, float)):
            value = sp.sympify(value)
        if isinstance(value, sp.Basic) and value.has(sp.Sum, sp.Product):
            value = _fresh_bound(value)  # a sum's own j is never the declared index j
        if isinstance(value, sp.Basic) and value.has(sp.exp, sp.Pow):
            huge = huge_constant(value)
            if huge is not None:
                raise self.error(
                    f"{where}: expr holds a constant too large to evaluate ("
                    f"{_short(sp.srepr(huge.func), 40)} of an astronomically large number); "
                    "a derivation's numbers must be computable",
                    line,
                )
        if not isinstance(value, sp.Expr):
            raise self.error(
                f"{where}: expr '{text}' is not a mathematical expression "
                f"(got {type(value).__name__})",
                line,
            )
        return value

    def check_names(
        self, tree: ast.AST, text: str, where: str, line: int, extra: dict[str, Any]
    ) -> dict[str, Any]:
        objects = self.scope.objects
        kinds = self.scope.kinds
        bound: set[str] = set()
        called: dict[int, int] = {}  # id of a called name -> number of arguments
        subscripted: set[int] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                called[id(node.func)] = len(node.args)
                if node.func.id in _BINDERS and node.func.id not in objects:
                    for arg in node.args[1:]:
                        if (
                            isinstance(arg, ast.Tuple)
                            and arg.elts
                            and isinstance(arg.elts[0], ast.Name)
                        ):
                            bound.add(arg.elts[0].id)
            elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                subscripted.add(id(node.value))
        local: dict[str, Any] = {}
        allowed_nodes = (
            ast.Expression,
            ast.BinOp,
            ast.UnaryOp,
            ast.Add,
            ast.Sub,
            ast.Mult,
            ast.Div,
            ast.Pow,
            ast.USub,
            ast.UAdd,
            ast.Load,
            ast.Tuple,
            ast.Call,
            ast.Name,
            ast.Constant,
            ast.Subscript,
        )
        for node in ast.walk(tree):
            if not isinstance(node, allowed_nodes):
                snippet = ast.get_source_segment(text.replace("^", "**"), node)
                snippet = snippet or type(node).__name__
                raise self.error(
                    f"{where}: '{snippet}' is not allowed in an expr; use arithmetic (+ - * / **), "
                    "function calls such as log(x) and subscripts such as x[i, j]",
                    line,
                )
            if isinstance(node, ast.Constant) and (
                isinstance(node.value, bool) or not isinstance(node.value, (int, float))
            ):
                raise self.error(f"{where}: {node.value!r} is not a number", line)
            if isinstance(node, ast.Call):
                if not isinstance(node.func, ast.Name):
                    raise self.error(f"{where}: only named functions can be called", line)
                if node.keywords:
                    raise self.error(f"{where}: keyword arguments are not allowed in an expr", line)
            if isinstance(node, ast.Subscript) and not isinstance(node.value, ast.Name):
                raise self.error(f"{where}: only declared indexed symbols take subscripts", line)
            if not isinstance(node, ast.Name):
                continue
            name = node.id
            is_call, is_subscript = id(node) in called, id(node) in subscripted
            if name in extra:
                local[name] = extra[name]
                if is_call or is_subscript:
                    raise self.error(
                        f"{where}: the parameter '{name}' is a number, not a function or an array",
                        line,
                    )
                continue
            if name in objects:
                kind = kinds[name]
                if is_call and kind != "function":
                    raise self.error(
                        f"{where}: '{name}' is not a function, so '{name}(...)' means nothing; "
                        f"for a product write {name}*(...)",
                        line,
                    )
                if kind == "function" and is_call:
                    wanted = len(objects[name].variables)
                    given = called[id(node)]
                    if given != wanted:
                        raise self.error(
                            f"{where}: '{name}' takes {wanted} argument"
                            f"{'s' if wanted != 1 else ''} but is given {given}",
                            line,
                        )
                if kind == "function" and not is_call:
                    raise self.error(
                        f"{where}: the function '{name}' is used without an argument; write "
                        f"{name}(...)",
                        line,
                    )
                if kind == "array" and not is_subscript:
                    raise self.error(
                        f"{where}: '{name}' is indexed; write it with its indices, e.g. {name}[i]",
                        line,
                    )
                if is_subscript and kind != "array":
                    raise self.error(
                        f"{where}: '{name}' is not declared indexed, so '{name}[...]' means "
                        f"nothing; declare it as '{name}: indexed real' to use {name}[i]",
                        line,
                    )
                local[name] = objects[name]
                continue
            if name in FUNCTIONS:
                if not is_call:
                    raise self.error(
                        f"{where}: '{name}' is a function; call it as {name}(...)", line
                    )
                local[name] = FUNCTIONS[name]
                continue
            if name in CONSTANTS:
                local[name] = CONSTANTS[name]
                continue
            if name in bound:
                local[name] = sp.Symbol(name, integer=True)
                continue
            candidates = [*objects, *extra, *FUNCTIONS, *CONSTANTS]
            close = _closest_name(name, candidates)
            hint = f" (did you mean '{close}'?)" if close else ""
            if name == "e":
                hint = " (for Euler's number write exp(...) or E)"
            raise self.error(
                f"{where}: expr uses undeclared name '{name}' — declare it under symbols or "
                f"define{hint}",
                line,
            )
        return local


def _tex_problem(text: str, math: bool) -> str | None:
    r"""What is wrong with the TeX of a tex (or the math of a why), or None.

    Unbalanced braces and a ``\left`` without its ``\right`` are reported at the line that
    holds them (MathJax would report them, later and worded as TeX, for the whole chain);
    commands that link, style or define are refused: a page shows mathematics, not markup.

    Examples
    --------
    >>> _tex_problem(r"\frac{a}{b", math=True)
    "has an unbalanced brace: 1 '{' is never closed"
    >>> _tex_problem(r"\left( a + b", math=True)
    'has 1 \\left without its \\right (write \\left( ... \\right), or drop both)'
    >>> print(_tex_problem(r"see \href{javascript:x}{here}", math=False))
    uses \href, which this site does not allow in a derivation (no links, styles or
    definitions in TeX)
    """
    unsafe = unsafe_tex(text)
    if unsafe:
        return unsafe
    if not math:
        return None
    depth = 0
    previous = ""
    for char in text:
        if previous != "\\":
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth < 0:
                    return "has an unbalanced brace: a '}' closes nothing"
        previous = char if previous != "\\" else ""
    if depth > 0:
        return f"has an unbalanced brace: {depth} '{{' {'is' if depth == 1 else 'are'} never closed"
    lefts = len(re.findall(r"\\left(?![A-Za-z])", text))
    rights = len(re.findall(r"\\right(?![A-Za-z])", text))
    if lefts > rights:
        return (
            f"has {lefts - rights} \\left without its \\right (write \\left( ... \\right), or "
            "drop both)"
        )
    if rights > lefts:
        return f"has {rights - lefts} \\right without a \\left before it"
    return None


def _deepest_line(text: str) -> int:
    """The 0-based line of *text* where YAML nesting (indentation or brackets) is deepest."""
    best, best_line, depth = -1, 0, 0
    for number, line in enumerate(text.splitlines()):
        deepest = depth
        for char in line:
            depth += (char in "[{") - (char in "]}")
            deepest = max(deepest, depth)
        score = max(deepest, len(line) - len(line.lstrip(" -")))
        if score > best:
            best, best_line = score, number
    return best_line


def _fresh_bound(expr: Any) -> Any:
    """*expr* with every summation variable replaced by a fresh dummy of its own.

    A definition ``z(r): Sum(w[j]*x[r, j], (j, 1, n))`` called as ``z(j)`` must sum over a
    variable other than the ``j`` it is given: substitution would otherwise capture it.

    Examples
    --------
    >>> j, r, n = sp.symbols("j r n", integer=True)
    >>> x = sp.IndexedBase("x")
    >>> body = _fresh_bound(sp.Sum(x[r, j], (j, 1, n)))
    >>> sp.Lambda(r, body)(j).subs(n, 2).doit()
    x[j, 1] + x[j, 2]
    """
    return rename_bound(expr, integer=True)


def _expr_advice(text: str) -> str:
    """What an expr that Python cannot parse resembles, and how to write it.

    Examples
    --------
    >>> _expr_advice("4sigma(2z)")
    "'4sigma' is an implicit product: write 4*sigma"
    >>> print(_expr_advice("\\frac{1}{m}"))
    this is TeX: an expr is written in Python/sympy syntax, e.g. 1/m, sigma(z)*(1 - sigma(z)),
    log(x), x**2
    """
    if "\\" in text or re.search(r"[{}]", text):
        return (
            "this is TeX: an expr is written in Python/sympy syntax, e.g. 1/m, "
            "sigma(z)*(1 - sigma(z)), log(x), x**2"
        )
    match = re.search(r"(?<![A-Za-z_0-9.])([0-9]+(?:\.[0-9]+)?)([A-Za-z_][A-Za-z_0-9]*)", text)
    if match and not re.fullmatch(r"[eE][0-9+-]*", match.group(2)):
        return f"'{match.group(0)}' is an implicit product: write {match.group(1)}*{match.group(2)}"
    if re.search(r"\)\s*\(", text):
        return "')(' is an implicit product: write ')*('"
    if re.search(r"\)\s*[A-Za-z_0-9]", text):
        return "a name or number right after ')' is an implicit product: put * between them"
    if text.count("(") != text.count(")"):
        return f"the brackets do not balance ({text.count('(')} '(' against {text.count(')')} ')')"
    if "[" in text and "]" not in text:
        return "a '[' is never closed"
    return (
        "write a Python/sympy expression such as (sigma(z) - y)*x (products need *, powers ** or ^)"
    )


def _closest_name(name: str, candidates: list[str]) -> str | None:
    """The candidate *name* is most likely a typo of: two swapped neighbouring letters first.

    difflib alone prefers a dropped letter to a swap, and would offer ``tan`` for ``tahn``.

    Examples
    --------
    >>> _closest_name("tahn", ["tan", "tanh", "atan"])
    'tanh'
    >>> _closest_name("sigam", ["sigma", "sign"])
    'sigma'
    >>> _closest_name("lgo", ["log", "ln"]), _closest_name("xyz", ["log"])
    ('log', None)
    """
    for candidate in candidates:
        if len(candidate) != len(name):
            continue
        diff = [i for i, (a, b) in enumerate(zip(name, candidate, strict=True)) if a != b]
        if len(diff) == 2 and diff[1] == diff[0] + 1:
            i = diff[0]
            if name[i : i + 2] == candidate[i + 1] + candidate[i]:
                return candidate
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def parse_derivation(text: str, *, file: str = "<string>", line: int = 1) -> Derivation:
    """Parse a derivation block's YAML into a :class:`Derivation`.

    Parameters
    ----------
    text:
        The YAML between the fences.
    file:
        The file it came from (for messages).
    line:
        The file's line number of the first YAML line, so that messages and ``Step.line`` are
        lines of the file.

    Raises
    ------
    DerivationError
        When the block is malformed (bad YAML, unknown key, bad domain, undeclared name,
        unparsable expr); ``line`` is the offending line.

    Examples
    --------
    >>> d = parse_derivation("id: a\\nsymbols:\\n  x: real\\nchains:\\n  - name: c\\n"
    ...                      "    steps:\\n      - expr: x + x\\n      - expr: 2*x\\n", line=10)
    >>> [(s.number, s.line, s.expr) for s in d.chains[0].steps]
    [(1, 16, 'x + x'), (2, 17, '2*x')]
    >>> parse_derivation("id: a\\nchains:\\n  - name: c\\n    steps:\\n      - expr: sigam(1)\\n",
    ...                  file="p.md")
    Traceback (most recent call last):
    ...
    derivnotes.checker.results.DerivationError: p.md:5: step 1 of chain 'c': expr uses undeclared
    name 'sigam' — declare it under symbols or define (did you mean 'sign'?)
    """
    return _Parser(text, file, line).parse()


# -- checking ------------------------------------------------------------------------------------
def _display_names(derivation: Derivation, chain_index: int) -> dict[str, Any]:
    """What a display may name: declarations, defines, and chains up to this one."""
    names: dict[str, Any] = {}
    chain_names = {c.name for c in derivation.chains}
    later = {c.name for c in derivation.chains[chain_index + 1 :]}
    for name, obj in derivation.scope.objects.items():
        if name in later:
            continue
        names[name] = obj
    for name in chain_names - later:
        names.setdefault(name, derivation.scope.objects[name])
    return names


def _check_display(
    step: Step,
    names: dict[str, Any],
    comparer: NumericComparer,
    salt: str,
    start: Step,
    labels: set[str],
    label: str | None = None,
) -> tuple[str, str | None]:
    """Read every ``=``-separated part of the step's TeX and compare it with what it claims.

    Every part must equal the step's expr, except a left-hand side of a later step (``\\frac{
    \\partial L}{\\partial w} = ...``), which must equal the chain's start. Returns the display
    status (matched, mismatch, unparsed, unchecked, generated) and the reason.
    """
    if step.tex_generated:
        return "generated", None
    if step.display_unchecked:
        return "unchecked", None
    unwrapped = unwrap_equations(step.tex)
    words = annotation(unwrapped)
    if words is not None:
        return "unparsed", (
            f"the display holds words (\\text{{{words}}}), which the checker does not read: say "
            "them in the step's why; a condition such as 'for y = 1' belongs in the block's "
            'symbols (y: "{1}") or in a chain of its own'
        )
    parts = split_parts(unwrapped)
    unread: str | None = None
    for index, part in enumerate(parts):
        text = part.strip()
        if not text:
            if index == 0 and len(parts) > 1:
                continue  # '= ...' continues the display above
            return "unparsed", "an '=' with nothing on one side of it"
        if index == 0 and len(parts) > 1 and label is not None and _same_tex(text, label):
            # the chain's declared label for its start: accepted as written when the checker
            # cannot read it (\partial J for a chain J); read, it must equal the chain's start
            status, detail = _check_part(text, start, names, comparer, salt, labels, True)
            if status == "mismatch":
                return status, detail
            continue
        left = index == 0 and len(parts) > 1 and start is not step
        target = start if left else step
        status, detail = _check_part(text, target, names, comparer, salt, labels, left)
        if status == "mismatch":
            return status, detail
        if status == "unparsed" and unread is None:
            unread = detail
    if unread is not None:
        return "unparsed", unread
    return ("read" if step.tex_read else "matched"), None


_TEX_NOISE = re.compile(r"\\(?:left|right|displaystyle|[,;:! ]|quad|qquad)(?![A-Za-z])|\s+")


def _same_tex(a: str, b: str) -> bool:
    r"""Whether two pieces of TeX are the same but for spacing and \left/\right.

    Examples
    --------
    >>> _same_tex(r"\frac{\partial f}{\partial z}", r"\frac{\partial f} {\partial z}\,")
    True
    >>> _same_tex(r"\frac{\partial J}{\partial b}", r"\frac{\partial J}{\partial w_j}")
    False
    """
    return _TEX_NOISE.sub("", a) == _TEX_NOISE.sub("", b)


def _check_part(
    text: str,
    target: Step,
    names: dict[str, Any],
    comparer: NumericComparer,
    salt: str,
    labels: set[str],
    left: bool,
) -> tuple[str, str | None]:
    where = f"'{_short(text, 80)}'"
    try:
        parsed = tex_to_sympy(text, names, labels=labels)
    except SubscriptError as exc:
        return "unparsed", f"{where}: {exc}"
    except TexUnsupported as exc:
        return "unparsed", f"{where}: {exc}"
    except Exception as exc:
        return "unparsed", f"{where}: the TeX reader failed ({type(exc).__name__}: {exc})"
    if not isinstance(parsed, sp.Expr):
        return "unparsed", f"{where} is not an expression"
    sums = parsed.has(sp.Sum, sp.Product)
    if parsed == target.value or (
        sums and canonical_bound(parsed) == canonical_bound(target.value)
    ):
        return "matched", None  # the same expression, up to the names of summation variables
    if sums:
        parsed = _fresh_bound(parsed)
    outcome = comparer.compare(target.value, parsed, budget=DISPLAY_POINTS, salt=salt)
    if outcome.status == "agree":
        return "matched", None
    read = _short(sp.sstr(parsed))
    if outcome.status == "error":
        return "unparsed", f"{where} (read as {read}) could not be evaluated: {outcome.message}"
    # \ln 2x may mean ln(2) x or ln(2x): when the other reading fits, the TeX is ambiguous
    try:
        greedy = tex_to_sympy(text, names, greedy=True, labels=labels)
    except Exception:  # the first reading stands
        greedy = parsed
    if greedy != parsed and isinstance(greedy, sp.Expr):
        other = comparer.compare(target.value, greedy, budget=DISPLAY_POINTS, salt=salt)
        if other.status == "agree":
            return "unparsed", (
                f"{where} can be read as {read} or as {_short(sp.sstr(greedy))}; put the "
                "function's argument in parentheses, e.g. \\ln(2x) or \\ln(2)\\,x"
            )
    point = ", ".join(f"{k} = {v}" for k, v in (outcome.counterexample or {}).items())
    expected, shown = outcome.values or ("?", "?")
    if left:
        return "mismatch", (
            f"the left-hand side {where} reads as {read}, but the chain starts with "
            f"{target.expr}; at {point} the left-hand side is {shown} but the chain's start is "
            f"{expected}"
        )
    return "mismatch", (
        f"the display {where} reads as {read}; at {point} it is {shown} but expr is {expected}"
    )


def _short(text: str, limit: int = 240) -> str:
    """*text*, cut to *limit* characters for messages."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _decide(
    previous: Step,
    step: Step,
    comparer: NumericComparer,
    salt: str,
    ranges: dict[sp.Symbol, tuple[sp.Expr, sp.Expr]],
) -> tuple[str, str, Outcome | None, str | None]:
    """(status, method, numeric outcome, error message).

    Steps without sums are compared numerically first, then proved. A step with sums is proved
    first when it can be, and then only confirmed numerically at small sizes (writing sums out
    at many sizes is what costs); a step sympy cannot prove gets the whole hunt."""
    sums = previous.value.has(sp.Sum, sp.Product) or step.value.has(sp.Sum, sp.Product)
    proof = prove_equal(previous.value, step.value, PROOF_SECONDS, ranges) if sums else None
    outcome = comparer.compare(
        previous.value,
        step.value,
        budget=CONFIRM_POINTS if proof else POINTS,
        salt=salt,
        confirm=proof is not None,
    )
    if outcome.status == "refuted":
        point = ", ".join(f"{k} = {v}" for k, v in (outcome.counterexample or {}).items())
        where = f"refuted at {point}" if point else "refuted: the two sides are different numbers"
        return "refuted", f"{where} ({DIGITS} significant digits, confirmed at 150)", outcome, None
    if step.written is not None and outcome.status == "agree":
        holes = comparer.undefined_as_written(previous.value, step.written, salt)
        if holes.status == "refuted":
            point = ", ".join(f"{k} = {v}" for k, v in (holes.counterexample or {}).items())
            return (
                "refuted",
                f"refuted at {point}: the step as written is undefined there (it divides by "
                "zero or takes the log of zero), while the step before it is defined",
                holes,
                None,
            )
    if not sums:
        proof = prove_equal(previous.value, step.value, PROOF_SECONDS, ranges)
    if proof is not None:
        method = f"proved symbolically (sympy: {proof})"
        if outcome.status == "agree":
            method += f"; also {outcome.describe()}"
        return "proved", method, outcome, None
    if outcome.status == "agree" and not previous.value.has(sp.Sum, sp.Product, sp.Derivative):
        offset = constant_difference(previous.value, step.value)
        if offset is not None:  # equal to 35 digits everywhere, but not equal
            shown = sp.sstr(sp.N(offset, 6))
            return (
                "refuted",
                f"refuted everywhere: sympy shows the two sides differ by the constant {shown}, "
                "too small for the sampled points to show",
                Outcome("refuted", counterexample={}, values=("", f"the constant {shown}")),
                None,
            )
    if outcome.status == "error":
        return "error", f"not decided: {outcome.message}", outcome, outcome.message
    return "numeric", outcome.describe(), outcome, None


def _defined_values(
    d: Derivation, point: dict[str, str] | None, step: Step, before: Step | None
) -> dict[str, str] | None:
    """The values, at a counterexample *point*, of the names the block defines (``f`` for
    ``sigma(w*x + b)``) that the two steps' displays show: what a reader needs to redo the
    arithmetic by hand. None when there is none."""
    if not point:
        return None
    shown = set(
        re.findall(r"[A-Za-z]+(?:_[A-Za-z0-9]+)?", f"{step.tex} {before.tex if before else ''}")
    )
    at = {}
    for name, text in point.items():
        obj = d.scope.objects.get(name)
        if isinstance(obj, sp.Symbol):
            try:
                at[obj] = sp.sympify(text)
            except (sp.SympifyError, TypeError, ValueError):
                return None
    values: dict[str, str] = {}
    for name, kind in d.scope.kinds.items():
        if kind != "abbreviation" or name not in shown or name in point:
            continue
        try:
            value = sp.N(d.scope.objects[name].subs(at), 6)
        except Exception:  # an abbreviation of arrays or sums: not shown
            continue
        if value.is_real and value.is_finite:
            values[name] = sp.sstr(value, full_prec=False)
        if len(values) == 4:
            break
    return values or None


def check_derivation(d: Derivation) -> DerivationResult:
    """Decide every step of *d* and cross-check every display.

    Parameters
    ----------
    d:
        A parsed block (:func:`parse_derivation`).

    Returns
    -------
    DerivationResult
        One :class:`StepResult` per step, in order; ``ok`` tells whether the build may pass.
    """
    started = time.perf_counter()
    seed = zlib.crc32(d.id.encode())
    comparer = NumericComparer(d.scope.domains, d.scope.labels, seed=seed)
    ranges = {
        obj: (domain.lo, domain.hi)
        for obj, domain in d.scope.domains.items()
        if domain.kind == "index"
    }
    results: list[StepResult] = []
    chain_names = {c.name for c in d.chains}
    for chain_index, chain in enumerate(d.chains):
        names = _display_names(d, chain_index)
        labels = {name for name in chain_names if name in names}
        previous: Step | None = None
        last_good: Step | None = None  # the last step that held, when the one before failed
        for step in chain.steps:
            step_started = time.perf_counter()
            salt = chain.name  # the same points along a chain: each step's values are reused
            outcome: Outcome | None = None
            message = None
            compared = previous
            try:
                if previous is None:
                    status, method = "start", "first step of the chain: nothing to compare"
                else:
                    status, method, outcome, message = _decide(
                        previous, step, comparer, salt, ranges
                    )
                    if status == "refuted" and last_good is not None and not step.wrong:
                        # back on track after a refuted step: compare with the last one that held
                        again = _decide(last_good, step, comparer, salt, ranges)
                        if again[0] in ("proved", "numeric"):
                            status, method, outcome, message = again
                            method += " (compared with the last step that held)"
                            compared = last_good
                display, detail = _check_display(
                    step, names, comparer, salt, chain.steps[0], labels, chain.label
                )
            except Exception as exc:
                status, method = "error", f"not decided: {type(exc).__name__}: {exc}"
                message = f"{type(exc).__name__}: {exc}"
                display, detail = "unparsed", "not cross-checked because the step errored"
            results.append(
                StepResult(
                    chain=chain.name,
                    number=step.number,
                    line=step.line,
                    tex=step.tex,
                    expr=step.expr,
                    why=step.why,
                    wrong=step.wrong,
                    status=status,
                    method=method,
                    points=outcome.points if outcome is not None else 0,
                    digits=DIGITS if previous is not None else 0,
                    seconds=time.perf_counter() - step_started,
                    compared_with=compared.expr if compared is not None else None,
                    counterexample=outcome.counterexample if outcome is not None else None,
                    values=outcome.values if outcome is not None else None,
                    where=(
                        _defined_values(d, outcome.counterexample, step, compared)
                        if status == "refuted" and outcome is not None
                        else None
                    ),
                    display=display,
                    display_detail=detail,
                    message=message,
                )
            )
            if status == "refuted" and previous is not None and last_good is None:
                last_good = previous
            elif status in ("proved", "numeric", "start"):
                last_good = None
            previous = step
    return DerivationResult(
        id=d.id,
        file=d.file,
        line=d.line,
        steps=results,
        seconds=time.perf_counter() - started,
        checker_version=CHECKER_VERSION,
    )
