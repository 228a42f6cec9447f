// The admin API end to end, as a script would use it (Bearer admin key) and as the dashboard does
// (session cookie): every action, auth failures, bad input, concurrent edits, budgets, metrics.
// The pool runs in direct mode against the strict mock Gemini (no workerd needed here).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fingerprint } from '@opengemini/shared';
import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MockGemini, startMockGemini } from '../../tools/src/mock-gemini';
import { type PoolUnderTest, eventually, startTestPool, testKey } from './helpers/stack';

const ADMIN = 'admin-api-test-key-123';
const MODEL = 'gemini-2.5-flash';
const k1 = testKey(1);
const k2 = testKey(2);
const k3 = testKey(3);

let mock: MockGemini;
const pools: PoolUnderTest[] = [];
const allLogs: string[][] = [];
const responses: string[] = [];

beforeAll(async () => {
  mock = await startMockGemini();
});
afterEach(async () => {
  mock.reset();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await mock?.close();
});

async function pool(keys: string[], env: Record<string, string> = {}, keyFileText?: string): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys, upstreams: [], env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url, ...env } });
  if (keyFileText !== undefined) {
    await writeFile(p.keyFile, keyFileText);
    await p.pool.sources.loadKeys(false);
  }
  pools.push(p);
  allLogs.push(p.logs);
  return p;
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
}

/** A call to the pool; `auth: null` sends no credentials, a string sends it as Bearer. */
async function call(p: PoolUnderTest, method: string, path: string, opts: { body?: unknown; auth?: string | null; headers?: Record<string, string>; raw?: string } = {}): Promise<Reply> {
  const headers = new Headers(opts.headers);
  if (opts.auth !== null && !headers.has('cookie')) headers.set('authorization', `Bearer ${opts.auth ?? ADMIN}`);
  let body: string | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.body !== undefined && method !== 'GET') {
    body = JSON.stringify(opts.body);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const res = await fetch(`${p.base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  if (!path.startsWith('/admin/keys/export')) responses.push(text);
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}

const chat = (p: PoolUnderTest, model = MODEL) => p.client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });
const keysOf = async (p: PoolUnderTest, query = '') => (await call(p, 'GET', `/admin/keys?limit=1000${query}`)).json();

describe('auth', () => {
  const routes: [string, string][] = [
    ['GET', '/admin/overview'],
    ['GET', '/admin/keys'],
    ['POST', '/admin/keys'],
    ['POST', '/admin/keys/delete'],
    ['POST', '/admin/keys/disable'],
    ['POST', '/admin/keys/enable'],
    ['POST', '/admin/keys/clear-cooldown'],
    ['POST', '/admin/keys/delete-disabled'],
    ['POST', '/admin/keys/check'],
    ['GET', '/admin/keys/check'],
    ['POST', '/admin/keys/export'],
    ['GET', '/admin/upstreams'],
    ['POST', '/admin/upstreams'],
    ['POST', '/admin/upstreams/delete'],
    ['GET', '/admin/clients'],
    ['POST', '/admin/clients'],
    ['POST', '/admin/clients/revoke'],
    ['GET', '/admin/usage'],
    ['GET', '/admin/budgets'],
    ['PUT', '/admin/budgets'],
    ['POST', '/admin/reset'],
    ['POST', '/admin/reload'],
    ['GET', '/status'],
    ['GET', '/metrics'],
  ];

  it('every operator route refuses no key, a wrong key and a client key (when ADMIN_KEY is set) with 401', async () => {
    const p = await pool([k1], { SIGN_IN_FAILURES: '1000' });
    for (const [method, path] of routes) {
      for (const auth of [null, 'wrong-key', p.pool.accessKey]) {
        const r = await call(p, method, path, { auth, body: {} });
        expect({ route: `${method} ${path}`, status: r.status }).toEqual({ route: `${method} ${path}`, status: 401 });
        expect(r.json().error.code).toBe('invalid_api_key');
      }
    }
    // x-admin-key works as well as Bearer.
    expect((await call(p, 'GET', '/admin/overview', { auth: null, headers: { 'x-admin-key': ADMIN } })).status).toBe(200);
  });

  it('without ADMIN_KEY the main access key is the admin key', async () => {
    const p = await pool([k1], { ADMIN_KEY: '' });
    expect((await call(p, 'GET', '/admin/overview', { auth: p.pool.accessKey })).status).toBe(200);
    const signIn = await call(p, 'POST', '/admin/session', { auth: null, body: { key: p.pool.accessKey } });
    expect(signIn.status).toBe(200);
    expect(signIn.json().who).toBe('admin');
  });

  it('without ADMIN_KEY an extra client key (CLIENT_KEYS, client_keys.txt, created in the dashboard) is refused on every operator route and at sign-in, yet works on /v1', async () => {
    const fromEnv = 'sk-extra-from-env-0123456789';
    const p = await pool([k1], { ADMIN_KEY: '', CLIENT_KEYS: fromEnv, SIGN_IN_FAILURES: '1000' });
    const created = (await call(p, 'POST', '/admin/clients', { auth: p.pool.accessKey, body: { label: 'bob' } })).json().key as string;
    await writeFile(p.pool.ctx.config.CLIENT_KEYS_FILE, `sk-extra-from-file-0123456789\n${created}  # bob\n`);
    await p.pool.app.inject({ method: 'POST', url: '/admin/reload', headers: { authorization: `Bearer ${p.pool.accessKey}` } });
    for (const extra of [fromEnv, 'sk-extra-from-file-0123456789', created]) {
      const ok = await fetch(`${p.base}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${extra}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }) });
      expect(ok.status).toBe(200);
      await ok.text();
      for (const [method, path] of routes) {
        const r = await call(p, method, path, { auth: extra, body: {} });
        expect({ route: `${method} ${path}`, status: r.status }).toEqual({ route: `${method} ${path}`, status: 401 });
      }
      expect((await call(p, 'GET', '/status', { auth: null, headers: { 'x-admin-key': extra } })).status).toBe(401);
      expect((await call(p, 'POST', '/admin/session', { auth: null, body: { key: extra } })).status).toBe(401);
    }
  });

  it('sign-in sets an HttpOnly, SameSite=Strict, expiring cookie that opens the API; sign-out ends it', async () => {
    const p = await pool([k1], { SESSION_TTL_MS: '600000' });
    const r = await call(p, 'POST', '/admin/session', { auth: null, body: { key: ADMIN } });
    expect(r.status).toBe(200);
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^og_session=[^;]+;/);
    expect(cookie.split('; ').slice(1).sort()).toEqual(['HttpOnly', 'Max-Age=600', 'Path=/', 'SameSite=Strict']);
    expect(cookie).not.toContain(ADMIN);
    const jar = { cookie: cookie.split(';')[0]! };
    expect((await call(p, 'GET', '/admin/session', { auth: null, headers: jar })).json()).toMatchObject({ signedIn: true, who: 'admin' });
    expect((await call(p, 'GET', '/admin/overview', { auth: null, headers: jar })).status).toBe(200);
    expect((await call(p, 'GET', '/status', { auth: null, headers: jar })).status).toBe(200);
    // A tampered cookie is worthless.
    const at = jar.cookie.length - 10; // inside the signature
    const tampered = { cookie: jar.cookie.slice(0, at) + (jar.cookie[at] === 'x' ? 'y' : 'x') + jar.cookie.slice(at + 1) };
    expect((await call(p, 'GET', '/admin/overview', { auth: null, headers: tampered })).status).toBe(401);
    // Sign-out revokes it even if a copy was kept.
    const out = await call(p, 'DELETE', '/admin/session', { auth: null, headers: { ...jar, 'x-requested-with': 'test' } });
    expect(out.status).toBe(200);
    expect(out.headers.get('set-cookie')).toContain('Max-Age=0');
    expect((await call(p, 'GET', '/admin/overview', { auth: null, headers: jar })).status).toBe(401);
  });

  it('cookie-authenticated changes need x-requested-with or JSON, and the same origin (CSRF)', async () => {
    const p = await pool([k1, k2]);
    const jar = { cookie: (await call(p, 'POST', '/admin/session', { auth: null, body: { key: ADMIN } })).headers.get('set-cookie')!.split(';')[0]! };
    // A form post (what a hostile page can send without a preflight) is refused.
    const form = await call(p, 'POST', '/admin/keys/delete-disabled', { auth: null, headers: { ...jar, 'content-type': 'application/x-www-form-urlencoded' }, raw: 'x=1' });
    expect(form.status).toBe(403);
    expect(form.json().error.code).toBe('csrf_check_failed');
    const cross = await call(p, 'POST', '/admin/keys/disable', { auth: null, headers: { ...jar, origin: 'https://evil.example' }, body: { keys: [fingerprint(k1)] } });
    expect(cross.status).toBe(403);
    expect(p.pool.ctx.keys.get(fingerprint(k1))?.disabled).toBeUndefined();
    const ok = await call(p, 'POST', '/admin/keys/disable', { auth: null, headers: { ...jar, origin: p.base }, body: { keys: [fingerprint(k1)] } });
    expect(ok.status).toBe(200);
    // Reading needs no such header.
    expect((await call(p, 'GET', '/admin/keys', { auth: null, headers: jar })).status).toBe(200);
  });

  it('sign-in attempts are rate limited per address; failed admin keys count too', async () => {
    const p = await pool([k1]);
    for (let i = 0; i < 9; i++) expect((await call(p, 'POST', '/admin/session', { auth: null, body: { key: `wrong-${i}` } })).status).toBe(401);
    expect((await call(p, 'GET', '/admin/overview', { auth: 'wrong-bearer' })).status).toBe(401);
    const limited = await call(p, 'POST', '/admin/session', { auth: null, body: { key: ADMIN } });
    expect(limited.status).toBe(429);
    expect(limited.json().error.code).toBe('too_many_sign_in_attempts');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await call(p, 'GET', '/admin/overview')).status).toBe(429);
    // Client traffic is not affected.
    expect((await chat(p)).choices).toHaveLength(1);
  });

  it('sign-in validates its body', async () => {
    const p = await pool([k1]);
    const r = await call(p, 'POST', '/admin/session', { auth: null, body: { nope: 1 } });
    expect(r.status).toBe(400);
    expect(r.json().error.param).toBe('key');
  });
});

describe('keys', () => {
  it('bulk add: new keys appended to key.txt with its comments kept; duplicates and malformed lines reported by line and fingerprint', async () => {
    const p = await pool([k1], {}, `# my keys\n${k1}  # the first one\n\n# end\n`);
    const paste = [`# pasted`, k2, k1, k2, '"AIzaQuotedKey"', 'hello world', `${k3}, ${testKey(4)}`].join('\n');
    const r = await call(p, 'POST', '/admin/keys', { body: { text: paste } });
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ added: 3, addedKeys: [fingerprint(k2), fingerprint(k3), fingerprint(testKey(4))], total: 4 });
    expect(body.duplicates).toEqual([
      { line: 3, key: fingerprint(k1), of: 'file' },
      { line: 4, key: fingerprint(k2), of: 'paste' },
    ]);
    expect(body.malformed.map((m: { line: number }) => m.line)).toEqual([5, 6]);
    expect(r.text).not.toContain('AIzaQuotedKey');
    expect(await readFile(p.keyFile, 'utf8')).toBe(`# my keys\n${k1}  # the first one\n\n# end\n${k2}\n${k3}\n${testKey(4)}\n`);
    expect((await keysOf(p)).items.map((k: { key: string }) => k.key)).toEqual([k1, k2, k3, testKey(4)].map(fingerprint));
  });

  it('bulk add accepts a text/plain body and a JSON array', async () => {
    const p = await pool([k1]);
    expect((await call(p, 'POST', '/admin/keys', { raw: `${k2}\n`, headers: { 'content-type': 'text/plain' } })).json().added).toBe(1);
    expect((await call(p, 'POST', '/admin/keys', { body: { keys: [k3] } })).json().added).toBe(1);
    expect(p.pool.ctx.keys.size).toBe(3);
  });

  it.each([
    ['an empty paste', { text: '' }, 'text', 'empty'],
    ['only blank lines and comments', { text: '\n  \n# nothing\n' }, 'text', 'empty'],
    ['no text at all', { something: 'else' }, 'text', 'Send the keys'],
    ['a number', { text: 42 }, 'text', 'Send the keys'],
  ])('bulk add refuses %s with 400 naming the field', async (_name, body, param, words) => {
    const p = await pool([k1]);
    const r = await call(p, 'POST', '/admin/keys', { body });
    expect(r.status).toBe(400);
    expect(r.json().error).toMatchObject({ code: 'client_bad_request', param });
    expect(r.json().error.message).toContain(words);
  });

  it('garbage lines only: nothing is written, each line is reported', async () => {
    const p = await pool([k1]);
    const before = await readFile(p.keyFile, 'utf8');
    const r = await call(p, 'POST', '/admin/keys', { body: { text: 'garbage\n<html>\nhttps://example.com/?key=AIzaSyNotARealKeyButLooksLikeOne12345\n' } });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ added: 0, malformed: [{ line: 1 }, { line: 2 }, { line: 3 }] });
    expect(r.text).not.toContain('AIzaSyNotARealKey');
    expect(await readFile(p.keyFile, 'utf8')).toBe(before);
  });

  it('10,000 keys in one paste: all added, paged and filtered (speed is measured by pnpm bench)', async () => {
    const p = await pool([k1]);
    const many = Array.from({ length: 10_000 }, (_, i) => testKey(100 + i));
    const r = await call(p, 'POST', '/admin/keys', { body: { text: many.join('\n') } });
    expect(r.status).toBe(200);
    expect(r.json().added).toBe(10_000);
    expect(p.pool.ctx.keys.size).toBe(10_001);
    const page = await call(p, 'GET', '/admin/keys?offset=9950&limit=100');
    expect(page.json()).toMatchObject({ total: 10_001, matched: 10_001, offset: 9950 });
    expect(page.json().items).toHaveLength(51);
    const found = (await call(p, 'GET', `/admin/keys?q=${encodeURIComponent(fingerprint(many[1234]!).slice(1))}`)).json();
    expect(found.items.map((k: { key: string }) => k.key)).toEqual([fingerprint(many[1234]!)]);
    expect((await readFile(p.keyFile, 'utf8')).trim().split('\n')).toHaveLength(10_001);
  });

  it('too many lines at once are refused', async () => {
    const p = await pool([k1]);
    const r = await call(p, 'POST', '/admin/keys', { body: { text: 'x\n'.repeat(100_001) } });
    expect(r.status).toBe(400);
    expect(r.json().error.message).toContain('Too many');
  });

  it('two bulk adds at once lose nothing: both land in key.txt and in the pool', async () => {
    const p = await pool([k1]);
    const a = Array.from({ length: 300 }, (_, i) => testKey(1000 + i));
    const b = Array.from({ length: 300 }, (_, i) => testKey(2000 + i));
    const [ra, rb] = await Promise.all([call(p, 'POST', '/admin/keys', { body: { text: a.join('\n') } }), call(p, 'POST', '/admin/keys', { body: { text: b.join('\n') } })]);
    expect([ra.json().added, rb.json().added]).toEqual([300, 300]);
    const file = await readFile(p.keyFile, 'utf8');
    for (const k of [...a, ...b]) expect(file).toContain(k);
    expect(p.pool.ctx.keys.size).toBe(601);
  });

  it('delete by fingerprint removes the line and keeps the rest of key.txt; unknown fingerprints are 404', async () => {
    const p = await pool([k1, k2], {}, `# header\n${k1} # one\n# about two\n${k2}\n`);
    const r = await call(p, 'POST', '/admin/keys/delete', { body: { keys: [fingerprint(k1)] } });
    expect(r.json()).toMatchObject({ deleted: [fingerprint(k1)], unknown: [], total: 1 });
    expect(await readFile(p.keyFile, 'utf8')).toBe(`# header\n# about two\n${k2}\n`);
    expect((await call(p, 'POST', '/admin/keys/delete', { body: { keys: ['…nope#000000'] } })).status).toBe(404);
    const bad = await call(p, 'POST', '/admin/keys/delete', { body: { keys: 'all' } });
    expect(bad.status).toBe(400);
    expect(bad.json().error.param).toBe('keys');
    expect((await call(p, 'POST', '/admin/keys/delete', { body: {} })).status).toBe(400);
  });

  it('disable / enable by hand: the key is skipped and stays in key.txt, the operator note is its reason', async () => {
    const p = await pool([k1, k2]);
    const d = await call(p, 'POST', '/admin/keys/disable', { body: { keys: [fingerprint(k1)], note: 'billing' } });
    expect(d.json()).toMatchObject({ changed: [fingerprint(k1)], counts: { disabled: 1 } });
    const row = (await keysOf(p, '&state=disabled')).items[0];
    expect(row).toMatchObject({ key: fingerprint(k1), state: 'disabled', disabled: { reason: 'operator', byOperator: true } });
    expect(row.disabled.message).toContain('billing');
    for (let i = 0; i < 3; i++) await chat(p);
    expect(mock.requests.filter((r) => r.action === 'generateContent').every((r) => r.key === k2)).toBe(true);
    const e = await call(p, 'POST', '/admin/keys/enable', { body: { keys: [fingerprint(k1)] } });
    expect(e.json().changed).toEqual([fingerprint(k1)]);
    expect(p.pool.ctx.keys.get(fingerprint(k1))?.disabled).toBeUndefined();
  });

  it("a 429 cools the key with Google's own message; clear-cooldown (one model or all) puts it back", async () => {
    const p = await pool([k1, k2]);
    mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '40s' } });
    await chat(p);
    await chat(p, 'gemini-2.5-pro');
    const row = (await keysOf(p, '&state=cooling')).items[0];
    expect(row.key).toBe(fingerprint(k1));
    expect(row.cooldowns.map((c: { model: string }) => c.model).sort()).toEqual(['gemini-2.5-flash', 'gemini-2.5-pro']);
    expect(row.cooldowns[0]).toMatchObject({ reason: 'quota_per_minute' });
    expect(row.cooldowns[0].message).toContain('You exceeded your current quota');
    expect(row.today.rateLimited).toBe(2);
    const one = await call(p, 'POST', '/admin/keys/clear-cooldown', { body: { keys: [fingerprint(k1)], model: 'gemini-2.5-pro' } });
    expect(one.json().changed).toEqual([fingerprint(k1)]);
    expect([...p.pool.ctx.keys.get(fingerprint(k1))!.cooldowns.keys()]).toEqual([MODEL]);
    expect((await call(p, 'POST', '/admin/keys/clear-cooldown', { body: { keys: [fingerprint(k1)], model: 7 } })).status).toBe(400);
    await call(p, 'POST', '/admin/keys/clear-cooldown', { body: { state: 'cooling' } });
    expect((await keysOf(p)).counts).toMatchObject({ cooling: 0, available: 2 });
  });

  it('delete all disabled keys', async () => {
    const p = await pool([k1, k2, k3]);
    mock.script({ key: k1, reply: { kind: 'keyError', reason: 'invalid' } });
    await chat(p);
    await call(p, 'POST', '/admin/keys/disable', { body: { keys: [fingerprint(k3)] } });
    const r = await call(p, 'POST', '/admin/keys/delete-disabled');
    expect(r.json().deleted.sort()).toEqual([fingerprint(k1), fingerprint(k3)].sort());
    expect((await readFile(p.keyFile, 'utf8')).trim()).toBe(k2);
    expect((await call(p, 'POST', '/admin/keys/delete-disabled')).json().deleted).toEqual([]);
  });

  it('check: models-list probes; dead keys disabled with the reason, recovered ones enabled, hand-disabled ones left alone', async () => {
    const keys = Array.from({ length: 8 }, (_, i) => testKey(50 + i));
    const p = await pool(keys, { CHECK_CONCURRENCY: '2' });
    // keys[0] is dead, keys[1] was auto-disabled earlier but works now, keys[2] disabled by hand.
    mock.script({ key: keys[0]!, reply: { kind: 'keyError', reason: 'invalid' } });
    p.pool.ctx.keys.disable(p.pool.ctx.keys.get(fingerprint(keys[1]!))!, 'key_invalid', 'old', 0);
    await call(p, 'POST', '/admin/keys/disable', { body: { keys: [fingerprint(keys[2]!)] } });
    const started = await call(p, 'POST', '/admin/keys/check', { body: { state: 'all' } });
    expect(started.status).toBe(202);
    expect(started.json()).toMatchObject({ running: true, total: 8 });
    expect((await call(p, 'POST', '/admin/keys/check', { body: {} })).status).toBe(409);
    let job: any;
    await eventually(async () => {
      job = (await call(p, 'GET', '/admin/keys/check')).json();
      expect(job.running).toBe(false);
    }, 30_000);
    expect(job.done).toBe(8);
    expect(job.counts).toMatchObject({ disabled: 1, enabled: 1, ok: 6 });
    const probes = mock.requests.filter((r) => r.path.startsWith('/v1beta/models'));
    expect(probes).toHaveLength(8);
    expect(probes.every((r) => r.query['pageSize'] === '1')).toBe(true);
    expect(mock.requests.some((r) => r.action === 'generateContent')).toBe(false); // no generation quota spent
    const byFp = (k: string) => p.pool.ctx.keys.get(fingerprint(k))!;
    expect(byFp(keys[0]!).disabled).toMatchObject({ reason: 'key_invalid' });
    expect(byFp(keys[1]!).disabled).toBeUndefined();
    expect(byFp(keys[2]!).disabled).toMatchObject({ reason: 'operator' });
  });

  it('export: the keys in full as a download, only with the admin key, never in the log', async () => {
    const p = await pool([k1, k2]);
    await call(p, 'POST', '/admin/keys/disable', { body: { keys: [fingerprint(k2)] } });
    const r = await call(p, 'POST', '/admin/keys/export', { body: { state: 'all' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-disposition')).toContain('attachment');
    expect(r.headers.get('cache-control')).toBe('no-store');
    const lines = r.text.trim().split('\n');
    expect(lines[0]).toMatch(/^# OpenGemini pool keys, exported .* \(2 keys\)$/);
    expect(lines.slice(1)).toEqual([k1, `${k2}  # disabled: operator`]);
    const ok = await call(p, 'POST', '/admin/keys/export', { body: { state: 'ok' } });
    expect(ok.text).not.toContain(k2);
    expect((await call(p, 'POST', '/admin/keys/export', { auth: p.pool.accessKey })).status).toBe(401);
    expect(p.logs.join('')).not.toContain(k1);
  });

  it('a hand edit of key.txt shows up in the API without a restart', async () => {
    const p = await pool([k1]);
    await writeFile(p.keyFile, `${k1}\n${k2}\n`);
    await eventually(async () => expect((await keysOf(p)).total).toBe(2));
  });

  it('GET /admin/keys filters, sorts and pages; bad parameters are 400 naming the parameter', async () => {
    const p = await pool([k1, k2, k3]);
    await chat(p);
    await chat(p);
    const byUse = (await keysOf(p, '&sort=requests&order=desc')).items.map((k: { today: { requests: number } }) => k.today.requests);
    expect(byUse).toEqual([...byUse].sort((a, b) => b - a));
    expect((await call(p, 'GET', '/admin/keys?limit=1&offset=1')).json().items.map((k: { key: string }) => k.key)).toEqual([fingerprint(k2)]);
    for (const [q, param] of [['state=dead', 'state'], ['sort=random', 'sort'], ['order=up', 'order'], ['limit=0', 'limit'], ['offset=-1', 'offset'], ['limit=abc', 'limit']] as const) {
      const r = await call(p, 'GET', `/admin/keys?${q}`);
      expect({ q, status: r.status, param: r.json().error.param }).toEqual({ q, status: 400, param });
    }
    const row = (await keysOf(p)).items.find((k: { key: string }) => k.key === fingerprint(k1));
    expect(row.lastUsed).not.toBeNull();
    expect(row.models[MODEL].requests).toBe(1);
  });

  it('malformed JSON is a 400 in the API envelope', async () => {
    const p = await pool([k1]);
    const r = await call(p, 'POST', '/admin/keys', { raw: '{"text": ', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json().error.code).toBe('client_bad_request');
  });
});

describe('upstreams', () => {
  it('add and remove write upstreams.txt and switch between direct and workers mode; bad input is refused', async () => {
    const p = await pool([k1]);
    await writeFile(p.upstreamFile, '# my workers\n');
    expect((await call(p, 'GET', '/admin/upstreams')).json()).toMatchObject({ mode: 'direct', upstreams: [{ upstream: 'direct' }] });
    const add = await call(p, 'POST', '/admin/upstreams', { body: { url: 'https://one.example.workers.dev/v1/', secret: 'shh-123' } });
    expect(add.status).toBe(200);
    expect(add.json()).toMatchObject({ added: 'https://one.example.workers.dev', mode: 'workers', upstreams: [{ upstream: 'https://one.example.workers.dev', hasSecret: true, keys: 1 }] });
    expect(add.text).not.toContain('shh-123');
    expect(await readFile(p.upstreamFile, 'utf8')).toBe('# my workers\nhttps://one.example.workers.dev secret=shh-123\n');
    expect((await call(p, 'POST', '/admin/upstreams', { body: { url: 'https://one.example.workers.dev' } })).status).toBe(409);
    for (const body of [{}, { url: 'ftp://x' }, { url: 'https://u:p@x.dev' }, { url: 'https://x.dev', secret: 'two words' }]) {
      const r = await call(p, 'POST', '/admin/upstreams', { body });
      expect(r.status).toBe(400);
    }
    const keyInUrl = await call(p, 'POST', '/admin/upstreams', { body: { url: `https://x.dev/?key=${k1}` } });
    expect(keyInUrl.text).not.toContain(k1);
    const del = await call(p, 'POST', '/admin/upstreams/delete', { body: { url: 'https://one.example.workers.dev/v1' } });
    expect(del.json()).toMatchObject({ removed: 'https://one.example.workers.dev', mode: 'direct' });
    expect(await readFile(p.upstreamFile, 'utf8')).toBe('# my workers\n');
    expect((await call(p, 'POST', '/admin/upstreams/delete', { body: { url: 'https://nope.dev' } })).status).toBe(404);
  });
});

describe('client keys', () => {
  it('create (shown once), list by fingerprint with usage, revoke; the main key cannot be revoked here', async () => {
    const p = await pool([k1]);
    const created = await call(p, 'POST', '/admin/clients', { body: { label: 'alice\nlaptop' } });
    expect(created.status).toBe(200);
    const { key, fingerprint: fp, label } = created.json();
    expect(key).toMatch(/^sk-[0-9a-f]{48}$/);
    expect(label).toBe('alice laptop');
    expect(await readFile(p.pool.ctx.config.CLIENT_KEYS_FILE, 'utf8')).toBe(`${key}  # alice laptop\n`);
    // The new key works at once.
    const models = await fetch(`${p.base}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    expect(models.status).toBe(200);
    await fetch(`${p.base}/v1/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'x' }] }) });
    const list = (await call(p, 'GET', '/admin/clients')).json().clients;
    expect(JSON.stringify(list)).not.toContain(key);
    expect(list.map((c: { key: string; source: string }) => [c.key, c.source])).toEqual([
      [fingerprint(p.pool.accessKey), 'access_key_file'],
      [fp, 'client_keys_file'],
    ]);
    expect(list[1]).toMatchObject({ label: 'alice laptop', revocable: true });
    expect(list[1].today.requests).toBe(2);
    expect(list[1].models[MODEL].requests).toBe(1);
    const main = await call(p, 'POST', '/admin/clients/revoke', { body: { key: fingerprint(p.pool.accessKey) } });
    expect(main.status).toBe(409);
    expect((await call(p, 'POST', '/admin/clients/revoke', { body: { key: '…none#000000' } })).status).toBe(404);
    expect((await call(p, 'POST', '/admin/clients/revoke', { body: {} })).status).toBe(400);
    expect((await call(p, 'POST', '/admin/clients', { body: { label: 5 } })).status).toBe(400);
    const revoked = await call(p, 'POST', '/admin/clients/revoke', { body: { key: fp } });
    expect(revoked.json().revoked).toBe(fp);
    expect((await fetch(`${p.base}/v1/models`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);
  });
});

describe('budgets', () => {
  it('a key that spent its family budget is skipped until the Pacific day rolls over; other families are not affected', async () => {
    const p = await pool([k1, k2]);
    const bad = await call(p, 'PUT', '/admin/budgets', { body: { defaults: { flash: -1 } } });
    expect(bad.status).toBe(400);
    expect(bad.json().error.message).toContain('defaults.flash');
    expect((await call(p, 'PUT', '/admin/budgets', { body: { defaults: { turbo: 5 } } })).json().error.message).toContain('unknown model family');
    const put = await call(p, 'PUT', '/admin/budgets', { body: { defaults: { flash: 2, pro: 50 }, perKey: { [fingerprint(k2)]: { flash: 1 } } } });
    expect(put.status).toBe(200);
    expect(put.json()).toMatchObject({ defaults: { flash: 2, pro: 50 }, perKey: { [fingerprint(k2)]: { flash: 1 } } });
    expect(JSON.parse(await readFile(`${p.pool.ctx.config.DATA_DIR}/budgets.json`, 'utf8'))).toMatchObject({ defaults: { flash: 2 } });
    // k1 may do 2 flash requests, k2 one: the fourth flash request finds every key spent.
    for (let i = 0; i < 3; i++) await chat(p);
    const err = (await chat(p).catch((e: unknown) => e)) as { status: number; error: { code: string } };
    expect(err.status).toBe(429);
    expect(err.error.code).toBe('daily_budget_spent');
    expect(mock.requests.filter((r) => r.action === 'generateContent')).toHaveLength(3);
    // flash-lite is its own family: still served.
    expect((await chat(p, 'gemini-2.5-flash-lite')).choices).toHaveLength(1);
    const rows = (await keysOf(p)).items;
    expect(rows[0].budget).toEqual({ pro: { spent: 0, limit: 50 }, flash: { spent: 2, limit: 2 } });
    expect(rows[1].budget.flash).toEqual({ spent: 1, limit: 1 });
    expect((await call(p, 'GET', '/admin/overview')).json().budgets).toEqual({ active: true, keysAtLimit: { flash: 2 } });
  });

  it('a restart keeps keys disabled by hand, budgets, usage and dashboard sessions', async () => {
    const first = await startTestPool({ keys: [k1, k2], upstreams: [], keepDir: true, env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url } });
    allLogs.push(first.logs);
    await call(first, 'POST', '/admin/keys/disable', { body: { keys: [fingerprint(k1)] } });
    await call(first, 'PUT', '/admin/budgets', { body: { defaults: { pro: 7 } } });
    const jar = { cookie: (await call(first, 'POST', '/admin/session', { auth: null, body: { key: ADMIN } })).headers.get('set-cookie')!.split(';')[0]! };
    await chat(first);
    await first.close();
    const again = await startTestPool({ keys: [k1, k2], upstreams: [], dir: first.dir, env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url } });
    pools.push(again);
    allLogs.push(again.logs);
    const rows = (await keysOf(again)).items;
    expect(rows[0]).toMatchObject({ state: 'disabled', disabled: { reason: 'operator' } });
    expect(rows[1].today.requests).toBe(1);
    expect((await call(again, 'GET', '/admin/budgets')).json().defaults).toEqual({ pro: 7 });
    expect((await call(again, 'GET', '/admin/overview', { auth: null, headers: jar })).status).toBe(200);
  });

  it('a sign-out survives a restart: a copy of the signed-out cookie stays worthless, another session stays good', async () => {
    const first = await startTestPool({ keys: [k1], upstreams: [], keepDir: true, env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url } });
    allLogs.push(first.logs);
    const signIn = async () => ({ cookie: (await call(first, 'POST', '/admin/session', { auth: null, body: { key: ADMIN } })).headers.get('set-cookie')!.split(';')[0]! });
    const kept = await signIn();
    const other = await signIn();
    expect((await call(first, 'DELETE', '/admin/session', { auth: null, headers: { ...kept, 'x-requested-with': 'test' } })).status).toBe(200);
    expect((await call(first, 'GET', '/admin/overview', { auth: null, headers: kept })).status).toBe(401);
    // Saved at once, like a disabled key: no wait for the debounce.
    expect(JSON.parse(await readFile(join(first.dir, 'data', 'state.json'), 'utf8')).sessions).toHaveLength(1);
    await first.close();
    const again = await startTestPool({ keys: [k1], upstreams: [], dir: first.dir, env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url } });
    pools.push(again);
    allLogs.push(again.logs);
    expect((await call(again, 'GET', '/admin/overview', { auth: null, headers: kept })).status).toBe(401);
    expect((await call(again, 'GET', '/admin/session', { auth: null, headers: kept })).status).toBe(401);
    expect((await call(again, 'GET', '/admin/overview', { auth: null, headers: other })).status).toBe(200);
  });

  it('KEY_BUDGETS sets the defaults until budgets are saved', async () => {
    const p = await pool([k1], { KEY_BUDGETS: 'pro=50, flash=1500' });
    expect((await call(p, 'GET', '/admin/budgets')).json()).toMatchObject({ defaults: { pro: 50, flash: 1500 }, perKey: {} });
  });
});

describe('overview, usage, metrics', () => {
  it('overview counts today and the last 24 hours with an hourly series; usage lists days per key, model and client', async () => {
    const p = await pool([k1, k2]);
    mock.script({ key: k1, times: 1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '30s' } });
    for (let i = 0; i < 3; i++) await chat(p);
    const o = (await call(p, 'GET', '/admin/overview')).json();
    expect(o.today).toMatchObject({ requests: 3, ok: 3, successRate: 1, rateLimited: 1, errors: 0 });
    expect(o.today.tokensIn).toBeGreaterThan(0);
    expect(o.last24h).toMatchObject({ requests: 3, ok: 3, rateLimited: 1 });
    expect(o.series).toHaveLength(24);
    expect(o.series[23]).toMatchObject({ requests: 3 });
    expect(o.keys).toEqual({ total: 2, available: 1, cooling: 1, disabled: 0 });
    expect(Date.parse(o.nextReset)).toBeGreaterThan(Date.now());
    const u = (await call(p, 'GET', '/admin/usage?days=2')).json();
    expect(u.days).toHaveLength(1);
    expect(u.days[0].keys[fingerprint(k1)][MODEL]).toMatchObject({ requests: 1, rateLimited: 1 });
    expect(u.days[0].clients[fingerprint(p.pool.accessKey)][MODEL]).toMatchObject({ requests: 3 });
    expect((await call(p, 'GET', '/admin/usage?days=0')).status).toBe(400);
  });

  it('GET /metrics: Prometheus text labelled by key fingerprint, never the key; protected like /status', async () => {
    const p = await pool([k1, k2]);
    mock.script({ key: k1, times: 1, reply: { kind: 'quota', quota: 'per_day' } });
    await chat(p);
    const r = await call(p, 'GET', '/metrics');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = r.text;
    expect(text).toContain(`opengemini_requests_total{route="/v1/chat/completions",model="${MODEL}",status="200",outcome="ok"} 1`);
    expect(text).toContain(`opengemini_attempts_total{key="${fingerprint(k1)}",upstream="direct",model="${MODEL}",result="quota_per_day"} 1`);
    expect(text).toContain(`opengemini_attempts_total{key="${fingerprint(k2)}",upstream="direct",model="${MODEL}",result="ok"} 1`);
    expect(text).toContain('opengemini_cooldowns{reason="quota_per_day"} 1');
    expect(text).toContain('opengemini_keys{state="cooling"} 1');
    expect(text).toMatch(/opengemini_upstream_latency_seconds_count\{upstream="direct"\} 2/);
    expect(text).toContain(`opengemini_key_events_total{key="${fingerprint(k1)}",event="cooldown",reason="quota_per_day"} 1`);
    expect(text).not.toContain(k1);
    expect((await call(p, 'GET', '/metrics', { auth: null })).status).toBe(401);
  });

  it('METRICS=public opens /metrics, METRICS=off removes it', async () => {
    const open = await pool([k1], { METRICS: 'public' });
    expect((await call(open, 'GET', '/metrics', { auth: null })).status).toBe(200);
    const off = await pool([k1], { METRICS: 'off' });
    expect((await call(off, 'GET', '/metrics')).status).toBe(404);
  });

  it('the page is served at / and /dashboard with a strict CSP; its files under /dashboard/', async () => {
    const p = await pool([k1]);
    for (const path of ['/', '/dashboard']) {
      const r = await call(p, 'GET', path, { auth: null });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('text/html');
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(r.headers.get('x-frame-options')).toBe('DENY');
      expect(r.text).toContain('dashboard/app.js');
    }
    const js = await call(p, 'GET', '/dashboard/app.js', { auth: null });
    expect(js.headers.get('content-type')).toMatch(/^(text|application)\/javascript/);
    // undici's request, not fetch: fetch adds `cache-control: no-cache` to a conditional request,
    // which rightly asks for the full answer.
    const again = await request(`${p.base}/dashboard/app.js`, { headers: { 'if-none-match': js.headers.get('etag')! } });
    await again.body.dump();
    expect(again.statusCode).toBe(304);
    expect((await call(p, 'GET', '/dashboard/nope.js', { auth: null })).status).toBe(404);
  });
});

describe('secrets', () => {
  it('no Gemini key appears in any response (but the export) or log line of this suite', () => {
    const logs = allLogs.flat().join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const k of [k1, k2, k3]) {
      expect(logs).not.toContain(k);
      for (const r of responses) expect(r).not.toContain(k);
    }
    expect(logs).not.toContain(ADMIN);
    expect(logs).not.toMatch(/sk-[0-9a-f]{48}/);
  });
});
