// The end-to-end stack: the strict mock Gemini <- the built Worker in real workerd (and
// optionally more upstreams) <- the pool, started in-process on real sockets from real files,
// with every log line captured so tests can assert that no key ever appears in one.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockGemini, type MockGemini } from '../../../tools/src/mock-gemini';
import { startWorkerd, type RunningWorker } from '../../../tools/src/harness/workerd';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { startPool, type RunningPool } from '../../src/pool';
import { UpstreamSet } from '../../src/upstreams/upstreams';
import { fingerprint } from '@opengemini/shared';
import { OpenAI } from './openai';

/** A Google-shaped key the mock accepts: `AIza` + 35 characters, distinct per `n`. */
export function testKey(n: number): string {
  return `AIzaTest${String(n).padStart(31, '0')}`;
}

/** A test key whose sticky upstream (rendezvous hash) is `first` among `urls`. */
export function keyStickingTo(first: string, urls: string[], skip: readonly string[] = []): string {
  const set = new UpstreamSet({ threshold: 1, backoffMs: 1, maxBackoffMs: 1 });
  set.replace(urls.map((id) => ({ id, secret: undefined, transport: () => ({ send: () => Promise.reject(new Error('unused')), close: async () => {} }) })));
  for (let n = 1; n < 200; n++) {
    const k = testKey(n);
    if (!skip.includes(k) && set.rank(fingerprint(k))[0]?.id === first) return k;
  }
  throw new Error('no test key sticks to that upstream');
}

export interface Backend {
  mock: MockGemini;
  worker: RunningWorker;
  close(): Promise<void>;
}

/** The mock Gemini and one workerd Worker in front of it: slow to start, share per file. */
export async function startBackend(): Promise<Backend> {
  const mock = await startMockGemini();
  const worker = await startWorkerd({ geminiBaseUrl: mock.url });
  return {
    mock,
    worker,
    close: async () => {
      await worker.close();
      await mock.close();
    },
  };
}

export interface PoolUnderTest {
  pool: RunningPool;
  dir: string;
  /** Every log line, as written (already scrubbed by the logger). */
  logs: string[];
  client: InstanceType<typeof OpenAI>;
  base: string;
  keyFile: string;
  upstreamFile: string;
  close(): Promise<void>;
}

export interface PoolSetup {
  keys: string[];
  /** Upstream base URLs (lines of upstreams.txt); none: direct mode. */
  upstreams: string[];
  env?: Record<string, string>;
  /** Reuse a directory (restart tests). */
  dir?: string;
  /** Keep the directory on close (a restart follows). */
  keepDir?: boolean;
  directFetch?: typeof fetch;
}

export async function startTestPool(setup: PoolSetup): Promise<PoolUnderTest> {
  const dir = setup.dir ?? (await mkdtemp(join(tmpdir(), 'pool-e2e-')));
  const keyFile = join(dir, 'key.txt');
  const upstreamFile = join(dir, 'upstreams.txt');
  await writeFile(keyFile, `${setup.keys.join('\n')}\n`);
  await writeFile(upstreamFile, `${setup.upstreams.join('\n')}\n`);
  const config = await loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    KEY_FILE: keyFile,
    UPSTREAM_FILE: upstreamFile,
    ACCESS_KEY_FILE: join(dir, 'access_key.txt'),
    CLIENT_KEYS_FILE: join(dir, 'client_keys.txt'),
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'info',
    REQUEST_TIMEOUT_MS: '15000',
    WATCH_POLL_MS: '100',
    STATE_FLUSH_MS: '50',
    SHUTDOWN_GRACE_MS: '2000',
    // Off here: its background probes would take scripted mock replies meant for the test, and add
    // to the request counts, breaker states and model-list calls tests count. Tests of it set it.
    STARTUP_CHECK: 'false',
    ...setup.env,
  });
  const logs: string[] = [];
  const logger = createLogger('info', { write: (line: string) => logs.push(line) });
  const pool = await startPool(config, { logger, ...(setup.directFetch ? { directFetch: setup.directFetch } : {}) });
  const client = new OpenAI({ baseURL: `${pool.url}/v1`, apiKey: pool.accessKey, maxRetries: 0, timeout: 20_000 });
  return {
    pool,
    dir,
    logs,
    client,
    base: pool.url,
    keyFile,
    upstreamFile,
    close: async () => {
      await pool.close();
      if (!setup.dir && !setup.keepDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` passes (polling), for effects that land asynchronously (reloads). The
 * limit guards against a hang; it is not a speed target, so it allows for a busy machine. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** The fingerprints the pool's /status shows, by state. */
export async function status(p: PoolUnderTest): Promise<{
  keys: { key: string; state: string; reason?: string; message?: string; cooldowns: Record<string, { until: string; reason: string }>; usageToday: Record<string, { requests: number }> }[];
  upstreams: { upstream: string; state: string; errors: number; requests: number }[];
}> {
  const res = await fetch(`${p.base}/status`, { headers: { authorization: `Bearer ${p.pool.accessKey}` } });
  return (await res.json()) as never;
}
