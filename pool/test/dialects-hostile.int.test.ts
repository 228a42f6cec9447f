// The Anthropic Messages and OpenAI Responses routes under a hostile client, through the pool on a
// real socket -> the built Worker in workerd (or direct mode) -> the strict mock Gemini: oversized
// and trickled bodies, path-like model names, loopback media URLs, `..` under /v1/responses/, bad
// and extra client keys. Every answer is the right 4xx in the route's dialect, never a 500, never
// a key in the body, and Gemini (or the loopback target) is never reached.
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { MAX_REQUEST_BYTES } from '@opengemini/shared';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sendPieces } from './helpers/raw-http';
import { type Backend, type PoolUnderTest, startBackend, startTestPool, testKey } from './helpers/stack';

const MODEL = 'gemini-2.5-flash';
const k1 = testKey(1);
const GUEST = 'sk-guest-client-0123456789abcdef';
let backend: Backend;
let bait: Server;
let baitHits = 0;
let baitPort = 0;
const pools: PoolUnderTest[] = [];

type Mode = 'workers' | 'direct';

async function pool(mode: Mode, env: Record<string, string> = {}): Promise<PoolUnderTest> {
  const p = await startTestPool({ keys: [k1], upstreams: mode === 'direct' ? [] : [backend.worker.url], env: { GEMINI_BASE_URL: backend.mock.url, CLIENT_KEYS: GUEST, ...env } });
  pools.push(p);
  return p;
}

interface Answer {
  status: number;
  text: string;
  json: Record<string, unknown>;
}

async function call(p: PoolUnderTest, method: string, path: string, body?: unknown, auth: string | null = p.pool.accessKey): Promise<Answer> {
  const res = await fetch(`${p.base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(auth === null ? {} : { 'x-api-key': auth }), 'anthropic-version': '2023-06-01' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {}
  return { status: res.status, text, json };
}

/** No Gemini key, Worker secret or client key appears in what the client was sent. */
function noKeyIn(p: PoolUnderTest, text: string): void {
  expect(text).not.toContain(k1);
  expect(text).not.toContain('AIza');
  expect(text).not.toContain(p.pool.accessKey);
  expect(text).not.toContain(GUEST);
}

const anthropicError = (type: string) => ({ type: 'error', error: { type } });
const openaiError = (type: string) => ({ error: { type } });

const portOf = (p: PoolUnderTest) => Number(new URL(p.base).port);
/** The JSON body of a raw reply, chunked or not. */
function bodyOf(reply: string): Record<string, unknown> {
  const body = reply.slice(reply.indexOf('\r\n\r\n') + 4);
  return JSON.parse(/transfer-encoding: chunked/i.test(reply) ? body.slice(body.indexOf('\r\n') + 2, body.lastIndexOf('\r\n0\r\n')) : body) as Record<string, unknown>;
}

beforeAll(async () => {
  backend = await startBackend();
  bait = createServer((_req, res) => {
    baitHits++;
    res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('89504e470d0a1a0a', 'hex'));
  });
  await new Promise<void>((r) => bait.listen(0, '127.0.0.1', r));
  baitPort = (bait.address() as net.AddressInfo).port;
});
afterEach(async () => {
  backend.mock.reset();
  baitHits = 0;
  await Promise.all(pools.splice(0).map((p) => p.close()));
});
afterAll(async () => {
  await new Promise((r) => bait?.close(r));
  await backend?.close();
});

const ROUTES = [
  { path: '/v1/messages?beta=true', dialect: 'anthropic', body: (model: string) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }) },
  { path: '/v1/messages/count_tokens', dialect: 'anthropic', body: (model: string) => ({ model, messages: [{ role: 'user', content: 'hi' }] }) },
  { path: '/v1/responses', dialect: 'responses', body: (model: string) => ({ model, input: 'hi' }) },
  { path: '/v1/responses/input_tokens', dialect: 'responses', body: (model: string) => ({ model, input: 'hi' }) },
] as const;
const envelope = (dialect: string, anthropic: string, openai: string) => (dialect === 'anthropic' ? anthropicError(anthropic) : openaiError(openai));

describe.each<Mode>(['workers', 'direct'])('hostile requests on the Messages and Responses routes (%s)', (mode) => {
  it.each(ROUTES)('$path: a Content-Length over MAX_REQUEST_BYTES is refused with 413 in the route’s envelope before the body is read', async ({ path, dialect }) => {
    const p = await pool(mode);
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${p.pool.accessKey}\r\ncontent-type: application/json\r\ncontent-length: ${MAX_REQUEST_BYTES + 1}\r\n\r\n`;
    const r = await sendPieces(portOf(p), head, ['{"model":"x"']);
    expect(r.status).toMatch(/^HTTP\/1\.1 413 /);
    expect(bodyOf(r.reply)).toMatchObject(envelope(dialect, 'request_too_large', 'invalid_request_error'));
    noKeyIn(p, r.reply);
    expect(backend.mock.requests).toEqual([]);
  });

  it.each(ROUTES)('$path: a body trickled past BODY_TIMEOUT_MS is cut with 408 in the route’s envelope and the connection closed', async ({ path, dialect, body }) => {
    const p = await pool(mode, { HEADERS_TIMEOUT_MS: '300', BODY_TIMEOUT_MS: '600' });
    const json = JSON.stringify(body(MODEL));
    const head = `POST ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${p.pool.accessKey}\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n`;
    const pieces = json.split('');
    const r = await sendPieces(portOf(p), head, pieces, { pauseMs: 100, waitMs: 4_000 });
    expect(r).toMatchObject({ status: 'HTTP/1.1 408 Request Timeout', closed: true });
    expect(bodyOf(r.reply)).toMatchObject(envelope(dialect, 'invalid_request_error', 'invalid_request_error'));
    expect((bodyOf(r.reply) as { error: { code?: string } }).error.code).toBe('request_timeout');
    // Cut while the body was still coming: sending all of it takes pieces.length x 100 ms.
    expect(r.ms).toBeLessThan(pieces.length * 100);
    expect(backend.mock.requests).toEqual([]);
  });

  it.each(ROUTES.flatMap((route) => ['../files', 'models/../../files', 'gemini/2.5', '%2e%2e', '..%2fv1beta', 'a/b'].map((model) => ({ ...route, model }))))(
    '$path: model $model is a 400 naming `model`, Gemini never called',
    async ({ path, dialect, body, model }) => {
      const p = await pool(mode);
      const r = await call(p, 'POST', path, body(model));
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject(envelope(dialect, 'invalid_request_error', 'invalid_request_error'));
      expect(r.text).toMatch(/model/);
      noKeyIn(p, r.text);
      expect(backend.mock.requests).toEqual([]);
    },
  );

  const loopbacks = (port: number) => [`http://127.0.0.1:${port}/a.png`, `http://localhost:${port}/a.png`, `http://[::1]:${port}/a.png`, `http://127.0.0.1:9/a.png`, 'http://0x7f000001/a.png', 'http://169.254.169.254/latest'];

  it('an Anthropic image or document block whose URL is loopback or private: 400 naming the block, nothing fetched, the same answer whether the port is open or closed', async () => {
    const p = await pool(mode);
    const messages = new Set<string>();
    for (const url of loopbacks(baitPort)) {
      for (const block of [{ type: 'image', source: { type: 'url', url } }, { type: 'document', source: { type: 'url', url } }]) {
        for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
          const r = await call(p, 'POST', path, { model: MODEL, max_tokens: 16, messages: [{ role: 'user', content: [block, { type: 'text', text: 'what is it' }] }] });
          expect({ url, path, type: block.type, status: r.status }).toEqual({ url, path, type: block.type, status: 400 });
          expect(r.json).toMatchObject(anthropicError('invalid_request_error'));
          expect(r.text).toMatch(/messages\.0\.content\.0/);
          noKeyIn(p, r.text);
          messages.add(String((r.json.error as { message: string }).message).replaceAll(url, '<url>'));
        }
      }
    }
    expect(baitHits).toBe(0);
    expect(backend.mock.requests).toEqual([]);
    // One message per (block, route) shape, never one that tells an open port from a closed one.
    expect(messages.size).toBeLessThanOrEqual(4);
  });

  it('a Responses input_image or input_file whose URL is loopback or private: 400 naming the field, nothing fetched', async () => {
    const p = await pool(mode);
    const messages = new Set<string>();
    for (const url of loopbacks(baitPort)) {
      for (const part of [{ type: 'input_image', image_url: url }, { type: 'input_file', file_url: url }]) {
        for (const path of ['/v1/responses', '/v1/responses/input_tokens']) {
          const r = await call(p, 'POST', path, { model: MODEL, input: [{ role: 'user', content: [{ type: 'input_text', text: 'what is it' }, part] }] });
          expect({ url, path, type: part.type, status: r.status }).toEqual({ url, path, type: part.type, status: 400 });
          expect(r.json).toMatchObject(openaiError('invalid_request_error'));
          expect(r.text).toMatch(/image_url|file_url|url/);
          noKeyIn(p, r.text);
          messages.add(String((r.json.error as { message: string }).message).replaceAll(url, '<url>'));
        }
      }
    }
    expect(baitHits).toBe(0);
    expect(backend.mock.requests).toEqual([]);
    expect(messages.size).toBeLessThanOrEqual(4);
  });

  // Sent on a raw socket: fetch() and the SDKs resolve `..` and `%2e%2e` before sending, a hostile client need not.
  it.each(['/v1/responses/..%2f..%2fv1beta%2ffiles', '/v1/responses/%2e%2e/%2e%2e/v1beta/files', '/v1/responses/../../v1beta/models', '/v1/responses/resp_1/..%2f..%2f..%2fv1beta%2ffiles', '/v1/responses/%2e%2e%2f%2e%2e%2fv1beta%2ffiles/input_items'])(
    'GET and DELETE %s, with the main or a guest key: a 4xx in OpenAI’s envelope, never Gemini’s files or models',
    async (path) => {
      const p = await pool(mode);
      for (const [method, key] of [['GET', p.pool.accessKey], ['DELETE', p.pool.accessKey], ['GET', GUEST], ['DELETE', GUEST]]) {
        const r = await sendPieces(portOf(p), `${method} ${path} HTTP/1.1\r\nHost: x\r\nx-api-key: ${key}\r\nconnection: close\r\n\r\n`);
        expect({ method, status: r.status }).toEqual({ method, status: expect.stringMatching(/^HTTP\/1\.1 4\d\d /) });
        expect(bodyOf(r.reply)).toMatchObject({ error: { type: expect.any(String), message: expect.any(String) } });
        expect(r.reply).not.toMatch(/"files"|"models"/);
        noKeyIn(p, r.reply);
      }
      expect(backend.mock.requests).toEqual([]);
    },
  );

  it.each(['/v1/models/..', '/v1/models/%2e%2e', '/v1/models/..%2fv1beta%2ffiles', '/v1/models/a%2fb'])(
    'GET %s: a 400 naming the model, never a path climbing out of /v1/models upstream',
    async (path) => {
      const p = await pool(mode);
      const r = await sendPieces(portOf(p), `GET ${path} HTTP/1.1\r\nHost: x\r\nauthorization: Bearer ${GUEST}\r\nconnection: close\r\n\r\n`);
      expect(r.status).toMatch(/^HTTP\/1\.1 400 /);
      expect(bodyOf(r.reply)).toMatchObject({ error: { param: 'model' } });
      expect(backend.mock.requests).toEqual([]);
    },
  );

  it('GET and DELETE /v1/responses/{id}: a clear 404 in OpenAI’s envelope (nothing is stored), with the guest key too', async () => {
    const p = await pool(mode);
    for (const auth of [p.pool.accessKey, GUEST]) {
      for (const method of ['GET', 'DELETE']) {
        const r = await call(p, method, '/v1/responses/resp_abc123', undefined, auth);
        expect({ method, status: r.status }).toEqual({ method, status: 404 });
        expect(r.json).toMatchObject({ error: { type: expect.any(String), message: expect.stringMatching(/stor/) } });
        noKeyIn(p, r.text);
      }
    }
    expect(backend.mock.requests).toEqual([]);
  });

  it.each(ROUTES)('$path: a wrong or missing x-api-key is a 401 in the route’s envelope, Gemini never called', async ({ path, dialect, body }) => {
    const p = await pool(mode);
    for (const auth of ['sk-wrong-0123456789', null, '']) {
      const r = await call(p, 'POST', path, body(MODEL), auth);
      expect(r.status).toBe(401);
      expect(r.json).toMatchObject(envelope(dialect, 'authentication_error', 'invalid_request_error'));
      noKeyIn(p, r.text);
    }
    expect(backend.mock.requests).toEqual([]);
  });

  it.each(ROUTES)('$path: an extra (guest) client key is served, these are data routes', async ({ path, body }) => {
    const p = await pool(mode);
    const r = await call(p, 'POST', path, body(MODEL), GUEST);
    expect(r.status).toBe(200);
    noKeyIn(p, r.text);
    expect(backend.mock.requests.length).toBeGreaterThan(0);
  });
});
