// The one media reader of every dialect (media/part.ts): neutral sources in, the core's media
// parts out, errors naming the field the dialect passed; and the three dialects giving Gemini the
// same part for the same media, whatever their field names.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { apiError } from './support/api-error';
import { type MediaSource, readMedia, remoteMediaRef } from '../src/media';
import { toGeminiRequest as chatToGemini } from '../src/dialects/openai-chat/request';
import { parseChatRequest } from '../src/dialects/openai-chat/validate';
import { toGeminiRequest as messagesToGemini } from '../src/dialects/anthropic/request';
import { parseMessagesRequest } from '../src/dialects/anthropic/validate';
import { toGeminiBody as responsesToGemini } from '../src/dialects/responses/request';
import { parseResponsesRequest } from '../src/dialects/responses/validate';

const FETCHED = new Map([['https://example.com/cat.png', { mimeType: 'image/png', data: 'iVBO' }]]);
const FILE_URI = 'https://generativelanguage.googleapis.com/v1beta/files/abc-123';

describe('readMedia', () => {
  it.each<[string, MediaSource, Omit<Gemini.Part, 'text'>]>([
    ['a data URL', { url: 'data:image/webp;base64,UklG' }, { inlineData: { mimeType: 'image/webp', data: 'UklG' } }],
    ['a fetched URL', { url: 'https://example.com/cat.png' }, { inlineData: { mimeType: 'image/png', data: 'iVBO' } }],
    ['a Gemini file URI', { url: FILE_URI }, { fileData: { fileUri: FILE_URI } }],
    ['a YouTube video', { url: 'https://youtu.be/9hE5-98ZeCg' }, { fileData: { fileUri: 'https://youtu.be/9hE5-98ZeCg' } }],
    ['bare base64 with a declared type', { data: 'UklG', mimeType: 'audio/wav' }, { inlineData: { mimeType: 'audio/wav', data: 'UklG' } }],
    ['data given as a data URL (its own type wins)', { data: 'data:audio/ogg;base64,T2dn', mimeType: 'audio/wav' }, { inlineData: { mimeType: 'audio/ogg', data: 'T2dn' } }],
    ['bare base64 typed by its filename', { data: 'aGVsbG8=', filename: 'notes.md' }, { inlineData: { mimeType: 'text/markdown', data: 'aGVsbG8=' } }],
    ['bare base64 typed by its bytes', { data: 'JVBERi0xLjcK' }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0xLjcK' } }],
    ['a Gemini file name', { fileId: 'files/abc', filename: 'x.pdf' }, { fileData: { fileUri: 'https://generativelanguage.googleapis.com/v1beta/files/abc', mimeType: 'application/pdf' } }],
    ['a Gemini file URI as the id', { fileId: FILE_URI }, { fileData: { fileUri: FILE_URI } }],
  ])('%s', (_name, source, expected) => {
    expect(readMedia(source, 'p', FETCHED)).toEqual({ kind: 'media', ...expected });
  });

  it.each<[string, MediaSource, number]>([
    ['a URL that was not fetched', { url: 'https://example.com/dog.png' }, 400],
    ['an ftp URL', { url: 'ftp://example.com/a.png' }, 400],
    ['a malformed data URL', { url: 'data:image/png;base64' }, 400],
    ['empty data', { data: '' }, 400],
    ['bare base64 nobody can type', { data: 'AAAAAAAA' }, 400],
    ['a file id that is not a Gemini file', { fileId: 'file-abc123' }, 400],
  ])('%s is refused naming the field it was given', (_name, source, status) => {
    const err = apiError(() => readMedia(source, 'input[2].content[1].image_url', FETCHED));
    expect(err.status).toBe(status);
    expect(err.param).toBe('input[2].content[1].image_url');
  });
});

describe('remoteMediaRef', () => {
  it('asks to fetch http(s) URLs only, never data: URLs or what Gemini reads itself', () => {
    expect(remoteMediaRef('http://a.example/1.png', 'x.url', 'the image at x')).toEqual({ url: 'http://a.example/1.png', param: 'x.url', name: 'the image at x' });
    for (const url of ['data:image/png;base64,AAAA', FILE_URI, 'https://www.youtube.com/watch?v=abc', 'ftp://a.example/1.png']) {
      expect(remoteMediaRef(url, 'x.url', 'the image at x')).toBeUndefined();
    }
  });
});

describe('the three dialects read media alike', () => {
  const partsOf = (body: Gemini.GenerateContentRequest) => body.contents![0]!.parts!.filter((p) => !('text' in p));

  it('a fetched URL, a Gemini file and inline base64 give Gemini the same parts', () => {
    const fetched = new Map(FETCHED);
    const chat = chatToGemini(
      parseChatRequest({
        model: 'gemini-2.5-flash',
        messages: [{ role: 'user', content: [
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
          { type: 'image_url', image_url: { url: FILE_URI } },
          { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0x' } },
        ] }],
      }),
      fetched,
    ).body;
    const anthropic = messagesToGemini(
      parseMessagesRequest({
        model: 'gemini-2.5-flash',
        max_tokens: 10,
        messages: [{ role: 'user', content: [
          { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
          { type: 'image', source: { type: 'url', url: FILE_URI } },
          { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0x' } },
        ] }],
      }),
      fetched,
    ).body;
    const responses = responsesToGemini(
      parseResponsesRequest({
        model: 'gemini-2.5-flash',
        input: [{ type: 'message', role: 'user', content: [
          { type: 'input_image', image_url: 'https://example.com/cat.png' },
          { type: 'input_file', file_url: FILE_URI },
          { type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0x', filename: 'a.pdf' },
        ] }],
      }),
      fetched,
    ).body;
    const expected = [{ inlineData: { mimeType: 'image/png', data: 'iVBO' } }, { fileData: { fileUri: FILE_URI } }, { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0x' } }];
    expect(partsOf(chat)).toEqual(expected);
    expect(partsOf(anthropic)).toEqual(expected);
    expect(partsOf(responses)).toEqual(expected);
  });
});
