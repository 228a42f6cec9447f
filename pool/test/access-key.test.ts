import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientKeys, generateAccessKey, loadClientKeys, loadOrCreateAccessKey } from '../src/http/access-key';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-access-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('the client access key', () => {
  it('is sk- plus 48 hex characters, different every time', () => {
    const a = generateAccessKey();
    expect(a).toMatch(/^sk-[0-9a-f]{48}$/);
    expect(generateAccessKey()).not.toBe(a);
  });

  it('is created with mode 0600 when absent and read back unchanged on the next start', async () => {
    const path = join(dir, 'access_key.txt');
    const first = await loadOrCreateAccessKey(path);
    expect(first.created).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect((await readFile(path, 'utf8')).trim()).toBe(first.key);
    expect(await loadOrCreateAccessKey(path)).toEqual({ key: first.key, created: false });
  });

  it('refuses a file that does not hold a key instead of silently replacing it', async () => {
    const path = join(dir, 'access_key.txt');
    await writeFile(path, 'two words\n');
    await expect(loadOrCreateAccessKey(path)).rejects.toThrow(/does not hold a key/);
  });

  it('reads the client keys and their operator rights from one read of the file, plus a comma-separated list', async () => {
    const file = join(dir, 'client_keys.txt');
    await writeFile(file, '\uFEFF# team\nsk-team-one-1234567890\n\nsk-team-two-1234567890 # bob [operator]\nsk-team-three-123456789 #[operator] not a label start\n');
    expect(await loadClientKeys('sk-main', file, 'sk-env-1234567890, ,sk-env-2')).toEqual({
      keys: ['sk-main', 'sk-team-one-1234567890', 'sk-team-two-1234567890', 'sk-team-three-123456789', 'sk-env-1234567890', 'sk-env-2'],
      operators: ['sk-main', 'sk-team-two-1234567890', 'sk-team-three-123456789'],
    });
    expect(await loadClientKeys('sk-main', join(dir, 'missing'), '')).toEqual({ keys: ['sk-main'], operators: ['sk-main'] });
  });
});

describe('client key matching', () => {
  it('matches any listed key by fingerprint and rejects everything else', () => {
    const keys = new ClientKeys(['sk-aaaaaaaaaaaaaaaa', 'sk-bbbbbbbbbbbbbbbb']);
    expect(keys.match('sk-bbbbbbbbbbbbbbbb')).toMatch(/^…bbbb#[0-9a-f]{6}$/);
    expect(keys.match('sk-bbbbbbbbbbbbbbb')).toBeUndefined();
    expect(keys.match('')).toBeUndefined();
    expect(keys.match(undefined)).toBeUndefined();
  });

  it('a key that matched before still matches; a key removed by replace() stops matching at once', () => {
    const keys = new ClientKeys(['sk-aaaaaaaaaaaaaaaa', 'sk-bbbbbbbbbbbbbbbb']);
    const fp = keys.match('sk-aaaaaaaaaaaaaaaa');
    expect(fp).toMatch(/^…aaaa#[0-9a-f]{6}$/);
    expect(keys.match('sk-aaaaaaaaaaaaaaaa')).toBe(fp);
    expect(keys.match('sk-aaaaaaaaaaaaaaab')).toBeUndefined();
    keys.replace(['sk-bbbbbbbbbbbbbbbb']);
    expect(keys.match('sk-aaaaaaaaaaaaaaaa')).toBeUndefined();
    expect(keys.match('sk-bbbbbbbbbbbbbbbb')).toMatch(/^…bbbb#[0-9a-f]{6}$/);
  });
});
