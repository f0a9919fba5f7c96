// The playground: three editors, the graph, the controls, the history and
// timeline, the JSONata scratch panel, the inspector and the Waiting for panel,
// over the wasm engine.
// The engine is deterministic and every call is bounded: a run goes in
// chunks of `run({maxSteps})`, yielding to the browser between them, so no
// definition can freeze the tab. Everything the user typed (or the engine
// echoes back) reaches the page as text, never as HTML.

import init, { validate, Simulator } from "../../pkg/asl_sim.js";
import { h, toast, download } from "./dom.js";
import { runInSlices } from "./run-loop.js";
import { createEditor, jsonError } from "./editors.js";
import { GraphView, legend } from "./graph.js";
import { HistoryView, formatElapsed } from "./history-view.js";
import { TimelineView } from "./timeline.js";
import { Inspector } from "./inspector.js";
import { PendingPanel } from "./pending.js";
import { Trace, millis, indexStates } from "./trace.js";
import { readFragment, compressedFragment, validState } from "./share.js";
import { EXAMPLES, DEFAULT_EXAMPLE, exampleState } from "./examples.js";
import { fill } from "./json-view.js";
import { reindent } from "./json-text.js";
import { JsonataScratch } from "./scratch.js";
import { SubstitutionsPanel } from "./substitutions.js";

const START_TIME = "2024-01-01T00:00:00.000Z";
/** How often a long run redraws the whole page. */
const RENDER_MS = 120;
const EDIT_DEBOUNCE_MS = 250;

const $ = (id) => document.getElementById(id);
const ui = {
  status: $("status"), clock: $("clock"), elapsed: $("elapsed"), count: $("history-count"),
  output: $("output"), error: $("error"), pausedNote: $("paused-note"), execSummary: $("exec-summary"),
  diagnostics: $("diagnostics"), diagnosticsSummary: $("diagnostics-summary"), banner: $("banner"),
  step: $("step"), stepBack: $("step-back"), run: $("run"), runToBreakpoint: $("run-to-breakpoint"), reset: $("reset"),
  examples: $("examples"), testCase: $("test-case"), stateMachine: $("state-machine"), stateMachineLabel: $("state-machine-label"),
  mockOptions: $("mock-options"), mockFormat: $("mock-format"), seed: $("seed"),
};

// ---------------------------------------------------------------------------
// State

const page = {
  /** the parsed definition (last one that parsed), for the graph and Retry/Catch lookups */
  definition: null,
  definitionOk: false,
  /** problems per editor: {definition: [], input: [], mocks: []} */
  problems: { definition: [], input: [], mocks: [] },
  simulator: null,
  execution: null,
  /** the history so far, as read from the engine (a cache: the engine has the truth) */
  events: [],
  trace: new Trace(null),
  report: null,
  breakpoints: new Set(),
  pausedBefore: null,
  selected: null,
  /** what the user did last: "run" resumes the run after a task is answered by hand */
  mode: "step",
  /** bumped to cancel a run in progress (Reset, an edit, a new example) */
  generation: 0,
  running: false,
  example: DEFAULT_EXAMPLE,
  seed: 0,
  testCase: undefined,
  stateMachine: undefined,
};

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

const substitutions = new SubstitutionsPanel($("substitutions"), () => edited("definition"));
const editorKeys = (e) => shortcuts(e, true);
const editors = {
  definition: createEditor($("pane-definition"), { text: "", label: "State machine definition (JSON)", testid: "definition-editor", onChange: () => edited("definition"), onKey: editorKeys }),
  input: createEditor($("input-editor"), { text: "", label: "Execution input (JSON)", testid: "input-editor", onChange: () => edited("input"), onKey: editorKeys }),
  mocks: createEditor($("mock-editor"), { text: "", label: "Mocks (JSON): inline form or a MockConfigFile", testid: "mocks-editor", onChange: () => edited("mocks"), onKey: editorKeys }),
};

const scratch = new JsonataScratch({
  workerUrl: new URL("jsonata-worker.js", import.meta.url),
  wasmUrl: new URL("asl_sim_bg.wasm", import.meta.url),
  context: scratchContext,
  onChange: () => saveToUrl(),
  onKey: editorKeys,
});

function applyEdits() {
  editTimer = null;
  const which = new Set(pendingEdits);
  pendingEdits.clear();
  if (which.has("definition")) checkDefinition();
  if (which.has("input")) checkInput();
  if (which.has("mocks")) checkMocks();
  rebuildSimulator();
  resetExecution();
  saveToUrl();
}

function checkDefinition() {
  const text = editors.definition.text;
  substitutions.update(text);
  let diagnostics;
  try {
    diagnostics = validate(text, { substitutions: substitutions.option() });
  } catch (e) {
    diagnostics = [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", pointer: "", line: 1, column: 1, endLine: 1, endColumn: 1 }];
  }
  page.problems.definition = diagnostics;
  page.definitionOk = !diagnostics.some((d) => d.severity === "ERROR");
  editors.definition.diagnose(diagnostics);
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the last graph that parsed, dimmed
  }
  const graphEl = $("graph");
  graphEl.classList.toggle("stale", parsed === null);
  if (parsed !== null) {
    page.definition = parsed;
    graph.draw(parsed);
    graph.setBreakpoints(page.breakpoints);
    graph.setSelected(page.selected);
  }
}

function checkInput() {
  const text = editors.input.text;
  const error = text.trim() === "" ? null : jsonError(text);
  page.problems.input = error ? [{ ...error, message: `Input: ${error.message}` }] : [];
  editors.input.diagnose(error ? [error] : []);
}

function checkMocks() {
  const text = editors.mocks.text;
  const error = text.trim() === "" ? null : jsonError(text);
  page.problems.mocks = error ? [{ ...error, message: `Mocks: ${error.message}` }] : [];
  editors.mocks.diagnose(error ? [error] : []);
  let value = null;
  if (!error && text.trim() !== "") value = JSON.parse(text);
  updateTestCases(value);
}

/** The MockConfigFile pickers: state machine (when there are several) and test case. */
function updateTestCases(value) {
  const isConfig = value && typeof value === "object" && !Array.isArray(value) && ("StateMachines" in value || "MockedResponses" in value);
  ui.mockFormat.textContent = value === null ? "" : isConfig ? "MockConfigFile" : "inline";
  ui.mockOptions.hidden = !isConfig;
  if (!isConfig) {
    page.testCase = undefined;
    page.stateMachine = undefined;
    ui.testCase.replaceChildren();
    return;
  }
  const machines = value.StateMachines && typeof value.StateMachines === "object" ? Object.keys(value.StateMachines) : [];
  ui.stateMachineLabel.hidden = machines.length < 2;
  if (!machines.includes(page.stateMachine)) page.stateMachine = machines.length > 1 ? machines[0] : undefined;
  ui.stateMachine.replaceChildren(...machines.map((m) => h("option", { value: m, selected: m === page.stateMachine }, m)));
  const machine = value.StateMachines?.[page.stateMachine ?? machines[0]];
  const cases = machine?.TestCases && typeof machine.TestCases === "object" ? Object.keys(machine.TestCases) : [];
  if (!cases.includes(page.testCase)) page.testCase = cases[0];
  ui.testCase.replaceChildren(...cases.map((c) => h("option", { value: c, selected: c === page.testCase }, c)));
  ui.testCase.disabled = cases.length < 2;
}

/** A Simulator for the current texts, or the reason there is none (shown with the problems). */
function rebuildSimulator() {
  page.simulator?.free();
  page.simulator = null;
  page.problems.options = [];
  if (!page.definitionOk || page.problems.mocks.length || page.problems.input.length) {
    showProblems();
    return;
  }
  const mocks = editors.mocks.text.trim();
  try {
    page.simulator = new Simulator(editors.definition.text, {
      mocks: mocks === "" ? undefined : mocks,
      testCase: page.testCase,
      stateMachine: page.stateMachine,
      seed: page.seed,
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
  showProblems();
}

function showProblems() {
  const items = [];
  const add = (editor, d) => {
    const where = d.line ? `${d.line}:${d.column}` : "";
    const item = h("li", { class: (d.severity ?? "ERROR").toLowerCase(), dataset: { testid: "diagnostic", editor } },
      h("button.diagnostic", { type: "button", title: "Show it in the editor" },
        h("span.sev", null, d.severity === "WARNING" ? "warning" : "error"),
        h("span.where", null, `${editor}${where ? ` ${where}` : ""}`),
        h("span.code", null, d.code ?? ""),
        h("span.message", null, d.message),
        d.pointer ? h("span.pointer", null, d.pointer) : null));
    item.firstChild.addEventListener("click", () => {
      selectTab(editor);
      if (d.line || d.from !== undefined) editors[editor].reveal(d);
      else editors[editor].focus();
    });
    items.push(item);
  };
  for (const d of page.problems.definition) add("definition", d);
  for (const d of page.problems.input) add("input", { ...d, line: d.line ?? lineOf(editors.input.text, d.from), column: d.column ?? columnOf(editors.input.text, d.from) });
  for (const d of page.problems.mocks) add("mocks", { ...d, line: d.line ?? lineOf(editors.mocks.text, d.from), column: d.column ?? columnOf(editors.mocks.text, d.from) });
  for (const d of page.problems.options ?? []) add(d.editor ?? "mocks", d);
  ui.diagnostics.replaceChildren(...items);
  const errors = items.filter((i) => i.classList.contains("error")).length;
  const warnings = items.length - errors;
  ui.diagnosticsSummary.textContent = items.length === 0 ? "No problems" : [errors && `${errors} error${errors > 1 ? "s" : ""}`, warnings && `${warnings} warning${warnings > 1 ? "s" : ""}`].filter(Boolean).join(", ");
  ui.diagnosticsSummary.parentElement.dataset.state = errors ? "error" : warnings ? "warning" : "ok";
}

const lineOf = (text, offset) => (offset === undefined ? undefined : text.slice(0, offset).split("\n").length);
const columnOf = (text, offset) => (offset === undefined ? undefined : offset - text.lastIndexOf("\n", offset - 1));

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
const pending = new PendingPanel($("pending"), {
  onSuccess: (token, output) => answer(() => page.execution.sendTaskSuccess(token, output)),
  onFailure: (token, error, cause) => answer(() => page.execution.sendTaskFailure(token, error, cause)),
  onHeartbeat: (token) => {
    page.execution.sendTaskHeartbeat(token);
    toast("Heartbeat sent: the task's HeartbeatSeconds timer starts again.");
  },
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
  saveToUrl();
}

// ---------------------------------------------------------------------------
// The execution

function resetExecution() {
  page.generation++;
  page.running = false;
  page.execution?.free();
  page.execution = null;
  page.events = [];
  page.trace = new Trace(page.definition);
  page.report = null;
  page.pausedBefore = null;
  render();
}

/** The execution, started on first use; null (with the reason on screen) when it cannot start. */
function execution() {
  if (page.execution) return page.execution;
  if (!page.simulator) {
    flashProblems();
    return null;
  }
  const input = editors.input.text.trim() === "" ? "{}" : editors.input.text;
  try {
    page.execution = page.simulator.start(input);
  } catch (e) {
    page.problems.options = [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", editor: "input" }];
    showProblems();
    flashProblems();
    return null;
  }
  page.trace = new Trace(page.definition);
  page.events = [];
  take(page.execution.history()); // ExecutionStarted, recorded by start()
  return page.execution;
}

function flashProblems() {
  const box = ui.diagnostics.parentElement;
  box.classList.remove("flash");
  void box.offsetWidth;
  box.classList.add("flash");
  toast("Fix the problems listed under the editors first.", "error");
}

/** The report of an execution without moving it: run() with a budget of nothing. */
const peek = (ex) => ex.run({ maxSteps: 0 });

function step() {
  flush();
  const ex = execution();
  if (!ex || page.running) return;
  page.mode = "step";
  page.pausedBefore = null;
  const report = ex.step();
  if (report.events.length) take(report.events);
  else if (report.status === "PAUSED") {
    toast(`Waiting for ${report.waitingFor.map((w) => w.state).join(", ")}: answer it in the Waiting for panel.`);
  }
  page.report = report;
  render();
}

function stepBack() {
  flush();
  const ex = page.execution;
  if (!ex || page.running || page.events.length <= 1) return;
  page.mode = "step";
  const report = ex.stepBack();
  page.events.length = Math.min(page.events.length, report.eventCount);
  page.trace = new Trace(page.definition);
  page.trace.add(page.events);
  page.pausedBefore = null;
  page.report = report;
  render();
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

/**
 * Run or run to a breakpoint, through the shared run loop (run-loop.js): the page
 * redrawn between slices (at most every RENDER_MS), progress shown in between.
 */
async function runLoop(mode, targets) {
  flush();
  const ex = execution();
  if (!ex || page.running) return;
  page.mode = mode;
  const generation = ++page.generation;
  page.running = true;
  updateControls();
  let report = page.report;
  // Paused before a breakpoint: enter it first, or we would stop where we are.
  if (page.pausedBefore) {
    report = ex.step();
    take(report.events);
    page.pausedBefore = null;
  }
  let hit = null;
  let drawn = performance.now();
  try {
    const run = await runInSlices(ex, report, {
      take,
      stop: (event) => Boolean(targets && event.type.endsWith("StateEntered") && targets.has(event.stateEnteredEventDetails?.name)),
      between: (r) => {
        page.report = r;
        if (performance.now() - drawn > RENDER_MS) {
          render();
          drawn = performance.now();
        } else progress(r);
      },
      live: () => generation === page.generation,
    });
    if (!run.live) return;
    report = run.report;
    hit = run.stoppedAt?.stateEnteredEventDetails.name ?? null;
  } finally {
    if (generation === page.generation) page.running = false;
  }
  if (hit) {
    // Stop before it: one step back (the engine replays; the events before are the same).
    report = ex.stepBack();
    page.events.length = report.eventCount;
    page.trace = new Trace(page.definition);
    page.trace.add(page.events);
    page.pausedBefore = hit;
    page.selected = hit;
    graph.setSelected(hit);
  } else if (report.status === "PAUSED" && report.events.length === 0 && mode === "run" && !page.selected) {
    page.selected = report.waitingFor[0]?.state ?? null;
  }
  page.report = report;
  render();
  if (hit) graph.reveal(hit);
}

function take(events) {
  if (events.length === 0) return;
  page.events.push(...events);
  page.trace.add(events);
}

function reset() {
  flush();
  resetExecution();
}

/** StopExecution: the engine records ExecutionAborted at once. */
function abort() {
  const ex = page.execution;
  if (!ex) return;
  page.generation++;
  page.running = false;
  ex.stop("Aborted", "Stopped from the playground");
  take(ex.history().slice(page.events.length));
  page.pausedBefore = null;
  page.report = peek(ex);
  render();
}

function answer(send) {
  send();
  page.report = peek(page.execution);
  if (page.mode === "run") run();
  else render();
}

// ---------------------------------------------------------------------------
// Rendering

function statusText() {
  if (!page.execution) {
    if (!page.simulator) return "INVALID";
    return "READY";
  }
  if (page.pausedBefore) return "PAUSED";
  return page.report?.status ?? page.execution.status();
}

/** Cheap updates while a long run goes on: status, clock, count. */
function progress(report) {
  setStatus(report.status === "RUNNING" ? "RUNNING" : report.status);
  setClock(report.clock);
  ui.count.textContent = String(report.eventCount);
}

function setStatus(text) {
  if (ui.status.textContent !== text) {
    ui.status.textContent = text;
    ui.status.dataset.status = text;
    document.body.dataset.status = text;
  }
}

function setClock(clock) {
  ui.clock.textContent = clock;
  ui.clock.setAttribute("datetime", clock);
  ui.elapsed.textContent = `+${formatElapsed(millis(clock) - millis(START_TIME))}`;
}

function render() {
  const status = statusText();
  setStatus(status);
  const report = page.report;
  setClock(report?.clock ?? page.events.at(-1)?.timestamp ?? START_TIME);
  ui.count.textContent = String(page.events.length);

  // The graph: history-derived status, with what the execution waits on.
  const waiting = new Set((report?.waitingFor ?? []).filter((w) => w.kind !== "breakpoint").map((w) => w.state));
  const trace = page.trace;
  graph.setStatuses((name) => (waiting.has(name) ? "waiting" : trace.statusOf(name)), (name) => trace.runsOf(name), trace.taken, (name) => trace.retriesOf(name));
  graph.setPausedBefore(page.pausedBefore);

  historyView.set(page.events, trace);
  timeline.set(trace, millis(report?.clock ?? START_TIME));
  pending.show(page.running ? [] : report?.waitingFor ?? []);
  renderResult(status, report);
  renderInspector();
  updateControls();
}

function renderResult(status, report) {
  const last = page.events.at(-1);
  ui.error.hidden = true;
  ui.output.hidden = false;
  ui.pausedNote.hidden = true;
  if (status === "SUCCEEDED" && last?.type === "ExecutionSucceeded") {
    fill(ui.output, reindent(last.executionSucceededEventDetails?.output ?? "null"));
    ui.execSummary.textContent = `succeeded after ${formatElapsed(millis(last.timestamp) - millis(page.events[0].timestamp))} of virtual time`;
  } else if (["FAILED", "TIMED_OUT", "ABORTED"].includes(status)) {
    ui.output.textContent = "";
    ui.output.hidden = true;
    ui.error.hidden = false;
    const error = page.execution.error() ?? status;
    const cause = page.execution.cause();
    ui.error.replaceChildren(h("strong", null, error), cause ? h("span", null, `: ${cause}`) : "");
    ui.execSummary.textContent = status.toLowerCase().replace("_", " ");
  } else {
    ui.output.textContent = "";
    ui.output.hidden = true;
    if (status === "PAUSED") {
      ui.pausedNote.hidden = false;
      if (page.pausedBefore) ui.pausedNote.textContent = `Paused at a breakpoint, before ${page.pausedBefore}. Step to enter it, or run on.`;
      else {
        const names = (report?.waitingFor ?? []).map((w) => `${w.state} (${w.kind === "taskToken" ? "task token" : w.kind === "mock" ? "no mock" : w.kind})`);
        ui.pausedNote.textContent = `Waiting for ${names.join(", ")}. Answer below.`;
      }
      ui.execSummary.textContent = "paused";
    } else if (status === "RUNNING") {
      const active = report?.active ?? [];
      ui.execSummary.textContent = active.length ? `in ${[...new Set(active)].slice(0, 3).join(", ")}${active.length > 3 ? "…" : ""}` : "running";
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
  if (!name) {
    inspector.show({});
    return;
  }
  const states = indexStates(page.definition);
  const state = states.get(name);
  if (!state) {
    page.selected = null;
    inspector.show({});
    return;
  }
  const ex = page.execution;
  let inspection = null;
  let variables = null;
  if (ex && page.trace.runsOf(name) > 0) {
    try {
      inspection = ex.inspect(name);
      variables = ex.variables(name);
    } catch (e) {
      console.warn("inspect failed", e);
    }
  }
  const entries = page.trace.byState.get(name) ?? [];
  const status = graph.nodes.get(name)?.g.dataset.status ?? page.trace.statusOf(name);
  inspector.show({
    name,
    state,
    status,
    runs: entries.length,
    entries,
    inspection,
    variables,
    context: contextObject(name, entries, inspection),
    breakpoint: page.breakpoints.has(name),
    pausedHere: page.pausedBefore === name,
    machineLanguage: page.definition?.QueryLanguage ?? "JSONPath",
  });
}

/** `$$` for a state's latest entry: the engine's when it reports one, else rebuilt from the history. */
function contextObject(name, entries, inspection) {
  if (inspection?.context) return { value: inspection.context, note: "as the engine built it" };
  const latest = entries.at(-1);
  const started = page.events[0];
  if (!latest || !started) return null;
  const arn = (kind, rest) => `arn:aws:states:us-east-1:123456789012:${kind}:${rest}`;
  const details = started.executionStartedEventDetails ?? {};
  let input;
  try {
    input = JSON.parse(details.input ?? "{}");
  } catch {
    input = details.input;
  }
  const retries = latest.attempts.length ? Math.max(0, latest.attempts.length - 1) : 0;
  const value = {
    Execution: { Id: arn("execution", "StateMachine:execution"), Input: input, Name: "execution", RoleArn: details.roleArn, StartTime: started.timestamp, RedriveCount: 0 },
    State: { EnteredTime: page.events[latest.enteredId - 1]?.timestamp, Name: name, RetryCount: retries },
    StateMachine: { Id: arn("stateMachine", "StateMachine"), Name: "StateMachine" },
  };
  const token = (page.report?.waitingFor ?? []).find((w) => w.state === name && w.token)?.token;
  if (token) value.Task = { Token: token };
  if (latest.iteration !== undefined) value.Map = { Item: { Index: Number(latest.iteration) } };
  return { value, note: "rebuilt from the history (the engine does not report $$ yet)" };
}

/** What the JSONata scratch panel evaluates against: the input text, the clock, the seed, the selected state's latest run. */
function scratchContext() {
  const name = page.selected;
  const inputProblem = page.problems.input[0]?.message?.replace(/^Input: /, "");
  const clock = page.report?.clock ?? page.events.at(-1)?.timestamp ?? START_TIME;
  let state = null;
  if (name && indexStates(page.definition).has(name)) {
    state = { name, ran: false };
    const ex = page.execution;
    if (ex && page.trace.runsOf(name) > 0) {
      try {
        const inspection = ex.inspect(name);
        if (inspection && inspection.input !== undefined) {
          const context = contextObject(name, page.trace.byState.get(name) ?? [], inspection)?.value;
          state = { name, ran: true, input: inspection.input, result: inspection.result, context, variables: ex.variables(name), now: context?.State?.EnteredTime };
        }
      } catch (e) {
        console.warn("inspect failed", e);
      }
    }
  }
  return { input: editors.input.text, inputProblem, clock, seed: page.seed, state };
}

function updateControls() {
  const has = !!page.execution;
  const status = statusText();
  const finished = ["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"].includes(status);
  const startable = !!page.simulator;
  ui.step.disabled = page.running || !startable || finished;
  ui.run.disabled = page.running || !startable || finished;
  ui.runToBreakpoint.disabled = page.running || !startable || finished || page.breakpoints.size === 0;
  ui.runToBreakpoint.title = page.breakpoints.size
    ? `Run until the next breakpoint (F8): ${[...page.breakpoints].join(", ")}`
    : "Run to breakpoint (F8): set a breakpoint first with Shift+click on a state, its dot, or F9";
  ui.stepBack.disabled = page.running || !has || page.events.length <= 1;
  ui.reset.disabled = !has && !page.running;
  $("abort").hidden = !has || finished;
}

// ---------------------------------------------------------------------------
// Loading, sharing, files

function currentState() {
  return {
    definition: editors.definition.text,
    input: editors.input.text,
    mocks: editors.mocks.text,
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
  page.seed = Number.isSafeInteger(state.seed) && state.seed >= 0 ? state.seed : 0;
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
  resetExecution();
  graph.fitToView();
  ui.examples.value = example?.id ?? "";
}

let urlTimer = null;
function saveToUrl() {
  clearTimeout(urlTimer);
  urlTimer = setTimeout(async () => {
    const fragment = await compressedFragment(currentState());
    history.replaceState(null, "", fragment);
    lastHash = fragment;
  }, 400);
}

let lastHash = null;
async function loadFromUrl() {
  const hash = location.hash;
  if (hash === lastHash) return true;
  lastHash = hash;
  let state;
  try {
    state = await readFragment(hash);
  } catch (e) {
    showBanner(`This link's state could not be read: ${e.message}. Showing the default example instead.`);
    return false;
  }
  if (!state) return false;
  hideBanner();
  load(state, EXAMPLES.find((x) => JSON.stringify(x.definition, null, 2) === state.definition) ?? null);
  return true;
}

function showBanner(text) {
  ui.banner.replaceChildren(h("span", null, text), h("button.small", { type: "button", onclick: hideBanner, "aria-label": "Dismiss" }, "\u00d7"));
  ui.banner.hidden = false;
}

function hideBanner() {
  ui.banner.hidden = true;
}

async function share() {
  flush();
  const fragment = await compressedFragment(currentState());
  history.replaceState(null, "", fragment);
  lastHash = fragment;
  const link = location.href;
  try {
    await navigator.clipboard.writeText(link);
    toast(`Link copied: it holds the definition, the input and the mocks${scratch.state() ? ", and the JSONata scratch" : ""}.`);
  } catch {
    window.prompt("Copy this link:", link);
  }
}

async function openFile(file) {
  const text = await file.text();
  let value;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // Not JSON: put it in the definition editor anyway, where the diagnostics say what is wrong.
    load({ definition: text, input: editors.input.text, mocks: "" });
    toast(`${file.name} is not valid JSON: ${e.message}`, "error");
    return;
  }
  if (value && typeof value.definition === "string") {
    load(validState(value));
    toast(`Opened the workspace ${file.name}.`);
  } else if (value && (value.StateMachines || value.MockedResponses)) {
    editors.mocks.set(JSON.stringify(value, null, 2));
    selectTab("mocks");
    toast(`Opened ${file.name} as the mocks.`);
  } else {
    editors.definition.set(text);
    selectTab("definition");
    toast(`Opened ${file.name} as the definition.`);
  }
}

function save(what) {
  flush();
  const names = { definition: "state-machine.asl.json", input: "input.json", mocks: "mocks.json", workspace: "asl-sim-workspace.json", history: "execution-history.json" };
  if (what === "workspace") download(names.workspace, `${JSON.stringify(currentState(), null, 2)}\n`);
  else if (what === "history") {
    if (!page.execution) {
      toast("No execution yet: Step or Run first.", "error");
      return;
    }
    download(names.history, `${JSON.stringify({ events: page.execution.history() }, null, 2)}\n`);
  } else download(names[what], editors[what].text);
  $("save-menu").open = false;
}

// ---------------------------------------------------------------------------
// Tabs, theme, keyboard

function setupTabs(list, onShow) {
  const tabs = [...list.querySelectorAll("[role=tab]")];
  const show = (tab, focus = false) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    onShow?.(tab.id);
  };
  list.addEventListener("click", (e) => {
    const tab = e.target.closest("[role=tab]");
    if (tab) show(tab);
  });
  list.addEventListener("keydown", (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      show(tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length], true);
    }
  });
  return (id) => show(tabs.find((t) => t.id === id));
}

const showEditorTab = setupTabs(document.querySelector(".editors .tabs"), (id) => {
  const which = id.replace("tab-", "");
  requestAnimationFrame(() => editors[which]?.view.requestMeasure());
});
function selectTab(which) {
  showEditorTab(`tab-${which}`);
}
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

const THEMES = ["auto", "light", "dark"];
function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("theme").title = `Theme: ${theme === "auto" ? "follows the system" : theme} (click to change)`;
  $("theme").setAttribute("aria-label", `Theme: ${theme}`);
  try {
    if (theme === "auto") localStorage.removeItem("asl-sim-theme");
    else localStorage.setItem("asl-sim-theme", theme);
  } catch {
    // storage may be off: the theme still applies for this visit
  }
}

function shortcuts(e, inEditor = false) {
  const key = e.key;
  const handled = () => {
    e.preventDefault();
    e.stopPropagation();
    return true;
  };
  if (key === "F10" && e.shiftKey) return handled() && stepBack();
  if (key === "F10") return handled() && step();
  if (key === "F5" && e.shiftKey) return handled() && reset();
  if (key === "F5" || (key === "Enter" && (e.ctrlKey || e.metaKey))) return handled() && run();
  if (key === "F8") return handled() && runToBreakpoint();
  if (key === "F9") {
    handled();
    if (page.selected) toggleBreakpoint(page.selected);
    else toast("Select a state first (click it in the graph).");
    return true;
  }
  if (inEditor) return false;
  const typing = e.target.closest?.("input, textarea, select, [contenteditable=true], .cm-editor");
  if (!typing && key === "?") {
    handled();
    $("help").showModal();
    return true;
  }
  if (!typing && (key === "j" || key === "J") && !e.ctrlKey && !e.metaKey && !e.altKey) {
    handled();
    openScratch();
    return true;
  }
  return false;
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
  $("share").addEventListener("click", share);
  $("open").addEventListener("click", () => $("open-file").click());
  $("open-file").addEventListener("change", (e) => {
    const file = e.target.files?.[0];
    if (file) openFile(file);
    e.target.value = "";
  });
  for (const b of document.querySelectorAll("[data-save]")) b.addEventListener("click", () => save(b.dataset.save));
  $("zoom-in").addEventListener("click", () => graph.setZoom(graph.zoom * 1.2));
  $("zoom-out").addEventListener("click", () => graph.setZoom(graph.zoom / 1.2));
  $("zoom-fit").addEventListener("click", () => graph.fitToView());
  $("help-button").addEventListener("click", () => $("help").showModal());
  $("history-filter").addEventListener("input", (e) => historyView.setFilter(e.target.value));
  let theme = document.documentElement.dataset.theme ?? "auto";
  applyTheme(theme);
  $("theme").addEventListener("click", () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    applyTheme(theme);
  });
  ui.examples.replaceChildren(
    h("option", { value: "", disabled: true }, "Examples\u2026"),
    ...EXAMPLES.map((x) => h("option", { value: x.id, title: x.summary }, x.title)));
  ui.examples.addEventListener("change", () => {
    const example = EXAMPLES.find((x) => x.id === ui.examples.value);
    if (!example) return;
    load(exampleState(example), example);
    saveToUrl();
    toast(example.summary);
  });
  ui.testCase.addEventListener("change", () => {
    page.testCase = ui.testCase.value;
    rebuildSimulator();
    resetExecution();
    saveToUrl();
  });
  ui.stateMachine.addEventListener("change", () => {
    page.stateMachine = ui.stateMachine.value;
    page.testCase = undefined;
    checkMocks();
    rebuildSimulator();
    resetExecution();
    saveToUrl();
  });
  ui.seed.addEventListener("change", () => {
    const n = Number(ui.seed.value);
    page.seed = Number.isSafeInteger(n) && n >= 0 ? n : 0;
    ui.seed.value = String(page.seed);
    rebuildSimulator();
    resetExecution();
    saveToUrl();
  });
  document.addEventListener("keydown", (e) => shortcuts(e));
  window.addEventListener("hashchange", () => loadFromUrl());
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
    return page.events.length;
  },
  get running() {
    return page.running;
  },
  readyAt: undefined,
};

async function main() {
  wire();
  try {
    await init({ module_or_path: new URL("asl_sim_bg.wasm", import.meta.url) });
  } catch (e) {
    showBanner(`The simulator could not load (${e.message}). The page needs WebAssembly.`);
    setStatus("ERROR");
    return;
  }
  const fromUrl = await loadFromUrl();
  if (!fromUrl) load(exampleState(DEFAULT_EXAMPLE), DEFAULT_EXAMPLE);
  window.aslSim.readyAt = performance.now();
  document.body.dataset.ready = "true";
}

main();
