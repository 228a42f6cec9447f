// The soak's real parts, all on 127.0.0.1: the strict mock Gemini injecting random faults, two
// BUILT Workers in workerd, and the BUILT pool as users run it (`node pool/dist/main.js`, a child
// process with its own temp DATA_DIR, key.txt and upstreams.txt).
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningWorker, startWorkerd } from '../harness/workerd';
import { type FaultInjector, type FaultOptions, type MockGemini, startMockGemini } from '../mock-gemini';
import { repoRoot } from '../oracles/paths';
import { stopChild } from '../harness/child-exit';

export const poolMain = resolve(repoRoot, 'pool/dist/main.js');

/** Shaped like Google keys (AIza + 35 characters), accepted by the mock; fake. */
export const soakKeys = (count: number): string[] => Array.from({ length: count }, (_, i) => `AIzaSoak${String(i + 1).padStart(31, '0')}`);

export interface SoakStack {
  mock: MockGemini;
  faults: FaultInjector;
  workers: RunningWorker[];
  pool: ChildProcess;
  /** e.g. http://127.0.0.1:41234 (no /v1). */
  poolUrl: string;
  accessKey: string;
  keys: string[];
  close(): Promise<void>;
}

export interface StackOptions {
  keys: number;
  workers: number;
  faults: FaultOptions;
}

export async function startSoakStack(options: StackOptions): Promise<SoakStack> {
  const dir = await mkdtemp(join(tmpdir(), 'opengemini-soak-'));
  const mock = await startMockGemini();
  const faults = mock.injectFaults(options.faults);
  const workers: RunningWorker[] = [];
  let pool: ChildProcess | undefined;
  const close = async () => {
    if (pool) await stopChild(pool, 10_000);
    await Promise.all(workers.map((w) => w.close()));
    await mock.close();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < options.workers; i++) workers.push(await startWorkerd({ geminiBaseUrl: mock.url }));
    const keys = soakKeys(options.keys);
    await writeFile(join(dir, 'key.txt'), `${keys.join('\n')}\n`);
    await writeFile(join(dir, 'upstreams.txt'), `${workers.map((w) => w.url).join('\n')}\n`);
    pool = spawn(process.execPath, [poolMain], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { poolUrl, accessKey } = await banner(pool);
    return { mock, faults, workers, pool, poolUrl, accessKey, keys, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Waits for the pool's start-up banner (base URL and client key); keeps draining its output. */
function banner(child: ChildProcess): Promise<{ poolUrl: string; accessKey: string }> {
  return new Promise((resolveBanner, reject) => {
    let out = '';
    let err = '';
    let started = false;
    const timer = setTimeout(() => reject(new Error(`the pool did not start within 20 s:\n${err || out}`)), 20_000);
    child.stderr!.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000)));
    child.stdout!.on('data', (d: Buffer) => {
      if (started) return; // later output is drained and dropped
      out += d.toString();
      const url = /base URL: (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(out)?.[1];
      const key = /API key: +(sk-[0-9a-f]+)/.exec(out)?.[1];
      if (url && key) {
        clearTimeout(timer);
        started = true;
        resolveBanner({ poolUrl: url, accessKey: key });
      }
    });
    child.once('exit', (code) => reject(new Error(`the pool exited (${code}) before starting:\n${err || out}`)));
  });
}
