// Gemini answers -> Response objects, as tables; every object checked against OpenAI's Response
// schema (skipped with a message when ../shared/oracles is absent).
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { responseIds, toResponse } from '../src/dialects/responses/response';
import { decodeToolCallId } from '../src/gemini/signatures';
import { pinnedContext } from './support/responses';


const usage: Gemini.UsageMetadata = { promptTokenCount: 10, candidatesTokenCount: 5, thoughtsTokenCount: 3, cachedContentTokenCount: 4, totalTokenCount: 18 };
const answer = (parts: Gemini.Part[], finishReason: Gemini.Candidate['finishReason'] = 'STOP', extra: Partial<Gemini.Candidate> = {}): Gemini.GenerateContentResponse => ({
  candidates: [{ content: { role: 'model', parts }, finishReason, index: 0, ...extra }],
  usageMetadata: usage,
});

function expectSpec(body: unknown): void {
  if (oraclesPresent) expect(validateOpenAI('Response', JSON.parse(JSON.stringify(body)))).toEqual([]);
}

describe('toResponse', () => {
  it('a text answer: one message with output_text, output_text echoed, usage in Responses terms', () => {
    const res = toResponse(answer([{ text: 'Hello' }, { text: ' there' }]), pinnedContext({ instructions: 'Be brief.', metadata: { a: 'b' }, temperature: 0.5 }));
    expect(res).toMatchObject({
      id: 'resp_1', object: 'response', status: 'completed', instructions: 'Be brief.', model: 'gemini-3-flash-preview', metadata: { a: 'b' }, temperature: 0.5,
      output: [{ id: 'msg_1', type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Hello there', annotations: [], logprobs: [] }] }],
      output_text: 'Hello there',
      usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 4, cache_write_tokens: 0 }, output_tokens: 8, output_tokens_details: { reasoning_tokens: 3 }, total_tokens: 18 },
    });
    expectSpec(res);
  });

  it.each<[string, Gemini.GenerateContentResponse, Record<string, unknown>]>([
    ['thoughts first, as one reasoning item with summary text', answer([{ text: 'Let me think', thought: true }, { text: 'Answer' }]), {
      output: [{ id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'Let me think' }] }, { type: 'message', content: [{ text: 'Answer' }] }],
    }],
    ['MAX_TOKENS: incomplete, max_output_tokens', answer([{ text: 'Hal' }], 'MAX_TOKENS'), { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, completed_at: null, output: [{ status: 'incomplete' }] }],
    ['SAFETY: incomplete, content_filter', answer([{ text: 'x' }], 'SAFETY'), { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }],
    ['MALFORMED_FUNCTION_CALL: the turn is over, completed', answer([], 'MALFORMED_FUNCTION_CALL'), { status: 'completed', output: [{ type: 'message', content: [{ text: '' }] }] }],
    ['a blocked prompt: a refusal, incomplete, content_filter', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: usage }, {
      status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'Gemini blocked the prompt (SAFETY).' }] }],
    }],
    ['no candidates and no block reason: an empty message', { usageMetadata: usage }, { status: 'completed', output: [{ type: 'message', content: [{ type: 'output_text', text: '' }] }] }],
  ])('%s', (_name, gemini, expected) => {
    const res = toResponse(gemini, pinnedContext());
    expect(res).toMatchObject(expected);
    expectSpec(res);
  });

  it('function calls: call_id from the minter (it carries the signature), arguments as JSON text, no empty message', () => {
    const res = toResponse(answer([{ functionCall: { name: 'shell', args: { command: ['ls'] } }, thoughtSignature: 'c2ln' }, { functionCall: { name: 'shell', args: {} } }]), pinnedContext({ tools: [{ type: 'function', name: 'shell' }] }));
    expect(res.output).toEqual([
      { id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_c2ln', name: 'shell', arguments: '{"command":["ls"]}' },
      { id: 'fc_2', type: 'function_call', status: 'completed', call_id: 'call_plain', name: 'shell', arguments: '{}' },
    ]);
    expectSpec(res);
  });

  it('a call to a namespaced tool comes back with its name and namespace apart', () => {
    const ctx = pinnedContext({ tools: [{ type: 'namespace', name: 'multi_agent_v1', description: 'x', tools: [{ type: 'function', name: 'spawn_agent', strict: false, parameters: {} }] }] });
    const res = toResponse(answer([{ functionCall: { name: 'multi_agent_v1.spawn_agent', args: { task: 't' } } }]), ctx);
    expect(res.output).toEqual([{ id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_plain', name: 'spawn_agent', namespace: 'multi_agent_v1', arguments: '{"task":"t"}' }]);
    expectSpec(res);
  });

  it('a call to a custom tool comes back as custom_tool_call with the raw input', () => {
    const ctx = pinnedContext({ tools: [{ type: 'custom', name: 'apply_patch' }] });
    const res = toResponse(answer([{ text: 'Patching.' }, { functionCall: { name: 'apply_patch', args: { input: '*** Begin Patch\n*** End Patch\n' } } }]), ctx);
    expect(res.output[1]).toEqual({ id: 'ctc_2', type: 'custom_tool_call', call_id: 'call_plain', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' });
    expectSpec(res);
  });

  it.each<[string, boolean, Gemini.Part[], unknown[]]>([
    ['with include: the signature in a reasoning item of its own, just before the calls', true, [{ text: 'hmm', thought: true }, { text: 'Looking.' }, { functionCall: { name: 'f', args: {} }, thoughtSignature: 'c2ln' }], [
      { id: 'rs_1', type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm' }] },
      expect.objectContaining({ type: 'message' }),
      { id: 'rs_3', type: 'reasoning', summary: [], encrypted_content: 'gemini-thought-signature:c2ln' },
      expect.objectContaining({ type: 'function_call', call_id: 'call_c2ln' }),
    ]],
    ['with include, a signature that came with text: last', true, [{ text: 'Hello', thoughtSignature: 'dGV4dA==' }], [
      expect.objectContaining({ type: 'message' }),
      { id: 'rs_2', type: 'reasoning', summary: [], encrypted_content: 'gemini-thought-signature:dGV4dA==' },
    ]],
    ['without include: no encrypted_content (the call id still carries it)', false, [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'c2ln' }], [
      expect.objectContaining({ type: 'function_call', call_id: 'call_c2ln' }),
    ]],
  ])('%s', (_name, include, parts, output) => {
    const res = toResponse(answer(parts), pinnedContext({ tools: [{ type: 'function', name: 'f' }] }, include));
    expect(res.output).toEqual(output);
    expectSpec(res);
  });

  it('Google Search grounding becomes url_citation annotations over the text', () => {
    const text = 'Paris is the capital of France.';
    const res = toResponse(answer([{ text }], 'STOP', {
      groundingMetadata: {
        groundingChunks: [{ web: { uri: 'https://example.org/paris', title: 'example.org' } }],
        groundingSupports: [{ segment: { startIndex: 0, endIndex: 5, text: 'Paris' }, groundingChunkIndices: [0] }],
      },
    }), pinnedContext({ tools: [{ type: 'web_search' }] }));
    expect(res.output[0]).toMatchObject({ content: [{ annotations: [{ type: 'url_citation', url: 'https://example.org/paris', title: 'example.org', start_index: 0, end_index: 5 }] }] });
    expectSpec(res);
  });

  it('echoes the request as OpenAI does: function tools with strict, json_schema format, reasoning', () => {
    const res = toResponse(answer([{ text: '{}' }]), pinnedContext({
      tools: [{ type: 'function', name: 'f', parameters: { type: 'object' } }],
      tool_choice: 'required',
      reasoning: { effort: 'low' },
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' } } },
      max_output_tokens: 100,
      parallel_tool_calls: false,
    }));
    expect(res).toMatchObject({
      tools: [{ type: 'function', name: 'f', description: null, parameters: { type: 'object' }, strict: true }],
      tool_choice: 'required',
      reasoning: { effort: 'low', summary: null },
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' }, strict: false } },
      max_output_tokens: 100,
      parallel_tool_calls: false,
      store: false,
      previous_response_id: null,
    });
    expectSpec(res);
  });
});

describe('responseIds', () => {
  it('one random part for the response, its items and its calls: every id distinct, call ids carry what Gemini sent', () => {
    const ids = responseIds();
    const base = ids.id.slice('resp_'.length);
    expect(base).toMatch(/^[A-Za-z0-9]{24}$/);
    const carried = [{}, { geminiId: 'g1' }, { signature: 'c2ln' }, { geminiId: 'g2', signature: 'c2lnMg==' }];
    const calls = carried.map((c) => ids.mintId(c));
    const items = ['msg', 'fc', 'rs', 'ctc'].map((p) => ids.itemId(p));
    expect(new Set([...calls, ...items]).size).toBe(8);
    for (const [k, id] of calls.entries()) {
      expect(id.startsWith(`call_${base}`)).toBe(true);
      expect(decodeToolCallId(id)).toEqual(carried[k]);
    }
    expect(responseIds().id).not.toBe(ids.id);
  });
});
