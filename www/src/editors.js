// The editors: CodeMirror 6 with JSON highlighting (or JSONata's, for the
// scratch panel), line numbers, bracket matching, folding, search, and
// diagnostics underlined in place. Tab is left to move focus (keyboard users
// must be able to leave an editor); indent with the usual auto-indent on Enter instead.

import { EditorState, Compartment } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
  highlightSpecialChars, rectangularSelection, dropCursor, placeholder as placeholderText,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap } from "@codemirror/commands";
import {
  syntaxHighlighting, HighlightStyle, bracketMatching, foldGutter, foldKeymap, indentOnInput, StreamLanguage,
} from "@codemirror/language";
import { json } from "@codemirror/lang-json";
import { setDiagnostics, lintGutter, lintKeymap } from "@codemirror/lint";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { tags } from "@lezer/highlight";
import { jsonParseFailure } from "./json-text.js";

const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--tok-key)" },
  { tag: tags.string, color: "var(--tok-string)" },
  { tag: tags.number, color: "var(--tok-number)" },
  { tag: [tags.bool, tags.null], color: "var(--tok-literal)" },
  { tag: [tags.brace, tags.squareBracket, tags.separator, tags.punctuation], color: "var(--tok-punct)" },
  { tag: tags.invalid, color: "var(--bad)" },
  // JSONata only (JSON has none of these)
  { tag: tags.variableName, color: "var(--tok-literal)" },
  { tag: tags.keyword, color: "var(--tok-literal)", fontWeight: "600" },
  { tag: [tags.operator, tags.meta], color: "var(--tok-punct)" },
  { tag: tags.comment, color: "var(--muted)", fontStyle: "italic" },
]);

/**
 * JSONata highlighting (a stream tokenizer: JSONata has no CodeMirror package):
 * strings, numbers, `$names`, keywords, field names (also `back-quoted`),
 * comments, operators, and the `{% %}` of a JSONata field.
 */
const jsonata = StreamLanguage.define({
  name: "jsonata",
  startState: () => ({ comment: false }),
  token(stream, state) {
    if (state.comment || stream.match("/*")) {
      // to the end of the comment, or of the line (and the comment goes on)
      state.comment = !stream.skipTo("*/");
      if (state.comment) stream.skipToEnd();
      else stream.pos += 2;
      return "comment";
    }
    if (stream.eatSpace()) return null;
    if (stream.match("{%") || stream.match("%}")) return "meta";
    const quote = stream.peek();
    if (quote === '"' || quote === "'" || quote === "`") {
      stream.next();
      let escaped = false;
      for (let c; (c = stream.next()) !== undefined; ) {
        if (c === quote && !escaped) break;
        escaped = !escaped && c === "\\";
      }
      return quote === "`" ? "propertyName" : "string";
    }
    if (stream.match(/^\d+(\.\d+)?([eE][+-]?\d+)?/)) return "number";
    if (stream.match(/^\$\$?[\p{L}\p{N}_]*/u)) return "variableName";
    if (stream.match(/^(function|and|or|in|true|false|null)\b/) || stream.match("\u03bb")) return "keyword";
    if (stream.match(/^[\p{L}_][\p{L}\p{N}_]*/u)) return "propertyName";
    if (stream.match(/^(:=|~>|\.\.|!=|<=|>=|\?|[-+*\/%&=<>^!|@#])/)) return "operator";
    stream.next();
    return "punctuation";
  },
  languageData: { commentTokens: { block: { open: "/*", close: "*/" } }, closeBrackets: { brackets: ["(", "[", "{", "'", '"', "`"] } },
});

const theme = EditorView.theme({
  "&": { height: "100%", fontSize: "12.5px", backgroundColor: "var(--editor-bg)", color: "var(--text)" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-content": { caretColor: "var(--text)" },
  ".cm-gutters": { backgroundColor: "var(--editor-gutter)", color: "var(--muted)", border: "none", borderRight: "1px solid var(--line)" },
  ".cm-activeLine": { backgroundColor: "var(--editor-active)" },
  ".cm-activeLineGutter": { backgroundColor: "var(--editor-active)", color: "var(--text)" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-2px" },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "var(--match)", outline: "1px solid var(--accent)" },
  ".cm-selectionBackground, &.cm-focused .cm-selectionBackground, ::selection": { backgroundColor: "var(--selection) !important" },
  ".cm-cursor": { borderLeftColor: "var(--text)" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--panel-2)", border: "1px solid var(--line)", color: "var(--muted)" },
  ".cm-tooltip": { backgroundColor: "var(--panel)", border: "1px solid var(--line)", color: "var(--text)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--bad)" },
  ".cm-diagnostic-warning": { borderLeftColor: "var(--warn)" },
  ".cm-panels": { backgroundColor: "var(--panel)", color: "var(--text)" },
  ".cm-placeholder": { color: "var(--muted)", fontStyle: "italic" },
});

/**
 * An editor in `parent`. `onChange(text)` fires on every edit (the caller debounces);
 * the returned handle gets and sets the text and shows diagnostics. `language` is
 * "json" (the default) or "jsonata"; `fold: false` leaves out the fold gutter (small
 * editors); `placeholder` is shown while the editor is empty.
 */
export function createEditor(parent, { text, label, testid, onChange, onKey, language = "json", fold = true, placeholder }) {
  const readOnly = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        fold ? foldGutter() : [],
        lintGutter(),
        drawSelection(),
        dropCursor(),
        EditorState.allowMultipleSelections.of(true),
        indentOnInput(),
        syntaxHighlighting(highlight),
        bracketMatching(),
        closeBrackets(),
        rectangularSelection(),
        highlightActiveLine(),
        highlightSelectionMatches(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, ...lintKeymap]),
        language === "jsonata" ? jsonata : json(),
        placeholder ? placeholderText(placeholder) : [],
        EditorView.lineWrapping,
        theme,
        readOnly.of([]),
        EditorView.contentAttributes.of({ "aria-label": label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange(update.state.doc.toString());
        }),
        EditorView.domEventHandlers({ keydown: (e) => onKey?.(e) }),
      ],
    }),
  });
  view.dom.dataset.testid = testid;
  return {
    view,
    get text() {
      return view.state.doc.toString();
    },
    /** Replace the whole text (one undoable change). */
    set(next) {
      if (next === view.state.doc.toString()) return;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } });
    },
    /** Diagnostics as the engine reports them (1-based lines, UTF-16 columns) or `{from, to}` offsets. */
    diagnose(list) {
      const doc = view.state.doc;
      const marks = list.map((d) => {
        const { from, to } = d.from !== undefined ? d : range(doc, d);
        return { from, to, severity: d.severity === "WARNING" ? "warning" : "error", message: d.code ? `${d.code}: ${d.message}` : d.message, source: d.pointer || undefined };
      });
      view.dispatch(setDiagnostics(view.state, marks));
    },
    /** Insert text at the cursor (replacing the selection), then focus. */
    insert(text) {
      view.dispatch(view.state.replaceSelection(text));
      view.focus();
    },
    /** Put the cursor at a diagnostic and focus. */
    reveal(d) {
      const { from, to } = d.from !== undefined ? d : range(view.state.doc, d);
      view.dispatch({ selection: { anchor: from, head: to }, scrollIntoView: true });
      view.focus();
    },
    focus() {
      view.focus();
    },
  };
}

/** A diagnostic's line/column span as document offsets, at least one character wide. */
export function range(doc, d) {
  const at = (line, column) => {
    const l = doc.line(Math.min(Math.max(1, line || 1), doc.lines));
    return Math.min(l.from + Math.max(0, (column || 1) - 1), l.to);
  };
  const from = at(d.line, d.column);
  let to = d.endLine ? at(d.endLine, d.endColumn) : from;
  if (to <= from) {
    const line = doc.lineAt(from);
    to = Math.min(line.to, from + 1);
    if (to === from && from > line.from) return { from: from - 1, to: from };
  }
  return { from, to };
}

/** Where JSON.parse failed, as offsets of one character to underline. */
export function jsonError(text) {
  const failure = jsonParseFailure(text);
  if (!failure) return null;
  const { offset, message } = failure;
  const from = offset >= text.length ? Math.max(0, text.length - 1) : offset;
  return { from, to: Math.min(text.length, from + 1), message: message.replace(/^JSON\.parse: /, ""), severity: "ERROR", code: "INVALID_JSON" };
}
