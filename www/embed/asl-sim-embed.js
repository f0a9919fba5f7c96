// <asl-sim-embed>: a live state machine inside any page. It reads
// {"definition", "input", "mocks"} from a child <script type="application/json">
// (or the JSON file its `src` names) and shows the graph, Step/Run/Reset, the
// status and the output; `inspector`, `editable` and `readonly` add the
// inspector and the editors. Each element has its own execution; the wasm
// module is loaded once per page, when the first element comes into view,
// from beside this module (`import.meta.url`). Everything the definition or
// the engine says reaches the page as text, never as HTML.
//
// Bundled by scripts/bundle.mjs into one self-contained module,
// pkg/asl-sim-embed.js (and www/dist/ for the docs page, www/embed.html).

import init, { Simulator } from "../../pkg/asl_sim.js";
import { h, s } from "../src/dom.js";
import { Session, FINISHED } from "../src/session.js";
import { GraphView, legend } from "../src/graph.js";
import { Inspector } from "../src/inspector.js";
import { PendingPanel } from "../src/pending.js";
import { millis, indexStates } from "../src/trace.js";
import { fill } from "../src/json-view.js";
import { reindent } from "../src/json-text.js";
import { formatElapsed, stateList } from "../src/format.js";
import { definitionProblems } from "../src/problems.js";
import { TextEditor, diagnosticItem, jsonProblem } from "./text-editor.js";
import viewsCss from "../views.css";
import embedCss from "./embed.css";

/** How often a long run redraws the graph. */
const RENDER_MS = 100;
const EDIT_DEBOUNCE_MS = 300;

// ---------------------------------------------------------------------------
// Once per page: the engine and the style sheet

let engine = null;
/** The wasm module, instantiated on the first call; every element awaits the same promise. */
function loadEngine() {
  engine ??= init({ module_or_path: AslSimEmbed.wasmUrl }).catch((e) => {
    engine = null; // a later element (or a click) may try again
    throw e;
  });
  return engine;
}

const darkQuery = globalThis.matchMedia?.("(prefers-color-scheme: dark)");

let sheet = null;
/** One constructed style sheet, adopted by every element's shadow root. */
function styleSheet() {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(`${viewsCss}\n${embedCss}`);
  }
  return sheet;
}

const ICONS = {
  step: "M11 3h2v10h-2zM3 3v10l7-5z",
  run: "M4 2.5v11L13.5 8z",
  reset: "M8 2.5a5.5 5.5 0 1 1-5.3 7h1.6A4 4 0 1 0 8 4v2.2L4.6 3.3 8 .4z",
};
const icon = (name) => s("svg.icon", { viewBox: "0 0 16 16", "aria-hidden": "true" }, s("path", { d: ICONS[name] }));

/** JSON text of a config field: a string is kept as written (the definition's own text), anything else is pretty-printed. */
function textOf(value, fallback) {
  if (value === undefined || value === null) return fallback;
  return typeof value === "string" ? value : JSON.stringify(value, null, 2);
}

// HTMLElement is missing in Node and other server-side renderers: importing the
// module there defines nothing instead of throwing.
const Base = globalThis.HTMLElement ?? class {};

/**
 * The element. Attributes: `src` (a JSON file of {definition, input, mocks}), `inspector`,
 * `editable`, `readonly`, `autorun`, `theme` ("light" | "dark"; default: the system's),
 * `height` (px or any CSS length), `loading="eager"` (load at once rather than when visible).
 */
export class AslSimEmbed extends Base {
  static observedAttributes = ["src", "height", "editable", "readonly", "inspector", "theme"];
  /** Where the wasm module is: beside this module unless set before the first element loads. */
  static wasmUrl = new URL("asl_sim_bg.wasm", import.meta.url);

  #ui = null;
  #graph = null;
  #inspector = null;
  #pending = null;
  #editors = {};
  #observer = null;
  #awake = null;
  #engineReady = false;
  #autoran = false;
  #configured = false;
  /** A config set before the element was first connected. */
  #early = null;
  #fetching = 0;
  #editTimer = null;

  /** The texts and options in use: {definition, input, mocks, testCase, stateMachine}. */
  #config = null;
  /** The definition as last parsed (for the graph and the inspector). */
  #definition = null;
  #problems = [];
  #loadError = null;
  /** The execution and its controls, as the playground has them (session.js). */
  #session = new Session({
    input: () => this.#config.input,
    render: () => this.#render(),
    runStarted: () => this.#render(),
    cannotStart: (e) => {
      if (!e) return;
      this.#problems = [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", editor: "input" }];
      this.#editors.input?.diagnose(this.#problems);
      this.#render();
    },
    renderMs: RENDER_MS,
  });
  #selected = null;
  #status = "LOADING";
  #tab = "output";
  #inputShown = null;

  connectedCallback() {
    if (!this.#ui) this.#build();
    this.#applyHeight();
    this.#applyScheme();
    darkQuery?.addEventListener("change", this.#onScheme);
    if (this.#early) {
      const value = this.#early;
      this.#early = null;
      this.#load(value);
    } else if (!this.#configured) {
      this.#configured = true;
      this.#configure();
    }
    if (this.getAttribute("loading") === "eager") this.#wake();
    else this.#watchVisibility();
  }

  disconnectedCallback() {
    darkQuery?.removeEventListener("change", this.#onScheme);
    this.#observer?.disconnect();
    this.#observer = null;
    // Stop a run in progress; the execution stays, should the element come back.
    this.#session.cancel();
  }

  attributeChangedCallback(name, before, after) {
    if (!this.#ui || before === after) return;
    if (name === "height") this.#applyHeight();
    else if (name === "theme") this.#applyScheme();
    else if (name === "src") this.#configure();
    else {
      this.#buildSide();
      this.#render();
    }
  }

  // -------------------------------------------------------------------------
  // Public API

  /** RUNNING, PAUSED, SUCCEEDED, … as shown; LOADING before the engine is in, INVALID or ERROR when it cannot run. */
  get status() {
    return this.#status;
  }

  /** The Execution handle (the package's JS API) once started, else null. */
  get execution() {
    return this.#session.execution;
  }

  /** What the element runs: {definition, input, mocks} as texts (plus testCase, stateMachine when set). */
  get config() {
    return this.#config && { ...this.#config };
  }

  /** Replace what the element runs: the same shape as the JSON it reads (before or after it is in the page). */
  set config(value) {
    this.#configured = true;
    if (this.#ui) this.#load(value);
    else this.#early = value;
  }

  /** Advance one history event (loading the engine first if need be). */
  async step() {
    await this.#wake();
    this.#step();
  }

  /** Run until the execution finishes or waits; resolves when it stops. */
  async run() {
    await this.#wake();
    await this.#run();
  }

  /** Discard the execution: back to READY. */
  async reset() {
    await this.#wake();
    this.#session.reset();
    this.#render();
  }

  // -------------------------------------------------------------------------
  // Loading

  #configure() {
    const src = this.getAttribute("src");
    if (src) {
      const url = new URL(src, document.baseURI);
      const fetching = ++this.#fetching; // a later src wins over a slower earlier one
      this.#setStatus("LOADING");
      fetch(url)
        .then((r) => {
          if (!r.ok) throw new Error(`${r.status} ${r.statusText}`.trim());
          return r.json();
        })
        .then(
          (value) => fetching === this.#fetching && this.#load(value),
          (e) => fetching === this.#fetching && this.#fail(`Could not read ${src}: ${e.message}`),
        );
      return;
    }
    const script = this.querySelector(':scope > script[type="application/json"]');
    if (!script && document.readyState === "loading") {
      // Defined before the parser reached our children: look again once it has.
      document.addEventListener("DOMContentLoaded", () => this.#configure(), { once: true });
      return;
    }
    if (!script) {
      this.#fail('No state machine: put a <script type="application/json"> with {"definition": …} inside the element, or name a file with src.');
      return;
    }
    let value;
    try {
      value = JSON.parse(script.textContent);
    } catch (e) {
      this.#fail(`The <script type="application/json"> is not JSON: ${e.message}`);
      return;
    }
    this.#load(value);
  }

  #load(value) {
    if (!value || typeof value !== "object" || Array.isArray(value) || value.definition === undefined) {
      this.#fail('Expected {"definition": …, "input": …, "mocks": …}: the definition is missing.');
      return;
    }
    this.#loadError = null;
    this.#config = {
      definition: textOf(value.definition, ""),
      input: textOf(value.input, "{}"),
      mocks: textOf(value.mocks, ""),
      testCase: typeof value.testCase === "string" ? value.testCase : undefined,
      stateMachine: typeof value.stateMachine === "string" ? value.stateMachine : undefined,
    };
    // The editors (which ones depends on the mocks) show the new texts.
    if (Object.keys(this.#editors).length) this.#buildSide();
    this.#drawGraph();
    if (this.#engineReady) this.#prepare();
    else this.#render();
  }

  #fail(message) {
    this.#loadError = message;
    this.#session.cancel();
    this.#render();
  }

  #watchVisibility() {
    if (this.#awake || this.#observer) return;
    if (typeof IntersectionObserver === "undefined") {
      this.#wake();
      return;
    }
    this.#observer = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      this.#observer?.disconnect();
      this.#observer = null;
      this.#wake();
    }, { rootMargin: "200px" });
    this.#observer.observe(this);
  }

  /** Load the engine (once per page) and get this element ready to run. */
  #wake() {
    this.#awake ??= loadEngine().then(
      () => {
        this.#engineReady = true;
        if (this.#config) this.#prepare();
      },
      (e) => {
        this.#awake = null;
        this.#fail(`The simulator could not load (${e.message}). It needs WebAssembly, and asl_sim_bg.wasm beside asl-sim-embed.js.`);
      },
    );
    return this.#awake;
  }

  /** Validate, build the Simulator and reset: after loading, and after every edit. */
  #prepare() {
    const config = this.#config;
    let simulator = null;
    this.#problems = definitionProblems(config.definition).map((d) => ({ ...d, editor: "definition" }));
    for (const which of ["input", "mocks"]) {
      const problem = config[which].trim() === "" ? null : jsonProblem(config[which]);
      if (problem) this.#problems.push({ ...problem, message: `${which === "input" ? "Input" : "Mocks"}: ${problem.message}`, editor: which });
    }
    if (!this.#problems.some((d) => d.severity === "ERROR")) {
      try {
        simulator = new Simulator(config.definition, {
          mocks: config.mocks.trim() === "" ? undefined : config.mocks,
          testCase: config.testCase,
          stateMachine: config.stateMachine,
        });
      } catch (e) {
        const editor = e.code === "INVALID_MOCKS" ? "mocks" : "definition";
        this.#problems = e.diagnostics?.map((d) => ({ ...d, editor })) ?? [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", editor }];
      }
    }
    for (const [which, editor] of Object.entries(this.#editors)) editor.diagnose(this.#problems.filter((d) => d.editor === which));
    this.#session.setSimulator(simulator);
    this.#render();
    if (this.hasAttribute("autorun") && !this.#autoran && simulator) {
      this.#autoran = true;
      this.#run();
    }
  }

  // -------------------------------------------------------------------------
  // The execution (session.js: the same moves as the playground's)

  #step() {
    this.#flushEdits();
    if (this.#session.step()) this.#render();
  }

  async #run() {
    this.#flushEdits();
    if (await this.#session.run()) this.#render();
  }

  /** Answer a paused task by hand; a run goes on from there. */
  #answer(send) {
    if (this.#session.answer(send)) this.#run();
    else this.#render();
  }

  // -------------------------------------------------------------------------
  // Editing

  #edited(which, text) {
    this.#config[which] = text;
    if (which === "definition") this.#drawGraph();
    clearTimeout(this.#editTimer);
    this.#editTimer = setTimeout(() => this.#applyEdits(), EDIT_DEBOUNCE_MS);
  }

  #applyEdits() {
    this.#editTimer = null;
    if (this.#engineReady) this.#prepare();
  }

  /** Apply edits still waiting for their debounce, so a click right after typing acts on what was typed. */
  #flushEdits() {
    if (this.#editTimer === null) return;
    clearTimeout(this.#editTimer);
    this.#applyEdits();
  }

  #drawGraph() {
    let parsed = null;
    try {
      parsed = JSON.parse(this.#config.definition);
    } catch {
      // keep the last graph that parsed, dimmed
    }
    this.#ui.graph.classList.toggle("stale", parsed === null);
    if (parsed === null) return;
    this.#definition = parsed;
    if (this.#selected && !indexStates(parsed).has(this.#selected)) this.#selected = null;
    this.#graph.draw(parsed);
    this.#graph.setSelected(this.#selected);
  }

  // -------------------------------------------------------------------------
  // The view

  #build() {
    const root = this.attachShadow({ mode: "open" });
    root.adoptedStyleSheets = [styleSheet()];
    const button = (name, label, title, primary = false) =>
      h(primary ? "button.primary" : "button", { type: "button", dataset: { testid: name }, title, disabled: true }, icon(name), h("span.label", null, label));
    const ui = {
      step: button("step", "Step", "Step one history event"),
      run: button("run", "Run", "Run until it finishes or waits for an answer", true),
      reset: button("reset", "Reset", "Start again from the input"),
      status: h("span.status", { dataset: { testid: "status", status: "LOADING" }, role: "status", "aria-live": "polite" }, "LOADING"),
      count: h("span", { dataset: { testid: "history-count" } }, "0"),
      elapsed: h("time.elapsed", { dataset: { testid: "clock" } }, "+0:00.000"),
      last: h("span.last-event", { dataset: { testid: "last-event" } }),
      graph: h("div.graph", { dataset: { testid: "graph" }, role: "group", "aria-label": "State machine graph" }),
      side: h("div.side"),
    };
    ui.step.addEventListener("click", () => this.#step());
    ui.run.addEventListener("click", () => this.#run());
    ui.reset.addEventListener("click", () => {
      this.#flushEdits();
      this.#session.reset();
      this.#render();
    });
    const frame = ui.frame = h("div.frame", { part: "frame" },
      h("div.bar", { role: "toolbar", "aria-label": "Execution controls" },
        h("div.controls", null, ui.step, ui.run, ui.reset),
        ui.status,
        h("span.meta", null, ui.count, " events \u00b7 ", ui.elapsed),
        ui.last),
      h("div.body", null, h("div.graph-box", null, ui.graph, legend()), ui.side));
    root.append(frame);
    this.#ui = ui;
    this.#graph = new GraphView(ui.graph, { onSelect: (name) => this.#select(name) });
    this.#buildSide();
    this.#render();
  }

  /** The side panel: the output, then the inspector and the editors when asked for, as tabs. */
  #buildSide() {
    const ui = this.#ui;
    const editable = this.hasAttribute("editable");
    const showEditors = editable || this.hasAttribute("readonly");
    ui.headline = h("p.headline");
    ui.output = h("pre.output.json", { dataset: { testid: "output" }, "aria-label": "Execution output", hidden: true });
    ui.error = h("p.error-text", { dataset: { testid: "error" }, hidden: true });
    ui.diagnostics = h("ul.diagnostics", { dataset: { testid: "diagnostics" }, "aria-label": "Problems", hidden: true });
    ui.pending = h("div.pending", { hidden: true });
    ui.input = h("details.input-box", null, h("summary", null, "Input"), h("pre.json"));
    this.#inputShown = null;
    this.#pending = new PendingPanel(ui.pending, {
      onSuccess: (token, output) => this.#answer((ex) => ex.sendTaskSuccess(token, output)),
      onFailure: (token, error, cause) => this.#answer((ex) => ex.sendTaskFailure(token, error, cause)),
      onHeartbeat: (token) => this.#session.execution.sendTaskHeartbeat(token),
      proposal: () => undefined,
    });
    const panes = [["output", "Output", h("div.pane-body.result", null, ui.headline, ui.error, ui.output, ui.pending, ui.diagnostics, ui.input)]];
    this.#inspector = null;
    if (this.hasAttribute("inspector")) {
      const box = h("div.pane-body.inspector", { dataset: { testid: "inspector" } });
      this.#inspector = new Inspector(box, {});
      panes.push(["inspector", "Inspector", box]);
    }
    this.#editors = {};
    if (showEditors) {
      const labels = { definition: "State machine definition (JSON)", input: "Execution input (JSON)", mocks: "Mocks (JSON): inline form or a MockConfigFile" };
      for (const which of ["definition", "input", "mocks"]) {
        if (which === "mocks" && !editable && !this.#config?.mocks) continue;
        const editor = new TextEditor({
          text: this.#config?.[which] ?? "",
          label: labels[which],
          testid: `${which}-editor`,
          readOnly: !editable,
          onChange: (text) => this.#edited(which, text),
        });
        editor.diagnose(this.#problems.filter((d) => d.editor === which));
        this.#editors[which] = editor;
        panes.push([which, which[0].toUpperCase() + which.slice(1), editor.root]);
      }
    }
    const tabs = h("div.tabs", { role: "tablist", "aria-label": "Panels", hidden: panes.length < 2 });
    const bodies = [];
    ui.tabs = {};
    for (const [id, label, body] of panes) {
      const tab = h("button", { type: "button", role: "tab", "aria-selected": "false", tabindex: "-1", dataset: { tab: id } }, label);
      const pane = h("div.pane", { role: "tabpanel", "aria-label": label, hidden: true }, body);
      tab.addEventListener("click", () => this.#showTab(id));
      tabs.append(tab);
      bodies.push(pane);
      ui.tabs[id] = { tab, pane };
    }
    tabs.addEventListener("keydown", (e) => {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      const ids = Object.keys(ui.tabs);
      const i = ids.indexOf(this.#tab);
      const next = ids[(i + (e.key === "ArrowRight" ? 1 : ids.length - 1)) % ids.length];
      this.#showTab(next);
      ui.tabs[next].tab.focus();
      e.preventDefault();
    });
    ui.side.replaceChildren(tabs, h("div.panes", null, ...bodies));
    this.#showTab(ui.tabs[this.#tab] ? this.#tab : "output");
  }

  #showTab(id) {
    this.#tab = id;
    for (const [key, { tab, pane }] of Object.entries(this.#ui.tabs)) {
      const on = key === id;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
      pane.hidden = !on;
    }
  }

  #select(name) {
    this.#selected = name;
    this.#graph.setSelected(name);
    if (this.#inspector) {
      this.#showTab("inspector");
      this.#renderInspector();
    }
  }

  #applyHeight() {
    const value = this.getAttribute("height");
    this.#ui.frame.style.height = value === null ? "" : /^\d+(\.\d+)?$/.test(value.trim()) ? `${value.trim()}px` : value;
  }

  #onScheme = () => this.#applyScheme();

  /**
   * Dark with theme="dark"; with no theme, dark when the page's color-scheme allows it and
   * the system prefers it, as the browser decides for its own controls (a page that declares
   * no color-scheme gets the light theme whatever the system prefers).
   */
  #applyScheme() {
    const theme = this.getAttribute("theme");
    let dark = theme === "dark";
    if (theme !== "dark" && theme !== "light") {
      const declared = getComputedStyle(this).colorScheme ?? "normal";
      const allowsDark = /\bdark\b/.test(declared);
      dark = allowsDark && (!/\blight\b/.test(declared) || !!darkQuery?.matches);
    }
    this.#ui.frame.classList.toggle("dark", dark);
  }

  #statusText() {
    if (this.#loadError) return "ERROR";
    if (!this.#config || !this.#engineReady) return "LOADING";
    return this.#session.status();
  }

  #setStatus(text) {
    const ui = this.#ui;
    if (ui.status.textContent !== text) {
      ui.status.textContent = text;
      ui.status.dataset.status = text;
    }
    if (this.#status !== text) {
      this.#status = text;
      this.dispatchEvent(new CustomEvent("statuschange", { detail: { status: text }, bubbles: true, composed: true }));
    }
  }

  #render() {
    const ui = this.#ui;
    if (!ui) return;
    const session = this.#session;
    const status = this.#statusText();
    this.#setStatus(status);
    const report = session.report;
    const clock = session.clock();
    ui.count.textContent = String(session.events.length);
    ui.elapsed.textContent = `+${formatElapsed(session.elapsed())}`;
    ui.elapsed.setAttribute("datetime", clock);
    ui.elapsed.title = `Virtual clock: ${clock}`;
    const last = session.events.at(-1);
    const lastState = last && session.trace.stateOf(last.id);
    ui.last.textContent = last ? `${last.id} \u00b7 ${last.type}${lastState ? ` \u00b7 ${lastState}` : ""}` : "";

    this.#graph.show(session.graphView());

    const startable = !!session.simulator && !this.#loadError;
    ui.step.disabled = session.running || !startable || FINISHED.has(status);
    ui.run.disabled = session.running || !startable || FINISHED.has(status);
    ui.reset.disabled = !session.execution && !session.running;

    this.#renderResult(status, report);
    this.#renderInspector();
  }

  #renderResult(status, report) {
    const ui = this.#ui;
    const session = this.#session;
    const last = session.events.at(-1);
    ui.output.hidden = true;
    ui.error.hidden = true;
    ui.diagnostics.hidden = true;
    ui.headline.dataset.kind = "";
    this.#pending.show({ waiting: session.running ? [] : report?.waitingFor ?? [] });
    fill(ui.input.lastChild, this.#config ? reindent(this.#config.input.trim() || "{}") : "");
    // Open before a run, closed once there is a result; in between, as the reader left it.
    const before = status === "READY" || status === "LOADING";
    if (before !== this.#inputShown) ui.input.open = this.#inputShown = before;
    if (status === "ERROR") {
      ui.headline.textContent = "";
      ui.error.hidden = false;
      ui.error.textContent = this.#loadError;
    } else if (status === "LOADING") {
      ui.headline.textContent = this.#config ? "Loading the simulator\u2026" : "Loading the state machine\u2026";
    } else if (status === "INVALID") {
      ui.headline.textContent = this.#problems.some((d) => d.editor === "definition" && d.severity === "ERROR")
        ? "The definition has problems, so it cannot run:"
        : "Fix these problems to run it:";
      ui.headline.dataset.kind = "bad";
      ui.diagnostics.hidden = false;
      ui.diagnostics.replaceChildren(...this.#problems.map((d) => diagnosticItem(d, this.#editors[d.editor] ? () => this.#reveal(d) : null)));
    } else if (status === "READY") {
      ui.headline.textContent = "Step through the execution one history event at a time, or Run it.";
    } else if (status === "SUCCEEDED" && last?.type === "ExecutionSucceeded") {
      ui.headline.textContent = `Succeeded after ${formatElapsed(millis(last.timestamp) - millis(session.events[0].timestamp))} of virtual time. Output:`;
      ui.output.hidden = false;
      fill(ui.output, reindent(last.executionSucceededEventDetails?.output ?? "null"));
    } else if (FINISHED.has(status)) {
      ui.headline.textContent = `${status === "TIMED_OUT" ? "Timed out" : status === "ABORTED" ? "Aborted" : "Failed"}:`;
      ui.error.hidden = false;
      const cause = session.execution.cause();
      ui.error.replaceChildren(h("strong", null, session.execution.error() ?? status), cause ? h("span", null, `: ${cause}`) : "");
    } else if (status === "PAUSED") {
      const names = (report?.waitingFor ?? []).map((w) => w.state);
      ui.headline.textContent = `Paused: waiting for ${names.join(", ")}. Answer it below.`;
    } else {
      const active = report?.active ?? [];
      ui.headline.textContent = session.running ? "Running\u2026" : active.length ? `In ${stateList(active)}: Step or Run on.` : "Running: Step or Run on.";
    }
  }

  #reveal(d) {
    this.#showTab(d.editor);
    this.#editors[d.editor].reveal(d);
  }

  #renderInspector() {
    if (!this.#inspector) return;
    const name = this.#selected;
    const state = name && indexStates(this.#definition).get(name);
    if (!state) {
      this.#inspector.show({});
      return;
    }
    const { inspection, variables } = this.#session.inspect(name);
    const entries = this.#session.trace.byState.get(name) ?? [];
    this.#inspector.show({
      name,
      state,
      status: this.#graph.nodes.get(name)?.g.dataset.status ?? this.#session.trace.statusOf(name),
      runs: entries.length,
      entries,
      inspection,
      variables,
      context: inspection?.context ? { value: inspection.context, note: "as the engine built it" } : null,
      machineLanguage: this.#definition?.QueryLanguage ?? "JSONPath",
    });
  }
}

if (globalThis.customElements && !customElements.get("asl-sim-embed")) {
  customElements.define("asl-sim-embed", AslSimEmbed);
}
