"""The adversarial suite: pages written to break the checker (tests/checker/adversarial/README.md).

Each page states on its first line what ``derivnotes check`` must conclude; this test holds the
checker to it. Wrong steps must fail exactly where stated, right steps must pass, unreadable
blocks must be reported at the stated line.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.page import check_page
from derivnotes.cli import typeset_problems
from derivnotes.site.typeset import Typesetter

PAGES = sorted((Path(__file__).parent / "adversarial").glob("*.md"))
PAGES = [p for p in PAGES if p.name != "README.md"]
_EXPECT = re.compile(r"<!--\s*expect:\s*(?P<body>.*?)\s*-->")
# Pages the checker does not yet judge as stated, each with what it would need. Strict: a page
# that starts passing fails the suite until it is taken off this list.
KNOWN_GAPS: dict[str, str] = {}  # page stem -> why the checker still misses it (strict xfail)


def expectation(text: str) -> dict[str, str]:
    match = _EXPECT.search(text.split("\n", 1)[0])
    if not match:
        raise AssertionError("the first line must be <!-- expect: exit=N ... -->")
    return dict(part.split("=", 1) for part in match.group("body").split())


@pytest.fixture(scope="module")
def typesetter():
    """The site's MathJax, as `derivnotes check` uses it (a display it cannot typeset is exit 2)."""
    if not Typesetter.available():  # make setup installs them; without, the rest is still checked
        yield None
        return
    typesetter = Typesetter(None)
    yield typesetter
    typesetter.close()


def failing_steps(
    text: str, name: str, typesetter: Typesetter | None = None
) -> tuple[int, set[str], str]:
    """(exit status, the chain#step of every failing step, everything printed)."""
    report = check_page(
        text.splitlines(),
        name=name,
        cache=ResultCache(None),
        verbose_steps=True,
        more_problems=typeset_problems(typesetter, name) if typesetter else None,
    )
    failing = set()
    for stream, line in report.lines:
        match = re.match(r"\s+FAIL (\S+) #(\d+) ", line)
        if stream == "out" and match:
            failing.add(f"{match.group(1)}#{match.group(2)}")
    printed = "\n".join(line for _, line in report.lines)
    return report.status, failing, printed


def test_the_suite_is_large_enough() -> None:
    assert len(PAGES) >= 60
    classes = {p.name.split("-", 1)[0] for p in PAGES}
    assert classes >= {"display", "sampling", "undefined", "reading", "robust"}


@pytest.mark.parametrize(
    "page",
    [
        pytest.param(p, marks=pytest.mark.xfail(reason=KNOWN_GAPS[p.stem], strict=True))
        if p.stem in KNOWN_GAPS
        else p
        for p in PAGES
    ],
    ids=[p.stem for p in PAGES],
)
def test_page(page: Path, typesetter: Typesetter | None) -> None:
    text = page.read_text(encoding="utf-8")
    expect = expectation(text)
    name = f"tests/checker/adversarial/{page.name}"
    status, failing, printed = failing_steps(text, name, typesetter)
    assert "Traceback" not in printed
    assert status == int(expect["exit"]), printed
    if "fail" in expect:
        assert failing == set(expect["fail"].split(",")), printed
    if status == 0:
        assert not failing, printed
    if "line" in expect:
        assert f"{name}:{expect['line']}:" in printed, printed
