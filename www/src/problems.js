// The problems list under the editors: the engine's diagnostics for the definition, JSON
// errors of the input and the mocks, and what the Simulator refused (a bad mocks file, an
// input too large). Each problem is a button that shows it in its editor. A panel (see
// ARCHITECTURE.md): `show(view)` draws, text only through textContent.

import { validate } from "../../pkg/asl_sim.js";
import { h, toast } from "./dom.js";

/** The engine's diagnostics for a definition's text; should validate() itself throw, that is one ERROR. */
export function definitionProblems(text, options) {
  try {
    return validate(text, options);
  } catch (e) {
    return [{ code: e.code ?? "ERROR", message: e.message, severity: "ERROR", pointer: "", line: 1, column: 1, endLine: 1, endColumn: 1 }];
  }
}

/** Line and column (1-based) of a character offset, for problems that have only an offset (JSON.parse's). */
export function positioned(d, text) {
  if (d.line || d.from === undefined) return d;
  const before = text.slice(0, d.from);
  return { ...d, line: before.split("\n").length, column: d.from - before.lastIndexOf("\n") };
}

export class ProblemsPanel {
  /** `root` the list, `summary` its heading's text; `onReveal(editor, problem)` when one is clicked. */
  constructor(root, summary, { onReveal }) {
    this.root = root;
    this.summary = summary;
    this.onReveal = onReveal;
  }

  /** `view` = {problems: [{editor: "definition" | "input" | "mocks", code, message, severity, pointer, line, column, …}]}. */
  show({ problems }) {
    const items = problems.map((d) => {
      const where = d.line ? `${d.line}:${d.column}` : "";
      const item = h("li", { class: (d.severity ?? "ERROR").toLowerCase(), dataset: { testid: "diagnostic", editor: d.editor } },
        h("button.diagnostic", { type: "button", title: "Show it in the editor" },
          h("span.sev", null, d.severity === "WARNING" ? "warning" : "error"),
          h("span.where", null, `${d.editor}${where ? ` ${where}` : ""}`),
          h("span.code", null, d.code ?? ""),
          h("span.message", null, d.message),
          d.pointer ? h("span.pointer", null, d.pointer) : null));
      item.firstChild.addEventListener("click", () => this.onReveal(d.editor, d));
      return item;
    });
    this.root.replaceChildren(...items);
    const errors = items.filter((i) => i.classList.contains("error")).length;
    const warnings = items.length - errors;
    const count = (n, what) => n && `${n} ${what}${n > 1 ? "s" : ""}`;
    this.summary.textContent = items.length === 0 ? "No problems" : [count(errors, "error"), count(warnings, "warning")].filter(Boolean).join(", ");
    this.summary.parentElement.dataset.state = errors ? "error" : warnings ? "warning" : "ok";
  }

  /** Draw the eye to the list: something must be fixed before the execution can start. */
  flash() {
    const box = this.root.parentElement;
    box.classList.remove("flash");
    void box.offsetWidth; // restart the animation
    box.classList.add("flash");
    toast("Fix the problems listed under the editors first.", "error");
  }
}
