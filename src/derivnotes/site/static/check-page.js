// The page "Check your derivation": an editor for a derivation block, a Check button, and the
// result rendered as the site renders a block. The checker (Pyodide, sympy and the site's own
// checker code) runs in a Web Worker and is loaded only when the reader first asks for a check.
// Everything the checker returns is data: its HTML is built from escaped text by the site's
// renderer and is sanitized again here before it reaches the page; messages are set as text.
const root = document.querySelector("[data-dn-checker]");

const MAX_CHARS = 40000; // derivnotes.site.reader.MAX_SOURCE_CHARS
// Seconds a check may take once the checker is loaded (tests set data-dn-time-limit).
const timeLimit = () => Number(root.dataset.dnTimeLimit) || 90;

const url = (name) => new URL(root.getAttribute(name), location.href).href;
const config = {
  pyodide: url("data-dn-pyodide"),
  bundle: url("data-dn-bundle"),
};
const workerUrl = url("data-dn-worker");

let worker = null;
let nextId = 1;
const pending = new Map();

function startWorker() {
  worker = new Worker(workerUrl, { type: "module" });
  worker.onmessage = (event) => {
    const { id, progress, ready, ok, result, error } = event.data;
    const call = pending.get(id);
    if (!call) return;
    if (progress) {
      call.onProgress(progress);
      if (ready && !call.timer) call.startTimer();
      return;
    }
    pending.delete(id);
    clearTimeout(call.timer);
    if (ok) {
      call.resolve(result);
      return;
    }
    // The checker answers every input with a document; a failure means Python itself failed
    // (out of stack, say), and may have left it unusable: the next request starts afresh.
    worker.terminate();
    worker = null;
    for (const other of pending.values()) other.reject(new Error("the checker was restarted"));
    pending.clear();
    call.reject(new Error(error));
  };
  worker.onerror = (event) => {
    const message = event.message || "the checker could not start in this browser";
    for (const call of pending.values()) call.reject(new Error(message));
    pending.clear();
    worker = null;
  };
}

// One request to the worker; rejected (and the worker stopped, to be started afresh by the next
// request) when the check itself takes longer than timeLimit() seconds.
function ask(kind, input, onProgress = () => {}) {
  if (!worker) startWorker();
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const call = { resolve, reject, onProgress, timer: null };
    call.startTimer = () => {
      const limit = timeLimit();
      call.timer = setTimeout(() => {
        pending.delete(id);
        worker.terminate();
        worker = null;
        for (const other of pending.values()) other.reject(new Error("the checker was restarted"));
        pending.clear();
        reject(
          new Error(
            `the check took longer than ${limit} s in this browser and was stopped. ` +
              "Split the block into shorter chains, or run `derivnotes check` on your own machine.",
          ),
        );
      }, limit * 1000);
    };
    pending.set(id, call);
    worker.postMessage({ id, kind, config, input });
  });
}

// window.derivnotes.check(source[, name]): a Promise of the JSON `derivnotes check --json NAME`
// prints for a file NAME holding source (documented on "Write a derivation").
window.derivnotes = Object.assign(window.derivnotes || {}, {
  check(source, name = "derivation.md") {
    if (typeof source !== "string") return Promise.reject(new TypeError("source must be a string"));
    return ask("check", { source, name }).then(JSON.parse);
  },
});

// --- Sanitizing: only the elements and attributes the site's renderer writes survive. ---------
const ALLOWED = new Set(
  "div span p ol ul li details summary strong em code pre a br".split(" "),
);
const ALLOWED_ATTRIBUTES = /^(class|id|tabindex|aria-label|aria-hidden|data-[a-z-]+|href)$/;

function sanitize(html) {
  const template = document.createElement("template");
  template.innerHTML = html; // a template's content is inert: nothing in it runs or loads
  const walk = (node) => {
    for (const child of [...node.children]) {
      const tag = child.tagName.toLowerCase();
      if (!ALLOWED.has(tag)) {
        child.replaceWith(document.createTextNode(child.textContent));
        continue;
      }
      for (const attribute of [...child.attributes]) {
        const name = attribute.name.toLowerCase();
        const value = attribute.value.trim().toLowerCase();
        if (!ALLOWED_ATTRIBUTES.test(name) || (name === "href" && !value.startsWith("#"))) {
          child.removeAttribute(attribute.name);
        }
      }
      walk(child);
    }
  };
  walk(template.content);
  return template.content;
}

// --- Math: the site's own MathJax, loaded when a result first holds math. --------------------
let mathjax = null;
// MathJax lays out nested groups recursively: a formula nested very deep (hundreds of \left
// or braces, from a reader's input) can crash the tab. Such a formula is shown as its TeX.
const MAX_NESTING = 60;

function nesting(tex) {
  let depth = 0;
  let deepest = 0;
  for (const match of tex.matchAll(/\\left\b|\\right\b|\\\{|\\\}|[{}]/g)) {
    const token = match[0];
    if (token === "{" || token === "\\left") depth += 1;
    else if (token === "}" || token === "\\right") depth -= 1;
    deepest = Math.max(deepest, depth);
  }
  return deepest;
}

function typeset(element) {
  for (const math of element.querySelectorAll(".arithmatex")) {
    if (nesting(math.textContent) > MAX_NESTING) {
      math.classList.replace("arithmatex", "dn-untypeset");
      math.title = "Nested too deeply to typeset in the browser: shown as TeX";
    }
  }
  if (!element.querySelector(".arithmatex")) return Promise.resolve();
  if (!mathjax) {
    mathjax = new Promise((resolve, reject) => {
      window.MathJax = {
        loader: { load: ["ui/safe"] }, // \href, \class, \style: only safe values
        tex: {
          inlineMath: [["\\(", "\\)"]],
          displayMath: [["\\[", "\\]"]],
          packages: { "[-]": ["noundefined", "require"] },
        },
        options: {
          ignoreHtmlClass: ".*|",
          processHtmlClass: "arithmatex",
          enableMenu: false, // no tab stop per formula (the scrolling cells have their own)
        },
        startup: { typeset: false, ready: () => { MathJax.startup.defaultReady(); resolve(); } },
      };
      const tag = document.createElement("script");
      tag.src = url("data-dn-mathjax");
      tag.async = true;
      tag.onerror = () => reject(new Error("MathJax could not be loaded"));
      document.head.appendChild(tag);
    });
  }
  return mathjax.then(() => window.MathJax.typesetPromise([element])).catch(() => {});
}

// --- The page ----------------------------------------------------------------------------------
const byId = (id) => document.getElementById(id);
const form = byId("dn-check-form");
const editor = byId("dn-source");
const button = byId("dn-check");
const output = byId("dn-result");
const examples = byId("dn-example");
const pasteForm = byId("dn-paste-form");
const display = byId("dn-display");
const names = byId("dn-names");
// Each form has its own progress line, and the result is shown right under the form it answers.
let status = byId("dn-status");

function say(text) {
  status.textContent = text;
}

function answering(which) {
  for (const line of [byId("dn-status"), byId("dn-paste-status")]) if (line) line.textContent = "";
  status = byId(which === pasteForm ? "dn-paste-status" : "dn-status") || byId("dn-status");
  which.after(output);
}

function message(text, kind = "error") {
  const box = document.createElement("div");
  box.className = `admonition ${kind === "error" ? "failure" : "success"} dn-checker-message`;
  const pre = document.createElement("pre");
  pre.textContent = text;
  box.append(pre);
  return box;
}

function technical(text) {
  // The checker's full message (file:line, what was compared): folded, for those who want it.
  const details = document.createElement("details");
  details.className = "dn-checker-details";
  const summary = document.createElement("summary");
  summary.textContent = "The checker's full message";
  const pre = document.createElement("pre");
  pre.textContent = text;
  details.append(summary, pre);
  return details;
}

function headingText(answer) {
  const status = answer.document.status;
  if (status === 2) return "The checker could not read everything";
  if (status === 1) return "A step is wrong";
  const steps = answer.document.files[0].blocks.flatMap((block) => block.steps);
  if (steps.some((step) => step.wrong)) return "Every step holds, and each marked mistake is refuted";
  if (!steps.some((step) => step.status !== "start")) return "Nothing to compare: one step only";
  return "Every step holds";
}

function show(answer) {
  output.replaceChildren();
  const heading = document.createElement("h2");
  heading.id = "dn-result-heading";
  heading.tabIndex = -1;
  heading.textContent = headingText(answer);
  output.append(heading);
  for (const block of answer.blocks) {
    if (block.html) {
      output.append(sanitize(block.html));
      // a block that was checked: its full message is a detail (the marks say what matters)
      if (block.message) {
        output.append(block.status === "malformed" ? message(block.message) : technical(block.message));
      }
    } else if (block.message) {
      output.append(message(block.message)); // a block that cannot be read: this is the answer
    }
  }
  for (const text of answer.document.files[0].messages) {
    if (!answer.blocks.some((block) => block.message && block.message.includes(text))) {
      output.append(message(text));
    }
  }
  if (pasted) {
    const again = document.createElement("p");
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "md-button";
    edit.textContent = "Open the block read from your display in the editor";
    const block = pasted;
    edit.addEventListener("click", () => {
      editor.value = block;
      answering(form);
      output.replaceChildren();
      say("The block read from your display is in the editor: change it, and press Check.");
      editor.focus();
      editor.scrollIntoView({ block: "center" });
    });
    again.append(edit);
    output.append(again);
  }
  const details = output.querySelector("details.dn-how");
  if (details) details.open = true; // how each display was read, and each counterexample
  typeset(output).then(() =>
    output.dispatchEvent(new CustomEvent("derivnotes:content", { bubbles: true })),
  );
  heading.focus({ preventScroll: true });
  heading.scrollIntoView({ block: "start" });
}

let pasted = null; // the block made from a pasted display, while its result is shown

async function run(source, fromDisplay = null) {
  pasted = fromDisplay;
  if (source.length > MAX_CHARS) {
    output.replaceChildren(
      message(
        `This text has ${source.length.toLocaleString("en")} characters; the checker in the ` +
          `browser takes at most ${MAX_CHARS.toLocaleString("en")}. Check one block at a time, ` +
          "or run `derivnotes check` on your own machine.",
      ),
    );
    return;
  }
  button.disabled = true;
  const started = performance.now();
  try {
    const result = await ask("render", { source }, say);
    show(JSON.parse(result));
    say(`Checked in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
  } catch (error) {
    const box = message(`The check did not finish: ${error.message}`);
    box.tabIndex = -1;
    output.replaceChildren(box);
    say("The check did not finish.");
    box.focus();
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  answering(form);
  run(editor.value);
});

// Examples: the site's own blocks (their sources fetched when one is chosen).
let sources = null;
async function loadSource(key) {
  if (!sources) {
    const response = await fetch(url("data-dn-sources"));
    sources = await response.json();
  }
  return Object.hasOwn(sources, key) ? sources[key] : null;
}

// (Loaded by the button beside the list, not on change: moving through the list with the
// arrow keys must not replace what the reader wrote.)
const load = byId("dn-load");
if (examples && load) {
  load.addEventListener("click", async () => {
    const key = examples.value;
    answering(form);
    if (!key) {
      say("Choose a derivation in the list first.");
      return;
    }
    const entry = await loadSource(key).catch(() => null);
    if (entry) {
      editor.value = entry.source;
      output.replaceChildren();
      say(`Loaded “${entry.id}” from the page “${entry.page}”. Press Check.`);
      editor.focus();
    } else {
      say("That derivation could not be loaded.");
    }
  });
}

// A display pasted from a forum: read into steps, the names' domains asked for, then checked.

function nameRow(entry) {
  const row = document.createElement("p");
  row.className = "dn-name-row";
  const id = `dn-domain-${entry.name}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = entry.name;
  const input = document.createElement("input");
  input.id = id;
  input.name = entry.name;
  input.value = entry.domain;
  input.required = true;
  input.placeholder = "a domain: real, positive, (0, 1), {0, 1}; or = a definition";
  input.setAttribute("autocomplete", "off");
  input.setAttribute("spellcheck", "false");
  row.append(label, " ", input);
  if (!entry.domain) {
    const hint = document.createElement("span");
    hint.className = "dn-name-hint";
    hint.textContent = " (cannot be guessed: say where it lives)";
    row.append(hint);
  }
  return row;
}

if (pasteForm) {
  pasteForm.noValidate = true; // an empty box is asked for by the page, naming it
  pasteForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    answering(pasteForm);
    if (names.dataset.display !== display.value) {
      // another display: the names (and answers) of the one before no longer apply
      names.replaceChildren();
      delete names.dataset.read;
      names.dataset.display = display.value;
      output.replaceChildren();
    }
    const domains = {};
    for (const input of names.querySelectorAll("input")) domains[input.name] = input.value;
    const button = pasteForm.querySelector("button");
    button.disabled = true;
    try {
      const read = JSON.parse(await ask("read", { source: display.value }, say));
      const known = read.names.map((entry) => entry.name).join(" ");
      if (names.dataset.read !== known) {
        // first reading (or new names): show every name with its guess, ask for the rest
        names.dataset.read = known;
        const caption = document.createElement("p");
        caption.className = "dn-names-caption";
        caption.textContent = read.names.length
          ? "Where each name lives (a domain, or = a definition):"
          : "";
        names.replaceChildren(caption, ...read.names.map(nameRow));
        const missing = read.names.filter((entry) => !entry.domain);
        if (missing.length) {
          say(`Say where ${missing.map((e) => e.name).join(", ")} live, then press the button again.`);
          names.querySelector("input:invalid")?.focus();
          return;
        }
        for (const entry of read.names) domains[entry.name] = entry.domain;
      }
      const empty = [...names.querySelectorAll("input")].filter((input) => !input.value.trim());
      if (empty.length) {
        say(`Say where ${empty.map((input) => input.name).join(", ")} live, then press the button again.`);
        empty[0].focus();
        return;
      }
      const block = await ask("block", { steps: read.steps, domains }, say);
      await run(block, block); // the editor keeps what the reader wrote there
    } catch (error) {
      output.replaceChildren(message(`The display could not be read: ${error.message}`));
      say("");
    } finally {
      button.disabled = false;
    }
  });
}

// Arriving from "Edit and check" on a page: ?block=KEY opens that block and checks it.
const wanted = new URLSearchParams(location.search).get("block");
if (wanted) {
  loadSource(wanted)
    .then((entry) => {
      answering(form);
      if (!entry) {
        say("That derivation is not on this site (any more); the editor holds an example.");
        return;
      }
      editor.value = entry.source;
      if (examples) examples.value = wanted;
      form.scrollIntoView({ block: "start" }); // the editor and its progress line in view
      say(`Opened “${entry.id}” from the page “${entry.page}”.`);
      run(entry.source);
    })
    .catch(() => say("That block could not be found; the editor holds an example instead."));
}
