import { describe, expect, it } from 'vitest';
import {
  FAULT_HEADER,
  type Fault,
  decodeFault,
  decodeFaultHeader,
  encodeFaultHeader,
  faultCode,
  faultFromCode,
  faultStatus,
  parseRetryAfter,
} from '../src/index';

const headers = (h: Record<string, string>) => new Headers(h);

const EVERY_FAULT: Fault[] = [
  { kind: 'key', reason: 'invalid' },
  { kind: 'key', reason: 'expired' },
  { kind: 'key', reason: 'suspended' },
  { kind: 'key', reason: 'leaked' },
  { kind: 'key', reason: 'permission_denied' },
  { kind: 'quota', reason: 'per_minute', retryAfterMs: 47_000, quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier' },
  { kind: 'quota', reason: 'per_day', retryAfterMs: 0 },
  { kind: 'quota', reason: 'tokens_per_minute' },
  { kind: 'quota', reason: 'unknown' },
  { kind: 'client', reason: 'bad_request' },
  { kind: 'client', reason: 'not_found' },
  { kind: 'client', reason: 'too_large' },
  { kind: 'client', reason: 'missing_key' },
  { kind: 'client', reason: 'unsupported' },
  { kind: 'gemini', reason: 'internal' },
  { kind: 'gemini', reason: 'unavailable' },
  { kind: 'gemini', reason: 'deadline' },
  { kind: 'upstream', reason: 'region_blocked' },
  { kind: 'upstream', reason: 'network' },
  { kind: 'upstream', reason: 'timeout' },
  { kind: 'upstream', reason: 'worker_fault' },
  { kind: 'upstream', reason: 'worker_auth' },
];

describe('the fault header round-trips every fault', () => {
  it.each(EVERY_FAULT.map((f) => [encodeFaultHeader(f), f] as const))('%s', (value, f) => {
    expect(decodeFaultHeader(value)).toEqual(f);
    expect(decodeFault(faultStatus(f), headers({ [FAULT_HEADER]: value }))).toEqual(f);
  });
});

describe('error.code round-trips the kind and reason of every fault', () => {
  it.each(EVERY_FAULT.map((f) => [faultCode(f), f] as const))('%s', (code, f) => {
    expect(faultFromCode(code)).toEqual({ kind: f.kind, reason: f.reason });
  });
});

describe('malformed labels are ignored, never thrown on', () => {
  it.each(['', 'quota', 'quota; reason=weekly', 'nonsense; reason=invalid', 'key;reason=', ';;;', 'key; reason=invalid_extra'])(
    '%j',
    (value) => {
      expect(decodeFaultHeader(value)).toBeUndefined();
    },
  );
  it('drops a negative or non-numeric retry-ms but keeps the fault', () => {
    expect(decodeFaultHeader('quota; reason=per_minute; retry-ms=-5')).toEqual({ kind: 'quota', reason: 'per_minute' });
    expect(decodeFaultHeader('quota; reason=per_minute; retry-ms=soon')).toEqual({ kind: 'quota', reason: 'per_minute' });
  });
  it('strips characters from a quota id that could break the header', () => {
    expect(encodeFaultHeader({ kind: 'quota', reason: 'per_day', quotaId: 'a;b=c\r\nd' })).toBe('quota; reason=per_day; quota-id=abcd');
  });
});

describe('decodeFault without a header', () => {
  it('reads error.code from the body (SSE error events carry no header)', () => {
    expect(decodeFault(200, headers({}), { error: { code: 'quota_per_day' } })).toEqual({ kind: 'quota', reason: 'per_day' });
  });
  it('takes the retry delay of an unlabelled 429 from Retry-After', () => {
    expect(decodeFault(429, headers({ 'retry-after': '12' }))).toEqual({ kind: 'quota', reason: 'unknown', retryAfterMs: 12_000 });
  });
  it('adds Retry-After to a labelled quota fault that lacks retry-ms', () => {
    expect(decodeFault(429, headers({ [FAULT_HEADER]: 'quota; reason=per_minute', 'retry-after': '3' }))).toEqual({
      kind: 'quota',
      reason: 'per_minute',
      retryAfterMs: 3000,
    });
  });
  it.each([
    [400, { kind: 'client', reason: 'bad_request' }],
    [404, { kind: 'client', reason: 'not_found' }],
    [413, { kind: 'client', reason: 'too_large' }],
    // An unlabelled 5xx, 401 or 403 is some proxy's page, not Gemini judging the key: blame the
    // upstream so a good key is never disabled on a guess.
    [401, { kind: 'upstream', reason: 'worker_fault' }],
    [403, { kind: 'upstream', reason: 'worker_fault' }],
    [500, { kind: 'upstream', reason: 'worker_fault' }],
    [502, { kind: 'upstream', reason: 'worker_fault' }],
  ] as const)('status %i alone -> %j', (status, expected) => {
    expect(decodeFault(status, headers({}), '<html>bad gateway</html>')).toEqual(expected);
  });
});

describe('parseRetryAfter (RFC 9110 §10.2.3)', () => {
  const now = Date.parse('2026-11-21T12:00:00Z');
  it.each([
    ['30', 30_000],
    [' 0 ', 0],
    ['Sat, 21 Nov 2026 12:00:45 GMT', 45_000],
    ['Sat, 21 Nov 2026 11:00:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [null, undefined],
  ] as const)('%j -> %j', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe('statuses follow OpenAI conventions so SDKs raise the right exception', () => {
  it.each([
    [{ kind: 'key', reason: 'invalid' }, 401],
    [{ kind: 'key', reason: 'leaked' }, 403],
    [{ kind: 'quota', reason: 'per_day' }, 429],
    [{ kind: 'client', reason: 'not_found' }, 404],
    [{ kind: 'client', reason: 'too_large' }, 413],
    [{ kind: 'gemini', reason: 'unavailable' }, 503],
    [{ kind: 'upstream', reason: 'region_blocked' }, 502],
  ] as const)('%j -> %i', (f, status) => {
    expect(faultStatus(f as Fault)).toBe(status);
  });
});
