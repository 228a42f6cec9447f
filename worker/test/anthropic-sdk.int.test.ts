// The built Worker in workerd, driven by the official @anthropic-ai/sdk (what Claude Code's API
// layer is built on), against the strict mock Gemini: every body the Worker sends is checked
// against Google's discovery document, and the SDK's stream parser rejects a wrong event order.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAULT_HEADER } from '@opengemini/shared';
import { repoRoot } from '../../tools/src/oracles/paths';
import { type Stack, TEST_KEY, startStack } from './support/stack';

let stack: Stack;
let client: Anthropic;
beforeAll(async () => {
  stack = await startStack({ vars: { SSE_KEEPALIVE_MS: '300' } });
  client = new Anthropic({ baseURL: stack.worker.url, apiKey: TEST_KEY, maxRetries: 0, timeout: 20_000 });
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.mock.reset());

type SentBody = {
  contents: Array<{ role: string; parts: Array<Record<string, unknown>> }>;
  systemInstruction?: { parts: Array<{ text: string }> };
  tools?: Array<Record<string, unknown>>;
  toolConfig?: unknown;
  generationConfig?: Record<string, unknown>;
};
const lastSent = () => stack.mock.requests.at(-1)!;
const lastBody = () => lastSent().body as SentBody;

/** A tool as Claude Code declares one: JSON Schema draft-07 with $schema and additionalProperties. */
const readFile: Anthropic.Tool = {
  name: 'Read',
  description: 'Reads a file from the local filesystem.',
  input_schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      file_path: { type: 'string', description: 'The absolute path to the file to read' },
      offset: { type: 'number' },
      mode: { type: 'string', enum: ['text', 'binary'] },
      range: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'number' } }] },
    },
    required: ['file_path'],
    additionalProperties: false,
  },
};

/** Raw SSE frames as [event, data] pairs. */
async function frames(res: Response): Promise<Array<[string, string]>> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((f) => f.trim() !== '' && !f.startsWith(':'))
    .map((f) => {
      const lines = f.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
      return [event, data];
    });
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${stack.worker.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': TEST_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('Anthropic Messages through workerd', () => {
  it('messages.create: a plain answer in Anthropic format; the key from x-api-key reaches Gemini as x-goog-api-key', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'Hello from Gemini' } });
    const msg = await client.messages.create({
      model: 'gemini-2.5-flash',
      max_tokens: 256,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Hi' }],
      metadata: { user_id: 'u1' },
    });
    expect(msg.id).toMatch(/^msg_/);
    expect(msg.type).toBe('message');
    expect(msg.model).toBe('gemini-2.5-flash');
    expect(msg.content).toEqual([{ type: 'text', text: 'Hello from Gemini' }]);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    expect(lastSent().key).toBe(TEST_KEY);
    expect(lastBody().systemInstruction).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(lastBody().generationConfig).toMatchObject({ maxOutputTokens: 256 });
  });

  it('POST /v1/messages?beta=true with a Bearer key, as Claude Code calls it with ANTHROPIC_AUTH_TOKEN', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'ok' } });
    const res = await fetch(`${stack.worker.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_KEY}`, 'anthropic-version': '2023-06-01', 'anthropic-beta': 'claude-code-20250219,interleaved-thinking-2025-05-14', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', max_tokens: 64, messages: [{ role: 'user', content: 'x' }], context_management: { edits: [] } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Anthropic.Message).content).toEqual([{ type: 'text', text: 'ok' }]);
  });

  it('messages.stream() + finalMessage(): thinking (with a signature) then text, in the exact event grammar', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'The answer is 4.', thoughts: 'Two plus two.', chunks: 3 } });
    const stream = client.messages.stream({
      model: 'gemini-2.5-flash',
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [{ role: 'user', content: '2+2?' }],
    });
    const types: string[] = [];
    stream.on('streamEvent', (e) => types.push(e.type));
    const msg = await stream.finalMessage();
    expect(msg.content.map((b) => b.type)).toEqual(['thinking', 'text']);
    expect(msg.content[0]).toMatchObject({ type: 'thinking', thinking: 'Two plus two.', signature: expect.stringMatching(/^gemini-thought-signature:/) });
    expect(msg.content[1]).toMatchObject({ type: 'text', text: 'The answer is 4.' });
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.at(-2)).toBe('message_delta');
    expect(lastBody().generationConfig!.thinkingConfig).toEqual({ thinkingBudget: 2048, includeThoughts: true });

    // The same stream, raw: event names match the data's type, blocks open and close in order.
    stack.mock.script({ reply: { kind: 'text', text: 'The answer is 4.', thoughts: 'Two plus two.', chunks: 3 } });
    const res = await post('/v1/messages', { model: 'gemini-2.5-flash', max_tokens: 4096, stream: true, thinking: { type: 'enabled', budget_tokens: 2048 }, messages: [{ role: 'user', content: '2+2?' }] });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const got = await frames(res);
    for (const [event, data] of got) expect(JSON.parse(data).type).toBe(event);
    const shape = got.map(([event, data]) => (event === 'content_block_delta' ? `delta:${JSON.parse(data).delta.type}` : event));
    const collapsed = shape.filter((s, i) => s !== shape[i - 1]);
    expect(collapsed).toEqual([
      'message_start',
      'ping',
      'content_block_start',
      'delta:thinking_delta',
      'delta:signature_delta',
      'content_block_stop',
      'content_block_start',
      'delta:text_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('tools round trip on Gemini 3: tool_use with a toolu_ id and an input object, the thought signature back on the next turn', async () => {
    const model = 'gemini-3-flash-preview';
    stack.mock.script({ model, times: 1, reply: { kind: 'toolCalls', text: 'Reading it.', calls: [{ name: 'Read', args: { file_path: '/tmp/a.txt' } }] } });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'What is in /tmp/a.txt?' }];
    const first = await client.messages.stream({ model, max_tokens: 1024, tools: [readFile], messages }).finalMessage();
    expect(first.stop_reason).toBe('tool_use');
    const use = first.content.find((b) => b.type === 'tool_use')!;
    expect(use).toMatchObject({ type: 'tool_use', name: 'Read', input: { file_path: '/tmp/a.txt' } });
    expect(use.type === 'tool_use' && use.id).toMatch(/^toolu_[A-Za-z0-9_-]+$/);
    const declared = (lastBody().tools![0] as { functionDeclarations: Array<{ name: string }> }).functionDeclarations[0]!;
    expect(declared.name).toBe('Read');

    // Step 2: Claude Code sends the whole history back; the strict mock answers 400 on Gemini 3
    // unless the call carries its thought signature.
    stack.mock.script({ model, reply: { kind: 'text', text: 'It says hello.' } });
    messages.push({ role: 'assistant', content: first.content });
    messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: use.type === 'tool_use' ? use.id : '', content: 'hello' }, { type: 'text', text: '<system-reminder>ok</system-reminder>' }] });
    const second = await client.messages.create({ model, max_tokens: 1024, tools: [readFile], messages });
    expect(second.content).toEqual([{ type: 'text', text: 'It says hello.' }]);
    const sent = lastBody();
    expect(sent.contents.map((c) => c.role)).toEqual(['user', 'model', 'user']);
    const call = sent.contents[1]!.parts.find((p) => p.functionCall)!;
    expect(call.thoughtSignature).toEqual(expect.any(String));
    expect(call.thoughtSignature).not.toBe('skip_thought_signature_validator');
    expect(sent.contents[2]!.parts[0]).toEqual({ functionResponse: { name: 'Read', response: { result: 'hello' } } });
  });

  it('foreign history (Claude tool_use ids, Anthropic thinking signatures) gets Google’s placeholder signature on Gemini 3', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'done' } });
    await client.messages.create({
      model: 'gemini-3-flash-preview',
      max_tokens: 512,
      tools: [readFile],
      messages: [
        { role: 'user', content: 'read it' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'I should read.', signature: 'EqQBCkYIBxgCKkAnthropicSignature' },
            { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'Read', input: { file_path: '/x' } },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01A09q90qw90lq917835lq9', content: [{ type: 'text', text: 'file body' }], is_error: false }] },
      ],
    });
    const call = lastBody().contents[1]!.parts.find((p) => p.functionCall)!;
    expect(call.thoughtSignature).toBe('skip_thought_signature_validator');
  });

  it('Claude Code 2.1’s recorded first turn (a system message among the messages, 12 tools, adaptive thinking) streams back a tool call', async () => {
    const fixture = JSON.parse(readFileSync(resolve(repoRoot, 'tools/test/agents/fixtures/claude-code-first-turn.json'), 'utf8')) as { path: string; headers: Record<string, string>; body: Record<string, unknown> };
    stack.mock.script({ reply: { kind: 'toolCalls', calls: [{ name: 'Read', args: { file_path: '/home/project/notes.txt' } }] } });
    const res = await post(fixture.path, fixture.body, { 'anthropic-beta': fixture.headers['anthropic-beta']! });
    expect(res.status).toBe(200);
    const got = await frames(res);
    const use = got.map(([, d]) => JSON.parse(d)).find((e) => e.type === 'content_block_start' && e.content_block.type === 'tool_use');
    expect(use.content_block).toMatchObject({ name: 'Read', input: {} });
    expect(got.at(-2)![1]).toContain('"stop_reason":"tool_use"');
  });

  it('images: base64 image blocks reach Gemini as inline data, also inside a tool result', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'a red dot' } });
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    await client.messages.create({
      model: 'gemini-2.5-flash',
      max_tokens: 128,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } }] }],
    });
    expect(lastBody().contents[0]!.parts).toEqual([{ text: 'What is this?' }, { inlineData: { mimeType: 'image/png', data: png } }]);
  });

  it('count_tokens: Gemini countTokens over the whole request', async () => {
    const counted = await client.messages.countTokens({ model: 'gemini-2.5-flash', system: 'Be brief.', tools: [readFile], messages: [{ role: 'user', content: 'How many tokens is this?' }] });
    expect(counted.input_tokens).toBeGreaterThan(0);
    expect(lastSent().action).toBe('countTokens');
    expect(lastSent().body).toMatchObject({ generateContentRequest: { model: 'models/gemini-2.5-flash' } });
  });

  it('a Gemini error in the middle of a stream becomes `event: error`, which the SDK raises', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'one two three four' }, stream: { errorAfter: { chunks: 1, error: { kind: 'serverError', status: 503 } } } });
    const stream = client.messages.stream({ model: 'gemini-2.5-flash', max_tokens: 64, messages: [{ role: 'user', content: 'x' }] });
    await expect(stream.finalMessage()).rejects.toThrow(/overloaded/i);

    stack.mock.script({ reply: { kind: 'text', text: 'one two three four' }, stream: { errorAfter: { chunks: 1, error: { kind: 'serverError', status: 503 } } } });
    const got = await frames(await post('/v1/messages', { model: 'gemini-2.5-flash', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'x' }] }));
    expect(got.at(-1)![0]).toBe('error');
    expect(JSON.parse(got.at(-1)![1])).toEqual({ type: 'error', error: { type: 'overloaded_error', message: expect.any(String), code: 'gemini_unavailable' } });
    expect(got.map(([e]) => e)).not.toContain('message_stop');
  });
});

describe('Anthropic errors through workerd: typed by the SDK, labelled for the pool', () => {
  it.each([
    ['quota', { kind: 'quota', quota: 'per_minute', retryDelay: '47s' }, Anthropic.RateLimitError, 429, 'rate_limit_error'],
    ['invalid key', { kind: 'keyError', reason: 'invalid' }, Anthropic.AuthenticationError, 401, 'authentication_error'],
    ['suspended key', { kind: 'keyError', reason: 'suspended' }, Anthropic.PermissionDeniedError, 403, 'permission_error'],
    ['overloaded', { kind: 'serverError', status: 503 }, Anthropic.InternalServerError, 503, 'overloaded_error'],
    ['internal', { kind: 'serverError', status: 500 }, Anthropic.InternalServerError, 500, 'api_error'],
  ] as const)('%s', async (_name, reply, ErrorClass, status, type) => {
    stack.mock.script({ reply: reply as never });
    const err = await client.messages.create({ model: 'gemini-2.5-flash', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    const apiErr = err as InstanceType<typeof Anthropic.APIError>;
    expect(apiErr.status).toBe(status);
    expect((apiErr.error as { error: { type: string } }).error.type).toBe(type);
    expect(apiErr.headers?.get(FAULT_HEADER)).toBeTruthy();
    expect(JSON.stringify(apiErr.error)).not.toContain(TEST_KEY);
    if (status === 429) expect(apiErr.headers?.get('retry-after')).toBe('47');
  });

  it('a claude-* model is a clear 404 naming the model, before Gemini is called', async () => {
    const before = stack.mock.requests.length;
    const err = await client.messages.create({ model: 'claude-sonnet-4-5-20250929', max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.NotFoundError);
    expect((err as Error).message).toContain('claude-sonnet-4-5-20250929');
    expect((err as Error).message).toContain('ANTHROPIC_MODEL');
    expect(stack.mock.requests.length).toBe(before);
  });

  it.each([
    ['missing max_tokens', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }, 'max_tokens'],
    ['a bad block type', { model: 'gemini-2.5-flash', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }, 'messages.0.content.0.type'],
    ['a tool_use in a user message', { model: 'gemini-2.5-flash', max_tokens: 8, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'b', input: {} }] }] }, 'messages.0.content.0.type'],
    ['an unknown role', { model: 'gemini-2.5-flash', max_tokens: 8, messages: [{ role: 'tool', content: 'x' }] }, 'messages.0.role'],
    ['a tool_choice naming no tool', { model: 'gemini-2.5-flash', max_tokens: 8, tool_choice: { type: 'tool', name: 'nope' }, messages: [{ role: 'user', content: 'x' }] }, 'tool_choice.name'],
  ])('%s: 400 invalid_request_error naming the field, Gemini never called', async (_name, body, field) => {
    const before = stack.mock.requests.length;
    const res = await post('/v1/messages', body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(json.type).toBe('error');
    expect(json.error.type).toBe('invalid_request_error');
    expect(json.error.message.startsWith(`${field}:`)).toBe(true);
    expect(stack.mock.requests.length).toBe(before);
  });

  it('no key: 401 authentication_error in Anthropic’s envelope; GET: 405', async () => {
    const res = await fetch(`${stack.worker.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });
    const get = await fetch(`${stack.worker.url}/v1/messages`, { headers: { 'x-api-key': TEST_KEY } });
    expect(get.status).toBe(405);
    expect(await get.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });
});
