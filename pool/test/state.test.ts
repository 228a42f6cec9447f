import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileStateStore, type PersistedState, STATE_VERSION, StateKeeper, type StateStore } from '../src/state/state';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pool-state-'));
});
afterEach(async () => {
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

const sample = (n = 0): PersistedState => ({
  version: STATE_VERSION,
  savedAt: n,
  keys: { '…abcd#123456': { disabled: { reason: 'key_leaked', message: 'leaked', at: 1 } } },
  upstreams: {},
  usage: { keys: {}, clients: {} },
});

describe('the state file', () => {
  it('round-trips, is written with mode 0600 and leaves no temp files behind', async () => {
    const store = new FileStateStore(join(dir, 'nested'), () => {});
    await store.save(sample(1));
    expect(await store.load()).toEqual(sample(1));
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested'))).toEqual(['state.json']);
  });

  it('a missing file is a clean start, not a warning', async () => {
    const warn = vi.fn();
    expect(await new FileStateStore(dir, warn).load()).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();
  });

  it.each([
    ['truncated JSON', '{"version":1,"keys":{'],
    ['the wrong shape', '{"hello":"world"}'],
    ['a future version', JSON.stringify({ ...sample(), version: 99 })],
  ])('a corrupt file (%s) is moved aside with a warning and the pool starts clean', async (_name, content) => {
    const warn = vi.fn();
    const store = new FileStateStore(dir, warn);
    await writeFile(store.path, content);
    expect(await store.load()).toBeUndefined();
    expect(warn).toHaveBeenCalledOnce();
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith('state.json.corrupt-'))).toBe(true);
    expect(files).not.toContain('state.json');
    const aside = files.find((f) => f.startsWith('state.json.corrupt-'))!;
    expect(await readFile(join(dir, aside), 'utf8')).toBe(content);
  });

  it('overlapping saves never interleave: the file is always one whole state', async () => {
    const store = new FileStateStore(dir, () => {});
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(sample(i))));
    const loaded = await store.load();
    expect(loaded?.version).toBe(STATE_VERSION);
    expect(await readdir(dir)).toEqual(['state.json']);
  });
});

describe('debounced saving', () => {
  function memoryStore() {
    const saves: PersistedState[] = [];
    const store: StateStore = { load: async () => undefined, save: async (s) => void saves.push(s) };
    return { saves, store };
  }

  it('folds many changes into one write after the debounce', async () => {
    vi.useFakeTimers();
    const { saves, store } = memoryStore();
    let n = 0;
    const keeper = new StateKeeper(store, () => sample(++n), 2_000, () => {});
    keeper.schedule();
    keeper.schedule();
    keeper.schedule();
    await vi.advanceTimersByTimeAsync(1_999);
    expect(saves).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(saves).toHaveLength(1);
  });

  it('flushNow writes at once (disabled keys) and close writes the last changes', async () => {
    vi.useFakeTimers();
    const { saves, store } = memoryStore();
    const keeper = new StateKeeper(store, () => sample(), 60_000, () => {});
    await keeper.flushNow();
    expect(saves).toHaveLength(1);
    keeper.schedule();
    await keeper.close();
    expect(saves).toHaveLength(2);
  });

  it('a failing store is reported, not thrown', async () => {
    const warn = vi.fn();
    const keeper = new StateKeeper({ load: async () => undefined, save: async () => Promise.reject(new Error('disk full')) }, () => sample(), 0, warn);
    await keeper.flushNow();
    expect(warn).toHaveBeenCalledWith('could not save state: disk full');
  });
});
