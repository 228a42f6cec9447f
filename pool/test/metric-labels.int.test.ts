// Metric labels come partly from clients (the model name), so their count and length are capped:
// 2,000 chats with distinct 16,000-character model names must not grow the pool's memory or its
// /metrics page (issue 10: on the old exporter they cost +770 MB and a 92 MB page). Real sockets:
// the pool in direct mode, its Gemini calls answered at once by a stub fetch (Google's 404 for an
// unknown model), so the figures are the pool's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapMb } from './helpers/memory';
import { type PoolUnderTest, startTestPool, testKey } from './helpers/stack';

const N = 2_000;
// Model names are refused past 128 characters (shared/src/model-name.ts), so the longest that
// reach the metrics are just under that; the 16,000-character ones of the issue get a 400 first.
const LONG = 110;

const notFound = async () =>
  new Response(JSON.stringify({ error: { code: 404, message: 'models/x is not found for API version v1beta.', status: 'NOT_FOUND' } }), {
    status: 404,
    headers: { 'content-type': 'application/json' },
  });

let p: PoolUnderTest;
beforeAll(async () => {
  p = await startTestPool({ keys: [testKey(1), testKey(2)], upstreams: [], env: { METRICS: 'public', LOG_LEVEL: 'warn' }, directFetch: notFound as typeof fetch });
});
afterAll(async () => {
  await p?.close();
});

describe('metric labels from clients', () => {
  it('a 16,000-character model name is refused at the door; 2,000 distinct long names keep /metrics bounded and no label longer than 128', async () => {
    const huge = await fetch(`${p.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: `gemini-${'x'.repeat(16_000)}`, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(huge.status).toBe(400);
    expect(((await huge.json()) as { error: { param: string } }).error.param).toBe('model');
    const before = heapMb();
    const metricsBefore = (await (await fetch(`${p.base}/metrics`)).text()).length;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const model = `gemini-${String(i + j).padStart(5, '0')}-${'x'.repeat(LONG)}`;
          const res = await fetch(`${p.base}/v1/chat/completions`, {
            method: 'POST',
            headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
          });
          await res.arrayBuffer();
          expect(res.status).toBeGreaterThanOrEqual(400);
        }),
      );
    }
    const text = await (await fetch(`${p.base}/metrics`)).text();
    // The test's own copy of the log lines (each names its 16,000-character model) is not the pool's.
    p.logs.length = 0;
    const after = heapMb();
    console.info(`[metric labels] ${N} chats with ${LONG}-char model names: heap ${before.toFixed(1)} -> ${after.toFixed(1)} MB (${(after - before).toFixed(1)} MB); /metrics ${metricsBefore} -> ${text.length} bytes`);
    // Each distinct name is a series until the per-metric cap (20,000; its overflow into (other)
    // is unit-tested in metrics.test.ts): about 450 bytes of /metrics per name here, bounded.
    expect(text.length).toBeLessThan(2 * 1024 * 1024);
    // Before the caps: +430 MB. What is left (about 30 MB) is the model-family cache and the usage
    // tables, which bound their entries, not the names' length (heapMb collects garbage first).
    expect(after - before).toBeLessThan(64);
    // No label value anywhere near the length a client sent.
    const longest = Math.max(...[...text.matchAll(/="([^"]*)"/g)].map((m) => m[1]!.length));
    expect(longest).toBeLessThanOrEqual(128);
  });
});
