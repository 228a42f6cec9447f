// The pool's error answers rendered in the dialect of the route: OpenAI's envelope on /v1 (chat
// and Responses), Anthropic's on /v1/messages, Google's on /v1beta so each SDK raises its usual
// errors. Codes, statuses and types come from the shared catalogue (@opengemini/shared
// errors.ts), the envelopes from envelopes/ (one file per dialect).
import { type ApiErrorInfo, anthropicErrorEnvelope, apiError, googleErrorEnvelope, openaiErrorEnvelope, retryAfterSeconds } from '@opengemini/shared';
import type { FastifyReply } from 'fastify';
import { scrubHeldKeys } from '../keys';

/**
 * The client dialect of a route, which decides the shape of its errors: `responses` has OpenAI's
 * envelope but its own stream error event.
 */
export type Dialect = 'openai' | 'responses' | 'anthropic' | 'gemini';

/** An error the pool answers with (a catalogue code, its status and type, a message). */
export type PoolError = ApiErrorInfo;

function envelope(dialect: Dialect, e: PoolError): object {
  switch (dialect) {
    case 'gemini':
      return googleErrorEnvelope(e);
    case 'anthropic':
      return anthropicErrorEnvelope(e);
    case 'openai':
    case 'responses':
      return openaiErrorEnvelope(e);
  }
}

export function errorBody(dialect: Dialect, e: PoolError): string {
  // Every key the pool holds, literally, before the envelope's own pattern scrub.
  return JSON.stringify(envelope(dialect, { ...e, message: scrubHeldKeys(e.message) }));
}

export function errorHeaders(e: PoolError): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (e.retryAfterMs !== undefined) headers['retry-after'] = retryAfterSeconds(e.retryAfterMs);
  return headers;
}

/** Answers with the error: its status, Retry-After if any, and the dialect's envelope. */
export function sendError(reply: FastifyReply, dialect: Dialect, e: PoolError): FastifyReply {
  return reply.code(e.status).headers(errorHeaders(e)).send(errorBody(dialect, e));
}

/** An SSE error event for a stream that broke after its first byte (no status can be sent). */
export function errorEvent(dialect: Dialect, e: PoolError): string {
  switch (dialect) {
    case 'anthropic':
      return `event: error\ndata: ${errorBody(dialect, e)}\n\n`;
    case 'responses': {
      // The Responses `error` event: OpenAI's fields, and the envelope nested as the Worker sends it.
      const { error } = openaiErrorEnvelope(e);
      return `event: error\ndata: ${JSON.stringify({ type: 'error', code: error.code, message: error.message, param: error.param, error })}\n\n`;
    }
    default:
      return `data: ${errorBody(dialect, e)}\n\n`;
  }
}

export const invalidClientKey = (): PoolError =>
  apiError('invalid_api_key', 'Incorrect or missing API key for this pool: send the key from access_key.txt as "Authorization: Bearer sk-..." (or x-api-key, x-goog-api-key, or ?key=).');

export const badRequest = (message: string, param: string | null = null): PoolError => apiError('client_bad_request', message, { param });

/** A client key asking for what it has no right to (an operator-only native method, another client's file). */
export const forbidden = (message: string): PoolError => apiError('client_forbidden', message);

/** No route for this method and path. Both are named, and the routes listed with their methods:
 * `GET /v1/chat/completions` is a known path asked with the wrong method. */
export const notFound = (method: string, path: string): PoolError =>
  apiError('client_not_found', `No route for ${method} ${path}. The pool serves POST /v1/chat/completions, POST /v1/messages, POST /v1/responses, POST /v1/embeddings, GET /v1/models and /v1beta/*.`);
