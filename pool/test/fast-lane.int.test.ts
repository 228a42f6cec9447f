// The fast lane (fast-lane.ts) against the Fastify route it stands in for: the same request sent
// plain (the lane takes it) and with a query string (Fastify takes it) must get the same answer,
// byte for byte but the date, and the same log line but the request id and timings. Requests the
// lane must leave alone reach Fastify, and both lanes share one sequence of request ids.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAI } from './helpers/openai';
import { eventually, startTestPool, testKey, type PoolUnderTest } from './helpers/stack';

const COMPLETION = JSON.stringify({ id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }], usage: { prompt_tokens: 3, completion_tokens: 2 } });
const chunk = (content: string) => `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;

/** A Worker stand-in: a completion, or a three-chunk stream when asked for one. */
let stub: Server;
let p: PoolUnderTest;
let client: Client;

beforeAll(async () => {
  stub = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const body = Buffer.concat(parts).toString();
      if (body.includes('"stream":true')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(chunk('one '));
        res.write(chunk('two '));
        res.end(`${chunk('three')}data: [DONE]\n\n`);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(COMPLETION);
    });
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  p = await startTestPool({ keys: [testKey(1)], upstreams: [`http://127.0.0.1:${(stub.address() as AddressInfo).port}`], env: { BODY_LIMIT_BYTES: '4096' } });
  client = new Client(p.base);
});

afterAll(async () => {
  await client.close();
  await p.close();
  stub.closeAllConnections();
  await new Promise((r) => stub.close(r));
});

interface Sent {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The log line, without what differs by nature (time, request id, durations). */
  line: Record<string, unknown>;
  reqId: string;
  /** Whether the fast lane took it. */
  lane: boolean;
}

async function send(opts: { path?: string; body?: string | string[]; headers?: Record<string, string>; method?: 'POST' | 'GET' }): Promise<Sent> {
  const taken = p.pool.lane.taken;
  const logs = p.logs.length;
  const body = opts.body ?? '{"model":"gemini-2.5-flash","messages":[]}';
  const res = await client.request({
    method: opts.method ?? 'POST',
    path: opts.path ?? '/v1/chat/completions',
    headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json', ...opts.headers },
    // An array is sent chunked (no Content-Length).
    body: opts.method === 'GET' ? null : Array.isArray(body) ? Readable.from(body) : body,
  });
  const text = await res.body.text();
  await eventually(() => expect(p.logs.length).toBeGreaterThan(logs));
  const { time, reqId, ms, ...line } = JSON.parse(p.logs[logs]!) as Record<string, unknown>;
  const headers = { ...(res.headers as Record<string, string>) };
  delete headers['date'];
  return { status: res.statusCode, headers, body: text, line, reqId: String(reqId), lane: p.pool.lane.taken > taken };
}

/** The same request through each lane: the plain one, and with a query string (Fastify's). */
async function bothLanes(opts: { path?: string; body?: string }): Promise<[Sent, Sent]> {
  const path = opts.path ?? '/v1/chat/completions';
  const lane = await send(opts);
  const fastify = await send({ ...opts, path: `${path}?via=fastify` });
  expect([lane.lane, fastify.lane]).toEqual([true, false]);
  return [lane, fastify];
}

describe('the fast lane answers as the Fastify route does', () => {
  it.each([
    ['a completion', '/v1/chat/completions', '{"model":"gemini-2.5-flash","messages":[{"role":"user","content":"hi"}]}'],
    ['a stream', '/v1/chat/completions', '{"model":"models/gemini-2.5-flash","messages":[],"stream":true}'],
    ['embeddings (never streamed)', '/v1/embeddings', '{"model":"gemini-embedding-001","input":"x","stream":true}'],
    ['a body that is not JSON', '/v1/chat/completions', '{"model":'],
    ['a body that is not an object', '/v1/chat/completions', '[1,2]'],
    ['no model', '/v1/chat/completions', '{"messages":[]}'],
    ['a stream flag that is not a boolean', '/v1/chat/completions', '{"model":"m","stream":"yes"}'],
  ])('%s', async (_name, path, body) => {
    const [lane, fastify] = await bothLanes({ path, body });
    expect(lane.status).toBe(fastify.status);
    expect(lane.headers).toEqual(fastify.headers);
    expect(lane.body).toBe(fastify.body);
    expect(lane.line).toEqual(fastify.line);
  });

  it('streams through the lane chunk by chunk, as the SDK sees them', async () => {
    const taken = p.pool.lane.taken;
    const sdk = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: p.pool.accessKey, maxRetries: 0 });
    const stream = await sdk.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const pieces: string[] = [];
    for await (const c of stream) pieces.push(c.choices[0]?.delta.content ?? '');
    expect(pieces).toEqual(['one ', 'two ', 'three']);
    expect(p.pool.lane.taken).toBe(taken + 1);
  });

  it('both lanes draw request ids from one sequence', async () => {
    const ids: string[] = [];
    for (const path of ['/v1/chat/completions', '/v1/chat/completions?x=1', '/v1/embeddings', '/v1/embeddings?x=1']) ids.push((await send({ path })).reqId);
    const n = ids.map((id) => Number.parseInt(id.replace(/^req-/, ''), 36));
    expect(n).toEqual([n[0], n[0]! + 1, n[0]! + 2, n[0]! + 3]);
  });
});

describe('a client that leaves while sending its body', () => {
  /** Sends the headers and half the body, then hangs up; returns the log lines it caused. */
  async function halfSent(path: string): Promise<Record<string, unknown>[]> {
    const logs = p.logs.length;
    const { port } = new URL(p.base);
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(`POST ${path} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${p.pool.accessKey}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"model":`);
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    await new Promise((r) => setTimeout(r, 300));
    return p.logs.slice(logs).map((l) => {
      const { time, reqId, ms, ...line } = JSON.parse(l) as Record<string, unknown>;
      return line;
    });
  }

  it('is logged as the Fastify route logs it', async () => {
    const taken = p.pool.lane.taken;
    const lane = await halfSent('/v1/chat/completions');
    expect(p.pool.lane.taken).toBe(taken + 1);
    const fastify = await halfSent('/v1/chat/completions?via=fastify');
    expect(lane).toEqual(fastify);
  });
});

describe('what the lane leaves to Fastify', () => {
  it.each([
    ['a wrong key (401)', { headers: { authorization: 'Bearer sk-wrong-key-0000000000' } }, 401],
    ['no key (401)', { headers: { authorization: '' } }, 401],
    ['another content type', { headers: { 'content-type': 'text/plain' } }, 200],
    ['a JSON type with a charset', { headers: { 'content-type': 'application/json; charset=utf-8' } }, 200],
    ['a chunked body', { body: ['{"model":"m",', '"messages":[]}'] }, 200],
    ['a body over BODY_LIMIT_BYTES (413)', { body: JSON.stringify({ model: 'm', pad: 'x'.repeat(5000) }) }, 413],
    ['an empty body', { body: '' }, 400],
    ['a GET', { method: 'GET' as const }, 404],
    ['another path', { path: '/v1/completions' }, 404],
    ['a trailing slash', { path: '/v1/chat/completions/' }, 404],
  ])('%s', async (_name, opts, status) => {
    const r = await send(opts);
    expect(r.status).toBe(status);
    expect(r.lane).toBe(false);
  });

  it('the key in ?key= still works (through Fastify)', async () => {
    const r = await send({ path: `/v1/chat/completions?key=${p.pool.accessKey}`, headers: { authorization: '' } });
    expect([r.status, r.lane]).toEqual([200, false]);
  });

  it('from the start of shutdown on, Fastify answers (its 503 and Connection: close)', async () => {
    const { buildApp } = await import('../src/http/app');
    const { ClientKeys } = await import('../src/http/access-key');
    const { createLogger } = await import('../src/log');
    const { app, lane } = buildApp({ ctx: p.pool.ctx, clientKeys: new ClientKeys(['sk-lane-test-0000000000']), logger: createLogger('silent'), mode: () => 'workers', reload: async () => ({ keys: { error: '' }, upstreams: { error: '' } }) });
    await app.ready();
    const plain = () => {
      const req = Object.assign(new PassThrough(), { method: 'POST', url: '/v1/chat/completions', headers: { authorization: 'Bearer sk-lane-test-0000000000', 'content-type': 'application/json', 'content-length': '2' } });
      return req as unknown as IncomingMessage;
    };
    expect(lane.closing).toBe(false);
    const first = plain();
    expect(lane.take(first, new PassThrough() as unknown as ServerResponse)).toBe(true);
    (first as unknown as PassThrough).destroy();
    await app.close();
    expect(lane.closing).toBe(true);
    expect(lane.take(plain(), new PassThrough() as unknown as ServerResponse)).toBe(false);
  });
});
