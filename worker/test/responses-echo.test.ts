// The echo of a request's instructions and tools (echo.ts) and the Response written around it
// (response-json.ts): the JSON is exactly what JSON.stringify of the Response object writes, made
// once per isolate for a tool list or instructions sent again, and never shared with a request.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { echoTool, instructionsJson, toolEcho } from '../src/dialects/responses/echo';
import { echoedTools, toResponse, toResponseJson } from '../src/dialects/responses/response';
import { responseJson } from '../src/dialects/responses/response-json';
import type { OutputItem, ToolParam } from '../src/dialects/responses/types';
import { pinnedContext } from './support/responses';

const fn = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'function', name, ...extra });
const TOOL_LISTS: Array<[string, unknown[]]> = [
  ['a bare function tool (description, parameters and strict filled in)', [fn('f')]],
  ['a full function tool, its fields in the client order', [{ strict: false, parameters: { type: 'object', properties: { p: { type: 'string' } } }, description: 'd', name: 'g', type: 'function' }]],
  ['custom, namespace and hosted tools (echoed as sent)', [
    { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
    { type: 'namespace', name: 'ns', description: 'n', tools: [fn('inner', { parameters: {} })] },
    { type: 'web_search' },
  ]],
  ['non-ASCII and escapes', [fn('h', { description: 'naïve “quotes” \\ \n\t \u0001 ✓' })]],
];

/** A copy as a new request would bring it: the same JSON, parsed again. */
const again = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe('toolEcho', () => {
  it.each(TOOL_LISTS)('%s: the JSON of the echoed tools, made once for a list sent again', (_name, tools) => {
    const first = toolEcho(again(tools) as ToolParam[]);
    expect(first.json).toBe(JSON.stringify((tools as ToolParam[]).map(echoTool)));
    expect(first.tools).toEqual(JSON.parse(first.json));
    const second = toolEcho(again(tools) as ToolParam[]);
    expect(second).toBe(first);
  });

  it('a list that differs in anything JSON shows gets its own echo', () => {
    const base = [fn('f', { description: 'one' })];
    const echo = toolEcho(again(base) as ToolParam[]);
    for (const other of [[fn('f', { description: 'two' })], [fn('f', { description: 'one' }), fn('g')], [{ description: 'one', ...fn('f') }]]) {
      const otherEcho = toolEcho(again(other) as ToolParam[]);
      expect(otherEcho).not.toBe(echo);
      expect(otherEcho.json).toBe(JSON.stringify((other as ToolParam[]).map(echoTool)));
    }
  });

  it('the cached echo is frozen and shares no object with the request it was made from', () => {
    const tools = again([{ type: 'custom', name: 'shared_check', format: { type: 'text' } }]) as ToolParam[];
    const echo = toolEcho(tools);
    expect(echo.tools[0]).not.toBe(tools[0]);
    expect(Object.isFrozen(echo.tools)).toBe(true);
    expect(Object.isFrozen((echo.tools[0] as { format: object }).format)).toBe(true);
    (tools[0] as { name: string }).name = 'changed_after';
    expect(echo.json).toContain('"shared_check"');
  });

  it('a list too large to keep is echoed for its request only', () => {
    const big = [fn('big', { description: 'x'.repeat(300 * 1024) })];
    const first = toolEcho(again(big) as ToolParam[]);
    expect(first.json).toBe(JSON.stringify((big as ToolParam[]).map(echoTool)));
    expect(toolEcho(again(big) as ToolParam[])).not.toBe(first);
  });

  it('no tools: an empty list', () => {
    expect(toolEcho(undefined).json).toBe('[]');
    expect(toolEcho([]).json).toBe('[]');
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

  it('the stream form (in_progress, no output_text) is written the same way', () => {
    const ctx = pinnedContext({ instructions: 'i', tools: [fn('f')] });
    const res = toResponse(answer([{ text: 'x' }]), ctx);
    const { output_text: _omitted, ...streamed } = { ...res, status: 'in_progress' as const, completed_at: null, output: [] };
    expect(responseJson(streamed, { instructions: '"i"', tools: echoedTools(ctx).json })).toBe(JSON.stringify(streamed));
  });
});
