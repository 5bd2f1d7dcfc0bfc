// MathJax's internal MathML tree -> compact MathML Core, which browsers lay out natively.
// Used by typeset.cjs. MathJax's own serializer writes MathML for MathJax; where MathML Core
// lacks a feature MathJax's MathML relies on, this writes what Core does have instead:
// - mathvariant other than "normal": the letters become Unicode's mathematical alphanumerics
//   (bold w -> U+1D430), as Core asks; what has no such character keeps CSS bold or italic;
// - table attributes (columnalign, columnspacing, rowspacing, lines): each cell gets the
//   equivalent CSS; the attributes stay for MathJax, the fallback where MathML is not rendered;
// - menclose (\boxed, \cancel): CSS borders and strike-through gradients;
// - accents: accent="true" written out (Core does not take it from the operator dictionary);
// - spaces in text: no-break spaces, since token elements trim their white space;
// - TeX's spacing between atoms (thin, medium and thick spaces by their classes: the minus
//   in "= -x" is unary, "\ln f" has a thin space, "\ln(" none), as MathJax computes it: each
//   operator gets lspace and rspace, and a gap between two atoms that are not operators
//   an mspace. The browser's operator dictionary would guess otherwise;
// - \left( and \right) around a row that holds nothing taller than a letter with scripts
//   (no fraction, root, table, large operator or under/over script): stretchy="false". TeX
//   draws them at their normal size there, and Chromium puts extra space around a stretchy
//   bracket it does not stretch;
// - a prime (f', written f^\prime by MathJax): the prime character after its base, not a
//   superscript. A math font's prime already sits high; raised again, it floats;
// - a script on a lone bracket ((x)^2, \|x\|_2): the bracket's height and depth left out, as
//   TeX places scripts on a single character;
// - \hat and \tilde: the spacing accents U+02C6 and U+02DC, drawn at accent size; \vec's
//   arrow at 0.6 of its size; \overline
//   and \underline: a CSS rule, as the font cannot stretch their character;
// - \big ... \Bigg and \binom's brackets (a fixed size): the glyph scaled to it and centred on
//   the math axis (Chromium neither enlarges a lone stretchy bracket nor leaves its width);
// - table rows: TeX's strut (0.7 and 0.3 of a 1.2em line) in each cell; \tag's label in a
//   last cell; smallmatrix at script size;
// - mpadded lengths relative to the content (\colorbox): CSS padding; a negative space (\!):
//   a negative margin.
// MathJax's data-mjx-* attributes and xmlns are left out; characters are written as they are.
"use strict";

// mathvariant -> [first capital, first small letter] of its Latin alphabet in U+1D400..
const LATIN = {
  bold: [0x1d400, 0x1d41a],
  italic: [0x1d434, 0x1d44e],
  "bold-italic": [0x1d468, 0x1d482],
  script: [0x1d49c, 0x1d4b6],
  "bold-script": [0x1d4d0, 0x1d4ea],
  fraktur: [0x1d504, 0x1d51e],
  "double-struck": [0x1d538, 0x1d552],
  "bold-fraktur": [0x1d56c, 0x1d586],
  "sans-serif": [0x1d5a0, 0x1d5ba],
  "bold-sans-serif": [0x1d5d4, 0x1d5ee],
  "sans-serif-italic": [0x1d608, 0x1d622],
  "sans-serif-bold-italic": [0x1d63c, 0x1d656],
  monospace: [0x1d670, 0x1d68a],
};
// Letters Unicode had before (Letterlike Symbols): the holes of the alphabets above.
const HOLES = {
  italic: { h: 0x210e },
  script: {
    B: 0x212c, E: 0x2130, F: 0x2131, H: 0x210b, I: 0x2110, L: 0x2112, M: 0x2133, R: 0x211b,
    e: 0x212f, g: 0x210a, o: 0x2134,
  },
  fraktur: { C: 0x212d, H: 0x210c, I: 0x2111, R: 0x211c, Z: 0x2128 },
  "double-struck": { C: 0x2102, H: 0x210d, N: 0x2115, P: 0x2119, Q: 0x211a, R: 0x211d, Z: 0x2124 },
};
const DIGITS = {
  bold: 0x1d7ce,
  "double-struck": 0x1d7d8,
  "sans-serif": 0x1d7e2,
  "bold-sans-serif": 0x1d7ec,
  monospace: 0x1d7f6,
};
// Greek: capital Alpha first; then (at +25) nabla, the small letters (+26), and partial,
// epsilon, theta, kappa, phi, rho and pi symbols (+51..+57).
const GREEK = {
  bold: 0x1d6a8,
  italic: 0x1d6e2,
  "bold-italic": 0x1d71c,
  "bold-sans-serif": 0x1d756,
  "sans-serif-bold-italic": 0x1d790,
};
const GREEK_EXTRA = { 0x2207: 25, 0x2202: 51, 0x3f5: 52, 0x3d1: 53, 0x3f0: 54, 0x3d5: 55, 0x3f1: 56, 0x3d6: 57 };
// MathJax's own variant names
const ALIASES = {
  "-tex-calligraphic": "script",
  "-tex-bold-calligraphic": "bold-script",
  "-tex-oldstyle": "normal",
  "-tex-bold-oldstyle": "bold",
  "-tex-mathit": "italic",
  "-tex-variant": "normal",
};

/** The character *ch* in *variant*, or null when Unicode has none. */
function styled(ch, variant) {
  const code = ch.codePointAt(0);
  const hole = HOLES[variant] && HOLES[variant][ch];
  if (hole) return String.fromCodePoint(hole);
  if (LATIN[variant]) {
    if (code >= 0x41 && code <= 0x5a) return String.fromCodePoint(LATIN[variant][0] + code - 0x41);
    if (code >= 0x61 && code <= 0x7a) return String.fromCodePoint(LATIN[variant][1] + code - 0x61);
  }
  if (DIGITS[variant] !== undefined && code >= 0x30 && code <= 0x39) {
    return String.fromCodePoint(DIGITS[variant] + code - 0x30);
  }
  if (GREEK[variant] !== undefined) {
    if (code >= 0x391 && code <= 0x3a9) return String.fromCodePoint(GREEK[variant] + code - 0x391);
    if (code === 0x3f4) return String.fromCodePoint(GREEK[variant] + 17); // capital theta symbol
    if (code >= 0x3b1 && code <= 0x3c9) return String.fromCodePoint(GREEK[variant] + 26 + code - 0x3b1);
    if (GREEK_EXTRA[code] !== undefined) return String.fromCodePoint(GREEK[variant] + GREEK_EXTRA[code]);
  }
  return null;
}

/** *text* in *variant*: [the text, CSS for what could not be written as characters]. */
function restyle(text, variant) {
  const chars = [...text];
  const mapped = chars.map((ch) => styled(ch, variant));
  if (mapped.every((ch, i) => ch !== null || /\s/.test(chars[i]))) {
    return [mapped.map((ch, i) => ch || chars[i]).join(""), ""];
  }
  const css = [];
  if (variant.includes("bold")) css.push("font-weight:bold");
  if (variant.includes("italic")) css.push("font-style:italic");
  else if (variant !== "normal") css.push("font-style:normal");
  return [text, css.join(";")];
}

const escapeText = (text) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const escapeAttribute = (text) => escapeText(text).replace(/"/g, "&quot;");

/** One length ("3pt", ".5em", "0") halved, for the two cells on each side of a gap. */
function half(length) {
  const match = /^\s*(-?[\d.]+)\s*([a-z%]*)\s*$/.exec(String(length));
  if (!match) return "0";
  const value = parseFloat(match[1]) / 2;
  return value === 0 ? "0" : `${+value.toFixed(4)}${match[2] || "em"}`;
}

const listOf = (value) => String(value).trim().split(/\s+/);
const nth = (list, i) => list[Math.min(i, list.length - 1)];
const LINE = { solid: "solid", dashed: "dashed", none: "" };

/** The CSS of the cell at (row, column) of a table, from the table's and row's attributes. */
function cellStyle(table, row, cell, r, c, rows, columns) {
  const get = (node, name) => node.attributes.getExplicit(name);
  const aligns = listOf(get(cell, "columnalign") || get(row, "columnalign") || table.attributes.get("columnalign") || "center");
  const align = get(cell, "columnalign") || nth(aligns, c);
  const columnGaps = listOf(table.attributes.get("columnspacing") || "0.8em");
  const rowGaps = listOf(table.attributes.get("rowspacing") || "1ex");
  const columnLines = listOf(table.attributes.get("columnlines") || "none");
  const rowLines = listOf(table.attributes.get("rowlines") || "none");
  const frame = LINE[table.attributes.get("frame")] ? "1px solid" : "";
  const css = [];
  // Chromium lays out an mtd's content aligned only by its -webkit- value
  if (align === "left" || align === "right") css.push(`text-align:${align};text-align:-webkit-${align}`);
  const top = r > 0 ? half(nth(rowGaps, r - 1)) : "0";
  const bottom = r < rows - 1 ? half(nth(rowGaps, r)) : "0";
  const left = c > 0 ? half(nth(columnGaps, c - 1)) : "0";
  const right = c < columns - 1 ? half(nth(columnGaps, c)) : "0";
  css.push(`padding:${top} ${right} ${bottom} ${left}`);
  if (c < columns - 1 && LINE[nth(columnLines, c)]) css.push(`border-right:1px ${LINE[nth(columnLines, c)]}`);
  if (r < rows - 1 && LINE[nth(rowLines, r)]) css.push(`border-bottom:1px ${LINE[nth(rowLines, r)]}`);
  if (frame && r === 0) css.push("border-top:1px solid");
  if (frame && r === rows - 1) css.push("border-bottom:1px solid");
  if (frame && c === 0) css.push("border-left:1px solid");
  if (frame && c === columns - 1) css.push("border-right:1px solid");
  return css.join(";");
}

const STRIKE = (direction) =>
  `linear-gradient(${direction},transparent calc(50% - .035em),currentColor calc(50% - .035em),` +
  "currentColor calc(50% + .035em),transparent calc(50% + .035em))";
/** CSS drawing an menclose's notations. */
function encloseStyle(notation) {
  const css = [];
  const images = [];
  const rule = "0.067em solid";
  for (const name of listOf(notation || "longdiv")) {
    if (name === "box" || name === "roundedbox" || name === "circle") css.push(`border:${rule}`);
    if (name === "roundedbox") css.push("border-radius:0.3em");
    if (name === "circle") css.push("border-radius:50%");
    for (const side of ["left", "right", "top", "bottom"]) if (name === side) css.push(`border-${side}:${rule}`);
    if (name === "actuarial") css.push(`border-top:${rule}`, `border-right:${rule}`);
    if (name === "madruwb") css.push(`border-bottom:${rule}`, `border-right:${rule}`);
    if (name === "horizontalstrike") images.push(STRIKE("to bottom"));
    if (name === "verticalstrike") images.push(STRIKE("to right"));
    if (name === "updiagonalstrike") images.push(STRIKE("to top right"));
    if (name === "downdiagonalstrike") images.push(STRIKE("to bottom right"));
  }
  if (css.some((item) => item.startsWith("border"))) css.push("padding:0.2em");
  if (images.length) css.push(`background:${images.join(",")}`);
  return css.join(";");
}

// TeX's spaces, in em (MathJax's names)
const SPACES = { thinmathspace: "0.1667em", mediummathspace: "0.2222em", thickmathspace: "0.2778em" };
let spacing = new Map(); // core mo -> {lspace, rspace}
let spaceBefore = new Map(); // node -> width of an mspace written before it

const core = (node) => (node && node.isEmbellished && !node.isKind("math") ? node.coreMO() : null);

let unstretched = new Set(); // fences written with stretchy="false"
const FENCES = new Set([..."()[]{}|\u2016\u27e8\u27e9\u230a\u230b\u2308\u2309/\\\u2223\u2225"]);

/** Whether *node* is taller than a letter with scripts, so that brackets around it grow. */
function isTall(node) {
  if (node.isToken) {
    if (!node.isKind("mo")) return false;
    if (node.attributes.getExplicit("minsize") || node.attributes.getExplicit("maxsize")) return true;
    return node.attributes.get("largeop") === true && node.attributes.get("displaystyle") === true;
  }
  if (["mfrac", "msqrt", "mroot", "mtable", "mlabeledtr"].includes(node.kind)) return true;
  if (["munder", "mover", "munderover"].includes(node.kind)) {
    const accent = node.attributes.get("accent") === true || node.attributes.get("accentunder") === true;
    const base = node.childNodes[0];
    const movable =
      base && base.isKind("mo") && base.attributes.get("movablelimits") === true &&
      node.attributes.get("displaystyle") !== true; // inline: limits drawn as scripts
    if (!movable && (!accent || node.kind === "munderover")) return true;
  }
  return node.childNodes.some((child) => child && !child.isKind("text") && isTall(child));
}

/** TeX's spacing for the rows of *root* (after setTeXclass), in the two maps above, and the
 * fences that stay at their normal size. */
function planSpacing(root) {
  spacing = new Map();
  spaceBefore = new Map();
  unstretched = new Set();
  accentOf = new Set();
  loneBases = new Set();
  root.walkTree((node) => {
    if (["mover", "munder", "munderover"].includes(node.kind)) {
      for (const [slot, name] of [["over", "accent"], ["under", "accentunder"]]) {
        const script = node.childNodes[node[slot]]; // (mover has no under, munder no over)
        if (script && script.isKind("mo") && node.attributes.get(name) === true) accentOf.add(script);
      }
    }
    if (["msup", "msub", "msubsup"].includes(node.kind)) {
      const base = node.childNodes[0];
      if (base && base.isKind("mo") && [...base.getText()].length === 1 && !fixedSize(base, base.getText())) {
        loneBases.add(base);
      }
    }
    if (!(node.isInferred || node.kind === "mrow") || node.isToken) return;
    const kids = node.childNodes;
    const fences = kids.filter(
      (child) =>
        child.isKind("mo") &&
        FENCES.has(child.getText()) &&
        child.attributes.getExplicit("stretchy") === undefined &&
        !child.attributes.getExplicit("minsize") &&
        !child.attributes.getExplicit("maxsize"),
    );
    if (fences.length && !kids.some((child) => !fences.includes(child) && isTall(child))) {
      for (const fence of fences) unstretched.add(fence);
    }
    for (const child of kids) {
      const mo = core(child);
      if (mo && !mo.hasSpacingAttributes() && !spacing.has(mo)) spacing.set(mo, { lspace: "0", rspace: "0" });
    }
    kids.forEach((child, i) => {
      if (child.hasSpacingAttributes && child.hasSpacingAttributes()) return;
      const space = SPACES[child.texSpacing()];
      if (!space) return;
      const mo = core(child);
      const previous = i > 0 ? core(kids[i - 1]) : null;
      if (mo && spacing.has(mo)) spacing.get(mo).lspace = space;
      else if (previous && spacing.has(previous)) spacing.get(previous).rspace = space;
      else spaceBefore.set(child, space);
    });
  });
}

const DROP = new Set(["xmlns"]);

function attributesOf(node, extra) {
  const attributes = Object.assign({}, node.attributes.getAllAttributes(), extra);
  let out = "";
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || DROP.has(name) || name.startsWith("data-mjx")) continue;
    if (name === "class" && String(value).startsWith("MJX-")) continue; // MathJax's own
    out += ` ${name}="${escapeAttribute(String(value))}"`;
  }
  return out;
}

function children(node) {
  return node.childNodes
    .map((child) => {
      const gap = spaceBefore.get(child);
      return (gap ? `<mspace width="${gap}"></mspace>` : "") + serialize(child);
    })
    .join("");
}

function serialize(node, extra = {}) {
  if (node.isKind("text")) return escapeText(node.getText());
  if (node.isInferred) return children(node);
  let kind = node.kind === "TeXAtom" ? "mrow" : node.kind;
  if (kind === "mspace") {
    const width = String(node.attributes.getExplicit("width") || "");
    if (width.startsWith("-")) {
      // a negative space (\!): Chromium takes a negative width as none
      return `<mspace style="margin-inline-start:${width}"></mspace>`;
    }
  }
  if (node.isToken) {
    let text = node.childNodes.map((child) => (child.isKind("text") ? child.getText() : "")).join("");
    const attributes = Object.assign({}, extra);
    let variant = node.attributes.getExplicit("mathvariant");
    variant = ALIASES[variant] || variant;
    if (variant && variant !== "normal") {
      attributes.mathvariant = undefined;
      if (kind === "mtext") {
        // text keeps its letters (for screen readers and search), in CSS bold or italic
        const css = [];
        if (variant.includes("bold")) css.push("font-weight:bold");
        if (variant.includes("italic")) css.push("font-style:italic");
        if (css.length) attributes.style = css.join(";");
      } else {
        const [mapped, css] = restyle(text, variant);
        text = mapped;
        if (css) attributes.style = css;
      }
    } else if (variant === "normal" && !(kind === "mi" && [...text].length === 1)) {
      attributes.mathvariant = undefined; // only a one-letter mi is italic unless told otherwise
    }
    if (kind === "mtext" || kind === "ms") text = text.replace(/ /g, "\u00a0");
    if (kind === "mo" && spacing.has(node)) Object.assign(attributes, spacing.get(node));
    if (unstretched.has(node)) attributes.stretchy = "false";
    if (kind === "mo" && accentOf.has(node)) {
      if (ACCENTS[text]) text = ACCENTS[text];
      // \vec: the font's arrow is text-size; at 0.6 it sits over the letter as TeX's does
      if (text === "\u2192" && String(node.attributes.getExplicit("stretchy")) === "false") {
        attributes.mathsize = "0.6em";
      }
    }
    const size = kind === "mo" ? fixedSize(node, text) : null;
    if (size) {
      // \big(: the glyph scaled to the size, its centre kept on the math axis (0.25em)
      Object.assign(attributes, { minsize: undefined, maxsize: undefined, stretchy: "false" });
      attributes.mathsize = `${size}em`;
      const shift = +(-(size - 1) * 0.25).toFixed(4);
      const mo = `<mo${attributesOf(node, attributes)}>${escapeText(text)}</mo>`;
      return shift ? `<mpadded voffset="${shift}em">${mo}</mpadded>` : mo;
    }
    if (loneBases.has(node)) {
      attributes.stretchy = "false";
      const mo = `<mo${attributesOf(node, attributes)}>${escapeText(text)}</mo>`;
      return `<mpadded height="0" depth="0">${mo}</mpadded>`;
    }
    return `<${kind}${attributesOf(node, attributes)}>${escapeText(text)}</${kind}>`;
  }
  if (kind === "math") {
    const display = { display: extra.display === "block" ? "block" : undefined };
    return `<math${attributesOf(node, display)}>${children(node)}</math>`;
  }
  if (kind === "munder" || kind === "mover" || kind === "munderover") {
    const [base, script] = node.childNodes;
    const rule = kind !== "munderover" && script && ruleOf(script);
    if (rule) {
      // \overline, \underline: a rule over or under the base, as wide as the base
      const side = kind === "mover" ? "top" : "bottom";
      const style = `border-${side}:0.06em solid;padding-${side}:0.12em`;
      return `<mrow${attributesOf(node, Object.assign({ style }, extra))}>${serialize(base)}</mrow>`;
    }
    const accents = {};
    if (kind !== "munder" && node.attributes.get("accent") === true) accents.accent = "true";
    if (kind !== "mover" && node.attributes.get("accentunder") === true) accents.accentunder = "true";
    return `<${kind}${attributesOf(node, Object.assign(accents, extra))}>${children(node)}</${kind}>`;
  }
  if (kind === "menclose") {
    const style = encloseStyle(node.attributes.get("notation"));
    return `<menclose${attributesOf(node, style ? { style } : {})}>${children(node)}</menclose>`;
  }
  if (kind === "mtable") return table(node, extra);
  if (kind === "msup" && primesOf(node.childNodes[1]) && node.childNodes[0]) {
    const [base, primes] = node.childNodes;
    const text = escapeText(primesOf(primes));
    return `<mrow${attributesOf(node, extra)}>${serialize(base)}<mo lspace="0" rspace="0">${text}</mo></mrow>`;
  }
  if (kind === "msubsup" && primesOf(node.childNodes[2]) && node.childNodes[0] && node.childNodes[1]) {
    // x'_i: the prime after the base, the subscript after both
    const [base, sub, primes] = node.childNodes;
    const text = escapeText(primesOf(primes));
    return `<msub${attributesOf(node, extra)}><mrow>${serialize(base)}<mo lspace="0" rspace="0">${text}</mo></mrow>${serialize(sub)}</msub>`;
  }
  if (kind === "mpadded") return padded(node, extra);
  return `<${kind}${attributesOf(node, extra)}>${children(node)}</${kind}>`;
}

const PRIMES = /^[\u2032-\u2034\u2057]+$/;

/** The primes a script holds (an mo or mi of primes, or a row of them), or null. */
function primesOf(node) {
  if (!node) return null;
  if (node.isToken) {
    const text = node.getText();
    return (node.isKind("mo") || node.isKind("mi")) && PRIMES.test(text) ? text : null;
  }
  if (!(node.isInferred || node.kind === "mrow" || node.kind === "TeXAtom") || !node.childNodes.length) return null;
  const parts = node.childNodes.map(primesOf);
  return parts.every(Boolean) ? parts.join("") : null;
}

// \hat and \tilde as MathJax writes them (ASCII, text-size in the font) -> spacing accents
const ACCENTS = { "^": "\u02c6", "~": "\u02dc" };
const RULES = new Set(["\u2015", "\u203e", "\u00af", "_", "\u2012", "\u2013", "\u2014"]);
let accentOf = new Set(); // mo written as an accent over or under its base
let loneBases = new Set(); // a bracket that is the base of a script on its own

/** Whether *script* (of a munder or mover) is a stretchy rule: \overline or \underline. */
function ruleOf(script) {
  return (
    script.isKind("mo") && RULES.has(script.getText()) &&
    String(script.attributes.getExplicit("stretchy")) !== "false"
  );
}

/** The size in em of a bracket TeX gives a fixed size (\big, \binom), or null. */
function fixedSize(node, text) {
  const min = node.attributes.getExplicit("minsize");
  const max = node.attributes.getExplicit("maxsize");
  if (!min || String(min) !== String(max) || [...text].length !== 1) return null;
  const match = /^([\d.]+)em$/.exec(String(min));
  return match ? +match[1] : null;
}

/** An mpadded whose lengths are relative to its content (+10px) as CSS padding: MathML Core
 * takes only absolute lengths. */
function padded(node, extra) {
  const get = (name) => {
    const value = node.attributes.getExplicit(name);
    return value === undefined ? "" : String(value).trim();
  };
  const relative = ["width", "height", "depth"].some((name) => /^[+]/.test(get(name)));
  if (!relative) return `<mpadded${attributesOf(node, extra)}>${children(node)}</mpadded>`;
  const grow = (name) => (/^[+][\d.]+[a-z]+$/.test(get(name)) ? get(name).slice(1) : "0");
  const width = grow("width");
  const left = /^[\d.]+[a-z]+$/.test(get("lspace")) ? get("lspace") : "0";
  const right = left !== "0" && width !== "0" ? `calc(${width} - ${left})` : width;
  const style = `padding:${grow("height")} ${right} ${grow("depth")} ${left}`;
  const drop = { width: undefined, height: undefined, depth: undefined, lspace: undefined, style };
  return `<mpadded${attributesOf(node, Object.assign(drop, extra))}>${children(node)}</mpadded>`;
}

// TeX's strut in an array row: 0.7 and 0.3 of a 1.2em line, no width
const STRUT = '<mspace height="0.84em" depth="0.36em"></mspace>';

function table(node, extra) {
  const rows = node.childNodes;
  const labelled = (row) => row.isKind("mlabeledtr");
  const cellsOf = (row) => (labelled(row) ? row.childNodes.slice(1) : row.childNodes);
  const columns = Math.max(1, ...rows.map((row) => cellsOf(row).length));
  let out = "";
  rows.forEach((row, r) => {
    let cells = "";
    cellsOf(row).forEach((cell, c) => {
      const style = cellStyle(node, row, cell, r, c, rows.length, columns);
      cells += `<mtd${attributesOf(cell, { style })}>${STRUT}${children(cell)}</mtd>`;
    });
    if (labelled(row) && row.childNodes[0]) {
      // \tag's label, after the row
      cells += `<mtd style="padding:0 0 0 2em">${children(row.childNodes[0])}</mtd>`;
    }
    out += `<mtr${attributesOf(row, {})}>${cells}</mtr>`;
  });
  const level = node.getProperty("scriptlevel"); // smallmatrix
  const own = level ? Object.assign({ scriptlevel: String(level) }, extra) : extra;
  return `<mtable${attributesOf(node, own)}>${out}</mtable>`;
}

/** The MathML Core of the tree MathJax's TeX input made of one formula. */
function toMathML(tree, display) {
  tree.setTeXclass(null);
  planSpacing(tree);
  return serialize(tree, display ? { display: "block" } : {});
}

module.exports = { toMathML };
