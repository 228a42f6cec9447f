// Guessing keys costs the guesser's address and no one else (issue 10: 100 wrong keys in 182 ms
// from 10 addresses made the right ADMIN_KEY fail with 429 for 10 minutes, everywhere). Real
// sockets from distinct source addresses: Linux routes all of 127.0.0.0/8 to loopback, so each
// client binds its own 127.0.0.x and the pool (which trusts no proxy) sees that address.
import { Agent, type Dispatcher, request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MockGemini, startMockGemini } from '../../tools/src/mock-gemini';
import { type PoolUnderTest, startTestPool, testKey } from './helpers/stack';

const ADMIN = 'key-guesses-admin-key-0123456789';
const MODEL = 'gemini-2.5-flash';

let mock: MockGemini;
const pools: PoolUnderTest[] = [];
const agents = new Map<string, Agent>();
beforeAll(async () => {
  mock = await startMockGemini();
});
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.close()));
  await mock?.close();
});

async function pool(env: Record<string, string> = {}): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys: [testKey(1), testKey(2)], upstreams: [], env: { ADMIN_KEY: ADMIN, GEMINI_BASE_URL: mock.url, LOG_LEVEL: 'warn', ...env } });
  pools.push(p);
  return p;
}

/** A client whose connections come from `address` (127.0.0.x). */
function from(address: string): Dispatcher {
  let a = agents.get(address);
  if (!a) agents.set(address, (a = new Agent({ localAddress: address })));
  return a;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

async function call(p: PoolUnderTest, address: string, method: 'GET' | 'POST', path: string, opts: { key?: string; body?: unknown; header?: 'authorization' | 'x-goog-api-key' } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (opts.key !== undefined) headers[opts.header ?? 'authorization'] = opts.header === 'x-goog-api-key' ? opts.key : `Bearer ${opts.key}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${p.base}${path}`, { method, headers, dispatcher: from(address), ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.statusCode, headers: res.headers, json };
}

const signIn = (p: PoolUnderTest, address: string, key: string) => call(p, address, 'POST', '/admin/session', { body: { key } });
const chatBody = { model: MODEL, messages: [{ role: 'user', content: 'hi' }] };

describe('wrong admin keys', () => {
  it('100 wrong keys from 10 addresses block those 10 addresses only: the operator signs in from another at once, and its Bearer key opens /status and /metrics', async () => {
    const p = await pool();
    const attackers = Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 10}`);
    const answers = await Promise.all(
      attackers.flatMap((address, a) =>
        Array.from({ length: 10 }, (_, i) => (i % 2 ? signIn(p, address, `wrong-${a}-${i}`) : call(p, address, 'GET', '/status', { key: `wrong-${a}-${i}` }))),
      ),
    );
    expect(answers.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
    for (const address of attackers) expect((await signIn(p, address, ADMIN)).status).toBe(429);

    const operator = '127.0.0.2';
    const ok = await signIn(p, operator, ADMIN);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ signedIn: true, who: 'admin' });
    expect((await call(p, operator, 'GET', '/status', { key: ADMIN })).status).toBe(200);
    expect((await call(p, operator, 'GET', '/metrics', { key: ADMIN })).status).toBe(200);
    // Client traffic from the attackers' addresses goes on: the client-key count is another.
    expect((await call(p, attackers[0]!, 'POST', '/v1/chat/completions', { key: p.pool.accessKey, body: chatBody })).status).toBe(200);
  });

  it('a blocked address is refused even with the right key (a 429 tells a guesser nothing); each attempt while refused renews the wait', async () => {
    const p = await pool({ SIGN_IN_FAILURES: '3' });
    const address = '127.0.0.21';
    for (let i = 0; i < 3; i++) expect((await signIn(p, address, `wrong-${i}`)).status).toBe(401);
    const refused = await signIn(p, address, ADMIN);
    expect(refused.status).toBe(429);
    expect(refused.json.error.code).toBe('too_many_sign_in_attempts');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(590);
    expect((await call(p, address, 'GET', '/admin/overview', { key: ADMIN })).status).toBe(429);
    // The wait restarts with every attempt: 2.2 s later it is still the full 10 minutes (a wait
    // that was not renewed would be down to 598 s or less).
    await new Promise((r) => setTimeout(r, 2_200));
    const again = await signIn(p, address, 'wrong-again');
    expect(again.status).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThanOrEqual(599);
  });

  it('a valid key is never counted: any number of good calls, then the full allowance of wrong ones', async () => {
    const p = await pool({ SIGN_IN_FAILURES: '3' });
    const address = '127.0.0.22';
    for (let i = 0; i < 20; i++) expect((await call(p, address, 'GET', '/status', { key: ADMIN })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await signIn(p, address, `wrong-${i}`)).status).toBe(401);
    expect((await signIn(p, address, ADMIN)).status).toBe(429);
  });
});

describe('wrong client keys', () => {
  it('count per address on /v1 and /v1beta: past ten times SIGN_IN_FAILURES that address gets 429 in its dialect, even with a valid key; others are unaffected', async () => {
    const p = await pool({ SIGN_IN_FAILURES: '2' });
    const guesser = '127.0.0.31';
    for (let i = 0; i < 10; i++) expect((await call(p, guesser, 'POST', '/v1/chat/completions', { key: `sk-guess-${i}`, body: chatBody })).status).toBe(401);
    for (let i = 10; i < 20; i++) expect((await call(p, guesser, 'GET', `/v1beta/models`, { key: `guess-${i}`, header: 'x-goog-api-key' })).status).toBe(401);
    const openai = await call(p, guesser, 'POST', '/v1/chat/completions', { key: p.pool.accessKey, body: chatBody });
    expect(openai.status).toBe(429);
    expect(openai.json.error.code).toBe('too_many_sign_in_attempts');
    const google = await call(p, guesser, 'GET', '/v1beta/models', { key: p.pool.accessKey, header: 'x-goog-api-key' });
    expect(google.status).toBe(429);
    expect(google.json.error.status).toBe('RESOURCE_EXHAUSTED');
    expect(Number(google.headers['retry-after'])).toBeGreaterThan(0);
    // Another address, and the operator's sign-in from the guesser's own address, are unaffected.
    expect((await call(p, '127.0.0.32', 'POST', '/v1/chat/completions', { key: p.pool.accessKey, body: chatBody })).status).toBe(200);
    expect((await signIn(p, guesser, ADMIN)).status).toBe(200);
  });

  it('a request with no key at all is a plain 401 and costs nothing', async () => {
    const p = await pool({ SIGN_IN_FAILURES: '1' });
    const address = '127.0.0.33';
    for (let i = 0; i < 15; i++) expect((await call(p, address, 'POST', '/v1/chat/completions', { body: chatBody })).status).toBe(401);
    expect((await call(p, address, 'POST', '/v1/chat/completions', { key: p.pool.accessKey, body: chatBody })).status).toBe(200);
  });
});
