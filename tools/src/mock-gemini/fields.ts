// Google accepts every request field under its lowerCamel JSON name or its snake_case proto
// name. These helpers let the mock read a body either way.

type Obj = Record<string, unknown>;
const toSnake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const toCamel = (name: string): string => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** Reads a field by its JSON name or its snake_case proto name; null counts as absent. */
export function field(obj: unknown, name: string): unknown {
  if (typeof obj !== 'object' || obj === null) return undefined;
  const o = obj as Obj;
  return o[name] ?? o[toSnake(name)] ?? undefined;
}

/** A value as a list: proto3 JSON takes a single value for a repeated field. */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/**
 * A deep copy with every key in lowerCamel, so answer builders can read typed fields. User data
 * (function args, schemas) is renamed too; the mock only reads it to count tokens.
 */
export function camelKeys<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => camelKeys(v)) as T;
  if (typeof value !== 'object' || value === null) return value as T;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) out[k.startsWith('_') ? k : toCamel(k)] = camelKeys(v);
  return out as T;
}
