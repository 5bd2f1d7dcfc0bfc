// Each page carries, inline, the CSS rules it uses and those for what the theme's scripts add to
// it later, so its first paint waits for no style sheet and it is not restyled afterwards. The
// full sheets are linked with media="print": loaded, not applied. They apply when Material's
// instant navigation shows another page in this document (the inline rules are the first
// page's), and at once on "Check your derivation" (its results come from the checker).
// Without JavaScript, a <noscript> copy of each link applies it.
(function () {
  "use strict";
  function applyAll() {
    document.querySelectorAll("link[data-dn-deferred]").forEach(function (link) {
      link.media = "all";
    });
  }
  if (document.querySelector("[data-dn-checker]")) applyAll();
  var shown = 0;
  if (window.document$) {
    window.document$.subscribe(function () {
      if (shown++ > 0) applyAll();
    });
  }
})();
