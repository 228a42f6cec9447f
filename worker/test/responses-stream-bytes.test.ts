// The byte writers behind the Responses stream: FrameSlab (delta frames written into shared
// buffers) and StreamedTexts (each item's whole text kept as bytes for the frames that repeat it,
// delta frames written without building their string). What the client receives must be exactly
// the UTF-8 of the text the encoder wrote, whatever the text and however long the stream.
import { describe, expect, it } from 'vitest';
import { FrameSlab, SLAB_SIZE } from '../src/dialects/responses/frame-slab';
import { DeltaHead, StreamedTexts } from '../src/dialects/responses/streamed-texts';
import { Utf8Encoder } from '../src/sse';

const utf8 = new TextEncoder();
const str = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

const samples: Array<[string, string]> = [
  ['empty', ''],
  ['ASCII', 'hello, world'],
  ['accents and typography', 'naïve café “résumé” — ✓'],
  ['CJK', '\u4f60\u597d\u4e16\u754c'],
  ['a surrogate pair', 'emoji 😀 end'],
  ['a lone surrogate (written as U+FFFD)', 'broken \ud83d here'],
  ['JSON escapes', '"quoted" \\ back\\nslash\\u0000'],
];

describe('FrameSlab', () => {
  it.each(samples)('a frame is the head then the UTF-8 of the text: %s', (_name, text) => {
    const head = utf8.encode('event: x\ndata: {"delta":');
    const frame = new FrameSlab().write(head, text);
    expect(frame).toEqual(new Uint8Array([...head, ...utf8.encode(text)]));
  });

  it('frames already handed out stay intact while later ones are written, across many slabs', () => {
    const slab = new FrameSlab();
    const head = utf8.encode('H:');
    const written: Array<[Uint8Array, string]> = [];
    let total = 0;
    for (let i = 0; total < 5 * SLAB_SIZE; i++) {
      const text = `${i} ${'é'.repeat(i % 50)} ${'x'.repeat(i % 300)}`;
      const frame = slab.write(head, text);
      total += frame.byteLength;
      written.push([frame, text]);
    }
    for (const [frame, text] of written) expect(str(frame)).toBe(`H:${text}`);
    // The point of the slab: consecutive small frames share one buffer.
    expect(written[1]![0].buffer).toBe(written[0]![0].buffer);
    expect(new Set(written.map(([f]) => f.buffer)).size).toBeGreaterThan(4);
  });

  it('a frame too large to share gets a buffer of its own and leaves the slab as it was', () => {
    const slab = new FrameSlab();
    const head = utf8.encode('H:');
    const before = slab.write(head, 'small');
    const big = 'y'.repeat(SLAB_SIZE);
    const large = slab.write(head, big);
    const after = slab.write(head, 'next');
    expect(str(large)).toBe(`H:${big}`);
    expect(large.buffer).not.toBe(before.buffer);
    expect(after.buffer).toBe(before.buffer);
    expect(str(before)).toBe('H:small');
    expect(str(after)).toBe('H:next');
  });
});

describe('StreamedTexts', () => {
  const head = new DeltaHead('event: response.output_text.delta\ndata: {"type":"response.output_text.delta","delta":');
  const tail = (n: number) => `,"sequence_number":${n}}\n\n`;

  /** Streams `pieces` as deltas, one frame per step as the encoder does, then returns the end frame's bytes. */
  function stream(pieces: string[], steps: 'one delta per step' | 'two deltas per step'): { frames: string; end: Uint8Array; expected: string } {
    const texts = new StreamedTexts();
    const u = new Utf8Encoder();
    const t = texts.open();
    let frames = '';
    for (let i = 0; i < pieces.length; i += steps === 'one delta per step' ? 1 : 2) {
      let raw = '';
      for (const piece of pieces.slice(i, steps === 'one delta per step' ? i + 1 : i + 2)) {
        const literal = JSON.stringify(piece);
        texts.sent(t, literal, head, tail(i));
        raw += `${head.text}${literal}${tail(i)}`;
      }
      const bytes = texts.bytes(raw, u);
      expect(str(bytes)).toBe(raw);
      frames += raw;
    }
    const token = texts.close(t);
    const json = `{"type":"done","text":${JSON.stringify(token)}}`;
    return { frames, end: texts.bytes(json, u), expected: `{"type":"done","text":${JSON.stringify(pieces.join(''))}}` };
  }

  const cases: Array<[string, string[]]> = [
    ['no delta', []],
    ['one delta', ['Hi']],
    ['non-ASCII and escapes', samples.map(([, t]) => t)],
    ['more deltas than a batch, mixed widths', Array.from({ length: 300 }, (_, i) => (i % 3 ? `word ${i} ` : `été ${i}… `))],
    ['a text longer than the largest piece', Array.from({ length: 40 }, (_, i) => `${i}:${'ü'.repeat(3000)}`)],
    ['one delta larger than the slab shares', ['start ', 'z'.repeat(70_000), ' end']],
  ];
  it.each(cases)('the end frame holds the whole text, byte for byte: %s', (_name, pieces) => {
    for (const steps of ['one delta per step', 'two deltas per step'] as const) {
      const { end, expected } = stream(pieces, steps);
      expect(str(end)).toBe(expected);
    }
  });

  it('the string path gives the same text as the bytes', () => {
    const texts = new StreamedTexts();
    const t = texts.open();
    for (const [, piece] of samples) texts.sent(t, JSON.stringify(piece));
    const json = `{"text":${JSON.stringify(texts.close(t))}}`;
    expect(texts.text(json)).toBe(`{"text":${JSON.stringify(samples.map(([, p]) => p).join(''))}}`);
    expect(str(texts.bytes(json, new Utf8Encoder()))).toBe(texts.text(json));
  });

  it('a step with more output after the delta frame is encoded whole, even when its length matches the frame', () => {
    const texts = new StreamedTexts();
    const t = texts.open();
    const literal = '"abc"';
    texts.sent(t, literal, head, tail(0));
    texts.more(); // e.g. an error event written in the same step
    const other = 'x'.repeat(head.text.length + literal.length + tail(0).length);
    expect(str(texts.bytes(other, new Utf8Encoder()))).toBe(other);
  });
});
