// The embed's JSON editor: a <textarea> over a highlighted copy of its text
// (json-view.js's tokens), with the engine's diagnostics listed below it.
// The playground's CodeMirror set would make the element four times larger
// (measured: 170 KB gzipped instead of 42) on every page that embeds it; a
// docs embed edits a few dozen lines, where this is enough.

import { h } from "../src/dom.js";
import { fill } from "../src/json-view.js";
import { jsonParseFailure } from "../src/json-text.js";

export class TextEditor {
  /** `onChange(text)` fires on every edit (the caller debounces). */
  constructor({ text = "", label, testid, readOnly = false, onChange }) {
    this.highlight = h("pre.code-highlight", { "aria-hidden": "true" });
    this.area = h("textarea.code-input", {
      spellcheck: "false", autocapitalize: "off", autocomplete: "off", wrap: "off",
      "aria-label": label, dataset: { testid }, readonly: readOnly || undefined,
    });
    this.problems = h("ul.diagnostics", { "aria-label": `${label}: problems`, hidden: true });
    this.root = h("div.code-editor", null, h("div.code-box", null, this.highlight, this.area), this.problems);
    this.area.addEventListener("input", () => {
      this.#paint();
      onChange?.(this.area.value);
    });
    this.area.addEventListener("scroll", () => this.#sync());
    this.set(text);
  }

  get text() {
    return this.area.value;
  }

  set(text) {
    this.area.value = text;
    this.#paint();
  }

  /** Diagnostics as the engine reports them (1-based lines, UTF-16 columns); each selects its span when clicked. */
  diagnose(list) {
    this.problems.hidden = list.length === 0;
    this.problems.replaceChildren(...list.map((d) => diagnosticItem(d, () => this.reveal(d))));
  }

  /** Select a diagnostic's span and focus the text. */
  reveal(d) {
    const from = offsetOf(this.area.value, d.line, d.column);
    const to = Math.max(from + 1, offsetOf(this.area.value, d.endLine ?? d.line, d.endColumn ?? d.column));
    this.area.focus();
    this.area.setSelectionRange(from, Math.min(to, this.area.value.length));
  }

  #paint() {
    // The trailing newline keeps the copy as tall as the textarea's last line.
    fill(this.highlight, `${this.area.value}\n`);
    this.#sync();
  }

  #sync() {
    this.highlight.scrollTop = this.area.scrollTop;
    this.highlight.scrollLeft = this.area.scrollLeft;
  }
}

/** One diagnostic as a list item: severity, where, code, message; `onPick` when clicked. */
export function diagnosticItem(d, onPick) {
  const severity = d.severity === "WARNING" ? "warning" : "error";
  const where = d.line ? `${d.line}:${d.column}` : "";
  const body = [
    h("span.sev", null, severity),
    h("span.where", null, where),
    h("span.code", null, d.code ?? ""),
    h("span.message", null, d.message),
    d.pointer ? h("span.pointer", null, d.pointer) : null,
  ];
  return h("li", { class: severity, dataset: { testid: "diagnostic" } },
    onPick ? h("button.diagnostic", { type: "button", title: "Show it in the text", onclick: onPick }, body) : h("div.diagnostic", null, body));
}

/** The UTF-16 offset of a 1-based line and column (textarea selections count UTF-16 units, as the engine's columns do). */
function offsetOf(text, line = 1, column = 1) {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf("\n", offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  const end = text.indexOf("\n", offset);
  return Math.min(offset + Math.max(0, column - 1), end < 0 ? text.length : end);
}

/** A JSON syntax error of `text` as a diagnostic (line and column of where the parser stopped), or null. */
export function jsonProblem(text) {
  const failure = jsonParseFailure(text);
  if (!failure) return null;
  const before = text.slice(0, failure.offset);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return { code: "INVALID_JSON", message: failure.message, severity: "ERROR", pointer: "", line, column, endLine: line, endColumn: column + 1 };
}
