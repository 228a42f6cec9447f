// The stack the compatibility suite drives, put together the way a user runs it: the strict mock
// Gemini (standing in for Google), the BUILT Worker (worker/dist/worker.js) in real workerd with
// a WORKER_SECRET, and the BUILT pool started as `node pool/dist/main.js` from a folder holding
// key.txt and upstreams.txt (one Worker line with its `secret=`). The client key is read from the
// pool's start-up banner, as a user would copy it. Every byte the pool prints is kept so the
// suite can check that no Gemini key ever appears in it.
import { type ChildProcess, spawn } from 'node:child_process';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningWorker, builtWorkerPath, startWorkerd } from '../../src/harness/workerd';
import { type MockGemini, startMockGemini } from '../../src/mock-gemini/index';
import { validateOpenAI } from '../../src/oracles/openai-validator';
import { oraclesPresent, repoRoot } from '../../src/oracles/paths';

export const poolMainPath = resolve(repoRoot, 'pool/dist/main.js');

/** Shaped like Google keys (`AIza` + 35), distinct per n; the mock accepts them. */
export function compatKey(n: number): string {
  return `AIzaCompat${String(n).padStart(29, '0')}`;
}

export const GEMINI_KEYS = [compatKey(1), compatKey(2), compatKey(3)];
const WORKER_SECRET = 'compat-worker-secret-0123456789';

export interface CompatStack {
  mock: MockGemini;
  worker: RunningWorker;
  /** The pool's origin, e.g. http://127.0.0.1:40123 (clients add /v1 or /v1beta). */
  base: string;
  /** The sk- key the pool printed. */
  apiKey: string;
  /** Everything the pool wrote to stdout and stderr so far. */
  output(): string;
  close(): Promise<void>;
}

/** Resolves when the banner has printed the client key, rejects if the pool exits first. */
function waitForBanner(child: ChildProcess, out: { text: string }, timeoutMs = 20_000): Promise<{ base: string; apiKey: string }> {
  return new Promise((resolveBanner, reject) => {
    const timer = setTimeout(() => done(new Error(`the pool printed no banner within ${timeoutMs} ms:\n${out.text}`)), timeoutMs);
    const check = () => {
      const base = /base URL: (http:\/\/\S+)\/v1/.exec(out.text)?.[1];
      const apiKey = /API key: +(sk-[0-9a-f]{48})/.exec(out.text)?.[1];
      if (base && apiKey) done(undefined, { base, apiKey });
    };
    const onExit = (code: number | null) => done(new Error(`the pool exited with code ${code}:\n${out.text}`));
    function done(err?: Error, value?: { base: string; apiKey: string }) {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolveBanner(value!);
    }
    child.stdout?.on('data', check);
    child.on('exit', onExit);
    check();
  });
}

export async function startCompatStack(): Promise<CompatStack> {
  for (const built of [poolMainPath, builtWorkerPath]) {
    if (!existsSync(built)) throw new Error(`${built} does not exist: run \`pnpm build\` first`);
  }
  const mock = await startMockGemini();
  const worker = await startWorkerd({ geminiBaseUrl: mock.url, workerSecret: WORKER_SECRET });
  const dir = await mkdtemp(join(tmpdir(), 'opengemini-compat-'));
  await writeFile(join(dir, 'key.txt'), `# compatibility suite keys (made up)\n${GEMINI_KEYS.join('\n')}\n`);
  await writeFile(join(dir, 'upstreams.txt'), `${worker.url}/v1 secret=${WORKER_SECRET}\n`);

  const out = { text: '' };
  const child = spawn(process.execPath, [poolMainPath], {
    cwd: dir,
    // Only what a service manager would pass: no dev tooling, no inherited test variables.
    // STARTUP_CHECK off: its probe of the Worker would add a models call to the mock's counts.
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', MODELS_CACHE_MS: '0', STARTUP_CHECK: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (out.text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.text += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  let banner: { base: string; apiKey: string };
  try {
    banner = await waitForBanner(child, out);
    // The key in the banner is the one saved for the next start.
    if ((await readFile(join(dir, 'access_key.txt'), 'utf8')).trim() !== banner.apiKey) throw new Error('access_key.txt differs from the banner');
  } catch (err) {
    child.kill('SIGKILL');
    await worker.close();
    await mock.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }

  return {
    mock,
    worker,
    base: banner.base,
    apiKey: banner.apiKey,
    output: () => out.text,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await worker.close();
      await mock.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** The `data:` payloads of an SSE body, in order (comments and blank lines dropped). */
export function sseData(text: string): string[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((frame) =>
      frame
        .split(/\r?\n/)
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n'),
    )
    .filter((d) => d !== '');
}

/** Checks a body against OpenAI's published schema (skipped when ../shared/oracles is absent). */
export function specErrors(schema: 'CreateChatCompletionResponse' | 'CreateChatCompletionStreamResponse' | 'CreateEmbeddingResponse' | 'ListModelsResponse' | 'Model', body: unknown): string[] {
  return oraclesPresent ? validateOpenAI(schema, body) : [];
}

/** Replaces `{{API_KEY}}` in a recorded header set with the pool's key. */
export function withKey(headers: Record<string, string>, apiKey: string): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replaceAll('{{API_KEY}}', apiKey)]));
}

/** Requests the mock saw for content generation, oldest first. */
export function generateRequests(mock: MockGemini) {
  return mock.requests.filter((r) => r.action === 'generateContent' || r.action === 'streamGenerateContent');
}

/**
 * One stack per test file, as every client suite uses it: started before the file's tests,
 * its mock's rules cleared before each test, stopped after. `ready` receives the stack.
 */
export function useCompatStack(ready: (stack: CompatStack) => void): void {
  let stack: CompatStack | undefined;
  beforeAll(async () => {
    stack = await startCompatStack();
    ready(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => stack?.mock.reset());
}

/** The official OpenAI client as these apps configure it: the pool's base URL and printed key. */
export function openaiClient(stack: CompatStack): OpenAI {
  return new OpenAI({ baseURL: `${stack.base}/v1`, apiKey: stack.apiKey, maxRetries: 0, timeout: 30_000 });
}
