"""The page "Write a derivation": a reference whose examples are checked, not pasted."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from conftest import DOCS, ROOT
from derivnotes.checker.fences import iter_fences
from derivnotes.exhibits.fences import split_stated_output

PAGE = DOCS / "write-a-derivation.md"
FENCES = list(iter_fences(PAGE.read_text(encoding="utf-8").splitlines()))
EXAMPLES = [fence for fence in FENCES if fence.language == "checker-output"]


def test_each_rendered_example_is_shown_with_its_very_source() -> None:
    derivations = [fence.body for fence in FENCES if fence.language == "derivation"]
    sources = [split_stated_output(fence.body)[0] for fence in EXAMPLES]
    assert len(derivations) >= 2
    for body in derivations:
        assert body in sources, "a rendered derivation's source is not shown as it is"


def test_every_error_example_pins_its_exit_status() -> None:
    assert all(re.search(r"\bexit=[012]\b", fence.info) for fence in EXAMPLES)
    statuses = sorted(int(re.search(r"exit=(\d)", fence.info).group(1)) for fence in EXAMPLES)
    assert statuses.count(1) >= 3 and statuses.count(2) >= 4


def test_the_reference_names_every_key_and_domain_form() -> None:
    text = PAGE.read_text(encoding="utf-8")
    for key in (
        "id",
        "symbols",
        "define",
        "chains",
        "name",
        "steps",
        "tex",
        "expr",
        "why",
        "wrong",
    ):
        assert f"| `{key}` |" in text, key
    for form in ("real", "positive", "(0, 1)", "[0, 1]", "(0, oo)", '"{0, 1}"', "size"):
        assert f"`{form}`" in text, form
    for form in ("index [1, n]", "indexed", "Sum(", "diff(", "a(1-a)"):
        assert form in text, form
    for command in ("make site", "make test", "make serve", "derivnotes new", "derivnotes check"):
        assert command in text, command


def test_the_page_is_in_the_nav() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "  - Write a derivation: write-a-derivation.md\n" in config


def test_built_page_shows_the_checkers_own_messages(built_site: Path) -> None:
    html = (built_site / "write-a-derivation" / "index.html").read_text(encoding="utf-8")
    for words in (
        "ok   docs/example.md:1: write-dl-df: 3 proved",
        "docs/example.md:12: derivation &#x27;one-minus-sigma&#x27;, chain &#x27;s&#x27;, step 2 "
        "does not follow from the step before it.",
        "At z = ",  # the counterexample
        "DISAGREE with expr",
        "undeclared name &#x27;sigam&#x27;",
        "is not valid YAML",
        "did you mean &#x27;expr&#x27;?",
        "unknown domain &#x27;integer&#x27;",
        "marked wrong but NOT refuted",
        "is never closed",
        "display(s) UNREADABLE",
        "docs/example.md:10: derivation &#x27;sigma-prime&#x27;, chain &#x27;d&#x27;, "
        "step 1: the checker cannot read this step&#x27;s displayed TeX.",
    ):
        assert words.replace("&#x27;", "'") in html or words in html, words
    assert html.count('class="dn-checker-output"') == len(EXAMPLES)


def test_the_examples_parse_as_the_yaml_they_show() -> None:
    for fence in EXAMPLES:
        if "exit=2" not in fence.info:
            assert isinstance(yaml.safe_load(fence.body), dict)


def test_the_tex_functions_it_lists_are_the_ones_the_reader_applies() -> None:
    from derivnotes.checker.tex import FUNCTIONS

    text = PAGE.read_text(encoding="utf-8")
    listed = text.split("TeX's own functions are applied too:", 1)[1].split("\n- ", 1)[0]
    assert set(re.findall(r"`\\(\w+)`", listed)) == set(FUNCTIONS)
