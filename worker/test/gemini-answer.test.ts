import { describe, expect, it } from 'vitest';
import { failure } from './support/api-error';
import { confirmStream, readAnswer } from '../src/gemini/answer';

const enc = new TextEncoder();
const ev = (o: unknown) => `data: ${JSON.stringify(o)}\r\n\r\n`;
const ANSWER = { candidates: [{ content: { role: 'model', parts: [{ text: 'hi' }] }, finishReason: 'STOP', index: 0 }] };

/** A body delivering these chunks (then ending, or erroring, or staying open). */
function body(chunks: string[], end: 'close' | 'error' | 'open' = 'close'): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (i < chunks.length) return c.enqueue(enc.encode(chunks[i++]!));
      if (end === 'close') c.close();
      else if (end === 'error') c.error(new TypeError('Network connection lost.'));
      else return new Promise<void>(() => undefined);
      return undefined;
    },
  });
}

const text = (s: ReadableStream<Uint8Array>) => new Response(s).text();

describe('confirmStream', () => {
  it.each([
    ['an empty stream', [], 'close', /empty stream/],
    ['lines without data:', [`${JSON.stringify(ANSWER)}\r\n\r\n`], 'close', /without data: events/],
    ['events with candidates: []', [ev({ candidates: [], usageMetadata: { promptTokenCount: 2 } })], 'close', /without candidates/],
    ['a connection lost before the first event', [], 'error', /broke off before its first event/],
    ['a first event that is not JSON', ['data: <html>\r\n\r\n'], 'close', /not JSON/],
  ] as const)('refuses %s as gemini_bad_answer (502) before any header is sent', async (_name, chunks, end, message) => {
    const err = await failure(confirmStream(body([...chunks], end)));
    expect(err.fault).toEqual({ kind: 'gemini', reason: 'bad_answer' });
    expect(err.status).toBe(502);
    expect(err.message).toMatch(message);
  });

  it('turns an error event that opens the stream into its own status and label', async () => {
    const err = await failure(confirmStream(body([ev({ error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } })])));
    expect(err.status).toBe(429);
    expect(err.fault.kind).toBe('quota');
  });

  it('hands on every byte, split anywhere, once an answer (or a prompt block) shows', async () => {
    const whole = ev({ candidates: [], usageMetadata: {} }) + ev(ANSWER) + ev({ ...ANSWER, usageMetadata: { totalTokenCount: 3 } });
    const chunks = [whole.slice(0, 7), whole.slice(7, 80), whole.slice(80)];
    expect(await text(await confirmStream(body(chunks)))).toBe(whole);
    const blocked = ev({ promptFeedback: { blockReason: 'SAFETY' } });
    expect(await text(await confirmStream(body([blocked])))).toBe(blocked);
  });

  it('stops waiting after waitMs and hands on a slow stream, its read under way included', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let step = 0;
    const slow = new ReadableStream<Uint8Array>({
      async pull(c) {
        if (step++ === 0) {
          await gate;
          c.enqueue(enc.encode(ev(ANSWER)));
        } else c.close();
      },
    });
    const started = Date.now();
    const confirmed = await confirmStream(slow, 30);
    expect(Date.now() - started).toBeLessThan(1000);
    release();
    expect(await text(confirmed)).toBe(ev(ANSWER));
  });

  it('cancels Gemini\'s body when the client cancels the confirmed stream', async () => {
    let cancelled = false;
    const src = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode(ev(ANSWER)));
      },
      cancel() {
        cancelled = true;
      },
    });
    const confirmed = await confirmStream(src);
    await confirmed.cancel('client left');
    expect(cancelled).toBe(true);
  });
});

describe('readAnswer', () => {
  const res = (b: string | ReadableStream<Uint8Array>) => new Response(b, { status: 200 });

  it.each([
    ['an empty body', res(''), /empty body/],
    ['a body that is not JSON', res('<html>oops</html>'), /not JSON/],
    ['candidates: [] without promptFeedback', res(JSON.stringify({ candidates: [], usageMetadata: {} })), /without candidates/],
    ['no candidates key at all', res(JSON.stringify({ usageMetadata: {} })), /without candidates/],
    // The dialects' answer mappers take readAnswer's word for it: none checks the shape again.
    ['a JSON array', res('[{"candidates": []}]'), /not an answer/],
    ['JSON null', res('null'), /not an answer/],
    ['a JSON string', res('"text"'), /not an answer/],
    ['a connection lost mid-body', res(body(['{"candidates": ['], 'error')), /broke off/],
  ])('refuses %s as gemini_bad_answer', async (_name, r, message) => {
    const err = await failure(readAnswer(r));
    expect(err.fault).toEqual({ kind: 'gemini', reason: 'bad_answer' });
    expect(err.message).toMatch(message);
  });

  it('takes an answer, and a blocked prompt (no candidates, a promptFeedback)', async () => {
    expect(await readAnswer(res(JSON.stringify(ANSWER)))).toEqual(ANSWER);
    const blocked = { promptFeedback: { blockReason: 'SAFETY' } };
    expect(await readAnswer(res(JSON.stringify(blocked)))).toEqual(blocked);
  });
});
