// The Tests tab: runs every test case of the loaded MockConfigFile through `runTests`
// (as `asl-sim test` does, with the Input editor's input), lists each case as passed or failed with its reasons, and
// paints the coverage on the graph: states and edges no case took get
// `data-coverage="missed"` (greyed by views.css), the rest `data-coverage="covered"`.
// User text (case names, reasons) goes in with textContent only (through h()).
import { h } from "./dom.js";

/** The graph edge kind (graph.js) of a coverage `via`. */
function edgeKind(via) {
  if (via === "Next") return "next";
  if (via === "Default") return "default";
  if (via.startsWith("Choices[")) return "choice";
  return "catch";
}

export class TestsTab {
  /**
   * @param {HTMLElement} root the tab's pane
   * @param {{runTests: Function, definition: () => string, input: () => string, mocks: () => string, graph: HTMLElement}} deps
   */
  constructor(root, { runTests, definition, input, mocks, graph }) {
    this.root = root;
    this.deps = { runTests, definition, input, mocks, graph };
    this.button = root.querySelector("[data-testid=tests-run]");
    this.summary = root.querySelector("[data-testid=tests-summary]");
    this.list = root.querySelector("[data-testid=tests-results]");
    this.report = null;
    this.button.addEventListener("click", () => this.run());
  }

  run() {
    this.clearCoverage();
    this.list.replaceChildren();
    let config;
    try {
      config = JSON.parse(this.deps.mocks());
    } catch {
      return this.say("The mocks are not valid JSON.");
    }
    if (!config || typeof config !== "object" || !("StateMachines" in config)) {
      return this.say("Tests run the test cases of a MockConfigFile: the mocks need a \"StateMachines\" object.");
    }
    const machines = Object.keys(config.StateMachines ?? {});
    let report;
    try {
      // Every case runs with the Input editor's text (its own `input` expectation aside).
      const input = this.deps.input().trim() || "{}";
      report = this.deps.runTests({ definition: this.deps.definition(), mockConfig: config, stateMachine: machines[0], input });
    } catch (e) {
      return this.say(e.code === "INVALID_DEFINITION" ? "The definition is invalid: see the diagnostics." : e.message);
    }
    this.report = report;
    this.say(`${report.passed} passed, ${report.failed} failed · coverage: ${report.coverage.states.covered}/${report.coverage.states.total} states, ${report.coverage.transitions.covered}/${report.coverage.transitions.total} transitions`);
    for (const c of report.cases) {
      const why = c.failures.length ? c.failures.join("; ") : `${c.status}: ${c.path.join(" → ")}`;
      this.list.append(h("li", { dataset: { passed: String(c.passed) }, "data-testid": "tests-case" }, h("span.verdict", null, c.passed ? "PASS" : "FAIL"), h("span.case-name", null, c.name), h("span.muted.case-why", null, why)));
    }
    this.paint();
  }

  say(text) {
    this.summary.textContent = text;
  }

  /** Mark every graph state and edge as covered or missed by the last report. */
  paint() {
    const { graph } = this.deps;
    const cov = this.report?.coverage;
    if (!cov) return;
    const missedStates = new Set(cov.states.missed);
    for (const g of graph.querySelectorAll("g.node[data-state]")) g.dataset.coverage = missedStates.has(g.dataset.state) ? "missed" : "covered";
    const taken = new Set(cov.counts.transitions.filter((t) => t.count > 0).map((t) => `${t.from}\u0000${t.to}\u0000${edgeKind(t.via)}`));
    for (const g of graph.querySelectorAll("g.edge-group[data-from]")) {
      const { from, to, kind } = g.dataset;
      if (kind === "end" || from === undefined) continue;
      const known = cov.counts.transitions.some((t) => t.from === from && t.to === to && edgeKind(t.via) === kind);
      if (known) g.dataset.coverage = taken.has(`${from}\u0000${to}\u0000${kind}`) ? "covered" : "missed";
    }
  }

  clearCoverage() {
    for (const g of this.deps.graph.querySelectorAll("[data-coverage]")) delete g.dataset.coverage;
  }
}
