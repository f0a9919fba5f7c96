// The execution on the virtual clock: one row per state run (each Parallel
// branch and Map iteration in rows of their own, indented), with bars for the
// task attempts, the retry backoffs between them, Wait states, callbacks
// waiting for an answer and the span of Map/Parallel groups. Positions are
// percentages of the run's length, so the view needs no measuring; rows are
// virtualised like the history table.

import { h } from "./dom.js";
import { formatSeconds } from "./format.js";

const ROW = 24;
/** The label column's width in px (as in style.css). */
const LABEL_WIDTH = 210;
const MARGIN = 10;
const STEPS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400, 604800];

export class TimelineView {
  constructor(root, { onSelectState }) {
    this.root = root;
    this.onSelectState = onSelectState;
    this.axis = h("div.tl-axis", { "aria-hidden": "true" });
    this.scroll = h("div.tl-scroll", { tabindex: "0", role: "list", "aria-label": "Timeline rows" });
    this.spacer = h("div.tl-spacer");
    this.body = h("div.tl-rows");
    this.spacer.append(this.body);
    this.scroll.append(this.spacer);
    this.empty = h("p.empty", null, "Run or step the execution to see it on the virtual clock.");
    this.scroll.prepend(this.axis);
    // Zoom controls in the corner above the labels (or Ctrl+wheel; double-click a row to zoom to it).
    this.corner = h("span.tl-label-space", { title: "Zoom the time axis: Ctrl+wheel works too; double-click a row to zoom to it" },
      h("button.small", { type: "button", "aria-label": "Zoom the timeline out", onclick: () => this.setZoom(this.zoom / 2) }, "\u2212"),
      h("button.small", { type: "button", "aria-label": "Fit the whole run", onclick: () => this.setZoom(1) }, "Fit"),
      h("button.small", { type: "button", "aria-label": "Zoom the timeline in", onclick: () => this.setZoom(this.zoom * 2) }, "+"));
    root.append(this.scroll, this.empty);
    this.trace = null;
    this.zoom = 1;
    this.scroll.addEventListener("scroll", () => this.#render());
    this.scroll.addEventListener("click", (e) => {
      const row = e.target.closest("[data-state]");
      if (row) this.onSelectState(row.dataset.state);
    });
    // Double-click a row: zoom to that state run.
    this.scroll.addEventListener("dblclick", (e) => {
      const row = e.target.closest(".tl-row");
      const entry = row && this.trace?.entries[Number(row.dataset.index)];
      if (entry) this.zoomTo(entry.start, entry.end ?? this.t1);
    });
    this.scroll.addEventListener("wheel", (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      this.setZoom(this.zoom * (e.deltaY < 0 ? 1.25 : 0.8));
    }, { passive: false });
    new ResizeObserver(() => this.#render()).observe(this.scroll);
  }

  /** `view` = {trace, now}: the state runs, and the virtual clock in milliseconds (open bars run up to it). */
  show({ trace, now }) {
    this.trace = trace;
    this.now = now;
    const entries = trace?.entries ?? [];
    this.empty.hidden = entries.length > 0;
    this.t0 = trace?.start ?? 0;
    this.t1 = Math.max(trace?.end ?? 0, now ?? 0);
    this.span = Math.max(this.t1 - this.t0, 1);
    this.spacer.style.height = `${entries.length * ROW}px`;
    this.#axis();
    this.#render();
  }

  /** Zoom the time axis (1 = the whole run fits), keeping the left edge's time in view. */
  setZoom(z) {
    const next = Math.min(2000, Math.max(1, z));
    const trackWidth = this.scroll.clientWidth - LABEL_WIDTH;
    const leftTime = (this.scroll.scrollLeft / Math.max(1, trackWidth * this.zoom)) * this.span;
    this.zoom = next;
    this.scroll.style.setProperty("--zoom", String(next));
    this.#axis();
    this.scroll.scrollLeft = (leftTime / this.span) * trackWidth * next;
    this.#render();
  }

  /** Zoom so that [a, b] fills most of the view, and scroll to it. */
  zoomTo(a, b) {
    const span = Math.max(b - a, this.span / 2000, 1);
    this.setZoom(this.span / (span * 1.3));
    const trackWidth = this.scroll.clientWidth - LABEL_WIDTH;
    this.scroll.scrollLeft = ((a - this.t0 - span * 0.15) / this.span) * trackWidth * this.zoom;
  }

  #x(t) {
    return `${(((t - this.t0) / this.span) * 100).toFixed(4)}%`;
  }

  #w(a, b) {
    return `${(((b - a) / this.span) * 100).toFixed(4)}%`;
  }

  #axis() {
    const seconds = this.span / 1000;
    const step = STEPS.find((st) => seconds / st <= 6 * this.zoom) ?? STEPS[STEPS.length - 1];
    const ticks = [];
    for (let t = 0; t <= seconds + 1e-9 && ticks.length < 600; t += step) {
      ticks.push(h("span.tick", { style: `left: ${((t / seconds) * 100).toFixed(3)}%` }, clockLabel(t, step)));
    }
    this.axis.replaceChildren(this.corner, h("div.tl-ticks", null, ...ticks));
    // The tracks' grid lines fall on the ticks.
    this.root.style.setProperty("--tick", `${Math.min(100, (step / seconds) * 100).toFixed(4)}%`);
  }

  #render() {
    const entries = this.trace?.entries ?? [];
    const top = this.scroll.scrollTop;
    const height = this.scroll.clientHeight || 300;
    const first = Math.max(0, Math.floor(top / ROW) - MARGIN);
    const last = Math.min(entries.length, Math.ceil((top + height) / ROW) + MARGIN);
    const rows = [];
    for (let i = first; i < last; i++) rows.push(this.#row(entries[i], i));
    this.body.replaceChildren(...rows);
  }

  #row(entry, i) {
    const end = entry.end ?? this.t1;
    const suffix = entry.iteration !== undefined ? ` [${entry.iteration}]` : entry.branch !== undefined ? ` (branch ${entry.branch})` : "";
    const track = h("div.tl-track");
    const seg = (kind, a, b, text, title, extra = {}) =>
      track.append(h("span.seg", {
        class: kind,
        style: `left: ${this.#x(a)}; width: ${this.#w(a, b)}`,
        title,
        dataset: { kind: kind.split(" ")[0], seconds: String((b - a) / 1000), ...extra },
      }, text ?? ""));
    const type = entry.type;
    const duration = (a, b) => formatSeconds((b - a) / 1000);
    seg(`span ${type === "Map" || type === "Parallel" ? "group" : ""}`, entry.start, end, "", `${entry.state}: ${duration(entry.start, end)}${entry.end === undefined ? " so far" : ""}`);
    if (type === "Wait") seg("wait", entry.start, end, `wait ${duration(entry.start, end)}`, `Wait ${duration(entry.start, end)}`);
    entry.attempts.forEach((a, k) => {
      const b = a.end ?? end;
      const outcome = a.outcome;
      const label = outcome === "timedOut" ? "timed out" : outcome === "failed" ? a.error ?? "failed" : "";
      seg(`attempt ${outcome}`, a.start, b, label, `Attempt ${k + 1}: ${outcome}${a.error ? ` (${a.error})` : ""}, ${duration(a.start, b)}`, { attempt: String(k + 1) });
    });
    for (const b of entry.backoffs) {
      const stop = b.end ?? end;
      seg("backoff", b.start, stop, `\u21bb ${duration(b.start, stop)}`,
        `Retry ${b.retry} after ${duration(b.start, stop)} (after ${b.error})`, { retry: String(b.retry) });
    }
    if (entry.waiting) {
      const stop = entry.waiting.end ?? end;
      seg("callback", entry.waiting.start, stop, entry.waiting.end ? "" : "waiting for token", `Waiting for the task token: ${duration(entry.waiting.start, stop)}`);
    }
    return h("div.tl-row", {
      role: "listitem",
      class: `phase-${entry.phase}`,
      style: `transform: translateY(${i * ROW}px)`,
      dataset: { state: entry.state, phase: entry.phase, index: String(i) },
    },
      h("span.tl-label", { style: `padding-left: ${6 + entry.depth * 12}px`, title: `${entry.state}${suffix}` }, h("span.dot"), entry.state, h("span.muted", null, suffix)),
      track);
  }
}

/** Axis labels: 0:15, 1:30, 1:02:00 (or milliseconds for sub-second steps). */
function clockLabel(t, step) {
  if (step < 1) return `${Math.round(t * 1000)} ms`;
  const s = Math.round(t);
  const two = (n) => String(n).padStart(2, "0");
  if (s < 3600) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor((s % 3600) / 60))}:${two(s % 60)}`;
}
