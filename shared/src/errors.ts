// The error catalogue of both tiers: every code either tier puts in `error.code`, with the HTTP
// status, OpenAI's `error.type` and whether trying again (later, or elsewhere) can succeed. The
// Worker's codes are the contract's fault codes (`quota_per_day`, `gemini_bad_answer`...); the
// pool adds its own (`all_keys_cooling`, `all_upstreams_down`...) and the operator API's. A code
// not listed here does not type-check: no error code is a loose string.
import { type Fault, type FaultCode, type FaultKind, REASONS, faultCode, faultStatus, faultType } from './contract';

/** OpenAI's `error.type` values (the SDKs pick their exception class from the status). */
export type ErrorType = 'invalid_request_error' | 'authentication_error' | 'permission_error' | 'not_found_error' | 'rate_limit_error' | 'server_error';

export interface ErrorSpec {
  status: number;
  type: ErrorType;
  /** True when the same request may succeed later or through another key or Worker. */
  retryable: boolean;
}

const spec = (status: number, type: ErrorType, retryable: boolean): ErrorSpec => ({ status, type, retryable });

/** The pool's own answers: none of them reached Gemini, or Gemini's answer could not be used. */
const POOL_ERRORS = {
  invalid_api_key: spec(401, 'invalid_request_error', false),
  all_keys_cooling: spec(429, 'rate_limit_error', true),
  daily_budget_spent: spec(429, 'rate_limit_error', true),
  all_upstreams_down: spec(503, 'server_error', true),
  no_usable_key: spec(503, 'server_error', false),
  /** An answer larger than the pool reads whole (MAX_ANSWER_BYTES). */
  answer_too_large: spec(502, 'server_error', false),
  /** A client key asking for what it may not: an operator-only native method, another client's file. */
  client_forbidden: spec(403, 'permission_error', false),
  /** The client's request body did not arrive within BODY_TIMEOUT_MS. */
  request_timeout: spec(408, 'invalid_request_error', true),
  /** The client hung up: logged and counted, never sent. 499 as nginx names it. */
  client_closed: spec(499, 'invalid_request_error', false),
  pool_error: spec(500, 'server_error', false),
} as const;

/** The operator API's refusals (/admin, /status, sign-in). */
const ADMIN_ERRORS = {
  too_many_sign_in_attempts: spec(429, 'rate_limit_error', true),
  csrf_check_failed: spec(403, 'invalid_request_error', false),
  write_failed: spec(500, 'server_error', true),
  unknown_key: spec(404, 'not_found_error', false),
  unknown_client_key: spec(404, 'not_found_error', false),
  unknown_upstream: spec(404, 'not_found_error', false),
  duplicate_upstream: spec(409, 'invalid_request_error', false),
  not_revocable: spec(409, 'invalid_request_error', false),
  check_running: spec(409, 'invalid_request_error', true),
  no_check: spec(404, 'not_found_error', false),
} as const;

export type PoolErrorCode = keyof typeof POOL_ERRORS;
export type AdminErrorCode = keyof typeof ADMIN_ERRORS;
export type ErrorCode = FaultCode | PoolErrorCode | AdminErrorCode;

/** Retrying a fault of this kind elsewhere or later may succeed (a client's fault never does). */
const RETRYABLE_KINDS: Record<FaultKind, boolean> = { key: true, quota: true, client: false, gemini: true, upstream: true };

function faultSpecs(): Record<FaultCode, ErrorSpec> {
  const out = {} as Record<FaultCode, ErrorSpec>;
  for (const kind of Object.keys(REASONS) as FaultKind[]) {
    for (const reason of REASONS[kind]) {
      const f = { kind, reason } as Fault;
      out[faultCode(f)] = spec(faultStatus(f), faultType(f), RETRYABLE_KINDS[kind]);
    }
  }
  return out;
}

export const ERRORS: Readonly<Record<ErrorCode, ErrorSpec>> = Object.freeze({ ...faultSpecs(), ...POOL_ERRORS, ...ADMIN_ERRORS });

/** An error either tier answers with, before it is rendered in the caller's dialect. */
export interface ApiErrorInfo {
  code: ErrorCode;
  status: number;
  type: ErrorType;
  message: string;
  /** The offending request field, OpenAI style (`messages[2].content`). */
  param?: string | null;
  /** Sent as Retry-After (see retryAfterSeconds). */
  retryAfterMs?: number;
  /** What caused it (an exception, an upstream's answer): for logs, never rendered. */
  cause?: unknown;
}

/** Builds an error from the catalogue: status and type come from the code. */
export function apiError(code: ErrorCode, message: string, extra: { param?: string | null; retryAfterMs?: number; status?: number; cause?: unknown } = {}): ApiErrorInfo {
  const s = ERRORS[code];
  const e: ApiErrorInfo = { code, status: extra.status ?? s.status, type: s.type, message };
  if (extra.param !== undefined) e.param = extra.param;
  if (extra.retryAfterMs !== undefined) e.retryAfterMs = extra.retryAfterMs;
  if (extra.cause !== undefined) e.cause = extra.cause;
  return e;
}
