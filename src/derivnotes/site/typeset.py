"""Math typeset at build time: pages ship finished math, no typesetting script in the browser.

Every ``arithmatex`` element of a page (``<span class="arithmatex">\\(...\\)</span>`` and
``<div class="arithmatex">\\[...\\]</div>``, as pymdownx.arithmatex, the derivation renderer and
the notebook math marker write them) is handed to MathJax 3's TeX input running in Node (npm
``mathjax-full``, :file:`typeset.cjs`) and replaced by

- ``output="mathml"`` (the site's choice, see the README): MathML Core, which the browser lays
  out itself (:file:`mathml.cjs`), in one served math font, Latin Modern Math (Debian's
  fonts-lmodern), subset to the characters the site's math uses with its OpenType MATH table
  kept; screen readers read the MathML itself;
- ``output="chtml"``: MathJax's CHTML with assistive MathML for screen readers, and the CSS
  and MathJax fonts its formulas need.

One stylesheet for all the math of the site, whose fonts are served from the site, is written at
the end of the build.

Rendered formulas are cached by content hash (formula, display mode, output, MathJax version) in
one JSON file, and the stylesheet and font by the set of formulas, so a rebuild that changes no
math starts no Node process at all.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html as html_lib
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

from derivnotes.store import ContentStore, content_key, files_key, write_atomically

SCRIPT = Path(__file__).with_name("typeset.cjs")
MATHML = Path(__file__).with_name("mathml.cjs")
NODE_ROOT = Path(__file__).resolve().parents[3]  # the checkout, where `make setup` runs npm ci
#: Part of every cache key: bump with the npm mathjax-full pin. The scripts' own text is part
#: of the key too (:data:`SCRIPTS_KEY`), so that changing them retypesets everything.
MATHJAX_VERSION = "mathjax-full 3.2.2"
OUTPUTS = ("mathml", "chtml")
STYLESHEET = "assets/derivnotes/mathjax.css"
#: The math font of MathML output: Latin Modern Math, the look of TeX, with an OpenType MATH
#: table (stretchy brackets, fraction rules); Debian's fonts-lmodern, installed by `make setup`.
MATH_FONT = Path("/usr/share/texmf/fonts/opentype/public/lm-math/latinmodern-math.otf")
#: Where the subset math font goes in the built site (its name ends in its content hash).
MATH_FONT_DIR = "assets/vendor/math"

_MATH = re.compile(r'<(div|span) class="arithmatex">(.*?)</\1>', re.DOTALL)
_PUNCTUATION = re.compile(r"[,.;:!?)\]]+")
_KEEP = "\x00dn-keep\x00"  # where the punctuation after inline math joins it
_KEPT = re.compile("\x00dn-keep\x00([,.;:!?)\\]]+)")


_FONT_FACE = re.compile(r"(@font-face\b[^{]*\{)([^}]*)\}")


def swap_font_display(css: str) -> str:
    r"""*css* with ``font-display: swap`` in each ``@font-face`` rule that sets no font-display.

    The CHTML output gives every glyph its width in the CSS (``width: 0`` plus padding), not
    from the font, so until a font has loaded its glyphs are drawn in a fallback font at their
    places: the math can be read at once. (Lines may move by a pixel or two when the font
    arrives, as the fallback's ascent and descent place the baseline: they would by the same
    amount without swap, since browsers lay out invisible text with the fallback too.) Without
    this, the math stays invisible for up to three seconds while its fonts load.

    >>> swap_font_display('@font-face /* 0 */ {\n  font-family: MJXZERO;\n}')
    '@font-face /* 0 */ {\n  font-family: MJXZERO;\n  font-display: swap;\n}'
    >>> swap_font_display("@font-face{font-display:block}")
    '@font-face{font-display:block}'
    """

    def add(match: re.Match[str]) -> str:
        head, body = match.group(1), match.group(2)
        if "font-display" in body:
            return match.group(0)
        return f"{head}{body.rstrip()}\n  font-display: swap;\n}}"

    return _FONT_FACE.sub(add, css)


class TypesetError(Exception):
    """MathJax could not typeset a formula, or Node/MathJax is not available.

    ``failures`` holds ``(tex, MathJax's message)`` for each formula of a page that failed.
    """

    def __init__(self, message: str, failures: list[tuple[str, str]] | None = None) -> None:
        super().__init__(message)
        self.failures = failures or []


class MathJaxUnavailable(TypesetError):
    """Node.js or the npm mathjax-full package is missing, or the MathJax process stopped."""


_CONTROL_SEQUENCE = re.compile(r"(\\[A-Za-z]+)\s*$")


def locate(tex: str, message: str, source: str) -> int | None:
    r"""The 1-based line of *source* (a page's Markdown) where a formula that failed with
    MathJax's *message* most likely is: the line naming the offending control sequence, else
    the line where the formula's first line appears; None if neither is found.

    Examples
    --------
    >>> page = "# T\n\ntext\n  - tex: = 1 - \\tahn^2(z)\n"
    >>> locate("1 - \\tahn^2(z)", "Undefined control sequence \\tahn", page)
    4
    >>> locate("x^{2", "Missing close brace", "a\n$x^{2$\n")
    2
    """
    lines = source.splitlines()
    named = _CONTROL_SEQUENCE.search(message)
    if named:
        pattern = re.compile(re.escape(named.group(1)) + r"(?![A-Za-z])")
        for number, line in enumerate(lines, 1):
            if pattern.search(line):
                return number
    first = tex.strip().splitlines()[0].strip() if tex.strip() else ""
    for probe in (first, first[:40]):
        if len(probe) >= 3:
            for number, line in enumerate(lines, 1):
                if probe in line:
                    return number
    return None


SCRIPTS_KEY = files_key(SCRIPT, MATHML)


def _key(tex: str, display: bool, output: str = "mathml") -> str:
    return content_key(MATHJAX_VERSION, SCRIPTS_KEY, output, str(int(display)), tex)


def split_delimiters(text: str) -> tuple[str, bool] | None:
    r"""The TeX inside ``\(...\)`` or ``\[...\]`` and whether it is a display; None otherwise.

    Examples
    --------
    >>> split_delimiters(r"\(x^2\)"), split_delimiters("\\[\n a \\\\ b\n\\]")
    (('x^2', False), ('a \\\\ b', True))
    >>> split_delimiters("plain") is None
    True
    """
    text = text.strip()
    if text.startswith(r"\(") and text.endswith(r"\)"):
        return text[2:-2].strip(), False
    if text.startswith(r"\[") and text.endswith(r"\]"):
        return text[2:-2].strip(), True
    return None


class Typesetter:
    """Typesets the pages of one build; call :meth:`page` per page, then :meth:`stylesheet`."""

    def __init__(
        self,
        cache_dir: str | os.PathLike[str] | None,
        node: str | None = None,
        output: str = "mathml",
    ) -> None:
        if output not in OUTPUTS:
            raise ValueError(f"math output {output!r}: expected one of {', '.join(OUTPUTS)}")
        self.output = output
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.node = node or shutil.which("node")
        #: files for the built site besides the stylesheet (the subset math font), by path
        self.files: dict[str, bytes] = {}
        self._process: subprocess.Popen[str] | None = None
        self._next_id = 0
        self.formulas: dict[str, tuple[str, bool]] = {}  # every formula of this build
        # key -> {"html": typeset formula, "usage": what its CSS needs (see typeset.cjs)}
        self.rendered: dict[str, dict] = self._load()
        self._dirty = False

    @staticmethod
    def available() -> bool:
        """Whether Node.js and the npm mathjax-full package (``make setup``) are there."""
        return bool(shutil.which("node")) and (NODE_ROOT / "node_modules" / "mathjax-full").is_dir()

    # -- cache ---------------------------------------------------------------------------------
    def _cache_file(self) -> Path | None:
        return self.cache_dir / "mathjax.json" if self.cache_dir else None

    def _load(self) -> dict[str, dict]:
        path = self._cache_file()
        if path is None or not path.is_file():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {
            key: entry
            for key, entry in data.items()
            if isinstance(entry, dict) and isinstance(entry.get("html"), str) and "usage" in entry
        }

    def save(self, prune: bool = True) -> None:
        """Write the formula cache: only what this build used, so that it does not grow forever
        (*prune*), or everything it holds (``derivnotes check``, which sees only displays)."""
        path = self._cache_file()
        if path is None or not self._dirty:
            return
        if prune:
            used = {key: self.rendered[key] for key in self.formulas if key in self.rendered}
        else:
            used = dict(self.rendered)
        with contextlib.suppress(OSError):  # a cache that cannot be written is only a miss
            write_atomically(path, json.dumps(used, sort_keys=True))

    # -- the Node process ------------------------------------------------------------------------
    def _ask(self, request: dict) -> dict:
        if self._process is None:
            if not self.node:
                raise MathJaxUnavailable(
                    "math is typeset at build time with Node.js, which is not "
                    "installed: install Debian's nodejs and run `make setup`"
                )
            self._process = subprocess.Popen(
                [self.node, str(SCRIPT), self.output],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                cwd=NODE_ROOT,  # where node_modules/ is
            )
        assert self._process.stdin and self._process.stdout
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        line = self._process.stdout.readline()
        if not line:
            error = self._process.stderr.read() if self._process.stderr else ""
            raise MathJaxUnavailable(
                f"MathJax (Node) stopped: {error.strip()[-800:]} — run "
                "`make setup` so that node_modules/mathjax-full is installed"
            )
        return json.loads(line)

    def _convert(self, tex: str, display: bool) -> dict:
        self._next_id += 1
        answer = self._ask({"id": self._next_id, "tex": tex, "display": display})
        if "error" in answer:
            raise TypesetError(answer["error"])
        return {"html": answer["html"], "usage": answer["usage"]}

    def close(self) -> None:
        if self._process is not None:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.wait(timeout=30)
            self._process = None

    # -- pages -----------------------------------------------------------------------------------
    def render(self, tex: str, display: bool) -> str:
        """The MathML, or CHTML with assistive MathML, of one formula."""
        key = _key(tex, display, self.output)
        self.formulas[key] = (tex, display)
        if key not in self.rendered:
            self.rendered[key] = self._convert(tex, display)
            self._dirty = True
        return self.rendered[key]["html"]

    def page(self, html: str, where: str) -> str:
        """*html* with every arithmatex element's TeX replaced by typeset math."""
        errors: list[str] = []
        failures: list[tuple[str, str]] = []

        def replace(match: re.Match[str]) -> str:
            tag, inner = match.group(1), match.group(2)
            found = split_delimiters(html_lib.unescape(inner))
            if found is None:
                return match.group(0)
            tex, display = found
            try:
                rendered = self.render(tex, display)
            except TypesetError as exc:
                errors.append(f"{where}: cannot typeset {tex[:200]!r}: {exc}")
                failures.append((tex, str(exc)))
                return match.group(0)
            # A display may be wider than a phone's screen and scroll sideways; laid out lazily
            # (content-visibility), it cannot be measured cheaply, so every display takes
            # keyboard focus, as MathJax's own formulas do in the browser.
            focus = ' tabindex="0"' if tag == "div" else ""
            element = f'<{tag} class="arithmatex"{focus}>{rendered}</{tag}>'
            if tag == "span":
                # Typeset math is an inline block, and a line may break after one: a comma or a
                # full stop right after inline math is kept on its line (see below).
                punctuation = _PUNCTUATION.match(match.string, match.end())
                if punctuation:
                    return f'<span class="dn-nobreak">{element}{_KEEP}'
            return element

        out = _MATH.sub(replace, html)
        if errors:
            raise TypesetError("\n".join(errors), failures)
        return _KEPT.sub(r"\1</span>", out)

    def usage(self) -> dict[str, list]:
        """What the CSS of this build's formulas needs: the union of their usages, sorted."""
        union: dict[str, set[str]] = {"wrappers": set(), "chars": set(), "delims": set()}
        for key in self.formulas:
            for kind, items in self.rendered[key]["usage"].items():
                union.setdefault(kind, set()).update(json.dumps(item) for item in items)
        return {kind: [json.loads(item) for item in sorted(items)] for kind, items in union.items()}

    def stylesheet(self) -> str:
        """The CSS for every formula typeset in this build (fonts relative to assets/derivnotes).

        It depends only on the union of the formulas' usages, so formulas that came from the
        cache are not typeset again, and an unchanged union reuses the cached stylesheet.
        """
        if not self.formulas:
            return ""
        if self.output == "mathml":
            return self._mathml_stylesheet()
        usage = self.usage()
        key = content_key(MATHJAX_VERSION, SCRIPTS_KEY, json.dumps(usage))
        store = ContentStore(self.cache_dir, "mathjax-css", ".css")
        css = store.read(key)
        if css is None:
            css = self._ask({"css": True, "usage": usage})["css"]
            store.write(key, css)
        return swap_font_display(css)

    def _mathml_stylesheet(self) -> str:
        """The CSS of MathML output, and the math font subset to what the formulas show
        (:attr:`files`), cached by that set of characters."""
        from derivnotes.site.mathfont import MATHML_CSS, SUBSET_VERSION, characters, subset

        try:
            found = MATH_FONT.stat()
        except OSError:
            raise MathJaxUnavailable(
                f"the math font {MATH_FONT} is missing: install Debian's fonts-lmodern "
                "(`make setup` does)"
            ) from None
        text = characters(self.rendered[key]["html"] for key in self.formulas)
        # the font file by its size and time (read only when the subset must be made again)
        edition = f"{found.st_size} {found.st_mtime_ns}"
        key = content_key(SUBSET_VERSION, edition, text)
        store = ContentStore(self.cache_dir, "math-font", ".woff.b64")
        cached = store.read(key)
        if cached is None:
            font = subset(MATH_FONT.read_bytes(), text)
            store.write(key, base64.b64encode(font).decode("ascii"))
        else:
            font = base64.b64decode(cached)
        name = f"latinmodern-math.{hashlib.sha256(font).hexdigest()[:12]}.woff"
        self.files = {f"{MATH_FONT_DIR}/{name}": font}
        return MATHML_CSS.replace("MATH_FONT_URL", f"../vendor/math/{name}")
