// The JSONata scratch panel's evaluator, in a Web Worker of its own (bundled
// to www/dist/jsonata-worker.js). The engine bounds nesting, function calls and
// sequence lengths, but not time or bytes: `([1..3000]).([1..3000]).([1..3])`
// takes seconds. Here the page's thread never waits for an evaluation, and the
// panel can terminate one that runs too long (scratch.js).
//
// Messages in: {type: "init", module: WebAssembly.Module | URL}, then
// {id, expression, input, bindings, options}. Out: {type: "ready"} or
// {type: "failed", message}, then one reply per evaluation:
// {id, ms, kind: "result", text, size, cut} (`size`: of the compact JSON; `cut`: `text` is its beginning) | {kind: "undefined", failure} |
// {kind: "error", code, message, position, failure} | {kind: "thrown", code, message} | {kind: "trap", message};
// `failure` is the engine's {error, cause}, as a state (and `asl-sim eval`) reports the problem.

import init, { evalJsonata } from "../../pkg/asl_sim.js";
import { reindent } from "./json-text.js";

/** How much of a result's JSON text is sent back and shown: a result can be 100 MB, and the
 *  page lays out all it gets (2,000 short lines take a few milliseconds; 20,000 take 200). */
const SHOW_LIMIT = 100_000;
const SHOW_LINES = 2_000;

let ready = null;

self.onmessage = async ({ data }) => {
  if (data.type === "init") {
    ready = init({ module_or_path: data.module });
    try {
      await ready;
      self.postMessage({ type: "ready" });
    } catch (e) {
      self.postMessage({ type: "failed", message: String(e?.message ?? e) });
    }
    return;
  }
  await ready;
  const started = performance.now();
  let reply;
  try {
    // json: the engine's JSON text, in its key order (a JS object would put integer-like keys first).
    reply = shape(evalJsonata(data.expression, data.input, data.bindings, { ...data.options, json: true }));
  } catch (e) {
    // A throw with a code is the API refusing an argument; one without is a trap,
    // after which this instance is unusable (the panel starts another).
    reply = e?.code
      ? { kind: "thrown", code: e.code, message: String(e.message) }
      : { kind: "trap", message: `${e?.name ?? "Error"}: ${e?.message ?? e}` };
  }
  reply.id = data.id;
  reply.ms = performance.now() - started;
  self.postMessage(reply);
};

function shape(outcome) {
  if (typeof outcome.json === "string") {
    const size = outcome.json.length;
    let text = reindent(size <= SHOW_LIMIT ? outcome.json : cut(outcome.json, SHOW_LIMIT));
    let lines = 0;
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
      if (++lines === SHOW_LINES) {
        text = `${text.slice(0, i)}\n\u2026`;
        break;
      }
    }
    return { kind: "result", text, size, cut: size > SHOW_LIMIT || lines === SHOW_LINES };
  }
  if (outcome.undefined) return { kind: "undefined", failure: outcome.failure };
  const { code = null, message = "", position } = outcome.error ?? {};
  return { kind: "error", code, message, position, failure: outcome.failure };
}

/** The first `n` characters of JSON text, with `…` where it was cut; a string cut short is closed, so it still reads as one. */
function cut(text, n) {
  let inString = false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && inString) i++; // a backslash: skip what it escapes
    else if (c === 0x22) inString = !inString;
  }
  // Do not leave half an escape or half a surrogate pair behind.
  let end = n;
  const last = text.slice(Math.max(0, end - 6), end);
  const escape = inString ? last.lastIndexOf("\\") : -1;
  if (escape >= 0) end -= last.length - escape;
  if (/[\ud800-\udbff]/.test(text[end - 1] ?? "")) end--;
  return `${text.slice(0, end)}${inString ? '\u2026"' : " \u2026"}`;
}
