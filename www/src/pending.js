// The "Waiting for" panel: a form for each task the execution waits on (a
// Task with no mock, a .waitForTaskToken task, an activity), to answer it by
// hand as SendTaskSuccess, SendTaskFailure or SendTaskHeartbeat would.

import { h } from "./dom.js";
import { jsonBlock } from "./json-view.js";

const KINDS = {
  taskToken: "callback (.waitForTaskToken): answer with the task token",
  activity: "activity: a worker would call GetActivityTask, then answer",
  mock: "no mock for this Task: answer with its result",
};

export class PendingPanel {
  constructor(root, { onSuccess, onFailure, onHeartbeat, onAdvance, proposal }) {
    this.root = root;
    this.handlers = { onSuccess, onFailure, onHeartbeat, onAdvance };
    this.proposal = proposal;
    this.key = "";
  }

  /** `view` = {waiting}: what the execution waits for (a report's `waitingFor`; breakpoints are shown elsewhere). */
  show({ waiting }) {
    const tasks = waiting.filter((w) => w.kind !== "breakpoint");
    const key = tasks.map((w) => w.token).join(" ");
    if (key === this.key) return;
    this.key = key;
    this.root.hidden = tasks.length === 0;
    // Time passes only when asked: the next timer is a task's timeout or missed heartbeat,
    // or the execution's own timeout.
    const advance = h("button.advance-clock", {
      type: "button",
      dataset: { testid: "advance-clock" },
      title: "Let virtual time pass to the next timer (a TimeoutSeconds or HeartbeatSeconds expiring, or the execution's timeout), then go on running",
      onclick: () => this.handlers.onAdvance(),
    }, "Advance clock");
    this.root.replaceChildren(
      h("div.panel-head", null, h("h2.panel-title", null, "Waiting for", h("span.count", null, String(tasks.length))), advance),
      h("p.muted.advance-help", null, "Nobody answers? Advance clock lets the task's timeout or heartbeat expire."),
      ...tasks.map((w) => this.#form(w)));
  }

  #form(w) {
    const id = `pending-${w.token}`;
    const output = h("textarea.output-text", { id: `${id}-output`, name: "output", rows: "4", spellcheck: "false", "aria-label": `Output for ${w.state}` });
    output.value = JSON.stringify(this.proposal(w.state) ?? {}, null, 2);
    const error = h("input", { id: `${id}-error`, name: "error", value: "", placeholder: "e.g. Approval.Rejected", autocomplete: "off" });
    const cause = h("input", { id: `${id}-cause`, name: "cause", value: "", placeholder: "why", autocomplete: "off" });
    const message = h("p.form-message", { role: "alert" });
    const guard = (fn) => (e) => {
      e.preventDefault();
      message.textContent = "";
      try {
        fn();
      } catch (err) {
        message.textContent = `${err.code ? `${err.code}: ` : ""}${err.message}`;
      }
    };
    const success = guard(() => {
      let value;
      try {
        value = JSON.parse(output.value);
      } catch (err) {
        throw new Error(`The output is not JSON: ${err.message}`);
      }
      this.handlers.onSuccess(w.token, JSON.stringify(value));
    });
    return h("form.pending-task", { dataset: { testid: "pending-task", state: w.state, token: w.token, kind: w.kind }, onsubmit: success, "aria-label": `Answer ${w.state}` },
      h("div.pending-head", null, h("strong", null, w.state), h("span.kind", null, w.kind)),
      h("p.muted", null, KINDS[w.kind] ?? w.kind),
      h("div.token", null, h("span.muted", null, "Token "), h("code", { title: "Task token" }, w.token)),
      h("details.pending-input", null, h("summary", null, "Task input"), jsonBlock(w.input)),
      h("label", { for: output.id }, "Output (JSON)"),
      output,
      h("div.row", null,
        h("button.primary", { type: "submit", dataset: { action: "success" } }, "Send task success"),
        h("button", { type: "button", dataset: { action: "heartbeat" }, onclick: guard(() => this.handlers.onHeartbeat(w.token)) }, "Send heartbeat")),
      h("div.failure-fields", null,
        h("label", { for: error.id }, "Error"), error,
        h("label", { for: cause.id }, "Cause"), cause),
      h("div.row", null,
        h("button.danger", { type: "button", dataset: { action: "failure" }, onclick: guard(() => this.handlers.onFailure(w.token, error.value || "States.TaskFailed", cause.value)) }, "Send task failure")),
      message);
  }
}
