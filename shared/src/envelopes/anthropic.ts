// Anthropic's error envelope, for both tiers: the Worker's /v1/messages answers and the pool's
// own errors on those routes (no usable key, Workers down, bad client key...). Anthropic's SDKs
// pick their exception class by HTTP status and show `error.type` and `error.message`
// (https://docs.anthropic.com/en/api/errors).
import type { ErrorEnvelope, ErrorType } from '../anthropic';
import { type Fault, faultCode } from '../contract';
import { scrubKeys } from '../keys';

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
