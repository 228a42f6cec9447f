import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SAFETY_SETTINGS, toGeminiRequest } from '../src/dialects/openai-chat/request';
import { parseChatRequest } from '../src/dialects/openai-chat/validate';

const messages = [{ role: 'user', content: 'hi' }];
function map(extra: Record<string, unknown>, model = 'gemini-2.0-flash'): Gemini.GenerateContentRequest {
  return toGeminiRequest(parseChatRequest({ model, messages, ...extra })).body;
}
const fn = (name: string, parameters?: unknown, description?: string) => ({ type: 'function', function: { name, ...(description ? { description } : {}), ...(parameters ? { parameters } : {}) } });
const weatherParams = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const mapParams = { type: 'object', properties: { headers: { type: 'object', additionalProperties: { type: 'string' } } } };

describe('sampling parameters -> generationConfig', () => {
  // gemini-2.0-flash does not think, so generationConfig holds only what the request set.
  it.each<[string, Record<string, unknown>, Gemini.GenerationConfig | undefined]>([
    ['nothing', {}, undefined],
    ['temperature and top_p', { temperature: 0.2, top_p: 0.9 }, { temperature: 0.2, topP: 0.9 }],
    ['temperature 0 (a value, not absence)', { temperature: 0 }, { temperature: 0 }],
    ['max_tokens', { max_tokens: 100 }, { maxOutputTokens: 100 }],
    ['max_completion_tokens wins over max_tokens', { max_tokens: 100, max_completion_tokens: 200 }, { maxOutputTokens: 200 }],
    ['n of 1 is the default', { n: 1 }, undefined],
    ['n of 3', { n: 3 }, { candidateCount: 3 }],
    ['stop as a string', { stop: 'END' }, { stopSequences: ['END'] }],
    ['stop as a list, empty strings dropped', { stop: ['a', '', 'b'] }, { stopSequences: ['a', 'b'] }],
    ['an empty stop list', { stop: [] }, undefined],
    ['seed', { seed: 42 }, { seed: 42 }],
    ['a 64-bit seed folded into int32', { seed: 2 ** 33 + 5 }, { seed: 5 }],
    ['zero penalties are not sent', { presence_penalty: 0, frequency_penalty: 0 }, undefined],
    ['real penalties are', { presence_penalty: 0.5, frequency_penalty: -0.5 }, { presencePenalty: 0.5, frequencyPenalty: -0.5 }],
    ['logprobs', { logprobs: true, top_logprobs: 5 }, { responseLogprobs: true, logprobs: 5 }],
    ['top_logprobs without logprobs', { top_logprobs: 5 }, undefined],
    ['nulls everywhere', { temperature: null, top_p: null, max_tokens: null, n: null, stop: null, seed: null, logprobs: null }, undefined],
    ['response_format text', { response_format: { type: 'text' } }, undefined],
    ['response_format json_object', { response_format: { type: 'json_object' } }, { responseMimeType: 'application/json' }],
    [
      'response_format json_schema (subset, author\'s order kept)',
      { response_format: { type: 'json_schema', json_schema: { name: 'r', strict: true, schema: { type: 'object', properties: { b: { type: 'string' }, a: { type: 'integer' } }, required: ['b', 'a'], additionalProperties: false } } } },
      { responseMimeType: 'application/json', responseSchema: { type: 'OBJECT', properties: { b: { type: 'STRING' }, a: { type: 'INTEGER' } }, required: ['b', 'a'], propertyOrdering: ['b', 'a'] } },
    ],
    ['response_format json_schema without a schema', { response_format: { type: 'json_schema', json_schema: { name: 'r' } } }, { responseMimeType: 'application/json' }],
  ])('%s', (_name, extra, expected) => {
    expect(map(extra).generationConfig).toEqual(expected);
  });

  it('sends a lossy response schema as JSON Schema to models that take it', () => {
    const rf = { response_format: { type: 'json_schema', json_schema: { name: 'r', schema: mapParams } } };
    const modern = map(rf, 'gemini-2.5-flash').generationConfig;
    expect(modern?.responseJsonSchema).toEqual({ type: 'object', properties: { headers: { type: 'object', additionalProperties: { type: 'string' } } } });
    expect(modern?.responseSchema).toBeUndefined();
    expect(map(rf, 'gemini-2.0-flash').generationConfig?.responseSchema).toEqual({ type: 'OBJECT', properties: { headers: { type: 'OBJECT' } } });
  });

  it('adds thinking for thinking models, from reasoning_effort or google.thinking_config', () => {
    expect(map({}, 'gemini-2.5-flash').generationConfig).toEqual({ thinkingConfig: { includeThoughts: true } });
    expect(map({ reasoning_effort: 'low' }, 'gemini-3-pro-preview').generationConfig).toEqual({ thinkingConfig: { thinkingLevel: 'LOW', includeThoughts: true } });
    expect(map({ reasoning_effort: 'high', extra_body: { google: { thinking_config: { thinking_budget: 64 } } } }, 'gemini-2.5-flash').generationConfig).toEqual({
      thinkingConfig: { thinkingBudget: 64, includeThoughts: true },
    });
  });
});

describe('tools', () => {
  it('declares function tools in one functionDeclarations tool', () => {
    const body = map({ tools: [fn('get_weather', weatherParams, 'Weather for a city'), fn('now'), fn('ping', { type: 'object', properties: {} }, '')] });
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } },
          { name: 'now' },
          { name: 'ping' },
        ],
      },
    ]);
    expect(body.toolConfig).toBeUndefined();
  });

  it('sends every declaration through JSON Schema when one needs it and the model takes it', () => {
    const decls = map({ tools: [fn('a', weatherParams), fn('b', mapParams)] }, 'gemini-2.5-pro').tools?.[0]?.functionDeclarations;
    expect(decls?.map((d) => Object.keys(d).sort())).toEqual([
      ['name', 'parametersJsonSchema'],
      ['name', 'parametersJsonSchema'],
    ]);
    expect(decls?.[0]?.parametersJsonSchema).toEqual(weatherParams);
  });

  it.each([
    ['none', { mode: 'NONE' }],
    ['auto', { mode: 'AUTO' }],
    ['required', { mode: 'ANY' }],
    [{ type: 'function', function: { name: 'b' } }, { mode: 'ANY', allowedFunctionNames: ['b'] }],
  ])('tool_choice %j -> %j', (choice, config) => {
    expect(map({ tools: [fn('a'), fn('b')], tool_choice: choice }).toolConfig).toEqual({ functionCallingConfig: config });
  });

  it('sends no toolConfig without function tools, and nothing for parallel_tool_calls', () => {
    expect(map({ tool_choice: 'required' }).toolConfig).toBeUndefined();
    expect(map({ tools: [fn('a')], parallel_tool_calls: false }).toolConfig).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string, Gemini.Tool[] | undefined]>([
    ['web_search_options -> googleSearch', { web_search_options: {} }, 'gemini-2.5-flash', [{ googleSearch: {} }]],
    ['Gemini built-ins by name, search once', { tools: [{ type: 'google_search' }, { type: 'code_execution' }, { type: 'url_context' }], web_search_options: { search_context_size: 'low' } }, 'gemini-2.5-flash', [{ googleSearch: {} }, { codeExecution: {} }, { urlContext: {} }]],
    ['before Gemini 3, functions win over built-ins', { tools: [fn('a'), { type: 'google_search' }], web_search_options: {} }, 'gemini-2.5-flash', [{ functionDeclarations: [{ name: 'a' }] }]],
    ['Gemini 3 takes both', { tools: [fn('a')], web_search_options: {} }, 'gemini-3-flash-preview', [{ functionDeclarations: [{ name: 'a' }] }, { googleSearch: {} }]],
  ])('%s', (_name, extra, model, tools) => {
    expect(map(extra, model).tools).toEqual(tools);
  });

  it.each([
    ['gemini-2.5-flash', undefined],
    ['gemini-flash-latest', undefined],
    ['gemini-3-pro-preview', 'application/json'],
  ])('JSON output beside function tools on %s: mime type %s', (model, mime) => {
    const gc = map({ tools: [fn('a', weatherParams)], response_format: { type: 'json_schema', json_schema: { name: 'r', schema: weatherParams } } }, model).generationConfig;
    expect(gc?.responseMimeType).toBe(mime);
    expect(gc?.responseSchema !== undefined).toBe(mime !== undefined);
  });
});

describe('safety, cache and the rest of the body', () => {
  it('turns the four current safety filters off by default', () => {
    expect(map({}).safetySettings).toEqual([
      { category: 'HARM_CATEGORY_HARASSMENT', threshold: 'OFF' },
      { category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'OFF' },
      { category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT', threshold: 'OFF' },
      { category: 'HARM_CATEGORY_DANGEROUS_CONTENT', threshold: 'OFF' },
    ]);
    // Each request gets its own copy: a caller mutating one body cannot change the defaults.
    expect(map({}).safetySettings).not.toBe(DEFAULT_SAFETY_SETTINGS);
  });

  it('lets google.safety_settings replace the defaults', () => {
    const settings = [{ category: 'HARM_CATEGORY_CIVIC_INTEGRITY', threshold: 'BLOCK_ONLY_HIGH' }];
    expect(map({ google: { safety_settings: settings } }).safetySettings).toEqual(settings);
    expect(map({ extra_body: { google: { safety_settings: [{ category: 'harm_category_harassment', threshold: 'block_none' }] } } }).safetySettings).toEqual([{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }]);
  });

  it('uses cached content, leaving out what must live in the cache', () => {
    const body = toGeminiRequest(
      parseChatRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'system', content: 's' }, ...messages], tools: [fn('a')], tool_choice: 'required', google: { cached_content: 'cachedContents/abc' } }),
    ).body;
    expect(body.cachedContent).toBe('cachedContents/abc');
    expect(body.systemInstruction).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.toolConfig).toBeUndefined();
  });

  it('sends nothing of the fields Gemini has no use for', () => {
    const body = map({ user: 'u', stream: true, stream_options: { include_usage: true }, store: true, metadata: { a: '1' }, service_tier: 'auto', parallel_tool_calls: true });
    expect(Object.keys(body).sort()).toEqual(['contents', 'safetySettings']);
  });

  it('normalises the model name for the URL', () => {
    expect(toGeminiRequest(parseChatRequest({ model: 'models/gemini-2.5-pro', messages })).model).toBe('gemini-2.5-pro');
    expect(toGeminiRequest(parseChatRequest({ model: 'gemini-2.5-flash-preview-09-2025', messages })).model).toBe('gemini-2.5-flash-preview-09-2025');
  });
});
