// The playground: three editors, the graph, the controls, the history and
// timeline, the JSONata scratch panel, the inspector and the Waiting for panel,
// over the wasm engine. The execution itself (start, step, run in slices, answer,
// stop) is session.js's, shared with <asl-sim-embed>; the problems list, the URL
// and files, the keyboard and the text formats have modules of their own. What
// stays here is the page: its state, the editors' wiring, rendering and start-up.
// Everything the user typed (or the engine echoes back) reaches the page as
// text, never as HTML.

import init, { Simulator, testState, runTests } from "../../pkg/asl_sim.js";
import { h, toast } from "./dom.js";
import { createEditor, jsonError } from "./editors.js";
import { GraphView, legend } from "./graph.js";
import { HistoryView } from "./history-view.js";
import { TimelineView } from "./timeline.js";
import { Inspector } from "./inspector.js";
import { PendingPanel } from "./pending.js";
import { TestStatePanel, testStateView } from "./test-state.js";
import { millis, indexStates, rebuiltContext } from "./trace.js";
import { validState } from "./share.js";
import { EXAMPLES, DEFAULT_EXAMPLE, exampleState } from "./examples.js";
import { fill } from "./json-view.js";
import { reindent } from "./json-text.js";
import { JsonataScratch } from "./scratch.js";
import { SubstitutionsPanel } from "./substitutions.js";
import { TestsTab } from "./tests-tab.js";
import { S3Editor } from "./s3-editor.js";
import { updateMockPickers } from "./mock-pickers.js";
import { Session, FINISHED } from "./session.js";
import { ProblemsPanel, positioned, definitionProblems } from "./problems.js";
import { Persistence, showBanner, themeButton } from "./persistence.js";
import { shortcuts, setupTabs } from "./keyboard.js";
import { formatElapsed, stateList } from "./format.js";
import { DEFAULTS } from "./defaults.js";

/** How often a long run redraws the whole page. */
const RENDER_MS = 120;
const EDIT_DEBOUNCE_MS = 250;

const $ = (id) => document.getElementById(id);
const ui = {
  status: $("status"), clock: $("clock"), elapsed: $("elapsed"), count: $("history-count"),
  output: $("output"), error: $("error"), pausedNote: $("paused-note"), execSummary: $("exec-summary"),
  banner: $("banner"), runDefaults: $("run-defaults"),
  step: $("step"), stepBack: $("step-back"), run: $("run"), runToBreakpoint: $("run-to-breakpoint"), reset: $("reset"),
  examples: $("examples"), testCase: $("test-case"), stateMachine: $("state-machine"), stateMachineLabel: $("state-machine-label"),
  mockOptions: $("mock-options"), mockFormat: $("mock-format"), seed: $("seed"),
};

// ---------------------------------------------------------------------------
// State

const page = {
  /** the parsed definition (last one that parsed), for the graph and the inspector */
  definition: null,
  definitionOk: false,
  /** problems per editor: {definition: [], input: [], mocks: [], options: []} */
  problems: { definition: [], input: [], mocks: [], s3: [], options: [] },
  breakpoints: new Set(),
  selected: null,
  example: DEFAULT_EXAMPLE,
  seed: DEFAULTS.seed,
  testCase: undefined,
  stateMachine: undefined,
};

const session = new Session({
  input: () => editors.input.text,
  render: () => render(),
  progress: (report) => progress(report),
  runStarted: () => updateControls(),
  cannotStart: (e) => {
    if (e) {
      page.problems.options = [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", editor: "input" }];
      showProblems();
    }
    problems.flash();
  },
  renderMs: RENDER_MS,
});

// ---------------------------------------------------------------------------
// Editors

let editTimer = null;
const pendingEdits = new Set();
function edited(which) {
  pendingEdits.add(which);
  clearTimeout(editTimer);
  editTimer = setTimeout(applyEdits, EDIT_DEBOUNCE_MS);
}

/** Apply edits still waiting for their debounce, so a click right after typing acts on what was typed. */
function flush() {
  if (editTimer === null) return;
  clearTimeout(editTimer);
  applyEdits();
}

const keys = shortcuts({
  step: () => step(),
  stepBack: () => stepBack(),
  run: () => run(),
  reset: () => reset(),
  runToBreakpoint: () => runToBreakpoint(),
  toggleBreakpoint: () => (page.selected ? toggleBreakpoint(page.selected) : toast("Select a state first (click it in the graph).")),
  help: () => $("help").showModal(),
  scratch: () => openScratch(),
});
const substitutions = new SubstitutionsPanel($("substitutions"), () => edited("definition"));
const editorKeys = (e) => keys(e, true);
const editors = {
  definition: createEditor($("pane-definition"), { text: "", label: "State machine definition (JSON)", testid: "definition-editor", onChange: () => edited("definition"), onKey: editorKeys }),
  input: createEditor($("input-editor"), { text: "", label: "Execution input (JSON)", testid: "input-editor", onChange: () => edited("input"), onKey: editorKeys }),
  mocks: createEditor($("mock-editor"), { text: "", label: "Mocks (JSON): inline form or a MockConfigFile", testid: "mocks-editor", onChange: () => edited("mocks"), onKey: editorKeys }),
  s3: new S3Editor($("pane-s3"), { onChange: () => edited("s3"), onKey: editorKeys }),
};

const scratch = new JsonataScratch({
  workerUrl: new URL("jsonata-worker.js", import.meta.url),
  wasmUrl: new URL("asl_sim_bg.wasm", import.meta.url),
  context: scratchContext,
  onChange: () => persistence.saveSoon(),
  onKey: editorKeys,
});

function applyEdits() {
  editTimer = null;
  const which = new Set(pendingEdits);
  pendingEdits.clear();
  if (which.has("definition")) checkDefinition();
  if (which.has("input")) checkInput();
  if (which.has("mocks")) checkMocks();
  if (which.has("s3")) page.problems.s3 = editors.s3.check();
  rebuildSimulator();
  persistence.saveSoon();
}

function checkDefinition() {
  const text = editors.definition.text;
  substitutions.update(text);
  const diagnostics = definitionProblems(text, { substitutions: substitutions.option() });
  page.problems.definition = diagnostics;
  page.definitionOk = !diagnostics.some((d) => d.severity === "ERROR");
  editors.definition.diagnose(diagnostics);
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the last graph that parsed, dimmed
  }
  $("graph").classList.toggle("stale", parsed === null);
  if (parsed !== null) {
    page.definition = parsed;
    graph.draw(parsed);
    graph.setBreakpoints(page.breakpoints);
    graph.setSelected(page.selected);
  }
}

/** The input's or the mocks' JSON error, if any, as a problem of that editor. */
function checkJson(which, label) {
  const text = editors[which].text;
  const error = text.trim() === "" ? null : jsonError(text);
  page.problems[which] = error ? [{ ...error, message: `${label}: ${error.message}` }] : [];
  editors[which].diagnose(error ? [error] : []);
  return error;
}

function checkInput() {
  checkJson("input", "Input");
}

function checkMocks() {
  const error = checkJson("mocks", "Mocks");
  const text = editors.mocks.text;
  updateMockPickers(ui, page, !error && text.trim() !== "" ? JSON.parse(text) : null);
}

/** A Simulator for the current texts (or the reason there is none, shown with the problems); the execution starts again. */
function rebuildSimulator() {
  page.problems.options = [];
  let simulator = null;
  if (page.definitionOk && !page.problems.mocks.length && !page.problems.input.length && !page.problems.s3.length) {
    const mocks = editors.mocks.text.trim();
    try {
      simulator = new Simulator(editors.definition.text, {
        mocks: mocks === "" ? undefined : mocks,
        testCase: page.testCase,
        stateMachine: page.stateMachine,
        seed: page.seed,
        s3: editors.s3.option(),
        substitutions: substitutions.option(),
      });
    } catch (e) {
      if (e.code === "INVALID_DEFINITION") {
        page.problems.definition = e.diagnostics ?? page.problems.definition;
        page.definitionOk = false;
        editors.definition.diagnose(page.problems.definition);
      } else {
        page.problems.options = [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", editor: e.code === "INVALID_MOCKS" ? "mocks" : undefined }];
      }
    }
  }
  showProblems();
  session.setSimulator(simulator);
  render();
}

const problems = new ProblemsPanel($("diagnostics"), $("diagnostics-summary"), {
  onReveal: (editor, d) => {
    selectTab(editor);
    if (d.line || d.from !== undefined) editors[editor].reveal(d);
    else editors[editor].focus();
  },
});

function showProblems() {
  const list = [
    ...page.problems.definition.map((d) => ({ ...d, editor: "definition" })),
    ...page.problems.input.map((d) => ({ ...positioned(d, editors.input.text), editor: "input" })),
    ...page.problems.mocks.map((d) => ({ ...positioned(d, editors.mocks.text), editor: "mocks" })),
    ...page.problems.s3.map((d) => ({ ...positioned(d, editors.s3.text), editor: "s3" })),
    ...page.problems.options.map((d) => ({ ...d, editor: d.editor ?? "mocks" })),
  ];
  problems.show({ problems: list });
}

// ---------------------------------------------------------------------------
// Views

const graph = new GraphView($("graph"), {
  onSelect: (name) => select(name),
  onBreakpoint: (name) => toggleBreakpoint(name),
});
$("legend").replaceWith(legend());
const historyView = new HistoryView($("history"), { onSelectState: (name) => select(name, true) });
const timeline = new TimelineView($("timeline"), { onSelectState: (name) => select(name, true) });
const inspector = new Inspector($("inspector"), {
  onBreakpoint: (name) => toggleBreakpoint(name),
  onRunTo: (name) => runToBreakpoint(new Set([name])),
});
const testStatePanel = new TestStatePanel($("test-state-panel"), { testState });
const pending = new PendingPanel($("pending"), {
  onSuccess: (token, output) => answer((ex) => ex.sendTaskSuccess(token, output)),
  onFailure: (token, error, cause) => answer((ex) => ex.sendTaskFailure(token, error, cause)),
  onHeartbeat: (token) => {
    session.execution.sendTaskHeartbeat(token);
    toast("Heartbeat sent: the task's HeartbeatSeconds timer starts again.");
  },
  onAdvance: () => advanceClock(),
  proposal: (state) => page.example?.answers?.[state],
});

function select(name, reveal = false) {
  page.selected = name;
  graph.setSelected(name);
  if (reveal) graph.reveal(name);
  renderInspector();
}

function toggleBreakpoint(name) {
  if (page.breakpoints.has(name)) page.breakpoints.delete(name);
  else page.breakpoints.add(name);
  graph.setBreakpoints(page.breakpoints);
  if (page.selected === null) select(name);
  renderInspector();
  updateControls();
  persistence.saveSoon();
}

// ---------------------------------------------------------------------------
// The execution (session.js holds it)

function step() {
  flush();
  const report = session.step();
  if (report && report.events.length === 0 && report.status === "PAUSED") {
    toast(`Waiting for ${report.waitingFor.map((w) => w.state).join(", ")}: answer it in the Waiting for panel.`);
  }
  if (report) render();
}

function stepBack() {
  flush();
  if (session.stepBack()) render();
}

/** Run until finished or paused; the page stays responsive throughout. */
function run() {
  return runLoop("run", null);
}

/** Run until the execution is about to enter one of `targets` (the breakpoints by default). */
function runToBreakpoint(targets = page.breakpoints) {
  if (targets.size === 0) {
    flush();
    toast("No breakpoint set: Shift+click a state (or its dot, or press F9 on the selected state).");
    return Promise.resolve();
  }
  return runLoop("step", targets);
}

/** Run or run to a breakpoint; a stop before a breakpoint selects that state. */
async function runLoop(mode, targets) {
  flush();
  const outcome = await session.run({ mode, stopBefore: targets });
  if (!outcome) return;
  const { report, hit } = outcome;
  if (hit) {
    page.selected = hit;
    graph.setSelected(hit);
  } else if (report.status === "PAUSED" && report.events.length === 0 && mode === "run" && !page.selected) {
    page.selected = report.waitingFor[0]?.state ?? null;
  }
  render();
  if (hit) graph.reveal(hit);
}

function reset() {
  flush();
  session.reset();
  render();
}

function abort() {
  session.stop("Aborted", "Stopped from the playground");
  render();
}

/** Let virtual time pass to the next timer, then go on as Run does. */
function advanceClock() {
  flush();
  const report = session.advanceClock();
  if (!report) return;
  if (report.events.length === 0) {
    toast("No timer is left: only an answer can move this execution.");
    render();
    return;
  }
  run();
}

function answer(send) {
  if (session.answer(send)) run();
  else render();
}

// ---------------------------------------------------------------------------
// Rendering

/** Cheap updates while a long run goes on: status, clock, count. */
function progress(report) {
  setStatus(report.status);
  setClock();
  ui.count.textContent = String(report.eventCount);
}

function setStatus(text) {
  if (ui.status.textContent !== text) {
    ui.status.textContent = text;
    ui.status.dataset.status = text;
    document.body.dataset.status = text;
  }
}

function setClock() {
  const clock = session.clock();
  ui.clock.textContent = clock;
  ui.clock.setAttribute("datetime", clock);
  ui.elapsed.textContent = `+${formatElapsed(session.elapsed())}`;
}

function render() {
  const status = session.status();
  setStatus(status);
  setClock();
  ui.count.textContent = String(session.events.length);
  graph.show(session.graphView());
  historyView.show({ events: session.events, trace: session.trace });
  timeline.show({ trace: session.trace, now: millis(session.clock()) });
  pending.show({ waiting: session.running ? [] : session.report?.waitingFor ?? [] });
  renderResult(status, session.report);
  editors.s3.showWritten(session.execution);
  renderInspector();
  updateControls();
}

function renderResult(status, report) {
  const events = session.events;
  const last = events.at(-1);
  ui.error.hidden = true;
  ui.output.hidden = false;
  ui.pausedNote.hidden = true;
  if (status === "SUCCEEDED" && last?.type === "ExecutionSucceeded") {
    fill(ui.output, reindent(last.executionSucceededEventDetails?.output ?? "null"));
    ui.execSummary.textContent = `succeeded after ${formatElapsed(millis(last.timestamp) - millis(events[0].timestamp))} of virtual time`;
  } else if (FINISHED.has(status)) {
    ui.output.textContent = "";
    ui.output.hidden = true;
    ui.error.hidden = false;
    const cause = session.execution.cause();
    ui.error.replaceChildren(h("strong", null, session.execution.error() ?? status), cause ? h("span", null, `: ${cause}`) : "");
    ui.execSummary.textContent = status.toLowerCase().replace("_", " ");
  } else {
    ui.output.textContent = "";
    ui.output.hidden = true;
    if (status === "PAUSED") {
      ui.pausedNote.hidden = false;
      if (session.pausedBefore) ui.pausedNote.textContent = `Paused at a breakpoint, before ${session.pausedBefore}. Step to enter it, or run on.`;
      else {
        const kinds = { taskToken: "task token", mock: "no mock" };
        const names = (report?.waitingFor ?? []).map((w) => `${w.state} (${kinds[w.kind] ?? w.kind})`);
        ui.pausedNote.textContent = `Waiting for ${names.join(", ")}. Answer below.`;
      }
      ui.execSummary.textContent = "paused";
    } else if (status === "RUNNING") {
      const active = report?.active ?? [];
      ui.execSummary.textContent = active.length ? `in ${stateList(active)}` : "running";
    } else if (status === "READY") {
      ui.execSummary.textContent = "not started: Step or Run";
    } else {
      ui.execSummary.textContent = "fix the problems to run";
    }
  }
}

function renderInspector() {
  scratch.changed();
  const name = page.selected;
  const state = name ? indexStates(page.definition).get(name) : undefined;
  if (!state) {
    if (name) page.selected = null;
    inspector.show({});
    testStatePanel.show({});
    return;
  }
  const { inspection, variables } = session.inspect(name);
  const entries = session.trace.byState.get(name) ?? [];
  const sources = { definition: editors.definition.text, executionInput: editors.input.text };
  testStatePanel.show(testStateView({ name, state, inspection, ...sources }));
  inspector.show({
    name,
    state,
    status: graph.nodes.get(name)?.g.dataset.status ?? session.trace.statusOf(name),
    runs: entries.length,
    entries,
    inspection,
    variables,
    context: contextObject(name, entries, inspection),
    breakpoint: page.breakpoints.has(name),
    pausedHere: session.pausedBefore === name,
    machineLanguage: page.definition?.QueryLanguage ?? "JSONPath",
  });
}

/** `$$` for a state's latest entry: the engine's when it reports one, else rebuilt from the history. */
function contextObject(name, entries, inspection) {
  if (inspection?.context) return { value: inspection.context, note: "as the engine built it" };
  const value = rebuiltContext(session.events, name, entries.at(-1), session.report?.waitingFor ?? []);
  return value && { value, note: "rebuilt from the history (the engine does not report $$ yet)" };
}

/** What the JSONata scratch panel evaluates against: the input text, the clock, the seed, the selected state's latest run. */
function scratchContext() {
  const name = page.selected;
  const inputProblem = page.problems.input[0]?.message?.replace(/^Input: /, "");
  let state = null;
  if (name && indexStates(page.definition).has(name)) {
    state = { name, ran: false };
    const { inspection, variables } = session.inspect(name);
    if (inspection && inspection.input !== undefined) {
      const context = contextObject(name, session.trace.byState.get(name) ?? [], inspection)?.value;
      state = { name, ran: true, input: inspection.input, result: inspection.result, context, variables, now: context?.State?.EnteredTime };
    }
  }
  return { input: editors.input.text, inputProblem, clock: session.clock(), seed: page.seed, state };
}

function updateControls() {
  const has = !!session.execution;
  const finished = FINISHED.has(session.status());
  const startable = !!session.simulator;
  const running = session.running;
  ui.step.disabled = running || !startable || finished;
  ui.run.disabled = running || !startable || finished;
  ui.runToBreakpoint.disabled = running || !startable || finished || page.breakpoints.size === 0;
  ui.runToBreakpoint.title = page.breakpoints.size
    ? `Run until the next breakpoint (F8): ${[...page.breakpoints].join(", ")}`
    : "Run to breakpoint (F8): set a breakpoint first with Shift+click on a state, its dot, or F9";
  ui.stepBack.disabled = running || !has || session.events.length <= 1;
  ui.reset.disabled = !has && !running;
  $("abort").hidden = !has || finished;
}

// ---------------------------------------------------------------------------
// Loading and sharing (persistence.js)

function currentState() {
  return {
    definition: editors.definition.text,
    input: editors.input.text,
    mocks: editors.mocks.text,
    s3: editors.s3.text.trim() === "" ? undefined : editors.s3.text,
    seed: page.seed,
    testCase: page.testCase,
    stateMachine: page.stateMachine,
    breakpoints: [...page.breakpoints],
    jsonata: scratch.state(),
    substitutions: substitutions.state(),
  };
}

/** Load a whole state (from the URL, a file, an example) and apply it at once. */
function load(state, example = null) {
  page.example = example;
  page.seed = Number.isSafeInteger(state.seed) && state.seed >= 0 ? state.seed : DEFAULTS.seed;
  ui.seed.value = String(page.seed);
  page.testCase = state.testCase;
  page.stateMachine = state.stateMachine;
  page.breakpoints = new Set(state.breakpoints ?? []);
  substitutions.load(state.substitutions);
  page.selected = null;
  try {
    const start = JSON.parse(state.definition ?? "").StartAt;
    if (typeof start === "string") page.selected = start;
  } catch {
    // no definition to read a start state from
  }
  editors.definition.set(state.definition ?? "");
  editors.input.set(state.input ?? "{}");
  editors.mocks.set(state.mocks ?? "");
  editors.s3.set(state.s3 ?? "");
  page.problems.s3 = editors.s3.check();
  clearTimeout(editTimer);
  editTimer = null;
  pendingEdits.clear();
  checkDefinition();
  checkInput();
  checkMocks();
  graph.setBreakpoints(page.breakpoints);
  // An example keeps the scratch panel as it is; a link or a workspace that has one brings it back.
  if (state.jsonata) {
    scratch.load(state.jsonata);
    showBottomTab("tab-jsonata");
  }
  rebuildSimulator();
  graph.fitToView();
  ui.examples.value = example?.id ?? "";
}

const persistence = new Persistence({
  state: currentState,
  load,
  text: (which) => editors[which].text,
  put: (which, text) => {
    editors[which].set(text);
    selectTab(which);
  },
  history: () => session.execution?.history() ?? null,
  banner: ui.banner,
  hasScratch: () => Boolean(scratch.state()),
});

// ---------------------------------------------------------------------------
// Tabs

const showEditorTab = setupTabs(document.querySelector(".editors .tabs"), (id) => {
  const which = id.replace("tab-", "");
  requestAnimationFrame(() => editors[which]?.view.requestMeasure());
});
function selectTab(which) {
  showEditorTab(`tab-${which}`);
}
new TestsTab($("pane-tests"), { runTests, definition: () => editors.definition.text, input: () => editors.input.text, mocks: () => editors.mocks.text, graph: $("graph") });
const showBottomTab = setupTabs(document.querySelector(".bottom .tabs"), (id) => {
  // The filter is the history's; the timeline has its zoom instead.
  document.querySelector(".bottom .filter").hidden = id !== "tab-history";
  if (id === "tab-jsonata") scratch.show();
  else scratch.hide();
  requestAnimationFrame(() => render());
});

/** J: the scratch panel, its expression focused. */
function openScratch() {
  showBottomTab("tab-jsonata");
  scratch.focus();
}

// ---------------------------------------------------------------------------
// Start

function wire() {
  ui.step.addEventListener("click", step);
  ui.stepBack.addEventListener("click", stepBack);
  ui.run.addEventListener("click", run);
  ui.runToBreakpoint.addEventListener("click", () => runToBreakpoint());
  ui.reset.addEventListener("click", reset);
  $("abort").addEventListener("click", abort);
  $("share").addEventListener("click", () => {
    flush();
    persistence.share();
  });
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", (e) => {
    const file = e.target.files?.[0];
    if (file) persistence.openFile(file);
    e.target.value = "";
  });
  for (const b of document.querySelectorAll("[data-save]")) {
    b.addEventListener("click", () => {
      flush();
      persistence.save(b.dataset.save);
      $("save-menu").open = false;
    });
  }
  $("zoom-in").addEventListener("click", () => graph.setZoom(graph.zoom * 1.2));
  $("zoom-out").addEventListener("click", () => graph.setZoom(graph.zoom / 1.2));
  $("zoom-fit").addEventListener("click", () => graph.fitToView());
  $("help-button").addEventListener("click", () => $("help").showModal());
  $("history-filter").addEventListener("input", (e) => historyView.setFilter(e.target.value));
  themeButton($("theme"));
  // The defaults an execution starts from, as the settings line and the clock show them.
  ui.seed.value = String(DEFAULTS.seed);
  ui.runDefaults.replaceChildren(`Start time ${DEFAULTS.startTime} \u00b7 execution `, h("code", null, DEFAULTS.executionName), " of ", h("code", null, DEFAULTS.stateMachineName));
  setClock();
  ui.examples.replaceChildren(
    h("option", { value: "", disabled: true }, "Examples\u2026"),
    ...EXAMPLES.map((x) => h("option", { value: x.id, title: x.summary }, x.title)));
  ui.examples.addEventListener("change", () => {
    const example = EXAMPLES.find((x) => x.id === ui.examples.value);
    if (!example) return;
    load(exampleState(example), example);
    persistence.saveSoon();
    toast(example.summary);
  });
  ui.testCase.addEventListener("change", () => {
    page.testCase = ui.testCase.value;
    rebuildSimulator();
    persistence.saveSoon();
  });
  ui.stateMachine.addEventListener("change", () => {
    page.stateMachine = ui.stateMachine.value;
    page.testCase = undefined;
    checkMocks();
    rebuildSimulator();
    persistence.saveSoon();
  });
  ui.seed.addEventListener("change", () => {
    const n = Number(ui.seed.value);
    page.seed = Number.isSafeInteger(n) && n >= 0 ? n : DEFAULTS.seed;
    ui.seed.value = String(page.seed);
    rebuildSimulator();
    persistence.saveSoon();
  });
  document.addEventListener("keydown", (e) => keys(e));
  window.addEventListener("hashchange", () => persistence.loadFromUrl());
  document.addEventListener("click", (e) => {
    const menu = $("save-menu");
    if (menu.open && !menu.contains(e.target)) menu.open = false;
  });
}

/** For page tests and the console: drive the page without simulating keystrokes in CodeMirror. */
window.aslSim = {
  setDefinition: (text) => (editors.definition.set(text), flush()),
  setInput: (text) => (editors.input.set(text), flush()),
  setMocks: (text) => (editors.mocks.set(text), flush()),
  setS3: (text) => (editors.s3.set(text), flush()),
  /** The scratch panel: {expression, variables, against}; each field optional. */
  setJsonata: (state) => scratch.set(state),
  openJsonata: openScratch,
  load: (state) => load(validState(state)),
  state: currentState,
  step,
  stepBack,
  run,
  runToBreakpoint: (names) => runToBreakpoint(names ? new Set(names) : page.breakpoints),
  reset,
  select,
  toggleBreakpoint,
  get events() {
    return session.events.length;
  },
  get running() {
    return session.running;
  },
  readyAt: undefined,
};

async function main() {
  wire();
  try {
    await init({ module_or_path: new URL("asl_sim_bg.wasm", import.meta.url) });
  } catch (e) {
    showBanner(ui.banner, `The simulator could not load (${e.message}). The page needs WebAssembly.`);
    setStatus("ERROR");
    return;
  }
  const fromUrl = await persistence.loadFromUrl();
  if (!fromUrl) load(exampleState(DEFAULT_EXAMPLE), DEFAULT_EXAMPLE);
  window.aslSim.readyAt = performance.now();
  document.body.dataset.ready = "true";
}

main();
