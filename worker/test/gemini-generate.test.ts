// generate(): the one Gemini call every dialect's route makes, its answer checked before the
// client's status, then handed to the dialect's converter. Gemini here is a fetch that records
// what it was asked and answers as told.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/errors';
import { failure } from './support/api-error';
import type { GeminiTarget } from '../src/gemini/client';
import { generate } from '../src/gemini/generate';
import { ChatStreamConverter } from '../src/dialects/openai-chat/stream';

const ANSWER = { candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP', index: 0 }] };
const REQUEST = { model: 'gemini-2.5-flash', body: { contents: [{ role: 'user', parts: [{ text: 'hello' }] }] } };
const sse = (...events: unknown[]) => events.map((e) => `data: ${JSON.stringify(e)}\r\n\r\n`).join('');

function gemini(status: number, body: string, contentType = 'application/json') {
  const urls: string[] = [];
  const target: GeminiTarget = {
    baseUrl: 'http://gemini.test',
    key: 'AIzaTESTKEY',
    fetch: async (input) => {
      urls.push(String(input));
      return new Response(body, { status, headers: { 'content-type': contentType } });
    },
  };
  return { target, urls };
}

const chatStream = () => new ChatStreamConverter({ id: 'chatcmpl-1', created: 1, model: 'gemini-2.5-flash', includeUsage: false });

describe('generate', () => {
  it('calls generateContent and answers JSON from the dialect mapper', async () => {
    const { target, urls } = gemini(200, JSON.stringify(ANSWER));
    const res = await generate(target, REQUEST, { answer: (a) => ({ said: a.candidates?.[0]?.content?.parts?.[0]?.text }) });
    expect(urls).toEqual(['http://gemini.test/v1beta/models/gemini-2.5-flash:generateContent']);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ said: 'hi' });
  });

  it('streams through streamGenerateContent?alt=sse and the dialect converter', async () => {
    const { target, urls } = gemini(200, sse(ANSWER), 'text/event-stream');
    const res = await generate(target, REQUEST, { stream: chatStream(), timing: { keepAliveMs: 0, silenceLimitMs: 0 } });
    expect(urls).toEqual(['http://gemini.test/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse']);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toContain('"content":"hi"');
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('refuses a 200 that is not an answer before any status is sent, streamed or not', async () => {
    const plain = await failure(generate(gemini(200, JSON.stringify({ candidates: [] })).target, REQUEST, { answer: () => ({}) }));
    expect(plain.fault).toEqual({ kind: 'gemini', reason: 'bad_answer' });
    const streamed = await failure(generate(gemini(200, '', 'text/event-stream').target, REQUEST, { stream: chatStream() }));
    expect(streamed.fault).toEqual({ kind: 'gemini', reason: 'bad_answer' });
  });

  it("has the dialect explain Gemini's refusal of the call, and only that", async () => {
    const refusal = JSON.stringify({ error: { code: 400, message: 'Logprobs is not enabled for this model', status: 'INVALID_ARGUMENT' } });
    const explain = (err: unknown) => new ApiError({ kind: 'client', reason: 'bad_request' }, `explained: ${(err as Error).message}`, { param: 'logprobs' });
    const explained = await failure(generate(gemini(400, refusal).target, REQUEST, { answer: () => ({}) }, explain));
    expect(explained.message).toMatch(/^explained: .*Logprobs is not enabled/);
    expect(explained.param).toBe('logprobs');
    const bad = await failure(generate(gemini(200, '{}').target, REQUEST, { answer: () => ({}) }, explain));
    expect(bad.message).not.toMatch(/^explained/);
  });

  it('refuses a model name that would steer the URL, naming the field, without calling Gemini', async () => {
    const { target, urls } = gemini(200, JSON.stringify(ANSWER));
    const err = await failure(generate(target, { ...REQUEST, model: '../files' }, { answer: () => ({}) }));
    expect(err.param).toBe('model');
    expect(urls).toEqual([]);
  });
});
