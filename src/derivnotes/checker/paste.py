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

import re

__all__ = ["split_display"]

_DELIMITERS = re.compile(r"^\s*(\$\$|\\\[|\$)|(\$\$|\\\]|\$)\s*$")
_ENVIRONMENT = re.compile(
    r"\\begin\{(aligned|align\*?|eqnarray\*?|split|gathered|gather\*?)\}|"
    r"\\end\{(aligned|align\*?|eqnarray\*?|split|gathered|gather\*?)\}"
)
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
    body = _DELIMITERS.sub("", body).strip()
    body = _ENVIRONMENT.sub("", _strip_eqalign(body))
    body = _TAGS.sub("", body)
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
