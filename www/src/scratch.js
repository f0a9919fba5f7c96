// The JSONata scratch panel: type an expression, with or without {% %}, and see
// what the engine makes of it, live, against the execution input or the selected
// state's latest run ($states.input, $states.context, $states.result and the
// variables in scope), plus variables of your own; AWS's functions, the page's
// virtual clock for $now() and its seed for $random()/$uuid(). It mirrors
// `asl-sim eval`: the input is both `$` and `$states.input`, and a failure reads
// as the CLI prints it (States.QueryEvaluationError and its cause, the engine's texts).
//
// Evaluation runs in a Web Worker (jsonata-worker.js): the engine bounds nesting,
// calls and sequence lengths, not time, so an evaluation still running after
// TIME_LIMIT_MS is terminated and the worker started again. Nothing typed here can
// hang the page. Results and errors are shown as text, never parsed as HTML.

import { h, toast } from "./dom.js";
import { createEditor, jsonError } from "./editors.js";
import { fill } from "./json-view.js";

const DEBOUNCE_MS = 200;
/** Past this, the worker is terminated (real time: only the page's guard, not the engine's). */
export const TIME_LIMIT_MS = 3000;
/** An evaluation still running after this long says so. */
const BUSY_MS = 150;
const AGAINST = ["auto", "input", "state"];

/** Shown while the expression is empty: one click each, to see what the engine adds to JSONata. */
const TRIES = [
  ["$states.input", "The input (also $, as in asl-sim eval)"],
  ["$keys($states.input)", "The input's keys"],
  ["$now()", "The virtual clock"],
  ["$uuid()", "A UUID from the page's seed"],
  ["$partition([1, 2, 3, 4, 5], 2)", "AWS's $partition"],
  ["$hash('hello', 'SHA-256')", "AWS's $hash"],
  ["$states.context.State.Name", "The context object (when against a state)"],
];

/** `{% e %}` → `e`, as the engine reads a JSONata field (and asl-sim eval its --jsonata). */
export function bareExpression(text) {
  const t = text.trim();
  return (t.startsWith("{%") && t.endsWith("%}") && t.length >= 4 ? t.slice(2, -2) : text).trim();
}

/** The compiled wasm module, for each new worker (compiled once; the worker compiles it itself if that fails). */
async function compile(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    return String(url);
  }
}

/**
 * One evaluation at a time in a worker. A new request terminates one still
 * running (it is obsolete); so does TIME_LIMIT_MS. A terminated or trapped
 * worker is replaced on the next request.
 */
class Evaluator {
  constructor(workerUrl, wasmUrl) {
    this.workerUrl = workerUrl;
    this.wasmUrl = wasmUrl;
    this.module = null;
    this.worker = null;
    this.ready = null;
    this.pending = null;
    this.nextId = 1;
  }

  #start() {
    if (this.worker) return;
    this.module ??= compile(this.wasmUrl);
    const worker = new Worker(this.workerUrl, { type: "module", name: "asl-sim JSONata" });
    this.worker = worker;
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => {
        if (data.type === "ready") resolve();
        else if (data.type === "failed") reject(new Error(data.message));
        else this.#reply(data);
      };
      worker.onerror = (e) => {
        e.preventDefault?.();
        const message = e.message || "the worker failed";
        reject(new Error(message));
        this.#finish({ kind: "trap", message });
        this.#stop();
      };
    });
    this.ready.catch(() => {});
    this.module.then((module) => worker.postMessage({ type: "init", module }));
  }

  #stop() {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
  }

  #finish(reply) {
    const pending = this.pending;
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending = null;
    pending.resolve({ ...reply, id: pending.id });
  }

  #reply(data) {
    if (this.pending?.id !== data.id) return;
    if (data.kind === "trap") this.#stop();
    this.#finish(data);
  }

  /** A promise of the reply: see jsonata-worker.js, plus {kind: "timeout"} and {kind: "cancelled"}. */
  evaluate(request) {
    if (this.pending) {
      this.#finish({ kind: "cancelled" });
      this.#stop();
    }
    this.#start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      const pending = { id, resolve, timer: null };
      this.pending = pending;
      this.ready.then(
        () => {
          if (this.pending !== pending) return;
          pending.timer = setTimeout(() => {
            this.#stop();
            this.#finish({ kind: "timeout" });
          }, TIME_LIMIT_MS);
          this.worker.postMessage({ id, ...request });
        },
        (e) => {
          if (this.pending !== pending) return;
          this.#stop();
          this.#finish({ kind: "trap", message: `the evaluator could not start (${e.message})` });
        },
      );
    });
  }
}

export class JsonataScratch {
  /**
   * `context()` says what to evaluate against: {input (the Input editor's text),
   * inputProblem, clock, seed, state: null | {name, ran, input, context, result,
   * variables, now}}. `onChange` fires when the user changes the panel (for the URL).
   */
  constructor({ workerUrl, wasmUrl, context, onChange, onKey }) {
    this.context = context;
    this.onChange = onChange;
    this.evaluator = new Evaluator(workerUrl, wasmUrl);
    this.visible = false;
    this.timer = null;
    this.lastKey = null;
    this.silent = false;
    const $ = (id) => document.getElementById(id);
    this.root = $("jsonata-panel");
    this.ui = {
      against: $("jsonata-against"), status: $("jsonata-status"), bound: $("jsonata-bound"), copy: $("jsonata-copy"),
      result: $("jsonata-result"), error: $("jsonata-error"), empty: $("jsonata-empty"), note: $("jsonata-note"),
    };
    const edited = () => {
      if (this.silent) return;
      this.schedule();
      this.onChange?.();
    };
    this.expression = createEditor($("jsonata-expression"), {
      text: "", label: "JSONata expression", testid: "jsonata-editor", language: "jsonata", fold: false,
      placeholder: "e.g. $states.input.customerId & ' at ' & $now()", onChange: edited, onKey,
    });
    this.variables = createEditor($("jsonata-variables"), {
      text: "", label: "Variables (a JSON object of names and values)", testid: "jsonata-variables-editor", fold: false,
      placeholder: 'optional, e.g. {"threshold": 100}', onChange: edited, onKey,
    });
    this.ui.against.addEventListener("change", edited);
    this.ui.copy.addEventListener("click", () => this.#copy());
    this.#empty();
  }

  /** Something the panel reads may have changed (an edit, a step, a selection). */
  changed() {
    if (this.visible) this.schedule();
  }

  schedule(delay = DEBOUNCE_MS) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.#run(), delay);
  }

  show() {
    this.visible = true;
    requestAnimationFrame(() => {
      this.expression.view.requestMeasure();
      this.variables.view.requestMeasure();
    });
    this.schedule(0);
  }

  hide() {
    this.visible = false;
    clearTimeout(this.timer);
  }

  focus() {
    this.expression.focus();
  }

  /** What the URL keeps: undefined while the panel is untouched. */
  state() {
    const expression = this.expression.text;
    const variables = this.variables.text;
    const against = this.ui.against.value;
    if (expression === "" && variables === "" && against === "auto") return undefined;
    return { expression, variables, against };
  }

  /** Restore what state() returned (from a link or a workspace file). */
  load(state) {
    this.silent = true;
    try {
      this.expression.set(state?.expression ?? "");
      this.variables.set(state?.variables ?? "");
      this.ui.against.value = AGAINST.includes(state?.against) ? state.against : "auto";
    } finally {
      this.silent = false;
    }
    this.lastKey = null;
    this.changed();
  }

  /** Set from the page's test hook or the console. */
  set(state) {
    this.load({ ...this.state(), ...state });
    this.onChange?.();
  }

  // -------------------------------------------------------------------------

  /** What to evaluate, or why there is nothing to (a `problem`), and what it binds. */
  #plan() {
    const ctx = this.context();
    const st = ctx.state;
    const against = this.ui.against.value;
    const useState = against === "state" || (against === "auto" && !!st?.ran);
    this.#labelChoices(st);
    const expression = this.expression.text;
    // An empty expression shows what to try, whatever else is wrong.
    const empty = bareExpression(expression) === "";
    const plan = { useState, state: st, chips: [], now: ctx.clock, seed: ctx.seed, empty };

    const vars = this.#userVariables();
    if (vars.problem) return { ...plan, problem: vars.problem };
    let input;
    let bindings;
    if (useState) {
      if (!st) return { ...plan, problem: "No state is selected: click one in the graph, or evaluate against the execution input." };
      if (!st.ran) return { ...plan, problem: `${st.name} has not run yet: step or run the execution until it has, or evaluate against the execution input.` };
      const states = { input: st.input ?? null, context: st.context ?? {} };
      if (st.result !== undefined) states.result = st.result;
      input = JSON.stringify(states.input);
      bindings = { states, ...(st.variables ?? {}), ...vars.value };
      plan.now = st.now ?? ctx.clock;
      plan.chips = ["$states.input", "$states.context", ...(states.result !== undefined ? ["$states.result"] : [])];
      plan.scope = Object.keys(st.variables ?? {});
    } else {
      if (ctx.inputProblem) return { ...plan, problem: `The execution input is not valid JSON (${ctx.inputProblem}): fix it in the Input tab.` };
      input = ctx.input.trim() === "" ? "{}" : ctx.input;
      bindings = { states: { input: JSON.parse(input) }, ...vars.value };
      plan.chips = ["$states.input"];
      plan.scope = [];
    }
    plan.own = Object.keys(vars.value);
    if (empty) return plan;
    plan.request = { expression, input, bindings, options: { now: plan.now, seed: ctx.seed } };
    return plan;
  }

  #userVariables() {
    const text = this.variables.text;
    if (text.trim() === "") {
      this.variables.diagnose([]);
      return { value: {} };
    }
    const error = jsonError(text);
    if (error) {
      this.variables.diagnose([error]);
      return { problem: `Variables: ${error.message}` };
    }
    const value = JSON.parse(text);
    let problem = null;
    if (!value || typeof value !== "object" || Array.isArray(value)) problem = 'Variables must be a JSON object of names and values, such as {"threshold": 100} for $threshold.';
    else if ("states" in value) problem = "Variables: $states is reserved (Step Functions binds it); choose another name.";
    this.variables.diagnose(problem ? [{ from: 0, to: Math.min(1, text.length), message: problem, severity: "ERROR" }] : []);
    return problem ? { problem } : { value };
  }

  /** The Against choices name the state they would use. */
  #labelChoices(st) {
    const [auto, , state] = this.ui.against.options;
    auto.textContent = st?.ran ? `Auto · ${st.name}` : "Auto · execution input";
    state.textContent = st ? `State · ${st.name}` : "Selected state (none)";
  }

  async #run() {
    this.timer = null;
    if (!this.visible) return;
    const plan = this.#plan();
    this.#bound(plan);
    if (!plan.request) {
      this.lastKey = null;
      this.expression.diagnose([]);
      if (plan.empty) this.#empty();
      else this.#show({ kind: "problem", message: plan.problem });
      this.root.dataset.shown = this.expression.text;
      return;
    }
    // The same request as the one on screen (a step that changed nothing here): leave it.
    const key = JSON.stringify(plan.request);
    if (key === this.lastKey) return;
    this.lastKey = key;
    const busy = setTimeout(() => this.#status("busy", "Evaluating\u2026"), BUSY_MS);
    let reply;
    try {
      reply = await this.evaluator.evaluate(plan.request);
    } finally {
      clearTimeout(busy);
    }
    if (reply.kind === "cancelled" || key !== this.lastKey) return;
    this.#show(reply);
    // Which expression the panel shows the outcome of (for tests: the evaluation is asynchronous).
    this.root.dataset.shown = plan.request.expression;
  }

  /** The names in scope, each a button that inserts it; then the clock and seed. */
  #bound(plan) {
    const chip = (name, title) => h("button.chip", { type: "button", title: `${title}. Click to insert ${name}.`, onclick: () => this.expression.insert(name) }, name);
    const titles = {
      "$states.input": plan.useState ? `${plan.state?.name}'s input, in its latest run (also $, as in asl-sim eval; a state machine's fields can only say $states.input)` : "The execution input, from the Input tab (also $, as in asl-sim eval)",
      "$states.context": "The context object ($$) of that run",
      "$states.result": "The state's result, as its Output and Assign see it",
    };
    const parts = [];
    for (const name of plan.chips ?? []) parts.push(chip(name, titles[name]));
    for (const name of plan.scope ?? []) parts.push(chip(`$${name}`, "A variable in scope at the state's entry"));
    for (const name of plan.own ?? []) if (!plan.scope?.includes(name)) parts.push(chip(`$${name}`, "One of your variables"));
    parts.push(h("span.bound-clock", { title: plan.useState ? "$now() and $millis() read the virtual clock when the state was entered" : "$now() and $millis() read the virtual clock" },
      h("code", null, "$now()"), ` ${plan.now}`));
    parts.push(h("span.bound-seed", { title: "$random(), $uuid() and $shuffle draw from the page's seed (the Input tab)" }, `seed ${plan.seed}`));
    this.ui.bound.replaceChildren(...parts);
  }

  #status(state, text) {
    this.ui.status.dataset.state = state;
    this.ui.status.textContent = text;
    this.ui.status.parentElement.hidden = state === "idle";
  }

  #empty() {
    this.#status("idle", "");
    this.ui.result.hidden = true;
    this.ui.error.hidden = true;
    this.ui.note.hidden = true;
    this.ui.copy.hidden = true;
    this.ui.empty.hidden = false;
    if (this.ui.empty.childElementCount) return;
    this.ui.empty.append(
      h("p", null, "Type a JSONata expression, with or without ", h("code", null, "{% %}"), ": it is evaluated as you type, as a state's JSONata field would be. Try:"),
      h("div.tries", null, TRIES.map(([text, title]) => h("button.chip", { type: "button", title, onclick: () => (this.set({ expression: text }), this.focus()) }, text))));
  }

  /** A reply (or a problem) on screen; `expression` is the text that was evaluated. */
  #show(reply) {
    const ui = this.ui;
    ui.empty.hidden = true;
    ui.result.hidden = reply.kind !== "result";
    ui.error.hidden = reply.kind === "result";
    ui.copy.hidden = reply.kind !== "result";
    ui.note.hidden = true;
    this.expression.diagnose([]);
    const ms = reply.ms !== undefined ? ` \u00b7 ${reply.ms < 1 ? "<1" : Math.round(reply.ms)} ms` : "";
    switch (reply.kind) {
      case "result": {
        this.#status("ok", `Result${ms}`);
        fill(ui.result, reply.text);
        if (reply.cut) {
          ui.note.hidden = false;
          ui.note.textContent = `Cut short: the result is ${reply.size.toLocaleString("en")} characters of JSON; this is its beginning.`;
        }
        return;
      }
      case "undefined":
        this.#status("warn", `No value${ms}`);
        return this.#error("warn", reply.failure.error, reply.failure.cause,
          "In a state, a field whose expression returns nothing fails with this error; inside an object, the key is left out.");
      case "error":
        this.#status("error", `Error${ms}`);
        return this.#error("error", reply.failure.error, reply.failure.cause, null, reply.position ?? undefined);
      case "timeout":
        this.#status("error", "Stopped");
        return this.#error("error", `Stopped after ${TIME_LIMIT_MS / 1000} s`,
          "The expression was still running, so the panel stopped it. The engine bounds nesting (D1011), function calls (D1012) and sequence lengths (D2014, D2015), not time.");
      case "thrown":
        this.#status("error", "Error");
        return this.#error("error", reply.code, reply.message);
      case "trap":
        this.#status("error", "Failed");
        return this.#error("error", "The evaluator failed", `${reply.message}. It starts again on the next change.`);
      default: // a problem with what it would be evaluated against
        this.#status("warn", "Not evaluated");
        return this.#error("warn", null, reply.message);
    }
  }

  #error(kind, name, cause, note = null, position) {
    const ui = this.ui;
    ui.error.dataset.kind = kind;
    const parts = [name ? h("strong.error-name", null, name) : null, h("p.cause", null, cause)];
    if (position !== undefined) {
      const doc = this.expression.view.state.doc;
      const at = Math.min(Math.max(0, position), doc.length);
      const line = doc.lineAt(at);
      const where = `line ${line.number}, column ${at - line.from + 1}`;
      const from = at >= doc.length ? Math.max(0, doc.length - 1) : at;
      const mark = { from, to: Math.min(doc.length, from + 1), severity: "ERROR", message: cause };
      this.expression.diagnose([mark]);
      parts.push(h("p.where", null, "At ", h("button.link", { type: "button", dataset: { testid: "jsonata-error-position" }, title: "Put the cursor there", onclick: () => this.expression.reveal(mark) }, where),
        at >= doc.length ? " (the end)" : ""));
    }
    if (note) parts.push(h("p.muted", null, note));
    ui.error.replaceChildren(...parts.filter(Boolean));
  }

  async #copy() {
    try {
      await navigator.clipboard.writeText(this.ui.result.textContent);
      toast("Result copied.");
    } catch {
      toast("Could not copy: select the result and copy it by hand.", "error");
    }
  }
}
