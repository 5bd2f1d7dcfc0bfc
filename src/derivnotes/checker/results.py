"""What the checker decided, as plain data: importable without sympy.

The decisions of a derivation block are cached on disk (see :mod:`derivnotes.checker.cache`); a
build or ``derivnotes check`` whose blocks are all cached reads them back through these classes and
never needs to import the checker itself.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["CHECKER_VERSION", "DerivationError", "DerivationResult", "StepResult"]

#: Part of every cache key: bump it whenever a decision or a message could change.
CHECKER_VERSION = "2.4.0"


class DerivationError(Exception):
    """A malformed block: bad YAML, an unknown key, an undeclared name, an unparsable expr...

    Attributes
    ----------
    file, line:
        Where: ``line`` is the file's line of the offending YAML line (when known).
    message:
        What is wrong and what was expected.

    Examples
    --------
    >>> str(DerivationError("unknown key 'foo'", file="a.md", line=3))
    "a.md:3: unknown key 'foo'"
    """

    def __init__(self, message: str, *, file: str = "<string>", line: int = 1) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.message = message

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"

    def __reduce__(self) -> tuple:
        return (_rebuild_error, (self.message, self.file, self.line))


def _rebuild_error(message: str, file: str, line: int) -> DerivationError:
    return DerivationError(message, file=file, line=line)


@dataclass
class StepResult:
    """The decision on one step (JSON-serialisable through :meth:`to_dict`)."""

    chain: str
    number: int
    line: int
    tex: str
    expr: str
    why: str | None
    wrong: bool
    status: str  # start | proved | numeric | refuted | error
    method: str
    points: int = 0
    digits: int = 0
    seconds: float = 0.0
    compared_with: str | None = None
    counterexample: dict[str, str] | None = None
    values: tuple[str, str] | None = None
    #: the block's defined names shown in the step, at the counterexample (f = 0.9945)
    where: dict[str, str] | None = None
    display: str = "unparsed"  # matched | mismatch | unparsed | unchecked | generated
    display_detail: str | None = None
    message: str | None = None

    @property
    def ok(self) -> bool:
        """Whether this step lets the build pass.

        A step marked ``wrong: true`` passes only when refuted; any step fails when its display
        disagrees with its expr (the page would show something other than what was checked).
        """
        if self.display in ("mismatch", "unparsed"):
            return False
        if self.wrong:
            return self.status == "refuted"
        return self.status in ("start", "proved", "numeric")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        data = asdict(self)
        data["values"] = list(self.values) if self.values is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StepResult:
        """The inverse of :meth:`to_dict`."""
        data = dict(data)
        if data.get("values") is not None:
            data["values"] = tuple(data["values"])
        return cls(**data)


@dataclass
class DerivationResult:
    """The decisions on every step of one block."""

    id: str
    file: str
    line: int
    steps: list[StepResult]
    seconds: float
    checker_version: str = CHECKER_VERSION

    @property
    def ok(self) -> bool:
        """Whether every step lets the build pass."""
        return all(step.ok for step in self.steps)

    @property
    def malformed(self) -> bool:
        """Whether a failure is one of reading, not of mathematics (exit status 2): a display
        that cannot be read, or a step that cannot be evaluated."""
        return any(
            step.display == "unparsed" or (step.status == "error" and not step.wrong)
            for step in self.steps
        )

    @property
    def failures(self) -> list[StepResult]:
        """The steps that stop the build."""
        return [step for step in self.steps if not step.ok]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "id": self.id,
            "file": self.file,
            "line": self.line,
            "seconds": self.seconds,
            "checker_version": self.checker_version,
            "steps": [step.to_dict() for step in self.steps],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DerivationResult:
        """The inverse of :meth:`to_dict`."""
        return cls(
            id=data["id"],
            file=data["file"],
            line=data["line"],
            seconds=data["seconds"],
            checker_version=data["checker_version"],
            steps=[StepResult.from_dict(step) for step in data["steps"]],
        )


# -- parsing -------------------------------------------------------------------------------------
