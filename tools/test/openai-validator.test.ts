import { describe, expect, it } from 'vitest';
import { expectValidOpenAI, rewriteNullable, validateOpenAI } from '../src/oracles/openai-validator';
import { oraclesMissingMessage, oraclesPresent } from '../src/oracles/paths';

const title = (name: string): string => (oraclesPresent ? name : `${name} (skipped: ${oraclesMissingMessage})`);

const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'gemini-2.5-flash',
  choices,
  ...extra,
});
const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const completion = (choice: Record<string, unknown>) => ({
  id: 'chatcmpl-abc',
  object: 'chat.completion',
  created: 1_700_000_000,
  model: 'gemini-2.5-flash',
  choices: [{ index: 0, logprobs: null, ...choice }],
  usage,
});
const toolCall = { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } };

describe('rewriteNullable', () => {
  it.each([
    ['adds null to a type and its enum', { type: 'string', enum: ['a'], nullable: true }, { type: ['string', 'null'], enum: ['a', null] }],
    ['wraps a $ref in anyOf with null', { $ref: '#/x', nullable: true, description: 'd' }, { description: 'd', anyOf: [{ $ref: '#/x' }, { type: 'null' }] }],
    ['wraps a combinator-only schema', { oneOf: [{ type: 'string' }], nullable: true }, { anyOf: [{ oneOf: [{ type: 'string' }] }, { type: 'null' }] }],
    ['rewrites nested schemas', { properties: { a: { type: 'object', nullable: true } } }, { properties: { a: { type: ['object', 'null'] } } }],
    ['leaves nullable: false untouched', { type: 'integer', nullable: false }, { type: 'integer', nullable: false }],
  ])('%s', (_name, input, expected) => {
    expect(rewriteNullable(structuredClone(input))).toEqual(expected);
  });
});

describe.skipIf(!oraclesPresent)(title('validateOpenAI accepts what OpenAI sends'), () => {
  it.each([
    ['a text completion', 'CreateChatCompletionResponse', completion({ message: { role: 'assistant', content: 'Hi', refusal: null }, finish_reason: 'stop' })],
    ['a tool-call completion with null content', 'CreateChatCompletionResponse', completion({ message: { role: 'assistant', content: null, refusal: null, tool_calls: [toolCall] }, finish_reason: 'tool_calls' })],
    ['extra fields such as reasoning_content', 'CreateChatCompletionResponse', completion({ message: { role: 'assistant', content: 'x', refusal: null, reasoning_content: 'thought' }, finish_reason: 'length' })],
    ['the first stream chunk (role, finish_reason null)', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }])],
    ['a content chunk with logprobs null', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { content: 'Hel' }, logprobs: null, finish_reason: null }])],
    ['a tool call delta with index', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }])],
    ['an arguments-only tool call delta', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { tool_calls: [{ index: 1, function: { arguments: '{}' } }] }, finish_reason: null }])],
    ['the finishing chunk', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: {}, finish_reason: 'stop' }], { usage: null })],
    ['the usage chunk with choices: []', 'CreateChatCompletionStreamResponse', chunk([], { usage })],
    ['an embeddings list', 'CreateEmbeddingResponse', { object: 'list', model: 'gemini-embedding-001', data: [{ object: 'embedding', index: 0, embedding: [0.1, -0.2] }], usage: { prompt_tokens: 3, total_tokens: 3 } }],
    ['a models list', 'ListModelsResponse', { object: 'list', data: [{ id: 'gemini-2.5-flash', object: 'model', created: 0, owned_by: 'google' }] }],
    ['one model', 'Model', { id: 'gemini-2.5-pro', object: 'model', created: 0, owned_by: 'google' }],
    ['an error with null param and a string code', 'ErrorResponse', { error: { message: 'Rate limited', type: 'rate_limit_error', param: null, code: 'quota_per_minute' } }],
  ])('%s', (_name, schema, body) => {
    expect(validateOpenAI(schema, body)).toEqual([]);
    expect(() => expectValidOpenAI(schema, body)).not.toThrow();
  });
});

describe.skipIf(!oraclesPresent)(title('validateOpenAI rejects what OpenAI SDKs would choke on'), () => {
  it.each([
    ['a raw Gemini finish_reason in a chunk', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: {}, finish_reason: 'OTHER' }]), '$.choices[0].finish_reason must be equal to one of the allowed values'],
    ['a raw Gemini finish_reason in a completion', 'CreateChatCompletionResponse', completion({ message: { role: 'assistant', content: 'x', refusal: null }, finish_reason: 'MALFORMED_FUNCTION_CALL' }), '$.choices[0].finish_reason must be equal to one of the allowed values'],
    ['a tool call delta without index', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { tool_calls: [toolCall] }, finish_reason: null }]), "$.choices[0].delta.tool_calls[0] must have required property 'index'"],
    ['a chunk choice without the finish_reason key', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { content: 'x' } }]), "$.choices[0] must have required property 'finish_reason'"],
    ['a delta with a Gemini role', 'CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: { role: 'model' }, finish_reason: null }]), '$.choices[0].delta.role must be equal to one of the allowed values'],
    ['usage without total_tokens', 'CreateChatCompletionStreamResponse', chunk([], { usage: { prompt_tokens: 1, completion_tokens: 1 } }), "$.usage must have required property 'total_tokens'"],
    ['a completion without choices', 'CreateChatCompletionResponse', { id: 'x', object: 'chat.completion', created: 0, model: 'm' }, "$ must have required property 'choices'"],
    ['a model without owned_by', 'Model', { id: 'm', object: 'model', created: 0 }, "$ must have required property 'owned_by'"],
    ['an embedding list with a wrong object', 'CreateEmbeddingResponse', { object: 'embedding', model: 'm', data: [], usage: { prompt_tokens: 0, total_tokens: 0 } }, '$.object must be equal to one of the allowed values ("list")'],
    ['an error without type', 'ErrorResponse', { error: { message: 'x', param: null, code: null } }, "$.error must have required property 'type'"],
  ])('%s', (_name, schema, body, expected) => {
    const errors = validateOpenAI(schema, body);
    expect(errors.some((e) => e.startsWith(expected)), errors.join('\n')).toBe(true);
  });

  it('expectValidOpenAI throws a readable message naming the schema and the path', () => {
    expect(() => expectValidOpenAI('CreateChatCompletionStreamResponse', chunk([{ index: 0, delta: {}, finish_reason: 'OTHER' }]))).toThrow(
      /not a valid OpenAI CreateChatCompletionStreamResponse:\n {2}- \$\.choices\[0\]\.finish_reason/,
    );
  });

  it('throws for a schema name the spec does not define', () => {
    expect(() => validateOpenAI('NoSuchSchema', {})).toThrow(/NoSuchSchema/);
  });
});
