"""Decisions cached by content hash, so an unchanged block is never decided twice.

The key is the SHA-256 of the checker version and the block's text: editing a block, or a
checker release that could decide differently, makes a new key. Line numbers are not part of
the key: a block that only moved is shifted, not re-checked.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from derivnotes.checker.results import CHECKER_VERSION, DerivationResult
from derivnotes.store import ContentStore, content_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from derivnotes.checker.derivation import Derivation


def block_key(text: str) -> str:
    """The cache key of a derivation block's YAML text.

    Examples
    --------
    >>> block_key("id: a") == block_key("id: a"), block_key("id: a") == block_key("id: b")
    (True, False)
    """
    return content_key(CHECKER_VERSION, text)


@functools.cache
def exhibit_fingerprint() -> str:
    """What a figure's or table's output depends on besides its fence: the code that computes
    and draws it, and the numpy and matplotlib releases."""
    package = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for name in ("exhibits/fences.py", "exhibits/figures.py", "exhibits/tables.py", "numerics.py"):
        digest.update((package / name).read_bytes())
    for package in ("numpy", "matplotlib"):
        digest.update(version(package).encode())
    return digest.hexdigest()


class ResultCache:
    """Checked results on disk (one JSON file per block), or nowhere when *directory* is None."""

    def __init__(self, directory: str | os.PathLike[str] | None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.hits = 0
        self.misses = 0
        self._results = ContentStore(directory, "", ".json", fan_out=True)
        self._exhibits = ContentStore(directory, "exhibits", ".html")

    def load(self, key: str) -> dict | None:
        text = self._results.read(key)
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def store(self, key: str, data: dict) -> None:
        self._results.write(key, json.dumps(data))

    def check(
        self, text: str, *, file: str, line: int
    ) -> tuple[Derivation | None, DerivationResult]:
        """Decide the block *text*, or reuse the cached decision; raises on a malformed block.

        A cached block is not even parsed (only blocks that parsed are ever cached), so a build
        or check whose blocks are all cached never imports the checker (nor sympy); the
        derivation returned is then None.
        """
        key = block_key(text)
        cached = self.load(key)
        if cached is not None:
            try:
                result = DerivationResult.from_dict(cached["result"])
                shift = line - cached["line"]
            except (KeyError, TypeError, ValueError):
                result = None
            if result is not None:
                self.hits += 1
                result.file = file
                result.line = line
                for step in result.steps:
                    step.line += shift
                return None, result
        from derivnotes.checker.derivation import check_derivation, parse_derivation

        derivation = parse_derivation(text, file=file, line=line)
        self.misses += 1
        result = check_derivation(derivation)
        self.store(key, {"line": line, "result": result.to_dict()})
        return derivation, result

    def exhibit(self, kind: str, body: str, produce: Callable[[], str]) -> str:
        """The HTML of a figure or table fence, from the cache when its inputs are unchanged."""
        if self.directory is None:
            return produce()
        key = content_key(exhibit_fingerprint(), kind, body)
        cached = self._exhibits.read(key)
        if cached is not None:
            self.hits += 1
            return cached
        self.misses += 1
        rendered = produce()
        self._exhibits.write(key, rendered)
        return rendered
