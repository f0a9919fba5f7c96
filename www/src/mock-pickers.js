// The MockConfigFile pickers under the mocks editor: which machine and which test case
// of a Step Functions Local MockConfigFile the page runs, and the "inline" or
// "MockConfigFile" label. Names come from the user's file and are set as option text.

import { h } from "./dom.js";

/**
 * Show the pickers for a mocks value (`null` when the editor is empty or not JSON): the
 * format label, and for a MockConfigFile its state machine (when there are several) and
 * test case. `selection` holds the chosen `stateMachine` and `testCase`, kept when the
 * new file still has them.
 */
export function updateMockPickers(ui, selection, value) {
  const isConfig = value && typeof value === "object" && !Array.isArray(value) && ("StateMachines" in value || "MockedResponses" in value);
  ui.mockFormat.textContent = value === null ? "" : isConfig ? "MockConfigFile" : "inline";
  ui.mockOptions.hidden = !isConfig;
  if (!isConfig) {
    selection.testCase = undefined;
    selection.stateMachine = undefined;
    ui.testCase.replaceChildren();
    return;
  }
  const machines = value.StateMachines && typeof value.StateMachines === "object" ? Object.keys(value.StateMachines) : [];
  ui.stateMachineLabel.hidden = machines.length < 2;
  if (!machines.includes(selection.stateMachine)) selection.stateMachine = machines.length > 1 ? machines[0] : undefined;
  ui.stateMachine.replaceChildren(...machines.map((m) => h("option", { value: m, selected: m === selection.stateMachine }, m)));
  const machine = value.StateMachines?.[selection.stateMachine ?? machines[0]];
  const cases = machine?.TestCases && typeof machine.TestCases === "object" ? Object.keys(machine.TestCases) : [];
  if (!cases.includes(selection.testCase)) selection.testCase = cases[0];
  ui.testCase.replaceChildren(...cases.map((c) => h("option", { value: c, selected: c === selection.testCase }, c)));
  ui.testCase.disabled = cases.length < 2;
}
