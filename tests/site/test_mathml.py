"""The site's math output: TeX to MathML Core (src/derivnotes/site/mathml.cjs), and its font.

Each test names a place where MathJax's own MathML relies on something MathML Core lacks, and
shows what the browser gets instead. The browser side (laid out, font loaded) is in
tests/test_browser.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from derivnotes.site.mathfont import characters, italic, subset
from derivnotes.site.typeset import MATH_FONT, TypesetError, Typesetter


@pytest.fixture(scope="module")
def typesetter() -> Iterator[Typesetter]:
    t = Typesetter(None)  # MathML is the default output
    yield t
    t.close()


def mml(typesetter: Typesetter, tex: str, display: bool = False) -> str:
    return typesetter.render(tex, display)


def test_output_is_compact_core_mathml_without_mathjax_internals(typesetter) -> None:
    out = mml(typesetter, r"\frac{\partial L}{\partial w} = (f - y)\,x", True)
    assert out.startswith('<math display="block">') and out.endswith("</math>")
    assert "data-mjx" not in out and "xmlns" not in out and "\n" not in out
    assert "<mfrac>" in out and "∂" in out  # characters as they are, not entities
    assert mml(typesetter, "x").startswith("<math><mi>x</mi>")


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"\mathbf{w}", "<mi>𝐰</mi>"),
        (r"\mathbf{X}", "<mi>𝐗</mi>"),
        (r"\mathbf{1}", "<mn>𝟏</mn>"),
        (r"\boldsymbol{\theta}", "<mi>𝜽</mi>"),
        (r"\mathbb{R}", "<mi>ℝ</mi>"),  # a letter Unicode had before U+1D400
        (r"\mathbb{E}", "<mi>𝔼</mi>"),
        (r"\mathcal{L}", "<mi>ℒ</mi>"),
        (r"\mathcal{D}", "<mi>𝒟</mi>"),
        (r"\mathit{h}", "<mi>ℎ</mi>"),
        (r"\mathsf{A}", "<mi>𝖠</mi>"),
        (r"\mathfrak{g}", "<mi>𝔤</mi>"),
        (r"\boldsymbol{\nabla}", "<mi>𝛁</mi>"),
    ],
)
def test_math_variants_become_unicode_letters(typesetter, tex: str, expected: str) -> None:
    out = mml(typesetter, tex)
    assert expected in out and "mathvariant" not in out


def test_what_has_no_unicode_form_keeps_css_and_upright_stays_marked(typesetter) -> None:
    out = mml(typesetter, r"\mathbf{\times} \mathrm{d}x \text{if } \textbf{bold}")
    assert '<mi mathvariant="normal">d</mi>' in out  # one upright letter: normal, as in Core
    assert '<mtext style="font-weight:bold">bold</mtext>' in out  # text keeps its letters
    assert "<mtext>if\u00a0</mtext>" in out  # a space a token would trim


def test_aligned_rows_get_the_alignment_and_spacing_as_css(typesetter) -> None:
    out = mml(typesetter, r"\begin{aligned} a &= b \\ &= c \end{aligned}", True)
    cells = re.findall(r'<mtd style="([^"]*)"', out)
    assert len(cells) == 4
    # Chromium aligns an mtd's content by the -webkit- value only; others read the first
    assert cells[0].startswith("text-align:right;text-align:-webkit-right")
    assert cells[1].startswith("text-align:left;text-align:-webkit-left")
    assert "padding:0 0 1.5pt 0" in cells[0]  # half of rowspacing 3pt below the first row
    assert "padding:1.5pt 0 0 0" in cells[3]
    assert 'columnalign="right left"' in out  # kept for MathJax, the fallback


def test_cases_and_arrays_keep_their_column_gaps(typesetter) -> None:
    out = mml(typesetter, r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}")
    cells = re.findall(r'<mtd style="([^"]*)"', out)
    assert cells[0] == "text-align:left;text-align:-webkit-left;padding:0 0.5em 0.1em 0"
    lines = mml(typesetter, r"\begin{array}{c|c} a & b \\ \hline c & d \end{array}")
    assert "border-right:1px solid" in lines and "border-bottom:1px solid" in lines


def test_enclosures_are_drawn_with_css(typesetter) -> None:
    boxed = mml(typesetter, r"\boxed{x}")
    assert re.search(r'<menclose notation="box" style="border:[^"]*padding:0.2em"', boxed)
    cancel = mml(typesetter, r"\cancel{x}")
    assert 'style="background:linear-gradient(to top right' in cancel
    both = mml(typesetter, r"\xcancel{x}")
    assert "to top right" in both and "to bottom right" in both


def test_accents_are_marked_and_stacked_symbols_are_not(typesetter) -> None:
    assert '<mover accent="true"><mi>y</mi>' in mml(typesetter, r"\hat{y}")
    assert '<mover accent="true">' in mml(typesetter, r"\vec{v}")
    stacked = mml(typesetter, r"a \overset{!}{=} b")
    assert "<mover>" in stacked and "accent" not in stacked
    brace = mml(typesetter, r"\underbrace{a+b}_{\text{two}}")
    assert '<munder accentunder="true">' in brace


def spacing(out: str, symbol: str) -> tuple[str, str]:
    found = re.search(r'<mo[^>]*lspace="([^"]*)" rspace="([^"]*)"[^>]*>' + re.escape(symbol), out)
    assert found, out
    return found.group(1), found.group(2)


def test_tex_spacing_between_atoms(typesetter) -> None:
    out = mml(typesetter, r"a = -x + b")
    assert spacing(out, "=") == ("0.2778em", "0")  # thick before the relation...
    assert spacing(out, "−") == ("0.2778em", "0")  # ...and after it: the minus is unary
    assert spacing(out, "+") == ("0.2222em", "0.2222em")  # binary: medium on both sides
    assert spacing(mml(typesetter, r"(a, b)"), ",") == ("0", "0.1667em")


def test_function_names_get_a_thin_space_before_a_letter_only(typesetter) -> None:
    letter = mml(typesetter, r"\ln f")
    assert re.search(r'<mi>ln</mi><mo lspace="0" rspace="0.1667em">\u2061</mo><mi>f</mi>', letter)
    paren = mml(typesetter, r"\ln(f)")
    assert re.search(r'<mi>ln</mi><mo lspace="0" rspace="0">\u2061</mo>', paren)
    ordinary = mml(typesetter, r"y \ln f")  # an ordinary letter before an operator name
    assert '<mi>y</mi><mspace width="0.1667em"></mspace><mi>ln</mi>' in ordinary


def test_scripts_get_no_relation_spacing(typesetter) -> None:
    out = mml(typesetter, r"\sum_{i=1}^{n} x_i")
    assert spacing(out.split("<mrow>", 1)[1], "=") == ("0", "0")


def test_brackets_around_flat_rows_keep_their_size(typesetter) -> None:
    flat = mml(typesetter, r"-\left[y \ln f + (1 - y)\right]")
    assert flat.count('stretchy="false"') == 4  # the \left[ \right] and the plain ( )
    tall = mml(typesetter, r"\left(\frac{a}{b}\right)")
    assert "stretchy" not in tall
    summed = mml(typesetter, r"\left(\sum_i x_i\right)", True)
    assert "stretchy" not in summed.split("<munder")[0]
    scripted = mml(typesetter, r"\left( x^2 \right)")
    assert scripted.count('stretchy="false"') == 2
    big = mml(typesetter, r"\big( x \big)")  # a fixed size: scaled (see below), not stretched
    assert 'mathsize="1.2em"' in big


def test_a_prime_follows_its_base_instead_of_rising_again(typesetter) -> None:
    out = mml(typesetter, r"\sigma'(z) + f''")
    assert '<mrow><mi>σ</mi><mo lspace="0" rspace="0">′</mo></mrow>' in out
    assert '<mo lspace="0" rspace="0">″</mo>' in out and "msup" not in out
    assert "<msup>" in mml(typesetter, r"x^{\prime 2}")  # a prime with more is a script


def test_tex_errors_are_still_errors(typesetter) -> None:
    with pytest.raises(TypesetError, match=r"Undefined control sequence \\tahn"):
        typesetter.render(r"\tahn(z)", False)
    with pytest.raises(TypesetError, match="missing close brace"):
        typesetter.render(r"x^{2", False)


def test_table_rows_get_tex_struts_labels_and_script_size(typesetter) -> None:
    matrix = mml(typesetter, r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", True)
    assert matrix.count('<mspace height="0.84em" depth="0.36em"></mspace>') == 4
    tagged = mml(typesetter, r"\tag{1} a = b", True)
    assert "<mtext>(1)</mtext>" in tagged, "the equation's label was dropped"
    small = mml(typesetter, r"\begin{smallmatrix} a & b \end{smallmatrix}")
    assert 'scriptlevel="1"' in small


def test_scripts_on_a_lone_bracket_ignore_its_height(typesetter) -> None:
    out = mml(typesetter, r"(x_i - \mu)^2 + \|x\|_2")
    lone = re.findall(r'<mpadded height="0" depth="0"><mo [^>]*stretchy="false"[^>]*>(.)</mo>', out)
    assert lone == [")", "∥"] and "<msup><mpadded" in out and "<msub><mpadded" in out
    assert "<msup><mi>x</mi>" in mml(typesetter, "x^2"), "a letter base is left as it is"


@pytest.mark.parametrize(
    ("tex", "expected"),
    [
        (r"g^{\prime\prime}(t)", '<mrow><mi>g</mi><mo lspace="0" rspace="0">′′</mo></mrow>'),
        (
            r"x^{\prime}_i",
            '<msub><mrow><mi>x</mi><mo lspace="0" rspace="0">′</mo></mrow><mi>i</mi>',
        ),
    ],
)
def test_primes_written_as_scripts_follow_their_base(typesetter, tex: str, expected) -> None:
    out = mml(typesetter, tex)
    assert expected in out and "<msup>" not in out and "<msubsup>" not in out


def test_accents_get_accent_sized_glyphs_and_overlines_a_rule(typesetter) -> None:
    assert '<mo stretchy="false">\u02c6</mo>' in mml(typesetter, r"\hat{y}")
    assert '<mo stretchy="false">\u02dc</mo>' in mml(typesetter, r"\tilde{z}")
    assert 'mathsize="0.6em">→</mo>' in mml(typesetter, r"\vec{v}")
    bar = mml(typesetter, r"\overline{x + y} = \underline{z}")
    assert '<mrow style="border-top:0.06em solid;padding-top:0.12em">' in bar
    assert '<mrow style="border-bottom:0.06em solid;padding-bottom:0.12em">' in bar
    assert "\u2015" not in bar
    assert '<mo stretchy="false">\u00af</mo>' in mml(typesetter, r"\bar{x}"), (
        "a bar stays an accent"
    )


def test_fixed_size_brackets_are_scaled_and_centred_on_the_axis(typesetter) -> None:
    big = mml(typesetter, r"\big( x \big)")
    assert big.count('mathsize="1.2em"') == 2 and "minsize" not in big
    assert '<mpadded voffset="-0.05em">' in big
    binom = mml(typesetter, r"\binom{n}{k}", True)
    assert 'mathsize="2.047em"' in binom


def test_relative_padding_and_negative_space_use_css(typesetter) -> None:
    box = mml(typesetter, r"\colorbox{yellow}{$x$}")
    assert 'style="padding:5px calc(10px - 5px) 5px 5px"' in box and 'width="+' not in box
    tight = mml(typesetter, r"c \! d")
    assert '<mspace style="margin-inline-start:-0.167em"></mspace>' in tight


def test_an_inline_sum_does_not_make_its_brackets_stretch(typesetter) -> None:
    inline = mml(typesetter, r"\left( \sum_{i=1}^n x_i \right)^2")
    assert inline.count('stretchy="false"') == 2
    display = mml(typesetter, r"\left( \sum_{i=1}^n x_i \right)^2", True)
    assert 'stretchy="false"' not in display.split("<munderover")[0]


# -- the font ---------------------------------------------------------------------------------
def test_font_characters_include_what_the_browser_draws_implicitly() -> None:
    text = characters(
        ['<math><mi>x</mi><mi mathvariant="normal">d</mi><msqrt><mn>2</mn></msqrt></math>']
    )
    assert "𝑥" in text, "a one-letter mi is drawn italic"
    assert "𝑑" not in text, "an upright d is not"
    assert "√" in text, "msqrt draws the radical from the font"
    assert italic("h") == "ℎ" and italic("Ω") == "𝛺" and italic("∂") == "𝜕" and italic("1") is None


@pytest.mark.skipif(not MATH_FONT.is_file(), reason="Debian's fonts-lmodern (make setup)")
def test_the_subset_font_keeps_every_character_and_the_math_table() -> None:
    from io import BytesIO

    from fontTools.ttLib import TTFont

    text = "(x)=∑√𝑥𝐰⏟ℝ"
    font = TTFont(BytesIO(subset(MATH_FONT.read_bytes(), text)))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in text)
    assert "MATH" in font, "without the MATH table nothing stretches"
    variants = font["MATH"].table.MathVariants
    covered = set(variants.VertGlyphCoverage.glyphs)
    assert cmap[ord("(")] in covered, "the parenthesis lost its larger sizes"
    assert len(font.getGlyphOrder()) < 200, "the subset kept far more than it needs"
    constants = font["MATH"].table.MathConstants
    assert constants.SubscriptShiftDown.Value == 150, "x_i hangs at TeX's sub2, not sub1"


@pytest.mark.skipif(not MATH_FONT.is_file(), reason="Debian's fonts-lmodern (make setup)")
def test_the_stylesheet_names_a_hashed_font_and_is_cached(tmp_path: Path) -> None:
    first = Typesetter(tmp_path)
    first.render(r"\sqrt{x}", False)
    css = first.stylesheet()
    first.close()
    ((name, data),) = first.files.items()
    assert re.fullmatch(r"assets/vendor/math/latinmodern-math\.[0-9a-f]{12}\.woff", name)
    assert f'url("../vendor/math/{name.rsplit("/", 1)[1]}")' in css
    assert data[:4] == b"wOFF" and "font-display: swap" in css
    second = Typesetter(tmp_path)
    second.render(r"\sqrt{x}", False)
    assert second.stylesheet() == css and second.files == first.files
    third = Typesetter(tmp_path)
    third.render(r"\sqrt{y}", False)
    third.stylesheet()
    third.close()
    assert third.files.keys() != first.files.keys(), "a new letter needs a new font file"
