// Token logprobs in the Responses dialect: asked for with include "message.output_text.logprobs"
// (or top_logprobs), sent to Gemini as responseLogprobs / logprobs, and Gemini's logprobsResult
// returned in output_text.logprobs, whole and streamed; a model that refuses them is a clear 400
// naming the field that asked. Every body and event checked against OpenAI's schemas.
import type { Gemini } from '@opengemini/shared';
import { describe, expect, it } from 'vitest';
import { validateOpenAI } from '../../tools/src/oracles/openai-validator';
import { oraclesPresent } from '../../tools/src/oracles/paths';
import { checkResponsesStream } from '../../tools/src/oracles/responses-stream';
import { mockLogprobs } from '../../tools/src/mock-gemini/answers';
import { ApiError } from '../src/errors';
import { responsesLogprobsRefused } from '../src/dialects/responses/errors';
import { toGeminiBody } from '../src/dialects/responses/request';
import { toResponse } from '../src/dialects/responses/response';
import { ResponsesStreamConverter } from '../src/dialects/responses/stream';
import { parseResponsesRequest } from '../src/dialects/responses/validate';
import { convertSse } from '../src/sse-stream';
import { pinnedContext } from './support/responses';

type Json = Record<string, unknown>;
type Event = Json & { type: string };
const utf8 = new TextEncoder();

const generationConfig = (body: Json) => toGeminiBody(parseResponsesRequest({ model: 'gemini-2.5-flash', input: 'hi', ...body })).body.generationConfig ?? {};

describe('the request: logprobs -> responseLogprobs / logprobs', () => {
  it.each<[string, Json, Gemini.GenerationConfig]>([
    ['include message.output_text.logprobs: the chosen tokens', { include: ['message.output_text.logprobs'] }, { responseLogprobs: true }],
    ['with top_logprobs: that many alternatives', { include: ['message.output_text.logprobs'], top_logprobs: 5 }, { responseLogprobs: true, logprobs: 5 }],
    ['top_logprobs alone asks for them too', { top_logprobs: 3 }, { responseLogprobs: true, logprobs: 3 }],
  ])('%s', (_name, body, expected) => {
    expect(generationConfig(body)).toMatchObject(expected);
  });

  it.each<[string, Json]>([
    ['no include', {}],
    ['include of something else', { include: ['reasoning.encrypted_content'] }],
    ['top_logprobs 0', { top_logprobs: 0 }],
  ])('%s: not asked', (_name, body) => {
    const config = generationConfig(body);
    expect(config.responseLogprobs).toBeUndefined();
    expect(config.logprobs).toBeUndefined();
  });
});

const result: Gemini.LogprobsResult = {
  chosenCandidates: [{ token: 'Hé', logProbability: -0.1 }, { token: 'llo', logProbability: -0.2 }],
  topCandidates: [{ candidates: [{ token: 'Hé', logProbability: -0.1 }, { token: 'Hi', logProbability: -2.5 }] }, { candidates: [{ token: 'llo', logProbability: -0.2 }] }],
};
const expected = [
  { token: 'Hé', logprob: -0.1, bytes: [72, 195, 169], top_logprobs: [{ token: 'Hé', logprob: -0.1, bytes: [72, 195, 169] }, { token: 'Hi', logprob: -2.5, bytes: [72, 105] }] },
  { token: 'llo', logprob: -0.2, bytes: [108, 108, 111], top_logprobs: [{ token: 'llo', logprob: -0.2, bytes: [108, 108, 111] }] },
];

describe('the answer: logprobsResult -> output_text.logprobs', () => {
  it('each chosen token with its bytes and alternatives, valid against Response', () => {
    const res = toResponse({ candidates: [{ content: { role: 'model', parts: [{ text: 'Héllo' }] }, finishReason: 'STOP', index: 0, logprobsResult: result }] }, pinnedContext({ include: ['message.output_text.logprobs'] }));
    const content = (res.output[0] as { content: Array<{ logprobs: unknown }> }).content[0]!;
    expect(content.logprobs).toEqual(expected);
    if (oraclesPresent) expect(validateOpenAI('Response', JSON.parse(JSON.stringify(res)))).toEqual([]);
  });

  it('without a logprobsResult: an empty list, as OpenAI sends', () => {
    const res = toResponse({ candidates: [{ content: { role: 'model', parts: [{ text: 'Hi' }] }, finishReason: 'STOP', index: 0 }] }, pinnedContext());
    expect((res.output[0] as { content: Array<{ logprobs: unknown }> }).content[0]!.logprobs).toEqual([]);
  });
});

/** Parses SSE text into its events. */
function events(raw: string): Event[] {
  return raw
    .split('\n\n')
    .filter((f) => f.trim() && !f.startsWith(':'))
    .map((f) => JSON.parse(f.split('\n').find((l) => l.startsWith('data: '))!.slice(6)) as Event);
}

describe('the stream: each delta with its tokens, the done events with all of them', () => {
  // The mock's logprobs (what tools/src/mock-gemini sends when asked), one Gemini event per chunk.
  const texts = ['Hello wörld, ', 'and “more” ', 'text.'];
  const chunks = texts.map((text, i) => ({
    candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, logprobsResult: mockLogprobs([{ text }], 2), ...(i === texts.length - 1 ? { finishReason: 'STOP' } : {}) }],
    usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 6, totalTokenCount: 9 },
  }));
  const body = { include: ['message.output_text.logprobs'], top_logprobs: 2 };

  it('deltas carry their own tokens; done, the part, the item and response.completed carry them all; text path = bytes path', async () => {
    const conv = new ResponsesStreamConverter(pinnedContext(body));
    let raw = '';
    for (const c of chunks) raw += conv.push(utf8.encode(`data: ${JSON.stringify(c)}\r\n\r\n`));
    raw += conv.end();
    const all = events(raw);
    const deltas = all.filter((e) => e.type === 'response.output_text.delta');
    expect(deltas.map((d) => (d.logprobs as Array<{ token: string }>).map((t) => t.token).join(''))).toEqual(texts);
    const tokens = deltas.flatMap((d) => d.logprobs as unknown[]);
    expect(tokens.length).toBeGreaterThan(3);
    expect(all.find((e) => e.type === 'response.output_text.done')!.logprobs).toEqual(tokens);
    expect((all.find((e) => e.type === 'response.content_part.done')!.part as Json).logprobs).toEqual(tokens);
    const completed = all.at(-1)!.response as { output: Array<{ content: Array<{ logprobs: unknown[]; text: string }> }> };
    expect(completed.output[0]!.content[0]!.logprobs).toEqual(tokens);
    expect(completed.output[0]!.content[0]!.text).toBe(texts.join(''));
    expect((tokens[0] as { top_logprobs: unknown[] }).top_logprobs).toHaveLength(2);
    if (oraclesPresent) expect(checkResponsesStream(all)).toEqual([]);

    // The client's bytes (the byte path, where deltas with logprobs are encoded apart) say the same.
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(utf8.encode(`data: ${JSON.stringify(chunk)}\r\n\r\n`));
        c.close();
      },
    });
    const bytes = await new Response(convertSse(source, new ResponsesStreamConverter(pinnedContext(body)), { keepAliveMs: 0, silenceLimitMs: 0 })).text();
    const strip = (s: string) => s.replace(/"completed_at":\d+/g, '"completed_at":0');
    expect(strip(bytes)).toBe(strip(raw));
  });
});

describe('a model that does not return logprobs (Gemini 400)', () => {
  const geminiRefusal = () => new ApiError({ kind: 'client', reason: 'bad_request' }, 'Logprobs is not enabled for models/gemini-3-flash-preview');
  const req = (body: Json) => parseResponsesRequest({ model: 'gemini-3-flash-preview', input: 'hi', ...body });

  it.each<[string, Json, string, RegExp]>([
    ['asked with include', { include: ['message.output_text.logprobs'] }, 'include', /without "message\.output_text\.logprobs" in `include`/],
    ['asked with top_logprobs', { top_logprobs: 4 }, 'top_logprobs', /without `top_logprobs`/],
  ])('%s: a 400 naming the field, Gemini\'s words kept', (_name, body, param, message) => {
    const err = responsesLogprobsRefused(geminiRefusal(), req(body)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.status).toBe(400);
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
    expect(err.message).toContain('gemini-3-flash-preview does not return token logprobs');
    expect(err.message).toContain('Gemini said: Logprobs is not enabled');
  });

  it.each<[string, unknown, Json]>([
    ['a 400 about something else', new ApiError({ kind: 'client', reason: 'bad_request' }, 'Invalid JSON payload'), { include: ['message.output_text.logprobs'] }],
    ['a logprobs 400 when none were asked', geminiRefusal(), {}],
    ['not an ApiError', new Error('boom'), { top_logprobs: 2 }],
  ])('%s: left as it is', (_name, err, body) => {
    expect(responsesLogprobsRefused(err, req(body))).toBe(err);
  });
});
