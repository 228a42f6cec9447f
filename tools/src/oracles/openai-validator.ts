// An oracle for what the Worker returns: OpenAI's own OpenAPI document, compiled with Ajv
// (JSON Schema 2020-12). The document still uses OpenAPI 3.0's `nullable: true`, which a 2020-12
// validator ignores (it would then reject the normal stream chunk `"finish_reason": null`), so
// every `nullable` is rewritten into a real null type before compiling. The spec is 3.4 MB: it is
// read once, on first use, and each root schema is compiled once and cached.
import { readFileSync } from 'node:fs';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { openaiSpecPath } from './paths';

export type OpenAISchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'CreateEmbeddingResponse'
  | 'ListModelsResponse'
  | 'Model'
  | 'ErrorResponse'
  | 'Response'
  | 'ResponseStreamEvent'
  | 'TokenCountsResource';

type Json = Record<string, unknown>;
const SPEC_ID = 'openai-openapi';
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Rewrites OpenAPI 3.0 `nullable: true` in place, depth first:
 * - `$ref` + nullable          -> `anyOf: [{$ref}, {type: 'null'}]` (a sibling type would not
 *                                 help: the $ref alone still rejects null)
 * - `type` + nullable          -> `"null"` added to the type (and `null` to any `enum`)
 * - combinators only + nullable -> the whole schema wrapped in `anyOf` with `{type: 'null'}`
 */
export function rewriteNullable(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = rewriteNullable(node[i]);
    return node;
  }
  if (!isObject(node)) return node;
  for (const key of Object.keys(node)) node[key] = rewriteNullable(node[key]);
  if (node.nullable !== true) return node;
  delete node.nullable;
  if (typeof node.$ref === 'string') {
    const { $ref, ...rest } = node;
    return { ...rest, anyOf: [{ $ref }, { type: 'null' }] };
  }
  if (typeof node.type === 'string' || Array.isArray(node.type)) {
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (!types.includes('null')) node.type = [...types, 'null'];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum = [...node.enum, null];
    return node;
  }
  return { anyOf: [node, { type: 'null' }] };
}

let ajv: Ajv2020 | undefined;
/** The spec's component schemas (nullable rewritten), for reading a schema's own shape. */
let components: Json = {};
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv2020 {
  if (ajv) return ajv;
  const spec = JSON.parse(readFileSync(openaiSpecPath, 'utf8')) as { components?: { schemas?: Json } };
  const schemas = rewriteNullable(spec.components?.schemas ?? {}) as Json;
  components = schemas;
  // strict:false tolerates the vendor keywords (x-oaiMeta, x-stainless-const, discriminator,
  // example); formats like "unixtime" are documentation, not checks.
  ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false, validateSchema: false, logger: false });
  ajv.addSchema({ $id: SPEC_ID, components: { schemas } });
  return ajv;
}

function validator(schemaName: string): ValidateFunction {
  let fn = compiled.get(schemaName);
  if (!fn && schemaName === 'ResponseStreamEvent') {
    fn = streamEventValidator();
    compiled.set(schemaName, fn);
  }
  if (!fn) {
    const found = instance().getSchema(`${SPEC_ID}#/components/schemas/${schemaName}`);
    if (!found) throw new Error(`no schema named ${schemaName} in the OpenAI spec`);
    fn = found;
    compiled.set(schemaName, fn);
  }
  return fn;
}

/**
 * ResponseStreamEvent is an `anyOf` of some sixty event schemas. Validated as such, a wrong event
 * is reported once per branch (sixty unhelpful lines); validated against the branch its `type`
 * names, it is reported once, precisely. An event whose type no branch names is rejected by name.
 */
function streamEventValidator(): ValidateFunction {
  instance();
  type Shape = { anyOf?: Array<{ $ref?: string }>; properties?: { type?: { enum?: unknown[] } } };
  const byType = new Map<string, string>();
  for (const branch of (components.ResponseStreamEvent as Shape | undefined)?.anyOf ?? []) {
    const name = branch.$ref?.split('/').pop();
    if (!name) continue;
    for (const t of (components[name] as Shape | undefined)?.properties?.type?.enum ?? []) if (typeof t === 'string') byType.set(t, name);
  }
  const fn = ((event: unknown) => {
    const type = isObject(event) ? event.type : undefined;
    const name = typeof type === 'string' ? byType.get(type) : undefined;
    if (!name) {
      fn.errors = [{ instancePath: '/type', keyword: 'discriminator', params: {}, message: `must name a ResponseStreamEvent type (${JSON.stringify(type ?? null)} names none)`, schemaPath: '#' } as ErrorObject];
      return false;
    }
    const branch = validator(name);
    const ok = branch(event) as boolean;
    fn.errors = branch.errors ?? null;
    return ok;
  }) as ValidateFunction;
  return fn;
}

/** `/choices/0/delta` -> `$.choices[0].delta` */
function jsonPath(pointer: string): string {
  let out = '$';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : /^[A-Za-z_$][\w$]*$/.test(seg) ? `.${seg}` : `[${JSON.stringify(seg)}]`;
  }
  return out;
}

function describe(e: ErrorObject): string {
  const path = jsonPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'enum') return `${path} ${e.message} (${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')})`;
  if (e.keyword === 'required') return `${path} must have required property '${String(params.missingProperty)}'`;
  return `${path} ${e.message ?? 'is invalid'}`;
}

/**
 * Validates a body against a named component schema of OpenAI's spec. Returns readable
 * messages, each naming the JSON path (`$.choices[0].finish_reason must be equal to one of the
 * allowed values (...)`); empty when the body is valid.
 */
export function validateOpenAI(schemaName: OpenAISchemaName | (string & {}), body: unknown): string[] {
  const fn = validator(schemaName);
  if (fn(body)) return [];
  return [...new Set((fn.errors ?? []).map(describe))];
}

/** Throws (for tests) when the body does not match the schema, listing every problem. */
export function expectValidOpenAI(schemaName: OpenAISchemaName | (string & {}), body: unknown): void {
  const errors = validateOpenAI(schemaName, body);
  if (errors.length > 0) {
    const shown = JSON.stringify(body);
    throw new Error(
      `not a valid OpenAI ${schemaName}:\n  - ${errors.join('\n  - ')}\nbody: ${shown.length > 2000 ? `${shown.slice(0, 2000)}…` : shown}`,
    );
  }
}
