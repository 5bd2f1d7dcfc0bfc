"""Math output side by side: the site's CHTML (MathJax 3 at build time) against MathML Core.

Run: ``.venv/bin/python benchmarks/math_output.py [SITE_DIR]`` (default: builds the site). For
the home page and the longest derivation page it writes a MathML variant of the built site:
each ``mjx-container`` replaced by the MathML that MathJax itself puts beside its CHTML for
screen readers (so the assistive MathML is the math), the CHTML rules and fonts dropped from the
site's stylesheet, and one served math font for ``<math>``: Noto Sans Math (npm
``@fontsource/noto-sans-math``, with an OpenType MATH table), whole (250 kB woff), and subset to
the characters the pages' math uses (fontTools, keeping the MATH table and layout features).
Served with gzip like a static host, each variant gets, per page: its DOM size, HTML bytes (raw
and gzip), the bytes the page loads, Lighthouse mobile (median of ``--runs``, default 3:
performance, FCP, LCP, TBT), and a screenshot at 412 px in ``--shots`` (default
``/tmp/derivnotes-math-output``) to look at.

It is a measurement for choosing, not a switch: the site builds CHTML. MathJax 4 is not
measured here (not done yet).
"""

from __future__ import annotations

import argparse
import html as html_module
import http.server
import re
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import audit  # noqa: E402

FONT = ROOT / "node_modules/@fontsource/noto-sans-math/files/noto-sans-math-latin-400-normal.woff"
_CONTAINER = re.compile(r"<mjx-container\b[^>]*>.*?</mjx-container>", re.DOTALL)
_MATHML = re.compile(r"<math\b.*?</math>", re.DOTALL)
MARK = "/* The typeset math (MathJax CHTML), added by derivnotes. */"
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


def measure(site: Path, pages: list[str], runs: int, shots: Path, label: str) -> list[str]:
    import gzip

    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), audit.make_handler(site, "/", True))
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
                    f"{label:<13} /{page:<22} DOM {dom[page]:>6}  HTML {len(html) / 1024:6.0f} KiB"
                    f" ({len(gzip.compress(html)) / 1024:4.0f} gzip)  loads "
                    f"{weight.get('total', 0) / 1024:5.0f} KiB  perf {perf:3.0f}  FCP "
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
    parser.add_argument("site", nargs="?", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shots", type=Path, default=Path("/tmp/derivnotes-math-output"))
    args = parser.parse_args()
    if not FONT.is_file():
        sys.exit(f"{FONT} is missing: run `make setup` (npm ci installs it)")
    args.shots.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site.resolve() if args.site else Path(tmp) / "site"
        if not args.site:
            audit.build_site(site, "http://127.0.0.1/")
        picked = audit.pick_audited_pages(site, audit.site_pages(site, "/"))
        pages = [page for label, page in picked if label == "home" or "derivation page" in label]
        whole = mathml_site(site, Path(tmp) / "mathml", pages, subset_font=False)
        subset = mathml_site(site, Path(tmp) / "mathml-subset", pages, subset_font=True)
        rows = measure(site, pages, args.runs, args.shots, "CHTML")
        rows += measure(whole, pages, args.runs, args.shots, "MathML")
        rows += measure(subset, pages, args.runs, args.shots, "MathML-subset")
    print(
        f"math output, median of {args.runs} Lighthouse mobile run(s); screenshots in {args.shots}"
    )
    print("\n".join(sorted(rows, key=lambda r: r.split()[1])))


if __name__ == "__main__":
    main()
