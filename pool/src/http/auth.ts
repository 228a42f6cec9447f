// Who may use the pool. Client keys come as `Authorization: Bearer`, `x-api-key` (Anthropic's
// SDK and Claude Code), `x-goog-api-key` (the Google SDK and Gemini CLI) or `?key=` (admin
// routes: admin-guard.ts). Failures answer 401 in the route's dialect.
import type { IncomingHttpHeaders } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientKeys } from './access-key';
import { type KeyGuesses, tooManyKeyGuesses } from '../admin/guess-limit';
import { type Dialect, type PoolError, invalidClientKey, sendError } from './errors';

/** Where clients put a key beside `Authorization: Bearer`: Anthropic's header, then Google's. */
const KEY_HEADERS = ['x-api-key', 'x-goog-api-key'] as const;

/** The key a client presented in a header (`Authorization: Bearer` first, then x-api-key, x-goog-api-key). */
export function headerKey(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  for (const name of KEY_HEADERS) {
    const v = headers[name];
    if (typeof v === 'string' && v) return v.trim();
  }
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

/**
 * A refusal sent before the request's body was read closes the connection: otherwise Node would
 * go on reading (and discarding) whatever body the unauthenticated client sends.
 */
export function closeIfBodyUnread(request: FastifyRequest, reply: FastifyReply): void {
  if (request.body !== undefined) return;
  const length = request.headers['content-length'];
  if ((length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined) void reply.header('connection', 'close');
}

export function sendRefusal(request: FastifyRequest, reply: FastifyReply, dialect: Dialect, e: PoolError): FastifyReply {
  closeIfBodyUnread(request, reply);
  return sendError(reply, dialect, e);
}

/**
 * An onRequest hook accepting any client key. A wrong key counts against the caller's address
 * (guess-limit.ts); an address past its limit is refused whatever key it presents.
 */
export function clientAuth(keys: ClientKeys, dialect: Dialect, guesses: KeyGuesses) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const presented = presentedKey(request);
    if (presented === undefined) return void sendRefusal(request, reply, dialect, invalidClientKey());
    // Most requests: nobody is refused, and the hook does not wait on the store.
    const wait = guesses.anyRefused('client') ? await guesses.refusedFor(request, 'client') : undefined;
    if (wait !== undefined) return void sendRefusal(request, reply, dialect, tooManyKeyGuesses(wait));
    const fp = keys.match(presented);
    if (fp === undefined) {
      await guesses.failed(request, 'client');
      return void sendRefusal(request, reply, dialect, invalidClientKey());
    }
    request.clientFp = fp;
  };
}
