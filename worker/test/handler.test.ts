// The handler in Node (it is Web-standard, so the same code as in workerd) for cases the local
// wrangler dev proxy cannot carry: it reports a 503 of its own when a Worker answers before
// reading a large body, which Cloudflare's edge does not.
import { MAX_REQUEST_BYTES, type OpenAI as Wire } from '@opengemini/shared';
import { describe, expect, it, vi } from 'vitest';
import { createWorkerHandler } from '../src/handler';

type ErrorEnvelope = Wire.ErrorEnvelope;

const KEY = `AIza${'h'.repeat(35)}`;

describe('createWorkerHandler', () => {
  it('answers 413 for a body over 32 MiB, streamed without content-length, and never calls Gemini', async () => {
    const fetchSpy = vi.fn<typeof fetch>();
    const handle = createWorkerHandler({}, { fetch: fetchSpy });
    const chunk = new Uint8Array(1024 * 1024).fill(97);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ < 40) c.enqueue(chunk);
        else c.close();
      },
    });
    const res = await handle(
      new Request('http://w/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(((await res.json()) as ErrorEnvelope).error.code).toBe('client_too_large');
    expect(sent).toBeLessThan(40);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses a native call whose content-length is over MAX_REQUEST_BYTES before reading its body, in Google\'s envelope', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled++;
        c.enqueue(new Uint8Array(1024 * 1024));
      },
    });
    const handle = createWorkerHandler({}, { fetch: vi.fn<typeof fetch>() });
    const res = await handle(
      new Request('http://w/v1beta/models/gemini-2.5-flash:generateContent', { method: 'POST', headers: { 'x-goog-api-key': KEY, 'content-length': String(MAX_REQUEST_BYTES + 1) }, body, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(res.headers.get('x-opengemini-fault')).toBe('client; reason=too_large');
    expect(await res.json()).toEqual({ error: { code: 413, message: expect.stringContaining('32 MiB'), status: 'INVALID_ARGUMENT' } });
    expect(pulled).toBeLessThanOrEqual(1); // at most the one chunk a stream pulls ahead on its own
  });

  it('answers 413 from content-length alone', async () => {
    const handle = createWorkerHandler({}, { fetch: vi.fn<typeof fetch>() });
    const res = await handle(new Request('http://w/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-length': String(64 * 1024 * 1024) }, body: '{}' }));
    expect(res.status).toBe(413);
  });

  it('labels a network failure to Gemini as the egress fault, not the key', async () => {
    const handle = createWorkerHandler({}, { fetch: () => Promise.reject(new TypeError('fetch failed')) });
    const res = await handle(
      new Request('http://w/v1/chat/completions', { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }) }),
    );
    expect(res.status).toBe(502);
    expect(res.headers.get('x-opengemini-fault')).toBe('upstream; reason=network');
  });

  it('turns an unexpected exception into a labelled 500 in OpenAI format, never a crash', async () => {
    // A fetch that resolves to something that is not a Response: our code trips over it.
    const handle = createWorkerHandler({}, { fetch: async () => null as unknown as Response });
    const res = await handle(new Request('http://w/v1/models', { headers: { authorization: `Bearer ${KEY}` } }));
    expect(res.status).toBe(500);
    expect(res.headers.get('x-opengemini-fault')).toBe('upstream; reason=worker_fault');
    expect(((await res.json()) as ErrorEnvelope).error.message).toMatch(/Internal error in the OpenGemini Worker: .*null/);
  });
});

/** The Google SDK's first call of a resumable upload, to `url`. */
const uploadStart = (url: string) =>
  new Request(url, {
    method: 'POST',
    headers: { 'x-goog-api-key': KEY, 'x-goog-upload-protocol': 'resumable', 'x-goog-upload-command': 'start', 'content-type': 'application/json' },
    body: '{"file":{"displayName":"a.pdf"}}',
  });

describe('Google SDK file uploads through the Worker', () => {
  it('forwards /upload/v1beta/files with the upload headers and points the session URL back at the Worker', async () => {
    const seen: Array<{ url: string; headers: Headers }> = [];
    const handle = createWorkerHandler(
      { GEMINI_BASE_URL: 'https://gemini.example' },
      {
        fetch: async (input, init) => {
          seen.push({ url: String(input), headers: new Headers(init?.headers) });
          return new Response('', {
            status: 200,
            headers: { 'x-goog-upload-url': `https://gemini.example/upload/v1beta/files?upload_id=abc&upload_protocol=resumable&key=${KEY}`, 'x-goog-upload-status': 'active' },
          });
        },
      },
    );
    const res = await handle(uploadStart('https://w.example/gemini/upload/v1beta/files'));
    expect(res.status).toBe(200);
    expect(seen[0]!.url).toBe('https://gemini.example/upload/v1beta/files');
    expect(seen[0]!.headers.get('x-goog-upload-command')).toBe('start');
    expect(seen[0]!.headers.get('x-goog-api-key')).toBe(KEY);
    const session = res.headers.get('x-goog-upload-url')!;
    expect(session).toBe('https://w.example/gemini/upload/v1beta/files?upload_id=abc&upload_protocol=resumable');
  });
});

describe('an upload session URL the Worker cannot point back at itself', () => {
  it.each([
    ['on another host', `https://elsewhere.example/upload/v1beta/files?upload_id=abc&key=${KEY}`],
    ['without an /upload/v1beta/ path', `https://gemini.example/resumable/files?upload_id=abc&key=${KEY}`],
  ])('%s is dropped, never passed on with its key', async (_name, sessionUrl) => {
    const handle = createWorkerHandler(
      { GEMINI_BASE_URL: 'https://gemini.example' },
      { fetch: async () => new Response('', { status: 200, headers: { 'x-goog-upload-url': sessionUrl, 'x-goog-upload-status': 'active' } }) },
    );
    const res = await handle(uploadStart('https://w.example/upload/v1beta/files'));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-goog-upload-status')).toBe('active');
    expect(res.headers.get('x-goog-upload-url')).toBeNull();
    expect([...res.headers].join('\n')).not.toContain(KEY);
  });
});

describe('a path with a broken percent escape', () => {
  it.each(['/v1/responses/%E0', '/v1/models/%E0%A4'])('%s is the client\'s 400, not a Worker fault', async (path) => {
    const handle = createWorkerHandler({}, { fetch: async () => new Response('{}', { status: 200 }) });
    const res = await handle(new Request(`http://w${path}`, { headers: { authorization: `Bearer ${KEY}` } }));
    expect(res.status).toBe(400);
    expect(res.headers.get('x-opengemini-fault')).toMatch(/^client/);
  });
});

describe('listGeminiModels follows nextPageToken to the last page', () => {
  it('joins three pages', async () => {
    const pages: Record<string, object> = {
      '': { models: [{ name: 'models/a' }, { name: 'models/b' }], nextPageToken: 't1' },
      t1: { models: [{ name: 'models/c' }], nextPageToken: 't2' },
      t2: { models: [{ name: 'models/d' }] },
    };
    const seen: string[] = [];
    const handle = createWorkerHandler(
      {},
      {
        fetch: async (input) => {
          const url = new URL(String(input));
          const token = url.searchParams.get('pageToken') ?? '';
          seen.push(token);
          return new Response(JSON.stringify(pages[token]), { status: 200 });
        },
      },
    );
    const res = await handle(new Request('http://w/v1/models', { headers: { authorization: `Bearer ${KEY}` } }));
    expect(((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(seen).toEqual(['', 't1', 't2']);
  });
});

describe('remote media', () => {
  // 1x1 transparent PNG
  const PNG = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
  const answer = { candidates: [{ content: { role: 'model', parts: [{ text: 'a cat' }] }, finishReason: 'STOP', index: 0 }] };

  it('fetches a public image URL with the media fetch it is given (not the Gemini one) and sends it inline', async () => {
    const sentToGemini: unknown[] = [];
    const mediaAsked: string[] = [];
    const handle = createWorkerHandler(
      {},
      {
        fetch: async (_input, init) => {
          sentToGemini.push(JSON.parse(String(init?.body)));
          return new Response(JSON.stringify(answer), { headers: { 'content-type': 'application/json' } });
        },
        mediaFetch: async (input) => {
          mediaAsked.push(String(input));
          return new Response(PNG, { headers: { 'content-type': 'image/png' } });
        },
      },
    );
    const res = await handle(
      new Request('http://w/v1/chat/completions', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEY}` },
        body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'https://images.example/cat.png' } }] }] }),
      }),
    );
    expect(res.status).toBe(200);
    expect(mediaAsked).toEqual(['https://images.example/cat.png']);
    const parts = (sentToGemini[0] as { contents: Array<{ parts: unknown[] }> }).contents[0]!.parts;
    expect(parts[1]).toEqual({ inlineData: { mimeType: 'image/png', data: btoa(String.fromCharCode(...PNG)) } });
  });
});
