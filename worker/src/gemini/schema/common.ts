// Shared pieces of the two schema conversions (schema-subset.ts, schema-json.ts): $ref
// resolution, allOf merging, small JSON helpers. Pure.
export type Json = Record<string, unknown>;

export const MAX_DEPTH = 48;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
export const has = (o: Json, k: string): boolean => o[k] !== undefined && o[k] !== null;

/** Resolves a local JSON pointer (`#/$defs/User`, `#/definitions/a~1b`); others are unknown. */
export function resolveRef(root: unknown, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    let key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    try {
      key = decodeURIComponent(key);
    } catch {
      // keep it undecoded
    }
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return node;
}

export function isNullSchema(s: unknown): boolean {
  if (!isObject(s)) return false;
  if (s.type === 'null') return true;
  if (s.const === null && s.type === undefined) return true;
  return Array.isArray(s.enum) && s.enum.length === 1 && s.enum[0] === null;
}

/** A schema that asks for nothing: a tool with no parameters. */
export function isEmptyObjectSchema(schema: unknown): boolean {
  if (schema === undefined || schema === null) return true;
  if (!isObject(schema)) return false;
  if (schema.type !== undefined && schema.type !== 'object') return false;
  if (isObject(schema.properties) && Object.keys(schema.properties).length > 0) return false;
  const extra = schema.additionalProperties;
  if (extra === true || isObject(extra)) return false;
  return !has(schema, '$ref') && !has(schema, 'anyOf') && !has(schema, 'oneOf') && !has(schema, 'allOf');
}

/** allOf members merged into one schema (members' `$ref`s resolved one level). */
export function mergeAllOf(root: unknown, s: Json): Json {
  const out: Json = { ...s };
  delete out.allOf;
  const properties: Json = isObject(s.properties) ? { ...s.properties } : {};
  const required = new Set<string>(Array.isArray(s.required) ? s.required.filter((r): r is string => typeof r === 'string') : []);
  for (let member of s.allOf as unknown[]) {
    if (isObject(member) && typeof member.$ref === 'string') member = { ...asObject(resolveRef(root, member.$ref)), ...withoutKey(member, '$ref') };
    if (!isObject(member)) continue;
    if (isObject(member.properties)) Object.assign(properties, member.properties);
    if (Array.isArray(member.required)) for (const r of member.required) if (typeof r === 'string') required.add(r);
    for (const [k, v] of Object.entries(member)) {
      if (k !== 'properties' && k !== 'required' && k !== 'allOf' && out[k] === undefined) out[k] = v;
    }
  }
  if (Object.keys(properties).length > 0) out.properties = properties;
  if (required.size > 0) out.required = [...required];
  return out;
}

export const asObject = (v: unknown): Json => (isObject(v) ? v : {});

export function withoutKey(o: Json, key: string): Json {
  const out = { ...o };
  delete out[key];
  return out;
}
