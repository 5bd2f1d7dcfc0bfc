// Typeset TeX at build time with MathJax 3 (npm mathjax-full), for derivnotes.site.typeset.
// `node typeset.cjs mathml` writes MathML Core (see mathml.cjs); `node typeset.cjs` (or `chtml`)
// writes MathJax's CHTML with assistive MathML.
// Protocol: one JSON object per input line, one per output line.
//   {"id": 1, "tex": "x^2", "display": false}  ->  {"id": 1, "html": "<mjx-container ...>"}
//                                              or {"id": 1, "error": "TeX error message"}
//                                                  (also "usage": what its CSS needs, below)
//   {"css": true, "usage": {...}}              ->  {"css": "... stylesheet for that usage"}
// A formula's "usage" lists the MathJax wrapper kinds, characters and stretchy delimiters it
// uses: the stylesheet of a set of formulas is that of the union of their usages, so the
// caller can ask for it without typesetting cached formulas again.
// The stylesheet's font URLs are relative to a CSS file placed in assets/derivnotes/.
"use strict";
const readline = require("readline");
const { mathjax } = require("mathjax-full/js/mathjax.js");
const { TeX } = require("mathjax-full/js/input/tex.js");
const { CHTML } = require("mathjax-full/js/output/chtml.js");
const { liteAdaptor } = require("mathjax-full/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("mathjax-full/js/handlers/html.js");
const { Usage } = require("mathjax-full/js/output/chtml/Usage.js");
const { AssistiveMmlHandler } = require("mathjax-full/js/a11y/assistive-mml.js");
const { AllPackages } = require("mathjax-full/js/input/tex/AllPackages.js");
const { STATE } = require("mathjax-full/js/core/MathItem.js");
const { toMathML } = require("./mathml.cjs");

const MATHML = process.argv[2] === "mathml";

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
const packages = AllPackages.filter((name) => name !== "noundefined" && name !== "autoload");
let lastError = null;
const tex = new TeX({
  packages,
  formatError(jax, err) {
    lastError = err.message;
    return jax.formatError(err);
  },
});
const chtml = new CHTML({
  fontURL: "../vendor/mathjax/output/chtml/fonts/woff-v2",
  adaptiveCSS: true,
});
const html = mathjax.document("", { InputJax: tex, OutputJax: chtml });

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

// Fresh usage records around one conversion: what that formula alone needs.
function recordUsage() {
  chtml.wrapperUsage = new Usage();
  chtml.font.charUsage = new Usage();
  chtml.font.delimUsage = new Usage();
}
const usageOf = () => ({
  wrappers: [...chtml.wrapperUsage.used].map((item) => JSON.parse(item)),
  chars: [...chtml.font.charUsage.used].map((item) => JSON.parse(item)),
  delims: [...chtml.font.delimUsage.used].map((item) => JSON.parse(item)),
});

function styleSheetFor(usage) {
  chtml.clearCache();
  recordUsage();
  for (const kind of usage.wrappers || []) chtml.wrapperUsage.add(kind);
  for (const item of usage.chars || []) chtml.font.charUsage.add(item);
  for (const n of usage.delims || []) chtml.font.delimUsage.add(n);
  return adaptor.textContent(chtml.styleSheet(html));
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  if (request.css) {
    out({ css: styleSheetFor(request.usage || {}) });
    return;
  }
  lastError = null;
  try {
    recordUsage();
    if (MATHML) {
      // The same TeX input jax (same packages, same errors), stopped before any output jax.
      const tree = html.convert(request.tex, { display: request.display, end: STATE.CONVERT });
      if (lastError) out({ id: request.id, error: lastError });
      else out({ id: request.id, html: toMathML(tree, request.display), usage: {} });
      return;
    }
    const node = html.convert(request.tex, { display: request.display, em: 16, ex: 8, containerWidth: 1280 });
    if (lastError) out({ id: request.id, error: lastError });
    else out({ id: request.id, html: adaptor.outerHTML(node), usage: usageOf() });
  } catch (err) {
    out({ id: request.id, error: String(err && err.message ? err.message : err) });
  }
});
