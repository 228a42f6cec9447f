// Measuring helpers for the benchmarks: CPU time (user + system) per iteration, after warm-up,
// and latency percentiles.
export interface Row {
  name: string;
  ours: string;
  baseline: string;
  ratio: string;
  target: string;
  pass: boolean;
}

/**
 * Median CPU microseconds per call over `iterations` calls (after a warm-up of a fifth as many).
 * `prepare` runs outside the clock: what the runtime does before the code under test (building
 * the incoming Request, for instance) is not charged to it.
 */
export async function cpuMicros<T = void>(iterations: number, fn: (input: T) => Promise<void> | void, prepare?: () => T): Promise<number> {
  const run = async () => {
    const input = prepare ? prepare() : (undefined as T);
    const start = process.cpuUsage();
    await fn(input);
    return process.cpuUsage(start);
  };
  for (let i = 0; i < Math.max(3, iterations / 5); i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const d = await run();
    samples.push(d.user + d.system);
  }
  return percentile(samples, 50);
}

/** One case of an interleaved measurement: what to run, and what to build outside the clock. */
export interface CpuCase<T = unknown> {
  run: (input: T) => Promise<void> | void;
  prepare?: () => T;
}

/** How a side-by-side measurement runs its cases (cpuMicrosInBlocks). */
export interface BlockPlan {
  /** Calls counted per case. */
  samples: number;
  /** Calls of a case in a row. */
  block: number;
  /** The first calls of each block, not counted (the switch from the case before). */
  discard: number;
  /** Calls of each case before any is counted: which of V8's tiers is measured (a function that
   * runs once a request is optimised only after several hundred requests). */
  warmupCalls: number;
}

/**
 * Median CPU microseconds per call of each case, the cases run in blocks: every round runs
 * `block` calls of each case in turn (the order rotating from round to round, so that load from
 * other processes, GC and CPU frequency drift fall on every case alike), the first `discard`
 * calls of each block not counted. Run a case twice (A/A) to see what the noise is.
 *
 * Why blocks, and every case given as many calls: measured call by call, a call's cost depends on
 * which case ran just before it (caches, V8's inline caches), and a case run fewer times than
 * another has its code optimised later. Measured on the Responses bench (6 runs each, same code):
 * chat, Responses, chat in turn call by call put Responses at +64 us against chat; Responses,
 * chat, Responses at -112 us: a 176 us swing from the order alone. In blocks of 8 (2 dropped),
 * chat, Responses, Responses, chat: +2 us, A/A within 1-3%.
 */
export async function cpuMicrosInBlocks(cases: readonly CpuCase<any>[], plan: BlockPlan): Promise<number[]> {
  const samples: number[][] = cases.map(() => []);
  const once = async (c: CpuCase<any>) => {
    const input = c.prepare ? c.prepare() : undefined;
    const start = process.cpuUsage();
    await c.run(input);
    const d = process.cpuUsage(start);
    return d.user + d.system;
  };
  const counted = plan.block - plan.discard;
  const warmupRounds = Math.ceil(plan.warmupCalls / plan.block);
  const rounds = warmupRounds + Math.ceil(plan.samples / counted);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const at = (round + k) % cases.length;
      for (let call = 0; call < plan.block; call++) {
        const us = await once(cases[at]!);
        if (round >= warmupRounds && call >= plan.discard) samples[at]!.push(us);
      }
    }
  }
  return samples.map((s) => percentile(s, 50));
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx]!;
}

export function printTable(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  const header = ['case', 'OpenGemini', 'baseline (same run)', 'ratio', 'target', ''];
  const lines = rows.map((r) => [r.name, r.ours, r.baseline, r.ratio, r.target, r.pass ? 'ok' : 'MISSED']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}
