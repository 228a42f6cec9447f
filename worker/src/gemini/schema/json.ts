// JSON Schema -> the full JSON Schema Gemini takes (`parametersJsonSchema` /
// `responseJsonSchema`): only documented keywords, refs rewritten to $defs. See schema.ts. Pure.
import { type Json, MAX_DEPTH, isObject, has, resolveRef, mergeAllOf } from './common';

/** Keywords copied as they are (if of the right JSON type). */
const JSON_SCALARS: Record<string, 'string' | 'number' | 'count'> = {
  title: 'string',
  description: 'string',
  format: 'string',
  $anchor: 'string',
  minimum: 'number',
  maximum: 'number',
  minItems: 'count',
  maxItems: 'count',
};

/**
 * Keeps what Google documents for the JSON Schema door and drops the rest: `$schema` (seen
 * rejected), `$id` (would move the base of relative refs), `definitions` renamed `$defs` (with
 * refs rewritten; Gemini resolves `$defs`), siblings of `$ref`, `const` -> `enum`, allOf merged,
 * OpenAPI's `nullable` turned into a null type.
 */
export function toGeminiJsonSchema(schema: unknown): Json {
  const out = jsonNode(schema, { root: schema, expanding: new Set() }, 0);
  // A bare `{}` or an untyped property bag is an object (tool parameters must be one).
  if (out.type === undefined && out.$ref === undefined && out.anyOf === undefined && out.oneOf === undefined && out.enum === undefined) out.type = 'object';
  return out;
}

function rewriteRef(ref: string): string {
  return ref.startsWith('#/definitions/') ? `#/$defs/${ref.slice('#/definitions/'.length)}` : ref;
}

interface JsonContext {
  root: unknown;
  /** Non-$defs refs being inlined, against cycles. */
  expanding: Set<string>;
}

const DEFS_REF = /^#\/(?:\$defs|definitions)\/[^/]+$/;

function jsonNode(node: unknown, ctx: JsonContext, depth: number): Json {
  if (!isObject(node) || depth > MAX_DEPTH) return {};
  let s = node;
  if (typeof s.$ref === 'string') {
    const ref = s.$ref;
    if (!DEFS_REF.test(ref)) {
      // Pointers elsewhere (zod's `#/properties/a` for a reused schema) are inlined: Gemini
      // answers "reference to undefined schema" for refs it does not find among the $defs.
      const target = resolveRef(ctx.root, ref);
      if (!isObject(target) || ctx.expanding.has(ref)) return {};
      ctx.expanding.add(ref);
      try {
        return jsonNode(target, ctx, depth + 1);
      } finally {
        ctx.expanding.delete(ref);
      }
    }
    // Only `$`-keywords may sit beside a $ref; the definitions themselves must stay (zod puts
    // `$defs` beside a root `$ref` for recursive schemas).
    const out: Json = { $ref: rewriteRef(ref) };
    const defs = jsonDefs(s, ctx, depth);
    if (defs) out.$defs = defs;
    return out;
  }
  if (Array.isArray(s.allOf)) {
    const only = s.allOf.length === 1 ? s.allOf[0] : undefined;
    if (isObject(only) && typeof only.$ref === 'string' && Object.keys(s).length === 1) return jsonNode(only, ctx, depth + 1);
    s = mergeAllOf(ctx.root, s);
  }

  const out: Json = {};
  for (const [key, kind] of Object.entries(JSON_SCALARS)) {
    const v = s[key];
    if (kind === 'string' ? typeof v === 'string' : kind === 'number' ? typeof v === 'number' && Number.isFinite(v) : Number.isInteger(v) && (v as number) >= 0) out[key] = v;
  }
  if (typeof s.type === 'string' || (Array.isArray(s.type) && s.type.every((t) => typeof t === 'string'))) out.type = s.type;
  if (s.nullable === true && out.type !== undefined) {
    const types = Array.isArray(out.type) ? (out.type as string[]) : [out.type as string];
    if (!types.includes('null')) out.type = [...types, 'null'];
  }
  // Enums of strings and numbers only (Google's wording).
  const values = Array.isArray(s.enum) ? s.enum : s.const !== undefined ? [s.const] : undefined;
  const kept = values?.filter((v) => typeof v === 'string' || typeof v === 'number');
  if (kept && kept.length > 0) out.enum = kept;

  if (isObject(s.properties)) {
    const properties: Json = {};
    for (const [k, v] of Object.entries(s.properties)) properties[k] = jsonNode(v, ctx, depth + 1);
    out.properties = properties;
    if (Array.isArray(s.required)) out.required = s.required.filter((r) => typeof r === 'string' && Object.hasOwn(properties, r));
  } else if (Array.isArray(s.required) && s.required.length > 0) {
    out.required = s.required.filter((r) => typeof r === 'string');
  }
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = s.additionalProperties;
  else if (isObject(s.additionalProperties)) out.additionalProperties = jsonNode(s.additionalProperties, ctx, depth + 1);
  if (Array.isArray(s.propertyOrdering)) out.propertyOrdering = s.propertyOrdering.filter((k) => typeof k === 'string');

  if (Array.isArray(s.prefixItems)) out.prefixItems = s.prefixItems.map((v) => jsonNode(v, ctx, depth + 1));
  else if (Array.isArray(s.items)) out.prefixItems = s.items.map((v) => jsonNode(v, ctx, depth + 1));
  if (isObject(s.items)) out.items = jsonNode(s.items, ctx, depth + 1);
  else if (s.items === true) out.items = {};

  for (const key of ['anyOf', 'oneOf'] as const) {
    const list = s[key];
    if (Array.isArray(list)) out[key] = list.map((v) => jsonNode(v, ctx, depth + 1));
  }

  const defs = jsonDefs(s, ctx, depth);
  if (defs) out.$defs = defs;
  return out;
}

/** `definitions` (draft 7) and `$defs` (2020-12) together, as `$defs`. */
function jsonDefs(s: Json, ctx: JsonContext, depth: number): Json | undefined {
  let defs: Json | undefined;
  for (const key of ['definitions', '$defs'] as const) {
    const d = s[key];
    if (!isObject(d)) continue;
    defs ??= {};
    for (const [k, v] of Object.entries(d)) defs[k] = jsonNode(v, ctx, depth + 1);
  }
  return defs;
}
