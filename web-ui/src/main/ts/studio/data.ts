// What the studio reads from the server besides the recipe: the connector catalogue, connection, secret and
// recipe names (for completions), validation, test runs and expression previews; and the sample recipes.
/// <reference types="vite/client" />
import { ApiError, request } from '../api';
import type { JsonSchema, Step } from '../model';

export interface ActionInfo {
  name: string;
  description: string;
  pure?: boolean;
  inputSchema: JsonSchema | null;
  example?: { action: string; with: unknown } | null;
}

export interface ConnectorInfo {
  name: string;
  description: string;
  connectionSchema: JsonSchema | null;
  actions: ActionInfo[];
}

export interface Catalogue {
  connectors: ConnectorInfo[];
  actions: Map<string, ActionInfo>;
  connections: { name: string; connector: string }[];
  secrets: string[];
  recipes: string[];
  /** GET /api/v1/schema/recipe.json: the recipe format with every action's `with` (for completions) */
  schema: JsonSchema | null;
}

function items<T>(answer: unknown): T[] {
  if (Array.isArray(answer)) return answer as T[];
  return ((answer as { items?: T[] })?.items ?? []) as T[];
}

/** Each list on its own: a viewer without access to secrets still gets the rest. */
export async function loadCatalogue(signal: AbortSignal): Promise<Catalogue> {
  const get = <T>(path: string) => request<unknown>(path, { signal }).then(items<T>, () => [] as T[]);
  const [connectors, connections, secrets, recipes, schema] = await Promise.all([
    get<ConnectorInfo>('/api/v1/connectors'),
    get<{ name: string; connector: string }>('/api/v1/connections'),
    get<{ name: string }>('/api/v1/secrets'),
    get<{ slug: string }>('/api/v1/recipes?limit=500'),
    request<JsonSchema>('/api/v1/schema/recipe.json', { signal }).catch(() => null),
  ]);
  const actions = new Map<string, ActionInfo>();
  for (const c of connectors) for (const a of c.actions ?? []) actions.set(a.name, a);
  return { connectors, actions, connections, secrets: secrets.map((s) => s.name), recipes: recipes.map((r) => r.slug), schema };
}

export interface ValidationProblem {
  path?: string;
  line?: number;
  column?: number;
  message: string;
  fix?: string;
}

export interface Validation {
  valid: boolean;
  errors: ValidationProblem[];
  /** the validate endpoint is not there: only YAML syntax is checked in the browser */
  unavailable?: boolean;
}

export async function validate(yaml: string, signal?: AbortSignal): Promise<Validation> {
  try {
    const answer = await request<Validation>('/api/v1/recipes/validate', { method: 'POST', text: { body: yaml, contentType: 'application/yaml' }, signal });
    return { valid: answer.valid, errors: answer.errors ?? [] };
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return { valid: true, errors: [], unavailable: true };
    // a 400 problem with errors is a validation answer too
    if (e instanceof ApiError && e.problem.errors?.length) return { valid: false, errors: e.problem.errors };
    throw e;
  }
}

export interface TestRun {
  id: string;
  status: string;
  output: unknown;
  error: { type?: string; message?: string; step?: string; note?: string } | null;
  dryRun?: boolean;
  trigger: unknown;
  steps: Step[];
  startedAt: string | null;
  finishedAt: string | null;
  logs?: { step: string | null; level: string; message: string }[];
}

export interface SampleTrigger {
  body: unknown;
  headers: Record<string, string>;
}

export function testRun(recipe: string, trigger: SampleTrigger, dryRun: boolean): Promise<TestRun> {
  return request<TestRun>('/api/v1/recipes/test', { method: 'POST', body: { recipe, trigger, dryRun } });
}

/** A step record's path (`lines[2].reserve`, `big.alert`) → the id of its node in the graph. */
export function nodeOf(path: string): string {
  const last = path.split('.').pop() ?? path;
  return last.replace(/\[\d+\]$/, '');
}

export interface NodeRun {
  status: string;
  ms: number | null;
  records: Step[];
}

/** The test run per node: a foreach body's node sums its iterations (failed if any failed). */
export function paint(run: TestRun | null): Map<string, NodeRun> {
  const out = new Map<string, NodeRun>();
  for (const step of run?.steps ?? []) {
    const id = nodeOf(step.path);
    const ms = step.startedAt && step.finishedAt ? Date.parse(step.finishedAt) - Date.parse(step.startedAt) : null;
    const seen = out.get(id);
    if (!seen) out.set(id, { status: step.status, ms, records: [step] });
    else {
      seen.records.push(step);
      if (ms !== null) seen.ms = (seen.ms ?? 0) + ms;
      if (step.status === 'failed' || (seen.status !== 'failed' && step.status !== 'succeeded')) seen.status = step.status;
    }
  }
  return out;
}

/** The evaluation context of DESIGN §2 as the test run saw it (steps by id, outputs of top-level paths). */
export function contextOf(run: TestRun | null, sample: SampleTrigger): Record<string, unknown> {
  const steps: Record<string, { output: unknown }> = {};
  for (const step of run?.steps ?? []) {
    if (!/\[\d+\]/.test(step.path)) steps[nodeOf(step.path)] = { output: step.output };
  }
  return { trigger: run?.trigger ?? { body: sample.body, headers: sample.headers }, steps, run: { id: run?.id ?? 'test', attempt: 1 } };
}

export async function evaluate(expression: string, context: unknown, signal?: AbortSignal): Promise<unknown> {
  const template = /\{\{/.test(expression);
  const answer = await request<{ value: unknown }>('/api/v1/expressions/evaluate', {
    method: 'POST',
    body: template ? { template: expression, context } : { expression, context },
    signal,
  });
  return answer.value;
}

// ---- sample recipes, bundled from recipes-samples into the studio's chunk only

const sampleFiles = import.meta.glob('../../../../../recipes-samples/src/main/resources/samples/*.yaml', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;

export interface Sample {
  file: string;
  slug: string;
  name: string;
  yaml: string;
}

export const SAMPLES: Sample[] = Object.entries(sampleFiles)
  .map(([path, yaml]) => ({
    file: path.split('/').pop()!,
    slug: /^slug:\s*(\S+)/m.exec(yaml)?.[1] ?? '',
    name: /^name:\s*(.+)$/m.exec(yaml)?.[1] ?? '',
    yaml,
  }))
  .sort((a, b) => a.file.localeCompare(b.file));

export const BLANK = `# A new recipe: one trigger, then steps run in order (DESIGN §2).
slug: my-recipe
name: My recipe
trigger:
  webhook: {}
steps:
  - id: log
    action: core.log
    with:
      message: "received {{ trigger.body }}"
`;

/** A sample as a new recipe: its slug gets a suffix so it does not collide with the loaded sample. */
export function fromSample(sample: Sample, taken: string[]): string {
  let slug = `${sample.slug}-copy`;
  for (let n = 2; taken.includes(slug); n++) slug = `${sample.slug}-copy${n}`;
  return sample.yaml.replace(/^slug:\s*\S+/m, `slug: ${slug}`);
}
