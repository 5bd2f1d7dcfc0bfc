r"""A display pasted from a forum, split into the steps of a derivation.

Learners write a derivation as one display: ``\begin{aligned} ... \end{aligned}`` or
``\eqalign{...}``, rows joined by ``\\`` and aligned with ``&=``, products written ``*``, and
``ln(`` without its backslash. :func:`split_display` turns such a display into one ``tex`` per
step, as a derivation block writes them: the first row as it is, every later row starting with
``=``. Each can then be checked from its TeX reading (a step needs no ``expr``).

Examples
--------
>>> for tex in split_display(r'''$$\begin{aligned}
... \frac{\partial L}{\partial z} &= -\frac{y}{a} \cdot a(1-a) + \frac{1-y}{1-a} \cdot a(1-a) \\
... &= -y(1-a) + (1-y)a \\
... &= a - y
... \end{aligned}$$'''):
...     print(tex)
\frac{\partial L}{\partial z} = -\frac{y}{a} \cdot a(1-a) + \frac{1-y}{1-a} \cdot a(1-a)
= -y(1-a) + (1-y)a
= a - y
"""

from __future__ import annotations

import json
import keyword
import re

__all__ = [
    "block_from_display",
    "display_names",
    "guess_domain",
    "guess_domains",
    "is_logistic",
    "one_claim_per_step",
    "split_display",
]

_DELIMITERS = re.compile(r"^\s*(\$\$|\\\[|\$)|(\$\$|\\\]|\$)\s*$")
_ENVIRONMENT = re.compile(
    r"\\begin\{(aligned|align\*?|eqnarray\*?|split|gathered|gather\*?|equation\*?|multline\*?)\}|"
    r"\\end\{(aligned|align\*?|eqnarray\*?|split|gathered|gather\*?|equation\*?|multline\*?)\}"
)
_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
_LABEL = re.compile(r"\\label\{[^{}]*\}")
_CR = re.compile(r"\\cr(?![A-Za-z])")
_INNER_DOLLARS = re.compile(r"\$\$|\$|(?<!\\)\\\[|(?<!\\)\\\]")
#: Characters learners paste from rendered pages, as the TeX the reader knows.
_UNICODE = {
    "−": "-",
    "–": "-",
    "·": " \\cdot ",
    "×": " \\times ",
    "σ": "\\sigma ",
    "λ": "\\lambda ",
    "θ": "\\theta ",
    "∂": "\\partial ",
    "≈": "\\approx ",
    "²": "^2",
    "³": "^3",
    "\u00a0": " ",
}
_EQALIGN = re.compile(r"\\(eqalign|eqalignno|displaylines)\s*\{")
_TAGS = re.compile(r"\\(nonumber|notag)(?![A-Za-z])|\\tag\*?\{[^{}]*\}")
_BARE_FUNCTION = re.compile(r"(?<![\\A-Za-z])(ln|log|exp|sin|cos|tan|tanh|sinh|cosh)(?=\s*[({])")
_ROW_BREAK = re.compile(r"\\\\(\[[^\]]*\])?")


def _strip_eqalign(text: str) -> str:
    r"""``\eqalign{rows}`` -> ``rows`` (its closing brace found by counting)."""
    match = _EQALIGN.search(text)
    while match:
        depth, end = 1, match.end()
        while end < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        text = text[: match.start()] + text[match.end() : end - 1] + text[end:]
        match = _EQALIGN.search(text)
    return text


def split_display(text: str) -> list[str]:
    r"""One ``tex`` per step: the rows of a pasted display, each later row starting with ``=``.

    Rows are split at ``\\`` (or at line ends when there is none); ``&`` markers, ``\nonumber``
    and ``\tag{...}`` are dropped; ``ln(``, ``exp(`` and the like get their backslash. A later
    row that does not start with ``=`` (``a = b`` then ``c = d``) continues the chain as
    ``= c = d``: every part of a step is read and checked, so ``c`` is checked too.

    Examples
    --------
    >>> split_display("L = ln(1 + e^{-z}) \\\\ = -ln(\\sigma(z))")
    ['L = \\ln(1 + e^{-z})', '= -\\ln(\\sigma(z))']
    >>> split_display("a*(1-a) = a - a^2")
    ['a*(1-a) = a - a^2']
    """
    body = text.strip()
    for char, tex in _UNICODE.items():
        body = body.replace(char, tex)
    body = _COMMENT.sub("", body)
    body = _DELIMITERS.sub("", body).strip()
    body = _CR.sub(r"\\\\", body)
    body = _ENVIRONMENT.sub("", _strip_eqalign(body))
    body = _TAGS.sub("", _LABEL.sub("", body))
    if _ROW_BREAK.search(body) is None and _INNER_DOLLARS.search(body):
        body = _INNER_DOLLARS.sub("\n", body)  # $a = b$ $= c$: one row per math piece
    else:
        body = _INNER_DOLLARS.sub(" ", body)
    body = _BARE_FUNCTION.sub(lambda m: "\\" + m.group(1), body)
    rows = _ROW_BREAK.split(body) if _ROW_BREAK.search(body) else body.splitlines()
    steps: list[str] = []
    for row in rows:
        if row is None or row.startswith("["):  # the optional [1ex] of a row break
            continue
        tex = " ".join(row.replace("&", " ").split())
        if not tex:
            continue
        if steps and not tex.startswith("="):
            tex = "= " + tex
        steps.append(tex)
    return steps


def one_claim_per_step(rows: list[str]) -> list[str]:
    r"""*rows* (from :func:`split_display`) cut at every top-level ``=``, so that each equality a
    learner wrote is a step the checker compares with the one before: ``A = B = C`` on one row
    is three steps, ``A``, ``= B`` and ``= C``.

    Examples
    --------
    >>> one_claim_per_step([r"\frac{\partial L}{\partial w} = \frac{a}{b} = c", "= d", "= "])
    ['\\frac{\\partial L}{\\partial w}', '= \\frac{a}{b}', '= c', '= d']
    """
    from derivnotes.checker.tex import split_parts

    steps: list[str] = []
    for row in rows:
        for part in split_parts(row):
            part = part.strip()
            if part:
                steps.append(f"= {part}" if steps else part)
    return steps


# What the TeX reader says of a name the block does not declare (see checker.tex).
_UNDECLARED = (
    re.compile(r"^'([^'\s]+)' is not a name this block declares"),
    re.compile(r"^'([A-Za-z]+_[A-Za-z0-9]+)' is not declared$"),
    re.compile(r"is read as the name ([A-Za-z]+_[A-Za-z]+): declare"),
)
#: The sigmoid, as the site's pages define it; a display that applies \sigma to an argument
#: gets it.
SIGMOID = ("sigma(t)", "1/(1 + exp(-t))")
_APPLIED_SIGMA = re.compile(r"\\sigma\s*(\(|\\left|\\big|\\Big)")


def display_names(steps: list[str]) -> list[str]:
    r"""The names the checker needs declared to read *steps* (as :func:`split_display` gives
    them), in the order they are first met; ``sigma`` when the display applies ``\sigma``.

    Examples
    --------
    >>> display_names([r"\frac{\partial}{\partial w} \ln \sigma(w x + b)", r"= (1 - \hat{y}) x"])
    ['sigma', 'w', 'x', 'b', 'y_hat']
    """
    import sympy as sp

    from derivnotes.checker.tex import TexUnsupported, split_parts, tex_to_sympy, unwrap_equations

    names: dict[str, object] = {}
    order: list[str] = []
    if any(_APPLIED_SIGMA.search(tex) for tex in steps):
        t = sp.Symbol("t")
        names["sigma"] = sp.Lambda(t, 1 / (1 + sp.exp(-t)))
        order.append("sigma")
    for tex in steps:
        try:
            last = split_parts(unwrap_equations(tex))[-1].strip()
        except Exception:  # a display the splitter cannot take apart: nothing to learn
            continue
        for _ in range(64):
            try:
                tex_to_sympy(last, names)
                break
            except TexUnsupported as exc:
                found = next((m.group(1) for p in _UNDECLARED if (m := p.search(str(exc)))), None)
                if found is None or found in names:
                    break
                names[found] = sp.Symbol(found)
                order.append(found)
            except Exception:
                break
    return order


_REAL = {"x", "w", "b", "z", "t", "s", "u", "v", "theta", "alpha", "beta", "epsilon", "c", "k"}
_PROBABILITY = {"f", "a", "p", "h", "y_hat", "q"}
_LINEAR = ("w", "x", "b")


def guess_domain(
    name: str, names: list[str] | tuple[str, ...] = (), *, logistic: bool = True
) -> str:
    r"""The domain (or ``= definition``) a name usually has in this site's derivations, given
    the other *names* of the display; '' when there is no usual one (the page then asks).

    In a display about the logistic loss (*logistic*: it takes a log or applies the sigmoid), y
    is a label in {0, 1}; a prediction (f, a, \hat{y}, ...) is the sigmoid of z when z appears,
    or of w x + b when w and x do (:func:`guess_domains` then adds the names that definition
    uses); z is w x + b when w or x appear; L is the logistic loss of the prediction. Elsewhere
    (a squared error, plain algebra) y and the predictions are real numbers, and L is asked for.

    Examples
    --------
    >>> guess_domain("y"), guess_domain("w"), guess_domain("lambda"), guess_domain("q7")
    ('{0, 1}', 'real', 'positive', '')
    >>> guess_domain("f", ["f", "w", "x"]), guess_domain("f", ["f", "z"]), guess_domain("f", ["f"])
    ('= sigma(w*x + b)', '= sigma(z)', '(0, 1)')
    >>> guess_domain("z", ["z", "x"]), guess_domain("z", ["z", "b"])
    ('= w*x + b', 'real')
    >>> guess_domain("y", ["y", "w"], logistic=False), guess_domain("a", ["a"], logistic=False)
    ('real', 'real')
    """
    present = set(names)
    linear = bool(present & {"w", "x"})
    if name == "sigma":
        return "= " + SIGMOID[1]
    if name == "y":
        return "{0, 1}" if logistic else "real"
    if name == "z" and linear:
        return "= w*x + b"
    if name in _PROBABILITY:
        if not logistic:
            return "real"
        if "z" in present:
            return "= sigma(z)"
        if {"w", "x"} <= present:
            return "= sigma(w*x + b)"
        return "(0, 1)"
    if name == "L" and logistic:  # the logistic loss, of the prediction the display names
        prediction = next((p for p in ("f", "a", "y_hat", "p", "h") if p in present), None)
        if prediction is None:
            prediction = "sigma(z)" if "z" in present else "sigma(w*x + b)" if linear else None
        if prediction is not None:
            return f"= -(y*log({prediction}) + (1 - y)*log(1 - {prediction}))"
    if name in _REAL:
        return "real"
    if name in ("lambda", "eta"):
        return "positive"
    return ""


#: TeX that makes a display one about the logistic loss.
_LOGISTIC = re.compile(r"\\(ln|log|sigma)(?![A-Za-z])|(?<![A-Za-z\\])(ln|log)\s*\(|σ")


def is_logistic(display: str) -> bool:
    r"""Whether *display* takes a log or applies the sigmoid (see :func:`guess_domain`).

    Examples
    --------
    >>> is_logistic(r"-y\ln f"), is_logistic(r"(wx - y)^2"), is_logistic("ln(1 - f)")
    (True, False, True)
    """
    return bool(_LOGISTIC.search(display))


def guess_domains(names: list[str], *, logistic: bool = True) -> dict[str, str]:
    """:func:`guess_domain` for each of *names*, in order, then for the names the guessed
    definitions use that the display does not (``w``, ``x``, ``b`` of ``sigma(w*x + b)``).

    Examples
    --------
    >>> guess_domains(["w", "x", "y", "f"])
    {'w': 'real', 'x': 'real', 'y': '{0, 1}', 'f': '= sigma(w*x + b)', 'b': 'real'}
    """
    guesses = {name: guess_domain(name, names, logistic=logistic) for name in names}
    used = " ".join(value for value in guesses.values() if value.startswith("="))
    for extra in (*_LINEAR, "y"):
        if extra not in guesses and re.search(rf"\b{extra}\b", used):
            guesses[extra] = guess_domain(extra, logistic=logistic)
    return guesses


def _yaml_text(text: str) -> str:
    """*text* as a YAML scalar that keeps every backslash: single-quoted."""
    return "'" + text.replace("'", "''") + "'"


def _in_reading_order(definitions: dict[str, str]) -> list[tuple[str, str]]:
    """*definitions* ordered so that each comes after the definitions it uses (a circle is
    left in the given order: the checker then names it)."""
    names = {key.split("(")[0]: key for key in definitions}
    uses = {
        key: {names[n] for n in re.findall(r"[A-Za-z_]\w*", text) if n in names and names[n] != key}
        for key, text in definitions.items()
    }
    ordered: list[str] = []
    while len(ordered) < len(definitions):
        ready = [k for k in definitions if k not in ordered and uses[k] <= set(ordered)]
        ordered += ready or [k for k in definitions if k not in ordered]
    return [(key, definitions[key]) for key in ordered]


def block_from_display(
    steps: list[str], domains: dict[str, str], *, block_id: str = "pasted"
) -> str:
    r"""A derivation block (its YAML, without the fence) for *steps*: one chain, a tex per
    step and no expr, so the checker reads each display; *domains* gives each name a domain,
    or a definition written ``= expr`` (sympy syntax), as :func:`guess_domain` does.

    Examples
    --------
    >>> print(block_from_display(["f = \\sigma(z)", "= 1 - \\sigma(-z)"],
    ...                          {"sigma": "= 1/(1 + exp(-t))", "z": "real"}))
    id: pasted
    symbols:
      z: real
    define:
      sigma(t): 1/(1 + exp(-t))
    chains:
      - name: pasted
        label: 'f'
        steps:
          - tex: 'f = \sigma(z)'
          - tex: '= 1 - \sigma(-z)'
    """
    symbols, definitions = [], {}
    for name, domain in domains.items():
        domain = (domain or "real").strip()
        if keyword.iskeyword(name):  # \lambda: the block's name is lambda_, which TeX finds
            name += "_"
        if domain.startswith("="):
            key = SIGMOID[0] if name == "sigma" else name
            definitions[key] = domain[1:].strip()
        else:
            shown = json.dumps(domain) if domain[:1] in "{[\"'" else domain
            symbols.append(f"  {name}: {shown}")
    if any("sigma(" in text for text in definitions.values()) and SIGMOID[0] not in definitions:
        definitions[SIGMOID[0]] = SIGMOID[1]
    define = [f"  {key}: {text}" for key, text in _in_reading_order(definitions)]
    lines = [f"id: {block_id}"]
    if symbols:
        lines += ["symbols:", *symbols]
    if define:
        lines += ["define:", *define]
    lines += ["chains:", "  - name: pasted"]
    parts = steps[0].split("=") if steps else []
    if len(parts) > 1 and parts[0].strip() and "=" not in parts[0]:
        # what the first row says it computes (\frac{\partial L}{\partial w} = ...): the label
        lines.append(f"    label: {_yaml_text(parts[0].strip())}")
    lines.append("    steps:")
    lines += [f"      - tex: {_yaml_text(tex)}" for tex in steps]
    return "\n".join(lines)
