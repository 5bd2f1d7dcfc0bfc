"""TeX a derivation may not hold, tested without sympy (the decision cache uses it to take a
block whose whys alone changed without deciding it again)."""

from __future__ import annotations

import re

_UNSAFE_TEX = re.compile(
    r"\\(href|url|style|class|cssId|data|require|html[A-Za-z]*|unicode|input|include|def|"
    r"newcommand|renewcommand|let|edef|gdef|mmlToken)(?![A-Za-z])"
)


def unsafe_tex(text: str) -> str | None:
    r"""What is wrong with *text* if it uses a command that links, styles or defines; else None.

    >>> print(unsafe_tex(r"see \href{javascript:x}{here}"))
    uses \href, which this site does not allow in a derivation (no links, styles or
    definitions in TeX)
    >>> unsafe_tex(r"the chain rule, with $\sigma'(z)$") is None
    True
    """
    found = _UNSAFE_TEX.search(text)
    if found:
        return (
            f"uses \\{found.group(1)}, which this site does not allow in a derivation (no links, "
            "styles or definitions in TeX)"
        )
    return None
