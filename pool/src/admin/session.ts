// Dashboard sessions: a signed cookie (@fastify/cookie's signer, HMAC-SHA256). The value carries
// who signed in (`admin`), when it expires and a nonce; the signing key is derived from a secret
// kept in DATA_DIR/session.key (generated on first start, mode 0600) and from the admin key:
// changing the admin key or deleting session.key ends every session. Sign-out revokes the nonce
// until the session would have expired; the revoked nonces are saved with the state, so a copy
// of a signed-out cookie stays worthless after a restart.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Signer } from '@fastify/cookie';

export const COOKIE_NAME = 'og_session';
/** Path=/ so the page works behind a reverse proxy that mounts the pool under a prefix. */
export const COOKIE_PATH = '/';
/** Revoked sessions remembered at once; sign-outs are rare, the oldest expiry goes first. */
const MAX_REVOKED = 10_000;

export interface SessionClaims {
  /** `admin`. */
  who: string;
  /** Expiry, epoch ms. */
  exp: number;
  nonce: string;
}

/** Signed-out sessions as saved in state.json: [nonce, expiry epoch ms]. */
export type RevokedSessions = [nonce: string, exp: number][];

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64url');

/**
 * Reads DATA_DIR/session.key, creating it (32 random bytes, hex, 0600) on first start. When it
 * cannot be written (a read-only DATA_DIR) the secret lives in memory: sign-ins then end with the
 * process, which is the only cost.
 */
export async function loadSessionSecret(dataDir: string, warn: (m: string) => void = () => {}): Promise<Buffer> {
  const path = join(dataDir, 'session.key');
  try {
    const hex = (await readFile(path, 'utf8')).trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return Buffer.from(hex, 'hex');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32);
  try {
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${secret.toString('hex')}\n`, { mode: 0o600 });
  } catch (err) {
    warn(`could not save ${path} (${(err as Error).message}): dashboard sign-ins will not survive a restart`);
  }
  return secret;
}

export class Sessions {
  /** Signs and checks cookie values; also @fastify/cookie's `secret` (one signer for both). */
  readonly signer: Signer;
  /** nonce -> expiry of signed-out tokens (bounded: entries leave when the token would expire). */
  private readonly revoked = new Map<string, number>();

  constructor(
    secret: Buffer,
    adminKey: string,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    /** Called after a sign-out, to save the revocation at once (the sign-out answers once it is saved). */
    private readonly onRevoke: () => Promise<void> | void = () => {},
  ) {
    // The signing key depends on the admin key: a new admin key invalidates every session at once.
    this.signer = new Signer(createHash('sha256').update(secret).update('\0').update(adminKey).digest(), 'sha256');
  }

  /** A new session: the claims, and the cookie value (unsigned: setCookie signs it). */
  issue(who: string): { value: string; claims: SessionClaims } {
    const claims: SessionClaims = { who, exp: this.now() + this.ttlMs, nonce: randomBytes(16).toString('base64url') };
    return { value: b64(JSON.stringify(claims)), claims };
  }

  /** The claims of a validly signed, unexpired, not revoked cookie value; undefined otherwise. */
  verify(token: string | undefined): SessionClaims | undefined {
    if (!token || token.length > 1024) return undefined;
    const unsigned = this.signer.unsign(token);
    if (!unsigned.valid || !unsigned.value) return undefined;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')) as SessionClaims;
    } catch {
      return undefined;
    }
    if (typeof claims?.exp !== 'number' || typeof claims.who !== 'string' || typeof claims.nonce !== 'string') return undefined;
    if (claims.exp <= this.now() || this.revoked.has(claims.nonce)) return undefined;
    return claims;
  }

  async revoke(claims: SessionClaims): Promise<void> {
    this.prune();
    if (this.revoked.size >= MAX_REVOKED) this.revoked.delete(this.revoked.keys().next().value!);
    this.revoked.set(claims.nonce, claims.exp);
    await this.onRevoke();
  }

  private prune(): void {
    const now = this.now();
    for (const [nonce, exp] of this.revoked) if (exp <= now) this.revoked.delete(nonce);
  }

  /** The revocations still in force, for state.json. */
  snapshot(): RevokedSessions {
    this.prune();
    return [...this.revoked];
  }

  restore(saved: RevokedSessions | undefined): void {
    const now = this.now();
    for (const entry of Array.isArray(saved) ? saved : []) {
      if (Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number' && entry[1] > now) this.revoked.set(entry[0], entry[1]);
    }
  }
}
