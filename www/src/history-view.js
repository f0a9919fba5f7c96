// The history as AWS's event table (ID, type, state, resource, elapsed time,
// timestamp on the virtual clock), with expandable details. Rows are
// virtualised: only those in view (plus a margin) exist in the DOM, so
// 25,000 events scroll as smoothly as 25.

import { h } from "./dom.js";
import { detailsOf, millis } from "./trace.js";
import { fill } from "./json-view.js";
import { eventText } from "./json-text.js";
import { formatElapsed } from "./format.js";

const ROW = 26;
const LINE = 16;
const MARGIN = 12;
const MAX_DETAIL_LINES = 24;

export class HistoryView {
  constructor(root, { onSelectState }) {
    this.root = root;
    this.onSelectState = onSelectState;
    this.events = [];
    this.trace = null;
    this.expanded = new Map(); // id → detail height
    this.filter = "";
    this.visible = null; // indices when filtered
    this.current = -1; // index (into the shown list) of the keyboard cursor
    this.follow = true;
    this.spacer = h("div.history-spacer");
    this.body = h("div.history-rows", { role: "rowgroup" });
    this.spacer.append(this.body);
    root.append(this.spacer);
    root.addEventListener("scroll", () => {
      this.follow = root.scrollTop + root.clientHeight >= root.scrollHeight - ROW;
      this.#render();
    });
    root.addEventListener("click", (e) => this.#click(e));
    root.addEventListener("keydown", (e) => this.#key(e));
    new ResizeObserver(() => this.#render()).observe(root);
  }

  /** `view` = {events, trace}: the history and its reading (the array is read, not copied; it may grow between calls). */
  show({ events, trace }) {
    this.events = events;
    this.trace = trace;
    for (const id of this.expanded.keys()) if (id > events.length) this.expanded.delete(id);
    this.#refilter();
    this.#layout();
    if (this.follow) this.root.scrollTop = this.root.scrollHeight;
    this.#render();
  }

  setFilter(text) {
    this.filter = text.trim().toLowerCase();
    this.#refilter();
    this.#layout();
    this.#render();
  }

  #refilter() {
    if (!this.filter) {
      this.visible = null;
      return;
    }
    const f = this.filter;
    this.visible = [];
    for (let i = 0; i < this.events.length; i++) {
      const e = this.events[i];
      if (e.type.toLowerCase().includes(f) || this.#stateName(e).toLowerCase().includes(f) || String(e.id) === f) this.visible.push(i);
    }
  }

  get length() {
    return this.visible ? this.visible.length : this.events.length;
  }

  #at(k) {
    return this.events[this.visible ? this.visible[k] : k];
  }

  /** Row tops: fixed rows, unless some are expanded. */
  #layout() {
    const n = this.length;
    if (this.expanded.size === 0) {
      this.tops = null;
      this.total = n * ROW;
    } else {
      const tops = new Float64Array(n + 1);
      for (let k = 0; k < n; k++) tops[k + 1] = tops[k] + ROW + (this.expanded.get(this.#at(k).id) ?? 0);
      this.tops = tops;
      this.total = tops[n];
    }
    this.spacer.style.height = `${this.total}px`;
  }

  #top(k) {
    return this.tops ? this.tops[k] : k * ROW;
  }

  #indexAt(y) {
    if (!this.tops) return Math.max(0, Math.floor(y / ROW));
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tops[mid + 1] <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #render() {
    const n = this.length;
    const top = this.root.scrollTop;
    const height = this.root.clientHeight || 400;
    const first = Math.max(0, this.#indexAt(top) - MARGIN);
    const last = Math.min(n, this.#indexAt(top + height) + MARGIN + 1);
    const rows = [];
    for (let k = first; k < last; k++) rows.push(this.#row(k));
    this.body.replaceChildren(...rows);
  }

  #stateName(event) {
    return this.trace?.stateOf(event.id) || "";
  }

  #row(k) {
    const event = this.#at(k);
    const details = detailsOf(event);
    const open = this.expanded.has(event.id);
    const state = this.#stateName(event);
    const resource = details?.resourceType ? `${details.resourceType}${details.resource ? `:${details.resource}` : ""}` : "";
    const elapsed = this.trace?.start !== undefined ? millis(event.timestamp) - this.trace.start : 0;
    const row = h("div.history-row", {
      role: "row",
      class: [kindOf(event.type), k === this.current ? "current" : "", open ? "open" : ""].join(" "),
      dataset: { testid: "history-row", id: String(event.id), index: String(k) },
      "aria-expanded": details ? String(open) : undefined,
      style: `transform: translateY(${this.#top(k)}px)`,
    },
      h("span.cell.id", { role: "cell" },
        details ? h("button.expand", { type: "button", tabindex: "-1", "aria-label": `${open ? "Hide" : "Show"} details of event ${event.id}`, dataset: { action: "expand" } }, open ? "\u25be" : "\u25b8") : h("span.expand-space"),
        String(event.id)),
      h("span.cell.type", { role: "cell" }, h("span.dot"), event.type),
      h("span.cell.state", { role: "cell" }, state ? h("button.link", { type: "button", tabindex: "-1", dataset: { action: "state", state } }, state) : ""),
      h("span.cell.resource", { role: "cell" }, resource),
      h("span.cell.elapsed", { role: "cell" }, formatElapsed(elapsed)),
      h("span.cell.time", { role: "cell" }, event.timestamp),
    );
    if (open) {
      const block = fill(h("pre.json.event-details"), eventText(event));
      block.style.maxHeight = `${this.expanded.get(event.id) - 8}px`;
      row.append(block);
    }
    return row;
  }

  #toggle(k) {
    const event = this.#at(k);
    if (!event || !detailsOf(event)) return;
    if (this.expanded.has(event.id)) this.expanded.delete(event.id);
    else {
      const lines = eventText(event).split("\n").length;
      this.expanded.set(event.id, Math.min(lines, MAX_DETAIL_LINES) * LINE + 18);
    }
    this.#layout();
    this.#render();
  }

  #click(e) {
    const row = e.target.closest(".history-row");
    if (!row) return;
    const k = Number(row.dataset.index);
    this.current = k;
    const action = e.target.closest("[data-action]")?.dataset.action;
    if (action === "state") this.onSelectState(e.target.closest("[data-action]").dataset.state);
    else if (!e.target.closest("pre")) this.#toggle(k);
    else this.#render();
  }

  #key(e) {
    const n = this.length;
    if (n === 0) return;
    let k = this.current < 0 ? 0 : this.current;
    if (e.key === "ArrowDown") k = Math.min(n - 1, k + (this.current < 0 ? 0 : 1));
    else if (e.key === "ArrowUp") k = Math.max(0, k - 1);
    else if (e.key === "Home") k = 0;
    else if (e.key === "End") k = n - 1;
    else if (e.key === "PageDown") k = Math.min(n - 1, k + 15);
    else if (e.key === "PageUp") k = Math.max(0, k - 15);
    else if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      this.#toggle(k);
      return;
    } else if (e.key === "s" || e.key === "S") {
      const state = this.#stateName(this.#at(k));
      if (state) this.onSelectState(state);
      return;
    } else return;
    e.preventDefault();
    this.current = k;
    const y = this.#top(k);
    if (y < this.root.scrollTop) this.root.scrollTop = y;
    else if (y + ROW > this.root.scrollTop + this.root.clientHeight) this.root.scrollTop = y + ROW - this.root.clientHeight;
    this.#render();
    const event = this.#at(k);
    this.root.setAttribute("aria-label", `Execution history: event ${event.id}, ${event.type}${this.#stateName(event) ? `, ${this.#stateName(event)}` : ""}`);
  }
}

/** A class for the row's colour: failures, successes, the rest. */
function kindOf(type) {
  if (/Failed|TimedOut|Aborted/.test(type)) return "bad";
  if (/Succeeded/.test(type)) return "good";
  if (/Entered|Started/.test(type)) return "start";
  return "";
}
