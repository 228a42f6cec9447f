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

/**
 * Median CPU microseconds per call of each case, the cases run one after the other in every
 * round (the order rotating from round to round), so that load from other processes, GC and CPU
 * frequency drift fall on every case alike. Run a case twice (A/A) to see what the noise is.
 * The warm-up (a fifth of the rounds unless given) decides which of V8's tiers is measured: a
 * function that runs once a request is optimised only after several hundred requests.
 */
export async function cpuMicrosInterleaved(rounds: number, cases: readonly CpuCase<any>[], warmupRounds = Math.max(3, rounds / 5)): Promise<number[]> {
  const samples: number[][] = cases.map(() => []);
  const once = async (c: CpuCase<any>) => {
    const input = c.prepare ? c.prepare() : undefined;
    const start = process.cpuUsage();
    await c.run(input);
    const d = process.cpuUsage(start);
    return d.user + d.system;
  };
  for (let i = 0; i < warmupRounds; i++) for (const c of cases) await once(c);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const at = (round + k) % cases.length;
      samples[at]!.push(await once(cases[at]!));
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
