// The Anthropic Messages and OpenAI Responses routes of the pool, end to end with the official
// SDKs (@anthropic-ai/sdk, openai) -> the pool on a real socket -> the built Worker in workerd (or
// direct mode, the converter in-process) -> the strict mock Gemini. Both go through the one
// attempt loop: a key refused with a 429 is rotated invisibly, a stream is retried only before
// its first byte (an error as its first event included), usage is counted per key, model and
// client, and the pool's own errors come in the route's envelope (Anthropic's on /v1/messages).
import Anthropic from '@anthropic-ai/sdk';
import { MAX_REQUEST_BYTES, fingerprint } from '@opengemini/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type PoolUnderTest, startBackend, startTestPool, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';
const k1 = testKey(1);
const k2 = testKey(2);
let backend: Backend;
const pools: PoolUnderTest[] = [];

type Mode = 'workers' | 'direct';

async function pool(mode: Mode, keys: string[], env: Record<string, string> = {}, upstreams?: string[]): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys, upstreams: upstreams ?? (mode === 'direct' ? [] : [backend.worker.url]), env: { GEMINI_BASE_URL: backend.mock.url, ...env } });
  pools.push(p);
  return p;
}

const anthropic = (p: PoolUnderTest, auth: 'x-api-key' | 'bearer' = 'x-api-key') =>
  new Anthropic({ baseURL: p.base, ...(auth === 'x-api-key' ? { apiKey: p.pool.accessKey } : { apiKey: null, authToken: p.pool.accessKey }), maxRetries: 0, timeout: 20_000 });

const generateKeys = () => backend.mock.requests.filter((r) => r.action === 'generateContent' || r.action === 'streamGenerateContent').map((r) => r.key);

/** Today's counters of the pool's client key and of Gemini key `key`, for MODEL. */
function counted(p: PoolUnderTest, key: string) {
  const { usage } = p.pool.ctx;
  const day = usage.dayOf(Date.now());
  return { client: usage.clientModels(day, fingerprint(p.pool.accessKey))[MODEL], key: usage.keyDay(day, fingerprint(key))[MODEL] };
}

async function post(p: PoolUnderTest, path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${p.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': p.pool.accessKey, ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  backend = await startBackend();
});
afterEach(async () => {
  backend.mock.reset();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(() => backend?.close());

describe.each<Mode>(['workers', 'direct'])('Anthropic Messages through the pool (%s)', (mode) => {
  it('messages.create with x-api-key: the answer, and its tokens counted for the key and the client', async () => {
    const p = await pool(mode, [k1]);
    const msg = await anthropic(p).messages.create({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'hello there' }] });
    expect(msg.content).toEqual([{ type: 'text', text: 'mock answer to: hello there' }]);
    expect(msg.stop_reason).toBe('end_turn');
    const c = counted(p, k1);
    expect(c.client).toMatchObject({ requests: 1, tokensIn: msg.usage.input_tokens, tokensOut: msg.usage.output_tokens });
    expect(c.key).toMatchObject({ requests: 1, tokensIn: msg.usage.input_tokens, tokensOut: msg.usage.output_tokens });
    expect(msg.usage.output_tokens).toBeGreaterThan(0);
  });

  it('messages.stream() + finalMessage() after a key that 429s: the next key answers, the stream is counted from its `: usage` comment', async () => {
    const p = await pool(mode, [k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute' } });
    const final = await anthropic(p, 'bearer').messages.stream({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'stream it' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'mock answer to: stream it' }]);
    expect(generateKeys()).toEqual([k1, k2]);
    const c = counted(p, k2);
    expect(c.client).toMatchObject({ requests: 1, tokensIn: final.usage.input_tokens, tokensOut: final.usage.output_tokens });
    expect(c.key).toMatchObject({ requests: 1, tokensOut: final.usage.output_tokens });
    expect(counted(p, k1).key).toMatchObject({ rateLimited: 1, tokensOut: 0 });
  });

  it('a stream whose first event is an Anthropic error event is not committed: the next key answers', async () => {
    const p = await pool(mode, [k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'never' }, stream: { errorAfter: { chunks: 0, error: { kind: 'serverError', status: 503 } } } });
    const final = await anthropic(p).messages.stream({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'again' }] }).finalMessage();
    expect(final.content).toEqual([{ type: 'text', text: 'mock answer to: again' }]);
    expect(generateKeys()).toEqual([k1, k2]);
  });

  it('count_tokens answers input_tokens and is not counted as usage', async () => {
    const p = await pool(mode, [k1]);
    const n = await anthropic(p).messages.countTokens({ model: MODEL, messages: [{ role: 'user', content: 'count these words please' }] });
    expect(n.input_tokens).toBeGreaterThan(0);
    expect(counted(p, k1).client).toMatchObject({ requests: 1, tokensIn: 0, tokensOut: 0 });
  });
});

// Through a Worker, Gemini's chunks arrive apart; in direct mode the converter's first read can
// hold the start and the error together, and then nothing was sent yet: a failed attempt.
describe('a Messages stream that breaks after its first byte', () => {
  it('an error after the first byte reaches the SDK as an Anthropic error event, never a silent end', async () => {
    const p = await pool('workers', [k1]);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'one two three four', chunks: 4 }, stream: { errorAfter: { chunks: 2, error: { kind: 'quota', quota: 'per_day' } } } });
    const stream = anthropic(p).messages.stream({ model: MODEL, max_tokens: 256, messages: [{ role: 'user', content: 'cut' }] });
    await expect(stream.finalMessage()).rejects.toMatchObject({ error: { type: 'error', error: { type: 'rate_limit_error', code: 'quota_per_day' } } });
    expect(generateKeys()).toEqual([k1]);
  });

});

describe('the pool’s own errors on /v1/messages, in Anthropic’s envelope', () => {
  it('a wrong client key: 401 authentication_error, raised by the SDK as AuthenticationError', async () => {
    const p = await pool('workers', [k1]);
    const bad = new Anthropic({ baseURL: p.base, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = await bad.messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'authentication_error', code: 'invalid_api_key' } });
    expect(generateKeys()).toEqual([]);
  });

  it('every key cooling down: 429 rate_limit_error with retry-after, as RateLimitError', async () => {
    const p = await pool('workers', [k1], { MAX_KEY_WAIT_MS: '0' });
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute' } });
    await anthropic(p).messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }).catch(() => undefined);
    const err = await anthropic(p).messages.create({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.APIError>;
    expect(e.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error', code: 'all_keys_cooling' } });
    expect(Number(e.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(generateKeys()).toEqual([k1]);
  });

  it('every Worker down: 503 overloaded_error naming the cause', async () => {
    const p = await pool('workers', [k1], { BREAKER_FAILURES: '1' }, ['http://127.0.0.1:9/v1']);
    const r = await post(p, '/v1/messages', JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'x' }] }));
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });

  it('bad JSON, a missing model and a body over the limit: 400 invalid_request_error and 413 request_too_large', async () => {
    const p = await pool('workers', [k1]);
    expect(await post(p, '/v1/messages?beta=true', '{"model":')).toMatchObject({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error' } } });
    expect(await post(p, '/v1/messages', '{"max_tokens":1,"messages":[]}')).toMatchObject({ status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'you must provide a model parameter' } } });
    // Over the one body limit both tiers share (MAX_REQUEST_BYTES): refused by its length, unread.
    const big = JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: 'x'.repeat(MAX_REQUEST_BYTES) }] });
    expect(await post(p, '/v1/messages', big)).toMatchObject({ status: 413, body: { type: 'error', error: { type: 'request_too_large' } } });
    expect(generateKeys()).toEqual([]);
  });
});

describe.each<Mode>(['workers', 'direct'])('OpenAI Responses through the pool (%s)', (mode) => {
  it('responses.create: the answer, its tokens counted for the key and the client', async () => {
    const p = await pool(mode, [k1]);
    const r = await p.client.responses.create({ model: MODEL, input: 'hello there' });
    expect(r.output_text).toBe('mock answer to: hello there');
    const c = counted(p, k1);
    expect(c.client).toMatchObject({ requests: 1, tokensIn: r.usage!.input_tokens, tokensOut: r.usage!.output_tokens });
    expect(r.usage!.output_tokens).toBeGreaterThan(0);
  });

  it('responses.stream() + finalResponse() after a key that 429s: the next key answers, counted from the `: usage` comment', async () => {
    const p = await pool(mode, [k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute' } });
    const final = await p.client.responses.stream({ model: MODEL, input: 'stream it' }).finalResponse();
    expect(final.output_text).toBe('mock answer to: stream it');
    expect(generateKeys()).toEqual([k1, k2]);
    expect(counted(p, k2).client).toMatchObject({ requests: 1, tokensIn: final.usage!.input_tokens, tokensOut: final.usage!.output_tokens });
  });

  it('a stream whose first event is a Responses error event is not committed: the next key answers', async () => {
    const p = await pool(mode, [k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'never' }, stream: { errorAfter: { chunks: 0, error: { kind: 'serverError', status: 503 } } } });
    const final = await p.client.responses.stream({ model: MODEL, input: 'again' }).finalResponse();
    expect(final.output_text).toBe('mock answer to: again');
    expect(generateKeys()).toEqual([k1, k2]);
  });

  it('input_tokens is answered and not counted as usage; a stored response is the Worker’s clear 404', async () => {
    const p = await pool(mode, [k1]);
    const n = await p.client.responses.inputTokens.count({ model: MODEL, input: 'count these words please' });
    expect(n.input_tokens).toBeGreaterThan(0);
    expect(counted(p, k1).client).toMatchObject({ tokensIn: 0, tokensOut: 0 });
    const got = await p.client.responses.retrieve('resp_123').catch((e: unknown) => e);
    expect(got).toBeInstanceOf(Error);
    expect(got).toMatchObject({ status: 404 });
    expect(String((got as Error).message)).toContain('resp_123');
  });

  it('a wrong client key: 401 in OpenAI’s envelope', async () => {
    const p = await pool(mode, [k1]);
    const res = await fetch(`${p.base}/v1/responses`, { method: 'POST', headers: { authorization: 'Bearer sk-wrong', 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_api_key', type: 'invalid_request_error' } });
  });
});
