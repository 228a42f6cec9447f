// Every attempt the pool gives up on releases its connection to the Worker, whatever ended it:
// the client hanging up (before or after the stream was committed), ATTEMPT_TIMEOUT_MS, or the
// first-event peek deciding to retry. Under the soak, abandoned attempts left open piled up as
// open files in the Worker (workerd: "Too many open files"). A stand-in Worker that never ends
// its answers counts its open connections; after N concurrent abandoned requests they must all
// be closed, and the pool's own file descriptors must come back down. Counts, with generous
// waits, never durations.
import { readdirSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type PoolUnderTest, startTestPool, testKey } from './helpers/stack';

/** How the stand-in Worker answers: it never ends an answer, the pool has to let go of it. */
type Shape = 'silent' | 'stream' | 'error-event' | 'html';

const N = 24;
let worker: Server;
let shape: Shape = 'stream';
const open = new Set<Socket>();
let requests = 0;
const pools: PoolUnderTest[] = [];

beforeAll(async () => {
  worker = createServer((req, res) => {
    requests++;
    req.resume();
    switch (shape) {
      case 'silent': // no head at all
        return;
      case 'stream': // a healthy stream that never ends
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 0, model: 'm', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] })}\n\n`);
        return;
      case 'error-event': // the first event is an error (the pool retries), and the body stays open
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`data: ${JSON.stringify({ error: { message: 'overloaded', type: 'server_error', code: 'gemini_unavailable' } })}\n\n`);
        return;
      case 'html': // a 200 that is not an answer, and the body stays open
        res.writeHead(200, { 'content-type': 'text/html' });
        res.write('<html><body>');
        return;
    }
  });
  worker.on('connection', (s: Socket) => {
    open.add(s);
    s.once('close', () => open.delete(s));
  });
  // No idle timeouts of its own: a connection the pool leaves open stays open, so the counts
  // below see it (a real Worker's idle timeout would only hide it for a while).
  worker.keepAliveTimeout = 0;
  worker.requestTimeout = 0;
  worker.headersTimeout = 0;
  await new Promise<void>((r) => worker.listen(0, '127.0.0.1', r));
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
  for (const s of open) s.destroy();
});

afterAll(async () => {
  await new Promise((r) => worker.close(r));
});

const fds = () => readdirSync('/proc/self/fd').length;

async function pool(env: Record<string, string> = {}): Promise<PoolUnderTest> {
  const url = `http://127.0.0.1:${(worker.address() as AddressInfo).port}`;
  // One key and one Worker: a retry after the peek goes to the same Worker, and no more than the attempts allowed.
  const p = await startTestPool({ keys: [testKey(1)], upstreams: [url], env: { LOG_LEVEL: 'warn', BREAKER_FAILURES: '100', MAX_KEY_WAIT_MS: '0', ...env } });
  pools.push(p);
  return p;
}

/** Sends a streamed or whole chat. `hangUpOnHead`: the client leaves once the status line came. */
function ask(p: PoolUnderTest, stream: boolean, hangUpOnHead = false): { status: Promise<number | undefined>; hangUp: () => void } {
  let hangUp = () => {};
  const status = new Promise<number | undefined>((resolve) => {
    const req = httpRequest(`${p.base}/v1/chat/completions`, { method: 'POST', agent: false, headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' } }, (res) => {
      if (hangUpOnHead) {
        req.destroy();
        return resolve(res.statusCode);
      }
      res.resume();
      res.once('end', () => resolve(res.statusCode));
    });
    req.on('error', () => resolve(undefined));
    req.end(JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream }));
    hangUp = () => {
      req.destroy();
      resolve(undefined);
    };
  });
  return { status, hangUp };
}

/** Every connection to the stand-in Worker closed, and the pool back to about the fds it had. */
async function released(p: PoolUnderTest, baseline: number): Promise<void> {
  await eventually(() => expect(open.size).toBe(0), 20_000);
  await eventually(() => expect(p.pool.ctx.keys.all().every((k) => k.inFlight === 0)).toBe(true), 20_000);
  // The test process is the pool too: its descriptors come back to where they were (a few spare: the logger, a state save).
  await eventually(() => expect(fds()).toBeLessThanOrEqual(baseline + 8), 20_000);
}

describe(`${N} concurrent attempts the pool gives up on: every connection to the Worker is closed`, () => {
  it('the client hangs up on a committed stream (after its first event)', async () => {
    shape = 'stream';
    const p = await pool();
    const baseline = fds();
    requests = 0;
    expect(await Promise.all(Array.from({ length: N }, () => ask(p, true, true).status))).toEqual(Array(N).fill(200));
    expect(requests).toBe(N);
    await released(p, baseline);
  });

  it('the client hangs up before the Worker answered (streamed and whole)', async () => {
    shape = 'silent';
    const p = await pool();
    const baseline = fds();
    requests = 0;
    const asks = Array.from({ length: N }, (_, i) => ask(p, i % 2 === 0));
    // Every attempt in flight at the Worker, then every client leaves.
    await eventually(() => expect(requests).toBe(N), 20_000);
    for (const a of asks) a.hangUp();
    await released(p, baseline);
    expect(requests).toBe(N); // cancelled, not retried
  });

  it.each(['silent', 'error-event', 'html'] as const)('ATTEMPT_TIMEOUT_MS or the first-event peek ends the attempt (%s): the pool answers the client and lets go of the Worker', async (s) => {
    shape = s;
    const p = await pool({ ATTEMPT_TIMEOUT_MS: '500', MAX_ATTEMPTS: '2' });
    const baseline = fds();
    requests = 0;
    const statuses = await Promise.all(Array.from({ length: N }, (_, i) => ask(p, s !== 'silent' || i % 2 === 0).status));
    expect(statuses.every((code) => code !== undefined && code >= 500)).toBe(true);
    expect(requests).toBe(2 * N);
    await released(p, baseline);
  });
});
