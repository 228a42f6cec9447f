// Who may use the operator routes (/status, /metrics, /admin/*): a script with the admin key
// (`Authorization: Bearer`, or x-admin-key), or the dashboard with its session cookie. The admin
// key is ADMIN_KEY, or when none is set the main access key (access_key.txt) -- never an extra
// client key: those are handed to other people and must not export the Gemini keys.
// Cookie-authenticated calls that change something must also carry `x-requested-with` or a JSON
// content type (both force a CORS preflight, which a cross-site form or image cannot pass) and,
// when the browser sends Origin, come from this same host: with SameSite=Strict that makes
// cross-site request forgery moot. Wrong keys count against the caller's address
// (guess-limit.ts), so the admin API cannot be used to guess either.
import { createHash, timingSafeEqual } from 'node:crypto';
import { apiError } from '@opengemini/shared';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { closeIfBodyUnread, presentedKey } from '../http/auth';
import { type PoolError, invalidClientKey, sendError } from '../http/errors';
import { tooManyKeyGuesses } from './guess-limit';
import { COOKIE_NAME, type SessionClaims, type Sessions } from './session';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on operator routes: how the caller proved it is the operator. */
    adminSession?: SessionClaims;
  }
}

const digest = (s: string) => createHash('sha256').update(s).digest();
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sendAdminError(reply: FastifyReply, e: PoolError): FastifyReply {
  if (e.status === 401 || e.status === 429) closeIfBodyUnread(reply.request, reply);
  return sendError(reply, 'openai', e);
}

export class AdminGuard {
  private readonly adminDigest: Buffer | undefined;

  /** `adminKey`: ADMIN_KEY, or the main access key when ADMIN_KEY is unset (see effectiveAdminKey). */
  constructor(
    adminKey: string,
    readonly sessions: Sessions,
  ) {
    this.adminDigest = adminKey ? digest(adminKey) : undefined;
  }

  /** `admin` when the presented key is the admin key, else undefined. */
  identify(presented: string | undefined): string | undefined {
    if (!presented || !this.adminDigest) return undefined;
    return timingSafeEqual(digest(presented), this.adminDigest) ? 'admin' : undefined;
  }

  /** Only admin sessions are good (Sessions is keyed by the admin key, so changing it ends them). */
  identifyClaims(claims: SessionClaims): string | undefined {
    return claims.who === 'admin' && this.adminDigest ? claims.who : undefined;
  }

  /** The admin session of the request's cookie (@fastify/cookie parses it), if valid. */
  sessionOf(request: FastifyRequest): SessionClaims | undefined {
    const claims = this.sessions.verify(request.cookies?.[COOKIE_NAME]);
    return claims && this.identifyClaims(claims) !== undefined ? claims : undefined;
  }

  /** The onRequest hook of every operator route. */
  readonly hook = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers['x-admin-key'];
    const presented = (typeof header === 'string' && header) || presentedKey(request);
    if (presented) {
      const guesses = request.server.keyGuesses;
      const wait = await guesses.refusedFor(request, 'admin');
      if (wait !== undefined) return void sendAdminError(reply, tooManyKeyGuesses(wait));
      if (this.identify(presented) !== undefined) return;
      await guesses.failed(request, 'admin');
      return void sendAdminError(reply, invalidClientKey());
    }
    const claims = this.sessionOf(request);
    if (!claims) return void sendAdminError(reply, { ...invalidClientKey(), message: 'Sign in first: send the admin key as "Authorization: Bearer <key>", or sign in on the dashboard.' });
    if (!SAFE_METHODS.has(request.method)) {
      const forgery = csrfProblem(request);
      if (forgery) return void sendAdminError(reply, apiError('csrf_check_failed', forgery));
    }
    request.adminSession = claims;
  };
}

/** The key that opens the operator routes: ADMIN_KEY, else the main access key. */
export const effectiveAdminKey = (adminKey: string, accessKey: string): string => adminKey || accessKey;

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
