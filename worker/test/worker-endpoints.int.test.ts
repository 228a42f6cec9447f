// The built Worker in workerd: embeddings, models, native passthrough with the official Google
// SDK, the optional WORKER_SECRET, CORS, and bad input of every kind (remote media and body
// limits: worker-faults.int.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { GoogleGenAI } from '@google/genai';
import { FAULT_HEADER, type OpenAI as Wire } from '@opengemini/shared';

type ErrorEnvelope = Wire.ErrorEnvelope;
import { MODELS } from '../../tools/src/mock-gemini/index';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { type Stack, TEST_KEY, startStack } from './support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});
beforeEach(() => stack.mock.reset());

function expectSpec(schema: string, body: unknown): void {
  if (oraclesPresent) expect(validateOpenAI(schema, body)).toEqual([]);
}

const post = (path: string, body: string | object, headers: Record<string, string> = {}) =>
  fetch(`${stack.worker.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TEST_KEY}`, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('embeddings', () => {
  it('splits 250 inputs into batches of at most 100 and returns them in order (floats and base64)', async () => {
    const input = Array.from({ length: 250 }, (_, i) => `sentence number ${i}`);
    const res = await stack.openai.embeddings.create({ model: 'text-embedding-3-small', input, dimensions: 16, encoding_format: 'float' });
    expectSpec('CreateEmbeddingResponse', res);
    expect(res.data).toHaveLength(250);
    expect(res.data.map((d) => d.index)).toEqual(input.map((_, i) => i));
    expect(res.data[0]!.embedding).toHaveLength(16);
    const batches = stack.mock.requests.filter((r) => r.action === 'batchEmbedContents');
    expect(batches.map((b) => (b.body as { requests: unknown[] }).requests.length).sort()).toEqual([100, 100, 50]);

    // The SDK asks for base64 by default and decodes it: the same vectors must come back.
    const b64 = await stack.openai.embeddings.create({ model: 'text-embedding-3-small', input: input.slice(0, 3), dimensions: 16 });
    expect(b64.data.map((d) => d.embedding.map((v) => Math.fround(v)))).toEqual(res.data.slice(0, 3).map((d) => d.embedding.map((v) => Math.fround(v))));
  });

  it('refuses token-array input with a 400 naming input', async () => {
    const res = await post('/v1/embeddings', { model: 'gemini-embedding-001', input: [[1, 2, 3]] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorEnvelope).error.param).toBe('input');
  });
});

describe('models', () => {
  it('lists every model Gemini has, in OpenAI list format', async () => {
    const list = await stack.openai.models.list();
    const ids = list.data.map((m) => m.id);
    expect(ids).toHaveLength(MODELS.length);
    expect(ids).toContain('gemini-2.5-flash');
    expect(ids.every((id) => !id.startsWith('models/'))).toBe(true);
    expectSpec('ListModelsResponse', { object: 'list', data: list.data });
  });

  it('retrieves one model, and answers 404 for an unknown one', async () => {
    const model = await stack.openai.models.retrieve('gemini-2.5-pro');
    expect(model.id).toBe('gemini-2.5-pro');
    expectSpec('Model', model);
    const err = await stack.openai.models.retrieve('gpt-9').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('native passthrough with the official Google SDK', () => {
  const genai = () => new GoogleGenAI({ apiKey: TEST_KEY, httpOptions: { baseUrl: stack.worker.url } });

  it('generateContent, generateContentStream, countTokens and embedContent go through untouched', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'native hello', chunks: 3 } });
    const ai = genai();
    const res = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'Hi' });
    expect(res.text).toBe('native hello');
    let streamed = '';
    for await (const chunk of await ai.models.generateContentStream({ model: 'gemini-2.5-flash', contents: 'Hi' })) streamed += chunk.text ?? '';
    expect(streamed).toBe('native hello');
    const count = await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'How many tokens is this?' });
    expect(count.totalTokens).toBeGreaterThan(0);
    const emb = await ai.models.embedContent({ model: 'gemini-embedding-001', contents: 'embed me', config: { outputDimensionality: 8 } });
    expect(emb.embeddings?.[0]?.values).toHaveLength(8);
    for (const r of stack.mock.requests) expect(r.key).toBe(TEST_KEY);
  });

  it('keeps Google error bodies for native clients but scrubs keys and adds the contract label', async () => {
    stack.mock.script({ reply: { kind: 'keyError', reason: 'suspended' } });
    const res = await fetch(`${stack.worker.url}/v1beta/models/gemini-2.5-flash:generateContent?key=${TEST_KEY}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get(FAULT_HEADER)).toBe('key; reason=suspended');
    const text = await res.text();
    expect(text).not.toContain(TEST_KEY);
    expect(JSON.parse(text).error.status).toBe('PERMISSION_DENIED');
    expect(stack.mock.requests.at(-1)!.query.key).toBeUndefined();
  });
});

describe('WORKER_SECRET', () => {
  let secured: Stack;
  beforeAll(async () => {
    secured = await startStack({ workerSecret: 'correct-horse' });
  });
  afterAll(async () => {
    await secured?.close();
  });

  it('refuses callers without the secret before calling Gemini, and accepts it as a header or SECRET:KEY', async () => {
    const body = JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });
    const url = `${secured.worker.url}/v1/chat/completions`;
    const without = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}` }, body });
    expect(without.status).toBe(401);
    expect(without.headers.get(FAULT_HEADER)).toBe('upstream; reason=worker_auth');
    expect(secured.mock.requests).toHaveLength(0);
    const header = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${TEST_KEY}`, 'x-opengemini-secret': 'correct-horse' }, body });
    expect(header.status).toBe(200);
    const inline = await fetch(url, { method: 'POST', headers: { authorization: `Bearer correct-horse:${TEST_KEY}` }, body });
    expect(inline.status).toBe(200);
    expect(secured.mock.requests.map((r) => r.key)).toEqual([TEST_KEY, TEST_KEY]);
  });
});

describe('bad input never reaches Gemini and never yields a 500', () => {
  it.each([
    ['invalid JSON', '{"model": "gemini-2.5-flash", "messages": [', 400, null],
    ['a JSON array', '[1,2]', 400, null],
    ['an empty body', '', 400, null],
    ['missing messages', { model: 'gemini-2.5-flash' }, 400, 'messages'],
    ['messages not an array', { model: 'gemini-2.5-flash', messages: 'hi' }, 400, 'messages'],
    ['missing model', { messages: [{ role: 'user', content: 'x' }] }, 400, 'model'],
    ['an unknown role', { model: 'gemini-2.5-flash', messages: [{ role: 'wizard', content: 'x' }] }, 400, 'messages[0].role'],
    ['temperature as a string', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], temperature: 'hot' }, 400, 'temperature'],
    ['a tool without a name', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: {} }] }, 400, 'tools[0].function.name'],
    ['a broken data URL', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64' } }] }] }, 400, 'messages[0].content[0].image_url.url'],
  ] as const)('%s', async (_name, body, status, param) => {
    const res = await post('/v1/chat/completions', body as string | object);
    expect(res.status).toBe(status);
    const json = (await res.json()) as ErrorEnvelope;
    expectSpec('ErrorResponse', json);
    expect(json.error.param).toBe(param);
    expect(json.error.type).toBe('invalid_request_error');
    expect(stack.mock.requests).toHaveLength(0);
  });

  it('answers an unknown model with Gemini 404 naming model', async () => {
    const err = await stack.openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.APIError>).param).toBe('model');
  });

  it('answers 401 without a key, and never calls Gemini', async () => {
    const res = await fetch(`${stack.worker.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorEnvelope).error.code).toBe('client_missing_key');
    expect(stack.mock.requests).toHaveLength(0);
  });

  it.each([
    ['GET', '/v1/chat/completions', 405],
    ['GET', '/v1/nothing-here', 404],
    ['POST', '/v1/models', 405],
  ])('%s %s -> %i in OpenAI format', async (method, path, status) => {
    const res = await fetch(`${stack.worker.url}${path}`, { method, headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(res.status).toBe(status);
    expectSpec('ErrorResponse', await res.json());
  });

  it('answers CORS preflight', async () => {
    const res = await fetch(`${stack.worker.url}/v1/chat/completions`, { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('serves the API under a mount path', async () => {
    stack.mock.script({ reply: { kind: 'text', text: 'mounted' } });
    const client = new OpenAI({ baseURL: `${stack.worker.url}/some/prefix/v1`, apiKey: TEST_KEY, maxRetries: 0 });
    const res = await client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] });
    expect(res.choices[0]!.message.content).toBe('mounted');
  });
});
