// JSON Schema -> Gemini's OpenAPI subset (`parameters` / `responseSchema`, the Schema proto).
// See schema.ts for when this door is used. Pure; reports what it had to narrow (`lossy`).
import type { Gemini } from '@opengemini/shared';
import { type Json, MAX_DEPTH, isObject, has, resolveRef, isNullSchema, mergeAllOf, asObject, withoutKey } from './common';

export interface SubsetOptions {
  /** Add `propertyOrdering` (the schema's own key order) to objects: for response schemas, so
   * the JSON comes back in the author's order (reasoning fields before answers) as with OpenAI. */
  propertyOrdering?: boolean;
}

export interface SubsetResult {
  schema: Gemini.Schema;
  /** True when something had to be narrowed or dropped (see the header). */
  lossy: boolean;
}

interface SubsetState {
  root: unknown;
  expanding: Set<string>;
  lossy: boolean;
  ordering: boolean;
}

const STRING_FORMATS = new Set(['enum', 'date-time']);
const NUMBER_FORMATS = new Set(['float', 'double']);
const INTEGER_FORMATS = new Set(['int32', 'int64']);

export function convertToSubset(schema: unknown, options: SubsetOptions = {}): SubsetResult {
  const st: SubsetState = { root: schema, expanding: new Set(), lossy: false, ordering: options.propertyOrdering === true };
  const out = subset(schema, st, 0);
  return { schema: out, lossy: st.lossy };
}

/** The subset form of a JSON Schema (lossy where it must be; see convertToSubset). */
export function toGeminiSchema(schema: unknown, options: SubsetOptions = {}): Gemini.Schema {
  return convertToSubset(schema, options).schema;
}

/** "Any JSON value" has no subset form: a string (JSON text, if need be) is the closest thing
 * a model can always produce. */
function anyValue(st: SubsetState, s?: Json): Gemini.Schema {
  st.lossy = true;
  const out: Gemini.Schema = { type: 'STRING' };
  if (s) copyDescription(s, out);
  return out;
}

function copyDescription(s: Json, out: Gemini.Schema): void {
  if (typeof s.title === 'string' && s.title) out.title = s.title;
  if (typeof s.description === 'string' && s.description) out.description = s.description;
}

function subset(node: unknown, st: SubsetState, depth: number): Gemini.Schema {
  if (!isObject(node) || depth > MAX_DEPTH) return anyValue(st);
  let s = node;

  if (typeof s.$ref === 'string') {
    const ref = s.$ref;
    const target = resolveRef(st.root, ref);
    if (!isObject(target)) return anyValue(st, s);
    if (st.expanding.has(ref)) return recursionCut(target, s, st);
    st.expanding.add(ref);
    try {
      const siblings = withoutKey(s, '$ref');
      return subset(Object.keys(siblings).length > 0 ? { ...target, ...siblings } : target, st, depth + 1);
    } finally {
      st.expanding.delete(ref);
    }
  }
  if (Array.isArray(s.allOf)) s = mergeAllOf(st.root, s);

  const variants = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (variants && !(hasOwnShape(s) && variants.every((v) => !hasOwnShape(asObject(v))))) return union(s, variants, st, depth);

  let types: string[] = Array.isArray(s.type) ? s.type.filter((t): t is string => typeof t === 'string') : typeof s.type === 'string' ? [s.type] : [];
  let nullable = s.nullable === true || types.includes('null');
  types = types.filter((t) => t !== 'null');
  if (types.length === 0) {
    const inferred = inferType(s);
    if (!inferred) return nullable ? { type: 'STRING', nullable: true } : anyValue(st, s);
    types = [inferred];
  }
  if (Array.isArray(s.enum) && s.enum.includes(null)) nullable = true;

  let out: Gemini.Schema;
  if (types.length === 1) {
    out = typed(s, types[0] as string, st, depth);
  } else {
    out = { anyOf: types.map((t) => typed(withoutDescription(s), t, st, depth)) };
    copyDescription(s, out);
  }
  if (nullable) out.nullable = true;
  return out;
}

/** A schema carrying its own type information (as opposed to a bare constraint fragment). */
function hasOwnShape(s: Json): boolean {
  return has(s, 'type') || has(s, 'properties') || has(s, 'items') || has(s, 'enum') || has(s, 'const') || has(s, '$ref');
}

function withoutDescription(s: Json): Json {
  const out = { ...s };
  delete out.description;
  delete out.title;
  return out;
}

function inferType(s: Json): string | undefined {
  if (isObject(s.properties) || has(s, 'additionalProperties') || Array.isArray(s.required)) return 'object';
  if (has(s, 'items') || Array.isArray(s.prefixItems)) return 'array';
  const values = Array.isArray(s.enum) ? s.enum : s.const !== undefined ? [s.const] : [];
  const v = values.find((x) => x !== null);
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  if (typeof v === 'boolean') return 'boolean';
  return undefined;
}

/** anyOf/oneOf: null members become `nullable`; one member left is inlined; string literals
 * (zod's `z.union([z.literal('a'), z.literal('b')])`) become one enum. */
function union(s: Json, variants: unknown[], st: SubsetState, depth: number): Gemini.Schema {
  const nonNull = variants.filter((v) => !isNullSchema(v));
  const nullable = nonNull.length < variants.length || s.nullable === true;
  let out: Gemini.Schema;
  const literals = stringLiterals(nonNull);
  if (nonNull.length === 0) {
    out = { type: 'STRING' };
  } else if (nonNull.length === 1) {
    out = subset(nonNull[0], st, depth + 1);
  } else if (literals) {
    out = { type: 'STRING', enum: literals };
  } else {
    out = { anyOf: nonNull.map((v) => subset(v, st, depth + 1)) };
  }
  copyDescription(s, out);
  if (nullable) out.nullable = true;
  return out;
}

function stringLiterals(variants: unknown[]): string[] | undefined {
  const out: string[] = [];
  for (const v of variants) {
    if (!isObject(v)) return undefined;
    if (typeof v.const === 'string') out.push(v.const);
    else if (Array.isArray(v.enum) && v.enum.every((e) => typeof e === 'string')) out.push(...(v.enum as string[]));
    else return undefined;
  }
  return out;
}

function typed(s: Json, type: string, st: SubsetState, depth: number): Gemini.Schema {
  const out: Gemini.Schema = {};
  switch (type) {
    case 'string': {
      out.type = 'STRING';
      copyDescription(s, out);
      const values = enumValues(s);
      const strings = values?.filter((v): v is string => typeof v === 'string');
      if (strings && strings.length > 0) out.enum = strings;
      if (typeof s.format === 'string' && STRING_FORMATS.has(s.format)) out.format = s.format;
      setCount(out, 'minLength', s.minLength);
      setCount(out, 'maxLength', s.maxLength);
      return out;
    }
    case 'number':
    case 'integer': {
      out.type = type === 'number' ? 'NUMBER' : 'INTEGER';
      copyDescription(s, out);
      const formats = type === 'number' ? NUMBER_FORMATS : INTEGER_FORMATS;
      if (typeof s.format === 'string' && formats.has(s.format)) out.format = s.format;
      if (typeof s.minimum === 'number' && Number.isFinite(s.minimum)) out.minimum = s.minimum;
      if (typeof s.maximum === 'number' && Number.isFinite(s.maximum)) out.maximum = s.maximum;
      // The subset's enum is for strings only: say the allowed numbers in words instead.
      const values = enumValues(s)?.filter((v) => typeof v === 'number');
      if (values && values.length > 0) {
        st.lossy = true;
        const note = `Allowed values: ${values.join(', ')}.`;
        out.description = out.description ? `${out.description} ${note}` : note;
      }
      return out;
    }
    case 'boolean':
      out.type = 'BOOLEAN';
      copyDescription(s, out);
      return out;
    case 'array':
      out.type = 'ARRAY';
      copyDescription(s, out);
      out.items = arrayItems(s, st, depth);
      setCount(out, 'minItems', s.minItems);
      setCount(out, 'maxItems', s.maxItems);
      return out;
    case 'object':
      return objectSchema(s, st, depth);
    default:
      return anyValue(st, s);
  }
}

function enumValues(s: Json): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum;
  if (s.const !== undefined) return [s.const];
  return undefined;
}

/** int64 fields travel as decimal strings in proto3 JSON. */
function setCount(out: Gemini.Schema, key: 'minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'minProperties' | 'maxProperties', v: unknown): void {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) out[key] = String(v);
}

function arrayItems(s: Json, st: SubsetState, depth: number): Gemini.Schema {
  // Tuples (draft 2020-12 prefixItems, draft 7 items: [...]): the subset has one item schema.
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  if (tuple) {
    st.lossy = true;
    if (tuple.length === 1) return subset(tuple[0], st, depth + 1);
    return tuple.length === 0 ? anyValue(st) : { anyOf: tuple.map((t) => subset(t, st, depth + 1)) };
  }
  if (isObject(s.items)) return subset(s.items, st, depth + 1);
  return anyValue(st);
}

function objectSchema(s: Json, st: SubsetState, depth: number): Gemini.Schema {
  const out: Gemini.Schema = { type: 'OBJECT' };
  copyDescription(s, out);
  const props = isObject(s.properties) ? s.properties : undefined;
  const keys = props ? Object.keys(props) : [];
  if (!props || keys.length === 0) {
    // A free-form object (a record/map, or "any object"): Gemini's subset cannot say
    // "any keys", and rejects an empty `properties` map, so the object goes bare.
    st.lossy = true;
    return out;
  }
  if (isObject(s.additionalProperties)) st.lossy = true;
  const properties: Record<string, Gemini.Schema> = {};
  for (const k of keys) properties[k] = subset(props[k], st, depth + 1);
  out.properties = properties;
  if (Array.isArray(s.required)) {
    // Gemini rejects required names that are not properties.
    const required = s.required.filter((r): r is string => typeof r === 'string' && Object.hasOwn(properties, r));
    if (required.length > 0) out.required = [...new Set(required)];
  }
  const ordering = Array.isArray(s.propertyOrdering) ? s.propertyOrdering.filter((k): k is string => typeof k === 'string' && Object.hasOwn(properties, k)) : undefined;
  if (ordering && ordering.length > 0) out.propertyOrdering = ordering;
  else if (st.ordering && keys.length > 1) out.propertyOrdering = keys;
  setCount(out, 'minProperties', s.minProperties);
  setCount(out, 'maxProperties', s.maxProperties);
  return out;
}

/** A $ref met again while it is being expanded: stop with the target's bare type. */
function recursionCut(target: Json, at: Json, st: SubsetState): Gemini.Schema {
  st.lossy = true;
  const type = typeof target.type === 'string' ? target.type : inferType(target);
  const out: Gemini.Schema = type === 'array' ? { type: 'ARRAY', items: { type: 'STRING' } } : type === 'object' || type === undefined ? { type: 'OBJECT' } : typed({}, type, st, MAX_DEPTH);
  copyDescription(at.description !== undefined ? at : target, out);
  return out;
}
