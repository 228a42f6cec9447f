import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startMockGemini, type MockGemini } from '../src/mock-gemini';
import { joinText, post, readChunks, simpleRequest, sseEvents, userTurn } from './mock-gemini-client';

let mock: MockGemini;
beforeAll(async () => {
  mock = await startMockGemini();
});
afterAll(() => mock.close());
beforeEach(() => mock.reset());

const SSE = '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse';
type Chunk = { candidates?: Array<{ content?: { parts?: Array<{ text?: string; thought?: boolean; functionCall?: { name: string }; thoughtSignature?: string }> }; finishReason?: string }>; error?: { code: number; status: string }; responseId?: string };
const textOf = (events: unknown[]): string =>
  (events as Chunk[]).map((e) => e.candidates?.[0]?.content?.parts?.filter((p) => !p.thought).map((p) => p.text ?? '').join('') ?? '').join('');

describe('framing', () => {
  it('sends data: lines framed by \\r\\n\\r\\n, no [DONE], finishReason on the last event', async () => {
    mock.script({ reply: { kind: 'text', text: 'alpha beta gamma delta', chunks: 4 } });
    const res = await post(mock.url, SSE, simpleRequest);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = joinText(await readChunks(res));
    expect(text.endsWith('\r\n\r\n')).toBe(true);
    expect(text).not.toContain('[DONE]');
    const events = sseEvents(text) as Chunk[];
    expect(events).toHaveLength(4);
    expect(textOf(events)).toBe('alpha beta gamma delta');
    expect(events.map((e) => e.candidates?.[0]?.finishReason)).toEqual([undefined, undefined, undefined, 'STOP']);
    expect(new Set(events.map((e) => e.responseId)).size).toBe(1);
  });

  it('frames with \\n\\n on request', async () => {
    mock.script({ reply: { kind: 'text', text: 'abc' }, stream: { framing: '\n\n' } });
    const text = await (await post(mock.url, SSE, simpleRequest)).text();
    expect(text).not.toContain('\r');
    expect(textOf(sseEvents(text, '\n\n'))).toBe('abc');
  });

  it('sends a JSON array without alt=sse, and array-wrapped errors there', async () => {
    const res = await post(mock.url, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', simpleRequest);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const events = (await res.json()) as Chunk[];
    expect(events.length).toBeGreaterThan(1);
    expect(textOf(events)).toBe('mock answer to: hello there');
    mock.script({ reply: { kind: 'quota', quota: 'per_minute' } });
    const failed = await post(mock.url, '/v1beta/models/gemini-2.5-flash:streamGenerateContent', simpleRequest);
    expect(failed.status).toBe(429);
    expect(((await failed.json()) as Chunk[])[0]?.error?.status).toBe('RESOURCE_EXHAUSTED');
  });

  // Where the pieces are cut is proven in mock-gemini-answers.test.ts (pieceCuts); here, that the
  // cut bytes arrive intact. How many reads they take is the client's affair: TCP keeps no
  // boundaries, and a busy reader gets several pieces at once.
  it('awkward splits (cut positions: pieceCuts, unit-tested) deliver the bytes intact, multi-byte text included', async () => {
    const answer = 'héllo wörld 🌍 done';
    mock.script({ reply: { kind: 'text', text: answer, chunks: 2 }, stream: { split: 'awkward' } });
    const chunks = await readChunks(await post(mock.url, SSE, simpleRequest));
    expect(textOf(sseEvents(joinText(chunks)))).toBe(answer);
  });

  it('split: {every} (cut positions: pieceCuts, unit-tested) delivers the bytes intact', async () => {
    mock.script({ reply: { kind: 'text', text: 'abcdef', chunks: 1 }, stream: { split: { every: 7 } } });
    const chunks = await readChunks(await post(mock.url, SSE, simpleRequest));
    expect(textOf(sseEvents(joinText(chunks)))).toBe('abcdef');
  });
});

describe('misbehaving streams', () => {
  it('waits chunkDelayMs between events', async () => {
    mock.script({ reply: { kind: 'text', text: 'a b c', chunks: 3 }, stream: { chunkDelayMs: 60 } });
    const started = Date.now();
    await (await post(mock.url, SSE, simpleRequest)).text();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });

  it('drops the connection after N events: the client sees those events, then a broken body', async () => {
    mock.script({ reply: { kind: 'text', text: 'one two three', chunks: 3 }, stream: { drop: { afterChunks: 1 } } });
    const res = await post(mock.url, SSE, simpleRequest);
    const reader = res.body?.getReader();
    const received: Uint8Array[] = [];
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = (await reader?.read()) ?? { done: true, value: undefined };
          if (done) return;
          received.push(value);
        }
      })(),
    ).rejects.toThrow();
    expect(sseEvents(joinText(received))).toHaveLength(1);
  });

  it('stalls for ms mid-stream, then finishes', async () => {
    mock.script({ reply: { kind: 'text', text: 'x y', chunks: 2 }, stream: { stall: { afterChunks: 1, ms: 150 } } });
    const started = Date.now();
    const events = sseEvents(await (await post(mock.url, SSE, simpleRequest)).text());
    expect(events).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('stalls forever until the client gives up, and close() still returns promptly', async () => {
    const own = await startMockGemini();
    own.script({ reply: { kind: 'text', text: 'x y', chunks: 2 }, stream: { stall: { afterChunks: 1 } } });
    const res = await post(own.url, SSE, simpleRequest);
    const reader = res.body?.getReader();
    const first = await reader?.read();
    expect(sseEvents(Buffer.from(first?.value ?? new Uint8Array()).toString('utf8'))).toHaveLength(1);
    const next = reader?.read();
    const timeout = new Promise((resolve) => setTimeout(() => resolve('stalled'), 150));
    expect(await Promise.race([next, timeout])).toBe('stalled');
    const closing = Date.now();
    await own.close();
    expect(Date.now() - closing).toBeLessThan(1000);
    await next?.catch(() => undefined);
  });

  it('sends an error event mid-stream, then ends the body', async () => {
    mock.script({ reply: { kind: 'text', text: 'a b c', chunks: 3 }, stream: { errorAfter: { chunks: 2, error: { kind: 'serverError', status: 503 } } } });
    const res = await post(mock.url, SSE, simpleRequest);
    expect(res.status).toBe(200);
    const events = sseEvents(await res.text()) as Chunk[];
    expect(events).toHaveLength(3);
    expect(events[2]?.error).toMatchObject({ code: 503, status: 'UNAVAILABLE' });
  });

  it('streams a blocked prompt as one event without candidates', async () => {
    mock.script({ reply: { kind: 'blocked' } });
    const events = sseEvents(await (await post(mock.url, SSE, simpleRequest)).text()) as Array<Record<string, unknown>>;
    expect(events).toHaveLength(1);
    expect(events[0]).not.toHaveProperty('candidates');
    expect(events[0]).toHaveProperty('promptFeedback.blockReason', 'SAFETY');
  });

  it('streams thought summaries first when the request asks for them', async () => {
    mock.script({ reply: { kind: 'text', text: 'answer', thoughts: 'thinking hard' } });
    const body = { ...simpleRequest, generationConfig: { thinkingConfig: { includeThoughts: true } } };
    const events = sseEvents(await (await post(mock.url, SSE, body)).text()) as Chunk[];
    expect(events[0]?.candidates?.[0]?.content?.parts).toEqual([{ text: 'thinking hard', thought: true }]);
  });
});

describe('thought signatures on Gemini 3', () => {
  const PATH = '/v1beta/models/gemini-3-pro-preview:generateContent';
  it('a signature the mock issued makes the next turn pass; dropping it gives 400', async () => {
    mock.script({ times: 1, reply: { kind: 'toolCalls', calls: [{ name: 'get_weather', args: { city: 'Paris' } }] } });
    const first = (await (await post(mock.url, PATH, { contents: [userTurn('weather?')] })).json()) as Chunk;
    const modelParts = first.candidates?.[0]?.content?.parts ?? [];
    expect(modelParts[0]?.thoughtSignature).toBeTypeOf('string');
    const history = (parts: unknown[]) => ({
      contents: [userTurn('weather?'), { role: 'model', parts }, { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }] }],
    });
    expect((await post(mock.url, PATH, history(modelParts))).status).toBe(200);
    const unsigned = modelParts.map(({ thoughtSignature: _dropped, ...rest }) => rest);
    const res = await post(mock.url, PATH, history(unsigned));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('function call `default_api:get_weather` , position 2.');
  });
});
