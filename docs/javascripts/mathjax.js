// Math on this site is typeset while it builds (the derivnotes plugin runs MathJax in Node), so
// pages arrive with finished math and no typesetting script. This loader is the fallback for
// math the build did not typeset — a build without the derivnotes plugin (e.g. Zensical, which
// skips MkDocs plugins): only then does it load MathJax 3, served by the site itself from
// assets/vendor/mathjax (copied from the npm package by `make setup`), never from a CDN.
(function () {
  const script = document.currentScript;
  const mathjaxUrl = new URL("../assets/vendor/mathjax/tex-chtml.js", script.src).href;

  const untypeset = () =>
    [...document.querySelectorAll(".arithmatex")].some((el) => !el.querySelector("mjx-container"));

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
    if (!untypeset()) return;
    const mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) {
      mj.startup.promise = mj.startup.promise.then(() => {
        mj.startup.output.clearCache();
        mj.typesetClear();
        mj.texReset();
        return mj.typesetPromise();
      });
      return;
    }
    if (document.querySelector("script[data-derivnotes-mathjax]")) return;
    configure(); // MathJax typesets the page itself once loaded
    const tag = document.createElement("script");
    tag.src = mathjaxUrl;
    tag.async = true;
    tag.dataset.derivnotesMathjax = "";
    document.head.appendChild(tag);
  });
})();
