r"""Read the TeX of a displayed step back into sympy, so the checker can compare it with ``expr``.

This is a small recursive-descent reader for the notation the courses use, not a general TeX
parser. It knows the block's names: a name declared as a function (``sigma(t)`` under ``define``)
followed by parentheses is an application, ``\sigma(z)``; any other name followed by
parentheses is a product, so ``a(1-a)`` and ``f(1-f)`` mean what a learner means by them.

Understood: ``+ - \cdot \times /``, implicit products, ``^``, ``\frac \dfrac \tfrac`` (also
``\tfrac12``), ``\sqrt``, ``\left( \right)``, brackets, ``\ln \log \exp`` and ``\log_{10}``,
``e^{...}``, ``\sum_{i=1}^{m}``, Leibniz derivatives (``\frac{\partial L}{\partial w}``,
``\frac{\partial}{\partial w}\left(...\right)``, ``\frac{d}{dz}``), subscripts
(``w_j``, ``x_{ij}``, ``x_{i,j}``, ``x^{(i)}_j``), greek letters, ``\text{name}``,
``\mathrm{name}``, ``\operatorname{name}``, spacing commands.

Anything else raises :class:`TexUnsupported` with the reason; the checker then marks the
display as not cross-checked instead of guessing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy as sp

__all__ = [
    "SubscriptError",
    "TexUnsupported",
    "annotation",
    "closing_brace",
    "displayed_part",
    "split_parts",
    "tex_to_sympy",
    "unwrap_equations",
]


class TexUnsupported(ValueError):
    """The TeX uses notation this reader does not understand (the reason is the message)."""


class SubscriptError(TexUnsupported):
    """A sub- or superscript on a name that takes none (it would be silently dropped)."""


GREEK = {
    "alpha",
    "beta",
    "gamma",
    "delta",
    "epsilon",
    "varepsilon",
    "zeta",
    "eta",
    "theta",
    "iota",
    "kappa",
    "lambda",
    "mu",
    "nu",
    "xi",
    "pi",
    "rho",
    "sigma",
    "tau",
    "upsilon",
    "phi",
    "varphi",
    "chi",
    "psi",
    "omega",
    "Gamma",
    "Delta",
    "Theta",
    "Lambda",
    "Xi",
    "Pi",
    "Sigma",
    "Phi",
    "Psi",
    "Omega",
}
SPACING = {
    ",",
    ";",
    ":",
    "!",
    " ",
    "quad",
    "qquad",
    "displaystyle",
    "textstyle",
    "limits",
    "nolimits",
}
SIZES = {
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "Biggl",
    "Biggr",
    "middle",
}
FUNCTIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "ln": sp.log,
    "log": sp.log,
    "exp": sp.exp,
    "sin": sp.sin,
    "cos": sp.cos,
    "tan": sp.tan,
    "tanh": sp.tanh,
    "sinh": sp.sinh,
    "cosh": sp.cosh,
    "arctan": sp.atan,
}
# Notation that is recognised but not read: the display is reported as not cross-checked.
UNSUPPORTED = {
    "nabla": "gradients as vectors are not read; show a component, e.g. \\partial J/\\partial w_j",
    "approx": "an approximation is not an equality",
    "le": "inequalities are not read",
    "leq": "inequalities are not read",
    "ge": "inequalities are not read",
    "geq": "inequalities are not read",
    "neq": "inequalities are not read",
    "dots": "ellipses (x_1 + \\dots + x_n) are not read; write a \\sum",
    "ldots": "ellipses are not read; write a \\sum",
    "cdots": "ellipses are not read; write a \\sum",
    "int": "integrals are not read",
    "lim": "limits are not read",
    "top": "transposes (matrix notation) are not read; write the sums",
    "intercal": "transposes (matrix notation) are not read; write the sums",
    "prime": "a prime is read only right after a declared function, as in \\sigma'(z)",
    "mid": "conditional notation is not read",
    "in": "set membership is not read",
    "to": "limits and arrows are not read",
    "rightarrow": "arrows are not read",
    "Rightarrow": "arrows are not read",
}
NAME_WRAPPERS = {"text", "mathrm", "operatorname", "mathit", "textrm", "mathsf"}
# Decorations read through: the command (and its first braced argument, for those listed with
# True) is skipped, and what follows is read as if it were not there.
SKIPPED_WITH_ARGUMENT = {"color": True, "textcolor": True, "cancelto": True, "mathstrut": False}
WRAPPERS = {"boxed", "cancel", "bcancel", "xcancel", "bm", "mathnormal"}
LABELLED = {"underbrace": "_", "overbrace": "^"}  # \underbrace{x}_{label}: read x
STACKED = {"underset", "overset", "stackrel"}  # \underset{label}{x}: read x
_DIFFERENTIAL = {"mathrm", "text", "operatorname", "textrm", "mathit"}
ACCENTS = {"hat", "bar", "tilde", "dot", "ddot", "check", "breve", "widehat", "widetilde"}
SIZES_OPEN = {r"\bigl", r"\Bigl", r"\biggl", r"\Biggl", r"\big", r"\Big"}
SIZE_CLOSERS = {
    r"\right",
    r"\bigr",
    r"\Bigr",
    r"\biggr",
    r"\Biggr",
    r"\big",
    r"\Big",
    r"\bigg",
    r"\Bigg",
}
OPEN = {"(": ")", "[": "]", r"\{": r"\}", r"\lbrace": r"\rbrace", r"\lbrack": r"\rbrack"}

_TOKEN = re.compile(
    r"\\[A-Za-z]+|\\.|[0-9]+(?:\.[0-9]+)?|[A-Za-z]|\S",
)


def tokenize(tex: str) -> list[str]:
    r"""Split TeX into tokens (commands, numbers, single letters, symbols).

    Examples
    --------
    >>> tokenize(r"\frac{a}{2.5}x_j")
    ['\\frac', '{', 'a', '}', '{', '2.5', '}', 'x', '_', 'j']
    """
    return _TOKEN.findall(tex)


def split_parts(tex: str) -> list[str]:
    r"""The ``=``-separated parts of a step's TeX, at the top level (not inside braces).

    A step written ``= A = B`` has the parts ``['', ' A ', ' B']``: the empty first part is
    the continuation of the display above. Linear in the length of *tex*.

    Examples
    --------
    >>> split_parts(r"\frac{\partial L}{\partial w} = (f - y)x")
    ['\\frac{\\partial L}{\\partial w} ', ' (f - y)x']
    >>> split_parts(r"= \sum_{i=1}^{m} x_i = m")
    ['', ' \\sum_{i=1}^{m} x_i ', ' m']
    """
    parts = []
    depth = 0
    start = 0
    previous = ""
    for index, char in enumerate(tex):
        if char == "{" and previous != "\\":
            depth += 1
        elif char == "}" and previous != "\\":
            depth -= 1
        elif char == "=" and depth == 0 and previous not in ("\\", "<", ">", "!"):
            parts.append(tex[start:index])
            start = index + 1
        previous = char if previous != "\\" else ""
    parts.append(tex[start:])
    return parts


_WORDS = re.compile(r"\\(?:text|textrm|mbox|mathrm|textit)\s*\{([^{}]*)\}")
_PROSE = {
    "for",
    "where",
    "if",
    "when",
    "with",
    "and",
    "since",
    "as",
    "because",
    "so",
    "then",
    "all",
    "every",
    "by",
    "using",
    "at",
    "on",
    "is",
    "are",
    "otherwise",
    "else",
    "let",
}


def annotation(tex: str) -> str | None:
    r"""The words of a ``\text{...}`` annotation in *tex* (``for all z``, ``where ...``), if any.

    Examples
    --------
    >>> annotation(r"a + b \quad \text{for } y = 1")
    'for'
    >>> annotation(r"J_{\text{reg}} = a") is None
    True
    """
    tex = _without_labels(tex)
    for match in _WORDS.finditer(tex):
        words = match.group(1).replace("~", " ").strip(" ,.;:()")
        if " " in words or words.lower() in _PROSE:
            return words
    return None


def _without_labels(tex: str) -> str:
    """*tex* without the labels of ``\\underbrace{...}_{label}`` and ``\\overbrace{...}^{label}``
    (words there annotate, and are not read)."""
    for command, mark in (("underbrace", "_"), ("overbrace", "^")):
        start = 0
        while True:
            start = tex.find("\\" + command, start)
            if start < 0:
                break
            opening = tex.find("{", start)
            end = closing_brace(tex, opening) if opening >= 0 else -1
            if end < 0:
                break
            rest = end + 1
            while rest < len(tex) and tex[rest] == " ":
                rest += 1
            if rest < len(tex) and tex[rest] == mark:
                label = rest + 1
                while label < len(tex) and tex[label] == " ":
                    label += 1
                if label < len(tex) and tex[label] == "{":
                    close = closing_brace(tex, label)
                    if close > 0:
                        tex = tex[: end + 1] + tex[close + 1 :]
            start = end + 1 if end + 1 <= len(tex) else len(tex)
    return tex


def unwrap_equations(tex: str) -> str:
    r"""*tex* with decorations that hold a whole equation taken off, and annotated equals signs
    (``\overset{\text{...}}{=}``) made plain, so that every ``=`` is at the top level.

    Examples
    --------
    >>> unwrap_equations(r"\boxed{a = b} ")
    'a = b '
    >>> unwrap_equations(r"a \overset{\text{cancel}}{=} b")
    'a = b'
    """
    tex = re.sub(
        r"\\(?:overset|underset|stackrel)\s*\{(?:[^{}]|\{[^{}]*\})*\}\s*\{\s*=\s*\}", "=", tex
    )
    for command, skip in (("boxed", 0), ("color", 1), ("textcolor", 1)):
        while True:
            start = tex.find("\\" + command + "{")
            if start < 0:
                break
            position = start + len(command) + 1
            for _ in range(skip):
                end = closing_brace(tex, position)
                if end < 0:
                    return tex
                position = end + 1
                while position < len(tex) and tex[position] == " ":
                    position += 1
            if position >= len(tex) or tex[position] != "{":
                break
            end = closing_brace(tex, position)
            if end < 0 or "=" not in tex[position:end]:
                break
            tex = tex[:start] + tex[position + 1 : end] + tex[end + 1 :]
    return tex


def closing_brace(tex: str, opening: int) -> int:
    """The index of the brace that closes the one at *opening* (-1 when none)."""
    depth = 0
    for index in range(opening, len(tex)):
        if tex[index] == "{" and tex[index - 1] != "\\":
            depth += 1
        elif tex[index] == "}" and tex[index - 1] != "\\":
            depth -= 1
            if depth == 0:
                return index
    return -1


def displayed_part(tex: str) -> str:
    r"""What follows the last top-level ``=`` of a step's TeX (the whole TeX when none).

    Examples
    --------
    >>> displayed_part(r"\frac{\partial L}{\partial w} = (f - y)x")
    ' (f - y)x'
    >>> displayed_part(r"\sum_{i=1}^{m} x_i")
    '\\sum_{i=1}^{m} x_i'
    """
    return split_parts(tex)[-1]


@dataclass
class _Names:
    """What the block declares, as the reader needs it."""

    values: Mapping[str, object]  # name -> sympy object (Symbol, IndexedBase, expr, Lambda)
    functions: set[str]  # names that are applied with parentheses
    greedy: bool = False  # \ln a b means ln(ab) rather than ln(a) b
    labels: frozenset[str] = frozenset()  # chain names: J(w, b) is the label J

    def lookup(self, name: str) -> object | None:
        for candidate in (name, f"{name}_", name.replace("\\", "")):
            if candidate in self.values:
                return self.values[candidate]
        return None


def _plain_d(tokens: list[str]) -> list[str]:
    r"""``\mathrm{d}`` (and ``\text{d}``, ``\operatorname{d}``) as the plain differential d."""
    if (
        len(tokens) >= 4
        and tokens[0].startswith("\\")
        and tokens[0][1:] in _DIFFERENTIAL
        and tokens[1:4] == ["{", "d", "}"]
    ):
        return ["d", *tokens[4:]]
    starts = len(tokens) >= 2 and tokens[0].startswith("\\") and tokens[0][1:] in _DIFFERENTIAL
    if starts and tokens[1] == "d":  # \mathrm d x
        return ["d", *tokens[2:]]
    return tokens


class _Reader:
    def __init__(self, tokens: list[str], names: _Names) -> None:
        self.tokens = tokens
        self.pos = 0
        self.names = names
        self.bars = 0  # open |...| absolute values

    # -- token helpers ----------------------------------------------------------------------
    def peek(self, ahead: int = 0) -> str | None:
        self._skip_spacing()
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def _skip_spacing(self) -> None:
        """Pass over spacing and decorations (colour, boxes, cancel strokes)."""
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            name = tok[1:] if tok.startswith("\\") else ""
            if (name and name in SPACING) or tok in ("~", "&"):
                self.pos += 1
            elif name in WRAPPERS:
                self.pos += 1  # \boxed{x}: the braced group that follows is read
            elif name in SKIPPED_WITH_ARGUMENT:
                self.pos += 1
                if SKIPPED_WITH_ARGUMENT[name]:
                    self._skip_group(tok)
            else:
                break

    def _skip_group(self, command: str) -> None:
        """Skip one braced group (the argument of a decoration such as \\color)."""
        if self.pos >= len(self.tokens) or self.tokens[self.pos] != "{":
            raise TexUnsupported(f"{command} must be followed by a braced argument")
        depth = 0
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    return
        raise TexUnsupported(f"unbalanced braces after {command}")

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None:
            raise TexUnsupported(f"the formula ends early (expected {expected or 'more'})")
        if expected is not None and tok != expected:
            raise TexUnsupported(f"expected '{expected}' but found '{tok}'")
        self.pos += 1
        return tok

    def at_end(self) -> bool:
        return self.peek() is None

    # -- grammar ---------------------------------------------------------------------------
    def parse(self) -> sp.Expr:
        expr = self.sum()
        while self.peek() in (".", ","):  # sentence punctuation after a display
            self.take()
        if not self.at_end():
            raise TexUnsupported(f"cannot read '{self.peek()}' here")
        return expr

    def sum(self) -> sp.Expr:
        if self.peek() in ("+", "-"):
            sign = -1 if self.take() == "-" else 1
            expr = sign * self.term()
        else:
            expr = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()
            rhs = self.term()
            expr = expr + rhs if op == "+" else expr - rhs
        return expr

    def _starts_factor(self, tok: str | None) -> bool:
        if tok is None or tok in (
            "+",
            "-",
            ")",
            "]",
            "}",
            r"\}",
            "=",
            ",",
            ".",
            "&",
            r"\\",
            "^",
            "_",
            r"\rbrace",
            r"\rbrack",
        ):
            return False
        if tok in (r"\right", r"\bigr", r"\Bigr", r"\biggr", r"\Biggr"):
            return False
        if tok in (r"\big", r"\Big", r"\bigg", r"\Bigg"):
            return self.peek(1) not in (")", "]", r"\}", r"\rbrace", r"\rbrack", "|")
        if tok in ("|", r"\rvert", r"\vert") and self.bars:
            return False  # closes an absolute value
        return not (tok.startswith("\\") and tok[1:] in ("cdot", "times", "ast")) and tok != "*"

    def term(self) -> sp.Expr:
        expr = self.signed_factor()
        while True:
            tok = self.peek()
            if tok in (r"\cdot", r"\times", r"\ast", "*"):
                self.take()
                expr = expr * self.signed_factor()
            elif tok == "/":
                self.take()
                start = self.pos
                divisor = self.signed_factor()
                if self._starts_factor(self.peek()):
                    shown = "".join(self.tokens[start : self.pos]) + (self.peek() or "")
                    raise TexUnsupported(
                        f"'/{shown}' is ambiguous: it may divide by {shown} or by "
                        f"{''.join(self.tokens[start : self.pos])} alone; write \\frac{{...}}"
                        "{...} or put the divisor in parentheses"
                    )
                expr = expr / divisor
            elif self._starts_factor(tok):
                self._refuse_juxtaposed_numbers(tok)
                expr = expr * self.factor()
            else:
                return expr

    def _refuse_juxtaposed_numbers(self, tok: str) -> None:
        """``2\\frac{1}{2}`` (a mixed number?) and ``10\\,000`` (digit grouping?) are refused."""
        before = self.tokens[self.pos - 1] if self.pos > 0 else ""
        previous = self.tokens[self.pos - 1 : self.pos]
        number_before = bool(previous) and re.fullmatch(r"[0-9]+(\.[0-9]+)?", before)
        if not number_before:
            # a spacing command between: 10\,000
            back = self.pos - 1
            while back >= 0 and (
                self.tokens[back].startswith("\\") and self.tokens[back][1:] in SPACING
            ):
                back -= 1
            spaced = back < self.pos - 1 and back >= 0
            if (
                spaced
                and re.fullmatch(r"[0-9]+", self.tokens[back])
                and re.fullmatch(r"[0-9]+", tok)
            ):
                raise TexUnsupported(
                    f"'{self.tokens[back]} {tok}': a number split by a space is ambiguous "
                    "(digit grouping or a product?); write it whole, or use \\cdot"
                )
            return
        if tok in (r"\frac", r"\dfrac", r"\tfrac"):
            raise TexUnsupported(
                f"'{before}{tok}...' may be a mixed number or a product; write "
                f"{before} \\cdot {tok}{{...}}{{...}}, or the fraction alone"
            )
        if re.fullmatch(r"[0-9]+", tok):
            raise TexUnsupported(
                f"'{before} {tok}': two numbers side by side are ambiguous; write one number, "
                "or \\cdot between them"
            )

    def signed_factor(self) -> sp.Expr:
        if self.peek() == "-":
            self.take()
            return -self.signed_factor()
        if self.peek() == "+":
            self.take()
        return self.factor()

    def factor(self) -> sp.Expr:
        base = self.primary()
        if self.peek() == "^":
            self.take()
            if self.peek() in ("-", "+"):
                sign = self.peek()
                after = self.peek(1) or ""
                raise TexUnsupported(
                    f"the superscript of '^{sign}{after}' is only the sign '{sign}' (TeX raises "
                    f"just that character); write ^{{{sign}{after}}}"
                )
            exponent = self.script_argument()
            if base is sp.E:
                return sp.exp(exponent)
            return base**exponent
        return base

    def script_argument(self) -> sp.Expr:
        """The argument of ^ or _: a braced group or a single token."""
        if self.peek() == "{":
            return self.group()
        tok = self.take()
        if re.fullmatch(r"[0-9]", tok):
            return sp.Integer(tok)
        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", tok):
            # x^23 in TeX is x^2 * 3; refuse rather than guess.
            raise TexUnsupported(f"ambiguous exponent '{tok}': write ^{{{tok}}}")
        return self._name_value(tok)

    def group(self) -> sp.Expr:
        self.take("{")
        expr = self.sum()
        self.take("}")
        return expr

    def raw_group(self) -> list[str]:
        """The tokens of a braced group, unparsed."""
        self.take("{")
        depth = 1
        start = self.pos
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            if tok == "{":
                depth += 1
            elif tok == "}":
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return self.tokens[start : self.pos - 1]
            self.pos += 1
        raise TexUnsupported("unbalanced braces")

    def delimited(self, opener: str) -> sp.Expr:
        closer = OPEN[opener]
        expr = self.sum()
        if self.peek() in SIZE_CLOSERS:
            self.take()
        tok = self.take()
        if tok != closer:
            raise TexUnsupported(f"'{opener}' closed by '{tok}'")
        return expr

    def primary(self) -> sp.Expr:
        tok = self.peek()
        if tok is None:
            raise TexUnsupported("the formula ends early")
        if tok in (r"\left",) or (tok[1:] in SIZES and tok.startswith("\\")):
            self.take()
            opener = self.take()
            if opener in ("|", r"\lvert", r"\vert"):
                return self.absolute(sized=True)
            if opener not in OPEN:
                raise TexUnsupported(f"unsupported delimiter '{opener}'")
            return self.delimited(opener)
        if tok in ("|", r"\lvert", r"\vert"):
            self.take()
            return self.absolute(sized=False)
        if tok in OPEN:
            self.take()
            return self.delimited(tok)
        if tok == "{":
            return self.group()
        if re.fullmatch(r"[0-9]+(\.[0-9]+)?", tok):
            self.take()
            return sp.Rational(tok)
        if tok.startswith("\\"):
            return self.command()
        if re.fullmatch(r"[A-Za-z]", tok):
            self.take()
            return self.identifier(tok)
        raise TexUnsupported(f"cannot read '{tok}'")

    def absolute(self, sized: bool) -> sp.Expr:
        """|x|, \\left|x\\right|, \\lvert x\\rvert: the absolute value (the opener is taken)."""
        self.bars += 1
        expr = self.sum()
        self.bars -= 1
        if self.peek() in SIZE_CLOSERS:
            self.take()
        tok = self.take()
        if tok not in ("|", r"\rvert", r"\vert"):
            raise TexUnsupported(f"an absolute value '|' closed by '{tok}'")
        return sp.Abs(expr)

    # -- commands ---------------------------------------------------------------------------
    def command(self) -> sp.Expr:
        tok = self.take()
        name = tok[1:]
        if name in ("frac", "dfrac", "tfrac"):
            return self.fraction()
        if name == "sqrt":
            if self.peek() == "[":
                raise TexUnsupported("\\sqrt[n] is not supported")
            return sp.sqrt(self.script_argument())
        if name in FUNCTIONS:
            return self.function(name)
        if name in ("max", "min"):
            return self.extremum(name)
        if name in LABELLED:
            value = self.group()
            if self.peek() == LABELLED[name]:
                self.take()
                if self.peek() == "{":
                    self.raw_group()
                else:
                    self.take()
            return value
        if name in STACKED:
            self.raw_group()
            return self.group()
        if name == "ell":
            return self.identifier("ell" if self.names.lookup("ell") is not None else "l")
        if name == "sum":
            return self.summation()
        if name == "prod":
            total = self.summation()
            return sp.Product(*total.args)
        if name in ACCENTS:
            base = "".join(self.raw_group() if self.peek() == "{" else [self.take()])
            base = base.lstrip("\\")
            for candidate in (f"{base}_{name}", f"{base}{name}", f"{name}_{base}"):
                if self.names.lookup(candidate) is not None:
                    return self.identifier(candidate)
            raise TexUnsupported(
                f"\\{name}{{{base}}} is read as the name {base}_{name}: declare {base}_{name} "
                "under symbols (or define)"
            )
        if name.startswith("var") and name[3:] in GREEK and self.names.lookup(name) is None:
            return self.identifier(name[3:])  # \varepsilon for a declared epsilon
        if name in NAME_WRAPPERS:
            raw = self.raw_group()
            word = "".join(raw).replace("\\_", "_").replace(" ", "")
            if self.names.lookup(word) is None and word not in ("e", "d"):
                shown = " ".join(raw)
                raise TexUnsupported(
                    f"\\{name}{{{shown}}} is not a name this block declares; words in a display "
                    "(where ..., for ..., if ...) are not read: say them in the step's why, or "
                    "declare the name"
                )
            return self.identifier(word)
        if name in ("mathbf", "boldsymbol", "vec"):
            raise TexUnsupported(f"vector notation \\{name} is not supported")
        if name == "delta" and self.names.lookup("delta") is None and self.peek() == "_":
            # \delta_{jk}: the Kronecker delta of two indices
            indices = self._index_list(self._subscript_tokens())
            if len(indices) != 2:
                raise TexUnsupported("\\delta needs two indices, as in \\delta_{jk}")
            return sp.KroneckerDelta(*indices)
        if name == "pi" and self.names.lookup("pi") is None:
            return sp.pi
        if name in GREEK:
            return self.identifier(name)
        if name == "partial":
            raise TexUnsupported("a \\partial outside a Leibniz fraction")
        if name in UNSUPPORTED:
            raise TexUnsupported(f"{tok}: {UNSUPPORTED[name]}")
        raise TexUnsupported(f"unknown command '{tok}'")

    def extremum(self, name: str) -> sp.Expr:
        r"""\max(a, b), \max\{a, b\}, \max\left(a, b\right): Max or Min of the arguments."""
        if self.peek() == "_":
            raise TexUnsupported(f"\\{name} over a set (\\{name}_{{...}}) is not read")
        sized = self.peek() == r"\left" or self.peek() in SIZES_OPEN
        if sized:
            self.take()
        opener = self.take()
        if opener not in OPEN:
            raise TexUnsupported(f"write \\{name}(a, b): its arguments in parentheses")
        args = [self.sum()]
        while self.peek() == ",":
            self.take()
            args.append(self.sum())
        if self.peek() in SIZE_CLOSERS:
            self.take()
        closer = self.take()
        if closer != OPEN[opener]:
            raise TexUnsupported(f"'{opener}' closed by '{closer}'")
        return (sp.Max if name == "max" else sp.Min)(*args)

    def function(self, name: str) -> sp.Expr:
        func = FUNCTIONS[name]
        if name == "log" and self.peek() == "_":
            self.take()
            base = self.script_argument()
            arg = self.function_argument()
            return sp.log(arg, base)
        power = None
        if self.peek() == "^":  # \ln^2 x
            self.take()
            power = self.script_argument()
        arg = self.function_argument()
        value = func(arg)
        return value**power if power is not None else value

    def function_argument(self) -> sp.Expr:
        """The argument of \\ln, \\exp, ...: a delimited group, or the next factor.

        In the greedy reading an undelimited argument runs to the end of the product
        (``\\ln 2x`` is ``ln(2x)``), the other common way to read such TeX.
        """
        tok = self.peek()
        if tok in OPEN or tok == r"\left" or tok in SIZES_OPEN:
            return self.primary()  # \tanh(z)^2: the power applies to the value
        if self.names.greedy:
            return self.term()
        return self.factor()

    def fraction(self) -> sp.Expr:
        # \tfrac12 shorthand: two single-character arguments
        if self.peek() != "{":
            return self._short_argument() / self._short_argument()
        num_tokens = self.raw_group()
        den_tokens = self.raw_group()
        derivative = self._leibniz(num_tokens, den_tokens)
        if derivative is not None:
            return derivative
        return self._sub(num_tokens) / self._sub(den_tokens)

    def _short_argument(self) -> sp.Expr:
        tok = self.peek()
        if tok is not None and re.fullmatch(r"[0-9]{2,}", tok):
            self.tokens[self.pos] = tok[1:]  # \tfrac12: the digits are separate arguments
            return sp.Integer(tok[0])
        return self.script_argument()

    def _sub(self, tokens: list[str]) -> sp.Expr:
        reader = _Reader(tokens, self.names)
        return reader.parse()

    def _leibniz(self, num: list[str], den: list[str]) -> sp.Expr | None:
        """\\frac{\\partial L}{\\partial w}, \\frac{d}{dz} ... or None when not a derivative."""
        marks = (r"\partial", "d")
        num, den = _plain_d(num), _plain_d(den)
        if not num or num[0] not in marks or not den or den[0] not in marks:
            return None
        if num[0] == "d" and len(num) > 1 and num[1] not in ("^",) and den[0] != "d":
            return None
        if len(den) < 2:
            return None
        order = 1
        if len(num) >= 3 and num[1] == "^":  # \partial^2 L or d^2
            order_tokens = self._order_tokens(num[2:])
            num = [num[0], *num[2 + order_tokens[1] :]]
            order = order_tokens[0]
            if den[-4:] == ["^", "{", str(order), "}"]:
                den = den[:-4]
            elif den[-2:] == ["^", str(order)]:
                den = den[:-2]
            else:
                raise TexUnsupported(
                    f"a derivative of order {order} needs its variable to the power {order} "
                    f"below: \\partial z^{order}"
                )
        variable = _Reader(den[1:], self.names).parse()
        if not isinstance(variable, (sp.Symbol, sp.Indexed)):
            raise TexUnsupported("a derivative with respect to something that is not a variable")
        # operator form \frac{d}{dz} f(z) applies up to the next + or -
        target = self.term() if len(num) == 1 else _Reader(num[1:], self.names).parse()
        return (
            sp.Derivative(target, (variable, order))
            if order > 1
            else sp.Derivative(target, variable)
        )

    @staticmethod
    def _order_tokens(tokens: list[str]) -> tuple[int, int]:
        """(order, tokens used) of the ``^2`` or ``^{2}`` after a Leibniz mark."""
        if tokens and tokens[0] == "{" and len(tokens) >= 3 and tokens[2] == "}":
            text, used = tokens[1], 3
        elif tokens:
            text, used = tokens[0], 1
        else:
            text, used = "", 0
        if not text.isdigit():
            raise TexUnsupported("the order of a derivative must be a whole number: d^2")
        return int(text), used

    def summation(self) -> sp.Expr:
        self.take("_")
        lower = self.raw_group() if self.peek() == "{" else [self.take()]
        if "=" not in lower:
            raise TexUnsupported("a \\sum without 'index = start' below it")
        cut = lower.index("=")
        index_value = _Reader(lower[:cut], self.names).parse()
        start = _Reader(lower[cut + 1 :], self.names).parse()
        self.take("^")
        end = self.script_argument()
        if not isinstance(index_value, sp.Symbol):
            raise TexUnsupported("the summation index must be a declared index symbol")
        body = self.term()
        return sp.Sum(body, (index_value, start, end))

    # -- names ------------------------------------------------------------------------------
    def _name_value(self, name: str) -> sp.Expr:
        value = self.names.lookup(name)
        if value is None:
            if name == "e":
                return sp.E
            raise TexUnsupported(f"'{name}' is not a name this block declares")
        if isinstance(value, sp.Lambda):
            raise TexUnsupported(f"the function '{name}' is used without an argument")
        if isinstance(value, sp.IndexedBase):
            raise TexUnsupported(f"'{name}' is indexed but has no subscript")
        return value  # type: ignore[return-value]

    def _subscript_tokens(self) -> list[str]:
        self.take("_")
        if self.peek() == "{":
            return self.raw_group()
        return [self.take()]

    def _index_list(self, tokens: list[str]) -> list[sp.Expr]:
        if "," in tokens:
            parts, current = [], []
            for tok in tokens:
                if tok == ",":
                    parts.append(current)
                    current = []
                else:
                    current.append(tok)
            parts.append(current)
            return [_Reader(part, self.names).parse() for part in parts]
        if all(re.fullmatch(r"[A-Za-z]", t) for t in tokens) and len(tokens) > 1:
            return [_Reader([t], self.names).parse() for t in tokens]  # x_{ij}
        return [_Reader(tokens, self.names).parse()]

    def identifier(self, name: str) -> sp.Expr:
        value = self.names.lookup(name)
        label: list[str] | None = None  # a superscript (i) on an indexed name
        indices: list[sp.Expr] = []
        # Subscripts and (i) superscripts, in either order.
        for _ in range(2):
            if self.peek() == "_" and name not in self.names.functions:
                sub = self._subscript_tokens()
                sub_name = re.sub(r"\\(?:text|mathrm|operatorname)|[{}\s]", "", "".join(sub))
                joined = name + sub_name  # J_{\text{reg}} may name J_reg or Jreg
                underscored = name + "_" + sub_name
                if isinstance(value, sp.IndexedBase):
                    indices.extend(self._index_list(sub))
                elif self.names.lookup(underscored) is not None:
                    name, value = underscored, self.names.lookup(underscored)
                elif self.names.lookup(joined) is not None:
                    name, value = joined, self.names.lookup(joined)
                elif value is None:
                    raise TexUnsupported(f"'{name}_{''.join(sub)}' is not declared")
                elif name in self.names.labels:
                    pass  # J_w = ..., a chain's name with a label
                elif name not in self.names.functions:
                    raise SubscriptError(
                        f"'{name}_{{{''.join(sub)}}}': '{name}' is not declared indexed, so a "
                        f"subscript on it is not read; declare '{name}: indexed real' "
                        f"and use {name}[...] in expr, or declare the name "
                        f"'{name}_{sub_name}' itself"
                    )
            elif (
                self.peek() == "^"
                and self.peek(1) == "{"
                and self.peek(2) == "("
                and value is not None
                and not isinstance(value, sp.IndexedBase)
                and name not in self.names.functions
                and name not in self.names.labels
            ):
                raise SubscriptError(
                    f"'{name}^{{(...)}}': '{name}' is not declared indexed, so the example's "
                    f"label is not read; declare '{name}: indexed real' and use "
                    f"{name}[i, ...] in expr"
                )
            elif (
                self.peek() == "^"
                and isinstance(value, sp.IndexedBase)
                and self.peek(1) == "{"
                and self.peek(2) == "("
            ):
                self.take("^")
                group = self.raw_group()
                if group[0] != "(" or group[-1] != ")":
                    raise TexUnsupported("an indexed name's superscript must be (i)")
                label = group[1:-1]
        if isinstance(value, sp.IndexedBase):
            if label is not None:
                indices.insert(0, _Reader(label, self.names).parse())
            if not indices:
                raise TexUnsupported(f"'{name}' is indexed but has no subscript")
            return value[tuple(indices)]
        if (
            name in self.names.functions
            and self.peek() == "^"
            and self.peek(1) == "{"
            and self.peek(2) == "("
        ):  # z^{(i)} for a function z(r) of the example's index
            self.take("^")
            group = self.raw_group()
            if group[-1] != ")":
                raise TexUnsupported(f"'{name}^{{...}}' must be written {name}^{{(i)}}")
            return value(_Reader(group[1:-1], self.names).parse())  # type: ignore[operator]
        if (
            name in self.names.functions
            and self.peek() == "_"
            and not isinstance(value, sp.IndexedBase)
        ):  # L_i for a function L(r) of the example's index
            sub = self._subscript_tokens()
            return value(*self._index_list(sub))  # type: ignore[operator]
        if name in self.names.functions and self.peek() in ("'", "^"):
            primes = self._primes()
            if primes:  # \sigma'(z), \sigma''(z): derivatives of a one-variable function
                if not isinstance(value, sp.Lambda) or len(value.variables) != 1:
                    raise TexUnsupported(
                        f"a prime on '{name}', which is not a one-variable function"
                    )
                (var,) = value.variables
                derivative = sp.Lambda(var, sp.diff(value.expr, var, primes))
                args = self._call_arguments()
                if len(args) != 1:
                    raise TexUnsupported(f"'{name}' takes one argument")
                return derivative(*args)
        if name in self.names.functions and self.peek() == "^":
            power = self._function_power(name)
            if power is not None and self.peek() in ("(", r"\left"):
                args = self._call_arguments()
                return value(*args) ** power  # type: ignore[operator]
        if name in self.names.functions and self.peek() in ("(", r"\left"):
            args = self._call_arguments()
            return value(*args)  # type: ignore[operator]
        if name in self.names.labels and self.peek() in ("(", r"\left"):
            self._label_arguments(name)
        return self._name_value(name)

    def _function_power(self, name: str) -> sp.Expr | None:
        r"""The power in ``\sigma^2(z)`` (the square of the value); None if not that form."""
        start = self.pos
        self.take("^")
        tokens = self.raw_group() if self.peek() == "{" else [self.take()]
        text = "".join(tokens)
        if re.fullmatch(r"[0-9]+", text):
            return sp.Integer(text)
        if text.startswith("-"):
            raise TexUnsupported(
                f"'{name}^{{{text}}}(...)' may mean a power or the inverse function; write "
                f"\\left({name}(...)\\right)^{{{text}}} for the power"
            )
        self.pos = start
        return None

    def _label_arguments(self, name: str) -> None:
        """Skip ``(w, b)`` after a chain's name used as a label: ``J(w, b) = ...``."""
        start = self.pos
        if self.peek() == r"\left":
            self.take()
        self.take("(")
        depth = 1
        while self.pos < len(self.tokens):
            tok = self.tokens[self.pos]
            self.pos += 1
            if tok in ("(", "+", "-", "/", r"\cdot", "*", "^"):
                break  # not a list of names: a product such as J (w - 1)
            if tok == ")":
                depth -= 1
                if depth == 0:
                    return
        self.pos = start

    def _primes(self) -> int:
        """How many primes follow (``'``, ``''``, ``^{\\prime}``); none are consumed if 0."""
        count = 0
        while self.peek() == "'":
            self.take()
            count += 1
        if count == 0 and self.peek() == "^" and self.peek(1) == "{" and self.peek(2) == r"\prime":
            self.take("^")
            group = self.raw_group()
            if any(tok != r"\prime" for tok in group):
                raise TexUnsupported("only primes may follow a function name as a superscript")
            count = len(group)
        return count

    def _call_arguments(self) -> list[sp.Expr]:
        if self.peek() == r"\left":
            self.take()
        self.take("(")
        args = [self.sum()]
        while self.peek() == ",":
            self.take()
            args.append(self.sum())
        if self.peek() == r"\right":
            self.take()
        self.take(")")
        return args


def tex_to_sympy(
    tex: str,
    names: Mapping[str, object],
    functions: set[str] | None = None,
    *,
    greedy: bool = False,
    labels: frozenset[str] | set[str] = frozenset(),
) -> sp.Expr:
    r"""Read *tex* (one expression, no ``=``) into sympy using the block's *names*.

    *names* maps declared names to sympy objects: symbols, ``IndexedBase`` objects,
    abbreviations (expressions) and functions (``sympy.Lambda``); *functions* lists the names
    applied with parentheses (by default every ``Lambda`` in *names*). With *greedy*, an
    undelimited function argument runs to the end of the product (``\ln 2x`` = ``ln(2x)``)
    instead of being one factor (``ln(2)x``); the checker tries that reading before it calls a
    display a mismatch.

    Examples
    --------
    >>> import sympy as sp
    >>> t, z, a = sp.symbols("t z a")
    >>> names = {"z": z, "a": a, "sigma": sp.Lambda(t, 1 / (1 + sp.exp(-t)))}
    >>> tex_to_sympy(r"\sigma(z)\left(1 - \sigma(z)\right)", names)
    (1 - 1/(1 + exp(-z)))/(1 + exp(-z))
    >>> tex_to_sympy(r"a(1-a)", names)
    a*(1 - a)
    >>> tex_to_sympy(r"\frac{e^{-z}}{(1 + e^{-z})^{2}}", names)
    exp(-z)/(1 + exp(-z))**2
    """
    if functions is None:
        functions = {k for k, v in names.items() if isinstance(v, sp.Lambda)}
    tokens = tokenize(tex.strip())
    while tokens and tokens[-1] == r"\\":
        tokens.pop()  # the line break that ends a line of an aligned display
    if not tokens:
        raise TexUnsupported("nothing to read")
    if r"\\" in tokens:
        raise TexUnsupported("a line break (\\\\) inside one step: make each line a step")
    known = _Names(values=names, functions=functions, greedy=greedy, labels=frozenset(labels))
    try:
        return _Reader(tokens, known).parse()
    except TexUnsupported:
        raise
    except RecursionError:
        raise TexUnsupported("the formula is nested too deeply to read") from None
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise TexUnsupported(f"cannot read the formula ({exc})") from exc
