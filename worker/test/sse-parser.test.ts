import { describe, expect, it } from 'vitest';
import { MAX_SSE_EVENT_SIZE, SSE_DONE, SSE_KEEPALIVE, SseEventTooLargeError, SseParser, Utf8Encoder, encodeSseData, sseDataFrame } from '../src/sse';

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** Feeds `input` in the given pieces and returns every event, end() included. */
function parse(pieces: Array<string | Uint8Array>, options?: { maxEventSize?: number }): string[] {
  const parser = new SseParser(options);
  const events: string[] = [];
  for (const p of pieces) events.push(...parser.push(typeof p === 'string' ? utf8.encode(p) : p));
  events.push(...parser.end());
  return events;
}

/** Every way of cutting `bytes` in two, plus one byte at a time. */
function splits(bytes: Uint8Array): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let i = 0; i <= bytes.length; i++) out.push([bytes.subarray(0, i), bytes.subarray(i)]);
  out.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  return out;
}

describe('SseParser framing', () => {
  it.each([
    ['CRLF (what Gemini sends)', 'data: {"a":1}\r\n\r\ndata: {"b":2}\r\n\r\n'],
    ['LF', 'data: {"a":1}\n\ndata: {"b":2}\n\n'],
    ['CR', 'data: {"a":1}\r\rdata: {"b":2}\r\r'],
    ['mixed line ends', 'data: {"a":1}\r\n\ndata: {"b":2}\r\r\n'],
  ])('splits events framed with %s', (_name, input) => {
    expect(parse([input])).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('joins multi-line data with \\n and takes the value after one optional space', () => {
    expect(parse(['data: one\ndata:two\ndata:  three\n\n'])).toEqual(['one\ntwo\n three']);
  });

  it('ignores comments and other fields, and does not dispatch an event without data', () => {
    expect(parse([': keep-alive\n\nevent: message\nid: 7\nretry: 10\ndata: x\n\nid: 8\n\n'])).toEqual(['x']);
  });

  it('dispatches an empty data field as an empty event ("data" alone or "data:")', () => {
    expect(parse(['data\n\ndata:\n\n'])).toEqual(['', '']);
  });

  it('does not treat a field merely starting with "data" as data', () => {
    expect(parse(['database: x\ndata2: y\n\n'])).toEqual([]);
  });

  it('drops a leading byte order mark', () => {
    expect(parse([new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode('data: x\n\n')])])).toEqual(['x']);
  });

  it('dispatches a last event whose blank line never came, including an unterminated last line', () => {
    expect(parse(['data: {"a":1}\r\n'])).toEqual(['{"a":1}']);
    expect(parse(['data: {"a":1}'])).toEqual(['{"a":1}']);
    expect(parse(['data: {"a":1}\r\n\r\ndata: {"tr'])).toEqual(['{"a":1}', '{"tr']);
  });

  it('returns events as soon as their blank line arrives, not at end()', () => {
    const parser = new SseParser();
    expect(parser.push(utf8.encode('data: a\r\n'))).toEqual([]);
    expect(parser.push(utf8.encode('\r\ndata: b'))).toEqual(['a']);
    expect(parser.end()).toEqual(['b']);
  });

  it('treats a CR at the end of a chunk and a LF opening the next as one line end, not two', () => {
    const parser = new SseParser();
    expect(parser.push(utf8.encode('data: a\r'))).toEqual([]);
    // Were the LF a second line end, it would be a blank line and dispatch "a" alone.
    expect(parser.push(utf8.encode('\ndata: b\r'))).toEqual([]);
    expect(parser.push(utf8.encode('\n\r'))).toEqual(['a\nb']);
    expect(parser.push(utf8.encode('\ndata: c\r\n\r\n'))).toEqual(['c']);
  });

  it('keeps the CR/LF pairing across an empty chunk', () => {
    const parser = new SseParser();
    expect(parser.push(utf8.encode('data: a\r'))).toEqual([]);
    expect(parser.push(new Uint8Array(0))).toEqual([]);
    expect(parser.push(utf8.encode('\ndata: b\r\n\r\n'))).toEqual(['a\nb']);
  });

  it('keeps a UTF-8 char whose bytes straddle chunks, the first chunk decoding to nothing', () => {
    const euro = utf8.encode('€'); // 3 bytes
    const parser = new SseParser();
    expect(parser.push(utf8.encode('data: a\r\ndata: '))).toEqual([]);
    expect(parser.push(euro.subarray(0, 1))).toEqual([]);
    expect(parser.push(euro.subarray(1, 2))).toEqual([]);
    expect(parser.push(new Uint8Array([...euro.subarray(2), 13, 10, 13, 10]))).toEqual(['a\n€']);
  });
});

describe('SseParser across chunk boundaries', () => {
  const input = utf8.encode(
    ': hello\r\ndata: {"t":"héllo wörld 漢字 😀"}\r\n\r\ndata: line1\ndata: line2\n\ndata: x\r\rdata: p\r\ndata: q\r\n\r\ndata: {"last":true}\r\n\r\n',
  );
  const expected = ['{"t":"héllo wörld 漢字 😀"}', 'line1\nline2', 'x', 'p\nq', '{"last":true}'];

  it('gives identical events for every split point and byte-at-a-time feeding', () => {
    expect(parse([input])).toEqual(expected);
    for (const pieces of splits(input)) expect(parse(pieces)).toEqual(expected);
  });

  it('decodes a 4-byte UTF-8 char split over four chunks', () => {
    const bytes = utf8.encode('data: 😀\n\n');
    const at = bytes.indexOf(0xf0);
    expect(parse([bytes.subarray(0, at + 1), bytes.subarray(at + 1, at + 2), bytes.subarray(at + 2, at + 3), bytes.subarray(at + 3)])).toEqual(['😀']);
  });

  it('replaces invalid UTF-8 with U+FFFD instead of throwing', () => {
    expect(parse([new Uint8Array([...utf8.encode('data: a'), 0xff, ...utf8.encode('b\n\n')])])).toEqual(['a\ufffdb']);
  });

  it('assembles a long line spread over many chunks', () => {
    const long = 'x'.repeat(100_000);
    const bytes = utf8.encode(`data: ${long}\r\n\r\n`);
    const pieces: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += 1000) pieces.push(bytes.subarray(i, i + 1000));
    expect(parse(pieces)).toEqual([long]);
  });
});

describe('SseParser size limit', () => {
  it('defaults to 16 MiB', () => {
    expect(MAX_SSE_EVENT_SIZE).toBe(16 * 1024 * 1024);
  });

  it('accepts an event at the limit', () => {
    expect(parse([`data: ${'a'.repeat(9)}\n\n`], { maxEventSize: 10 })).toEqual(['a'.repeat(9)]);
  });

  it('throws when one data line grows past the limit, even before its line ends', () => {
    const parser = new SseParser({ maxEventSize: 10 });
    expect(parser.push(utf8.encode('data: 123'))).toEqual([]);
    expect(() => parser.push(utf8.encode('45678901'))).toThrow(SseEventTooLargeError);
  });

  it('counts every data line of the event', () => {
    expect(() => parse(['data: 12345\ndata: 12345\n\n'], { maxEventSize: 10 })).toThrow(SseEventTooLargeError);
  });

  it('resets the count per event', () => {
    expect(parse(['data: 12345\n\ndata: 12345\n\n'], { maxEventSize: 10 })).toEqual(['12345', '12345']);
  });
});

describe('SSE encoding', () => {
  it('frames JSON as one data line and a blank line', () => {
    expect(text.decode(encodeSseData('{"a":"b"}'))).toBe('data: {"a":"b"}\n\n');
  });

  it('splits text with line breaks into data lines that parse back to the same text', () => {
    const frame = sseDataFrame('a\nb\r\nc\rd');
    expect(frame).toBe('data: a\ndata: b\ndata: c\ndata: d\n\n');
    expect(parse([frame])).toEqual(['a\nb\nc\nd']);
  });

  it('has a keep-alive comment that parsers ignore, and the [DONE] sentinel', () => {
    expect(text.decode(SSE_KEEPALIVE)).toBe(': keep-alive\n\n');
    expect(parse([SSE_KEEPALIVE])).toEqual([]);
    expect(parse([SSE_DONE])).toEqual(['[DONE]']);
  });
});

describe('Utf8Encoder', () => {
  it.each([
    ['empty', ''],
    ['ASCII', 'data: {"a":"b"}\n\n'],
    ['2-, 3- and 4-byte characters', 'é 漢字 😀 👋🏽'],
    ['lone surrogates (U+FFFD, as TextEncoder)', 'a\ud800b\udc00'],
    ['a string longer than its scratch buffer keeps', 'x'.repeat((1 << 20) + 1)],
  ])('gives TextEncoder’s bytes: %s', (_name, s) => {
    const got = new Utf8Encoder().encode(s);
    const want = utf8.encode(s);
    // Compared by hand: toEqual walks a megabyte of bytes slowly.
    expect(got.length).toBe(want.length);
    expect(got.every((b, i) => b === want[i])).toBe(true);
  });

  it('returns fresh bytes each time: a later call does not change an earlier result', () => {
    const encoder = new Utf8Encoder();
    const first = encoder.encode('first 😀');
    const second = encoder.encode('SECOND, longer: ' + '漢'.repeat(30_000));
    expect(text.decode(first)).toBe('first 😀');
    expect(text.decode(second)).toBe('SECOND, longer: ' + '漢'.repeat(30_000));
    expect(first.buffer).not.toBe(second.buffer);
  });
});
