// Building DOM without HTML strings: every piece of text goes in through
// textContent (or a text node), so a state name like `<img onerror=…>` is
// shown, never parsed.

const SVG = "http://www.w3.org/2000/svg";

/**
 * `h("div.class", {attrs}, ...children)`: an element; strings among the
 * children become text nodes. Attributes: `class`, `dataset`, `on*`
 * listeners, `text`, and anything else through setAttribute.
 */
export function h(spec, attrs, ...children) {
  return build(document.createElement(tagOf(spec)), spec, attrs, children);
}

/** The same for SVG elements. */
export function s(spec, attrs, ...children) {
  return build(document.createElementNS(SVG, tagOf(spec)), spec, attrs, children);
}

function tagOf(spec) {
  return spec.split(".")[0] || "div";
}

function build(node, spec, attrs, children) {
  const classes = spec.split(".").slice(1);
  if (classes.length) node.setAttribute("class", classes.join(" "));
  if (attrs && (typeof attrs !== "object" || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
    attrs = undefined;
  }
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.setAttribute("class", [...classes, value].join(" "));
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on") && typeof value === "function") node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}


/** Give the browser a turn (input, paint) before going on. */
export function yieldToBrowser() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** A short message that fades (copied links, saved files, errors that need no dialog). */
export function toast(text, kind = "info") {
  const area = document.getElementById("toasts");
  if (!area) return;
  const item = h("div.toast", { class: kind, role: kind === "error" ? "alert" : "status" }, text);
  area.append(item);
  setTimeout(() => item.remove(), kind === "error" ? 8000 : 3500);
}

/** Save text as a download. */
export function download(name, text, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
