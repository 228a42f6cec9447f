// Anthropic Messages request -> Gemini body, as a table; every body is also run through the
// strict, closed-object oracle built from Google's discovery document.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Anthropic } from '@opengemini/shared';
import { collectMediaUrls, toGeminiRequest } from '../src/dialects/anthropic/request';
import { parseMessagesRequest } from '../src/dialects/anthropic/validate';
import { carrySignature } from '../src/gemini/signatures';
import { SKIP_SIGNATURE, encodeToolCallId } from '../src/gemini/signatures';
import { findGeminiViolations } from '../../tools/src/oracles/gemini-validator';
import { oraclesPresent, repoRoot } from '../../tools/src/oracles/paths';

const base = (extra: Record<string, unknown> = {}) => ({ model: 'gemini-2.5-flash', max_tokens: 1024, messages: [{ role: 'user', content: 'Hi' }], ...extra });
function map(body: Record<string, unknown>) {
  const out = toGeminiRequest(parseMessagesRequest(body));
  if (oraclesPresent) expect(findGeminiViolations('GenerateContentRequest', out.body)).toEqual([]);
  return out.body;
}

const carried = encodeToolCallId({ geminiId: 'g-1', signature: 'c2lnLTE=' }, () => 'n1', 'toolu_');
const claudeSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { command: { type: 'string' }, timeout: { type: 'number' }, mode: { type: 'string', enum: ['a', 'b'] } },
  required: ['command'],
  additionalProperties: false,
};

describe('Anthropic request -> Gemini body', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['system as a string', base({ system: 'Be brief.' }), { systemInstruction: { parts: [{ text: 'Be brief.' }] } }],
    [
      'system as text blocks (cache_control ignored)',
      base({ system: [{ type: 'text', text: 'A', cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'B' }] }),
      { systemInstruction: { parts: [{ text: 'A' }, { text: 'B' }] } },
    ],
    [
      'image (base64) and a PDF document',
      base({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/4AAQ' } }, { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } }, { type: 'text', text: 'Compare.' }] }] }),
      { contents: [{ role: 'user', parts: [{ inlineData: { mimeType: 'image/jpeg', data: '/9j/4AAQ' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0x' } }, { text: 'Compare.' }] }] },
    ],
    [
      'a plain-text document becomes titled text',
      base({ messages: [{ role: 'user', content: [{ type: 'document', title: 'notes.txt', source: { type: 'text', media_type: 'text/plain', data: 'line 1' } }] }] }),
      { contents: [{ role: 'user', parts: [{ text: 'notes.txt\n\nline 1' }] }] },
    ],
    [
      'tool results ordered like their calls, named after them; is_error -> {error}; images after',
      base({
        model: 'gemini-2.5-flash',
        tools: [{ name: 'Bash', input_schema: claudeSchema }, { name: 'Read', input_schema: { type: 'object', properties: { p: { type: 'string' } } } }],
        messages: [
          { role: 'user', content: 'go' },
          { role: 'assistant', content: [{ type: 'text', text: 'Two things.' }, { type: 'tool_use', id: 'toolu_A', name: 'Bash', input: { command: 'ls' } }, { type: 'tool_use', id: carried, name: 'Read', input: { p: '/x' } }] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: carried, content: [{ type: 'text', text: '{"size": 3}' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBO' } }] },
              { type: 'tool_result', tool_use_id: 'toolu_A', content: 'command not found', is_error: true },
              { type: 'text', text: '<system-reminder>x</system-reminder>' },
            ],
          },
        ],
      }),
      {
        contents: [
          { role: 'user', parts: [{ text: 'go' }] },
          { role: 'model', parts: [{ text: 'Two things.' }, { functionCall: { name: 'Bash', args: { command: 'ls' } } }, { functionCall: { name: 'Read', args: { p: '/x' }, id: 'g-1' }, thoughtSignature: 'c2lnLTE=' }] },
          {
            role: 'user',
            parts: [
              { functionResponse: { name: 'Bash', response: { error: 'command not found' } } },
              { functionResponse: { name: 'Read', response: { result: { size: 3 } }, id: 'g-1' } },
              { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
              { text: '<system-reminder>x</system-reminder>' },
            ],
          },
        ],
      },
    ],
    [
      'thinking blocks are not sent; our signature goes back to the turn’s last text; redacted thinking dropped',
      base({
        messages: [
          { role: 'user', content: 'q' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'hmm', signature: carrySignature('dGV4dC1zaWc=') }, { type: 'redacted_thinking', data: 'xyz' }, { type: 'text', text: 'A.' }] },
          { role: 'user', content: 'more' },
        ],
      }),
      { contents: [{ role: 'user', parts: [{ text: 'q' }] }, { role: 'model', parts: [{ text: 'A.', thoughtSignature: 'dGV4dC1zaWc=' }] }, { role: 'user', parts: [{ text: 'more' }] }] },
    ],
    [
      'Claude Code’s input_schema ($schema, additionalProperties, enum) through the shared converter',
      base({ tools: [{ name: 'Bash', description: 'Runs a command', input_schema: claudeSchema }] }),
      { tools: [{ functionDeclarations: [{ name: 'Bash', description: 'Runs a command', parameters: { type: 'OBJECT', properties: { command: { type: 'STRING' }, timeout: { type: 'NUMBER' }, mode: { type: 'STRING', enum: ['a', 'b'] } }, required: ['command'] } }] }] },
    ],
    ['web_search server tool alone -> Google Search', base({ tools: [{ type: 'web_search_20250305', name: 'web_search', max_uses: 5 }] }), { tools: [{ googleSearch: {} }] }],
    [
      'web_search beside functions on Gemini 3: both',
      base({ model: 'gemini-3-flash-preview', tools: [{ type: 'web_search_20250305', name: 'web_search' }, { name: 'Bash', input_schema: claudeSchema }] }),
      { tools: [{ functionDeclarations: [expect.objectContaining({ name: 'Bash' })] }, { googleSearch: {} }] },
    ],
    ['tool_choice any', base({ tools: [{ name: 'Bash', input_schema: claudeSchema }], tool_choice: { type: 'any', disable_parallel_tool_use: true } }), { toolConfig: { functionCallingConfig: { mode: 'ANY' } } }],
    ['tool_choice tool', base({ tools: [{ name: 'Bash', input_schema: claudeSchema }], tool_choice: { type: 'tool', name: 'Bash' } }), { toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['Bash'] } } }],
    ['tool_choice none', base({ tools: [{ name: 'Bash', input_schema: claudeSchema }], tool_choice: { type: 'none' } }), { toolConfig: { functionCallingConfig: { mode: 'NONE' } } }],
    [
      'sampling: max_tokens, temperature, top_p, top_k, stop_sequences; metadata ignored',
      base({ temperature: 0.3, top_p: 0.9, top_k: 40, stop_sequences: ['END', ''], metadata: { user_id: 'u' }, service_tier: 'auto' }),
      { generationConfig: { maxOutputTokens: 1024, temperature: 0.3, topP: 0.9, topK: 40, stopSequences: ['END'] } },
    ],
  ])('%s', (_name, body, want) => {
    expect(map(body)).toMatchObject(want);
  });

  it('image and PDF URLs: inlined from what was fetched beforehand; Gemini file URIs passed by reference', () => {
    const req = parseMessagesRequest(
      base({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
              { type: 'document', source: { type: 'url', url: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } },
              { type: 'tool_result', tool_use_id: 'x', content: [{ type: 'image', source: { type: 'url', url: 'https://example.com/shot.jpg' } }] },
            ],
          },
        ],
      }),
    );
    expect(collectMediaUrls(req)).toEqual([
      { url: 'https://example.com/cat.png', param: 'messages.0.content.0.source.url', name: 'the image at messages.0.content.0' },
      { url: 'https://example.com/shot.jpg', param: 'messages.0.content.2.content.0.source.url', name: 'the image at messages.0.content.2.content.0' },
    ]);
    const media = new Map([
      ['https://example.com/cat.png', { mimeType: 'image/png', data: 'iVBO' }],
      ['https://example.com/shot.jpg', { mimeType: 'image/jpeg', data: '/9j/' }],
    ]);
    const parts = toGeminiRequest(req, media).body.contents![0]!.parts!;
    expect(parts).toContainEqual({ inlineData: { mimeType: 'image/png', data: 'iVBO' } });
    expect(parts).toContainEqual({ inlineData: { mimeType: 'image/jpeg', data: '/9j/' } });
    expect(parts).toContainEqual({ fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc123' } });
    expect(() => toGeminiRequest(req)).toThrow(expect.objectContaining({ message: expect.stringMatching(/not fetched/), param: 'messages.0.content.0.source.url' }));
  });

  it('history from Claude itself (ids and signatures not ours) gets Google’s placeholder on Gemini 3', () => {
    const body = map(
      base({
        model: 'gemini-3-pro-preview',
        tools: [{ name: 'Bash', input_schema: claudeSchema }],
        messages: [
          { role: 'user', content: 'ls' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 't', signature: 'ErUBCkYIAxgCIkDclaude' }, { type: 'tool_use', id: 'toolu_01XYZ', name: 'Bash', input: { command: 'ls' } }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01XYZ', content: 'a b' }] },
        ],
      }),
    );
    expect(body.contents![1]!.parts![0]).toEqual({ functionCall: { name: 'Bash', args: { command: 'ls' } }, thoughtSignature: SKIP_SIGNATURE });
  });
});

describe('thinking -> thinkingConfig by model family', () => {
  const thinking = (model: string, extra: Record<string, unknown>) => map(base({ model, ...extra })).generationConfig?.thinkingConfig;
  it.each<[string, string, Record<string, unknown>, unknown]>([
    ['no thinking: the model default, no summaries', 'gemini-2.5-flash', {}, undefined],
    ['enabled: the budget, with summaries', 'gemini-2.5-flash', { thinking: { type: 'enabled', budget_tokens: 4096 } }, { thinkingBudget: 4096, includeThoughts: true }],
    ['enabled above Flash’s ceiling: clamped to 24576', 'gemini-2.5-flash', { max_tokens: 64000, thinking: { type: 'enabled', budget_tokens: 31999 } }, { thinkingBudget: 24576, includeThoughts: true }],
    ['enabled on 2.5 Pro within 128..32768', 'gemini-2.5-pro', { max_tokens: 64000, thinking: { type: 'enabled', budget_tokens: 50000 } }, { thinkingBudget: 32768, includeThoughts: true }],
    ['enabled on Gemini 3: the matching level', 'gemini-3-flash-preview', { thinking: { type: 'enabled', budget_tokens: 2048 } }, { thinkingLevel: 'LOW', includeThoughts: true }],
    ['adaptive: dynamic thinking', 'gemini-2.5-flash', { thinking: { type: 'adaptive' } }, { thinkingBudget: -1, includeThoughts: true }],
    ['adaptive with effort on Gemini 3', 'gemini-3-pro-preview', { thinking: { type: 'adaptive' }, output_config: { effort: 'max' } }, { thinkingLevel: 'HIGH', includeThoughts: true }],
    ['disabled on Flash: off', 'gemini-2.5-flash', { thinking: { type: 'disabled' } }, { thinkingBudget: 0 }],
    ['disabled on 2.5 Pro: its minimum (it cannot stop thinking)', 'gemini-2.5-pro', { thinking: { type: 'disabled' } }, { thinkingBudget: 128 }],
    ['a model that does not think: nothing', 'gemini-2.0-flash', { thinking: { type: 'enabled', budget_tokens: 2048 } }, undefined],
  ])('%s (%s)', (_name, model, extra, want) => {
    expect(thinking(model, extra)).toEqual(want);
  });
});

describe('Anthropic request checks', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['max_tokens missing', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    ['max_tokens zero', base({ max_tokens: 0 }), 'max_tokens'],
    ['no messages', base({ messages: [] }), 'messages'],
    ['an unknown block type', base({ messages: [{ role: 'user', content: [{ type: 'audio' }] }] }), 'messages.0.content.0.type'],
    ['thinking in a user message', base({ messages: [{ role: 'user', content: [{ type: 'thinking', thinking: 'x', signature: 's' }] }] }), 'messages.0.content.0.type'],
    ['an image without a source', base({ messages: [{ role: 'user', content: [{ type: 'image' }] }] }), 'messages.0.content.0.source'],
    ['an image from a file id', base({ messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'file_1' } }] }] }), 'messages.0.content.0.source'],
    ['a tool_result holding a tool_use', base({ messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 'a', content: [{ type: 'tool_use' }] }] }] }), 'messages.0.content.0.content.0.type'],
    ['a custom tool without input_schema', base({ tools: [{ name: 'x' }] }), 'tools.0.input_schema'],
    ['a tool name Gemini refuses (starts with a digit)', base({ tools: [{ name: '1read', input_schema: { type: 'object' } }] }), 'tools.0.name'],
    ['a tool name over 128 characters', base({ tools: [{ name: 'r'.repeat(129), input_schema: { type: 'object' } }] }), 'tools.0.name'],
    ['thinking enabled without a budget', base({ thinking: { type: 'enabled' } }), 'thinking.budget_tokens'],
    ['an unknown thinking type', base({ thinking: { type: 'max' } }), 'thinking.type'],
    ['temperature out of range', base({ temperature: 3 }), 'temperature'],
  ])('%s: 400 naming %s', (_name, body, field) => {
    let err: unknown;
    try {
      parseMessagesRequest(body);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ status: 400, param: field });
    expect((err as Error).message.startsWith(`${field}:`) || (err as Error).message.startsWith(`${field}.`)).toBe(true);
  });

  it('an Anthropic-defined tool Gemini lacks (bash_20250124) is a 400 naming it', () => {
    expect(() => map(base({ tools: [{ type: 'bash_20250124', name: 'bash' }] }))).toThrow(/tools\.0\.type: 'bash_20250124'/);
  });

  it('count_tokens bodies need no max_tokens', () => {
    expect(parseMessagesRequest({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] } satisfies Partial<Anthropic.MessagesRequest>, true).model).toBe('gemini-2.5-flash');
  });
});

describe('what the real Claude Code 2.1 sends (recorded turns, tools/test/agents/fixtures)', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(resolve(repoRoot, 'tools/test/agents/fixtures', name), 'utf8')) as { body: Record<string, unknown> };

  it('first turn: its mid-conversation system message joins the system instruction, its billing header line does not; 12 tools declared; adaptive thinking with display omitted', () => {
    const body = map(fixture('claude-code-first-turn.json').body);
    const system = body.systemInstruction!.parts!.map((p) => p.text!);
    expect(system.some((t) => t.startsWith('x-anthropic-billing-header'))).toBe(false);
    expect(system.at(-1)).toMatch(/^# Environment/);
    expect(body.contents!.map((c) => c.role)).toEqual(['user']);
    expect(body.tools![0]!.functionDeclarations!.map((d) => d.name)).toContain('DeferredToolPlaceholder');
    expect(body.tools![0]!.functionDeclarations).toHaveLength(12);
    expect(body.generationConfig).toMatchObject({ maxOutputTokens: 32000, thinkingConfig: { thinkingBudget: 24576 } });
    expect(body.generationConfig!.thinkingConfig).not.toHaveProperty('includeThoughts');
  });

  it('tool results turn: calls and results paired in order, thinking blocks not sent', () => {
    const body = map(fixture('claude-code-tool-results-turn.json').body);
    expect(body.contents!.map((c) => c.role)).toEqual(['user', 'model', 'user', 'model', 'user']);
    const calls = body.contents!.filter((c) => c.role === 'model').map((c) => c.parts!.filter((p) => p.functionCall).map((p) => p.functionCall!.name));
    const results = body.contents!.slice(2).filter((c) => c.role === 'user').map((c) => c.parts!.filter((p) => p.functionResponse).map((p) => p.functionResponse!.name));
    expect(results).toEqual(calls);
    expect(JSON.stringify(body.contents)).not.toContain('"thought"');
  });
});
