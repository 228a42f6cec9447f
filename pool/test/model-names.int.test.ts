// Model names that would steer the Gemini URL (issue 10): refused by the pool with a 400 in the
// caller's dialect naming the field, before any key is used, on the chat, embeddings and native
// routes; what passes is budgeted, cooled down and logged under its normalised name. Real sockets:
// the pool -> the built Worker in workerd -> the strict mock.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Backend, type PoolUnderTest, startBackend, startTestPool, testKey } from './helpers/stack';

let backend: Backend;
let p: PoolUnderTest;
beforeAll(async () => {
  backend = await startBackend();
  p = await startTestPool({ keys: [testKey(1), testKey(2)], upstreams: [backend.worker.url], env: { KEY_BUDGETS: 'pro=1' } });
});
afterAll(async () => {
  await p?.close();
  await backend?.close();
});

const HOSTILE = [
  'gemini-2.5-flash/../gemini-2.5-pro',
  'models/../../x',
  'gemini-2.5-flash%2F..%2Fgemini-2.5-pro',
  '..',
  'models/.',
  'gemini-2.5-flash\u0000',
  'x'.repeat(16_000),
];

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${p.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

/** A POST with its path sent byte for byte (fetch would resolve `.` and `..` segments first). */
function rawPost(path: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const url = new URL(p.base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method: 'POST', path, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('a model name that would steer the Gemini URL is a 400 naming `model`, and Gemini is never called', () => {
  it.each(HOSTILE.map((m, i) => [i, m]))('chat and embeddings, name #%i', async (_i, model) => {
    const before = backend.mock.requests.length;
    for (const [path, body] of [
      ['/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/chat/completions', { model, stream: true, messages: [{ role: 'user', content: 'hi' }] }],
      ['/v1/embeddings', { model, input: 'hi' }],
    ] as const) {
      const r = await post(path, body);
      expect(r.status).toBe(400);
      const err = ((await r.json()) as { error: { param: string; code: string; message: string } }).error;
      expect(err.param).toBe('model');
      expect(err.code).toBe('client_bad_request');
      expect(err.message.length).toBeLessThan(300);
    }
    expect(backend.mock.requests.length).toBe(before);
  });

  it.each([
    ['/v1beta/models/./gemini-2.5-pro:generateContent'],
    ['/v1beta/models/../../x:generateContent'],
    ['/v1beta/models/gemini-2.5-flash%2F..%2Fgemini-2.5-pro:generateContent'],
    ['/v1beta/models/%2e%2e/x:generateContent'],
    [`/v1beta/models/${'m'.repeat(500)}:generateContent`],
  ])('native %s: Google-shaped 400, nothing sent', async (path) => {
    const before = backend.mock.requests.length;
    const r = await rawPost(path, { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }, { 'x-goog-api-key': p.pool.accessKey });
    expect(r.status).toBe(400);
    const err = (JSON.parse(r.body) as { error: { status: string; message: string } }).error;
    expect(err.status).toBe('INVALID_ARGUMENT');
    expect(err.message).toMatch(/Invalid path/);
    expect(backend.mock.requests.length).toBe(before);
  });
});

describe('the normalised name is what is budgeted and logged', () => {
  it('models/gemini-2.5-pro counts against the pro budget: with pro=1 per key, the third pro call is refused', async () => {
    const before = backend.mock.requests.length;
    const ask = (model: string) => post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
    const first = await ask('models/gemini-2.5-pro');
    expect(first.status, await first.clone().text()).toBe(200);
    expect((await ask('gemini-2.5-pro')).status).toBe(200);
    const third = await ask('models/gemini-2.5-pro');
    expect(third.status).toBe(429);
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('daily_budget_spent');
    // Both answered calls reached Gemini as pro, under the normalised path.
    const sent = backend.mock.requests.slice(before).map((r) => r.path);
    expect(sent).toEqual(['/v1beta/models/gemini-2.5-pro:generateContent', '/v1beta/models/gemini-2.5-pro:generateContent']);
    const lines = p.logs.filter((l) => l.includes('"route":"/v1/chat/completions"') && l.includes('gemini-2.5-pro'));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const l of lines) expect(JSON.parse(l).model).toBe('gemini-2.5-pro');
  });
  it('a native call is logged under its model, not `*`', async () => {
    const r = await fetch(`${p.base}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': p.pool.accessKey, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    expect(r.status).toBe(200);
    const line = p.logs.filter((l) => l.includes('"route":"/v1beta/models/{model}:generateContent"')).at(-1)!;
    expect(JSON.parse(line).model).toBe('gemini-2.5-flash');
  });
});
