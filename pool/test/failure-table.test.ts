import { describe, expect, it } from 'vitest';
import { attemptLimit } from '../src/proxy/run';
import type { Fault } from '@opengemini/shared';
import { type Decision, FAILURE_TABLE, decide, geminiBackoff, modelBackoff, sameWorkerBackoff, withJitter } from '../src/policy/failure-table';

const opts = { quotaCooldownMs: 60_000, geminiCooldownMs: 5_000 };
const noJitter = () => 0;
const first = { attempt: 1, modelStreak: 1, random: noJitter };

// Every row of the failure table, one line each: fault -> key / Worker / next attempt / attempt used.
type Row = Pick<Decision, 'key' | 'blameWorker' | 'retry' | 'instant'>;
const next = (key: Decision['key']): Row => ({ key, blameWorker: false, retry: 'next_key', instant: true });
const slow = (key: Decision['key']): Row => ({ key, blameWorker: false, retry: 'next_key', instant: false });
const answer: Row = { key: { action: 'none' }, blameWorker: false, retry: 'answer', instant: false };
const elsewhere: Row = { key: { action: 'none' }, blameWorker: true, retry: 'same_key_elsewhere', instant: false };
const table: [string, Fault, Row][] = [
  ['429 per-minute with retryDelay: cooldown for that delay, no attempt used', { kind: 'quota', reason: 'per_minute', retryAfterMs: 47_000 }, next({ action: 'cooldown', ms: 47_000 })],
  ['429 tokens-per-minute with retryDelay', { kind: 'quota', reason: 'tokens_per_minute', retryAfterMs: 12_000 }, next({ action: 'cooldown', ms: 12_000 })],
  ['429 per-minute without delay: the short default', { kind: 'quota', reason: 'per_minute' }, next({ action: 'cooldown', ms: 60_000 })],
  ['429 of unknown kind (old bodies): the default cooldown', { kind: 'quota', reason: 'unknown' }, next({ action: 'cooldown', ms: 60_000 })],
  ['429 per-day: spent until Pacific midnight, even with a 0s delay', { kind: 'quota', reason: 'per_day', retryAfterMs: 0 }, next({ action: 'spent_for_day' })],
  ['invalid key: disabled, no attempt used', { kind: 'key', reason: 'invalid' }, next({ action: 'disable' })],
  ['expired key: disabled', { kind: 'key', reason: 'expired' }, next({ action: 'disable' })],
  ['suspended key: disabled', { kind: 'key', reason: 'suspended' }, next({ action: 'disable' })],
  ['leaked key: disabled', { kind: 'key', reason: 'leaked' }, next({ action: 'disable' })],
  ['permission denied: disabled', { kind: 'key', reason: 'permission_denied' }, next({ action: 'disable' })],
  ['client bad request: nobody penalised, never retried', { kind: 'client', reason: 'bad_request' }, answer],
  ['client 404 model: never retried', { kind: 'client', reason: 'not_found' }, answer],
  ['client too large: never retried', { kind: 'client', reason: 'too_large' }, answer],
  ['client unsupported: never retried', { kind: 'client', reason: 'unsupported' }, answer],
  ['client missing key (the Worker got none): never retried', { kind: 'client', reason: 'missing_key' }, answer],
  ['Gemini 500: brief cooldown, next key', { kind: 'gemini', reason: 'internal' }, slow({ action: 'cooldown', ms: 5_000 })],
  ['Gemini 503 overloaded: the key is not benched (a per-model signal), next key', { kind: 'gemini', reason: 'unavailable' }, slow({ action: 'none' })],
  ['Gemini 504: the key is not benched, next key', { kind: 'gemini', reason: 'deadline' }, slow({ action: 'none' })],
  ["Gemini's bad answer (a 200 that is not one): no cooldown, the Worker not blamed, next key", { kind: 'gemini', reason: 'bad_answer' }, slow({ action: 'none' })],
  ['region blocked: the Worker is blamed, same key elsewhere', { kind: 'upstream', reason: 'region_blocked' }, elsewhere],
  ['Worker fault: the Worker is blamed', { kind: 'upstream', reason: 'worker_fault' }, elsewhere],
  ['Worker secret refused: the Worker is blamed', { kind: 'upstream', reason: 'worker_auth' }, elsewhere],
  ['network error: the Worker is blamed, the key is untouched', { kind: 'upstream', reason: 'network' }, elsewhere],
  ['timeout: the Worker is blamed, the key is untouched', { kind: 'upstream', reason: 'timeout' }, elsewhere],
];

describe('the failure table as data', () => {
  it.each(table)('%s', (_name, fault, expected) => {
    const d = decide(fault, opts, first);
    expect({ key: d.key, blameWorker: d.blameWorker, retry: d.retry, instant: d.instant }).toEqual(expected);
    expect(d.code).toBe(`${fault.kind}_${fault.reason}`);
  });

  it('has a row for every fault code of the contract, and the rows above cover them all', () => {
    expect(Object.keys(FAILURE_TABLE).sort()).toEqual([...new Set(table.map(([, f]) => `${f.kind}_${f.reason}`))].sort());
  });

  it('only Gemini failures wait before the next attempt; quota, key and path faults move on at once', () => {
    for (const [, fault] of table) {
      const d = decide(fault, opts, first);
      expect(d.backoffMs).toBe(fault.kind === 'gemini' ? (fault.reason === 'unavailable' ? 200 : 100) : 0);
    }
  });

  it("an overloaded model's backoff grows with its row of overloaded answers, across requests", () => {
    const backoff = (modelStreak: number) => decide({ kind: 'gemini', reason: 'unavailable' }, opts, { attempt: 1, modelStreak, random: noJitter }).backoffMs;
    expect([1, 2, 3, 4, 5, 9].map(backoff)).toEqual([200, 400, 800, 1_600, 3_000, 3_000]);
  });

  it('only the attempts that reached Gemini count in the key usage (a path that failed spent nothing)', () => {
    expect(Object.entries(FAILURE_TABLE).filter(([, r]) => r.usage === 'not_reached').map(([c]) => c).sort()).toEqual(['upstream_network', 'upstream_region_blocked', 'upstream_worker_auth', 'upstream_worker_fault']);
  });
});

describe('timing helpers', () => {
  it('jitter adds at most 10% of the delay and never more than 2 s', () => {
    expect(withJitter(10_000, () => 0)).toBe(10_000);
    expect(withJitter(10_000, () => 1)).toBe(11_000);
    expect(withJitter(600_000, () => 1)).toBe(602_000);
  });
  it('quota cooldowns are jittered by the random source', () => {
    const d = decide({ kind: 'quota', reason: 'per_minute', retryAfterMs: 20_000 }, opts, { ...first, random: () => 0.5 });
    expect(d.key).toEqual({ action: 'cooldown', ms: 21_000 });
  });
  it('Gemini backoff doubles per attempt and is capped at 1 s', () => {
    expect([1, 2, 3, 4, 5, 9].map(geminiBackoff)).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('the model backoff is jittered by up to 20%', () => {
    expect(modelBackoff(1, () => 1)).toBe(240);
  });
  it('a path fault retried on the one Worker left waits 250 ms, doubling to at most 2 s', () => {
    expect([1, 2, 3, 4, 5].map(sameWorkerBackoff)).toEqual([250, 500, 1_000, 2_000, 2_000]);
  });
});

describe('attempt limit', () => {
  it.each([
    [0, 1, 1, 2],
    [0, 3, 1, 4],
    [0, 10, 1, 5],
    [0, 1, 2, 3],
    [0, 2, 2, 4],
    [0, 0, 1, 1],
    [7, 1, 1, 7],
  ])('MAX_ATTEMPTS=%i with %i keys and %i upstreams -> %i', (configured, keys, upstreams, expected) => {
    expect(attemptLimit(configured, keys, upstreams)).toBe(expected);
  });
});
