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

/** What throws after the hook has handed over (a refusal being sent, the route run by done()): logged, not
 * an unhandled rejection, and never a second done(). */
const logged = (request: FastifyRequest) => (err: unknown) => request.log.error({ err }, 'client key check failed after it answered');

/**
 * An onRequest hook accepting any client key. A wrong key counts against the caller's address
 * (guess-limit.ts); an address past its limit is refused whatever key it presents. A callback hook
 * rather than an async one: most requests (a right key, nobody refused) pass without a promise.
 */
export function clientAuth(keys: ClientKeys, dialect: Dialect, guesses: KeyGuesses) {
  const admit = (request: FastifyRequest, reply: FastifyReply, presented: string, done: (err?: Error) => void): void => {
    const fp = keys.match(presented);
    if (fp !== undefined) {
      request.clientFp = fp;
      return done();
    }
    guesses.failed(request, 'client').then(() => void sendRefusal(request, reply, dialect, invalidClientKey()), done).catch(logged(request));
  };
  return (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    const presented = presentedKey(request);
    // A hook that answers does not call done: Fastify goes no further.
    if (presented === undefined) return void sendRefusal(request, reply, dialect, invalidClientKey());
    if (!guesses.anyRefused('client')) return admit(request, reply, presented, done);
    guesses
      .refusedFor(request, 'client')
      .then((wait) => (wait === undefined ? admit(request, reply, presented, done) : void sendRefusal(request, reply, dialect, tooManyKeyGuesses(wait))), done)
      .catch(logged(request));
  };
}
