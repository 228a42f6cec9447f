// `pnpm bench pool-profile`: where the pool's CPU goes per request, beside the bare proxy's, in the
// same run, at c=64 on the pool benchmark's stage (pool-setup.ts). Both proxies run under V8's
// sampling profiler (`node --cpu-prof`, written when they exit); only the samples taken during
// each one's measured rounds are counted (profiles and process.hrtime share the monotonic clock),
// so start-up, compilation and the warm-up are not in the figures. Each process's CPU per request
// is read from /proc for the same rounds and split by the share of its busy samples in each
// category (cpu-profile.ts): samples count wall time while not idle, so on a shared machine their
// absolute figures would include time spent waiting for a core.
// (Not the inspector's Profiler over --inspect: with an inspector attached, the pool's promise
// work cost twice as much as without one, which would blame the pool for the instrument.)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleModules, CATEGORIES, type CpuProfile, profileShares, type ProfileShares, type Window } from './cpu-profile';
import { cpuMs, POOL_BUNDLE, startStage, type Target, throughput } from './pool-setup';

interface Measured {
  name: 'bare' | 'pool';
  target: Target;
  requests: number;
  cpuMs: number;
  windows: Window[];
  shares?: ProfileShares;
}

const ROUNDS = 4;
const ROUND_MS = 2_000;
const CONCURRENCY = 64;
/** Microseconds between samples: fine enough for functions of a few microseconds a request. */
const SAMPLING_US = 200;

/** The module a frame came from: a line of the pool's bundle by its comments, else its file. */
function moduleResolver(): (url: string, line: number) => string {
  const bundleUrl = pathToFileURL(POOL_BUNDLE).href;
  const inBundle = bundleModules(readFileSync(POOL_BUNDLE, 'utf8'));
  return (url, line) => (url === bundleUrl ? inBundle(line) : url.startsWith('file:') ? fileURLToPath(url) : url);
}

const nowMicros = () => Number(process.hrtime.bigint() / 1000n);

/** The profile a process wrote into `dir` when it exited (waits for it: a clean exit takes a moment). */
async function profileIn(dir: string): Promise<CpuProfile> {
  for (let i = 0; i < 100; i++) {
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (file) {
      try {
        return JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
      } catch {
        // still being written
      }
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no profile was written in ${dir}`);
}

export async function profilePool(): Promise<void> {
  const dirs = { bare: mkdtempSync(join(tmpdir(), 'opengemini-prof-bare-')), pool: mkdtempSync(join(tmpdir(), 'opengemini-prof-pool-')) };
  const profiling = (dir: string) => ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${SAMPLING_US}`];
  try {
    const stage = await startStage({ bare: profiling(dirs.bare), pool: profiling(dirs.pool) });
    const measured: Measured[] = [
      { name: 'bare', target: stage.bare, requests: 0, cpuMs: 0, windows: [] },
      { name: 'pool', target: stage.pool, requests: 0, cpuMs: 0, windows: [] },
    ];
    try {
      for (const m of measured) await throughput(m.target, CONCURRENCY, 1_500); // warm-up: JIT, connections
      for (let round = 0; round < ROUNDS; round++) {
        for (const m of round % 2 === 0 ? measured : [...measured].reverse()) {
          const [before, from] = [cpuMs(m.target.pid), nowMicros()];
          m.requests += (await throughput(m.target, CONCURRENCY, ROUND_MS)).requests;
          m.windows.push({ from, to: nowMicros() });
          m.cpuMs += cpuMs(m.target.pid) - before;
        }
      }
    } finally {
      await stage.close();
    }
    const moduleOf = moduleResolver();
    for (const m of measured) m.shares = profileShares(await profileIn(dirs[m.name]), moduleOf, m.windows);
    print(measured);
  } finally {
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  }
}

function print(measured: Measured[]): void {
  const [bare, pool] = measured as [Measured & { shares: ProfileShares }, Measured & { shares: ProfileShares }];
  const perRequest = (m: Measured) => (m.cpuMs * 1000) / m.requests;
  const us = (m: Measured & { shares: ProfileShares }, samples: number) => (perRequest(m) * samples) / m.shares.busy;
  console.log(`\nPool profile (c=${CONCURRENCY}, ${ROUNDS} alternating rounds of ${ROUND_MS / 1000} s; CPU per request from /proc, split by V8's busy samples)`);
  console.log(`requests: bare ${bare.requests}, pool ${pool.requests}; CPU per request: bare ${perRequest(bare).toFixed(0)} us, pool ${perRequest(pool).toFixed(0)} us (${(perRequest(pool) / perRequest(bare)).toFixed(2)}x)`);
  const rows = CATEGORIES.map((c) => [c, us(bare, bare.shares.byCategory[c]), us(pool, pool.shares.byCategory[c])] as const).filter(([, b, p]) => b >= 0.5 || p >= 0.5);
  const w = Math.max(...rows.map(([c]) => c.length));
  console.log(`${'us per request (self time)'.padEnd(w)}  ${'bare'.padStart(7)}  ${'pool'.padStart(7)}  ${'pool - bare'.padStart(11)}`);
  for (const [c, b, p] of rows) console.log(`${c.padEnd(w)}  ${b.toFixed(1).padStart(7)}  ${p.toFixed(1).padStart(7)}  ${(p - b >= 0 ? '+' : '') + (p - b).toFixed(1).padStart(10)}`);
  console.log(`${'total'.padEnd(w)}  ${perRequest(bare).toFixed(1).padStart(7)}  ${perRequest(pool).toFixed(1).padStart(7)}  ${('+' + (perRequest(pool) - perRequest(bare)).toFixed(1)).padStart(11)}`);
  const own = [...pool.shares.ownFunctions].sort((a, b) => b[1] - a[1]).slice(0, 15);
  console.log(`\nthe pool's own code, the 15 costliest functions (us per request, self time):`);
  for (const [name, samples] of own) console.log(`  ${us(pool, samples).toFixed(1).padStart(5)}  ${name}`);
}
