// A step's `with` as form texts and back: the step form of the studio, generated from the action's input schema.
import type { JsonSchema } from '../model';
import { leaves, type Field } from '../schemaForm';

/** The form's texts from the step's `with` (expressions and objects as written). */
export function textsOf(list: Field[], values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of leaves(list)) {
    const v = f.path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), values);
    out[f.path] = v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v, null, 2) : String(v);
  }
  return out;
}

/**
 * The step's new `with`: its keys the schema does not know stay; blanks are left out; an expression
 * (`{{ }}`) stays text whatever the field's type.
 */
export function withFrom(list: Field[], texts: Record<string, string>, before: Record<string, unknown>): { value: Record<string, unknown>; errors: Record<string, string> } {
  const value: Record<string, unknown> = structuredClone(before);
  const errors: Record<string, string> = {};
  const all = leaves(list);
  // a required key inside an optional object counts only when that object is filled in at all
  const filled = (prefix: string) => all.some((f) => f.path.startsWith(`${prefix}.`) && (texts[f.path] ?? '').trim());
  for (const f of all) {
    const text = (texts[f.path] ?? '').trim();
    const keys = f.path.split('.');
    const last = keys[keys.length - 1];
    if (!text) {
      const prefix = keys.slice(0, -1).join('.');
      if (f.required && (!prefix || filled(prefix))) errors[f.path] = `${f.label} is required`;
      const holder = keys.slice(0, -1).reduce<Record<string, unknown> | undefined>((o, k) => (o?.[k] && typeof o[k] === 'object' ? (o[k] as Record<string, unknown>) : undefined), value);
      if (holder) delete holder[last];
      continue;
    }
    let target = value;
    for (const k of keys.slice(0, -1)) target = (target[k] && typeof target[k] === 'object' ? target[k] : (target[k] = {})) as Record<string, unknown>;
    if (f.kind === 'json') {
      try {
        target[last] = JSON.parse(text);
      } catch {
        target[last] = text;
      }
    } else if (text.includes('{{')) {
      target[last] = text;
    } else if (f.kind === 'integer' || f.kind === 'number') {
      const n = Number(text);
      if (Number.isNaN(n)) errors[f.path] = `${f.label} must be a number or a {{ }} expression`;
      else target[last] = n;
    } else if (f.kind === 'boolean') {
      target[last] = text === 'true';
    } else {
      target[last] = text;
    }
  }
  return { value, errors };
}

/** A key whose schema allows any JSON (no type, no enum) is edited as JSON, not as text. */
export function anyJsonAsJson(list: Field[], schema: JsonSchema | null): Field[] {
  return list.map((f) => {
    const own = f.path.split('.').reduce<JsonSchema | undefined>((s, k) => s?.properties?.[k], schema ?? undefined);
    if (f.kind === 'object') return { ...f, children: anyJsonAsJson(f.children ?? [], schema) };
    return own && own.type === undefined && !own.enum && !own.properties ? { ...f, kind: 'json' } : f;
  });
}

