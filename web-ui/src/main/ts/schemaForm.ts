// A connector's connection schema (JSON Schema) as form fields, and the form's values back as settings.
import type { JsonSchema } from './model';

export type FieldKind = 'text' | 'secret' | 'integer' | 'number' | 'boolean' | 'enum' | 'json' | 'object';

export interface Field {
  /** dotted path below settings: `auth.token` */
  path: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  description?: string;
  options?: string[];
  defaultValue?: unknown;
  children?: Field[];
}

function kindOf(schema: JsonSchema): FieldKind {
  if (schema['x-secret']) return 'secret';
  if (schema.enum) return 'enum';
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object':
      return schema.properties ? 'object' : 'json';
    case 'array':
      return 'json';
    default:
      return 'text';
  }
}

export function fields(schema: JsonSchema | null | undefined, prefix = ''): Field[] {
  if (!schema?.properties) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, prop]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const kind = kindOf(prop);
    return {
      path,
      label: name,
      kind,
      required: required.has(name),
      description: prop.description,
      options: prop.enum?.map(String),
      defaultValue: prop.default,
      children: kind === 'object' ? fields(prop, path) : undefined,
    };
  });
}

/** Every leaf field (objects flattened to their children). */
export function leaves(list: Field[]): Field[] {
  return list.flatMap((f) => (f.kind === 'object' ? leaves(f.children ?? []) : [f]));
}

export function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

/**
 * Settings from form texts: blanks are left out (so a blank secret keeps the stored one on PUT), numbers
 * and booleans typed, JSON fields parsed. Answers errors by field path when a value cannot be read.
 */
export function settingsFrom(list: Field[], texts: Record<string, string>): { settings: Record<string, unknown>; errors: Record<string, string> } {
  const settings: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of leaves(list)) {
    const text = (texts[field.path] ?? '').trim();
    if (!text) {
      if (field.required && field.kind !== 'secret') errors[field.path] = `${field.label} is required`;
      continue;
    }
    let value: unknown = text;
    if (field.kind === 'integer' || field.kind === 'number') {
      value = Number(text);
      if (Number.isNaN(value) || (field.kind === 'integer' && !Number.isInteger(value))) {
        errors[field.path] = `${field.label} must be ${field.kind === 'integer' ? 'a whole number' : 'a number'}`;
        continue;
      }
    } else if (field.kind === 'boolean') {
      value = text === 'true';
    } else if (field.kind === 'json') {
      try {
        value = JSON.parse(text);
      } catch (e) {
        errors[field.path] = `${field.label} must be JSON: ${(e as Error).message}`;
        continue;
      }
    }
    const keys = field.path.split('.');
    let target = settings;
    for (const key of keys.slice(0, -1)) {
      target = (target[key] ??= {}) as Record<string, unknown>;
    }
    target[keys[keys.length - 1]] = value;
  }
  return { settings, errors };
}

/** The form texts for stored settings (secrets stay blank: they are never returned). */
export function textsFrom(list: Field[], settings: Record<string, unknown> | undefined): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const field of leaves(list)) {
    const value = field.kind === 'secret' ? undefined : get(settings, field.path);
    texts[field.path] = value === undefined || value === null ? '' : field.kind === 'json' ? JSON.stringify(value, null, 2) : String(value);
  }
  return texts;
}
