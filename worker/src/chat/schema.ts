// JSON Schema (tool parameters, response_format.json_schema) -> what Gemini accepts.
//
// Gemini has two doors for a schema:
// - `parameters` / `responseSchema`: a proto message (Schema), an OpenAPI 3.0 subset. Every key
//   outside it is a hard 400 ("Unknown name \"additionalProperties\" ... Cannot find field"), as
//   is a list in `type`. Because it is a closed proto message, what we send can be checked
//   offline against Google's discovery document, and every model takes it (2.0, Gemma...).
// - `parametersJsonSchema` / `responseJsonSchema`: full JSON Schema (Gemini 2.5 and later),
//   opaque to the discovery document. Google documents the keywords it honours ($defs, $ref,
//   anyOf, additionalProperties, prefixItems...); `$schema` has been seen rejected, refs must
//   resolve, and a `$ref` may carry no siblings but `$`-keywords.
//
// Decision: the subset by default, because it is verifiable and universal; full JSON Schema only
// when the subset would have to lie about the schema (recursive $refs, free-form objects such as
// records/maps, untyped "any" values, tuples, numeric enums) and the model takes JSON Schema.
// The subset conversion reports such losses (`lossy`), so the choice costs one walk. For older
// models the lossy conversion is sent anyway: a narrower schema beats a request Gemini rejects.
//
// Both outputs are fresh objects (the client's schema is never mutated) built from an allowlist
// of keywords, so whatever a client adds (`strict`, `examples`, `x-*`, `$comment`) never reaches
// Gemini.
import type { Gemini } from '@opengemini/shared';
import { supportsJsonSchema } from './models';

type Json = Record<string, unknown>;
export type SchemaMode = 'subset' | 'json';

const MAX_DEPTH = 48;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Json, k: string): boolean => o[k] !== undefined && o[k] !== null;

/** Resolves a local JSON pointer (`#/$defs/User`, `#/definitions/a~1b`); others are unknown. */
function resolveRef(root: unknown, ref: string): unknown {
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

function isNullSchema(s: unknown): boolean {
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
function mergeAllOf(root: unknown, s: Json): Json {
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

const asObject = (v: unknown): Json => (isObject(v) ? v : {});

function withoutKey(o: Json, key: string): Json {
  const out = { ...o };
  delete out[key];
  return out;
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI subset (Gemini.Schema)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Full JSON Schema (responseJsonSchema / parametersJsonSchema)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// The decision
// ---------------------------------------------------------------------------------------------

export type ConvertedSchemas =
  | { mode: 'subset'; schemas: Gemini.Schema[] }
  | { mode: 'json'; schemas: Json[] };

/**
 * Converts a group of schemas that travel together (all tools of a request, or the response
 * schema) through one door: JSON Schema when any of them needs it and the model takes it, the
 * subset otherwise. One door per group keeps a request uniform.
 */
export function convertSchemas(schemas: readonly unknown[], model: string, options: SubsetOptions = {}): ConvertedSchemas {
  const results = schemas.map((s) => convertToSubset(s, options));
  if (chooseSchemaMode(results.some((r) => r.lossy), model) === 'json') {
    return { mode: 'json', schemas: schemas.map((s) => toGeminiJsonSchema(s)) };
  }
  return { mode: 'subset', schemas: results.map((r) => r.schema) };
}

export function chooseSchemaMode(lossy: boolean, model: string): SchemaMode {
  return lossy && supportsJsonSchema(model) ? 'json' : 'subset';
}
