// The contract between the tiers: how the Worker labels every error it returns so that the pool
// can tell, without parsing prose, a spent key from a dead key from a dead upstream from a bad
// request. One encoder (the Worker), one decoder (the pool). Documented in docs/contract.md.
//
// On the wire a labelled error carries the label twice:
// - the header `x-opengemini-fault` (readable before the body, so the pool decides at once), e.g.
//     x-opengemini-fault: quota; reason=per_day; retry-ms=0; quota-id=GenerateRequestsPerDay...
// - `error.code` in OpenAI's error envelope (the same for SSE error events mid-stream, where no
//   header can be sent any more), e.g. "quota_per_day". Retry-After (seconds) rides along on 429s.

import type { ErrorType } from './errors';

export const FAULT_HEADER = 'x-opengemini-fault';

/** What the key did wrong: the pool disables the key (until key.txt changes or an admin says so). */
export type KeyReason = 'invalid' | 'expired' | 'suspended' | 'leaked' | 'permission_denied';
/** Which quota ran out: per_minute and tokens_per_minute cool a (key, model) down for the retry
 * delay; per_day spends it until midnight Pacific time. */
export type QuotaReason = 'per_minute' | 'per_day' | 'tokens_per_minute' | 'unknown';
/** The caller's own fault: never retried on another key, returned as is. */
export type ClientReason = 'bad_request' | 'not_found' | 'too_large' | 'missing_key' | 'unsupported';
/** Gemini's servers failed (5xx), or answered 200 with something that is not an answer
 * (`bad_answer`: a stream with no events, no `data:` frames, `candidates: []`, or Gemini's
 * connection dropped mid-answer). Never the key's fault nor the Worker's: retry on the next key
 * through the same Worker; the pool's failure table decides any backoff. */
export type GeminiReason = 'internal' | 'unavailable' | 'deadline' | 'bad_answer';
/** The path to Gemini failed, not the key: the pool opens this upstream's circuit breaker and
 * retries the same key through another upstream. */
export type UpstreamReason = 'region_blocked' | 'network' | 'timeout' | 'worker_fault' | 'worker_auth';

export type Fault =
  | { kind: 'key'; reason: KeyReason }
  | { kind: 'quota'; reason: QuotaReason; retryAfterMs?: number; quotaId?: string }
  | { kind: 'client'; reason: ClientReason }
  | { kind: 'gemini'; reason: GeminiReason }
  | { kind: 'upstream'; reason: UpstreamReason };

export type FaultKind = Fault['kind'];

/** `${kind}_${reason}` for every fault: `key_leaked`, `quota_per_day`, `gemini_bad_answer`... */
export type FaultCode = { [K in FaultKind]: `${K}_${Extract<Fault, { kind: K }>['reason']}` }[FaultKind];

/** Every reason of every kind (the error catalogue lists a code for each). */
export const REASONS: { [K in FaultKind]: readonly Extract<Fault, { kind: K }>['reason'][] } = {
  key: ['invalid', 'expired', 'suspended', 'leaked', 'permission_denied'],
  quota: ['per_minute', 'per_day', 'tokens_per_minute', 'unknown'],
  client: ['bad_request', 'not_found', 'too_large', 'missing_key', 'unsupported'],
  gemini: ['internal', 'unavailable', 'deadline', 'bad_answer'],
  upstream: ['region_blocked', 'network', 'timeout', 'worker_fault', 'worker_auth'],
};

function isKind(kind: string): kind is FaultKind {
  return Object.hasOwn(REASONS, kind);
}

/** Builds a fault, checking that the reason belongs to the kind. */
export function fault(kind: string, reason: string): Fault | undefined {
  if (!isKind(kind)) return undefined;
  const reasons: readonly string[] = REASONS[kind];
  if (!reasons.includes(reason)) return undefined;
  return { kind, reason } as Fault;
}

/** The stable `error.code` for a fault: `${kind}_${reason}`, e.g. `key_leaked`, `quota_per_day`. */
export function faultCode(f: Fault): FaultCode {
  return `${f.kind}_${f.reason}` as FaultCode;
}

/** Reads a fault back from an `error.code` (for SSE error events, where no header exists). */
export function faultFromCode(code: unknown): Fault | undefined {
  if (typeof code !== 'string') return undefined;
  for (const kind of Object.keys(REASONS) as FaultKind[]) {
    if (code.startsWith(`${kind}_`)) return fault(kind, code.slice(kind.length + 1));
  }
  return undefined;
}

/** The header value for a fault. Values are tokens or digits; quota ids are [A-Za-z0-9_-]. */
export function encodeFaultHeader(f: Fault): string {
  let value = `${f.kind}; reason=${f.reason}`;
  if (f.kind === 'quota') {
    if (f.retryAfterMs !== undefined) value += `; retry-ms=${Math.max(0, Math.round(f.retryAfterMs))}`;
    if (f.quotaId) value += `; quota-id=${f.quotaId.replace(/[^A-Za-z0-9_-]/g, '')}`;
  }
  return value;
}

/** Parses the header value; undefined for anything malformed or unknown (never throws). */
export function decodeFaultHeader(value: string | null | undefined): Fault | undefined {
  if (!value) return undefined;
  const [head, ...params] = value.split(';').map((s) => s.trim());
  const attrs = new Map<string, string>();
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0) attrs.set(p.slice(0, eq), p.slice(eq + 1));
  }
  const f = fault(head ?? '', attrs.get('reason') ?? '');
  if (f?.kind === 'quota') {
    const ms = Number(attrs.get('retry-ms'));
    if (attrs.has('retry-ms') && Number.isFinite(ms) && ms >= 0) f.retryAfterMs = ms;
    const id = attrs.get('quota-id');
    if (id) f.quotaId = id;
  }
  return f;
}

/**
 * Reads the fault from a Worker response: the header first, then `error.code` of a parsed body.
 * A response with neither (an old Worker, a proxy's own error page) is classified by status
 * alone, conservatively: 5xx and anything unexpected is the upstream's fault, never the key's.
 */
export function decodeFault(status: number, headers: { get(name: string): string | null }, body?: unknown): Fault {
  const fromHeader = decodeFaultHeader(headers.get(FAULT_HEADER));
  if (fromHeader) {
    if (fromHeader.kind === 'quota' && fromHeader.retryAfterMs === undefined) {
      const ra = parseRetryAfter(headers.get('retry-after'));
      if (ra !== undefined) fromHeader.retryAfterMs = ra;
    }
    return fromHeader;
  }
  const code = (body as { error?: { code?: unknown } } | undefined)?.error?.code;
  const fromCode = faultFromCode(code);
  if (fromCode) return fromCode;
  if (status === 429) {
    const ra = parseRetryAfter(headers.get('retry-after'));
    return ra === undefined ? { kind: 'quota', reason: 'unknown' } : { kind: 'quota', reason: 'unknown', retryAfterMs: ra };
  }
  if (status === 400 || status === 404 || status === 413 || status === 422) {
    return { kind: 'client', reason: status === 404 ? 'not_found' : status === 413 ? 'too_large' : 'bad_request' };
  }
  return { kind: 'upstream', reason: 'worker_fault' };
}

/** Retry-After per RFC 9110 §10.2.3: delay-seconds or an HTTP-date. Returns milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The HTTP status the Worker answers a fault with (Gemini's own status where it has one). */
export function faultStatus(f: Fault): number {
  switch (f.kind) {
    case 'key':
      return f.reason === 'invalid' || f.reason === 'expired' ? 401 : 403;
    case 'quota':
      return 429;
    case 'client':
      return f.reason === 'not_found' ? 404 : f.reason === 'too_large' ? 413 : f.reason === 'missing_key' ? 401 : 400;
    case 'gemini':
      return f.reason === 'unavailable' ? 503 : f.reason === 'deadline' ? 504 : f.reason === 'bad_answer' ? 502 : 500;
    case 'upstream':
      return f.reason === 'worker_auth' ? 401 : f.reason === 'timeout' ? 504 : 502;
  }
}

/** OpenAI's `error.type` for a fault, so OpenAI SDKs raise the matching exception class. */
export function faultType(f: Fault): ErrorType {
  switch (f.kind) {
    case 'key':
      return f.reason === 'invalid' || f.reason === 'expired' ? 'authentication_error' : 'permission_error';
    case 'quota':
      return 'rate_limit_error';
    case 'client':
      return f.reason === 'not_found' ? 'not_found_error' : f.reason === 'missing_key' ? 'authentication_error' : 'invalid_request_error';
    case 'gemini':
    case 'upstream':
      return 'server_error';
  }
}
