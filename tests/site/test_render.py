"""Turning checked steps into displays."""

from __future__ import annotations

from derivnotes.site.render import split_at_first_equals, tex_text


def test_split_ignores_equals_inside_braces_and_relations() -> None:
    assert split_at_first_equals(r"\sum_{i=1}^{m} x_i = y") == (r"\sum_{i=1}^{m} x_i ", " y")
    assert split_at_first_equals(r"a \le b") is None
    assert split_at_first_equals(r"a <= b") is None


def test_prose_cannot_break_out_of_text() -> None:
    text = tex_text(r"uses \frac{a}{b} & 50% of $f(1-f)$")
    assert "\\frac" not in text
    assert "$f(1-f)$" in text
    assert text.count("{") == text.count("}")
