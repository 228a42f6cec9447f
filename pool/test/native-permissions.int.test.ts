// Extra client keys and the operator's Google project (issue 10): an extra client key may
// generate, count, embed, list models, and upload a file and use it; methods that read or change
// what the operator keeps at Google (files.list, cachedContents, tunedModels, batches...) need the
// main key or an extra key labelled `[operator]`. Files stay with their key: an upload and every
// later use of the file go out with the key that started the upload, as Google requires (the
// strict mock answers another key with Google's 403), and only its uploader may use it. Real
// sockets: the official SDKs -> the pool -> the built Worker in workerd -> the strict mock.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '@opengemini/shared';
import { GoogleGenAI } from './helpers/genai';
import { OpenAI } from './helpers/openai';
import { type Backend, type PoolUnderTest, eventually, startBackend, startTestPool, testKey } from './helpers/stack';

const KEYS = [testKey(1), testKey(2), testKey(3)];
const EXTRA = 'sk-extra-client-000000000000000000000001';
const OTHER_EXTRA = 'sk-extra-client-000000000000000000000002';
const OPERATOR = 'sk-operator-client-0000000000000000000003';

let backend: Backend;
let p: PoolUnderTest;
let dir: string;
beforeAll(async () => {
  backend = await startBackend();
  dir = await mkdtemp(join(tmpdir(), 'pool-native-perm-'));
  await writeFile(join(dir, 'client_keys.txt'), `${EXTRA}  # Alice\n${OTHER_EXTRA}\n${OPERATOR}  # ops team [operator]\n`);
  p = await startTestPool({ keys: KEYS, upstreams: [backend.worker.url], dir });
});
afterAll(async () => {
  await p?.close();
  await backend?.close();
  await rm(dir, { recursive: true, force: true });
});

const call = (path: string, key: string, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${p.base}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { 'x-goog-api-key': key, 'content-type': 'application/json' },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });

const genai = (key: string) => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: p.base } });

describe('operator-only native methods', () => {
  it.each([
    ['GET', '/v1beta/files', undefined],
    ['POST', '/v1beta/cachedContents', { model: 'models/gemini-2.5-flash', contents: [] }],
    ['GET', '/v1beta/cachedContents', undefined],
    ['POST', '/v1beta/tunedModels', { baseModel: 'models/gemini-2.5-flash' }],
    ['POST', '/v1beta/models/gemini-2.5-flash:batchGenerateContent', { batch: {} }],
    ['POST', '/v1beta/auth_tokens', {}],
    ['DELETE', '/v1beta/corpora/c1', undefined],
    ['GET', '/v1beta/somethingGoogleAddsLater', undefined],
  ] as const)('an extra client key gets a 403 for %s %s, and Gemini is never called', async (method, path, body) => {
    const before = backend.mock.requests.length;
    const r = await call(path, EXTRA, { method, body });
    expect(r.status).toBe(403);
    const err = ((await r.json()) as { error: { status: string; message: string } }).error;
    expect(err.status).toBe('PERMISSION_DENIED');
    expect(err.message).toContain('[operator]');
    expect(backend.mock.requests.length).toBe(before);
  });

  it('the main key and an [operator] extra key reach Gemini with the same call', async () => {
    for (const key of [p.pool.accessKey, OPERATOR]) {
      const before = backend.mock.requests.length;
      const r = await call('/v1beta/files', key);
      expect(r.status).toBe(200);
      expect(backend.mock.requests.slice(before).map((q) => q.path)).toEqual(['/v1beta/files']);
    }
  });

  it('an extra client key still generates, counts and lists models natively', async () => {
    const ai = genai(EXTRA);
    const answer = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(answer.text?.length).toBeGreaterThan(0);
    expect((await ai.models.countTokens({ model: 'gemini-2.5-flash', contents: 'hi' })).totalTokens).toBeGreaterThan(0);
    expect((await call('/v1beta/models', EXTRA)).status).toBe(200);
  });
});

describe('files stay with their key and their uploader', () => {
  let fileName = '';
  let fileUri = '';

  it('an extra client key uploads with the SDK; every use goes out with the key that started the upload', async () => {
    const ai = genai(EXTRA);
    const before = backend.mock.requests.length;
    const file = await ai.files.upload({ file: new Blob(['hello from a file'], { type: 'text/plain' }), config: { displayName: 'note' } });
    fileName = file.name!;
    fileUri = file.uri!;
    expect(fileName).toMatch(/^files\/[a-z0-9]+$/);
    const uploads = backend.mock.requests.slice(before).filter((q) => q.path === '/upload/v1beta/files');
    expect(uploads.length).toBe(2); // start, then upload + finalize
    const uploadKey = uploads[0]!.key!;
    expect(uploads[1]!.key).toBe(uploadKey);

    // Six uses, natively and as an OpenAI chat part: with three keys in rotation, only the pin
    // keeps every one on the uploading key (the mock refuses the others with Google's 403).
    const openai = new OpenAI({ baseURL: `${p.base}/v1`, apiKey: EXTRA, maxRetries: 0 });
    const useStart = backend.mock.requests.length;
    for (let i = 0; i < 3; i++) {
      const a = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ fileData: { fileUri, mimeType: 'text/plain' } }, { text: 'summarise' }] }] });
      expect(a.text?.length).toBeGreaterThan(0);
      const c = await openai.chat.completions.create({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: fileName, filename: 'note.txt' } }, { type: 'text', text: 'summarise' }] }],
      });
      expect(c.choices[0]!.message.content?.length).toBeGreaterThan(0);
    }
    const uses = backend.mock.requests.slice(useStart);
    expect(uses.length).toBe(6);
    for (const q of uses) expect(q.key).toBe(uploadKey);
    // Without a file, the same client rotates over the keys as usual.
    const free = backend.mock.requests.length;
    for (let i = 0; i < 3; i++) await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(new Set(backend.mock.requests.slice(free).map((q) => q.key)).size).toBe(3);
  });

  it('another extra client key may not read, delete or use that file; its uploader may read it', async () => {
    const before = backend.mock.requests.length;
    const id = fileName.slice('files/'.length);
    expect((await call(`/v1beta/files/${id}`, OTHER_EXTRA)).status).toBe(403);
    expect((await call(`/v1beta/files/${id}`, OTHER_EXTRA, { method: 'DELETE' })).status).toBe(403);
    const use = await call('/v1beta/models/gemini-2.5-flash:generateContent', OTHER_EXTRA, { body: { contents: [{ role: 'user', parts: [{ fileData: { fileUri } }] }] } });
    expect(use.status).toBe(403);
    expect(backend.mock.requests.length).toBe(before);
    const own = await call(`/v1beta/files/${id}`, EXTRA);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { name: string }).name).toBe(fileName);
  });

  it('a file the pool did not upload: an extra client key may not read or delete it by name (it may be the operator\'s own); an operator may', async () => {
    const before = backend.mock.requests.length;
    // Any name the path may hold, not only Gemini's lower-case ids: none slips past unbound.
    for (const name of ['uploadedelsewhere', 'Uploaded_Elsewhere', 'uploaded.elsewhere']) {
      for (const method of ['GET', 'DELETE']) {
        const r = await call(`/v1beta/files/${name}`, EXTRA, { method });
        expect(r.status, `${method} files/${name}`).toBe(403);
        expect(((await r.json()) as { error: { status: string } }).error.status).toBe('PERMISSION_DENIED');
      }
    }
    expect(backend.mock.requests.length).toBe(before);
    await call('/v1beta/files/uploadedelsewhere', OPERATOR);
    expect(backend.mock.requests.slice(before).map((q) => q.path)).toEqual(['/v1beta/files/uploadedelsewhere']);
  });

  it('the pin is saved (fingerprints only) and survives a restart', async () => {
    const path = join(dir, 'data', 'state.json');
    await eventually(async () => expect(JSON.parse(await readFile(path, 'utf8')).files?.[fileName]).toBeDefined());
    const text = await readFile(path, 'utf8');
    for (const k of [...KEYS, EXTRA]) expect(text).not.toContain(k);
    const pin = JSON.parse(text).files[fileName] as { key: string; client: string; until: number };
    expect(pin.client).toBe(fingerprint(EXTRA));
    expect(KEYS.map(fingerprint)).toContain(pin.key);

    await p.close();
    p = await startTestPool({ keys: KEYS, upstreams: [backend.worker.url], dir });
    const start = backend.mock.requests.length;
    const ai = genai(EXTRA);
    for (let i = 0; i < 3; i++) await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: [{ role: 'user', parts: [{ fileData: { fileUri } }, { text: 'again' }] }] });
    const keys = new Set(backend.mock.requests.slice(start).map((q) => fingerprint(q.key!)));
    expect([...keys]).toEqual([pin.key]);
  });

  it('the uploader deletes it: the pin is forgotten', async () => {
    const id = fileName.slice('files/'.length);
    expect((await call(`/v1beta/files/${id}`, EXTRA, { method: 'DELETE' })).status).toBe(200);
    expect(p.pool.ctx.files?.get(fileName)).toBeUndefined();
  });
});
