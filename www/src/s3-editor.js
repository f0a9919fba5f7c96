// The S3 tab: the in-memory S3 a run reads (ItemReader, unmocked aws-sdk:s3 tasks) as
// `{"<bucket>": {"<key>": "<body text>"}}` (the CLI's --s3 form, the share state's `s3`),
// its problems, and the objects the last run wrote (`ex.s3Written()`), shown as text.
import { createEditor, jsonError } from "./editors.js";
import { h } from "./dom.js";

const SHAPE = 'S3: the contents must be {"bucket": {"key": "body text"}}';

export class S3Editor {
  /** `pane`: the tab's element; `onChange`/`onKey` as for the other editors. */
  constructor(pane, { onChange, onKey }) {
    const box = h("div.mock-editor");
    this.written = h("pre.s3-written", { dataset: { testid: "s3-written" }, hidden: true });
    pane.append(h("div.mock-options", null, h("span.muted", null, "Buckets and objects for ItemReader, ResultWriter and unmocked aws-sdk:s3 tasks")), box, this.written);
    this.editor = createEditor(box, { text: "", label: 'In-memory S3 (JSON): {"bucket": {"key": "body"}}', testid: "s3-editor", onChange, onKey });
  }

  get text() {
    return this.editor.text;
  }
  get view() {
    return this.editor.view;
  }
  set(text) {
    this.editor.set(text);
  }
  reveal(d) {
    this.editor.reveal(d);
  }
  focus() {
    this.editor.focus();
  }

  /** The problems of the text (JSON, then the shape), also marked in the editor. */
  check() {
    const text = this.editor.text;
    if (text.trim() === "") {
      this.editor.diagnose([]);
      return [];
    }
    const error = jsonError(text);
    if (error) {
      this.editor.diagnose([error]);
      return [{ ...error, message: `S3: ${error.message}` }];
    }
    this.editor.diagnose([]);
    const value = JSON.parse(text);
    const isObject = (v) => v && typeof v === "object" && !Array.isArray(v);
    if (!isObject(value) || !Object.values(value).every(isObject)) return [{ code: "INVALID_S3", message: SHAPE, severity: "ERROR" }];
    return [];
  }

  /** The Simulator's `s3` option: the text, or undefined when the tab is empty. */
  option() {
    return this.editor.text.trim() === "" ? undefined : this.editor.text;
  }

  /** Show what the execution wrote to the in-memory S3 (nothing: hidden). */
  showWritten(execution) {
    const written = execution?.s3Written?.() ?? {};
    const any = Object.values(written).some((objects) => Object.keys(objects).length > 0);
    this.written.hidden = !any;
    this.written.textContent = any ? `Written by the run:\n${JSON.stringify(written, null, 2)}` : "";
  }
}
