// Dashboard sign-in and sign-out. POST /admin/session {"key": "..."} checks the admin key, wrong
// keys counted against the caller's address (guess-limit.ts), and sets the signed session cookie
// (@fastify/cookie); GET /admin/session says whether the cookie is valid; DELETE /admin/session
// signs out (the session is revoked, and the revocation saved). The sign-in body is read only up
// to SIGN_IN_BODY_LIMIT: no one without a key makes the pool hold a large body.
import { apiError } from '@opengemini/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AdminGuard, csrfProblem, sendAdminError } from '../admin-guard';
import { invalidClientKey } from '../../http/errors';
import { tooManyKeyGuesses } from '../guess-limit';
import { fastifyErrorHandler } from '../../http/fastify-errors';
import { COOKIE_NAME, COOKIE_PATH } from '../session';

/** `{"key": "<admin key>"}` with room to spare; a larger Content-Length is refused unread (413). */
export const SIGN_IN_BODY_LIMIT = 4 * 1024;

export interface SessionOptions {
  guard: AdminGuard;
}

/** Secure cookies only over HTTPS (directly, or as a reverse proxy says): http://lan-ip must work. */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

const signInSchema = {
  body: {
    type: 'object',
    properties: { key: { type: 'string', minLength: 1, maxLength: 1024 } },
    required: ['key'],
  },
} as const;

export async function sessionRoutes(app: FastifyInstance, opts: SessionOptions): Promise<void> {
  const { guard } = opts;
  const { sessions } = guard;
  // Bad sign-in bodies in the API's envelope, naming the field.
  app.setErrorHandler(fastifyErrorHandler('openai'));

  app.post<{ Body: { key: string } }>('/admin/session', { bodyLimit: SIGN_IN_BODY_LIMIT, schema: signInSchema, config: { schemaHint: 'Send {"key": "<admin key>"}.' } }, async (request, reply) => {
    const guesses = app.keyGuesses;
    const wait = await guesses.refusedFor(request, 'admin');
    if (wait !== undefined) return sendAdminError(reply, tooManyKeyGuesses(wait));
    const who = guard.identify(request.body.key.trim());
    if (who === undefined) {
      await guesses.failed(request, 'admin');
      return sendAdminError(reply, { ...invalidClientKey(), message: 'Wrong key: sign in with ADMIN_KEY (or the client key from access_key.txt when no ADMIN_KEY is set).' });
    }
    const { value, claims } = sessions.issue(who);
    request.log.info({ route: '/admin/session', who }, 'signed in');
    void reply
      .setCookie(COOKIE_NAME, value, { signed: true, path: COOKIE_PATH, maxAge: Math.floor(sessions.ttlMs / 1000), httpOnly: true, sameSite: 'strict', secure: isHttps(request) })
      .header('cache-control', 'no-store');
    return { signedIn: true, who, expiresAt: new Date(claims.exp).toISOString() };
  });

  app.get('/admin/session', async (request, reply) => {
    const claims = guard.sessionOf(request);
    void reply.header('cache-control', 'no-store');
    if (!claims) return sendAdminError(reply, { ...invalidClientKey(), message: 'Not signed in.' });
    return { signedIn: true, who: claims.who, expiresAt: new Date(claims.exp).toISOString() };
  });

  app.delete('/admin/session', async (request, reply) => {
    const forgery = csrfProblem(request);
    if (forgery) return sendAdminError(reply, apiError('csrf_check_failed', forgery));
    const claims = sessions.verify(request.cookies[COOKIE_NAME]);
    if (claims) await sessions.revoke(claims);
    void reply.clearCookie(COOKIE_NAME, { path: COOKIE_PATH, httpOnly: true, sameSite: 'strict', secure: isHttps(request) }).header('cache-control', 'no-store');
    return { signedIn: false };
  });
}
