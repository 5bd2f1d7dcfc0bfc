"""The math font and stylesheet of MathML output: only the glyphs the site's math shows.

The browser lays MathML Core out itself, with the font's OpenType MATH table (the heights of
fraction bars and scripts, the larger variants and pieces of stretchy brackets). The site serves
one math font, Latin Modern Math, subset to the characters its formulas use: the font is 734 kB,
the subset a few dozen.
"""

from __future__ import annotations

import html as html_lib
import io
import logging
import re
from collections.abc import Iterable

#: Part of the subset font's cache key: change it with :func:`subset`'s options.
SUBSET_VERSION = "woff dtls sub1 2"

#: The CSS of MathML output; MATH_FONT_URL is replaced by the subset font's URL.
MATHML_CSS = """\
@font-face {
  font-family: "derivnotes math";
  src: url("MATH_FONT_URL") format("woff");
  font-display: swap;
}
/* MathML Core, laid out by the browser in Latin Modern Math: the look of TeX, at the size
   MathJax's CHTML had on this site. */
math {
  font-family: "derivnotes math", math;
  font-size: 1.02em;
  font-style: normal;
  font-weight: normal;
  letter-spacing: normal;
  word-spacing: normal;
  line-height: normal;
  text-indent: 0;
}
/* a display keeps the room above and below it that MathJax's CHTML gave it */
.md-typeset div.arithmatex > math {
  margin-top: 1em;
  margin-bottom: 1em;
}
"""

_TAG = re.compile(r"<[^>]*>")
_ONE_LETTER_MI = re.compile(r"<mi>([^<&])</mi>|<mi>(&[a-z]+;)</mi>")

# Single-letter <mi> is italic in MathML Core: the browser draws it with the italic letters of
# U+1D434.. (text-transform: math-auto), which the subset must hold.
_ITALIC_LATIN = (0x1D434, 0x1D44E)
_ITALIC_GREEK = 0x1D6E2
_GREEK_EXTRA = {0x2207: 25, 0x2202: 51, 0x3F5: 52, 0x3D1: 53, 0x3F0: 54, 0x3D5: 55, 0x3F1: 56}


def italic(letter: str) -> str | None:
    """The mathematical italic form of *letter*, as MathML Core draws a one-letter ``<mi>``;
    None if it has none.

    >>> italic("x"), italic("h"), italic("σ"), italic("∂"), italic("2")
    ('𝑥', 'ℎ', '𝜎', '𝜕', None)
    """
    code = ord(letter)
    if letter == "h":
        return "\u210e"
    if 0x41 <= code <= 0x5A:
        return chr(_ITALIC_LATIN[0] + code - 0x41)
    if 0x61 <= code <= 0x7A:
        return chr(_ITALIC_LATIN[1] + code - 0x61)
    if letter in "ıȷ":
        return "\U0001d6a4" if letter == "ı" else "\U0001d6a5"
    if 0x391 <= code <= 0x3A9:
        return chr(_ITALIC_GREEK + code - 0x391)
    if 0x3B1 <= code <= 0x3C9:
        return chr(_ITALIC_GREEK + 26 + code - 0x3B1)
    if code in _GREEK_EXTRA:
        return chr(_ITALIC_GREEK + _GREEK_EXTRA[code])
    return None


def characters(mathml: Iterable[str]) -> str:
    """Every character the browser draws for these MathML formulas, sorted, without repeats.

    >>> characters(['<math><mi>x</mi><mo>=</mo><mn>2</mn><mtext>if\\u00a0</mtext></math>'])
    '2=fix\\xa0𝑥'
    """
    seen: set[str] = set()
    for formula in mathml:
        seen.update(html_lib.unescape(_TAG.sub("", formula)))
        for match in _ONE_LETTER_MI.finditer(formula):
            letter = html_lib.unescape(match.group(1) or match.group(2))
            form = italic(letter) if len(letter) == 1 else None
            if form:
                seen.add(form)
        if "<msqrt" in formula or "<mroot" in formula:
            seen.add("\u221a")  # the radical sign, which the browser draws from the font
    seen.discard("\n")
    return "".join(sorted(seen))


def subset(font: bytes, text: str) -> bytes:
    """*font* (OpenType) as a WOFF with only the glyphs of *text*, and its MATH table
    (constants, the variants and assemblies of stretchy characters) for them.

    Of the layout features only ``dtls`` (dotless i and j under accents) is kept: ``ssty``, the
    script-size letters, doubles the file, and Chromium does not use them (Firefox draws
    scripts with the ordinary letters, scaled, without them).
    """
    from fontTools import subset as fonttools_subset
    from fontTools.ttLib import TTFont

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # "FFTM NOT subset" and the like
    options = fonttools_subset.Options()
    options.layout_features = ["dtls"]
    options.flavor = "woff"
    options.desubroutinize = True
    options.notdef_outline = True
    loaded = TTFont(io.BytesIO(font))
    subsetter = fonttools_subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(loaded)
    # A subscript without a superscript sits 0.15em down in TeX (sub1); Latin Modern Math's
    # SubscriptShiftDown is TeX's sub2 (0.247em, for a subscript under a superscript), which
    # MathML Core uses for both: each x_i would hang 0.1em lower than in TeX.
    constants = loaded["MATH"].table.MathConstants
    constants.SubscriptShiftDown.Value = round(0.15 * loaded["head"].unitsPerEm)
    out = io.BytesIO()
    loaded.flavor = "woff"
    loaded.save(out)
    return out.getvalue()
