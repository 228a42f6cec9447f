// Streams end to end: retried only before the first byte, passed through chunk by chunk after,
// broken streams reported in-band, and a client hanging up cancels the upstream at once.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fingerprint } from '@opengemini/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextPacificMidnight } from '../src/accounting/pacific-day';
import { type Backend, type PoolUnderTest, eventually, startBackend, startTestPool, status, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';
const k1 = testKey(1);
const k2 = testKey(2);
let backend: Backend;
const pools: PoolUnderTest[] = [];

async function pool(keys: string[], env: Record<string, string> = {}, direct = false): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys, upstreams: direct ? [] : [backend.worker.url], env: { GEMINI_BASE_URL: backend.mock.url, ...env } });
  pools.push(p);
  return p;
}

const streamKeys = () => backend.mock.requests.filter((r) => r.action === 'streamGenerateContent').map((r) => r.key);

async function collect(p: PoolUnderTest, signal?: AbortSignal): Promise<{ text: string; error?: unknown; chunks: number }> {
  const stream = await p.client.chat.completions.create(
    { model: MODEL, messages: [{ role: 'user', content: 'tell me' }], stream: true, stream_options: { include_usage: true } },
    signal ? { signal } : {},
  );
  let text = '';
  let chunks = 0;
  try {
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta.content ?? '';
    }
  } catch (error) {
    return { text, error, chunks };
  }
  return { text, chunks };
}

beforeAll(async () => {
  backend = await startBackend();
});
afterEach(async () => {
  backend.mock.reset();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(() => backend?.close());

describe('streaming through the pool', () => {
  it('passes a stream through and counts its tokens from the usage chunk', async () => {
    const p = await pool([k1]);
    const r = await collect(p);
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('mock answer to: tell me');
    await eventually(async () => {
      const k = (await status(p)).keys[0]!;
      expect((k.usageToday[MODEL] as unknown as { tokensOut: number }).tokensOut).toBeGreaterThan(0);
    });
  });

  it('a stream refused before its first byte (429) is retried on the next key, invisibly', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, method: 'streamGenerateContent', reply: { kind: 'quota', quota: 'per_minute' } });
    const r = await collect(p);
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('mock answer to: tell me');
    expect(streamKeys()).toEqual([k1, k2]);
  });

  it('a stream whose first event is an error is not committed: the next key answers', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'never' }, stream: { errorAfter: { chunks: 0, error: { kind: 'serverError', status: 503 } } } });
    const r = await collect(p);
    expect(r.error).toBeUndefined();
    expect(r.text).toBe('mock answer to: tell me');
    expect(streamKeys()).toEqual([k1, k2]);
  });

  it('a stream that breaks after its first byte is not retried; the client sees an error, not a silent cut', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'one two three four five six', chunks: 6 }, stream: { drop: { afterChunks: 2 } } });
    const r = await collect(p);
    expect(r.chunks).toBeGreaterThan(0);
    expect(r.error).toBeDefined();
    expect(streamKeys()).toEqual([k1]);
  });

  it('an error event mid-stream reaches the client in-band and still penalises the key (per-day quota)', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'one two three four', chunks: 4 }, stream: { errorAfter: { chunks: 2, error: { kind: 'quota', quota: 'per_day' } } } });
    const r = await collect(p);
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.error).toBeDefined();
    expect(streamKeys()).toEqual([k1]);
    const k = (await status(p)).keys.find((x) => x.key === fingerprint(k1))!;
    expect(k.cooldowns[MODEL]).toEqual({ until: new Date(nextPacificMidnight(Date.now())).toISOString(), reason: 'quota_per_day' });
  });

  it('a client that hangs up mid-stream aborts the upstream request at once', async () => {
    // A Worker stand-in that sends one chunk and stalls, recording when its request is closed.
    let upstreamClosed = false;
    const stub = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: MODEL, choices: [{ index: 0, delta: { role: 'assistant', content: 'one' }, finish_reason: null }] })}\n\n`);
      res.once('close', () => (upstreamClosed = true));
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    try {
      const p = await startTestPool({ keys: [k1], upstreams: [`http://127.0.0.1:${(stub.address() as AddressInfo).port}`] });
      pools.push(p);
      const ac = new AbortController();
      const stream = await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }, { signal: ac.signal });
      await (async () => {
        for await (const c of stream) if (c.choices[0]?.delta.content) ac.abort();
      })().catch(() => {});
      // The stub never ends its answer: only the pool closing the upstream request closes it.
      await eventually(() => expect(upstreamClosed).toBe(true));
      // The pool released the key and logged the request as closed by the client.
      await eventually(async () => {
        expect(p.logs.join('')).toMatch(/"status":499,.*"code":"client_closed"/);
        expect(p.pool.ctx.keys.all()[0]!.inFlight).toBe(0);
      });
    } finally {
      stub.closeAllConnections();
      await new Promise((r) => stub.close(r));
    }
  });
});

describe('direct mode (no upstreams.txt entries)', () => {
  it('runs the converter in-process: answers, streams and rotates keys past a 429', async () => {
    const p = await pool([k1, k2], {}, true);
    expect(p.pool.mode()).toBe('direct');
    backend.mock.script({ key: k1, times: 1, reply: { kind: 'quota', quota: 'per_minute' } });
    const r = await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'direct' }] });
    expect(r.choices[0]?.message.content).toBe('mock answer to: direct');
    expect((await collect(p)).text).toBe('mock answer to: tell me');
    expect((await status(p)).upstreams.map((u) => u.upstream)).toEqual(['direct']);
  });

  it('STREAM_IDLE_TIMEOUT_MS holds in direct mode: a Gemini stream gone silent is cut with an in-band error', async () => {
    const p = await pool([k1], { STREAM_IDLE_TIMEOUT_MS: '300' }, true);
    backend.mock.script({ key: k1, reply: { kind: 'text', text: 'one two three', chunks: 3 }, stream: { stall: { afterChunks: 1 } } });
    const r = await collect(p);
    expect(r.chunks).toBeGreaterThan(0);
    expect(r.error).toBeDefined();
    await eventually(() => expect(p.logs.join('')).toMatch(/"code":"upstream_timeout"/));
  });
});
