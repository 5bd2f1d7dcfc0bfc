"""Each page paints from the CSS rules it carries inline (derivnotes.site.critical): what a
reader sees must be what the full style sheets give, to the pixel."""

from __future__ import annotations

import io

import pytest

PAGES = ["", "logistic-gradient/", "common-mistakes/", "notebooks/gradient-descent/", "check/"]
VIEWS = {"phone-light": (360, "light"), "desktop-dark": (1280, "dark")}

APPLY_FULL_SHEETS = """async () => {
  const links = [...document.querySelectorAll('link[data-dn-deferred]')];
  links.forEach(l => { l.media = 'all'; });
  await Promise.all(links.map(l => l.sheet ? null : new Promise(r => l.addEventListener('load', r))));
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  return links.length;
}"""


def _pixels(png: bytes):
    from PIL import Image

    return Image.open(io.BytesIO(png)).convert("RGB")


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("url", PAGES)
def test_the_inline_rules_paint_what_the_full_sheets_paint(browser, site_server, url, view):
    from PIL import ImageChops

    width, scheme = VIEWS[view]
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    try:
        page = context.new_page()
        page.goto(site_server + url, wait_until="load")
        page.wait_for_timeout(300)
        assert page.evaluate("() => !!document.querySelector('style[data-dn-critical]')")
        first = _pixels(page.screenshot())
        assert page.evaluate(APPLY_FULL_SHEETS) >= 3
        page.wait_for_timeout(300)
        full = _pixels(page.screenshot())
    finally:
        context.close()
    box = ImageChops.difference(first, full).getbbox()
    assert box is None, f"/{url} ({view}): the first paint differs from the full sheets in {box}"


def test_search_results_are_styled_without_the_full_sheets(browser, site_server) -> None:
    """What the theme adds later (here, search results) is covered by the inline rules."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server + "logistic-gradient/", wait_until="load")
        page.click("label[for=__search]")
        page.keyboard.type("sigmoid")
        page.wait_for_selector(".md-search-result__item", timeout=20_000)
        page.wait_for_timeout(300)
        assert page.evaluate(
            "() => [...document.querySelectorAll('link[data-dn-deferred]')]"
            ".every(l => l.media === 'print')"
        ), "the full sheets were applied on the first page"
        styles = page.evaluate(
            """() => { const a = document.querySelector('.md-search-result__link');
                       const s = getComputedStyle(a); return [s.display, s.textDecorationLine]; }"""
        )
        first = _pixels(page.screenshot())
        page.evaluate(APPLY_FULL_SHEETS)
        page.wait_for_timeout(300)
        full = _pixels(page.screenshot())
    finally:
        context.close()
    from PIL import ImageChops

    assert styles[0] == "block"
    assert ImageChops.difference(first, full).getbbox() is None


def test_instant_navigation_applies_the_full_sheets(browser, site_server) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto(site_server, wait_until="load")
        page.click("a[href='logistic-gradient/']")
        page.wait_for_url("**/logistic-gradient/")
        page.wait_for_timeout(500)
        media = page.evaluate(
            "() => [...document.querySelectorAll('link[data-dn-deferred]')].map(l => l.media)"
        )
    finally:
        context.close()
    assert media and set(media) == {"all"}
