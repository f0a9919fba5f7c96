// The inspector: for the selected state, each stage of its latest run's data
// flow as the engine recorded it (JSONPath: InputPath → Parameters → result →
// ResultSelector → ResultPath → OutputPath; JSONata: Arguments, Output,
// Assign), which Choice rule matched, the variables in scope and the context
// object. Stage names the page does not know are shown under their own name.

import { h } from "./dom.js";
import { jsonBlock } from "./json-view.js";
import { ruleLabel } from "./graph.js";
import { formatSeconds } from "./format.js";

/** Stage key → [title, the definition field it comes from, what it does]. */
const STAGES = {
  input: ["State input", null, "What the state received"],
  afterInputPath: ["InputPath", "InputPath", "Selects part of the input"],
  afterItemsPath: ["ItemsPath", "ItemsPath", "The array the Map iterates over"],
  afterParameters: ["Parameters", "Parameters", "The payload template, evaluated"],
  afterItemSelector: ["ItemSelector", "ItemSelector", "Each item, reshaped"],
  arguments: ["Arguments", "Arguments", "The JSONata arguments, evaluated"],
  afterArguments: ["Arguments", "Arguments", "The JSONata arguments, evaluated"],
  result: ["Result", null, "What the task (or Pass, Parallel, Map) produced"],
  afterResultSelector: ["ResultSelector", "ResultSelector", "Picks from the result"],
  afterResultPath: ["ResultPath", "ResultPath", "Puts the result into the input"],
  afterOutput: ["Output", "Output", "The JSONata Output expression, evaluated"],
  assign: ["Assign", "Assign", "Variables assigned on exit"],
  afterAssign: ["Assign", "Assign", "Variables assigned on exit"],
  output: ["State output", "OutputPath", "What the next state receives"],
};
const NOT_STAGES = new Set(["variables", "context", "matchedRule"]);

export class Inspector {
  constructor(root, { onBreakpoint, onRunTo }) {
    this.root = root;
    this.onBreakpoint = onBreakpoint;
    this.onRunTo = onRunTo;
    this.key = "";
  }

  /**
   * Show a state. `view` = {name, state (definition), status, runs, entries, inspection, variables,
   * context, breakpoint, machineLanguage}.
   */
  show(view) {
    // Skip identical redraws (a step that did not touch this state).
    const key = JSON.stringify([view.name, view.status, view.runs, view.breakpoint, view.inspection, view.variables, view.context, view.pausedHere]);
    if (key === this.key) return;
    this.key = key;
    if (!view.name) {
      this.root.replaceChildren(h("p.empty", null, "Select a state in the graph (click it, or focus it and press Enter) to see its data flow here."));
      return;
    }
    const { name, state = {}, status, runs, inspection } = view;
    const type = state.Type ?? "?";
    const header = h("div.inspector-head", null,
      h("h3.state-name", { title: name }, name),
      h("span.type-badge", null, type),
      h("span.status-pill", { dataset: { status } }, status === "idle" ? "not reached" : status),
      runs > 1 ? h("span.runs", null, `ran ${runs}\u00d7`) : null,
      h("span.spacer"),
      // Either handler may be absent (the embed has no breakpoints): then so is its button.
      this.onBreakpoint ? h("button.small", { type: "button", "aria-pressed": String(view.breakpoint), onclick: () => this.onBreakpoint(name), title: "Toggle a breakpoint on this state (F9)" },
        h("span.bp-dot", { class: view.breakpoint ? "on" : "" }), view.breakpoint ? "Breakpoint on" : "Set breakpoint") : null,
      this.onRunTo ? h("button.small", { type: "button", onclick: () => this.onRunTo(name), title: "Run until the execution is about to enter this state" }, "Run to here") : null,
    );
    const parts = [header];
    if (state.Comment) parts.push(h("p.comment", null, String(state.Comment)));
    if (view.pausedHere) parts.push(h("p.notice", null, "The execution is paused just before this state (breakpoint). Step to enter it."));

    if (!inspection) {
      parts.push(h("p.empty", null, status === "idle"
        ? "Not reached yet. Step or run the execution; each stage of this state's data flow appears here when it runs."
        : "The engine recorded no data-flow stages for this state yet."));
    } else {
      parts.push(section("Data flow", this.#stages(inspection, state, view.machineLanguage), "Latest run"));
    }
    if (type === "Choice") parts.push(section("Choice rules", this.#rules(state, inspection, status)));
    const attempts = this.#attempts(view.entries ?? []);
    if (attempts) parts.push(section("Attempts", attempts, "Latest run"));
    const vars = view.variables && Object.keys(view.variables).length ? view.variables : inspection?.variables;
    const assign = state.Assign !== undefined ? h("code.stage-expr", { title: JSON.stringify(state.Assign) }, truncate(`Assign (on exit): ${JSON.stringify(state.Assign)}`, 160)) : null;
    parts.push(section("Variables in scope", [assign, vars && Object.keys(vars).length ? jsonBlock(vars) : h("p.muted", null, "None (Assign sets variables; later states read them as $name).")], "at entry"));
    if (view.context) parts.push(section("Context object ($$)", jsonBlock(view.context.value), view.context.note));
    parts.push(section("Definition", jsonBlock(state), null, true));
    this.root.replaceChildren(...parts);
  }

  #stages(inspection, state, language) {
    const list = h("ol.stages");
    let previous;
    // JSONata has no InputPath: the engine's identity stage is left out there.
    const keys = Object.keys(inspection).filter((k) => !NOT_STAGES.has(k) && !(language === "JSONata" && k === "afterInputPath"));
    for (const key of keys) {
      const value = inspection[key];
      let [title, field, blurb] = STAGES[key] ?? [key, null, ""];
      if (language === "JSONata" && key === "afterItemsPath") [title, field, blurb] = ["Items", "Items", "The array the Map iterates over"];
      if (language === "JSONata" && key === "output") blurb = "The Output expression, evaluated (the next state's input)";
      let fieldName = field;
      if (key === "output" && language === "JSONata") fieldName = "Output";
      if (key === "afterParameters" && state.Type === "Map" && state.ItemSelector !== undefined) fieldName = "ItemSelector";
      let expression;
      if (fieldName && state[fieldName] !== undefined) expression = `${fieldName}: ${JSON.stringify(state[fieldName])}`;
      else if (key === "result" && state.Type === "Pass" && state.Result !== undefined) expression = `Result: ${JSON.stringify(state.Result)}`;
      else if (key === "result" && state.Type === "Task") expression = `Resource: ${state.Resource}`;
      else if (fieldName && language !== "JSONata") expression = `${fieldName} not set: ${defaultOf(fieldName)}`;
      const same = previous !== undefined && JSON.stringify(previous) === JSON.stringify(value);
      list.append(h("li.stage", { dataset: { stage: key } },
        h("div.stage-head", null,
          h("span.stage-title", null, title),
          blurb ? h("span.stage-blurb", null, blurb) : null,
          same ? h("span.unchanged", null, "unchanged") : null),
        expression ? h("code.stage-expr", { title: expression }, truncate(expression, 160)) : null,
        same ? h("details.same", null, h("summary", null, "show the value"), jsonBlock(value)) : jsonBlock(value)));
      previous = value;
    }
    return list;
  }

  #rules(state, inspection, status) {
    const matched = inspection?.matchedRule;
    const ran = inspection !== null && inspection !== undefined && status !== "active";
    const rules = Array.isArray(state.Choices) ? state.Choices : [];
    const list = h("ol.rules");
    rules.forEach((rule, i) => {
      const hit = matched === i;
      list.append(h("li", { class: hit ? "matched" : "", dataset: { rule: String(i) } },
        h("span.rule-text", null, ruleLabel(rule, i, 200)),
        h("span.rule-next", null, `\u2192 ${rule?.Next ?? "?"}`),
        hit ? h("span.match-badge", null, "matched") : null));
    });
    const defaultHit = ran && matched === undefined && state.Default !== undefined;
    list.append(h("li", { class: defaultHit ? "matched default" : "default", dataset: { rule: "default" } },
      h("span.rule-text", null, "Default"),
      h("span.rule-next", null, state.Default !== undefined ? `\u2192 ${state.Default}` : "(none: States.NoChoiceMatched)"),
      defaultHit ? h("span.match-badge", null, "taken") : null));
    return list;
  }

  #attempts(entries) {
    const latest = entries[entries.length - 1];
    if (!latest || (latest.attempts.length < 2 && latest.backoffs.length === 0)) return null;
    const list = h("ol.attempts");
    // A state whose attempts fail before a task is scheduled (a JSONata Arguments error) has back-offs and no attempts.
    for (let i = 0; i < Math.max(latest.attempts.length, latest.backoffs.length); i++) {
      const a = latest.attempts[i];
      if (a) {
        const took = a.end !== undefined ? formatSeconds((a.end - a.start) / 1000) : "running";
        list.append(h("li", { class: a.outcome }, `Attempt ${i + 1}: ${a.outcome}${a.error ? ` (${a.error})` : ""}, ${took}`));
      }
      const b = latest.backoffs[i];
      if (b) list.append(h("li.backoff", null, `\u21bb retry ${b.retry} after ${backoffText(b)}`));
    }
    return list;
  }
}

/** How long a back-off lasts: as it happened, else as the engine planned it; a FULL jitter not drawn yet is a bound. */
function backoffText(b) {
  if (b.end !== undefined) return formatSeconds((b.end - b.start) / 1000);
  if (b.planned !== undefined) return formatSeconds(b.planned);
  return `up to ${formatSeconds(b.upTo ?? 0)} (FULL jitter, drawn when the retry starts)`;
}

function defaultOf(field) {
  switch (field) {
    case "InputPath":
    case "OutputPath":
      return "$ (everything)";
    case "ResultPath":
      return "$ (the result replaces the input)";
    case "Parameters":
    case "ItemSelector":
    case "ResultSelector":
      return "passes through";
    case "ItemsPath":
      return "$ (the input is the array)";
    default:
      return "not applied";
  }
}

function truncate(text, n) {
  return text.length > n ? `${text.slice(0, n - 1)}\u2026` : text;
}

/** Which sections the user opened or closed, kept across redraws and states. */
const opened = new Map();

function section(title, body, note, collapsed = false) {
  const details = h("details.section", { open: opened.get(title) ?? !collapsed, dataset: { section: title } },
    h("summary", null, h("span", null, title), note ? h("span.muted", null, note) : null),
    body);
  details.addEventListener("toggle", () => opened.set(title, details.open));
  return details;
}
