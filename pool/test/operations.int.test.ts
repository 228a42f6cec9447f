// Operating the pool end to end: client keys, malformed bodies, native routes, hot reload of
// key.txt and upstreams.txt under load, restarts with state kept, a corrupt state file, and the
// operator endpoints. Each test starts its own pool over the shared workerd Worker + mock Gemini.
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprint } from '@opengemini/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerd } from '../../tools/src/harness/workerd';
import { type FailingUpstream, startFailingUpstream } from './helpers/failing-upstream';
import { GoogleGenAI } from './helpers/genai';
import { OpenAI } from './helpers/openai';
import { type Backend, type PoolUnderTest, eventually, keyStickingTo, startBackend, startTestPool, status, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';
const [k1, k2, k3] = [testKey(1), testKey(2), testKey(3)];
let backend: Backend;
let failing: FailingUpstream;
const pools: PoolUnderTest[] = [];
const allLogs: string[][] = [];
const responses: string[] = [];

async function pool(keys: string[], opts: { upstreams?: string[]; env?: Record<string, string>; dir?: string; keepDir?: boolean } = {}): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys, upstreams: opts.upstreams ?? [backend.worker.url], env: opts.env ?? {}, ...(opts.dir ? { dir: opts.dir } : {}), keepDir: opts.keepDir ?? false });
  pools.push(p);
  allLogs.push(p.logs);
  return p;
}

/** A raw request to the pool; the body text is kept for the no-key-in-responses check. */
async function call(p: PoolUnderTest, path: string, init: RequestInit & { auth?: string | null } = {}): Promise<{ status: number; headers: Headers; text: string; json: () => any }> {
  const headers = new Headers(init.headers);
  if (init.auth !== null && !headers.has('x-goog-api-key')) headers.set('authorization', `Bearer ${init.auth ?? p.pool.accessKey}`);
  const res = await fetch(`${p.base}${path}`, { ...init, headers });
  const text = await res.text();
  responses.push(text);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

const chatBody = (content = 'hi') => JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] });
const seen = () => backend.mock.requests.filter((r) => r.action === 'generateContent' || r.action === 'streamGenerateContent').map((r) => r.key);

beforeAll(async () => {
  backend = await startBackend();
  failing = await startFailingUpstream('html502');
});
afterEach(async () => {
  backend.mock.reset();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await failing?.close();
  await backend?.close();
});

describe('client keys', () => {
  it('a wrong or missing key is a 401 in OpenAI format and never reaches Gemini', async () => {
    const p = await pool([k1]);
    const wrong = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: 'sk-wrong', maxRetries: 0 });
    const err = (await wrong.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
    const none = await call(p, '/v1/chat/completions', { method: 'POST', body: chatBody(), auth: null });
    expect(none.status).toBe(401);
    expect(none.json().error.code).toBe('invalid_api_key');
    expect(seen()).toEqual([]);
  });

  it('accepts the key as x-goog-api-key or ?key= too, and extra client keys each get their own usage line', async () => {
    const p = await pool([k1], { env: { CLIENT_KEYS: 'sk-team-member-0123456789' } });
    expect((await call(p, '/v1/models', { auth: null, headers: { 'x-goog-api-key': p.pool.accessKey } })).status).toBe(200);
    expect((await call(p, `/v1/models?key=${p.pool.accessKey}`, { auth: null })).status).toBe(200);
    const r = await call(p, '/v1/chat/completions', { method: 'POST', body: chatBody(), auth: 'sk-team-member-0123456789', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    const s = (await call(p, '/status')).json();
    expect(s.clients[fingerprint('sk-team-member-0123456789')]).toMatchObject({ requests: 1 });
    expect(JSON.stringify(s)).not.toContain('sk-team-member-0123456789');
  });
});

describe('malformed requests', () => {
  it.each([
    ['not JSON', '{"model": "x", ', /not valid JSON/, null],
    ['an array', '[1,2]', /JSON object/, null],
    ['no model', JSON.stringify({ messages: [] }), /model/, 'model'],
    ['a non-boolean stream', JSON.stringify({ model: MODEL, messages: [], stream: 'yes' }), /stream/, 'stream'],
    ['an empty body', '', /JSON body/, null],
  ])('%s: 400 naming the problem, no key used', async (_name, body, message, param) => {
    const p = await pool([k1]);
    const r = await call(p, '/v1/chat/completions', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ type: 'invalid_request_error', param });
    expect(r.json().error.message).toMatch(message);
    expect(seen()).toEqual([]);
    expect((await status(p)).keys[0]?.state).toBe('ok');
  });

  it('unknown paths are a 404 in the right format', async () => {
    const p = await pool([k1]);
    const r = await call(p, '/v1/completions', { method: 'POST', body: '{}' });
    expect(r.status).toBe(404);
    expect(r.json().error.type).toBe('not_found_error');
  });
});

describe('native /v1beta routes (Google SDK, Gemini CLI)', () => {
  it('generateContent, streamGenerateContent, countTokens and models, with the client key as x-goog-api-key', async () => {
    const p = await pool([k1, k2]);
    const h = { 'x-goog-api-key': p.pool.accessKey, 'content-type': 'application/json' };
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'native' }] }] });
    const gen = await call(p, `/v1beta/models/${MODEL}:generateContent`, { method: 'POST', headers: h, body, auth: null });
    expect(gen.status).toBe(200);
    expect(gen.json().candidates[0].content.parts.map((x: { text: string }) => x.text).join('')).toContain('native');
    const stream = await call(p, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse&key=${p.pool.accessKey}`, { method: 'POST', body, auth: null, headers: { 'content-type': 'application/json' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.text).toContain('data: ');
    const count = await call(p, `/v1beta/models/${MODEL}:countTokens`, { method: 'POST', headers: h, body, auth: null });
    expect(count.status).toBe(200);
    expect(count.json().totalTokens).toBeGreaterThan(0);
    const models = await call(p, '/v1beta/models', { headers: h, auth: null });
    expect(models.json().models.length).toBeGreaterThan(0);
    // The pool's key never travels upstream; a Gemini key does, as x-goog-api-key.
    const native = backend.mock.requests.filter((r) => r.path.startsWith('/v1beta/models/'));
    expect(native.every((r) => r.key === k1 || r.key === k2)).toBe(true);
    expect(native.every((r) => !('key' in r.query))).toBe(true);
  });

  it("Google's own SDK works through the pool with the pool key as its apiKey (generate, stream, countTokens)", async () => {
    const p = await pool([k1, k2]);
    const ai = new GoogleGenAI({ apiKey: p.pool.accessKey, httpOptions: { baseUrl: p.base } });
    const r = await ai.models.generateContent({ model: MODEL, contents: 'from the sdk' });
    expect(r.text).toContain('from the sdk');
    let streamed = '';
    for await (const c of await ai.models.generateContentStream({ model: MODEL, contents: 'streamed' })) streamed += c.text ?? '';
    expect(streamed).toContain('streamed');
    const count = await ai.models.countTokens({ model: MODEL, contents: 'count me' });
    expect(count.totalTokens).toBeGreaterThan(0);
    expect(seen().every((k) => k === k1 || k === k2)).toBe(true);
  });

  it('a wrong key on a native route is a 401 in Google error format; a 429 rotates to the next key', async () => {
    const p = await pool([k1, k2]);
    const bad = await call(p, `/v1beta/models/${MODEL}:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': 'nope' }, body: '{}', auth: null });
    expect(bad.status).toBe(401);
    expect(bad.json().error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute' } });
    const body = JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'x' }] }] });
    const ok = await call(p, `/v1beta/models/${MODEL}:generateContent`, { method: 'POST', headers: { 'x-goog-api-key': p.pool.accessKey, 'content-type': 'application/json' }, body, auth: null });
    expect(ok.status).toBe(200);
    expect(seen()).toEqual([k1, k2]);
  });
});

describe('/v1/models', () => {
  it('is served and cached briefly: a second call does not reach Gemini', async () => {
    const p = await pool([k1]);
    const first = await p.client.models.list();
    expect(first.data.length).toBeGreaterThan(0);
    const n = backend.mock.requests.length;
    await p.client.models.list();
    expect(backend.mock.requests.length).toBe(n);
    const one = await p.client.models.retrieve(MODEL);
    expect(one.id).toBe(MODEL);
  });
});

describe('hot reload', () => {
  it('key.txt edits apply under load: new keys used, removed keys never again, unchanged keys keep their health, no request fails', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k2, reply: { kind: 'keyError', reason: 'invalid' } });
    await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'a' }] });
    await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'b' }] });
    expect((await status(p)).keys.find((k) => k.key === fingerprint(k2))?.state).toBe('disabled');

    let stop = false;
    const failures: unknown[] = [];
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'load' }] }).catch((e: unknown) => failures.push(e));
    });
    await new Promise((r) => setTimeout(r, 150));
    await writeFile(p.keyFile, `${k2}\n${k3}\n`);
    await eventually(async () => expect((await status(p)).keys.map((k) => k.key)).toEqual([fingerprint(k2), fingerprint(k3)]));
    // Attempts sent with k1 just before the reload may still be on their way through the Worker
    // (a removed key is not pulled out of requests in flight): count from once they have landed.
    await new Promise((r) => setTimeout(r, 150));
    const mark = backend.mock.requests.length;
    await new Promise((r) => setTimeout(r, 300));
    stop = true;
    await Promise.all(load);
    expect(failures).toEqual([]);
    const after = backend.mock.requests.slice(mark).map((r) => r.key);
    expect(after.length).toBeGreaterThan(0);
    expect(after).not.toContain(k1);
    expect(after).not.toContain(k2); // still disabled: its health was kept across the reload
    expect(after).toContain(k3);
  });

  it('upstreams.txt edits apply under load: an added upstream is used, a removed one is dropped, no request fails', async () => {
    const second = await startFailingUpstream('html502');
    try {
      // One key that will stick to the new upstream once it is listed, two that will not.
      const toSecond = keyStickingTo(second.url, [backend.worker.url, second.url]);
      const p = await pool([k1, toSecond, k3], { env: { BREAKER_FAILURES: '1' } });
      let stop = false;
      const failures: unknown[] = [];
      const load = Array.from({ length: 4 }, async () => {
        while (!stop) await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'load' }] }).catch((e: unknown) => failures.push(e));
      });
      await new Promise((r) => setTimeout(r, 100));
      await writeFile(p.upstreamFile, `${backend.worker.url}\n${second.url}\n`);
      await eventually(() => expect(second.hits).toBeGreaterThan(0)); // some key sticks to it
      await writeFile(p.upstreamFile, `${backend.worker.url}/v1\n`);
      await eventually(async () => expect((await status(p)).upstreams.map((u) => u.upstream)).toEqual([backend.worker.url]));
      const hits = second.hits;
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await Promise.all(load);
      expect(failures).toEqual([]);
      expect(second.hits).toBe(hits);
    } finally {
      await second.close();
    }
  });

  it('POST /admin/reload applies the files at once and reports what changed', async () => {
    const p = await pool([k1], { env: { WATCH_POLL_MS: '60000' } });
    await writeFile(p.keyFile, `${k1}\n${k2}\nnot-a-key\n`);
    const r = await call(p, '/admin/reload', { method: 'POST' });
    expect(r.status).toBe(200);
    expect(r.json().keys).toMatchObject({ loaded: 2, added: 1, removed: 0, kept: 1 });
    expect(r.json().keys.problems[0]).toMatch(/^line 3: not a key/);
    expect(r.json().upstreams).toMatchObject({ mode: 'workers', loaded: 1 });
  });
});

describe('state across restarts', () => {
  it('disabled keys, cooldowns and usage survive a restart', async () => {
    const p = await pool([k1, k2, k3], { keepDir: true });
    backend.mock.script({ key: k1, reply: { kind: 'keyError', reason: 'leaked' } });
    backend.mock.script({ key: k2, reply: { kind: 'quota', quota: 'per_day' } });
    await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    const before = await status(p);
    await p.close();
    pools.splice(pools.indexOf(p), 1);
    backend.mock.reset();

    const again = await pool([k1, k2, k3], { dir: p.dir });
    const after = await status(again);
    expect(after.keys.find((k) => k.key === fingerprint(k1))).toMatchObject({ state: 'disabled', reason: 'key_leaked' });
    expect(after.keys.find((k) => k.key === fingerprint(k2))?.cooldowns).toEqual(before.keys.find((k) => k.key === fingerprint(k2))?.cooldowns);
    expect(after.keys.find((k) => k.key === fingerprint(k3))?.usageToday[MODEL]?.requests).toBe(1);
    await again.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'y' }] });
    expect(seen()).toEqual([k3]);
  });

  it('a corrupt state file is moved aside with a warning and the pool starts clean', async () => {
    const first = await pool([k1], { keepDir: true });
    await first.close();
    pools.splice(pools.indexOf(first), 1);
    await writeFile(join(first.dir, 'data', 'state.json'), '{"version":1,"keys":');
    const p = await pool([k1], { dir: first.dir });
    expect(p.logs.join('')).toMatch(/state file .* is corrupt; moved to .*state\.json\.corrupt-\d+/);
    expect((await readdir(join(first.dir, 'data'))).some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
    expect((await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })).choices.length).toBe(1);
  });
});

describe('operator endpoints', () => {
  it('/health needs no auth and shows counts, never key material', async () => {
    const p = await pool([k1, k2]);
    const r = await call(p, '/health', { auth: null });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', mode: 'workers', keys: { total: 2, available: 2, cooling: 0, disabled: 0 }, upstreams: { total: 1, up: 1 } });
    expect(r.text).not.toMatch(/AIza|…/);
  });

  it('/status and /admin/* require ADMIN_KEY when set (the client key is then not enough)', async () => {
    const p = await pool([k1], { env: { ADMIN_KEY: 'admin-secret-123' } });
    expect((await call(p, '/status')).status).toBe(401);
    expect((await call(p, '/status', { auth: 'admin-secret-123' })).status).toBe(200);
    expect((await call(p, '/admin/reset', { method: 'POST', auth: null, headers: { 'x-admin-key': 'admin-secret-123' } })).status).toBe(200);
    expect((await call(p, '/admin/reload', { method: 'POST', auth: 'wrong' })).status).toBe(401);
  });

  it('POST /admin/reset re-enables one key by fingerprint, or all', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ times: 2, reply: { kind: 'keyError', reason: 'suspended' } });
    await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch(() => {});
    expect((await status(p)).keys.every((k) => k.state === 'disabled')).toBe(true);
    const one = await call(p, '/admin/reset', { method: 'POST', body: JSON.stringify({ key: fingerprint(k2) }), headers: { 'content-type': 'application/json' } });
    expect(one.json()).toEqual({ reset: fingerprint(k2) });
    expect((await status(p)).keys.map((k) => k.state)).toEqual(['disabled', 'ok']);
    expect((await call(p, '/admin/reset?fingerprint=nope', { method: 'POST' })).status).toBe(404);
    await call(p, '/admin/reset', { method: 'POST' });
    expect((await status(p)).keys.map((k) => k.state)).toEqual(['ok', 'ok']);
  });

  it('/status shows per-key reasons (scrubbed), cooldowns with end times and usage, and per-upstream health', async () => {
    const p = await pool([k1, k2], { upstreams: [backend.worker.url, failing.url], env: { BREAKER_FAILURES: '1' } });
    backend.mock.script({ key: k1, reply: { kind: 'keyError', reason: 'leaked', echoKey: true } });
    for (let i = 0; i < 3; i++) await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] });
    const s = (await call(p, '/status')).json();
    const dead = s.keys.find((k: { key: string }) => k.key === fingerprint(k1));
    expect(dead).toMatchObject({ state: 'disabled', reason: 'key_leaked' });
    expect(dead.message).toContain(fingerprint(k1)); // the echoed key, replaced by its fingerprint
    expect(s.upstreams).toHaveLength(2);
    expect(s.upstreams[0]).toHaveProperty('latencyMs');
    expect(s.totalToday.requests).toBeGreaterThan(0);
    expect(JSON.stringify(s)).not.toContain('AIza');
  });
});

describe('Worker secret', () => {
  it('sends the secret as x-opengemini-secret; a refused secret penalises the upstream, never the key', async () => {
    const guarded = await startWorkerd({ geminiBaseUrl: backend.mock.url, workerSecret: 's3cret-value' });
    try {
      const ok = await pool([k1], { upstreams: [`${guarded.url}/v1 secret=s3cret-value`] });
      expect((await ok.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })).choices).toHaveLength(1);
      const viaEnv = await pool([k1], { upstreams: [guarded.url], env: { WORKER_SECRET: 's3cret-value' } });
      expect((await viaEnv.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] })).choices).toHaveLength(1);
      const wrong = await pool([k1], { upstreams: [guarded.url], env: { WORKER_SECRET: 'wrong', BREAKER_FAILURES: '1' } });
      const err = (await wrong.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect((err.error as { code?: string }).code).toBe('upstream_worker_auth');
      const s = await status(wrong);
      expect(s.keys[0]?.state).toBe('ok');
      expect(s.upstreams[0]?.state).toBe('open');
    } finally {
      await guarded.close();
    }
  });
});

describe('secrets', () => {
  it('no key appears in any log line or response of this suite', () => {
    const logs = allLogs.flat().join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const k of [k1, k2, k3]) {
      expect(logs).not.toContain(k);
      for (const r of responses) expect(r).not.toContain(k);
    }
    expect(logs).not.toMatch(/sk-[0-9a-f]{48}/);
    expect(logs).not.toContain('sk-team-member-0123456789');
    expect(logs).not.toContain('admin-secret-123');
    expect(logs).not.toContain('s3cret-value');
  });
});
