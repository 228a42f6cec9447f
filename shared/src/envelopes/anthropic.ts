// Anthropic's error envelope, for both tiers: the Worker's /v1/messages answers and the pool's
// own errors on those routes (no usable key, Workers down, bad client key...). Anthropic's SDKs
// pick their exception class by HTTP status and show `error.type` and `error.message`
// (https://docs.anthropic.com/en/api/errors).
import type { ErrorEnvelope, ErrorType } from '../anthropic';
import { type Fault, faultCode, faultFromCode, faultStatus } from '../contract';
import { scrubKeys } from '../key-scrubber';

/**
 * The `error.type` for a fault. The HTTP status stays the contract's (faultStatus): the pool
 * decides by it, and Anthropic's SDKs retry 429 and every 5xx alike, so Gemini's 503 keeps its
 * status rather than becoming Anthropic's 529.
 *
 * | fault                                          | type                   |
 * |------------------------------------------------|------------------------|
 * | client bad_request, unsupported                | invalid_request_error  |
 * | client missing_key, key invalid / expired,     | authentication_error   |
 * | upstream worker_auth                           |                        |
 * | key suspended, leaked, permission_denied       | permission_error       |
 * | client not_found                               | not_found_error        |
 * | client too_large                               | request_too_large      |
 * | quota (any)                                    | rate_limit_error       |
 * | gemini unavailable                             | overloaded_error       |
 * | gemini internal, deadline, bad_answer;         | api_error              |
 * | upstream (other)                               |                        |
 */
export function anthropicErrorType(f: Fault): ErrorType {
  switch (f.kind) {
    case 'client':
      if (f.reason === 'missing_key') return 'authentication_error';
      if (f.reason === 'not_found') return 'not_found_error';
      if (f.reason === 'too_large') return 'request_too_large';
      return 'invalid_request_error';
    case 'key':
      return f.reason === 'invalid' || f.reason === 'expired' ? 'authentication_error' : 'permission_error';
    case 'quota':
      return 'rate_limit_error';
    case 'gemini':
      return f.reason === 'unavailable' ? 'overloaded_error' : 'api_error';
    case 'upstream':
      return f.reason === 'worker_auth' ? 'authentication_error' : 'api_error';
  }
}

/** `{"type":"error","error":{type, message, code}}`; `code` is the contract's fault code (for the
 * pool, which reads SSE error events too), the message scrubbed of keys. */
export function anthropicErrorBody(f: Fault, message: string): ErrorEnvelope {
  return { type: 'error', error: { type: anthropicErrorType(f), message: scrubKeys(message), code: faultCode(f) } };
}

/** Anthropic's error type for an HTTP status (https://docs.anthropic.com/en/api/errors). */
const TYPE_BY_STATUS: Readonly<Record<number, ErrorType>> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

/**
 * The envelope for an error of the catalogue (the pool's own: no usable key, every Worker down,
 * a wrong client key, a timeout...): the type a fault code has (anthropicErrorType), else the
 * one Anthropic gives the status; `code` is the catalogue's.
 */
export function anthropicErrorEnvelope(e: { status: number; code: string; message: string }): ErrorEnvelope {
  const fault = faultFromCode(e.code);
  const type = fault && faultStatus(fault) === e.status ? anthropicErrorType(fault) : (TYPE_BY_STATUS[e.status] ?? (e.status >= 500 ? 'api_error' : 'invalid_request_error'));
  return { type: 'error', error: { type, message: scrubKeys(e.message), code: e.code } };
}
