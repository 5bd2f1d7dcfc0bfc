"""Math output side by side, on the same pages: MathJax 3.2.2's CHTML, MathML Core in one
served math font (the site's choice), and MathJax 4's CHTML.

Run: ``.venv/bin/python benchmarks/math_output.py [CHTML_SITE] [--plain PLAIN_DIR]
[--site SITE_DIR]`` (default: builds all three). It builds the site three ways: as published
(MathML Core in Latin Modern Math subset by the build, :mod:`derivnotes.site.mathfont`), with
``DERIVNOTES_MATH_OUTPUT=chtml`` (MathJax 3.2.2's CHTML with assistive MathML, as the site was
before), and with ``DERIVNOTES_TYPESET=false`` (the TeX of each formula). For the home page and
the longest derivation page it measures these variants:

- ``CHTML``: MathJax 3.2.2's CHTML, its CSS and fonts;
- ``MathML-LM``: the site as published;
- ``MathML-Noto``, ``MathML-Noto-sub``: the CHTML build with each ``mjx-container`` replaced by
  the assistive MathML MathJax wrote beside it (MathJax's own MathML, without the site's
  conversion to MathML Core), the CHTML rules dropped, in Noto Sans Math (npm
  ``@fontsource/noto-sans-math``), whole (250 kB woff) and subset to the characters used;
- ``MathJax4``: every page's math typeset again by MathJax 4 (npm ``@mathjax/src``, its default
  font ``@mathjax/mathjax-newcm-font``; :file:`typeset4.cjs`, CHTML with assistive MathML, the
  options of the site's MathJax 3) from the TeX of the plain build, whose arithmatex elements
  are the CHTML build's ``mjx-container`` elements in the same order; MathJax 4's CSS in place
  of 3.2.2's, with ``font-display: swap`` as the site adds, its woff2 fonts served from the site.

Served with gzip like a static host, each variant gets, per page: its DOM size, HTML bytes (raw
and gzip), the bytes the page loads (and of them fonts), Lighthouse mobile (median of
``--runs``, default 3: performance, FCP, LCP, TBT), and a screenshot at 412 px in ``--shots``
(default ``/tmp/derivnotes-math-output``) to look at. The README's table comes from this.
"""

from __future__ import annotations

import argparse
import html as html_module
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit  # noqa: E402
from derivnotes.site.postbuild import MATH_CSS_MARK as MARK  # noqa: E402
from derivnotes.site.typeset import split_delimiters, swap_font_display  # noqa: E402

FONT = ROOT / "node_modules/@fontsource/noto-sans-math/files/noto-sans-math-latin-400-normal.woff"
_CONTAINER = re.compile(r"<mjx-container\b[^>]*>.*?</mjx-container>", re.DOTALL)
_MATHML = re.compile(r"<math\b.*?</math>", re.DOTALL)
TYPESET4 = Path(__file__).with_name("typeset4.cjs")
FONTS4 = ROOT / "node_modules/@mathjax/mathjax-newcm-font/chtml/woff2"
FONT4_URL = "../assets/mathjax4"  # from stylesheets/derivnotes.css
_ARITHMATEX = re.compile(r'<(div|span) class="arithmatex">(.*?)</\1>', re.DOTALL)
_CSS_URL = re.compile(r'url\("?([^")]+)"?\)')
MATHML_CSS = """
@font-face { font-family: "Noto Sans Math"; src: url("../assets/math/noto-sans-math.woff")
  format("woff"); font-display: swap; }
math { font-family: "Noto Sans Math", math; font-size: 1.1em; }
math[display="block"] { display: block math; margin: 0.5em 0; overflow-x: auto; }
"""


def to_mathml(html: str) -> str:
    """*html* with each CHTML container replaced by its assistive MathML."""

    def replace(match: re.Match[str]) -> str:
        inner = _MATHML.search(match.group(0))
        return inner.group(0) if inner else match.group(0)

    # (and no longer marked arithmatex: the site's fallback would load MathJax to typeset it)
    html = _CONTAINER.sub(replace, html)
    return html.replace('class="arithmatex"', 'class="dn-mathml"')


def mathml_site(site: Path, out: Path, pages: list[str], subset_font: bool = True) -> Path:
    shutil.copytree(site, out, ignore=shutil.ignore_patterns("checker"))
    css = out / "stylesheets" / "derivnotes.css"
    own = css.read_text(encoding="utf-8").split(MARK, 1)[0]
    css.write_text(own + MATHML_CSS, encoding="utf-8")
    (out / "assets" / "math").mkdir(parents=True, exist_ok=True)
    text = []
    for page in pages:
        path = out / page / "index.html" if page else out / "index.html"
        mathml = to_mathml(path.read_text(encoding="utf-8"))
        path.write_text(mathml, encoding="utf-8")
        for math in _MATHML.findall(mathml):
            text.append(html_module.unescape(re.sub(r"<[^>]+>", " ", math)))
    target = out / "assets" / "math" / "noto-sans-math.woff"
    if subset_font:
        make_subset(FONT, "".join(text), target)
    else:
        shutil.copyfile(FONT, target)
    return out


def make_subset(font_file: Path, text: str, target: Path) -> None:
    """The font with only the characters of *text*, its MATH table (stretchy variants,
    constants) and its layout features kept (fontTools, woff)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.layout_features = ["*"]
    options.flavor = "woff"
    font = TTFont(font_file)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    font.flavor = "woff"
    font.save(target)


def formulas_of(plain_html: str) -> list[tuple[str, bool]]:
    """(TeX, display) of each arithmatex element of a page built without typeset math, in order:
    the elements that the site's build typesets (as derivnotes.site.typeset.Typesetter.page)."""
    found = (
        split_delimiters(html_module.unescape(m.group(2))) for m in _ARITHMATEX.finditer(plain_html)
    )
    return [formula for formula in found if formula is not None]


class MathJax4:
    """typeset4.cjs in Node: one formula per request, then the stylesheet of them all."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["node", str(TYPESET4), FONT4_URL],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        self.count = 0

    def ask(self, request: dict) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            sys.exit(f"{TYPESET4.name} stopped: run `npm ci` (node_modules/@mathjax/src)")
        return json.loads(line)

    def typeset(self, tex: str, display: bool) -> str:
        self.count += 1
        answer = self.ask({"id": self.count, "tex": tex, "display": display})
        if "error" in answer:
            sys.exit(f"MathJax 4 cannot typeset {tex[:200]!r}: {answer['error']}")
        return answer["html"]

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def mathjax4_site(site: Path, plain: Path, out: Path) -> Path:
    """The built *site* with every page's math typeset by MathJax 4 from the TeX in *plain*,
    MathJax 4's CSS for it in place of MathJax 3's, and the fonts that CSS names."""
    shutil.copytree(site, out, ignore=shutil.ignore_patterns("checker"))
    mathjax = MathJax4()
    try:
        for path in sorted(out.rglob("*.html")):
            html = path.read_text(encoding="utf-8")
            containers = _CONTAINER.findall(html)
            if not containers:
                continue
            plain_page = plain / path.relative_to(out)
            formulas = formulas_of(plain_page.read_text(encoding="utf-8"))
            if len(formulas) != len(containers):
                sys.exit(f"{path}: {len(containers)} formulas, {len(formulas)} in {plain_page}")
            for container, (_, display) in zip(containers, formulas, strict=True):
                if ('display="true"' in container.split(">", 1)[0]) != display:
                    sys.exit(f"{path}: the formulas of {plain_page} are not in the same order")
            typeset = iter([mathjax.typeset(tex, display) for tex, display in formulas])
            html = _CONTAINER.sub(lambda _, typeset=typeset: next(typeset), html)
            path.write_text(html, encoding="utf-8")
        css = mathjax.ask({"css": True})["css"]
    finally:
        mathjax.close()
    stylesheet = out / "stylesheets" / "derivnotes.css"
    own = stylesheet.read_text(encoding="utf-8").split(MARK, 1)[0].rstrip("\n")
    stylesheet.write_text(f"{own}\n\n{MARK}\n{swap_font_display(css)}", encoding="utf-8")
    fonts = out / "assets" / "mathjax4"
    fonts.mkdir(parents=True, exist_ok=True)
    for url in sorted(set(_CSS_URL.findall(css))):
        if url.startswith(FONT4_URL + "/"):
            shutil.copyfile(FONTS4 / url[len(FONT4_URL) + 1 :], fonts / url.rsplit("/", 1)[1])
    return out


def math_css_and_fonts(site: Path) -> str:
    """The bytes of the math's CSS (after the mark, gzip too) and of the fonts it names."""
    import gzip

    stylesheet = site / "stylesheets" / "derivnotes.css"
    css = stylesheet.read_text(encoding="utf-8").split(MARK, 1)[1].encode()
    fonts = [stylesheet.parent / url for url in set(_CSS_URL.findall(css.decode()))]
    size = sum(font.stat().st_size for font in fonts if font.is_file())
    return (
        f"math CSS {len(css) / 1024:.0f} KiB ({len(gzip.compress(css)) / 1024:.0f} gzip), "
        f"{len(fonts)} font files named, {size / 1024:.0f} KiB"
    )


def measure(site: Path, pages: list[str], runs: int, shots: Path, label: str) -> list[str]:
    import gzip

    from playwright.sync_api import sync_playwright

    server = audit.Server(("127.0.0.1", 0), audit.make_handler(site, "/", True))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    rows = []
    try:
        weights = {r["page"]: r for r in audit.page_weights(base, pages)}
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=audit.CHROMIUM, args=audit.CHROMIUM_FLAGS[1:]
            )
            dom = {}
            for page in pages:
                context = browser.new_context(viewport={"width": 412, "height": 900})
                tab = context.new_page()
                tab.goto(base + page, wait_until="networkidle")
                dom[page] = tab.evaluate("() => document.getElementsByTagName('*').length")
                name = (page.strip("/") or "home").replace("/", "-")
                tab.screenshot(path=str(shots / f"{label}-{name}.png"), full_page=True)
                context.close()
            browser.close()
        with tempfile.TemporaryDirectory() as tmp:
            for page in pages:
                html = (site / page / "index.html").read_bytes()
                reports = [
                    audit.lighthouse(base + page, "mobile", Path(tmp) / f"{i}.json")
                    for i in range(runs)
                ]
                good = [r for r in reports if "error" not in r]

                def med(audit_id: str, good=good) -> float:
                    return statistics.median(audit.metric(r, audit_id) or 0 for r in good)

                perf = statistics.median(audit.score(r, "performance") or 0 for r in good)
                weight = weights.get("/" + page, {})
                rows.append(
                    f"{label:<15} /{page:<22} DOM {dom[page]:>6}  HTML {len(html) / 1024:6.0f} KiB"
                    f" ({len(gzip.compress(html)) / 1024:4.0f} gzip)  loads "
                    f"{weight.get('total', 0) / 1024:5.0f} KiB (fonts "
                    f"{weight.get('fonts', 0) / 1024:4.0f})  perf {perf:3.0f}  FCP "
                    f"{med('first-contentful-paint') / 1000:.2f} s  LCP "
                    f"{med('largest-contentful-paint') / 1000:.2f} s  TBT "
                    f"{med('total-blocking-time'):.0f} ms"
                )
    finally:
        server.shutdown()
        server.server_close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="DERIVNOTES_MATH_OUTPUT=chtml build")
    parser.add_argument("--plain", type=Path, help="the site built with DERIVNOTES_TYPESET=false")
    parser.add_argument("--site", dest="published", type=Path, help="the site as published")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shots", type=Path, default=Path("/tmp/derivnotes-math-output"))
    args = parser.parse_args()
    if not FONT.is_file():
        sys.exit(f"{FONT} is missing: run `make setup` (npm ci installs it)")
    args.shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site.resolve() if args.site else Path(tmp) / "site"
        if not args.site:
            audit.build_site(site, "http://127.0.0.1/", DERIVNOTES_MATH_OUTPUT="chtml")
        published = args.published.resolve() if args.published else Path(tmp) / "published"
        if not args.published:
            audit.build_site(published, "http://127.0.0.1/")
        plain = args.plain.resolve() if args.plain else Path(tmp) / "plain"
        if not args.plain:
            audit.build_site(plain, "http://127.0.0.1/", DERIVNOTES_TYPESET="false")
        picked = audit.pick_audited_pages(site, audit.site_pages(site, "/"))
        pages = [page for label, page in picked if label == "home" or "derivation page" in label]
        whole = mathml_site(site, Path(tmp) / "mathml", pages, subset_font=False)
        subset = mathml_site(site, Path(tmp) / "mathml-subset", pages, subset_font=True)
        mathjax4 = mathjax4_site(site, plain, Path(tmp) / "mathjax4")
        sizes = [
            f"{label}: {math_css_and_fonts(s)}"
            for label, s in (
                ("MathJax 3 CHTML", site),
                ("MathML-LM (site)", published),
                ("MathJax 4 CHTML", mathjax4),
            )
        ]
        rows = measure(site, pages, args.runs, args.shots, "CHTML")
        rows += measure(published, pages, args.runs, args.shots, "MathML-LM")
        rows += measure(whole, pages, args.runs, args.shots, "MathML-Noto")
        rows += measure(subset, pages, args.runs, args.shots, "MathML-Noto-sub")
        rows += measure(mathjax4, pages, args.runs, args.shots, "MathJax4")
    print(
        f"math output, median of {args.runs} Lighthouse mobile run(s); screenshots in {args.shots}"
    )
    print("\n".join(sorted(rows, key=lambda r: r.split()[1])))
    print("\n".join(sizes))


if __name__ == "__main__":
    main()
