// Runs the BUILT Worker (worker/dist/worker.js) in the real workerd runtime through wrangler's
// programmatic API, offline, on loopback. Integration tests, the demo and the pool's end-to-end
// suite use it so the Worker is tested where it will run.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { unstable_startWorker } from 'wrangler';
import { repoRoot } from '../oracles/paths';

// Offline: never let miniflare try to download Cloudflare's `Request.cf` placeholder data, and
// never let wrangler phone home.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
process.env.WRANGLER_SEND_METRICS ??= 'false';

export const builtWorkerPath = resolve(repoRoot, 'worker/dist/worker.js');

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
  const bindings: Record<string, { type: 'plain_text'; value: string }> = {
    GEMINI_BASE_URL: { type: 'plain_text', value: options.geminiBaseUrl },
  };
  for (const [name, value] of Object.entries(options.vars ?? {})) bindings[name] = { type: 'plain_text', value };
  if (options.workerSecret) bindings.WORKER_SECRET = { type: 'plain_text', value: options.workerSecret };
  const worker = await unstable_startWorker({
    name: 'opengemini-test',
    config: resolve(repoRoot, 'tools/src/harness/wrangler.harness.toml'),
    entrypoint,
    compatibilityDate: '2025-09-01',
    bindings,
    build: { bundle: false },
    sendMetrics: false,
    dev: {
      server: { hostname: '127.0.0.1', port: 0 },
      inspector: false,
      watch: false,
      persist: false,
      logLevel: 'error',
      remote: false,
    },
  });
  const url = (await worker.url).toString().replace(/\/+$/, '');
  return { url, close: () => worker.dispose() };
}
