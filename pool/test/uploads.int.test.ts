// Google SDK file uploads through the pool: /upload/v1beta/* is routed like /v1beta/*, with the
// client key taken from x-goog-api-key or ?key=, a Gemini key injected, the resumable upload
// headers passed both ways, and the session URL moved to the pool's own origin.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PoolUnderTest, startTestPool, testKey } from './helpers/stack';

const KEY = testKey(1);
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
const seen: Seen[] = [];
let stub: Server;
let stubUrl: string;
let p: PoolUnderTest;

beforeAll(async () => {
  // A Worker stand-in speaking Google's resumable protocol, session URL pointing at itself.
  stub = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.headers['x-goog-upload-command'] === 'start') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-goog-upload-url': `${stubUrl}/upload/v1beta/files?upload_id=abc123&upload_protocol=resumable`, 'x-goog-upload-status': 'active', 'x-goog-upload-chunk-granularity': '8388608' });
        res.end();
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'x-goog-upload-status': 'final' });
        res.end(JSON.stringify({ file: { name: 'files/abc123', mimeType: 'text/plain' } }));
      }
    });
  });
  await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  p = await startTestPool({ keys: [KEY], upstreams: [stubUrl] });
});
afterAll(async () => {
  await p?.close();
  await new Promise((r) => stub?.close(r));
});

describe('Google SDK file uploads', () => {
  it('start and finalize: the Gemini key is injected, upload headers pass both ways, the session URL points back at the pool', async () => {
    const start = await fetch(`${p.base}/upload/v1beta/files`, {
      method: 'POST',
      headers: {
        'x-goog-api-key': p.pool.accessKey,
        'x-goog-upload-protocol': 'resumable',
        'x-goog-upload-command': 'start',
        'x-goog-upload-header-content-length': '5',
        'x-goog-upload-header-content-type': 'text/plain',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ file: { display_name: 'hello' } }),
    });
    expect(start.status).toBe(200);
    expect(start.headers.get('x-goog-upload-status')).toBe('active');
    expect(start.headers.get('x-goog-upload-chunk-granularity')).toBe('8388608');
    const session = start.headers.get('x-goog-upload-url')!;
    expect(session).toBe(`${p.base}/upload/v1beta/files?upload_id=abc123&upload_protocol=resumable`);
    const first = seen.at(-1)!;
    expect(first.url).toBe('/upload/v1beta/files');
    expect(first.headers['x-goog-api-key']).toBe(KEY);
    expect(first.headers['x-goog-upload-protocol']).toBe('resumable');
    expect(first.headers['x-goog-upload-command']).toBe('start');
    expect(first.headers['x-goog-upload-header-content-length']).toBe('5');
    expect(first.headers['x-goog-upload-header-content-type']).toBe('text/plain');

    // The SDK's next call goes to the session URL, its key in ?key= this time.
    const done = await fetch(`${session}&key=${p.pool.accessKey}`, {
      method: 'POST',
      headers: { 'x-goog-upload-command': 'upload, finalize', 'x-goog-upload-offset': '0', 'content-type': 'text/plain' },
      body: 'hello',
    });
    expect(done.status).toBe(200);
    expect(done.headers.get('x-goog-upload-status')).toBe('final');
    expect(await done.json()).toEqual({ file: { name: 'files/abc123', mimeType: 'text/plain' } });
    const second = seen.at(-1)!;
    expect(second.url).toBe('/upload/v1beta/files?upload_id=abc123&upload_protocol=resumable');
    expect(second.headers['x-goog-api-key']).toBe(KEY);
    expect(second.headers['x-goog-upload-command']).toBe('upload, finalize');
    expect(second.headers['x-goog-upload-offset']).toBe('0');
    expect(second.body).toBe('hello');
  });

  it('an upload without a valid client key is refused and never reaches the upstream', async () => {
    const before = seen.length;
    const r = await fetch(`${p.base}/upload/v1beta/files`, { method: 'POST', headers: { 'x-goog-api-key': 'wrong', 'x-goog-upload-command': 'start' }, body: '{}' });
    expect(r.status).toBe(401);
    expect(seen.length).toBe(before);
  });
});
