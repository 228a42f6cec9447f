// The built Worker in workerd, driven by the official OpenAI SDK, against the strict mock Gemini.
// Every body and chunk the Worker returns is validated against OpenAI's published spec.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { FAULT_HEADER, fingerprint } from '@opengemini/shared';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { type Stack, TEST_KEY, readSse, startStack } from './support/stack';

let stack: Stack;
beforeAll(async () => {
  // A short keep-alive so a stalled stream can be seen getting one within the test.
  stack = await startStack({ vars: { SSE_KEEPALIVE_MS: '300' } });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.mock.reset());

/** Spec validation (skipped, with the oracle-missing message printed once, when ../shared is absent). */
function expectSpec(schema: string, body: unknown): void {
  if (!oraclesPresent) return;
  expect(validateOpenAI(schema, body)).toEqual([]);
}

const weather = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: ['string', 'null'], enum: ['c', 'f', null] } }, required: ['city'], additionalProperties: false },
  },
};

describe('chat completions through workerd', () => {
  it('answers a plain chat in exact OpenAI format and sends the key as x-goog-api-key', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Hello from Gemini' } });
    const res = await stack.openai.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'developer', content: 'Answer in English.' },
        { role: 'user', content: 'Hi' },
      ],
    });
    expect(res.choices[0]!.message.content).toBe('Hello from Gemini');
    expect(res.choices[0]!.finish_reason).toBe('stop');
    expect(res.usage!.total_tokens).toBeGreaterThan(0);
    expectSpec('CreateChatCompletionResponse', res);
    const sent = stack.mock.requests.at(-1)!;
    expect(sent.key).toBe(TEST_KEY);
    expect(sent.headers['x-goog-api-key']).not.toContain(TEST_KEY);
    expect(sent.body).toMatchObject({ systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Answer in English.' }] } });
  });

  it('streams: role first, text as it arrives, finish, a separate usage chunk, then [DONE]', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'one two three four five six', chunks: 4 } });
    const res = await fetch(`${stack.worker.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'count' }], stream: true, stream_options: { include_usage: true } }),
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readSse(res);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    for (const c of chunks) expectSpec('CreateChatCompletionStreamResponse', c);
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const text = chunks.flatMap((c) => c.choices.map((ch: { delta: { content?: string } }) => ch.delta.content ?? '')).join('');
    expect(text).toBe('one two three four five six');
    const finish = chunks.filter((c) => c.choices[0]?.finish_reason);
    expect(finish).toHaveLength(1);
    expect(finish[0].choices[0].finish_reason).toBe('stop');
    const usage = chunks.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.total_tokens).toBeGreaterThan(0);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });

  it('assembles streamed parallel tool calls with the SDK, and a Gemini 3 multi-step tool loop keeps its thought signature', async () => {
    stack.mock.script({
      model: 'gemini-3-pro-preview',
      times: 1,
      reply: { kind: 'toolCalls', text: 'Checking both.', calls: [{ name: 'get_weather', args: { city: 'Paris' } }, { name: 'get_weather', args: { city: 'Oslo', unit: 'c' } }] },
    });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Weather in Paris and Oslo?' }];
    const stream = stack.openai.chat.completions.stream({ model: 'gemini-3-pro-preview', messages, tools: [weather], stream: true });
    for await (const chunk of stream) expectSpec('CreateChatCompletionStreamResponse', chunk);
    const first = await stream.finalChatCompletion();
    const calls = first.choices[0]!.message.tool_calls!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    expect(calls.map((c) => c.type === 'function' && [c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Oslo', unit: 'c' }],
    ]);
    expect(first.choices[0]!.message.content).toBe('Checking both.');

    // Step 2: the client sends the calls and results back as plain OpenAI messages. The strict
    // mock answers 400 for Gemini 3 unless the first call carries its thought signature.
    stack.mock.script({ model: 'gemini-3-pro-preview', reply: { kind: 'text', text: 'Paris 18C, Oslo 5C.' } });
    messages.push(first.choices[0]!.message as OpenAI.ChatCompletionMessageParam);
    messages.push({ role: 'tool', tool_call_id: calls[0]!.id, content: '18C sunny' });
    messages.push({ role: 'tool', tool_call_id: calls[1]!.id, content: JSON.stringify({ temp: 5 }) });
    const second = await stack.openai.chat.completions.create({ model: 'gemini-3-pro-preview', messages, tools: [weather] });
    expect(second.choices[0]!.message.content).toBe('Paris 18C, Oslo 5C.');
    const sent = stack.mock.requests.at(-1)!.body as { contents: Array<{ role: string; parts: Array<Record<string, unknown>> }> };
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    const modelTurn = sent.contents[1]!.parts;
    expect(modelTurn[0]).toEqual({ text: 'Checking both.' });
    expect(modelTurn[1]!.thoughtSignature).toEqual(expect.any(String));
    expect(sent.contents[2]!.parts.map((p) => (p.functionResponse as { name: string }).name)).toEqual(['get_weather', 'get_weather']);
  });

  it('logprobs on a model that refuses them: the SDK gets a 400 naming logprobs, with what Gemini said, streamed or not', async () => {
    for (const stream of [false, true]) {
      stack.mock.script({ times: 1, reply: { kind: 'http', status: 400, body: { error: { code: 400, message: 'Logprobs is not enabled for models/gemini-3-flash-preview', status: 'INVALID_ARGUMENT' } } } });
      const err = await stack.openai.chat.completions.create({ model: 'gemini-3-flash-preview', stream, logprobs: true, messages: [{ role: 'user', content: 'Hi' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      const e = err as InstanceType<typeof OpenAI.BadRequestError>;
      expect(e.param).toBe('logprobs');
      expect(e.message).toMatch(/gemini-3-flash-preview does not return token logprobs: send the request without `logprobs`\. Gemini said: Logprobs is not enabled/);
    }
  });

  it('returns thought summaries as reasoning_content, never inside content', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'The answer is 4.', thoughts: 'Two plus two is four.' } });
    const res = await stack.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: '2+2?' }], reasoning_effort: 'low' });
    const message = res.choices[0]!.message as OpenAI.ChatCompletionMessage & { reasoning_content?: string };
    expect(message.content).toBe('The answer is 4.');
    expect(message.reasoning_content).toBe('Two plus two is four.');
    expect(res.usage!.completion_tokens_details!.reasoning_tokens).toBeGreaterThan(0);
    const sent = stack.mock.requests.at(-1)!.body as { generationConfig: { thinkingConfig: Record<string, unknown> } };
    expect(sent.generationConfig.thinkingConfig).toMatchObject({ thinkingBudget: expect.any(Number), includeThoughts: true });
    expect(sent.generationConfig.thinkingConfig).not.toHaveProperty('thinkingLevel');
  });

  it('answers a blocked prompt with a valid content_filter completion, streamed or not', async () => {
    stack.mock.script({ reply: { kind: 'blocked' } });
    const res = await stack.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'bad' }] });
    expect(res.choices[0]!.finish_reason).toBe('content_filter');
    expectSpec('CreateChatCompletionResponse', res);
    const stream = await stack.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'bad' }], stream: true });
    const reasons: Array<string | null> = [];
    for await (const c of stream) {
      expectSpec('CreateChatCompletionStreamResponse', c);
      reasons.push(...c.choices.map((ch) => ch.finish_reason));
    }
    expect(reasons.filter(Boolean)).toEqual(['content_filter']);
  });

  it('turns a Gemini error in the middle of a stream into an OpenAI error the SDK raises', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'a b c d e f', chunks: 3 }, stream: { errorAfter: { chunks: 1, error: { kind: 'serverError', status: 503 } } } });
    const stream = await stack.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    await expect(
      (async () => {
        for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
      })(),
    ).rejects.toThrow(/overloaded/);
    expect(text.length).toBeGreaterThan(0);
  });

  it('ends a stream whose Gemini connection drops with a gemini_bad_answer error event, not a silent finish', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'a b c d e f', chunks: 4 }, stream: { drop: { afterChunks: 2 } } });
    const res = await fetch(`${stack.worker.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    const events = await readSse(res);
    expect(events).not.toContain('[DONE]');
    const last = JSON.parse(events.at(-1)!);
    expect(last.error.code).toBe('gemini_bad_answer');
    expectSpec('ErrorResponse', last);
  });

  it('keeps a silent stream (long thinking) alive with SSE comments, then finishes it', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'after a long think', chunks: 2 }, stream: { stall: { afterChunks: 1, ms: 1200 } } });
    const res = await fetch(`${stack.worker.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'think hard' }], stream: true }),
    });
    const raw = await res.text();
    expect(raw.match(/^: keep-alive$/gm)?.length ?? 0).toBeGreaterThanOrEqual(2);
    expect(raw.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('understands Gemini through awkwardly split \\r\\n\\r\\n events with multi-byte text', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'ünïcödé “quotes” 漢字 🎉 done', chunks: 5 }, stream: { split: 'awkward' } });
    const stream = await stack.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe('ünïcödé “quotes” 漢字 🎉 done');
  });
});

describe('errors through workerd carry Gemini status, the contract label, and no key', () => {
  it.each([
    ['per-minute quota', { kind: 'quota', quota: 'per_minute', retryDelay: '47s' }, 429, 'quota_per_minute', OpenAI.RateLimitError],
    ['per-day quota', { kind: 'quota', quota: 'per_day' }, 429, 'quota_per_day', OpenAI.RateLimitError],
    ['invalid key', { kind: 'keyError', reason: 'invalid' }, 401, 'key_invalid', OpenAI.AuthenticationError],
    ['leaked key echoing the key', { kind: 'keyError', reason: 'leaked', echoKey: true }, 403, 'key_leaked', OpenAI.PermissionDeniedError],
    ['suspended key', { kind: 'keyError', reason: 'suspended' }, 403, 'key_suspended', OpenAI.PermissionDeniedError],
    ['overloaded', { kind: 'serverError', status: 503 }, 503, 'gemini_unavailable', OpenAI.InternalServerError],
    ['region blocked', { kind: 'regionBlocked' }, 502, 'upstream_region_blocked', OpenAI.InternalServerError],
  ] as const)('%s', async (_name, reply, status, code, ErrorClass) => {
    stack.mock.script({ reply: reply as never });
    const err = await stack.openai.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    const apiErr = err as InstanceType<typeof OpenAI.APIError>;
    expect(apiErr.status).toBe(status);
    expect(apiErr.code).toBe(code);
    expect(apiErr.headers?.get(FAULT_HEADER)).toMatch(new RegExp(`^${code.split('_')[0]}; reason=`));
    expect(JSON.stringify(apiErr.error)).not.toContain(TEST_KEY);
    expectSpec('ErrorResponse', { error: apiErr.error });
    if (code === 'key_leaked') expect(apiErr.message).toContain(fingerprint(TEST_KEY));
    if (code === 'quota_per_minute') expect(apiErr.headers?.get('retry-after')).toBe('47');
    // Daily quotas reset at midnight Pacific: never "retry now".
    if (code === 'quota_per_day') expect(Number(apiErr.headers?.get('retry-after'))).toBeGreaterThan(0);
  });

  it('labels a stream request that fails before the first byte with a real status, not a 200', async () => {
    stack.mock.script({ reply: { kind: 'quota', quota: 'per_day' } });
    const res = await fetch(`${stack.worker.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], stream: true }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get(FAULT_HEADER)).toMatch(/^quota; reason=per_day/);
  });
});
