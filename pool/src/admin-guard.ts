// Who may use the operator routes (/status, /metrics, /admin/*): a script with the admin key
// (`Authorization: Bearer`, or x-admin-key), or the dashboard with its session cookie. The admin
// key is ADMIN_KEY, or any client key when none is set. Cookie-authenticated calls that change
// something must also carry `x-requested-with` or a JSON content type (both force a CORS
// preflight, which a cross-site form or image cannot pass) and, when the browser sends Origin,
// come from this same host: with SameSite=Strict that makes cross-site request forgery moot.
// Failed keys count toward the sign-in limit, so the admin API cannot be used to guess either.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientKeys } from './access-key';
import { presentedKey } from './auth';
import { type PoolError, errorBody, errorHeaders, invalidClientKey } from './errors';
import { COOKIE_NAME, type SessionClaims, type Sessions, readCookie } from './session';
import type { SignInLimiter } from './sign-in-limit';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on operator routes: how the caller proved it is the operator. */
    adminSession?: SessionClaims;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sendAdminError(reply: FastifyReply, e: PoolError): FastifyReply {
  return reply.code(e.status).headers(errorHeaders(e)).send(errorBody('openai', e));
}

export const tooManyAttempts = (retryAfterMs: number): PoolError => ({
  status: 429,
  type: 'rate_limit_error',
  code: 'too_many_sign_in_attempts',
  retryAfterMs,
  message: `Too many failed sign-in attempts; try again in ${Math.max(1, Math.ceil(retryAfterMs / 60_000))} min.`,
});

export class AdminGuard {
  private readonly adminDigest: Buffer | undefined;

  constructor(
    adminKey: string,
    private readonly clientKeys: ClientKeys,
    readonly sessions: Sessions,
    readonly limiter: SignInLimiter,
    private readonly now: () => number,
  ) {
    this.adminDigest = adminKey ? digest(adminKey) : undefined;
  }

  /** Who a presented key signs in as (`admin` or a client key's fingerprint), or undefined. */
  identify(presented: string | undefined): string | undefined {
    if (!presented) return undefined;
    if (this.adminDigest) return timingSafeEqual(digest(presented), this.adminDigest) ? 'admin' : undefined;
    return this.clientKeys.match(presented);
  }

  /** A session is still good while the key it was opened with still is. */
  identifyClaims(claims: SessionClaims): string | undefined {
    if (this.adminDigest ? claims.who !== 'admin' : !this.clientKeys.hasFp(claims.who)) return undefined;
    return claims.who;
  }

  private sessionOf(request: FastifyRequest): SessionClaims | undefined {
    const claims = this.sessions.verify(readCookie(request.headers.cookie, COOKIE_NAME));
    return claims && this.identifyClaims(claims) !== undefined ? claims : undefined;
  }

  /** The onRequest hook of every operator route. */
  readonly hook = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers['x-admin-key'];
    const presented = (typeof header === 'string' && header) || presentedKey(request);
    const now = this.now();
    if (presented) {
      const wait = this.limiter.blockedFor(request.ip, now);
      if (wait !== undefined) return void sendAdminError(reply, tooManyAttempts(wait));
      if (this.identify(presented) !== undefined) return;
      this.limiter.fail(request.ip, now);
      return void sendAdminError(reply, invalidClientKey());
    }
    const claims = this.sessionOf(request);
    if (!claims) return void sendAdminError(reply, { ...invalidClientKey(), message: 'Sign in first: send the admin key as "Authorization: Bearer <key>", or sign in on the dashboard.' });
    if (!SAFE_METHODS.has(request.method)) {
      const forgery = csrfProblem(request);
      if (forgery) return void sendAdminError(reply, { status: 403, type: 'invalid_request_error', code: 'csrf_check_failed', message: forgery });
    }
    request.adminSession = claims;
  };
}

/** Why a cookie-authenticated change is refused, or undefined when it looks like our own page. */
export function csrfProblem(request: FastifyRequest): string | undefined {
  const requestedWith = request.headers['x-requested-with'];
  const type = request.headers['content-type'] ?? '';
  if (!requestedWith && !type.toLowerCase().startsWith('application/json')) {
    return 'Changes made with a session cookie need the header "x-requested-with" or a JSON content type.';
  }
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return 'The Origin header is malformed.';
    }
    if (host !== request.headers.host) return `Cross-origin change refused (Origin ${origin}).`;
  } else if (origin === 'null') {
    return 'Cross-origin change refused (Origin null).';
  }
  return undefined;
}
