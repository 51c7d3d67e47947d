// The YAML editor: CodeMirror 6 with YAML highlighting, the server's problems as lint marks, completions
// from the catalogue and the last test run, and hovers (an action's description and example; a `{{ }}`
// evaluated against the test run's context).
import { useEffect, useRef } from 'react';
import { autocompletion, closeBrackets, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { EditorSelection, EditorState, type Text } from '@codemirror/state';
import { EditorView, highlightActiveLine, highlightActiveLineGutter, hoverTooltip, keymap, lineNumbers, type Tooltip } from '@codemirror/view';
import { stringify } from 'yaml';
import { offersAt, type Hints } from './completion';
import type { ActionInfo } from './data';

export interface Mark {
  line: number;
  column?: number;
  message: string;
  severity?: 'error' | 'warning';
}

export interface EditorHandle {
  getText(): string;
  /** replaces the text by the smallest change (undo stays one step; the cursor stays where it can) */
  setText(text: string): void;
  reveal(line: number): void;
  setMarks(marks: Mark[]): void;
}

interface Props {
  initial: string;
  onChange: (text: string) => void;
  onSelection?: (selected: string) => void;
  hints: React.RefObject<Hints>;
  preview: (expression: string) => Promise<unknown>;
  handle: React.RefObject<EditorHandle | null>;
}

/** A diagnostic at a 1-based line/column: the word there, or the whole line. */
export function diagnostic(doc: Text, mark: Mark): Diagnostic {
  const line = doc.line(Math.min(Math.max(1, mark.line), doc.lines));
  const col = Math.max(0, (mark.column ?? 1) - 1);
  let from = Math.min(line.from + col, line.to);
  let to = from;
  while (to < line.to && !/\s/.test(doc.sliceString(to, to + 1))) to++;
  if (to === from) {
    from = line.from + (line.text.length - line.text.trimStart().length);
    to = line.to;
  }
  return { from, to, severity: mark.severity ?? 'error', message: mark.message, source: 'braid' };
}

function actionTip(action: ActionInfo): HTMLElement {
  const dom = document.createElement('div');
  dom.className = 'studio-tip';
  const title = document.createElement('strong');
  title.textContent = action.name;
  const text = document.createElement('div');
  text.textContent = action.description;
  dom.append(title, text);
  if (action.example) {
    const pre = document.createElement('pre');
    pre.textContent = stringify({ action: action.example.action, with: action.example.with }, { lineWidth: 0 });
    dom.append(pre);
  }
  return dom;
}

/** The `{{ … }}` around a position of a line, or null. */
export function templateAt(text: string, column: number): { from: number; to: number; expression: string } | null {
  const from = text.lastIndexOf('{{', column);
  if (from < 0) return null;
  const close = text.indexOf('}}', from);
  if (close < 0 || close + 2 < column) return null;
  const inner = text.slice(from + 2, close).trim();
  return inner ? { from, to: close + 2, expression: inner } : null;
}

export function Editor({ initial, onChange, onSelection, hints, preview, handle }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const callbacks = useRef({ onChange, onSelection, preview });
  callbacks.current = { onChange, onSelection, preview };

  useEffect(() => {
    const complete = (context: CompletionContext): CompletionResult | null => {
      const line = context.state.doc.lineAt(context.pos);
      const lines = context.state.doc.toString().split('\n');
      const offers = offersAt(lines, line.number - 1, context.pos - line.from, hints.current!);
      if (!offers || (!offers.options.length && !context.explicit)) return null;
      return {
        from: line.from + offers.from,
        options: offers.options.map((o) => ({ label: o.label, detail: o.detail, info: o.info, apply: o.apply })),
        validFor: /^[\w.$'[\]-]*$/,
      };
    };
    const hover = hoverTooltip(async (view, pos): Promise<Tooltip | null> => {
      const line = view.state.doc.lineAt(pos);
      const action = /^(\s*(?:-\s+)?action:\s*["']?)([\w.-]+)/.exec(line.text);
      if (action) {
        const info = hints.current?.catalogue?.actions.get(action[2]);
        const start = line.from + action[1].length;
        if (info && pos >= start && pos <= start + action[2].length) {
          return { pos: start, end: start + action[2].length, above: true, create: () => ({ dom: actionTip(info) }) };
        }
      }
      const template = templateAt(line.text, pos - line.from);
      if (!template) return null;
      let text: string;
      try {
        text = JSON.stringify(await callbacks.current.preview(template.expression), null, 2) ?? 'undefined';
      } catch (e) {
        text = `✗ ${(e as Error).message}`;
      }
      return {
        pos: line.from + template.from,
        end: line.from + template.to,
        above: true,
        create: () => {
          const dom = document.createElement('div');
          dom.className = 'studio-tip';
          dom.dataset.testid = 'expression-preview';
          const pre = document.createElement('pre');
          pre.textContent = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
          dom.append(pre);
          return { dom };
        },
      };
    }, { hoverTime: 350 });
    const view = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: initial,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          history(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          yaml(),
          lintGutter(),
          autocompletion({ override: [complete], activateOnTyping: true }),
          hover,
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          EditorState.tabSize.of(2),
          EditorView.lineWrapping,
          EditorView.updateListener.of((u) => {
            if (u.docChanged) callbacks.current.onChange(u.state.doc.toString());
            if (u.selectionSet) {
              const sel = u.state.selection.main;
              callbacks.current.onSelection?.(sel.empty ? '' : u.state.sliceDoc(sel.from, sel.to));
            }
          }),
          EditorView.contentAttributes.of({ 'aria-label': 'Recipe YAML', 'data-testid': 'yaml-editor' }),
        ],
      }),
    });
    handle.current = {
      getText: () => view.state.doc.toString(),
      setText(text) {
        const old = view.state.doc.toString();
        if (old === text) return;
        let start = 0;
        while (start < old.length && start < text.length && old[start] === text[start]) start++;
        let endOld = old.length;
        let endNew = text.length;
        while (endOld > start && endNew > start && old[endOld - 1] === text[endNew - 1]) {
          endOld--;
          endNew--;
        }
        view.dispatch({ changes: { from: start, to: endOld, insert: text.slice(start, endNew) } });
      },
      reveal(line) {
        const l = view.state.doc.line(Math.min(Math.max(1, line), view.state.doc.lines));
        view.dispatch({ selection: EditorSelection.cursor(l.from + (l.text.length - l.text.trimStart().length)), effects: EditorView.scrollIntoView(l.from, { y: 'center' }) });
      },
      setMarks(marks) {
        view.dispatch(setDiagnostics(view.state, marks.map((m) => diagnostic(view.state.doc, m))));
      },
    };
    // the browser tests (StudioIT) type whole recipes through the same change path as the keyboard
    (host.current as HTMLDivElement & { studioEditor?: EditorHandle }).studioEditor = handle.current;
    return () => {
      handle.current = null;
      view.destroy();
    };
    // the editor is made once; later texts arrive through the handle
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return <div className="studio-editor" ref={host} />;
}
