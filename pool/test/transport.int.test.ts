// One attempt through HttpTransport (undici) against a real socket, the path every answer from a
// Worker takes: the answer arrives whole, a body past the limit fails, and the client leaving or
// the attempt timing out ends the request at once, whether it waits for headers or for a free
// connection, and closes the upstream connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attempt } from '../src/proxy/attempt';
import { Cancel, HttpTransport } from '../src/upstreams/transport';

let server: Server;
let base: string;
const closed: string[] = [];
const seen: string[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    seen.push(req.url ?? '');
    req.resume();
    res.on('close', () => {
      if (!res.writableFinished) closed.push(req.url ?? '');
    });
    switch (req.url) {
      case '/v1/chunks':
        res.writeHead(200, { 'content-type': 'application/json', 'x-extra': 'yes' });
        res.write('{"a":');
        setTimeout(() => res.end('1}'), 20);
        return;
      case '/v1/big':
        res.writeHead(200, { 'content-type': 'application/json' }).end('x'.repeat(5000));
        return;
      case '/v1/error':
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' }).end('{"error":{"message":"slow down"}}');
        return;
      default:
        return; // hangs: only a cancel ends it
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const transport = (connections = 8) => new HttpTransport(base, { connections, connectTimeoutMs: 2_000, headersTimeoutMs: 10_000, bodyTimeoutMs: 10_000 });
const run = (t: HttpTransport, path: string, opts: { client?: Cancel; limit?: number; timeoutMs?: number } = {}) =>
  attempt({ transport: t, request: { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') }, stream: false, expect: 'json', timeoutMs: opts.timeoutMs ?? 10_000, ...opts });

describe('an attempt over HttpTransport', () => {
  it('reads an answer sent in pieces into one body, with its status and headers', async () => {
    const t = transport();
    const r = await run(t, '/v1/chunks');
    expect(r.kind).toBe('whole');
    if (r.kind === 'whole') expect([r.status, r.headers.get('x-extra'), r.body.toString()]).toEqual([200, 'yes', '{"a":1}']);
    const e = await run(t, '/v1/error');
    expect(e.kind).toBe('failure');
    if (e.kind === 'failure') expect([e.failure.status, e.failure.fault, e.failure.body.toString()]).toEqual([429, { kind: 'quota', reason: 'unknown', retryAfterMs: 7_000 }, '{"error":{"message":"slow down"}}']);
    await t.close();
  });

  it('fails a body past the limit, and the connection is not reused half-read', async () => {
    const t = transport();
    expect(await run(t, '/v1/big', { limit: 4096 })).toMatchObject({ kind: 'failure', failure: { fault: { kind: 'client', reason: 'too_large' } } });
    const next = await run(t, '/v1/big');
    expect(next).toMatchObject({ kind: 'failure', failure: { fault: { kind: 'upstream', reason: 'worker_fault' } } }); // 5000 x's: not JSON
    // A fresh 200 with its own head (a half-read connection would yield a parse error, a network fault).
    if (next.kind === 'failure') expect(next.failure.body.toString()).toMatch(/^a 200 that is not JSON \(application\/json: x{100,}\)$/);
    await t.close();
  });

  it('the client leaving while the Worker has not answered ends the attempt at once and drops the request upstream', async () => {
    const t = transport();
    const client = new Cancel();
    const pending = run(t, '/v1/hang-1', { client });
    await new Promise((r) => setTimeout(r, 50));
    client.cancel('gone');
    expect((await pending).kind).toBe('cancelled');
    await expect.poll(() => closed).toContain('/v1/hang-1');
    await t.close();
  });

  it('an attempt timing out while queued for a busy connection is never sent', async () => {
    const t = transport(1);
    const client = new Cancel();
    const busy = run(t, '/v1/hang-2', { client });
    const queued = await run(t, '/v1/hang-3', { timeoutMs: 100 });
    expect(queued).toMatchObject({ kind: 'failure', failure: { fault: { kind: 'upstream', reason: 'timeout' } } });
    client.cancel('done');
    expect((await busy).kind).toBe('cancelled');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toContain('/v1/hang-2');
    expect(seen).not.toContain('/v1/hang-3');
    await t.close();
  });
});
