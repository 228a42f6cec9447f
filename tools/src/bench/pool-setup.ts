// The pool benchmarks' stage: a fast loopback upstream (a stand-in Worker answering from memory,
// servers/upstream.mjs), the bare proxy in front of it (servers/bare-proxy.mjs) and the pool
// (`node pool/dist/main.js`, logging at info, as users run it), each its own process, and the
// client calls the benchmarks make. Used by pool.ts (the figures) and pool-profile.ts (where the
// CPU goes), so both measure the same thing.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { repoRoot } from '../oracles/paths';
import { stopChild } from '../harness/child-exit';

const here = dirname(fileURLToPath(import.meta.url));
const ACCESS_KEY = `sk-${'b'.repeat(48)}`;
const CHAT_BODY = JSON.stringify({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'Say something short.' }] });
/** The bundle the pool runs from: its `// path` comments say which module each line came from. */
export const POOL_BUNDLE = resolve(repoRoot, 'pool/dist/main.js');

export interface Target {
  name: string;
  url: string;
  client: Pool;
  pid: number;
}

export interface Stage {
  direct: Target;
  bare: Target;
  pool: Target;
  close(): Promise<void>;
}

/** Node's own lines about an inspector it was asked to open (--inspect): not the program's. */
const INSPECTOR_LINE = /^(Debugger listening on|For help, see|Debugger attached|Waiting for the debugger)/;

/** A node process whose stderr is passed on (less the inspector's notices); `port` is the first line of its stdout, if it prints one. */
function startProcess(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string, stdout: 'port' | 'ignore' = 'port'): { child: ChildProcess; port: Promise<number> } {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, cwd, stdio: ['ignore', stdout === 'port' ? 'pipe' : 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) if (line && !INSPECTOR_LINE.test(line)) process.stderr.write(`${line}\n`);
  });
  const port = new Promise<number>((ok, fail) => {
    let buf = '';
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /^(\d+)\n/.exec(buf);
      if (m) ok(Number(m[1]));
    });
    child.once('exit', (code) => fail(new Error(`${args.at(-1)} exited with ${code}`)));
  });
  port.catch(() => undefined);
  return { child, port };
}

export function freePort(): Promise<number> {
  return new Promise((ok) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
  });
}

async function waitHealthy(url: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never became healthy`);
}

/** CPU time (user + system) a process has used so far, in ms (from /proc, in clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/**
 * Starts the upstream, the bare proxy and the pool (with four bench keys and the upstream as its
 * one Worker). `nodeArgs` go to the two proxies' node (the profiler's --inspect).
 */
export async function startStage(nodeArgs: { bare?: string[]; pool?: string[] } = {}): Promise<Stage> {
  const dir = mkdtempSync(join(tmpdir(), 'opengemini-bench-'));
  const children: ChildProcess[] = [];
  const close = async () => {
    // Each is let exit (the pool saves its state into `dir`, a profiled one writes its profile)
    // before the folder goes; one that takes more than 10 s is killed.
    await Promise.all(children.map((c) => stopChild(c, 10_000)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const up = startProcess([resolve(here, 'servers/upstream.mjs')]);
    children.push(up.child);
    const upstreamUrl = `http://127.0.0.1:${await up.port}`;
    const bare = startProcess([...(nodeArgs.bare ?? []), resolve(here, 'servers/bare-proxy.mjs'), upstreamUrl]);
    children.push(bare.child);
    const bareUrl = `http://127.0.0.1:${await bare.port}`;

    writeFileSync(join(dir, 'key.txt'), ['A', 'B', 'C', 'D'].map((c) => `AIzaBENCH${c.repeat(30)}`).join('\n'));
    writeFileSync(join(dir, 'upstreams.txt'), `${upstreamUrl}\n`);
    writeFileSync(join(dir, 'access_key.txt'), ACCESS_KEY);
    const poolPort = await freePort();
    // Its standard output is its log, sent to /dev/null: what is measured is the pool writing it.
    const pool = startProcess([...(nodeArgs.pool ?? []), POOL_BUNDLE], { PORT: String(poolPort), HOST: '127.0.0.1', LOG_LEVEL: 'info', DATA_DIR: join(dir, 'data'), UPSTREAM_CONNECTIONS: '4096' }, dir, 'ignore');
    children.push(pool.child);
    const poolUrl = `http://127.0.0.1:${poolPort}`;
    await waitHealthy(poolUrl);

    const mk = (name: string, url: string, pid: number): Target => ({ name, url, client: new Pool(url, { connections: 1100, keepAliveTimeout: 60_000 }), pid });
    const targets = { direct: mk('direct', upstreamUrl, up.child.pid!), bare: mk('bare', bareUrl, bare.child.pid!), pool: mk('pool', poolUrl, pool.child.pid!) };
    return {
      ...targets,
      close: async () => {
        await Promise.all(Object.values(targets).map((t) => t.client.destroy()));
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Sends one chat completion request through `t` (the answer's body not yet read). */
export function postChat(t: Target, body: string, signal?: AbortSignal) {
  const headers = { authorization: `Bearer ${ACCESS_KEY}`, 'content-type': 'application/json' };
  return t.client.request({ method: 'POST', path: '/v1/chat/completions', headers, body, ...(signal ? { signal } : {}) });
}

/** One chat completion through `t`, read whole (a failure is a broken benchmark, not a figure). */
export async function chat(t: Target, body = CHAT_BODY): Promise<string> {
  const res = await postChat(t, body);
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`${t.name}: HTTP ${res.statusCode} ${text.slice(0, 200)}`);
  return text;
}

/** Requests per second with `concurrency` callers looping for `ms`, and the proxy's CPU per request (us). */
export async function throughput(t: Target, concurrency: number, ms: number): Promise<{ perSecond: number; cpuMicros: number; requests: number }> {
  let done = 0;
  const cpuBefore = cpuMs(t.pid);
  const until = performance.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        await chat(t);
        done++;
      }
    }),
  );
  return { perSecond: done / (ms / 1000), cpuMicros: ((cpuMs(t.pid) - cpuBefore) * 1000) / done, requests: done };
}
