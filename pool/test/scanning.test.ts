import { describe, expect, it } from 'vitest';
import { findErrorEvent, scrubChunk } from '../src/relay';
import { scanUsage } from '../src/usage-scan';

const b = (s: string) => Buffer.from(s);

describe('usage scan', () => {
  it.each([
    ['OpenAI body', '{"id":"x","usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}', { in: 12, out: 34 }],
    ['OpenAI usage chunk with spaces', 'data: {"choices":[],"usage": {"prompt_tokens": 5, "completion_tokens": 7}}\n\n', { in: 5, out: 7 }],
    ['Gemini cumulative chunks: the last one counts', 'data: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}\r\n\r\ndata: {"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":9,"thoughtsTokenCount":4}}\r\n\r\n', { in: 3, out: 13 }],
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
