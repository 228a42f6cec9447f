// A client that hangs up before a non-streamed answer arrives: the attempt in flight is
// cancelled at once (the upstream request is dropped, the key released) and the request is
// logged as 499 client_closed; the back-off between attempts ends at once too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encodeFaultHeader } from '@opengemini/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFailingUpstream, type FailingUpstream } from './helpers/failing-upstream';
import { eventually, startTestPool, testKey, type PoolUnderTest } from './helpers/stack';

let upstream: FailingUpstream;
let p: PoolUnderTest;
/** Answers every request with Gemini's 503 (a fault retried on the next key after a back-off). */
let unavailable: Server;
let unavailableHits = 0;
let q: PoolUnderTest;

beforeAll(async () => {
  upstream = await startFailingUpstream('hang');
  p = await startTestPool({ keys: [testKey(1), testKey(2)], upstreams: [upstream.url], env: { BREAKER_FAILURES: '100' } });
  unavailable = createServer((req, res) => {
    unavailableHits++;
    req.resume();
    res
      .writeHead(503, { 'content-type': 'application/json', 'x-opengemini-fault': encodeFaultHeader({ kind: 'gemini', reason: 'unavailable' }) })
      .end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error', param: null, code: 'gemini_unavailable' } }));
  });
  await new Promise<void>((r) => unavailable.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(unavailable.address() as AddressInfo).port}`;
  q = await startTestPool({ keys: [1, 2, 3, 4, 5].map(testKey), upstreams: [url], env: { BREAKER_FAILURES: '100' } });
});

afterAll(async () => {
  await p.close();
  await q.close();
  await upstream.close();
  unavailable.closeAllConnections();
  await new Promise((r) => unavailable.close(r));
});

const ask = (signal: AbortSignal, pool = p) =>
  fetch(`${pool.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${pool.pool.accessKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    signal,
  }).catch(() => undefined);

describe('a client that leaves before the answer', () => {
  it('cancels the attempt in flight: 499 client_closed, key released, upstream request dropped', async () => {
    upstream.mode = 'hang';
    const hits = upstream.hits;
    const ac = new AbortController();
    const done = ask(ac.signal);
    await eventually(() => expect(upstream.hits).toBe(hits + 1));
    const t0 = Date.now();
    ac.abort();
    await done;
    await eventually(() => {
      expect(p.logs.join('')).toMatch(/"status":499,.*"code":"client_closed"/);
      expect(p.pool.ctx.keys.all().every((k) => k.inFlight === 0)).toBe(true);
    }, 3_000);
    expect(Date.now() - t0).toBeLessThan(1_000);
    // The upstream saw its connection dropped: one request only, no retry on another key.
    expect(upstream.hits).toBe(hits + 1);
  });

  it('ends the back-off between attempts at once', async () => {
    // Gemini 503s are retried on the next key after 100, 200, 400, then 800 ms: leave during the last.
    const ac = new AbortController();
    const done = ask(ac.signal, q);
    await eventually(() => expect(unavailableHits).toBe(4), 5_000);
    const t0 = Date.now();
    ac.abort();
    await done;
    await eventually(() => expect(q.logs.join('')).toMatch(/"status":499,.*"attempts":4,.*"code":"client_closed"/), 3_000);
    expect(Date.now() - t0).toBeLessThan(500);
    await new Promise((r) => setTimeout(r, 900));
    expect(unavailableHits).toBe(4);
  });
});
