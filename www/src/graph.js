// The state machine as a graph: a model read from the definition, a layout
// by dagre (each Parallel branch and Map processor laid out on its own, then
// placed inside its group's box, so groups nest as in the Step Functions
// console), and an SVG view that colours states as the execution moves.

import dagre from "@dagrejs/dagre";
import { h, s } from "./dom.js";

const START = "\u0000start";
const END = "\u0000end";

const NODE_H = 46;
const GROUP_HEADER = 34;
const GROUP_PAD = 12;
const BRANCH_GAP = 14;
const BRANCH_HEADER = 20;

let measureContext;
/** Width of a text in the graph's fonts. */
function textWidth(text, font) {
  measureContext ??= document.createElement("canvas").getContext("2d");
  measureContext.font = font;
  return measureContext.measureText(text).width;
}
const NAME_FONT = '600 13px system-ui, -apple-system, "Segoe UI", sans-serif';
const SMALL_FONT = '11px system-ui, -apple-system, "Segoe UI", sans-serif';

// ---------------------------------------------------------------------------
// Model

/** The graph of a parsed definition: containers of nodes and edges, nested for Parallel and Map. */
export function buildModel(definition) {
  return container(definition, true);
}

function container(def, top) {
  const nodes = [];
  const edges = [];
  const states = def && typeof def.States === "object" && def.States !== null && !Array.isArray(def.States) ? def.States : {};
  const names = new Set(Object.keys(states));
  const missing = new Set();
  const target = (name) => {
    if (typeof name !== "string") return undefined;
    if (!names.has(name)) missing.add(name);
    return name;
  };
  if (top) nodes.push({ id: START, kind: "start", name: "Start" });
  for (const [name, state] of Object.entries(states)) {
    const node = { id: name, kind: "state", name, type: state?.Type ?? "?", state: state ?? {}, children: [] };
    nodes.push(node);
    const type = node.type;
    if (type === "Parallel" && Array.isArray(state.Branches)) {
      node.children = state.Branches.map((b, i) => ({ label: `Branch ${i + 1}`, ...container(b, false) }));
    } else if (type === "Map") {
      const processor = state.ItemProcessor ?? state.Iterator;
      const distributed = processor?.ProcessorConfig?.Mode === "DISTRIBUTED";
      if (processor) node.children = [{ label: distributed ? "Iterations (distributed)" : "Iterations", map: true, ...container(processor, false) }];
    }
    if (type === "Choice") {
      (Array.isArray(state.Choices) ? state.Choices : []).forEach((rule, i) => {
        const to = target(rule?.Next);
        if (to !== undefined) edges.push({ from: name, to, kind: "choice", label: ruleLabel(rule, i), rule: i });
      });
      const to = target(state.Default);
      if (to !== undefined) edges.push({ from: name, to, kind: "default", label: "Default" });
    } else if (state?.Next !== undefined) {
      const to = target(state.Next);
      if (to !== undefined) edges.push({ from: name, to, kind: "next" });
    } else if (top && (state?.End === true || type === "Succeed" || type === "Fail")) {
      edges.push({ from: name, to: END, kind: "end" });
    }
    for (const c of Array.isArray(state?.Catch) ? state.Catch : []) {
      const to = target(c?.Next);
      const errors = Array.isArray(c?.ErrorEquals) ? c.ErrorEquals.join(", ") : "?";
      if (to !== undefined) edges.push({ from: name, to, kind: "catch", label: `Catch: ${errors}` });
    }
  }
  for (const name of missing) nodes.push({ id: name, kind: "missing", name, type: "missing" });
  if (top) {
    nodes.push({ id: END, kind: "end", name: "End" });
    const start = typeof def?.StartAt === "string" ? def.StartAt : undefined;
    if (start !== undefined) {
      if (!names.has(start) && !missing.has(start)) nodes.splice(1, 0, { id: start, kind: "missing", name: start, type: "missing" });
      edges.unshift({ from: START, to: start, kind: "next" });
    }
  }
  return { nodes, edges };
}

const OPERATORS = [
  ["StringEquals", "=="], ["NumericEquals", "=="], ["BooleanEquals", "=="], ["TimestampEquals", "=="],
  ["StringGreaterThanEquals", ">="], ["NumericGreaterThanEquals", ">="], ["TimestampGreaterThanEquals", ">="],
  ["StringLessThanEquals", "<="], ["NumericLessThanEquals", "<="], ["TimestampLessThanEquals", "<="],
  ["StringGreaterThan", ">"], ["NumericGreaterThan", ">"], ["TimestampGreaterThan", ">"],
  ["StringLessThan", "<"], ["NumericLessThan", "<"], ["TimestampLessThan", "<"],
  ["StringMatches", "matches"], ["IsPresent", "is present"], ["IsNull", "is null"], ["IsString", "is string"],
  ["IsNumeric", "is numeric"], ["IsBoolean", "is boolean"], ["IsTimestamp", "is timestamp"],
];

/** A short text for a Choice rule: its Comment, a JSONata Condition, or `$.x > 3`. */
export function ruleLabel(rule, i, max = 34) {
  const text = rule?.Comment ?? describeRule(rule) ?? `Rule ${i + 1}`;
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
}

function describeRule(rule) {
  if (!rule || typeof rule !== "object") return undefined;
  if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, "");
  if (Array.isArray(rule.And)) return rule.And.map(describeRule).join(" and ");
  if (Array.isArray(rule.Or)) return rule.Or.map(describeRule).join(" or ");
  if (rule.Not) return `not (${describeRule(rule.Not)})`;
  for (const [key, op] of OPERATORS) {
    for (const name of [key, `${key}Path`]) {
      if (name in rule) {
        const value = rule[name];
        if (op.startsWith("is")) return `${rule.Variable} ${value === false ? op.replace("is", "is not") : op}`;
        return `${rule.Variable} ${op} ${name.endsWith("Path") ? value : JSON.stringify(value)}`;
      }
    }
  }
  return undefined;
}

/** What a node shows under its name: the type and the gist of its work. */
function subtitle(node) {
  const st = node.state ?? {};
  switch (node.type) {
    case "Task": {
      const r = typeof st.Resource === "string" ? st.Resource : "";
      let what = r;
      const integration = r.match(/^arn:[^:]+:states:::(.+)$/);
      if (integration) what = integration[1];
      else if (/:activity:/.test(r)) what = `activity ${r.split(":").pop()}`;
      else if (/:lambda:/.test(r)) what = `lambda ${r.split(":").pop()}`;
      const fn = st.Parameters?.FunctionName ?? st.Arguments?.FunctionName;
      if (typeof fn === "string" && !fn.startsWith("{%")) what += ` \u00b7 ${fn.split(":").pop()}`;
      return `Task \u00b7 ${what}`;
    }
    case "Wait":
      if (st.Seconds !== undefined) return `Wait \u00b7 ${st.Seconds} s`;
      if (st.SecondsPath) return `Wait \u00b7 ${st.SecondsPath}`;
      if (st.Timestamp) return `Wait \u00b7 until ${st.Timestamp}`;
      return "Wait";
    case "Fail":
      return st.Error ? `Fail \u00b7 ${st.Error}` : "Fail";
    case "Map":
      return st.MaxConcurrency ? `Map \u00b7 ${st.MaxConcurrency} at a time` : "Map";
    case "missing":
      return "not defined";
    default:
      return node.type;
  }
}

// ---------------------------------------------------------------------------
// Layout

function clip(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}\u2026` : text;
}

/** Sizes, then dagre positions, from the inside out. */
function layoutContainer(c) {
  for (const node of c.nodes) {
    if (node.kind === "start" || node.kind === "end") {
      node.w = 56;
      node.h = 26;
      continue;
    }
    node.sub = clip(subtitle(node), 44);
    const inner = Math.max(textWidth(node.name, NAME_FONT), textWidth(node.sub, SMALL_FONT));
    node.w = Math.min(300, Math.max(150, Math.ceil(inner) + 52));
    node.h = NODE_H;
    if (node.children?.length) {
      for (const child of node.children) layoutContainer(child);
      const widths = node.children.map((child) => child.width + 2 * 10);
      const heights = node.children.map((child) => child.height + BRANCH_HEADER + 10);
      const content = widths.reduce((a, b) => a + b, 0) + BRANCH_GAP * (node.children.length - 1);
      node.w = Math.max(node.w, content + 2 * GROUP_PAD);
      node.h = GROUP_HEADER + Math.max(...heights) + GROUP_PAD;
      node.group = true;
    }
  }
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: "TB", nodesep: 30, ranksep: 34, edgesep: 14, marginx: 10, marginy: 10 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of c.nodes) g.setNode(node.id, { width: node.w, height: node.h });
  c.edges.forEach((edge, i) => {
    if (!g.hasNode(edge.from) || !g.hasNode(edge.to)) return;
    const label = edge.label ? { width: Math.ceil(textWidth(edge.label, SMALL_FONT)) + 12, height: 18, labelpos: "c" } : {};
    g.setEdge(edge.from, edge.to, { ...label, minlen: 1 }, String(i));
  });
  dagre.layout(g);
  for (const node of c.nodes) {
    const n = g.node(node.id);
    node.x = n.x - node.w / 2;
    node.y = n.y - node.h / 2;
  }
  c.edges.forEach((edge, i) => {
    const e = g.edge(edge.from, edge.to, String(i));
    if (!e) return;
    edge.points = e.points;
    if (edge.label) edge.labelAt = { x: e.x, y: e.y, w: e.width, h: e.height };
  });
  const graph = g.graph();
  c.width = Math.max(graph.width ?? 0, 60);
  c.height = Math.max(graph.height ?? 0, 30);
}

/** The laid-out graph of a definition object. */
export function layout(definition) {
  const model = buildModel(definition);
  layoutContainer(model);
  return model;
}

// ---------------------------------------------------------------------------
// View

/**
 * The SVG view (a panel: see ARCHITECTURE.md). `onSelect(name)` and `onBreakpoint(name)`
 * report clicks; `draw(definition)` lays out a definition; `show(view)` recolours it;
 * `setSelected` and `setBreakpoints` mark states; `reveal`, `setZoom`, `fitToView` move it.
 */
let views = 0;

export class GraphView {
  constructor(root, { onSelect, onBreakpoint } = {}) {
    this.root = root;
    this.onSelect = onSelect;
    this.onBreakpoint = onBreakpoint;
    // Marker ids of their own: several graphs may share a document (embeds).
    this.ids = `g${++views}-`;
    this.zoom = 1;
    this.fit = true;
    this.nodes = new Map();
    this.edges = [];
    this.svg = null;
    root.addEventListener("click", (e) => this.#click(e));
    root.addEventListener("keydown", (e) => this.#key(e));
    root.addEventListener("wheel", (e) => {
      if (!e.ctrlKey) return;
      e.preventDefault();
      this.setZoom(this.zoom * (e.deltaY < 0 ? 1.1 : 1 / 1.1));
    }, { passive: false });
    new ResizeObserver(() => this.fit && this.#applyZoom()).observe(root);
  }

  /** Draw a definition (a parsed object); keeps selection and breakpoints by name. */
  draw(definition) {
    let model;
    try {
      model = layout(definition);
    } catch (e) {
      console.warn("graph layout failed", e);
      return;
    }
    this.model = model;
    this.nodes.clear();
    this.edges = [];
    const defs = s("defs", null,
      marker(`${this.ids}arrow`, "edge-arrow"), marker(`${this.ids}arrow-catch`, "edge-arrow catch"), marker(`${this.ids}arrow-taken`, "edge-arrow taken"));
    const layer = s("g.layer");
    this.#drawContainer(layer, model, 0, 0, 0);
    this.svg = s("svg.graph", { role: "group", "aria-label": "State machine graph", viewBox: `0 0 ${model.width} ${model.height}` }, defs, layer);
    this.root.replaceChildren(this.svg);
    this.#applyZoom();
    this.#refreshMarks();
  }

  #drawContainer(layer, c, dx, dy, depth) {
    const edgeLayer = s("g.edges");
    const nodeLayer = s("g.nodes");
    layer.append(edgeLayer, nodeLayer);
    for (const edge of c.edges) {
      if (!edge.points) continue;
      const kind = edge.kind;
      const path = s("path", {
        class: `edge ${kind}`,
        d: smooth(edge.points.map((p) => ({ x: p.x + dx, y: p.y + dy }))),
        "marker-end": `url(#${this.ids}${kind === "catch" ? "arrow-catch" : "arrow"})`,
      });
      const g = s("g.edge-group", { dataset: { from: edge.from, to: edge.to, kind } }, path);
      if (edge.labelAt) {
        const { x, y, w, hgt = edge.labelAt.h } = edge.labelAt;
        g.append(
          s("rect.edge-label-bg", { class: kind, x: x + dx - w / 2, y: y + dy - hgt / 2, width: w, height: hgt, rx: 4 }),
          s("text.edge-label", { class: kind, x: x + dx, y: y + dy + 4, "text-anchor": "middle" }, edge.label),
        );
        g.append(s("title", null, edge.label));
      }
      edgeLayer.append(g);
      this.edges.push({ edge, g, path });
    }
    for (const node of c.nodes) {
      const x = node.x + dx;
      const y = node.y + dy;
      if (node.kind === "start" || node.kind === "end") {
        nodeLayer.append(s("g.terminal", { class: node.kind },
          s("rect", { x, y, width: node.w, height: node.h, rx: node.h / 2 }),
          s("text", { x: x + node.w / 2, y: y + node.h / 2 + 4, "text-anchor": "middle" }, node.name)));
        continue;
      }
      const g = s("g.node", {
        class: [node.group ? "group" : "", node.kind === "missing" ? "missing" : "", `type-${node.type}`].join(" "),
        tabindex: node.kind === "missing" ? undefined : "0",
        role: node.kind === "missing" ? undefined : "button",
        dataset: node.kind === "missing" ? { missing: node.name } : { state: node.name, status: "idle", type: node.type },
      });
      const title = s("title");
      g.append(title);
      if (node.group) {
        g.append(
          s("rect.box", { x, y, width: node.w, height: node.h, rx: 8 }),
          s("rect.stripe", { x, y, width: 5, height: node.h, rx: 2 }),
          s("text.name", { x: x + 30, y: y + 21 }, node.name),
          s("text.sub", { x: x + node.w - 10, y: y + 21, "text-anchor": "end" }, node.sub),
        );
        let bx = x + GROUP_PAD;
        const contentW = node.children.reduce((a, c2) => a + c2.width + 20, 0) + BRANCH_GAP * (node.children.length - 1);
        bx += (node.w - 2 * GROUP_PAD - contentW) / 2;
        for (const child of node.children) {
          const bw = child.width + 20;
          const bh = node.h - GROUP_HEADER - GROUP_PAD;
          const by = y + GROUP_HEADER;
          if (child.map) {
            g.append(s("rect.branch.stack", { x: bx + 4, y: by + 4, width: bw, height: bh, rx: 6 }));
          }
          g.append(
            s("rect.branch", { class: child.map ? "map" : "", x: bx, y: by, width: bw, height: bh, rx: 6 }),
            s("text.branch-label", { x: bx + 8, y: by + 14 }, child.label),
          );
          const inner = s("g.inner");
          this.#drawContainer(inner, child, bx + 10, by + BRANCH_HEADER + (bh - BRANCH_HEADER - child.height) / 2, depth + 1);
          g.append(inner);
          bx += bw + BRANCH_GAP;
        }
      } else {
        g.append(
          s("rect.box", { x, y, width: node.w, height: node.h, rx: 7 }),
          s("rect.stripe", { x, y, width: 5, height: node.h, rx: 2 }),
          s("text.name", { x: x + 30, y: y + 20 }, clip(node.name, 38)),
          s("text.sub", { x: x + 30, y: y + 35 }, node.sub),
        );
      }
      if (node.kind !== "missing") {
        const cy = node.group ? y + 17 : y + node.h / 2;
        g.append(s("g.badges"));
        // No breakpoint handler (the embed): no breakpoint dot either.
        if (this.onBreakpoint) {
          g.append(s("circle.bp", { cx: x + 17, cy, r: 6, dataset: { action: "breakpoint" } }, s("title", null, "Breakpoint: click (or Shift+click the state, or press B)")));
        }
        this.nodes.set(node.name, { g, node, title });
      }
      nodeLayer.append(g);
    }
  }

  #node(e) {
    const g = e.target.closest?.("g.node[data-state]");
    if (!g || !this.root.contains(g)) return null;
    // A click inside a group's branch belongs to the innermost state.
    return g;
  }

  #click(e) {
    const g = this.#node(e);
    if (!g) return;
    e.stopPropagation();
    const name = g.dataset.state;
    if (this.onBreakpoint && (e.shiftKey || e.target.closest("[data-action=breakpoint]"))) this.onBreakpoint(name);
    else this.onSelect?.(name);
  }

  #key(e) {
    const g = this.#node(e);
    if (!g || e.target !== g) return;
    const name = g.dataset.state;
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      if (e.shiftKey && this.onBreakpoint) this.onBreakpoint(name);
      else this.onSelect?.(name);
    } else if ((e.key === "b" || e.key === "B") && this.onBreakpoint) {
      e.preventDefault();
      this.onBreakpoint(name);
    }
  }

  setZoom(z) {
    this.fit = false;
    this.zoom = Math.min(3, Math.max(0.2, z));
    this.#applyZoom();
  }

  fitToView() {
    this.fit = true;
    this.#applyZoom();
  }

  #applyZoom() {
    if (!this.svg || !this.model) return;
    if (this.fit) {
      // Fit the whole graph when that keeps it readable; else fit the width and scroll down.
      const w = this.root.clientWidth - 16;
      const hgt = this.root.clientHeight - 16;
      if (w > 0 && hgt > 0) {
        const whole = Math.min(1.1, w / this.model.width, hgt / this.model.height);
        this.zoom = whole >= 0.72 ? whole : Math.max(0.45, Math.min(1, w / this.model.width));
      }
    }
    this.svg.setAttribute("width", String(Math.round(this.model.width * this.zoom)));
    this.svg.setAttribute("height", String(Math.round(this.model.height * this.zoom)));
  }

  /**
   * Show an execution on the drawn graph. `view` = {status(name) → idle | active | succeeded |
   * failed | caught | retrying | waiting, runs(name), retries(name) (the badges), taken (a Set
   * of "A→B" edges), pausedBefore (the state a breakpoint stopped before, or null)}.
   */
  show({ status, runs, taken, retries, pausedBefore = null }) {
    this.pausedBefore = pausedBefore;
    for (const [name, { g }] of this.nodes) {
      const next = status(name);
      if (g.dataset.status !== next) g.dataset.status = next;
      const n = runs(name);
      const r = retries?.(name) ?? 0;
      const badge = [n > 1 ? `\u00d7${n}` : "", r ? `\u21bb${r}` : ""].filter(Boolean).join(" ");
      const holder = g.querySelector(":scope > .badges");
      if (holder.dataset.text !== badge) {
        holder.dataset.text = badge;
        holder.replaceChildren();
        if (badge) {
          holder.append(this.#badge(g, Math.ceil(textWidth(badge, SMALL_FONT)) + 10, badge));
        }
      }
    }
    for (const { edge, g, path } of this.edges) {
      // Into End: taken once the state it leaves has succeeded (End states and Succeed exist only at the top level).
      const isTaken = edge.from === START ? taken.size > 0 || status(edge.to) !== "idle"
        : edge.to === END ? edge.kind === "end" && status(edge.from) === "succeeded"
        : taken.has(`${edge.from}\u2192${edge.to}`);
      if (g.classList.contains("taken") === isTaken) continue;
      g.classList.toggle("taken", isTaken);
      if (edge.kind !== "catch") path.setAttribute("marker-end", `url(#${this.ids}${isTaken ? "arrow-taken" : "arrow"})`);
    }
    this.#refreshMarks();
  }

  #badge(g, w, text) {
    // Node coordinates are container-relative; the box's drawn position is absolute.
    const box = g.querySelector(":scope > rect.box");
    const bx = Number(box.getAttribute("x")) + Number(box.getAttribute("width")) - w + 6;
    const by = Number(box.getAttribute("y")) - 8;
    return s("g.badge", null, s("rect", { x: bx, y: by, width: w, height: 16, rx: 8 }), s("text", { x: bx + w / 2, y: by + 12, "text-anchor": "middle" }, text));
  }

  setSelected(name) {
    this.selected = name;
    this.#refreshMarks();
  }

  setBreakpoints(set) {
    this.breakpoints = set;
    this.#refreshMarks();
  }

  #refreshMarks() {
    for (const [name, { g, node, title }] of this.nodes) {
      const selected = name === this.selected;
      const bp = this.breakpoints?.has(name) ?? false;
      g.classList.toggle("selected", selected);
      g.classList.toggle("breakpoint", bp);
      g.classList.toggle("paused-before", name === this.pausedBefore);
      if (selected) g.setAttribute("aria-pressed", "true");
      else g.removeAttribute("aria-pressed");
      const status = g.dataset.status;
      const label = `${name}, ${node.type} state, ${status === "idle" ? "not reached" : status}${bp ? ", breakpoint set" : ""}${name === this.pausedBefore ? ", paused before it" : ""}`;
      if (g.getAttribute("aria-label") !== label) {
        g.setAttribute("aria-label", label);
        title.textContent = `${label}\nClick: inspect${this.onBreakpoint ? " \u00b7 Shift+click or B: toggle breakpoint" : ""}`;
      }
    }
  }

  /** Scroll the panel (and only the panel) so that a state is in view. */
  reveal(name) {
    const g = this.nodes.get(name)?.g.querySelector(":scope > rect.box");
    if (!g) return;
    const box = g.getBoundingClientRect();
    const view = this.root.getBoundingClientRect();
    const margin = 24;
    if (box.top < view.top + margin) this.root.scrollTop -= view.top + margin - box.top;
    else if (box.bottom > view.bottom - margin) this.root.scrollTop += Math.min(box.top - view.top - margin, box.bottom - view.bottom + margin);
    if (box.left < view.left + margin) this.root.scrollLeft -= view.left + margin - box.left;
    else if (box.right > view.right - margin) this.root.scrollLeft += box.right - view.right + margin;
  }

  focus(name) {
    this.nodes.get(name)?.g.focus();
  }
}

function marker(id, cls) {
  return s("marker", { id, viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" },
    s("path", { class: cls, d: "M 0 0 L 10 5 L 0 10 z" }));
}

/** A path through dagre's points with rounded corners. */
function smooth(points) {
  if (points.length < 3) return `M ${points.map((p) => `${p.x} ${p.y}`).join(" L ")}`;
  let d = `M ${points[0].x} ${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const p = points[i];
    const next = points[i + 1];
    const mx = (p.x + next.x) / 2;
    const my = (p.y + next.y) / 2;
    d += ` Q ${p.x} ${p.y} ${i === points.length - 2 ? next.x : mx} ${i === points.length - 2 ? next.y : my}`;
  }
  return d;
}

export const legend = () =>
  h("ul.legend", { "aria-label": "Colours" },
    ...["active", "waiting", "retrying", "succeeded", "caught", "failed", "idle"].map((st) =>
      h("li", { dataset: { status: st } }, h("span.swatch"), st === "idle" ? "not reached" : st)));
