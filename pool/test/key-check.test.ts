import { Readable } from 'node:stream';
import { stat, writeFile, chmod, mkdtemp, readFile, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeFaultHeader, fingerprint, type Fault } from '@opengemini/shared';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { csrfProblem } from '../src/admin/admin-guard';
import { writeFileAtomic } from '../src/state/atomic-file';
import { loadConfig } from '../src/config';
import type { PoolContext } from '../src/proxy/context';
import { KeyChecker, PROBE_PATH } from '../src/admin/key-check';
import { KeyRing } from '../src/keys/keyring';
import type { Transport, UpstreamRequest } from '../src/upstreams/transport';
import { UpstreamSet } from '../src/upstreams/upstreams';
import { Usage } from '../src/accounting/usage';

const keys = Array.from({ length: 10 }, (_, i) => `AIzaCheck${String(i).padStart(30, '0')}`);

/** Answers the probe after a pause, with a fault for scripted keys; measures concurrency. */
class ProbeTransport implements Transport {
  inFlight = 0;
  peak = 0;
  paths: string[] = [];
  constructor(private readonly faults: Map<string, Fault>) {}
  async send(req: UpstreamRequest) {
    this.paths.push(req.path);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    await new Promise((r) => setTimeout(r, 15));
    this.inFlight--;
    const fault = this.faults.get(req.headers['x-goog-api-key'] ?? '');
    if (!fault) return { status: 200, headers: new Headers({ 'content-type': 'application/json' }), body: Readable.from([Buffer.from('{"models":[]}')]) };
    const body = JSON.stringify({ error: { code: 400, message: `API key not valid. key=${req.headers['x-goog-api-key']}` } });
    return { status: 400, headers: new Headers({ 'x-opengemini-fault': encodeFaultHeader(fault) }), body: Readable.from([Buffer.from(body)]) };
  }
  close = async () => {};
}

async function setup(faults: Map<string, Fault>) {
  const ring = new KeyRing(keys);
  const upstreams = new UpstreamSet({ threshold: 3, backoffMs: 1000, maxBackoffMs: 1000 });
  const transport = new ProbeTransport(faults);
  upstreams.replace([{ id: 'fake', secret: undefined, transport: () => transport }]);
  const ctx: PoolContext = { config: await loadConfig({}), keys: ring, upstreams, usage: new Usage(7), state: { schedule: () => {}, flushNow: async () => {} }, now: Date.now, random: () => 0 };
  return { ring, transport, ctx };
}

describe('key checks', () => {
  it('probe every key with the models list, at most `concurrency` at once, and report progress', async () => {
    const { ring, transport, ctx } = await setup(new Map([[keys[3]!, { kind: 'key', reason: 'invalid' }]]));
    let changed = 0;
    const checker = new KeyChecker(ctx, 3, () => changed++);
    const job = checker.start(ring.all())!;
    expect(job).toMatchObject({ running: true, total: 10, done: 0 });
    expect(checker.start(ring.all())).toBeUndefined(); // one job at a time
    while (job.running) await new Promise((r) => setTimeout(r, 5));
    expect(transport.peak).toBe(3);
    expect(transport.paths.every((p) => p === PROBE_PATH)).toBe(true);
    expect(job.done).toBe(10);
    expect(job.counts).toMatchObject({ ok: 9, disabled: 1 });
    expect(changed).toBe(1);
    const dead = ring.get(fingerprint(keys[3]!))!;
    expect(dead.disabled?.reason).toBe('key_invalid');
    expect(dead.disabled?.message).not.toContain(keys[3]);
    expect(JSON.stringify(job)).not.toContain('AIzaCheck');
  });

  it('a key that recovered is enabled again, unless the operator disabled it', async () => {
    const { ring, ctx } = await setup(new Map());
    ring.disable(ring.all()[0]!, 'key_suspended', 'suspended', 0);
    ring.disable(ring.all()[1]!, 'operator', 'by hand', 0);
    const job = new KeyChecker(ctx, 4, () => {}).start(ring.all().slice(0, 2))!;
    while (job.running) await new Promise((r) => setTimeout(r, 5));
    expect(job.results.map((r) => r.outcome).sort()).toEqual(['enabled', 'ok']);
    expect(ring.all()[0]!.disabled).toBeUndefined();
    expect(ring.all()[1]!.disabled?.reason).toBe('operator');
  });
});

describe('csrfProblem', () => {
  const req = (headers: Record<string, string>) => ({ headers: { host: 'pool.local:7777', ...headers } }) as unknown as FastifyRequest;
  it.each([
    [{ 'x-requested-with': 'x' }, undefined],
    [{ 'content-type': 'application/json; charset=utf-8' }, undefined],
    [{ 'content-type': 'application/json', origin: 'http://pool.local:7777' }, undefined],
    [{}, 'x-requested-with'],
    [{ 'content-type': 'text/plain' }, 'x-requested-with'],
    [{ 'content-type': 'application/x-www-form-urlencoded' }, 'x-requested-with'],
    [{ 'x-requested-with': 'x', origin: 'https://evil.example' }, 'Cross-origin'],
    [{ 'x-requested-with': 'x', origin: 'null' }, 'Cross-origin'],
  ])('%j -> %s', (headers, problem) => {
    const p = csrfProblem(req(headers));
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toContain(problem);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the content, keeps the mode, leaves no temp file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'atomic-'));
    const file = join(dir, 'key.txt');
    await writeFile(file, 'old\n');
    await chmod(file, 0o640);
    await writeFileAtomic(file, 'new\n');
    expect(await readFile(file, 'utf8')).toBe('new\n');
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['key.txt']);
    await writeFileAtomic(join(dir, 'fresh.txt'), 'x');
    expect((await stat(join(dir, 'fresh.txt'))).mode & 0o777).toBe(0o600);
    await rm(dir, { recursive: true });
  });
});
