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
import { type SubsetOptions, convertToSubset } from './subset';
import type { Json } from './common';
import { toGeminiJsonSchema } from './json';

export { isEmptyObjectSchema } from './common';
export { type SubsetOptions, type SubsetResult, convertToSubset, toGeminiSchema } from './subset';
export { toGeminiJsonSchema } from './json';

export type ConvertedSchemas =
  | { mode: 'subset'; schemas: Gemini.Schema[] }
  | { mode: 'json'; schemas: Json[] };

/**
 * Converts a group of schemas that travel together (all tools of a request, or the response
 * schema) through one door: JSON Schema when any of them needs it and the model takes it, the
 * subset otherwise. One door per group keeps a request uniform.
 */
export function convertSchemas(schemas: readonly unknown[], model: { jsonSchema: boolean }, options: SubsetOptions = {}): ConvertedSchemas {
  const results = schemas.map((s) => convertToSubset(s, options));
  // What of the model matters here: whether it takes JSON Schema.
  if (results.some((r) => r.lossy) && model.jsonSchema) {
    return { mode: 'json', schemas: schemas.map((s) => toGeminiJsonSchema(s)) };
  }
  return { mode: 'subset', schemas: results.map((r) => r.schema) };
}

