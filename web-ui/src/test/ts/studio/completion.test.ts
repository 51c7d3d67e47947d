import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { actionOfStep, offersAt, pathAt, type Hints } from '../../../main/ts/studio/completion';
import type { ActionInfo, Catalogue } from '../../../main/ts/studio/data';

// The server's schema of this build: Maven's studio-fixtures step writes it from the engine and the
// connectors before Vitest runs (`./mvnw -pl web-ui process-test-classes` does both).
const SCHEMA = new URL('../../../../target/studio-edits/recipe.schema.json', import.meta.url);
if (!existsSync(SCHEMA)) throw new Error(`${SCHEMA.pathname} is missing: run ./mvnw -pl web-ui -am process-test-classes`);
const schema = JSON.parse(readFileSync(SCHEMA, 'utf8'));

const catalogue: Catalogue = {
  connectors: [],
  actions: new Map<string, ActionInfo>([
    [
      'http.request',
      {
        name: 'http.request',
        description: 'Sends one HTTP request',
        inputSchema: {
          type: 'object',
          properties: {
            method: { type: 'string' },
            url: { type: 'string' },
            followRedirects: { type: 'boolean' },
            paginate: { type: 'object', properties: { type: { enum: ['link', 'cursor', 'page'] }, maxPages: { type: 'integer' } } },
          },
          required: ['url'],
        },
      },
    ],
    ['core.log', { name: 'core.log', description: 'Writes a message', inputSchema: { type: 'object', properties: { message: { type: 'string' }, level: { enum: ['debug', 'info', 'warn', 'error'] } } } }],
  ]),
  connections: [{ name: 'crm', connector: 'http' }],
  secrets: ['ALERT_URL'],
  recipes: ['ops-alerts', 'order-sync'],
  schema,
};
const hints: Hints = { catalogue, trigger: { body: { customerId: 42, items: [{ sku: 'A' }] }, headers: { 'x-event-id': 'e1' } }, outputs: { customer: { body: { vip: true } } }, stepIds: ['customer', 'big'] };

/** The offers where `|` stands in the text. */
function at(text: string) {
  const lines = text.split('\n');
  const row = lines.findIndex((l) => l.includes('|'));
  const column = lines[row].indexOf('|');
  lines[row] = lines[row].replace('|', '');
  return offersAt(lines, row, column, hints)?.options.map((o) => o.label) ?? null;
}

const head = `slug: a
trigger:
  webhook: {}
steps:
  - id: customer
    action: http.request
    with:
      method: GET
`;

describe('completions from the recipe schema', () => {
  test('trigger types below trigger:, root keys at the root, each trigger type\'s settings', () => {
    expect(at('slug: a\ntrigger:\n  |')).toEqual(expect.arrayContaining(['webhook', 'kafka', 'cdc', 'schedule', 'poll', 'manual', 'mqtt', 'amqp']));
    expect(at('slug: a\nst|')).toEqual(['steps']);
    expect(at('slug: a\n|')).toEqual(expect.arrayContaining(['slug', 'name', 'trigger', 'steps', 'concurrency', 'sla', 'alerts', 'retention', 'index', 'onError']));
    expect(at('slug: a\ntrigger:\n  webhook:\n    |')).toEqual(expect.arrayContaining(['secret', 'idempotencyKey', 'dedupe', 'respond', 'rateLimit']));
    expect(at('slug: a\ntrigger:\n  webhook:\n    respond:\n      mode: |')).toEqual(['async', 'sync']);
    expect(at('slug: a\ntrigger:\n  schedule:\n    cron: "0 2 * * *"\n    catchUp: |')).toEqual(['none', 'last', 'all']);
    expect(at('slug: a\ntrigger:\n  kafka:\n    batch:\n      m|')).toEqual(['maxSize', 'maxWait']);
    expect(at('slug: a\nretry:\n  |')).toEqual(expect.arrayContaining(['maxAttempts', 'initialDelay', 'multiplier', 'maxDelay']));
  });

  test('step kinds and keys in a step list, at any depth and however the list is indented', () => {
    const offers = at(`${head}  - |`)!;
    expect(offers).toEqual(expect.arrayContaining(['action', 'if', 'foreach', 'call', 'stop', 'fail', 'id', 'with', 'then', 'else', 'steps', 'chunk', 'parallel', 'retry', 'onError', 'timeout']));
    expect(at(`${head}  - id: big\n    if: "x"\n    then:\n      - id: t\n        |`)).toEqual(expect.arrayContaining(['action', 'foreach', 'with']));
    expect(at('slug: a\nsteps:\n- id: x\n  for|')).toEqual(['foreach']);
    expect(at(`${head}    onError: |`)).toEqual(['fail', 'continue']);
  });

  test('action names, connection names, recipe slugs after call:', () => {
    expect(at(`${head}  - id: b\n    action: core.l|`)).toEqual(['core.log']);
    expect(at(`${head}    connection: |`)).toEqual(['crm']);
    expect(at(`${head}  - id: c\n    call: ord|`)).toEqual(['order-sync']);
  });

  test("the action's with keys, nested keys and enum values, from the server's schema of that action", () => {
    expect(at(`${head}      |`)).toEqual(expect.arrayContaining(['method', 'url', 'headers', 'body', 'timeout', 'paginate']));
    expect(at(`${head}      paginate:\n        |`)).toEqual(expect.arrayContaining(['type']));
    expect(at(`${head}      paginate:\n        type: c|`)).toEqual(['cursor']);
    expect(at(`${head}  - id: log\n    action: core.log\n    with:\n      level: w|`)).toEqual(['warn']);
    // another action's keys never leak in
    expect(at(`${head}  - id: log\n    action: core.log\n    with:\n      |`)).not.toContain('url');
    // with: keys of a step inside a foreach
    expect(at(`${head}  - id: each\n    foreach: "trigger.body.items"\n    steps:\n      - id: note\n        action: core.log\n        with:\n          |`)).toEqual(expect.arrayContaining(['message', 'level']));
  });

  test('the path at a line: keys and list items', () => {
    const lines = `${head}      url: x`.split('\n');
    expect(pathAt(lines, 8, 6)).toEqual([{ key: 'steps' }, { item: 4 }, { key: 'with' }]);
  });

  test('inside {{ }}: sample trigger paths, step outputs of the last test run, secrets', () => {
    expect(at(`${head}      url: "{{ trigger.body.|`)).toEqual(['trigger.body.customerId', 'trigger.body.items', 'trigger.body.items[0]', 'trigger.body.items[0].sku']);
    expect(at(`${head}      url: "{{ steps.customer.output.b|`)).toEqual(['steps.customer.output.body', 'steps.customer.output.body.vip']);
    expect(at(`${head}      url: "{{ trigger.headers.|`)).toEqual(["trigger.headers.'x-event-id'"]);
    expect(at(`${head}      url: "{{ secrets.|`)).toEqual(['secrets.ALERT_URL']);
  });

  test('the action of the step around a line', () => {
    const lines = `${head}      url: x\n  - id: next\n    action: core.log`.split('\n');
    expect(actionOfStep(lines, 8)).toBe('http.request');
    expect(actionOfStep(lines, 10)).toBe('core.log');
  });
});
