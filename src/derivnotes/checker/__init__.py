"""The checker: from a page's lines to a decision on every derivation step.

Data path: :mod:`.fences` finds the fenced blocks of a page; :mod:`.derivation` reads a block
(:mod:`.domains` for the declared domains, :mod:`.tex` for the displays) and decides each step
with :mod:`.numeric` (sampling at high precision) and :mod:`.symbolic` (sympy proofs);
:mod:`.results` holds what comes out and :mod:`.cache` keeps decisions by content.

Nothing here imports the site, the exhibits or a documentation builder.
"""

from derivnotes.checker.cache import ResultCache, block_key
from derivnotes.checker.derivation import check_derivation, parse_derivation
from derivnotes.checker.fences import Fence, FenceError, iter_fences
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
    "ResultCache",
    "StepResult",
    "block_key",
    "check_derivation",
    "iter_fences",
    "parse_derivation",
]
