// A client that hangs up before a non-streamed answer arrives: the attempt in flight is
// cancelled at once (the upstream request is closed, the key released) and the request is
// logged as 499 client_closed, with no attempt on another key.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestPool, testKey, type PoolUnderTest } from './helpers/stack';

/** A Worker stand-in that never answers, recording each request and when it is closed. */
let stub: Server;
const requests: string[] = [];
let upstreamClosed = 0;
let p: PoolUnderTest;

beforeAll(async () => {
  stub = createServer((req, res) => {
    requests.push(req.headers.authorization ?? '');
    req.resume();
    res.once('close', () => upstreamClosed++);
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  p = await startTestPool({ keys: [testKey(1), testKey(2)], upstreams: [`http://127.0.0.1:${(stub.address() as AddressInfo).port}`] });
});

afterAll(async () => {
  await p.close();
  stub.closeAllConnections();
  await new Promise((r) => stub.close(r));
});

describe('a client that leaves before a non-streamed answer', () => {
  it('cancels the attempt in flight: upstream request closed, key released, 499 client_closed', async () => {
    const ac = new AbortController();
    const done = fetch(`${p.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
      signal: ac.signal,
    }).catch(() => undefined);
    await eventually(() => expect(requests).toHaveLength(1));
    ac.abort();
    await done;
    // The stub never answers: only the pool closing the upstream request closes it.
    await eventually(() => expect(upstreamClosed).toBe(1));
    await eventually(() => {
      expect(p.logs.join('')).toMatch(/"status":499,"attempts":1,.*"code":"client_closed"/);
      expect(p.pool.ctx.keys.all().every((k) => k.inFlight === 0)).toBe(true);
    });
    // Cancelled, not failed: no second attempt with the other key.
    expect(requests).toHaveLength(1);
  });
});
