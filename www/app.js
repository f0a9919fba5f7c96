// The playground's first page: edit a definition and an input, run or step
// the execution, read the status, the output and the history.
// Everything the user typed (or the engine echoes back) is set with
// textContent, never innerHTML.

import init, { validate, Simulator } from "../pkg/asl_sim.js";

const EXAMPLE = {
  Comment: "Pass → Choice → Succeed: change the input's `amount` to take the other branch",
  StartAt: "Prepare",
  States: {
    Prepare: {
      Type: "Pass",
      Parameters: { "order.$": "$.order", "amount.$": "$.amount", checked: true },
      Next: "IsLarge",
    },
    IsLarge: {
      Type: "Choice",
      Choices: [{ Variable: "$.amount", NumericGreaterThan: 100, Next: "Large" }],
      Default: "Small",
    },
    Large: { Type: "Pass", Result: "needs approval", ResultPath: "$.verdict", Next: "Done" },
    Small: { Type: "Pass", Result: "approved", ResultPath: "$.verdict", Next: "Done" },
    Done: { Type: "Succeed" },
  },
};
const EXAMPLE_INPUT = { order: "A-17", amount: 42 };

/** Run this many steps per frame, so a long execution never freezes the tab. */
const STEPS_PER_FRAME = 200;

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);
const ui = {
  definition: byTestId("definition-editor"),
  input: byTestId("input-editor"),
  run: byTestId("run"),
  step: byTestId("step"),
  reset: byTestId("reset"),
  status: byTestId("status"),
  output: byTestId("output"),
  diagnostics: byTestId("diagnostics"),
  history: byTestId("history"),
  count: byTestId("history-count"),
};

let execution = null;
let events = 0;

function setStatus(status) {
  ui.status.textContent = status;
  ui.status.dataset.status = status;
}

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function showDiagnostics(list) {
  ui.diagnostics.replaceChildren(
    ...list.map((d) => {
      const where = d.pointer ? ` at ${d.pointer}` : "";
      const item = element("li", `${d.line}:${d.column} ${d.code}${where}: ${d.message}`, d.severity.toLowerCase());
      item.dataset.testid = "diagnostic";
      return item;
    }),
  );
}

function showOutput(text, isError = false) {
  ui.output.textContent = text;
  ui.output.classList.toggle("error", isError);
}

/** Validate the definition as the user types; true when it has no error. */
function check() {
  const diagnostics = validate(ui.definition.value);
  showDiagnostics(diagnostics);
  const ok = !diagnostics.some((d) => d.severity === "ERROR");
  if (!execution) setStatus(ok ? "READY" : "INVALID");
  return ok;
}

/** The current execution, started on first use. */
function current() {
  if (execution) return execution;
  if (!check()) return null;
  try {
    const simulator = new Simulator(ui.definition.value);
    execution = simulator.start(ui.input.value.trim() === "" ? "{}" : ui.input.value);
    simulator.free();
    addRows(execution.history()); // ExecutionStarted, recorded by start()
  } catch (e) {
    if (e.diagnostics) showDiagnostics(e.diagnostics);
    showOutput(`${e.code ?? "ERROR"}: ${e.message}`, true);
    setStatus("INVALID");
    return null;
  }
  return execution;
}

function detailsOf(event) {
  const key = Object.keys(event).find((k) => k.endsWith("EventDetails"));
  return key ? event[key] : undefined;
}

/** The details, easier to read: payloads parsed, the state name (its own column) and untruncated markers left out. */
function summary(details) {
  const out = {};
  for (const [key, value] of Object.entries(details)) {
    if (key === "name" || (key.endsWith("Details") && value?.truncated === false)) continue;
    if ((key === "input" || key === "output") && typeof value === "string") {
      try {
        out[key] = JSON.parse(value);
        continue;
      } catch {
        // not JSON text: show it as it is
      }
    }
    out[key] = value;
  }
  return Object.keys(out).length ? JSON.stringify(out) : "";
}

function addRows(list) {
  for (const event of list) {
    const details = detailsOf(event);
    const row = element("tr");
    row.dataset.testid = "history-row";
    row.append(
      element("td", String(event.id)),
      element("td", event.type),
      element("td", details?.name ?? ""),
      element("td", event.timestamp),
      element("td", details === undefined ? "" : summary(details)),
    );
    ui.history.append(row);
  }
  events += list.length;
  ui.count.textContent = String(events);
}

/** Bring the table up to the history: a run reports only counts, and a step back shortens it. */
function sync(report) {
  if (report.eventCount < events) {
    ui.history.replaceChildren();
    events = 0;
  }
  const missing = report.eventCount - events;
  addRows(report.events.length === missing ? report.events : execution.history().slice(events));
}

function show(report) {
  sync(report);
  setStatus(report.status);
  if (report.status === "SUCCEEDED") {
    showOutput(JSON.stringify(execution.output(), null, 2));
  } else if (["FAILED", "TIMED_OUT", "ABORTED"].includes(report.status)) {
    showOutput(`${execution.error() ?? report.status}: ${execution.cause() ?? ""}`, true);
  } else if (report.status === "PAUSED") {
    const waiting = report.waitingFor.map((w) => `${w.state} waits (${w.kind}) for token ${w.token}`);
    showOutput(waiting.join("\n"));
  } else {
    showOutput("");
  }
}

function run() {
  const ex = current();
  if (!ex) return;
  const report = ex.run({ maxSteps: STEPS_PER_FRAME });
  show(report);
  // Continue next frame, unless Reset or an edit replaced the execution meanwhile.
  if (report.status === "RUNNING" && report.newEvents > 0) requestAnimationFrame(() => execution === ex && run());
}

function step() {
  const ex = current();
  if (ex) show(ex.step());
}

function reset() {
  execution?.free();
  execution = null;
  events = 0;
  ui.history.replaceChildren();
  ui.count.textContent = "0";
  showOutput("");
  check();
}

let typing = null;
function edited() {
  clearTimeout(typing);
  typing = setTimeout(() => {
    typing = null;
    reset();
  }, 150);
}

/** Apply an edit still waiting for its debounce, so a click right after typing runs what was typed. */
function flush() {
  if (typing === null) return;
  clearTimeout(typing);
  typing = null;
  reset();
}

await init();
ui.definition.value = JSON.stringify(EXAMPLE, null, 2);
ui.input.value = JSON.stringify(EXAMPLE_INPUT, null, 2);
ui.run.addEventListener("click", () => (flush(), run()));
ui.step.addEventListener("click", () => (flush(), step()));
ui.reset.addEventListener("click", () => (flush(), reset()));
ui.definition.addEventListener("input", edited);
ui.input.addEventListener("input", edited);
for (const button of [ui.run, ui.step, ui.reset]) button.disabled = false;
reset();
