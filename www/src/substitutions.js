// The Substitutions panel: the DefinitionSubstitutions placeholders (`${KEY}`) found in the
// definition, each with an editable value. The engine applies them to the text before parsing
// (`substitutions` of validate() and Simulator); a placeholder left empty is the engine's
// UNRESOLVED_SUBSTITUTION warning and takes a value that fits its field, so the machine still runs.
// Values are the page's own state (`substitutions` in the share object). Text only via textContent.

import { h } from "./dom.js";

const PLACEHOLDER = /\$\{([A-Za-z0-9_.:-]+)\}/g;

/** The keys of the `${KEY}` placeholders in `text`, each once, in the order first met. */
export function placeholders(text) {
  const keys = new Set();
  for (const m of String(text).matchAll(PLACEHOLDER)) keys.add(m[1]);
  return [...keys];
}

export class SubstitutionsPanel {
  /** `root`: the panel's element; `onChange()` after the user edits a value. */
  constructor(root, onChange) {
    this.root = root;
    this.onChange = onChange;
    this.values = {};
    this.keys = [];
  }

  /** Show the placeholders of `text` (kept values survive edits of the definition). */
  update(text) {
    const keys = placeholders(text);
    if (keys.length === this.keys.length && keys.every((k, i) => k === this.keys[i])) return;
    this.keys = keys;
    this.root.hidden = keys.length === 0;
    const rows = keys.map((key) =>
      h(
        "label.substitution",
        { title: `DefinitionSubstitutions value for \${${key}}` },
        h("code", { text: `\${${key}}` }),
        h("input", {
          type: "text",
          value: this.values[key] ?? "",
          placeholder: "(placeholder)",
          dataset: { testid: "substitution", key },
          oninput: (e) => {
            this.values[key] = e.target.value;
            this.onChange();
          },
        }),
      ),
    );
    this.root.replaceChildren(h("span.muted", { text: "Substitutions" }), ...rows);
  }

  /** The `substitutions` option: the values given (an empty object when there are placeholders but no values). */
  option() {
    if (this.keys.length === 0) return undefined;
    const out = {};
    for (const key of this.keys) if (this.values[key]) out[key] = this.values[key];
    return out;
  }

  /** The values to share, and to load back. */
  state() {
    return Object.keys(this.values).length ? { ...this.values } : undefined;
  }
  load(values) {
    this.values = values && typeof values === "object" && !Array.isArray(values) ? Object.fromEntries(Object.entries(values).filter(([, v]) => typeof v === "string")) : {};
    this.keys = [];
  }
}
