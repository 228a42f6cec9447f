// How an error looks on the wire in each client dialect, and the headers both tiers send with
// answers (Retry-After, SSE). One renderer per dialect, used by the Worker and the pool alike.
//   OpenAI:    {"error":{"message","type","param","code"}}
//   Google:    {"error":{"code","message","status","details":[ErrorInfo]}} (what the genai SDK parses)
//   Anthropic: W2 adds anthropicErrorEnvelope here ({"type":"error","error":{"type","message"}}).
import type { ErrorType } from './errors';
import { scrubKeys } from './key-scrubber';

export interface OpenAIErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface GoogleErrorEnvelope {
  error: { code: number; message: string; status: string; details: { '@type': string; reason: string; domain: string }[] };
}

/** Google's canonical status names for the HTTP statuses either tier answers with. */
const CANONICAL: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** OpenAI's error envelope; the message is scrubbed of keys here, at the last moment. */
export function openaiErrorEnvelope(e: { message: string; type: ErrorType | string; param?: string | null | undefined; code: string | null }): OpenAIErrorEnvelope {
  return { error: { message: scrubKeys(e.message), type: e.type, param: e.param ?? null, code: e.code } };
}

/** Google's error envelope, the code in an ErrorInfo detail (domain `opengemini`). */
export function googleErrorEnvelope(e: { status: number; message: string; code: string }): GoogleErrorEnvelope {
  return {
    error: {
      code: e.status,
      message: scrubKeys(e.message),
      status: CANONICAL[e.status] ?? 'UNKNOWN',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: e.code, domain: 'opengemini' }],
    },
  };
}

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
