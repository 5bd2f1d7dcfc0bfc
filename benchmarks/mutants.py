r"""The checker's soundness figure: plausible mistakes planted in every correct step, and how
many of them the checker catches.

Run: ``.venv/bin/python benchmarks/mutants.py [docs] [--quick] [--jobs 2] [--list]``
(``--quick``: only the first few blocks without sizes; ``--list``: print the mutants, decide
nothing). A full run of the site takes about five minutes on two cores.

For every ```` ```derivation ```` block under the folder, every step that is not the first of
its chain and not marked ``wrong: true`` is mutated: each mutant is a copy of the block's YAML
with ONE change to that step, in its ``expr`` (the ``tex`` is kept: the checker must refute the
step) or, separately, in its ``tex`` (the ``expr`` is kept: the display must be called a
mismatch). The operators (at most :data:`CAP` mutants per step, operator and field; no
randomness, so every run plants the same mutants):

=================  ==========================================================================
sign-flip          negate the right side, or flip the first ``+``/``-`` between terms
drop-factor        remove one factor of a product (the last, then the first)
extra-factor       multiply the first term by 2, or by a symbol of the block
one-minus          ``(1 - X)`` -> ``X``, and ``X`` -> ``(1 - X)`` (X: sigma(...) or a (0, 1) symbol)
swap-index         ``w[k]`` -> ``w[j]``, ``x[i, k]`` -> ``x[k, i]`` (when other indices exist)
exponent           ``**2`` -> ``**3``, ``^{2}`` -> ``^{3}``
drop-size          remove a division by a size (``/m``, ``\frac{1}{m}``)
lambda-n           ``lambda/m`` <-> ``n*lambda/m``
intermediate       tex only: insert ``= <mutated right side>`` before the last part
lhs                tex only: ``LHS = ...`` with another chain's LHS, or with the derivative
                   variable changed (d/dw -> d/db); ``= ...`` gets the changed LHS prepended
drop-subscript     tex only: ``x_j`` -> ``x``, ``w_{k}`` -> ``w``
=================  ==========================================================================

Each mutated block is decided with ``check_derivation(parse_derivation(...))``:

killed
    the block is not ok (the mutated step is refuted, its display is a mismatch or unreadable,
    or it cannot be decided), or it does not parse because of its tex (a malformed tex mutant);
malformed
    it does not parse for another reason (the mutant is the mutator's fault; not counted);
equivalent
    sympy proves the mutant to be the same mathematics (``simplify(original - mutated) == 0``
    on the expr values, or on every part of the display against what it claims); checked
    before a mutant is counted as survived, and for mutants killed without a counterexample;
survived
    every step ok and no proof of equivalence: printed with file:line for study.

To keep a full run within minutes on two cores (two worker processes decide the mutants), the
blocks' later chains are left out of a mutant (a later chain sees only a chain's first step,
which is never mutated, so its decisions are the original ones), and a block whose original
decision takes over :data:`HEAVY_SECONDS` (the sums over examples) gets one mutant per step,
operator and field instead of :data:`CAP`.

Also: every original block is decided once; the correct steps that are refuted are counted (R),
and the original steps' decision times give the step median and 95th percentile.

Aims: every non-equivalent mutant killed, R = 0, median step <= 50 ms, p95 step <= 500 ms.
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import re
import signal
import statistics
import sys
import time
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sympy as sp
import yaml

from derivnotes.checker.derivation import (
    Chain,
    Derivation,
    DerivationError,
    check_derivation,
    parse_derivation,
)
from derivnotes.checker.fences import iter_fences
from derivnotes.checker.tex import closing_brace, split_parts, tex_to_sympy, unwrap_equations

CAP = 2  # mutants per step, operator and field
HEAVY_SECONDS = 2.0  # a block whose original decision takes longer gets 1 mutant per operator
QUICK_BLOCKS = 4  # blocks in a --quick run (the first ones with no sizes: fast to decide)
EQUIVALENCE_SECONDS = 20  # bound on one sympy equivalence proof
OPERATORS = (
    "sign-flip",
    "drop-factor",
    "extra-factor",
    "one-minus",
    "swap-index",
    "exponent",
    "drop-size",
    "lambda-n",
    "intermediate",
    "lhs",
    "drop-subscript",
)
GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "kappa", "lambda",
    "mu", "nu", "xi", "rho", "sigma", "tau", "phi", "chi", "psi", "omega",
}  # fmt: skip


# -- what a block declares -----------------------------------------------------------------------
@dataclass
class Block:
    """One derivation fence and what the mutators need to know about it."""

    file: str
    line: int
    body: str
    derivation: Derivation
    functions: list[str] = field(default_factory=list)  # define names with parameters
    arrays: list[str] = field(default_factory=list)
    indices: dict[str, str] = field(default_factory=dict)  # index name -> its range as written
    sizes: list[str] = field(default_factory=list)
    scalars: list[str] = field(default_factory=list)  # plain symbols
    unit: list[str] = field(default_factory=list)  # plain symbols on (0, 1)


def _block(file: str, line: int, body: str) -> Block:
    d = parse_derivation(body, file=file, line=line)
    block = Block(file, line, body, d)
    for name, kind in d.scope.kinds.items():
        if kind == "function":
            block.functions.append(name)
    for name, domain in d.symbols.items():
        kind = d.scope.kinds.get(name)
        if kind == "array":
            block.arrays.append(name)
        elif kind == "index":
            block.indices[name] = domain.text.strip()
        elif kind == "size":
            block.sizes.append(name)
        elif kind == "symbol":
            block.scalars.append(name)
            if domain.kind == "interval" and domain.lo == 0 and domain.hi == 1:
                block.unit.append(name)
    return block


def tex_name(name: str) -> str | None:
    """How a declared name is written in TeX (None when it has no one-token spelling)."""
    base = name.rstrip("_")
    if base in GREEK:
        return "\\" + base
    if len(base) == 1:
        return base
    return None


def _other_index(block: Block, index: str) -> str | None:
    """Another declared index, one over the same range first."""
    others = [name for name in block.indices if name != index]
    same = [name for name in others if block.indices[name] == block.indices.get(index)]
    return (same or others or [None])[0]


# -- expr operators (on the Python syntax tree) --------------------------------------------------
def _tree(expr: str) -> ast.Expression | None:
    try:
        return ast.parse(expr.replace("^", "**"), mode="eval")
    except SyntaxError:
        return None


def _bfs(tree: ast.AST) -> list[tuple[ast.AST, ast.AST | None, str | None, int | None]]:
    """Every node (breadth first) with its parent, the parent's field and the list position."""
    out: list[tuple[ast.AST, ast.AST | None, str | None, int | None]] = [(tree, None, None, None)]
    queue = deque([tree])
    while queue:
        node = queue.popleft()
        for name, value in ast.iter_fields(node):
            if isinstance(value, ast.AST):
                out.append((value, node, name, None))
                queue.append(value)
            elif isinstance(value, list):
                for position, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        out.append((item, node, name, position))
                        queue.append(item)
    return out


def _rewrite(expr: str, pick: Callable[[list], list[Callable[[ast.AST], ast.AST]]]) -> list[str]:
    """Mutants of *expr*: *pick* gets the nodes of a fresh tree and returns, per mutant, the
    position of the node to replace and a function of it giving the replacement."""
    tree = _tree(expr)
    if tree is None:
        return []
    out = []
    for position, make in pick(_bfs(tree)):
        fresh = _tree(expr)
        node, parent, name, index = _bfs(fresh)[position]
        new = make(node)
        if parent is None:
            fresh = ast.Expression(body=new)
        elif index is None:
            setattr(parent, name, new)
        else:
            getattr(parent, name)[index] = new
        text = ast.unparse(ast.fix_missing_locations(fresh))
        if text != ast.unparse(tree) and text not in out:
            out.append(text)
    return out


def _mult_factors(node: ast.AST) -> list[ast.AST]:
    factors = []
    while isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        factors.insert(0, node.right)
        node = node.left
    factors.insert(0, node)
    return factors


def _product(factors: list[ast.AST]) -> ast.AST:
    node = factors[0]
    for factor in factors[1:]:
        node = ast.BinOp(left=node, op=ast.Mult(), right=factor)
    return node


def _is_one(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value == 1


def _names_in(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _first_term(nodes: list) -> int:
    """The position of the first term of the top-level sum (the whole expr when none)."""
    position = 1  # the Expression's body
    node = nodes[1][0]
    while isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub)):
        left = node.left
        position = next(p for p, entry in enumerate(nodes) if entry[0] is left)
        node = left
    return position


def _scale_symbol(block: Block, used: set[str]) -> str | None:
    """A symbol to multiply by: a plain real one the step uses, else any plain one, else a size."""
    plain = [n for n in block.scalars if tex_name(n)]
    return next(
        (n for n in plain if n in used and block.derivation.symbols[n].kind == "interval"),
        next(iter(plain), next((n for n in block.sizes if tex_name(n)), None)),
    )


def expr_mutants(op: str, expr: str, block: Block) -> list[tuple[str, str]]:
    """(detail, mutated expr) for one operator; empty when it does not apply."""
    tree = _tree(expr)
    if tree is None:
        return []
    nodes = _bfs(tree)
    picks: list = []
    if op == "sign-flip":
        out: list = [f"-({expr})"]
        flip = next(
            (
                p
                for p, (n, *_) in enumerate(nodes)
                if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Add, ast.Sub))
            ),
            None,
        )
        if flip is not None:

            def flipped(n: ast.AST) -> ast.AST:
                return ast.BinOp(
                    n.left, ast.Sub() if isinstance(n.op, ast.Add) else ast.Add(), n.right
                )

            flips = _rewrite(expr, lambda _: [(flip, flipped)])
            out = [("flip a +/-", m) for m in flips] + [("negate", m) for m in out]
            return out[:CAP]
        return [("negate", m) for m in out]
    if op == "drop-factor":
        chain = next(
            (
                p
                for p, (n, *_) in enumerate(nodes)
                if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Mult)
            ),
            None,
        )
        if chain is None:
            return []
        picks = [
            (chain, lambda n: _product(_mult_factors(n)[:-1])),
            (chain, lambda n: _product(_mult_factors(n)[1:])),
        ]
        return [("drop a factor", m) for m in _rewrite(expr, lambda _: picks)][:CAP]
    if op == "extra-factor":
        term = _first_term(nodes)
        symbol = _scale_symbol(block, _names_in(tree))
        picks = [(term, lambda n: ast.BinOp(ast.Constant(2), ast.Mult(), n))]
        if symbol:
            picks.append((term, lambda n: ast.BinOp(ast.Name(symbol), ast.Mult(), n)))
        out = _rewrite(expr, lambda _: picks)
        return [(f"times {'2' if i == 0 else symbol}", m) for i, m in enumerate(out)][:CAP]
    if op == "one-minus":
        out = []
        drop = next(
            (
                p
                for p, (n, *_) in enumerate(nodes)
                if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Sub) and _is_one(n.left)
            ),
            None,
        )
        if drop is not None:
            out += [
                ("(1 - X) -> X", m) for m in _rewrite(expr, lambda _: [(drop, lambda n: n.right)])
            ]

        def bare(entry: tuple) -> bool:
            n, parent, name, _ = entry
            target = (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Name)
                and n.func.id in block.functions
            ) or (isinstance(n, ast.Name) and n.id in block.unit)
            under = (
                isinstance(parent, ast.BinOp)
                and isinstance(parent.op, ast.Sub)
                and name == "right"
                and _is_one(parent.left)
            )
            return target and not under

        add = next((p for p, entry in enumerate(nodes) if bare(entry)), None)
        if add is not None:

            def make(n: ast.AST) -> ast.AST:
                return ast.BinOp(ast.Constant(1), ast.Sub(), n)

            out += [("X -> (1 - X)", m) for m in _rewrite(expr, lambda _: [(add, make)])]
        return out[:CAP]
    if op == "swap-index":
        for p, (n, *_) in enumerate(nodes):
            if (
                isinstance(n, ast.Subscript)
                and isinstance(n.value, ast.Name)
                and n.value.id in block.arrays
            ):
                if isinstance(n.slice, ast.Tuple) and len(n.slice.elts) >= 2:

                    def swap(n: ast.AST) -> ast.AST:
                        n.slice.elts[0], n.slice.elts[1] = n.slice.elts[1], n.slice.elts[0]
                        return n

                    picks.append((p, swap))
                elif isinstance(n.slice, ast.Name) and _other_index(block, n.slice.id):
                    other = _other_index(block, n.slice.id)

                    def move(n: ast.AST, other: str = other) -> ast.AST:
                        n.slice = ast.Name(other)
                        return n

                    picks.append((p, move))
            elif (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Name)
                and n.func.id == "KroneckerDelta"
                and len(n.args) == 2
            ):

                def swap_args(n: ast.AST) -> ast.AST:
                    n.args = [n.args[1], n.args[0]]
                    return n

                picks.append((p, swap_args))
        return [("swap an index", m) for m in _rewrite(expr, lambda _: picks[:CAP])]
    if op == "exponent":
        for p, (n, *_) in enumerate(nodes):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Pow):
                power = n.right
                negative = isinstance(power, ast.UnaryOp) and isinstance(power.op, ast.USub)
                number = power.operand if negative else power
                if isinstance(number, ast.Constant) and isinstance(number.value, int):

                    def bump(n: ast.AST) -> ast.AST:
                        number = n.right.operand if isinstance(n.right, ast.UnaryOp) else n.right
                        number.value += 1
                        return n

                    picks.append((p, bump))
        return [("exponent + 1", m) for m in _rewrite(expr, lambda _: picks[:CAP])]
    if op == "drop-size":
        for p, (n, *_) in enumerate(nodes):
            if not (isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)):
                continue
            factors = _mult_factors(n.right)
            sizes = [f for f in factors if isinstance(f, ast.Name) and f.id in block.sizes]
            if not sizes:
                continue

            def undivide(n: ast.AST) -> ast.AST:
                factors = _mult_factors(n.right)
                kept = [f for f in factors if not (isinstance(f, ast.Name) and f.id in block.sizes)]
                return ast.BinOp(n.left, ast.Div(), _product(kept)) if kept else n.left

            picks.append((p, undivide))
        return [("drop a / size", m) for m in _rewrite(expr, lambda _: picks[:CAP])]
    if op == "lambda-n":
        lam = [n for n in block.scalars if n.rstrip("_") == "lambda"]
        size = "n" if "n" in block.sizes else next(iter(block.sizes), None)
        if not lam or size is None:
            return []
        for p, (n, *_) in enumerate(nodes):
            if (
                isinstance(n, ast.BinOp)
                and isinstance(n.op, ast.Mult)
                and {getattr(n.left, "id", None), getattr(n.right, "id", None)} == {size, lam[0]}
            ):
                picks.append((p, lambda n: ast.Name(lam[0])))
                return [(f"{size}*lambda -> lambda", m) for m in _rewrite(expr, lambda _: picks)]
        for p, (n, *_) in enumerate(nodes):
            if isinstance(n, ast.Name) and n.id == lam[0]:
                picks.append((p, lambda n: ast.BinOp(ast.Name(size), ast.Mult(), n)))
                break
        return [(f"lambda -> {size}*lambda", m) for m in _rewrite(expr, lambda _: picks)]
    return []


# -- tex operators (on a small TeX scanner) ------------------------------------------------------
FRACS = {"frac", "dfrac", "tfrac", "cfrac"}
BIGS = {"sum", "prod"}
TEX_FUNCTIONS = {"ln", "log", "exp", "sin", "cos", "tan", "tanh", "sinh", "cosh", "sqrt"}
_SKIP = re.compile(r"(?:\s|\\[,;:! ]|\\q?quad(?![A-Za-z]))*")
_COMMAND = re.compile(r"\\([A-Za-z]+)|\\(.)")
_LEFT_RIGHT = re.compile(r"\\(left|right)(?![A-Za-z])")
_DELIMITER = re.compile(r"\s*(?:\\[{}|]|\\[A-Za-z]+|.)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_ONE_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.")


@dataclass
class Item:
    """One top-level piece of a TeX formula: an operand, a +/-, a product sign, or a \\sum."""

    start: int
    end: int
    kind: str  # atom | op | mul | big
    inner: list[tuple[int, int]] = field(default_factory=list)  # spans of its groups


def _skip(s: str, i: int) -> int:
    return _SKIP.match(s, i).end()


def _match_paren(s: str, i: int) -> int:
    opening, closing = s[i], ")" if s[i] == "(" else "]"
    depth = 0
    for j in range(i, len(s)):
        if s[j] == opening:
            depth += 1
        elif s[j] == closing:
            depth -= 1
            if depth == 0:
                return j
    return -1


def _match_right(s: str, i: int) -> int:
    depth = 0
    for match in _LEFT_RIGHT.finditer(s, i):
        depth += 1 if match.group(1) == "left" else -1
        if depth == 0:
            return match.start()
    return -1


def _arg(s: str, i: int) -> tuple[int, tuple[int, int] | None]:
    """The end of the TeX argument at *i* ({...} or one token) and its inner span."""
    i = _skip(s, i)
    if i >= len(s):
        return i, None
    if s[i] == "{":
        j = closing_brace(s, i)
        return (j + 1, (i + 1, j)) if j >= 0 else (len(s), None)
    return _ONE_TOKEN.match(s, i).end(), None


def _suffixes(s: str, i: int) -> int:
    while True:
        j = _skip(s, i)
        if j < len(s) and s[j] in "_^":
            i, _ = _arg(s, j + 1)
        elif j < len(s) and s[j] == "'":
            i = j + 1
        else:
            return i


def _opens_call(s: str, i: int) -> bool:
    i = _skip(s, i)
    return i < len(s) and (s[i] in "([" or bool(re.match(r"\\left(?![A-Za-z])", s[i:])))


def _atom(s: str, i: int, functions: set[str]) -> Item | None:
    c = s[i]
    if c in "+-":
        return Item(i, i + 1, "op")
    if re.match(r"\\left(?![A-Za-z])", s[i:]):
        j = _match_right(s, i)
        if j < 0:
            return None
        inner = (_DELIMITER.match(s, i + 5).end(), j)
        return Item(i, _suffixes(s, _DELIMITER.match(s, j + 6).end()), "atom", [inner])
    if c in "([":
        j = _match_paren(s, i)
        return Item(i, _suffixes(s, j + 1), "atom", [(i + 1, j)]) if j >= 0 else None
    if c == "{":
        j = closing_brace(s, i)
        return Item(i, _suffixes(s, j + 1), "atom", [(i + 1, j)]) if j >= 0 else None
    if c == "\\":
        match = _COMMAND.match(s, i)
        if match is None:
            return None
        name, after = match.group(1) or match.group(2), match.end()
        if name in ("cdot", "times"):
            return Item(i, after, "mul")
        if name in FRACS:
            end1, a = _arg(s, after)
            end2, b = _arg(s, end1)
            return Item(i, _suffixes(s, end2), "atom", [x for x in (a, b) if x])
        if name in BIGS:
            return Item(i, _suffixes(s, after), "big")
        end = _suffixes(s, after)
        k = _skip(s, end)
        calls = name in functions and _opens_call(s, end)
        applies = (
            name in TEX_FUNCTIONS
            and k < len(s)
            and s[k] not in "+-=)]}|"
            and not re.match(r"\\(right|cdot|times)(?![A-Za-z])", s[k:])
        )
        if calls or applies:
            argument = _atom(s, k, functions)
            if argument is not None and argument.kind == "atom":
                return Item(i, argument.end, "atom", argument.inner)
        return Item(i, end, "atom")
    if c.isdigit():
        return Item(i, _suffixes(s, _NUMBER.match(s, i).end()), "atom")
    if c.isalpha():
        end = _suffixes(s, i + 1)
        if c in functions and _opens_call(s, end):
            argument = _atom(s, _skip(s, end), functions)
            if argument is not None:
                return Item(i, argument.end, "atom", argument.inner)
        return Item(i, end, "atom")
    return Item(i, i + 1, "atom")


def _items(s: str, lo: int, hi: int, functions: set[str]) -> list[Item] | None:
    text = s[:hi]
    out = []
    i = _skip(text, lo)
    while i < hi:
        item = _atom(text, i, functions)
        if item is None or item.end <= i or item.end > hi:
            return None
        out.append(item)
        i = _skip(text, item.end)
    return out


def _spans(s: str, functions: set[str]) -> Iterator[list[Item]]:
    """The items of *s* at the top level, then of its groups, breadth first."""
    queue = deque([(0, len(s))])
    while queue:
        lo, hi = queue.popleft()
        items = _items(s, lo, hi, functions)
        if items is None:
            continue
        yield items
        for item in items:
            queue.extend(item.inner)


def _terms(items: list[Item]) -> list[list[Item]]:
    terms: list[list[Item]] = [[]]
    for item in items:
        if item.kind == "op":
            terms.append([])
        else:
            terms[-1].append(item)
    return terms


def _cut(s: str, start: int, end: int, insert: str = "") -> str:
    return s[:start] + insert + s[end:]


def _tex_functions(block: Block) -> set[str]:
    """How the block's functions are written in TeX (sigma -> sigma, called as \\sigma(...))."""
    return {name.rstrip("_") for name in block.functions}


def _flip_term(part: str, functions: set[str]) -> str | None:
    for items in _spans(part, functions):
        for k, item in enumerate(items):
            if item.kind == "op" and k > 0 and items[k - 1].kind == "atom":
                sign = "-" if part[item.start] == "+" else "+"
                return _cut(part, item.start, item.end, sign)
    return None


def _drop_factors(part: str, functions: set[str]) -> list[str]:
    for items in _spans(part, functions):
        for term in _terms(items):
            factors = [item for item in term if item.kind == "atom"]
            if len(factors) < 2:
                continue
            last, first = factors[-1], factors[0]
            k = term.index(last)
            if k > 0 and term[k - 1].kind == "mul":
                start = term[k - 2].end if k > 1 else term[k - 1].start
            else:
                start = last.start
            out = [_cut(part, start, last.end)]
            k = term.index(first)
            following = term[k + 1] if k + 1 < len(term) else None
            if following is not None and following.kind == "mul" and k + 2 < len(term):
                following = term[k + 2]
            out.append(_cut(part, first.start, following.start if following else first.end))
            return out
    return []


def _final(tex: str) -> tuple[str, str]:
    """The TeX before the last top-level part, and that part."""
    last = split_parts(tex)[-1]
    return tex[: len(tex) - len(last)], last


def _index_slots(s: str, i: int, indices: dict[str, str]) -> tuple[list[tuple[int, int]], int]:
    """The spans of the index letters after an array's name at *i* (``x^{(i)}_k``, ``w_{jk}``)
    and where the suffixes end."""
    slots = []
    while True:
        sup = re.compile(r"\^\{\s*\(\s*([A-Za-z0-9]+)\s*\)\s*\}").match(s, i)
        sub = re.compile(r"_\{\s*([A-Za-z0-9, ]+?)\s*\}|_([A-Za-z0-9])").match(s, i)
        if sup:
            slots.append(sup.span(1))
            i = sup.end()
        elif sub:
            group = 1 if sub.group(1) else 2
            start, end = sub.span(group)
            text = s[start:end]
            if len(text) > 1 and all(ch in indices or ch in ", " for ch in text):
                slots += [
                    (start + p, start + p + 1)
                    for p, ch in enumerate(text)
                    if ch != "," and ch != " "
                ]
            else:
                slots.append((start, end))
            i = sub.end()
        else:
            return slots, i


def _part_mutants(op: str, part: str, block: Block, functions: set[str]) -> list[tuple[str, str]]:
    """(detail, mutated part) for the operators that change the value of the last part."""
    body = part.strip()
    lead = part[: len(part) - len(part.lstrip())]
    if op == "sign-flip":
        out = [("negate", f"{lead}-\\left({body}\\right)")]
        flipped = _flip_term(part, functions)
        if flipped is not None:
            out.insert(0, ("flip a +/-", flipped))
        return out[:CAP]
    if op == "drop-factor":
        return [("drop a factor", m) for m in _drop_factors(part, functions)][:CAP]
    if op == "extra-factor":
        items = _items(part, 0, len(part), functions)
        if not items:
            return []
        at = (
            items[0].end
            if items[0].kind == "op" and part[items[0].start] == "-"
            else items[0].start
        )
        at = _skip(part, at)
        names = set(re.findall(r"[A-Za-z]+", body))
        symbol = _scale_symbol(block, names)
        out = [("times 2", _cut(part, at, at, "2 \\cdot "))]
        if symbol and tex_name(symbol):
            out.append((f"times {symbol}", _cut(part, at, at, f"{tex_name(symbol)} \\cdot ")))
        return out[:CAP]
    if op == "one-minus":
        out = []
        match = re.search(r"(\\left\s*)?\(\s*1\s*-\s*", part)
        if match:
            if match.group(1):
                j = _match_right(part, match.start())
                if j >= 0:
                    end = _DELIMITER.match(part, j + 6).end()
                    inner = part[match.end() : j].strip()
                    out.append(
                        ("(1 - X) -> X", _cut(part, match.start(), end, f"\\left({inner}\\right)"))
                    )
            else:
                j = _match_paren(part, part.index("(", match.start()))
                if j >= 0:
                    inner = part[match.end() : j].strip()
                    out.append(("(1 - X) -> X", _cut(part, match.start(), j + 1, f"({inner})")))
        candidates = [
            m
            for name in sorted(functions)
            for m in re.finditer(
                rf"\\{name}(?![A-Za-z])"
                if len(name) > 1
                else rf"(?<![\\A-Za-z]){name}(?![A-Za-z])",
                part,
            )
            if _opens_call(part, m.end())
        ] or [
            m
            for name in block.unit
            if tex_name(name)
            for m in re.finditer(rf"(?<![\\A-Za-z]){re.escape(tex_name(name))}(?![A-Za-z])", part)
        ]
        for m in sorted(candidates, key=lambda m: m.start()):
            if re.search(r"1\s*-\s*(\\left\s*)?\(?\s*$", part[: m.start()]):
                continue  # already 1 - X
            end = m.end()
            if _opens_call(part, end):
                item = _atom(part, _skip(part, end), functions)
                end = item.end if item is not None else end
            x = part[m.start() : end]
            out.append(("X -> (1 - X)", _cut(part, m.start(), end, f"\\left(1 - {x}\\right)")))
            break
        return out[:CAP]
    if op == "swap-index":
        out = []
        for name in block.arrays:
            spelled = tex_name(name)
            if not spelled:
                continue
            for m in re.finditer(rf"(?<![\\A-Za-z]){re.escape(spelled)}(?![A-Za-z])", part):
                slots, _ = _index_slots(part, m.end(), block.indices)
                if len(slots) >= 2:
                    (a0, a1), (b0, b1) = slots[0], slots[1]
                    new = part[:a0] + part[b0:b1] + part[a1:b0] + part[a0:a1] + part[b1:]
                    out.append((m.start(), "swap two indices", new))
                elif len(slots) == 1:
                    other = _other_index(block, part[slots[0][0] : slots[0][1]])
                    if other and part[slots[0][0] : slots[0][1]] in block.indices:
                        out.append((m.start(), "change an index", _cut(part, *slots[0], other)))
        for m in re.finditer(r"\\delta_\{\s*([A-Za-z])\s*,?\s*([A-Za-z])\s*\}", part):
            new = _cut(part, m.start(1), m.end(2), f"{m.group(2)}{m.group(1)}")
            out.append((m.start(), "swap delta's indices", new))
        return [(detail, new) for _, detail, new in sorted(out, key=lambda e: e[0])][:CAP]
    if op == "exponent":
        out = []
        for m in re.finditer(r"\^\s*(?:\{\s*(-?)\s*(\d+)\s*\}|(\d))", part):
            group = 2 if m.group(2) else 3
            bumped = str(int(m.group(group)) + 1)
            out.append(("exponent + 1", _cut(part, *m.span(group), bumped)))
        return out[:CAP]
    if op == "drop-size":
        out = []
        for m in re.finditer(r"\\[dtc]?frac(?![A-Za-z])", part):
            end1, num = _arg(part, m.end())
            end2, den = _arg(part, end1)
            if num is None or den is None:
                continue
            numerator, denominator = part[num[0] : num[1]], part[den[0] : den[1]]
            for size in block.sizes:
                pattern = rf"(?<![\\A-Za-z]){re.escape(size)}(?![A-Za-z])"
                if not re.search(pattern, denominator):
                    continue
                rest = re.sub(pattern, "", denominator, count=1).strip()
                if rest in ("", "1"):
                    new = "" if numerator.strip() == "1" else "{" + numerator + "}"
                else:
                    new = f"\\frac{{{numerator}}}{{{rest}}}"
                out.append(("drop a / size", _cut(part, m.start(), end2, new)))
                break
        return out[:CAP]
    if op == "lambda-n":
        lam = [n for n in block.scalars if n.rstrip("_") == "lambda"]
        size = "n" if "n" in block.sizes else next(iter(block.sizes), None)
        if not lam or size is None:
            return []
        m = re.search(rf"(?<![\\A-Za-z]){size}\s*(\\cdot\s*)?\\lambda(?![A-Za-z])", part)
        if m:
            return [(f"{size} lambda -> lambda", _cut(part, m.start(), m.end(), "\\lambda"))]
        m = re.search(r"\\lambda(?![A-Za-z])", part)
        if m:
            return [(f"lambda -> {size} lambda", _cut(part, m.start(), m.end(), f"{size}\\lambda"))]
        return []
    if op == "drop-subscript":
        out = []
        for m in re.finditer(r"(?<![\\A-Za-z])[A-Za-z](?![A-Za-z])", part):
            i = m.end()
            sup = re.compile(r"\^\{\s*\([^{}]*\)\s*\}").match(part, i)
            i = sup.end() if sup else i
            sub = re.compile(r"_(\{[^{}]*\}|[A-Za-z0-9])").match(part, i)
            if sub:
                out.append(("drop a subscript", _cut(part, sub.start(), sub.end())))
        return out[:CAP]
    return []


def _lhs_text(chain: Chain) -> str:
    """The TeX that names a chain's start: its label, or the first step's left-hand side."""
    if chain.label:
        return chain.label
    parts = split_parts(chain.steps[0].tex)
    return (parts[0] if len(parts) > 1 and parts[0].strip() else parts[-1]).strip()


def _noise(tex: str) -> str:
    return re.sub(r"\\(?:left|right|[,;:! ])(?![A-Za-z])|\s+", "", tex)


def tex_mutants(op: str, tex: str, block: Block, chain_index: int) -> list[tuple[str, str]]:
    """(detail, mutated tex) for one operator; empty when it does not apply."""
    functions = _tex_functions(block)
    before, part = _final(tex)
    if op == "intermediate":
        wrong = (
            _flip_term(part, functions)
            or next(iter(_drop_factors(part, functions)), None)
            or f"-\\left({part.strip()}\\right)"
        )
        return [("insert '= <mutated rhs>'", f"{before} {wrong.strip()} ={part}".lstrip())]
    if op == "lhs":
        chains = block.derivation.chains
        chain = chains[chain_index]
        parts = split_parts(tex)
        has_lhs = len(parts) > 1 and parts[0].strip()
        base = parts[0].strip() if has_lhs else _lhs_text(chain)
        rest = tex[len(parts[0]) :] if len(parts) > 1 else "= " + tex
        out = []
        variable = list(
            re.finditer(
                r"\\partial\s*(\\[A-Za-z]+|[A-Za-z](?:_\{[^{}]*\}|_[A-Za-z0-9])?)|\{\s*d\s*([A-Za-z])\s*\}",
                base,
            )
        )
        if variable:
            m = variable[-1]
            group = 1 if m.group(1) else 2
            current = m.group(group)
            other = next(
                (
                    tex_name(n)
                    for n in block.scalars
                    if tex_name(n) and tex_name(n) != current[:1] and tex_name(n) != current
                ),
                None,
            )
            if other:
                new = _cut(base, *m.span(group), other)
                out.append((f"d/d{current} -> d/d{other}", f"{new} {rest.lstrip()}"))
        for previous in reversed(chains[:chain_index]):
            label = _lhs_text(previous)
            if label and _noise(label) != _noise(base):
                out.append((f"LHS of chain {previous.name}", f"{label} {rest.lstrip()}"))
                break
        return out[:CAP]
    return [(detail, before + new) for detail, new in _part_mutants(op, part, block, functions)]


# -- planting ------------------------------------------------------------------------------------
@dataclass
class Mutant:
    file: str
    line: int  # the step's line in the file
    block_line: int
    chain: str
    chain_index: int
    step: int
    field: str  # expr | tex
    operator: str
    detail: str
    before: str
    after: str
    text: str  # the mutated block
    base: str  # the block as decided for this mutant, without the mutation


def _node(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if getattr(k, "value", None) == key), None)


def _replace_scalar(text: str, node: yaml.ScalarNode, new: str) -> str:
    start, end = node.start_mark.index, node.end_mark.index
    tail = "\n" if node.style in ("|", ">") and text[start:end].endswith("\n") else ""
    return text[:start] + json.dumps(new, ensure_ascii=False) + tail + text[end:]


def _without_later_chains(text: str, root: yaml.MappingNode, chain_index: int) -> str:
    chains = _node(root, "chains")
    if chain_index + 1 >= len(chains.value):
        return text
    cut = text.rfind("\n", 0, chains.value[chain_index + 1].start_mark.index) + 1
    keys = [k for k, _ in root.value]
    position = next(p for p, (k, _) in enumerate(root.value) if k.value == "chains")
    end = len(text)
    if position + 1 < len(keys):
        end = text.rfind("\n", 0, keys[position + 1].start_mark.index) + 1
    return text[:cut] + text[end:]


def plant(block: Block, skipped: Counter, cap: int = CAP) -> list[Mutant]:
    """Every mutant of every correct non-first step of *block* (*cap* per operator and field)."""
    root = yaml.compose(block.body, Loader=yaml.SafeLoader)
    chain_nodes = _node(root, "chains").value
    out = []
    for chain_index, chain in enumerate(block.derivation.chains):
        step_nodes = _node(chain_nodes[chain_index], "steps").value
        for step, node in zip(chain.steps[1:], step_nodes[1:], strict=True):
            if step.wrong:
                continue
            short = _without_later_chains(block.body, root, chain_index)
            for field_name in ("expr", "tex"):
                scalar = _node(node, field_name)
                if scalar is None or not isinstance(scalar, yaml.ScalarNode):
                    skipped[f"{field_name}: no {field_name} given"] += 1
                    continue
                if field_name == "tex" and step.display_unchecked:
                    skipped["tex: display unchecked"] += 1
                    continue
                original = scalar.value.strip()
                for operator in OPERATORS:
                    if field_name == "expr":
                        found = expr_mutants(operator, original, block)
                    else:
                        found = tex_mutants(operator, original, block, chain_index)
                    for detail, new in found[:cap]:
                        if new.strip() == original:
                            continue
                        out.append(
                            Mutant(
                                file=block.file,
                                line=step.line,
                                block_line=block.line,
                                chain=chain.name,
                                chain_index=chain_index,
                                step=step.number,
                                field=field_name,
                                operator=operator,
                                detail=detail,
                                before=original,
                                after=new,
                                text=_replace_scalar(short, scalar, new),
                                base=short,
                            )
                        )
    return out


# -- deciding (in worker processes) --------------------------------------------------------------
class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _zero(difference: Any, seconds: int = EQUIVALENCE_SECONDS) -> bool:
    """Whether sympy proves *difference* to be 0 (within *seconds*)."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        if difference == 0 or sp.simplify(difference) == 0:
            return True
        done = difference.doit()
        return done == 0 or sp.simplify(done) == 0
    except _Timeout:
        return False
    except Exception:
        return False
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _display_holds(d: Derivation, chain_index: int, number: int) -> bool:
    """Whether every part of a step's display is proved equal to what it claims."""
    chain = d.chains[chain_index]
    start, step = chain.steps[0], chain.steps[number - 1]
    later = {c.name for c in d.chains[chain_index + 1 :]}
    names = {k: v for k, v in d.scope.objects.items() if k not in later}
    labels = {c.name for c in d.chains} - later
    parts = split_parts(unwrap_equations(step.tex))
    for index, part in enumerate(parts):
        text = part.strip()
        left = index == 0 and len(parts) > 1
        if not text:
            if left:
                continue
            return False
        if left and chain.label is not None and _noise(text) == _noise(chain.label):
            continue
        try:
            read = tex_to_sympy(text, names, labels=labels)
        except Exception:
            return False
        if not _zero((start if left else step).value - read):
            return False
    return True


def _equivalent(mutant: Mutant, mutated: Derivation | None) -> bool:
    if mutated is None:
        return False
    if mutant.field == "expr":
        original = parse_derivation(mutant.base)
        a = original.chains[mutant.chain_index].steps[mutant.step - 1].value
        b = mutated.chains[mutant.chain_index].steps[mutant.step - 1].value
        return _zero(a - b)
    return _display_holds(mutated, mutant.chain_index, mutant.step)


def decide_original(task: tuple[str, int, str]) -> dict:
    file, line, body = task
    try:
        result = check_derivation(parse_derivation(body, file=file, line=line))
    except Exception as exc:  # the checker's source may be mid-edit: report, do not crash
        return {"file": file, "line": line, "error": f"{type(exc).__name__}: {exc}"}
    return {
        "file": file,
        "line": line,
        "ok": result.ok,
        "seconds": result.seconds,
        "steps": [
            (s.chain, s.number, s.line, s.status, s.display, s.wrong, s.ok, s.seconds)
            for s in result.steps
        ],
    }


def decide_mutant(mutant: Mutant) -> dict:
    started = time.perf_counter()
    out: dict[str, Any] = {"mutant": mutant}
    mutated = None
    try:
        mutated = parse_derivation(mutant.text, file=mutant.file, line=mutant.block_line)
    except DerivationError as exc:
        about_tex = re.search(r"\btex\b|display|TeX", exc.message) is not None
        out["verdict"] = "killed" if mutant.field == "tex" and about_tex else "malformed"
        out["reason"] = "malformed tex" if out["verdict"] == "killed" else exc.message[:200]
    except Exception as exc:
        out["verdict"], out["reason"] = "malformed", f"{type(exc).__name__}: {exc}"[:200]
    if mutated is not None:
        try:
            result = check_derivation(mutated)
        except Exception as exc:
            out["verdict"], out["reason"] = "malformed", f"checker raised {type(exc).__name__}"
        else:
            step = next(
                s for s in result.steps if s.chain == mutant.chain and s.number == mutant.step
            )
            out["status"] = f"{step.status}/{step.display}"
            if result.ok:
                out["verdict"], out["reason"] = "survived", None
            else:
                out["verdict"] = "killed"
                if step.status == "refuted":
                    out["reason"] = "refuted"
                elif step.display in ("mismatch", "unparsed"):
                    out["reason"] = step.display
                elif step.status == "error":
                    out["reason"] = "error"
                else:
                    late = result.failures[0]
                    out["reason"] = f"late ({late.chain}#{late.number} {late.status})"
    out["seconds"] = time.perf_counter() - started
    # Equivalent mutants: proved before a survivor is counted, and for mutants killed without
    # a counterexample (an equivalent step the checker could not read or decide).
    unproved = out["verdict"] == "survived" or out.get("reason") in ("unparsed", "error")
    if unproved and _equivalent(mutant, mutated):
        out["equivalent_of"] = out["verdict"]
        out["verdict"] = "equivalent"
    return out


def _run(function: Callable, tasks: list, jobs: int, label: str) -> list:
    results = []
    started = time.perf_counter()
    if jobs <= 1:
        iterator: Any = map(function, tasks)
        pool = None
    else:
        pool = multiprocessing.get_context("fork").Pool(jobs)
        iterator = pool.imap_unordered(function, tasks, chunksize=1)
    try:
        for count, result in enumerate(iterator, start=1):
            results.append(result)
            if count % 100 == 0 or count == len(tasks):
                elapsed = time.perf_counter() - started
                print(f"  {label}: {count}/{len(tasks)} in {elapsed:.0f} s", file=sys.stderr)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    return results


# -- the report ----------------------------------------------------------------------------------
def _short(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", default="docs")
    parser.add_argument("--quick", action="store_true", help="only a few fast blocks")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--list", action="store_true", help="print the mutants, decide nothing")
    args = parser.parse_args()
    started = time.perf_counter()

    blocks: list[Block] = []
    for path in sorted(Path(args.folder).rglob("*.md")):
        lines = path.read_text(encoding="utf-8").splitlines()
        for fence in iter_fences(lines, file=str(path)):
            if fence.language == "derivation":
                blocks.append(_block(str(path), fence.body_line, fence.body))
    if args.quick:
        blocks = [
            b
            for b in blocks
            if not b.sizes and any(not s.wrong for c in b.derivation.chains for s in c.steps[1:])
        ][:QUICK_BLOCKS]

    if args.list:
        for block in blocks:
            for m in plant(block, Counter()):
                print(
                    f"{m.file}:{m.line} {m.chain}#{m.step} {m.operator}/{m.field} "
                    f"({m.detail}): {m.before!r} -> {m.after!r}"
                )
        return

    # the originals are decided in this one process, one after the other, so that their step
    # times are not those of two processes sharing the machine
    originals = _run(decide_original, [(b.file, b.line, b.body) for b in blocks], 1, "originals")
    seconds_of = {}
    broken = []
    times: list[float] = []
    refuted = []
    for original in originals:
        where = f"{original['file']}:{original['line']}"
        if "error" in original or not original["ok"]:
            broken.append(where)
        if "error" in original:
            continue
        seconds_of[where] = original["seconds"]
        for chain, number, line, status, _display, wrong, _ok, seconds in original["steps"]:
            if status != "start":
                times.append(seconds)
            if status == "refuted" and not wrong:
                refuted.append(f"{original['file']}:{line} {chain}#{number}")

    skipped: Counter = Counter()
    mutants = []
    for block in blocks:
        where = f"{block.file}:{block.line}"
        if where in broken:
            continue  # the original does not pass: its mutants would say nothing
        heavy = seconds_of.get(where, 0.0) > HEAVY_SECONDS
        mutants += plant(block, skipped, 1 if heavy else CAP)
    mutants.sort(key=lambda m: -seconds_of.get(f"{m.file}:{m.block_line}", 0.0))
    decided = _run(decide_mutant, mutants, args.jobs, "mutants")

    table: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter = Counter()
    survivors, malformed, equivalents = [], [], []
    for entry in decided:
        m, verdict = entry["mutant"], entry["verdict"]
        row = table[m.operator]
        row[f"{m.field} {verdict}"] += 1
        if verdict == "killed":
            reasons[f"{m.field}: {entry['reason']}"] += 1
            if entry["reason"] != ("refuted" if m.field == "expr" else "mismatch"):
                row[f"by {entry['reason']}"] += 1
        elif verdict == "survived":
            survivors.append(entry)
        elif verdict == "malformed":
            malformed.append(entry)
        else:
            equivalents.append(entry)

    print(f"{len(blocks)} blocks, {len(mutants)} mutants planted", end="")
    print(f"; skipped fields: {dict(skipped)}" if skipped else "")
    if broken:
        print(f"original blocks that do not pass (their mutants left out): {', '.join(broken)}")
    print("per operator (killed/total, non-equivalent; expr | tex):")
    for operator in OPERATORS:
        row = table.get(operator, Counter())
        cells = []
        for f in ("expr", "tex"):
            k, s = row[f"{f} killed"], row[f"{f} survived"]
            cells.append(f"{f} {k}/{k + s}" if k + s else f"{f} -")
        k = row["expr killed"] + row["tex killed"]
        total = k + row["expr survived"] + row["tex survived"]
        extra = []
        if row["expr equivalent"] + row["tex equivalent"]:
            extra.append(f"{row['expr equivalent'] + row['tex equivalent']} equivalent")
        if row["expr malformed"] + row["tex malformed"]:
            extra.append(f"{row['expr malformed'] + row['tex malformed']} malformed")
        extra += [f"{v} killed as {k[3:]}" for k, v in sorted(row.items()) if k.startswith("by ")]
        tail = f"  ({', '.join(extra)})" if extra else ""
        print(f"  {operator + ':':<16} {k}/{total}   [{' | '.join(cells)}]{tail}")
    print("killed by: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    for title, entries in (
        ("equivalent (proved equal)", equivalents),
        ("malformed (not counted)", malformed),
        ("survivors", survivors),
    ):
        print(f"{title}: {len(entries)}")
        for entry in sorted(entries, key=lambda e: (e["mutant"].file, e["mutant"].line)):
            m = entry["mutant"]
            note = entry.get("status") or entry.get("reason") or ""
            if entry["verdict"] == "equivalent" and entry.get("equivalent_of") != "survived":
                note += f"; the checker said {entry.get('reason')}"
            print(
                f"  {m.file}:{m.line} {m.chain}#{m.step} {m.operator}/{m.field} ({m.detail}): "
                f"{_short(m.before)!r} -> {_short(m.after)!r} [{note}]"
            )
    if refuted:
        print("correct steps refuted: " + ", ".join(refuted))
    mutant_times = [entry["seconds"] for entry in decided]
    if mutant_times:
        middle = statistics.median(mutant_times) * 1000
        high = _percentile(mutant_times, 95) * 1000
        print(
            f"mutant decisions (whole block): median/p95 = {middle:.0f}/{high:.0f} ms; "
            f"wall time {time.perf_counter() - started:.0f} s with {args.jobs} processes"
        )
    killed = sum(1 for e in decided if e["verdict"] == "killed")
    counted = killed + len(survivors)
    median = statistics.median(times) * 1000 if times else 0.0
    p95 = _percentile(times, 95) * 1000
    print(
        f"killed {killed}/{counted} ({len(equivalents)} equivalent, each proved equal); "
        f"correct steps refuted: {len(refuted)}; step time median/p95 = {median:.0f}/{p95:.0f} ms"
    )


if __name__ == "__main__":
    main()
