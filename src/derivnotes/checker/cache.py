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
import re
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from derivnotes.checker.results import CHECKER_VERSION, DerivationError, DerivationResult
from derivnotes.checker.texsafety import unsafe_tex
from derivnotes.store import ContentStore, content_key

TYPE_CHECKING = False
if TYPE_CHECKING:
    from derivnotes.checker.derivation import Derivation


# A step's why on a line of its own ("why: ..." or "- why: ..."), its value blanked: two blocks
# that differ only there are decided alike (a why is prose, shown beside the step).
_WHY_LINE = re.compile(r"^([ \t]*(?:-[ \t]+)?why[ \t]*:).*$", re.MULTILINE)


def why_blind_key(text: str) -> str:
    r"""The cache key of a block with its whys' first lines blanked.

    >>> why_blind_key("- why: a\n  expr: x") == why_blind_key("- why: b c\n  expr: x")
    True
    >>> why_blind_key("- why: a\n  expr: x") == why_blind_key("- why: a\n  expr: y")
    False
    """
    return content_key(CHECKER_VERSION, "why-blind", _WHY_LINE.sub(r"\1", text))


def _whys(text: str) -> dict[int, str] | None:
    """Each why of a block by the 0-based line of its key; None if the block does not parse, a
    why is not a single value, or a line the key blanks is not a why's (a "why:" inside a tex,
    say): the block is then decided afresh, with its message."""
    import yaml

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    found: dict[int, str] = {}
    nodes = [root] if root is not None else []
    while nodes:
        node = nodes.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value == "why":
                    if not isinstance(value, yaml.ScalarNode):
                        return None
                    found[key.start_mark.line] = str(value.value)
                nodes.append(value)
        elif isinstance(node, yaml.SequenceNode):
            nodes.extend(node.value)
    blanked = {text.count("\n", 0, match.start()) for match in _WHY_LINE.finditer(text)}
    return found if blanked == set(found) else None


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
        if cached is not None and isinstance(cached.get("error"), dict):
            # a malformed block: the same message, at the same place in the block
            error = cached["error"]
            try:
                message, where = str(error["message"]), int(error["line"]) + line - cached["line"]
            except (KeyError, TypeError, ValueError):
                cached = None
            else:
                self.hits += 1
                raise DerivationError(message, file=file, line=where)
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
        reused = self._with_new_whys(text, file=file, line=line)
        if reused is not None:
            self.hits += 1
            self.store(key, {"line": line, "result": reused.to_dict()})
            return None, reused
        from derivnotes.checker.derivation import check_derivation, parse_derivation

        self.misses += 1
        try:
            derivation = parse_derivation(text, file=file, line=line)
            result = check_derivation(derivation)
        except DerivationError as exc:
            # kept too, so that a page showing a malformed example does not import the
            # checker (and sympy) at every build
            self.store(key, {"line": line, "error": {"message": exc.message, "line": exc.line}})
            raise
        data = {"line": line, "result": result.to_dict()}
        self.store(key, data)
        self._results.write(why_blind_key(text), json.dumps({**data, "text": text}))
        return derivation, result

    def _with_new_whys(self, text: str, *, file: str, line: int) -> DerivationResult | None:
        """The decision of a block that differs from a decided one only in its steps' whys
        (prose): that block's result, with the new whys; None when there is none to reuse.

        The two blocks have the same lines but for the whys' first lines, so each why belongs
        to the same step in both: the step whose line is the last at or before the why's.
        """
        entry = self.load(why_blind_key(text))
        if entry is None or not isinstance(entry.get("text"), str):
            return None
        old, new = _whys(entry["text"]), _whys(text)
        if old is None or new is None or old.keys() != new.keys():
            return None
        if any(unsafe_tex(why) for why in new.values()):
            return None  # decided afresh, for its message at its line
        try:
            result = DerivationResult.from_dict(entry["result"])
            base = int(entry["line"])
        except (KeyError, TypeError, ValueError):
            return None
        steps = sorted(result.steps, key=lambda step: step.line)
        for why_line, why in new.items():
            owners = [step for step in steps if step.line - base <= why_line]
            if not owners or owners[-1].why != old[why_line]:
                return None
            owners[-1].why = why
        result.file = file
        result.line = line
        for step in result.steps:
            step.line += line - base
        return result

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
