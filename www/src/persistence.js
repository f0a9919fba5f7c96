// Keeping and sharing the playground's state: the URL fragment (written as you edit,
// applied when it changes), the Share link, opening a file (a workspace, a MockConfigFile
// or a definition), saving the editors, the workspace or the history as files, and the
// theme the user chose (in localStorage; index.html applies it before the first paint).
// The formats are share.js's; what the state holds and how it is applied are main.js's.

import { h, toast, download } from "./dom.js";
import { readFragment, compressedFragment, validState } from "./share.js";
import { EXAMPLES } from "./examples.js";

const SAVE_DELAY_MS = 400;
const FILE_NAMES = { definition: "state-machine.asl.json", input: "input.json", mocks: "mocks.json", workspace: "asl-sim-workspace.json", history: "execution-history.json" };

/** The banner above the page, for what went wrong before the page could start. */
export function showBanner(root, text) {
  root.replaceChildren(h("span", null, text), h("button.small", { type: "button", onclick: () => (root.hidden = true), "aria-label": "Dismiss" }, "\u00d7"));
  root.hidden = false;
}

export class Persistence {
  /**
   * `state()` the whole state (share.js's shape); `load(state, example)` applies one;
   * `text(which)` an editor's text and `put(which, text)` replaces it (showing its tab);
   * `history()` the execution's events, or null before there is one; `banner` the banner element;
   * `hasScratch()` whether the JSONata scratch panel has something to share.
   */
  constructor({ state, load, text, put, history, banner, hasScratch }) {
    Object.assign(this, { state, load, text, put, history, banner, hasScratch });
    this.timer = null;
    /** The fragment last written or read, so that our own writes do not reload the page. */
    this.lastHash = null;
  }

  /** Write the state into the URL shortly (edits come in bursts). */
  saveSoon() {
    clearTimeout(this.timer);
    this.timer = setTimeout(async () => {
      const fragment = await compressedFragment(this.state());
      history.replaceState(null, "", fragment);
      this.lastHash = fragment;
    }, SAVE_DELAY_MS);
  }

  /** Apply the URL's state, if it has one (and it changed); false when it has none or it cannot be read. */
  async loadFromUrl() {
    const hash = location.hash;
    if (hash === this.lastHash) return true;
    this.lastHash = hash;
    let state;
    try {
      state = await readFragment(hash);
    } catch (e) {
      showBanner(this.banner, `This link's state could not be read: ${e.message}. Showing the default example instead.`);
      return false;
    }
    if (!state) return false;
    this.banner.hidden = true;
    this.load(state, EXAMPLES.find((x) => JSON.stringify(x.definition, null, 2) === state.definition) ?? null);
    return true;
  }

  /** Put the state in the URL now and copy the link. */
  async share() {
    const fragment = await compressedFragment(this.state());
    history.replaceState(null, "", fragment);
    this.lastHash = fragment;
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      toast(`Link copied: it holds the definition, the input and the mocks${this.hasScratch() ? ", and the JSONata scratch" : ""}.`);
    } catch {
      window.prompt("Copy this link:", link);
    }
  }

  /** A workspace file is loaded whole; a MockConfigFile goes to the mocks; anything else is a definition. */
  async openFile(file) {
    const text = await file.text();
    let value;
    try {
      value = JSON.parse(text);
    } catch (e) {
      // Not JSON: put it in the definition editor anyway, where the diagnostics say what is wrong.
      this.load({ definition: text, input: this.text("input"), mocks: "" });
      toast(`${file.name} is not valid JSON: ${e.message}`, "error");
      return;
    }
    if (value && typeof value.definition === "string") {
      this.load(validState(value));
      toast(`Opened the workspace ${file.name}.`);
    } else if (value && (value.StateMachines || value.MockedResponses)) {
      this.put("mocks", JSON.stringify(value, null, 2));
      toast(`Opened ${file.name} as the mocks.`);
    } else {
      this.put("definition", text);
      toast(`Opened ${file.name} as the definition.`);
    }
  }

  /** Download `what`: an editor's text, the workspace, or the history as GetExecutionHistory returns it. */
  save(what) {
    if (what === "workspace") download(FILE_NAMES.workspace, `${JSON.stringify(this.state(), null, 2)}\n`);
    else if (what === "history") {
      const events = this.history();
      if (!events) {
        toast("No execution yet: Step or Run first.", "error");
        return;
      }
      download(FILE_NAMES.history, `${JSON.stringify({ events }, null, 2)}\n`);
    } else download(FILE_NAMES[what], this.text(what));
  }
}

const THEMES = ["auto", "light", "dark"];

/** The theme button: auto → light → dark, remembered for the next visit. */
export function themeButton(button) {
  let theme = document.documentElement.dataset.theme ?? "auto";
  const apply = () => {
    if (theme === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
    button.title = `Theme: ${theme === "auto" ? "follows the system" : theme} (click to change)`;
    button.setAttribute("aria-label", `Theme: ${theme}`);
    try {
      if (theme === "auto") localStorage.removeItem("asl-sim-theme");
      else localStorage.setItem("asl-sim-theme", theme);
    } catch {
      // storage may be off: the theme still applies for this visit
    }
  };
  apply();
  button.addEventListener("click", () => {
    theme = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length];
    apply();
  });
}
