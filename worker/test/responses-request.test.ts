// The Responses request mapping, as tables: Responses body in, generateContent body out (through
// the validator and the shared core, as the route runs them).
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { carrySignature } from '../src/gemini/signatures';
import { toGeminiBody } from '../src/dialects/responses/request';
import { parseResponsesRequest } from '../src/dialects/responses/validate';
import { SKIP_SIGNATURE, decodeToolCallId, encodeToolCallId } from '../src/gemini/signatures';

type Json = Record<string, unknown>;

function map(body: Json, media?: Map<string, { mimeType: string; data: string }>): Gemini.GenerateContentRequest {
  const req = parseResponsesRequest(structuredClone({ model: 'gemini-2.5-flash', ...body }));
  return toGeminiBody(req, media).body;
}

function mapError(body: Json): ApiError {
  try {
    map(body);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

const user = (text: string) => ({ role: 'user', parts: [{ text }] });
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('input items -> contents', () => {
  it.each<[string, Json, Partial<Gemini.GenerateContentRequest>]>([
    ['a string input is one user turn', { input: 'Hi' }, { contents: [user('Hi')] }],
    ['instructions, system and developer messages become systemInstruction, in order', {
      instructions: 'Be brief.',
      input: [
        { role: 'developer', content: 'Use English.' },
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
        { role: 'system', content: [{ type: 'input_text', text: 'No emoji.' }] },
      ],
    }, { systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use English.' }, { text: 'No emoji.' }] }, contents: [user('Hi')] }],
    ['an assistant message (our own output sent back) is a model turn', {
      input: [
        { role: 'user', content: 'Hi' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Hello', annotations: [] }] },
        { role: 'user', content: 'Bye' },
      ],
    }, { contents: [user('Hi'), { role: 'model', parts: [{ text: 'Hello' }] }, user('Bye')] }],
    ['a data-URL image and a PDF file become inline data beside the text', {
      input: [{ role: 'user', content: [
        { type: 'input_text', text: 'Look' },
        { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' },
        { type: 'input_file', filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0xLjQK' },
      ] }],
    }, { contents: [{ role: 'user', parts: [{ text: 'Look' }, { inlineData: { mimeType: 'image/png', data: PNG } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjQK' } }] }] }],
    ['a Gemini file id is passed by reference', {
      input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'files/abc', filename: 'doc.pdf' }] }],
    }, { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'application/pdf' } }] }] }],
    ['function calls and their outputs: one model turn, the results in call order, plain text kept as text', {
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'function_call', call_id: 'c1', name: 'weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'weather', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c2', output: 'sunny' },
        { type: 'function_call_output', call_id: 'c1', output: '{"temp":20}' },
      ],
    }, { contents: [
      user('Weather?'),
      { role: 'model', parts: [{ functionCall: { name: 'weather', args: { city: 'Paris' } } }, { functionCall: { name: 'weather', args: { city: 'Rome' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'weather', response: { result: { temp: 20 } } } }, { functionResponse: { name: 'weather', response: { result: 'sunny' } } }] },
    ] }],
    ['assistant text then a call in the same turn stay one model turn', {
      input: [
        { role: 'user', content: 'Go' },
        { role: 'assistant', content: [{ type: 'output_text', text: 'Running it.' }] },
        { type: 'function_call', call_id: 'c1', name: 'shell', arguments: '{"command":["ls"]}' },
        { type: 'function_call_output', call_id: 'c1', output: 'a.txt' },
      ],
    }, { contents: [
      user('Go'),
      { role: 'model', parts: [{ text: 'Running it.' }, { functionCall: { name: 'shell', args: { command: ['ls'] } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'shell', response: { result: 'a.txt' } } }] },
    ] }],
    ['a custom tool call is a call with its input as the one argument; its output a function response', {
      input: [
        { role: 'user', content: 'Patch it' },
        { type: 'custom_tool_call', call_id: 'p1', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' },
        { type: 'custom_tool_call_output', call_id: 'p1', output: 'Done!' },
      ],
    }, { contents: [
      user('Patch it'),
      { role: 'model', parts: [{ functionCall: { name: 'apply_patch', args: { input: '*** Begin Patch\n*** End Patch' } } }] },
      { role: 'user', parts: [{ functionResponse: { name: 'apply_patch', response: { result: 'Done!' } } }] },
    ] }],
    ['reasoning summaries are dropped (Gemini takes no thoughts as input)', {
      input: [{ role: 'user', content: 'Hi' }, { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'thinking' }] }, { role: 'assistant', content: 'Hello' }],
    }, { contents: [user('Hi'), { role: 'model', parts: [{ text: 'Hello' }] }] }],
  ])('%s', (_name, body, expected) => {
    expect(map(body)).toMatchObject(expected);
  });
});

describe('thought signatures come back to Gemini 3', () => {
  const history = (reasoning: Json | undefined, callId: string) => ({
    model: 'gemini-3-flash-preview',
    input: [
      { role: 'user', content: 'Go' },
      ...(reasoning ? [reasoning] : []),
      { type: 'function_call', call_id: callId, name: 'shell', arguments: '{}' },
      { type: 'function_call', call_id: 'second', name: 'shell', arguments: '{}' },
      { type: 'function_call_output', call_id: callId, output: 'ok' },
      { type: 'function_call_output', call_id: 'second', output: 'ok' },
    ],
  });
  const firstCall = (body: Gemini.GenerateContentRequest) => body.contents![1]!.parts![0]!;

  it.each<[string, Json | undefined, string, string]>([
    ['from our encrypted_content in the reasoning item before the call', { type: 'reasoning', summary: [], encrypted_content: carrySignature('c2lnLTE=') }, 'call_plain', 'c2lnLTE='],
    ['from the call id when reasoning items were dropped', undefined, encodeToolCallId({ signature: 'c2lnLTI=' }), 'c2lnLTI='],
    ['the placeholder for a foreign encrypted_content (a conversation begun on OpenAI)', { type: 'reasoning', summary: [], encrypted_content: 'gAAAAABopenai-blob' }, 'call_plain', SKIP_SIGNATURE],
    ['the placeholder for history the model did not produce', undefined, 'call_plain', SKIP_SIGNATURE],
  ])('%s', (_name, reasoning, callId, signature) => {
    const body = map(history(reasoning, callId));
    expect(firstCall(body).thoughtSignature).toBe(signature);
    // Only the first call of a step carries it; the results still pair with their calls.
    expect(body.contents![1]!.parts![1]!.thoughtSignature).toBeUndefined();
    expect(body.contents![2]!.parts!.map((p) => p.functionResponse?.name)).toEqual(['shell', 'shell']);
  });

  it('keeps Gemini\'s own call id from the carried id on both the call and its response', () => {
    const id = encodeToolCallId({ geminiId: 'g-7', signature: 'c2ln' });
    const body = map({ model: 'gemini-3-flash-preview', input: [{ role: 'user', content: 'Go' }, { type: 'function_call', call_id: id, name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: id, output: 'ok' }] });
    expect(body.contents![1]!.parts![0]).toEqual({ functionCall: { name: 'f', args: {}, id: 'g-7' }, thoughtSignature: 'c2ln' });
    expect(body.contents![2]!.parts![0]!.functionResponse!.id).toBe('g-7');
    expect(decodeToolCallId(id).signature).toBe('c2ln');
  });
});

describe('tools and tool_choice', () => {
  const fn = { type: 'function', name: 'shell', description: 'Runs a command', strict: true, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false } };
  const patch = { type: 'custom', name: 'apply_patch', description: 'Edit files', format: { type: 'grammar', syntax: 'lark', definition: 'start: begin_patch' } };

  it('declares function tools (strict accepted) and custom tools as one-string-argument functions', () => {
    const body = map({ input: 'Go', tools: [fn, patch] });
    const decls = body.tools![0]!.functionDeclarations!;
    expect(decls.map((d) => d.name)).toEqual(['shell', 'apply_patch']);
    expect(decls[0]!.description).toBe('Runs a command');
    const input = (decls[1]!.parameters as { properties: Record<string, { type: string; description: string }>; required: string[] });
    expect(input.required).toEqual(['input']);
    expect(input.properties.input!.type).toBe('STRING');
    expect(input.properties.input!.description).toContain('start: begin_patch');
  });

  it('flattens a namespace (Codex\'s sub-agent tools) into functions named namespace.name, and maps calls to them back', () => {
    const body = map({
      tools: [fn, { type: 'namespace', name: 'multi_agent_v1', description: 'Sub-agents', tools: [{ type: 'function', name: 'spawn_agent', strict: false, parameters: { type: 'object', properties: { task: { type: 'string' } } } }] }],
      input: [
        { role: 'user', content: 'Go' },
        { type: 'function_call', call_id: 'c1', namespace: 'multi_agent_v1', name: 'spawn_agent', arguments: '{"task":"x"}' },
        { type: 'function_call_output', call_id: 'c1', output: 'spawned' },
      ],
    });
    expect(body.tools![0]!.functionDeclarations!.map((d) => d.name)).toEqual(['shell', 'multi_agent_v1.spawn_agent']);
    expect(body.contents![1]!.parts![0]!.functionCall!.name).toBe('multi_agent_v1.spawn_agent');
    expect(body.contents![2]!.parts![0]!.functionResponse!.name).toBe('multi_agent_v1.spawn_agent');
  });

  it.each<[string, Json, Gemini.Tool[] | undefined]>([
    ['web_search -> Google Search', { tools: [{ type: 'web_search', external_web_access: true }] }, [{ googleSearch: {} }]],
    ['web_search_preview -> Google Search', { tools: [{ type: 'web_search_preview' }] }, [{ googleSearch: {} }]],
    ['code_interpreter -> code execution', { tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, [{ codeExecution: {} }]],
    ['web_search beside functions on Gemini 2.5: the functions win', { tools: [fn, { type: 'web_search' }] }, [{ functionDeclarations: [expect.anything()] as never }]],
  ])('%s', (_name, body, tools) => {
    expect(map({ input: 'Go', ...body }).tools).toEqual(tools);
  });

  it.each<[string, unknown, Gemini.FunctionCallingConfig | undefined]>([
    ['auto', 'auto', { mode: 'AUTO' }],
    ['none', 'none', { mode: 'NONE' }],
    ['required is ANY (Gemini has no REQUIRED)', 'required', { mode: 'ANY' }],
    ['a named function', { type: 'function', name: 'shell' }, { mode: 'ANY', allowedFunctionNames: ['shell'] }],
    ['a named custom tool', { type: 'custom', name: 'apply_patch' }, { mode: 'ANY', allowedFunctionNames: ['apply_patch'] }],
    ['allowed_tools required', { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'shell' }] }, { mode: 'ANY', allowedFunctionNames: ['shell'] }],
    ['allowed_tools auto: VALIDATED, text still allowed', { type: 'allowed_tools', mode: 'auto', tools: [{ type: 'custom', name: 'apply_patch' }] }, { mode: 'VALIDATED', allowedFunctionNames: ['apply_patch'] }],
    ['allowed_tools with two of three', { type: 'allowed_tools', mode: 'required', tools: [{ type: 'function', name: 'shell' }, { type: 'custom', name: 'apply_patch' }] }, { mode: 'ANY', allowedFunctionNames: ['shell', 'apply_patch'] }],
    ['a hosted tool: the model decides', { type: 'web_search_preview' }, { mode: 'AUTO' }],
    ['null, as absent: no tool config (it was a TypeError, a 500)', null, undefined],
  ])('tool_choice %s', (_name, choice, config) => {
    expect(map({ input: 'Go', tools: [fn, patch], tool_choice: choice }).toolConfig?.functionCallingConfig).toEqual(config);
  });
});

describe('parameters -> generationConfig', () => {
  it.each<[string, Json, Gemini.GenerationConfig | undefined]>([
    ['max_output_tokens, temperature, top_p, stop', { max_output_tokens: 256, temperature: 0.2, top_p: 0.9, stop: ['END'] }, { maxOutputTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END'] }],
    ['reasoning effort by family (2.5 Flash: a budget), no summaries unless asked', { reasoning: { effort: 'low' } }, { thinkingConfig: { thinkingBudget: 1024 } }],
    ['reasoning summary asks for thought summaries', { reasoning: { effort: 'high', summary: 'auto' } }, { thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } }],
    ['effort none turns thinking off on Flash', { reasoning: { effort: 'none' } }, { thinkingConfig: { thinkingBudget: 0 } }],
    ['text.format json_object', { text: { format: { type: 'json_object' } } }, { responseMimeType: 'application/json' }],
    ['text.format json_schema', { text: { format: { type: 'json_schema', name: 'x', strict: true, schema: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'], additionalProperties: false } } } }, {
      responseMimeType: 'application/json',
      responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] } as never,
    }],
  ])('%s', (_name, body, expected) => {
    expect(map({ input: 'Go', ...body }).generationConfig).toMatchObject(expected ?? {});
  });

  it('uses thinking levels on Gemini 3', () => {
    const req = parseResponsesRequest({ model: 'gemini-3-flash-preview', input: 'Go', reasoning: { effort: 'max', summary: 'detailed' } });
    expect(toGeminiBody(req).body.generationConfig?.thinkingConfig).toEqual({ thinkingLevel: 'HIGH', includeThoughts: true });
  });

  it('accepts metadata, user, prompt_cache_key, service_tier, store, include and sends none of them', () => {
    const body = map({ input: 'Go', metadata: { a: 'b' }, user: 'u', prompt_cache_key: 'k', service_tier: 'auto', store: false, include: ['reasoning.encrypted_content'], parallel_tool_calls: false, truncation: 'auto', safety_identifier: 's' });
    expect(Object.keys(body).sort()).toEqual(['contents', 'safetySettings']);
  });
});

describe('errors name the Responses field', () => {
  it.each<[string, Json, string]>([
    ['a malformed data URL', { input: [{ role: 'user', content: [{ type: 'input_text', text: 'a' }, { type: 'input_image', image_url: 'data:image/png;base64' }] }] }, 'input[0].content[1].image_url'],
    ['a file_id that is not a Gemini file', { input: [{ role: 'user', content: 'a' }, { role: 'user', content: [{ type: 'input_file', file_id: 'file-openai123' }] }] }, 'input[1].content[0].file_id'],
    ['an unknown media type in a tool output image', { input: [{ type: 'function_call', call_id: 'c', name: 'f', arguments: '{}' }, { type: 'function_call_output', call_id: 'c', output: [{ type: 'input_image', image_url: 'data:;base64,AAAA' }] }] }, 'input[1].output[0].image_url'],
  ])('%s', (_name, body, param) => {
    const err = mapError(body);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
  });
});
