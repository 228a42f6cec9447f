// Dashboard sessions: a signed cookie, no server-side store. The token carries who signed in
// (`admin`, or the fingerprint of the client key used when no ADMIN_KEY is set), when it expires
// and a nonce, with an HMAC-SHA256 over them made with a secret kept in DATA_DIR/session.key
// (generated on first start, mode 0600) and ADMIN_KEY's digest: changing ADMIN_KEY or deleting
// session.key ends every session. Sign-out revokes the token's nonce until it would expire.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const COOKIE_NAME = 'og_session';
/** Path=/ so the page works behind a reverse proxy that mounts the pool under a prefix. */
export const COOKIE_PATH = '/';

export interface SessionClaims {
  /** `admin` or a client key fingerprint. */
  who: string;
  /** Expiry, epoch ms. */
  exp: number;
  nonce: string;
}

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
  private readonly key: Buffer;
  /** nonce -> expiry of signed-out tokens (bounded: entries leave when the token would expire). */
  private readonly revoked = new Map<string, number>();

  constructor(
    secret: Buffer,
    adminKey: string,
    readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    // The signing key depends on ADMIN_KEY: a new admin key invalidates every session at once.
    this.key = createHash('sha256').update(secret).update('\0').update(adminKey).digest();
  }

  private mac(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest();
  }

  issue(who: string): { token: string; claims: SessionClaims } {
    const claims: SessionClaims = { who, exp: this.now() + this.ttlMs, nonce: randomBytes(16).toString('base64url') };
    const payload = b64(JSON.stringify(claims));
    return { token: `${payload}.${this.mac(payload).toString('base64url')}`, claims };
  }

  /** The claims of a valid, unexpired, not revoked token; undefined otherwise. */
  verify(token: string | undefined): SessionClaims | undefined {
    if (!token || token.length > 1024) return undefined;
    const dot = token.indexOf('.');
    if (dot <= 0) return undefined;
    const payload = token.slice(0, dot);
    // Compared as text: base64 has several spellings of one byte string (the last character's
    // spare bits), and a token should have exactly one.
    const given = Buffer.from(token.slice(dot + 1));
    const want = Buffer.from(this.mac(payload).toString('base64url'));
    if (given.length !== want.length || !timingSafeEqual(given, want)) return undefined;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
    } catch {
      return undefined;
    }
    if (typeof claims.exp !== 'number' || typeof claims.who !== 'string' || typeof claims.nonce !== 'string') return undefined;
    if (claims.exp <= this.now() || this.revoked.has(claims.nonce)) return undefined;
    return claims;
  }

  revoke(claims: SessionClaims): void {
    const now = this.now();
    for (const [nonce, exp] of this.revoked) if (exp <= now) this.revoked.delete(nonce);
    this.revoked.set(claims.nonce, claims.exp);
  }
}

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value: HttpOnly, SameSite=Strict, Path=/, Secure over HTTPS. */
export function sessionCookie(token: string, maxAgeMs: number, secure: boolean): string {
  const attrs = [`${COOKIE_NAME}=${token}`, `Path=${COOKIE_PATH}`, `Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}`, 'HttpOnly', 'SameSite=Strict'];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}
