import { describe, expect, it } from 'vitest';
import { readParts } from '../src/gemini/parts';
import { MAX_SCANNED_EVENT, type ScannedEvent, scanEvent } from '../src/gemini/stream-scan';
import { random } from './support/random';

// The scanner (the stream's fast path) may only ever read what JSON.parse + the generic path
// would read; everything it declines goes to JSON.parse. These tests pin what it reads, what it
// declines, and (by random mutation of real events) that whatever it accepts is valid JSON read
// the same way.

/** Gemini's own serialisation: `": "` after keys, `,` alone between members. */
function gemini(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(gemini).join(',')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}: ${gemini(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

const USAGE = { promptTokenCount: 8, candidatesTokenCount: 3, totalTokenCount: 41, promptTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }], thoughtsTokenCount: 30 };
const textEvent = (part: object, extra: object = {}) => ({
  candidates: [{ content: { parts: [part], role: 'model' }, ...extra, index: 0 }],
  usageMetadata: USAGE,
  modelVersion: 'gemini-2.5-flash',
  responseId: 'mSbQaM2xLYqHz7IP8cLx2Ac',
});

/** What JSON.parse + the generic path (stream.ts, parts.ts) read from an event the scanner accepted. */
function genericReading(data: string): ScannedEvent {
  const res = JSON.parse(data) as Record<string, unknown>;
  expect(typeof res === 'object' && res !== null && !Array.isArray(res)).toBe(true);
  expect(res.error).toBeUndefined();
  const candidates = res.candidates as Array<Record<string, unknown>>;
  expect(Array.isArray(candidates) && candidates.length === 1).toBe(true);
  const cand = candidates[0] as Record<string, unknown>;
  expect(typeof cand === 'object' && cand !== null).toBe(true);
  expect(cand.logprobsResult).toBeUndefined();
  expect(cand.groundingMetadata).toBeUndefined();
  const segments = readParts((cand.content as { parts?: unknown } | undefined)?.parts);
  expect(segments.length).toBeLessThanOrEqual(1);
  const seg = segments[0];
  if (seg) expect(seg.kind).not.toBe('calls');
  const text = seg && seg.kind !== 'calls' ? seg.text : '';
  const usage = res.usageMetadata;
  return {
    candidate: typeof cand.index === 'number' ? cand.index : 0,
    json: JSON.stringify(text),
    thought: text !== '' && seg?.kind === 'thought',
    signature: seg && seg.kind !== 'calls' ? seg.signature : undefined,
    finishReason: cand.finishReason as string | undefined,
    usage: usage ? JSON.stringify(usage) : undefined,
  };
}

/** The scanned reading in comparable form: usage re-serialised, `thought` meaningless without text. */
function comparable(ev: ScannedEvent): ScannedEvent {
  return { ...ev, thought: ev.json === '""' ? false : ev.thought, usage: ev.usage === undefined ? undefined : JSON.stringify(JSON.parse(ev.usage)) };
}

describe('scanEvent: reads the common events', () => {
  it.each([
    ['Gemini text chunk', gemini(textEvent({ text: 'Hello' })), { json: '"Hello"', thought: false }],
    ['JSON.stringify text chunk', JSON.stringify(textEvent({ text: 'Hello' })), { json: '"Hello"', thought: false }],
    ['role before parts (the mock)', JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ text: 'x' }] } }] }), { json: '"x"', usage: undefined }],
    ['thought summary', gemini(textEvent({ text: '**Plan**', thought: true })), { json: '"**Plan**"', thought: true }],
    ['thought: false is content', gemini(textEvent({ text: 'a', thought: false })), { thought: false }],
    ['thought before text', '{"candidates": [{"content": {"parts": [{"thought": true,"text": "a"}]}}]}', { thought: true, json: '"a"' }],
    ['text with a thought signature', gemini(textEvent({ text: 'a', thoughtSignature: 'CiIBVKhc7t+/xA==' })), { json: '"a"', signature: 'CiIBVKhc7t+/xA==' }],
    ['an empty text with a signature (how Gemini 3 may end)', gemini(textEvent({ text: '', thoughtSignature: 'c2ln' }, { finishReason: 'STOP' })), { json: '""', signature: 'c2ln', finishReason: 'STOP' }],
    ['last chunk with finishReason', gemini(textEvent({ text: '.' }, { finishReason: 'STOP' })), { finishReason: 'STOP' }],
    ['unknown finishReason, read as is', gemini(textEvent({ text: '.' }, { finishReason: 'SOMETHING_NEW' })), { finishReason: 'SOMETHING_NEW' }],
    ['scalar candidate metadata', gemini(textEvent({ text: '.' }, { finishReason: 'STOP', avgLogprobs: -0.25, finishMessage: 'ok' })), { finishReason: 'STOP' }],
    ['second candidate index', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'b' }] }, index: 1 }] }), { candidate: 1 }],
    ['empty text', gemini(textEvent({ text: '' })), { json: '""' }],
    ['no usage', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] } }] }), { usage: undefined, candidate: 0 }],
    ['tabs and newlines between tokens', `{\t"candidates": [{"content": {"parts": [{"text": "a"}]}}]\n}`, { json: '"a"' }],
    ['nested candidate metadata (safety ratings), skipped', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] }, finishReason: 'SAFETY', index: 0, safetyRatings: [{ category: 'X', probability: 'HIGH' }] }] }), { finishReason: 'SAFETY' }],
    ['a member before candidates', `{"responseId": "r",${JSON.stringify(textEvent({ text: 'a' })).slice(1)}`, { json: '"a"' }],
    ['usage before candidates', JSON.stringify({ usageMetadata: USAGE, candidates: [{ content: { parts: [{ text: 'a' }] } }] }), { json: '"a"' }],
    ['finishReason after index', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": 0,"finishReason": "STOP"}]}', { finishReason: 'STOP' }],
  ])('%s', (_name, data, want) => {
    const got = scanEvent(data);
    expect(got).not.toBeNull();
    expect(got).toMatchObject(want);
    expect(comparable(got as ScannedEvent)).toEqual(genericReading(data));
  });

  it('hands over usageMetadata as raw JSON, details included', () => {
    expect(JSON.parse(scanEvent(gemini(textEvent({ text: 'a' })))?.usage as string)).toEqual(USAGE);
  });

  it.each([
    ['newline, tab, quote, backslash', 'line 1\nline 2\t"q" \\ end'],
    ['other control characters', '\b\f\r\u0000\u0001\u000b\u001f'],
    ['non-ASCII and emoji (raw)', 'héllo 漢字 👋🏽 \u2028 \ufeff'],
    ['a closing-quote-like escape at the end', 'ends with \\"'],
  ])('keeps the literal verbatim when JSON.stringify would write it the same: %s', (_name, text) => {
    const data = gemini(textEvent({ text }));
    expect(scanEvent(data)?.json).toBe(JSON.stringify(text));
  });

  it.each([
    ['\\/', String.raw`a\/b`, '"a/b"'],
    ['\\u00e9', String.raw`caf\u00e9`, '"café"'],
    ['uppercase \\u001F', String.raw`\u001F`, String.raw`"\u001f"`],
    ['\\u escape of a short form', String.raw`\u000a`, String.raw`"\n"`],
    ['escaped surrogate pair', String.raw`\ud83d\ude00`, '"😀"'],
    ['escaped lone surrogate', String.raw`\ud83d!`, String.raw`"\ud83d!"`],
  ])('re-encodes a text written with other escapes (%s) as JSON.stringify would', (_name, raw, literal) => {
    const data = `{"candidates": [{"content": {"parts": [{"text": "${raw}"}]}}]}`;
    expect(scanEvent(data)?.json).toBe(literal);
    expect(comparable(scanEvent(data) as ScannedEvent)).toEqual(genericReading(data));
  });

  it('re-encodes a raw lone surrogate (never in decoded bytes, but the reader does not rely on it)', () => {
    const data = `{"candidates": [{"content": {"parts": [{"text": "a\ud800b"}]}}]}`;
    expect(scanEvent(data)?.json).toBe(String.raw`"a\ud800b"`);
  });
});

describe('scanEvent: leaves everything else to JSON.parse', () => {
  const ok = JSON.stringify(textEvent({ text: 'a' }));
  it('(the control case is read)', () => expect(scanEvent(ok)).not.toBeNull());

  it.each([
    ['two parts', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a', thought: true }, { text: 'b' }] } }] })],
    ['grounding metadata', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] }, groundingMetadata: { webSearchQueries: ['q'] } }] })],
    ['nesting deeper than 8', `${ok.slice(0, -1)},"x": [[[[[[[[[1]]]]]]]]]}`],
    ['a function call', JSON.stringify({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] } }] })],
    ['text beside a function call', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a', functionCall: { name: 'f', args: {} } }] } }] })],
    ['an image', JSON.stringify({ candidates: [{ content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AA==' } }] } }] })],
    ['a part without text', JSON.stringify({ candidates: [{ content: { parts: [{ thought: true }] } }] })],
    ['a text that is not a string', JSON.stringify({ candidates: [{ content: { parts: [{ text: 5 }] } }] })],
    ['no parts', JSON.stringify({ candidates: [{ content: { role: 'model' }, finishReason: 'STOP' }] })],
    ['empty parts', JSON.stringify({ candidates: [{ content: { parts: [] }, finishReason: 'STOP' }] })],
    ['no content', JSON.stringify({ candidates: [{ finishReason: 'STOP' }] })],
    ['two candidates', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] } }, { content: { parts: [{ text: 'b' }] }, index: 1 }] })],
    ['no candidates (blocked prompt)', JSON.stringify({ promptFeedback: { blockReason: 'SAFETY' } })],
    ['empty candidates', '{"candidates": []}'],
    ['usage only', JSON.stringify({ usageMetadata: USAGE })],
    ['an error event', JSON.stringify({ error: { code: 503, message: 'overloaded', status: 'UNAVAILABLE' } })],
    ['an error beside candidates', `${ok.slice(0, -1)},"error": 1}`],
    ['logprobs (even a scalar, which the generic path would ignore)', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"logprobsResult": 1}]}'],
    ['logprobs', JSON.stringify({ candidates: [{ content: { parts: [{ text: 'a' }] }, logprobsResult: { chosenCandidates: [] } }] })],
    ['nested top-level metadata', `${ok.slice(0, -1)},"promptFeedback": {"blockReason": "X"}}`],
    ['usage that is not an object', '{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": 5}'],
    ['finishReason that is not a plain string', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": null}]}'],
    ['finishReason with an escape', String.raw`{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": "ST\u004fP"}]}`],
    ['index 1.5', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": 1.5}]}'],
    ['index 1e0', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": 1e0}]}'],
    ['index -1', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": -1}]}'],
    ['index "0"', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": "0"}]}'],
    ['index 10000', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": 10000}]}'],
    ['index 01', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": 01}]}'],
    ['thought: "true"', '{"candidates": [{"content": {"parts": [{"text": "a","thought": "true"}]}}]}'],
    ['a repeated text', '{"candidates": [{"content": {"parts": [{"text": "a","text": "b"}]}}]}'],
    ['a repeated parts', '{"candidates": [{"content": {"parts": [{"text": "a"}],"parts": [{"text": "b"}]}}]}'],
    ['a repeated finishReason', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP","finishReason": "SAFETY"}]}'],
    ['a repeated index', '{"candidates": [{"content": {"parts": [{"text": "a"}]},"index": 0,"index": 1}]}'],
    ['a repeated candidates', `${ok.slice(0, -1)},"candidates": []}`],
    ['a repeated usageMetadata', `${ok.slice(0, -1)},"usageMetadata": null}`],
    ['a read key spelled with an escape', String.raw`{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usage\u004detadata": null}`],
    ['a trailing comma', '{"candidates": [{"content": {"parts": [{"text": "a"}]}}],}'],
    ['a trailing comma in usage', '{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": {"a": 1,}}'],
    ['a missing comma in usage', '{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": {"a": 1 "b": 2}}'],
    ['a bad number in usage', '{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": {"a": 01}}'],
    ['a bad escape in the text', String.raw`{"candidates": [{"content": {"parts": [{"text": "a\x"}]}}]}`],
    ['a short \\u escape in the text', String.raw`{"candidates": [{"content": {"parts": [{"text": "a\u12"}]}}]}`],
    ['a raw control character in the text', '{"candidates": [{"content": {"parts": [{"text": "a\u0001"}]}}]}'],
    ['a raw control character in a key', '{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"k\u0001": 1}'],
    ['an unterminated text', '{"candidates": [{"content": {"parts": [{"text": "a}]}}]}'],
    ['something after the object', `${ok}x`],
    ['a second object', `${ok}${ok}`],
    ['a leading byte order mark', `\ufeff${ok}`],
    ['an empty event', ''],
    ['an array', `[${ok}]`],
  ])('%s', (_name, data) => {
    expect(scanEvent(data)).toBeNull();
  });

  it(`declines events longer than ${MAX_SCANNED_EVENT} characters, and reads one just under`, () => {
    const pad = (n: number) => `{"candidates": [{"content": {"parts": [{"text": "${'\\n'.repeat(n)}"}]}}]}`;
    const base = pad(0).length;
    const under = Math.floor((MAX_SCANNED_EVENT - base) / 2);
    expect(scanEvent(pad(under))?.json.length).toBe(under * 2 + 2);
    expect(scanEvent(pad(under + 1))).toBeNull();
  });
});


describe('scanEvent: random mutations of real events', () => {
  const seeds = [
    gemini(textEvent({ text: 'Hello "world"\n\\ é 👋', thought: true, thoughtSignature: 'c2ln' }, { finishReason: 'STOP' })),
    JSON.stringify(textEvent({ text: 'plain text' })),
    String.raw`{"candidates": [{"content": {"parts": [{"text": "a\u00e9\/\ud83d\ude00"}],"role": "model"},"index": 3}],"usageMetadata": {"a": -1.5e+3,"b": [{"c": true,"d": null}],"e": []}}`,
  ];
  // What a mutation inserts: JSON's structural characters, escapes, digits, keys and control characters.
  const inserts = ['"', '\\', '{', '}', '[', ']', ',', ':', ' ', '\t', '\n', '0', '1', '-', '+', '.', 'e', 'E', 'u', 'n', 'true', 'null', '"index": 1,', '"text": "x",', '"error": 1,', '\u0000', '\u001f', '\ud800', '\udc00', 'é'];

  function mutate(s: string, rnd: () => number): string {
    const at = Math.floor(rnd() * (s.length + 1));
    const r = rnd();
    if (r < 0.35) return s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 3));
    if (r < 0.8) return s.slice(0, at) + (inserts[Math.floor(rnd() * inserts.length)] as string) + s.slice(at);
    const from = Math.floor(rnd() * s.length);
    return s.slice(0, at) + s.slice(from, from + 1 + Math.floor(rnd() * 12)) + s.slice(at);
  }

  it('accepts only valid JSON, read exactly as JSON.parse + the generic path read it', () => {
    const rnd = random(20_260_325);
    let accepted = 0;
    let declined = 0;
    for (let i = 0; i < 30_000; i++) {
      let data = seeds[i % seeds.length] as string;
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) data = mutate(data, rnd);
      const fast = scanEvent(data);
      if (fast === null) {
        declined++;
        continue;
      }
      accepted++;
      let generic: ScannedEvent | undefined;
      try {
        generic = genericReading(data);
      } catch (err) {
        expect({ data, err: String(err) }).toEqual({ data, err: 'accepted, so JSON.parse and the generic reading must succeed' });
      }
      if (JSON.stringify(comparable(fast)) !== JSON.stringify(generic)) expect({ data, fast: comparable(fast) }).toEqual({ data, fast: generic });
    }
    // Both sides exercised: the property is not vacuous.
    expect(accepted).toBeGreaterThan(1000);
    expect(declined).toBeGreaterThan(1000);
  });
});
