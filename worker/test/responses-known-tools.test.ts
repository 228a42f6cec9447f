// A tool list sent again (Codex: every turn) is recognised, and what is derived from it is made
// once: the declarations (frozen, shared with nothing of the request) and their Gemini forms in
// the core, the same as made per request for a list not kept. The first sighting keeps nothing.
import { describe, expect, it } from 'vitest';
import { declaredTools, toConversation, toGeminiBody } from '../src/dialects/responses/request';
import { toGenerateContent } from '../src/gemini/request';
import type { ToolParam } from '../src/dialects/responses/types';
import { parseResponsesRequest } from '../src/dialects/responses/validate';
import { knownTools, toolListEntry } from '../src/dialects/responses/known-tools';
import { ApiError } from '../src/errors';

const TOOLS = [
  { type: 'function', name: 'shell', description: 'Runs a command.', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false } },
  { type: 'custom', name: 'apply_patch', description: 'Patches files.', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
  { type: 'namespace', name: 'agents', description: 'Sub-agents.', tools: [{ type: 'function', name: 'spawn', parameters: { type: 'object', properties: { task: { type: 'string' } } } }] },
  { type: 'web_search' },
];
const again = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const request = (model: string, tools: unknown[] = again(TOOLS)) => parseResponsesRequest({ model, input: 'hi', tools, tool_choice: 'auto' });

describe('known tool lists', () => {
  it('a list seen for the first time is declared from the request itself: nothing copied, frozen or kept', () => {
    const list = again([{ type: 'function', name: 'first_time', parameters: { type: 'object', properties: { a: { type: 'string' } } } }]) as ToolParam[];
    const { conversation, knownTools: known } = toConversation(parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: list }));
    expect(known).toBeUndefined();
    expect(conversation.keptTools).toBeUndefined();
    expect(Object.isFrozen(conversation.tools)).toBe(false);
  });

  it('the declarations of a list sent again are the ones made the first time, frozen, sharing nothing with the request', () => {
    const first = again(TOOLS) as ToolParam[];
    knownTools.entry(again(TOOLS));
    const known = knownTools.entry(again(TOOLS))!;
    const declared = declaredTools(first, known);
    expect(declaredTools(again(TOOLS) as ToolParam[], known)).toBe(declared);
    expect(Object.isFrozen(declared.tools)).toBe(true);
    const shell = declared.tools[0] as { parameters: object };
    expect(shell.parameters).not.toBe((first[0] as { parameters: object }).parameters);
    expect(Object.isFrozen(shell.parameters)).toBe(true);
    expect([...declared.toolNames.custom]).toEqual(['apply_patch']);
    expect([...declared.toolNames.namespaces]).toEqual(['agents']);
  });

  it.each(['gemini-2.5-flash', 'gemini-3-flash-preview', 'gemini-2.0-flash'])('%s: the Gemini tools of a kept list are converted once, equal to a first conversion', (model) => {
    toGeminiBody(request(model)); // seen once
    const first = toGeminiBody(request(model));
    const second = toGeminiBody(request(model));
    expect(second.body.tools).toBe(first.body.tools);
    expect(second.body.toolConfig).toEqual(first.body.toolConfig);
    // The same as the conversion of an ordinary (not frozen) list, made per request.
    const { conversation } = toConversation(request(model));
    const perRequest = toGenerateContent({ ...conversation, tools: [...conversation.tools], keptTools: undefined }).body.tools;
    expect(perRequest).not.toBe(first.body.tools);
    expect(Object.isFrozen(perRequest)).toBe(false);
    expect(first.body.tools).toEqual(perRequest);
  });

  it('the kept Gemini form depends on the model: JSON Schema or the subset, built-in tools with Gemini 3 only', () => {
    toGeminiBody(request('gemini-2.0-flash')); // seen once
    const old = toGeminiBody(request('gemini-2.0-flash')).body.tools!;
    const three = toGeminiBody(request('gemini-3-flash-preview')).body.tools!;
    expect(three).not.toBe(old);
    expect(three.some((t) => 'googleSearch' in t)).toBe(true);
    expect(old.some((t) => 'googleSearch' in t)).toBe(false);
  });

  it('a list whose conversion depends on JSON Schema support: each model gets its own form, equal to a per-request conversion', () => {
    // A map (additionalProperties a schema) is lossy in the subset: gemini-2.5-flash takes JSON Schema
    // (parametersJsonSchema), gemini-2.0-flash the subset (parameters); neither is Gemini 3.
    const lossy = [{ type: 'function', name: 'free_form', parameters: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }];
    toGeminiBody(request('gemini-2.5-flash', again(lossy))); // seen once
    for (const model of ['gemini-2.5-flash', 'gemini-2.0-flash', 'gemini-2.5-flash']) {
      const kept = toGeminiBody(request(model, again(lossy)));
      expect(kept.knownTools).toBeDefined();
      const { conversation } = toConversation(request(model, again(lossy)));
      const perRequest = toGenerateContent({ ...conversation, tools: [...conversation.tools], keptTools: undefined }).body.tools;
      expect(kept.body.tools).toEqual(perRequest);
    }
    const declaration = (model: string) => toGeminiBody(request(model, again(lossy))).body.tools![0]!.functionDeclarations![0]!;
    expect(declaration('gemini-2.5-flash').parametersJsonSchema).toBeDefined();
    expect(declaration('gemini-2.0-flash').parameters).toBeDefined();
  });

  describe('validation of a kept list', () => {
    const listNamed = (tag: string) => [{ type: 'function', name: `lookup_${tag}`, parameters: { type: 'object', properties: { q: { type: 'string' } } } }, { type: 'custom', name: `patch_${tag}` }];
    const refusal = (body: Record<string, unknown>) => {
      try {
        parseResponsesRequest(body);
      } catch (err) {
        if (err instanceof ApiError) return { status: err.status, param: err.param };
        throw err;
      }
      return undefined;
    };

    it('a list kept after passing keeps its names: later requests are not checked again, and still find the entry', () => {
      const first = parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('a') });
      expect(toolListEntry(first)).toBeUndefined();
      const second = parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('a') });
      const known = toolListEntry(second)!;
      expect([...known.names!]).toEqual(['lookup_a', 'patch_a']);
      const third = parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('a'), tool_choice: { type: 'function', name: 'lookup_a' } });
      expect(toolListEntry(third)).toBe(known);
      // Nothing is added to the client's body: no key, no symbol.
      expect(Object.getOwnPropertySymbols(third)).toEqual([]);
      expect(Object.keys(third).sort()).toEqual(['input', 'model', 'tool_choice', 'tools']);
    });

    it("refused lists are never recorded: however many are sent, however often, a kept list keeps its place", () => {
      for (let i = 0; i < 2; i++) parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('codex') });
      const codex = toolListEntry(parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('codex') }))!;
      expect(codex).toBeDefined();
      const held = knownTools.heldBytes;
      // More refused lists than the memo has places, each sent twice (a sighting that would keep a valid one).
      for (let k = 0; k < 20; k++) {
        for (let i = 0; i < 2; i++) expect(refusal({ model: 'gemini-2.5-flash', input: 'hi', tools: [...listNamed(`bad${k}`), { type: 'function', name: `lookup_bad${k}` }] })).toEqual({ status: 400, param: 'tools[2].name' });
      }
      expect(knownTools.heldBytes).toBe(held);
      expect(toolListEntry(parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('codex') }))).toBe(codex);
    });

    it('tool_choice is still checked against a kept list', () => {
      for (let i = 0; i < 3; i++) parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('b') });
      expect(refusal({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('b'), tool_choice: { type: 'function', name: 'missing' } })).toEqual({ status: 400, param: 'tool_choice.name' });
    });

    it('a list that fails its checks is refused every time it is sent, however often (nothing of it is taken as checked)', () => {
      const bad = () => [...listNamed('c'), { type: 'function', name: 'lookup_c' }];
      for (let i = 0; i < 5; i++) expect(refusal({ model: 'gemini-2.5-flash', input: 'hi', tools: bad() })).toEqual({ status: 400, param: 'tools[2].name' });
      const deep: Record<string, unknown> = {};
      let at = deep;
      for (let i = 0; i < 70; i++) at = (at.x = {}) as Record<string, unknown>;
      const nested = () => [{ type: 'function', name: 'deep', parameters: { type: 'object', properties: deep } }];
      for (let i = 0; i < 5; i++) expect(refusal({ model: 'gemini-2.5-flash', input: 'hi', tools: nested() })?.status).toBe(400);
    });

    it('a list one leaf away from a kept one is checked on its own', () => {
      for (let i = 0; i < 3; i++) parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', tools: listNamed('d') });
      const changed = listNamed('d');
      changed[1]!.name = 'not a name!';
      expect(refusal({ model: 'gemini-2.5-flash', input: 'hi', tools: changed })).toEqual({ status: 400, param: 'tools[1].name' });
    });
  });
});
