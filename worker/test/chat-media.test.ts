import type { OpenAI } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { bytesToBase64 } from '../src/base64';
import { collectRemoteMedia, fetchRemoteMedia, mediaPart, parseDataUrl, sniffMime } from '../src/dialects/openai-chat/media';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function apiError(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

async function rejected(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('bytesToBase64', () => {
  it.each([0, 1, 2, 3, 32_765, 32_766, 32_767, 100_000, 1_000_003])('agrees with Buffer for %i bytes', (n) => {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 7919) & 0xff;
    expect(bytesToBase64(bytes)).toBe(b64(bytes));
  });

  it('encodes 20 MiB (more than one chunk of its internal batching) exactly', () => {
    const bytes = new Uint8Array(20 * 1024 * 1024 + 1);
    for (let i = 0; i < bytes.length; i += 4093) bytes[i] = i & 0xff;
    expect(bytesToBase64(bytes)).toBe(b64(bytes));
  });
});

describe('sniffMime', () => {
  it.each([
    [PNG, 'image/png'],
    [Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]), 'image/jpeg'],
    [new TextEncoder().encode('GIF89a'), 'image/gif'],
    [new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8 '), 'image/webp'],
    [new TextEncoder().encode('RIFF\0\0\0\0WAVEfmt '), 'audio/wav'],
    [new TextEncoder().encode('%PDF-1.7'), 'application/pdf'],
    [new TextEncoder().encode('\0\0\0\x18ftypheic'), 'image/heic'],
    [new TextEncoder().encode('\0\0\0\x18ftypisom'), 'video/mp4'],
    [new TextEncoder().encode('ID3\x04'), 'audio/mp3'],
    [new TextEncoder().encode('<html>'), undefined],
  ])('%j -> %s', (bytes, mime) => {
    expect(sniffMime(bytes)).toBe(mime);
  });
});

describe('parseDataUrl', () => {
  it.each([
    ['data:image/png;base64,iVBORw0KGgo=', { mimeType: 'image/png', data: 'iVBORw0KGgo=' }],
    ['DATA:IMAGE/JPEG;BASE64,/9j/4AAQ', { mimeType: 'image/jpeg', data: '/9j/4AAQ' }],
    ['data:image/jpg;base64,/9j/4AAQ', { mimeType: 'image/jpeg', data: '/9j/4AAQ' }],
    ['data:image/png;name=a.png;base64,AAAA', { mimeType: 'image/png', data: 'AAAA' }],
    // No media type: sniffed from the payload.
    [`data:;base64,${b64(PNG)}`, { mimeType: 'image/png', data: b64(PNG) }],
    [`data:application/octet-stream;base64,${b64(PNG)}`, { mimeType: 'image/png', data: b64(PNG) }],
    // Percent-encoded text is encoded.
    ['data:text/plain,hello%20world', { mimeType: 'text/plain', data: b64(new TextEncoder().encode('hello world')) }],
  ])('%s', (url, expected) => {
    expect(parseDataUrl(url, 'p')).toEqual(expected);
  });

  it('takes a missing media type from the filename first', () => {
    expect(parseDataUrl('data:;base64,JVBERi0x', 'p', 'report.pdf').mimeType).toBe('application/pdf');
  });

  it('passes a large base64 payload through unchanged', () => {
    const data = 'A'.repeat(8 * 1024 * 1024);
    expect(parseDataUrl(`data:image/png;base64,${data}`, 'p').data).toBe(data);
  });

  it.each([
    ['data:image/png;base64', 'no comma'],
    ['data:image/png;base64,', 'empty'],
    ['data:;base64,PGh0bWw+', 'unknown content'],
  ])('%s is a 400 (%s) naming the param', (url) => {
    expect(apiError(() => parseDataUrl(url, 'messages[0].content[1].image_url.url')).param).toBe('messages[0].content[1].image_url.url');
  });
});

describe('mediaPart', () => {
  const media = new Map([['https://example.com/cat.png', { mimeType: 'image/png', data: 'AAAA' }]]);
  it.each<[string, OpenAI.ImageUrlPart | OpenAI.InputAudioPart | OpenAI.FilePart, unknown]>([
    ['a data URL image', { type: 'image_url', image_url: { url: 'data:image/webp;base64,UklG' } }, { inlineData: { mimeType: 'image/webp', data: 'UklG' } }],
    ['a fetched image', { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }, { inlineData: { mimeType: 'image/png', data: 'AAAA' } }],
    ['a Gemini file URI', { type: 'image_url', image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/abc-123' } }, { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc-123' } }],
    ['a YouTube video', { type: 'image_url', image_url: { url: 'https://www.youtube.com/watch?v=9hE5-98ZeCg' } }, { fileData: { fileUri: 'https://www.youtube.com/watch?v=9hE5-98ZeCg' } }],
    ['wav audio', { type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } }, { inlineData: { mimeType: 'audio/wav', data: 'UklG' } }],
    ['mp3 audio', { type: 'input_audio', input_audio: { data: 'SUQz', format: 'MP3' } }, { inlineData: { mimeType: 'audio/mp3', data: 'SUQz' } }],
    ['audio as a data URL', { type: 'input_audio', input_audio: { data: 'data:audio/ogg;base64,T2dn', format: 'ogg' } }, { inlineData: { mimeType: 'audio/ogg', data: 'T2dn' } }],
    ['a PDF data URL', { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0x', filename: 'a.pdf' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0x' } }],
    ['bare base64 with a filename', { type: 'file', file: { file_data: 'aGVsbG8=', filename: 'notes.md' } }, { inlineData: { mimeType: 'text/markdown', data: 'aGVsbG8=' } }],
    ['bare base64 of a PDF, sniffed', { type: 'file', file: { file_data: 'JVBERi0xLjcK' } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjcK' } }],
    ['a Gemini file name as file_id', { type: 'file', file: { file_id: 'files/abc', filename: 'x.pdf' } }, { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'application/pdf' } }],
  ])('%s', (_name, part, expected) => {
    expect(mediaPart(part, 'messages[0].content[0]', media)).toEqual(expected);
  });

  it.each<[string, OpenAI.ImageUrlPart | OpenAI.InputAudioPart | OpenAI.FilePart, string]>([
    ['an image URL that was not fetched', { type: 'image_url', image_url: { url: 'https://example.com/dog.png' } }, 'messages[2].content[1].image_url.url'],
    ['an ftp URL', { type: 'image_url', image_url: { url: 'ftp://example.com/a.png' } }, 'messages[2].content[1].image_url.url'],
    ['an unknown audio format', { type: 'input_audio', input_audio: { data: 'AAAA', format: 'opus' } }, 'messages[2].content[1].input_audio.format'],
    ['bare base64 nobody can type', { type: 'file', file: { file_data: 'AAAAAAAA' } }, 'messages[2].content[1].file.file_data'],
    ['an OpenAI file id', { type: 'file', file: { file_id: 'file-abc123' } }, 'messages[2].content[1].file.file_id'],
    ['an empty file', { type: 'file', file: {} }, 'messages[2].content[1].file'],
  ])('%s is a 400 naming %s', (_name, part, param) => {
    expect(apiError(() => mediaPart(part, 'messages[2].content[1]', media)).param).toBe(param);
  });
});

describe('collectRemoteMedia', () => {
  it('lists distinct http(s) image URLs, skipping data URLs and URIs Gemini reads itself', () => {
    const req = {
      model: 'm',
      messages: [
        { role: 'system', content: 'x' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://a.example/1.png' } }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'user', content: [{ type: 'text', text: 'again' }, { type: 'image_url', image_url: { url: 'https://a.example/1.png' } }, { type: 'image_url', image_url: { url: 'http://b.example/2.jpg' } }] },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://youtu.be/abc' } }, { type: 'image_url', image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/f1' } }] },
      ],
    } as OpenAI.ChatCompletionRequest;
    expect(collectRemoteMedia(req)).toEqual(['https://a.example/1.png', 'http://b.example/2.jpg']);
  });
});

// ----- fetchRemoteMedia ---------------------------------------------------------------------------

interface Served {
  status?: number;
  type?: string;
  length?: number;
  /** The body in chunks; `stall` never ends it. */
  chunks?: Uint8Array[];
  stall?: boolean;
}

/** A fetch that serves scripted bodies and records how much of each was pulled. */
function fakeFetch(routes: Record<string, Served | 'hang' | 'fail'>) {
  const pulled: Record<string, number> = {};
  const cancelled: string[] = [];
  const signals: AbortSignal[] = [];
  const fn = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const route = routes[url];
    const signal = init?.signal ?? undefined;
    if (signal) signals.push(signal);
    if (route === 'fail') throw new TypeError('fetch failed');
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
    return new Response(body, { status: route.status ?? 200, headers });
  }) as typeof fetch;
  return { fn, pulled, cancelled, signals };
}

const req = (...urls: string[]) =>
  ({ model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 'see' }, ...urls.map((url) => ({ type: 'image_url', image_url: { url } }))] }] }) as OpenAI.ChatCompletionRequest;
const limits = { maxBytes: 1000, timeoutMs: 200, maxCount: 3 };

describe('fetchRemoteMedia', () => {
  it('fetches and base64-encodes, taking the type from the header or from the bytes', async () => {
    const { fn } = fakeFetch({
      'https://x/a.png': { type: 'image/png; charset=binary', chunks: [PNG.subarray(0, 5), PNG.subarray(5)] },
      'https://x/b': { type: 'application/octet-stream', chunks: [PNG] },
      'https://x/c.jpg': { type: 'image/jpg', chunks: [Uint8Array.from([0xff, 0xd8, 0xff])] },
    });
    const media = await fetchRemoteMedia(collectRemoteMedia(req('https://x/a.png', 'https://x/b', 'https://x/c.jpg')), fn, limits);
    expect(media.get('https://x/a.png')).toEqual({ mimeType: 'image/png', data: b64(PNG) });
    expect(media.get('https://x/b')).toEqual({ mimeType: 'image/png', data: b64(PNG) });
    expect(media.get('https://x/c.jpg')).toEqual({ mimeType: 'image/jpeg', data: '/9j/' });
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const { fn, pulled } = fakeFetch({ 'https://x/big': { type: 'image/png', length: 5000, chunks: [new Uint8Array(500)] } });
    const err = await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/big')), fn, limits));
    expect(err.message).toMatch(/larger than/);
    expect(err.param).toBe('messages[0].content[1].image_url.url');
    expect(pulled['https://x/big'] ?? 0).toBeLessThanOrEqual(500);
  });

  it('stops reading a body that outgrows the cap when no length was declared', async () => {
    const chunk = new Uint8Array(400);
    const { fn, pulled, cancelled } = fakeFetch({ 'https://x/stream': { type: 'image/png', chunks: Array.from({ length: 100 }, () => chunk) } });
    const err = await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/stream')), fn, limits));
    expect(err.message).toMatch(/larger than/);
    expect(pulled['https://x/stream']).toBeLessThan(2000);
    expect(cancelled).toContain('https://x/stream');
  });

  it('also stops a body that lies with a small Content-Length', async () => {
    const chunk = new Uint8Array(600);
    const { fn } = fakeFetch({ 'https://x/liar': { type: 'image/png', length: 10, chunks: [chunk, chunk] } });
    expect((await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/liar')), fn, limits))).message).toMatch(/larger than/);
  });

  it.each([
    ['an HTTP error', { 'https://x/a': { status: 404, type: 'text/html' } }, /HTTP 404/],
    ['a web page', { 'https://x/a': { type: 'text/html', chunks: [new TextEncoder().encode('<html>')] } }, /not an image.*text\/html/],
    ['unrecognisable bytes', { 'https://x/a': { type: 'application/octet-stream', chunks: [new TextEncoder().encode('hello')] } }, /not an image/],
    ['a network failure', { 'https://x/a': 'fail' as const }, /Could not fetch.*fetch failed/],
    ['no answer', { 'https://x/a': 'hang' as const }, /timed out after 0.2 s/],
    ['a body that stalls', { 'https://x/a': { type: 'image/png', chunks: [PNG], stall: true } }, /timed out/],
  ])('turns %s into a 400 naming the part', async (_name, routes, message) => {
    const { fn } = fakeFetch(routes);
    const err = await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/a')), fn, limits));
    expect(err.status).toBe(400);
    expect(err.message).toMatch(message);
    expect(err.param).toBe('messages[0].content[1].image_url.url');
  });

  it('names the part of the URL that failed, not the first one', async () => {
    const { fn } = fakeFetch({ 'https://x/ok': { type: 'image/png', chunks: [PNG] }, 'https://x/bad': { status: 500 } });
    const err = await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/ok', 'https://x/bad')), fn, limits));
    expect(err.param).toBe('messages[0].content[2].image_url.url');
  });

  it('refuses more URLs than the limit before fetching any', async () => {
    const { fn, signals } = fakeFetch({});
    const err = await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/1', 'https://x/2', 'https://x/3', 'https://x/4')), fn, limits));
    expect(err.param).toBe('messages[0].content[4].image_url.url');
    expect(signals).toHaveLength(0);
  });

  it('cancels the other fetches after the first failure', async () => {
    const { fn, signals } = fakeFetch({ 'https://x/slow': 'hang', 'https://x/bad': { status: 403 } });
    await rejected(fetchRemoteMedia(collectRemoteMedia(req('https://x/slow', 'https://x/bad')), fn, { ...limits, timeoutMs: 60_000 }));
    expect(signals).toHaveLength(2);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });

  it('names messages when handed URLs it did not collect', async () => {
    const { fn } = fakeFetch({ 'https://x/a': { status: 404 } });
    expect((await rejected(fetchRemoteMedia(['https://x/a'], fn, limits))).param).toBe('messages');
  });
});
