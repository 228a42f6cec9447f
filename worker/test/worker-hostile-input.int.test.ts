// The Worker on its own (built, in workerd, before the strict mock), fed what a hostile caller
// would send it: model names that would steer the Gemini URL, native paths with escapes, and a
// key of a non-Google shape that Google echoes in full in its leaked-key 403.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '@opengemini/shared';
import { type MockGemini, startMockGemini } from '../../tools/src/mock-gemini/index';
import { type RunningWorker, startWorkerd } from '../../tools/src/harness/workerd';
import { TEST_KEY } from './support/stack';

/** A key.txt line that is not Google-shaped: the pattern scrub cannot know it is a key. */
const ODD_KEY = 'gk-odd-shape-0123456789abcdefghij';

let mock: MockGemini;
let worker: RunningWorker;
beforeAll(async () => {
  mock = await startMockGemini({ extraKeys: [ODD_KEY] });
  worker = await startWorkerd({ geminiBaseUrl: mock.url });
});
afterAll(async () => {
  await worker?.close();
  await mock?.close();
});

const post = (path: string, body: unknown, key = TEST_KEY) =>
  fetch(`${worker.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('model names that would steer the Gemini URL are the client\'s 400, before Gemini is called', () => {
  it.each([
    ['gemini-2.5-flash/../gemini-2.5-pro'],
    ['models/../../x'],
    ['gemini-2.5-flash%2F..%2Fgemini-2.5-pro'],
    ['..'],
    ['gemini-2.5-flash\r\nx: y'],
    ['m'.repeat(5000)],
  ])('chat with model #%#', async (model) => {
    const before = mock.requests.length;
    const r = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(400);
    const body = (await r.json()) as { error: { param: string; code: string } };
    expect(body.error.param).toBe('model');
    expect(body.error.code).toBe('client_bad_request');
    expect(mock.requests.length).toBe(before);
  });
  it('embeddings with a traversing model', async () => {
    const before = mock.requests.length;
    const r = await post('/v1/embeddings', { model: 'models/../../x', input: 'hi' });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { error: { param: string } }).error.param).toBe('model');
    expect(mock.requests.length).toBe(before);
  });
  it('GET /v1/models/{id} with an escaped slash', async () => {
    const before = mock.requests.length;
    const r = await fetch(`${worker.url}/v1/models/gemini-2.5-flash%2F..%2Fgemini-2.5-pro`, { headers: { authorization: `Bearer ${TEST_KEY}` } });
    expect(r.status).toBe(400);
    expect(mock.requests.length).toBe(before);
  });
  it('the models/ prefix Google allows still works', async () => {
    const r = await post('/v1/chat/completions', { model: 'models/gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] });
    expect(r.status).toBe(200);
    expect(mock.requests.at(-1)!.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
  });
});

describe('native paths with percent escapes never reach Gemini', () => {
  it.each([['/v1beta/models/..%2F..%2Fx:generateContent'], ['/v1beta/models/gemini-2.5-flash%2F..%2Fgemini-2.5-pro:generateContent'], ['/v1beta/files/%2e%2e%2fcachedContents']])('%s', async (path) => {
    const before = mock.requests.length;
    const r = await fetch(`${worker.url}${path}`, { method: 'POST', headers: { 'x-goog-api-key': TEST_KEY, 'content-type': 'application/json' }, body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }) });
    expect(r.status, await r.clone().text()).toBe(400);
    expect(mock.requests.length).toBe(before);
  });
});

describe('the key the Worker was handed is scrubbed literally, whatever its shape', () => {
  it('a leaked-key 403 echoing a non-Google-shaped key: chat, native and stream answers carry its fingerprint only', async () => {
    mock.script({ key: ODD_KEY, reply: { kind: 'keyError', reason: 'leaked', echoKey: true } });
    const chat = await post('/v1/chat/completions', { model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }, ODD_KEY);
    const stream = await post('/v1/chat/completions', { model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'hi' }] }, ODD_KEY);
    const native = await fetch(`${worker.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': ODD_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'hi' }] }] }),
    });
    for (const [i, r] of [chat, stream, native].entries()) {
      const text = await r.text();
      expect(r.status, `answer ${i}: ${text.slice(0, 300)}`).toBe(403);
      expect(text).toContain('reported as leaked');
      expect(text).not.toContain(ODD_KEY);
      expect(text).toContain(fingerprint(ODD_KEY));
    }
    expect(mock.requests.filter((q) => q.key === ODD_KEY).length).toBeGreaterThanOrEqual(3);
  });
});
