import { describe, expect, test } from 'vitest';
import { fields } from '../../../main/ts/schemaForm';
import { anyJsonAsJson, textsOf, withFrom } from '../../../main/ts/studio/stepForm';
import type { JsonSchema } from '../../../main/ts/model';

// The shape of http.request's input schema: an optional object with a required key, any-JSON body.
const schema: JsonSchema = {
  type: 'object',
  properties: {
    method: { type: 'string' },
    url: { type: 'string' },
    timeout: { type: 'string' },
    retries: { type: 'integer' },
    body: { description: 'Any JSON' },
    paginate: { type: 'object', properties: { type: { enum: ['link', 'cursor'] }, maxPages: { type: 'integer' } }, required: ['type'] },
  },
  required: ['url'],
};
const list = anyJsonAsJson(fields(schema), schema);
const example = { method: 'POST', url: '/customers/{{ trigger.body.customerId }}', body: { text: '{{ trigger.body.note }}' }, custom: 1 };

describe('the step form', () => {
  test('the texts of a step round-trip to the same with (keys the schema does not know kept)', () => {
    const texts = textsOf(list, example);
    expect(texts.body).toBe('{\n  "text": "{{ trigger.body.note }}"\n}');
    expect(withFrom(list, texts, example)).toEqual({ value: example, errors: {} });
  });

  test('an optional object left blank is neither required nor written', () => {
    const { value, errors } = withFrom(list, { ...textsOf(list, example), url: 'https://x' }, example);
    expect(errors).toEqual({});
    expect(value).not.toHaveProperty('paginate');
    expect(value.url).toBe('https://x');
  });

  test('a required key inside a filled-in object, a blank required key, a number that is not one', () => {
    const { errors } = withFrom(list, { url: '', 'paginate.maxPages': '5', retries: 'three' }, {});
    expect(errors).toEqual({ url: 'url is required', 'paginate.type': 'type is required', retries: 'retries must be a number or a {{ }} expression' });
  });

  test('an expression stays text in a number field', () => {
    expect(withFrom(list, { url: 'u', retries: '{{ trigger.body.n }}' }, {}).value).toEqual({ url: 'u', retries: '{{ trigger.body.n }}' });
  });
});
