// Math on this site is typeset while it builds (the derivnotes plugin turns TeX into MathML,
// which the browser lays out itself), so pages arrive with finished math and no typesetting
// script. This loader is the fallback, for
// - math the build did not typeset — a build without the derivnotes plugin (e.g. Zensical,
//   which skips MkDocs plugins): it loads MathJax 3's TeX input;
// - a browser that does not lay out MathML (Chromium before 109, from 2023): it loads MathJax
//   3's MathML input, which draws the page's MathML.
// MathJax is served by the site itself from assets/vendor/mathjax (copied from the npm package
// by `make setup`), never from a CDN. A current browser on a built page loads nothing.
(function () {
  const script = document.currentScript;
  const vendor = (name) => new URL(`../assets/vendor/mathjax/${name}`, script.src).href;

  const untypeset = () =>
    [...document.querySelectorAll(".arithmatex")].some(
      (el) => !el.querySelector("math, mjx-container"),
    );
  // MathMLElement came with MathML layout (Chromium 109, Firefox, Safari 16.4): a cheap test,
  // which forces no layout of the page.
  const needsMathJaxForMathML = () =>
    !("MathMLElement" in window) && document.querySelector(".arithmatex math") !== null;

  function configure() {
    window.MathJax = {
      tex: {
        inlineMath: [["\\(", "\\)"]],
        displayMath: [["\\[", "\\]"]],
        processEscapes: true,
        processEnvironments: true,
        // An unknown macro must be an error the browser test can see, not red text.
        packages: { "[-]": ["noundefined"] },
      },
      // Only math marked up as such, so a dollar sign or backslash in prose is never math.
      options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" },
    };
  }

  // Material's instant navigation swaps the page body without reloading scripts: check each page.
  document$.subscribe(() => {
    const tex = untypeset();
    if (!tex && !needsMathJaxForMathML()) return;
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise = mj.startup.promise.then(() => {
        mj.startup.output.clearCache();
        mj.typesetClear();
        if (mj.texReset) mj.texReset();
        return mj.typesetPromise();
      });
      return;
    }
    if (document.querySelector("script[data-derivnotes-mathjax]")) return;
    configure(); // MathJax typesets the page itself once loaded
    const tag = document.createElement("script");
    tag.src = vendor(tex ? "tex-chtml.js" : "mml-chtml.js");
    tag.async = true;
    tag.dataset.derivnotesMathjax = "";
    document.head.appendChild(tag);
  });
})();
