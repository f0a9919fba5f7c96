// The inspector's "Test state" panel, as Workflow Studio's Test state button: AWS's
// TestState (the engine's `testState`) on the selected state, with the input of the
// selected run (editable), the state's recorded result as the mock where the state
// calls a service (a Task, or a whole Map or Parallel), and the DEBUG response with
// each stage. The response is shown as its JSON text, nothing else.

import { h } from "./dom.js";

/** A lone state's TestState request: the whole machine with `stateName`, at DEBUG. */
export function testStateRequest({ definition, name, input, result }) {
  const request = { definition, stateName: name, input, inspectionLevel: "DEBUG" };
  if (result !== undefined) request.mock = { result: JSON.stringify(result), fieldValidationMode: "NONE" };
  return request;
}

/**
 * The panel's view of a state's selected run: its input (else the execution input's text)
 * and, for a state that calls out (Task, Map, Parallel), its recorded result as the mock.
 */
export function testStateView({ name, state, inspection, definition, executionInput }) {
  const stages = inspection ?? {};
  const callsOut = ["Task", "Map", "Parallel"].includes(state.Type);
  return {
    name,
    definition,
    input: "input" in stages ? JSON.stringify(stages.input) : executionInput,
    result: callsOut && "result" in stages ? stages.result : undefined,
  };
}

export class TestStatePanel {
  /** `testState(request)` is the engine's; `root` the element the panel fills. */
  constructor(root, { testState }) {
    this.root = root;
    this.testState = testState;
    this.key = "";
  }

  /**
   * Show the panel for a state: `view` = {name, definition (text), input (text of the
   * selected run's input), result (its recorded result, for states that call out), type}.
   */
  show(view) {
    const key = JSON.stringify([view.name, view.definition, view.input, view.result]);
    if (key === this.key) return;
    this.key = key;
    if (!view.name) {
      this.root.replaceChildren();
      return;
    }
    const input = h("textarea.test-state-input", { rows: 4, spellcheck: "false", "aria-label": `Input for testing ${view.name}` });
    input.value = view.input ?? "{}";
    const result = h("pre.json.test-state-result", { dataset: { testid: "test-state-result" }, "aria-live": "polite" });
    const run = () => {
      const request = testStateRequest({ definition: view.definition, name: view.name, input: input.value, result: view.result });
      let answer;
      try {
        answer = this.testState(request);
      } catch (e) {
        answer = { exception: { code: e.code ?? "ERROR", message: String(e.message ?? e) } };
      }
      result.textContent = JSON.stringify(answer, null, 2);
    };
    const button = h("button.small", { type: "button", dataset: { testid: "test-state" }, onclick: run, title: "Run this state alone, as AWS's TestState API does" }, "Test state");
    this.root.replaceChildren(
      h("details.section.test-state", { open: true },
        h("summary", null, "Test state (TestState, DEBUG)"),
        h("label.muted", null, "Input (the selected run's, editable)"),
        input,
        h("div.row", null, button),
        result),
    );
  }
}
