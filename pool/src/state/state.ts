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
import type { RevokedSessions } from '../admin';

export const STATE_VERSION = 1;

export interface PersistedState {
  version: number;
  savedAt: number;
  keys: KeyringSnapshot;
  upstreams: UpstreamSnapshot;
  usage: UsageSnapshot;
  /** Signed-out dashboard sessions still in force (absent in files written before). */
  sessions?: RevokedSessions;
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

/** Whether the last save worked; when not, since when and why (shown as `degraded: state not saved`). */
export type SaveHealth = { saved: true } | { saved: false; since: number; error: string; attempts: number };

/** Waits between retries of a failed save: 1 s, doubling to a minute. */
const RETRY_FIRST_MS = 1_000;
const RETRY_MAX_MS = 60_000;

/**
 * Debounced saving. `schedule()` after any change (counters); `flushNow()` for changes that must
 * not be lost (disabled keys, day-long quota, sign-outs); `close()` on shutdown. Saves never
 * overlap: a save requested while one runs is folded into one more save after it. A failed save
 * (full or read-only DATA_DIR) is retried, 1 s after the first failure and doubling to a minute,
 * until one works, and `health` says so meanwhile: /health and the dashboard show it, so disabled
 * keys are never lost in silence.
 */
export class StateKeeper {
  private timer: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private failing: { since: number; error: string; attempts: number } | undefined;
  /** Retries made since the last good save: the next one waits 2^retries seconds (capped). */
  private retries = 0;

  constructor(
    private readonly store: StateStore,
    private readonly collect: () => PersistedState,
    private readonly debounceMs: number,
    private readonly warn: Warn,
    private readonly now: () => number = Date.now,
  ) {}

  get health(): SaveHealth {
    return this.failing ? { saved: false, ...this.failing } : { saved: true };
  }

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
        await this.saveOnce();
      } while (this.again);
      this.running = undefined;
    })();
    return this.running;
  }

  private async saveOnce(): Promise<void> {
    try {
      await this.store.save(this.collect());
    } catch (err) {
      const error = (err as Error).message;
      const attempts = (this.failing?.attempts ?? 0) + 1;
      if (!this.failing) this.warn(`could not save state: ${error}; retrying until it works (/health shows "state not saved")`);
      this.failing = { since: this.failing?.since ?? this.now(), error, attempts };
      // Saves asked for meanwhile (a key disabled) fail too and leave the next retry where it is.
      if (!this.retry) this.retryLater(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** this.retries));
      return;
    }
    if (this.failing) this.warn(`state saved again, after ${this.failing.attempts} failed attempt(s)`);
    this.failing = undefined;
    this.retries = 0;
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
  }

  private retryLater(ms: number): void {
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.retries++;
      void this.flushNow();
    }, ms);
    this.retry.unref();
  }

  async close(): Promise<void> {
    await this.flushNow();
    if (this.retry) clearTimeout(this.retry);
    this.retry = undefined;
    if (this.failing) this.warn(`state NOT saved at shutdown (${this.failing.error}): changes since ${new Date(this.failing.since).toISOString()} (disabled keys, cooldowns, usage, sign-outs) are lost`);
  }
}
