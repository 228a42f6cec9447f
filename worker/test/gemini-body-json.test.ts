// A body whose tools are a kept list's is written around their JSON made once: byte for byte what
// JSON.stringify writes, for every model variant and option set; other bodies are left to it.
import { describe, expect, it } from 'vitest';
import { keptBodyJson } from '../src/gemini/body-json';
import { toGenerateContent } from '../src/gemini/request';
import { toConversation, toGeminiBody } from '../src/dialects/responses/request';
import { parseResponsesRequest } from '../src/dialects/responses/validate';

const TOOLS = [
  { type: 'function', name: 'shell', description: 'Runs “a” command.\n', parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] } },
  { type: 'function', name: 'free', parameters: { type: 'object', additionalProperties: true } },
  { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
  { type: 'web_search' },
];
const body = (extra: Record<string, unknown>) =>
  parseResponsesRequest({ model: 'gemini-2.5-flash', instructions: 'Be brief.', input: [{ role: 'user', content: 'hi ✓' }], tools: JSON.parse(JSON.stringify(TOOLS)), ...extra });

describe('keptBodyJson', () => {
  it.each<[string, Record<string, unknown>]>([
    ['gemini-2.5-flash, tool_choice auto', { tool_choice: 'auto' }],
    ['gemini-3-flash-preview (built-in tools kept beside functions), required', { model: 'gemini-3-flash-preview', tool_choice: 'required' }],
    ['gemini-2.0-flash (the schema subset), options set', { model: 'gemini-2.0-flash', temperature: 0.3, max_output_tokens: 50, reasoning: { effort: 'low' } }],
    ['no instructions, a function named', { instructions: undefined, tool_choice: { type: 'function', name: 'shell' } }],
  ])('%s: exactly JSON.stringify of the body', (_name, extra) => {
    toGeminiBody(body(extra)); // seen once: kept from the second time on
    const { body: first } = toGeminiBody(body(extra));
    const { body: again } = toGeminiBody(body(extra));
    expect(again.tools).toBe(first.tools); // kept
    expect(keptBodyJson(again)?.text).toBe(JSON.stringify(again));
  });

  it('a body whose tools are not kept (made per request) is left to JSON.stringify', () => {
    const { conversation } = toConversation(body({}));
    const perRequest = toGenerateContent({ ...conversation, tools: [...conversation.tools], keptTools: undefined }).body;
    expect(keptBodyJson(perRequest)).toBeUndefined();
    // A list seen for the first time: converted for its request, nothing kept.
    const once = toGeminiBody(body({ tools: [{ type: 'function', name: 'seen_once' }] }));
    expect(once.knownTools).toBeUndefined();
    expect(keptBodyJson(once.body)).toBeUndefined();
    expect(keptBodyJson(toGeminiBody(parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi' })).body)).toBeUndefined();
  });
});
