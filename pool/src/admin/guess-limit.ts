// Limits guesses of keys per client address, with @fastify/rate-limit (IPv6 addresses by their
// /64, as one host usually holds a whole /64): wrong admin keys (sign-in, Bearer or x-admin-key
// on operator routes) in one count, wrong client keys (/v1, /v1beta) in another, so a client left
// with an old key does not lock the operator's address out of the dashboard, nor the reverse.
//
// Only failures cost, and each address pays for its own: after SIGN_IN_FAILURES wrong admin keys
// (ten times as many client keys) in 10 minutes that address is refused (429) whatever it sends,
// so a 429 tells a guesser nothing, and every attempt it makes while refused renews the 10
// minutes: it must back off to be heard again. There is no limit across addresses: 100 wrong keys
// from 10 addresses block those 10 addresses, never the operator signing in from another one. A
// valid key is never counted. Addresses are kept in the library's LRU (5,000 per count, least
// recently seen forgotten first).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { apiError } from '@opengemini/shared';
import type { PoolError } from '../http/errors';

export const GUESS_WINDOW_MS = 10 * 60_000;

declare module 'fastify' {
  interface FastifyInstance {
    /** Wrong-key accounting per client address (guess-limit.ts). */
    keyGuesses: KeyGuesses;
  }
}

type Limit = ReturnType<FastifyInstance['createRateLimit']>;

/** Which key was guessed: the admin key or a client key. */
export type GuessedKey = 'admin' | 'client';

export class KeyGuesses {
  /**
   * Until when an address may be refused, per count. An address is refused only once a counted
   * wrong key took it past its limit, and every count goes through `count` below, which sees it:
   * until the last such window has passed the store is asked; otherwise no address can be
   * refused and the store is not asked at all. Most requests (a valid key, nobody guessing) then
   * cost no lookup: the peek was two awaits and an LRU read on every data request.
   */
  private readonly refusing: Record<GuessedKey, number> = { admin: 0, client: 0 };

  constructor(private readonly limits: Record<GuessedKey, Limit>) {}

  /** Whether some address may be refused now: when not, `refusedFor` is undefined for everyone. */
  anyRefused(kind: GuessedKey): boolean {
    return Date.now() < this.refusing[kind];
  }

  /** Undefined when the request's address may present a key now; else the ms until it may. An
   * attempt made while refused counts, which renews the wait. */
  async refusedFor(request: FastifyRequest, kind: GuessedKey): Promise<number | undefined> {
    if (!this.anyRefused(kind)) return undefined;
    const peek = await this.limits[kind](request, { increment: false });
    if (peek.isAllowed || peek.remaining > 0) return undefined;
    const now = await this.count(request, kind);
    return now.isAllowed ? undefined : Math.max(1_000, now.ttl);
  }

  /** A wrong key from the request's address. */
  async failed(request: FastifyRequest, kind: GuessedKey): Promise<void> {
    await this.count(request, kind);
  }

  /** Counts one against the address, noting how long it is refused if that took it past its limit. */
  private async count(request: FastifyRequest, kind: GuessedKey): Promise<Awaited<ReturnType<Limit>>> {
    const r = await this.limits[kind](request);
    if (!r.isAllowed) this.refusing[kind] = Math.max(this.refusing[kind], Date.now() + r.ttl);
    return r;
  }
}

/** The answer to an address past its limit (in the route's dialect). */
export const tooManyKeyGuesses = (retryAfterMs: number): PoolError =>
  apiError('too_many_sign_in_attempts', `Too many wrong keys from this address; try again in ${Math.max(1, Math.ceil(retryAfterMs / 60_000))} min.`, { retryAfterMs });

export interface GuessLimitOptions {
  /** Wrong admin keys allowed per address in GUESS_WINDOW_MS (SIGN_IN_FAILURES); client keys: ten times as many. */
  perAddress: number;
}

/** Registers @fastify/rate-limit (no route limited by default) and the `keyGuesses` decorator. */
export const guessLimit = fp(
  async (app: FastifyInstance, opts: GuessLimitOptions) => {
    await app.register(rateLimit, { global: false, continueExceeding: true });
    // Each createRateLimit has its own store: two separate counts.
    const admin = app.createRateLimit({ max: opts.perAddress, timeWindow: GUESS_WINDOW_MS });
    const client = app.createRateLimit({ max: opts.perAddress * 10, timeWindow: GUESS_WINDOW_MS });
    app.decorate('keyGuesses', new KeyGuesses({ admin, client }));
  },
  { name: 'opengemini-key-guesses', fastify: '5.x' },
);
