"""`derivnotes check` and `derivnotes list`: exit codes and messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from derivnotes.checker.cache import ResultCache
from derivnotes.checker.fences import iter_fences
from derivnotes.cli import main

GOOD = """\
# A page

```derivation
id: one-minus-sigma
symbols:
  z: real
define:
  sigma(t): 1/(1+exp(-t))
chains:
  - name: s
    steps:
      - tex: 1 - \\sigma(z)
        expr: 1 - sigma(z)
      - tex: = \\sigma(-z)
        expr: sigma(-z)
        why: symmetry of the sigmoid
```
"""

REFUTED = GOOD.replace("expr: sigma(-z)", "expr: sigma(z)").replace("= \\sigma(-z)", "= \\sigma(z)")
MISMATCHED = GOOD.replace("= \\sigma(-z)", "= \\sigma(z)")
TYPO = GOOD.replace("expr: sigma(-z)", "expr: sigam(-z)")
BAD_YAML = GOOD.replace("  z: real", "  z: [real")
UNPARSABLE = GOOD.replace("expr: sigma(-z)", "expr: sigma(-z))")


def write(tmp_path: Path, text: str, name: str = "page.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_check_passes_a_correct_page(tmp_path: Path, capsys) -> None:
    page = write(tmp_path, GOOD)
    code, out, err = run("check", "--no-cache", str(page), capsys=capsys)
    assert code == 0, err
    assert "one-minus-sigma" in out and err == ""


def test_check_exits_1_on_a_refuted_step_naming_file_line_chain_and_step(tmp_path, capsys) -> None:
    page = write(tmp_path, REFUTED)
    code, _, err = run("check", "--no-cache", str(page), capsys=capsys)
    assert code == 1
    line = REFUTED.splitlines().index("      - tex: = \\sigma(z)") + 1
    assert f"page.md:{line}:" in err
    assert "'one-minus-sigma'" in err and "'s', step 2" in err
    assert "sigma(z)" in err and "At " in err  # both expressions and the counterexample


def test_check_exits_1_when_display_disagrees_with_expr(tmp_path, capsys) -> None:
    code, _, err = run("check", "--no-cache", str(write(tmp_path, MISMATCHED)), capsys=capsys)
    assert code == 1
    assert "displayed TeX does not match" in err


@pytest.mark.parametrize(
    ("text", "needle", "line_of"),
    [
        (TYPO, "sigam", "expr: sigam(-z)"),
        (BAD_YAML, "", "  z: [real"),
        (UNPARSABLE, "", "expr: sigma(-z))"),
    ],
    ids=["undeclared-name", "bad-yaml", "unparsable-expr"],
)
def test_check_exits_2_on_a_malformed_block_naming_file_and_line(
    tmp_path, capsys, text: str, needle: str, line_of: str
) -> None:
    code, _, err = run("check", "--no-cache", str(write(tmp_path, text)), capsys=capsys)
    assert code == 2
    assert needle in err
    expected = next(i for i, ln in enumerate(text.splitlines(), 1) if line_of in ln)
    # YAML may report the error on the offending line or the one after it.
    assert any(f"page.md:{n}:" in err for n in (expected, expected + 1)), err


def test_check_reports_a_misspelt_tex_command_as_the_build_would_with_file_and_line(
    tmp_path, capsys
):
    # The checker cannot read the display (exit 2, at the step's line), and MathJax could not
    # typeset it either, which would stop the site's build: the check says both.
    text = GOOD.replace("= \\sigma(-z)", "= \\sigam(-z)")
    code, out, err = run("check", "--no-cache", str(write(tmp_path, text)), capsys=capsys)
    assert code == 2
    assert "FAIL" in out and "1 display(s) UNREADABLE" in out
    line = text.splitlines().index("      - tex: = \\sigam(-z)") + 1
    assert f"page.md:{line}: derivation 'one-minus-sigma', chain 's', step 2:" in err
    assert "unknown command '\\sigam'" in err
    assert (
        f"page.md:{line}: derivation 'one-minus-sigma', chain 's': MathJax cannot typeset its "
        "display: Undefined control sequence \\sigam." in err
    )


def test_check_typesets_the_math_of_why_too(tmp_path, capsys) -> None:
    text = GOOD.replace("why: symmetry of the sigmoid", "why: 'symmetry: $\\tahn$'")
    code, _, err = run("check", "--no-cache", str(write(tmp_path, text)), capsys=capsys)
    assert code == 2
    line = text.splitlines().index("        why: 'symmetry: $\\tahn$'") + 1
    assert f"page.md:{line}: derivation 'one-minus-sigma', chain 's': MathJax cannot" in err
    assert "Undefined control sequence \\tahn" in err


def test_check_walks_folders_and_list_prints_every_step(tmp_path, capsys) -> None:
    (tmp_path / "sub").mkdir()
    write(tmp_path / "sub", GOOD, "a.md")
    code, out, _ = run("list", "--no-cache", str(tmp_path), capsys=capsys)
    assert code == 0
    assert "s #1" in out and "s #2" in out


def test_unchanged_block_comes_from_the_cache(tmp_path, capsys) -> None:
    page = write(tmp_path, GOOD)
    cache = str(tmp_path / "cache")
    run("check", "--cache-dir", cache, str(page), capsys=capsys)
    _, out, _ = run("check", "--cache-dir", cache, str(page), capsys=capsys)
    assert "(1 from cache)" in out
    write(tmp_path, GOOD.replace("1/(1+exp(-t))", "1/(1 + exp(-t))"))
    _, out, _ = run("check", "--cache-dir", cache, str(page), capsys=capsys)
    assert "(0 from cache)" in out


def test_python_dash_m_runs_the_same_command(tmp_path: Path) -> None:
    page = write(tmp_path, REFUTED)
    done = subprocess.run(
        [sys.executable, "-m", "derivnotes", "check", "--no-cache", str(page)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr


def test_only_the_edited_block_of_a_page_is_decided_again(tmp_path, capsys) -> None:
    from derivnotes.checker.cache import ResultCache

    other = GOOD.replace("id: one-minus-sigma", "id: second-block")
    page = write(tmp_path, GOOD + "\n" + other)
    cache_dir = tmp_path / "cache"
    run("check", "--cache-dir", str(cache_dir), str(page), capsys=capsys)
    edited = GOOD + "\n" + other.replace("sigma(t): 1/(1+exp(-t))", "sigma(t): 1/(exp(-t)+1)")
    page.write_text(edited, encoding="utf-8")
    cache = ResultCache(cache_dir)
    from derivnotes.checker.fences import iter_fences

    for fence in iter_fences(edited.splitlines()):
        cache.check(fence.body, file="page.md", line=fence.body_line)
    assert (cache.hits, cache.misses) == (1, 1)


def test_check_json_prints_one_document_with_every_block_and_step(tmp_path, capsys) -> None:
    import json

    page = tmp_path / "page.md"
    page.write_text(REFUTED, encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"caf\xe9\n")
    status = main(["check", "--json", "--no-cache", str(page), str(bad)])
    out, _ = capsys.readouterr()
    data = json.loads(out)  # standard output holds nothing else
    assert status == data["status"] == 2
    first, second = data["files"]
    assert first["status"] == 1 and first["blocks"][0]["status"] == "refuted"
    refuted = [s for s in first["blocks"][0]["steps"] if s["status"] == "refuted"]
    assert refuted and refuted[0]["counterexample"] and refuted[0]["values"]
    assert any("does not follow" in message for message in first["messages"])
    assert second["status"] == 2 and "not UTF-8" in second["messages"][0]
    assert "seconds" not in json.dumps(data)


def test_a_check_whose_blocks_are_all_cached_never_imports_sympy(tmp_path) -> None:
    import subprocess
    import sys

    page = tmp_path / "page.md"
    page.write_text(GOOD, encoding="utf-8")
    cache = tmp_path / "cache"
    code = (
        "import sys; from derivnotes.cli import main; "
        f"status = main(['check', {str(page)!r}, '--cache-dir', {str(cache)!r}]); "
        "print(status, 'sympy' in sys.modules)"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert first.stdout.split()[-2:] == ["0", "True"]  # decided: sympy needed
    assert second.stdout.split()[-2:] == ["0", "False"], second.stdout + second.stderr


def test_a_malformed_block_is_remembered_with_its_message_and_moves_with_its_page(
    tmp_path, capsys
) -> None:
    from derivnotes.checker.cache import ResultCache
    from derivnotes.checker.results import DerivationError

    block = "id: typo\nvars: {x: real}\nchains:\n  - start: x\n    steps:\n      - expr: x +\n"
    first = ResultCache(tmp_path)
    with pytest.raises(DerivationError) as fresh:
        first.check(block, file="a.md", line=10)
    again = ResultCache(tmp_path)
    with pytest.raises(DerivationError) as cached:
        again.check(block, file="a.md", line=10)
    assert (again.hits, again.misses) == (1, 0), "a malformed block was parsed again"
    assert str(cached.value) == str(fresh.value) and fresh.value.line > 10
    moved = ResultCache(tmp_path)
    with pytest.raises(DerivationError) as shifted:
        moved.check(block, file="b.md", line=13)  # three lines added above it
    assert shifted.value.file == "b.md" and shifted.value.line == fresh.value.line + 3
    assert shifted.value.message == fresh.value.message


def decide_twice(tmp_path, first: str, second: str, line: int = 3):
    from derivnotes.checker.cache import ResultCache
    from derivnotes.checker.fences import iter_fences

    def body(page: str) -> str:
        return next(iter_fences(page.splitlines())).body

    ResultCache(tmp_path).check(body(first), file="a.md", line=3)
    cache = ResultCache(tmp_path)
    derivation, result = cache.check(body(second), file="a.md", line=line)
    return cache, derivation, result


def test_an_edited_why_is_not_decided_again_and_shows_the_new_text(tmp_path) -> None:
    new_why = "why: 'the sigmoid is symmetric: $\\sigma(-z)$'"
    edited = GOOD.replace("why: symmetry of the sigmoid", new_why)
    cache, derivation, result = decide_twice(tmp_path, GOOD, edited, line=7)
    assert (cache.hits, cache.misses) == (1, 0) and derivation is None
    assert result.steps[1].why == "the sigmoid is symmetric: $\\sigma(-z)$"
    body = next(iter_fences(edited.splitlines())).body
    _, fresh = ResultCache(None).check(body, file="a.md", line=7)

    def seen(r):
        return [(s.why, s.line, s.status, s.method, s.tex) for s in r.steps]

    assert seen(result) == seen(fresh)


@pytest.mark.parametrize(
    "edited",
    [
        GOOD.replace("why: symmetry of the sigmoid", "why: see \\href{javascript:x}{this}"),
        GOOD.replace("why: symmetry of the sigmoid", "why: [a, b]"),  # a list: malformed
        GOOD.replace("        why: symmetry of the sigmoid\n", ""),  # a why removed
        GOOD.replace(
            "        expr: 1 - sigma(z)\n", "        expr: 1 - sigma(z)\n        why: new\n"
        ),
        GOOD.replace("expr: sigma(-z)", "expr: sigma(z)"),  # the math changed: refuted
    ],
    ids=["unsafe", "list", "removed", "added", "math"],
)
def test_what_is_more_than_a_new_why_is_decided_again(tmp_path, edited: str) -> None:
    from derivnotes.checker.results import DerivationError

    try:
        cache, _, _ = decide_twice(tmp_path, GOOD, edited)
    except DerivationError:
        return  # decided afresh: its message at its line
    assert cache.misses == 1, "a block with more than a new why came from the cache"


def test_a_why_line_inside_a_tex_is_not_taken_for_a_why(tmp_path) -> None:
    from derivnotes.checker.cache import why_blind_key

    block = GOOD.replace(
        "      - tex: = \\sigma(-z)\n",
        "      - tex: |\n          = \\sigma(-z)\n          why: 1\n",
    )
    other = block.replace("why: 1", "why: 2")
    assert why_blind_key(block) == why_blind_key(other)  # the key alone cannot tell them apart
    cache, _, _ = decide_twice(tmp_path, block, other)
    assert cache.misses == 1
