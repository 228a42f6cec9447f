// The built pool as users run it: `node pool/dist/main.js`, spawned with real env and files.
// Bad configuration is one line and exit 1; SIGTERM lets a stream in flight finish, saves state
// and exits 0.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockGemini, type MockGemini } from '../../tools/src/mock-gemini';
import { testKey } from './helpers/stack';

const poolDir = resolve(import.meta.dirname, '..');
const mainJs = join(poolDir, 'dist', 'main.js');
let dir: string;
let mock: MockGemini;

beforeAll(async () => {
  execFileSync(process.execPath, [join(poolDir, 'build.mjs')], { stdio: 'inherit' });
  dir = await mkdtemp(join(tmpdir(), 'pool-proc-'));
  mock = await startMockGemini();
});
afterAll(async () => {
  await mock?.close();
  await rm(dir, { recursive: true, force: true });
});

function run(env: Record<string, string>, cwd = dir): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [mainJs], { cwd, env: { PATH: process.env['PATH'] ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolveRun({ code, stdout, stderr }));
  });
}

describe('bad configuration', () => {
  it.each([
    [{ PORT: 'abc' }, /^opengemini pool: Invalid configuration: PORT must be integer \(got "abc"\)\n$/],
    [{ LOG_LEVEL: 'chatty' }, /^opengemini pool: Invalid configuration: LOG_LEVEL must be equal to one of the allowed values/],
    [{ REQUEST_TIMEOUT_MS: '-5' }, /^opengemini pool: Invalid configuration: REQUEST_TIMEOUT_MS must be >= 100/],
  ])('%o: one line naming the variable on stderr, exit code 1', async (env, message) => {
    const r = await run(env);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing key.txt points to key.txt.example and exits 1', async () => {
    const r = await run({ PORT: '0', KEY_FILE: join(dir, 'nope.txt') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/nope\.txt not found: copy key\.txt\.example to key\.txt/);
  });

  it('a key.txt with no usable key exits 1 without printing the bad line', async () => {
    await writeFile(join(dir, 'empty-keys.txt'), '# nothing yet\n"AIza-quoted-and-wrong"\n');
    const r = await run({ PORT: '0', KEY_FILE: join(dir, 'empty-keys.txt'), DATA_DIR: join(dir, 'd0') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds no usable key/);
    expect(r.stdout + r.stderr).not.toContain('AIza-quoted-and-wrong');
  });
});

describe('a real start and a graceful stop', () => {
  it('prints mode, counts, base URL and the sk- key; SIGTERM lets the open stream finish, saves state, exits 0', async () => {
    const work = await mkdtemp(join(dir, 'run-'));
    await writeFile(join(work, 'key.txt'), `${testKey(1)}\n${testKey(2)}\n`);
    mock.script({ reply: { kind: 'text', text: 'slow stream of words', chunks: 4 }, stream: { chunkDelayMs: 250 } });
    const child: ChildProcess = spawn(process.execPath, [mainJs], {
      cwd: work,
      env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', GEMINI_BASE_URL: mock.url, LOG_LEVEL: 'info' },
    });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const deadline = Date.now() + 10_000;
    while (!/API key: +sk-/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stdout).toMatch(/mode: direct/);
    expect(stdout).toMatch(/keys: 2 loaded/);
    const base = /base URL: (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stdout)![1]!;
    const key = /API key: +(sk-[0-9a-f]{48})/.exec(stdout)![1]!;
    expect((await readFile(join(work, 'access_key.txt'), 'utf8')).trim()).toBe(key);
    expect(stdout).not.toContain(testKey(1));

    const res = await fetch(`${base}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gemini-2.5-flash', stream: true, messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(200);
    child.kill('SIGTERM'); // mid-stream
    const text = await res.text();
    expect(text).toContain('[DONE]');
    expect(await exited).toBe(0);
    const state = JSON.parse(await readFile(join(work, 'data', 'state.json'), 'utf8'));
    expect(JSON.stringify(state.usage)).toContain('"requests":1');
    expect(JSON.stringify(state)).not.toContain('AIza');
  });
});
