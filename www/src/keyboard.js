// The playground's keyboard: the debugger's function keys (F10 step, Shift+F10 back, F5
// run, Shift+F5 reset, F8 to breakpoint, F9 toggle one), `?` for the list of shortcuts and
// `J` for the JSONata scratch panel; and the arrow keys of a tab list. Editors pass their
// key events here first, so the function keys work while typing.

/**
 * The page's key handler for `actions` ({step, stepBack, run, reset, runToBreakpoint,
 * toggleBreakpoint, help, scratch}): `handle(event, inEditor)` is true when the key was
 * taken. In an editor only the function keys count (`?` and `J` are typed there).
 */
export function shortcuts(actions) {
  return (e, inEditor = false) => {
    const key = e.key;
    const take = (action) => {
      e.preventDefault();
      e.stopPropagation();
      action();
      return true;
    };
    if (key === "F10") return take(e.shiftKey ? actions.stepBack : actions.step);
    if (key === "F5" && e.shiftKey) return take(actions.reset);
    if (key === "F5" || (key === "Enter" && (e.ctrlKey || e.metaKey))) return take(actions.run);
    if (key === "F8") return take(actions.runToBreakpoint);
    if (key === "F9") return take(actions.toggleBreakpoint);
    if (inEditor) return false;
    const typing = e.target.closest?.("input, textarea, select, [contenteditable=true], .cm-editor");
    if (typing) return false;
    if (key === "?") return take(actions.help);
    if ((key === "j" || key === "J") && !e.ctrlKey && !e.metaKey && !e.altKey) return take(actions.scratch);
    return false;
  };
}

/**
 * A tab list (`[role=tab]` buttons whose `aria-controls` name their panels): click or
 * ←/→ to switch; `onShow(id)` after. Returns `show(id)`.
 */
export function setupTabs(list, onShow) {
  const tabs = [...list.querySelectorAll("[role=tab]")];
  const show = (tab, focus = false) => {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
    }
    if (focus) tab.focus();
    onShow?.(tab.id);
  };
  list.addEventListener("click", (e) => {
    const tab = e.target.closest("[role=tab]");
    if (tab) show(tab);
  });
  list.addEventListener("keydown", (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      show(tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length], true);
    }
  });
  return (id) => show(tabs.find((t) => t.id === id));
}
