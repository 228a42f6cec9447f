import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sessions, loadSessionSecret, readCookie, sessionCookie } from '../src/admin/session';
import { SignInLimiter } from '../src/admin/sign-in-limit';

const secret = Buffer.alloc(32, 7);

describe('sessions', () => {
  it('a token verifies until it expires, and not after', () => {
    let now = 1_000;
    const s = new Sessions(secret, 'admin-key', 60_000, () => now);
    const { token, claims } = s.issue('admin');
    expect(s.verify(token)).toEqual(claims);
    now += 59_999;
    expect(s.verify(token)).toEqual(claims);
    now += 1;
    expect(s.verify(token)).toBeUndefined();
  });

  it.each([
    ['a changed payload', (t: string) => `${Buffer.from(JSON.stringify({ who: 'admin', exp: 9e15, nonce: 'x' })).toString('base64url')}.${t.split('.')[1]}`],
    ['a changed signature', (t: string) => `${t.slice(0, -2)}AA`],
    ['no signature', (t: string) => t.split('.')[0]!],
    ['another spelling of the same signature bytes', (t: string) => t.slice(0, -1) + String.fromCharCode(t.charCodeAt(t.length - 1) ^ 1)],
    ['garbage', () => 'not-a-token'],
  ])('refuses %s', (_name, mangle) => {
    const s = new Sessions(secret, 'admin-key', 60_000);
    expect(s.verify(mangle(s.issue('admin').token))).toBeUndefined();
  });

  it('a token signed before ADMIN_KEY changed, or with another secret, is refused', () => {
    const { token, claims } = new Sessions(secret, 'old-admin-key', 60_000).issue('admin');
    expect(new Sessions(secret, 'new-admin-key', 60_000).verify(token)).toBeUndefined();
    expect(new Sessions(Buffer.alloc(32, 8), 'old-admin-key', 60_000).verify(token)).toBeUndefined();
    expect(new Sessions(secret, 'old-admin-key', 60_000).verify(token)).toEqual(claims);
  });

  it('sign-out revokes exactly that token', () => {
    const s = new Sessions(secret, 'k', 60_000);
    const a = s.issue('admin');
    const b = s.issue('admin');
    s.revoke(a.claims);
    expect(s.verify(a.token)).toBeUndefined();
    expect(s.verify(b.token)).toEqual(b.claims);
  });

  it('cookie header parsing and the Set-Cookie attributes', () => {
    expect(readCookie('a=1; og_session=tok.en; b=2', 'og_session')).toBe('tok.en');
    expect(readCookie('og_sessionx=1', 'og_session')).toBeUndefined();
    expect(readCookie(undefined, 'og_session')).toBeUndefined();
    expect(sessionCookie('t', 3_600_000, false)).toBe('og_session=t; Path=/; Max-Age=3600; HttpOnly; SameSite=Strict');
    expect(sessionCookie('t', 0, true)).toBe('og_session=t; Path=/; Max-Age=0; HttpOnly; SameSite=Strict; Secure');
  });
});

describe('sign-in limiter', () => {
  const opts = { perAddress: 3, global: 5, windowMs: 1_000 };

  it('blocks an address after its failures until the oldest leaves the window', () => {
    const l = new SignInLimiter(opts);
    for (let t = 0; t < 3; t++) {
      expect(l.blockedFor('a', t)).toBeUndefined();
      l.fail('a', t);
    }
    expect(l.blockedFor('a', 10)).toBe(990);
    expect(l.blockedFor('b', 10)).toBeUndefined();
    expect(l.blockedFor('a', 1_000)).toBeUndefined();
  });

  it('blocks everyone after the global number of failures from many addresses', () => {
    const l = new SignInLimiter(opts);
    for (let i = 0; i < 5; i++) l.fail(`addr-${i}`, i);
    expect(l.blockedFor('fresh', 10)).toBe(990);
  });

  it('a success clears the address', () => {
    const l = new SignInLimiter(opts);
    l.fail('a', 0);
    l.fail('a', 1);
    l.succeed('a');
    l.fail('a', 2);
    l.fail('a', 3);
    expect(l.blockedFor('a', 4)).toBeUndefined();
  });
});

describe('the session secret', () => {
  it('is created once in DATA_DIR with mode 0600 and read back; a read-only place (checked when not root) falls back to memory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'session-secret-'));
    const first = await loadSessionSecret(join(dir, 'data'));
    expect(first).toHaveLength(32);
    expect((await stat(join(dir, 'data', 'session.key'))).mode & 0o777).toBe(0o600);
    expect(await loadSessionSecret(join(dir, 'data'))).toEqual(first);
    if (process.getuid?.() !== 0) {
      await mkdir(join(dir, 'ro'));
      await chmod(join(dir, 'ro'), 0o500);
      const warnings: string[] = [];
      expect(await loadSessionSecret(join(dir, 'ro'), (m) => warnings.push(m))).toHaveLength(32);
      expect(warnings[0]).toContain('will not survive a restart');
    }
    await rm(dir, { recursive: true, force: true });
  });
});
