// A 60 MB Messages body is refused with 413 request_too_large before it is read, whether its
// length is declared or it arrives chunked. On the handler in Node: wrangler's local dev proxy in
// front of workerd cuts such uploads short itself, which would test the proxy, not the Worker.
import { describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../src/handler';
import { MB, bigBody, refusingFetch } from './support/big-body';

const KEY = `AIzaSyTEST${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 29)}`;

describe('a 60 MB body on /v1/messages', () => {
  it.each([
    ['declared in content-length', true],
    ['chunked, length unknown', false],
  ])('%s: 413 request_too_large in Anthropic’s envelope, Gemini never called, the body not read to its end', async (_name, declared) => {
    const calls: string[] = [];
    const handle = createWorkerHandler({ GEMINI_BASE_URL: 'http://gemini.invalid' }, { fetch: refusingFetch(calls) });
    const pulled = { bytes: 0 };
    const headers: Record<string, string> = { 'x-api-key': KEY, 'content-type': 'application/json' };
    if (declared) headers['content-length'] = String(60 * MB + 80);
    const res = await handle(new Request('http://worker/v1/messages', { method: 'POST', headers, body: bigBody('{"model":"gemini-2.5-flash","max_tokens":8,"messages":[{"role":"user","content":"', pulled), duplex: 'half' } as RequestInit));
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'request_too_large', message: expect.stringContaining('MiB'), code: 'client_too_large' } });
    expect(calls).toEqual([]);
    expect(pulled.bytes).toBeLessThan(40 * MB);
  });
});
