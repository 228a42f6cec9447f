// What both tiers agree on, table by table: the error catalogue, the envelopes, Retry-After,
// model families, Gemini usage -> tokens, native headers and upload URLs.
import { describe, expect, it } from 'vitest';
import { ERRORS, REASONS, apiError, faultCode, faultStatus, faultType, geminiTokens, googleErrorEnvelope, modelFamily, NATIVE_REQUEST_HEADERS, openaiErrorEnvelope, retryAfterSeconds, uploadUrlAt, type Fault, type FaultKind } from '../src';

describe('the error catalogue', () => {
  it('lists every fault code of the contract with the status and type the Worker answers it with', () => {
    for (const kind of Object.keys(REASONS) as FaultKind[]) {
      for (const reason of REASONS[kind]) {
        const f = { kind, reason } as Fault;
        expect(ERRORS[faultCode(f)]).toEqual({ status: faultStatus(f), type: faultType(f), retryable: kind !== 'client' });
      }
    }
  });

  it.each([
    ['all_keys_cooling', 429, 'rate_limit_error', true],
    ['all_upstreams_down', 503, 'server_error', true],
    ['no_usable_key', 503, 'server_error', false],
    ['invalid_api_key', 401, 'invalid_request_error', false],
    ['gemini_bad_answer', 502, 'server_error', true],
  ] as const)('%s -> %i %s, retryable %s', (code, status, type, retryable) => {
    expect(ERRORS[code]).toEqual({ status, type, retryable });
    expect(apiError(code, 'm')).toEqual({ code, status, type, message: 'm' });
  });
});

describe('envelopes', () => {
  it("OpenAI's: message scrubbed of keys, param null when absent", () => {
    const key = `AIza${'k'.repeat(35)}`;
    const e = openaiErrorEnvelope({ message: `bad key ${key}`, type: 'authentication_error', code: 'key_invalid' });
    expect(e.error).toMatchObject({ type: 'authentication_error', param: null, code: 'key_invalid' });
    expect(e.error.message).not.toContain(key);
  });

  it.each([
    [429, 'RESOURCE_EXHAUSTED'],
    [503, 'UNAVAILABLE'],
    [418, 'UNKNOWN'],
  ])("Google's: HTTP %i carries the canonical status %s and the code as an ErrorInfo reason", (status, canonical) => {
    const e = googleErrorEnvelope({ status, message: 'm', code: 'all_keys_cooling' });
    expect(e.error).toMatchObject({ code: status, status: canonical, details: [{ reason: 'all_keys_cooling', domain: 'opengemini' }] });
  });
});

describe('Retry-After', () => {
  it.each([
    [0, '1'],
    [1, '1'],
    [1_000, '1'],
    [1_001, '2'],
    [59_500, '60'],
  ])('%i ms -> %s (whole seconds, never 0: "0" starts a retry storm)', (ms, header) => {
    expect(retryAfterSeconds(ms)).toBe(header);
  });
});

describe('modelFamily', () => {
  it.each([
    ['gemini-2.5-pro', 'pro'],
    ['models/gemini-3-pro-preview', 'pro'],
    ['gemini-2.5-flash', 'flash'],
    ['gemini-2.5-flash-lite-preview-09-2025', 'flash-lite'],
    ['gemini-flash-latest', 'flash'],
    ['gemini-embedding-001', 'embedding'],
    ['text-embedding-004', 'embedding'],
    ['gemma-3-27b-it', 'gemma'],
    ['gemini-exp-1206', 'other'],
    ['learnlm-2.0', 'other'],
  ])('%s -> %s', (model, family) => {
    expect(modelFamily(model)).toBe(family);
  });
});

describe('Gemini usage -> tokens', () => {
  it.each([
    [{}, { prompt: 0, completion: 0, reasoning: 0, total: 0 }],
    [{ promptTokenCount: 10, toolUsePromptTokenCount: 6, candidatesTokenCount: 2, thoughtsTokenCount: 3, totalTokenCount: 21 }, { prompt: 16, completion: 5, reasoning: 3, total: 21 }],
    [{ promptTokenCount: 4, candidatesTokenCount: 1, totalTokenCount: 2 }, { prompt: 4, completion: 1, reasoning: 0, total: 5 }],
    [{ promptTokenCount: -1, candidatesTokenCount: 2.7 }, { prompt: 0, completion: 2, reasoning: 0, total: 2 }],
  ])('%j -> %j', (usage, tokens) => {
    expect(geminiTokens(usage)).toEqual(tokens);
  });
});

describe('native passthrough', () => {
  it('passes no credentials, cookies or accept-encoding (answers must be plain bytes to scrub)', () => {
    // Not x-goog-user-project either: a client could have Google bill (and refuse) another project.
    for (const h of ['authorization', 'cookie', 'x-goog-api-key', 'accept-encoding', 'x-goog-user-project']) expect(NATIVE_REQUEST_HEADERS as readonly string[]).not.toContain(h);
  });

  it.each([
    ['https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=abc&key=AIzaX', 'https://pool.example', '', 'https://pool.example/upload/v1beta/files?upload_id=abc'],
    ['http://direct.invalid/upload/v1beta/files?upload_id=abc', 'http://127.0.0.1:7777', '', 'http://127.0.0.1:7777/upload/v1beta/files?upload_id=abc'],
    ['https://w.example.workers.dev/gemini/upload/v1beta/files?upload_id=1', 'https://w.example.workers.dev', '/gemini', 'https://w.example.workers.dev/gemini/upload/v1beta/files?upload_id=1'],
    ['https://example.com/not-an-upload', 'https://pool.example', '', undefined],
    ['not a url', 'https://pool.example', '', undefined],
  ])('%s at %s%s -> %s', (value, origin, mount, expected) => {
    expect(uploadUrlAt(value, origin, mount)).toBe(expected);
  });
});
