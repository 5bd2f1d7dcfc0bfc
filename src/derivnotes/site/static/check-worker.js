// The Web Worker of "Check your derivation": Pyodide, the site's checker bundle, and the
// checker's answers. The page sends {id, kind, config, source}; the worker answers
// {id, progress} while it loads and {id, ok, result | error} at the end. Nothing is fetched
// before the page's first message, and every file comes from the site (config's URLs).
let ready = null;

async function start(config, id) {
  const say = (text) => postMessage({ id, progress: text });
  say("Loading Python (step 1 of 3)…");
  const { loadPyodide } = await import(config.pyodide + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL: config.pyodide, fullStdLib: false });
  say("Loading the checker and sympy (step 2 of 3)…");
  const response = await fetch(config.bundle);
  if (!response.ok) throw new Error(`the checker's files could not be loaded (${response.status})`);
  const data = new Uint8Array(await response.arrayBuffer());
  pyodide.unpackArchive(data, "xztar", { extractDir: "/lib/derivnotes" });
  say("Starting the checker (step 3 of 3)…");
  pyodide.runPython(`
import sys
sys.path.insert(0, "/lib/derivnotes")
import json
from derivnotes.checker.page import check_source
from derivnotes.site import reader
import derivnotes.checker.derivation  # sympy: the slow import, done before the first check
`);
  return pyodide;
}

const CALLS = {
  check: "json.dumps(check_source(dn_input['source'], name=dn_input['name']))",
  render: "json.dumps(reader.check_for_reader(dn_input['source']))",
  read: "json.dumps(reader.read_display(dn_input['source']))",
  block: "reader.block_from_display(dn_input['steps'], dn_input['domains'])",
};

self.onmessage = async (event) => {
  const { id, kind, config, input } = event.data;
  try {
    if (!ready) ready = start(config, id);
    const pyodide = await ready;
    postMessage({ id, progress: "Checking…", ready: true });
    pyodide.globals.set("dn_input", pyodide.toPy(input));
    const result = pyodide.runPython(CALLS[kind]);
    postMessage({ id, ok: true, result });
  } catch (error) {
    const text = String((error && error.message) || error);
    // A Python traceback's last line says what went wrong; the rest is for developers.
    const last = text.trim().split("\n").filter(Boolean).pop() || text;
    postMessage({ id, ok: false, error: last, detail: text });
  }
};
