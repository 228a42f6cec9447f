// A key in key.txt that is not shaped like a Google key (issue 10): Google's leaked-key 403 echoes
// it in full, and the pattern scrub (`AIza...`) cannot know it is a key. Every key the pool holds
// is scrubbed literally: the answer, the stream, the log lines, /status, /admin/keys, state.json.
// First through the real chain (pool -> Worker in workerd -> strict mock); then behind an upstream
// that echoes the key raw, cut across stream chunks, to prove the pool's own layer.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_HEADER, encodeFaultHeader, fingerprint } from '@opengemini/shared';
import { startMockGemini, type MockGemini } from '../../tools/src/mock-gemini';
import { startWorkerd, type RunningWorker } from '../../tools/src/harness/workerd';
import { type PoolUnderTest, eventually, startTestPool, testKey } from './helpers/stack';

const ODD_KEY = 'gk-odd-shape-0123456789abcdefghij';
const OTHER_ODD = 'Zq9.odd_key-for-the-stream-test-0001';

async function everywhere(p: PoolUnderTest, key: string): Promise<string> {
  const auth = { authorization: `Bearer ${p.pool.accessKey}` };
  const status = await (await fetch(`${p.base}/status`, { headers: auth })).text();
  const adminKeys = await (await fetch(`${p.base}/admin/keys`, { headers: auth })).text();
  await eventually(async () => expect(await readFile(join(p.dir, 'data', 'state.json'), 'utf8')).toContain(fingerprint(key)));
  const state = await readFile(join(p.dir, 'data', 'state.json'), 'utf8');
  return [status, adminKeys, state, p.logs.join('')].join('\n');
}

describe('through the Worker: a leaked non-AIza key never shows in full anywhere', () => {
  let mock: MockGemini;
  let worker: RunningWorker;
  let p: PoolUnderTest;
  beforeAll(async () => {
    mock = await startMockGemini({ extraKeys: [ODD_KEY] });
    worker = await startWorkerd({ geminiBaseUrl: mock.url });
    p = await startTestPool({ keys: [ODD_KEY], upstreams: [worker.url] });
  });
  afterAll(async () => {
    await p?.close();
    await worker?.close();
    await mock?.close();
  });

  it('the client gets Google\'s 403 with the fingerprint; /status, /admin/keys, state.json and logs hold no key', async () => {
    mock.script({ key: ODD_KEY, reply: { kind: 'keyError', reason: 'leaked', echoKey: true } });
    const r = await p.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }).catch((e: { status: number; message: string }) => e);
    expect((r as { status: number }).status).toBe(403);
    expect((r as { message: string }).message).toContain('reported as leaked');
    expect((r as { message: string }).message).not.toContain(ODD_KEY);
    expect((r as { message: string }).message).toContain(fingerprint(ODD_KEY));
    expect(mock.requests.some((q) => q.key === ODD_KEY)).toBe(true);
    const seen = await everywhere(p, ODD_KEY);
    expect(seen).toContain('key_leaked');
    expect(seen).not.toContain(ODD_KEY);
  });
});

describe('behind an upstream that echoes the key raw: the pool scrubs it itself', () => {
  let stub: Server;
  let p: PoolUnderTest;
  beforeAll(async () => {
    // An old or broken Worker: it repeats the key it was handed, in a stream cut mid-key and in a
    // labelled leaked-key error.
    stub = createServer((req, res) => {
      const key = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { stream?: boolean };
        if (!body.stream) {
          res.writeHead(403, { 'content-type': 'application/json', [FAULT_HEADER]: encodeFaultHeader({ kind: 'key', reason: 'leaked' }) });
          res.end(JSON.stringify({ error: { message: `Your API key was reported as leaked (api_key:${key}).`, type: 'permission_error', code: 'key_leaked' } }));
          return;
        }
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const frame = `data: {"id":"c1","object":"chat.completion.chunk","created":1,"model":"gemini-2.5-flash","choices":[{"index":0,"delta":{"content":"your key is ${key}!"},"finish_reason":null}]}\n\n`;
        const cut = frame.indexOf(key) + 7; // inside the key
        res.write(frame.slice(0, cut));
        setTimeout(() => {
          res.write(frame.slice(cut));
          res.end('data: [DONE]\n\n');
        }, 30);
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    p = await startTestPool({ keys: [OTHER_ODD], upstreams: [`http://127.0.0.1:${(stub.address() as AddressInfo).port}`] });
  });
  afterAll(async () => {
    await p?.close();
    await new Promise((r) => stub?.close(r));
  });

  it('a stream that carries the key cut across two chunks reaches the client with the fingerprint only', async () => {
    const stream = await p.client.chat.completions.create({ model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(`your key is [key ${fingerprint(OTHER_ODD)}]!`);
  });

  it('an error echoing it: the client, /status, /admin/keys, state.json and logs show the fingerprint only', async () => {
    const r = await fetch(`${p.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    const text = await r.text();
    expect(r.status).toBe(403);
    expect(text).toContain(`[key ${fingerprint(OTHER_ODD)}]`);
    expect(text).not.toContain(OTHER_ODD);
    const seen = await everywhere(p, OTHER_ODD);
    expect(seen).toContain('key_leaked');
    expect(seen).toContain(`[key ${fingerprint(OTHER_ODD)}]`);
    expect(seen).not.toContain(OTHER_ODD);
  });
});

describe('behind an upstream that echoes its Worker secret and the admin key: neither reaches the client or the log', () => {
  const ADMIN_KEY = 'admin-key-for-the-echo-test-0123456789';
  const FIRST_SECRET = 'worker-secret-first-0123456789abcdef';
  const SECOND_SECRET = 'worker-secret-after-reload-9876543210';
  let stub: Server;
  let url: string;
  let p: PoolUnderTest;
  beforeAll(async () => {
    // A broken Worker: its 400 repeats the secret it was sent and, from a misconfigured proxy in
    // front of it, the operator's admin key.
    stub = createServer((req, res) => {
      const secret = String(req.headers['x-opengemini-secret'] ?? '');
      req.resume();
      req.on('end', () => {
        res.writeHead(400, { 'content-type': 'application/json', [FAULT_HEADER]: encodeFaultHeader({ kind: 'client', reason: 'bad_request' }) });
        res.end(JSON.stringify({ error: { message: `Bad request (secret ${secret}, admin ${ADMIN_KEY}).`, type: 'invalid_request_error', code: 'client_bad_request' } }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
    p = await startTestPool({ keys: [testKey(1)], upstreams: [`${url} secret=${FIRST_SECRET}`], env: { ADMIN_KEY } });
  });
  afterAll(async () => {
    await p?.close();
    await new Promise((r) => stub?.close(r));
  });

  const chat = async () => {
    const r = await fetch(`${p.base}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${p.pool.accessKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    return { status: r.status, text: await r.text() };
  };

  it('the secret from upstreams.txt and ADMIN_KEY come back as fingerprints', async () => {
    const { status, text } = await chat();
    expect(status).toBe(400);
    expect(text).toContain(`[key ${fingerprint(FIRST_SECRET)}]`);
    expect(text).toContain(`[key ${fingerprint(ADMIN_KEY)}]`);
    expect(text).not.toContain(FIRST_SECRET);
    expect(text).not.toContain(ADMIN_KEY);
    const upstreams = await (await fetch(`${p.base}/admin/upstreams`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    expect([upstreams, p.logs.join('')].join('\n')).not.toContain(FIRST_SECRET);
    expect(p.logs.join('')).not.toContain(ADMIN_KEY);
  });

  it('a secret that arrives with a reload of upstreams.txt is scrubbed from then on', async () => {
    await writeFile(p.upstreamFile, `${url} secret=${SECOND_SECRET}\n`);
    const reload = await fetch(`${p.base}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(reload.status).toBe(200);
    const { status, text } = await chat();
    expect(status).toBe(400);
    expect(text).toContain(`[key ${fingerprint(SECOND_SECRET)}]`);
    expect(text).not.toContain(SECOND_SECRET);
    expect(p.logs.join('')).not.toContain(SECOND_SECRET);
  });
});
