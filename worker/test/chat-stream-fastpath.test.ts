import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeToolCallId } from '../src/gemini/signatures';
import { ChatStreamConverter, type StreamContext } from '../src/dialects/openai-chat/stream';
import { scanEvent } from '../src/gemini/stream-scan';
import { random } from './support/random';

// The converter's output must not depend on which path read an event: the scanner (the fast
// path, stream-scan.ts, no JSON.parse) or the generic one. The same stream converted with the
// scanner switched off goes through JSON.parse alone: both outputs must be identical, byte for
// byte.
const utf8 = new TextEncoder();

function context(includeUsage: boolean): StreamContext {
  let n = 0;
  return { id: 'chatcmpl-fp', created: 1_760_000_000, model: 'gemini-2.5-flash', includeUsage, keepAliveMs: 0, toolCallId: (c) => encodeToolCallId(c, () => `n${++n}`) };
}

/** Converts SSE text fed in pieces of `step` bytes, as the stream does. */
function convert(body: string, includeUsage: boolean, step: number, scan = true): string {
  const bytes = utf8.encode(body);
  const c = new ChatStreamConverter(context(includeUsage), { scan });
  let out = '';
  for (let i = 0; i < bytes.length; i += step) out += c.push(bytes.subarray(i, i + step));
  return out + c.end();
}

const sse = (events: string[]) => events.map((e) => `data: ${e}\r\n\r\n`).join('');

/** Gemini's own serialisation: `": "` after keys, `,` alone between members. */
function gemini(v: unknown, str: (s: string) => string = JSON.stringify): string {
  if (Array.isArray(v)) return `[${v.map((x) => gemini(x, str)).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${gemini(x, str)}`).join(',')}}`;
  return typeof v === 'string' ? str(v) : JSON.stringify(v);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('stream conversion: fast path and JSON.parse agree', () => {
  const usage = (n: number) => ({ promptTokenCount: 12, candidatesTokenCount: n, totalTokenCount: 12 + n + 40, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12 }], thoughtsTokenCount: 40 });
  const meta = { modelVersion: 'gemini-2.5-flash', responseId: 'mSbQaM2xLYqHz7IP8cLx2Ac' };
  const ANSWER = [
    { candidates: [{ content: { parts: [{ text: '**Thinking** about "it"\n', thought: true }], role: 'model' }, index: 0 }], usageMetadata: usage(0), ...meta },
    { candidates: [{ content: { parts: [{ text: 'Grüße, 世界! 👋🏽\n\n```ts\nconst a = "b\\\\c";\n```' }], role: 'model' }, index: 0 }], usageMetadata: usage(9), ...meta },
    { candidates: [{ content: { parts: [{ text: ' Done.', thoughtSignature: 'CiIBVKhc7t+/xA==' }], role: 'model' }, finishReason: 'STOP', index: 0 }], usageMetadata: usage(12), ...meta },
  ].map((e) => gemini(e));

  it('takes the fast path for every event of a plain Gemini answer (JSON.parse only for the first and the final usage)', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const out = convert(sse(ANSWER), true, 64);
    expect(parse).toHaveBeenCalledTimes(2);
    parse.mockRestore();
    expect(out).toBe(convert(sse(ANSWER), true, 64, false));
    expect(out).toContain('"reasoning_content":"**Thinking** about \\"it\\"\\n"');
    expect(out).toContain('"usage":{"prompt_tokens":12,"completion_tokens":52,"total_tokens":64,');
  });

  it('gives the same bytes for random streams mixing both paths', () => {
    const rnd = random(7_357);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
    const chars = ['a', 'b', ' ', '"', '\\', '\n', '\t', '\u0001', 'é', '漢', '😀', '\u2028', '/', '<'];
    const text = () => Array.from({ length: Math.floor(rnd() * 6) }, () => pick(chars)).join('');
    /** Strings sometimes written with escapes JSON.stringify would not use. */
    const odd = (s: string) => `"${Array.from(s, (ch) => (rnd() < 0.3 ? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}` : JSON.stringify(ch).slice(1, -1))).join('')}"`;
    const part = (): object => {
      const r = rnd();
      if (r < 0.1) return { functionCall: { name: 'f', args: { q: text() } }, ...(rnd() < 0.5 ? { thoughtSignature: 'c2ln' } : {}) };
      if (r < 0.15) return { inlineData: { mimeType: 'image/png', data: 'AA==' } };
      return { text: text(), ...(rnd() < 0.3 ? { thought: rnd() < 0.8 } : {}), ...(rnd() < 0.2 ? { thoughtSignature: 'c2ln' } : {}) };
    };
    const candidate = (i: number, last: boolean): object => {
      const parts = Array.from({ length: pick([1, 1, 1, 1, 1, 0, 2, 3]) }, part);
      const content = rnd() < 0.05 ? undefined : rnd() < 0.3 ? { role: 'model', parts } : { parts, role: 'model' };
      const finish = last || rnd() < 0.1 ? { finishReason: pick(['STOP', 'STOP', 'MAX_TOKENS', 'SAFETY', 'RECITATION', 'SOMETHING_NEW']) } : {};
      const extra = rnd() < 0.1 ? pick([{ avgLogprobs: -0.5 }, { safetyRatings: [{ category: 'HARM', probability: 'LOW' }] }, { logprobsResult: { chosenCandidates: [{ token: 'a', logProbability: -1 }] } }]) : {};
      const index = rnd() < 0.2 ? {} : { index: rnd() < 0.9 ? i : pick([5, 1001]) };
      return { ...(content ? { content } : {}), ...finish, ...extra, ...index };
    };
    const event = (last: boolean): object => {
      const r = rnd();
      if (r < 0.04) return { usageMetadata: { promptTokenCount: 3 } };
      if (r < 0.06) return { promptFeedback: { blockReason: 'SAFETY' } };
      if (r < 0.07) return { error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } };
      const n = rnd() < 0.85 ? 1 : 2;
      return {
        candidates: Array.from({ length: n }, (_, i) => candidate(i, last)),
        ...(rnd() < 0.8 ? { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: Math.floor(rnd() * 100), totalTokenCount: 200, ...(rnd() < 0.5 ? { promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }] } : {}) } } : {}),
        modelVersion: 'gemini-2.5-flash',
        responseId: 'r',
      };
    };

    let fast = 0;
    let total = 0;
    for (let s = 0; s < 400; s++) {
      const n = 1 + Math.floor(rnd() * 6);
      const events = Array.from({ length: n }, (_, i) => {
        const e = event(i === n - 1);
        const r = rnd();
        return r < 0.5 ? gemini(e) : r < 0.8 ? JSON.stringify(e) : gemini(e, odd);
      });
      for (const e of events) if (scanEvent(e) !== null) fast++;
      total += events.length;
      const includeUsage = rnd() < 0.5;
      const step = pick([7, 64, 1 << 16]);
      const want = convert(sse(events), includeUsage, step, false);
      const got = convert(sse(events), includeUsage, step);
      if (got !== want) expect({ events, got }).toEqual({ events, got: want });
    }
    // Both paths exercised, in the same streams.
    expect(fast).toBeGreaterThan(total / 4);
    expect(fast).toBeLessThan(total);
  });
});

