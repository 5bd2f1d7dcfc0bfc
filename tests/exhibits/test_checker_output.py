"""The ```checker-output fence: real `derivnotes check` output, computed while the page builds."""

from __future__ import annotations

import html
import re
from pathlib import Path

import markdown
import pytest

from derivnotes.cli import main
from derivnotes.exhibits.fences import ExhibitError, render_checker_output_block
from derivnotes.site.extension import DerivationBuildError
from test_cli import BAD_YAML, GOOD, MISMATCHED, REFUTED, TYPO


def body_of(page: str) -> str:
    """The YAML of the one derivation block of a test page."""
    return page.split("```derivation\n", 1)[1].split("```", 1)[0]


def example(page: str, options: str = "") -> str:
    return f"# Errors\n\n```checker-output{options}\n{body_of(page)}```\n"


def convert(text: str, file: str = "docs/errors.md") -> str:
    return markdown.markdown(
        text,
        extensions=["derivnotes.site.extension", "pymdownx.superfences", "pymdownx.highlight"],
        extension_configs={"derivnotes.site.extension": {"cache_dir": "", "file": file}},
    )


def printed(rendered: str) -> str:
    """The text of the rendered output block, as the reader sees it."""
    block = rendered.split('<div class="dn-checker-output"', 1)[1]
    code = block.split("<pre>", 1)[1].split(">", 1)[1]  # after <code ...>
    return html.unescape(code.split("</code></pre>", 1)[0])


@pytest.mark.parametrize(
    ("page", "status", "wording"),
    [
        (GOOD, 0, r"^ok   docs/example\.md:1: one-minus-sigma: 1 proved$"),
        (REFUTED, 1, r"At z = \S+, the step before evaluates to \S+, but this step evaluates to"),
        (MISMATCHED, 1, r"the display .* reads as .*; at z = \S+ it is"),
        (TYPO, 2, r"^docs/example\.md:\d+: .*undeclared name 'sigam'.*did you mean 'sigma'"),
        (BAD_YAML, 2, r"^docs/example\.md:\d+: the derivation block is not valid YAML"),
    ],
    ids=["ok", "refuted", "mismatch", "typo", "bad-yaml"],
)
def test_fence_shows_what_the_checker_says(page: str, status: int, wording: str) -> None:
    rendered = convert(example(page, f" exit={status}"))
    assert f"prints (exit status {status})" in rendered
    assert re.search(wording, printed(rendered), re.MULTILINE), printed(rendered)
    # The example file is shown too, its derivation fence on line 1 (the messages' lines).
    assert "docs/example.md" in rendered and "```derivation" in rendered


def test_output_is_exactly_what_derivnotes_check_prints(tmp_path: Path, monkeypatch, capsys):
    rendered = convert(example(REFUTED))
    (tmp_path / "docs").mkdir()
    source = f"```derivation\n{body_of(REFUTED)}```\n"
    (tmp_path / "docs" / "example.md").write_text(source, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--no-cache", "docs/example.md"]) == 1
    out, err = capsys.readouterr()
    terminal = out.splitlines()[:-1] + err.splitlines()  # without the timing summary line
    assert printed(rendered).splitlines() == terminal


def test_unclosed_option_shows_the_fence_error() -> None:
    rendered = convert(example(GOOD, " unclosed exit=2"))
    assert printed(rendered).startswith("docs/example.md:1: the ```derivation fence opened here")
    assert "never closed" in printed(rendered)


def test_an_example_whose_exit_status_changed_stops_the_build() -> None:
    text = example(GOOD, " exit=1")
    with pytest.raises(DerivationBuildError, match=r"docs/errors\.md:3: .*exit 1, but it exits 0"):
        convert(text)


def test_an_unknown_option_stops_the_build() -> None:
    with pytest.raises(DerivationBuildError, match="unknown option"):
        convert(example(GOOD, " exit=3"))


def test_derivnotes_check_skips_the_examples_but_not_an_unclosed_fence(tmp_path, capsys):
    page = tmp_path / "errors.md"
    page.write_text(example(REFUTED), encoding="utf-8")
    assert main(["check", "--no-cache", str(page)]) == 0
    assert "0 block(s)" in capsys.readouterr().out
    page.write_text(example(REFUTED).rstrip().removesuffix("```"), encoding="utf-8")
    assert main(["check", "--no-cache", str(page)]) == 2
    assert "```checker-output fence opened here is never closed" in capsys.readouterr().err


def test_every_example_on_the_site_states_its_messages_in_the_markdown_source() -> None:
    from derivnotes.checker.fences import iter_fences
    from derivnotes.exhibits.fences import split_stated_output

    docs = Path(__file__).resolve().parents[2] / "docs"
    for page in sorted(docs.glob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        for fence in iter_fences(lines):
            if fence.language == "checker-output":
                _, stated = split_stated_output(fence.body)
                assert stated, f"{page.name}:{fence.start + 1}: no '# derivnotes check prints:'"


def test_a_stated_message_that_is_no_longer_printed_stops_the_build() -> None:
    body = (
        "id: demo\nsymbols:\n  x: real\nchains:\n  - name: c\n    steps:\n"
        "      - expr: x + x\n      - expr: 2*x\n"
        "# derivnotes check prints:\n#   ok   docs/example.md:1: demo: 1 checked numerically\n"
    )
    with pytest.raises(ExhibitError, match="Replace the lines after") as caught:
        render_checker_output_block(body, file="docs/page.md", line=3, info="checker-output")
    assert "#   ok   docs/example.md:1: demo: 1 proved" in str(caught.value)
    stated = body.replace("checked numerically", "proved")
    source, _ = render_checker_output_block(stated, file="p.md", line=3, info="checker-output")
    assert not any("derivnotes check prints" in text for text in source)
