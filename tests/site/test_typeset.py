"""Build-time typesetting: formulas and their stylesheet cached, nothing typeset twice.

The site writes MathML (tests/site/test_mathml.py); MathJax's CHTML is the other output, kept
for comparison (benchmarks/math_output.py) and tested here too."""

from __future__ import annotations

from pathlib import Path

from derivnotes.site.typeset import Typesetter

SIGMA = "mjx-c1D70E"  # the character rule of an italic sigma
BETA = "mjx-c1D6FD"  # ... and of an italic beta


def test_cached_formulas_are_not_typeset_again_yet_their_css_is_kept(tmp_path: Path) -> None:
    first = Typesetter(tmp_path, output="chtml")
    assert "<mjx-container" in first.render(r"\sigma(z)", False)
    first.render(r"\frac{1}{2}", True)
    css = first.stylesheet()
    first.close()
    first.save()
    assert SIGMA in css and "mjx-mfrac" in css

    second = Typesetter(tmp_path, output="chtml")
    second.render(r"\sigma(z)", False)
    second.render(r"\frac{1}{2}", True)
    assert second.stylesheet() == css
    assert second._process is None, "a fully cached build started MathJax"

    third = Typesetter(tmp_path, output="chtml")
    third.render(r"\sigma(z)", False)  # cached
    third.render(r"\beta", False)  # new: the only formula MathJax sees
    css3 = third.stylesheet()
    third.close()
    assert third._next_id == 1
    assert SIGMA in css3 and BETA in css3, "the cached formula's characters lost their CSS"
    assert "mjx-mfrac" not in css3, "CSS of a formula this build does not use"


def test_the_stylesheet_does_not_depend_on_the_order_formulas_came_in(tmp_path: Path) -> None:
    sheets = []
    formulas = [r"\sigma", r"\sqrt{x}", r"\left(\frac{a}{b}\right)"]
    for order in (formulas, formulas[::-1]):
        typesetter = Typesetter(None, output="chtml")
        for tex in order:
            typesetter.render(tex, True)
        sheets.append(typesetter.stylesheet())
        typesetter.close()
    assert sheets[0] == sheets[1]


def test_punctuation_after_inline_math_stays_on_its_line() -> None:
    from derivnotes.site.typeset import Typesetter

    typesetter = Typesetter(None)
    try:
        html = (
            '<p>Here <span class="arithmatex">\\(a\\)</span>, and '
            '<span class="arithmatex">\\(b\\)</span> then <span class="arithmatex">\\(c\\)</span>.'
            "</p>"
        )
        out = typesetter.page(html, "page")
    finally:
        typesetter.close()
    assert out.count('<span class="dn-nobreak">') == 2
    assert "</math></span>,</span> and" in out
    assert "</math></span>.</span></p>" in out
    assert "\x00" not in out
