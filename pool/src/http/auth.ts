// Who may use the pool. Client keys come as `Authorization: Bearer`, `x-goog-api-key` (the
// Google SDK and Gemini CLI) or `?key=` (admin routes: admin-guard.ts). Failures answer 401 in
// the route's dialect.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientKeys } from './access-key';
import { type Dialect, errorBody, errorHeaders, invalidClientKey } from './errors';

/** The key a client presented in a header (`Authorization: Bearer` first, then x-goog-api-key). */
export function headerKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  const goog = headers['x-goog-api-key'];
  if (typeof goog === 'string' && goog) return goog.trim();
  return undefined;
}

/** The key a client presented, from whichever place it used. */
export function presentedKey(request: FastifyRequest): string | undefined {
  const fromHeader = headerKey(request.headers);
  if (fromHeader !== undefined) return fromHeader;
  const q = (request.query as Record<string, unknown> | undefined)?.['key'];
  return typeof q === 'string' && q ? q : undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Fingerprint of the client key that authenticated this request. */
    clientFp: string;
  }
}

export function sendUnauthorized(reply: FastifyReply, dialect: Dialect): FastifyReply {
  const e = invalidClientKey();
  return reply.code(e.status).headers(errorHeaders(e)).send(errorBody(dialect, e));
}

/** An onRequest hook accepting any client key. */
export function clientAuth(keys: ClientKeys, dialect: Dialect) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const fp = keys.match(presentedKey(request));
    if (fp === undefined) return void sendUnauthorized(reply, dialect);
    request.clientFp = fp;
  };
}
