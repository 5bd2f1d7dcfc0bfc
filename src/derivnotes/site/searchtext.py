r"""Readable text for TeX in the search index.

The search index holds the text of every section, math included; its results are shown as
plain text, where ``\(\frac{\partial L}{\partial w}\)`` would be noise. :func:`tex_to_text`
turns such math into a compact Unicode approximation (``∂L/∂w``) that reads well in a result
list and still matches what a reader types.
"""

from __future__ import annotations

import re

_SYMBOLS = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "eta": "η",
    "theta": "θ",
    "lambda": "λ",
    "mu": "μ",
    "pi": "π",
    "sigma": "σ",
    "tau": "τ",
    "phi": "φ",
    "omega": "ω",
    "Delta": "Δ",
    "Sigma": "Σ",
    "nabla": "∇",
    "partial": "∂",
    "cdot": "·",
    "times": "×",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "neq": "≠",
    "approx": "≈",
    "infty": "∞",
    "sum": "Σ",
    "prod": "∏",
    "in": "∈",
    "to": "→",
    "rightarrow": "→",
    "dots": "…",
    "ldots": "…",
    "cdots": "⋯",
    "pm": "±",
    "top": "ᵀ",
    "mid": "|",
}
_DROP = {
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "displaystyle",
    "quad",
    "qquad",
    "mathbf",
    "mathrm",
    "mathit",
    "operatorname",
    "text",
    "boldsymbol",
    "limits",
}
_FRAC = re.compile(r"\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}")
_FRAC_SHORT = re.compile(r"\\[dt]?frac\s*(\w)(\w)")
_MATH = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)


def _wrap(part: str) -> str:
    part = part.strip()
    return part if re.fullmatch(r"[\w∂σ']*", part) else f"({part})"


def tex_to_text(tex: str) -> str:
    r"""A plain-text reading of a TeX formula.

    Examples
    --------
    >>> tex_to_text(r"\frac{\partial L}{\partial w_j} = (f - y)\,x_j")
    '∂L/∂w_j = (f - y) x_j'
    >>> tex_to_text(r"\sigma(z) = \dfrac{1}{1 + e^{-z}}")
    'σ(z) = 1/(1 + e^(-z))'
    """
    text = re.sub(r"\\[,;:!]|~", " ", tex)
    text = re.sub(r"\\begin\{\w+\*?\}|\\end\{\w+\*?\}|\\\\|&", " ", text)

    def macro(match: re.Match[str]) -> str:
        name = match.group(1)
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _DROP:
            return ""
        if name in ("frac", "dfrac", "tfrac"):
            return match.group(0)
        return name  # \ln, \exp, \log, ... read as their names

    text = re.sub(r"\\([A-Za-z]+)\s?", macro, text)
    for _ in range(4):  # innermost braces first: scripts, then fractions
        text = re.sub(r"([_^])\{([^{}]*)\}", lambda m: m.group(1) + _wrap(m.group(2)), text)
        text = _FRAC.sub(lambda m: f"{_wrap(m.group(1))}/{_wrap(m.group(2))}", text)
    text = _FRAC_SHORT.sub(r"\1/\2", text)
    text = re.sub(r"\\(.)", r"\1", text)
    text = text.replace("{", "").replace("}", "")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([,.;)])", r"\1", text)


def strip_math(text: str) -> str:
    r"""Replace every ``\(...\)`` and ``\[...\]`` span of *text* by its plain reading.

    Examples
    --------
    >>> strip_math(r"the slope \(\sigma'(0) = \tfrac14\) is largest")
    "the slope σ'(0) = 1/4 is largest"
    """
    return _MATH.sub(lambda m: tex_to_text(m.group(1) or m.group(2)), text)
