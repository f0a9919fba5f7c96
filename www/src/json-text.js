// Pretty-printing JSON *text* without parsing it into JS objects, which would
// move integer-like keys to the front and round integers beyond 2^53. The
// engine's outputs keep AWS's key order; so does the page.

const TOKEN = /\s*("(?:[^"\\]|\\.)*"|[{}[\],:]|[^\s{}[\],:"]+)/gy;

/** The JSON text, indented by `indent` spaces a level, starting at `depth` levels. */
export function reindent(text, indent = 2, depth = 0) {
  const pad = (n) => "\n" + " ".repeat(n * indent);
  let out = "";
  let level = depth;
  let prev = "";
  TOKEN.lastIndex = 0;
  for (let m; (m = TOKEN.exec(text)) !== null; ) {
    const t = m[1];
    if (t === "{" || t === "[") {
      if (prev === "[") out += pad(level); // an array's first item
      out += t;
      level++;
      prev = t;
      continue;
    }
    if (t === "}" || t === "]") {
      level--;
      out += prev === "{" || prev === "[" ? t : pad(level) + t;
      prev = t;
      continue;
    }
    if (prev === "{" || prev === "[") out += pad(level);
    if (t === ",") out += "," + pad(level);
    else if (t === ":") out += ": ";
    else out += t;
    prev = t;
  }
  return out;
}

/** A value whose JSON text is already known (kept verbatim, reindented). */
export class RawJson {
  constructor(text) {
    this.text = text;
  }
}

/** JSON.stringify(value, null, indent), except that RawJson values are inlined as text. */
export function stringify(value, indent = 2, depth = 0) {
  const pad = (n) => "\n" + " ".repeat(n * indent);
  if (value instanceof RawJson) return reindent(value.text, indent, depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${value.map((v) => pad(depth + 1) + stringify(v, indent, depth + 1)).join(",")}${pad(depth)}]`;
  }
  if (value && typeof value === "object") {
    const keys = Object.keys(value).filter((k) => value[k] !== undefined);
    if (keys.length === 0) return "{}";
    return `{${keys.map((k) => `${pad(depth + 1)}${JSON.stringify(k)}: ${stringify(value[k], indent, depth + 1)}`).join(",")}${pad(depth)}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** An event as readable text: the JSON text fields of its details (input, output, parameters…) shown as JSON. */
export function eventText(event) {
  const out = {};
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith("EventDetails") || !value || typeof value !== "object") {
      out[key] = value;
      continue;
    }
    const details = {};
    for (const [k, v] of Object.entries(value)) {
      details[k] = typeof v === "string" && /^(input|output|parameters|result)$/.test(k) && /^\s*[[{"\d\-tfn]/.test(v) ? new RawJson(v) : v;
    }
    out[key] = details;
  }
  return stringify(out);
}

/**
 * Where JSON.parse fails on `text`, or null: `{ offset, message }`, the offset read from
 * the parser's message (V8 says "at position N" or "line L column C"), clamped to the text.
 */
export function jsonParseFailure(text) {
  try {
    JSON.parse(text);
    return null;
  } catch (e) {
    const message = String(e.message);
    let offset = text.length;
    const p = message.match(/position (\d+)/);
    const lc = message.match(/line (\d+) column (\d+)/);
    if (p) offset = Number(p[1]);
    else if (lc) {
      const lines = text.split("\n");
      offset = lines.slice(0, Number(lc[1]) - 1).reduce((a, l) => a + l.length + 1, 0) + Number(lc[2]) - 1;
    }
    return { offset: Math.min(Math.max(0, offset), text.length), message };
  }
}
