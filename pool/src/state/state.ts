// What survives a restart: disabled keys with their reasons, cooldowns, circuit states and usage
// counters, in one small JSON file in DATA_DIR. Writes are atomic (temp file, fsync, rename) and
// debounced; `flushNow` writes at once (disabled flags: a crash may lose a few seconds of
// counters, never a disabled key). A corrupt file is moved aside and the pool starts clean.
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-file';
import type { FilePinSnapshot, KeyringSnapshot } from '../keys';
import type { UpstreamSnapshot } from '../upstreams';
import type { UsageSnapshot } from '../accounting';

export const STATE_VERSION = 1;

export interface PersistedState {
  version: number;
  savedAt: number;
  keys: KeyringSnapshot;
  upstreams: UpstreamSnapshot;
  usage: UsageSnapshot;
  /** Which key each uploaded Gemini file belongs to (keys/file-keys.ts); absent in older files. */
  files?: FilePinSnapshot;
}

/** The persistence interface: a file here, anything else (a test double) elsewhere. */
export interface StateStore {
  load(): Promise<PersistedState | undefined>;
  save(state: PersistedState): Promise<void>;
}

export interface Warn {
  (message: string): void;
}

function isState(value: unknown): value is PersistedState {
  const v = value as PersistedState;
  return (
    typeof v === 'object' && v !== null && v.version === STATE_VERSION &&
    typeof v.keys === 'object' && v.keys !== null &&
    typeof v.upstreams === 'object' && v.upstreams !== null &&
    typeof v.usage === 'object' && v.usage !== null
  );
}

export class FileStateStore implements StateStore {
  readonly path: string;

  constructor(readonly dir: string, private readonly warn: Warn) {
    this.path = join(dir, 'state.json');
  }

  async load(): Promise<PersistedState | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (isState(parsed)) return parsed;
    } catch {
      // fall through: same treatment as a file of the wrong shape
    }
    const aside = `${this.path}.corrupt-${Date.now()}`;
    await rename(this.path, aside);
    this.warn(`state file ${this.path} is corrupt; moved to ${aside}, starting with a clean state`);
    return undefined;
  }

  async save(state: PersistedState): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    // A unique temp name per write (writeFileAtomic's): overlapping saves never interleave.
    await writeFileAtomic(this.path, JSON.stringify(state));
  }
}

/**
 * Debounced saving. `schedule()` after any change (counters); `flushNow()` for changes that must
 * not be lost (disabled keys, day-long quota); `close()` on shutdown. Saves never overlap: a save
 * requested while one runs is folded into one more save after it.
 */
export class StateKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;

  constructor(
    private readonly store: StateStore,
    private readonly collect: () => PersistedState,
    private readonly debounceMs: number,
    private readonly warn: Warn,
  ) {}

  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushNow();
    }, this.debounceMs);
    this.timer.unref();
  }

  flushNow(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.store.save(this.collect());
        } catch (err) {
          this.warn(`could not save state: ${(err as Error).message}`);
        }
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  async close(): Promise<void> {
    await this.flushNow();
  }
}
