import { describe, expect, test } from 'vitest';
import { actionOfStep, offersAt, type Hints } from '../../../main/ts/studio/completion';
import type { ActionInfo, Catalogue } from '../../../main/ts/studio/data';

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

describe('completions', () => {
  test('trigger types below trigger:, root keys at the root', () => {
    expect(at('slug: a\ntrigger:\n  |')).toEqual(['webhook', 'kafka', 'cdc', 'schedule', 'poll', 'manual']);
    expect(at('slug: a\nst|')).toEqual(['steps']);
  });

  test('step kinds and keys in a step list', () => {
    const offers = at(`${head}  - |`)!;
    expect(offers).toEqual(expect.arrayContaining(['action', 'if', 'foreach', 'call', 'stop', 'fail', 'id', 'with']));
  });

  test('action names, connection names, recipe slugs after call:', () => {
    expect(at(`${head}  - id: b\n    action: co|`)).toEqual(['core.log']);
    expect(at(`${head}    connection: |`)).toEqual(['crm']);
    expect(at(`${head}  - id: c\n    call: ord|`)).toEqual(['order-sync']);
  });

  test("the action's with keys, nested keys and enum values", () => {
    expect(at(`${head}      |`)).toEqual(['method', 'url', 'followRedirects', 'paginate']);
    expect(at(`${head}      paginate:\n        |`)).toEqual(['type', 'maxPages']);
    expect(at(`${head}      paginate:\n        type: c|`)).toEqual(['cursor']);
    expect(at(`${head}      followRedirects: |`)).toEqual(['true', 'false']);
    expect(at(`${head}  - id: log\n    action: core.log\n    with:\n      level: w|`)).toEqual(['warn']);
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
