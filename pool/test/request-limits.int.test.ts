// What a client sends is bounded in size and in time, on every route (issue 10: with
// `requestTimeout: 0` and a 50 MB limit, 20 clients with no credentials sending 45 MB of a
// 50,000,000-byte sign-in body held 980 MB for minutes). Raw sockets, so the test controls every
// byte and sees when the pool closes the connection.
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heapMb } from './helpers/memory';
import { rawExchange, sendBytes } from './helpers/raw-http';
import { type PoolUnderTest, startTestPool, testKey } from './helpers/stack';

/** A Gemini stream that takes `ms` to finish: five text events, then the last with usage. */
function slowStream(ms: number): typeof fetch {
  return (async () => {
    const enc = new TextEncoder();
    const event = (o: unknown) => enc.encode(`data: ${JSON.stringify(o)}\r\n\r\n`);
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        await new Promise((r) => setTimeout(r, ms / 5));
        if (++n < 5) return controller.enqueue(event({ candidates: [{ content: { role: 'model', parts: [{ text: `part${n} ` }] }, index: 0 }] }));
        controller.enqueue(event({ candidates: [{ content: { role: 'model', parts: [{ text: 'end' }] }, finishReason: 'STOP', index: 0 }], usageMetadata: { promptTokenCount: 1, candidatesTokenCount: 5, totalTokenCount: 6 } }));
        controller.close();
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }) as typeof fetch;
}

let p: PoolUnderTest;
let port: number;
beforeAll(async () => {
  p = await startTestPool({ keys: [testKey(1)], upstreams: [], env: { LOG_LEVEL: 'warn', HEADERS_TIMEOUT_MS: '400', BODY_TIMEOUT_MS: '800' }, directFetch: slowStream(2_000) });
  port = Number(new URL(p.base).port);
});
afterAll(async () => {
  await p?.close();
});

describe('bodies from clients without credentials', () => {
  it('POST /admin/session announcing 50,000,000 bytes: 413 before the body is read, the connection closed; 20 at once hold no memory', async () => {
    const before = heapMb();
    const head = 'POST /admin/session HTTP/1.1\r\nHost: pool\r\nContent-Type: application/json\r\nContent-Length: 50000000\r\n\r\n';
    const all = await Promise.all(Array.from({ length: 20 }, () => sendBytes(port, head, 45 * 2 ** 20)));
    const after = heapMb();
    console.info(`[request limits] 20 unauthenticated 50 MB sign-ins: heap ${before.toFixed(1)} -> ${after.toFixed(1)} MB; client bytes accepted before the close: max ${(Math.max(...all.map((e) => e.sent)) / 2 ** 20).toFixed(1)} MiB`);
    for (const e of all) expect(e).toMatchObject({ status: 'HTTP/1.1 413 Payload Too Large', closed: true });
    // heapMb collects garbage first: what is left is what the 20 connections hold.
    expect(after - before).toBeLessThan(20);
  });

  it('a chunked sign-in body (no length) is cut off at 4 KiB with 413', async () => {
    const head = 'POST /admin/session HTTP/1.1\r\nHost: pool\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n';
    const e = await rawExchange(port, (s) => {
      s.write(head);
      s.write(`2000\r\n${'a'.repeat(0x2000)}\r\n`);
    });
    expect(e.status).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('a wrong client key with a large body on /v1: 401 at once and the connection closed, the body not read', async () => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: pool\r\nAuthorization: Bearer sk-wrong\r\nContent-Type: application/json\r\nContent-Length: ${20 * 2 ** 20}\r\n\r\n`;
    const e = await sendBytes(port, head, 20 * 2 ** 20);
    expect(e).toMatchObject({ status: 'HTTP/1.1 401 Unauthorized', closed: true });
  });

  it('a large body to an unknown path: 404 at once and the connection closed, the body not read', async () => {
    const head = `POST /nowhere HTTP/1.1\r\nHost: pool\r\nContent-Type: application/json\r\nContent-Length: ${20 * 2 ** 20}\r\n\r\n`;
    const e = await sendBytes(port, head, 20 * 2 ** 20);
    expect(e).toMatchObject({ status: 'HTTP/1.1 404 Not Found', closed: true });
  });
});

describe('the one body limit, MAX_REQUEST_BYTES', () => {
  it('a chat with a valid key announcing more than MAX_REQUEST_BYTES: 413 before a byte of it is read', async () => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: pool\r\nAuthorization: Bearer ${p.pool.accessKey}\r\nContent-Type: application/json\r\nContent-Length: ${MAX_REQUEST_BYTES + 1}\r\n\r\n`;
    const e = await sendBytes(port, head, 0, { waitMs: 2_000 });
    expect(e).toMatchObject({ status: 'HTTP/1.1 413 Payload Too Large', closed: true });
  });
});

describe('timeouts on what a client sends', () => {
  it('headers trickled for longer than HEADERS_TIMEOUT_MS: 408 and the connection closed', async () => {
    const e = await rawExchange(port, (s) => {
      const drip = setInterval(() => s.write('X-Slow: 1\r\n'), 100);
      s.write('GET /health HTTP/1.1\r\nHost: pool\r\n');
      return () => clearInterval(drip);
    });
    expect(e.status).toBe('HTTP/1.1 408 Request Timeout');
  });

  it.each([
    ['/v1/chat/completions', (b: string) => JSON.parse(b).error as { code?: string; type?: string }, { code: 'request_timeout', type: 'invalid_request_error' }],
    ['/v1beta/models/gemini-2.5-flash:generateContent', (b: string) => JSON.parse(b).error as { code?: number; status?: string }, { code: 408, status: 'DEADLINE_EXCEEDED' }],
  ] as const)('a body to %s sent slower than BODY_TIMEOUT_MS allows, with a valid key: 408 in the route’s envelope and the connection closed', async (path, errorOf, expected) => {
    const head = `POST ${path} HTTP/1.1\r\nHost: pool\r\nAuthorization: Bearer ${p.pool.accessKey}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`;
    const e = await sendBytes(port, head, 1_000_000, { pauseMs: 200 });
    expect(e).toMatchObject({ status: 'HTTP/1.1 408 Request Timeout', closed: true });
    const body = e.reply.slice(e.reply.indexOf('\r\n\r\n') + 4);
    expect(errorOf(body)).toMatchObject(expected);
    expect(body).toContain('BODY_TIMEOUT_MS');
  });

  it('a body that arrives within BODY_TIMEOUT_MS, in pieces, is read whole and answered', async () => {
    const json = JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: pool\r\nAuthorization: Bearer ${p.pool.accessKey}\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\nConnection: close\r\n\r\n`;
    const e = await rawExchange(port, (s) => {
      s.write(head);
      s.write(json.slice(0, 10));
      setTimeout(() => s.write(json.slice(10)), 100);
    });
    expect(e.status).toBe('HTTP/1.1 200 OK');
    expect(e.reply).toContain('part4');
    expect(e.reply).toContain('data: [DONE]');
  });

  it('an answer streamed for longer than BODY_TIMEOUT_MS is not cut: the timeouts end once the request has arrived', async () => {
    const started = Date.now();
    const stream = await p.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(Date.now() - started).toBeGreaterThan(800);
    expect(text).toBe('part1 part2 part3 part4 end');
  });
});
