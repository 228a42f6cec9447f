import { describe, expect, it } from 'vitest';
import { ErrorEventScanner, findErrorEvent, readFirstEvent, scrubChunk } from '../src/proxy/relay';
import { scanUsage } from '../src/accounting/usage-scan';

const b = (s: string) => Buffer.from(s);

describe('usage scan', () => {
  it.each([
    ['OpenAI body', '{"id":"x","usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}', { in: 12, out: 34 }],
    ['OpenAI usage chunk with spaces', 'data: {"choices":[],"usage": {"prompt_tokens": 5, "completion_tokens": 7}}\n\n', { in: 5, out: 7 }],
    ['Gemini cumulative chunks: the last one counts', 'data: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}\r\n\r\ndata: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":9,"thoughtsTokenCount":4}}\r\n\r\n', { in: 3, out: 13 }],
    ['Gemini with built-in tools: tool-use prompt tokens are prompt tokens, as the Worker counts them', '{"usageMetadata":{"promptTokenCount":10,"toolUsePromptTokenCount":6,"candidatesTokenCount":2}}', { in: 16, out: 2 }],
    ['no usage', 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\n', undefined],
  ])('%s', (_name, text, expected) => {
    expect(scanUsage(b(text))).toEqual(expected);
  });
});

describe('SSE error events', () => {
  it('finds an error event in either framing and parses it', () => {
    expect(findErrorEvent(b('data: {"error":{"code":"quota_per_day","message":"m"}}\n\n'))).toEqual({ error: { code: 'quota_per_day', message: 'm' } });
    expect(findErrorEvent(b('data: {"x":1}\r\n\r\ndata:{"error":{"code":503}}\r\n\r\n'))).toEqual({ error: { code: 503 } });
  });

  it('does not mistake model text or tool arguments that mention "error" for an event', () => {
    expect(findErrorEvent(b('data: {"choices":[{"delta":{"content":"{\\"error\\": 1}"}}]}\n\n'))).toBeUndefined();
    expect(findErrorEvent(b('data: {"candidates":[{"content":{"parts":[{"functionCall":{"args":{"error":"x"}}}]}}]}\n\n'))).toBeUndefined();
  });
});

describe('scrubbing chunks', () => {
  it('replaces keys and leaves other chunks untouched (same buffer)', () => {
    const clean = b('data: {"a":1}\n\n');
    expect(scrubChunk(clean)).toBe(clean);
    const key = `AIza${'1'.repeat(35)}`;
    expect(scrubChunk(b(`{"message":"api_key:${key} leaked"}`)).toString()).not.toContain(key);
  });
});

describe('error events cut across chunks', () => {
  const event = 'data: {"error":{"message":"m","code":"quota_per_day"}}\r\n\r\n';
  it.each([5, 9, 13, 20, 40])('finds the event when the stream is cut every %i bytes', (size) => {
    const stream = Buffer.from(`data: {"choices":[]}\r\n\r\n${event}`);
    const s = new ErrorEventScanner();
    let found: unknown;
    for (let i = 0; i < stream.length; i += size) found ??= s.push(stream.subarray(i, i + size));
    expect(found).toEqual({ error: { message: 'm', code: 'quota_per_day' } });
  });

  it('an event cut before its end of line is completed by the next chunk', () => {
    const s = new ErrorEventScanner();
    expect(s.push(Buffer.from('data: {"error":{"code":"gem'))).toBeUndefined();
    expect(s.push(Buffer.from('ini_internal"}}\n\n'))).toEqual({ error: { code: 'gemini_internal' } });
  });

  it('reads a stream up to the end of its first event before deciding', async () => {
    const { Readable } = await import('node:stream');
    const body = Readable.from([Buffer.from('data: {"er'), Buffer.from('ror":{"code":"x"}}'), Buffer.from('\n\nmore'), Buffer.from('rest')], { objectMode: false });
    const first = await readFirstEvent(body);
    expect(first?.toString()).toBe('data: {"error":{"code":"x"}}\n\nmore');
  });
});
