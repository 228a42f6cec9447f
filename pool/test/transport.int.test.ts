// HttpTransport.fetchWhole, the lean path for answers read whole, against a real socket: the
// answer arrives whole, a body past the limit fails, and a cancel ends the request at once
// whether it waits for headers or for a free connection, and closes the upstream connection.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
const req = (path: string, cancel = new Cancel(), limit = 1 << 20) => ({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body: Buffer.from('{}'), cancel, limit: () => limit });

describe('HttpTransport.fetchWhole', () => {
  it('reads an answer sent in pieces into one body, with its status and headers', async () => {
    const t = transport();
    const r = await t.fetchWhole(req('/v1/chunks'));
    expect(r.status).toBe(200);
    expect(r.headers.get('x-extra')).toBe('yes');
    expect(r.body.toString()).toBe('{"a":1}');
    const e = await t.fetchWhole(req('/v1/error'));
    expect([e.status, e.headers.get('retry-after'), e.body.toString()]).toEqual([429, '7', '{"error":{"message":"slow down"}}']);
    await t.close();
  });

  it('fails a body past the limit for its status, naming the limit', async () => {
    const t = transport();
    await expect(t.fetchWhole(req('/v1/big', new Cancel(), 4096))).rejects.toThrow('upstream body larger than 4096 bytes');
    // The connection that carried it is not reused half-read: the next request still works.
    expect((await t.fetchWhole(req('/v1/big'))).body.length).toBe(5000);
    await t.close();
  });

  it('a cancel while waiting for the answer rejects at once with its reason and drops the request upstream', async () => {
    const t = transport();
    const cancel = new Cancel();
    const pending = t.fetchWhole(req('/v1/hang-1', cancel));
    await new Promise((r) => setTimeout(r, 50));
    const reason = Symbol('client gone');
    cancel.cancel(reason);
    await expect(pending).rejects.toBe(reason);
    await expect.poll(() => closed).toContain('/v1/hang-1');
    await t.close();
  });

  it('a cancel while queued for a busy connection rejects at once, and the request is never sent', async () => {
    const t = transport(1);
    const first = new Cancel();
    const busy = t.fetchWhole(req('/v1/hang-2', first)).catch((e: unknown) => e);
    const queued = new Cancel();
    const pending = t.fetchWhole(req('/v1/hang-3', queued));
    await new Promise((r) => setTimeout(r, 50));
    queued.cancel('budget');
    await expect(pending).rejects.toBe('budget');
    first.cancel('done');
    expect(await busy).toBe('done');
    await new Promise((r) => setTimeout(r, 100));
    expect(seen).toContain('/v1/hang-2');
    expect(seen).not.toContain('/v1/hang-3');
    await t.close();
  });
});
