// What the proxy needs from the running pool: one small context, built once in pool.ts and
// handed to the Fastify plugins. The keyring owns its leases and budgets; the clock and the
// random source are here so tests can drive time and jitter.
import type { PoolMetrics, Usage } from '../accounting';
import type { Config } from '../config';
import type { FileKeys, KeyRing } from '../keys';
import type { UpstreamSet } from '../upstreams';

export interface PoolContext {
  config: Config;
  keys: KeyRing;
  upstreams: UpstreamSet;
  usage: Usage;
  /** Persistence: debounced save, or at once (a disabled key is never lost to a crash). */
  state: { schedule(): void; flushNow(): Promise<void> };
  /** Which key each uploaded Gemini file belongs to (keys/file-keys.ts). */
  files?: FileKeys;
  /** Counters for GET /metrics (absent in tests that do not look). */
  metrics?: PoolMetrics;
  now(): number;
  random(): number;
}
