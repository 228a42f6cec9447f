// The echo of a request's instructions and tools (echo.ts) and the Response written around it
// (response-json.ts): the JSON is exactly what JSON.stringify of the Response object writes, made
// once per isolate for a tool list or instructions sent again, and never shared with a request.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { instructionsJson, toolEchoJson } from '../src/dialects/responses/echo';
import { knownTools } from '../src/dialects/responses/known-tools';
import { toGeminiBody } from '../src/dialects/responses/request';
import { echoedToolsJson, toResponse, toResponseJson } from '../src/dialects/responses/response';
import { parseResponsesRequest } from '../src/dialects/responses/validate';
import { responseJson } from '../src/dialects/responses/response-json';
import type { OutputItem, ToolParam } from '../src/dialects/responses/types';
import { pinnedContext } from './support/responses';

const fn = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'function', name, ...extra });
/** [name, the tools sent, their echo as OpenAI writes it (hand-written: every field of a function
 * tool filled in, in OpenAI's order; other tools as sent)]. */
const TOOL_LISTS: Array<[string, unknown[], unknown[]]> = [
  ['a bare function tool (description, parameters and strict filled in)', [fn('f')], [{ type: 'function', name: 'f', description: null, parameters: null, strict: true }]],
  [
    'a full function tool, its fields in the client order',
    [{ strict: false, parameters: { type: 'object', properties: { p: { type: 'string' } } }, description: 'd', name: 'g', type: 'function' }],
    [{ type: 'function', name: 'g', description: 'd', parameters: { type: 'object', properties: { p: { type: 'string' } } }, strict: false }],
  ],
  ...((): Array<[string, unknown[], unknown[]]> => {
    const asSent = [
      { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
      { type: 'namespace', name: 'ns', description: 'n', tools: [fn('inner', { parameters: {} })] },
      { type: 'web_search' },
    ];
    return [['custom, namespace and hosted tools (echoed as sent)', asSent, asSent]];
  })(),
  ['non-ASCII and escapes', [fn('h', { description: 'naïve “quotes” \\ \n\t \u0001 ✓' })], [{ type: 'function', name: 'h', description: 'naïve “quotes” \\ \n\t \u0001 ✓', parameters: null, strict: true }]],
];

/** A copy as a new request would bring it: the same JSON, parsed again. */
const again = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The known-tools entry of a list seen twice (the first sighting keeps nothing). */
const keptEntry = (tools: unknown) => {
  expect(knownTools.entry(again(tools) as object)).toBeUndefined();
  return knownTools.entry(again(tools) as object)!;
};

describe('toolEchoJson', () => {
  it.each(TOOL_LISTS)('%s: the JSON of the echoed tools, made once for a kept list', (_name, tools, echo) => {
    const known = keptEntry(tools);
    const first = toolEchoJson(again(tools) as ToolParam[], known);
    expect(first).toBe(JSON.stringify(echo));
    expect(known.echo).toBe(first);
    expect(toolEchoJson(again(tools) as ToolParam[], known)).toBe(first);
  });

  it('a list not kept (seen for the first time) is echoed for its request only: nothing kept', () => {
    const tools = [fn('once_only', { description: 'seen once' })];
    const known = knownTools.entry(again(tools));
    expect(known).toBeUndefined();
    expect(toolEchoJson(again(tools) as ToolParam[], known)).toBe('[{"type":"function","name":"once_only","description":"seen once","parameters":null,"strict":true}]');
    // The second sighting's entry starts empty: nothing was kept from the first request.
    expect(knownTools.entry(again(tools))!.echo).toBeUndefined();
  });

  it('a list that differs in anything JSON shows gets its own entry', () => {
    const base = [fn('f', { description: 'one' })];
    const known = keptEntry(base);
    for (const other of [[fn('f', { description: 'two' })], [fn('f', { description: 'one' }), fn('g')], [{ description: 'one', ...fn('f') }]]) {
      expect(keptEntry(other)).not.toBe(known);
    }
  });

  it('the declarations kept share no object with the request they were made from: changing it later changes nothing kept', () => {
    const list = [{ type: 'function', name: 'shared_check', parameters: { type: 'object', properties: { p: { type: 'string' } } } }];
    keptEntry(list);
    const req = parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: again(list) });
    const { knownTools: known, body } = toGeminiBody(req);
    expect(known?.declared).toBeDefined();
    const before = JSON.stringify(body.tools);
    // The client's objects are its own: neither frozen nor shared with what is kept.
    const params = (req.tools![0] as unknown as { parameters: { properties: Record<string, unknown> } }).parameters;
    expect(() => {
      params.properties.q = { type: 'number' };
      (req.tools![0] as { name: string }).name = 'changed_after';
    }).not.toThrow();
    const next = toGeminiBody(parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: again(list) }));
    expect(next.knownTools).toBe(known);
    expect(JSON.stringify(next.body.tools)).toBe(before);
    expect(JSON.stringify(known!.declared!.tools)).not.toContain('changed_after');
    expect(JSON.stringify(known!.declared!.tools)).not.toContain('"q"');
  });

  it('no tools: an empty list', () => {
    expect(toolEchoJson(undefined, undefined)).toBe('[]');
    expect(toolEchoJson([], undefined)).toBe('[]');
  });
});

describe('instructionsJson', () => {
  it.each([['plain'], ['naïve “quotes” \\ \n \u0000 ✓'], ['x'.repeat(300 * 1024)]])('is JSON.stringify of %#, the same again', (text) => {
    expect(instructionsJson(text)).toBe(JSON.stringify(text));
    expect(instructionsJson(again(text))).toBe(JSON.stringify(text));
  });

  it('none: null', () => {
    expect(instructionsJson(undefined)).toBe('null');
    expect(instructionsJson(null)).toBe('null');
  });
});

const usage: Gemini.UsageMetadata = { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 };
const answer = (parts: Gemini.Part[], finishReason: Gemini.Candidate['finishReason'] = 'STOP'): Gemini.GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
  usageMetadata: usage,
});

describe('responseJson', () => {
  it.each<[string, Gemini.GenerateContentResponse, Record<string, unknown>]>([
    ['a text answer, no instructions, no tools', answer([{ text: 'Hello' }]), {}],
    ['every echoed field set', answer([{ text: 'é ✓ "q"' }]), {
      instructions: 'Be brief.\n"Always".', tools: TOOL_LISTS.flatMap(([, t]) => t), tool_choice: 'required', reasoning: { effort: 'low', summary: 'auto' },
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } }, max_output_tokens: 100, temperature: 0.5, top_p: 0.9,
      parallel_tool_calls: false, metadata: { a: 'b' }, user: 'u', prompt_cache_key: 'k',
    }],
    ['calls and thoughts', answer([{ text: 'hmm', thought: true }, { functionCall: { name: 'f', args: { a: 1 } } }]), { tools: [fn('f')] }],
    ['incomplete (MAX_TOKENS)', answer([{ text: 'Hal' }], 'MAX_TOKENS'), { instructions: '' }],
    ['json_object format, allowed_tools choice, numbers as the client wrote them', answer([{ text: '{}' }]), {
      text: { format: { type: 'json_object' } }, tools: [fn('f'), fn('g')], tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'function', name: 'f' }] },
      temperature: 1e-7, top_p: 1, max_output_tokens: 2147483647,
    }],
    ['the text format given as text, tool_choice none', answer([{ text: 'x' }]), { text: { format: { type: 'text' } }, tool_choice: 'none' }],
    ['url_citation annotations (Google Search grounding)', {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Paris is the capital.' }] }, finishReason: 'STOP', index: 0, groundingMetadata: {
        groundingChunks: [{ web: { uri: 'https://example.org/paris', title: 'example.org' } }],
        groundingSupports: [{ segment: { startIndex: 0, endIndex: 5, text: 'Paris' }, groundingChunkIndices: [0] }],
      } }],
    }, { tools: [{ type: 'web_search' }] }],
    ['token logprobs', {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Hé' }] }, finishReason: 'STOP', index: 0, logprobsResult: {
        chosenCandidates: [{ token: 'H', logProbability: -0.1 }, { token: 'é', logProbability: -0.2 }],
        topCandidates: [{ candidates: [{ token: 'H', logProbability: -0.1 }] }, { candidates: [{ token: 'é', logProbability: -0.2 }] }],
      } }],
    }, { include: ['message.output_text.logprobs'] }],
    ['the client\'s own JSON and strings holding what the echo\'s stand-ins look like', answer([{ text: '"instructions":null "tools":[],"truncation":' }]), {
      instructions: '"instructions":null',
      tools: [fn('f', { description: '"tools":[],"truncation":"disabled"', parameters: { type: 'object', properties: { instructions: { type: 'null' }, tools: { type: 'array' } } } })],
      text: { format: { type: 'json_schema', name: 'x', schema: { instructions: null, tools: [], truncation: 'disabled', type: 'object' } } },
      tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] },
      metadata: { '"tools":[],"truncation":': '"tools":[],"truncation":' }, user: '"tools":[],"truncation":"x"', prompt_cache_key: '"instructions":null',
    }],
    ['thoughts, text and a call: two items besides the message', answer([{ text: 'think', thought: true }, { text: 'Done "x".\n' }, { functionCall: { name: 'f', args: {} } }]), { tools: [fn('f')] }],
    ['a blocked prompt', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: usage }, { tool_choice: { type: 'function', name: 'f' }, tools: [fn('f')] }],
  ])('%s: exactly JSON.stringify of the Response object, valid against the Response schema', (_name, gemini, body) => {
    const res = toResponse(gemini, pinnedContext(body));
    const text = responseJson(res, { instructions: JSON.stringify(res.instructions), tools: JSON.stringify(res.tools) });
    expect(text).toBe(JSON.stringify(res));
    // The stream's form: no output_text.
    const { output_text: _omitted, ...streamed } = res;
    expect(responseJson(streamed, { instructions: JSON.stringify(res.instructions), tools: JSON.stringify(res.tools) })).toBe(JSON.stringify(streamed));
    const written = toResponseJson(gemini, pinnedContext(body));
    expect(written).toBe(JSON.stringify(toResponse(gemini, pinnedContext(body))));
    if (oraclesPresent) expect(validateOpenAI('Response', JSON.parse(written))).toEqual([]);
  });

  it('output_text is the text of every message joined: written anew when it is not one part\'s text', () => {
    const res = toResponse(answer([{ text: 'one' }]), pinnedContext());
    const message = res.output[0] as Extract<OutputItem, { type: 'message' }>;
    const second = { ...message, id: 'msg_2', content: [{ ...message.content[0]!, text: ' two "2"' }, { type: 'refusal' as const, refusal: 'no' }] };
    for (const output of [[message, second], [second]]) {
      const many = { ...res, output, output_text: output.length === 2 ? 'one two "2"' : ' two "2"' };
      expect(responseJson(many, { instructions: 'null', tools: '[]' })).toBe(JSON.stringify(many));
    }
    const changed = { ...res, output_text: 'not the part' };
    expect(responseJson(changed, { instructions: 'null', tools: '[]' })).toBe(JSON.stringify(changed));
  });

  it('a number that is not finite is written as JSON.stringify writes it (null), should one get past validation', () => {
    const res = toResponse(answer([{ text: 'x' }]), pinnedContext());
    for (const odd of [Number.NaN, Number.POSITIVE_INFINITY]) {
      const r = { ...res, temperature: odd, top_p: odd };
      expect(responseJson(r, { instructions: 'null', tools: '[]' })).toBe(JSON.stringify(r));
    }
  });

  it('the stream form (in_progress, no output_text) is written the same way', () => {
    const ctx = pinnedContext({ instructions: 'i', tools: [fn('f')] });
    const res = toResponse(answer([{ text: 'x' }]), ctx);
    const { output_text: _omitted, ...streamed } = { ...res, status: 'in_progress' as const, completed_at: null, output: [] };
    expect(responseJson(streamed, { instructions: '"i"', tools: echoedToolsJson(ctx) })).toBe(JSON.stringify(streamed));
  });
});
