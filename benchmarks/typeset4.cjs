// Typeset TeX with MathJax 4 (npm @mathjax/src, font @mathjax/mathjax-newcm-font), for
// benchmarks/math_output.py: the same line protocol as src/derivnotes/site/typeset.cjs, which
// typesets the site with MathJax 3.
//   {"id": 1, "tex": "x^2", "display": false}  ->  {"id": 1, "html": "<mjx-container ...>"}
//                                              or {"id": 1, "error": "TeX error message"}
//   {"css": true}                              ->  {"css": "... stylesheet"}
// The stylesheet is that of every formula typeset so far by this process (adaptive CSS): ask
// for it once, after the last formula. Its font URLs are FONT_URL (first argument, default
// "../assets/mathjax4"), where the caller copies the woff2 files that it names.
//
// MathJax 4's font is split into ranges whose data is loaded when a character needs it; here
// that is a require() (util/asyncLoad/node.js), and convertPromise() retries the formula after
// the load (the synchronous convert() would throw "MathJax retry").
"use strict";
const readline = require("readline");
const { mathjax } = require("@mathjax/src/js/mathjax.js");
require("@mathjax/src/js/util/asyncLoad/node.js");
const { TeX } = require("@mathjax/src/js/input/tex.js");
const { CHTML } = require("@mathjax/src/js/output/chtml.js");
const { liteAdaptor } = require("@mathjax/src/js/adaptors/liteAdaptor.js");
const { RegisterHTMLHandler } = require("@mathjax/src/js/handlers/html.js");
const { AssistiveMmlHandler } = require("@mathjax/src/js/a11y/assistive-mml.js");

// The packages of MathJax 3's AllPackages that the site's typeset.cjs loads (all but autoload
// and noundefined); MathJax 4 has no AllPackages module, so each registers itself on import.
const PACKAGES = {
  base: "base/BaseConfiguration",
  action: "action/ActionConfiguration",
  ams: "ams/AmsConfiguration",
  amscd: "amscd/AmsCdConfiguration",
  bbox: "bbox/BboxConfiguration",
  boldsymbol: "boldsymbol/BoldsymbolConfiguration",
  braket: "braket/BraketConfiguration",
  bussproofs: "bussproofs/BussproofsConfiguration",
  cancel: "cancel/CancelConfiguration",
  cases: "cases/CasesConfiguration",
  centernot: "centernot/CenternotConfiguration",
  color: "color/ColorConfiguration",
  colortbl: "colortbl/ColortblConfiguration",
  empheq: "empheq/EmpheqConfiguration",
  enclose: "enclose/EncloseConfiguration",
  extpfeil: "extpfeil/ExtpfeilConfiguration",
  gensymb: "gensymb/GensymbConfiguration",
  html: "html/HtmlConfiguration",
  mathtools: "mathtools/MathtoolsConfiguration",
  mhchem: "mhchem/MhchemConfiguration",
  newcommand: "newcommand/NewcommandConfiguration",
  noerrors: "noerrors/NoErrorsConfiguration",
  upgreek: "upgreek/UpgreekConfiguration",
  unicode: "unicode/UnicodeConfiguration",
  verb: "verb/VerbConfiguration",
  configmacros: "configmacros/ConfigMacrosConfiguration",
  tagformat: "tagformat/TagFormatConfiguration",
  textcomp: "textcomp/TextcompConfiguration",
  textmacros: "textmacros/TextMacrosConfiguration",
};
for (const file of Object.values(PACKAGES)) require(`@mathjax/src/js/input/tex/${file}.js`);

const adaptor = liteAdaptor();
AssistiveMmlHandler(RegisterHTMLHandler(adaptor));
let lastError = null;
const tex = new TeX({
  packages: Object.keys(PACKAGES),
  formatError(jax, err) {
    lastError = err.message;
    return jax.formatError(err);
  },
});
const chtml = new CHTML({ fontURL: process.argv[2] || "../assets/mathjax4", adaptiveCSS: true });
const html = mathjax.document("", { InputJax: tex, OutputJax: chtml });

const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

async function answer(request) {
  if (request.css) {
    out({ css: adaptor.cssText(chtml.styleSheet(html)) });
    return;
  }
  lastError = null;
  try {
    const node = await html.convertPromise(request.tex, {
      display: request.display,
      em: 16,
      ex: 8,
      containerWidth: 1280,
    });
    if (lastError) out({ id: request.id, error: lastError });
    else out({ id: request.id, html: adaptor.outerHTML(node) });
  } catch (err) {
    out({ id: request.id, error: String(err && err.message ? err.message : err) });
  }
}

// One request at a time, in order: a conversion may wait for a font range's data.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  queue = queue.then(() => answer(request));
});
