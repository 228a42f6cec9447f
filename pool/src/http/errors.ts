// The pool's own error answers (bad client key, every key cooling, every upstream down, timeout,
// malformed body), rendered in the dialect of the route: OpenAI's envelope on /v1, Google's on
// /v1beta so the Google SDK raises its usual errors. The one place these bodies are built.
import { scrubHeldKeys } from '../keys';

export type Dialect = 'openai' | 'gemini';

export interface PoolError {
  status: number;
  message: string;
  /** OpenAI's error.type: invalid_request_error, authentication_error, rate_limit_error... */
  type: string;
  /** Stable code, tests assert it: `invalid_client_key`, `all_keys_cooling`, `all_upstreams_down`... */
  code: string;
  param?: string | null;
  /** Sent as Retry-After (whole seconds, at least 1). */
  retryAfterMs?: number;
}

const CANONICAL: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function errorBody(dialect: Dialect, e: PoolError): string {
  const message = scrubHeldKeys(e.message);
  if (dialect === 'gemini') {
    return JSON.stringify({
      error: {
        code: e.status,
        message,
        status: CANONICAL[e.status] ?? 'UNKNOWN',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: e.code, domain: 'opengemini' }],
      },
    });
  }
  return JSON.stringify({ error: { message, type: e.type, param: e.param ?? null, code: e.code } });
}

export function errorHeaders(e: PoolError): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (e.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(e.retryAfterMs / 1000)));
  return headers;
}

/** An SSE error event for a stream that broke after its first byte (no status can be sent). */
export function errorEvent(dialect: Dialect, e: PoolError): string {
  return `data: ${errorBody(dialect, e)}\n\n`;
}

export const invalidClientKey = (): PoolError => ({
  status: 401,
  type: 'invalid_request_error',
  code: 'invalid_api_key',
  message: 'Incorrect or missing API key for this pool: send the key from access_key.txt as "Authorization: Bearer sk-..." (or x-goog-api-key, or ?key=).',
});

export const badRequest = (message: string, param: string | null = null): PoolError => ({
  status: 400,
  type: 'invalid_request_error',
  code: 'client_bad_request',
  message,
  param,
});

/** A client key asking for what it has no right to (an operator-only native method, another client's file). */
export const forbidden = (message: string): PoolError => ({ status: 403, type: 'permission_error', code: 'client_forbidden', message });

export const notFound = (path: string): PoolError => ({
  status: 404,
  type: 'not_found_error',
  code: 'client_not_found',
  message: `Unknown path ${path}. The pool serves /v1/chat/completions, /v1/embeddings, /v1/models and /v1beta/*.`,
});
