// Fastify's own errors (a body too large, malformed or too slow; a content type it cannot parse; a
// schema refusal) and anything a handler throws, as the pool's errors: one rule for every plugin,
// each answering in its own dialect (OpenAI's envelope on the operator API).
import { apiError } from '@opengemini/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BodyTimeout } from './body';
import { type Dialect, type PoolError, sendError } from './errors';
import { type SchemaFailure, schemaRefusal } from './schema-refusal';

export type FastifyFailure = Error & { statusCode?: number } & SchemaFailure;

/**
 * The error to answer: a body too slow is request_timeout (408); a schema refusal names the field
 * (with the route's config.schemaHint); 413 is client_too_large, as the Worker labels it; any
 * other 4xx is client_bad_request with Fastify's status; anything else is pool_error (500).
 */
export function fromFastifyError(err: FastifyFailure, schemaHint?: string): PoolError {
  if (err instanceof BodyTimeout) return err.info;
  if (err.validation) return schemaRefusal(err, schemaHint);
  const status = err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  if (status === 413) return apiError('client_too_large', err.message);
  return status < 500 ? apiError('client_bad_request', err.message, { status }) : apiError('pool_error', err.message);
}

/** A plugin's error handler: `app.setErrorHandler(fastifyErrorHandler('anthropic'))`. */
export function fastifyErrorHandler(dialect: Dialect) {
  return (err: FastifyFailure, request: FastifyRequest, reply: FastifyReply): void => {
    void sendError(reply, dialect, fromFastifyError(err, request.routeOptions.config.schemaHint));
  };
}
