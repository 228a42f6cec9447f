import { chmod, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Sessions, loadSessionSecret } from '../src/admin/session';

const secret = Buffer.alloc(32, 7);
/** A session's cookie value as the browser holds it (setCookie signs with the same signer). */
const signed = (s: Sessions, who = 'admin') => {
  const { value, claims } = s.issue(who);
  return { token: s.signer.sign(value), claims };
};

describe('sessions', () => {
  it('a token verifies until it expires, and not after', () => {
    let now = 1_000;
    const s = new Sessions(secret, 'admin-key', 60_000, () => now);
    const { token, claims } = signed(s);
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
    ['a signed value that is not a session', (_t: string, s: Sessions) => s.signer.sign('bm90IGpzb24')],
  ])('refuses %s', (_name, mangle: (t: string, s: Sessions) => string) => {
    const s = new Sessions(secret, 'admin-key', 60_000);
    expect(s.verify(mangle(signed(s).token, s))).toBeUndefined();
  });

  it('a token signed before ADMIN_KEY changed, or with another secret, is refused', () => {
    const { token, claims } = signed(new Sessions(secret, 'old-admin-key', 60_000));
    expect(new Sessions(secret, 'new-admin-key', 60_000).verify(token)).toBeUndefined();
    expect(new Sessions(Buffer.alloc(32, 8), 'old-admin-key', 60_000).verify(token)).toBeUndefined();
    expect(new Sessions(secret, 'old-admin-key', 60_000).verify(token)).toEqual(claims);
  });

  it('sign-out revokes exactly that token, and asks for the revocation to be saved', async () => {
    let saves = 0;
    const s = new Sessions(secret, 'k', 60_000, Date.now, () => void saves++);
    const a = signed(s);
    const b = signed(s);
    await s.revoke(a.claims);
    expect(s.verify(a.token)).toBeUndefined();
    expect(s.verify(b.token)).toEqual(b.claims);
    expect(saves).toBe(1);
  });

  it('revocations carry over to a new process (snapshot -> restore); expired ones are dropped', async () => {
    let now = 1_000;
    const first = new Sessions(secret, 'k', 60_000, () => now);
    const a = signed(first);
    await first.revoke(a.claims);
    const saved = JSON.parse(JSON.stringify(first.snapshot()));
    const second = new Sessions(secret, 'k', 60_000, () => now);
    expect(second.verify(a.token)).toEqual(a.claims);
    second.restore(saved);
    expect(second.verify(a.token)).toBeUndefined();
    now += 60_000;
    expect(second.snapshot()).toEqual([]);
    second.restore([['x', 'not a time'], 'junk'] as never);
    expect(second.snapshot()).toEqual([]);
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
