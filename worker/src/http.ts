// Responses: JSON, OpenAI's error envelope (the one place it is rendered), CORS, SSE headers.
import { FAULT_HEADER, type OpenAI, SSE_HEADERS as SHARED_SSE_HEADERS, encodeFaultHeader, faultCode, openaiErrorEnvelope, retryAfterSeconds } from '@opengemini/shared';
import { ApiError } from './errors';
import { jsonOf } from './json-text';

export const CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': '*',
  'access-control-expose-headers': `${FAULT_HEADER}, retry-after`,
  'access-control-max-age': '86400',
};

export function json(data: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(jsonOf(data), {
    status,
    headers: { 'content-type': 'application/json', ...CORS_HEADERS, ...headers },
  });
}

/** OpenAI's error envelope for an ApiError; `code` carries the contract's fault code. */
export function errorBody(err: ApiError): OpenAI.ErrorEnvelope {
  return openaiErrorEnvelope({ message: err.message, type: err.type, param: err.param, code: faultCode(err.fault) });
}

/** Headers that carry the contract label (and Retry-After on quota faults, in whole seconds). */
export function faultHeaders(err: ApiError): Record<string, string> {
  const headers: Record<string, string> = { [FAULT_HEADER]: encodeFaultHeader(err.fault) };
  if (err.fault.kind === 'quota' && err.fault.retryAfterMs !== undefined) {
    headers['retry-after'] = retryAfterSeconds(err.fault.retryAfterMs);
  }
  return headers;
}

export function errorResponse(err: ApiError): Response {
  return json(errorBody(err), err.status, faultHeaders(err));
}

/** Anything thrown that is not an ApiError is the Worker's own fault: 500, labelled so. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError({ kind: 'upstream', reason: 'worker_fault' }, `Internal error in the OpenGemini Worker: ${message}`, { status: 500 });
}

export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}

export const SSE_HEADERS: Record<string, string> = { ...SHARED_SSE_HEADERS, ...CORS_HEADERS };
