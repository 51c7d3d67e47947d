// The authoring studio (DESIGN §9): the YAML is the source of truth, the graph follows it within a few
// hundred ms, graph edits rewrite the YAML keeping the author's lines, the server's problems show as lint
// marks, a test panel runs the recipe and paints the graph, and saving shows the diff and never overwrites
// a version someone else saved in between.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, request } from '../api';
import { Empty, JsonView, ProblemBanner, StatusBadge } from '../components';
import type { Recipe } from '../model';
import { Link, navigate } from '../router';
import { useCan } from '../session';
import { Editor, type EditorHandle, type Mark } from './Editor';
import { DiffView } from './DiffView';
import { GraphView } from './GraphView';
import { StepPanel } from './StepPanel';
import { addStep, deleteStep, moveStep, moveStepInto, newStepId, updateStep } from './edits';
import { toGraph } from './graph';
import { findStep, parseRecipe, stepIds, type Container, type Parsed } from './tree';
import type { Hints } from './completion';
import {
  BLANK,
  contextOf,
  evaluate,
  fromSample,
  loadCatalogue,
  paint,
  SAMPLES,
  testRun,
  validate,
  type Catalogue,
  type SampleTrigger,
  type TestRun,
  type Validation,
} from './data';
import './studio.css';

interface Base {
  slug: string | null;
  version: number | null;
  yaml: string;
}

type Conflict = { version: number; yaml: string };

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), ms);
    return () => window.clearTimeout(t);
  }, [value, ms]);
  return v;
}

const path = (slug: string) => `/api/v1/recipes/${encodeURIComponent(slug)}`;

async function loadBase(slug: string): Promise<Base> {
  const [recipe, yaml] = await Promise.all([request<Recipe>(path(slug)), request<string>(path(slug), { accept: 'application/yaml' })]);
  return { slug, version: recipe.version, yaml };
}

/** `/recipes/new` without a choice yet: blank or one of the samples. */
function NewRecipe({ onPick, taken }: { onPick: (yaml: string) => void; taken: string[] }) {
  return (
    <section>
      <div className="crumbs">
        <Link href="/recipes">Recipes</Link>
      </div>
      <h1>New recipe</h1>
      <div className="card">
        <button type="button" className="primary" data-testid="new-blank" onClick={() => onPick(BLANK)}>
          Start blank
        </button>
        <h2>…or start from a sample</h2>
        <ul className="samples" data-testid="samples">
          {SAMPLES.map((s) => (
            <li key={s.file}>
              <button type="button" className="link" data-sample={s.slug} onClick={() => onPick(fromSample(s, taken))}>
                {s.name || s.slug}
              </button>{' '}
              <span className="muted mono">{s.file}</span>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

export default function Studio({ slug }: { slug: string | null }) {
  const [base, setBase] = useState<Base | null>(null);
  const [loadError, setLoadError] = useState<unknown>();
  const [catalogue, setCatalogue] = useState<Catalogue | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    loadCatalogue(controller.signal).then(setCatalogue, () => undefined);
    return () => controller.abort();
  }, []);
  useEffect(() => {
    setBase(null);
    if (slug) loadBase(slug).then(setBase, setLoadError);
  }, [slug]);
  if (loadError) return <ProblemBanner error={loadError} />;
  if (!slug && !base) return <NewRecipe taken={catalogue?.recipes ?? []} onPick={(yaml) => setBase({ slug: null, version: null, yaml })} />;
  if (!base) return <div className="muted">Loading recipe…</div>;
  return <Workbench key={`${base.slug}|${base.version ?? 'new'}`} initial={base} catalogue={catalogue} />;
}

function Workbench({ initial, catalogue }: { initial: Base; catalogue: Catalogue | null }) {
  const canEdit = useCan('edit-recipes');
  const canTest = useCan('start-runs') || canEdit;
  const [base, setBase] = useState(initial);
  const [text, setText] = useState(initial.yaml);
  const editor = useRef<EditorHandle | null>(null);

  // the graph follows the text (parsed ~100 ms after the last keystroke); the last good parse stays drawn
  const parseText = useDebounced(text, 100);
  const [parsed, setParsed] = useState<Parsed>(() => parseRecipe(initial.yaml));
  useEffect(() => setParsed(parseRecipe(parseText)), [parseText]);
  const graph = useMemo(() => toGraph(parsed.tree), [parsed]);

  // the server's problems (~300 ms after the last keystroke)
  const validateText = useDebounced(text, 300);
  const [validation, setValidation] = useState<(Validation & { text: string }) | null>(null);
  const [validateError, setValidateError] = useState<unknown>();
  useEffect(() => {
    const controller = new AbortController();
    validate(validateText, controller.signal).then(
      (v) => {
        setValidation({ ...v, text: validateText });
        setValidateError(undefined);
      },
      (e) => !controller.signal.aborted && setValidateError(e),
    );
    return () => controller.abort();
  }, [validateText]);
  const marks: Mark[] = useMemo(() => {
    if (!validation) return [];
    const syntax = parseRecipe(validation.text).syntaxErrors;
    const server = validation.errors.map((e) => ({ line: e.line ?? 1, column: e.column, message: e.fix ? `${e.message} — ${e.fix}` : e.message }));
    return validation.unavailable ? syntax : server.length ? server : syntax;
  }, [validation]);
  useEffect(() => editor.current?.setMarks(marks), [marks]);
  const checked = validation?.text === text;
  const problems = checked ? marks : null;

  // test runs
  const [sample, setSample] = useState<SampleTrigger>({ body: {}, headers: {} });
  const [run, setRun] = useState<TestRun | null>(null);
  const runs = useMemo(() => paint(run), [run]);
  const hints = useRef<Hints>({ catalogue, trigger: sample, outputs: {}, stepIds: [] });
  hints.current = {
    catalogue,
    trigger: (run?.trigger as SampleTrigger | undefined) ?? sample,
    outputs: Object.fromEntries(Object.entries((contextOf(run, sample).steps as Record<string, { output: unknown }>) ?? {}).map(([k, v]) => [k, v.output])),
    stepIds: stepIds(parsed.tree),
  };
  const preview = useCallback((expression: string) => evaluate(expression, contextOf(run, sample)), [run, sample]);

  // a selected `{{ }}` (or bare expression) in the editor is previewed in the test panel
  const [selectedText, setSelectedText] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [tab, setTab] = useState<'palette' | 'step' | 'test'>('palette');
  const [editError, setEditError] = useState<unknown>();
  const select = useCallback(
    (id: string | null) => {
      setSelected(id);
      if (id) {
        setTab('step');
        const node = graph.nodes.find((n) => n.id === id);
        if (node) editor.current?.reveal(node.line);
      }
    },
    [graph],
  );

  /** A graph edit: the YAML is rewritten and the editor takes it as one change. */
  const edit = (change: (source: string) => string) => {
    try {
      const next = change(text);
      editor.current?.setText(next);
      setText(next);
      setEditError(undefined);
    } catch (e) {
      setEditError(e);
    }
  };
  const addAction = (name: string) => {
    const action = catalogue?.actions.get(name);
    const id = newStepId(name, stepIds(parsed.tree));
    const step: Record<string, unknown> & { id: string } = { id, action: name };
    const example = action?.example?.with;
    step.with = example && typeof example === 'object' ? example : {};
    // after the selected step, in its list; else at the end of the recipe's steps
    const at = selected ? findStep(parsed.tree, selected) : null;
    const container: Container = at ? at.container : { parent: null, branch: 'steps' };
    edit((s) => addStep(s, container, at ? at.index + 1 : Number.MAX_SAFE_INTEGER, step));
    setSelected(id);
    setTab('step');
  };

  const [save, setSave] = useState<'review' | 'saving' | null>(null);
  const [saveError, setSaveError] = useState<unknown>();
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const dirty = text !== base.yaml;
  const blocked = !checked || (problems?.length ?? 0) > 0;

  const doSave = async () => {
    setSave('saving');
    setSaveError(undefined);
    try {
      let answer: Recipe;
      if (base.slug === null) {
        answer = await request<Recipe>('/api/v1/recipes', { method: 'POST', text: { body: text, contentType: 'application/yaml' } });
      } else {
        // the version this edit started from must still be the current one: no silent overwrite
        const current = await request<Recipe>(path(base.slug));
        if (current.version !== base.version) {
          const yaml = await request<string>(path(base.slug), { accept: 'application/yaml' });
          setConflict({ version: current.version, yaml });
          setSave(null);
          return;
        }
        answer = await request<Recipe>(path(base.slug), {
          method: 'PUT',
          text: { body: text, contentType: 'application/yaml' },
          headers: { 'If-Match': `"${base.version}"` },
        });
      }
      setBase({ slug: answer.slug, version: answer.version, yaml: text });
      setSaved(answer.version);
      setSave(null);
      if (base.slug === null) navigate(`/recipes/${encodeURIComponent(answer.slug)}/edit`, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && base.slug) {
        const p = e.problem as unknown as { currentVersion?: number; current?: string; yaml?: string };
        const yaml = p.current ?? p.yaml ?? (await request<string>(path(base.slug), { accept: 'application/yaml' }).catch(() => ''));
        const version = p.currentVersion ?? (await request<Recipe>(path(base.slug)).then((r) => r.version, () => base.version ?? 0));
        setConflict({ version, yaml });
        setSave(null);
        return;
      }
      setSaveError(e);
      setSave('review');
    }
  };

  const title = parsed.tree.slug ?? base.slug ?? 'new recipe';
  return (
    <section className="studio" data-testid="studio">
      <div className="page-head">
        <div>
          <div className="crumbs">
            <Link href="/recipes">Recipes</Link>
            {base.slug ? (
              <>
                {' / '}
                <Link href={`/recipes/${encodeURIComponent(base.slug)}`}>{base.slug}</Link>
              </>
            ) : null}
          </div>
          <h1>
            {base.slug ? `Edit ${title}` : 'New recipe'}
            <span className="muted small-text" data-testid="studio-version">
              {base.version ? `v${base.version}` : 'not saved yet'}
              {dirty ? ' · unsaved changes' : ''}
            </span>
          </h1>
        </div>
        <div className="actions">
          {saved ? (
            <span className="saved" data-testid="saved">
              Saved as v{saved}
            </span>
          ) : null}
          {canEdit ? (
            <button type="button" className="primary" data-testid="save" disabled={!dirty || blocked || save !== null} onClick={() => setSave('review')} title={blocked ? 'Fix the problems first' : undefined}>
              {blocked && dirty ? (checked ? `${problems!.length} problem${problems!.length === 1 ? '' : 's'} block saving` : 'Checking…') : 'Save…'}
            </button>
          ) : null}
        </div>
      </div>
      <ProblemBanner error={editError} onClose={() => setEditError(undefined)} />
      {conflict ? (
        <div className="card conflict" data-testid="conflict" role="alert">
          <h2>Someone saved v{conflict.version} while you were editing v{base.version}</h2>
          <p>Nothing was overwritten. Left: their v{conflict.version}; right: your text.</p>
          <DiffView left={conflict.yaml} right={text} testId="conflict-diff" />
          <div className="toolbar">
            <button
              type="button"
              onClick={() => {
                setBase({ ...base, version: conflict.version, yaml: conflict.yaml });
                setConflict(null);
              }}
            >
              Keep mine on top of v{conflict.version}
            </button>
            <button
              type="button"
              onClick={() => {
                editor.current?.setText(conflict.yaml);
                setText(conflict.yaml);
                setBase({ ...base, version: conflict.version, yaml: conflict.yaml });
                setConflict(null);
              }}
            >
              Take theirs (drop my changes)
            </button>
          </div>
        </div>
      ) : null}
      {save ? (
        <div className="card review" data-testid="save-review">
          <h2>{base.slug ? `Changes against v${base.version}` : 'The new recipe'}</h2>
          <DiffView left={base.slug ? base.yaml : ''} right={text} testId="save-diff" />
          <ProblemBanner error={saveError} />
          <div className="toolbar">
            <button type="button" className="primary" data-testid="confirm-save" disabled={save === 'saving'} onClick={doSave}>
              {save === 'saving' ? 'Saving…' : base.slug ? `Save as v${(base.version ?? 0) + 1}` : 'Create recipe'}
            </button>
            <button type="button" onClick={() => setSave(null)}>
              Keep editing
            </button>
          </div>
        </div>
      ) : null}
      <div className="studio-main">
        <div className="studio-left">
          <Editor initial={initial.yaml} onChange={setText} hints={hints} preview={preview} handle={editor} onSelection={(s) => s.trim() && s.length < 400 && setSelectedText(s.trim())} />
          <div className="studio-problems" data-testid="problems" data-checked={checked ? 'yes' : 'no'}>
            {validateError ? <ProblemBanner error={validateError} /> : null}
            {validation?.unavailable ? <p className="muted small-text">The server does not check recipes here yet: only YAML syntax is checked.</p> : null}
            {problems && problems.length ? (
              <ul>
                {problems.map((p, i) => (
                  <li key={i} data-line={p.line}>
                    <button type="button" className="link mono" onClick={() => editor.current?.reveal(p.line)}>
                      line {p.line}
                      {p.column ? `:${p.column}` : ''}
                    </button>{' '}
                    {p.message}
                  </li>
                ))}
              </ul>
            ) : checked ? (
              <p className="ok small-text">No problems</p>
            ) : (
              <p className="muted small-text">Checking…</p>
            )}
          </div>
        </div>
        <div className="studio-right">
          <GraphView graph={graph} runs={runs} selected={selected} onSelect={select} onOpenRecipe={(s) => navigate(`/recipes/${encodeURIComponent(s)}/edit`)} />
          <div className="studio-tabs" role="tablist">
            {(['palette', 'step', 'test'] as const).map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} className={tab === t ? 'active' : ''} onClick={() => setTab(t)} data-testid={`tab-${t}`}>
                {t === 'palette' ? 'Add step' : t === 'step' ? (selected ? `Step ${selected}` : 'Step') : 'Test'}
              </button>
            ))}
          </div>
          <div className="studio-panel">
            {tab === 'palette' ? <Palette catalogue={catalogue} onAdd={addAction} canEdit={canEdit} where={selected ? `after ${selected}` : 'at the end'} /> : null}
            {tab === 'step' ? (
              selected ? (
                <StepPanel
                  key={selected}
                  id={selected}
                  text={text}
                  tree={parsed.tree}
                  catalogue={catalogue}
                  run={runs.get(selected)}
                  canEdit={canEdit}
                  onMove={(d) => edit((s) => moveStep(s, selected, d))}
                  onMoveInto={(c) => edit((s) => moveStepInto(s, selected, c))}
                  onDelete={() => {
                    edit((s) => deleteStep(s, selected));
                    setSelected(null);
                  }}
                  onUpdate={(changes) => edit((s) => updateStep(s, selected, changes))}
                  onReveal={() => {
                    const n = graph.nodes.find((x) => x.id === selected);
                    if (n) editor.current?.reveal(n.line);
                  }}
                />
              ) : (
                <p className="muted">Click a step in the graph.</p>
              )
            ) : null}
            {tab === 'test' ? (
              <TestPanel slug={base.slug} text={text} sample={sample} setSample={setSample} run={run} setRun={setRun} canTest={canTest} canEdit={canEdit} preview={preview} selectedText={selectedText} />
            ) : null}
          </div>
        </div>
      </div>
    </section>
  );
}

function Palette({ catalogue, onAdd, canEdit, where }: { catalogue: Catalogue | null; onAdd: (action: string) => void; canEdit: boolean; where: string }) {
  const [filter, setFilter] = useState('');
  if (!catalogue) return <p className="muted">Loading the catalogue…</p>;
  if (!canEdit) return <p className="muted">Your role cannot edit recipes.</p>;
  const f = filter.toLowerCase();
  return (
    <div className="palette" data-testid="palette">
      <div className="toolbar">
        <input placeholder="Filter actions" aria-label="Filter actions" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <span className="muted small-text">A step is added {where}, with the action’s example.</span>
      </div>
      {catalogue.connectors.map((c) => {
        const actions = c.actions.filter((a) => !f || a.name.toLowerCase().includes(f) || a.description.toLowerCase().includes(f));
        if (!actions.length) return null;
        return (
          <div key={c.name} className="palette-group">
            <div className="palette-connector">{c.name}</div>
            {actions.map((a) => (
              <button key={a.name} type="button" className="palette-item" data-action={a.name} onClick={() => onAdd(a.name)} title={a.description}>
                <span className="mono">{a.name}</span>
                <span className="muted">{a.description}</span>
              </button>
            ))}
          </div>
        );
      })}
    </div>
  );
}

interface TestPanelProps {
  slug: string | null;
  text: string;
  sample: SampleTrigger;
  setSample: (s: SampleTrigger) => void;
  run: TestRun | null;
  setRun: (r: TestRun | null) => void;
  canTest: boolean;
  canEdit: boolean;
  preview: (expression: string) => Promise<unknown>;
  selectedText: string;
}

function TestPanel({ slug, text, sample, setSample, run, setRun, canTest, canEdit, preview, selectedText }: TestPanelProps) {
  const [body, setBody] = useState(() => JSON.stringify(sample.body, null, 2));
  const [headers, setHeaders] = useState(() => JSON.stringify(sample.headers));
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [fixtureName, setFixtureName] = useState('');
  const [fixtures, setFixtures] = useState<string[]>([]);
  const [events, setEvents] = useState<{ id: string; createdAt: string }[]>([]);
  const [expression, setExpression] = useState('');
  const [value, setValue] = useState<{ v?: unknown; e?: string } | null>(null);
  useEffect(() => {
    if (!slug) return;
    const controller = new AbortController();
    request<unknown>(`${path(slug)}/fixtures`, { signal: controller.signal }).then(
      (a) => setFixtures(((Array.isArray(a) ? a : ((a as { items?: unknown[] }).items ?? [])) as (string | { name: string })[]).map((x) => (typeof x === 'string' ? x : x.name))),
      () => setFixtures([]),
    );
    request<{ items: { id: string; createdAt: string }[] }>(`/api/v1/runs?recipe=${encodeURIComponent(slug)}&limit=10`, { signal: controller.signal }).then(
      (p) => setEvents(p.items ?? []),
      () => setEvents([]),
    );
    return () => controller.abort();
  }, [slug]);
  const read = (): SampleTrigger | null => {
    try {
      const b = body.trim() ? JSON.parse(body) : null;
      const h = headers.trim() ? JSON.parse(headers) : {};
      return { body: b, headers: h };
    } catch (e) {
      setError(new Error(`The sample trigger must be JSON: ${(e as Error).message}`));
      return null;
    }
  };
  const use = (trigger: { body?: unknown; headers?: Record<string, string> }) => {
    setBody(JSON.stringify(trigger.body ?? null, null, 2));
    setHeaders(JSON.stringify(trigger.headers ?? {}));
    setSample({ body: trigger.body ?? null, headers: trigger.headers ?? {} });
  };
  const start = async (dryRun: boolean) => {
    const trigger = read();
    if (!trigger) return;
    setSample(trigger);
    setBusy(true);
    setError(undefined);
    try {
      setRun(await testRun(text, trigger, dryRun));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const pick = async (choice: string) => {
    if (!choice || !slug) return;
    try {
      if (choice.startsWith('fixture:')) {
        const f = await request<{ trigger: { body: unknown; headers: Record<string, string> } }>(`${path(slug)}/fixtures/${encodeURIComponent(choice.slice(8))}`);
        use(f.trigger ?? {});
      } else {
        const r = await request<{ trigger?: { body?: unknown; headers?: Record<string, string> } }>(`/api/v1/runs/${encodeURIComponent(choice.slice(6))}`);
        use(r.trigger ?? {});
      }
    } catch (e) {
      setError(e);
    }
  };
  const pin = async () => {
    const trigger = read();
    if (!trigger || !slug || !fixtureName.trim()) return;
    try {
      await request(`${path(slug)}/fixtures/${encodeURIComponent(fixtureName.trim())}`, { method: 'PUT', body: { trigger } });
      setFixtures((f) => [...new Set([...f, fixtureName.trim()])]);
      setFixtureName('');
    } catch (e) {
      setError(e);
    }
  };
  const evaluateNow = async (expr = expression) => {
    try {
      setValue({ v: await preview(expr) });
    } catch (e) {
      setValue({ e: (e as Error).message });
    }
  };
  useEffect(() => {
    if (!selectedText) return;
    const inner = /^["']?\{\{([\s\S]*)\}\}["']?$/.exec(selectedText)?.[1]?.trim() ?? selectedText;
    setExpression(inner);
    if (run) void evaluateNow(inner);
    // previewed when the selection changes, against the run shown
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedText]);
  if (!canTest) return <p className="muted">Your role cannot start test runs.</p>;
  const ms = run?.startedAt && run.finishedAt ? Date.parse(run.finishedAt) - Date.parse(run.startedAt) : null;
  return (
    <div className="test-panel" data-testid="test-panel">
      <div className="test-grid">
        <label>
          Trigger body (JSON)
          <textarea className="code" rows={5} name="trigger-body" value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} />
        </label>
        <div className="test-side">
          <label>
            Headers (JSON)
            <input className="mono" name="trigger-headers" value={headers} onChange={(e) => setHeaders(e.target.value)} spellCheck={false} />
          </label>
          {slug && (fixtures.length || events.length) ? (
            <label>
              Take a trigger from
              <select aria-label="Sample source" value="" onChange={(e) => pick(e.target.value)}>
                <option value="">a fixture or a stored event…</option>
                {fixtures.map((f) => (
                  <option key={f} value={`fixture:${f}`}>
                    fixture {f}
                  </option>
                ))}
                {events.map((r) => (
                  <option key={r.id} value={`event:${r.id}`}>
                    event of run {r.id.slice(0, 8)} ({r.createdAt})
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <div className="toolbar">
            <button type="button" className="primary" data-testid="test-run" disabled={busy} onClick={() => start(false)}>
              Test run
            </button>
            <button type="button" data-testid="dry-run" disabled={busy} onClick={() => start(true)} title="Actions describe what they would send instead of sending it">
              Dry run
            </button>
          </div>
          {slug && canEdit ? (
            <div className="toolbar">
              <input aria-label="Fixture name" placeholder="fixture name" value={fixtureName} onChange={(e) => setFixtureName(e.target.value)} className="narrow-wide" />
              <button type="button" className="small" disabled={!fixtureName.trim()} onClick={pin}>
                Pin as fixture
              </button>
            </div>
          ) : null}
        </div>
      </div>
      <ProblemBanner error={error} onClose={() => setError(undefined)} />
      {run ? (
        <div className="test-result" data-testid="test-result" data-status={run.status}>
          <div className="toolbar">
            <StatusBadge status={run.status} />
            {run.dryRun ? <span className="badge">dry run</span> : null}
            {ms !== null ? <span className="muted">{ms} ms</span> : null}
            <span className="muted">{run.steps.length} step records · click a node for its input and output</span>
          </div>
          {run.error ? (
            <div className="problem" data-testid="test-error">
              {run.error.step ? <code>{run.error.step}</code> : null} {run.error.message} {run.error.note ? <span className="muted">{run.error.note}</span> : null}
            </div>
          ) : null}
          {run.output !== null && run.output !== undefined ? <JsonView value={run.output} label="run output" /> : null}
        </div>
      ) : null}
      <div className="toolbar expression">
        <input className="mono" aria-label="Expression" placeholder="{{ steps.<id>.output }} or trigger.body.…" value={expression} onChange={(e) => setExpression(e.target.value)} />
        <button type="button" className="small" disabled={!expression.trim()} onClick={() => evaluateNow()}>
          Evaluate
        </button>
      </div>
      {value ? value.e ? <div className="problem">{value.e}</div> : <JsonView value={value.v} label="value" /> : null}
      {!run ? <Empty title="No test run yet">Run the recipe with the sample trigger; each step is painted with its outcome.</Empty> : null}
    </div>
  );
}
