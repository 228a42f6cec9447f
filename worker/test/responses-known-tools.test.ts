// A tool list sent again (Codex: every turn) is recognised, and what is derived from it is made
// once: the declarations (frozen, shared with nothing of the request) and their Gemini form in
// the core, the same as made for a list seen for the first time.
import { describe, expect, it } from 'vitest';
import { declaredTools, toConversation, toGeminiBody } from '../src/dialects/responses/request';
import { toGenerateContent } from '../src/gemini/request';
import type { ToolParam } from '../src/dialects/responses/types';
import { parseResponsesRequest } from '../src/dialects/responses/validate';

const TOOLS = [
  { type: 'function', name: 'shell', description: 'Runs a command.', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false } },
  { type: 'custom', name: 'apply_patch', description: 'Patches files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
  { type: 'namespace', name: 'agents', description: 'Sub-agents.', tools: [{ type: 'function', name: 'spawn', parameters: { type: 'object', properties: { task: { type: 'string' } } } }] },
  { type: 'web_search' },
];
const again = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const request = (model: string, tools: unknown[] = again(TOOLS)) => parseResponsesRequest({ model, input: 'hi', tools, tool_choice: 'auto' });

describe('known tool lists', () => {
  it('the declarations of a list sent again are the ones made the first time, frozen, sharing nothing with the request', () => {
    const first = again(TOOLS) as ToolParam[];
    const declared = declaredTools(first);
    expect(declaredTools(again(TOOLS) as ToolParam[])).toBe(declared);
    expect(Object.isFrozen(declared.tools)).toBe(true);
    const shell = declared.tools[0] as { parameters: object };
    expect(shell.parameters).not.toBe((first[0] as { parameters: object }).parameters);
    expect(Object.isFrozen(shell.parameters)).toBe(true);
    expect([...declared.toolNames.custom]).toEqual(['apply_patch']);
    expect([...declared.toolNames.namespaces]).toEqual(['agents']);
  });

  it.each(['gemini-2.5-flash', 'gemini-3-flash-preview', 'gemini-2.0-flash'])('%s: the Gemini tools of a kept list are converted once, equal to a first conversion', (model) => {
    const first = toGeminiBody(request(model));
    const second = toGeminiBody(request(model));
    expect(second.body.tools).toBe(first.body.tools);
    expect(second.body.toolConfig).toEqual(first.body.toolConfig);
    // The same as the conversion of an ordinary (not frozen) list, made per request.
    const { conversation } = toConversation(request(model));
    const perRequest = toGenerateContent({ ...conversation, tools: [...conversation.tools] }).body.tools;
    expect(perRequest).not.toBe(first.body.tools);
    expect(Object.isFrozen(perRequest)).toBe(false);
    expect(first.body.tools).toEqual(perRequest);
  });

  it('the kept Gemini form depends on the model: JSON Schema or the subset, built-in tools with Gemini 3 only', () => {
    const old = toGeminiBody(request('gemini-2.0-flash')).body.tools!;
    const three = toGeminiBody(request('gemini-3-flash-preview')).body.tools!;
    expect(three).not.toBe(old);
    expect(three.some((t) => 'googleSearch' in t)).toBe(true);
    expect(old.some((t) => 'googleSearch' in t)).toBe(false);
  });
});
