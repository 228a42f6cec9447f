// The Responses dialect in the BUILT Worker (workerd), driven by the official openai SDK against
// the strict mock Gemini (which refuses unknown fields and, on gemini-3-*, calls without their
// thought signature). Every Response and every stream event is validated against OpenAI's spec.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { ResponseInputItem, ResponseStreamEvent } from 'openai/resources/responses/responses';
import { FAULT_HEADER } from '@opengemini/shared';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { checkResponsesStream } from '../../tools/src/oracles/responses-stream';
import { type Stack, TEST_KEY, startStack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  // A short keep-alive so a stalled stream can be seen getting one within the test.
  stack = await startStack({ vars: { SSE_KEEPALIVE_MS: '300' } });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.mock.reset());

function expectResponse(body: unknown): void {
  if (oraclesPresent) expect(validateOpenAI('Response', JSON.parse(JSON.stringify(body)))).toEqual([]);
}
function expectStream(events: ResponseStreamEvent[]): void {
  if (oraclesPresent) expect(checkResponsesStream(JSON.parse(JSON.stringify(events)))).toEqual([]);
}

const shell = {
  type: 'function' as const,
  name: 'shell',
  description: 'Runs a shell command and returns its output.',
  strict: false,
  parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } }, workdir: { type: ['string', 'null'] } }, required: ['command'], additionalProperties: false },
};
const applyPatch = { type: 'custom' as const, name: 'apply_patch', description: 'Edits files with a patch.', format: { type: 'grammar' as const, syntax: 'lark' as const, definition: 'start: begin_patch hunk+ end_patch' } };

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.worker.url}/v1${path}`, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers }, body });

describe('POST /v1/responses through workerd with the openai SDK', () => {
  it('responses.create: a text answer, output_text, usage, instructions as systemInstruction', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Hello from Gemini' } });
    const res = await stack.openai.responses.create({ model: 'gemini-2.5-flash', instructions: 'Be brief.', input: 'Hi', metadata: { run: '1' }, store: false, prompt_cache_key: 'k1', service_tier: 'auto', user: 'u' });
    expect(res.id).toMatch(/^resp_/);
    expect(res.status).toBe('completed');
    expect(res.output_text).toBe('Hello from Gemini');
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
    expectResponse(res);
    const sent = stack.mock.requests.at(-1)!;
    expect(sent.key).toBe(TEST_KEY);
    expect(sent.body).toMatchObject({ systemInstruction: { parts: [{ text: 'Be brief.' }] }, contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] });
  });

  it('responses.stream(): every event valid, in order, and finalResponse() the whole answer', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'one two three four five six', thoughts: 'Counting.', chunks: 4 } });
    const stream = stack.openai.responses.stream({ model: 'gemini-2.5-flash', input: 'Count', reasoning: { effort: 'low', summary: 'auto' } });
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalResponse();
    expectStream(events);
    expect(final.output_text).toBe('one two three four five six');
    expect(final.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: 'Counting.' }] });
    expect(events.filter((e) => e.type === 'response.output_text.delta').length).toBeGreaterThan(1);
    expectResponse(final);
  });

  it('a long stream in workerd: deltas written into shared slabs arrive intact, and equal the done texts', async () => {
    // ~450 KB of deltas (several 64 KiB slabs), non-ASCII included, one Gemini event per chunk.
    const text = Array.from({ length: 3000 }, (_, i) => `word ${i} — ünïcödé 日本 ${'x'.repeat(i % 97)}`).join(' ');
    stack.mock.script({ reply: { kind: 'text', text, chunks: 2000 } });
    const stream = stack.openai.responses.stream({ model: 'gemini-2.5-flash', input: 'Write a lot' });
    let deltas = '';
    let done = '';
    for await (const event of stream) {
      if (event.type === 'response.output_text.delta') deltas += event.delta;
      if (event.type === 'response.output_text.done') done = event.text;
    }
    expect(deltas.length).toBe(text.length);
    expect(deltas).toBe(text);
    expect(done).toBe(text);
    expect((await stream.finalResponse()).output_text).toBe(text);
  });

  for (const model of ['gemini-2.5-flash', 'gemini-3-flash-preview']) {
    it(`function and custom tools round trip on ${model} (store: false, encrypted_content, as Codex runs)`, async () => {
      const include: ['reasoning.encrypted_content'] = ['reasoning.encrypted_content'];
      stack.mock.script({ times: 1, reply: { kind: 'toolCalls', thoughts: 'I will list files.', calls: [{ name: 'shell', args: { command: ['ls'] } }] } });
      const first = await stack.openai.responses.create({ model, input: 'List files, then patch', tools: [shell, applyPatch], reasoning: { effort: 'medium', summary: 'auto' }, include, store: false, parallel_tool_calls: false });
      expectResponse(first);
      const call = first.output.find((i) => i.type === 'function_call')!;
      expect(call).toMatchObject({ name: 'shell', arguments: '{"command":["ls"]}' });
      if (model.startsWith('gemini-3')) expect(first.output.some((i) => i.type === 'reasoning' && i.encrypted_content?.startsWith('gemini-thought-signature:'))).toBe(true);

      stack.mock.script({ times: 1, reply: { kind: 'toolCalls', calls: [{ name: 'apply_patch', args: { input: '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n' } }] } });
      const history: ResponseInputItem[] = [{ role: 'user', content: 'List files, then patch' }, ...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: (call as { call_id: string }).call_id, output: 'README.md' }];
      const stream = stack.openai.responses.stream({ model, input: history, tools: [shell, applyPatch], reasoning: { effort: 'medium', summary: 'auto' }, include, store: false });
      const events: ResponseStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      expectStream(events);
      const second = await stream.finalResponse();
      const patch = second.output.find((i) => i.type === 'custom_tool_call')!;
      expect(patch).toMatchObject({ name: 'apply_patch', input: '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n' });
      expect(events.some((e) => e.type === 'response.custom_tool_call_input.done')).toBe(true);
      // The mock refuses a gemini-3 call without its signature: the second turn was accepted.
      const sent = stack.mock.requests.at(-1)!.body as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> };
      const modelTurn = sent.contents.find((c) => c.role === 'model')!;
      if (model.startsWith('gemini-3')) expect(Buffer.from(String(modelTurn.parts.find((p) => p.functionCall)!.thoughtSignature), 'base64').toString()).toMatch(/^mock-thought-signature:/);

      stack.mock.script({ times: 1, reply: { kind: 'text', text: 'Done.' } });
      const third = await stack.openai.responses.create({
        model,
        input: [...history, ...(second.output as ResponseInputItem[]), { type: 'custom_tool_call_output', call_id: (patch as { call_id: string }).call_id, output: 'Success. Updated: A a.txt' }],
        tools: [shell, applyPatch],
        include,
        store: false,
      });
      expect(third.output_text).toBe('Done.');
      expectResponse(third);
    });
  }

  it('json_schema: Gemini JSON output, parsed by the SDK', async () => {
    stack.mock.script({ reply: { kind: 'text', text: '{"city":"Paris","temp":21}' } });
    const res = await stack.openai.responses.create({
      model: 'gemini-2.5-flash',
      input: 'Weather in Paris as JSON',
      text: { format: { type: 'json_schema', name: 'weather', strict: true, schema: { type: 'object', properties: { city: { type: 'string' }, temp: { type: 'number' } }, required: ['city', 'temp'], additionalProperties: false } } },
    });
    expect(JSON.parse(res.output_text)).toEqual({ city: 'Paris', temp: 21 });
    expectResponse(res);
    expect(stack.mock.requests.at(-1)!.body).toMatchObject({ generationConfig: { responseMimeType: 'application/json' } });
  });

  it('logprobs: include message.output_text.logprobs + top_logprobs -> Gemini responseLogprobs, the tokens in output_text, whole and streamed', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'one two three four', chunks: 2 } });
    const params = { model: 'gemini-2.5-flash', input: 'Count', include: ['message.output_text.logprobs' as const], top_logprobs: 2 };
    const res = await stack.openai.responses.create(params);
    expectResponse(res);
    expect(stack.mock.requests.at(-1)!.body).toMatchObject({ generationConfig: { responseLogprobs: true, logprobs: 2 } });
    const content = (res.output[0] as { content: Array<{ type: string; logprobs?: Array<{ token: string; top_logprobs: unknown[] }> }> }).content[0]!;
    expect(content.logprobs!.map((t) => t.token).join('')).toBe('one two three four');
    expect(content.logprobs!.every((t) => t.top_logprobs.length === 2)).toBe(true);

    stack.mock.script({ reply: { kind: 'text', text: 'one two three four', chunks: 2 } });
    const stream = stack.openai.responses.stream(params);
    const events: ResponseStreamEvent[] = [];
    for await (const event of stream) events.push(event);
    const final = await stream.finalResponse();
    expectStream(events);
    const deltas = events.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.map((d) => d.logprobs.map((t) => t.token).join('')).join('')).toBe('one two three four');
    const done = events.find((e) => e.type === 'response.output_text.done')!;
    expect(done.logprobs).toEqual(deltas.flatMap((d) => d.logprobs));
    expect((final.output[0] as { content: Array<{ logprobs?: unknown[] }> }).content[0]!.logprobs).toEqual(done.logprobs);
  });

  it('logprobs on a model that refuses them: the SDK gets a 400 naming include, with what Gemini said', async () => {
    stack.mock.script({ reply: { kind: 'http', status: 400, body: { error: { code: 400, message: 'Logprobs is not enabled for models/gemini-3-flash-preview', status: 'INVALID_ARGUMENT' } } } });
    const err = await stack.openai.responses.create({ model: 'gemini-3-flash-preview', input: 'Hi', include: ['message.output_text.logprobs'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    const e = err as InstanceType<typeof OpenAI.BadRequestError>;
    expect(e.status).toBe(400);
    expect(e.param).toBe('include');
    expect(e.message).toMatch(/gemini-3-flash-preview does not return token logprobs.*Gemini said: Logprobs is not enabled/);
  });

  it('parallel_tool_calls: false -> the first of the calls Gemini made, and the next turn goes through', async () => {
    stack.mock.script({ times: 1, reply: { kind: 'toolCalls', calls: [{ name: 'shell', args: { command: ['ls'] } }, { name: 'shell', args: { command: ['pwd'] } }] } });
    const first = await stack.openai.responses.create({ model: 'gemini-3-flash-preview', input: 'Look around', tools: [shell], parallel_tool_calls: false, store: false });
    expectResponse(first);
    const calls = first.output.filter((i) => i.type === 'function_call');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ arguments: '{"command":["ls"]}' });
    // One call, one result: Gemini (the strict mock counts them, and wants the signature back) accepts the turn.
    stack.mock.script({ times: 1, reply: { kind: 'text', text: 'Done.' } });
    const next = await stack.openai.responses.create({
      model: 'gemini-3-flash-preview',
      tools: [shell],
      parallel_tool_calls: false,
      store: false,
      input: [{ role: 'user', content: 'Look around' }, ...(first.output as ResponseInputItem[]), { type: 'function_call_output', call_id: (calls[0] as { call_id: string }).call_id, output: 'a.txt' }],
    });
    expect(next.output_text).toBe('Done.');

    stack.mock.script({ times: 1, reply: { kind: 'toolCalls', calls: [{ name: 'shell', args: { command: ['ls'] } }, { name: 'shell', args: { command: ['pwd'] } }] } });
    const both = await stack.openai.responses.create({ model: 'gemini-3-flash-preview', input: 'Look around', tools: [shell], store: false });
    expect(both.output.filter((i) => i.type === 'function_call')).toHaveLength(2);
  });

  it('max_output_tokens reached: status incomplete with its reason', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Once upon', finishReason: 'MAX_TOKENS' } });
    const res = await stack.openai.responses.create({ model: 'gemini-2.5-flash', input: 'Tell a story', max_output_tokens: 16 });
    expect(res).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expectResponse(res);
  });

  it('input_tokens: Gemini countTokens', async () => {
    const res = await stack.openai.responses.inputTokens.count({ model: 'gemini-2.5-flash', input: 'How many tokens is this?', instructions: 'Count.' });
    expect(res.object).toBe('response.input_tokens');
    expect(res.input_tokens).toBeGreaterThan(0);
    if (oraclesPresent) expect(validateOpenAI('TokenCountsResource', res)).toEqual([]);
    expect(stack.mock.requests.at(-1)!.action).toBe('countTokens');
  });

  it('keep-alive comments while Gemini is silent, the events around them intact', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'slow answer arrives', chunks: 2 }, stream: { stall: { afterChunks: 1, ms: 1000 } } });
    const res = await post('/responses', JSON.stringify({ model: 'gemini-2.5-flash', input: 'Hi', stream: true }));
    const text = await res.text();
    expect(text).toContain(': keep-alive\n\n');
    const events = text.split('\n\n').filter((f) => f.trim() && !f.startsWith(':')).map((f) => JSON.parse(f.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as ResponseStreamEvent);
    expectStream(events);
    expect(events.at(-1)!.type).toBe('response.completed');
  });

  it('a Gemini error mid-stream ends the stream with an error event the SDK throws on', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'partial answer here', chunks: 3 }, stream: { errorAfter: { chunks: 1, error: { kind: 'serverError', status: 503 } }, split: 'awkward' } });
    const stream = stack.openai.responses.stream({ model: 'gemini-2.5-flash', input: 'Hi' });
    await expect(async () => {
      for await (const _ of stream) void _;
    }).rejects.toThrow(/overloaded/);
  });

  it('Gemini errors before the stream: the status, OpenAI envelope and contract label, key scrubbed', async () => {
    stack.mock.script({ reply: { kind: 'quota', quota: 'per_minute' } });
    const res = await post('/responses', JSON.stringify({ model: 'gemini-2.5-flash', input: 'Hi', stream: true }));
    expect(res.status).toBe(429);
    expect(res.headers.get(FAULT_HEADER)).toMatch(/^quota; reason=per_minute/);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe('quota_per_minute');
    if (oraclesPresent) expect(validateOpenAI('ErrorResponse', body)).toEqual([]);
  });
});

describe('bad input gets the right 4xx, never a 500', () => {
  it.each<[string, Record<string, unknown>, number, string]>([
    ['an unknown item type', { model: 'gemini-2.5-flash', input: [{ type: 'computer_call', id: 'x' }] }, 400, 'input[0].type'],
    ['previous_response_id', { model: 'gemini-2.5-flash', input: 'more', previous_response_id: 'resp_abc' }, 400, 'previous_response_id'],
    ['an item_reference', { model: 'gemini-2.5-flash', input: [{ type: 'item_reference', id: 'msg_1' }] }, 400, 'input[0].type'],
    ['a file_search tool', { model: 'gemini-2.5-flash', input: 'x', tools: [{ type: 'file_search', vector_store_ids: ['v'] }] }, 400, 'tools[0].type'],
  ])('%s -> %i naming %s', async (_name, body, status, param) => {
    const res = await post('/responses', JSON.stringify(body));
    expect(res.status).toBe(status);
    const err = (await res.json()) as { error: { param: string; message: string } };
    expect(err.error.param).toBe(param);
    expect(res.headers.get(FAULT_HEADER)).toMatch(/^client;/);
    expect(stack.mock.requests).toHaveLength(0);
  });

  it('the SDK sees previous_response_id refused with a message saying what to send', async () => {
    await expect(stack.openai.responses.create({ model: 'gemini-2.5-flash', input: 'more', previous_response_id: 'resp_abc' })).rejects.toMatchObject({
      status: 400,
      param: 'previous_response_id',
      message: expect.stringMatching(/send the whole conversation in `input`/),
    });
  });

  it.each([
    ['GET', '/responses/resp_abc'],
    ['DELETE', '/responses/resp_abc'],
    ['GET', '/responses/resp_abc/input_items'],
    ['POST', '/responses/resp_abc/cancel'],
  ])('%s %s -> 404 naming the id: nothing is stored', async (method, path) => {
    const res = await fetch(`${stack.worker.url}/v1${path}`, { method, headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(res.status).toBe(404);
    const err = (await res.json()) as { error: { message: string; param: string } };
    expect(err.error.message).toMatch(/resp_abc.*keeps no state/);
    expect(err.error.param).toBe('response_id');
  });

  it('POST /v1/responses/compact -> 404 saying compaction is not offered', async () => {
    const res = await post('/responses/compact', JSON.stringify({ model: 'gemini-2.5-flash', input: 'x' }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/compaction.*not offered/);
  });

  it('GET /v1/responses is 405', async () => {
    const res = await fetch(`${stack.worker.url}/v1/responses`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(res.status).toBe(405);
  });
});
