// Every body the converter emits must pass Google's own field checks: run a table of mapped
// requests through the strict, closed-object oracle built from the discovery document.
import { describe, expect, it } from 'vitest';
import { toGeminiRequest } from '../src/dialects/openai-chat/request';
import { encodeToolCallId } from '../src/gemini/signatures';
import { parseChatRequest } from '../src/dialects/openai-chat/validate';
import { findGeminiViolations } from '../../tools/src/oracles/gemini-validator';
import { oraclesMissingMessage, oraclesPresent } from '../../tools/src/oracles/paths';

const carried = encodeToolCallId({ geminiId: 'abc', signature: 'c2lnbmF0dXJl' });
const recursive = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  properties: { tree: { $ref: '#/$defs/Node' }, tags: { type: 'object', additionalProperties: { type: 'string' } } },
  $defs: { Node: { type: 'object', properties: { label: { type: 'string' }, kids: { type: 'array', items: { $ref: '#/$defs/Node' } } } } },
};
const zodish = {
  type: 'object',
  properties: {
    when: { type: ['string', 'null'], format: 'date-time' },
    mode: { anyOf: [{ const: 'fast' }, { const: 'slow' }] },
    retries: { type: 'integer', minimum: 0, maximum: 5, default: 1 },
    opts: { anyOf: [{ $ref: '#/definitions/Opts' }, { type: 'null' }] },
    list: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: 3 },
  },
  required: ['when', 'mode'],
  additionalProperties: false,
  definitions: { Opts: { type: 'object', properties: { verbose: { type: 'boolean' } }, additionalProperties: false } },
  $schema: 'http://json-schema.org/draft-07/schema#',
};

const conversation = [
  { role: 'system', content: 'You are terse.' },
  { role: 'developer', content: [{ type: 'text', text: 'Use tools.' }] },
  {
    role: 'user',
    content: [
      { type: 'text', text: 'Look at these.' },
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
      { type: 'image_url', image_url: { url: 'https://www.youtube.com/watch?v=abc' } },
      { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0x', filename: 'a.pdf' } },
      { type: 'file', file: { file_id: 'files/xyz' } },
    ],
  },
  { role: 'assistant', content: 'Checking.', reasoning_content: 'hmm', tool_calls: [{ id: carried, type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } }, { id: 'call_2', type: 'function', function: { name: 'draw', arguments: 'not json' } }] },
  { role: 'tool', tool_call_id: 'call_2', content: 'drawn' },
  { role: 'tool', tool_call_id: carried, content: '{"found":true}' },
  { role: 'assistant', content: [{ type: 'text', text: 'Here:\n![image](data:image/png;base64,iVBORw0KGgo=)\n' }, { type: 'refusal', refusal: 'partly' }] },
  { role: 'user', content: 'thanks' },
];
const tools = [
  { type: 'function', function: { name: 'lookup', description: 'Find things', parameters: zodish } },
  { type: 'function', function: { name: 'draw', parameters: { type: 'object', properties: {} } } },
];
const media = new Map([['https://example.com/cat.jpg', { mimeType: 'image/jpeg', data: '/9j/4AAQ' }]]);

const CASES: Array<[string, Record<string, unknown>]> = [
  ['a minimal request', { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }] }],
  ['everything on Gemini 3', { model: 'gemini-3-pro-preview', messages: conversation, tools, tool_choice: 'required', web_search_options: {}, reasoning_effort: 'medium', temperature: 1, top_p: 0.95, max_completion_tokens: 1000, n: 2, stop: ['END'], seed: 7, presence_penalty: 0.1, frequency_penalty: 0.2, logprobs: true, top_logprobs: 3, response_format: { type: 'json_schema', json_schema: { name: 'out', schema: zodish } } }],
  ['everything on Gemini 2.5', { model: 'gemini-2.5-flash', messages: conversation, tools, tool_choice: { type: 'function', function: { name: 'lookup' } }, reasoning_effort: 'none', response_format: { type: 'json_object' } }],
  ['JSON Schema door for tools and response', { model: 'gemini-2.5-pro', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'plant', parameters: recursive } }], response_format: { type: 'json_schema', json_schema: { name: 'o', schema: recursive } } }],
  ['lossy subset on Gemini 2.0', { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'plant', parameters: recursive } }] }],
  ['response schema alone, with thinking overrides', { model: 'gemini-3-flash-preview', messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_schema', json_schema: { name: 'o', schema: zodish } }, extra_body: { google: { thinking_config: { thinking_level: 'minimal', include_thoughts: false } } } }],
  ['Gemma with a system prompt', { model: 'gemma-3-27b-it', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'x' }] }],
  ['safety and cache overrides', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], google: { safety_settings: [{ category: 'HARM_CATEGORY_CIVIC_INTEGRITY', threshold: 'BLOCK_NONE' }], cached_content: 'cachedContents/abc', thinking_config: { thinking_budget: 1024 } } }],
  ['built-in tools by name', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'google_search' }, { type: 'code_execution' }, { type: 'url_context' }] }],
];

describe.skipIf(!oraclesPresent)('mapped requests against the discovery document', () => {
  it.each(CASES)('%s is a valid GenerateContentRequest', (_name, request) => {
    const { body } = toGeminiRequest(parseChatRequest(structuredClone(request)), media);
    expect(findGeminiViolations('GenerateContentRequest', body)).toEqual([]);
  });

  it('the oracle is strict enough to fail a wrong body', () => {
    const { body } = toGeminiRequest(parseChatRequest(structuredClone(CASES[1]![1])), media);
    const broken = { ...body, generationConfig: { ...body.generationConfig, thinking_level: 'HIGH', stopSequences: 'END' } };
    expect(findGeminiViolations('GenerateContentRequest', broken).length).toBe(1);
    expect(findGeminiViolations('GenerateContentRequest', { ...body, safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'NONE' }] })).toHaveLength(1);
  });
});
if (!oraclesPresent) it.skip(oraclesMissingMessage, () => {});
