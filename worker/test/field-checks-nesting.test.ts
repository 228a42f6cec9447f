// checkNesting, run on every request's schemas (tools, structured output) in every dialect: refuses
// a schema nested deeper than 64 levels naming the field, and walks a large array (an enum of
// millions of values) by index, never making a string of every index as for-in would.
import { describe, expect, it } from 'vitest';
import { apiError } from './support/api-error';
import { MAX_SCHEMA_NESTING, checkNesting } from '../src/dialects/field-checks';
import { parseMessagesRequest } from '../src/dialects/anthropic/validate';
import { parseChatRequest } from '../src/dialects/openai-chat/validate';
import { parseResponsesRequest } from '../src/dialects/responses/validate';

const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

describe('checkNesting', () => {
  it('accepts 64 levels, refuses 65 with a 400 naming the field', () => {
    expect(MAX_SCHEMA_NESTING).toBe(64);
    expect(() => checkNesting(nested(64), 'tools[0].parameters')).not.toThrow();
    const err = apiError(() => checkNesting({ type: 'object', properties: { p: nested(64) } }, 'tools[3].parameters'));
    expect(err.status).toBe(400);
    expect(err.param).toBe('tools[3].parameters');
  });

  it('walks an array by index: its keys are never listed', () => {
    let listed = 0;
    const values = new Proxy(Array.from({ length: 1000 }, (_, i) => String(i)), {
      ownKeys: (target) => {
        listed++;
        return Reflect.ownKeys(target);
      },
    });
    checkNesting({ type: 'string', enum: values }, 'tools[0].parameters');
    expect(listed).toBe(0);
  });
});

describe('every dialect refuses a schema nested 5,000 deep, naming it (no dialect passes what another refuses)', () => {
  const deep = nested(5000);
  it.each<[string, () => unknown, string]>([
    ['chat tool parameters', () => parseChatRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object', properties: { p: deep } } } }] }), 'tools[0].function.parameters'],
    ['chat response_format schema', () => parseChatRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: { p: deep } } } } }), 'response_format.json_schema.schema'],
    ['Anthropic tool input_schema', () => parseMessagesRequest({ model: 'gemini-2.5-flash', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }], tools: [{ name: 'f', input_schema: { type: 'object', properties: { p: deep } } }] }), 'tools.0.input_schema'],
    ['Responses tool parameters', () => parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: [{ type: 'function', name: 'f', parameters: { type: 'object', properties: { p: deep } } }] }), 'tools[0].parameters'],
    ['Responses text.format schema', () => parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object', properties: { p: deep } } } } }), 'text.format.schema'],
  ])('%s', (_name, parse, param) => {
    const err = apiError(parse);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
  });
});
