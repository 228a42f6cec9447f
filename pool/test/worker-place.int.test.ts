// Where each Worker runs, end to end: the pool -> a loopback stand-in for Cloudflare's edge that
// adds cf-ray / cf-placement as Cloudflare does -> the built Worker in workerd -> the strict mock
// Gemini. /status and the dashboard's upstream list show the data centre; when Google refuses the
// location ("User location is not supported"), the Worker gets a hint naming it, and when every
// Worker is refused the pool warns once in its log, in /status and at the end of a key check.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CloudflareEdge, startCloudflareEdge } from './helpers/cloudflare-edge';
import { type Backend, eventually, keyStickingTo, type PoolUnderTest, startBackend, startTestPool, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';

let backend: Backend;
let hkg: CloudflareEdge;
let placed: CloudflareEdge;
const pools: PoolUnderTest[] = [];

beforeAll(async () => {
  backend = await startBackend();
  // Two Workers as a Hong Kong VPS sees them: one unplaced (runs at the HKG edge), one placed
  // next to a US region (taken at HKG, run in ORD).
  hkg = await startCloudflareEdge(backend.worker.url, { edge: 'HKG' });
  placed = await startCloudflareEdge(backend.worker.url, { edge: 'HKG', placement: 'remote-ORD' });
});
afterEach(async () => {
  backend.mock.reset();
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await hkg?.close();
  await placed?.close();
  await backend?.close();
});

async function twoWorkerPool() {
  const urls = [hkg.url, placed.url];
  const kHkg = keyStickingTo(hkg.url, urls);
  const kOrd = keyStickingTo(placed.url, urls, [kHkg]);
  const p = await startTestPool({ keys: [kHkg, kOrd], upstreams: urls, env: { BREAKER_FAILURES: '1' } });
  pools.push(p);
  return { p, kHkg, kOrd };
}

async function get(p: PoolUnderTest, path: string) {
  const res = await fetch(`${p.base}${path}`, { headers: { authorization: `Bearer ${p.pool.accessKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as any;
}
const row = (rows: { upstream: string }[], url: string) => rows.find((r) => r.upstream === url) as any;

describe('where each Worker runs', () => {
  it('/status and the dashboard list show the data centre of each Worker\'s answers, placed or not', async () => {
    const { p } = await twoWorkerPool();
    expect(row((await get(p, '/status')).upstreams, hkg.url).runsIn).toBeUndefined();
    for (let i = 0; i < 2; i++) await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'stream' }], stream: true }).then(async (s) => {
      for await (const _ of s);
    });

    const status = await get(p, '/status');
    expect(row(status.upstreams, hkg.url)).toMatchObject({ runsIn: 'HKG', colo: 'HKG' });
    expect(row(status.upstreams, placed.url)).toMatchObject({ runsIn: 'ORD (placed; edge HKG)', colo: 'ORD' });
    for (const u of status.upstreams) expect(u.hint).toBeUndefined();
    expect(status.warning).toBeUndefined();

    const admin = await get(p, '/admin/upstreams');
    expect(row(admin.upstreams, placed.url)).toMatchObject({ runsIn: 'ORD (placed; edge HKG)', colo: 'ORD' });
  });

  it('a Worker Google refuses gets "runs in HKG: set placement"; the placed one keeps serving', async () => {
    const { p, kHkg } = await twoWorkerPool();
    // Google refuses only what arrives from HKG: scripted by key, the key that sticks to the HKG Worker.
    backend.mock.script({ key: kHkg, times: 1, reply: { kind: 'regionBlocked' } });
    const answer = await p.client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
    expect(answer.choices[0]?.message.content).toContain('mock answer');

    const status = await get(p, '/status');
    expect(row(status.upstreams, hkg.url)).toMatchObject({ colo: 'HKG', lastError: 'upstream_region_blocked', hint: expect.stringMatching(/^runs in HKG: set placement \(Settings -> Runtime -> Placement -> a region such as gcp:us-central1/) });
    expect(row(status.upstreams, placed.url).hint).toBeUndefined();
    expect(status.warning).toBeUndefined();
    expect(p.logs.join('')).not.toContain('every Worker is region-blocked');
  });

  it('every Worker refused: one warning in the log, in /status, on the dashboard and at the end of a key check', async () => {
    const { p } = await twoWorkerPool();
    backend.mock.script({ reply: { kind: 'regionBlocked' } });
    const started = await fetch(`${p.base}/admin/keys/check`, { method: 'POST', headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ state: 'all' }) });
    expect(started.status).toBe(202);
    let job: any;
    await eventually(async () => {
      job = await get(p, '/admin/keys/check');
      expect(job.running).toBe(false);
    }, 30_000);
    expect(job.counts.upstream_error).toBe(2);
    const warning = /^every Worker is region-blocked \(they run in HKG, ORD\): Google does not serve Gemini where they run/;
    expect(job.warning).toMatch(warning);
    expect((await get(p, '/status')).warning).toMatch(warning);
    expect((await get(p, '/admin/upstreams')).warning).toMatch(warning);
    const logged = p.logs.filter((l) => l.includes('every Worker is region-blocked'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 40 });
  });
});

describe('the start-up check (STARTUP_CHECK)', () => {
  const checked = (p: PoolUnderTest) => p.logs.filter((l) => l.includes('start-up check of a Worker')).map((l) => JSON.parse(l));

  it('two Workers Google refuses: the warning is logged at start, without any client request', async () => {
    backend.mock.script({ reply: { kind: 'regionBlocked' } });
    const p = await startTestPool({ keys: [testKey(1), testKey(2)], upstreams: [hkg.url, placed.url], env: { STARTUP_CHECK: 'true' } });
    pools.push(p);
    await eventually(() => expect(checked(p)).toHaveLength(2), 10_000);
    const logged = p.logs.filter((l) => l.includes('every Worker is region-blocked'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ level: 40, msg: expect.stringMatching(/^every Worker is region-blocked \(they run in HKG, ORD\)/) });
    expect(checked(p).find((l) => l.upstream === hkg.url)).toMatchObject({ outcome: 'upstream_error', code: 'upstream_region_blocked', runsIn: 'HKG', hint: expect.stringMatching(/^runs in HKG: set placement/) });
    const status = await get(p, '/status');
    expect(row(status.upstreams, placed.url)).toMatchObject({ colo: 'ORD' });
    expect(status.warning).toMatch(/^every Worker is region-blocked/);
    // Only the probes reached Gemini: one models list per Worker, no generation.
    expect(backend.mock.requests.map((r) => r.path)).toEqual(['/v1beta/models', '/v1beta/models']);
  });

  it('one Worker answers: its place is known at start and nothing is warned', async () => {
    const urls = [hkg.url, placed.url];
    const kHkg = keyStickingTo(hkg.url, urls);
    const kOrd = keyStickingTo(placed.url, urls, [kHkg]);
    backend.mock.script({ key: kHkg, reply: { kind: 'regionBlocked' } });
    const p = await startTestPool({ keys: [kHkg, kOrd], upstreams: urls, env: { STARTUP_CHECK: 'true' } });
    pools.push(p);
    await eventually(() => expect(checked(p)).toHaveLength(2), 10_000);
    expect(checked(p).find((l) => l.upstream === placed.url)).toMatchObject({ outcome: 'ok', runsIn: 'ORD (placed; edge HKG)' });
    expect(checked(p).find((l) => l.upstream === hkg.url)).toMatchObject({ outcome: 'upstream_error', code: 'upstream_region_blocked' });
    expect(p.logs.join('')).not.toContain('every Worker is region-blocked');
    expect((await get(p, '/status')).warning).toBeUndefined();
  });

  it('direct mode: there is no Worker to ask and nothing is probed', async () => {
    let calls = 0;
    const counting = ((...args: Parameters<typeof fetch>) => {
      calls++;
      return fetch(...args);
    }) as typeof fetch;
    const p = await startTestPool({ keys: [testKey(1)], upstreams: [], env: { STARTUP_CHECK: 'true', GEMINI_BASE_URL: backend.mock.url }, directFetch: counting });
    pools.push(p);
    // A Worker-mode pool logs its check within this time (the tests above); give direct mode as long.
    await new Promise((r) => setTimeout(r, 500));
    expect(calls).toBe(0);
    expect(checked(p)).toHaveLength(0);
    expect(backend.mock.requests).toHaveLength(0);
  });
});
