// A display, table or notebook cell wider than the screen scrolls sideways: while it does, it
// takes keyboard focus (tabindex="0"), so it can be scrolled without a mouse (axe-core's
// scrollable-region-focusable), as Material does for its own code blocks.
//
// Each candidate and its first child are watched with a ResizeObserver, whose callbacks run
// right after the browser's own layout: reading their sizes there forces no extra layout, and
// they run again whenever the box or its content changes size (window resized, a font loaded).
// Re-done on every page of instant navigation. Loaded with `defer`, after Material's bundle
// (which defines document$).
(function () {
  "use strict";
  // (Displays typeset at build time are focusable already: tabindex="0".)
  var SCROLLERS = ".md-typeset div.arithmatex:not([tabindex]), .md-typeset .md-typeset__scrollwrap, " +
                  ".md-typeset .dn-lhs, .md-typeset .dn-rhs, .md-typeset .dn-figure-scroll, " +
                  ".md-typeset .dn-how-start, " +
                  ".md-typeset .highlight-ipynb, .md-typeset .jp-OutputArea-output";
  if (!("ResizeObserver" in window)) return;

  // Reads first, then writes: a write between two reads would make the browser recompute the
  // page's style for the second read.
  // Only along an axis that can scroll: a formula whose glyphs reach above a cell that hides
  // its vertical overflow does not make the cell scroll.
  function scrolls(el) {
    var style = getComputedStyle(el);
    var across = /auto|scroll/.test(style.overflowX) && el.scrollWidth > el.clientWidth + 1;
    var down = /auto|scroll/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
    return across || down;
  }

  function update(elements) {
    var results = elements.map(scrolls);
    elements.forEach(function (el, i) {
      if (results[i] && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-dn-scrollable", "");
      } else if (!results[i] && el.hasAttribute("data-dn-scrollable")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-dn-scrollable");
      }
    });
  }

  var candidateOf = new WeakMap();
  var observer = new ResizeObserver(function (entries) {
    var seen = new Set();
    entries.forEach(function (entry) {
      var el = candidateOf.get(entry.target);
      if (el) seen.add(el);
    });
    update(Array.from(seen));
  });

  var watched = new Set();

  function watch(el) {
    watched.add(el);
    candidateOf.set(el, el);
    observer.observe(el);
    if (el.firstElementChild) {
      candidateOf.set(el.firstElementChild, el);
      observer.observe(el.firstElementChild);
    }
  }

  function unwatch(el) {
    watched.delete(el);
    observer.unobserve(el);
    if (el.firstElementChild) observer.unobserve(el.firstElementChild);
  }

  // Displays below the fold are not laid out until they come near the viewport
  // (content-visibility: auto in derivnotes.css); measuring one would lay it out. They are
  // watched only while the browser renders them.
  var lazy = "oncontentvisibilityautostatechange" in document.documentElement;
  document.addEventListener("contentvisibilityautostatechange", function (event) {
    var el = event.target;
    if (!el.matches || !el.matches(SCROLLERS)) return;
    if (event.skipped) unwatch(el);
    else watch(el);
  }, true);

  // Whether the browser skips laying out el's content for now.
  function skipped(el) {
    if (!lazy || getComputedStyle(el).contentVisibility !== "auto") return false;
    var child = el.firstElementChild;
    return !child || !child.checkVisibility || !child.checkVisibility({ contentVisibilityAuto: true });
  }

  // A web font that arrives (the math font) changes how wide a formula is without resizing its
  // cell or the inline math in it, which is all the observer sees: measure again then.
  function remeasure() {
    update(Array.from(watched).filter(function (el) { return el.isConnected; }));
  }
  if (document.fonts && document.fonts.addEventListener) {
    document.fonts.addEventListener("loadingdone", remeasure);
  }

  function page() {
    observer.disconnect();
    watched.clear();
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      if (!skipped(el)) watch(el);
    });
  }


  // Content a page's script adds later ("Check your derivation" shows its results so) is
  // announced with a "derivnotes:content" event on the added element.
  document.addEventListener("derivnotes:content", function (event) {
    event.target.querySelectorAll(SCROLLERS).forEach(watch);
  });

  if (window.document$) window.document$.subscribe(page);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", page);
  else page();
})();
