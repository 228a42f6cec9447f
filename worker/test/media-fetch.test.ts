import { describe, expect, it } from 'vitest';
import { failure as rejected } from './support/api-error';
import { type MediaLimits, type RemoteMediaRef, fetchRemoteMedia } from '../src/media';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

interface Served {
  status?: number;
  type?: string;
  length?: number;
  location?: string;
  /** The body in chunks; `stall` never ends it. */
  chunks?: Uint8Array[];
  stall?: boolean;
}

/** A fake network: scripted answers per URL; records what was asked and how much was pulled. */
function fakeNetwork(routes: Record<string, Served | 'hang' | 'fail'>) {
  const pulled: Record<string, number> = {};
  const cancelled: string[] = [];
  const asked: string[] = [];
  const inits: RequestInit[] = [];
  const fn = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    asked.push(url);
    inits.push(init);
    const route = routes[url];
    const signal = init.signal ?? undefined;
    if (route === 'fail') throw new TypeError('fetch failed: connect ECONNREFUSED');
    if (route === 'hang' || !route) {
      return new Promise<Response>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
    }
    const chunks = route.chunks ?? [];
    let i = 0;
    pulled[url] = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (i < chunks.length) {
          pulled[url]! += chunks[i]!.byteLength;
          controller.enqueue(chunks[i++]!);
        } else if (!route.stall) controller.close();
        else return new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
        return undefined;
      },
      cancel() {
        cancelled.push(url);
      },
    });
    const headers = new Headers();
    if (route.type) headers.set('content-type', route.type);
    if (route.length !== undefined) headers.set('content-length', String(route.length));
    if (route.location) headers.set('location', route.location);
    return new Response(body, { status: route.status ?? 200, headers });
  }) as typeof fetch;
  return { fn, pulled, cancelled, asked, inits };
}

const ref = (url: string, i = 1): RemoteMediaRef => ({ url, param: `messages[0].content[${i}].image_url.url`, name: `image_url at messages[0].content[${i}]` });
const refs = (...urls: string[]) => urls.map((u, i) => ref(u, i + 1));
const limits: MediaLimits = { totalBytes: 1000, timeoutMs: 200, maxCount: 3, maxRedirects: 2 };
const NEUTRAL = /^Could not fetch image_url at messages\[0\]\.content\[\d\]\.$/;

describe('fetchRemoteMedia', () => {
  it('fetches and base64-encodes, taking the type from the header or from the bytes, without following redirects on its own', async () => {
    const { fn, inits } = fakeNetwork({
      'https://img.example/a.png': { type: 'image/png; charset=binary', chunks: [PNG.subarray(0, 5), PNG.subarray(5)] },
      'https://img.example/b': { type: 'application/octet-stream', chunks: [PNG] },
      'https://img.example/c.jpg': { type: 'image/jpg', chunks: [Uint8Array.from([0xff, 0xd8, 0xff])] },
    });
    const media = await fetchRemoteMedia(refs('https://img.example/a.png', 'https://img.example/b', 'https://img.example/c.jpg'), fn, limits);
    expect(media.get('https://img.example/a.png')).toEqual({ mimeType: 'image/png', data: b64(PNG) });
    expect(media.get('https://img.example/b')).toEqual({ mimeType: 'image/png', data: b64(PNG) });
    expect(media.get('https://img.example/c.jpg')).toEqual({ mimeType: 'image/jpeg', data: '/9j/' });
    expect(inits.every((i) => i.redirect === 'manual')).toBe(true);
  });

  it('fetches a URL listed twice once', async () => {
    const { fn, asked } = fakeNetwork({ 'https://img.example/a.png': { type: 'image/png', chunks: [PNG] } });
    await fetchRemoteMedia(refs('https://img.example/a.png', 'https://img.example/a.png'), fn, limits);
    expect(asked).toEqual(['https://img.example/a.png']);
  });

  it.each([
    ['loopback', 'http://127.0.0.1:8080/admin'],
    ['loopback, short form', 'http://127.1/'],
    ['loopback, one decimal number', 'http://2130706433/'],
    ['loopback, hex and short', 'http://0x7f.1/'],
    ['IPv6 loopback', 'http://[::1]:3000/'],
    ['IPv4-mapped IPv6 loopback', 'http://[::ffff:127.0.0.1]/'],
    ['localhost', 'http://localhost:9000/'],
    ['a name under localhost', 'http://admin.localhost/'],
    ['cloud metadata (link-local)', 'http://169.254.169.254/latest/meta-data/'],
    ['a private address', 'https://10.0.0.5/x.png'],
    ['a private address, 192.168', 'https://192.168.1.1/x.png'],
    ['IPv6 unique-local', 'http://[fd00::1]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['an unspecified address', 'http://0.0.0.0:22/'],
    ['another scheme', 'ftp://img.example/a.png'],
  ])('refuses %s without any network request, in the one neutral message', async (_name, url) => {
    const { fn, asked } = fakeNetwork({ [url]: { type: 'image/png', chunks: [PNG] } });
    const err = await rejected(fetchRemoteMedia([ref(url)], fn, limits));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(NEUTRAL);
    expect(err.param).toBe('messages[0].content[1].image_url.url');
    expect(asked).toEqual([]);
  });

  it('follows redirects by hand, and refuses one that leads to a private address without fetching it', async () => {
    const { fn, asked } = fakeNetwork({
      'https://img.example/a': { status: 302, location: '/b' },
      'https://img.example/b': { status: 301, location: 'https://cdn.example/c.png' },
      'https://cdn.example/c.png': { type: 'image/png', chunks: [PNG] },
      'https://img.example/evil': { status: 307, location: 'http://127.0.0.1:6379/' },
      'http://127.0.0.1:6379/': { type: 'image/png', chunks: [PNG] },
    });
    expect((await fetchRemoteMedia([ref('https://img.example/a')], fn, limits)).get('https://img.example/a')).toEqual({ mimeType: 'image/png', data: b64(PNG) });
    const err = await rejected(fetchRemoteMedia([ref('https://img.example/evil')], fn, limits));
    expect(err.message).toMatch(NEUTRAL);
    expect(asked).not.toContain('http://127.0.0.1:6379/');
  });

  it('stops after maxRedirects', async () => {
    const { fn, asked } = fakeNetwork({
      'https://img.example/1': { status: 302, location: '/2' },
      'https://img.example/2': { status: 302, location: '/3' },
      'https://img.example/3': { status: 302, location: '/4' },
      'https://img.example/4': { type: 'image/png', chunks: [PNG] },
    });
    expect((await rejected(fetchRemoteMedia([ref('https://img.example/1')], fn, limits))).message).toMatch(NEUTRAL);
    expect(asked).toHaveLength(3);
  });

  it('says the same about a closed port, a timeout, an HTTP error and a redirect without a Location', async () => {
    const { fn } = fakeNetwork({
      'https://img.example/refused': 'fail',
      'https://img.example/silent': 'hang',
      'https://img.example/404': { status: 404, type: 'text/html' },
      'https://img.example/302': { status: 302 },
      'https://img.example/stalls': { type: 'image/png', chunks: [PNG], stall: true },
    });
    for (const url of ['refused', 'silent', '404', '302', 'stalls']) {
      expect((await rejected(fetchRemoteMedia([ref(`https://img.example/${url}`)], fn, limits))).message).toMatch(NEUTRAL);
    }
  });

  it('refuses a declared Content-Length over the budget without reading the body', async () => {
    const { fn, cancelled } = fakeNetwork({ 'https://img.example/big': { type: 'image/png', length: 5000, chunks: [new Uint8Array(500), new Uint8Array(500)] } });
    const err = await rejected(fetchRemoteMedia([ref('https://img.example/big')], fn, limits));
    expect(err.message).toMatch(/0 MiB in total; image_url at messages\[0\]\.content\[1\] goes past that/);
    expect(cancelled).toEqual(['https://img.example/big']);
  });

  it('counts every part against one budget per request, stopping the reads once it is spent', async () => {
    const chunk = new Uint8Array(100);
    const body = (n: number): Served => ({ type: 'image/png', chunks: Array.from({ length: n }, () => chunk) });
    // Each alone fits (800 < 1000); together they do not (2400).
    const { fn, pulled, cancelled } = fakeNetwork({ 'https://img.example/1': body(8), 'https://img.example/2': body(8), 'https://img.example/3': body(8) });
    const err = await rejected(fetchRemoteMedia(refs('https://img.example/1', 'https://img.example/2', 'https://img.example/3'), fn, limits));
    expect(err.message).toMatch(/in total/);
    const total = Object.values(pulled).reduce((a, b) => a + b, 0);
    // The budget, plus at most one chunk per body read past it and one pulled ahead by its stream.
    expect(total).toBeLessThanOrEqual(1000 + 6 * 100);
    expect(cancelled.length).toBeGreaterThan(0);
  });

  it('also stops a body that lies with a small Content-Length', async () => {
    const chunk = new Uint8Array(600);
    const { fn } = fakeNetwork({ 'https://img.example/liar': { type: 'image/png', length: 10, chunks: [chunk, chunk] } });
    expect((await rejected(fetchRemoteMedia([ref('https://img.example/liar')], fn, limits))).message).toMatch(/in total/);
  });

  it.each([
    ['a web page', { type: 'text/html', chunks: [new TextEncoder().encode('<html>')] }, /not an image.*text\/html/],
    ['unrecognisable bytes', { type: 'application/octet-stream', chunks: [new TextEncoder().encode('hello')] }, /not an image/],
    ['an empty body', { type: 'image/png', chunks: [] }, /is empty/],
  ])('turns %s from a public host into a 400 naming the part', async (_name, served, message) => {
    const { fn } = fakeNetwork({ 'https://img.example/a': served });
    const err = await rejected(fetchRemoteMedia([ref('https://img.example/a')], fn, limits));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
    expect(err.param).toBe('messages[0].content[1].image_url.url');
  });

  it('names the part of the URL that failed, not the first one', async () => {
    const { fn } = fakeNetwork({ 'https://img.example/ok': { type: 'image/png', chunks: [PNG] }, 'https://img.example/bad': { status: 500 } });
    const err = await rejected(fetchRemoteMedia(refs('https://img.example/ok', 'https://img.example/bad'), fn, limits));
    expect(err.param).toBe('messages[0].content[2].image_url.url');
  });

  it('refuses more URLs than the limit before fetching any', async () => {
    const { fn, asked } = fakeNetwork({});
    const err = await rejected(fetchRemoteMedia(refs('https://img.example/1', 'https://img.example/2', 'https://img.example/3', 'https://img.example/4'), fn, limits));
    expect(err.param).toBe('messages[0].content[4].image_url.url');
    expect(asked).toHaveLength(0);
  });

  it('cancels the other fetches after the first failure', async () => {
    const { fn, inits, asked } = fakeNetwork({ 'https://img.example/slow': 'hang', 'https://img.example/bad': { status: 403 } });
    await rejected(fetchRemoteMedia(refs('https://img.example/slow', 'https://img.example/bad'), fn, { ...limits, timeoutMs: 60_000 }));
    expect(asked).toEqual(['https://img.example/slow', 'https://img.example/bad']);
    expect(inits[0]?.signal?.aborted).toBe(true);
  });
});
