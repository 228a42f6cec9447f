// A strict oracle for Gemini request bodies, built from Google's discovery document: what the
// real ESF front end (proto3 JSON parsing) rejects, with Google's own wording and snake_case
// paths. The discovery format is interpreted directly rather than converted to JSON Schema,
// because Google's messages name proto field paths (`contents[0].parts[1]`, map entries as
// `properties[2].value`) that a JSON Schema validator cannot produce.
//
// What it checks: unknown field names (lowerCamel JSON names and snake_case proto names both
// accepted; every object is closed), scalar types, enum values, lists given to singular fields,
// base64 for bytes, and Part's `data` oneof. Semantic rules (empty parts, roles, thought
// signatures...) are the mock server's job, not this file's.
import type { Gemini } from '@opengemini/shared';
import { loadDiscovery, type DiscoverySchema } from './gen-gemini-types';

export type GeminiErrorBody = Gemini.GeminiErrorBody;
export type GeminiValidation = { ok: true } | { ok: false; status: 400; body: GeminiErrorBody };
export interface FieldViolation {
  /** The snake_case path Google reports; absent for top-level unknown names, as Google does. */
  field?: string;
  description: string;
}

const TYPE_URL = 'type.googleapis.com/google.ai.generativelanguage.v1beta.';
/** Enums whose proto type is not `<Message>.<FieldInPascalCase>` (top-level proto enums). */
const ENUM_TYPE_OVERRIDES: Record<string, string> = {
  'SafetySetting.category': 'HarmCategory',
  'SafetySetting.threshold': 'SafetySetting.HarmBlockThreshold',
  'Schema.type': 'Type',
  'EmbedContentRequest.taskType': 'TaskType',
  'GenerationConfig.responseModalities': 'GenerationConfig.Modality',
};
/** Proto oneofs the discovery document does not mark. Part.data is the one clients trip on
 * (a part with both `text` and `functionCall`). */
const ONEOFS: Record<string, Record<string, string[]>> = {
  Part: {
    data: ['text', 'inlineData', 'functionCall', 'functionResponse', 'fileData', 'executableCode', 'codeExecutionResult', 'toolCall', 'toolResponse'],
  },
};
/** Stop collecting after this many violations: Google's messages are long, ours need not be. */
const MAX_VIOLATIONS = 50;

type Node =
  | { kind: 'message'; typeName: string; fields: Map<string, Field>; oneofOf: Map<string, string> }
  | { kind: 'scalar'; label: string }
  | { kind: 'enum'; label: string; values: ReadonlySet<string>; count: number }
  | { kind: 'value' } // google.protobuf.Value (`type: any`): any JSON
  | { kind: 'map'; label: string; value: Node }; // map<string, V> or google.protobuf.Struct
interface Field {
  protoName: string;
  repeated: boolean;
  node: Node;
}

const snake = (name: string): string => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);
const VALUE: Node = { kind: 'value' };

let schemas: Record<string, DiscoverySchema> | undefined;
const messages = new Map<string, Node>();

function discoverySchemas(): Record<string, DiscoverySchema> {
  schemas ??= loadDiscovery().schemas;
  return schemas;
}

/** Compiles (once, then cached) the message for a schema name; undefined refs are `any`. */
function messageNode(name: string): Node {
  const cached = messages.get(name);
  if (cached) return cached;
  const schema = discoverySchemas()[name];
  if (!schema) return VALUE; // e.g. Part.mediaResolution -> "MediaResolution", never defined
  return compileObject(name, schema);
}

function compileObject(typeName: string, schema: DiscoverySchema): Node {
  const node: Node = { kind: 'message', typeName, fields: new Map(), oneofOf: new Map() };
  messages.set(typeName, node); // before the fields: schemas are recursive (Schema.items)
  for (const [json, prop] of Object.entries(schema.properties ?? {})) {
    const repeated = prop.type === 'array';
    const field: Field = { protoName: snake(json), repeated, node: compileField(typeName, json, repeated ? (prop.items ?? {}) : prop) };
    node.fields.set(json, field);
    if (!node.fields.has(field.protoName)) node.fields.set(field.protoName, field);
  }
  for (const [group, members] of Object.entries(ONEOFS[typeName] ?? {})) {
    for (const m of members) {
      node.oneofOf.set(m, group);
      node.oneofOf.set(snake(m), group);
    }
  }
  return node;
}

function compileField(parent: string, json: string, s: DiscoverySchema): Node {
  if (s.$ref) return messageNode(s.$ref);
  if (s.enum) {
    const label = TYPE_URL + (ENUM_TYPE_OVERRIDES[`${parent}.${json}`] ?? `${parent}.${pascal(json)}`);
    return { kind: 'enum', label, values: new Set(s.enum), count: s.enum.length };
  }
  switch (s.type) {
    case 'string':
      return { kind: 'scalar', label: STRING_FORMATS[s.format ?? ''] ?? 'TYPE_STRING' };
    case 'integer':
      return { kind: 'scalar', label: s.format === 'uint32' ? 'TYPE_UINT32' : 'TYPE_INT32' };
    case 'number':
      return { kind: 'scalar', label: s.format === 'double' ? 'TYPE_DOUBLE' : 'TYPE_FLOAT' };
    case 'boolean':
      return { kind: 'scalar', label: 'TYPE_BOOL' };
    case 'object':
      if (s.properties) return compileObject(`${parent}.${pascal(json)}`, s);
      if (s.additionalProperties && s.additionalProperties.type !== 'any') {
        return { kind: 'map', label: `${TYPE_URL}${parent}.${pascal(json)}Entry`, value: compileField(parent, json, s.additionalProperties) };
      }
      return { kind: 'map', label: 'type.googleapis.com/google.protobuf.Struct', value: VALUE };
    default:
      return VALUE;
  }
}

const STRING_FORMATS: Record<string, string> = {
  byte: 'TYPE_BYTES',
  int64: 'TYPE_INT64',
  uint64: 'TYPE_UINT64',
  'google-duration': 'type.googleapis.com/google.protobuf.Duration',
  'google-datetime': 'type.googleapis.com/google.protobuf.Timestamp',
  'google-fieldmask': 'type.googleapis.com/google.protobuf.FieldMask',
};

const INTEGER_TEXT = /^-?\d{1,20}$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const FLOAT_WORDS = new Set(['NaN', 'Infinity', '-Infinity']);

/** proto3 JSON scalar rules: numbers may come as strings, int64 as numbers, bytes as base64. */
function scalarOk(label: string, v: unknown): boolean {
  switch (label) {
    case 'TYPE_BOOL':
      return typeof v === 'boolean';
    case 'TYPE_INT32':
    case 'TYPE_UINT32':
    case 'TYPE_INT64':
    case 'TYPE_UINT64': {
      const n = typeof v === 'number' ? v : typeof v === 'string' && INTEGER_TEXT.test(v) ? Number(v) : NaN;
      if (!Number.isInteger(n)) return false;
      if (label.startsWith('TYPE_U') && n < 0) return false;
      return label.endsWith('32') ? Math.abs(n) <= (label === 'TYPE_UINT32' ? 4294967295 : 2147483648) : true;
    }
    case 'TYPE_FLOAT':
    case 'TYPE_DOUBLE': {
      if (typeof v === 'string') return FLOAT_WORDS.has(v) || (v.trim() !== '' && Number.isFinite(Number(v)));
      return typeof v === 'number' && (label === 'TYPE_DOUBLE' || Math.abs(v) <= 3.4028234663852886e38);
    }
    case 'TYPE_BYTES':
      return typeof v === 'string' && BASE64.test(v) && v.replace(/=+$/, '').length % 4 !== 1;
    default:
      return typeof v === 'string';
  }
}

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(v));
const unknownName = (name: string, at: string, why: string): FieldViolation =>
  at
    ? { field: at, description: `Invalid JSON payload received. Unknown name ${JSON.stringify(name)} at '${at}': ${why}` }
    : { description: `Invalid JSON payload received. Unknown name ${JSON.stringify(name)}: ${why}` };
const invalidValue = (path: string, label: string, text: string): FieldViolation => ({
  field: path,
  description: `Invalid value at '${path}' (${label}), ${text}`,
});
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkMessage(node: Extract<Node, { kind: 'message' }>, obj: Record<string, unknown>, path: string, out: FieldViolation[]): void {
  let oneofSet: Map<string, string> | undefined;
  for (const key in obj) {
    if (out.length >= MAX_VIOLATIONS) return;
    const value = obj[key];
    const field = node.fields.get(key);
    if (!field) {
      out.push(unknownName(key, path, 'Cannot find field.'));
      continue;
    }
    if (value === null) continue; // proto3 JSON: null means "not set"
    const fieldPath = path ? `${path}.${field.protoName}` : field.protoName;
    const group = node.oneofOf.get(key);
    if (group) {
      oneofSet ??= new Map();
      if (oneofSet.has(group)) {
        const at = path ? `${path}.${group}` : group;
        out.push({ field: at, description: `Invalid value at '${at}' (oneof), oneof field '${group}' is already set. Cannot overwrite with '${field.protoName}'` });
        continue;
      }
      oneofSet.set(group, field.protoName);
    }
    if (field.repeated && Array.isArray(value)) {
      value.forEach((item, i) => {
        if (item !== null) checkValue(field.node, key, item, path, `${fieldPath}[${i}]`, out);
      });
    } else if (field.repeated) {
      checkValue(field.node, key, value, path, `${fieldPath}[0]`, out); // ESF takes one value as a list of one
    } else {
      checkValue(field.node, key, value, path, fieldPath, out);
    }
  }
}

function checkValue(node: Node, name: string, v: unknown, parent: string, path: string, out: FieldViolation[]): void {
  if (node.kind === 'value') return;
  if (Array.isArray(v)) {
    out.push(unknownName(name, parent, 'Proto field is not repeating, cannot start list.'));
    return;
  }
  switch (node.kind) {
    case 'message':
      if (isObject(v)) checkMessage(node, v, path, out);
      else out.push(invalidValue(path, TYPE_URL + node.typeName, show(v)));
      return;
    case 'map':
      if (!isObject(v)) out.push(invalidValue(path, node.label, show(v)));
      else if (node.value.kind !== 'value') {
        let i = 0;
        for (const k in v) {
          const entry = v[k];
          if (entry !== null) checkValue(node.value, 'value', entry, `${path}[${i}]`, `${path}[${i}].value`, out);
          i++;
        }
      }
      return;
    case 'enum':
      if (isObject(v)) out.push(unknownName(name, parent, 'Proto field is not a message, cannot start object.'));
      else if (typeof v === 'string' ? !node.values.has(v) : !(Number.isInteger(v) && (v as number) >= 0 && (v as number) < node.count)) {
        out.push(invalidValue(path, node.label, show(v)));
      }
      return;
    case 'scalar':
      // Google's wording for an object on a scalar field is not on record; this mirrors the list case.
      if (isObject(v)) out.push(unknownName(name, parent, 'Proto field is not a message, cannot start object.'));
      else if (!scalarOk(node.label, v)) {
        const text = node.label === 'TYPE_BYTES' && typeof v === 'string' ? `Base64 decoding failed for ${JSON.stringify(v)}` : show(v);
        out.push(invalidValue(path, node.label, text));
      }
      return;
  }
}

/** Every violation Google would list for this body, in order (empty when the body is valid). */
export function findGeminiViolations(schemaName: string, body: unknown): FieldViolation[] {
  const root = messageNode(schemaName);
  if (root.kind !== 'message') throw new Error(`no message schema named ${schemaName} in the discovery document`);
  if (!isObject(body)) return [{ description: 'Invalid JSON payload received. Unknown name "": Root element must be a message.' }];
  const out: FieldViolation[] = [];
  checkMessage(root, body, '', out);
  return out;
}

/** Google's 400 body for a list of violations: messages joined by newlines, one BadRequest. */
export function badRequestBody(violations: readonly FieldViolation[]): GeminiErrorBody {
  const message = violations.map((v) => v.description).join('\n');
  return {
    error: {
      code: 400,
      message,
      status: 'INVALID_ARGUMENT',
      details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: violations.map((v) => ({ ...v })) }],
    },
  };
}

/**
 * Validates a request body against a discovery schema ('GenerateContentRequest',
 * 'CountTokensRequest', 'EmbedContentRequest', 'BatchEmbedContentsRequest', ...). On failure
 * returns the exact 400 body Google sends.
 */
export function validateGeminiBody(schemaName: string, body: unknown): GeminiValidation {
  const violations = findGeminiViolations(schemaName, body);
  return violations.length === 0 ? { ok: true } : { ok: false, status: 400, body: badRequestBody(violations) };
}
