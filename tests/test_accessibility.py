"""axe-core in Debian's Chromium: no serious or critical violation on any page, light or dark.

axe-core comes from npm (package.json, installed by `make setup`) and is injected into each
built page; the site follows the reader's system colour scheme, so every page is checked with
`prefers-color-scheme: light` and with `prefers-color-scheme: dark` on a desktop-sized window,
and in light mode on a phone-sized one too (where displays and tables scroll sideways).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, page_urls

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
SCHEMES = {"light": "default", "dark": "slate"}  # prefers-color-scheme -> Material's scheme
# (prefers-color-scheme, window size): both schemes on a desktop, light on a phone.
VIEWS = {
    "light": ("light", {"width": 1280, "height": 800}),
    "dark": ("dark", {"width": 1280, "height": 800}),
    "light-phone": ("light", {"width": 360, "height": 740}),
}

# Wait until the page is as a reader sees it: the palette applied, fonts loaded and, should the
# fallback MathJax have loaded (it should not on this site's own build), its typesetting done.
SETTLE_JS = """
async (scheme) => {
  const deadline = Date.now() + 10000;
  while (document.body.getAttribute('data-md-color-scheme') !== scheme) {
    if (Date.now() > deadline) return document.body.getAttribute('data-md-color-scheme');
    await new Promise(r => setTimeout(r, 50));
  }
  await document.fonts.ready;
  const mj = window.MathJax;
  if (mj && mj.startup && mj.startup.promise) await mj.startup.promise;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return scheme;
}
"""

RUN_AXE_JS = """
async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return {
    version: axe.version,
    violations: results.violations.map(v => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      targets: v.nodes.map(n => n.target.join(' ')),
      summaries: v.nodes.map(n => n.failureSummary || ''),
    })),
  };
}
"""


def axe_path() -> Path:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE.relative_to(ROOT)} is missing: run `make setup` (it runs `npm ci`, which "
            "installs axe-core from package.json)."
        )
    return AXE


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = v["targets"]
        shown = ", ".join(targets[:4]) + (f", … (+{len(targets) - 4})" if len(targets) > 4 else "")
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']} ({len(targets)} nodes: {shown})")
        if v["summaries"] and v["summaries"][0]:
            first = " ".join(v["summaries"][0].split())[:300]
            lines.append(f"      e.g. {first}")
    return "\n".join(lines)


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("url", [*page_urls(), "404.html"])
def test_no_serious_or_critical_axe_violations(
    browser, site_server: str, url: str, view: str
) -> None:
    axe = axe_path()
    color_scheme, viewport = VIEWS[view]
    # axe is injected as an inline script, which the checker's page forbids (its policy is
    # tested in test_check_page.py): the test's context bypasses page policies.
    context = browser.new_context(color_scheme=color_scheme, viewport=viewport, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(site_server + url, wait_until="load")
        scheme = page.evaluate(SETTLE_JS, SCHEMES[color_scheme])
        assert scheme == SCHEMES[color_scheme], (
            f"/{url}: prefers-color-scheme {color_scheme} gave Material's scheme {scheme!r}"
        )
        page.add_script_tag(path=str(axe))
        result = page.evaluate(RUN_AXE_JS)
    finally:
        context.close()
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], (
        f"/{url} ({view}): axe-core {result['version']} found "
        f"{len(blocking)} serious or critical violation(s):\n{describe(blocking)}"
    )


@pytest.mark.parametrize("view", list(VIEWS))
def test_the_checkers_results_are_accessible(browser, site_server: str, view: str) -> None:
    """ "Check your derivation" after a check of the forum's display: the names asked for, the
    marks, the counterexample and the checker's message, in both schemes and on a phone."""
    axe = axe_path()
    color_scheme, viewport = VIEWS[view]
    context = browser.new_context(color_scheme=color_scheme, viewport=viewport, bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(site_server + "check/", wait_until="load")
        page.evaluate(SETTLE_JS, SCHEMES[color_scheme])
        page.click("#dn-paste-form button")
        page.wait_for_function(
            "() => document.querySelector('#dn-result h2') && window.MathJax && "
            "document.querySelector('#dn-result mjx-container')",
            timeout=120_000,
        )
        page.evaluate(SETTLE_JS, SCHEMES[color_scheme])
        page.add_script_tag(path=str(axe))
        result = page.evaluate(RUN_AXE_JS)
    finally:
        context.close()
    blocking = [v for v in result["violations"] if v["impact"] in BLOCKING_IMPACTS]
    assert blocking == [], f"check/ with results ({view}):\n{describe(blocking)}"


@pytest.mark.parametrize(
    ("partial", "added"),
    [
        ("search.html", " aria-label=\"{{ lang.t('search') }}\""),
        ("progress.html", ' aria-label="Loading page"'),
    ],
)
def test_overridden_partials_differ_from_materials_only_by_their_label(
    partial: str, added: str
) -> None:
    """overrides/partials/ copy Material's partials to name an ARIA dialog and progress bar:
    after a Material upgrade, this fails until the copies are refreshed from the new version."""
    import material

    upstream = Path(material.__file__).parent / "templates" / "partials" / partial
    ours = ROOT / "overrides" / "partials" / partial

    def body(path: Path) -> str:
        return path.read_text(encoding="utf-8").split("-#}\n", 1)[1]

    assert added in body(ours), f"overrides/partials/{partial} lost its {added.strip()}"
    assert body(ours).replace(added, "", 1) == body(upstream), (
        f"Material's partials/{partial} changed: copy it again into overrides/partials/ and "
        f"add {added.strip()}"
    )
