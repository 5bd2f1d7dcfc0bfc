// MathJax 3 configuration for pymdownx.arithmatex (generic mode). MathJax itself is served from
// assets/vendor/mathjax (copied from the npm package by `make setup`), never from a CDN.
window.MathJax = {
  tex: {
    // Delimiters written by pymdownx.arithmatex (and by the derivnotes plugin for notebooks).
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
    // An unknown macro must be an error the browser test can see, not red text.
    packages: { "[-]": ["noundefined"] },
  },
  options: {
    ignoreHtmlClass: ".*|",
    // Only math marked up as such, so a dollar sign or backslash in prose is never math.
    processHtmlClass: "arithmatex",
  },
};

// Material's instant navigation swaps the page body without reloading scripts: typeset the new
// content each time. The first page is typeset by MathJax's own startup; doing it again here
// would clear the output cache after that typesetting, and the characters it styled would
// turn invisible.
let derivnotesFirstPage = true;
document$.subscribe(() => {
  if (derivnotesFirstPage) {
    derivnotesFirstPage = false;
    return;
  }
  const mj = window.MathJax;
  if (!mj || !mj.startup || !mj.startup.promise || !mj.typesetPromise) return;
  mj.startup.promise = mj.startup.promise.then(() => {
    mj.startup.output.clearCache();
    mj.typesetClear();
    mj.texReset();
    return mj.typesetPromise();
  });
});
