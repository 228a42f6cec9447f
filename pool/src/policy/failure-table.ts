// The pool's failure table as data: for each fault the Worker labels (decoded by the contract,
// never guessed from prose), what happens to the key, to the Worker, and to the request. Pure;
// proxy/settle.ts applies a decision, proxy/loop.ts retries. Deciding is policy, retrying is
// mechanism. Documented in docs/architecture.md ("the life of a request", step 6).
import { type Fault, type FaultCode, faultCode } from '@opengemini/shared';

/** What a fault does to the (key, model) that met it. */
export type KeyEffect =
  | 'none'
  /** Cool down for Gemini's retry delay (+ jitter), or QUOTA_COOLDOWN_MS without one. */
  | 'cool_for_retry_delay'
  /** Cool down briefly (GEMINI_COOLDOWN_MS): Gemini failed with this key, maybe by chance. */
  | 'cool_briefly'
  /** Spent until the next midnight Pacific time. */
  | 'spent_for_day'
  /** Never used again until key.txt changes or the operator says so. */
  | 'disable';

/**
 * `answer`: the client gets this error. `next_key`: another key (through that key's own Worker).
 * `same_key_elsewhere`: the same key through another Worker (the key is not at fault); with no
 * other Worker left, the same one again after a short backoff.
 */
export type RetryAction = 'answer' | 'next_key' | 'same_key_elsewhere';

/** How long to wait before the next attempt. */
export type Wait = 'none' | 'gemini_backoff' | 'model_backoff';

/** What an attempt that met this fault counts as in the key's usage (and budget). */
export type KeyUsage = 'rate_limited' | 'error' | 'not_reached';

export interface Row {
  key: KeyEffect;
  /** The Worker or the path to it failed: counts toward opening its circuit breaker. */
  blameWorker: boolean;
  retry: RetryAction;
  wait: Wait;
  /**
   * An instant, certain refusal (a 429 or a dead key answers in milliseconds and says so): it
   * does not use up one of the MAX_ATTEMPTS meant for slow, uncertain failures. Each such key is
   * benched, so the loop still ends.
   */
  instant: boolean;
  usage: KeyUsage;
}

const quota = (key: KeyEffect): Row => ({ key, blameWorker: false, retry: 'next_key', wait: 'none', instant: true, usage: 'rate_limited' });
const deadKey: Row = { key: 'disable', blameWorker: false, retry: 'next_key', wait: 'none', instant: true, usage: 'error' };
const client: Row = { key: 'none', blameWorker: false, retry: 'answer', wait: 'none', instant: false, usage: 'error' };
const path = (usage: KeyUsage): Row => ({ key: 'none', blameWorker: true, retry: 'same_key_elsewhere', wait: 'none', instant: false, usage });

/**
 * | fault                                 | key                     | Worker  | next attempt                     |
 * |---------------------------------------|-------------------------|---------|----------------------------------|
 * | quota per minute / tpm / unknown      | cool for retry delay    | fine    | next key at once, attempt free   |
 * | quota per day                         | spent until PT midnight | fine    | next key at once, attempt free   |
 * | key invalid / expired / ... / denied  | disabled                | fine    | next key at once, attempt free   |
 * | client (bad request, 404, too large)  | -                       | fine    | none: the client gets it         |
 * | gemini internal (500)                 | brief cooldown          | fine    | next key after 100, 200, 400 ms  |
 * | gemini unavailable (503 overloaded)   | - (per-model signal)    | fine    | next key after the model backoff |
 * | gemini deadline (504)                 | -                       | fine    | next key after 100, 200, 400 ms  |
 * | gemini bad_answer (a 200 not answer)  | -                       | fine    | next key after 100, 200, 400 ms  |
 * | upstream region / net / timeout / ... | -                       | blamed  | same key, another Worker         |
 */
export const FAILURE_TABLE: Readonly<Record<FaultCode, Row>> = Object.freeze({
  quota_per_minute: quota('cool_for_retry_delay'),
  quota_tokens_per_minute: quota('cool_for_retry_delay'),
  quota_unknown: quota('cool_for_retry_delay'),
  quota_per_day: quota('spent_for_day'),
  key_invalid: deadKey,
  key_expired: deadKey,
  key_suspended: deadKey,
  key_leaked: deadKey,
  key_permission_denied: deadKey,
  client_bad_request: client,
  client_not_found: client,
  client_too_large: client,
  client_missing_key: client,
  client_unsupported: client,
  gemini_internal: { key: 'cool_briefly', blameWorker: false, retry: 'next_key', wait: 'gemini_backoff', instant: false, usage: 'error' },
  // Overloaded is about the model, not the key: benching healthy keys for seconds turned 20%
  // injected faults into 40% failed requests. The model's backoff grows while it stays overloaded.
  gemini_unavailable: { key: 'none', blameWorker: false, retry: 'next_key', wait: 'model_backoff', instant: false, usage: 'error' },
  gemini_deadline: { key: 'none', blameWorker: false, retry: 'next_key', wait: 'gemini_backoff', instant: false, usage: 'error' },
  // Gemini answered 200 with something that is not an answer: Gemini's fault, not the key's nor
  // the Worker's (blaming the Worker opened its breaker for everyone).
  gemini_bad_answer: { key: 'none', blameWorker: false, retry: 'next_key', wait: 'gemini_backoff', instant: false, usage: 'error' },
  upstream_region_blocked: path('not_reached'),
  upstream_network: path('not_reached'),
  upstream_worker_fault: path('not_reached'),
  upstream_worker_auth: path('not_reached'),
  // A timeout may have reached Gemini (and spent quota) before the path failed.
  upstream_timeout: path('error'),
});

export type KeyAction = { action: 'none' } | { action: 'cooldown'; ms: number } | { action: 'spent_for_day' } | { action: 'disable' };

export interface Decision {
  /** The fault's code: also the reason stored on the key and shown in the log line. */
  code: FaultCode;
  key: KeyAction;
  blameWorker: boolean;
  retry: RetryAction;
  /** Wait before the next attempt (ms), within the request's time budget. */
  backoffMs: number;
  instant: boolean;
  usage: KeyUsage;
}

export interface PolicyOptions {
  /** Cooldown after a 429 without a retry delay (ms). */
  quotaCooldownMs: number;
  /** Cooldown after a Gemini 500 (ms). */
  geminiCooldownMs: number;
}

/** What else decides the timing: which attempt failed, and how overloaded the model is. */
export interface Circumstances {
  /** 1-based number of the attempt that failed. */
  attempt: number;
  /** Overloaded answers for this model in a row, across requests, this one included. */
  modelStreak: number;
  random: () => number;
}

/**
 * Jitter on quota cooldowns: up to 10% of the delay, at most 2 s, so keys that hit a per-minute
 * limit together do not all come back in the same millisecond and hit it together again.
 */
export function withJitter(ms: number, random: () => number): number {
  return Math.round(ms + Math.min(ms * 0.1, 2_000) * random());
}

/** Backoff after a Gemini failure: 100 ms, 200 ms, 400 ms... capped at 1 s. */
export function geminiBackoff(n: number): number {
  return Math.min(100 * 2 ** Math.max(0, n - 1), 1_000);
}

/** Backoff while a model is overloaded: 200 ms, 400 ms... capped at 3 s, jittered by up to 20%. */
export function modelBackoff(streak: number, random: () => number): number {
  return Math.round(Math.min(200 * 2 ** Math.max(0, streak - 1), 3_000) * (1 + 0.2 * random()));
}

/** Before trying a path fault again on the one Worker left: 250 ms, 500 ms... capped at 2 s. */
export function sameWorkerBackoff(n: number): number {
  return Math.min(250 * 2 ** Math.max(0, n - 1), 2_000);
}

function keyAction(row: Row, f: Fault, opts: PolicyOptions, random: () => number): KeyAction {
  switch (row.key) {
    case 'none':
      return { action: 'none' };
    case 'cool_for_retry_delay':
      return { action: 'cooldown', ms: withJitter((f.kind === 'quota' && f.retryAfterMs) || opts.quotaCooldownMs, random) };
    case 'cool_briefly':
      return { action: 'cooldown', ms: opts.geminiCooldownMs };
    case 'spent_for_day':
      return { action: 'spent_for_day' };
    case 'disable':
      return { action: 'disable' };
  }
}

function wait(row: Row, c: Circumstances): number {
  switch (row.wait) {
    case 'none':
      return 0;
    case 'gemini_backoff':
      return geminiBackoff(c.attempt);
    case 'model_backoff':
      return modelBackoff(c.modelStreak, c.random);
  }
}

/** The failure table's row for `f`, made concrete. */
export function decide(f: Fault, opts: PolicyOptions, c: Circumstances): Decision {
  const code = faultCode(f);
  const row = FAILURE_TABLE[code];
  return { code, key: keyAction(row, f, opts, c.random), blameWorker: row.blameWorker, retry: row.retry, backoffMs: wait(row, c), instant: row.instant, usage: row.usage };
}
