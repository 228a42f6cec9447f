import type { OpenAI } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { apiError } from './support/api-error';
import { bytesToBase64 } from '../src/base64';
import { collectRemoteMedia, mediaPart } from '../src/dialects/openai-chat/media';
import { parseDataUrl, sniffMime } from '../src/media';

const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');


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
    expect(mediaPart(part, 'messages[0].content[0]', media)).toEqual({ kind: 'media', ...(expected as object) });
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
  it('lists http(s) image URLs with the part each sits in, skipping data URLs and URIs Gemini reads itself', () => {
    const req = {
      model: 'm',
      messages: [
        { role: 'system', content: 'x' },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://a.example/1.png' } }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'user', content: [{ type: 'text', text: 'again' }, { type: 'image_url', image_url: { url: 'https://a.example/1.png' } }, { type: 'image_url', image_url: { url: 'http://b.example/2.jpg' } }] },
        { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://youtu.be/abc' } }, { type: 'image_url', image_url: { url: 'https://generativelanguage.googleapis.com/v1beta/files/f1' } }] },
      ],
    } as OpenAI.ChatCompletionRequest;
    expect(collectRemoteMedia(req)).toEqual([
      { url: 'https://a.example/1.png', param: 'messages[1].content[0].image_url.url', name: 'image_url at messages[1].content[0]' },
      { url: 'https://a.example/1.png', param: 'messages[2].content[1].image_url.url', name: 'image_url at messages[2].content[1]' },
      { url: 'http://b.example/2.jpg', param: 'messages[2].content[2].image_url.url', name: 'image_url at messages[2].content[2]' },
    ]);
  });
});
