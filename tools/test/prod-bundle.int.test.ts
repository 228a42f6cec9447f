// A production install: `pnpm build` writes pool/dist/main.js, and that one file is all a server
// needs (the Dockerfile and deploy/install.sh copy nothing else). Proven by copying it alone to a
// folder outside the workspace, with no node_modules anywhere above it, and running it with plain
// `node` and a bare environment: it starts, serves /health and a chat through a Worker in
// workerd, serves a chat in direct mode, and stops cleanly on SIGTERM.
import { type ChildProcess, spawn } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningWorker, startWorkerd } from '../src/harness/workerd';
import { type MockGemini, startMockGemini } from '../src/mock-gemini/index';
import { repoRoot } from '../src/oracles/paths';

const bundle = resolve(repoRoot, 'pool/dist/main.js');
const key = (n: number) => `AIzaProdBundle${String(n).padStart(25, '0')}`;

let mock: MockGemini;
let worker: RunningWorker;
let dir: string;
beforeAll(async () => {
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist: run \`pnpm build\` first`);
  mock = await startMockGemini();
  worker = await startWorkerd({ geminiBaseUrl: mock.url });
  dir = await mkdtemp(join(tmpdir(), 'opengemini-prod-'));
  await copyFile(bundle, join(dir, 'main.js'));
});
afterAll(async () => {
  await worker?.close();
  await mock?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/**
 * Module specifiers the bundle loads at run time: its top-level ESM imports and esbuild's
 * `__require("...")` calls (how CommonJS dependencies reach Node built-ins). Plain `require("…")`
 * text also appears inside string literals (Ajv's code generation) and is not a load.
 */
function loadedSpecifiers(code: string): string[] {
  const found = new Set<string>();
  for (const re of [/^import\b[^;]*?\bfrom\s*["']([^"']+)["']/gm, /^import\s*["']([^"']+)["']/gm, /\b__require\(\s*["']([^"']+)["']\s*\)/g]) {
    for (const m of code.matchAll(re)) found.add(m[1]!);
  }
  return [...found];
}

interface Started {
  child: ChildProcess;
  base: string;
  apiKey: string;
  output: () => string;
  exit: Promise<number | null>;
}

async function startBundle(cwd: string, env: Record<string, string>): Promise<Started> {
  let out = '';
  // Nothing but PATH and the pool's own variables: no NODE_PATH, no workspace, no dev tooling.
  const child = spawn(process.execPath, ['main.js'], { cwd, env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 15_000;
  while (!/API key: +sk-/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the bundle did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, base: /base URL: (http:\/\/\S+)\/v1/.exec(out)![1]!, apiKey: /API key: +(sk-[0-9a-f]{48})/.exec(out)![1]!, output: () => out, exit };
}

async function chat(s: Started): Promise<{ status: number; body: { choices?: { message: { content: string } }[] } }> {
  const res = await fetch(`${s.base}/v1/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'ping' }] }),
  });
  return { status: res.status, body: (await res.json()) as never };
}

describe('pool/dist/main.js alone, as a production install', () => {
  it('loads nothing but Node built-ins: every npm dependency and workspace package is inlined', async () => {
    const code = await readFile(bundle, 'utf8');
    const builtins = new Set(builtinModules);
    const loaded = loadedSpecifiers(code);
    expect(loaded).toContain('node:crypto'); // the scan sees the loads it is meant to see
    expect(loaded.filter((s) => !s.startsWith('node:') && !builtins.has(s))).toEqual([]);
  });

  it('the copy sits where no node_modules can be found by walking up', () => {
    for (let d = dir; ; d = dirname(d)) {
      expect(existsSync(join(d, 'node_modules')), `${d}/node_modules exists`).toBe(false);
      if (dirname(d) === d) break;
    }
  });

  it('starts with key.txt and upstreams.txt, serves /health and a chat through the Worker, exits 0 on SIGTERM', async () => {
    const work = await mkdtemp(join(dir, 'workers-'));
    await copyFile(join(dir, 'main.js'), join(work, 'main.js'));
    await writeFile(join(work, 'key.txt'), `${key(1)}\n${key(2)}\n`);
    await writeFile(join(work, 'upstreams.txt'), `${worker.url}\n`);
    const s = await startBundle(work, { LOG_LEVEL: 'info' });
    try {
      expect(s.output()).toMatch(/mode: workers \(1 upstream/);
      const health = await fetch(`${s.base}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', mode: 'workers', keys: { total: 2 }, upstreams: { total: 1, up: 1 } });
      const r = await chat(s);
      expect(r.status).toBe(200);
      expect(r.body.choices![0]!.message.content).toBe('mock answer to: ping');
      // prom-client, inlined: the chat is counted and the process metrics are there.
      const metrics = await fetch(`${s.base}/metrics`, { headers: { authorization: `Bearer ${s.apiKey}` } });
      expect(metrics.status).toBe(200);
      const text = await metrics.text();
      expect(text).toMatch(/opengemini_requests_total\{route="\/v1\/chat\/completions",model="gemini-2.5-flash",status="200",outcome="ok"\} 1/);
      expect(text).toMatch(/\nprocess_resident_memory_bytes \d+/);
      // The dashboard's files, inlined in the bundle, written out at start and served by @fastify/static.
      const page = await fetch(`${s.base}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('dashboard/app.js');
      const script = await fetch(`${s.base}/dashboard/app.js`);
      expect(script.status).toBe(200);
      expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(1_000);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exit).toBe(0);
    expect(existsSync(join(work, 'data', 'state.json'))).toBe(true);
    expect(s.output()).not.toContain(key(1));
  });

  it('runs direct mode (the converter inlined) when upstreams.txt is absent', async () => {
    const work = await mkdtemp(join(dir, 'direct-'));
    await copyFile(join(dir, 'main.js'), join(work, 'main.js'));
    await writeFile(join(work, 'key.txt'), `${key(3)}\n`);
    const s = await startBundle(work, { LOG_LEVEL: 'warn', GEMINI_BASE_URL: mock.url });
    try {
      expect(s.output()).toMatch(/mode: direct/);
      const r = await chat(s);
      expect(r.status).toBe(200);
      expect(r.body.choices![0]!.message.content).toBe('mock answer to: ping');
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await s.exit).toBe(0);
  });
});
