// A client with a valid key may not make Google judge the pool's keys or upstreams by something of
// its own (found by probing the pool as a hostile client): OPTIONS or TRACE sent on to the Worker
// came back as no answer and opened its breaker (503 for everyone); a bad `access_token` or a
// foreign `x-goog-user-project` made Google answer 401/403 for every key tried, which disabled them
// all; `alt=proto` makes a 200 that is not JSON, the upstream's fault by the pool's rules. Each is
// now refused or dropped before a key is spent. Real sockets: the pool -> the built Worker in
// workerd -> the strict mock.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type PoolUnderTest, startBackend, startTestPool, testKey } from './helpers/stack';

const KEYS = [testKey(1), testKey(2), testKey(3)];
const GENERATE = '/v1beta/models/gemini-2.5-flash:generateContent';
const BODY = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] });

let backend: Backend;
let p: PoolUnderTest;
beforeAll(async () => {
  backend = await startBackend();
  p = await startTestPool({ keys: KEYS, upstreams: [backend.worker.url] });
});
afterAll(async () => {
  await p?.close();
  await backend?.close();
});

/** Any method, TRACE included (fetch refuses to send it). */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, p.base);
    const req = httpRequest(url, { method, headers: { 'x-goog-api-key': p.pool.accessKey, 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const generated = async () => {
  const r = await send('POST', GENERATE, {}, BODY);
  expect(r.status).toBe(200);
};

describe('native methods Google does not use', () => {
  it.each(['OPTIONS', 'TRACE', 'PUT'])('%s is refused with a 400 in Google’s format, no key spent, no upstream blamed', async (method) => {
    const before = backend.mock.requests.length;
    const r = await send(method, GENERATE, {}, method === 'PUT' ? BODY : undefined);
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).error.status).toBe('INVALID_ARGUMENT');
    expect(backend.mock.requests.length).toBe(before);
    // Twice more, then an ordinary call: the Worker's breaker never opened.
    await send(method, GENERATE);
    await send(method, GENERATE);
    await generated();
  });
});

describe('what a client may not make Google judge the keys by', () => {
  it('its own credentials and answer-shaping parameters are not passed on; the rest of the query is', async () => {
    const before = backend.mock.requests.length;
    const r = await send('POST', `${GENERATE}?access_token=ya29.garbage&oauth_token=x&bearer_token=y&callback=cb&%24.xgafv=1&key=${KEYS[0]}&alt=json&prettyPrint=false`, { 'x-goog-user-project': 'someone-elses-project' }, BODY);
    expect(r.status).toBe(200);
    const seen = backend.mock.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.query).toEqual({ alt: 'json', prettyPrint: 'false' });
    expect(seen[0]!.headers['x-goog-user-project']).toBeUndefined();
  });

  it.each([
    ['alt=proto on generateContent (its 200 would not be JSON)', `${GENERATE}?alt=proto`, 'alt=proto'],
    ['alt=media on generateContent', `${GENERATE}?alt=media`, 'alt=media'],
    ['alt=sse on generateContent, which is not streamed', `${GENERATE}?alt=sse`, 'alt=sse'],
    // Each reader once took a different one: the pool expected SSE, the Worker and Google read JSON.
    ['two alts on streamGenerateContent', '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=json&alt=sse', 'given 2 times'],
  ])('%s is refused before a key is spent; no upstream is blamed', async (_name, path, said) => {
    const before = backend.mock.requests.length;
    for (let i = 0; i < 3; i++) {
      const r = await send('POST', path, {}, BODY);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.text).error.message).toContain(said);
    }
    expect(backend.mock.requests.length).toBe(before);
    await generated();
  });
});

describe('a known path asked with the wrong method', () => {
  it('the 404 names the method asked and the one the path takes, not just the path (which it also lists)', async () => {
    const r = await fetch(`${p.base}/v1/chat/completions`, { headers: { authorization: `Bearer ${p.pool.accessKey}` } });
    expect(r.status).toBe(404);
    const message = ((await r.json()) as { error: { message: string } }).error.message;
    expect(message).toContain('No route for GET /v1/chat/completions');
    expect(message).toContain('POST /v1/chat/completions');
  });
});
