import { describe, expect, it } from 'vitest';
import { fields, leaves, settingsFrom, textsFrom } from '../../main/ts/schemaForm';
import type { JsonSchema } from '../../main/ts/model';

const SQL: JsonSchema = {
  type: 'object',
  properties: {
    url: { type: 'string', description: 'JDBC URL' },
    username: { type: 'string' },
    password: { type: 'string', 'x-secret': true },
    maxPoolSize: { type: 'integer', default: 5 },
    ssl: { type: 'boolean' },
    mode: { type: 'string', enum: ['read', 'write'] },
    auth: { type: 'object', properties: { token: { type: 'string', 'x-secret': true }, scheme: { type: 'string' } }, required: ['scheme'] },
    headers: { type: 'object' },
  },
  required: ['url'],
};

describe('connection forms from JSON Schema', () => {
  it('makes a field per property with its kind', () => {
    const list = fields(SQL);
    expect(list.map((f) => [f.path, f.kind, f.required])).toEqual([
      ['url', 'text', true], ['username', 'text', false], ['password', 'secret', false], ['maxPoolSize', 'integer', false],
      ['ssl', 'boolean', false], ['mode', 'enum', false], ['auth', 'object', false], ['headers', 'json', false],
    ]);
    expect(leaves(list).map((f) => f.path)).toContain('auth.token');
    expect(list.find((f) => f.path === 'mode')?.options).toEqual(['read', 'write']);
  });

  it('types the values and nests objects', () => {
    const { settings, errors } = settingsFrom(fields(SQL), {
      url: ' jdbc:postgresql://db/shop ', password: 's3cret', maxPoolSize: '12', ssl: 'true', 'auth.scheme': 'Bearer', 'auth.token': 't', headers: '{"x": 1}',
    });
    expect(errors).toEqual({});
    expect(settings).toEqual({ url: 'jdbc:postgresql://db/shop', password: 's3cret', maxPoolSize: 12, ssl: true, auth: { scheme: 'Bearer', token: 't' }, headers: { x: 1 } });
  });

  it('leaves a blank secret out so the stored one is kept', () => {
    const { settings } = settingsFrom(fields(SQL), { url: 'jdbc:x', password: '', 'auth.scheme': 'B' });
    expect(settings).not.toHaveProperty('password');
  });

  it('names the field that cannot be read', () => {
    const { errors } = settingsFrom(fields(SQL), { maxPoolSize: '2.5', headers: '{', 'auth.scheme': '' });
    expect(errors.url).toBe('url is required');
    expect(errors.maxPoolSize).toBe('maxPoolSize must be a whole number');
    expect(errors.headers).toMatch(/^headers must be JSON/);
    expect(errors['auth.scheme']).toBe('scheme is required');
  });

  it('never fills a secret from stored settings', () => {
    const texts = textsFrom(fields(SQL), { url: 'jdbc:x', password: 'should not be here', maxPoolSize: 3, headers: { a: 1 } });
    expect(texts.password).toBe('');
    expect(texts.url).toBe('jdbc:x');
    expect(texts.maxPoolSize).toBe('3');
    expect(JSON.parse(texts.headers)).toEqual({ a: 1 });
  });
});
