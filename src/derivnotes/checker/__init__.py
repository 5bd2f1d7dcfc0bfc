"""The checker: from a page's lines to a decision on every derivation step.

Data path: :mod:`.fences` finds the fenced blocks of a page; :mod:`.derivation` reads a block
(:mod:`.domains` for the declared domains, :mod:`.tex` for the displays) and decides each step
with :mod:`.numeric` (sampling at high precision) and :mod:`.symbolic` (sympy proofs);
:mod:`.results` holds what comes out and :mod:`.cache` keeps decisions by content.

Nothing here imports the site, the exhibits or a documentation builder.
"""

from typing import Any

from derivnotes.checker.cache import ResultCache, block_key
from derivnotes.checker.fences import Fence, FenceError, iter_fences
from derivnotes.checker.page import FileReport, check_page, check_source
from derivnotes.checker.results import (
    CHECKER_VERSION,
    DerivationError,
    DerivationResult,
    StepResult,
)

__all__ = [
    "CHECKER_VERSION",
    "DerivationError",
    "DerivationResult",
    "Fence",
    "FenceError",
    "FileReport",
    "ResultCache",
    "StepResult",
    "block_key",
    "check_derivation",
    "check_page",
    "check_source",
    "iter_fences",
    "parse_derivation",
]


def __getattr__(name: str) -> Any:
    """``check_derivation`` and ``parse_derivation`` import sympy: only when asked for, so that
    a check whose blocks all come from the cache never imports it."""
    if name in ("check_derivation", "parse_derivation"):
        from derivnotes.checker import derivation

        return getattr(derivation, name)
    raise AttributeError(f"module 'derivnotes.checker' has no attribute {name!r}")
