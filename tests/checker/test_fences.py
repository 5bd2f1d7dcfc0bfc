"""Finding derivation fences in Markdown."""

from __future__ import annotations

import pytest

from derivnotes.checker.fences import FenceError, iter_fences


def test_fence_body_and_line_are_reported() -> None:
    lines = ["# Title", "", "```derivation", "id: a", "chains: []", "```", "after"]
    (fence,) = iter_fences(lines)
    assert fence.body == "id: a\nchains: []"
    assert fence.body_line == 4
    assert (fence.start, fence.end) == (2, 5)


def test_derivation_inside_another_fence_is_an_example_not_a_block() -> None:
    lines = [
        "````markdown",
        "```derivation",
        "id: shown",
        "```",
        "````",
        "~~~derivation",
        "id: real",
        "~~~",
    ]
    assert [f.body for f in iter_fences(lines)] == ["id: real"]


def test_longer_closing_fence_closes_and_shorter_does_not() -> None:
    lines = ["````derivation", "id: a", "```", "`````"]
    (fence,) = iter_fences(lines)
    assert fence.body == "id: a\n```"


@pytest.mark.parametrize("info", ["derivation", "derivation title='x'", "{.derivation}"])
def test_info_string_variants_are_recognised(info: str) -> None:
    assert len(list(iter_fences([f"```{info}", "id: a", "```"]))) == 1


def test_unclosed_fence_names_file_and_line() -> None:
    with pytest.raises(FenceError) as info:
        list(iter_fences(["text", "```derivation", "id: a"], file="docs/p.md", offset=3))
    assert info.value.line == 5
    assert str(info.value).startswith("docs/p.md:5: ")
    assert "never closed" in str(info.value)
