"""The page "Check your derivation": the site's checker in a real Chromium, and the files the
build ships for it.

The browser tests share one page (one Pyodide start, the slow part) where they can; the policy
of the page (no inline script) is in force in every one of them. Playwright's
``wait_for_function`` evaluates strings in the page, which that policy forbids, so these tests
poll with ``evaluate`` (run by the browser's debugger protocol, outside the policy).
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import DOCS, ROOT

CHECK = "check/"
HEAVIER = "".join(
    f"```derivation\nid: h{n}\nsymbols:\n  x: positive\n  y: real\nchains:\n  - name: c\n"
    f"    steps:\n      - tex: \\ln(x^{{{n}}} e^{{y}})\n      - tex: = {n}\\ln x + y\n```\n\n"
    for n in range(2, 12)
)
SMALL = (
    "id: off\nsymbols:\n  a: real\nchains:\n  - name: c\n    steps:\n"
    "      - tex: (a + 1)^2\n      - tex: = a^2 + 2a + 1\n"
)
FRIENDLY_MARKS = ["start", "proved", "proved", "proved"]


def _attribute(html: str, name: str) -> str:
    match = re.search(rf'{name}="([^"]*)"', html)
    assert match, f"the checker's element has no {name}"
    return match.group(1)


# --- What the build writes ---------------------------------------------------------------------


def test_the_checker_files_exist_and_are_named_by_their_content(built_site: Path) -> None:
    html = (built_site / CHECK / "index.html").read_text(encoding="utf-8")
    base = built_site / CHECK
    for name in ("data-dn-bundle", "data-dn-script", "data-dn-worker", "data-dn-sources"):
        path = (base / _attribute(html, name)).resolve()
        assert path.is_file(), f"{name} -> {path} is missing"
        stamp = path.name.split(".")[1]
        assert hashlib.sha256(path.read_bytes()).hexdigest().startswith(stamp), path.name
    pyodide = (base / _attribute(html, "data-dn-pyodide")).resolve()
    names = sorted(p.name for p in pyodide.iterdir())
    assert "pyodide.asm.wasm" in names and "pyodide.mjs" in names
    stamp = pyodide.name.split("-", 1)[1]
    runtime = hashlib.sha256()
    for name in (
        "pyodide.mjs",
        "pyodide.asm.mjs",
        "pyodide.asm.wasm",
        "python_stdlib.zip",
        "pyodide-lock.json",
    ):
        runtime.update(name.encode() + b"\0" + (pyodide / name).read_bytes())
    assert runtime.hexdigest().startswith(stamp)


def test_the_page_forbids_inline_script(built_site: Path) -> None:
    html = (built_site / CHECK / "index.html").read_text(encoding="utf-8")
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', html)
    assert policy, "the checker's page sends no Content-Security-Policy"
    directives = dict(d.strip().split(" ", 1) for d in policy.group(1).split(";") if d.strip())
    script = directives["script-src"].split()
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert set(script) - {"'self'", "'wasm-unsafe-eval'"} <= {
        s for s in script if s.startswith("'sha256-")
    }
    assert directives["object-src"] == "'none'" and directives["connect-src"] == "'self'"
    assert html.index("Content-Security-Policy") < html.index("<script"), "policy after a script"


def test_every_block_of_the_site_has_an_edit_link_to_its_own_source(built_site: Path) -> None:
    html = (built_site / CHECK / "index.html").read_text(encoding="utf-8")
    sources = json.loads(
        ((built_site / CHECK) / _attribute(html, "data-dn-sources")).resolve().read_text("utf-8")
    )
    fences = 0
    for page in sorted(built_site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        blocks = re.findall(r'data-dn-source="([0-9a-f]+)" data-derivation=', text)
        links = re.findall(r'<a href="([^"]*)\?block=([0-9a-f]+)" data-dn-edit="\2">', text)
        assert len(links) == len(blocks), f"{page}: {len(blocks)} blocks, {len(links)} links"
        for href, key in links:
            assert (page.parent / href / "index.html").resolve() == (
                built_site / CHECK / "index.html"
            )
            assert key in sources
        fences += len(blocks)
    assert fences >= 30 and len(sources) == fences
    # every derivation fence of the docs (the examples inside checker-output fences aside)
    top_level = sum(
        len(re.findall(r"^```derivation$", md.read_text("utf-8"), re.MULTILINE))
        for md in DOCS.glob("*.md")
    )
    assert fences == top_level
    # each source is a derivation fence's body of the docs, word for word
    bodies = set()
    for md in DOCS.glob("*.md"):
        bodies.update(re.findall(r"```derivation\n(.*?)\n```", md.read_text("utf-8"), re.DOTALL))
    assert {entry["source"] for entry in sources.values()} <= bodies


def test_the_checker_page_is_left_out_of_the_sitemap(built_site: Path) -> None:
    # Instant navigation keeps the first page's head; out of the sitemap, the checker's page is
    # always loaded whole, with its own policy.
    assert "/check/</loc>" not in (built_site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/logistic-gradient/</loc>" in (built_site / "sitemap.xml").read_text(encoding="utf-8")


def test_other_pages_load_nothing_of_the_checker(built_site: Path) -> None:
    for page in sorted(built_site.rglob("*.html")):
        if page.parent.name == "check":
            continue
        text = page.read_text(encoding="utf-8")
        assert "assets/checker/" not in text, page


# --- In the browser ----------------------------------------------------------------------------


class CheckerPage:
    """The checker's page in a browser tab, with every request it made."""

    def __init__(self, context, base: str) -> None:
        self.context = context
        self.page = context.new_page()
        self.base = base
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.errors.append(f"dialog: {d.message}"), d.dismiss()))

    def open(self, fragment: str = "") -> None:
        self.page.goto(self.base + CHECK + fragment)
        self.wait("typeof window.derivnotes === 'object'", 20)

    def wait(self, expression: str, seconds: float = 90) -> object:
        deadline = time.monotonic() + seconds
        while True:
            value = self.page.evaluate(
                f"() => {{ try {{ return {expression}; }} catch (e) {{ return null; }} }}"
            )
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {seconds} s for {expression}")
            self.page.wait_for_timeout(50)

    def check_editor(self, source: str | None = None) -> dict:
        if source is not None:
            self.page.fill("#dn-source", source)
        self.page.evaluate("() => document.querySelector('#dn-result').replaceChildren()")
        self.page.click("#dn-check")
        self.wait("document.querySelector('#dn-result h2, #dn-result .dn-checker-message')")
        return self.result()

    def result(self) -> dict:
        return self.page.evaluate(
            """() => ({
              heading: (document.querySelector('#dn-result h2') || {}).textContent || '',
              marks: [...document.querySelectorAll('#dn-result [data-step] [data-status]')]
                       .map(e => e.dataset.status),
              text: document.querySelector('#dn-result').innerText,
            })"""
        )


@pytest.fixture(scope="module")
def checker(browser, site_server):
    context = browser.new_context()
    page = CheckerPage(context, site_server)
    page.open()
    yield page
    context.close()


def test_nothing_of_the_checker_loads_before_the_reader_asks(browser, site_server) -> None:
    context = browser.new_context()
    page = CheckerPage(context, site_server)
    page.open()
    page.page.wait_for_timeout(1000)
    loaded = [u for u in page.requests if "/assets/checker/" in u and "check-page." not in u]
    assert loaded == []
    context.close()


def test_the_friendly_example_is_proved_and_a_wrong_step_refuted(checker) -> None:
    first = checker.check_editor()
    assert first["heading"] == "Every step holds", first["text"][:500]
    assert first["marks"] == FRIENDLY_MARKS
    wrong = checker.page.input_value("#dn-source").replace(
        r"= \frac{e^{-z}}{(1 + e^{-z})^2}", r"= \frac{e^{-z}}{1 + e^{-z}}"
    )
    second = checker.check_editor(wrong)
    assert second["heading"] == "A step is wrong"
    assert second["marks"][:2] == ["start", "refuted"]
    assert "At z = " in second["text"]  # the counterexample, in the "How this was checked"
    assert checker.errors == []


def test_a_malformed_block_is_named_at_its_line(checker) -> None:
    result = checker.check_editor(
        "id: broken\nsymbols:\n  x: real\nchains:\n  - name: c\n    steps: ["
    )
    assert result["heading"] == "The checker could not read everything"
    assert "your derivation:6" in result["text"]


def test_the_forum_display_is_read_and_its_wrong_step_named(checker) -> None:
    checker.page.evaluate("() => document.querySelector('#dn-result').replaceChildren()")
    checker.page.click("#dn-paste-form button[type=submit]")
    checker.wait("document.querySelector('#dn-result h2')")
    result = checker.result()
    assert result["marks"] == ["start", "proved", "refuted", "proved"], result["text"][:600]
    assert "Step 3 is wrong" in result["text"]  # its counterexample, under the steps
    names = checker.page.evaluate(
        "() => [...document.querySelectorAll('#dn-names input')].map(i => [i.name, i.value])"
    )
    assert ["y", "{0, 1}"] in names and ["f", "= sigma(w*x + b)"] in names


def test_a_name_that_cannot_be_guessed_is_asked_for(checker) -> None:
    checker.page.fill("#dn-display", r"g^2 - 1 &= (g - 1)(g + 1) \\ &= g^2 + 1")
    checker.page.evaluate("() => document.querySelector('#dn-result').replaceChildren()")
    checker.page.click("#dn-paste-form button[type=submit]")
    checker.wait("document.querySelector('#dn-names input[name=g]')")
    assert checker.page.input_value("#dn-names input[name=g]") == ""
    checker.page.fill("#dn-names input[name=g]", "real")
    checker.page.click("#dn-paste-form button[type=submit]")
    checker.wait("document.querySelector('#dn-result h2')")
    assert checker.result()["marks"] == ["start", "proved", "refuted"]  # one step per "="


def _cli_json(path: Path) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "derivnotes",
            "check",
            "--json",
            "--no-cache",
            str(path.relative_to(ROOT)),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return json.loads(done.stdout)


def test_every_block_of_the_site_gets_the_cli_answer_in_the_browser(checker) -> None:
    pages = [p for p in sorted(DOCS.glob("*.md")) if "```derivation" in p.read_text("utf-8")]
    assert len(pages) >= 8
    for path in pages:
        name = str(path.relative_to(ROOT))
        expected = _cli_json(path)
        got = checker.page.evaluate(
            "([source, name]) => window.derivnotes.check(source, name)",
            [path.read_text(encoding="utf-8"), name],
        )
        assert got == expected, f"{name}: the browser and the CLI disagree"


HOSTILE = r"""id: x<script>window.pwned=1</script>
symbols:
  x: real
chains:
  - name: c<img src=x onerror="window.pwned=2">
    steps:
      - tex: x + x <img src=y onerror="window.pwned=3">
        expr: x + x
      - tex: = 2x \href{javascript:window.pwned=4}{x}
        expr: 2*x
        why: '[click](javascript:window.pwned=5) <script>window.pwned=6</script>
          <a href="javascript:window.pwned=7">a</a> $\href{javascript:window.pwned=8}{y}$'
"""


def test_hostile_input_is_shown_as_text_and_never_runs(checker) -> None:
    for source in (HOSTILE, HOSTILE.replace("expr: 2*x", "expr: 3*x"), "```derivation\n" + HOSTILE):
        checker.check_editor(source)
        checker.page.wait_for_timeout(300)  # MathJax, images: anything that would run, runs
        found = checker.page.evaluate(
            """() => {
              const out = document.querySelector('#dn-result');
              return {
                pwned: window.pwned || 0,
                scripts: out.querySelectorAll('script, img, iframe, object, embed').length,
                handlers: [...out.querySelectorAll('*')].filter(e =>
                  [...e.attributes].some(a => a.name.startsWith('on'))).length,
                hrefs: [...out.querySelectorAll('[href]')].map(e => e.getAttribute('href'))
                          .filter(h => !h.startsWith('#')),
              };
            }"""
        )
        assert found == {"pwned": 0, "scripts": 0, "handlers": 0, "hrefs": []}, found
    assert checker.errors == []


def test_inline_script_is_refused_by_the_page_policy(checker) -> None:
    checker.page.evaluate(
        """() => { const s = document.createElement('script');
                   s.textContent = 'window.inlineRan = 1'; document.body.append(s); }"""
    )
    assert checker.page.evaluate("() => window.inlineRan || 0") == 0


def test_a_check_too_long_is_stopped_and_the_page_stays_usable(checker) -> None:
    limit = "document.querySelector('[data-dn-checker]').dataset.dnTimeLimit"
    checker.check_editor(SMALL)  # the checker loaded: the limit counts the check alone
    checker.page.evaluate(f"() => {{ {limit} = '0.001'; }}")
    try:
        # a check of some tenths of a second, so that the 1 ms limit passes first
        stopped = checker.check_editor(HEAVIER)
    finally:
        checker.page.evaluate(f"() => {{ delete {limit}; }}")
    assert "took longer than" in stopped["text"]
    again = checker.check_editor(SMALL)
    assert again["marks"] == ["start", "proved"]
    too_big = checker.check_editor("x" * 50_000)
    assert "at most 40,000" in too_big["text"]


def test_no_request_leaves_the_site(checker) -> None:
    origin = urlsplit(checker.base).netloc
    foreign = [
        u
        for u in checker.requests
        if urlsplit(u).scheme not in ("data", "blob") and urlsplit(u).netloc != origin
    ]
    assert foreign == []


def test_checks_go_on_offline_once_loaded(checker) -> None:
    assert checker.check_editor(SMALL)["marks"] == ["start", "proved"]  # loaded
    checker.context.set_offline(True)
    try:
        result = checker.check_editor(SMALL.replace("off", "offline"))
    finally:
        checker.context.set_offline(False)
    assert result["marks"] == ["start", "proved"]


def test_the_page_answers_the_reader_while_the_checker_loads(browser, site_server) -> None:
    context = browser.new_context()
    page = CheckerPage(context, site_server)
    page.open()
    page.page.click("#dn-check")
    # While Pyodide loads (the first answer takes seconds), typing still reaches the editor and
    # the page's own frames keep coming.
    delays = []
    for letter in "abc":
        started = time.monotonic()
        page.page.focus("#dn-source")
        page.page.keyboard.type(letter)
        delays.append(time.monotonic() - started)
    gap = page.page.evaluate(
        """() => new Promise(done => { let last = performance.now(), worst = 0, n = 0;
             const tick = now => { worst = Math.max(worst, now - last); last = now;
               if (++n < 30) requestAnimationFrame(tick); else done(worst); };
             requestAnimationFrame(tick); })"""
    )
    assert not page.page.query_selector("#dn-result h2"), "the check finished before the test"
    assert max(delays) < 1.0 and gap < 500, (delays, gap)
    page.wait("document.querySelector('#dn-result h2, #dn-result .dn-checker-message')")
    context.close()


def test_edit_and_check_opens_the_block_and_checks_it(browser, site_server) -> None:
    context = browser.new_context()
    page = CheckerPage(context, site_server)
    page.page.goto(site_server + "common-mistakes/")
    link = page.page.query_selector(
        '[data-derivation="mistake-uncancelled"] ~ * a[data-dn-edit], '
        '[data-derivation="mistake-uncancelled"] a[data-dn-edit]'
    )
    assert link is not None
    link.click()
    page.wait("location.pathname.endsWith('/check/') && typeof window.derivnotes === 'object'", 20)
    page.wait("document.querySelector('#dn-result h2')")
    assert "id: mistake-uncancelled" in page.page.input_value("#dn-source")
    result = page.result()
    assert result["marks"][-1] == "wrong"  # the intended mistake, refuted as intended
    context.close()


DEEP = (
    "id: d\nsymbols:\n  x: real\nchains:\n  - name: c\n    steps:\n      - expr: x\n"
    "      - expr: x\n        tex: '= " + r"\sin{\left(" * 160 + "x" + r"\right)}" * 160 + "'\n"
)


def test_a_formula_nested_too_deep_is_shown_as_tex_and_the_tab_survives(checker) -> None:
    result = checker.check_editor(DEEP)
    assert result["heading"], result
    assert checker.page.evaluate(
        "() => document.querySelectorAll('#dn-result .dn-untypeset').length"
    )
    assert checker.check_editor(SMALL)["marks"] == ["start", "proved"]  # still answering


def test_moving_through_the_examples_does_not_replace_the_editor(checker) -> None:
    checker.page.fill("#dn-source", "MY OWN WORK")
    checker.page.focus("#dn-example")
    checker.page.keyboard.press("ArrowDown")
    checker.page.keyboard.press("ArrowDown")
    assert checker.page.input_value("#dn-source") == "MY OWN WORK"
    checker.page.click("#dn-load")
    checker.wait("document.querySelector('#dn-source').value.startsWith('id: ')", 20)


def test_a_new_display_drops_the_names_of_the_one_before(checker) -> None:
    checker.page.fill("#dn-display", r"J = \frac{1}{m}\sum_{i=1}^m (g_i - k_i)^2")
    checker.page.click("#dn-paste-form button[type=submit]")
    checker.wait("document.querySelectorAll('#dn-names input').length > 0")
    checker.page.fill("#dn-display", r"\frac{d}{dz} z^2 = 2z")
    checker.page.evaluate("() => document.querySelector('#dn-result').replaceChildren()")
    checker.page.click("#dn-paste-form button[type=submit]")
    checker.wait("document.querySelector('#dn-result h2')")
    names = checker.page.evaluate(
        "() => [...document.querySelectorAll('#dn-names input')].map(i => i.name)"
    )
    assert names == ["z"]
    assert checker.result()["marks"] == ["start", "proved"]


@pytest.mark.parametrize("key", ["__proto__", "constructor", "0000000000000000dead"])
def test_an_unknown_block_in_the_address_is_said_so(browser, site_server, key) -> None:
    context = browser.new_context()
    page = CheckerPage(context, site_server)
    page.open(f"?block={key}")
    page.wait("document.querySelector('#dn-status').textContent.length > 0", 20)
    assert "not on this site" in page.page.text_content("#dn-status")
    assert page.page.input_value("#dn-source").startswith("id: my-sigmoid-derivative")
    assert page.errors == []
    context.close()
