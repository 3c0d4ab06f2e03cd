// The code editor: CodeMirror 6 with only what a learner needs (line numbers, history, bracket matching,
// JavaScript highlighting, auto-indent). Colors come from CSS custom properties, so both themes work without
// reconfiguring the editor. Tab indents; Escape then Tab moves the focus on (CodeMirror's tab-focus mode).
import {
  bracketMatching, continuedIndent, delimitedIndent, ensureSyntaxTree, HighlightStyle, indentNodeProp, indentOnInput,
  LanguageSupport, LRLanguage, syntaxHighlighting,
} from '@codemirror/language';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { EditorState, StateEffect, StateField } from '@codemirror/state';
import {
  Decoration, drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers,
} from '@codemirror/view';
import { tags as t } from '@lezer/highlight';
import { parser } from '@lezer/javascript';

// Plain JavaScript from the Lezer grammar, with indentation rules; no autocompletion, snippets or JSX/TypeScript,
// which the learner does not need (this keeps the editor about a third smaller than @codemirror/lang-javascript).
const javascript = new LanguageSupport(LRLanguage.define({
  name: 'javascript',
  parser: parser.configure({
    props: [indentNodeProp.add({
      Block: delimitedIndent({ closing: '}' }),
      'ObjectExpression ClassBody SwitchBody': delimitedIndent({ closing: '}' }),
      'ArrayExpression': delimitedIndent({ closing: ']' }),
      'ArgList ParamList': delimitedIndent({ closing: ')' }),
      IfStatement: continuedIndent({ except: /^\s*({|else\b)/ }),
      'Statement Property': continuedIndent({ except: /^\s*{/ }),
      'TemplateString BlockComment': () => null,
    })],
  }),
  languageData: { commentTokens: { line: '//', block: { open: '/*', close: '*/' } } },
}));

const highlight = HighlightStyle.define([
  { tag: t.keyword, color: 'var(--tok-keyword)' },
  { tag: [t.string, t.special(t.string), t.regexp], color: 'var(--tok-string)' },
  { tag: [t.lineComment, t.blockComment], color: 'var(--tok-comment)', fontStyle: 'italic' },
  { tag: [t.number, t.bool, t.null], color: 'var(--tok-number)' },
  { tag: [t.function(t.definition(t.variableName)), t.definition(t.variableName)], color: 'var(--tok-def)' },
  { tag: t.propertyName, color: 'var(--tok-property)' },
]);

const theme = EditorView.theme({
  '&': { color: 'var(--fg)', backgroundColor: 'var(--code-bg)', border: '1px solid var(--border)', borderRadius: '6px' },
  '&.cm-focused': { outline: '3px solid var(--focus)', outlineOffset: '1px' },
  '.cm-scroller': { fontFamily: 'var(--mono)', fontSize: '14px', lineHeight: '1.5' },
  '.cm-content': { caretColor: 'var(--fg)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground':
    { backgroundColor: 'var(--selection)' },
  '.cm-gutters': { backgroundColor: 'var(--code-bg)', color: 'var(--muted)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine, .cm-activeLineGutter': { backgroundColor: 'var(--active-line)' },
  '.cm-errorLine': { backgroundColor: 'var(--error-line)' },
  '&.cm-focused .cm-matchingBracket': { backgroundColor: 'var(--selection)', outline: '1px solid var(--muted)' },
});

// The line of the last error, highlighted until the code changes.
const setErrorLine = StateEffect.define();
const errorLineField = StateField.define({
  create: () => Decoration.none,
  update(deco, tr) {
    for (const e of tr.effects) {
      if (e.is(setErrorLine)) {
        if (e.value === null || e.value < 1 || e.value > tr.state.doc.lines) return Decoration.none;
        const line = tr.state.doc.line(e.value);
        return Decoration.set([Decoration.line({ class: 'cm-errorLine' }).range(line.from)]);
      }
    }
    return tr.docChanged ? Decoration.none : deco;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/**
 * Mounts an editor into `parent`; `root` is the Document or ShadowRoot it will live in (the document by default).
 * @returns {{view, getCode(): string, setCode(code: string): void, markError(line: number|null): void,
 *            syntaxErrorLine(): number|null, destroy(): void}}
 */
export function createEditor(parent, { doc, label, root, onChange }) {
  const view = new EditorView({
    parent,
    root, // a shadow root when embedded: CodeMirror puts its styles there and reads the selection from it
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        highlightActiveLineGutter(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        highlightActiveLine(),
        javascript,
        syntaxHighlighting(highlight),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorState.tabSize.of(2),
        EditorView.lineWrapping, // long lines wrap instead of scrolling sideways (phones)
        errorLineField,
        theme,
        EditorView.contentAttributes.of({ 'aria-label': label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) onChange?.(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    /** Replaces the whole text as one undoable change (Ctrl+Z brings the previous code back). */
    setCode(code) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
    },
    markError(line) {
      view.dispatch({ effects: setErrorLine.of(line) });
    },
    /** The line of the first syntax error in the editor's own parse, or null when it parses. */
    syntaxErrorLine() {
      const tree = ensureSyntaxTree(view.state, view.state.doc.length, 500);
      let pos = null;
      tree?.iterate({
        enter(node) {
          if (pos !== null) return false;
          if (node.type.isError) pos = node.from;
          return pos === null;
        },
      });
      return pos === null ? null : view.state.doc.lineAt(pos).number;
    },
    destroy: () => view.destroy(),
  };
}
