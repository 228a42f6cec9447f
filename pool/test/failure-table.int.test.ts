// Every row of the failure table, end to end: the official OpenAI SDK -> the pool -> the built
// Worker in workerd (and a deliberately failing second upstream) -> the strict mock Gemini.
import { ATTEMPTS_HEADER, fingerprint, parseAttempts } from '@opengemini/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nextPacificMidnight } from '../src/accounting/pacific-day';
import { type FailingUpstream, startFailingUpstream } from './helpers/failing-upstream';
import { OpenAI } from './helpers/openai';
import { type Backend, type PoolUnderTest, eventually, keyStickingTo, startBackend, startTestPool, status, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';
const k1 = testKey(1);
const k2 = testKey(2);
const k3 = testKey(3);
const ask = (p: PoolUnderTest, content = 'hi') => p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }] });

let backend: Backend;
let failing: FailingUpstream;
const pools: PoolUnderTest[] = [];

async function pool(keys: string[], upstreams?: string[], env: Record<string, string> = {}): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys, upstreams: upstreams ?? [backend.worker.url], env: { BREAKER_FAILURES: '1', ...env } });
  pools.push(p);
  return p;
}

/** Keys the mock saw for generateContent calls, in order. */
const seenKeys = () => backend.mock.requests.filter((r) => r.action === 'generateContent').map((r) => r.key);

beforeAll(async () => {
  backend = await startBackend();
  failing = await startFailingUpstream();
});
afterEach(async () => {
  backend.mock.reset();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await failing?.close();
  await backend?.close();
});

describe('rotation', () => {
  it('spreads requests over every key in turn (not only after errors)', async () => {
    const p = await pool([k1, k2, k3]);
    for (let i = 0; i < 6; i++) expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([k1, k2, k3, k1, k2, k3]);
  });
});

describe('the failure table', () => {
  it.each([
    ['per_minute', '30s', 30_000],
    ['tokens_per_minute', '12s', 12_000],
  ] as const)('429 %s: that (key, model) cools down for retryDelay (+jitter), the next key answers at once', async (quota, retryDelay, ms) => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota, retryDelay } });
    const before = Date.now();
    const r = await ask(p);
    expect(r.choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([k1, k2]);
    const s = await status(p);
    const cooled = s.keys.find((k) => k.key === fingerprint(k1))!;
    expect(cooled.state).toBe('cooling');
    expect(cooled.cooldowns[MODEL]?.reason).toBe(`quota_${quota}`);
    const until = Date.parse(cooled.cooldowns[MODEL]!.until);
    expect(until).toBeGreaterThanOrEqual(before + ms);
    expect(until).toBeLessThanOrEqual(Date.now() + ms + 2_000 + 50);
    // Other models are not affected, the upstream is not penalised.
    expect(cooled.cooldowns['gemini-2.5-pro']).toBeUndefined();
    expect(s.upstreams[0]?.state).toBe('closed');
    // The cooled key is skipped for this model.
    await ask(p);
    await ask(p);
    expect(seenKeys().slice(2)).toEqual([k2, k2]);
  });

  it('429 per-day: that (key, model) is spent until the next midnight Pacific time', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_day' } });
    await ask(p);
    const s = await status(p);
    const spent = s.keys.find((k) => k.key === fingerprint(k1))!;
    expect(spent.cooldowns[MODEL]).toEqual({ until: new Date(nextPacificMidnight(Date.now())).toISOString(), reason: 'quota_per_day' });
  });

  it.each(['invalid', 'expired', 'suspended', 'leaked'] as const)('%s key: disabled with its reason, never used again, next key answers', async (reason) => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'keyError', reason, echoKey: true } });
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    for (let i = 0; i < 3; i++) await ask(p);
    expect(seenKeys()).toEqual([k1, k2, k2, k2, k2]);
    const s = await status(p);
    const dead = s.keys.find((k) => k.key === fingerprint(k1))!;
    expect(dead.state).toBe('disabled');
    expect(dead.reason).toMatch(/^key_/);
    expect(dead.message).toBeTruthy();
    expect(JSON.stringify(s)).not.toContain(k1);
    expect(s.upstreams[0]?.state).toBe('closed');
  });

  it('a key echoed in an error body never reaches the client', async () => {
    const p = await pool([k1]);
    backend.mock.script({ key: k1, reply: { kind: 'keyError', reason: 'leaked', echoKey: true } });
    const res = await fetch(`${p.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await res.text();
    expect(res.status).toBe(403);
    expect(text).not.toContain(k1);
    expect(text).toContain('leaked');
  });

  it("a client's bad request goes back as is: one attempt, nobody penalised", async () => {
    const p = await pool([k1, k2]);
    const err = await p.client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' as unknown as number })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(seenKeys()).toEqual([]); // the Worker rejected it before Gemini
    const s = await status(p);
    expect(s.keys.every((k) => k.state === 'ok')).toBe(true);
  });

  it("Gemini's 400 on the request itself goes back with its real status and message, never retried", async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({
      reply: { kind: 'http', status: 400, body: { error: { code: 400, message: 'Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.', status: 'INVALID_ARGUMENT' } } },
    });
    const err = (await ask(p).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.message).toContain('number of function response parts');
    expect(seenKeys()).toHaveLength(1);
    expect((await status(p)).keys.every((k) => k.state === 'ok')).toBe(true);
  });

  it('an unknown model is a 404 with one attempt', async () => {
    const p = await pool([k1, k2]);
    const err = await p.client.chat.completions.create({ model: 'gemini-no-such-model', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(backend.mock.requests.filter((r) => r.model === 'gemini-no-such-model')).toHaveLength(1);
  });

  it('Gemini 500: a brief cooldown for that (key, model), next key after a small backoff', async () => {
    const p = await pool([k1, k2], undefined, { GEMINI_COOLDOWN_MS: '4000' });
    backend.mock.script({ key: k1, reply: { kind: 'serverError', status: 500 } });
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([k1, k2]);
    const k = (await status(p)).keys.find((x) => x.key === fingerprint(k1))!;
    expect(k.state).toBe('cooling');
    expect(k.cooldowns[MODEL]?.reason).toBe('gemini_internal');
    expect(Date.parse(k.cooldowns[MODEL]!.until) - Date.now()).toBeLessThanOrEqual(4_000);
  });

  it.each([503, 504] as const)('Gemini %i (overloaded, slow) does not bench the key: the next key answers after a backoff, and the key serves the next request', async (code) => {
    const p = await pool([k1, k2], undefined, { GEMINI_COOLDOWN_MS: '60000' });
    backend.mock.script({ key: k1, times: 1, reply: { kind: 'serverError', status: code } });
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([k1, k2]);
    const k = (await status(p)).keys.find((x) => x.key === fingerprint(k1))!;
    expect(k.state).toBe('ok');
    expect(k.cooldowns[MODEL]).toBeUndefined();
    await ask(p);
    expect(seenKeys()[2]).toBe(k1);
  });

  it('region blocked: the key is untouched, the upstream breaker opens, the same key goes through another upstream', async () => {
    failing.mode = 'region';
    const urls = [failing.url, backend.worker.url];
    const key = keyStickingTo(failing.url, urls);
    const p = await pool([key], urls);
    const hits = failing.hits;
    for (let i = 0; i < 3; i++) expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(failing.hits - hits).toBe(1); // then open: not asked again
    const s = await status(p);
    expect(s.upstreams.find((u) => u.upstream === failing.url)?.state).toBe('open');
    expect(s.keys[0]?.state).toBe('ok');
    expect(seenKeys()).toEqual([key, key, key]);
  });

  it.each(['html502', 'drop'] as const)('Worker fault / network error (%s): same key via the other upstream, breaker opens', async (mode) => {
    failing.mode = mode;
    // Pick a key whose sticky upstream is the failing one, so the failure is exercised.
    const key = keyStickingTo(failing.url, [failing.url, backend.worker.url]);
    const p = await pool([key], [failing.url, backend.worker.url]);
    const hits = failing.hits;
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(failing.hits - hits).toBe(1);
    expect(seenKeys()).toEqual([key]);
    const s = await status(p);
    expect(s.upstreams.find((u) => u.upstream === failing.url)?.state).toBe('open');
    expect(s.keys[0]?.state).toBe('ok');
    // While it is open, the key uses the healthy upstream without trying the failed one.
    await ask(p);
    expect(failing.hits - hits).toBe(1);
  });

  it('timeout: an upstream that hangs is cut after ATTEMPT_TIMEOUT_MS; the key is not penalised', async () => {
    failing.mode = 'hang';
    const key = keyStickingTo(failing.url, [failing.url, backend.worker.url]);
    const p = await pool([key], [failing.url, backend.worker.url], { ATTEMPT_TIMEOUT_MS: '300' });
    const t0 = Date.now();
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    const s = await status(p);
    expect(s.upstreams.find((u) => u.upstream === failing.url)?.state).toBe('open');
    expect(s.keys[0]?.state).toBe('ok');
    expect(p.logs.join('')).toContain('"faults":["upstream_timeout"]');
  });
});

describe('faults at their cause (issue 10)', () => {
  it("Gemini's bad answer through the only Worker: the next key answers through it, no cooldown, the Worker not blamed", async () => {
    failing.mode = 'bad-answer';
    failing.badKey = k1;
    const p = await pool([k1, k2], [failing.url]);
    const hits = failing.hits;
    expect((await ask(p)).choices[0]?.message.content).toBe('a good answer');
    expect(failing.hits - hits).toBe(2);
    const s = await status(p);
    expect(s.upstreams[0]?.state).toBe('closed');
    expect(s.upstreams[0]?.errors).toBe(0);
    expect(s.keys.every((k) => k.state === 'ok')).toBe(true);
    expect(p.logs.join('')).toContain('"faults":["gemini_bad_answer"]');
  });

  it('instant refusals (per-minute, per-day, invalid key) do not use up the attempts: the fourth key still answers with MAX_ATTEMPTS=2', async () => {
    const k4 = testKey(4);
    const p = await pool([k1, k2, k3, k4], undefined, { MAX_ATTEMPTS: '2' });
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '30s' } });
    backend.mock.script({ key: k2, reply: { kind: 'quota', quota: 'per_day' } });
    backend.mock.script({ key: k3, reply: { kind: 'keyError', reason: 'invalid' } });
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([k1, k2, k3, k4]);
  });

  it("a Gemini fault on the only key not cooling: that key is tried again instead of giving up with attempts left (the soak's commonest failure)", async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, times: 1, reply: { kind: 'noCandidates' } });
    backend.mock.script({ key: k2, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '30s' } });
    const { data, response } = await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    expect(data.choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([k1, k2, k1]);
    // The pool's account of the attempts, for clients and the soak: fault codes only, no key.
    expect(parseAttempts(response.headers.get(ATTEMPTS_HEADER))).toEqual({ sent: 3, outcomes: ['gemini_bad_answer', 'quota_per_minute', 'ok'] });
    expect(response.headers.get(ATTEMPTS_HEADER)).not.toContain(fingerprint(k1));
  });

  it('every key cooling, one frees within MAX_KEY_WAIT_MS: the request waits for it and is answered', async () => {
    const p = await pool([k1]);
    backend.mock.script({ key: k1, times: 1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '1s' } });
    const t0 = Date.now();
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(seenKeys()).toEqual([k1, k1]);
  });

  it('the wait for a key is cancelled when the client leaves: no further attempt is made', async () => {
    const p = await pool([k1]);
    backend.mock.script({ key: k1, times: 1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '2s' } });
    const ac = new AbortController();
    const pending = fetch(`${p.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }),
      signal: ac.signal,
    }).catch((e: unknown) => e);
    // The first attempt met the 429; the request now waits for the key to free (2 s).
    await eventually(() => expect(seenKeys()).toEqual([k1]));
    ac.abort();
    await pending;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(seenKeys()).toEqual([k1]);
    expect(p.logs.join('')).toContain('"code":"client_closed"');
  });

  it.each(['html200', 'empty200'] as const)("a Worker's 200 that is not an answer (%s) is the Worker's fault: the same key fails over to the other Worker", async (mode) => {
    failing.mode = mode;
    const key = keyStickingTo(failing.url, [failing.url, backend.worker.url]);
    const p = await pool([key], [failing.url, backend.worker.url]);
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(seenKeys()).toEqual([key]);
    const s = await status(p);
    expect(s.upstreams.find((u) => u.upstream === failing.url)?.state).toBe('open');
    expect(s.keys[0]?.state).toBe('ok');
  });

  it("a stream whose Worker answers 200 with an HTML page fails over before anything is committed", async () => {
    failing.mode = 'html200';
    const key = keyStickingTo(failing.url, [failing.url, backend.worker.url]);
    const p = await pool([key], [failing.url, backend.worker.url]);
    const stream = await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toContain('mock answer');
    expect((await status(p)).upstreams.find((u) => u.upstream === failing.url)?.state).toBe('open');
  });

  it('with one Worker, a dropped connection is retried on it after a short backoff (one path fault is not a dead Worker)', async () => {
    failing.mode = 'drop-once';
    const p = await pool([k1], [failing.url], { BREAKER_FAILURES: '2' });
    const hits = failing.hits;
    const t0 = Date.now();
    expect((await ask(p)).choices[0]?.message.content).toBe('after a dropped connection');
    expect(failing.hits - hits).toBe(2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240);
    expect(p.logs.join('')).toContain('"faults":["upstream_network"]');
  });

  it('a Worker that trickles bytes is left after ATTEMPT_TIMEOUT_MS for the healthy Worker', async () => {
    failing.mode = 'trickle';
    const key = keyStickingTo(failing.url, [failing.url, backend.worker.url]);
    const p = await pool([key], [failing.url, backend.worker.url], { ATTEMPT_TIMEOUT_MS: '400' });
    const t0 = Date.now();
    expect((await ask(p)).choices[0]?.message.content).toContain('mock answer');
    expect(Date.now() - t0).toBeLessThan(3_000);
    expect(p.logs.join('')).toContain('"faults":["upstream_timeout"]');
  });
});

describe('when nothing is left', () => {
  it('every key cooling down: 429 in OpenAI format with Retry-After for the first key to free up', async () => {
    const p = await pool([k1, k2]);
    backend.mock.script({ key: k1, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '40s' } });
    backend.mock.script({ key: k2, reply: { kind: 'quota', quota: 'per_minute', retryDelay: '20s' } });
    const err = (await ask(p).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect((err.error as { code?: string }).code).toBe('all_keys_cooling');
    const retryAfter = Number(err.headers?.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(20);
    expect(retryAfter).toBeLessThanOrEqual(23);
    expect(parseAttempts(err.headers?.get(ATTEMPTS_HEADER))).toEqual({ sent: 2, outcomes: ['quota_per_minute', 'quota_per_minute'], end: 'no_key' });
    // The next request does not touch Gemini at all.
    const n = seenKeys().length;
    await expect(ask(p)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    expect(seenKeys()).toHaveLength(n);
  });

  it('every key disabled: 503 naming the cause, Gemini not called again', async () => {
    const p = await pool([k1]);
    backend.mock.script({ key: k1, reply: { kind: 'keyError', reason: 'invalid' } });
    const first = (await ask(p).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(first.status).toBe(401); // Gemini's own answer for the last attempt
    const second = (await ask(p).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(second.status).toBe(503);
    expect((second.error as { code?: string }).code).toBe('no_usable_key');
    expect(seenKeys()).toHaveLength(1);
  });

  it('every upstream down: 503 with a clear message and Retry-After; the open breaker spares the upstream', async () => {
    failing.mode = 'html502';
    const p = await pool([k1, k2], [failing.url], { BREAKER_BACKOFF_MS: '60000' });
    const hits = failing.hits;
    const err = (await ask(p).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(503);
    expect((err.error as { code?: string }).code).toBe('all_upstreams_down');
    expect(err.message).toMatch(/Every upstream is down/);
    expect(Number(err.headers?.get('retry-after'))).toBeGreaterThan(50);
    expect(failing.hits - hits).toBe(1);
    await ask(p).catch(() => {});
    expect(failing.hits - hits).toBe(1);
  });

  it('half-open: after the backoff one real request probes the upstream and closes the breaker', async () => {
    failing.mode = 'drop';
    const p = await pool([k1], [failing.url], { BREAKER_BACKOFF_MS: '300' });
    const err = (await ask(p).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(503);
    expect((err.error as { code?: string }).code).toBe('all_upstreams_down');
    expect(err.message).toContain('last error: upstream_network');
    expect((await status(p)).upstreams[0]?.state).toBe('open');
    const hits = failing.hits;
    await expect(ask(p)).rejects.toMatchObject({ status: 503 }); // still open: the Worker is spared
    expect(failing.hits).toBe(hits);
    failing.mode = 'bad-answer'; // no bad key: it answers
    failing.badKey = undefined;
    await new Promise((r) => setTimeout(r, 350));
    expect((await ask(p)).choices[0]?.message.content).toBe('a good answer'); // the probe
    expect((await status(p)).upstreams[0]?.state).toBe('closed');
  });
});

describe('secrets', () => {
  it('no Gemini key or client key appears in any log line, whatever the outcome (success, dead key, leaked key, 429)', async () => {
    const p = await pool([k1, k2, k3]);
    backend.mock.script({ key: k1, times: 1, reply: { kind: 'keyError', reason: 'invalid' } });
    backend.mock.script({ key: k2, times: 1, reply: { kind: 'keyError', reason: 'leaked', echoKey: true } });
    backend.mock.script({ key: k3, times: 1, reply: { kind: 'quota', quota: 'per_minute' } });
    await ask(p).catch(() => {});
    await ask(p).catch(() => {});
    const text = p.logs.join('');
    // The log did record those requests, naming keys by fingerprint.
    expect(text).toMatch(/"key":"…[^"]{4}#[0-9a-f]{6}"/);
    for (const k of [k1, k2, k3, p.pool.accessKey]) expect(text).not.toContain(k);
    expect(text).not.toMatch(/sk-[0-9a-f]{48}/);
  });
});
