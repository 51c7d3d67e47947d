// The selected step: move/delete it, edit its `with` in a form generated from its action's input schema,
// and see what it got and gave in the last test run.
import { useMemo, useState } from 'react';
import { isMap, type YAMLMap } from 'yaml';
import { JsonView, StatusBadge } from '../components';
import { fields, leaves } from '../schemaForm';
import { anyJsonAsJson, textsOf, withFrom } from './stepForm';
import { canMoveInto, whyNotRemove } from './edits';
import type { Catalogue, NodeRun } from './data';
import { containers, findStep, parseRecipe, type Container, type RecipeTree } from './tree';

function containerLabel(c: Container): string {
  return c.parent === null ? 'the recipe’s steps' : `${c.parent} → ${c.branch}`;
}

interface Props {
  id: string;
  text: string;
  tree: RecipeTree;
  catalogue: Catalogue | null;
  run?: NodeRun;
  canEdit: boolean;
  onMove: (delta: -1 | 1) => void;
  onMoveInto: (target: Container) => void;
  onDelete: () => void;
  onUpdate: (changes: Record<string, unknown>) => void;
  onReveal: () => void;
}

export function StepPanel({ id, text, tree, catalogue, run, canEdit, onMove, onMoveInto, onDelete, onUpdate, onReveal }: Props) {
  const at = findStep(tree, id);
  const step = at?.step;
  const stepMap = useMemo(() => {
    const { doc } = parseRecipe(text);
    let found: YAMLMap | null = null;
    const visit = (seq: unknown) => {
      if (!seq || found || !Array.isArray((seq as { items?: unknown[] }).items)) return;
      for (const item of (seq as { items: unknown[] }).items) {
        if (!isMap(item)) continue;
        if (String(item.get('id')) === id) found = item;
        for (const b of ['then', 'else', 'steps']) visit(item.get(b, true));
      }
    };
    if (isMap(doc.contents)) visit(doc.contents.get('steps', true));
    return found ? ((found as YAMLMap).toJSON() as Record<string, unknown>) : null;
  }, [text, id]);
  const action = step?.action ? catalogue?.actions.get(step.action) : undefined;
  const formFields = useMemo(() => anyJsonAsJson(fields(action?.inputSchema), action?.inputSchema ?? null), [action]);
  const current = (stepMap?.with && typeof stepMap.with === 'object' ? stepMap.with : {}) as Record<string, unknown>;
  const [texts, setTexts] = useState<Record<string, string> | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const shown = texts ?? textsOf(formFields, current);
  const [target, setTarget] = useState('');
  if (!step || !at) return <p className="muted">Step {id} is no longer in the recipe.</p>;
  const targets = containers(tree).filter((c) => canMoveInto(tree, id, c));
  const mustStay = whyNotRemove(tree, id);
  const apply = () => {
    const { value, errors: errs } = withFrom(formFields, shown, current);
    setErrors(errs);
    if (Object.keys(errs).length) return;
    onUpdate({ with: value });
    setTexts(null);
  };
  return (
    <div className="step-panel" data-testid="step-panel">
      <div className="step-panel-head">
        <strong className="mono">{id}</strong>
        <span className="muted">{step.kind === 'action' ? step.action : step.kind}</span>
        <button type="button" className="link" onClick={onReveal}>
          line {step.line}
        </button>
        <span className="spacer" />
        {canEdit ? (
          <>
            <button type="button" className="small" onClick={() => onMove(-1)} disabled={at.index === 0} aria-label="Move up" title="Move up">
              ↑
            </button>
            <button type="button" className="small" onClick={() => onMove(1)} aria-label="Move down" title="Move down">
              ↓
            </button>
            <select aria-label="Move into" value={target} onChange={(e) => setTarget(e.target.value)} disabled={!targets.length} title={mustStay ?? undefined}>
              <option value="">Move into…</option>
              {targets.map((c) => (
                <option key={`${c.parent}|${c.branch}`} value={`${c.parent ?? ''}|${c.branch}`}>
                  {containerLabel(c)}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="small"
              disabled={!target}
              onClick={() => {
                const [parent, branch] = target.split('|');
                onMoveInto({ parent: parent || null, branch: branch as Container['branch'] });
                setTarget('');
              }}
            >
              Move
            </button>
            <button type="button" className="small danger" onClick={onDelete} disabled={!!mustStay} title={mustStay ?? 'Delete this step'}>
              Delete
            </button>
          </>
        ) : null}
      </div>
      {action ? <p className="muted small-text">{action.description}</p> : null}
      {run ? (
        <div className="step-run" data-testid="step-run">
          <h3>
            Test run <StatusBadge status={run.status} />
          </h3>
          {run.records.slice(0, 5).map((r) => (
            <div key={r.path} className="step-record">
              {run.records.length > 1 ? <div className="mono small-text">{r.path}</div> : null}
              {r.error ? (
                <div className="problem" data-testid="step-run-error">
                  {r.error.type ? <code>{r.error.type}</code> : null} {r.error.message}
                </div>
              ) : null}
              <JsonView value={r.input} label="input" />
              <JsonView value={r.output} label="output" />
            </div>
          ))}
          {run.records.length > 5 ? <p className="muted">…and {run.records.length - 5} more iterations</p> : null}
        </div>
      ) : null}
      {canEdit && formFields.length ? (
        <form
          className="step-form"
          aria-label={`Step ${id}`}
          onSubmit={(e) => {
            e.preventDefault();
            apply();
          }}
        >
          {leaves(formFields).map((f) => (
            <label key={f.path}>
              <span>
                {f.path}
                {f.required ? ' *' : ''} {f.description ? <span className="muted">— {f.description}</span> : null}
              </span>
              {f.kind === 'enum' ? (
                <select name={f.path} value={shown[f.path] ?? ''} onChange={(e) => setTexts({ ...shown, [f.path]: e.target.value })}>
                  <option value="" />
                  {f.options!.map((o) => (
                    <option key={o}>{o}</option>
                  ))}
                </select>
              ) : f.kind === 'json' ? (
                <textarea className="code" name={f.path} rows={3} value={shown[f.path] ?? ''} onChange={(e) => setTexts({ ...shown, [f.path]: e.target.value })} />
              ) : (
                <input name={f.path} value={shown[f.path] ?? ''} onChange={(e) => setTexts({ ...shown, [f.path]: e.target.value })} />
              )}
              {errors[f.path] ? <span className="field-error">{errors[f.path]}</span> : null}
            </label>
          ))}
          <div className="toolbar">
            <button type="submit" className="primary small" disabled={!texts}>
              Apply to YAML
            </button>
            {texts ? (
              <button type="button" className="small" onClick={() => setTexts(null)}>
                Reset
              </button>
            ) : null}
          </div>
        </form>
      ) : null}
    </div>
  );
}
