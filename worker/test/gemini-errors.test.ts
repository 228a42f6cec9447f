import { describe, expect, it } from 'vitest';
import { faultCode, fingerprint } from '@opengemini/shared';
import { classifyGeminiError, geminiFault, geminiErrorStatus, quotaReason } from '../src/gemini/errors';

const KEY = `AIza${'k'.repeat(35)}`;

const quotaBody = (quotaId: string, retryDelay?: string) => ({
  error: {
    code: 429,
    message: 'You exceeded your current quota, please check your plan and billing details.',
    status: 'RESOURCE_EXHAUSTED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId, quotaDimensions: { location: 'global', model: 'gemini-2.5-flash' }, quotaValue: '10' }],
      },
      { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] },
      ...(retryDelay === undefined ? [] : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay }]),
    ],
  },
});

const err = (code: number, status: string, message: string, details: unknown[] = []) => ({ error: { code, status, message, details } });

describe('classifyGeminiError maps every documented Gemini error onto the contract', () => {
  it.each([
    ['per-minute quota with RetryInfo', 429, quotaBody('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '47s'), 'quota_per_minute', 429],
    ['per-day quota whose delay says 0s (the quotaId wins)', 429, quotaBody('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '0s'), 'quota_per_day', 429],
    ['tokens-per-minute quota', 429, quotaBody('GenerateContentInputTokensPerModelPerMinute-FreeTier', '12.5s'), 'quota_tokens_per_minute', 429],
    ['old-style bare 429', 429, err(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).'), 'quota_unknown', 429],
    ['invalid key', 400, err(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }]), 'key_invalid', 401],
    ['expired key', 400, err(400, 'INVALID_ARGUMENT', 'API key expired. Please renew the API key.'), 'key_expired', 401],
    ['leaked key', 403, err(403, 'PERMISSION_DENIED', 'Your API key was reported as leaked. Please use another API key.'), 'key_leaked', 403],
    ['suspended consumer', 403, err(403, 'PERMISSION_DENIED', `Permission denied: Consumer 'api_key:${KEY}' has been suspended.`, [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'CONSUMER_SUSPENDED' }]), 'key_suspended', 403],
    ['a file owned by another project (the request, not the key)', 403, err(403, 'PERMISSION_DENIED', 'You do not have permission to access the File abc123 or it may not exist.'), 'client_bad_request', 403],
    ['a cached content of another project', 403, err(403, 'PERMISSION_DENIED', 'CachedContent not found (or permission denied)'), 'client_bad_request', 403],
    ['other permission denied', 403, err(403, 'PERMISSION_DENIED', 'Generative Language API has not been used in project 123 before or it is disabled.'), 'key_permission_denied', 403],
    ['no key at all', 403, err(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."), 'client_missing_key', 401],
    ['region blocked', 400, err(400, 'FAILED_PRECONDITION', 'User location is not supported for the API use.'), 'upstream_region_blocked', 502],
    ['unknown field', 400, err(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unknown name "foo": Cannot find field.'), 'client_bad_request', 400],
    ['unknown model', 404, err(404, 'NOT_FOUND', 'models/gpt-4 is not found for API version v1beta, or is not supported for generateContent.'), 'client_not_found', 404],
    ['internal', 500, err(500, 'INTERNAL', 'An internal error has occurred.'), 'gemini_internal', 500],
    ['overloaded', 503, err(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'), 'gemini_unavailable', 503],
    ['deadline', 504, err(504, 'DEADLINE_EXCEEDED', 'Deadline expired before operation could complete.'), 'gemini_deadline', 504],
    ['an HTML 502 from a front end', 502, '<html>502 Bad Gateway</html>', 'gemini_internal', 500],
    ['array-wrapped body', 429, [quotaBody('GenerateRequestsPerDayPerProjectPerModel-FreeTier')], 'quota_per_day', 429],
  ] as const)('%s -> %s', (_name, status, body, code, httpStatus) => {
    const e = classifyGeminiError(status, body);
    expect(faultCode(e.fault)).toBe(code);
    expect(e.status).toBe(httpStatus);
  });

  it('carries the retry delay and quota id of a per-minute 429', () => {
    const e = classifyGeminiError(429, quotaBody('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '47s'));
    expect(e.fault).toEqual({ kind: 'quota', reason: 'per_minute', retryAfterMs: 47_000, quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' });
  });

  it('gives a per-day quota the time to midnight Pacific, not its "0s" retry delay', () => {
    // 2026-11-21 12:00 PST (UTC-8) -> midnight PST is 12 hours later.
    const now = Date.parse('2026-11-21T20:00:00Z');
    const f = geminiFault(429, geminiErrorStatus(quotaBody('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '0s')), now);
    expect(f).toMatchObject({ kind: 'quota', reason: 'per_day', retryAfterMs: 12 * 3_600_000 });
  });

  it('scrubs a key that Google echoes in its message, leaving its fingerprint', () => {
    const e = classifyGeminiError(403, err(403, 'PERMISSION_DENIED', `Permission denied: Consumer 'api_key:${KEY}' has been suspended.`));
    expect(e.message).not.toContain(KEY);
    expect(e.message).toContain(fingerprint(KEY));
  });

  it('scrubs a key cut by the 500-character limit on a non-JSON body', () => {
    const e = classifyGeminiError(502, `${'x'.repeat(470)} ${KEY} tail`);
    expect(e.message).not.toContain(KEY.slice(0, 20));
    expect(e.message.length).toBeLessThanOrEqual(500);
  });

  it('names the model as the offending param of a 404', () => {
    expect(classifyGeminiError(404, err(404, 'NOT_FOUND', 'models/nope is not found for API version v1beta')).param).toBe('model');
  });
});

describe('quotaReason', () => {
  it.each([
    [['GenerateRequestsPerMinutePerProjectPerModel-FreeTier', 'GenerateRequestsPerDayPerProjectPerModel-FreeTier'], 'per_day'],
    [['GenerateContentInputTokensPerModelPerMinute-FreeTier'], 'tokens_per_minute'],
    [['GenerateRequestsPerMinutePerProjectPerModel'], 'per_minute'],
    [[], 'unknown'],
    [['SomethingNew'], 'unknown'],
  ])('%j -> %s', (ids, reason) => {
    expect(quotaReason(ids)).toBe(reason);
  });
});
