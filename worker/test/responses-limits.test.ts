// A 60 MB Responses body is refused with 413 before it is read, whether its length is declared
// or it arrives chunked. Run on the handler in Node: wrangler's local dev proxy in front of
// workerd cuts such uploads short itself ("Your worker restarted mid-request"), which would
// test the proxy rather than the Worker.
import { describe, expect, it } from 'vitest';
import { createWorkerHandler } from '../src/handler';
import { MB, bigBody, refusingFetch } from './support/big-body';

const KEY = `AIzaSyTEST${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 29)}`;

describe('a 60 MB body on /v1/responses', () => {
  it.each([
    ['declared in content-length', true],
    ['chunked, length unknown', false],
  ])('%s: 413 client_too_large, Gemini never called, the body not read to its end', async (_name, declared) => {
    const calls: string[] = [];
    const pulled = { bytes: 0 };
    const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    if (declared) headers['content-length'] = String(60 * MB + 40);
    const handle = createWorkerHandler({ GEMINI_BASE_URL: 'http://gemini.invalid' }, { fetch: refusingFetch(calls) });
    const res = await handle(new Request('http://worker/v1/responses', { method: 'POST', headers, body: bigBody('{"model":"gemini-2.5-flash","input":"', pulled), duplex: 'half' } as RequestInit));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('client_too_large');
    expect(calls).toEqual([]);
    expect(pulled.bytes).toBeLessThan(40 * MB);
  });
});
