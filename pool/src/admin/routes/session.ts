// Dashboard sign-in and sign-out. POST /admin/session {"key": "..."} checks the admin key (or a
// client key when no ADMIN_KEY is set), limited per address, and sets the session cookie;
// GET /admin/session says whether the cookie is valid; DELETE /admin/session signs out.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AdminGuard, csrfProblem, sendAdminError, tooManyAttempts } from '../admin-guard';
import { badRequest, invalidClientKey } from '../../http';
import { COOKIE_NAME, readCookie, sessionCookie } from '../session';

export interface SessionOptions {
  guard: AdminGuard;
  now: () => number;
}

/** Secure cookies only over HTTPS (directly, or as a reverse proxy says): http://lan-ip must work. */
function isHttps(request: FastifyRequest): boolean {
  return request.protocol === 'https' || request.headers['x-forwarded-proto'] === 'https';
}

export async function sessionRoutes(app: FastifyInstance, opts: SessionOptions): Promise<void> {
  const { guard, now } = opts;
  const { sessions, limiter } = guard;

  app.post<{ Body: unknown }>('/admin/session', async (request, reply) => {
    const wait = limiter.blockedFor(request.ip, now());
    if (wait !== undefined) return sendAdminError(reply, tooManyAttempts(wait));
    const key = (request.body as { key?: unknown } | undefined)?.key;
    if (typeof key !== 'string' || !key.trim()) return sendAdminError(reply, badRequest('Send {"key": "<admin key>"}.', 'key'));
    const who = guard.identify(key.trim());
    if (who === undefined) {
      limiter.fail(request.ip, now());
      return sendAdminError(reply, { ...invalidClientKey(), message: 'Wrong key: sign in with ADMIN_KEY (or the client key from access_key.txt when no ADMIN_KEY is set).' });
    }
    limiter.succeed(request.ip);
    const { token, claims } = sessions.issue(who);
    request.log.info({ route: '/admin/session', who: who === 'admin' ? 'admin' : `client ${who}` }, 'signed in');
    void reply.header('set-cookie', sessionCookie(token, sessions.ttlMs, isHttps(request))).header('cache-control', 'no-store');
    return { signedIn: true, who, expiresAt: new Date(claims.exp).toISOString() };
  });

  app.get('/admin/session', async (request, reply) => {
    const claims = sessions.verify(readCookie(request.headers.cookie, COOKIE_NAME));
    void reply.header('cache-control', 'no-store');
    if (!claims || guard.identifyClaims(claims) === undefined) return sendAdminError(reply, { ...invalidClientKey(), message: 'Not signed in.' });
    return { signedIn: true, who: claims.who, expiresAt: new Date(claims.exp).toISOString() };
  });

  app.delete('/admin/session', async (request, reply) => {
    const forgery = csrfProblem(request);
    if (forgery) return sendAdminError(reply, { status: 403, type: 'invalid_request_error', code: 'csrf_check_failed', message: forgery });
    const claims = sessions.verify(readCookie(request.headers.cookie, COOKIE_NAME));
    if (claims) sessions.revoke(claims);
    void reply.header('set-cookie', sessionCookie('', 0, isHttps(request))).header('cache-control', 'no-store');
    return { signedIn: false };
  });
}
