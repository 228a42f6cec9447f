// Google's error envelope, for both tiers' native /v1beta answers and the pool's own errors
// there: {"error":{"code","message","status","details":[ErrorInfo]}}, what the genai SDK parses.
import { scrubKeys } from '../key-scrubber';

export interface GoogleErrorEnvelope {
  error: { code: number; message: string; status: string; details: { '@type': string; reason: string; domain: string }[] };
}

/** Google's canonical status names for the HTTP statuses either tier answers with. */
const CANONICAL: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  // Google has no status of its own for a client too slow to send its request: the nearest.
  408: 'DEADLINE_EXCEEDED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

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
