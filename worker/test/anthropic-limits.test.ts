// A 60 MB Messages body is refused with 413 request_too_large before it is read, whether its
// length is declared or it arrives chunked. On the handler in Node: wrangler's local dev proxy in
// front of workerd cuts such uploads short itself, which would test the proxy, not the Worker.
import { describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../src/handler';

const KEY = `AIzaSyTEST${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 29)}`;
const MB = 1024 * 1024;

/** 60 MB of `{"model":..., "messages":[{"role":"user","content":"xxxx...` in 1 MiB pieces. */
function bigBody(pulled: { bytes: number }): ReadableStream<Uint8Array> {
  const head = new TextEncoder().encode('{"model":"gemini-2.5-flash","max_tokens":8,"messages":[{"role":"user","content":"');
  const piece = new Uint8Array(MB).fill(0x78);
  let sent = 0;
  return new ReadableStream({
    pull(c) {
      const chunk = sent === 0 ? head : piece;
      sent++;
      pulled.bytes += chunk.byteLength;
      if (sent > 61) c.close();
      else c.enqueue(chunk);
    },
  });
}

describe('a 60 MB body on /v1/messages', () => {
  it.each([
    ['declared in content-length', true],
    ['chunked, length unknown', false],
  ])('%s: 413 request_too_large in Anthropic’s envelope, Gemini never called, the body not read to its end', async (_name, declared) => {
    const calls: string[] = [];
    const handle = createWorkerHandler({ GEMINI_BASE_URL: 'http://gemini.invalid' }, {
      fetch: async (input) => {
        calls.push(String(input));
        throw new Error('Gemini must not be called');
      },
    });
    const pulled = { bytes: 0 };
    const headers: Record<string, string> = { 'x-api-key': KEY, 'content-type': 'application/json' };
    if (declared) headers['content-length'] = String(60 * MB + 80);
    const res = await handle(new Request('http://worker/v1/messages', { method: 'POST', headers, body: bigBody(pulled), duplex: 'half' } as RequestInit));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'request_too_large', message: expect.stringContaining('MiB'), code: 'client_too_large' } });
    expect(calls).toEqual([]);
    expect(pulled.bytes).toBeLessThan(40 * MB);
  });
});
