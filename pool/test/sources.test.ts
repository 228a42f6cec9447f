import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fingerprint } from '@opengemini/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config';
import { KeyRing } from '../src/keys/keyring';
import { createLogger } from '../src/log';
import { Sources } from '../src/sources/sources';
import { UpstreamSet } from '../src/upstreams/upstreams';

const key = (n: number) => `AIza${String(n).padStart(35, 'k')}`;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup() {
  const dir = await mkdtemp(join(tmpdir(), 'pool-sources-'));
  dirs.push(dir);
  const keyFile = join(dir, 'key.txt');
  await writeFile(keyFile, `${key(1)}\n${key(2)}\n`);
  const config = await loadConfig({ KEY_FILE: keyFile, UPSTREAM_FILE: join(dir, 'upstreams.txt'), DATA_DIR: join(dir, 'data') });
  const logs: string[] = [];
  const ring = new KeyRing();
  const sources = new Sources(config, ring, new UpstreamSet({ threshold: 1, backoffMs: 1, maxBackoffMs: 1 }), createLogger('info', { write: (l: string) => logs.push(l) }));
  await sources.loadKeys(true);
  return { keyFile, ring, sources, logs };
}

describe('key.txt reloads', () => {
  it('an empty key.txt on reload (an editor truncating before it writes) keeps the keys and their disabled flags, with a warning', async () => {
    const { keyFile, ring, sources, logs } = await setup();
    ring.disable(ring.get(fingerprint(key(1)))!, 'operator', 'hand', Date.now());
    await writeFile(keyFile, '');
    const report = await sources.loadKeys(false);
    expect(report).toEqual({ error: expect.stringContaining('is empty: keeping the 2 keys loaded') });
    expect(ring.size).toBe(2);
    expect(logs.join('')).toContain('delete keys in the dashboard or leave at least one');
    await writeFile(keyFile, `${key(1)}\n${key(2)}\n`);
    await sources.loadKeys(false);
    expect(ring.get(fingerprint(key(1)))!.disabled?.reason).toBe('operator');
  });

  it('the dashboard deleting the last keys (deliberate) does empty the pool', async () => {
    const { keyFile, ring, sources } = await setup();
    await writeFile(keyFile, '# all deleted\n');
    await sources.loadKeys(false, true);
    expect(ring.size).toBe(0);
  });
});
