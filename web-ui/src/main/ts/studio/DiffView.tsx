// Two texts side by side with their differences marked (CodeMirror's merge view), both read-only.
import { useEffect, useRef } from 'react';
import { MergeView } from '@codemirror/merge';
import { yaml } from '@codemirror/lang-yaml';
import { defaultHighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { EditorState } from '@codemirror/state';
import { EditorView, lineNumbers } from '@codemirror/view';

export function DiffView({ left, right, testId }: { left: string; right: string; testId?: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const extensions = [lineNumbers(), yaml(), syntaxHighlighting(defaultHighlightStyle, { fallback: true }), EditorState.readOnly.of(true), EditorView.editable.of(false)];
    const view = new MergeView({
      a: { doc: left, extensions },
      b: { doc: right, extensions },
      parent: host.current!,
      collapseUnchanged: { margin: 3, minSize: 6 },
      highlightChanges: true,
      gutter: true,
    });
    return () => view.destroy();
  }, [left, right]);
  return <div className="studio-diff" ref={host} data-testid={testId} />;
}
