import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { convertSchemas, convertToSubset, isEmptyObjectSchema, toGeminiJsonSchema, toGeminiSchema } from '../src/gemini/schema';
import { supportsJsonSchema } from '../src/gemini/models';
import { findGeminiViolations } from '../../tools/src/oracles/gemini-validator';
import { oraclesMissingMessage, oraclesPresent } from '../../tools/src/oracles/paths';
import { deepFreeze } from '../src/deep-freeze';

// ----- Real-world schemas ------------------------------------------------------------------------

/** zod-to-json-schema (zod 3) output: definitions + $ref, type lists, anyOf null, const. */
const zod3 = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    email: { type: ['string', 'null'], format: 'email' },
    role: { type: 'string', enum: ['admin', 'user'] },
    address: { anyOf: [{ $ref: '#/definitions/Address' }, { type: 'null' }] },
    billing: { $ref: '#/definitions/Address', description: 'Where invoices go' },
    tags: { type: 'array', items: { type: 'string' }, maxItems: 5 },
    kind: { type: 'string', const: 'person' },
    age: { type: 'integer', exclusiveMinimum: 0, default: 18 },
  },
  required: ['name', 'email', 'role', 'address', 'billing', 'tags', 'kind'],
  additionalProperties: false,
  definitions: {
    Address: {
      type: 'object',
      properties: { street: { type: 'string' }, zip: { type: 'string', pattern: '^\\d{5}$' } },
      required: ['street', 'zip'],
      additionalProperties: false,
    },
  },
  $schema: 'http://json-schema.org/draft-07/schema#',
};

/** zod 4 z.toJSONSchema of a recursive type: $defs and a self-referencing $ref. */
const zod4Recursive = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { root: { $ref: '#/$defs/Category' } },
  required: ['root'],
  additionalProperties: false,
  $defs: {
    Category: {
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Category' } } },
      required: ['name', 'children'],
      additionalProperties: false,
    },
  },
};

/** Cline's execute_command tool. */
const clineExecuteCommand = {
  type: 'object',
  properties: {
    command: { type: 'string', description: 'The CLI command to execute.' },
    requires_approval: { type: 'boolean', description: 'Whether the command needs explicit user approval.' },
  },
  required: ['command', 'requires_approval'],
};

/** MCP filesystem server's edit_file (zod-to-json-schema, with $schema and defaults). */
const mcpEditFile = {
  type: 'object',
  properties: {
    path: { type: 'string' },
    edits: {
      type: 'array',
      items: {
        type: 'object',
        properties: { oldText: { type: 'string', description: 'Text to search for' }, newText: { type: 'string', description: 'Text to replace with' } },
        required: ['oldText', 'newText'],
        additionalProperties: false,
      },
    },
    dryRun: { type: 'boolean', default: false, description: 'Preview changes using git-style diff format' },
  },
  required: ['path', 'edits'],
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-07/schema#',
};

/** An MCP fetch tool with a free-form map (a zod record): the subset cannot say "any keys". */
const mcpFetchWithHeaders = {
  type: 'object',
  properties: { url: { type: 'string', format: 'uri' }, headers: { type: 'object', additionalProperties: { type: 'string' } } },
  required: ['url'],
  additionalProperties: false,
  $schema: 'http://json-schema.org/draft-07/schema#',
};

/** FastMCP / pydantic v2: titles everywhere, Optional as anyOf null, an enum $ref with a sibling. */
const pydantic = {
  $defs: { Color: { enum: ['red', 'green'], title: 'Color', type: 'string' } },
  properties: {
    query: { title: 'Query', type: 'string' },
    limit: { anyOf: [{ type: 'integer' }, { type: 'null' }], default: null, title: 'Limit' },
    color: { $ref: '#/$defs/Color', description: 'Paint color' },
  },
  required: ['query', 'color'],
  title: 'searchArguments',
  type: 'object',
};

/** An OpenAI strict-mode response schema. */
const openaiStrict = {
  type: 'object',
  properties: {
    steps: {
      type: 'array',
      items: {
        type: 'object',
        properties: { explanation: { type: 'string' }, output: { type: 'string' } },
        required: ['explanation', 'output'],
        additionalProperties: false,
      },
    },
    final_answer: { type: 'string' },
    confidence: { type: ['number', 'null'] },
  },
  required: ['steps', 'final_answer', 'confidence'],
  additionalProperties: false,
};

const REAL_WORLD = { zod3, zod4Recursive, clineExecuteCommand, mcpEditFile, mcpFetchWithHeaders, pydantic, openaiStrict };

// ----- What Gemini enforces on the subset beyond the proto shape --------------------------------

/** Gemini's semantic checks on Schema (from its 400s): walked over a converted schema. */
function semanticViolations(s: Gemini.Schema, at = 'schema', out: string[] = []): string[] {
  if (s.type === undefined && !s.anyOf) out.push(`${at}: type must be specified`);
  if (s.type !== undefined && s.anyOf) out.push(`${at}: type and anyOf both set`);
  if (s.properties && s.type !== 'OBJECT') out.push(`${at}.properties: only allowed for OBJECT type`);
  if (s.properties && Object.keys(s.properties).length === 0) out.push(`${at}.properties: should be non-empty for OBJECT type`);
  if (s.required && s.type !== 'OBJECT') out.push(`${at}.required: only allowed for OBJECT type`);
  for (const r of s.required ?? []) if (!s.properties?.[r]) out.push(`${at}.required: ${r} is not a property`);
  if (s.enum && s.type !== 'STRING') out.push(`${at}.enum: only allowed for STRING type`);
  if (s.type === 'ARRAY' && !s.items) out.push(`${at}.items: missing for ARRAY`);
  for (const [k, v] of Object.entries(s.properties ?? {})) semanticViolations(v, `${at}.properties[${k}]`, out);
  if (s.items) semanticViolations(s.items, `${at}.items`, out);
  s.anyOf?.forEach((v, i) => semanticViolations(v, `${at}.anyOf[${i}]`, out));
  return out;
}


// ----- The subset --------------------------------------------------------------------------------

describe('JSON Schema -> Gemini subset', () => {
  it('converts zod-to-json-schema output: refs inlined, type lists and anyOf null -> nullable, const -> enum', () => {
    expect(convertToSubset(zod3)).toEqual({
      lossy: false,
      schema: {
        type: 'OBJECT',
        properties: {
          name: { type: 'STRING', minLength: '1' },
          email: { type: 'STRING', nullable: true },
          role: { type: 'STRING', enum: ['admin', 'user'] },
          address: {
            type: 'OBJECT',
            properties: { street: { type: 'STRING' }, zip: { type: 'STRING' } },
            required: ['street', 'zip'],
            nullable: true,
          },
          billing: {
            type: 'OBJECT',
            description: 'Where invoices go',
            properties: { street: { type: 'STRING' }, zip: { type: 'STRING' } },
            required: ['street', 'zip'],
          },
          tags: { type: 'ARRAY', items: { type: 'STRING' }, maxItems: '5' },
          kind: { type: 'STRING', enum: ['person'] },
          age: { type: 'INTEGER' },
        },
        required: ['name', 'email', 'role', 'address', 'billing', 'tags', 'kind'],
      },
    });
  });

  it('converts a Cline tool schema unchanged but for the type names', () => {
    expect(toGeminiSchema(clineExecuteCommand)).toEqual({
      type: 'OBJECT',
      properties: {
        command: { type: 'STRING', description: 'The CLI command to execute.' },
        requires_approval: { type: 'BOOLEAN', description: 'Whether the command needs explicit user approval.' },
      },
      required: ['command', 'requires_approval'],
    });
  });

  it('converts pydantic output: titles kept, Optional -> nullable, a $ref sibling description wins', () => {
    expect(toGeminiSchema(pydantic)).toEqual({
      type: 'OBJECT',
      title: 'searchArguments',
      properties: {
        query: { type: 'STRING', title: 'Query' },
        limit: { type: 'INTEGER', title: 'Limit', nullable: true },
        color: { type: 'STRING', title: 'Color', description: 'Paint color', enum: ['red', 'green'] },
      },
      required: ['query', 'color'],
    });
  });

  it('converts an OpenAI strict schema and can keep the author\'s property order', () => {
    const out = toGeminiSchema(openaiStrict, { propertyOrdering: true });
    expect(out.propertyOrdering).toEqual(['steps', 'final_answer', 'confidence']);
    expect(out.properties?.steps?.items?.propertyOrdering).toEqual(['explanation', 'output']);
    expect(out.properties?.confidence).toEqual({ type: 'NUMBER', nullable: true });
    expect(toGeminiSchema(openaiStrict).propertyOrdering).toBeUndefined();
  });

  it.each(Object.entries(REAL_WORLD))('%s passes Gemini\'s semantic checks', (_name, schema) => {
    expect(semanticViolations(toGeminiSchema(schema))).toEqual([]);
  });

  it.each(Object.entries(REAL_WORLD))('%s leaves the client\'s schema untouched', (_name, schema) => {
    const frozen = deepFreeze(structuredClone(schema));
    expect(() => convertSchemas([frozen], { jsonSchema: supportsJsonSchema('gemini-2.5-flash') })).not.toThrow();
    expect(() => convertSchemas([frozen], { jsonSchema: supportsJsonSchema('gemini-2.0-flash') })).not.toThrow();
    expect(frozen).toEqual(schema);
  });

  it.each([
    ['zod3', zod3, false],
    ['clineExecuteCommand', clineExecuteCommand, false],
    ['mcpEditFile', mcpEditFile, false],
    ['pydantic', pydantic, false],
    ['openaiStrict', openaiStrict, false],
    ['zod4Recursive (recursion)', zod4Recursive, true],
    ['mcpFetchWithHeaders (a map)', mcpFetchWithHeaders, true],
    ['an untyped value', { type: 'object', properties: { value: { description: 'anything' } } }, true],
    ['a number enum', { type: 'object', properties: { n: { type: 'integer', enum: [1, 2, 3] } } }, true],
    ['a tuple', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] }, true],
    ['an array without items', { type: 'array' }, true],
  ])('%s: lossy=%s', (_name, schema, lossy) => {
    expect(convertToSubset(schema).lossy).toBe(lossy);
  });

  it('stops at a recursive $ref and still produces a schema Gemini accepts', () => {
    const out = toGeminiSchema(zod4Recursive);
    const children = out.properties?.root?.properties?.children;
    expect(children?.type).toBe('ARRAY');
    expect(children?.items).toEqual({ type: 'OBJECT' });
    expect(semanticViolations(out).filter((v) => !v.includes('non-empty'))).toEqual([]);
    expect(toGeminiSchema({ type: 'object', properties: { self: { $ref: '#' } } })).toEqual({
      type: 'OBJECT',
      properties: { self: { type: 'OBJECT', properties: { self: { type: 'OBJECT' } } } },
    });
  });

  it.each([
    ['type list without null -> anyOf', { type: ['string', 'number'], description: 'd' }, { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }], description: 'd' }],
    ['union of string literals -> one enum', { anyOf: [{ const: 'a' }, { const: 'b' }, { type: 'null' }] }, { type: 'STRING', enum: ['a', 'b'], nullable: true }],
    ['union of shapes -> anyOf', { oneOf: [{ type: 'string' }, { type: 'object', properties: { x: { type: 'number' } } }] }, { anyOf: [{ type: 'STRING' }, { type: 'OBJECT', properties: { x: { type: 'NUMBER' } } }] }],
    ['constraint-only anyOf beside a type is dropped', { type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ required: ['a'] }] }, { type: 'OBJECT', properties: { a: { type: 'STRING' } } }],
    ['allOf merged', { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer' } } }] }, { type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'INTEGER' } }, required: ['a'] }],
    ['missing type inferred from properties', { properties: { a: { type: 'boolean' } } }, { type: 'OBJECT', properties: { a: { type: 'BOOLEAN' } } }],
    ['required names that are not properties dropped', { type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost'] }, { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] }],
    ['OpenAPI nullable kept', { type: 'string', nullable: true }, { type: 'STRING', nullable: true }],
    ['formats Gemini does not know dropped', { type: 'string', format: 'uuid' }, { type: 'STRING' }],
    ['formats Gemini knows kept', { type: 'string', format: 'date-time' }, { type: 'STRING', format: 'date-time' }],
    ['numeric bounds kept, exclusive ones dropped', { type: 'number', minimum: 0, maximum: 1, exclusiveMaximum: 1, multipleOf: 0.5 }, { type: 'NUMBER', minimum: 0, maximum: 1 }],
    ['number enum said in words', { type: 'integer', enum: [1, 2], description: 'Pick.' }, { type: 'INTEGER', description: 'Pick. Allowed values: 1, 2.' }],
    ['unknown keywords dropped', { type: 'string', examples: ['x'], 'x-vendor': 1, $comment: 'c', strict: true, readOnly: true }, { type: 'STRING' }],
  ])('%s', (_name, schema, expected) => {
    expect(toGeminiSchema(schema)).toEqual(expected);
  });

  it('says when a tool schema asks for nothing', () => {
    expect(isEmptyObjectSchema(undefined)).toBe(true);
    expect(isEmptyObjectSchema({})).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', properties: {}, additionalProperties: false })).toBe(true);
    expect(isEmptyObjectSchema({ type: 'object', additionalProperties: { type: 'string' } })).toBe(false);
    expect(isEmptyObjectSchema(clineExecuteCommand)).toBe(false);
    expect(isEmptyObjectSchema({ type: 'string' })).toBe(false);
  });
});

// ----- Full JSON Schema ---------------------------------------------------------------------------

/** What Google documents for responseJsonSchema/parametersJsonSchema, plus propertyOrdering. */
const JSON_KEYWORDS = new Set(['$defs', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items', 'prefixItems', 'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required', 'propertyOrdering']);

function jsonKeywordViolations(node: unknown, at = '#', out: string[] = []): string[] {
  if (typeof node !== 'object' || node === null) return out;
  const s = node as Record<string, unknown>;
  for (const k of Object.keys(s)) if (!JSON_KEYWORDS.has(k)) out.push(`${at}: ${k}`);
  if (typeof s.$ref === 'string' && Object.keys(s).some((k) => !k.startsWith('$'))) out.push(`${at}: $ref with siblings`);
  const children = (v: unknown, p: string) => v && typeof v === 'object' && Object.entries(v).forEach(([k, c]) => jsonKeywordViolations(c, `${p}/${k}`, out));
  children(s.properties, `${at}/properties`);
  children(s.$defs, `${at}/$defs`);
  if (Array.isArray(s.anyOf)) children(s.anyOf, `${at}/anyOf`);
  if (Array.isArray(s.prefixItems)) children(s.prefixItems, `${at}/prefixItems`);
  if (typeof s.items === 'object') jsonKeywordViolations(s.items, `${at}/items`, out);
  if (typeof s.additionalProperties === 'object') jsonKeywordViolations(s.additionalProperties, `${at}/additionalProperties`, out);
  return out;
}

function refsResolve(node: unknown, root: Record<string, unknown>): boolean {
  if (typeof node !== 'object' || node === null) return true;
  const s = node as Record<string, unknown>;
  if (typeof s.$ref === 'string') {
    const m = /^#\/\$defs\/(.+)$/.exec(s.$ref);
    if (!m || !(root.$defs as Record<string, unknown> | undefined)?.[m[1]!]) return false;
  }
  return Object.values(s).every((v) => refsResolve(v, root));
}

describe('JSON Schema -> Gemini\'s JSON Schema door', () => {
  it.each(Object.entries(REAL_WORLD))('%s keeps only keywords Google documents, with refs that resolve', (_name, schema) => {
    const out = toGeminiJsonSchema(schema);
    expect(jsonKeywordViolations(out)).toEqual([]);
    expect(refsResolve(out, out)).toBe(true);
  });

  it('renames definitions to $defs, rewrites refs and drops $schema and $ref siblings', () => {
    const out = toGeminiJsonSchema(zod3);
    expect(out.$schema).toBeUndefined();
    expect(Object.keys(out.$defs as object)).toEqual(['Address']);
    const props = out.properties as Record<string, Record<string, unknown>>;
    expect(props.billing).toEqual({ $ref: '#/$defs/Address' });
    expect(props.address).toEqual({ anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }] });
    expect(props.kind).toEqual({ type: 'string', enum: ['person'] });
    expect(props.email).toEqual({ type: ['string', 'null'], format: 'email' });
    expect(out.additionalProperties).toBe(false);
  });

  it('keeps recursion and maps, which only this door can express', () => {
    expect(toGeminiJsonSchema(zod4Recursive)).toEqual({
      type: 'object',
      properties: { root: { $ref: '#/$defs/Category' } },
      required: ['root'],
      additionalProperties: false,
      $defs: {
        Category: {
          type: 'object',
          properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/Category' } } },
          required: ['name', 'children'],
          additionalProperties: false,
        },
      },
    });
    expect((toGeminiJsonSchema(mcpFetchWithHeaders).properties as Record<string, unknown>).headers).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
  });

  it('keeps $defs beside a root $ref (zod 4 recursive roots)', () => {
    const schema = { $ref: '#/$defs/Node', $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } } };
    expect(toGeminiJsonSchema(schema)).toEqual(schema);
  });

  it('inlines refs that do not point into $defs (zod reuses schemas as #/properties/...)', () => {
    const schema = {
      type: 'object',
      properties: { home: { type: 'object', properties: { city: { type: 'string' } } }, work: { $ref: '#/properties/home' }, loop: { $ref: '#/properties/loop' } },
    };
    expect(toGeminiJsonSchema(schema).properties).toEqual({
      home: { type: 'object', properties: { city: { type: 'string' } } },
      work: { type: 'object', properties: { city: { type: 'string' } } },
      loop: {},
    });
    expect(toGeminiJsonSchema({ type: 'object', properties: { c: { allOf: [{ $ref: '#/definitions/C' }] } }, definitions: { C: { type: 'string' } } }).properties).toEqual({ c: { $ref: '#/$defs/C' } });
  });

  it('turns OpenAPI nullable into a null type and a bare {} into an object', () => {
    expect(toGeminiJsonSchema({ type: 'object', properties: { a: { type: 'string', nullable: true } } }).properties).toEqual({ a: { type: ['string', 'null'] } });
    expect(toGeminiJsonSchema({})).toEqual({ type: 'object' });
  });
});

describe('which door a group of schemas takes', () => {
  it.each([
    ['exact schemas on 2.5 use the subset', [clineExecuteCommand, mcpEditFile], 'gemini-2.5-flash', 'subset'],
    ['one lossy schema sends the whole group through JSON Schema', [clineExecuteCommand, mcpFetchWithHeaders], 'gemini-2.5-flash', 'json'],
    ['recursion on Gemini 3 uses JSON Schema', [zod4Recursive], 'gemini-3-pro-preview', 'json'],
    ['recursion on an alias uses JSON Schema', [zod4Recursive], 'gemini-flash-latest', 'json'],
    ['2.0 has only the subset, lossy or not', [zod4Recursive, mcpFetchWithHeaders], 'gemini-2.0-flash', 'subset'],
    ['Gemma has only the subset', [mcpFetchWithHeaders], 'gemma-3-27b-it', 'subset'],
  ])('%s', (_name, schemas, model, mode) => {
    const out = convertSchemas(schemas, { jsonSchema: supportsJsonSchema(model) });
    expect(out.mode).toBe(mode);
    expect(out.schemas).toHaveLength(schemas.length);
  });
});

describe.skipIf(!oraclesPresent)('subset output against the discovery document', () => {
  it.each(Object.entries(REAL_WORLD))('%s is a valid Schema as parameters and as responseSchema', (_name, schema) => {
    const converted = toGeminiSchema(schema, { propertyOrdering: true });
    const body = {
      contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      tools: [{ functionDeclarations: [{ name: 'f', parameters: converted }] }],
      generationConfig: { responseMimeType: 'application/json', responseSchema: converted },
    };
    expect(findGeminiViolations('GenerateContentRequest', body)).toEqual([]);
  });

  it('the oracle does catch a raw JSON Schema sent as the subset', () => {
    const body = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }], tools: [{ functionDeclarations: [{ name: 'f', parameters: zod3 }] }] };
    expect(findGeminiViolations('GenerateContentRequest', body).length).toBeGreaterThan(0);
  });
});
if (!oraclesPresent) it.skip(oraclesMissingMessage, () => {});
