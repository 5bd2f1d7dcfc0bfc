"""Real-browser tests: Debian's Chromium, driven by playwright, against the built site."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from conftest import page_urls

# Evaluated in the page once MathJax (if it loaded) and the fonts have finished: what a reader
# would see. The site's math is MathML, laid out by the browser; MathJax's CHTML
# (mjx-container) is the fallback.
PAGE_REPORT_JS = r"""
async () => {
  await document.fonts.ready;
  const math = [...document.querySelectorAll('.arithmatex')];
  const untypeset = math.filter(el => !el.querySelector('math, mjx-container'))
                        .map(el => el.textContent.trim().slice(0, 100));
  const errors = [...document.querySelectorAll('mjx-merror, [data-mjx-error], merror')]
                   .map(el => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 100));
  const skip = 'script, style, pre, code, textarea, noscript, mjx-container, math';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      const parent = node.parentElement;
      return parent && !parent.closest(skip) ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
    }
  });
  const raw = [];
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue;
    if (/\\[A-Za-z]{2,}|\$\$/.test(text)) raw.push(text.trim().slice(0, 120));
  }
  // A glyph whose character rule is missing renders as nothing: math present but invisible.
  const invisible = [...document.querySelectorAll('mjx-container mjx-c')].filter(c =>
      getComputedStyle(c, '::before').content === 'none' && !c.textContent).length;
  // The math font: loaded (its URL works), if the page shows MathML.
  const mathml = document.querySelectorAll('.arithmatex math').length;
  const fontLoaded = [...document.fonts].some(
      f => f.family.replace(/"/g, '') === 'derivnotes math' && f.status === 'loaded');
  return {
    math: math.length, invisible, mathml, fontLoaded,
    containers: document.querySelectorAll('.arithmatex math, mjx-container').length,
    untypeset, errors, raw,
  };
}
"""

# The site typesets math at build time; MathJax loads in the browser only as a fallback for
# untypeset math. Wait for it if it did load, so a failure shows as what the reader would see.
WAIT_FOR_MATHJAX_JS = """
async () => {
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) await mj.startup.promise;
  return true;
}
"""


@dataclass
class Visit:
    """A browser page with everything it logged and requested."""

    page: object
    base: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def report(self) -> dict:
        # evaluate, not wait_for_function: the checker's page forbids evaluating strings
        self.page.evaluate(WAIT_FOR_MATHJAX_JS)
        return self.page.evaluate(PAGE_REPORT_JS)


@pytest.fixture
def visit(browser, site_server) -> Iterator[Visit]:
    context = browser.new_context()
    page = context.new_page()
    v = Visit(page=page, base=site_server)
    origin = urlsplit(site_server).netloc

    def on_request(request) -> None:
        v.requests.append(request.url)
        parts = urlsplit(request.url)
        if parts.scheme in ("data", "blob"):
            return
        if parts.netloc != origin:
            v.foreign_requests.append(request.url)

    def on_response(response) -> None:
        if response.status >= 400:
            v.failed_requests.append(f"{response.status} {response.url}")

    page.on("request", on_request)
    page.on("response", on_response)
    page.on(
        "console",
        lambda msg: v.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    page.on("pageerror", lambda exc: v.console_errors.append(f"uncaught: {exc}"))
    try:
        yield v
    finally:
        context.close()


def assert_page_is_clean(v: Visit, report: dict, where: str) -> None:
    assert report["untypeset"] == [], f"{where}: math left untypeset: {report['untypeset']}"
    assert report["containers"] >= report["math"], f"{where}: {report}"
    assert report["errors"] == [], f"{where}: MathJax errors: {report['errors']}"
    assert report["invisible"] == 0, f"{where}: {report['invisible']} math glyphs render as nothing"
    if report["mathml"]:
        assert report["fontLoaded"], f"{where}: the math font did not load"
    assert report["raw"] == [], f"{where}: raw TeX in the text: {report['raw']}"
    assert v.console_errors == [], f"{where}: console errors: {v.console_errors}"
    assert v.foreign_requests == [], f"{where}: requests to other hosts: {v.foreign_requests}"
    assert v.failed_requests == [], f"{where}: failed requests: {v.failed_requests}"


@pytest.mark.parametrize("url", page_urls())
def test_page_math_is_typeset_without_errors_or_foreign_requests(visit: Visit, url: str) -> None:
    visit.page.goto(visit.base + url, wait_until="load")
    report = visit.report()
    assert_page_is_clean(visit, report, f"/{url}")
    typesetters = [u for u in visit.requests if u.endswith(("tex-chtml.js", "mml-chtml.js"))]
    assert typesetters == [], f"/{url}: math was not typeset at build time: {typesetters}"
    assert report["mathml"] >= report["math"], f"/{url}: math that is not MathML: {report}"


def test_a_browser_without_mathml_layout_gets_mathjax_drawing_the_same_mathml(
    visit: Visit,
) -> None:
    """Chromium before 109 has no MathMLElement and draws MathML as plain text: the page's
    loader then brings MathJax's MathML input, served by the site, which draws it."""
    visit.page.add_init_script("delete window.MathMLElement;")
    visit.page.goto(visit.base + "sigmoid-derivative/", wait_until="load")
    drawn = (
        "() => [...document.querySelectorAll('.arithmatex')]"
        ".every(el => el.querySelector(':scope > mjx-container, :scope > * > mjx-container'))"
    )
    visit.page.wait_for_function(drawn, timeout=60_000)
    report = visit.report()
    loaded = [u for u in visit.requests if u.endswith("mml-chtml.js")]
    assert loaded, "no MathJax for a browser without MathML layout"
    assert report["math"] > 0 and visit.page.evaluate(drawn), report
    assert_page_is_clean(visit, report, "without MathML layout")


def test_home_page_has_math(visit: Visit) -> None:
    visit.page.goto(visit.base, wait_until="load")
    report = visit.report()
    assert report["math"] > 0 and report["containers"] >= report["math"]


def test_math_is_typeset_after_instant_navigation(visit: Visit) -> None:
    page = visit.page
    # networkidle: Material intercepts clicks only once it has fetched sitemap.xml.
    page.goto(visit.base, wait_until="networkidle")
    visit.report()
    page.evaluate("() => { window.__noReload = true; }")
    page.click("article a[href$='sigmoid-derivative/']")
    # navigation.tracking may append the anchor of the section scrolled to, hence no `$`.
    page.wait_for_url(re.compile(r"/sigmoid-derivative/(#.*)?$"))
    page.wait_for_function(
        "() => document.querySelectorAll('article .arithmatex').length > 0 && "
        "[...document.querySelectorAll('article .arithmatex')]"
        ".every(el => el.querySelector('math'))",
        timeout=30_000,
    )
    assert page.evaluate("() => window.__noReload === true"), "the click reloaded the page"
    assert_page_is_clean(visit, visit.report(), "after instant navigation")


def test_palette_toggle_reaches_dark_mode(visit: Visit) -> None:
    page = visit.page
    page.emulate_media(color_scheme="light")
    page.goto(visit.base, wait_until="load")
    assert page.get_attribute("body", "data-md-color-scheme") == "default"
    seen = []
    for _ in range(3):  # automatic -> light -> dark
        page.click("form[data-md-component='palette'] label:visible")
        seen.append(page.get_attribute("body", "data-md-color-scheme"))
        if seen[-1] == "slate":
            break
    assert seen[-1] == "slate", f"the toggle cycled through {seen} without reaching dark mode"
    visit.report()
    assert visit.console_errors == []


def test_search_finds_the_sigmoid_page(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.base, wait_until="load")
    page.click("input[data-md-component='search-query']")
    page.keyboard.type("sigmoid", delay=20)
    page.wait_for_selector(".md-search-result__item a[href*='sigmoid-derivative']", timeout=20_000)
    results = page.inner_text(".md-search-result")
    assert "\\frac" not in results and "\\(" not in results, results
    assert visit.console_errors == []


# Changes to the root element's class once the body exists: Material's CSS has rules keyed on the
# class attribute (`table:not([class]) td > :first-child`), so each such change restyles the
# whole page. overrides/main.html sets the classes the bundle would set while the head is parsed.
ROOT_CLASS_CHANGES_JS = """
() => {
  window.__rootClassChanges = [];
  // (an init script runs before <html> is parsed: watch the document for it)
  new MutationObserver(records => {
    for (const r of records) {
      if (r.target !== document.documentElement) continue;
      window.__rootClassChanges.push({old: r.oldValue, body: document.body !== null});
    }
  }).observe(document, {attributes: true, attributeFilter: ['class'], attributeOldValue: true,
                        subtree: true});
}
"""


def test_root_class_does_not_change_once_the_page_is_styled(visit: Visit) -> None:
    page = visit.page
    page.add_init_script(f"({ROOT_CLASS_CHANGES_JS})()")
    page.goto(visit.base + "common-mistakes/", wait_until="networkidle")
    final = page.evaluate("document.documentElement.className")
    records = page.evaluate("window.__rootClassChanges")
    # the value each record led to is the old value of the next one, or the final value
    values = [r["old"] for r in records[1:]] + [final] if records else []
    late = [(r["old"], new) for r, new in zip(records, values, strict=True) if r["body"]]
    changed = [(old, new) for old, new in late if set((old or "").split()) != set(new.split())]
    assert changed == [], f"the root's class changed after the body was parsed: {changed}"
    assert "js" in final.split() and "no-js" not in final.split(), final


# The questions of the course forum, typed as a learner would, and the page that derives each
# answer. The "Questions learners ask" page answers every one in these words and links to the
# derivation, so it must come first or second; the derivation itself must be among the first
# pages found (the sigmoid's question is mostly mathematics: its words find the questions page).
LEARNER_QUERIES = [
    ("How to get the derivatives of the logistic cost / loss function?", "logistic-gradient"),
    ("is it luck that the derivatives of logistic cost and squared error cost are the same",
     "why-same-form"),
    ("How come the derivative of the cost function for linear and logistic regression are the "
     "same", "why-same-form"),
    ("derivative of the cost function generalised to 1/m (sum of (f(x) - y) * x)",
     "cost-and-regularization"),
    ("I get f and (1-f) in the denominator", "common-mistakes"),
    ("pure substitution method", "pure-substitution"),
    ("Why is d/dz (1+e^-z) = -e^-z?", None),
    ("Where does dz = a - y come from?", "logistic-gradient"),
    ("how the second summation disappears in the d/dw term of regularized logistic regression",
     "cost-and-regularization"),
    ("circuit diagram backpropagation", "computational-graph"),
]  # fmt: skip


def test_search_finds_the_answer_to_each_learner_question(visit: Visit) -> None:
    page = visit.page
    page.goto(visit.base, wait_until="load")
    box = "input[data-md-component='search-query']"
    missed = []
    for query, expected in LEARNER_QUERIES:
        page.click(box)
        page.fill(box, "")
        page.keyboard.type(query, delay=5)
        page.wait_for_selector(".md-search-result__item > a", timeout=20_000)
        page.wait_for_timeout(300)  # the last keystroke's results
        hrefs = page.eval_on_selector_all(
            ".md-search-result__item > a", "els => els.map(e => e.pathname)"
        )
        pages = []
        for href in hrefs:
            name = href.strip("/").split("/")[-1] if href.strip("/") else "home"
            if name not in pages:
                pages.append(name)
        if "questions" not in pages[:2] or (expected and expected not in pages[:6]):
            missed.append(f"{query!r} -> {pages[:6]}")
    assert missed == [], "\n".join(missed)
    assert visit.console_errors == []


STALE_SCROLL_MARKS_JS = """
async () => {
  await document.fonts.ready;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const cells = [...document.querySelectorAll('.dn-lhs, .dn-rhs')].filter(e => e.offsetParent);
  const scrolls = e => e.scrollWidth > e.clientWidth + 1;
  return {
    cells: cells.length,
    marked_but_fits: cells.filter(e => e.hasAttribute('data-dn-scrollable') && !scrolls(e))
                          .map(e => e.textContent.slice(0, 40)),
    scrolls_unmarked: cells.filter(e => scrolls(e) && !e.hasAttribute('data-dn-scrollable'))
                           .map(e => e.textContent.slice(0, 40)),
  };
}
"""


@pytest.mark.parametrize("width", [360, 1280])
def test_step_cells_are_marked_scrollable_only_while_they_scroll(
    browser, site_server, width: int
) -> None:
    """A marked cell takes keyboard focus and shows scroll shadows: once the math font has
    loaded (which narrows formulas without resizing their cells), only cells that do scroll
    sideways keep the mark, and every cell that scrolls has it."""
    context = browser.new_context(viewport={"width": width, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server + "logistic-gradient/", wait_until="load")
        report = page.evaluate(STALE_SCROLL_MARKS_JS)
    finally:
        context.close()
    assert report["cells"] > 10
    assert report["marked_but_fits"] == [], report
    assert report["scrolls_unmarked"] == [], report
