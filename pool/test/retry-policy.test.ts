import { describe, expect, it } from 'vitest';
import { attemptLimit } from '../src/proxy/forward';
import type { Fault } from '@opengemini/shared';
import { type Decision, decide, geminiBackoff, withJitter } from '../src/policy/retry-policy';

const opts = { quotaCooldownMs: 60_000, geminiCooldownMs: 5_000 };
const noJitter = () => 0;

// Every row of the failure table of issue 3, one line each: fault -> key / upstream / retry.
const table: [string, Fault, Omit<Decision, 'code' | 'backoffMs'>][] = [
  ['429 per-minute with retryDelay: cooldown for that delay', { kind: 'quota', reason: 'per_minute', retryAfterMs: 47_000 }, { key: { action: 'cooldown', ms: 47_000 }, upstream: 'ok', retry: 'next_key' }],
  ['429 tokens-per-minute with retryDelay', { kind: 'quota', reason: 'tokens_per_minute', retryAfterMs: 12_000 }, { key: { action: 'cooldown', ms: 12_000 }, upstream: 'ok', retry: 'next_key' }],
  ['429 per-minute without delay: the short default', { kind: 'quota', reason: 'per_minute' }, { key: { action: 'cooldown', ms: 60_000 }, upstream: 'ok', retry: 'next_key' }],
  ['429 of unknown kind (old bodies): the default cooldown', { kind: 'quota', reason: 'unknown' }, { key: { action: 'cooldown', ms: 60_000 }, upstream: 'ok', retry: 'next_key' }],
  ['429 per-day: spent until Pacific midnight, even with a 0s delay', { kind: 'quota', reason: 'per_day', retryAfterMs: 0 }, { key: { action: 'spent_for_day' }, upstream: 'ok', retry: 'next_key' }],
  ['invalid key: disabled', { kind: 'key', reason: 'invalid' }, { key: { action: 'disable' }, upstream: 'ok', retry: 'next_key' }],
  ['expired key: disabled', { kind: 'key', reason: 'expired' }, { key: { action: 'disable' }, upstream: 'ok', retry: 'next_key' }],
  ['suspended key: disabled', { kind: 'key', reason: 'suspended' }, { key: { action: 'disable' }, upstream: 'ok', retry: 'next_key' }],
  ['leaked key: disabled', { kind: 'key', reason: 'leaked' }, { key: { action: 'disable' }, upstream: 'ok', retry: 'next_key' }],
  ['permission denied: disabled', { kind: 'key', reason: 'permission_denied' }, { key: { action: 'disable' }, upstream: 'ok', retry: 'next_key' }],
  ['client bad request: nobody penalised, never retried', { kind: 'client', reason: 'bad_request' }, { key: { action: 'none' }, upstream: 'ok', retry: 'none' }],
  ['client 404 model: never retried', { kind: 'client', reason: 'not_found' }, { key: { action: 'none' }, upstream: 'ok', retry: 'none' }],
  ['client too large: never retried', { kind: 'client', reason: 'too_large' }, { key: { action: 'none' }, upstream: 'ok', retry: 'none' }],
  ['client unsupported: never retried', { kind: 'client', reason: 'unsupported' }, { key: { action: 'none' }, upstream: 'ok', retry: 'none' }],
  ['Gemini 500: short cooldown, next key', { kind: 'gemini', reason: 'internal' }, { key: { action: 'cooldown', ms: 5_000 }, upstream: 'ok', retry: 'next_key' }],
  ['Gemini 503: short cooldown, next key', { kind: 'gemini', reason: 'unavailable' }, { key: { action: 'cooldown', ms: 5_000 }, upstream: 'ok', retry: 'next_key' }],
  ['Gemini 504: short cooldown, next key', { kind: 'gemini', reason: 'deadline' }, { key: { action: 'cooldown', ms: 5_000 }, upstream: 'ok', retry: 'next_key' }],
  ['region blocked: the upstream fails, same key elsewhere', { kind: 'upstream', reason: 'region_blocked' }, { key: { action: 'none' }, upstream: 'fail', retry: 'other_upstream' }],
  ['Worker fault: the upstream fails', { kind: 'upstream', reason: 'worker_fault' }, { key: { action: 'none' }, upstream: 'fail', retry: 'other_upstream' }],
  ['Worker secret refused: the upstream fails', { kind: 'upstream', reason: 'worker_auth' }, { key: { action: 'none' }, upstream: 'fail', retry: 'other_upstream' }],
  ['network error: the upstream fails, the key is untouched', { kind: 'upstream', reason: 'network' }, { key: { action: 'none' }, upstream: 'fail', retry: 'other_upstream' }],
  ['timeout: the upstream fails, the key is untouched', { kind: 'upstream', reason: 'timeout' }, { key: { action: 'none' }, upstream: 'fail', retry: 'other_upstream' }],
];

describe('the failure table as data', () => {
  it.each(table)('%s', (_name, fault, expected) => {
    const d = decide(fault, opts, 1, noJitter);
    expect({ key: d.key, upstream: d.upstream, retry: d.retry }).toEqual(expected);
    expect(d.code).toBe(`${fault.kind}_${fault.reason}`);
  });

  it('only Gemini 5xx wait before the next attempt; quota and key faults move on at once', () => {
    for (const [, fault] of table) {
      const d = decide(fault, opts, 1, noJitter);
      expect(d.backoffMs).toBe(fault.kind === 'gemini' ? 100 : 0);
    }
  });
});

describe('timing helpers', () => {
  it('jitter adds at most 10% of the delay and never more than 2 s', () => {
    expect(withJitter(10_000, () => 0)).toBe(10_000);
    expect(withJitter(10_000, () => 1)).toBe(11_000);
    expect(withJitter(600_000, () => 1)).toBe(602_000);
  });
  it('quota cooldowns are jittered by the random source', () => {
    const d = decide({ kind: 'quota', reason: 'per_minute', retryAfterMs: 20_000 }, opts, 1, () => 0.5);
    expect(d.key).toEqual({ action: 'cooldown', ms: 21_000 });
  });
  it('Gemini backoff doubles per attempt and is capped at 1 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(geminiBackoff)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
});

describe('attempt limit', () => {
  it.each([
    [0, 1, 1, 1],
    [0, 3, 1, 3],
    [0, 10, 1, 5],
    [0, 1, 2, 2],
    [0, 2, 2, 3],
    [0, 0, 1, 1],
    [7, 1, 1, 7],
  ])('MAX_ATTEMPTS=%i with %i keys and %i upstreams -> %i', (configured, keys, upstreams, expected) => {
    expect(attemptLimit(configured, keys, upstreams)).toBe(expected);
  });
});
