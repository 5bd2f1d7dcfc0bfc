"""Turning checked steps into the HTML a page shows."""

from __future__ import annotations

from derivnotes.site.render import split_at_first_equals, why_html


def test_split_ignores_equals_inside_braces_and_relations() -> None:
    assert split_at_first_equals(r"\sum_{i=1}^{m} x_i = y") == (r"\sum_{i=1}^{m} x_i ", " y")
    assert split_at_first_equals(r"a \le b") is None
    assert split_at_first_equals(r"a <= b") is None


def test_a_reason_is_prose_with_code_emphasis_and_math() -> None:
    out = why_html("**cancel** the `f(1-f)` *factors* of $f(1-f)$, 50% & more")
    assert out == (
        "<strong>cancel</strong> the <code>f(1-f)</code> <em>factors</em> of "
        '<span class="arithmatex">\\(f(1-f)\\)</span>, 50% &amp; more'
    )


def test_markup_in_a_reason_is_shown_never_made() -> None:
    out = why_html('<img src=x onerror="alert(1)"> `<script>` $<b>$')
    assert "<img" not in out and "<script" not in out and "<b>" not in out
    assert "&lt;img" in out and "&lt;script&gt;" in out


def test_unbalanced_markers_stay_text() -> None:
    assert why_html("a * b and 2*3*4, snake_case_name") == "a * b and 2*3*4, snake_case_name"
