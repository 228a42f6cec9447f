// What both tiers put in the headers of their answers: Retry-After as sent, and the SSE headers.

/**
 * Retry-After as sent (RFC 9110 §10.2.3, delay-seconds): whole seconds rounded up, and at least 1,
 * since "0" reads as "retry at once" to clients that honour it and starts a 429 storm.
 */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}

/** The headers of every SSE answer either tier sends. */
export const SSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // Tells nginx-style proxies in front not to buffer the stream.
  'x-accel-buffering': 'no',
});

/**
 * The pool's answer says how it got there: `x-opengemini-attempts: 3; quota_per_minute,gemini_bad_answer,ok`
 * (attempts sent; what each one met, in order: a fault code, or `ok` for the answer), and on a
 * give-up `; end=max_attempts` (why no further attempt was made). Fault codes and counts only:
 * never a key, its fingerprint or a Worker's address, so it tells a client nothing it could use.
 */
export const ATTEMPTS_HEADER = 'x-opengemini-attempts';

/** Why the pool stopped trying before an answer: its attempts, its keys, its Workers or its time ran out. */
export type GiveUp = 'max_attempts' | 'no_key' | 'no_worker' | 'out_of_time';

export interface AttemptTrail {
  /** Attempts sent (instant refusals included). */
  sent: number;
  /** What each attempt met, in order: a fault code, or `ok`. */
  outcomes: string[];
  end?: GiveUp | undefined;
}

export function formatAttempts(t: AttemptTrail): string {
  return `${t.sent}; ${t.outcomes.join(',')}${t.end ? `; end=${t.end}` : ''}`;
}

/** The header read back (the soak and tests); undefined when it is not one. */
export function parseAttempts(value: string | null | undefined): AttemptTrail | undefined {
  const m = /^(\d+); ([a-z_,]*)(?:; end=([a-z_]+))?$/.exec(value ?? '');
  if (!m) return undefined;
  return { sent: Number(m[1]), outcomes: m[2] ? m[2].split(',') : [], ...(m[3] ? { end: m[3] as GiveUp } : {}) };
}
