// A JSON value as highlighted, pretty-printed text: the tokens become spans
// whose text is set as text (never parsed as HTML). Big values stay plain.

import { h } from "./dom.js";

const TOKEN = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|(true|false|null)|([{}[\],])/g;
const HIGHLIGHT_LIMIT = 60_000;

/** Pretty JSON text of a value; `undefined` shows as an em dash. */
export function pretty(value) {
  return value === undefined ? "\u2014" : JSON.stringify(value, null, 2);
}

/** A <pre> holding the value, highlighted. */
export function jsonBlock(value, { className = "json", testid } = {}) {
  const text = typeof value === "string" && className.includes("raw") ? value : pretty(value);
  const pre = h(`pre.${className.split(" ").join(".")}`, testid ? { dataset: { testid } } : undefined);
  fill(pre, text);
  return pre;
}

/** Put highlighted JSON text into an element. */
export function fill(node, text) {
  if (text.length > HIGHLIGHT_LIMIT) {
    node.textContent = text;
    return node;
  }
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(TOKEN)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    if (m[1] !== undefined) {
      parts.push(h(m[2] ? "span.tok-key" : "span.tok-string", null, m[1]));
      if (m[2]) parts.push(m[2]);
    } else if (m[3] !== undefined) parts.push(h("span.tok-number", null, m[3]));
    else if (m[4] !== undefined) parts.push(h("span.tok-literal", null, m[4]));
    else parts.push(h("span.tok-punct", null, m[5]));
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  node.replaceChildren(...parts);
  return node;
}
