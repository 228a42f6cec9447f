// The failure table of the pool as data: given the fault the Worker labelled (decoded by the
// contract, never guessed from prose), what happens to the key, to the upstream, and to the
// request. Pure; forward.ts applies the decision. Deciding is policy, retrying is mechanism.
import { type Fault, faultCode } from '@opengemini/shared';

export type KeyAction =
  | { action: 'none' }
  /** Cool this (key, model) down for `ms`. */
  | { action: 'cooldown'; ms: number }
  /** This (key, model) is spent until the next midnight Pacific time. */
  | { action: 'spent_for_day' }
  /** Never use the key again until key.txt changes or an admin resets it. */
  | { action: 'disable' };

/**
 * `ok`: the upstream answered with a labelled fault, so it works (closes its breaker).
 * `fail`: the path to Gemini failed (counts toward opening its circuit breaker).
 */
export type UpstreamAction = 'ok' | 'fail';

/**
 * `none`: answer the client with this error. `next_key`: another key (the same upstream choice
 * rules apply). `other_upstream`: the same key through another upstream (the key is not at fault).
 */
export type RetryAction = 'none' | 'next_key' | 'other_upstream';

export interface Decision {
  /** Stable name of the row, `${kind}_${reason}`: also the reason stored on the key. */
  code: string;
  key: KeyAction;
  upstream: UpstreamAction;
  retry: RetryAction;
  /** Wait before the next attempt (ms), within the request's time budget. */
  backoffMs: number;
}

export interface PolicyOptions {
  /** Cooldown after a 429 without a retry delay (ms). */
  quotaCooldownMs: number;
  /** Cooldown after a Gemini 5xx (ms). */
  geminiCooldownMs: number;
}

/**
 * Jitter on quota cooldowns: up to 10% of the delay, at most 2 s, so keys that hit a per-minute
 * limit together do not all come back in the same millisecond and hit it together again.
 */
export function withJitter(ms: number, random: () => number): number {
  return Math.round(ms + Math.min(ms * 0.1, 2_000) * random());
}

/** Backoff before retrying after a Gemini 5xx: 100 ms, 200 ms, 400 ms... capped at 1 s. */
export function geminiBackoff(attempt: number): number {
  return Math.min(100 * 2 ** Math.max(0, attempt - 1), 1_000);
}

/**
 * The failure table (issue 3). `attempt` is the 1-based number of the attempt that failed.
 *
 * | fault                        | key                      | upstream | retry                 |
 * |------------------------------|--------------------------|----------|-----------------------|
 * | quota per_minute / tpm / ?   | cooldown retryDelay+jit  | ok       | next key, at once     |
 * | quota per_day                | spent until PT midnight  | ok       | next key              |
 * | key invalid/expired/...      | disabled                 | ok       | next key              |
 * | client bad request / 404 ... | -                        | ok       | none                  |
 * | gemini 500 / 503 / 504       | short cooldown           | ok       | next key, backoff     |
 * | upstream region/net/timeout  | -                        | fail     | same key, other upstr |
 */
export function decide(f: Fault, opts: PolicyOptions, attempt: number, random: () => number = Math.random): Decision {
  const code = faultCode(f);
  switch (f.kind) {
    case 'quota':
      if (f.reason === 'per_day') return { code, key: { action: 'spent_for_day' }, upstream: 'ok', retry: 'next_key', backoffMs: 0 };
      return {
        code,
        key: { action: 'cooldown', ms: withJitter(f.retryAfterMs || opts.quotaCooldownMs, random) },
        upstream: 'ok',
        retry: 'next_key',
        backoffMs: 0,
      };
    case 'key':
      return { code, key: { action: 'disable' }, upstream: 'ok', retry: 'next_key', backoffMs: 0 };
    case 'client':
      return { code, key: { action: 'none' }, upstream: 'ok', retry: 'none', backoffMs: 0 };
    case 'gemini':
      return { code, key: { action: 'cooldown', ms: opts.geminiCooldownMs }, upstream: 'ok', retry: 'next_key', backoffMs: geminiBackoff(attempt) };
    case 'upstream':
      return { code, key: { action: 'none' }, upstream: 'fail', retry: 'other_upstream', backoffMs: 0 };
  }
}
