// Runs the BUILT Worker (worker/dist/worker.js) in the real workerd runtime, offline, on
// loopback. Integration tests, the soak, the demo and the pool's end-to-end suite use it so the
// Worker is tested where it will run.
//
// It drives workerd through Miniflare, the library `wrangler dev` itself runs the Worker with
// (the very version wrangler 4.86 pins), not through `wrangler dev`'s programmatic API: wrangler
// puts a development proxy (its ProxyWorker) in front of the Worker, an extra HTTP hop with
// its own keep-alive connections, and under load that hop now and then answers a POST with its
// own 503 "Your worker restarted mid-request" although nothing restarted (workers-sdk#14641;
// seen here once in ~2,000 suite requests, enough to turn CI red at random). With Miniflare
// the request goes from workerd's socket to the Worker through a service binding, as on
// Cloudflare's edge, so a failure is the Worker's own. `wrangler dev` on the real config stays
// covered by tools/test/wrangler-dev.int.test.ts.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Log, LogLevel, Miniflare } from 'miniflare';
import { repoRoot } from '../oracles/paths';

export const builtWorkerPath = resolve(repoRoot, 'worker/dist/worker.js');

/** The compatibility date of worker/wrangler.toml (a test checks the two agree). */
export const COMPATIBILITY_DATE = '2025-09-01';
/** Its compatibility flags (the same test checks them too). */
export const COMPATIBILITY_FLAGS: readonly string[] = ['enable_request_signal'];

export interface RunningWorker {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:40123 */
  url: string;
  close(): Promise<void>;
}

export interface WorkerdOptions {
  geminiBaseUrl: string;
  workerSecret?: string;
  /** Extra plain-text vars (e.g. SSE_KEEPALIVE_MS). */
  vars?: Record<string, string>;
  /** Defaults to the built bundle; it must exist (`pnpm build`). */
  entrypoint?: string;
}

export async function startWorkerd(options: WorkerdOptions): Promise<RunningWorker> {
  const entrypoint = options.entrypoint ?? builtWorkerPath;
  if (!existsSync(entrypoint)) throw new Error(`${entrypoint} does not exist: run \`pnpm build\` first`);
  const bindings: Record<string, string> = { GEMINI_BASE_URL: options.geminiBaseUrl, ...options.vars };
  if (options.workerSecret) bindings.WORKER_SECRET = options.workerSecret;
  const miniflare = new Miniflare({
    name: 'opengemini-test',
    modules: true,
    scriptPath: entrypoint,
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: [...COMPATIBILITY_FLAGS],
    bindings,
    host: '127.0.0.1',
    port: 0,
    // Offline: no download of Cloudflare's `Request.cf` placeholder data, no telemetry.
    cf: false,
    telemetry: { enabled: false },
    log: new Log(LogLevel.ERROR),
  });
  const url = (await miniflare.ready).toString().replace(/\/+$/, '');
  return { url, close: () => miniflare.dispose() };
}
