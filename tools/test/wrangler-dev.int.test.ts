// `wrangler dev` as a user runs it: the CLI of the wrangler the project pins, started in a copy
// of worker/ with the committed wrangler.toml and the built bundle, in workerd, offline, before
// the strict mock. The rest of the suite runs the bundle through Miniflare directly
// (tools/src/harness/workerd.ts says why); this proves the committed config still serves it
// under `wrangler dev`, and that the harness runs it with the config's compatibility date.
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMPATIBILITY_DATE, COMPATIBILITY_FLAGS, builtWorkerPath } from '../src/harness/workerd';
import { type MockGemini, startMockGemini } from '../src/mock-gemini/index';
import { repoRoot } from '../src/oracles/paths';

const KEY = `AIzaSyTEST${'0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, 29)}`;
const wranglerBin = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin/wrangler.js');
const committed = readFileSync(resolve(repoRoot, 'worker/wrangler.toml'), 'utf8');

let dir: string;
let mock: MockGemini;
let wrangler: ChildProcess | undefined;
let url: string;
let output = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

beforeAll(async () => {
  mock = await startMockGemini();
  // A copy of worker/: the committed wrangler.toml, the built bundle at its `main`, and a no-op
  // build.mjs, so wrangler neither rebuilds nor touches worker/dist under other running tests.
  dir = mkdtempSync(join(tmpdir(), 'wrangler-dev-'));
  mkdirSync(join(dir, 'dist'));
  copyFileSync(builtWorkerPath, join(dir, 'dist/worker.js'));
  writeFileSync(join(dir, 'build.mjs'), '');
  writeFileSync(join(dir, 'wrangler.toml'), committed);
  const port = await freePort();
  wrangler = spawn(process.execPath, [wranglerBin, 'dev', '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort()), '--var', `GEMINI_BASE_URL:${mock.url}`], {
    cwd: dir,
    // Offline: no telemetry, no Request.cf download, no update check, no colours.
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_HIDE_BANNER: 'true', NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ready = new Promise<void>((done, fail) => {
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready on http:\/\/127\.0\.0\.1:\d+/.test(output)) done();
    };
    wrangler!.stdout!.on('data', seen);
    wrangler!.stderr!.on('data', seen);
    wrangler!.once('exit', (code) => fail(new Error(`wrangler dev exited with ${code}:\n${output}`)));
  });
  await ready;
  url = `http://127.0.0.1:${port}`;
}, 120_000);
afterAll(async () => {
  if (wrangler && wrangler.exitCode === null) {
    const exited = new Promise((done) => wrangler!.once('exit', done));
    wrangler.kill('SIGTERM');
    await exited;
  }
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('wrangler dev serves the committed config and the built bundle', () => {
  it('lists the models and answers a chat through Gemini with the key it is handed', async () => {
    const models = await fetch(`${url}/v1/models`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(models.status).toBe(200);
    const list = (await models.json()) as { data: Array<{ id: string }> };
    expect(list.data.map((m) => m.id)).toContain('gemini-2.5-flash');

    const before = mock.requests.length;
    const chat = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status, output).toBe(200);
    const answer = (await chat.json()) as { object: string; choices: Array<{ message: { content: string } }> };
    expect(answer.object).toBe('chat.completion');
    expect(answer.choices[0]?.message.content).toBeTruthy();
    expect(mock.requests.slice(before).map((r) => r.key)).toEqual([KEY]);
  });

  it('the test harness runs the Worker with the compatibility date and flags of worker/wrangler.toml', () => {
    expect(/^compatibility_date = "([^"]+)"$/m.exec(committed)?.[1]).toBe(COMPATIBILITY_DATE);
    expect(JSON.parse(/^compatibility_flags = (\[.*\])$/m.exec(committed)?.[1] ?? 'null')).toEqual(COMPATIBILITY_FLAGS);
  });
});
