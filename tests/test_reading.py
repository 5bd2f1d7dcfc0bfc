"""Every page readable on a phone and a desktop, in a real browser (issue: readers first).

At 360, 412 and 1280 px: no page scrolls sideways; every step's status mark and reason lie
inside the viewport and are not covered by anything (a formula too wide for the screen scrolls
in its own cell, never taking its mark and reason with it); at 360 px no figure's text is set
smaller than 11 CSS px. The HTML contract of a rendered derivation holds on every block.
"""

from __future__ import annotations

import pytest

from conftest import page_urls

WIDTHS = (360, 412, 1280)
SMALLEST_FIGURE_TEXT = 11  # CSS px, at a 360 px viewport

STEPS_JS = r"""
() => {
  const problems = [];
  // a reader opens the folded answers of the exercises: their steps must fit too
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const width = document.documentElement.clientWidth;
  const over = document.documentElement.scrollWidth - width;
  if (over > 0) problems.push(`the page scrolls sideways by ${over}px`);
  for (const step of document.querySelectorAll('[data-step]')) {
    const block = step.closest('[data-derivation]');
    const where = `${block ? block.dataset.derivation : '?'} step ${step.dataset.step}`;
    const parts = [...step.querySelectorAll('[data-status], [data-why]')]
      .filter(el => el.textContent.trim());
    for (const el of parts) {
      el.scrollIntoView({block: 'center', inline: 'nearest'});
      const r = el.getBoundingClientRect();
      const what = el.hasAttribute('data-why') ? 'reason' : 'mark';
      if (r.width === 0 || r.height === 0) {
        problems.push(`${where}: ${what} not shown`);
        continue;
      }
      if (r.left < -0.5 || r.right > width + 0.5) {
        const span = `${Math.round(r.left)}..${Math.round(r.right)}`;
        problems.push(`${where}: ${what} outside the screen (${span} of ${width})`);
        continue;
      }
      // not covered: the element (or a descendant) is what is at a few points of its box
      const rects = [...el.getClientRects()];
      for (const box of rects.slice(0, 3)) {
        const x = Math.min(box.left + 4, box.right - 1), y = (box.top + box.bottom) / 2;
        const hit = document.elementFromPoint(x, y);
        if (!hit || !(el === hit || el.contains(hit))) {
          const by = hit ? hit.tagName + '.' + hit.className : 'nothing';
          problems.push(`${where}: ${what} covered by ${by}`);
          break;
        }
      }
    }
  }
  return problems;
}
"""

FIGURE_TEXT_JS = r"""
() => {
  const small = [];
  for (const text of document.querySelectorAll('figure svg text')) {
    const box = text.getBoundingClientRect();
    if (!box.width) continue;
    const m = text.getScreenCTM();  // rotated text (an axis label) scales by the same factor
    const size = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    const label = text.textContent.trim().slice(0, 30);
    if (size < SMALLEST - 0.05) small.push(`${label}: ${size.toFixed(1)}px`);
  }
  return small;
}
""".replace("SMALLEST", str(SMALLEST_FIGURE_TEXT))

CONTRACT_JS = r"""
() => {
  const problems = [];
  for (const block of document.querySelectorAll('.dn-derivation')) {
    if (!block.dataset.derivation) problems.push(`${block.id}: no data-derivation`);
    const steps = block.querySelectorAll('[data-step]');
    if (!steps.length) problems.push(`${block.id}: no [data-step]`);
    for (const step of steps) {
      const marks = step.querySelectorAll('[data-status]');
      const at = `${block.id} step ${step.dataset.step}`;
      if (marks.length !== 1) problems.push(`${at}: ${marks.length} marks`);
      const status = marks.length ? marks[0].dataset.status : '';
      if (!['start', 'proved', 'numeric', 'wrong'].includes(status))
        problems.push(`${block.id} step ${step.dataset.step}: status ${status}`);
      const shown = step.querySelector('.dn-num');
      if (!shown || shown.textContent.trim() !== step.dataset.step)
        problems.push(`${block.id} step ${step.dataset.step}: the number shown differs`);
    }
  }
  return problems;
}
"""


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def reader(request, browser, site_server):
    context = browser.new_context(viewport={"width": request.param, "height": 800})
    page = context.new_page()
    yield request.param, page, site_server
    context.close()


@pytest.mark.parametrize("url", page_urls())
def test_marks_and_reasons_stay_on_screen_and_nothing_scrolls_sideways(reader, url: str) -> None:
    width, page, base = reader
    for scheme in ("default", "slate"):
        page.goto(base + url, wait_until="load")
        page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        problems = page.evaluate(STEPS_JS)
        assert problems == [], f"/{url} at {width}px ({scheme}): " + "; ".join(problems[:8])
    if width == 360:
        small = page.evaluate(FIGURE_TEXT_JS)
        assert small == [], f"/{url}: figure text under {SMALLEST_FIGURE_TEXT}px: {small[:6]}"
    if width == 1280:
        assert page.evaluate(CONTRACT_JS) == []
